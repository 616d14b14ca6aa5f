//! Quotations and who said them.
//!
//! The stage works on the article's body text in linear passes (no regex, nothing compiled per call):
//!
//! 1. **Tokens.** One pass splits the text into words, punctuation, quote marks and paragraph breaks (every
//!    line break ends a paragraph), and tags each word from a small lexicon: speech cues (`said`, `told`,
//!    `according to`, `shot back`, …), pronouns, determiners, titles, prepositions, abbreviations whose
//!    period does not end a sentence (`Mr.`, `Sen.`, `Jan.`), function words that end a noun phrase.
//! 2. **Quote marks.** Double marks (`"`, `“ ”`, `„`, `« »`) are paired within a paragraph, using the glyph
//!    and the characters around a straight mark to tell opening from closing; marks of another family
//!    inside an open quote (`"… “snapback” …"`) are a nested quote and stay inside. Single marks are never
//!    paired (`Iran's`, `‘no’`). A paragraph that ends inside a quote and is followed by a paragraph
//!    opening with a quote mark is the news convention for a quote running over several paragraphs: each
//!    paragraph's part is reported as its own [`Quote`] (so `text` always equals the characters at
//!    `start..end` and holds no marks), and all parts share the attribution.
//! 3. **Attribution**, per quote, looking only at the sentence around it (bounded by neighbouring quotes):
//!    `"…," X said` / `"…," said X` / `"…," X told Reuters` / `"…," according to X` / `"…," …, says X`
//!    on the right; `X said: "…"` / `X said, "…"` / `X said that … "…"` / `According to X, "…"` /
//!    `…, adding "…"` / `X: "…"` on the left; failing a cue, the subject of the clause holding the quote
//!    (`Rubio bemoaned a climate in which people "literally hate each other"`). Then continuations: an
//!    earlier or later quote of the same sentence, a later quote of the same paragraph, the next part of
//!    a multi-paragraph quote, a paragraph holding only a quote after a paragraph whose speaker is known
//!    (`He said:` or an attributed quote), each with a lower confidence.
//! 4. **Speakers.** The noun phrase next to the cue is chunked without a tagger (titles, names, `the
//!    foreign ministry spokesman`, `Soe Min, a USDP member`, `Trump, who campaigned in the state, …`). An
//!    entity mention (from the entity stage) on the phrase gives the canonical name, the id and the
//!    mention; otherwise a name is read from the capitalised words (titles dropped: "Foreign Minister
//!    Abbas Araghchi" → "Abbas Araghchi"), or the phrase itself is the descriptor ("a senior U.S.
//!    official", entity id null). `he`/`she` resolve to the nearest preceding PERSON (an entity mention
//!    outside quotes, or a named speaker found earlier), `they`/`it` to the nearest organisation; the
//!    mention stays the pronoun.
//!
//! Confidence is the pattern's reliability (right-adjacent 0.92, left-adjacent 0.88, sentence-final or
//! `said that …` 0.75, participle 0.55, colon 0.5, clause subject 0.4), scaled down for pronouns left
//! unresolved, descriptors and continuations; 0 when the speaker is unknown.
//!
//! Short quoted fragments are kept only when attributed: one word needs a cue pattern touching it (or a
//! cue in its sentence with a speaker), two or three words a cue in the same sentence; capitalised titles
//! (`on "Meet the Press"`) and headline-plus-byline lines are dropped. Offsets in the output are Unicode
//! scalar values into the text.

use std::collections::HashMap;

use crate::record::{Entity, EntityType, Mention, Quote, QuoteKind, Speaker};

// Word flags.
const F_CAP: u32 = 1; // starts with an uppercase letter
const F_CUE: u32 = 1 << 1; // speech verb (or `according`)
const F_INVERT: u32 = 1 << 2; // cue that may precede its speaker: `"…," said X`
const F_PARTICIPLE: u32 = 1 << 3; // `adding`, `saying`: subject is the clause's subject
const F_PRONOUN: u32 = 1 << 4; // he, she, they, it, I, we
const F_STOP: u32 = 1 << 5; // function word that ends a noun phrase
const F_DET: u32 = 1 << 6; // a, the, his, one, ...: starts a noun phrase
const F_TITLE: u32 = 1 << 7; // President, Minister, Sen, ...
const F_ABBR: u32 = 1 << 8; // abbreviation whose period does not end a sentence
const F_POSS: u32 = 1 << 9; // Iran's, his
const F_SKIP: u32 = 1 << 10; // between a subject and its cue: also, has, later
const F_LINK: u32 = 1 << 11; // of, for: inside names (Secretary of State)
const F_TIME: u32 = 1 << 12; // Sunday, today
const F_DESC: u32 = 1 << 13; // noun heading a descriptor: official, spokesman
const F_ACCORDING: u32 = 1 << 14; // `according` (cue only before `to`)
const F_ORGHEAD: u32 = 1 << 15; // Department, Ministry: a capitalised run ending here is an organisation
const F_TIMELEAD: u32 = 1 << 16; // on, last, this, early, late: before a time word
const F_PARTICLE: u32 = 1 << 17; // bin, al, de, van: inside personal names
const F_ADVLY: u32 = 1 << 18; // lowercase adverb in -ly (not in the lexicon)
const F_WHO: u32 = 1 << 19; // relative `who`
const F_THAT: u32 = 1 << 20; // `that`: opens reported speech
const F_PREP: u32 = 1 << 21; // preposition: a noun phrase after it is not a subject
const F_PHRASAL: u32 = 1 << 22; // cue only with its particle: `shot back`, `pointed out`
const F_QUANT: u32 = 1 << 24; // another, one, some: a determiner that can stand alone
const F_NAMING: u32 = 1 << 23;
const F_CONJ: u32 = 1 << 25; // and, but, that, which: no verb after a subject // `titled`, `dubbed`: a capitalised quote after it is a title

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Punct,
    Mark,
    Break,
}

/// A token: byte offsets into the text.
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// First character (the character itself for punctuation and marks).
    ch: char,
    flags: u32,
}

impl Tok {
    fn word(&self) -> bool {
        self.kind == Kind::Word
    }
    fn has(&self, f: u32) -> bool {
        self.kind == Kind::Word && self.flags & f != 0
    }
    fn punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.ch == c
    }
    fn is_dash_or_comma(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.ch, ',' | '—' | '–' | '-')
    }
}

/// A noun phrase: token range `start..end`; `name` is the part that names the speaker when the phrase is
/// an apposition (`Soe Min, a USDP member`).
#[derive(Clone, Copy, Debug)]
struct Np {
    start: usize,
    end: usize,
    pronoun: bool,
}

/// How an attribution was found; decides the base confidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pattern {
    /// `"…," X said` / `"…," said X` / `"…," according to X`
    RightAdjacent,
    /// `"…" …, X said.` (sentence-final attribution after a comma)
    RightFinal,
    /// `X said: "…"` / `X said, "…"` / `X said "…"`
    LeftAdjacent,
    /// `X said that … "…"`
    LeftEmbedded,
    /// `…, adding "…"` with the sentence's subject as speaker
    LeftParticiple,
    /// `X: "…"` without a verb
    Colon,
    /// No cue: the subject of the clause holding the quote
    ClauseSubject,
}

impl Pattern {
    fn confidence(self) -> f64 {
        match self {
            Pattern::RightAdjacent => 0.92,
            Pattern::LeftAdjacent => 0.88,
            Pattern::RightFinal => 0.75,
            Pattern::LeftEmbedded => 0.75,
            Pattern::LeftParticiple => 0.55,
            Pattern::Colon => 0.5,
            Pattern::ClauseSubject => 0.4,
        }
    }
    /// Whether the cue pattern touches the quote (enough to keep a one-word quote).
    fn adjacent(self) -> bool {
        matches!(self, Pattern::RightAdjacent | Pattern::LeftAdjacent | Pattern::Colon)
    }
}

/// A pair of quote marks (or a quote running to the end of its paragraph).
#[derive(Clone, Debug)]
struct Span {
    open: usize,
    close: Option<usize>,
    /// Content byte range, trimmed.
    cstart: usize,
    cend: usize,
    para: usize,
    /// Previous part of a multi-paragraph quote.
    chain_prev: Option<usize>,
    /// Context token ranges (sentence around the quote, bounded by neighbouring quotes).
    left_lo: usize,
    right_hi: usize,
    /// Left context reaches the sentence start (not cut by a previous quote).
    left_is_sentence_start: bool,
    /// No sentence boundary between the previous quote of the paragraph and this one.
    same_sentence_as_prev: bool,
    /// The right context stops at the next quote, not at a sentence end.
    right_cut: bool,
}

/// An attribution in the making.
#[derive(Clone, Debug)]
struct Attr {
    speaker: Option<Speaker>,
    cue: String,
    confidence: f64,
    pattern: Option<Pattern>,
    /// A cue in the quote's own sentence (keeps two- and three-word fragments).
    in_sentence: bool,
}

/// Finds quotations and attributes them to speakers. Build once, share freely (`Send + Sync`).
pub struct QuoteExtractor {
    lexicon: HashMap<&'static str, u32>,
}

impl Default for QuoteExtractor {
    fn default() -> Self {
        Self::new()
    }
}

// Cue verbs that may come before their speaker (`"…," said X`).
const CUES_INVERT: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "wrote",
    "writes",
    "asked",
    "asks",
    "explained",
    "explains",
    "continued",
    "continues",
    "noted",
    "notes",
    "replied",
    "replies",
    "responded",
    "responds",
    "declared",
    "declares",
    "tweeted",
    "tweets",
    "argued",
    "argues",
    "insisted",
    "insists",
    "warned",
    "warns",
    "stated",
    "remarked",
    "recalled",
    "recalls",
    "countered",
    "counters",
    "conceded",
    "concedes",
    "acknowledged",
    "acknowledges",
    "cautioned",
    "quipped",
    "joked",
    "agreed",
    "observed",
    "concluded",
    "concludes",
    "answered",
    "exclaimed",
    "offered",
    "recounted",
    "posted",
    "shouted",
    "yelled",
    "complained",
    "lamented",
    "mused",
    "boasted",
    "retorted",
    "admitted",
    "admits",
    "predicted",
    "stressed",
    "stresses",
    "emphasized",
    "emphasised",
    "interjected",
    "reported",
    "reports",
    "suggested",
    "suggests",
    "wondered",
    "whispered",
    "cried",
    "snapped",
    "charged",
    "contended",
    "alleged",
    "asserted",
    "asserts",
    "maintained",
    "reiterated",
    "confirmed",
    "announced",
    "tells",
    "writes",
    "elaborated",
    "pleaded",
    "fumed",
    "scoffed",
    "proclaimed",
    "explained",
    "chimed",
];

// Other speech cues: the speaker comes before them.
const CUES: &[&str] = &[
    "say",
    "told",
    "tell",
    "write",
    "add",
    "ask",
    "explain",
    "insist",
    "argue",
    "warn",
    "tweet",
    "claim",
    "claims",
    "claimed",
    "called",
    "calls",
    "described",
    "describes",
    "accused",
    "accuses",
    "vowed",
    "vows",
    "pledged",
    "pledges",
    "promised",
    "promises",
    "urged",
    "urges",
    "blamed",
    "praised",
    "criticized",
    "criticised",
    "slammed",
    "blasted",
    "denounced",
    "dubbed",
    "labeled",
    "labelled",
    "branded",
    "termed",
    "characterized",
    "characterised",
    "touted",
    "chanted",
    "chants",
    "read",
    "reads",
    "cited",
    "quoted",
    "testified",
    "threatened",
    "demanded",
    "denied",
    "texted",
    "emailed",
    "messaged",
    "mocked",
    "questioned",
    "pronounced",
    "implored",
    "underscored",
    "highlighted",
    "referred",
    "acknowledge",
    "admit",
    "predicts",
    "repeated",
    "expressed",
    "thanked",
    "echoed",
    "hailed",
    "rejected",
    "dismissed",
    "pressed",
    "interrupted",
    "reacted",
    "remembered",
    "confessed",
    "mocks",
    "mused",
    "assured",
    "barked",
    "growled",
    "gushed",
    "marveled",
    "marvelled",
    "raged",
    "proclaims",
    "jokes",
    "estimated",
    "estimates",
    "bemoaned",
    "reasoned",
    "speculated",
    "speculates",
    "opined",
    "theorized",
    "surmised",
    "answers",
    "tweets",
    "recalls",
    "responded",
    "shouted",
];

const CUES_PARTICIPLE: &[&str] = &[
    "saying",
    "adding",
    "telling",
    "noting",
    "calling",
    "arguing",
    "explaining",
    "declaring",
    "writing",
    "warning",
    "insisting",
    "stating",
    "asking",
    "referring",
    "claiming",
    "promising",
    "describing",
    "accusing",
    "urging",
    "stressing",
    "suggesting",
    "acknowledging",
    "remarking",
    "tweeting",
    "posting",
    "vowing",
    "pledging",
    "citing",
    "continuing",
    "responding",
    "replying",
    "praising",
    "blasting",
    "quoting",
    "recalling",
    "emphasizing",
    "emphasising",
    "reiterating",
    "admitting",
    "predicting",
    "complaining",
    "boasting",
    "joking",
    "answering",
    "concluding",
    "echoing",
    "dubbing",
    "labeling",
    "labelling",
];

const PREPS: &[&str] = &[
    "in", "on", "at", "of", "for", "with", "by", "from", "to", "about", "after", "before", "during", "under", "over",
    "against", "between", "into", "through", "among", "across", "upon", "via", "like", "than", "without", "within",
    "toward", "towards",
];

/// Verbs that are speech cues only with the particle after them (see [`PARTICLES_OF_CUES`]).
const PHRASAL: &[&str] = &[
    "shot", "fired", "hit", "pushed", "snapped", "wrote", "pointed", "points", "pointing", "went", "goes", "chimed",
    "cut", "weighed", "weighs", "spoke", "lashed", "lashes", "sounded", "put", "puts",
];
const PARTICLES_OF_CUES: &[&str] = &["back", "out", "in", "on", "up", "off", "it"];

/// Cues that never come before their speaker: `told X` names the listener, `called X` the target.
const NOT_INVERTED: &[&str] = &[
    "told",
    "tell",
    "say",
    "write",
    "add",
    "ask",
    "explain",
    "insist",
    "argue",
    "warn",
    "tweet",
    "claim",
    "acknowledge",
    "admit",
    "called",
    "calls",
    "described",
    "describes",
    "accused",
    "accuses",
    "urged",
    "urges",
    "blamed",
    "praised",
    "criticized",
    "criticised",
    "slammed",
    "blasted",
    "denounced",
    "dubbed",
    "labeled",
    "labelled",
    "branded",
    "termed",
    "characterized",
    "characterised",
    "touted",
    "rejected",
    "dismissed",
    "thanked",
    "expressed",
    "referred",
    "threatened",
    "demanded",
    "denied",
    "hailed",
    "quoted",
    "cited",
    "assured",
    "pressed",
    "interrupted",
    "reacted",
    "estimated",
    "estimates",
    "claims",
    "claimed",
    "promised",
    "promises",
    "vowed",
    "vows",
    "pledged",
    "pledges",
];

/// Irregular past forms and participles: verbs that end a noun phrase.
const IRREGULAR_VERBS: &[&str] = &[
    "began",
    "became",
    "brought",
    "came",
    "chose",
    "did",
    "drove",
    "fell",
    "felt",
    "flew",
    "forgot",
    "gave",
    "given",
    "got",
    "grew",
    "held",
    "kept",
    "knew",
    "known",
    "left",
    "lost",
    "made",
    "met",
    "paid",
    "ran",
    "rose",
    "sat",
    "saw",
    "seen",
    "sent",
    "shown",
    "sold",
    "sought",
    "spent",
    "stood",
    "struck",
    "swore",
    "taken",
    "taught",
    "thought",
    "threw",
    "took",
    "understood",
    "went",
    "won",
    "wore",
    "written",
    "hit",
    "put",
    "set",
    "spoke",
    "told",
    "said",
    "wrote",
    "read",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "i", "we"];

const DETS: &[&str] = &[
    "a", "an", "the", "one", "two", "three", "four", "another", "several", "some", "many", "other", "both", "each",
    "these", "those", "this", "few", "his", "her", "their", "its", "our", "my", "your",
];

const STOPS: &[&str] = &[
    "and", "or", "but", "nor", "so", "yet", "that", "which", "who", "whom", "whose", "when", "where", "while",
    "whether", "as", "because", "if", "although", "though", "since", "after", "before", "until", "unless", "than",
    "then", "in", "on", "at", "by", "with", "from", "to", "into", "onto", "over", "under", "about", "against",
    "between", "through", "during", "without", "within", "among", "across", "upon", "per", "via", "is", "was", "were",
    "are", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should",
    "can", "could", "may", "might", "must", "not", "no", "never", "there", "here", "what", "how", "why", "even",
    "just", "only", "very", "too", "now", "him", "them", "us", "me", "you", "also", "again", "still", "however",
    "instead", "said", "like", "up", "out", "off", "down", "all", "any", "more", "less",
];

const SKIPS: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "later",
    "then",
    "previously",
    "once",
    "again",
    "further",
    "recently",
    "earlier",
    "repeatedly",
    "reportedly",
    "publicly",
    "privately",
    "separately",
    "subsequently",
    "simply",
    "just",
    "now",
    "would",
    "will",
    "could",
    "did",
    "does",
    "even",
    "quickly",
    "often",
    "always",
    "never",
    "not",
    "first",
    "since",
    "only",
    "still",
    "reportedly",
    "allegedly",
    "apparently",
    "initially",
    "finally",
];

const TIMES: &[&str] = &[
    "today",
    "yesterday",
    "tonight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "week",
    "weekend",
    "night",
    "morning",
    "afternoon",
    "evening",
    "month",
    "year",
];

const TIMELEADS: &[&str] = &["on", "last", "this", "early", "late", "earlier", "later"];

const TITLES: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "foreign",
    "prime",
    "vice",
    "deputy",
    "chief",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "speaker",
    "ambassador",
    "envoy",
    "special",
    "director",
    "general",
    "leader",
    "supreme",
    "ayatollah",
    "senator",
    "sen",
    "rep",
    "representative",
    "gov",
    "governor",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "adm",
    "maj",
    "judge",
    "justice",
    "mayor",
    "chairman",
    "chairwoman",
    "chair",
    "king",
    "queen",
    "prince",
    "crown",
    "sheikh",
    "emir",
    "pope",
    "state",
    "defense",
    "defence",
    "affairs",
    "treasury",
    "interior",
    "commander",
    "adviser",
    "advisor",
    "former",
    "acting",
    "attorney",
    "imam",
    "cardinal",
    "rabbi",
    "professor",
    "prof",
    "pres",
    "sens",
    "reps",
    "candidate",
    "nominee",
    "host",
    "anchor",
    "congressman",
    "congresswoman",
    "councilman",
    "councilwoman",
    "ceo",
    "chancellor",
    "premier",
    "massachusetts",
];

const ABBRS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "adm", "maj", "st", "jr", "sr",
    "prof", "rev", "hon", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs",
    "inc", "corp", "co", "ltd", "mt", "ft", "ave", "pres", "sens", "reps", "gens", "govs", "messrs", "cmdr", "brig",
    "supt", "insp", "det", "fig", "approx",
];

const DESCS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "diplomat",
    "diplomats",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "minister",
    "ministers",
    "aide",
    "aides",
    "lawmaker",
    "lawmakers",
    "legislator",
    "legislators",
    "negotiator",
    "negotiators",
    "observer",
    "observers",
    "critic",
    "critics",
    "resident",
    "residents",
    "witness",
    "witnesses",
    "people",
    "supporters",
    "protesters",
    "police",
    "authorities",
    "leaders",
    "statement",
    "report",
    "media",
    "officers",
    "commanders",
    "advisers",
    "advisors",
    "organizers",
    "organisers",
    "researchers",
    "investigators",
    "prosecutors",
    "democrats",
    "republicans",
    "voters",
    "members",
    "ministry",
    "government",
    "agency",
    "campaign",
];

const ORGHEADS: &[&str] = &[
    "department",
    "ministry",
    "office",
    "house",
    "council",
    "committee",
    "agency",
    "organization",
    "organisation",
    "party",
    "court",
    "guard",
    "guards",
    "corps",
    "force",
    "forces",
    "news",
    "times",
    "post",
    "journal",
    "union",
    "bank",
    "fund",
    "assembly",
    "parliament",
    "congress",
    "senate",
    "command",
    "pentagon",
    "tv",
    "network",
    "press",
    "institute",
    "university",
    "group",
    "commission",
];

const PARTICLES: &[&str] = &[
    "bin", "ibn", "al", "el", "de", "del", "da", "di", "van", "von", "der", "den", "le", "la", "du", "abu", "abd",
    "bint",
];

/// Lowercase words ending in -ly that are not adverbs.
const NOT_ADVERBS: &[&str] = &[
    "family", "ally", "daily", "early", "only", "rally", "assembly", "supply", "weekly", "monthly", "italy", "july",
    "lily", "holy", "belly", "bully",
];

impl QuoteExtractor {
    /// Builds the lexicon (once; reuse the extractor).
    pub fn new() -> Self {
        let mut lexicon: HashMap<&'static str, u32> = HashMap::new();
        let mut add = |words: &[&'static str], f: u32| {
            for w in words {
                *lexicon.entry(w).or_insert(0) |= f;
            }
        };
        add(CUES_INVERT, F_CUE | F_INVERT);
        add(CUES, F_CUE);
        add(CUES_PARTICIPLE, F_CUE | F_PARTICIPLE);
        add(&["according"], F_CUE | F_ACCORDING);
        add(PRONOUNS, F_PRONOUN);
        add(DETS, F_DET);
        add(&["his", "her", "their", "its", "our", "my", "your"], F_POSS);
        add(STOPS, F_STOP);
        add(SKIPS, F_SKIP);
        add(TIMES, F_TIME);
        add(TIMELEADS, F_TIMELEAD);
        add(TITLES, F_TITLE);
        add(ABBRS, F_ABBR);
        add(DESCS, F_DESC);
        add(ORGHEADS, F_ORGHEAD);
        add(PARTICLES, F_PARTICLE);
        add(&["of", "for"], F_LINK);
        add(&["who"], F_WHO);
        add(&["that"], F_THAT);
        add(PREPS, F_PREP);
        add(
            &[
                "and", "or", "but", "nor", "that", "which", "who", "whom", "whose", "when", "where", "while", "as",
                "if", "than", "so", "because", "although", "though",
            ],
            F_CONJ,
        );
        add(&["another", "one", "some", "many", "several", "both", "most", "few", "two", "three"], F_QUANT);
        add(PHRASAL, F_PHRASAL);
        add(&["titled", "entitled", "named", "headlined", "called", "dubbed"], F_NAMING);
        add(NOT_ADVERBS, 0);
        // Most cues may also come before their speaker (`"…," opined the Plain Dealer`).
        for w in CUES {
            if !NOT_INVERTED.contains(w) {
                *lexicon.entry(w).or_insert(0) |= F_INVERT;
            }
        }
        QuoteExtractor { lexicon }
    }

    /// Quotes in `text`, in text order. `entities` are the article's entities (char-offset mentions into
    /// the same text), used to resolve speakers to entity ids; mentions outside the text are ignored.
    pub fn extract(&self, text: &str, entities: &[Entity]) -> Vec<Quote> {
        if !text.contains(['"', '“', '”', '„', '‟', '«', '»']) {
            return Vec::new();
        }
        let toks = self.tokenize(text);
        let doc = Doc::new(text, toks, entities);
        let spans = doc.pair_marks();
        if spans.is_empty() {
            return Vec::new();
        }
        let mut run = Run { d: &doc, spans: &spans, named: Vec::new() };
        run.attribute()
    }

    fn word_flags(&self, word: &str) -> u32 {
        let mut flags = 0;
        let first = word.chars().next().unwrap_or(' ');
        if first.is_uppercase() {
            flags |= F_CAP;
        }
        let mut lower = word.to_lowercase();
        if lower.contains('’') {
            lower = lower.replace('’', "'");
        }
        if let Some(base) = lower.strip_suffix("'s") {
            if let Some(&f) = self.lexicon.get(base)
                && f & (F_STOP | F_PRONOUN | F_WHO | F_THAT | F_DET) != 0
            {
                // A contraction: "what's", "he's", "that's".
                return flags | f;
            }
            flags |= F_POSS;
            if let Some(f) = self.lexicon.get(base) {
                // Keep only what a possessive can still be: a title or organisation word.
                flags |= f & (F_ORGHEAD | F_DESC);
            }
            return flags;
        }
        if lower.ends_with('\'') && lower.len() > 2 {
            // Plural possessive: "Iranians'".
            return flags | F_POSS;
        }
        let key = lower.trim_end_matches('.');
        match self.lexicon.get(key) {
            Some(f) => flags |= f,
            None => {
                if flags & F_CAP == 0 && key.len() > 4 && key.ends_with("ly") && key.chars().all(|c| c.is_alphabetic())
                {
                    flags |= F_ADVLY;
                }
            }
        }
        // Capitalised function words are still function words ("And", "The"), but a capitalised name that
        // happens to be a function word ("May", "Will") is not; the attribution code checks position.
        flags
    }

    fn tokenize(&self, text: &str) -> Vec<Tok> {
        let mut toks: Vec<Tok> = Vec::with_capacity(text.len() / 5 + 1);
        let mut pos = 0;
        while let Some(c) = text[pos..].chars().next() {
            let clen = c.len_utf8();
            if c.is_whitespace() {
                if matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\r')
                    && toks.last().is_some_and(|t| t.kind != Kind::Break)
                {
                    toks.push(Tok { kind: Kind::Break, start: pos, end: pos + clen, ch: '\n', flags: 0 });
                }
                pos += clen;
                continue;
            }
            if c.is_alphanumeric() {
                let start = pos;
                let mut end = pos + clen;
                let mut has_dot = false;
                loop {
                    let mut rest = text[end..].chars();
                    let Some(d) = rest.next() else { break };
                    if d.is_alphanumeric() {
                        end += d.len_utf8();
                        continue;
                    }
                    let joins = match d {
                        '\'' | '’' | '-' | '‐' | '.' | '&' | '_' => true,
                        ',' | ':' => text[..end].chars().next_back().is_some_and(|p| p.is_ascii_digit()),
                        _ => false,
                    };
                    let next = rest.next();
                    let next_ok = match d {
                        ',' | ':' => next.is_some_and(|n| n.is_ascii_digit()),
                        _ => next.is_some_and(|n| n.is_alphanumeric()),
                    };
                    if joins && next_ok {
                        if d == '.' {
                            has_dot = true;
                        }
                        end += d.len_utf8();
                        continue;
                    }
                    break;
                }
                // Plural possessive: "Sanders’ campaign", "the Khans' home".
                if (text[..end].ends_with('s') || text[..end].ends_with('S'))
                    && (text[end..].starts_with('’') || text[end..].starts_with('\''))
                {
                    let after = &text[end + 1 + usize::from(text[end..].starts_with('’')) * 2..];
                    let mut ac = after.chars();
                    if ac.next().is_some_and(|c| c == ' ') && ac.next().is_some_and(|c| c.is_lowercase()) {
                        end += text[end..].chars().next().map_or(0, char::len_utf8);
                    }
                }
                // Initials and dotted acronyms keep their final period: "J.", "U.S.", "a.m."
                if text[end..].starts_with('.') {
                    let w = &text[start..end];
                    let single_cap = w.chars().count() == 1 && c.is_uppercase();
                    let dotted = has_dot && w.split('.').all(|p| p.chars().count() <= 2);
                    if single_cap || dotted {
                        end += 1;
                    }
                }
                let flags = self.word_flags(&text[start..end]);
                toks.push(Tok { kind: Kind::Word, start, end, ch: c, flags });
                pos = end;
                continue;
            }
            if is_mark(c) {
                toks.push(Tok { kind: Kind::Mark, start: pos, end: pos + clen, ch: c, flags: 0 });
                pos += clen;
                continue;
            }
            // Punctuation; "--" is a dash, "..." an ellipsis.
            let (ch, len) = if text[pos..].starts_with("--") {
                ('—', 2)
            } else if text[pos..].starts_with("...") {
                ('…', 3)
            } else {
                (c, clen)
            };
            toks.push(Tok { kind: Kind::Punct, start: pos, end: pos + len, ch, flags: 0 });
            pos += len;
        }
        toks
    }
}

/// Straight, curly and angle marks: a mark of another family inside a quote is a nested quote.
fn mark_family(c: char) -> u8 {
    match c {
        '"' => 0,
        '«' | '»' => 2,
        _ => 1,
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»')
}

/// The tokenised text and the indexes built over it.
struct Doc<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    /// Token ranges of the paragraphs.
    paras: Vec<(usize, usize)>,
    /// Char offset of each byte (the index of the char it belongs to; `text.len()` maps to the count).
    b2c: Vec<u32>,
    entities: &'a [Entity],
    /// Valid entity mentions, as (start char, end char, entity index), sorted by start.
    mentions: Vec<(usize, usize, usize)>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str, toks: Vec<Tok>, entities: &'a [Entity]) -> Self {
        let mut b2c = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (i, ch) in text.char_indices() {
            // Continuation bytes carry their char's index too, so the table stays sorted.
            for slot in &mut b2c[i..i + ch.len_utf8()] {
                *slot = n;
            }
            n += 1;
        }
        b2c[text.len()] = n;
        let nchars = n as usize;
        let mut paras = Vec::new();
        let mut pstart = 0;
        for (i, t) in toks.iter().enumerate() {
            if t.kind == Kind::Break {
                paras.push((pstart, i));
                pstart = i + 1;
            }
        }
        paras.push((pstart, toks.len()));
        let mut mentions = Vec::new();
        for (ei, e) in entities.iter().enumerate() {
            for m in &e.mentions {
                if m.start < m.end && m.end <= nchars {
                    mentions.push((m.start, m.end, ei));
                }
            }
        }
        mentions.sort_unstable();
        Doc { text, toks, paras, b2c, entities, mentions }
    }

    fn c(&self, byte: usize) -> usize {
        self.b2c.get(byte).copied().unwrap_or(0) as usize
    }

    fn prev_char(&self, byte: usize) -> Option<char> {
        self.text[..byte].chars().next_back()
    }

    fn next_char(&self, byte: usize) -> Option<char> {
        self.text[byte..].chars().next()
    }

    /// Whether token `i` ends a sentence.
    fn sentence_end(&self, i: usize) -> bool {
        let t = &self.toks[i];
        match t.kind {
            Kind::Break => true,
            Kind::Punct => match t.ch {
                '!' | '?' | ';' => true,
                '.' => {
                    if i == 0 {
                        return true;
                    }
                    let p = &self.toks[i - 1];
                    let attached = p.end == t.start && p.kind == Kind::Word;
                    if !attached {
                        return true;
                    }
                    let abbr = p.flags & F_ABBR != 0 && (p.flags & F_CAP != 0 || p.ch == 'v');
                    if abbr {
                        return false;
                    }
                    // "(D-Nev.) told", "Jan. 5 talks": a period before ")" or a lowercase word.
                    match self.toks.get(i + 1) {
                        Some(n) if n.kind == Kind::Punct && matches!(n.ch, ')' | ',') => false,
                        Some(n) if n.kind == Kind::Word && n.ch.is_lowercase() => false,
                        _ => true,
                    }
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether token `i` starts a sentence (nothing but marks before it since the last sentence end).
    fn at_sentence_start(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            let p = &self.toks[j - 1];
            if p.kind == Kind::Mark || (p.kind == Kind::Punct && matches!(p.ch, '(' | '[')) {
                j -= 1;
                continue;
            }
            return self.sentence_end(j - 1) || (p.kind == Kind::Punct && matches!(p.ch, ':' | '—'));
        }
        true
    }

    /// (can open, can close) for the mark token `i`.
    fn mark_roles(&self, i: usize) -> (bool, bool) {
        let t = &self.toks[i];
        let prev = self.prev_char(t.start);
        let next = self.next_char(t.end);
        let space_before = prev.is_none_or(|c| c.is_whitespace() || "([{—–-/:".contains(c));
        let space_after = next.is_none_or(|c| c.is_whitespace());
        let punct_after = next.is_some_and(|c| ",.;:!?)]}—–-…".contains(c));
        match t.ch {
            '“' | '„' | '‟' | '«' => (true, !space_before && (space_after || punct_after)),
            '”' | '»' => (space_before && !space_after, true),
            _ => {
                let can_open = space_before && !space_after;
                let can_close = !space_before || space_after || punct_after;
                (can_open, can_close)
            }
        }
    }

    /// Pairs quote marks paragraph by paragraph; fills in context bounds.
    fn pair_marks(&self) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        // The previous paragraph ended inside a quote: index of that span.
        let mut pending: Option<usize> = None;
        for (p, &(ps, pe)) in self.paras.iter().enumerate() {
            let mut open: Option<usize> = None;
            // Marks of another family inside an open quote: “Equal Justice” within "…".
            let mut nested = 0usize;
            let mut chain_prev = None;
            if let Some(prev) = pending.take() {
                let first = (ps..pe).find(|&i| self.toks[i].kind != Kind::Break);
                if let Some(f) = first
                    && self.toks[f].kind == Kind::Mark
                    && self.mark_roles(f).0
                {
                    chain_prev = Some(prev);
                } else {
                    // The quote never continued: drop the unclosed part unless it reads like a quote.
                    let s = &spans[prev];
                    if word_count(&self.text[s.cstart..s.cend]) < 4 {
                        spans.remove(prev);
                    }
                }
            }
            for i in ps..pe {
                if self.toks[i].kind != Kind::Mark {
                    continue;
                }
                let (can_open, can_close) = self.mark_roles(i);
                match open {
                    None => {
                        if can_open || !can_close {
                            open = Some(i);
                        }
                    }
                    Some(o) => {
                        let ch = self.toks[i].ch;
                        let other = mark_family(ch) != mark_family(self.toks[o].ch);
                        let opener_glyph = matches!(ch, '“' | '„' | '‟' | '«');
                        if nested > 0 && can_close && (other || !opener_glyph) {
                            nested -= 1;
                            continue;
                        }
                        if can_open && !can_close && (other || opener_glyph) {
                            nested += 1;
                            continue;
                        }
                        nested = 0;
                        if can_close || !can_open {
                            self.push_span(&mut spans, o, Some(i), p, chain_prev.take());
                            open = None;
                        } else {
                            // An opening mark while open: the earlier quote was never closed.
                            open = Some(i);
                            chain_prev = None;
                        }
                    }
                }
            }
            if let Some(o) = open {
                let before = spans.len();
                self.push_span(&mut spans, o, None, p, chain_prev.take());
                if spans.len() > before {
                    pending = Some(spans.len() - 1);
                }
            }
        }
        if let Some(prev) = pending {
            let s = &spans[prev];
            if word_count(&self.text[s.cstart..s.cend]) < 4 {
                spans.remove(prev);
            }
        }
        self.fill_contexts(&mut spans);
        spans
    }

    fn push_span(
        &self,
        spans: &mut Vec<Span>,
        open: usize,
        close: Option<usize>,
        para: usize,
        chain_prev: Option<usize>,
    ) {
        let raw_start = self.toks[open].end;
        let raw_end = match close {
            Some(c) => self.toks[c].start,
            None => {
                let (_, pe) = self.paras[para];
                // Last non-break token of the paragraph.
                (open..pe).rev().find(|&i| self.toks[i].kind != Kind::Break).map_or(raw_start, |i| self.toks[i].end)
            }
        };
        if raw_end <= raw_start {
            return;
        }
        let inner = &self.text[raw_start..raw_end];
        let lead = inner.len() - inner.trim_start().len();
        let trimmed = inner.trim().trim_end_matches([',', ' ']);
        if trimmed.is_empty() {
            return;
        }
        let cstart = raw_start + lead;
        let cend = cstart + trimmed.len();
        // A chain link must point at the span just before (the pending one).
        let chain_prev = chain_prev.filter(|&c| c + 1 == spans.len());
        spans.push(Span {
            open,
            close,
            cstart,
            cend,
            para,
            chain_prev,
            left_lo: open,
            right_hi: close.map_or(open, |c| c + 1),
            left_is_sentence_start: false,
            same_sentence_as_prev: false,
            right_cut: false,
        });
    }

    /// Sentence contexts, bounded by the neighbouring quotes of the same paragraph.
    fn fill_contexts(&self, spans: &mut [Span]) {
        for k in 0..spans.len() {
            let (ps, pe) = self.paras[spans[k].para];
            let prev_close = if k > 0 && spans[k - 1].para == spans[k].para { spans[k - 1].close } else { None };
            let lo_bound = prev_close.map_or(ps, |c| c + 1);
            let open = spans[k].open;
            let mut lo = open;
            let mut sentence_start = false;
            while lo > lo_bound {
                if self.sentence_end(lo - 1) {
                    sentence_start = true;
                    break;
                }
                lo -= 1;
            }
            if lo == lo_bound && prev_close.is_none() {
                sentence_start = true;
            }
            spans[k].left_lo = lo;
            spans[k].left_is_sentence_start = sentence_start;
            spans[k].same_sentence_as_prev = prev_close.is_some() && !sentence_start;
            if let Some(c) = spans[k].close {
                let next_open =
                    if k + 1 < spans.len() && spans[k + 1].para == spans[k].para { spans[k + 1].open } else { pe };
                let cap = (c + 41).min(next_open).min(pe);
                let mut hi = c + 1;
                while hi < cap && !self.sentence_end(hi) {
                    hi += 1;
                }
                spans[k].right_hi = hi;
                spans[k].right_cut = hi == next_open && hi < pe && !self.sentence_end(hi);
            }
        }
    }

    fn tok_text(&self, s: usize, e: usize) -> &str {
        if e <= s || e > self.toks.len() {
            return "";
        }
        &self.text[self.toks[s].start..self.toks[e - 1].end]
    }

    fn mention(&self, bs: usize, be: usize) -> Mention {
        Mention { text: self.text[bs..be].to_string(), start: self.c(bs), end: self.c(be) }
    }

    /// Byte offset of char offset `c` (binary search in the char table).
    fn byte_of(&self, c: usize) -> usize {
        self.b2c.partition_point(|&x| (x as usize) < c).min(self.text.len())
    }

    /// Whether the char position lies inside one of the spans' contents.
    fn inside_quote(qc: &[(usize, usize)], pos: usize) -> bool {
        let k = qc.partition_point(|&(s, _)| s <= pos);
        k > 0 && qc[k - 1].1 > pos
    }
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric())).count()
}

/// One extraction: the document plus what was learnt so far.
struct Run<'d> {
    d: &'d Doc<'d>,
    spans: &'d [Span],
    /// Named speakers found so far: (char end of the mention, speaker).
    named: Vec<(usize, Speaker)>,
}

impl Run<'_> {
    fn t(&self, i: usize) -> &Tok {
        &self.d.toks[i]
    }

    fn word_is(&self, i: usize, w: &str) -> bool {
        let Some(t) = self.d.toks.get(i) else {
            return false;
        };
        t.word() && self.d.text[t.start..t.end].eq_ignore_ascii_case(w)
    }

    /// Length in tokens of the speech cue at token `i` (0 when there is none): `said` 1, `according to`
    /// and `shot back` 2.
    fn cue_len(&self, i: usize) -> usize {
        let t = self.t(i);
        if t.kind != Kind::Word {
            return 0;
        }
        if t.flags & F_ACCORDING != 0 {
            return if self.word_is(i + 1, "to") { 2 } else { 0 };
        }
        if i > 0 && self.t(i - 1).has(F_DET | F_POSS) && !self.t(i - 1).has(F_QUANT) {
            // "Trump's tweet", "a statement read": a noun.
            return 0;
        }
        if t.flags & F_PHRASAL != 0 && PARTICLES_OF_CUES.iter().any(|p| self.word_is(i + 1, p)) {
            return 2;
        }
        usize::from(t.flags & F_CUE != 0)
    }

    /// A capitalised word used as a function word only at a sentence start ("And", "The").
    fn stops_np(&self, i: usize) -> bool {
        let t = self.t(i);
        if t.flags & (F_STOP | F_CUE) == 0 {
            return false;
        }
        if t.flags & F_CAP == 0 {
            return true;
        }
        // "May", "Will", "Said" inside a name are names; at a sentence start they are function words.
        self.d.at_sentence_start(i) && t.flags & F_STOP != 0
    }

    /// The subject of the cue at token `cue`: the noun phrase before it, not before `lo`.
    fn np_before(&self, cue: usize, lo: usize) -> Option<Np> {
        let mut i = cue;
        let mut skipped = 0;
        while i > lo && skipped < 5 {
            let p = self.t(i - 1);
            if !p.word() {
                break;
            }
            let lower_skip = p.flags & (F_SKIP | F_ADVLY) != 0 && p.flags & F_CAP == 0;
            let progressive = self.t(cue).has(F_PARTICIPLE)
                && p.flags & F_CAP == 0
                && ["is", "are", "was", "were", "been", "be"].iter().any(|w| self.word_is(i - 1, w));
            let skippable = lower_skip
                || progressive
                || p.flags & F_TIME != 0
                || (p.flags & F_TIMELEAD != 0 && self.t(i).has(F_TIME));
            if skippable && !p.has(F_PRONOUN) {
                i -= 1;
                skipped += 1;
            } else {
                break;
            }
        }
        let Some(np) = self.np_core_before(i, lo, 0) else {
            return self.np_relative(i, lo);
        };
        if !np.pronoun && np.start > lo && self.t(np.start - 1).has(F_PREP) {
            // "in the past has criticized": a phrase after a preposition is no subject, but a name
            // closing it may be: "at the party convention Sen. Elizabeth Warren said".
            return self.trailing_name(np);
        }
        Some(np)
    }

    /// `a White House official who spoke anonymously to discuss internal strategy said`: the phrase
    /// before a relative `who` a few words back.
    fn np_relative(&self, end: usize, lo: usize) -> Option<Np> {
        let floor = end.saturating_sub(16).max(lo);
        let mut k = end;
        while k > floor {
            k -= 1;
            let t = self.t(k);
            if t.has(F_WHO) {
                return self.np_core_before(k, lo, 1).filter(|np| !np.pronoun);
            }
            let abbr_dot = t.punct('.') && k > 0 && self.t(k - 1).has(F_ABBR);
            if (t.kind != Kind::Word && !abbr_dot) || self.cue_len(k) > 0 {
                return None;
            }
        }
        None
    }

    /// The capitalised run (with titles and abbreviations) that ends a phrase, when the phrase has
    /// lowercase words before it.
    fn trailing_name(&self, np: Np) -> Option<Np> {
        let mut j = np.end;
        while j > np.start {
            let t = self.t(j - 1);
            let ok = (t.has(F_CAP) && !t.has(F_POSS)) || (t.punct('.') && j >= 2 && self.t(j - 2).has(F_ABBR));
            if !ok {
                break;
            }
            j -= 1;
        }
        (j > np.start && j < np.end).then_some(Np { start: j, end: np.end, pronoun: false })
    }

    fn np_core_before(&self, end: usize, lo: usize, depth: u8) -> Option<Np> {
        if end <= lo || depth > 2 {
            return None;
        }
        let mut end = end;
        // A parenthesis after a name: "Sen. Richard J. Durbin (D-Ill.)".
        if self.t(end - 1).punct(')') {
            let open = (end.saturating_sub(8).max(lo)..end - 1).rev().find(|&k| self.t(k).punct('('))?;
            end = open;
            if end <= lo {
                return None;
            }
        }
        let p = self.t(end - 1);
        if p.has(F_PRONOUN) {
            return Some(Np { start: end - 1, end, pronoun: true });
        }
        if p.has(F_WHO) {
            // "X, who …" points back at X.
            let mut j = end - 1;
            if j > lo && self.t(j - 1).punct(',') {
                j -= 1;
            }
            return self.np_core_before(j, lo, depth + 1);
        }
        if p.punct(',') && depth == 0 {
            return self.np_apposition(end, lo);
        }
        let appos = depth > 0;
        let mut j = end;
        let mut n = 0;
        let mut anchored = false;
        while j > lo && n < 10 {
            let p = self.t(j - 1);
            match p.kind {
                Kind::Word => {
                    if p.flags & F_PRONOUN != 0 && p.flags & F_POSS == 0 {
                        break;
                    }
                    if p.flags & F_DET != 0 && (p.flags & F_CAP == 0 || self.d.at_sentence_start(j - 1)) {
                        if j == end && !p.has(F_QUANT) {
                            // A determiner alone ("told her said") is no phrase; "Another said" is.
                            return None;
                        }
                        j -= 1;
                        anchored = true;
                        break;
                    }
                    if appos && p.flags & F_PREP != 0 && p.flags & F_CAP == 0 && j < end {
                        // "a Republican from South Carolina"
                        j -= 1;
                        n += 1;
                        continue;
                    }
                    if self.stops_np(j - 1) {
                        break;
                    }
                    if p.flags & F_LINK != 0 {
                        if j == end {
                            break;
                        }
                        j -= 1;
                        n += 1;
                        continue;
                    }
                    if p.flags & (F_CAP | F_ADVLY) == 0 && p.flags & F_DESC == 0 && self.participle_like(j - 1) {
                        // "rebuked critics": a verb, unless a determiner makes it an adjective
                        // ("the retired general").
                        let det_before = j >= 2 && j - 1 > lo && self.t(j - 2).has(F_DET | F_POSS);
                        if !det_before {
                            break;
                        }
                    }
                    if p.flags & F_ADVLY != 0 {
                        break;
                    }
                    if p.flags & (F_CAP | F_POSS | F_DESC) != 0 {
                        anchored = true;
                    }
                    j -= 1;
                    n += 1;
                }
                Kind::Punct
                    if p.ch == '.'
                        && j >= 2
                        && j - 1 > lo
                        && self.t(j - 2).has(F_ABBR)
                        && self.t(j - 2).end == p.start =>
                {
                    j -= 1;
                }
                _ => break,
            }
        }
        while j < end && (self.t(j).has(F_LINK | F_PREP) || self.t(j).kind == Kind::Punct) {
            j += 1;
        }
        if j >= end || !anchored {
            return None;
        }
        Some(Np { start: j, end, pronoun: false })
    }

    /// `end - 1` is a comma before the cue: "Soe Min, a USDP member, said", "the foreign minister, Abbas
    /// Araghchi, said", or a longer aside: "Trump, who also campaigned in the state this week, tweeted".
    fn np_apposition(&self, end: usize, lo: usize) -> Option<Np> {
        let comma = end - 1;
        if let Some(second) = self.np_core_before(comma, lo, 1)
            && !second.pronoun
            && second.start > lo
            && self.t(second.start - 1).punct(',')
            && let Some(first) = self.np_core_before(second.start - 1, lo, 1)
            && !first.pronoun
        {
            return Some(Np { start: first.start, end: second.end, pronoun: false });
        }
        // An aside between commas (no cue, mark or sentence end inside): the phrase before it, when that
        // phrase opens the sentence or a clause.
        let mut k = comma;
        let floor = comma.saturating_sub(40).max(lo);
        while k > floor {
            k -= 1;
            let t = self.t(k);
            if t.kind == Kind::Mark || self.d.sentence_end(k) || self.cue_len(k) > 0 {
                return None;
            }
            if t.punct(',')
                && let Some(np) = self.np_core_before(k, lo, 1)
            {
                let opens = np.start == lo
                    || self.d.at_sentence_start(np.start)
                    || self.t(np.start - 1).punct(',')
                    || (self.d.at_sentence_start(np.start - 1)
                        && self.t(np.start - 1).has(F_STOP | F_SKIP | F_TIMELEAD));
                let named = np.pronoun || self.t(np.end - 1).has(F_CAP);
                if opens && named {
                    return Some(np);
                }
            }
        }
        None
    }

    /// The noun phrase starting at token `start` (after an inverted cue or `according to`), before `hi`.
    fn np_after(&self, start: usize, hi: usize) -> Option<Np> {
        if start >= hi {
            return None;
        }
        let p = self.t(start);
        if p.has(F_PRONOUN) && !p.has(F_POSS) {
            return Some(Np { start, end: start + 1, pronoun: true });
        }
        let mut j = start;
        let mut n = 0;
        let mut anchored = false;
        let mut det = false;
        let mut seen_cap = false;
        let mut seen_head = false;
        while j < hi && n < 12 {
            let p = self.t(j);
            match p.kind {
                Kind::Word => {
                    let f = p.flags;
                    let after_link = j > start && self.t(j - 1).has(F_LINK);
                    if f & F_DET != 0 && (f & F_CAP == 0 || j == start) {
                        if j == start || after_link || (f & F_POSS != 0 && !seen_cap) {
                            det = true;
                            anchored = true;
                            j += 1;
                            n += 1;
                            continue;
                        }
                        break;
                    }
                    if f & F_TIME != 0 {
                        break;
                    }
                    if f & F_LINK != 0 {
                        // "Secretary of State", "one of those advisers", "a spokesman for the ministry".
                        let next = self.d.toks.get(j + 1).filter(|_| j + 1 < hi);
                        let next_ok = next.is_some_and(|t| t.has(F_CAP) || t.has(F_DET));
                        let prev_ok = j > start && (self.t(j - 1).has(F_CAP) || det);
                        if next_ok && prev_ok {
                            j += 1;
                            n += 1;
                            continue;
                        }
                        break;
                    }
                    if j > start && self.stops_np(j) {
                        break;
                    }
                    if j == start && f & (F_STOP | F_CUE) != 0 && (f & F_CAP == 0 || self.d.at_sentence_start(j)) {
                        break;
                    }
                    if f & F_CAP == 0 && seen_cap && !det {
                        break;
                    }
                    if f & F_CAP == 0 && seen_head && self.participle_like(j) {
                        // "a confidential IAEA report seen by Reuters"
                        break;
                    }
                    if f & F_POSS != 0 {
                        det = true;
                        anchored = true;
                    } else if f & F_CAP != 0 {
                        seen_cap = true;
                        anchored = true;
                        seen_head = true;
                    } else {
                        if f & F_DESC != 0 {
                            anchored = true;
                        }
                        seen_head = j > start;
                    }
                    j += 1;
                    n += 1;
                }
                Kind::Punct
                    if p.ch == '.' && j > start && self.t(j - 1).has(F_ABBR) && self.t(j - 1).end == p.start =>
                {
                    j += 1;
                }
                _ => break,
            }
        }
        while j > start && (self.t(j - 1).has(F_LINK | F_DET) || self.t(j - 1).kind == Kind::Punct) {
            j -= 1;
        }
        if j == start || !anchored {
            return None;
        }
        Some(Np { start, end: j, pronoun: false })
    }

    /// A lowercase past participle that ends a phrase: seen, obtained, released.
    fn participle_like(&self, i: usize) -> bool {
        let t = self.t(i);
        let w = &self.d.text[t.start..t.end];
        (w.len() > 4 && w.ends_with("ed")) || IRREGULAR_VERBS.contains(&w)
    }

    /// `"…," X said` / `"…," said X` / `"…," according to X` / `"…" …, X said.`
    fn right_attr(&self, s: &Span, content: &str) -> Option<(Np, usize, usize, Pattern)> {
        let close = s.close?;
        let hi = s.right_hi;
        let mut j = close + 1;
        while j < hi && self.t(j).is_dash_or_comma() {
            j += 1;
        }
        if j >= hi {
            return None;
        }
        // `"We are done." He added, "…"` / `… was "closing really strong." He noted that …`: a quote
        // ending its sentence is attributed on its right only by a short tail (`"Why?" he asked`,
        // `"Enough." Trump said.`).
        if content.ends_with(['.', '!', '?']) && self.t(j).has(F_CAP) {
            let starts_sentence = s.left_lo == s.open && s.left_is_sentence_start;
            let long_tail = content.ends_with('.') && hi - j > 7;
            if s.right_cut || !starts_sentence || long_tail {
                return None;
            }
        }
        let first = self.t(j);
        let first_len = self.cue_len(j);
        if first_len == 2 && first.has(F_ACCORDING) {
            return self.np_after(j + 2, hi).map(|np| (np, j, j + 2, Pattern::RightAdjacent));
        }
        if first_len == 1
            && first.has(F_INVERT)
            && let Some(np) = self.np_after(j + 1, hi)
        {
            return Some((np, j, j + 1, Pattern::RightAdjacent));
        }
        for c in j..hi.min(j + 16) {
            let len = self.cue_len(c);
            if len == 0 || self.t(c).has(F_PARTICIPLE) {
                continue;
            }
            if len == 1
                && self.t(c).has(F_INVERT)
                && c > j
                && self.t(c - 1).is_dash_or_comma()
                && let Some(np) = self.np_after(c + 1, hi)
                && (np.end == hi || self.t(np.end).is_dash_or_comma())
            {
                // `"…," in sharp contrast to previous elections, says Dante Scala.`
                return Some((np, c, c + 1, Pattern::RightFinal));
            }
            if self.t(c).has(F_ACCORDING) {
                if let Some(np) = self.np_after(c + 2, hi)
                    && c > j
                    && self.t(c - 1).is_dash_or_comma()
                {
                    return Some((np, c, c + 2, Pattern::RightFinal));
                }
                continue;
            }
            let np = self.np_before(c, j)?;
            if np.start == j {
                return Some((np, c, c + len, Pattern::RightAdjacent));
            }
            // "Fight for $15 organizing director Kendall Fells told": a name-like run up to the phrase.
            if !np.pronoun
                && np.start - j <= 6
                && (j..np.start).all(|k| {
                    let t = self.t(k);
                    (t.word() && (!t.has(F_STOP | F_PREP) || t.has(F_LINK)))
                        || (t.kind == Kind::Punct && matches!(t.ch, '$' | '&' | '-' | '.' | '€' | '£'))
                })
            {
                return Some((Np { start: j, end: np.end, pronoun: false }, c, c + len, Pattern::RightAdjacent));
            }
            if self.t(np.start - 1).is_dash_or_comma() {
                return Some((np, c, c + len, Pattern::RightFinal));
            }
            return None;
        }
        None
    }

    /// `X said: "…"` / `X said "…"` / `X said that … "…"` / `According to X, "…"` / `X: "…"`.
    fn left_attr(&self, s: &Span) -> Option<(Np, usize, usize, Pattern)> {
        let lo = s.left_lo;
        let open = s.open;
        let mut participle: Option<usize> = None;
        let mut c = open;
        while c > lo {
            c -= 1;
            let len = self.cue_len(c);
            if len == 0 {
                continue;
            }
            let t = self.t(c);
            if t.has(F_ACCORDING) {
                if let Some(np) = self.np_after(c + 2, open) {
                    let pat =
                        if self.adjacent_left(np.end, open) { Pattern::LeftAdjacent } else { Pattern::LeftEmbedded };
                    return Some((np, c, c + 2, pat));
                }
                continue;
            }
            if c == lo
                && t.has(F_INVERT)
                && s.left_is_sentence_start
                && let Some(np) = self.np_after(c + len, open)
                && self.adjacent_left(np.end, open)
            {
                // "Stated Stone: "…"", "Continued Stone: "…""
                return Some((np, c, c + len, Pattern::LeftAdjacent));
            }
            let np = self.np_before(c, lo).filter(|np| {
                // `emailed supporters saying`: a participle's phrase must open its clause, else it is
                // the object of the main verb.
                !t.has(F_PARTICIPLE)
                    || np.pronoun
                    || np.start == lo
                    || self.d.at_sentence_start(np.start)
                    || self.t(np.start - 1).punct(',')
                    || self.t(np.start - 1).has(F_CONJ)
            });
            if let Some(np) = np {
                let pat = if self.adjacent_left(c + len, open) { Pattern::LeftAdjacent } else { Pattern::LeftEmbedded };
                return Some((np, c, c + len, pat));
            }
            if t.has(F_PARTICIPLE) && participle.is_none() {
                participle = Some(c);
            }
        }
        if let Some(pc) = participle
            && let Some(np) = self.clause_subject(lo, pc)
        {
            return Some((np, pc, pc + 1, Pattern::LeftParticiple));
        }
        // No cue: the subject of the clause the quote sits in (`Rubio also bemoaned the climate in which
        // people "literally hate each other"`, `He jokes, "…"`).
        if open > lo
            && let Some(np) = self.clause_subject(lo, open)
        {
            // The verb after the subject is the cue when it is a content word ("bemoaned"), else none.
            let verb = np.end;
            let v = self.t(verb);
            let (cs, ce) = if v.has(F_STOP | F_SKIP | F_ADVLY | F_CONJ) { (verb, verb) } else { (verb, verb + 1) };
            return Some((np, cs, ce, Pattern::ClauseSubject));
        }
        // "Republican pollster Daron Shaw: "…"" — a colon right before the quote, a name before it.
        if open > lo && self.t(open - 1).punct(':') {
            let mut end = open - 1;
            // Skip a short prepositional phrase: "on Twitter", "in a statement".
            for k in (lo..end).rev().take(4) {
                if self.t(k).has(F_PREP) && !self.t(k).has(F_CAP) && k > lo {
                    if self.np_before(k, lo).is_some() {
                        end = k;
                    }
                    break;
                }
            }
            if let Some(np) = self.np_before(end, lo)
                && (np.pronoun || self.t(np.end - 1).has(F_CAP))
            {
                return Some((np, open - 1, open, Pattern::Colon));
            }
        }
        None
    }

    /// The subject of the clause holding a participle cue (`Trump went after Bush, calling him "…"`):
    /// the last name or pronoun, before `pc`, that opens the sentence or a clause and is followed by a
    /// lowercase word.
    fn clause_subject(&self, lo: usize, pc: usize) -> Option<Np> {
        for i in lo..pc {
            let opens = i == lo || self.t(i - 1).punct(',');
            let first = self.t(i);
            if !opens || !first.word() || first.has(F_PARTICIPLE) {
                continue;
            }
            if !(first.has(F_CAP | F_PRONOUN | F_DET)) || self.word_is(i, "it") {
                continue;
            }
            let Some(np) = self.np_after(i, pc) else {
                continue;
            };
            let head = self.t(np.end - 1);
            let named =
                np.pronoun || (head.has(F_CAP) && !head.has(F_TIMELEAD | F_SKIP | F_PREP | F_STOP)) || first.has(F_DET);
            let verb_next = np.end < pc && {
                let v = self.t(np.end);
                v.word() && !v.has(F_CAP) && !v.has(F_DET | F_PREP | F_LINK | F_CONJ)
            };
            if named && verb_next {
                return Some(np);
            }
        }
        None
    }

    /// Whether the words between a cue (ending at `from`) and the opening mark are a short adverbial
    /// ending in `:` or `,` (or nothing): `said in a statement:`, `told reporters,`.
    fn adjacent_left(&self, from: usize, open: usize) -> bool {
        if from >= open {
            return true;
        }
        let last = self.t(open - 1);
        if !(last.kind == Kind::Punct && matches!(last.ch, ':' | ',' | '—')) {
            return false;
        }
        if open - from > 12 {
            return false;
        }
        (from..open - 1).all(|i| {
            let t = self.t(i);
            !t.has(F_THAT) && self.cue_len(i) == 0 && t.kind != Kind::Mark
        })
    }

    /// Speaker for a noun phrase; the factor scales the pattern's confidence.
    fn speaker(&self, np: Np, qc: &[(usize, usize)]) -> (Speaker, f64) {
        let d = self.d;
        let bs = d.toks[np.start].start;
        let be = d.toks[np.end - 1].end;
        if np.pronoun {
            let mention = d.mention(bs, be);
            let lower = mention.text.to_lowercase().replace('’', "'");
            let want = match lower.trim_end_matches("'s") {
                "he" | "she" => Some(EntityType::Person),
                "they" | "it" => Some(EntityType::Org),
                _ => None,
            };
            if let Some(kind) = want
                && let Some((name, id)) = self.resolve_pronoun(mention.start, kind, qc)
            {
                return (Speaker { name, entity_id: id, mention }, 0.9);
            }
            return (Speaker { name: mention.text.clone(), entity_id: None, mention }, 0.7);
        }
        let (cs, ce) = (d.c(bs), d.c(be));
        // An entity mention on the phrase: PERSON anywhere (not possessive), others on the head.
        let head_start = d.c(d.toks[np.end - 1].start);
        let mut best: Option<(u8, usize, usize, usize)> = None; // (rank, end, start, entity)
        let k = d.mentions.partition_point(|&(s, _, _)| s < ce);
        for &(ms, me, ei) in d.mentions[..k].iter().rev().take(64) {
            if me <= cs {
                continue;
            }
            let Some(e) = d.entities.get(ei) else {
                continue;
            };
            let follows_poss = {
                let b = d.byte_of(me);
                let rest = &d.text[b..];
                rest.starts_with("'s") || rest.starts_with("’s")
            };
            if follows_poss {
                continue;
            }
            let covers_head = me > head_start;
            let rank = match e.kind {
                EntityType::Person => 3,
                _ if covers_head => match e.kind {
                    EntityType::Org => 2,
                    _ => 1,
                },
                _ => continue,
            };
            if best.is_none_or(|b| (rank, me) > (b.0, b.1)) {
                best = Some((rank, me, ms, ei));
            }
        }
        if let Some((_, me, ms, ei)) = best
            && let Some(e) = d.entities.get(ei)
        {
            let (mb, mbe) = (d.byte_of(ms), d.byte_of(me));
            return (Speaker { name: e.name.clone(), entity_id: Some(e.id.clone()), mention: d.mention(mb, mbe) }, 1.0);
        }
        let mention = d.mention(bs, be);
        match self.name_in(np) {
            Some(name) => (Speaker { name, entity_id: None, mention }, 1.0),
            None => (Speaker { name: mention.text.clone(), entity_id: None, mention }, 0.95),
        }
    }

    /// The proper name in a phrase whose head is capitalised, titles stripped:
    /// "Iran's Foreign Minister Abbas Araghchi" → "Abbas Araghchi". None for descriptors.
    fn name_in(&self, np: Np) -> Option<String> {
        // The phrase may be an apposition: take the last capitalised run that ends a part.
        let mut best: Option<(usize, usize)> = None;
        let mut i = np.start;
        while i < np.end {
            let t = self.t(i);
            let part_end = t.punct(',');
            if part_end {
                i += 1;
                continue;
            }
            // A capitalised run: names, initials, particles between capitals, "of" between capitals.
            if t.has(F_CAP) && !t.has(F_DET) && !t.has(F_POSS) {
                let s = i;
                let mut e = i + 1;
                while e < np.end {
                    let u = self.t(e);
                    if (u.has(F_CAP) && !u.has(F_POSS))
                        || (u.punct('.') && self.t(e - 1).has(F_ABBR))
                        || ((u.has(F_PARTICLE) || u.has(F_LINK)) && e + 1 < np.end && self.t(e + 1).has(F_CAP))
                    {
                        e += 1;
                    } else {
                        break;
                    }
                }
                let ends_part = e == np.end || self.t(e).punct(',');
                if ends_part && best.is_none() {
                    best = Some((s, e));
                }
                i = e;
            } else {
                i += 1;
            }
        }
        let (s, e) = best?;
        let last = self.t(e - 1);
        if last.has(F_DESC) && !last.has(F_ORGHEAD) && e - s == 1 {
            // "Officials said": a capitalised descriptor at a sentence start.
            return None;
        }
        // Strip titles: everything up to the last title word, unless nothing would remain or the run
        // names an organisation ("State Department").
        let mut from = s;
        if !last.has(F_ORGHEAD) {
            for k in s..e {
                let t = self.t(k);
                if t.has(F_TITLE) || (t.punct('.') && k > s && self.t(k - 1).has(F_TITLE)) {
                    from = k + 1;
                }
            }
            while from < e && (self.t(from).has(F_LINK) || self.t(from).kind == Kind::Punct) {
                from += 1;
            }
            if from >= e {
                from = s;
            }
        }
        Some(self.d.tok_text(from, e).to_string())
    }

    /// The nearest person (or organisation) before `pos`: an entity mention outside quotes, or a named
    /// speaker found earlier.
    fn resolve_pronoun(&self, pos: usize, kind: EntityType, qc: &[(usize, usize)]) -> Option<(String, Option<String>)> {
        let d = self.d;
        let mut cand: Option<(usize, String, Option<String>)> = None;
        let k = d.mentions.partition_point(|&(s, _, _)| s < pos);
        for &(ms, me, ei) in d.mentions[..k].iter().rev().take(400) {
            if me > pos {
                continue;
            }
            let Some(e) = d.entities.get(ei) else {
                continue;
            };
            if e.kind != kind || Doc::inside_quote(qc, ms) {
                continue;
            }
            cand = Some((me, e.name.clone(), Some(e.id.clone())));
            break;
        }
        if kind == EntityType::Person {
            let k = self.named.partition_point(|&(e, _)| e <= pos);
            if let Some((end, sp)) = k.checked_sub(1).and_then(|i| self.named.get(i))
                && cand.as_ref().is_none_or(|c| *end > c.0)
            {
                let person = match &sp.entity_id {
                    Some(id) => d.entities.iter().any(|e| &e.id == id && e.kind == EntityType::Person),
                    None => true,
                };
                if person {
                    cand = Some((*end, sp.name.clone(), sp.entity_id.clone()));
                }
            }
        }
        cand.map(|(_, n, id)| (n, id))
    }

    /// The last speaker named in paragraph `p` outside quotes: a subject with a cue, from the end.
    /// Returns the attribution and whether the paragraph ends by introducing a quote (`He said:`).
    fn speech_event_in(&self, p: usize) -> Option<(Np, usize, bool)> {
        let (ps, pe) = self.d.paras[p];
        let last = (ps..pe).rev().find(|&i| self.t(i).kind != Kind::Break)?;
        let intro = self.t(last).punct(':');
        let first = self.spans.partition_point(|s| s.para < p);
        let quoted: Vec<(usize, usize)> =
            self.spans[first..].iter().take_while(|s| s.para == p).map(|s| (s.open, s.close.unwrap_or(pe))).collect();
        let mut c = last + 1;
        let mut scanned = 0;
        while c > ps && scanned < 200 {
            c -= 1;
            scanned += 1;
            let t = self.t(c);
            if quoted.iter().any(|&(o, e)| o <= c && c <= e) || self.cue_len(c) == 0 || t.has(F_ACCORDING) {
                continue;
            }
            if let Some(np) = self.np_before(c, ps) {
                return Some((np, c, intro));
            }
        }
        None
    }

    fn attribute(&mut self) -> Vec<Quote> {
        let d = self.d;
        let spans = self.spans;
        let qc: Vec<(usize, usize)> = spans.iter().map(|s| (d.c(s.cstart), d.c(s.cend))).collect();
        let mut attrs: Vec<Option<Attr>> = Vec::with_capacity(spans.len());

        // Own attributions.
        for s in spans.iter() {
            let content = &d.text[s.cstart..s.cend];
            let found = self.right_attr(s, content).or_else(|| self.left_attr(s));
            let attr = found.map(|(np, cs, ce, pat)| {
                let (sp, factor) = self.speaker(np, &qc);
                if !np.pronoun && (sp.entity_id.is_some() || self.name_in(np).is_some()) {
                    let end = sp.mention.end;
                    let at = self.named.partition_point(|&(e, _)| e <= end);
                    self.named.insert(at, (end, sp.clone()));
                }
                Attr {
                    speaker: Some(sp),
                    cue: d.tok_text(cs, ce).trim_end_matches(':').to_string(),
                    confidence: pat.confidence() * factor,
                    pattern: Some(pat),
                    in_sentence: true,
                }
            });
            let attr = attr.or_else(|| {
                // A cue in the sentence without a speaker still marks reported speech.
                (s.left_lo..s.open).find(|&i| self.cue_len(i) > 0 && !self.t(i).has(F_ACCORDING)).map(|c| Attr {
                    speaker: None,
                    cue: d.tok_text(c, c + 1).to_string(),
                    confidence: 0.0,
                    pattern: None,
                    in_sentence: true,
                })
            });
            attrs.push(attr);
        }

        // Multi-paragraph quotes: the first part takes the chain's best attribution.
        for k in 0..spans.len() {
            if spans[k].chain_prev.is_some() || attrs[k].as_ref().is_some_and(|a| a.speaker.is_some()) {
                continue;
            }
            if k > 0 && spans[k - 1].para == spans[k].para && attrs[k - 1].as_ref().is_some_and(|a| a.speaker.is_some())
            {
                // `"…," he said. "…¶"…"`: the paragraph's speaker goes on.
                continue;
            }
            let mut j = k + 1;
            let mut best: Option<Attr> = None;
            while j < spans.len() && spans[j].chain_prev == Some(j - 1) {
                if let Some(a) = &attrs[j]
                    && a.speaker.is_some()
                    && best.as_ref().is_none_or(|b| a.confidence > b.confidence)
                {
                    best = Some(a.clone());
                }
                j += 1;
            }
            if let Some(mut b) = best {
                b.confidence *= 0.9;
                b.pattern = None;
                attrs[k] = Some(b);
            }
        }

        // A later quote of the same sentence, attributed on its right, lends its speaker to earlier ones:
        // `"All that Glitters" was to be a "cautionary tale," said Susan Crawford.`
        for k in (0..spans.len().saturating_sub(1)).rev() {
            if attrs[k].as_ref().is_some_and(|a| a.speaker.is_some()) || !spans[k + 1].same_sentence_as_prev {
                continue;
            }
            if let Some(a) = &attrs[k + 1]
                && a.speaker.is_some()
                && a.pattern.is_none_or(|p| matches!(p, Pattern::RightAdjacent | Pattern::RightFinal))
            {
                attrs[k] =
                    Some(Attr { confidence: a.confidence * 0.85, pattern: None, in_sentence: true, ..a.clone() });
            }
        }

        // Continuations, in text order.
        for k in 0..spans.len() {
            if attrs[k].as_ref().is_some_and(|a| a.speaker.is_some()) {
                continue;
            }
            let s = &spans[k];
            let inherit = |from: usize, factor: f64| -> Option<Attr> {
                attrs[from].as_ref().filter(|a| a.speaker.is_some()).map(|a| Attr {
                    confidence: a.confidence * factor,
                    pattern: None,
                    ..a.clone()
                })
            };
            let mut got: Option<Attr> = None;
            if let Some(p) = s.chain_prev {
                got = inherit(p, 0.95);
            }
            if got.is_none() && k > 0 && spans[k - 1].para == s.para {
                got = if s.same_sentence_as_prev {
                    inherit(k - 1, 0.95).map(|a| Attr { in_sentence: true, ..a })
                } else {
                    inherit(k - 1, 0.85).map(|a| Attr { in_sentence: false, ..a })
                };
            }
            let para_start = d.paras[s.para].0;
            let starts_para = s.open == para_start;
            if got.is_none() && starts_para && s.para > 0 && attrs[k].is_none() {
                // A paragraph opening with a quote and no cue: the previous paragraph's speaker.
                let prev_para = s.para - 1;
                let prev_quote = (0..k).rev().find(|&j| spans[j].para == prev_para);
                let event = self.speech_event_in(prev_para);
                let quote_attr = prev_quote.and_then(|j| inherit(j, 0.7));
                got = match (event, quote_attr) {
                    (Some((np, c, intro)), qa) => {
                        let later_than_quote = prev_quote.is_none_or(|j| spans[j].open < c);
                        if intro || later_than_quote || qa.is_none() {
                            let (sp, factor) = self.speaker(np, &qc);
                            Some(Attr {
                                speaker: Some(sp),
                                cue: d.tok_text(c, c + 1).to_string(),
                                confidence: if intro { 0.8 } else { 0.45 } * factor,
                                pattern: None,
                                in_sentence: false,
                            })
                        } else {
                            qa
                        }
                    }
                    (None, qa) => qa,
                };
            }
            if got.is_none() && starts_para && attrs[k].is_none() && s.close.is_some() {
                // `"Not only can Cruz win …"¶¶"He may be the only one," Viguerie notes.`: a paragraph
                // holding only a quote, followed by a paragraph opening with an attributed quote.
                if let Some(n) = spans.get(k + 1)
                    && n.para == s.para + 1
                    && n.open == d.paras[n.para].0
                    && n.chain_prev.is_none()
                    && let Some(a) = attrs[k + 1].as_ref()
                    && a.speaker.is_some()
                    && a.pattern.is_some_and(|p| matches!(p, Pattern::RightAdjacent))
                {
                    got =
                        Some(Attr { confidence: a.confidence * 0.45, pattern: None, in_sentence: false, ..a.clone() });
                }
            }
            if got.is_some() {
                attrs[k] = got;
            }
        }

        // Filter fragments and build the quotes.
        let mut out = Vec::with_capacity(spans.len());
        for (k, s) in spans.iter().enumerate() {
            let content = &d.text[s.cstart..s.cend];
            let words = word_count(content);
            if words == 0 {
                continue;
            }
            let attr = attrs[k].take();
            let adjacent =
                attr.as_ref().is_some_and(|a| a.speaker.is_some() && a.pattern.is_some_and(|p| p.adjacent()));
            let in_sentence = attr.as_ref().is_some_and(|a| a.in_sentence);
            let chained = s.chain_prev.is_some() || spans.get(k + 1).is_some_and(|n| n.chain_prev == Some(k));
            if !chained {
                if self.title_like(content) && (!adjacent || self.title_context(s)) {
                    continue;
                }
                if attr.as_ref().is_none_or(|a| a.speaker.is_none()) && self.headline_by(s) {
                    continue;
                }
                if words == 1 && !adjacent && !(in_sentence && attr.as_ref().is_some_and(|a| a.speaker.is_some())) {
                    continue;
                }
                if words <= 3 && !in_sentence && !adjacent {
                    continue;
                }
            }
            let kind = if chained || !self.embedded(s, content) { QuoteKind::Direct } else { QuoteKind::Partial };
            let (speaker, cue, confidence) = match attr {
                Some(a) if a.speaker.is_some() => (a.speaker, a.cue, (a.confidence * 1000.0).round() / 1000.0),
                Some(a) => (None, a.cue, 0.0),
                None => (None, String::new(), 0.0),
            };
            out.push(Quote {
                text: content.to_string(),
                start: d.c(s.cstart),
                end: d.c(s.cend),
                kind,
                cue,
                speaker,
                confidence,
            });
        }
        out
    }

    /// A short capitalised title: "Meet the Press", "Sean Hannity Show".
    fn title_like(&self, content: &str) -> bool {
        let words: Vec<&str> = content.split_whitespace().collect();
        if words.len() < 2 || words.len() > 6 {
            return false;
        }
        if content.ends_with(['.', '!', '?', ',']) && words.len() > 2 {
            return false;
        }
        words.iter().all(|w| {
            let mut letters = w.chars().filter(|c| c.is_alphabetic());
            let first = letters.next();
            let short = letters.count() < 3;
            short || first.is_some_and(|c| c.is_uppercase())
        })
    }

    /// A title's usual place: after a preposition, a possessive or a naming verb (`on "Morning Joe"`,
    /// `her memoir, "Tough Choices"`, `a group called "Free Iran"`).
    fn title_context(&self, s: &Span) -> bool {
        if s.open == 0 {
            return false;
        }
        let mut p = s.open - 1;
        if self.t(p).punct(',') && p > 0 {
            p -= 1;
        }
        let t = self.t(p);
        t.has(F_PREP | F_POSS | F_NAMING) || (t.word() && !t.has(F_CAP) && self.t(s.open - 1).punct(','))
    }

    /// `"Met accused of whitewashing baby Jesus," by Post's Kathianne Boniello`: a headline and byline.
    fn headline_by(&self, s: &Span) -> bool {
        let Some(c) = s.close else {
            return false;
        };
        let comma_inside = self.d.prev_char(self.t(c).start) == Some(',');
        let mut j = c + 1;
        let mut comma_after = false;
        while j < self.d.toks.len() && self.t(j).is_dash_or_comma() {
            comma_after = true;
            j += 1;
        }
        (comma_inside || comma_after)
            && self.word_is(j, "by")
            && !self.t(j).has(F_CAP)
            && self.d.toks.get(j + 1).is_some_and(|t| t.has(F_CAP))
    }

    /// Whether the quote sits inside a sentence (partial) rather than standing as a statement (direct).
    fn embedded(&self, s: &Span, content: &str) -> bool {
        let first_lower = content.chars().find(|c| c.is_alphanumeric()).is_some_and(|c| c.is_lowercase());
        if s.open == s.left_lo {
            // Nothing before it in the sentence (or right after another quote).
            return first_lower && !s.left_is_sentence_start && !self.after_split(s);
        }
        let p = self.t(s.open - 1);
        match p.kind {
            Kind::Punct if matches!(p.ch, ':' | '—' | '(' | '[') => false,
            Kind::Punct if p.ch == ',' => first_lower && !self.after_split(s),
            Kind::Word if self.cue_len(s.open - 1) > 0 => first_lower,
            _ => true,
        }
    }

    /// `"…," he said, "…"`: the quote continues one split by its attribution.
    fn after_split(&self, s: &Span) -> bool {
        s.left_lo > 0 && self.t(s.left_lo - 1).kind == Kind::Mark && (s.left_lo..s.open).any(|i| self.cue_len(i) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Entity, EntityType, Mention};

    fn ent(id: &str, name: &str, kind: EntityType, text: &str, words: &[&str]) -> Entity {
        let mut mentions = Vec::new();
        for w in words {
            let mut from = 0;
            while let Some(b) = text[from..].find(w) {
                let bs = from + b;
                let start = text[..bs].chars().count();
                mentions.push(Mention { text: w.to_string(), start, end: start + w.chars().count() });
                from = bs + w.len();
            }
        }
        mentions.sort_by_key(|m| m.start);
        Entity { id: id.into(), name: name.into(), kind, wikidata: None, mentions }
    }

    fn chars(text: &str, s: usize, e: usize) -> String {
        text.chars().skip(s).take(e - s).collect()
    }

    fn check_offsets(text: &str, quotes: &[Quote]) {
        for q in quotes {
            assert_eq!(chars(text, q.start, q.end), q.text, "quote offsets");
            if let Some(sp) = &q.speaker {
                assert_eq!(chars(text, sp.mention.start, sp.mention.end), sp.mention.text, "mention offsets");
            }
            assert!((0.0..=1.0).contains(&q.confidence));
        }
    }

    fn run(text: &str, entities: &[Entity]) -> Vec<Quote> {
        let q = QuoteExtractor::new().extract(text, entities);
        check_offsets(text, &q);
        q
    }

    fn speaker_name(q: &Quote) -> Option<&str> {
        q.speaker.as_ref().map(|s| s.name.as_str())
    }

    fn mention_text(q: &Quote) -> Option<&str> {
        q.speaker.as_ref().map(|s| s.mention.text.as_str())
    }

    #[test]
    fn quote_then_speaker_said() {
        let text = "\"We are ready to resume indirect talks in Muscat,\" Araghchi said on Sunday.";
        let e = [ent("Q1", "Abbas Araghchi", EntityType::Person, text, &["Araghchi"])];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "We are ready to resume indirect talks in Muscat");
        assert_eq!(q[0].kind, QuoteKind::Direct);
        assert_eq!(q[0].cue, "said");
        assert_eq!(speaker_name(&q[0]), Some("Abbas Araghchi"));
        assert_eq!(q[0].speaker.as_ref().and_then(|s| s.entity_id.as_deref()), Some("Q1"));
        assert_eq!(mention_text(&q[0]), Some("Araghchi"));
        assert!(q[0].confidence > 0.8);
    }

    #[test]
    fn quote_then_said_speaker_without_entities() {
        let text = "“There will be no deal without sanctions relief,” said Iranian Foreign Minister Abbas Araghchi, speaking in Geneva.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("Abbas Araghchi"));
        assert_eq!(mention_text(&q[0]), Some("Iranian Foreign Minister Abbas Araghchi"));
        assert_eq!(q[0].speaker.as_ref().and_then(|s| s.entity_id.clone()), None);
        assert_eq!(q[0].cue, "said");
    }

    #[test]
    fn speaker_said_colon_quote() {
        let text = "White House press secretary Karoline Leavitt said: \"The president wants a deal, but he will not wait forever.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].kind, QuoteKind::Direct);
        assert_eq!(speaker_name(&q[0]), Some("Karoline Leavitt"));
        assert!(q[0].confidence > 0.8);
    }

    #[test]
    fn speaker_said_that_partial() {
        let text = "Trump said that the agreement was \"not dead\" and that talks in Rome would go ahead.";
        let e = [ent("Q22686", "Donald Trump", EntityType::Person, text, &["Trump"])];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "not dead");
        assert_eq!(q[0].kind, QuoteKind::Partial);
        assert_eq!(speaker_name(&q[0]), Some("Donald Trump"));
        assert_eq!(q[0].cue, "said");
    }

    #[test]
    fn told_reuters() {
        let text = "\"Enrichment is our right and it is not negotiable,\" a senior Iranian official told Reuters, speaking on condition of anonymity.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].cue, "told");
        assert_eq!(speaker_name(&q[0]), Some("a senior Iranian official"));
        assert_eq!(q[0].speaker.as_ref().and_then(|s| s.entity_id.clone()), None);
    }

    #[test]
    fn according_to() {
        let text = "According to the foreign ministry spokesman, \"the next round will take place in Oman once the dates are agreed.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].cue, "According to");
        assert_eq!(speaker_name(&q[0]), Some("the foreign ministry spokesman"));
        let text = "\"The inspectors have not had access to Fordow since June,\" according to a confidential IAEA report seen by Reuters.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("a confidential IAEA report"));
    }

    #[test]
    fn pronoun_resolves_to_last_person() {
        let text = "Iranian Foreign Minister Abbas Araghchi met Omani officials in Muscat on Saturday.\n\n\"We have come with a serious proposal,\" he told state television.";
        let e = [
            ent("Q1", "Abbas Araghchi", EntityType::Person, text, &["Abbas Araghchi"]),
            ent("Q2", "Muscat", EntityType::Place, text, &["Muscat"]),
        ];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        let sp = q[0].speaker.as_ref().expect("speaker");
        assert_eq!(sp.name, "Abbas Araghchi");
        assert_eq!(sp.entity_id.as_deref(), Some("Q1"));
        assert_eq!(sp.mention.text, "he");
        assert_eq!(chars(text, sp.mention.start, sp.mention.end), "he");
    }

    #[test]
    fn pronoun_resolves_to_earlier_named_speaker_without_entities() {
        let text = "\"We are not in a hurry,\" said Esmaeil Baghaei, the foreign ministry spokesman.\n\n\"The ball is in Washington's court,\" he added.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 2);
        assert_eq!(speaker_name(&q[0]), Some("Esmaeil Baghaei"));
        assert_eq!(speaker_name(&q[1]), Some("Esmaeil Baghaei"));
        assert_eq!(mention_text(&q[1]), Some("he"));
        assert_eq!(q[1].cue, "added");
    }

    #[test]
    fn descriptor_speaker() {
        let text = "The talks could resume within weeks, the foreign ministry spokesman said, adding that \"nothing has been agreed yet.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("the foreign ministry spokesman"));
        assert_eq!(q[0].kind, QuoteKind::Partial);
    }

    #[test]
    fn multi_paragraph_quote() {
        let text = "Witkoff said: \"We had a productive meeting in Rome. Both sides agreed to keep talking.\n\n\"Nobody should expect a breakthrough this week, but the door is open.\"\n\nThe next round is expected in Oman.";
        let e = [ent("Q3", "Steve Witkoff", EntityType::Person, text, &["Witkoff"])];
        let q = run(text, &e);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].text, "We had a productive meeting in Rome. Both sides agreed to keep talking.");
        assert_eq!(q[1].text, "Nobody should expect a breakthrough this week, but the door is open.");
        assert_eq!(speaker_name(&q[0]), Some("Steve Witkoff"));
        assert_eq!(speaker_name(&q[1]), Some("Steve Witkoff"));
        assert!(q[1].confidence < q[0].confidence);
        assert_eq!(q[1].kind, QuoteKind::Direct);
    }

    #[test]
    fn multi_paragraph_quote_attributed_at_the_end() {
        let text = "\"Iran will never give up enrichment.\n\n\"That is our red line,\" Ghalibaf told parliament.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(speaker_name(&q[0]), Some("Ghalibaf"));
        assert_eq!(speaker_name(&q[1]), Some("Ghalibaf"));
    }

    #[test]
    fn paragraph_only_quote_continues_previous_speaker() {
        let text = "\"We will respond to any aggression,\" Larijani said.\n\n\"The region cannot afford another war.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 2);
        assert_eq!(speaker_name(&q[1]), Some("Larijani"));
        assert!(q[1].confidence < q[0].confidence);
        let text = "Araghchi told reporters in Geneva:\n\n\"We are ready for a fair deal.\"";
        let q = run(text, &[]);
        assert_eq!(speaker_name(&q[0]), Some("Araghchi"));
    }

    #[test]
    fn split_quote_and_second_sentence() {
        let text = "\"Diplomacy is the only way,\" Fidan said, \"and Türkiye is ready to host the talks.\" \"We have said this many times.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 3);
        for x in &q {
            assert_eq!(speaker_name(x), Some("Fidan"));
        }
        assert_eq!(q[1].kind, QuoteKind::Direct);
        assert!(q[2].confidence < q[0].confidence);
    }

    #[test]
    fn curly_and_straight_marks() {
        let text = "“The snapback is illegal,” Baghaei said. Rubio said \"the sanctions will stay in place until Iran changes course.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 2);
        assert_eq!(speaker_name(&q[0]), Some("Baghaei"));
        assert_eq!(speaker_name(&q[1]), Some("Rubio"));
        assert_eq!(q[1].kind, QuoteKind::Partial);
        let text = "Le ministre a déclaré : « Nous ne négocierons pas sous la pression », a-t-il dit.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "Nous ne négocierons pas sous la pression");
    }

    #[test]
    fn offsets_are_chars_after_non_ascii() {
        let text = "Türkiye’s Erdoğan met Iran’s Pezeshkian — “Dialogue is the only path forward,” Erdoğan said.";
        let e = [ent("Q39259", "Recep Tayyip Erdoğan", EntityType::Person, text, &["Erdoğan"])];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "Dialogue is the only path forward");
        assert_eq!(q[0].start, text[..text.find("Dialogue").unwrap_or(0)].chars().count());
        let sp = q[0].speaker.as_ref().expect("speaker");
        assert_eq!(sp.name, "Recep Tayyip Erdoğan");
        assert_eq!(sp.mention.start, 79);
        assert_eq!(chars(text, sp.mention.start, sp.mention.end), "Erdoğan");
    }

    #[test]
    fn apostrophes_only_no_quote() {
        let text = "Iran's foreign minister said Washington's demands were 'unacceptable' and that Tehran's position hadn't changed. It's the IAEA's call.";
        assert!(run(text, &[]).is_empty());
    }

    #[test]
    fn scare_quotes_skipped_unless_reported() {
        let text = "The so-called \"snapback\" mechanism was triggered by the E3 last month.";
        assert!(run(text, &[]).is_empty());
        let text = "The programme was discussed on \"Face the Nation\" with analysts.";
        assert!(run(text, &[]).is_empty());
        let text = "Khamenei called the US demands \"excessive and outrageous\" in a speech.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].kind, QuoteKind::Partial);
        assert_eq!(q[0].cue, "called");
        assert_eq!(speaker_name(&q[0]), Some("Khamenei"));
    }

    #[test]
    fn abbreviation_does_not_end_the_sentence() {
        let text = "Sen. Lindsey Graham, a Republican from South Carolina, said on Fox News: \"Iran cannot be trusted with a bomb.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("Lindsey Graham"));
        let text = "\"No deal is better than a bad deal,\" said Mr. Rubio.";
        let q = run(text, &[]);
        assert_eq!(speaker_name(&q[0]), Some("Rubio"));
        assert_eq!(mention_text(&q[0]), Some("Mr. Rubio"));
    }

    #[test]
    fn unattributed_long_quote_kept_without_speaker() {
        let text = "Crowds gathered outside the former US embassy in Tehran on Friday.\n\n\"Death to the enemies of the revolution and of the people.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert!(q[0].speaker.is_none());
        assert_eq!(q[0].confidence, 0.0);
    }

    #[test]
    fn unclosed_quote_to_paragraph_end() {
        let text = "\"We will not negotiate under threats, Pezeshkian said in a speech.\n\nOther text here.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn empty_and_markless() {
        assert!(run("", &[]).is_empty());
        assert!(run("\"\"", &[]).is_empty());
        assert!(run("\"", &[]).is_empty());
        assert!(run("No quotes here at all.", &[]).is_empty());
    }

    #[test]
    fn bad_entity_offsets_are_ignored() {
        let text = "\"We are close,\" Witkoff said.";
        let e = [Entity {
            id: "x".into(),
            name: "X".into(),
            kind: EntityType::Person,
            wikidata: None,
            mentions: vec![Mention { text: "nope".into(), start: 500, end: 900 }],
        }];
        let q = run(text, &e);
        assert_eq!(speaker_name(&q[0]), Some("Witkoff"));
    }

    #[test]
    fn nested_quotes_of_another_family_stay_inside() {
        let text = "Baghaei said: \"The so-called “snapback” has no legal basis, and Europe knows it.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].text, "The so-called “snapback” has no legal basis, and Europe knows it.");
        assert_eq!(speaker_name(&q[0]), Some("Baghaei"));
    }

    #[test]
    fn colon_without_space_and_parenthesis() {
        let text =
            "Sen. Tom Cotton (R-Ark.) told reporters that Iran \"cannot be allowed to enrich at all\" after the talks.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("Tom Cotton"));
        let text = "Rep. Joe Wilson (R-S.C.):\"Iran is the world's leading state sponsor of terrorism.\"";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(speaker_name(&q[0]), Some("Joe Wilson"));
    }

    #[test]
    fn pronoun_skips_people_named_inside_quotes() {
        let text = "Vance spoke in Washington on Monday.\n\n\"Donald Trump wants a deal, not a war,\" he said.";
        let e = [
            ent("Q_vance", "JD Vance", EntityType::Person, text, &["Vance"]),
            ent("Q22686", "Donald Trump", EntityType::Person, text, &["Donald Trump"]),
        ];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        let sp = q[0].speaker.as_ref().expect("speaker");
        assert_eq!(sp.name, "JD Vance");
        assert_eq!(sp.entity_id.as_deref(), Some("Q_vance"));
    }

    #[test]
    fn organisation_speaker_and_it_pronoun() {
        let text = "The IAEA issued a statement on Tuesday. \"Inspectors have not been able to verify the stockpile,\" it said.";
        let e = [ent("Q1142", "International Atomic Energy Agency", EntityType::Org, text, &["IAEA"])];
        let q = run(text, &e);
        assert_eq!(q.len(), 1);
        let sp = q[0].speaker.as_ref().expect("speaker");
        assert_eq!(sp.name, "International Atomic Energy Agency");
        assert_eq!(sp.mention.text, "it");
        let text = "\"We will not accept zero enrichment,\" Iran's foreign ministry said in a statement.";
        let e = [ent("Q794", "Iran", EntityType::Place, text, &["Iran"])];
        let q = run(text, &e);
        let sp = q[0].speaker.as_ref().expect("speaker");
        // The place is a possessive inside the phrase: the speaker is the ministry, not Iran.
        assert_eq!(sp.entity_id, None);
        assert_eq!(sp.name, "Iran's foreign ministry");
    }

    #[test]
    fn headline_with_byline_is_not_a_quote() {
        let text = "\"Iran and US agree to hold another round of talks in Oman,\" by Reuters' Parisa Hafezi.";
        assert!(run(text, &[]).is_empty());
    }

    #[test]
    fn sentence_final_quote_is_not_attributed_to_the_next_sentence() {
        let text =
            "Araghchi said the talks were \"constructive and positive.\" He noted that experts would meet in Geneva.";
        let q = run(text, &[]);
        assert_eq!(q.len(), 1);
        assert_eq!(mention_text(&q[0]), Some("Araghchi"));
    }

    #[test]
    fn many_quotes_stay_linear() {
        let para = "\"We are ready to talk,\" Araghchi said. Iran's envoy called it \"a fair offer\" in Muscat.\n\n";
        let text = para.repeat(3000);
        let start = std::time::Instant::now();
        let q = QuoteExtractor::new().extract(&text, &[]);
        assert_eq!(q.len(), 6000);
        assert!(start.elapsed().as_secs() < 5);
    }
    #[test]
    fn entity_mentions_after_multibyte_text() {
        let text = "در تهران — «گفت‌وگو» ادامه دارد. Türkiye’s Hakan Fidan met Abbas Araghchi in İstanbul.\n\n“Dialogue is the only path to a durable agreement,” Araghchi said.";
        let e = [ent("Q_araghchi", "Abbas Araghchi", EntityType::Person, text, &["Abbas Araghchi", "Araghchi"])];
        let q = run(text, &e);
        let last = q.last().expect("quote");
        let sp = last.speaker.as_ref().expect("speaker");
        assert_eq!(sp.entity_id.as_deref(), Some("Q_araghchi"));
        assert_eq!(sp.mention.text, "Araghchi");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let pieces = [
            "\"",
            "“",
            "”",
            "«",
            "»",
            "„",
            "'",
            "’",
            " ",
            "\n",
            "\n\n",
            "said",
            "Araghchi",
            "he",
            ",",
            ".",
            ":",
            "Sen.",
            "(D-Ill.)",
            "according to",
            "ğ",
            "تهران",
            "🙂",
            "a",
            "the official",
            "who",
            "—",
        ];
        let x = QuoteExtractor::new();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let mut text = String::new();
            for _ in 0..((seed >> 40) % 40) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let n = text.chars().count();
            let s = (seed >> 20) as usize % (n + 2);
            let entities = [Entity {
                id: "e".into(),
                name: "E".into(),
                kind: EntityType::Person,
                wikidata: None,
                mentions: vec![Mention { text: String::new(), start: s, end: s + 3 }],
            }];
            let quotes = x.extract(&text, &entities);
            check_offsets(&text, &quotes);
        }
    }
}

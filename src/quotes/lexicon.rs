//! The word lists the stage reads text with, and the flags they give each word.
//!
//! There is no part-of-speech tagger: a word's role (speech cue, title, determiner, function word, …)
//! comes from these hand-made lists, tuned on news copy. Each list sets one or more flag bits on its
//! words, and a word in several lists carries the union. Lists are lowercase and whitespace-separated.

use std::collections::HashMap;

/// Starts with an uppercase letter (read from the word itself, not from a list).
pub(super) const F_CAP: u32 = 1;
/// Speech verb, or `according`.
pub(super) const F_CUE: u32 = 1 << 1;
/// A cue that may come before its speaker: `"…," said X`.
pub(super) const F_INVERT: u32 = 1 << 2;
/// `adding`, `saying`: the speaker is the subject of the clause.
pub(super) const F_PARTICIPLE: u32 = 1 << 3;
/// he, she, they, it, I, we.
pub(super) const F_PRONOUN: u32 = 1 << 4;
/// A function word, which ends a noun phrase.
pub(super) const F_STOP: u32 = 1 << 5;
/// a, the, his, one, …: starts a noun phrase.
pub(super) const F_DET: u32 = 1 << 6;
/// President, Minister, Sen, …: dropped from a speaker's name.
pub(super) const F_TITLE: u32 = 1 << 7;
/// An abbreviation whose period does not end a sentence: `Mr.`, `Jan.`.
pub(super) const F_ABBR: u32 = 1 << 8;
/// Possessive: `Iran's`, `his`.
pub(super) const F_POSS: u32 = 1 << 9;
/// May stand between a subject and its cue: `also`, `has`, `later`.
pub(super) const F_SKIP: u32 = 1 << 10;
/// `of`, `for`: may join the words of a name (`Secretary of State`).
pub(super) const F_LINK: u32 = 1 << 11;
/// A time word: `Sunday`, `today`.
pub(super) const F_TIME: u32 = 1 << 12;
/// A noun that heads a descriptor: `official`, `spokesman`.
pub(super) const F_DESC: u32 = 1 << 13;
/// `according`: a cue only before `to`.
pub(super) const F_ACCORDING: u32 = 1 << 14;
/// `Department`, `Ministry`: a capitalised run ending here names an organisation.
pub(super) const F_ORGHEAD: u32 = 1 << 15;
/// `on`, `last`, `this`, …: may come before a time word.
pub(super) const F_TIMELEAD: u32 = 1 << 16;
/// `bin`, `al`, `de`, `van`: lowercase inside personal names.
pub(super) const F_PARTICLE: u32 = 1 << 17;
/// A lowercase adverb in -ly that is in no list (guessed from the ending).
pub(super) const F_ADVLY: u32 = 1 << 18;
/// Relative `who`.
pub(super) const F_WHO: u32 = 1 << 19;
/// `that`: opens reported speech.
pub(super) const F_THAT: u32 = 1 << 20;
/// A preposition: a noun phrase after it is not a subject.
pub(super) const F_PREP: u32 = 1 << 21;
/// A cue only with its particle: `shot back`, `pointed out`.
pub(super) const F_PHRASAL: u32 = 1 << 22;
/// `titled`, `dubbed`: a capitalised quote after it is a title.
pub(super) const F_NAMING: u32 = 1 << 23;
/// `another`, `one`, `some`: a determiner that can stand alone as a subject.
pub(super) const F_QUANT: u32 = 1 << 24;
/// `and`, `but`, `which`: a subject followed by one has no verb yet.
pub(super) const F_CONJ: u32 = 1 << 25;
/// An irregular past form or participle (`told`, `seen`): like a verb in -ed, it ends a noun phrase.
pub(super) const F_IRREGULAR: u32 = 1 << 26;
/// A noun naming something said (`remark`, `claim`): owned by a possessive, it names the speaker.
pub(super) const F_SPEECH_NOUN: u32 = 1 << 27;
/// `statement`, `ad`, `memo`: a descriptor that is a document, whose `from`/`by` names its author.
pub(super) const F_DOCUMENT: u32 = 1 << 28;
/// A verb by which a speaker gives someone a name (`called him "Little Marco"`).
pub(super) const F_CALLING: u32 = 1 << 29;
/// A verb or noun that casts someone `as` something in the speaker's words (`hailed Trump as "…"`).
pub(super) const F_CHARACTERISING: u32 = 1 << 30;

/// Every list with the flags it gives its words.
const WORD_LISTS: &[(&str, u32)] = &[
    (CUES_EITHER_SIDE, F_CUE | F_INVERT),
    (CUES_SPEAKER_FIRST, F_CUE),
    (CUES_PARTICIPLE, F_CUE | F_PARTICIPLE),
    ("according", F_CUE | F_ACCORDING),
    (PHRASAL_CUES, F_PHRASAL),
    (NAMING_VERBS, F_NAMING),
    ("call calls called calling", F_CALLING),
    (CHARACTERISING_WORDS, F_CHARACTERISING),
    (IRREGULAR_VERBS, F_IRREGULAR),
    (SPEECH_NOUNS, F_SPEECH_NOUN),
    (PRONOUNS, F_PRONOUN),
    (DETERMINERS, F_DET),
    (POSSESSIVE_DETERMINERS, F_DET | F_POSS),
    (QUANTIFIERS, F_QUANT),
    (CONJUNCTIONS, F_STOP | F_CONJ),
    (FUNCTION_WORDS, F_STOP),
    (PREPOSITIONS, F_PREP),
    ("of for", F_LINK),
    ("who", F_WHO),
    ("that", F_THAT),
    (SKIPPABLE, F_SKIP),
    (TIME_WORDS, F_TIME),
    (TIME_LEADS, F_TIMELEAD),
    (TITLES, F_TITLE),
    (ABBREVIATIONS, F_ABBR),
    (DESCRIPTOR_HEADS, F_DESC),
    (DOCUMENT_HEADS, F_DESC | F_DOCUMENT),
    (ORGANISATION_HEADS, F_ORGHEAD),
    (NAME_PARTICLES, F_PARTICLE),
    (NOT_ADVERBS, 0),
];

/// Speech cues whose speaker may come first or last: `X said "…"`, `"…," said X`.
const CUES_EITHER_SIDE: &str = "
    said says added adds wrote writes asked asks explained explains continued continues noted notes replied
    replies responded responds declared declares tweeted tweets argued argues insisted insists warned warns
    stated remarked recalled recalls countered counters conceded concedes acknowledged acknowledges cautioned
    quipped joked agreed observed concluded concludes answered exclaimed offered recounted posted shouted yelled
    complained lamented mused boasted retorted admitted admits predicted stressed stresses emphasized emphasised
    interjected reported reports suggested suggests wondered whispered cried snapped charged contended alleged
    asserted asserts maintained reiterated confirmed announced tells elaborated pleaded fumed scoffed proclaimed
    chimed chanted chants read reads testified texted emailed messaged mocked questioned pronounced implored
    underscored highlighted predicts repeated echoed remembered confessed mocks barked growled gushed marveled
    marvelled raged proclaims jokes bemoaned reasoned speculated speculates opined theorized surmised answers
    yells shouts screamed screams sang sings exclaims whispers cries alleges announces bemoans boasts
    cautions complains confesses confirms contends elaborates emphasizes emphasises implores interjects laments
    maintains muses observes opines pleads quips recounts reiterates remembers repeats retorts scoffs surmises
    testifies theorizes wonders conclude concede note";

/// Speech cues whose speaker comes first: after them, `told X` names the listener, `called X` the target.
const CUES_SPEAKER_FIRST: &str = "
    say told tell write add ask explain insist argue warn tweet claim claims claimed call called calls described
    describes accused accuses vowed vows pledged pledges promised promises urged urges blamed praised criticized
    criticised slammed blasted denounced dubbed labeled labelled branded termed characterized characterised
    touted cited quoted threatened demanded denied referred acknowledge admit expressed thanked hailed rejected
    dismissed pressed interrupted reacted assured estimated estimates scolded scolds chided chides rebuked admonished";

/// Participle cues (`…, adding "…"`): the speaker is the subject of the clause.
const CUES_PARTICIPLE: &str = "
    saying adding telling noting calling arguing explaining declaring writing warning insisting stating asking
    referring claiming promising describing accusing urging stressing suggesting acknowledging remarking
    tweeting posting vowing pledging citing continuing responding replying praising blasting quoting recalling
    emphasizing emphasising reiterating admitting predicting complaining boasting joking answering concluding
    echoing dubbing labeling labelling chanting shouting yelling";

/// Verbs that are speech cues only with one of [`PARTICLES_OF_CUES`] after them.
const PHRASAL_CUES: &str = "
    shot fired hit pushed snapped wrote pointed points pointing went goes chimed cut weighed weighs spoke lashed
    lashes sounded put puts";

/// The particles that make [`PHRASAL_CUES`] into cues: `shot back`, `pointed out`, `put it`.
pub(super) const PARTICLES_OF_CUES: [&str; 7] = ["back", "out", "in", "on", "up", "off", "it"];

/// Verbs that introduce a title rather than speech: `a group called "Free Iran"`.
const NAMING_VERBS: &str = "titled entitled named headlined called dubbed";

/// Verbs and nouns that cast someone `as` something (`hailed Trump as "…"`, `his references to her as "…"`).
const CHARACTERISING_WORDS: &str = "
    hailed hails branded brands labeled labelled labels described describes describing dismissed dismisses
    derided derides ridiculed mocked mocks portrayed portrays painted characterized characterised referred
    refers referring references reference pounding attacked attacking";

/// Irregular past forms and participles.
const IRREGULAR_VERBS: &str = "
    began became brought came chose did drove fell felt flew forgot gave given got grew held kept knew known
    left lost made met paid ran rose sat saw seen sent shown sold sought spent stood struck swore taken taught
    thought threw took understood went won wore written hit put set spoke told said wrote read";

const PRONOUNS: &str = "he she they it i we";

const DETERMINERS: &str = "a an the one two three four another several some many other both each these those this few";

const POSSESSIVE_DETERMINERS: &str = "his her their its our my your";

/// Nouns for things said: `her remark that "…"`, `Trump's claim that "…"`.
const SPEECH_NOUNS: &str = "
    remark remarks comment comments claim claims statement statements warning warnings words promise promises
    pledge pledges assertion assertions argument prediction predictions message slogan catchphrase vow vows
    accusation accusations insistence contention suggestion threat threats demand demands denial response
    reply answer explanation admission quip boast complaint";

/// Words that count people: a determiner (`some`, `two`) or a plural number noun (`hundreds of`).
const QUANTIFIERS: &str = "another one some many several both most few two three dozens hundreds thousands millions";

const CONJUNCTIONS: &str =
    "and or but nor that which who whom whose when where while as if than so because although though";

/// Function words other than [`CONJUNCTIONS`] that end a noun phrase.
const FUNCTION_WORDS: &str = "
    yet whether since after before until unless then in on at by with from to into onto over under about against
    between through during without within among across upon per via is was were are be been being am has have
    had do does did will would shall should can could may might must not no never there here what how why even
    just only very too now him them us me you also again still however instead said like up out off down all any
    more less";

const PREPOSITIONS: &str = "
    in on at of for with by from to about after before during under over against between into through among
    across upon via like than without within toward towards alongside amid despite outside inside near behind
    beyond beside around throughout";

/// Words that may stand between a subject and its cue: `Trump later said`, `officials have repeatedly said`.
const SKIPPABLE: &str = "
    also has have had later then previously once again further recently earlier repeatedly reportedly publicly
    privately separately subsequently simply just now would will could did does even quickly often always never
    not first since only still allegedly apparently initially finally meanwhile however instead moreover
    nevertheless nonetheless similarly likewise indeed";

const TIME_WORDS: &str = "
    today yesterday tonight monday tuesday wednesday thursday friday saturday sunday week weekend night morning
    afternoon evening month year";

const TIME_LEADS: &str = "on last this early late earlier later";

const TITLES: &str = "
    president minister secretary foreign prime vice deputy chief spokesman spokeswoman spokesperson speaker
    ambassador envoy special director general leader supreme ayatollah senator sen rep representative gov
    governor mr mrs ms dr gen lt col capt sgt adm maj judge justice mayor chairman chairwoman chair king queen
    prince crown sheikh emir pope state defense defence affairs treasury interior commander adviser advisor
    former acting attorney imam cardinal rabbi professor prof pres sens reps candidate nominee host anchor
    congressman congresswoman councilman councilwoman ceo chancellor premier massachusetts delegate del";

const ABBREVIATIONS: &str = "
    mr mrs ms dr sen rep gov gen lt col sgt capt adm maj st jr sr prof rev hon jan feb apr jun jul aug sep sept
    oct nov dec no vs inc corp co ltd mt ft ave pres sens reps gens govs messrs cmdr brig supt insp det fig
    approx del";

const DESCRIPTOR_HEADS: &str = "
    official officials source sources diplomat diplomats analyst analysts expert experts spokesman spokeswoman
    spokesperson spokespeople minister ministers aide aides lawmaker lawmakers legislator legislators negotiator
    negotiators observer observers critic critics resident residents witness witnesses people supporters
    protesters protester demonstrators demonstrator marchers crowd crowds students mourners worshippers
    police authorities leaders media officers commanders advisers advisors
    organizers organisers researchers investigators prosecutors democrats republicans voters members ministry
    government agency campaign narrator narrators announcer host hopeful hopefuls candidate candidates nominee contender attorney adviser advisor
    staffer staffers strategist strategists consultant consultants operative operatives insider insiders
    voice-over economist economists activist activists lawyer lawyers front-runner frontrunner person persons mission delegation
    percent";

/// Descriptors that are documents, not people: what is written `from`/`by` someone is theirs.
const DOCUMENT_HEADS: &str = "statement report ad ads commercial video letter memo tweet email filing document website";

const ORGANISATION_HEADS: &str = "
    department ministry office house council committee agency organization organisation party court guard guards
    corps force forces news times post journal union bank fund assembly parliament congress senate command
    pentagon tv network press institute university group commission";

const NAME_PARTICLES: &str = "bin ibn al el de del da di van von der den le la du abu abd bint";

/// The learned cues' lines: (word, weight, share of speakers after the cue). Comment lines start with `#`.
fn learned_cues() -> impl Iterator<Item = (&'static str, f64, f64)> {
    LEARNED_CUES.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|line| {
        let mut fields = line.split('\t');
        let word = fields.next()?;
        let weight = fields.nth(1)?.parse().ok()?;
        let speaker_after = fields.next()?.parse().ok()?;
        Some((word, weight, speaker_after))
    })
}

/// Lowercase words in -ly that are not adverbs: listed (with no flag) so the -ly guess passes them over.
const NOT_ADVERBS: &str =
    "family ally daily early only rally assembly supply weekly monthly italy july lily holy belly bully";

/// Speech cues learned from PolNeAR's train split by `scripts/learn-cues.py`: per line the cue's head
/// word, how often it cued a quote, its weight (the share of the word's occurrences that cued one) and
/// the share of those quotes whose speaker came after it.
const LEARNED_CUES: &str = include_str!("../../config/quotes/cues.tsv");

/// A learned word weighing less than this becomes no cue of its own ("thought", "comment").
const MIN_NEW_CUE_WEIGHT: f64 = 0.05;

/// A learned cue whose speaker came after it at least this often may be inverted (`"…," said X`).
const MIN_INVERTED_SHARE: f64 = 0.1;

/// Word → flags, built once from [`WORD_LISTS`] and [`LEARNED_CUES`]; cue word → learned weight.
pub(super) struct Lexicon {
    flags: HashMap<&'static str, u32>,
    cue_weights: HashMap<&'static str, f64>,
    /// The weight of `said`, the commonest cue: the yardstick of [`Lexicon::cue_reliability`].
    said_weight: f64,
}

impl Lexicon {
    pub(super) fn new() -> Self {
        let mut flags = HashMap::new();
        for &(words, word_flags) in WORD_LISTS {
            for word in words.split_whitespace() {
                *flags.entry(word).or_insert(0) |= word_flags;
            }
        }
        let mut cue_weights = HashMap::new();
        for (word, weight, speaker_after) in learned_cues() {
            cue_weights.insert(word, weight);
            let listed = flags.get(word).is_some_and(|f| f & (F_CUE | F_PHRASAL | F_NAMING) != 0);
            if listed || weight < MIN_NEW_CUE_WEIGHT || word.contains(' ') {
                continue;
            }
            let learned = if word.ends_with("ing") {
                F_CUE | F_PARTICIPLE
            } else if speaker_after >= MIN_INVERTED_SHARE {
                F_CUE | F_INVERT
            } else {
                F_CUE
            };
            *flags.entry(word).or_insert(0) |= learned;
        }
        let said_weight = cue_weights.get("said").copied().unwrap_or(1.0);
        Lexicon { flags, cue_weights, said_weight }
    }

    /// How far a cue can be trusted to introduce a quote, from 0.75 (rare or loose cues) to 1 (as
    /// reliable as `said` or more): its learned weight against that of `said`. Cues learned from no
    /// data (listed by hand) get 0.85; a colon or a dash, which are patterns rather than words, 1.
    pub(super) fn cue_reliability(&self, cue: &str) -> f64 {
        let Some(first) = cue.split_whitespace().next().filter(|w| w.chars().any(char::is_alphabetic)) else {
            return 1.0;
        };
        let lower = first.to_lowercase();
        let key = if lower == "according" { "according to" } else { lower.as_str() };
        match self.cue_weights.get(key) {
            Some(w) => 0.75 + 0.25 * (w / self.said_weight).min(1.0),
            None => 0.85,
        }
    }

    /// The flags of a word as it stands in the text: any case, possibly possessive or with a final period.
    pub(super) fn word_flags(&self, word: &str) -> u32 {
        let mut flags = 0;
        if word.chars().next().is_some_and(char::is_uppercase) {
            flags |= F_CAP;
        }
        let mut lower = word.to_lowercase();
        if lower.contains('’') {
            lower = lower.replace('’', "'");
        }
        if let Some(base) = lower.strip_suffix("'s") {
            if let Some(&f) = self.flags.get(base)
                && f & (F_STOP | F_PRONOUN | F_WHO | F_THAT | F_DET) != 0
            {
                // A contraction: "what's", "he's", "that's".
                return flags | f;
            }
            flags |= F_POSS;
            if let Some(f) = self.flags.get(base) {
                // Keep only what a possessive can still be: an organisation or descriptor noun.
                flags |= f & (F_ORGHEAD | F_DESC);
            }
            return flags;
        }
        if lower.ends_with('\'') && lower.len() > 2 {
            // Plural possessive: "Iranians'".
            return flags | F_POSS;
        }
        let key = lower.trim_end_matches('.');
        if word == "US" {
            // The country, not the pronoun: "US Senator Jeff Sessions said".
            return flags;
        }
        match self.flags.get(key) {
            Some(f) => flags |= f,
            None => {
                if flags & F_CAP == 0 && key.len() > 4 && key.ends_with("ly") && key.chars().all(char::is_alphabetic) {
                    flags |= F_ADVLY;
                }
            }
        }
        // Capitalised function words keep their flags ("And", "The"), though a name may look like one
        // ("May", "Will"): the phrase code decides by the word's position.
        flags
    }
}

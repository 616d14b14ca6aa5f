//! The topic filter: keeps articles about the configured story.
//!
//! A [`TopicFilter`] is one story's compiled definition (`[topic]`, see
//! [`TopicConfig`]); several can live side by side, one per story. Two models:
//!
//! * **evidence** (the default): terms give evidence to the story's facets
//!   (signals: who, where, what, which activity), weighed more in the title
//!   and lead; each facet's evidence saturates into a strength, and a logistic
//!   score adds the facets and, above all, the pairs of facets that meet in the
//!   article. One facet alone — Iran's football coach, a nuclear plant, trade
//!   talks — stays far below the threshold without any exclusion list.
//! * **rules** (the filter before issue 24, kept for configs written for it):
//!   weighted terms, groups of which one term each must appear, exclusions.
//!
//! Both match terms case-insensitively on whole words, in one Aho-Corasick
//! pass per text that reports overlapping matches, so a phrase never hides the
//! words inside it.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

use crate::config::{TopicConfig, TopicModelKind};
use crate::record::{Record, Topic};

/// Occurrences of one term that still add to the score: the tenth "Iran" says no more than the third.
const MAX_COUNTED: usize = 3;

/// Texts up to this length weigh body matches fully; longer ones proportionally less.
const BODY_BYTES_AT_FULL_WEIGHT: usize = 20_000;

/// The share of the pairs' log-odds that full evidence against takes away.
const AGAINST_DAMPS_PAIRS: f64 = 0.5;

/// A compiled topic model: one story's definition, ready to score articles.
pub struct TopicFilter {
    model: Model,
    threshold: f64,
    near_threshold: f64,
}

enum Model {
    Rules(Rules),
    Evidence(Evidence),
}

/// Why an article got its topic verdict: what `talkwire topic explain` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The verdict, as published.
    pub topic: Topic,
    /// Which model scored it.
    pub model: &'static str,
    /// The threshold the score was compared with.
    pub threshold: f64,
    /// Whether the score was close enough to the threshold to be logged and counted.
    pub near_threshold: bool,
    /// Evidence model: the log-odds before any evidence.
    pub bias: f64,
    /// Evidence model: every signal with evidence, strongest contribution first.
    pub signals: Vec<SignalEvidence>,
    /// Evidence model: every pair of signals that met, largest contribution first.
    pub pairs: Vec<PairEvidence>,
    /// Evidence model: what is left of the pairs' weight after evidence against (1 = none).
    pub pair_factor: f64,
}

/// One signal's evidence in an article.
#[derive(Debug, Clone, Serialize)]
pub struct SignalEvidence {
    /// The signal's name.
    pub name: String,
    /// Sum of its terms' weighted matches.
    pub evidence: f64,
    /// `evidence` saturated into `0..1`.
    pub strength: f64,
    /// Log-odds it adds on its own (weight × strength).
    pub contribution: f64,
    /// The terms that gave evidence.
    pub terms: Vec<TermEvidence>,
}

/// One term's matches, by where they were.
#[derive(Debug, Clone, Serialize)]
pub struct TermEvidence {
    /// The term as configured.
    pub term: String,
    /// Matches in the title (each zone's count is capped).
    pub title: usize,
    /// Matches in the lead.
    pub lead: usize,
    /// Matches after the lead.
    pub body: usize,
    /// Evidence it gave its signal.
    pub evidence: f64,
}

/// Two signals met in one article.
#[derive(Debug, Clone, Serialize)]
pub struct PairEvidence {
    /// The two signals.
    pub signals: [String; 2],
    /// Log-odds added (weight × both strengths × the pair factor).
    pub contribution: f64,
}

impl TopicFilter {
    /// Compile the model `config` selects. Settings `check-config` rejects (a pair naming an
    /// unknown signal) are skipped here.
    pub fn new(config: &TopicConfig) -> Self {
        let model = match config.model_kind() {
            TopicModelKind::Rules => Model::Rules(Rules::new(config)),
            TopicModelKind::Evidence => Model::Evidence(Evidence::new(config)),
        };
        Self { model, threshold: config.threshold(), near_threshold: config.near_threshold }
    }

    /// Score an article's title and body.
    pub fn assess(&self, title: &str, text: &str) -> Topic {
        match &self.model {
            Model::Rules(rules) => rules.assess(title, text, self.threshold),
            Model::Evidence(evidence) => evidence.explain(title, text, self.threshold, false).topic,
        }
    }

    /// Score an article and say why: every signal, term and pair that counted.
    pub fn explain(&self, title: &str, text: &str) -> Explanation {
        let mut explanation = match &self.model {
            Model::Rules(rules) => Explanation {
                topic: rules.assess(title, text, self.threshold),
                model: "rules",
                threshold: self.threshold,
                near_threshold: false,
                bias: 0.0,
                pair_factor: 1.0,
                signals: Vec::new(),
                pairs: Vec::new(),
            },
            Model::Evidence(evidence) => evidence.explain(title, text, self.threshold, true),
        };
        explanation.near_threshold = self.is_near_threshold(explanation.topic.score);
        explanation
    }

    /// Score a record; a score near the threshold is logged with its evidence and counted in
    /// `talkwire_topic_near_threshold_total{decision}`.
    pub fn assess_record(&self, record: &Record) -> Topic {
        let topic = self.assess(&record.title, &record.text);
        if self.is_near_threshold(topic.score) {
            let decision = if topic.relevant { "kept" } else { "dropped" };
            tracing::info!(
                url = %record.url,
                id = %record.id,
                score = topic.score,
                threshold = self.threshold,
                decision,
                evidence = %topic.matched.join(", "),
                "topic score near the threshold"
            );
            metrics::counter!("talkwire_topic_near_threshold_total", "decision" => decision).increment(1);
        }
        topic
    }

    /// Whether `score` is within `near_threshold` of the threshold (evidence model only: the
    /// rules model's sums have no scale to be near on).
    pub fn is_near_threshold(&self, score: f64) -> bool {
        matches!(self.model, Model::Evidence(_)) && (score - self.threshold).abs() < self.near_threshold
    }

    /// The threshold in force.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
}

/// Where a match was: its evidence is multiplied by the zone's weight.
#[derive(Clone, Copy)]
enum Zone {
    Title = 0,
    Lead = 1,
    Body = 2,
}

/// One configured term of the evidence model.
struct Term {
    /// As configured (shown in `matched` and explanations).
    shown: String,
    /// Matches any word it begins (configured with a trailing `*`).
    prefix: bool,
    /// Signal index → evidence per match.
    gives: Vec<(usize, f64)>,
}

/// Terms compiled into two automata: lowercase terms match in any case, terms with a capital
/// letter only as written.
struct Matcher {
    any_case: Option<AhoCorasick>,
    any_case_terms: Vec<usize>,
    as_written: Option<AhoCorasick>,
    as_written_terms: Vec<usize>,
    /// A lowercase term outside ASCII: texts are lowercased for `any_case` (ASCII terms need no copy).
    lowercase_text: bool,
}

impl Matcher {
    fn new(terms: &[Term]) -> Self {
        let pattern = |t: &Term| t.shown.trim_end_matches('*').to_string();
        let (mut any_case_terms, mut as_written_terms) = (Vec::new(), Vec::new());
        for (i, term) in terms.iter().enumerate() {
            if term.shown.chars().any(char::is_uppercase) {
                as_written_terms.push(i);
            } else {
                any_case_terms.push(i);
            }
        }
        let build = |indices: &[usize], case_insensitive: bool| {
            (!indices.is_empty()).then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(case_insensitive)
                    .build(indices.iter().map(|&i| pattern(&terms[i])))
                    .expect("topic terms are plain strings")
            })
        };
        Self {
            any_case: build(&any_case_terms, true),
            as_written: build(&as_written_terms, false),
            lowercase_text: any_case_terms.iter().any(|&i| !terms[i].shown.is_ascii()),
            any_case_terms,
            as_written_terms,
        }
    }

    /// Count whole-word matches of every term in `haystack` into `counts[term][zone]`, the zone
    /// of a match given by its byte offset.
    fn count(&self, terms: &[Term], haystack: &str, zone_of: impl Fn(usize) -> Zone, counts: &mut [[usize; 3]]) {
        let folded: Cow<str> =
            if self.lowercase_text { Cow::Owned(haystack.to_lowercase()) } else { Cow::Borrowed(haystack) };
        let passes =
            [(&self.any_case, &self.any_case_terms, &*folded), (&self.as_written, &self.as_written_terms, haystack)];
        for (automaton, indices, text) in passes {
            let Some(automaton) = automaton else { continue };
            for m in automaton.find_overlapping_iter(text) {
                let term = indices[m.pattern().as_usize()];
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if boundary(text[..m.start()].chars().next_back())
                    && (terms[term].prefix || boundary(text[m.end()..].chars().next()))
                {
                    counts[term][zone_of(m.start()) as usize] += 1;
                }
            }
        }
    }
}

/// The evidence model (see the module documentation).
struct Evidence {
    terms: Vec<Term>,
    matcher: Matcher,
    /// Name and weight of every signal.
    signals: Vec<(String, f64)>,
    /// Two signal indices and the pair's weight.
    pairs: Vec<(usize, usize, f64)>,
    bias: f64,
    zone_weights: [f64; 3],
    lead_chars: usize,
}

impl Evidence {
    fn new(config: &TopicConfig) -> Self {
        let signals: Vec<(String, f64)> = config.signals.iter().map(|(name, s)| (name.clone(), s.weight)).collect();
        let mut terms: Vec<Term> = Vec::new();
        for (s, signal) in config.signals.values().enumerate() {
            for (term, &weight) in &signal.terms {
                let shown = term.trim();
                let shown =
                    if shown.chars().any(char::is_uppercase) { shown.to_string() } else { shown.to_lowercase() };
                if shown.trim_end_matches('*').is_empty() {
                    continue;
                }
                let i = match terms.iter().position(|t| t.shown == shown) {
                    Some(i) => i,
                    None => {
                        let prefix = shown.ends_with('*');
                        terms.push(Term { shown, prefix, gives: Vec::new() });
                        terms.len() - 1
                    }
                };
                terms[i].gives.push((s, weight));
            }
        }
        let index = |name: &str| signals.iter().position(|(n, _)| n == name);
        let pairs = config
            .pairs
            .iter()
            .filter_map(|p| Some((index(&p.signals[0])?, index(&p.signals[1])?, p.weight)))
            .filter(|(a, b, _)| a != b)
            .collect();
        Self {
            matcher: Matcher::new(&terms),
            terms,
            signals,
            pairs,
            bias: config.bias,
            zone_weights: [config.title_weight, config.lead_weight, config.body_weight],
            lead_chars: config.lead_chars,
        }
    }

    /// Score `title` and `text`; with `detailed`, list every term, signal and pair that counted.
    fn explain(&self, title: &str, text: &str, threshold: f64, detailed: bool) -> Explanation {
        let mut counts = vec![[0usize; 3]; self.terms.len()];
        self.matcher.count(&self.terms, title, |_| Zone::Title, &mut counts);
        let lead_end = self.lead_chars;
        self.matcher.count(&self.terms, text, |at| if at < lead_end { Zone::Lead } else { Zone::Body }, &mut counts);

        // A mention deep in a very long text (or in pages of undecoded bytes) says less than one in
        // an article of ordinary length: the body's weight shrinks beyond that length.
        let mut zone_weights = self.zone_weights;
        zone_weights[Zone::Body as usize] *= (BODY_BYTES_AT_FULL_WEIGHT as f64 / text.len().max(1) as f64).min(1.0);
        let mut evidence = vec![0.0f64; self.signals.len()];
        let mut matched = Vec::new();
        let mut term_evidence: Vec<Vec<TermEvidence>> = vec![Vec::new(); if detailed { self.signals.len() } else { 0 }];
        for (term, zones) in self.terms.iter().zip(&counts) {
            let weighted: f64 = zones.iter().zip(zone_weights).map(|(&n, w)| w * n.min(MAX_COUNTED) as f64).sum();
            if weighted == 0.0 {
                continue;
            }
            for &(s, weight) in &term.gives {
                evidence[s] += weight * weighted;
                matched.push(format!("{}:{}", self.signals[s].0, term.shown));
                if detailed {
                    term_evidence[s].push(TermEvidence {
                        term: term.shown.clone(),
                        title: zones[0].min(MAX_COUNTED),
                        lead: zones[1].min(MAX_COUNTED),
                        body: zones[2].min(MAX_COUNTED),
                        evidence: weight * weighted,
                    });
                }
            }
        }
        let strength: Vec<f64> = evidence.iter().map(|e| saturate(*e)).collect();
        // Evidence against (a signal of negative weight: a prisoner swap, a football match) also
        // explains away part of the facets' meeting; only part, since coverage of the talks
        // mentions such things too.
        let damping: f64 = self
            .signals
            .iter()
            .zip(&strength)
            .filter(|((_, w), _)| *w < 0.0)
            .map(|(_, x)| 1.0 - AGAINST_DAMPS_PAIRS * x)
            .product();
        let mut logit = self.bias;
        logit += self.signals.iter().zip(&strength).map(|((_, w), x)| w * x).sum::<f64>();
        logit += damping * self.pairs.iter().map(|&(a, b, w)| w * strength[a] * strength[b]).sum::<f64>();
        let score = 1.0 / (1.0 + (-logit).exp());
        matched.sort();
        let topic = Topic { relevant: score >= threshold, score: (score * 1000.0).round() / 1000.0, matched };

        let (mut signals, mut pairs) = (Vec::new(), Vec::new());
        if detailed {
            for (s, terms) in term_evidence.into_iter().enumerate() {
                if !terms.is_empty() {
                    let (name, weight) = &self.signals[s];
                    signals.push(SignalEvidence {
                        name: name.clone(),
                        evidence: evidence[s],
                        strength: strength[s],
                        contribution: weight * strength[s],
                        terms,
                    });
                }
            }
            for &(a, b, weight) in &self.pairs {
                if strength[a] > 0.0 && strength[b] > 0.0 {
                    pairs.push(PairEvidence {
                        signals: [self.signals[a].0.clone(), self.signals[b].0.clone()],
                        contribution: damping * weight * strength[a] * strength[b],
                    });
                }
            }
            signals.sort_by(|x, y| y.contribution.total_cmp(&x.contribution));
            pairs.sort_by(|x, y| y.contribution.total_cmp(&x.contribution));
        }
        Explanation {
            topic,
            model: "evidence",
            threshold,
            near_threshold: false,
            bias: self.bias,
            pair_factor: damping,
            signals,
            pairs,
        }
    }
}

/// A signal's strength from its evidence: one plain mention is most of the way, repeats add less
/// and less.
fn saturate(evidence: f64) -> f64 {
    1.0 - (-evidence).exp()
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    Weighted(f64),
    Excluded(f64),
}

/// The rules model: weighted terms, required groups, exclusions.
struct Rules {
    automaton: AhoCorasick,
    /// Per pattern: its text and what it does (weight/exclusion), and which require-groups it satisfies.
    patterns: Vec<(String, Option<Rule>, Vec<usize>)>,
    groups: Vec<String>,
    title_weight: f64,
    /// Every term is ASCII: the automaton ignores ASCII case, and texts are searched as they are
    /// instead of lowercased copies.
    ascii_terms: bool,
}

impl Rules {
    fn new(config: &TopicConfig) -> Self {
        let mut patterns: Vec<(String, Option<Rule>, Vec<usize>)> = Vec::new();
        let index_of = |term: &str, patterns: &mut Vec<(String, Option<Rule>, Vec<usize>)>| -> usize {
            let term = term.trim().to_lowercase();
            match patterns.iter().position(|(t, _, _)| *t == term) {
                Some(i) => i,
                None => {
                    patterns.push((term, None, Vec::new()));
                    patterns.len() - 1
                }
            }
        };
        for (term, weight) in &config.terms {
            let i = index_of(term, &mut patterns);
            patterns[i].1 = Some(Rule::Weighted(*weight));
        }
        for (term, penalty) in &config.exclude {
            let i = index_of(term, &mut patterns);
            patterns[i].1 = Some(Rule::Excluded(*penalty));
        }
        for (g, group) in config.require.iter().enumerate() {
            for term in &group.terms {
                let i = index_of(term, &mut patterns);
                patterns[i].2.push(g);
            }
        }
        patterns.retain(|(t, _, _)| !t.is_empty());
        let ascii_terms = patterns.iter().all(|(t, _, _)| t.is_ascii());
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(ascii_terms)
            .build(patterns.iter().map(|(t, _, _)| t.as_str()))
            .expect("topic terms are plain strings");
        Self {
            automaton,
            patterns,
            groups: config.require.iter().map(|g| g.name.clone()).collect(),
            title_weight: config.title_weight,
            ascii_terms,
        }
    }

    fn assess(&self, title: &str, text: &str, threshold: f64) -> Topic {
        let mut counts = vec![0.0f64; self.patterns.len()];
        self.count(&self.folded(title), self.title_weight, &mut counts);
        self.count(&self.folded(text), 1.0, &mut counts);

        let mut score = 0.0;
        let mut matched = Vec::new();
        let mut groups_hit = vec![false; self.groups.len()];
        for ((term, rule, groups), &n) in self.patterns.iter().zip(&counts) {
            if n == 0.0 {
                continue;
            }
            groups.iter().for_each(|&g| groups_hit[g] = true);
            match rule {
                Some(Rule::Weighted(w)) => {
                    score += w * n;
                    matched.push(term.clone());
                }
                Some(Rule::Excluded(p)) => {
                    score -= p;
                    matched.push(format!("exclude:{term}"));
                }
                None => {}
            }
        }
        let missing: Vec<&str> =
            self.groups.iter().zip(&groups_hit).filter(|(_, hit)| !**hit).map(|(g, _)| g.as_str()).collect();
        for (g, hit) in self.groups.iter().zip(&groups_hit) {
            if *hit {
                matched.push(format!("require:{g}"));
            }
        }
        let score = (score * 100.0).round() / 100.0;
        Topic { relevant: missing.is_empty() && score >= threshold, score, matched }
    }

    /// `text` as the automaton reads it: as it is when the terms are all ASCII, else lowercased.
    fn folded<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.ascii_terms { Cow::Borrowed(text) } else { Cow::Owned(text.to_lowercase()) }
    }

    /// Add whole-word occurrences in `haystack` (lowercased unless the terms are all ASCII), each
    /// counting `weight`, capped per term.
    fn count(&self, haystack: &str, weight: f64, counts: &mut [f64]) {
        let mut raw = vec![0usize; counts.len()];
        for m in self.automaton.find_overlapping_iter(haystack) {
            let before = haystack[..m.start()].chars().next_back();
            let after = haystack[m.end()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if boundary(before) && boundary(after) {
                raw[m.pattern().as_usize()] += 1;
            }
        }
        for (c, n) in counts.iter_mut().zip(raw) {
            *c += weight * n.min(MAX_COUNTED) as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_filter() -> TopicFilter {
        TopicFilter::new(&TopicConfig::default())
    }

    /// The rules shipped before issue 24, as an old config file holds them.
    fn legacy_config() -> TopicConfig {
        #[derive(serde::Deserialize)]
        struct File {
            topic: TopicConfig,
        }
        toml::from_str::<File>(include_str!("../tests/fixtures/topic/legacy.toml")).unwrap().topic
    }

    #[test]
    fn coverage_of_the_talks_is_kept_with_its_evidence() {
        let t = default_filter().assess(
            "Iran and US resume nuclear talks in Muscat",
            "Iranian Foreign Minister Abbas Araghchi and US envoy Steve Witkoff held indirect talks in Oman \
             on Iran's nuclear programme, including uranium enrichment.",
        );
        assert!(t.relevant && t.score > 0.9, "{t:?}");
        for evidence in ["iran:araghchi", "negotiators:witkoff", "nuclear:uranium", "talks:talks", "mediation:muscat"] {
            assert!(t.matched.contains(&evidence.to_string()), "{evidence} in {t:?}");
        }
    }

    #[test]
    fn the_issue_examples_are_kept_without_one_of_the_old_groups() {
        let f = default_filter();
        for text in [
            "The US envoy and Iran's foreign minister will meet in the Omani capital next week for a second round \
             of talks.",
            "Gulf states urge Washington and Tehran to settle the dispute by negotiation as a carrier group arrives.",
        ] {
            let t = f.assess(text, "");
            assert!(t.relevant, "{text}: {t:?}");
        }
    }

    #[test]
    fn an_iranian_coach_in_istanbul_is_dropped_without_any_evidence_against() {
        let mut config = TopicConfig::default();
        config.signals.retain(|_, s| s.weight > 0.0);
        let f = TopicFilter::new(&config);
        let t = f.assess(
            "Iran's national team coach signs new deal in Istanbul",
            "The Iranian football federation and its head coach agreed a contract extension at a meeting in \
             Istanbul on Tuesday.",
        );
        assert!(!t.relevant, "{t:?}");
    }

    #[test]
    fn sport_markets_and_other_talks_are_dropped() {
        let f = default_filter();
        for (title, text) in [
            (
                "Iran beat Uzbekistan to reach World Cup",
                "Iran's football team qualified for the World Cup after talks with FIFA over the venue.",
            ),
            (
                "Istanbul hosts trade talks",
                "Turkish and European officials held talks in Istanbul on tariffs and customs union reform.",
            ),
            (
                "Oil prices rise",
                "Shares rose and oil climbed on Monday as traders weighed OPEC supply; the stock market closed higher.",
            ),
            ("North Korea fires ballistic missile", "Pyongyang's nuclear programme worries Washington and Seoul."),
        ] {
            let t = f.assess(title, text);
            assert!(!t.relevant, "{title}: {t:?}");
        }
    }

    #[test]
    fn the_title_and_lead_weigh_more_than_the_body() {
        let f = default_filter();
        let filler = "Officials spoke at length about the weather and the schedule. ".repeat(10);
        let in_title = f.assess("Iran and the US hold talks", &filler).score;
        let in_lead = f.assess("", &format!("Iran and the US hold talks. {filler}")).score;
        let in_body = f.assess("", &format!("{filler}Iran and the US hold talks.")).score;
        assert!(in_title > in_lead && in_lead > in_body, "{in_title} {in_lead} {in_body}");
    }

    #[test]
    fn a_mention_in_a_huge_text_says_less_than_in_an_article() {
        let f = default_filter();
        let article = format!("{}The US said so.", "Officials spoke about the weather. ".repeat(20));
        let huge = format!("{}The US said so.", "Officials spoke about the weather. ".repeat(2000));
        let us = |text: &str| f.explain("Iran talks", text).signals.into_iter().find(|s| s.name == "us").unwrap();
        assert_eq!(us(&article).evidence, 0.5);
        assert!(us(&huge).evidence < 0.5 * 0.5, "{:?}", us(&huge));
    }

    #[test]
    fn facets_together_say_more_than_each_alone() {
        let f = default_filter();
        let iran = f.assess("Iran", "").score;
        let talks = f.assess("Talks", "").score;
        let both = f.assess("Iran talks", "").score;
        assert!(iran < 0.1 && talks < 0.1, "{iran} {talks}");
        assert!(both > 3.0 * iran.max(talks), "{both}");
    }

    #[test]
    fn capitalised_terms_match_as_written_and_starred_terms_as_prefixes() {
        let f = default_filter();
        let t = f.assess("Give us the deal", "");
        assert!(!t.matched.iter().any(|m| m == "us:US"), "{t:?}");
        let t = f.assess("US negotiators", "");
        assert!(t.matched.contains(&"us:US".to_string()) && t.matched.contains(&"talks:negotiat*".to_string()));
        let t = f.assess("Irani and Tehranis nuclearly", "");
        assert!(!t.matched.iter().any(|m| m == "iran:iran" || m == "iran:tehran" || m == "nuclear:nuclear"), "{t:?}");
        // Non-ASCII terms match whatever the case of the text.
        let t = f.assess("TÉHÉRAN ET WASHINGTON", "");
        assert!(t.matched.contains(&"iran:téhéran".to_string()), "{t:?}");
    }

    #[test]
    fn the_explanation_adds_up_to_the_score() {
        let f = default_filter();
        let e = f.explain("Witkoff and Araghchi meet in Muscat", "A second round of talks on enrichment.");
        let logit = e.bias
            + e.signals.iter().map(|s| s.contribution).sum::<f64>()
            + e.pairs.iter().map(|p| p.contribution).sum::<f64>();
        let score = 1.0 / (1.0 + (-logit).exp());
        assert!((score - e.topic.score).abs() < 0.001, "{score} vs {e:?}");
        assert_eq!(e.topic.relevant, score >= e.threshold);
        assert!(e.signals.iter().any(|s| s.name == "negotiators" && s.terms.iter().any(|t| t.term == "witkoff")));
        let witkoff = e.signals.iter().flat_map(|s| &s.terms).find(|t| t.term == "witkoff").unwrap();
        assert_eq!((witkoff.title, witkoff.lead, witkoff.body), (1, 0, 0));
    }

    #[test]
    fn scores_near_the_threshold_are_flagged() {
        let f = default_filter();
        assert!(f.is_near_threshold(f.threshold()) && f.is_near_threshold(f.threshold() - 0.1));
        assert!(!f.is_near_threshold(0.01) && !f.is_near_threshold(0.99));
        assert!(!TopicFilter::new(&legacy_config()).is_near_threshold(6.0), "the rules model has no scale");
    }

    #[test]
    fn old_rules_configs_keep_their_model_and_threshold() {
        let config = legacy_config();
        assert_eq!(config.model_kind(), TopicModelKind::Rules);
        assert_eq!(config.threshold(), 6.0);
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        let mut mixed = config.clone();
        mixed.model = Some(TopicModelKind::Evidence);
        let keys: Vec<String> = mixed.problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["topic.terms", "topic.require", "topic.exclude", "topic.threshold"]);
    }

    #[test]
    fn rules_model_keeps_the_talks_and_drops_sport() {
        let f = TopicFilter::new(&legacy_config());
        let t = f.assess(
            "Iran and US resume nuclear talks in Muscat",
            "Iranian Foreign Minister Abbas Araghchi and US envoy Steve Witkoff held indirect talks in Oman \
             on Iran's nuclear programme, including uranium enrichment.",
        );
        assert!(t.relevant && t.matched.contains(&"nuclear talks".to_string()), "{t:?}");
        assert!(t.matched.contains(&"require:iran".to_string()));
        let sport = f.assess(
            "Iran beat Uzbekistan to reach World Cup",
            "Iran's football team qualified for the World Cup after talks with FIFA over the venue.",
        );
        assert!(!sport.relevant, "{sport:?}");
    }

    #[test]
    fn rules_model_phrase_adds_to_its_words_and_never_hides_one_a_group_needs() {
        let f = TopicFilter::new(&legacy_config());
        let t = f.assess("", "Iran and the United States held talks on Tehran's nuclear programme.");
        assert!(t.matched.contains(&"require:nuclear".to_string()), "{t:?}");
        assert!(t.matched.contains(&"nuclear programme".to_string()) && t.matched.contains(&"nuclear".to_string()));
        assert!(f.assess("", "nuclear talks").score > f.assess("", "nuclear and talks").score);
        let t = f.assess(
            "Iranian nuclear physicist wins science prize",
            "A researcher in Tehran was honoured for work on particle detectors used in nuclear medicine.",
        );
        assert!(!t.relevant && !t.matched.contains(&"require:diplomacy".to_string()), "{t:?}");
    }

    #[test]
    fn rules_model_ignores_case_with_ascii_and_with_other_terms() {
        let f = TopicFilter::new(&legacy_config());
        let t = f.assess("IRAN AND THE U.S. RESUME NUCLEAR TALKS", "");
        assert!(t.matched.contains(&"nuclear talks".to_string()), "{t:?}");
        let mut config = legacy_config();
        config.terms.insert("Téhéran".into(), 1.0);
        let t =
            TopicFilter::new(&config).assess("", "Les négociations reprennent à TÉHÉRAN et à Oman sur le nucléaire.");
        assert!(t.matched.contains(&"téhéran".to_string()), "{t:?}");
    }
}

//! The topic filter: keeps articles about the configured story.
//!
//! Rules come from `[topic]` in the config (see [`TopicConfig`]): weighted
//! terms, groups of which one term each must appear, and exclusions. Terms
//! match case-insensitively on whole words, in one Aho-Corasick pass that
//! reports overlapping matches: every term counts wherever it occurs, so a
//! phrase adds to the words inside it ("nuclear talks" scores "nuclear",
//! "talks" and the phrase), and a phrase never hides a word a require group
//! needs.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::config::TopicConfig;
use crate::record::Topic;

/// Occurrences of one term that still add to the score: the tenth "Iran" says no more than the third.
const MAX_COUNTED: usize = 3;

#[derive(Debug, Clone, Copy)]
enum Rule {
    Weighted(f64),
    Excluded(f64),
}

/// A compiled topic filter.
pub struct TopicFilter {
    automaton: AhoCorasick,
    /// Per pattern: its text and what it does (weight/exclusion), and which require-groups it satisfies.
    patterns: Vec<(String, Option<Rule>, Vec<usize>)>,
    groups: Vec<String>,
    threshold: f64,
    title_weight: f64,
    /// Every term is ASCII: the automaton ignores ASCII case, and texts are searched as they are
    /// instead of lowercased copies.
    ascii_terms: bool,
}

impl TopicFilter {
    /// Compile the filter of `config`.
    pub fn new(config: &TopicConfig) -> Self {
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
            threshold: config.threshold,
            title_weight: config.title_weight,
            ascii_terms,
        }
    }

    /// Score an article's title and body.
    pub fn assess(&self, title: &str, text: &str) -> Topic {
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
        Topic { relevant: missing.is_empty() && score >= self.threshold, score, matched }
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

    #[test]
    fn coverage_of_the_talks_is_kept() {
        let t = default_filter().assess(
            "Iran and US resume nuclear talks in Muscat",
            "Iranian Foreign Minister Abbas Araghchi and US envoy Steve Witkoff held indirect talks in Oman \
             on Iran's nuclear programme, including uranium enrichment.",
        );
        assert!(t.relevant, "{t:?}");
        assert!(t.matched.contains(&"nuclear talks".to_string()));
        assert!(t.matched.contains(&"require:iran".to_string()));
    }

    #[test]
    fn sport_markets_and_other_istanbul_news_are_dropped() {
        let f = default_filter();
        let sport = f.assess(
            "Iran beat Uzbekistan to reach World Cup",
            "Iran's football team qualified for the World Cup after talks with FIFA over the venue.",
        );
        assert!(!sport.relevant, "{sport:?}");
        let istanbul = f.assess(
            "Istanbul hosts trade talks",
            "Turkish and European officials held talks in Istanbul on tariffs and customs union reform.",
        );
        assert!(!istanbul.relevant, "{istanbul:?}");
        let markets = f.assess(
            "Oil prices rise",
            "Shares rose and oil climbed on Monday as traders weighed OPEC supply; the stock market closed higher.",
        );
        assert!(!markets.relevant, "{markets:?}");
    }

    #[test]
    fn a_phrase_adds_to_its_words_and_never_hides_one_a_group_needs() {
        let f = default_filter();
        // "nuclear programme" contains "nuclear", which the nuclear group needs.
        let t = f.assess("", "Iran and the United States held talks on Tehran's nuclear programme.");
        assert!(t.matched.contains(&"require:nuclear".to_string()), "{t:?}");
        assert!(t.matched.contains(&"nuclear programme".to_string()) && t.matched.contains(&"nuclear".to_string()));
        let phrase = f.assess("", "nuclear talks").score;
        let words = f.assess("", "nuclear and talks").score;
        assert!(phrase > words, "{phrase} vs {words}");
    }

    #[test]
    fn iran_and_nuclear_without_diplomacy_is_another_story() {
        let t = default_filter().assess(
            "Iranian nuclear physicist wins science prize",
            "A researcher in Tehran was honoured for work on particle detectors used in nuclear medicine.",
        );
        assert!(!t.relevant && !t.matched.contains(&"require:diplomacy".to_string()), "{t:?}");
    }

    #[test]
    fn case_is_ignored_with_ascii_and_with_other_terms() {
        let t = default_filter().assess("IRAN AND THE U.S. RESUME NUCLEAR TALKS", "");
        assert!(t.matched.contains(&"nuclear talks".to_string()), "{t:?}");
        // A term outside ASCII: the texts are lowercased instead.
        let mut config = TopicConfig::default();
        config.terms.insert("Téhéran".into(), 1.0);
        let t =
            TopicFilter::new(&config).assess("", "Les négociations reprennent à TÉHÉRAN et à Oman sur le nucléaire.");
        assert!(t.matched.contains(&"téhéran".to_string()), "{t:?}");
    }

    #[test]
    fn terms_match_whole_words_only() {
        let t = default_filter().assess("", "Irani and Tehranis nuclearly");
        assert!(!t.matched.iter().any(|m| m == "iran" || m == "tehran" || m == "nuclear"), "{t:?}");
    }
}

//! The article stages, built once and shared: the daemon's pipeline runs them
//! one per channel hop; `talkwire enrich` runs them back to back on saved pages
//! (no network, no state, no dedupe history).

use chrono::Utc;
use url::Url;

use crate::config::{Config, PipelineConfig};
use crate::entities::{EntityError, EntityRecognizer};
use crate::extract::{Extracted, Extractor, PageInput};
use crate::normalize::{Parts, assemble, cut_text, site_of};
use crate::quotes::QuoteExtractor;
use crate::record::{Record, SourceKind, SourceRef};
use crate::relevance::TopicFilter;
use crate::sources::FeedHints;

/// Every synchronous article stage, compiled once (automata, selectors, regexes).
pub struct Stages {
    /// Main text and metadata.
    pub extractor: Extractor,
    /// The topic filter.
    pub topic: TopicFilter,
    /// People, organisations, places.
    pub entities: EntityRecognizer,
    /// Quotes and speakers.
    pub quotes: QuoteExtractor,
    /// Per-record bounds.
    pub limits: PipelineConfig,
}

impl Stages {
    /// Build the stages from the configuration.
    pub fn new(config: &Config) -> Result<Self, EntityError> {
        let entities = match &config.entities.extra_dir {
            Some(dir) => EntityRecognizer::with_extra_dir(dir)?,
            None => EntityRecognizer::builtin()?,
        };
        // The quote stage names the holders of the offices the entity data lists.
        let quotes = QuoteExtractor::new().with_offices(entities.offices());
        Ok(Self {
            extractor: Extractor::new(),
            topic: TopicFilter::new(&config.topic),
            entities,
            quotes,
            limits: config.pipeline.clone(),
        })
    }

    /// Score the record's topic, then find its entities and quotes.
    pub fn annotate(&self, record: &mut Record) {
        record.topic = self.topic.assess_record(record);
        self.find_entities(record);
        self.find_quotes(record);
    }

    /// The record's entities, at most `max_entity_mentions` mentions: the first ones in the text.
    pub fn find_entities(&self, record: &mut Record) {
        record.entities = self.entities.recognize(&record.text);
        let max = self.limits.max_entity_mentions;
        let mut starts: Vec<usize> = record.entities.iter().flat_map(|e| e.mentions.iter().map(|m| m.start)).collect();
        if starts.len() <= max {
            return;
        }
        let (_, &mut cutoff, _) = starts.select_nth_unstable(max);
        for entity in &mut record.entities {
            entity.mentions.retain(|m| m.start < cutoff);
        }
        record.entities.retain(|e| !e.mentions.is_empty());
        record.mark_truncated(|t| t.entities = true);
    }

    /// The record's quotes (after its entities), at most `max_quotes`: the first ones in the text.
    pub fn find_quotes(&self, record: &mut Record) {
        record.quotes = self.quotes.extract(&record.text, &record.entities);
        if record.quotes.len() > self.limits.max_quotes {
            record.quotes.sort_by_key(|q| q.start);
            record.quotes.truncate(self.limits.max_quotes);
            record.mark_truncated(|t| t.quotes = true);
        }
    }
}

/// How `talkwire enrich` reads its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// A saved HTML page.
    #[default]
    Html,
    /// The article's body text, verbatim (offsets refer to it).
    Text,
}

/// Enrich one saved input. `name` is what the record's `url` shows (the file
/// path) unless `page_url` gives the page's real address.
pub fn enrich_saved(stages: &Stages, bytes: &[u8], name: &str, page_url: Option<&Url>, format: InputFormat) -> Record {
    let location = page_url.cloned().unwrap_or_else(|| crate::sources::SourceLocation::File(name.into()).as_url());
    let extracted = match format {
        InputFormat::Html => {
            stages.extractor.extract(&PageInput { body: bytes, content_type: None, url: Some(&location) })
        }
        InputFormat::Text => Extracted {
            text: String::from_utf8_lossy(bytes).replace("\r\n", "\n").replace('\r', "\n"),
            ..Default::default()
        },
    };
    // Offsets must refer to a text input as given: it is kept untouched (the only copy made).
    let verbatim = (format == InputFormat::Text).then(|| extracted.text.clone());
    let display_url = page_url.map(Url::to_string).unwrap_or_else(|| name.to_string());
    let source = SourceRef { kind: SourceKind::File, url: name.to_string(), site: site_of(&location) };
    let mut record = assemble(Parts {
        fetched_url: &location,
        display_url,
        source,
        hints: &FeedHints::default(),
        extracted,
        fetched_at: Utc::now(),
        max_text_chars: stages.limits.max_text_chars,
    });
    if let Some(mut text) = verbatim {
        cut_text(&mut text, stages.limits.max_text_chars);
        record.text = text;
    }
    stages.annotate(&mut record);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_input_is_kept_verbatim_so_offsets_refer_to_it() {
        let stages = Stages::new(&Config::default()).unwrap();
        let text =
            "  \u{201c}We are ready,\u{201d} Araghchi said.\r\n\r\nIran and the United States held nuclear talks.";
        let record = enrich_saved(&stages, text.as_bytes(), "a.txt", None, InputFormat::Text);
        assert_eq!(record.text, text.replace("\r\n", "\n"));
        for q in &record.quotes {
            let span: String = record.text.chars().skip(q.start).take(q.end - q.start).collect();
            assert_eq!(span, q.text);
        }
        assert_eq!(record.url, "a.txt");
    }

    #[test]
    fn one_huge_paragraph_makes_a_bounded_record_that_says_what_was_cut() {
        let sentence = "\u{201c}We will not give up enrichment,\u{201d} Abbas Araghchi told Reuters in Muscat. ";
        let page = format!("<html><body><article><p>{}</p></article></body></html>", sentence.repeat(20_000));
        let stages = Stages::new(&Config::default()).unwrap();
        let record = enrich_saved(&stages, page.as_bytes(), "huge.html", None, InputFormat::Html);
        let limits = &stages.limits;
        assert!(record.text.chars().count() <= limits.max_text_chars);
        let mentions: usize = record.entities.iter().map(|e| e.mentions.len()).sum();
        assert!(mentions <= limits.max_entity_mentions, "{mentions} mentions");
        assert_eq!(record.quotes.len(), limits.max_quotes);
        assert_eq!(record.truncated, Some(crate::record::Truncated { text: true, entities: true, quotes: true }));
        assert!(serde_json::to_vec(&record).unwrap().len() < 1_000_000, "fits Kafka's default message size");
    }

    #[test]
    fn an_ordinary_article_is_not_marked_truncated() {
        let stages = Stages::new(&Config::default()).unwrap();
        let text = "\u{201c}We are ready,\u{201d} Araghchi said in Muscat.";
        let record = enrich_saved(&stages, text.as_bytes(), "a.txt", None, InputFormat::Text);
        assert_eq!(record.truncated, None);
        assert!(!serde_json::to_string(&record).unwrap().contains("truncated"));
    }
}

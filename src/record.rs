//! The published record (schema_version 1): one JSON object per article.
//!
//! This module owns the wire format consumers rely on. Fields may be added in
//! schema version 1; none is renamed or removed without a new version. The JSON
//! Schema in `schema/record.v1.json` is generated from these types
//! (`talkwire schema`) and checked against real output in the tests.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The schema version written into every record and its Kafka header.
pub const SCHEMA_VERSION: u32 = 1;

/// One enriched article, as published to Kafka (key = `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "talkwire article record", description = "One enriched article (schema_version 1).")]
pub struct Record {
    /// Always 1 for this schema.
    pub schema_version: u32,
    /// Stable hex id of the canonical URL (the Kafka key).
    pub id: String,
    /// 1 on first publication; +1 each time the article is republished with changed content.
    pub revision: u32,
    /// The URL fetched (or the file path).
    pub url: String,
    /// rel=canonical / og:url / normalised URL, tracking parameters removed.
    pub canonical_url: String,
    /// Where the article was found.
    pub source: SourceRef,
    /// Article headline.
    pub title: String,
    /// Author names (no "By", no publishers).
    pub authors: Vec<String>,
    /// The desk, news agency or outlet credited when the page names no person ("dpa", "AFP",
    /// "BBC News"); null whenever `authors` is not empty, or when the page credits no one.
    #[serde(default)]
    pub credit: Option<String>,
    /// Standfirst / description, if any.
    pub summary: Option<String>,
    /// First publication time, RFC 3339 UTC.
    pub published_at: Option<DateTime<Utc>>,
    /// Last update time, RFC 3339 UTC.
    pub updated_at: Option<DateTime<Utc>>,
    /// When talkwire fetched the page, RFC 3339 UTC.
    pub fetched_at: DateTime<Utc>,
    /// ISO 639-1 language code, e.g. "en" (null when unknown).
    pub language: Option<String>,
    /// Main body text; paragraphs separated by a blank line. Offsets below index into it.
    pub text: String,
    /// Topic filter verdict.
    pub topic: Topic,
    /// People, organisations and places, one entry per real-world thing.
    pub entities: Vec<Entity>,
    /// Quotations with their speakers.
    pub quotes: Vec<Quote>,
    /// Fingerprints and duplicate link.
    pub dedupe: Dedupe,
    /// What was cut to keep the record bounded (`pipeline.max_*` settings); absent when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncated>,
}

/// The parts of a record cut at their per-record bound. A consumer that needs all of an
/// oversized page goes back to `url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Truncated {
    /// `text` ends before the page's text did (cut at a paragraph or word boundary).
    pub text: bool,
    /// Entity mentions after the bound were dropped (and entities left without mentions).
    pub entities: bool,
    /// Quotes after the bound were dropped.
    pub quotes: bool,
}

impl Record {
    /// Note that `part` of the record was cut.
    pub fn mark_truncated(&mut self, part: impl FnOnce(&mut Truncated)) {
        part(self.truncated.get_or_insert_with(Truncated::default));
    }
}

/// The kind of source that led to an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// An RSS, Atom or JSON feed.
    Feed,
    /// An HTML section or listing page.
    Page,
    /// A saved file given directly (`talkwire enrich`).
    File,
}

/// The feed or page that led to an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRef {
    /// Feed, page or file.
    pub kind: SourceKind,
    /// The feed or page URL (or file path).
    pub url: String,
    /// Publisher host, e.g. "www.bbc.co.uk" (empty for local files without a URL).
    pub site: String,
}

/// Topic filter verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Topic {
    /// Whether the article is about the configured story.
    pub relevant: bool,
    /// Weighted score of the matched rules.
    pub score: f64,
    /// Terms or rules that matched.
    pub matched: Vec<String>,
}

/// Entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    /// A person.
    Person,
    /// An organisation (government body, agency, company, armed force).
    Org,
    /// A country, city, site or region.
    Place,
    /// Anything else worth naming.
    Other,
}

/// A span of `text`, in Unicode scalar values, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Mention {
    /// The exact words in the text.
    pub text: String,
    /// Start offset (chars) into `text`.
    pub start: usize,
    /// End offset (chars, exclusive) into `text`.
    pub end: usize,
}

/// One real-world entity and every place the article mentions it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entity {
    /// Stable id: the same thing gets the same id in every article.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// PERSON, ORG, PLACE or OTHER.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Wikidata Q-id when known for sure.
    pub wikidata: Option<String>,
    /// Every mention of the entity's name, in text order.
    pub mentions: Vec<Mention>,
    /// Adjectives and nationals derived from a place's name ("Iranian officials", "the Syrian side"),
    /// in text order: they point to the place without naming it, so they are kept apart from
    /// `mentions`. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demonyms: Vec<Mention>,
}

/// Whether a quote is a full direct quote or a fragment inside reported speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A full quoted statement.
    Direct,
    /// A few quoted words inside reported speech.
    Partial,
}

/// Who said a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Speaker {
    /// Canonical name, or a descriptor such as "a senior U.S. official".
    pub name: String,
    /// `entities[].id` of the speaker, when resolved to an entity.
    pub entity_id: Option<String>,
    /// The words in the text that name the speaker (may be a pronoun).
    pub mention: Mention,
}

/// One quotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// The quoted words, without the marks.
    pub text: String,
    /// Start offset (chars) of the quoted words in `text`.
    pub start: usize,
    /// End offset (chars, exclusive).
    pub end: usize,
    /// direct or partial.
    pub kind: QuoteKind,
    /// The speech verb or cue, e.g. "said" (empty when none was found).
    pub cue: String,
    /// The speaker, or null when unknown.
    pub speaker: Option<Speaker>,
    /// 0..1 confidence in the attribution.
    pub confidence: f64,
}

/// Fingerprints used for deduplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dedupe {
    /// xxh3-128 of the normalised text, hex.
    pub content_hash: String,
    /// 64-bit SimHash of word shingles of the normalised text, hex.
    pub simhash: String,
    /// Id of the first copy when this is a near-duplicate, else null.
    pub duplicate_of: Option<String>,
}

/// The JSON Schema (draft-07) of [`Record`], as published in `schema/record.v1.json`.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<Record>()).expect("a schema always serialises")
}

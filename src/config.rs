//! Every setting talkwire has, where it comes from, and how it is validated.
//!
//! Precedence, lowest first: built-in defaults → the config file (TOML) →
//! environment variables `TALKWIRE_<SECTION>__<KEY>` → command-line flags
//! (applied by the caller on the returned [`Config`]). Sources live in a
//! separate seeds file (`sources.seeds_file`) so operators can edit the list of
//! feeds without touching the daemon's settings.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Prefix of environment variables that override the config file.
pub const ENV_PREFIX: &str = "TALKWIRE_";

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Process-wide settings: state, shutdown, network policy.
    pub run: RunConfig,
    /// HTTP client and politeness.
    pub http: HttpConfig,
    /// Where the sources are and how they are polled.
    pub sources: SourcesConfig,
    /// Channel sizes and worker counts.
    pub pipeline: PipelineConfig,
    /// Which sink receives the records.
    pub sink: SinkConfig,
    /// Kafka producer settings (used when `sink.kind = "kafka"`).
    pub kafka: KafkaConfig,
    /// The topic filter (relevance stage).
    pub topic: TopicConfig,
    /// Duplicates, near-duplicates, revisions and how long state is kept.
    pub dedupe: DedupeConfig,
    /// Entity gazetteer additions.
    pub entities: EntitiesConfig,
    /// Metrics and health endpoints.
    pub metrics: MetricsConfig,
    /// Logging.
    pub log: LogConfig,
    /// Several instances sharing the work through Kafka (off: this instance does everything).
    pub cluster: ClusterConfig,
}

/// Process-wide settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RunConfig {
    /// Directory of the embedded state store (relative to the working directory).
    pub state_dir: PathBuf,
    /// Upper bound on the graceful drain after SIGTERM/SIGINT, in seconds.
    pub drain_timeout_secs: u64,
    /// Let fetches reach loopback and private-network addresses.
    pub allow_private: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self { state_dir: PathBuf::from("state"), drain_timeout_secs: 30, allow_private: false }
    }
}

/// HTTP client and politeness settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpConfig {
    /// Contact URL put in the User-Agent: `talkwire/<version> (+<contact>)`.
    pub contact_url: String,
    /// TCP connect timeout, seconds.
    pub connect_timeout_secs: u64,
    /// Longest pause between two reads of a body, seconds.
    pub read_timeout_secs: u64,
    /// Whole-request bound, seconds.
    pub total_timeout_secs: u64,
    /// Bodies larger than this (after decompression) are refused.
    pub max_body_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    /// Minimum delay between two requests to the same host, milliseconds.
    pub per_host_min_delay_ms: u64,
    /// Article fetches in flight overall.
    pub fetch_concurrency: usize,
    /// Obey robots.txt (leave on: it is the publisher's wish).
    pub respect_robots: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            contact_url: "https://github.com/talkwire/talkwire".into(),
            connect_timeout_secs: 10,
            read_timeout_secs: 20,
            total_timeout_secs: 45,
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            per_host_concurrency: 2,
            per_host_min_delay_ms: 1000,
            fetch_concurrency: 16,
            respect_robots: true,
        }
    }
}

/// Where the sources are and how they are polled.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SourcesConfig {
    /// TOML file listing the feeds and pages (relative to the config file).
    pub seeds_file: PathBuf,
    /// Poll interval for sources that set none, seconds.
    pub default_interval_secs: u64,
    /// Shortest interval honoured, whatever a feed's ttl or max-age says, seconds.
    pub min_interval_secs: u64,
    /// Cap of the exponential backoff of a failing source, seconds.
    pub max_backoff_secs: u64,
    /// Articles taken from one poll of one source (newest first).
    pub max_articles_per_poll: usize,
    /// Sitemaps (and sites' sitemaps): entries older than this many hours are not fetched.
    pub sitemap_max_age_hours: u64,
    /// GDELT: an article is a candidate when its URL, actors, places, themes, persons or
    /// organisations mention one of these (case-insensitive, at the start of a word).
    pub gdelt_terms: Vec<String>,
}

/// The GDELT prefilter terms of the default story.
pub const DEFAULT_GDELT_TERMS: &[&str] = &[
    "iran",
    "tehran",
    "nuclear",
    "araghchi",
    "iaea",
    "atomic energy",
    "enrichment",
    "uranium",
    "jcpoa",
    "witkoff",
    "grossi",
    "fordow",
    "natanz",
];

impl Default for SourcesConfig {
    fn default() -> Self {
        Self {
            seeds_file: PathBuf::from("../seeds/feeds.toml"),
            default_interval_secs: 300,
            min_interval_secs: 60,
            max_backoff_secs: 3600,
            max_articles_per_poll: 200,
            sitemap_max_age_hours: 48,
            gdelt_terms: DEFAULT_GDELT_TERMS.iter().map(|t| t.to_string()).collect(),
        }
    }
}

/// Channel sizes and worker counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineConfig {
    /// Capacity of every bounded channel between stages.
    pub channel_capacity: usize,
    /// Threads running the CPU-heavy article stages (0 = number of cores).
    pub cpu_workers: usize,
    /// Body text kept per record, in characters; a longer text is cut at a paragraph or word
    /// boundary and the record says so in `truncated`. Bounds the work and the Kafka message.
    pub max_text_chars: usize,
    /// Entity mentions kept per record (beyond them the record says `truncated`).
    pub max_entity_mentions: usize,
    /// Quotes kept per record (beyond them the record says `truncated`).
    pub max_quotes: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            channel_capacity: 64,
            cpu_workers: 0,
            max_text_chars: 100_000,
            max_entity_mentions: 2_000,
            max_quotes: 300,
        }
    }
}

/// Which sink receives the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// One JSON record per line on stdout.
    #[default]
    Stdout,
    /// The Kafka topic of `kafka.topic`.
    Kafka,
}

impl fmt::Display for SinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SinkKind::Stdout => "stdout",
            SinkKind::Kafka => "kafka",
        })
    }
}

/// Sink selection.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkConfig {
    /// `stdout` (default, for trying it out) or `kafka`.
    pub kind: SinkKind,
}

/// Kafka producer settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct KafkaConfig {
    /// Bootstrap servers, `host:port[,host:port...]`.
    pub brokers: String,
    /// Topic the enriched records go to.
    pub topic: String,
    /// Topic of articles that can never be published, with headers saying why; empty = log only.
    pub dead_letter_topic: String,
    /// none, gzip, snappy, lz4 or zstd.
    pub compression: String,
    /// How long librdkafka keeps retrying a record before reporting it undeliverable, ms.
    pub message_timeout_ms: u64,
    /// Extra librdkafka properties (e.g. `"security.protocol" = "SASL_SSL"`); secrets are masked in check-config.
    /// Numbers and booleans are accepted too (environment overrides read `1000` as a number).
    #[serde(deserialize_with = "scalars_as_strings")]
    pub properties: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        Self {
            brokers: "127.0.0.1:9092".into(),
            topic: "talkwire.articles".into(),
            dead_letter_topic: "talkwire.dead-letters".into(),
            compression: "zstd".into(),
            message_timeout_ms: 120_000,
            properties: BTreeMap::new(),
        }
    }
}

/// The topic filter: one story's definition, compiled by [`crate::relevance::TopicFilter`].
///
/// Two models read it. The **evidence** model (the default): every term belongs to one or more
/// `signals` (the story's facets: who, where, what, which activity); a signal's evidence is the sum
/// of its matched terms' weights, counted `title_weight` times in the title, `lead_weight` times in
/// the first `lead_chars` bytes of the text and `body_weight` times after, and saturates into a
/// strength in `0..1`. The score is a logistic function of `bias`, each signal's strength times its
/// weight, and each of `pairs` (two signals met in one article) times its weight: a calibrated
/// probability, compared with `threshold`. The **rules** model (the filter before issue 24):
/// `terms`, `require` groups and `exclude` penalties; a config that sets any of them and no `model`
/// keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicConfig {
    /// `evidence` or `rules`; unset = `rules` when `terms`, `require` or `exclude` is set, else `evidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<TopicModelKind>,
    /// Minimum score of a relevant article; unset = the model's own (see [`TopicConfig::threshold`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Multiplier of matches in the title.
    pub title_weight: f64,
    /// Evidence model: multiplier of matches in the lead.
    pub lead_weight: f64,
    /// Evidence model: the lead is the text's first this many bytes.
    pub lead_chars: usize,
    /// Evidence model: multiplier of matches after the lead.
    pub body_weight: f64,
    /// Evidence model: articles whose score is within this distance of the threshold are logged
    /// with their evidence and counted (`talkwire_topic_near_threshold_total`).
    pub near_threshold: f64,
    /// Evidence model: the logistic score's intercept (the log-odds of an article with no evidence).
    pub bias: f64,
    /// Evidence model: facet name → its weight and terms.
    pub signals: BTreeMap<String, SignalConfig>,
    /// Evidence model: facets whose meeting in one article counts beyond each alone.
    pub pairs: Vec<PairConfig>,
    /// Rules model: term or phrase → weight (case-insensitive, whole words).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub terms: BTreeMap<String, f64>,
    /// Rules model: groups of which each must match at least one term.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<TermGroup>,
    /// Rules model: term or phrase → penalty subtracted from the score.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exclude: BTreeMap<String, f64>,
}

/// Which model scores articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicModelKind {
    /// Weighted signals and their co-occurrence, a calibrated score.
    Evidence,
    /// Weighted terms, required groups and exclusions (the filter before issue 24).
    Rules,
}

/// One facet of a story (its people, its places, its subject, its activity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalConfig {
    /// Log-odds added by the signal at full strength.
    pub weight: f64,
    /// Term → evidence it gives. Lowercase terms match in any case; a term with a capital letter
    /// matches only as written (acronyms: "US", "IAEA"); a trailing `*` matches any word it begins.
    pub terms: BTreeMap<String, f64>,
}

/// Two signals that, met in one article, say more than each alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairConfig {
    /// The two signals' names.
    pub signals: [String; 2],
    /// Log-odds added when both are at full strength (scaled by the product of their strengths).
    pub weight: f64,
}

/// The evidence model's story: `config/topic/iran-us-talks.toml`, built in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryEvidence {
    bias: f64,
    signals: BTreeMap<String, SignalConfig>,
    pairs: Vec<PairConfig>,
}

/// A named group of terms of which at least one must appear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermGroup {
    /// Shown in `topic.matched` as `require:<name>`.
    pub name: String,
    /// Terms or phrases (case-insensitive, whole words).
    pub terms: Vec<String>,
}

/// The rules model's threshold when none is set (its scores are sums of weights).
pub const RULES_DEFAULT_THRESHOLD: f64 = 6.0;
/// The evidence model's threshold when none is set (its scores are probabilities): midway, in
/// log-odds, between the tuning items' highest off-topic and lowest on-topic scores.
pub const EVIDENCE_DEFAULT_THRESHOLD: f64 = 0.45;

impl TopicConfig {
    /// The model this config selects, explicitly or by the keys it sets.
    pub fn model_kind(&self) -> TopicModelKind {
        self.model.unwrap_or(if self.has_rules() { TopicModelKind::Rules } else { TopicModelKind::Evidence })
    }

    /// The threshold in force: the configured one, else the model's default.
    pub fn threshold(&self) -> f64 {
        self.threshold.unwrap_or(match self.model_kind() {
            TopicModelKind::Rules => RULES_DEFAULT_THRESHOLD,
            TopicModelKind::Evidence => EVIDENCE_DEFAULT_THRESHOLD,
        })
    }

    fn has_rules(&self) -> bool {
        !self.terms.is_empty() || !self.require.is_empty() || !self.exclude.is_empty()
    }

    /// Every problem of the topic settings, as (key, reason).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, key: &str, reason: String| {
            if !ok {
                problems.push((key.to_string(), reason));
            }
        };
        check(self.threshold().is_finite(), "topic.threshold", "must be a number".into());
        for (key, value) in [
            ("topic.title_weight", self.title_weight),
            ("topic.lead_weight", self.lead_weight),
            ("topic.body_weight", self.body_weight),
            ("topic.near_threshold", self.near_threshold),
        ] {
            check(value.is_finite() && value >= 0.0, key, "must be a number, 0 or more".into());
        }
        match self.model_kind() {
            TopicModelKind::Rules => check(
                !self.terms.is_empty() || !self.require.is_empty(),
                "topic.terms",
                "the rules model needs terms or require groups".into(),
            ),
            TopicModelKind::Evidence => {
                for (key, set) in [
                    ("topic.terms", !self.terms.is_empty()),
                    ("topic.require", !self.require.is_empty()),
                    ("topic.exclude", !self.exclude.is_empty()),
                ] {
                    check(
                        !set,
                        key,
                        "belongs to the rules model: remove it, or set topic.model = \"rules\" to keep the old filter \
                         (the evidence model weighs topic.signals and topic.pairs instead)"
                            .into(),
                    );
                }
                check(!self.signals.is_empty(), "topic.signals", "the evidence model needs at least one signal".into());
                check(self.bias.is_finite(), "topic.bias", "must be a number".into());
                check(
                    (0.0..1.0).contains(&self.threshold()),
                    "topic.threshold",
                    "the evidence model's score is a probability: the threshold must be in 0..1".into(),
                );
                for (name, signal) in &self.signals {
                    let key = format!("topic.signals.{name}");
                    check(signal.weight.is_finite(), &format!("{key}.weight"), "must be a number".into());
                    check(
                        signal.terms.iter().all(|(t, w)| !t.trim_end_matches('*').trim().is_empty() && w.is_finite()),
                        &format!("{key}.terms"),
                        "every term must be non-empty with a numeric weight".into(),
                    );
                }
                for (i, pair) in self.pairs.iter().enumerate() {
                    let unknown: Vec<&String> =
                        pair.signals.iter().filter(|s| !self.signals.contains_key(*s)).collect();
                    check(
                        unknown.is_empty() && pair.signals[0] != pair.signals[1],
                        &format!("topic.pairs[{i}].signals"),
                        format!("must name two different signals of topic.signals (unknown: {unknown:?})"),
                    );
                    check(pair.weight.is_finite(), &format!("topic.pairs[{i}].weight"), "must be a number".into());
                }
            }
        }
        problems
    }
}

impl Default for TopicConfig {
    /// The default story: the Iran–United States nuclear talks, weighed by the evidence model.
    fn default() -> Self {
        let story: StoryEvidence = toml::from_str(include_str!("../config/topic/iran-us-talks.toml"))
            .expect("the built-in story definition parses");
        Self {
            model: None,
            threshold: None,
            title_weight: 2.0,
            lead_weight: 1.5,
            lead_chars: 400,
            body_weight: 0.5,
            near_threshold: 0.15,
            bias: story.bias,
            signals: story.signals,
            pairs: story.pairs,
            terms: BTreeMap::new(),
            require: Vec::new(),
            exclude: BTreeMap::new(),
        }
    }
}

/// The largest `dedupe.near_duplicate_max_bits` accepted: the near-duplicate index answers
/// lookups up to this Hamming distance (radius 3 in each of its 4 bands); beyond it lookups get
/// slow and, with 64-bit codes, unrelated texts start to match.
pub const NEAR_DUPLICATE_MAX_BITS_LIMIT: u32 = 15;

/// Duplicates, near-duplicates, revisions and how long state is kept.
///
/// Exact duplicates (same canonical URL or same content hash) are never
/// published twice. A near-duplicate — a story whose SimHash is within
/// `near_duplicate_max_bits` of one published in the last
/// `near_duplicate_window_hours` — is published with `dedupe.duplicate_of`
/// set to the first copy's id. An article seen again with changed content is
/// republished as the next revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DedupeConfig {
    /// Largest SimHash distance, in bits (0..=15), at which two leads are copies of one story; 0 = exact only.
    pub near_duplicate_max_bits: u32,
    /// How long a published story catches its near-copies, hours.
    pub near_duplicate_window_hours: u64,
    /// Most fingerprints kept (memory ~60 bytes each); the oldest leave first.
    pub near_duplicate_capacity: usize,
    /// Articles, URLs and content hashes are forgotten after this many days (0 = never).
    pub retention_days: u64,
    /// A URL still listed by a source is fetched again for a revision at most this often, minutes (0 = never).
    pub revisit_after_minutes: u64,
    /// ... for this many hours after it was first fetched.
    pub revisit_for_hours: u64,
}

impl Default for DedupeConfig {
    fn default() -> Self {
        Self {
            // Chosen from the distributions printed by tests/near_duplicates.rs: see the comment there.
            near_duplicate_max_bits: 11,
            near_duplicate_window_hours: 72,
            near_duplicate_capacity: 100_000,
            retention_days: 30,
            revisit_after_minutes: 60,
            revisit_for_hours: 24,
        }
    }
}

/// Scale-out: instances that share sources and articles through Kafka consumer groups.
///
/// Every instance runs with the same settings except `instance_id`. See `src/cluster/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// Share the work with the other instances of `group_id` (the sink must be Kafka).
    pub enabled: bool,
    /// Consumer-group prefix: `<group_id>.sources` assigns sources, `<group_id>.articles` articles.
    #[serde(deserialize_with = "scalar_as_string")]
    pub group_id: String,
    /// This instance's name, unique in the group and stable across restarts (e.g. a StatefulSet pod name):
    /// its transactional id, so a restarted instance fences its own unfinished transaction.
    #[serde(deserialize_with = "scalar_as_string")]
    pub instance_id: String,
    /// Partitions of the sources, fetch and state topics: the most instances that can share the work.
    pub partitions: i32,
    /// Replication factor of the topics talkwire creates (-1 = the broker's default).
    pub replication_factor: i32,
    /// Topic whose partitions assign sources to instances (holds no records).
    pub sources_topic: String,
    /// Topic of discovered article URLs, keyed by URL id.
    pub fetch_topic: String,
    /// Compacted topic of what each URL led to (the dedupe state's changelog), keyed by URL id.
    pub state_topic: String,
    /// An instance that stops heartbeating loses its sources and articles after this long, ms.
    pub session_timeout_ms: u64,
    /// An instance that dies mid-transaction blocks its partitions at most this long, ms.
    pub transaction_timeout_ms: u64,
    /// How often finished articles are committed (records, state and offsets in one transaction), ms.
    pub commit_interval_ms: u64,
    /// A URL whose fetch fails transiently is put back on the fetch topic at most this many times.
    pub max_fetch_attempts: u32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            group_id: "talkwire".into(),
            instance_id: String::new(),
            partitions: 12,
            replication_factor: -1,
            sources_topic: "talkwire.sources".into(),
            fetch_topic: "talkwire.fetch".into(),
            state_topic: "talkwire.state".into(),
            session_timeout_ms: 10_000,
            transaction_timeout_ms: 15_000,
            commit_interval_ms: 500,
            max_fetch_attempts: 5,
        }
    }
}

/// Entity gazetteer additions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EntitiesConfig {
    /// Directory of extra gazetteer `*.toml` files (relative to the config file); empty = builtin only.
    pub extra_dir: Option<PathBuf>,
}

/// Metrics and health endpoints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    /// Address of `/metrics`, `/health` and `/ready`; empty disables the server.
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { listen: "127.0.0.1:9898".into() }
    }
}

/// Log output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines, for machines (default).
    #[default]
    Json,
    /// Human-readable lines.
    Text,
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// json or text; logs always go to stderr.
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `talkwire=debug`; `RUST_LOG` wins when set.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Json, level: "info".into() }
    }
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSpec {
    /// `feed` (RSS, Atom, JSON Feed), `page` (HTML section page whose links are articles),
    /// `sitemap` (a sitemap, sitemap index or a site's robots.txt), `site` (a home or section
    /// page whose feeds are found by autodiscovery) or `gdelt` (GDELT 2.0's update list).
    pub kind: SourceSpecKind,
    /// http(s) URL, `file://` URL or local path.
    pub url: String,
    /// Human name, for logs.
    #[serde(default)]
    pub name: Option<String>,
    /// Poll interval, seconds (default: `sources.default_interval_secs`).
    #[serde(default)]
    pub interval_secs: Option<u64>,
    /// Pages only: CSS selector of the article links (default: every link).
    #[serde(default)]
    pub link_selector: Option<String>,
    /// Pages only: keep links to other sites too (default false).
    #[serde(default)]
    pub follow_other_sites: bool,
    /// Sitemaps and sites only: entries older than this are skipped (default: `sources.sitemap_max_age_hours`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_hours: Option<u64>,
    /// GDELT only: prefilter terms (default: `sources.gdelt_terms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<String>>,
}

impl SourceSpec {
    /// A source of `kind` at `url` with every option at its default.
    pub fn new(kind: SourceSpecKind, url: impl Into<String>) -> Self {
        Self {
            kind,
            url: url.into(),
            name: None,
            interval_secs: None,
            link_selector: None,
            follow_other_sites: false,
            max_age_hours: None,
            terms: None,
        }
    }

    /// Fill the options this kind uses from the `[sources]` defaults.
    pub fn fill_defaults(&mut self, defaults: &SourcesConfig) {
        match self.kind {
            SourceSpecKind::Sitemap | SourceSpecKind::Site => {
                self.max_age_hours.get_or_insert(defaults.sitemap_max_age_hours);
            }
            SourceSpecKind::Gdelt => {
                self.terms.get_or_insert_with(|| defaults.gdelt_terms.clone());
            }
            SourceSpecKind::Feed | SourceSpecKind::Page => {}
        }
    }
}

/// Source kinds a seeds file may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceSpecKind {
    /// A feed.
    Feed,
    /// An HTML page.
    Page,
    /// A sitemap or sitemap index (plain or gzip; Google News extension understood), or a
    /// robots.txt whose `Sitemap:` lines name them.
    Sitemap,
    /// A site's home or section page: its feeds (and robots.txt sitemaps) are found and polled.
    Site,
    /// GDELT 2.0's 15-minute update list (`lastupdate.txt`).
    Gdelt,
}

/// The seeds file: `[[source]]` tables.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SeedsFile {
    /// Every source to poll.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceSpec>,
}

/// One problem found in the configuration: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or `environment`).
    pub file: String,
    /// Dotted key, e.g. `kafka.brokers`; empty for a whole-file problem.
    pub key: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}: key `{}`: {}", self.file, self.key, self.reason)
        }
    }
}

/// Every problem found while loading a configuration.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(pub Vec<Problem>);

/// A loaded configuration with its sources, paths resolved.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The settings.
    pub config: Config,
    /// The sources from the seeds file.
    pub sources: Vec<SourceSpec>,
    /// The config file read (None when running on defaults).
    pub path: Option<PathBuf>,
}

/// Whether [`load`] reads the seeds file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeds {
    /// Read and validate the configured seeds file.
    Read,
    /// Sources come from elsewhere (command-line flags, `enrich`).
    Skip,
}

/// Load `path` (or defaults when it is None), apply the environment `env`
/// (pass `std::env::vars()`), read the seeds file, and validate everything.
pub fn load(
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    seeds: Seeds,
) -> Result<Loaded, ConfigError> {
    let mut problems = Vec::new();
    let file_label = path.map(|p| p.display().to_string()).unwrap_or_else(|| "defaults".into());

    let mut table = match path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => match text.parse::<toml::Table>() {
                Ok(t) => t,
                Err(e) => {
                    return Err(ConfigError(vec![problem(&file_label, "", e.to_string().trim())]));
                }
            },
            Err(e) => {
                return Err(ConfigError(vec![problem(&file_label, "", &format!("cannot read: {e}"))]));
            }
        },
        None => toml::Table::new(),
    };
    apply_env(&mut table, env);

    let config: Config = match deserialize_reporting(toml::Value::Table(table), &file_label, &mut problems) {
        Some(c) => c,
        None => return Err(ConfigError(problems)),
    };
    let base = path.and_then(Path::parent).unwrap_or(Path::new("."));
    let mut config = config;
    config.sources.seeds_file = resolve(base, &config.sources.seeds_file);
    if let Some(dir) = &config.entities.extra_dir {
        config.entities.extra_dir = Some(resolve(base, dir));
    }

    let sources = match seeds {
        Seeds::Read => load_seeds(&config.sources.seeds_file, &mut problems),
        Seeds::Skip => Vec::new(),
    };
    validate(&config, &file_label, &mut problems);
    let seeds_label = config.sources.seeds_file.display().to_string();
    for (i, s) in sources.iter().enumerate() {
        if let Err(reason) = crate::location::SourceLocation::parse(&s.url) {
            problems.push(problem(&seeds_label, &format!("source[{i}].url"), &reason.to_string()));
        }
        if s.kind != SourceSpecKind::Page && s.link_selector.is_some() {
            problems.push(problem(
                &seeds_label,
                &format!("source[{i}].link_selector"),
                "only pages have link selectors",
            ));
        }
        if s.kind != SourceSpecKind::Page && s.follow_other_sites {
            problems.push(problem(&seeds_label, &format!("source[{i}].follow_other_sites"), "only pages follow links"));
        }
        match s.max_age_hours {
            Some(_) if !matches!(s.kind, SourceSpecKind::Sitemap | SourceSpecKind::Site) => problems.push(problem(
                &seeds_label,
                &format!("source[{i}].max_age_hours"),
                "only sitemaps and sites have a maximum entry age",
            )),
            Some(0) => {
                problems.push(problem(&seeds_label, &format!("source[{i}].max_age_hours"), "must be at least 1"))
            }
            _ => {}
        }
        match &s.terms {
            Some(_) if s.kind != SourceSpecKind::Gdelt => {
                problems.push(problem(&seeds_label, &format!("source[{i}].terms"), "only GDELT sources have terms"))
            }
            Some(terms) if terms.iter().all(|t| t.trim().is_empty()) => problems.push(problem(
                &seeds_label,
                &format!("source[{i}].terms"),
                "must name at least one term (every GDELT article would be fetched)",
            )),
            _ => {}
        }
        if let Some(sel) = &s.link_selector
            && dom_query::Matcher::new(sel).is_err()
        {
            problems.push(problem(&seeds_label, &format!("source[{i}].link_selector"), "not a valid CSS selector"));
        }
    }
    let mut sources = sources;
    for s in &mut sources {
        s.fill_defaults(&config.sources);
    }
    if problems.is_empty() {
        Ok(Loaded { config, sources, path: path.map(Path::to_path_buf) })
    } else {
        Err(ConfigError(problems))
    }
}

/// Sources given on the command line (`--feed`, `--page`) replace the seeds file.
pub fn sources_from_flags(feeds: &[String], pages: &[String]) -> Result<Vec<SourceSpec>, ConfigError> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (kind, urls, flag) in [(SourceSpecKind::Feed, feeds, "--feed"), (SourceSpecKind::Page, pages, "--page")] {
        for url in urls {
            match crate::location::SourceLocation::parse(url) {
                Ok(_) => out.push(SourceSpec::new(kind, url.clone())),
                Err(e) => problems.push(problem("command line", flag, &format!("{url}: {e}"))),
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(ConfigError(problems)) }
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() { p.to_path_buf() } else { base.join(p) }
}

fn problem(file: &str, key: &str, reason: &str) -> Problem {
    Problem { file: file.into(), key: key.into(), reason: reason.into() }
}

/// Deserialize, collecting unknown keys and the first type error with its key path.
fn deserialize_reporting<T: serde::de::DeserializeOwned>(
    value: toml::Value,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut unknown: Vec<String> = Vec::new();
    let mut on_unknown = |path: serde_ignored::Path| unknown.push(path.to_string());
    let ignored = serde_ignored::Deserializer::new(value, &mut on_unknown);
    let result: Result<T, _> = serde_path_to_error::deserialize(ignored);
    for key in unknown {
        problems.push(problem(file, &key, "unknown setting"));
    }
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            let key = e.path().to_string();
            let reason = e.into_inner().to_string();
            let reason = reason.lines().next().unwrap_or_default().to_string();
            problems.push(problem(file, if key == "." { "" } else { &key }, &reason));
            None
        }
    }
}

/// Overlay `TALKWIRE_<SECTION>__<KEY>=value` variables on the parsed file.
/// Values are read as TOML literals when they parse (numbers, booleans,
/// arrays), else as strings.
fn apply_env(table: &mut toml::Table, env: impl IntoIterator<Item = (String, String)>) {
    for (name, raw) in env {
        let Some(path) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let keys: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
        if keys.len() < 2 || keys.iter().any(String::is_empty) {
            continue;
        }
        let value = format!("v = {raw}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(toml::Value::String(raw));
        let mut node = &mut *table;
        for key in &keys[..keys.len() - 1] {
            let entry = node.entry(key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            node = entry.as_table_mut().expect("just made a table");
        }
        node.insert(keys[keys.len() - 1].clone(), value);
    }
}

fn load_seeds(path: &Path, problems: &mut Vec<Problem>) -> Vec<SourceSpec> {
    let label = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(problem(&label, "", &format!("cannot read seeds file: {e}")));
            return Vec::new();
        }
    };
    let table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            problems.push(problem(&label, "", e.to_string().trim()));
            return Vec::new();
        }
    };
    deserialize_reporting::<SeedsFile>(toml::Value::Table(table), &label, problems)
        .map(|s| s.sources)
        .unwrap_or_default()
}

/// librdkafka properties that would silently break what talkwire promises: no duplicates from
/// producer retries (idempotence, which implies `acks=all`) and no record counted as delivered
/// before every in-sync replica has it. Each with the reason it is refused.
fn weakened_delivery_guarantees(properties: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut refused = Vec::new();
    for (key, value) in properties {
        let value = value.trim().to_ascii_lowercase();
        let weakens = match key.as_str() {
            "enable.idempotence" => value != "true",
            "acks" | "request.required.acks" => !matches!(value.as_str(), "all" | "-1"),
            "max.in.flight.requests.per.connection" | "max.in.flight" => value.parse::<u32>().is_ok_and(|n| n > 5),
            _ => false,
        };
        if weakens {
            refused.push((
                key.clone(),
                format!(
                    "`{value}` would drop the guarantees talkwire's delivery rests on (idempotent producer, \
                     acks=all, at most 5 requests in flight); remove it"
                ),
            ));
        }
    }
    refused
}

fn validate(c: &Config, file: &str, problems: &mut Vec<Problem>) {
    let mut check = |ok: bool, key: &str, reason: &str| {
        if !ok {
            problems.push(problem(file, key, reason));
        }
    };
    check(c.run.drain_timeout_secs > 0, "run.drain_timeout_secs", "must be at least 1");
    check(url::Url::parse(&c.http.contact_url).is_ok(), "http.contact_url", "must be an absolute URL");
    check(c.http.connect_timeout_secs > 0, "http.connect_timeout_secs", "must be at least 1");
    check(c.http.read_timeout_secs > 0, "http.read_timeout_secs", "must be at least 1");
    check(c.http.total_timeout_secs > 0, "http.total_timeout_secs", "must be at least 1");
    check(c.http.max_body_bytes >= 1024, "http.max_body_bytes", "must be at least 1024");
    check(c.http.per_host_concurrency > 0, "http.per_host_concurrency", "must be at least 1");
    check(c.http.fetch_concurrency > 0, "http.fetch_concurrency", "must be at least 1");
    check(c.sources.default_interval_secs > 0, "sources.default_interval_secs", "must be at least 1");
    check(c.sources.max_backoff_secs > 0, "sources.max_backoff_secs", "must be at least 1");
    check(c.sources.max_articles_per_poll > 0, "sources.max_articles_per_poll", "must be at least 1");
    check(c.sources.sitemap_max_age_hours > 0, "sources.sitemap_max_age_hours", "must be at least 1");
    check(
        c.sources.gdelt_terms.iter().any(|t| !t.trim().is_empty()),
        "sources.gdelt_terms",
        "must name at least one term (every GDELT article would be fetched)",
    );
    check(c.pipeline.channel_capacity > 0, "pipeline.channel_capacity", "must be at least 1");
    check(!c.kafka.topic.trim().is_empty(), "kafka.topic", "must not be empty");
    check(
        c.kafka
            .brokers
            .split(',')
            .all(|b| b.trim().rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())),
        "kafka.brokers",
        "must be host:port[,host:port...]",
    );
    check(
        ["none", "gzip", "snappy", "lz4", "zstd"].contains(&c.kafka.compression.as_str()),
        "kafka.compression",
        "must be one of none, gzip, snappy, lz4, zstd",
    );
    for (key, reason) in weakened_delivery_guarantees(&c.kafka.properties) {
        check(false, &format!("kafka.properties.{key}"), &reason);
    }
    check(c.pipeline.max_text_chars >= 1000, "pipeline.max_text_chars", "must be at least 1000");
    check(c.pipeline.max_entity_mentions > 0, "pipeline.max_entity_mentions", "must be at least 1");
    check(c.pipeline.max_quotes > 0, "pipeline.max_quotes", "must be at least 1");
    for (key, reason) in c.topic.problems() {
        check(false, &key, &reason);
    }
    check(
        c.dedupe.near_duplicate_max_bits <= NEAR_DUPLICATE_MAX_BITS_LIMIT,
        "dedupe.near_duplicate_max_bits",
        "must be at most 15: beyond that unrelated stories match and lookups slow down",
    );
    check(c.dedupe.near_duplicate_window_hours > 0, "dedupe.near_duplicate_window_hours", "must be at least 1");
    check(c.dedupe.near_duplicate_capacity > 0, "dedupe.near_duplicate_capacity", "must be at least 1");
    check(
        c.dedupe.retention_days == 0
            || c.dedupe.retention_days.saturating_mul(24) >= c.dedupe.near_duplicate_window_hours,
        "dedupe.retention_days",
        "must cover near_duplicate_window_hours (or be 0: keep forever)",
    );
    check(
        c.metrics.listen.is_empty() || c.metrics.listen.parse::<std::net::SocketAddr>().is_ok(),
        "metrics.listen",
        "must be ip:port, or empty to disable",
    );
    if c.cluster.enabled {
        check(
            !c.cluster.instance_id.trim().is_empty(),
            "cluster.instance_id",
            "must name this instance, uniquely in the group",
        );
        check(!c.cluster.group_id.trim().is_empty(), "cluster.group_id", "must not be empty");
        check(c.cluster.partitions > 0, "cluster.partitions", "must be at least 1");
        check(c.cluster.max_fetch_attempts > 0, "cluster.max_fetch_attempts", "must be at least 1");
        check(c.cluster.commit_interval_ms > 0, "cluster.commit_interval_ms", "must be at least 1");
        let topics = [&c.cluster.sources_topic, &c.cluster.fetch_topic, &c.cluster.state_topic, &c.kafka.topic];
        let distinct: std::collections::HashSet<_> = topics.iter().collect();
        check(
            topics.iter().all(|t| !t.trim().is_empty()) && distinct.len() == topics.len(),
            "cluster.fetch_topic",
            "the sources, fetch, state and record topics must be four different, non-empty names",
        );
    }
    if let Err(e) = tracing_subscriber::EnvFilter::try_new(&c.log.level) {
        problems.push(problem(file, "log.level", &format!("not a tracing filter: {e}")));
    }
}

/// A TOML scalar read as text: environment overrides read `7` as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl From<Scalar> for String {
    fn from(v: Scalar) -> Self {
        match v {
            Scalar::Text(t) => t,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// A table of strings that also takes numbers and booleans, as text.
fn scalars_as_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, Scalar>::deserialize(d)?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.into())).collect())
}

/// A string that also takes a number or boolean, as text (an instance named `1`).
fn scalar_as_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Scalar::deserialize(d).map(String::from)
}

/// The effective configuration as TOML, with secret-looking Kafka properties masked.
pub fn render_effective(config: &Config) -> String {
    let mut shown = config.clone();
    for (key, value) in shown.kafka.properties.iter_mut() {
        let k = key.to_ascii_lowercase();
        if ["password", "secret", "token", "key"].iter().any(|s| k.contains(s)) {
            *value = "********".into();
        }
    }
    toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_that_weaken_delivery_are_refused_and_others_pass() {
        let properties: BTreeMap<String, String> = [
            ("enable.idempotence", "false"),
            ("acks", "1"),
            ("security.protocol", "SASL_SSL"),
            ("max.in.flight.requests.per.connection", "5"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let refused: Vec<String> = weakened_delivery_guarantees(&properties).into_iter().map(|(k, _)| k).collect();
        assert_eq!(refused, ["acks", "enable.idempotence"]);
        let kept: BTreeMap<String, String> = [("acks", "all"), ("enable.idempotence", "true")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(weakened_delivery_guarantees(&kept).is_empty());
    }
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(text.as_bytes()).unwrap();
        p
    }

    fn seeds(dir: &Path) {
        write(dir, "seeds.toml", "[[source]]\nkind = \"feed\"\nurl = \"https://example.com/rss\"\n");
    }

    #[test]
    fn defaults_and_file_and_env_layer_in_order() {
        let dir = tempfile::tempdir().unwrap();
        seeds(dir.path());
        let cfg = write(
            dir.path(),
            "t.toml",
            "[sources]\nseeds_file = \"seeds.toml\"\n[kafka]\ntopic = \"from-file\"\nbrokers = \"a:1\"\n",
        );
        let env = vec![
            ("TALKWIRE_KAFKA__BROKERS".to_string(), "b:2,c:3".to_string()),
            ("TALKWIRE_HTTP__FETCH_CONCURRENCY".to_string(), "3".to_string()),
            ("TALKWIRE_KAFKA__PROPERTIES__message.max.bytes".to_string(), "4000".to_string()),
            ("UNRELATED".to_string(), "x".to_string()),
        ];
        let loaded = load(Some(&cfg), env, Seeds::Read).unwrap();
        assert_eq!(loaded.config.kafka.topic, "from-file");
        assert_eq!(loaded.config.kafka.brokers, "b:2,c:3");
        assert_eq!(loaded.config.http.fetch_concurrency, 3);
        assert_eq!(loaded.config.kafka.properties.get("message.max.bytes").map(String::as_str), Some("4000"));
        assert_eq!(loaded.config.run.drain_timeout_secs, 30);
        assert_eq!(loaded.sources.len(), 1);
    }

    #[test]
    fn unknown_key_is_reported_with_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        seeds(dir.path());
        let cfg = write(dir.path(), "t.toml", "[sources]\nseeds_file = \"seeds.toml\"\n[kafka]\nbrokerz = \"a:1\"\n");
        let err = load(Some(&cfg), Vec::new(), Seeds::Read).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("t.toml"), "{text}");
        assert!(text.contains("kafka.brokerz"), "{text}");
    }

    #[test]
    fn wrong_type_and_bad_values_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        seeds(dir.path());
        let cfg = write(
            dir.path(),
            "t.toml",
            "[sources]\nseeds_file = \"seeds.toml\"\n[http]\nfetch_concurrency = \"many\"\n",
        );
        let err = load(Some(&cfg), Vec::new(), Seeds::Read).unwrap_err();
        assert!(err.0.iter().any(|p| p.key == "http.fetch_concurrency"), "{err}");

        let cfg = write(
            dir.path(),
            "u.toml",
            "[sources]\nseeds_file = \"seeds.toml\"\n[kafka]\nbrokers = \"nohost\"\ncompression = \"rar\"\n",
        );
        let err = load(Some(&cfg), Vec::new(), Seeds::Read).unwrap_err();
        let keys: Vec<_> = err.0.iter().map(|p| p.key.as_str()).collect();
        assert!(keys.contains(&"kafka.brokers") && keys.contains(&"kafka.compression"), "{err}");
    }

    #[test]
    fn bad_source_url_points_into_the_seeds_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "seeds.toml", "[[source]]\nkind = \"feed\"\nurl = \"ftp://example.com/x\"\n");
        let cfg = write(dir.path(), "t.toml", "[sources]\nseeds_file = \"seeds.toml\"\n");
        let err = load(Some(&cfg), Vec::new(), Seeds::Read).unwrap_err();
        assert!(err.0.iter().any(|p| p.file.ends_with("seeds.toml") && p.key == "source[0].url"), "{err}");
    }

    #[test]
    fn secrets_are_masked() {
        let mut c = Config::default();
        c.kafka.properties.insert("sasl.password".into(), "hunter2".into());
        let shown = render_effective(&c);
        assert!(!shown.contains("hunter2") && shown.contains("********"));
    }

    #[test]
    fn the_shipped_config_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/talkwire.toml");
        let loaded = load(Some(&path), Vec::new(), Seeds::Read).unwrap();
        assert!(!loaded.sources.is_empty());
        // The file documents the defaults: keep them in step.
        assert_eq!(loaded.config.topic, TopicConfig::default());
        assert_eq!(loaded.config.dedupe, DedupeConfig::default());
        assert_eq!(loaded.config.kafka.topic, KafkaConfig::default().topic);
        assert_eq!(loaded.config.sources.gdelt_terms, SourcesConfig::default().gdelt_terms);
        assert_eq!(loaded.config.sources.sitemap_max_age_hours, SourcesConfig::default().sitemap_max_age_hours);
        assert_eq!(loaded.config.cluster, ClusterConfig::default());
    }

    #[test]
    fn a_cluster_member_needs_an_instance_id() {
        let dir = tempfile::tempdir().unwrap();
        seeds(dir.path());
        let cfg = write(dir.path(), "t.toml", "[sources]\nseeds_file = \"seeds.toml\"\n[cluster]\nenabled = true\n");
        let err = load(Some(&cfg), Vec::new(), Seeds::Read).unwrap_err();
        let keys: Vec<_> = err.0.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["cluster.instance_id"], "{err}");
        let env = vec![("TALKWIRE_CLUSTER__INSTANCE_ID".to_string(), "7".to_string())];
        let loaded = load(Some(&cfg), env, Seeds::Read).unwrap();
        assert!(loaded.config.cluster.enabled);
        assert_eq!(loaded.config.cluster.instance_id, "7", "a number names an instance too");
    }
}

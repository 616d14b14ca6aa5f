//! talkwire: follow one running story across feeds and pages, and publish every
//! new article about it — cleaned, deduplicated and enriched — to a Kafka topic.
//!
//! The crate is laid out by pipeline stage. Each stage is plain synchronous
//! code (input in, output out); [`pipeline`] wires them with bounded channels,
//! and only [`sink`] talks to Kafka.
//!
//! ```text
//! sources ─► fetch ─► extract ─► normalize ─► dedupe ─► relevance ─► entities ─► quotes ─► sink
//!    ▲                                                                                      │
//!    └──────────── state: cursors and dedupe entries committed on delivery ◄────────────────┘
//! ```

pub mod cluster;
pub mod config;
pub mod dedupe;
pub mod delivery;
pub mod enrich;
pub mod entities;
pub mod extract;
pub mod fetch;
pub mod kafka;
pub mod location;
pub mod normalize;
pub mod pipeline;
pub mod quotes;
pub mod record;
pub mod relevance;
pub mod sink;
pub mod sources;
pub mod state;
pub mod telemetry;

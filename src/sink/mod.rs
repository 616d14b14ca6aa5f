//! Sinks: where records go, and the only place that resolves delivery tickets.

pub mod dead_letter;
pub mod kafka;
pub mod stdout;

use crate::delivery::Ticket;
use crate::record::Record;

pub use dead_letter::DeadLetter;
pub use kafka::{KafkaSink, SinkError};
pub use stdout::StdoutSink;

/// The configured sink.
pub enum Sink {
    /// JSON lines on stdout.
    Stdout(StdoutSink),
    /// A Kafka topic.
    Kafka(KafkaSink),
}

impl Sink {
    /// Hand a record over; its ticket resolves when the record is delivered.
    /// Waits (backpressure) while the sink's queue is full.
    pub async fn send(&mut self, record: &Record, ticket: Ticket) -> Result<(), SinkError> {
        match self {
            Sink::Stdout(s) => s.send(record, ticket).await,
            Sink::Kafka(s) => s.send(record, ticket).await,
        }
    }

    /// Hand over an article that can never be published: it goes to the
    /// dead-letter topic (Kafka) or the log (stdout), then its ticket resolves.
    pub async fn dead_letter(&mut self, letter: DeadLetter, ticket: Ticket) {
        match self {
            Sink::Stdout(_) => dead_letter::log_only(letter, ticket),
            Sink::Kafka(s) => s.dead_letter(letter, ticket),
        }
    }

    /// Wait for every handed-over record's delivery report, until `deadline` at the latest.
    /// Returns whether every report arrived. Tickets tell what was delivered; the rest stays owed.
    pub async fn flush(&mut self, deadline: tokio::time::Instant) -> bool {
        match self {
            Sink::Stdout(s) => {
                s.flush().await;
                true
            }
            Sink::Kafka(s) => s.flush(deadline).await,
        }
    }
}

//! Dead letters: articles that can never be published (a page with no article
//! text, a record the broker rejects as too large) go to a dead-letter topic
//! with headers saying where, when and why — so nothing blocks the stream and
//! nothing disappears without a trace.

use chrono::Utc;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::FutureRecord;
use serde::Serialize;

use crate::delivery::Ticket;
use crate::kafka::Producer;

/// One article that cannot be published, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadLetter {
    /// Article id (or the id of its URL when no record was built).
    pub id: String,
    /// The article URL.
    pub url: String,
    /// The feed or page that led to it.
    pub source: String,
    /// The stage that gave up: `extract`, `sink`.
    pub stage: &'static str,
    /// Machine-readable reason: `no_article_text`, `record_too_large`, `record_rejected`.
    pub reason: &'static str,
    /// Human-readable detail.
    pub error: String,
}

/// Broker or client errors that retrying cannot fix: dead-letter the record instead.
pub fn is_permanent(error: &KafkaError) -> bool {
    let code = match error {
        KafkaError::MessageProduction(code) => *code,
        other => match other.rdkafka_error_code() {
            Some(code) => code,
            None => return false,
        },
    };
    matches!(
        code,
        RDKafkaErrorCode::MessageSizeTooLarge
            | RDKafkaErrorCode::InvalidMessageSize
            | RDKafkaErrorCode::InvalidMessage
            | RDKafkaErrorCode::InvalidRecord
    )
}

fn record_and_log(letter: &DeadLetter) {
    metrics::counter!("talkwire_dead_letters_total", "reason" => letter.reason).increment(1);
    tracing::error!(
        url = %letter.url, id = %letter.id, stage = letter.stage, reason = letter.reason,
        error = %letter.error, "dead letter: this article will not be published"
    );
}

/// Without a dead-letter topic the log is the only trace: write it and resolve the ticket.
pub fn log_only(letter: DeadLetter, ticket: Ticket) {
    record_and_log(&letter);
    ticket.delivered();
}

/// Sends dead letters to their topic; cheap to clone into delivery tasks.
#[derive(Clone)]
pub struct DeadLetters {
    producer: Producer,
    topic: Option<String>,
}

impl DeadLetters {
    /// Dead letters go to `topic` (None: logged only).
    pub fn new(producer: Producer, topic: Option<String>) -> Self {
        Self { producer, topic }
    }

    /// Publish `letter` (key = its id) and resolve `ticket` once the broker has it;
    /// without a dead-letter topic, log it and resolve the ticket.
    pub async fn send(&self, letter: DeadLetter, ticket: Ticket) {
        let Some(topic) = &self.topic else {
            log_only(letter, ticket);
            return;
        };
        record_and_log(&letter);
        let payload = serde_json::to_vec(&letter).unwrap_or_default();
        let at = Utc::now().to_rfc3339();
        let headers = OwnedHeaders::new()
            .insert(Header { key: "talkwire.dlq.stage", value: Some(letter.stage) })
            .insert(Header { key: "talkwire.dlq.reason", value: Some(letter.reason) })
            .insert(Header { key: "talkwire.dlq.error", value: Some(letter.error.as_str()) })
            .insert(Header { key: "talkwire.dlq.url", value: Some(letter.url.as_str()) })
            .insert(Header { key: "talkwire.dlq.source", value: Some(letter.source.as_str()) })
            .insert(Header { key: "talkwire.dlq.at", value: Some(at.as_str()) })
            .insert(Header { key: "content-type", value: Some("application/json") });
        let record = FutureRecord::to(topic).key(letter.id.as_str()).payload(&payload).headers(headers);
        match self.producer.send(record, rdkafka::util::Timeout::Never).await {
            Ok(_) => ticket.delivered(),
            Err((error, _)) => {
                // Not even the dead letter got through: leave the article to be tried again.
                tracing::error!(url = %letter.url, id = %letter.id, %error, "dead letter not delivered");
                ticket.failed();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_validity_errors_are_permanent_and_timeouts_are_not() {
        assert!(is_permanent(&KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge)));
        assert!(is_permanent(&KafkaError::MessageProduction(RDKafkaErrorCode::InvalidRecord)));
        assert!(!is_permanent(&KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut)));
        assert!(!is_permanent(&KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull)));
    }
}

//! The stdout sink: one JSON record per line, for trying talkwire out and for pipes.

use tokio::io::{AsyncWriteExt, Stdout};

use super::SinkError;
use crate::delivery::Ticket;
use crate::record::Record;

/// Writes records as JSON lines; a record is delivered once its line is flushed.
pub struct StdoutSink {
    out: Stdout,
}

impl Default for StdoutSink {
    fn default() -> Self {
        Self { out: tokio::io::stdout() }
    }
}

impl StdoutSink {
    /// Write one record and resolve its ticket.
    pub async fn send(&mut self, record: &Record, ticket: Ticket) -> Result<(), SinkError> {
        let mut line = serde_json::to_vec(record).map_err(|e| SinkError::Encode(e.to_string()))?;
        line.push(b'\n');
        let written = async {
            self.out.write_all(&line).await?;
            self.out.flush().await
        }
        .await;
        match written {
            Ok(()) => {
                ticket.delivered();
                Ok(())
            }
            // The ticket drops unresolved: the article stays owed.
            Err(e) => Err(SinkError::Stdout(e.to_string())),
        }
    }

    /// Everything is flushed per record; this only makes sure of it.
    pub async fn flush(&mut self) {
        let _ = self.out.flush().await;
    }
}

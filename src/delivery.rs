//! Delivery tickets: nothing is done until the sink says so.
//!
//! Every article travels with a [`Ticket`] issued by its source's poll. The
//! ticket collects the state writes the article implies (its dedupe entry, the
//! URL that led to it). The sink resolves it with [`Ticket::delivered`] only on
//! the broker's delivery report; stages that drop an article on purpose
//! (duplicate, off-topic) resolve it as delivered too, since nothing is owed.
//! A ticket dropped unresolved — a failed delivery, a shutdown, a panic — marks
//! its poll as failed, so neither its writes nor the source's cursor are
//! committed and the next run sees the article again. This mirrors Kafka
//! Connect's source-offset commits and Vector's end-to-end acknowledgements.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::state::Commit;

/// Writes to make durable, and the in-flight claims that end once they are.
pub struct CommitBatch {
    /// State writes.
    pub commits: Vec<Commit>,
    /// Released when the batch is dropped, i.e. after the committer applied it:
    /// until then a second copy of the article must still see it as in flight.
    pub claims: Vec<Claim>,
}

/// Where resolved commits go: the committer task that writes them to the store.
///
/// Unbounded on purpose: a send happens in `Drop`, which cannot wait, and at
/// most one message exists per ticket or poll — whose number the bounded
/// pipeline channels and the producer queue already cap.
pub type CommitSender = mpsc::UnboundedSender<CommitBatch>;

/// What happens when a poll ends: called with true when every ticket it issued was delivered.
type OnDone = Box<dyn FnOnce(bool) + Send>;

/// One poll of one source (or, in a cluster, one message of the fetch topic): its
/// cursor is committed when every ticket it issued was delivered.
struct Poll {
    on_done: Mutex<Option<OnDone>>,
    failed: AtomicBool,
    commits: CommitSender,
}

impl Drop for Poll {
    fn drop(&mut self) {
        if let Some(on_done) = self.on_done.lock().ok().and_then(|mut d| d.take()) {
            on_done(!self.failed.load(Ordering::Acquire));
        }
    }
}

/// Issues tickets for the articles of one source poll.
#[derive(Clone)]
pub struct PollHandle {
    poll: Arc<Poll>,
}

impl PollHandle {
    /// Start a poll whose `cursor` is committed once all its tickets are delivered
    /// (immediately, when the poll yields no articles and the handle is dropped).
    pub fn new(cursor: Option<Commit>, commits: CommitSender) -> Self {
        let to_committer = commits.clone();
        Self::with_completion(commits, move |delivered| {
            if delivered && let Some(cursor) = cursor {
                let _ = to_committer.send(CommitBatch { commits: vec![cursor], claims: Vec::new() });
            }
        })
    }

    /// Start a poll that calls `on_done` once the handle and every ticket are gone: with true
    /// when every ticket was delivered, false otherwise. Tickets' commits go to `commits`,
    /// always before `on_done` runs.
    pub fn with_completion(commits: CommitSender, on_done: impl FnOnce(bool) + Send + 'static) -> Self {
        let on_done: OnDone = Box::new(on_done);
        Self { poll: Arc::new(Poll { on_done: Mutex::new(Some(on_done)), failed: AtomicBool::new(false), commits }) }
    }

    /// A ticket for one article of this poll.
    pub fn ticket(&self) -> Ticket {
        let mut ticket = Ticket::detached();
        ticket.poll = Some(self.poll.clone());
        ticket
    }

    /// Give up on the cursor (e.g. the poll was cut short): the next poll starts from the old one.
    pub fn abandon(&self) {
        self.poll.failed.store(true, Ordering::Release);
    }
}

/// Keys being processed right now, so a second copy found meanwhile is not processed twice.
#[derive(Clone, Default)]
pub struct Inflight {
    keys: Arc<Mutex<HashSet<String>>>,
}

impl Inflight {
    /// Claim `key`; false when someone holds it already. The claim ends when
    /// the ticket fails, or when its delivered writes are durable.
    pub fn claim(&self, key: &str, ticket: &mut Ticket) -> bool {
        let fresh = self.keys.lock().map(|mut k| k.insert(key.to_string())).unwrap_or(false);
        if fresh {
            ticket.claims.push(Claim { set: self.clone(), key: key.to_string() });
        }
        fresh
    }

    /// Whether `key` is being processed.
    pub fn contains(&self, key: &str) -> bool {
        self.keys.lock().map(|k| k.contains(key)).unwrap_or(false)
    }
}

/// Articles not acknowledged yet: issued a ticket that was neither delivered nor deliberately
/// dropped since. A failed ticket leaves its article here until a later ticket for the same
/// article is acknowledged, so at exit the count is exactly what is still owed, whatever stage
/// each article was in.
#[derive(Clone, Default)]
pub struct Unacknowledged {
    keys: Arc<Mutex<HashSet<String>>>,
}

impl Unacknowledged {
    /// Owe `key` until `ticket` (or a later ticket for the same key) is acknowledged.
    pub fn track(&self, key: &str, ticket: &mut Ticket) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(key.to_string());
        }
        ticket.owed = Some(Owed { set: self.clone(), key: key.to_string() });
    }

    /// How many articles are owed now.
    pub fn count(&self) -> u64 {
        self.keys.lock().map(|k| k.len() as u64).unwrap_or(0)
    }

    fn acknowledge(&self, key: &str) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.remove(key);
        }
    }
}

/// The article a ticket settles in an [`Unacknowledged`] set when it is acknowledged.
struct Owed {
    set: Unacknowledged,
    key: String,
}

/// A held key of an [`Inflight`] set; dropping it releases the key.
pub struct Claim {
    set: Inflight,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut k) = self.set.keys.lock() {
            k.remove(&self.key);
        }
    }
}

/// An item travelling through the pipeline with its delivery ticket.
pub struct Ticketed<T> {
    /// The article at its current stage.
    pub item: T,
    /// Its promise to commit state once delivered.
    pub ticket: Ticket,
}

/// An article's promise to commit its state once delivered.
pub struct Ticket {
    commits: Vec<Commit>,
    poll: Option<Arc<Poll>>,
    claims: Vec<Claim>,
    owed: Option<Owed>,
    resolved: bool,
}

impl Ticket {
    /// A ticket outside any poll (e.g. `enrich`, tests): commits go nowhere.
    pub fn detached() -> Self {
        Self { commits: Vec::new(), poll: None, claims: Vec::new(), owed: None, resolved: false }
    }

    /// Add a state write to make durable on delivery.
    pub fn add_commit(&mut self, commit: Commit) {
        self.commits.push(commit);
    }

    /// The record was delivered (or deliberately not published): commit its writes.
    pub fn delivered(mut self) {
        self.resolved = true;
        if let Some(owed) = self.owed.take() {
            owed.set.acknowledge(&owed.key);
        }
        if let Some(poll) = &self.poll {
            let batch =
                CommitBatch { commits: std::mem::take(&mut self.commits), claims: std::mem::take(&mut self.claims) };
            // A closed committer drops the batch, which releases the claims.
            let _ = poll.commits.send(batch);
        }
    }

    /// The record could not be delivered: commit nothing, fail the poll's cursor.
    pub fn failed(self) {
        // Dropping unresolved does exactly that.
        drop(self);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.resolved
            && let Some(poll) = &self.poll
        {
            poll.failed.store(true, Ordering::Release);
        }
        // Remaining claims drop with the ticket: a failed article may be tried again at once.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Cursor;

    fn cursor() -> Commit {
        Commit::Cursor { source: "s".into(), cursor: Cursor { etag: Some("e".into()), ..Cursor::default() } }
    }

    fn seen(id: &str) -> Commit {
        Commit::SeenUrl { url_id: id.into() }
    }

    fn drain(rx: &mut mpsc::UnboundedReceiver<CommitBatch>) -> Vec<Commit> {
        let mut out = Vec::new();
        while let Ok(batch) = rx.try_recv() {
            out.extend(batch.commits);
        }
        out
    }

    #[test]
    fn cursor_commits_after_every_ticket_is_delivered() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let poll = PollHandle::new(Some(cursor()), tx);
        let (mut a, mut b) = (poll.ticket(), poll.ticket());
        a.add_commit(seen("a"));
        b.add_commit(seen("b"));
        drop(poll);
        a.delivered();
        assert_eq!(drain(&mut rx), vec![seen("a")]);
        b.delivered();
        assert_eq!(drain(&mut rx), vec![seen("b"), cursor()]);
    }

    #[test]
    fn an_undelivered_ticket_commits_nothing_and_blocks_the_cursor() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let poll = PollHandle::new(Some(cursor()), tx);
        let (mut a, mut b) = (poll.ticket(), poll.ticket());
        a.add_commit(seen("a"));
        b.add_commit(seen("b"));
        drop(poll);
        a.failed();
        b.delivered();
        assert_eq!(drain(&mut rx), vec![seen("b")]);
    }

    #[test]
    fn a_ticket_lost_in_a_shutdown_counts_as_failed() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let poll = PollHandle::new(Some(cursor()), tx);
        let t = poll.ticket();
        drop(poll);
        drop(t);
        assert!(drain(&mut rx).is_empty());
    }

    #[test]
    fn an_empty_poll_commits_its_cursor() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        drop(PollHandle::new(Some(cursor()), tx));
        assert_eq!(drain(&mut rx), vec![cursor()]);
    }

    #[test]
    fn completion_reports_the_outcome_after_the_commits() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        for deliver in [true, false] {
            let record = outcomes.clone();
            let poll = PollHandle::with_completion(tx.clone(), move |ok| record.lock().unwrap().push(ok));
            let mut t = poll.ticket();
            t.add_commit(seen("a"));
            drop(poll);
            assert!(outcomes.lock().unwrap().len() < 2, "not done while a ticket is out");
            if deliver { t.delivered() } else { t.failed() }
        }
        assert_eq!(*outcomes.lock().unwrap(), vec![true, false]);
        assert_eq!(drain(&mut rx), vec![seen("a")]);
    }

    #[test]
    fn a_delivered_claim_ends_only_when_its_commit_is_applied() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let poll = PollHandle::new(None, tx);
        let set = Inflight::default();
        let mut t = poll.ticket();
        assert!(set.claim("k", &mut t));
        t.delivered();
        assert!(set.contains("k"), "still in flight until the committer applied the batch");
        drop(rx.try_recv().unwrap());
        assert!(!set.contains("k"));
    }

    #[test]
    fn an_article_stays_owed_until_a_ticket_for_it_is_acknowledged() {
        let owed = Unacknowledged::default();
        let (mut pending, mut failed) = (Ticket::detached(), Ticket::detached());
        owed.track("a", &mut pending);
        owed.track("b", &mut failed);
        assert_eq!(owed.count(), 2, "issued tickets are owed wherever they are");
        failed.failed();
        assert_eq!(owed.count(), 2, "a failed delivery is still owed");
        let mut retry = Ticket::detached();
        owed.track("b", &mut retry);
        retry.delivered();
        assert_eq!(owed.count(), 1, "a later delivery of the same article settles it");
        drop(pending);
        assert_eq!(owed.count(), 1, "a ticket lost in a shutdown is still owed");
    }

    #[test]
    fn inflight_claims_end_with_the_ticket() {
        let set = Inflight::default();
        let mut t1 = Ticket::detached();
        let mut t2 = Ticket::detached();
        assert!(set.claim("k", &mut t1));
        assert!(!set.claim("k", &mut t2));
        t1.delivered();
        assert!(!set.contains("k"));
        assert!(set.claim("k", &mut t2));
    }
}

//! The local Kafka broker, seen from the bench: topics, record counts, records read back.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// A topic name no earlier run used.
pub fn fresh_topic(what: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_nanos();
    format!("bench-{what}-{nanos}")
}

/// Create a one-partition topic; with `log_append_time`, each record's timestamp is the moment the
/// broker appended it (message.timestamp.type=LogAppendTime), i.e. just before it acknowledges it.
pub async fn create_topic(brokers: &str, topic: &str, log_append_time: bool) {
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", brokers).create().expect("admin client");
    let mut new_topic = NewTopic::new(topic, 1, TopicReplication::Fixed(1));
    if log_append_time {
        new_topic = new_topic.set("message.timestamp.type", "LogAppendTime");
    }
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin.create_topics([&new_topic], &options).await.expect("create topic");
    for result in results {
        result.unwrap_or_else(|(name, code)| panic!("cannot create topic {name}: {code}"));
    }
}

fn consumer(brokers: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", fresh_topic("reader"))
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer")
}

/// Records in `topic` so far (high watermark of its single partition).
pub struct Counter(BaseConsumer);

impl Counter {
    pub fn new(brokers: &str) -> Self {
        Self(consumer(brokers))
    }

    pub fn records(&self, topic: &str) -> i64 {
        self.0.fetch_watermarks(topic, 0, Duration::from_secs(10)).map_or(0, |(low, high)| high - low)
    }
}

/// Read `expected` records of `topic` from the beginning: (timestamp in unix ms, payload).
pub fn read_all(brokers: &str, topic: &str, expected: usize) -> Vec<(i64, Vec<u8>)> {
    let consumer = consumer(brokers);
    let mut assignment = TopicPartitionList::new();
    assignment.add_partition_offset(topic, 0, Offset::Beginning).expect("assignment");
    consumer.assign(&assignment).expect("assign");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut out = Vec::with_capacity(expected);
    while out.len() < expected && Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => out
                .push((m.timestamp().to_millis().expect("record timestamp"), m.payload().unwrap_or_default().to_vec())),
            Some(Err(e)) => eprintln!("consumer: {e}"),
            None => {}
        }
    }
    out
}

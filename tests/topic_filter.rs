//! The topic filter measured on a labelled set of headlines and leads
//! (`tests/fixtures/topic/`, see its README): half coverage of the Iran–US
//! nuclear talks, half near-misses. Prints precision and recall for the tuning
//! set, the held-out third and both together, lists every mistake, and fails
//! below 0.95 on the tuning set or on the whole set. Run with `-- --nocapture`.

use serde::Deserialize;
use talkwire::config::{Seeds, TopicConfig, load};
use talkwire::relevance::TopicFilter;

#[derive(Deserialize)]
struct Labelled {
    item: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    on_topic: bool,
    title: String,
    lead: String,
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn items(file: &str) -> Vec<Item> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/topic").join(file)).unwrap();
    toml::from_str::<Labelled>(&text).unwrap().item
}

/// (precision, recall) over `items`, printing the mistakes.
fn measure(filter: &TopicFilter, name: &str, items: &[Item]) -> (f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    let mut mistakes = Vec::new();
    for item in items {
        let topic = filter.assess(&item.title, &item.lead);
        match (topic.relevant, item.on_topic) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
        if topic.relevant != item.on_topic {
            let kind = if topic.relevant { "kept, off topic" } else { "dropped, on topic" };
            mistakes.push(format!("    {kind}: {:?} score {} {:?}", item.title, topic.score, topic.matched));
        }
    }
    let precision = f64::from(tp) / f64::from((tp + fp).max(1));
    let recall = f64::from(tp) / f64::from((tp + fn_).max(1));
    let on = items.iter().filter(|i| i.on_topic).count();
    println!(
        "{name:<9} {} items ({on} on topic): precision {precision:.3}, recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_})",
        items.len()
    );
    mistakes.iter().for_each(|m| println!("{m}"));
    (precision, recall)
}

#[test]
fn the_default_filter_keeps_the_talks_and_drops_the_near_misses() {
    let filter = TopicFilter::new(&TopicConfig::default());
    let tune = items("tune.toml");
    let held_out = items("held_out.toml");
    assert!(tune.len() + held_out.len() >= 100 && held_out.len() * 3 >= tune.len() + held_out.len() - 2);
    let (tp, tr) = measure(&filter, "tuning", &tune);
    let (hp, hr) = measure(&filter, "held-out", &held_out);
    let all: Vec<Item> = tune.into_iter().chain(held_out).collect();
    let (ap, ar) = measure(&filter, "all", &all);
    assert!(tp >= 0.95 && tr >= 0.95, "tuning set: precision {tp:.3}, recall {tr:.3}");
    assert!(ap >= 0.95 && ar >= 0.95, "whole set: precision {ap:.3}, recall {ar:.3}");
    // The held-out third is reported, and must not collapse.
    assert!(hp >= 0.9 && hr >= 0.9, "held-out: precision {hp:.3}, recall {hr:.3}");
}

#[test]
fn the_shipped_config_file_has_the_default_rules() {
    let loaded = load(Some(&root().join("config/talkwire.toml")), Vec::new(), Seeds::Skip).unwrap();
    assert_eq!(loaded.config.topic, TopicConfig::default());
}

//! The topic filter measured on labelled headlines and leads
//! (`tests/fixtures/topic/`, see its README): coverage of the Iran–US nuclear
//! talks and near misses. Prints precision and recall of the shipped model and
//! of the old rules (`legacy.toml`) side by side, per part, and fails below the
//! floors. Run with `cargo test --test topic_filter -- --nocapture`.

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
    let scores = |on_topic: bool| {
        items.iter().filter(move |i| i.on_topic == on_topic).map(|i| filter.assess(&i.title, &i.lead).score)
    };
    println!(
        "{name:<9} lowest on-topic score {:.3}, highest off-topic score {:.3}",
        scores(true).fold(f64::INFINITY, f64::min),
        scores(false).fold(f64::NEG_INFINITY, f64::max)
    );
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

/// One line of `labelled.jsonl` / `paraphrases.jsonl`: the headline is the first line of `text`.
#[derive(Deserialize)]
struct Line {
    id: String,
    text: String,
    relevant: bool,
    split: String,
}

fn lines(file: &str) -> Vec<Line> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/topic").join(file)).unwrap();
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// (id, headline and lead) of each line.
fn as_items<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Vec<(String, Item)> {
    lines
        .into_iter()
        .map(|l| {
            let (title, lead) = l.text.split_once('\n').unwrap_or((&l.text, ""));
            (l.id.clone(), Item { on_topic: l.relevant, title: title.into(), lead: lead.into() })
        })
        .collect()
}

/// The rules talkwire shipped before issue 24, read as any old config is.
fn legacy_filter() -> TopicFilter {
    let loaded = load(Some(&root().join("tests/fixtures/topic/legacy.toml")), Vec::new(), Seeds::Skip).unwrap();
    TopicFilter::new(&loaded.config.topic)
}

/// Precision and recall without the list of mistakes (for the old model's line).
fn figures(filter: &TopicFilter, items: &[(String, Item)]) -> (f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    for (_, item) in items {
        match (filter.assess(&item.title, &item.lead).relevant, item.on_topic) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    (f64::from(tp) / f64::from((tp + fp).max(1)), f64::from(tp) / f64::from((tp + fn_).max(1)))
}

#[test]
fn the_labelled_set_is_measured_on_both_parts() {
    let labelled = lines("labelled.jsonl");
    assert!(labelled.len() >= 300, "{} items", labelled.len());
    assert!(labelled.iter().all(|l| l.split == "tune" || l.split == "measure"));
    let new = TopicFilter::new(&TopicConfig::default());
    let old = legacy_filter();
    let mut floors_missed = Vec::new();
    for (part, floor) in [("tune", TUNE_FLOOR), ("measure", MEASURE_FLOOR)] {
        let items = as_items(labelled.iter().filter(|l| l.split == part));
        let (op, or) = figures(&old, &items);
        println!("{part:<8} old rules: precision {op:.3}, recall {or:.3}");
        // The measuring part's mistakes are not listed: tuning must not see them.
        let (np, nr) = if part == "tune" {
            let plain: Vec<Item> = items.into_iter().map(|(_, i)| i).collect();
            measure(&new, "tune new", &plain)
        } else {
            figures(&new, &items)
        };
        println!("{part:<8} new model: precision {np:.3}, recall {nr:.3}");
        if np < floor.0 || nr < floor.1 {
            floors_missed.push(format!("{part}: precision {np:.3}, recall {nr:.3}"));
        }
    }
    assert!(floors_missed.is_empty(), "below the floors: {floors_missed:?}");
}

/// Precision and recall floors of the tuning part, just under the figures when the model was fitted.
const TUNE_FLOOR: (f64, f64) = (0.98, 0.98);
/// Precision and recall floors of the measuring part, just under its figures when the model was fitted.
const MEASURE_FLOOR: (f64, f64) = (0.98, 0.93);

#[test]
fn paraphrases_of_the_issue_examples_are_kept() {
    let paraphrases = lines("paraphrases.jsonl");
    assert!(paraphrases.len() >= 22);
    let filter = TopicFilter::new(&TopicConfig::default());
    let dropped: Vec<String> = as_items(&paraphrases)
        .into_iter()
        .filter(|(_, item)| !filter.assess(&item.title, &item.lead).relevant)
        .map(|(id, item)| format!("{id}: {}", item.title))
        .collect();
    println!("paraphrases: {} of {} kept", paraphrases.len() - dropped.len(), paraphrases.len());
    // The one known miss names only the mediator ("Albusaidi says both sides ... will meet again"):
    // no Iran, no United States, no subject.
    assert_eq!(dropped, ["para-017: Albusaidi says both sides showed seriousness and will meet again within days."]);
}

/// Refit the evidence model's bias, signal weights and pair weights on the tuning part (and the
/// older `tune.toml`) by logistic regression, and print them to paste into
/// `config/topic/iran-us-talks.toml`. Signal strengths come from the shipped terms; weights keep
/// their configured sign. Run: `cargo test --test topic_filter -- --ignored --nocapture`.
#[test]
#[ignore = "a tool: prints refitted weights"]
fn refit_the_evidence_weights() {
    let config = TopicConfig::default();
    let filter = TopicFilter::new(&config);
    let names: Vec<&String> = config.signals.keys().collect();
    let pairs: Vec<(usize, usize)> = config
        .pairs
        .iter()
        .map(|p| {
            let at = |s: &String| names.iter().position(|n| *n == s).unwrap();
            (at(&p.signals[0]), at(&p.signals[1]))
        })
        .collect();
    let tuning: Vec<Line> = lines("labelled.jsonl").into_iter().filter(|l| l.split == "tune").collect();
    let mut tuning: Vec<(String, Item)> = as_items(&tuning);
    tuning.extend(items("tune.toml").into_iter().map(|i| (String::new(), i)));
    // Features: 1, each signal's strength, each pair's product of strengths.
    let rows: Vec<(Vec<f64>, f64)> = tuning
        .iter()
        .map(|(_, item)| {
            let explanation = filter.explain(&item.title, &item.lead);
            let strength: Vec<f64> = names
                .iter()
                .map(|n| explanation.signals.iter().find(|s| &&s.name == n).map_or(0.0, |s| s.strength))
                .collect();
            let mut x = vec![1.0];
            x.extend(&strength);
            x.extend(pairs.iter().map(|&(a, b)| explanation.pair_factor * strength[a] * strength[b]));
            (x, if item.on_topic { 1.0 } else { 0.0 })
        })
        .collect();
    let w: Vec<f64> = std::iter::once(config.bias)
        .chain(names.iter().map(|n| config.signals[*n].weight))
        .chain(config.pairs.iter().map(|p| p.weight))
        .collect();
    // Evidence against (negative weights) is set by hand: the tuning items hold too few such
    // articles to fit it. The rest keep their sign.
    let sign: Vec<f64> = w.iter().enumerate().map(|(i, v)| if i == 0 { 0.0 } else { v.signum() }).collect();
    // Two-fold cross-validation on the tuning items: how well weights fitted on one half do on
    // the other, to choose settings without looking at the measuring part.
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    for fold in 0..2 {
        let train: Vec<_> = rows.iter().enumerate().filter(|(i, _)| i % 2 != fold).map(|(_, r)| r.clone()).collect();
        let fitted = fit(&train, w.clone(), &sign);
        for (i, (x, y)) in rows.iter().enumerate().filter(|(i, _)| i % 2 == fold) {
            let z: f64 = x.iter().zip(&fitted).map(|(a, b)| a * b).sum();
            if (z >= 0.0) != (*y == 1.0) {
                let (_, item) = &tuning[i];
                println!("  cross-validation mistake: {:?} {:?} (z {z:.2})", item.title, item.lead);
            }
            match (z >= 0.0, *y == 1.0) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fn_ += 1,
                (false, false) => {}
            }
        }
    }
    println!(
        "two-fold cross-validation: precision {:.3}, recall {:.3}",
        f64::from(tp) / f64::from((tp + fp).max(1)),
        f64::from(tp) / f64::from((tp + fn_).max(1))
    );
    let w = fit(&rows, w, &sign);
    println!("bias = {:.1}", w[0]);
    for (i, n) in names.iter().enumerate() {
        println!("[signals.{n}] weight = {:.1}", w[1 + i]);
    }
    for (i, p) in config.pairs.iter().enumerate() {
        println!("pair {:?} weight = {:.1}", p.signals, w[1 + names.len() + i]);
    }
}

/// Logistic regression by gradient descent with a little L2, each weight kept to its sign.
fn fit(rows: &[(Vec<f64>, f64)], mut w: Vec<f64>, sign: &[f64]) -> Vec<f64> {
    let (rate, l2) = (0.5, 0.004);
    for _ in 0..20_000 {
        let mut gradient = vec![0.0; w.len()];
        for (x, y) in rows {
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            for (g, xi) in gradient.iter_mut().zip(x) {
                *g += (p - y) * xi / rows.len() as f64;
            }
        }
        for i in 0..w.len() {
            if sign[i] < 0.0 {
                continue;
            }
            let penalty = if i == 0 { 0.0 } else { l2 * w[i] };
            w[i] -= rate * (gradient[i] + penalty);
            w[i] = if sign[i] > 0.0 {
                w[i].max(0.0)
            } else if sign[i] < 0.0 {
                w[i].min(0.0)
            } else {
                w[i]
            };
        }
    }
    w
}

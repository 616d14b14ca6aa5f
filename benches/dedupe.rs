//! Near-duplicate lookup cost with 100,000 fingerprints in the index, and memory per fingerprint.
//!
//! ```text
//! cargo bench --bench dedupe
//! ```
//!
//! Prints, before criterion's timings: the heap bytes the index holds per
//! fingerprint (counted by a wrapping global allocator, and as the index
//! accounts for itself), and a plain timed loop of lookups per article at the
//! default threshold. Criterion then times `SimIndex::nearest` (the index
//! alone), `Store::near_duplicate` (the index behind the store's lock, what the
//! dedupe stage calls) and computing an article's SimHash. Target (issue 5):
//! under 100 µs per lookup with 100,000 fingerprints.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use criterion::Criterion;
use talkwire::config::DedupeConfig;
use talkwire::dedupe::index::SimIndex;
use talkwire::normalize::simhash;
use talkwire::state::{Commit, Store};

/// Counts live heap bytes, to measure what the index really holds.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const FINGERPRINTS: usize = 100_000;

/// Deterministic pseudo-random 64-bit codes (splitmix64): SimHashes of unrelated texts look like this.
fn code(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn id(n: usize) -> String {
    format!("{n:032x}")
}

/// Lookups as the stage sees them: a third are copies of stored stories (a few bits
/// flipped), the rest new stories (random codes, the common case and the costlier one:
/// every probe runs to the end).
fn queries() -> Vec<u64> {
    (0..3_000u64)
        .map(|q| {
            if q % 3 == 0 {
                code(q % FINGERPRINTS as u64) ^ (code(q + 7) & code(q + 11) & code(q + 13))
            } else {
                code(1 << 40 | q)
            }
        })
        .collect()
}

fn build_index() -> SimIndex {
    let mut index = SimIndex::new(FINGERPRINTS);
    for i in 0..FINGERPRINTS {
        index.insert(i as u64, code(i as u64), &id(i));
    }
    index
}

fn main() {
    let k = DedupeConfig::default().near_duplicate_max_bits;
    let before = LIVE.load(Ordering::Relaxed);
    let index = build_index();
    let held = LIVE.load(Ordering::Relaxed) - before;
    println!("SimHash index with {FINGERPRINTS} fingerprints:");
    println!(
        "  memory: {held} bytes on the heap = {:.1} bytes per fingerprint (index's own count: {:.1})",
        held as f64 / FINGERPRINTS as f64,
        index.memory_bytes() as f64 / index.len() as f64
    );

    let qs = queries();
    for k in [k, 7, 15] {
        let started = Instant::now();
        let mut found = 0usize;
        let rounds = 5;
        for _ in 0..rounds {
            for &q in &qs {
                found += usize::from(index.nearest(black_box(q), k).is_some());
            }
        }
        let per = started.elapsed().as_secs_f64() * 1e6 / (rounds * qs.len()) as f64;
        println!(
            "  lookup at k = {k:>2} bits: {per:.2} µs per article ({} of {} queries matched){}",
            found / rounds,
            qs.len(),
            if k == DedupeConfig::default().near_duplicate_max_bits { "  <- default; target < 100 µs" } else { "" }
        );
    }
    println!();

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    for chunk in (0..FINGERPRINTS).collect::<Vec<_>>().chunks(10_000) {
        let commits: Vec<Commit> = chunk
            .iter()
            .map(|&i| Commit::Fingerprint { id: id(i), first_copy: id(i), simhash: code(i as u64) })
            .collect();
        store.apply(&commits).expect("apply");
    }
    let article = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/near_duplicates/s1-first-round-since-summer.txt"),
    )
    .expect("corpus story");

    let mut c = Criterion::default().configure_from_args();
    let mut n = 0usize;
    c.bench_function(&format!("SimIndex::nearest, {FINGERPRINTS} fingerprints, k = {k}"), |b| {
        b.iter(|| {
            n = (n + 1) % qs.len();
            index.nearest(black_box(qs[n]), k)
        })
    });
    c.bench_function(&format!("Store::near_duplicate, {FINGERPRINTS} fingerprints, k = {k}"), |b| {
        b.iter(|| {
            n = (n + 1) % qs.len();
            store.near_duplicate(black_box(qs[n]), k)
        })
    });
    c.bench_function("normalize::simhash of a 370-word article", |b| b.iter(|| simhash(black_box(&article))));
    c.final_summary();
}

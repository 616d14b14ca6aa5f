//! A bounded in-memory index of SimHashes answering "which stored fingerprint is
//! within `k` bits of this one?" without scanning them all.
//!
//! Multi-index hashing (Norouzi, Punjani & Fleet, 2012): the 64 bits are cut into
//! four 16-bit bands, each with its own table from band value to entries. If two
//! codes differ in at most `k` bits, then by the pigeonhole principle some band
//! differs in at most `⌊k/4⌋` bits, so probing every value within that radius of
//! each band finds every match: 4 probes for k ≤ 3, 4 × 17 for k ≤ 7, 4 × 137
//! for k ≤ 11. Candidates are then checked on the whole code. With 100,000
//! entries a bucket holds about 1.5 of them, so a k = 11 lookup checks ~800
//! codes instead of 100,000.
//!
//! Entries live in flat arrays (a slot per entry) with per-band singly linked
//! chains, and leave in insertion order: the oldest go first when the capacity
//! is reached or when they fall out of the time window. Entries arrive in commit
//! order, which is time order to within a batch, so insertion order is age order.

use std::collections::VecDeque;
use std::sync::OnceLock;

/// Bands per code.
const BANDS: usize = 4;
/// Bits per band.
const BAND_BITS: u32 = 16;
/// End of a chain.
const NONE: u32 = u32::MAX;
/// Largest Hamming distance a lookup accepts: radius 3 per band (4 × 697 probes), the bound the
/// configuration enforces.
pub const MAX_DISTANCE: u32 = crate::config::NEAR_DUPLICATE_MAX_BITS_LIMIT;

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The first copy the matching entry points to (an article id).
    pub first_copy: String,
    /// Differing bits.
    pub distance: u32,
    /// When the matching entry was added (Unix seconds).
    pub at: u64,
}

/// The index. Not synchronised: wrap it in a lock to share it.
pub struct SimIndex {
    capacity: usize,
    codes: Vec<u64>,
    /// Id of the first copy of the story, as the 128-bit number its 32 hex digits spell.
    firsts: Vec<u128>,
    /// Unix seconds when the entry was added (u32: good until 2106, and half the memory).
    times: Vec<u32>,
    /// Next slot in the same bucket, per band.
    next: Vec<[u32; BANDS]>,
    /// First slot of each bucket: band b, value v at `b << 16 | v`.
    heads: Vec<u32>,
    /// Live slots, oldest first.
    order: VecDeque<u32>,
    /// Slots to reuse.
    free: Vec<u32>,
}

impl SimIndex {
    /// An empty index holding at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            codes: Vec::new(),
            firsts: Vec::new(),
            times: Vec::new(),
            next: Vec::new(),
            heads: vec![NONE; BANDS << BAND_BITS],
            order: VecDeque::new(),
            free: Vec::new(),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The most entries it keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Change the capacity, dropping the oldest entries beyond it.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.len() > capacity {
            self.evict_oldest();
        }
    }

    /// Add `code`, added at `at` (Unix seconds), pointing to the story's first
    /// copy `first_copy` (a 32-hex-digit article id; anything else is refused and
    /// false returned). The oldest entry leaves when the index is full.
    pub fn insert(&mut self, at: u64, code: u64, first_copy: &str) -> bool {
        let Some(first) = parse_id(first_copy) else {
            return false;
        };
        if self.capacity == 0 {
            return false;
        }
        while self.len() >= self.capacity {
            self.evict_oldest();
        }
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        let slot = match self.free.pop() {
            Some(s) => {
                let i = s as usize;
                (self.codes[i], self.firsts[i], self.times[i]) = (code, first, at);
                s
            }
            None => {
                self.grow();
                self.codes.push(code);
                self.firsts.push(first);
                self.times.push(at);
                self.next.push([NONE; BANDS]);
                u32::try_from(self.codes.len() - 1).expect("fewer than 4 billion entries")
            }
        };
        for band in 0..BANDS {
            let head = &mut self.heads[bucket(band, band_value(code, band))];
            self.next[slot as usize][band] = *head;
            *head = slot;
        }
        self.order.push_back(slot);
        true
    }

    /// Drop the entries added before `cutoff` (Unix seconds).
    pub fn expire_before(&mut self, cutoff: u64) {
        while let Some(&oldest) = self.order.front() {
            if u64::from(self.times[oldest as usize]) >= cutoff {
                break;
            }
            self.evict_oldest();
        }
    }

    /// The entry closest to `code` within `max_distance` bits (capped at
    /// [`MAX_DISTANCE`]); among equally close ones, the oldest.
    pub fn nearest(&self, code: u64, max_distance: u32) -> Option<Match> {
        let max_distance = max_distance.min(MAX_DISTANCE);
        let masks = masks_within(max_distance / BANDS as u32);
        let mut best: Option<(u32, u32, u32)> = None; // (distance, time, slot)
        for band in 0..BANDS {
            let value = band_value(code, band);
            for &mask in masks {
                let mut slot = self.heads[bucket(band, value ^ mask)];
                while slot != NONE {
                    let i = slot as usize;
                    let distance = (self.codes[i] ^ code).count_ones();
                    if distance <= max_distance {
                        let candidate = (distance, self.times[i], slot);
                        if best.is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1)) {
                            best = Some(candidate);
                        }
                    }
                    slot = self.next[i][band];
                }
            }
        }
        best.map(|(distance, at, slot)| Match {
            first_copy: format!("{:032x}", self.firsts[slot as usize]),
            distance,
            at: u64::from(at),
        })
    }

    /// Bytes of memory held (allocated capacity, the fixed bucket heads included).
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        self.codes.capacity() * size_of::<u64>()
            + self.firsts.capacity() * size_of::<u128>()
            + self.times.capacity() * size_of::<u32>()
            + self.next.capacity() * size_of::<[u32; BANDS]>()
            + self.heads.capacity() * size_of::<u32>()
            + self.order.capacity() * size_of::<u32>()
            + self.free.capacity() * size_of::<u32>()
    }

    /// Make room for one more slot: double, as a `Vec` would, but never past the
    /// capacity, so a full index holds no slack (a quarter of its memory otherwise).
    fn grow(&mut self) {
        if self.codes.len() < self.codes.capacity() {
            return;
        }
        let more = self.codes.len().clamp(1024, 1 << 20).min(self.capacity.saturating_sub(self.codes.len()).max(1));
        self.codes.reserve_exact(more);
        self.firsts.reserve_exact(more);
        self.times.reserve_exact(more);
        self.next.reserve_exact(more);
        self.order.reserve_exact(more);
    }

    fn evict_oldest(&mut self) {
        let Some(slot) = self.order.pop_front() else {
            return;
        };
        let code = self.codes[slot as usize];
        for band in 0..BANDS {
            let b = bucket(band, band_value(code, band));
            let after = self.next[slot as usize][band];
            if self.heads[b] == slot {
                self.heads[b] = after;
                continue;
            }
            let mut at = self.heads[b];
            while at != NONE {
                let n = self.next[at as usize][band];
                if n == slot {
                    self.next[at as usize][band] = after;
                    break;
                }
                at = n;
            }
        }
        self.free.push(slot);
    }
}

fn band_value(code: u64, band: usize) -> u16 {
    (code >> (band as u32 * BAND_BITS)) as u16
}

fn bucket(band: usize, value: u16) -> usize {
    band << BAND_BITS | value as usize
}

fn parse_id(id: &str) -> Option<u128> {
    (id.len() == 32).then(|| u128::from_str_radix(id, 16).ok()).flatten()
}

/// Every 16-bit mask with at most `radius` bits set, fewest bits first.
fn masks_within(radius: u32) -> &'static [u16] {
    static BY_WEIGHT: OnceLock<Vec<u16>> = OnceLock::new();
    let all = BY_WEIGHT.get_or_init(|| {
        let mut v: Vec<u16> = (0..=u16::MAX).collect();
        v.sort_by_key(|m| m.count_ones());
        v
    });
    let n = all.partition_point(|m| m.count_ones() <= radius);
    &all[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u32) -> String {
        format!("{n:032x}")
    }

    /// A deterministic pseudo-random code (splitmix64).
    fn code(seed: u64) -> u64 {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Flip `bits` distinct bits of `c`, spread by `seed`.
    fn flip(c: u64, bits: u32, seed: u64) -> u64 {
        let mut out = c;
        let mut flipped = 0;
        let mut s = seed;
        while flipped < bits {
            s = code(s);
            let bit = 1u64 << (s % 64);
            if out & bit == c & bit {
                out ^= bit;
                flipped += 1;
            }
        }
        out
    }

    #[test]
    fn finds_exactly_what_a_linear_scan_finds() {
        let mut index = SimIndex::new(10_000);
        let codes: Vec<u64> = (0..5_000).map(code).collect();
        for (i, c) in codes.iter().enumerate() {
            assert!(index.insert(i as u64, *c, &id(i as u32)));
        }
        for k in [0, 3, 7, 11, 15] {
            for q in 0..300u64 {
                // Queries near stored codes (at distances 0..=k+2) and random ones.
                let base = codes[(q as usize * 13) % codes.len()];
                let query =
                    if q % 3 == 0 { code(1_000_000 + q) } else { flip(base, (q % (u64::from(k) + 3)) as u32, q) };
                let scan = codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ((c ^ query).count_ones(), i))
                    .filter(|(d, _)| *d <= k)
                    .min()
                    .map(|(d, i)| (d, id(i as u32)));
                let found = index.nearest(query, k).map(|m| (m.distance, m.first_copy));
                assert_eq!(found, scan, "k={k} q={q}");
            }
        }
    }

    #[test]
    fn the_oldest_leave_first_by_capacity_and_by_time() {
        let mut index = SimIndex::new(3);
        for i in 0..5u32 {
            index.insert(u64::from(i) * 10, code(u64::from(i)), &id(i));
        }
        assert_eq!(index.len(), 3);
        assert!(index.nearest(code(0), 0).is_none() && index.nearest(code(1), 0).is_none());
        assert_eq!(index.nearest(code(2), 0).unwrap().first_copy, id(2));
        index.expire_before(35);
        assert_eq!(index.len(), 1);
        assert_eq!(index.nearest(code(4), 0).unwrap().at, 40);
        // Freed slots are reused and chains stay consistent.
        for i in 5..20u32 {
            index.insert(100 + u64::from(i), code(u64::from(i)), &id(i));
        }
        assert_eq!(index.len(), 3);
        assert_eq!(index.nearest(code(19), 0).unwrap().first_copy, id(19));
        index.set_capacity(1);
        assert_eq!(index.len(), 1);
        assert!(index.nearest(code(18), 0).is_none());
    }

    #[test]
    fn the_closest_wins_then_the_oldest() {
        let mut index = SimIndex::new(10);
        let c = code(7);
        index.insert(1, flip(c, 5, 1), &id(1));
        index.insert(2, flip(c, 2, 2), &id(2));
        index.insert(3, flip(c, 2, 3), &id(3));
        assert_eq!(index.nearest(c, 11).unwrap().first_copy, id(2));
        assert_eq!(index.nearest(c, 1), None);
    }

    #[test]
    fn ids_that_are_not_article_ids_are_refused() {
        let mut index = SimIndex::new(10);
        assert!(!index.insert(1, 1, "not-an-id"));
        assert!(index.is_empty());
    }
}

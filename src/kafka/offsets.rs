//! Per-partition, in-order offset tracking for at-least-once delivery.
//!
//! Messages of a partition are coded concurrently and finish in any order; an offset may
//! be stored for commit only when every earlier message of its partition has finished
//! (its events, or its dead letter, acknowledged by the broker). The tracker answers
//! "up to which offset is everything done?" after each completion.

use std::collections::{BTreeSet, HashMap};

/// A partition of an input topic.
pub type Tp = (String, i32);

#[derive(Debug, Default)]
struct PartitionState {
    /// Offsets received and not finished.
    pending: BTreeSet<i64>,
    /// Highest offset finished.
    highest_done: Option<i64>,
    /// Highest offset already returned as storable.
    stored: Option<i64>,
    /// Highest storable offset already taken by [`OffsetTracker::take_storable`].
    taken: Option<i64>,
}

/// Tracks in-flight offsets of every assigned partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    parts: HashMap<Tp, PartitionState>,
}

impl OffsetTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// A message was received and is now in flight.
    pub fn start(&mut self, tp: &Tp, offset: i64) {
        let p = self.parts.entry(tp.clone()).or_default();
        if p.stored.is_none() && p.highest_done.is_none() && p.pending.is_empty() {
            // the partition's position: nothing before `offset` is ours to store
            p.stored = Some(offset - 1);
            p.taken = p.stored;
        }
        p.pending.insert(offset);
    }

    /// A message finished. Returns the offset to store for the partition (the last
    /// offset such that every received offset up to it is finished), if it advanced.
    /// A completion for a partition no longer tracked (revoked) returns `None`.
    pub fn finish(&mut self, tp: &Tp, offset: i64) -> Option<i64> {
        let p = self.parts.get_mut(tp)?;
        if !p.pending.remove(&offset) {
            return None;
        }
        p.highest_done = Some(p.highest_done.map_or(offset, |h| h.max(offset)));
        let frontier = match p.pending.first() {
            Some(&first) => first - 1,
            None => p.highest_done?,
        };
        if p.stored.is_none_or(|s| frontier > s) {
            p.stored = Some(frontier);
            Some(frontier)
        } else {
            None
        }
    }

    /// The partitions whose storable offset advanced since the last call, with that
    /// offset: what to hand to the consumer's offset store before a commit (one call per
    /// partition and commit, not one per message).
    pub fn take_storable(&mut self) -> Vec<(Tp, i64)> {
        let mut out = Vec::new();
        for (tp, p) in &mut self.parts {
            if let Some(s) = p.stored {
                if p.taken.is_none_or(|t| s > t) {
                    p.taken = Some(s);
                    out.push((tp.clone(), s));
                }
            }
        }
        out
    }

    /// Messages in flight for a partition.
    pub fn pending(&self, tp: &Tp) -> usize {
        self.parts.get(tp).map_or(0, |p| p.pending.len())
    }

    /// Messages in flight in total.
    pub fn total_pending(&self) -> usize {
        self.parts.values().map(|p| p.pending.len()).sum()
    }

    /// Forgets a revoked partition; its late completions are ignored.
    pub fn forget(&mut self, tp: &Tp) {
        self.parts.remove(tp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: i32) -> Tp {
        ("articles".to_string(), p)
    }

    #[test]
    fn stores_only_the_contiguous_prefix() {
        let mut t = OffsetTracker::new();
        for o in 10..15 {
            t.start(&tp(0), o);
        }
        // 12 finishes first: 10 and 11 are still in flight
        assert_eq!(t.finish(&tp(0), 12), None);
        assert_eq!(t.finish(&tp(0), 10), Some(10));
        assert_eq!(t.finish(&tp(0), 11), Some(12));
        assert_eq!(t.finish(&tp(0), 14), None);
        assert_eq!(t.finish(&tp(0), 13), Some(14));
        assert_eq!(t.total_pending(), 0);
    }

    #[test]
    fn partitions_are_independent() {
        let mut t = OffsetTracker::new();
        t.start(&tp(0), 0);
        t.start(&tp(1), 100);
        t.start(&tp(0), 1);
        assert_eq!(t.finish(&tp(1), 100), Some(100));
        assert_eq!(t.finish(&tp(0), 1), None);
        assert_eq!(t.pending(&tp(0)), 1);
        assert_eq!(t.finish(&tp(0), 0), Some(1));
    }

    #[test]
    fn revoked_partitions_ignore_late_completions() {
        let mut t = OffsetTracker::new();
        t.start(&tp(0), 5);
        t.forget(&tp(0));
        assert_eq!(t.finish(&tp(0), 5), None);
        // a re-assignment starts afresh
        t.start(&tp(0), 7);
        assert_eq!(t.finish(&tp(0), 7), Some(7));
    }

    #[test]
    fn storable_offsets_are_taken_once_per_advance() {
        let mut t = OffsetTracker::new();
        t.start(&tp(0), 10);
        t.start(&tp(0), 11);
        t.start(&tp(1), 3);
        // nothing finished yet: nothing to store (the position before 10 is not ours)
        assert!(t.take_storable().is_empty());
        t.finish(&tp(0), 11);
        assert!(t.take_storable().is_empty(), "11 is done but 10 is not");
        t.finish(&tp(0), 10);
        t.finish(&tp(1), 3);
        let mut taken = t.take_storable();
        taken.sort();
        assert_eq!(taken, vec![(tp(0), 11), (tp(1), 3)]);
        assert!(t.take_storable().is_empty(), "taken twice");
        t.start(&tp(0), 12);
        t.finish(&tp(0), 12);
        assert_eq!(t.take_storable(), vec![(tp(0), 12)]);
    }

    #[test]
    fn unknown_or_double_completion_is_ignored() {
        let mut t = OffsetTracker::new();
        t.start(&tp(0), 1);
        assert_eq!(t.finish(&tp(0), 2), None);
        assert_eq!(t.finish(&tp(0), 1), Some(1));
        assert_eq!(t.finish(&tp(0), 1), None);
    }
}

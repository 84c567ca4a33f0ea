//! The Kafka side of the worker: consumer context (rebalances, statistics), the
//! at-least-once pipeline, per-partition offset tracking, and replay ranges.
//!
//! Delivery: an input offset is stored for commit only after every event produced from
//! that article (or its dead letter) is acknowledged by the broker, and only when every
//! earlier message of the partition is done too ([`offsets::OffsetTracker`]). Stored
//! offsets are committed every `[kafka] commit_interval_ms`, on partition revocation (after draining the
//! revoked partitions' in-flight work) and on shutdown.

pub mod offsets;
pub mod range;
pub mod worker;

pub use worker::{run, run_file, FileInput, Progress, Source, Stop, WorkerConfig};

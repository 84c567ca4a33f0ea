//! Worker instrumentation: typed Prometheus metrics and the health flags.
//!
//! Every metric the worker exports is defined here and nowhere else. Callers never see a
//! metric name or a label string: they call a method
//! (`metrics.article_dead_lettered(DeadLetterReason::Decode)`), and the label values come
//! from enums or are clamped to a fixed set, so the number of series stays bounded
//! whatever the input. The only open-ended labels are `topic` and `partition`, which come
//! from the consumer's own assignment (a handful of topics, a fixed partition count), and
//! whose series are dropped when a partition is revoked ([`Metrics::remove_partition`]).
//!
//! [`Metrics::render`] produces the Prometheus text exposition format served on
//! `GET /metrics` by [`crate::http`]. [`Health`] holds the liveness and readiness flags
//! behind `GET /healthz` and `GET /readyz`.
//!
//! # Metrics
//!
//! | Name | Type | Labels | Meaning |
//! | --- | --- | --- | --- |
//! | `demarche_build_info` | gauge | `version` | Always 1; the `version` label is the crate version of the running binary. |
//! | `demarche_articles_consumed_total` | counter | | Articles (messages) received from the input topic. |
//! | `demarche_articles_coded_total` | counter | | Articles that went through the coder, with or without events. |
//! | `demarche_coding_seconds` | histogram | | Time the coder spent on one article (buckets 50 µs .. 1 s). |
//! | `demarche_events_per_article` | histogram | | Events coded from one article (buckets 0 .. 100). |
//! | `demarche_articles_without_events_total` | counter | | Coded articles that yielded no event. |
//! | `demarche_articles_dead_lettered_total` | counter | `reason` | Articles sent to the dead-letter topic; `reason` is `decode`, `schema`, `too_large`, `encoding`, `unsupported_language` or `coding_failed` (the dead-letter header value). |
//! | `demarche_events_produced_total` | counter | `root`, `quad_class` | Events produced to the output topic and acknowledged; `root` is the CAMEO root `01`..`20`, `quad_class` is `1`..`4`; anything else is `other`. |
//! | `demarche_end_to_end_latency_seconds` | histogram | | From the input message timestamp to the acknowledgement of the produced events (buckets 1 ms .. 5 min). |
//! | `demarche_in_flight_articles` | gauge | | Articles consumed but not yet finished (coded, produced and acknowledged, or dead-lettered). |
//! | `demarche_consumer_lag_messages` | gauge | `topic`, `partition` | High watermark minus the group's committed offset, per assigned partition (from librdkafka statistics). |
//! | `demarche_committed_offset` | gauge | `topic`, `partition` | Last offset committed to the group, per assigned partition. |
//! | `demarche_rebalances_total` | counter | `kind` | Consumer-group rebalance callbacks; `kind` is `assign`, `revoke` or `error`. |
//! | `demarche_assigned_partitions` | gauge | | Partitions currently assigned to this worker. |
//! | `demarche_producer_queue_messages` | gauge | | Messages waiting in the producer's queue (not yet acknowledged by the broker). |
//! | `demarche_errors_total` | counter | `kind` | Errors by kind: `broker`, `produce`, `commit`, `coding`, `internal`. |
//! | `demarche_replay_messages_done` | gauge | | Replay: messages processed so far. |
//! | `demarche_replay_messages_remaining` | gauge | | Replay: messages left before the replay's end offsets. |
//! | `demarche_replay_progress_ratio` | gauge | | Replay: done / (done + remaining), 0 .. 1 (1 when there is nothing to replay). |
//!
//! Labelled counters with enum labels (`reason`, `kind`) are created at zero for every
//! value at start-up, so `rate()` and alerts see a series before its first increment.

use prometheus::{
    Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Buckets of `demarche_coding_seconds`: 50 µs to 1 s.
const CODING_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0,
];

/// Buckets of `demarche_end_to_end_latency_seconds`: 1 ms to 5 min.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    120.0, 300.0,
];

/// Buckets of `demarche_events_per_article`.
const EVENTS_PER_ARTICLE_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0];

/// The CAMEO roots accepted as `root` label values.
const CAMEO_ROOTS: [&str; 20] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
    "17", "18", "19", "20",
];

/// The label value used for anything outside a bounded label's set.
const OTHER: &str = "other";

/// Why an article went to the dead-letter topic.
///
/// [`DeadLetterReason::as_str`] is both the `reason` label value and the value of the
/// dead-letter message's reason header (the wire contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadLetterReason {
    /// The payload is not valid JSON.
    Decode,
    /// Valid JSON that does not match the article schema.
    Schema,
    /// The article exceeds the configured size limit.
    TooLarge,
    /// The payload is not UTF-8 text.
    Encoding,
    /// The article's language is not one the coder handles.
    UnsupportedLanguage,
    /// The coder failed on the article (a bug, reported with the panic's message);
    /// also counted in `demarche_errors_total{kind="coding"}`.
    CodingFailed,
}

impl DeadLetterReason {
    /// Every reason, in declaration order.
    pub const ALL: [DeadLetterReason; 6] = [
        DeadLetterReason::Decode,
        DeadLetterReason::Schema,
        DeadLetterReason::TooLarge,
        DeadLetterReason::Encoding,
        DeadLetterReason::UnsupportedLanguage,
        DeadLetterReason::CodingFailed,
    ];

    /// The label and header value: `decode`, `schema`, `too_large`, `encoding`,
    /// `unsupported_language`, `coding_failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadLetterReason::Decode => "decode",
            DeadLetterReason::Schema => "schema",
            DeadLetterReason::TooLarge => "too_large",
            DeadLetterReason::Encoding => "encoding",
            DeadLetterReason::UnsupportedLanguage => "unsupported_language",
            DeadLetterReason::CodingFailed => "coding_failed",
        }
    }
}

/// Which consumer-group rebalance callback fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RebalanceKind {
    /// Partitions were assigned.
    Assign,
    /// Partitions were revoked.
    Revoke,
    /// The rebalance failed.
    Error,
}

impl RebalanceKind {
    /// Every kind, in declaration order.
    pub const ALL: [RebalanceKind; 3] = [
        RebalanceKind::Assign,
        RebalanceKind::Revoke,
        RebalanceKind::Error,
    ];

    /// The label value: `assign`, `revoke`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            RebalanceKind::Assign => "assign",
            RebalanceKind::Revoke => "revoke",
            RebalanceKind::Error => "error",
        }
    }
}

/// The kind of an error counted in `demarche_errors_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The broker or the client reported an error (connection, authentication, ...).
    Broker,
    /// Producing an event or a dead letter failed.
    Produce,
    /// Committing offsets failed.
    Commit,
    /// The coder failed on an article (a bug or a panic caught on its thread).
    Coding,
    /// Anything else that should not happen.
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Broker,
        ErrorKind::Produce,
        ErrorKind::Commit,
        ErrorKind::Coding,
        ErrorKind::Internal,
    ];

    /// The label value: `broker`, `produce`, `commit`, `coding`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Broker => "broker",
            ErrorKind::Produce => "produce",
            ErrorKind::Commit => "commit",
            ErrorKind::Coding => "coding",
            ErrorKind::Internal => "internal",
        }
    }
}

/// The worker's metrics: a private registry and one typed handle per metric.
///
/// Cheap to call from any thread (the handles are atomics behind `Arc`s); share it as
/// `Arc<Metrics>`.
pub struct Metrics {
    registry: Registry,
    articles_consumed: IntCounter,
    articles_coded: IntCounter,
    coding_seconds: Histogram,
    events_per_article: Histogram,
    articles_without_events: IntCounter,
    articles_dead_lettered: IntCounterVec,
    events_produced: IntCounterVec,
    end_to_end_latency: Histogram,
    in_flight: IntGauge,
    consumer_lag: IntGaugeVec,
    committed_offset: IntGaugeVec,
    rebalances: IntCounterVec,
    assigned_partitions: IntGauge,
    producer_queue: IntGauge,
    errors: IntCounterVec,
    replay_done: IntGauge,
    replay_remaining: IntGauge,
    replay_ratio: Gauge,
}

impl Metrics {
    /// Creates and registers every metric, and sets `demarche_build_info{version}` to 1.
    pub fn new() -> Metrics {
        let registry = Registry::new();

        let build_info = register(
            &registry,
            IntGaugeVec::new(
                Opts::new(
                    "demarche_build_info",
                    "Always 1; the version label is the version of the running binary.",
                ),
                &["version"],
            ),
        );
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);

        let articles_dead_lettered = register(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "demarche_articles_dead_lettered_total",
                    "Articles sent to the dead-letter topic, by reason.",
                ),
                &["reason"],
            ),
        );
        for reason in DeadLetterReason::ALL {
            articles_dead_lettered.with_label_values(&[reason.as_str()]);
        }

        let rebalances = register(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "demarche_rebalances_total",
                    "Consumer-group rebalance callbacks, by kind (assign, revoke, error).",
                ),
                &["kind"],
            ),
        );
        for kind in RebalanceKind::ALL {
            rebalances.with_label_values(&[kind.as_str()]);
        }

        let errors = register(
            &registry,
            IntCounterVec::new(
                Opts::new("demarche_errors_total", "Errors, by kind."),
                &["kind"],
            ),
        );
        for kind in ErrorKind::ALL {
            errors.with_label_values(&[kind.as_str()]);
        }

        Metrics {
            articles_consumed: register(
                &registry,
                IntCounter::new(
                    "demarche_articles_consumed_total",
                    "Articles received from the input topic.",
                ),
            ),
            articles_coded: register(
                &registry,
                IntCounter::new(
                    "demarche_articles_coded_total",
                    "Articles that went through the coder, with or without events.",
                ),
            ),
            coding_seconds: register(
                &registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "demarche_coding_seconds",
                        "Time the coder spent on one article.",
                    )
                    .buckets(CODING_BUCKETS.to_vec()),
                ),
            ),
            events_per_article: register(
                &registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "demarche_events_per_article",
                        "Events coded from one article.",
                    )
                    .buckets(EVENTS_PER_ARTICLE_BUCKETS.to_vec()),
                ),
            ),
            articles_without_events: register(
                &registry,
                IntCounter::new(
                    "demarche_articles_without_events_total",
                    "Coded articles that yielded no event.",
                ),
            ),
            articles_dead_lettered,
            events_produced: register(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "demarche_events_produced_total",
                        "Events produced and acknowledged, by CAMEO root and quad class.",
                    ),
                    &["root", "quad_class"],
                ),
            ),
            end_to_end_latency: register(
                &registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "demarche_end_to_end_latency_seconds",
                        "From the input message timestamp to the acknowledgement of its events.",
                    )
                    .buckets(LATENCY_BUCKETS.to_vec()),
                ),
            ),
            in_flight: register(
                &registry,
                IntGauge::new(
                    "demarche_in_flight_articles",
                    "Articles consumed but not yet finished.",
                ),
            ),
            consumer_lag: register(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        "demarche_consumer_lag_messages",
                        "High watermark minus consumer position, per assigned partition.",
                    ),
                    &["topic", "partition"],
                ),
            ),
            committed_offset: register(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        "demarche_committed_offset",
                        "Last offset committed to the group, per assigned partition.",
                    ),
                    &["topic", "partition"],
                ),
            ),
            rebalances,
            assigned_partitions: register(
                &registry,
                IntGauge::new(
                    "demarche_assigned_partitions",
                    "Partitions currently assigned to this worker.",
                ),
            ),
            producer_queue: register(
                &registry,
                IntGauge::new(
                    "demarche_producer_queue_messages",
                    "Messages waiting in the producer queue.",
                ),
            ),
            errors,
            replay_done: register(
                &registry,
                IntGauge::new(
                    "demarche_replay_messages_done",
                    "Replay: messages processed so far.",
                ),
            ),
            replay_remaining: register(
                &registry,
                IntGauge::new(
                    "demarche_replay_messages_remaining",
                    "Replay: messages left before the end offsets.",
                ),
            ),
            replay_ratio: register(
                &registry,
                Gauge::new(
                    "demarche_replay_progress_ratio",
                    "Replay: done / (done + remaining), 0 to 1.",
                ),
            ),
            registry,
        }
    }

    /// One article received from the input topic.
    pub fn article_consumed(&self) {
        self.articles_consumed.inc();
    }

    /// One article went through the coder, yielding `events` events in `coding_seconds`.
    ///
    /// Call it for every coded article, also those without events (which additionally
    /// get [`Metrics::article_without_events`]).
    pub fn article_coded(&self, events: usize, coding_seconds: f64) {
        self.articles_coded.inc();
        self.coding_seconds.observe(non_negative(coding_seconds));
        // usize -> f64 is exact for any realistic event count.
        self.events_per_article.observe(events as f64);
    }

    /// One coded article yielded no event.
    pub fn article_without_events(&self) {
        self.articles_without_events.inc();
    }

    /// One article went to the dead-letter topic.
    pub fn article_dead_lettered(&self, reason: DeadLetterReason) {
        self.articles_dead_lettered
            .with_label_values(&[reason.as_str()])
            .inc();
    }

    /// One event was produced and acknowledged.
    ///
    /// `cameo_root` outside `"01"`..`"20"` and `quad_class` outside 1..4 are counted
    /// under `other`, so bad input cannot create new series.
    pub fn event_produced(&self, cameo_root: &str, quad_class: u8) {
        self.events_produced
            .with_label_values(&[root_label(cameo_root), quad_class_label(quad_class)])
            .inc();
    }

    /// Seconds from an input message's timestamp to the acknowledgement of its events.
    ///
    /// Negative values (clock skew between the producer of the input and this host) and
    /// NaN are recorded as 0.
    pub fn end_to_end_latency(&self, seconds: f64) {
        self.end_to_end_latency.observe(non_negative(seconds));
    }

    /// Articles currently in flight (consumed, not yet finished).
    pub fn set_in_flight(&self, n: usize) {
        self.in_flight.set(saturating_i64(n));
    }

    /// Consumer lag of one assigned partition, in messages.
    pub fn set_consumer_lag(&self, topic: &str, partition: i32, lag: i64) {
        let partition = partition.to_string();
        self.consumer_lag
            .with_label_values(&[topic, partition.as_str()])
            .set(lag);
    }

    /// Drops the per-partition series (`demarche_consumer_lag_messages`,
    /// `demarche_committed_offset`) of a revoked partition. Unknown partitions are ignored.
    pub fn remove_partition(&self, topic: &str, partition: i32) {
        let partition = partition.to_string();
        let labels = [topic, partition.as_str()];
        // An error only means the series did not exist, which is fine.
        let _ = self.consumer_lag.remove_label_values(&labels);
        let _ = self.committed_offset.remove_label_values(&labels);
    }

    /// Last offset committed for one assigned partition.
    pub fn set_committed_offset(&self, topic: &str, partition: i32, offset: i64) {
        let partition = partition.to_string();
        self.committed_offset
            .with_label_values(&[topic, partition.as_str()])
            .set(offset);
    }

    /// One rebalance callback fired.
    pub fn rebalance(&self, kind: RebalanceKind) {
        self.rebalances.with_label_values(&[kind.as_str()]).inc();
    }

    /// Partitions currently assigned to this worker.
    pub fn set_assigned_partitions(&self, n: usize) {
        self.assigned_partitions.set(saturating_i64(n));
    }

    /// Messages waiting in the producer's queue.
    pub fn set_producer_queue(&self, messages: usize) {
        self.producer_queue.set(saturating_i64(messages));
    }

    /// One error of the given kind.
    pub fn error(&self, kind: ErrorKind) {
        self.errors.with_label_values(&[kind.as_str()]).inc();
    }

    /// Replay progress: messages done and remaining; also sets the ratio
    /// done / (done + remaining), which is 1 when both are 0.
    // For `demarche replay`, which is not wired yet; drop the allow once it calls this.
    #[allow(dead_code)]
    pub fn set_replay_progress(&self, done: u64, remaining: u64) {
        self.replay_done.set(saturating_i64(done));
        self.replay_remaining.set(saturating_i64(remaining));
        let total = done as f64 + remaining as f64;
        let ratio = if total > 0.0 {
            done as f64 / total
        } else {
            1.0
        };
        self.replay_ratio.set(ratio);
    }

    /// All metrics in the Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .unwrap_or_else(|err| {
                tracing::error!(error = %err, "cannot encode metrics");
                String::new()
            })
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Registers a freshly built metric and returns it.
///
/// Construction and registration can only fail on an invalid or duplicate definition, a
/// programming error that the unit tests catch, so this panics rather than returning one.
fn register<M>(registry: &Registry, metric: prometheus::Result<M>) -> M
where
    M: prometheus::core::Collector + Clone + 'static,
{
    let metric = metric.expect("metric definitions are valid");
    registry
        .register(Box::new(metric.clone()))
        .expect("metric names are unique");
    metric
}

/// The `root` label for a CAMEO root: itself if `"01"`..`"20"`, else `other`.
fn root_label(root: &str) -> &'static str {
    CAMEO_ROOTS
        .iter()
        .find(|known| **known == root)
        .copied()
        .unwrap_or(OTHER)
}

/// The `quad_class` label: `"1"`..`"4"`, else `other`.
fn quad_class_label(quad_class: u8) -> &'static str {
    match quad_class {
        1 => "1",
        2 => "2",
        3 => "3",
        4 => "4",
        _ => OTHER,
    }
}

/// `value`, or 0 when it is negative or NaN.
fn non_negative(value: f64) -> f64 {
    if value > 0.0 {
        value
    } else {
        0.0
    }
}

/// A count as a gauge value, saturating at `i64::MAX`.
fn saturating_i64<T: TryInto<i64>>(n: T) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// Liveness and readiness, shared by the worker and the HTTP endpoints.
///
/// Starts live and not ready (reason `starting`). The worker sets it ready once the
/// consumer has joined the group and the producer is up, and not ready with a reason
/// (`broker unreachable`, `shutting down`) when it cannot take work; it clears liveness
/// only when it is wedged and should be restarted.
pub struct Health {
    live: AtomicBool,
    ready: AtomicBool,
    reason: Mutex<String>,
}

impl Health {
    /// Live, not ready, reason `starting`.
    pub fn new() -> Health {
        Health {
            live: AtomicBool::new(true),
            ready: AtomicBool::new(false),
            reason: Mutex::new("starting".to_owned()),
        }
    }

    /// Sets readiness; `reason` says why the worker is not ready (ignored when ready).
    pub fn set_ready(&self, ready: bool, reason: &str) {
        let mut current = self.reason.lock().unwrap_or_else(PoisonError::into_inner);
        current.clear();
        if !ready {
            current.push_str(reason);
        }
        self.ready.store(ready, Ordering::SeqCst);
    }

    /// True when the worker can take work.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Why the worker is not ready; empty when it is ready.
    pub fn reason(&self) -> String {
        self.reason
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sets liveness; a process that is not live should be restarted.
    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
    }

    /// True while the process is live.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }
}

impl Default for Health {
    fn default() -> Self {
        Health::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the sample line that starts with `series ` in `text`.
    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map(|value| value.parse().expect("sample value is a number"))
    }

    #[test]
    fn every_metric_is_rendered_after_use() {
        let metrics = Metrics::new();
        metrics.article_consumed();
        metrics.article_coded(2, 0.003);
        metrics.article_without_events();
        metrics.article_dead_lettered(DeadLetterReason::TooLarge);
        metrics.event_produced("14", 4);
        metrics.end_to_end_latency(0.2);
        metrics.set_in_flight(7);
        metrics.set_consumer_lag("articles", 3, 42);
        metrics.set_committed_offset("articles", 3, 1000);
        metrics.rebalance(RebalanceKind::Assign);
        metrics.set_assigned_partitions(4);
        metrics.set_producer_queue(9);
        metrics.error(ErrorKind::Commit);
        metrics.set_replay_progress(25, 75);
        let text = metrics.render();

        for name in [
            "demarche_build_info",
            "demarche_articles_consumed_total",
            "demarche_articles_coded_total",
            "demarche_coding_seconds",
            "demarche_events_per_article",
            "demarche_articles_without_events_total",
            "demarche_articles_dead_lettered_total",
            "demarche_events_produced_total",
            "demarche_end_to_end_latency_seconds",
            "demarche_in_flight_articles",
            "demarche_consumer_lag_messages",
            "demarche_committed_offset",
            "demarche_rebalances_total",
            "demarche_assigned_partitions",
            "demarche_producer_queue_messages",
            "demarche_errors_total",
            "demarche_replay_messages_done",
            "demarche_replay_messages_remaining",
            "demarche_replay_progress_ratio",
        ] {
            assert!(text.contains(&format!("# TYPE {name} ")), "{name} missing");
        }

        let version = env!("CARGO_PKG_VERSION");
        let build_info = format!("demarche_build_info{{version=\"{version}\"}}");
        assert_eq!(sample(&text, &build_info), Some(1.0));
        assert_eq!(sample(&text, "demarche_articles_consumed_total"), Some(1.0));
        assert_eq!(sample(&text, "demarche_articles_coded_total"), Some(1.0));
        assert_eq!(
            sample(&text, "demarche_articles_without_events_total"),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                "demarche_articles_dead_lettered_total{reason=\"too_large\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                "demarche_events_produced_total{quad_class=\"4\",root=\"14\"}"
            ),
            Some(1.0)
        );
        assert_eq!(sample(&text, "demarche_in_flight_articles"), Some(7.0));
        assert_eq!(
            sample(
                &text,
                "demarche_consumer_lag_messages{partition=\"3\",topic=\"articles\"}"
            ),
            Some(42.0)
        );
        assert_eq!(
            sample(
                &text,
                "demarche_committed_offset{partition=\"3\",topic=\"articles\"}"
            ),
            Some(1000.0)
        );
        assert_eq!(
            sample(&text, "demarche_rebalances_total{kind=\"assign\"}"),
            Some(1.0)
        );
        assert_eq!(sample(&text, "demarche_assigned_partitions"), Some(4.0));
        assert_eq!(sample(&text, "demarche_producer_queue_messages"), Some(9.0));
        assert_eq!(
            sample(&text, "demarche_errors_total{kind=\"commit\"}"),
            Some(1.0)
        );
        assert_eq!(sample(&text, "demarche_replay_messages_done"), Some(25.0));
        assert_eq!(
            sample(&text, "demarche_replay_messages_remaining"),
            Some(75.0)
        );
        assert_eq!(sample(&text, "demarche_replay_progress_ratio"), Some(0.25));
    }

    #[test]
    fn enum_labelled_counters_start_at_zero() {
        let text = Metrics::new().render();
        for reason in DeadLetterReason::ALL {
            let series = format!(
                "demarche_articles_dead_lettered_total{{reason=\"{}\"}}",
                reason.as_str()
            );
            assert_eq!(sample(&text, &series), Some(0.0), "{series}");
        }
        for kind in RebalanceKind::ALL {
            let series = format!("demarche_rebalances_total{{kind=\"{}\"}}", kind.as_str());
            assert_eq!(sample(&text, &series), Some(0.0), "{series}");
        }
        for kind in ErrorKind::ALL {
            let series = format!("demarche_errors_total{{kind=\"{}\"}}", kind.as_str());
            assert_eq!(sample(&text, &series), Some(0.0), "{series}");
        }
    }

    #[test]
    fn dead_letter_reasons_match_the_header_contract() {
        let values: Vec<&str> = DeadLetterReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            values,
            [
                "decode",
                "schema",
                "too_large",
                "encoding",
                "unsupported_language",
                "coding_failed"
            ]
        );
    }

    #[test]
    fn produced_event_labels_are_bounded() {
        let metrics = Metrics::new();
        for root in ["01", "20"] {
            metrics.event_produced(root, 1);
        }
        for root in ["00", "21", "1", "014", "", "ab", "é"] {
            metrics.event_produced(root, 2);
        }
        for quad_class in [0, 5, 255] {
            metrics.event_produced("03", quad_class);
        }
        let text = metrics.render();
        let produced = |labels: &str| {
            sample(
                &text,
                &format!("demarche_events_produced_total{{{labels}}}"),
            )
        };
        assert_eq!(produced("quad_class=\"1\",root=\"01\""), Some(1.0));
        assert_eq!(produced("quad_class=\"1\",root=\"20\""), Some(1.0));
        assert_eq!(produced("quad_class=\"2\",root=\"other\""), Some(7.0));
        assert_eq!(produced("quad_class=\"other\",root=\"03\""), Some(3.0));
        let series = text
            .lines()
            .filter(|line| line.starts_with("demarche_events_produced_total{"))
            .count();
        assert_eq!(series, 4, "{text}");
    }

    #[test]
    fn root_labels_cover_exactly_the_cameo_roots() {
        for n in 1..=20 {
            let root = format!("{n:02}");
            assert_eq!(root_label(&root), root);
        }
        assert_eq!(root_label("00"), OTHER);
        assert_eq!(root_label("21"), OTHER);
        assert_eq!(quad_class_label(0), OTHER);
        assert_eq!(quad_class_label(4), "4");
    }

    #[test]
    fn histogram_observations_show_up() {
        let metrics = Metrics::new();
        metrics.article_coded(0, 0.000_07);
        metrics.article_coded(3, 0.02);
        metrics.article_coded(1, 5.0);
        metrics.end_to_end_latency(1.5);
        metrics.end_to_end_latency(-2.0);
        metrics.end_to_end_latency(f64::NAN);
        let text = metrics.render();

        assert_eq!(sample(&text, "demarche_coding_seconds_count"), Some(3.0));
        assert_eq!(
            sample(&text, "demarche_coding_seconds_bucket{le=\"0.00005\"}"),
            Some(0.0)
        );
        assert_eq!(
            sample(&text, "demarche_coding_seconds_bucket{le=\"0.0001\"}"),
            Some(1.0)
        );
        assert_eq!(
            sample(&text, "demarche_coding_seconds_bucket{le=\"1\"}"),
            Some(2.0)
        );
        assert_eq!(
            sample(&text, "demarche_coding_seconds_bucket{le=\"+Inf\"}"),
            Some(3.0)
        );
        let sum = sample(&text, "demarche_coding_seconds_sum").unwrap();
        assert!((sum - 5.020_07).abs() < 1e-9, "{sum}");

        assert_eq!(
            sample(&text, "demarche_events_per_article_bucket{le=\"0\"}"),
            Some(1.0)
        );
        assert_eq!(sample(&text, "demarche_events_per_article_sum"), Some(4.0));

        assert_eq!(
            sample(&text, "demarche_end_to_end_latency_seconds_count"),
            Some(3.0)
        );
        assert_eq!(
            sample(
                &text,
                "demarche_end_to_end_latency_seconds_bucket{le=\"0.001\"}"
            ),
            Some(2.0),
            "negative and NaN latencies count as 0"
        );
        assert_eq!(
            sample(
                &text,
                "demarche_end_to_end_latency_seconds_bucket{le=\"300\"}"
            ),
            Some(3.0)
        );
        assert_eq!(
            sample(&text, "demarche_end_to_end_latency_seconds_sum"),
            Some(1.5)
        );
    }

    #[test]
    fn bucket_bounds_match_the_documented_ranges() {
        assert_eq!(CODING_BUCKETS.first(), Some(&0.000_05));
        assert_eq!(CODING_BUCKETS.last(), Some(&1.0));
        assert_eq!(LATENCY_BUCKETS.first(), Some(&0.001));
        assert_eq!(LATENCY_BUCKETS.last(), Some(&300.0));
        for buckets in [CODING_BUCKETS, LATENCY_BUCKETS, EVENTS_PER_ARTICLE_BUCKETS] {
            assert!(buckets.windows(2).all(|w| w[0] < w[1]), "{buckets:?}");
        }
    }

    #[test]
    fn revoked_partitions_lose_their_series() {
        let metrics = Metrics::new();
        metrics.set_consumer_lag("articles", 0, 5);
        metrics.set_consumer_lag("articles", 1, 6);
        metrics.set_committed_offset("articles", 0, 10);
        metrics.set_committed_offset("articles", 1, 11);
        metrics.remove_partition("articles", 0);
        metrics.remove_partition("articles", 99); // never seen: ignored
        let text = metrics.render();
        assert!(!text.contains("partition=\"0\""), "{text}");
        assert_eq!(
            sample(
                &text,
                "demarche_consumer_lag_messages{partition=\"1\",topic=\"articles\"}"
            ),
            Some(6.0)
        );
        assert_eq!(
            sample(
                &text,
                "demarche_committed_offset{partition=\"1\",topic=\"articles\"}"
            ),
            Some(11.0)
        );
    }

    #[test]
    fn replay_ratio_handles_the_edges() {
        let metrics = Metrics::new();
        metrics.set_replay_progress(0, 0);
        assert_eq!(
            sample(&metrics.render(), "demarche_replay_progress_ratio"),
            Some(1.0)
        );
        metrics.set_replay_progress(0, 10);
        assert_eq!(
            sample(&metrics.render(), "demarche_replay_progress_ratio"),
            Some(0.0)
        );
        metrics.set_replay_progress(u64::MAX, 0);
        let text = metrics.render();
        assert_eq!(sample(&text, "demarche_replay_progress_ratio"), Some(1.0));
        assert_eq!(
            sample(&text, "demarche_replay_messages_done"),
            Some(i64::MAX as f64)
        );
    }

    #[test]
    fn gauges_follow_the_latest_value() {
        let metrics = Metrics::new();
        metrics.set_in_flight(10);
        metrics.set_in_flight(3);
        metrics.set_producer_queue(0);
        assert_eq!(
            sample(&metrics.render(), "demarche_in_flight_articles"),
            Some(3.0)
        );
        assert_eq!(
            sample(&metrics.render(), "demarche_producer_queue_messages"),
            Some(0.0)
        );
    }

    #[test]
    fn metrics_are_independent_per_instance() {
        let a = Metrics::new();
        let b = Metrics::new();
        a.article_consumed();
        assert_eq!(
            sample(&b.render(), "demarche_articles_consumed_total"),
            Some(0.0)
        );
    }

    #[test]
    fn health_transitions() {
        let health = Health::new();
        assert!(health.is_live());
        assert!(!health.is_ready());
        assert_eq!(health.reason(), "starting");

        health.set_ready(true, "ignored when ready");
        assert!(health.is_ready());
        assert_eq!(health.reason(), "");

        health.set_ready(false, "broker unreachable");
        assert!(!health.is_ready());
        assert_eq!(health.reason(), "broker unreachable");

        health.set_ready(false, "shutting down");
        assert_eq!(health.reason(), "shutting down");

        health.set_live(false);
        assert!(!health.is_live());
        health.set_live(true);
        assert!(health.is_live());
    }
}

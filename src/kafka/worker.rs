//! The worker loop: consume articles, code them on the blocking pool, produce events
//! and dead letters, store offsets in order, commit, and shut down cleanly.

use super::offsets::{OffsetTracker, Tp};
use super::range::{PartitionRange, TokenBucket};
use crate::export;
use crate::message::{code_guarded, decode_article, DecodeError, DecodeOptions};
use crate::metrics::{DeadLetterReason, ErrorKind, Health, Metrics, RebalanceKind};
use anyhow::{anyhow, Context as _, Result};
use demarche_coder::{Article, Coder, Event};
use futures::future::join_all;
use futures::FutureExt;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::statistics::Statistics;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

/// How the payload of an input message is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadFormat {
    /// A JSON object (CONTRACT.md input article).
    Json,
    /// The payload is the article text itself.
    Text,
}

/// Most messages coded in one hand-off to the blocking pool.
const BATCH: usize = 64;

/// Everything the worker needs to know, resolved from the configuration.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// librdkafka consumer properties (bootstrap, group, commit settings, pass-through).
    pub consumer: Vec<(String, String)>,
    /// librdkafka producer properties.
    pub producer: Vec<(String, String)>,
    /// What to read: subscribed topics (the live worker) or fixed partition ranges (a
    /// replay).
    pub source: Source,
    /// At most this many messages a second (replay `--rate`).
    pub rate: Option<f64>,
    /// Counters of finished work, for a replay's progress and summary.
    pub progress: Arc<Progress>,
    /// Topic for events.
    pub output_topic: String,
    /// Topic for dead letters.
    pub dead_letter_topic: String,
    /// Consumer group (for the dead-letter header).
    pub group_id: String,
    /// Articles read but not finished, at most.
    pub max_in_flight: usize,
    /// Larger payloads are dead-lettered as `too_large`.
    pub max_article_bytes: usize,
    /// JSON field names.
    pub decode: DecodeOptions,
    /// JSON or plain text payloads.
    pub format: PayloadFormat,
    /// How long to wait for in-flight work on revoke and shutdown.
    pub drain_timeout: Duration,
    /// How often stored offsets are committed.
    pub commit_interval: Duration,
    /// Encoding of the event messages (`[output] format`).
    pub output_format: export::Format,
    /// Event ontology of JSON event messages (`[output] ontology`).
    pub output_ontology: export::Ontology,
}

/// Where the worker reads its input.
#[derive(Debug, Clone)]
pub enum Source {
    /// Join the consumer group on these topics; run until shut down.
    Subscribe(Vec<String>),
    /// Read these partition ranges directly (no group membership, progress still
    /// committed under the group id); stop when every range is done.
    Assign(Vec<PartitionRange>),
}

/// Finished work, counted when a message's outputs are acknowledged.
#[derive(Debug, Default)]
pub struct Progress {
    /// Messages finished (coded and delivered, or dead-lettered).
    pub done: AtomicU64,
    /// Events acknowledged by the broker.
    pub events: AtomicU64,
    /// Dead letters acknowledged by the broker.
    pub dead_letters: AtomicU64,
    /// Payload bytes of the finished messages.
    pub bytes: AtomicU64,
}

/// Why [`run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Shutdown was requested (signal, `--run-for`).
    Requested,
    /// Every partition range of a [`Source::Assign`] was read to its end.
    RangeDone,
}

/// State shared by the loop, the message tasks and the consumer callbacks.
struct Shared {
    tracker: Mutex<OffsetTracker>,
    /// Last offset stored for commit, per partition (for the committed-offset gauge).
    stored: Mutex<std::collections::HashMap<Tp, i64>>,
    drained: Condvar,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    drain_timeout: Duration,
}

impl Shared {
    fn new(metrics: Arc<Metrics>, health: Arc<Health>, drain_timeout: Duration) -> Arc<Shared> {
        Arc::new(Shared {
            tracker: Mutex::new(OffsetTracker::new()),
            stored: Mutex::new(HashMap::new()),
            drained: Condvar::new(),
            metrics,
            health,
            drain_timeout,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetTracker> {
        self.tracker.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Consumer callbacks: statistics (lag, broker state), errors, rebalances, commits.
struct Ctx {
    shared: Arc<Shared>,
}

impl ClientContext for Ctx {
    fn stats(&self, s: Statistics) {
        let m = &self.shared.metrics;
        for (topic, t) in &s.topics {
            for (p, part) in &t.partitions {
                if *p >= 0 && part.consumer_lag >= 0 {
                    m.set_consumer_lag(topic, *p, part.consumer_lag);
                }
            }
        }
        let up = s.brokers.values().any(|b| b.state == "UP");
        if up {
            self.shared.health.set_ready(true, "");
        } else if !s.brokers.is_empty() {
            self.shared.health.set_ready(false, "no broker connection");
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.shared.metrics.error(ErrorKind::Broker);
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown) {
            self.shared.health.set_ready(false, "all brokers down");
        }
        tracing::warn!(%error, reason, "kafka client error");
    }
}

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let m = &self.shared.metrics;
        match rebalance {
            Rebalance::Assign(tpl) => {
                m.rebalance(RebalanceKind::Assign);
                tracing::info!(partitions = tpl.count(), "partitions assigned");
            }
            Rebalance::Revoke(tpl) => {
                m.rebalance(RebalanceKind::Revoke);
                let revoked: Vec<Tp> = tpl
                    .elements()
                    .iter()
                    .map(|e| (e.topic().to_string(), e.partition()))
                    .collect();
                // drain the revoked partitions' in-flight work, bounded by the timeout
                let deadline = Instant::now() + self.shared.drain_timeout;
                let mut tracker = self.shared.lock();
                while revoked.iter().any(|tp| tracker.pending(tp) > 0) {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        tracing::warn!(
                            "drain timeout on revoke: in-flight articles will be re-delivered"
                        );
                        break;
                    }
                    tracker = self
                        .shared
                        .drained
                        .wait_timeout(tracker, left)
                        .map(|(g, _)| g)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
                // what finished goes to the offset store before the commit below
                drop(tracker);
                store_finished(consumer, &self.shared);
                let mut tracker = self.shared.lock();
                for tp in &revoked {
                    tracker.forget(tp);
                    m.remove_partition(&tp.0, tp.1);
                }
                self.shared
                    .stored
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .retain(|tp, _| !revoked.contains(tp));
                drop(tracker);
                match consumer.commit_consumer_state(CommitMode::Sync) {
                    Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
                    Err(e) => {
                        m.error(ErrorKind::Commit);
                        tracing::warn!(error = %e, "commit on revoke failed");
                    }
                }
                tracing::info!(partitions = revoked.len(), "partitions revoked");
            }
            Rebalance::Error(e) => {
                m.rebalance(RebalanceKind::Error);
                tracing::warn!(error = %e, "rebalance error");
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, _rebalance: &Rebalance<'_>) {
        if let Ok(a) = consumer.assignment() {
            self.shared.metrics.set_assigned_partitions(a.count());
        }
    }

    fn commit_callback(
        &self,
        result: rdkafka::error::KafkaResult<()>,
        offsets: &TopicPartitionList,
    ) {
        if result.is_ok() {
            for e in offsets.elements() {
                if let rdkafka::Offset::Offset(o) = e.offset() {
                    self.shared
                        .metrics
                        .set_committed_offset(e.topic(), e.partition(), o);
                }
            }
        }
    }
}

type Consumer_ = StreamConsumer<Ctx>;

/// What coding one message gave.
enum Outcome {
    Events(Vec<Event>, f64),
    DeadLetter(DeadLetterReason, String),
}

/// Runs the worker until `shutdown` is cancelled, a fatal error occurs, or (replay) every
/// partition range is read to its end. On the way out: readiness off, no more
/// consumption, in-flight work drained (bounded by the drain timeout on shutdown; a
/// finished range waits for all of it), offsets stored and committed, the producer
/// flushed.
pub async fn run(
    cfg: WorkerConfig,
    coder: Arc<Coder>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> Result<Stop> {
    let shared = Shared::new(metrics.clone(), health.clone(), cfg.drain_timeout);
    let mut cc = ClientConfig::new();
    for (k, v) in &cfg.consumer {
        cc.set(k, v);
    }
    let consumer: Arc<Consumer_> = Arc::new(
        cc.create_with_context(Ctx {
            shared: shared.clone(),
        })
        .context("cannot create the Kafka consumer")?,
    );
    // replay: the partitions still open, with their end offsets
    let mut open: Option<HashMap<Tp, i64>> = None;
    match &cfg.source {
        Source::Subscribe(topics) => {
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            consumer
                .subscribe(&topics)
                .with_context(|| format!("cannot subscribe to {topics:?}"))?;
            tracing::info!(?topics, output = %cfg.output_topic, "worker started");
        }
        Source::Assign(ranges) => {
            let mut tpl = TopicPartitionList::new();
            let mut ends = HashMap::new();
            for r in ranges.iter().filter(|r| !r.is_empty()) {
                tpl.add_partition_offset(&r.topic, r.partition, Offset::Offset(r.start))
                    .with_context(|| {
                        format!(
                            "bad start offset {} for {}/{}",
                            r.start, r.topic, r.partition
                        )
                    })?;
                ends.insert((r.topic.clone(), r.partition), r.end);
            }
            if !ends.is_empty() {
                consumer
                    .assign(&tpl)
                    .context("cannot assign the replay partitions")?;
            }
            metrics.set_assigned_partitions(ends.len());
            tracing::info!(partitions = ends.len(), output = %cfg.output_topic, "replay started");
            open = Some(ends);
        }
    }
    let producer = create_producer(&cfg)?;
    let cfg = Arc::new(cfg);
    let job = Arc::new(Job {
        cfg: cfg.clone(),
        coder,
        producer: producer.clone(),
        shared: shared.clone(),
    });
    let permits = Arc::new(Semaphore::new(cfg.max_in_flight));
    let fatal = CancellationToken::new();
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let mut tick = tokio::time::interval(cfg.commit_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut bucket = cfg.rate.map(TokenBucket::new);
    let mut stop = Stop::Requested;
    let all_closed = |open: &Option<HashMap<Tp, i64>>| open.as_ref().is_some_and(HashMap::is_empty);

    'main: loop {
        if all_closed(&open) {
            stop = Stop::RangeDone;
            break;
        }
        // replay --rate: a token for the next message
        if let Some(b) = bucket.as_mut() {
            loop {
                let w = b.wait();
                if w.is_zero() {
                    break;
                }
                tokio::select! {
                    _ = shutdown.cancelled() => break 'main,
                    _ = fatal.cancelled() => break 'main,
                    _ = tokio::time::sleep(w) => {}
                }
            }
            b.try_take();
        }
        // a permit (bounded in-flight work) and a message, committing while waiting
        let permit = loop {
            tokio::select! {
                _ = shutdown.cancelled() => break 'main,
                _ = fatal.cancelled() => break 'main,
                _ = tick.tick() => housekeeping(&consumer, &producer, &shared, open.as_mut()),
                p = permits.clone().acquire_owned() => match p {
                    Ok(p) => break p,
                    Err(_) => break 'main,
                },
            }
        };
        let msg = loop {
            tokio::select! {
                _ = shutdown.cancelled() => break 'main,
                _ = fatal.cancelled() => break 'main,
                _ = tick.tick() => {
                    housekeeping(&consumer, &producer, &shared, open.as_mut());
                    if all_closed(&open) {
                        continue 'main;
                    }
                }
                m = consumer.recv() => break m,
            }
        };
        let msg = match msg {
            Ok(m) => m,
            Err(e) => {
                metrics.error(ErrorKind::Broker);
                tracing::warn!(error = %e, "consume error");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if !admit(
            &mut open,
            &consumer,
            msg.topic(),
            msg.partition(),
            msg.offset(),
        ) {
            if let Some(b) = bucket.as_mut() {
                b.refund();
            }
            continue;
        }
        // take whatever else is ready now (up to BATCH, within the permits and the
        // rate): one hand-off to the coding pool per batch, not per message
        let mut batch = vec![(msg.detach(), permit)];
        while batch.len() < BATCH && !all_closed(&open) {
            if let Some(b) = bucket.as_mut() {
                if !b.try_take() {
                    break;
                }
            }
            let next = match permits.clone().try_acquire_owned() {
                Ok(p) => consumer.recv().now_or_never().map(|m| (m, p)),
                Err(_) => None,
            };
            match next {
                Some((Ok(m), p))
                    if admit(&mut open, &consumer, m.topic(), m.partition(), m.offset()) =>
                {
                    batch.push((m.detach(), p))
                }
                Some((Ok(_), _)) => {
                    if let Some(b) = bucket.as_mut() {
                        b.refund();
                    }
                }
                _ => {
                    if let Some(b) = bucket.as_mut() {
                        b.refund();
                    }
                    break;
                }
            }
        }
        let mut msgs = Vec::with_capacity(batch.len());
        for (m, p) in batch {
            let tp: Tp = (m.topic().to_string(), m.partition());
            shared.lock().start(&tp, m.offset());
            metrics.article_consumed();
            msgs.push((m, tp, p));
        }
        spawn_batch(job.clone(), msgs, fatal.clone(), failure.clone());
    }

    // shut down: stop consuming, drain, store, commit, flush
    health.set_ready(false, "shutting down");
    let deadline = drain(&shared, &fatal, &shutdown, cfg.drain_timeout, &mut stop).await;
    store_finished(consumer.as_ref(), &shared);
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => publish_committed(&shared),
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(e) => {
            metrics.error(ErrorKind::Commit);
            tracing::warn!(error = %e, "final commit failed");
        }
    }
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_secs(1));
    if let Err(e) = producer.flush(left) {
        tracing::warn!(error = %e, "producer flush incomplete");
    }
    if matches!(cfg.source, Source::Subscribe(_)) {
        consumer.unsubscribe();
    }
    let failure = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    match failure {
        Some(f) => Err(anyhow!("{f}")),
        None => {
            tracing::info!(?stop, "worker stopped cleanly");
            Ok(stop)
        }
    }
}

/// Waits for the in-flight work: all of it after a finished range (a producer failure
/// ends the wait as fatal), at most the drain timeout once shutdown is requested (also
/// when the request comes during the wait, which turns `stop` into `Requested`).
/// Returns the deadline the rest of the shutdown (commit, flush) keeps to.
async fn drain(
    shared: &Shared,
    fatal: &CancellationToken,
    shutdown: &CancellationToken,
    timeout: Duration,
    stop: &mut Stop,
) -> Instant {
    let mut deadline = (*stop == Stop::Requested).then(|| Instant::now() + timeout);
    loop {
        let pending = shared.lock().total_pending();
        shared.metrics.set_in_flight(pending);
        if pending == 0 || fatal.is_cancelled() {
            break;
        }
        if deadline.is_none() && shutdown.is_cancelled() {
            *stop = Stop::Requested;
            deadline = Some(Instant::now() + timeout);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            tracing::warn!(
                pending,
                "drain timeout: in-flight articles will be re-delivered"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    deadline.unwrap_or_else(|| Instant::now() + timeout)
}

/// A JSONL archive to replay: lines `start..end` of `reader`, named `label`.
pub struct FileInput {
    /// The file's contents.
    pub reader: Box<dyn BufRead + Send>,
    /// The file's name, for dead letters and fallback article ids.
    pub label: String,
    /// First line (0-based).
    pub start: i64,
    /// One past the last line; `None`: to the end.
    pub end: Option<i64>,
}

/// Replays articles from a JSONL file (one article per line) instead of a topic: the
/// lines `start..end` (0-based; `end` exclusive, `None`: to the end of the file) are
/// coded and their events produced like a topic's messages. Line `i` stands for offset
/// `i` of partition 0 of `label` (so dead letters and fallback article ids name the file
/// and the line). No offsets are committed: a file replay cannot be resumed.
pub async fn run_file(
    cfg: WorkerConfig,
    input: FileInput,
    coder: Arc<Coder>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: CancellationToken,
) -> Result<Stop> {
    let shared = Shared::new(metrics.clone(), health.clone(), cfg.drain_timeout);
    let producer = create_producer(&cfg)?;
    let cfg = Arc::new(cfg);
    let job = Arc::new(Job {
        cfg: cfg.clone(),
        coder,
        producer: producer.clone(),
        shared: shared.clone(),
    });
    let permits = Arc::new(Semaphore::new(cfg.max_in_flight));
    let fatal = CancellationToken::new();
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let mut bucket = cfg.rate.map(TokenBucket::new);
    let FileInput {
        reader,
        label,
        start,
        end,
    } = input;
    let tp: Tp = (label, 0);
    let mut lines = reader.split(b'\n');
    let mut line_no: i64 = -1;
    let mut eof = false;
    let mut stop = Stop::RangeDone;
    tracing::info!(file = %tp.0, output = %cfg.output_topic, "file replay started");
    'main: loop {
        let mut msgs = Vec::new();
        while msgs.len() < BATCH {
            if end.is_some_and(|e| line_no + 1 >= e) {
                eof = true;
                break;
            }
            if shutdown.is_cancelled() || fatal.is_cancelled() {
                stop = Stop::Requested;
                break;
            }
            if let Some(b) = bucket.as_mut() {
                loop {
                    let w = b.wait();
                    if w.is_zero() {
                        break;
                    }
                    if !msgs.is_empty() {
                        break;
                    }
                    tokio::select! {
                        _ = shutdown.cancelled() => { stop = Stop::Requested; break 'main }
                        _ = fatal.cancelled() => break 'main,
                        _ = tokio::time::sleep(w) => {}
                    }
                }
                if !b.try_take() {
                    break;
                }
            }
            let permit = match permits.clone().try_acquire_owned() {
                Ok(p) => p,
                Err(_) if msgs.is_empty() => tokio::select! {
                    _ = shutdown.cancelled() => { stop = Stop::Requested; break 'main }
                    _ = fatal.cancelled() => break 'main,
                    p = permits.clone().acquire_owned() => p.map_err(|_| anyhow!("closed"))?,
                },
                Err(_) => break,
            };
            let Some(line) = lines.next() else {
                eof = true;
                break;
            };
            let mut line = line.with_context(|| format!("cannot read {}", tp.0))?;
            line_no += 1;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line_no < start || line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let m = OwnedMessage::new(
                Some(line),
                None,
                tp.0.clone(),
                rdkafka::Timestamp::NotAvailable,
                0,
                line_no,
                None,
            );
            shared.lock().start(&tp, line_no);
            metrics.article_consumed();
            msgs.push((m, tp.clone(), permit));
        }
        if !msgs.is_empty() {
            spawn_batch(job.clone(), msgs, fatal.clone(), failure.clone());
        } else if !eof {
            // nothing taken: shutdown or a failure
            break;
        }
        if eof {
            break;
        }
    }
    if shutdown.is_cancelled() {
        stop = Stop::Requested;
    }
    let deadline = drain(&shared, &fatal, &shutdown, cfg.drain_timeout, &mut stop).await;
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_secs(1));
    if let Err(e) = producer.flush(left) {
        tracing::warn!(error = %e, "producer flush incomplete");
    }
    let failure = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    match failure {
        Some(f) => Err(anyhow!("{f}")),
        None => Ok(stop),
    }
}

/// The idempotent producer for events and dead letters.
fn create_producer(cfg: &WorkerConfig) -> Result<FutureProducer> {
    let mut pc = ClientConfig::new();
    for (k, v) in &cfg.producer {
        pc.set(k, v);
    }
    pc.create().context("cannot create the Kafka producer")
}

/// Codes and delivers a batch on its own task; a delivery failure stops the worker.
fn spawn_batch(
    job: Arc<Job>,
    msgs: Vec<(OwnedMessage, Tp, OwnedSemaphorePermit)>,
    fatal: CancellationToken,
    failure: Arc<Mutex<Option<String>>>,
) {
    tokio::spawn(async move {
        if let Err(e) = job.process_batch(msgs).await {
            job.shared.metrics.error(ErrorKind::Produce);
            let mut failure = failure.lock().unwrap_or_else(|e| e.into_inner());
            // the first failure stops the worker; later ones are its echoes
            if failure.is_none() {
                tracing::error!(error = %format!("{e:#}"), "stopping: a message could not be delivered");
                *failure = Some(format!("{e:#}"));
            } else {
                tracing::debug!(error = %format!("{e:#}"), "another delivery failure");
            }
            fatal.cancel();
        }
    });
}

/// Replay: whether to code this message. A partition is closed (and paused) at its end
/// offset; messages at or past it are not coded. Always true for the live worker.
fn admit(
    open: &mut Option<HashMap<Tp, i64>>,
    consumer: &Consumer_,
    topic: &str,
    partition: i32,
    offset: i64,
) -> bool {
    let Some(open) = open else { return true };
    let tp: Tp = (topic.to_string(), partition);
    let Some(&end) = open.get(&tp) else {
        return false;
    };
    if offset + 1 >= end {
        close_partition(open, consumer, &tp);
    }
    offset < end
}

/// Replay: a partition reached its end; stop fetching it.
fn close_partition(open: &mut HashMap<Tp, i64>, consumer: &Consumer_, tp: &Tp) {
    if open.remove(tp).is_some() {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(&tp.0, tp.1);
        if let Err(e) = consumer.pause(&tpl) {
            tracing::debug!(error = %e, topic = %tp.0, partition = tp.1, "cannot pause");
        }
        tracing::debug!(topic = %tp.0, partition = tp.1, "replay range done");
    }
}

/// One message's work and the handles it needs.
struct Job {
    cfg: Arc<WorkerConfig>,
    coder: Arc<Coder>,
    producer: FutureProducer,
    shared: Arc<Shared>,
}

impl Job {
    /// Codes a batch of messages in one blocking call, then delivers each message's
    /// output; each message's offset is finished, and its in-flight permit released, on
    /// its own acknowledgements (a slow message does not hold back its batch's permits).
    async fn process_batch(
        &self,
        msgs: Vec<(OwnedMessage, Tp, OwnedSemaphorePermit)>,
    ) -> Result<()> {
        // the messages go to the blocking pool and come back with their outcomes (no
        // copy of the payloads)
        let (msgs, outcomes) = {
            let cfg = self.cfg.clone();
            let coder = self.coder.clone();
            tokio::task::spawn_blocking(move || {
                let outcomes: Vec<Outcome> = msgs
                    .iter()
                    .map(|(m, tp, _)| {
                        code_payload(
                            &cfg,
                            &coder,
                            m.payload().unwrap_or_default(),
                            || format!("{}/{}/{}", tp.0, tp.1, m.offset()),
                            m.timestamp().to_millis(),
                        )
                    })
                    .collect();
                (msgs, outcomes)
            })
            .await
            .context("coding task failed")?
        };
        let results = join_all(msgs.into_iter().zip(outcomes).map(
            |((msg, tp, permit), outcome)| async move {
                let r = self.deliver(msg, tp, outcome).await;
                drop(permit);
                r
            },
        ))
        .await;
        results.into_iter().collect()
    }

    async fn deliver(&self, msg: OwnedMessage, tp: Tp, outcome: Outcome) -> Result<()> {
        let offset = msg.offset();
        let ts_ms = msg.timestamp().to_millis();
        let m = &self.shared.metrics;
        match outcome {
            Outcome::Events(events, secs) => {
                m.article_coded(events.len(), secs);
                if events.is_empty() {
                    m.article_without_events();
                }
                let mut acks = Vec::with_capacity(events.len());
                let (part, off) = (tp.1.to_string(), offset.to_string());
                for e in &events {
                    let value = export::to_vec(self.cfg.output_format, self.cfg.output_ontology, e)
                        .context("cannot encode an event")?;
                    let headers = OwnedHeaders::new()
                        .insert(Header {
                            key: "demarche.article.id",
                            value: Some(e.article_id.as_bytes()),
                        })
                        .insert(Header {
                            key: "demarche.input.topic",
                            value: Some(tp.0.as_bytes()),
                        })
                        .insert(Header {
                            key: "demarche.input.partition",
                            value: Some(part.as_bytes()),
                        })
                        .insert(Header {
                            key: "demarche.input.offset",
                            value: Some(off.as_bytes()),
                        });
                    let rec = FutureRecord::to(&self.cfg.output_topic)
                        .key(e.event_id.as_bytes())
                        .payload(&value)
                        .headers(headers);
                    acks.push(self.enqueue(rec).await?);
                }
                for (ack, e) in join_all(acks).await.into_iter().zip(&events) {
                    match ack {
                        Ok(Ok(_)) => {
                            m.event_produced(&e.action.root, e.action.quad_class);
                            self.cfg.progress.events.fetch_add(1, Relaxed);
                        }
                        Ok(Err((err, _))) => {
                            return Err(anyhow!(
                                "event {} of {} not delivered: {err}",
                                e.event_id,
                                e.article_id
                            ))
                        }
                        Err(_) => {
                            return Err(anyhow!(
                                "event {} of {}: delivery cancelled",
                                e.event_id,
                                e.article_id
                            ))
                        }
                    }
                }
                if let (Some(ts), false) = (ts_ms, events.is_empty()) {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_millis() as i64)
                        .unwrap_or(ts);
                    m.end_to_end_latency(((now - ts).max(0) as f64) / 1000.0);
                }
            }
            Outcome::DeadLetter(reason, message) => {
                if reason == DeadLetterReason::CodingFailed {
                    m.error(ErrorKind::Coding);
                }
                let ts = ts_ms.map(|t| t.to_string()).unwrap_or_default();
                let part = tp.1.to_string();
                let off = offset.to_string();
                let headers = OwnedHeaders::new()
                    .insert(Header {
                        key: "demarche.error.reason",
                        value: Some(reason.as_str().as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.error.message",
                        value: Some(message.as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.original.topic",
                        value: Some(tp.0.as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.original.partition",
                        value: Some(part.as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.original.offset",
                        value: Some(off.as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.original.timestamp",
                        value: Some(ts.as_bytes()),
                    })
                    .insert(Header {
                        key: "demarche.consumer.group",
                        value: Some(self.cfg.group_id.as_bytes()),
                    });
                let headers = copy_original_headers(&msg, headers);
                let mut rec: FutureRecord<'_, [u8], [u8]> =
                    FutureRecord::to(&self.cfg.dead_letter_topic).headers(headers);
                if let Some(k) = msg.key() {
                    rec = rec.key(k);
                }
                if let Some(p) = msg.payload() {
                    rec = rec.payload(p);
                }
                let ack = self.enqueue(rec).await?;
                match ack.await {
                    Ok(Ok(_)) => {
                        m.article_dead_lettered(reason);
                        self.cfg.progress.dead_letters.fetch_add(1, Relaxed);
                    }
                    Ok(Err((err, _))) => {
                        return Err(anyhow!(
                            "dead letter for {}/{}/{offset} not delivered: {err}",
                            tp.0,
                            tp.1
                        ))
                    }
                    Err(_) => {
                        return Err(anyhow!(
                            "dead letter for {}/{}/{offset}: delivery cancelled",
                            tp.0,
                            tp.1
                        ))
                    }
                }
            }
        }
        // every output of this message is acknowledged: its offset may be stored
        let p = &self.cfg.progress;
        p.done.fetch_add(1, Relaxed);
        p.bytes
            .fetch_add(msg.payload().map_or(0, <[u8]>::len) as u64, Relaxed);
        // the offset reaches the consumer's store at the next commit (store_finished)
        self.shared.lock().finish(&tp, offset);
        self.shared.drained.notify_all();
        Ok(())
    }

    /// Enqueues a record, waiting while the producer queue is full.
    async fn enqueue<K, P>(
        &self,
        mut rec: FutureRecord<'_, K, P>,
    ) -> Result<rdkafka::producer::DeliveryFuture>
    where
        K: rdkafka::message::ToBytes + ?Sized,
        P: rdkafka::message::ToBytes + ?Sized,
    {
        loop {
            match self.producer.send_result(rec) {
                Ok(f) => return Ok(f),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    rec = r;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((e, _)) => return Err(anyhow!("cannot enqueue a message: {e}")),
            }
        }
    }
}

/// Keeps the original message's own headers on its dead letter (after ours).
fn copy_original_headers(msg: &OwnedMessage, mut headers: OwnedHeaders) -> OwnedHeaders {
    if let Some(h) = msg.headers() {
        for i in 0..h.count() {
            let x = h.get(i);
            if !x.key.starts_with("demarche.") {
                headers = headers.insert(Header {
                    key: x.key,
                    value: x.value,
                });
            }
        }
    }
    headers
}

/// Decodes and codes one payload (on the blocking pool).
fn code_payload(
    cfg: &WorkerConfig,
    coder: &Coder,
    payload: &[u8],
    fallback_id: impl FnOnce() -> String,
    ts_ms: Option<i64>,
) -> Outcome {
    if payload.len() > cfg.max_article_bytes {
        return Outcome::DeadLetter(
            DeadLetterReason::TooLarge,
            format!(
                "{} bytes, more than max_article_bytes = {}",
                payload.len(),
                cfg.max_article_bytes
            ),
        );
    }
    if let Err(e) = std::str::from_utf8(payload) {
        return Outcome::DeadLetter(DeadLetterReason::Encoding, format!("not UTF-8: {e}"));
    }
    let mut article = match cfg.format {
        PayloadFormat::Text => {
            Article::new(fallback_id(), String::from_utf8_lossy(payload).into_owned())
        }
        PayloadFormat::Json => match decode_article(payload, &cfg.decode, fallback_id) {
            Ok(d) => d.article,
            Err(e) => {
                let reason = match e {
                    DecodeError::Json(_) => DeadLetterReason::Decode,
                    _ => DeadLetterReason::Schema,
                };
                return Outcome::DeadLetter(reason, e.to_string());
            }
        },
    };
    if article.published_at.is_none() {
        article.published_at = ts_ms.and_then(chrono_date_of_millis);
    }
    let started = Instant::now();
    match code_guarded(|| coder.code(&article)) {
        Ok(events) => Outcome::Events(events, started.elapsed().as_secs_f64()),
        Err(panic) => {
            tracing::error!(article = %article.id, error = %panic, "the coder failed on an article; it goes to the dead-letter topic");
            Outcome::DeadLetter(
                DeadLetterReason::CodingFailed,
                format!("the coder failed on this article: {panic}"),
            )
        }
    }
}

/// The UTC calendar date of a Kafka timestamp.
fn chrono_date_of_millis(ms: i64) -> Option<chrono::NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.date_naive())
}

/// Every commit interval: commit the stored offsets, then publish the committed offsets and the
/// queue and in-flight gauges. The commit is synchronous so that the gauge and
/// `demarche_errors_total{kind="commit"}` reflect the broker's answer (librdkafka does
/// not report the result of an asynchronous manual commit without a callback). A replay
/// also closes the partitions whose position reached their end offset (the last
/// messages of a range may be transaction markers or compacted away).
fn housekeeping(
    consumer: &Consumer_,
    producer: &FutureProducer,
    shared: &Shared,
    open: Option<&mut HashMap<Tp, i64>>,
) {
    let m = &shared.metrics;
    store_finished(consumer, shared);
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => publish_committed(shared),
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(e) => {
            m.error(ErrorKind::Commit);
            tracing::warn!(error = %e, "commit failed");
        }
    }
    m.set_producer_queue(producer.in_flight_count().max(0) as usize);
    m.set_in_flight(shared.lock().total_pending());
    if let Some(open) = open {
        if open.is_empty() {
            return;
        }
        if let Ok(pos) = consumer.position() {
            for e in pos.elements() {
                let tp: Tp = (e.topic().to_string(), e.partition());
                if let (Offset::Offset(p), Some(&end)) = (e.offset(), open.get(&tp)) {
                    if p >= end {
                        close_partition(open, consumer, &tp);
                    }
                }
            }
        }
    }
}

/// Hands the offsets finished since the last call to the consumer's offset store (the
/// last offset of each partition's finished prefix), ready for the next commit.
fn store_finished<C: Consumer<Ctx>>(consumer: &C, shared: &Shared) {
    let storable = shared.lock().take_storable();
    for (tp, o) in storable {
        match consumer.store_offset(&tp.0, tp.1, o) {
            Ok(()) => {
                shared
                    .stored
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(tp, o);
            }
            // the partition was revoked meanwhile: the new owner re-reads it
            Err(e) => {
                tracing::debug!(error = %e, topic = %tp.0, partition = tp.1, "offset not stored")
            }
        }
    }
}

/// Publishes the offsets stored and just committed (the next offset to read).
fn publish_committed(shared: &Shared) {
    let stored = shared
        .stored
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    for ((topic, partition), o) in stored {
        shared
            .metrics
            .set_committed_offset(&topic, partition, o + 1);
    }
}

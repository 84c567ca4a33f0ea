//! `demarche replay`: a bounded re-coding of an input topic's offset or time range (or of
//! a JSONL archive) through the worker's pipeline, with its progress committed under a
//! replay group so that an interrupted replay can `--resume`.

use crate::cli::{ProgressMode, ReplayArgs};
use crate::config::{Config, Overrides};
use crate::http;
use crate::kafka::range::{Bound, PartitionRange};
use crate::kafka::{self, Progress, Source, Stop, WorkerConfig};
use crate::metrics::{Health, Metrics};
use anyhow::{bail, Context, Result};
use demarche_coder::Coder;
use indicatif::{ProgressBar, ProgressStyle};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// How long broker requests of the planning step may take.
const PLAN_TIMEOUT: Duration = Duration::from_secs(30);

/// Exit status of an interrupted replay (as for SIGINT).
const INTERRUPTED: u8 = 130;

/// What to replay, resolved before anything is produced.
#[derive(Debug)]
struct Plan {
    /// Partition ranges (a file is partition 0 of its path).
    ranges: Vec<PartitionRange>,
    /// A file replay: its path (`-`: stdin).
    file: Option<PathBuf>,
    /// The group the progress is committed under (topic replays).
    group: String,
    /// Partitions whose start came from the replay group's committed offset.
    resumed: Vec<i32>,
}

impl Plan {
    fn total(&self) -> u64 {
        self.ranges.iter().map(PartitionRange::len).sum()
    }
}

/// Runs `demarche replay`.
pub fn run(args: ReplayArgs) -> Result<ExitCode> {
    let env: Vec<(String, String)> = Config::process_env();
    let input = |e: String| anyhow::Error::new(super::InputError(e));
    let mut config =
        Config::load(args.config.as_deref(), &env).map_err(|e| input(e.to_string()))?;
    config.apply_overrides(&Overrides {
        brokers: args.brokers.clone(),
        group_id: None,
        input_topics: args.topic.clone().map(|t| vec![t]),
        output_topic: args.output_topic.clone(),
        dead_letter_topic: args.dead_letter_topic.clone(),
        metrics_listen: args.metrics_listen,
    });
    config.validate().map_err(|e| input(e.to_string()))?;
    let group = args
        .group
        .clone()
        .unwrap_or_else(|| format!("{}-replay", config.kafka.group_id));
    if group == config.kafka.group_id {
        return Err(input(format!(
            "--group {group:?} is the live worker's consumer group ([kafka] group_id); a replay commits under a group of its own"
        )));
    }
    if group.trim().is_empty() {
        return Err(input("--group is empty".to_string()));
    }
    // one client for the planning requests (metadata, watermarks, times, commits)
    let mut cc = ClientConfig::new();
    for (k, v) in replay_consumer_properties(&config, &group) {
        cc.set(k, v);
    }
    let consumer: BaseConsumer = cc.create().context("cannot create the Kafka consumer")?;
    let plan = match &args.input_file {
        Some(path) => plan_file(path, &args.from, &args.to).map_err(|e| input(format!("{e:#}")))?,
        None => {
            let topic = match config.kafka.input_topics.as_slice() {
                [t] => t.clone(),
                many => {
                    return Err(input(format!(
                        "[kafka] input_topics names {} topics ({}); choose the one to replay with --topic",
                        many.len(),
                        many.join(", ")
                    )))
                }
            };
            plan_topic(&consumer, &topic, &args.from, &args.to, args.resume, &group)?
        }
    };
    if !args.dry_run {
        // refuse a missing output topic now rather than fail on the first event after
        // librdkafka's metadata wait
        for t in [&config.kafka.output_topic, &config.kafka.dead_letter_topic] {
            partitions_of(&consumer, t, "output")?;
        }
    }
    if args.dry_run {
        print_plan(&plan, &args, &config);
        return Ok(ExitCode::SUCCESS);
    }
    let coder_config = config.coder().map_err(|e| input(e.to_string()))?;
    let coder = Arc::new(super::build_coder(&coder_config)?);
    let runtime = super::run::runtime(&config)?;
    let stop = runtime.block_on(replay(config, coder, plan, args))?;
    Ok(match stop {
        Stop::RangeDone => ExitCode::SUCCESS,
        Stop::Requested => ExitCode::from(INTERRUPTED),
    })
}

/// The worker's consumer properties under the replay group, without static membership
/// (a replay assigns its partitions; it never joins the group).
fn replay_consumer_properties(config: &Config, group: &str) -> Vec<(String, String)> {
    config
        .consumer_properties()
        .into_iter()
        .filter(|(k, _)| k != "group.instance.id")
        .map(|(k, v)| {
            if k == "group.id" {
                (k, group.to_string())
            } else {
                (k, v)
            }
        })
        .collect()
}

/// The partition numbers of `topic`, sorted; a topic the broker does not know (or that
/// has no partitions) is an input error naming its `role` (input or output).
fn partitions_of(consumer: &BaseConsumer, topic: &str, role: &str) -> Result<Vec<i32>> {
    let md = consumer
        .fetch_metadata(Some(topic), PLAN_TIMEOUT)
        .with_context(|| format!("cannot read the metadata of topic {topic:?}"))?;
    let refuse = |why: String| -> anyhow::Error {
        super::InputError(format!("{role} topic {topic:?}: {why} (create it first)")).into()
    };
    let t = md
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .ok_or_else(|| refuse("not in the broker's metadata".to_string()))?;
    if let Some(e) = t.error() {
        return Err(refuse(
            rdkafka::error::RDKafkaErrorCode::from(e).to_string(),
        ));
    }
    let mut partitions: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
    partitions.sort_unstable();
    if partitions.is_empty() {
        return Err(refuse("no partitions".to_string()));
    }
    Ok(partitions)
}

/// Resolves the offset range of every partition of `topic` from the broker.
fn plan_topic(
    consumer: &BaseConsumer,
    topic: &str,
    from: &Bound,
    to: &Bound,
    resume: bool,
    group: &str,
) -> Result<Plan> {
    let partitions = partitions_of(consumer, topic, "input")?;
    for b in [from, to] {
        if let Bound::Offsets(m) = b {
            if let Some(p) = m.keys().find(|p| !partitions.contains(p)) {
                return Err(super::InputError(format!(
                    "partition {p} is not a partition of topic {topic:?} (it has {})",
                    describe_partitions(&partitions)
                ))
                .into());
            }
        }
    }
    let mut marks = BTreeMap::new();
    for &p in &partitions {
        let w = consumer
            .fetch_watermarks(topic, p, PLAN_TIMEOUT)
            .with_context(|| format!("cannot read the watermarks of {topic}/{p}"))?;
        marks.insert(p, w);
    }
    let starts = resolve(consumer, topic, &marks, from)?;
    let ends = resolve(consumer, topic, &marks, to)?;
    let mut ranges = Vec::new();
    let mut resumed = Vec::new();
    let committed = if resume {
        let mut tpl = TopicPartitionList::new();
        for &p in &partitions {
            tpl.add_partition(topic, p);
        }
        let c = consumer
            .committed_offsets(tpl, PLAN_TIMEOUT)
            .with_context(|| format!("cannot read the committed offsets of group {group:?}"))?;
        c.elements()
            .iter()
            .filter_map(|e| match e.offset() {
                Offset::Offset(o) => Some((e.partition(), o)),
                _ => None,
            })
            .collect::<BTreeMap<i32, i64>>()
    } else {
        BTreeMap::new()
    };
    for &p in &partitions {
        let (low, high) = marks[&p];
        let end = ends[&p].clamp(low, high);
        let mut start = starts[&p].clamp(low, high);
        if let Some(&c) = committed.get(&p) {
            if c > start {
                start = c.min(end.max(start));
                resumed.push(p);
            }
        }
        ranges.push(PartitionRange {
            topic: topic.to_string(),
            partition: p,
            start,
            end: end.max(start),
        });
    }
    Ok(Plan {
        ranges,
        file: None,
        group: group.to_string(),
        resumed,
    })
}

/// The offset a bound stands for on each partition.
fn resolve(
    consumer: &BaseConsumer,
    topic: &str,
    marks: &BTreeMap<i32, (i64, i64)>,
    bound: &Bound,
) -> Result<BTreeMap<i32, i64>> {
    Ok(match bound {
        Bound::Earliest => marks.iter().map(|(&p, &(low, _))| (p, low)).collect(),
        Bound::Latest => marks.iter().map(|(&p, &(_, high))| (p, high)).collect(),
        // a partition not named: empty on the --from side (it starts at its end), to its
        // end on the --to side
        Bound::Offsets(m) => marks
            .iter()
            .map(|(&p, &(_, high))| (p, m.get(&p).copied().unwrap_or(high)))
            .collect(),
        Bound::Time(t) => {
            let ms = t.timestamp_millis();
            let mut tpl = TopicPartitionList::new();
            for &p in marks.keys() {
                tpl.add_partition_offset(topic, p, Offset::Offset(ms))
                    .context("bad timestamp")?;
            }
            let found = consumer.offsets_for_times(tpl, PLAN_TIMEOUT).with_context(|| {
                format!(
                    "the broker did not resolve {} to offsets of {topic:?} (ListOffsets by timestamp)",
                    t.to_rfc3339()
                )
            })?;
            let mut out = BTreeMap::new();
            for e in found.elements() {
                if let Err(err) = e.error() {
                    bail!(
                        "the broker did not resolve {} on {topic}/{}: {err}",
                        t.to_rfc3339(),
                        e.partition()
                    );
                }
                let high = marks.get(&e.partition()).map_or(0, |m| m.1);
                let o = match e.offset() {
                    Offset::Offset(o) => o,
                    // no message at or after the time: the end of the partition
                    _ => high,
                };
                out.insert(e.partition(), o);
            }
            for (&p, &(_, high)) in marks {
                out.entry(p).or_insert(high);
            }
            out
        }
    })
}

fn describe_partitions(ps: &[i32]) -> String {
    match ps {
        [] => "none".to_string(),
        [one] => format!("partition {one}"),
        _ if ps.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("partitions {}..={}", ps[0], ps[ps.len() - 1])
        }
        _ => format!("partitions {ps:?}"),
    }
}

/// A file replay's line range: `earliest`/`latest` or `0:LINE` (0-based, end exclusive).
fn plan_file(path: &Path, from: &Bound, to: &Bound) -> Result<Plan> {
    let lines = if path == Path::new("-") {
        None
    } else {
        let f =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut n = 0i64;
        let mut r = BufReader::with_capacity(1 << 20, f);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let k = r
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if k == 0 {
                break;
            }
            n += 1;
        }
        Some(n)
    };
    let line_of = |b: &Bound, flag: &str| -> Result<Option<i64>> {
        match b {
            Bound::Earliest => Ok(Some(0)),
            Bound::Latest => Ok(lines),
            Bound::Offsets(m) if m.keys().all(|&p| p == 0) => Ok(m.get(&0).copied()),
            Bound::Offsets(_) => bail!("{flag}: a file is partition 0 only (use 0:LINE)"),
            Bound::Time(_) => bail!(
                "{flag}: a time range needs a topic (message timestamps); for a file give earliest, latest or 0:LINE"
            ),
        }
    };
    let start = line_of(from, "--from")?.unwrap_or(0);
    let end = line_of(to, "--to")?;
    let label = path.display().to_string();
    let end_known = end.or(lines);
    Ok(Plan {
        ranges: vec![PartitionRange {
            topic: label,
            partition: 0,
            start,
            end: end_known.map_or(i64::MAX, |e| e.max(start)),
        }],
        file: Some(path.to_path_buf()),
        group: String::new(),
        resumed: Vec::new(),
    })
}

fn print_plan(plan: &Plan, args: &ReplayArgs, config: &Config) {
    let output = &config.kafka.output_topic;
    match &plan.file {
        Some(f) => println!(
            "replay of file {} to topic {output:?} (dry run: nothing produced)",
            f.display()
        ),
        None => println!(
            "replay of topic {:?} to topic {output:?}, progress committed under group {:?} (dry run: nothing produced)",
            plan.ranges.first().map_or("", |r| r.topic.as_str()),
            plan.group
        ),
    }
    println!("from {}  to {} (exclusive)", args.from, args.to);
    let unit = if plan.file.is_some() {
        "line"
    } else {
        "offset"
    };
    println!(
        "{:>9}  {:>12}  {:>12}  {:>10}",
        "partition",
        format!("start {unit}"),
        format!("end {unit}"),
        "messages"
    );
    for r in &plan.ranges {
        let end = if r.end == i64::MAX {
            "(end)".to_string()
        } else {
            r.end.to_string()
        };
        let count = if r.end == i64::MAX {
            "?".to_string()
        } else {
            r.len().to_string()
        };
        let note = if plan.resumed.contains(&r.partition) {
            "  (resumed from the committed offset)"
        } else {
            ""
        };
        println!(
            "{:>9}  {:>12}  {:>12}  {:>10}{note}",
            r.partition, r.start, end, count
        );
    }
    if plan.ranges.iter().any(|r| r.end == i64::MAX) {
        println!("total: unknown (stdin)");
    } else {
        println!(
            "total: {} messages in {} partition(s)",
            plan.total(),
            plan.ranges.len()
        );
    }
}

async fn replay(config: Config, coder: Arc<Coder>, plan: Plan, args: ReplayArgs) -> Result<Stop> {
    let metrics = Arc::new(Metrics::new());
    let health = Arc::new(Health::new());
    let shutdown = CancellationToken::new();
    super::run::spawn_signal_handler(shutdown.clone(), health.clone());
    // the metrics endpoint: the configured address, or an ephemeral port when that is
    // taken (a worker on the same host)
    let want = config.metrics.listen;
    let listener = match http::bind(want).await {
        Ok(l) => l,
        Err(e) => {
            let fallback = std::net::SocketAddr::new(want.ip(), 0);
            tracing::warn!(error = %format!("{e:#}"), "using an ephemeral port for the replay's metrics");
            http::bind(fallback).await?
        }
    };
    if let Ok(addr) = listener.local_addr() {
        eprintln!("demarche replay: metrics on http://{addr}/metrics");
    }
    let http_task = tokio::spawn(http::serve(
        listener,
        metrics.clone(),
        health.clone(),
        shutdown.clone(),
    ));

    let progress = Arc::new(Progress::default());
    let total = plan
        .ranges
        .iter()
        .all(|r| r.end != i64::MAX)
        .then(|| plan.total());
    metrics.set_replay_progress(0, total.unwrap_or(0));
    let mut wc: WorkerConfig = super::run::worker_config(&config);
    wc.rate = args.rate;
    wc.progress = progress.clone();
    wc.group_id = plan.group.clone();
    wc.consumer = replay_consumer_properties(&config, &plan.group);
    let started = Instant::now();
    let reporter = tokio::spawn(report(
        progress.clone(),
        metrics.clone(),
        total,
        args.progress,
        shutdown.clone(),
    ));
    let result = match &plan.file {
        None => {
            wc.source = Source::Assign(plan.ranges.clone());
            kafka::run(wc, coder, metrics.clone(), health.clone(), shutdown.clone()).await
        }
        Some(path) => {
            let reader: Box<dyn BufRead + Send> = if path == Path::new("-") {
                Box::new(BufReader::with_capacity(1 << 20, std::io::stdin()))
            } else {
                Box::new(BufReader::with_capacity(
                    1 << 20,
                    std::fs::File::open(path)
                        .with_context(|| format!("cannot open {}", path.display()))?,
                ))
            };
            let r = &plan.ranges[0];
            let end = (r.end != i64::MAX).then_some(r.end);
            let input = kafka::FileInput {
                reader,
                label: r.topic.clone(),
                start: r.start,
                end,
            };
            kafka::run_file(
                wc,
                input,
                coder,
                metrics.clone(),
                health.clone(),
                shutdown.clone(),
            )
            .await
        }
    };
    let elapsed = started.elapsed();
    let done = progress.done.load(Relaxed);
    if result.as_ref().is_ok_and(|s| *s == Stop::RangeDone) {
        metrics.set_replay_progress(done, 0);
    }
    shutdown.cancel();
    let _ = reporter.await;
    let _ = http_task.await;
    let stop = result?;
    let secs = elapsed.as_secs_f64().max(1e-9);
    let bytes = progress.bytes.load(Relaxed);
    let summary = format!(
        "articles={done} events={} dead_letters={} duration={:.1}s rate={:.0}/s ({:.2} MB/s)",
        progress.events.load(Relaxed),
        progress.dead_letters.load(Relaxed),
        secs,
        done as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    match stop {
        Stop::RangeDone => println!("replay done: {summary}"),
        Stop::Requested => {
            println!("replay interrupted: {summary}");
            if plan.file.is_none() {
                eprintln!(
                    "demarche replay: progress is committed under group {:?}; continue with the same --from/--to and --resume",
                    plan.group
                );
            }
        }
    }
    Ok(stop)
}

/// Keeps the replay gauges current and shows progress: a bar, or a log line every 10 s.
async fn report(
    progress: Arc<Progress>,
    metrics: Arc<Metrics>,
    total: Option<u64>,
    mode: ProgressMode,
    shutdown: CancellationToken,
) {
    let bar = match mode {
        ProgressMode::Bar => true,
        ProgressMode::Auto => std::io::stderr().is_terminal(),
        ProgressMode::Log | ProgressMode::Off => false,
    };
    let bar = bar.then(|| {
        let b = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} messages ({per_sec}, eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let started = Instant::now();
    let mut last_log = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        let done = progress.done.load(Relaxed);
        let remaining = total.map_or(0, |t| t.saturating_sub(done));
        metrics.set_replay_progress(done, remaining);
        if let Some(b) = &bar {
            b.set_position(done);
            b.set_message(format!(
                "{} events, {} dead letters",
                progress.events.load(Relaxed),
                progress.dead_letters.load(Relaxed)
            ));
        } else if mode != ProgressMode::Off && last_log.elapsed() >= Duration::from_secs(10) {
            last_log = Instant::now();
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            match total {
                Some(t) => tracing::info!(
                    done,
                    remaining,
                    total = t,
                    rate = format!("{rate:.0}/s"),
                    "replay progress"
                ),
                None => tracing::info!(done, rate = format!("{rate:.0}/s"), "replay progress"),
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => {}
        }
    }
    if let Some(b) = bar {
        b.set_position(progress.done.load(Relaxed));
        b.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.jsonl");
        std::fs::write(&f, "a\nb\nc\nd\n").unwrap();
        let p = plan_file(&f, &Bound::Earliest, &Bound::Latest).unwrap();
        assert_eq!((p.ranges[0].start, p.ranges[0].end), (0, 4));
        let p = plan_file(
            &f,
            &crate::kafka::range::parse_bound("0:1").unwrap(),
            &crate::kafka::range::parse_bound("0:3").unwrap(),
        )
        .unwrap();
        assert_eq!((p.ranges[0].start, p.ranges[0].end), (1, 3));
        let e = plan_file(
            &f,
            &crate::kafka::range::parse_bound("2026-01-01").unwrap(),
            &Bound::Latest,
        )
        .unwrap_err();
        assert!(e.to_string().contains("a time range needs a topic"), "{e}");
        let e = plan_file(
            &f,
            &crate::kafka::range::parse_bound("1:5").unwrap(),
            &Bound::Latest,
        )
        .unwrap_err();
        assert!(e.to_string().contains("partition 0 only"), "{e}");
    }

    #[test]
    fn partitions_described() {
        assert_eq!(describe_partitions(&[0, 1, 2]), "partitions 0..=2");
        assert_eq!(describe_partitions(&[0]), "partition 0");
        assert_eq!(describe_partitions(&[0, 2]), "partitions [0, 2]");
    }
}

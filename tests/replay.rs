//! `demarche replay` against librdkafka's in-process mock cluster: offset-range replays,
//! a bounded stop while a producer keeps writing, resume after an interruption, the rate
//! limit, dry runs and refused arguments. (Time ranges need ListOffsets by timestamp,
//! which the mock cluster does not answer: `tests/real_kafka.rs` covers them.)
//!
//! The replay runs as the real `demarche replay` process; the test owns the cluster.

#[path = "support/net.rs"]
mod net;
use net::{free_port, http_get};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ARTICLES: &str = "articles";
const EVENTS: &str = "events";
const DLQ: &str = "articles-dlq";

struct Cluster {
    _mock: MockCluster<'static, DefaultProducerContext>,
    bootstrap: String,
}

fn cluster(partitions: i32) -> Cluster {
    let mock = MockCluster::new(3).expect("mock cluster");
    mock.create_topic(ARTICLES, partitions, 3).unwrap();
    mock.create_topic(EVENTS, 3, 3).unwrap();
    mock.create_topic(DLQ, 1, 3).unwrap();
    let bootstrap = mock.bootstrap_servers();
    Cluster {
        _mock: mock,
        bootstrap,
    }
}

/// An article that codes to at least one event (France -> Germany, 042-ish), with a
/// unique id.
fn article(id: &str) -> String {
    serde_json::json!({
        "id": id,
        "published_at": "2024-03-14",
        "text": format!("PARIS (wire) - French President Emmanuel Macron met German Chancellor Olaf Scholz in Berlin on Tuesday ({id}).")
    })
    .to_string()
}

fn producer(bootstrap: &str) -> ThreadedProducer<DefaultProducerContext> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "2")
        .create()
        .expect("producer")
}

/// Produces `payloads` to (partition, payload) and waits for the acknowledgements.
fn produce(bootstrap: &str, msgs: &[(i32, String)]) {
    let p = producer(bootstrap);
    for (part, payload) in msgs {
        p.send(
            BaseRecord::<(), _>::to(ARTICLES)
                .partition(*part)
                .payload(payload),
        )
        .expect("enqueue");
    }
    p.flush(Duration::from_secs(30)).expect("flush");
}

/// `n` articles per partition, ids `p<P>-<i>`.
fn fill(bootstrap: &str, partitions: i32, n: usize) {
    let msgs: Vec<(i32, String)> = (0..partitions)
        .flat_map(|p| (0..n).map(move |i| (p, article(&format!("p{p}-{i}")))))
        .collect();
    produce(bootstrap, &msgs);
}

fn replay(bootstrap: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_demarche"));
    c.arg("replay").args(["--brokers", bootstrap]);
    // defaults, unless the test gives its own
    let metrics = format!("127.0.0.1:{}", free_port());
    for (flag, value) in [
        ("--topic", ARTICLES),
        ("--output-topic", EVENTS),
        ("--dead-letter-topic", DLQ),
        ("--metrics-listen", metrics.as_str()),
    ] {
        if !args.contains(&flag) {
            c.args([flag, value]);
        }
    }
    c.args(["--progress", "off"])
        .args(args)
        .env("RUST_LOG", "demarche=info")
        .env_remove("DEMARCHE_CONFIG");
    c
}

fn run_replay(bootstrap: &str, args: &[&str]) -> Output {
    let out = replay(bootstrap, args)
        .output()
        .expect("run demarche replay");
    eprintln!(
        "replay {args:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The `key=value` fields of the summary line (`replay done: articles=..`).
fn summary(out: &Output) -> BTreeMap<String, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("replay done:") || l.starts_with("replay interrupted:"))
        .unwrap_or_else(|| panic!("no summary line in {stdout:?}"));
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn count(out: &Output, key: &str) -> u64 {
    summary(out)[key].parse().unwrap()
}

/// Every message of a topic now: (input partition, input offset, article id) per event
/// from the headers and payload.
fn read_events(bootstrap: &str) -> Vec<(i32, i64, String)> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "test-reader")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut ends = 0;
    for p in 0..3 {
        tpl.add_partition_offset(EVENTS, p, Offset::Beginning)
            .unwrap();
        ends += c
            .fetch_watermarks(EVENTS, p, Duration::from_secs(10))
            .unwrap()
            .1;
    }
    c.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while (out.len() as i64) < ends {
        assert!(
            Instant::now() < deadline,
            "read {} of {ends} events",
            out.len()
        );
        let Some(m) = c.poll(Duration::from_millis(200)) else {
            continue;
        };
        let m = m.expect("read events");
        let h = m.headers().expect("event headers");
        let header = |k: &str| {
            h.iter()
                .find(|x| x.key == k)
                .and_then(|x| x.value)
                .map(|v| String::from_utf8_lossy(v).to_string())
                .unwrap_or_else(|| panic!("no {k} header"))
        };
        out.push((
            header("demarche.input.partition").parse().unwrap(),
            header("demarche.input.offset").parse().unwrap(),
            header("demarche.article.id"),
        ));
    }
    out
}

/// The replay group's committed offsets.
fn committed(bootstrap: &str, group: &str, partitions: i32) -> BTreeMap<i32, i64> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(ARTICLES, p);
    }
    c.committed_offsets(tpl, Duration::from_secs(10))
        .unwrap()
        .elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) => Some((e.partition(), o)),
            _ => None,
        })
        .collect()
}

#[test]
fn offset_range_replay_codes_exactly_the_range() {
    let c = cluster(2);
    fill(&c.bootstrap, 2, 30);
    // a dead letter inside the range of partition 0 (offset 30) and one past it (31)
    produce(
        &c.bootstrap,
        &[
            (0, "not json".to_string()),
            (0, "{\"nope\": 1}".to_string()),
        ],
    );
    let out = run_replay(&c.bootstrap, &["--from", "0:5,1:10", "--to", "0:31,1:20"]);
    assert!(out.status.success());
    // 26 of partition 0 (5..31, the last a dead letter) + 10 of partition 1
    assert_eq!(count(&out, "articles"), 36);
    assert_eq!(count(&out, "dead_letters"), 1);
    let events = read_events(&c.bootstrap);
    assert_eq!(count(&out, "events"), events.len() as u64);
    let mut seen = BTreeSet::new();
    for (p, o, id) in &events {
        let ok = match p {
            0 => (5..30).contains(o),
            1 => (10..20).contains(o),
            _ => false,
        };
        assert!(ok, "event of {p}/{o} ({id}) is outside the range");
        assert_eq!(id, &format!("p{p}-{o}"), "article id and offset disagree");
        seen.insert((*p, *o));
    }
    // every article of the range gave its events
    assert_eq!(seen.len(), 25 + 10, "articles with events: {seen:?}");
    // progress committed under the replay group, at the ends of the range
    let done = committed(&c.bootstrap, "demarche-replay", 2);
    assert_eq!(done, BTreeMap::from([(0, 31), (1, 20)]));
    // a partition not named in --from is not replayed
    let out = run_replay(&c.bootstrap, &["--from", "1:25", "--group", "other"]);
    assert!(out.status.success());
    assert_eq!(count(&out, "articles"), 5);
}

#[test]
fn dry_run_prints_the_plan_and_produces_nothing() {
    let c = cluster(3);
    fill(&c.bootstrap, 3, 12);
    let out = run_replay(
        &c.bootstrap,
        &["--from", "0:2,2:0", "--to", "latest", "--dry-run"],
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() >= 4 && w[0].parse::<i32>().is_ok())
        .collect();
    assert_eq!(
        rows.iter().map(|r| r[..4].to_vec()).collect::<Vec<_>>(),
        vec![
            vec!["0", "2", "12", "10"],
            vec!["1", "12", "12", "0"],
            vec!["2", "0", "12", "12"],
        ],
        "{stdout}"
    );
    assert!(stdout.contains("total: 22 messages"), "{stdout}");
    assert!(
        read_events(&c.bootstrap).is_empty(),
        "a dry run produced events"
    );
}

#[test]
fn replay_is_bounded_while_a_producer_keeps_writing() {
    let c = cluster(1);
    fill(&c.bootstrap, 1, 200);
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, written, bootstrap) = (stop.clone(), written.clone(), c.bootstrap.clone());
        std::thread::spawn(move || {
            let p = producer(&bootstrap);
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let payload = article(&format!("late-{i}"));
                if p.send(BaseRecord::<(), _>::to(ARTICLES).payload(&payload))
                    .is_ok()
                {
                    i += 1;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            p.flush(Duration::from_secs(10)).unwrap();
            written.store(i, Ordering::Relaxed);
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    // slow enough that new articles arrive all through the replay
    let out = run_replay(&c.bootstrap, &["--rate", "300"]);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(out.status.success());
    let late = written.load(Ordering::Relaxed);
    assert!(late > 200, "the producer wrote only {late} articles");
    let done = count(&out, "articles");
    // the end was fixed at the start: the 200 plus what came in the first 300 ms
    assert!(
        (200..200 + late as u64).contains(&done),
        "replayed {done} of {} articles",
        200 + late
    );
    let events = read_events(&c.bootstrap);
    let max_offset = events.iter().map(|e| e.1).max().unwrap();
    assert!(max_offset < done as i64, "event past the fixed end");
}

#[test]
fn interrupted_replay_resumes_with_nothing_missing() {
    let c = cluster(2);
    fill(&c.bootstrap, 2, 150);
    let mut child = replay(&c.bootstrap, &["--rate", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(40);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "replay did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    let first = child.wait_with_output().unwrap();
    eprintln!(
        "first: {}\n{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        first.status.code(),
        Some(130),
        "interrupted replay's exit status"
    );
    let done1 = count(&first, "articles");
    assert!(done1 > 0 && done1 < 300, "first run did {done1}");
    let progress = committed(&c.bootstrap, "demarche-replay", 2);
    assert_eq!(
        progress.values().sum::<i64>(),
        done1 as i64,
        "committed progress {progress:?} vs {done1} done"
    );
    let second = run_replay(&c.bootstrap, &["--resume"]);
    assert!(second.status.success());
    assert_eq!(
        count(&second, "articles"),
        300 - done1,
        "resume re-did or skipped work"
    );
    // every article's events are there, each once
    let events = read_events(&c.bootstrap);
    let articles: BTreeSet<&str> = events.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(articles.len(), 300);
    let mut ids = BTreeMap::new();
    for (p, o, _) in &events {
        *ids.entry((p, o)).or_insert(0) += 1;
    }
    assert!(ids.values().all(|&n| n == 1), "duplicates after resume");
    // resuming a finished replay does nothing
    let third = run_replay(&c.bootstrap, &["--resume"]);
    assert!(third.status.success());
    assert_eq!(count(&third, "articles"), 0);
}

#[test]
fn rate_limit_is_honoured_and_progress_is_on_the_metrics_port() {
    let c = cluster(1);
    fill(&c.bootstrap, 1, 150);
    let port = free_port();
    let started = Instant::now();
    let listen = format!("127.0.0.1:{port}");
    let child = replay(
        &c.bootstrap,
        &["--rate", "100", "--metrics-listen", &listen],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // halfway: the replay gauges show work done and work remaining
    let mut mid = None;
    while started.elapsed() < Duration::from_secs(10) && mid.is_none() {
        std::thread::sleep(Duration::from_millis(100));
        let Some((200, page)) = http_get(port, "/metrics") else {
            continue;
        };
        let value = |name: &str| -> f64 {
            page.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
                .unwrap_or(-1.0)
        };
        let done = value("demarche_replay_messages_done");
        if done >= 50.0 {
            mid = Some((
                done,
                value("demarche_replay_messages_remaining"),
                value("demarche_replay_progress_ratio"),
            ));
        }
    }
    let out = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(out.status.success());
    let (done, remaining, ratio) = mid.expect("no replay progress on /metrics");
    assert_eq!(
        done + remaining,
        150.0,
        "done {done} + remaining {remaining}"
    );
    assert!(remaining > 0.0, "progress seen only at the end");
    assert!(
        (ratio - done / 150.0).abs() < 0.01,
        "ratio {ratio} for {done}/150"
    );
    assert_eq!(count(&out, "articles"), 150);
    // a burst of 10, then 140 tokens at 100/s
    assert!(
        took >= Duration::from_millis(1400),
        "150 articles at 100/s in {took:?}"
    );
    let rate: f64 = summary(&out)["rate"]
        .trim_end_matches("/s")
        .parse()
        .unwrap();
    assert!(rate <= 110.0, "summary rate {rate}/s");
}

#[test]
fn bad_arguments_are_refused_with_reasons() {
    let c = cluster(2);
    for (args, needle) in [
        (
            vec!["--group", "demarche"],
            "is the live worker's consumer group",
        ),
        (
            vec!["--from", "7:0"],
            "partition 7 is not a partition of topic",
        ),
        (vec!["--from", "sometime"], "'sometime' is not earliest"),
        (vec!["--rate", "0"], "not a positive number"),
        (vec!["--topic", "missing"], "topic \"missing\""),
        (
            vec!["--output-topic", "missing-out"],
            "output topic \"missing-out\"",
        ),
    ] {
        let out = run_replay(&c.bootstrap, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn file_replay_codes_the_archive_lines() {
    let c = cluster(1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.jsonl");
    let mut text: String = (0..20).map(|i| article(&format!("f-{i}")) + "\n").collect();
    text.push_str("{broken\n");
    std::fs::write(&path, text).unwrap();
    let file = path.to_str().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_demarche"));
    let out = cmd
        .args(["replay", "--brokers", &c.bootstrap, "--input-file", file])
        .args([
            "--from",
            "0:5",
            "--output-topic",
            EVENTS,
            "--dead-letter-topic",
            DLQ,
        ])
        .args(["--metrics-listen", &format!("127.0.0.1:{}", free_port())])
        .args(["--progress", "off"])
        .env_remove("DEMARCHE_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&out, "articles"), 16);
    assert_eq!(count(&out, "dead_letters"), 1);
    let events = read_events(&c.bootstrap);
    let articles: BTreeSet<String> = events.iter().map(|e| e.2.clone()).collect();
    let want: BTreeSet<String> = (5..20).map(|i| format!("f-{i}")).collect();
    assert_eq!(articles, want);
    // line numbers stand for offsets
    assert!(events
        .iter()
        .all(|(p, o, id)| *p == 0 && id == &format!("f-{o}")));
}

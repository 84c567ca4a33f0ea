//! The worker against a real Apache Kafka broker (`scripts/kafka.sh start`): at-least-once
//! delivery across a `kill -9`, two processes sharing a group, and the consumer-lag
//! metric compared with the broker's own offsets.
//!
//! These tests run only when `KAFKA_BOOTSTRAP` is set (e.g. `KAFKA_BOOTSTRAP=127.0.0.1:39092
//! cargo test --release --test real_kafka`); without it each one prints
//! `skipped: KAFKA_BOOTSTRAP not set` and passes. Every test creates its own topics and
//! consumer group with a unique suffix, so the tests may run together and again on the same
//! broker. The worker runs as the real `demarche run` process.

#[path = "support/agnews.rs"]
mod agnews;

#[path = "support/net.rs"]
mod net;
use net::{free_port, http_get};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The broker's bootstrap address, or `None` (and a note) when the tests are skipped.
fn bootstrap() -> Option<String> {
    match std::env::var("KAFKA_BOOTSTRAP") {
        Ok(b) if !b.trim().is_empty() => Some(b.trim().to_string()),
        _ => {
            eprintln!("skipped: KAFKA_BOOTSTRAP not set");
            None
        }
    }
}

/// A name no earlier run on the same broker has used.
fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{:x}", std::process::id(), nanos % (1 << 40))
}

/// The topics of one test: input, output (3 partitions), dead letters (1).
struct Topics {
    input: String,
    input_partitions: i32,
    output: String,
    output_partitions: i32,
    dlq: String,
}

impl Topics {
    fn create(bootstrap: &str, test: &str, input_partitions: i32) -> Topics {
        let t = Topics {
            input: unique(&format!("{test}-articles")),
            input_partitions,
            output: unique(&format!("{test}-events")),
            output_partitions: 3,
            dlq: unique(&format!("{test}-dlq")),
        };
        create_topics(
            bootstrap,
            &[
                (&t.input, t.input_partitions),
                (&t.output, t.output_partitions),
                (&t.dlq, 1),
            ],
        );
        t
    }
}

/// Creates topics (replication factor 1) and waits until every partition has a leader.
fn create_topics(bootstrap: &str, topics: &[(&str, i32)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = futures::executor::block_on(admin.create_topics(&new, &opts))
        .expect("create topics request");
    for r in results {
        if let Err((name, code)) = r {
            panic!("cannot create topic {name}: {code:?}");
        }
    }
    let c = plain_consumer(bootstrap, &unique("meta"));
    let deadline = Instant::now() + Duration::from_secs(30);
    for (name, partitions) in topics {
        loop {
            let ready = c
                .fetch_metadata(Some(name), Duration::from_secs(5))
                .ok()
                .and_then(|md| {
                    let t = md.topics().iter().find(|t| t.name() == *name)?;
                    let ok = t.error().is_none()
                        && t.partitions().len() == *partitions as usize
                        && t.partitions()
                            .iter()
                            .all(|p| p.leader() >= 0 && p.error().is_none());
                    Some(ok)
                })
                .unwrap_or(false);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "topic {name} has no leader for all {partitions} partitions"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A consumer that never subscribes: metadata, watermarks, a group's committed offsets.
fn plain_consumer(bootstrap: &str, group: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer")
}

// ---------------------------------------------------------------- articles

/// One input article: its id and its JSON line.
struct Article {
    id: String,
    json: String,
}

/// AG News test items `ag-<first>` .. `ag-<first + n - 1>` (title + description; the 7,600
/// items are cycled, so ids stay unique when n is larger), or `None` without the corpus.
fn agnews_articles(first: usize, n: usize) -> Option<Vec<Article>> {
    let Some(items) = agnews::read_agnews(usize::MAX) else {
        eprintln!("skipped: {} not found", agnews::agnews_path().display());
        return None;
    };
    assert!(!items.is_empty());
    Some(
        (first..first + n)
            .map(|i| {
                let it = &items[i % items.len()];
                let id = format!("ag-{i}");
                let json = serde_json::json!({
                    "id": id, "title": it.title, "text": it.description,
                    "published_at": "2004-10-01",
                })
                .to_string();
                Article { id, json }
            })
            .collect(),
    )
}

/// The events `demarche extract` codes from the same articles: event_id -> article_id.
fn expected_events(dir: &Path, name: &str, articles: &[Article]) -> HashMap<String, String> {
    let input = dir.join(format!("{name}.jsonl"));
    let output = dir.join(format!("{name}.events.jsonl"));
    let mut f = std::fs::File::create(&input).unwrap();
    for a in articles {
        writeln!(f, "{}", a.json).unwrap();
    }
    drop(f);
    let st = Command::new(env!("CARGO_BIN_EXE_demarche"))
        .args(["extract", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .stderr(Stdio::null())
        .status()
        .expect("run demarche extract");
    assert!(st.success(), "demarche extract failed: {st}");
    let mut events = HashMap::new();
    for line in std::fs::read_to_string(&output).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["event_id"].as_str().unwrap().to_string();
        let article = v["article_id"].as_str().unwrap().to_string();
        if let Some(other) = events.insert(id.clone(), article.clone()) {
            panic!("extract gave event id {id} twice ({other}, {article})");
        }
    }
    events
}

/// Produces the articles (key = id) and waits for every acknowledgement.
fn produce(bootstrap: &str, topic: &str, articles: &[Article]) {
    let p: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "5")
        .set("queue.buffering.max.messages", "200000")
        .create()
        .expect("producer");
    for a in articles {
        let mut rec = BaseRecord::to(topic).key(&a.id).payload(&a.json);
        loop {
            match p.send(rec) {
                Ok(()) => break,
                Err((e, r)) => {
                    assert!(
                        e.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::QueueFull),
                        "cannot produce: {e}"
                    );
                    rec = r;
                    p.poll(Duration::from_millis(10));
                }
            }
        }
    }
    p.flush(Duration::from_secs(60))
        .expect("flush the articles");
    assert_eq!(p.in_flight_count(), 0, "articles not acknowledged");
}

// ---------------------------------------------------------------- the worker

/// A worker configuration file: statistics every second (the lag metric), and a short
/// session timeout so that the group notices a killed member quickly.
fn write_config(dir: &Path) -> PathBuf {
    let path = dir.join("worker.toml");
    std::fs::write(
        &path,
        "[kafka]\nstatistics_interval_ms = 1000\n\n\
         [kafka.consumer]\n\"session.timeout.ms\" = \"10000\"\n\"heartbeat.interval.ms\" = \"1000\"\n",
    )
    .unwrap();
    path
}

/// A running `demarche run` with its metrics port; its stderr goes to a log file, whose end
/// is printed when the test fails.
struct Worker {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
    name: String,
}

impl Worker {
    fn start(bootstrap: &str, group: &str, t: &Topics, config: &Path, name: &str) -> Worker {
        let port = free_port();
        let log = config.with_file_name(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_demarche"))
            .arg("run")
            .arg("--config")
            .arg(config)
            .args(["--brokers", bootstrap, "--group-id", group])
            .args(["--input-topic", &t.input, "--output-topic", &t.output])
            .args(["--dead-letter-topic", &t.dlq])
            .args(["--metrics-listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "info")
            .env_remove("DEMARCHE_CONFIG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start demarche run");
        let w = Worker {
            child: Some(child),
            port,
            log,
            name: name.to_string(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(port, "/healthz").is_none() {
            assert!(Instant::now() < deadline, "{name} did not serve /healthz");
            std::thread::sleep(Duration::from_millis(50));
        }
        w
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGKILL: no drain, no commit, no flush.
    fn kill_9(mut self) {
        let mut c = self.child.take().unwrap();
        c.kill().unwrap();
        let st = c.wait().unwrap();
        eprintln!("{}: killed ({st})", self.name);
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.pid();
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        let c = self.child.as_mut().unwrap();
        loop {
            if let Some(s) = c.try_wait().unwrap() {
                self.child = None;
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit within 60 s of SIGTERM",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn metrics(&self) -> String {
        http_get(self.port, "/metrics")
            .map(|r| r.1)
            .unwrap_or_default()
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- last lines of {} ({}):\n{}",
                self.name,
                self.log.display(),
                self.log_tail(30)
            );
        }
    }
}

/// The samples of metric `name` in a Prometheus text page: (labels, value).
fn samples(page: &str, name: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    let mut out = Vec::new();
    for line in page.lines() {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let (labels, value) = if let Some(r) = rest.strip_prefix('{') {
            let Some((l, v)) = r.split_once('}') else {
                continue;
            };
            (l, v)
        } else if rest.starts_with(' ') {
            ("", rest)
        } else {
            continue; // another metric with this prefix
        };
        let mut map = BTreeMap::new();
        for pair in labels.split(',').filter(|p| !p.is_empty()) {
            if let Some((k, v)) = pair.split_once('=') {
                map.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
            }
        }
        if let Some(v) = value.split_whitespace().next().and_then(|v| v.parse().ok()) {
            out.push((map, v));
        }
    }
    out
}

/// The value of an unlabelled metric (0 when absent).
fn scalar(page: &str, name: &str) -> f64 {
    samples(page, name).first().map_or(0.0, |s| s.1)
}

/// The sum of a metric's samples over all its labels (0 when absent).
fn total(page: &str, name: &str) -> f64 {
    samples(page, name).iter().map(|s| s.1).sum()
}

/// `demarche_consumer_lag_messages` per partition of `topic`.
fn lag_metric(page: &str, topic: &str) -> BTreeMap<i32, i64> {
    samples(page, "demarche_consumer_lag_messages")
        .into_iter()
        .filter(|(l, _)| l.get("topic").map(String::as_str) == Some(topic))
        .filter_map(|(l, v)| Some((l.get("partition")?.parse().ok()?, v as i64)))
        .collect()
}

// ---------------------------------------------------------------- the output topic

/// Everything read so far from the output topic.
struct Output {
    consumer: BaseConsumer,
    /// Messages read.
    messages: usize,
    /// event_id -> (article_id, first payload, copies).
    events: HashMap<String, (String, Vec<u8>, usize)>,
    /// What should never happen: key != event_id, copies that differ, bad JSON.
    anomalies: Vec<String>,
}

impl Output {
    /// Reads the output topic from its start (assigned, no group: no join delay).
    fn open(bootstrap: &str, t: &Topics) -> Output {
        let consumer = plain_consumer(bootstrap, &unique("reader"));
        let mut tpl = TopicPartitionList::new();
        for p in 0..t.output_partitions {
            tpl.add_partition_offset(&t.output, p, Offset::Beginning)
                .unwrap();
        }
        consumer.assign(&tpl).expect("assign the output topic");
        Output {
            consumer,
            messages: 0,
            events: HashMap::new(),
            anomalies: Vec::new(),
        }
    }

    fn poll(&mut self, for_: Duration) {
        let end = Instant::now() + for_;
        while Instant::now() < end {
            match self.consumer.poll(Duration::from_millis(100)) {
                Some(Ok(m)) => {
                    let m = m.detach();
                    self.add(&m)
                }
                Some(Err(e)) => eprintln!("reader: {e}"),
                None => {}
            }
        }
    }

    fn add(&mut self, m: &rdkafka::message::OwnedMessage) {
        self.messages += 1;
        let payload = m.payload().unwrap_or_default();
        let v: serde_json::Value = match serde_json::from_slice(payload) {
            Ok(v) => v,
            Err(e) => {
                self.anomalies.push(format!("not JSON: {e}"));
                return;
            }
        };
        let (Some(id), Some(article)) = (v["event_id"].as_str(), v["article_id"].as_str()) else {
            self.anomalies
                .push("event without event_id or article_id".into());
            return;
        };
        if m.key() != Some(id.as_bytes()) {
            self.anomalies
                .push(format!("event {id}: key is not the event id"));
        }
        match self.events.get_mut(id) {
            Some(e) => {
                e.2 += 1;
                if e.0 != article || e.1 != payload {
                    self.anomalies.push(format!(
                        "event {id} repeated with a different content ({} / {article})",
                        e.0
                    ));
                }
            }
            None => {
                self.events
                    .insert(id.to_string(), (article.to_string(), payload.to_vec(), 1));
            }
        }
    }

    /// Reads until every expected event is there, or the timeout.
    fn wait_for(&mut self, expected: &HashMap<String, String>, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if expected.keys().all(|k| self.events.contains_key(k)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            self.poll(Duration::from_millis(500));
        }
    }

    /// Checks: every expected (article_id, event_id) is present, nothing unexpected, no
    /// anomaly. Returns the number of duplicate messages (repeated identical events).
    fn check(&self, expected: &HashMap<String, String>) -> usize {
        let missing: Vec<_> = expected
            .iter()
            .filter(|(id, art)| self.events.get(*id).map(|e| &e.0) != Some(*art))
            .collect();
        assert!(
            missing.is_empty(),
            "{} of {} expected events missing (or under another article), e.g. {:?}",
            missing.len(),
            expected.len(),
            &missing[..missing.len().min(5)]
        );
        let unexpected: Vec<_> = self
            .events
            .iter()
            .filter(|(id, _)| !expected.contains_key(*id))
            .map(|(id, e)| (id, &e.0))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{} unexpected event ids, e.g. {:?}",
            unexpected.len(),
            &unexpected[..unexpected.len().min(5)]
        );
        assert!(
            self.anomalies.is_empty(),
            "{} anomalies, e.g. {:?}",
            self.anomalies.len(),
            &self.anomalies[..self.anomalies.len().min(5)]
        );
        self.messages - self.events.len()
    }
}

/// The broker's view of a group on a topic: (partition, committed offset, high watermark).
fn broker_offsets(
    bootstrap: &str,
    group: &str,
    topic: &str,
    partitions: i32,
) -> Vec<(i32, i64, i64)> {
    let c = plain_consumer(bootstrap, group);
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let committed = c
        .committed_offsets(tpl, Duration::from_secs(10))
        .expect("committed offsets");
    (0..partitions)
        .map(|p| {
            let off = committed
                .find_partition(topic, p)
                .and_then(|e| e.offset().to_raw())
                .unwrap_or(-1);
            let (_, high) = c
                .fetch_watermarks(topic, p, Duration::from_secs(10))
                .expect("watermarks");
            (p, off, high)
        })
        .collect()
}

/// Waits until the broker has every partition's committed offset at its high watermark;
/// on failure, shows what the workers report about their partitions.
fn wait_all_committed(
    bootstrap: &str,
    group: &str,
    t: &Topics,
    timeout: Duration,
    workers: &[&Worker],
) {
    let deadline = Instant::now() + timeout;
    loop {
        let offs = broker_offsets(bootstrap, group, &t.input, t.input_partitions);
        if offs.iter().all(|(_, c, h)| c == h) {
            return;
        }
        if Instant::now() >= deadline {
            let mut seen = String::new();
            for w in workers {
                seen.push_str(&format!("\n{} (pid {}):", w.name, w.pid()));
                for line in w.metrics().lines().filter(|l| {
                    [
                        "demarche_assigned_partitions",
                        "demarche_in_flight_articles",
                        "demarche_articles_consumed_total",
                        "demarche_articles_coded_total",
                        "demarche_consumer_lag_messages",
                        "demarche_committed_offset",
                        "demarche_rebalances_total",
                        "demarche_errors_total",
                    ]
                    .iter()
                    .any(|m| l.starts_with(m))
                }) {
                    seen.push_str(&format!("\n  {line}"));
                }
            }
            panic!(
                "committed offsets did not reach the high watermarks within {timeout:?}: \
                 (partition, committed, high) {offs:?}; the workers report:{seen}"
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

// ---------------------------------------------------------------- tests

#[test]
fn ten_thousand_agnews_articles_survive_kill_9() {
    let Some(bootstrap) = bootstrap() else { return };
    let Some(articles) = agnews_articles(0, 10_000) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let expected = expected_events(tmp.path(), "ag", &articles);
    let with_events = expected
        .values()
        .collect::<std::collections::HashSet<_>>()
        .len();
    eprintln!(
        "{} articles, {with_events} with events, {} expected events",
        articles.len(),
        expected.len()
    );
    assert!(
        expected.len() > 1000,
        "too few events to test: {}",
        expected.len()
    );

    let t = Topics::create(&bootstrap, "kill9", 3);
    let group = unique("kill9-group");
    let config = write_config(tmp.path());
    produce(&bootstrap, &t.input, &articles);

    let mut out = Output::open(&bootstrap, &t);
    let w1 = Worker::start(&bootstrap, &group, &t, &config, "worker-1");
    // kill as soon as 200 events are acknowledged by the broker (so in the output topic)
    let deadline = Instant::now() + Duration::from_secs(60);
    let (produced, consumed) = loop {
        let page = w1.metrics();
        let produced = total(&page, "demarche_events_produced_total");
        if produced >= 200.0 {
            break (produced, scalar(&page, "demarche_articles_consumed_total"));
        }
        assert!(
            Instant::now() < deadline,
            "fewer than 200 events produced after 60 s: {produced}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    w1.kill_9();
    let before = broker_offsets(&bootstrap, &group, &t.input, t.input_partitions);
    eprintln!(
        "kill -9 when worker-1 had consumed {consumed} articles and {produced} events were \
         acknowledged; committed (partition, offset, high) {before:?}"
    );

    let w2 = Worker::start(&bootstrap, &group, &t, &config, "worker-2");
    let started = Instant::now();
    let all = out.wait_for(&expected, Duration::from_secs(120));
    assert!(
        all,
        "after 120 s, {} of {} expected events present",
        expected
            .keys()
            .filter(|k| out.events.contains_key(*k))
            .count(),
        expected.len()
    );
    eprintln!(
        "worker-2 completed the output in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // anything re-produced late is still on its way: read on a little
    out.poll(Duration::from_secs(2));
    let duplicates = out.check(&expected);
    eprintln!(
        "kill -9: {} events expected, {} distinct present, {} messages, {duplicates} duplicates \
         (identical repeated event ids)",
        expected.len(),
        out.events.len(),
        out.messages
    );
    // the idle worker commits what it finished (stored offsets are committed every second)
    wait_all_committed(&bootstrap, &group, &t, Duration::from_secs(15), &[&w2]);
    let st = w2.stop();
    assert_eq!(st.code(), Some(0), "worker-2 exit after SIGTERM: {st}");
}

#[test]
fn two_processes_share_six_partitions() {
    let Some(bootstrap) = bootstrap() else { return };
    let Some(articles) = agnews_articles(0, 3_000) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let expected = expected_events(tmp.path(), "ag", &articles);
    let t = Topics::create(&bootstrap, "share6", 6);
    let group = unique("share6-group");
    let config = write_config(tmp.path());

    let w1 = Worker::start(&bootstrap, &group, &t, &config, "worker-1");
    let w2 = Worker::start(&bootstrap, &group, &t, &config, "worker-2");
    let assigned = |w: &Worker| scalar(&w.metrics(), "demarche_assigned_partitions");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (a1, a2) = (assigned(&w1), assigned(&w2));
        if a1 + a2 == 6.0 && a1 > 0.0 && a2 > 0.0 {
            eprintln!("partitions split {a1} + {a2}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "partitions not split between the two workers after 60 s: {a1} + {a2}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }

    produce(&bootstrap, &t.input, &articles);
    let mut out = Output::open(&bootstrap, &t);
    let all = out.wait_for(&expected, Duration::from_secs(90));
    assert!(
        all,
        "after 90 s, {} of {} expected events present",
        expected
            .keys()
            .filter(|k| out.events.contains_key(*k))
            .count(),
        expected.len()
    );
    out.poll(Duration::from_secs(1));
    let duplicates = out.check(&expected);
    let (a1, a2) = (assigned(&w1), assigned(&w2));
    assert_eq!(a1 + a2, 6.0, "partitions split {a1} + {a2} at the end");
    assert!(
        a1 > 0.0 && a2 > 0.0,
        "partitions split {a1} + {a2} at the end"
    );
    let c1 = scalar(&w1.metrics(), "demarche_articles_consumed_total");
    let c2 = scalar(&w2.metrics(), "demarche_articles_consumed_total");
    eprintln!(
        "{} events, {duplicates} duplicates; articles consumed {c1} + {c2}",
        expected.len()
    );
    assert!(c1 > 0.0 && c2 > 0.0, "both workers code: {c1} + {c2}");
    assert_eq!(c1 + c2, articles.len() as f64, "each article consumed once");
    wait_all_committed(&bootstrap, &group, &t, Duration::from_secs(15), &[&w1, &w2]);
    let (s1, s2) = (w1.stop(), w2.stop());
    assert_eq!(s1.code(), Some(0), "worker-1 exit after SIGTERM: {s1}");
    assert_eq!(s2.code(), Some(0), "worker-2 exit after SIGTERM: {s2}");
}

#[test]
fn consumer_lag_metric_matches_broker() {
    let Some(bootstrap) = bootstrap() else { return };
    let Some(first) = agnews_articles(0, 2_000) else {
        return;
    };
    let more = agnews_articles(2_000, 500).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let expected_first = expected_events(tmp.path(), "first", &first);
    let expected_more = expected_events(tmp.path(), "more", &more);
    let t = Topics::create(&bootstrap, "lag", 3);
    let group = unique("lag-group");
    let config = write_config(tmp.path());
    produce(&bootstrap, &t.input, &first);

    // the metric and the broker agree, per partition, on a lag of 0 once all is done
    let lag_settles = |w: &Worker, phase: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let metric = lag_metric(&w.metrics(), &t.input);
            let broker: BTreeMap<i32, i64> =
                broker_offsets(&bootstrap, &group, &t.input, t.input_partitions)
                    .into_iter()
                    .map(|(p, c, h)| (p, if c < 0 { h } else { h - c }))
                    .collect();
            let complete = metric.len() == t.input_partitions as usize;
            if complete && metric == broker && metric.values().all(|&l| l == 0) {
                eprintln!("{phase}: lag per partition, metric {metric:?} = broker {broker:?}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{phase}: lag metric {metric:?} vs broker (high - committed; high when nothing \
                 is committed) {broker:?} after 30 s"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    };

    let w = Worker::start(&bootstrap, &group, &t, &config, "worker-1");
    let mut out = Output::open(&bootstrap, &t);
    assert!(
        out.wait_for(&expected_first, Duration::from_secs(90)),
        "not every event of the first 2,000 articles arrived"
    );
    lag_settles(&w, "after 2,000 articles");
    let st = w.stop();
    assert_eq!(st.code(), Some(0), "exit after SIGTERM: {st}");

    // 500 more while no worker runs: the broker sees the lag
    produce(&bootstrap, &t.input, &more);
    let waiting: i64 = broker_offsets(&bootstrap, &group, &t.input, t.input_partitions)
        .iter()
        .map(|(_, c, h)| if *c < 0 { *h } else { h - c })
        .sum();
    assert_eq!(waiting, 500, "broker lag with the worker stopped");

    let w = Worker::start(&bootstrap, &group, &t, &config, "worker-2");
    assert!(
        out.wait_for(&expected_more, Duration::from_secs(90)),
        "not every event of the 500 new articles arrived"
    );
    lag_settles(&w, "after 500 more");
    wait_all_committed(&bootstrap, &group, &t, Duration::from_secs(10), &[&w]);
    out.poll(Duration::from_secs(1));
    let all: HashMap<String, String> = expected_first.into_iter().chain(expected_more).collect();
    let duplicates = out.check(&all);
    eprintln!("{} events, {duplicates} duplicates", all.len());
    assert_eq!(duplicates, 0, "clean restarts code nothing twice");
    let st = w.stop();
    assert_eq!(st.code(), Some(0), "exit after SIGTERM: {st}");
}

/// Produces the articles with explicit message timestamps (CreateTime), in order, to
/// partition `i % partitions`.
fn produce_at(bootstrap: &str, topic: &str, partitions: i32, articles: &[(&Article, i64)]) {
    let p: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "5")
        .create()
        .expect("producer");
    for (i, (a, ts)) in articles.iter().enumerate() {
        let rec = BaseRecord::to(topic)
            .key(&a.id)
            .payload(&a.json)
            .partition(i as i32 % partitions)
            .timestamp(*ts);
        p.send(rec).map_err(|(e, _)| e).expect("enqueue");
    }
    p.flush(Duration::from_secs(60)).expect("flush");
}

#[test]
fn replay_by_time_range_matches_the_live_worker() {
    let Some(bootstrap) = bootstrap() else { return };
    let Some(articles) = agnews_articles(20_000, 1_500) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // three bands of 500 articles, an hour apart: 10:00, 11:00, 12:00 on 2026-11-01
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z")
        .unwrap()
        .timestamp_millis();
    let hour = 3_600_000;
    let stamped: Vec<(&Article, i64)> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a, t0 + (i / 500) as i64 * hour + (i % 500) as i64))
        .collect();
    let t = Topics::create(&bootstrap, "replay", 3);
    produce_at(&bootstrap, &t.input, 3, &stamped);
    let middle: std::collections::HashSet<&str> =
        articles[500..1000].iter().map(|a| a.id.as_str()).collect();

    // the live worker codes everything into t.output
    let config = write_config(tmp.path());
    let group = unique("replay-live");
    let expected = expected_events(tmp.path(), "all", &articles);
    let mut live = Output::open(&bootstrap, &t);
    let w = Worker::start(&bootstrap, &group, &t, &config, "live");
    assert!(
        live.wait_for(&expected, Duration::from_secs(120)),
        "the live worker did not produce every event"
    );
    live.poll(Duration::from_secs(1));
    assert_eq!(w.stop().code(), Some(0));
    let live_middle: HashMap<String, String> = live
        .events
        .iter()
        .filter(|(_, e)| middle.contains(e.0.as_str()))
        .map(|(id, e)| (id.clone(), e.0.clone()))
        .collect();
    assert!(live_middle.len() > 20, "too few events in the middle band");

    // the replay of 10:30..11:30 into a new topic: exactly the middle band
    let replay_out = Topics {
        input: t.input.clone(),
        input_partitions: 3,
        output: unique("replay-backfill"),
        output_partitions: 3,
        dlq: t.dlq.clone(),
    };
    create_topics(&bootstrap, &[(&replay_out.output, 3)]);
    let replay = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_demarche"))
            .arg("replay")
            .arg("--config")
            .arg(&config)
            .args(["--brokers", &bootstrap, "--topic", &t.input])
            .args([
                "--output-topic",
                &replay_out.output,
                "--dead-letter-topic",
                &t.dlq,
            ])
            .args(["--group", &unique("replay-group")])
            .args([
                "--from",
                "2026-11-01T10:30:00Z",
                "--to",
                "2026-11-01T11:30:00Z",
            ])
            .args(["--metrics-listen", &format!("127.0.0.1:{}", free_port())])
            .args(["--progress", "off"])
            .args(extra)
            .env_remove("DEMARCHE_CONFIG")
            .output()
            .expect("run demarche replay");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        eprintln!(
            "replay {extra:?}: {}\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success());
        stdout
    };
    // the dry run shows the offsets the broker resolved: the middle band of each partition
    let plan = replay(&["--dry-run"]);
    assert!(plan.contains("total: 500 messages"), "{plan}");
    // article i went to partition i % 3: the middle band of partition p starts after
    // the first band's articles there and ends after its own
    for p in 0..3 {
        let on_p = |r: std::ops::Range<usize>| r.filter(|i| i % 3 == p).count();
        let (start, end) = (on_p(0..500), on_p(0..1000));
        let row = format!("{p:>9}  {start:>12}  {end:>12}  {:>10}", end - start);
        assert!(plan.contains(&row), "no row {row:?} in\n{plan}");
    }
    let summary = replay(&[]);
    assert!(summary.contains("replay done: articles=500 "), "{summary}");
    let mut backfill = Output::open(&bootstrap, &replay_out);
    let all = backfill.wait_for(&live_middle, Duration::from_secs(60));
    backfill.poll(Duration::from_secs(1));
    assert!(all, "the replay's events differ from the live worker's");
    // same event ids as the live worker, nothing from the other bands
    assert_eq!(
        backfill.check(&live_middle),
        0,
        "duplicates in the backfill"
    );
}

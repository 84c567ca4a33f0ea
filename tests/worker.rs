//! The worker against librdkafka's in-process mock cluster (a real Kafka protocol
//! peer on 127.0.0.1): end to end, dead letters with their headers, restart from
//! committed offsets, broker down and up, two workers sharing a group.
//!
//! The worker runs as the real `demarche run` process; the test owns the cluster.

#[path = "support/net.rs"]
mod net;
use net::{free_port, http_get};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::TopicPartitionList;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ARTICLES: &str = "articles";
const EVENTS: &str = "events";
const DLQ: &str = "articles-dlq";

struct Cluster {
    mock: MockCluster<'static, DefaultProducerContext>,
    bootstrap: String,
}

fn cluster(partitions: i32) -> Cluster {
    let mock = MockCluster::new(3).expect("mock cluster");
    mock.create_topic(ARTICLES, partitions, 3).unwrap();
    mock.create_topic(EVENTS, 3, 3).unwrap();
    mock.create_topic(DLQ, 1, 3).unwrap();
    let bootstrap = mock.bootstrap_servers();
    Cluster { mock, bootstrap }
}

/// A running `demarche run` with its metrics port.
struct Worker {
    child: Child,
    port: u16,
}

impl Worker {
    fn start(bootstrap: &str, group: &str) -> Worker {
        Worker::start_with_env(bootstrap, group, &[])
    }

    /// [`Worker::start`] with extra environment variables (`DEMARCHE_*` settings).
    fn start_with_env(bootstrap: &str, group: &str, vars: &[(&str, &str)]) -> Worker {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_demarche"))
            .args(["run", "--brokers", bootstrap, "--group-id", group])
            .args(["--input-topic", ARTICLES, "--output-topic", EVENTS])
            .args(["--dead-letter-topic", DLQ])
            .args(["--metrics-listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "demarche=info")
            .env_remove("DEMARCHE_CONFIG")
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demarche run");
        let w = Worker { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http_get(port, "/healthz").is_none() {
            assert!(Instant::now() < deadline, "worker did not serve /healthz");
            std::thread::sleep(Duration::from_millis(50));
        }
        w
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id() as i32;
        // SAFETY-free: plain kill(2) through the shell utility
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "worker did not exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn metrics(&self) -> String {
        http_get(self.port, "/metrics")
            .map(|r| r.1)
            .unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn producer(bootstrap: &str) -> ThreadedProducer<DefaultProducerContext> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "2")
        .create()
        .unwrap()
}

/// Produces `n` codable articles with ids `{prefix}-{i}` (one event each).
fn produce_articles(bootstrap: &str, prefix: &str, n: usize) -> BTreeSet<String> {
    let p = producer(bootstrap);
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let id = format!("{prefix}-{i}");
        let value = serde_json::json!({
            "id": id, "published_at": "2014-11-21",
            "text": "Russia on Thursday condemned the United Nations."
        })
        .to_string();
        p.send(BaseRecord::to(ARTICLES).key(&id).payload(&value))
            .unwrap();
        ids.insert(id);
    }
    p.flush(Duration::from_secs(10)).unwrap();
    ids
}

/// Reads a topic from the start until `want(messages)` or the timeout.
fn read_topic(
    bootstrap: &str,
    topic: &str,
    timeout: Duration,
    want: impl Fn(&[rdkafka::message::OwnedMessage]) -> bool,
) -> Vec<rdkafka::message::OwnedMessage> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("reader-{}", free_port()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline && !want(&out) {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(100)) {
            out.push(m.detach());
        }
    }
    out
}

fn article_ids(events: &[rdkafka::message::OwnedMessage]) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for m in events {
        let v: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
        *ids.entry(v["article_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    ids
}

fn covers(ids: &BTreeSet<String>) -> impl Fn(&[rdkafka::message::OwnedMessage]) -> bool + '_ {
    move |ms| {
        let got = article_ids(ms);
        ids.iter().all(|i| got.contains_key(i))
    }
}

fn committed(bootstrap: &str, group: &str, partitions: i32) -> i64 {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(ARTICLES, p);
    }
    let got = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    got.elements()
        .iter()
        .map(|e| e.offset().to_raw().unwrap_or(0).max(0))
        .sum()
}

#[test]
fn end_to_end_events_dead_letters_and_restart() {
    let c = cluster(3);
    let ids = produce_articles(&c.bootstrap, "a", 60);
    // bad input: not JSON, no text, not UTF-8
    let p = producer(&c.bootstrap);
    p.send(
        BaseRecord::to(ARTICLES)
            .key("bad-json")
            .payload("{not json"),
    )
    .unwrap();
    p.send(
        BaseRecord::to(ARTICLES)
            .key("no-text")
            .payload(r#"{"id": "x"}"#),
    )
    .unwrap();
    p.send(
        BaseRecord::<str, [u8]>::to(ARTICLES)
            .key("bytes")
            .payload(&[0xff, 0xfe, 0x00][..]),
    )
    .unwrap();
    p.flush(Duration::from_secs(10)).unwrap();

    let w = Worker::start(&c.bootstrap, "g1");
    let events = read_topic(&c.bootstrap, EVENTS, Duration::from_secs(60), covers(&ids));
    let got = article_ids(&events);
    assert!(
        ids.iter().all(|i| got.contains_key(i)),
        "missing events: {} of {}",
        got.len(),
        ids.len()
    );
    // key = event_id, headers carry the article and its input position
    let m = &events[0];
    let v: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
    assert_eq!(m.key().unwrap(), v["event_id"].as_str().unwrap().as_bytes());
    let hdrs: BTreeMap<String, String> = m
        .headers()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h.key.to_string(),
                String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
            )
        })
        .collect();
    assert_eq!(
        hdrs["demarche.article.id"],
        v["article_id"].as_str().unwrap()
    );
    assert_eq!(hdrs["demarche.input.topic"], ARTICLES);

    let dead = read_topic(&c.bootstrap, DLQ, Duration::from_secs(30), |ms| {
        ms.len() >= 3
    });
    assert_eq!(dead.len(), 3, "three dead letters");
    let mut reasons = BTreeSet::new();
    for d in &dead {
        let h: BTreeMap<String, String> = d
            .headers()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h.key.to_string(),
                    String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                )
            })
            .collect();
        for k in [
            "demarche.error.reason",
            "demarche.error.message",
            "demarche.original.topic",
            "demarche.original.partition",
            "demarche.original.offset",
            "demarche.original.timestamp",
            "demarche.consumer.group",
        ] {
            assert!(h.contains_key(k), "dead letter lacks {k}: {h:?}");
        }
        assert_eq!(h["demarche.consumer.group"], "g1");
        reasons.insert(h["demarche.error.reason"].clone());
    }
    assert_eq!(
        reasons,
        BTreeSet::from(["decode".into(), "schema".into(), "encoding".into()])
    );
    // the original bytes, unchanged
    assert!(dead
        .iter()
        .any(|d| d.payload() == Some(&[0xff, 0xfe, 0x00][..])));

    let (code, _) = http_get(w.port, "/readyz").unwrap();
    assert_eq!(code, 200);
    let metrics = w.metrics();
    for name in [
        "demarche_articles_consumed_total",
        "demarche_articles_dead_lettered_total",
        "demarche_events_produced_total",
        "demarche_coding_seconds",
    ] {
        assert!(metrics.contains(name), "no {name} in /metrics");
    }
    assert!(w.stop().success(), "clean exit on SIGTERM");
    // everything consumed is committed: 63 messages over 3 partitions
    assert_eq!(committed(&c.bootstrap, "g1", 3), 63);

    // restart in the same group: only the new articles are coded
    let more = produce_articles(&c.bootstrap, "b", 30);
    let w = Worker::start(&c.bootstrap, "g1");
    let events = read_topic(&c.bootstrap, EVENTS, Duration::from_secs(60), covers(&more));
    let got = article_ids(&events);
    assert!(more.iter().all(|i| got.contains_key(i)));
    assert!(
        ids.iter().all(|i| got[i] == 1),
        "old articles were coded again after a clean restart"
    );
    assert!(w.stop().success());
    drop(c.mock);
}

#[test]
fn broker_down_and_up_loses_nothing() {
    let c = cluster(2);
    let w = Worker::start(&c.bootstrap, "g2");
    let first = produce_articles(&c.bootstrap, "before", 20);
    read_topic(
        &c.bootstrap,
        EVENTS,
        Duration::from_secs(60),
        covers(&first),
    );
    for b in 1..=3 {
        c.mock.broker_down(b).unwrap();
    }
    // not ready while no broker answers
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some((503, _)) = http_get(w.port, "/readyz") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz stayed 200 with all brokers down"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    for b in 1..=3 {
        c.mock.broker_up(b).unwrap();
    }
    let second = produce_articles(&c.bootstrap, "after", 20);
    let events = read_topic(
        &c.bootstrap,
        EVENTS,
        Duration::from_secs(90),
        covers(&second),
    );
    let got = article_ids(&events);
    assert!(first.iter().chain(&second).all(|i| got.contains_key(i)));
    let deadline = Instant::now() + Duration::from_secs(30);
    while http_get(w.port, "/readyz").map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "/readyz did not recover");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(w.stop().success());
}

#[test]
fn two_workers_share_partitions_and_survive_a_rebalance() {
    let c = cluster(6);
    let w1 = Worker::start(&c.bootstrap, "g3");
    let w2 = Worker::start(&c.bootstrap, "g3");
    let first = produce_articles(&c.bootstrap, "x", 120);
    read_topic(
        &c.bootstrap,
        EVENTS,
        Duration::from_secs(90),
        covers(&first),
    );
    // both workers got partitions
    std::thread::sleep(Duration::from_secs(2));
    let assigned = |w: &Worker| -> f64 {
        w.metrics()
            .lines()
            .find(|l| l.starts_with("demarche_assigned_partitions "))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0.0)
    };
    let (a1, a2) = (assigned(&w1), assigned(&w2));
    assert_eq!(a1 + a2, 6.0, "partitions split {a1} + {a2}");
    assert!(
        a1 >= 1.0 && a2 >= 1.0,
        "each worker has partitions: {a1} + {a2}"
    );
    // one leaves; the other takes over everything
    assert!(w2.stop().success());
    let second = produce_articles(&c.bootstrap, "y", 120);
    let events = read_topic(
        &c.bootstrap,
        EVENTS,
        Duration::from_secs(90),
        covers(&second),
    );
    let got = article_ids(&events);
    assert!(
        first.iter().chain(&second).all(|i| got.contains_key(i)),
        "lost articles"
    );
    assert!(w1.stop().success());
}

/// `[output] format = "gdelt"` (here DEMARCHE_OUTPUT_FORMAT): each event message is one
/// tab-separated GDELT row, without header or newline, keyed by the event id.
#[test]
fn output_format_gdelt() {
    let c = cluster(1);
    let ids = produce_articles(&c.bootstrap, "g", 5);
    let w = Worker::start_with_env(
        &c.bootstrap,
        "demarche-gdelt",
        &[("DEMARCHE_OUTPUT_FORMAT", "gdelt")],
    );
    let events = read_topic(&c.bootstrap, EVENTS, Duration::from_secs(60), |ms| {
        ms.len() >= ids.len()
    });
    assert!(w.stop().success());
    assert!(events.len() >= ids.len(), "{} events", events.len());
    for m in &events {
        let row = std::str::from_utf8(m.payload().unwrap()).unwrap();
        assert!(!row.contains('\n'), "{row:?}");
        let fields: Vec<&str> = row.split('\t').collect();
        assert_eq!(fields.len(), 61, "{row:?}");
        // GLOBALEVENTID is the first 15 hex digits of the key (the event id).
        let key = std::str::from_utf8(m.key().unwrap()).unwrap();
        assert_eq!(
            fields[0],
            u64::from_str_radix(&key[..15], 16).unwrap().to_string()
        );
        assert_eq!(fields[1], "20141120", "{row:?}"); // SQLDATE: "on Thursday"
        assert_eq!(fields[5], "RUS"); // Actor1Code
        assert_eq!(fields[15], "IGOUNO"); // Actor2Code
        assert_eq!(fields[28], "11"); // EventRootCode
    }
}

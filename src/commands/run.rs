//! `demarche run`: the Kafka worker, and `run --embedded`, the same worker on
//! librdkafka's in-process mock cluster seeded with the bundled sample articles.

use crate::cli::RunArgs;
use crate::config::{Config, InputFormat, Overrides};
use crate::http;
use crate::kafka::worker::PayloadFormat;
use crate::kafka::{self, WorkerConfig};
use crate::message::DecodeOptions;
use crate::metrics::{Health, Metrics};
use anyhow::{Context, Result};
use demarche_coder::Coder;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The sample articles of `run --embedded` (our own short wire-style texts).
const SAMPLES: &str = include_str!("../../samples/articles.jsonl");

/// Runs `demarche run`.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let env: Vec<(String, String)> = Config::process_env();
    let mut config =
        Config::load(args.config.as_deref(), &env).map_err(|e| super::InputError(e.to_string()))?;
    config.apply_overrides(&Overrides {
        brokers: args.brokers.clone(),
        group_id: args.group_id.clone(),
        input_topics: (!args.input_topic.is_empty()).then(|| args.input_topic.clone()),
        output_topic: args.output_topic.clone(),
        dead_letter_topic: args.dead_letter_topic.clone(),
        metrics_listen: args.metrics_listen,
    });
    config
        .validate()
        .map_err(|e| super::InputError(e.to_string()))?;
    let coder_config = config
        .coder()
        .map_err(|e| super::InputError(e.to_string()))?;
    let coder = Arc::new(super::build_coder(&coder_config)?);
    let runtime = runtime(&config)?;
    runtime.block_on(async move { serve(config, coder, args.embedded, args.run_for).await })?;
    Ok(ExitCode::SUCCESS)
}

/// The async runtime: coding runs on its blocking pool, `[pipeline] coding_threads`
/// threads (0: one per core).
pub(crate) fn runtime(config: &Config) -> Result<tokio::runtime::Runtime> {
    let threads = match config.pipeline.coding_threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(2))
        .max_blocking_threads(threads.max(1))
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn serve(
    mut config: Config,
    coder: Arc<Coder>,
    embedded: bool,
    run_for: Option<u64>,
) -> Result<()> {
    let metrics = Arc::new(Metrics::new());
    let health = Arc::new(Health::new());
    let shutdown = CancellationToken::new();
    spawn_signal_handler(shutdown.clone(), health.clone());
    if let Some(secs) = run_for {
        let s = shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            tracing::info!(secs, "--run-for elapsed: shutting down");
            s.cancel();
        });
    }
    // a watchdog: once shutdown starts, the process ends within the drain timeout (plus
    // a margin), whatever a callback or a dependency might be stuck on
    {
        let s = shutdown.clone();
        let limit = Duration::from_secs(config.shutdown.drain_timeout_secs + 15);
        tokio::spawn(async move {
            s.cancelled().await;
            std::thread::spawn(move || {
                std::thread::sleep(limit);
                eprintln!("demarche: shutdown did not finish within {limit:?}; exiting");
                std::process::exit(1);
            });
        });
    }
    let listener = http::bind(config.metrics.listen).await?;
    let local = listener.local_addr().ok();
    let http_task = tokio::spawn(http::serve(
        listener,
        metrics.clone(),
        health.clone(),
        shutdown.clone(),
    ));
    if let Some(addr) = local {
        eprintln!(
            "demarche: metrics, health and readiness on http://{addr}/metrics /healthz /readyz"
        );
    }

    // keep the mock cluster alive for the whole run
    let _cluster = if embedded {
        let cluster = MockCluster::new(3).context("cannot start the in-process Kafka cluster")?;
        let bootstrap = cluster.bootstrap_servers();
        for t in &config.kafka.input_topics {
            cluster
                .create_topic(t, 3, 3)
                .with_context(|| format!("cannot create topic {t}"))?;
        }
        cluster.create_topic(&config.kafka.output_topic, 3, 3)?;
        cluster.create_topic(&config.kafka.dead_letter_topic, 1, 3)?;
        config.kafka.brokers = bootstrap.clone();
        let n = seed_samples(&bootstrap, &config.kafka.input_topics[0]).await?;
        eprintln!(
            "demarche: embedded Kafka at {bootstrap}; {n} sample articles in topic {:?}; events below as they arrive (Ctrl-C to stop)",
            config.kafka.input_topics[0]
        );
        tokio::spawn(print_events(
            bootstrap,
            config.kafka.output_topic.clone(),
            shutdown.clone(),
        ));
        Some(cluster)
    } else {
        None
    };

    let worker = kafka::run(
        worker_config(&config),
        coder,
        metrics,
        health.clone(),
        shutdown.clone(),
    )
    .await;
    if worker.is_err() {
        // /healthz answers 503 for the last moments of a failed worker
        health.set_live(false);
    }
    shutdown.cancel();
    let _ = http_task.await;
    worker.map(|_| ())
}

/// The live worker's settings from the validated configuration.
pub(crate) fn worker_config(c: &Config) -> WorkerConfig {
    WorkerConfig {
        consumer: c.consumer_properties(),
        producer: c.producer_properties(),
        source: kafka::Source::Subscribe(c.kafka.input_topics.clone()),
        rate: None,
        progress: Default::default(),
        output_topic: c.kafka.output_topic.clone(),
        dead_letter_topic: c.kafka.dead_letter_topic.clone(),
        group_id: c.kafka.group_id.clone(),
        max_in_flight: c.pipeline.max_in_flight,
        max_article_bytes: c.input.max_article_bytes,
        decode: DecodeOptions {
            text_field: c.input.text_field.clone(),
        },
        format: match c.input.format {
            InputFormat::Json => PayloadFormat::Json,
            InputFormat::Text => PayloadFormat::Text,
        },
        drain_timeout: Duration::from_secs(c.shutdown.drain_timeout_secs),
        commit_interval: Duration::from_millis(c.kafka.commit_interval_ms),
        output_format: c.output.format,
        output_ontology: c.output.ontology,
    }
}

/// SIGTERM / SIGINT: readiness off, then cancel (the worker drains and commits).
pub(crate) fn spawn_signal_handler(shutdown: CancellationToken, health: Arc<Health>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM");
                    return;
                }
            };
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
                _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: shutting down"),
                _ = shutdown.cancelled() => return,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        health.set_ready(false, "shutting down");
        shutdown.cancel();
    });
}

/// Produces the bundled samples (one message per line, as is) to `topic`.
async fn seed_samples(bootstrap: &str, topic: &str) -> Result<usize> {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "5")
        .create()
        .context("cannot create the sample producer")?;
    let mut acks = Vec::new();
    for (i, line) in SAMPLES.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let key = format!("sample-{}", i + 1);
        let f = producer
            .send_result(FutureRecord::to(topic).key(&key).payload(line))
            .map_err(|(e, _)| anyhow::anyhow!("cannot enqueue a sample: {e}"))?;
        acks.push(f);
    }
    let n = acks.len();
    for a in futures::future::join_all(acks).await {
        match a {
            Ok(Ok(_)) => {}
            Ok(Err((e, _))) => anyhow::bail!("sample not delivered: {e}"),
            Err(_) => anyhow::bail!("sample delivery cancelled"),
        }
    }
    Ok(n)
}

/// Prints the events of the output topic as they arrive (embedded demo).
async fn print_events(bootstrap: String, topic: String, shutdown: CancellationToken) {
    let consumer: StreamConsumer = match ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "demarche-embedded-printer")
        .set("auto.offset.reset", "earliest")
        .create()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot create the event printer");
            return;
        }
    };
    if let Err(e) = consumer.subscribe(&[&topic]) {
        tracing::warn!(error = %e, "cannot subscribe the event printer");
        return;
    }
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            m = consumer.recv() => match m {
                Ok(m) => {
                    if let Some(p) = m.payload() {
                        println!("{}", String::from_utf8_lossy(p));
                    }
                }
                Err(e) => tracing::debug!(error = %e, "printer: consume error"),
            }
        }
    }
}

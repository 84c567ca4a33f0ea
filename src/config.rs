//! Configuration: the worker's settings ([`Config`], read from `config.toml`) and the
//! coder's dictionaries ([`CoderConfig`]).
//!
//! # The worker's settings
//!
//! Three layers, each overriding the one before: the TOML file (every key optional,
//! defaults below and in the project's documented `config.toml`), `DEMARCHE_*`
//! environment variables for the keys most often set per deployment ([`ENV_VARS`]), and
//! command-line flags ([`Overrides`]). The raw input (file text, variable values, flags)
//! is parsed into typed sections, then [`Config::validate`] checks what the types cannot
//! (topic names, ranges, conflicts between keys) before anything connects to Kafka.
//!
//! Every error says where the bad value came from: the file (with line and column for
//! syntax, type and unknown-key errors), the environment variable, or the command line,
//! e.g. `config.toml: [kafka] output_topic "articles" is also an input topic; events
//! would be re-read as articles`.
//!
//! # Dictionaries
//!
//! A dictionary directory is laid out like the project's `dictionaries/`:
//!
//! ```text
//! actors/*.txt          FileKind::Actors
//! agents.txt            FileKind::Agents
//! verbs/irregular.txt   FileKind::Irregular
//! verbs/*.txt           FileKind::Verbs (every other file)
//! discards.txt          FileKind::Discards
//! ```
//!
//! Files are loaded in the order of the compiled-in defaults (irregular verbs, actors,
//! agents, verbs, discards; within a kind, the default file order), files unknown to the
//! defaults after those of their kind in name order, so that a copy of `dictionaries/`
//! codes exactly like the defaults.

use crate::export::{self, Format, Ontology};
use demarche_coder::{builtin, CoderBuilder, FileKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Errors in the configuration: reading, parsing or validating `config.toml`, the
/// environment and flags, or loading the dictionaries it names.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The path is not a readable directory.
    #[error("dictionary directory {}: {source}", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
    /// The directory has no dictionary file at all.
    #[error("dictionary directory {} has no dictionary files (actors/*.txt, agents.txt, verbs/*.txt, discards.txt)", .0.display())]
    Empty(PathBuf),
    /// A PETRARCH file of unknown kind.
    #[error("cannot tell what PETRARCH dictionary {} holds: name its kind (petrarch-verbs:, petrarch-actors:, petrarch-agents:, petrarch-discards:)", .0.display())]
    UnknownKind(PathBuf),
    /// A dictionary file cannot be read.
    #[error("cannot read dictionary file {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file cannot be read (missing, a directory, no permission).
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML, has a value of the wrong type, or a key
    /// demarche does not know.
    #[error("{}: {}{detail}", path.display(), key.as_deref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The key the error is about (`[kafka] brokers`), when there is one.
        key: Option<String>,
        /// toml's message, with line, column and the offending line.
        detail: String,
    },
    /// An environment variable has a value that cannot be used.
    #[error("environment variable {var}={value:?}: {reason}")]
    Env {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required value is empty.
    #[error("{origin}: {key} is empty; {hint}")]
    Missing {
        /// Where the value came from.
        origin: Origin,
        /// The key.
        key: &'static str,
        /// What to give instead.
        hint: &'static str,
    },
    /// A topic or group instance id that Kafka would refuse.
    #[error("{origin}: {key} {name:?} is not a valid Kafka {what}: {reason}")]
    KafkaName {
        /// Where the value came from.
        origin: Origin,
        /// The key.
        key: &'static str,
        /// The name.
        name: String,
        /// `topic name` or `group instance id`.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two topic keys name the same topic (or a topic is listed twice).
    #[error("{origin}: {key} {topic:?} {reason}")]
    TopicConflict {
        /// Where the values came from (the most specific of the keys involved).
        origin: Origin,
        /// The key.
        key: &'static str,
        /// The topic.
        topic: String,
        /// Which other key names it and what would go wrong.
        reason: &'static str,
    },
    /// A number outside its allowed range.
    #[error("{origin}: {key} {value} is out of range: {reason}")]
    OutOfRange {
        /// Where the value came from.
        origin: Origin,
        /// The key.
        key: &'static str,
        /// The value.
        value: u64,
        /// The allowed range, and why.
        reason: &'static str,
    },
    /// A value that is not one of a fixed set.
    #[error("{origin}: {key} {value:?} is unknown; expected {expected}")]
    UnknownChoice {
        /// Where the value came from.
        origin: Origin,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// The allowed values.
        expected: &'static str,
    },
    /// A pass-through librdkafka property that demarche sets itself.
    #[error("{origin}: [kafka.{table}] {property:?} is set by demarche and cannot be overridden; {advice}")]
    ForbiddenProperty {
        /// Where the value came from.
        origin: Origin,
        /// `consumer` or `producer`.
        table: &'static str,
        /// The property.
        property: String,
        /// Which `[kafka]` key to use instead, or why it is fixed.
        advice: &'static str,
    },
    /// A `[coder] add` entry that is not `KIND:FILE`.
    #[error("{origin}: [coder] add {entry:?}: {reason}")]
    DictionaryEntry {
        /// Where the value came from.
        origin: Origin,
        /// The entry.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Any other unusable value.
    #[error("{origin}: {key} {value:?}: {reason}")]
    Invalid {
        /// Where the value came from.
        origin: Origin,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Where a setting came from, for error messages. Later layers order higher.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// Built in, or set by code after loading.
    Default,
    /// The configuration file.
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag ([`Overrides`]).
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("configuration"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Flag => f.write_str("command line"),
        }
    }
}

/// Key names as they appear in messages; also the keys of [`Provenance`].
mod key {
    pub const BROKERS: &str = "[kafka] brokers";
    pub const GROUP_ID: &str = "[kafka] group_id";
    pub const INPUT_TOPICS: &str = "[kafka] input_topics";
    pub const OUTPUT_TOPIC: &str = "[kafka] output_topic";
    pub const DEAD_LETTER_TOPIC: &str = "[kafka] dead_letter_topic";
    pub const GROUP_INSTANCE_ID: &str = "[kafka] group_instance_id";
    pub const ASSIGNMENT_STRATEGY: &str = "[kafka] assignment_strategy";
    pub const COMPRESSION: &str = "[kafka] compression";
    pub const STATISTICS_INTERVAL_MS: &str = "[kafka] statistics_interval_ms";
    pub const COMMIT_INTERVAL_MS: &str = "[kafka] commit_interval_ms";
    pub const CONSUMER: &str = "[kafka.consumer]";
    pub const PRODUCER: &str = "[kafka.producer]";
    pub const TEXT_FIELD: &str = "[input] text_field";
    pub const TITLE_FIELD: &str = "[input] title_field";
    pub const ID_FIELD: &str = "[input] id_field";
    pub const PUBLISHED_FIELD: &str = "[input] published_field";
    pub const MAX_ARTICLE_BYTES: &str = "[input] max_article_bytes";
    pub const CODER_ADD: &str = "[coder] add";
    pub const CODER_DEFAULTS: &str = "[coder] defaults";
    pub const MAX_IN_FLIGHT: &str = "[pipeline] max_in_flight";
    pub const METRICS_LISTEN: &str = "[metrics] listen";
    pub const DRAIN_TIMEOUT_SECS: &str = "[shutdown] drain_timeout_secs";
    pub const LOG_FORMAT: &str = "[log] format";
    pub const LOG_LEVEL: &str = "[log] level";
    pub const OUTPUT_FORMAT: &str = "[output] format";
    pub const OUTPUT_ONTOLOGY: &str = "[output] ontology";
}

/// The worker's validated configuration (`config.toml`, environment, flags).
///
/// Build it with [`Config::load`] (then [`Config::apply_overrides`] and
/// [`Config::validate`] for flags); `Config::default()` is the configuration of an
/// empty file. Equality compares the settings, not where they came from.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Brokers, topics, consumer group and client properties.
    pub kafka: KafkaSection,
    /// How input messages are decoded into articles.
    pub input: InputSection,
    /// Which dictionaries the coder uses.
    pub coder: CoderSection,
    /// How events are written to the output topic.
    pub output: OutputSection,
    /// Concurrency and memory bounds of the pipeline.
    pub pipeline: PipelineSection,
    /// The metrics and health HTTP endpoint.
    pub metrics: MetricsSection,
    /// Graceful shutdown.
    pub shutdown: ShutdownSection,
    /// Logging.
    pub log: LogSection,
    /// Where each setting came from, for error messages.
    #[serde(skip)]
    provenance: Provenance,
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        let Config {
            kafka,
            input,
            coder,
            output,
            pipeline,
            metrics,
            shutdown,
            log,
            provenance: _,
        } = self;
        *kafka == other.kafka
            && *input == other.input
            && *coder == other.coder
            && *output == other.output
            && *pipeline == other.pipeline
            && *metrics == other.metrics
            && *shutdown == other.shutdown
            && *log == other.log
    }
}

/// `[kafka]`: brokers, topics, consumer group and client properties.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct KafkaSection {
    /// Bootstrap brokers, comma-separated `host:port` (librdkafka `bootstrap.servers`).
    pub brokers: String,
    /// Consumer group; offsets are committed under it.
    pub group_id: String,
    /// Topics the articles are read from.
    pub input_topics: Vec<String>,
    /// Topic the coded events are written to.
    pub output_topic: String,
    /// Topic that receives articles that cannot be decoded or are too large, with the
    /// reason; never an input or the output topic.
    pub dead_letter_topic: String,
    /// Static group membership (`group.instance.id`), e.g. the pod name of a
    /// StatefulSet: a restart within the session timeout keeps the partitions without a
    /// rebalance. `None`: dynamic membership.
    pub group_instance_id: Option<String>,
    /// Partition assignment: `cooperative-sticky` (incremental rebalances, the
    /// default), `range` or `roundrobin`.
    pub assignment_strategy: String,
    /// Compression of produced events: `none`, `gzip`, `snappy`, `lz4` or `zstd`.
    pub compression: String,
    /// Extra librdkafka consumer properties (`security.protocol`, `sasl.*`, `ssl.*`,
    /// ...), applied after demarche's own.
    pub consumer: BTreeMap<String, String>,
    /// Extra librdkafka producer properties, applied after demarche's own.
    pub producer: BTreeMap<String, String>,
    /// How often librdkafka reports statistics (for the consumer-lag metric), in
    /// milliseconds; 0 disables them.
    pub statistics_interval_ms: u64,
    /// How often stored offsets are committed (synchronously), in milliseconds.
    pub commit_interval_ms: u64,
}

impl Default for KafkaSection {
    fn default() -> Self {
        KafkaSection {
            brokers: "localhost:9092".to_string(),
            group_id: "demarche".to_string(),
            input_topics: vec!["articles".to_string()],
            output_topic: "events".to_string(),
            dead_letter_topic: "articles-dlq".to_string(),
            group_instance_id: None,
            assignment_strategy: "cooperative-sticky".to_string(),
            compression: "lz4".to_string(),
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
            statistics_interval_ms: 5000,
            commit_interval_ms: 250,
        }
    }
}

/// Debug output hides the values of secret pass-through properties (`sasl.password`,
/// `ssl.key.password`, ...), so the configuration can be logged.
impl fmt::Debug for KafkaSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let KafkaSection {
            brokers,
            group_id,
            input_topics,
            output_topic,
            dead_letter_topic,
            group_instance_id,
            assignment_strategy,
            compression,
            consumer,
            producer,
            statistics_interval_ms,
            commit_interval_ms,
        } = self;
        f.debug_struct("KafkaSection")
            .field("brokers", brokers)
            .field("group_id", group_id)
            .field("input_topics", input_topics)
            .field("output_topic", output_topic)
            .field("dead_letter_topic", dead_letter_topic)
            .field("group_instance_id", group_instance_id)
            .field("assignment_strategy", assignment_strategy)
            .field("compression", compression)
            .field("consumer", &Redacted(consumer))
            .field("producer", &Redacted(producer))
            .field("statistics_interval_ms", statistics_interval_ms)
            .field("commit_interval_ms", commit_interval_ms)
            .finish()
    }
}

/// Client properties with secret values replaced, for `Debug`.
struct Redacted<'a>(&'a BTreeMap<String, String>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let secret = k.contains("password")
                    || k.contains("secret")
                    || k.ends_with("key.pem")
                    || k == "sasl.oauthbearer.config";
                (k, if secret { "<redacted>" } else { v.as_str() })
            }))
            .finish()
    }
}

/// Wire format of input messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// A JSON object per message, with the fields named in `[input]`.
    #[default]
    Json,
    /// The message value is the article text (UTF-8); the id is
    /// `topic/partition/offset`.
    Text,
}

/// `[input]`: how input messages are decoded into articles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct InputSection {
    /// `json` (an object per message) or `text` (the value is the article text).
    pub format: InputFormat,
    /// JSON field holding the article body.
    pub text_field: String,
    /// JSON field holding the headline (optional in each message).
    pub title_field: String,
    /// JSON field holding the article id (optional; default `topic/partition/offset`).
    pub id_field: String,
    /// JSON field holding the publication date, RFC 3339 or `YYYY-MM-DD` (optional;
    /// relative dates in the text are resolved against it).
    pub published_field: String,
    /// Larger messages go to the dead-letter topic without being decoded; at most
    /// 100 MiB.
    pub max_article_bytes: usize,
}

impl Default for InputSection {
    fn default() -> Self {
        InputSection {
            format: InputFormat::Json,
            text_field: "text".to_string(),
            title_field: "title".to_string(),
            id_field: "id".to_string(),
            published_field: "published_at".to_string(),
            max_article_bytes: 1 << 20,
        }
    }
}

/// `[coder]`: which dictionaries the coder uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct CoderSection {
    /// A directory replacing the compiled-in dictionaries (laid out like
    /// `dictionaries/`); relative to the working directory. `None`: the built-in ones.
    pub dictionaries: Option<PathBuf>,
    /// Extra dictionary files as `KIND:FILE` (`actors:local-leaders.txt`), KIND one of
    /// actors, agents, verbs, irregular, discards, or `petrarch-KIND` / `petrarch` for
    /// PETRARCH-2 files; loaded in order, later entries win.
    pub add: Vec<String>,
    /// Load the compiled-in dictionaries first (when `dictionaries` is not set);
    /// `false`: only the `add` files (e.g. PETRARCH dictionaries instead of ours).
    pub defaults: bool,
}

impl Default for CoderSection {
    fn default() -> Self {
        CoderSection {
            dictionaries: None,
            add: Vec::new(),
            defaults: true,
        }
    }
}

/// `[output]`: how events are written to the output topic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct OutputSection {
    /// `jsonl` (one JSON event per message), `phoenix` or `gdelt` (one tab-separated
    /// row per message, no header; docs/EXPORTS.md).
    pub format: Format,
    /// `cameo` (the demarche.event/1 schema) or `plover` (the PLOVER view; jsonl only).
    pub ontology: Ontology,
}

/// `[pipeline]`: concurrency and memory bounds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct PipelineSection {
    /// Articles read but not yet committed (coding, producing, awaiting acks); the
    /// consumer pauses at this bound, which caps memory. At least 1.
    pub max_in_flight: usize,
    /// Threads running the coder; 0: one per core.
    pub coding_threads: usize,
}

impl Default for PipelineSection {
    fn default() -> Self {
        PipelineSection {
            max_in_flight: 1000,
            coding_threads: 0,
        }
    }
}

/// `[metrics]`: the metrics and health endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSection {
    /// Address of the HTTP server for `/metrics`, `/healthz` and `/readyz`.
    pub listen: SocketAddr,
}

impl Default for MetricsSection {
    fn default() -> Self {
        MetricsSection {
            listen: SocketAddr::from(([0, 0, 0, 0], 9898)),
        }
    }
}

/// `[shutdown]`: graceful shutdown.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct ShutdownSection {
    /// After SIGTERM/SIGINT, how long in-flight articles may take to be coded, produced
    /// and committed before the worker exits anyway (they are then re-read after the
    /// restart); 1 to 3600 seconds.
    pub drain_timeout_secs: u64,
}

impl Default for ShutdownSection {
    fn default() -> Self {
        ShutdownSection {
            drain_timeout_secs: 30,
        }
    }
}

/// Log record format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per record.
    Json,
}

/// `[log]`: logging (to stderr).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(default, deny_unknown_fields)]
pub struct LogSection {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A level (`trace`, `debug`, `info`, `warn`, `error`, `off`) or a filter in
    /// `RUST_LOG` syntax (`info,demarche=debug`).
    pub level: String,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Text,
            level: "info".to_string(),
        }
    }
}

/// Settings from command-line flags; they win over the file and the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `[kafka] brokers`.
    pub brokers: Option<String>,
    /// `[kafka] group_id`.
    pub group_id: Option<String>,
    /// `[kafka] input_topics`.
    pub input_topics: Option<Vec<String>>,
    /// `[kafka] output_topic`.
    pub output_topic: Option<String>,
    /// `[kafka] dead_letter_topic`.
    pub dead_letter_topic: Option<String>,
    /// `[metrics] listen`.
    pub metrics_listen: Option<SocketAddr>,
}

/// Where each setting came from: the file for all of them once one is read, unless an
/// environment variable or a flag set it.
#[derive(Debug, Clone, Default)]
struct Provenance {
    /// The configuration file, if one was read.
    file: Option<PathBuf>,
    /// Keys set by the environment or flags.
    set: BTreeMap<&'static str, Origin>,
}

/// Sets one setting from an environment variable's value, or says why it cannot.
type EnvSetter = fn(&mut Config, &str) -> Result<(), String>;

/// The environment variables read by [`Config::load`]: name, key, setter.
pub const ENV_VARS: &[(&str, &str, EnvSetter)] = &[
    ("DEMARCHE_KAFKA_BROKERS", key::BROKERS, |c, v| {
        c.kafka.brokers = v.to_string();
        Ok(())
    }),
    ("DEMARCHE_KAFKA_GROUP_ID", key::GROUP_ID, |c, v| {
        c.kafka.group_id = v.to_string();
        Ok(())
    }),
    ("DEMARCHE_KAFKA_INPUT_TOPICS", key::INPUT_TOPICS, |c, v| {
        c.kafka.input_topics = split_list(v);
        Ok(())
    }),
    ("DEMARCHE_KAFKA_OUTPUT_TOPIC", key::OUTPUT_TOPIC, |c, v| {
        c.kafka.output_topic = v.to_string();
        Ok(())
    }),
    (
        "DEMARCHE_KAFKA_DEAD_LETTER_TOPIC",
        key::DEAD_LETTER_TOPIC,
        |c, v| {
            c.kafka.dead_letter_topic = v.to_string();
            Ok(())
        },
    ),
    (
        "DEMARCHE_KAFKA_GROUP_INSTANCE_ID",
        key::GROUP_INSTANCE_ID,
        |c, v| {
            c.kafka.group_instance_id = Some(v.to_string());
            Ok(())
        },
    ),
    ("DEMARCHE_METRICS_LISTEN", key::METRICS_LISTEN, |c, v| {
        c.metrics.listen = v
            .trim()
            .parse()
            .map_err(|_| "expected an address and port, like 0.0.0.0:9898".to_string())?;
        Ok(())
    }),
    (
        "DEMARCHE_SHUTDOWN_DRAIN_TIMEOUT_SECS",
        key::DRAIN_TIMEOUT_SECS,
        |c, v| {
            c.shutdown.drain_timeout_secs = parse_whole(v)?;
            Ok(())
        },
    ),
    (
        "DEMARCHE_PIPELINE_MAX_IN_FLIGHT",
        key::MAX_IN_FLIGHT,
        |c, v| {
            c.pipeline.max_in_flight = parse_whole(v)?;
            Ok(())
        },
    ),
    ("DEMARCHE_LOG_FORMAT", key::LOG_FORMAT, |c, v| {
        c.log.format = match v.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => return Err("expected text or json".to_string()),
        };
        Ok(())
    }),
    ("DEMARCHE_LOG_LEVEL", key::LOG_LEVEL, |c, v| {
        c.log.level = v.trim().to_string();
        Ok(())
    }),
    ("DEMARCHE_OUTPUT_FORMAT", key::OUTPUT_FORMAT, |c, v| {
        c.output.format =
            Format::parse(v).ok_or_else(|| "expected jsonl, phoenix or gdelt".to_string())?;
        Ok(())
    }),
    ("DEMARCHE_OUTPUT_ONTOLOGY", key::OUTPUT_ONTOLOGY, |c, v| {
        c.output.ontology =
            Ontology::parse(v).ok_or_else(|| "expected cameo or plover".to_string())?;
        Ok(())
    }),
];

/// A comma-separated list, entries trimmed (empty entries kept, for validation).
fn split_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).collect()
}

/// A non-negative whole number.
fn parse_whole<T: std::str::FromStr<Err = std::num::ParseIntError>>(v: &str) -> Result<T, String> {
    v.trim()
        .parse()
        .map_err(|e| format!("expected a whole number ({e})"))
}

/// Allowed `[kafka] assignment_strategy` values.
const ASSIGNMENT_STRATEGIES: &[&str] = &["cooperative-sticky", "range", "roundrobin"];
/// Allowed `[kafka] compression` values.
const COMPRESSIONS: &[&str] = &["none", "gzip", "snappy", "lz4", "zstd"];
/// Upper bound of `[input] max_article_bytes`.
const MAX_ARTICLE_BYTES_LIMIT: usize = 100 << 20;
/// Upper bound of `[shutdown] drain_timeout_secs`.
const MAX_DRAIN_TIMEOUT_SECS: u64 = 3600;
/// Upper bound of `[kafka] statistics_interval_ms` (librdkafka's own).
const MAX_STATISTICS_INTERVAL_MS: u64 = 86_400_000;

/// Why demarche sets an offsets, commit or delivery consumer property itself.
const OWN_OFFSETS: &str =
    "demarche stores and commits offsets itself, only after the events are acknowledged";

/// Consumer properties that pass-through tables may not set, with what to do instead.
const FORBIDDEN_CONSUMER: &[(&str, &str)] = &[
    ("bootstrap.servers", "use [kafka] brokers"),
    ("metadata.broker.list", "use [kafka] brokers"),
    ("group.id", "use [kafka] group_id"),
    ("group.instance.id", "use [kafka] group_instance_id"),
    (
        "partition.assignment.strategy",
        "use [kafka] assignment_strategy",
    ),
    (
        "statistics.interval.ms",
        "use [kafka] statistics_interval_ms",
    ),
    ("enable.auto.commit", OWN_OFFSETS),
    ("enable.auto.offset.store", OWN_OFFSETS),
];

/// Producer properties that pass-through tables may not set, with what to do instead.
const FORBIDDEN_PRODUCER: &[(&str, &str)] = &[
    ("bootstrap.servers", "use [kafka] brokers"),
    ("metadata.broker.list", "use [kafka] brokers"),
    (
        "enable.idempotence",
        "demarche always produces idempotently, so retries never duplicate events",
    ),
    (
        "acks",
        "demarche waits for all in-sync replicas (acks=all) before committing offsets",
    ),
    (
        "request.required.acks",
        "demarche waits for all in-sync replicas (acks=all) before committing offsets",
    ),
    ("compression.type", "use [kafka] compression"),
    ("compression.codec", "use [kafka] compression"),
];

impl Config {
    /// Reads `file` (if any), applies the `DEMARCHE_*` variables of `env` ([`ENV_VARS`];
    /// others are ignored) and validates the result.
    ///
    /// `env` is usually [`Config::process_env`]. Command-line flags come after:
    /// [`Config::apply_overrides`], then [`Config::validate`] again.
    pub fn load(file: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                Config::from_toml(&text, path)?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    /// The process's `DEMARCHE_*` environment variables, for [`Config::load`]
    /// (values that are not UTF-8 are converted lossily, and then refused by validation).
    // For the worker (`commands/run.rs`), in place of `std::env::vars()`, which panics
    // when any variable of the process is not UTF-8.
    pub fn process_env() -> Vec<(String, String)> {
        std::env::vars_os()
            .filter_map(|(name, value)| {
                let name = name.into_string().ok()?;
                name.starts_with("DEMARCHE_")
                    .then(|| (name, value.to_string_lossy().into_owned()))
            })
            .collect()
    }

    /// Parses the text of `path` (not yet validated).
    fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let parse_error = |err: toml::de::Error, key: Option<String>| ConfigError::Parse {
            path: path.to_path_buf(),
            key,
            detail: err.to_string().trim_end().to_string(),
        };
        // Syntax first: a syntax error is about no key in particular.
        if let Err(err) = text.parse::<toml::Table>() {
            return Err(parse_error(err, None));
        }
        let mut config: Config = toml::from_str(text).map_err(|err| {
            let key = err.span().and_then(|span| key_at(text, span.start));
            parse_error(err, key)
        })?;
        config.provenance.file = Some(path.to_path_buf());
        Ok(config)
    }

    /// Applies the [`ENV_VARS`] present in `env`, in order (the last of duplicates wins).
    fn apply_env(&mut self, env: &[(String, String)]) -> Result<(), ConfigError> {
        for (name, value) in env {
            let Some(&(var, key, set)) = ENV_VARS.iter().find(|(var, ..)| var == name) else {
                continue;
            };
            set(self, value).map_err(|reason| ConfigError::Env {
                var,
                value: value.clone(),
                reason,
            })?;
            self.provenance.set.insert(key, Origin::Env(var));
        }
        Ok(())
    }

    /// Applies command-line flags (they win over the file and the environment); call
    /// [`Config::validate`] afterwards.
    pub fn apply_overrides(&mut self, o: &Overrides) {
        let k = &mut self.kafka;
        let mut flagged = Vec::new();
        for (key, field, value) in [
            (key::BROKERS, &mut k.brokers, &o.brokers),
            (key::GROUP_ID, &mut k.group_id, &o.group_id),
            (key::OUTPUT_TOPIC, &mut k.output_topic, &o.output_topic),
            (
                key::DEAD_LETTER_TOPIC,
                &mut k.dead_letter_topic,
                &o.dead_letter_topic,
            ),
        ] {
            if let Some(value) = value {
                field.clone_from(value);
                flagged.push(key);
            }
        }
        if let Some(topics) = &o.input_topics {
            k.input_topics.clone_from(topics);
            flagged.push(key::INPUT_TOPICS);
        }
        if let Some(listen) = o.metrics_listen {
            self.metrics.listen = listen;
            flagged.push(key::METRICS_LISTEN);
        }
        for key in flagged {
            self.provenance.set.insert(key, Origin::Flag);
        }
    }

    /// Where the value of `keys` came from: the latest layer that set any of them.
    fn origin(&self, keys: &[&'static str]) -> Origin {
        let base = match &self.provenance.file {
            Some(path) => Origin::File(path.clone()),
            None => Origin::Default,
        };
        keys.iter()
            .map(|k| self.provenance.set.get(k).cloned().unwrap_or(base.clone()))
            .max()
            .unwrap_or(base)
    }

    /// Checks what the types cannot: required values, Kafka names, ranges, topics that
    /// would loop, properties demarche must own. Returns the first problem.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_kafka()?;
        self.validate_properties()?;
        self.validate_input()?;
        self.validate_output()?;
        self.coder()?;
        let range = |key, value: u64, ok: bool, reason| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::OutOfRange {
                    origin: self.origin(&[key]),
                    key,
                    value,
                    reason,
                })
            }
        };
        let in_flight = self.pipeline.max_in_flight;
        range(
            key::MAX_IN_FLIGHT,
            in_flight as u64,
            in_flight > 0,
            "must be at least 1 (it bounds the articles held in memory)",
        )?;
        let drain = self.shutdown.drain_timeout_secs;
        range(
            key::DRAIN_TIMEOUT_SECS,
            drain,
            (1..=MAX_DRAIN_TIMEOUT_SECS).contains(&drain),
            "must be between 1 and 3600 seconds",
        )?;
        self.validate_log_level()
    }

    fn validate_kafka(&self) -> Result<(), ConfigError> {
        let k = &self.kafka;
        let missing = |key, hint| ConfigError::Missing {
            origin: self.origin(&[key]),
            key,
            hint,
        };
        if k.brokers.trim().is_empty() {
            return Err(missing(
                key::BROKERS,
                "give at least one host:port, e.g. \"kafka-1:9092,kafka-2:9092\"",
            ));
        }
        if k.brokers.split(',').any(|b| b.trim().is_empty()) {
            return Err(ConfigError::Invalid {
                origin: self.origin(&[key::BROKERS]),
                key: key::BROKERS,
                value: k.brokers.clone(),
                reason: "has an empty entry; separate host:port entries with single commas"
                    .to_string(),
            });
        }
        if k.group_id.trim().is_empty() {
            return Err(missing(
                key::GROUP_ID,
                "give the consumer group that commits the offsets, e.g. \"demarche\"",
            ));
        }
        if let Some(id) = &k.group_instance_id {
            self.check_name(key::GROUP_INSTANCE_ID, id, "group instance id")?;
        }
        if k.input_topics.is_empty() {
            return Err(missing(
                key::INPUT_TOPICS,
                "give at least one topic to read articles from",
            ));
        }
        for (i, topic) in k.input_topics.iter().enumerate() {
            self.check_name(key::INPUT_TOPICS, topic, "topic name")?;
            if k.input_topics[..i].contains(topic) {
                return Err(self.conflict(key::INPUT_TOPICS, &[], topic, "is listed twice"));
            }
        }
        self.check_name(key::OUTPUT_TOPIC, &k.output_topic, "topic name")?;
        self.check_name(key::DEAD_LETTER_TOPIC, &k.dead_letter_topic, "topic name")?;
        if k.input_topics.contains(&k.output_topic) {
            return Err(self.conflict(
                key::OUTPUT_TOPIC,
                &[key::INPUT_TOPICS],
                &k.output_topic,
                "is also an input topic; events would be re-read as articles",
            ));
        }
        if k.input_topics.contains(&k.dead_letter_topic) {
            return Err(self.conflict(
                key::DEAD_LETTER_TOPIC,
                &[key::INPUT_TOPICS],
                &k.dead_letter_topic,
                "is also an input topic; dead letters would be re-read and fail again, forever",
            ));
        }
        if k.dead_letter_topic == k.output_topic {
            return Err(self.conflict(
                key::DEAD_LETTER_TOPIC,
                &[key::OUTPUT_TOPIC],
                &k.dead_letter_topic,
                "is also the output topic; dead letters would be mixed with the events",
            ));
        }
        self.check_choice(
            key::ASSIGNMENT_STRATEGY,
            &k.assignment_strategy,
            ASSIGNMENT_STRATEGIES,
            "cooperative-sticky, range or roundrobin",
        )?;
        self.check_choice(
            key::COMPRESSION,
            &k.compression,
            COMPRESSIONS,
            "none, gzip, snappy, lz4 or zstd",
        )?;
        if k.statistics_interval_ms > MAX_STATISTICS_INTERVAL_MS {
            return Err(ConfigError::OutOfRange {
                origin: self.origin(&[key::STATISTICS_INTERVAL_MS]),
                key: key::STATISTICS_INTERVAL_MS,
                value: k.statistics_interval_ms,
                reason: "must be at most 86400000 (a day); 0 disables statistics",
            });
        }
        if !(10..=60_000).contains(&k.commit_interval_ms) {
            return Err(ConfigError::OutOfRange {
                origin: self.origin(&[key::COMMIT_INTERVAL_MS]),
                key: key::COMMIT_INTERVAL_MS,
                value: k.commit_interval_ms,
                reason: "must be between 10 and 60000 milliseconds",
            });
        }
        Ok(())
    }

    /// A topic named by `key` and also by `others`.
    fn conflict(
        &self,
        key: &'static str,
        others: &[&'static str],
        topic: &str,
        reason: &'static str,
    ) -> ConfigError {
        let keys: Vec<&'static str> = std::iter::once(key).chain(others.iter().copied()).collect();
        ConfigError::TopicConflict {
            origin: self.origin(&keys),
            key,
            topic: topic.to_string(),
            reason,
        }
    }

    /// Refuses a name Kafka would refuse (topics and group instance ids share the rules).
    fn check_name(
        &self,
        key: &'static str,
        name: &str,
        what: &'static str,
    ) -> Result<(), ConfigError> {
        let reason = if name.is_empty() {
            "it is empty".to_string()
        } else if name == "." || name == ".." {
            "\".\" and \"..\" are reserved".to_string()
        } else if name.len() > 249 {
            format!("it is {} characters long; the limit is 249", name.len())
        } else if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            format!("{c:?} is not allowed; use only letters, digits, '.', '_' and '-'")
        } else {
            return Ok(());
        };
        Err(ConfigError::KafkaName {
            origin: self.origin(&[key]),
            key,
            name: name.to_string(),
            what,
            reason,
        })
    }

    fn check_choice(
        &self,
        key: &'static str,
        value: &str,
        allowed: &[&str],
        expected: &'static str,
    ) -> Result<(), ConfigError> {
        if allowed.contains(&value) {
            return Ok(());
        }
        Err(ConfigError::UnknownChoice {
            origin: self.origin(&[key]),
            key,
            value: value.to_string(),
            expected,
        })
    }

    /// Refuses pass-through properties that demarche sets itself.
    fn validate_properties(&self) -> Result<(), ConfigError> {
        for (table, key, props, forbidden) in [
            (
                "consumer",
                key::CONSUMER,
                &self.kafka.consumer,
                FORBIDDEN_CONSUMER,
            ),
            (
                "producer",
                key::PRODUCER,
                &self.kafka.producer,
                FORBIDDEN_PRODUCER,
            ),
        ] {
            for property in props.keys() {
                let name = property.trim().to_ascii_lowercase();
                if let Some((_, advice)) = forbidden.iter().find(|(p, _)| *p == name) {
                    return Err(ConfigError::ForbiddenProperty {
                        origin: self.origin(&[key]),
                        table,
                        property: property.clone(),
                        advice,
                    });
                }
            }
        }
        Ok(())
    }

    fn validate_input(&self) -> Result<(), ConfigError> {
        let i = &self.input;
        for (key, field) in [
            (key::TEXT_FIELD, &i.text_field),
            (key::TITLE_FIELD, &i.title_field),
            (key::ID_FIELD, &i.id_field),
            (key::PUBLISHED_FIELD, &i.published_field),
        ] {
            if field.is_empty() {
                return Err(ConfigError::Missing {
                    origin: self.origin(&[key]),
                    key,
                    hint: "give the name of the JSON field",
                });
            }
        }
        let max = i.max_article_bytes;
        if max == 0 || max > MAX_ARTICLE_BYTES_LIMIT {
            return Err(ConfigError::OutOfRange {
                origin: self.origin(&[key::MAX_ARTICLE_BYTES]),
                key: key::MAX_ARTICLE_BYTES,
                value: max as u64,
                reason: "must be between 1 and 104857600 (100 MiB)",
            });
        }
        Ok(())
    }

    fn validate_output(&self) -> Result<(), ConfigError> {
        let o = &self.output;
        export::check(o.format, o.ontology).map_err(|reason| ConfigError::Invalid {
            origin: self.origin(&[key::OUTPUT_ONTOLOGY, key::OUTPUT_FORMAT]),
            key: key::OUTPUT_ONTOLOGY,
            value: o.ontology.name().to_string(),
            reason: format!("{reason} ([output] format is {:?})", o.format.name()),
        })
    }

    fn validate_log_level(&self) -> Result<(), ConfigError> {
        let level = self.log.level.trim();
        let origin = || self.origin(&[key::LOG_LEVEL]);
        if level.is_empty() {
            return Err(ConfigError::Missing {
                origin: origin(),
                key: key::LOG_LEVEL,
                hint: "give a level such as info",
            });
        }
        const LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "off"];
        let reason = if level.contains(['=', ',']) {
            match tracing_subscriber::EnvFilter::try_new(level) {
                Ok(_) => return Ok(()),
                Err(e) => format!("not a log filter ({e})"),
            }
        } else if LEVELS.contains(&level.to_ascii_lowercase().as_str()) {
            return Ok(());
        } else {
            "expected trace, debug, info, warn, error or off, or a filter like info,demarche=debug"
                .to_string()
        };
        Err(ConfigError::Invalid {
            origin: origin(),
            key: key::LOG_LEVEL,
            value: self.log.level.clone(),
            reason,
        })
    }

    /// The coder's settings: `[coder] dictionaries` and the parsed `[coder] add` entries
    /// (an error only if `add` was changed since [`Config::validate`]).
    pub fn coder(&self) -> Result<CoderConfig, ConfigError> {
        let extra = self
            .coder
            .add
            .iter()
            .map(|entry| {
                parse_extra(entry).map_err(|reason| ConfigError::DictionaryEntry {
                    origin: self.origin(&[key::CODER_ADD]),
                    entry: entry.clone(),
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        let config = CoderConfig {
            dictionaries: self.coder.dictionaries.clone(),
            extra,
            no_defaults: !self.coder.defaults,
        };
        config.validate().map_err(|reason| ConfigError::Invalid {
            origin: self.origin(&[key::CODER_DEFAULTS, key::CODER_ADD]),
            key: key::CODER_DEFAULTS,
            value: self.coder.defaults.to_string(),
            reason,
        })?;
        Ok(config)
    }

    /// The librdkafka consumer properties: demarche's own, then `[kafka.consumer]`.
    /// May hold credentials: do not log the values.
    pub fn consumer_properties(&self) -> Vec<(String, String)> {
        let k = &self.kafka;
        let mut props = vec![
            ("bootstrap.servers", self.brokers_list()),
            ("group.id", k.group_id.clone()),
        ];
        if let Some(id) = &k.group_instance_id {
            props.push(("group.instance.id", id.clone()));
        }
        props.extend([
            ("enable.auto.commit", "false".to_string()),
            ("enable.auto.offset.store", "false".to_string()),
            ("auto.offset.reset", "earliest".to_string()),
            (
                "partition.assignment.strategy",
                k.assignment_strategy.clone(),
            ),
            (
                "statistics.interval.ms",
                k.statistics_interval_ms.to_string(),
            ),
        ]);
        with_pass_through(props, &k.consumer)
    }

    /// The librdkafka producer properties: demarche's own, then `[kafka.producer]`.
    /// May hold credentials: do not log the values.
    pub fn producer_properties(&self) -> Vec<(String, String)> {
        let k = &self.kafka;
        let props = vec![
            ("bootstrap.servers", self.brokers_list()),
            ("enable.idempotence", "true".to_string()),
            ("acks", "all".to_string()),
            ("compression.type", k.compression.clone()),
            // events are small: waiting up to 50 ms for a fuller batch costs the producer
            // far fewer wake-ups and system calls than librdkafka's 5 ms (measured in the
            // README), for at most 50 ms more end-to-end latency
            ("linger.ms", "50".to_string()),
        ];
        with_pass_through(props, &k.producer)
    }

    /// `[kafka] brokers` with the blanks around entries removed.
    fn brokers_list(&self) -> String {
        let brokers: Vec<&str> = self.kafka.brokers.split(',').map(str::trim).collect();
        brokers.join(",")
    }
}

/// `own` followed by `extra`; an extra property already in `own` replaces its value.
fn with_pass_through(
    own: Vec<(&str, String)>,
    extra: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut props: Vec<(String, String)> =
        own.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    for (key, value) in extra {
        match props.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => v.clone_from(value),
            None => props.push((key.clone(), value.clone())),
        }
    }
    props
}

/// The key a toml error at byte `at` of `text` is about, as `[section] key`, `[section]`
/// or `key`: the assignment on or above that line, in the table whose header is above
/// it. A heuristic on the source lines (toml reports only a span), right for the usual
/// layout of one key per line.
fn key_at(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let current = text[line_start..].lines().next().unwrap_or("");
    if let Some(header) = table_header(current) {
        return Some(format!("[{header}]"));
    }
    let mut key = assigned_key(current);
    let mut section = None;
    for line in text[..line_start].lines().rev() {
        if let Some(header) = table_header(line) {
            section = Some(header);
            break;
        }
        if key.is_none() {
            key = assigned_key(line);
        }
    }
    match (section, key) {
        (Some(s), Some(k)) => Some(format!("[{s}] {k}")),
        (Some(s), None) => Some(format!("[{s}]")),
        (None, k) => k.map(str::to_string),
    }
}

/// `kafka.consumer` for the line `[kafka.consumer]` (or `[[...]]`).
fn table_header(line: &str) -> Option<&str> {
    let inner = line.trim().strip_prefix('[')?;
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    let end = inner.find(']')?;
    Some(inner[..end].trim())
}

/// `brokers` for the line `brokers = "..."`, if the line assigns a key (bare, quoted or
/// dotted: `"security.protocol"`, `kafka.brokers`).
fn assigned_key(line: &str) -> Option<&str> {
    let mut quote = None;
    let mut segment_ok = false;
    let mut in_segment = false;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if !in_segment => {
                quote = Some(c);
                in_segment = true;
                segment_ok = true;
            }
            (None, c) if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                in_segment = true;
                segment_ok = true;
            }
            (None, ' ' | '\t') => in_segment = false,
            (None, '.') if segment_ok => {
                in_segment = false;
                segment_ok = false;
            }
            (None, '=') if segment_ok => return Some(line[..i].trim()),
            (None, _) => return None,
        }
    }
    None
}

/// The coder's settings (the `[coder]` section of `config.toml`, or the dictionary flags).
#[derive(Debug, Clone, Default)]
pub struct CoderConfig {
    /// A directory replacing the compiled-in dictionaries; `None`: the defaults.
    pub dictionaries: Option<PathBuf>,
    /// Extra files loaded after those, each with its kind and format; later entries win.
    pub extra: Vec<ExtraDictionary>,
    /// Do not load the compiled-in dictionaries: only the extra files.
    pub no_defaults: bool,
}

/// Format of a dictionary file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictFormat {
    /// demarche's own line format (`dictionaries/README.md`).
    Own,
    /// A PETRARCH-2 dictionary (`CAMEO.2.0.txt`, `Phoenix.*.txt`).
    Petrarch,
}

/// One `KIND:FILE` entry of `--add-dictionary` or `[coder] add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraDictionary {
    /// What the file holds; `None`: a PETRARCH file whose kind is detected from its
    /// name and content.
    pub kind: Option<FileKind>,
    /// Its format.
    pub format: DictFormat,
    /// The file.
    pub path: PathBuf,
}

const KINDS: &str = "actors, agents, verbs, irregular or discards, or petrarch-actors, petrarch-agents, petrarch-verbs, petrarch-discards or petrarch (kind detected)";

/// Parses `KIND:FILE` (`actors:my-actors.txt`, `petrarch-verbs:CAMEO.2.0.txt`,
/// `petrarch:Phoenix.agents.txt`) for `--add-dictionary` and `[coder] add`.
pub fn parse_extra(s: &str) -> Result<ExtraDictionary, String> {
    let (kind, file) = s
        .split_once(':')
        .ok_or_else(|| format!("expected KIND:FILE, got {s:?}"))?;
    let (format, kind) = match kind.strip_prefix("petrarch") {
        Some("") => (DictFormat::Petrarch, None),
        Some(rest) => {
            let k = rest
                .strip_prefix('-')
                .and_then(FileKind::parse)
                .filter(|k| *k != FileKind::Irregular)
                .ok_or_else(|| format!("unknown dictionary kind {kind:?}: expected {KINDS}"))?;
            (DictFormat::Petrarch, Some(k))
        }
        None => (
            DictFormat::Own,
            Some(
                FileKind::parse(kind)
                    .ok_or_else(|| format!("unknown dictionary kind {kind:?}: expected {KINDS}"))?,
            ),
        ),
    };
    if file.is_empty() {
        return Err("no file after KIND:".into());
    }
    Ok(ExtraDictionary {
        kind,
        format,
        path: PathBuf::from(file),
    })
}

impl CoderConfig {
    /// Checks that the settings name some dictionaries and do not contradict each other.
    pub fn validate(&self) -> Result<(), String> {
        if self.no_defaults && self.dictionaries.is_some() {
            return Err("turning the built-in dictionaries off contradicts a dictionary directory, which already replaces them".into());
        }
        if self.no_defaults && self.extra.is_empty() {
            return Err("without the built-in dictionaries, add some files (`[coder] add` or --add-dictionary)".into());
        }
        Ok(())
    }

    /// A builder loaded with the configured dictionaries (not yet checked or built).
    pub fn builder(&self) -> Result<CoderBuilder, ConfigError> {
        let mut builder = match &self.dictionaries {
            None if self.no_defaults => CoderBuilder::new(),
            None => CoderBuilder::with_defaults(),
            Some(dir) => load_dictionary_dir(dir)?,
        };
        for x in &self.extra {
            let text = std::fs::read_to_string(&x.path).map_err(|source| ConfigError::File {
                path: x.path.clone(),
                source,
            })?;
            let name = x.path.display().to_string();
            match x.format {
                DictFormat::Own => {
                    let kind = x.kind.unwrap_or(FileKind::Actors);
                    builder.add_str(kind, &name, &text);
                }
                DictFormat::Petrarch => {
                    let kind = x
                        .kind
                        .or_else(|| demarche_coder::dictionary::petrarch::detect_kind(&name, &text))
                        .ok_or_else(|| ConfigError::UnknownKind(x.path.clone()))?;
                    builder.add_petrarch_str(kind, &name, &text);
                }
            }
        }
        Ok(builder)
    }

    /// A name for log lines: the directory, `built-in`, or the added files.
    pub fn dictionaries_name(&self) -> String {
        match &self.dictionaries {
            None if self.no_defaults => self
                .extra
                .iter()
                .map(|x| x.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            None => "built-in".to_string(),
            Some(dir) => dir.display().to_string(),
        }
    }
}

/// One dictionary file found in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DictFile {
    kind: FileKind,
    /// Path relative to the directory, `/`-separated (`actors/countries.txt`).
    rel: String,
    path: PathBuf,
}

/// Loads every dictionary file of `dir` into a fresh builder.
pub fn load_dictionary_dir(dir: &Path) -> Result<CoderBuilder, ConfigError> {
    let files = dictionary_files(dir)?;
    if files.is_empty() {
        return Err(ConfigError::Empty(dir.to_path_buf()));
    }
    let has = |k: FileKind| files.iter().any(|f| f.kind == k);
    for (kind, what) in [
        (FileKind::Actors, "actors/*.txt"),
        (FileKind::Agents, "agents.txt"),
        (FileKind::Verbs, "verbs/*.txt"),
    ] {
        if !has(kind) {
            tracing::warn!(dir = %dir.display(), "no {what} in the dictionary directory");
        }
    }
    let mut builder = CoderBuilder::new();
    for f in &files {
        let text = std::fs::read_to_string(&f.path).map_err(|source| ConfigError::File {
            path: f.path.clone(),
            source,
        })?;
        tracing::debug!(file = %f.path.display(), kind = ?f.kind, "loading dictionary file");
        builder.add_str(f.kind, &f.path.display().to_string(), &text);
    }
    Ok(builder)
}

/// The dictionary files of `dir`, in load order.
fn dictionary_files(dir: &Path) -> Result<Vec<DictFile>, ConfigError> {
    let dir_err = |source| ConfigError::Dir {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        let source = match std::fs::metadata(dir) {
            Err(e) => e,
            Ok(_) => std::io::Error::other("not a directory"),
        };
        return Err(dir_err(source));
    }
    let mut files = Vec::new();
    for (name, kind) in [
        ("agents.txt", FileKind::Agents),
        ("discards.txt", FileKind::Discards),
    ] {
        let path = dir.join(name);
        if path.is_file() {
            files.push(DictFile {
                kind,
                rel: name.to_string(),
                path,
            });
        }
    }
    for sub in ["actors", "verbs"] {
        let subdir = dir.join(sub);
        if !subdir.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&subdir).map_err(|source| ConfigError::Dir {
            path: subdir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ConfigError::Dir {
                path: subdir.clone(),
                source,
            })?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".txt") || !path.is_file() {
                continue;
            }
            let kind = match (sub, name) {
                ("actors", _) => FileKind::Actors,
                (_, "irregular.txt") => FileKind::Irregular,
                _ => FileKind::Verbs,
            };
            files.push(DictFile {
                kind,
                rel: format!("{sub}/{name}"),
                path,
            });
        }
    }
    files.sort_by_key(load_rank);
    Ok(files)
}

/// Sort key: kind, then position among the default files, then name.
fn load_rank(f: &DictFile) -> (u8, usize, String) {
    let kind = match f.kind {
        FileKind::Irregular => 0,
        FileKind::Actors => 1,
        FileKind::Agents => 2,
        FileKind::Verbs => 3,
        FileKind::Discards => 4,
    };
    let default_pos = builtin::FILES
        .iter()
        .position(|(_, name, _)| *name == f.rel)
        .unwrap_or(usize::MAX);
    (kind, default_pos, f.rel.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_dictionaries() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries")
    }

    #[test]
    fn project_dir_loads_in_default_order() {
        let files = dictionary_files(&project_dictionaries()).unwrap();
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let defaults: Vec<&str> = builtin::FILES.iter().map(|(_, n, _)| *n).collect();
        assert_eq!(rels, defaults);
        for (f, (kind, _, _)) in files.iter().zip(builtin::FILES) {
            assert_eq!(f.kind, *kind, "{}", f.rel);
        }
    }

    #[test]
    fn project_dir_counts_like_defaults() {
        let dir = CoderConfig {
            dictionaries: Some(project_dictionaries()),
            extra: Vec::new(),
            no_defaults: false,
        };
        let from_dir = dir.builder().unwrap().dictionaries().stats();
        let defaults = CoderConfig::default()
            .builder()
            .unwrap()
            .dictionaries()
            .stats();
        assert_eq!(from_dir, defaults);
    }

    #[test]
    fn missing_dir_is_an_error() {
        let err = load_dictionary_dir(Path::new("/nonexistent/demarche-dicts")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/demarche-dicts"),
            "{err}"
        );
    }

    #[test]
    fn empty_dir_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = load_dictionary_dir(tmp.path()).unwrap_err();
        assert!(matches!(err, ConfigError::Empty(_)), "{err}");
    }

    // ---- the worker's configuration ----

    fn example_file() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml")
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Loads `toml` from a file named `config.toml`, with `vars` as the environment.
    fn load(toml: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, toml).unwrap();
        Config::load(Some(&path), &env(vars))
    }

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!(c.kafka.brokers, "localhost:9092");
        assert_eq!(c.kafka.group_id, "demarche");
        assert_eq!(c.kafka.input_topics, ["articles"]);
        assert_eq!(c.kafka.output_topic, "events");
        assert_eq!(c.kafka.dead_letter_topic, "articles-dlq");
        assert_eq!(c.kafka.group_instance_id, None);
        assert_eq!(c.kafka.assignment_strategy, "cooperative-sticky");
        assert_eq!(c.kafka.compression, "lz4");
        assert!(c.kafka.consumer.is_empty() && c.kafka.producer.is_empty());
        assert_eq!(c.kafka.statistics_interval_ms, 5000);
        assert_eq!(c.kafka.commit_interval_ms, 250);
        assert_eq!(c.input.format, InputFormat::Json);
        assert_eq!(c.input.text_field, "text");
        assert_eq!(c.input.title_field, "title");
        assert_eq!(c.input.id_field, "id");
        assert_eq!(c.input.published_field, "published_at");
        assert_eq!(c.input.max_article_bytes, 1_048_576);
        assert_eq!(c.coder, CoderSection::default());
        assert_eq!(c.pipeline.max_in_flight, 1000);
        assert_eq!(c.pipeline.coding_threads, 0);
        assert_eq!(c.metrics.listen.to_string(), "0.0.0.0:9898");
        assert_eq!(c.shutdown.drain_timeout_secs, 30);
        assert_eq!(c.log.format, LogFormat::Text);
        assert_eq!(c.log.level, "info");
        assert_eq!(c.output.format, Format::Jsonl);
        assert_eq!(c.output.ontology, Ontology::Cameo);
        c.validate().unwrap();
        assert_eq!(Config::load(None, &[]).unwrap(), c);
        assert_eq!(load("", &[]).unwrap(), c);
    }

    #[test]
    fn example_file_is_the_defaults() {
        let loaded = Config::load(Some(&example_file()), &[]).unwrap();
        assert_eq!(loaded, Config::default());
    }

    #[test]
    fn example_file_documents_every_key_and_variable() {
        let text = std::fs::read_to_string(example_file()).unwrap();
        let example: toml::Table = text.parse().unwrap();
        let defaults = toml::Table::try_from(Config::default()).unwrap();
        for (section, table) in &defaults {
            let keys = table.as_table().unwrap();
            let documented = example[section].as_table().unwrap();
            for key in keys.keys() {
                assert!(documented.contains_key(key), "[{section}] {key} missing");
            }
        }
        // Keys without a default value are shown commented out.
        for key in ["# group_instance_id = ", "# dictionaries = "] {
            assert!(text.contains(key), "{key} missing");
        }
        for (var, ..) in ENV_VARS {
            assert!(text.contains(var), "{var} missing");
        }
    }

    #[test]
    fn bad_configs_are_refused_with_their_reason() {
        /// Case name, file text, environment, fragments of the message.
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                "unknown key in [kafka]",
                "[kafka]\nbrokers = \"k:9092\"\nbroker = \"x\"\n",
                &[],
                &["config.toml: [kafka] broker: ", "line 3, column 1", "unknown field `broker`"],
            ),
            (
                "unknown key in [input]",
                "[input]\nbody_field = \"body\"\n",
                &[],
                &["[input] body_field: ", "unknown field `body_field`"],
            ),
            (
                "unknown key in [coder]",
                "[coder]\ndictionary = \"d\"\n",
                &[],
                &["[coder] dictionary: ", "unknown field"],
            ),
            (
                "unknown key in [pipeline]",
                "[pipeline]\nthreads = 4\n",
                &[],
                &["[pipeline] threads: ", "unknown field"],
            ),
            (
                "unknown key in [metrics]",
                "[metrics]\nport = 9898\n",
                &[],
                &["[metrics] port: ", "unknown field"],
            ),
            (
                "unknown key in [shutdown]",
                "[shutdown]\ntimeout = 3\n",
                &[],
                &["[shutdown] timeout: ", "unknown field"],
            ),
            (
                "unknown key in [log]",
                "[log]\nlevels = \"info\"\n",
                &[],
                &["[log] levels: ", "unknown field"],
            ),
            (
                "unknown section",
                "[kafak]\nbrokers = \"k:9092\"\n",
                &[],
                &["config.toml: [kafak]: ", "line 1, column 2", "unknown field `kafak`"],
            ),
            (
                "unknown top-level key",
                "brokers = \"k:9092\"\n",
                &[],
                &["config.toml: brokers: ", "unknown field `brokers`"],
            ),
            (
                "wrong type",
                "[pipeline]\nmax_in_flight = \"many\"\n",
                &[],
                &["[pipeline] max_in_flight: ", "line 2, column 17", "expected usize"],
            ),
            (
                "wrong type in an array spanning lines",
                "[kafka]\ninput_topics = [\n  \"a\",\n  3,\n]\n",
                &[],
                &["[kafka] input_topics: ", "line 4, column 3", "expected a string"],
            ),
            (
                "wrong type of a pass-through property",
                "[kafka.consumer]\n\"session.timeout.ms\" = 45000\n",
                &[],
                &["[kafka.consumer] \"session.timeout.ms\": ", "expected a string"],
            ),
            (
                "unknown enum value",
                "[log]\nformat = \"xml\"\n",
                &[],
                &["[log] format: ", "unknown variant `xml`"],
            ),
            (
                "bad socket address",
                "[metrics]\nlisten = \"9898\"\n",
                &[],
                &["[metrics] listen: ", "line 2, column 10", "socket address"],
            ),
            (
                "TOML syntax",
                "[kafka\nbrokers = 1\n",
                &[],
                &["config.toml: TOML parse error at line 1, column 7", "table header"],
            ),
            (
                "empty brokers",
                "[kafka]\nbrokers = \" \"\n",
                &[],
                &["config.toml: [kafka] brokers is empty; give at least one host:port"],
            ),
            (
                "empty broker entry",
                "[kafka]\nbrokers = \"a:9092,,b:9092\"\n",
                &[],
                &["[kafka] brokers \"a:9092,,b:9092\": has an empty entry"],
            ),
            (
                "empty group id",
                "[kafka]\ngroup_id = \"\"\n",
                &[],
                &["config.toml: [kafka] group_id is empty"],
            ),
            (
                "no input topic",
                "[kafka]\ninput_topics = []\n",
                &[],
                &["config.toml: [kafka] input_topics is empty; give at least one topic"],
            ),
            (
                "bad topic name",
                "[kafka]\noutput_topic = \"coded events\"\n",
                &[],
                &[
                    "config.toml: [kafka] output_topic \"coded events\" is not a valid Kafka topic name",
                    "' ' is not allowed; use only letters, digits, '.', '_' and '-'",
                ],
            ),
            (
                "empty topic name",
                "[kafka]\ndead_letter_topic = \"\"\n",
                &[],
                &["[kafka] dead_letter_topic \"\" is not a valid Kafka topic name: it is empty"],
            ),
            (
                "topic name too long",
                &format!("[kafka]\ninput_topics = [\"{}\"]\n", "a".repeat(250)),
                &[],
                &["[kafka] input_topics", "250 characters long; the limit is 249"],
            ),
            (
                "reserved topic name",
                "[kafka]\noutput_topic = \"..\"\n",
                &[],
                &["are reserved"],
            ),
            (
                "input topic listed twice",
                "[kafka]\ninput_topics = [\"a\", \"b\", \"a\"]\n",
                &[],
                &["[kafka] input_topics \"a\" is listed twice"],
            ),
            (
                "output topic is an input topic",
                "[kafka]\noutput_topic = \"articles\"\n",
                &[],
                &["config.toml: [kafka] output_topic \"articles\" is also an input topic; events would be re-read as articles"],
            ),
            (
                "dead-letter topic is an input topic",
                "[kafka]\ninput_topics = [\"a\", \"b\"]\ndead_letter_topic = \"b\"\n",
                &[],
                &["[kafka] dead_letter_topic \"b\" is also an input topic"],
            ),
            (
                "dead-letter topic is the output topic",
                "[kafka]\ndead_letter_topic = \"events\"\n",
                &[],
                &["config.toml: [kafka] dead_letter_topic \"events\" is also the output topic"],
            ),
            (
                "bad group instance id",
                "[kafka]\ngroup_instance_id = \"pod/0\"\n",
                &[],
                &["[kafka] group_instance_id \"pod/0\" is not a valid Kafka group instance id: '/' is not allowed"],
            ),
            (
                "zero in flight",
                "[pipeline]\nmax_in_flight = 0\n",
                &[],
                &["config.toml: [pipeline] max_in_flight 0 is out of range: must be at least 1"],
            ),
            (
                "zero article size",
                "[input]\nmax_article_bytes = 0\n",
                &[],
                &["[input] max_article_bytes 0 is out of range"],
            ),
            (
                "article size above 100 MiB",
                "[input]\nmax_article_bytes = 104857601\n",
                &[],
                &["[input] max_article_bytes 104857601 is out of range: must be between 1 and 104857600"],
            ),
            (
                "empty field name",
                "[input]\ntext_field = \"\"\n",
                &[],
                &["[input] text_field is empty"],
            ),
            (
                "zero drain timeout",
                "[shutdown]\ndrain_timeout_secs = 0\n",
                &[],
                &["[shutdown] drain_timeout_secs 0 is out of range: must be between 1 and 3600 seconds"],
            ),
            (
                "drain timeout above an hour",
                "[shutdown]\ndrain_timeout_secs = 3601\n",
                &[],
                &["[shutdown] drain_timeout_secs 3601 is out of range"],
            ),
            (
                "bad compression",
                "[kafka]\ncompression = \"brotli\"\n",
                &[],
                &["config.toml: [kafka] compression \"brotli\" is unknown; expected none, gzip, snappy, lz4 or zstd"],
            ),
            (
                "bad assignment strategy",
                "[kafka]\nassignment_strategy = \"sticky\"\n",
                &[],
                &["[kafka] assignment_strategy \"sticky\" is unknown; expected cooperative-sticky, range or roundrobin"],
            ),
            (
                "statistics interval above a day",
                "[kafka]\nstatistics_interval_ms = 86400001\n",
                &[],
                &["[kafka] statistics_interval_ms 86400001 is out of range"],
            ),
            (
                "commit interval too short",
                "[kafka]\ncommit_interval_ms = 0\n",
                &[],
                &["[kafka] commit_interval_ms 0 is out of range", "between 10 and 60000"],
            ),
            (
                "forbidden consumer property",
                "[kafka.consumer]\n\"enable.auto.commit\" = \"true\"\n",
                &[],
                &["config.toml: [kafka.consumer] \"enable.auto.commit\" is set by demarche and cannot be overridden; demarche stores and commits offsets itself"],
            ),
            (
                "forbidden consumer property with a [kafka] key",
                "[kafka.consumer]\n\"group.id\" = \"other\"\n",
                &[],
                &["[kafka.consumer] \"group.id\" is set by demarche", "use [kafka] group_id"],
            ),
            (
                "forbidden producer property",
                "[kafka.producer]\n\"bootstrap.servers\" = \"k:9092\"\n",
                &[],
                &["[kafka.producer] \"bootstrap.servers\" is set by demarche", "use [kafka] brokers"],
            ),
            (
                "forbidden producer acks",
                "[kafka.producer]\nacks = \"1\"\n",
                &[],
                &["[kafka.producer] \"acks\"", "acks=all"],
            ),
            (
                "bad dictionary entry",
                "[coder]\nadd = [\"nouns:x.txt\"]\n",
                &[],
                &["config.toml: [coder] add \"nouns:x.txt\": unknown dictionary kind \"nouns\""],
            ),
            (
                "bad log level",
                "[log]\nlevel = \"verbose\"\n",
                &[],
                &["[log] level \"verbose\": expected trace, debug, info, warn, error or off"],
            ),
            (
                "bad log filter",
                "[log]\nlevel = \"info,demarche=loud\"\n",
                &[],
                &["[log] level \"info,demarche=loud\": not a log filter"],
            ),
            (
                "bad env number",
                "",
                &[("DEMARCHE_PIPELINE_MAX_IN_FLIGHT", "lots")],
                &["environment variable DEMARCHE_PIPELINE_MAX_IN_FLIGHT=\"lots\": expected a whole number (invalid digit"],
            ),
            (
                "negative env number",
                "",
                &[("DEMARCHE_SHUTDOWN_DRAIN_TIMEOUT_SECS", "-5")],
                &["DEMARCHE_SHUTDOWN_DRAIN_TIMEOUT_SECS=\"-5\": expected a whole number"],
            ),
            (
                "bad env address",
                "",
                &[("DEMARCHE_METRICS_LISTEN", "9898")],
                &["environment variable DEMARCHE_METRICS_LISTEN=\"9898\": expected an address and port"],
            ),
            (
                "bad env log format",
                "",
                &[("DEMARCHE_LOG_FORMAT", "xml")],
                &["DEMARCHE_LOG_FORMAT=\"xml\": expected text or json"],
            ),
            (
                "unknown key in [output]",
                "[output]\nformats = \"gdelt\"\n",
                &[],
                &["[output] formats: ", "unknown field"],
            ),
            (
                "unknown output format",
                "[output]\nformat = \"csv\"\n",
                &[],
                &["config.toml: [output] format: ", "line 2", "unknown variant `csv`", "`jsonl`, `phoenix`"],
            ),
            (
                "unknown output ontology",
                "[output]\nontology = \"icews\"\n",
                &[],
                &["[output] ontology: ", "unknown variant `icews`", "`cameo`"],
            ),
            (
                "plover ontology with a table format",
                "[output]\nformat = \"phoenix\"\nontology = \"plover\"\n",
                &[],
                &["config.toml: [output] ontology \"plover\": the phoenix format is a CAMEO table", "needs the jsonl format"],
            ),
            (
                "bad env output format",
                "",
                &[("DEMARCHE_OUTPUT_FORMAT", "tsv")],
                &["environment variable DEMARCHE_OUTPUT_FORMAT=\"tsv\": expected jsonl, phoenix or gdelt"],
            ),
            (
                "bad env output ontology",
                "",
                &[("DEMARCHE_OUTPUT_ONTOLOGY", "plover2")],
                &["environment variable DEMARCHE_OUTPUT_ONTOLOGY=\"plover2\": expected cameo or plover"],
            ),
            (
                "env format conflicting with the file's ontology names the variable",
                "[output]\nontology = \"plover\"\n",
                &[("DEMARCHE_OUTPUT_FORMAT", "gdelt")],
                &["environment variable DEMARCHE_OUTPUT_FORMAT: [output] ontology \"plover\": the gdelt format"],
            ),
            (
                "env value valid alone but refused by validation",
                "",
                &[("DEMARCHE_PIPELINE_MAX_IN_FLIGHT", "0")],
                &["environment variable DEMARCHE_PIPELINE_MAX_IN_FLIGHT: [pipeline] max_in_flight 0 is out of range"],
            ),
            (
                "env topic conflicting with a file topic names the variable",
                "[kafka]\noutput_topic = \"events\"\n",
                &[("DEMARCHE_KAFKA_INPUT_TOPICS", "articles,events")],
                &["environment variable DEMARCHE_KAFKA_INPUT_TOPICS: [kafka] output_topic \"events\" is also an input topic"],
            ),
            (
                "empty entry in env topic list",
                "",
                &[("DEMARCHE_KAFKA_INPUT_TOPICS", "a,,b")],
                &["environment variable DEMARCHE_KAFKA_INPUT_TOPICS: [kafka] input_topics \"\" is not a valid Kafka topic name: it is empty"],
            ),
            (
                "empty env group instance id",
                "",
                &[("DEMARCHE_KAFKA_GROUP_INSTANCE_ID", "")],
                &["DEMARCHE_KAFKA_GROUP_INSTANCE_ID: [kafka] group_instance_id \"\" is not a valid Kafka group instance id"],
            ),
        ];
        for (case, toml, vars, fragments) in cases {
            let err = match load(toml, vars) {
                Ok(_) => panic!("{case}: accepted"),
                Err(err) => err.to_string(),
            };
            for fragment in *fragments {
                assert!(
                    err.contains(fragment),
                    "{case}: {fragment:?} not in:\n{err}"
                );
            }
        }
    }

    #[test]
    fn missing_or_unreadable_file_is_named() {
        let missing = Path::new("/nonexistent/demarche/config.toml");
        let err = Config::load(Some(missing), &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("cannot read config file /nonexistent/demarche/config.toml: "),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load(Some(dir.path()), &[]).unwrap_err();
        assert!(
            err.to_string().contains(&*dir.path().to_string_lossy()),
            "{err}"
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let c = load(
            "[kafka]\nbrokers = \"file:9092\"\n[log]\nlevel = \"warn\"\n",
            &[
                ("DEMARCHE_KAFKA_BROKERS", "k1:9092, k2:9092"),
                ("DEMARCHE_KAFKA_GROUP_ID", "coders"),
                ("DEMARCHE_KAFKA_INPUT_TOPICS", "wires, feeds"),
                ("DEMARCHE_KAFKA_OUTPUT_TOPIC", "coded"),
                ("DEMARCHE_KAFKA_DEAD_LETTER_TOPIC", "wires-dlq"),
                ("DEMARCHE_KAFKA_GROUP_INSTANCE_ID", "demarche-3"),
                ("DEMARCHE_METRICS_LISTEN", "127.0.0.1:9000"),
                ("DEMARCHE_SHUTDOWN_DRAIN_TIMEOUT_SECS", "120"),
                ("DEMARCHE_PIPELINE_MAX_IN_FLIGHT", "64"),
                ("DEMARCHE_LOG_FORMAT", "json"),
                ("DEMARCHE_LOG_LEVEL", "info,demarche=debug"),
                ("DEMARCHE_OUTPUT_FORMAT", "GDELT"),
                ("DEMARCHE_OUTPUT_ONTOLOGY", " cameo "),
                ("DEMARCHE_UNRELATED", "ignored"),
                ("PATH", "/bin"),
            ],
        )
        .unwrap();
        assert_eq!(c.kafka.brokers, "k1:9092, k2:9092");
        assert_eq!(c.kafka.group_id, "coders");
        assert_eq!(c.kafka.input_topics, ["wires", "feeds"]);
        assert_eq!(c.kafka.output_topic, "coded");
        assert_eq!(c.kafka.dead_letter_topic, "wires-dlq");
        assert_eq!(c.kafka.group_instance_id.as_deref(), Some("demarche-3"));
        assert_eq!(c.metrics.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(c.shutdown.drain_timeout_secs, 120);
        assert_eq!(c.pipeline.max_in_flight, 64);
        assert_eq!(c.log.format, LogFormat::Json);
        assert_eq!(c.log.level, "info,demarche=debug");
        assert_eq!(c.output.format, Format::Gdelt);
        assert_eq!(c.output.ontology, Ontology::Cameo);
        // Untouched keys keep the file's or the default value.
        assert_eq!(c.input, InputSection::default());
        // The last of repeated variables wins.
        let c = Config::load(
            None,
            &env(&[
                ("DEMARCHE_KAFKA_GROUP_ID", "first"),
                ("DEMARCHE_KAFKA_GROUP_ID", "second"),
            ]),
        )
        .unwrap();
        assert_eq!(c.kafka.group_id, "second");
    }

    #[test]
    fn flags_override_the_environment() {
        let mut c = load(
            "[kafka]\ngroup_id = \"from-file\"\n",
            &[
                ("DEMARCHE_KAFKA_BROKERS", "env:9092"),
                ("DEMARCHE_KAFKA_OUTPUT_TOPIC", "env-events"),
                ("DEMARCHE_METRICS_LISTEN", "127.0.0.1:1"),
            ],
        )
        .unwrap();
        c.apply_overrides(&Overrides {
            brokers: Some("flag:9092".to_string()),
            input_topics: Some(vec!["flag-in".to_string()]),
            output_topic: Some("flag-out".to_string()),
            dead_letter_topic: Some("flag-dlq".to_string()),
            metrics_listen: Some("127.0.0.1:2".parse().unwrap()),
            ..Overrides::default()
        });
        c.validate().unwrap();
        assert_eq!(c.kafka.brokers, "flag:9092");
        assert_eq!(c.kafka.group_id, "from-file");
        assert_eq!(c.kafka.input_topics, ["flag-in"]);
        assert_eq!(c.kafka.output_topic, "flag-out");
        assert_eq!(c.kafka.dead_letter_topic, "flag-dlq");
        assert_eq!(c.metrics.listen.to_string(), "127.0.0.1:2");
        // No overrides: nothing changes.
        let before = c.clone();
        c.apply_overrides(&Overrides::default());
        assert_eq!(c, before);
    }

    #[test]
    fn flags_are_validated_and_blamed() {
        let mut c = Config::load(None, &env(&[("DEMARCHE_KAFKA_OUTPUT_TOPIC", "out")])).unwrap();
        c.apply_overrides(&Overrides {
            input_topics: Some(vec!["out".to_string()]),
            ..Overrides::default()
        });
        let err = c.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "command line: [kafka] output_topic \"out\" is also an input topic; \
             events would be re-read as articles"
        );
        let mut c = Config::default();
        c.apply_overrides(&Overrides {
            group_id: Some(String::new()),
            ..Overrides::default()
        });
        let err = c.validate().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("command line: [kafka] group_id is empty"),
            "{err}"
        );
    }

    #[test]
    fn client_properties() {
        let mut c = load(
            "[kafka]\nbrokers = \"k1:9092, k2:9092\"\ngroup_instance_id = \"pod-1\"\n\
             [kafka.consumer]\n\"auto.offset.reset\" = \"latest\"\n\"security.protocol\" = \"SSL\"\n\
             [kafka.producer]\n\"linger.ms\" = \"20\"\n",
            &[],
        )
        .unwrap();
        let pairs = |v: Vec<(String, String)>| -> Vec<String> {
            v.into_iter().map(|(k, v)| format!("{k}={v}")).collect()
        };
        assert_eq!(
            pairs(c.consumer_properties()),
            [
                "bootstrap.servers=k1:9092,k2:9092",
                "group.id=demarche",
                "group.instance.id=pod-1",
                "enable.auto.commit=false",
                "enable.auto.offset.store=false",
                "auto.offset.reset=latest",
                "partition.assignment.strategy=cooperative-sticky",
                "statistics.interval.ms=5000",
                "security.protocol=SSL",
            ]
        );
        assert_eq!(
            pairs(c.producer_properties()),
            [
                "bootstrap.servers=k1:9092,k2:9092",
                "enable.idempotence=true",
                "acks=all",
                "compression.type=lz4",
                "linger.ms=20",
            ]
        );
        c.kafka.group_instance_id = None;
        assert!(!pairs(c.consumer_properties())
            .iter()
            .any(|p| p.starts_with("group.instance.id")));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = load(
            "[kafka.consumer]\n\"sasl.username\" = \"demarche\"\n\"sasl.password\" = \"hunter2\"\n\
             [kafka.producer]\n\"ssl.key.password\" = \"hunter3\"\n\"sasl.oauthbearer.client.secret\" = \"s3\"\n",
            &[],
        )
        .unwrap();
        let debug = format!("{c:?}");
        assert!(debug.contains("\"sasl.username\": \"demarche\""), "{debug}");
        for secret in ["hunter2", "hunter3", "s3\""] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        // The worker still gets them.
        assert!(c
            .consumer_properties()
            .contains(&("sasl.password".to_string(), "hunter2".to_string())));
    }

    #[test]
    fn petrarch_entries_and_no_defaults() {
        let c = load(
            "[coder]\ndefaults = false\nadd = [\"petrarch-verbs:CAMEO.2.0.txt\", \"petrarch:Phoenix.agents.txt\"]\n",
            &[],
        )
        .unwrap();
        let coder = c.coder().unwrap();
        assert!(coder.no_defaults);
        assert_eq!(
            coder.extra[0],
            ExtraDictionary {
                kind: Some(FileKind::Verbs),
                format: DictFormat::Petrarch,
                path: PathBuf::from("CAMEO.2.0.txt")
            }
        );
        assert_eq!(coder.extra[1].kind, None);
        assert_eq!(
            coder.dictionaries_name(),
            "CAMEO.2.0.txt, Phoenix.agents.txt"
        );
        assert!(parse_extra("petrarch-irregular:x").is_err());
        assert!(parse_extra("petrarch-nouns:x").is_err());
        assert!(parse_extra("petrarchverbs:x").is_err());
        for (text, want) in [
            ("[coder]\ndefaults = false\n", "add some files"),
            (
                "[coder]\ndefaults = false\ndictionaries = \"d\"\nadd = [\"actors:a\"]\n",
                "contradicts a dictionary directory",
            ),
        ] {
            let err = load(text, &[]).unwrap_err().to_string();
            assert!(
                err.contains("[coder] defaults") && err.contains(want),
                "{err}"
            );
        }
    }

    #[test]
    fn coder_section_converts_to_coder_config() {
        let c = load(
            "[coder]\ndictionaries = \"/etc/dicts\"\nadd = [\"actors:a.txt\", \"verbs:v.txt\"]\n",
            &[],
        )
        .unwrap();
        let coder = c.coder().unwrap();
        assert_eq!(coder.dictionaries, Some(PathBuf::from("/etc/dicts")));
        let own = |kind, path: &str| ExtraDictionary {
            kind: Some(kind),
            format: DictFormat::Own,
            path: PathBuf::from(path),
        };
        assert_eq!(
            coder.extra,
            [
                own(FileKind::Actors, "a.txt"),
                own(FileKind::Verbs, "v.txt")
            ]
        );
        assert_eq!(
            Config::default().coder().unwrap().dictionaries_name(),
            "built-in"
        );
    }

    #[test]
    fn a_full_valid_file_loads() {
        let c = load(
            "[kafka]\nbrokers = \"k:9092\"\ninput_topics = [\"a.b\", \"c_d-1\"]\n\
             assignment_strategy = \"range\"\ncompression = \"zstd\"\nstatistics_interval_ms = 0\n\
             [input]\nformat = \"text\"\nmax_article_bytes = 104857600\n\
             [pipeline]\nmax_in_flight = 1\ncoding_threads = 8\n\
             [metrics]\nlisten = \"[::1]:0\"\n\
             [shutdown]\ndrain_timeout_secs = 3600\n\
             [log]\nformat = \"json\"\nlevel = \"DEBUG\"\n\
             [output]\nformat = \"jsonl\"\nontology = \"plover\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(c.output.ontology, Ontology::Plover);
        for format in ["phoenix", "gdelt"] {
            let c = load(&format!("[output]\nformat = \"{format}\"\n"), &[]).unwrap();
            assert_eq!(c.output.format.name(), format);
        }
        assert_eq!(c.input.format, InputFormat::Text);
        assert_eq!(c.kafka.compression, "zstd");
        assert_eq!(c.metrics.listen.to_string(), "[::1]:0");
    }

    /// The pass-through tables are only useful if this build's librdkafka can do what
    /// they ask: TLS, SASL/SCRAM and zstd are compiled in (creating a client checks the
    /// configuration without connecting).
    #[test]
    fn tls_scram_and_zstd_are_built_in() {
        let c = Config::from_toml(
            "[kafka]\nbrokers = \"127.0.0.1:1\"\ncompression = \"zstd\"\n\
             [kafka.consumer]\n\"security.protocol\" = \"SASL_SSL\"\n\
             \"sasl.mechanisms\" = \"SCRAM-SHA-512\"\n\"sasl.username\" = \"u\"\n\
             \"sasl.password\" = \"p\"\n\
             [kafka.producer]\n\"security.protocol\" = \"SSL\"\n",
            Path::new("tls.toml"),
        )
        .unwrap();
        c.validate().unwrap();
        let mut cc = rdkafka::ClientConfig::new();
        for (k, v) in c.consumer_properties() {
            cc.set(k, v);
        }
        let consumer: Result<rdkafka::consumer::BaseConsumer, _> = cc.create();
        assert!(consumer.is_ok(), "SASL_SSL + SCRAM: {:?}", consumer.err());
        let mut pc = rdkafka::ClientConfig::new();
        for (k, v) in c.producer_properties() {
            pc.set(k, v);
        }
        let producer: Result<rdkafka::producer::BaseProducer, _> = pc.create();
        assert!(producer.is_ok(), "SSL + zstd: {:?}", producer.err());
    }
}

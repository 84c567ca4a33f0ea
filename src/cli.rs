//! Command-line arguments (clap derive). Raw input only: the commands turn these into
//! validated settings ([`crate::config`], [`crate::message::DecodeOptions`]).

use crate::export::{Format, Ontology};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// demarche: political event coding of news text (CAMEO/PLOVER).
///
/// Reads news articles (one JSON object per line) and writes the political events they
/// report: who did what to whom, and when, as CAMEO actor and event codes.
#[derive(Debug, Parser)]
#[command(name = "demarche", version, propagate_version = true)]
#[command(after_help = "\
Examples:
  demarche extract --input articles.jsonl --output events.jsonl
  demarche extract --input articles.jsonl --format gdelt > events.tsv
  demarche extract --input articles.jsonl --ontology plover > plover.jsonl
  cat articles.jsonl | demarche extract --threads 4 > events.jsonl
  demarche eval --input ../shared/eval/agnews_dev_articles.jsonl \\
                --gold ../shared/eval/agnews_dev_gold.jsonl --verbose
  demarche dict check --dictionaries ./dictionaries

Logging goes to stderr; set RUST_LOG (e.g. RUST_LOG=demarche=debug) to see more.")]
pub struct Cli {
    /// Format of log records on stderr.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = LogFormat::Text,
        env = "DEMARCHE_LOG_FORMAT"
    )]
    pub log_format: LogFormat,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log record format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per record.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Code an articles JSONL file (or stdin) into an events JSONL file (or stdout).
    ///
    /// Each input line is a JSON object with the article body in `text` (see
    /// --text-field) and optional `id`, `title`, `published_at` (RFC 3339 or
    /// YYYY-MM-DD), `url`, `source` and `language`. Each output line is one event in the
    /// `demarche.event/1` schema, in input order (--format phoenix|gdelt: tab-separated
    /// rows after a header line; --ontology plover: the PLOVER view). Malformed lines are
    /// reported on stderr as `line N: reason` and skipped (fatal with --strict).
    Extract(ExtractArgs),

    /// Code an articles file and score the events against a gold file.
    ///
    /// Uses the rules of ../shared/eval/score.py: CAMEO root level, actor-code
    /// prefixes, `|` alternatives, `*` any actor, `-` no actor, `<..>` either direction,
    /// `?` optional events, ` @YYYY-MM-DD` dates. Prints
    /// `precision=.. recall=.. f1=.. tp=.. fp=.. fn=.. articles=..` as the last line.
    Eval(EvalArgs),

    /// Inspect dictionaries: validate them or count their entries.
    #[command(subcommand)]
    Dict(DictCommand),

    /// Run the Kafka worker: consume articles, code them, publish events.
    ///
    /// Reads articles from the input topics, codes them on all cores, writes one message
    /// per event to the output topic (key = event_id) and undecodable input to the
    /// dead-letter topic, and commits an input offset only after everything produced
    /// from it is acknowledged (at least once). Serves /metrics, /healthz and /readyz.
    /// SIGTERM or Ctrl-C: stop consuming, drain, commit, flush, exit 0.
    ///
    /// Settings come from --config FILE (see config.toml), then DEMARCHE_* environment
    /// variables, then the flags below. --embedded starts an in-process Kafka cluster
    /// seeded with sample articles and prints the events: a demo with no set-up.
    Run(RunArgs),

    /// Re-code a bounded range of an input topic (or a JSONL archive) into an output
    /// topic: backfills, re-coding after a dictionary change, outage recovery.
    ///
    /// The range is fixed when the replay starts: --from and --to are `earliest`,
    /// `latest` (the high watermark at the start), an RFC 3339 time (resolved by the
    /// broker from message timestamps: the first message at or after it) or offsets per
    /// partition (`0:1200,1:900`; partitions not named in --from are not replayed). --to is
    /// exclusive. Partitions are assigned directly (no rebalancing); progress is
    /// committed under a replay group (default: the worker's group id + "-replay"; never
    /// the live group), so an interrupted replay continues with --resume. Events carry
    /// the same event_id keys as the live worker's, dead letters and at-least-once
    /// delivery work the same. Ends with a summary line on stdout and exit 0; SIGINT or
    /// SIGTERM drains, commits the progress and exits 130.
    Replay(ReplayArgs),
}

/// `demarche replay`
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  demarche replay --config config.toml --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z --dry-run
  demarche replay --config config.toml --from earliest --to latest --output-topic events-v2 --rate 2000
  demarche replay --config config.toml --from 2026-11-01T00:00:00Z --to latest --resume
  demarche replay --config config.toml --input-file archive.jsonl --output-topic events-v2")]
pub struct ReplayArgs {
    /// Configuration file (TOML; the same as the worker's, see config.toml).
    #[arg(long, short, value_name = "FILE", env = "DEMARCHE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Start of the range: earliest, latest, an RFC 3339 time or PARTITION:OFFSET,..
    #[arg(long, value_name = "T", default_value = "earliest", value_parser = crate::kafka::range::parse_bound)]
    pub from: crate::kafka::range::Bound,

    /// End of the range (exclusive): earliest, latest, an RFC 3339 time or
    /// PARTITION:OFFSET,..
    #[arg(long, value_name = "T", default_value = "latest", value_parser = crate::kafka::range::parse_bound)]
    pub to: crate::kafka::range::Bound,

    /// Input topic to replay (default: the one [kafka] input topic).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,

    /// Replay the articles of a JSONL file (`-`: stdin) instead of a topic; line N
    /// (0-based) stands for offset N of partition 0, so --from/--to may be earliest,
    /// latest or 0:LINE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["topic", "resume", "group"])]
    pub input_file: Option<PathBuf>,

    /// Output topic for the events (overrides [kafka] output_topic).
    #[arg(long, value_name = "TOPIC")]
    pub output_topic: Option<String>,

    /// Dead-letter topic (overrides [kafka] dead_letter_topic).
    #[arg(long, value_name = "TOPIC")]
    pub dead_letter_topic: Option<String>,

    /// Group id under which the replay commits its progress (default: [kafka] group_id
    /// + "-replay"). Must differ from the live worker's group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// Continue an interrupted replay: start each partition at the replay group's
    /// committed offset where that lies inside the range.
    #[arg(long)]
    pub resume: bool,

    /// At most N messages a second (a token bucket), to spare a production cluster.
    #[arg(long, value_name = "N", value_parser = parse_rate)]
    pub rate: Option<f64>,

    /// Print the partitions, offset ranges and message counts, and produce nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Kafka bootstrap servers (overrides [kafka] brokers).
    #[arg(long, value_name = "HOST:PORT,..")]
    pub brokers: Option<String>,

    /// Address of the metrics endpoint (overrides [metrics] listen; when that address is
    /// taken, e.g. by a worker on the same host, an ephemeral port is used instead).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Progress display on stderr: a bar on a terminal, else a log line every 10 s.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

/// How replay progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, else log lines.
    Auto,
    /// Always a bar.
    Bar,
    /// Log lines every 10 seconds.
    Log,
    /// Nothing until the summary.
    Off,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "'{s}' is not a positive number of messages per second"
        )),
    }
}

/// `demarche run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Configuration file (TOML; every key is documented in config.toml).
    #[arg(long, short, value_name = "FILE", env = "DEMARCHE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Run on an in-process Kafka cluster seeded with the bundled sample articles, and
    /// print the events as they arrive.
    #[arg(long)]
    pub embedded: bool,

    /// Kafka bootstrap servers (overrides [kafka] brokers).
    #[arg(long, value_name = "HOST:PORT,..")]
    pub brokers: Option<String>,

    /// Consumer group (overrides [kafka] group_id).
    #[arg(long, value_name = "GROUP")]
    pub group_id: Option<String>,

    /// Input topic; repeat for several (overrides [kafka] input_topics).
    #[arg(long = "input-topic", value_name = "TOPIC")]
    pub input_topic: Vec<String>,

    /// Output topic for events (overrides [kafka] output_topic).
    #[arg(long, value_name = "TOPIC")]
    pub output_topic: Option<String>,

    /// Dead-letter topic (overrides [kafka] dead_letter_topic).
    #[arg(long, value_name = "TOPIC")]
    pub dead_letter_topic: Option<String>,

    /// Address of the metrics and health endpoints (overrides [metrics] listen).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Stop (cleanly, as on SIGTERM) after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub run_for: Option<u64>,
}

/// Where the coder's dictionaries come from.
#[derive(Debug, Clone, Args)]
pub struct DictionaryArgs {
    /// Load the dictionaries from DIR (laid out like `dictionaries/`: actors/*.txt,
    /// agents.txt, verbs/*.txt, verbs/irregular.txt, discards.txt) instead of the
    /// compiled-in defaults.
    #[arg(long, value_name = "DIR", env = "DEMARCHE_DICTIONARIES")]
    pub dictionaries: Option<PathBuf>,

    /// Add a dictionary file of one kind on top of the defaults (or of --dictionaries),
    /// e.g. `actors:local-leaders.txt`; KIND is actors, agents, verbs, irregular or
    /// discards in demarche's format, or petrarch-verbs, petrarch-actors,
    /// petrarch-agents, petrarch-discards (or just `petrarch`, kind detected) for a
    /// PETRARCH-2 file such as CAMEO.2.0.txt. Repeatable; a phrase defined again later
    /// wins.
    #[arg(long = "add-dictionary", value_name = "KIND:FILE", value_parser = crate::config::parse_extra)]
    pub add: Vec<crate::config::ExtraDictionary>,

    /// Do not load the built-in dictionaries: only the --add-dictionary files (e.g. the
    /// PETRARCH-2 dictionaries instead of ours).
    #[arg(long, conflicts_with = "dictionaries")]
    pub no_default_dictionaries: bool,
}

impl DictionaryArgs {
    /// The coder settings these flags describe.
    pub fn coder_config(&self) -> crate::config::CoderConfig {
        crate::config::CoderConfig {
            dictionaries: self.dictionaries.clone(),
            extra: self.add.clone(),
            no_defaults: self.no_default_dictionaries,
        }
    }
}

/// How input articles are read and coded.
#[derive(Debug, Clone, Args)]
pub struct CodingArgs {
    #[command(flatten)]
    pub dictionaries: DictionaryArgs,

    /// JSON field holding the article body.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,

    /// Coding threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// `demarche extract`
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Articles JSONL to read; `-` is stdin.
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,

    /// Events JSONL to write; `-` is stdout.
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,

    /// Stop with exit status 1 at the first malformed input line.
    #[arg(long)]
    pub strict: bool,

    /// Output format: jsonl (one JSON event per line), or phoenix or gdelt (tab-separated
    /// Phoenix or GDELT 2.0 event-table columns, with a header line; docs/EXPORTS.md).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Jsonl)]
    pub format: Format,

    /// Event ontology of jsonl output: cameo (the demarche.event/1 schema) or plover
    /// (PLOVER event type, mode, context and actors first, the CAMEO code as a secondary
    /// field; docs/PLOVER.md). phoenix and gdelt are CAMEO tables: cameo only.
    #[arg(long, value_enum, value_name = "ONTOLOGY", default_value_t = Ontology::Cameo)]
    pub ontology: Ontology,

    /// Explain the coding on stderr: per sentence the actor mentions and their codes,
    /// the verb patterns matched (with dictionary file and line), and the source and
    /// target chosen for each. For tuning dictionaries; slow on large inputs.
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub coding: CodingArgs,
}

/// `demarche eval`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Articles JSONL to code.
    #[arg(
        long,
        short,
        value_name = "ARTICLES",
        required_unless_present = "petrarch_xml"
    )]
    pub input: Option<PathBuf>,

    /// Gold JSONL: one `{"id": .., "events": ["SRC CODE TGT", ..]}` per line.
    #[arg(
        long,
        short,
        value_name = "GOLD",
        required_unless_present = "petrarch_xml"
    )]
    pub gold: Option<PathBuf>,

    /// Instead of --input/--gold: code the records of a PETRARCH validation file
    /// (`PETR.UnitTest.records.xml`: `<Sentence>` records with `<Text>` and expected
    /// `<EventCoding>`) and report the share of records whose expected event set is
    /// produced exactly, the same at root level, expected events found (recall),
    /// precision and crashes. Use it with the dictionaries the file names, e.g.
    /// `--no-default-dictionaries --add-dictionary petrarch:PETR.Validate.verbs.txt ...`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "gold", "events_out"])]
    pub petrarch_xml: Option<PathBuf>,

    /// Print the misses of every article (missed gold events, extra events, wrong dates).
    #[arg(long, short)]
    pub verbose: bool,

    /// Also write the coded events (JSONL) to FILE.
    #[arg(long, value_name = "FILE")]
    pub events_out: Option<PathBuf>,

    #[command(flatten)]
    pub coding: CodingArgs,
}

/// `demarche dict ...`
#[derive(Debug, Subcommand)]
pub enum DictCommand {
    /// Validate dictionaries: print every diagnostic (`file:line: error|warning|skipped:
    /// message`) and the entry counts; exit status 1 if there is any error.
    Check(DictionaryArgs),
    /// Print the entry counts of the dictionaries.
    Stats(DictionaryArgs),
    /// Convert PETRARCH-2 dictionaries to demarche's own format.
    ///
    /// Writes a dictionary directory (actors/NN-NAME.txt, agents.txt,
    /// verbs/NN-NAME.txt, verbs/irregular.txt, discards.txt) that
    /// `--dictionaries DIR` loads, and prints per file its kind, what it held and every
    /// line that was skipped (`file:line: skipped: reason`).
    ImportPetrarch(ImportArgs),
}

/// `demarche dict import-petrarch`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Directory to write (created if missing; files of the same name are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// The kind of every file (actors, agents, verbs or discards); default: detected
    /// from each file's name, then its content.
    #[arg(long, value_name = "KIND", value_parser = parse_import_kind)]
    pub kind: Option<demarche_coder::FileKind>,

    /// PETRARCH dictionary files (CAMEO.2.0.txt, Phoenix.*.actors.txt, ...).
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

fn parse_import_kind(s: &str) -> Result<demarche_coder::FileKind, String> {
    demarche_coder::FileKind::parse(s)
        .filter(|k| *k != demarche_coder::FileKind::Irregular)
        .ok_or_else(|| format!("unknown kind {s:?}: expected actors, agents, verbs or discards"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn extract_defaults() {
        let cli = Cli::try_parse_from(["demarche", "extract"]).unwrap();
        let Command::Extract(a) = cli.command else {
            panic!("not extract")
        };
        assert_eq!(a.input, PathBuf::from("-"));
        assert_eq!(a.output, PathBuf::from("-"));
        assert_eq!(a.coding.text_field, "text");
        assert_eq!(a.coding.threads, None);
        assert!(!a.strict);
        assert_eq!(a.format, Format::Jsonl);
        assert_eq!(a.ontology, Ontology::Cameo);
    }

    #[test]
    fn extract_format_and_ontology() {
        let cli = Cli::try_parse_from([
            "demarche",
            "extract",
            "--format",
            "gdelt",
            "--ontology",
            "plover",
        ])
        .unwrap();
        let Command::Extract(a) = cli.command else {
            panic!("not extract")
        };
        assert_eq!((a.format, a.ontology), (Format::Gdelt, Ontology::Plover));
        assert!(Cli::try_parse_from(["demarche", "extract", "--format", "csv"]).is_err());
        assert!(Cli::try_parse_from(["demarche", "extract", "--ontology", "icews"]).is_err());
    }

    #[test]
    fn threads_must_be_positive() {
        assert!(Cli::try_parse_from(["demarche", "extract", "--threads", "0"]).is_err());
        assert!(Cli::try_parse_from(["demarche", "extract", "--threads", "3"]).is_ok());
    }
}

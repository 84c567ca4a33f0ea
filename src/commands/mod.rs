//! The subcommands, one file each, and what they share: exit statuses, opening files,
//! loading the coder, the coding thread pool.
//!
//! - [`extract`]: articles JSONL -> events JSONL
//! - [`eval`]: code a gold-annotated set and score it (port of `score.py`)
//! - [`dict`]: check dictionaries, print their counts, import PETRARCH dictionaries
//! - [`petrxml`]: the PETRARCH validation records for `eval --petrarch-xml`
//! - [`run`]: the Kafka worker; [`replay`]: a bounded re-coding of a topic range

pub mod dict;
pub mod eval;
pub mod extract;
pub mod petrxml;
pub mod replay;
pub mod run;

use crate::cli::{CodingArgs, Command, DictionaryArgs};
use crate::config::CoderConfig;
use anyhow::{Context, Result};
use demarche_coder::{Coder, Error as CoderError};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Runs one command; `Ok` carries the exit status of a command that finished normally.
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Extract(args) => extract::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Dict(cmd) => dict::run(cmd),
        Command::Run(args) => run::run(args),
        Command::Replay(args) => replay::run(args),
    }
}

/// An error about what the command was given (a missing file, unusable dictionaries,
/// a malformed gold file): exit status 2, like a usage error.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Exit status for an error returned by [`run`]: 2 for [`InputError`], else 1.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<InputError>().is_some() {
        2
    } else {
        1
    }
}

/// True when the error is a closed stdout (`demarche extract | head`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// An opened input: stdin or a file (with its size, for progress).
pub struct Input {
    /// Buffered reader.
    pub reader: Box<dyn BufRead + Send>,
    /// File size in bytes; `None` for stdin.
    pub size: Option<u64>,
}

/// Opens `path` for reading; `-` is stdin.
pub fn open_input(path: &Path) -> Result<Input> {
    if path == Path::new("-") {
        return Ok(Input {
            reader: Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            size: None,
        });
    }
    let file = File::open(path)
        .with_context(|| InputError(format!("cannot open input file {}", path.display())))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok(Input {
        reader: Box::new(BufReader::with_capacity(1 << 16, file)),
        size,
    })
}

/// Opens `path` for writing (created or truncated); `-` is stdout.
pub fn open_output(path: &Path) -> Result<Box<dyn Write>> {
    if path == Path::new("-") {
        return Ok(Box::new(BufWriter::with_capacity(
            1 << 16,
            io::stdout().lock(),
        )));
    }
    let file = File::create(path)
        .with_context(|| InputError(format!("cannot create output file {}", path.display())))?;
    Ok(Box::new(BufWriter::with_capacity(1 << 16, file)))
}

/// Loads and compiles the coder. Dictionary errors are printed on stderr, one per line,
/// and end the command with status 2.
pub fn load_coder(args: &DictionaryArgs) -> Result<Coder> {
    build_coder(&args.coder_config())
}

/// Loads and compiles the coder from coder settings (as [`load_coder`]).
pub fn build_coder(config: &CoderConfig) -> Result<Coder> {
    let started = std::time::Instant::now();
    config.validate().map_err(InputError)?;
    let builder = config.builder().map_err(|e| InputError(e.to_string()))?;
    let skipped = builder
        .dictionaries()
        .diagnostics
        .iter()
        .filter(|d| d.severity == demarche_coder::Severity::Skipped)
        .count();
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "dictionary lines skipped (see `demarche dict check` for each one)"
        );
    }
    let stats = builder.dictionaries().stats();
    match builder.build() {
        Ok(coder) => {
            tracing::info!(
                dictionaries = %config.dictionaries_name(),
                actors = stats.actors,
                verb_patterns = stats.verb_patterns,
                ms = started.elapsed().as_millis() as u64,
                "coder ready"
            );
            Ok(coder)
        }
        Err(CoderError::Dictionary(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            Err(InputError(format!(
                "{} error(s) in the dictionaries ({})",
                diagnostics.len(),
                config.dictionaries_name()
            ))
            .into())
        }
        Err(e) => Err(InputError(e.to_string()).into()),
    }
}

/// The thread pool that runs the coder: `--threads N`, default all cores.
pub fn thread_pool(args: &CodingArgs) -> Result<rayon::ThreadPool> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .thread_name(|i| format!("demarche-coder-{i}"))
        .build()
        .context("cannot start the coding threads")?;
    tracing::debug!(threads = pool.current_num_threads(), "coding pool started");
    Ok(pool)
}

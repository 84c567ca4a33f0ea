//! `demarche`: the command-line front end of the demarche event coder.
//!
//! `extract` (JSONL in, events out), `eval` (score against a gold file) and `dict`
//! (validate dictionaries). The coding itself lives in the `demarche-coder` crate; this
//! binary only reads, decodes, schedules and writes.

mod cli;
mod commands;
mod config;
mod export;
mod http;
mod kafka;
mod message;
mod metrics;

use clap::Parser;
use cli::{Cli, LogFormat};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// mimalloc: the coder allocates many small, short-lived buffers per article; this
/// allocator makes `extract` about a fifth faster than the system one (README, "Speed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `run` and `replay` take their log format and level from [log] of their
    // configuration too
    let config_file = match &cli.command {
        cli::Command::Run(args) => Some(args.config.as_deref()),
        cli::Command::Replay(args) => Some(args.config.as_deref()),
        _ => None,
    };
    let (format, level) = match config_file {
        Some(file) => {
            let env: Vec<(String, String)> = config::Config::process_env();
            match config::Config::load(file, &env) {
                Ok(c) => {
                    let json = cli.log_format == LogFormat::Json
                        || c.log.format == config::LogFormat::Json;
                    (
                        if json {
                            LogFormat::Json
                        } else {
                            LogFormat::Text
                        },
                        c.log.level.clone(),
                    )
                }
                // the command reports the configuration error itself
                Err(_) => (cli.log_format, "info".to_string()),
            }
        }
        None => (cli.log_format, "warn".to_string()),
    };
    init_logging(format, &level);
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(err) if commands::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(commands::exit_status(&err))
        }
    }
}

/// Logs to stderr; `RUST_LOG` filters (default: `level`).
fn init_logging(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().init(),
    }
}

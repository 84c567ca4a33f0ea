//! `demarche dict check|stats`: validate dictionaries and count their entries.

use super::InputError;
use crate::cli::{DictCommand, DictionaryArgs};
use crate::config::CoderConfig;
use anyhow::Result;
use demarche_coder::{Severity, Stats};
use std::io::{self, Write};
use std::process::ExitCode;

/// Runs `demarche dict ...`.
pub fn run(cmd: DictCommand) -> Result<ExitCode> {
    match cmd {
        DictCommand::Check(args) => check(&args),
        DictCommand::Stats(args) => stats(&args),
    }
}

fn config(args: &DictionaryArgs) -> CoderConfig {
    CoderConfig {
        dictionaries: args.dictionaries.clone(),
        extra: args.add.clone(),
    }
}

/// Prints every diagnostic and the counts; exit status 1 if any diagnostic is an error.
fn check(args: &DictionaryArgs) -> Result<ExitCode> {
    let config = config(args);
    let mut builder = config.builder().map_err(|e| InputError(e.to_string()))?;
    let diagnostics = builder.check();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let mut out = io::stdout().lock();
    for d in &diagnostics {
        writeln!(out, "{d}")?;
    }
    write_stats(
        &mut out,
        &config.dictionaries_name(),
        &builder.dictionaries().stats(),
    )?;
    writeln!(out, "{errors} error(s), {warnings} warning(s)")?;
    out.flush()?;
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the counts only.
fn stats(args: &DictionaryArgs) -> Result<ExitCode> {
    let config = config(args);
    let builder = config.builder().map_err(|e| InputError(e.to_string()))?;
    let mut out = io::stdout().lock();
    write_stats(
        &mut out,
        &config.dictionaries_name(),
        &builder.dictionaries().stats(),
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_stats(out: &mut impl Write, name: &str, s: &Stats) -> io::Result<()> {
    writeln!(out, "dictionaries: {name}")?;
    let rows = [
        ("actors", s.actors),
        ("  persons", s.persons),
        ("  organisations", s.orgs),
        ("  groups", s.groups),
        ("actor phrases", s.actor_phrases),
        ("agent phrases", s.agent_phrases),
        ("verb patterns", s.verb_patterns),
        ("verb forms", s.verb_forms),
        ("event codes used", s.verb_codes),
        ("discard phrases", s.discards),
    ];
    for (label, n) in rows {
        writeln!(out, "{label:<18}{n:>8}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_table() {
        let s = Stats {
            actors: 12,
            verb_patterns: 3,
            ..Stats::default()
        };
        let mut out = Vec::new();
        write_stats(&mut out, "built-in", &s).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("dictionaries: built-in\nactors                  12\n"),
            "{text}"
        );
        assert!(text.contains("verb patterns            3\n"), "{text}");
    }
}

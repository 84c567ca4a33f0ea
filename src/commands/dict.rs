//! `demarche dict check|stats|import-petrarch`: validate dictionaries, count their
//! entries, convert PETRARCH-2 dictionaries to demarche's own format.

use super::InputError;
use crate::cli::{DictCommand, DictionaryArgs, ImportArgs};
use crate::config::CoderConfig;
use anyhow::Context;
use anyhow::Result;
use demarche_coder::dictionary::{own, petrarch};
use demarche_coder::{Dictionaries, FileKind, Severity, Stats};
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

/// Runs `demarche dict ...`.
pub fn run(cmd: DictCommand) -> Result<ExitCode> {
    match cmd {
        DictCommand::Check(args) => check(&args),
        DictCommand::Stats(args) => stats(&args),
        DictCommand::ImportPetrarch(args) => import(&args),
    }
}

/// `import-petrarch`: each file read with the PETRARCH loader and written in our format.
fn import(args: &ImportArgs) -> Result<ExitCode> {
    let mut agents = String::new();
    let mut discards = String::new();
    let mut irregular = demarche_coder::dictionary::Irregulars::new();
    let mut written: Vec<(String, String)> = Vec::new();
    let mut out = io::stdout().lock();
    let mut total_skipped = 0;
    for (i, path) in args.files.iter().enumerate() {
        let text = std::fs::read_to_string(path)
            .with_context(|| InputError(format!("cannot read {}", path.display())))?;
        let name = path.display().to_string();
        let kind = args
            .kind
            .or_else(|| petrarch::detect_kind(&name, &text))
            .ok_or_else(|| {
                InputError(format!(
                    "cannot tell what {name} holds: give --kind actors|agents|verbs|discards"
                ))
            })?;
        let mut d = Dictionaries::default();
        petrarch::load(&mut d, kind, &name, &text);
        for diag in &d.diagnostics {
            writeln!(out, "{diag}")?;
        }
        total_skipped += d.diagnostics.len();
        let stem = path
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".txt").to_string())
            .unwrap_or_else(|| "petrarch".into());
        let header = format!(
            "# Imported from the PETRARCH-2 file {} by `demarche dict import-petrarch`.\n",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let (summary, dropped) = match kind {
            FileKind::Actors => {
                let (t, dropped) = own::write_actors(&d.actors);
                written.push((format!("actors/{:02}-{stem}.txt", i + 1), header + &t));
                let phrases: usize = d.actors.iter().map(|a| a.phrases.len()).sum();
                (
                    format!("{} actors, {phrases} phrases", d.actors.len()),
                    dropped,
                )
            }
            FileKind::Agents => {
                let (t, dropped) = own::write_agents(&d.agents);
                agents.push_str(&header);
                agents.push_str(&t);
                (format!("{} agents", d.agents.len()), dropped)
            }
            FileKind::Verbs | FileKind::Irregular => {
                let t = own::write_verbs(&d.verbs, &d.synsets)
                    + &own::write_transformations(&d.transformations);
                written.push((format!("verbs/{:02}-{stem}.txt", i + 1), header + &t));
                let n_irr = d.irregular.len();
                for (lemma, forms) in d.irregular {
                    let list = irregular.entry(lemma).or_default();
                    for f in forms {
                        if !list.contains(&f) {
                            list.push(f);
                        }
                    }
                }
                (
                    format!(
                        "{} verb patterns, {} transformations, {n_irr} irregular verbs",
                        d.verbs.len(),
                        d.transformations.len()
                    ),
                    0,
                )
            }
            FileKind::Discards => {
                let (t, dropped) = own::write_discards(&d.discards);
                discards.push_str(&header);
                discards.push_str(&t);
                (
                    format!(
                        "{} story and {} sentence discards",
                        d.discards.story.len(),
                        d.discards.sentence.len()
                    ),
                    dropped,
                )
            }
        };
        let kind_name = format!("{kind:?}").to_lowercase();
        write!(
            out,
            "{name}: {kind_name}: {summary}, {} line(s) skipped",
            d.diagnostics.len()
        )?;
        if dropped > 0 {
            write!(out, ", {dropped} phrase(s) not writable")?;
        }
        writeln!(out)?;
    }
    if !agents.is_empty() {
        written.push(("agents.txt".into(), agents));
    }
    if !discards.is_empty() {
        written.push(("discards.txt".into(), discards));
    }
    if !irregular.is_empty() {
        written.push((
            "verbs/irregular.txt".into(),
            own::write_irregular(&irregular),
        ));
    }
    for (rel, text) in &written {
        write_file(&args.out.join(rel), text)?;
    }
    writeln!(
        out,
        "wrote {} file(s) to {} ({total_skipped} line(s) skipped); load them with --dictionaries {}",
        written.len(),
        args.out.display(),
        args.out.display()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| InputError(format!("cannot create {}", dir.display())))?;
    }
    std::fs::write(path, text)
        .with_context(|| InputError(format!("cannot write {}", path.display())))?;
    Ok(())
}

fn config(args: &DictionaryArgs) -> Result<CoderConfig> {
    let c = args.coder_config();
    c.validate().map_err(InputError)?;
    Ok(c)
}

/// Prints every diagnostic and the counts; exit status 1 if any diagnostic is an error.
fn check(args: &DictionaryArgs) -> Result<ExitCode> {
    let config = config(args)?;
    let mut builder = config.builder().map_err(|e| InputError(e.to_string()))?;
    let diagnostics = builder.check();
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, skipped) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Skipped),
    );
    let mut out = io::stdout().lock();
    for d in &diagnostics {
        writeln!(out, "{d}")?;
    }
    write_stats(
        &mut out,
        &config.dictionaries_name(),
        &builder.dictionaries().stats(),
    )?;
    if skipped > 0 {
        writeln!(
            out,
            "{errors} error(s), {warnings} warning(s), {skipped} line(s) skipped"
        )?;
    } else {
        writeln!(out, "{errors} error(s), {warnings} warning(s)")?;
    }
    out.flush()?;
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the counts only.
fn stats(args: &DictionaryArgs) -> Result<ExitCode> {
    let config = config(args)?;
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

//! `demarche extract`: articles JSONL in, events JSONL out, in input order.
//!
//! A reader thread cuts the input into chunks of lines; each chunk is decoded and coded
//! in parallel on the rayon pool and its results written in order before the next chunk
//! is coded, so the output order is the input order whatever the thread count, and
//! memory stays bounded by a few chunks.

use super::{load_coder, open_input, open_output, thread_pool, Input, InputError};
use crate::cli::ExtractArgs;
use crate::export;
use crate::message::{code_guarded, decode_article, DecodeError, DecodeOptions};
use anyhow::{anyhow, Context, Result};
use demarche_coder::{Coder, Event};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

/// Lines coded in parallel between two ordered writes.
const CHUNK_LINES: usize = 256;
/// A chunk also ends once it holds this many bytes.
const CHUNK_BYTES: usize = 8 << 20;

/// Runs `demarche extract`.
pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let started = Instant::now();
    export::check(args.format, args.ontology).map_err(|e| {
        InputError(format!(
            "--format {} --ontology {}: {e}",
            args.format.name(),
            args.ontology.name()
        ))
    })?;
    let input = open_input(&args.input)?;
    let coder = load_coder(&args.coding.dictionaries)?;
    let pool = thread_pool(&args.coding)?;
    let opts = DecodeOptions {
        text_field: args.coding.text_field.clone(),
    };
    let mut out = open_output(&args.output)?;
    let mut header = Vec::new();
    export::write_header(args.format, &mut header);
    out.write_all(&header).context("cannot write events")?;
    let progress = progress_bar(&input);
    let mut totals = Totals::default();

    let result = code_lines(
        input,
        &coder,
        &pool,
        &opts,
        args.explain,
        |outcomes, bytes| {
            let mut buf = Vec::with_capacity(outcomes.len() * 1024);
            for o in outcomes {
                match o.result {
                    Ok(coded) => {
                        report_warnings(o.line, &coded.warnings, progress.as_ref());
                        for x in &coded.explanation {
                            say(progress.as_ref(), &format!("line {}: {x}", o.line));
                        }
                        totals.articles += 1;
                        totals.events += coded.events.len() as u64;
                        for e in &coded.events {
                            export::encode_line(args.format, args.ontology, e, &mut buf)
                                .context("cannot encode an event")?;
                        }
                    }
                    Err(err) if args.strict => {
                        out.write_all(&buf)?;
                        out.flush()?;
                        return Err(anyhow!("line {}: {err}", o.line));
                    }
                    Err(err) => {
                        say(progress.as_ref(), &format!("line {}: {err}", o.line));
                        totals.skipped += 1;
                    }
                }
            }
            out.write_all(&buf).context("cannot write events")?;
            out.flush().context("cannot write events")?;
            totals.bytes += bytes;
            if let Some(p) = &progress {
                p.inc(bytes);
            }
            Ok(())
        },
    );
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    result?;
    out.flush().context("cannot write events")?;
    totals.report(started);
    // the process ends here: freeing the compiled dictionaries entry by entry would only
    // cost time (tens of milliseconds with the PETRARCH-2 files)
    std::mem::forget(coder);
    Ok(ExitCode::SUCCESS)
}

/// Counts for the final summary line.
#[derive(Debug, Default)]
pub struct Totals {
    /// Articles decoded and coded.
    pub articles: u64,
    /// Events written.
    pub events: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// Input bytes read.
    pub bytes: u64,
}

impl Totals {
    /// Prints the summary line on stderr.
    pub fn report(&self, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        let mbps = if secs > 0.0 {
            self.bytes as f64 / 1e6 / secs
        } else {
            0.0
        };
        eprintln!(
            "{} articles, {} events, {} skipped lines in {secs:.2} s ({mbps:.2} MB/s)",
            self.articles, self.events, self.skipped
        );
    }
}

/// Prints an article's non-fatal problems on stderr.
pub fn report_warnings(line: usize, warnings: &[String], progress: Option<&ProgressBar>) {
    for w in warnings {
        say(progress, &format!("line {line}: warning: {w}"));
    }
}

/// Prints a line on stderr, above the progress bar if there is one.
fn say(progress: Option<&ProgressBar>, msg: &str) {
    match progress {
        Some(bar) => bar.suspend(|| eprintln!("{msg}")),
        None => eprintln!("{msg}"),
    }
}

/// A bytes-based progress bar on stderr, only for a file input on a terminal.
fn progress_bar(input: &Input) -> Option<ProgressBar> {
    let size = input.size?;
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(size);
    let style = ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .ok()?;
    bar.set_style(style);
    Some(bar)
}

/// One input line, decoded and coded.
#[derive(Debug)]
pub struct Outcome {
    /// 1-based line number.
    pub line: usize,
    /// The events and warnings of the article, or why the line is not an article.
    pub result: Result<CodedArticle, DecodeError>,
}

/// The events of one article.
#[derive(Debug)]
pub struct CodedArticle {
    /// Events, in the coder's order.
    pub events: Vec<Event>,
    /// Non-fatal decoding problems.
    pub warnings: Vec<String>,
    /// The coder's explanation (with `--explain`).
    pub explanation: Vec<String>,
}

/// A run of input lines (blank lines left out).
struct Chunk {
    lines: Vec<(usize, Vec<u8>)>,
    bytes: u64,
}

/// Reads `input` as JSONL, codes it on `pool`, and gives `sink` the outcomes of each
/// chunk of lines in input order, with the number of input bytes the chunk covers.
/// Stops at the first error of reading or of `sink`.
pub fn code_lines(
    input: Input,
    coder: &Coder,
    pool: &rayon::ThreadPool,
    opts: &DecodeOptions,
    explain: bool,
    mut sink: impl FnMut(Vec<Outcome>, u64) -> Result<()>,
) -> Result<()> {
    // The reader runs ahead by at most two chunks. It is not joined on an early error:
    // it may be blocked on a stdin that never ends, and stops at its next send.
    let (tx, rx) = mpsc::sync_channel::<io::Result<Chunk>>(2);
    let reader = std::thread::Builder::new()
        .name("demarche-reader".into())
        .spawn(move || read_chunks(input.reader, tx))
        .context("cannot start the reader thread")?;
    for chunk in rx {
        let chunk = chunk.context("cannot read the input")?;
        let outcomes = pool.install(|| {
            chunk
                .lines
                .par_iter()
                .map(|(line, bytes)| code_line(coder, opts, explain, *line, bytes))
                .collect()
        });
        sink(outcomes, chunk.bytes)?;
    }
    let _ = reader.join();
    Ok(())
}

fn code_line(
    coder: &Coder,
    opts: &DecodeOptions,
    explain: bool,
    line: usize,
    bytes: &[u8],
) -> Outcome {
    let result = decode_article(bytes, opts, || line.to_string()).and_then(|d| {
        let (events, explanation) = code_guarded(|| {
            if explain {
                coder.explain(&d.article)
            } else {
                (coder.code(&d.article), Vec::new())
            }
        })
        .map_err(DecodeError::Coding)?;
        Ok(CodedArticle {
            events,
            warnings: d.warnings,
            explanation,
        })
    });
    Outcome { line, result }
}

fn read_chunks(mut reader: Box<dyn BufRead + Send>, tx: mpsc::SyncSender<io::Result<Chunk>>) {
    let mut line_no = 0;
    loop {
        let mut chunk = Chunk {
            lines: Vec::with_capacity(CHUNK_LINES),
            bytes: 0,
        };
        let mut held = 0;
        let mut eof = false;
        while chunk.lines.len() < CHUNK_LINES && held < CHUNK_BYTES {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    line_no += 1;
                    chunk.bytes += n as u64;
                    if !buf.iter().all(u8::is_ascii_whitespace) {
                        held += n;
                        chunk.lines.push((line_no, buf));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        if (chunk.bytes > 0 && tx.send(Ok(chunk)).is_err()) || eof {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn run_on(text: &str, threads: usize) -> Vec<(usize, Result<Vec<String>, String>)> {
        let coder = Coder::with_defaults().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let input = Input {
            reader: Box::new(Cursor::new(text.as_bytes().to_vec())),
            size: None,
        };
        let mut seen = Vec::new();
        let mut total = 0;
        code_lines(
            input,
            &coder,
            &pool,
            &DecodeOptions::default(),
            false,
            |outcomes, bytes| {
                total += bytes;
                for o in outcomes {
                    let r = o
                        .result
                        .map(|c| c.events.iter().map(|e| e.article_id.to_string()).collect())
                        .map_err(|e| e.to_string());
                    seen.push((o.line, r));
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(total, text.len() as u64);
        seen
    }

    #[test]
    fn lines_keep_their_numbers_and_order() {
        let text = "{\"text\":\"Russia on Thursday condemned the United Nations.\"}\n\
                    \n\
                    not json\n\
                    {\"id\":\"x\",\"text\":\"Russia on Thursday condemned the United Nations.\"}";
        let seen = run_on(text, 2);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].0, 1);
        assert!(seen[0].1.as_ref().unwrap().iter().all(|id| id == "1"));
        assert!(!seen[0].1.as_ref().unwrap().is_empty());
        assert_eq!(seen[1].0, 3);
        assert!(seen[1].1.as_ref().unwrap_err().starts_with("invalid JSON"));
        assert_eq!(seen[2].0, 4);
        assert!(seen[2].1.as_ref().unwrap().iter().all(|id| id == "x"));
    }

    #[test]
    fn many_chunks_stay_in_order() {
        let n = CHUNK_LINES * 3 + 17;
        let text: String = (0..n)
            .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"France criticized Germany.\"}}\n"))
            .collect();
        let seen = run_on(&text, 3);
        let lines: Vec<usize> = seen.iter().map(|s| s.0).collect();
        assert_eq!(lines, (1..=n).collect::<Vec<_>>());
    }

    #[test]
    fn empty_input() {
        assert!(run_on("", 1).is_empty());
        assert!(run_on("\n\n", 1).is_empty());
    }
}

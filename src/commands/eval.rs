//! `demarche eval`: code a gold-annotated article set and score it.
//!
//! The scorer is a line-for-line port of `../shared/eval/score.py`, so that
//! `demarche eval` and `score.py` print the same verbose lines and the same final line:
//!
//! - gold events `SRC CODE TGT [@YYYY-MM-DD] [?]`; SRC/TGT are `|`-separated actor-code
//!   prefixes, `*` any actor, `-` no actor; CODE `|`-separated CAMEO codes compared on
//!   their 2-digit root, `<CODE>` either direction; `?` optional;
//! - predictions are de-duplicated per article by (source, root, target, date), keeping
//!   the first occurrence's position;
//! - each prediction in order takes the first unmatched required gold event it matches
//!   (a true positive, its date scored when the gold has one); otherwise it is ignored
//!   if it matches any gold event (a duplicate, or an optional one), else it is a false
//!   positive; unmatched required gold events are false negatives. An article with an
//!   empty gold list is a trap: all its events are false positives.

use super::extract::{code_lines, report_warnings, Totals};
use super::{load_coder, open_input, open_output, thread_pool, InputError};
use crate::cli::EvalArgs;
use crate::message::{encode_event, DecodeOptions};
use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Runs `demarche eval`.
pub fn run(args: EvalArgs) -> Result<ExitCode> {
    if let Some(xml) = &args.petrarch_xml {
        return run_petrarch(&args, xml);
    }
    let (Some(gold_path), Some(input_path)) = (&args.gold, &args.input) else {
        return Err(InputError("give --input and --gold, or --petrarch-xml".into()).into());
    };
    let started = Instant::now();
    let gold = load_gold(gold_path)?;
    let input = open_input(input_path)?;
    let coder = load_coder(&args.coding.dictionaries)?;
    let pool = thread_pool(&args.coding)?;
    let opts = DecodeOptions {
        text_field: args.coding.text_field.clone(),
    };
    let mut events_out = match &args.events_out {
        Some(path) => Some(open_output(path)?),
        None => None,
    };
    let mut totals = Totals::default();
    let mut predictions: Vec<Value> = Vec::new();
    code_lines(input, &coder, &pool, &opts, false, |outcomes, bytes| {
        totals.bytes += bytes;
        let mut buf = Vec::new();
        for o in outcomes {
            match o.result {
                Ok(coded) => {
                    report_warnings(o.line, &coded.warnings, None);
                    totals.articles += 1;
                    totals.events += coded.events.len() as u64;
                    for e in &coded.events {
                        if events_out.is_some() {
                            encode_event(e, &mut buf)?;
                        }
                        predictions.push(serde_json::to_value(e)?);
                    }
                }
                Err(err) => {
                    eprintln!("line {}: {err}", o.line);
                    totals.skipped += 1;
                }
            }
        }
        if let Some(out) = &mut events_out {
            out.write_all(&buf).context("cannot write events")?;
        }
        Ok(())
    })?;
    if let Some(mut out) = events_out {
        out.flush().context("cannot write events")?;
    }
    totals.report(started);

    let preds = group_predictions(&predictions);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let verbose: Option<&mut dyn Write> = if args.verbose { Some(&mut out) } else { None };
    let score = score(&gold, &preds, verbose)?;
    writeln!(out, "{score}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `--petrarch-xml FILE`: scores the PETRARCH validation records.
fn run_petrarch(args: &EvalArgs, xml: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(xml)
        .with_context(|| InputError(format!("cannot read {}", xml.display())))?;
    let records = super::petrxml::parse_records(&text);
    if records.is_empty() {
        return Err(InputError(format!("{}: no <Sentence> record", xml.display())).into());
    }
    let coder = load_coder(&args.coding.dictionaries)?;
    let started = Instant::now();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let verbose: Option<&mut dyn Write> = if args.verbose { Some(&mut out) } else { None };
    let score = super::petrxml::score_records(&coder, &records, verbose)?;
    eprintln!(
        "{} records coded in {:.2}s",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    writeln!(out, "{score}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a gold file; any malformed line is an [`InputError`].
fn load_gold(path: &Path) -> Result<Vec<GoldArticle>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| InputError(format!("cannot read gold file {}", path.display())))?;
    let mut gold = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let article = parse_gold_line(line)
            .map_err(|e| InputError(format!("{}:{}: {e}", path.display(), i + 1)))?;
        gold.push(article);
    }
    Ok(gold)
}

/// One gold article.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    /// Article id (`str(id)` in Python terms).
    pub id: String,
    /// Its events.
    pub events: Vec<GoldEvent>,
}

/// One gold event.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEvent {
    /// Source alternatives (prefixes, `*`, `-`).
    pub src: Vec<String>,
    /// Accepted 2-character roots.
    pub roots: HashSet<String>,
    /// Target alternatives.
    pub tgt: Vec<String>,
    /// `<CODE>`: either direction.
    pub sym: bool,
    /// Trailing `?`.
    pub optional: bool,
    /// The event as written, without date and `?` (for verbose lines).
    pub text: String,
    /// ` @YYYY-MM-DD`, when given.
    pub date: Option<String>,
}

/// One predicted event, reduced to what is scored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Prediction {
    /// Source code, `""` for none.
    pub src: String,
    /// First two characters of the event code.
    pub root: String,
    /// Target code, `""` for none.
    pub tgt: String,
    /// First ten characters of the date, `""` for none.
    pub date: String,
}

/// Parses a gold line: `{"id": .., "events": ["SRC CODE TGT", ..]}`.
pub fn parse_gold_line(line: &str) -> Result<GoldArticle, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let id = match v.get("id") {
        Some(id) => py_str(id),
        None => return Err("missing field `id`".into()),
    };
    let Some(list) = v.get("events").and_then(Value::as_array) else {
        return Err("missing list `events`".into());
    };
    let events = list
        .iter()
        .map(|e| match e {
            Value::String(s) => parse_gold_event(s).map_err(|err| format!("{s:?}: {err}")),
            other => Err(format!("gold event {other} is not a string")),
        })
        .collect::<Result<_, _>>()?;
    Ok(GoldArticle { id, events })
}

/// Parses one gold event string (`parse_gold_event` of score.py).
pub fn parse_gold_event(s: &str) -> Result<GoldEvent, String> {
    let mut s = s.trim();
    let optional = s.ends_with('?');
    if optional {
        s = s[..s.len() - 1].trim();
    }
    let mut date = None;
    if let Some((head, d)) = split_date(s) {
        date = Some(d.to_string());
        s = head.trim();
    }
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [src, code, tgt] = parts[..] else {
        return Err(format!(
            "expected `SRC CODE TGT`, found {} word(s)",
            parts.len()
        ));
    };
    let sym = code.starts_with('<') && code.ends_with('>');
    let code = code.trim_matches(['<', '>']);
    Ok(GoldEvent {
        src: src.split('|').map(str::to_string).collect(),
        roots: code.split('|').map(|c| prefix(c, 2).to_string()).collect(),
        tgt: tgt.split('|').map(str::to_string).collect(),
        sym,
        optional,
        text: s.to_string(),
        date,
    })
}

/// `re.search(r"\s@(\d{4}-\d{2}-\d{2})$", s)`: the text before the whitespace, and
/// the date.
fn split_date(s: &str) -> Option<(&str, &str)> {
    let date = s.get(s.len().checked_sub(10)?..)?;
    let shape_ok = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    let before = s[..s.len() - 10].strip_suffix('@')?;
    let ws = before.chars().next_back()?;
    (shape_ok && ws.is_whitespace()).then(|| (&before[..before.len() - ws.len_utf8()], date))
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Python's `str()` of a JSON value, for ids.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// Python truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// `code_of` of score.py: an actor code from a string, an object's `code`, or null.
fn code_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => match o.get("code") {
            Some(c) if truthy(c) => py_str(c),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

impl Prediction {
    /// The scored fields of one event JSON object (`load_predictions` of score.py).
    pub fn from_json(e: &Value) -> Prediction {
        let action = e.get("action").filter(|a| truthy(a));
        let code = match action {
            Some(Value::Object(o)) => o.get("code").filter(|c| truthy(c)).map(py_str),
            Some(other) => Some(py_str(other)),
            None => None,
        }
        .unwrap_or_default();
        let date = e
            .get("date")
            .filter(|d| truthy(d))
            .map(py_str)
            .unwrap_or_default();
        Prediction {
            src: code_of(e.get("source")),
            root: prefix(&code, 2).to_string(),
            tgt: code_of(e.get("target")),
            date: prefix(&date, 10).to_string(),
        }
    }
}

/// Predictions per article id, de-duplicated by (source, root, target, date) with
/// the first occurrence's position kept.
pub fn group_predictions(events: &[Value]) -> HashMap<String, Vec<Prediction>> {
    let mut out: HashMap<String, Vec<Prediction>> = HashMap::new();
    let mut seen: HashSet<(String, Prediction)> = HashSet::new();
    for e in events {
        let aid = e
            .get("article_id")
            .map_or_else(|| "None".to_string(), py_str);
        let p = Prediction::from_json(e);
        if seen.insert((aid.clone(), p.clone())) {
            out.entry(aid).or_default().push(p);
        }
    }
    out
}

fn actor_ok(alts: &[String], code: &str) -> bool {
    let code = code.to_uppercase();
    alts.iter().any(|a| match a.as_str() {
        "*" => true,
        "-" => code.is_empty(),
        a => !code.is_empty() && code.starts_with(&a.to_uppercase()),
    })
}

fn matches(g: &GoldEvent, p: &Prediction) -> bool {
    if !g.roots.contains(&p.root) {
        return false;
    }
    if actor_ok(&g.src, &p.src) && actor_ok(&g.tgt, &p.tgt) {
        return true;
    }
    g.sym && actor_ok(&g.src, &p.tgt) && actor_ok(&g.tgt, &p.src)
}

/// Totals of a scoring run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    /// Matched required gold events.
    pub tp: usize,
    /// Predictions matching no gold event.
    pub fp: usize,
    /// Required gold events left unmatched.
    pub fn_: usize,
    /// Matched gold events that carry a date.
    pub dated: usize,
    /// Of those, predicted with the same date.
    pub dated_ok: usize,
    /// Gold articles.
    pub articles: usize,
}

impl Score {
    /// tp / (tp + fp), 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn), 0 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r != 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for Score {
    /// The final line of score.py.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "precision={:.3} recall={:.3} f1={:.3} tp={} fp={} fn={} articles={}",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fp,
            self.fn_,
            self.articles
        )?;
        if self.dated > 0 {
            write!(
                f,
                " date_accuracy={:.3} dated={}",
                ratio(self.dated_ok, self.dated),
                self.dated
            )?;
        }
        Ok(())
    }
}

/// Scores predictions against gold articles; with `verbose`, writes the per-article
/// misses there exactly as score.py prints them.
pub fn score(
    gold: &[GoldArticle],
    preds: &HashMap<String, Vec<Prediction>>,
    mut verbose: Option<&mut dyn Write>,
) -> io::Result<Score> {
    let mut s = Score {
        articles: gold.len(),
        ..Score::default()
    };
    for art in gold {
        let aid = &art.id;
        let required: Vec<&GoldEvent> = art.events.iter().filter(|g| !g.optional).collect();
        let optional: Vec<&GoldEvent> = art.events.iter().filter(|g| g.optional).collect();
        let mut matched = vec![false; required.len()];
        let mut art_fp: Vec<&Prediction> = Vec::new();
        for p in preds.get(aid).map(Vec::as_slice).unwrap_or_default() {
            let hit = (0..required.len()).find(|&i| !matched[i] && matches(required[i], p));
            if let Some(i) = hit {
                matched[i] = true;
                if let Some(date) = &required[i].date {
                    s.dated += 1;
                    if p.date == *date {
                        s.dated_ok += 1;
                    } else if let Some(w) = verbose.as_deref_mut() {
                        let shown = if p.date.is_empty() { "-" } else { &p.date };
                        writeln!(w, "== {aid}: date {shown} for {} @{date}", required[i].text)?;
                    }
                }
                continue;
            }
            if required.iter().chain(&optional).any(|g| matches(g, p)) {
                continue; // a duplicate of a matched event, or an optional one
            }
            art_fp.push(p);
        }
        let a_tp = matched.iter().filter(|m| **m).count();
        s.tp += a_tp;
        s.fn_ += required.len() - a_tp;
        s.fp += art_fp.len();
        if let Some(w) = verbose.as_deref_mut() {
            if !art_fp.is_empty() || a_tp < required.len() {
                writeln!(w, "== {aid}")?;
                for (g, _) in required.iter().zip(&matched).filter(|(_, m)| !**m) {
                    writeln!(w, "   missed  {}", g.text)?;
                }
                for p in art_fp {
                    writeln!(
                        w,
                        "   extra   {} {} {}",
                        or_dash(&p.src),
                        p.root,
                        or_dash(&p.tgt)
                    )?;
                }
            }
        }
    }
    Ok(s)
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold(id: &str, events: &[&str]) -> GoldArticle {
        GoldArticle {
            id: id.to_string(),
            events: events
                .iter()
                .map(|e| parse_gold_event(e).unwrap())
                .collect(),
        }
    }

    fn ev(aid: &str, src: &str, code: &str, tgt: Option<&str>, date: Option<&str>) -> Value {
        json!({
            "article_id": aid,
            "source": {"code": src},
            "target": tgt.map(|t| json!({"code": t})),
            "action": {"code": code},
            "date": date,
        })
    }

    fn run(gold: &[GoldArticle], events: &[Value]) -> (Score, String) {
        let preds = group_predictions(events);
        let mut out = Vec::new();
        let s = score(gold, &preds, Some(&mut out)).unwrap();
        (s, String::from_utf8(out).unwrap())
    }

    #[test]
    fn parse_full_syntax() {
        let g = parse_gold_event("  RUS|CHN <04|042> IGOUNO @2014-11-20 ? ").unwrap();
        assert_eq!(g.src, ["RUS", "CHN"]);
        assert_eq!(g.roots, HashSet::from(["04".to_string()]));
        assert_eq!(g.tgt, ["IGOUNO"]);
        assert!(g.sym && g.optional);
        assert_eq!(g.date.as_deref(), Some("2014-11-20"));
        assert_eq!(g.text, "RUS|CHN <04|042> IGOUNO");

        let g = parse_gold_event("* 1|190 -").unwrap();
        assert_eq!(g.roots, HashSet::from(["1".to_string(), "19".to_string()]));
        assert!(!g.sym && !g.optional && g.date.is_none());
    }

    #[test]
    fn parse_errors_and_edge_dates() {
        assert!(parse_gold_event("RUS 11").is_err());
        assert!(parse_gold_event("RUS 11 USA extra").is_err());
        // A `?` after the date is optional; a date after `?` is not a date.
        assert!(
            parse_gold_event("RUS 11 USA @2014-11-20?")
                .unwrap()
                .optional
        );
        assert!(parse_gold_event("RUS 11 USA ? @2014-11-20").is_err());
        // The date needs whitespace before `@` and the exact shape.
        let g = parse_gold_event("RUS 11 USA@2014-11-20").unwrap();
        assert_eq!(
            (g.tgt[0].as_str(), g.date.as_deref()),
            ("USA@2014-11-20", None)
        );
        assert!(parse_gold_event("RUS 11 USA @2014-1-20").is_err());
        assert!(
            parse_gold_line(r#"{"id": 5, "events": ["A 01 B"]}"#)
                .unwrap()
                .id
                == "5"
        );
        assert!(parse_gold_line(r#"{"id": "a"}"#).is_err());
        assert!(parse_gold_line(r#"{"id": "a", "events": [3]}"#).is_err());
    }

    #[test]
    fn prediction_fields() {
        let p = Prediction::from_json(&ev("a", "RUSGOV", "1121", None, Some("2014-11-20T10:00")));
        assert_eq!(
            p,
            Prediction {
                src: "RUSGOV".into(),
                root: "11".into(),
                tgt: "".into(),
                date: "2014-11-20".into()
            }
        );
        let p = Prediction::from_json(
            &json!({"article_id": 1, "source": "USA", "target": null, "action": 190}),
        );
        assert_eq!(
            (p.src.as_str(), p.root.as_str(), p.tgt.as_str()),
            ("USA", "19", "")
        );
        let p = Prediction::from_json(&json!({"article_id": 1, "action": {}}));
        assert_eq!(p.root, "");
    }

    #[test]
    fn simple_match_and_prefixes() {
        let g = [gold("a", &["RUS 11 IGOUNO"])];
        let (s, out) = run(&g, &[ev("a", "RUSGOV", "111", Some("IGOUNOHRC"), None)]);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 0, 0));
        assert_eq!(out, "");
        assert_eq!(
            s.to_string(),
            "precision=1.000 recall=1.000 f1=1.000 tp=1 fp=0 fn=0 articles=1"
        );
    }

    #[test]
    fn case_insensitive_prefixes_and_wildcards() {
        let g = [gold("a", &["rus 11 *", "* 04 -"])];
        let (s, _) = run(
            &g,
            &[
                ev("a", "RUS", "112", Some("USA"), None),
                ev("a", "CHN", "040", None, None),
            ],
        );
        assert_eq!((s.tp, s.fp, s.fn_), (2, 0, 0));
        // `-` needs no target.
        let g = [gold("a", &["* 04 -"])];
        let (s, _) = run(&g, &[ev("a", "CHN", "040", Some("USA"), None)]);
        assert_eq!((s.tp, s.fp, s.fn_), (0, 1, 1));
    }

    #[test]
    fn symmetric_codes() {
        let g = [gold("a", &["RUS <04> PRK"])];
        let (s, _) = run(&g, &[ev("a", "PRK", "040", Some("RUS"), None)]);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 0, 0));
        let g = [gold("a", &["RUS 04 PRK"])];
        let (s, out) = run(&g, &[ev("a", "PRK", "040", Some("RUS"), None)]);
        assert_eq!((s.tp, s.fp, s.fn_), (0, 1, 1));
        assert_eq!(out, "== a\n   missed  RUS 04 PRK\n   extra   PRK 04 RUS\n");
    }

    #[test]
    fn duplicates_and_optional_events() {
        let g = [gold("a", &["RUS 11 USA", "USA 19 * ?"])];
        let events = [
            ev("a", "RUS", "111", Some("USA"), None),
            ev("a", "RUS", "111", Some("USA"), None), // same key: dropped
            ev("a", "RUSGOV", "112", Some("USA"), None), // matches the matched event: ignored
            ev("a", "USA", "190", None, None),        // optional: ignored
            ev("a", "USA", "010", None, None),        // false positive
            ev("b", "USA", "010", None, None),        // article not in gold: ignored
        ];
        let (s, out) = run(&g, &events);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 1, 0));
        assert_eq!(out, "== a\n   extra   USA 01 -\n");
    }

    #[test]
    fn greedy_matching_in_prediction_order() {
        // The first prediction takes the first gold event it fits, even when a later
        // prediction could only have matched that one: score.py is greedy, not optimal.
        let g = [gold("a", &["RUS 11 *", "RUS 11 USA"])];
        let events = [
            ev("a", "RUS", "111", Some("USA"), None),
            ev("a", "RUS", "111", Some("CHN"), None),
        ];
        let (s, out) = run(&g, &events);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 0, 1));
        assert_eq!(out, "== a\n   missed  RUS 11 USA\n");
    }

    #[test]
    fn traps_count_every_event() {
        let g = [gold("t", &[]), gold("u", &[])];
        let (s, out) = run(&g, &[ev("t", "USA", "190", Some("IRQ"), None)]);
        assert_eq!((s.tp, s.fp, s.fn_, s.articles), (0, 1, 0, 2));
        assert_eq!(out, "== t\n   extra   USA 19 IRQ\n");
        assert_eq!(
            s.to_string(),
            "precision=0.000 recall=0.000 f1=0.000 tp=0 fp=1 fn=0 articles=2"
        );
    }

    #[test]
    fn dates_are_scored_on_matched_events() {
        let g = [gold(
            "a",
            &[
                "RUS 11 USA @2014-11-20",
                "CHN 12 USA @2014-11-18",
                "PRK 13 *",
            ],
        )];
        let events = [
            ev("a", "RUS", "111", Some("USA"), Some("2014-11-20")),
            ev("a", "CHN", "120", Some("USA"), None),
            ev("a", "PRK", "130", None, Some("2014-11-20")),
        ];
        let (s, out) = run(&g, &events);
        assert_eq!((s.tp, s.dated, s.dated_ok), (3, 2, 1));
        assert_eq!(out, "== a: date - for CHN 12 USA @2014-11-18\n");
        assert_eq!(
            s.to_string(),
            "precision=1.000 recall=1.000 f1=1.000 tp=3 fp=0 fn=0 articles=1 date_accuracy=0.500 dated=2"
        );
        // Different dates are different keys: both kept, the second one ignored as a
        // duplicate of the matched event.
        let events = [
            ev("a", "RUS", "111", Some("USA"), Some("2014-11-19")),
            ev("a", "RUS", "111", Some("USA"), Some("2014-11-20")),
        ];
        let (s, _) = run(&g, &events);
        assert_eq!((s.tp, s.fp, s.fn_, s.dated, s.dated_ok), (1, 0, 2, 1, 0));
    }

    #[test]
    fn rounding_matches_python() {
        // 1/16 = 0.0625 exactly: Python's format rounds half to even, as Rust does.
        let s = Score {
            tp: 1,
            fp: 15,
            fn_: 0,
            ..Score::default()
        };
        assert!(s
            .to_string()
            .starts_with("precision=0.062 recall=1.000 f1=0.118"));
        assert_eq!(
            Score::default().to_string(),
            "precision=0.000 recall=0.000 f1=0.000 tp=0 fp=0 fn=0 articles=0"
        );
    }
}

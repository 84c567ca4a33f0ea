//! The PETRARCH-2 dictionaries as published (read from `../shared/anchors/petrarch2`):
//! they load with every skipped line reported, code, and survive the conversion to our
//! own format unchanged.

mod common;

use demarche_coder::dictionary::{own, petrarch};
use demarche_coder::{Article, Coder, CoderBuilder, Dictionaries, FileKind, Severity};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn anchors(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/anchors/petrarch2")
        .join(name)
}

const PHOENIX: &[&str] = &[
    "CAMEO.2.0.txt",
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
    "Phoenix.agents.txt",
    "Phoenix.discards.txt",
];

fn read(name: &str) -> String {
    let p = anchors(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn phoenix() -> CoderBuilder {
    let mut b = CoderBuilder::new();
    for name in PHOENIX {
        let text = read(name);
        let kind = petrarch::detect_kind(name, &text).expect("kind");
        b.add_petrarch_str(kind, name, &text);
    }
    b
}

fn gsr_sentences() -> Vec<Article> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/gsr_articles.jsonl");
    std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let mut a = Article::new(v["id"].as_str().unwrap(), v["text"].as_str().unwrap());
            a.published_at = v["published_at"]
                .as_str()
                .and_then(demarche_coder::parse_published);
            a
        })
        .collect()
}

/// (source, code, target, date) of an event.
type Key = (String, String, String, Option<String>);

/// The keys of every event, per article.
fn coded(c: &Coder, articles: &[Article]) -> Vec<Vec<Key>> {
    articles
        .iter()
        .map(|a| {
            let mut v: Vec<_> = c
                .code(a)
                .into_iter()
                .map(|e| {
                    (
                        e.source.code.into_string(),
                        e.action.code.into_string(),
                        e.target.map(|t| t.code.into_string()).unwrap_or_default(),
                        e.date.map(|d| d.into_string()),
                    )
                })
                .collect();
            v.sort();
            v
        })
        .collect()
}

#[test]
fn phoenix_dictionaries_load_and_code() {
    let started = Instant::now();
    let b = phoenix();
    let d = b.dictionaries();
    let s = d.stats();
    assert!(s.actors > 25_000, "{s:?}");
    assert!(s.actor_phrases > 30_000, "{s:?}");
    assert!(s.agent_phrases > 3_000, "{s:?}");
    assert!(s.verb_patterns > 40_000, "{s:?}");
    assert!(d.synsets.len() >= 30, "{}", d.synsets.len());
    assert_eq!(d.discards.story.len(), 64);
    // every skipped line is reported with its file and line; nothing is an error
    assert!(d.errors().next().is_none());
    let skipped: Vec<_> = d
        .diagnostics
        .iter()
        .filter(|x| x.severity == Severity::Skipped)
        .collect();
    assert!(
        !skipped.is_empty() && skipped.len() < 200,
        "{}",
        skipped.len()
    );
    for x in &skipped {
        assert!(
            PHOENIX.contains(&x.origin.file.as_str()) && x.origin.line > 0,
            "{x}"
        );
    }
    // the known defects of the published files are among them
    assert!(skipped
        .iter()
        .any(|x| x.origin.file == "Phoenix.International.actors.txt"
            && x.message.contains("2004017")));
    // the verb transformations are read, not skipped
    assert!(!skipped
        .iter()
        .any(|x| x.origin.file == "CAMEO.2.0.txt" && x.message.contains("transformation")));
    let coder = b.build().unwrap();
    eprintln!(
        "Phoenix dictionaries loaded and compiled in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    let a = Article::new(
        "t",
        "Obama is scheduled to attend a summit in Switzerland on the unrest in Iran",
    )
    .published(chrono::NaiveDate::from_ymd_opt(2014, 9, 1).unwrap());
    let ev = coder.code(&a);
    assert!(
        ev.iter().any(|e| e.source.code.starts_with("USA")
            && e.action.code == "042"
            && e.target.as_ref().is_some_and(|t| t.code == "CHE")),
        "{ev:?}"
    );
    // the paired code [042:043] of ATTEND also gives the host's event
    assert!(ev
        .iter()
        .any(|e| e.source.code == "CHE" && e.action.code == "043"));
}

#[test]
fn validation_dictionaries_load() {
    let mut b = CoderBuilder::new();
    for name in [
        "PETR.Validate.verbs.txt",
        "PETR.Validate.actors.txt",
        "PETR.Validate.agents.txt",
        "PETR.Validate.discards.txt",
    ] {
        let text = read(name);
        b.add_petrarch_str(petrarch::detect_kind(name, &text).unwrap(), name, &text);
    }
    let coder = b.build().unwrap();
    // DATE-09: the paired code of MEET [031:032] and a date restriction of SAM_GAMGEE
    let a = Article::new("d9", "Sam Gamgee met a bunch of Morgul Orcs.")
        .published(chrono::NaiveDate::from_ymd_opt(2010, 1, 9).unwrap());
    let got = common::triples(&coder.code(&a), "---");
    assert_eq!(got, ["MRGORC 032 ORCHOB", "ORCHOB 031 MRGORC"]);
}

/// Our own format holds everything the PETRARCH loader produces: written out and read
/// back, the dictionaries code the GSR sentences exactly as the PETRARCH files do.
#[test]
fn import_round_trip_codes_the_same() {
    let direct = phoenix();
    let articles = gsr_sentences();
    let mut converted = CoderBuilder::new();
    // the layout `demarche dict import-petrarch` writes: irregular, actors, agents, verbs,
    // discards
    let mut per_file: Vec<(FileKind, String, Dictionaries)> = Vec::new();
    for name in PHOENIX {
        let text = read(name);
        let kind = petrarch::detect_kind(name, &text).unwrap();
        let mut d = Dictionaries::default();
        petrarch::load(&mut d, kind, name, &text);
        per_file.push((kind, name.to_string(), d));
    }
    let mut irregular = demarche_coder::dictionary::Irregulars::new();
    for (_, _, d) in &per_file {
        for (l, f) in &d.irregular {
            irregular
                .entry(l.clone())
                .or_default()
                .extend(f.iter().cloned());
        }
    }
    converted.add_str(
        FileKind::Irregular,
        "irregular.txt",
        &own::write_irregular(&irregular),
    );
    for want in [
        FileKind::Actors,
        FileKind::Agents,
        FileKind::Verbs,
        FileKind::Discards,
    ] {
        for (kind, name, d) in &per_file {
            if *kind != want {
                continue;
            }
            let (text, dropped) = match kind {
                FileKind::Actors => own::write_actors(&d.actors),
                FileKind::Agents => own::write_agents(&d.agents),
                FileKind::Verbs => (
                    own::write_verbs(&d.verbs, &d.synsets)
                        + &own::write_transformations(&d.transformations),
                    0,
                ),
                _ => own::write_discards(&d.discards),
            };
            assert_eq!(dropped, 0, "{name}");
            converted.add_str(*kind, name, &text);
        }
    }
    let diags: Vec<String> = converted
        .dictionaries()
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(10)]);
    assert_eq!(
        converted.dictionaries().stats(),
        direct.dictionaries().stats()
    );
    // the transformations of CAMEO.2.0.txt come through (all but the combined-verb one,
    // which is commented out in the file)
    let lines = |b: &CoderBuilder| -> Vec<String> {
        b.dictionaries()
            .transformations
            .iter()
            .map(|t| t.to_line())
            .collect()
    };
    assert_eq!(lines(&converted), lines(&direct));
    assert_eq!(lines(&direct).len(), 8, "{:?}", lines(&direct));
    assert!(lines(&direct).contains(&"~ a 110 (b 190 .) => a 112 b".to_string()));
    let a = coded(&direct.build().unwrap(), &articles);
    let b = coded(&converted.build().unwrap(), &articles);
    assert!(a.iter().map(Vec::len).sum::<usize>() > 40);
    assert_eq!(a, b);
}

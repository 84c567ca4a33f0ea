//! Table-driven golden cases for the coder, one table per capability.
//!
//! Each case is a sentence (and publication date) with the events it must yield,
//! written `SRC ROOT TGT` (`-` for no target), optionally `@YYYY-MM-DD`; actor codes are
//! compared as prefixes, like the evaluation scorer. `forbid` lists events that must
//! not appear.

use chrono::NaiveDate;
use demarche_coder::{Article, Coder, Event};
use std::sync::OnceLock;

fn coder() -> &'static Coder {
    static C: OnceLock<Coder> = OnceLock::new();
    C.get_or_init(|| Coder::with_defaults().expect("default dictionaries load"))
}

fn code(text: &str, date: &str) -> Vec<Event> {
    let mut a = Article::new("t", text);
    a.published_at = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
    coder().code(&a)
}

fn show(evs: &[Event]) -> Vec<String> {
    evs.iter()
        .map(|e| {
            format!(
                "{} {} {} @{}",
                e.source.code,
                e.action.code,
                e.target.as_ref().map(|t| t.code.as_str()).unwrap_or("-"),
                e.date.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn matches(spec: &str, e: &Event) -> bool {
    let mut parts = spec.split_whitespace();
    let (src, root, tgt) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let date = parts.next().map(|d| d.trim_start_matches('@'));
    let tcode = e.target.as_ref().map(|t| t.code.as_str()).unwrap_or("");
    (src == "*" || e.source.code.starts_with(src))
        && (root == "*" || root.split('|').any(|r| e.action.code.starts_with(r)))
        && (tgt == "*"
            || if tgt == "-" {
                tcode.is_empty()
            } else {
                tcode.starts_with(tgt)
            })
        && date.is_none_or(|d| e.date.as_deref() == Some(d))
}

/// (text, publication date, required events, forbidden events)
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

fn run(table: &[Case]) {
    let mut failures = Vec::new();
    for (text, date, want, forbid) in table {
        let evs = code(text, date);
        for w in *want {
            if !evs.iter().any(|e| matches(w, e)) {
                failures.push(format!("{text:?}\n   missing {w}; got {:?}", show(&evs)));
            }
        }
        for f in *forbid {
            if evs.iter().any(|e| matches(f, e)) {
                failures.push(format!("{text:?}\n   forbidden {f}; got {:?}", show(&evs)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn basic_acts() {
    run(&[
        (
            "Russia slammed the United Nations.",
            "2014-11-20",
            &["RUS 11 IGOUNO"],
            &[],
        ),
        (
            "China criticized Japan over the dispute.",
            "2014-11-20",
            &["CHN 11 JPN"],
            &[],
        ),
        (
            "Afghan President Hamid Karzai visited Pakistan.",
            "2004-08-01",
            &["AFG 04 PAK"],
            &[],
        ),
        (
            "Iran threatened Israel.",
            "2010-01-01",
            &["IRN 13 ISR"],
            &[],
        ),
    ]);
}

#[test]
fn passive_voice() {
    run(&[
        (
            "Three Egyptian policemen were killed by Israeli tank fire near the border.",
            "2004-11-18",
            &["ISR 18|19 EGY"],
            &["EGY 18|19 ISR"],
        ),
        (
            "The Russian building was demolished by a Ukrainian mob.",
            "2015-06-09",
            &[],
            &["RUS 14|17|18|19|20 UKR"],
        ),
        (
            "Evidence against Russia was presented by the United States.",
            "2015-06-09",
            &[],
            &["RUS 11 USA"],
        ),
    ]);
}

#[test]
fn coordination() {
    run(&[
        (
            "France, Sweden and Belgium condemned Syria.",
            "2012-01-01",
            &["FRA 11 SYR", "SWE 11 SYR", "BEL 11 SYR"],
            &[],
        ),
        (
            "Along with China, Russia voted against the resolution.",
            "2014-11-18",
            &[],
            &[],
        ),
        (
            "The United States and Russia held talks.",
            "2015-06-09",
            &["USA 04 RUS", "RUS 04 USA"],
            &[],
        ),
        // an agent before its owner is the agent of each coordinated owner
        (
            "The foreign ministers of France and Germany condemned Syria.",
            "2015-01-01",
            &["FRAGOV 11 SYR", "DEUGOV 11 SYR"],
            &[],
        ),
        (
            "Lawmakers in France and Germany criticized Iran.",
            "2015-01-01",
            &["FRALEG 11 IRN", "DEULEG 11 IRN"],
            &[],
        ),
    ]);
}

#[test]
fn reported_speech() {
    run(&[
        (
            "Kenya said Somalia attacked Ethiopia.",
            "2012-01-01",
            &["SOM 18|19 ETH"],
            &["KEN 18|19 ETH", "KEN 18|19 SOM"],
        ),
        (
            "Officials said Israel accused Syria of the bombing.",
            "2005-01-01",
            &["ISR 11 SYR"],
            &[],
        ),
    ]);
}

#[test]
fn negation() {
    run(&[
        (
            "Russia did not meet the Ukrainian delegation.",
            "2015-01-01",
            &[],
            &["RUS 04 UKR"],
        ),
        (
            "India refused to sign the agreement with Pakistan.",
            "2015-01-01",
            &[],
            &["IND 05|06 PAK"],
        ),
        (
            "Germany will never recognize Kosovo.",
            "2015-01-01",
            &[],
            &["DEU 05 KOS"],
        ),
    ]);
}

#[test]
fn pronouns_and_definite_descriptions() {
    run(&[
        ("North Korea reacted angrily to the vote. It announced that it was breaking off talks with the European Union.", "2014-11-20", &["PRK 16 IGOEU"], &[]),
        ("Foreign Minister Sergei Lavrov met a North Korean envoy. He criticized the United States.", "2014-11-20", &["RUS 11 USA"], &[]),
    ]);
}

#[test]
fn metonymy_and_agents() {
    run(&[
        (
            "Pyongyang threatened Seoul.",
            "2014-11-20",
            &["PRK 13 KOR"],
            &[],
        ),
        (
            "The Kremlin condemned Washington.",
            "2014-11-20",
            &["RUSGOV 11 USAGOV"],
            &[],
        ),
        (
            "Sudanese rebels attacked Chadian troops.",
            "2008-01-01",
            &["SDNREB 18|19 TCDMIL"],
            &[],
        ),
        (
            "Russia's top diplomat criticized NATO.",
            "2014-11-20",
            &["RUSGOV 11 IGOWSTNAT"],
            &[],
        ),
        (
            "Israeli troops shot dead two Palestinians.",
            "2004-11-18",
            &["ISRMIL 18|19 PSE"],
            &[],
        ),
    ]);
}

#[test]
fn date_limited_roles() {
    run(&[
        (
            "President Vladimir Putin criticized Georgia.",
            "2014-11-20",
            &["RUSGOV 11 GEO"],
            &[],
        ),
        (
            "Vladimir Putin criticized Georgia.",
            "1995-01-01",
            &["RUS 11 GEO"],
            &["RUSGOV 11 GEO"],
        ),
    ]);
}

#[test]
fn dates() {
    run(&[
        (
            "Russia on Thursday, November 20, slammed the United Nations.",
            "2014-11-20",
            &["RUS 11 IGOUNO @2014-11-20"],
            &[],
        ),
        (
            "Russia slammed the United Nations on Tuesday.",
            "2014-11-20",
            &["RUS 11 IGOUNO @2014-11-18"],
            &[],
        ),
        (
            "Russia slammed the United Nations yesterday.",
            "2014-11-20",
            &["RUS 11 IGOUNO @2014-11-19"],
            &[],
        ),
        (
            "Russia slammed the United Nations.",
            "2014-11-20",
            &["RUS 11 IGOUNO @2014-11-20"],
            &[],
        ),
    ]);
}

#[test]
fn traps() {
    run(&[
        ("Australia batted cautiously to build a lead of 300 runs over India in the third cricket Test.", "2004-11-01", &[], &["* * *"]),
        ("Tokyo stocks finished sharply higher Monday, fueled by Wall Street's gains.", "2004-11-01", &[], &["* * *"]),
        ("Brazil beat Argentina 3-1 in the World Cup qualifier.", "2004-11-01", &[], &["* * *"]),
    ]);
}

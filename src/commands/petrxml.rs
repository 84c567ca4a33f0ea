//! `demarche eval --petrarch-xml`: the PETRARCH unit-test records
//! (`PETR.UnitTest.records.xml`) coded from their raw text and compared with their
//! expected events.
//!
//! The records file is not well-formed XML everywhere, so it is read leniently: each
//! `<Sentence date=".." id=".." ...>` up to its `</Sentence>` (or the next `<Sentence`),
//! its `<EventCoding sourcecode=".." targetcode=".." eventcode="..">` tags (`noevents`
//! and `error=` expectations mean "no event") and its `<Text>`. Comments are skipped;
//! `<Parse>` trees and `<Config>` options are ignored (demarche codes raw text).
//!
//! Scores per record: the exact expected event set produced (source, target, full
//! code; `---` is no target), the same at CAMEO root level, expected events found
//! (recall), produced events that were expected (precision), and records whose coding
//! panicked (crashes).

use chrono::NaiveDate;
use demarche_coder::{Article, Coder};
use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Write};

/// One expected event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expected {
    /// Source actor code.
    pub source: String,
    /// Target actor code, `---` for none.
    pub target: String,
    /// Event code.
    pub code: String,
}

/// One `<Sentence>` record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `id` attribute.
    pub id: String,
    /// `date` attribute (YYYYMMDD).
    pub date: Option<NaiveDate>,
    /// The text, whitespace normalised.
    pub text: String,
    /// Expected events (empty for `noevents` or `error=` records).
    pub expected: Vec<Expected>,
    /// 1-based line of the `<Sentence` tag.
    pub line: usize,
}

/// Reads every record of a PETRARCH records file.
pub fn parse_records(xml: &str) -> Vec<Record> {
    let text = blank_comments(xml);
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = find_tag(&text, pos, "Sentence") {
        let Some(tag_end) = text[i..].find('>').map(|e| i + e) else {
            break;
        };
        let tag = &text[i..=tag_end];
        let body_start = tag_end + 1;
        let next_open = find_tag(&text, body_start, "Sentence").unwrap_or(text.len());
        let close = text[body_start..]
            .find("</Sentence>")
            .map(|c| body_start + c)
            .unwrap_or(text.len());
        let body_end = close.min(next_open);
        let body = &text[body_start..body_end];
        let attrs = attributes(tag);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut expected = Vec::new();
        let mut p = 0;
        while let Some(e) = find_tag(body, p, "EventCoding") {
            let end = body[e..].find('>').map_or(body.len(), |x| e + x + 1);
            let a = attributes(&body[e..end]);
            let val = |k: &str| a.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            if let (Some(s), Some(c)) = (val("sourcecode"), val("eventcode")) {
                expected.push(Expected {
                    source: s,
                    target: val("targetcode")
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| "---".into()),
                    code: c,
                });
            }
            p = end;
        }
        let text_of = body
            .find("<Text>")
            .map(|t| {
                let from = t + "<Text>".len();
                let to = body[from..]
                    .find("</Text>")
                    .map_or(body.len(), |x| from + x);
                unescape(&body[from..to])
            })
            .unwrap_or_default();
        out.push(Record {
            id: get("id").unwrap_or_default(),
            date: get("date").and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y%m%d").ok()),
            text: text_of.split_whitespace().collect::<Vec<_>>().join(" "),
            expected,
            line: text[..i].matches('\n').count() + 1,
        });
        pos = body_end.max(body_start);
    }
    out
}

/// `<!-- ... -->` replaced by spaces (newlines kept, so line numbers hold).
fn blank_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find("-->").map_or(after.len(), |e| e + 3);
        out.extend(
            after[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Position of the next `<NAME` tag (followed by a space, `>` or `/`) from `from`.
fn find_tag(s: &str, from: usize, name: &str) -> Option<usize> {
    let pat = format!("<{name}");
    let mut p = from;
    while let Some(i) = s.get(p..)?.find(&pat) {
        let at = p + i;
        let next = s[at + pat.len()..].chars().next();
        if matches!(next, Some(c) if c.is_whitespace() || c == '>' || c == '/') {
            return Some(at);
        }
        p = at + pat.len();
    }
    None
}

/// `name="value"` and `name='value'` pairs of a tag (spaces around `=` allowed).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'=' {
            i += 1;
            continue;
        }
        // name before '='
        let mut ne = i;
        while ne > 0 && b[ne - 1].is_ascii_whitespace() {
            ne -= 1;
        }
        let mut ns = ne;
        while ns > 0 && (b[ns - 1].is_ascii_alphanumeric() || b[ns - 1] == b'_') {
            ns -= 1;
        }
        // quoted value after '='
        let mut v = i + 1;
        while v < b.len() && b[v].is_ascii_whitespace() {
            v += 1;
        }
        if v >= b.len() || (b[v] != b'"' && b[v] != b'\'') {
            i += 1;
            continue;
        }
        let q = b[v];
        let Some(len) = tag[v + 1..].find(q as char) else {
            break;
        };
        out.push((tag[ns..ne].to_string(), unescape(&tag[v + 1..v + 1 + len])));
        i = v + 1 + len + 1;
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Totals over a records file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordScore {
    /// Records read.
    pub records: usize,
    /// Records whose produced event set is exactly the expected one.
    pub exact: usize,
    /// Records whose set matches at CAMEO root level (same actors).
    pub root: usize,
    /// Expected events.
    pub expected: usize,
    /// Expected events produced.
    pub found: usize,
    /// Events produced (distinct per record).
    pub produced: usize,
    /// Produced events that were expected.
    pub correct: usize,
    /// Records whose coding panicked.
    pub crashes: usize,
}

fn share(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for RecordScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "records={} exact={} exact_share={:.3} root={} root_share={:.3} expected={} found={} recall={:.3} produced={} precision={:.3} crashes={}",
            self.records,
            self.exact,
            share(self.exact, self.records),
            self.root,
            share(self.root, self.records),
            self.expected,
            self.found,
            share(self.found, self.expected),
            self.produced,
            share(self.correct, self.produced),
            self.crashes
        )
    }
}

/// Codes every record and scores it; with `verbose`, prints each record that is not
/// exactly right (expected, produced).
pub fn score_records(
    coder: &Coder,
    records: &[Record],
    mut verbose: Option<&mut dyn Write>,
) -> io::Result<RecordScore> {
    let mut s = RecordScore {
        records: records.len(),
        ..RecordScore::default()
    };
    for r in records {
        let mut article = Article::new(&r.id, &r.text);
        article.published_at = r.date;
        let coded = crate::message::code_guarded(|| coder.code(&article));
        let produced: BTreeSet<Expected> = match coded {
            Ok(events) => events
                .iter()
                .map(|e| Expected {
                    source: e.source.code.to_string(),
                    target: e
                        .target
                        .as_ref()
                        .map_or_else(|| "---".into(), |t| t.code.to_string()),
                    code: e.action.code.to_string(),
                })
                .collect(),
            Err(_) => {
                s.crashes += 1;
                BTreeSet::new()
            }
        };
        let expected: BTreeSet<Expected> = r.expected.iter().cloned().collect();
        let root = |set: &BTreeSet<Expected>| -> BTreeSet<(String, String, String)> {
            set.iter()
                .map(|e| {
                    let c: String = e.code.chars().take(2).collect();
                    (e.source.clone(), e.target.clone(), c)
                })
                .collect()
        };
        s.expected += r.expected.len();
        s.found += r.expected.iter().filter(|e| produced.contains(e)).count();
        s.produced += produced.len();
        s.correct += produced.iter().filter(|e| expected.contains(e)).count();
        let exact = produced == expected;
        s.exact += usize::from(exact);
        s.root += usize::from(root(&produced) == root(&expected));
        if let (Some(w), false) = (verbose.as_deref_mut(), exact) {
            let show = |set: &BTreeSet<Expected>| {
                if set.is_empty() {
                    "-".to_string()
                } else {
                    set.iter()
                        .map(|e| format!("{} {} {}", e.source, e.code, e.target))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            writeln!(
                w,
                "== {} (line {}): expected {}; produced {}",
                r.id,
                r.line,
                show(&expected),
                show(&produced)
            )?;
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_coder::{CoderBuilder, FileKind};

    const XML: &str = r#"<Validation>
<!-- a comment with <Sentence date="1" id="NO"> inside -->
<Sentences>
<Sentence date="19950101" id="DEMO-00" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>
Arnor is about to restore full diplomatic ties with Gondor.
</Text>
<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>
</Sentence>
<Config option="require_dyad" value="false"></Config>
<Sentence date="19950102" id="NONE-01" category="DEMO" sentence="true">
<EventCoding noevents = "True"></EventCoding>
<Text>Nothing &amp; nobody.</Text>
</Sentence>
<Sentence date="19950103" id="Q-01" sentence="true">
<EventCoding sourcecode='"INJURY TOLL"' targetcode="" eventcode="010"></EventCoding>
<Text>Unclosed record
<Sentence date="bad" id="SELF"/>
</Validation>
"#;

    #[test]
    fn records_are_read_leniently() {
        let r = parse_records(XML);
        let ids: Vec<&str> = r.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["DEMO-00", "NONE-01", "Q-01", "SELF"]);
        assert_eq!(r[0].date, NaiveDate::from_ymd_opt(1995, 1, 1));
        assert_eq!(
            r[0].text,
            "Arnor is about to restore full diplomatic ties with Gondor."
        );
        assert_eq!(
            r[0].expected,
            [Expected {
                source: "ARN".into(),
                target: "GON".into(),
                code: "064".into()
            }]
        );
        assert_eq!(r[0].line, 4);
        assert!(r[1].expected.is_empty());
        assert_eq!(r[1].text, "Nothing & nobody.");
        assert_eq!(r[2].expected[0].source, "\"INJURY TOLL\"");
        assert_eq!(r[2].expected[0].target, "---");
        assert_eq!(r[3].date, None);
    }

    #[test]
    fn scoring_counts_sets_roots_and_events() {
        let mut b = CoderBuilder::new();
        b.add_petrarch_str(FileKind::Actors, "a", "ARNOR [ARN]\nGONDOR [GON]\n");
        b.add_petrarch_str(
            FileKind::Verbs,
            "v",
            "--- RESTORE [---] ---\nRESTORE\n- * TIES [063]\n",
        );
        let coder = b.build().unwrap();
        let records = parse_records(XML);
        let mut out = Vec::new();
        let s = score_records(&coder, &records, Some(&mut out)).unwrap();
        assert_eq!(s.records, 4);
        assert_eq!(s.expected, 2);
        assert_eq!((s.found, s.produced, s.correct), (0, 1, 0));
        // DEMO-00 is right at root level only; NONE-01 and SELF are exact
        assert_eq!((s.exact, s.root, s.crashes), (2, 3, 0));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("== DEMO-00 (line 4): expected ARN 064 GON; produced ARN 063 GON"));
        assert!(s
            .to_string()
            .starts_with("records=4 exact=2 exact_share=0.500"));
    }
}

//! demarche's own dictionary format (see `dictionaries/README.md`).

use super::{
    Actor, ActorKind, Agent, DatedCode, Diagnostic, Dictionaries, Head, Origin, PatternWord,
    Severity, VerbPattern,
};
use chrono::NaiveDate;

/// Which kind of file is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `actors/*.txt`
    Actors,
    /// `agents.txt`
    Agents,
    /// `verbs/*.txt`
    Verbs,
    /// `verbs/irregular.txt`
    Irregular,
    /// `discards.txt`
    Discards,
}

impl FileKind {
    /// Parses a config word (`actors`, `agents`, `verbs`, `irregular`, `discards`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "actors" => Some(FileKind::Actors),
            "agents" => Some(FileKind::Agents),
            "verbs" => Some(FileKind::Verbs),
            "irregular" => Some(FileKind::Irregular),
            "discards" => Some(FileKind::Discards),
            _ => None,
        }
    }
}

/// Reads one file of the given kind into `d`. Bad lines become diagnostics.
pub fn load(d: &mut Dictionaries, kind: FileKind, file: &str, text: &str) {
    let mut state = State {
        kind: match kind {
            FileKind::Agents => ActorKind::Group,
            _ => ActorKind::Country,
        },
        discard: None,
    };
    for (n, raw) in text.lines().enumerate() {
        let origin = Origin {
            file: file.to_string(),
            line: n + 1,
        };
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let res = match kind {
            FileKind::Actors => actor_line(d, &mut state, line, &origin),
            FileKind::Agents => agent_line(d, &mut state, line, &origin),
            FileKind::Verbs => verb_line(d, line, &origin),
            FileKind::Irregular => irregular_line(d, line),
            FileKind::Discards => discard_line(d, &mut state, line),
        };
        if let Err(message) = res {
            d.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                origin,
                message,
            });
        }
    }
}

struct State {
    kind: ActorKind,
    discard: Option<u8>,
}

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

fn directive_kind(state: &mut State, line: &str) -> Option<Result<(), String>> {
    let rest = line.strip_prefix("@kind")?;
    let word = rest.trim();
    Some(match ActorKind::parse(word) {
        Some(k) => {
            state.kind = k;
            Ok(())
        }
        None => Err(format!(
            "unknown kind {word:?}: expected country, person, org or group"
        )),
    })
}

fn phrases(s: &str) -> Result<Vec<String>, String> {
    let out: Vec<String> = s
        .split('|')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if out.is_empty() {
        return Err("no phrase before `=>`".into());
    }
    Ok(out)
}

fn split_arrow(line: &str) -> Result<(&str, &str), String> {
    let (l, r) = line
        .split_once("=>")
        .ok_or_else(|| "expected `PHRASE | PHRASE ... => CODE`".to_string())?;
    Ok((l.trim(), r.trim()))
}

fn actor_line(d: &mut Dictionaries, st: &mut State, line: &str, o: &Origin) -> Result<(), String> {
    if let Some(r) = directive_kind(st, line) {
        return r;
    }
    let (l, r) = split_arrow(line)?;
    let phrases = phrases(l)?;
    let mut codes = Vec::new();
    for item in r.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        codes.push(dated_code(item)?);
    }
    if codes.is_empty() {
        return Err("no code after `=>`".into());
    }
    d.actors.push(Actor {
        phrases,
        codes,
        kind: st.kind,
        origin: o.clone(),
    });
    Ok(())
}

/// `RUSGOV 2000-05-07..2008-05-07`, `RUS`, `USAGOV 2009..`
pub fn dated_code(item: &str) -> Result<DatedCode, String> {
    let mut parts = item.split_whitespace();
    let code = parts.next().unwrap_or("").to_string();
    if !super::valid_actor_code(&code) {
        return Err(format!(
            "bad actor code {code:?}: expected upper-case letters in groups of three"
        ));
    }
    let range = parts.next();
    if let Some(extra) = parts.next() {
        return Err(format!("unexpected {extra:?} after the date range"));
    }
    let Some(range) = range else {
        return Ok(DatedCode {
            code,
            from: None,
            to: None,
            undated: true,
        });
    };
    let (a, b) = range
        .split_once("..")
        .ok_or_else(|| format!("bad date range {range:?}: expected FROM..TO"))?;
    let from = if a.is_empty() {
        None
    } else {
        Some(date(a, false)?)
    };
    let to = if b.is_empty() {
        None
    } else {
        Some(date(b, true)?)
    };
    if from.is_none() && to.is_none() {
        return Err(format!("date range {range:?} has neither end"));
    }
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(format!("date range {range:?} ends before it starts"));
        }
    }
    Ok(DatedCode {
        code,
        from,
        to,
        undated: false,
    })
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; an end date rounds up to the period's last day.
pub fn date(s: &str, end: bool) -> Result<NaiveDate, String> {
    let bad = || format!("bad date {s:?}: expected YYYY-MM-DD, YYYY-MM or YYYY");
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let y = parts
        .first()
        .ok_or_else(bad)?
        .parse::<i32>()
        .map_err(|_| bad())?;
    if !(1000..=9999).contains(&y) {
        return Err(bad());
    }
    match parts.len() {
        1 => NaiveDate::from_ymd_opt(y, if end { 12 } else { 1 }, if end { 31 } else { 1 }),
        2 => {
            let m = num(parts[1])?;
            let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
            if end {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                next.and_then(|n| n.pred_opt())
            } else {
                Some(first)
            }
        }
        3 => NaiveDate::from_ymd_opt(y, num(parts[1])?, num(parts[2])?),
        _ => None,
    }
    .ok_or_else(bad)
}

fn agent_line(d: &mut Dictionaries, st: &mut State, line: &str, o: &Origin) -> Result<(), String> {
    if let Some(r) = directive_kind(st, line) {
        return r;
    }
    let (l, r) = split_arrow(line)?;
    let phrases = phrases(l)?;
    let code = r.trim().trim_start_matches('~').to_string();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "agent code {code:?} must be three upper-case letters"
        ));
    }
    d.agents.push(Agent {
        phrases,
        code,
        kind: st.kind,
        origin: o.clone(),
    });
    Ok(())
}

fn verb_line(d: &mut Dictionaries, line: &str, o: &Origin) -> Result<(), String> {
    let (code, pats) = line
        .split_once(':')
        .ok_or_else(|| "expected `CODE: pattern | pattern ...`".to_string())?;
    let code = code.trim();
    let (reverse, code) = match code.strip_prefix('<') {
        Some(c) => (true, c.trim()),
        None => (false, code),
    };
    let code = if code == "---" {
        None
    } else if code.len() >= 3 && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_digit()) {
        Some(code.to_string())
    } else {
        return Err(format!(
            "bad event code {code:?}: expected 3 or 4 digits or ---"
        ));
    };
    let mut any = false;
    for p in pats.split('|') {
        let words: Vec<&str> = p.split_whitespace().collect();
        let Some((head, rest)) = words.split_first() else {
            continue;
        };
        any = true;
        let head = if let Some(n) = head.strip_prefix('~') {
            if n.is_empty() {
                return Err("`~` without a noun".into());
            }
            if n.contains('*') {
                return Err(format!("a noun head cannot be a prefix: {head:?}"));
            }
            Head::Noun(n.to_lowercase())
        } else {
            if head.ends_with('*') {
                return Err(format!("the head {head:?} cannot be a prefix"));
            }
            Head::Verb(head.to_lowercase())
        };
        let mut pw = Vec::new();
        for w in rest {
            let lw = w.to_lowercase();
            // a dictionary word tokenises like text: "d'Orsay" stays one, "U.S." too
            let (word, prefix) = match lw.strip_suffix('*') {
                Some(s) if !s.is_empty() => (s.to_string(), true),
                Some(_) => return Err("a lone `*` in a pattern".into()),
                None => (lw, false),
            };
            for t in crate::text::tokens::phrase_tokens(&word) {
                pw.push(PatternWord {
                    word: t.0,
                    prefix: false,
                });
            }
            if let Some(last) = pw.last_mut() {
                last.prefix = prefix;
            }
        }
        d.verbs.push(VerbPattern {
            code: code.clone(),
            head,
            words: pw,
            text: words.join(" "),
            reverse,
            origin: o.clone(),
        });
    }
    if !any {
        return Err("no pattern after the code".into());
    }
    Ok(())
}

fn irregular_line(d: &mut Dictionaries, line: &str) -> Result<(), String> {
    let (lemma, forms) = line
        .split_once(':')
        .ok_or_else(|| "expected `lemma: past | participle [| ing]`".to_string())?;
    let forms: Vec<String> = forms.split('|').map(|f| f.trim().to_lowercase()).collect();
    let lemma = lemma.trim().to_lowercase();
    if lemma.is_empty() || lemma.contains(' ') {
        return Err(format!("bad lemma {lemma:?}"));
    }
    if forms.iter().any(|f| f.is_empty() || f.contains(' ')) || !(2..=3).contains(&forms.len()) {
        return Err("expected two or three one-word forms: `past | participle [| ing]`".into());
    }
    let entry = super::IrregularForms {
        past: forms[0].clone(),
        participle: forms[1].clone(),
        ing: forms.get(2).cloned(),
    };
    let list = d.irregular.entry(lemma).or_default();
    if !list.contains(&entry) {
        list.push(entry);
    }
    Ok(())
}

fn discard_line(d: &mut Dictionaries, st: &mut State, line: &str) -> Result<(), String> {
    let mut rest = line;
    for (tag, n) in [("@story", 0u8), ("@sentence", 1), ("@mask", 2)] {
        if let Some(r) = line.strip_prefix(tag) {
            st.discard = Some(n);
            rest = r;
        }
    }
    if rest.trim_start().starts_with('@') {
        return Err(format!(
            "unknown section {:?}: expected @story, @sentence or @mask",
            rest.split_whitespace().next().unwrap_or("")
        ));
    }
    let Some(section) = st.discard else {
        return Err("a discard phrase before any @story/@sentence/@mask".into());
    };
    let list = match section {
        0 => &mut d.discards.story,
        1 => &mut d.discards.sentence,
        _ => &mut d.discards.mask,
    };
    for p in rest.split('|') {
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        if !p.is_empty() {
            list.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_with_dates_and_kinds() {
        let mut d = Dictionaries::default();
        load(
            &mut d,
            FileKind::Actors,
            "a.txt",
            "# c\n@kind person\nVladimir Putin | Putin => RUSGOV 1999-08-09..; RUS\nX => usa\nY => USA 2010..2009\n@kind nope\n",
        );
        assert_eq!(d.actors.len(), 1);
        assert_eq!(d.actors[0].kind, ActorKind::Person);
        let a = &d.actors[0];
        assert_eq!(a.code_on(NaiveDate::from_ymd_opt(2014, 1, 1)), "RUSGOV");
        assert_eq!(a.code_on(NaiveDate::from_ymd_opt(1995, 1, 1)), "RUS");
        assert_eq!(a.code_on(None), "RUS");
        let lines: Vec<usize> = d.diagnostics.iter().map(|x| x.origin.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
    }

    #[test]
    fn verbs_and_errors() {
        let mut d = Dictionaries::default();
        load(
            &mut d,
            FileKind::Verbs,
            "v.txt",
            "111: criticize | slam\n160: break off talks | ~talks with* \n---: fire coach\n12: bad\nnocolon\n040: ~talk*\n",
        );
        assert_eq!(d.verbs.len(), 5);
        assert_eq!(d.verbs[2].words.len(), 2);
        assert!(d.verbs[3].words[0].prefix);
        assert_eq!(d.verbs[4].code, None);
        let lines: Vec<usize> = d.diagnostics.iter().map(|x| x.origin.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
    }

    #[test]
    fn dates_round() {
        assert_eq!(
            date("2008", true).unwrap(),
            NaiveDate::from_ymd_opt(2008, 12, 31).unwrap()
        );
        assert_eq!(
            date("2008-02", true).unwrap(),
            NaiveDate::from_ymd_opt(2008, 2, 29).unwrap()
        );
        assert!(date("2008-13-01", false).is_err());
        assert!(date("x", false).is_err());
    }
}

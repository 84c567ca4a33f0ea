//! demarche's own dictionary format (see `dictionaries/README.md`).

use super::{
    Actor, ActorKind, Agent, DatedCode, Diagnostic, Dictionaries, Discards, Head, Irregulars,
    Origin, PatternWord, Severity, VerbPattern,
};
use chrono::NaiveDate;
use std::fmt::Write as _;

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
    let r = r.trim();
    let (code, prefix) = match r.strip_suffix('~') {
        Some(c) => (c, true),
        None => (r.trim_start_matches('~'), false),
    };
    if !super::valid_actor_code(code) {
        return Err(format!(
            "agent code {code:?} must be upper-case letters in groups of three (`GOV`, `GOVPRS`, or `IGO~` for a prefix)"
        ));
    }
    d.agents.push(Agent {
        phrases,
        code: code.to_string(),
        kind: st.kind,
        prefix,
        origin: o.clone(),
    });
    Ok(())
}

/// An event code of a verb line: 3 or 4 digits, or `---` (`None`).
fn event_code(code: &str) -> Result<Option<String>, String> {
    if code == "---" {
        Ok(None)
    } else if code.len() >= 3 && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(code.to_string()))
    } else {
        Err(format!(
            "bad event code {code:?}: expected 3 or 4 digits or ---"
        ))
    }
}

/// Pattern words as the coder compares them: lower case, split like text tokens, a
/// trailing `*` marking a prefix, `&name` a word set defined before.
fn pattern_words(d: &Dictionaries, words: &[&str]) -> Result<Vec<PatternWord>, String> {
    let mut pw = Vec::new();
    for w in words {
        let lw = w.to_lowercase();
        if let Some(name) = lw.strip_prefix('&') {
            if !d.synsets.contains_key(name) {
                return Err(format!(
                    "word set &{name} is not defined (before use: `&{name} = word | two words`)"
                ));
            }
            pw.push(PatternWord {
                word: lw,
                prefix: false,
            });
            continue;
        }
        // a dictionary word tokenises like text: "d'Orsay" stays one, "U.S." too
        let (word, prefix) = match lw.strip_suffix('*') {
            Some(s) if !s.is_empty() => (s.to_string(), true),
            Some(_) => return Err("a lone `*` in a pattern".into()),
            None => (lw, false),
        };
        let before = pw.len();
        for t in crate::text::tokens::phrase_tokens(&word) {
            pw.push(PatternWord {
                word: t.0,
                prefix: false,
            });
        }
        if pw.len() > before {
            if let Some(last) = pw.last_mut() {
                last.prefix = prefix;
            }
        }
    }
    Ok(pw)
}

/// `&name = member | two words`: a word set for patterns.
fn synset_line(d: &mut Dictionaries, line: &str) -> Result<(), String> {
    let (name, members) = line
        .split_once('=')
        .ok_or_else(|| "expected `&name = word | two words ...`".to_string())?;
    let name = name.trim().trim_start_matches('&').to_lowercase();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!("bad word set name {name:?}"));
    }
    let list: Vec<Vec<String>> = members
        .split('|')
        .map(|m| {
            crate::text::tokens::phrase_tokens(&m.to_lowercase())
                .into_iter()
                .map(|t| t.0)
                .collect::<Vec<_>>()
        })
        .filter(|m| !m.is_empty())
        .collect();
    if list.is_empty() {
        return Err(format!("word set &{name} has no members"));
    }
    d.synsets.insert(name, list);
    Ok(())
}

fn verb_line(d: &mut Dictionaries, line: &str, o: &Origin) -> Result<(), String> {
    if line.starts_with('&') {
        return synset_line(d, line);
    }
    if let Some(body) = line.strip_prefix('~') {
        let t = super::transform::parse_own(body, o)?;
        d.transformations.push(t);
        return Ok(());
    }
    let (code, pats) = line
        .split_once(':')
        .ok_or_else(|| "expected `CODE: pattern | pattern ...`".to_string())?;
    let mut items = code.split_whitespace();
    let first = items.next().unwrap_or("");
    let (reverse, first) = match first.strip_prefix('<') {
        Some(c) => (true, c),
        None => (false, first),
    };
    let code = event_code(first)?;
    // `042 <043`: a second, reversed event
    let paired = match items.next() {
        None => None,
        Some(p) => {
            let pc = p.strip_prefix('<').ok_or_else(|| {
                format!("unexpected {p:?} after the code: a paired code is written `<CODE`")
            })?;
            if reverse || code.is_none() {
                return Err("a paired `<CODE` needs a plain first code".into());
            }
            Some(event_code(pc)?.ok_or("a paired code cannot be ---")?)
        }
    };
    if let Some(extra) = items.next() {
        return Err(format!("unexpected {extra:?} after the codes"));
    }
    let mut any = false;
    for p in pats.split('|') {
        let all: Vec<&str> = p.split_whitespace().collect();
        if all.is_empty() {
            continue;
        }
        // `aircraft ... stage attacks`: words before the head
        let (pre, words): (&[&str], &[&str]) = match all.iter().position(|w| *w == "...") {
            Some(i) => (&all[..i], &all[i + 1..]),
            None => (&[], &all),
        };
        if pre.contains(&"...") || words.contains(&"...") {
            return Err("more than one `...` in a pattern".into());
        }
        if !all.is_empty() && pre.is_empty() && words.len() < all.len() {
            return Err("`...` needs words before it".into());
        }
        let Some((head, rest)) = words.split_first() else {
            return Err("no head after `...`".into());
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
        d.verbs.push(VerbPattern {
            code: code.clone(),
            paired: paired.clone(),
            head,
            before: pattern_words(d, pre)?,
            words: pattern_words(d, rest)?,
            text: all.join(" "),
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

// ------------------------------------------------------------------ writing

fn kind_word(k: ActorKind) -> &'static str {
    match k {
        ActorKind::Country => "country",
        ActorKind::Person => "person",
        ActorKind::Org => "org",
        ActorKind::Group => "group",
    }
}

/// A phrase that this format can hold (no `|`, `#`, `=>`, no leading `@`).
fn writable(p: &str) -> bool {
    !p.is_empty() && !p.contains(['|', '#']) && !p.contains("=>") && !p.starts_with('@')
}

fn write_origin(out: &mut String, o: &Origin, last: &mut String) {
    let key = o.to_string();
    if o.file.is_empty() || *last == key {
        return;
    }
    let _ = writeln!(out, "# from {key}");
    *last = key;
}

/// Writes actors as an `actors/*.txt` file (with `@kind` lines and `# from FILE:LINE`
/// comments). Returns the text and the number of phrases that could not be written.
pub fn write_actors(actors: &[Actor]) -> (String, usize) {
    let mut out = String::new();
    let mut kind = None;
    let mut dropped = 0;
    let mut last = String::new();
    for a in actors {
        let phrases: Vec<&str> = a
            .phrases
            .iter()
            .map(String::as_str)
            .filter(|p| writable(p))
            .collect();
        dropped += a.phrases.len() - phrases.len();
        if phrases.is_empty() || a.codes.is_empty() {
            continue;
        }
        if kind != Some(a.kind) {
            let _ = writeln!(out, "@kind {}", kind_word(a.kind));
            kind = Some(a.kind);
        }
        write_origin(&mut out, &a.origin, &mut last);
        let codes: Vec<String> = a
            .codes
            .iter()
            .map(|c| {
                if c.undated {
                    c.code.clone()
                } else {
                    let d = |x: Option<NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
                    format!("{} {}..{}", c.code, d(c.from), d(c.to))
                }
            })
            .collect();
        let _ = writeln!(out, "{} => {}", phrases.join(" | "), codes.join("; "));
    }
    (out, dropped)
}

/// Writes agents as an `agents.txt` file. Returns the text and the number of phrases
/// that could not be written.
pub fn write_agents(agents: &[Agent]) -> (String, usize) {
    let mut out = String::new();
    let mut kind = None;
    let mut dropped = 0;
    let mut last = String::new();
    for g in agents {
        let phrases: Vec<&str> = g
            .phrases
            .iter()
            .map(String::as_str)
            .filter(|p| writable(p))
            .collect();
        dropped += g.phrases.len() - phrases.len();
        if phrases.is_empty() {
            continue;
        }
        if kind != Some(g.kind) {
            let _ = writeln!(out, "@kind {}", kind_word(g.kind));
            kind = Some(g.kind);
        }
        write_origin(&mut out, &g.origin, &mut last);
        let code = if g.prefix {
            format!("{}~", g.code)
        } else {
            g.code.clone()
        };
        let _ = writeln!(out, "{} => {code}", phrases.join(" | "));
    }
    (out, dropped)
}

/// One pattern as written in a verbs file (`aircraft ... stage attacks`, `~talks with`).
pub fn pattern_text(v: &VerbPattern) -> String {
    let word = |w: &PatternWord| {
        if w.prefix {
            format!("{}*", w.word)
        } else {
            w.word.clone()
        }
    };
    let mut parts: Vec<String> = v.before.iter().map(word).collect();
    if !parts.is_empty() {
        parts.push("...".into());
    }
    parts.push(match &v.head {
        Head::Verb(l) => l.clone(),
        Head::Noun(n) => format!("~{n}"),
    });
    parts.extend(v.words.iter().map(word));
    parts.join(" ")
}

/// The code field of a verb line: `042`, `<173`, `042 <043`, `---`.
pub fn code_text(v: &VerbPattern) -> String {
    let mut c = v.code.clone().unwrap_or_else(|| "---".into());
    if v.reverse {
        c.insert(0, '<');
    }
    if let Some(p) = &v.paired {
        let _ = write!(c, " <{p}");
    }
    c
}

/// Writes verb patterns as a `verbs/*.txt` file: first the word sets they use, then the
/// patterns; consecutive patterns with the same codes and origin share a line.
pub fn write_verbs(
    verbs: &[VerbPattern],
    synsets: &std::collections::HashMap<String, Vec<Vec<String>>>,
) -> String {
    let mut out = String::new();
    let mut used: Vec<&str> = verbs
        .iter()
        .flat_map(|v| v.before.iter().chain(&v.words))
        .filter_map(|w| w.word.strip_prefix('&'))
        .collect();
    used.sort_unstable();
    used.dedup();
    for name in used {
        if let Some(members) = synsets.get(name) {
            let m: Vec<String> = members.iter().map(|m| m.join(" ")).collect();
            let _ = writeln!(out, "&{name} = {}", m.join(" | "));
        }
    }
    let mut last = String::new();
    let mut i = 0;
    while i < verbs.len() {
        let v = &verbs[i];
        let code = code_text(v);
        let mut pats = vec![pattern_text(v)];
        let mut j = i + 1;
        while j < verbs.len()
            && verbs[j].origin == v.origin
            && code_text(&verbs[j]) == code
            && pats.len() < 40
        {
            pats.push(pattern_text(&verbs[j]));
            j += 1;
        }
        write_origin(&mut out, &v.origin, &mut last);
        let _ = writeln!(out, "{code}: {}", pats.join(" | "));
        i = j;
    }
    out
}

/// Writes verb transformations as lines of a `verbs/*.txt` file.
pub fn write_transformations(ts: &[super::Transformation]) -> String {
    let mut out = String::new();
    let mut last = String::new();
    for t in ts {
        write_origin(&mut out, &t.origin, &mut last);
        let _ = writeln!(out, "{}", t.to_line());
    }
    out
}

/// Writes irregular forms as a `verbs/irregular.txt` file (sorted by lemma).
pub fn write_irregular(irr: &Irregulars) -> String {
    let mut lemmas: Vec<&String> = irr.keys().collect();
    lemmas.sort();
    let mut out = String::new();
    for l in lemmas {
        for f in &irr[l] {
            let _ = match &f.ing {
                Some(ing) => writeln!(out, "{l}: {} | {} | {ing}", f.past, f.participle),
                None => writeln!(out, "{l}: {} | {}", f.past, f.participle),
            };
        }
    }
    out
}

/// Writes discards as a `discards.txt` file. Returns the text and the number of phrases
/// that could not be written.
pub fn write_discards(d: &Discards) -> (String, usize) {
    let mut out = String::new();
    let mut dropped = 0;
    for (tag, list) in [
        ("@story", &d.story),
        ("@sentence", &d.sentence),
        ("@mask", &d.mask),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{tag}");
        for p in list {
            if writable(p) {
                let _ = writeln!(out, "{p}");
            } else {
                dropped += 1;
            }
        }
    }
    (out, dropped)
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
    fn paired_codes_words_before_and_prefix_agents() {
        let mut d = Dictionaries::default();
        load(
            &mut d,
            FileKind::Verbs,
            "v.txt",
            "&plane = aircraft | fighter jet\n042 <043: fly to\n195: &plane ... stage attack*\n<173: appear before court\n042 <043 <044: x\n<042 <043: y\n--- <043: z\n042 043: w\n111: ... x\n040: meet &nope\n&bad name = x\n",
        );
        assert_eq!(d.verbs.len(), 3, "{:?}", d.diagnostics);
        assert_eq!(d.verbs[0].paired.as_deref(), Some("043"));
        assert_eq!(d.verbs[1].before[0].word, "&plane");
        assert_eq!(d.synsets["plane"][1], ["fighter", "jet"]);
        assert!(d.verbs[1].words[0].prefix);
        assert!(d.verbs[2].reverse);
        let lines: Vec<usize> = d.diagnostics.iter().map(|x| x.origin.line).collect();
        assert_eq!(lines, vec![5, 6, 7, 8, 9, 10, 11]);
        // written back the same
        let text = write_verbs(&d.verbs, &d.synsets);
        let mut e = Dictionaries::default();
        load(&mut e, FileKind::Verbs, "w.txt", &text);
        assert!(e.diagnostics.is_empty(), "{text}");
        assert_eq!(e.synsets, d.synsets);
        for (a, b) in d.verbs.iter().zip(&e.verbs) {
            assert_eq!(
                (&a.code, &a.paired, &a.head, &a.before, &a.words, a.reverse),
                (&b.code, &b.paired, &b.head, &b.before, &b.words, b.reverse)
            );
        }
        let mut g = Dictionaries::default();
        load(
            &mut g,
            FileKind::Agents,
            "a.txt",
            "@kind group\npeacekeepers => IGO~\n@kind person\npresident => GOVPRS\nx => IG~\n",
        );
        assert_eq!(g.agents.len(), 2);
        assert!(g.agents[0].prefix && !g.agents[1].prefix);
        assert_eq!(g.diagnostics.len(), 1);
        let (text, dropped) = write_agents(&g.agents);
        assert_eq!(dropped, 0);
        let mut h = Dictionaries::default();
        load(&mut h, FileKind::Agents, "b.txt", &text);
        assert_eq!(h.agents.len(), 2);
        assert!(h.agents[0].prefix && h.agents[1].kind == ActorKind::Person);
    }

    #[test]
    fn actors_and_discards_written_back() {
        let mut d = Dictionaries::default();
        load(
            &mut d,
            FileKind::Actors,
            "a.txt",
            "@kind person\nSam Gamgee => HOBCIV ..2008-01-19; HOBELI 2013-01-19..; HOB\n@kind org\nthe United Nations | UN => IGOUNO\n",
        );
        let (text, dropped) = write_actors(&d.actors);
        assert_eq!(dropped, 0);
        let mut e = Dictionaries::default();
        load(&mut e, FileKind::Actors, "b.txt", &text);
        assert_eq!(e.actors.len(), 2, "{text}");
        assert_eq!(e.actors[0].codes, d.actors[0].codes);
        assert_eq!(e.actors[1].phrases, d.actors[1].phrases);
        assert_eq!(e.actors[1].kind, ActorKind::Org);
        let disc = Discards {
            story: vec!["cricket".into()],
            sentence: vec!["box office".into(), "a | b".into()],
            mask: vec![],
        };
        let (text, dropped) = write_discards(&disc);
        assert_eq!(dropped, 1);
        let mut f = Dictionaries::default();
        load(&mut f, FileKind::Discards, "d.txt", &text);
        assert_eq!(f.discards.story, ["cricket"]);
        assert_eq!(f.discards.sentence, ["box office"]);
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

//! PETRARCH-2 dictionaries, read into the same model as demarche's own format.
//!
//! Four kinds of file (see the "PETRARCH dictionaries" section of
//! `dictionaries/README.md` for the mapping and its limits):
//!
//! - **verbs** (`CAMEO.2.0.txt`): `&SYNSET` blocks of `+MEMBER` lines (regular plurals
//!   added unless the member or the label ends with `_`), `--- NAME [CODE] ---` blocks,
//!   verb lines `VERB {IRREGULAR FORMS} [CODE]` and multi-word verbs `+CALL_OFF`,
//!   `RE_+ARREST`, and `- PRE * POST [CODE]` patterns with nouns, `{NOUN PHRASES}`,
//!   `(PREP NOUN)` groups, synsets, `$`/`+` actor markers, paired codes `[042:043]`,
//!   `[:173]`, and `[---]`. Every pattern of a block applies to every verb of the block;
//!   a later pattern written the same way replaces an earlier one, and pattern nouns
//!   also match their regular plurals.
//! - **actors** (`Phoenix.*.actors.txt`): a root phrase, `+SYNONYM` lines, and codes
//!   inline (`ROOT [CODE]`) or on tab-indented lines (`[CODE <YYMMDD]`,
//!   `[CODE >YYYYMMDD]`, `[CODE FROM-TO]`, `[CODE]`).
//! - **agents** (`Phoenix.agents.txt`): `PHRASE {PLURAL} [~CODE]` or `[CODE~]`, and
//!   `!MARKER! = A, B` substitution sets used as `CONGRESS!PERSON!`.
//! - **discards** (`Phoenix.discards.txt`): one phrase a line; `+PHRASE` discards the
//!   whole story, anything else the sentence.
//!
//! Comments: `#` and `;` to the end of the line, `<!-- ... -->` (also over several
//! lines). PETRARCH files are used as published, so the loader is tolerant: a line it
//! cannot use is skipped and reported as a [`Severity::Skipped`] diagnostic with file,
//! line number and reason, and the rest of the file still loads. It never panics.

use super::own::FileKind;
use super::transform::{self, VerbRef};
use super::{
    Actor, ActorKind, Agent, DatedCode, Diagnostic, Dictionaries, Head, IrregularForms, Origin,
    PatternWord, Severity, Transformation, VerbPattern,
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Reads one PETRARCH file of the given kind into `d`.
pub fn load(d: &mut Dictionaries, kind: FileKind, file: &str, text: &str) {
    let lines = clean_lines(text);
    let mut l = Loader {
        d,
        file,
        skipped: Vec::new(),
    };
    match kind {
        FileKind::Verbs => l.verbs(&lines),
        FileKind::Actors => l.actors(&lines),
        FileKind::Agents => l.agents(&lines),
        FileKind::Discards => l.discards(&lines),
        FileKind::Irregular => l.skip(
            1,
            "PETRARCH has no irregular-verb file: irregular forms are given in `{...}` on the verb lines"
                .into(),
        ),
    }
    let skipped = std::mem::take(&mut l.skipped);
    d.diagnostics.extend(skipped);
}

/// Guesses the kind of a PETRARCH file from its name, then from its content.
pub fn detect_kind(name: &str, text: &str) -> Option<FileKind> {
    let n = name.to_lowercase();
    let base = n.rsplit(['/', '\\']).next().unwrap_or(&n);
    for (word, kind) in [
        ("discard", FileKind::Discards),
        ("agent", FileKind::Agents),
        ("actor", FileKind::Actors),
        ("verb", FileKind::Verbs),
        ("cameo", FileKind::Verbs),
    ] {
        if base.contains(word) {
            return Some(kind);
        }
    }
    let lines = clean_lines(text);
    let count = |f: &dyn Fn(&str) -> bool| lines.iter().filter(|(_, l)| f(l)).count();
    let blocks = count(&|l| l.starts_with("---"));
    let patterns = count(&|l| l.starts_with('-') && l.contains('*'));
    if blocks > 0 && patterns > 0 {
        return Some(FileKind::Verbs);
    }
    let agent_codes = count(&|l| l.contains("[~") || l.contains("~]"));
    let coded = count(&|l| l.contains('['));
    if agent_codes > 0 && agent_codes * 2 >= coded {
        return Some(FileKind::Agents);
    }
    if coded > 0 {
        return Some(FileKind::Actors);
    }
    if !lines.is_empty() {
        return Some(FileKind::Discards);
    }
    None
}

/// Lines without comments, trimmed, non-empty, with their 1-based numbers.
fn clean_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_comment = false;
    for (n, raw) in text.lines().enumerate() {
        // most lines hold no comment marker: no copy, no substring search
        if !in_comment && !raw.contains('<') {
            let cut = raw.find(['#', ';']).unwrap_or(raw.len());
            let line = raw[..cut].trim();
            if !line.is_empty() {
                out.push((n + 1, line.to_string()));
            }
            continue;
        }
        let mut line = String::new();
        let mut rest = raw;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        rest = &rest[i + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(i) => {
                        line.push_str(&rest[..i]);
                        line.push(' ');
                        rest = &rest[i + 4..];
                        in_comment = true;
                    }
                    None => {
                        line.push_str(rest);
                        break;
                    }
                }
            }
        }
        let cut = line.find(['#', ';']).unwrap_or(line.len());
        let line = line[..cut].trim();
        // `<!` lines that are not comments (`<!DOCTYPE`) carry nothing either
        if line.is_empty() || line.starts_with("<!") {
            continue;
        }
        out.push((n + 1, line.to_string()));
    }
    out
}

struct Loader<'a> {
    d: &'a mut Dictionaries,
    file: &'a str,
    skipped: Vec<Diagnostic>,
}

/// A verb of a block: the verb word (lemma), words that must come before and after it.
#[derive(Debug, Clone)]
struct BlockVerb {
    lemma: String,
    before: Vec<String>,
    after: Vec<String>,
    code: Option<Codes>,
    line: usize,
}

/// A pattern of a block: words (`&label` for a synset) before and after the verb.
#[derive(Debug, Clone)]
struct BlockPattern {
    pre: Vec<String>,
    post: Vec<String>,
    codes: Codes,
    reverse_markers: bool,
    /// The pattern as written (without its code), spaces collapsed: `* (TO)` differs
    /// from `* TO` (a prepositional phrase, not a particle).
    body: String,
    line: usize,
}

/// `[042:043]` -> forward 042, paired 043; `[:173]` -> reversed 173; `[---]` -> none.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Codes {
    code: Option<String>,
    paired: Option<String>,
    reverse: bool,
}

impl Loader<'_> {
    fn origin(&self, line: usize) -> Origin {
        Origin {
            file: self.file.to_string(),
            line,
        }
    }

    fn skip(&mut self, line: usize, message: String) {
        let origin = self.origin(line);
        self.skipped.push(Diagnostic {
            severity: Severity::Skipped,
            origin,
            message,
        });
    }

    // ------------------------------------------------------------------ verbs

    fn verbs(&mut self, lines: &[(usize, String)]) {
        // first pass: every synset, wherever it is defined; they become word sets
        let synsets = self.synsets(lines);
        for (label, members) in &synsets {
            self.d.synsets.insert(label.to_lowercase(), members.clone());
        }
        let mut verbs: Vec<BlockVerb> = Vec::new();
        let mut patterns: Vec<BlockPattern> = Vec::new();
        let mut block: Option<(Codes, usize)> = None;
        let mut in_synset = false;
        let mut transforms: Vec<(usize, String)> = Vec::new();
        for (n, line) in lines {
            let n = *n;
            if line.starts_with('&') {
                in_synset = true;
                continue;
            }
            if line.starts_with('+') && in_synset {
                continue;
            }
            in_synset = false;
            if line.starts_with("---") {
                self.flush_block(&mut verbs, &mut patterns);
                match block_header(line) {
                    Ok(c) => block = Some((c, n)),
                    Err(e) => {
                        self.skip(n, e);
                        block = None;
                    }
                }
            } else if line.starts_with('~') {
                // resolved once every verb of the file is known
                transforms.push((n, line.clone()));
            } else if let Some(p) = line.strip_prefix('-') {
                if block.is_none() {
                    self.skip(n, "a pattern outside a `--- VERB [CODE] ---` block".into());
                    continue;
                }
                match parse_pattern(p, &synsets) {
                    Ok(bp) => patterns.push(BlockPattern { line: n, ..bp }),
                    Err(e) => self.skip(n, e),
                }
            } else {
                let Some((codes, _)) = &block else {
                    self.skip(n, "a verb outside a `--- VERB [CODE] ---` block".into());
                    continue;
                };
                let block_codes = codes.clone();
                match self.verb_line(line, n) {
                    Ok(mut v) => {
                        if v.code.is_none() {
                            v.code = Some(block_codes);
                        }
                        verbs.push(v);
                    }
                    Err(e) => self.skip(n, e),
                }
            }
        }
        self.flush_block(&mut verbs, &mut patterns);
        for (n, line) in transforms {
            match self.transformation(&line, n) {
                Ok(t) => self.d.transformations.push(t),
                Err(e) => self.skip(n, e),
            }
        }
    }

    /// A verb transformation `~ a (a b ATTACK) SAY = a b 015`: the outer verb `SAY` with
    /// subject `a` takes a clause whose act `ATTACK` has source `a` and target `b`; the
    /// pair becomes the event `a 015 b`. As in PETRARCH-2, a verb name stands for the code
    /// of that verb in this file (its own `[CODE]`, else its block's), matched with every
    /// code below it; `Q` is any act (and its code). A named verb without a code
    /// (`ATTEMPT`, `[---]`) stands for itself, by lemma (PETRARCH would match any uncoded
    /// verb).
    fn transformation(&self, line: &str, n: usize) -> Result<Transformation, String> {
        const FORM: &str = "expected `~ a (SOURCE TARGET VERB) VERB = SOURCE TARGET CODE`";
        let body = line.trim_start_matches('~');
        let (lhs, rhs) = body.split_once('=').ok_or(FORM)?;
        let spaced = lhs.replace('(', " ( ").replace(')', " ) ");
        let l: Vec<&str> = spaced.split_whitespace().collect();
        let r: Vec<&str> = rhs.split_whitespace().collect();
        if l.iter().filter(|w| **w == "(").count() > 1 {
            return Err("nested clauses in a transformation are not supported".into());
        }
        let [subj, "(", src, tgt, inner, ")", outer] = l[..] else {
            return Err(format!("{FORM}, got {:?}", lhs.trim()));
        };
        let [rs, rt, code] = r[..] else {
            return Err(format!("{FORM}: the result is `SOURCE TARGET CODE`"));
        };
        let verb = |name: &str| -> Result<VerbRef, String> {
            if name == "Q" {
                return Ok(VerbRef::Any);
            }
            if name.contains('_') {
                return Err(format!(
                    "combined verbs ({name}) are not supported in transformations"
                ));
            }
            let lemma = name.to_lowercase();
            let found = self.d.verbs.iter().find(|v| {
                v.origin.file == self.file
                    && v.before.is_empty()
                    && v.words.is_empty()
                    && v.head == Head::Verb(lemma.clone())
            });
            match found {
                Some(v) => Ok(match &v.code {
                    Some(c) => VerbRef::Code(c.clone()),
                    None => VerbRef::Lemmas(vec![lemma]),
                }),
                None => Err(format!(
                    "the transformation names {name:?}, which is not a verb of this file"
                )),
            }
        };
        let inner = verb(inner)?;
        if matches!(inner, VerbRef::Lemmas(_)) {
            return Err(format!(
                "the embedded verb {:?} codes nothing, so no act can match it",
                l[4]
            ));
        }
        let t = Transformation {
            subject: transform::var(subj)?,
            outer: verb(outer)?,
            inner_source: transform::parse_slot(src)?,
            inner,
            inner_target: transform::parse_slot(tgt)?,
            source: transform::var(rs)?,
            target: transform::var(rt)?,
            code: match code {
                "Q" => None,
                c if c.len() >= 3 && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(c.to_string())
                }
                c => return Err(format!("bad result code {c:?}: 3 or 4 digits, or Q")),
            },
            origin: self.origin(n),
        };
        transform::validate(&t)?;
        Ok(t)
    }

    /// Every `&LABEL` with its members (each a list of words), embedded synsets
    /// (`+&OTHER`) resolved, plurals added.
    fn synsets(&mut self, lines: &[(usize, String)]) -> HashMap<String, Vec<Vec<String>>> {
        // (label, no plurals, members with their lines)
        let mut raw: Vec<RawSynset> = Vec::new();
        let mut current: Option<usize> = None;
        for (n, line) in lines {
            if let Some(label) = line.strip_prefix('&') {
                let label = label.split_whitespace().next().unwrap_or("");
                let no_plural = label.ends_with('_');
                let label = label.trim_end_matches('_').to_uppercase();
                if label.is_empty() {
                    self.skip(*n, "a synset without a label".into());
                    current = None;
                    continue;
                }
                raw.push((label, no_plural, Vec::new()));
                current = Some(raw.len() - 1);
            } else if let (Some(m), Some(c)) = (line.strip_prefix('+'), current) {
                raw[c].2.push((*n, m.trim().to_string()));
            } else {
                current = None;
            }
        }
        let labels: HashMap<String, usize> = raw
            .iter()
            .enumerate()
            .map(|(i, (l, _, _))| (l.clone(), i))
            .collect();
        let mut out: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for (label, no_plural, members) in &raw {
            let mut list: Vec<Vec<String>> = Vec::new();
            for (n, m) in members {
                if let Some(other) = m.strip_prefix('&') {
                    let other = other.trim_end_matches('_').to_uppercase();
                    // one level of embedding (the members of the other synset, plain)
                    match labels.get(&other) {
                        Some(&i) if raw[i].0 != *label => {
                            for (_, om) in &raw[i].2 {
                                if !om.starts_with('&') {
                                    list.extend(member_forms(om, raw[i].1));
                                }
                            }
                        }
                        _ => self.skip(*n, format!("undefined synset &{other} in &{label}")),
                    }
                    continue;
                }
                if m.contains(['$', '%', '^', '*', '[', '{', '(']) {
                    self.skip(*n, format!("a synset member holds only words: {m:?}"));
                    continue;
                }
                list.extend(member_forms(m, *no_plural));
            }
            list.retain(|w| !w.is_empty());
            list.dedup();
            out.entry(label.clone()).or_default().extend(list);
        }
        out
    }

    fn verb_line(&mut self, line: &str, n: usize) -> Result<BlockVerb, String> {
        let (body, code) = split_code(line)?;
        let code = match code {
            Some(c) => Some(parse_codes(&c)?),
            None => None,
        };
        let (word, forms) = match body.find('{') {
            Some(i) => {
                let close = body[i..]
                    .find('}')
                    .ok_or_else(|| "missing `}` after the irregular forms".to_string())?;
                let forms: Vec<&str> = body[i + 1..i + close].split_whitespace().collect();
                if !body[i + close + 1..].trim().is_empty() {
                    return Err(format!(
                        "unexpected {:?} after the irregular forms",
                        body[i + close + 1..].trim()
                    ));
                }
                (body[..i].trim(), Some(forms))
            }
            None => (body.trim(), None),
        };
        let mut words = word.split_whitespace();
        let word = words.next().ok_or("a verb line without a verb")?;
        if let Some(extra) = words.next() {
            return Err(format!(
                "unexpected {extra:?} after the verb: multi-word verbs are joined with `_`"
            ));
        }
        let (before, lemma, after) = split_multiword(word)?;
        if !lemma
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '\'')
        {
            return Err(format!("bad verb {lemma:?}"));
        }
        if let Some(forms) = forms {
            // (stray commas occur: `{+WAS_DETERMINED , +BE_DETERMINED}`)
            let forms: Vec<String> = forms
                .iter()
                .filter(|f| f.chars().any(char::is_alphanumeric))
                .map(|f| split_multiword(f).map(|(_, v, _)| v))
                .collect::<Result<_, _>>()?;
            self.irregular(&lemma, &forms);
        }
        Ok(BlockVerb {
            lemma,
            before,
            after,
            code,
            line: n,
        })
    }

    /// Irregular forms from `{...}`: `-ing` forms, third persons, then past and
    /// participle (a form in `-n` is the participle).
    fn irregular(&mut self, lemma: &str, forms: &[String]) {
        let regular = crate::verbs::inflect(lemma, &Default::default());
        let mut ing = None;
        let mut pasts: Vec<&String> = Vec::new();
        for f in forms {
            if f == lemma {
                continue;
            }
            if f.ends_with("ing") {
                ing.get_or_insert(f.clone());
            } else if *f == regular.third
                || (f.ends_with('s') && !f.ends_with("ss") && !f.ends_with("ed"))
            {
                continue;
            } else {
                pasts.push(f);
            }
        }
        let participle_at = pasts
            .iter()
            .position(|p| p.ends_with('n') && !p.ends_with("ed"));
        let participle = participle_at.map(|i| pasts[i].clone());
        let rest: Vec<&String> = pasts
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != participle_at)
            .map(|(_, p)| *p)
            .collect();
        let past = rest
            .first()
            .map(|p| (*p).clone())
            .or_else(|| participle.clone())
            .unwrap_or_else(|| lemma.to_string());
        let mut entries = vec![IrregularForms {
            participle: participle.unwrap_or_else(|| past.clone()),
            past,
            ing: ing.filter(|i| *i != regular.ing),
        }];
        for extra in rest.iter().skip(1) {
            entries.push(IrregularForms {
                past: (*extra).clone(),
                participle: (*extra).clone(),
                ing: None,
            });
        }
        // nothing irregular: keep the regular inflection
        if entries.len() == 1
            && entries[0].past == regular.past
            && entries[0].participle == regular.participle
            && entries[0].ing.is_none()
        {
            return;
        }
        let list = self.d.irregular.entry(lemma.to_string()).or_default();
        for e in entries {
            if !list.contains(&e) {
                list.push(e);
            }
        }
    }

    /// Emits every (verb, pattern) pair of the block just read.
    fn flush_block(&mut self, verbs: &mut Vec<BlockVerb>, patterns: &mut Vec<BlockPattern>) {
        let vs = std::mem::take(verbs);
        let ps = std::mem::take(patterns);
        if vs.is_empty() {
            for p in &ps {
                self.skip(p.line, "a pattern in a block without verbs".into());
            }
            return;
        }
        let none = PreparedWords::default();
        for v in &vs {
            let codes = v.code.clone().unwrap_or(Codes {
                code: None,
                paired: None,
                reverse: false,
            });
            self.push_pattern(v, &none, &none, &codes, v.line);
        }
        for p in &latest_patterns(&ps) {
            let codes = if p.reverse_markers && !p.codes.reverse {
                // `$` after the verb, `+` before it: the subject is the target
                Codes {
                    reverse: true,
                    ..p.codes.clone()
                }
            } else {
                p.codes.clone()
            };
            // the pattern's words are read once for all the block's verbs
            let pre = self.prepare_words(&p.pre);
            let post = self.prepare_words(&p.post);
            for v in &vs {
                self.push_pattern(v, &pre, &post, &codes, p.line);
            }
        }
    }

    /// A pattern's words before or after its verb: as written (for the pattern's text)
    /// and as matched (nouns also match their plurals; the verb's own words do not).
    fn prepare_words(&mut self, words: &[String]) -> PreparedWords {
        let written = pattern_words(words.iter());
        let mut matched = written.clone();
        for w in matched.iter_mut() {
            self.noun_or_plural(w);
        }
        PreparedWords {
            text: written.into_iter().map(|w| w.word).collect(),
            matched,
        }
    }

    fn push_pattern(
        &mut self,
        v: &BlockVerb,
        pre: &PreparedWords,
        post: &PreparedWords,
        codes: &Codes,
        line: usize,
    ) {
        let mut text: Vec<&str> = pre.text.iter().map(String::as_str).collect();
        text.extend(v.before.iter().map(String::as_str));
        if !text.is_empty() {
            text.push("...");
        }
        text.push(&v.lemma);
        text.extend(v.after.iter().map(String::as_str));
        text.extend(post.text.iter().map(String::as_str));
        let mut before = pre.matched.clone();
        before.extend(pattern_words(v.before.iter()));
        let mut words = pattern_words(v.after.iter());
        words.extend(post.matched.iter().cloned());
        let origin = self.origin(line);
        self.d.verbs.push(VerbPattern {
            code: codes.code.clone(),
            paired: codes.paired.clone(),
            head: Head::Verb(v.lemma.clone()),
            before,
            words,
            text: text.join(" "),
            reverse: codes.reverse,
            origin,
        });
    }

    /// A pattern word that may be a noun ("ASSURANCE") also matches its regular plural
    /// ("assurances"), as PETRARCH's nouns do: it becomes an implicit word set
    /// `&pl-word` (a name no PETRARCH label has).
    /// Closed-class words (prepositions, determiners, auxiliaries, ...) stay literal.
    fn noun_or_plural(&mut self, w: &mut PatternWord) {
        if w.prefix || w.word.starts_with('&') || w.word.len() < 3 {
            return;
        }
        let closed = crate::roles::word_flags()
            .get(w.word.as_str())
            .is_some_and(|&sets| sets & !crate::roles::MATCHING_SETS != 0);
        if closed {
            return;
        }
        let Some(plural) = noun_plural(&w.word) else {
            return;
        };
        let name = format!("pl-{}", w.word);
        self.d
            .synsets
            .entry(name.clone())
            .or_insert_with(|| vec![vec![w.word.clone()], vec![plural]]);
        w.word = format!("&{name}");
    }

    // ----------------------------------------------------------------- actors

    fn actors(&mut self, lines: &[(usize, String)]) {
        let mut cur: Option<PendingActor> = None;
        for (n, line) in lines {
            let n = *n;
            if line.starts_with('[') {
                let Some(a) = cur.as_mut() else {
                    self.skip(n, "a code line before any actor phrase".into());
                    continue;
                };
                let mut item = Some(line.clone());
                while let Some(it) = item.take() {
                    match code_item(&it) {
                        Ok((c, rest)) => {
                            a.codes.push(c);
                            if rest.starts_with('[') {
                                item = Some(rest);
                            } else if !rest.is_empty() {
                                self.skip(n, format!("unexpected {rest:?} after the code"));
                            }
                        }
                        Err(e) => {
                            self.skip(n, e);
                            item = it
                                .get(1..)
                                .and_then(|r| r.find('[').map(|j| r[j..].to_string()));
                        }
                    }
                }
            } else if let Some(syn) = line.strip_prefix('+') {
                let Some(a) = cur.as_mut() else {
                    self.skip(n, "a `+` synonym before any actor phrase".into());
                    continue;
                };
                match actor_phrase(syn) {
                    Ok(p) => a.phrases.push(p),
                    Err(e) => self.skip(n, e),
                }
            } else {
                if let Some(a) = cur.take() {
                    self.finish_actor(a);
                }
                let (body, inline) = match line.find('[') {
                    Some(i) => (&line[..i], Some(&line[i..])),
                    None => (line.as_str(), None),
                };
                let mut a = PendingActor {
                    phrases: Vec::new(),
                    codes: Vec::new(),
                    fallback: None,
                    line: n,
                };
                match actor_phrase(body) {
                    Ok(p) => a.phrases.push(p),
                    Err(e) => {
                        self.skip(n, e);
                        continue;
                    }
                }
                // one or more `[CODE ...]` items on the root line
                let mut item = inline.map(str::to_string);
                while let Some(it) = item.take() {
                    match code_item(&it) {
                        Ok((c, rest)) => {
                            // the root line's undated code is the fallback (used when
                            // no restriction holds)
                            if c.undated && a.fallback.is_none() {
                                a.fallback = Some(c);
                            } else {
                                a.codes.push(c);
                            }
                            if rest.starts_with('[') {
                                item = Some(rest);
                            } else if !rest.is_empty() {
                                self.skip(n, format!("unexpected {rest:?} after the code"));
                            }
                        }
                        Err(e) => {
                            self.skip(n, e);
                            // the next item, if any
                            item = it
                                .get(1..)
                                .and_then(|r| r.find('[').map(|j| r[j..].to_string()));
                        }
                    }
                }
                cur = Some(a);
            }
        }
        if let Some(a) = cur.take() {
            self.finish_actor(a);
        }
    }

    fn finish_actor(&mut self, mut a: PendingActor) {
        if let Some(f) = a.fallback.take() {
            a.codes.push(f);
        }
        if a.codes.is_empty() {
            self.skip(
                a.line,
                format!("actor {:?} has no usable code: not loaded", a.phrases[0]),
            );
            return;
        }
        let dated = a.codes.iter().any(|c| !c.undated);
        let kind = if dated && a.codes.iter().all(|c| c.code.len() > 3) {
            ActorKind::Person
        } else {
            kind_of_code(&a.codes[0].code)
        };
        a.phrases.dedup();
        let origin = self.origin(a.line);
        self.d.actors.push(Actor {
            phrases: a.phrases,
            codes: a.codes,
            kind,
            origin,
        });
    }

    // ----------------------------------------------------------------- agents

    fn agents(&mut self, lines: &[(usize, String)]) {
        let mut markers: HashMap<String, Vec<String>> = HashMap::new();
        for (n, line) in lines {
            let n = *n;
            if line.contains('!') && line.contains('=') && !line.contains('[') {
                match marker_definition(line) {
                    Ok((m, list)) => {
                        markers.insert(m, list);
                    }
                    Err(e) => self.skip(n, e),
                }
                continue;
            }
            if let Err(e) = self.agent_line(line, n, &markers) {
                self.skip(n, e);
            }
        }
    }

    fn agent_line(
        &mut self,
        line: &str,
        n: usize,
        markers: &HashMap<String, Vec<String>>,
    ) -> Result<(), String> {
        let (body, code) = split_code(line)?;
        let code = code.ok_or("an agent needs a code: `PHRASE [~CODE]` or `[CODE~]`")?;
        let (code, prefix) = if let Some(c) = code.strip_prefix('~') {
            (c, false)
        } else if let Some(c) = code.strip_suffix('~') {
            (c, true)
        } else {
            return Err(format!(
                "agent code {code:?} needs a `~` before (after the actor) or after (before the actor)"
            ));
        };
        if !super::valid_actor_code(code) {
            return Err(format!(
                "bad agent code {code:?}: expected upper-case letters in groups of three"
            ));
        }
        let (phrase, plural) = match body.find('{') {
            Some(i) => {
                let close = body[i..].find('}').ok_or("missing `}` after the plural")?;
                (
                    body[..i].trim().to_string(),
                    Some(body[i + 1..i + close].trim().to_string()),
                )
            }
            None => (body.trim().to_string(), None),
        };
        let mut phrases = Vec::new();
        for p in substitute(&phrase, markers)? {
            phrases.push(agent_phrase(&p)?);
        }
        if let Some(pl) = plural.filter(|p| !p.is_empty()) {
            for p in substitute(&pl, markers)? {
                phrases.push(agent_phrase(&p)?);
            }
        }
        let kind = agent_kind(&phrases[0], code, prefix);
        let origin = self.origin(n);
        self.d.agents.push(Agent {
            phrases,
            code: code.to_string(),
            kind,
            prefix,
            origin,
        });
        Ok(())
    }

    // --------------------------------------------------------------- discards

    fn discards(&mut self, lines: &[(usize, String)]) {
        for (n, line) in lines {
            let (story, p) = match line.strip_prefix('+') {
                Some(p) => (true, p),
                None => (false, line.as_str()),
            };
            let p = p.replace('_', " ");
            let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
            if p.is_empty() {
                self.skip(*n, "an empty discard phrase".into());
                continue;
            }
            if p.contains('|') {
                self.skip(*n, format!("a discard phrase cannot hold `|`: {p:?}"));
                continue;
            }
            let p = p.to_lowercase();
            if story {
                self.d.discards.story.push(p);
            } else {
                self.d.discards.sentence.push(p);
            }
        }
    }
}

/// A synset as read: label, no plurals, members with their line numbers.
type RawSynset = (String, bool, Vec<(usize, String)>);

struct PendingActor {
    phrases: Vec<String>,
    codes: Vec<DatedCode>,
    fallback: Option<DatedCode>,
    line: usize,
}

/// `--- NAME [CODE] ---` (what follows the `]` is ignored: `[110]---  ---` occurs).
fn block_header(line: &str) -> Result<Codes, String> {
    match line.find('[') {
        Some(i) => {
            let close = line[i..]
                .find(']')
                .ok_or("missing `]` after the block code")?;
            parse_codes(&line[i + 1..i + close])
        }
        None => Ok(Codes {
            code: None,
            paired: None,
            reverse: false,
        }),
    }
}

/// Splits `TEXT [CODE]` into the text and the code (without brackets).
fn split_code(line: &str) -> Result<(String, Option<String>), String> {
    match line.rfind('[') {
        None => {
            if line.contains(']') {
                return Err("`]` without `[`".into());
            }
            Ok((line.trim().to_string(), None))
        }
        Some(i) => {
            let close = line[i..]
                .find(']')
                .ok_or_else(|| "missing `]` after the code".to_string())?;
            let after = line[i + close + 1..].trim();
            if !after.is_empty() {
                return Err(format!("unexpected {after:?} after the code"));
            }
            if line[..i].contains('[') {
                return Err("more than one `[CODE]`".into());
            }
            Ok((
                line[..i].trim().to_string(),
                Some(line[i + 1..i + close].trim().to_string()),
            ))
        }
    }
}

/// `042`, `---`, `042:043`, `:173`, `050:050`.
fn parse_codes(c: &str) -> Result<Codes, String> {
    let one = |s: &str| -> Result<Option<String>, String> {
        let s = s.trim();
        if s.is_empty() || s == "---" {
            Ok(None)
        } else if (3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Some(s.to_string()))
        } else {
            Err(format!(
                "bad event code {s:?}: expected 3 or 4 digits or ---"
            ))
        }
    };
    match c.split_once(':') {
        None => {
            if c.trim().is_empty() {
                return Err("an empty code `[]`".into());
            }
            Ok(Codes {
                code: one(c)?,
                paired: None,
                reverse: false,
            })
        }
        Some((a, b)) => {
            if b.contains(':') {
                return Err(format!("bad paired code {c:?}"));
            }
            let (a, b) = (one(a)?, one(b)?);
            Ok(match (a, b) {
                (None, Some(b)) => Codes {
                    code: Some(b),
                    paired: None,
                    reverse: true,
                },
                (a, b) => Codes {
                    code: a.clone(),
                    paired: if a.is_some() { b } else { None },
                    reverse: false,
                },
            })
        }
    }
}

/// The patterns of a block, where a later pattern written the same way replaces an
/// earlier one (PETRARCH stores a block's patterns keyed by their elements, so the last
/// definition wins: `- * &TREATY [031]` then `- * &TREATY [057]` gives 057).
fn latest_patterns(ps: &[BlockPattern]) -> Vec<&BlockPattern> {
    ps.iter()
        .enumerate()
        .filter(|(i, p)| !ps[i + 1..].iter().any(|q| q.body == p.body))
        .map(|(_, p)| p)
        .collect()
}

/// `RE_+ARREST`, `+CALL_OFF`, `ABANDON`: (words before, verb, words after), lower case.
fn split_multiword(word: &str) -> Result<(Vec<String>, String, Vec<String>), String> {
    let parts: Vec<&str> = word.split('_').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err("an empty verb".into());
    }
    let marked: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].starts_with('+'))
        .collect();
    let at = match marked.len() {
        0 => 0,
        1 => marked[0],
        _ => return Err(format!("more than one `+` in the multi-word verb {word:?}")),
    };
    let low = |s: &str| s.trim_start_matches('+').to_lowercase();
    let lemma = low(parts[at]);
    if lemma.is_empty() {
        return Err(format!("no verb after `+` in {word:?}"));
    }
    Ok((
        parts[..at].iter().map(|p| low(p)).collect(),
        lemma,
        parts[at + 1..].iter().map(|p| low(p)).collect(),
    ))
}

/// Parses `PRE * POST [CODE]` (without the leading `-`).
fn parse_pattern(
    p: &str,
    synsets: &HashMap<String, Vec<Vec<String>>>,
) -> Result<BlockPattern, String> {
    let (body, code) = split_code(p)?;
    let code = code.ok_or("a pattern needs a `[CODE]`")?;
    let codes = parse_codes(&code)?;
    // TABARI connectors: `IN_*`, `*_OUT`
    let body = body.replace('_', " ");
    let star = body
        .find('*')
        .ok_or("a pattern needs `*` where the verb stands")?;
    let after_star = body[star..].trim_start_matches('*');
    if after_star.contains('*') {
        return Err("more than one `*` in a pattern".into());
    }
    let pre_s = &body[..star];
    let post_s = after_star;
    if pre_s.contains('|') || post_s.contains('|') {
        return Err("disjunctions `|` are not PETRARCH syntax: use a synset".into());
    }
    let (pre, _, pre_tgt) = pattern_side(pre_s, synsets)?;
    let (post, post_src, post_tgt) = pattern_side(post_s, synsets)?;
    Ok(BlockPattern {
        pre,
        post,
        codes,
        reverse_markers: post_src && (!post_tgt || pre_tgt),
        body: body.split_whitespace().collect::<Vec<_>>().join(" "),
        line: 0,
    })
}

/// The elements of one side of a pattern, and whether it has `$` and `+` markers.
fn pattern_side(
    s: &str,
    synsets: &HashMap<String, Vec<Vec<String>>>,
) -> Result<(Vec<String>, bool, bool), String> {
    let mut depth_paren = 0i32;
    let mut depth_brace = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth_paren += 1,
            ')' => depth_paren -= 1,
            '{' => depth_brace += 1,
            '}' => depth_brace -= 1,
            _ => {}
        }
        if depth_paren < 0 || depth_brace < 0 || depth_paren > 1 || depth_brace > 1 {
            return Err("unbalanced `(...)` or `{...}`".into());
        }
    }
    if depth_paren != 0 || depth_brace != 0 {
        return Err("unbalanced `(...)` or `{...}`".into());
    }
    let mut out = Vec::new();
    let (mut src, mut tgt) = (false, false);
    for tok in s.split(|c: char| c.is_whitespace() || "(){}".contains(c)) {
        if tok.is_empty() {
            continue;
        }
        match tok {
            "$" => src = true,
            "+" => tgt = true,
            "^" | "%" => {}
            _ => {
                if let Some(label) = tok.strip_prefix('&') {
                    let label = label.trim_end_matches('_').to_uppercase();
                    if synsets.get(&label).is_none_or(|m| m.is_empty()) {
                        return Err(format!("undefined (or empty) synset &{label}"));
                    }
                    out.push(format!("&{}", label.to_lowercase()));
                } else if tok.contains(['$', '+', '^', '%', '&', '[', ']']) {
                    return Err(format!("unexpected {tok:?} in a pattern"));
                } else {
                    out.push(tok.to_lowercase());
                }
            }
        }
    }
    Ok((out, src, tgt))
}

/// A synset member and its plural (single words not ending with `_`).
fn member_forms(m: &str, no_plural: bool) -> Vec<Vec<String>> {
    let keep = m.trim().ends_with('_');
    let words: Vec<String> = m
        .replace('_', " ")
        .split_whitespace()
        .flat_map(|w| crate::text::tokens::phrase_tokens(&w.to_lowercase()))
        .map(|t| t.0)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut out = vec![words.clone()];
    if !no_plural && !keep && words.len() == 1 {
        if let Some(p) = noun_plural(&words[0]) {
            out.push(vec![p]);
        }
    }
    out
}

/// Regular English plural of a noun; `None` if it already looks plural.
fn noun_plural(w: &str) -> Option<String> {
    if !w.chars().all(|c| c.is_alphabetic() || c == '-') || w.ends_with('s') {
        return None;
    }
    let b = w.as_bytes();
    let n = b.len();
    let last = *b.last()?;
    let prev = if n >= 2 { b[n - 2] } else { b' ' };
    Some(
        if w.ends_with("ch") || w.ends_with("sh") || last == b'x' || last == b'z' {
            format!("{w}es")
        } else if last == b'y' && !matches!(prev, b'a' | b'e' | b'i' | b'o' | b'u') {
            format!("{}ies", &w[..n - 1])
        } else {
            format!("{w}s")
        },
    )
}

/// Pattern words as demarche's own loader makes them (split like text tokens).
/// The words on one side of a verb pattern, read once per pattern
/// ([`Loader::prepare_words`]).
#[derive(Debug, Default)]
struct PreparedWords {
    /// As written, for the pattern's text.
    text: Vec<String>,
    /// As matched.
    matched: Vec<PatternWord>,
}

fn pattern_words<'a>(words: impl Iterator<Item = &'a String>) -> Vec<PatternWord> {
    let mut out = Vec::new();
    for w in words {
        if w.starts_with('&') {
            out.push(PatternWord {
                word: w.clone(),
                prefix: false,
            });
            continue;
        }
        for t in crate::text::tokens::phrase_tokens(w) {
            out.push(PatternWord {
                word: t.0,
                prefix: false,
            });
        }
    }
    out
}

/// Words that need no capital in an actor phrase ("the United Nations").
const FUNCTION_WORDS: &[&str] = &[
    "a", "al", "an", "and", "at", "bin", "da", "de", "del", "della", "der", "des", "di", "du",
    "el", "for", "ibn", "in", "la", "le", "of", "on", "the", "to", "van", "von", "y",
];

/// An actor phrase: `_` and spaces are word breaks; the first word that is not a
/// function word is written with a capital (and so must be capitalised in the text),
/// the others in lower case.
fn actor_phrase(s: &str) -> Result<String, String> {
    let mut words = s
        .split(|c: char| c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .peekable();
    if words.peek().is_none() {
        return Err("an empty actor phrase".into());
    }
    // (none of these characters is a separator: a word has one iff the phrase has)
    if s.contains(['|', '[', ']', '{', '}']) || s.contains("=>") {
        return Err(format!("unusable actor phrase {s:?}"));
    }
    // lower case, words joined by one space, the first word that is no function word
    // capitalised
    let mut out = String::with_capacity(s.len());
    let mut lower = String::new();
    let mut capped = false;
    for w in words {
        lower.clear();
        if w.is_ascii() {
            lower.push_str(w);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&w.to_lowercase());
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if capped || FUNCTION_WORDS.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else {
            capped = true;
            let mut c = lower.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    Ok(out)
}

/// An agent phrase: lower case words.
fn agent_phrase(s: &str) -> Result<String, String> {
    let p = s
        .replace('_', " ")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    if p.is_empty() {
        return Err("an empty agent phrase".into());
    }
    if p.contains(['|', '[', ']', '{', '}', '!']) || p.contains("=>") {
        return Err(format!("unusable agent phrase {s:?}"));
    }
    Ok(p)
}

/// `[CODE]`, `[CODE <YYMMDD]`, `[CODE >YYYYMMDD]`, `[CODE FROM-TO]`; returns the code
/// and what follows the `]`.
fn code_item(s: &str) -> Result<(DatedCode, String), String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('[')
        .ok_or_else(|| format!("expected `[CODE ...]`, found {s:?}"))?;
    let close = inner.find(']').ok_or("missing `]` after the code")?;
    let rest = inner[close + 1..].trim().to_string();
    let inner = inner[..close].trim();
    let mut parts = inner.splitn(2, char::is_whitespace);
    let code = parts.next().unwrap_or("").to_string();
    if code == "---" {
        return Err("the null code `[---]` is not loaded".into());
    }
    if !super::valid_actor_code(&code) {
        return Err(format!(
            "bad actor code {code:?}: expected upper-case letters in groups of three"
        ));
    }
    let range: String = parts
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if range.is_empty() {
        return Ok((
            DatedCode {
                code,
                from: None,
                to: None,
                undated: true,
            },
            rest,
        ));
    }
    let (from, to) = if let Some(d) = range.strip_prefix('<') {
        // before the date (strictly)
        let d = petr_date(d)?;
        (None, Some(d.pred_opt().ok_or("date out of range")?))
    } else if let Some(d) = range.strip_prefix('>') {
        (Some(petr_date(d)?), None)
    } else if let Some((a, b)) = range.split_once('-') {
        let (a, b) = (petr_date(a)?, petr_date(b)?);
        if a > b {
            return Err(format!("date range {range:?} ends before it starts"));
        }
        (Some(a), Some(b))
    } else {
        return Err(format!(
            "bad date restriction {range:?}: expected <DATE, >DATE or FROM-TO"
        ));
    };
    Ok((
        DatedCode {
            code,
            from,
            to,
            undated: false,
        },
        rest,
    ))
}

/// `YYMMDD` (YY <= 30 is 20YY) or `YYYYMMDD`.
fn petr_date(s: &str) -> Result<NaiveDate, String> {
    let bad = || format!("bad date {s:?}: expected YYMMDD or YYYYMMDD");
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |a: usize, b: usize| s[a..b].parse::<u32>().map_err(|_| bad());
    let (y, m, d) = match s.len() {
        6 => {
            let yy = num(0, 2)? as i32;
            (
                if yy <= 30 { 2000 + yy } else { 1900 + yy },
                num(2, 4)?,
                num(4, 6)?,
            )
        }
        8 => (num(0, 4)? as i32, num(4, 6)?, num(6, 8)?),
        _ => return Err(bad()),
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)
}

/// The kind of an undated actor from its code.
fn kind_of_code(code: &str) -> ActorKind {
    let parts: Vec<&str> = (0..code.len() / 3)
        .map(|i| &code[i * 3..i * 3 + 3])
        .collect();
    match parts.first().copied() {
        Some("IGO" | "NGO" | "MNC" | "NGM") => ActorKind::Org,
        Some("IMG") => ActorKind::Group,
        _ if parts
            .iter()
            .skip(1)
            .any(|p| matches!(*p, "REB" | "INS" | "SEP" | "UAF" | "OPP" | "PTY")) =>
        {
            ActorKind::Group
        }
        _ => ActorKind::Country,
    }
}

/// Collective nouns among agents (the rest are individual roles).
const COLLECTIVES: &[&str] = &[
    "government",
    "ministry",
    "ministries",
    "army",
    "military",
    "police",
    "force",
    "forces",
    "party",
    "parliament",
    "council",
    "court",
    "cabinet",
    "administration",
    "authorities",
    "authority",
    "regime",
    "committee",
    "commission",
    "agency",
    "assembly",
    "senate",
    "congress",
    "legislature",
    "opposition",
    "coalition",
    "group",
    "movement",
    "union",
    "navy",
    "guard",
    "militia",
    "junta",
    "office",
    "department",
    "media",
    "press",
    "staff",
    "board",
    "team",
    "unit",
    "brigade",
    "battalion",
    "squad",
    "troop",
    "troops",
    "people",
    "public",
    "community",
    "clergy",
    "church",
    "university",
    "company",
    "firm",
    "bank",
];

fn agent_kind(phrase: &str, _code: &str, prefix: bool) -> ActorKind {
    let last = phrase.rsplit(' ').next().unwrap_or(phrase);
    if prefix
        || COLLECTIVES.contains(&last)
        || (last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us"))
    {
        ActorKind::Group
    } else {
        ActorKind::Person
    }
}

/// `!PERSON! = MAN, MEN, WOMAN`
fn marker_definition(line: &str) -> Result<(String, Vec<String>), String> {
    let (m, list) = line
        .split_once('=')
        .ok_or("expected `!MARKER! = A, B, ...`")?;
    let m = m.trim();
    let name = m
        .strip_prefix('!')
        .and_then(|x| x.strip_suffix('!'))
        .filter(|x| !x.is_empty() && !x.contains('!'))
        .ok_or_else(|| format!("bad substitution marker {m:?}: expected `!NAME!`"))?;
    let items: Vec<String> = list
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if items.is_empty() {
        return Err(format!("substitution marker !{name}! has no items"));
    }
    Ok((name.to_string(), items))
}

/// Expands one `!MARKER!` in a phrase.
fn substitute(p: &str, markers: &HashMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    let Some(i) = p.find('!') else {
        return Ok(vec![p.to_string()]);
    };
    let j = p[i + 1..]
        .find('!')
        .map(|j| i + 1 + j)
        .ok_or("a substitution marker without its closing `!`")?;
    let name = &p[i + 1..j];
    let items = markers
        .get(name)
        .ok_or_else(|| format!("substitution marker !{name}! is not defined (before use)"))?;
    let mut out = Vec::new();
    for it in items {
        let s = format!("{}{it}{}", &p[..i], &p[j + 1..]);
        out.extend(substitute(&s, markers)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(kind: FileKind, text: &str) -> Dictionaries {
        let mut d = Dictionaries::default();
        load(&mut d, kind, "p.txt", text);
        d
    }

    fn skipped_lines(d: &Dictionaries) -> Vec<usize> {
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Skipped)
            .map(|x| x.origin.line)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    fn pat<'a>(d: &'a Dictionaries, text: &str) -> &'a VerbPattern {
        d.verbs.iter().find(|v| v.text == text).unwrap_or_else(|| {
            panic!(
                "no pattern {text:?} in {:?}",
                d.verbs.iter().map(|v| &v.text).collect::<Vec<_>>()
            )
        })
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn synsets_with_plurals_and_no_plural_markers() {
        let d = load_str(
            FileKind::Verbs,
            "&CURRENCY\n+DOLLAR\n+CASH_\n+SWISS FRANC\n+ARMED_FORCES\n\n&AUX_\n+WILL\n\n--- GIVE [070] ---\nGIVE {GAVE GIVEN}\n- * &CURRENCY [071]\n- &AUX * AID [072]\n",
        );
        assert_eq!(pat(&d, "give &currency").code.as_deref(), Some("071"));
        let cur = &d.synsets["currency"];
        for m in [
            &["dollar"][..],
            &["dollars"],
            &["cash"],
            &["swiss", "franc"],
            &["armed", "forces"],
        ] {
            assert!(cur.iter().any(|x| x == m), "{m:?} in {cur:?}");
        }
        assert!(!cur.iter().any(|x| x == &["cashes"]));
        assert!(!cur.iter().any(|x| x == &["swiss", "francs"]));
        let aux = pat(&d, "&aux ... give aid");
        assert_eq!(aux.before[0].word, "&aux");
        assert_eq!(d.synsets["aux"], [["will"]]);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    }

    /// A pattern noun that is also a quantity word ("part") still matches its plural;
    /// a closed-class word ("with") does not get one.
    #[test]
    fn pattern_nouns_match_their_plurals() {
        let d = load_str(
            FileKind::Verbs,
            "--- SEIZE [171] ---\nSEIZE\n- * PART [030]\n- * HOSTAGE [181]\n- * WITH [172]\n",
        );
        for (text, set, plural) in [
            ("seize part", "pl-part", "parts"),
            ("seize hostage", "pl-hostage", "hostages"),
        ] {
            let p = pat(&d, text);
            assert_eq!(p.words[0].word, format!("&{set}"));
            assert!(
                d.synsets[set].iter().any(|m| m == &[plural]),
                "{:?}",
                d.synsets[set]
            );
        }
        assert_eq!(pat(&d, "seize with").words[0].word, "with");
    }

    #[test]
    fn blocks_verbs_codes_and_irregular_forms() {
        let d = load_str(
            FileKind::Verbs,
            "--- ASK [---] ---\nASK [020]\nQUERY {QUERYING QUERIES QUERIED}\nGIVE {GAVE GIVEN GIVING}\nSPEED {SPEEDING SPEEDS SPED}\nPUT {PUTS PUTTING}\nGRILL [110]\n- * HELP [022]\n",
        );
        assert_eq!(pat(&d, "ask").code.as_deref(), Some("020"));
        assert_eq!(pat(&d, "query").code, None); // block code ---
        assert_eq!(pat(&d, "grill").code.as_deref(), Some("110"));
        // block patterns apply to every verb of the block
        for v in ["ask", "query", "give", "speed", "put", "grill"] {
            assert_eq!(pat(&d, &format!("{v} help")).code.as_deref(), Some("022"));
        }
        let give = &d.irregular["give"][0];
        assert_eq!(
            (give.past.as_str(), give.participle.as_str()),
            ("gave", "given")
        );
        let sped = &d.irregular["speed"][0];
        assert_eq!(
            (sped.past.as_str(), sped.participle.as_str()),
            ("sped", "sped")
        );
        let put = &d.irregular["put"][0];
        assert_eq!((put.past.as_str(), put.participle.as_str()), ("put", "put"));
        // regular forms listed in braces add nothing
        assert!(!d.irregular.contains_key("query"));
    }

    #[test]
    fn multi_word_verbs() {
        let d = load_str(
            FileKind::Verbs,
            "--- CALL [---] ---\n+CALL_OFF [160]\nRE_+ARREST [173]\n+ASK_FOR {+ASKED_FOR +ASKING_FOR +ASKS_FOR} [020]\n+TAKE_LEAVE {+TAKES_LEAVE +TOOK_LEAVE +TAKEN_LEAVE}\n- * TALKS [161]\n",
        );
        let p = pat(&d, "call off");
        assert_eq!((p.code.as_deref(), p.words.len()), (Some("160"), 1));
        assert_eq!(pat(&d, "re ... arrest").code.as_deref(), Some("173"));
        assert_eq!(pat(&d, "ask for").code.as_deref(), Some("020"));
        assert_eq!(pat(&d, "call off talks").code.as_deref(), Some("161"));
        assert_eq!(pat(&d, "re ... arrest talks").code.as_deref(), Some("161"));
        let t = &d.irregular["take"][0];
        assert_eq!((t.past.as_str(), t.participle.as_str()), ("took", "taken"));
    }

    #[test]
    fn patterns_nouns_phrases_preps_and_markers() {
        let d = load_str(
            FileKind::Verbs,
            "&WEAPON\n+GUN\n--- RUSH [---] ---\nRUSH\n- * {ARMS SHIPMENT} [072]\n- * POLICE (TO BORDER) [153]\n- * (OVER {&WEAPON ATTACK}) [151]\n- * OFF (FROM ^) [042]\n- * PROTESTS (FROM $) [110]\n- $ * (WITH +) [045]\n- ABRUPTLY * TALKS [164]\n",
        );
        assert_eq!(pat(&d, "rush arms shipment").code.as_deref(), Some("072"));
        assert_eq!(
            pat(&d, "rush police to border").code.as_deref(),
            Some("153")
        );
        assert_eq!(
            pat(&d, "rush over &weapon attack").code.as_deref(),
            Some("151")
        );
        assert_eq!(d.synsets["weapon"], [["gun"], ["guns"]]);
        assert_eq!(pat(&d, "rush off from").code.as_deref(), Some("042"));
        // `$` after the verb: the subject is the target
        assert!(pat(&d, "rush protests from").reverse);
        assert!(!pat(&d, "rush with").reverse);
        let p = pat(&d, "abruptly ... rush talks");
        assert_eq!((p.before.len(), p.words.len()), (1, 1));
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    }

    #[test]
    fn paired_and_null_codes() {
        let d = load_str(
            FileKind::Verbs,
            "--- MEET [031:032] ---\nMEET {MET MET}\n- * (TO) [042:043]\n- * (BEFORE COURT) [:173]\n- * (ASIDE ENMITY) [050:050]\n- * COACH [---]\n",
        );
        let m = pat(&d, "meet");
        assert_eq!(
            (m.code.as_deref(), m.paired.as_deref()),
            (Some("031"), Some("032"))
        );
        let p = pat(&d, "meet to");
        assert_eq!(
            (p.code.as_deref(), p.paired.as_deref()),
            (Some("042"), Some("043"))
        );
        let r = pat(&d, "meet before court");
        assert_eq!(
            (r.code.as_deref(), r.paired.as_deref(), r.reverse),
            (Some("173"), None, true)
        );
        let s = pat(&d, "meet aside enmity");
        assert_eq!(
            (s.code.as_deref(), s.paired.as_deref()),
            (Some("050"), Some("050"))
        );
        assert_eq!(pat(&d, "meet coach").code, None);
    }

    #[test]
    fn rejected_verb_lines_are_reported() {
        let text = "- * STRAY [010]\nSTRAY\n--- BAD [010] ---\nBAD\n- * NOCODE\n- * WORD [def]\n- NOSTAR [010]\n- * &UNDEFINED [010]\n- * (OPEN [010]\n~ a (a b ATTACK) SAY = a b 015\n- * * TWO [010]\nTWO WORDS [010]\n--- EMPTY [010] ---\n- * ORPHAN [010]\n";
        let d = load_str(FileKind::Verbs, text);
        assert_eq!(skipped_lines(&d), vec![1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
        assert!(d
            .diagnostics
            .iter()
            .all(|x| x.origin.file == "p.txt" && !x.message.is_empty()));
        assert_eq!(pat(&d, "bad").code.as_deref(), Some("010"));
    }

    #[test]
    fn transformations_resolve_verb_names_and_report_bad_lines() {
        let text = "--- EXPLAIN [010] ---\nSAY {SAID SAYS SAYING}\nCLARIFY [040]\n--- FIGHT [190] ---\nATTACK\n--- TRY [---] ---\nATTEMPT\n--- KILL [186] ---\nASSASSINATE\n\n\
~ a (a b ATTACK) SAY = a b 015\n\
~ a (b . ATTACK ) CLARIFY = a b 112\n\
~ a (a b Q) SAY = a b Q\n\
~ a (_ b ASSASSINATE) ATTEMPT = a b 185\n\
~ a (a b ATTACK) SAY a b 015\n\
~ a a b ATTACK SAY = a b 015\n\
~ a (a b ATTACK) SHOUT = a b 015\n\
~ a (a b WILL_ATTACK) SAY = a b 138\n\
~ a (a b ATTACK) SAY = a c 015\n\
~ a (a b ATTACK) SAY = a b 15\n\
~ a (a b ATTACK) SAY = a b Q\n\
~ a (a (b c ATTACK) SAY) SAY = a c 015\n\
~ a (a b ATTEMPT) SAY = a b 015\n\
~ A (a b ATTACK) SAY = a b 015\n\
~ a (a b ATTACK) SAY = a b 999\n";
        let d = load_str(FileKind::Verbs, text);
        let ts = &d.transformations;
        assert_eq!(ts.len(), 4, "{ts:?}");
        assert_eq!(ts[0].to_line(), "~ a 010 (a 190 b) => a 015 b");
        assert_eq!(ts[0].origin.line, 11);
        // a verb's own code wins over its block's
        assert_eq!(ts[1].to_line(), "~ a 040 (b 190 .) => a 112 b");
        assert_eq!(ts[2].to_line(), "~ a 010 (a * b) => a * b");
        // a verb that codes nothing stands for itself
        assert_eq!(ts[3].to_line(), "~ a attempt (_ 186 b) => a 185 b");
        assert_eq!(skipped_lines(&d), (15..=25).collect::<Vec<_>>());
        let why = |line: usize| {
            d.diagnostics
                .iter()
                .find(|x| x.origin.line == line)
                .map(|x| x.message.clone())
                .unwrap()
        };
        assert!(why(17).contains("not a verb of this file"), "{}", why(17));
        assert!(why(18).contains("combined verbs"), "{}", why(18));
        assert!(why(19).contains("does not"), "{}", why(19));
        assert!(why(22).contains("nested"), "{}", why(22));
        assert!(why(23).contains("codes nothing"), "{}", why(23));
        assert!(why(25).contains("unknown CAMEO"), "{}", why(25));
    }

    #[test]
    fn actors_roots_synonyms_codes_and_dates() {
        let d = load_str(
            FileKind::Actors,
            "AFGHANISTAN_  [AFG]\n+AFGHAN_\n+KABUL\n\nSAM_GAMGEE [HOB]  # default\n\t[HOBCIV <20080120]\n\t[ORCHOB 20100109-20100112]\n\t[HOBMIL 20080120-20121109]\n\t[HOBELI >130119]\nGOLLUM\n+SMEAGOL\n\t[HOB < 950601]\n\t[HOBGOV 19950601 - 19990815]\nTHE_UNITED_NATIONS [IGOUNO]\nHAMAS [PSEREB]\n",
        );
        assert_eq!(d.actors.len(), 5);
        let afg = &d.actors[0];
        assert_eq!(afg.phrases, ["Afghanistan", "Afghan", "Kabul"]);
        assert_eq!(afg.kind, ActorKind::Country);
        let sam = &d.actors[1];
        assert_eq!(sam.kind, ActorKind::Country); // HOB fallback is a 3-letter code
        assert_eq!(sam.code_on(date(2008, 1, 19)), "HOBCIV");
        assert_eq!(sam.code_on(date(2008, 1, 20)), "HOBMIL");
        assert_eq!(sam.code_on(date(2010, 1, 10)), "ORCHOB");
        assert_eq!(sam.code_on(date(2010, 1, 12)), "ORCHOB");
        assert_eq!(sam.code_on(date(2012, 11, 9)), "HOBMIL");
        assert_eq!(sam.code_on(date(2012, 11, 10)), "HOB");
        assert_eq!(sam.code_on(date(2013, 1, 19)), "HOBELI");
        assert_eq!(sam.code_on(date(2020, 1, 1)), "HOBELI");
        let gollum = &d.actors[2];
        assert_eq!(gollum.phrases, ["Gollum", "Smeagol"]);
        assert_eq!(gollum.code_on(date(1995, 5, 31)), "HOB");
        assert_eq!(gollum.code_on(date(1995, 6, 1)), "HOBGOV");
        assert_eq!(d.actors[3].phrases, ["the United nations"]);
        assert_eq!(d.actors[3].kind, ActorKind::Org);
        assert_eq!(d.actors[4].kind, ActorKind::Group);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    }

    #[test]
    fn dated_people_are_persons() {
        let d = load_str(
            FileKind::Actors,
            "BAN_KI-MOON\n\t[IGOUNO >20070101]\n\t[KORGOVBUS 2004017-20061201]\nZIMBABWE [ZWE]\n\t[RHO <800418]\n",
        );
        assert_eq!(d.actors[0].kind, ActorKind::Person);
        assert_eq!(d.actors[0].codes.len(), 1);
        assert_eq!(d.actors[1].kind, ActorKind::Country);
        // the 7-digit date is reported, the actor kept
        assert_eq!(skipped_lines(&d), vec![3]);
        assert!(d.diagnostics[0].message.contains("2004017"));
    }

    #[test]
    fn rejected_actor_lines_are_reported() {
        let d = load_str(
            FileKind::Actors,
            "+ORPHAN\n[USA]\nBOROMIR [---]\nPALESTINIAN [pse]\nU.N._\nX [USA 990101-980101]\nY [USA 99]\nZ [USA\nOK [USA]\n",
        );
        assert_eq!(d.actors.len(), 1);
        assert_eq!(d.actors[0].phrases, ["Ok"]);
        // lines 3..5 and 6..8 lose their codes; actors with no code are reported too
        let lines = skipped_lines(&d);
        for l in [1, 2, 3, 4, 5, 6, 7, 8] {
            assert!(lines.contains(&l), "line {l} in {lines:?}");
        }
    }

    #[test]
    fn agents_codes_plurals_and_markers() {
        let d = load_str(
            FileKind::Agents,
            "!PERSON! = MAN, MEN, WOMAN\nPRESIDENT [~GOVPRS]\nAIR_FORCE {} [~MIL]\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~JUD]\nCONGRESS!PERSON! [~LEG]\nPEACEKEEPING_TROOPS {} [IGO~]\nHUSBAND!PERSON![~AGR]\nNOCODE\nBAD [GOV]\nX [~gov]\nY!NOPE! [~GOV]\n",
        );
        let by = |p: &str| {
            d.agents
                .iter()
                .find(|a| a.phrases.iter().any(|x| x == p))
                .unwrap_or_else(|| panic!("{p}"))
        };
        assert_eq!(by("president").code, "GOVPRS");
        assert_eq!(by("president").kind, ActorKind::Person);
        assert_eq!(by("air force").phrases.len(), 1);
        assert_eq!(by("attorneys general").code, "JUD");
        for p in ["congressman", "congressmen", "congresswoman"] {
            assert_eq!(by(p).code, "LEG");
        }
        let pk = by("peacekeeping troops");
        assert!(pk.prefix && pk.kind == ActorKind::Group);
        assert_eq!(pk.compose("FRA"), "IGOFRA");
        assert_eq!(by("president").compose("USA"), "USAGOVPRS");
        assert_eq!(by("husbandman").code, "AGR");
        assert_eq!(skipped_lines(&d), vec![8, 9, 10, 11]);
    }

    #[test]
    fn discards_story_and_sentence() {
        let d = load_str(
            FileKind::Discards,
            "+5K RUN #  ELH\nAFL GRAND FINAL\nBASEBALL_\n+\n",
        );
        assert_eq!(d.discards.story, ["5k run"]);
        assert_eq!(d.discards.sentence, ["afl grand final", "baseball"]);
        assert_eq!(skipped_lines(&d), vec![4]);
    }

    #[test]
    fn comments_of_every_style() {
        let d = load_str(
            FileKind::Actors,
            "<!-- header -->\n<!-- start\nNOT_AN_ACTOR [USA]\nend -->\nFRANCE [FRA] ; legacy\nSPAIN <!-- inline --> [ESP]\n# line\nITALY [ITA] # tail\n",
        );
        let ph: Vec<&str> = d.actors.iter().map(|a| a.phrases[0].as_str()).collect();
        assert_eq!(ph, ["France", "Spain", "Italy"]);
        assert_eq!(d.actors[1].origin.line, 6);
    }

    #[test]
    fn kind_detection() {
        assert_eq!(detect_kind("CAMEO.2.0.txt", ""), Some(FileKind::Verbs));
        assert_eq!(
            detect_kind("Phoenix.Countries.actors.txt", ""),
            Some(FileKind::Actors)
        );
        assert_eq!(
            detect_kind("x/Phoenix.agents.txt", ""),
            Some(FileKind::Agents)
        );
        assert_eq!(
            detect_kind("Phoenix.discards.txt", ""),
            Some(FileKind::Discards)
        );
        assert_eq!(
            detect_kind("a.txt", "--- X [010] ---\nX\n- * Y [011]\n"),
            Some(FileKind::Verbs)
        );
        assert_eq!(detect_kind("b.txt", "MAN [~CVL]\n"), Some(FileKind::Agents));
        assert_eq!(
            detect_kind("c.txt", "FRANCE [FRA]\n"),
            Some(FileKind::Actors)
        );
        assert_eq!(detect_kind("d.txt", "+CRICKET\n"), Some(FileKind::Discards));
        assert_eq!(detect_kind("e.txt", "# nothing\n"), None);
    }

    #[test]
    fn irregular_kind_is_refused() {
        let d = load_str(FileKind::Irregular, "GO {WENT GONE}\n");
        assert_eq!(d.diagnostics.len(), 1);
        assert_eq!(d.diagnostics[0].severity, Severity::Skipped);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn petr_text() -> impl Strategy<Value = String> {
            let atoms = prop::sample::select(vec![
                "---", "-", "*", "&", "+", "[", "]", "{", "}", "(", ")", "$", "^", "%", "~", "!",
                "=", ":", "_", " ", "\t", "\n", "#", ";", "<!--", "-->", "A", "B", "X", "042",
                "042:043", ":173", "[---]", "[~GOV]", "[IGO~]", "990101", "-", "20100101", "<",
                ">", "é", "\u{1a}",
            ]);
            prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn never_panics(text in petr_text(), raw in ".{0,200}") {
                for kind in [FileKind::Verbs, FileKind::Actors, FileKind::Agents, FileKind::Discards] {
                    let mut d = Dictionaries::default();
                    load(&mut d, kind, "p", &text);
                    load(&mut d, kind, "p", &raw);
                    let _ = detect_kind("p", &text);
                    // whatever loads, compiles and codes
                    prop_assert!(d.errors().next().is_none());
                    let mut b = crate::CoderBuilder::new();
                    *b.dictionaries_mut() = d;
                    let c = b.build().unwrap();
                    let _ = c.code(&crate::Article::new("a", &text));
                }
            }
        }
    }
}

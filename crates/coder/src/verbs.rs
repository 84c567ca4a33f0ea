//! Verb patterns: inflection of lemmas, the head index, and matching a pattern at a token.

use crate::dictionary::{Head, IrregularForms, Irregulars, VerbPattern};
use crate::text::tokens::{Kind, Tokens};
use std::collections::HashMap;

/// The forms of one verb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forms {
    /// Base form (`visit`).
    pub base: String,
    /// Third person singular (`visits`).
    pub third: String,
    /// Past tense (`visited`).
    pub past: String,
    /// Past participle (`visited`).
    pub participle: String,
    /// Present participle (`visiting`).
    pub ing: String,
}

impl Forms {
    /// All distinct forms.
    pub fn all(&self) -> Vec<String> {
        let mut v = vec![
            self.base.clone(),
            self.third.clone(),
            self.past.clone(),
            self.participle.clone(),
            self.ing.clone(),
        ];
        v.sort();
        v.dedup();
        v
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_cons(c: u8) -> bool {
    c.is_ascii_lowercase() && !is_vowel(c)
}

/// A one-syllable verb ending consonant-vowel-consonant doubles its last letter
/// (`put` -> `putting`, `quit` -> `quitting`, `ban` -> `banned`).
fn doubles(lemma: &str) -> bool {
    let b = lemma.as_bytes();
    let n = b.len();
    if n < 3 || !is_cons(b[n - 1]) || matches!(b[n - 1], b'w' | b'x' | b'y') || !is_vowel(b[n - 2])
    {
        return false;
    }
    let vowel_groups = lemma
        .as_bytes()
        .windows(2)
        .filter(|w| !is_vowel(w[0]) && is_vowel(w[1]))
        .count()
        + usize::from(is_vowel(b[0]));
    let qu = lemma.contains("qu");
    is_cons(b[n - 3]) && (vowel_groups == 1 || qu && vowel_groups == 2)
}

/// Inflects a lemma with regular English rules and the first irregular entry.
pub fn inflect(lemma: &str, irregular: &Irregulars) -> Forms {
    inflect_all(lemma, irregular)
        .into_iter()
        .next()
        .unwrap_or_else(|| regular(lemma, None))
}

/// All inflection sets of a lemma: one per irregular entry, or the regular one.
pub fn inflect_all(lemma: &str, irregular: &Irregulars) -> Vec<Forms> {
    match irregular.get(lemma) {
        Some(list) if !list.is_empty() => list.iter().map(|f| regular(lemma, Some(f))).collect(),
        _ => vec![regular(lemma, None)],
    }
}

fn regular(lemma: &str, irr: Option<&IrregularForms>) -> Forms {
    let b = lemma.as_bytes();
    let n = b.len();
    let last = b.last().copied().unwrap_or(b' ');
    let prev = if n >= 2 { b[n - 2] } else { b' ' };
    let third = if lemma.ends_with("ss")
        || lemma.ends_with('x')
        || lemma.ends_with('z')
        || lemma.ends_with("ch")
        || lemma.ends_with("sh")
        || (last == b'o' && !is_vowel(prev))
        || (last == b's' && !lemma.ends_with("us"))
    {
        format!("{lemma}es")
    } else if last == b'y' && !is_vowel(prev) {
        format!("{}ies", &lemma[..n - 1])
    } else {
        format!("{lemma}s")
    };
    let (past, participle, doubled) = match irr {
        Some(f) => {
            let doubled_past = n >= 1
                && f.past.len() == n + 3
                && f.past.starts_with(lemma)
                && f.past.ends_with("ed")
                && f.past.as_bytes()[n] == last;
            (
                f.past.clone(),
                f.participle.clone(),
                doubled_past || doubles(lemma),
            )
        }
        None if doubles(lemma) => {
            let p = format!("{lemma}{}ed", last as char);
            (p.clone(), p, true)
        }
        None => {
            let p = if last == b'e' {
                format!("{lemma}d")
            } else if last == b'y' && !is_vowel(prev) {
                format!("{}ied", &lemma[..n - 1])
            } else if last == b'c' {
                format!("{lemma}ked")
            } else {
                format!("{lemma}ed")
            };
            (p.clone(), p, false)
        }
    };
    let ing = if let Some(ing) = irr.and_then(|f| f.ing.clone()) {
        ing
    } else if doubled {
        format!("{lemma}{}ing", last as char)
    } else if last == b'c' {
        format!("{lemma}king")
    } else if lemma.ends_with("ie") {
        format!("{}ying", &lemma[..n - 2])
    } else if last == b'e' && n > 2 && !matches!(prev, b'e' | b'y' | b'o') {
        format!("{}ing", &lemma[..n - 1])
    } else {
        format!("{lemma}ing")
    };
    Forms {
        base: lemma.to_string(),
        third,
        past,
        participle,
        ing,
    }
}

/// Which form of the head a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Base or third person (present, imperative, infinitive).
    Present,
    /// Simple past only (`met` when participle differs: `took`).
    Past,
    /// Past tense that is also the past participle (`visited`, `met`).
    PastOrParticiple,
    /// Past participle only (`taken`).
    Participle,
    /// `-ing` form.
    Ing,
    /// A noun trigger.
    Noun,
}

/// Index from a token's lower-case form to the patterns whose head it is.
#[derive(Debug, Clone, Default)]
pub struct VerbIndex {
    heads: HashMap<String, Vec<(u32, FormKind)>>,
}

impl VerbIndex {
    /// Builds the index of all heads.
    pub fn new(patterns: &[VerbPattern], irregular: &Irregulars) -> Self {
        let mut heads: HashMap<String, Vec<(u32, FormKind)>> = HashMap::new();
        for (i, p) in patterns.iter().enumerate() {
            let i = i as u32;
            let mut add = |form: String, k: FormKind| {
                let e = heads.entry(form).or_default();
                if !e.iter().any(|(j, _)| *j == i) {
                    e.push((i, k));
                }
            };
            match &p.head {
                Head::Verb(l) => {
                    for f in inflect_all(l, irregular) {
                        add(f.base.clone(), FormKind::Present);
                        add(f.third.clone(), FormKind::Present);
                        if f.past == f.participle {
                            add(f.past.clone(), FormKind::PastOrParticiple);
                        } else {
                            add(f.past.clone(), FormKind::Past);
                            add(f.participle.clone(), FormKind::Participle);
                        }
                        add(f.ing.clone(), FormKind::Ing);
                    }
                }
                Head::Noun(n) => {
                    add(n.clone(), FormKind::Noun);
                    let plural = inflect(n, &Irregulars::new()).third;
                    if !n.ends_with('s') {
                        add(plural, FormKind::Noun);
                    }
                }
            }
        }
        VerbIndex { heads }
    }

    /// Patterns headed by this lower-case token.
    pub fn lookup(&self, norm: &str) -> &[(u32, FormKind)] {
        self.heads.get(norm).map(|v| v.as_slice()).unwrap_or(&[])
    }
}

/// Greatest number of other tokens allowed between two pattern words.
pub const MAX_GAP: usize = 3;

/// Tokens a gap may not cross.
fn gap_stopper(t: &Tokens, i: usize) -> bool {
    t.toks[i].kind == Kind::Punct
        && matches!(
            t.norm(i),
            "," | ";" | ":" | "(" | ")" | "\"" | "." | "!" | "?" | "[" | "]"
        )
}

/// Tries pattern `p` with its head at token `at`, not past `end`; returns the index of
/// the last matched token.
pub fn match_at(p: &VerbPattern, t: &Tokens, at: usize, end: usize) -> Option<usize> {
    let mut pos = at;
    for w in &p.words {
        let mut found = None;
        for k in pos + 1..end.min(pos + 2 + MAX_GAP) {
            let norm = t.norm(k);
            let ok = if w.prefix {
                norm.starts_with(w.word.as_str())
            } else {
                norm == w.word
            };
            if ok {
                found = Some(k);
                break;
            }
            if gap_stopper(t, k) {
                break;
            }
        }
        pos = found?;
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_inflection() {
        let irr = Irregulars::new();
        let f = inflect("visit", &irr);
        assert_eq!(
            (f.third.as_str(), f.past.as_str(), f.ing.as_str()),
            ("visits", "visited", "visiting")
        );
        let f = inflect("deny", &irr);
        assert_eq!(
            (f.third.as_str(), f.past.as_str(), f.ing.as_str()),
            ("denies", "denied", "denying")
        );
        let f = inflect("praise", &irr);
        assert_eq!((f.past.as_str(), f.ing.as_str()), ("praised", "praising"));
        let f = inflect("criticize", &irr);
        assert_eq!(f.third, "criticizes");
        let f = inflect("agree", &irr);
        assert_eq!((f.past.as_str(), f.ing.as_str()), ("agreed", "agreeing"));
        let f = inflect("reach", &irr);
        assert_eq!(f.third, "reaches");
        let f = inflect("play", &irr);
        assert_eq!((f.third.as_str(), f.past.as_str()), ("plays", "played"));
    }

    #[test]
    fn irregular_and_doubling() {
        let mut irr = Irregulars::new();
        let f = |p: &str, pp: &str| {
            vec![IrregularForms {
                past: p.into(),
                participle: pp.into(),
                ing: None,
            }]
        };
        irr.insert("ban".into(), f("banned", "banned"));
        irr.insert("take".into(), f("took", "taken"));
        irr.insert("put".into(), f("put", "put"));
        irr.insert(
            "begin".into(),
            vec![IrregularForms {
                past: "began".into(),
                participle: "begun".into(),
                ing: Some("beginning".into()),
            }],
        );
        let f = inflect("ban", &irr);
        assert_eq!((f.past.as_str(), f.ing.as_str()), ("banned", "banning"));
        let f = inflect("take", &irr);
        assert_eq!(
            (f.past.as_str(), f.participle.as_str(), f.ing.as_str()),
            ("took", "taken", "taking")
        );
    }
}

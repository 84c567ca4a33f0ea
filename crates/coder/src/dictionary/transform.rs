//! Verb transformations: an act reported, claimed, wanted or attempted by someone, coded
//! as one event of that someone (PETRARCH-2's `~` lines at the end of `CAMEO.2.0.txt`).
//!
//! "The US claimed that it had attacked Iraq" is not an attack coded USA 190 IRQ but a
//! claim of responsibility, USA 015 IRQ; "The US claimed that ISIL had attacked Iraq" is
//! an accusation, USA 112 ISIL. A transformation names the outer verb (the one taking the
//! clause), the embedded clause (its source, act and target) and the event that replaces
//! both. Our syntax (a verbs file line; see `dictionaries/README.md`):
//!
//! ```text
//! ~ a 010 (a 190 b) => a 015 b
//! ~ a 010 (b 190 .) => a 112 b
//! ~ a 010 (a * b) => a * b
//! ~ a attempt (_ 186 b) => a 185 b
//! ```
//!
//! Letters are actors: the outer subject is the first one; a letter met again must be
//! the same actor, a new letter a different one. `.` is any actor that is present, `_`
//! anyone or no one. The verbs are CAMEO codes matching that code or any code below it
//! (`190` matches `193` and `1951`), `*` any act (the result `*` keeps the embedded act's
//! code), or, for an outer verb that codes nothing by itself, its lemmas (`attempt|try`).

use super::Origin;

/// A role of the embedded clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An actor variable (`a`, `b`, ...).
    Var(char),
    /// `.`: any actor, but one must be there.
    Any,
    /// `_`: anyone or no one.
    Open,
}

/// How a verb of a transformation is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerbRef {
    /// An act coded with this CAMEO code or one below it.
    Code(String),
    /// A verb with one of these lemmas (for outer verbs that code nothing themselves).
    Lemmas(Vec<String>),
    /// Any act (`*`, PETRARCH `Q`).
    Any,
}

impl VerbRef {
    /// Does an act with `code` (and head lemma `lemma`) fit?
    pub fn matches(&self, code: Option<&str>, lemma: Option<&str>) -> bool {
        match self {
            VerbRef::Code(c) => code.is_some_and(|x| under(x, c)),
            VerbRef::Lemmas(ls) => lemma.is_some_and(|l| ls.iter().any(|x| x == l)),
            VerbRef::Any => code.is_some(),
        }
    }
}

/// Is `code` the CAMEO code `c` or below it? A root code (`190`, `010`) covers its whole
/// cue category (`19x`, `19xx`); any other code covers itself and its four-digit children.
pub fn under(code: &str, c: &str) -> bool {
    if c.len() == 3 && c.ends_with('0') {
        code.get(..2) == c.get(..2)
    } else {
        code.starts_with(c)
    }
}

/// One transformation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transformation {
    /// The outer subject's variable.
    pub subject: char,
    /// The outer verb.
    pub outer: VerbRef,
    /// The embedded clause's source.
    pub inner_source: Slot,
    /// The embedded clause's act (`Code`, or `Any`).
    pub inner: VerbRef,
    /// The embedded clause's target.
    pub inner_target: Slot,
    /// The resulting event's source variable.
    pub source: char,
    /// The resulting event's target variable.
    pub target: char,
    /// The resulting code; `None`: the embedded act's code.
    pub code: Option<String>,
    /// Where it was defined.
    pub origin: Origin,
}

/// The actors of one role: a list of actor keys (coordinated actors share a role);
/// empty when nobody fills it. Two roles are the same actor when they hold the same keys.
fn same<K: Ord + Clone>(x: &[K], y: &[K]) -> bool {
    let mut a = x.to_vec();
    let mut b = y.to_vec();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    !a.is_empty() && a == b
}

impl Transformation {
    /// Applies the transformation to an outer act (code, lemma, subject) whose clause
    /// holds the act (`inner_code`, `source`, `target`); `result_code` is the code the
    /// embedded act would be coded with (for `*`). Actors are given as keys compared for
    /// identity (the coder uses actor codes). Returns the new event's (sources, targets,
    /// code).
    #[allow(clippy::too_many_arguments)]
    pub fn apply<K: Ord + Clone>(
        &self,
        outer_code: Option<&str>,
        outer_lemma: Option<&str>,
        subject: &[K],
        inner_code: &str,
        source: &[K],
        target: &[K],
        result_code: &str,
    ) -> Option<(Vec<K>, Vec<K>, String)> {
        if subject.is_empty()
            || !self.outer.matches(outer_code, outer_lemma)
            || !self.inner.matches(Some(inner_code), None)
        {
            return None;
        }
        let mut bound: Vec<(char, &[K])> = vec![(self.subject, subject)];
        for (slot, who) in [(self.inner_source, source), (self.inner_target, target)] {
            match slot {
                Slot::Open => {}
                Slot::Any if who.is_empty() => return None,
                Slot::Any => {}
                Slot::Var(v) => {
                    if let Some((_, b)) = bound.iter().find(|(x, _)| *x == v) {
                        if !same(b, who) {
                            return None;
                        }
                    } else if who.is_empty() || bound.iter().any(|(_, b)| same(b, who)) {
                        // a new letter is an actor not named yet
                        return None;
                    } else {
                        bound.push((v, who));
                    }
                }
            }
        }
        let get = |v: char| bound.iter().find(|(x, _)| *x == v).map(|(_, b)| b.to_vec());
        let code = self.code.clone().unwrap_or_else(|| result_code.to_string());
        Some((get(self.source)?, get(self.target)?, code))
    }

    /// Which of several applicable transformations wins, the highest first: an embedded
    /// code before `*`, then for the clause's source and then its target a letter
    /// before `_` before `.` (the order in which PETRARCH-2 tries them); the caller breaks
    /// ties by file order.
    pub fn specificity(&self) -> (bool, u8, u8) {
        let rank = |s: Slot| match s {
            Slot::Var(_) => 2,
            Slot::Open => 1,
            Slot::Any => 0,
        };
        (
            self.inner != VerbRef::Any,
            rank(self.inner_source),
            rank(self.inner_target),
        )
    }

    /// The transformation in our syntax: `~ a 010 (a 190 b) => a 015 b`.
    pub fn to_line(&self) -> String {
        let verb = |v: &VerbRef| match v {
            VerbRef::Code(c) => c.clone(),
            VerbRef::Lemmas(ls) => ls.join("|"),
            VerbRef::Any => "*".into(),
        };
        let slot = |s: Slot| match s {
            Slot::Var(c) => c.to_string(),
            Slot::Any => ".".into(),
            Slot::Open => "_".into(),
        };
        format!(
            "~ {} {} ({} {} {}) => {} {} {}",
            self.subject,
            verb(&self.outer),
            slot(self.inner_source),
            verb(&self.inner),
            slot(self.inner_target),
            self.source,
            self.code.as_deref().unwrap_or("*"),
            self.target
        )
    }
}

/// A slot word: a lower-case letter, `.` or `_`.
pub fn parse_slot(w: &str) -> Result<Slot, String> {
    match w {
        "." => Ok(Slot::Any),
        "_" => Ok(Slot::Open),
        _ => var(w).map(Slot::Var),
    }
}

/// An actor variable: one lower-case ASCII letter.
pub fn var(w: &str) -> Result<char, String> {
    let mut cs = w.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Ok(c),
        _ => Err(format!(
            "{w:?} is not an actor: expected a letter (a, b, ...), `.` (any actor) or `_` (anyone or no one)"
        )),
    }
}

/// Checks what every transformation needs, whatever its syntax: result letters bound by
/// the pattern, `*` only with an embedded `*`, valid codes.
pub fn validate(t: &Transformation) -> Result<(), String> {
    let named = |v: char| {
        v == t.subject || t.inner_source == Slot::Var(v) || t.inner_target == Slot::Var(v)
    };
    for v in [t.source, t.target] {
        if !named(v) {
            return Err(format!("the result names {v}, which the pattern does not"));
        }
    }
    if t.source == t.target {
        return Err("the result's source and target are the same actor".into());
    }
    if t.outer == VerbRef::Any {
        return Err("the outer verb cannot be any verb".into());
    }
    if t.code.is_none() && t.inner != VerbRef::Any {
        return Err("a result code `*` (the embedded act's) needs an embedded `*`".into());
    }
    for c in [&t.outer, &t.inner]
        .into_iter()
        .filter_map(|v| match v {
            VerbRef::Code(c) => Some(c),
            _ => None,
        })
        .chain(t.code.iter())
    {
        if !crate::cameo::is_valid(c) {
            return Err(format!("unknown CAMEO event code {c}"));
        }
    }
    Ok(())
}

/// Parses our syntax (the line without its leading `~`): `a 010 (a 190 b) => a 015 b`.
pub fn parse_own(body: &str, origin: &Origin) -> Result<Transformation, String> {
    const FORM: &str = "expected `~ a OUTER (SOURCE INNER TARGET) => a CODE b`";
    let (lhs, rhs) = body.split_once("=>").ok_or(FORM)?;
    let spaced = lhs.replace('(', " ( ").replace(')', " ) ");
    let l: Vec<&str> = spaced.split_whitespace().collect();
    let r: Vec<&str> = rhs.split_whitespace().collect();
    let [subj, outer, "(", src, inner, tgt, ")"] = l[..] else {
        return Err(format!("{FORM}, got {:?}", lhs.trim()));
    };
    let [rs, code, rt] = r[..] else {
        return Err(format!("{FORM}: the result is `SOURCE CODE TARGET`"));
    };
    let verb = |w: &str, what: &str| -> Result<VerbRef, String> {
        if w == "*" {
            Ok(VerbRef::Any)
        } else if w.bytes().all(|b| b.is_ascii_digit()) {
            Ok(VerbRef::Code(w.to_string()))
        } else if w
            .split('|')
            .all(|x| !x.is_empty() && x.chars().all(|c| c.is_lowercase() || c == '-'))
        {
            Ok(VerbRef::Lemmas(w.split('|').map(str::to_string).collect()))
        } else {
            Err(format!(
                "bad {what} verb {w:?}: a CAMEO code, `*`, or lower-case lemmas `try|attempt`"
            ))
        }
    };
    let inner = verb(inner, "embedded")?;
    if matches!(inner, VerbRef::Lemmas(_)) {
        return Err(format!(
            "the embedded act {:?} must be a CAMEO code or `*`",
            l[4]
        ));
    }
    let t = Transformation {
        subject: var(subj)?,
        outer: verb(outer, "outer")?,
        inner_source: parse_slot(src)?,
        inner,
        inner_target: parse_slot(tgt)?,
        source: var(rs)?,
        target: var(rt)?,
        code: match code {
            "*" => None,
            c if c.len() >= 3 && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()) => {
                Some(c.to_string())
            }
            c => return Err(format!("bad result code {c:?}: 3 or 4 digits, or `*`")),
        },
        origin: origin.clone(),
    };
    validate(&t)?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Transformation {
        parse_own(s.trim_start_matches('~'), &Origin::default()).unwrap()
    }

    #[test]
    fn codes_cover_their_children() {
        assert!(under("193", "190") && under("1951", "190") && under("015", "010"));
        assert!(!under("180", "190") && !under("015", "012") && under("0151", "015"));
        assert!(VerbRef::Lemmas(vec!["attempt".into()]).matches(None, Some("attempt")));
        assert!(!VerbRef::Any.matches(None, Some("attempt")));
    }

    #[test]
    fn letters_bind_actors() {
        let claim = t("~ a 110 (a 190 b) => a 015 b");
        let accuse = t("~ a 110 (b 190 .) => a 112 b");
        let us = ["USA"];
        let (iq, isil) = (["IRQ"], ["ISIL"]);
        // a claims a attacked b
        assert_eq!(
            claim.apply(Some("110"), None, &us, "193", &us, &iq, "193"),
            Some((vec!["USA"], vec!["IRQ"], "015".into()))
        );
        // ... not when someone else attacked, nor with a verb outside 19x
        assert_eq!(
            claim.apply(Some("110"), None, &us, "190", &isil, &iq, "190"),
            None
        );
        assert_eq!(
            claim.apply(Some("110"), None, &us, "180", &us, &iq, "180"),
            None
        );
        assert_eq!(
            claim.apply(Some("010"), None, &us, "190", &us, &iq, "190"),
            None
        );
        // a says b attacked anyone: a accuses b; `.` needs a target
        assert_eq!(
            accuse.apply(Some("112"), None, &us, "190", &isil, &iq, "190"),
            Some((vec!["USA"], vec!["ISIL"], "112".into()))
        );
        assert_eq!(
            accuse.apply(Some("110"), None, &us, "190", &isil, &[], "190"),
            None
        );
        // a new letter is a different actor
        assert_eq!(
            accuse.apply(Some("110"), None, &us, "190", &us, &iq, "190"),
            None
        );
        // coordinated actors: the same set is the same actor
        let two = ["USA", "RUS"];
        let they = ["RUS", "USA"];
        assert_eq!(
            claim.apply(Some("110"), None, &two, "190", &they, &iq, "190"),
            Some((vec!["USA", "RUS"], vec!["IRQ"], "015".into()))
        );
        // `_`: anyone or no one; `*` keeps the embedded code
        let want = t("~ a 030 (_ 190 b) => a 138 b");
        assert!(want
            .apply(Some("030"), None, &us, "190", &[], &iq, "190")
            .is_some());
        assert!(want
            .apply(Some("030"), None, &us, "190", &us, &iq, "190")
            .is_some());
        let say = t("~ a 010 (a * b) => a * b");
        assert_eq!(
            say.apply(Some("010"), None, &us, "043", &us, &iq, "036"),
            Some((vec!["USA"], vec!["IRQ"], "036".into()))
        );
        let attempt = t("~ a attempt|try (_ 186 b) => a 185 b");
        assert!(attempt
            .apply(None, Some("try"), &us, "186", &[], &iq, "186")
            .is_some());
        assert!(attempt
            .apply(None, Some("plan"), &us, "186", &[], &iq, "186")
            .is_none());
        // no outer subject, no event
        assert!(claim
            .apply(Some("110"), None, &[], "190", &us, &iq, "190")
            .is_none());
    }

    #[test]
    fn own_syntax_round_trips_and_rejects() {
        for s in [
            "~ a 010 (a 190 b) => a 015 b",
            "~ a 030 (b 190 .) => a 021 b",
            "~ a attempt|try (_ 186 b) => a 185 b",
            "~ a 010 (a * b) => a * b",
        ] {
            assert_eq!(t(s).to_line(), s);
        }
        for (bad, why) in [
            ("a 010 a 190 b => a 015 b", "expected"),
            ("a 010 (a 190 b) a 015 b", "expected"),
            ("a 010 (a 190 b) => a 015", "result"),
            ("a 010 (a 190 b) => a 015 c", "does not"),
            ("a 010 (a 190 b) => a 015 a", "same actor"),
            ("a 010 (a 190 b) => a 999 b", "unknown CAMEO"),
            ("a 010 (a 190 b) => a * b", "needs an embedded"),
            ("a * (a 190 b) => a 015 b", "any verb"),
            ("a 010 (a attack b) => a 015 b", "embedded act"),
            ("a SAY (a 190 b) => a 015 b", "bad outer"),
            ("A 010 (a 190 b) => a 015 b", "not an actor"),
            ("a 010 (ab 190 b) => a 015 b", "not an actor"),
            ("a 010 (a 190 b) => a 15 b", "bad result code"),
        ] {
            let e = parse_own(bad, &Origin::default()).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}

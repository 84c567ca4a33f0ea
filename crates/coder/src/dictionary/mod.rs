//! Dictionaries: the data the coder matches (actors, agents, verb patterns, discards).
//!
//! [`Dictionaries`] holds parsed entries; [`own`] reads (and writes) demarche's own text
//! format (documented in `dictionaries/README.md`), [`petrarch`] reads PETRARCH-2
//! dictionaries (verbs, actors, agents, discards) into the same model. Loaders never
//! panic: every rejected line is reported as a [`Diagnostic`] with file, line number and
//! reason.

pub mod own;
pub mod petrarch;
pub mod transform;

pub use transform::Transformation;

use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;

/// What sort of thing an actor is; drives pronoun resolution and composition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// A state or territory, its adjectives, capital and metonyms.
    Country,
    /// A named person.
    Person,
    /// An IGO, NGO, company or medium.
    Org,
    /// A non-state armed group, party or movement.
    Group,
}

impl ActorKind {
    /// Parses the `@kind` word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "country" => Some(ActorKind::Country),
            "person" => Some(ActorKind::Person),
            "org" => Some(ActorKind::Org),
            "group" => Some(ActorKind::Group),
            _ => None,
        }
    }
}

/// One actor code, optionally limited to a date range (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedCode {
    /// CAMEO actor code.
    pub code: String,
    /// First day the code applies.
    pub from: Option<NaiveDate>,
    /// Last day the code applies.
    pub to: Option<NaiveDate>,
    /// No range was given: the fallback code.
    pub undated: bool,
}

impl DatedCode {
    fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// An actor: its phrases share these codes.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Phrases as written in the dictionary.
    pub phrases: Vec<String>,
    /// Codes in priority order.
    pub codes: Vec<DatedCode>,
    /// Kind of actor.
    pub kind: ActorKind,
    /// Where it was defined.
    pub origin: Origin,
}

impl Actor {
    /// The code in force on `date` (see the README's rules).
    pub fn code_on(&self, date: Option<NaiveDate>) -> &str {
        if let Some(d) = date {
            if let Some(c) = self.codes.iter().find(|c| !c.undated && c.contains(d)) {
                return &c.code;
            }
        }
        if let Some(c) = self.codes.iter().find(|c| c.undated) {
            return &c.code;
        }
        // no fallback: the latest range
        self.codes
            .iter()
            .max_by_key(|c| c.to.unwrap_or(NaiveDate::MAX))
            .map(|c| c.code.as_str())
            .unwrap_or("")
    }
}

/// An agent (role) term: `troops => MIL`.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Phrases as written.
    pub phrases: Vec<String>,
    /// Three-letter role code.
    pub code: String,
    /// `Person` for individual roles (president, envoy), `Group` for collectives.
    pub kind: ActorKind,
    /// The code goes before the owner's code instead of after it (PETRARCH `[IGO~]`:
    /// "French peacekeepers" -> `IGOFRA`).
    pub prefix: bool,
    /// Where it was defined.
    pub origin: Origin,
}

impl Agent {
    /// The code of an actor with code `owner` in this role: `owner + code`, or
    /// `code + owner` for a prefix agent.
    pub fn compose(&self, owner: &str) -> String {
        if self.prefix {
            format!("{}{owner}", self.code)
        } else {
            format!("{owner}{}", self.code)
        }
    }
}

/// The head of a verb pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A verb lemma, matched in all inflections.
    Verb(String),
    /// A noun trigger, matched as written and as a regular plural.
    Noun(String),
}

impl Head {
    /// The verb lemma, for a verb head.
    pub fn verb_lemma(&self) -> Option<&str> {
        match self {
            Head::Verb(l) => Some(l),
            Head::Noun(_) => None,
        }
    }
}

/// One word of a pattern after its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternWord {
    /// Lower-case word (without a trailing `*`); `&name` stands for any member of the
    /// word set `name` of [`Dictionaries::synsets`].
    pub word: String,
    /// Matches any word starting with `word`.
    pub prefix: bool,
}

/// A verb pattern: `111: criticize`, `160: break off talks`, `040: ~talks with`.
#[derive(Debug, Clone)]
pub struct VerbPattern {
    /// CAMEO event code, `None` for `---` (recognised, no event).
    pub code: Option<String>,
    /// A second event in the other direction, from the target to the source (PETRARCH
    /// paired codes: `[042:043]` "X flew to Y" is X 042 Y and Y 043 X).
    pub paired: Option<String>,
    /// The head word.
    pub head: Head,
    /// Words that must precede the head in its clause, in order (PETRARCH words before
    /// the `*`: `- &AIRCRAFT * ATTACKS`).
    pub before: Vec<PatternWord>,
    /// Words that must follow the head, in order.
    pub words: Vec<PatternWord>,
    /// The pattern as written.
    pub text: String,
    /// Roles are reversed: the subject is the target ("received weapons from X": X gave).
    pub reverse: bool,
    /// Where it was defined.
    pub origin: Origin,
}

/// Irregular verb forms: lemma -> every (past, past participle, optional -ing) listed
/// for it (British and US spellings may both be given).
pub type Irregulars = HashMap<String, Vec<IrregularForms>>;

/// One line of `verbs/irregular.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrregularForms {
    /// Simple past.
    pub past: String,
    /// Past participle.
    pub participle: String,
    /// Present participle, when it is not derivable.
    pub ing: Option<String>,
}

/// Discard phrases.
#[derive(Debug, Clone, Default)]
pub struct Discards {
    /// Phrases that make the whole article yield nothing.
    pub story: Vec<String>,
    /// Phrases that make one sentence yield nothing.
    pub sentence: Vec<String>,
    /// Multiword names inside which no actor or verb is matched.
    pub mask: Vec<String>,
}

/// File and line an entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// File name as given to the loader.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The line was rejected.
    Error,
    /// The line was loaded but looks wrong (duplicate, overlap).
    Warning,
    /// The line (or part of it) was skipped by a tolerant loader (PETRARCH files, which
    /// are used as published): reported, but it does not stop the coder from building.
    Skipped,
}

/// A problem found while loading or checking dictionaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    pub origin: Origin,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Skipped => "skipped",
        };
        write!(f, "{}: {}: {}", self.origin, sev, self.message)
    }
}

/// All dictionary data, before compilation into matchers.
#[derive(Debug, Clone, Default)]
pub struct Dictionaries {
    /// Actors.
    pub actors: Vec<Actor>,
    /// Agents.
    pub agents: Vec<Agent>,
    /// Verb patterns.
    pub verbs: Vec<VerbPattern>,
    /// Irregular verb forms.
    pub irregular: Irregulars,
    /// Word sets for patterns (`&currency`): name (lower case, without `&`) -> its
    /// members, each a sequence of consecutive lower-case words.
    pub synsets: HashMap<String, Vec<Vec<String>>>,
    /// Discards.
    pub discards: Discards,
    /// Verb transformations (reported, claimed, wanted, attempted acts), in file order
    /// (the most specific that applies wins, then the first).
    pub transformations: Vec<Transformation>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts of what is loaded, for `dict check` and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Actor entries.
    pub actors: usize,
    /// Actor phrases.
    pub actor_phrases: usize,
    /// Actor entries of kind person.
    pub persons: usize,
    /// Actor entries of kind org.
    pub orgs: usize,
    /// Actor entries of kind group.
    pub groups: usize,
    /// Agent phrases.
    pub agent_phrases: usize,
    /// Verb patterns.
    pub verb_patterns: usize,
    /// Distinct verb forms the patterns' heads expand to.
    pub verb_forms: usize,
    /// Distinct CAMEO codes used by verb patterns.
    pub verb_codes: usize,
    /// Discard phrases.
    pub discards: usize,
}

impl Dictionaries {
    /// Counts entries.
    pub fn stats(&self) -> Stats {
        let mut codes: Vec<&str> = self
            .verbs
            .iter()
            .flat_map(|v| v.code.iter().chain(v.paired.iter()))
            .map(String::as_str)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let mut forms: Vec<String> = Vec::new();
        let mut heads: Vec<&Head> = self.verbs.iter().map(|v| &v.head).collect();
        heads.sort_unstable_by(|a, b| head_key(a).cmp(&head_key(b)));
        heads.dedup();
        for h in heads {
            match h {
                Head::Verb(l) => {
                    for f in crate::verbs::inflect_all(l, &self.irregular) {
                        forms.extend(f.all());
                    }
                }
                Head::Noun(n) => forms.push(n.clone()),
            }
        }
        forms.sort_unstable();
        forms.dedup();
        let kind = |k| self.actors.iter().filter(|a| a.kind == k).count();
        Stats {
            actors: self.actors.len(),
            actor_phrases: self.actors.iter().map(|a| a.phrases.len()).sum(),
            persons: kind(ActorKind::Person),
            orgs: kind(ActorKind::Org),
            groups: kind(ActorKind::Group),
            agent_phrases: self.agents.iter().map(|a| a.phrases.len()).sum(),
            verb_patterns: self.verbs.len(),
            verb_forms: forms.len()
                + self
                    .verbs
                    .iter()
                    .filter(|v| !v.words.is_empty() || !v.before.is_empty())
                    .count(),
            verb_codes: codes.len(),
            discards: self.discards.story.len()
                + self.discards.sentence.len()
                + self.discards.mask.len(),
        }
    }

    /// Errors among the diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// Cross-file checks: unknown event codes, bad actor codes, duplicate phrases with
    /// different codes, overlapping date ranges. Adds warnings/errors to `diagnostics`.
    pub fn check(&mut self) {
        let mut diags = Vec::new();
        for v in &self.verbs {
            for c in v.code.iter().chain(v.paired.iter()) {
                if !crate::cameo::is_valid(c) {
                    diags.push(Diagnostic {
                        severity: Severity::Error,
                        origin: v.origin.clone(),
                        message: format!("unknown CAMEO event code {c}"),
                    });
                }
            }
        }
        let mut seen: HashMap<String, (String, Origin)> = HashMap::new();
        for a in &self.actors {
            for c in &a.codes {
                if !valid_actor_code(&c.code) {
                    diags.push(Diagnostic {
                        severity: Severity::Error,
                        origin: a.origin.clone(),
                        message: format!(
                            "bad actor code {:?}: expected upper-case letters in groups of three",
                            c.code
                        ),
                    });
                }
            }
            // overlapping ranges with different codes
            let ranged: Vec<&DatedCode> = a.codes.iter().filter(|c| !c.undated).collect();
            for (i, x) in ranged.iter().enumerate() {
                for y in &ranged[i + 1..] {
                    let overlap = x.from.max(y.from).unwrap_or(NaiveDate::MIN)
                        <= x.to
                            .unwrap_or(NaiveDate::MAX)
                            .min(y.to.unwrap_or(NaiveDate::MAX));
                    if overlap && x.code != y.code {
                        diags.push(Diagnostic {
                            severity: Severity::Warning,
                            origin: a.origin.clone(),
                            message: format!(
                                "date ranges of {} and {} overlap; the first listed wins",
                                x.code, y.code
                            ),
                        });
                    }
                }
            }
            let key_code = a
                .codes
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join(";");
            for p in &a.phrases {
                let key = p.to_lowercase();
                if let Some((other, at)) = seen.get(&key) {
                    if *other != key_code {
                        diags.push(Diagnostic {
                            severity: Severity::Warning,
                            origin: a.origin.clone(),
                            message: format!(
                                "phrase {p:?} is also defined at {at} with other codes; the later definition wins"
                            ),
                        });
                    }
                } else {
                    seen.insert(key, (key_code.clone(), a.origin.clone()));
                }
            }
        }
        for g in &self.agents {
            if !valid_actor_code(&g.code) {
                diags.push(Diagnostic {
                    severity: Severity::Error,
                    origin: g.origin.clone(),
                    message: format!(
                        "agent code {:?} must be upper-case letters in groups of three",
                        g.code
                    ),
                });
            }
        }
        let mut pats: HashMap<String, (Option<String>, Origin)> = HashMap::new();
        for v in &self.verbs {
            let key = v.text.to_lowercase();
            if let Some((code, at)) = pats.get(&key) {
                let what = if *code == v.code {
                    "again"
                } else {
                    "with another code"
                };
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    origin: v.origin.clone(),
                    message: format!("pattern {:?} is defined {what} at {at}", v.text),
                });
            } else {
                pats.insert(key, (v.code.clone(), v.origin.clone()));
            }
        }
        self.diagnostics.extend(diags);
    }
}

fn head_key(h: &Head) -> (bool, &str) {
    match h {
        Head::Verb(v) => (false, v),
        Head::Noun(n) => (true, n),
    }
}

/// An actor code: 3..=15 upper-case ASCII letters, a multiple of three.
pub fn valid_actor_code(c: &str) -> bool {
    !c.is_empty()
        && c.len().is_multiple_of(3)
        && c.len() <= 15
        && c.bytes().all(|b| b.is_ascii_uppercase())
}

//! Actor matching: one Aho-Corasick automaton over actor, agent and mask phrases,
//! and the grouping of hits into actor mentions ("Russia's top diplomat",
//! "North Korean leader Kim Jong-Un", "Rebel leaders from Sudan's Darfur region").

use crate::dictionary::{ActorKind, Dictionaries};
use crate::text::tokens::{pattern_key, phrase_tokens, Kind, Tokens};
use crate::text::Document;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What a phrase of the automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Index into `Dictionaries::actors`.
    Actor(u32),
    /// Index into `Dictionaries::agents`.
    Agent(u32),
    /// A masked name: nothing inside is an actor.
    Mask,
    /// A story-level discard phrase.
    StoryDiscard,
    /// A sentence-level discard phrase.
    SentenceDiscard,
}

/// The compiled phrase matcher.
#[derive(Debug, Clone)]
pub struct ActorMatcher {
    ac: AhoCorasick,
    /// Per pattern: the entry and which of its tokens must be capitalised (bit mask).
    entries: Vec<(Entry, u64)>,
}

/// A phrase found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// First token.
    pub first: usize,
    /// Last token (inclusive).
    pub last: usize,
    /// What it is.
    pub entry: Entry,
}

/// Regular plural of an agent word: `soldier` -> `soldiers`, `party` -> `parties`.
fn plural(w: &str) -> Option<String> {
    if !w.chars().all(|c| c.is_alphabetic()) || w.ends_with('s') {
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
        } else if w.ends_with("man") {
            format!("{}men", &w[..n - 3])
        } else {
            format!("{w}s")
        },
    )
}

impl ActorMatcher {
    /// Compiles all phrases. Later definitions of the same phrase win.
    pub fn new(d: &Dictionaries) -> Self {
        let mut keys: Vec<String> = Vec::new();
        let mut entries: Vec<(Entry, u64)> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut add = |words: Vec<(String, bool)>, e: Entry| {
            if words.is_empty() {
                return;
            }
            let caps = words
                .iter()
                .enumerate()
                .filter(|(i, (_, c))| *c && *i < 64)
                .fold(0u64, |m, (i, _)| m | (1 << i));
            let key = pattern_key(words.iter().map(|(w, _)| w.as_str()));
            match index.get(&key) {
                Some(&i) => entries[i] = (e, caps),
                None => {
                    index.insert(key.clone(), keys.len());
                    keys.push(key);
                    entries.push((e, caps));
                }
            }
        };
        for (i, a) in d.actors.iter().enumerate() {
            for p in &a.phrases {
                add(phrase_tokens(p), Entry::Actor(i as u32));
            }
        }
        for (i, g) in d.agents.iter().enumerate() {
            for p in &g.phrases {
                let words = phrase_tokens(p);
                if let Some((last, cap)) = words.last().cloned() {
                    if let Some(pl) = plural(&last) {
                        let mut w2 = words.clone();
                        *w2.last_mut().unwrap_or(&mut (String::new(), false)) = (pl, cap);
                        add(w2, Entry::Agent(i as u32));
                    }
                }
                add(words, Entry::Agent(i as u32));
            }
        }
        for p in &d.discards.mask {
            add(phrase_tokens(p), Entry::Mask);
        }
        for p in &d.discards.sentence {
            add(phrase_tokens(p), Entry::SentenceDiscard);
        }
        for p in &d.discards.story {
            add(phrase_tokens(p), Entry::StoryDiscard);
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&keys)
            .unwrap_or_else(|_| {
                AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!())
            });
        ActorMatcher { ac, entries }
    }

    /// All hits in a document, in order, capitalisation checked, dateline excluded.
    pub fn scan(&self, doc: &Document) -> Vec<Hit> {
        let t = &doc.tokens;
        let mut out = Vec::new();
        for m in self.ac.find_iter(t.norm.as_str()) {
            let Some((first, last)) = t.tokens_of_match(m.start(), m.end()) else {
                continue;
            };
            let (entry, caps) = self.entries[m.pattern().as_usize()];
            if doc.in_dateline(first) && !matches!(entry, Entry::StoryDiscard) {
                continue;
            }
            if !caps_ok(t, first, last, caps) {
                continue;
            }
            out.push(Hit { first, last, entry });
        }
        out
    }
}

fn caps_ok(t: &Tokens, first: usize, last: usize, caps: u64) -> bool {
    if caps == 0 {
        return true;
    }
    (first..=last).enumerate().all(|(k, i)| {
        k >= 64 || caps & (1 << k) == 0 || t.toks[i].any_upper || t.toks[i].kind != Kind::Word
    })
}

/// A resolved or unresolved actor mention in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// First token.
    pub first: usize,
    /// Last token (inclusive).
    pub last: usize,
    /// Composed CAMEO code; empty when unresolved (a bare agent, an unknown name).
    pub code: String,
    /// Person-like (a person, a title, an individual role) or collective.
    pub kind: ActorKind,
    /// The agent word that heads the mention, if any (`envoy`), for definite descriptions.
    pub agent_word: Option<String>,
    /// Role code of that agent.
    pub agent_code: Option<String>,
    /// Starts with `the`/`this`/`that` (a definite description).
    pub definite: bool,
    /// A pronoun (`he`, `it`, `they`).
    pub pronoun: bool,
    /// An unknown capitalised name (kept for learning names by apposition).
    pub name: Option<String>,
    /// Only a country/organisation adjective in front of a non-actor noun
    /// ("Israeli tank fire"): usable as a passive agent or target, weaker as a subject.
    pub modifier_only: bool,
}

impl Mention {
    /// A coded mention.
    pub fn resolved(&self) -> bool {
        !self.code.is_empty()
    }
}

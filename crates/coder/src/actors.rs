//! Actor matching: one trie of word ids over actor, agent, mask and discard phrases,
//! walked from each token (leftmost-longest, non-overlapping), and the grouping of hits
//! into actor mentions ("Russia's top diplomat",
//! "North Korean leader Kim Jong-Un", "Rebel leaders from Sudan's Darfur region").

use crate::dictionary::{ActorKind, Dictionaries};
use crate::idmap::{pair, IdMap};
use crate::text::tokens::{phrase_tokens, Kind, Tokens};
use crate::text::Document;
use compact_str::CompactString;
use rustc_hash::FxHashMap;

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

/// The compiled phrase matcher: a trie over the lower-case words of all phrases.
///
/// Phrases are split into tokens exactly like article text, so a phrase matches a run
/// of whole tokens whose lower-case forms equal its words. Each token's form is looked
/// up once (one hash probe); the trie is walked from each token in turn and the longest
/// phrase starting there wins, scanning on after it (leftmost-longest, non-overlapping:
/// the semantics of the Aho-Corasick automaton over the `" tok1  tok2 "` haystack this
/// replaces, at a fraction of its build time and memory).
#[derive(Debug, Clone, Default)]
pub struct ActorMatcher {
    /// Lower-case word -> word id (words of any phrase).
    words: FxHashMap<Box<str>, u32>,
    /// Trie edges below the first word: (node, word id) -> child node.
    edges: IdMap<u64, u32>,
    /// Per node: the phrase ending there, with which of its tokens must be
    /// capitalised (bit mask).
    ends: Vec<Option<(Entry, u64)>>,
    /// Per word id: the node of the phrases starting with this word ([`NO_WORD`] if
    /// none): the root's edges, looked up without hashing.
    root: Vec<u32>,
}

/// Word id of a token in no phrase.
const NO_WORD: u32 = u32::MAX;

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
        let mut m = ActorMatcher {
            ends: vec![None],
            ..ActorMatcher::default()
        };
        for (i, a) in d.actors.iter().enumerate() {
            for p in &a.phrases {
                m.add(&phrase_tokens(p), Entry::Actor(i as u32));
            }
        }
        for (i, g) in d.agents.iter().enumerate() {
            for p in &g.phrases {
                let words = phrase_tokens(p);
                if let Some((last, cap)) = words.last().cloned() {
                    if let Some(pl) = plural(&last) {
                        let mut w2 = words.clone();
                        *w2.last_mut().unwrap_or(&mut (String::new(), false)) = (pl, cap);
                        m.add(&w2, Entry::Agent(i as u32));
                    }
                }
                m.add(&words, Entry::Agent(i as u32));
            }
        }
        for p in &d.discards.mask {
            m.add(&phrase_tokens(p), Entry::Mask);
        }
        for p in &d.discards.sentence {
            m.add(&phrase_tokens(p), Entry::SentenceDiscard);
        }
        for p in &d.discards.story {
            m.add(&phrase_tokens(p), Entry::StoryDiscard);
        }
        m
    }

    /// Adds one phrase (its lower-case tokens and whether each was capitalised).
    fn add(&mut self, words: &[(String, bool)], e: Entry) {
        if words.is_empty() {
            return;
        }
        let caps = words
            .iter()
            .enumerate()
            .filter(|(i, (_, c))| *c && *i < 64)
            .fold(0u64, |m, (i, _)| m | (1 << i));
        let mut node = 0u32;
        for (k, (w, _)) in words.iter().enumerate() {
            let id = match self.words.get(w.as_str()) {
                Some(&id) => id,
                None => {
                    let id = self.root.len() as u32;
                    self.words.insert(w.as_str().into(), id);
                    self.root.push(NO_WORD);
                    id
                }
            };
            let ends = &mut self.ends;
            let mut new_node = || {
                ends.push(None);
                (ends.len() - 1) as u32
            };
            node = if k == 0 {
                let r = &mut self.root[id as usize];
                if *r == NO_WORD {
                    *r = new_node();
                }
                *r
            } else {
                match self.edges.get(pair(node, id)) {
                    Some(child) => child,
                    None => {
                        let child = new_node();
                        *self.edges.entry(pair(node, id)) = child;
                        child
                    }
                }
            };
        }
        self.ends[node as usize] = Some((e, caps));
    }

    /// All hits in a document, in order, capitalisation checked, dateline excluded.
    pub fn scan(&self, doc: &Document) -> Vec<Hit> {
        let t = &doc.tokens;
        let ids: Vec<u32> = (0..t.len())
            .map(|i| self.words.get(t.norm(i)).copied().unwrap_or(NO_WORD))
            .collect();
        self.scan_ids(doc, &ids)
    }

    /// Every lower-case word of some phrase, with its word id (for a caller that looks
    /// tokens up once for several indexes).
    pub fn vocabulary(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words.iter().map(|(w, &id)| (&**w, id))
    }

    /// Like [`Self::scan`], with the word id of every token given (`u32::MAX` for a
    /// word in no phrase), as [`Self::vocabulary`] maps them.
    pub fn scan_ids(&self, doc: &Document, ids: &[u32]) -> Vec<Hit> {
        let mut out = Vec::new();
        self.scan_ids_into(doc, ids, &mut out);
        out
    }

    /// [`Self::scan_ids`] into `out` (cleared first), to reuse its buffer.
    pub fn scan_ids_into(&self, doc: &Document, ids: &[u32], out: &mut Vec<Hit>) {
        out.clear();
        let t = &doc.tokens;
        let n = t.len();
        let mut i = 0;
        while i < n {
            let first_id = ids[i];
            let start = match self.root.get(first_id as usize) {
                Some(&node) if node != NO_WORD => node,
                _ => {
                    i += 1;
                    continue;
                }
            };
            // the longest phrase starting at token i
            let mut node = start;
            let mut best = self.ends[node as usize].map(|e| (i, e));
            for (j, &w) in ids.iter().enumerate().skip(i + 1) {
                if w == NO_WORD {
                    break;
                }
                match self.edges.get(pair(node, w)) {
                    Some(child) => {
                        node = child;
                        if let Some(e) = self.ends[child as usize] {
                            best = Some((j, e));
                        }
                    }
                    None => break,
                }
            }
            let Some((last, (entry, caps))) = best else {
                i += 1;
                continue;
            };
            let first = i;
            i = last + 1;
            if doc.in_dateline(first) && !matches!(entry, Entry::StoryDiscard) {
                continue;
            }
            if !caps_ok(t, first, last, caps) {
                continue;
            }
            out.push(Hit { first, last, entry });
        }
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
    /// (Mentions are made, copied into the article memory and dropped by the thousand:
    /// their short strings are kept inline, with no heap allocation.)
    pub code: CompactString,
    /// Person-like (a person, a title, an individual role) or collective.
    pub kind: ActorKind,
    /// The agent word that heads the mention, if any (`envoy`), for definite descriptions.
    pub agent_word: Option<CompactString>,
    /// Role code of that agent.
    pub agent_code: Option<CompactString>,
    /// Starts with `the`/`this`/`that` (a definite description).
    pub definite: bool,
    /// A pronoun (`he`, `it`, `they`).
    pub pronoun: bool,
    /// An unknown capitalised name (kept for learning names by apposition).
    pub name: Option<CompactString>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;
    use crate::text::tokens::pattern_key;

    /// The matcher this trie replaced, spelled out: leftmost-longest, non-overlapping
    /// matches of the phrase keys in the `" tok1  tok2 "` haystack, later phrases
    /// winning over equal earlier ones, then the capitalisation and dateline filters.
    fn reference(phrases: &[(String, Entry)], doc: &Document) -> Vec<Hit> {
        let mut keys: Vec<(String, (Entry, u64))> = Vec::new();
        for (p, e) in phrases {
            let words = phrase_tokens(p);
            let caps = words
                .iter()
                .enumerate()
                .filter(|(i, (_, c))| *c && *i < 64)
                .fold(0u64, |m, (i, _)| m | (1 << i));
            let key = pattern_key(words.iter().map(|(w, _)| w.as_str()));
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some(k) => k.1 = (*e, caps),
                None => keys.push((key, (*e, caps))),
            }
        }
        let t = &doc.tokens;
        let hay = t.norm.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        while at < hay.len() {
            let found = (at..hay.len()).find_map(|s| {
                keys.iter()
                    .filter(|(k, _)| hay[s..].starts_with(k.as_bytes()))
                    .max_by_key(|(k, _)| k.len())
                    .map(|(k, e)| (s, s + k.len(), *e))
            });
            let Some((s, e, (entry, caps))) = found else {
                break;
            };
            at = e;
            let (first, last) = t.tokens_of_match(s, e).unwrap();
            if doc.in_dateline(first) && !matches!(entry, Entry::StoryDiscard) {
                continue;
            }
            if caps_ok(t, first, last, caps) {
                out.push(Hit { first, last, entry });
            }
        }
        out
    }

    #[test]
    fn trie_matches_like_the_haystack_automaton() {
        let phrases: Vec<(String, Entry)> = [
            ("United States", Entry::Actor(0)),
            ("United States Navy", Entry::Actor(1)),
            ("states", Entry::Agent(0)),
            ("navy", Entry::Agent(1)),
            ("the united", Entry::Mask),
            ("Kim Jong-Un", Entry::Actor(2)),
            ("U.S.", Entry::Actor(0)),
            ("didn't say", Entry::SentenceDiscard),
            ("Reuters", Entry::StoryDiscard),
            ("navy", Entry::Agent(2)),
            ("a b c d", Entry::Actor(3)),
            ("b c", Entry::Actor(4)),
        ]
        .iter()
        .map(|(p, e)| (p.to_string(), *e))
        .collect();
        let mut m = ActorMatcher {
            ends: vec![None],
            ..ActorMatcher::default()
        };
        for (p, e) in &phrases {
            m.add(&phrase_tokens(p), *e);
        }
        let vocab = [
            "the",
            "The",
            "united",
            "United",
            "States",
            "states",
            "Navy",
            "navy",
            "Kim",
            "Jong-Un",
            "U.S.",
            "didn't",
            "say",
            "Reuters",
            "a",
            "b",
            "c",
            "d",
            ",",
            "-",
            "MOSCOW",
            "(Reuters)",
        ];
        // every text of up to 5 words from a rotating window of the vocabulary, and some
        // longer ones
        let mut texts: Vec<String> = Vec::new();
        let mut seed = 7u64;
        for _ in 0..3000 {
            let len = 1 + (seed % 9) as usize;
            let mut words = Vec::new();
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                words.push(vocab[(seed >> 33) as usize % vocab.len()]);
            }
            texts.push(words.join(" "));
        }
        texts.push("MOSCOW (Reuters) - The United States Navy didn't say.".into());
        texts.push("a b c d a b c b c".into());
        let mut hits = 0;
        for text in &texts {
            let doc = analyze(text);
            let got = m.scan(&doc);
            assert_eq!(got, reference(&phrases, &doc), "{text}");
            hits += got.len();
        }
        assert!(hits > 1000, "{hits}");
    }
}

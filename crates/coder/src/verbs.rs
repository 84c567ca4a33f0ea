//! Verb patterns: inflection of lemmas, the head index, and matching a pattern at a token.

use crate::dictionary::{Head, IrregularForms, Irregulars, VerbPattern};
use crate::roles::{GAP_STOPPERS, GAP_STOPPERS_BIT, OF, OF_BIT, QUANTITIES};
use crate::text::tokens::{Kind, Tokens};
use rustc_hash::FxHashMap;

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

impl FormKind {
    /// Number of forms (for tables indexed by `form as usize`).
    pub const COUNT: usize = 6;
}

/// A pattern a word heads: (pattern index, the form the word has there, the pattern's
/// size, [`VerbIndex::pattern_size`]: carried along so that comparing candidates by
/// size reads no other table).
pub type Cand = (u32, FormKind, u32);

/// Id of a word that is in no pattern.
pub const NO_WORD: u32 = u32::MAX;

/// Flag bit of a word (in [`VerbIndex`]'s flags and so in `Tokens::flags`, above the
/// word-set bits of `roles`): some pattern is headed by it.
pub const HEADS_A_PATTERN: u32 = 1 << 31;
/// Flag bit: the word is a form of a verb head.
pub const VERB_FORM: u32 = 1 << 30;
/// Flag bit: some word-set member starts with the word.
const STARTS_SET_MEMBER: u32 = 1 << 29;
/// Flag bit: some word-set member ends with the word.
const ENDS_SET_MEMBER: u32 = 1 << 28;
/// Flag bit: the word is the second half of some `by_first` key (else no lookup).
const IN_BY_FIRST: u32 = 1 << 27;
/// Flag bit: the word is the second half of some `by_before` key.
const IN_BY_BEFORE: u32 = 1 << 26;
/// Lowest flag bit the index uses (`roles` word sets stay below it).
pub const INDEX_FLAGS_FROM: u32 = 26;

/// One compiled word of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// This word (its id).
    Id(u32),
    /// Any word starting with this (index into `VerbIndex::prefixes`).
    Prefix(u32),
    /// Any member of a word set (index into `VerbIndex::sets`).
    Set(u32),
}

/// Where a pattern's words are in `VerbIndex::words`: `after` words from `start` (those
/// after the head), then `before` words (those before it).
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    after: u32,
    before: u32,
}

/// Index of the verb patterns: every word of every pattern gets an id, tokens are
/// annotated with ids once per document, and heads and pattern words are compared as
/// integers.
#[derive(Debug, Clone, Default)]
pub struct VerbIndex {
    ids: FxHashMap<Box<str>, u32>,
    /// Per word id: the patterns it heads, with the form it has there, the patterns
    /// with the most words first, then by ascending index: the order in which the
    /// coder prefers them, so that its search for the best match at a head can stop
    /// at the first candidate smaller than a match.
    heads: Vec<Vec<Cand>>,
    /// The words of all patterns, each pattern's in one run (see `spans`): one array,
    /// not a vector per pattern.
    words: Vec<Word>,
    /// Per pattern: its run in `words`, its words after the head, then those before it
    /// (none for most).
    spans: Vec<Span>,
    /// The prefixes of `Word::Prefix`.
    prefixes: Vec<Box<str>>,
    /// Word sets: members as sequences of word ids, longest first.
    sets: Vec<Vec<Vec<u32>>>,
    /// Word set name -> index into `sets`.
    set_ids: FxHashMap<Box<str>, u32>,
    /// Per word id: word-class flags (`roles::word_flags`).
    flags: Vec<u32>,
    /// Per word id: positions in `heads[id]` of the patterns that must be tried
    /// whatever follows the head (no words after it, or a prefix first word).
    generic: Vec<Vec<u32>>,
    /// (head word id, id of a token right after it) -> positions in `heads[head]` of
    /// the patterns whose first word may start at such a token (that word, or a word
    /// set with a member starting with it). Patterns in neither list can never match.
    by_first: Postings,
    /// Like `by_first`, for the patterns with no words after the head but some before
    /// it, keyed by the id of a token right before the head where their last word
    /// before it may end.
    by_before: Postings,
    /// (word set, word id) -> indices into the set's members (in their order) of the
    /// members starting with that word: only those can match at a token.
    set_first: Postings,
    /// Like `set_first`, for the members ending with that word.
    set_last: Postings,
    /// Id of the word "to" (always interned: `match_at` compares ids, not strings).
    to_id: u32,
}

/// A map from a pair of ids to a list of ids, the lists laid out in one array (one
/// table entry per key and no allocation per list: the indexes have hundreds of
/// thousands of keys).
#[derive(Debug, Clone, Default)]
struct Postings {
    /// key -> (start, length) in `values`
    runs: FxHashMap<(u32, u32), (u32, u32)>,
    values: Vec<u32>,
}

impl Postings {
    /// From (key, value) pairs; each key's list keeps the pairs' order.
    fn new(pairs: Vec<((u32, u32), u32)>) -> Self {
        // count each key's values, lay the lists out, then fill them in order
        // (sized for every pair a key of its own: no rehashing while it fills)
        let mut runs: FxHashMap<(u32, u32), (u32, u32)> =
            FxHashMap::with_capacity_and_hasher(pairs.len(), Default::default());
        for (k, _) in &pairs {
            runs.entry(*k).or_insert((0, 0)).1 += 1;
        }
        let mut start = 0;
        for r in runs.values_mut() {
            (r.0, start, r.1) = (start, start + r.1, 0);
        }
        let mut values = vec![0; pairs.len()];
        for (k, v) in &pairs {
            if let Some(r) = runs.get_mut(k) {
                values[(r.0 + r.1) as usize] = *v;
                r.1 += 1;
            }
        }
        Postings { runs, values }
    }

    /// The list of `key`, if any.
    #[inline]
    fn get(&self, key: &(u32, u32)) -> Option<&[u32]> {
        let &(start, len) = self.runs.get(key)?;
        Some(&self.values[start as usize..(start + len) as usize])
    }

    /// The keys.
    fn keys(&self) -> impl Iterator<Item = &(u32, u32)> {
        self.runs.keys()
    }

    /// True when there are no keys.
    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

impl VerbIndex {
    /// Builds the index of all heads and pattern words.
    pub fn new(
        patterns: &[VerbPattern],
        irregular: &Irregulars,
        synsets: &std::collections::HashMap<String, Vec<Vec<String>>>,
    ) -> Self {
        let mut ix = VerbIndex::default();
        // every pattern adds a few words at most: pre-size the interner
        ix.ids.reserve(patterns.len() * 2);
        let mut names: Vec<&String> = synsets.keys().collect();
        names.sort();
        for name in names {
            let mut members: Vec<Vec<u32>> = synsets[name]
                .iter()
                .filter(|m| !m.is_empty())
                .map(|m| m.iter().map(|w| ix.intern(w)).collect())
                .collect();
            members.sort_by_key(|m| std::cmp::Reverse(m.len()));
            members.dedup();
            ix.set_ids
                .insert(name.as_str().into(), ix.sets.len() as u32);
            ix.sets.push(members);
        }
        // inflections are computed once per lemma
        let mut inflected: FxHashMap<&str, Vec<(u32, FormKind)>> = FxHashMap::default();
        for (i, p) in patterns.iter().enumerate() {
            let i = i as u32;
            let size = (p.words.len() + p.before.len()) as u32;
            if let Head::Verb(l) = &p.head {
                if !inflected.contains_key(l.as_str()) {
                    let mut forms: Vec<(u32, FormKind)> = Vec::new();
                    for f in inflect_all(l, irregular) {
                        let mut add = |w: &str, k| forms.push((ix.intern(w), k));
                        add(&f.base, FormKind::Present);
                        add(&f.third, FormKind::Present);
                        if f.past == f.participle {
                            add(&f.past, FormKind::PastOrParticiple);
                        } else {
                            add(&f.past, FormKind::Past);
                            add(&f.participle, FormKind::Participle);
                        }
                        add(&f.ing, FormKind::Ing);
                    }
                    inflected.insert(l, forms);
                }
                for (id, k) in &inflected[l.as_str()] {
                    let e = &mut ix.heads[*id as usize];
                    if e.last().map(|x| x.0) != Some(i) {
                        e.push((i, *k, size));
                    }
                    ix.flags[*id as usize] |= VERB_FORM;
                }
            }
            if let Head::Noun(n) = &p.head {
                let mut forms = vec![n.clone()];
                if !n.ends_with('s') {
                    forms.push(inflect(n, &Irregulars::new()).third);
                }
                for form in forms {
                    let id = ix.intern(&form);
                    let e = &mut ix.heads[id as usize];
                    if e.last().map(|x| x.0) != Some(i) {
                        e.push((i, FormKind::Noun, size));
                    }
                }
            }
            let start = ix.words.len() as u32;
            for w in p.words.iter().chain(&p.before) {
                let w = ix.word(w);
                ix.words.push(w);
            }
            let (after, before) = (p.words.len() as u32, p.before.len() as u32);
            ix.spans.push(Span {
                start,
                after,
                before,
            });
        }
        for (w, f) in crate::roles::word_flags() {
            let id = ix.intern(w);
            ix.flags[id as usize] |= *f;
        }
        ix.to_id = ix.intern("to");
        // biggest patterns first (ascending index among equals: the sort is stable), so
        // the first match of a head is the one the coder keeps (see `heads`)
        for list in &mut ix.heads {
            list.sort_by_key(|&(_, _, size)| std::cmp::Reverse(size));
        }
        ix.index_first_words();
        for (id, list) in ix.heads.iter().enumerate() {
            if !list.is_empty() {
                ix.flags[id] |= HEADS_A_PATTERN;
            }
        }
        for &(_, w) in ix.set_first.keys() {
            ix.flags[w as usize] |= STARTS_SET_MEMBER;
        }
        for &(_, w) in ix.set_last.keys() {
            ix.flags[w as usize] |= ENDS_SET_MEMBER;
        }
        ix
    }

    /// Fills `generic` and `by_first` from `heads`, `words` and `sets`.
    fn index_first_words(&mut self) {
        let mut generic = vec![Vec::new(); self.heads.len()];
        // pre-sized (at least one key per head and pattern): no growth by rehashing
        let pairs: usize = self.heads.iter().map(Vec::len).sum();
        let mut by_first: Vec<((u32, u32), u32)> = Vec::with_capacity(pairs);
        let mut by_before: Vec<((u32, u32), u32)> = Vec::new();
        // per word set: the distinct first words and the distinct last words of its
        // members, ascending (an undefined or empty set has none: never a candidate)
        let edges = |last: bool| -> Vec<Vec<u32>> {
            self.sets
                .iter()
                .map(|members| {
                    let mut ws: Vec<u32> = members
                        .iter()
                        .filter_map(|m| if last { m.last() } else { m.first() }.copied())
                        .collect();
                    ws.sort_unstable();
                    ws.dedup();
                    ws
                })
                .collect()
        };
        let (set_firsts, set_lasts) = (edges(false), edges(true));
        for (hid, list) in self.heads.iter().enumerate() {
            for (pos, &(pi, _, _)) in list.iter().enumerate() {
                // the word that must stand next to the head: the first word after it, or
                // (for a pattern with words only before the head) the last word before it
                let (word, after) = match self.after(pi).first() {
                    Some(w) => (Some(w), true),
                    None => (self.before(pi).last(), false),
                };
                let index = if after { &mut by_first } else { &mut by_before };
                match word {
                    None | Some(Word::Prefix(_)) => generic[hid].push(pos as u32),
                    Some(Word::Id(id)) => index.push(((hid as u32, *id), pos as u32)),
                    Some(Word::Set(s)) => {
                        let ws = if after { &set_firsts } else { &set_lasts };
                        for &f in ws.get(*s as usize).map_or(&[][..], Vec::as_slice) {
                            index.push(((hid as u32, f), pos as u32));
                        }
                    }
                }
            }
        }
        for &((_, w), _) in &by_first {
            self.flags[w as usize] |= IN_BY_FIRST;
        }
        for &((_, w), _) in &by_before {
            self.flags[w as usize] |= IN_BY_BEFORE;
        }
        self.generic = generic;
        self.by_first = Postings::new(by_first);
        self.by_before = Postings::new(by_before);
        let (mut set_first, mut set_last) = (Vec::new(), Vec::new());
        for (si, members) in self.sets.iter().enumerate() {
            for (mi, m) in members.iter().enumerate() {
                if let (Some(&f), Some(&l)) = (m.first(), m.last()) {
                    let key = |w| (si as u32, w);
                    set_first.push((key(f), mi as u32));
                    set_last.push((key(l), mi as u32));
                }
            }
        }
        self.set_first = Postings::new(set_first);
        self.set_last = Postings::new(set_last);
    }

    /// The patterns headed by token `i` that may match there, within `[start, end)`,
    /// with the form the token has, in the order of [`Self::heads_at`]: those whose
    /// first word after the head can start within the gap after it (or, with no words
    /// after the head, whose last word before it can end within the gap before it).
    /// `scratch` is reused between calls.
    pub fn candidates_at(
        &self,
        t: &Tokens,
        i: usize,
        start: usize,
        end: usize,
        scratch: &mut Vec<u32>,
        out: &mut Vec<Cand>,
    ) {
        out.clear();
        let id = self.id(t, i);
        let Some(list) = self.heads.get(id as usize) else {
            return;
        };
        if list.is_empty() {
            return;
        }
        // the lists of positions in `list` of the patterns that may match, each
        // ascending: the generic ones, one per distinct word after the head, one per
        // distinct word before it
        let mut lists: [&[u32]; 2 * (MAX_GAP + 1) + 1] = [&[]; 2 * (MAX_GAP + 1) + 1];
        let mut n = 0;
        let generic = &self.generic[id as usize];
        if !generic.is_empty() {
            lists[0] = generic;
            n = 1;
        }
        // the tokens the first word after the head may stand at (as `window`): up to
        // the first gap stopper, which is one of them
        let after = i + 1..end.min(i + 2 + MAX_GAP);
        self.lists_near(
            t,
            id,
            after,
            IN_BY_FIRST,
            &self.by_first,
            &mut lists,
            &mut n,
        );
        if !self.by_before.is_empty() {
            // the tokens `match_before` tries for the last word before the head
            let before = (start.max(i.saturating_sub(1 + MAX_GAP))..i).rev();
            self.lists_near(
                t,
                id,
                before,
                IN_BY_BEFORE,
                &self.by_before,
                &mut lists,
                &mut n,
            );
        }
        let lists = &lists[..n];
        match lists {
            [] => {}
            // one list: already ascending without repeats
            [ps] => out.extend(ps.iter().map(|&pos| list[pos as usize])),
            _ => {
                // the union, ascending: a bitmap of positions (on the stack for the
                // usual short list) read in order, as sorting and deduplicating would
                let words = list.len().div_ceil(32);
                let mut local = [0u32; 16];
                let bits = if words <= local.len() {
                    &mut local[..words]
                } else {
                    scratch.clear();
                    scratch.resize(words, 0);
                    &mut scratch[..]
                };
                for ps in lists {
                    for &pos in *ps {
                        bits[pos as usize / 32] |= 1 << (pos % 32);
                    }
                }
                out.reserve(lists.iter().map(|ps| ps.len()).sum());
                for (wi, &b) in bits.iter().enumerate() {
                    let mut b = b;
                    while b != 0 {
                        out.push(list[wi * 32 + b.trailing_zeros() as usize]);
                        b &= b - 1;
                    }
                }
            }
        }
    }

    /// For [`Self::candidates_at`]: walking the tokens `ks` away from head word `id`, up
    /// to and including the first gap stopper, the lists of `index` under (`id`, word)
    /// for each distinct word flagged `flag`, appended to `lists[*n..]`.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn lists_near<'a>(
        &self,
        t: &Tokens,
        id: u32,
        ks: impl Iterator<Item = usize>,
        flag: u32,
        index: &'a Postings,
        lists: &mut [&'a [u32]],
        n: &mut usize,
    ) {
        let mut seen = [NO_WORD; MAX_GAP + 1];
        for (m, k) in ks.enumerate() {
            let (w, f) = (self.id(t, k), self.token_flags(t, k));
            // (`NO_WORD` has no flags; the tokens between `k` and the head were seen)
            if f & flag != 0 && !seen[..m].contains(&w) {
                if let Some(ps) = index.get(&(id, w)) {
                    lists[*n] = ps;
                    *n += 1;
                }
            }
            seen[m] = w;
            if stops_gap(f, t, k) {
                break;
            }
        }
    }

    fn word(&mut self, w: &crate::dictionary::PatternWord) -> Word {
        if let Some(name) = w.word.strip_prefix('&') {
            // an undefined set matches nothing
            return Word::Set(self.set_ids.get(name).copied().unwrap_or(u32::MAX));
        }
        if w.prefix {
            self.prefixes.push(w.word.clone().into_boxed_str());
            Word::Prefix(self.prefixes.len() as u32 - 1)
        } else {
            Word::Id(self.intern(&w.word))
        }
    }

    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.heads.len() as u32;
        self.ids.insert(w.into(), id);
        self.heads.push(Vec::new());
        self.flags.push(0);
        id
    }

    /// Sets `t.ids` to the given word id of every token (as [`Self::vocabulary`] maps
    /// them, `NO_WORD` for the others) and `t.flags` to each word's flag bits.
    pub fn annotate_ids(&self, t: &mut Tokens, ids: Vec<u32>) {
        t.flags = ids.iter().map(|&id| self.word_flags(id)).collect();
        t.ids = ids;
    }

    /// The flag bits [`Self::annotate_ids`] gives a token of word `id`.
    pub fn word_flags(&self, id: u32) -> u32 {
        self.flags.get(id as usize).copied().unwrap_or(0)
    }

    /// Every word of the index (pattern words, head forms, word lists) with its id.
    pub fn vocabulary(&self) -> impl Iterator<Item = (&str, u32)> {
        self.ids.iter().map(|(w, &id)| (&**w, id))
    }

    #[inline]
    fn id(&self, t: &Tokens, i: usize) -> u32 {
        match t.ids.get(i) {
            Some(&id) => id,
            None => self.id_unannotated(t, i),
        }
    }

    /// [`Self::id`] of a token of unannotated tokens (out of line: the annotated case
    /// is the hot one).
    #[cold]
    #[inline(never)]
    fn id_unannotated(&self, t: &Tokens, i: usize) -> u32 {
        self.ids.get(t.norm(i)).copied().unwrap_or(NO_WORD)
    }

    /// The flags of token `i`: its word-set bits and the index's own bits
    /// ([`HEADS_A_PATTERN`], [`VERB_FORM`], ...), from `t.flags` when annotated.
    #[inline]
    pub fn token_flags(&self, t: &Tokens, i: usize) -> u32 {
        match t.flags.get(i) {
            Some(&f) => f,
            None => self.flags_unannotated(t, i),
        }
    }

    /// [`Self::token_flags`] of a token of unannotated tokens (out of line).
    #[cold]
    #[inline(never)]
    fn flags_unannotated(&self, t: &Tokens, i: usize) -> u32 {
        self.flags.get(self.id(t, i) as usize).copied().unwrap_or(0)
    }

    /// Does some pattern have its head at token `i`?
    #[inline]
    pub fn heads_here(&self, t: &Tokens, i: usize) -> bool {
        self.token_flags(t, i) & HEADS_A_PATTERN != 0
    }

    /// Patterns headed by token `i`, with the form the token has: the biggest first
    /// ([`Self::pattern_size`]), then by ascending index.
    #[inline]
    pub fn heads_at(&self, t: &Tokens, i: usize) -> &[Cand] {
        let id = self.id(t, i);
        self.heads
            .get(id as usize)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Token `i` is a form of some verb head.
    #[inline]
    pub fn is_verb_form(&self, t: &Tokens, i: usize) -> bool {
        self.token_flags(t, i) & VERB_FORM != 0
    }

    /// Patterns headed by this lower-case word (in the order of [`Self::heads_at`]).
    pub fn lookup(&self, norm: &str) -> &[Cand] {
        self.ids
            .get(norm)
            .and_then(|&id| self.heads.get(id as usize))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Id of the first word after the head of pattern `pi` (`NO_WORD` if none or a prefix).
    pub fn first_word(&self, pi: u32) -> u32 {
        match self.after(pi).first() {
            Some(Word::Id(id)) => *id,
            _ => NO_WORD,
        }
    }

    /// The words of pattern `pi` after its head.
    #[inline]
    fn after(&self, pi: u32) -> &[Word] {
        let s = self.spans[pi as usize];
        let from = s.start as usize;
        &self.words[from..from + s.after as usize]
    }

    /// The words of pattern `pi` before its head.
    #[inline]
    fn before(&self, pi: u32) -> &[Word] {
        let s = self.spans[pi as usize];
        let from = (s.start + s.after) as usize;
        &self.words[from..from + s.before as usize]
    }

    /// Ids of the tokens a pattern's first word may stand at after a head at `at`.
    pub fn window(&self, t: &Tokens, at: usize, end: usize) -> [u32; MAX_GAP + 1] {
        let mut w = [NO_WORD; MAX_GAP + 1];
        for (n, k) in (at + 1..end.min(at + 2 + MAX_GAP)).enumerate() {
            w[n] = self.id(t, k);
            if gap_stopper(t, k) {
                break;
            }
        }
        w
    }

    /// Whether pattern word `w` matches at token `k` (not past `end`): the last token it
    /// covers (a set member may be several words).
    #[inline]
    fn word_at(&self, w: Word, t: &Tokens, k: usize, end: usize) -> Option<usize> {
        self.word_at_flagged(w, self.token_flags(t, k), t, k, end)
    }

    /// [`Self::word_at`] given the flags `f` of token `k` ([`Self::token_flags`]), which
    /// the matching loops load once per token.
    #[inline]
    fn word_at_flagged(&self, w: Word, f: u32, t: &Tokens, k: usize, end: usize) -> Option<usize> {
        match w {
            Word::Id(id) => (self.id(t, k) == id).then_some(k),
            Word::Prefix(p) => t
                .norm(k)
                .starts_with(&*self.prefixes[p as usize])
                .then_some(k),
            // only a token that starts some set member can start one of this set's
            Word::Set(s) if f & STARTS_SET_MEMBER != 0 => self.set_member_at(s, t, k, end),
            Word::Set(_) => None,
        }
    }

    /// The first member of word set `s` (in member order) standing at token `k` and
    /// ending before `end`: the index of its last token.
    #[inline(never)]
    fn set_member_at(&self, s: u32, t: &Tokens, k: usize, end: usize) -> Option<usize> {
        // only the members starting with this token's word
        let members = self.sets.get(s as usize)?;
        let cands = self.set_first.get(&(s, self.id(t, k)))?;
        cands.iter().find_map(|&mi| {
            let m = &members[mi as usize];
            let last = k + m.len() - 1;
            (last < end && m.iter().enumerate().all(|(j, id)| self.id(t, k + j) == *id))
                .then_some(last)
        })
    }

    /// Like [`Self::word_at`], the word ending at token `k` (not before `start`): the
    /// first token it covers.
    fn word_ending_at(&self, w: Word, t: &Tokens, k: usize, start: usize) -> Option<usize> {
        match w {
            Word::Set(s) => {
                // only the members ending with this token's word, in member order
                if self.token_flags(t, k) & ENDS_SET_MEMBER == 0 {
                    return None;
                }
                let members = self.sets.get(s as usize)?;
                let cands = self.set_last.get(&(s, self.id(t, k)))?;
                cands.iter().find_map(|&mi| {
                    let m = &members[mi as usize];
                    let first = (k + 1).checked_sub(m.len())?;
                    (first >= start
                        && m.iter()
                            .enumerate()
                            .all(|(j, id)| self.id(t, first + j) == *id))
                    .then_some(first)
                })
            }
            _ => self.word_at(w, t, k, k + 1),
        }
    }

    /// Tries pattern `pi` with its head at token `at`, not past `end`; returns the index
    /// of the last matched token. Up to [`MAX_GAP`] tokens may stand between two pattern
    /// words, but no clause punctuation.
    #[inline]
    pub fn match_at(&self, pi: u32, t: &Tokens, at: usize, end: usize) -> Option<usize> {
        let ws = self.after(pi);
        if ws.is_empty() {
            // the head alone (a quarter of the calls): no call, no loop set-up
            return Some(at);
        }
        self.match_words(ws, t, at, end)
    }

    /// [`Self::match_at`] of the words `ws` after the head.
    #[inline(never)]
    fn match_words(&self, ws: &[Word], t: &Tokens, at: usize, end: usize) -> Option<usize> {
        let mut pos = at;
        for &w in ws {
            let mut found = None;
            for k in pos + 1..end.min(pos + 2 + MAX_GAP) {
                let f = self.token_flags(t, k);
                // a verb right after a "to" that is not a pattern word starts an
                // infinitive: "wants to help" is no "want help", "agreed to lift the
                // sanctions" no "agree to sanctions"
                if f & VERB_FORM != 0
                    && self.id(t, k - 1) == self.to_id
                    && (k - 1 > pos || self.word_at_flagged(w, f, t, k, end).is_none())
                {
                    break;
                }
                if let Some(last) = self.word_at_flagged(w, f, t, k, end) {
                    found = Some(last);
                    break;
                }
                if stops_gap(f, t, k) {
                    break;
                }
            }
            pos = found?;
        }
        Some(pos)
    }

    /// Passive voice: matches pattern `pi` away from its head. Its words after the head
    /// (the logical object) must stand in `object` = `[start, end)`, the subject of the
    /// passive ("evidence ... was presented" is "presented evidence"), the first one at
    /// most [`MAX_GAP`] tokens after `start`; its words before the head (the logical
    /// subject) must stand in `agent`, the `by` phrase, likewise ("demolished by a
    /// protester" is "a protester demolished"). A pattern with no words on either side
    /// is not a passive match. The object's first word may stand anywhere in its span.
    pub fn match_passive(
        &self,
        pi: u32,
        t: &Tokens,
        object: Option<(usize, usize)>,
        agent: Option<(usize, usize)>,
    ) -> bool {
        let (after, before) = (self.after(pi), self.before(pi));
        if after.is_empty() && before.is_empty() {
            return false;
        }
        let side = |ws: &[Word], span: Option<(usize, usize)>, gap: usize| {
            ws.is_empty() || span.is_some_and(|(s, e)| self.words_in(ws, t, s, e, gap).is_some())
        };
        side(after, object, usize::MAX) && side(before, agent, MAX_GAP)
    }

    /// The word ids of a passive's subject span `[start, end)` up to its first gap
    /// stopper: where the first word after a head must stand for
    /// [`Self::match_passive`] to find it (see [`Self::may_match_passive`]).
    pub fn passive_span_ids(&self, t: &Tokens, (start, end): (usize, usize)) -> Vec<u32> {
        let mut ids = Vec::new();
        for k in start..end {
            ids.push(self.id(t, k));
            if gap_stopper(t, k) {
                break;
            }
        }
        ids
    }

    /// False when pattern `pi` cannot match a passive whose subject span holds the
    /// words `span_ids` ([`Self::passive_span_ids`]): its first word after the head is
    /// a plain word that is not there. A cheap test before [`Self::match_passive`].
    #[inline]
    pub fn may_match_passive(&self, pi: u32, span_ids: &[u32]) -> bool {
        match self.after(pi).first() {
            Some(Word::Id(id)) => span_ids.contains(id),
            _ => true,
        }
    }

    /// Matches `ws` in `[start, end)`: the first word at most `first_gap` tokens after
    /// `start`, each next one with the gaps of [`Self::match_at`]; the last token matched.
    fn words_in(
        &self,
        ws: &[Word],
        t: &Tokens,
        start: usize,
        end: usize,
        first_gap: usize,
    ) -> Option<usize> {
        let mut from = start;
        for (n, &w) in ws.iter().enumerate() {
            let gap = if n == 0 { first_gap } else { MAX_GAP };
            let mut found = None;
            for k in from..end.min(from.saturating_add(gap).saturating_add(1)) {
                let f = self.token_flags(t, k);
                if let Some(last) = self.word_at_flagged(w, f, t, k, end) {
                    found = Some(last);
                    break;
                }
                if stops_gap(f, t, k) {
                    break;
                }
            }
            from = found? + 1;
        }
        Some(from - 1)
    }

    /// Number of words of pattern `pi` besides its head (before and after it).
    #[inline]
    pub fn pattern_size(&self, pi: u32) -> usize {
        let s = self.spans[pi as usize];
        (s.after + s.before) as usize
    }

    /// Number of words pattern `pi` needs before its head.
    pub fn before_len(&self, pi: u32) -> usize {
        self.spans[pi as usize].before as usize
    }

    /// Checks the words pattern `pi` needs before its head at `at`, not before `start`
    /// (the same gaps as after the head); returns the index of the first one (`at` when
    /// the pattern needs none).
    pub fn match_before(&self, pi: u32, t: &Tokens, at: usize, start: usize) -> Option<usize> {
        let mut pos = at;
        for &w in self.before(pi).iter().rev() {
            let mut found = None;
            let lo = start.max(pos.saturating_sub(1 + MAX_GAP));
            for k in (lo..pos).rev() {
                if let Some(first) = self.word_ending_at(w, t, k, start) {
                    found = Some(first);
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
}

/// Greatest number of other tokens allowed between two pattern words.
pub const MAX_GAP: usize = 3;

/// Tokens a gap may not cross: clause punctuation, and "of" after a noun (a pattern
/// noun is the head of its noun phrase, not a word in its `of` complement: "adopt a
/// set of resolutions" is no "adopt resolution"), except after a quantity, whose `of`
/// phrase is the head ("cancel 80 per cent of the debt", "half of the troops"). A modal
/// or a subject pronoun starts a new clause, never a word inside a noun phrase: "said
/// they will attack" is no "said ... attack" (the noun).
#[inline]
fn gap_stopper(t: &Tokens, i: usize) -> bool {
    match t.flags.get(i) {
        Some(&f) => stops_gap(f, t, i),
        None => GAP_STOPPERS.at(t, i) || (OF.at(t, i) && i > 0 && !quantity(t, i - 1)),
    }
}

/// [`gap_stopper`] of token `i` given its flags `f`: `t.flags[i]`, or for unannotated
/// tokens [`VerbIndex::token_flags`], whose word-set bits are the same (every word of
/// the word sets is in the index, with its bits). A token that is neither a stopper
/// nor "of", the usual one, costs one test of constant bits.
#[inline]
fn stops_gap(f: u32, t: &Tokens, i: usize) -> bool {
    f & (GAP_STOPPERS_BIT | OF_BIT) != 0
        && (f & GAP_STOPPERS_BIT != 0 || (i > 0 && !quantity(t, i - 1)))
}

/// A quantity before a partitive "of": a number, a percentage, or a quantifier.
#[inline]
fn quantity(t: &Tokens, i: usize) -> bool {
    t.toks[i].kind == Kind::Number || QUANTITIES.at(t, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dictionary::own::{self, FileKind};
    use crate::dictionary::Dictionaries;
    use crate::text::tokens::tokenize;

    const VERBS: &str = "\
&aircraft = jet | fighter jet | drone | war plane
&talks = talks | negotiations | peace talks
040: meet | meet with | visit
042: visit &talks | hold &talks | hold &talks with
111: criticize | accuse of | condemn
190: &aircraft ... attack | &aircraft ... bomb | bomb | army ... shell
036: ~talks | ~talks with | ~talks on
012: express concern* | voice concern* about
163: impose sanctions on | lift sanctions | present evidence | evidence ... present
";

    const SENTENCES: &[&str] = &[
        "The foreign ministers met with the delegation to hold talks with rebels on Monday.",
        "A fighter jet attacked the village, and drones bombed the town of Kobane.",
        "He criticized them and accused the army of abuses; the army shelled it.",
        "80 per cent of the debt was lifted; half of the troops will visit peace talks.",
        "Officials expressed concerns about the attack and voiced concern about it.",
        "They want to meet with the president to bomb it, and to hold negotiations.",
        "Talks with the opposition were held by the government of Chad.",
        "Evidence of the war plane attack was presented by the army.",
        "Sanctions on Iran were imposed, then lifted sanctions: he visited talks on Syria.",
    ];

    fn index(extra: &str) -> VerbIndex {
        let mut d = Dictionaries::default();
        own::load(&mut d, FileKind::Verbs, "test", &format!("{VERBS}{extra}"));
        assert_eq!(
            d.errors().count(),
            0,
            "{:?}",
            d.errors().collect::<Vec<_>>()
        );
        VerbIndex::new(&d.verbs, &d.irregular, &d.synsets)
    }

    /// The tokens of `s` unannotated and annotated as the coder does it.
    fn tokens(ix: &VerbIndex, s: &str) -> (Tokens, Tokens) {
        let plain = tokenize(s);
        let mut annotated = plain.clone();
        let ids = (0..plain.len())
            .map(|i| ix.ids.get(plain.norm(i)).copied().unwrap_or(NO_WORD))
            .collect();
        ix.annotate_ids(&mut annotated, ids);
        (plain, annotated)
    }

    /// `candidates_at` as first written: every list gathered, sorted, deduplicated,
    /// without the flag filters.
    fn reference_candidates(
        ix: &VerbIndex,
        t: &Tokens,
        i: usize,
        start: usize,
        end: usize,
    ) -> Vec<Cand> {
        let id = ix.id(t, i);
        let list = ix.heads_at(t, i);
        if list.is_empty() {
            return Vec::new();
        }
        let mut pos: Vec<u32> = ix.generic[id as usize].clone();
        for w in ix.window(t, i, end) {
            pos.extend(ix.by_first.get(&(id, w)).unwrap_or(&[]));
        }
        let lo = start.max(i.saturating_sub(1 + MAX_GAP));
        for k in (lo..i).rev() {
            pos.extend(ix.by_before.get(&(id, ix.id(t, k))).unwrap_or(&[]));
            if gap_stopper(t, k) {
                break;
            }
        }
        pos.sort_unstable();
        pos.dedup();
        pos.iter().map(|&p| list[p as usize]).collect()
    }

    /// Everything the matcher answers about sentence `t`, per head and pattern.
    fn answers(ix: &VerbIndex, t: &Tokens) -> Vec<String> {
        let (mut scratch, mut cands) = (Vec::new(), Vec::new());
        let n = t.len();
        let mut out = Vec::new();
        for i in 0..n {
            for start in [0, i.saturating_sub(2)] {
                ix.candidates_at(t, i, start, n, &mut scratch, &mut cands);
                assert_eq!(cands, reference_candidates(ix, t, i, start, n), "token {i}");
                out.push(format!("{i} {start} {cands:?}"));
            }
            for &(pi, _, _) in ix.heads_at(t, i) {
                let at = ix.match_at(pi, t, i, n);
                let before = ix.match_before(pi, t, i, 0);
                let passive = ix.match_passive(pi, t, Some((0, i)), Some((i + 1, n)));
                // a pattern that matches is always a candidate
                if at.is_some() && (ix.before_len(pi) == 0 || before.is_some()) {
                    ix.candidates_at(t, i, 0, n, &mut scratch, &mut cands);
                    assert!(cands.iter().any(|c| c.0 == pi), "token {i} pattern {pi}");
                }
                out.push(format!("{i} {pi} {at:?} {before:?} {passive}"));
            }
            out.push(format!("{i} {}", gap_stopper(t, i)));
        }
        out
    }

    #[test]
    fn annotated_tokens_match_as_unannotated_ones() {
        let ix = index("");
        let mut matched = 0;
        for s in SENTENCES {
            let (plain, annotated) = tokens(&ix, s);
            let a = answers(&ix, &annotated);
            assert_eq!(answers(&ix, &plain), a, "{s}");
            matched += a.iter().filter(|l| l.contains("Some")).count();
        }
        assert!(
            matched > 20,
            "the sentences should match patterns: {matched}"
        );
    }

    #[test]
    fn candidates_come_biggest_first_and_the_first_best_match_wins() {
        // the coder's search stops at the first candidate smaller than its best match:
        // it must pick what a full scan of the head's patterns by ascending index picks
        let ix = index("");
        for list in &ix.heads {
            for w in list.windows(2) {
                assert!(w[0].2 > w[1].2 || (w[0].2 == w[1].2 && w[0].0 < w[1].0));
            }
            for &(pi, _, size) in list {
                assert_eq!(size as usize, ix.pattern_size(pi));
            }
        }
        let (mut scratch, mut cands) = (Vec::new(), Vec::new());
        let mut found = 0;
        for s in SENTENCES {
            let (_, t) = tokens(&ix, s);
            let n = t.len();
            let matches = |pi, i| {
                ix.match_at(pi, &t, i, n)
                    .filter(|_| ix.match_before(pi, &t, i, 0).is_some())
            };
            for i in 0..n {
                let mut all = ix.heads_at(&t, i).to_vec();
                all.sort_by_key(|c| c.0);
                let mut full: Option<(usize, usize, u32)> = None;
                for &(pi, _, _) in &all {
                    if let Some(last) = matches(pi, i) {
                        let score = (ix.pattern_size(pi), usize::MAX - (last - i));
                        if full.is_none_or(|(w, l, _)| score > (w, l)) {
                            full = Some((score.0, score.1, pi));
                        }
                    }
                }
                ix.candidates_at(&t, i, 0, n, &mut scratch, &mut cands);
                let mut early: Option<(usize, usize, u32)> = None;
                for &(pi, _, size) in &cands {
                    let size = size as usize;
                    if early.is_some_and(|(w, _, _)| size < w) {
                        break;
                    }
                    if let Some(last) = matches(pi, i) {
                        let score = (size, usize::MAX - (last - i));
                        if early.is_none_or(|(w, l, _)| score > (w, l)) {
                            early = Some((score.0, score.1, pi));
                        }
                    }
                }
                assert_eq!(early, full, "{s} token {i}");
                found += usize::from(full.is_some());
            }
        }
        assert!(found > 10, "{found}");
    }

    #[test]
    fn candidates_of_a_head_with_many_patterns() {
        // over 512 patterns headed by "say": the union of lists is built in `scratch`
        let extra: String = (0..600).map(|n| format!("010: say w{n}\n")).collect();
        let ix = index(&format!("010: say\n{extra}"));
        for s in ["They say w5 and w7 or w599.", "We say w3, w3 w4", "say"] {
            let (plain, annotated) = tokens(&ix, s);
            assert_eq!(answers(&ix, &plain), answers(&ix, &annotated), "{s}");
        }
        let (_, t) = tokens(&ix, "They say w5 and w7 or w599.");
        let (mut scratch, mut cands) = (Vec::new(), Vec::new());
        ix.candidates_at(&t, 1, 0, t.len(), &mut scratch, &mut cands);
        // "say" alone, "say w5" and "say w7" (w599 is too far)
        assert_eq!(cands.len(), 3, "{cands:?}");
    }

    #[test]
    fn gap_stoppers_from_flags_as_from_word_sets() {
        let ix = index("");
        for s in SENTENCES {
            let (plain, annotated) = tokens(&ix, s);
            for i in 0..plain.len() {
                let slow = GAP_STOPPERS.at(&plain, i)
                    || (OF.at(&plain, i) && i > 0 && !quantity(&plain, i - 1));
                assert_eq!(gap_stopper(&annotated, i), slow, "{s} {i}");
                assert_eq!(gap_stopper(&plain, i), slow, "{s} {i}");
                assert_eq!(stops_gap(ix.token_flags(&plain, i), &plain, i), slow);
            }
        }
    }

    #[test]
    fn pattern_words_are_laid_out_per_pattern() {
        let ix = index("");
        let mut d = Dictionaries::default();
        own::load(&mut d, FileKind::Verbs, "test", VERBS);
        assert_eq!(ix.spans.len(), d.verbs.len());
        for (pi, p) in d.verbs.iter().enumerate() {
            let pi = pi as u32;
            assert_eq!(ix.after(pi).len(), p.words.len());
            assert_eq!(ix.before(pi).len(), p.before.len());
            assert_eq!(ix.pattern_size(pi), p.words.len() + p.before.len());
            for (w, pw) in ix
                .after(pi)
                .iter()
                .chain(ix.before(pi))
                .zip(p.words.iter().chain(&p.before))
            {
                match *w {
                    Word::Id(id) => assert_eq!(ix.ids.get(pw.word.as_str()), Some(&id)),
                    Word::Prefix(x) => assert_eq!(&*ix.prefixes[x as usize], pw.word),
                    Word::Set(s) => {
                        assert_eq!(ix.set_ids.get(pw.word.trim_start_matches('&')), Some(&s))
                    }
                }
            }
        }
    }

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

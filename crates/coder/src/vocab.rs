//! The coder's shared vocabulary: lower-case word -> (verb index id, actor matcher id),
//! probed once per token.
//!
//! Nearly every word is at most 15 bytes long. Such a word is keyed by its bytes packed
//! into two integers with its length in the last byte, so a probe hashes two integers
//! and compares two integers (no string comparison call) in an [`IdMap`] (two
//! multiplications to hash, linear probing, key and ids in one slot: one cache line per
//! probe); longer words (and the empty word) use a map of strings.

use crate::idmap::IdMap;
use rustc_hash::FxHashMap;

/// Ids of a word: (verb index id, actor matcher id, the verb index's flag bits of the
/// word), `u32::MAX` (flags 0) where the word is not in
/// that index.
pub type Ids = (u32, u32, u32);

/// Both ids unknown.
pub const NONE: Ids = (u32::MAX, u32::MAX, 0);

/// Longest word kept in the packed table.
const PACKED_MAX: usize = 15;

/// Word -> [`Ids`].
#[derive(Debug, Clone)]
pub struct Vocab {
    packed: IdMap<(u64, u64), Ids>,
    long: FxHashMap<Box<str>, Ids>,
    /// The ids of every one-byte word (punctuation, `a`, digits: about a fifth of all
    /// tokens), read without hashing; filled by [`Vocab::finish`].
    single: Box<[Ids; 256]>,
}

impl Default for Vocab {
    fn default() -> Self {
        Vocab {
            packed: IdMap::with_capacity(0, NONE),
            long: FxHashMap::default(),
            single: Box::new([NONE; 256]),
        }
    }
}

/// `KEEP[n]` keeps the low `n` bytes of an integer (`n` <= 8): a table, not branches.
const KEEP: [u64; 9] = {
    let mut k = [u64::MAX; 9];
    let mut n = 0;
    while n < 8 {
        k[n] = (1u64 << (8 * n)) - 1;
        n += 1;
    }
    k
};

/// Words of this length are kept packed: 1 to [`PACKED_MAX`] bytes (the empty word
/// would pack to the table's empty-slot key).
#[inline]
fn packable(len: usize) -> bool {
    (1..=PACKED_MAX).contains(&len)
}

/// The bytes of a word of at most [`PACKED_MAX`] bytes, zero-padded, its length in the
/// last byte (so words that differ only by trailing NUL bytes stay apart).
#[inline]
fn pack(w: &[u8]) -> (u64, u64) {
    debug_assert!(w.len() <= PACKED_MAX);
    let mut b = [0u8; 16];
    b[..w.len()].copy_from_slice(w);
    b[15] = w.len() as u8;
    let (lo, hi) = b.split_at(8);
    (
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    )
}

impl Vocab {
    /// Room for about `n` words.
    pub fn with_capacity(n: usize) -> Self {
        Vocab {
            packed: IdMap::with_capacity(n, NONE),
            ..Vocab::default()
        }
    }

    /// Makes the words entered so far visible to [`Vocab::get_in`]'s one-byte table:
    /// call after the last [`Vocab::entry`].
    pub fn finish(&mut self) {
        for c in 0..=255u8 {
            self.single[usize::from(c)] = self.get(&[c]);
        }
    }

    /// The ids of `w`, inserted as [`NONE`] when new.
    pub fn entry(&mut self, w: &str) -> &mut Ids {
        if packable(w.len()) {
            self.packed.entry(pack(w.as_bytes()))
        } else {
            self.long.entry(w.into()).or_insert(NONE)
        }
    }

    /// The ids of `w` ([`NONE`] when it is in neither index).
    #[inline]
    pub fn get(&self, w: &[u8]) -> Ids {
        let ids = if packable(w.len()) {
            self.packed.get(pack(w))
        } else {
            std::str::from_utf8(w)
                .ok()
                .and_then(|s| self.long.get(s).copied())
        };
        ids.unwrap_or(NONE)
    }

    /// The ids of the word `text[start..end]`, where `text` is a token haystack with
    /// room after most words (`Tokens::norm`): the packed key is read as two 8-byte
    /// loads and masked, with no copy, when 16 bytes from `start` are in `text`.
    #[inline]
    pub fn get_in(&self, text: &[u8], start: usize, end: usize) -> Ids {
        let len = end - start;
        if len == 1 {
            return self.single[usize::from(text[start])];
        }
        if !packable(len) || start + 16 > text.len() {
            return self.get(&text[start..end]);
        }
        let load = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&text[at..at + 8]);
            u64::from_le_bytes(b)
        };
        // keep the word's bytes, zero the rest, length in the last byte
        let lo = load(start) & KEEP[len.min(8)];
        let hi = (load(start + 8) & KEEP[len.saturating_sub(8)]) | ((len as u64) << 56);
        self.packed.get((lo, hi)).unwrap_or(NONE)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.packed.len() + self.long.len()
    }

    /// True when there are no words.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_words_and_trailing_nul() {
        let mut v = Vocab::default();
        v.entry("attack").0 = 7;
        v.entry("attack").1 = 9;
        v.entry("internationalisation").1 = 3;
        v.entry("exactly15bytes!").0 = 5;
        assert_eq!(v.get(b"attack"), (7, 9, 0));
        assert_eq!(v.get(b"attack\0"), NONE);
        assert_eq!(v.get(b"attac"), NONE);
        assert_eq!(v.get(b"internationalisation"), (u32::MAX, 3, 0));
        assert_eq!(v.get(b"exactly15bytes!"), (5, u32::MAX, 0));
        assert_eq!(v.get(b""), NONE);
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn the_table_grows_and_keeps_every_word() {
        // from a table sized for few words, through several doublings; the empty word
        // (whose packed key is the empty-slot marker) kept apart
        let mut v = Vocab::with_capacity(1);
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            v.entry(w).0 = i as u32;
        }
        assert_eq!(v.get(b""), NONE);
        v.entry("").1 = 42;
        for (i, w) in words.iter().enumerate() {
            v.entry(w).1 = i as u32 + 1;
        }
        assert_eq!(v.len(), words.len() + 1);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.get(w.as_bytes()), (i as u32, i as u32 + 1, 0), "{w}");
        }
        assert_eq!(v.get(b""), (u32::MAX, 42, 0));
        assert_eq!(v.get(b"w5000"), NONE);
        assert_eq!(v.get(b"x1"), NONE);
    }

    #[test]
    fn reading_in_place_agrees_with_copying() {
        let mut v = Vocab::default();
        let words = [
            "a",
            "attack",
            "exactly8",
            "ninechars",
            "exactly15bytes!",
            "sixteen-letters!",
        ];
        for (i, w) in words.iter().enumerate() {
            *v.entry(w) = (i as u32, 0, 1);
        }
        // one-byte words are read from the table `finish` fills
        assert_eq!(v.get_in(b" a ", 1, 2), NONE);
        v.finish();
        let hay =
            " a  attack  exactly8  ninechars  exactly15bytes!  sixteen-letters!  attacks  at ";
        let b = hay.as_bytes();
        let mut start = 0;
        while let Some(off) = hay[start..].find(|c: char| c != ' ') {
            let s = start + off;
            let e = s + hay[s..].find(' ').unwrap();
            assert_eq!(v.get_in(b, s, e), v.get(&b[s..e]), "{}", &hay[s..e]);
            start = e;
        }
        assert_eq!(v.get_in(b, 4, 10), (1, 0, 1));
        assert_eq!(v.get_in(b, 1, 2), (0, 0, 1));
        assert_eq!(v.get_in(b, 0, 1), NONE);
        assert_eq!(v.get_in(b, 4, 9), NONE);
    }
}

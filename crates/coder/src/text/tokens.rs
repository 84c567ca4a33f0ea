//! Tokens with byte spans, and the lower-case haystack the dictionaries match against.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (and internal `-`, `'`, `.`, `&`).
    Word,
    /// Starts with a digit.
    Number,
    /// One punctuation character.
    Punct,
}

/// One token of cleaned text.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte span in the cleaned text.
    pub start: u32,
    /// End of the span (exclusive).
    pub end: u32,
    /// Span of the lower-cased form in [`Tokens::norm`].
    pub norm_start: u32,
    /// End of the lower-cased form.
    pub norm_end: u32,
    /// Word, number or punctuation.
    pub kind: Kind,
    /// First character is upper case.
    pub cap: bool,
    /// Two or more letters, all upper case.
    pub upper: bool,
    /// Some letter is upper case (`iSrael`, `McCain`).
    pub any_upper: bool,
    /// Newlines in the whitespace before this token (0, 1, or 2 for "blank line or more").
    pub newlines_before: u8,
}

/// The tokens of one text, and their lower-case forms laid out as
/// `" tok1  tok2  tok3 "`: each token wrapped in one space on each side, so a phrase
/// `" a  b "` can only match on token boundaries.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// The tokens, in order.
    pub toks: Vec<Token>,
    /// The lower-case haystack.
    pub norm: String,
    /// Dictionary word id of each token, filled in by the coder (empty until then).
    pub ids: Vec<u32>,
    /// Word-class flags of each token (`roles::annotate`; empty until then).
    pub flags: Vec<u32>,
}

impl Tokens {
    /// Lower-case form of token `i`.
    pub fn norm(&self, i: usize) -> &str {
        let t = &self.toks[i];
        &self.norm[t.norm_start as usize..t.norm_end as usize]
    }

    /// Lower-case bytes of token `i`: for comparing with a word, cheaper than
    /// [`Self::norm`] (no character-boundary checks).
    #[inline]
    pub fn norm_bytes(&self, i: usize) -> &[u8] {
        let t = &self.toks[i];
        &self.norm.as_bytes()[t.norm_start as usize..t.norm_end as usize]
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// The token range `[first, last]` covered by a haystack match `[s, e)`, if the match
    /// sits on token boundaries (it always does for patterns built by [`pattern_key`]).
    pub fn tokens_of_match(&self, s: usize, e: usize) -> Option<(usize, usize)> {
        if e <= s + 1 || e > self.norm.len() {
            return None;
        }
        // token norms start after their leading space, in order
        let first = self
            .toks
            .partition_point(|t| (t.norm_start as usize) < s + 1);
        let last = self
            .toks
            .partition_point(|t| (t.norm_start as usize) < e - 1);
        (first < self.toks.len() && last > first).then(|| (first, last - 1))
    }
}

/// Builds the haystack key of a phrase already split into lower-case tokens.
pub fn pattern_key<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut k = String::new();
    for w in words {
        k.push(' ');
        k.push_str(w);
        k.push(' ');
    }
    k
}

/// Length of an English clitic (`s`, `re`, `ve`, `ll`, `d`, `m`) at the start of
/// `rest` when it ends there (`'s` in "Russia's", not in "Shi'ite").
fn clitic_len(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    ["s", "re", "ve", "ll", "d", "m"]
        .iter()
        .find(|cl| {
            b.len() >= cl.len()
                && b[..cl.len()].eq_ignore_ascii_case(cl.as_bytes())
                && !rest
                    .get(cl.len()..)
                    .is_some_and(|r| r.starts_with(is_word_char))
        })
        .map(|cl| cl.len())
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// The char at byte `i` (ASCII without decoding).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => b as char,
        Some(_) => text[i..].chars().next().unwrap_or(' '),
        None => ' ',
    }
}

/// Tokenises cleaned text.
pub fn tokenize(text: &str) -> Tokens {
    let mut out = Tokens::default();
    tokenize_into(&mut out, text);
    out
}

/// [`tokenize`] into `out`, reusing its buffers: nothing of its contents is kept but
/// their capacity (the ids and flags are left empty, as in a fresh [`Tokens`]).
pub fn tokenize_into(out: &mut Tokens, text: &str) {
    let mut toks = std::mem::take(&mut out.toks);
    toks.clear();
    toks.reserve(text.len() / 4 + 1);
    let mut norm = std::mem::take(&mut out.norm).into_bytes();
    norm.clear();
    norm.reserve(text.len() + text.len() / 2 + 2);
    let mut out_b = Builder { toks, norm };
    let b = text.as_bytes();
    let mut i = 0;
    let mut newlines: u8 = 0;
    while i < b.len() {
        // the commonest cases in a tight loop, the rest one by one
        (i, newlines) = out_b.push_plain_run(b, i, newlines);
        if i < b.len() {
            i = out_b.push_next(text, i, &mut newlines);
        }
    }
    out.toks = out_b.toks;
    // only whole chars and ASCII bytes were appended (see `Builder`)
    out.norm = String::from_utf8(out_b.norm).expect("the haystack is UTF-8");
    out.ids.clear();
    out.flags.clear();
}

/// Eight bytes of text, as a little-endian `u64` (byte `k` in bits `8k..8k + 8`).
/// Bytes past the end of `b` read as 0, which is no letter or digit: a word scan stops
/// there as it does at the end of the text.
#[inline(always)]
fn load8(b: &[u8], i: usize) -> u64 {
    match b.get(i..i.wrapping_add(8)).map(<[u8; 8]>::try_from) {
        Some(Ok(w)) => u64::from_le_bytes(w),
        _ => load8_tail(b, i),
    }
}

/// [`load8`] within the last eight bytes of `b`.
#[cold]
#[inline(never)]
fn load8_tail(b: &[u8], i: usize) -> u64 {
    let rest = b.get(i..).unwrap_or_default();
    rest.iter().rev().fold(0, |v, &c| (v << 8) | u64::from(c))
}

/// `0x01` in every byte.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// The high bit of every byte.
const HIGH: u64 = ONES * 0x80;
/// Eight spaces.
const SPACES: u64 = ONES * 0x20;

/// The high bit of each byte of `x7` that lies in `lo..=hi`, for `x7` without high bits
/// (every byte below 0x80), all eight bytes at once: `byte + 0x80 - lo` reaches 0x80 just
/// when `byte >= lo`, and `byte + 0x7f - hi` just when `byte > hi`; no sum exceeds 0xff,
/// so no byte carries into the next.
#[inline(always)]
const fn in_range(x7: u64, lo: u8, hi: u8) -> u64 {
    (x7 + ONES * (0x80 - lo as u64)) & !(x7 + ONES * (0x7f - hi as u64)) & HIGH
}

/// The ASCII classes of the eight bytes of a chunk, one high bit per byte (SWAR: the
/// word test, the case test and the lower-casing of [`Builder::push_plain_run`] eight
/// bytes at a time; a byte of 0x80 or more is in no class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    /// ASCII letters and digits.
    alnum: u64,
    /// ASCII letters.
    letter: u64,
    /// ASCII upper-case letters.
    upper: u64,
}

impl Classes {
    #[inline(always)]
    fn of(x: u64) -> Classes {
        let ascii = !x & HIGH;
        let x7 = x & !HIGH;
        // `| 0x20` maps `A-Z` onto `a-z` and no other byte into it (as
        // `u8::is_ascii_alphabetic` tests)
        let letter = in_range(x7 | (ONES * 0x20), b'a', b'z') & ascii;
        // a letter is upper case when its 0x20 bit (shifted up to the high bit) is clear
        let upper = letter & !(x << 2);
        let alnum = letter | (in_range(x7, b'0', b'9') & ascii);
        Classes {
            alnum,
            letter,
            upper,
        }
    }

    /// The chunk lower-cased: `0x20` added to each upper-case letter, as
    /// `u8::to_ascii_lowercase` does.
    #[inline(always)]
    fn lowered(self, x: u64) -> u64 {
        x | (self.upper >> 2)
    }
}

/// End of the word that starts at `start` and continues at `j` (after its first char):
/// letters and digits, joined by `-` and `&`, by `,` between digits (`70,000`), by `.`
/// in abbreviations and decimals (`U.S.`, `1.2`), and by `'` unless a clitic follows.
fn word_end(text: &str, start: usize, mut j: usize) -> usize {
    let b = text.as_bytes();
    let mut has_dot = false;
    while j < b.len() {
        // ASCII letters and digits in one tight loop
        while b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        if j >= b.len() {
            break;
        }
        let d = char_at(text, j);
        if is_word_char(d) {
            j += d.len_utf8();
            continue;
        }
        let next = (j + d.len_utf8() < text.len()).then(|| char_at(text, j + d.len_utf8()));
        let next_word = next.is_some_and(is_word_char);
        match d {
            '-' | '&' if next_word => j += 1,
            ',' if b[j - 1].is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit()) => j += 1,
            '.' if next_word => {
                // U.S.  a.m.  1.2  -- but not "end.Next"
                let prev_short = text[start..j]
                    .rsplit('.')
                    .next()
                    .is_some_and(|seg| seg.chars().count() <= 2);
                let digits = b[j - 1].is_ascii_digit();
                if prev_short || digits {
                    has_dot = true;
                    j += 1;
                } else {
                    break;
                }
            }
            '\'' if next_word => {
                // split clitics: 's 're 've 'll 'd 'm ; keep Shi'ite, d'Orsay
                if clitic_len(&text[j + 1..]).is_some() {
                    break;
                }
                j += 1;
            }
            _ => break,
        }
    }
    // dotted abbreviation keeps its final period: "U.S."
    if has_dot && b.get(j) == Some(&b'.') && !b[j - 1].is_ascii_digit() {
        j += 1;
    }
    j
}

/// Tokens while [`tokenize`] builds them. The haystack is collected as bytes so that an
/// ASCII token is lower-cased while it is copied (one pass, no `str` slicing). Only ASCII
/// bytes and whole UTF-8 encoded chars are ever appended, so it converts back to a
/// `String`.
struct Builder {
    toks: Vec<Token>,
    norm: Vec<u8>,
}

impl Builder {
    /// Appends the commonest tokens from byte `i` on, skipping plain spaces: plain words
    /// (ASCII letters and digits up to the end of the text or a byte that cannot
    /// continue the word: a space, most punctuation, `.` or `-` before a space...) and
    /// one-byte punctuation, as [`Builder::push_next`] would. Stops where that must
    /// decide (or at the end), and returns the position and the newline count `nl` of
    /// the token there.
    ///
    /// Eight bytes are classified at once (see [`Classes`]); a word of up to 14 bytes
    /// (one or two chunks) is lower-cased, framed by spaces and appended as one 16-byte
    /// block, and the haystack is cut back to its slot; a longer one is left to
    /// `push_next`. The case flags come from the class bits (the same counts as
    /// [`Builder::push`] makes byte by byte).
    fn push_plain_run(&mut self, b: &[u8], i: usize, nl: u8) -> (usize, u8) {
        plain_run(b, i, nl, &mut self.toks, &mut self.norm)
    }

    /// Handles whatever starts at byte `i` (whitespace, a word, a clitic or punctuation)
    /// and returns where the next one starts. (Out of line: the loop of the common cases
    /// in [`tokenize`] stays small.)
    #[inline(never)]
    fn push_next(&mut self, text: &str, i: usize, newlines: &mut u8) -> usize {
        let b = text.as_bytes();
        let byte = b[i];
        if byte.is_ascii_punctuation() && byte != b'\'' {
            // the commonest punctuation: one ASCII byte, its own lower-case form
            let nl = std::mem::take(newlines);
            self.norm.push(b' ');
            let ns = self.norm.len();
            self.norm.push(byte);
            self.finish_token((i, i + 1), ns, Kind::Punct, Case::default(), nl);
            return i + 1;
        }
        let c = char_at(text, i);
        if c.is_whitespace() {
            if c == '\n' {
                *newlines = newlines.saturating_add(1).min(2);
            }
            return i + c.len_utf8();
        }
        let nl = std::mem::take(newlines);
        if is_word_char(c) {
            let start = i;
            let j = word_end(text, start, start + c.len_utf8());
            // "didn't" -> "did" "n't"
            let wb = &b[start..j];
            if wb.len() > 3 && wb[wb.len() - 3..].eq_ignore_ascii_case(b"n't") {
                let split = j - 3;
                self.push(text, start, split, Kind::Word, nl);
                self.push(text, split, j, Kind::Word, 0);
                self.set_last_norm(b"not");
            } else {
                let kind = if c.is_ascii_digit() {
                    Kind::Number
                } else {
                    Kind::Word
                };
                self.push(text, start, j, kind, nl);
            }
            return j;
        }
        if c == '\'' {
            // clitic after a word: 's 're ...
            let after_word = self
                .toks
                .last()
                .is_some_and(|t| t.end as usize == i && t.kind != Kind::Punct);
            if after_word {
                if let Some(len) = clitic_len(&text[i + 1..]) {
                    self.push(text, i, i + 1 + len, Kind::Word, nl);
                    return i + 1 + len;
                }
            }
        }
        self.push(text, i, i + c.len_utf8(), Kind::Punct, nl);
        i + c.len_utf8()
    }

    /// Appends the token `text[s..e]` and its form lower-cased char by char.
    fn push(&mut self, text: &str, s: usize, e: usize, kind: Kind, nl: u8) {
        let raw = &text.as_bytes()[s..e];
        self.norm.push(b' ');
        let ns = self.norm.len();
        // one pass over the bytes: copy them lower-cased, count the ASCII upper- and
        // lower-case letters, and note any non-ASCII byte
        let (mut ups, mut lows, mut high) = (0u32, 0u32, 0u8);
        self.norm.extend(raw.iter().map(|&c| {
            let up = c.is_ascii_uppercase();
            ups += u32::from(up);
            lows += u32::from(c.is_ascii_lowercase());
            high |= c;
            c | (u8::from(up) << 5)
        }));
        let case = if high < 0x80 {
            Case {
                cap: raw.first().is_some_and(u8::is_ascii_uppercase),
                upper: ups + lows >= 2 && lows == 0,
                any_upper: ups > 0,
            }
        } else {
            // some byte was not ASCII: redo the token with Unicode case rules
            self.norm.truncate(ns);
            push_unicode(&mut self.norm, &text[s..e])
        };
        self.finish_token((s, e), ns, kind, case, nl);
    }

    /// Ends the token `text[s..e]` whose lower-case form was appended to the haystack
    /// from `ns` on: closes its haystack slot and records the token.
    #[inline(always)]
    fn finish_token(&mut self, (s, e): (usize, usize), ns: usize, kind: Kind, case: Case, nl: u8) {
        let ne = self.norm.len();
        self.norm.push(b' ');
        record(&mut self.toks, (s, e), (ns, ne), kind, case, nl);
    }

    /// Replaces the lower-case form of the last token by `norm`, of the same length
    /// (`n't` becomes `not`).
    fn set_last_norm(&mut self, norm: &[u8]) {
        if let Some(t) = self.toks.last() {
            self.norm[t.norm_start as usize..t.norm_end as usize].copy_from_slice(norm);
        }
    }
}

/// The loop of [`Builder::push_plain_run`], on the builder's parts (so that they stay in
/// registers).
#[inline(never)]
fn plain_run(
    b: &[u8],
    mut i: usize,
    mut nl: u8,
    toks: &mut Vec<Token>,
    norm: &mut Vec<u8>,
) -> (usize, u8) {
    loop {
        let x = load8(b, i);
        let cl = Classes::of(x);
        if cl.alnum & 0x80 == 0 {
            // no word: a space, one-byte punctuation, or something else (the 0 read
            // past the end is none of them)
            let c = x as u8;
            if c == b' ' {
                i += 1;
            } else if c.is_ascii_punctuation() && c != b'\'' {
                norm.extend_from_slice(&[b' ', c, b' ']);
                let ns = norm.len() - 2;
                record(
                    toks,
                    (i, i + 1),
                    (ns, ns + 1),
                    Kind::Punct,
                    Case::default(),
                    nl,
                );
                nl = 0;
                // and the space after it
                i += 1 + usize::from(b.get(i + 1) == Some(&b' '));
            } else {
                return (i, nl);
            }
            continue;
        }
        // the first byte that is no letter or digit, if among the eight; `keep` has
        // the bits of the bytes before it (all eight when there is none)
        let stop = !cl.alnum & HIGH;
        let keep = ((stop & stop.wrapping_neg()) >> 7).wrapping_sub(1);
        let mut n = (stop.trailing_zeros() / 8) as usize;
        // the byte after the word (0 past the end of the text, like a 0 byte: no
        // joiner either way; a word that fills the chunk takes it from the next one)
        let mut next = (x >> ((8 * n as u32) & 63)) as u8;
        // the word's second chunk, if it goes on: lower-cased, its upper-case
        // letters (moved to the low bit of their bytes, clear of the first chunk's)
        // and its lower-case ones
        let (mut word2, mut up2, mut low2) = (0, 0, 0);
        if stop == 0 {
            let x2 = load8(b, i + 8);
            let cl2 = Classes::of(x2);
            let stop2 = !cl2.alnum & HIGH;
            // a word of 15 bytes or more (hardly ever seen) is left to `push_next`
            if stop2 & (HIGH >> 8) == 0 {
                return (i, nl);
            }
            let keep2 = ((stop2 & stop2.wrapping_neg()) >> 7) - 1;
            let n2 = stop2.trailing_zeros() / 8;
            next = (x2 >> (8 * n2)) as u8;
            n += n2 as usize;
            word2 = (cl2.lowered(x2) & keep2) | (SPACES & !keep2);
            up2 = (cl2.upper & keep2) >> 7;
            low2 = cl2.letter & !cl2.upper & keep2;
        }
        let e = i + n;
        // what `word_end` would join: `-`, `&`, `,`, `.` or `'` before a letter or
        // digit, and any non-ASCII char
        let joins = match next {
            b'-' | b'&' | b',' | b'.' | b'\'' => b
                .get(e + 1)
                .is_some_and(|&n| n >= 0x80 || n.is_ascii_alphanumeric()),
            c => c >= 0x80,
        };
        if joins {
            return (i, nl);
        }
        // " word " in one 16-byte block: the bytes after the word are spaces, and
        // those past its closing space are cut off again
        let word1 = (cl.lowered(x) & keep) | (SPACES & !keep);
        let block = (u128::from(word2) << 72) | (u128::from(word1) << 8) | u128::from(b' ');
        let ns = norm.len() + 1;
        norm.extend_from_slice(&block.to_le_bytes());
        norm.truncate(ns + n + 1);
        let up = (cl.upper & keep) | up2;
        let case = Case {
            cap: cl.upper & 0x80 != 0,
            // two or more letters (more than one bit in `up`), none lower case
            upper: up & up.wrapping_sub(1) != 0 && (cl.letter & !cl.upper & keep) | low2 == 0,
            any_upper: up != 0,
        };
        let kind = if cl.alnum & !cl.letter & 0x80 != 0 {
            Kind::Number
        } else {
            Kind::Word
        };
        record(toks, (i, e), (ns, ns + n), kind, case, nl);
        nl = 0;
        // and the space after it
        i = e + usize::from(next == b' ');
    }
}

/// Records the token `text[s..e]` whose lower-case form is `norm[ns..ne]`.
#[inline(always)]
fn record(
    toks: &mut Vec<Token>,
    (s, e): (usize, usize),
    (ns, ne): (usize, usize),
    kind: Kind,
    case: Case,
    nl: u8,
) {
    toks.push(Token {
        start: s as u32,
        end: e as u32,
        norm_start: ns as u32,
        norm_end: ne as u32,
        kind,
        cap: case.cap,
        upper: case.upper,
        any_upper: case.any_upper,
        newlines_before: nl,
    });
}

/// Case flags of one token (see [`Token`]).
#[derive(Default)]
struct Case {
    cap: bool,
    upper: bool,
    any_upper: bool,
}

/// Appends `raw` lower-cased char by char (`Σ` always becomes `σ`) to the haystack and
/// returns its case flags, by the Unicode letter properties.
fn push_unicode(norm: &mut Vec<u8>, raw: &str) -> Case {
    let (mut cap, mut any_upper, mut any_lower, mut letters) = (false, false, false, 0usize);
    let mut buf = [0u8; 4];
    for (k, c) in raw.chars().enumerate() {
        let up = c.is_uppercase();
        if k == 0 {
            cap = up;
        }
        any_upper |= up;
        any_lower |= c.is_lowercase();
        letters += usize::from(c.is_alphabetic());
        for l in c.to_lowercase() {
            norm.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
    Case {
        cap,
        upper: letters >= 2 && !any_lower,
        any_upper,
    }
}

/// Splits a dictionary phrase into lower-case tokens, the same way as article text, and
/// reports for each token whether it was written with a capital.
pub fn phrase_tokens(phrase: &str) -> Vec<(String, bool)> {
    let t = tokenize(phrase);
    (0..t.len())
        .map(|i| (t.norm(i).to_string(), t.toks[i].cap))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let t = tokenize(s);
        (0..t.len()).map(|i| t.norm(i).to_string()).collect()
    }

    #[test]
    fn splits_clitics_and_keeps_names() {
        assert_eq!(
            words("Russia's top diplomat didn't meet Kim Jong-Un in the U.S."),
            [
                "russia", "'s", "top", "diplomat", "did", "not", "meet", "kim", "jong-un", "in",
                "the", "u.s."
            ]
        );
        assert_eq!(words("Shi'ite cleric"), ["shi'ite", "cleric"]);
        assert_eq!(
            words("1.2 million, 70,000"),
            ["1.2", "million", ",", "70,000"]
        );
    }

    #[test]
    fn haystack_matches_on_boundaries() {
        let t = tokenize("The United States and Russia");
        let key = pattern_key(["united", "states"]);
        let pos = t.norm.find(&key).unwrap();
        assert_eq!(t.tokens_of_match(pos, pos + key.len()), Some((1, 2)));
        assert!(!t.norm.contains(&pattern_key(["states", "and", "russian"])));
    }

    #[test]
    fn spans_point_into_text() {
        let s = "Élysée said: \"No\"";
        let t = tokenize(s);
        for tok in &t.toks {
            assert!(s.is_char_boundary(tok.start as usize) && s.is_char_boundary(tok.end as usize));
        }
        assert_eq!(t.norm(0), "élysée");
        assert!(t.toks[0].cap);
    }

    /// A token's lower-case form and case flags by their definitions, on chars.
    fn by_definition(raw: &str) -> (String, bool, bool, bool) {
        let norm = raw.chars().flat_map(char::to_lowercase).collect();
        let cap = raw.chars().next().is_some_and(char::is_uppercase);
        let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
        let upper = letters >= 2 && !raw.chars().any(char::is_lowercase);
        let any_upper = raw.chars().any(char::is_uppercase);
        (norm, cap, upper, any_upper)
    }

    /// Text mixing the cases the tokenizer tells apart: plain words, joiners, clitics,
    /// digits, non-ASCII letters (with odd lower-case forms), spaces and newlines.
    fn texty() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            prop::sample::select(vec![
                "Russia",
                "USA",
                "iSrael",
                "McCain",
                "US",
                "a",
                "I",
                "x9",
                "3D",
                "2008",
                "the",
                "didn't",
                "DON'T",
                "n't",
                "'s",
                "'",
                "''",
                "Shi'ite",
                "U.S.",
                "a.m.",
                "1.2",
                "70,000",
                ",",
                ".",
                "-",
                "--",
                "&",
                "R&D",
                "Jong-Un",
                "end.Next",
                "\"",
                "(",
                ")",
                "!",
                "?",
                ":",
                " ",
                "  ",
                "\n",
                "\n\n",
                "\t",
                "\u{b}",
                "\u{1}",
                "É",
                "élysée",
                "ΣΟΦΙΑ",
                "İ",
                "\u{212a}",
                "ß",
                "ǅ",
                "Ⅻ",
                "日本",
                "\u{a0}",
                "\u{2028}",
            ])
            .prop_map(str::to_string),
            "[a-zA-Z0-9]{1,8}",
            "[a-zA-Z0-9]{7,20}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    #[test]
    fn haystack_holds_the_definitions() {
        use proptest::prelude::*;
        proptest!(|(s in texty())| {
            let t = tokenize(&s);
            let mut hay = String::new();
            for (i, tok) in t.toks.iter().enumerate() {
                let raw = &s[tok.start as usize..tok.end as usize];
                let (norm, cap, upper, any_upper) = by_definition(raw);
                let not = t.norm(i) == "not" && raw.eq_ignore_ascii_case("n't");
                prop_assert!(t.norm(i) == norm || not, "{raw:?} -> {:?}", t.norm(i));
                prop_assert_eq!((tok.cap, tok.upper, tok.any_upper), (cap, upper, any_upper));
                hay.push(' ');
                prop_assert_eq!(tok.norm_start as usize, hay.len());
                hay.push_str(t.norm(i));
                hay.push(' ');
            }
            prop_assert_eq!(hay, t.norm);
        });
    }

    /// Tokens by the general path alone ([`Builder::push_next`] at every position).
    fn general_tokens(s: &str) -> (String, Vec<u8>) {
        let mut general = Builder {
            toks: Vec::new(),
            norm: Vec::new(),
        };
        let (mut i, mut nl) = (0, 0);
        while i < s.len() {
            i = general.push_next(s, i, &mut nl);
        }
        (format!("{:?}", general.toks), general.norm)
    }

    /// Words of 0 to 20 letters and digits (around the 8-byte chunks of the fast path),
    /// after 0 to 9 spaces, before what may end or join them.
    fn chunky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = (
            " {0,9}",
            "[a-zA-Z0-9]{0,20}",
            prop::sample::select(vec![
                "", " ", "  ", ".", ". ", "-", "-x", "'", "'s", ",", ",5", "&", "&b", "\n",
                "\u{e9}", "\u{0}", "x\u{e9}", "!", "\"", "(",
            ]),
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}"));
        prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
    }

    #[test]
    fn fast_paths_agree_with_the_general_one() {
        use proptest::prelude::*;
        let builder = || Builder {
            toks: Vec::new(),
            norm: Vec::new(),
        };
        let check = |s: &str| -> Result<(), TestCaseError> {
            // the whole text
            let t = tokenize(s);
            let (toks, norm) = general_tokens(s);
            prop_assert_eq!(format!("{:?}", t.toks), toks);
            prop_assert_eq!(t.norm.as_bytes(), &norm[..]);
            // a run from every char boundary, against the general path up to its end
            let b = s.as_bytes();
            for i in (0..b.len()).filter(|&i| s.is_char_boundary(i)) {
                let mut fast = builder();
                let (j, nl) = fast.push_plain_run(b, i, 1);
                prop_assert!(j >= i && s.is_char_boundary(j));
                let mut general = builder();
                let (mut k, mut gnl) = (i, 1);
                while k < j {
                    k = general.push_next(s, k, &mut gnl);
                }
                prop_assert_eq!(k, j);
                prop_assert_eq!(nl, gnl);
                prop_assert_eq!(format!("{:?}", fast.toks), format!("{:?}", general.toks));
                prop_assert_eq!(fast.norm, general.norm);
                // one-byte punctuation in `push_next`
                if b[i].is_ascii_punctuation() && b[i] != b'\'' {
                    let mut fast = builder();
                    prop_assert_eq!(fast.push_next(s, i, &mut 1), i + 1);
                    let mut general = builder();
                    general.push(s, i, i + 1, Kind::Punct, 1);
                    prop_assert_eq!(format!("{:?}", fast.toks), format!("{:?}", general.toks));
                    prop_assert_eq!(fast.norm, general.norm);
                }
            }
            Ok(())
        };
        proptest!(|(s in texty())| check(&s)?);
        proptest!(|(s in chunky())| check(&s)?);
    }

    /// The byte classes of [`Classes`], byte by byte.
    fn classes_by_bytes(x: u64) -> (Classes, u64) {
        let (mut alnum, mut letter, mut upper, mut lowered) = (0, 0, 0, 0);
        for (k, c) in x.to_le_bytes().into_iter().enumerate() {
            let bit = 0x80u64 << (8 * k);
            alnum |= if c.is_ascii_alphanumeric() { bit } else { 0 };
            letter |= if c.is_ascii_alphabetic() { bit } else { 0 };
            upper |= if c.is_ascii_uppercase() { bit } else { 0 };
            lowered |= u64::from(c.to_ascii_lowercase()) << (8 * k);
        }
        let cl = Classes {
            alnum,
            letter,
            upper,
        };
        (cl, lowered)
    }

    #[test]
    fn chunk_classes_agree_with_the_byte_tests() {
        use proptest::prelude::*;
        let check = |x: u64| {
            let cl = Classes::of(x);
            assert_eq!((cl, cl.lowered(x)), classes_by_bytes(x), "{x:#018x}");
        };
        // every byte value in every position, among a few neighbours
        for c in 0..=255u64 {
            for k in 0..8 {
                for fill in [0x00u8, 0xff, 0x80, 0x7f, b'a', b'Z', b'0', b' ', b'@', b'['] {
                    let x = u64::from_le_bytes([fill; 8]) & !(0xff << (8 * k)) | (c << (8 * k));
                    check(x);
                }
            }
        }
        proptest!(|(x in any::<u64>())| check(x));
    }

    #[test]
    fn loads_pad_with_zeros() {
        let b = b"abcdefghij";
        for i in 0..=b.len() + 2 {
            let mut want = [0u8; 8];
            for (k, w) in want.iter_mut().enumerate() {
                *w = b.get(i + k).copied().unwrap_or(0);
            }
            assert_eq!(load8(b, i), u64::from_le_bytes(want), "{i}");
        }
    }
}

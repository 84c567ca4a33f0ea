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
    let mut out = Tokens {
        toks: Vec::with_capacity(text.len() / 5 + 1),
        norm: String::with_capacity(text.len() + text.len() / 3),
        ids: Vec::new(),
        flags: Vec::new(),
    };
    let b = text.as_bytes();
    let mut i = 0;
    let mut newlines: u8 = 0;
    while i < text.len() {
        if b[i] == b' ' {
            // the commonest byte: a plain space
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if c.is_whitespace() {
            if c == '\n' {
                newlines = newlines.saturating_add(1).min(2);
            }
            i += c.len_utf8();
            continue;
        }
        if is_word_char(c) {
            let start = i;
            let mut j = i + c.len_utf8();
            let mut has_dot = false;
            while j < text.len() {
                // ASCII letters and digits in one tight loop
                while b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
                    j += 1;
                }
                if j >= text.len() {
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
                    ',' if b[j - 1].is_ascii_digit()
                        && next.is_some_and(|n| n.is_ascii_digit()) =>
                    {
                        j += 1
                    }
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
            let word = &text[start..j];
            // "didn't" -> "did" "n't"
            let wb = word.as_bytes();
            if wb.len() > 3 && wb[wb.len() - 3..].eq_ignore_ascii_case(b"n't") {
                let split = start + wb.len() - 3;
                push(&mut out, text, start, split, Kind::Word, newlines);
                push_norm(&mut out, text, split, j, Kind::Word, "not", 0);
            } else {
                let kind = if c.is_ascii_digit() {
                    Kind::Number
                } else {
                    Kind::Word
                };
                push(&mut out, text, start, j, kind, newlines);
            }
            newlines = 0;
            i = j;
            continue;
        }
        if c == '\'' {
            // clitic after a word: 's 're ...
            let rest = &text[i + 1..];
            let after_word = out
                .toks
                .last()
                .is_some_and(|t| t.end as usize == i && t.kind != Kind::Punct);
            if after_word {
                let len = clitic_len(rest);
                if let Some(len) = len {
                    push(&mut out, text, i, i + 1 + len, Kind::Word, newlines);
                    newlines = 0;
                    i += 1 + len;
                    continue;
                }
            }
        }
        push(&mut out, text, i, i + c.len_utf8(), Kind::Punct, newlines);
        newlines = 0;
        i += c.len_utf8();
    }
    out
}

fn push(out: &mut Tokens, text: &str, s: usize, e: usize, kind: Kind, nl: u8) {
    push_with(out, text, s, e, kind, None, nl);
}

fn push_norm(out: &mut Tokens, text: &str, s: usize, e: usize, kind: Kind, norm: &str, nl: u8) {
    push_with(out, text, s, e, kind, Some(norm), nl);
}

/// Appends a token; its lower-case form is `norm`, or the text lower-cased in place.
fn push_with(
    out: &mut Tokens,
    text: &str,
    s: usize,
    e: usize,
    kind: Kind,
    norm: Option<&str>,
    nl: u8,
) {
    let raw = &text[s..e];
    let (mut cap, mut any_upper, mut any_lower, mut letters) = (false, false, false, 0usize);
    out.norm.push(' ');
    let ns = out.norm.len();
    if raw.is_ascii() {
        let rb = raw.as_bytes();
        // branch-free counts (the loop vectorises)
        let (mut ups, mut lows) = (0u32, 0u32);
        for &c in rb {
            ups += u32::from(c.wrapping_sub(b'A') < 26);
            lows += u32::from(c.wrapping_sub(b'a') < 26);
        }
        cap = rb.first().is_some_and(u8::is_ascii_uppercase);
        any_upper = ups > 0;
        any_lower = lows > 0;
        letters = (ups + lows) as usize;
        if norm.is_none() {
            let start = out.norm.len();
            out.norm.push_str(raw);
            if ups > 0 {
                // ASCII lower-casing keeps the string valid UTF-8
                out.norm[start..].make_ascii_lowercase();
            }
        }
    } else {
        push_unicode(
            out,
            raw,
            norm.is_none(),
            &mut cap,
            &mut any_upper,
            &mut any_lower,
            &mut letters,
        );
    }
    if let Some(n) = norm {
        out.norm.push_str(n);
    }
    let ne = out.norm.len();
    out.norm.push(' ');
    out.toks.push(Token {
        start: s as u32,
        end: e as u32,
        norm_start: ns as u32,
        norm_end: ne as u32,
        kind,
        cap,
        upper: letters >= 2 && !any_lower,
        any_upper,
        newlines_before: nl,
    });
}

fn push_unicode(
    out: &mut Tokens,
    raw: &str,
    lower: bool,
    cap: &mut bool,
    any_upper: &mut bool,
    any_lower: &mut bool,
    letters: &mut usize,
) {
    for (k, c) in raw.chars().enumerate() {
        let up = c.is_uppercase();
        if k == 0 {
            *cap = up;
        }
        *any_upper |= up;
        *any_lower |= c.is_lowercase();
        *letters += usize::from(c.is_alphabetic());
        if lower {
            out.norm.extend(c.to_lowercase());
        }
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
}

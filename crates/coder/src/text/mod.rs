//! Text handling: cleaning, tokens with byte spans, sentences and datelines.
//!
//! Everything here keeps offsets: a token's span is in the cleaned text, and
//! [`clean::Cleaned::original`] maps it back to the raw article text.

pub mod clean;
pub mod tokens;

use tokens::{Kind, Token, Tokens};

/// A sentence: a token range and its byte span in the cleaned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end_tok: usize,
}

/// One analysed text field: cleaned text, tokens, sentences and dateline.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Cleaned text and offset map.
    pub cleaned: clean::Cleaned,
    /// Tokens of the cleaned text.
    pub tokens: Tokens,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Token range `[a, b)` of the dateline (`MOSCOW, Russia (Reuters) -`), if any.
    pub dateline: Option<(usize, usize)>,
    /// The dateline's place as written (`MOSCOW, Russia`).
    pub place: Option<String>,
}

impl Document {
    /// Byte span `[start, end)` of a sentence in the original (raw) text.
    pub fn original_span(&self, s: &Sentence) -> (usize, usize) {
        if s.first >= s.end_tok {
            return (0, 0);
        }
        let a = self.tokens.toks[s.first].start as usize;
        let b = self.tokens.toks[s.end_tok - 1].end as usize;
        let oa = self.cleaned.original(a);
        // map the last byte, then step past it in the original
        let ob = if b == 0 { 0 } else { self.cleaned.original(b) };
        (oa, ob.max(oa))
    }

    /// Is token `i` part of the dateline?
    pub fn in_dateline(&self, i: usize) -> bool {
        self.dateline.is_some_and(|(a, b)| i >= a && i < b)
    }
}

/// Cleans, tokenises and sentence-splits one raw text field.
pub fn analyze(raw: &str) -> Document {
    let mut doc = Document::default();
    analyze_into(&mut doc, raw);
    doc
}

/// [`analyze`] into `doc`, reusing its buffers: `doc` ends up as `analyze(raw)` would
/// make it (nothing of its previous contents is kept but the buffers' capacity; the
/// token ids and flags are left empty, as in a fresh analysis). For coding many
/// articles without allocating the text buffers anew for each.
pub fn analyze_into(doc: &mut Document, raw: &str) {
    clean::clean_into(&mut doc.cleaned, raw);
    tokens::tokenize_into(&mut doc.tokens, &doc.cleaned.text);
    split_sentences(&doc.tokens, &mut doc.sentences);
    doc.dateline = None;
    doc.place = None;
    find_dateline(doc);
}

/// Abbreviations whose period does not end a sentence.
/// (A `match` on the string: its length first, then a few comparisons.)
fn is_abbreviation(w: &str) -> bool {
    matches!(
        w,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "gen"
            | "col"
            | "lt"
            | "sgt"
            | "capt"
            | "maj"
            | "sen"
            | "rep"
            | "gov"
            | "pres"
            | "prof"
            | "st"
            | "rev"
            | "hon"
            | "adm"
            | "cmdr"
            | "cpl"
            | "pvt"
            | "brig"
            | "insp"
            | "supt"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "no"
            | "nos"
            | "vs"
            | "v"
            | "inc"
            | "corp"
            | "co"
            | "ltd"
            | "jr"
            | "sr"
            | "mt"
            | "ft"
            | "est"
            | "approx"
            | "dept"
            | "univ"
            | "assn"
            | "bros"
            | "fig"
            | "op"
            | "vol"
            | "pp"
            | "ca"
            | "cf"
            | "al"
    )
}

/// Words that start a new sentence after a dotted acronym ("... in the U.S. The ...").
/// (A `match` on the string: its length first, then a few comparisons.)
fn is_sentence_starter(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "he"
            | "she"
            | "it"
            | "they"
            | "we"
            | "i"
            | "but"
            | "and"
            | "in"
            | "on"
            | "at"
            | "this"
            | "that"
            | "these"
            | "those"
            | "there"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "if"
            | "when"
            | "while"
            | "after"
            | "before"
            | "however"
            | "meanwhile"
            | "officials"
            | "earlier"
            | "later"
    )
}

/// Is the lower-case form of token `i` one of the one-byte strings in `set`? (The same
/// as comparing [`Tokens::norm`] with each of them, without slicing the haystack.)
fn norm_is(t: &Tokens, i: usize, set: &[u8]) -> bool {
    let tok = &t.toks[i];
    tok.norm_end - tok.norm_start == 1 && set.contains(&t.norm.as_bytes()[tok.norm_start as usize])
}

/// Is token `i` terminal punctuation (`.`, `!` or `?`)?
fn is_terminal(t: &Tokens, i: usize) -> bool {
    norm_is(t, i, b".!?")
}

/// Splits the tokens into sentences, in `out` (cleared first).
fn split_sentences(t: &Tokens, out: &mut Vec<Sentence>) {
    let n = t.len();
    out.clear();
    let mut first = 0;
    let mut i = 0;
    while i < n {
        // skip the tokens that cannot end a sentence, in a tight loop
        i += t.toks[i..]
            .windows(2)
            .take_while(|pair| !may_end_between(&t.norm, &pair[0], &pair[1]))
            .count();
        // a break before token i+1?
        let mut cut = None;
        if is_terminal(t, i) {
            // swallow closing quotes / brackets / further terminals
            let mut j = i + 1;
            while j < n && norm_is(t, j, b"\"').!?") && t.toks[j].newlines_before == 0 {
                j += 1;
            }
            if j >= n {
                cut = Some(n);
            } else if boundary_after_period(t, i, j) {
                cut = Some(j);
            }
        } else if let Some(next) = t.toks.get(i + 1) {
            let tok = &t.toks[i];
            if next.newlines_before >= 2 || (next.newlines_before == 1 && newline_breaks(t, i)) {
                cut = Some(i + 1);
            } else if tok.kind == Kind::Word
                && tok.norm_end - tok.norm_start > 2
                && t.norm.as_bytes()[tok.norm_end as usize - 1] == b'.'
            {
                // dotted acronym at a sentence end: "... in the U.S. The ..."
                if next.cap && is_sentence_starter(t.norm(i + 1)) {
                    cut = Some(i + 1);
                }
            }
        }
        match cut {
            Some(c) => {
                if c > first {
                    out.push(Sentence { first, end_tok: c });
                }
                first = c;
                i = c;
            }
            None => i += 1,
        }
    }
    if first < n {
        out.push(Sentence { first, end_tok: n });
    }
}

/// Can a sentence end between the tokens `tok` and `next` (`norm` is the haystack)?
/// Only after terminal punctuation, before a newline, or after a dotted acronym: the
/// cases [`split_sentences`] examines.
fn may_end_between(norm: &str, tok: &Token, next: &Token) -> bool {
    let len = tok.norm_end - tok.norm_start;
    let last = norm.as_bytes()[tok.norm_end as usize - 1];
    // (`.`, `!` or `?` alone, or a word ending in `.`: both end in one of the three)
    next.newlines_before > 0
        || (matches!(last, b'.' | b'!' | b'?')
            && (len == 1 || (last == b'.' && len > 2 && tok.kind == Kind::Word)))
}

/// Is the period at token `p` (next real token at `j`) a sentence end?
fn boundary_after_period(t: &Tokens, p: usize, j: usize) -> bool {
    let next = &t.toks[j];
    if next.newlines_before > 0 {
        return true;
    }
    if !norm_is(t, p, b".") {
        // ! and ?: end unless followed by a lower-case word
        return next.kind != Kind::Word || next.cap;
    }
    if p > 0 {
        let prev = t.norm(p - 1);
        let prev_tok = &t.toks[p - 1];
        // initials "George W. Bush", "N. Korea"
        if prev_tok.kind == Kind::Word && prev.chars().count() == 1 && prev_tok.cap {
            return false;
        }
        if prev_tok.end == t.toks[p].start && is_abbreviation(prev) {
            return false;
        }
    }
    match next.kind {
        Kind::Word => next.cap,
        Kind::Number => true,
        Kind::Punct => norm_is(t, j, b"\"'(["),
    }
}

/// Does a single newline after token `i` end the sentence? Yes after terminal punctuation
/// or a quote, or when a headline-like line (ending in a capitalised word) is followed by
/// a capitalised line; not inside a hard-wrapped sentence.
fn newline_breaks(t: &Tokens, i: usize) -> bool {
    let prev = &t.toks[i];
    let next = &t.toks[i + 1];
    if norm_is(t, i, b".!?\"':)") {
        return true;
    }
    if norm_is(t, i, b",;-") {
        return false;
    }
    let next_capish = next.cap || norm_is(t, i + 1, b"\"'(");
    next_capish && (prev.cap || prev.kind == Kind::Number || prev.kind == Kind::Punct)
}

/// Wire-service agencies that can stand alone as a dateline (`AFP -`).
/// (A `match` on the string: its length first, then a few comparisons.)
fn is_agency(w: &str) -> bool {
    matches!(
        w,
        "afp" | "ap" | "reuters" | "xinhua" | "ani" | "ians" | "upi" | "tass" | "bbc" | "cnn"
    )
}

/// Finds a dateline at the start of the document's first sentence:
/// `MOSCOW, Russia (UPDATED) -`, `BEIJING (Reuters) -`, `AFP -`, `ISLAMABAD:`,
/// `GUANTANAMO BAY NAVAL BASE, Cuba Aug. 26, 2004 -`, `Washington:`.
fn find_dateline(doc: &mut Document) {
    let t = &doc.tokens;
    if let Some(s) = doc.sentences.first() {
        let a = s.first;
        let limit = s.end_tok.min(a + 24);
        let mut i = a;
        let mut upper_words = 0;
        let mut cap_words = 0;
        let mut agency = false;
        let mut place_end = None;
        let mut depth = 0;
        while i < limit {
            let tok = &t.toks[i];
            let w = t.norm(i);
            if depth > 0 {
                if w == ")" {
                    depth -= 1;
                }
                if is_agency(w) {
                    agency = true;
                }
                i += 1;
                continue;
            }
            match tok.kind {
                Kind::Punct => match w {
                    "(" => {
                        place_end.get_or_insert(i);
                        depth += 1;
                    }
                    "," | "." => {}
                    "-" | ":" | "_" => {
                        // "--" is two "-" tokens
                        let mut end = i + 1;
                        while end < s.end_tok && t.norm(end) == "-" {
                            end += 1;
                        }
                        let colon_ok = w != ":" || upper_words > 0 || cap_words == 1;
                        let ok = (upper_words > 0 || agency || (w == ":" && cap_words == 1))
                            && colon_ok
                            && end < s.end_tok
                            && i > a;
                        if ok {
                            let pe = place_end.unwrap_or(i);
                            let place_tokens: Vec<usize> = (a..pe)
                                .filter(|&k| t.toks[k].kind != Kind::Number)
                                .collect();
                            let only_agency = place_tokens
                                .iter()
                                .all(|&k| is_agency(t.norm(k)) || t.toks[k].kind == Kind::Punct);
                            if !place_tokens.is_empty() && !only_agency {
                                let ps = t.toks[place_tokens[0]].start as usize;
                                let pe2 = t.toks[*place_tokens.last().unwrap_or(&a)].end as usize;
                                let txt = doc.cleaned.text[ps..pe2]
                                    .trim_end_matches([',', '.'])
                                    .to_string();
                                doc.place = Some(txt);
                            }
                            doc.dateline = Some((a, end));
                        }
                        return;
                    }
                    _ => return,
                },
                Kind::Number => {
                    place_end.get_or_insert(i);
                }
                Kind::Word => {
                    if is_agency(w) && (tok.upper || tok.cap) {
                        agency = true;
                    }
                    if tok.upper {
                        upper_words += 1;
                    } else if tok.cap {
                        cap_words += 1;
                        if is_month(w.trim_end_matches('.')) {
                            place_end.get_or_insert(i);
                        }
                    } else {
                        return;
                    }
                }
            }
            i += 1;
        }
    }
}

/// Month names and their abbreviations.
/// (A `match` on the string: its length first, then a few comparisons.)
fn is_month(w: &str) -> bool {
    matches!(
        w,
        "jan"
            | "january"
            | "feb"
            | "february"
            | "mar"
            | "march"
            | "apr"
            | "april"
            | "may"
            | "jun"
            | "june"
            | "jul"
            | "july"
            | "aug"
            | "august"
            | "sep"
            | "sept"
            | "september"
            | "oct"
            | "october"
            | "nov"
            | "november"
            | "dec"
            | "december"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(s: &str) -> Vec<String> {
        let d = analyze(s);
        d.sentences
            .iter()
            .map(|x| {
                let (a, b) = d.original_span(x);
                s[a..b].to_string()
            })
            .collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        let s = sents("Gen. Smith met Mr. Jones in the U.S. on Jan. 5. He said the U.N. would act. No. 10 agreed.");
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("Jan. 5."));
    }

    #[test]
    fn initials_and_quotes() {
        let s =
            sents("President George W. Bush spoke. \"We will win,\" he said. N. Korea refused.");
        assert_eq!(s.len(), 3, "{s:?}");
    }

    #[test]
    fn paragraphs_split() {
        let s = sents("Headline Here\nBody starts here and goes on.\n\nSecond paragraph");
        assert_eq!(s.len(), 3, "{s:?}");
    }

    #[test]
    fn reused_document_matches_a_fresh_one() {
        // longer, shorter, dateline, markup and non-ASCII texts in turn, into one Document
        let texts = [
            "MOSCOW, Russia (UPDATED) - Russia on Thursday slammed it. Gen. Smith met Mr. \
             Jones in the U.S. on Jan. 5.\n\nHe said the U.N. would act. No. 10 agreed.",
            "AFP - Short.",
            "",
            "Sudan &lt;b&gt;Peace&lt;/b&gt; <i>talks</i> \u{201C}resume\u{201D} in \
             \u{C9}lys\u{E9}e.\nShare\nComments\nmore",
            "ISLAMABAD: As the second round starts.",
            "Iran pledged yesterday - to suspend.",
        ];
        let mut doc = Document::default();
        for round in 0..2 {
            for text in texts {
                analyze_into(&mut doc, text);
                assert_eq!(
                    format!("{doc:?}"),
                    format!("{:?}", analyze(text)),
                    "round {round}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn datelines() {
        for (text, place) in [
            (
                "MOSCOW, Russia (UPDATED) - Russia on Thursday slammed it.",
                Some("MOSCOW, Russia"),
            ),
            ("BEIJING (Reuters) - China said.", Some("BEIJING")),
            ("AFP - Australia has turned down a plea.", None),
            ("ISLAMABAD: As the second round starts.", Some("ISLAMABAD")),
            (
                "GUANTANAMO BAY NAVAL BASE, Cuba Aug. 26, 2004 - In a turn.",
                Some("GUANTANAMO BAY NAVAL BASE, Cuba"),
            ),
            ("Washington: India is among the five.", Some("Washington")),
            ("WASHINGTON -- Iran pledged yesterday.", Some("WASHINGTON")),
        ] {
            let d = analyze(text);
            assert!(d.dateline.is_some(), "{text}");
            assert_eq!(d.place.as_deref(), place, "{text}");
        }
        let d = analyze("Iran pledged yesterday - to suspend.");
        assert!(d.dateline.is_none());
    }
}

//! Cleaning raw article text: HTML entities and tags, typographic normalisation and
//! scraping boilerplate, with a byte map back into the original text.

/// Text after cleaning, with the original byte offset of every cleaned byte.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// The cleaned text. Dropped regions (tags, boilerplate) become spaces or newlines.
    pub text: String,
    /// `map[i]` is the offset in the original text of cleaned byte `i`; one extra
    /// entry maps `text.len()` to the end of the original. Empty when the cleaned text
    /// has the same offsets as the original (plain ASCII without markup).
    pub map: Vec<u32>,
}

impl Cleaned {
    /// Original byte offset of a cleaned offset.
    pub fn original(&self, clean_offset: usize) -> usize {
        if self.map.is_empty() {
            return clean_offset.min(self.text.len());
        }
        self.map
            .get(clean_offset)
            .copied()
            .unwrap_or_else(|| self.map.last().copied().unwrap_or(0)) as usize
    }
}

/// Cleans `raw`: decodes HTML entities (twice, for double-escaped feeds), removes tags,
/// normalises quotes, dashes and spaces, and blanks out boilerplate lines.
pub fn clean(raw: &str) -> Cleaned {
    let mut out = Cleaned::default();
    clean_into(&mut out, raw);
    out
}

/// [`clean`] into `out`, reusing its buffers (nothing else of its contents is kept).
pub fn clean_into(out: &mut Cleaned, raw: &str) {
    out.text.clear();
    out.map.clear();
    // fast path: ASCII without entities, tags, tabs, CRs or `` '' quotes keeps its offsets
    // (a branch-free fold over the byte pairs: it vectorises, `any` does not); it also
    // notes newlines, so that one-line text is not searched for them again
    let bytes = raw.as_bytes();
    let (found, newline) = bytes.iter().zip(bytes.iter().skip(1)).fold(
        (false, false),
        |(found, newline), (&a, &b)| {
            (
                found | needs_cleaning(a) | (a == b'\'' && b == b'\''),
                newline | (a == b'\n'),
            )
        },
    );
    let plain = !found && !bytes.last().is_some_and(|&c| needs_cleaning(c));
    if plain {
        out.text.push_str(raw);
        // (`newline` leaves out the last byte: a final newline just ends the one line)
        blank_boilerplate(out, newline);
        return;
    }
    out.text.reserve(raw.len());
    out.map.reserve(raw.len() + 1);
    let mut i = 0;
    while i < raw.len() {
        // copy a run of bytes that stay as they are in one go
        let run = bytes[i..]
            .iter()
            .position(|&c| needs_cleaning(c) || c == b'\'')
            .unwrap_or(raw.len() - i);
        if run > 0 {
            // the run ends at an ASCII byte or the end, so on a char boundary
            out.text.push_str(&raw[i..i + run]);
            out.map.extend(i as u32..(i + run) as u32);
            i += run;
            continue;
        }
        let c = bytes[i];
        if c == b'&' {
            if let Some((decoded, len)) = decode_entity(&raw[i..]) {
                // `&lt;b&gt;` style escaped tags: decode, then let the tag pass see them.
                if decoded == '<' {
                    if let Some(len2) = escaped_tag_len(&raw[i..]) {
                        push_blank(out, i, b' ');
                        i += len2;
                        continue;
                    }
                }
                push_char(out, normalise(decoded), i);
                i += len;
                continue;
            }
        }
        if c == b'<' {
            if let Some(len) = tag_len(&raw[i..]) {
                let block = is_block_tag(&raw[i..i + len]);
                push_blank(out, i, if block { b'\n' } else { b' ' });
                i += len;
                continue;
            }
        }
        if c < 0x80 {
            // `` and '' as quotes (PTB-style text)
            if (c == b'`' || c == b'\'') && bytes.get(i + 1) == Some(&c) {
                push_char(out, '"', i);
                i += 2;
                continue;
            }
            out.text.push(if c == b'\t' || c == b'\r' {
                ' '
            } else {
                c as char
            });
            out.map.push(i as u32);
            i += 1;
            continue;
        }
        let ch = raw[i..].chars().next().unwrap_or(' ');
        push_char(out, normalise(ch), i);
        i += ch.len_utf8();
    }
    out.map.push(raw.len() as u32);
    blank_boilerplate(out, true);
}

/// Does byte `c` start something [`clean`] changes (non-ASCII, an entity, a tag, a
/// `` quote, a tab or CR)? (`'` too, when doubled.)
#[inline]
fn needs_cleaning(c: u8) -> bool {
    c >= 0x80 || matches!(c, b'&' | b'<' | b'`' | b'\t' | b'\r')
}

fn push_char(out: &mut Cleaned, ch: char, orig: usize) {
    let before = out.text.len();
    out.text.push(ch);
    for _ in before..out.text.len() {
        out.map.push(orig as u32);
    }
}

fn push_blank(out: &mut Cleaned, orig: usize, b: u8) {
    out.text.push(b as char);
    out.map.push(orig as u32);
}

/// Typographic normalisation: curly quotes to straight, dashes to `-`, odd spaces to ' '.
fn normalise(ch: char) -> char {
    match ch {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{00A0}'
        | '\u{2000}'..='\u{200B}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '\u{FEFF}' => ' ',
        '\u{2026}' => '.',
        _ => ch,
    }
}

fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let next = *b.get(1)?;
    if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
        return None;
    }
    let end = s[1..]
        .bytes()
        .take(400)
        .position(|c| c == b'>' || c == b'<')?;
    if b[1 + end] == b'<' {
        return None;
    }
    Some(end + 2)
}

fn escaped_tag_len(s: &str) -> Option<usize> {
    // "&lt;b&gt;" / "&lt;/b&gt;" / "&lt;br /&gt;"
    let rest = s.strip_prefix("&lt;")?;
    let b = rest.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return None;
    }
    let end = rest.get(..rest.len().min(200))?.find("&gt;")?;
    if rest[..end].contains(['<', '>', '&']) {
        return None;
    }
    Some(4 + end + 4)
}

fn is_block_tag(tag: &str) -> bool {
    let t = tag.trim_start_matches(['<', '/']).to_ascii_lowercase();
    [
        "p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "section", "article",
    ]
    .iter()
    .any(|b| {
        t.starts_with(b)
            && t[b.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// Decodes one entity at the start of `s`; returns the char and the entity's length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&c| c == b';')?;
    let name = &s[1..end];
    let ch = if let Some(num) = name.strip_prefix('#') {
        let v = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(v)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "rsquo" | "lsquo" | "sbquo" | "prime" => '\'',
            "rdquo" | "ldquo" | "bdquo" | "laquo" | "raquo" => '"',
            "mdash" | "ndash" | "minus" => '-',
            "hellip" => '.',
            "eacute" => 'é',
            "egrave" => 'è',
            "aacute" => 'á',
            "agrave" => 'à',
            "iacute" => 'í',
            "oacute" => 'ó',
            "uacute" => 'ú',
            "ntilde" => 'ñ',
            "ccedil" => 'ç',
            "ouml" => 'ö',
            "uuml" => 'ü',
            "auml" => 'ä',
            "szlig" => 'ß',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "pound" => '£',
            "euro" => '€',
            "deg" => '°',
            "middot" | "bull" => '·',
            _ => return None,
        }
    };
    Some((ch, end + 1))
}

/// Lines that are scraping furniture, never article text (compared lower-case, trimmed).
const BOILERPLATE_LINES: &[&str] = &[
    "add a comment",
    "sort by",
    "loading",
    "advertisement",
    "share",
    "share this",
    "share this article",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "comments",
    "related articles",
    "related stories",
    "related",
    "read more",
    "read next",
    "more stories",
    "recommended",
    "subscribe",
    "follow us",
    "how does this make you feel?",
    "summarize this article with ai",
    "click here",
    "sign up",
    "log in",
    "skip to content",
];

/// Line starts that mark a boilerplate line.
const BOILERPLATE_PREFIXES: &[&str] = &[
    "this is ai generated summarization",
    "there are no comments yet",
    "download the ",
    "sign up for ",
    "subscribe to ",
    "copyright ",
    "(c) ",
    "© ",
    "all rights reserved",
    "follow us on ",
    "click here to ",
    "read more:",
    "related:",
    "photo:",
    "image:",
    "file photo",
    "watch:",
    "listen:",
];

/// Lines after which everything is page furniture (comment widgets).
const TAIL_MARKERS: &[&str] = &["add a comment", "there are no comments yet", "comments"];

/// For each byte, the [`BOILERPLATE_PREFIXES`] that start with it (bit `k` for prefix
/// `k`): a line is compared with just those.
const PREFIXES_BY_FIRST_BYTE: [u32; 256] = prefixes_by_first_byte(BOILERPLATE_PREFIXES);

const LONGEST_LINE: usize = longest(BOILERPLATE_LINES);
const LONGEST_TAIL_MARKER: usize = longest(TAIL_MARKERS);

/// Length of the longest string in `list`.
const fn longest(list: &[&str]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < list.len() {
        if list[i].len() > max {
            max = list[i].len();
        }
        i += 1;
    }
    max
}

/// For each byte, the (non-empty) strings of `list` (at most 32) that start with it, as
/// bit `k` for `list[k]`.
const fn prefixes_by_first_byte(list: &[&str]) -> [u32; 256] {
    assert!(list.len() <= 32);
    let mut table = [0u32; 256];
    let mut k = 0;
    while k < list.len() {
        table[list[k].as_bytes()[0] as usize] |= 1 << k;
        k += 1;
    }
    table
}

/// Is `s` one of the lower-case strings of `list`, ignoring ASCII case? `longest` is
/// the length of the longest entry: most lines are longer and need no comparison.
fn is_one_of(list: &[&str], longest: usize, s: &str) -> bool {
    s.len() <= longest && list.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Does `s` start with the lower-case `prefix`, ignoring ASCII case?
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Blanks the boilerplate lines of `out`; `multi_line` is false when the text is one
/// line (has no newline before its last byte), which spares the search for newlines.
fn blank_boilerplate(out: &mut Cleaned, multi_line: bool) {
    // Work on lines of the cleaned text; blank whole lines (keep their newline).
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let text = &out.text;
    let mut tail_from: Option<usize> = None;
    let mut split = text.split_inclusive('\n');
    let mut whole = std::iter::once(text.as_str());
    let lines: &mut dyn Iterator<Item = &str> = if multi_line { &mut split } else { &mut whole };
    for line in lines {
        let end = start + line.len();
        let body = line.trim();
        // furniture lines are short; a long line is article text
        if !body.is_empty() && body.len() <= 160 {
            // The patterns are lower case. An ASCII line is compared ignoring ASCII case
            // (no lower-cased copy); any other line is lower-cased first.
            let lowered;
            let low_full = if body.is_ascii() {
                body
            } else {
                lowered = body.to_lowercase();
                lowered.as_str()
            };
            let low = low_full.trim_end_matches(['!', '.', ':']);
            // the prefixes that start with the line's first byte (lower-cased)
            let mut candidates = low.bytes().next().map_or(0, |c| {
                PREFIXES_BY_FIRST_BYTE[usize::from(c.to_ascii_lowercase())]
            });
            let mut prefixed = false;
            while candidates != 0 && !prefixed {
                let k = candidates.trailing_zeros() as usize;
                prefixed = starts_with_ignore_case(low, BOILERPLATE_PREFIXES[k]);
                candidates &= candidates - 1;
            }
            let furniture = is_one_of(BOILERPLATE_LINES, LONGEST_LINE, low)
                || prefixed
                || is_byline(body, low_full);
            if furniture {
                ranges.push((start, end));
            }
            if is_one_of(TAIL_MARKERS, LONGEST_TAIL_MARKER, low) && tail_from.is_none() && start > 0
            {
                tail_from = Some(start);
            }
        }
        start = end;
    }
    if let Some(t) = tail_from {
        ranges.push((t, text.len()));
    }
    if ranges.is_empty() {
        return;
    }
    // SAFETY of char boundaries: we replace every byte of whole lines (split at '\n',
    // which is ASCII) with ASCII spaces, so the string stays valid UTF-8.
    let mut bytes = std::mem::take(&mut out.text).into_bytes();
    for (s, e) in ranges {
        for b in &mut bytes[s..e] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    out.text = String::from_utf8(bytes).unwrap_or_default();
}

/// Lines that only name a wire agency (compared lower-case, whole).
const AGENCIES: &[&str] = &[
    "agence france-presse",
    "agence france presse",
    "afp",
    "reuters",
    "associated press",
    "the associated press",
    "ap",
];

/// A line that only names a wire agency or writer ("Agence France-Presse", "By Jane Doe");
/// `low` is `line`, lower-cased unless it is ASCII (it is compared ignoring ASCII case).
fn is_byline(line: &str, low: &str) -> bool {
    const LONGEST_AGENCY: usize = longest(AGENCIES);
    if is_one_of(AGENCIES, LONGEST_AGENCY, low) {
        return true;
    }
    if starts_with_ignore_case(low, "by ") {
        let words = low[3..].split_whitespace().count();
        return words <= 4
            && line
                .split_whitespace()
                .skip(1)
                .all(|w| w.starts_with(char::is_uppercase));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_tags() {
        let c = clean("Sudan Peace &lt;b&gt;...&lt;/b&gt; and <i>talks</i> &amp; more");
        assert!(!c.text.contains('<'), "{}", c.text);
        assert!(!c.text.contains("&lt;"), "{}", c.text);
        assert!(c.text.contains("talks"));
        assert!(c.text.contains("& more"));
        assert_eq!(c.map.len(), c.text.len() + 1);
    }

    #[test]
    fn curly_quotes_and_map() {
        let raw = "Russia\u{2019}s \u{201C}top\u{201D} diplomat";
        let c = clean(raw);
        assert_eq!(c.text, "Russia's \"top\" diplomat");
        let pos = c.text.find("diplomat").unwrap();
        assert_eq!(&raw[c.original(pos)..], "diplomat");
    }

    #[test]
    fn boilerplate_lines_blanked() {
        let raw = "Agence France-Presse\n\nThis is AI generated summarization, which may have errors.\n\nReal text here.\n\nAdd a comment\n\nSort by\nLoading\nDownload the Rappler App!";
        let c = clean(raw);
        assert!(c.text.contains("Real text here."));
        assert!(!c.text.contains("Agence"));
        assert!(!c.text.contains("AI generated"));
        assert!(!c.text.contains("Rappler App"));
        assert_eq!(c.text.len(), raw.len());
    }

    #[test]
    fn ptb_quotes() {
        let c = clean("condemned as`` unacceptable'' allegations");
        assert_eq!(c.text, "condemned as\" unacceptable\" allegations");
    }

    #[test]
    fn slow_path_maps_every_byte() {
        let c = clean("a ``b'' c's &x \u{2019}");
        assert_eq!(c.text, "a \"b\" c's &x '");
        assert_eq!(c.map, [0, 1, 2, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18]);
    }

    #[test]
    fn furniture_patterns_are_lower_case() {
        // ASCII lines are compared with them ignoring ASCII case
        for list in [
            BOILERPLATE_LINES,
            BOILERPLATE_PREFIXES,
            TAIL_MARKERS,
            AGENCIES,
        ] {
            for p in list {
                assert_eq!(*p, p.to_lowercase());
            }
        }
    }

    #[test]
    fn prefixes_are_found_by_first_byte() {
        for c in 0..=255u8 {
            for (k, p) in BOILERPLATE_PREFIXES.iter().enumerate() {
                let listed = PREFIXES_BY_FIRST_BYTE[usize::from(c)] & (1 << k) != 0;
                assert_eq!(listed, p.as_bytes()[0] == c, "{c} {p:?}");
            }
        }
    }

    #[test]
    fn furniture_in_any_case() {
        for line in [
            "SHARE THIS ARTICLE",
            "Read More: the rest",
            "BY JANE DOE",
            "AGENCE FRANCE-PRESSE",
            "CLICK HERE!",
            "SIGN UP FOR \u{c9}DITIONS",
            "Copyright \u{c9}ditions 2020",
            "\u{a9} AFP",
        ] {
            let raw = format!("Real text here.\n{line}\nMore real text.");
            let c = clean(&raw);
            assert!(!c.text.contains(line), "{line:?} kept");
            assert!(c.text.contains("Real text here.") && c.text.contains("More real text."));
        }
        for line in [
            "Read more of it",
            "Sharing",
            "by jane doe",
            "Related stories of war",
        ] {
            let raw = format!("Real text here.\n{line}\n");
            assert_eq!(clean(&raw).text, raw, "{line:?} blanked");
        }
    }

    #[test]
    fn one_line_needs_no_search() {
        for text in ["Share", "Share\n", "Real text.", "", "\n", "Comments\n"] {
            let mut one = Cleaned {
                text: text.to_string(),
                map: Vec::new(),
            };
            let mut lines = one.clone();
            blank_boilerplate(&mut one, false);
            blank_boilerplate(&mut lines, true);
            assert_eq!(one.text, lines.text, "{text:?}");
        }
    }
}

//! Property tests: any input codes without panicking, and every span points inside
//! the text it names.

use demarche_coder::{text, Article, Coder};
use proptest::prelude::*;
use std::sync::OnceLock;

fn coder() -> &'static Coder {
    static C: OnceLock<Coder> = OnceLock::new();
    C.get_or_init(|| Coder::with_defaults().expect("default dictionaries load"))
}

/// Text built from news-like pieces, markup and arbitrary characters.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Russia".to_string()),
        Just("the United Nations".to_string()),
        Just(" slammed ".to_string()),
        Just(" was attacked by ".to_string()),
        Just("President Vladimir Putin".to_string()),
        Just("'s ".to_string()),
        Just(" on Tuesday, November 18, ".to_string()),
        Just(" and ".to_string()),
        Just(". ".to_string()),
        Just("\n\n".to_string()),
        Just("&lt;b&gt;".to_string()),
        Just("<p>".to_string()),
        Just("&amp;".to_string()),
        Just("\u{201C}".to_string()),
        Just("U.S.".to_string()),
        Just("MOSCOW (Reuters) - ".to_string()),
        Just(" he ".to_string()),
        Just(" did not ".to_string()),
        "\\PC{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_and_spans_are_inside(body in newsy(), title in proptest::option::of(newsy())) {
        let mut a = Article::new("p", body.clone());
        a.title = title.clone();
        a.published_at = chrono::NaiveDate::from_ymd_opt(2014, 11, 20);
        for e in coder().code(&a) {
            let field = if e.sentence.field == "title" { title.as_deref().unwrap_or("") } else { body.as_str() };
            prop_assert!(e.sentence.start <= e.sentence.end && e.sentence.end <= field.len());
            prop_assert_eq!(field.get(e.sentence.start..e.sentence.end), Some(e.sentence.text.as_str()));
            prop_assert!(!e.source.code.is_empty());
            prop_assert!(demarche_coder::cameo::is_valid(&e.action.code));
        }
    }

    #[test]
    fn token_and_sentence_spans_are_char_boundaries(s in any::<String>()) {
        let d = text::analyze(&s);
        for tok in &d.tokens.toks {
            prop_assert!(d.cleaned.text.is_char_boundary(tok.start as usize));
            prop_assert!(d.cleaned.text.is_char_boundary(tok.end as usize));
        }
        for sent in &d.sentences {
            let (a, b) = d.original_span(sent);
            prop_assert!(a <= b && b <= s.len());
            prop_assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
        }
    }
}

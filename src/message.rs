//! Wire formats: input articles (JSON objects) and output events (JSON, one per line).
//!
//! The same decoding serves JSONL lines (offline) and Kafka message values (worker):
//! the caller supplies the fallback id (line number, or `topic/partition/offset`).

use demarche_coder::{parse_published, Article, Event};
use serde_json::{Map, Value};

/// How input articles are decoded.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Field holding the article body (`text`, or e.g. `body`).
    pub text_field: String,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            text_field: "text".to_string(),
        }
    }
}

/// A decoded article, with what was wrong but not fatal.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The article.
    pub article: Article,
    /// Non-fatal problems (an unparseable `published_at`, treated as absent).
    pub warnings: Vec<String>,
}

/// Why an input message is not an article.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON (or not UTF-8).
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not an object.
    #[error("expected a JSON object, found {0}")]
    NotObject(&'static str),
    /// The body field is absent.
    #[error("missing field `{0}`")]
    MissingText(String),
    /// A field that must be a string is not.
    #[error("field `{field}` must be a string, found {found}")]
    NotString {
        /// The field.
        field: String,
        /// JSON type found instead.
        found: &'static str,
    },
    /// `id` is neither a string nor a number.
    #[error("field `id` must be a string or a number, found {0}")]
    BadId(&'static str),
    /// The coder failed on the article (a bug; the panic message is kept).
    #[error("the coder failed on this article: {0}")]
    Coding(String),
}

/// Runs the coder on one article, turning a panic into an error: a bug the article
/// triggers must not stop a worker (it would fail again on every restart) or a batch
/// run. The panic's message is returned.
pub fn code_guarded<T>(code: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(code)).map_err(|p| {
        if let Some(s) = p.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = p.downcast_ref::<String>() {
            s.clone()
        } else {
            "panic".to_string()
        }
    })
}

/// Decodes one article from a JSON object. `fallback_id` gives the id when the object
/// has none (or a null one). A trailing newline and a UTF-8 byte-order mark are ignored.
pub fn decode_article(
    bytes: &[u8],
    opts: &DecodeOptions,
    fallback_id: impl FnOnce() -> String,
) -> Result<Decoded, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes)?;
    let Value::Object(mut obj) = value else {
        return Err(DecodeError::NotObject(type_name(&value)));
    };
    let text = match obj.remove(&opts.text_field) {
        None | Some(Value::Null) => return Err(DecodeError::MissingText(opts.text_field.clone())),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(DecodeError::NotString {
                field: opts.text_field.clone(),
                found: type_name(&other),
            })
        }
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => fallback_id(),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(DecodeError::BadId(type_name(&other))),
    };
    let mut warnings = Vec::new();
    let published_at = match obj.remove("published_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let date = parse_published(&s);
            if date.is_none() {
                warnings.push(format!(
                    "unparseable published_at {s:?} (expected RFC 3339 or YYYY-MM-DD); treated as absent"
                ));
            }
            date
        }
        Some(other) => {
            warnings.push(format!(
                "published_at must be a string, found {}; treated as absent",
                type_name(&other)
            ));
            None
        }
    };
    Ok(Decoded {
        article: Article {
            id,
            title: optional_string(&mut obj, "title")?,
            text,
            published_at,
            url: optional_string(&mut obj, "url")?,
            source: optional_string(&mut obj, "source")?,
            language: optional_string(&mut obj, "language")?,
        },
        warnings,
    })
}

/// Appends one event as a JSON line (with its `\n`).
pub fn encode_event(event: &Event, out: &mut Vec<u8>) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *out, event)?;
    out.push(b'\n');
    Ok(())
}

fn optional_string(
    obj: &mut Map<String, Value>,
    field: &str,
) -> Result<Option<String>, DecodeError> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(DecodeError::NotString {
            field: field.to_string(),
            found: type_name(&other),
        }),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panicking_coder_becomes_an_error_with_its_message() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let word = String::from("boom");
        let r: Result<u8, String> = super::code_guarded(|| panic!("coder {word}"));
        let s: Result<u8, String> = super::code_guarded(|| std::panic::panic_any(7u32));
        std::panic::set_hook(quiet);
        assert_eq!(r, Err("coder boom".to_string()));
        assert_eq!(s, Err("panic".to_string()));
        assert_eq!(super::code_guarded(|| 3), Ok(3));
    }

    use super::*;

    fn decode(line: &str) -> Result<Decoded, DecodeError> {
        decode_article(line.as_bytes(), &DecodeOptions::default(), || {
            "7".to_string()
        })
    }

    #[test]
    fn full_article() {
        let d = decode(
            r#"{"id":"a1","title":"T","text":"Body.","published_at":"2014-11-20T08:00:00Z",
                "url":"http://x","source":"AFP","language":"en","extra":1}"#,
        )
        .unwrap();
        assert!(d.warnings.is_empty());
        let a = d.article;
        assert_eq!(a.id, "a1");
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.text, "Body.");
        assert_eq!(a.published_at.unwrap().to_string(), "2014-11-20");
        assert_eq!(a.url.as_deref(), Some("http://x"));
        assert_eq!(a.source.as_deref(), Some("AFP"));
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    #[test]
    fn ids() {
        assert_eq!(decode(r#"{"text":"x"}"#).unwrap().article.id, "7");
        assert_eq!(decode(r#"{"text":"x","id":null}"#).unwrap().article.id, "7");
        assert_eq!(decode(r#"{"text":"x","id":42}"#).unwrap().article.id, "42");
        assert!(matches!(
            decode(r#"{"text":"x","id":[1]}"#),
            Err(DecodeError::BadId(_))
        ));
    }

    #[test]
    fn text_field_option() {
        let opts = DecodeOptions {
            text_field: "body".to_string(),
        };
        let d = decode_article(br#"{"body":"B","text":"T"}"#, &opts, String::new).unwrap();
        assert_eq!(d.article.text, "B");
        let err = decode_article(br#"{"text":"T"}"#, &opts, String::new).unwrap_err();
        assert_eq!(err.to_string(), "missing field `body`");
    }

    #[test]
    fn malformed() {
        assert!(matches!(decode("{not json"), Err(DecodeError::Json(_))));
        assert!(matches!(
            decode("[1,2]"),
            Err(DecodeError::NotObject("an array"))
        ));
        assert!(matches!(
            decode(r#"{"title":"x"}"#),
            Err(DecodeError::MissingText(_))
        ));
        let err = decode(r#"{"text":5}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `text` must be a string, found a number"
        );
        assert!(matches!(
            decode(r#"{"text":"x","title":{}}"#),
            Err(DecodeError::NotString { .. })
        ));
        assert!(matches!(
            decode_article(
                b"{\"text\":\"\xff\"}",
                &DecodeOptions::default(),
                String::new
            ),
            Err(DecodeError::Json(_))
        ));
    }

    #[test]
    fn bad_dates_are_warnings() {
        let d = decode(r#"{"text":"x","published_at":"last week"}"#).unwrap();
        assert_eq!(d.article.published_at, None);
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].contains("last week"));
        let d = decode(r#"{"text":"x","published_at":20141120}"#).unwrap();
        assert_eq!(d.article.published_at, None);
        assert_eq!(d.warnings.len(), 1);
        let d = decode(r#"{"text":"x","published_at":"2014-11-20"}"#).unwrap();
        assert!(d.warnings.is_empty());
        assert!(d.article.published_at.is_some());
    }

    #[test]
    fn bom_and_crlf() {
        let d = decode_article(
            b"\xEF\xBB\xBF{\"text\":\"x\"}\r\n",
            &DecodeOptions::default(),
            String::new,
        )
        .unwrap();
        assert_eq!(d.article.text, "x");
    }

    #[test]
    fn event_round_trip() {
        let coder = demarche_coder::Coder::with_defaults().unwrap();
        let events = coder.code(&Article::new(
            "a",
            "Russia on Thursday condemned the United Nations.",
        ));
        assert!(!events.is_empty());
        let mut out = Vec::new();
        encode_event(&events[0], &mut out).unwrap();
        assert_eq!(out.last(), Some(&b'\n'));
        let back: Event = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, events[0]);
    }
}

//! The output: coded events, in the `demarche.event/1` schema of CONTRACT.md.

pub use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A text field that is usually one of the coder's fixed strings (a schema tag, a
/// label, a PLOVER type), so it is borrowed rather than copied into every event;
/// read it as a `&str`.
pub type Text = Cow<'static, str>;

/// A short text field (a code, a date): kept inline, up to 24 bytes, with no heap
/// allocation; read it as a `&str`.
pub type Short = CompactString;

/// Schema tag written into every event.
pub const SCHEMA: &str = "demarche.event/1";

/// One coded event: who did what to whom, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Always [`SCHEMA`].
    pub schema: Text,
    /// Stable id: the same article and the same coded event give the same id.
    pub event_id: String,
    /// The article's id.
    pub article_id: Short,
    /// Event date `YYYY-MM-DD`, or null when neither the text nor the article dates it.
    pub date: Option<Short>,
    /// Who acted.
    pub source: ActorRef,
    /// At whom; null when the act has no coded target.
    pub target: Option<ActorRef>,
    /// What was done.
    pub action: Action,
    /// PLOVER type (and mode) of the action.
    pub plover: PloverRef,
    /// Where in the article.
    pub sentence: SentenceRef,
    /// Source URL of the article, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher of the article, when given.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "publisher")]
    pub publisher: Option<String>,
}

/// A coded actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    /// Full CAMEO actor code (`RUSGOV`, `IGOUNO`).
    pub code: Short,
    /// The country part (3 letters), null for international actors.
    pub country: Option<Short>,
    /// The first role code after the country (`GOV`, `MIL`), if any.
    pub agent: Option<Short>,
    /// The text that named the actor.
    pub text: Short,
}

/// The coded action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// CAMEO event code (3 or 4 digits).
    pub code: Short,
    /// First two digits of the code.
    pub root: Text,
    /// Short label of the code.
    pub label: Text,
    /// The trigger words in the text.
    pub text: Short,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    pub quad_class: u8,
    /// Goldstein conflict-cooperation value, -10 .. +10.
    pub goldstein: f32,
}

/// PLOVER type and mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PloverRef {
    /// PLOVER event type (`ACCUSE`, `CONSULT`), null where PLOVER has none.
    #[serde(rename = "type")]
    pub event_type: Option<Text>,
    /// PLOVER mode, when the CAMEO code implies one.
    pub mode: Option<Text>,
}

/// The sentence an event was coded from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentenceRef {
    /// 0-based index; the title, when present, is sentence 0.
    pub index: usize,
    /// The sentence as written in the article.
    pub text: String,
    /// Byte offset of the sentence start in its field (`text`, or `title` for the title).
    pub start: usize,
    /// Byte offset just past the sentence end.
    pub end: usize,
    /// `title` or `text`: which field the offsets point into.
    pub field: Text,
}

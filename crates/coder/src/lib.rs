//! # demarche-coder
//!
//! A dictionary-driven political event coder: raw English news text in, CAMEO events
//! out (who did what to whom, when). No parser, no model, no I/O beyond reading
//! dictionaries: text is cleaned and tokenised with byte offsets, actor phrases are
//! found with one trie of word ids, verb patterns at their heads, and a shallow
//! clause analysis assigns source and target (passive voice, coordination, reported
//! speech, negation, intent, pronouns, definite descriptions).
//!
//! ```
//! use demarche_coder::{Article, Coder};
//! use chrono::NaiveDate;
//!
//! let coder = Coder::with_defaults().unwrap();
//! let article = Article::new("a1", "Russia on Thursday slammed the United Nations.")
//!     .published(NaiveDate::from_ymd_opt(2014, 11, 21).unwrap());
//! let events = coder.code(&article);
//! assert_eq!(events[0].source.code, "RUS");
//! assert_eq!(events[0].target.as_ref().unwrap().code, "IGOUNO");
//! assert_eq!(events[0].action.root, "11");
//! assert_eq!(events[0].date.as_deref(), Some("2014-11-20"));
//! ```
#![deny(missing_docs)]

pub mod actors;
pub mod article;
pub mod builtin;
pub mod cameo;
pub mod coder;
pub mod dates;
pub mod dictionary;
pub mod error;
pub mod event;
mod idmap;
pub mod plover;
pub mod roles;
pub mod text;
pub mod verbs;
pub mod vocab;

pub use article::{parse_published, Article};
pub use coder::{event_id, Coder, CoderBuilder, FileKind};
pub use dictionary::{Diagnostic, Dictionaries, Severity, Stats};
pub use error::Error;
pub use event::{Action, ActorRef, Event, PloverRef, SentenceRef, Short, Text, SCHEMA};

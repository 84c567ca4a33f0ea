//! The input: one news article.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One news article to code. Only `text` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Article id, copied to every event (`article_id`).
    #[serde(default)]
    pub id: String,
    /// Headline; coded as sentence 0 when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body text, raw: HTML entities, tags and scraping boilerplate are handled.
    pub text: String,
    /// Publication date: anchors relative dates ("on Tuesday", "yesterday").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<NaiveDate>,
    /// Source URL, copied to the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher name, copied to the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Language tag as given in the input (the coder reads English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Article {
    /// An article with an id and a body and nothing else.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            text: text.into(),
            ..Article::default()
        }
    }

    /// Sets the publication date.
    pub fn published(mut self, date: NaiveDate) -> Self {
        self.published_at = Some(date);
        self
    }

    /// Sets the headline.
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// Parses a publication timestamp: RFC 3339 (`2014-11-20T08:00:00Z`), a plain date
/// (`2014-11-20`), or a date followed by anything (`2014-11-20 08:00`). The calendar
/// date as written is kept (no time-zone shift). Returns `None` for anything else.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10)?;
    let date = NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()?;
    let rest = &s[10..];
    if rest.is_empty() || rest.starts_with(['T', 't', ' ']) {
        Some(date)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_formats() {
        let d = NaiveDate::from_ymd_opt(2014, 11, 20);
        assert_eq!(parse_published("2014-11-20"), d);
        assert_eq!(parse_published("2014-11-20T23:10:00+08:00"), d);
        assert_eq!(parse_published("2014-11-20 10:00"), d);
        assert_eq!(parse_published("1211-08-"), None);
        assert_eq!(parse_published("2014-13-01"), None);
        assert_eq!(parse_published("20141120"), None);
        assert_eq!(parse_published("2014-11-20x"), None);
    }
}

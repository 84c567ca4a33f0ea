//! Reads the AG News test split (`../shared/corpora/ag_news/test.csv`), shared by the
//! CLI tests and the benches (`#[path]`-included). The file is a simple CSV: three
//! fields (class, title, description), optionally double-quoted with `""` escapes.

use std::path::PathBuf;

/// Path of the AG News test split, relative to the workspace root.
pub fn agnews_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/ag_news/test.csv")
}

/// One AG News item.
#[derive(Debug, Clone)]
#[allow(dead_code)] // not every includer reads every field
pub struct Item {
    /// Class index: 1 World, 2 Sports, 3 Business, 4 Sci/Tech.
    pub class: String,
    /// Headline.
    pub title: String,
    /// Description (the article text).
    pub description: String,
}

/// The first `limit` items, or `None` when the file is not there.
pub fn read_agnews(limit: usize) -> Option<Vec<Item>> {
    let text = std::fs::read_to_string(agnews_path()).ok()?;
    let mut items = Vec::new();
    for record in parse_csv(&text).into_iter().skip(1) {
        if items.len() == limit {
            break;
        }
        if let [class, title, description] = &record[..] {
            items.push(Item {
                class: class.clone(),
                title: title.clone(),
                description: description.clone(),
            });
        }
    }
    Some(items)
}

/// A minimal RFC 4180 reader: records of fields, quoted fields may hold commas,
/// newlines and `""`.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

//! Helpers shared by the coder's integration tests.

use demarche_coder::Event;

/// "SOURCE CODE TARGET" of each event (`none` for no target), sorted.
pub fn triples(events: &[Event], none: &str) -> Vec<String> {
    let mut v: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.source.code,
                e.action.code,
                e.target.as_ref().map_or(none, |t| t.code.as_str())
            )
        })
        .collect();
    v.sort();
    v
}

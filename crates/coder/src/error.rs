//! Errors of the coder crate.

use crate::dictionary::Diagnostic;

/// What can go wrong when building a coder.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dictionary file could not be read.
    #[error("cannot read dictionary {file}: {source}")]
    Io {
        /// File name as given.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Dictionary lines were rejected.
    #[error("{} dictionary error(s); first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
    Dictionary(Vec<Diagnostic>),
}

//! Configuration. For now only the coder's: where its dictionaries come from.
//!
//! A dictionary directory is laid out like the project's `dictionaries/`:
//!
//! ```text
//! actors/*.txt          FileKind::Actors
//! agents.txt            FileKind::Agents
//! verbs/irregular.txt   FileKind::Irregular
//! verbs/*.txt           FileKind::Verbs (every other file)
//! discards.txt          FileKind::Discards
//! ```
//!
//! Files are loaded in the order of the compiled-in defaults (irregular verbs, actors,
//! agents, verbs, discards; within a kind, the default file order), files unknown to the
//! defaults after those of their kind in name order, so that a copy of `dictionaries/`
//! codes exactly like the defaults.

use demarche_coder::{builtin, CoderBuilder, FileKind};
use std::path::{Path, PathBuf};

/// Errors reading a dictionary directory.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The path is not a readable directory.
    #[error("dictionary directory {}: {source}", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
    /// The directory has no dictionary file at all.
    #[error("dictionary directory {} has no dictionary files (actors/*.txt, agents.txt, verbs/*.txt, discards.txt)", .0.display())]
    Empty(PathBuf),
    /// A dictionary file cannot be read.
    #[error("cannot read dictionary file {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        #[source]
        source: std::io::Error,
    },
}

/// The coder's settings (the future `[coder]` section of `config.toml`).
#[derive(Debug, Clone, Default)]
pub struct CoderConfig {
    /// A directory replacing the compiled-in dictionaries; `None`: the defaults.
    pub dictionaries: Option<PathBuf>,
    /// Extra files loaded after those, each with its kind; later entries win.
    pub extra: Vec<(FileKind, PathBuf)>,
}

/// Parses `KIND:FILE` (`actors:my-actors.txt`) for `--add-dictionary`.
pub fn parse_extra(s: &str) -> Result<(FileKind, PathBuf), String> {
    let (kind, file) = s
        .split_once(':')
        .ok_or_else(|| format!("expected KIND:FILE, got {s:?}"))?;
    let kind = FileKind::parse(kind).ok_or_else(|| {
        format!("unknown dictionary kind {kind:?}: expected actors, agents, verbs, irregular or discards")
    })?;
    if file.is_empty() {
        return Err("no file after KIND:".into());
    }
    Ok((kind, PathBuf::from(file)))
}

impl CoderConfig {
    /// A builder loaded with the configured dictionaries (not yet checked or built).
    pub fn builder(&self) -> Result<CoderBuilder, ConfigError> {
        let mut builder = match &self.dictionaries {
            None => CoderBuilder::with_defaults(),
            Some(dir) => load_dictionary_dir(dir)?,
        };
        for (kind, path) in &self.extra {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::File {
                path: path.clone(),
                source,
            })?;
            builder.add_str(*kind, &path.display().to_string(), &text);
        }
        Ok(builder)
    }

    /// A name for log lines: the directory, or `built-in`.
    pub fn dictionaries_name(&self) -> String {
        match &self.dictionaries {
            None => "built-in".to_string(),
            Some(dir) => dir.display().to_string(),
        }
    }
}

/// One dictionary file found in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DictFile {
    kind: FileKind,
    /// Path relative to the directory, `/`-separated (`actors/countries.txt`).
    rel: String,
    path: PathBuf,
}

/// Loads every dictionary file of `dir` into a fresh builder.
pub fn load_dictionary_dir(dir: &Path) -> Result<CoderBuilder, ConfigError> {
    let files = dictionary_files(dir)?;
    if files.is_empty() {
        return Err(ConfigError::Empty(dir.to_path_buf()));
    }
    let has = |k: FileKind| files.iter().any(|f| f.kind == k);
    for (kind, what) in [
        (FileKind::Actors, "actors/*.txt"),
        (FileKind::Agents, "agents.txt"),
        (FileKind::Verbs, "verbs/*.txt"),
    ] {
        if !has(kind) {
            tracing::warn!(dir = %dir.display(), "no {what} in the dictionary directory");
        }
    }
    let mut builder = CoderBuilder::new();
    for f in &files {
        let text = std::fs::read_to_string(&f.path).map_err(|source| ConfigError::File {
            path: f.path.clone(),
            source,
        })?;
        tracing::debug!(file = %f.path.display(), kind = ?f.kind, "loading dictionary file");
        builder.add_str(f.kind, &f.path.display().to_string(), &text);
    }
    Ok(builder)
}

/// The dictionary files of `dir`, in load order.
fn dictionary_files(dir: &Path) -> Result<Vec<DictFile>, ConfigError> {
    let dir_err = |source| ConfigError::Dir {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        let source = match std::fs::metadata(dir) {
            Err(e) => e,
            Ok(_) => std::io::Error::other("not a directory"),
        };
        return Err(dir_err(source));
    }
    let mut files = Vec::new();
    for (name, kind) in [
        ("agents.txt", FileKind::Agents),
        ("discards.txt", FileKind::Discards),
    ] {
        let path = dir.join(name);
        if path.is_file() {
            files.push(DictFile {
                kind,
                rel: name.to_string(),
                path,
            });
        }
    }
    for sub in ["actors", "verbs"] {
        let subdir = dir.join(sub);
        if !subdir.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&subdir).map_err(|source| ConfigError::Dir {
            path: subdir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ConfigError::Dir {
                path: subdir.clone(),
                source,
            })?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".txt") || !path.is_file() {
                continue;
            }
            let kind = match (sub, name) {
                ("actors", _) => FileKind::Actors,
                (_, "irregular.txt") => FileKind::Irregular,
                _ => FileKind::Verbs,
            };
            files.push(DictFile {
                kind,
                rel: format!("{sub}/{name}"),
                path,
            });
        }
    }
    files.sort_by_key(load_rank);
    Ok(files)
}

/// Sort key: kind, then position among the default files, then name.
fn load_rank(f: &DictFile) -> (u8, usize, String) {
    let kind = match f.kind {
        FileKind::Irregular => 0,
        FileKind::Actors => 1,
        FileKind::Agents => 2,
        FileKind::Verbs => 3,
        FileKind::Discards => 4,
    };
    let default_pos = builtin::FILES
        .iter()
        .position(|(_, name, _)| *name == f.rel)
        .unwrap_or(usize::MAX);
    (kind, default_pos, f.rel.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_dictionaries() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries")
    }

    #[test]
    fn project_dir_loads_in_default_order() {
        let files = dictionary_files(&project_dictionaries()).unwrap();
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let defaults: Vec<&str> = builtin::FILES.iter().map(|(_, n, _)| *n).collect();
        assert_eq!(rels, defaults);
        for (f, (kind, _, _)) in files.iter().zip(builtin::FILES) {
            assert_eq!(f.kind, *kind, "{}", f.rel);
        }
    }

    #[test]
    fn project_dir_counts_like_defaults() {
        let dir = CoderConfig {
            dictionaries: Some(project_dictionaries()),
            extra: Vec::new(),
        };
        let from_dir = dir.builder().unwrap().dictionaries().stats();
        let defaults = CoderConfig::default()
            .builder()
            .unwrap()
            .dictionaries()
            .stats();
        assert_eq!(from_dir, defaults);
    }

    #[test]
    fn missing_dir_is_an_error() {
        let err = load_dictionary_dir(Path::new("/nonexistent/demarche-dicts")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/demarche-dicts"),
            "{err}"
        );
    }

    #[test]
    fn empty_dir_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = load_dictionary_dir(tmp.path()).unwrap_err();
        assert!(matches!(err, ConfigError::Empty(_)), "{err}");
    }
}

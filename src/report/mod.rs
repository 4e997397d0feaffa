//! Stage 6: render an [`Analysis`](crate::Analysis). One file per output format; each
//! renderer takes the analysis and writes to a `Write`. Line and column numbers are
//! computed here, never earlier.

pub mod github;
pub mod human;
pub mod inspect;
pub mod json;
pub mod sarif;
pub mod schema;
pub mod schema_json;
pub mod sources;

use crate::source::{LineCol, Location, SourceDb};
use std::path::Path;

/// 1-based start and end line/column of a location.
pub fn span(sources: &SourceDb, loc: &Location) -> (LineCol, LineCol) {
    let f = sources.get(loc.file);
    (
        f.lines.line_col(&f.text, loc.range.start),
        f.lines.line_col(&f.text, loc.range.end),
    )
}

/// The checked root's path inside its repository, `/`-terminated (`services/api/`), or empty
/// when the root is the repository's top level or not in a git repository.
///
/// CI systems resolve SARIF `uri`s and annotation `file=` paths against the repository root,
/// whatever folder idxlint ran in or its config lives in, so the renderers for CI prefix
/// every root-relative path with this.
pub fn repo_prefix(root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let Some(top) = root.ancestors().find(|d| d.join(".git").exists()) else {
        return String::new();
    };
    let Ok(rel) = root.strip_prefix(top) else {
        return String::new();
    };
    let mut prefix: String = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_prefix_is_the_root_below_the_git_top_level() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("services/api");
        std::fs::create_dir_all(&sub).expect("mkdir");
        assert_eq!(
            repo_prefix(&sub),
            "",
            "no repository: paths stay root-relative"
        );
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        assert_eq!(repo_prefix(&sub), "services/api/");
        assert_eq!(repo_prefix(dir.path()), "");
    }
}

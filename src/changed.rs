//! Line filters applied after analysis: `--changed-since REV` and the files pre-commit passes.
//!
//! Input: the finished diagnostics and the checked root. Output: the same diagnostics, fewer.
//! The whole repository is always analyzed (the schema comes from every migration); only what
//! is *reported* is narrowed, so a query changed today is still checked against an index
//! declared years ago.
//!
//! `--changed-since REV` runs `git diff --unified=0 REV` in the root (working tree against
//! REV: committed, staged and unstaged changes alike) and keeps findings whose primary
//! location starts on an added or changed line. Untracked files that are not ignored count as
//! wholly added (`git ls-files --others --exclude-standard`): a new migration someone forgot
//! to `git add` is exactly what should be checked. Renames are detected by git, so a moved
//! file reports only the lines that changed in the move.
//!
//! Invariants: paths are compared relative to the root, `/`-separated, as
//! [`SourceFile::path`](crate::source::SourceFile); a git failure is an error for the CLI
//! (exit 2), never a silently empty filter.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Lines (1-based) added or changed per path; `None` means the whole file is new.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangedLines {
    pub files: BTreeMap<String, Option<BTreeSet<usize>>>,
}

impl ChangedLines {
    /// Whether 1-based `line` of `path` was added or changed.
    pub fn contains(&self, path: &str, line: usize) -> bool {
        match self.files.get(path) {
            Some(None) => true,
            Some(Some(lines)) => lines.contains(&line),
            None => false,
        }
    }

    /// Keep only the diagnostics whose primary location starts on a changed line.
    pub fn filter(&self, sources: &SourceDb, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| {
            let (start, _) = crate::report::span(sources, &d.location);
            self.contains(&sources.get(d.location.file).path, start.line)
        });
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: output is not UTF-8", args[0]))
}

/// The lines changed in `root` since `rev`, untracked files included.
pub fn changed_since(root: &Path, rev: &str) -> Result<ChangedLines, String> {
    let diff = git(
        root,
        &[
            "diff",
            "--relative",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            rev,
            "--",
        ],
    )?;
    let mut changed = parse_diff(&diff);
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    for path in untracked.split('\0').filter(|p| !p.is_empty()) {
        changed.files.insert(path.to_string(), None);
    }
    Ok(changed)
}

/// Parse `git diff --unified=0` output into added/changed lines of the new side.
pub fn parse_diff(diff: &str) -> ChangedLines {
    let mut changed = ChangedLines::default();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(rest) = line.strip_prefix("+++ ") {
            current = if rest == "/dev/null" {
                None
            } else {
                let path = unquote(rest);
                Some(path.strip_prefix("b/").unwrap_or(&path).to_string())
            };
            if let Some(p) = &current {
                changed
                    .files
                    .entry(p.clone())
                    .or_insert_with(|| Some(BTreeSet::new()));
            }
        } else if line.starts_with("@@ ") {
            let (Some(path), Some((start, count))) = (&current, hunk_new_range(line)) else {
                continue;
            };
            if let Some(Some(lines)) = changed.files.get_mut(path) {
                lines.extend(start..start + count);
            }
        }
    }
    changed
}

/// `@@ -a,b +c,d @@` -> `(c, d)`; `d` defaults to 1 and is 0 for a pure deletion.
fn hunk_new_range(line: &str) -> Option<(usize, usize)> {
    let new = line.split(' ').find(|w| w.starts_with('+'))?;
    let new = new.strip_prefix('+')?;
    let (start, count) = match new.split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse().ok()?),
        None => (new.parse().ok()?, 1),
    };
    Some((start, count))
}

/// Undo git's C-style quoting of unusual paths (`"a\tb"`); plain paths pass through.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = Vec::new();
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&d @ b'0'..=b'7') = it.peek() {
                        v = v * 8 + u32::from(d - b'0');
                        it.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The project root for a run given file names: the folder of `idxlint.toml` when one was
/// found, else the git top level of the folder holding `file`, else the current folder.
pub fn project_root(config_path: Option<&Path>, file: &Path) -> PathBuf {
    if let Some(dir) = config_path.and_then(Path::parent) {
        return dir.to_path_buf();
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => cwd.clone(),
    };
    match git(&dir, &["rev-parse", "--show-toplevel"]) {
        Ok(top) if !top.trim().is_empty() => PathBuf::from(top.trim()),
        _ => cwd,
    }
}

/// The git top level of the work tree holding `dir`, if any.
pub fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    let top = top.trim();
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// Keep only the diagnostics located in `paths` (root-relative, `/`-separated) or under a
/// folder among them.
pub fn retain_paths(sources: &SourceDb, paths: &[String], diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| {
        let p = &sources.get(d.location.file).path;
        paths.iter().any(|want| {
            p == want || (p.starts_with(want.as_str()) && p[want.len()..].starts_with('/'))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hunks_of_the_new_side() {
        let diff = "\
diff --git a/db/a.sql b/db/a.sql
index 1..2 100644
--- a/db/a.sql
+++ b/db/a.sql
@@ -0,0 +1,2 @@
+x
+y
@@ -5 +7 @@
-old
+new
@@ -9,2 +10,0 @@
-gone
-gone
diff --git a/new.sql b/new.sql
new file mode 100644
--- /dev/null
+++ b/new.sql
@@ -0,0 +1 @@
+z
diff --git a/dead.sql b/dead.sql
--- a/dead.sql
+++ /dev/null
@@ -1 +0,0 @@
-w
";
        let c = parse_diff(diff);
        let lines: Vec<usize> = c.files["db/a.sql"].clone().unwrap().into_iter().collect();
        assert_eq!(lines, vec![1, 2, 7]);
        assert!(c.contains("new.sql", 1));
        assert!(!c.contains("new.sql", 2));
        assert!(!c.files.contains_key("dead.sql"));
    }

    #[test]
    fn unquotes_git_paths() {
        assert_eq!(unquote("\"b/a\\tb.sql\""), "b/a\tb.sql");
        assert_eq!(unquote("\"b/caf\\303\\251.sql\""), "b/café.sql");
        assert_eq!(unquote("b/plain.sql"), "b/plain.sql");
    }
}

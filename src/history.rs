//! Which migrations can still change: the migration-safety rules judge only those.
//!
//! Input: the finished diagnostics, the checked root and the files named on the command line.
//! Output: the same diagnostics without the migration-safety findings
//! ([`MIGRATION_SAFETY`](crate::rules::MIGRATION_SAFETY)) on migrations that are already
//! applied, and how many were hidden.
//!
//! An applied migration cannot be edited (the database has run it), so a lock warning on it
//! is noise. A migration is *new* when it is named on the command line (pre-commit passes
//! the staged files), is untracked or has uncommitted changes, or was added or changed since
//! the merge base of `HEAD` with the default branch (`origin/HEAD`, else `main`, else
//! `master`). Everything else that git tracks is applied.
//!
//! Without git (not installed, not a repository, no commit yet, or no default branch to
//! compare with) every file is judged: nothing tells what was applied. `--all-migrations`
//! (or `all-migrations = true` in `idxlint.toml`) judges every file too.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// What [`hide_applied`] removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub findings: usize,
    /// Distinct files the hidden findings were in.
    pub files: usize,
}

impl Hidden {
    /// The `-v` summary line, or `None` when nothing was hidden.
    pub fn note(&self) -> Option<String> {
        (self.findings > 0).then(|| {
            format!(
                "{} migration-safety finding{} on {} applied migration{} not shown; \
                 --all-migrations shows them",
                self.findings,
                if self.findings == 1 { "" } else { "s" },
                self.files,
                if self.files == 1 { "" } else { "s" },
            )
        })
    }
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// The commit that the default branch and `HEAD` share, or `None` without git history.
pub fn merge_base(root: &Path) -> Option<String> {
    git(root, &["rev-parse", "--verify", "-q", "HEAD"])?;
    let default = ["origin/HEAD", "main", "master"].into_iter().find(|r| {
        git(
            root,
            &["rev-parse", "--verify", "-q", &format!("{r}^{{commit}}")],
        )
        .is_some()
    })?;
    let base = git(root, &["merge-base", "HEAD", default])?;
    let base = base.trim();
    (!base.is_empty()).then(|| base.to_string())
}

/// Root-relative paths of the files that are new since the default branch (see the module
/// header), or `None` when git cannot tell (every file is then judged).
pub fn new_files(root: &Path) -> Option<BTreeSet<String>> {
    let base = merge_base(root)?;
    // Working tree against the merge base: committed on this branch, staged and unstaged.
    let changed = git(
        root,
        &[
            "diff",
            "--relative",
            "--name-only",
            "--diff-filter=ACMRT",
            "-z",
            &base,
            "--",
        ],
    )?;
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    Some(
        changed
            .split('\0')
            .chain(untracked.split('\0'))
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Remove migration-safety findings located in files that are neither in `new` nor among
/// `given` (root-relative paths, or folders holding them, named on the command line).
pub fn hide_applied(
    sources: &SourceDb,
    new: &BTreeSet<String>,
    given: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Hidden {
    let mut files = BTreeSet::new();
    let mut findings = 0;
    diagnostics.retain(|d| {
        if !crate::rules::MIGRATION_SAFETY.contains(&d.rule) {
            return true;
        }
        let path = &sources.get(d.location.file).path;
        let named = given.iter().any(|g| g == path);
        if named || new.contains(path) {
            return true;
        }
        findings += 1;
        files.insert(path.clone());
        false
    });
    Hidden {
        findings,
        files: files.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::{Location, SourceFile};

    fn diag(rule: &'static str, file: crate::source::FileId) -> Diagnostic {
        Diagnostic::new(
            rule,
            Severity::Warning,
            "m".into(),
            Location { file, range: 0..1 },
        )
    }

    #[test]
    fn hides_only_safety_findings_in_applied_files() {
        let mut db = SourceDb::default();
        let old = db.add(SourceFile::new(
            "m/0001.sql".into(),
            "/x/m/0001.sql".into(),
            "x".into(),
        ));
        let new = db.add(SourceFile::new(
            "m/0002.sql".into(),
            "/x/m/0002.sql".into(),
            "x".into(),
        ));
        let named = db.add(SourceFile::new(
            "m/0003.sql".into(),
            "/x/m/0003.sql".into(),
            "x".into(),
        ));
        let mut ds = vec![
            diag("index-not-concurrent", old),
            diag("drop-index-not-concurrent", old),
            diag("redundant-index", old),
            diag("index-not-concurrent", new),
            diag("index-not-concurrent", named),
        ];
        let newset: BTreeSet<String> = ["m/0002.sql".to_string()].into();
        let hidden = hide_applied(&db, &newset, &["m/0003.sql".to_string()], &mut ds);
        assert_eq!(
            hidden,
            Hidden {
                findings: 2,
                files: 1
            }
        );
        let rules: Vec<&str> = ds.iter().map(|d| d.rule).collect();
        assert_eq!(
            rules,
            [
                "redundant-index",
                "index-not-concurrent",
                "index-not-concurrent"
            ]
        );
        assert_eq!(
            hidden.note().as_deref(),
            Some(
                "2 migration-safety findings on 1 applied migration not shown; \
                 --all-migrations shows them"
            )
        );
    }

    #[test]
    fn no_git_means_no_history() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(new_files(dir.path()), None);
    }
}

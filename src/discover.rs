//! Stage 1: discover the files to read.
//!
//! Walks the given paths with `ignore` (so `.gitignore`, `.ignore` and git's excludes are
//! honoured), skips hidden and vendored folders, and classifies each file: SQL or a host
//! language, and whether its DDL builds the schema (a migration) or it is a down migration.
//! Nothing here reads file contents; problems (unreadable directories, symlink loops)
//! become [`Skipped`] entries with a reason, never errors.

use crate::config::{Config, DEFAULT_DOWN, DEFAULT_MIGRATIONS};
use crate::extract::HostLang;
use crate::parse::Dialect;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Folders never descended into.
const VENDORED: &[&str] = &[
    "node_modules",
    "target",
    "vendor",
    "dist",
    "build",
    "__pycache__",
    "venv",
    ".venv",
    "site-packages",
];

/// What a file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Sql,
    Host(HostLang),
    /// A Prisma schema (`schema.prisma`): read only by the ORM readers.
    Prisma,
}

/// A file to read.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub abs_path: PathBuf,
    /// Relative to the checked root, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    /// Matches the migration globs: its DDL builds the schema.
    pub migration: bool,
}

/// A file or folder that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Compiled path rules of a config.
pub struct PathRules {
    migrations: GlobSet,
    down: GlobSet,
    include: Option<GlobSet>,
    exclude: GlobSet,
}

fn globset<'a>(globs: impl IntoIterator<Item = &'a str>) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if let Ok(glob) = Glob::new(g) {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl PathRules {
    pub fn new(config: &Config) -> Self {
        let migrations = globset(
            DEFAULT_MIGRATIONS
                .iter()
                .copied()
                .chain(config.migrations.iter().map(String::as_str)),
        );
        PathRules {
            migrations,
            down: globset(DEFAULT_DOWN.iter().copied()),
            include: (!config.include.is_empty())
                .then(|| globset(config.include.iter().map(String::as_str))),
            exclude: globset(config.exclude.iter().map(String::as_str)),
        }
    }

    /// Whether a relative path is a migration (its DDL builds the schema).
    pub fn is_migration(&self, rel: &str) -> bool {
        self.migrations.is_match(rel) && !self.down.is_match(rel)
    }

    pub fn is_down(&self, rel: &str) -> bool {
        self.down.is_match(rel)
    }

    /// Whether `include`/`exclude` let a relative path be read (what [`discover`] applies to
    /// each file it walks; the language server asks it of files opened in the editor).
    pub fn is_selected(&self, rel: &str) -> bool {
        !self.exclude.is_match(rel) && self.include.as_ref().is_none_or(|inc| inc.is_match(rel))
    }
}

/// Classify a file name.
pub fn file_kind(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ext == "sql" {
        return Some(FileKind::Sql);
    }
    if ext == "prisma" {
        return Some(FileKind::Prisma);
    }
    HostLang::from_extension(&ext).map(FileKind::Host)
}

/// Walk `paths` (files or folders) under `root`.
pub fn discover(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
    dialect: Dialect,
) -> (Vec<Candidate>, Vec<Skipped>) {
    let rules = PathRules::new(config);
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    // Relative paths are reported against the root whatever the current folder is, so
    // both sides are made absolute (and symlink-free) first.
    let root = &root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for start in paths {
        let start = &start.canonicalize().unwrap_or_else(|_| start.clone());
        let mut walker = ignore::WalkBuilder::new(start);
        walker
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| VENDORED.contains(&n)))
            });
        for entry in walker.build() {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    skipped.push(Skipped {
                        path: err_path(&err, root),
                        reason: format!("cannot walk: {err}"),
                    });
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let abs = entry.path();
            let rel = relative(root, abs);
            let Some(kind) = file_kind(abs) else { continue };
            if rules.is_down(&rel) {
                skipped.push(Skipped {
                    path: rel,
                    reason: "down migration".into(),
                });
                continue;
            }
            if rules.exclude.is_match(&rel)
                || rules
                    .include
                    .as_ref()
                    .is_some_and(|inc| !inc.is_match(&rel))
            {
                continue;
            }
            if let Some(other) = other_dialect(abs, dialect) {
                skipped.push(Skipped {
                    path: rel,
                    reason: format!("migration for another dialect ({other})"),
                });
                continue;
            }
            let migration = rules.is_migration(&rel);
            out.push(Candidate {
                abs_path: abs.to_path_buf(),
                path: rel,
                kind,
                migration,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    (out, skipped)
}

/// The dialect a file name says it is for (`x.mysql.up.sql`), when that is not `dialect`.
/// Go projects often keep one migration file per database side by side.
pub fn other_dialect(path: &Path, dialect: Dialect) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let mut parts = name.split('.');
    parts.next(); // the stem itself never names a dialect
    for part in parts {
        let (named, is) = match part {
            "postgres" | "postgresql" | "pg" | "psql" => ("postgres", Dialect::Postgres),
            "mysql" | "mariadb" => ("mysql", Dialect::Mysql),
            "sqlite" | "sqlite3" => ("sqlite", Dialect::Sqlite),
            "cockroach" | "cockroachdb" | "crdb" => return Some("cockroach"),
            "mssql" | "sqlserver" => return Some("sqlserver"),
            _ => continue,
        };
        return (is != dialect).then_some(named);
    }
    None
}

/// `abs` relative to `root`, `/`-separated; the path itself when outside `root`.
pub fn relative(root: &Path, abs: &Path) -> String {
    let rel = abs.strip_prefix(root).unwrap_or(abs);
    let s: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if s.is_empty() {
        rel.to_string_lossy().replace('\\', "/")
    } else {
        s.join("/")
    }
}

fn err_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => relative(root, path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err, root)
        }
        ignore::Error::Loop { child, .. } => relative(root, child),
        _ => String::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_specific_file_names() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            other_dialect(&p("m/1_x.mysql.up.sql"), Dialect::Postgres),
            Some("mysql")
        );
        assert_eq!(
            other_dialect(&p("m/1_x.postgres.up.sql"), Dialect::Postgres),
            None
        );
        assert_eq!(
            other_dialect(&p("m/1_x.sqlite3.up.sql"), Dialect::Sqlite),
            None
        );
        assert_eq!(
            other_dialect(&p("m/1_x.cockroach.up.sql"), Dialect::Postgres),
            Some("cockroach")
        );
        assert_eq!(other_dialect(&p("m/1_x.up.sql"), Dialect::Mysql), None);
        assert_eq!(other_dialect(&p("m/mysql.sql"), Dialect::Postgres), None);
    }
}

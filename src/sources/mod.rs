//! Stage 1b: schema sources, recognized by convention and ordered as their runner applies
//! them.
//!
//! Input: every discovered file with its text. Output: a [`Claim`] per file (its role, the
//! reader that recognized it, its place in the runner's order, the byte ranges that are not
//! applied going up) and, once the files are parsed, a [`Plan`]: the fold order, which
//! full-schema files are a base and which a stale snapshot, and one [`Entry`] per file for
//! `idxlint schema --sources`.
//!
//! One file per runner or layout convention ([`READERS`], a static list iterated by the
//! CLI and the tests). Readers are tried in list order and the first claim wins, so the
//! specific conventions (a goose file is also a numbered file) come before the generic ones.
//! A reader never parses SQL and never decides coverage; it only says what a file is.
//!
//! Invariants: classification is a pure function of the relative path, the file kind, the
//! text and the config, so the language server can re-classify one edited file; the order
//! is total (ties broken by path); nothing here panics on input.

pub mod dbmate;
pub mod dialect;
pub mod diesel;
pub mod drizzle;
pub mod dump;
pub mod flyway;
pub mod golang_migrate;
pub mod goose;
pub mod host;
pub mod numbered;
pub mod plan;
pub mod pop;
pub mod prisma;
pub mod rails;
pub mod setup;
pub mod sqitch;
pub mod sqlx;

pub use plan::{plan, Entry, Plan};

use crate::discover::FileKind;
use std::ops::Range;
use std::path::Path;

/// What a file is to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// An incremental migration: its DDL folds in the runner's order; its DML is data
    /// migration (no query findings).
    Migration,
    /// A full schema the migrations build on (folded first).
    Base,
    /// A full dump (pg_dump output, `structure.sql`, `schema.sql`): becomes [`Role::Base`]
    /// when no migration recreates its tables, else [`Role::Snapshot`].
    Dump,
    /// A dump whose tables the migrations build too: not folded (the migrations are
    /// authoritative).
    Snapshot,
    /// One script of a set that builds a fresh database (`create_tables.sql`, ...), folded
    /// before the migrations in dependency order.
    Setup,
    /// A script that drops or empties the database: never schema.
    Teardown,
    /// Data changes only (seeds, superseded migrations): no schema, no queries.
    Data,
    /// Application code (or a `.sql` file of queries): its queries are analyzed; the DDL
    /// of an application `.sql` file is folded after the migrations.
    #[default]
    Application,
    /// Not read: another dialect's file, a verification script.
    Ignored,
    /// An ORM schema file (read by the ORM stage, not by these readers).
    OrmSchema,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Migration => "migration",
            Role::Base => "base",
            Role::Dump => "dump",
            Role::Snapshot => "snapshot",
            Role::Setup => "setup",
            Role::Teardown => "teardown",
            Role::Data => "data",
            Role::Application => "application",
            Role::Ignored => "ignored",
            Role::OrmSchema => "orm-schema",
        }
    }

    /// Parse a role name as written in `schema-sources` (`idxlint.toml`).
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "migration" => Role::Migration,
            "base" => Role::Base,
            "dump" => Role::Dump,
            "snapshot" => Role::Snapshot,
            "setup" => Role::Setup,
            "teardown" => Role::Teardown,
            "data" => Role::Data,
            "application" => Role::Application,
            "ignored" => Role::Ignored,
            "orm-schema" => Role::OrmSchema,
            _ => return None,
        })
    }

    /// Whether the file's DDL builds the schema.
    pub fn folds(self) -> bool {
        matches!(
            self,
            Role::Migration | Role::Base | Role::Dump | Role::Setup | Role::Application
        )
    }

    /// Whether the file's queries are analyzed.
    pub fn queries(self) -> bool {
        self == Role::Application
    }

    /// Whether the file is one the migration tooling applies (its DML is data migration).
    pub fn is_migration(self) -> bool {
        matches!(
            self,
            Role::Migration | Role::Base | Role::Dump | Role::Setup
        )
    }

    /// Fold phase: full schemas and setup scripts, then migrations, then application DDL.
    pub(crate) fn phase(self) -> u8 {
        match self {
            Role::Base | Role::Dump | Role::Setup => 0,
            Role::Migration => 1,
            _ => 2,
        }
    }
}

/// One part of an order key: numbers compare as numbers (`v2` < `v10`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyPart {
    Num(u128),
    Text(String),
}

/// What a reader says about one file.
#[derive(Debug, Clone, Default)]
pub struct Claim {
    /// The reader's name (`golang-migrate`, `setup`, ...), or `default`.
    pub reader: &'static str,
    pub role: Role,
    /// The file's place among the files of its phase (see [`natural_key`]).
    pub key: Vec<KeyPart>,
    /// Why: shown by `schema --sources`.
    pub reason: String,
    /// Byte ranges of the file that are not applied going up (`-- +goose Down` sections,
    /// `down()` bodies): their statements are dropped.
    pub skip: Vec<Range<usize>>,
    /// The dialect the file's path names (`mysql/`, `.sqlite.`), if any.
    pub named_dialect: Option<&'static str>,
}

/// What a reader gets to look at.
pub struct FileInfo<'a> {
    /// Relative to the root, `/`-separated.
    pub path: &'a str,
    /// `path` lower-cased.
    pub lower: &'a str,
    pub abs: &'a Path,
    pub kind: FileKind,
    pub text: &'a str,
}

impl FileInfo<'_> {
    /// The lower-cased file name.
    pub fn name(&self) -> &str {
        self.lower.rsplit('/').next().unwrap_or(self.lower)
    }

    /// The lower-cased folder names, outermost first.
    pub fn dirs(&self) -> Vec<&str> {
        let mut parts: Vec<&str> = self.lower.split('/').collect();
        parts.pop();
        parts
    }

    /// Whether a folder of the path is `name`.
    pub fn in_dir(&self, name: &str) -> bool {
        self.dirs().contains(&name)
    }

    pub fn is_sql(&self) -> bool {
        self.kind == FileKind::Sql
    }
}

/// A convention: which files it claims, in which order, with which role.
pub struct Reader {
    pub name: &'static str,
    /// One line for `schema --sources` and the README.
    pub about: &'static str,
    pub claim: fn(&FileInfo) -> Option<Claim>,
}

/// Every reader, most specific first.
pub const READERS: &[Reader] = &[
    rails::READER,
    setup::READER,
    dump::READER,
    goose::READER,
    dbmate::READER,
    flyway::READER,
    sqitch::READER,
    diesel::READER,
    prisma::READER,
    drizzle::READER,
    pop::READER,
    golang_migrate::READER,
    sqlx::READER,
    setup::TEARDOWN,
    numbered::READER,
    host::READER,
];

/// Folders whose files are migrations whatever the runner (plain numbered or dated files).
pub const MIGRATION_DIRS: &[&str] = &[
    "migrations",
    "migration",
    "migrate",
    "alterations",
    "updates",
    "upgrades",
    "schema_changes",
    "versions",
    "changesets",
    "patches",
];

/// Whether the path lies in a migration folder (also `db/sql/`, `sql/migrations/`, and
/// folders named `*_migrations` / `*_migrate`, such as `old_migrations`, `data_migrations`).
pub fn in_migration_dir(f: &FileInfo) -> bool {
    let dirs = f.dirs();
    dirs.iter().any(|d| {
        MIGRATION_DIRS.contains(d) || d.ends_with("_migrations") || d.ends_with("_migrate")
    }) || dirs.windows(2).any(|w| w == ["db", "sql"])
}

/// Whether a relative path is test code: a folder `test`, `tests`, `spec`, `__tests__`,
/// `testdata`, `e2e`, or a file named `test_*.py`, `*_test.py`, `*_test.go`,
/// `*.test.{js,ts,...}`, `*.spec.{js,ts,...}`, `*_spec.rb`, `*Test.java`. Its queries run
/// against fixtures, not production tables: they get no query findings (its migrations and
/// schema files are read as usual).
pub fn is_test_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    let Some(name) = parts.pop() else {
        return false;
    };
    if parts.iter().any(|d| {
        matches!(
            *d,
            "test" | "tests" | "spec" | "__tests__" | "testdata" | "e2e"
        )
    }) {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    name.starts_with("test_") && name.ends_with(".py")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem.ends_with("Test") && name.ends_with(".java")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// The natural order key of a path: digit runs compare as numbers, so `v2` < `v10` and
/// `schema_version_2` < `schema_version_10`.
pub fn natural_key(path: &str) -> Vec<KeyPart> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                out.push(KeyPart::Text(std::mem::take(&mut text)));
            }
            num.push(c);
        } else {
            if !num.is_empty() {
                out.push(number(&std::mem::take(&mut num)));
            }
            text.push(c);
        }
    }
    if !num.is_empty() {
        out.push(number(&num));
    }
    if !text.is_empty() {
        out.push(KeyPart::Text(text));
    }
    out
}

fn number(digits: &str) -> KeyPart {
    // 39 digits overflow u128; such runs (hashes) compare as text.
    digits
        .parse::<u128>()
        .map(KeyPart::Num)
        .unwrap_or_else(|_| KeyPart::Text(digits.to_string()))
}

/// The folder part of a path (`a/b/` of `a/b/c.sql`).
pub fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// Classify one file: the configured `schema-sources` role when a glob matches, else the
/// first reader's claim, else the default (application code; a `.sql` file outside any
/// layout is read both as schema and as queries).
pub fn classify(f: &FileInfo, overrides: &[(globset::GlobMatcher, Role)]) -> Claim {
    let named_dialect = dialect::named(f.lower);
    if f.kind == FileKind::Prisma {
        return Claim {
            reader: "orm",
            role: Role::OrmSchema,
            key: natural_key(f.lower),
            reason: "ORM schema file: read by the ORM stage".into(),
            named_dialect,
            ..Claim::default()
        };
    }
    let mut claim = READERS
        .iter()
        .find_map(|r| (r.claim)(f))
        .unwrap_or_else(|| Claim {
            reader: "default",
            role: Role::Application,
            key: natural_key(f.lower),
            reason: if f.is_sql() {
                "SQL file outside any migration layout: DDL folded after the migrations, \
                 queries analyzed"
                    .into()
            } else {
                "application code".into()
            },
            ..Claim::default()
        });
    if let Some((_, role)) = overrides.iter().find(|(g, _)| g.is_match(f.path)) {
        claim.role = *role;
        claim.reason = format!("schema-sources in idxlint.toml ({})", claim.reason);
        if claim.key.is_empty() {
            claim.key = natural_key(f.lower);
        }
    }
    claim.named_dialect = named_dialect;
    claim
}

/// Compile the `schema-sources` table of the config (glob -> role).
pub fn overrides(config: &crate::config::Config) -> Vec<(globset::GlobMatcher, Role)> {
    config
        .schema_sources
        .iter()
        .filter_map(|(glob, role)| {
            Some((
                globset::Glob::new(glob).ok()?.compile_matcher(),
                Role::parse(role)?,
            ))
        })
        .collect()
}

/// Byte ranges of `text` between a line holding `down` and the next line holding `up`
/// (or the end), for the SQL-comment section markers of goose and dbmate.
pub(crate) fn marker_sections(text: &str, up: &str, down: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim().to_ascii_lowercase();
        if t.starts_with(down) && start.is_none() {
            start = Some(pos);
        } else if t.starts_with(up) {
            if let Some(s) = start.take() {
                out.push(s..pos);
            }
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_code_is_told_by_its_path() {
        for p in [
            "tests/users.sql",
            "app/spec/models/user_spec.rb",
            "hc/api/tests/test_check.py",
            "pkg/store/store_test.go",
            "web/src/users.test.ts",
            "web/src/__tests__/users.ts",
            "src/test/java/app/UserRepoTest.java",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "app/users.py",
            "latest/queries.sql",
            "src/contest.ts",
            "testing.go",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut v = vec![
            "migrations/v10.sql",
            "migrations/v2.sql",
            "migrations/v1.sql",
            "db/schema_version_10.sql",
            "db/schema_version_9.sql",
        ];
        v.sort_by_key(|p| natural_key(p));
        assert_eq!(
            v,
            [
                "db/schema_version_9.sql",
                "db/schema_version_10.sql",
                "migrations/v1.sql",
                "migrations/v2.sql",
                "migrations/v10.sql",
            ]
        );
    }

    #[test]
    fn down_sections_end_at_the_next_up() {
        let t = "-- +goose Up\nA;\n-- +goose Down\nB;\n-- +goose Up\nC;\n";
        let r = marker_sections(t, "-- +goose up", "-- +goose down");
        assert_eq!(r.len(), 1);
        assert_eq!(&t[r[0].clone()], "-- +goose Down\nB;\n");
    }
}

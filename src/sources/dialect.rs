//! Dialects per source: the dialect a path names, and the dialect inferred from the
//! schema files when none is configured.
//!
//! A path names a dialect when a folder is named for one (`mysql/`, `postgres/`,
//! `migrations_sqlite/`) or its file name has a dialect word among several
//! (`001_init.mysql.up.sql`, `schema-mysql-v2.sql`, `setup_sqlite3.sql`; a file called
//! just `mysql.sql` does not count). Such files are read only under that dialect.
//!
//! Inference (no `dialect` in idxlint.toml, no `--dialect`): each schema file not named
//! for a dialect votes by its syntax (MySQL: backtick identifiers, `ENGINE=`,
//! `AUTO_INCREMENT`; SQLite: `AUTOINCREMENT`, `WITHOUT ROWID`); the most voted wins, and
//! PostgreSQL when nobody votes. When every schema file is named for a dialect, PostgreSQL
//! is chosen if some are named for it, else the most common named dialect.

use crate::parse::Dialect;

/// The dialect a word names (`sqlserver` and `cockroach` have no parser: never read).
fn word_dialect(w: &str, in_dir: bool) -> Option<&'static str> {
    Some(match w {
        "postgres" | "postgresql" | "pgsql" | "psql" => "postgres",
        "pg" if in_dir => "postgres",
        "mysql" | "mariadb" => "mysql",
        "sqlite" | "sqlite3" => "sqlite",
        "cockroach" | "cockroachdb" | "crdb" => "cockroach",
        "mssql" | "sqlserver" | "tsql" => "sqlserver",
        "oracle" => "oracle",
        _ => return None,
    })
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(['.', '_', '-']).filter(|w| !w.is_empty())
}

/// The dialect a lower-cased relative path names, if any.
pub fn named(lower: &str) -> Option<&'static str> {
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop()?;
    // The innermost folder wins (`mysql/postgres_compat/` is unusual either way).
    for dir in parts.iter().rev() {
        if let Some(d) = words(dir).find_map(|w| word_dialect(w, true)) {
            return Some(d);
        }
    }
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let ws: Vec<&str> = words(stem).collect();
    if ws.len() < 2 {
        return None;
    }
    ws.iter().find_map(|w| word_dialect(w, false))
}

/// The name `named` uses for a dialect.
pub fn name_of(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
        Dialect::Sqlite => "sqlite",
    }
}

/// What the syntax of one schema file says about its dialect.
pub fn vote(text: &str) -> Option<Dialect> {
    let upper = text.to_ascii_uppercase();
    let mysql = upper.contains("ENGINE=")
        || upper.contains("ENGINE =")
        || upper.contains("AUTO_INCREMENT")
        || (text.contains('`') && upper.contains("CREATE TABLE `"));
    if mysql {
        return Some(Dialect::Mysql);
    }
    if upper.contains("AUTOINCREMENT") || upper.contains("WITHOUT ROWID") {
        return Some(Dialect::Sqlite);
    }
    None
}

/// The inferred dialect and a sentence saying why, from the schema files' texts and
/// named dialects.
pub fn infer<'a>(
    files: impl Iterator<Item = (Option<&'static str>, &'a str)>,
) -> (Dialect, String) {
    let mut votes = [0usize; 3];
    let mut named_counts = [0usize; 3];
    let mut unnamed = 0usize;
    let idx = |d: Dialect| match d {
        Dialect::Postgres => 0,
        Dialect::Mysql => 1,
        Dialect::Sqlite => 2,
    };
    for (named, text) in files {
        match named {
            Some("postgres") => named_counts[0] += 1,
            Some("mysql") => named_counts[1] += 1,
            Some("sqlite") => named_counts[2] += 1,
            Some(_) => {}
            None => {
                unnamed += 1;
                if let Some(d) = vote(text) {
                    votes[idx(d)] += 1;
                }
            }
        }
    }
    let all = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];
    if unnamed == 0 && named_counts.iter().any(|&n| n > 0) {
        if named_counts[0] > 0 {
            return (
                Dialect::Postgres,
                "schema files exist per dialect; postgres is among them".into(),
            );
        }
        let best = if named_counts[1] >= named_counts[2] {
            1
        } else {
            2
        };
        return (all[best], "the schema files are named for it".to_string());
    }
    let (best, n) = votes
        .iter()
        .enumerate()
        .skip(1)
        .max_by_key(|(_, n)| **n)
        .map_or((0, 0), |(i, n)| (i, *n));
    if n == 0 {
        return (
            Dialect::Postgres,
            format!("the default: none of the {unnamed} schema files uses MySQL or SQLite syntax"),
        );
    }
    let what = if best == 1 {
        "MySQL syntax (backticks, ENGINE=, AUTO_INCREMENT)"
    } else {
        "SQLite syntax (AUTOINCREMENT, WITHOUT ROWID)"
    };
    (
        all[best],
        format!("{n} of the {unnamed} schema files use {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_folders_and_file_names() {
        assert_eq!(named("db/migrations/mysql/001_x.up.sql"), Some("mysql"));
        assert_eq!(
            named("db/migrations/postgres/001_x.up.sql"),
            Some("postgres")
        );
        assert_eq!(named("m/1_x.mysql.up.sql"), Some("mysql"));
        assert_eq!(named("m/schema-mysql-v2.sql"), Some("mysql"));
        assert_eq!(named("m/setup_sqlite3.sql"), Some("sqlite"));
        assert_eq!(named("m/mysql.sql"), None);
        assert_eq!(named("m/001_add_pg_trgm.sql"), None);
        assert_eq!(named("pg/001.sql"), Some("postgres"));
        assert_eq!(named("m/001_users.sql"), None);
    }

    #[test]
    fn inference() {
        let (d, why) = infer(
            [
                (None, "CREATE TABLE `users` (id int) ENGINE=InnoDB;"),
                (None, "CREATE TABLE b (id int);"),
            ]
            .into_iter(),
        );
        assert_eq!(d, Dialect::Mysql, "{why}");
        let (d, _) = infer(
            [(
                None,
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);",
            )]
            .into_iter(),
        );
        assert_eq!(d, Dialect::Sqlite);
        let (d, _) = infer([(None, "CREATE TABLE t (id serial);")].into_iter());
        assert_eq!(d, Dialect::Postgres);
        let (d, _) = infer([(Some("mysql"), ""), (Some("postgres"), "")].into_iter());
        assert_eq!(d, Dialect::Postgres);
        let (d, _) = infer([(Some("mysql"), "")].into_iter());
        assert_eq!(d, Dialect::Mysql);
    }
}

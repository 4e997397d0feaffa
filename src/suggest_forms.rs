//! `idxlint suggest --write`: the suggested indexes in the form the project's migration
//! runner accepts.
//!
//! Input: the [`Planned`] indexes, the statements [`crate::rules::fix`] writes for them, the
//! migrations folder and the runner ([`Runner`], configured or detected from the folder).
//! Output: the new files (never overwriting one). Every form runs `CREATE INDEX
//! CONCURRENTLY` outside a transaction, the way that runner allows:
//!
//! | runner | what is written |
//! |---|---|
//! | plain, sqitch | one `.sql` file (statements run one by one) |
//! | golang-migrate, pop | one `NNN_name.up.sql` + `.down.sql` pair per statement (a file with several statements is one transaction); pop's is `.autocommit.` |
//! | diesel | one `<timestamp>_name/` folder per statement with `up.sql`, `down.sql` and `metadata.toml` (`run_in_transaction = false`) |
//! | goose | one file with `-- +goose NO TRANSACTION` |
//! | dbmate | one file per statement with `-- migrate:up transaction:false` |
//! | Flyway | `V<n+1>__add_missing_indexes.sql` and its script configuration `.sql.conf` (`executeInTransaction=false`) |
//! | Rails | a migration with `disable_ddl_transaction!` and the statements in `execute` |
//! | Alembic | a revision chained to the current head (`down_revision`) that runs the statements in `autocommit_block()` |
//! | Django | a migration with `atomic = False`, depending on the app's latest migration, the statements in `RunSQL` |
//!
//! Rails, Alembic and Django get the SQL through the runner's raw-SQL call (`execute`,
//! `op.execute`, `RunSQL`) rather than `add_index` / `AddIndexConcurrently`: idxlint reads
//! SQL strings in migrations as schema, so the finding goes away once the file is written.
//! The down direction of goose and dbmate files is left empty, and Django's `RunSQL` has a
//! no-op reverse: idxlint folds every SQL string of a migration, so a `DROP INDEX` there
//! would undo the index in idxlint's own schema (the down direction is reversed by hand).

use crate::model::migration::Runner;
use crate::suggest::Planned;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// One statement to run, with the comments that say what it serves.
#[derive(Debug, Clone)]
pub struct PlannedSql {
    pub comments: Vec<String>,
    pub sql: String,
    /// The index it creates, when it creates one (for the down direction).
    pub index: Option<String>,
    /// The table the index is on.
    pub table: String,
}

/// The statements of a plan, one per entry (an extension a key needs comes first, once).
pub fn statements(plan: &[Planned], sql_of: impl Fn(&Planned) -> String) -> Vec<PlannedSql> {
    let mut out: Vec<PlannedSql> = Vec::new();
    for p in plan {
        let mut comments: Vec<String> = p.serves.iter().map(|s| format!("serves {s}")).collect();
        for stmt in sql_of(p).lines().map(str::trim).filter(|l| !l.is_empty()) {
            if out.iter().any(|o| o.sql == stmt) {
                continue;
            }
            out.push(PlannedSql {
                comments: std::mem::take(&mut comments),
                sql: stmt.to_string(),
                index: created_index(stmt),
                table: p.table.clone(),
            });
        }
    }
    out
}

/// The name of the index a `CREATE INDEX` statement creates.
fn created_index(sql: &str) -> Option<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    if lower.first().map(String::as_str) != Some("create") {
        return None;
    }
    let on = lower.iter().position(|w| w == "on")?;
    let name = words.get(on.checked_sub(1)?)?;
    let before = lower.get(on - 1).map(String::as_str)?;
    (!matches!(before, "index" | "concurrently" | "exists")).then(|| name.to_string())
}

/// The folder new migrations go to: that of the last migration file idxlint read (by path
/// order), or its parent for runners that keep one folder per migration (diesel's
/// `<timestamp>_name/up.sql`, Prisma's `<timestamp>_name/migration.sql`).
pub fn target_dir(analysis: &crate::Analysis, config: &crate::config::Config) -> Option<PathBuf> {
    let rules = crate::discover::PathRules::new(config);
    let last = analysis
        .sources
        .iter()
        .map(|(_, f)| f)
        .filter(|f| {
            [".sql", ".rb", ".py"].iter().any(|e| f.path.ends_with(e))
                && rules.is_migration(&f.path)
                && !rules.is_down(&f.path)
                && !crate::model::migration::is_snapshot(&f.path, &f.text)
                && !f.path.ends_with("__init__.py")
        })
        .last()?;
    let parent = last.abs_path.parent()?;
    let name = last.path.rsplit('/').next().unwrap_or_default();
    if matches!(name, "up.sql" | "migration.sql")
        && matches!(
            Runner::detect(&last.path, &last.text),
            Some(Runner::Diesel | Runner::Prisma)
        )
    {
        return parent.parent().map(Path::to_path_buf);
    }
    Some(parent.to_path_buf())
}

/// The runner of the files already in `dir` (the most common one detected), or plain.
pub fn detect_in(dir: &Path) -> Runner {
    let mut counts: Vec<(Runner, usize)> = Vec::new();
    for (path, text) in folder_files(dir) {
        if let Some(r) = Runner::detect(&path, &text) {
            match counts.iter_mut().find(|(x, _)| *x == r) {
                Some((_, n)) => *n += 1,
                None => counts.push((r, 1)),
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(Runner::Plain, |(r, _)| r)
}

/// The files of `dir` and of its direct subfolders, as `(path ending in the folder name,
/// text)`, sorted by path.
fn folder_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // The last two folder names: enough for the runners' path conventions (`db/migrate`).
    let base: Vec<String> = dir
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let base = base.into_iter().rev().collect::<Vec<_>>().join("/");
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let p = e.path();
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                for f in sub.flatten() {
                    let fname = f.file_name().to_string_lossy().into_owned();
                    let text = std::fs::read_to_string(f.path()).unwrap_or_default();
                    out.push((format!("{base}/{name}/{fname}"), text));
                }
            }
        } else {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            out.push((format!("{base}/{name}"), text));
        }
    }
    out.sort();
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn leading_digits(n: &str) -> usize {
    n.chars().take_while(|c| c.is_ascii_digit()).count()
}

/// Version prefixes for `count` new migrations after those in `dir`: the next numbers with
/// the folder's width, or timestamps (`now`, then `now` + 1 second ...) when the folder uses
/// timestamps or is empty.
fn versions(dir: &Path, now: &str, count: usize) -> Vec<String> {
    let names = names_in(dir);
    let last = names
        .iter()
        .filter(|n| leading_digits(n) > 0)
        .max_by_key(|n| {
            let d = leading_digits(n);
            n[..d].parse::<u128>().unwrap_or(0)
        });
    match last {
        Some(last) if leading_digits(last) < 12 => {
            let width = leading_digits(last);
            let n: u64 = last[..width].parse().unwrap_or(0);
            (1..=count as u64)
                .map(|k| format!("{:0width$}", n + k))
                .collect()
        }
        _ => {
            let base: u64 = now.parse().unwrap_or(0);
            (0..count as u64).map(|k| bump_seconds(base, k)).collect()
        }
    }
}

/// `YYYYMMDDHHMMSS` plus `k` seconds (k < 60 in practice; carries into minutes).
fn bump_seconds(ts: u64, k: u64) -> String {
    let secs = ts % 100 + k;
    let rest = ts - ts % 100;
    let min = rest / 100 % 100 + secs / 60;
    format!("{}", rest - rest % 10_000 + min * 100 + secs % 60)
}

fn header(out: &mut String, comment: &str) {
    let _ = writeln!(
        out,
        "{comment} Generated by `idxlint suggest --write`: indexes that serve queries and foreign"
    );
    let _ = writeln!(
        out,
        "{comment} keys no declared index serves. Review before applying."
    );
}

fn sql_block(out: &mut String, stmts: &[&PlannedSql]) {
    for s in stmts {
        out.push('\n');
        for c in &s.comments {
            let _ = writeln!(out, "-- {c}");
        }
        let _ = writeln!(out, "{}", s.sql);
    }
}

fn drop_sql(s: &PlannedSql) -> String {
    match &s.index {
        Some(name) => format!("DROP INDEX CONCURRENTLY IF EXISTS {name};\n"),
        None => "-- nothing to undo\n".to_string(),
    }
}

fn slug(s: &PlannedSql) -> String {
    match &s.index {
        Some(name) => format!("add_{name}"),
        None => "add_extension".to_string(),
    }
}

/// The files that add `stmts` under `runner` in `dir` (`now` is `YYYYMMDDHHMMSS`, UTC).
pub fn files(runner: Runner, dir: &Path, now: &str, stmts: &[PlannedSql]) -> Vec<NewFile> {
    let all: Vec<&PlannedSql> = stmts.iter().collect();
    match runner {
        Runner::GolangMigrate | Runner::Pop => {
            let names = names_in(dir);
            let dialect_suffix = [".postgres.", ".cockroach."]
                .into_iter()
                .find(|d| names.iter().any(|n| n.contains(d)))
                .map(|d| d.trim_matches('.'));
            let mid = match (runner, dialect_suffix) {
                (Runner::Pop, Some(d)) => format!(".{d}.autocommit"),
                (Runner::Pop, None) => ".autocommit".to_string(),
                _ => String::new(),
            };
            let down_mid = match (runner, dialect_suffix) {
                (Runner::Pop, Some(d)) => format!(".{d}"),
                _ => String::new(),
            };
            versions(dir, now, stmts.len())
                .into_iter()
                .zip(stmts)
                .flat_map(|(v, s)| {
                    let mut up = String::new();
                    header(&mut up, "--");
                    sql_block(&mut up, &[s]);
                    let base = format!("{v}_{}", slug(s));
                    [
                        NewFile {
                            path: dir.join(format!("{base}{mid}.up.sql")),
                            text: up,
                        },
                        NewFile {
                            path: dir.join(format!("{base}{down_mid}.down.sql")),
                            text: drop_sql(s),
                        },
                    ]
                })
                .collect()
        }
        Runner::Diesel => {
            let stamp = |v: &str| {
                // diesel's own format: 2024-01-31-120000
                if v.len() == 14 {
                    format!("{}-{}-{}-{}", &v[..4], &v[4..6], &v[6..8], &v[8..])
                } else {
                    v.to_string()
                }
            };
            let dashed = names_in(dir).iter().any(|n| n.get(4..5) == Some("-"));
            let base: u64 = now.parse().unwrap_or(0);
            (0..stmts.len() as u64)
                .map(|k| bump_seconds(base, k))
                .zip(stmts)
                .flat_map(|(v, s)| {
                    let folder = dir.join(format!(
                        "{}_{}",
                        if dashed { stamp(&v) } else { v.clone() },
                        slug(s)
                    ));
                    let mut up = String::new();
                    header(&mut up, "--");
                    sql_block(&mut up, &[s]);
                    [
                        NewFile {
                            path: folder.join("up.sql"),
                            text: up,
                        },
                        NewFile {
                            path: folder.join("down.sql"),
                            text: drop_sql(s),
                        },
                        NewFile {
                            path: folder.join("metadata.toml"),
                            text: "# CREATE INDEX CONCURRENTLY cannot run in a transaction.\n\
                                   run_in_transaction = false\n"
                                .to_string(),
                        },
                    ]
                })
                .collect()
        }
        Runner::Goose => {
            let mut text = String::new();
            header(&mut text, "--");
            text.push_str("-- CREATE INDEX CONCURRENTLY cannot run in a transaction.\n");
            text.push_str("-- +goose NO TRANSACTION\n-- +goose Up\n");
            sql_block(&mut text, &all);
            let v = versions(dir, now, 1).pop().unwrap_or_default();
            vec![NewFile {
                path: dir.join(format!("{v}_add_missing_indexes.sql")),
                text,
            }]
        }
        Runner::Dbmate => {
            let base: u64 = now.parse().unwrap_or(0);
            (0..stmts.len() as u64)
                .map(|k| bump_seconds(base, k))
                .zip(stmts)
                .map(|(v, s)| {
                    let mut text = "-- migrate:up transaction:false\n".to_string();
                    header(&mut text, "--");
                    sql_block(&mut text, &[s]);
                    text.push_str("\n-- migrate:down\n");
                    NewFile {
                        path: dir.join(format!("{v}_{}.sql", slug(s))),
                        text,
                    }
                })
                .collect()
        }
        Runner::Flyway => {
            let next = names_in(dir)
                .iter()
                .filter_map(|n| {
                    let v = n.strip_prefix('V')?.split("__").next()?;
                    v.split(['.', '_']).next()?.parse::<u64>().ok()
                })
                .max()
                .unwrap_or(0)
                + 1;
            let name = format!("V{next}__add_missing_indexes.sql");
            let mut text = String::new();
            header(&mut text, "--");
            sql_block(&mut text, &all);
            vec![
                NewFile {
                    path: dir.join(&name),
                    text,
                },
                NewFile {
                    path: dir.join(format!("{name}.conf")),
                    text: "executeInTransaction=false\n".to_string(),
                },
            ]
        }
        Runner::Rails => vec![rails(dir, now, &all)],
        Runner::Alembic => vec![alembic(dir, now, &all)],
        Runner::Django => vec![django(dir, &all)],
        Runner::Plain | Runner::Sqitch | Runner::Prisma | Runner::Drizzle => {
            let mut text = String::new();
            header(&mut text, "--");
            text.push_str("-- CREATE INDEX CONCURRENTLY cannot run inside a transaction: run this file\n-- without one.\n");
            sql_block(&mut text, &all);
            vec![NewFile {
                path: crate::suggest::next_migration_name(dir, now),
                text,
            }]
        }
    }
}

/// A Python or Ruby string literal holding `sql` (which has no quotes of that kind).
fn quoted(sql: &str) -> String {
    format!("\"{}\"", sql.replace('\\', "\\\\").replace('"', "\\\""))
}

fn rails(dir: &Path, now: &str, stmts: &[&PlannedSql]) -> NewFile {
    // The migration version the project's other migrations use.
    let version = folder_files(dir)
        .iter()
        .find_map(|(_, t)| {
            let at = t.find("ActiveRecord::Migration[")? + "ActiveRecord::Migration[".len();
            let v: String = t[at..].chars().take_while(|c| *c != ']').collect();
            (!v.is_empty() && v.len() < 8).then_some(v)
        })
        .unwrap_or_else(|| "7.1".to_string());
    let mut t = String::new();
    header(&mut t, "#");
    let _ = writeln!(
        t,
        "class AddMissingIndexes{now} < ActiveRecord::Migration[{version}]"
    );
    t.push_str("  # CREATE INDEX CONCURRENTLY cannot run in a transaction.\n");
    t.push_str("  disable_ddl_transaction!\n\n  def up\n");
    for s in stmts {
        for c in &s.comments {
            let _ = writeln!(t, "    # {c}");
        }
        let _ = writeln!(t, "    execute <<~SQL\n      {}\n    SQL", s.sql);
    }
    t.push_str("  end\n\n  def down\n");
    for s in stmts {
        if let Some(name) = &s.index {
            let _ = writeln!(
                t,
                "    remove_index {}, name: {}, algorithm: :concurrently, if_exists: true",
                quoted(&s.table),
                quoted(name)
            );
        }
    }
    t.push_str("  end\nend\n");
    NewFile {
        path: dir.join(format!("{now}_add_missing_indexes{now}.rb")),
        text: t,
    }
}

/// `revision = "x"` / `down_revision = "y"` (or a tuple) of an Alembic revision file.
fn alembic_ids(text: &str) -> (Option<String>, Vec<String>) {
    let mut rev = None;
    let mut down = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        let value = |key: &str| -> Option<&str> {
            let rest = l.strip_prefix(key)?.trim_start();
            let rest = rest
                .strip_prefix(':')
                .map_or(rest, |r| r.split_once('=').map_or("", |(_, v)| v));
            Some(rest.trim_start().strip_prefix('=').unwrap_or(rest).trim())
        };
        if let Some(v) = value("revision") {
            rev = v
                .split(['"', '\''])
                .nth(1)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        } else if let Some(v) = value("down_revision") {
            down = v
                .split(['"', '\''])
                .enumerate()
                .filter(|(i, s)| i % 2 == 1 && !s.is_empty())
                .map(|(_, s)| s.to_string())
                .collect();
        }
    }
    (rev, down)
}

fn alembic(dir: &Path, now: &str, stmts: &[&PlannedSql]) -> NewFile {
    let mut revs = Vec::new();
    let mut downs = Vec::new();
    for (path, text) in folder_files(dir) {
        if path.ends_with(".py") {
            let (r, d) = alembic_ids(&text);
            revs.extend(r);
            downs.extend(d);
        }
    }
    let mut heads: Vec<String> = revs.into_iter().filter(|r| !downs.contains(r)).collect();
    heads.sort();
    let down = match heads.as_slice() {
        [] => "None".to_string(),
        [one] => quoted(one),
        many => format!(
            "({},)",
            many.iter()
                .map(|h| quoted(h))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let rev = format!("{:012x}", now.parse::<u64>().unwrap_or(0) % (1 << 48));
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\"\"\"Add missing indexes (idxlint suggest)\n\nRevision ID: {rev}\nRevises: {}\n\"\"\"",
        heads.join(", ")
    );
    header(&mut t, "#");
    let _ = writeln!(
        t,
        "from alembic import op\n\nrevision = \"{rev}\"\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\n"
    );
    t.push_str("def upgrade():\n    # CREATE INDEX CONCURRENTLY cannot run in a transaction.\n");
    t.push_str("    with op.get_context().autocommit_block():\n");
    for s in stmts {
        for c in &s.comments {
            let _ = writeln!(t, "        # {c}");
        }
        let _ = writeln!(t, "        op.execute({})", quoted(&s.sql));
    }
    t.push_str("\n\ndef downgrade():\n    with op.get_context().autocommit_block():\n");
    let mut any = false;
    for s in stmts {
        if let Some(name) = &s.index {
            any = true;
            let _ = writeln!(
                t,
                "        op.drop_index({}, postgresql_concurrently=True, if_exists=True)",
                quoted(name)
            );
        }
    }
    if !any {
        t.push_str("        pass\n");
    }
    // Follow a date-first `file_template` when the folder uses one, so the new revision
    // also sorts last.
    let dated = names_in(dir)
        .iter()
        .any(|n| n.ends_with(".py") && leading_digits(n) >= 8);
    let name = if dated {
        format!("{now}_{rev}_add_missing_indexes.py")
    } else {
        format!("{rev}_add_missing_indexes.py")
    };
    NewFile {
        path: dir.join(name),
        text: t,
    }
}

fn django(dir: &Path, stmts: &[&PlannedSql]) -> NewFile {
    let names = names_in(dir);
    let latest = names
        .iter()
        .filter(|n| n.ends_with(".py") && leading_digits(n) > 0)
        .max_by_key(|n| n[..leading_digits(n)].parse::<u64>().unwrap_or(0))
        .cloned();
    let next = latest
        .as_deref()
        .map_or(0, |n| n[..leading_digits(n)].parse::<u64>().unwrap_or(0))
        + 1;
    let app = dir
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut t = String::new();
    header(&mut t, "#");
    t.push_str("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n");
    t.push_str(
        "    # CREATE INDEX CONCURRENTLY cannot run in a transaction.\n    atomic = False\n\n",
    );
    match &latest {
        Some(l) => {
            let _ = writeln!(
                t,
                "    dependencies = [\n        ({}, {}),\n    ]\n",
                quoted(&app),
                quoted(l.trim_end_matches(".py"))
            );
        }
        None => t.push_str("    dependencies = []\n\n"),
    }
    t.push_str("    operations = [\n");
    for s in stmts {
        for c in &s.comments {
            let _ = writeln!(t, "        # {c}");
        }
        let _ = writeln!(
            t,
            "        migrations.RunSQL({}, reverse_sql=migrations.RunSQL.noop),",
            quoted(&s.sql)
        );
    }
    t.push_str("    ]\n");
    NewFile {
        path: dir.join(format!("{next:04}_add_missing_indexes.py")),
        text: t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_created_index_name() {
        assert_eq!(
            created_index("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);").as_deref(),
            Some("users_email_idx")
        );
        assert_eq!(
            created_index("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x);").as_deref(),
            Some("a")
        );
        assert_eq!(
            created_index("CREATE EXTENSION IF NOT EXISTS pg_trgm;"),
            None
        );
    }

    #[test]
    fn timestamps_count_up_by_seconds() {
        assert_eq!(bump_seconds(20260101000059, 1), "20260101000100");
        assert_eq!(bump_seconds(20260101000000, 2), "20260101000002");
    }

    #[test]
    fn alembic_heads_come_from_revision_ids() {
        let (r, d) = alembic_ids("revision = 'b2'\ndown_revision = ('a1', \"a0\")\n");
        assert_eq!(r.as_deref(), Some("b2"));
        assert_eq!(d, ["a1", "a0"]);
        let (r, d) =
            alembic_ids("revision: str = \"c3\"\ndown_revision: Union[str, None] = None\n");
        assert_eq!(r.as_deref(), Some("c3"));
        assert!(d.is_empty());
    }
}

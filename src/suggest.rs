//! `idxlint suggest`: one migration that adds every missing index, merged across queries.
//!
//! The candidates are the indexes the findings ask for (`missing-index`, `misordered-index`,
//! `non-sargable-predicate`, `leading-wildcard`, `unindexed-foreign-key`), for findings that
//! were not suppressed. A candidate whose keys are a leading prefix of a wider candidate on the
//! same table and method is served by the wider one, so only the wider one is created: one
//! composite that serves several queries is preferred over several narrow ones, and no
//! suggested index is redundant with another. Each statement carries comments naming the
//! queries and keys it serves.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::coverage::Suggestion;
use crate::model::schema::IndexKey;
use crate::rules::{fix, Context};
use crate::source::Location;
use crate::Analysis;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One index to create and what it serves.
#[derive(Debug, Clone)]
pub struct Planned {
    pub table: String,
    pub suggestion: Suggestion,
    /// `path:line` and a description of each query or foreign key served.
    pub serves: Vec<String>,
}

fn same_key(a: &IndexKey, b: &IndexKey) -> bool {
    a.expr == b.expr && a.desc == b.desc && a.opclass == b.opclass
}

/// Whether an index with keys `wide` serves everything one with keys `narrow` serves.
fn covers(wide: &Suggestion, narrow: &Suggestion) -> bool {
    wide.method == narrow.method
        && wide.predicate == narrow.predicate
        && narrow.keys.len() <= wide.keys.len()
        && narrow
            .keys
            .iter()
            .zip(&wide.keys)
            .all(|(n, w)| same_key(n, w))
}

fn at(analysis: &Analysis, loc: &Location) -> String {
    let f = analysis.sources.get(loc.file);
    let lc = f.lines.line_col(&f.text, loc.range.start);
    format!("{}:{}", f.path, lc.line)
}

fn reported(diagnostics: &[Diagnostic], rule: &str, loc: &Location, table: &str) -> bool {
    diagnostics
        .iter()
        .any(|d| d.rule == rule && &d.location == loc && d.table.as_deref() == Some(table))
}

/// The merged plan of indexes to create.
pub fn plan(analysis: &Analysis, config: &Config) -> Vec<Planned> {
    let ctx = Context::new(
        &analysis.schema,
        &analysis.queries,
        &[],
        config,
        analysis.dialect,
    )
    .with_inserted(analysis.inserted.clone());
    let mut candidates: Vec<Planned> = Vec::new();
    for site in ctx.gaps() {
        let rule = site.gap.kind.rule();
        if !reported(
            &analysis.diagnostics,
            rule,
            &site.query.location,
            &site.table.name,
        ) {
            continue;
        }
        candidates.push(Planned {
            table: site.table.name.clone(),
            suggestion: site.gap.suggestion.clone(),
            serves: vec![format!(
                "{} {}",
                at(analysis, &site.query.location),
                crate::rules::missing_index::describe(
                    site.query,
                    site.access,
                    &site.gap.suggestion.keys,
                    site.gap.via_join
                )
            )],
        });
    }
    for d in &analysis.diagnostics {
        if d.rule != "unindexed-foreign-key" {
            continue;
        }
        let Some(table) = &d.table else { continue };
        candidates.push(Planned {
            table: table.clone(),
            suggestion: Suggestion {
                keys: d.columns.iter().map(|c| IndexKey::column(c)).collect(),
                method: "btree",
                predicate: None,
            },
            serves: vec![format!(
                "{} foreign key ({})",
                at(analysis, &d.location),
                d.columns.join(", ")
            )],
        });
    }
    // Widest first, so that narrower candidates fold into them.
    candidates.sort_by(|a, b| {
        (&a.table, std::cmp::Reverse(a.suggestion.keys.len()))
            .cmp(&(&b.table, std::cmp::Reverse(b.suggestion.keys.len())))
    });
    let mut kept: Vec<Planned> = Vec::new();
    for c in candidates {
        let fk_cols = |s: &Suggestion| -> Vec<String> {
            let mut v: Vec<String> = s.keys.iter().map(|k| k.expr.display()).collect();
            v.sort();
            v
        };
        let host = kept.iter_mut().find(|k| {
            k.table == c.table
                && (covers(&k.suggestion, &c.suggestion)
                    // Foreign-key columns may lead in any order.
                    || (c.serves.iter().all(|s| s.contains(" foreign key "))
                        && k.suggestion.method == "btree"
                        && k.suggestion.keys.len() >= c.suggestion.keys.len()
                        && fk_cols(&Suggestion {
                            keys: k.suggestion.keys[..c.suggestion.keys.len()].to_vec(),
                            method: "btree",
                            predicate: None,
                        }) == fk_cols(&c.suggestion)))
        });
        match host {
            Some(k) => {
                for s in c.serves {
                    if !k.serves.contains(&s) {
                        k.serves.push(s);
                    }
                }
            }
            None => kept.push(c),
        }
    }
    kept.sort_by(|a, b| {
        (&a.table, fix::keys_sql(&a.suggestion.keys))
            .cmp(&(&b.table, fix::keys_sql(&b.suggestion.keys)))
    });
    kept
}

/// The migration text of a plan.
pub fn migration_text(analysis: &Analysis, plan: &[Planned]) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str("-- idxlint suggest: no missing index.\n");
        return out;
    }
    out.push_str(
        "-- Generated by `idxlint suggest`: indexes that serve queries and foreign keys\n",
    );
    out.push_str("-- no declared index serves. Review before applying.\n");
    if analysis.dialect == crate::parse::Dialect::Postgres {
        out.push_str(
            "-- CREATE INDEX CONCURRENTLY cannot run inside a transaction: run this file\n",
        );
        out.push_str("-- without one.\n");
    }
    let writer = fix::FixWriter::new(analysis.dialect, &analysis.schema);
    for p in plan {
        out.push('\n');
        for s in &p.serves {
            let _ = writeln!(out, "-- serves {s}");
        }
        match writer.suggestion(&p.table, &p.suggestion) {
            Ok(sql) => {
                let _ = writeln!(out, "{sql}");
            }
            // Withheld rather than wrong: say so where the statement would be.
            Err(note) => {
                let _ = writeln!(out, "-- {note}");
            }
        }
    }
    out
}

/// A new migration file name in `dir` that follows the names already there:
/// numbered (`0007_x.sql` -> `0008_...`), timestamped (`20240101120000_x.sql`), with the
/// `.up.sql` suffix when the folder uses it. `now` is `YYYYMMDDHHMMSS` (UTC).
pub fn next_migration_name(dir: &Path, now: &str) -> PathBuf {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let up = names.iter().any(|n| n.ends_with(".up.sql"));
    let suffix = if up {
        "add_missing_indexes.up.sql"
    } else {
        "add_missing_indexes.sql"
    };
    let digits = |n: &str| n.chars().take_while(|c| c.is_ascii_digit()).count();
    let name = match names.last() {
        Some(last) if digits(last) >= 12 => format!("{now}_{suffix}"),
        Some(last) if digits(last) > 0 => {
            let width = digits(last);
            let n: u64 = last[..width].parse().unwrap_or(0);
            format!("{:0width$}_{suffix}", n + 1)
        }
        _ => format!("{now}_{suffix}"),
    };
    dir.join(name)
}

/// The folder that holds the project's migrations: the folder of the last migration file
/// (by path order) whose DDL was read.
pub fn migrations_dir(analysis: &Analysis, config: &Config) -> Option<PathBuf> {
    let rules = crate::discover::PathRules::new(config);
    analysis
        .sources
        .iter()
        .filter(|(_, f)| f.path.ends_with(".sql") && rules.is_migration(&f.path))
        .map(|(_, f)| f)
        .last()
        .and_then(|f| f.abs_path.parent().map(Path::to_path_buf))
}

/// The current UTC time as `YYYYMMDDHHMMSS`, for timestamped migration names.
pub fn utc_timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    timestamp(secs)
}

/// `secs` since the Unix epoch as UTC `YYYYMMDDHHMMSS` (civil date from days since
/// 1970-01-01, after Howard Hinnant's date algorithms).
pub fn timestamp(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Write `text` to a new file at `path` atomically (a temporary file renamed into place);
/// never overwrites an existing file.
pub fn write_new_file(path: &Path, text: &str) -> std::io::Result<()> {
    if path.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", path.display()),
        ));
    }
    let tmp = path.with_extension("idxlint-tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_names_follow_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        assert!(next_migration_name(p, "20260101000000")
            .ends_with("20260101000000_add_missing_indexes.sql"));
        std::fs::write(p.join("0007_users.sql"), "").unwrap();
        assert!(next_migration_name(p, "x").ends_with("0008_add_missing_indexes.sql"));
        std::fs::write(p.join("20250101120000_more.up.sql"), "").unwrap();
        assert!(next_migration_name(p, "20260101000000")
            .ends_with("20260101000000_add_missing_indexes.up.sql"));
    }

    #[test]
    fn wider_suggestion_covers_prefix() {
        let s = |cols: &[&str]| Suggestion {
            keys: cols.iter().map(|c| IndexKey::column(c)).collect(),
            method: "btree",
            predicate: None,
        };
        assert!(covers(&s(&["a", "b"]), &s(&["a"])));
        assert!(!covers(&s(&["a", "b"]), &s(&["b"])));
        assert!(!covers(&s(&["a"]), &s(&["a", "b"])));
    }

    #[test]
    fn timestamps_are_utc_civil_time() {
        assert_eq!(timestamp(0), "19700101000000");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(timestamp(1_709_251_199), "20240229235959");
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.sql");
        write_new_file(&p, "a").unwrap();
        assert!(write_new_file(&p, "b").is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a");
    }
}

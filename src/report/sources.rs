//! `idxlint schema --sources`: every file considered, what it is to the schema and why.
//!
//! Input: an [`Analysis`] (its [`Plan`](crate::sources::Plan)) and the skipped entries.
//! Output: plain text, stable and diff-friendly. First the dialect (and why, when
//! inferred), then one line per file in fold order (folded files numbered), then the
//! files not folded by path, then schema conflicts and files discovery skipped:
//!
//! ```text
//! dialect postgres (inferred: ...)
//!    1  base         dump            schema.sql  (named as a full schema; ...)
//!    2  migration    numbered        migrations/v2.sql  (SQL in a migration folder)
//!    -  teardown     teardown        drop_tables.sql  (teardown script: never schema)
//! ```

use crate::report::span;
use crate::Analysis;
use std::io::{self, Write};

/// Write the sources listing of `analysis` to `out`.
pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let plan = &analysis.plan;
    match &plan.dialect_reason {
        Some(why) => writeln!(out, "dialect {} (inferred: {why})", plan.dialect)?,
        None => writeln!(out, "dialect {} (configured)", plan.dialect)?,
    }
    for &i in &plan.order {
        let Some(e) = plan.entries.get(i) else {
            continue;
        };
        let n = e.order.map_or("-".to_string(), |n| n.to_string());
        let mut what = Vec::new();
        if e.folds {
            what.push("schema");
        }
        if e.queries {
            what.push("queries");
        }
        let what = if what.is_empty() {
            "-".to_string()
        } else {
            what.join("+")
        };
        let dialect = e.dialect.map(|d| format!(" [{d}]")).unwrap_or_default();
        writeln!(
            out,
            "{n:>4}  {:<11}  {:<14}  {:<14}  {}{dialect}  ({})",
            e.role.as_str(),
            e.reader,
            what,
            e.path,
            e.reason
        )?;
    }
    for c in &plan.conflicts {
        let at = |l: &crate::source::Location| {
            let (start, _) = span(&analysis.sources, l);
            format!("{}:{}", analysis.sources.get(l.file).path, start.line)
        };
        writeln!(
            out,
            "conflict: table {} created at {} and at {} ({})",
            c.table,
            at(&c.first),
            at(&c.second),
            c.outcome
        )?;
    }
    for s in &analysis.skipped {
        writeln!(out, "skipped  {}  ({})", s.path, s.reason)?;
    }
    Ok(())
}

/// One line: how many files fold, by role (for summaries and `-v`).
pub fn summary(analysis: &Analysis) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in &analysis.plan.entries {
        *counts.entry(e.role.as_str()).or_default() += 1;
    }
    let roles: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!(
        "schema from {} of {} files ({}); dialect {}",
        analysis.plan.folded(),
        analysis.plan.entries.len(),
        roles.join(", "),
        analysis.plan.dialect
    )
}

/// Warnings a user should see by default: an empty schema, or many queries naming tables
/// the schema does not declare, with the likely reason.
pub fn warnings(analysis: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    let total = analysis.queries.len() + analysis.unresolved.len();
    let unread = analysis.plan.unread_ddl();
    let reason = || match unread.first() {
        Some((path, n)) => format!(
            "; CREATE TABLE found in `{path}` ({n}){} but not read as schema: set \
             `schema-sources` in idxlint.toml",
            if unread.len() > 1 {
                format!(" and {} other files", unread.len() - 1)
            } else {
                String::new()
            }
        ),
        None => "; see `idxlint schema --sources` for the files read as schema".to_string(),
    };
    if analysis.schema.tables.is_empty() {
        out.push(format!(
            "the schema is empty: {} files read as schema declare no table, so {total} \
             queries get no verdict{}",
            analysis.plan.folded(),
            reason()
        ));
    } else if total > 0 && analysis.unresolved.len() * 5 > total {
        out.push(format!(
            "{} of {total} queries name tables or columns the schema does not declare \
             (no verdict; `-v` lists them){}",
            analysis.unresolved.len(),
            reason()
        ));
    }
    out
}

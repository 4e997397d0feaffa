//! `idxlint inspect FILE:LINE`: for the query at that place, the access pattern per table,
//! every index considered on those tables, and why each does or does not serve it. This is
//! how users come to trust (or dispute) a verdict.

use crate::config::Config;
use crate::model::coverage::{self, Conditions};
use crate::model::usage::{FilterOp, Query, TableAccess};
use crate::rules::{fix, Context};
use crate::Analysis;
use std::io::{self, Write};

/// The queries whose SQL spans `line` (1-based) of `path`.
pub fn queries_at<'a>(analysis: &'a Analysis, path: &str, line: usize) -> Vec<(&'a Query, bool)> {
    let resolved = analysis.queries.iter().map(|q| (q, true));
    let unresolved = analysis.unresolved.iter().map(|q| (q, false));
    resolved
        .chain(unresolved)
        .filter(|(q, _)| {
            let f = analysis.sources.get(q.location.file);
            if f.path != path {
                return false;
            }
            let first = f.lines.line_of(q.location.range.start) + 1;
            let last = f.lines.line_of(
                q.location
                    .range
                    .end
                    .saturating_sub(1)
                    .max(q.location.range.start),
            ) + 1;
            (first..=last).contains(&line)
        })
        .collect()
}

fn list(items: Vec<String>) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

fn pattern(out: &mut dyn Write, a: &TableAccess, q: &Query) -> io::Result<()> {
    let by = |pred: &dyn Fn(&FilterOp) -> bool| {
        list(
            a.filters
                .iter()
                .filter(|f| pred(&f.op))
                .map(|f| f.text.clone())
                .collect(),
        )
    };
    writeln!(
        out,
        "  equality:  {}",
        by(&|op| matches!(op, FilterOp::Eq(_) | FilterOp::In(_) | FilterOp::IsNull))
    )?;
    writeln!(
        out,
        "  range:     {}",
        by(&|op| matches!(op, FilterOp::Range | FilterOp::LikePrefix))
    )?;
    writeln!(
        out,
        "  operators: {}",
        by(&|op| matches!(op, FilterOp::Match(_)))
    )?;
    writeln!(
        out,
        "  other:     {}",
        by(&|op| matches!(op, FilterOp::IsNotNull | FilterOp::Other))
    )?;
    writeln!(
        out,
        "  join:      {}",
        list(
            a.join_keys
                .iter()
                .map(|j| format!("{} = {}", j.column, q.accesses[j.partner].table))
                .collect()
        )
    )?;
    writeln!(
        out,
        "  sort:      {}",
        list(
            a.order_by
                .iter()
                .map(|o| format!("{}{}", o.expr.display(), if o.desc { " DESC" } else { "" }))
                .collect()
        )
    )?;
    writeln!(
        out,
        "  group by:  {}",
        list(a.group_by.iter().map(|g| g.display()).collect())
    )?;
    let limit = match a.limit {
        Some(u64::MAX) => "a parameter".to_string(),
        Some(n) => n.to_string(),
        None => "-".into(),
    };
    writeln!(out, "  limit:     {limit}")?;
    if a.has_or {
        writeln!(
            out,
            "  note:      a top-level OR involves this table: no verdict"
        )?;
    }
    if !a.unknown_columns.is_empty() {
        writeln!(out, "  unknown columns: {}", a.unknown_columns.join(", "))?;
    }
    Ok(())
}

/// The statistics classes the verdict uses: the table's size and the class of every column
/// the access constrains, joins on or sorts by, each with its reason.
fn statistics(
    out: &mut dyn Write,
    ctx: &Context,
    table: &crate::model::schema::Table,
    a: &crate::model::usage::TableAccess,
) -> io::Result<()> {
    let stats = ctx.stats();
    let size = stats.table(ctx.schema, table);
    writeln!(out, "  size: {} ({})", size.class.as_str(), size.why)?;
    let mut seen: Vec<crate::model::schema::KeyExpr> = Vec::new();
    for f in &a.filters {
        if f.op == crate::model::usage::FilterOp::Other || seen.contains(&f.target) {
            continue;
        }
        seen.push(f.target.clone());
        let c = stats.condition(ctx.schema, table, f);
        writeln!(
            out,
            "  column {}: {} ({})",
            f.target.display(),
            c.class.as_str(),
            c.why
        )?;
    }
    let others = a
        .join_keys
        .iter()
        .map(|j| crate::model::schema::KeyExpr::Column(j.column.clone()))
        .chain(a.order_by.iter().map(|o| o.expr.clone()));
    for k in others {
        if seen.contains(&k) {
            continue;
        }
        let c = stats.column(ctx.schema, table, &k);
        writeln!(
            out,
            "  column {}: {} ({})",
            k.display(),
            c.class.as_str(),
            c.why
        )?;
        seen.push(k);
    }
    Ok(())
}

/// Print the inspection of the queries at `path:line`. Returns how many were found.
pub fn render(
    analysis: &Analysis,
    config: &Config,
    path: &str,
    line: usize,
    out: &mut dyn Write,
) -> io::Result<usize> {
    let found = queries_at(analysis, path, line);
    let ctx = Context::new(
        &analysis.schema,
        &analysis.queries,
        &[],
        config,
        analysis.dialect,
    )
    .with_inserted(analysis.inserted.clone());
    for (q, resolved) in &found {
        let (start, _) = super::span(&analysis.sources, &q.location);
        writeln!(out, "query at {path}:{}:{}", start.line, start.column)?;
        let f = analysis.sources.get(q.location.file);
        let text = f.text.get(q.location.range.clone()).unwrap_or(&q.sql);
        writeln!(
            out,
            "  {}",
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        )?;
        // An ORM call chain: show the SQL it stands for too.
        let verb = q.sql.split_whitespace().next().unwrap_or_default();
        if *resolved && !text.to_lowercase().contains(&verb.to_lowercase()) {
            writeln!(out, "  as SQL: {}", q.sql)?;
        }
        if let Some(built) = &q.built {
            writeln!(out, "  built:  {built}")?;
        }
        if let Some(reason) = &q.no_verdict {
            writeln!(out, "  ({reason}: no verdict)")?;
        } else if !resolved {
            writeln!(
                out,
                "  (names a table or column the migrations do not declare: no verdict)"
            )?;
        }
        for (i, a) in q.accesses.iter().enumerate() {
            writeln!(out)?;
            let Some(table) = analysis.schema.tables.get(&a.table) else {
                writeln!(out, "table {}: not declared by the migrations", a.table)?;
                continue;
            };
            let (decl, _) = super::span(&analysis.sources, &table.declared);
            writeln!(
                out,
                "table {} (declared {}:{}:{}){}",
                table.name,
                analysis.sources.get(table.declared.file).path,
                decl.line,
                decl.column,
                if ctx.is_small(table) {
                    ", small: scans are fine"
                } else {
                    ""
                }
            )?;
            statistics(out, &ctx, table, a)?;
            pattern(out, a, q)?;
            let cond = Conditions::of(a, false);
            writeln!(out, "  indexes:")?;
            for ix in &table.indexes {
                let v = coverage::evaluate(&analysis.schema, ix, a, &cond, analysis.dialect);
                let why = if let Some(u) = &v.unusable {
                    format!("not usable: {u}")
                } else if v.filters() || v.sorts() {
                    let mut parts = Vec::new();
                    if v.eq_keys > 0 {
                        parts.push(format!("equality on its first {} key(s)", v.eq_keys));
                    }
                    if v.range_key {
                        parts.push("a range on the next key".into());
                    }
                    if v.matched {
                        parts.push("an operator of its operator class".into());
                    }
                    if v.sorted {
                        parts.push("delivers the ORDER BY".into());
                    }
                    format!("serves: {}", parts.join(", "))
                } else {
                    let lead = ix
                        .keys
                        .first()
                        .map(|k| k.expr.display())
                        .unwrap_or_default();
                    format!("not used: no condition on its leading key {lead}")
                };
                writeln!(
                    out,
                    "    {} {}: {why}",
                    ix.name,
                    fix::index_shape(&table.name, &ix.keys)
                )?;
            }
            if table.indexes.is_empty() {
                writeln!(out, "    (none)")?;
            }
            let verdict = if !resolved {
                "no verdict".to_string()
            } else {
                match coverage::gap(
                    &analysis.schema,
                    ctx.stats(),
                    table,
                    &q.accesses,
                    i,
                    analysis.dialect,
                ) {
                    _ if ctx.is_small(table) => "fine: small table".into(),
                    None => "served (or nothing an index could do)".into(),
                    Some(g) => {
                        let rule = g.kind.rule();
                        let writer = fix::FixWriter::new(analysis.dialect, &analysis.schema);
                        let sql = writer
                            .suggestion(&table.name, &g.suggestion)
                            .unwrap_or_else(|note| note);
                        format!(
                            "{rule}: {sql} (confidence {}: {})",
                            g.confidence.as_str(),
                            g.confidence_why
                        )
                    }
                }
            };
            writeln!(out, "  verdict: {verdict}")?;
        }
        writeln!(out)?;
    }
    Ok(found.len())
}

//! `missing-index`: a query filters, joins or sorts a table on columns no index serves.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage::{Gap, GapKind};
use crate::model::schema::IndexKey;
use crate::model::usage::{Query, TableAccess};

pub static RULE: Rule = Rule {
    name: "missing-index",
    summary: "A query filters, joins or sorts a table on columns that no index serves",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds queries whose conditions on a table (equality, `IN`, range, `LIKE 'prefix%'`), whose join
key into a table, or whose `ORDER BY ... LIMIT` has no declared index to serve it, and suggests
the one composite index that would: equality columns first, then the range column or the sort
columns with their directions.

## Why is this bad?
Without an index whose leading columns are the query's equality columns, the planner reads
every row of the table (a sequential scan) and filters them, so the query slows down as the
table grows. A top-N query (`ORDER BY created_at DESC LIMIT 20`) without an index on its sort
key reads and sorts the whole table to return twenty rows. When a table is joined on a key and
the other side is narrowed by its own conditions, a nested loop probes the table once per
outer row: without an index on the join key each probe is a scan. And a top-N query whose
filter is served but whose `ORDER BY` is not reads and sorts every matching row to return a
few: the composite `(filter, sort)` index stops after `LIMIT` rows.

## Example
```sql
-- migrations/0001_tasks.sql
CREATE TABLE tasks (id bigint PRIMARY KEY, assignee_id bigint, due_date date);
```
```python
cur.execute("SELECT * FROM tasks WHERE assignee_id = %s ORDER BY due_date")
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY tasks_assignee_id_due_date_idx ON tasks (assignee_id, due_date);
```

Verdicts follow the planner's use of statistics, inferred statically (see
`docs/statistics.md`): each column gets a cardinality class (unique, many-to-one, low,
ordered, unknown) and each table a size class (small, large, unknown). A top-N query whose
served equality is selective (unique, a foreign key, a join key) is served, since the planner
sorts its few rows cheaply; an index whose only usable keys are low-cardinality (`status`,
booleans, enums) does not serve a query that also has a selective range, sort or equality,
and the finding suggests extending it, or a partial index for a queue (`WHERE status =
'queued' ORDER BY created_at LIMIT n` gets `(created_at) WHERE status = 'queued'`); an index
led by low-cardinality columns alone is never suggested; small tables are never flagged.
The inner side of a join is probed with the join key plus its own conditions, and equalities
are carried through join keys (`b.t = a.t AND a.t = $1` gives `b.t = $1`).

Each finding has a `confidence`: `high` on a large table or when an equality of the suggested
index selects few rows; `low` when only the sort over an equality of unknown selectivity is
missing, or when the suggested keys are all of low or unknown cardinality; else `medium`.
Low-confidence findings are shown only with `--verbose`.

## Known limitations
- Statistics are inferred, not measured: a rare value of a low-cardinality column (which a
  histogram would find selective) is still treated as a large share of the table, and names
  outside English conventions get no class. `[tables] rows` settles a table's size.
- A single boolean column or an `IS NULL` test alone is never suggested as an index (a partial
  index usually fits better).
- A top-level `a = ? OR b = ?` is checked alternative by alternative (a bitmap OR needs
  each served); an `OR` across tables or of compound conditions gets no verdict.
- Queries on tables or columns the migrations do not declare get no verdict
  (`--verbose` lists them).
- Beyond the classes above selectivity is not estimated: an index that serves a selective or
  unknown leading equality is taken as enough, even when a longer composite would be better.

## Options
- `[tables] small = ["countries"]`: tables where a scan is fine.
- `[tables] large = ["events"]`: tables where every scan hurts (findings get high confidence).
- `[tables] rows = { orders = 5e7 }`: row estimates (under 10,000 small, from 1,000,000
  large); they override every other size hint.
- `postgres-version = 18`: notes indexes that a B-tree skip scan might use (the finding
  stays: a skip scan only pays when the leading column has few distinct values).

## References
- PostgreSQL manual, 11.3 "Multicolumn Indexes" and 11.4 "Indexes and ORDER BY"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for site in ctx.gaps() {
        if !matches!(site.gap.kind, GapKind::Missing) {
            continue;
        }
        let (q, access, table, gap) = (site.query, site.access, site.table, &site.gap);
        let keys = &gap.suggestion.keys;
        let shape = fix::suggestion_shape(&table.name, &gap.suggestion);
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            if let Some(ix) = gap.extends {
                let what = match &gap.suggestion.predicate {
                    Some(p) => format!(
                        "query sorts the rows of {} WHERE {p} by {} with a LIMIT",
                        table.name,
                        fix::keys_sql(keys)
                    ),
                    None => describe(q, access, keys, gap.via_join),
                };
                format!(
                    "{what}; index {} serves only a low-cardinality equality",
                    ix.name
                )
            } else if gap.sort_only {
                format!(
                    "{}; an index serves the filter but not the sort",
                    describe(q, access, keys, gap.via_join)
                )
            } else {
                format!(
                    "{}; no index serves it",
                    describe(q, access, keys, gap.via_join)
                )
            },
            q.location.clone(),
        );
        d.reason = Some(format!(
            "{}; confidence {}: {}",
            reason(access, gap, ctx),
            gap.confidence.as_str(),
            gap.confidence_why
        ));
        d.help = Some(
            match gap.extends {
                Some(ix) if gap.suggestion.predicate.is_some() => {
                    format!(
                        "add a partial index on `{shape}` (it can replace {} for this query)",
                        ix.name
                    )
                }
                Some(ix) => format!("extend {} to `{shape}`", ix.name),
                None => format!("add an index on `{shape}`"),
            } + &fix::orm_help(table, keys),
        );
        d.confidence = Some(gap.confidence.as_str());
        d.fix = ctx.suggestion_fix(&table.name, &gap.suggestion, &mut d.help);
        d.table = Some(table.name.clone());
        d.columns = fix::key_names(keys);
        d.related.push(Related {
            message: format!("table {} declared here", table.name),
            location: table.declared.clone(),
        });
        d.related.extend(near_partial(gap));
        d.related.extend(skip_scan(ctx, gap));
        out.push(d);
    }
}

/// On PostgreSQL 18+, notes for indexes a skip scan might use.
pub fn skip_scan(ctx: &Context, gap: &Gap) -> Vec<Related> {
    if ctx.dialect != crate::parse::Dialect::Postgres
        || ctx.config.postgres_version.unwrap_or(16) < 18
    {
        return Vec::new();
    }
    gap.skip_scan
        .iter()
        .map(|ix| Related {
            message: format!(
                "PostgreSQL 18+ may skip-scan {} if its leading column {} has few distinct values",
                ix.name,
                ix.keys[0].expr.display()
            ),
            location: ix.declared.clone(),
        })
        .collect()
}

/// Related notes for partial indexes that would serve the query but for their predicate.
pub fn near_partial(gap: &Gap) -> Vec<Related> {
    gap.near_partial
        .iter()
        .map(|ix| Related {
            message: format!(
                "index {} would serve this query but only covers rows WHERE {}",
                ix.name,
                ix.predicate.as_deref().unwrap_or_default()
            ),
            location: ix.declared.clone(),
        })
        .collect()
}

/// "query filters tasks on assignee_id and sorts by due_date"
pub fn describe(q: &Query, access: &TableAccess, keys: &[IndexKey], via_join: bool) -> String {
    let verb = match q.kind {
        crate::model::usage::QueryKind::Update => "update",
        crate::model::usage::QueryKind::Delete => "delete",
        _ => "query",
    };
    let sort: Vec<String> = keys
        .iter()
        .filter(|k| access.order_by.iter().any(|o| o.expr == k.expr))
        .filter(|k| {
            !access
                .filters
                .iter()
                .any(|f| f.target == k.expr && f.is_range())
        })
        .map(fix::key_sql)
        .collect();
    let is_range = |k: &IndexKey| {
        access
            .filters
            .iter()
            .any(|f| f.target == k.expr && f.is_range())
    };
    let describe_key = |k: &IndexKey| {
        let op = access.filters.iter().find_map(|f| match f.op {
            crate::model::usage::FilterOp::Match(m) if f.target == k.expr => Some(m.sql()),
            _ => None,
        });
        match op {
            Some(op) => format!("{} ({op})", k.expr.display()),
            None => k.expr.display(),
        }
    };
    let unsorted = || keys.iter().filter(|k| !sort.contains(&fix::key_sql(k)));
    let filt: Vec<String> = unsorted()
        .filter(|k| !is_range(k))
        .map(describe_key)
        .collect();
    let ranges: Vec<String> = unsorted()
        .filter(|k| is_range(k))
        .map(describe_key)
        .collect();
    let t = &access.table;
    let mut parts = Vec::new();
    let what = if via_join { "joins" } else { "filters" };
    match (filt.is_empty(), ranges.is_empty()) {
        (false, false) => parts.push(format!(
            "{what} {t} on {} and a range of {}",
            filt.join(", "),
            ranges.join(", ")
        )),
        (false, true) => parts.push(format!("{what} {t} on {}", filt.join(", "))),
        (true, false) => parts.push(format!("filters {t} on a range of {}", ranges.join(", "))),
        (true, true) => {}
    }
    if !sort.is_empty() {
        let by = format!(
            "sorts {}by {}",
            if filt.is_empty() {
                format!("{t} ")
            } else {
                String::new()
            },
            sort.join(", ")
        );
        parts.push(if access.limit.is_some() {
            format!("{by} with a LIMIT")
        } else {
            by
        });
    }
    format!("{verb} {}", parts.join(" and "))
}

fn reason(access: &TableAccess, gap: &Gap, ctx: &Context) -> String {
    let db = match ctx.dialect {
        crate::parse::Dialect::Postgres => "PostgreSQL",
        crate::parse::Dialect::Mysql => "MySQL",
        crate::parse::Dialect::Sqlite => "SQLite",
    };
    let t = &access.table;
    if let Some(ix) = gap.extends {
        format!("{} only narrows `{t}` by low-cardinality values, so {db} reads a large share of the table through it; the query's more selective condition or sort needs its own key after them", ix.name)
    } else if gap.sort_only {
        format!("{db} finds the matching rows of `{t}` through an index but must read and sort all of them to return the first few; an index that also delivers the ORDER BY stops after LIMIT rows")
    } else if gap.via_join {
        format!("{db} probes `{t}` once for each row of the other side of the join; without an index on the join key each probe scans the table")
    } else if access.filters.is_empty() {
        format!("without an index that delivers this order, {db} reads and sorts every row of `{t}` to return the first rows")
    } else {
        format!("no index has these columns as its leading keys, so {db} reads every row of `{t}` (a full scan) and filters them; the cost grows with the table")
    }
}

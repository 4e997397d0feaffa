//! `drop-index-in-use`: a migration drops an index (or a column) that queries elsewhere in the
//! repository still rely on.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage;
use crate::model::schema::{Index, Removal, Removed};
use crate::model::usage::Query;
use crate::source::Location;

pub static RULE: Rule = Rule {
    name: "drop-index-in-use",
    summary: "A migration drops an index or a column that queries still use",
    default_severity: Severity::Error,
    doc: r#"## What it does
Checks every `DROP INDEX`, `ALTER TABLE ... DROP CONSTRAINT`, `DROP COLUMN` and
`RENAME COLUMN` in a migration against the queries of the whole repository:
- an index is *in use* when some query is served by it just before the drop and by no index
  after the last migration (the drop is not made up for by another index, old or new);
- a column is *in use* when a query still names it after it was dropped or renamed.

The finding is on the dropping statement and lists the queries that lose their index (or
their column) as related locations, so it shows up where the migration is written, even
when only the migration file is checked (a pre-commit hook) and the queries live elsewhere.

## Why is this bad?
Dropping the only index a query uses turns an index scan into a sequential scan the moment
the migration runs: latency and load jump in production, and nothing in the migration's own
diff shows it. Dropping or renaming a column that queries still name makes them fail.

## Example
```sql
-- migrations/0007_cleanup.sql
DROP INDEX CONCURRENTLY users_email_idx;
```
```sql
-- app/queries.sql
SELECT id FROM users WHERE email = $1;
```

## Use instead
Keep the index, or create the index that serves these queries in the same migration (before
the drop). Change the queries before dropping or renaming a column they use.

## Known limitations
- "Before the drop" is the final schema plus the dropped index: an index dropped and later
  replaced by one that serves the same queries is fine; whether the planner really used the
  dropped index (statistics, selectivity) is not known.
- An index created and dropped in the same migration file is not reported (nothing can have
  used it).
- Only queries idxlint can analyze count; queries built at run time are not seen. Queries
  in the dropping migration itself (a data change before the drop) do not count.
- A migration-safety rule: by default only migrations not yet on the default branch are
  judged (see `--all-migrations`).

## Options
None.

## References
- PostgreSQL manual, DROP INDEX; ALTER TABLE, DROP COLUMN
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for removal in &ctx.schema.removals {
        let d = match &removal.what {
            Removed::Index(index) => index_finding(ctx, removal, index),
            Removed::Column {
                table,
                column,
                renamed_to,
            } => column_finding(ctx, removal, table, column, renamed_to.as_deref()),
        };
        out.extend(d);
    }
}

fn index_finding(ctx: &Context, removal: &Removal, index: &Index) -> Option<Diagnostic> {
    let lost = index_users(ctx, removal, index);
    if lost.is_empty() {
        return None;
    }
    let mut d = Diagnostic::new(
        RULE.name,
        RULE.default_severity,
        format!(
            "dropping index {} on {} leaves {} without an index",
            index.name,
            index.table,
            plural(lost.len())
        ),
        removal.at.clone(),
    );
    d.reason = Some(format!(
        "{} ({}) serves these queries, and no index left on {} does",
        index.name,
        index.key_columns().join(", "),
        index.table
    ));
    d.help = Some(format!(
        "keep {}, or create an index that serves these queries before dropping it",
        index.name
    ));
    d.related = related(&lost, &format!("loses {}", index.name));
    d.table = Some(index.table.clone());
    d.columns = index.key_columns();
    d.index = Some(index.name.clone());
    Some(d)
}

fn column_finding(
    ctx: &Context,
    removal: &Removal,
    table: &str,
    column: &str,
    renamed_to: Option<&str>,
) -> Option<Diagnostic> {
    let users = column_users(ctx, removal, table, column);
    if users.is_empty() {
        return None;
    }
    let what = match renamed_to {
        Some(new) => format!("renaming column {table}.{column} to {new}"),
        None => format!("dropping column {table}.{column}"),
    };
    let mut d = Diagnostic::new(
        RULE.name,
        RULE.default_severity,
        format!(
            "{what} breaks {} that still name{} it",
            plural(users.len()),
            if users.len() == 1 { "s" } else { "" }
        ),
        removal.at.clone(),
    );
    d.reason = Some(format!(
        "after this migration these queries refer to a column {table} no longer has"
    ));
    d.help = Some("change the queries first, then drop or rename the column".into());
    d.related = related(&users, &format!("uses {table}.{column}"));
    d.table = Some(table.to_string());
    d.columns = vec![column.to_string()];
    Some(d)
}

/// Queries that `index` served and that no index of the final schema serves: the coverage
/// model is asked twice, about the table as it ends up and with the dropped index added back.
fn index_users<'q>(ctx: &Context<'q>, removal: &Removal, index: &Index) -> Vec<&'q Query> {
    // Created and dropped by the same migration file: never visible to any query.
    if index.declared.file == removal.at.file {
        return Vec::new();
    }
    let Some(table) = ctx.schema.tables.get(&index.table) else {
        return Vec::new();
    };
    if ctx.is_small(table) {
        return Vec::new();
    }
    let mut before = table.clone();
    before.indexes.push(index.clone());
    let mut lost = Vec::new();
    // A query in the dropping migration itself is a data change that ran beside it.
    for query in ctx
        .queries_on(&table.name)
        .iter()
        .filter(|q| q.location.file != removal.at.file)
    {
        let loses = query.accesses.iter().enumerate().any(|(i, a)| {
            a.table == table.name
                && coverage::gap(
                    ctx.schema,
                    ctx.stats(),
                    table,
                    &query.accesses,
                    i,
                    ctx.dialect,
                )
                .is_some()
                && coverage::gap(
                    ctx.schema,
                    ctx.stats(),
                    &before,
                    &query.accesses,
                    i,
                    ctx.dialect,
                )
                .is_none()
        });
        if loses {
            lost.push(*query);
        }
    }
    lost
}

/// Queries without a verdict because they name `table.column`, which the schema lacks.
fn column_users<'q>(
    ctx: &Context<'q>,
    removal: &Removal,
    table: &str,
    column: &str,
) -> Vec<&'q Query> {
    if ctx
        .schema
        .tables
        .get(table)
        .is_some_and(|t| t.column(column).is_some())
    {
        // Added back later: the queries resolve again.
        return Vec::new();
    }
    ctx.unresolved
        .iter()
        .filter(|q| q.location.file != removal.at.file)
        .filter(|q| {
            q.accesses
                .iter()
                .any(|a| a.table == table && a.unknown_columns.iter().any(|c| c == column))
        })
        .collect()
}

fn related(queries: &[&Query], what: &str) -> Vec<Related> {
    queries
        .iter()
        .map(|q| Related {
            message: format!("{what}: {}", one_line(&q.sql)),
            location: Location::clone(&q.location),
        })
        .collect()
}

fn one_line(sql: &str) -> String {
    let s: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 query".into()
    } else {
        format!("{n} queries")
    }
}

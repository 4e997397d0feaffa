//! `covering-index`: an index that serves a query would cover it with one more INCLUDE column.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity};
use crate::model::coverage;
use crate::model::usage::QueryKind;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "covering-index",
    summary:
        "An index serving a query holds all but one of its columns: INCLUDE it for index-only scans",
    default_severity: Severity::Info,
    doc: r#"## What it does
A hint, off by default. For a `SELECT` that names its columns (no `*`), when an index that
serves its conditions holds every column the query uses on that table but one, it suggests
adding that column to the index's `INCLUDE` list.

## Why is this bad?
With every column it needs in the index, PostgreSQL can answer from the index alone (an
index-only scan) instead of visiting the table for every matching row. `INCLUDE` columns are
stored in the index leaf pages without being keys, so they cost less than extra key columns.

## Example
```sql
CREATE INDEX orders_customer_idx ON orders (customer_id);
SELECT customer_id, total FROM orders WHERE customer_id = $1;
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY orders_customer_idx_covering ON orders (customer_id) INCLUDE (total);
```

## Known limitations
- Index-only scans also need a well-vacuumed table (the visibility map); idxlint cannot see it.
- Wide `INCLUDE` lists make the index bigger: only one missing column is ever suggested.
- PostgreSQL 11+ only (`INCLUDE`).

## Options
Off by default: turn it on with `covering-index = "info"` under `[rules]`, or
`--select covering-index`.

## References
- PostgreSQL manual, 11.9 "Index-Only Scans and Covering Indexes"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for q in ctx.queries.iter().filter(|q| q.kind == QueryKind::Select) {
        for access in &q.accesses {
            let Some(table) = ctx.schema.tables.get(&access.table) else {
                continue;
            };
            let Some((ix, missing)) =
                coverage::covering_hint(ctx.schema, table, access, ctx.dialect)
            else {
                continue;
            };
            let mut d = Diagnostic::new(
                RULE.name,
                RULE.default_severity,
                format!(
                    "index {} serves this query on {} and holds every column it uses but {missing}",
                    ix.name, table.name
                ),
                q.location.clone(),
            );
            d.reason = Some(format!(
                "with {missing} in the index, PostgreSQL could answer from the index alone (an index-only scan) instead of reading each matching row of {}",
                table.name
            ));
            d.help = Some(format!("add INCLUDE ({missing}) to {}", ix.name));
            let mut include = ix.include.clone();
            include.push(missing.clone());
            d.fix = Some(Fix {
                sql: format!(
                    "CREATE INDEX CONCURRENTLY {}_covering ON {} ({}) INCLUDE ({});",
                    ix.name,
                    table.name,
                    super::fix::keys_sql(&ix.keys),
                    include.join(", ")
                ),
            });
            d.table = Some(table.name.clone());
            d.columns = vec![missing];
            d.index = Some(ix.name.clone());
            d.related.push(Related {
                message: format!("index {} declared here", ix.name),
                location: ix.declared.clone(),
            });
            out.push(d);
        }
    }
}

//! `duplicate-index`: two indexes that are the same in every respect.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity};
use crate::model::coverage;
use crate::model::schema::{Index, IndexKind};

pub static RULE: Rule = Rule {
    name: "duplicate-index",
    summary: "Two indexes on a table are the same in every respect",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds two indexes on the same table with the same keys (columns or expressions, directions,
`NULLS` order, operator classes, collations), the same method, the same uniqueness, the same
`INCLUDE` columns and the same partial predicate. The later one is reported, once; when one of
them backs a primary key or `UNIQUE` constraint, the other one (the one you can drop) is.

## Why is this bad?
The database maintains both on every write and stores both, and the planner can only ever use
one of them. A common source is a `UNIQUE` column constraint plus a `CREATE UNIQUE INDEX` on
the same column, or a migration that re-creates an index under a new name.

## Example
```sql
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
CREATE UNIQUE INDEX users_email_idx ON users (email);
```

## Use instead
```sql
DROP INDEX CONCURRENTLY users_email_idx;
```

## Known limitations
- Storage parameters (`WITH (fillfactor = ...)`) and tablespaces are not compared.

## Options
None.

## References
- PostgreSQL manual, 11.6 "Unique Indexes"
"#,
    check: Some(check),
};

fn is_constraint(i: &Index) -> bool {
    matches!(i.kind, IndexKind::PrimaryKey | IndexKind::UniqueConstraint)
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for table in ctx.schema.tables.values() {
        let mut reported: Vec<usize> = Vec::new();
        for (j, later) in table.indexes.iter().enumerate() {
            for (i, earlier) in table.indexes[..j].iter().enumerate() {
                if reported.contains(&i)
                    || reported.contains(&j)
                    || !coverage::identical(earlier, later)
                {
                    continue;
                }
                // Report the one that can be dropped: the plain index, else the later one.
                let (victim, keep, v) = if is_constraint(later) && !is_constraint(earlier) {
                    (earlier, later, i)
                } else {
                    (later, earlier, j)
                };
                reported.push(v);
                let mut d = Diagnostic::new(
                    RULE.name,
                    RULE.default_severity,
                    format!(
                        "index {} duplicates {}: both are `{}`",
                        victim.name,
                        keep.name,
                        fix::index_shape(&table.name, &victim.keys)
                    ),
                    victim.declared.clone(),
                );
                d.reason = Some(format!(
                    "{} and {} have the same keys, method, uniqueness, INCLUDE columns and predicate; the planner uses one of them and every write maintains both",
                    victim.name, keep.name
                ));
                d.help = Some(format!("drop {}", victim.name));
                d.fix = Some(Fix {
                    sql: ctx.fixes.drop_index(victim),
                });
                d.table = Some(table.name.clone());
                d.columns = fix::key_names(&victim.keys);
                d.index = Some(victim.name.clone());
                d.related.push(Related {
                    message: format!("{} declared here", keep.name),
                    location: keep.declared.clone(),
                });
                out.push(d);
            }
        }
    }
}

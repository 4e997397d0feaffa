//! `duplicate-index`: two indexes with the same keys, method and predicate.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity};
use crate::model::coverage;
use crate::model::schema::Index;

pub static RULE: Rule = Rule {
    name: "duplicate-index",
    summary: "Two indexes on a table have the same keys, method and predicate",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds two indexes on the same table with the same keys (columns or expressions, directions,
`NULLS` order, operator classes, collations, prefix lengths), the
same method, the same `INCLUDE` columns and the same partial predicate, as the tools teams
trust for this define a duplicate (Percona's pt-duplicate-key-checker, Skeema, pghero,
pg-index-health). Uniqueness may differ: a plain index with the same keys as a primary key or
a unique constraint is a duplicate of it.

One finding per pair, and never also a `redundant-index` finding. The one reported is the one
to drop: never the primary key; the plain index of a plain / unique pair (the unique one
enforces a constraint); an `INVISIBLE` index (MySQL) rather than a visible one; a
`CREATE INDEX` rather than a `UNIQUE` constraint; else the later one.

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

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for table in ctx.schema.tables.values() {
        let invisible = |i: &Index| {
            ctx.schema
                .invisible
                .contains(&(table.name.clone(), i.name.clone()))
        };
        let mut reported: Vec<usize> = Vec::new();
        for (j, later) in table.indexes.iter().enumerate() {
            for (i, earlier) in table.indexes[..j].iter().enumerate() {
                if reported.contains(&i)
                    || reported.contains(&j)
                    || !coverage::duplicate(earlier, later)
                {
                    continue;
                }
                // Report the one that can be dropped: never the primary key, the plain one of
                // a plain / unique pair, an invisible one, else the later one.
                let (victim, keep, v) = if coverage::duplicate_to_drop(
                    earlier,
                    invisible(earlier),
                    later,
                    invisible(later),
                ) {
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
                d.reason = Some(if keep.unique && !victim.unique {
                    format!(
                        "{} and {} have the same keys, method, INCLUDE columns and predicate; {} also enforces uniqueness, so it serves every query {} serves, and every write maintains both",
                        victim.name, keep.name, keep.name, victim.name
                    )
                } else {
                    format!(
                        "{} and {} have the same keys, method, uniqueness, INCLUDE columns and predicate; the planner uses one of them and every write maintains both",
                        victim.name, keep.name
                    )
                });
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

//! `redundant-index`: an index whose work another index on the same table already does.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity};
use crate::model::coverage;
use crate::model::schema::{Index, IndexKind};

pub static RULE: Rule = Rule {
    name: "redundant-index",
    summary: "An index's keys are a leading prefix of another index that does all its work",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds an index whose key columns are a leading prefix of another index on the same table that
can do all of its work, and suggests dropping it.

Two indexes are compared as carefully as the planner would: same access method; the same
column or expression, direction, `NULLS` order, operator class, collation and prefix length at
each position; `INCLUDE` columns are not key columns (the shorter index's `INCLUDE` columns must
be in the longer one); partial predicates must be identical; a unique or primary-key index is
never called redundant unless the other is unique on exactly the same keys (it enforces a
constraint the longer index does not). A primary key is never reported. Indexes that are the
same in every respect are `duplicate-index` instead.

On MySQL (InnoDB), every secondary index implicitly ends with the primary key, so a
secondary `(a, id)` is the same index as `(a)`: the one with the primary-key column written
out is reported.

## Why is this bad?
Every index costs disk, memory in the buffer cache and time on every `INSERT`, `UPDATE` and
`DELETE`. A B-tree on `(a, b)` serves every lookup an index on `(a)` serves, at nearly the
same cost, so the shorter index is dead weight.

## Example
```sql
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at);
```

## Use instead
```sql
DROP INDEX CONCURRENTLY orders_customer_id_idx;
```

## Known limitations
- The shorter index is smaller, so a scan of it alone is a little cheaper; for very wide
  longer indexes the planner may still prefer the short one. idxlint does not weigh sizes.
- An index used to enforce something outside idxlint's view (a replica identity, a
  `CLUSTER` order) is not known.

## Options
None.

## References
- PostgreSQL manual, 11.3 "Multicolumn Indexes"; 11.9 "Index-Only Scans and Covering Indexes"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for table in ctx.schema.tables.values() {
        for (ai, a) in table.indexes.iter().enumerate() {
            if a.kind == IndexKind::PrimaryKey {
                continue;
            }
            let Some(b) = table.indexes.iter().enumerate().find_map(|(bi, b)| {
                let candidate = bi != ai
                    && !coverage::identical(a, b)
                    && coverage::redundant_in(table, a, b)
                    // Equivalent pair (each redundant with the other): report one, the
                    // plain index rather than a constraint's, else the one with more written
                    // keys (InnoDB's `(a, id)` beside `(a)`), else the later one.
                    && (!coverage::redundant_in(table, b, a)
                        || keeps_precedence(b, bi, a, ai));
                candidate.then_some(b)
            }) else {
                continue;
            };
            let mut d = Diagnostic::new(
                RULE.name,
                RULE.default_severity,
                format!(
                    "index {} on `{}` is redundant: {} on `{}` serves every query it serves",
                    a.name,
                    fix::index_shape(&table.name, &a.keys),
                    b.name,
                    fix::index_shape(&table.name, &b.keys)
                ),
                a.declared.clone(),
            );
            d.reason = Some(format!(
                "the keys of {} are a leading prefix of {} with the same order, operator classes and predicate, so the planner can use {} wherever it would use {}; {} only adds write and storage cost",
                a.name, b.name, b.name, a.name, a.name
            ));
            d.help = Some(format!("drop {}", a.name));
            d.fix = Some(Fix {
                sql: ctx.fixes.drop_index(a),
            });
            d.table = Some(table.name.clone());
            d.columns = fix::key_names(&a.keys);
            d.index = Some(a.name.clone());
            d.related.push(Related {
                message: format!("{} declared here", b.name),
                location: b.declared.clone(),
            });
            out.push(d);
        }
    }
}

/// Of two equivalent indexes, whether `keep` (at `ki`) is the one to keep over `drop`.
fn keeps_precedence(keep: &Index, ki: usize, drop: &Index, di: usize) -> bool {
    let constraint = |i: &Index| i.kind != IndexKind::Index;
    match (constraint(keep), constraint(drop)) {
        (true, false) => true,
        (false, true) => false,
        _ => (keep.keys.len(), ki) < (drop.keys.len(), di),
    }
}

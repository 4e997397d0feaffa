//! `redundant-index`: an index whose work another index on the same table already does.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity};
use crate::model::coverage;
use crate::model::schema::{Index, IndexKind};
use crate::model::usage::TableAccess;

pub static RULE: Rule = Rule {
    name: "redundant-index",
    summary: "An index's keys are a leading prefix of another index that does all its work",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds an index whose key columns are a leading prefix of another index on the same table that
can do all of its work, and suggests dropping it.

Two indexes are compared as the tools teams trust for this do (Percona's
pt-duplicate-key-checker, Skeema, pghero, pg-index-health), and as carefully as the planner
would: same access method; the same column or expression, direction, `NULLS` order, operator
class, collation and prefix length at each position (all directions reversed is as good: a
backward scan); `INCLUDE` columns are not key columns (the shorter index's `INCLUDE` columns
must be in the longer one); a unique or primary-key index is never redundant (it enforces a
constraint the longer index does not). Beyond a strict left prefix:

- a partial index whose keys are a prefix of a full index (no predicate) is redundant: the
  full index holds every row it holds, in the same order;
- a B-tree whose last key differs from the other's only in direction, `(account_id, day DESC)`
  beside `UNIQUE (account_id, day)`, is redundant unless a query of the project orders by
  those keys with mixed directions (the only query that could tell them apart);
- a shorter prefix length (MySQL `col(10)`) is covered by the full column or a longer prefix.

Indexes with the same keys in the same order are `duplicate-index`'s, never this rule's: one
finding per pair. A primary key is never reported; of two equivalent indexes, the plain one
rather than a constraint's, an `INVISIBLE` one rather than a visible one.

On MySQL InnoDB, every secondary index implicitly ends with the primary key, so a secondary
`(a, id)` is the same index as `(a)`: the one with the primary-key column written out is
reported. The implicit suffix does not stop `(a)` from being redundant with `(a, b)`.
Engines other than InnoDB (`ENGINE=MyISAM`, `MEMORY`...) have no such suffix. Where the trusted
tools disagree, idxlint follows Skeema, whose reasoning is the safest for the data: it never
suggests dropping an index that enforces a constraint.

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
- A partial index is smaller than the full one, so the planner may still prefer it for its
  own queries; dropping it costs a little read speed for less write cost.

## Options
None.

## References
- PostgreSQL manual, 11.3 "Multicolumn Indexes"; 11.9 "Index-Only Scans and Covering Indexes"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for table in ctx.schema.tables.values() {
        let accesses: Vec<&TableAccess> = ctx
            .queries_on(&table.name)
            .iter()
            .flat_map(|q| &q.accesses)
            .filter(|a| a.table == table.name)
            .collect();
        let invisible = |i: &Index| {
            ctx.schema
                .invisible
                .contains(&(table.name.clone(), i.name.clone()))
        };
        for (ai, a) in table.indexes.iter().enumerate() {
            if a.kind == IndexKind::PrimaryKey {
                continue;
            }
            // Whether `y` does all the work of `x`.
            let covered = |x: &Index, y: &Index| {
                coverage::redundant_in(table, x, y)
                    || (coverage::redundant_but_trailing_direction(x, y)
                        && !coverage::sort_tells_apart(ctx.schema, x, y, &accesses, ctx.dialect))
            };
            let Some(b) = table.indexes.iter().enumerate().find_map(|(bi, b)| {
                let candidate = bi != ai
                    // Duplicates are `duplicate-index`'s, one finding per pair.
                    && !coverage::duplicate(a, b)
                    && covered(a, b)
                    // Equivalent pair (each redundant with the other): report one, the
                    // plain index rather than a constraint's, an invisible one, else the one
                    // with more written keys (InnoDB's `(a, id)` beside `(a)`), else the
                    // later one.
                    && (!covered(b, a)
                        || keeps_precedence((b, bi, invisible(b)), (a, ai, invisible(a))));
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

/// Of two equivalent indexes, whether `keep` (at its position, invisible or not) is the one
/// to keep over `drop`.
fn keeps_precedence(keep: (&Index, usize, bool), drop: (&Index, usize, bool)) -> bool {
    let constraint = |i: &Index| i.kind != IndexKind::Index;
    match (constraint(keep.0), constraint(drop.0)) {
        (true, false) => true,
        (false, true) => false,
        _ if keep.2 != drop.2 => drop.2,
        _ => (keep.0.keys.len(), keep.1) < (drop.0.keys.len(), drop.1),
    }
}

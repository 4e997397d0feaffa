//! `misordered-index`: an index has the right columns in an order that cannot serve a query.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage::GapKind;

pub static RULE: Rule = Rule {
    name: "misordered-index",
    summary: "An index has the query's columns but in an order that cannot serve it",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds queries that no index serves although an index exists on the same columns, in an order
that cannot be used: for example `(created_at, user_id)` for
`WHERE user_id = ? ORDER BY created_at`. It points at the query, names the index (with its
declaration as a related location) and suggests the reordered index.

## Why is this bad?
A B-tree can only use its keys from the left: equality conditions must constrain a leading
prefix of the index, then at most one range, then the `ORDER BY` keys. An index led by
`created_at` cannot find one user's rows without walking the whole index, so the planner
falls back to a scan (or walks the whole index in date order, filtering), although the right
columns are indexed.

## Example
```sql
CREATE INDEX events_created_at_user_id_idx ON events (created_at, user_id);
SELECT * FROM events WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20;
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY events_user_id_created_at_idx ON events (user_id, created_at DESC);
```
Drop the old index if no other query needs its order (`redundant-index` will not tell you:
the two indexes have different leading columns).

## Known limitations
- Only reported where the reordered index would serve the query; the misordered index may
  still serve other queries, so idxlint suggests adding the reordered index, not dropping.

## Options
None.

## References
- PostgreSQL manual, 11.3 "Multicolumn Indexes"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for site in ctx.gaps() {
        let GapKind::Misordered(index) = site.gap.kind else {
            continue;
        };
        let (q, access, table, gap) = (site.query, site.access, site.table, &site.gap);
        let keys = &gap.suggestion.keys;
        let shape = fix::index_shape(&table.name, keys);
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!(
                "{}, but index {} `{}` has these columns in an order that cannot serve it",
                super::missing_index::describe(q, access, keys, gap.via_join),
                index.name,
                fix::index_shape(&table.name, &index.keys),
            ),
            q.location.clone(),
        );
        d.reason = Some(format!(
            "a B-tree is usable only from its leading keys: equality columns first, then one range or the ORDER BY keys; `{}` leads with {}",
            index.name,
            index.keys.first().map(|k| k.expr.display()).unwrap_or_default()
        ));
        d.help = Some(format!(
            "add an index on `{shape}`; drop `{}` if no other query needs it",
            index.name
        ));
        d.fix = ctx.create_index_fix(
            &table.name,
            &gap.suggestion.keys,
            gap.suggestion.method,
            &mut d.help,
        );
        d.table = Some(table.name.clone());
        d.columns = fix::key_names(keys);
        d.index = Some(index.name.clone());
        d.related.push(Related {
            message: format!("index {} declared here", index.name),
            location: index.declared.clone(),
        });
        out.push(d);
    }
}

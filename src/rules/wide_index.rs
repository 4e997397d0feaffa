//! `wide-index`: a non-unique B-tree with more than four key columns.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// More key columns than this is wide.
const MAX_KEYS: usize = 4;

pub static RULE: Rule = Rule {
    name: "wide-index",
    summary: "A non-unique B-tree index has more than four key columns",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds non-unique B-tree indexes with more than four key columns.

## Why is this bad?
A B-tree is used from its leading keys: equality on a prefix, one range, then sort. Queries
rarely constrain five or more columns by equality, so the trailing keys seldom narrow a
search; they make the index larger, slower to scan and costlier on every write. Columns that
are only read belong in `INCLUDE`, which keeps them out of the key (PostgreSQL 11+).

## Example
```sql
CREATE INDEX orders_report_idx ON orders (customer_id, status, region, created_at, total, currency);
```

## Use instead
```sql
CREATE INDEX orders_report_idx ON orders (customer_id, status, created_at) INCLUDE (region, total, currency);
```

## Known limitations
- Unique indexes are not reported: their width is the constraint.
- idxlint does not check whether some query does use all the keys.

## Options
None.

## References
- PostgreSQL manual, 11.3 "Multicolumn Indexes" ("indexes with more than three columns are
  unlikely to be helpful unless the usage of the table is extremely stylized"); 11.9
  "Index-Only Scans and Covering Indexes"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for table in ctx.schema.tables.values() {
        for ix in &table.indexes {
            if ix.unique || !ix.is_btree() || ix.keys.len() <= MAX_KEYS {
                continue;
            }
            let mut d = Diagnostic::new(
                RULE.name,
                RULE.default_severity,
                format!(
                    "index {} on `{}` has {} key columns",
                    ix.name,
                    fix::index_shape(&table.name, &ix.keys),
                    ix.keys.len()
                ),
                ix.declared.clone(),
            );
            d.reason = Some("queries seldom constrain more than the leading few keys; the rest make the index bigger and every write slower".into());
            d.help = Some(
                "keep the keys queries filter and sort on; move read-only columns to INCLUDE"
                    .into(),
            );
            d.table = Some(table.name.clone());
            d.columns = fix::key_names(&ix.keys);
            d.index = Some(ix.name.clone());
            out.push(d);
        }
    }
}

//! `unindexed-foreign-key`: a foreign key whose columns lead no index.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage;
use crate::model::schema::IndexKey;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "unindexed-foreign-key",
    summary: "A foreign key's columns are not the leading columns of any index",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds foreign keys whose referencing columns are not the leading columns (in any order among
themselves) of some index on the referencing table. A partial index counts only when its
predicate is implied by the columns being `NOT NULL` (`WHERE customer_id IS NOT NULL`).

## Why is this bad?
PostgreSQL indexes the referenced side (a primary key or unique constraint) but never the
referencing side. Every `DELETE` (or key `UPDATE`) of a referenced row must find the
referencing rows to check or cascade, and without an index that is a scan of the whole
referencing table, under lock. Joins through the key (`JOIN orders ON orders.customer_id =
customers.id`) need the same index.

## Example
```sql
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint REFERENCES customers (id)
);
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
```

## Known limitations
- Not reported for MySQL: InnoDB creates an index for every foreign key itself.
- Not reported when either table is small (`[tables] small`) or a lookup table the migrations
  fill themselves: deleting a country is rare and the scan is cheap.

## Options
- `[tables] small = [...]`

## References
- PostgreSQL manual, 5.5.5 "Foreign Keys" ("it is often a good idea to index the referencing
  columns too")
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect == Dialect::Mysql {
        return;
    }
    for table in ctx.schema.tables.values() {
        if ctx.is_small(table) {
            continue;
        }
        for fk in &table.foreign_keys {
            let referenced = ctx.schema.tables.get(&fk.ref_table);
            if referenced.is_some_and(|r| ctx.is_small(r)) {
                continue;
            }
            if table
                .indexes
                .iter()
                .any(|ix| coverage::covers_leading(ctx.schema, ix, &fk.columns))
            {
                continue;
            }
            let keys: Vec<IndexKey> = fk.columns.iter().map(|c| IndexKey::column(c)).collect();
            let cols = fk.columns.join(", ");
            let mut d = Diagnostic::new(
                RULE.name,
                RULE.default_severity,
                format!(
                    "foreign key {}({cols}) -> {}({}) has no index leading with {cols}",
                    table.name,
                    fk.ref_table,
                    fk.ref_columns.join(", ")
                ),
                fk.declared.clone(),
            );
            d.reason = Some(format!(
                "deleting or updating a row of {} must find its rows in {}, and joins through this key look them up; without an index each is a scan of {}",
                fk.ref_table, table.name, table.name
            ));
            d.help = Some(format!(
                "add an index on `{}`{}",
                fix::index_shape(&table.name, &keys),
                fix::orm_help(table, &keys)
            ));
            d.fix = ctx.create_index_fix(&table.name, &keys, "btree", &mut d.help);
            d.table = Some(table.name.clone());
            d.columns = fk.columns.clone();
            d.related.push(Related {
                message: format!("table {} declared here", table.name),
                location: table.declared.clone(),
            });
            if let Some(r) = referenced {
                d.related.push(Related {
                    message: format!("referenced table {} declared here", r.name),
                    location: r.declared.clone(),
                });
            }
            out.push(d);
        }
    }
}

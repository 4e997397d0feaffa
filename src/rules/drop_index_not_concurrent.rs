//! `drop-index-not-concurrent`: `DROP INDEX` without `CONCURRENTLY`.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::model::migration::StepKind;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "drop-index-not-concurrent",
    summary: "DROP INDEX without CONCURRENTLY blocks all access to the table until it can drop",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds `DROP INDEX` without `CONCURRENTLY` in migrations, except for indexes created earlier in
the same file on a table also created there.

## Why is this bad?
A plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index's table: it waits for every
running query on the table, and every query that arrives after it waits behind it, reads
included. On a busy table that is an outage. `DROP INDEX CONCURRENTLY` waits for conflicting
transactions without blocking new ones.

## Example
```sql
DROP INDEX orders_status_idx;
```

## Use instead
```sql
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
```

## Known limitations
- `CONCURRENTLY` drops one index per statement and cannot run in a transaction
  (`concurrent-index-in-transaction`).
- PostgreSQL only.

## Options
None.

## References
- PostgreSQL manual, DROP INDEX
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for step in ctx.steps {
        if step.kind
            != (StepKind::DropIndex {
                concurrently: false,
            })
            || step.table_is_new
        {
            continue;
        }
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            "DROP INDEX without CONCURRENTLY locks the table against reads and writes until it can drop".to_string(),
            step.location.clone(),
        );
        d.reason = Some("a plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table and queues every later query behind it".into());
        d.help = Some(if step.in_transaction {
            format!(
                "use DROP INDEX CONCURRENTLY IF EXISTS; {}",
                step.no_transaction_advice()
            )
        } else {
            "use DROP INDEX CONCURRENTLY IF EXISTS".into()
        });
        d.fix = rewrite(&step.sql).map(|sql| Fix { sql });
        out.push(d);
    }
}

/// `DROP INDEX x` -> `DROP INDEX CONCURRENTLY x;` (only for a single index).
fn rewrite(sql: &str) -> Option<String> {
    let lower = sql.to_ascii_lowercase();
    let rest = lower.strip_prefix("drop index")?;
    if rest.contains(',') {
        return None;
    }
    let tail = sql.get("drop index".len()..)?.trim();
    Some(format!("DROP INDEX CONCURRENTLY {tail};"))
}

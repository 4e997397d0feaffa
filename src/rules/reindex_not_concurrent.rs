//! `reindex-not-concurrent`: `REINDEX` without `CONCURRENTLY`.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::migration::StepKind;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "reindex-not-concurrent",
    summary: "REINDEX without CONCURRENTLY blocks writes (and reads that use the index)",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds `REINDEX` statements without `CONCURRENTLY` in migrations.

## Why is this bad?
`REINDEX` locks out writes to the table and reads that would use the index being rebuilt
until it finishes. Since PostgreSQL 12, `REINDEX ... CONCURRENTLY` rebuilds without blocking.

## Example
```sql
REINDEX INDEX orders_status_idx;
```

## Use instead
```sql
REINDEX INDEX CONCURRENTLY orders_status_idx;
```

## Known limitations
- PostgreSQL 12 or newer; `REINDEX SYSTEM` cannot run concurrently.

## Options
None.

## References
- PostgreSQL manual, REINDEX, "Rebuilding Indexes Concurrently"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for step in ctx.steps {
        if step.kind
            != (StepKind::Reindex {
                concurrently: false,
            })
        {
            continue;
        }
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds".to_string(),
            step.location.clone(),
        );
        d.reason = Some("REINDEX takes locks that block writes, and reads using the index, for the whole rebuild".into());
        d.help = Some(if step.in_transaction {
            format!(
                "use REINDEX ... CONCURRENTLY (PostgreSQL 12+); {}",
                step.no_transaction_advice()
            )
        } else {
            "use REINDEX ... CONCURRENTLY (PostgreSQL 12+)".into()
        });
        out.push(d);
    }
}

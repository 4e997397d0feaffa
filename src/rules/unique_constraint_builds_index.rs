//! `unique-constraint-builds-index`: `ALTER TABLE ... ADD ... UNIQUE` on an existing table.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::migration::StepKind;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "unique-constraint-builds-index",
    summary: "ADD CONSTRAINT ... UNIQUE on an existing table builds its index under a write lock",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds `ALTER TABLE ... ADD [CONSTRAINT name] UNIQUE (...)` on a table that existed before the
migration file, where the constraint builds its own index (no `USING INDEX`).

## Why is this bad?
Adding a unique constraint builds its unique index while holding a lock that blocks writes to
the table for the whole build, like a plain `CREATE UNIQUE INDEX`.

## Example
```sql
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
```

## Use instead
```sql
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
```

## Known limitations
- PostgreSQL only.

## Options
None.

## References
- PostgreSQL manual, ALTER TABLE, "ADD table_constraint_using_index"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for step in ctx.steps {
        if step.kind != StepKind::AddUniqueConstraint || step.table_is_new {
            continue;
        }
        let Some(table) = &step.table else { continue };
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!("adding a UNIQUE constraint to existing table {table} builds its index while blocking writes"),
            step.location.clone(),
        );
        d.reason = Some("the constraint's unique index is built under a lock that blocks inserts, updates and deletes".into());
        let runner = if step.in_transaction {
            format!(" ({})", step.no_transaction_advice())
        } else {
            String::new()
        };
        d.help = Some(format!(
            "create the index first with CREATE UNIQUE INDEX CONCURRENTLY{runner}, then ALTER TABLE {table} ADD CONSTRAINT ... UNIQUE USING INDEX ..."
        ));
        d.table = Some(table.clone());
        out.push(d);
    }
}

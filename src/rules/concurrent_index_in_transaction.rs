//! `concurrent-index-in-transaction`: `CREATE/DROP INDEX CONCURRENTLY` or `REINDEX ...
//! CONCURRENTLY` inside a transaction, which PostgreSQL refuses.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::migration::StepKind;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "concurrent-index-in-transaction",
    summary: "A CONCURRENTLY index operation runs inside a transaction, which PostgreSQL refuses",
    default_severity: Severity::Error,
    doc: r#"## What it does
Finds `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX ... CONCURRENTLY`
that run inside a transaction: after an explicit `BEGIN` in the file, or in a file that the
project's migration runner wraps in a transaction (`migration-runner` in `idxlint.toml`:
Alembic, Rails, Django, Prisma, Drizzle and Flyway wrap every migration; pop wraps every file
but `*.autocommit.*`; golang-migrate sends a file as one multi-statement query, an implicit
transaction when it has more than one statement).

## Why is this bad?
PostgreSQL refuses these statements in a transaction block ("CREATE INDEX CONCURRENTLY cannot
run inside a transaction block"): the migration fails at deploy time.

## Example
```sql
BEGIN;
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
COMMIT;
```

## Use instead
Put the statement alone in a migration that runs outside a transaction (Rails:
`disable_ddl_transaction!`; Alembic: `with op.get_context().autocommit_block():`; Django:
`atomic = False`; golang-migrate: one statement per file; pop: an `.autocommit.` file).

The help names the opt-out of the runner that applies the file: diesel's `metadata.toml`
(`run_in_transaction = false`), goose's `-- +goose NO TRANSACTION`, dbmate's
`-- migrate:up transaction:false`, Flyway's `executeInTransaction=false` script configuration.

## Known limitations
- Without `migration-runner`, the runner is detected per file: goose and dbmate by their
  annotations, diesel by `<timestamp>_name/up.sql`, Prisma by `<timestamp>_name/migration.sql`,
  Flyway by `V<n>__name.sql`, pop by `.autocommit.` or dialect-suffixed `.up.sql` names,
  golang-migrate by other `NNN_name.up.sql` names, sqitch by `deploy/`, Rails by `db/migrate/*.rb`,
  Alembic by `down_revision`, Django by `migrations.Migration`; anything else is `plain`.
- Flyway runs a migration outside a transaction by itself when every statement is a
  CONCURRENTLY index operation; idxlint assumes the same.

## Options
- `migration-runner = "plain" | "golang-migrate" | "pop" | "alembic" | "rails" | "django" |
  "prisma" | "drizzle" | "flyway" | "sqitch" | "diesel" | "goose" | "dbmate"`

## References
- PostgreSQL manual, CREATE INDEX ("a regular CREATE INDEX command can be performed within a
  transaction block, but CREATE INDEX CONCURRENTLY cannot")
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for step in ctx.steps {
        let what = match step.kind {
            StepKind::CreateIndex {
                concurrently: true, ..
            } => "CREATE INDEX CONCURRENTLY",
            StepKind::DropIndex { concurrently: true } => "DROP INDEX CONCURRENTLY",
            StepKind::Reindex { concurrently: true } => "REINDEX CONCURRENTLY",
            _ => continue,
        };
        if !step.in_transaction {
            continue;
        }
        let why = step.transaction_reason.clone().unwrap_or_default();
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!("{what} cannot run inside a transaction ({why})"),
            step.location.clone(),
        );
        d.reason = Some(format!(
            "PostgreSQL rejects {what} in a transaction block, so this migration fails at deploy time"
        ));
        d.help = Some(if step.hypertable {
            "TimescaleDB hypertables cannot build indexes CONCURRENTLY: use CREATE INDEX ... WITH (timescaledb.transaction_per_chunk) instead".into()
        } else {
            step.no_transaction_advice().to_string()
        });
        d.table = step.table.clone();
        out.push(d);
    }
}

//! `index-not-concurrent`: `CREATE INDEX` without `CONCURRENTLY` on a table that already exists.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::model::migration::StepKind;
use crate::parse::Dialect;
use regex::Regex;
use std::sync::OnceLock;

pub static RULE: Rule = Rule {
    name: "index-not-concurrent",
    summary:
        "CREATE INDEX without CONCURRENTLY locks writes to an existing table for the whole build",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds `CREATE INDEX` statements without `CONCURRENTLY` in migrations, on tables that existed
before the migration file (an index on a table created earlier in the same file is fine:
nobody else can be using it yet).

## Why is this bad?
A plain `CREATE INDEX` takes a `SHARE` lock on the table: every `INSERT`, `UPDATE` and
`DELETE` waits until the whole index is built, which on a large table means minutes of
failed or queued writes. `CREATE INDEX CONCURRENTLY` builds the index without blocking
writes, at the cost of two table scans.

## Example
```sql
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
```
`IF NOT EXISTS` matters: a concurrent build that fails leaves an INVALID index behind, and a
retried migration must not fail on it (drop the invalid index, then retry).
`CONCURRENTLY` cannot run inside a transaction: see `concurrent-index-in-transaction`.

Under a runner that wraps migrations in a transaction, the help says how that runner runs
one migration outside it (diesel: `run_in_transaction = false` in `metadata.toml`; goose:
`-- +goose NO TRANSACTION`; Rails: `disable_ddl_transaction!`; ...). On a TimescaleDB
hypertable (`create_hypertable(...)` in a migration), where CONCURRENTLY is refused, it
advises `WITH (timescaledb.transaction_per_chunk)` instead.

## Known limitations
- A table created by an earlier migration that runs in the same deployment as this one is
  still empty; idxlint cannot know that and reports the index.
- PostgreSQL only.

## Options
`migration-runner` in `idxlint.toml` tells how files are wrapped in transactions.

## References
- PostgreSQL manual, CREATE INDEX, "Building Indexes Concurrently"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for step in ctx.steps {
        let StepKind::CreateIndex {
            concurrently: false,
            if_not_exists,
        } = step.kind
        else {
            continue;
        };
        let Some(table) = &step.table else { continue };
        if step.table_is_new {
            continue;
        }
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!("CREATE INDEX on existing table {table} without CONCURRENTLY blocks writes while it builds"),
            step.location.clone(),
        );
        d.reason = Some(format!(
            "a plain CREATE INDEX holds a SHARE lock on {table}: inserts, updates and deletes wait for the whole build"
        ));
        if step.hypertable {
            // TimescaleDB refuses CONCURRENTLY on hypertables; it builds chunk by chunk.
            d.help = Some("TimescaleDB hypertables cannot build indexes CONCURRENTLY: add WITH (timescaledb.transaction_per_chunk), which locks one chunk at a time".into());
            d.table = Some(table.clone());
            out.push(d);
            continue;
        }
        d.help = Some(if step.in_transaction {
            format!(
                "use CREATE INDEX CONCURRENTLY IF NOT EXISTS; {}",
                step.no_transaction_advice()
            )
        } else {
            "use CREATE INDEX CONCURRENTLY IF NOT EXISTS".into()
        });
        d.fix = concurrent_sql(&step.sql, if_not_exists).map(|sql| Fix { sql });
        d.table = Some(table.clone());
        out.push(d);
    }
}

/// The statement rewritten with `CONCURRENTLY` (and `IF NOT EXISTS`).
fn concurrent_sql(sql: &str, if_not_exists: bool) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)^(\s*create\s+(?:unique\s+)?index)\s+").expect("valid regex")
    });
    let m = re.captures(sql)?;
    let head = m.get(1)?;
    let rest = &sql[m.get(0)?.end()..];
    let ine = if if_not_exists { "" } else { " IF NOT EXISTS" };
    Some(format!(
        "{} CONCURRENTLY{ine} {rest};",
        head.as_str().trim_start()
    ))
}

#[cfg(test)]
mod tests {
    use super::concurrent_sql;

    #[test]
    fn rewrites_create_index() {
        assert_eq!(
            concurrent_sql("CREATE INDEX a ON t (x)", false).as_deref(),
            Some("CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x);")
        );
        assert_eq!(
            concurrent_sql("create unique index if not exists a on t (x)", true).as_deref(),
            Some("create unique index CONCURRENTLY if not exists a on t (x);")
        );
    }
}

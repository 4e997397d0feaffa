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

On a partitioned table (`PARTITION BY`), where PostgreSQL refuses `CONCURRENTLY`, the
rule reports both the plain and the concurrent `CREATE INDEX` and advises the way that
does not lock:
```sql
CREATE INDEX events_kind_idx ON ONLY events (kind);
CREATE INDEX CONCURRENTLY events_2024_kind_idx ON events_2024 (kind);
ALTER INDEX events_kind_idx ATTACH PARTITION events_2024_kind_idx;
```

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
            concurrently,
            if_not_exists,
        } = step.kind
        else {
            continue;
        };
        let Some(table) = &step.table else { continue };
        let target = crate::model::names::create_index_target(&step.sql)
            .unwrap_or_else(|| vec![table.clone()]);
        if let Some(parent) = ctx
            .schema
            .resolve(&target)
            .and_then(|k| ctx.schema.tables.get(&k))
            .filter(|t| t.partition_by.is_some())
        {
            if !step.table_is_new || concurrently {
                out.extend(partitioned(ctx, step, parent, concurrently));
            }
            continue;
        }
        if concurrently || step.table_is_new {
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

/// `CREATE INDEX [CONCURRENTLY]` on a partitioned table: PostgreSQL refuses
/// `CONCURRENTLY` there, and a plain build locks every partition. `ON ONLY parent` (the
/// first step of the way that does not lock) is fine.
fn partitioned(
    ctx: &Context,
    step: &crate::model::migration::Step,
    parent: &crate::model::schema::Table,
    concurrently: bool,
) -> Option<Diagnostic> {
    static ONLY: OnceLock<Regex> = OnceLock::new();
    static NAME: OnceLock<Regex> = OnceLock::new();
    let only = ONLY.get_or_init(|| Regex::new(r"(?i)\bON\s+ONLY\b").expect("valid regex"));
    if only.is_match(&step.sql) {
        return None;
    }
    let table = &parent.name;
    let message = if concurrently {
        format!("CREATE INDEX CONCURRENTLY on partitioned table {table} fails: PostgreSQL cannot build an index on a partitioned table concurrently")
    } else {
        format!("CREATE INDEX on partitioned table {table} blocks writes to every partition while it builds")
    };
    let mut d = Diagnostic::new(
        RULE.name,
        RULE.default_severity,
        message,
        step.location.clone(),
    );
    d.reason = Some(format!(
        "an index on a partitioned table is built on each partition under a SHARE lock, and `CONCURRENTLY` is refused on {table} itself"
    ));
    d.help = Some(format!(
        "create the index ON ONLY {table}, build it CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION each"
    ));
    // The fix rebuilds the index as the schema holds it (plain keys only).
    let name_re = NAME.get_or_init(|| {
        Regex::new(r#"(?i)^\s*create\s+index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\s+on\b"#)
            .expect("valid regex")
    });
    let index = name_re.captures(&step.sql).and_then(|c| {
        let raw = c.get(1)?.as_str();
        let name = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(q) => q.replace("\"\"", "\""),
            None => raw.to_lowercase(),
        };
        parent.indexes.iter().find(|i| i.name == name)
    });
    if let Some(ix) = index.filter(|i| i.include.is_empty() && i.predicate.is_none()) {
        d.fix = Some(Fix {
            sql: ctx.fixes.partitioned_index_replacing(
                parent,
                &ix.name,
                &ix.keys,
                &ix.method,
                &step.location,
            ),
        });
    }
    d.table = Some(table.clone());
    Some(d)
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

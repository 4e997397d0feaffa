//! `volatile-index-expression`: a function that is not IMMUTABLE in an index expression or
//! predicate, which PostgreSQL rejects at deploy time.

use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::schema::KeyExpr;
use crate::model::volatility::not_immutable;
use crate::parse::Dialect;

pub static RULE: Rule = Rule {
    name: "volatile-index-expression",
    summary: "An index expression or predicate calls a function that is not IMMUTABLE",
    default_severity: Severity::Error,
    doc: r#"## What it does
Finds index key expressions and partial-index predicates that use a function or construct
that is not IMMUTABLE: `now()`, `CURRENT_DATE`, `CURRENT_TIMESTAMP`, `localtimestamp`,
`random()`, `clock_timestamp()`, `age(x)` with one argument, `to_char(...)`, and `date_trunc`,
`date()` or `::date` applied to a `timestamptz` column. The list lives in one documented
place, `src/model/volatility.rs`.

## Why is this bad?
An index stores values computed once, at write time. PostgreSQL therefore accepts only
IMMUTABLE functions in index expressions and predicates and rejects the statement at deploy
time: "functions in index predicate must be marked IMMUTABLE". A partial index "WHERE
expires_at > now()" would also be meaningless: its row set would change with the clock.

## Example
```sql
CREATE INDEX sessions_live_idx ON sessions (user_id) WHERE expires_at > now();
```

## Use instead
```sql
CREATE INDEX sessions_user_expires_idx ON sessions (user_id, expires_at);
-- and query: WHERE user_id = $1 AND expires_at > now()
```

## Known limitations
- User-defined functions are not known; their volatility is not checked.
- Only PostgreSQL rules are applied (MySQL and SQLite have their own restrictions on
  deterministic functions).

## Options
None.

## References
- PostgreSQL manual, CREATE INDEX ("All functions and operators used in an index definition
  must be immutable"); 38.7 "Function Volatility Categories"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.dialect != Dialect::Postgres {
        return;
    }
    for table in ctx.schema.tables.values() {
        let tz: Vec<&str> = table
            .columns
            .iter()
            .filter(|c| {
                c.data_type == "timestamptz" || c.data_type.starts_with("timestamp with time zone")
            })
            .map(|c| c.name.as_str())
            .collect();
        for ix in &table.indexes {
            let exprs = ix.keys.iter().filter_map(|k| match &k.expr {
                KeyExpr::Expr(e) => Some(("expression", e.as_str())),
                KeyExpr::Column(_) => None,
            });
            let pred = ix.predicate.as_deref().map(|p| ("predicate", p));
            for (what, text) in exprs.chain(pred) {
                let Some(why) = not_immutable(text, &tz) else {
                    continue;
                };
                let mut d = Diagnostic::new(
                    RULE.name,
                    RULE.default_severity,
                    format!("index {} {what} `{text}` is not immutable: {why}", ix.name),
                    ix.declared.clone(),
                );
                d.reason = Some("PostgreSQL requires IMMUTABLE functions in index expressions and predicates and rejects this CREATE INDEX at deploy time".into());
                d.help = Some(if what == "predicate" {
                    "index the column instead and keep the time condition in the query".into()
                } else {
                    "index an immutable expression (for timestamptz, convert at a fixed time zone: `(col AT TIME ZONE 'UTC')::date`)".into()
                });
                d.table = Some(table.name.clone());
                d.index = Some(ix.name.clone());
                out.push(d);
                break;
            }
        }
    }
}

//! `non-sargable-predicate`: a filter wraps its column in a function or arithmetic, and no
//! expression index matches.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage::GapKind;
use crate::model::schema::KeyExpr;
use regex::Regex;
use std::sync::OnceLock;

pub static RULE: Rule = Rule {
    name: "non-sargable-predicate",
    summary: "A filter wraps its column in a function or arithmetic that no index matches",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds queries whose every index-usable condition on a table compares an expression over a
column (`DATE(created_at) = ?`, `lower(email) = ?`, `id + 1 = ?`) rather than the bare
column, when no expression index on the same expression exists. It offers both fixes: the
expression index, and where one exists, the rewrite to a condition on the bare column.

## Why is this bad?
An index on `created_at` stores `created_at`, not `date(created_at)`: the planner cannot use
it for a condition on the expression (the predicate is not "sargable"), so it scans the
table, even when the column is indexed. Either index the expression itself, or rewrite the
condition so that the bare column is compared with a value.

## Example
```sql
CREATE INDEX events_created_at_idx ON events (created_at);
SELECT * FROM events WHERE date(created_at) = $1;
```

## Use instead
```sql
SELECT * FROM events WHERE created_at >= $1 AND created_at < $1 + interval '1 day';
-- or
CREATE INDEX CONCURRENTLY events_date_created_at_idx ON events ((date(created_at)));
```

## Known limitations
- Rewrites are offered for `date(col)`, `col::date`, `date_trunc('day', col)` and `col + n` /
  `col - n`; for other expressions (`lower(email)`) only the expression index (or a `citext`
  column) fits.
- When some condition is on a bare column, the query is a `missing-index` case instead.

## Options
None.

## References
- PostgreSQL manual, 11.7 "Indexes on Expressions"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for site in ctx.gaps() {
        if !matches!(site.gap.kind, GapKind::NonSargable) {
            continue;
        }
        let (q, table, gap) = (site.query, site.table, &site.gap);
        let exprs: Vec<&str> = gap
            .suggestion
            .keys
            .iter()
            .filter_map(|k| match &k.expr {
                KeyExpr::Expr(e) => Some(e.as_str()),
                KeyExpr::Column(_) => None,
            })
            .collect();
        let Some(first) = exprs.first() else {
            continue;
        };
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!(
                "query filters {} on the expression {first}, which no index serves",
                table.name
            ),
            q.location.clone(),
        );
        let hidden: Vec<&str> = gap.hidden.iter().map(|i| i.name.as_str()).collect();
        d.reason = Some(if hidden.is_empty() {
            "an index stores column values, not the value of an expression over them, so the planner cannot use an index for this condition and scans the table".to_string()
        } else {
            format!(
                "the expression hides its column from {}: an index stores the column's values, not the expression's, so the planner scans the table",
                hidden.join(", ")
            )
        });
        let rewrite = exprs.iter().find_map(|e| rewrite(e));
        d.help = Some(match &rewrite {
            Some(r) => format!(
                "compare the bare column instead ({r}), or add an index on `{}`",
                fix::suggestion_shape(&table.name, &gap.suggestion)
            ),
            None => format!(
                "add an index on `{}`",
                fix::suggestion_shape(&table.name, &gap.suggestion)
            ),
        });
        d.fix = ctx.create_index_fix(
            &table.name,
            &gap.suggestion.keys,
            gap.suggestion.method,
            &mut d.help,
        );
        d.table = Some(table.name.clone());
        d.columns = fix::key_names(&gap.suggestion.keys);
        for ix in &gap.hidden {
            d.related.push(Related {
                message: format!("index {} is on the bare column", ix.name),
                location: ix.declared.clone(),
            });
        }
        d.related.push(Related {
            message: format!("table {} declared here", table.name),
            location: table.declared.clone(),
        });
        out.push(d);
    }
}

/// A condition on the bare column equivalent to `<expr> = $1`, where one exists.
pub fn rewrite(expr: &str) -> Option<String> {
    static PATTERNS: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (day, arith) = PATTERNS.get_or_init(|| {
        (
            Regex::new(r"^(?:date\(([a-z_][a-z0-9_]*)\)|([a-z_][a-z0-9_]*)::date|date_trunc\('day', ([a-z_][a-z0-9_]*)\)|cast\(([a-z_][a-z0-9_]*) as date\))$")
                .expect("valid regex"),
            Regex::new(r"^([a-z_][a-z0-9_]*) ([+-]) ([0-9]+)$").expect("valid regex"),
        )
    });
    if let Some(c) = day.captures(expr) {
        let col = (1..=4).find_map(|i| c.get(i))?.as_str();
        return Some(format!("`{col} >= $1 AND {col} < $1 + interval '1 day'`"));
    }
    if let Some(c) = arith.captures(expr) {
        let (col, op, n) = (&c[1], &c[2], &c[3]);
        let inverse = if op == "+" { "-" } else { "+" };
        return Some(format!("`{col} = $1 {inverse} {n}`"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn rewrites() {
        assert_eq!(
            rewrite("date(created_at)").as_deref(),
            Some("`created_at >= $1 AND created_at < $1 + interval '1 day'`")
        );
        assert!(rewrite("created_at::date").is_some());
        assert_eq!(rewrite("id + 1").as_deref(), Some("`id = $1 - 1`"));
        assert_eq!(rewrite("lower(email)"), None);
    }
}

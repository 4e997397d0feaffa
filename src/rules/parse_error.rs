//! `parse-error`: a statement the SQL parser could not read.

use super::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::Statement;

pub static RULE: Rule = Rule {
    name: "parse-error",
    summary: "A SQL statement could not be parsed, so idxlint cannot check it",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Reports a SQL statement that the parser for the configured dialect rejects.

## Why is this bad?
idxlint cannot see tables, indexes or access patterns in a statement it cannot read: an index
declared in it is missing from the schema, and a query in it is not checked. In `.sql` files
it is reported by default; in strings of application code only with `--app-parse-errors`,
since such strings are often templates or fragments.

## Example
```sql
CREATE TABEL users (id bigint);
```

## Use instead
```sql
CREATE TABLE users (id bigint);
```

## Known limitations
The parser (sqlparser) rejects a few valid statements. idxlint repairs the DDL that shapes
the schema (see ARCHITECTURE.md); other statements that do not parse are reported here.

A statement whose operators nest more than 2,000 deep (a generated `1+1+...+1`, an `AND`
chain of thousands of terms, thousands of `UNION ALL` branches) is not parsed at all, so that
it cannot overflow the stack; it is reported here in every file, application strings
included, with the depth found. Long `IN (...)` lists and `VALUES` rows are not deep.

## Options
Set `--dialect` or `dialect` in `idxlint.toml` to the project's database.

## References
- <https://github.com/apache/datafusion-sqlparser-rs>
"#,
    check: None,
};

/// The diagnostic for a statement that did not parse, if it did not.
pub fn diagnostic(stmt: &Statement) -> Option<Diagnostic> {
    let err = stmt.error.as_ref()?;
    let mut d = Diagnostic::new(
        RULE.name,
        RULE.default_severity,
        format!("cannot parse {} statement: {}", stmt.kind(), err.message),
        err.location.clone(),
    );
    // A `CREATE TABLE` that does not parse loses that table (and only that table): say
    // which, since queries on it will have no verdict.
    if let Some(table) = created_table(&stmt.text) {
        d.help = Some(format!(
            "table {table} is left out of the schema until this statement parses"
        ));
        d.table = Some(table);
    }
    d.related.push(crate::diagnostic::Related {
        message: "statement starts here".into(),
        location: crate::source::Location {
            file: stmt.location.file,
            range: stmt.location.range.start..stmt.location.range.start,
        },
    });
    Some(d)
}

/// The table a `CREATE [UNLOGGED|TEMP] TABLE [IF NOT EXISTS] name` statement creates, as
/// written (without quotes, lower-cased unless quoted).
fn created_table(sql: &str) -> Option<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::Regex::new(
                r#"(?is)^(?:\s|--[^\n]*\n)*CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"(?:[^"]|"")*"|[A-Za-z0-9_$`]+)(?:\.(?:"(?:[^"]|"")*"|[A-Za-z0-9_$`]+))*)"#,
            )
            .ok()
        })
        .as_ref()?;
    let raw = re.captures(sql)?.get(1)?.as_str();
    let parts: Vec<String> = raw
        .split('.')
        .map(
            |p| match p.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => p.trim_matches('`').to_lowercase(),
            },
        )
        .collect();
    Some(parts.join("."))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_lost_table() {
        assert_eq!(
            super::created_table("CREATE TABLE IF NOT EXISTS public.\"Audit\" (a int,)").as_deref(),
            Some("public.Audit")
        );
        assert_eq!(super::created_table("CREATE INDEX x ON t (a)"), None);
    }
}

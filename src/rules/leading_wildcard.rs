//! `leading-wildcard`: a pattern search that a B-tree cannot serve and no trigram index does.

use super::{fix, Context, Rule};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::coverage::GapKind;

pub static RULE: Rule = Rule {
    name: "leading-wildcard",
    summary: "A LIKE '%...', ILIKE or regex search has no trigram index to serve it",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Finds queries whose only conditions on a table are pattern searches a B-tree cannot serve:
`LIKE '%abc%'` (a leading wildcard, or a pattern passed as a parameter), `ILIKE`, `~`, `~*`,
`SIMILAR TO`, when no `pg_trgm` GIN or GiST index (`gin_trgm_ops`, `gist_trgm_ops`) on the
same column or expression exists.

## Why is this bad?
A B-tree is ordered by the value's leading characters: it can find `'abc%'` (with a pattern
operator class) but not `'%abc%'`, and never a case-insensitive or regular-expression match.
Without a trigram index, the planner reads every row and tests the pattern on each.

## Example
```sql
SELECT id FROM docs WHERE title ILIKE '%' || $1 || '%';
```

## Use instead
```sql
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX CONCURRENTLY docs_title_idx ON docs USING gin (title gin_trgm_ops);
```

## Known limitations
- A pattern given as a parameter is assumed to start with a wildcard.
- Trigram indexes need patterns of at least three characters to help.
- PostgreSQL only: MySQL and SQLite have no trigram index.

## Options
None.

## References
- PostgreSQL manual, F.35 "pg_trgm"; 11.2 "Index Types"
"#,
    check: Some(check),
};

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for site in ctx.gaps() {
        if !matches!(site.gap.kind, GapKind::LeadingWildcard) {
            continue;
        }
        let (q, table, gap) = (site.query, site.table, &site.gap);
        let cols = fix::key_names(&gap.suggestion.keys);
        let mut d = Diagnostic::new(
            RULE.name,
            RULE.default_severity,
            format!(
                "pattern search on {}.{} cannot use a B-tree, and no trigram index serves it",
                table.name,
                cols.join(", ")
            ),
            q.location.clone(),
        );
        d.reason = Some(
            "a B-tree finds values by their leading characters; a leading wildcard, ILIKE or a regular expression makes the planner read every row and test the pattern"
                .into(),
        );
        d.help = Some(format!(
            "add a trigram index on `{}` (extension pg_trgm)",
            fix::suggestion_shape(&table.name, &gap.suggestion)
        ));
        d.fix = ctx.create_index_fix(
            &table.name,
            &gap.suggestion.keys,
            gap.suggestion.method,
            &mut d.help,
        );
        d.table = Some(table.name.clone());
        d.columns = cols;
        d.related.push(Related {
            message: format!("table {} declared here", table.name),
            location: table.declared.clone(),
        });
        out.push(d);
    }
}

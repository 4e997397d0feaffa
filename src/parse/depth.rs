//! Stack safety: an upper bound on how deep a statement's syntax tree will be, from its
//! text alone, before it is parsed.
//!
//! sqlparser limits how deeply it recurses while parsing (nested parentheses, subqueries,
//! `CASE` inside `CASE`), but it builds chains of left-associative operators
//! (`1+1+...+1`, `a AND b AND ...`, `UNION ALL` branches) in a loop: the tree it returns can be
//! 100,000 levels deep. Every later walk over that tree recurses: our usage builder and fold,
//! sqlparser's own `Display`, `Clone` and even `Drop`. One such statement would overflow the
//! stack and abort the whole run (and the language server).
//!
//! Input: the text of one statement. Output: an upper bound on the depth of operator nesting
//! in its tree ([`depth_bound`]). The bound is computed by one pass over the characters with
//! a heap stack of open parentheses and `CASE`s (no recursion), skipping strings, quoted
//! identifiers and comments. Operators separated by a comma (or `WHEN`, `THEN`, `ELSE`) are
//! not in one chain, so `IN (1, 2, ...)` lists and `VALUES` rows of any length stay shallow.
//!
//! [`crate::parse`] refuses to parse a statement whose bound exceeds [`MAX_DEPTH`]: it
//! becomes a `parse-error` saying why, never a crash. The limit is far above what people
//! write (a generated `a = 1 OR a = 2 OR ...` of a thousand terms still parses) and far
//! below what overflows a 2 MiB thread stack in a debug build.

/// The deepest operator nesting a statement may have to be parsed and analyzed.
pub const MAX_DEPTH: usize = 2_000;

/// One open parenthesis or `CASE` (or the statement itself).
#[derive(Default)]
struct Level {
    /// The paren level was opened by `CASE` (closed by `END`).
    case: bool,
    /// Operators in the current comma-separated item.
    ops: usize,
    /// The deepest child (parenthesized group) in the current item.
    inner: usize,
    /// The deepest finished item.
    best: usize,
}

impl Level {
    fn case() -> Level {
        Level {
            case: true,
            ..Level::default()
        }
    }
    fn end_item(&mut self) {
        self.best = self.best.max(self.ops + self.inner);
        self.ops = 0;
        self.inner = 0;
    }
    fn total(mut self) -> usize {
        self.end_item();
        self.best
    }
}

/// Keywords that are binary operators or set operations (each adds a level to a chain).
fn is_operator_word(w: &str) -> bool {
    [
        "AND",
        "OR",
        "UNION",
        "INTERSECT",
        "EXCEPT",
        "MINUS",
        "IS",
        "NOT",
        "LIKE",
        "ILIKE",
    ]
    .iter()
    .any(|k| w.eq_ignore_ascii_case(k))
}

/// Keywords that start a new item of a `CASE` (like a comma in a list).
fn is_case_separator(w: &str) -> bool {
    ["WHEN", "THEN", "ELSE"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

/// An upper bound on the operator nesting depth of the tree `sql` parses to.
pub fn depth_bound(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut stack: Vec<Level> = vec![Level::default()];
    let mut i = 0;
    // Whether the previous token was an operator: `a - -b` is one level per sign anyway,
    // but a run of operator characters (`<=`, `||`, `->>`) is one operator.
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = memchr(b'\n', b, i).unwrap_or(b.len());
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i);
            }
            b'\'' | b'"' | b'`' => {
                i = skip_quoted(b, i, c);
            }
            b'$' => {
                i = skip_dollar(sql, i);
            }
            b'(' | b'[' => {
                stack.push(Level::default());
                i += 1;
            }
            b')' | b']' => {
                close(&mut stack, false);
                i += 1;
            }
            b',' | b';' => {
                if let Some(top) = stack.last_mut() {
                    top.end_item();
                }
                i += 1;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'<' | b'>' | b'=' | b'!' | b'~' | b'&'
            | b'^' | b'#' | b'@' | b':' | b'?' => {
                while i < b.len()
                    && matches!(
                        b[i],
                        b'+' | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'|'
                            | b'<'
                            | b'>'
                            | b'='
                            | b'!'
                            | b'~'
                            | b'&'
                            | b'^'
                            | b'#'
                            | b'@'
                            | b':'
                            | b'?'
                    )
                {
                    // A comment starts inside an operator run: stop before it.
                    if (b[i] == b'-' && b.get(i + 1) == Some(&b'-'))
                        || (b[i] == b'/' && b.get(i + 1) == Some(&b'*'))
                    {
                        break;
                    }
                    i += 1;
                }
                if let Some(top) = stack.last_mut() {
                    top.ops += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let w = &sql[start..i];
                if w.eq_ignore_ascii_case("CASE") {
                    stack.push(Level::case());
                } else if w.eq_ignore_ascii_case("END") {
                    if stack.last().is_some_and(|l| l.case) {
                        close(&mut stack, true);
                    }
                } else if is_case_separator(w) {
                    if let Some(top) = stack.last_mut() {
                        top.end_item();
                    }
                } else if is_operator_word(w) {
                    if let Some(top) = stack.last_mut() {
                        top.ops += 1;
                    }
                }
            }
            _ => {
                // Skip the rest of a multi-byte character or any other byte.
                i += 1;
            }
        }
    }
    // Unclosed levels: fold them into their parents.
    while stack.len() > 1 {
        close(&mut stack, false);
    }
    stack.pop().map(Level::total).unwrap_or(0)
}

/// Close the innermost level (a `)` or an `END`) into its parent. A `)` closes open `CASE`s
/// inside its parenthesis first; a stray `)` at the top is ignored.
fn close(stack: &mut Vec<Level>, case_end: bool) {
    loop {
        if stack.len() < 2 {
            return;
        }
        let Some(level) = stack.pop() else {
            return;
        };
        let was_case = level.case;
        let depth = level.total() + 1;
        if let Some(parent) = stack.last_mut() {
            parent.inner = parent.inner.max(depth);
        }
        if case_end || !was_case {
            return;
        }
    }
}

fn memchr(needle: u8, b: &[u8], from: usize) -> Option<usize> {
    b[from..]
        .iter()
        .position(|&c| c == needle)
        .map(|p| from + p)
}

fn skip_block_comment(b: &[u8], start: usize) -> usize {
    let mut i = start + 2;
    let mut nest = 1usize;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            nest += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            nest -= 1;
            i += 2;
            if nest == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Skip a quoted string or identifier; a doubled quote or a backslash escapes.
fn skip_quoted(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
        } else if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Skip a `$tag$ ... $tag$` string; a `$1` placeholder is one token.
fn skip_dollar(sql: &str, start: usize) -> usize {
    let b = sql.as_bytes();
    let mut j = start + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    if b.get(j) != Some(&b'$') || b[start + 1..j].first().is_some_and(u8::is_ascii_digit) {
        return j.max(start + 1);
    }
    let tag = &sql[start..=j];
    match sql[j + 1..].find(tag) {
        Some(p) => j + 1 + p + tag.len(),
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_count_their_operators() {
        assert_eq!(depth_bound("SELECT 1"), 0);
        assert_eq!(depth_bound("SELECT a FROM t WHERE a = 1 AND b = 2"), 3);
        let chain = vec!["1"; 1000].join("+");
        assert_eq!(depth_bound(&format!("SELECT {chain}")), 999);
        let ands = vec!["a = 1"; 500].join(" AND ");
        assert!(depth_bound(&format!("SELECT * FROM t WHERE {ands}")) >= 999);
    }

    #[test]
    fn lists_and_rows_stay_shallow() {
        let list: Vec<String> = (0..10_000).map(|i| format!("-{i}")).collect();
        let sql = format!("SELECT * FROM t WHERE a IN ({})", list.join(", "));
        assert_eq!(depth_bound(&sql), 3);
        let rows = vec!["(1, 'a+b', -2)"; 10_000].join(", ");
        assert_eq!(depth_bound(&format!("INSERT INTO t VALUES {rows}")), 2);
    }

    #[test]
    fn nesting_adds_up_and_case_is_a_level() {
        assert_eq!(depth_bound("SELECT ((1 + 2) + 3) + 4"), 5);
        let case = format!(
            "SELECT {}1{}",
            "CASE WHEN a THEN ".repeat(100),
            " END".repeat(100)
        );
        assert_eq!(depth_bound(&case), 100);
    }

    #[test]
    fn strings_comments_and_quoted_names_are_skipped() {
        let s = format!(
            "SELECT '{}', \"a+b\", $$ {} $$ -- {}\n/* {} */ FROM t",
            "+".repeat(5000),
            "AND ".repeat(5000),
            "+".repeat(5000),
            "OR ".repeat(5000)
        );
        assert_eq!(depth_bound(&s), 0);
    }

    #[test]
    fn odd_text_does_not_panic() {
        for s in [
            ")))",
            "((((",
            "END END",
            "'unterminated",
            "$tag$ never",
            "é+ü",
            "$1+$2",
            "/*",
        ] {
            let _ = depth_bound(s);
        }
        assert_eq!(depth_bound("$1 + $2"), 1);
    }
}

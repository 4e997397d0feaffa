//! Statement splitting: byte ranges of the statements in a piece of SQL text.
//!
//! Input: SQL text (a `.sql` file or a fragment). Output: the byte range of each statement,
//! without its terminating `;`.
//!
//! Knows `--` and nested `/* */` comments, single-quoted strings (with `''` doubling and
//! backslash escapes in `E'...'`), double-quoted and backtick identifiers, PostgreSQL
//! dollar-quoted bodies (`$$`, `$tag$`; `$1` is a parameter, not a quote) and
//! `BEGIN ATOMIC ... END` bodies, so functions and triggers do not break the split.
//!
//! Invariants: each range starts at the statement's first token (leading comments are
//! skipped, so findings point at the SQL) and ends after its last non-whitespace byte;
//! statements made only of comments and whitespace are dropped; ranges are on char
//! boundaries and in order. Never panics: an unterminated quote or comment runs to the end.

use std::ops::Range;

/// Byte ranges of the statements in `sql`, without their terminating `;`.
pub fn split_statements(sql: &str) -> Vec<Range<usize>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Depth of `BEGIN ATOMIC` / `CASE` blocks inside which `;` does not end a statement.
    let mut atomic_depth = 0usize;
    // The previous word, to recognise `BEGIN ATOMIC` and `E'`.
    let mut prev_word: &str = "";
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i);
            }
            b'\'' => {
                let escapes = prev_word.eq_ignore_ascii_case("e") && word_ends_at(b, i);
                i = quote_end(b, i, b'\'', escapes);
                prev_word = "";
            }
            b'"' | b'`' => {
                i = quote_end(b, i, c, false);
                prev_word = "";
            }
            b'$' => {
                if let Some(end) = dollar_quote_end(sql, i) {
                    i = end;
                } else {
                    i += 1;
                }
                prev_word = "";
            }
            b';' => {
                if atomic_depth == 0 {
                    out.push(start..i);
                    start = i + 1;
                    // pg_dump's `COPY ... FROM stdin;` is followed by data rows up to a
                    // line `\.`: they are data, not SQL.
                    let stmt = out
                        .last()
                        .and_then(|r| trim_statement(sql, r.clone()))
                        .map_or("", |r| &sql[r]);
                    if is_copy_from_stdin(stmt) {
                        start = copy_data_end(b, i + 1);
                        i = start;
                        prev_word = "";
                        continue;
                    }
                }
                i += 1;
                prev_word = "";
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                let w = &sql[s..i];
                let opens_atomic =
                    w.eq_ignore_ascii_case("atomic") && prev_word.eq_ignore_ascii_case("begin");
                // `CASE ... END` inside an atomic body must not close it.
                let opens_case = atomic_depth > 0 && w.eq_ignore_ascii_case("case");
                if opens_atomic || opens_case {
                    atomic_depth += 1;
                } else if atomic_depth > 0 && w.eq_ignore_ascii_case("end") {
                    atomic_depth -= 1;
                }
                // `E'..'` needs the E directly before the quote: remember the word.
                prev_word = w;
            }
            _ => {
                if !c.is_ascii_whitespace() {
                    prev_word = "";
                }
                i += 1;
            }
        }
    }
    out.push(start..sql.len());
    out.into_iter()
        .filter_map(|r| trim_statement(sql, r))
        .collect()
}

/// Whether a statement is `COPY ... FROM STDIN` (its data follows in the script).
fn is_copy_from_stdin(stmt: &str) -> bool {
    let mut words = stmt
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("copy")) {
        return false;
    }
    let words: Vec<&str> = words.collect();
    words
        .windows(2)
        .any(|w| w[0].eq_ignore_ascii_case("from") && w[1].eq_ignore_ascii_case("stdin"))
}

/// The end of `COPY` data starting at `i` (the rest of the `COPY` line, then rows): just
/// after the line `\.`, or the end of the text.
fn copy_data_end(b: &[u8], i: usize) -> usize {
    let mut line_start = line_end(b, i).saturating_add(1).min(b.len());
    while line_start < b.len() {
        let end = line_end(b, line_start);
        let line = &b[line_start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line == b"\\." {
            return (end + 1).min(b.len());
        }
        line_start = (end + 1).min(b.len());
    }
    b.len()
}

/// Does a word end right at `i` (so a quote at `i` is a prefixed string like `E'..'`)?
fn word_ends_at(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map(|p| i + p)
        .unwrap_or(b.len())
}

/// End (exclusive) of a nested `/* */` comment starting at `i`.
fn block_comment_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    b.len()
}

/// End (exclusive) of a quoted run starting at `i`; a doubled quote escapes it, and with
/// `escapes` a backslash escapes the next byte.
fn quote_end(b: &[u8], i: usize, q: u8, escapes: bool) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if escapes && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// If a dollar quote (`$$` or `$tag$`) opens at `i`, the end (exclusive) of its body.
fn dollar_quote_end(sql: &str, i: usize) -> Option<usize> {
    let b = sql.as_bytes();
    // `$` right after a word char is part of an identifier (`a$b`), not a quote.
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i + 1;
    if j < b.len() && b[j].is_ascii_digit() {
        return None;
    }
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    if b.get(j) != Some(&b'$') {
        return None;
    }
    let tag = &sql[i..=j];
    let body = j + 1;
    Some(match sql[body..].find(tag) {
        Some(p) => body + p + tag.len(),
        None => sql.len(),
    })
}

/// Trim whitespace and leading comments; `None` if nothing but comments remains.
fn trim_statement(sql: &str, r: Range<usize>) -> Option<Range<usize>> {
    let b = sql.as_bytes();
    let mut s = r.start;
    loop {
        while s < r.end && b[s].is_ascii_whitespace() {
            s += 1;
        }
        if sql[s..r.end].starts_with("--") {
            s = line_end(b, s).min(r.end);
        } else if sql[s..r.end].starts_with("/*") {
            s = block_comment_end(b, s).min(r.end);
        } else {
            break;
        }
    }
    let e = s + sql[s..r.end].trim_end().len();
    if s >= e {
        return None;
    }
    // A statement whose rest is only a trailing comment still has real text at `s`.
    Some(s..e)
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn copy_data_is_not_sql() {
        let sql = "-- data\nCOPY public.t (a, b) FROM stdin;\n1\tdrop table x;\n2\t'\n\\.\nCREATE TABLE u (id int);\nCOPY t FROM stdin;\n3\tx";
        assert_eq!(
            texts(sql),
            [
                "COPY public.t (a, b) FROM stdin",
                "CREATE TABLE u (id int)",
                "COPY t FROM stdin"
            ]
        );
        // `COPY ... FROM 'file'` has no inline data.
        assert_eq!(
            texts("COPY t FROM '/tmp/x'; SELECT 1"),
            ["COPY t FROM '/tmp/x'", "SELECT 1"]
        );
    }

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|r| &sql[r]).collect()
    }

    #[test]
    fn plain_and_comments() {
        assert_eq!(texts("SELECT 1; SELECT 2;"), ["SELECT 1", "SELECT 2"]);
        assert_eq!(
            texts("-- a; b\nSELECT 1; /* x; /* nested; */ y; */ SELECT 2"),
            ["SELECT 1", "SELECT 2"]
        );
        assert_eq!(texts("-- only a comment;\n ; /* c */"), Vec::<&str>::new());
    }

    #[test]
    fn leading_comment_is_skipped() {
        let sql = "SELECT 1;\n-- why\n/* how */ CREATE INDEX i ON t (a);";
        let r = split_statements(sql);
        assert_eq!(&sql[r[1].clone()], "CREATE INDEX i ON t (a)");
    }

    #[test]
    fn strings_and_identifiers() {
        assert_eq!(
            texts("SELECT 'a;''b'; SELECT \"x;y\", `z;`; SELECT E'it\\'s;'; SELECT 2"),
            [
                "SELECT 'a;''b'",
                "SELECT \"x;y\", `z;`",
                "SELECT E'it\\'s;'",
                "SELECT 2"
            ]
        );
        // Without the E prefix a backslash is an ordinary character.
        assert_eq!(
            texts("SELECT 'a\\'; SELECT 2"),
            ["SELECT 'a\\'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quotes() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
                   CREATE FUNCTION g() RETURNS int AS $body$ SELECT $1; $x$ $body$ LANGUAGE sql;\n\
                   SELECT $1, a$b FROM t WHERE x = $2;";
        let t = texts(sql);
        assert_eq!(t.len(), 3);
        assert!(t[0].ends_with("LANGUAGE sql"));
        assert!(t[1].ends_with("LANGUAGE sql"));
        assert_eq!(t[2], "SELECT $1, a$b FROM t WHERE x = $2");
    }

    #[test]
    fn begin_atomic() {
        let sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC \
                   SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; SELECT 2; END; SELECT 3";
        let t = texts(sql);
        assert_eq!(t.len(), 2);
        assert!(t[0].ends_with("SELECT 2; END"));
        assert_eq!(t[1], "SELECT 3");
    }

    #[test]
    fn unterminated_never_panics() {
        for sql in [
            "SELECT 'abc",
            "SELECT $$ x",
            "/* open",
            "SELECT \"x",
            "E'\\",
            "$",
            "$a",
            "é'",
        ] {
            let r = split_statements(sql);
            for x in r {
                assert!(sql.is_char_boundary(x.start) && sql.is_char_boundary(x.end));
            }
        }
        assert_eq!(
            texts("SELECT 1; SELECT 'abc; def"),
            ["SELECT 1", "SELECT 'abc; def"]
        );
    }

    #[test]
    fn non_ascii() {
        assert_eq!(
            texts("SELECT 'é;ü' ; SELECT ñ"),
            ["SELECT 'é;ü'", "SELECT ñ"]
        );
    }
}

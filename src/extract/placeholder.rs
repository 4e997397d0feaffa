//! Placeholders and interpolations become numbered parameters, so the SQL parses.
//!
//! Input: the decoded units of one SQL string (see [`super::literal`]). Output: the same
//! characters with every interpolation (`${x}`, `{x}`, `#{x}`) and every driver placeholder
//! replaced by a `$N` parameter, which sqlparser's PostgreSQL, MySQL and SQLite dialects
//! all accept. Only host strings are rewritten; `.sql` files are left as they are.
//!
//! Recognised, outside SQL string literals, quoted identifiers and comments:
//! - `?` and `?NNN`, but only where a value is expected: after an operator, `(`, `,`, or a
//!   keyword such as `LIMIT`, `OFFSET`, `IN`, `VALUES`, `WHERE`, `AND`, `THEN`, or at the
//!   start. After an identifier, a literal or `)`, `?` is PostgreSQL's jsonb "key exists"
//!   operator (`data ? 'k'`), and `?|`, `?&` are always operators.
//! - `%s` and `%(name)s` (Python DB-API); `%%` is then left alone (sqlparser reads `%%`
//!   poorly either way, and the percent sign rarely matters to index analysis).
//! - `:name` (not `::type` casts, not `:=`, not `a[1:2]`), preceded by a non-word character.
//! - `@name` (not `@@system_var`, not the `@>` operator; emails sit in string literals).
//! - Existing `$1` parameters stay; new parameters are numbered after the largest one.
//!
//! Invariant: every output unit maps to host bytes of its input units; a parameter maps to
//! the whole host span of the placeholder it replaces.

use super::literal::Unit;

/// One unit of the rewritten string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    Char {
        ch: char,
        host: usize,
        host_len: usize,
    },
    Param {
        n: usize,
        host: usize,
        host_len: usize,
    },
}

/// Keywords after which a `?` stands for a value.
const VALUE_KEYWORDS: &[&str] = &[
    "LIMIT", "OFFSET", "IN", "VALUES", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN",
    "SELECT", "SET", "LIKE", "ILIKE", "BETWEEN", "IS", "ON", "BY", "RETURN", "CASE", "ANY", "ALL",
    "SOME", "DISTINCT", "FETCH", "FIRST", "NEXT", "TOP", "INTERVAL", "ESCAPE",
];

fn ch(u: &Unit) -> Option<char> {
    match u {
        Unit::Char { ch, .. } => Some(*ch),
        Unit::Interp { .. } => None,
    }
}

fn span(units: &[Unit]) -> (usize, usize) {
    let first = units.first().map(host_of).unwrap_or(0);
    let end = units
        .last()
        .map(|u| match u {
            Unit::Char { host, host_len, .. } | Unit::Interp { host, host_len } => host + host_len,
        })
        .unwrap_or(first);
    (first, end.max(first) - first)
}

fn host_of(u: &Unit) -> usize {
    match u {
        Unit::Char { host, .. } | Unit::Interp { host, .. } => *host,
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Rewrite interpolations and driver placeholders in `units` as `$N` parameters.
pub fn rewrite(units: &[Unit]) -> Vec<Out> {
    let chars: Vec<Option<char>> = units.iter().map(ch).collect();
    let at = |i: usize| chars.get(i).copied().flatten();
    let mut next = max_dollar_param(&chars) + 1;
    let mut out = Vec::with_capacity(units.len());
    // The last significant token before the cursor: a word, or a punctuation char.
    let mut prev_word = String::new();
    let mut prev_punct: Option<char> = None;
    let mut i = 0;
    let param = |out: &mut Vec<Out>, next: &mut usize, from: usize, to: usize| {
        let (host, host_len) = span(&units[from..to]);
        out.push(Out::Param {
            n: *next,
            host,
            host_len,
        });
        *next += 1;
    };
    // Interpolations inside quoted SQL still become parameters (`'%${q}%'`).
    let copy = |out: &mut Vec<Out>, next: &mut usize, from: usize, to: usize| {
        for u in &units[from..to] {
            match *u {
                Unit::Char { ch, host, host_len } => out.push(Out::Char { ch, host, host_len }),
                Unit::Interp { host, host_len } => {
                    out.push(Out::Param {
                        n: *next,
                        host,
                        host_len,
                    });
                    *next += 1;
                }
            }
        }
    };
    while i < units.len() {
        let Some(c) = at(i) else {
            param(&mut out, &mut next, i, i + 1);
            prev_word.clear();
            prev_punct = Some('$');
            i += 1;
            continue;
        };
        // Quoted SQL: strings, identifiers, comments are copied as they are.
        let quoted_end = match c {
            '\'' | '"' | '`' => Some(skip_quoted(&chars, i, c)),
            '-' if at(i + 1) == Some('-') => Some(skip_until(&chars, i, "\n")),
            '/' if at(i + 1) == Some('*') => Some(skip_until(&chars, i + 2, "*/")),
            '$' if at(i + 1).is_some_and(|d| d == '$' || d.is_alphabetic() || d == '_') => {
                Some(skip_dollar(&chars, i))
            }
            _ => None,
        };
        if let Some(end) = quoted_end {
            copy(&mut out, &mut next, i, end);
            if c == '\'' || c == '"' || c == '`' || c == '$' {
                prev_word = "'".to_string();
                prev_punct = None;
            }
            i = end;
            continue;
        }
        if c.is_whitespace() {
            copy(&mut out, &mut next, i, i + 1);
            i += 1;
            continue;
        }
        if is_word(c) {
            let mut j = i;
            while at(j).is_some_and(is_word) {
                j += 1;
            }
            copy(&mut out, &mut next, i, j);
            prev_word = chars[i..j].iter().flatten().collect();
            prev_punct = None;
            i = j;
            continue;
        }
        match c {
            '?' => {
                let n1 = at(i + 1);
                let operator = matches!(n1, Some('|') | Some('&'));
                let value_pos = !operator && value_expected(&prev_word, prev_punct);
                if value_pos {
                    let mut j = i + 1;
                    while at(j).is_some_and(|d| d.is_ascii_digit()) {
                        j += 1;
                    }
                    param(&mut out, &mut next, i, j);
                    prev_word.clear();
                    prev_punct = Some('$');
                    i = j;
                    continue;
                }
            }
            '%' => {
                if at(i + 1) == Some('s') && !at(i + 2).is_some_and(is_word) {
                    param(&mut out, &mut next, i, i + 2);
                    prev_word.clear();
                    prev_punct = Some('$');
                    i += 2;
                    continue;
                }
                if at(i + 1) == Some('(') {
                    let mut j = i + 2;
                    while at(j).is_some_and(is_word) {
                        j += 1;
                    }
                    if j > i + 2 && at(j) == Some(')') && at(j + 1) == Some('s') {
                        param(&mut out, &mut next, i, j + 2);
                        prev_word.clear();
                        prev_punct = Some('$');
                        i = j + 2;
                        continue;
                    }
                }
            }
            ':' | '@' => {
                let before = i.checked_sub(1).and_then(at);
                let after = at(i + 1);
                let starts_name = after.is_some_and(|d| d.is_alphabetic() || d == '_');
                let clean_before = !before.is_some_and(|b| is_word(b) || b == ':' || b == '@');
                if starts_name && clean_before {
                    let mut j = i + 1;
                    while at(j).is_some_and(is_word) {
                        j += 1;
                    }
                    // `a[lo:hi]` is an array slice.
                    let slice = c == ':' && prev_punct != Some('[') && at(j) == Some(']');
                    if !slice {
                        param(&mut out, &mut next, i, j);
                        prev_word.clear();
                        prev_punct = Some('$');
                        i = j;
                        continue;
                    }
                }
            }
            _ => {}
        }
        copy(&mut out, &mut next, i, i + 1);
        prev_word.clear();
        prev_punct = Some(c);
        i += 1;
    }
    out
}

fn value_expected(prev_word: &str, prev_punct: Option<char>) -> bool {
    if !prev_word.is_empty() {
        let up = prev_word.to_ascii_uppercase();
        return VALUE_KEYWORDS.contains(&up.as_str());
    }
    match prev_punct {
        None => true,
        Some(p) => matches!(
            p,
            '=' | '<' | '>' | '!' | '(' | ',' | '+' | '-' | '*' | '/' | '%' | '|' | '[' | '&'
        ),
    }
}

/// End (exclusive) of a quoted run starting at `i` with quote `q` (doubling escapes it; a
/// backslash escapes the next char, which covers MySQL and `E''` strings well enough).
fn skip_quoted(chars: &[Option<char>], i: usize, q: char) -> usize {
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            Some('\\') if q == '\'' => j += 2,
            Some(c) if c == q => {
                if chars.get(j + 1).copied().flatten() == Some(q) {
                    j += 2;
                } else {
                    return j + 1;
                }
            }
            _ => j += 1,
        }
    }
    chars.len()
}

fn skip_until(chars: &[Option<char>], from: usize, end: &str) -> usize {
    let pat: Vec<Option<char>> = end.chars().map(Some).collect();
    let mut j = from;
    while j < chars.len() {
        if chars[j..].starts_with(&pat) {
            return j + pat.len();
        }
        j += 1;
    }
    chars.len()
}

/// `$tag$ ... $tag$`, or a `$1` parameter / `$name` (kept as it is).
fn skip_dollar(chars: &[Option<char>], i: usize) -> usize {
    let mut j = i + 1;
    while chars.get(j).copied().flatten().is_some_and(is_word) {
        j += 1;
    }
    if chars.get(j).copied().flatten() != Some('$') {
        return j;
    }
    let tag = &chars[i..=j];
    let mut k = j + 1;
    while k < chars.len() {
        if chars[k..].starts_with(tag) {
            return k + tag.len();
        }
        k += 1;
    }
    chars.len()
}

/// The largest `$N` in the text, or 0.
fn max_dollar_param(chars: &[Option<char>]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == Some('$') && !(i > 0 && chars[i - 1].is_some_and(is_word)) {
            let mut j = i + 1;
            let mut v: usize = 0;
            while let Some(d) = chars.get(j).copied().flatten().and_then(|d| d.to_digit(10)) {
                v = v.saturating_mul(10).saturating_add(d as usize);
                j += 1;
            }
            if j > i + 1 && v < 100_000 {
                max = max.max(v);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let units: Vec<Unit> = s
            .char_indices()
            .map(|(i, c)| {
                if c == '§' {
                    Unit::Interp {
                        host: i,
                        host_len: 2,
                    }
                } else {
                    Unit::verbatim(c, i)
                }
            })
            .collect();
        rewrite(&units)
            .into_iter()
            .map(|o| match o {
                Out::Char { ch, .. } => ch.to_string(),
                Out::Param { n, .. } => format!("${n}"),
            })
            .collect()
    }

    #[test]
    fn question_marks_only_in_value_position() {
        assert_eq!(run("a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
        assert_eq!(run("data ? 'k' AND x = ?"), "data ? 'k' AND x = $1");
        assert_eq!(run("d ?| array['a'] LIMIT ?"), "d ?| array['a'] LIMIT $1");
        assert_eq!(run("x = ?2"), "x = $1");
    }

    #[test]
    fn named_and_percent() {
        assert_eq!(
            run("a = :id AND b::int = 1 AND c := 2"),
            "a = $1 AND b::int = 1 AND c := 2"
        );
        assert_eq!(run("a = %s AND b = %(name)s"), "a = $1 AND b = $2");
        assert_eq!(
            run("a = @id AND tags @> '{x@y.z}' AND @@v"),
            "a = $1 AND tags @> '{x@y.z}' AND @@v"
        );
        assert_eq!(run("a = ':id' -- :x\n"), "a = ':id' -- :x\n");
        assert_eq!(run("arr[lo:hi]"), "arr[lo:hi]");
    }

    #[test]
    fn interpolations_numbered_after_existing() {
        assert_eq!(run("a = $2 AND b = §"), "a = $2 AND b = $3");
        assert_eq!(run("$$ ? $$ = §"), "$$ ? $$ = $1");
    }
}

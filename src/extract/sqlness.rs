//! Which host strings are SQL.
//!
//! Input: the value of one (joined) string literal, interpolations shown as `?`. Output:
//! yes or no. The test is deliberately strict, because a false positive makes a parse
//! error or a bogus query, while a missed string only loses coverage.
//!
//! The heuristic: after whitespace, SQL comments and opening `(`, the string must start
//! with a statement keyword (case-insensitive) followed by the shape of that statement:
//!
//! | start | shape required |
//! |---|---|
//! | `SELECT` | `... FROM <name>`, or no FROM and a clear value list: `SELECT 1`, `SELECT count(*)`, `SELECT now()`, `SELECT ?` |
//! | `INSERT` | `[IGNORE \| OR <word>] INTO <name>` |
//! | `REPLACE` | `INTO <name>` |
//! | `UPDATE` | `<name> SET` (also `UPDATE ONLY <name> SET`, `<name> AS x SET`, `<name> x SET`) |
//! | `DELETE` | `FROM <name>` |
//! | `WITH` | `[RECURSIVE] <name> [(cols)] AS [[NOT] MATERIALIZED] (` |
//! | `CREATE` | `[OR REPLACE] [UNIQUE\|TEMP\|TEMPORARY\|UNLOGGED\|MATERIALIZED] INDEX\|TABLE\|VIEW\|EXTENSION\|SCHEMA\|SEQUENCE\|TYPE\|TRIGGER\|FUNCTION\|PROCEDURE` |
//! | `ALTER` | `TABLE\|INDEX\|SEQUENCE\|VIEW\|TYPE` |
//! | `DROP` | `INDEX\|TABLE\|VIEW\|EXTENSION\|SCHEMA\|SEQUENCE\|TYPE\|TRIGGER\|FUNCTION` |
//! | `TRUNCATE` | `[TABLE] <name>` |
//! | `EXPLAIN` | `[ANALYZE] [VERBOSE]` then any of the above |
//!
//! For `SELECT ... FROM`, prose is told apart from SQL: the word right after `SELECT` or
//! `FROM` must not be an English article or pronoun (`a`, `an`, `the`, `your`, `this`...),
//! so "Select a user from the list" is not SQL, and a title-case "Select" needs an SQL
//! sign (`*`, `,`, `(`, `=`, `.`) in the string.

/// Words that do not follow `SELECT` or `FROM` in SQL but do in English.
const PROSE_WORDS: &[&str] = &[
    "a", "an", "the", "your", "you", "this", "that", "these", "those", "my", "our", "one", "some",
    "any", "which", "what", "to", "here", "there", "it", "them", "all",
];

/// Does the string look like an SQL statement?
pub fn looks_like_sql(s: &str) -> bool {
    let all = words(s);
    // `EXPLAIN [ANALYZE | VERBOSE]...` prefixes are skipped in a loop (any number of them).
    let mut skip = 0;
    while all.get(skip).is_some_and(|t| t.up == "EXPLAIN") {
        skip += 1;
        while all
            .get(skip)
            .is_some_and(|t| matches!(t.up.as_str(), "ANALYZE" | "VERBOSE" | "ANALYSE"))
        {
            skip += 1;
        }
    }
    let (s, words) = match (skip, all.get(skip)) {
        (0, _) => (s, all),
        (_, Some(t)) => {
            let rest = &s[t.start..];
            (rest, self::words(rest))
        }
        (_, None) => return false,
    };
    let Some(first) = words.first() else {
        return false;
    };
    let w = |i: usize| words.get(i).map(|t| t.up.as_str()).unwrap_or("");
    match first.up.as_str() {
        "SELECT" => select_shape(s, &words),
        "INSERT" => {
            let mut k = 1;
            if w(k) == "IGNORE" {
                k += 1;
            } else if w(k) == "OR" {
                k += 2;
            }
            w(k) == "INTO" && words.get(k + 1).is_some_and(|t| t.ident)
        }
        "REPLACE" => w(1) == "INTO" && words.get(2).is_some_and(|t| t.ident),
        "UPDATE" => {
            let mut k = 1;
            if w(k) == "ONLY" {
                k += 1;
            }
            if !words.get(k).is_some_and(|t| t.ident) {
                return false;
            }
            if w(k + 1) == "SET" {
                return true;
            }
            (w(k + 1) == "AS" && w(k + 3) == "SET") || w(k + 2) == "SET"
        }
        "DELETE" => w(1) == "FROM" && words.get(2).is_some_and(|t| t.ident),
        "WITH" => {
            let mut k = 1;
            if w(k) == "RECURSIVE" {
                k += 1;
            }
            if !words.get(k).is_some_and(|t| t.ident) {
                return false;
            }
            // `AS (` may come after a column list; look a short way ahead.
            let rest = &s[words[k].end..];
            let head = rest.trim_start();
            let head = if head.starts_with('(') {
                match head.find(')') {
                    Some(i) => &head[i + 1..],
                    None => return false,
                }
            } else {
                head
            };
            let head = head.trim_start();
            let up = head.get(..2).map(|x| x.to_ascii_uppercase());
            if up.as_deref() != Some("AS") {
                return false;
            }
            let mut after = head[2..].trim_start();
            for kw in ["NOT", "MATERIALIZED"] {
                if after.len() >= kw.len()
                    && after.is_char_boundary(kw.len())
                    && after[..kw.len()].eq_ignore_ascii_case(kw)
                {
                    after = after[kw.len()..].trim_start();
                }
            }
            after.starts_with('(')
        }
        "CREATE" => {
            let mut k = 1;
            if w(k) == "OR" && w(k + 1) == "REPLACE" {
                k += 2;
            }
            while matches!(
                w(k),
                "UNIQUE" | "TEMP" | "TEMPORARY" | "UNLOGGED" | "MATERIALIZED" | "GLOBAL" | "LOCAL"
            ) {
                k += 1;
            }
            matches!(
                w(k),
                "INDEX"
                    | "TABLE"
                    | "VIEW"
                    | "EXTENSION"
                    | "SCHEMA"
                    | "SEQUENCE"
                    | "TYPE"
                    | "TRIGGER"
                    | "FUNCTION"
                    | "PROCEDURE"
            ) && words.len() > k + 1
        }
        "ALTER" => {
            matches!(w(1), "TABLE" | "INDEX" | "SEQUENCE" | "VIEW" | "TYPE") && words.len() > 2
        }
        "DROP" => {
            matches!(
                w(1),
                "INDEX"
                    | "TABLE"
                    | "VIEW"
                    | "EXTENSION"
                    | "SCHEMA"
                    | "SEQUENCE"
                    | "TYPE"
                    | "TRIGGER"
                    | "FUNCTION"
            ) && words.len() > 2
        }
        "TRUNCATE" => {
            let k = if w(1) == "TABLE" { 2 } else { 1 };
            words.get(k).is_some_and(|t| t.ident) && words.len() <= k + 4
        }
        _ => false,
    }
}

fn select_shape(s: &str, words: &[Word]) -> bool {
    let first = &words[0];
    let Some(second) = words.get(1) else {
        // `SELECT 1`, `SELECT *`: no second word; look at what follows.
        let rest = s[first.end..].trim_start();
        return rest.starts_with(|c: char| c.is_ascii_digit() || c == '?' || c == '$');
    };
    if prose_at(s, words, 1) {
        return false;
    }
    let title = first.text.starts_with(char::is_uppercase)
        && first.text[1..].chars().all(|c| c.is_lowercase());
    if title && !s.contains(['*', ',', '(', '=', '.']) {
        return false;
    }
    if let Some(i) = words.iter().position(|t| t.up == "FROM") {
        let Some(table) = words.get(i + 1) else {
            return false;
        };
        if prose_at(s, words, i + 1) {
            return false;
        }
        // Something between SELECT and FROM: a column list, `*`, or a function.
        return s[first.end..words[i].start].trim().chars().next().is_some() && table.ident
            || s[words[i].end..].trim_start().starts_with('(');
    }
    // No FROM: only a short, clearly-SQL value list.
    let rest = s[first.end..].trim_start();
    if rest.starts_with(|c: char| c.is_ascii_digit() || c == '?' || c == '$' || c == '\'') {
        return words.len() <= 8;
    }
    // `SELECT count(*)`, `SELECT now()`, `SELECT pg_advisory_lock(?)`
    second.start == first.end + (s[first.end..].len() - rest.len())
        && s[second.end..].starts_with('(')
        && words.len() <= 8
}

/// Words that follow a table or column name in SQL.
const SQL_FOLLOW: &[&str] = &[
    "FROM",
    "AS",
    "WHERE",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "NATURAL",
    "ORDER",
    "GROUP",
    "LIMIT",
    "ON",
    "USING",
    "UNION",
    "SET",
    "VALUES",
    "OFFSET",
    "HAVING",
    "WINDOW",
    "FOR",
    "AND",
    "OR",
    "IS",
    "IN",
    "NOT",
    "LIKE",
    "ILIKE",
    "BETWEEN",
    "EXCEPT",
    "INTERSECT",
    "RETURNING",
    "FETCH",
    "DESC",
    "ASC",
];

/// Is `words[k]` an English article or pronoun used as one: followed, after only
/// whitespace, by another word that is not an SQL keyword ("a user", "the list")? A lone
/// `a` (`SELECT a FROM t`, `FROM t a WHERE`) is an ordinary name.
fn prose_at(s: &str, words: &[Word], k: usize) -> bool {
    let (Some(w), Some(next)) = (words.get(k), words.get(k + 1)) else {
        return false;
    };
    PROSE_WORDS.contains(&w.text.to_ascii_lowercase().as_str())
        && !w.followed_by_dot
        && s[w.end..next.start].trim().is_empty()
        && !next.text.starts_with(['"', '`', '['])
        && !SQL_FOLLOW.contains(&next.up.as_str())
}

/// A word of the string with its position.
struct Word {
    text: String,
    up: String,
    start: usize,
    end: usize,
    /// Starts like an identifier or quoted identifier (usable as a table name).
    ident: bool,
    followed_by_dot: bool,
}

/// The words of `s` (identifiers, keywords and quoted identifiers), skipping leading
/// comments and `(`, and skipping over SQL string literals.
fn words(s: &str) -> Vec<Word> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Leading whitespace, comments, parentheses.
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'(') {
            i += 1;
        }
        if s[i..].starts_with("--") {
            i = s[i..].find('\n').map(|j| i + j).unwrap_or(s.len());
        } else if s[i..].starts_with("/*") {
            i = s[i..].find("*/").map(|j| i + j + 2).unwrap_or(s.len());
        } else {
            break;
        }
    }
    if !s[i..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return out;
    }
    while i < b.len() && out.len() < 64 {
        let c = b[i];
        if c == b'\'' {
            i = s[i + 1..].find('\'').map(|j| i + j + 2).unwrap_or(s.len());
            continue;
        }
        if c == b'"' || c == b'`' || c == b'[' {
            let close = if c == b'[' { ']' } else { c as char };
            let end = s[i + 1..].find(close).map(|j| i + j + 2).unwrap_or(s.len());
            out.push(Word {
                text: s[i..end].to_string(),
                up: s[i..end].to_string(),
                start: i,
                end,
                ident: true,
                followed_by_dot: s[end..].starts_with('.'),
            });
            i = end;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while let Some(c) = s[i..].chars().next() {
                if c.is_alphanumeric() || c == '_' || c == '$' {
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
            let text = &s[start..i];
            out.push(Word {
                text: text.to_string(),
                up: text.to_ascii_uppercase(),
                start,
                end: i,
                ident: text.starts_with(|c: char| c.is_alphabetic() || c == '_'),
                followed_by_dot: s[i..].starts_with('.'),
            });
            continue;
        }
        i += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::looks_like_sql as sql;

    #[test]
    fn statements() {
        assert!(sql("SELECT id FROM users WHERE id = ?"));
        assert!(sql("  -- c\n  select * from t"));
        assert!(sql("(SELECT a FROM t) UNION (SELECT a FROM u)"));
        assert!(sql("SELECT 1"));
        assert!(sql("SELECT count(*) FROM t"));
        assert!(sql("SELECT now()"));
        assert!(sql("insert into t (a) values (?)"));
        assert!(sql("INSERT OR REPLACE INTO t VALUES (1)"));
        assert!(sql("UPDATE users SET a = 1"));
        assert!(sql("update \"Users\" u set a = 1"));
        assert!(sql("DELETE FROM t WHERE id = $1"));
        assert!(sql("WITH x AS (SELECT 1) SELECT * FROM x"));
        assert!(sql("WITH RECURSIVE x(n) AS (SELECT 1) SELECT n FROM x"));
        assert!(sql("CREATE UNIQUE INDEX i ON t (a)"));
        assert!(sql("CREATE TABLE t (a int)"));
        assert!(sql("ALTER TABLE t ADD COLUMN b int"));
        assert!(sql("DROP INDEX i"));
        assert!(sql("CREATE EXTENSION pg_trgm"));
        assert!(sql("EXPLAIN ANALYZE SELECT a FROM t"));
    }

    #[test]
    fn prose() {
        assert!(!sql("Select a user from the list"));
        assert!(!sql("select the rows from your table"));
        assert!(!sql("Select all"));
        assert!(!sql("Update available"));
        assert!(!sql("update your profile"));
        assert!(!sql("Delete this item?"));
        assert!(!sql("Insert coin"));
        assert!(!sql("Create a new account"));
        assert!(!sql("with love"));
        assert!(!sql("SELECT"));
        assert!(!sql("Drop it"));
        assert!(!sql(""));
        assert!(!sql("selected users from list"));
        assert!(!sql("Select items from inventory"));
    }
}

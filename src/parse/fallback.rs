//! Targeted repairs for valid DDL that sqlparser rejects.
//!
//! Input: the text of one statement that failed to parse. Output: a rewritten text that
//! sqlparser 0.63 accepts, or `None`. Each repair keeps everything idxlint's schema needs
//! (tables, columns, keys, indexes) and drops only clauses that do not matter to it.
//!
//! Invariants: never panics; matching runs on a masked copy of the text (string literals,
//! quoted identifiers and comments blanked, ASCII upper-cased) of the same byte length, so
//! every edit range falls on ASCII bytes, hence on char boundaries of the original.
//!
//! Repairs, each found in real migrations (see `tests/corpus.rs`):
//! - `ALTER TABLE t ALTER CONSTRAINT c [NOT] DEFERRABLE | INITIALLY ...` (constraint
//!   timing only) becomes `VALIDATE CONSTRAINT c`, another no-op for the schema.
//! - `CREATE SEQUENCE s AS integer ...`: the `AS type` clause is dropped.
//! - `DROP INDEX CONCURRENTLY ...`: `CONCURRENTLY` is dropped (locking does not matter).
//! - `CREATE INDEX ... ON ONLY t`: `ONLY` is dropped (it only keeps the index off the
//!   partitions of a partitioned table).
//! - `ALTER TABLE p ATTACH | DETACH PARTITION c ...` becomes `ALTER TABLE p VALIDATE
//!   CONSTRAINT ...`, a no-op (folding reads the attach from the statement text, see
//!   `model::names::attach_partition`); `ALTER INDEX p ATTACH PARTITION c` becomes a rename
//!   of `p` to itself, another no-op (pg_dump writes both for partitioned tables).
//! - `ALTER TABLE t SET SCHEMA s` becomes `ALTER TABLE t VALIDATE CONSTRAINT ...`, a no-op
//!   (folding reads the move from the text).
//! - `CREATE TABLE t (LIKE u INCLUDING ALL ...)`: the `INCLUDING` / `EXCLUDING` options are
//!   dropped (folding reads them from the statement text).
//! - `CREATE MATERIALIZED VIEW ... WITH [NO] DATA` (pg_dump writes `WITH NO DATA`): the
//!   clause is dropped.
//! - Table-level `CONSTRAINT c NOT NULL col` (PostgreSQL 18) becomes
//!   `CONSTRAINT c CHECK (col IS NOT NULL)`, which folding reads as `NOT NULL`.
//! - MySQL index options `INVISIBLE`, `VISIBLE`, `KEY_BLOCK_SIZE = n`, `WITH PARSER p` are
//!   dropped, and `ALTER TABLE t ALTER INDEX i [IN]VISIBLE` becomes a no-op; the fold reads
//!   visibility from the original text.

use super::Dialect;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A repaired text for `sql`, or `None` when no repair applies.
pub fn repair(dialect: Dialect, sql: &str) -> Option<String> {
    if dialect == Dialect::Mysql {
        return apply(sql, mysql_edits(sql));
    }
    if dialect != Dialect::Postgres {
        return None;
    }
    let masked = mask(sql);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let kind = super::statement_kind(sql);
    if kind.starts_with("CREATE MATERIALIZED VIEW") {
        if let Some(m) =
            re(&WITH_DATA, r"\sWITH\s+(?:NO\s+)?DATA\s*;?\s*$").and_then(|r| r.find(&masked))
        {
            edits.push((m.start()..sql.len(), String::new()));
        }
    }
    if kind.starts_with("ALTER TABLE") {
        for c in re(&ALTER_CONSTRAINT, r"\bALTER\s+CONSTRAINT\s+([A-Z0-9_$]+)((?:\s+(?:NOT|DEFERRABLE|INITIALLY|DEFERRED|IMMEDIATE|ENFORCED|INHERIT|VALID))+)")
            .into_iter()
            .flat_map(|r| r.captures_iter(&masked))
        {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            edits.push((all.range(), format!("VALIDATE CONSTRAINT {}", &sql[name.range()])));
        }
    }
    if kind.starts_with("CREATE SEQUENCE") {
        if let Some(m) =
            re(&SEQ_AS, r"\bAS\s+(?:SMALLINT|INTEGER|INT|BIGINT)\b").and_then(|r| r.find(&masked))
        {
            edits.push((m.range(), String::new()));
        }
    }
    if kind.starts_with("DROP INDEX") {
        if let Some(m) =
            re(&DROP_CONC, r"^(\s*DROP\s+INDEX)\s+CONCURRENTLY\b").and_then(|r| r.captures(&masked))
        {
            if let (Some(all), Some(head)) = (m.get(0), m.get(1)) {
                edits.push((head.end()..all.end(), String::new()));
            }
        }
    }
    if kind.starts_with("CREATE INDEX") || kind.starts_with("CREATE UNIQUE INDEX") {
        if let Some(m) = re(&ON_ONLY, r"^[^(]*?\bON(\s+ONLY)\b").and_then(|r| r.captures(&masked)) {
            if let Some(only) = m.get(1) {
                edits.push((only.range(), String::new()));
            }
        }
    }
    if kind.starts_with("ALTER TABLE") {
        // `SET SCHEMA s`: folding reads it from the text (`model::names::set_schema`).
        if let Some(m) = re(&SET_SCHEMA, r"\sSET\s+SCHEMA\s").and_then(|r| r.find(&masked)) {
            edits.push((
                m.start()..sql.len(),
                " VALIDATE CONSTRAINT idxlint_set_schema".to_string(),
            ));
        }
        if let Some(m) =
            re(&TABLE_ATTACH, r"\s(?:ATTACH|DETACH)\s+PARTITION\b").and_then(|r| r.find(&masked))
        {
            edits.push((
                m.start()..sql.len(),
                " VALIDATE CONSTRAINT idxlint_partition".to_string(),
            ));
        }
    }
    if kind.starts_with("ALTER INDEX") {
        if let Some(c) = re(
            &INDEX_ATTACH,
            r"(?s)^\s*ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?(\S+)\s+(ATTACH\s+PARTITION\b.*)$",
        )
        .and_then(|r| r.captures(&masked))
        {
            if let (Some(name), Some(tail)) = (c.get(1), c.get(2)) {
                edits.push((
                    tail.start()..sql.len(),
                    format!("RENAME TO {}", &sql[name.range()]),
                ));
            }
        }
    }
    if kind.starts_with("CREATE TABLE") {
        for m in re(
            &LIKE_OPTION,
            r"\s(?:INCLUDING|EXCLUDING)\s+(?:ALL|COMMENTS|COMPRESSION|CONSTRAINTS|DEFAULTS|GENERATED|IDENTITY|INDEXES|STATISTICS|STORAGE)\b",
        )
        .into_iter()
        .flat_map(|r| r.find_iter(&masked))
        {
            edits.push((m.range(), String::new()));
        }
        for c in re(
            &NOT_NULL_CONSTRAINT,
            r"\bCONSTRAINT\s+([A-Z0-9_$]+)\s+NOT\s+NULL\s+([A-Z0-9_$]+)",
        )
        .into_iter()
        .flat_map(|r| r.captures_iter(&masked))
        {
            let (Some(all), Some(name), Some(col)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            edits.push((
                all.range(),
                format!(
                    "CONSTRAINT {} CHECK ({} IS NOT NULL)",
                    &sql[name.range()],
                    &sql[col.range()]
                ),
            ));
        }
    }
    apply(sql, edits)
}

/// MySQL index options sqlparser 0.63 rejects, dropped (the fold reads `INVISIBLE` from the
/// original text): `INVISIBLE`, `VISIBLE`, `KEY_BLOCK_SIZE [=] n`, `WITH PARSER name`; and
/// `ALTER TABLE t ALTER INDEX i [IN]VISIBLE`, which changes nothing the schema holds but the
/// visibility, becomes the no-op `DISABLE ROW LEVEL SECURITY`.
fn mysql_edits(sql: &str) -> Vec<(Range<usize>, String)> {
    let masked = mask(sql);
    let kind = super::statement_kind(sql);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    if !(kind.starts_with("CREATE") || kind.starts_with("ALTER TABLE")) {
        return edits;
    }
    let alter_index = re(
        &MYSQL_ALTER_INDEX,
        r"\bALTER\s+INDEX\s+[A-Z0-9_$]+\s+(?:IN)?VISIBLE\b",
    );
    for m in alter_index.into_iter().flat_map(|r| r.find_iter(&masked)) {
        edits.push((m.range(), "DISABLE ROW LEVEL SECURITY".into()));
    }
    let options = re(
        &MYSQL_INDEX_OPTIONS,
        r"\b(?:INVISIBLE|VISIBLE|KEY_BLOCK_SIZE\s*=?\s*[0-9]+|WITH\s+PARSER\s+[A-Z0-9_$]+)\b",
    );
    for m in options.into_iter().flat_map(|r| r.find_iter(&masked)) {
        if !edits
            .iter()
            .any(|(r, _)| r.start <= m.start() && m.end() <= r.end)
        {
            edits.push((m.range(), String::new()));
        }
    }
    edits
}

/// `sql` with `edits` applied, or `None` when there are none or they overlap.
fn apply(sql: &str, mut edits: Vec<(Range<usize>, String)>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for (r, text) in edits {
        if r.start < last || !sql.is_char_boundary(r.start) || !sql.is_char_boundary(r.end) {
            return None;
        }
        out.push_str(&sql[last..r.start]);
        out.push_str(&text);
        last = r.end;
    }
    out.push_str(&sql[last..]);
    Some(out)
}

static ALTER_CONSTRAINT: OnceLock<Option<Regex>> = OnceLock::new();
static SEQ_AS: OnceLock<Option<Regex>> = OnceLock::new();
static DROP_CONC: OnceLock<Option<Regex>> = OnceLock::new();
static ON_ONLY: OnceLock<Option<Regex>> = OnceLock::new();
static NOT_NULL_CONSTRAINT: OnceLock<Option<Regex>> = OnceLock::new();
static MYSQL_ALTER_INDEX: OnceLock<Option<Regex>> = OnceLock::new();
static MYSQL_INDEX_OPTIONS: OnceLock<Option<Regex>> = OnceLock::new();
static TABLE_ATTACH: OnceLock<Option<Regex>> = OnceLock::new();
static LIKE_OPTION: OnceLock<Option<Regex>> = OnceLock::new();
static SET_SCHEMA: OnceLock<Option<Regex>> = OnceLock::new();
static WITH_DATA: OnceLock<Option<Regex>> = OnceLock::new();
static INDEX_ATTACH: OnceLock<Option<Regex>> = OnceLock::new();

/// A compiled pattern (the patterns are constants; one that failed to compile would
/// simply never match, rather than panic).
fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

/// The text with comments, string literals and quoted identifiers blanked (bytes replaced
/// by spaces, quotes kept) and ASCII upper-cased: same byte length as `sql`. Quoted
/// identifiers keep their content, upper-cased, so names still match `[A-Z0-9_$]`.
fn mask(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = sql[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            out.extend(std::iter::repeat_n(b' ', end - i));
            i = end;
        } else if c == b'\'' {
            out.push(b'\'');
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                out.push(b' ');
                i += 1;
            }
            if i < b.len() {
                out.push(b'\'');
                i += 1;
            }
        } else if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
            i += 1;
        } else {
            // Non-ASCII bytes become a neutral ASCII byte, so patterns never match inside
            // a multi-byte character.
            out.push(b'~');
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(sql: &str) -> Option<String> {
        repair(Dialect::Postgres, sql)
    }

    #[test]
    fn alter_constraint_timing_becomes_validate() {
        assert_eq!(
            fix("ALTER TABLE a\n    ALTER CONSTRAINT a_b_fkey INITIALLY DEFERRED").as_deref(),
            Some("ALTER TABLE a\n    VALIDATE CONSTRAINT a_b_fkey")
        );
    }

    #[test]
    fn sequence_as_type_is_dropped() {
        assert_eq!(
            fix("CREATE SEQUENCE s\n AS integer START WITH 1").as_deref(),
            Some("CREATE SEQUENCE s\n  START WITH 1")
        );
    }

    #[test]
    fn drop_index_concurrently() {
        assert_eq!(
            fix("drop index concurrently if exists i").as_deref(),
            Some("drop index if exists i")
        );
    }

    #[test]
    fn create_index_on_only() {
        assert_eq!(
            fix("CREATE INDEX i ON ONLY t USING gin (a)").as_deref(),
            Some("CREATE INDEX i ON t USING gin (a)")
        );
    }

    #[test]
    fn table_not_null_constraint() {
        assert_eq!(
            fix("CREATE TABLE t (a int, CONSTRAINT t_a_nn NOT NULL a)").as_deref(),
            Some("CREATE TABLE t (a int, CONSTRAINT t_a_nn CHECK (a IS NOT NULL))")
        );
    }

    #[test]
    fn ignores_text_in_strings_and_comments_and_non_ascii() {
        assert_eq!(
            fix("ALTER TABLE t ADD COLUMN x text DEFAULT 'ALTER CONSTRAINT c DEFERRABLE'"),
            None
        );
        assert_eq!(
            fix("-- ALTER CONSTRAINT c DEFERRABLE\nALTER TABLE t ADD x int"),
            None
        );
        assert_eq!(fix("ALTER TABLE é ALTER CONSTRAINT ç DEFERRABLE"), None);
        assert_eq!(repair(Dialect::Mysql, "DROP INDEX CONCURRENTLY i"), None);
    }
}

/// Whether `sql` is a statement sqlparser does not model but whose grammar idxlint checks
/// itself: PostgreSQL `REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM }
/// [ CONCURRENTLY ] name`. The migration-safety rules read such statements from their text.
pub fn recognized(dialect: Dialect, sql: &str) -> bool {
    static REINDEX: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    if dialect != Dialect::Postgres {
        return false;
    }
    let re = REINDEX.get_or_init(|| {
        regex::Regex::new(
            r#"(?is)^reindex\s*(\(\s*[a-z_]+(\s+[a-z_0-9]+)?(\s*,\s*[a-z_]+(\s+[a-z_0-9]+)?)*\s*\)\s*)?(index|table|schema|database|system)\s+(concurrently\s+)?("[^"]+"|[a-z_][a-z0-9_$]*)(\.("[^"]+"|[a-z_][a-z0-9_$]*))?\s*$"#,
        )
        .expect("valid regex")
    });
    static NAMELESS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // PostgreSQL 16+: `REINDEX DATABASE` and `REINDEX SYSTEM` may omit the name.
    let nameless = NAMELESS.get_or_init(|| {
        regex::Regex::new(
            r#"(?is)^reindex\s*(\(\s*[a-z_]+(\s+[a-z_0-9]+)?(\s*,\s*[a-z_]+(\s+[a-z_0-9]+)?)*\s*\)\s*)?(database|system)(\s+concurrently)?\s*;?$"#,
        )
        .expect("valid regex")
    });
    let sql = sql.trim();
    re.is_match(sql) || nameless.is_match(sql)
}

#[cfg(test)]
mod recognize_tests {
    use super::*;

    #[test]
    fn reindex_grammar() {
        let ok = |s: &str| recognized(Dialect::Postgres, s);
        assert!(ok("REINDEX INDEX idx_post_aggregates_hot"));
        assert!(ok("reindex table concurrently public.users"));
        assert!(ok("REINDEX (VERBOSE) INDEX \"Weird\""));
        assert!(!ok("REINDEX INDEX"));
        assert!(!ok("REINDEX INDEX a b"));
        assert!(!ok("REINDX INDEX a"));
        assert!(!recognized(Dialect::Mysql, "REINDEX INDEX a"));
        assert!(ok("REINDEX SYSTEM"), "name-less form (PostgreSQL 16+)");
        assert!(ok("REINDEX DATABASE;"));
        assert!(!ok("REINDEX TABLE"));
    }
}

#[cfg(test)]
mod mysql_tests {
    use super::*;

    #[test]
    fn mysql_index_options_are_dropped() {
        let r = |s: &str| repair(Dialect::Mysql, s);
        assert_eq!(
            r("CREATE TABLE t (a int, KEY ka (a) INVISIBLE)").as_deref(),
            Some("CREATE TABLE t (a int, KEY ka (a) )")
        );
        assert_eq!(
            r("CREATE INDEX i ON t (a) KEY_BLOCK_SIZE = 8 VISIBLE").as_deref(),
            Some("CREATE INDEX i ON t (a)  ")
        );
        assert_eq!(
            r("ALTER TABLE t ALTER INDEX i INVISIBLE").as_deref(),
            Some("ALTER TABLE t DISABLE ROW LEVEL SECURITY")
        );
        assert_eq!(r("SELECT 'INVISIBLE' FROM t"), None);
    }
}

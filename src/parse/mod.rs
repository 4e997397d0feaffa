//! Stage 3: parse each statement of each fragment with `sqlparser`.
//!
//! Input: a [`Fragment`] and its statement ranges. Output: one [`Statement`] per range,
//! holding the AST (or the parse error) and the statement's location in the host file.
//! Statements that sqlparser rejects but that shape the schema get a targeted repair
//! ([`fallback`]) and a second try, so a table or index is not lost to a grammar gap.

pub mod depth;
pub mod fallback;

use crate::extract::{Fragment, FragmentKind};
use crate::source::{FileId, LineIndex, Location};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// The SQL dialect the project targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    #[default]
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub fn parse(s: &str) -> Option<Dialect> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
    fn sqlparser(self) -> Box<dyn SqlDialect> {
        match self {
            Dialect::Postgres => Box::new(PostgreSqlDialect {}),
            Dialect::Mysql => Box::new(MySqlDialect {}),
            Dialect::Sqlite => Box::new(SQLiteDialect {}),
        }
    }
}

/// Why a statement did not parse.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    /// Where sqlparser stopped, in the host file.
    pub location: Location,
    /// The statement was not parsed at all: its operators nest deeper than
    /// [`depth::MAX_DEPTH`] (reported even in application strings: it is never a template).
    pub too_deep: bool,
}

/// One statement of a fragment.
#[derive(Debug)]
pub struct Statement {
    /// The statement's text in the host file.
    pub location: Location,
    /// The statement's SQL text (as given to the parser).
    pub text: String,
    pub fragment_kind: FragmentKind,
    /// Boxed: the tree is large (kilobytes inline), and statements are moved between
    /// lists by value.
    pub ast: Option<Box<sqlparser::ast::Statement>>,
    pub error: Option<ParseError>,
    /// The AST comes from a repaired text (see [`fallback`]).
    pub repaired: bool,
    /// No AST, but the statement matched the grammar of a statement sqlparser does not
    /// model (`REINDEX`, see [`fallback::recognized`]): understood, not an error.
    pub recognized: bool,
    /// The holes of the fragment that fall in this statement; their `frag` ranges are
    /// relative to [`Statement::text`].
    pub holes: Vec<crate::extract::hole::Hole>,
    /// The statement parsed, and its tree was dropped to save memory ([`defer`]);
    /// [`Statement::tree`] parses it again when asked.
    pub deferred: bool,
    /// The dialect it was parsed under (for [`Statement::tree`]).
    pub dialect: Dialect,
    /// What it does to whole tables, read from the tree when parsed, so that planning
    /// which files fold needs no second parse of a deferred statement.
    pub table_op: Option<Box<TableOp>>,
}

/// A `CREATE TABLE` or `DROP TABLE`, by the last part of the names (see [`Statement::table_op`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOp {
    Create {
        /// As PostgreSQL folds it: lower-cased unless quoted.
        name: String,
        /// As written, quotes trimmed, lower-cased (how ORM readers compare names).
        written: String,
        if_not_exists: bool,
    },
    /// Tables a `DROP TABLE` names, folded as PostgreSQL does.
    Drop(Vec<String>),
}

impl TableOp {
    fn of(ast: &sqlparser::ast::Statement) -> Option<TableOp> {
        use sqlparser::ast::{ObjectNamePart, ObjectType, Statement as S};
        let folded = |p: &ObjectNamePart| match p {
            ObjectNamePart::Identifier(id) => Some(crate::model::expr::ident_name(id)),
            ObjectNamePart::Function(_) => None,
        };
        match ast {
            S::CreateTable(ct) => {
                let last = ct.name.0.last()?;
                Some(TableOp::Create {
                    name: folded(last)?,
                    written: last.to_string().trim_matches(['"', '`']).to_lowercase(),
                    if_not_exists: ct.if_not_exists,
                })
            }
            S::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => Some(TableOp::Drop(
                names
                    .iter()
                    .filter_map(|n| n.0.last().and_then(folded))
                    .collect(),
            )),
            _ => None,
        }
    }
}

impl Statement {
    /// The statement was understood: parsed, repaired or recognized.
    pub fn understood(&self) -> bool {
        self.ast.is_some() || self.recognized || self.deferred
    }

    /// The syntax tree: the one kept, or, for a [`deferred`](Statement::deferred) statement,
    /// the same tree parsed again from its text (dropped by the caller when done, so only
    /// the trees in use are alive).
    pub fn tree(&self) -> Option<std::borrow::Cow<'_, sqlparser::ast::Statement>> {
        if let Some(ast) = &self.ast {
            return Some(std::borrow::Cow::Borrowed(ast));
        }
        if !self.deferred {
            return None;
        }
        let d = self.dialect.sqlparser();
        let text = params_for_dialect(self.dialect, self.fragment_kind, &self.text);
        let parsed = if self.repaired {
            fallback::repair(self.dialect, &text).and_then(|t| parse_one(d.as_ref(), &t).ok())
        } else {
            parse_one(d.as_ref(), &text).ok()
        };
        parsed.map(std::borrow::Cow::Owned)
    }
}

/// Files larger than this keep no syntax tree even where trees are kept between runs (the
/// language server, `Options::keep_trees`): a 50 MB dump or squashed migration would hold a
/// tree per statement, about 60 times its size.
pub const KEEP_TREES_UP_TO: usize = 512 * 1024;

/// Drop the tree of a parsed statement that the whole-program stages read only once or
/// twice, keeping what [`Statement::tree`] needs to parse it again: queries (`SELECT`,
/// `INSERT`, `UPDATE`, `DELETE`, analyzed one at a time after the fold) when `queries`,
/// DDL when `ddl`. A statement whose
/// kind the text alone does not tell (see `crate::is_ddl_text`) keeps its tree, so
/// routing by kind gives the same answer with or without it.
pub fn defer(stmt: &mut Statement, queries: bool, ddl: bool) {
    use sqlparser::ast::Statement as S;
    let Some(ast) = stmt.ast.as_deref() else {
        return;
    };
    let dml = matches!(
        ast,
        S::Query(_) | S::Insert(_) | S::Update(_) | S::Delete(_)
    );
    if (dml && queries) || (!dml && ddl && crate::is_ddl_text(stmt)) {
        stmt.ast = None;
        stmt.deferred = true;
    }
}

impl Statement {
    /// The statement's leading keywords, upper-cased (`CREATE INDEX`, `SELECT`), for
    /// statistics and for deciding what a statement that did not parse was.
    pub fn kind(&self) -> String {
        statement_kind(&self.text)
    }
}

/// Parse every statement of `frag` in `file`.
pub fn parse_fragment(dialect: Dialect, file: FileId, frag: &Fragment) -> Vec<Statement> {
    parse_fragment_with(dialect, file, frag, |_| {})
}

/// Parse every statement of `frag` in `file`, handing each to `each` as soon as it is parsed
/// (before the next one is): a caller that needs only part of a syntax tree trims it there,
/// so a file's memory peak is one whole tree, not all of them.
pub fn parse_fragment_with(
    dialect: Dialect,
    file: FileId,
    frag: &Fragment,
    mut each: impl FnMut(&mut Statement),
) -> Vec<Statement> {
    let d = dialect.sqlparser();
    let ranges = frag.statements();
    // Each hole belongs to the statement it sits in, or to the next one when it sits
    // before it (a `{cte_clause}` prefix); holes after the last statement go to it.
    let bounds: Vec<(usize, usize)> = ranges
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let from = if k == 0 { 0 } else { ranges[k - 1].end };
            let to = if k + 1 == ranges.len() {
                frag.text.len()
            } else {
                r.end
            };
            (from, to)
        })
        .collect();
    ranges
        .into_iter()
        .zip(bounds)
        .map(|(range, (from, to))| {
            let text = frag.text[range.clone()].to_string();
            let location = Location {
                file,
                range: frag.map.range_to_host(range.clone()),
            };
            let mut stmt = Statement {
                location,
                text,
                fragment_kind: frag.kind,
                ast: None,
                error: None,
                repaired: false,
                recognized: false,
                deferred: false,
                dialect,
                table_op: None,
                holes: frag
                    .holes
                    .iter()
                    .filter(|h| {
                        from <= h.frag.start
                            && (h.frag.start < to || h.frag.start == frag.text.len())
                    })
                    .map(|h| {
                        let mut h = h.clone();
                        let s = h.frag.start.clamp(range.start, range.end) - range.start;
                        let e = h.frag.end.clamp(range.start, range.end) - range.start;
                        h.frag = s..e.max(s);
                        h
                    })
                    .collect(),
            };
            let depth = depth::depth_bound(&stmt.text);
            if depth > depth::MAX_DEPTH {
                stmt.error = Some(ParseError {
                    message: format!(
                        "operators nest about {depth} deep, more than idxlint analyzes safely \
                         ({}); split the expression",
                        depth::MAX_DEPTH
                    ),
                    location: Location {
                        file,
                        range: stmt.location.range.start..stmt.location.range.start,
                    },
                    too_deep: true,
                });
                return stmt;
            }
            let parse_text = params_for_dialect(dialect, frag.kind, &stmt.text);
            match parse_one(d.as_ref(), &parse_text) {
                Ok(ast) => stmt.ast = Some(Box::new(ast)),
                Err(message) => {
                    if let Some(ast) = fallback::repair(dialect, &parse_text)
                        .and_then(|fixed| parse_one(d.as_ref(), &fixed).ok())
                    {
                        stmt.ast = Some(Box::new(ast));
                        stmt.repaired = true;
                    } else if fallback::recognized(dialect, &stmt.text) {
                        stmt.recognized = true;
                    } else {
                        let at = error_offset(&stmt.text, &message)
                            .map(|o| frag.map.to_host(range.start + o))
                            .unwrap_or(stmt.location.range.start);
                        stmt.error = Some(ParseError {
                            message: clean_message(&message),
                            location: Location {
                                file,
                                range: at..at,
                            },
                            too_deep: false,
                        });
                    }
                }
            }
            stmt.table_op = stmt.ast.as_deref().and_then(TableOp::of).map(Box::new);
            each(&mut stmt);
            stmt
        })
        .collect()
}

/// Trim a statement of a migration (a file whose queries are not analyzed) to what the
/// schema fold and the migration steps read: an `INSERT` keeps its table, not its rows
/// (seed data and dumps are most of a big migration); `UPDATE`, `DELETE` and `SELECT`, one-off
/// data changes, keep only their text and count as understood.
pub fn slim_migration_statement(stmt: &mut Statement) {
    use sqlparser::ast::Statement as S;
    match stmt.ast.as_deref_mut() {
        Some(S::Insert(ins)) => {
            ins.source = None;
            ins.assignments.clear();
            ins.on = None;
            ins.returning = None;
        }
        Some(S::Query(_) | S::Update(_) | S::Delete(_)) => {
            stmt.ast = None;
            stmt.recognized = true;
        }
        _ => {}
    }
}

/// The text handed to sqlparser. Extraction writes every parameter of a host string as
/// `$N`, which PostgreSQL and SQLite read as a placeholder but MySQL reads as an identifier
/// (`$` starts a name there). Under MySQL each `$N` outside quotes becomes `?N`: the same
/// length (error positions stay right), a placeholder in every dialect. `.sql` files are
/// left as they are.
pub fn params_for_dialect(dialect: Dialect, kind: FragmentKind, sql: &str) -> String {
    if dialect != Dialect::Mysql
        || !matches!(
            kind,
            FragmentKind::HostString(_) | FragmentKind::OrmQuery(_)
        )
    {
        return sql.to_string();
    }
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut last = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if matches!(c, b'\'' | b'"' | b'`') {
                    quote = Some(c);
                } else if c == b'$'
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                    && !(i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
                {
                    out.push_str(&sql[last..i]);
                    out.push('?');
                    last = i + 1;
                }
            }
        }
        i += 1;
    }
    out.push_str(sql.get(last..).unwrap_or(""));
    out
}

fn parse_one(d: &dyn SqlDialect, sql: &str) -> Result<sqlparser::ast::Statement, String> {
    let mut stmts = Parser::new(d)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())?;
    match stmts.len() {
        1 => Ok(stmts.remove(0)),
        0 => Err("empty statement".to_string()),
        n => Err(format!("expected one statement, found {n}")),
    }
}

/// Byte offset in `sql` of the "at Line: L, Column: C" in a sqlparser error message.
fn error_offset(sql: &str, message: &str) -> Option<usize> {
    let at = message.rfind(" at Line: ")?;
    let rest = &message[at + " at Line: ".len()..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let line: usize = line.trim().parse().ok()?;
    let col: usize = rest
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()?;
    let idx = LineIndex::new(sql);
    Some(idx.offset_of(sql, line, col))
}

/// The message without sqlparser's prefix and position suffix.
fn clean_message(message: &str) -> String {
    let m = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    match m.rfind(" at Line: ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

/// Statement kinds that never shape tables, keys or indexes and are not queries: when the
/// parser rejects one, it is counted but not reported as `parse-error` (sqlparser does not
/// know PL/pgSQL bodies, `REINDEX`, policies and the like).
pub const SKIPPED_KINDS: &[&str] = &[
    "DO",
    "CREATE FUNCTION",
    "CREATE OR REPLACE",
    "CREATE PROCEDURE",
    "CREATE TRIGGER",
    "CREATE CONSTRAINT",
    "CREATE POLICY",
    "ALTER POLICY",
    "DROP POLICY",
    "CREATE STATISTICS",
    "CREATE SEQUENCE",
    "ALTER SEQUENCE",
    "CREATE TYPE",
    "ALTER TYPE",
    "CREATE DOMAIN",
    "CREATE EXTENSION",
    "CREATE AGGREGATE",
    "CREATE RULE",
    "CREATE PUBLICATION",
    "CREATE SUBSCRIPTION",
    "CREATE MATERIALIZED VIEW",
    "REFRESH",
    "CALL",
    "GRANT",
    "REVOKE",
    "ALTER DEFAULT",
    "ALTER TRIGGER",
    "ALTER FUNCTION",
    "ALTER ROLE",
    "CREATE ROLE",
    "COMMENT",
    "SECURITY",
    "SET",
    "RESET",
    "VACUUM",
    "ANALYZE",
    "CLUSTER",
    "LOCK",
    "NOTIFY",
    "LISTEN",
];

/// Whether a statement of `kind` that does not parse is skipped quietly.
pub fn skipped_kind(kind: &str) -> bool {
    SKIPPED_KINDS
        .iter()
        .any(|k| kind == *k || kind.starts_with(&format!("{k} ")))
}

/// Leading keywords of a statement, upper-cased, skipping comments.
pub fn statement_kind(sql: &str) -> String {
    let mut words = Vec::new();
    let mut rest = sql;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map(|x| x.1).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map(|x| x.1).unwrap_or("");
        } else {
            break;
        }
    }
    for w in rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        if w.is_empty() {
            continue;
        }
        let up = w.to_ascii_uppercase();
        let keep = matches!(
            up.as_str(),
            "CREATE" | "ALTER" | "DROP" | "UNIQUE" | "OR" | "REPLACE" | "MATERIALIZED"
        );
        words.push(up);
        if !keep || words.len() >= 3 {
            break;
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_reads_dollar_params_as_placeholders() {
        let host = FragmentKind::HostString(crate::extract::HostLang::Python);
        assert_eq!(
            params_for_dialect(Dialect::Mysql, host, "a = $1 AND b = '$2' AND c$3 = `$4`"),
            "a = ?1 AND b = '$2' AND c$3 = `$4`"
        );
        assert_eq!(
            params_for_dialect(Dialect::Postgres, host, "a = $1"),
            "a = $1"
        );
        assert_eq!(
            params_for_dialect(Dialect::Mysql, FragmentKind::SqlFile, "a = $1"),
            "a = $1"
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(
            statement_kind("-- x\ncreate unique index i on t(a)"),
            "CREATE UNIQUE INDEX"
        );
        assert_eq!(statement_kind("select 1"), "SELECT");
        assert_eq!(statement_kind("ALTER TABLE t"), "ALTER TABLE");
    }

    #[test]
    fn parse_error_points_into_host() {
        let frag = Fragment::sql_file("SELECT 1;\nSELEC oops;");
        let stmts = parse_fragment(Dialect::Postgres, FileId(0), &frag);
        assert_eq!(stmts.len(), 2);
        assert!(stmts[0].ast.is_some());
        let err = stmts[1].error.as_ref().expect("second statement fails");
        assert_eq!(err.location.range.start, 10);
    }
}

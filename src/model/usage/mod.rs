//! Access patterns: how each query touches each table.
//!
//! Built from parsed `SELECT`, `UPDATE`, `DELETE` (and the `SELECT` of `INSERT ... SELECT`)
//! statements, through joins, aliases, subqueries, CTEs and set operations. Each table
//! reference becomes one [`TableAccess`] holding the conjuncts that constrain it, its join
//! keys, and (for the outermost single-table level) its `ORDER BY`, `GROUP BY` and `LIMIT`.

use crate::model::schema::KeyExpr;
use crate::source::Location;

/// What kind of statement a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Select,
    Update,
    Delete,
    InsertSelect,
}

/// One analyzed query statement.
#[derive(Debug, Clone)]
pub struct Query {
    /// The SQL text of the statement in its host file.
    pub location: Location,
    pub kind: QueryKind,
    pub accesses: Vec<TableAccess>,
    /// Normalized one-line SQL, for messages and `inspect`.
    pub sql: String,
    /// The query is built in code and part of it is unknown (an unresolved name, column
    /// list or clause): findings on it say so.
    pub partial: bool,
    /// Why the query gets no verdict, when it is one of the unresolved queries and the
    /// reason is more than an undeclared table or column (a built clause that could hold
    /// conditions idxlint cannot see).
    pub no_verdict: Option<String>,
    /// For a query built in code: its text as reconstructed, each hole marked (`⟨cond⟩`,
    /// `⟨table = users⟩`), for `inspect`.
    pub built: Option<String>,
}

/// How one filter constrains a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterOp {
    /// `= value`; `value` is the normalized literal, or `None` for a parameter/column.
    Eq(Option<String>),
    /// `IN (list)`; the normalized literals, empty when any element is not a literal.
    In(Vec<String>),
    IsNull,
    IsNotNull,
    /// `<`, `<=`, `>`, `>=`, `BETWEEN`.
    Range,
    /// `LIKE 'prefix%'` (a range on a B-tree with a pattern-capable opclass or C collation).
    LikePrefix,
    /// An operator that a B-tree cannot serve but a GIN or GiST index can.
    Match(MatchOp),
    /// `<>`, `NOT IN`, `NOT LIKE`, and anything else no index can use as a key condition.
    Other,
}

/// Operators served by GIN / GiST operator classes rather than by a B-tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchOp {
    /// `LIKE '%x%'`, `ILIKE`, `~`, `~*`, `SIMILAR TO`: `pg_trgm` (`gin_trgm_ops`).
    Trigram,
    /// `@>`: jsonb (`jsonb_ops`, `jsonb_path_ops`) and arrays.
    Contains,
    /// `<@`: arrays, jsonb (`jsonb_ops`).
    ContainedBy,
    /// `?`, `?|`, `?&`: jsonb keys (`jsonb_ops` only).
    KeyExists,
    /// `&&`: arrays.
    Overlap,
    /// `@@`: full-text search over a `tsvector`.
    TextSearch,
}

impl MatchOp {
    pub fn sql(self) -> &'static str {
        match self {
            MatchOp::Trigram => "LIKE '%...%'",
            MatchOp::Contains => "@>",
            MatchOp::ContainedBy => "<@",
            MatchOp::KeyExists => "?",
            MatchOp::Overlap => "&&",
            MatchOp::TextSearch => "@@",
        }
    }
}

/// One conjunct of a WHERE / ON clause that constrains one table.
#[derive(Debug, Clone)]
pub struct Filter {
    pub target: KeyExpr,
    pub op: FilterOp,
    /// The conjunct's normalized SQL text (for partial-index implication).
    pub text: String,
}

impl Filter {
    pub fn is_equality(&self) -> bool {
        matches!(
            self.op,
            FilterOp::Eq(_) | FilterOp::In(_) | FilterOp::IsNull
        )
    }
    pub fn is_range(&self) -> bool {
        matches!(self.op, FilterOp::Range | FilterOp::LikePrefix)
    }
}

/// A column of this table equated with a column of another table reference of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinKey {
    pub column: String,
    /// Index of the other table reference in [`Query::accesses`].
    pub partner: usize,
    /// The other table reference's column.
    pub partner_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub expr: KeyExpr,
    pub desc: bool,
    pub nulls_first: Option<bool>,
}

/// How one query uses one table reference.
#[derive(Debug, Clone)]
pub struct TableAccess {
    /// The table's name as in the schema (lower-cased, unqualified).
    pub table: String,
    /// Conjuncts constraining this table alone.
    pub filters: Vec<Filter>,
    /// Columns of this table equated with columns of another table reference.
    pub join_keys: Vec<JoinKey>,
    /// The query's ORDER BY, when every key is on this table.
    pub order_by: Vec<SortKey>,
    pub group_by: Vec<KeyExpr>,
    pub limit: Option<u64>,
    /// Columns named on this table that the schema does not declare (filled by analysis).
    pub unknown_columns: Vec<String>,
    /// The WHERE clause had a top-level OR that involved this table in a way idxlint does
    /// not model (several tables, nested conditions): analysis is incomplete, rules stay
    /// quiet.
    pub has_or: bool,
    /// Top-level `a = ? OR b > ?` conjuncts whose alternatives are each one condition on
    /// this table: a bitmap OR needs every alternative served by an index.
    pub disjunctions: Vec<Vec<Filter>>,
    /// The binding (alias or name) the query uses for this table.
    pub binding: String,
    /// Columns of this table the query names anywhere (select list, conditions, sort).
    pub columns_used: Vec<String>,
    /// The select list takes every column of this table (`*` or `t.*`).
    pub wildcard: bool,
}

impl TableAccess {
    pub fn new(table: String) -> Self {
        TableAccess {
            table,
            filters: Vec::new(),
            join_keys: Vec::new(),
            order_by: Vec::new(),
            group_by: Vec::new(),
            limit: None,
            unknown_columns: Vec::new(),
            has_or: false,
            disjunctions: Vec::new(),
            binding: String::new(),
            columns_used: Vec::new(),
            wildcard: false,
        }
    }
}

mod build;
mod equivalence;

pub use build::{analyze_all, analyze_statement, predicate_filters};

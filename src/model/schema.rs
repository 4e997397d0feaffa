//! The schema as the migrations leave it.
//!
//! Built by folding DDL statements in migration order (see [`crate::parse::ddl`]): each
//! object remembers where it was declared. Names are stored lower-cased unless they were
//! quoted in the DDL; a schema qualifier (`public.users`) is dropped, since queries rarely
//! carry it.

use crate::source::Location;
use std::collections::{BTreeMap, BTreeSet};

/// All tables, by name, and the facts about their columns the statistics model
/// ([`crate::model::stats`]) reads.
#[derive(Debug, Default, Clone)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    /// Names of enum types (`CREATE TYPE mood AS ENUM (...)`), lower-cased.
    pub enum_types: BTreeSet<String>,
    /// `(table, column)` -> how many values a `CHECK (column IN (...))` allows.
    pub checked_values: BTreeMap<(String, String), usize>,
    /// `(table, index)` of MySQL indexes declared or altered `INVISIBLE`: the optimizer
    /// ignores them.
    pub invisible: BTreeSet<(String, String)>,
    /// Indexes and columns that migrations took away, in migration order, with the statement
    /// that did: with the final tables, this tells what the schema was just before that
    /// statement (`drop-index-in-use`).
    pub removals: Vec<Removal>,
}

/// Something a migration statement took away.
#[derive(Debug, Clone)]
pub struct Removal {
    /// The statement (`DROP INDEX`, `ALTER TABLE ... DROP COLUMN`, ...).
    pub at: Location,
    pub what: Removed,
}

#[derive(Debug, Clone)]
pub enum Removed {
    /// An index as it was when dropped (by `DROP INDEX`, `DROP CONSTRAINT`, or along with a
    /// dropped column).
    Index(Index),
    /// A column dropped (`renamed_to: None`) or renamed.
    Column {
        table: String,
        column: String,
        renamed_to: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Every index of the table, including the implicit ones of primary keys and unique
    /// constraints, in declaration order.
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Where the `CREATE TABLE` is.
    pub declared: Location,
    /// The migrations insert rows into this table themselves (a lookup table).
    pub seeded: bool,
    /// MySQL InnoDB / SQLite `WITHOUT ROWID`: the table is clustered on its primary key.
    pub clustered: bool,
    /// The ORM whose model declared the table (its fixes are also written in its form).
    pub orm: Option<crate::orm::Orm>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn primary_key(&self) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| i.kind == IndexKind::PrimaryKey)
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// The type as written, lower-cased (`bigint`, `varchar(255)`, `boolean`).
    pub data_type: String,
    pub nullable: bool,
    pub declared: Location,
}

impl Column {
    pub fn is_boolean(&self) -> bool {
        matches!(self.data_type.as_str(), "bool" | "boolean" | "tinyint(1)")
    }
}

/// Where an index comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    PrimaryKey,
    /// A `UNIQUE` constraint (column or table level).
    UniqueConstraint,
    /// `CREATE INDEX` / MySQL `KEY` / `ALTER TABLE ... ADD INDEX`.
    Index,
}

/// One key part of an index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexKey {
    pub expr: KeyExpr,
    pub desc: bool,
    /// `NULLS FIRST` (true) / `NULLS LAST` (false), `None` when not written (the default
    /// is NULLS LAST for ASC and NULLS FIRST for DESC).
    pub nulls_first: Option<bool>,
    /// Operator class, lower-cased (`text_pattern_ops`, `gin_trgm_ops`).
    pub opclass: Option<String>,
    pub collation: Option<String>,
    /// MySQL prefix length: `col(10)`.
    pub prefix_len: Option<u32>,
}

impl IndexKey {
    pub fn column(name: &str) -> Self {
        IndexKey {
            expr: KeyExpr::Column(name.to_string()),
            desc: false,
            nulls_first: None,
            opclass: None,
            collation: None,
            prefix_len: None,
        }
    }
    /// Whether NULLs sort first, with the default made explicit.
    pub fn effective_nulls_first(&self) -> bool {
        self.nulls_first.unwrap_or(self.desc)
    }
}

/// A key part: a plain column or an expression (normalized text, see [`crate::model::expr`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyExpr {
    Column(String),
    Expr(String),
}

impl KeyExpr {
    pub fn as_column(&self) -> Option<&str> {
        match self {
            KeyExpr::Column(c) => Some(c),
            KeyExpr::Expr(_) => None,
        }
    }
    pub fn display(&self) -> String {
        match self {
            KeyExpr::Column(c) => c.clone(),
            KeyExpr::Expr(e) => format!("({e})"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Index {
    /// The declared name, or the name PostgreSQL would generate (`users_pkey`,
    /// `users_email_key`, `users_email_idx`).
    pub name: String,
    pub table: String,
    pub kind: IndexKind,
    pub unique: bool,
    /// Access method, lower-cased: `btree`, `hash`, `gin`, `gist`, `brin`, `spgist`,
    /// `fulltext` (MySQL).
    pub method: String,
    pub keys: Vec<IndexKey>,
    /// `INCLUDE` columns (not key columns).
    pub include: Vec<String>,
    /// Partial index predicate, normalized SQL text of the `WHERE` expression.
    pub predicate: Option<String>,
    pub declared: Location,
}

impl Index {
    pub fn key_columns(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.expr.display()).collect()
    }
    pub fn is_btree(&self) -> bool {
        self.method == "btree"
    }
}

#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub declared: Location,
}

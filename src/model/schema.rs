//! The schema as the migrations leave it.
//!
//! Built by folding DDL statements in migration order (see [`crate::model::fold`]): each
//! object remembers where it was declared. Names are stored as the database has them:
//! lower-cased unless they were quoted (PostgreSQL folding; MySQL and SQLite compare
//! unquoted names case-insensitively, so lower case serves them too).
//!
//! Tables live in schemas (PostgreSQL) or databases (MySQL): `a.t` and `b.t` are different
//! tables. A table's *key* in [`Schema::tables`] is its bare name when it lives in the
//! default schema (the first entry of `search-path`, `public` unless configured; the
//! unqualified namespace for MySQL and SQLite) and `schema.name` otherwise, so the common
//! single-schema project reads as before. [`Schema::resolve`] turns a name as a query
//! writes it into that key: unqualified names through the search path, qualified ones
//! exactly. Indexes live in their table's schema.

use crate::source::Location;
use std::collections::{BTreeMap, BTreeSet};

/// All tables, by name, and the facts about their columns the statistics model
/// ([`crate::model::stats`]) reads.
#[derive(Debug, Default, Clone)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    /// The schemas an unqualified name in a query is looked up in, in order. Empty means
    /// the default (`public` for PostgreSQL, the unqualified namespace otherwise).
    pub search_path: Vec<String>,
    /// Columns every query is implicitly filtered by with an equality on tables that have
    /// them (`[tables] scoped-by`: row-level security, a tenant scope), lower-cased.
    pub scoped_by: Vec<String>,
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

/// The schema new unqualified PostgreSQL objects go to when nothing says otherwise.
pub const DEFAULT_PG_SCHEMA: &str = "public";

impl Schema {
    /// The schema whose tables are keyed by their bare name.
    pub fn default_schema(&self) -> &str {
        self.search_path.first().map_or("", String::as_str)
    }

    /// The key of table `name` in schema `schema` (see the module header).
    pub fn key(&self, schema: &str, name: &str) -> String {
        table_key(self.default_schema(), schema, name)
    }

    /// The key of the table a query names with `parts` (`["t"]`, `["stats", "t"]`,
    /// `["db", "stats", "t"]`): unqualified names through the search path, qualified names
    /// exactly. `None` when no such table is known.
    pub fn resolve(&self, parts: &[String]) -> Option<String> {
        match parts {
            [] => None,
            [name] => {
                if self.search_path.is_empty() {
                    // MySQL and SQLite (no search path): SQLite compares table names
                    // case-insensitively even when quoted, and so does MySQL on the
                    // platforms where most of its users run it; one table whose name
                    // differs only in case is that table.
                    if self.tables.contains_key(name) {
                        return Some(name.clone());
                    }
                    let mut same = self.tables.keys().filter(|k| k.eq_ignore_ascii_case(name));
                    return match (same.next(), same.next()) {
                        (Some(k), None) => Some(k.clone()),
                        _ => None,
                    };
                }
                self.search_path
                    .iter()
                    .map(|s| self.key(s, name))
                    .find(|k| self.tables.contains_key(k))
            }
            [.., schema, name] => {
                let k = self.key(schema, name);
                if let Some(t) = self.tables.get(&k) {
                    // A qualified name matches only the table of that schema.
                    return (t.schema == *schema || t.schema.is_empty() && schema == "main")
                        .then_some(k);
                }
                // SQLite's `main.t` and `temp.t` are the unqualified table.
                (self.default_schema().is_empty() && (schema == "main" || schema == "temp"))
                    .then(|| name.clone())
                    .filter(|k| self.tables.contains_key(k))
            }
        }
    }

    /// Every index name (and table name: they share PostgreSQL's relation namespace) in
    /// `schema`.
    pub fn relation_names_in(&self, schema: &str) -> std::collections::BTreeSet<&str> {
        self.tables
            .values()
            .filter(|t| t.schema == schema)
            .flat_map(|t| {
                std::iter::once(t.relname.as_str()).chain(t.indexes.iter().map(|i| i.name.as_str()))
            })
            .collect()
    }

    /// Keys of tables named `relname` that an unqualified name cannot reach: they live in
    /// schemas off the search path (to explain a query without a verdict).
    pub fn off_path(&self, relname: &str) -> Vec<&str> {
        if self.search_path.is_empty() || self.resolve(&[relname.to_string()]).is_some() {
            return Vec::new();
        }
        self.tables
            .values()
            .filter(|t| t.relname == relname)
            .map(|t| t.name.as_str())
            .collect()
    }

    /// The known partitions of the partitioned table `key`, in name order.
    pub fn partitions_of(&self, key: &str) -> Vec<&Table> {
        self.tables
            .values()
            .filter(|t| t.partition_of.as_deref() == Some(key))
            .collect()
    }
}

/// The key of table `name` in `schema` when `default` is the default schema.
pub fn table_key(default: &str, schema: &str, name: &str) -> String {
    if schema.is_empty() || schema == default {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// What kind of relation a [`Table`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelationKind {
    #[default]
    Table,
    /// `CREATE MATERIALIZED VIEW`: rows stored, indexes allowed, queried like a table.
    MaterializedView,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(tables: &[(&str, &str)], path: &[&str]) -> Schema {
        let mut s = Schema {
            search_path: path.iter().map(|p| p.to_string()).collect(),
            ..Schema::default()
        };
        for (schema, name) in tables {
            let loc = Location {
                file: crate::source::FileId(0),
                range: 0..0,
            };
            let key = s.key(schema, name);
            s.tables
                .insert(key.clone(), Table::new(&key, schema, name, loc));
        }
        s
    }

    fn parts(p: &[&str]) -> Vec<String> {
        p.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn names_resolve_through_the_search_path() {
        let s = with(
            &[("public", "users"), ("stats", "users"), ("stats", "hits")],
            &["public"],
        );
        assert_eq!(s.resolve(&parts(&["users"])).as_deref(), Some("users"));
        assert_eq!(
            s.resolve(&parts(&["stats", "users"])).as_deref(),
            Some("stats.users")
        );
        assert_eq!(
            s.resolve(&parts(&["public", "users"])).as_deref(),
            Some("users")
        );
        // Not on the search path: no table (PostgreSQL would say it does not exist).
        assert_eq!(s.resolve(&parts(&["hits"])), None);
        assert_eq!(s.resolve(&parts(&["public", "hits"])), None);
        let s2 = Schema {
            search_path: parts(&["public", "stats"]),
            ..s.clone()
        };
        // `public` first, then `stats`: `users` is still public's, `hits` is found.
        assert_eq!(s2.resolve(&parts(&["users"])).as_deref(), Some("users"));
        assert_eq!(s2.resolve(&parts(&["hits"])).as_deref(), Some("stats.hits"));
        // Quoted names keep their case: "Users" is not users.
        assert_eq!(s.resolve(&parts(&["Users"])), None);
    }

    #[test]
    fn sqlite_and_mysql_names_ignore_case() {
        let s = with(&[("", "Item"), ("", "order")], &[]);
        assert_eq!(s.resolve(&parts(&["item"])).as_deref(), Some("Item"));
        assert_eq!(s.resolve(&parts(&["ORDER"])).as_deref(), Some("order"));
        assert_eq!(s.resolve(&parts(&["main", "item"])), None);
        assert_eq!(
            s.resolve(&parts(&["main", "Item"])).as_deref(),
            Some("Item")
        );
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// The key in [`Schema::tables`]: the bare name in the default schema, else
    /// `schema.name`. Messages show it.
    pub name: String,
    /// The schema (PostgreSQL) or database (MySQL) the table lives in; empty for an
    /// unqualified MySQL or SQLite table.
    pub schema: String,
    /// The name without its schema, as the database stores it.
    pub relname: String,
    pub kind: RelationKind,
    /// `PARTITION BY ...` (normalized text): a partitioned table, which holds no rows
    /// itself and cannot be indexed `CONCURRENTLY`.
    pub partition_by: Option<String>,
    /// `PARTITION OF parent`: the parent's key.
    pub partition_of: Option<String>,
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
    /// An empty table `relname` in `schema` under key `name`.
    pub fn new(name: &str, schema: &str, relname: &str, declared: Location) -> Table {
        Table {
            name: name.to_string(),
            schema: schema.to_string(),
            relname: relname.to_string(),
            kind: RelationKind::Table,
            partition_by: None,
            partition_of: None,
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            declared,
            seeded: false,
            clustered: false,
            orm: None,
        }
    }

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

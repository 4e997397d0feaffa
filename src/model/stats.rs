//! Static statistics: what the planner would know about a column or a table, inferred
//! without a database.
//!
//! Stage 4 (model). Input: the folded [`Schema`], the configuration's `[tables]` hints and
//! which tables the application code writes. Output: a [`Cardinality`] class per column and
//! a [`Size`] class per table, each with the reason it was chosen (`inspect` prints them).
//! The coverage model ([`crate::model::coverage`]) is the only user: it asks whether a
//! served equality returns few rows, whether an index's only usable keys are
//! low-cardinality, and whether a table is small enough that a scan is fine. Rules never
//! read these classes directly; they read the verdicts and the `confidence` coverage
//! derives from them.
//!
//! The classes are deliberately coarse, and each is chosen by the first matching reason:
//!
//! - column: `unique` (the sole key of a primary key or unique index: one row per value);
//!   `low` (boolean, enum type, `CHECK (c IN (...))`, a short text or small integer named
//!   `status`, `state`, `kind`, `type`, `role`, `level`...); `many-to-one` (a foreign key,
//!   or a column named `*_id`: few rows per value); `ordered` (timestamps, dates, serials: a
//!   range selects by its bounds); `unknown`.
//! - table: `[tables] rows` overrides everything (under 10,000 rows is small, from
//!   1,000,000 large, in between unknown); then `[tables] small` / `large`; then `small` for
//!   lookup tables the migrations fill, key/value configuration tables, enum-like tables
//!   (an id and one unique label) and one-row-per-parent tables (a unique foreign key)
//!   whose parent is small or a tenant table; `large` for event, log, history and audit
//!   tables (by name) and tables the application inserts into but never updates or deletes
//!   from (append-only); else `unknown`.
//!
//! Limits: no value distribution is known, so a `status = 'rare_value'` that a real
//! histogram would find selective is still `low`; names are English conventions; a size
//! class is a guess that `[tables] rows` should settle. See `docs/statistics.md`.

use crate::config::Config;
use crate::model::schema::{IndexKind, KeyExpr, Schema, Table};
use crate::model::usage::{Filter, FilterOp};
use std::collections::BTreeSet;

/// How many rows one value of a column selects, as a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cardinality {
    /// One row per value.
    Unique,
    /// Few rows per value (a foreign key).
    ManyToOne,
    /// A handful of distinct values: one value selects a large share of the table.
    Low,
    /// Values spread along an order (timestamps, serials): a range selects by its bounds.
    Ordered,
    Unknown,
}

impl Cardinality {
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::Unique => "unique",
            Cardinality::ManyToOne => "many-to-one",
            Cardinality::Low => "low",
            Cardinality::Ordered => "ordered",
            Cardinality::Unknown => "unknown",
        }
    }
    /// One value selects few rows.
    pub fn selective(self) -> bool {
        matches!(self, Cardinality::Unique | Cardinality::ManyToOne)
    }
}

/// How large a table is, as a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A scan is fine.
    Small,
    /// Every scan hurts.
    Large,
    Unknown,
}

impl Size {
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Large => "large",
            Size::Unknown => "unknown",
        }
    }
}

/// A class and the reason it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class<T> {
    pub class: T,
    pub why: String,
}

fn class<T>(class: T, why: impl Into<String>) -> Class<T> {
    Class {
        class,
        why: why.into(),
    }
}

/// Tables under this many rows are small (the PostgreSQL planner prefers a sequential scan
/// of a few pages to any index; the oracle in `../shared/oracle` uses the same bound).
pub const SMALL_ROWS: f64 = 10_000.0;
/// Tables from this many rows are large.
pub const LARGE_ROWS: f64 = 1_000_000.0;

/// The hints statistics are inferred from, besides the schema.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    small: Vec<String>,
    large: Vec<String>,
    rows: Vec<(String, f64)>,
    /// Tables the application inserts into and never updates or deletes from.
    append_only: BTreeSet<String>,
}

/// Column names that usually hold a handful of values.
const LOW_NAMES: &[&str] = &[
    "status",
    "state",
    "kind",
    "type",
    "role",
    "level",
    "priority",
    "category",
    "stage",
    "phase",
    "visibility",
    "severity",
    "mode",
    "gender",
    "locale",
    "lang",
    "language",
    "currency",
    "country",
    "provider",
    "source",
    "channel",
];

/// Table-name words of append-only tables.
const LARGE_WORDS: &[&str] = &[
    "event",
    "events",
    "log",
    "logs",
    "history",
    "histories",
    "audit",
    "audits",
    "activity",
    "activities",
    "notification",
    "notifications",
    "metric",
    "metrics",
    "trace",
    "traces",
    "visit",
    "visits",
    "click",
    "clicks",
    "pageviews",
    "deliveries",
    "attempts",
];

/// Names of tenant tables: a table with one row per tenant is small. (The tenant table itself
/// is not assumed small: deleting a tenant still scans children without an index.)
const TENANT_WORDS: &[&str] = &["tenant", "tenants", "workspace", "workspaces"];

/// Soft-delete and archive column names: tested `IS NULL`, they select most rows.
const SOFT_DELETE: &[&str] = &[
    "deleted_at",
    "deleted",
    "removed_at",
    "archived_at",
    "disabled_at",
    "revoked_at",
    "deactivated_at",
    "discarded_at",
    "expired_at",
];

impl Stats {
    /// Statistics from the configuration and the tables the code writes:
    /// `inserted` are tables the application inserts into, `changed` tables it updates or
    /// deletes from.
    pub fn new(config: &Config, inserted: &BTreeSet<String>, changed: &BTreeSet<String>) -> Self {
        Stats {
            small: config
                .tables
                .small
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            large: config
                .tables
                .large
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            rows: config
                .tables
                .rows
                .iter()
                .map(|(t, n)| (t.to_lowercase(), *n))
                .collect(),
            append_only: inserted.difference(changed).cloned().collect(),
        }
    }

    /// The cardinality class of `key` on `table`.
    pub fn column(&self, schema: &Schema, table: &Table, key: &KeyExpr) -> Class<Cardinality> {
        let Some(name) = key.as_column() else {
            return class(Cardinality::Unknown, "an expression");
        };
        if let Some(ix) = table.indexes.iter().find(|ix| {
            ix.unique
                && ix.predicate.is_none()
                && matches!(ix.keys.as_slice(), [k] if k.expr == *key && k.prefix_len.is_none())
        }) {
            let what = match ix.kind {
                IndexKind::PrimaryKey => "the primary key".to_string(),
                IndexKind::UniqueConstraint => format!("unique constraint {}", ix.name),
                IndexKind::Index => format!("unique index {}", ix.name),
            };
            return class(Cardinality::Unique, format!("{what}: one row per value"));
        }
        let Some(col) = table.column(name) else {
            return class(Cardinality::Unknown, "not declared");
        };
        let ty = col.data_type.as_str();
        if col.is_boolean() {
            return class(Cardinality::Low, "boolean: two values");
        }
        let unqualified = ty.rsplit('.').next().unwrap_or(ty).trim_matches('"');
        if schema.enum_types.contains(unqualified) || ty.starts_with("enum(") {
            return class(Cardinality::Low, format!("enum type {ty}"));
        }
        if let Some(n) = schema
            .checked_values
            .get(&(table.name.clone(), name.to_string()))
        {
            return class(Cardinality::Low, format!("CHECK allows {n} values"));
        }
        let word = name.rsplit('_').next().unwrap_or(name);
        if (LOW_NAMES.contains(&name) || LOW_NAMES.contains(&word)) && short_type(ty) {
            return class(
                Cardinality::Low,
                format!("a short {ty} named `{name}`: a handful of values"),
            );
        }
        if let Some(fk) = table
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.first().map(String::as_str) == Some(name))
        {
            return class(
                Cardinality::ManyToOne,
                format!("foreign key to {}: few rows per value", fk.ref_table),
            );
        }
        if name.ends_with("_id") {
            return class(
                Cardinality::ManyToOne,
                "named `*_id`: a reference, few rows per value",
            );
        }
        if ordered_type(ty) || name.ends_with("_at") {
            return class(
                Cardinality::Ordered,
                format!("{ty}: a range selects by its bounds"),
            );
        }
        class(Cardinality::Unknown, format!("{ty}: nothing known"))
    }

    /// The class of one condition: a column's class, except that `IS NULL` on a
    /// soft-delete column (`deleted_at IS NULL`) selects most rows.
    pub fn condition(&self, schema: &Schema, table: &Table, f: &Filter) -> Class<Cardinality> {
        if f.op == FilterOp::IsNull {
            if let Some(c) = f.target.as_column() {
                if SOFT_DELETE.contains(&c) || c.ends_with("_deleted_at") {
                    return class(
                        Cardinality::Low,
                        format!("soft-delete column `{c}` tested IS NULL: most rows"),
                    );
                }
            }
        }
        self.column(schema, table, &f.target)
    }

    /// Whether an equality on every column of `keys` selects at most one row: they hold
    /// all the keys of a unique index.
    pub fn unique_together(&self, table: &Table, keys: &[&KeyExpr]) -> bool {
        table.indexes.iter().any(|ix| {
            ix.unique
                && ix.predicate.is_none()
                && !ix.keys.is_empty()
                && ix
                    .keys
                    .iter()
                    .all(|k| k.prefix_len.is_none() && keys.contains(&&k.expr))
        })
    }

    /// The size class of `table`.
    pub fn table(&self, schema: &Schema, table: &Table) -> Class<Size> {
        let name = table.name.as_str();
        if let Some((_, n)) = self.rows.iter().find(|(t, _)| t == name) {
            let size = if *n < SMALL_ROWS {
                Size::Small
            } else if *n >= LARGE_ROWS {
                Size::Large
            } else {
                Size::Unknown
            };
            return class(size, format!("[tables] rows = {n}"));
        }
        if let Some(c) = self.hinted(table) {
            return c;
        }
        if let Some(why) = one_row_per_parent(table) {
            let parent_small = schema.tables.get(&why).is_some_and(|p| {
                TENANT_WORDS.contains(&p.name.as_str())
                    || self.hinted(p).is_some_and(|c| c.class == Size::Small)
            });
            if parent_small {
                return class(
                    Size::Small,
                    format!("one row per {why} (a unique foreign key), and {why} is small"),
                );
            }
        }
        class(Size::Unknown, "no size hint")
    }

    /// The size hints that do not depend on other tables.
    fn hinted(&self, table: &Table) -> Option<Class<Size>> {
        let name = table.name.as_str();
        if self.small.iter().any(|t| t == name) {
            return Some(class(Size::Small, "listed in [tables] small"));
        }
        if self.large.iter().any(|t| t == name) {
            return Some(class(Size::Large, "listed in [tables] large"));
        }
        if table.seeded {
            return Some(class(Size::Small, "a lookup table the migrations fill"));
        }
        if key_value(table) {
            return Some(class(Size::Small, "a key/value configuration table"));
        }
        if enum_like(table) {
            return Some(class(
                Size::Small,
                "an enum-like table: an id and a unique label",
            ));
        }
        if name.split('_').any(|w| LARGE_WORDS.contains(&w)) {
            return Some(class(
                Size::Large,
                "an event, log or history table (by name)",
            ));
        }
        if self.append_only.contains(name) {
            return Some(class(
                Size::Large,
                "the application inserts into it and never updates or deletes: append-only",
            ));
        }
        None
    }
}

/// A text or integer type short enough to hold a code (`varchar(32)`, `text`, `smallint`).
fn short_type(ty: &str) -> bool {
    if let Some(n) = ty
        .strip_prefix("varchar(")
        .or_else(|| ty.strip_prefix("character varying("))
        .or_else(|| ty.strip_prefix("char("))
        .or_else(|| ty.strip_prefix("character("))
        .and_then(|r| r.strip_suffix(')'))
    {
        return n.trim().parse::<u32>().is_ok_and(|n| n <= 64);
    }
    matches!(
        ty,
        "text"
            | "varchar"
            | "character varying"
            | "char"
            | "citext"
            | "smallint"
            | "int2"
            | "tinyint"
            | "int"
            | "integer"
            | "int4"
    ) || ty.starts_with("tinyint")
        || ty.starts_with("smallint")
        || ty.starts_with("enum(")
}

fn ordered_type(ty: &str) -> bool {
    ty.starts_with("timestamp")
        || ty.starts_with("datetime")
        || matches!(
            ty,
            "date" | "timestamptz" | "serial" | "bigserial" | "smallserial"
        )
}

/// `(key, value)`-shaped: a key or name column, a value column, little else.
fn key_value(table: &Table) -> bool {
    let has = |names: &[&str]| {
        table
            .columns
            .iter()
            .any(|c| names.contains(&c.name.as_str()))
    };
    has(&["key", "name", "k", "setting", "config_key"])
        && has(&["value", "v", "config_value", "setting_value"])
        && table.columns.len() <= 5
        && table.foreign_keys.is_empty()
}

/// An id and one unique label (`code`, `name`, `slug`), plus at most two other columns.
fn enum_like(table: &Table) -> bool {
    let labels = ["code", "name", "slug", "label", "key"];
    let unique_label = table.indexes.iter().any(|ix| {
        ix.unique
            && matches!(ix.keys.as_slice(), [k] if k.expr.as_column().is_some_and(|c| labels.contains(&c)))
    });
    unique_label && table.columns.len() <= 4 && table.foreign_keys.is_empty()
}

/// The parent of a one-row-per-parent table: a unique index whose keys are exactly a
/// foreign key's columns.
fn one_row_per_parent(table: &Table) -> Option<String> {
    table.foreign_keys.iter().find_map(|fk| {
        let unique = table.indexes.iter().any(|ix| {
            ix.unique
                && ix.predicate.is_none()
                && ix.keys.len() == fk.columns.len()
                && ix.keys.iter().all(|k| {
                    k.expr
                        .as_column()
                        .is_some_and(|c| fk.columns.iter().any(|f| f == c))
                })
        });
        unique.then(|| fk.ref_table.clone())
    })
}

/// The tables `statements` insert into (`INSERT INTO t ...`), lower-cased and unqualified.
pub fn inserted_tables(statements: &[crate::parse::Statement]) -> BTreeSet<String> {
    statements
        .iter()
        // Only an `INSERT` is parsed again (a deferred query's tree is gone).
        .filter(|s| s.ast.is_some() || s.kind().starts_with("INSERT"))
        .filter_map(|s| match s.tree()?.as_ref() {
            sqlparser::ast::Statement::Insert(ins) => match &ins.table {
                sqlparser::ast::TableObject::TableName(n) => n.0.last().and_then(|p| {
                    p.as_ident().map(|i| match i.quote_style {
                        Some(_) => i.value.clone(),
                        None => i.value.to_lowercase(),
                    })
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Fragment;
    use crate::model::coverage::{gap, Confidence};
    use crate::model::usage::analyze_statement;
    use crate::parse::{parse_fragment, Dialect};
    use crate::source::FileId;

    const DDL: &str = "
        CREATE TYPE mood AS ENUM ('ok', 'sad');
        CREATE TABLE tenants (id bigint PRIMARY KEY, name text);
        CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, tenant_id bigint NOT NULL);
        CREATE TABLE tasks (
          id bigint PRIMARY KEY,
          project_id bigint NOT NULL,
          owner bigint REFERENCES users (id),
          state varchar(16) NOT NULL,
          feeling mood,
          channel text CHECK (channel IN ('web', 'api')),
          done boolean,
          title text,
          notes varchar(500),
          created_at timestamptz NOT NULL,
          leased_until timestamptz,
          deleted_at timestamptz
        );
        CREATE INDEX tasks_project_id_idx ON tasks (project_id);
        CREATE INDEX tasks_state_idx ON tasks (state);
        CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, status text NOT NULL, total numeric);
        CREATE INDEX orders_user_id_status_idx ON orders (user_id, status);
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, number text NOT NULL);
        CREATE INDEX invoices_tenant_number_idx ON invoices (tenant_id, number);
        CREATE TABLE settings (key text PRIMARY KEY, value text);
        CREATE TABLE page_events (id bigint PRIMARY KEY, path text);
        CREATE TABLE countries (code text PRIMARY KEY, name text);
        INSERT INTO countries VALUES ('fr', 'France');
        CREATE TABLE tenant_prefs (id bigint PRIMARY KEY, tenant_id bigint NOT NULL UNIQUE REFERENCES tenants (id), theme text);
        CREATE TABLE user_prefs (id bigint PRIMARY KEY, user_id bigint NOT NULL UNIQUE REFERENCES users (id), theme text);
    ";

    fn schema() -> Schema {
        let frag = Fragment::sql_file(DDL);
        let stmts = parse_fragment(Dialect::Postgres, FileId(0), &frag);
        crate::model::fold::fold(Dialect::Postgres, &stmts, &mut Vec::new())
    }

    fn col(s: &Schema, table: &str, c: &str) -> Cardinality {
        Stats::default()
            .column(s, &s.tables[table], &KeyExpr::Column(c.into()))
            .class
    }

    #[test]
    fn column_classes() {
        let s = schema();
        assert_eq!(col(&s, "tasks", "id"), Cardinality::Unique);
        assert_eq!(col(&s, "users", "email"), Cardinality::Unique);
        assert_eq!(
            col(&s, "tasks", "owner"),
            Cardinality::ManyToOne,
            "foreign key"
        );
        assert_eq!(
            col(&s, "tasks", "project_id"),
            Cardinality::ManyToOne,
            "*_id"
        );
        assert_eq!(
            col(&s, "tasks", "state"),
            Cardinality::Low,
            "short text named state"
        );
        assert_eq!(col(&s, "tasks", "feeling"), Cardinality::Low, "enum type");
        assert_eq!(col(&s, "tasks", "channel"), Cardinality::Low, "CHECK IN");
        assert_eq!(col(&s, "tasks", "done"), Cardinality::Low, "boolean");
        assert_eq!(col(&s, "tasks", "created_at"), Cardinality::Ordered);
        assert_eq!(col(&s, "tasks", "title"), Cardinality::Unknown);
        let f = crate::model::usage::Filter {
            target: KeyExpr::Column("deleted_at".into()),
            op: FilterOp::IsNull,
            text: "deleted_at IS NULL".into(),
        };
        let t = &s.tables["tasks"];
        assert_eq!(
            Stats::default().condition(&s, t, &f).class,
            Cardinality::Low,
            "soft delete tested IS NULL"
        );
    }

    #[test]
    fn table_sizes() {
        let s = schema();
        let size = |st: &Stats, t: &str| st.table(&s, &s.tables[t]).class;
        let st = Stats::default();
        assert_eq!(size(&st, "settings"), Size::Small, "key/value");
        assert_eq!(
            size(&st, "countries"),
            Size::Small,
            "seeded by the migrations"
        );
        assert_eq!(size(&st, "tenants"), Size::Unknown, "not assumed small");
        assert_eq!(size(&st, "tenant_prefs"), Size::Small, "one row per tenant");
        assert_eq!(size(&st, "user_prefs"), Size::Unknown, "one row per user");
        assert_eq!(size(&st, "page_events"), Size::Large, "event table");
        assert_eq!(size(&st, "tasks"), Size::Unknown);
        let mut config = Config::default();
        config.tables.rows.insert("tasks".into(), 5e7);
        config.tables.rows.insert("page_events".into(), 100.0);
        config.tables.large.push("orders".into());
        let appended: BTreeSet<String> = ["invoices".to_string(), "users".to_string()].into();
        let changed: BTreeSet<String> = ["users".to_string()].into();
        let st = Stats::new(&config, &appended, &changed);
        assert_eq!(size(&st, "tasks"), Size::Large, "rows override");
        assert_eq!(size(&st, "page_events"), Size::Small, "rows override names");
        assert_eq!(size(&st, "orders"), Size::Large, "[tables] large");
        assert_eq!(size(&st, "invoices"), Size::Large, "append-only");
        assert_eq!(size(&st, "users"), Size::Unknown, "updated too");
    }

    /// The gap of the access to `table` in `sql`: `fix SQL (confidence)`, or `None`.
    fn verdict(sql: &str, table: &str) -> Option<String> {
        let s = schema();
        let frag = Fragment::sql_file(sql);
        let stmt = parse_fragment(Dialect::Postgres, FileId(0), &frag).remove(0);
        let (q, ok) = analyze_statement(&s, &stmt)?;
        assert!(ok, "unresolved: {sql}");
        let i = q.accesses.iter().position(|a| a.table == table)?;
        let st = Stats::default();
        gap(&s, &st, &s.tables[table], &q.accesses, i, Dialect::Postgres).map(|g| {
            format!(
                "{} ({})",
                crate::rules::fix::suggestion_sql(Dialect::Postgres, table, &g.suggestion),
                g.confidence.as_str()
            )
        })
    }

    #[test]
    fn top_n_over_a_selective_key_is_served() {
        let q = "SELECT * FROM tasks WHERE project_id = $1 ORDER BY created_at DESC LIMIT 20";
        assert_eq!(verdict(q, "tasks"), None);
        let q = "SELECT * FROM tasks WHERE id IN (1, 2, 3) ORDER BY created_at DESC LIMIT 20";
        assert_eq!(verdict(q, "tasks"), None, "IN on the primary key");
    }

    #[test]
    fn low_cardinality_index_is_extended() {
        let q = "SELECT id FROM tasks WHERE state = 'running' AND leased_until < $1";
        assert_eq!(
            verdict(q, "tasks").as_deref(),
            Some("CREATE INDEX CONCURRENTLY tasks_state_leased_until_idx ON tasks (state, leased_until); (medium)")
        );
        let q = "SELECT id FROM tasks WHERE state = 'queued' ORDER BY created_at LIMIT 10";
        assert_eq!(
            verdict(q, "tasks").as_deref(),
            Some("CREATE INDEX CONCURRENTLY tasks_created_at_idx ON tasks (created_at) WHERE state = 'queued'; (medium)"),
            "a queue gets a partial index"
        );
        let q = "SELECT id FROM tasks WHERE state = 'running'";
        assert_eq!(verdict(q, "tasks"), None, "served: nothing more selective");
    }

    #[test]
    fn low_cardinality_alone_is_never_suggested() {
        assert_eq!(
            verdict("SELECT id FROM tasks WHERE done = true", "tasks"),
            None
        );
        assert_eq!(
            verdict("SELECT id FROM tasks WHERE feeling = 'sad'", "tasks"),
            None
        );
        assert_eq!(
            verdict("SELECT id FROM tasks WHERE channel = 'web'", "tasks"),
            None
        );
        assert_eq!(
            verdict("SELECT id FROM tasks WHERE title = $1", "tasks").as_deref(),
            Some("CREATE INDEX CONCURRENTLY tasks_title_idx ON tasks (title); (medium)")
        );
    }

    #[test]
    fn small_and_large_tables() {
        assert_eq!(
            verdict("SELECT key FROM settings WHERE value = $1", "settings"),
            None
        );
        assert_eq!(
            verdict("SELECT id FROM page_events WHERE path = $1", "page_events").as_deref(),
            Some("CREATE INDEX CONCURRENTLY page_events_path_idx ON page_events (path); (high)")
        );
    }

    #[test]
    fn inner_side_is_probed_with_join_key_and_own_conditions() {
        let q = "SELECT o.id FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = $1 AND o.status = 'paid'";
        assert_eq!(verdict(q, "orders"), None);
        let q = "SELECT u.id FROM users u WHERE u.email = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.status = 'x')";
        assert_eq!(verdict(q, "orders"), None, "correlated EXISTS");
        let q = "SELECT i.* FROM tenants t JOIN invoices i ON i.tenant_id = t.id WHERE t.id = $1 ORDER BY i.number LIMIT 5";
        assert_eq!(
            verdict(q, "invoices"),
            None,
            "equality carried through the join"
        );
    }

    #[test]
    fn confidence_orders() {
        assert!(Confidence::Low < Confidence::Medium && Confidence::Medium < Confidence::High);
    }
}

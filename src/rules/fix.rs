//! SQL text of suggested fixes, shared by the rules and `idxlint suggest`: the
//! `CREATE INDEX` to add and the `DROP INDEX` to run, in the project's dialect.
//!
//! Fixes must run as written ([`FixWriter`]):
//! - identifiers are quoted exactly when the dialect needs it ([`names::quote_ident`]) and
//!   keep their schema when the table is not in the default schema;
//! - a new index gets PostgreSQL's own name (`<table>_<cols>_idx`, then `..._idx1`, ...,
//!   shortened to 63 bytes as `makeObjectName` does), unique against every relation of the
//!   table's schema and every other index suggested in the same run (the same shape on the
//!   same table gets the same name);
//! - on a partitioned PostgreSQL table, where `CREATE INDEX CONCURRENTLY` is refused, the
//!   index is created `ON ONLY` the parent, built `CONCURRENTLY` on each known partition and
//!   attached (`ALTER INDEX ... ATTACH PARTITION`);
//! - MySQL gets `ALTER TABLE t ADD INDEX name (cols), ALGORITHM=INPLACE, LOCK=NONE`: an
//!   online build that fails instead of silently locking the table when it cannot be done
//!   in place; SQLite a plain `CREATE INDEX`;
//! - a fix whose keys would embed a query parameter (`%s`, `$1`, `?`, `:name`) is withheld
//!   with a note ([`FixWriter::create_index`] returns `Err`) rather than emitted wrong.

use crate::model::coverage::Suggestion;
use crate::model::fold::{name_parts, pg_object_name};
use crate::model::names::{self, quote_ident};
use crate::model::schema::{Index, IndexKey, IndexKind, KeyExpr, Schema, Table};
use crate::parse::Dialect;
use crate::source::Location;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// One key as written in a `CREATE INDEX` column list.
pub fn key_sql(k: &IndexKey) -> String {
    let mut s = k.expr.display();
    if let Some(c) = &k.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    if let Some(o) = &k.opclass {
        s.push(' ');
        s.push_str(o);
    }
    if k.desc {
        s.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) if !k.desc => s.push_str(" NULLS FIRST"),
        Some(false) if k.desc => s.push_str(" NULLS LAST"),
        _ => {}
    }
    s
}

/// `a, b DESC`
pub fn keys_sql(keys: &[IndexKey]) -> String {
    keys.iter().map(key_sql).collect::<Vec<_>>().join(", ")
}

/// Plain names of the keys, for messages and JSON `columns`.
pub fn key_names(keys: &[IndexKey]) -> Vec<String> {
    keys.iter().map(|k| k.expr.display()).collect()
}

/// PostgreSQL's name for a new index: `<table>_<keys>_idx`, shortened to 63 bytes as
/// PostgreSQL shortens it (not checked for clashes: [`FixWriter::index_name`] is).
pub fn index_name(table: &str, keys: &[IndexKey]) -> String {
    pg_object_name(table, Some(&name_parts(keys)), "idx")
}

/// The statement that creates an index on the table named `table` (unqualified, in the
/// default schema) with `keys` and access `method`, names quoted as needed. Rules use
/// [`FixWriter`], which also keeps names unique and handles partitions.
pub fn create_index_sql(dialect: Dialect, table: &str, keys: &[IndexKey], method: &str) -> String {
    let name = quote_ident(dialect, &index_name(table, keys));
    let on = quote_ident(dialect, table);
    let cols = keys
        .iter()
        .map(|k| quoted_key_sql(dialect, k))
        .collect::<Vec<_>>()
        .join(", ");
    let using = if method == "btree" {
        String::new()
    } else {
        format!("USING {method} ")
    };
    let ext = if needs_trgm(keys) {
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
    } else {
        ""
    };
    match dialect {
        Dialect::Postgres => {
            format!("{ext}CREATE INDEX CONCURRENTLY {name} ON {on} {using}({cols});")
        }
        Dialect::Mysql => {
            format!("ALTER TABLE {on} ADD INDEX {name} ({cols}), ALGORITHM=INPLACE, LOCK=NONE;")
        }
        Dialect::Sqlite => format!("CREATE INDEX {name} ON {on} ({cols});"),
    }
}

/// The SQL of a suggested index (see [`create_index_sql`]).
pub fn suggestion_sql(dialect: Dialect, table: &str, s: &Suggestion) -> String {
    let sql = create_index_sql(dialect, table, &s.keys, s.method);
    match (&s.predicate, sql.strip_suffix(';')) {
        (Some(p), Some(head)) => format!("{head} WHERE {p};"),
        _ => sql,
    }
}

/// The statement that removes `index` (see [`FixWriter::drop_index`], which also knows
/// the table's schema).
pub fn drop_index_sql(dialect: Dialect, index: &Index) -> String {
    FixWriter::new(dialect, &Schema::default()).drop_index(index)
}

/// `users (email, created_at DESC)`
pub fn index_shape(table: &str, keys: &[IndexKey]) -> String {
    format!("{table} ({})", keys_sql(keys))
}

/// `users (email)` or `docs USING gin (body gin_trgm_ops)`
pub fn suggestion_shape(table: &str, s: &Suggestion) -> String {
    let shape = if s.method == "btree" {
        index_shape(table, &s.keys)
    } else {
        format!("{table} USING {} ({})", s.method, keys_sql(&s.keys))
    };
    match &s.predicate {
        Some(p) => format!("{shape} WHERE {p}"),
        None => shape,
    }
}

/// For a table an ORM model declared: a new line with the index in the ORM's own form
/// (`in ActiveRecord: add_index :orders, [:user_id, :created_at]`); else nothing.
pub fn orm_help(table: &Table, keys: &[IndexKey]) -> String {
    let Some(orm) = table.orm else {
        return String::new();
    };
    let cols: Vec<(String, bool)> = keys.iter().map(|k| (k.expr.display(), k.desc)).collect();
    match crate::orm::fix_in_orm_form(orm, &table.name, &cols) {
        Some(form) => format!("\nin {}: {form}", orm.name()),
        None => String::new(),
    }
}

/// Writes fix SQL against one schema, keeping generated index names unique across every
/// fix of the run.
pub struct FixWriter<'a> {
    dialect: Dialect,
    schema: &'a Schema,
    names: Mutex<NameState>,
}

#[derive(Default)]
struct NameState {
    /// (table key, shape) -> the name given.
    by_shape: BTreeMap<(String, String), String>,
    /// (schema, name) of every name given so far.
    given: BTreeSet<(String, String)>,
    /// Schema -> the relation and index names the schema has, built once per schema (a
    /// run with thousands of fixes must not rebuild it per fix).
    taken: BTreeMap<String, BTreeSet<String>>,
}

/// Deepest partition nesting a fix follows (partition trees are shallow; the bound keeps a
/// malformed schema from recursing without end).
const MAX_PARTITION_DEPTH: usize = 8;

impl<'a> FixWriter<'a> {
    pub fn new(dialect: Dialect, schema: &'a Schema) -> Self {
        FixWriter {
            dialect,
            schema,
            names: Mutex::new(NameState::default()),
        }
    }

    /// The table `key` as SQL (`users`, `stats."user"`).
    pub fn table_sql(&self, t: &Table) -> String {
        names::qualified(
            self.dialect,
            &t.schema,
            &t.relname,
            self.schema.default_schema(),
        )
    }

    /// The SQL of a suggested index, or why none is offered.
    pub fn suggestion(&self, table: &str, s: &Suggestion) -> Result<String, String> {
        let sql = self.create_index(table, &s.keys, s.method)?;
        let Some(p) = &s.predicate else {
            return Ok(sql);
        };
        if p.contains('$') || p.contains('%') || p.contains('?') {
            return Err(format!(
                "no fix offered: the partial index's predicate `{p}` holds a query parameter"
            ));
        }
        // A partial index: every CREATE INDEX of the fix (the parent's and each
        // partition's) carries the predicate.
        Ok(sql
            .lines()
            .map(|l| match l.strip_suffix(';') {
                Some(head) if l.trim_start().starts_with("CREATE") => format!("{head} WHERE {p};"),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// The statement(s) that create an index on table `table` (a schema key) with `keys` and
    /// access `method`, or why none is offered.
    pub fn create_index(
        &self,
        table: &str,
        keys: &[IndexKey],
        method: &str,
    ) -> Result<String, String> {
        if let Some(p) = keys.iter().find_map(|k| placeholder_in(&k.expr)) {
            return Err(format!(
                "no SQL fix: the key would contain the query parameter `{p}`; write the index by hand"
            ));
        }
        let Some(t) = self.schema.tables.get(table) else {
            // Not in the schema (a caller outside a run): quote the name as given.
            return Ok(create_index_sql(self.dialect, table, keys, method));
        };
        let name = self.index_name(t, keys, method);
        let cols = self.keys_sql(keys);
        let using = if method == "btree" {
            String::new()
        } else {
            format!("USING {method} ")
        };
        let on = self.table_sql(t);
        let q = |n: &str| quote_ident(self.dialect, n);
        Ok(match self.dialect {
            Dialect::Postgres => {
                let ext = if needs_trgm(keys) {
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
                } else {
                    ""
                };
                let body = if t.partition_by.is_some() {
                    self.partitioned(t, &name, keys, method, 0, None)
                } else {
                    format!(
                        "CREATE INDEX CONCURRENTLY {} ON {on} {using}({cols});",
                        q(&name)
                    )
                };
                format!("{ext}{body}")
            }
            Dialect::Mysql => format!(
                "ALTER TABLE {on} ADD INDEX {} ({cols}), ALGORITHM=INPLACE, LOCK=NONE;",
                q(&name)
            ),
            Dialect::Sqlite => format!("CREATE INDEX {} ON {on} ({cols});", q(&name)),
        })
    }

    /// The statements that build index `name` on the partitioned table `t` without
    /// locking writes (see [`FixWriter::create_index`]).
    pub fn partitioned_index(
        &self,
        t: &Table,
        name: &str,
        keys: &[IndexKey],
        method: &str,
    ) -> String {
        self.partitioned(t, name, keys, method, 0, None)
    }

    /// [`FixWriter::partitioned_index`] for a fix that replaces the statement at
    /// `replaced`: the indexes that statement declared do not take names.
    pub fn partitioned_index_replacing(
        &self,
        t: &Table,
        name: &str,
        keys: &[IndexKey],
        method: &str,
        replaced: &Location,
    ) -> String {
        self.partitioned(t, name, keys, method, 0, Some(replaced))
    }

    /// PostgreSQL on a partitioned table: `CREATE INDEX ... ON ONLY parent`, then each
    /// partition's index built `CONCURRENTLY` (recursively for sub-partitioned ones) and
    /// attached. Without a known partition, a plain `CREATE INDEX` on the parent.
    fn partitioned(
        &self,
        t: &Table,
        name: &str,
        keys: &[IndexKey],
        method: &str,
        depth: usize,
        replacing: Option<&Location>,
    ) -> String {
        let q = |n: &str| quote_ident(self.dialect, n);
        let using = if method == "btree" {
            String::new()
        } else {
            format!("USING {method} ")
        };
        let cols = self.keys_sql(keys);
        let on = self.table_sql(t);
        let parts = self.schema.partitions_of(&t.name);
        if parts.is_empty() || depth >= MAX_PARTITION_DEPTH {
            return format!(
                "-- {on} is partitioned and no partition of it is known: the build locks it.\nCREATE INDEX {} ON {on} {using}({cols});",
                q(name)
            );
        }
        let mut out = format!("CREATE INDEX {} ON ONLY {on} {using}({cols});", q(name));
        let parent_index =
            names::qualified(self.dialect, &t.schema, name, self.schema.default_schema());
        for p in parts {
            let child = self.free_index_name(p, keys, method, replacing);
            let child_on = self.table_sql(p);
            out.push('\n');
            if p.partition_by.is_some() {
                out.push_str(&self.partitioned(p, &child, keys, method, depth + 1, replacing));
            } else {
                out.push_str(&format!(
                    "CREATE INDEX CONCURRENTLY {} ON {child_on} {using}({cols});",
                    q(&child)
                ));
            }
            let child_index = names::qualified(
                self.dialect,
                &p.schema,
                &child,
                self.schema.default_schema(),
            );
            out.push_str(&format!(
                "\nALTER INDEX {parent_index} ATTACH PARTITION {child_index};"
            ));
        }
        out
    }

    /// `a, "Order" DESC`: keys with column names quoted as needed.
    pub fn keys_sql(&self, keys: &[IndexKey]) -> String {
        keys.iter()
            .map(|k| quoted_key_sql(self.dialect, k))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// PostgreSQL's name for a new index on `t` with `keys`: `<table>_<cols>_idx`, then
    /// `_idx1`, `_idx2`... until no relation of the schema and no other suggested index
    /// has it. The same shape on the same table always gets the same name.
    pub fn index_name(&self, t: &Table, keys: &[IndexKey], method: &str) -> String {
        self.free_index_name(t, keys, method, None)
    }

    /// [`FixWriter::index_name`], where indexes declared inside `replacing` (a statement
    /// the fix replaces) do not count as taken.
    fn free_index_name(
        &self,
        t: &Table,
        keys: &[IndexKey],
        method: &str,
        replacing: Option<&Location>,
    ) -> String {
        let shape = format!("{method} {}", keys_sql(keys));
        let mut state = match self.names.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(n) = state.by_shape.get(&(t.name.clone(), shape.clone())) {
            return n.clone();
        }
        // Indexes declared inside the statement being replaced give their names back.
        let released: BTreeSet<&str> = match replacing {
            Some(r) => self
                .schema
                .tables
                .values()
                .filter(|x| x.schema == t.schema)
                .flat_map(|x| x.indexes.iter())
                .filter(|ix| {
                    ix.declared.file == r.file
                        && ix.declared.range.start >= r.range.start
                        && ix.declared.range.end <= r.range.end
                })
                .map(|ix| ix.name.as_str())
                .collect(),
            None => BTreeSet::new(),
        };
        if !state.taken.contains_key(&t.schema) {
            let names = self
                .schema
                .relation_names_in(&t.schema)
                .into_iter()
                .map(str::to_string)
                .collect();
            state.taken.insert(t.schema.clone(), names);
        }
        let cols = name_parts(keys);
        let free = |n: &str, state: &NameState| {
            (released.contains(n) || !state.taken.get(&t.schema).is_some_and(|s| s.contains(n)))
                && !state.given.contains(&(t.schema.clone(), n.to_string()))
        };
        let mut name = pg_object_name(&t.relname, Some(&cols), "idx");
        let mut pass = 0u32;
        while !free(&name, &state) && pass < 10_000 {
            pass += 1;
            name = pg_object_name(&t.relname, Some(&cols), &format!("idx{pass}"));
        }
        state.given.insert((t.schema.clone(), name.clone()));
        state.by_shape.insert((t.name.clone(), shape), name.clone());
        name
    }

    /// The statement that removes `index` (a constraint for primary keys and UNIQUE
    /// constraints, whose index cannot be dropped on its own); names quoted and qualified.
    pub fn drop_index(&self, index: &Index) -> String {
        let d = self.dialect;
        let (table_sql, schema_name, partitioned) = match self.schema.tables.get(&index.table) {
            Some(t) => (
                self.table_sql(t),
                t.schema.clone(),
                t.partition_by.is_some(),
            ),
            None => (quote_ident(d, &index.table), String::new(), false),
        };
        let name = quote_ident(d, &index.name);
        let qualified_index =
            names::qualified(d, &schema_name, &index.name, self.schema.default_schema());
        match (index.kind, d) {
            (IndexKind::PrimaryKey, Dialect::Mysql) => {
                format!("ALTER TABLE {table_sql} DROP PRIMARY KEY;")
            }
            (IndexKind::PrimaryKey | IndexKind::UniqueConstraint, Dialect::Postgres) => {
                format!("ALTER TABLE {table_sql} DROP CONSTRAINT {name};")
            }
            // PostgreSQL refuses to drop a partitioned index concurrently.
            (_, Dialect::Postgres) if partitioned => format!("DROP INDEX {qualified_index};"),
            (_, Dialect::Postgres) => format!("DROP INDEX CONCURRENTLY {qualified_index};"),
            (_, Dialect::Mysql) => format!("DROP INDEX {name} ON {table_sql};"),
            (_, Dialect::Sqlite) => format!("DROP INDEX {qualified_index};"),
        }
    }
}

/// One key as written in a `CREATE INDEX` column list, its column name quoted as needed.
pub fn quoted_key_sql(dialect: Dialect, k: &IndexKey) -> String {
    match &k.expr {
        KeyExpr::Column(c) => {
            let mut bare = k.clone();
            bare.expr = KeyExpr::Column(String::new());
            let rest = key_sql(&bare);
            let mut s = quote_ident(dialect, c);
            if let Some(n) = k.prefix_len {
                s.push_str(&format!("({n})"));
            }
            s.push_str(&rest);
            s
        }
        KeyExpr::Expr(_) => key_sql(k),
    }
}

fn needs_trgm(keys: &[IndexKey]) -> bool {
    keys.iter().any(|k| {
        k.opclass
            .as_deref()
            .is_some_and(|o| o.ends_with("_trgm_ops"))
    })
}

/// A query parameter left in a key expression (`$1`, `?`, `%s`, `%(name)s`, `:name`),
/// outside string literals.
fn placeholder_in(e: &KeyExpr) -> Option<String> {
    let KeyExpr::Expr(text) = e else {
        return None;
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'$' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = (i + 1..b.len())
                    .find(|&j| !b[j].is_ascii_digit())
                    .unwrap_or(b.len());
                return Some(text[i..end].to_string());
            }
            b'?' => return Some("?".to_string()),
            b'%' if matches!(b.get(i + 1), Some(b's' | b'(' | b'd')) => {
                return Some(text[i..(i + 2).min(b.len())].to_string())
            }
            b':' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                && (i == 0 || b[i - 1] != b':') =>
            {
                let end = (i + 1..b.len())
                    .find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'_'))
                    .unwrap_or(b.len());
                return Some(text[i..end].to_string());
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Fragment;
    use crate::source::FileId;

    fn schema(dialect: Dialect, sql: &str) -> Schema {
        let stmts = crate::parse::parse_fragment(dialect, FileId(0), &Fragment::sql_file(sql));
        crate::model::fold::fold(dialect, &stmts, &mut Vec::new())
    }

    fn col(c: &str) -> IndexKey {
        IndexKey::column(c)
    }

    #[test]
    fn names_are_unique_against_the_schema_and_each_other() {
        let s = schema(
            Dialect::Postgres,
            "CREATE TABLE users (id int, email text, name text);
             CREATE INDEX users_email_idx ON users (name);
             CREATE TABLE users_email_idx1 (id int);",
        );
        let w = FixWriter::new(Dialect::Postgres, &s);
        // Taken by an index and by a table (one relation namespace): the next free one.
        let a = w.create_index("users", &[col("email")], "btree");
        assert_eq!(
            a.as_deref(),
            Ok("CREATE INDEX CONCURRENTLY users_email_idx2 ON users (email);")
        );
        // The same shape again gets the same name; another shape on the same columns not.
        assert_eq!(w.create_index("users", &[col("email")], "btree"), a);
        let mut desc = col("email");
        desc.desc = true;
        assert_eq!(
            w.create_index("users", &[desc], "btree").as_deref(),
            Ok("CREATE INDEX CONCURRENTLY users_email_idx3 ON users (email DESC);")
        );
    }

    #[test]
    fn long_names_keep_their_suffix_within_63_bytes() {
        let t = "t".repeat(40);
        let c = "c".repeat(40);
        let s = schema(
            Dialect::Postgres,
            &format!("CREATE TABLE {t} ({c} int); CREATE INDEX ON {t} ({c});"),
        );
        let w = FixWriter::new(Dialect::Postgres, &s);
        let tbl = s.tables.get(&t).expect("table");
        let first = &tbl.indexes[0].name;
        let next = w.index_name(tbl, &[col(&c)], "btree");
        assert_eq!(first.len(), 63);
        assert_eq!(next.len(), 63);
        assert!(next.ends_with("_idx1"), "{next}");
        assert_ne!(&next, first);
    }

    #[test]
    fn quoting_and_schemas_per_dialect() {
        let s = schema(
            Dialect::Postgres,
            "CREATE SCHEMA stats; CREATE TABLE stats.\"user\" (\"Day\" date, id int);
             CREATE INDEX hits ON stats.\"user\" (id);",
        );
        let w = FixWriter::new(Dialect::Postgres, &s);
        assert_eq!(
            w.create_index("stats.user", &[col("Day")], "btree")
                .as_deref(),
            Ok("CREATE INDEX CONCURRENTLY \"user_Day_idx\" ON stats.\"user\" (\"Day\");")
        );
        let ix = &s.tables["stats.user"].indexes[0];
        assert_eq!(w.drop_index(ix), "DROP INDEX CONCURRENTLY stats.hits;");

        let m = schema(Dialect::Mysql, "CREATE TABLE `order` (id int, `key` int);");
        let w = FixWriter::new(Dialect::Mysql, &m);
        assert_eq!(
            w.create_index("order", &[col("key")], "btree").as_deref(),
            Ok("ALTER TABLE `order` ADD INDEX order_key_idx (`key`), ALGORITHM=INPLACE, LOCK=NONE;")
        );
        let l = schema(Dialect::Sqlite, "CREATE TABLE \"Item\" (\"group\" text);");
        let w = FixWriter::new(Dialect::Sqlite, &l);
        assert_eq!(
            w.create_index("Item", &[col("group")], "btree").as_deref(),
            Ok("CREATE INDEX \"Item_group_idx\" ON \"Item\" (\"group\");")
        );
    }

    #[test]
    fn a_key_with_a_parameter_is_withheld() {
        let s = schema(Dialect::Postgres, "CREATE TABLE ev (at timestamptz);");
        let w = FixWriter::new(Dialect::Postgres, &s);
        for e in [
            "date_trunc($1, at)",
            "date_trunc(%s, at)",
            "date_trunc(?, at)",
            "f(:unit, at)",
        ] {
            let k = IndexKey {
                expr: KeyExpr::Expr(e.into()),
                ..col("")
            };
            let r = w.create_index("ev", &[k], "btree");
            assert!(
                r.as_ref().is_err_and(|n| n.contains("parameter")),
                "{e}: {r:?}"
            );
        }
        // A cast and a string are not parameters.
        let k = IndexKey {
            expr: KeyExpr::Expr("(at::date)".into()),
            ..col("")
        };
        assert!(w.create_index("ev", &[k], "btree").is_ok());
    }

    #[test]
    fn partitioned_tables_are_indexed_as_postgres_allows() {
        let s = schema(
            Dialect::Postgres,
            "CREATE TABLE ev (at date, k int) PARTITION BY RANGE (at);
             CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
             CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
                 PARTITION BY LIST (k);
             CREATE TABLE ev_2a PARTITION OF ev_2 FOR VALUES IN (1);",
        );
        let w = FixWriter::new(Dialect::Postgres, &s);
        assert_eq!(
            w.create_index("ev", &[col("k")], "btree").as_deref(),
            Ok("CREATE INDEX ev_k_idx ON ONLY ev (k);
CREATE INDEX CONCURRENTLY ev_1_k_idx ON ev_1 (k);
ALTER INDEX ev_k_idx ATTACH PARTITION ev_1_k_idx;
CREATE INDEX ev_2_k_idx ON ONLY ev_2 (k);
CREATE INDEX CONCURRENTLY ev_2a_k_idx ON ev_2a (k);
ALTER INDEX ev_2_k_idx ATTACH PARTITION ev_2a_k_idx;
ALTER INDEX ev_k_idx ATTACH PARTITION ev_2_k_idx;")
        );
    }

    #[test]
    fn names_and_sql() {
        let mut b = IndexKey::column("due_date");
        b.desc = true;
        let keys = vec![IndexKey::column("assignee_id"), b];
        assert_eq!(
            create_index_sql(Dialect::Postgres, "tasks", &keys, "btree"),
            "CREATE INDEX CONCURRENTLY tasks_assignee_id_due_date_idx ON tasks (assignee_id, due_date DESC);"
        );
        let e = IndexKey {
            expr: KeyExpr::Expr("lower(email)".into()),
            ..IndexKey::column("")
        };
        assert_eq!(
            index_name("users", std::slice::from_ref(&e)),
            "users_lower_idx"
        );
        assert_eq!(keys_sql(&[e]), "(lower(email))");
        let long = vec![IndexKey::column(&"x".repeat(80))];
        assert_eq!(index_name("t", &long).len(), 63);
    }
}

//! SQL text of suggested fixes, shared by the rules: the `CREATE INDEX` to add and the
//! `DROP INDEX` to run, in the project's dialect.

use crate::model::coverage::Suggestion;
use crate::model::schema::{Index, IndexKey, IndexKind, KeyExpr, Table};
use crate::parse::Dialect;

/// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
const MAX_IDENT: usize = 63;

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

/// A conventional name for a new index: `<table>_<keys>_idx`, truncated to 63 bytes.
pub fn index_name(table: &str, keys: &[IndexKey]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .map(|k| match &k.expr {
            KeyExpr::Column(c) => c.clone(),
            KeyExpr::Expr(e) => e
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .split('_')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("_"),
        })
        .collect();
    let mut name = format!("{table}_{}", parts.join("_"));
    let suffix = "_idx";
    if name.len() + suffix.len() > MAX_IDENT {
        let mut cut = MAX_IDENT - suffix.len();
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name + suffix
}

/// The statement that creates an index on `table` with `keys` and access `method`.
pub fn create_index_sql(dialect: Dialect, table: &str, keys: &[IndexKey], method: &str) -> String {
    let name = index_name(table, keys);
    let cols = keys_sql(keys);
    let using = if method == "btree" {
        String::new()
    } else {
        format!("USING {method} ")
    };
    let needs_trgm = keys.iter().any(|k| {
        k.opclass
            .as_deref()
            .is_some_and(|o| o.ends_with("_trgm_ops"))
    });
    let ext = if needs_trgm {
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
    } else {
        ""
    };
    match dialect {
        Dialect::Postgres => {
            format!("{ext}CREATE INDEX CONCURRENTLY {name} ON {table} {using}({cols});")
        }
        Dialect::Mysql | Dialect::Sqlite => format!("CREATE INDEX {name} ON {table} ({cols});"),
    }
}

/// The SQL of a suggested index.
pub fn suggestion_sql(dialect: Dialect, table: &str, s: &Suggestion) -> String {
    let sql = create_index_sql(dialect, table, &s.keys, s.method);
    match (&s.predicate, sql.strip_suffix(';')) {
        (Some(p), Some(head)) => format!("{head} WHERE {p};"),
        _ => sql,
    }
}

/// The statement that removes `index` (a constraint for primary keys and UNIQUE
/// constraints, whose index cannot be dropped on its own).
pub fn drop_index_sql(dialect: Dialect, index: &Index) -> String {
    match (index.kind, dialect) {
        (IndexKind::PrimaryKey, Dialect::Mysql) => {
            format!("ALTER TABLE {} DROP PRIMARY KEY;", index.table)
        }
        (IndexKind::PrimaryKey | IndexKind::UniqueConstraint, Dialect::Postgres) => {
            format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                index.table, index.name
            )
        }
        (_, Dialect::Postgres) => format!("DROP INDEX CONCURRENTLY {};", index.name),
        (_, Dialect::Mysql) => format!("DROP INDEX {} ON {};", index.name, index.table),
        (_, Dialect::Sqlite) => format!("DROP INDEX {};", index.name),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
            "users_lower_email_idx"
        );
        assert_eq!(keys_sql(&[e]), "(lower(email))");
        let long = vec![IndexKey::column(&"x".repeat(80))];
        assert_eq!(index_name("t", &long).len(), 63);
    }
}

//! Drizzle ORM: `pgTable`/`mysqlTable`/`sqliteTable` declarations as DDL, and the query
//! builder and relational queries as queries.
//!
//! Schema: `const users = pgTable('users', { email: text('email').unique(), ... }, (t) =>
//! [index('n').on(t.a, t.b.desc()), uniqueIndex(..), primaryKey({ columns: [..] }),
//! foreignKey({ columns, foreignColumns })])` (the object form `(t) => ({ ... })` too).
//! A column's name is the builder's first string argument, else the key (Drizzle's
//! default without `casing`). `.primaryKey()`, `.unique()` and `.references(() =>
//! other.id)` are read; a reference to a table declared in another file names that table
//! by its variable (a per-file reader does not know its SQL name; the referencing columns,
//! which `unindexed-foreign-key` checks, are right). `pgTableCreator` prefixes and the
//! columns callback `(d) => ({ .. })` are understood. Drizzle creates no index
//! for a foreign key. `.using('gin', ..)` and `.where(sql\`..\`)` give the method and the
//! partial predicate.
//!
//! Queries: `db.select().from(t).where(..).orderBy(..).limit(n)`, `db.update(t)..where`,
//! `db.delete(t).where`, `db.query.t.findMany/findFirst({ where, orderBy, limit })`. The
//! model is the table's variable. Conditions: `and`, `or`, `eq`, `ne`, `gt`, `gte`, `lt`,
//! `lte`, `inArray`, `notInArray`, `isNull`, `isNotNull`, `like`/`ilike` (the pattern
//! literal decides prefix or contains), `between`. Conditions on another table (a join)
//! and `sql` templates are left out.

use super::clex::{Lang, Toks, K};
use super::ddl_text::{cols, q, DdlText};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::ops::Range;

const TABLE_FNS: &[&str] = &["pgTable", "mysqlTable", "sqliteTable"];

pub fn claims(path: &str, text: &str) -> bool {
    super::prisma::is_script(path)
        && (text.contains("drizzle")
            || TABLE_FNS.iter().any(|f| text.contains(f))
            || text.contains(".query."))
}

pub fn read(_path: &str, text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Js);
    read_tables(&t, out);
    read_queries(&t, out);
}

struct Table {
    var: String,
    name: String,
    /// (key, column)
    columns: Vec<(String, String)>,
}

fn read_tables(t: &Toks, out: &mut OrmFile) {
    let mut ddl = DdlText::default();
    let mut tables: Vec<Table> = Vec::new();
    let mut later: Vec<(String, Range<usize>)> = Vec::new();
    let mut pending_fks: Vec<(usize, String, String, String, Range<usize>)> = Vec::new();
    // `const createTable = pgTableCreator((name) => `app_${name}`)`: table functions with a
    // name pattern (`?` stands for the name).
    let mut creators: Vec<(String, String)> = Vec::new();
    for i in 2..t.len() {
        if t.s(i).ends_with("TableCreator") && t.is(i + 1, "(") && t.is(i - 1, "=") {
            let pattern = (i + 1..t.close(i + 1))
                .find_map(|k| t.string(k).filter(|s| s.contains('?')))
                .unwrap_or("?")
                .to_string();
            creators.push((t.s(i - 2).to_string(), pattern));
        }
    }
    for i in 0..t.len() {
        let creator = creators.iter().find(|c| c.0 == t.s(i));
        if !((TABLE_FNS.contains(&t.s(i)) || creator.is_some())
            && t.get(i).is_some_and(|x| x.k == K::Ident))
            || !t.is(i + 1, "(")
            || (i >= 1 && t.is(i - 1, "."))
        {
            continue;
        }
        let var = if i >= 2 && t.is(i - 1, "=") {
            t.ident(i - 2).unwrap_or("").to_string()
        } else {
            String::new()
        };
        let items = t.items(i + 1);
        let Some(name) = items.first().and_then(|r| t.string(r.start)) else {
            continue;
        };
        let name = match creator {
            Some((_, pattern)) => pattern.replacen('?', name, 1),
            None => name.to_string(),
        };
        let decl_span = t.span(i.saturating_sub(2), i + 1);
        let mut table = Table {
            var: var.clone(),
            name: name.clone(),
            columns: Vec::new(),
        };
        let mut defs = Vec::new();
        let mut pk: Vec<String> = Vec::new();
        if let Some(cols_arg) = items.get(1) {
            // The columns object, or `(d) => ({ ... })`.
            let obj = (cols_arg.start..cols_arg.end)
                .find(|&k| t.is(k, "{"))
                .unwrap_or(cols_arg.start);
            for (key, k, val) in t.object(obj) {
                let column = if t.ident(val.start).is_some() && t.is(val.start + 1, "(") {
                    t.string(val.start + 2).unwrap_or(&key).to_string()
                } else {
                    key.clone()
                };
                let span = t.span(k, val.end.saturating_sub(1));
                let builder = t.s(val.start).to_string();
                let links = t.chain(val.start);
                let mut not_null = false;
                for &(n, args) in links.iter().skip(1) {
                    match t.s(n) {
                        "primaryKey" => {
                            pk.push(column.clone());
                            not_null = true;
                        }
                        "notNull" => not_null = true,
                        "unique" => later.push((
                            format!(
                                "CREATE UNIQUE INDEX {} ON {} ({})",
                                q(&format!("{name}_{column}_unique")),
                                q(&name),
                                q(&column)
                            ),
                            span.clone(),
                        )),
                        "references" => {
                            // `() => other.id`: the last `x.y` inside the arrow.
                            if let Some(a) = args {
                                let end = t.close(a);
                                if let Some(d) = (a..end).find(|&d| {
                                    t.is(d, ".")
                                        && t.ident(d - 1).is_some()
                                        && t.ident(d + 1).is_some()
                                }) {
                                    pending_fks.push((
                                        tables.len(),
                                        column.clone(),
                                        t.s(d - 1).to_string(),
                                        t.s(d + 1).to_string(),
                                        span.clone(),
                                    ));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                defs.push(format!(
                    "{} {}{}",
                    q(&column),
                    sql_type(&builder),
                    if not_null { " NOT NULL" } else { "" }
                ));
                table.columns.push((key, column));
            }
        }
        // The extra-config callback.
        if let Some(cb) = items.get(2) {
            extra_config(
                t,
                cb.clone(),
                &table,
                &mut pk,
                &mut later,
                &mut pending_fks,
                tables.len(),
            );
        }
        if !pk.is_empty() {
            let pk_cols: Vec<(String, bool)> = pk.iter().map(|c| (c.clone(), false)).collect();
            defs.push(format!("PRIMARY KEY ({})", cols(&pk_cols)));
        }
        ddl.push(
            &format!("CREATE TABLE {} ({})", q(&name), defs.join(", ")),
            decl_span,
        );
        out.models.push(Model {
            orm: Orm::Drizzle,
            class: var,
            table: name,
            fields: table
                .columns
                .iter()
                .map(|(a, c)| ModelField {
                    attr: a.clone(),
                    column: c.clone(),
                    relation: None,
                })
                .collect(),
            primary_key: pk,
        });
        tables.push(table);
    }
    for (stmt, span) in later {
        ddl.push(&stmt, span);
    }
    for (ti, column, target_var, target_key, span) in pending_fks {
        let Some(own) = tables.get(ti) else {
            continue;
        };
        // A table of another file is named by its variable: the foreign key's own columns,
        // which the rules look at, are right either way.
        let (target_name, target_col) = match tables.iter().find(|x| x.var == target_var) {
            Some(target) => (
                target.name.clone(),
                target
                    .columns
                    .iter()
                    .find(|c| c.0 == target_key)
                    .map_or(target_key.clone(), |c| c.1.clone()),
            ),
            None => (target_var, target_key),
        };
        ddl.push(
            &format!(
                "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})",
                q(&own.name),
                q(&column),
                q(&target_name),
                q(&target_col)
            ),
            span,
        );
    }
    if let Some(f) = ddl.finish(Orm::Drizzle) {
        out.schema.push(f);
        out.schema_source = Some(SchemaSource {
            orm: Orm::Drizzle,
            reader: "drizzle-schema",
            authority: 1,
        });
    }
}

/// `t.key` (or `t.key.desc()`) within `r` as (column, descending), by the table's keys.
fn col_refs(t: &Toks, r: Range<usize>, table: &Table) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut k = r.start;
    while k < r.end {
        if k >= 2 && t.is(k, ".") && t.ident(k - 1).is_some() && !t.is(k - 2, ".") {
            if let Some(key) = t.ident(k + 1) {
                if let Some((_, c)) = table.columns.iter().find(|(a, _)| a == key) {
                    let desc = t.is(k + 2, ".") && t.s(k + 3) == "desc";
                    out.push((c.clone(), desc));
                }
            }
        }
        k += 1;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn extra_config(
    t: &Toks,
    cb: Range<usize>,
    table: &Table,
    pk: &mut Vec<String>,
    later: &mut Vec<(String, Range<usize>)>,
    fks: &mut Vec<(usize, String, String, String, Range<usize>)>,
    ti: usize,
) {
    let mut k = cb.start;
    while k < cb.end {
        let word = t.s(k);
        let is_call = t.get(k).is_some_and(|x| x.k == K::Ident) && t.is(k + 1, "(");
        if !is_call
            || !matches!(
                word,
                "index" | "uniqueIndex" | "primaryKey" | "foreignKey" | "unique"
            )
        {
            k += 1;
            continue;
        }
        let links = t.chain(k);
        let last = links
            .last()
            .map_or(k, |&(n, a)| a.map_or(n, |a| t.close(a)));
        let span = t.span(k, last);
        match word {
            "primaryKey" => {
                let args = t.items(k + 1);
                let range = match args.first() {
                    Some(r) if t.is(r.start, "{") => t
                        .object(r.start)
                        .into_iter()
                        .find(|e| e.0 == "columns")
                        .map(|e| e.2),
                    Some(_) => Some(k + 1..t.close(k + 1)),
                    None => None,
                };
                if let Some(r) = range {
                    *pk = col_refs(t, r, table).into_iter().map(|c| c.0).collect();
                }
            }
            "foreignKey" => {
                if let Some(obj) = t.items(k + 1).first().filter(|r| t.is(r.start, "{")) {
                    let entries = t.object(obj.start);
                    let own = entries.iter().find(|e| e.0 == "columns");
                    let foreign = entries.iter().find(|e| e.0 == "foreignColumns");
                    if let (Some(own), Some(foreign)) = (own, foreign) {
                        let own = col_refs(t, own.2.clone(), table);
                        let f = foreign.2.clone();
                        if let (Some((c, _)), Some(d)) = (
                            own.first(),
                            (f.start..f.end).find(|&d| t.is(d, ".") && t.ident(d + 1).is_some()),
                        ) {
                            fks.push((
                                ti,
                                c.clone(),
                                t.s(d - 1).to_string(),
                                t.s(d + 1).to_string(),
                                span.clone(),
                            ));
                        }
                    }
                }
            }
            _ => {
                let name = t
                    .string(k + 2)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}_idx{}", table.name, later.len()));
                let mut columns = Vec::new();
                let mut using = String::new();
                let mut pred = String::new();
                for &(n, a) in &links[1..] {
                    let Some(a) = a else { continue };
                    match t.s(n) {
                        "on" | "onOnly" => columns = col_refs(t, a..t.close(a), table),
                        "using" => {
                            using = t
                                .string(a + 1)
                                .map_or(String::new(), |m| format!(" USING {m}"));
                            columns = col_refs(t, a..t.close(a), table);
                        }
                        "where" => {
                            if let Some(s) = (a..t.close(a)).find_map(|d| t.string(d)) {
                                pred = format!(" WHERE {s}");
                            }
                        }
                        _ => {}
                    }
                }
                if columns.is_empty() {
                    k += 1;
                    continue;
                }
                let unique = word != "index";
                later.push((
                    format!(
                        "CREATE {}INDEX {} ON {}{using} ({}){pred}",
                        if unique { "UNIQUE " } else { "" },
                        q(&name),
                        q(&table.name),
                        cols(&columns)
                    ),
                    span,
                ));
            }
        }
        k = last + 1;
    }
}

/// The SQL type for a column builder (only the family matters to index analysis).
fn sql_type(builder: &str) -> &'static str {
    match builder {
        "serial" | "integer" | "int" | "smallint" | "smallserial" => "integer",
        "bigserial" | "bigint" => "bigint",
        "boolean" => "boolean",
        "timestamp" | "datetime" => "timestamp",
        "date" => "date",
        "uuid" => "uuid",
        "json" | "jsonb" => "jsonb",
        "real" | "doublePrecision" | "numeric" | "decimal" => "numeric",
        _ => "text",
    }
}

fn new_query(model: &str, kind: QueryKind, span: Range<usize>) -> OrmQuery {
    OrmQuery {
        orm: Orm::Drizzle,
        model: model.to_string(),
        filters: Vec::new(),
        any_of: Vec::new(),
        raw_conditions: Vec::new(),
        joins: Vec::new(),
        order: Vec::new(),
        order_by_pk: None,
        limit: None,
        kind,
        span,
    }
}

fn read_queries(t: &Toks, out: &mut OrmFile) {
    let mut i = 0;
    while i < t.len() {
        let name = t.ident(i).unwrap_or("");
        let after_dot = i >= 1 && t.is(i - 1, ".");
        // Relational queries: `db.query.<table>.findMany({..})`.
        if after_dot && name == "query" && t.ident(i + 2).is_some() && t.is(i + 1, ".") {
            let table = t.s(i + 2).to_string();
            let method = t.s(i + 4);
            if t.is(i + 3, ".") && matches!(method, "findMany" | "findFirst") && t.is(i + 5, "(") {
                let start = t.chain_start(i);
                let close = t.close(i + 5);
                let mut q = new_query(&table, QueryKind::Select, t.span(start, close));
                if method == "findFirst" {
                    q.limit = Some(1);
                }
                let mut unknown = false;
                if let Some(obj) = t.items(i + 5).first().filter(|r| t.is(r.start, "{")) {
                    for (key, _, val) in t.object(obj.start) {
                        match key.as_str() {
                            "where" => unknown |= !read_where(t, val, &mut q),
                            "orderBy" => order(t, val, &mut q),
                            "limit" => q.limit = t.get(val.start).and_then(|x| x.text.parse().ok()),
                            _ => {}
                        }
                    }
                }
                if !unknown {
                    out.queries.push(q);
                }
                i = close + 1;
                continue;
            }
        }
        // Query builder: `.from(t)`, `update(t)`, `delete(t)` then the chain.
        let kind = match name {
            "from" if after_dot => Some(QueryKind::Select),
            "update" if after_dot => Some(QueryKind::Update),
            "delete" if after_dot => Some(QueryKind::Delete),
            _ => None,
        };
        if let (Some(kind), true) = (kind, t.is(i + 1, "(")) {
            let model = t
                .items(i + 1)
                .first()
                .and_then(|r| (r.len() == 1).then(|| t.ident(r.start)).flatten())
                .map(str::to_string);
            if let Some(model) = model {
                let start = t.chain_start(i);
                let links = t.chain(i);
                let last = links
                    .last()
                    .map_or(i, |&(n, a)| a.map_or(n, |a| t.close(a)));
                let mut q = new_query(&model, kind, t.span(start, last));
                let select = (start..i).any(|k| t.s(k) == "select");
                let count = (start..i).any(|k| t.s(k) == "count");
                if kind == QueryKind::Select && !select {
                    i += 1;
                    continue;
                }
                if count {
                    q.kind = QueryKind::Count;
                }
                let mut unknown = false;
                for &(n, a) in &links[1..] {
                    let Some(a) = a else { continue };
                    let inner = a + 1..t.close(a);
                    match t.s(n) {
                        "where" => unknown |= !read_where(t, inner, &mut q),
                        "orderBy" => order(t, inner, &mut q),
                        "limit" => q.limit = t.get(a + 1).and_then(|x| x.text.parse().ok()),
                        _ => {}
                    }
                }
                if !unknown {
                    out.queries.push(q);
                }
                i = last + 1;
                continue;
            }
        }
        i += 1;
    }
}

/// The condition of a `where` in `r`; false when nothing of it could be read (a variable,
/// a spread, a `sql` template): the query is then left out rather than analyzed without it.
fn read_where(t: &Toks, r: Range<usize>, q: &mut OrmQuery) -> bool {
    let before = (q.filters.len(), q.any_of.len());
    cond(t, r, q, true, 0);
    before != (q.filters.len(), q.any_of.len())
}

/// A column reference `x.key` at `k`: the key (the table is checked by the model index).
fn col_at(t: &Toks, k: usize, q: &OrmQuery) -> Option<Vec<String>> {
    let base = t.ident(k)?;
    if !t.is(k + 1, ".") {
        return None;
    }
    let key = t.ident(k + 2)?;
    // `users.email` where `users` is not this query's table: another (joined) table.
    if base != q.model && !is_param(base) {
        return None;
    }
    Some(vec![key.to_string()])
}

/// Callback parameters are short (`t`, `p`, `table`, `fields`); table variables are
/// longer names. A reference through a callback parameter names this query's table.
fn is_param(base: &str) -> bool {
    base.len() <= 2 || matches!(base, "table" | "fields" | "tbl" | "self" | "row")
}

/// A condition expression in `r` (`and(eq(t.a, x), gt(t.b, y))`, or an arrow function
/// returning one).
fn cond(t: &Toks, r: Range<usize>, q: &mut OrmQuery, top: bool, depth: usize) {
    if depth > 8 || r.start >= r.end {
        return;
    }
    // `(t, { eq }) => expr`: skip to the body.
    if let Some(arrow) = (r.start..r.end).find(|&k| t.is(k, "=") && t.is(k + 1, ">")) {
        if t.is(r.start, "(") || t.ident(r.start).is_some() && arrow == r.start + 1 {
            return cond(t, arrow + 2..r.end, q, top, depth + 1);
        }
    }
    let k = r.start;
    let Some(f) = t.ident(k) else { return };
    if !t.is(k + 1, "(") {
        return;
    }
    let args = t.items(k + 1);
    let first = args.first().map(|a| a.start);
    let op = match f {
        "and" => {
            for a in args {
                cond(t, a, q, top, depth + 1);
            }
            return;
        }
        "or" if top => {
            let mut alts = Vec::new();
            for a in args {
                let mut sub = new_query(&q.model, q.kind, q.span.clone());
                cond(t, a, &mut sub, false, depth + 1);
                if sub.filters.is_empty() {
                    return;
                }
                alts.push(sub.filters);
            }
            q.any_of.extend(alts);
            return;
        }
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "gt" => Op::Gt,
        "gte" => Op::Ge,
        "lt" => Op::Lt,
        "lte" => Op::Le,
        "inArray" => Op::In,
        "notInArray" => Op::Ne,
        "isNull" => Op::IsNull,
        "isNotNull" => Op::IsNotNull,
        "like" | "ilike" => {
            let pat = args.get(1).and_then(|a| t.string(a.start)).unwrap_or("%");
            match (f, pat.starts_with('%')) {
                ("like", true) => Op::Contains,
                ("like", false) => Op::StartsWith,
                (_, lead) => Op::ILike { prefix: !lead },
            }
        }
        "between" => {
            if let Some(path) = first.and_then(|s| col_at(t, s, q)) {
                q.filters.push(Filter {
                    path: path.clone(),
                    op: Op::Ge,
                });
                q.filters.push(Filter { path, op: Op::Le });
            }
            return;
        }
        _ => return,
    };
    // A comparison of two columns is a join condition, not a filter.
    let second_is_col = args.get(1).is_some_and(|a| {
        a.len() == 3
            && col_at(t, a.start, q).is_some()
            && t.ident(a.start) != t.ident(first.unwrap_or(0))
    });
    if let (Some(path), false) = (first.and_then(|s| col_at(t, s, q)), second_is_col) {
        q.filters.push(Filter { path, op });
    }
}

/// Sort keys in `r`: `desc(t.a), asc(t.b), t.c`, an array of them, or an arrow returning one.
fn order(t: &Toks, r: Range<usize>, q: &mut OrmQuery) {
    let mut k = r.start;
    while k < r.end {
        if t.is(k, "=") && t.is(k + 1, ">") {
            k += 2;
            continue;
        }
        let desc = t.s(k) == "desc" && t.is(k + 1, "(");
        let asc = t.s(k) == "asc" && t.is(k + 1, "(");
        if desc || asc {
            if let Some(path) = col_at(t, k + 2, q) {
                q.order.push((path, desc));
            }
            k = t.close(k + 1) + 1;
            continue;
        }
        if t.is(k + 1, ".") && !t.is(k.wrapping_sub(1), ".") && !t.is(k + 3, "(") {
            if let Some(path) = col_at(t, k, q) {
                if t.ident(k).is_some_and(|b| b != "sql") {
                    q.order.push((path, false));
                    k += 3;
                    continue;
                }
            }
        }
        k += 1;
    }
}

/// A new index in Drizzle's form, for the table's extra-config callback (keys named from
/// the columns by the camelCase convention).
pub fn index_form(table: &str, cols: &[(String, bool)]) -> String {
    let plain: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    let on: Vec<String> = cols
        .iter()
        .map(|(c, desc)| {
            let c = super::ddl_text::camel(c);
            if *desc {
                format!("t.{c}.desc()")
            } else {
                format!("t.{c}")
            }
        })
        .collect();
    format!(
        "index(\"{table}_{}_idx\").on({})",
        plain.join("_"),
        on.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_indexes_and_references() {
        let src = r#"
export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
});
export const posts = pgTable('posts', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').references(() => users.id),
  createdAt: timestamp('created_at'),
}, (t) => [
  index('posts_author_idx').on(t.authorId, t.createdAt.desc()),
  index('posts_live_idx').on(t.createdAt).where(sql`deleted_at is null`),
]);
"#;
        let mut out = OrmFile::default();
        read("db/schema.ts", src, &mut out);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"posts\" (\"id\" integer NOT NULL, \"author_id\" integer, \"created_at\" timestamp, PRIMARY KEY (\"id\"))"), "{text}");
        assert!(
            text.contains("CREATE UNIQUE INDEX \"users_email_unique\" ON \"users\" (\"email\")")
        );
        assert!(text.contains(
            "CREATE INDEX \"posts_author_idx\" ON \"posts\" (\"author_id\", \"created_at\" DESC)"
        ));
        assert!(text.contains("CREATE INDEX \"posts_live_idx\" ON \"posts\" (\"created_at\") WHERE deleted_at is null"));
        assert!(text.contains(
            "ALTER TABLE \"posts\" ADD FOREIGN KEY (\"author_id\") REFERENCES \"users\" (\"id\")"
        ));
        assert_eq!(out.models.len(), 2);
        assert_eq!(out.models[1].class, "posts");
    }

    #[test]
    fn builder_and_relational_queries() {
        let src = r#"
const a = await db.select().from(posts).where(and(eq(posts.authorId, id), gt(posts.createdAt, d))).orderBy(desc(posts.createdAt)).limit(10);
const b = await db.query.posts.findMany({ where: (p, { eq }) => eq(p.authorId, id), orderBy: (p, { desc }) => [desc(p.createdAt)], limit: 5 });
await db.delete(posts).where(lt(posts.createdAt, d));
"#;
        let mut out = OrmFile::default();
        read("src/q.ts", src, &mut out);
        assert_eq!(out.queries.len(), 3, "{:?}", out.queries);
        let a = &out.queries[0];
        assert_eq!(a.model, "posts");
        assert_eq!(a.filters.len(), 2);
        assert_eq!(a.order, vec![(vec!["createdAt".to_string()], true)]);
        assert_eq!(a.limit, Some(10));
        let b = &out.queries[1];
        assert_eq!(b.filters[0].path, vec!["authorId".to_string()]);
        assert_eq!(b.order, vec![(vec!["createdAt".to_string()], true)]);
        assert_eq!(b.limit, Some(5));
        assert_eq!(out.queries[2].kind, QueryKind::Delete);
    }
}

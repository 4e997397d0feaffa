//! diesel (Rust): `table!` blocks as DDL, and query-DSL chains as queries.
//!
//! Schema: `table! { users (id) { id -> Int4, #[sql_name = "type"] kind -> Text, } }`
//! (also `diesel::table!`, `schema.users`) gives a table, its columns and primary key
//! (`id` when omitted); `joinable!(posts -> users (user_id))`, which `diesel
//! print-schema` writes for each foreign key, gives the foreign key. `schema.rs` is
//! generated from the database, so where the project's SQL migrations (`migrations/*/
//! up.sql`) already create the tables, they are authoritative and this DDL is not folded
//! (see [`crate::orm::superseded_by_sql`]); the tables still name the models queries use.
//!
//! Queries: a chain starting at a table (`users::table`, `users` from `dsl`,
//! `schema::users::table`) through `filter`, `find` (primary-key equality), `order`,
//! `order_by`, `then_order_by`, `limit`, `first` (limit 1), `count`, inside
//! `diesel::update(..)`/`diesel::delete(..)` for those kinds. Conditions: `eq`, `ne`,
//! `gt`, `ge`, `lt`, `le`, `eq_any`, `ne_all`, `like`/`ilike` with a literal pattern,
//! `is_null`, `is_not_null`, `between`, joined by `.and(..)`. A `filter` holding `.or(..)`
//! or a column of another table (after a join) contributes nothing; chains built across
//! statements (`query = query.filter(..)` on a boxed query) are not followed.

use super::clex::{Lang, Toks};
use super::ddl_text::{q, DdlText};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::ops::Range;

pub fn claims(path: &str, text: &str) -> bool {
    path.ends_with(".rs") && (text.contains("table!") || text.contains("diesel"))
}

pub fn read(_path: &str, text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Rust);
    read_tables(&t, out);
    if text.contains("diesel") {
        read_queries(&t, out);
    }
}

fn skip_attrs(t: &Toks, mut k: usize, sql_name: &mut Option<String>) -> usize {
    while t.is(k, "#") && t.is(k + 1, "[") {
        let end = t.close(k + 1);
        if t.s(k + 2) == "sql_name" {
            if let Some(s) = (k + 2..end).find_map(|j| t.string(j)) {
                *sql_name = Some(s.to_string());
            }
        }
        k = end + 1;
    }
    k
}

fn read_tables(t: &Toks, out: &mut OrmFile) {
    let mut ddl = DdlText::default();
    let mut fks = Vec::new();
    for i in 0..t.len() {
        let name = t.s(i);
        if !(t.is(i + 1, "!") && (t.is(i + 2, "{") || t.is(i + 2, "("))) {
            continue;
        }
        let body_end = t.close(i + 2);
        if name == "joinable" {
            // `posts -> users (user_id)`
            let k = i + 3;
            if let (Some(child), true, Some(parent), true) = (
                t.ident(k),
                t.is(k + 1, "-") && t.is(k + 2, ">"),
                t.ident(k + 3),
                t.is(k + 4, "("),
            ) {
                if let Some(col) = t.ident(k + 5) {
                    fks.push((
                        format!(
                            "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})",
                            q(child),
                            q(col),
                            q(parent),
                            q("id")
                        ),
                        t.span(i, body_end),
                    ));
                }
            }
            continue;
        }
        if name != "table" {
            continue;
        }
        let mut k = i + 3;
        // `use ...;` lines inside the macro.
        while t.s(k) == "use" {
            while k < body_end && !t.is(k, ";") {
                k += 1;
            }
            k += 1;
        }
        let mut sql_name = None;
        k = skip_attrs(t, k, &mut sql_name);
        let Some(mut tname) = t.ident(k).map(str::to_string) else {
            continue;
        };
        let name_tok = k;
        if t.is(k + 1, ".") && t.ident(k + 2).is_some() {
            k += 2;
            tname = t.s(k).to_string();
        }
        let rust_name = tname.clone();
        if let Some(s) = sql_name.take() {
            tname = s;
        }
        k += 1;
        let mut pk = vec!["id".to_string()];
        if t.is(k, "(") {
            pk = t
                .items(k)
                .into_iter()
                .filter_map(|r| t.ident(r.start).map(str::to_string))
                .collect();
            k = t.skip(k);
        }
        if !t.is(k, "{") {
            continue;
        }
        let mut fields = Vec::new();
        let mut defs = Vec::new();
        let mut j = k + 1;
        let end = t.close(k);
        while j < end {
            let mut sql = None;
            j = skip_attrs(t, j, &mut sql);
            let Some(col) = t.ident(j) else {
                j += 1;
                continue;
            };
            if !(t.is(j + 1, "-") && t.is(j + 2, ">")) {
                j += 1;
                continue;
            }
            let mut e = j + 3;
            let mut nullable = false;
            let mut ty = String::new();
            while e < end && !t.is(e, ",") {
                if t.s(e) == "Nullable" {
                    nullable = true;
                } else if ty.is_empty() && t.ident(e).is_some() && t.s(e) != "Array" {
                    ty = t.s(e).to_string();
                }
                e += 1;
            }
            let column = sql.unwrap_or_else(|| col.to_string());
            defs.push(format!(
                "{} {}{}",
                q(&column),
                sql_type(&ty),
                if nullable { "" } else { " NOT NULL" }
            ));
            fields.push(ModelField {
                attr: col.to_string(),
                column,
                relation: None,
            });
            j = e + 1;
        }
        let pk_cols: Vec<String> = pk
            .iter()
            .map(|p| {
                fields
                    .iter()
                    .find(|f| &f.attr == p)
                    .map_or(p.clone(), |f| f.column.clone())
            })
            .collect();
        defs.push(format!(
            "PRIMARY KEY ({})",
            pk_cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
        ));
        ddl.push(
            &format!("CREATE TABLE {} ({})", q(&tname), defs.join(", ")),
            t.span(name_tok, k),
        );
        out.models.push(Model {
            orm: Orm::Diesel,
            class: rust_name,
            table: tname,
            fields,
            primary_key: pk_cols,
        });
    }
    for (stmt, span) in fks {
        ddl.push(&stmt, span);
    }
    if let Some(f) = ddl.finish(Orm::Diesel) {
        out.schema.push(f);
        out.schema_source = Some(SchemaSource {
            orm: Orm::Diesel,
            reader: "schema.rs",
            authority: 1,
        });
    }
}

fn sql_type(ty: &str) -> &'static str {
    match ty {
        "Int2" | "SmallInt" | "Int4" | "Integer" => "integer",
        "Int8" | "BigInt" => "bigint",
        "Bool" => "boolean",
        "Timestamp" | "Timestamptz" => "timestamptz",
        "Date" => "date",
        "Uuid" => "uuid",
        "Jsonb" | "Json" => "jsonb",
        _ => "text",
    }
}

/// Links a query chain may hold before its first call that is not part of the table path.
const DSL: &[&str] = &[
    "filter",
    "find",
    "order",
    "order_by",
    "then_order_by",
    "limit",
    "offset",
    "first",
    "count",
    "select",
    "distinct",
    "into_boxed",
    "inner_join",
    "left_join",
    "left_outer_join",
    "group_by",
    "load",
    "get_result",
    "get_results",
    "execute",
    "set",
    "for_update",
    "single_value",
];

fn read_queries(t: &Toks, out: &mut OrmFile) {
    let mut seen_starts = std::collections::HashSet::new();
    for i in 0..t.len() {
        if !(t.is(i + 1, "(")
            && i >= 1
            && t.is(i - 1, ".")
            && matches!(
                t.s(i),
                "filter" | "find" | "order" | "order_by" | "limit" | "first"
            ))
        {
            continue;
        }
        let start = t.chain_start(i);
        if !seen_starts.insert(start) {
            continue;
        }
        let links = t.chain(start);
        // The table path: leading links without a call.
        let path: Vec<&str> = links
            .iter()
            .take_while(|(_, a)| a.is_none())
            .map(|&(n, _)| t.s(n))
            .collect();
        let model = match path.iter().position(|p| *p == "table") {
            Some(0) => continue,
            Some(p) => path[p - 1],
            None => match path.last() {
                Some(&"dsl") | None => continue,
                Some(last) => *last,
            },
        };
        if links
            .iter()
            .skip(path.len())
            .any(|&(n, a)| a.is_some() && !DSL.contains(&t.s(n)))
        {
            continue;
        }
        let before = start.checked_sub(2).map_or("", |k| t.s(k));
        let kind = if start >= 1 && t.is(start - 1, "(") {
            match before {
                "update" => QueryKind::Update,
                "delete" => QueryKind::Delete,
                _ => QueryKind::Select,
            }
        } else {
            QueryKind::Select
        };
        let last = links
            .last()
            .map_or(i, |&(n, a)| a.map_or(n, |a| t.close(a)));
        let span_start = if kind == QueryKind::Select {
            start
        } else {
            // `diesel::update(` with its path.
            t.chain_start(start.saturating_sub(2))
        };
        let mut qy = OrmQuery {
            orm: Orm::Diesel,
            model: model.to_string(),
            filters: Vec::new(),
            any_of: Vec::new(),
            raw_conditions: Vec::new(),
            joins: Vec::new(),
            order: Vec::new(),
            order_by_pk: None,
            limit: None,
            kind,
            span: t.span(span_start, last),
        };
        // A filter that cannot be read leaves the query out rather than analyzed without it.
        let mut readable = true;
        for &(n, a) in links.iter().skip(path.len()) {
            let Some(a) = a else { continue };
            let inner = a + 1..t.close(a);
            match t.s(n) {
                "filter" => {
                    let mut fs = Vec::new();
                    readable &= expr(t, inner, model, &mut fs, 0);
                    qy.filters.extend(fs);
                }
                "find" => qy.filters.push(Filter {
                    path: vec![super::PRIMARY_KEY.into()],
                    op: Op::Eq,
                }),
                "order" | "order_by" | "then_order_by" => order(t, inner, model, &mut qy.order),
                "limit" => qy.limit = t.get(a + 1).and_then(|x| x.text.parse().ok()),
                "first" => qy.limit = Some(1),
                "count" if kind == QueryKind::Select => qy.kind = QueryKind::Count,
                _ => {}
            }
        }
        if readable {
            out.queries.push(qy);
        }
    }
}

/// The column named by the path links `links` (`users::email`, `email`), if it belongs to
/// `model` (a path naming another table gives `None`).
fn column(t: &Toks, path: &[(usize, Option<usize>)], model: &str) -> Option<String> {
    let names: Vec<&str> = path.iter().map(|&(n, _)| t.s(n)).collect();
    let (col, rest) = names.split_last()?;
    match rest
        .iter()
        .rev()
        .find(|n| !matches!(**n, "dsl" | "columns" | "schema"))
    {
        Some(table) if table != &model => None,
        _ => Some(col.to_string()),
    }
}

/// The conjunction in `r`; false when it holds something else (`or`, a function call).
fn expr(t: &Toks, r: Range<usize>, model: &str, out: &mut Vec<Filter>, depth: usize) -> bool {
    if depth > 8 || r.start >= r.end || t.ident(r.start).is_none() {
        return false;
    }
    let links = t.chain(r.start);
    let split = links
        .iter()
        .position(|(_, a)| a.is_some())
        .unwrap_or(links.len());
    let Some(col) = column(t, &links[..split], model) else {
        // Another table's column: nothing for this table, but not unreadable.
        return split > 0 && links.iter().all(|&(n, _)| t.s(n) != "or");
    };
    for &(n, a) in &links[split..] {
        let Some(a) = a else { return false };
        let args = a + 1..t.close(a);
        let op = match t.s(n) {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "eq_any" => Op::In,
            "ne_all" => Op::Ne,
            "is_null" => Op::IsNull,
            "is_not_null" => Op::IsNotNull,
            "like" | "ilike" => {
                let Some(p) = t.string(args.start) else {
                    return false;
                };
                match (t.s(n), p.starts_with('%')) {
                    ("like", true) => Op::Contains,
                    ("like", false) => Op::StartsWith,
                    (_, lead) => Op::ILike { prefix: !lead },
                }
            }
            "between" => {
                out.push(Filter {
                    path: vec![col.clone()],
                    op: Op::Ge,
                });
                Op::Le
            }
            "and" => {
                if !expr(t, args, model, out, depth + 1) {
                    return false;
                }
                continue;
            }
            _ => return false,
        };
        out.push(Filter {
            path: vec![col.clone()],
            op,
        });
    }
    true
}

/// `col.desc()`, `col`, `(a.asc(), b.desc())`.
fn order(t: &Toks, r: Range<usize>, model: &str, out: &mut Vec<(Vec<String>, bool)>) {
    let items = if t.is(r.start, "(") && t.close(r.start) + 1 == r.end {
        t.items(r.start)
    } else {
        vec![r]
    };
    for item in items {
        if t.ident(item.start).is_none() {
            continue;
        }
        let links = t.chain(item.start);
        let split = links
            .iter()
            .position(|(_, a)| a.is_some())
            .unwrap_or(links.len());
        if let Some(col) = column(t, &links[..split], model) {
            let desc = links.get(split).is_some_and(|&(n, _)| t.s(n) == "desc");
            out.push((vec![col], desc));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_macros_and_query_chains() {
        let src = r#"
diesel::table! {
    posts (id) {
        id -> Int4,
        author_id -> Int4,
        #[sql_name = "type"]
        kind -> Nullable<Text>,
        published -> Timestamp,
    }
}
diesel::joinable!(posts -> users (author_id));
fn q(conn: &mut PgConnection) {
    let rows = posts::table
        .filter(posts::author_id.eq(a).and(posts::published.gt(d)))
        .order(posts::published.desc())
        .limit(10)
        .load::<Post>(conn);
    diesel::delete(posts.find(id)).execute(conn);
    let v: Vec<i32> = xs.iter().filter(|x| x > 1).collect();
}
"#;
        let mut out = OrmFile::default();
        read("src/schema.rs", src, &mut out);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"posts\" (\"id\" integer NOT NULL, \"author_id\" integer NOT NULL, \"type\" text, \"published\" timestamptz NOT NULL, PRIMARY KEY (\"id\"))"), "{text}");
        assert!(text.contains(
            "ALTER TABLE \"posts\" ADD FOREIGN KEY (\"author_id\") REFERENCES \"users\" (\"id\")"
        ));
        assert_eq!(out.queries.len(), 2, "{:?}", out.queries);
        let a = &out.queries[0];
        assert_eq!(a.model, "posts");
        assert_eq!(a.filters.len(), 2);
        assert_eq!(a.order, vec![(vec!["published".to_string()], true)]);
        assert_eq!(a.limit, Some(10));
        assert_eq!(out.queries[1].kind, QueryKind::Delete);
    }
}

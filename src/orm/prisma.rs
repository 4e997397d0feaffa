//! Prisma: `schema.prisma` models as DDL, and Prisma Client calls as queries.
//!
//! Schema (a `.prisma` file): each `model` becomes `CREATE TABLE` (name from `@@map`, else
//! the model name; columns from `@map`, else the field name, camelCase kept as Prisma
//! does), `@id`/`@@id` the primary key, `@unique`/`@@unique` a unique index named
//! `<table>_<cols>_key`, `@@index([a, b(sort: Desc)], type: Hash)` an index named
//! `<table>_<cols>_idx`, and `@relation(fields: [..], references: [..])` a foreign key
//! written after every table, like `prisma migrate` does. Prisma creates **no index** for
//! a foreign key on PostgreSQL, so none is written (`unindexed-foreign-key` then points at
//! the relation field); with `relationMode = "prisma"` no foreign key exists at all.
//! Relation fields without `fields:` (the back side, lists) declare no column.
//!
//! Queries (JS/TS): `<client>.<model>.<method>({ where, orderBy, take, cursor })` for
//! `findMany`, `findFirst`, `findUnique` (and `OrThrow`), `count`, `update(Many)`,
//! `delete(Many)`, `upsert`, `aggregate`, `groupBy`. The model accessor is the model name
//! with a lowercase first letter, which is the class recorded in the model index. `where`
//! operators: `equals`, `in`, `notIn`, `lt`, `lte`, `gt`, `gte`, `not`, `contains`,
//! `startsWith`, `endsWith` (`mode: 'insensitive'` makes them `ILIKE`/`lower()`), `null`,
//! `AND`, `OR`, nested to-one relation filters (`author: { email }`, `is`), compound
//! unique keys (`a_b: { a, b }`); `cursor` fields become `>=` conditions. To-many
//! relation filters (`some`, `every`, `none`) and `NOT` constrain nothing an index on this
//! table could serve and are left out.

use super::clex::{Lang, Lines, Toks, K};
use super::ddl_text::{q, DdlText};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::collections::HashSet;
use std::ops::Range;

/// Claims `.prisma` files and JS/TS files calling Prisma Client methods.
pub fn claims(path: &str, text: &str) -> bool {
    if path.ends_with(".prisma") {
        return true;
    }
    is_script(path)
        && (text.contains(".findMany(")
            || text.contains(".findFirst")
            || text.contains(".findUnique")
            || (text.contains("prisma") || text.contains("Prisma"))
                && (text.contains(".count(")
                    || text.contains(".update")
                    || text.contains(".delete")
                    || text.contains(".upsert(")))
}

/// A JavaScript or TypeScript file.
pub fn is_script(path: &str) -> bool {
    [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e))
}

pub fn read(path: &str, text: &str, out: &mut OrmFile) {
    if path.ends_with(".prisma") {
        read_schema(text, out);
    } else {
        read_queries(text, out);
    }
}

/// The client accessor of a model: its name with a lowercase first letter.
pub fn accessor(model: &str) -> String {
    let mut c = model.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One field or block attribute line of a model.
pub struct Entry {
    /// Token range.
    pub toks: Range<usize>,
}

/// An attribute `@name(args)` / `@@name(args)` within an entry.
struct Attr {
    name: String,
    /// Token index of `(` when the attribute has arguments.
    args: Option<usize>,
}

fn read_schema(text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Prisma);
    let lines = Lines::new(text);
    // First pass: model names, enums, and the datasource's relation mode.
    let mut models: Vec<(String, usize)> = Vec::new();
    let mut relation_mode_prisma = false;
    let mut i = 0;
    while i < t.len() {
        let kw = t.ident(i).unwrap_or("");
        if matches!(
            kw,
            "model" | "datasource" | "enum" | "view" | "type" | "generator"
        ) && t.ident(i + 1).is_some()
            && t.is(i + 2, "{")
        {
            if kw == "model" {
                models.push((t.s(i + 1).to_string(), i + 2));
            }
            if kw == "datasource" {
                let end = t.close(i + 2);
                for j in i + 3..end {
                    if t.s(j) == "relationMode" && t.string(j + 2) == Some("prisma") {
                        relation_mode_prisma = true;
                    }
                }
            }
            i = t.close(i + 2) + 1;
        } else {
            i += 1;
        }
    }
    let names: HashSet<&str> = models.iter().map(|(n, _)| n.as_str()).collect();
    let mut tables = Vec::new();
    let mut indexes = Vec::new();
    let mut fks = Vec::new();
    let mut parsed: Vec<ParsedModel> = Vec::new();
    for (name, open) in &models {
        let pm = parse_model(&t, &lines, name, *open, &names);
        parsed.push(pm);
    }
    let table_of = |model: &str| -> String {
        parsed
            .iter()
            .find(|p| p.name == model)
            .map_or(model.to_string(), |p| p.table.clone())
    };
    for pm in &parsed {
        let col_of = |field: &str| -> String {
            pm.scalars
                .iter()
                .find(|s| s.0 == field)
                .map_or(field.to_string(), |s| s.1.clone())
        };
        let mut defs: Vec<String> = pm
            .scalars
            .iter()
            .map(|(_, c, ty, optional, _)| {
                format!(
                    "{} {}{}",
                    q(c),
                    sql_type(ty),
                    if *optional { "" } else { " NOT NULL" }
                )
            })
            .collect();
        if !pm.pk.is_empty() {
            let pk: Vec<String> = pm.pk.iter().map(|f| q(&col_of(f))).collect();
            defs.push(format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                q(&format!("{}_pkey", pm.table)),
                pk.join(", ")
            ));
        }
        tables.push((
            format!("CREATE TABLE {} ({})", q(&pm.table), defs.join(", ")),
            pm.span.clone(),
        ));
        for ix in &pm.indexes {
            let columns: Vec<(String, bool)> =
                ix.fields.iter().map(|(f, d)| (col_of(f), *d)).collect();
            let plain: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
            let suffix = if ix.unique { "key" } else { "idx" };
            let name = ix
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_{}_{suffix}", pm.table, plain.join("_")));
            let using = ix
                .using
                .as_ref()
                .map_or(String::new(), |u| format!(" USING {}", u.to_lowercase()));
            indexes.push((
                format!(
                    "CREATE {}INDEX {} ON {}{using} ({})",
                    if ix.unique { "UNIQUE " } else { "" },
                    q(&name),
                    q(&pm.table),
                    columns
                        .iter()
                        .enumerate()
                        .map(|(k, (c, desc))| {
                            let ops = ix
                                .ops
                                .get(k)
                                .cloned()
                                .flatten()
                                .map_or(String::new(), |o| format!(" {o}"));
                            format!("{}{ops}{}", q(c), if *desc { " DESC" } else { "" })
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                ix.span.clone(),
            ));
        }
        if !relation_mode_prisma {
            for rel in &pm.relations {
                let (Some(fields), Some(refs)) = (&rel.fields, &rel.references) else {
                    continue;
                };
                let target = table_of(&rel.target);
                let target_cols: Vec<String> = refs
                    .iter()
                    .map(|r| {
                        parsed
                            .iter()
                            .find(|p| p.name == rel.target)
                            .and_then(|p| p.scalars.iter().find(|s| &s.0 == r))
                            .map_or(r.clone(), |s| s.1.clone())
                    })
                    .collect();
                let own: Vec<String> = fields.iter().map(|f| col_of(f)).collect();
                fks.push((
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                        q(&pm.table),
                        q(&format!("{}_{}_fkey", pm.table, own.join("_"))),
                        own.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "),
                        q(&target),
                        target_cols
                            .iter()
                            .map(|c| q(c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    rel.span.clone(),
                ));
            }
        }
        // The model index: scalar fields, then to-one relations through their columns.
        let mut fields: Vec<ModelField> = pm
            .scalars
            .iter()
            .map(|(a, c, ..)| ModelField {
                attr: a.clone(),
                column: c.clone(),
                relation: None,
            })
            .collect();
        for rel in &pm.relations {
            if let Some(first) = rel.fields.as_ref().and_then(|f| f.first()) {
                fields.push(ModelField {
                    attr: rel.attr.clone(),
                    column: col_of(first),
                    relation: Some(accessor(&rel.target)),
                });
            }
        }
        out.models.push(Model {
            orm: Orm::Prisma,
            class: accessor(&pm.name),
            table: pm.table.clone(),
            fields,
            primary_key: pm.pk.iter().map(|f| col_of(f)).collect(),
        });
    }
    let mut ddl = DdlText::default();
    for (stmt, span) in tables.into_iter().chain(indexes).chain(fks) {
        ddl.push(&stmt, span);
    }
    if let Some(f) = ddl.finish(Orm::Prisma) {
        out.schema.push(f);
        out.schema_source = Some(SchemaSource {
            orm: Orm::Prisma,
            reader: "schema.prisma",
            authority: 1,
        });
    }
}

struct ParsedIndex {
    fields: Vec<(String, bool)>,
    /// Operator class per field (`ops:`), when given.
    ops: Vec<Option<String>>,
    unique: bool,
    name: Option<String>,
    using: Option<String>,
    span: Range<usize>,
}

struct Relation {
    attr: String,
    target: String,
    fields: Option<Vec<String>>,
    references: Option<Vec<String>>,
    span: Range<usize>,
}

struct ParsedModel {
    name: String,
    table: String,
    /// (field, column, type, optional, span)
    scalars: Vec<(String, String, String, bool, Range<usize>)>,
    pk: Vec<String>,
    indexes: Vec<ParsedIndex>,
    relations: Vec<Relation>,
    span: Range<usize>,
}

/// Split a block body into entries: a new entry starts at a top-level token on a new line.
pub fn entries(t: &Toks, lines: &Lines, open: usize) -> Vec<Entry> {
    let end = t.close(open).min(t.len());
    let mut out: Vec<Entry> = Vec::new();
    let mut i = open + 1;
    let mut last_line = usize::MAX;
    while i < end {
        let line = t.get(i).map_or(0, |x| lines.of(x.span.start));
        if line != last_line {
            out.push(Entry { toks: i..i });
            last_line = line;
        }
        let next = t.skip(i).min(end);
        if let Some(e) = out.last_mut() {
            e.toks.end = next;
        }
        // A bracket group spanning lines belongs to the entry that opened it.
        if next > i + 1 {
            last_line = t.get(next - 1).map_or(line, |x| lines.of(x.span.start));
        }
        i = next;
    }
    out
}

/// The attributes of an entry from token `from`.
fn attrs(t: &Toks, from: usize, end: usize) -> Vec<Attr> {
    let mut out = Vec::new();
    let mut i = from;
    while i < end {
        if t.is(i, "@") {
            let mut j = i + 1;
            if t.is(j, "@") {
                j += 1;
            }
            let mut name = t.s(j).to_string();
            j += 1;
            while t.is(j, ".") && t.ident(j + 1).is_some() {
                name.push('.');
                name.push_str(t.s(j + 1));
                j += 2;
            }
            let args = t.is(j, "(").then_some(j);
            out.push(Attr { name, args });
            i = if args.is_some() { t.skip(j) } else { j };
        } else {
            i = t.skip(i);
        }
    }
    out
}

/// The named argument `name:` of an argument list, or the first positional one.
fn arg(t: &Toks, open: usize, name: Option<&str>) -> Option<Range<usize>> {
    let items = t.items(open);
    match name {
        Some(n) => items
            .into_iter()
            .find(|r| t.s(r.start) == n && t.is(r.start + 1, ":"))
            .map(|r| r.start + 2..r.end),
        None => items.into_iter().find(|r| !t.is(r.start + 1, ":")),
    }
}

/// `[a, b(sort: Desc)]` as (name, descending).
fn field_list(t: &Toks, r: &Range<usize>) -> Vec<(String, bool)> {
    if !t.is(r.start, "[") {
        return Vec::new();
    }
    t.items(r.start)
        .into_iter()
        .filter_map(|item| {
            let name = t.ident(item.start)?.to_string();
            let desc = (item.start..item.end).any(|k| t.s(k) == "Desc");
            Some((name, desc))
        })
        .collect()
}

/// The operator class of each item of `[a(ops: raw("gin_trgm_ops")), b(ops: JsonbPathOps)]`.
fn field_ops(t: &Toks, r: &Range<usize>) -> Vec<Option<String>> {
    if !t.is(r.start, "[") {
        return Vec::new();
    }
    t.items(r.start)
        .into_iter()
        .filter(|item| t.ident(item.start).is_some())
        .map(|item| {
            let k = (item.start..item.end).find(|&k| t.s(k) == "ops" && t.is(k + 1, ":"))?;
            match t.string(k + 4).filter(|_| t.s(k + 2) == "raw") {
                Some(raw) => Some(raw.to_string()),
                None => t.ident(k + 2).map(super::ddl_text::snake),
            }
        })
        .collect()
}

fn parse_model(
    t: &Toks,
    lines: &Lines,
    name: &str,
    open: usize,
    models: &HashSet<&str>,
) -> ParsedModel {
    let mut pm = ParsedModel {
        name: name.to_string(),
        table: name.to_string(),
        scalars: Vec::new(),
        pk: Vec::new(),
        indexes: Vec::new(),
        relations: Vec::new(),
        span: t.span(open.saturating_sub(2), open.saturating_sub(1)),
    };
    for e in entries(t, lines, open) {
        let span = t.span(e.toks.start, e.toks.end.saturating_sub(1));
        if t.is(e.toks.start, "@") && t.is(e.toks.start + 1, "@") {
            for a in attrs(t, e.toks.start, e.toks.end) {
                let Some(args) = a.args else { continue };
                let list = arg(t, args, Some("fields")).or_else(|| arg(t, args, None));
                let fields = list.as_ref().map(|r| field_list(t, r)).unwrap_or_default();
                let ops = list.as_ref().map(|r| field_ops(t, r)).unwrap_or_default();
                let named = |n: &str| {
                    arg(t, args, Some(n)).and_then(|r| {
                        t.string(r.start)
                            .map(str::to_string)
                            .or_else(|| t.ident(r.start).map(str::to_string))
                    })
                };
                match a.name.as_str() {
                    "map" => {
                        if let Some(s) = arg(t, args, None).and_then(|r| t.string(r.start)) {
                            pm.table = s.to_string();
                        }
                    }
                    "id" => pm.pk = fields.into_iter().map(|f| f.0).collect(),
                    "index" | "unique" if !fields.is_empty() => pm.indexes.push(ParsedIndex {
                        fields,
                        ops,
                        unique: a.name == "unique",
                        name: named("map"),
                        using: named("type").filter(|u| u != "BTree"),
                        span: span.clone(),
                    }),
                    _ => {}
                }
            }
            continue;
        }
        let (Some(field), Some(ty)) = (t.ident(e.toks.start), t.ident(e.toks.start + 1)) else {
            continue;
        };
        let mut k = e.toks.start + 2;
        let mut optional = false;
        let mut list = false;
        if t.is(k, "(") {
            k = t.skip(k);
        }
        if t.is(k, "?") {
            optional = true;
            k += 1;
        } else if t.is(k, "[") && t.is(k + 1, "]") {
            list = true;
            k += 2;
        }
        let attrs = attrs(t, k, e.toks.end);
        if models.contains(ty) {
            let mut rel = Relation {
                attr: field.to_string(),
                target: ty.to_string(),
                fields: None,
                references: None,
                span: span.clone(),
            };
            if let Some(args) = attrs
                .iter()
                .find(|a| a.name == "relation")
                .and_then(|a| a.args)
            {
                let names = |r: Range<usize>| field_list(t, &r).into_iter().map(|f| f.0).collect();
                rel.fields = arg(t, args, Some("fields")).map(names);
                rel.references = arg(t, args, Some("references")).map(names);
            }
            if !list {
                pm.relations.push(rel);
            }
            continue;
        }
        let column = attrs
            .iter()
            .find(|a| a.name == "map")
            .and_then(|a| a.args)
            .and_then(|args| arg(t, args, None))
            .and_then(|r| t.string(r.start).map(str::to_string))
            .unwrap_or_else(|| field.to_string());
        if attrs.iter().any(|a| a.name == "id") {
            pm.pk = vec![field.to_string()];
        }
        if attrs.iter().any(|a| a.name == "unique") {
            let name = attrs
                .iter()
                .find(|a| a.name == "unique")
                .and_then(|a| a.args)
                .and_then(|args| arg(t, args, Some("map")))
                .and_then(|r| t.string(r.start).map(str::to_string));
            pm.indexes.push(ParsedIndex {
                fields: vec![(field.to_string(), false)],
                ops: Vec::new(),
                unique: true,
                name,
                using: None,
                span: span.clone(),
            });
        }
        let ty = if list {
            format!("{ty}[]")
        } else {
            ty.to_string()
        };
        pm.scalars
            .push((field.to_string(), column, ty, optional || list, span));
    }
    pm
}

/// The PostgreSQL type `prisma migrate` writes for a scalar type (enums as text).
fn sql_type(ty: &str) -> &'static str {
    match ty.trim_end_matches("[]") {
        "Int" => "integer",
        "BigInt" => "bigint",
        "Float" => "double precision",
        "Decimal" => "decimal(65,30)",
        "Boolean" => "boolean",
        "DateTime" => "timestamp(3)",
        "Json" => "jsonb",
        "Bytes" => "bytea",
        _ => "text",
    }
}

const METHODS: &[(&str, QueryKind, Option<u64>)] = &[
    ("findMany", QueryKind::Select, None),
    ("findFirst", QueryKind::Select, Some(1)),
    ("findFirstOrThrow", QueryKind::Select, Some(1)),
    ("findUnique", QueryKind::Select, Some(1)),
    ("findUniqueOrThrow", QueryKind::Select, Some(1)),
    ("upsert", QueryKind::Select, Some(1)),
    ("aggregate", QueryKind::Select, None),
    ("groupBy", QueryKind::Select, None),
    ("count", QueryKind::Count, None),
    ("update", QueryKind::Update, None),
    ("updateMany", QueryKind::Update, None),
    ("delete", QueryKind::Delete, None),
    ("deleteMany", QueryKind::Delete, None),
];

fn read_queries(text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Js);
    for i in 0..t.len() {
        let Some(&(_, kind, limit)) = METHODS.iter().find(|m| Some(m.0) == t.ident(i)) else {
            continue;
        };
        // `<receiver>.<model>.<method>(`, not Drizzle's `db.query.<table>.findMany(`.
        if i < 3 || !(t.is(i - 1, ".") && t.is(i + 1, "(") && t.is(i - 3, ".")) {
            continue;
        }
        let Some(model) = t.ident(i - 2) else {
            continue;
        };
        if (i >= 4 && t.s(i - 4) == "query") || model.starts_with('$') {
            continue;
        }
        let mut start = i - 2;
        while start >= 2 && t.is(start - 1, ".") && t.ident(start - 2).is_some() {
            start -= 2;
        }
        let close = t.close(i + 1);
        let mut q = OrmQuery {
            orm: Orm::Prisma,
            model: model.to_string(),
            filters: Vec::new(),
            any_of: Vec::new(),
            raw_conditions: Vec::new(),
            joins: Vec::new(),
            order: Vec::new(),
            order_by_pk: None,
            limit,
            kind,
            span: t.span(start, close),
        };
        // A `where` that is a variable, holds a spread or yields nothing readable leaves
        // the query out (listed without a verdict) rather than analyzed without it.
        let mut unknown = false;
        if t.is(i + 2, "{") {
            for (key, _, val) in t.object(i + 2) {
                match key.as_str() {
                    "where" => {
                        if t.is(val.start, "{") && !t.has_spread(val.start) {
                            where_obj(&t, val.start, &[], &mut q.filters, &mut q.any_of, 0);
                        }
                        unknown |= q.filters.is_empty() && q.any_of.is_empty();
                    }
                    "orderBy" => order_by(&t, val.start, &[], &mut q.order, 0),
                    "take" => {
                        let n = if t.is(val.start, "-") {
                            val.start + 1
                        } else {
                            val.start
                        };
                        if let Some(v) = t.get(n).filter(|x| x.k == K::Num) {
                            q.limit = v.text.parse().ok();
                        }
                    }
                    "cursor" => {
                        for (field, _, _) in t.object(val.start) {
                            q.filters.push(Filter {
                                path: vec![field],
                                op: Op::Ge,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        if !unknown {
            out.queries.push(q);
        }
    }
}

const MAX_DEPTH: usize = 8;

/// The conditions of a `where` object at `open`, under the relation path `prefix`.
fn where_obj(
    t: &Toks,
    open: usize,
    prefix: &[String],
    filters: &mut Vec<Filter>,
    any_of: &mut Vec<Vec<Filter>>,
    depth: usize,
) {
    if depth > MAX_DEPTH || !t.is(open, "{") {
        return;
    }
    for (key, _, val) in t.object(open) {
        let v = val.start;
        match key.as_str() {
            "AND" => {
                if t.is(v, "[") {
                    for item in t.items(v) {
                        where_obj(t, item.start, prefix, filters, any_of, depth + 1);
                    }
                } else {
                    where_obj(t, v, prefix, filters, any_of, depth + 1);
                }
            }
            "OR" if t.is(v, "[") => {
                let mut alts = Vec::new();
                for item in t.items(v) {
                    let mut alt = Vec::new();
                    let mut nested = Vec::new();
                    where_obj(t, item.start, prefix, &mut alt, &mut nested, depth + 1);
                    alts.push(alt);
                }
                // An empty alternative matches anything: the OR constrains nothing.
                if !alts.is_empty() && alts.iter().all(|a| !a.is_empty()) {
                    any_of.extend(alts);
                }
            }
            "NOT" | "OR" => {}
            _ => {
                let mut path = prefix.to_vec();
                path.push(key.clone());
                if t.s(v) == "null" && val.len() == 1 {
                    filters.push(Filter {
                        path,
                        op: Op::IsNull,
                    });
                } else if t.is(v, "{") {
                    field_obj(t, v, path, &key, filters, any_of, depth);
                } else {
                    filters.push(Filter { path, op: Op::Eq });
                }
            }
        }
    }
}

/// `field: { gte: x, mode: 'insensitive' }`, a relation filter, or a compound key.
fn field_obj(
    t: &Toks,
    open: usize,
    path: Vec<String>,
    key: &str,
    filters: &mut Vec<Filter>,
    any_of: &mut Vec<Vec<Filter>>,
    depth: usize,
) {
    let entries = t.object(open);
    let insensitive = entries
        .iter()
        .any(|(k, _, v)| k == "mode" && t.string(v.start) == Some("insensitive"));
    let ops: Vec<Op> = entries
        .iter()
        .filter_map(|(k, _, v)| {
            Some(match k.as_str() {
                "equals" if insensitive => Op::IEq,
                "equals" => Op::Eq,
                "in" => Op::In,
                "notIn" => Op::Ne,
                "lt" => Op::Lt,
                "lte" => Op::Le,
                "gt" => Op::Gt,
                "gte" => Op::Ge,
                "not" if t.s(v.start) == "null" => Op::IsNotNull,
                "not" => Op::Ne,
                "contains" | "endsWith" if insensitive => Op::ILike { prefix: false },
                "startsWith" if insensitive => Op::ILike { prefix: true },
                "contains" => Op::Contains,
                "startsWith" => Op::StartsWith,
                "endsWith" => Op::EndsWith,
                _ => return None,
            })
        })
        .collect();
    let relation_words = ["is", "isNot", "some", "every", "none"];
    if !ops.is_empty() {
        for op in ops {
            filters.push(Filter {
                path: path.clone(),
                op,
            });
        }
    } else if entries
        .iter()
        .any(|(k, ..)| relation_words.contains(&k.as_str()))
    {
        if let Some((_, _, v)) = entries.iter().find(|(k, ..)| k == "is") {
            where_obj(t, v.start, &path, filters, any_of, depth + 1);
        }
    } else if key.contains('_')
        && entries
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>()
            .join("_")
            == key
    {
        // A compound unique key `a_b: { a, b }`: equality on each part.
        let prefix = &path[..path.len() - 1];
        for (part, ..) in entries {
            let mut p = prefix.to_vec();
            p.push(part);
            filters.push(Filter {
                path: p,
                op: Op::Eq,
            });
        }
    } else if entries.iter().all(|(k, ..)| k != "mode" && k != "search") {
        where_obj(t, open, &path, filters, any_of, depth + 1);
    }
}

/// `orderBy: { a: 'desc' }`, `[{ a: 'asc' }, { b: { sort: 'desc' } }]`, relation paths.
fn order_by(
    t: &Toks,
    v: usize,
    prefix: &[String],
    order: &mut Vec<(Vec<String>, bool)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if t.is(v, "[") {
        for item in t.items(v) {
            order_by(t, item.start, prefix, order, depth + 1);
        }
        return;
    }
    for (key, _, val) in t.object(v) {
        if key.starts_with('_') {
            continue;
        }
        let mut path = prefix.to_vec();
        path.push(key);
        if let Some(dir) = t.string(val.start) {
            order.push((path, dir.eq_ignore_ascii_case("desc")));
        } else if t.is(val.start, "{") {
            let inner = t.object(val.start);
            match inner.iter().find(|(k, ..)| k == "sort") {
                Some((_, _, s)) => order.push((
                    path,
                    t.string(s.start)
                        .is_some_and(|d| d.eq_ignore_ascii_case("desc")),
                )),
                None => order_by(t, val.start, &path, order, depth + 1),
            }
        }
    }
}

/// A new index in Prisma's form (`@@index([a, b(sort: Desc)])`, in the model of `table`);
/// fields are named from the columns by the camelCase convention (`customer_id` ->
/// `customerId`).
pub fn index_form(_table: &str, cols: &[(String, bool)]) -> String {
    let items: Vec<String> = cols
        .iter()
        .map(|(c, desc)| {
            let c = super::ddl_text::camel(c);
            if *desc {
                format!("{c}(sort: Desc)")
            } else {
                c
            }
        })
        .collect();
    format!("@@index([{}])", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_writes_tables_indexes_and_foreign_keys_without_index() {
        let src = r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  createdAt DateTime @default(now()) @map("created_at")
  posts     Post[]
  @@map("users")
}
model Post {
  id       Int    @id
  title    String
  author   User   @relation(fields: [authorId], references: [id])
  authorId Int
  @@index([authorId, createdAt(sort: Desc)], type: Hash)
  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  createdAt DateTime
}
"#;
        let mut out = OrmFile::default();
        read("prisma/schema.prisma", src, &mut out);
        let f = &out.schema[0];
        let stmts: Vec<&str> = f.text.lines().collect();
        assert_eq!(
            stmts,
            [
                "CREATE TABLE \"users\" (\"id\" integer NOT NULL, \"email\" text NOT NULL, \
                 \"created_at\" timestamp(3) NOT NULL, CONSTRAINT \"users_pkey\" PRIMARY KEY \
                 (\"id\"));",
                "CREATE TABLE \"Post\" (\"id\" integer NOT NULL, \"title\" text NOT NULL, \
                 \"authorId\" integer NOT NULL, \"createdAt\" timestamp(3) NOT NULL, CONSTRAINT \
                 \"Post_pkey\" PRIMARY KEY (\"id\"));",
                "CREATE UNIQUE INDEX \"users_email_key\" ON \"users\" (\"email\");",
                "CREATE INDEX \"Post_authorId_createdAt_idx\" ON \"Post\" USING hash \
                 (\"authorId\", \"createdAt\" DESC);",
                "CREATE INDEX \"Post_title_idx\" ON \"Post\" USING gin (\"title\" gin_trgm_ops);",
                "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY \
                 (\"authorId\") REFERENCES \"users\" (\"id\");",
            ]
        );
        // The foreign key is located at the relation field's line.
        let fk = f.text.find("ALTER TABLE").expect("fk");
        let host = f.map.range_to_host(fk..fk + 5);
        assert!(src[host].starts_with("author   User"));
        let post = out
            .models
            .iter()
            .find(|m| m.class == "post")
            .expect("model");
        assert!(post
            .fields
            .iter()
            .any(|f| f.attr == "author" && f.relation.as_deref() == Some("user")));
    }

    #[test]
    fn client_calls_become_queries() {
        let src = r#"
const rows = await this.prisma.post.findMany({
  where: { authorId: id, title: { startsWith: p, mode: 'insensitive' }, deletedAt: null,
           author: { email: e }, OR: [{ a: 1 }, { b: { gte: 2 } }] },
  orderBy: [{ createdAt: 'desc' }],
  take: 20,
});
await db.query.posts.findMany({ where: x });
"#;
        let mut out = OrmFile::default();
        read("src/posts.ts", src, &mut out);
        assert_eq!(out.queries.len(), 1);
        let q = &out.queries[0];
        assert_eq!(q.model, "post");
        let ops: Vec<(String, Op)> = q
            .filters
            .iter()
            .map(|f| (f.path.join("."), f.op.clone()))
            .collect();
        assert_eq!(
            ops,
            [
                ("authorId".to_string(), Op::Eq),
                ("title".to_string(), Op::ILike { prefix: true }),
                ("deletedAt".to_string(), Op::IsNull),
                ("author.email".to_string(), Op::Eq),
            ]
        );
        assert_eq!(q.any_of.len(), 2);
        assert_eq!(q.order, vec![(vec!["createdAt".to_string()], true)]);
        assert_eq!(q.limit, Some(20));
        assert!(src[q.span.clone()].starts_with("this.prisma.post.findMany("));
    }
}

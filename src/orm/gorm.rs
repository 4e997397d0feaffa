//! GORM (Go): model structs as DDL, and `*gorm.DB` call chains as queries.
//!
//! Schema: a struct is a model when it embeds `gorm.Model`, has a `gorm:"..."` tag or a
//! `TableName()` method in the file. Table: `TableName()`'s returned string, else the
//! snake_case plural of the struct name (`OrderItem` -> `order_items`, GORM's default
//! naming strategy). Column: `column:` tag, else snake_case of the field (`UserID` ->
//! `user_id`). `gorm.Model` adds `id` (primary key), `created_at`, `updated_at` and
//! `deleted_at` with its index `idx_<table>_deleted_at`; a field named `ID` or tagged
//! `primaryKey` is the key. Tags `index`, `uniqueIndex`, `index:name,priority:n,sort:desc,
//! unique,type:x,where:y` and `unique` give indexes (fields sharing an index name form a
//! composite, ordered by priority, default 10). A field of struct type `T` next to a `TID`
//! field is a belongs-to relation: `AutoMigrate` creates its foreign key and **no index**
//! (GORM v1, `jinzhu/gorm`, creates no foreign key at all).
//! Models with a `gorm.DeletedAt` field are soft-deleting: every query of them carries
//! `deleted_at IS NULL` (see [`super::DEFAULT_SCOPE_IS_NULL`]).
//!
//! Queries: a chain ending in `Find`, `First` (order by primary key, limit 1), `Last`,
//! `Take`, `Count`, `Delete`, `Update(s)`, `Scan`, `Pluck`, through `Where("a = ? AND b >
//! ?")` (raw conditions, database names), `Where(&User{Name: n})`, `Where(map[string]..{
//! "name": x})`, inline conditions of `First`/`Find`, `Order("created_at desc")`,
//! `Limit(n)` and `Model(&T{})`. The model is `Model(..)`'s type or the destination's
//! (`&users` declared `var users []User`, or `&User{}`). Chains with `Or`, `Not`, `Raw`,
//! `Table`, `Unscoped` or `Scopes` are left out (their conditions are not all visible).

use super::clex::{Lang, Lines, Toks, K};
use super::ddl_text::{cols, go_field, q, snake, DdlText};
use super::{
    Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource,
    DEFAULT_SCOPE_IS_NULL, PRIMARY_KEY,
};
use std::collections::HashMap;
use std::ops::Range;

pub fn claims(path: &str, text: &str) -> bool {
    path.ends_with(".go") && text.contains("gorm")
}

pub fn read(_path: &str, text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Go);
    // GORM v1 (`jinzhu/gorm`) `AutoMigrate` creates no foreign keys (`AddForeignKey` does).
    let foreign_keys = !text.contains("jinzhu/gorm");
    read_structs(&t, &Lines::new(text), foreign_keys, out);
    read_queries(&t, out);
}

/// GORM's plural (the common rules of `jinzhu/inflection`).
pub fn plural(word: &str) -> String {
    let lower = word.to_lowercase();
    for (sing, plur) in [("person", "people"), ("child", "children"), ("man", "men")] {
        if lower.ends_with(sing) {
            return format!("{}{plur}", &word[..word.len() - sing.len()]);
        }
    }
    let consonant_y = lower.ends_with('y')
        && !matches!(
            lower.chars().rev().nth(1),
            Some('a' | 'e' | 'i' | 'o' | 'u')
        );
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// `key:value;key2` settings of a `gorm:"..."` tag, keys upper-cased.
fn tag_settings(tag: &str) -> Vec<(String, String)> {
    let Some(start) = tag.find("gorm:\"") else {
        return Vec::new();
    };
    let body = &tag[start + 6..];
    let body = &body[..body.find('"').unwrap_or(body.len())];
    body.split(';')
        .filter(|s| !s.trim().is_empty())
        .map(|s| match s.split_once(':') {
            Some((k, v)) => (k.trim().to_uppercase(), v.trim().to_string()),
            None => (s.trim().to_uppercase(), String::new()),
        })
        .collect()
}

struct Idx {
    name: String,
    unique: bool,
    using: Option<String>,
    pred: Option<String>,
    /// (priority, order, column, desc)
    cols: Vec<(i64, usize, String, bool)>,
    span: Range<usize>,
}

fn read_structs(t: &Toks, lines: &Lines, foreign_keys: bool, out: &mut OrmFile) {
    // `func (u User) TableName() string { return "x" }`.
    let mut table_names: HashMap<String, String> = HashMap::new();
    for i in 0..t.len() {
        if t.s(i) == "TableName" && t.is(i + 1, "(") && i >= 2 && t.is(i - 1, ")") {
            let open = t.open(i - 1);
            let ty = (open..i)
                .rev()
                .find_map(|k| t.ident(k).filter(|_| k + 1 < i));
            let ret = (i..t.len().min(i + 12))
                .find_map(|k| (t.s(k) == "return").then(|| t.string(k + 1)).flatten());
            if let (Some(ty), Some(ret)) = (ty, ret) {
                table_names.insert(ty.to_string(), ret.to_string());
            }
        }
    }
    let mut ddl = DdlText::default();
    let mut later: Vec<(String, Range<usize>)> = Vec::new();
    for i in 0..t.len() {
        if !(t.s(i) == "type"
            && t.ident(i + 1).is_some()
            && t.s(i + 2) == "struct"
            && t.is(i + 3, "{"))
        {
            continue;
        }
        let name = t.s(i + 1).to_string();
        let open = i + 3;
        let ents = super::prisma::entries(t, lines, open);
        let tagged = ents.iter().any(|e| {
            (e.toks.clone()).any(|k| {
                t.get(k)
                    .is_some_and(|x| x.k == K::Str && x.text.contains("gorm:"))
            })
        });
        let embeds_model = ents
            .iter()
            .any(|e| t.s(e.toks.start) == "gorm" && t.s(e.toks.start + 2) == "Model");
        if !(tagged || embeds_model || table_names.contains_key(&name)) {
            continue;
        }
        let table = table_names
            .get(&name)
            .cloned()
            .unwrap_or_else(|| plural(&snake(&name)));
        let decl = t.span(i, i + 2);
        let mut defs: Vec<String> = Vec::new();
        let mut fields: Vec<ModelField> = Vec::new();
        let mut pk: Vec<String> = Vec::new();
        let mut idx: Vec<Idx> = Vec::new();
        let mut soft_delete = None;
        let field_names: Vec<&str> = ents.iter().filter_map(|e| t.ident(e.toks.start)).collect();
        if embeds_model {
            for (c, ty) in [
                ("id", "bigserial"),
                ("created_at", "timestamptz"),
                ("updated_at", "timestamptz"),
                ("deleted_at", "timestamptz"),
            ] {
                defs.push(format!("{} {ty}", q(c)));
            }
            pk.push("id".into());
            for (a, c) in [
                ("ID", "id"),
                ("CreatedAt", "created_at"),
                ("UpdatedAt", "updated_at"),
                ("DeletedAt", "deleted_at"),
            ] {
                fields.push(ModelField {
                    attr: a.into(),
                    column: c.into(),
                    relation: None,
                });
            }
            soft_delete = Some("deleted_at".to_string());
            idx.push(Idx {
                name: format!("idx_{table}_deleted_at"),
                unique: false,
                using: None,
                pred: None,
                cols: vec![(10, 0, "deleted_at".into(), false)],
                span: decl.clone(),
            });
        }
        for (order, e) in ents.iter().enumerate() {
            let r = e.toks.clone();
            let Some(field) = t.ident(r.start) else {
                continue;
            };
            // `Name Type` (possibly `*pkg.Type`, `[]Type`) then an optional tag.
            let mut k = r.start + 1;
            let mut slice = false;
            while t.is(k, "*") || t.is(k, "[") {
                slice |= t.is(k, "[");
                k = if t.is(k, "[") { t.skip(k) } else { k + 1 };
            }
            let Some(mut ty) = t.ident(k).map(str::to_string) else {
                continue;
            };
            if t.is(k + 1, ".") {
                ty = format!("{ty}.{}", t.s(k + 2));
                k += 2;
            }
            let tag = t.string(k + 1).unwrap_or("");
            let settings = tag_settings(tag);
            if settings.iter().any(|(k, _)| k == "-") {
                continue;
            }
            let column = settings
                .iter()
                .find(|(k, _)| k == "COLUMN")
                .map_or_else(|| snake(field), |(_, v)| v.clone());
            let span = t.span(r.start, r.end.saturating_sub(1));
            // A struct of this or another package (`Company`, `users.UserModel`), not a
            // value type (`time.Time`, `sql.NullString`, `gorm.DeletedAt`, `uuid.UUID`).
            let (pkg, base) = ty.rsplit_once('.').unwrap_or(("", ty.as_str()));
            let is_struct = base.chars().next().is_some_and(char::is_uppercase)
                && !matches!(
                    pkg,
                    "time"
                        | "sql"
                        | "gorm"
                        | "datatypes"
                        | "uuid"
                        | "decimal"
                        | "json"
                        | "pq"
                        | "null"
                        | "pgtype"
                );
            let struct_ty = base.to_string();
            if slice && ty != "byte" {
                continue;
            }
            if is_struct {
                // Belongs-to: `Company Company` with `CompanyID`.
                let fk_field = format!("{field}ID");
                if field_names.contains(&fk_field.as_str()) {
                    let target_table = table_names
                        .get(&struct_ty)
                        .cloned()
                        .unwrap_or_else(|| plural(&snake(&struct_ty)));
                    let fk_col = snake(&fk_field);
                    if foreign_keys {
                        later.push((
                            format!(
                            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                            q(&table),
                            q(&format!("fk_{table}_{}", snake(field))),
                            q(&fk_col),
                            q(&target_table),
                            q("id")
                        ),
                            span.clone(),
                        ));
                    }
                    fields.push(ModelField {
                        attr: field.to_string(),
                        column: fk_col,
                        relation: Some(struct_ty.clone()),
                    });
                }
                continue;
            }
            if ty == "gorm.DeletedAt" {
                soft_delete = Some(column.clone());
            }
            defs.push(format!("{} {}", q(&column), sql_type(&ty)));
            fields.push(ModelField {
                attr: field.to_string(),
                column: column.clone(),
                relation: None,
            });
            if field == "ID"
                || settings
                    .iter()
                    .any(|(k, _)| k == "PRIMARYKEY" || k == "PRIMARY_KEY")
            {
                if field == "ID" {
                    pk.retain(|c| c != "id");
                }
                pk.push(column.clone());
            }
            for (key, value) in &settings {
                // `unique_index` is GORM v1's spelling.
                let unique_kw = key == "UNIQUEINDEX" || key == "UNIQUE_INDEX";
                if !(key == "INDEX" || unique_kw || key == "UNIQUE") {
                    continue;
                }
                let mut parts = value.split(',');
                let mut name = parts.next().unwrap_or("").trim().to_string();
                let mut unique = unique_kw || key == "UNIQUE";
                let mut prio = 10;
                let mut desc = false;
                let mut using = None;
                let mut pred = None;
                for p in parts {
                    let (pk_, pv) = p.split_once(':').unwrap_or((p, ""));
                    match pk_.trim().to_uppercase().as_str() {
                        "PRIORITY" => prio = pv.trim().parse().unwrap_or(10),
                        "SORT" => desc = pv.trim().eq_ignore_ascii_case("desc"),
                        "UNIQUE" => unique = true,
                        "TYPE" => using = Some(pv.trim().to_string()),
                        "WHERE" => pred = Some(pv.trim().to_string()),
                        _ => {}
                    }
                }
                if key == "UNIQUE" {
                    name = String::new();
                }
                if name.is_empty() {
                    name = if key == "UNIQUE" {
                        format!("uni_{table}_{column}")
                    } else {
                        format!("idx_{table}_{column}")
                    };
                }
                match idx.iter_mut().find(|x| x.name == name) {
                    Some(x) => {
                        x.cols.push((prio, order, column.clone(), desc));
                        x.unique |= unique;
                    }
                    None => idx.push(Idx {
                        name,
                        unique,
                        using,
                        pred,
                        cols: vec![(prio, order, column.clone(), desc)],
                        span: span.clone(),
                    }),
                }
            }
        }
        if pk.is_empty() && fields.iter().any(|f| f.column == "id") {
            pk.push("id".into());
        }
        if !pk.is_empty() {
            let pk_cols: Vec<(String, bool)> = pk.iter().map(|c| (c.clone(), false)).collect();
            defs.push(format!("PRIMARY KEY ({})", cols(&pk_cols)));
        }
        ddl.push(
            &format!("CREATE TABLE {} ({})", q(&table), defs.join(", ")),
            decl,
        );
        for mut x in idx {
            x.cols.sort_by_key(|c| (c.0, c.1));
            let columns: Vec<(String, bool)> = x.cols.iter().map(|c| (c.2.clone(), c.3)).collect();
            let using = x.using.map_or(String::new(), |u| format!(" USING {u}"));
            let pred = x.pred.map_or(String::new(), |p| format!(" WHERE {p}"));
            later.insert(
                0,
                (
                    format!(
                        "CREATE {}INDEX {} ON {}{using} ({}){pred}",
                        if x.unique { "UNIQUE " } else { "" },
                        q(&x.name),
                        q(&table),
                        cols(&columns)
                    ),
                    x.span,
                ),
            );
        }
        if let Some(c) = soft_delete {
            fields.push(ModelField {
                attr: DEFAULT_SCOPE_IS_NULL.to_string(),
                column: c,
                relation: None,
            });
        }
        out.models.push(Model {
            orm: Orm::Gorm,
            class: name,
            table,
            fields,
            primary_key: pk,
        });
    }
    // Indexes before foreign keys, both after every table of the file.
    later.sort_by_key(|(s, _)| s.starts_with("ALTER"));
    for (stmt, span) in later {
        ddl.push(&stmt, span);
    }
    if let Some(f) = ddl.finish(Orm::Gorm) {
        out.schema.push(f);
        out.schema_source = Some(SchemaSource {
            orm: Orm::Gorm,
            reader: "gorm-models",
            authority: 1,
        });
    }
}

fn sql_type(ty: &str) -> &'static str {
    match ty {
        "int" | "int32" | "uint" | "uint32" | "int16" | "uint16" | "int8" | "uint8" => "integer",
        "int64" | "uint64" => "bigint",
        "bool" => "boolean",
        "float32" | "float64" => "double precision",
        "time.Time" | "gorm.DeletedAt" | "sql.NullTime" => "timestamptz",
        _ => "text",
    }
}

const TERMINALS: &[(&str, QueryKind)] = &[
    ("Find", QueryKind::Select),
    ("First", QueryKind::Select),
    ("Last", QueryKind::Select),
    ("Take", QueryKind::Select),
    ("Scan", QueryKind::Select),
    ("Pluck", QueryKind::Select),
    ("Count", QueryKind::Count),
    ("Delete", QueryKind::Delete),
    ("Update", QueryKind::Update),
    ("Updates", QueryKind::Update),
    ("UpdateColumn", QueryKind::Update),
    ("UpdateColumns", QueryKind::Update),
];

const GORM_LINKS: &[&str] = &[
    "Where",
    "Model",
    "Order",
    "Limit",
    "Offset",
    "Preload",
    "Joins",
    "Select",
    "WithContext",
    "Session",
    "Debug",
    "Distinct",
    "Group",
];

/// `name -> type` declarations seen before each token: `var us []User`, `u := User{}`,
/// `u := &User{..}`, parameters `u *User`.
fn declarations(t: &Toks) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for i in 0..t.len() {
        let Some(name) = t.ident(i) else { continue };
        if !name.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        let mut k = i + 1;
        if t.is(k, ":") && t.is(k + 1, "=") {
            k += 2;
        } else if t.is(k, "=") {
            continue;
        }
        while t.is(k, "*") || t.is(k, "&") || (t.is(k, "[") && t.is(k + 1, "]")) {
            k += if t.is(k, "[") { 2 } else { 1 };
        }
        if t.s(k) == "make" && t.is(k + 1, "(") {
            k += 2;
            while t.is(k, "[") || t.is(k, "]") || t.is(k, "*") {
                k += 1;
            }
        }
        let Some(mut ty) = t.ident(k) else { continue };
        if t.is(k + 1, ".") && t.ident(k + 2).is_some() {
            ty = t.s(k + 2);
        }
        if ty.chars().next().is_some_and(char::is_uppercase) {
            out.push((i, name.to_string(), ty.to_string()));
        }
    }
    out
}

/// The model type of an argument `&users`, `&User{}`, `&models.User{}`, `User{..}`.
fn arg_type(
    t: &Toks,
    r: &Range<usize>,
    decls: &[(usize, String, String)],
    at: usize,
) -> Option<String> {
    let mut k = r.start;
    while t.is(k, "&") || t.is(k, "*") || (t.is(k, "[") && t.is(k + 1, "]")) {
        k += if t.is(k, "[") { 2 } else { 1 };
    }
    let mut name = t.ident(k)?;
    if t.is(k + 1, ".") && t.ident(k + 2).is_some() {
        k += 2;
        name = t.s(k);
    }
    if t.is(k + 1, "{") || name.chars().next().is_some_and(char::is_uppercase) {
        return Some(name.to_string());
    }
    decls
        .iter()
        .rev()
        .find(|(i, n, _)| *i < at && n == name)
        .map(|(_, _, ty)| ty.clone())
}

fn read_queries(t: &Toks, out: &mut OrmFile) {
    let decls = declarations(t);
    let mut i = 0;
    while i < t.len() {
        let Some(&(term, kind)) = TERMINALS.iter().find(|(n, _)| Some(*n) == t.ident(i)) else {
            i += 1;
            continue;
        };
        if !(i >= 1 && t.is(i - 1, ".") && t.is(i + 1, "(")) {
            i += 1;
            continue;
        }
        let start = t.chain_start(i);
        let links = t.chain(start);
        let names: Vec<&str> = links.iter().map(|&(n, _)| t.s(n)).collect();
        let receiver: Vec<&str> = names
            .iter()
            .copied()
            .take_while(|n| !GORM_LINKS.contains(n) && *n != term)
            .collect();
        let db_receiver = receiver
            .last()
            .is_some_and(|r| matches!(*r, "db" | "DB" | "tx" | "Db" | "gdb" | "orm" | "conn"));
        let gorm_chain = names.iter().any(|n| GORM_LINKS.contains(n));
        let close = t.close(i + 1);
        if !(db_receiver || gorm_chain)
            || names
                .iter()
                .any(|n| matches!(*n, "Or" | "Not" | "Raw" | "Table" | "Unscoped" | "Scopes"))
        {
            i = close + 1;
            continue;
        }
        let mut q = OrmQuery {
            orm: Orm::Gorm,
            model: String::new(),
            filters: Vec::new(),
            any_of: Vec::new(),
            raw_conditions: Vec::new(),
            joins: Vec::new(),
            order: Vec::new(),
            order_by_pk: None,
            limit: None,
            kind,
            span: t.span(start, close),
        };
        let mut ok = true;
        for &(n, a) in &links {
            let Some(a) = a else { continue };
            let args = t.items(a);
            match t.s(n) {
                "Model" => {
                    if let Some(ty) = args.first().and_then(|r| arg_type(t, r, &decls, i)) {
                        q.model = ty;
                    }
                }
                "Where" => ok &= condition(t, &args, &mut q),
                "Order" => {
                    if let Some(s) = args.first().and_then(|r| t.string(r.start)) {
                        for part in s.split(',') {
                            let mut w = part.split_whitespace();
                            let Some(col) = w.next() else { continue };
                            let col = col.rsplit('.').next().unwrap_or(col);
                            let desc = w.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                            q.order
                                .push((vec![col.trim_matches('"').to_string()], desc));
                        }
                    } else {
                        ok = false;
                    }
                }
                "Limit" => {
                    q.limit = args
                        .first()
                        .and_then(|r| t.get(r.start))
                        .and_then(|x| x.text.parse().ok())
                }
                _ if n == i => {
                    if q.model.is_empty() {
                        if let Some(ty) = args.first().and_then(|r| arg_type(t, r, &decls, i)) {
                            q.model = ty;
                        }
                    }
                    // Inline conditions: `First(&u, id)`, `Find(&us, "a = ?", x)`.
                    if matches!(term, "First" | "Last" | "Take" | "Find" | "Delete")
                        && args.len() > 1
                    {
                        match args.get(1).and_then(|r| t.string(r.start)) {
                            Some(_) => ok &= condition(t, &args[1..], &mut q),
                            None => q.filters.push(Filter {
                                path: vec![PRIMARY_KEY.into()],
                                op: if t.s(args[1].start).ends_with('s') {
                                    Op::In
                                } else {
                                    Op::Eq
                                },
                            }),
                        }
                    }
                    match term {
                        "First" => {
                            q.order_by_pk = Some(false);
                            q.limit = Some(1);
                        }
                        "Last" => {
                            q.order_by_pk = Some(true);
                            q.limit = Some(1);
                        }
                        "Take" => q.limit = Some(1),
                        _ => {}
                    }
                    break;
                }
                _ => {}
            }
        }
        if ok && !q.model.is_empty() {
            out.queries.push(q);
        }
        i = close + 1;
    }
}

/// The conditions of `Where(args)`: a raw string, a struct literal or a map literal.
/// False when the condition cannot be read (the query is then left out).
fn condition(t: &Toks, args: &[Range<usize>], q: &mut OrmQuery) -> bool {
    let Some(first) = args.first() else {
        return false;
    };
    if let Some(s) = t.string(first.start) {
        if first.len() == 1 {
            q.raw_conditions.push(s.to_string());
            return true;
        }
        return false;
    }
    // `&User{Name: n}`, `User{..}`, `map[string]interface{}{"name": x}`.
    let Some(open) = (first.start..first.end)
        .rev()
        .find(|&k| t.is(k, "{") && t.close(k) + 1 == first.end)
    else {
        return false;
    };
    if t.s(first.start) != "map" && q.model.is_empty() {
        let mut k = first.start;
        while t.is(k, "&") {
            k += 1;
        }
        q.model = t.s(if t.is(k + 1, ".") { k + 2 } else { k }).to_string();
    }
    for item in t.items(open) {
        if !t.is(item.start + 1, ":") {
            return false;
        }
        let key = match t.get(item.start) {
            Some(x) if matches!(x.k, K::Ident | K::Str) => x.text.clone(),
            _ => return false,
        };
        q.filters.push(Filter {
            path: vec![key],
            op: Op::Eq,
        });
    }
    true
}

/// A new index in GORM's form: the tag each field of the composite gets (fields named from
/// the columns by GORM's convention, `kennel_id` -> `KennelID`).
pub fn index_form(table: &str, cols: &[(String, bool)]) -> String {
    let plain: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    let name = format!("idx_{table}_{}", plain.join("_"));
    cols.iter()
        .enumerate()
        .map(|(i, (c, desc))| {
            format!(
                "{}: `gorm:\"index:{name},priority:{}{}\"`",
                go_field(c),
                i + 1,
                if *desc { ",sort:desc" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_table_names() {
        assert_eq!(plural("order_item"), "order_items");
        assert_eq!(plural("company"), "companies");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("person"), "people");
        assert_eq!(plural("day"), "days");
    }

    #[test]
    fn structs_and_chains() {
        let src = r#"
package models
import "gorm.io/gorm"
type Company struct {
	gorm.Model
	Name string `gorm:"uniqueIndex"`
}
type Employee struct {
	ID        uint
	CompanyID uint   `gorm:"index:idx_company_hired,priority:1"`
	Company   Company
	HiredAt   time.Time `gorm:"index:idx_company_hired,priority:2,sort:desc"`
	Email     string `gorm:"column:mail"`
}
func List(db *gorm.DB, c uint) {
	var es []Employee
	db.Where("company_id = ?", c).Order("hired_at desc").Limit(20).Find(&es)
	var co Company
	db.First(&co, c)
}
"#;
        let mut out = OrmFile::default();
        read("models.go", src, &mut out);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"employees\" (\"id\" integer, \"company_id\" integer, \"hired_at\" timestamptz, \"mail\" text, PRIMARY KEY (\"id\"))"), "{text}");
        assert!(text.contains("CREATE INDEX \"idx_company_hired\" ON \"employees\" (\"company_id\", \"hired_at\" DESC)"), "{text}");
        assert!(
            text.contains("CREATE UNIQUE INDEX \"idx_companies_name\" ON \"companies\" (\"name\")"),
            "{text}"
        );
        assert!(
            text.contains(
                "CREATE INDEX \"idx_companies_deleted_at\" ON \"companies\" (\"deleted_at\")"
            ),
            "{text}"
        );
        assert!(
            text.contains("FOREIGN KEY (\"company_id\") REFERENCES \"companies\" (\"id\")"),
            "{text}"
        );
        assert_eq!(out.queries.len(), 2, "{:?}", out.queries);
        let q0 = &out.queries[0];
        assert_eq!(q0.model, "Employee");
        assert_eq!(q0.raw_conditions, vec!["company_id = ?".to_string()]);
        assert_eq!(q0.order, vec![(vec!["hired_at".to_string()], true)]);
        assert_eq!(q0.limit, Some(20));
        let q1 = &out.queries[1];
        assert_eq!(q1.model, "Company");
        assert_eq!(q1.order_by_pk, Some(false));
        assert_eq!(q1.filters[0].path, vec![PRIMARY_KEY.to_string()]);
    }
}

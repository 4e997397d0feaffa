//! ActiveRecord (Rails): `db/schema.rb` and `db/migrate/*.rb` schema readers, model
//! classes and query call chains.
//!
//! Input: a Ruby file. Output, in [`OrmFile`]: DDL for `create_table` (implicit `id bigint`
//! primary key unless `id: false` / `primary_key:`), `t.<type>`, `t.references` /
//! `t.belongs_to` (index by default, foreign key with `foreign_key: true`), `t.timestamps`,
//! `t.index` and `add_index` (`unique:`, `where:`, `order:`, `using:`, `opclass:`, default
//! name `index_<table>_on_<cols>`), `add_reference`, `add_column`, `add_foreign_key`,
//! `remove_index`, `remove_column`, `rename_column`, `rename_table`, `change_table`,
//! `drop_table` and `execute` SQL; [`Model`]s for classes deriving from `ApplicationRecord`
//! or `ActiveRecord::Base` (table `self.table_name` or the plural of the snake-cased class,
//! `belongs_to` relations, `scope`s); [`OrmQuery`]s for chains such as
//! `Order.where(user_id: id).order(created_at: :desc).limit(10)`.
//!
//! Authority: `db/schema.rb` (the dump Rails writes from the database) replaces the
//! `db/migrate` DSL when both exist. A migration's `down`/`self.down` method is not read.

use super::ddl::{self, q, Ddl, IndexDef};
use super::syntax::{self, flatten, kwarg, positional, walk, Arg, Node, Step, E};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::collections::HashMap;

/// The reader's prefilter: Ruby files that mention ActiveRecord or its DSL.
pub fn claims(path: &str, text: &str) -> bool {
    path.ends_with(".rb")
        && (text.contains("ActiveRecord")
            || text.contains("ApplicationRecord")
            || text.contains("create_table")
            || text.contains("add_index")
            || text.contains(".where")
            || text.contains(".find_by")
            || text.contains(".order("))
}

fn schema_kind(path: &str) -> Option<SchemaSource> {
    let p = path.replace('\\', "/");
    if p == "db/schema.rb" || p.ends_with("/db/schema.rb") {
        Some(SchemaSource {
            orm: Orm::Rails,
            reader: "schema.rb",
            authority: 2,
        })
    } else if p.starts_with("db/migrate/") || p.contains("/db/migrate/") {
        Some(SchemaSource {
            orm: Orm::Rails,
            reader: "db/migrate",
            authority: 1,
        })
    } else {
        None
    }
}

/// Read one Ruby file.
pub fn read(path: &str, text: &str, out: &mut OrmFile) {
    let stmts = syntax::parse_ruby(text);
    if let Some(src) = schema_kind(path) {
        let mut w = SchemaWriter::default();
        w.statements(&stmts, 0);
        if let Some(frag) = w.ddl.finish(Orm::Rails) {
            out.schema.push(frag);
        }
        out.schema_source = Some(src);
        out.owns_sql = true;
        return;
    }
    let mut models = Vec::new();
    collect_models(&stmts, &mut models, 0);
    let scopes: HashMap<(String, String), &Node> = models
        .iter()
        .flat_map(|m| {
            m.scopes
                .iter()
                .map(|(n, b)| ((m.class.clone(), n.clone()), *b))
        })
        .collect();
    // Queries inside model classes may have an implicit receiver (`where(...)` in a scope).
    let mut seen = std::collections::HashSet::new();
    for m in &models {
        for stmt in m.body {
            // A scope's body is not a query until a chain uses it.
            if matches!(&stmt.e, E::Call { func, .. } if func.name() == Some("scope")) {
                continue;
            }
            find_queries(stmt, Some(&m.class), &scopes, out, &mut seen);
        }
    }
    for stmt in &stmts {
        find_queries(stmt, None, &scopes, out, &mut seen);
    }
    for m in models {
        out.models.push(m.model);
    }
}

struct ModelDecl<'a> {
    class: String,
    model: Model,
    body: &'a [Node],
    scopes: Vec<(String, &'a Node)>,
}

fn collect_models<'a>(stmts: &'a [Node], out: &mut Vec<ModelDecl<'a>>, depth: usize) {
    if depth > 8 {
        return;
    }
    for s in stmts {
        let E::Block(kw, head, body) = &s.e else {
            continue;
        };
        if kw == "module" {
            collect_models(body, out, depth + 1);
            continue;
        }
        if kw != "class" {
            continue;
        }
        let E::Bin(op, name, base) = &head.e else {
            continue;
        };
        let base = base.dotted().unwrap_or_default();
        if op != "<" || !(base.ends_with("ApplicationRecord") || base == "ActiveRecord::Base") {
            continue;
        }
        let Some(class) = name
            .dotted()
            .and_then(|d| d.rsplit('.').next().map(str::to_string))
        else {
            continue;
        };
        let mut model = Model {
            orm: Orm::Rails,
            class: class.clone(),
            table: ddl::plural(&ddl::snake(&class)),
            fields: Vec::new(),
            primary_key: vec!["id".into()],
        };
        // An abstract base (`ApplicationRecord`, `self.abstract_class = true`) has no table.
        let abstract_class = class == "ApplicationRecord"
            || body.iter().any(|st| match &st.e {
                E::Name(n) => n == "primary_abstract_class",
                E::Bin(op, t, v) => {
                    op == "=" && t.dotted().as_deref() == Some("self.abstract_class") && v.is_true()
                }
                _ => false,
            });
        if abstract_class {
            continue;
        }
        let mut scopes = Vec::new();
        for st in body {
            match &st.e {
                E::Bin(op, target, value)
                    if op == "=" && target.dotted().as_deref() == Some("self.table_name") =>
                {
                    if let Some(t) = value.str() {
                        model.table = t.to_string();
                    }
                }
                E::Bin(op, target, value)
                    if op == "=" && target.dotted().as_deref() == Some("self.primary_key") =>
                {
                    if let Some(t) = value.str() {
                        model.primary_key = vec![t.to_string()];
                    }
                }
                E::Call { func, args, .. } => match func.name() {
                    Some("belongs_to") => {
                        let Some(rel) = args.first().and_then(|a| a.value.str()) else {
                            continue;
                        };
                        let target = kwarg(args, "class_name")
                            .and_then(Node::str)
                            .map_or_else(|| camel(rel), str::to_string);
                        let column = kwarg(args, "foreign_key")
                            .and_then(Node::str)
                            .map_or_else(|| format!("{rel}_id"), str::to_string);
                        for attr in [rel.to_string(), ddl::plural(rel)] {
                            model.fields.push(ModelField {
                                attr,
                                column: column.clone(),
                                relation: Some(target.clone()),
                            });
                        }
                    }
                    Some("scope") => {
                        let name = args.first().and_then(|a| a.value.str());
                        let body = args.get(1).map(|a| &a.value);
                        if let (Some(name), Some(body)) = (name, body) {
                            scopes.push((name.to_string(), body));
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        out.push(ModelDecl {
            class,
            model,
            body,
            scopes,
        });
    }
}

/// `line_item` -> `LineItem`.
fn camel(s: &str) -> String {
    s.split('_')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Methods that make a chain a query (and the ones it may pass through).
const QUERY_METHODS: &[&str] = &[
    "where",
    "find_by",
    "find_by!",
    "find",
    "order",
    "reorder",
    "limit",
    "first",
    "last",
    "take",
    "exists?",
    "count",
    "joins",
    "left_joins",
    "left_outer_joins",
    "update_all",
    "delete_all",
    "destroy_all",
    "pluck",
    "sum",
    "maximum",
    "minimum",
    "average",
];

const TRANSPARENT: &[&str] = &[
    "all",
    "not",
    "select",
    "distinct",
    "includes",
    "preload",
    "eager_load",
    "references",
    "to_a",
    "each",
    "map",
    "ids",
    "readonly",
    "lock",
    "unscoped",
    "offset",
    "page",
    "per",
    "none",
    "load",
    "find_each",
    "in_batches",
    "find_in_batches",
    "size",
    "length",
    "any?",
    "empty?",
    "present?",
    "blank?",
];

fn find_queries(
    stmt: &Node,
    implicit: Option<&str>,
    scopes: &HashMap<(String, String), &Node>,
    out: &mut OrmFile,
    seen: &mut std::collections::HashSet<(usize, usize)>,
) {
    walk(std::slice::from_ref(stmt), &mut |n| {
        if !matches!(n.e, E::Call { .. } | E::Attr(..)) {
            return true;
        }
        let key = (n.span.start, n.span.end);
        if seen.contains(&key) {
            return false;
        }
        match chain_query(n, implicit, scopes) {
            Some(q) => {
                seen.insert(key);
                out.queries.push(q);
                false
            }
            None => true,
        }
    });
}

/// The query a call chain stands for, when it starts at a model class (or at an implicit
/// receiver inside a model) and calls a query method.
fn chain_query(
    n: &Node,
    implicit: Option<&str>,
    scopes: &HashMap<(String, String), &Node>,
) -> Option<OrmQuery> {
    let (root, steps) = flatten(n);
    let (model, steps): (String, Vec<Step>) = match &root.e {
        E::Name(c) if c.starts_with(|ch: char| ch.is_ascii_uppercase()) => (c.clone(), steps),
        E::Name(m)
            if implicit.is_some_and(|c| {
                QUERY_METHODS.contains(&m.as_str())
                    || scopes.contains_key(&(c.to_string(), m.clone()))
            }) =>
        {
            let mut s = vec![Step::Attr(m, root.span.clone())];
            s.extend(steps);
            (implicit.map(str::to_string)?, s)
        }
        _ => return None,
    };
    let mut q = OrmQuery {
        orm: Orm::Rails,
        model: model.clone(),
        filters: Vec::new(),
        any_of: Vec::new(),
        raw_conditions: Vec::new(),
        joins: Vec::new(),
        order: Vec::new(),
        order_by_pk: None,
        limit: None,
        kind: QueryKind::Select,
        span: n.span.clone(),
    };
    let mut any = false;
    apply_steps(&mut q, &model, &steps, scopes, &mut any, 0)?;
    any.then_some(q)
}

fn apply_steps(
    q: &mut OrmQuery,
    model: &str,
    steps: &[Step],
    scopes: &HashMap<(String, String), &Node>,
    any: &mut bool,
    depth: usize,
) -> Option<()> {
    let mut i = 0;
    let mut negate = false;
    while i < steps.len() {
        let Step::Attr(method, _) = &steps[i] else {
            // A call or subscript not following a method name (`Order::Foo[1]`).
            return None;
        };
        let (args, next) = match steps.get(i + 1) {
            Some(Step::Call(a, _)) => (*a, i + 2),
            _ => (&[][..], i + 1),
        };
        i = next;
        let method = *method;
        if let Some(body) = scopes.get(&(model.to_string(), method.to_string())) {
            if depth < 4 {
                let inner = match &body.e {
                    E::Lambda(b) => b.first(),
                    _ => None,
                };
                if let Some(inner) = inner {
                    let (root, mut s) = flatten(inner);
                    if let E::Name(m) = &root.e {
                        s.insert(0, Step::Attr(m, root.span.clone()));
                    }
                    apply_steps(q, model, &s, scopes, any, depth + 1)?;
                    *any = true;
                }
            }
            continue;
        }
        if !QUERY_METHODS.contains(&method) {
            if method == "not" {
                negate = true;
                continue;
            }
            if method == "or" || method == "merge" || method == "from" || method == "group" {
                // Alternatives and merged relations are not modelled: no verdict.
                return None;
            }
            if TRANSPARENT.contains(&method) {
                continue;
            }
            if let Some(col) = method.strip_prefix("find_by_") {
                *any = true;
                for c in col.split("_and_") {
                    q.filters.push(filter(vec![c.to_string()], Op::Eq));
                }
                q.limit = Some(1);
                continue;
            }
            // An instance method or an association: the chain is not a relation any more.
            return if *any { Some(()) } else { None };
        }
        *any = true;
        match method {
            "where" => {
                if args.is_empty() {
                    continue;
                }
                where_args(q, args, std::mem::take(&mut negate));
            }
            "find_by" | "find_by!" => {
                where_args(q, args, false);
                q.limit = Some(1);
            }
            "find" if !args.is_empty() => {
                q.filters.push(filter(vec!["id".into()], Op::Eq));
            }
            "order" | "reorder" => {
                if method == "reorder" {
                    q.order.clear();
                }
                order_args(q, args)?;
            }
            "limit" => {
                q.limit = Some(number(args).unwrap_or(100));
            }
            "first" | "last" => {
                if q.order.is_empty() {
                    q.order_by_pk = Some(method == "last");
                } else if method == "last" {
                    for o in &mut q.order {
                        o.1 = !o.1;
                    }
                }
                q.limit = Some(number(args).unwrap_or(1));
            }
            "take" => q.limit = Some(number(args).unwrap_or(1)),
            "exists?" => {
                where_args(q, args, false);
                q.kind = QueryKind::Exists;
            }
            "count" | "sum" | "maximum" | "minimum" | "average" => q.kind = QueryKind::Count,
            "joins" | "left_joins" | "left_outer_joins" => {
                for a in positional(args) {
                    if let Some(r) = a.str() {
                        q.joins.push(r.to_string());
                    }
                }
            }
            "update_all" => q.kind = QueryKind::Update,
            "delete_all" | "destroy_all" => q.kind = QueryKind::Delete,
            _ => {}
        }
    }
    Some(())
}

fn filter(path: Vec<String>, op: Op) -> Filter {
    Filter { path, op }
}

fn number(args: &[Arg]) -> Option<u64> {
    match &args.first()?.value.e {
        E::Num(n) => n.replace('_', "").parse().ok(),
        _ => None,
    }
}

/// `where(a: 1, b: 1..5, c: [1, 2], d: nil, user: { email: x })`, `where("a = ?", x)`.
fn where_args(q: &mut OrmQuery, args: &[Arg], negate: bool) {
    for a in args {
        match (&a.key, &a.value.e) {
            (Some(k), E::Dict(entries)) => {
                for (ck, v) in entries {
                    if let Some(c) = ck.str() {
                        push_cond(q, vec![k.clone(), c.to_string()], v, negate);
                    }
                }
            }
            (Some(k), _) => push_cond(q, vec![k.clone()], &a.value, negate),
            (None, E::Str(s)) if !negate => {
                q.raw_conditions.push(raw_condition(s));
            }
            (None, E::Dict(entries)) => {
                for (k, v) in entries {
                    if let Some(c) = k.str() {
                        push_cond(q, vec![c.to_string()], v, negate);
                    }
                }
            }
            _ => {}
        }
        // Only the first positional argument is a condition; the rest are its values.
        if a.key.is_none() && matches!(a.value.e, E::Str(_)) {
            break;
        }
    }
}

/// A SQL condition string with `:name` placeholders written as `?`.
fn raw_condition(s: &str) -> String {
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':'
            && b.get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            && (i == 0 || b[i - 1] != b':')
        {
            out.push('?');
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn push_cond(q: &mut OrmQuery, path: Vec<String>, v: &Node, negate: bool) {
    let ops: Vec<Op> = if negate {
        vec![Op::Ne]
    } else {
        match &v.e {
            E::Name(n) if n == "nil" => vec![Op::IsNull],
            E::List(_) => vec![Op::In],
            E::Bin(op, _, _) if op == ".." => vec![Op::Ge, Op::Le],
            E::Bin(op, _, _) if op == "..." => vec![Op::Ge, Op::Lt],
            E::Un(op, _) if op == ".." || op == "..." => vec![Op::Ge],
            E::Call { func, .. } if func.name().is_some_and(|f| f == "where") => vec![Op::In],
            _ => vec![Op::Eq],
        }
    };
    for op in ops {
        q.filters.push(filter(path.clone(), op));
    }
}

/// `order(:a)`, `order(a: :desc)`, `order("a DESC, b")`, `order(Arel.sql(...))` (no verdict).
fn order_args(q: &mut OrmQuery, args: &[Arg]) -> Option<()> {
    for a in args {
        match (&a.key, &a.value.e) {
            (Some(k), v) => {
                let desc = matches!(v, E::Sym(d) | E::Str(d) if d.eq_ignore_ascii_case("desc"));
                q.order.push((vec![k.clone()], desc));
            }
            (None, E::Sym(c)) => q.order.push((vec![c.clone()], false)),
            (None, E::Str(s)) => {
                for part in s.split(',') {
                    let mut words = part.split_whitespace();
                    let col = words.next()?;
                    if !col
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    {
                        return None;
                    }
                    let desc = words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                    let col = col.rsplit('.').next().unwrap_or(col);
                    q.order.push((vec![col.to_string()], desc));
                }
            }
            (None, E::Dict(entries)) => {
                for (k, v) in entries {
                    let desc =
                        matches!(&v.e, E::Sym(d) | E::Str(d) if d.eq_ignore_ascii_case("desc"));
                    q.order.push((vec![k.str()?.to_string()], desc));
                }
            }
            _ => return None,
        }
    }
    Some(())
}

/// Writes the DDL of `schema.rb` / `db/migrate` statements.
#[derive(Default)]
struct SchemaWriter {
    ddl: Ddl,
}

fn rails_type(t: &str) -> &str {
    match t {
        "string" => "varchar",
        "text" => "text",
        "integer" => "integer",
        "bigint" | "references" | "belongs_to" => "bigint",
        "boolean" => "boolean",
        "datetime" | "timestamp" => "timestamp",
        "date" => "date",
        "time" => "time",
        "decimal" => "numeric",
        "float" => "double precision",
        "json" => "json",
        "jsonb" => "jsonb",
        "uuid" => "uuid",
        "binary" => "bytea",
        "inet" => "inet",
        "citext" => "citext",
        "primary_key" => "bigint",
        _ => "text",
    }
}

/// The default index name Rails gives: `index_orders_on_user_id_and_created_at`.
fn default_index_name(table: &str, cols: &[(String, bool)]) -> String {
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    format!("index_{table}_on_{}", names.join("_and_"))
}

/// Strings or symbols of a node (a list or one value).
fn names(n: &Node) -> Vec<String> {
    n.items()
        .iter()
        .filter_map(|x| x.str().map(str::to_string))
        .collect()
}

impl SchemaWriter {
    fn statements(&mut self, stmts: &[Node], depth: usize) {
        if depth > 8 {
            return;
        }
        for s in stmts {
            match &s.e {
                E::Block(kw, head, body) => {
                    // `def down` undoes `up`: not part of the schema.
                    let down = kw == "def"
                        && head
                            .dotted()
                            .is_some_and(|d| d == "down" || d == "self.down");
                    if !down {
                        self.statements(body, depth + 1);
                    }
                }
                E::Call { func, args, block } => {
                    let name = func.name().or(match &func.e {
                        E::Attr(_, m) => Some(m.as_str()),
                        _ => None,
                    });
                    match name {
                        Some("define") | Some("change") | Some("up") | Some("reversible") => {
                            if let Some(b) = block {
                                self.statements(b, depth + 1);
                            }
                        }
                        Some(m) => self.dsl(m, args, block.as_deref(), s),
                        None => {}
                    }
                }
                _ => {}
            }
        }
    }

    fn header(call: &Node, args: &[Arg]) -> std::ops::Range<usize> {
        let end = args.last().map_or(call.span.end, |a| a.value.span.end);
        call.span.start..end.max(call.span.start)
    }

    fn dsl(&mut self, m: &str, args: &[Arg], block: Option<&[Node]>, call: &Node) {
        let pos = positional(args);
        let s = |i: usize| pos.get(i).and_then(|n| n.str()).map(str::to_string);
        let at = Self::header(call, args);
        match m {
            "create_table" => {
                let Some(table) = s(0) else { return };
                let mut cols = Vec::new();
                match kwarg(args, "id") {
                    Some(n) if matches!(&n.e, E::Name(f) if f == "false") => {}
                    Some(n) => {
                        let t = n.str().map_or("bigint", rails_type);
                        let pk = kwarg(args, "primary_key")
                            .and_then(Node::str)
                            .unwrap_or("id");
                        cols.push(format!("{} {t} PRIMARY KEY", q(pk)));
                    }
                    None => {
                        let pk = kwarg(args, "primary_key")
                            .and_then(Node::str)
                            .unwrap_or("id");
                        cols.push(format!("{} bigint PRIMARY KEY", q(pk)));
                    }
                }
                let mut later: Vec<(String, std::ops::Range<usize>)> = Vec::new();
                for st in block.unwrap_or(&[]) {
                    self.table_line(&table, st, &mut cols, &mut later, false);
                }
                self.ddl.push(
                    &format!("CREATE TABLE {} ({})", q(&table), cols.join(", ")),
                    at,
                );
                for (sql, span) in later {
                    self.ddl.push(&sql, span);
                }
            }
            "change_table" => {
                let Some(table) = s(0) else { return };
                for st in block.unwrap_or(&[]) {
                    let mut cols = Vec::new();
                    let mut later = Vec::new();
                    self.table_line(&table, st, &mut cols, &mut later, true);
                    for c in cols {
                        self.ddl.push(
                            &format!("ALTER TABLE {} ADD COLUMN {c}", q(&table)),
                            st.span.clone(),
                        );
                    }
                    for (sql, span) in later {
                        self.ddl.push(&sql, span);
                    }
                }
            }
            "add_index" => {
                let (Some(table), Some(cols)) = (s(0), pos.get(1)) else {
                    return;
                };
                let ix = index_def(&table, cols, args);
                self.ddl.push(&ix.sql(), at);
            }
            "add_reference" | "add_belongs_to" => {
                let (Some(table), Some(rel)) = (s(0), s(1)) else {
                    return;
                };
                let mut cols = Vec::new();
                let mut later = Vec::new();
                reference(&table, &rel, args, at.clone(), &mut cols, &mut later);
                for c in cols {
                    self.ddl.push(
                        &format!("ALTER TABLE {} ADD COLUMN {c}", q(&table)),
                        at.clone(),
                    );
                }
                for (sql, span) in later {
                    self.ddl.push(&sql, span);
                }
            }
            "add_column" => {
                let (Some(table), Some(col), Some(ty)) = (s(0), s(1), s(2)) else {
                    return;
                };
                self.ddl.push(
                    &format!(
                        "ALTER TABLE {} ADD COLUMN {} {}",
                        q(&table),
                        q(&col),
                        rails_type(&ty)
                    ),
                    at.clone(),
                );
                if kwarg(args, "index").is_some_and(|n| !matches!(&n.e, E::Name(f) if f == "false"))
                {
                    let mut ix = IndexDef {
                        table: table.clone(),
                        cols: vec![(col.clone(), false)],
                        ..IndexDef::default()
                    };
                    ix.unique = kwarg(args, "index")
                        .and_then(|n| match &n.e {
                            E::Dict(kv) => kv.iter().find(|(k, _)| k.str() == Some("unique")),
                            _ => None,
                        })
                        .is_some_and(|(_, v)| v.is_true());
                    ix.name = default_index_name(&table, &ix.cols);
                    self.ddl.push(&ix.sql(), at);
                }
            }
            "add_foreign_key" => {
                let (Some(table), Some(to)) = (s(0), s(1)) else {
                    return;
                };
                let col = kwarg(args, "column")
                    .and_then(Node::str)
                    .map_or_else(|| format!("{}_id", ddl::singular(&to)), str::to_string);
                let pk = kwarg(args, "primary_key")
                    .and_then(Node::str)
                    .unwrap_or("id")
                    .to_string();
                self.ddl
                    .push(&ddl::foreign_key(&table, &[col], &to, &[pk]), at);
            }
            "remove_index" => {
                let Some(table) = s(0) else { return };
                let name = kwarg(args, "name").and_then(Node::str).map(str::to_string);
                let cols = kwarg(args, "column").or(pos.get(1).copied());
                let name = name.or_else(|| {
                    let cols: Vec<(String, bool)> =
                        cols.map(names)?.into_iter().map(|c| (c, false)).collect();
                    Some(default_index_name(&table, &cols))
                });
                if let Some(n) = name {
                    self.ddl.push(&format!("DROP INDEX {}", q(&n)), at);
                }
            }
            "remove_column" => {
                if let (Some(t), Some(c)) = (s(0), s(1)) {
                    self.ddl
                        .push(&format!("ALTER TABLE {} DROP COLUMN {}", q(&t), q(&c)), at);
                }
            }
            "rename_column" => {
                if let (Some(t), Some(a), Some(b)) = (s(0), s(1), s(2)) {
                    self.ddl.push(
                        &format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(&t), q(&a), q(&b)),
                        at,
                    );
                }
            }
            "rename_table" => {
                if let (Some(a), Some(b)) = (s(0), s(1)) {
                    self.ddl
                        .push(&format!("ALTER TABLE {} RENAME TO {}", q(&a), q(&b)), at);
                }
            }
            "drop_table" => {
                if let Some(t) = s(0) {
                    self.ddl.push(&format!("DROP TABLE {}", q(&t)), at);
                }
            }
            "execute" => {
                if let Some(n) = pos.first() {
                    if let Some(sql) = n.str() {
                        for stmt in sql.split(';').filter(|x| !x.trim().is_empty()) {
                            self.ddl.push(stmt.trim(), n.span.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// One line of a `create_table` / `change_table` block.
    fn table_line(
        &mut self,
        table: &str,
        st: &Node,
        cols: &mut Vec<String>,
        later: &mut Vec<(String, std::ops::Range<usize>)>,
        alter: bool,
    ) {
        let (func, args): (&Node, &[Arg]) = match &st.e {
            E::Call { func, args, .. } => (func, args),
            // `t.timestamps` without arguments.
            E::Attr(..) => (st, &[]),
            _ => return,
        };
        let E::Attr(_, method) = &func.e else { return };
        let at = Self::header(st, args);
        let pos = positional(args);
        match method.as_str() {
            "index" => {
                if let Some(c) = pos.first() {
                    later.push((index_def(table, c, args).sql(), at));
                }
            }
            "references" | "belongs_to" => {
                for rel in pos.iter().filter_map(|n| n.str()) {
                    reference(table, rel, args, at.clone(), cols, later);
                }
            }
            "timestamps" => {
                cols.push(format!("{} timestamp", q("created_at")));
                cols.push(format!("{} timestamp", q("updated_at")));
            }
            "remove" => {
                for c in pos.iter().filter_map(|n| n.str()) {
                    later.push((
                        format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(c)),
                        at.clone(),
                    ));
                }
            }
            "rename" => {
                if let (Some(a), Some(b)) = (
                    pos.first().and_then(|n| n.str()),
                    pos.get(1).and_then(|n| n.str()),
                ) {
                    later.push((
                        format!(
                            "ALTER TABLE {} RENAME COLUMN {} TO {}",
                            q(table),
                            q(a),
                            q(b)
                        ),
                        at,
                    ));
                }
            }
            "remove_index" => {
                let name = kwarg(args, "name").and_then(Node::str).map(str::to_string);
                let name = name.or_else(|| {
                    let c = kwarg(args, "column").or(pos.first().copied())?;
                    let cols: Vec<(String, bool)> =
                        names(c).into_iter().map(|c| (c, false)).collect();
                    Some(default_index_name(table, &cols))
                });
                if let Some(n) = name {
                    later.push((format!("DROP INDEX {}", q(&n)), at));
                }
            }
            ty => {
                let sql_ty = match ty {
                    "column" => pos.get(1).and_then(|n| n.str()).map_or("text", rails_type),
                    _ => rails_type(ty),
                };
                let names: Vec<&str> = if ty == "column" {
                    pos.first().and_then(|n| n.str()).into_iter().collect()
                } else {
                    pos.iter().filter_map(|n| n.str()).collect()
                };
                for c in names {
                    let mut def = format!("{} {sql_ty}", q(c));
                    if kwarg(args, "null")
                        .is_some_and(|n| matches!(&n.e, E::Name(f) if f == "false"))
                    {
                        def.push_str(" NOT NULL");
                    }
                    if kwarg(args, "primary_key").is_some_and(Node::is_true) {
                        def.push_str(" PRIMARY KEY");
                    }
                    if alter {
                        later.push((
                            format!("ALTER TABLE {} ADD COLUMN {def}", q(table)),
                            at.clone(),
                        ));
                    } else {
                        cols.push(def);
                    }
                    if let Some(ix) = kwarg(args, "index") {
                        if !matches!(&ix.e, E::Name(f) if f == "false") {
                            let mut d = IndexDef {
                                table: table.to_string(),
                                cols: vec![(c.to_string(), false)],
                                ..IndexDef::default()
                            };
                            if let E::Dict(kv) = &ix.e {
                                d.unique = kv
                                    .iter()
                                    .any(|(k, v)| k.str() == Some("unique") && v.is_true());
                            }
                            d.name = default_index_name(table, &d.cols);
                            later.push((d.sql(), at.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// `t.references :user` / `add_reference :orders, :user`: the `<name>_id` column (and
/// `<name>_type` when polymorphic), its index unless `index: false`, its foreign key when
/// `foreign_key:` is given.
fn reference(
    table: &str,
    rel: &str,
    args: &[Arg],
    at: std::ops::Range<usize>,
    cols: &mut Vec<String>,
    later: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let ty = kwarg(args, "type")
        .and_then(Node::str)
        .map_or("bigint", rails_type);
    let col = format!("{rel}_id");
    let mut key = Vec::new();
    let polymorphic = kwarg(args, "polymorphic").is_some_and(Node::is_true);
    if polymorphic {
        cols.push(format!("{} varchar", q(&format!("{rel}_type"))));
        key.push((format!("{rel}_type"), false));
    }
    let mut def = format!("{} {ty}", q(&col));
    if kwarg(args, "null").is_some_and(|n| matches!(&n.e, E::Name(f) if f == "false")) {
        def.push_str(" NOT NULL");
    }
    cols.push(def);
    key.push((col.clone(), false));
    let index = kwarg(args, "index");
    if !index.is_some_and(|n| matches!(&n.e, E::Name(f) if f == "false")) {
        let mut d = IndexDef {
            table: table.to_string(),
            cols: key.clone(),
            ..IndexDef::default()
        };
        if let Some(E::Dict(kv)) = index.map(|n| &n.e) {
            d.unique = kv
                .iter()
                .any(|(k, v)| k.str() == Some("unique") && v.is_true());
            if let Some((_, n)) = kv.iter().find(|(k, _)| k.str() == Some("name")) {
                d.name = n.str().unwrap_or_default().to_string();
            }
        }
        if d.name.is_empty() {
            d.name = default_index_name(table, &d.cols);
        }
        later.push((d.sql(), at.clone()));
    }
    if let Some(fk) = kwarg(args, "foreign_key") {
        if matches!(&fk.e, E::Name(f) if f == "false") {
            return;
        }
        let to = match &fk.e {
            E::Dict(kv) => kv
                .iter()
                .find(|(k, _)| k.str() == Some("to_table"))
                .and_then(|(_, v)| v.str())
                .map(str::to_string),
            _ => None,
        }
        .unwrap_or_else(|| ddl::plural(rel));
        if !polymorphic {
            later.push((
                ddl::foreign_key(table, &[col], &to, &["id".to_string()]),
                at,
            ));
        }
    }
}

/// `t.index [...]` / `add_index :t, [...]` with its options.
fn index_def(table: &str, cols: &Node, args: &[Arg]) -> IndexDef {
    let mut d = IndexDef {
        table: table.to_string(),
        ..IndexDef::default()
    };
    let order: Vec<(String, bool)> = match kwarg(args, "order").map(|n| &n.e) {
        Some(E::Dict(kv)) => kv
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.str()?.to_string(),
                    v.str().is_some_and(|s| s.eq_ignore_ascii_case("desc")),
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    match &cols.e {
        // An expression index: `t.index "lower((email)::text)"`.
        E::Str(s) if s.contains('(') => d.cols.push((s.clone(), false)),
        _ => {
            for c in names(cols) {
                let desc = order.iter().any(|(o, desc)| *o == c && *desc);
                d.cols.push((c, desc));
            }
        }
    }
    d.unique = kwarg(args, "unique").is_some_and(Node::is_true);
    d.using = kwarg(args, "using")
        .and_then(Node::str)
        .filter(|u| *u != "btree")
        .map(str::to_string);
    d.predicate = kwarg(args, "where").and_then(Node::str).map(str::to_string);
    match kwarg(args, "opclass").map(|n| &n.e) {
        Some(E::Dict(kv)) => {
            for (k, v) in kv {
                if let (Some(k), Some(v)) = (k.str(), v.str()) {
                    d.opclasses.push((k.to_string(), v.to_string()));
                }
            }
        }
        Some(E::Sym(o) | E::Str(o)) => {
            for (c, _) in &d.cols {
                d.opclasses.push((c.clone(), o.clone()));
            }
        }
        _ => {}
    }
    d.name = kwarg(args, "name")
        .and_then(Node::str)
        .map_or_else(|| default_index_name(table, &d.cols), str::to_string);
    d
}

/// `add_index :orders, [:user_id, :created_at]`: the ActiveRecord form of a new index.
pub fn index_form(table: &str, cols: &[(String, bool)]) -> String {
    let list = if cols.len() == 1 {
        format!(":{}", cols[0].0)
    } else {
        format!(
            "[{}]",
            cols.iter()
                .map(|(c, _)| format!(":{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let desc: Vec<String> = cols
        .iter()
        .filter(|(_, d)| *d)
        .map(|(c, _)| format!("{c}: :desc"))
        .collect();
    let mut s = format!("add_index :{table}, {list}");
    if !desc.is_empty() {
        s.push_str(&format!(", order: {{ {} }}", desc.join(", ")));
    }
    s.push_str(", algorithm: :concurrently");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(path: &str, text: &str) -> OrmFile {
        let mut out = OrmFile::default();
        read(path, text, &mut out);
        out
    }

    #[test]
    fn schema_rb_tables_references_and_indexes() {
        let src = r#"ActiveRecord::Schema[7.1].define(version: 2024_05_01_000000) do
  create_table "orders", force: :cascade do |t|
    t.references :user, null: false, foreign_key: true
    t.string "status"
    t.timestamps
    t.index ["status", "created_at"], name: "ix_status", order: { created_at: :desc }, where: "status <> 'done'"
  end
  add_index "orders", ["user_id"], name: "dup_user"
end
"#;
        let out = read_text("db/schema.rb", src);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"orders\" (\"id\" bigint PRIMARY KEY, \"user_id\" bigint NOT NULL, \"status\" varchar, \"created_at\" timestamp, \"updated_at\" timestamp)"), "{text}");
        assert!(
            text.contains("CREATE INDEX \"index_orders_on_user_id\" ON \"orders\" (\"user_id\")"),
            "{text}"
        );
        assert!(text.contains("ALTER TABLE \"orders\" ADD FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\")"), "{text}");
        assert!(text.contains("CREATE INDEX \"ix_status\" ON \"orders\" (\"status\", \"created_at\" DESC) WHERE status <> 'done'"), "{text}");
        assert!(text.contains("CREATE INDEX \"dup_user\""), "{text}");
        assert_eq!(out.schema_source.map(|s| s.authority), Some(2));
    }

    #[test]
    fn models_scopes_and_chains() {
        let src = r#"class Order < ApplicationRecord
  belongs_to :buyer, class_name: "User"
  scope :open, -> { where(status: "open") }

  def self.recent_for(user)
    open.where(buyer_id: user.id).order(created_at: :desc).limit(20)
  end
end

Order.where("total > ?", 10).where(created_at: 1.week.ago..).first
Order.find_by(code: "x")
Order.new(status: "x")
"#;
        let out = read_text("app/models/order.rb", src);
        assert_eq!(out.models.len(), 1);
        assert_eq!(out.models[0].table, "orders");
        assert_eq!(out.queries.len(), 3, "{:#?}", out.queries);
        let q0 = &out.queries[0];
        assert_eq!(q0.filters.len(), 2);
        assert_eq!(q0.order, vec![(vec!["created_at".to_string()], true)]);
        assert_eq!(q0.limit, Some(20));
        let q1 = &out.queries[1];
        assert_eq!(q1.raw_conditions, vec!["total > ?".to_string()]);
        assert_eq!(q1.filters[0].op, Op::Ge);
        assert_eq!(q1.order_by_pk, Some(false));
        assert_eq!(out.queries[2].limit, Some(1));
    }

    #[test]
    fn index_form_is_add_index() {
        assert_eq!(
            index_form("orders", &[("user_id".into(), false), ("created_at".into(), true)]),
            "add_index :orders, [:user_id, :created_at], order: { created_at: :desc }, algorithm: :concurrently"
        );
    }
}

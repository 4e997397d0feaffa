//! Django: `models.py` and `migrations/*.py` schema readers, QuerySet call chains.
//!
//! Input: a Python file. Output, in [`OrmFile`]: for each model class (a class whose base
//! ends in `Model`, unless `Meta.abstract`), `CREATE TABLE "<app>_<model>"` (or
//! `Meta.db_table`) with the implicit `id bigint` primary key unless a field says
//! `primary_key=True`; a column per field (`db_column`, `<name>_id` for `ForeignKey` /
//! `OneToOneField`); an index for `db_index=True` and for every `ForeignKey` (Django indexes
//! foreign keys by default, `db_index=False` turns it off), a unique index for `unique=True`
//! and `OneToOneField`; `Meta.indexes` (`fields` with `-` for descending, `name`,
//! `condition=Q(...)`, `opclasses`), `Meta.constraints` `UniqueConstraint`,
//! `unique_together` and `index_together`. Migration files (`operations = [...]`) give the
//! same from `CreateModel`, `AddField`, `AlterField` (index only), `RemoveField`,
//! `AddIndex`, `RemoveIndex`, `AddConstraint`, `AlterUniqueTogether`, `RenameField`,
//! `DeleteModel` and `RunSQL`; they are authoritative: when a project has Django migrations
//! the models' DDL is not folded (the models still name tables and columns for queries).
//! Queries: `Model.objects.filter(...)` chains with lookups (`__gte`, `__in`, `__isnull`,
//! `__iexact`, `__icontains`, `__startswith`, related `author__email`), `exclude`, `get`,
//! `order_by`, slicing, `first`/`last`, `count`, `exists`, `update`, `delete`,
//! `select_related`.
//!
//! The app label is the directory holding `models.py` (or the `models/` package, or
//! `migrations/`). Index names are Django-like (`<table>_<column>_idx`), not Django's
//! hashed names; findings name the columns, so this does not change a verdict.

use super::ddl::{self, q, Ddl, IndexDef};
use super::syntax::{self, flatten, kwarg, positional, Arg, Node, PyLine, PyStmt, Step, E};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::collections::HashMap;

/// The reader's prefilter.
pub fn claims(path: &str, text: &str) -> bool {
    path.ends_with(".py")
        && (text.contains("models.Model")
            || text.contains("migrations.Migration")
            || text.contains(".objects"))
}

/// The app label of a file: the directory above `models.py`, `models/` or `migrations/`.
fn app_label(path: &str) -> String {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let n = parts.len();
    let pick = |i: usize| parts.get(i).map_or("app", |s| s).to_string();
    if n >= 2 && parts[n - 1] == "models.py" {
        return pick(n.wrapping_sub(2));
    }
    for (i, p) in parts.iter().enumerate().rev() {
        if (*p == "models" || *p == "migrations") && i > 0 && i + 1 < n {
            return pick(i - 1);
        }
    }
    if n >= 2 {
        pick(n - 2)
    } else {
        "app".into()
    }
}

/// Read one Python file.
pub fn read(path: &str, text: &str, out: &mut OrmFile) {
    let lines = syntax::parse_python(text);
    let app = app_label(path);
    let mut ddl = Ddl::default();
    if text.contains("migrations.Migration") {
        migration(&lines, &app, &mut ddl);
        if let Some(f) = ddl.finish(Orm::Django) {
            out.schema.push(f);
        }
        out.schema_source = Some(SchemaSource {
            orm: Orm::Django,
            reader: "django-migrations",
            authority: 2,
        });
        out.owns_sql = true;
        return;
    }
    let classes = models(&lines, &app);
    for c in &classes {
        if c.is_model && !c.abstract_ {
            write_model(c, &classes, &mut ddl);
        }
    }
    let found = !ddl.is_empty();
    if let Some(f) = ddl.finish(Orm::Django) {
        out.schema.push(f);
    }
    if found {
        out.schema_source = Some(SchemaSource {
            orm: Orm::Django,
            reader: "models.py",
            authority: 1,
        });
    }
    for c in classes.iter().filter(|c| c.is_model && !c.abstract_) {
        let mut fields = Vec::new();
        for f in inherited_fields(c, &classes) {
            fields.push(ModelField {
                attr: f.name.clone(),
                column: f.column.clone(),
                relation: f.relation.clone(),
            });
        }
        out.models.push(Model {
            orm: Orm::Django,
            class: c.name.clone(),
            table: c.table.clone(),
            fields,
            primary_key: vec![pk_of(c, &classes)],
        });
    }
    queries(&lines, out);
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    column: String,
    kind: String,
    relation: Option<String>,
    ref_table: Option<String>,
    db_index: bool,
    unique: bool,
    primary_key: bool,
    span: std::ops::Range<usize>,
}

#[derive(Debug)]
struct Class {
    name: String,
    bases: Vec<String>,
    is_model: bool,
    abstract_: bool,
    table: String,
    fields: Vec<Field>,
    /// Meta statements (`indexes = [...]`, ...): name, value.
    meta: Vec<(String, Node)>,
    span: std::ops::Range<usize>,
}

/// Model classes of a file (abstract ones included, for inheritance).
fn models(lines: &[PyLine], app: &str) -> Vec<Class> {
    let mut out: Vec<Class> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let PyStmt::Class { name, bases } = &lines[i].stmt else {
            i += 1;
            continue;
        };
        let indent = lines[i].indent;
        let bases: Vec<String> = bases
            .iter()
            .filter_map(|b| b.dotted())
            .map(|d| d.rsplit('.').next().unwrap_or(&d).to_string())
            .collect();
        let is_model = bases
            .iter()
            .any(|b| b.ends_with("Model") || out.iter().any(|c| c.is_model && &c.name == b));
        let mut c = Class {
            name: name.clone(),
            bases,
            is_model,
            abstract_: false,
            table: format!("{app}_{}", name.to_lowercase()),
            fields: Vec::new(),
            meta: Vec::new(),
            span: lines[i].span.clone(),
        };
        let mut j = i + 1;
        let mut body_indent = None;
        while j < lines.len() && lines[j].indent > indent {
            let bi = *body_indent.get_or_insert(lines[j].indent);
            if lines[j].indent == bi {
                match &lines[j].stmt {
                    PyStmt::Class { name, .. } if name == "Meta" => {
                        let mi = lines[j].indent;
                        let mut k = j + 1;
                        while k < lines.len() && lines[k].indent > mi {
                            if let PyStmt::Assign { target, value } = &lines[k].stmt {
                                if let Some(t) = target.name() {
                                    c.meta.push((t.to_string(), value.clone()));
                                }
                            }
                            k += 1;
                        }
                        j = k;
                        continue;
                    }
                    PyStmt::Assign { target, value } => {
                        if let (Some(n), E::Call { func, args, .. }) = (target.name(), &value.e) {
                            if let Some(f) = field(n, func, args, app, lines[j].span.clone()) {
                                c.fields.push(f);
                            }
                        }
                    }
                    _ => {}
                }
            }
            j += 1;
        }
        for (k, v) in &c.meta {
            match k.as_str() {
                "db_table" => {
                    if let Some(t) = v.str() {
                        c.table = t.to_string();
                    }
                }
                "abstract" => c.abstract_ = v.is_true(),
                _ => {}
            }
        }
        out.push(c);
        i = j.max(i + 1);
    }
    out
}

/// A field declaration `name = models.XField(...)`.
fn field(
    name: &str,
    func: &Node,
    args: &[Arg],
    app: &str,
    span: std::ops::Range<usize>,
) -> Option<Field> {
    let kind = func.dotted()?;
    let kind = kind.rsplit('.').next()?.to_string();
    if !kind.ends_with("Field") && kind != "ForeignKey" {
        return None;
    }
    if kind == "ManyToManyField" {
        return None;
    }
    let fk = kind == "ForeignKey" || kind == "OneToOneField";
    let (relation, ref_table) = if fk {
        target(
            positional(args)
                .first()
                .copied()
                .or_else(|| kwarg(args, "to")),
            app,
        )
    } else {
        (None, None)
    };
    let column = kwarg(args, "db_column")
        .and_then(Node::str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            if fk {
                format!("{name}_id")
            } else {
                name.to_string()
            }
        });
    let flag = |k: &str| kwarg(args, k).map(Node::is_true);
    Some(Field {
        name: name.to_string(),
        column,
        relation,
        ref_table,
        db_index: flag("db_index").unwrap_or(kind == "ForeignKey" || kind == "SlugField"),
        unique: flag("unique").unwrap_or(false) || kind == "OneToOneField",
        primary_key: flag("primary_key").unwrap_or(false),
        kind,
        span,
    })
}

/// The class and table a relation points at: `Author`, `"Author"`, `"shop.Author"`,
/// `settings.AUTH_USER_MODEL` (Django's `auth_user`).
fn target(n: Option<&Node>, app: &str) -> (Option<String>, Option<String>) {
    let Some(n) = n else { return (None, None) };
    let text = n.str().map(str::to_string).or_else(|| n.dotted());
    let Some(text) = text else {
        return (None, None);
    };
    if text.ends_with("AUTH_USER_MODEL") || text == "get_user_model" {
        return (Some("User".into()), Some("auth_user".into()));
    }
    let (a, class) = match text.rsplit_once('.') {
        Some((a, c)) if n.str().is_some() => (a.to_string(), c.to_string()),
        Some((_, c)) => (app.to_string(), c.to_string()),
        None => (app.to_string(), text.clone()),
    };
    let table = format!("{a}_{}", class.to_lowercase());
    (Some(class), Some(table))
}

fn inherited_fields<'a>(c: &'a Class, all: &'a [Class]) -> Vec<&'a Field> {
    let mut out: Vec<&Field> = Vec::new();
    for b in &c.bases {
        if let Some(parent) = all.iter().find(|p| &p.name == b && p.abstract_) {
            out.extend(parent.fields.iter());
        }
    }
    out.extend(c.fields.iter());
    out
}

fn pk_of(c: &Class, all: &[Class]) -> String {
    inherited_fields(c, all)
        .iter()
        .find(|f| f.primary_key)
        .map_or_else(|| "id".to_string(), |f| f.column.clone())
}

fn sql_type(kind: &str) -> &'static str {
    match kind {
        "AutoField" | "IntegerField" | "SmallIntegerField" | "PositiveIntegerField" => "integer",
        "BigAutoField" | "BigIntegerField" | "ForeignKey" | "OneToOneField" => "bigint",
        "CharField" | "SlugField" | "EmailField" | "URLField" => "varchar",
        "TextField" => "text",
        "BooleanField" => "boolean",
        "DateTimeField" => "timestamp",
        "DateField" => "date",
        "DecimalField" => "numeric",
        "FloatField" => "double precision",
        "UUIDField" => "uuid",
        "JSONField" => "jsonb",
        _ => "text",
    }
}

/// The DDL of one concrete model: table, field indexes, foreign keys, Meta.
fn write_model(c: &Class, all: &[Class], ddl: &mut Ddl) {
    let fields = inherited_fields(c, all);
    let table = &c.table;
    let mut cols = Vec::new();
    if !fields.iter().any(|f| f.primary_key) {
        cols.push(format!("{} bigint PRIMARY KEY", q("id")));
    }
    for f in &fields {
        let mut d = format!("{} {}", q(&f.column), sql_type(&f.kind));
        if f.primary_key {
            d.push_str(" PRIMARY KEY");
        }
        cols.push(d);
    }
    ddl.push(
        &format!("CREATE TABLE {} ({})", q(table), cols.join(", ")),
        c.span.clone(),
    );
    for f in &fields {
        field_extras(table, f, ddl);
    }
    meta(table, &c.meta, &fields, ddl, c.span.clone());
}

/// Index, unique index and foreign key of one field.
fn field_extras(table: &str, f: &Field, ddl: &mut Ddl) {
    if f.primary_key {
        return;
    }
    if f.unique {
        let ix = IndexDef {
            name: format!("{table}_{}_key", f.column),
            table: table.to_string(),
            cols: vec![(f.column.clone(), false)],
            unique: true,
            ..IndexDef::default()
        };
        ddl.push(&ix.sql(), f.span.clone());
    } else if f.db_index {
        let ix = IndexDef {
            name: format!("{table}_{}_idx", f.column),
            table: table.to_string(),
            cols: vec![(f.column.clone(), false)],
            ..IndexDef::default()
        };
        ddl.push(&ix.sql(), f.span.clone());
    }
    // Django's PostgreSQL backend adds a `_like` index with the pattern operator class to
    // every indexed or unique varchar/text field, so `__startswith` / `LIKE 'x%'` is served
    // (django/db/backends/postgresql/schema.py, `_create_like_index_sql`). Other dialects
    // drop this statement (see `lib.rs::process_text`).
    let opclass = match sql_type(&f.kind) {
        "varchar" => Some("varchar_pattern_ops"),
        "text" if f.kind == "TextField" => Some("text_pattern_ops"),
        _ => None,
    };
    if let (Some(op), true) = (opclass, f.unique || f.db_index) {
        ddl.push(
            &format!(
                "CREATE INDEX {} ON {} ({} {op})",
                q(&format!("{table}_{}_like", f.column)),
                q(table),
                q(&f.column)
            ),
            f.span.clone(),
        );
    }
    if let Some(r) = &f.ref_table {
        ddl.push(
            &ddl::foreign_key(table, std::slice::from_ref(&f.column), r, &["id".into()]),
            f.span.clone(),
        );
    }
}

fn column_of(fields: &[&Field], name: &str) -> String {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or_else(|| name.to_string(), |f| f.column.clone())
}

/// `Meta.indexes`, `constraints`, `unique_together`, `index_together`.
fn meta(
    table: &str,
    meta: &[(String, Node)],
    fields: &[&Field],
    ddl: &mut Ddl,
    at: std::ops::Range<usize>,
) {
    for (k, v) in meta {
        match k.as_str() {
            "indexes" | "constraints" => {
                for item in v.items() {
                    if let Some(ix) = index_call(table, item, fields) {
                        ddl.push(&ix.sql(), item.span.clone());
                    }
                }
            }
            "unique_together" | "index_together" => {
                let groups: Vec<&Node> = match v.items().first().map(|n| &n.e) {
                    Some(E::List(_)) => v.items(),
                    _ => vec![v],
                };
                for g in groups {
                    let cols: Vec<(String, bool)> = g
                        .items()
                        .iter()
                        .filter_map(|n| n.str())
                        .map(|n| (column_of(fields, n), false))
                        .collect();
                    if cols.is_empty() {
                        continue;
                    }
                    let unique = k == "unique_together";
                    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
                    let ix = IndexDef {
                        name: format!(
                            "{table}_{}_{}",
                            names.join("_"),
                            if unique { "uniq" } else { "idx" }
                        ),
                        table: table.to_string(),
                        cols,
                        unique,
                        ..IndexDef::default()
                    };
                    let span = if g.span.is_empty() {
                        at.clone()
                    } else {
                        g.span.clone()
                    };
                    ddl.push(&ix.sql(), span);
                }
            }
            _ => {}
        }
    }
}

/// `models.Index(fields=[...], name=..., condition=Q(...), opclasses=[...])` or
/// `models.UniqueConstraint(fields=[...], name=..., condition=...)`.
fn index_call(table: &str, n: &Node, fields: &[&Field]) -> Option<IndexDef> {
    let E::Call { func, args, .. } = &n.e else {
        return None;
    };
    let kind = func.dotted()?;
    let unique = kind.ends_with("UniqueConstraint");
    if !unique && !kind.ends_with("Index") {
        return None;
    }
    let mut ix = IndexDef {
        table: table.to_string(),
        unique,
        ..IndexDef::default()
    };
    if let Some(fs) = kwarg(args, "fields") {
        for f in fs.items() {
            let s = f.str()?;
            let (name, desc) = match s.strip_prefix('-') {
                Some(n) => (n, true),
                None => (s, false),
            };
            ix.cols.push((column_of(fields, name), desc));
        }
    } else {
        // Expressions: `Lower("email")`, `Upper(...)`, `F("x").desc()`.
        for p in positional(args) {
            ix.cols.push((expression(p, fields)?, false));
        }
    }
    if ix.cols.is_empty() {
        return None;
    }
    ix.name = kwarg(args, "name")
        .and_then(Node::str)
        .map_or_else(|| format!("{table}_{}_idx", ix.cols[0].0), str::to_string);
    if let Some(c) = kwarg(args, "condition") {
        ix.predicate = Some(q_sql(c, fields)?);
    }
    if let Some(ops) = kwarg(args, "opclasses") {
        for (i, o) in ops.items().iter().enumerate() {
            if let (Some(o), Some((c, _))) = (o.str(), ix.cols.get(i)) {
                ix.opclasses.push((c.clone(), o.to_string()));
            }
        }
    }
    if let Some(u) = kwarg(args, "db_tablespace") {
        let _ = u;
    }
    Some(ix)
}

fn expression(n: &Node, fields: &[&Field]) -> Option<String> {
    match &n.e {
        E::Str(s) => Some(column_of(fields, s)),
        E::Call { func, args, .. } => {
            let f = func.dotted()?;
            let f = f.rsplit('.').next()?.to_lowercase();
            let inner = expression(&args.first()?.value, fields)?;
            match f.as_str() {
                "lower" | "upper" => Some(format!("{f}({})", q(&inner))),
                "f" => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A `Q(...)` condition as SQL (simple lookups only).
fn q_sql(n: &Node, fields: &[&Field]) -> Option<String> {
    match &n.e {
        E::Call { func, args, .. } if func.dotted()?.ends_with('Q') => {
            let mut parts = Vec::new();
            for a in args {
                let key = a.key.as_deref()?;
                let (name, lookup) = match key.rsplit_once("__") {
                    Some((n, l)) => (n, l),
                    None => (key, "exact"),
                };
                let col = q(&column_of(fields, name));
                let val = literal(&a.value)?;
                parts.push(match lookup {
                    "exact" => {
                        if val == "NULL" {
                            format!("{col} IS NULL")
                        } else {
                            format!("{col} = {val}")
                        }
                    }
                    "isnull" => {
                        if a.value.is_true() {
                            format!("{col} IS NULL")
                        } else {
                            format!("{col} IS NOT NULL")
                        }
                    }
                    "gt" => format!("{col} > {val}"),
                    "gte" => format!("{col} >= {val}"),
                    "lt" => format!("{col} < {val}"),
                    "lte" => format!("{col} <= {val}"),
                    _ => return None,
                });
            }
            Some(parts.join(" AND "))
        }
        E::Bin(op, a, b) if op == "&" || op == "|" => {
            let sep = if op == "&" { " AND " } else { " OR " };
            Some(format!("({}{sep}{})", q_sql(a, fields)?, q_sql(b, fields)?))
        }
        _ => None,
    }
}

fn literal(n: &Node) -> Option<String> {
    match &n.e {
        E::Str(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        E::Num(s) => Some(s.clone()),
        E::Name(b) if b == "True" => Some("true".into()),
        E::Name(b) if b == "False" => Some("false".into()),
        E::Name(b) if b == "None" => Some("NULL".into()),
        _ => None,
    }
}

/// A migration file: the `operations = [...]` list in order.
fn migration(lines: &[PyLine], app: &str, ddl: &mut Ddl) {
    // Fields per model as the operations declare them, for column names of later ops.
    let mut known: HashMap<String, (String, Vec<Field>)> = HashMap::new();
    for l in lines {
        let PyStmt::Assign { target, value } = &l.stmt else {
            continue;
        };
        if target.name() != Some("operations") {
            continue;
        }
        for op in value.items() {
            operation(op, app, ddl, &mut known);
        }
    }
}

fn operation(
    op: &Node,
    app: &str,
    ddl: &mut Ddl,
    known: &mut HashMap<String, (String, Vec<Field>)>,
) {
    let E::Call { func, args, .. } = &op.e else {
        return;
    };
    let Some(kind) = func.dotted() else { return };
    let kind = kind.rsplit('.').next().unwrap_or(&kind).to_string();
    let pos = positional(args);
    let arg = |i: usize, k: &str| kwarg(args, k).or(pos.get(i).copied());
    let model_name = arg(
        0,
        if kind == "CreateModel" || kind == "DeleteModel" {
            "name"
        } else {
            "model_name"
        },
    )
    .and_then(Node::str)
    .map(str::to_lowercase);
    let at = op.span.clone();
    let table_of = |m: &str, known: &HashMap<String, (String, Vec<Field>)>| {
        known
            .get(m)
            .map_or_else(|| format!("{app}_{m}"), |(t, _)| t.clone())
    };
    match kind.as_str() {
        "CreateModel" => {
            let Some(m) = model_name else { return };
            let mut table = format!("{app}_{m}");
            let options = kwarg(args, "options");
            let mut meta_items = Vec::new();
            if let Some(E::Dict(kv)) = options.map(|o| &o.e) {
                for (k, v) in kv {
                    if let Some(k) = k.str() {
                        if k == "db_table" {
                            if let Some(t) = v.str() {
                                table = t.to_string();
                            }
                        }
                        meta_items.push((k.to_string(), v.clone()));
                    }
                }
            }
            let mut fields = Vec::new();
            if let Some(fs) = arg(1, "fields") {
                for pair in fs.items() {
                    let items = pair.items();
                    let (Some(n), Some(call)) = (items.first().and_then(|n| n.str()), items.get(1))
                    else {
                        continue;
                    };
                    if let E::Call { func, args, .. } = &call.e {
                        if let Some(f) = field(n, func, args, app, pair.span.clone()) {
                            fields.push(f);
                        }
                    }
                }
            }
            let c = Class {
                name: m.clone(),
                bases: Vec::new(),
                is_model: true,
                abstract_: false,
                table: table.clone(),
                fields: fields.clone(),
                meta: meta_items,
                span: at,
            };
            write_model(&c, &[], ddl);
            known.insert(m, (table, fields));
        }
        "DeleteModel" => {
            if let Some(m) = model_name {
                ddl.push(&format!("DROP TABLE {}", q(&table_of(&m, known))), at);
                known.remove(&m);
            }
        }
        "AddField" | "AlterField" => {
            let (
                Some(m),
                Some(name),
                Some(E::Call {
                    func, args: fargs, ..
                }),
            ) = (
                model_name,
                arg(1, "name").and_then(Node::str),
                arg(2, "field").map(|n| &n.e),
            )
            else {
                return;
            };
            let Some(f) = field(name, func, fargs, app, at.clone()) else {
                return;
            };
            let table = table_of(&m, known);
            if kind == "AddField" {
                ddl.push(
                    &format!(
                        "ALTER TABLE {} ADD COLUMN {} {}",
                        q(&table),
                        q(&f.column),
                        sql_type(&f.kind)
                    ),
                    at,
                );
                field_extras(&table, &f, ddl);
            } else if f.db_index || f.unique {
                // AlterField adding an index; one removing it is not modelled.
                let mut g = f.clone();
                g.ref_table = None;
                field_extras(&table, &g, ddl);
            }
            if let Some(e) = known.get_mut(&m) {
                e.1.retain(|x| x.name != f.name);
                e.1.push(f);
            }
        }
        "RemoveField" => {
            if let (Some(m), Some(name)) = (model_name, arg(1, "name").and_then(Node::str)) {
                let table = table_of(&m, known);
                let col = known
                    .get(&m)
                    .and_then(|(_, fs)| fs.iter().find(|f| f.name == name))
                    .map_or_else(|| name.to_string(), |f| f.column.clone());
                ddl.push(
                    &format!("ALTER TABLE {} DROP COLUMN {}", q(&table), q(&col)),
                    at,
                );
            }
        }
        "RenameField" => {
            if let (Some(m), Some(a), Some(b)) = (
                model_name,
                arg(1, "old_name").and_then(Node::str),
                arg(2, "new_name").and_then(Node::str),
            ) {
                let table = table_of(&m, known);
                ddl.push(
                    &format!(
                        "ALTER TABLE {} RENAME COLUMN {} TO {}",
                        q(&table),
                        q(a),
                        q(b)
                    ),
                    at,
                );
            }
        }
        "AddIndex" | "AddConstraint" => {
            let Some(m) = model_name else { return };
            let table = table_of(&m, known);
            let fields: Vec<Field> = known.get(&m).map(|(_, f)| f.clone()).unwrap_or_default();
            let refs: Vec<&Field> = fields.iter().collect();
            let key = if kind == "AddIndex" {
                "index"
            } else {
                "constraint"
            };
            if let Some(ix) = arg(1, key).and_then(|n| index_call(&table, n, &refs)) {
                ddl.push(&ix.sql(), at);
            }
        }
        "RemoveIndex" | "RemoveConstraint" => {
            if let Some(n) = arg(1, "name").and_then(Node::str) {
                ddl.push(&format!("DROP INDEX {}", q(n)), at);
            }
        }
        "AlterUniqueTogether" | "AlterIndexTogether" => {
            let Some(m) = model_name else { return };
            let table = table_of(&m, known);
            let fields: Vec<Field> = known.get(&m).map(|(_, f)| f.clone()).unwrap_or_default();
            let refs: Vec<&Field> = fields.iter().collect();
            let key = if kind == "AlterUniqueTogether" {
                "unique_together"
            } else {
                "index_together"
            };
            if let Some(v) = arg(1, key) {
                meta(&table, &[(key.to_string(), v.clone())], &refs, ddl, at);
            }
        }
        "RunSQL" => {
            if let Some(s) = arg(0, "sql") {
                for item in s.items() {
                    if let Some(sql) = item.str() {
                        for stmt in sql.split(';').filter(|x| !x.trim().is_empty()) {
                            ddl.push(stmt.trim(), item.span.clone());
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

const LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "contains",
    "icontains",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "range",
    "isnull",
    "date",
    "year",
    "month",
    "day",
    "week_day",
    "hour",
    "regex",
    "iregex",
    "search",
    "trigram_similar",
    "unaccent",
];

/// `author__email__iexact` as a path and its operators (no operators: not sargable).
fn lookup(key: &str, value: &Node) -> (Vec<String>, Vec<Op>) {
    let mut parts: Vec<String> = key.split("__").map(str::to_string).collect();
    let l = match parts.last() {
        Some(last) if parts.len() > 1 && LOOKUPS.contains(&last.as_str()) => parts.pop(),
        _ => None,
    };
    for p in &mut parts {
        if p == "pk" {
            *p = "id".into();
        }
    }
    let ops = match l.as_deref().unwrap_or("exact") {
        "exact" => {
            if matches!(&value.e, E::Name(n) if n == "None") {
                vec![Op::IsNull]
            } else {
                vec![Op::Eq]
            }
        }
        "iexact" => vec![Op::IEq],
        "contains" => vec![Op::Contains],
        "icontains" => vec![Op::ILike { prefix: false }],
        "in" => vec![Op::In],
        "gt" => vec![Op::Gt],
        "gte" => vec![Op::Ge],
        "lt" => vec![Op::Lt],
        "lte" => vec![Op::Le],
        "startswith" => vec![Op::StartsWith],
        "istartswith" => vec![Op::ILike { prefix: true }],
        "endswith" | "iendswith" => vec![Op::EndsWith],
        "range" => vec![Op::Ge, Op::Le],
        "isnull" => {
            if matches!(&value.e, E::Name(n) if n == "False") {
                vec![Op::IsNotNull]
            } else {
                vec![Op::IsNull]
            }
        }
        _ => Vec::new(),
    };
    (parts, ops)
}

fn kw_filters(args: &[Arg], negate: bool, out: &mut Vec<Filter>, any_of: &mut Vec<Vec<Filter>>) {
    for a in args {
        match &a.key {
            Some(k) => {
                let (path, ops) = lookup(k, &a.value);
                for op in ops {
                    out.push(Filter {
                        path: path.clone(),
                        op: if negate { Op::Ne } else { op },
                    });
                }
            }
            None => q_filters(&a.value, negate, out, any_of, 0),
        }
    }
}

/// `Q(a=1) & Q(b=2)` into `out`; `Q(a=1) | Q(b=2)` into `any_of`.
fn q_filters(
    n: &Node,
    negate: bool,
    out: &mut Vec<Filter>,
    any_of: &mut Vec<Vec<Filter>>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    match &n.e {
        E::Call { func, args, .. } if func.dotted().is_some_and(|d| d.ends_with('Q')) => {
            kw_filters(args, negate, out, any_of);
        }
        E::Bin(op, a, b) if op == "&" => {
            q_filters(a, negate, out, any_of, depth + 1);
            q_filters(b, negate, out, any_of, depth + 1);
        }
        E::Bin(op, _, _) if op == "|" && !negate => {
            let mut alts = Vec::new();
            collect_or(n, &mut alts, depth);
            any_of.extend(alts);
        }
        E::Un(op, inner) if op == "~" => q_filters(inner, true, out, any_of, depth + 1),
        _ => {}
    }
}

fn collect_or(n: &Node, alts: &mut Vec<Vec<Filter>>, depth: usize) {
    if depth > 16 {
        return;
    }
    if let E::Bin(op, a, b) = &n.e {
        if op == "|" {
            collect_or(a, alts, depth + 1);
            collect_or(b, alts, depth + 1);
            return;
        }
    }
    let mut f = Vec::new();
    let mut nested = Vec::new();
    q_filters(n, false, &mut f, &mut nested, depth + 1);
    if !f.is_empty() {
        alts.push(f);
    }
}

/// QuerySet chains anywhere in the file.
fn queries(lines: &[PyLine], out: &mut OrmFile) {
    let mut roots = Vec::new();
    for l in lines {
        match &l.stmt {
            PyStmt::Assign { target, value } => {
                roots.push(target.clone());
                roots.push(value.clone());
            }
            PyStmt::Expr(n) | PyStmt::With { value: n, .. } => roots.push(n.clone()),
            _ => {}
        }
    }
    syntax::walk(&roots, &mut |n| {
        if !matches!(n.e, E::Call { .. } | E::Attr(..) | E::Index(..)) {
            return true;
        }
        match chain(n) {
            Some(q) => {
                out.queries.push(q);
                false
            }
            None => true,
        }
    });
}

fn chain(n: &Node) -> Option<OrmQuery> {
    let (root, steps) = flatten(n);
    let class = root.name()?;
    if !class.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let mut it = steps.iter().peekable();
    match it.next() {
        Some(Step::Attr(m, _)) if *m == "objects" || *m == "_default_manager" => {}
        _ => return None,
    }
    let mut q = OrmQuery {
        orm: Orm::Django,
        model: class.to_string(),
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
    while let Some(step) = it.next() {
        match step {
            Step::Attr(m, _) => {
                let args: &[Arg] = match it.peek() {
                    Some(Step::Call(a, _)) => {
                        let a = *a;
                        it.next();
                        a
                    }
                    _ => &[],
                };
                any = true;
                match *m {
                    "filter" | "get" => {
                        let mut alts = Vec::new();
                        kw_filters(args, false, &mut q.filters, &mut alts);
                        if !alts.is_empty() {
                            if !q.any_of.is_empty() {
                                return None;
                            }
                            q.any_of = alts;
                        }
                    }
                    "exclude" => {
                        let mut alts = Vec::new();
                        kw_filters(args, true, &mut q.filters, &mut alts);
                    }
                    "order_by" => {
                        q.order.clear();
                        for a in positional(args) {
                            let s = a.str()?;
                            if s == "?" {
                                continue;
                            }
                            let (name, desc) = match s.strip_prefix('-') {
                                Some(n) => (n, true),
                                None => (s, false),
                            };
                            let path: Vec<String> = name
                                .split("__")
                                .map(|p| {
                                    if p == "pk" {
                                        "id".to_string()
                                    } else {
                                        p.to_string()
                                    }
                                })
                                .collect();
                            q.order.push((path, desc));
                        }
                    }
                    "first" | "last" | "earliest" | "latest" => {
                        let last = *m == "last" || *m == "latest";
                        if let Some(f) = positional(args).first().and_then(|a| a.str()) {
                            q.order = vec![(
                                vec![f.trim_start_matches('-').to_string()],
                                last ^ f.starts_with('-'),
                            )];
                        } else if q.order.is_empty() {
                            q.order_by_pk = Some(last);
                        } else if last {
                            for o in &mut q.order {
                                o.1 = !o.1;
                            }
                        }
                        q.limit = Some(1);
                    }
                    "count" => q.kind = QueryKind::Count,
                    "exists" => q.kind = QueryKind::Exists,
                    "update" => q.kind = QueryKind::Update,
                    "delete" => q.kind = QueryKind::Delete,
                    "select_related" => {
                        for a in positional(args) {
                            if let Some(r) = a.str() {
                                if !r.contains("__") {
                                    q.joins.push(r.to_string());
                                }
                            }
                        }
                    }
                    "all" | "only" | "defer" | "values" | "values_list" | "distinct"
                    | "prefetch_related" | "annotate" | "using" | "iterator" | "in_bulk"
                    | "aggregate" | "select_for_update" | "none" => {}
                    "create" | "get_or_create" | "update_or_create" | "bulk_create"
                    | "bulk_update" => {
                        if *m == "create" || *m == "bulk_create" || *m == "bulk_update" {
                            return None;
                        }
                        kw_filters(
                            &args
                                .iter()
                                .filter(|a| a.key.as_deref() != Some("defaults"))
                                .cloned()
                                .collect::<Vec<_>>(),
                            false,
                            &mut q.filters,
                            &mut Vec::new(),
                        );
                    }
                    _ => return None,
                }
            }
            Step::Index(ix) => {
                any = true;
                match ix.first().map(|n| &n.e) {
                    Some(E::Slice(_, Some(hi))) => {
                        if let E::Num(n) = &hi.e {
                            q.limit = n.parse().ok();
                        } else {
                            q.limit = Some(100);
                        }
                    }
                    Some(E::Num(_)) => q.limit = Some(1),
                    _ => {}
                }
            }
            Step::Call(..) => return None,
        }
    }
    any.then_some(q)
}

/// `models.Index(fields=["user", "-created"], name="...")`: the Django form of a new index.
pub fn index_form(table: &str, cols: &[(String, bool)]) -> String {
    let fields: Vec<String> = cols
        .iter()
        .map(|(c, d)| format!("\"{}{c}\"", if *d { "-" } else { "" }))
        .collect();
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    let mut name = format!("{table}_{}_idx", names.join("_"));
    // Django limits index names to 30 characters.
    if name.len() > 30 {
        name.truncate(26);
        name.push_str("_idx");
    }
    format!(
        "models.Index(fields=[{}], name=\"{name}\")  # in Meta.indexes",
        fields.join(", ")
    )
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
    fn models_with_fk_default_index_and_meta() {
        let src = r#"from django.db import models

class Author(models.Model):
    email = models.EmailField(unique=True)

class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    published = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["title", "-published"], name="book_title")]

def recent(a):
    return Book.objects.filter(author__email__iexact=a, published__gte=1).order_by("-published")[:10]
"#;
        let out = read_text("shop/models.py", src);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"shop_book\""), "{text}");
        // PostgreSQL's extra pattern index for an indexed (here unique) varchar field.
        assert!(
            text.contains(
                "CREATE INDEX \"shop_author_email_like\" ON \"shop_author\" (\"email\" varchar_pattern_ops)"
            ),
            "{text}"
        );
        assert!(
            !text.contains("shop_book_title_like"),
            "title has no index: {text}"
        );
        assert!(
            text.contains(
                "CREATE INDEX \"shop_book_author_id_idx\" ON \"shop_book\" (\"author_id\")"
            ),
            "{text}"
        );
        assert!(
            text.contains("CREATE UNIQUE INDEX \"shop_author_email_key\""),
            "{text}"
        );
        assert!(
            text.contains(
                "CREATE INDEX \"book_title\" ON \"shop_book\" (\"title\", \"published\" DESC)"
            ),
            "{text}"
        );
        assert_eq!(out.models.len(), 2);
        assert_eq!(out.queries.len(), 1);
        let q = &out.queries[0];
        assert_eq!(
            q.filters[0].path,
            vec!["author".to_string(), "email".to_string()]
        );
        assert_eq!(q.filters[0].op, Op::IEq);
        assert_eq!(q.limit, Some(10));
    }

    #[test]
    fn migrations_operations() {
        let src = r#"from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Ticket",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("queue", models.ForeignKey(on_delete=models.CASCADE, to="desk.queue")),
                ("state", models.CharField(max_length=10)),
            ],
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["state"], name="ticket_state"),
        ),
        migrations.RunSQL("CREATE INDEX t_lower ON desk_ticket (lower(state))"),
    ]
"#;
        let out = read_text("desk/migrations/0001_initial.py", src);
        let text = &out.schema[0].text;
        assert!(
            text.contains("CREATE TABLE \"desk_ticket\" (\"id\" bigint PRIMARY KEY"),
            "{text}"
        );
        assert!(text.contains("REFERENCES \"desk_queue\""), "{text}");
        assert!(text.contains("CREATE INDEX \"ticket_state\""), "{text}");
        assert!(text.contains("CREATE INDEX t_lower"), "{text}");
        assert!(out.owns_sql);
    }
}

//! SQLAlchemy declarative models, Core `Table(...)`, Alembic revisions and query chains.
//!
//! Input: a Python file. Output, in [`OrmFile`]: for a class with `__tablename__` (or a
//! `Table("name", metadata, ...)`), `CREATE TABLE` with a column per `Column(...)` /
//! `mapped_column(...)` (`primary_key=True`), an index for `index=True`, a unique index for
//! `unique=True`, a foreign key for `ForeignKey("t.c")` and **no** index for it
//! (SQLAlchemy creates none, and neither does PostgreSQL), `Index(...)` / `UniqueConstraint`
//! in `__table_args__` or at module level (`postgresql_where`, `postgresql_using`,
//! `postgresql_ops`, `.desc()`). Alembic revisions (a file with `def upgrade`): the `op.*`
//! calls of `upgrade()` only (`create_table`, `add_column`, `drop_column`, `create_index`,
//! `drop_index`, `create_unique_constraint`, `create_foreign_key`, `drop_constraint`,
//! `rename_table`, `alter_column(new_column_name=)`, `execute`, and the same inside
//! `with op.batch_alter_table(...) as b:`), folded in `down_revision` chain order, and
//! authoritative over the models. Queries: `session.query(M).filter(...).filter_by(...)`,
//! `M.query.filter(...)` (Flask-SQLAlchemy), `select(M).where(...)`, with `order_by`,
//! `limit`, `first`, `count`, `get`, `delete`, `update`.

use super::ddl::{q, Ddl, IndexDef};
use super::syntax::{self, flatten, kwarg, positional, Arg, Node, PyLine, PyStmt, Step, E};
use super::{Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource};
use std::collections::HashMap;

/// The reader's prefilter.
pub fn claims(path: &str, text: &str) -> bool {
    path.ends_with(".py")
        && (text.contains("sqlalchemy")
            || text.contains("alembic")
            || text.contains("__tablename__")
            || text.contains(".query("))
}

/// Read one Python file.
pub fn read(_path: &str, text: &str, out: &mut OrmFile) {
    let lines = syntax::parse_python(text);
    let mut ddl = Ddl::default();
    if lines
        .iter()
        .any(|l| matches!(&l.stmt, PyStmt::Def { name } if name == "upgrade"))
        && (text.contains("alembic") || text.contains("op."))
    {
        alembic(&lines, &mut ddl, out);
        if let Some(f) = ddl.finish(Orm::SqlAlchemy) {
            out.schema.push(f);
        }
        out.schema_source = Some(SchemaSource {
            orm: Orm::SqlAlchemy,
            reader: "alembic",
            authority: 2,
        });
        out.owns_sql = true;
        return;
    }
    let classes = models(&lines, &mut ddl, out);
    if !ddl.is_empty() {
        out.schema_source = Some(SchemaSource {
            orm: Orm::SqlAlchemy,
            reader: "models",
            authority: 1,
        });
    }
    if let Some(f) = ddl.finish(Orm::SqlAlchemy) {
        out.schema.push(f);
    }
    queries(&lines, &classes, out);
}

#[derive(Debug, Clone)]
struct Col {
    attr: String,
    name: String,
    ty: String,
    pk: bool,
    index: bool,
    unique: bool,
    fk: Option<(String, String)>,
    span: std::ops::Range<usize>,
}

/// A `Column(...)` / `mapped_column(...)` / `sa.Column("name", ...)` call.
fn column(attr: Option<&str>, n: &Node) -> Option<Col> {
    let E::Call { func, args, .. } = &n.e else {
        return None;
    };
    let f = func.dotted()?;
    let f = f.rsplit('.').next()?;
    if f != "Column" && f != "mapped_column" {
        return None;
    }
    let pos = positional(args);
    let mut i = 0;
    let name = match pos.first().and_then(|p| p.str()) {
        Some(s) => {
            i = 1;
            s.to_string()
        }
        None => attr?.to_string(),
    };
    let mut ty = "text".to_string();
    let mut fk = None;
    for p in &pos[i.min(pos.len())..] {
        match &p.e {
            E::Call { func, args, .. }
                if func.dotted().is_some_and(|d| d.ends_with("ForeignKey")) =>
            {
                if let Some(t) = args.first().and_then(|a| a.value.str()) {
                    if let Some((tab, c)) = t.rsplit_once('.') {
                        fk = Some((tab.to_string(), c.to_string()));
                    }
                }
            }
            _ => {
                if let Some(d) = p.dotted().or_else(|| match &p.e {
                    E::Call { func, .. } => func.dotted(),
                    _ => None,
                }) {
                    ty = sql_type(d.rsplit('.').next().unwrap_or(&d)).to_string();
                }
            }
        }
    }
    let flag = |k: &str| kwarg(args, k).is_some_and(Node::is_true);
    Some(Col {
        attr: attr.unwrap_or(&name).to_string(),
        name,
        ty,
        pk: flag("primary_key"),
        index: flag("index"),
        unique: flag("unique"),
        fk,
        span: n.span.clone(),
    })
}

fn sql_type(t: &str) -> &'static str {
    match t {
        "Integer" | "INTEGER" | "SmallInteger" => "integer",
        "BigInteger" | "BIGINT" => "bigint",
        "String" | "Unicode" | "VARCHAR" => "varchar",
        "Text" | "UnicodeText" | "TEXT" => "text",
        "Boolean" | "BOOLEAN" => "boolean",
        "DateTime" | "TIMESTAMP" => "timestamp",
        "Date" => "date",
        "Numeric" | "DECIMAL" => "numeric",
        "Float" => "double precision",
        "UUID" | "Uuid" => "uuid",
        "JSON" | "JSONB" => "jsonb",
        _ => "text",
    }
}

/// One table being declared.
struct TableDecl {
    class: Option<String>,
    table: String,
    cols: Vec<Col>,
    /// `relationship("Other")` attributes: attr, target class.
    rels: Vec<(String, String)>,
    extras: Vec<Node>,
    span: std::ops::Range<usize>,
}

fn write_table(t: &TableDecl, ddl: &mut Ddl) {
    let pk: Vec<&Col> = t.cols.iter().filter(|c| c.pk).collect();
    let mut defs: Vec<String> = t
        .cols
        .iter()
        .map(|c| format!("{} {}", q(&c.name), c.ty))
        .collect();
    if !pk.is_empty() {
        defs.push(format!(
            "PRIMARY KEY ({})",
            pk.iter().map(|c| q(&c.name)).collect::<Vec<_>>().join(", ")
        ));
    }
    ddl.push(
        &format!("CREATE TABLE {} ({})", q(&t.table), defs.join(", ")),
        t.span.clone(),
    );
    for c in &t.cols {
        col_extras(&t.table, c, ddl);
    }
    for e in &t.extras {
        if let Some(ix) = index_call(Some(&t.table), e, &t.cols) {
            ddl.push(&ix.sql(), e.span.clone());
        }
    }
}

fn col_extras(table: &str, c: &Col, ddl: &mut Ddl) {
    if (c.index || c.unique) && !c.pk {
        let ix = IndexDef {
            name: format!("ix_{table}_{}", c.name),
            table: table.to_string(),
            cols: vec![(c.name.clone(), false)],
            unique: c.unique,
            ..IndexDef::default()
        };
        ddl.push(&ix.sql(), c.span.clone());
    }
    if let Some((rt, rc)) = &c.fk {
        ddl.push(
            &super::ddl::foreign_key(
                table,
                std::slice::from_ref(&c.name),
                rt,
                std::slice::from_ref(rc),
            ),
            c.span.clone(),
        );
    }
}

/// A key of an `Index(...)`: `"col"`, `Model.col`, `col` (a class attribute), `Model.col.desc()`,
/// `desc(Model.col)`, `func.lower(Model.col)`.
fn key(n: &Node, cols: &[Col]) -> Option<(String, bool)> {
    let col = |attr: &str| {
        cols.iter()
            .find(|c| c.attr == attr)
            .map_or_else(|| attr.to_string(), |c| c.name.clone())
    };
    match &n.e {
        E::Str(s) => Some((s.clone(), false)),
        E::Name(a) => Some((col(a), false)),
        E::Attr(_, a) => Some((col(a), false)),
        E::Call { func, args, .. } => {
            let f = func.dotted();
            match &func.e {
                E::Attr(inner, m) if m == "desc" || m == "asc" => {
                    key(inner, cols).map(|(c, _)| (c, m == "desc"))
                }
                _ => {
                    let f = f?;
                    let last = f.rsplit('.').next()?;
                    let (inner, _) = key(&args.first()?.value, cols)?;
                    match last {
                        "desc" => Some((inner, true)),
                        "asc" => Some((inner, false)),
                        "lower" | "upper" => Some((format!("{last}({})", q(&inner)), false)),
                        _ => None,
                    }
                }
            }
        }
        _ => None,
    }
}

/// `Index("name", ...cols, unique=, postgresql_where=, postgresql_using=, postgresql_ops=)`
/// or `UniqueConstraint(...cols, name=)`; the table comes from the class or `Model.col`.
fn index_call(table: Option<&str>, n: &Node, cols: &[Col]) -> Option<IndexDef> {
    let E::Call { func, args, .. } = &n.e else {
        return None;
    };
    let f = func.dotted()?;
    let f = f.rsplit('.').next()?;
    let unique_c = f == "UniqueConstraint";
    if f != "Index" && !unique_c {
        return None;
    }
    let mut pos = positional(args).into_iter();
    let mut ix = IndexDef::default();
    if !unique_c {
        ix.name = pos.next()?.str()?.to_string();
    } else if let Some(nm) = kwarg(args, "name").and_then(Node::str) {
        ix.name = nm.to_string();
    }
    let mut tab = table.map(str::to_string);
    for p in pos {
        if let E::Attr(b, _) = &p.e {
            if let Some(c) = b.name() {
                tab.get_or_insert_with(|| format!("@{c}"));
            }
        }
        ix.cols.push(key(p, cols)?);
    }
    ix.table = tab?;
    if ix.cols.is_empty() {
        return None;
    }
    if ix.name.is_empty() {
        let names: Vec<&str> = ix.cols.iter().map(|(c, _)| c.as_str()).collect();
        ix.name = format!("uq_{}_{}", ix.table, names.join("_"));
    }
    ix.unique = unique_c || kwarg(args, "unique").is_some_and(Node::is_true);
    ix.using = kwarg(args, "postgresql_using")
        .and_then(Node::str)
        .map(str::to_string);
    ix.predicate = kwarg(args, "postgresql_where")
        .or_else(|| kwarg(args, "sqlite_where"))
        .and_then(|w| match &w.e {
            E::Call { args, .. } => args.first().and_then(|a| a.value.str()),
            E::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .map(str::to_string);
    if let Some(E::Dict(kv)) = kwarg(args, "postgresql_ops").map(|n| &n.e) {
        for (k, v) in kv {
            if let (Some(k), Some(v)) = (k.str(), v.str()) {
                ix.opclasses.push((k.to_string(), v.to_string()));
            }
        }
    }
    Some(ix)
}

/// Declarative classes and `Table(...)` assignments; returns class -> table decl.
fn models(lines: &[PyLine], ddl: &mut Ddl, out: &mut OrmFile) -> HashMap<String, String> {
    let mut decls: Vec<TableDecl> = Vec::new();
    let mut module_indexes = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match &lines[i].stmt {
            PyStmt::Class { name, .. } => {
                let indent = lines[i].indent;
                let mut d = TableDecl {
                    class: Some(name.clone()),
                    table: String::new(),
                    cols: Vec::new(),
                    rels: Vec::new(),
                    extras: Vec::new(),
                    span: lines[i].span.clone(),
                };
                let mut j = i + 1;
                while j < lines.len() && lines[j].indent > indent {
                    if let PyStmt::Assign { target, value } = &lines[j].stmt {
                        let attr = target.name();
                        match attr {
                            Some("__tablename__") => {
                                if let Some(t) = value.str() {
                                    d.table = t.to_string();
                                }
                            }
                            Some("__table_args__") => {
                                for item in value.items() {
                                    d.extras.push(item.clone());
                                }
                            }
                            _ => {
                                if let Some(c) = column(attr, value) {
                                    d.cols.push(c);
                                } else if let (Some(a), E::Call { func, args, .. }) =
                                    (attr, &value.e)
                                {
                                    if func.dotted().is_some_and(|f| f.ends_with("relationship")) {
                                        if let Some(t) = args.first().and_then(|x| {
                                            x.value
                                                .str()
                                                .map(str::to_string)
                                                .or_else(|| x.value.dotted())
                                        }) {
                                            d.rels.push((a.to_string(), t));
                                        }
                                    }
                                }
                            }
                        }
                    }
                    j += 1;
                }
                if !d.table.is_empty() {
                    decls.push(d);
                }
                i = j;
                continue;
            }
            PyStmt::Assign { target, value } => {
                if let E::Call { func, args, .. } = &value.e {
                    if func
                        .dotted()
                        .is_some_and(|f| f == "Table" || f.ends_with(".Table"))
                    {
                        let pos = positional(args);
                        if let Some(t) = pos.first().and_then(|n| n.str()) {
                            let mut d = TableDecl {
                                class: target.name().map(str::to_string),
                                table: t.to_string(),
                                cols: Vec::new(),
                                rels: Vec::new(),
                                extras: Vec::new(),
                                span: lines[i].span.clone(),
                            };
                            for p in pos.iter().skip(2) {
                                if let Some(c) = column(None, p) {
                                    d.cols.push(c);
                                } else {
                                    d.extras.push((*p).clone());
                                }
                            }
                            decls.push(d);
                        }
                    }
                }
            }
            PyStmt::Expr(n) => {
                if matches!(&n.e, E::Call { func, .. } if func.dotted().is_some_and(|f| f == "Index" || f.ends_with(".Index")))
                {
                    module_indexes.push(n.clone());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut classes = HashMap::new();
    for d in &decls {
        write_table(d, ddl);
        if let Some(c) = &d.class {
            classes.insert(c.clone(), d.table.clone());
        }
    }
    for n in &module_indexes {
        if let Some(mut ix) = index_call(None, n, &[]) {
            if let Some(c) = ix.table.strip_prefix('@') {
                let Some(t) = classes.get(c) else { continue };
                let cols = decls
                    .iter()
                    .find(|d| d.class.as_deref() == Some(c))
                    .map(|d| d.cols.clone())
                    .unwrap_or_default();
                ix.table = t.clone();
                if let Some(again) = index_call(Some(t), n, &cols) {
                    ix = again;
                }
            }
            ddl.push(&ix.sql(), n.span.clone());
        }
    }
    for d in &decls {
        let Some(class) = &d.class else { continue };
        let mut fields: Vec<ModelField> = d
            .cols
            .iter()
            .map(|c| ModelField {
                attr: c.attr.clone(),
                column: c.name.clone(),
                relation: None,
            })
            .collect();
        for (attr, target) in &d.rels {
            let target_table = classes.get(target);
            // The foreign key column pointing at the target's table (or `<attr>_id`).
            let col = d
                .cols
                .iter()
                .find(|c| c.fk.as_ref().is_some_and(|(t, _)| Some(t) == target_table))
                .map_or_else(|| format!("{attr}_id"), |c| c.name.clone());
            fields.push(ModelField {
                attr: attr.clone(),
                column: col,
                relation: Some(target.clone()),
            });
        }
        out.models.push(Model {
            orm: Orm::SqlAlchemy,
            class: class.clone(),
            table: d.table.clone(),
            fields,
            primary_key: d
                .cols
                .iter()
                .filter(|c| c.pk)
                .map(|c| c.name.clone())
                .collect(),
        });
    }
    classes
}

/// An Alembic revision: `revision`, `down_revision`, and the `op.*` calls of `upgrade()`.
fn alembic(lines: &[PyLine], ddl: &mut Ddl, out: &mut OrmFile) {
    let mut rev = None;
    let mut down = Vec::new();
    let mut in_upgrade: Option<usize> = None;
    // `with op.batch_alter_table("t") as b:` binds `b` to table `t`.
    let mut batch: HashMap<String, String> = HashMap::new();
    for l in lines {
        if let Some(ind) = in_upgrade {
            if l.indent <= ind {
                in_upgrade = None;
            }
        }
        match &l.stmt {
            PyStmt::Def { name } if name == "upgrade" => {
                in_upgrade = Some(l.indent);
            }
            PyStmt::Assign { target, value } if in_upgrade.is_none() => match target.name() {
                Some("revision") => rev = value.str().map(str::to_string),
                Some("down_revision") => {
                    down = value
                        .items()
                        .iter()
                        .filter_map(|n| n.str().map(str::to_string))
                        .collect();
                }
                _ => {}
            },
            PyStmt::With { value, name } if in_upgrade.is_some() => {
                if let (E::Call { func, args, .. }, Some(n)) = (&value.e, name) {
                    if func
                        .dotted()
                        .is_some_and(|f| f.ends_with("batch_alter_table"))
                    {
                        if let Some(t) = args.first().and_then(|a| a.value.str()) {
                            batch.insert(n.clone(), t.to_string());
                        }
                    }
                }
            }
            PyStmt::Expr(n) if in_upgrade.is_some() => op_call(n, &batch, ddl),
            PyStmt::Assign { value, .. } if in_upgrade.is_some() => op_call(value, &batch, ddl),
            _ => {}
        }
    }
    if let Some(r) = rev {
        out.revision = Some((r, down));
    }
}

fn op_call(n: &Node, batch: &HashMap<String, String>, ddl: &mut Ddl) {
    let E::Call { func, args, .. } = &n.e else {
        return;
    };
    let E::Attr(recv, m) = &func.e else { return };
    let recv = recv.dotted().unwrap_or_default();
    let batch_table = batch.get(&recv).cloned();
    if recv != "op" && batch_table.is_none() {
        return;
    }
    let mut pos: Vec<&Node> = positional(args);
    let at = n.span.clone();
    let s = |v: &[&Node], i: usize| v.get(i).and_then(|x| name_of(x));
    // In a batch, the table argument is implied.
    let table_arg = |v: &[&Node], i: usize| batch_table.clone().or_else(|| s(v, i));
    let shift = usize::from(batch_table.is_none());
    match m.as_str() {
        "create_table" => {
            let Some(t) = s(&pos, 0) else { return };
            let mut decl = TableDecl {
                class: None,
                table: t,
                cols: Vec::new(),
                rels: Vec::new(),
                extras: Vec::new(),
                span: at,
            };
            let mut pk_cols = Vec::new();
            let mut fks = Vec::new();
            for p in pos.drain(1..) {
                if let Some(c) = column(None, p) {
                    decl.cols.push(c);
                    continue;
                }
                let E::Call { func, args, .. } = &p.e else {
                    continue;
                };
                let f = func.dotted().unwrap_or_default();
                let a = positional(args);
                if f.ends_with("PrimaryKeyConstraint") {
                    pk_cols = a
                        .iter()
                        .filter_map(|x| x.str().map(str::to_string))
                        .collect();
                } else if f.ends_with("ForeignKeyConstraint") {
                    let list = |n: Option<&&Node>| -> Vec<String> {
                        n.map(|n| {
                            n.items()
                                .iter()
                                .filter_map(|x| x.str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default()
                    };
                    let (cols, refs) = (list(a.first()), list(a.get(1)));
                    if let Some((rt, _)) = refs.first().and_then(|r| r.rsplit_once('.')) {
                        let rc: Vec<String> = refs
                            .iter()
                            .filter_map(|r| r.rsplit_once('.').map(|x| x.1.to_string()))
                            .collect();
                        fks.push((
                            super::ddl::foreign_key(&decl.table, &cols, rt, &rc),
                            p.span.clone(),
                        ));
                    }
                } else {
                    decl.extras.push(p.clone());
                }
            }
            for c in &mut decl.cols {
                if pk_cols.contains(&c.name) {
                    c.pk = true;
                }
            }
            write_table(&decl, ddl);
            for (sql, span) in fks {
                ddl.push(&sql, span);
            }
        }
        "add_column" => {
            let Some(t) = table_arg(&pos, 0) else { return };
            if let Some(c) = pos.get(shift).and_then(|p| column(None, p)) {
                ddl.push(
                    &format!("ALTER TABLE {} ADD COLUMN {} {}", q(&t), q(&c.name), c.ty),
                    at,
                );
                col_extras(&t, &c, ddl);
            }
        }
        "drop_column" => {
            if let (Some(t), Some(c)) = (table_arg(&pos, 0), s(&pos, shift)) {
                ddl.push(&format!("ALTER TABLE {} DROP COLUMN {}", q(&t), q(&c)), at);
            }
        }
        "create_index" => {
            let Some(name) = s(&pos, 0) else { return };
            let Some(t) =
                table_arg(&pos, 1).or_else(|| kwarg(args, "table_name").and_then(name_of))
            else {
                return;
            };
            let Some(cols) = pos
                .get(1 + shift)
                .copied()
                .or_else(|| kwarg(args, "columns"))
            else {
                return;
            };
            let mut ix = IndexDef {
                name,
                table: t,
                ..IndexDef::default()
            };
            for c in cols.items() {
                match c.str() {
                    Some(s) => ix.cols.push((s.to_string(), false)),
                    None => match &c.e {
                        E::Call { args, .. } => {
                            if let Some(s) = args.first().and_then(|a| a.value.str()) {
                                ix.cols.push((s.to_string(), false));
                            }
                        }
                        _ => return,
                    },
                }
            }
            ix.unique = kwarg(args, "unique").is_some_and(Node::is_true);
            ix.using = kwarg(args, "postgresql_using")
                .and_then(Node::str)
                .map(str::to_string);
            ix.predicate = kwarg(args, "postgresql_where")
                .and_then(|w| match &w.e {
                    E::Call { args, .. } => args.first().and_then(|a| a.value.str()),
                    E::Str(s) => Some(s.as_str()),
                    _ => None,
                })
                .map(str::to_string);
            ddl.push(&ix.sql(), at);
        }
        "drop_index" => {
            if let Some(name) = s(&pos, 0) {
                ddl.push(&format!("DROP INDEX {}", q(&name)), at);
            }
        }
        "create_unique_constraint" => {
            let (Some(name), Some(t)) = (s(&pos, 0), table_arg(&pos, 1)) else {
                return;
            };
            let cols: Vec<(String, bool)> = pos
                .get(1 + shift)
                .map(|n| {
                    n.items()
                        .iter()
                        .filter_map(|x| x.str().map(|s| (s.to_string(), false)))
                        .collect()
                })
                .unwrap_or_default();
            if !cols.is_empty() {
                let ix = IndexDef {
                    name,
                    table: t,
                    cols,
                    unique: true,
                    ..IndexDef::default()
                };
                ddl.push(&ix.sql(), at);
            }
        }
        "create_foreign_key" => {
            // op.create_foreign_key(name, source, referent, local_cols, remote_cols)
            let off = usize::from(batch_table.is_some());
            let src = batch_table.clone().or_else(|| s(&pos, 1));
            let refd = s(&pos, 2 - off);
            let list = |i: usize| -> Vec<String> {
                pos.get(i)
                    .map(|n| {
                        n.items()
                            .iter()
                            .filter_map(|x| x.str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (lc, rc) = (list(3 - off), list(4 - off));
            if let (Some(src), Some(refd)) = (src, refd) {
                if !lc.is_empty() {
                    ddl.push(&super::ddl::foreign_key(&src, &lc, &refd, &rc), at);
                }
            }
        }
        "drop_constraint" => {
            let ty = kwarg(args, "type_").and_then(Node::str);
            if let (Some(name), Some(t)) = (s(&pos, 0), table_arg(&pos, 1)) {
                if ty == Some("unique") || ty.is_none() {
                    ddl.push(
                        &format!("ALTER TABLE {} DROP CONSTRAINT {}", q(&t), q(&name)),
                        at,
                    );
                }
            }
        }
        "rename_table" => {
            if let (Some(a), Some(b)) = (s(&pos, 0), s(&pos, 1)) {
                ddl.push(&format!("ALTER TABLE {} RENAME TO {}", q(&a), q(&b)), at);
            }
        }
        "alter_column" => {
            if let (Some(t), Some(c), Some(new)) = (
                table_arg(&pos, 0),
                s(&pos, shift),
                kwarg(args, "new_column_name").and_then(Node::str),
            ) {
                ddl.push(
                    &format!(
                        "ALTER TABLE {} RENAME COLUMN {} TO {}",
                        q(&t),
                        q(&c),
                        q(new)
                    ),
                    at,
                );
            }
        }
        "execute" => {
            let sql = pos.first().and_then(|p| match &p.e {
                E::Str(s) => Some((s.clone(), p.span.clone())),
                E::Call { args, .. } => args
                    .first()
                    .and_then(|a| a.value.str().map(|s| (s.to_string(), a.value.span.clone()))),
                _ => None,
            });
            if let Some((sql, span)) = sql {
                for stmt in sql.split(';').filter(|x| !x.trim().is_empty()) {
                    ddl.push(stmt.trim(), span.clone());
                }
            }
        }
        _ => {}
    }
}

/// A string argument, or `op.f("name")`.
fn name_of(n: &Node) -> Option<String> {
    match &n.e {
        E::Str(s) => Some(s.clone()),
        E::Call { func, args, .. }
            if func.dotted().is_some_and(|f| f.ends_with(".f") || f == "f") =>
        {
            args.first().and_then(|a| a.value.str()).map(str::to_string)
        }
        _ => None,
    }
}

/// Query chains anywhere in the file.
fn queries(lines: &[PyLine], classes: &HashMap<String, String>, out: &mut OrmFile) {
    let _ = classes;
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
        if !matches!(n.e, E::Call { .. } | E::Attr(..)) {
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
    let mut it = steps.iter().peekable();
    // The model and where the chain's methods start.
    let model: String = match (&root.e, it.peek()) {
        // select(M) / session.query(M) / db.session.query(M)
        (E::Name(f), Some(Step::Call(args, _))) if f == "select" => {
            let m = model_arg(args)?;
            it.next();
            m
        }
        (E::Name(c), Some(Step::Attr(m, _)))
            if *m == "query" && c.starts_with(|x: char| x.is_ascii_uppercase()) =>
        {
            it.next();
            c.clone()
        }
        _ => {
            // `<anything>.query(M)`
            let mut found = None;
            while let Some(s) = it.next() {
                if let Step::Attr(m, _) = s {
                    if *m == "query" {
                        if let Some(Step::Call(args, _)) = it.peek() {
                            found = model_arg(args);
                            it.next();
                            break;
                        }
                    }
                }
            }
            found?
        }
    };
    let mut q = OrmQuery {
        orm: Orm::SqlAlchemy,
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
    while let Some(step) = it.next() {
        let Step::Attr(m, _) = step else { return None };
        let args: &[Arg] = match it.peek() {
            Some(Step::Call(a, _)) => {
                let a = *a;
                it.next();
                a
            }
            _ => &[],
        };
        match *m {
            "filter" | "where" => {
                any = true;
                for a in positional(args) {
                    cond(a, &model, &mut q, 0)?;
                }
            }
            "filter_by" => {
                any = true;
                for a in args {
                    if let Some(k) = &a.key {
                        let op = if matches!(&a.value.e, E::Name(x) if x == "None") {
                            Op::IsNull
                        } else {
                            Op::Eq
                        };
                        q.filters.push(Filter {
                            path: vec![k.clone()],
                            op,
                        });
                    }
                }
            }
            "order_by" => {
                any = true;
                for a in positional(args) {
                    q.order.push(order_key(a, &model)?);
                }
            }
            "limit" => {
                any = true;
                q.limit = Some(match args.first().map(|a| &a.value.e) {
                    Some(E::Num(n)) => n.parse().unwrap_or(100),
                    _ => 100,
                });
            }
            "first" => q.limit = Some(1),
            "get" => {
                any = true;
                q.filters.push(Filter {
                    path: vec!["id".into()],
                    op: Op::Eq,
                });
            }
            "count" => q.kind = QueryKind::Count,
            "delete" => q.kind = QueryKind::Delete,
            "update" => q.kind = QueryKind::Update,
            "join" | "outerjoin" => {
                // `join(M.rel)` joins through a relation; a join on another class is not
                // modelled (its filters would need that class's table).
                let rel = args.first().and_then(|a| match &a.value.e {
                    E::Attr(b, r) if b.name() == Some(model.as_str()) => Some(r.clone()),
                    _ => None,
                });
                q.joins.push(rel?);
            }
            "all" | "one" | "one_or_none" | "scalar" | "scalars" | "scalar_one" | "distinct"
            | "options" | "offset" | "subquery" | "with_for_update" | "execution_options" => {}
            _ => return None,
        }
    }
    any.then_some(q)
}

fn model_arg(args: &[Arg]) -> Option<String> {
    let first = &args.first()?.value;
    let name = match &first.e {
        E::Name(c) => c.clone(),
        E::Attr(b, _) => b.name()?.to_string(),
        _ => return None,
    };
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
}

/// `Model.attr` of the query's model (the attribute), `Model.rel.attr` is not followed.
fn attr_of(n: &Node, model: &str) -> Option<String> {
    match &n.e {
        E::Attr(b, a) if b.name() == Some(model) => Some(a.clone()),
        _ => None,
    }
}

fn order_key(n: &Node, model: &str) -> Option<(Vec<String>, bool)> {
    match &n.e {
        E::Call { func, args, .. } => match &func.e {
            E::Attr(inner, m) if m == "desc" || m == "asc" => {
                Some((vec![attr_of(inner, model)?], m == "desc"))
            }
            E::Name(f) if f == "desc" || f == "asc" => {
                let inner = &args.first()?.value;
                let a = attr_of(inner, model).or_else(|| inner.str().map(str::to_string))?;
                Some((vec![a], f == "desc"))
            }
            _ => None,
        },
        E::Str(s) => Some((vec![s.clone()], false)),
        _ => Some((vec![attr_of(n, model)?], false)),
    }
}

fn cond(n: &Node, model: &str, q: &mut OrmQuery, depth: usize) -> Option<()> {
    if depth > 16 {
        return None;
    }
    let push = |q: &mut OrmQuery, a: String, op: Op| q.filters.push(Filter { path: vec![a], op });
    match &n.e {
        E::Bin(op, l, r) => {
            if let Some(a) = attr_of(l, model) {
                let none = matches!(&r.e, E::Name(x) if x == "None");
                let o = match (op.as_str(), none) {
                    ("==", true) => Op::IsNull,
                    ("!=", true) => Op::IsNotNull,
                    ("==", _) => Op::Eq,
                    ("!=", _) => Op::Ne,
                    ("<", _) => Op::Lt,
                    ("<=", _) => Op::Le,
                    (">", _) => Op::Gt,
                    (">=", _) => Op::Ge,
                    _ => return None,
                };
                push(q, a, o);
                return Some(());
            }
            if op == "&" {
                cond(l, model, q, depth + 1)?;
                return cond(r, model, q, depth + 1);
            }
            // `func.lower(M.email) == x`
            if let E::Call { func, args, .. } = &l.e {
                if func
                    .dotted()
                    .is_some_and(|f| f.ends_with("lower") || f.ends_with("upper"))
                    && op == "=="
                {
                    let a = attr_of(&args.first()?.value, model)?;
                    push(q, a, Op::IEq);
                    return Some(());
                }
            }
            None
        }
        E::Call { func, args, .. } => {
            if let E::Name(f) = &func.e {
                if f == "and_" {
                    for a in positional(args) {
                        cond(a, model, q, depth + 1)?;
                    }
                    return Some(());
                }
                if f == "or_" {
                    let mut alts = Vec::new();
                    for a in positional(args) {
                        let mut sub = q.clone();
                        sub.filters.clear();
                        cond(a, model, &mut sub, depth + 1)?;
                        alts.push(sub.filters);
                    }
                    if !q.any_of.is_empty() {
                        return None;
                    }
                    q.any_of = alts;
                    return Some(());
                }
                if f == "text" {
                    q.raw_conditions
                        .push(args.first()?.value.str()?.replace(':', "?"));
                    return Some(());
                }
            }
            let E::Attr(col, m) = &func.e else {
                return None;
            };
            let a = attr_of(col, model)?;
            let pattern = args.first().and_then(|x| x.value.str());
            let like = |p: Option<&str>, ci: bool| match p {
                Some(p) if !p.starts_with('%') && p.ends_with('%') => {
                    if ci {
                        Op::ILike { prefix: true }
                    } else {
                        Op::StartsWith
                    }
                }
                Some(p) if p.starts_with('%') && p.ends_with('%') && p.len() > 1 => {
                    if ci {
                        Op::ILike { prefix: false }
                    } else {
                        Op::Contains
                    }
                }
                Some(p) if p.starts_with('%') => Op::EndsWith,
                _ => Op::Eq,
            };
            let ops = match m.as_str() {
                "in_" => vec![Op::In],
                "is_" => vec![Op::IsNull],
                "isnot" | "is_not" => vec![Op::IsNotNull],
                "like" => vec![like(pattern, false)],
                "ilike" => vec![like(pattern, true)],
                "startswith" => vec![Op::StartsWith],
                "contains" => vec![Op::Contains],
                "endswith" => vec![Op::EndsWith],
                "between" => vec![Op::Ge, Op::Le],
                "notin_" | "not_in" => vec![Op::Ne],
                _ => return None,
            };
            for o in ops {
                push(q, a.clone(), o);
            }
            Some(())
        }
        E::Un(op, inner) if op == "~" || op == "not" => {
            let mut sub = q.clone();
            sub.filters.clear();
            cond(inner, model, &mut sub, depth + 1)?;
            for f in sub.filters {
                push(q, f.path.concat(), Op::Ne);
            }
            Some(())
        }
        _ => {
            // `M.is_active` alone: a boolean column tested for true.
            let a = attr_of(n, model)?;
            push(q, a, Op::Eq);
            Some(())
        }
    }
}

/// `Index("ix_orders_user_id_created_at", Order.user_id, Order.created_at.desc())`: the
/// SQLAlchemy form of a new index (in `__table_args__`) and the Alembic line.
pub fn index_form(table: &str, cols: &[(String, bool)]) -> String {
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    let name = format!("ix_{table}_{}", names.join("_"));
    let keys: Vec<String> = cols
        .iter()
        .map(|(c, d)| {
            if *d {
                format!("sa.text(\"{c} DESC\")")
            } else {
                format!("\"{c}\"")
            }
        })
        .collect();
    format!(
        "op.create_index(\"{name}\", \"{table}\", [{}])  # or Index(\"{name}\", ...) in __table_args__",
        keys.join(", ")
    )
}

/// Order of Alembic revisions: `items` are (position, revision id, down revisions); returns
/// the positions in chain order (parents first), ties and unknown parents in given order.
pub fn chain_order(items: &[(usize, String, Vec<String>)]) -> Vec<usize> {
    let ids: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(k, (_, id, _))| (id.as_str(), k))
        .collect();
    let mut done = vec![false; items.len()];
    let mut out = Vec::with_capacity(items.len());
    // Iterative depth-first visit: parents before children.
    for start in 0..items.len() {
        let mut stack = vec![(start, false)];
        while let Some((k, expanded)) = stack.pop() {
            if done[k] {
                continue;
            }
            if expanded {
                done[k] = true;
                out.push(items[k].0);
                continue;
            }
            stack.push((k, true));
            for parent in &items[k].2 {
                if let Some(&p) = ids.get(parent.as_str()) {
                    if !done[p] && !stack.iter().any(|(s, e)| *s == p && *e) {
                        stack.push((p, false));
                    }
                }
            }
        }
    }
    out
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
    fn declarative_models_no_fk_index() {
        let src = r#"from sqlalchemy import Column, ForeignKey, Index, Integer, String
class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id"))
    number: Mapped[str] = mapped_column(String(20), unique=True)
    __table_args__ = (Index("ix_inv_acc_num", "account_id", "number"),)

def find(s, a):
    return s.query(Invoice).filter(Invoice.account_id == a, Invoice.number.like("A%")).order_by(Invoice.id.desc()).limit(5).all()
"#;
        let out = read_text("app/models.py", src);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"invoices\" (\"id\" integer, \"account_id\" integer, \"number\" varchar, PRIMARY KEY (\"id\"))"), "{text}");
        assert!(!text.contains("ix_invoices_account_id"), "{text}");
        assert!(text.contains("REFERENCES \"accounts\" (\"id\")"), "{text}");
        assert!(
            text.contains("CREATE UNIQUE INDEX \"ix_invoices_number\""),
            "{text}"
        );
        assert!(
            text.contains(
                "CREATE INDEX \"ix_inv_acc_num\" ON \"invoices\" (\"account_id\", \"number\")"
            ),
            "{text}"
        );
        assert_eq!(out.queries.len(), 1, "{:#?}", out.queries);
        let q = &out.queries[0];
        assert_eq!(q.filters[1].op, Op::StartsWith);
        assert_eq!(q.order, vec![(vec!["id".to_string()], true)]);
    }

    #[test]
    fn alembic_upgrade_only_and_chain() {
        let src = r#"from alembic import op
import sqlalchemy as sa
revision = "b2"
down_revision = "a1"

def upgrade():
    op.create_index("ix_events_kind", "events", ["kind"], postgresql_where=sa.text("deleted_at IS NULL"))
    with op.batch_alter_table("events") as b:
        b.create_index("ix_events_at", ["at"])

def downgrade():
    op.drop_index("ix_events_kind", table_name="events")
"#;
        let out = read_text("alembic/versions/b2_events.py", src);
        let text = &out.schema[0].text;
        assert!(
            text.contains(
                "CREATE INDEX \"ix_events_kind\" ON \"events\" (\"kind\") WHERE deleted_at IS NULL"
            ),
            "{text}"
        );
        assert!(
            text.contains("CREATE INDEX \"ix_events_at\" ON \"events\" (\"at\")"),
            "{text}"
        );
        assert!(!text.contains("DROP INDEX"), "{text}");
        assert_eq!(out.revision, Some(("b2".into(), vec!["a1".into()])));
        let order = chain_order(&[
            (0, "c3".into(), vec!["b2".into()]),
            (1, "a1".into(), vec![]),
            (2, "b2".into(), vec!["a1".into()]),
        ]);
        assert_eq!(order, vec![1, 2, 0]);
    }
}

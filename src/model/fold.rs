//! Stage 4a: fold DDL statements, in migration order, into the [`Schema`] they leave behind.
//!
//! Input: the parsed statements of schema sources (migrations and other `.sql` files),
//! sorted by file path and then by position. Output: one [`Schema`].
//!
//! Invariants:
//! - Never panics and never fails: a statement this module does not understand, or one
//!   about a table the schema does not know (it may live elsewhere), is ignored quietly.
//! - Names are lower-cased unless quoted. Tables live in schemas: an unqualified name in
//!   DDL is created in the first schema of the current search path and looked up through
//!   it, a qualified name (`stats.events`) exactly, so `a.t` and `b.t` stay two tables
//!   (see [`crate::model::schema`] for the keys). The search path starts as configured
//!   (`search-path`, default `public`) at the top of every file, and `SET search_path` /
//!   `set_config('search_path', ...)` change it until the end of that file (a migration
//!   runs as its own script; pg_dump's `set_config('search_path', '', false)` must not leak
//!   into the next file). Indexes live in their table's schema: `DROP INDEX x.y` drops
//!   index `y` of schema `x`.
//! - Primary keys and unique constraints are [`Index`] entries too (kind
//!   [`IndexKind::PrimaryKey`] / [`IndexKind::UniqueConstraint`]), named as PostgreSQL
//!   names them when the DDL gives no name: `<table>_pkey`, `<table>_<cols>_key`,
//!   `<table>_<cols>_idx`, `<table>_<cols>_fkey` (with a numeric suffix on a clash); on
//!   MySQL, as MySQL names them: `PRIMARY`, the first key column, then `_2`, `_3`.
//! - Dropping a column drops the indexes and foreign keys that use it (as PostgreSQL
//!   does); renaming a column or a table carries its indexes and foreign keys along.
//! - Every index a statement removes (`DROP INDEX`, `DROP CONSTRAINT`, a dropped column's
//!   indexes) and every dropped or renamed column is kept in [`Schema::removals`] with the
//!   statement's location, so rules can tell what was there just before it.

use crate::diagnostic::Diagnostic;
use crate::model::expr::normalize_expr;
use crate::model::schema::{
    Column, ForeignKey, Index, IndexKey, IndexKind, KeyExpr, RelationKind, Removal, Removed,
    Schema, Table, DEFAULT_PG_SCHEMA,
};
use crate::parse::{Dialect, Statement};
use crate::source::{LineIndex, Location};
use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTableOperation, ColumnDef, ColumnOption,
    CreateIndex, CreateTable, CreateTableLikeKind, Expr, ForeignKeyConstraint, Ident, IndexColumn,
    ObjectName, ObjectType, OrderBySort, RenameTableNameKind, SelectItem, SetExpr,
    Statement as Ast, TableConstraint, TableObject,
};
use sqlparser::tokenizer::Span;

/// The schema after applying `statements` in order, with the default search path.
pub fn fold(
    dialect: Dialect,
    statements: &[Statement],
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    fold_with_path(dialect, &[], statements, diagnostics)
}

/// The schema after applying `statements` in order; `search_path` is the configured
/// `search-path` (empty: `public` for PostgreSQL; MySQL and SQLite have none).
pub fn fold_with_path(
    dialect: Dialect,
    search_path: &[String],
    statements: &[Statement],
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    fold_visiting(
        dialect,
        search_path,
        statements,
        diagnostics,
        &mut |_, _| {},
    )
}

/// [`fold_with_path`], handing each statement's tree to `visit` (with the statement's index)
/// as it is folded: a statement whose tree was deferred is parsed again once, here, and a
/// caller that needs more of the trees (the migration steps) reads them then instead of
/// parsing again.
pub fn fold_visiting(
    dialect: Dialect,
    search_path: &[String],
    statements: &[Statement],
    diagnostics: &mut Vec<Diagnostic>,
    visit: &mut dyn FnMut(usize, Option<&Ast>),
) -> Schema {
    // Folding reports nothing itself: unknown objects are ignored quietly (see the header).
    let _ = diagnostics;
    let mut schema = Schema {
        search_path: configured_path(dialect, search_path),
        ..Schema::default()
    };
    let mut names = std::collections::HashSet::new();
    let mut path = schema.search_path.clone();
    let mut file = None;
    for (i, stmt) in statements.iter().enumerate() {
        let tree = stmt.tree();
        visit(i, tree.as_deref());
        if file != Some(stmt.location.file) {
            file = Some(stmt.location.file);
            path.clone_from(&schema.search_path);
        }
        if dialect == Dialect::Postgres {
            if let Some(p) = crate::model::names::search_path_setting(&stmt.text) {
                if p.is_empty() {
                    path.clone_from(&schema.search_path);
                } else {
                    path = p;
                }
                continue;
            }
        }
        let mut f = Folder {
            dialect,
            schema: &mut schema,
            names: &mut names,
            path: &path,
            stmt,
            lines: None,
            constraint_span: Span::empty(),
        };
        if let Some((parent, child)) = crate::model::names::attach_partition(&stmt.text) {
            f.attach_partition(&parent, &child);
            continue;
        }
        if let Some((table, to)) = crate::model::names::set_schema(&stmt.text) {
            if let Some(key) = f.lookup_parts(&table) {
                let relname = f.schema.tables.get(&key).map(|t| t.relname.clone());
                if let Some(r) = relname {
                    f.rename_table(&key, &to, &r);
                }
            }
            continue;
        }
        if let Some(ast) = tree.as_deref() {
            f.apply(ast);
        }
    }
    resolve_implicit_references(&mut schema);
    schema
}

/// The search path queries use: the configured one, `public` by default for PostgreSQL,
/// none for MySQL and SQLite (one unqualified namespace).
fn configured_path(dialect: Dialect, configured: &[String]) -> Vec<String> {
    match dialect {
        Dialect::Postgres if configured.is_empty() => vec![DEFAULT_PG_SCHEMA.to_string()],
        Dialect::Postgres => configured.to_vec(),
        Dialect::Mysql | Dialect::Sqlite => Vec::new(),
    }
}

/// `REFERENCES t` without columns means `t`'s primary key; when `t` was created (or got
/// its key) after the reference was folded, fill the columns in now.
fn resolve_implicit_references(schema: &mut Schema) {
    let pks: std::collections::BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .filter_map(|(n, t)| Some((n.clone(), t.primary_key()?.key_columns())))
        .collect();
    for t in schema.tables.values_mut() {
        for fk in t
            .foreign_keys
            .iter_mut()
            .filter(|f| f.ref_columns.is_empty())
        {
            if let Some(cols) = pks.get(&fk.ref_table) {
                fk.ref_columns = cols.clone();
            }
        }
    }
}

/// The folding state for one statement.
struct Folder<'a> {
    dialect: Dialect,
    schema: &'a mut Schema,
    /// Every index name ever given in this fold: a superset of the names in use, so a name
    /// missing here is free without scanning every table.
    names: &'a mut std::collections::HashSet<String>,
    /// The search path in effect for this statement.
    path: &'a [String],
    stmt: &'a Statement,
    /// Line index of the statement text, built on first use for precise spans.
    lines: Option<LineIndex>,
    /// The span of the table constraint being folded (empty outside one).
    constraint_span: Span,
}

impl Folder<'_> {
    fn apply(&mut self, ast: &Ast) {
        if self.dialect == Dialect::Mysql {
            self.mysql_visibility(ast);
        }
        match ast {
            Ast::CreateTable(ct) => self.create_table(ct),
            Ast::CreateIndex(ci) => self.create_index(ci),
            Ast::CreateView(cv) if cv.materialized => {
                self.create_materialized_view(&cv.name, &cv.query, &cv.columns)
            }
            Ast::AlterTable(at) => {
                let Some(table) = self.lookup(&at.name) else {
                    return;
                };
                for op in &at.operations {
                    self.alter_table(&table, op);
                }
            }
            Ast::AlterIndex {
                name,
                operation: AlterIndexOperation::RenameIndex { index_name },
            } => {
                let new = object_name(index_name);
                self.names.insert(new.clone());
                if let Some(ix) = self.find_index_mut(name) {
                    ix.name = new;
                }
            }
            Ast::Drop {
                object_type,
                names,
                table,
                ..
            } => match object_type {
                ObjectType::Table | ObjectType::MaterializedView => {
                    for n in names {
                        if let Some(key) = self.lookup(n) {
                            self.drop_table(&key);
                        }
                    }
                }
                ObjectType::Index => {
                    // MySQL `DROP INDEX i ON t`.
                    if let Some(on) = table.as_ref() {
                        if let Some(key) = self.lookup(on) {
                            for n in names {
                                self.drop_index_of(&key, &object_name(n));
                            }
                        }
                    } else {
                        for n in names {
                            self.drop_index(n);
                        }
                    }
                }
                _ => {}
            },
            Ast::CreateType {
                name,
                representation: Some(sqlparser::ast::UserDefinedTypeRepresentation::Enum { .. }),
            } => {
                self.schema.enum_types.insert(object_name(name));
            }
            Ast::Insert(ins) => {
                if let TableObject::TableName(n) = &ins.table {
                    if let Some(key) = self.lookup(n) {
                        if let Some(t) = self.schema.tables.get_mut(&key) {
                            t.seeded = true;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// MySQL `INVISIBLE` indexes (which sqlparser does not model, see `parse::fallback`),
    /// read from the statement's text after it is folded: `KEY name (...) INVISIBLE` in
    /// `CREATE TABLE` / `ALTER TABLE ... ADD`, `CREATE INDEX name ... INVISIBLE`, and
    /// `ALTER TABLE t ALTER INDEX name [IN]VISIBLE`.
    fn mysql_visibility(&mut self, ast: &Ast) {
        let (table, create_index) = match ast {
            Ast::CreateTable(ct) => (object_name(&ct.name), None),
            Ast::AlterTable(at) => (object_name(&at.name), None),
            Ast::CreateIndex(ci) => (
                object_name(&ci.table_name),
                ci.name.as_ref().map(object_name),
            ),
            _ => return,
        };
        let text = self.stmt.text.to_ascii_lowercase();
        if !text.contains("visible") {
            return;
        }
        let mut marks: Vec<(String, bool)> = Vec::new();
        match create_index {
            Some(name) => marks.push((name, has_word(&text, "invisible"))),
            None => marks.extend(visibility_marks(&text)),
        }
        for (name, invisible) in marks {
            let key = (table.clone(), name);
            if invisible {
                self.schema.invisible.insert(key);
            } else {
                self.schema.invisible.remove(&key);
            }
        }
    }

    /// `CHECK (col IN ('a', 'b', ...))`: the column has that many values (read by
    /// `model::stats` as low cardinality).
    fn record_check(&mut self, table: &str, e: &Expr) {
        let e = match e {
            Expr::Nested(inner) => inner.as_ref(),
            e => e,
        };
        if let Expr::InList {
            expr,
            list,
            negated: false,
        } = e
        {
            if let Expr::Identifier(i) = expr.as_ref() {
                self.schema
                    .checked_values
                    .insert((table.to_string(), ident(i)), list.len());
            }
        }
    }

    /// The location of a sqlparser span inside the statement, or the statement's location
    /// when the span is empty or the statement text is not a verbatim slice of its file.
    fn loc(&mut self, span: Span) -> Location {
        let whole = self.stmt.location.clone();
        if span.start.line == 0 || whole.range.len() != self.stmt.text.len() {
            return whole;
        }
        let text = &self.stmt.text;
        let lines = self.lines.get_or_insert_with(|| LineIndex::new(text));
        let start = lines.offset_of(text, span.start.line as usize, span.start.column as usize);
        let end = lines
            .offset_of(text, span.end.line as usize, span.end.column as usize)
            .max(start);
        Location {
            file: whole.file,
            range: whole.range.start + start..whole.range.start + end,
        }
    }

    /// The key of an existing table named `n` (through the search path when unqualified).
    fn lookup(&self, n: &ObjectName) -> Option<String> {
        self.lookup_parts(&name_parts_of(n))
    }

    fn lookup_parts(&self, parts: &[String]) -> Option<String> {
        match parts {
            [name] if self.dialect == Dialect::Postgres => self
                .path
                .iter()
                .map(|s| self.schema.key(s, name))
                .find(|k| self.schema.tables.contains_key(k)),
            _ => self.schema.resolve(parts),
        }
    }

    /// (key, schema, relname) of a relation created under the name `n`: an unqualified
    /// name goes to the first schema of the search path.
    fn new_name(&self, n: &ObjectName) -> (String, String, String) {
        let parts = name_parts_of(n);
        let relname = parts.last().cloned().unwrap_or_default();
        let schema = match parts.as_slice() {
            [.., s, _] if !(self.dialect == Dialect::Sqlite && (s == "main" || s == "temp")) => {
                s.clone()
            }
            _ if self.dialect == Dialect::Postgres => self
                .path
                .first()
                .cloned()
                .unwrap_or_else(|| self.schema.default_schema().to_string()),
            _ => String::new(),
        };
        (self.schema.key(&schema, &relname), schema, relname)
    }

    fn create_table(&mut self, ct: &CreateTable) {
        let (name, schema_name, relname) = self.new_name(&ct.name);
        if ct.if_not_exists && self.schema.tables.contains_key(&name) {
            return;
        }
        // `CREATE TABLE name`: from the statement's start to the end of the name.
        let declared = match ct.name.0.last() {
            Some(sqlparser::ast::ObjectNamePart::Identifier(id)) if id.span.start.line > 0 => {
                let start = sqlparser::tokenizer::Location { line: 1, column: 1 };
                self.loc(Span::new(start, id.span.end))
            }
            _ => self.stmt.location.clone(),
        };
        let mut table = Table::new(&name, &schema_name, &relname, declared);
        table.clustered =
            (self.dialect == Dialect::Mysql && innodb(&self.stmt.text)) || ct.without_rowid;
        table.orm = match self.stmt.fragment_kind {
            crate::extract::FragmentKind::OrmSchema(o) => Some(o),
            _ => None,
        };
        table.partition_by = ct.partition_by.as_ref().map(|e| normalize_expr(e.as_ref()));
        table.partition_of = ct.partition_of.as_ref().and_then(|p| self.lookup(p));
        let mut like_indexes = Vec::new();
        // `CREATE TABLE ... LIKE other`: copy the columns (and the indexes where they are
        // copied: always in MySQL, with `INCLUDING INDEXES` / `INCLUDING ALL` in PostgreSQL).
        if let Some(CreateTableLikeKind::Parenthesized(like) | CreateTableLikeKind::Plain(like)) =
            &ct.like
        {
            if let Some(src) = self
                .lookup(&like.name)
                .and_then(|k| self.schema.tables.get(&k))
            {
                table.columns = src.columns.clone();
                let with_indexes =
                    self.dialect == Dialect::Mysql || like_includes_indexes(&self.stmt.text);
                if with_indexes {
                    like_indexes = src.indexes.clone();
                }
            }
        }
        // `CREATE TABLE p PARTITION OF parent`: the parent's columns and (as PostgreSQL
        // creates them on each partition) its indexes.
        if let Some(parent) = table
            .partition_of
            .as_ref()
            .and_then(|k| self.schema.tables.get(k))
        {
            if table.columns.is_empty() {
                table.columns = parent.columns.clone();
            }
            like_indexes = parent.indexes.clone();
        }
        // `CREATE TABLE ... AS SELECT`: the columns the select names (type unknown).
        if ct.columns.is_empty() {
            if let Some(q) = &ct.query {
                table.columns = self.select_columns(&q.body, &table.declared);
            }
        }
        // Replaces any table of that name (a plain CREATE TABLE of an existing name fails
        // in the database; the latest definition is the best guess).
        self.schema.tables.insert(name.clone(), table);
        for col in &ct.columns {
            self.add_column(&name, col);
        }
        for c in &ct.constraints {
            self.add_constraint(&name, c);
        }
        // Copied indexes get names of their own, as the database generates them.
        for ix in like_indexes {
            let name_opt = (self.dialect == Dialect::Mysql).then(|| ix.name.clone());
            let kind = ix.kind;
            let method = Some(ix.method.clone());
            let (keys, include, predicate) = (ix.keys, ix.include, ix.predicate);
            let declared = self.stmt.location.clone();
            self.push_index(&name, name_opt, kind, method, keys, include, declared);
            if let Some(p) = predicate {
                if let Some(last) = self
                    .schema
                    .tables
                    .get_mut(&name)
                    .and_then(|t| t.indexes.last_mut())
                {
                    last.predicate = Some(p);
                }
            }
        }
    }

    /// The columns a `SELECT` produces (for `CREATE TABLE ... AS` and materialized
    /// views): named items and plain columns with unknown types, and `*` / `t.*` expanded
    /// from a known table of the `FROM` clause (with its types, without `NOT NULL`). An item whose name cannot
    /// be known (an unnamed expression) is left out.
    fn select_columns(&self, body: &SetExpr, declared: &Location) -> Vec<Column> {
        let SetExpr::Select(sel) = body else {
            return Vec::new();
        };
        // FROM tables by binding name (alias or bare name) -> table key.
        let mut from: Vec<(String, String)> = Vec::new();
        for twj in &sel.from {
            let factors =
                std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation));
            for f in factors {
                if let sqlparser::ast::TableFactor::Table { name, alias, .. } = f {
                    if let Some(key) = self.lookup(name) {
                        let binding = alias
                            .as_ref()
                            .map(|a| ident(&a.name))
                            .unwrap_or_else(|| object_name(name));
                        from.push((binding, key));
                    }
                }
            }
        }
        let table_columns = |key: &str| -> Vec<Column> {
            self.schema
                .tables
                .get(key)
                .map(|t| {
                    t.columns
                        .iter()
                        // A query result keeps types, not constraints (`NOT NULL`).
                        .map(|c| Column {
                            declared: declared.clone(),
                            nullable: true,
                            ..c.clone()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let named = |name: String| Column {
            name,
            data_type: String::new(),
            nullable: true,
            declared: declared.clone(),
        };
        let mut out: Vec<Column> = Vec::new();
        for item in &sel.projection {
            match item {
                SelectItem::ExprWithAlias { alias, .. } => out.push(named(ident(alias))),
                SelectItem::UnnamedExpr(Expr::Identifier(i)) => out.push(named(ident(i))),
                SelectItem::UnnamedExpr(Expr::CompoundIdentifier(p)) => {
                    out.extend(p.last().map(ident).map(named));
                }
                SelectItem::Wildcard(_) => {
                    for (_, key) in &from {
                        out.extend(table_columns(key));
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let q = kind.to_string();
                    let q = q.strip_suffix(".*").unwrap_or(&q);
                    let q = q.rsplit('.').next().unwrap_or_default().trim_matches('"');
                    if let Some((_, key)) = from.iter().find(|(b, _)| b.eq_ignore_ascii_case(q)) {
                        out.extend(table_columns(key));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// `CREATE MATERIALIZED VIEW v AS SELECT ...`: a relation with the select list's
    /// columns (types unknown) that can carry indexes and is queried like a table.
    fn create_materialized_view(
        &mut self,
        name: &ObjectName,
        query: &sqlparser::ast::Query,
        columns: &[sqlparser::ast::ViewColumnDef],
    ) {
        let (key, schema_name, relname) = self.new_name(name);
        let declared = self.stmt.location.clone();
        let mut table = Table::new(&key, &schema_name, &relname, declared.clone());
        table.kind = RelationKind::MaterializedView;
        table.columns = if columns.is_empty() {
            self.select_columns(&query.body, &declared)
        } else {
            columns
                .iter()
                .map(|c| Column {
                    name: ident(&c.name),
                    data_type: c
                        .data_type
                        .as_ref()
                        .map(|d| d.to_string().to_lowercase())
                        .unwrap_or_default(),
                    nullable: true,
                    declared: declared.clone(),
                })
                .collect()
        };
        self.schema.tables.insert(key, table);
    }

    fn add_column(&mut self, table: &str, col: &ColumnDef) {
        let name = ident(&col.name);
        let declared = self.loc(col.name.span);
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        t.columns.retain(|c| c.name != name);
        t.columns.push(Column {
            name: name.clone(),
            data_type: col.data_type.to_string().to_lowercase(),
            nullable: true,
            declared: declared.clone(),
        });
        for opt in &col.options {
            self.column_option(table, &name, opt.name.as_ref(), &opt.option, &declared);
        }
    }

    /// Apply one inline column option (`NOT NULL`, `PRIMARY KEY`, `UNIQUE`, `REFERENCES`);
    /// keys and foreign keys it declares are located at the column (`at`).
    fn column_option(
        &mut self,
        table: &str,
        column: &str,
        constraint: Option<&Ident>,
        opt: &ColumnOption,
        at: &Location,
    ) {
        match opt {
            ColumnOption::Check(ch) => self.record_check(table, &ch.expr),
            ColumnOption::NotNull => self.set_nullable(table, column, false),
            ColumnOption::Null => self.set_nullable(table, column, true),
            ColumnOption::PrimaryKey(pk) => {
                self.set_nullable(table, column, false);
                let name = constraint.or(pk.name.as_ref()).map(ident);
                let loc = at.clone();
                self.push_index(
                    table,
                    name,
                    IndexKind::PrimaryKey,
                    None,
                    column_keys(column),
                    Vec::new(),
                    loc,
                );
            }
            ColumnOption::Unique(u) => {
                let name = constraint.or(u.name.as_ref()).map(ident);
                let loc = at.clone();
                self.push_index(
                    table,
                    name,
                    IndexKind::UniqueConstraint,
                    None,
                    column_keys(column),
                    Vec::new(),
                    loc,
                );
            }
            ColumnOption::ForeignKey(fk) => {
                let name = constraint.or(fk.name.as_ref()).map(ident);
                let loc = at.clone();
                self.push_fk(table, name, vec![column.to_string()], fk, loc);
            }
            _ => {}
        }
    }

    fn set_nullable(&mut self, table: &str, column: &str, nullable: bool) {
        if let Some(c) = self
            .schema
            .tables
            .get_mut(table)
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == column))
        {
            c.nullable = nullable;
        }
    }

    /// Apply a table constraint (from `CREATE TABLE` or `ALTER TABLE ... ADD`).
    fn add_constraint(&mut self, table: &str, c: &TableConstraint) {
        // An unnamed constraint is located on its own text, not on the statement.
        self.constraint_span = sqlparser::ast::Spanned::span(c);
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let keys = self.index_keys(&pk.columns);
                for k in &keys {
                    if let KeyExpr::Column(col) = &k.expr {
                        self.set_nullable(table, col, false);
                    }
                }
                let loc = self.name_loc(pk.name.as_ref());
                let method = pk.index_type.as_ref().map(|m| m.to_string());
                self.push_index(
                    table,
                    pk.name.as_ref().map(ident),
                    IndexKind::PrimaryKey,
                    method,
                    keys,
                    pk.include.iter().map(ident).collect(),
                    loc,
                );
            }
            TableConstraint::Unique(u) => {
                let keys = self.index_keys(&u.columns);
                let loc = self.name_loc(u.name.as_ref().or(u.index_name.as_ref()));
                let method = u.index_type.as_ref().map(|m| m.to_string());
                self.push_index(
                    table,
                    u.name.as_ref().or(u.index_name.as_ref()).map(ident),
                    IndexKind::UniqueConstraint,
                    method,
                    keys,
                    u.include.iter().map(ident).collect(),
                    loc,
                );
            }
            TableConstraint::ForeignKey(fk) => {
                let loc = self.name_loc(fk.name.as_ref());
                let cols = fk.columns.iter().map(ident).collect();
                self.push_fk(table, fk.name.as_ref().map(ident), cols, fk, loc);
            }
            TableConstraint::Index(ix) => {
                let keys = self.index_keys(&ix.columns);
                let loc = self.name_loc(ix.name.as_ref());
                let method = ix.index_type.as_ref().map(|m| m.to_string());
                self.push_index(
                    table,
                    ix.name.as_ref().map(ident),
                    IndexKind::Index,
                    method,
                    keys,
                    Vec::new(),
                    loc,
                );
            }
            TableConstraint::FulltextOrSpatial(ft) => {
                let keys = self.index_keys(&ft.columns);
                let loc = self.name_loc(ft.opt_index_name.as_ref());
                let method = if ft.fulltext { "fulltext" } else { "spatial" };
                self.push_index(
                    table,
                    ft.opt_index_name.as_ref().map(ident),
                    IndexKind::Index,
                    Some(method.to_string()),
                    keys,
                    Vec::new(),
                    loc,
                );
            }
            TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => {
                // PostgreSQL turns the existing unique index into the constraint's index
                // and renames it to the constraint name.
                let kind = if matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    IndexKind::PrimaryKey
                } else {
                    IndexKind::UniqueConstraint
                };
                let idx_name = ident(&u.index_name);
                let new_name = u.name.as_ref().map(ident);
                let mut pk_cols = Vec::new();
                if let Some(ix) = self
                    .schema
                    .tables
                    .get_mut(table)
                    .and_then(|t| t.indexes.iter_mut().find(|i| i.name == idx_name))
                {
                    ix.kind = kind;
                    ix.unique = true;
                    if let Some(n) = new_name {
                        self.names.insert(n.clone());
                        ix.name = n;
                    }
                    if kind == IndexKind::PrimaryKey {
                        pk_cols = ix
                            .keys
                            .iter()
                            .filter_map(|k| k.expr.as_column().map(str::to_string))
                            .collect();
                    }
                }
                for col in pk_cols {
                    self.set_nullable(table, &col, false);
                }
            }
            // `CHECK (col IS NOT NULL)`, also what `parse::fallback` makes of PostgreSQL
            // 18's table-level `CONSTRAINT c NOT NULL col`, is a NOT NULL.
            TableConstraint::Check(ch) => {
                self.record_check(table, &ch.expr);
                if let Expr::IsNotNull(e) = ch.expr.as_ref() {
                    if let Expr::Identifier(i) = e.as_ref() {
                        self.set_nullable(table, &ident(i), false);
                    }
                }
            }
            _ => {}
        }
    }

    /// The location of a constraint's name, else of the constraint being folded, else of the
    /// statement.
    fn name_loc(&mut self, name: Option<&Ident>) -> Location {
        match name {
            Some(n) => self.loc(n.span),
            None => self.loc(self.constraint_span),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_index(
        &mut self,
        table: &str,
        name: Option<String>,
        kind: IndexKind,
        method: Option<String>,
        keys: Vec<IndexKey>,
        include: Vec<String>,
        declared: Location,
    ) {
        let Some((schema_name, relname)) = self
            .schema
            .tables
            .get(table)
            .map(|t| (t.schema.clone(), t.relname.clone()))
        else {
            return;
        };
        if keys.is_empty() {
            return;
        }
        let name = name.unwrap_or_else(|| {
            if self.dialect == Dialect::Mysql {
                return mysql_index_name(self.schema.tables.get(table), kind, &keys);
            }
            let suffix = match kind {
                IndexKind::PrimaryKey => "pkey",
                IndexKind::UniqueConstraint => "key",
                IndexKind::Index => "idx",
            };
            let cols = (kind != IndexKind::PrimaryKey).then(|| name_parts(&keys));
            self.unique_name(&schema_name, &relname, cols.as_deref(), suffix)
        });
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if kind == IndexKind::PrimaryKey {
            // A table has one primary key: a new one replaces the old.
            t.indexes.retain(|i| i.kind != IndexKind::PrimaryKey);
        }
        t.indexes.retain(|i| i.name != name);
        self.names.insert(name.clone());
        t.indexes.push(Index {
            name,
            table: table.to_string(),
            kind,
            unique: kind != IndexKind::Index,
            method: method
                .map(|m| m.to_lowercase())
                .unwrap_or_else(|| "btree".to_string()),
            keys,
            include,
            predicate: None,
            declared,
        });
    }

    fn push_fk(
        &mut self,
        table: &str,
        name: Option<String>,
        columns: Vec<String>,
        fk: &ForeignKeyConstraint,
        declared: Location,
    ) {
        let ref_table = self
            .lookup(&fk.foreign_table)
            .unwrap_or_else(|| self.new_name(&fk.foreign_table).0);
        let mut ref_columns: Vec<String> = fk.referred_columns.iter().map(ident).collect();
        if ref_columns.is_empty() {
            // `REFERENCES t` without columns means t's primary key.
            if let Some(pk) = self
                .schema
                .tables
                .get(&ref_table)
                .and_then(Table::primary_key)
            {
                ref_columns = pk.key_columns();
            }
        }
        let name = name.or_else(|| {
            // Constraint names share a namespace with each other, not with indexes; a
            // clash only among this table's foreign keys gets a suffix.
            let t = self.schema.tables.get(table)?;
            let base = pg_object_name(&t.relname, Some(&columns.join("_")), "fkey");
            let mut n = base.clone();
            let mut i = 1;
            while t.foreign_keys.iter().any(|f| f.name.as_deref() == Some(&n)) {
                n = format!("{base}{i}");
                i += 1;
            }
            Some(n)
        });
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table,
                ref_columns,
                declared,
            });
        }
    }

    /// The name PostgreSQL's `ChooseRelationName` gives: `<rel>_<cols>_<label>`, or with
    /// `<label>1`, `<label>2`... (the whole shortened again to 63 bytes) while a relation of
    /// that name exists in `schema`.
    fn unique_name(
        &mut self,
        schema: &str,
        relname: &str,
        cols: Option<&str>,
        label: &str,
    ) -> String {
        let base = pg_object_name(relname, cols, label);
        // A relation of `schema` named `n`: a table (found by its key, no scan) or an index
        // (`index_in_schema` scans only for names some index was given). A migration of
        // thousands of tables names an implicit index per table: no scan per name.
        let taken = |n: &str| {
            self.schema
                .tables
                .get(&self.schema.key(schema, n))
                .is_some_and(|t| t.schema == schema && t.relname == n)
                || self.index_in_schema(schema, n).is_some()
        };
        if !taken(&base) {
            return base;
        }
        (1..10_000)
            .map(|i| pg_object_name(relname, cols, &format!("{label}{i}")))
            .find(|n| !taken(n))
            .unwrap_or(base)
    }

    fn index_keys(&self, cols: &[IndexColumn]) -> Vec<IndexKey> {
        cols.iter().map(|c| self.index_key(c)).collect()
    }

    fn index_key(&self, c: &IndexColumn) -> IndexKey {
        let mut expr = &c.column.expr;
        let mut collation = None;
        if let Expr::Collate {
            expr: inner,
            collation: coll,
        } = expr
        {
            collation = Some(coll.to_string());
            expr = inner;
        }
        let mut prefix_len = None;
        let key = match expr {
            Expr::Identifier(i) => KeyExpr::Column(ident(i)),
            Expr::CompoundIdentifier(parts) if !parts.is_empty() => {
                KeyExpr::Column(parts.last().map(ident).unwrap_or_default())
            }
            // MySQL prefix index `col(10)`: sqlparser reads it as a call of `col`.
            Expr::Function(f) if self.dialect == Dialect::Mysql => match mysql_prefix(f) {
                Some((col, len)) => {
                    prefix_len = Some(len);
                    KeyExpr::Column(col)
                }
                None => KeyExpr::Expr(normalize_expr(expr)),
            },
            _ => KeyExpr::Expr(normalize_expr(expr)),
        };
        IndexKey {
            expr: key,
            desc: matches!(c.column.options.sort, Some(OrderBySort::Desc)),
            nulls_first: c.column.options.nulls_first,
            opclass: c
                .operator_class
                .as_ref()
                .map(|o| o.to_string().to_lowercase()),
            collation,
            prefix_len,
        }
    }

    fn create_index(&mut self, ci: &CreateIndex) {
        let Some(table) = self.lookup(&ci.table_name) else {
            return;
        };
        let name = ci.name.as_ref().map(object_name);
        if let Some(n) = &name {
            // With `IF NOT EXISTS` the database skips the statement; without, it rejects
            // it: either way the first definition stays. (The index goes to its table's
            // schema, so only that schema's names clash.)
            let schema_name = self
                .schema
                .tables
                .get(&table)
                .map(|t| t.schema.clone())
                .unwrap_or_default();
            if self.index_in_schema(&schema_name, n).is_some() {
                return;
            }
        }
        let keys = self.index_keys(&ci.columns);
        if keys.is_empty() {
            return;
        }
        let declared = match ci.name.as_ref().and_then(|n| n.0.last()) {
            Some(part) => match part.as_ident() {
                Some(i) => self.loc(i.span),
                None => self.stmt.location.clone(),
            },
            None => self.stmt.location.clone(),
        };
        let name = name.unwrap_or_else(|| {
            let (schema_name, relname) = self
                .schema
                .tables
                .get(&table)
                .map(|t| (t.schema.clone(), t.relname.clone()))
                .unwrap_or_default();
            self.unique_name(&schema_name, &relname, Some(&name_parts(&keys)), "idx")
        });
        let method = match &ci.using {
            Some(m) => m.to_string().to_lowercase(),
            None => "btree".to_string(),
        };
        self.names.insert(name.clone());
        let Some(t) = self.schema.tables.get_mut(&table) else {
            return;
        };
        let index = Index {
            name,
            table: table.clone(),
            kind: IndexKind::Index,
            unique: ci.unique,
            method,
            keys,
            include: ci.include.iter().map(ident).collect(),
            predicate: ci.predicate.as_ref().map(normalize_expr),
            declared,
        };
        t.indexes.push(index.clone());
        // On a partitioned table, PostgreSQL creates the index on every partition too,
        // unless `ON ONLY` keeps it on the parent (`parse::fallback` drops the `ONLY`).
        if t.partition_by.is_some() && !on_only(&self.stmt.text) {
            self.index_partitions(&table, &index, 0);
        }
    }

    /// Give every partition of `table` (recursively) its copy of `index`, named as
    /// PostgreSQL names it.
    fn index_partitions(&mut self, table: &str, index: &Index, depth: usize) {
        if depth >= 8 {
            return;
        }
        let parts: Vec<String> = self
            .schema
            .partitions_of(table)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        for p in parts {
            self.push_index(
                &p,
                None,
                IndexKind::Index,
                Some(index.method.clone()),
                index.keys.clone(),
                index.include.clone(),
                index.declared.clone(),
            );
            if let Some(t) = self.schema.tables.get_mut(&p) {
                if let Some(last) = t.indexes.last_mut() {
                    last.unique = index.unique;
                    last.predicate.clone_from(&index.predicate);
                }
            }
            self.index_partitions(&p, index, depth + 1);
        }
    }

    /// `ALTER TABLE parent ATTACH PARTITION child ...`: `child` becomes a partition of
    /// `parent` (its indexes stay; PostgreSQL attaches or builds matching ones).
    fn attach_partition(&mut self, parent: &[String], child: &[String]) {
        let Some(parent_key) = self.lookup_parts(parent) else {
            return;
        };
        let Some(child_key) = self.lookup_parts(child) else {
            return;
        };
        if parent_key == child_key {
            return;
        }
        if let Some(t) = self.schema.tables.get_mut(&child_key) {
            t.partition_of = Some(parent_key);
        }
    }

    fn alter_table(&mut self, table: &str, op: &AlterTableOperation) {
        if !self.schema.tables.contains_key(table) {
            return;
        }
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let exists = self
                    .schema
                    .tables
                    .get(table)
                    .and_then(|t| t.column(&ident(&column_def.name)))
                    .is_some();
                if !(exists && *if_not_exists) {
                    self.add_column(table, column_def);
                }
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for c in column_names {
                    self.drop_column(table, &ident(c));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => self.rename_column(table, &ident(old_column_name), &ident(new_column_name)),
            AlterTableOperation::AlterColumn { column_name, op } => {
                let col = ident(column_name);
                match op {
                    AlterColumnOperation::SetNotNull => self.set_nullable(table, &col, false),
                    AlterColumnOperation::DropNotNull => self.set_nullable(table, &col, true),
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        if let Some(c) = self.column_mut(table, &col) {
                            c.data_type = data_type.to_string().to_lowercase();
                        }
                    }
                    _ => {}
                }
            }
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => {
                let (old, new) = (ident(old_name), ident(new_name));
                if old != new {
                    self.rename_column(table, &old, &new);
                }
                self.modify_column(table, &new, data_type, options);
            }
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => self.modify_column(table, &ident(col_name), data_type, options),
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(table, constraint)
            }
            AlterTableOperation::DropConstraint { name, .. } => {
                self.drop_constraint(table, &ident(name))
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                self.remove_indexes(Some(table), |i| i.kind == IndexKind::PrimaryKey);
            }
            AlterTableOperation::DropForeignKey { name, .. } => {
                let name = ident(name);
                if let Some(t) = self.schema.tables.get_mut(table) {
                    t.foreign_keys.retain(|f| f.name.as_deref() != Some(&name));
                }
            }
            AlterTableOperation::DropIndex { name } => self.drop_index_of(table, &ident(name)),
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                // The table stays in its schema (MySQL `RENAME TO db.t` may move it).
                let parts = name_parts_of(n);
                let (schema_name, relname) = match (parts.as_slice(), self.schema.tables.get(table))
                {
                    ([.., s, r], _) => (s.clone(), r.clone()),
                    ([r], Some(t)) => (t.schema.clone(), r.clone()),
                    _ => return,
                };
                self.rename_table(table, &schema_name, &relname);
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                let (old, new) = (ident(old_name), ident(new_name));
                self.names.insert(new.clone());
                if let Some(t) = self.schema.tables.get_mut(table) {
                    for ix in t.indexes.iter_mut().filter(|i| i.name == old) {
                        ix.name = new.clone();
                    }
                    for fk in t
                        .foreign_keys
                        .iter_mut()
                        .filter(|f| f.name.as_deref() == Some(&old))
                    {
                        fk.name = Some(new.clone());
                    }
                }
            }
            _ => {}
        }
    }

    fn column_mut(&mut self, table: &str, column: &str) -> Option<&mut Column> {
        self.schema
            .tables
            .get_mut(table)?
            .columns
            .iter_mut()
            .find(|c| c.name == column)
    }

    /// MySQL `MODIFY`/`CHANGE`: the column gets a new type and options (nullability
    /// resets to what the new definition says).
    fn modify_column(
        &mut self,
        table: &str,
        column: &str,
        data_type: &sqlparser::ast::DataType,
        options: &[ColumnOption],
    ) {
        if let Some(c) = self.column_mut(table, column) {
            c.data_type = data_type.to_string().to_lowercase();
            c.nullable = true;
        }
        let at = self.stmt.location.clone();
        for o in options {
            self.column_option(table, column, None, o, &at);
        }
    }

    fn drop_column(&mut self, table: &str, column: &str) {
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        let before = t.columns.len();
        t.columns.retain(|c| c.name != column);
        let dropped = t.columns.len() < before;
        // PostgreSQL drops every index and constraint that uses the column.
        self.remove_indexes(Some(table), |i| index_uses(i, column));
        if dropped {
            self.schema.removals.push(Removal {
                at: self.stmt.location.clone(),
                what: Removed::Column {
                    table: table.to_string(),
                    column: column.to_string(),
                    renamed_to: None,
                },
            });
        }
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        t.foreign_keys
            .retain(|f| !f.columns.iter().any(|c| c == column));
        for other in self.schema.tables.values_mut() {
            other
                .foreign_keys
                .retain(|f| !(f.ref_table == table && f.ref_columns.iter().any(|c| c == column)));
        }
    }

    fn rename_column(&mut self, table: &str, old: &str, new: &str) {
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if old != new && t.columns.iter().any(|c| c.name == old) {
            self.schema.removals.push(Removal {
                at: self.stmt.location.clone(),
                what: Removed::Column {
                    table: table.to_string(),
                    column: old.to_string(),
                    renamed_to: Some(new.to_string()),
                },
            });
        }
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        for c in t.columns.iter_mut().filter(|c| c.name == old) {
            c.name = new.to_string();
        }
        for ix in &mut t.indexes {
            for k in &mut ix.keys {
                match &mut k.expr {
                    KeyExpr::Column(c) if c == old => *c = new.to_string(),
                    KeyExpr::Expr(e) => *e = replace_word(e, old, new),
                    _ => {}
                }
            }
            for c in ix.include.iter_mut().filter(|c| *c == old) {
                *c = new.to_string();
            }
            if let Some(p) = &mut ix.predicate {
                *p = replace_word(p, old, new);
            }
        }
        for fk in &mut t.foreign_keys {
            for c in fk.columns.iter_mut().filter(|c| *c == old) {
                *c = new.to_string();
            }
        }
        for other in self.schema.tables.values_mut() {
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|f| f.ref_table == table)
            {
                for c in fk.ref_columns.iter_mut().filter(|c| *c == old) {
                    *c = new.to_string();
                }
            }
        }
    }

    fn rename_table(&mut self, old: &str, schema: &str, relname: &str) {
        let new = self.schema.key(schema, relname);
        let Some(mut t) = self.schema.tables.remove(old) else {
            return;
        };
        t.name.clone_from(&new);
        t.schema = schema.to_string();
        t.relname = relname.to_string();
        for ix in &mut t.indexes {
            ix.table.clone_from(&new);
        }
        self.schema.tables.insert(new.clone(), t);
        for other in self.schema.tables.values_mut() {
            for fk in other.foreign_keys.iter_mut().filter(|f| f.ref_table == old) {
                fk.ref_table.clone_from(&new);
            }
            if other.partition_of.as_deref() == Some(old) {
                other.partition_of = Some(new.clone());
            }
        }
    }

    fn drop_constraint(&mut self, table: &str, name: &str) {
        // `DROP CONSTRAINT` removes constraint indexes only, never a plain index.
        self.remove_indexes(Some(table), |i| {
            i.name == name && i.kind != IndexKind::Index
        });
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.foreign_keys.retain(|f| f.name.as_deref() != Some(name));
        }
    }

    fn drop_table(&mut self, name: &str) {
        if self.schema.tables.remove(name).is_some() {
            for other in self.schema.tables.values_mut() {
                other.foreign_keys.retain(|f| f.ref_table != name);
            }
        }
    }

    /// Remove the indexes matching `which` (of `table`, or of every table), recording each
    /// in [`Schema::removals`] with this statement's location.
    fn remove_indexes(&mut self, table: Option<&str>, which: impl Fn(&Index) -> bool) {
        let at = self.stmt.location.clone();
        let removals = &mut self.schema.removals;
        for (key, t) in self.schema.tables.iter_mut() {
            if table.is_some_and(|tn| tn != key) {
                continue;
            }
            let (gone, kept): (Vec<Index>, Vec<Index>) = std::mem::take(&mut t.indexes)
                .into_iter()
                .partition(|i| which(i));
            t.indexes = kept;
            removals.extend(gone.into_iter().map(|i| Removal {
                at: at.clone(),
                what: Removed::Index(i),
            }));
        }
    }

    /// MySQL `DROP INDEX i ON t` / `ALTER TABLE t DROP INDEX i`.
    fn drop_index_of(&mut self, table: &str, name: &str) {
        self.remove_indexes(Some(table), |i| i.name == name);
    }

    /// `DROP INDEX [schema.]name`: the index of that schema, or the first schema of the
    /// search path that has one of that name.
    fn drop_index(&mut self, n: &ObjectName) {
        if let Some((table, name)) = self.locate_index(n) {
            self.drop_index_of(&table, &name);
        }
    }

    /// The table key and name of the index `n` names.
    fn locate_index(&self, n: &ObjectName) -> Option<(String, String)> {
        let parts = name_parts_of(n);
        let (schemas, name): (Vec<String>, &String) = match parts.as_slice() {
            [name] if self.dialect == Dialect::Postgres => (self.path.to_vec(), name),
            [name] => (vec![String::new()], name),
            [.., s, name] => (vec![s.clone()], name),
            [] => return None,
        };
        schemas.iter().find_map(|s| {
            self.index_in_schema(s, name)
                .map(|ix| (ix.table.clone(), name.clone()))
        })
    }

    /// The index `name` of a table in `schema`.
    fn index_in_schema(&self, schema: &str, name: &str) -> Option<&Index> {
        // `names` holds every index name ever given (`push_index`, `create_index`, renames):
        // a name not in it is in no table, and the scan over all tables (quadratic in a
        // migration of thousands of `DROP INDEX IF EXISTS`) is skipped.
        if !self.names.contains(name) {
            return None;
        }
        self.schema
            .tables
            .values()
            .filter(|t| t.schema == schema)
            .flat_map(|t| t.indexes.iter())
            .find(|i| i.name == name)
    }

    fn find_index_mut(&mut self, n: &ObjectName) -> Option<&mut Index> {
        let (table, name) = self.locate_index(n)?;
        self.schema
            .tables
            .get_mut(&table)?
            .indexes
            .iter_mut()
            .find(|i| i.name == name)
    }
}

/// An identifier as idxlint stores it: lower-cased unless quoted.
pub fn ident(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// Every part of a qualified name, as stored (`public."Users"` -> `public`, `Users`).
pub fn name_parts_of(n: &ObjectName) -> Vec<String> {
    n.0.iter()
        .map(|p| match p.as_ident() {
            Some(i) => ident(i),
            None => p.to_string(),
        })
        .collect()
}

/// Whether a `CREATE INDEX` is `ON ONLY` a partitioned table.
fn on_only(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w == ["ON", "ONLY"])
}

/// Whether a PostgreSQL `CREATE TABLE t (LIKE u ...)` copies indexes: `INCLUDING INDEXES`
/// or `INCLUDING ALL` (without a later `EXCLUDING INDEXES`).
fn like_includes_indexes(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut on = false;
    for w in words.windows(2) {
        match (w[0], w[1]) {
            ("INCLUDING", "ALL" | "INDEXES") => on = true,
            ("EXCLUDING", "ALL" | "INDEXES") => on = false,
            _ => {}
        }
    }
    on
}

/// The last part of a qualified name (`public.users` -> `users`).
pub fn object_name(n: &ObjectName) -> String {
    n.0.last()
        .map(|p| match p.as_ident() {
            Some(i) => ident(i),
            None => p.to_string(),
        })
        .unwrap_or_default()
}

/// PostgreSQL's longest identifier, in bytes (`NAMEDATALEN - 1`).
const PG_MAX_NAME: usize = 63;

/// A generated name `name1_name2_label`, shortened as PostgreSQL's `makeObjectName` does:
/// the longer of `name1` and `name2` loses one character at a time until the whole fits in
/// 63 bytes, so a later `DROP CONSTRAINT` with the database's name still finds it.
pub fn pg_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let avail = PG_MAX_NAME.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    // Cut on a character boundary, as PostgreSQL's `pg_mbcliplen` does.
    let clip = |s: &str, n: usize| s[..crate::source::clamp_to_char(s, n)].to_string();
    let mut out = clip(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&clip(n, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The name MySQL gives an unnamed key: `PRIMARY` for the primary key, else the first key
/// column's name, then `<name>_2`, `<name>_3`... when the table already has it (index names
/// are per table in MySQL; `sql/sql_table.cc`, `make_unique_key_name`).
fn mysql_index_name(table: Option<&Table>, kind: IndexKind, keys: &[IndexKey]) -> String {
    if kind == IndexKind::PrimaryKey {
        return "PRIMARY".to_string();
    }
    let base = keys
        .first()
        .and_then(|k| k.expr.as_column())
        .unwrap_or("functional_index")
        .to_string();
    let taken = |n: &str| table.is_some_and(|t| t.indexes.iter().any(|i| i.name == n));
    if !taken(&base) && base != "PRIMARY" {
        return base;
    }
    (2..)
        .map(|i| format!("{base}_{i}"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// `(index name, invisible)` for each named key definition of a lower-cased MySQL
/// `CREATE TABLE` / `ALTER TABLE` text that says `VISIBLE` or `INVISIBLE`, and for each
/// `ALTER INDEX name [IN]VISIBLE`. Bounded: one pass over the text per definition.
fn visibility_marks(text: &str) -> Vec<(String, bool)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_' || c == '$' || c == '`';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    let mut out = Vec::new();
    for (i, (at, w)) in words.iter().enumerate() {
        let Some((_, name)) = words.get(i + 1) else {
            break;
        };
        let name = name.trim_matches('`').to_string();
        if *w == "alter" && words.get(i + 1).is_some_and(|(_, n)| *n == "index") {
            if let (Some((_, n)), Some((_, v))) = (words.get(i + 2), words.get(i + 3)) {
                if *v == "visible" || *v == "invisible" {
                    out.push((n.trim_matches('`').to_string(), *v == "invisible"));
                }
            }
            continue;
        }
        if !matches!(*w, "key" | "index") || name == "index" || name == "key" {
            continue;
        }
        // The definition: from the name through its key list to the next top-level comma
        // or closing parenthesis.
        let rest = &text[*at..];
        let Some(open) = rest.find('(') else { continue };
        let mut depth = 0usize;
        let mut end = rest.len();
        for (j, c) in rest[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth <= 1 => {
                    let tail = &rest[open + j + 1..];
                    let stop = tail.find([',', ')']).unwrap_or(tail.len());
                    end = open + j + 1 + stop;
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let def = &rest[..end.min(rest.len())];
        if has_word(def, "invisible") {
            out.push((name, true));
        } else if has_word(def, "visible") {
            out.push((name, false));
        }
    }
    out
}

fn column_keys(column: &str) -> Vec<IndexKey> {
    vec![IndexKey::column(column)]
}

/// The `<cols>` part of a generated name: column names, `expr` for expressions (as
/// PostgreSQL's `ChooseIndexColumnNames` does for expressions it cannot name).
pub fn name_parts(keys: &[IndexKey]) -> String {
    keys.iter()
        .map(|k| match &k.expr {
            KeyExpr::Column(c) => c.clone(),
            KeyExpr::Expr(e) => {
                // PostgreSQL names a function-call key after the function (`lower`).
                let head: String = e
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() && e[head.len()..].starts_with('(') {
                    head
                } else {
                    "expr".to_string()
                }
            }
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// MySQL prefix key `col(10)`, read by sqlparser as a call of `col` with one number.
fn mysql_prefix(f: &sqlparser::ast::Function) -> Option<(String, u32)> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, Value};
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] = list.args.as_slice() else {
        return None;
    };
    let Value::Number(n, _) = &v.value else {
        return None;
    };
    let len = n.parse().ok()?;
    let [part] = f.name.0.as_slice() else {
        return None;
    };
    Some((ident(part.as_ident()?), len))
}

/// Whether an index uses `column` in a key, an expression, `INCLUDE` or its predicate.
fn index_uses(ix: &Index, column: &str) -> bool {
    ix.keys.iter().any(|k| match &k.expr {
        KeyExpr::Column(c) => c == column,
        KeyExpr::Expr(e) => has_word(e, column),
    }) || ix.include.iter().any(|c| c == column)
        || ix.predicate.as_deref().is_some_and(|p| has_word(p, column))
}

/// Byte ranges of `word` in `text` as a whole identifier, outside single-quoted strings.
fn word_matches(text: &str, word: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut in_str = false;
    let mut start = None;
    let push = |s: usize, e: usize, out: &mut Vec<_>| {
        if &text[s..e] == word {
            out.push(s..e);
        }
    };
    for (i, c) in text.char_indices() {
        if in_str {
            if c == '\'' {
                in_str = false;
            }
            continue;
        }
        if is_ident(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            push(s, i, &mut out);
        }
        if c == '\'' {
            in_str = true;
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    out
}

fn has_word(text: &str, word: &str) -> bool {
    !word_matches(text, word).is_empty()
}

fn replace_word(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in word_matches(text, old) {
        out.push_str(&text[last..r.start]);
        out.push_str(new);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a MySQL `CREATE TABLE` uses InnoDB (the default engine), which clusters rows on
/// the primary key; `ENGINE=MyISAM`, `MEMORY`, `ARCHIVE`... do not.
fn innodb(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.rfind("engine") else {
        return true;
    };
    let rest = lower[at + "engine".len()..].trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    name.is_empty() || name == "innodb"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_respect_identifier_boundaries_and_strings() {
        assert_eq!(
            replace_word("lower(email) || email_x", "email", "mail"),
            "lower(mail) || email_x"
        );
        assert!(!has_word("status = 'email'", "email"));
        assert!(has_word("a + b", "b"));
    }

    #[test]
    fn long_generated_names_are_shortened_like_postgres() {
        assert_eq!(
            pg_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
        assert_eq!(pg_object_name("users", None, "pkey"), "users_pkey");
        // 47 + 23 bytes of names, 57 available: the table part (longer) is cut to 34.
        let t = "community_person_ban_expires_notification_queue";
        let n = pg_object_name(t, Some("community_person_ban_id"), "fkey");
        assert_eq!(n.len(), 63);
        assert_eq!(
            n,
            "community_person_ban_expires_notif_community_person_ban_id_fkey"
        );
    }

    #[test]
    fn clashing_generated_names_are_shortened_again_like_postgres() {
        let t = "t".repeat(40);
        let c = "c".repeat(40);
        let sql = format!(
            "CREATE TABLE {t} ({c} int); CREATE INDEX ON {t} ({c}); CREATE INDEX ON {t} ({c});"
        );
        let frag = crate::extract::Fragment::sql_file(&sql);
        let stmts =
            crate::parse::parse_fragment(Dialect::Postgres, crate::source::FileId(0), &frag);
        let schema = fold(Dialect::Postgres, &stmts, &mut Vec::new());
        let names: Vec<&str> = schema.tables[&t]
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        // ChooseRelationName: the label becomes `idx1` and the names are cut again.
        assert_eq!(names.len(), 2);
        assert!(names.iter().all(|n| n.len() == 63), "{names:?}");
        assert!(
            names[0].ends_with("_idx") && names[1].ends_with("_idx1"),
            "{names:?}"
        );
    }

    #[test]
    fn name_parts_follow_postgres() {
        let keys = vec![
            IndexKey::column("a"),
            IndexKey {
                expr: KeyExpr::Expr("lower(email)".into()),
                ..IndexKey::column("x")
            },
            IndexKey {
                expr: KeyExpr::Expr("a + b".into()),
                ..IndexKey::column("x")
            },
        ];
        assert_eq!(name_parts(&keys), "a_lower_expr");
    }
}

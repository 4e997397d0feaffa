//! Stage 4a: fold DDL statements, in migration order, into the [`Schema`] they leave behind.
//!
//! Input: the parsed statements of schema sources (migrations and other `.sql` files),
//! sorted by file path and then by position. Output: one [`Schema`].
//!
//! Invariants:
//! - Never panics and never fails: a statement this module does not understand, or one
//!   about a table the schema does not know (it may live elsewhere), is ignored quietly.
//! - Names are lower-cased unless quoted; schema qualifiers are dropped (`public.users` is
//!   `users`), since queries rarely carry them. Two tables of the same name in different
//!   schemas therefore collapse into one (the last `CREATE TABLE` wins).
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
    Column, ForeignKey, Index, IndexKey, IndexKind, KeyExpr, Removal, Removed, Schema, Table,
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

/// The schema after applying `statements` in order.
pub fn fold(
    dialect: Dialect,
    statements: &[Statement],
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    // Folding reports nothing itself: unknown objects are ignored quietly (see the header).
    let _ = diagnostics;
    let mut schema = Schema::default();
    let mut names = std::collections::HashSet::new();
    for stmt in statements {
        if let Some(ast) = &stmt.ast {
            let mut f = Folder {
                dialect,
                schema: &mut schema,
                names: &mut names,
                stmt,
                lines: None,
                constraint_span: Span::empty(),
            };
            f.apply(ast);
        }
    }
    resolve_implicit_references(&mut schema);
    schema
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
            Ast::AlterTable(at) => {
                let table = object_name(&at.name);
                for op in &at.operations {
                    self.alter_table(&table, op);
                }
            }
            Ast::AlterIndex {
                name,
                operation: AlterIndexOperation::RenameIndex { index_name },
            } => {
                let old = object_name(name);
                let new = object_name(index_name);
                self.names.insert(new.clone());
                if let Some(ix) = self.find_index_mut(&old) {
                    ix.name = new;
                }
            }
            Ast::Drop {
                object_type,
                names,
                table,
                ..
            } => match object_type {
                ObjectType::Table => {
                    for n in names {
                        self.drop_table(&object_name(n));
                    }
                }
                ObjectType::Index => {
                    let on = table.as_ref().map(object_name);
                    for n in names {
                        self.drop_index(on.as_deref(), &object_name(n));
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
                    if let Some(t) = self.schema.tables.get_mut(&object_name(n)) {
                        t.seeded = true;
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

    fn create_table(&mut self, ct: &CreateTable) {
        let name = object_name(&ct.name);
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
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            declared,
            seeded: false,
            clustered: (self.dialect == Dialect::Mysql && innodb(&self.stmt.text))
                || ct.without_rowid,
            orm: match self.stmt.fragment_kind {
                crate::extract::FragmentKind::OrmSchema(o) => Some(o),
                _ => None,
            },
        };
        // `CREATE TABLE ... LIKE other`: copy the columns (and, for MySQL, which copies
        // index definitions too, the indexes).
        if let Some(CreateTableLikeKind::Parenthesized(like) | CreateTableLikeKind::Plain(like)) =
            &ct.like
        {
            if let Some(src) = self.schema.tables.get(&object_name(&like.name)) {
                table.columns = src.columns.clone();
                if self.dialect == Dialect::Mysql {
                    table.indexes = src
                        .indexes
                        .iter()
                        .map(|ix| Index {
                            table: name.clone(),
                            ..ix.clone()
                        })
                        .collect();
                }
            }
        }
        // `CREATE TABLE ... AS SELECT`: the columns the select names (type unknown).
        if ct.columns.is_empty() {
            if let Some(q) = &ct.query {
                table.columns = select_columns(&q.body, &table.declared);
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
        if !self.schema.tables.contains_key(table) || keys.is_empty() {
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
            let base = if kind == IndexKind::PrimaryKey {
                pg_object_name(table, None, "pkey")
            } else {
                pg_object_name(table, Some(&name_parts(&keys)), suffix)
            };
            self.unique_name(base)
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
        let ref_table = object_name(&fk.foreign_table);
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
            let base = pg_object_name(table, Some(&columns.join("_")), "fkey");
            let t = self.schema.tables.get(table)?;
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

    /// `base`, or `base1`, `base2`... if an index of that name exists (as PostgreSQL does).
    fn unique_name(&mut self, base: String) -> String {
        if !self.names.contains(&base) {
            return base;
        }
        let taken = |n: &str| {
            self.schema
                .tables
                .values()
                .any(|t| t.indexes.iter().any(|i| i.name == n))
        };
        if !taken(&base) {
            return base;
        }
        (1..)
            .map(|i| format!("{base}{i}"))
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
        let table = object_name(&ci.table_name);
        if !self.schema.tables.contains_key(&table) {
            return;
        }
        let name = ci.name.as_ref().map(object_name);
        if let Some(n) = &name {
            // With `IF NOT EXISTS` the database skips the statement; without, it rejects
            // it: either way the first definition stays.
            if self.find_index(n).is_some() {
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
            self.unique_name(pg_object_name(&table, Some(&name_parts(&keys)), "idx"))
        });
        let method = match &ci.using {
            Some(m) => m.to_string().to_lowercase(),
            None => "btree".to_string(),
        };
        self.names.insert(name.clone());
        let Some(t) = self.schema.tables.get_mut(&table) else {
            return;
        };
        t.indexes.push(Index {
            name,
            table: table.clone(),
            kind: IndexKind::Index,
            unique: ci.unique,
            method,
            keys,
            include: ci.include.iter().map(ident).collect(),
            predicate: ci.predicate.as_ref().map(normalize_expr),
            declared,
        });
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
            AlterTableOperation::DropIndex { name } => self.drop_index(Some(table), &ident(name)),
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                self.rename_table(table, &object_name(n));
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

    fn rename_table(&mut self, old: &str, new: &str) {
        let Some(mut t) = self.schema.tables.remove(old) else {
            return;
        };
        t.name = new.to_string();
        for ix in &mut t.indexes {
            ix.table = new.to_string();
        }
        self.schema.tables.insert(new.to_string(), t);
        for other in self.schema.tables.values_mut() {
            for fk in other.foreign_keys.iter_mut().filter(|f| f.ref_table == old) {
                fk.ref_table = new.to_string();
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

    fn drop_index(&mut self, table: Option<&str>, name: &str) {
        self.remove_indexes(table, |i| i.name == name);
    }

    /// Remove the indexes matching `which` (of `table`, or of every table), recording each
    /// in [`Schema::removals`] with this statement's location.
    fn remove_indexes(&mut self, table: Option<&str>, which: impl Fn(&Index) -> bool) {
        let at = self.stmt.location.clone();
        let removals = &mut self.schema.removals;
        for t in self.schema.tables.values_mut() {
            if table.is_some_and(|tn| tn != t.name) {
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

    fn find_index(&self, name: &str) -> Option<&Index> {
        // `names` holds every index name ever given: a name not in it is in no table, and
        // the scan over all tables (quadratic in a migration of thousands of indexes) is
        // skipped.
        if !self.names.contains(name) {
            return None;
        }
        self.schema
            .tables
            .values()
            .flat_map(|t| t.indexes.iter())
            .find(|i| i.name == name)
    }

    fn find_index_mut(&mut self, name: &str) -> Option<&mut Index> {
        if !self.names.contains(name) {
            return None;
        }
        self.schema
            .tables
            .values_mut()
            .flat_map(|t| t.indexes.iter_mut())
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
fn pg_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
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
fn name_parts(keys: &[IndexKey]) -> String {
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

/// The column names a `SELECT` produces (for `CREATE TABLE ... AS`); types unknown.
fn select_columns(body: &SetExpr, declared: &Location) -> Vec<Column> {
    let SetExpr::Select(sel) = body else {
        return Vec::new();
    };
    sel.projection
        .iter()
        .filter_map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => Some(ident(alias)),
            SelectItem::UnnamedExpr(Expr::Identifier(i)) => Some(ident(i)),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(p)) => p.last().map(ident),
            _ => None,
        })
        .map(|name| Column {
            name,
            data_type: String::new(),
            nullable: true,
            declared: declared.clone(),
        })
        .collect()
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

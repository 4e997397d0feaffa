//! Build access patterns from sqlparser ASTs.
//!
//! Walks a statement with a stack of scopes (one per `SELECT` level; CTE names and derived
//! tables are bindings without a base table). Each conjunct of `WHERE` and `JOIN ... ON` is
//! classified: a comparison of a column of one table with a value is a [`Filter`]; a
//! comparison of columns of two tables is a pair of [`JoinKey`]s; a top-level `OR` marks the
//! tables it touches (`has_or`) instead of guessing. Subqueries (`EXISTS`, `IN (SELECT ...)`,
//! scalar, derived, CTE bodies) are analyzed as part of the same query, with the outer
//! scopes visible for correlated references.

use super::{Filter, FilterOp, JoinKey, MatchOp, Query, QueryKind, SortKey, TableAccess};
use crate::extract::hole::{Hole, HoleKind};
use crate::model::expr::{ident_name, normalize_text};
use crate::model::schema::{KeyExpr, Schema};
use crate::parse::Statement;
use rayon::prelude::*;
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, Ident,
    JoinConstraint, JoinOperator, LimitClause, ObjectName, ObjectNamePart, OrderByExpr,
    OrderByKind, Query as AstQuery, Select, SelectItem, SetExpr, Statement as Ast, TableFactor,
    TableWithJoins, UnaryOperator, UpdateTableFromKind, Value,
};

/// Access patterns of every query statement: `(resolved, unresolved)`. A query is
/// unresolved when it names a table or column that the schema does not declare; it gets no
/// verdict (the schema may live elsewhere).
pub fn analyze_all(schema: &Schema, statements: &[Statement]) -> (Vec<Query>, Vec<Query>) {
    let results: Vec<(Query, bool)> = statements
        .par_iter()
        .filter_map(|s| analyze_statement(schema, s))
        .collect();
    let mut resolved = Vec::new();
    let mut unresolved = Vec::new();
    for (q, ok) in results {
        if ok {
            resolved.push(q)
        } else {
            unresolved.push(q)
        }
    }
    (resolved, unresolved)
}

/// The equality a scope column (`Schema::scoped_by`) adds to every access of a table that
/// has the column, unless the query already constrains it with an equality: PostgreSQL
/// adds a row-level security policy's condition to the query, and it is an index
/// condition like any other.
fn add_scope_filters(schema: &Schema, accesses: &mut [TableAccess]) {
    if schema.scoped_by.is_empty() {
        return;
    }
    for a in accesses {
        let Some(table) = schema.tables.get(&a.table) else {
            continue;
        };
        for col in &schema.scoped_by {
            let has_column = table.columns.iter().any(|c| &c.name == col);
            let constrained = a
                .filters
                .iter()
                .any(|f| f.is_equality() && f.target.as_column() == Some(col.as_str()));
            if has_column && !constrained {
                a.filters.push(Filter {
                    target: KeyExpr::Column(col.clone()),
                    op: FilterOp::Eq(None),
                    text: format!("{col} = ? /* scoped-by */"),
                });
            }
        }
    }
}

/// The access pattern of one statement, and whether every table and column resolved.
/// `None` when the statement is not a query (DDL, `INSERT ... VALUES`).
pub fn analyze_statement(schema: &Schema, stmt: &Statement) -> Option<(Query, bool)> {
    let tree = stmt.tree()?;
    let ast: &Ast = &tree;
    let mut b = Builder {
        schema,
        accesses: Vec::new(),
        scopes: Vec::new(),
        unresolved: false,
    };
    let kind = match ast {
        Ast::Query(q) => {
            b.query(q);
            QueryKind::Select
        }
        Ast::Insert(ins) => {
            b.query(ins.source.as_ref()?);
            QueryKind::InsertSelect
        }
        Ast::Update(u) => {
            let mut scope = Scope::default();
            b.bind_table_with_joins(&u.table, &mut scope);
            if let Some(UpdateTableFromKind::BeforeSet(f) | UpdateTableFromKind::AfterSet(f)) =
                &u.from
            {
                for twj in f {
                    b.bind_table_with_joins(twj, &mut scope);
                }
            }
            b.scopes.push(scope);
            b.joins_of(&u.table);
            if let Some(w) = &u.selection {
                b.where_clause(w);
            }
            for a in &u.assignments {
                b.subqueries_in(&a.value);
            }
            b.scopes.pop();
            QueryKind::Update
        }
        Ast::Delete(d) => {
            let mut scope = Scope::default();
            let (sqlparser::ast::FromTable::WithFromKeyword(from)
            | sqlparser::ast::FromTable::WithoutKeyword(from)) = &d.from;
            for twj in from.iter().chain(d.using.iter().flatten()) {
                b.bind_table_with_joins(twj, &mut scope);
            }
            b.scopes.push(scope);
            for twj in from.iter().chain(d.using.iter().flatten()) {
                b.joins_of(twj);
            }
            if let Some(w) = &d.selection {
                b.where_clause(w);
            }
            b.scopes.pop();
            QueryKind::Delete
        }
        _ => return None,
    };
    // A query whose only tables are undeclared still counts, as a query without verdict.
    if b.accesses.is_empty() && !b.unresolved {
        return None;
    }
    let ok = !b.unresolved && b.accesses.iter().all(|a| a.unknown_columns.is_empty());
    let mut accesses = b.accesses;
    add_scope_filters(schema, &mut accesses);
    super::equivalence::propagate(&mut accesses);
    let (partial, no_verdict) = built_query_verdict(&stmt.holes);
    Some((
        Query {
            location: stmt.location.clone(),
            kind,
            accesses,
            sql: normalize_text(&stmt.text),
            partial,
            built: built_text(&stmt.text, &stmt.holes),
            no_verdict: if ok {
                no_verdict
            } else {
                unresolved_hole(&stmt.holes)
            },
        },
        ok && no_verdict_ok(&stmt.holes),
    ))
}

/// Whether a query built in code is partial (some name, column list or clause is not
/// known), and why it gets no verdict: an unknown clause where conditions go (`FROM`,
/// `WHERE`, `HAVING`, inside parentheses) could supply the condition an index would
/// serve, so "no index serves it" cannot be said. Unknown clauses after `ORDER BY` or in
/// `LIMIT` cannot, and the known text is analyzed.
fn built_query_verdict(holes: &[Hole]) -> (bool, Option<String>) {
    let partial = holes
        .iter()
        .any(|h| h.kind != HoleKind::Value && h.kind != HoleKind::List && h.resolved.is_none());
    let open: Vec<String> = holes
        .iter()
        .filter(|h| h.opens_conditions())
        .map(Hole::marker)
        .collect();
    let reason = (!open.is_empty()).then(|| {
        format!(
            "built in code: {} could add conditions idxlint cannot see",
            open.join(", ")
        )
    });
    (partial, reason)
}

/// `text` with each hole (other than plain values) shown by its marker.
fn built_text(text: &str, holes: &[Hole]) -> Option<String> {
    let shown: Vec<&Hole> = holes.iter().filter(|h| h.kind != HoleKind::Value).collect();
    if shown.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut at = 0;
    for h in shown {
        let (s, e) = (h.frag.start.max(at), h.frag.end.max(h.frag.start.max(at)));
        out.push_str(text.get(at..s)?);
        if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&h.marker());
        out.push(' ');
        at = e.min(text.len());
    }
    out.push_str(text.get(at..)?);
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn no_verdict_ok(holes: &[Hole]) -> bool {
    !holes.iter().any(Hole::opens_conditions)
}

/// The reason of an unresolved built query whose unknown name is a hole.
fn unresolved_hole(holes: &[Hole]) -> Option<String> {
    let names: Vec<String> = holes
        .iter()
        .filter(|h| h.kind == HoleKind::Identifier && h.resolved.is_none())
        .map(Hole::marker)
        .collect();
    if names.is_empty() {
        return built_query_verdict(holes).1;
    }
    Some(format!(
        "built in code: the name {} is not known before run time",
        names.join(", ")
    ))
}

/// The filters of a partial index predicate, as if it were a query's `WHERE` on `table`.
pub fn predicate_filters(schema: &Schema, table: &str, predicate: &str) -> Vec<Filter> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let Ok(expr) = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(predicate)
        .and_then(|mut p| p.parse_expr())
    else {
        return Vec::new();
    };
    let mut b = Builder {
        schema,
        accesses: vec![TableAccess::new(table.to_string())],
        scopes: vec![Scope {
            bindings: vec![Binding {
                name: table.to_string(),
                target: Target::Base(0),
            }],
            ctes: Vec::new(),
            aliases: Vec::new(),
        }],
        unresolved: false,
    };
    b.accesses[0].binding = table.to_string();
    b.where_clause(&expr);
    std::mem::take(&mut b.accesses[0].filters)
}

#[derive(Debug, Clone)]
enum Target {
    /// A base table: index into `accesses`.
    Base(usize),
    /// A CTE, derived table or function: its columns are not a base table's.
    Derived,
}

#[derive(Debug, Clone)]
struct Binding {
    name: String,
    target: Target,
}

#[derive(Debug, Default, Clone)]
struct Scope {
    bindings: Vec<Binding>,
    /// CTE names visible at this level.
    ctes: Vec<String>,
    /// Output column aliases of the SELECT (`count(*) AS n`), which ORDER BY may name.
    aliases: Vec<String>,
}

/// Where a column reference points.
#[derive(Debug, Clone, PartialEq)]
enum Res {
    Col(usize, String),
    /// A column of a derived table, CTE or unknown source: no index verdict.
    Opaque,
}

struct Builder<'s> {
    schema: &'s Schema,
    accesses: Vec<TableAccess>,
    scopes: Vec<Scope>,
    unresolved: bool,
}

/// The last part of an object name (the table without its schema).
fn object_base(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(id) => Some(ident_name(id)),
        ObjectNamePart::Function(_) => None,
    }
}

/// Every part of an object name (`stats.events` -> `["stats", "events"]`).
fn object_parts(name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => Some(ident_name(id)),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

fn literal_text(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(_) => None,
            other => Some(normalize_text(&other.to_string())),
        },
        Expr::Nested(inner) => literal_text(inner),
        Expr::Cast { expr, .. } => literal_text(expr),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => literal_text(expr).map(|t| format!("-{t}")),
        _ => None,
    }
}

impl<'s> Builder<'s> {
    // ---- scopes and resolution -------------------------------------------------------

    fn is_cte(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.ctes.iter().any(|c| c == name))
    }

    /// Bind a table factor in `scope`, analyzing derived tables.
    fn bind_factor(&mut self, factor: &TableFactor, scope: &mut Scope) {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let Some(base) = object_base(name) else {
                    return;
                };
                let binding = alias
                    .as_ref()
                    .map(|a| ident_name(&a.name))
                    .unwrap_or_else(|| base.clone());
                let key = object_parts(name).and_then(|p| self.schema.resolve(&p));
                let target = if args.is_some() || self.is_cte(&base) && name.0.len() == 1 {
                    Target::Derived
                } else if let Some(key) = key {
                    // The table as the schema keys it: through the search path when
                    // unqualified, exactly when qualified.
                    let mut access = TableAccess::new(key);
                    access.binding = binding.clone();
                    self.accesses.push(access);
                    Target::Base(self.accesses.len() - 1)
                } else {
                    self.unresolved = true;
                    Target::Derived
                };
                scope.bindings.push(Binding {
                    name: binding,
                    target,
                });
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                if *lateral {
                    // A lateral subquery sees the bindings made so far at this level.
                    self.scopes.push(scope.clone());
                    self.query(subquery);
                    self.scopes.pop();
                } else {
                    self.query(subquery);
                }
                if let Some(a) = alias {
                    scope.bindings.push(Binding {
                        name: ident_name(&a.name),
                        target: Target::Derived,
                    });
                }
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                self.bind_table_with_joins(table_with_joins, scope);
                if let Some(a) = alias {
                    scope.bindings.push(Binding {
                        name: ident_name(&a.name),
                        target: Target::Derived,
                    });
                }
            }
            _ => {
                // Table functions, UNNEST, ...: columns are opaque.
                scope.bindings.push(Binding {
                    name: String::new(),
                    target: Target::Derived,
                });
            }
        }
    }

    fn bind_table_with_joins(&mut self, twj: &TableWithJoins, scope: &mut Scope) {
        self.bind_factor(&twj.relation, scope);
        for j in &twj.joins {
            self.bind_factor(&j.relation, scope);
        }
    }

    /// Resolve a column reference written as `parts`, and note the column as used.
    fn resolve(&mut self, parts: &[Ident]) -> Res {
        let res = self.resolve_name(parts);
        if let Res::Col(i, c) = &res {
            let used = &mut self.accesses[*i].columns_used;
            if !used.contains(c) {
                used.push(c.clone());
            }
        }
        res
    }

    fn resolve_name(&mut self, parts: &[Ident]) -> Res {
        let Some(col) = parts.last().map(ident_name) else {
            return Res::Opaque;
        };
        if parts.len() >= 2 {
            let qual = ident_name(&parts[parts.len() - 2]);
            for scope in self.scopes.iter().rev() {
                if let Some(b) = scope.bindings.iter().rev().find(|b| b.name == qual) {
                    return match b.target {
                        Target::Base(i) => self.column_of(i, col),
                        Target::Derived => Res::Opaque,
                    };
                }
            }
            self.unresolved = true;
            return Res::Opaque;
        }
        for scope in self.scopes.iter().rev() {
            let bases: Vec<usize> = scope
                .bindings
                .iter()
                .filter_map(|b| match b.target {
                    Target::Base(i) => Some(i),
                    Target::Derived => None,
                })
                .collect();
            let has_derived = scope
                .bindings
                .iter()
                .any(|b| matches!(b.target, Target::Derived));
            let owners: Vec<usize> = bases
                .iter()
                .copied()
                .filter(|&i| {
                    self.schema
                        .tables
                        .get(&self.accesses[i].table)
                        .is_some_and(|t| t.column(&col).is_some())
                })
                .collect();
            if owners.is_empty() && scope.aliases.contains(&col) {
                return Res::Opaque;
            }
            match owners.as_slice() {
                [one] => return Res::Col(*one, col),
                [] if bases.len() == 1 && !has_derived => return self.column_of(bases[0], col),
                [] if has_derived => return Res::Opaque,
                [] => continue,
                _ => return Res::Opaque,
            }
        }
        // Not a column of any table in scope: an output alias, a function without
        // parentheses (CURRENT_DATE), or an unknown column.
        Res::Opaque
    }

    fn column_of(&mut self, access: usize, col: String) -> Res {
        let known = self
            .schema
            .tables
            .get(&self.accesses[access].table)
            .is_some_and(|t| t.column(&col).is_some());
        if !known {
            let a = &mut self.accesses[access];
            if !a.unknown_columns.contains(&col) {
                a.unknown_columns.push(col.clone());
            }
        }
        Res::Col(access, col)
    }

    /// The single column an expression is, if it is one.
    fn as_column(&mut self, e: &Expr) -> Option<Res> {
        match e {
            Expr::Identifier(id) => Some(self.resolve(std::slice::from_ref(id))),
            Expr::CompoundIdentifier(parts) => Some(self.resolve(parts)),
            Expr::Nested(inner) => self.as_column(inner),
            _ => None,
        }
    }

    /// Accesses whose columns `e` references, and whether it references opaque columns.
    fn refs(&mut self, e: &Expr) -> (Vec<usize>, bool) {
        let mut cols = Vec::new();
        let mut subqueries = Vec::new();
        collect(e, &mut cols, &mut subqueries);
        let mut out = Vec::new();
        let mut opaque = false;
        for parts in cols {
            match self.resolve(&parts) {
                Res::Col(i, _) => {
                    if !out.contains(&i) {
                        out.push(i)
                    }
                }
                Res::Opaque => opaque = true,
            }
        }
        opaque |= !subqueries.is_empty();
        (out, opaque)
    }

    /// The key an expression over one table's columns is: a column, or a normalized
    /// expression with that table's qualifier removed.
    fn key_of(&mut self, e: &Expr) -> Option<(usize, KeyExpr)> {
        if let Some(res) = self.as_column(e) {
            return match res {
                Res::Col(i, c) => Some((i, KeyExpr::Column(c))),
                Res::Opaque => None,
            };
        }
        let (accs, opaque) = self.refs(e);
        match (accs.as_slice(), opaque) {
            ([one], false) => {
                let binding = self.accesses[*one].binding.clone();
                Some((*one, KeyExpr::Expr(strip_qualifier(e, &binding))))
            }
            _ => None,
        }
    }

    /// Whether `e` is a value for comparisons against access `i`: it references no column of
    /// `i` (parameters, literals, outer columns, other tables).
    fn is_value_for(&mut self, e: &Expr, i: usize) -> bool {
        let (accs, _) = self.refs(e);
        !accs.contains(&i)
    }

    // ---- queries ---------------------------------------------------------------------

    fn query(&mut self, q: &AstQuery) {
        let mut scope = Scope::default();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                // Recursive CTEs may name themselves; earlier CTEs are visible.
                scope.ctes.push(ident_name(&cte.alias.name));
                self.scopes.push(scope.clone());
                self.query(&cte.query);
                self.scopes.pop();
            }
        }
        self.scopes.push(scope);
        let first = self.accesses.len();
        let single = self.set_expr(&q.body);
        if let Some(sel_accesses) = single {
            self.order_and_limit(q, first, &sel_accesses);
        }
        self.scopes.pop();
    }

    /// Analyze a query body. Returns the accesses of the FROM clause when the body is a
    /// single SELECT (ORDER BY and LIMIT apply to it), else `None`.
    fn set_expr(&mut self, body: &SetExpr) -> Option<(Vec<usize>, Scope)> {
        match body {
            SetExpr::Select(sel) => Some(self.select(sel)),
            SetExpr::Query(q) => {
                self.query(q);
                None
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left);
                self.set_expr(right);
                None
            }
            _ => None,
        }
    }

    /// Analyze one SELECT; returns its base-table accesses and its scope.
    fn select(&mut self, sel: &Select) -> (Vec<usize>, Scope) {
        let mut scope = Scope::default();
        for item in &sel.projection {
            if let SelectItem::ExprWithAlias { alias, .. } = item {
                scope.aliases.push(ident_name(alias));
            }
        }
        let first = self.accesses.len();
        for twj in &sel.from {
            self.bind_table_with_joins(twj, &mut scope);
        }
        let own: Vec<usize> = scope
            .bindings
            .iter()
            .filter_map(|b| match b.target {
                Target::Base(i) if i >= first => Some(i),
                _ => None,
            })
            .collect();
        self.scopes.push(scope);
        for twj in &sel.from {
            self.joins_of(twj);
        }
        if let Some(w) = &sel.selection {
            self.where_clause(w);
        }
        for item in &sel.projection {
            match item {
                SelectItem::UnnamedExpr(e)
                | SelectItem::ExprWithAlias { expr: e, .. }
                | SelectItem::ExprWithAliases { expr: e, .. } => {
                    self.refs(e);
                    self.subqueries_in(e);
                }
                SelectItem::Wildcard(_) => {
                    for &i in &own {
                        self.accesses[i].wildcard = true;
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let name = kind.to_string().to_lowercase();
                    for &i in &own {
                        if self.accesses[i].binding == name || self.accesses[i].table == name {
                            self.accesses[i].wildcard = true;
                        }
                    }
                }
            }
        }
        if let Some(h) = &sel.having {
            self.subqueries_in(h);
        }
        if let GroupByExpr::Expressions(exprs, _) = &sel.group_by {
            for e in exprs {
                if let Some((i, key)) = self.key_of(e) {
                    self.accesses[i].group_by.push(key);
                }
            }
        }
        let scope = self.scopes.pop().unwrap_or_default();
        (own, scope)
    }

    fn joins_of(&mut self, twj: &TableWithJoins) {
        for j in &twj.joins {
            let constraint = match &j.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::Left(c)
                | JoinOperator::LeftOuter(c)
                | JoinOperator::Right(c)
                | JoinOperator::RightOuter(c)
                | JoinOperator::FullOuter(c)
                | JoinOperator::Semi(c)
                | JoinOperator::LeftSemi(c)
                | JoinOperator::RightSemi(c)
                | JoinOperator::Anti(c)
                | JoinOperator::LeftAnti(c)
                | JoinOperator::RightAnti(c) => Some(c),
                _ => None,
            };
            match constraint {
                Some(JoinConstraint::On(e)) => self.where_clause(e),
                Some(JoinConstraint::Using(cols)) => self.join_using(&j.relation, cols),
                _ => {}
            }
            if let TableFactor::NestedJoin {
                table_with_joins, ..
            } = &j.relation
            {
                self.joins_of(table_with_joins);
            }
        }
        if let TableFactor::NestedJoin {
            table_with_joins, ..
        } = &twj.relation
        {
            self.joins_of(table_with_joins);
        }
    }

    /// `JOIN right USING (cols)`: each column is a join key between `right` and the
    /// earlier table that has it.
    fn join_using(&mut self, right: &TableFactor, cols: &[ObjectName]) {
        let right_binding = match right {
            TableFactor::Table { name, alias, .. } => alias
                .as_ref()
                .map(|a| ident_name(&a.name))
                .or_else(|| object_base(name)),
            _ => None,
        };
        let Some(scope) = self.scopes.last() else {
            return;
        };
        let bindings = scope.bindings.clone();
        let Some(ri) = bindings
            .iter()
            .rposition(|b| Some(&b.name) == right_binding.as_ref())
        else {
            return;
        };
        let Target::Base(r) = bindings[ri].target else {
            return;
        };
        for c in cols {
            let Some(col) = object_base(c) else { continue };
            let left = bindings[..ri].iter().rev().find_map(|b| match b.target {
                Target::Base(i)
                    if self
                        .schema
                        .tables
                        .get(&self.accesses[i].table)
                        .is_some_and(|t| t.column(&col).is_some()) =>
                {
                    Some(i)
                }
                _ => None,
            });
            if let Some(l) = left {
                self.add_join(l, col.clone(), r, col.clone());
            }
        }
    }

    fn add_join(&mut self, a: usize, a_col: String, b: usize, b_col: String) {
        if a == b {
            return;
        }
        let ka = JoinKey {
            column: a_col.clone(),
            partner: b,
            partner_column: b_col.clone(),
        };
        if !self.accesses[a].join_keys.contains(&ka) {
            self.accesses[a].join_keys.push(ka);
        }
        let kb = JoinKey {
            column: b_col,
            partner: a,
            partner_column: a_col,
        };
        if !self.accesses[b].join_keys.contains(&kb) {
            self.accesses[b].join_keys.push(kb);
        }
    }

    fn push_filter(&mut self, i: usize, target: KeyExpr, op: FilterOp, conjunct: &Expr) {
        let binding = self.accesses[i].binding.clone();
        let text = strip_qualifier(conjunct, &binding);
        self.accesses[i].filters.push(Filter { target, op, text });
    }

    /// Classify each conjunct of a WHERE / ON expression.
    fn where_clause(&mut self, e: &Expr) {
        match e {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                self.where_clause(left);
                self.where_clause(right);
            }
            Expr::Nested(inner) => self.where_clause(inner),
            _ => self.conjunct(e),
        }
    }

    fn conjunct(&mut self, e: &Expr) {
        match e {
            Expr::BinaryOp { left, op, right } => {
                let range = matches!(
                    op,
                    BinaryOperator::Lt
                        | BinaryOperator::LtEq
                        | BinaryOperator::Gt
                        | BinaryOperator::GtEq
                );
                let matching = match op {
                    BinaryOperator::PGRegexMatch
                    | BinaryOperator::PGRegexIMatch
                    | BinaryOperator::PGLikeMatch
                    | BinaryOperator::PGILikeMatch => Some(MatchOp::Trigram),
                    BinaryOperator::AtArrow => Some(MatchOp::Contains),
                    BinaryOperator::ArrowAt => Some(MatchOp::ContainedBy),
                    BinaryOperator::Question
                    | BinaryOperator::QuestionAnd
                    | BinaryOperator::QuestionPipe => Some(MatchOp::KeyExists),
                    BinaryOperator::PGOverlap => Some(MatchOp::Overlap),
                    BinaryOperator::AtAt => Some(MatchOp::TextSearch),
                    _ => None,
                };
                if let Some(m) = matching {
                    return self.match_op(left, right, m, e);
                }
                match op {
                    BinaryOperator::Eq => self.comparison(left, right, e, true),
                    _ if range => self.comparison(left, right, e, false),
                    BinaryOperator::Or => self.disjunction(e),
                    _ => self.other(e),
                }
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                if *negated {
                    return self.other(e);
                }
                if let Some((i, key)) = self.key_of(expr) {
                    if list.iter().all(|v| self.is_value_for(v, i)) {
                        let lits: Option<Vec<String>> = list.iter().map(literal_text).collect();
                        let op = match lits {
                            Some(mut l) if l.len() == 1 => FilterOp::Eq(l.pop()),
                            Some(l) => FilterOp::In(l),
                            None => FilterOp::In(Vec::new()),
                        };
                        self.push_filter(i, key, op, e);
                    }
                }
                self.subqueries_in(e);
            }
            Expr::InSubquery {
                expr,
                subquery,
                negated,
            } => {
                if !*negated {
                    if let Some((i, key)) = self.key_of(expr) {
                        self.push_filter(i, key, FilterOp::Eq(None), e);
                    }
                }
                self.query(subquery);
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                if !*negated {
                    if let Some((i, key)) = self.key_of(expr) {
                        if self.is_value_for(low, i) && self.is_value_for(high, i) {
                            self.push_filter(i, key, FilterOp::Range, e);
                        }
                    }
                }
                self.subqueries_in(e);
            }
            Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                ..
            } => {
                if let Some((i, key)) = self.key_of(expr) {
                    let prefix = match literal_text(pattern) {
                        Some(p) => {
                            let body = p.trim_start_matches('\'');
                            !body.is_empty() && !body.starts_with(['%', '_'])
                        }
                        None => false,
                    };
                    // A prefix pattern is a B-tree range; any other pattern (a leading
                    // wildcard, or a parameter that may hold one) needs a trigram index.
                    let op = match (negated, prefix) {
                        (true, _) => FilterOp::Other,
                        (false, true) => FilterOp::LikePrefix,
                        (false, false) => FilterOp::Match(MatchOp::Trigram),
                    };
                    self.push_filter(i, key, op, e);
                }
            }
            Expr::ILike {
                negated: false,
                any: false,
                expr,
                ..
            }
            | Expr::SimilarTo {
                negated: false,
                expr,
                ..
            }
            | Expr::RLike {
                negated: false,
                expr,
                ..
            } => {
                // ILIKE and regular expressions never use a B-tree.
                if let Some((i, key)) = self.key_of(expr) {
                    self.push_filter(i, key, FilterOp::Match(MatchOp::Trigram), e);
                }
            }
            Expr::IsNull(inner) | Expr::IsNotNull(inner) => {
                if let Some((i, key)) = self.key_of(inner) {
                    let op = if matches!(e, Expr::IsNull(_)) {
                        FilterOp::IsNull
                    } else {
                        FilterOp::IsNotNull
                    };
                    self.push_filter(i, key, op, e);
                }
            }
            Expr::IsTrue(inner) | Expr::IsFalse(inner) => {
                if let Some((i, key)) = self.key_of(inner) {
                    let v = if matches!(e, Expr::IsTrue(_)) {
                        "true"
                    } else {
                        "false"
                    };
                    self.push_filter(i, key, FilterOp::Eq(Some(v.into())), e);
                }
            }
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                // A boolean column used as a condition: `WHERE active`.
                if let Some((i, key)) = self.key_of(e) {
                    self.push_filter(i, key, FilterOp::Eq(Some("true".into())), e);
                }
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } if matches!(**expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => {
                if let Some((i, key)) = self.key_of(expr) {
                    self.push_filter(i, key, FilterOp::Eq(Some("false".into())), e);
                }
            }
            Expr::Exists { subquery, .. } => self.query(subquery),
            _ => self.other(e),
        }
    }

    /// `left op right` where `op` is `=` (`eq`) or a range operator.
    fn comparison(&mut self, left: &Expr, right: &Expr, whole: &Expr, eq: bool) {
        let l = self.key_of(left);
        let r = self.key_of(right);
        if let (Some((li, lk)), Some((ri, rk))) = (&l, &r) {
            if li != ri {
                if let (KeyExpr::Column(lc), KeyExpr::Column(rc), true) = (lk, rk, eq) {
                    self.add_join(*li, lc.clone(), *ri, rc.clone());
                }
                self.subqueries_in(whole);
                return;
            }
        }
        let op = |other: &Expr| {
            if eq {
                FilterOp::Eq(literal_text(other))
            } else {
                FilterOp::Range
            }
        };
        if let Some((i, key)) = l {
            if self.is_value_for(right, i) {
                let op = op(right);
                self.push_filter(i, key, op, whole);
            } else {
                self.push_filter(i, key, FilterOp::Other, whole);
            }
        } else if let Some((i, key)) = r {
            if self.is_value_for(left, i) {
                let op = op(left);
                self.push_filter(i, key, op, whole);
            } else {
                self.push_filter(i, key, FilterOp::Other, whole);
            }
        }
        self.subqueries_in(whole);
    }

    /// A top-level `OR`: when every alternative is one index-usable condition on the same
    /// table, it is recorded as a disjunction of that table; otherwise every table it
    /// touches is marked `has_or` (no verdict).
    fn disjunction(&mut self, e: &Expr) {
        let mut alternatives = Vec::new();
        flatten_or(e, &mut alternatives);
        let mut table: Option<usize> = None;
        let mut filters = Vec::new();
        let mut simple = true;
        for alt in alternatives {
            // Classify the alternative as if it were a conjunct, then take back what it added.
            let before: Vec<(usize, usize)> = self
                .accesses
                .iter()
                .map(|a| (a.filters.len(), a.join_keys.len()))
                .collect();
            self.conjunct(alt);
            let mut added = Vec::new();
            for (i, (f, j)) in before.iter().enumerate() {
                let a = &mut self.accesses[i];
                simple &= a.join_keys.len() == *j;
                a.join_keys.truncate(*j);
                for filter in a.filters.drain(*f..) {
                    added.push((i, filter));
                }
            }
            match added.as_slice() {
                [(i, f)]
                    if table.is_none_or(|t| t == *i)
                        && (f.is_equality()
                            || f.is_range()
                            || matches!(f.op, FilterOp::Match(_))) =>
                {
                    table = Some(*i);
                    filters.push(f.clone());
                }
                _ => simple = false,
            }
        }
        match (simple, table) {
            (true, Some(i)) => self.accesses[i].disjunctions.push(filters),
            _ => {
                let (accs, _) = self.refs(e);
                for i in accs {
                    self.accesses[i].has_or = true;
                }
            }
        }
    }

    /// `col <op> value` for an operator served by GIN / GiST (`@>`, `?`, `&&`, `@@`, `~`).
    fn match_op(&mut self, left: &Expr, right: &Expr, m: MatchOp, whole: &Expr) {
        match self.key_of(left) {
            Some((i, key)) if self.is_value_for(right, i) => {
                self.push_filter(i, key, FilterOp::Match(m), whole)
            }
            // `to_tsquery($1) @@ to_tsvector(body)` is written both ways round.
            _ if m == MatchOp::TextSearch => match self.key_of(right) {
                Some((i, key)) if self.is_value_for(left, i) => {
                    self.push_filter(i, key, FilterOp::Match(m), whole)
                }
                _ => self.other(whole),
            },
            _ => self.other(whole),
        }
        self.subqueries_in(whole);
    }

    /// A conjunct that is no index condition: recorded as `Other` on the one table it
    /// constrains (so partial-index implication can still match its text).
    fn other(&mut self, e: &Expr) {
        let (accs, opaque) = self.refs(e);
        if let ([i], false) = (accs.as_slice(), opaque) {
            let binding = self.accesses[*i].binding.clone();
            let text = strip_qualifier(e, &binding);
            self.accesses[*i].filters.push(Filter {
                target: KeyExpr::Expr(text.clone()),
                op: FilterOp::Other,
                text,
            });
        }
        self.subqueries_in(e);
    }

    /// Analyze the subqueries nested in an expression.
    fn subqueries_in(&mut self, e: &Expr) {
        let mut cols = Vec::new();
        let mut subs = Vec::new();
        collect(e, &mut cols, &mut subs);
        for q in subs {
            self.query(q);
        }
    }

    /// ORDER BY and LIMIT of a single-SELECT query apply to the table they name.
    fn order_and_limit(&mut self, q: &AstQuery, first: usize, sel: &(Vec<usize>, Scope)) {
        let (own, scope) = sel;
        self.scopes.push(scope.clone());
        let limit = match &q.limit_clause {
            Some(LimitClause::LimitOffset { limit: Some(l), .. }) => limit_value(l),
            Some(LimitClause::OffsetCommaLimit { limit, .. }) => limit_value(limit),
            _ => None,
        }
        .or_else(|| {
            q.fetch
                .as_ref()
                .and_then(|f| f.quantity.as_ref())
                .and_then(limit_value)
        });
        let mut keys: Vec<(usize, SortKey)> = Vec::new();
        let mut all_resolved = true;
        if let Some(ob) = &q.order_by {
            if let OrderByKind::Expressions(exprs) = &ob.kind {
                // An unqualified sort key beside a derived table or CTE may be one of its
                // output columns: the order is that relation's, not a base table's.
                let derived = scope
                    .bindings
                    .iter()
                    .any(|b| matches!(b.target, Target::Derived));
                for OrderByExpr { expr, options, .. } in exprs {
                    if derived && matches!(expr, Expr::Identifier(_)) {
                        all_resolved = false;
                        continue;
                    }
                    match self.key_of(expr) {
                        Some((i, key)) if own.contains(&i) => keys.push((
                            i,
                            SortKey {
                                expr: key,
                                desc: matches!(
                                    options.sort,
                                    Some(sqlparser::ast::OrderBySort::Desc)
                                ),
                                nulls_first: options.nulls_first,
                            },
                        )),
                        _ => all_resolved = false,
                    }
                }
            }
        }
        self.scopes.pop();
        let _ = first;
        if all_resolved && !keys.is_empty() && keys.iter().all(|(i, _)| *i == keys[0].0) {
            let i = keys[0].0;
            self.accesses[i].order_by = keys.into_iter().map(|(_, k)| k).collect();
        }
        if let Some(n) = limit {
            for &i in own {
                self.accesses[i].limit = Some(n);
            }
        }
    }
}

fn limit_value(e: &Expr) -> Option<u64> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            // A parameter: some small page size.
            Value::Placeholder(_) => Some(u64::MAX),
            _ => None,
        },
        _ => Some(u64::MAX),
    }
}

/// Normalized text of `e` with `binding.` qualifiers removed.
fn strip_qualifier(e: &Expr, binding: &str) -> String {
    let text = crate::model::expr::normalize_expr(e);
    if binding.is_empty() {
        return text;
    }
    let pat = format!("{binding}.");
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(pos) = text[i..].find(&pat) {
        let at = i + pos;
        let boundary = text[..at]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '"')));
        out.push_str(&text[i..at]);
        if !boundary {
            out.push_str(&pat);
        }
        i = at + pat.len();
    }
    out.push_str(&text[i..]);
    out
}

/// The alternatives of an `a OR b OR c` tree (parentheses looked through).
fn flatten_or<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => {
            flatten_or(left, out);
            flatten_or(right, out);
        }
        Expr::Nested(inner)
            if matches!(
                **inner,
                Expr::BinaryOp {
                    op: BinaryOperator::Or,
                    ..
                }
            ) =>
        {
            flatten_or(inner, out)
        }
        _ => out.push(e),
    }
}

/// Column references and subqueries nested in an expression (not inside the subqueries).
fn collect<'a>(e: &'a Expr, cols: &mut Vec<Vec<Ident>>, subs: &mut Vec<&'a AstQuery>) {
    let mut go = |x: &'a Expr| collect(x, cols, subs);
    match e {
        Expr::Identifier(id) => cols.push(vec![id.clone()]),
        Expr::CompoundIdentifier(parts) => cols.push(parts.clone()),
        Expr::Subquery(q) => subs.push(q),
        Expr::Exists { subquery, .. } => subs.push(subquery),
        Expr::InSubquery { expr, subquery, .. } => {
            collect(expr, cols, subs);
            subs.push(subquery);
        }
        Expr::BinaryOp { left, right, .. }
        | Expr::IsDistinctFrom(left, right)
        | Expr::IsNotDistinctFrom(left, right) => {
            collect(left, cols, subs);
            collect(right, cols, subs);
        }
        Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
            collect(left, cols, subs);
            collect(right, cols, subs);
        }
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::IsNotTrue(expr)
        | Expr::IsNotFalse(expr)
        | Expr::IsUnknown(expr)
        | Expr::IsNotUnknown(expr)
        | Expr::Cast { expr, .. }
        | Expr::Collate { expr, .. }
        | Expr::AtTimeZone {
            timestamp: expr, ..
        }
        | Expr::Extract { expr, .. } => go(expr),
        Expr::InList { expr, list, .. } => {
            collect(expr, cols, subs);
            for x in list {
                collect(x, cols, subs);
            }
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            collect(expr, cols, subs);
            collect(low, cols, subs);
            collect(high, cols, subs);
        }
        Expr::Like { expr, pattern, .. }
        | Expr::ILike { expr, pattern, .. }
        | Expr::SimilarTo { expr, pattern, .. }
        | Expr::RLike { expr, pattern, .. } => {
            collect(expr, cols, subs);
            collect(pattern, cols, subs);
        }
        Expr::Function(f) => {
            for args in [&f.parameters, &f.args] {
                match args {
                    FunctionArguments::List(list) => {
                        for a in &list.args {
                            let arg = match a {
                                FunctionArg::Named { arg, .. }
                                | FunctionArg::ExprNamed { arg, .. }
                                | FunctionArg::Unnamed(arg) => arg,
                            };
                            if let FunctionArgExpr::Expr(x) = arg {
                                collect(x, cols, subs);
                            }
                        }
                    }
                    FunctionArguments::Subquery(q) => subs.push(q),
                    FunctionArguments::None => {}
                }
            }
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(o) = operand {
                collect(o, cols, subs);
            }
            for c in conditions {
                collect(&c.condition, cols, subs);
                collect(&c.result, cols, subs);
            }
            if let Some(x) = else_result {
                collect(x, cols, subs);
            }
        }
        Expr::Tuple(items) => {
            for x in items {
                collect(x, cols, subs);
            }
        }
        Expr::JsonAccess { value, .. } => collect(value, cols, subs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Fragment;
    use crate::model::schema::{Column, Table};
    use crate::parse::{parse_fragment, Dialect};
    use crate::source::{FileId, Location};

    /// `users(id, email, org_id, active); orders(id, user_id, total, created_at)`
    fn schema() -> Schema {
        let loc = Location {
            file: FileId(0),
            range: 0..0,
        };
        let mut s = Schema::default();
        for (name, cols) in [
            (
                "users",
                &["id", "email", "org_id", "active", "created_at"][..],
            ),
            (
                "orders",
                &["id", "user_id", "total", "created_at", "status"][..],
            ),
        ] {
            s.tables.insert(
                name.into(),
                Table {
                    name: name.into(),
                    schema: "public".into(),
                    relname: name.into(),
                    kind: Default::default(),
                    partition_by: None,
                    partition_of: None,
                    columns: cols
                        .iter()
                        .map(|c| Column {
                            name: c.to_string(),
                            data_type: "text".into(),
                            nullable: true,
                            declared: loc.clone(),
                        })
                        .collect(),
                    indexes: vec![],
                    foreign_keys: vec![],
                    declared: loc.clone(),
                    seeded: false,
                    orm: None,
                    clustered: false,
                },
            );
        }
        s
    }

    fn analyze(sql: &str) -> (Query, bool) {
        let frag = Fragment::sql_file(sql);
        let stmt = parse_fragment(Dialect::Postgres, FileId(0), &frag).remove(0);
        assert!(stmt.ast.is_some(), "parse: {sql}");
        analyze_statement(&schema(), &stmt).expect("a query")
    }

    /// `table: filters | joins | order | limit` in a compact form.
    fn show(q: &Query) -> Vec<String> {
        q.accesses
            .iter()
            .map(|a| {
                let f: Vec<String> = a
                    .filters
                    .iter()
                    .map(|f| format!("{}{:?}", f.target.display(), f.op))
                    .collect();
                let j: Vec<String> = a
                    .join_keys
                    .iter()
                    .map(|j| format!("{}~{}", j.column, q.accesses[j.partner].table))
                    .collect();
                let o: Vec<String> = a
                    .order_by
                    .iter()
                    .map(|o| format!("{}{}", o.expr.display(), if o.desc { " desc" } else { "" }))
                    .collect();
                format!(
                    "{}: [{}] join[{}] order[{}] limit={:?}{}",
                    a.table,
                    f.join(", "),
                    j.join(", "),
                    o.join(", "),
                    a.limit,
                    if a.has_or { " or" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn filters_sort_and_limit() {
        let (q, ok) = analyze("SELECT * FROM users u WHERE u.org_id = $1 AND created_at > now() - interval '1 day' ORDER BY u.created_at DESC LIMIT 10");
        assert!(ok);
        assert_eq!(
            show(&q),
            ["users: [org_idEq(None), created_atRange] join[] order[created_at desc] limit=Some(10)"]
        );
    }

    #[test]
    fn joins_on_and_using() {
        let (q, _) = analyze(
            "SELECT o.id FROM users u JOIN orders o ON o.user_id = u.id AND o.status = 'paid' WHERE u.email = $1",
        );
        assert_eq!(
            show(&q),
            [
                "users: [emailEq(None)] join[id~orders] order[] limit=None",
                "orders: [statusEq(Some(\"'paid'\"))] join[user_id~users] order[] limit=None"
            ]
        );
    }

    #[test]
    fn subqueries_ctes_and_unions() {
        let (q, ok) = analyze(
            "WITH big AS (SELECT user_id FROM orders WHERE total > 100) \
             SELECT * FROM users WHERE id IN (SELECT user_id FROM big) \
             UNION ALL SELECT * FROM users WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = users.id AND o.status = $1)",
        );
        assert!(ok);
        assert_eq!(
            show(&q),
            [
                "orders: [totalRange] join[] order[] limit=None",
                "users: [idEq(None)] join[] order[] limit=None",
                "users: [] join[id~orders] order[] limit=None",
                "orders: [statusEq(None)] join[user_id~users] order[] limit=None",
            ]
        );
    }

    #[test]
    fn update_delete_and_insert_select() {
        let (q, _) = analyze("UPDATE orders SET status = 'x' WHERE user_id = $1 AND total < 5");
        assert_eq!(q.kind, QueryKind::Update);
        assert_eq!(
            show(&q),
            ["orders: [user_idEq(None), totalRange] join[] order[] limit=None"]
        );
        let (q, _) = analyze("DELETE FROM orders WHERE created_at < $1");
        assert_eq!(
            show(&q),
            ["orders: [created_atRange] join[] order[] limit=None"]
        );
        let (q, _) = analyze("INSERT INTO orders (user_id) SELECT id FROM users WHERE org_id = 3");
        assert_eq!(q.kind, QueryKind::InsertSelect);
        assert_eq!(
            show(&q),
            ["users: [org_idEq(Some(\"3\"))] join[] order[] limit=None"]
        );
    }

    #[test]
    fn simple_or_is_a_disjunction_complex_or_gets_no_verdict() {
        let (q, _) = analyze("SELECT * FROM users WHERE org_id = 1 AND (email = $1 OR id = $2)");
        assert_eq!(
            show(&q),
            ["users: [org_idEq(Some(\"1\"))] join[] order[] limit=None"]
        );
        let d = &q.accesses[0].disjunctions;
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].iter().map(|f| f.text.as_str()).collect::<Vec<_>>(),
            ["email = $1", "id = $2"]
        );
        let (q, _) = analyze(
            "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = $1 OR o.total > 3",
        );
        assert!(q
            .accesses
            .iter()
            .all(|a| a.has_or && a.disjunctions.is_empty()));
        let (q, _) = analyze("SELECT * FROM users WHERE email = $1 OR (id = 2 AND org_id = 3)");
        assert!(q.accesses[0].has_or);
    }

    #[test]
    fn like_in_between_null_and_booleans() {
        let (q, _) = analyze(
            "SELECT * FROM users WHERE email LIKE 'ab%' AND org_id IN (1, 2) AND id BETWEEN 1 AND 9 AND created_at IS NULL AND active",
        );
        assert_eq!(
            show(&q),
            ["users: [emailLikePrefix, org_idIn([\"1\", \"2\"]), idRange, created_atIsNull, activeEq(Some(\"true\"))] join[] order[] limit=None"]
        );
        let (q, _) =
            analyze("SELECT * FROM users WHERE email LIKE '%ab' AND id <> 3 AND org_id NOT IN (1)");
        assert_eq!(
            show(&q)[0],
            "users: [emailMatch(Trigram), (id <> 3)Other, (org_id not in (1))Other] join[] order[] limit=None"
        );
    }

    #[test]
    fn expressions_keep_their_normalized_text() {
        let (q, _) = analyze("SELECT * FROM users u WHERE LOWER(u.email) = lower($1)");
        assert_eq!(
            q.accesses[0].filters[0].target,
            KeyExpr::Expr("lower(email)".into())
        );
    }

    #[test]
    fn unknown_tables_and_columns_are_unresolved() {
        assert!(!analyze("SELECT * FROM users WHERE nope = 1").1);
        assert!(!analyze("SELECT * FROM users u JOIN elsewhere e ON e.uid = u.id").1);
        // An output alias in ORDER BY is not an unknown column.
        let (q, ok) =
            analyze("SELECT org_id, count(*) AS n FROM users GROUP BY org_id ORDER BY n DESC");
        assert!(ok);
        assert!(q.accesses[0].order_by.is_empty());
    }

    #[test]
    fn order_by_on_another_table_is_not_attached() {
        let (q, _) = analyze(
            "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = $1 ORDER BY o.created_at LIMIT 5",
        );
        assert_eq!(q.accesses[0].order_by.len(), 0);
        assert_eq!(q.accesses[1].order_by.len(), 1);
    }

    #[test]
    fn order_by_of_a_derived_table_is_not_pinned_on_a_base_table() {
        // `created_at` may be the lateral subquery's column: the order is not orders'.
        let (q, _) = analyze(
            "SELECT o.id, s.created_at FROM orders o, LATERAL (SELECT created_at FROM users u WHERE u.id = o.user_id) s WHERE o.id = $1 ORDER BY created_at LIMIT 3",
        );
        assert!(q.accesses.iter().all(|a| a.order_by.is_empty()));
        // Qualified by the base table's binding, it is the base table's.
        let (q, _) = analyze(
            "SELECT o.id FROM orders o JOIN (SELECT id FROM users) u ON u.id = o.user_id ORDER BY o.created_at LIMIT 3",
        );
        let orders = q.accesses.iter().find(|a| a.table == "orders").unwrap();
        assert_eq!(orders.order_by.len(), 1);
    }
}

//! Whether an index serves an access pattern: the one place that decides it.
//!
//! The model is a B-tree's, as PostgreSQL's planner (and SQLite's and MySQL's, for what this
//! module covers) uses it:
//!
//! - equality conditions (`=`, `IN`, `IS NULL`) on the leading key columns form the index
//!   condition's prefix, in any order among themselves;
//! - after that prefix, at most one range condition (`<`, `>`, `BETWEEN`, `LIKE 'p%'`) can be
//!   used; later key columns only filter inside the index;
//! - an `ORDER BY` is delivered by the index when its keys follow the index keys after the
//!   equality-constrained ones, all in the declared directions or all reversed (a backward
//!   scan), with matching `NULLS FIRST/LAST` (PostgreSQL);
//! - a partial index is usable only when the query's conditions imply its predicate;
//! - an expression index matches only the same (normalized) expression;
//! - `LIKE 'p%'` is a range on a PostgreSQL B-tree only with a `*_pattern_ops` operator class
//!   or the `C` collation (PostgreSQL manual, 11.10 "Operator Classes and Operator Families");
//! - hash indexes serve only a single equality;
//! - GIN and GiST serve the operators of their operator class on the same column or
//!   expression: `gin_trgm_ops`/`gist_trgm_ops` serve `LIKE '%x%'`, `ILIKE` and regular
//!   expressions; `jsonb_ops` (GIN's default for jsonb) serves `@>`, `?`, `?|`, `?&`;
//!   `jsonb_path_ops` only `@>`; array GIN serves `@>`, `<@`, `&&`; a GIN or GiST index over a
//!   `tsvector` expression serves `@@` with the same expression (PostgreSQL manual, 64.4
//!   "Built-in Operator Classes" of GIN, F.35 pg_trgm);
//! - BRIN serves equality and range conditions on its leading key, lossily.
//!
//! What the planner would know about selectivity comes from the static statistics of
//! [`crate::model::stats`]: [`gap`] reads them to decide that a top-N over a selective
//! equality is served, that an index whose only usable keys are low-cardinality does not
//! serve a query with something more selective (and suggests extending it, or a partial
//! index for a queue), that a low-cardinality column alone is never worth an index, that
//! scans of small tables are fine, and how confident a missing-index finding is.
//!
//! Joins are modelled as a nested loop runs them: the inner side is probed with the join
//! key plus its own conditions, so `(join_key)` or `(join_key, own_filter)` serves it.
//!
//! Rules ask [`evaluate`], [`best`], [`suggest`], [`redundant_with`], [`duplicate`] and
//! [`covers_leading`]; none re-implements these decisions.

use crate::model::schema::{Index, IndexKey, KeyExpr, Schema, Table};
use crate::model::stats::{Cardinality, Size, Stats};
use crate::model::usage::{predicate_filters, Filter, FilterOp, MatchOp, SortKey, TableAccess};
use crate::parse::Dialect;

/// What an index does for one access pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Leading keys constrained by equality conditions.
    pub eq_keys: usize,
    /// The key after the equality prefix is constrained by a range condition.
    pub range_key: bool,
    /// The index returns rows in the query's `ORDER BY` order.
    pub sorted: bool,
    /// A GIN / GiST / BRIN key serves one of the query's conditions.
    pub matched: bool,
    /// `None` when the index may be used at all; else why not (method, partial predicate).
    pub unusable: Option<String>,
}

impl Verdict {
    /// The index narrows the rows read with at least one index condition.
    pub fn filters(&self) -> bool {
        self.unusable.is_none() && (self.eq_keys > 0 || self.range_key || self.matched)
    }
    /// The index delivers the ORDER BY without a sort.
    pub fn sorts(&self) -> bool {
        self.unusable.is_none() && self.sorted
    }
}

/// Conditions of an access, as the coverage model sees them.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    pub eq: Vec<KeyExpr>,
    /// Equality keys whose value is one constant (not a multi-value `IN`): they do not
    /// disturb the order of the keys after them.
    pub constant: Vec<KeyExpr>,
    pub range: Vec<KeyExpr>,
    /// Range conditions that are `LIKE 'prefix%'`.
    pub like_prefix: Vec<KeyExpr>,
    /// Conditions only GIN / GiST can serve.
    pub matches: Vec<(KeyExpr, MatchOp)>,
}

impl Conditions {
    /// The index conditions of `access`; with `joins`, its join keys count as equalities
    /// (the inner side of a nested loop is probed with the outer row's value).
    pub fn of(access: &TableAccess, joins: bool) -> Conditions {
        let mut c = Conditions::default();
        for f in &access.filters {
            match &f.op {
                FilterOp::Eq(_) | FilterOp::IsNull => {
                    push_unique(&mut c.eq, &f.target);
                    push_unique(&mut c.constant, &f.target);
                }
                FilterOp::In(_) => push_unique(&mut c.eq, &f.target),
                FilterOp::Range => push_unique(&mut c.range, &f.target),
                FilterOp::LikePrefix => {
                    push_unique(&mut c.range, &f.target);
                    push_unique(&mut c.like_prefix, &f.target);
                }
                FilterOp::Match(m) => {
                    let pair = (f.target.clone(), *m);
                    if !c.matches.contains(&pair) {
                        c.matches.push(pair);
                    }
                }
                FilterOp::IsNotNull | FilterOp::Other => {}
            }
        }
        if joins {
            for j in &access.join_keys {
                let k = KeyExpr::Column(j.column.clone());
                push_unique(&mut c.eq, &k);
                push_unique(&mut c.constant, &k);
            }
        }
        c
    }

    /// The conditions of the inner side of a nested loop: the join keys (the outer row's
    /// values) first, then the access's own conditions.
    pub fn probed(access: &TableAccess) -> Conditions {
        let own = Conditions::of(access, false);
        let mut c = Conditions::default();
        for j in &access.join_keys {
            let k = KeyExpr::Column(j.column.clone());
            push_unique(&mut c.eq, &k);
            push_unique(&mut c.constant, &k);
        }
        for k in &own.eq {
            push_unique(&mut c.eq, k);
        }
        for k in &own.constant {
            push_unique(&mut c.constant, k);
        }
        c.range = own.range;
        c.like_prefix = own.like_prefix;
        c.matches = own.matches;
        c
    }

    pub fn is_empty(&self) -> bool {
        self.eq.is_empty() && self.range.is_empty() && self.matches.is_empty()
    }

    /// Only GIN / GiST conditions: a B-tree can do nothing for this access.
    pub fn only_matches(&self) -> bool {
        self.eq.is_empty() && self.range.is_empty() && !self.matches.is_empty()
    }
}

fn push_unique(v: &mut Vec<KeyExpr>, k: &KeyExpr) {
    if !v.contains(k) {
        v.push(k.clone());
    }
}

/// Whether a key can serve `LIKE 'prefix%'` as a range.
fn like_capable(key: &IndexKey, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Postgres => {
            key.opclass
                .as_deref()
                .is_some_and(|o| o.ends_with("_pattern_ops"))
                || key
                    .collation
                    .as_deref()
                    .is_some_and(|c| matches!(c.trim_matches('"'), "C" | "POSIX" | "c" | "posix"))
        }
        Dialect::Mysql | Dialect::Sqlite => true,
    }
}

/// What `index` does for `access` with conditions `cond`.
pub fn evaluate(
    schema: &Schema,
    index: &Index,
    access: &TableAccess,
    cond: &Conditions,
    dialect: Dialect,
) -> Verdict {
    let mut v = Verdict {
        eq_keys: 0,
        range_key: false,
        sorted: false,
        matched: false,
        unusable: None,
    };
    if let Some(pred) = &index.predicate {
        if !implies(schema, &index.table, pred, access) {
            v.unusable = Some(format!(
                "`{}` only covers rows WHERE {pred}, which this query does not imply",
                index.name
            ));
            return v;
        }
    }
    match index.method.as_str() {
        "btree" => {}
        "hash" => {
            // One key, equality only, no order.
            if let [key] = index.keys.as_slice() {
                if cond.eq.contains(&key.expr) {
                    v.eq_keys = 1;
                }
            }
            return v;
        }
        "brin" => {
            // Lossy block ranges: a bitmap scan for equality or range on the first key.
            if let Some(key) = index.keys.first() {
                v.range_key = cond.eq.contains(&key.expr) || cond.range.contains(&key.expr);
            }
            return v;
        }
        method => {
            let table = schema.tables.get(&index.table);
            v.matched = index.keys.iter().any(|key| {
                let col_type = key
                    .expr
                    .as_column()
                    .and_then(|c| table.and_then(|t| t.column(c)))
                    .map(|c| c.data_type.as_str());
                cond.matches.iter().any(|(e, m)| {
                    *e == key.expr && operator_class_serves(method, key, col_type, *m)
                })
            });
            if !v.matched && cond.matches.is_empty() {
                v.unusable = Some(format!(
                    "`{}` is a {method} index, which serves neither equality, range nor sort",
                    index.name
                ));
            }
            return v;
        }
    }
    for key in &index.keys {
        if cond.eq.contains(&key.expr) {
            v.eq_keys += 1;
        } else {
            break;
        }
    }
    if let Some(key) = index.keys.get(v.eq_keys) {
        if cond.range.contains(&key.expr)
            && (!cond.like_prefix.contains(&key.expr) || like_capable(key, dialect))
        {
            v.range_key = true;
        }
    }
    v.sorted = !access.order_by.is_empty()
        && (sorts(index, &access.order_by, cond, dialect) || at_most_one_row(index, cond));
    v
}

/// Equality on every key of a unique index finds at most one row, which is in any order
/// (GORM's `First`, ActiveRecord's `find_by(..).first` add `ORDER BY id LIMIT 1`).
fn at_most_one_row(index: &Index, cond: &Conditions) -> bool {
    index.unique
        && !index.keys.is_empty()
        && index.keys.iter().all(|k| cond.constant.contains(&k.expr))
}

/// Whether a GIN / GiST / SP-GiST key serves operator `m`, by method, operator class and
/// column type (`None` for expressions).
fn operator_class_serves(method: &str, key: &IndexKey, col_type: Option<&str>, m: MatchOp) -> bool {
    let opclass = key.opclass.as_deref().unwrap_or("");
    let is_array = col_type.is_some_and(|t| t.ends_with("[]") || t.starts_with('_'));
    let is_jsonb = col_type.is_some_and(|t| t == "jsonb");
    let is_tsvector = col_type.map_or(
        matches!(&key.expr, KeyExpr::Expr(e) if e.contains("to_tsvector")),
        |t| t == "tsvector",
    );
    match (method, m) {
        ("gin", MatchOp::Trigram) => opclass == "gin_trgm_ops",
        ("gist", MatchOp::Trigram) => opclass == "gist_trgm_ops",
        (_, MatchOp::Trigram) => false,
        ("gin" | "gist", MatchOp::TextSearch) => is_tsvector,
        (_, MatchOp::TextSearch) => false,
        ("gin", MatchOp::Contains) => {
            matches!(opclass, "" | "jsonb_ops" | "jsonb_path_ops" | "array_ops")
                && !is_tsvector
                && (is_jsonb || is_array || col_type.is_none() || !opclass.is_empty())
        }
        ("gin", MatchOp::KeyExists) => {
            matches!(opclass, "" | "jsonb_ops") && (is_jsonb || col_type.is_none())
        }
        ("gin", MatchOp::ContainedBy | MatchOp::Overlap) => {
            matches!(opclass, "" | "array_ops") && (is_array || col_type.is_none())
        }
        _ => false,
    }
}

/// Whether scanning `index` (forwards or backwards) yields rows in `order`.
fn sorts(index: &Index, order: &[SortKey], cond: &Conditions, dialect: Dialect) -> bool {
    let mut want = order
        .iter()
        .filter(|o| !cond.constant.contains(&o.expr))
        .peekable();
    let mut direction: Option<bool> = None; // Some(true): forward scan
    for key in &index.keys {
        let Some(o) = want.peek() else { break };
        if o.expr == key.expr && key.prefix_len.is_none() {
            let forward = o.desc == key.desc;
            let nulls_ok = dialect != Dialect::Postgres || {
                let want_nulls_first = o.nulls_first.unwrap_or(o.desc);
                let key_nulls_first = key.effective_nulls_first();
                if forward {
                    want_nulls_first == key_nulls_first
                } else {
                    want_nulls_first != key_nulls_first
                }
            };
            if !nulls_ok || direction.is_some_and(|d| d != forward) {
                return false;
            }
            direction = Some(forward);
            want.next();
        } else if !cond.constant.contains(&key.expr) {
            return false;
        }
    }
    want.peek().is_none()
}

/// Whether the query's conditions on `access` imply the partial-index predicate `pred`.
pub fn implies(schema: &Schema, table: &str, pred: &str, access: &TableAccess) -> bool {
    let required = predicate_filters(schema, table, pred);
    if required.is_empty() {
        return false;
    }
    required.iter().all(|p| implied_one(p, access))
}

fn implied_one(p: &Filter, access: &TableAccess) -> bool {
    let same_target = |f: &&Filter| f.target == p.target;
    if access.filters.iter().any(|f| f.text == p.text) {
        return true;
    }
    let on_target: Vec<&Filter> = access.filters.iter().filter(same_target).collect();
    match &p.op {
        FilterOp::IsNotNull => {
            on_target.iter().any(|f| {
                matches!(
                    f.op,
                    FilterOp::Eq(_)
                        | FilterOp::In(_)
                        | FilterOp::Range
                        | FilterOp::LikePrefix
                        | FilterOp::IsNotNull
                ) && f.op != FilterOp::Eq(Some("null".into()))
            }) || matches!(&p.target, KeyExpr::Column(c)
                if access.join_keys.iter().any(|j| &j.column == c))
        }
        FilterOp::IsNull => on_target.iter().any(|f| f.op == FilterOp::IsNull),
        FilterOp::Eq(Some(v)) => on_target.iter().any(|f| match &f.op {
            FilterOp::Eq(Some(w)) => w == v,
            FilterOp::In(list) => list.len() == 1 && &list[0] == v,
            _ => false,
        }),
        FilterOp::In(allowed) if !allowed.is_empty() => on_target.iter().any(|f| match &f.op {
            FilterOp::Eq(Some(w)) => allowed.contains(w),
            FilterOp::In(list) => !list.is_empty() && list.iter().all(|w| allowed.contains(w)),
            _ => false,
        }),
        _ => false,
    }
}

/// The index that does the most for `access`: most equality keys, then a range key, then
/// sort. `None` when no index filters or sorts.
pub fn best<'t>(
    schema: &Schema,
    table: &'t Table,
    access: &TableAccess,
    cond: &Conditions,
    dialect: Dialect,
) -> Option<(&'t Index, Verdict)> {
    table
        .indexes
        .iter()
        .map(|i| (i, evaluate(schema, i, access, cond, dialect)))
        .filter(|(_, v)| v.filters() || v.sorts())
        .max_by_key(|(i, v)| {
            (
                v.eq_keys,
                v.range_key,
                v.sorted,
                std::cmp::Reverse(i.keys.len()),
            )
        })
}

/// An index to add: its keys and access method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub keys: Vec<IndexKey>,
    /// `btree` or `gin`.
    pub method: &'static str,
    /// A partial index's predicate (normalized SQL), for queue patterns.
    pub predicate: Option<String>,
}

/// The index that would serve `access` best. With equality or range conditions, a B-tree:
/// equality keys first, then either the range key or the ORDER BY keys (a range on the first
/// sort key serves both). With only GIN / GiST conditions (PostgreSQL), a GIN index on their
/// column or expression with the operator class they need. Boolean and `IS NULL` keys are
/// left out; `None` when nothing useful remains.
pub fn suggest(
    table: &Table,
    access: &TableAccess,
    cond: &Conditions,
    dialect: Dialect,
) -> Option<Suggestion> {
    if cond.only_matches() {
        return suggest_gin(table, cond, dialect);
    }
    let is_bool = |k: &KeyExpr| {
        k.as_column()
            .and_then(|c| table.column(c))
            .is_some_and(|c| c.is_boolean())
    };
    let only_null = |k: &KeyExpr| {
        let mut on_k = access.filters.iter().filter(|f| &f.target == k).peekable();
        on_k.peek().is_some() && on_k.all(|f| f.op == FilterOp::IsNull)
    };
    let mut keys: Vec<IndexKey> = Vec::new();
    for k in &cond.eq {
        if !is_bool(k) && !only_null(k) {
            keys.push(key(k));
        }
    }
    let selective = !keys.is_empty();
    let order: Vec<&SortKey> = access
        .order_by
        .iter()
        .filter(|o| !cond.constant.contains(&o.expr))
        .collect();
    let range = cond.range.iter().find(|r| !is_bool(r));
    match (range, order.first()) {
        (Some(r), Some(first)) if &first.expr == r => {
            for o in &order {
                keys.push(sort_key(o));
            }
        }
        (Some(r), _) => {
            let mut k = key(r);
            if cond.like_prefix.contains(r) && dialect == Dialect::Postgres {
                let varchar = r
                    .as_column()
                    .and_then(|c| table.column(c))
                    .is_some_and(|c| {
                        c.data_type.starts_with("varchar")
                            || c.data_type.starts_with("character varying")
                    });
                k.opclass = Some(
                    if varchar {
                        "varchar_pattern_ops"
                    } else {
                        "text_pattern_ops"
                    }
                    .into(),
                );
            }
            keys.push(k);
        }
        (None, _) if !order.is_empty() && (selective || access.limit.is_some()) => {
            for o in &order {
                keys.push(sort_key(o));
            }
        }
        _ => {}
    }
    if keys.is_empty() || keys.iter().all(|k| is_bool(&k.expr)) {
        return None;
    }
    let mut seen = Vec::new();
    keys.retain(|k| {
        let new = !seen.contains(&k.expr);
        seen.push(k.expr.clone());
        new
    });
    Some(Suggestion {
        keys,
        method: "btree",
        predicate: None,
    })
}

/// A GIN index for the first GIN-only condition, with the operator class it needs.
fn suggest_gin(table: &Table, cond: &Conditions, dialect: Dialect) -> Option<Suggestion> {
    if dialect != Dialect::Postgres {
        return None;
    }
    let (target, op) = cond.matches.first()?;
    let col_type = target
        .as_column()
        .and_then(|c| table.column(c))
        .map(|c| c.data_type.as_str());
    let ops_on_target: Vec<MatchOp> = cond
        .matches
        .iter()
        .filter(|(t, _)| t == target)
        .map(|(_, m)| *m)
        .collect();
    let mut k = key(target);
    k.opclass = match op {
        MatchOp::Trigram => Some("gin_trgm_ops".into()),
        // jsonb_path_ops is smaller and faster, but serves only @>.
        MatchOp::Contains
            if col_type == Some("jsonb")
                && ops_on_target.iter().all(|m| *m == MatchOp::Contains) =>
        {
            Some("jsonb_path_ops".into())
        }
        _ => None,
    };
    Some(Suggestion {
        keys: vec![k],
        method: "gin",
        predicate: None,
    })
}

fn key(k: &KeyExpr) -> IndexKey {
    IndexKey {
        expr: k.clone(),
        ..IndexKey::column("")
    }
}

fn sort_key(o: &SortKey) -> IndexKey {
    IndexKey {
        expr: o.expr.clone(),
        desc: o.desc,
        nulls_first: o.nulls_first.filter(|&n| n != o.desc),
        ..IndexKey::column("")
    }
}

/// Whether `index` with its keys reordered as `keys` would be the same set of columns:
/// the index holds the right keys in an order that cannot serve the query.
pub fn same_keys_other_order(index: &Index, keys: &[IndexKey]) -> bool {
    if !index.is_btree() || index.keys.len() < keys.len() || keys.len() < 2 {
        return false;
    }
    let head = &index.keys[..keys.len()];
    keys.iter().all(|k| head.iter().any(|h| h.expr == k.expr))
}

/// Key parts compare equal in every respect that matters to what an index can do.
fn same_key(a: &IndexKey, b: &IndexKey) -> bool {
    a.expr == b.expr
        && a.desc == b.desc
        && a.effective_nulls_first() == b.effective_nulls_first()
        && a.opclass == b.opclass
        && a.collation == b.collation
        && a.prefix_len == b.prefix_len
}

fn reversed(k: &IndexKey) -> IndexKey {
    IndexKey {
        desc: !k.desc,
        nulls_first: Some(!k.effective_nulls_first()),
        ..k.clone()
    }
}

/// Two indexes that are the same in every respect (keys, method, uniqueness, INCLUDE,
/// predicate).
pub fn identical(a: &Index, b: &Index) -> bool {
    duplicate(a, b) && a.unique == b.unique
}

/// Two indexes that are duplicates as pt-duplicate-key-checker, Skeema, pghero and
/// pg-index-health define it: the same key columns or expressions in the same order, with
/// the same directions (all reversed is `redundant-index`'s: equivalent by a backward
/// scan, but written differently), operator classes,
/// collations and prefix lengths, the same method, the same `INCLUDE` columns and the same
/// partial predicate. Uniqueness may differ: of a plain / unique pair the plain one is the
/// one to drop ([`duplicate_to_drop`]).
pub fn duplicate(a: &Index, b: &Index) -> bool {
    a.method == b.method
        && a.keys.len() == b.keys.len()
        && !a.keys.is_empty()
        && a.keys.iter().zip(&b.keys).all(|(x, y)| same_key(x, y))
        && sorted(&a.include) == sorted(&b.include)
        && a.predicate == b.predicate
}

/// Of two duplicates, the one to drop: never a primary key; a plain index before a unique
/// one (the unique one enforces a constraint); an invisible index (MySQL) before a visible
/// one; a plain `CREATE INDEX` before a `UNIQUE` constraint; else the later one (`b`).
/// Returns `true` when `a` is the one to drop.
pub fn duplicate_to_drop(a: &Index, a_invisible: bool, b: &Index, b_invisible: bool) -> bool {
    use crate::model::schema::IndexKind;
    let rank = |i: &Index, invisible: bool| {
        (
            i.kind == IndexKind::PrimaryKey,
            i.unique,
            i.kind == IndexKind::UniqueConstraint,
            !invisible,
        )
    };
    // The lower rank is dropped; on a tie, the later (b).
    rank(a, a_invisible) < rank(b, b_invisible)
}

fn sorted(v: &[String]) -> Vec<&String> {
    let mut s: Vec<&String> = v.iter().collect();
    s.sort();
    s
}

/// Whether key `x` of a shorter index is served by key `y` of the longer one where only a
/// prefix length may differ: a full column, or a longer prefix, covers a shorter prefix
/// (MySQL `col(10)`).
fn covers_prefix(x: &IndexKey, y: &IndexKey) -> bool {
    let shorter = match (x.prefix_len, y.prefix_len) {
        (Some(p), None) => p > 0,
        (Some(p), Some(q)) => p <= q,
        _ => false,
    };
    shorter
        && same_key(
            x,
            &IndexKey {
                prefix_len: x.prefix_len,
                ..y.clone()
            },
        )
}

/// Whether `x` and `y` differ at most in direction and `NULLS` order.
fn direction_only(x: &IndexKey, y: &IndexKey) -> bool {
    x.expr == y.expr
        && x.opclass == y.opclass
        && x.collation == y.collation
        && x.prefix_len == y.prefix_len
}

/// Whether `b` can do all the work of `a`, so that `a` is redundant:
/// same method (B-tree), `a`'s keys a leading prefix of `b`'s with the same opclass,
/// collation and prefix length at each position and the same directions (or all of them
/// reversed: a backward scan), `a`'s INCLUDE columns present in `b`, and:
/// - predicates: identical, or `a` partial and `b` a full index (every row `a` indexes,
///   `b` indexes too, in the same order);
/// - the last key of `a` may have a shorter prefix length than `b`'s (a full column or a
///   longer prefix covers a shorter prefix);
/// - uniqueness: a unique or primary-key `a` enforces a constraint and is never redundant
///   (with a unique `b` on the same keys it is a duplicate instead, see [`duplicate`]).
///
/// A last key of `a` that differs from `b`'s only in direction is the caller's to judge
/// ([`redundant_but_trailing_direction`]): only a query ordering by every key with mixed
/// directions could tell the two apart.
pub fn redundant_with(a: &Index, b: &Index) -> bool {
    prefix_of(a, b, false)
}

/// [`redundant_with`], allowing `a`'s last key to differ from `b`'s in direction only.
pub fn redundant_but_trailing_direction(a: &Index, b: &Index) -> bool {
    !prefix_of(a, b, false) && prefix_of(a, b, true)
}

fn prefix_of(a: &Index, b: &Index, trailing_direction: bool) -> bool {
    if a.method != b.method || !a.is_btree() || a.keys.is_empty() {
        return false;
    }
    if a.keys.len() > b.keys.len() {
        return false;
    }
    if a.unique || (trailing_direction && a.keys.len() < 2) {
        return false;
    }
    let last = a.keys.len() - 1;
    let fits = |x: &IndexKey, y: &IndexKey, i: usize| {
        same_key(x, y)
            || (i == last && covers_prefix(x, y))
            || (i == last && trailing_direction && direction_only(x, y))
    };
    // A scan can run backwards, so a prefix with every direction (and NULLS order) reversed
    // is as good as an equal one.
    let forward = a
        .keys
        .iter()
        .zip(&b.keys)
        .enumerate()
        .all(|(i, (x, y))| fits(x, y, i));
    let backward = a
        .keys
        .iter()
        .zip(&b.keys)
        .enumerate()
        .all(|(i, (x, y))| fits(&reversed(x), y, i));
    if !forward && !backward {
        return false;
    }
    let predicate_ok =
        a.predicate == b.predicate || (a.predicate.is_some() && b.predicate.is_none());
    if !predicate_ok {
        return false;
    }
    let b_cols: Vec<String> = b
        .keys
        .iter()
        .filter_map(|k| k.expr.as_column().map(str::to_string))
        .chain(b.include.iter().cloned())
        .collect();
    a.include.iter().all(|c| b_cols.contains(c))
}

/// The keys an index really has: on a clustered table (MySQL InnoDB, SQLite `WITHOUT
/// ROWID`), a secondary index ends with the primary-key columns it does not already hold.
pub fn effective_keys(table: &Table, index: &Index) -> Vec<IndexKey> {
    let mut keys = index.keys.clone();
    if table.clustered && index.kind != crate::model::schema::IndexKind::PrimaryKey {
        if let Some(pk) = table.primary_key() {
            for k in &pk.keys {
                if !keys.iter().any(|x| x.expr == k.expr) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

/// [`redundant_with`] on `table`: on a clustered table (InnoDB) either as written or with
/// the keys indexes really have (see [`effective_keys`]). So `(a, id)` is redundant with
/// `(a)` (both are `(a, id)`), and the implicit suffix does not stop `(a)` from being
/// redundant with `(a, b)`.
pub fn redundant_in(table: &Table, a: &Index, b: &Index) -> bool {
    if redundant_with(a, b) {
        return true;
    }
    if !table.clustered {
        return false;
    }
    let widen = |i: &Index| Index {
        keys: effective_keys(table, i),
        ..i.clone()
    };
    redundant_with(&widen(a), &widen(b))
}

/// Whether some access of `accesses` (on the table of `a` and `b`) would be sorted by one
/// index and not by the other: then they are not interchangeable.
pub fn sort_tells_apart(
    schema: &Schema,
    a: &Index,
    b: &Index,
    accesses: &[&TableAccess],
    dialect: Dialect,
) -> bool {
    accesses.iter().any(|acc| {
        if acc.order_by.is_empty() {
            return false;
        }
        let cond = Conditions::of(acc, true);
        evaluate(schema, a, acc, &cond, dialect).sorts()
            != evaluate(schema, b, acc, &cond, dialect).sorts()
    })
}

/// An index that serves `access` and holds every column the query uses but one (`missing`):
/// with that column in `INCLUDE`, the query could be an index-only scan. Only for queries that
/// name their columns (no `*`) and use at most six of this table.
pub fn covering_hint<'t>(
    schema: &Schema,
    table: &'t Table,
    access: &TableAccess,
    dialect: Dialect,
) -> Option<(&'t Index, String)> {
    let used = &access.columns_used;
    if access.wildcard || used.is_empty() || used.len() > 6 || access.has_or {
        return None;
    }
    let cond = Conditions::of(access, false);
    if cond.is_empty() {
        return None;
    }
    table.indexes.iter().find_map(|ix| {
        if !ix.is_btree() || !evaluate(schema, ix, access, &cond, dialect).filters() {
            return None;
        }
        let held: Vec<&str> = ix
            .keys
            .iter()
            .filter(|k| k.prefix_len.is_none())
            .filter_map(|k| k.expr.as_column())
            .chain(ix.include.iter().map(String::as_str))
            .collect();
        let missing: Vec<&String> = used
            .iter()
            .filter(|c| !held.contains(&c.as_str()))
            .collect();
        match missing.as_slice() {
            [one] => Some((ix, (*one).clone())),
            _ => None,
        }
    })
}

/// Whether `index` has `columns` as its leading keys, in any order among themselves, and so
/// serves lookups by them (a foreign key's referencing columns). A partial index counts
/// only when its predicate is implied by the columns being NOT NULL.
pub fn covers_leading(schema: &Schema, index: &Index, columns: &[String]) -> bool {
    if columns.is_empty() || index.keys.len() < columns.len() {
        return false;
    }
    let usable_method = index.is_btree() || (index.method == "hash" && columns.len() == 1);
    if !usable_method {
        return false;
    }
    let head = &index.keys[..columns.len()];
    if !columns
        .iter()
        .all(|c| head.iter().any(|k| k.expr.as_column() == Some(c.as_str())))
    {
        return false;
    }
    match &index.predicate {
        None => true,
        Some(pred) => {
            let mut access = TableAccess::new(index.table.clone());
            for c in columns {
                access.filters.push(Filter {
                    target: KeyExpr::Column(c.clone()),
                    op: FilterOp::IsNotNull,
                    text: format!("{c} is not null"),
                });
            }
            implies(schema, &index.table, pred, &access)
        }
    }
}

/// Which rule a gap belongs to.
#[derive(Debug, Clone, Copy)]
pub enum GapKind<'t> {
    /// No index on these keys: `missing-index`.
    Missing,
    /// An index on the same keys in an order that cannot serve: `misordered-index`.
    Misordered(&'t Index),
    /// Every condition wraps its column in a function or arithmetic: `non-sargable-predicate`.
    NonSargable,
    /// Only pattern conditions with a leading wildcard (or ILIKE, regex): `leading-wildcard`.
    LeadingWildcard,
}

impl GapKind<'_> {
    /// The rule that reports this kind of gap.
    pub fn rule(&self) -> &'static str {
        match self {
            GapKind::Missing => "missing-index",
            GapKind::Misordered(_) => "misordered-index",
            GapKind::NonSargable => "non-sargable-predicate",
            GapKind::LeadingWildcard => "leading-wildcard",
        }
    }
}

/// How sure idxlint is that a missing index matters, from the statistics classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// An access pattern that no index serves, and what would.
#[derive(Debug, Clone)]
pub struct Gap<'t> {
    pub kind: GapKind<'t>,
    /// The index to add.
    pub suggestion: Suggestion,
    /// The need comes from a join key (this table is probed once per row of the other side).
    pub via_join: bool,
    /// Partial indexes that would serve the query but whose predicate it does not imply.
    pub near_partial: Vec<&'t Index>,
    /// For `NonSargable`: indexes leading with a column that the expression hides.
    pub hidden: Vec<&'t Index>,
    /// An index serves the filter but not the ORDER BY of this top-N query.
    pub sort_only: bool,
    /// B-trees whose second key has an equality condition while the first has none: a
    /// PostgreSQL 18 skip scan may use them when the first key has few distinct values.
    pub skip_scan: Vec<&'t Index>,
    /// An index that serves only low-cardinality keys of this query, which the suggestion
    /// extends (or replaces with a partial index).
    pub extends: Option<&'t Index>,
    /// How sure the finding is, and why.
    pub confidence: Confidence,
    pub confidence_why: String,
}

/// Whether the partner of a join key of `access` is narrowed by its own conditions, so a
/// nested loop probes `access` once per outer row. Conditions that are all of low
/// cardinality (`u.active = true`) leave most of the partner: the planner hashes or merges
/// instead of probing.
fn probed(schema: &Schema, stats: &Stats, accesses: &[TableAccess], access: &TableAccess) -> bool {
    access.join_keys.iter().any(|j| {
        accesses.get(j.partner).is_some_and(|p| {
            if p.has_or || Conditions::of(p, false).is_empty() {
                return false;
            }
            let Some(t) = schema.tables.get(&p.table) else {
                return true;
            };
            p.filters.iter().any(|f| {
                (f.is_equality() || f.is_range() || matches!(f.op, FilterOp::Match(_)))
                    && stats.condition(schema, t, f).class != Cardinality::Low
            })
        })
    })
}

/// The class of an index condition on `k`: the class of its own filter (so `IS NULL` on a
/// soft-delete column is low), else the column's.
fn key_class(
    schema: &Schema,
    stats: &Stats,
    table: &Table,
    access: &TableAccess,
    k: &KeyExpr,
) -> Cardinality {
    match access.filters.iter().find(|f| &f.target == k) {
        Some(f) => stats.condition(schema, table, f).class,
        None => stats.column(schema, table, k).class,
    }
}

/// Whether `accesses[i]` needs an index that `table` does not have.
///
/// An access needs an index when it has equality, range or GIN-operator conditions; or, with
/// none, when it sorts with a `LIMIT` (top-N); or, with neither, when it is joined on a key
/// and the other side is narrowed by its own conditions (a nested loop probes this table per
/// outer row; the probe carries the join key plus this side's own conditions). It is served
/// when some index filters (or, for top-N, delivers the order), with the statistics
/// refinements of the module header. Accesses with a top-level `OR` or unknown columns, and
/// small tables, get no verdict.
pub fn gap<'t>(
    schema: &Schema,
    stats: &Stats,
    table: &'t Table,
    accesses: &[TableAccess],
    i: usize,
    dialect: Dialect,
) -> Option<Gap<'t>> {
    let access = accesses.get(i)?;
    if access.has_or || !access.unknown_columns.is_empty() {
        return None;
    }
    if stats.table(schema, table).class == Size::Small {
        return None;
    }
    let own = Conditions::of(access, false);
    // `a = ? OR b = ?` alone: a bitmap OR scan needs every alternative served by an index;
    // the first that is not is the gap.
    if own.is_empty() && !access.disjunctions.is_empty() {
        for alternatives in &access.disjunctions {
            for f in alternatives {
                let mut alone = TableAccess::new(access.table.clone());
                alone.binding = access.binding.clone();
                alone.filters = vec![f.clone()];
                let mut view = accesses.to_vec();
                view[i] = alone;
                if let Some(g) = gap(schema, stats, table, &view, i, dialect) {
                    return Some(g);
                }
            }
        }
        return None;
    }
    let is_probed = probed(schema, stats, accesses, access);
    let (cond, via_join) = if !own.is_empty() {
        if is_probed {
            (Conditions::probed(access), true)
        } else {
            (own, false)
        }
    } else if !access.order_by.is_empty() && access.limit.is_some() {
        if table
            .indexes
            .iter()
            .any(|ix| evaluate(schema, ix, access, &own, dialect).sorts())
        {
            return None;
        }
        (own, false)
    } else {
        if !is_probed {
            return None;
        }
        (Conditions::of(access, true), true)
    };
    let class = |k: &KeyExpr| key_class(schema, stats, table, access, k);
    let is_join_key = |k: &KeyExpr| {
        via_join
            && matches!(k, KeyExpr::Column(c) if access.join_keys.iter().any(|j| &j.column == c))
    };
    let topn = access.limit.is_some() && !access.order_by.is_empty();
    // Served, unless the only serving B-trees lead with a range while an equality condition
    // sits on a later key: `(taken_at, sensor_id)` for `sensor_id = ? AND taken_at > ?`
    // reads every sensor's rows in the range; `(sensor_id, taken_at)` reads one sensor's.
    let mut range_led: Option<&Index> = None;
    let mut sort_only = false;
    let mut extends: Option<&Index> = None;
    if !cond.is_empty() {
        let serving: Vec<(&Index, Verdict)> = table
            .indexes
            .iter()
            .map(|ix| (ix, evaluate(schema, ix, access, &cond, dialect)))
            .filter(|(_, v)| v.filters())
            .collect();
        if !serving.is_empty() {
            range_led = serving.iter().find_map(|(ix, v)| {
                let eq_later = ix.keys.iter().skip(1).any(|k| cond.eq.contains(&k.expr));
                (v.range_key && v.eq_keys == 0 && !v.matched && eq_later).then_some(*ix)
            });
            // An index whose only usable keys are low-cardinality equalities returns a
            // large share of the table: it does not serve a query that also has a selective
            // range, a top-N sort or another equality.
            let used = |ix: &Index, v: &Verdict| -> Vec<KeyExpr> {
                ix.keys
                    .iter()
                    .take(v.eq_keys)
                    .map(|k| k.expr.clone())
                    .collect()
            };
            let weak = |ix: &Index, v: &Verdict| {
                v.eq_keys > 0
                    && !v.range_key
                    && !v.matched
                    && used(ix, v)
                        .iter()
                        .all(|k| !is_join_key(k) && class(k) == Cardinality::Low)
            };
            let more = |ix: &Index, v: &Verdict| {
                let used = used(ix, v);
                cond.range.iter().any(|r| class(r) != Cardinality::Low)
                    || (topn && !v.sorts())
                    || cond
                        .eq
                        .iter()
                        .any(|k| !used.contains(k) && class(k) != Cardinality::Low)
            };
            let strong: Vec<&(&Index, Verdict)> = serving
                .iter()
                .filter(|(ix, v)| !(weak(ix, v) && more(ix, v)))
                .collect();
            if strong.is_empty() {
                extends = serving.first().map(|(ix, _)| *ix);
            } else {
                let better = strong.iter().any(|(_, v)| v.eq_keys > 0 || v.matched);
                // A top-N query (`ORDER BY ... LIMIT`) whose filter is served but whose sort
                // no serving index delivers still reads and sorts every matching row; unless
                // the served equality is selective (unique, a foreign key, a join key): then
                // it returns few rows and the planner sorts them cheaply.
                let sorted = strong.iter().any(|(_, v)| v.sorts());
                let selective = strong.iter().any(|(ix, v)| {
                    let used = used(ix, v);
                    let refs: Vec<&KeyExpr> = used.iter().collect();
                    used.iter().any(|k| is_join_key(k) || class(k).selective())
                        || stats.unique_together(table, &refs)
                });
                if better && topn && !sorted && range_led.is_none() && !selective {
                    sort_only = true;
                } else if better || range_led.is_none() {
                    return None;
                }
            }
        }
    }
    let mut suggestion = suggest(table, access, &cond, dialect)?;
    if let Some(ix) = extends {
        // MySQL has no partial indexes.
        let partial_ok = dialect != Dialect::Mysql;
        suggestion = extend(ix, suggestion, access, &cond, topn && partial_ok);
    }
    // Never an index led by low-cardinality columns alone: it returns a large share of the
    // table, and the planner prefers a scan.
    if suggestion.predicate.is_none()
        && suggestion
            .keys
            .iter()
            .all(|k| class(&k.expr) == Cardinality::Low)
    {
        return None;
    }
    if sort_only
        && !access
            .order_by
            .iter()
            .filter(|o| !cond.constant.contains(&o.expr))
            .all(|o| suggestion.keys.iter().any(|k| k.expr == o.expr))
    {
        return None;
    }
    let near_partial = table
        .indexes
        .iter()
        .filter(|ix| ix.predicate.is_some())
        .filter(|ix| {
            let mut whole = (*ix).clone();
            whole.predicate = None;
            evaluate(schema, &whole, access, &cond, dialect).filters()
        })
        .collect();
    let misordered = range_led.or_else(|| {
        table.indexes.iter().find(|ix| {
            same_keys_other_order(ix, &suggestion.keys)
                && evaluate(schema, ix, access, &cond, dialect)
                    .unusable
                    .is_none()
        })
    });
    let conditions: Vec<&KeyExpr> = cond.eq.iter().chain(&cond.range).collect();
    let all_expressions =
        !conditions.is_empty() && conditions.iter().all(|k| matches!(k, KeyExpr::Expr(_)));
    let hidden = if all_expressions {
        table
            .indexes
            .iter()
            .filter(|ix| {
                ix.keys
                    .first()
                    .and_then(|k| k.expr.as_column())
                    .is_some_and(|c| {
                        conditions.iter().any(|k| match k {
                            KeyExpr::Expr(e) => mentions(e, c),
                            KeyExpr::Column(_) => false,
                        })
                    })
            })
            .collect()
    } else {
        Vec::new()
    };
    let misordered = misordered.filter(|_| !sort_only && extends.is_none());
    let kind = if let Some(ix) = misordered {
        GapKind::Misordered(ix)
    } else if all_expressions {
        GapKind::NonSargable
    } else if cond.only_matches() && cond.matches.iter().all(|(_, m)| *m == MatchOp::Trigram) {
        GapKind::LeadingWildcard
    } else {
        GapKind::Missing
    };
    let skip_scan = table
        .indexes
        .iter()
        .filter(|ix| {
            ix.is_btree()
                && ix.keys.len() >= 2
                && !cond.eq.contains(&ix.keys[0].expr)
                && !cond.range.contains(&ix.keys[0].expr)
                && cond.eq.contains(&ix.keys[1].expr)
                && ix.predicate.is_none()
        })
        .collect();
    let judged = Judged {
        schema,
        stats,
        table,
        cond: &cond,
        class: &class,
        is_join_key: &is_join_key,
    };
    let (confidence, confidence_why) = judged.confidence(&suggestion, sort_only);
    Some(Gap {
        kind,
        suggestion,
        via_join,
        near_partial,
        hidden,
        skip_scan,
        sort_only,
        extends,
        confidence,
        confidence_why,
    })
}

/// The suggestion that extends `ix` (whose usable keys are all low-cardinality): its keys
/// first, then the rest of `s`; or, for a queue (`status = 'queued' ORDER BY created_at
/// LIMIT n`: one low-cardinality constant and a sort), a partial index on the sort keys
/// `WHERE status = 'queued'` (`queue` says whether a partial index may be suggested).
fn extend(
    ix: &Index,
    s: Suggestion,
    access: &TableAccess,
    cond: &Conditions,
    queue: bool,
) -> Suggestion {
    let order: Vec<&SortKey> = access
        .order_by
        .iter()
        .filter(|o| !cond.constant.contains(&o.expr))
        .collect();
    let queue_filter = match (cond.eq.as_slice(), cond.range.is_empty()) {
        ([only], true) if queue && !order.is_empty() => access
            .filters
            .iter()
            .find(|f| &f.target == only && matches!(f.op, FilterOp::Eq(Some(_)))),
        _ => None,
    };
    if let Some(f) = queue_filter {
        return Suggestion {
            keys: order.iter().map(|o| sort_key(o)).collect(),
            method: "btree",
            predicate: Some(f.text.clone()),
        };
    }
    let mut keys: Vec<IndexKey> = ix
        .keys
        .iter()
        .take_while(|k| cond.eq.contains(&k.expr))
        .cloned()
        .collect();
    for k in s.keys {
        if !keys.iter().any(|x| x.expr == k.expr) {
            keys.push(k);
        }
    }
    Suggestion { keys, ..s }
}

/// What the confidence of a gap is judged from.
struct Judged<'a> {
    schema: &'a Schema,
    stats: &'a Stats,
    table: &'a Table,
    cond: &'a Conditions,
    class: &'a dyn Fn(&KeyExpr) -> Cardinality,
    is_join_key: &'a dyn Fn(&KeyExpr) -> bool,
}

impl Judged<'_> {
    /// High on a large table or when an equality of the suggestion is selective (unique, a
    /// foreign key, a join key); low when the filter is already served and only the sort is
    /// missing over an equality of unknown selectivity, or when the suggestion's keys are
    /// all of low or unknown cardinality with at least one low; medium otherwise.
    fn confidence(&self, s: &Suggestion, sort_only: bool) -> (Confidence, String) {
        let size = self.stats.table(self.schema, self.table);
        if size.class == Size::Large {
            return (
                Confidence::High,
                format!("`{}` is large: {}", self.table.name, size.why),
            );
        }
        let selective = s.keys.iter().find(|k| {
            self.cond.eq.contains(&k.expr)
                && ((self.is_join_key)(&k.expr) || (self.class)(&k.expr).selective())
        });
        if let Some(k) = selective {
            let why = if (self.is_join_key)(&k.expr) {
                "a join key".to_string()
            } else {
                self.stats.column(self.schema, self.table, &k.expr).why
            };
            return (
                Confidence::High,
                format!("`{}` selects few rows ({why})", k.expr.display()),
            );
        }
        if sort_only {
            return (
                Confidence::Low,
                "the filter is served; sorting its rows costs little unless many match, which the statistics cannot tell".into(),
            );
        }
        let classes: Vec<Cardinality> = s.keys.iter().map(|k| (self.class)(&k.expr)).collect();
        if s.predicate.is_none()
            && classes.contains(&Cardinality::Low)
            && classes
                .iter()
                .all(|c| matches!(c, Cardinality::Low | Cardinality::Unknown))
        {
            return (
                Confidence::Low,
                "the suggested keys are of low or unknown cardinality".into(),
            );
        }
        (
            Confidence::Medium,
            format!("`{}` is of unknown size ({})", self.table.name, size.why),
        )
    }
}

/// Whether normalized expression text `e` mentions column `c` as a whole word.
fn mentions(e: &str, c: &str) -> bool {
    e.match_indices(c).any(|(i, _)| {
        let before = e[..i].chars().last();
        let after = e[i + c.len()..].chars().next();
        let word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_alphanumeric() || ch == '_');
        !word(before) && !word(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Fragment;
    use crate::model::schema::{Column, IndexKind};
    use crate::model::usage::analyze_statement;
    use crate::parse::parse_fragment;
    use crate::source::{FileId, Location};

    fn loc() -> Location {
        Location {
            file: FileId(0),
            range: 0..0,
        }
    }

    /// A schema with table `t(a, b, c, d, flag boolean, email, created_at)` and the given
    /// indexes, each written as `name: a, b DESC, ...` with optional `| where pred`.
    fn schema(indexes: &[&str]) -> Schema {
        let cols = [
            "id",
            "a",
            "b",
            "c",
            "d",
            "flag",
            "email",
            "created_at",
            "deleted_at",
            "data",
            "tags",
        ];
        let mut t = Table {
            name: "t".into(),
            schema: "public".into(),
            relname: "t".into(),
            kind: Default::default(),
            partition_by: None,
            partition_of: None,
            columns: cols
                .iter()
                .map(|c| Column {
                    name: c.to_string(),
                    data_type: match *c {
                        "flag" => "boolean",
                        "data" => "jsonb",
                        "tags" => "text[]",
                        _ => "text",
                    }
                    .into(),
                    nullable: true,
                    declared: loc(),
                })
                .collect(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            declared: loc(),
            seeded: false,
            orm: None,
            clustered: false,
        };
        for spec in indexes {
            t.indexes.push(index(spec));
        }
        let mut s = Schema::default();
        s.tables.insert("t".into(), t);
        s
    }

    fn index(spec: &str) -> Index {
        let (name, rest) = spec.split_once(':').unwrap();
        let (keys, pred) = match rest.split_once('|') {
            Some((k, p)) => (k, Some(p.trim().trim_start_matches("where ").to_string())),
            None => (rest, None),
        };
        let (method, keys) = match keys.trim().split_once(' ') {
            Some((m, k)) if ["gin", "gist", "hash", "brin", "unique"].contains(&m) => (m, k),
            _ => ("btree", keys),
        };
        Index {
            name: name.trim().into(),
            table: "t".into(),
            kind: IndexKind::Index,
            unique: method == "unique",
            method: if method == "unique" { "btree" } else { method }.into(),
            keys: keys
                .split(',')
                .map(|k| {
                    let mut parts = k.split_whitespace();
                    let col = parts.next().unwrap();
                    let mut key = if col.starts_with('(') {
                        IndexKey {
                            expr: KeyExpr::Expr(crate::model::expr::normalize_text(col)),
                            ..IndexKey::column("")
                        }
                    } else {
                        IndexKey::column(col)
                    };
                    for p in parts {
                        match p {
                            "DESC" => key.desc = true,
                            "NULLS_FIRST" => key.nulls_first = Some(true),
                            "NULLS_LAST" => key.nulls_first = Some(false),
                            op => key.opclass = Some(op.into()),
                        }
                    }
                    key
                })
                .collect(),
            include: Vec::new(),
            predicate: pred,
            declared: loc(),
        }
    }

    fn access(s: &Schema, sql: &str) -> TableAccess {
        let frag = Fragment::sql_file(sql);
        let stmt = parse_fragment(Dialect::Postgres, FileId(0), &frag).remove(0);
        let (q, ok) = analyze_statement(s, &stmt).expect("a query");
        assert!(ok, "unresolved: {sql}");
        q.accesses.into_iter().find(|a| a.table == "t").unwrap()
    }

    fn verdict(index_spec: &str, sql: &str) -> Verdict {
        let s = schema(&[index_spec]);
        let a = access(&s, sql);
        let cond = Conditions::of(&a, false);
        evaluate(&s, &s.tables["t"].indexes[0], &a, &cond, Dialect::Postgres)
    }

    #[test]
    fn equality_prefix_in_any_order() {
        let v = verdict("i: a, b, c", "SELECT * FROM t WHERE b = $1 AND a = $2");
        assert_eq!((v.eq_keys, v.range_key), (2, false));
        assert!(v.filters());
    }

    #[test]
    fn equality_prefix_stops_at_gap() {
        let v = verdict("i: a, b, c", "SELECT * FROM t WHERE a = 1 AND c = 2");
        assert_eq!(v.eq_keys, 1);
    }

    #[test]
    fn non_leading_column_does_not_serve() {
        let v = verdict("i: a, b", "SELECT * FROM t WHERE b = 1");
        assert!(!v.filters());
    }

    #[test]
    fn one_range_after_equalities() {
        let v = verdict(
            "i: a, b, c",
            "SELECT * FROM t WHERE a = 1 AND b > 2 AND c < 3",
        );
        assert_eq!((v.eq_keys, v.range_key), (1, true));
        let v = verdict("i: a, b", "SELECT * FROM t WHERE b BETWEEN 1 AND 2");
        assert!(!v.filters());
    }

    #[test]
    fn in_list_and_is_null_are_equalities() {
        let v = verdict("i: a, b", "SELECT * FROM t WHERE a IN (1, 2) AND b IS NULL");
        assert_eq!(v.eq_keys, 2);
    }

    #[test]
    fn not_equal_and_not_in_are_not_conditions() {
        assert!(!verdict("i: a", "SELECT * FROM t WHERE a <> 1").filters());
        assert!(!verdict("i: a", "SELECT * FROM t WHERE a NOT IN (1, 2)").filters());
    }

    #[test]
    fn order_by_after_equality_prefix() {
        let v = verdict(
            "i: a, created_at",
            "SELECT * FROM t WHERE a = $1 ORDER BY created_at DESC LIMIT 5",
        );
        assert!(v.sorts());
        let v = verdict(
            "i: created_at, a",
            "SELECT * FROM t WHERE a = $1 ORDER BY created_at",
        );
        assert!(!v.filters());
        assert!(v.sorts(), "leading created_at still delivers the order");
    }

    #[test]
    fn order_by_mixed_directions_need_matching_index() {
        let q = "SELECT * FROM t ORDER BY a ASC, b DESC LIMIT 10";
        assert!(!verdict("i: a, b", q).sorts());
        assert!(verdict("i: a, b DESC", q).sorts());
        assert!(verdict("i: a DESC, b", q).sorts(), "backward scan");
    }

    #[test]
    fn nulls_ordering_matters_in_postgres() {
        let q = "SELECT * FROM t ORDER BY a DESC NULLS LAST LIMIT 10";
        assert!(
            !verdict("i: a", q).sorts(),
            "ASC index reversed gives NULLS FIRST"
        );
        assert!(verdict("i: a NULLS_FIRST", q).sorts());
    }

    #[test]
    fn equality_on_a_unique_index_needs_no_order() {
        let q = "SELECT * FROM t WHERE a = $1 ORDER BY id LIMIT 1";
        assert!(verdict("i: unique a", q).sorts(), "at most one row");
        assert!(!verdict("i: a", q).sorts());
        let q = "SELECT * FROM t WHERE a IN (1, 2) ORDER BY id LIMIT 1";
        assert!(!verdict("i: unique a", q).sorts(), "IN finds several rows");
    }

    #[test]
    fn multi_value_in_breaks_order() {
        let q = "SELECT * FROM t WHERE a IN (1, 2) ORDER BY b LIMIT 10";
        assert!(!verdict("i: a, b", q).sorts());
        let q = "SELECT * FROM t WHERE a IN (1) ORDER BY b LIMIT 10";
        assert!(verdict("i: a, b", q).sorts());
    }

    #[test]
    fn partial_index_needs_implied_predicate() {
        let spec = "i: a | where deleted_at IS NULL";
        assert!(!verdict(spec, "SELECT * FROM t WHERE a = 1").filters());
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND deleted_at IS NULL").filters());
        let v = verdict(spec, "SELECT * FROM t WHERE a = 1");
        assert!(v
            .unusable
            .unwrap()
            .to_lowercase()
            .contains("deleted_at is null"));
    }

    #[test]
    fn partial_not_null_implied_by_comparisons() {
        let spec = "i: a | where b IS NOT NULL";
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND b = $1").filters());
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND b > 3").filters());
        assert!(!verdict(spec, "SELECT * FROM t WHERE a = 1 AND b IS NULL").filters());
    }

    #[test]
    fn partial_equality_and_booleans() {
        let spec = "i: a | where c = 'open'";
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND c = 'open'").filters());
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND c IN ('open')").filters());
        assert!(!verdict(spec, "SELECT * FROM t WHERE a = 1 AND c IN ('open', 'x')").filters());
        assert!(!verdict(spec, "SELECT * FROM t WHERE a = 1 AND c = $2").filters());
        let spec = "i: a | where flag";
        assert!(verdict(spec, "SELECT * FROM t WHERE a = 1 AND flag = true").filters());
        assert!(verdict(spec, "SELECT * FROM t WHERE flag AND a = 1").filters());
        assert!(!verdict(spec, "SELECT * FROM t WHERE a = 1 AND NOT flag").filters());
    }

    #[test]
    fn partial_conjunction_in_any_order() {
        let spec = "i: a | where c = 'x' AND deleted_at IS NULL";
        let q = "SELECT * FROM t WHERE deleted_at IS NULL AND a = 1 AND c = 'x'";
        assert!(verdict(spec, q).filters());
        let q = "SELECT * FROM t WHERE deleted_at IS NULL AND a = 1";
        assert!(!verdict(spec, q).filters());
    }

    #[test]
    fn expression_index_matches_same_expression_only() {
        let spec = "i: (lower(email))";
        assert!(verdict(spec, "SELECT * FROM t WHERE LOWER(email) = $1").filters());
        assert!(verdict(spec, "SELECT * FROM t x WHERE lower(x.email) = $1").filters());
        assert!(!verdict(spec, "SELECT * FROM t WHERE email = $1").filters());
        assert!(!verdict("i: email", "SELECT * FROM t WHERE lower(email) = $1").filters());
    }

    #[test]
    fn like_prefix_needs_pattern_ops_in_postgres() {
        let q = "SELECT * FROM t WHERE email LIKE 'abc%'";
        assert!(!verdict("i: email", q).filters());
        assert!(verdict("i: email text_pattern_ops", q).filters());
        assert!(!verdict(
            "i: email text_pattern_ops",
            "SELECT * FROM t WHERE email LIKE '%abc'"
        )
        .filters());
    }

    #[test]
    fn hash_and_gin_methods() {
        assert!(verdict("i: hash a", "SELECT * FROM t WHERE a = 1").filters());
        assert!(!verdict("i: hash a", "SELECT * FROM t WHERE a > 1").filters());
        assert!(!verdict("i: gin a", "SELECT * FROM t WHERE a = 1").filters());
    }

    #[test]
    fn joins_count_as_equalities_only_when_asked() {
        let mut s = schema(&["i: a"]);
        let mut u = s.tables["t"].clone();
        u.name = "u".into();
        u.indexes.clear();
        s.tables.insert("u".into(), u);
        let a = access(&s, "SELECT * FROM u JOIN t ON t.a = u.b WHERE u.c = 1");
        let idx = &s.tables["t"].indexes[0];
        assert!(!evaluate(&s, idx, &a, &Conditions::of(&a, false), Dialect::Postgres).filters());
        assert!(evaluate(&s, idx, &a, &Conditions::of(&a, true), Dialect::Postgres).filters());
    }

    #[test]
    fn suggestion_orders_equality_then_range_or_sort() {
        let s = schema(&[]);
        let t = &s.tables["t"];
        let cols = |sql: &str| {
            let a = access(&s, sql);
            let c = Conditions::of(&a, false);
            suggest(t, &a, &c, Dialect::Postgres).map(|k| {
                k.keys
                    .iter()
                    .map(|k| format!("{}{}", k.expr.display(), if k.desc { " DESC" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        };
        assert_eq!(
            cols("SELECT * FROM t WHERE created_at > $1 AND a = $2").as_deref(),
            Some("a, created_at")
        );
        assert_eq!(
            cols("SELECT * FROM t WHERE a = $1 ORDER BY created_at DESC").as_deref(),
            Some("a, created_at DESC")
        );
        assert_eq!(
            cols("SELECT * FROM t WHERE flag = true").as_deref(),
            None,
            "boolean alone"
        );
        assert_eq!(
            cols("SELECT * FROM t WHERE a = 1 AND flag").as_deref(),
            Some("a")
        );
        assert_eq!(
            cols("SELECT * FROM t ORDER BY created_at LIMIT 10").as_deref(),
            Some("created_at")
        );
        assert_eq!(
            cols("SELECT * FROM t ORDER BY created_at").as_deref(),
            None,
            "no limit, no filter"
        );
        assert_eq!(
            cols("SELECT * FROM t WHERE deleted_at IS NULL").as_deref(),
            None
        );
    }

    #[test]
    fn redundancy_rules() {
        let r = |a: &str, b: &str| redundant_with(&index(a), &index(b));
        assert!(r("x: a", "y: a, b"));
        assert!(!r("x: b", "y: a, b"), "not a leading prefix");
        assert!(
            r("x: a DESC", "y: a, b"),
            "a backward scan reverses a single key"
        );
        assert!(
            !r("x: a, b DESC", "y: a, b, c"),
            "relative direction differs"
        );
        assert!(r("x: a DESC, b DESC", "y: a, b, c"), "all reversed");
        assert!(!r("x: a text_pattern_ops", "y: a, b"), "opclass differs");
        assert!(
            !r("x: unique a", "y: a, b"),
            "unique index enforces a constraint"
        );
        assert!(
            !r("x: unique a", "y: unique a"),
            "a duplicate, not a redundant index"
        );
        assert!(
            r("x: a | where b IS NULL", "y: a, c"),
            "partial prefix of a full index"
        );
        assert!(
            !r("x: a, c", "y: a | where b IS NULL"),
            "full beside partial"
        );
        assert!(!r("x: a", "y: gin a"), "different method");
        assert!(
            !r("x: a | where b IS NULL", "y: a, b | where c IS NULL"),
            "predicates differ"
        );
        assert!(r("x: a", "y: unique a, b"));
    }

    #[test]
    fn duplicates_and_trailing_direction() {
        assert!(
            duplicate(&index("x: a"), &index("y: unique a")),
            "uniqueness may differ"
        );
        assert!(!identical(&index("x: a"), &index("y: unique a")));
        assert!(!duplicate(&index("x: a, b"), &index("y: b, a")));
        assert!(!duplicate(&index("x: a"), &index("y: a | where b IS NULL")));
        let (plain, unique) = (index("x: a"), index("y: unique a"));
        assert!(
            duplicate_to_drop(&plain, false, &unique, false),
            "the plain one"
        );
        assert!(!duplicate_to_drop(&unique, false, &plain, false));
        assert!(
            duplicate_to_drop(&index("x: a"), true, &index("y: a"), false),
            "invisible"
        );
        assert!(
            !duplicate_to_drop(&index("x: a"), false, &index("y: a"), false),
            "the later"
        );
        let (desc, asc) = (index("x: a, b DESC"), index("y: unique a, b"));
        assert!(!redundant_with(&desc, &asc));
        assert!(redundant_but_trailing_direction(&desc, &asc));
        assert!(
            redundant_but_trailing_direction(&index("x: a DESC, b"), &asc),
            "reversed, it is (a, b DESC)"
        );
        assert!(
            !redundant_but_trailing_direction(&index("x: a, b DESC, c"), &index("y: a, b, c, d")),
            "a middle key's direction matters"
        );
    }

    #[test]
    fn identical_indexes() {
        assert!(identical(&index("x: a, b DESC"), &index("y: a, b DESC")));
        assert!(!identical(&index("x: a, b"), &index("y: a, b DESC")));
        assert!(!identical(&index("x: a"), &index("y: unique a")));
    }

    #[test]
    fn foreign_key_coverage() {
        let s = schema(&[]);
        let cols = vec!["a".to_string(), "b".to_string()];
        assert!(covers_leading(&s, &index("i: b, a, c"), &cols));
        assert!(!covers_leading(&s, &index("i: a, c, b"), &cols));
        assert!(covers_leading(
            &s,
            &index("i: a, b | where a IS NOT NULL"),
            &cols
        ));
        assert!(!covers_leading(
            &s,
            &index("i: a, b | where c = 'x'"),
            &cols
        ));
        assert!(!covers_leading(&s, &index("i: gin a, b"), &cols));
    }

    #[test]
    fn gin_and_gist_operator_classes() {
        let q = "SELECT * FROM t WHERE email ILIKE $1";
        assert!(verdict("i: gin email gin_trgm_ops", q).filters());
        assert!(verdict("i: gist email gist_trgm_ops", q).filters());
        assert!(!verdict("i: email", q).filters());
        assert!(verdict(
            "i: gin email gin_trgm_ops",
            "SELECT * FROM t WHERE email LIKE '%x%'"
        )
        .filters());
        assert!(verdict(
            "i: gin email gin_trgm_ops",
            "SELECT * FROM t WHERE email ~ 'x+'"
        )
        .filters());
        let q = "SELECT * FROM t WHERE data @> '{\"a\": 1}'";
        assert!(verdict("i: gin data", q).filters());
        assert!(verdict("i: gin data jsonb_path_ops", q).filters());
        let q = "SELECT * FROM t WHERE data ? 'kind'";
        assert!(verdict("i: gin data", q).filters());
        assert!(
            !verdict("i: gin data jsonb_path_ops", q).filters(),
            "path_ops serves only @>"
        );
        assert!(verdict("i: gin tags", "SELECT * FROM t WHERE tags && $1").filters());
        assert!(!verdict("i: gin data", "SELECT * FROM t WHERE tags && $1").filters());
        let q = "SELECT * FROM t WHERE to_tsvector(email) @@ plainto_tsquery($1)";
        assert!(verdict("i: gin (to_tsvector(email))", q).filters());
        assert!(!verdict("i: gin (to_tsvector(lower(email)))", q).filters());
    }

    #[test]
    fn brin_serves_ranges_lossily() {
        assert!(verdict(
            "i: brin created_at",
            "SELECT * FROM t WHERE created_at > $1"
        )
        .filters());
        assert!(!verdict(
            "i: brin created_at",
            "SELECT * FROM t ORDER BY created_at LIMIT 1"
        )
        .sorts());
    }

    fn gap_kind(indexes: &[&str], sql: &str) -> Option<String> {
        let s = schema(indexes);
        let frag = Fragment::sql_file(sql);
        let stmt = parse_fragment(Dialect::Postgres, FileId(0), &frag).remove(0);
        let (q, _) = analyze_statement(&s, &stmt).unwrap();
        let i = q.accesses.iter().position(|a| a.table == "t").unwrap();
        gap(
            &s,
            &Stats::default(),
            &s.tables["t"],
            &q.accesses,
            i,
            Dialect::Postgres,
        )
        .map(|g| {
            let kind = match g.kind {
                GapKind::Missing => "missing".to_string(),
                GapKind::Misordered(ix) => format!("misordered {}", ix.name),
                GapKind::NonSargable => "non-sargable".into(),
                GapKind::LeadingWildcard => "leading-wildcard".into(),
            };
            format!(
                "{kind} {} {}",
                g.suggestion.method,
                crate::rules::fix::keys_sql(&g.suggestion.keys)
            )
        })
    }

    #[test]
    fn gaps_are_classified_once() {
        assert_eq!(
            gap_kind(&[], "SELECT * FROM t WHERE a = $1").as_deref(),
            Some("missing btree a")
        );
        assert_eq!(gap_kind(&["i: a"], "SELECT * FROM t WHERE a = $1"), None);
        assert_eq!(
            gap_kind(
                &["i: created_at, a"],
                "SELECT * FROM t WHERE a = $1 ORDER BY created_at"
            )
            .as_deref(),
            Some("misordered i btree a, created_at")
        );
        assert_eq!(
            gap_kind(
                &["i: created_at"],
                "SELECT * FROM t WHERE date(created_at) = $1"
            )
            .as_deref(),
            Some("non-sargable btree (date(created_at))")
        );
        assert_eq!(
            gap_kind(&[], "SELECT * FROM t WHERE email ILIKE $1").as_deref(),
            Some("leading-wildcard gin email gin_trgm_ops")
        );
        assert_eq!(
            gap_kind(&[], "SELECT * FROM t WHERE data @> $1").as_deref(),
            Some("missing gin data jsonb_path_ops")
        );
        assert_eq!(
            gap_kind(&[], "SELECT * FROM t WHERE email LIKE 'ab%'").as_deref(),
            Some("missing btree email text_pattern_ops")
        );
    }
}

//! Stage 2b: ORM readers.
//!
//! Most applications declare their schema as ORM models and query through ORM calls. Each
//! ORM is two readers feeding the same pipeline as hand-written SQL:
//!
//! - a **schema reader** turns a model file (`db/schema.rb`, `models.py`, `schema.prisma`,
//!   a Drizzle `pgTable`, GORM struct tags, ...) into DDL text (`CREATE TABLE`, `CREATE
//!   INDEX`) whose offset map points at the model line that declared each object, plus the
//!   [`Model`]s it saw (class name -> table, attribute -> column, relations);
//! - a **query reader** turns an ORM call chain (`Order.where(user_id: x).order(created_at:
//!   :desc)`) into an [`OrmQuery`], an access pattern written in the ORM's names.
//!
//! Per file (in parallel, in [`read_file`]) the readers run over the file's text. Once every
//! file is read, the whole-program stage builds the [`ModelIndex`] from all files' models,
//! and [`synthesize`] writes each [`OrmQuery`] as SQL in the database's names, located at the
//! call chain; that SQL is parsed and analyzed like any other query. Schema fragments are
//! parsed per file and handed to the fold after the SQL migrations, through
//! [`order_schema`], which applies each ORM's authority rules (a `schema.rb` over
//! `db/migrate`, SQL migrations over the models they were generated from).
//!
//! Invariants: the fold and the coverage model never know which reader produced a
//! statement; a reader never decides coverage; a reader that cannot resolve a name yields
//! nothing rather than a guess (the query is listed without a verdict under `-v`).

pub mod clex;
pub mod ddl;
pub mod ddl_text;
pub mod diesel;
pub mod django;
pub mod drizzle;
pub mod gorm;
pub mod prisma;
pub mod rails;
pub mod sqlalchemy;
pub mod syntax;
pub mod typeorm;

use crate::extract::{Fragment, FragmentKind, HostLang, OffsetMap};
use crate::parse::Dialect;
use std::collections::HashMap;
use std::ops::Range;

/// An ORM whose schema or queries a reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Orm {
    Rails,
    Django,
    SqlAlchemy,
    Prisma,
    Drizzle,
    TypeOrm,
    Sequelize,
    Gorm,
    Diesel,
}

impl Orm {
    /// The ORM's name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Orm::Rails => "ActiveRecord",
            Orm::Django => "Django",
            Orm::SqlAlchemy => "SQLAlchemy",
            Orm::Prisma => "Prisma",
            Orm::Drizzle => "Drizzle",
            Orm::TypeOrm => "TypeORM",
            Orm::Sequelize => "Sequelize",
            Orm::Gorm => "GORM",
            Orm::Diesel => "diesel",
        }
    }
}

/// One attribute of a model and the column it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelField {
    /// The name code uses (`userId`, `author`, `created_at`).
    pub attr: String,
    /// The column in the database (`user_id`, `author_id`).
    pub column: String,
    /// For a relation (belongs-to, foreign key): the target model's class name.
    pub relation: Option<String>,
}

/// A model class and the table it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub orm: Orm,
    /// The class (or schema object) name code uses: `Order`, `orders` (Drizzle variable).
    pub class: String,
    /// The table in the database.
    pub table: String,
    pub fields: Vec<ModelField>,
    /// Primary-key columns (`first`/`last` order by them); empty when unknown.
    pub primary_key: Vec<String>,
}

/// The `attr` of a [`ModelField`] that is not an attribute but a default scope: every query
/// of the model carries `<column> IS NULL` (GORM's soft delete, `deleted_at IS NULL`).
pub const DEFAULT_SCOPE_IS_NULL: &str = "@default-scope-is-null";

/// A [`Filter`] path of this one element stands for the model's primary key: equality on
/// every primary-key column (diesel's `find((a, b))`, a composite key).
pub const PRIMARY_KEY: &str = "@primary-key";

/// Every model of the project, by ORM and class name.
#[derive(Debug, Default)]
pub struct ModelIndex {
    by_class: HashMap<(Orm, String), Model>,
}

impl ModelIndex {
    pub fn insert(&mut self, model: Model) {
        self.by_class
            .entry((model.orm, model.class.clone()))
            .or_insert(model);
    }

    pub fn get(&self, orm: Orm, class: &str) -> Option<&Model> {
        self.by_class.get(&(orm, class.to_string()))
    }

    pub fn len(&self) -> usize {
        self.by_class.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_class.is_empty()
    }
}

/// How a query reader's condition constrains a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Eq,
    /// `IN (list)`.
    In,
    Lt,
    Le,
    Gt,
    Ge,
    /// `field <> value`, `NOT IN`, `exclude(...)`: no index condition.
    Ne,
    IsNull,
    IsNotNull,
    /// `LIKE 'x%'` (startswith).
    StartsWith,
    /// `LIKE '%x%'` (contains): a leading wildcard.
    Contains,
    /// `LIKE '%x'`.
    EndsWith,
    /// Case-insensitive equality: `lower(field) = lower(value)`.
    IEq,
    /// Case-insensitive pattern (`ILIKE`); `prefix` is true for startswith.
    ILike {
        prefix: bool,
    },
}

/// One condition of an ORM query, in the ORM's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Relation hops then the field: `["author", "email"]` for Django's `author__email`.
    pub path: Vec<String>,
    pub op: Op,
}

/// A query an ORM call chain stands for, in the ORM's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrmQuery {
    pub orm: Orm,
    /// The model class the chain starts from (`Order`), as written.
    pub model: String,
    /// Conditions joined by AND.
    pub filters: Vec<Filter>,
    /// Alternatives joined by OR (each a conjunction), when the chain has `or(...)`.
    pub any_of: Vec<Vec<Filter>>,
    /// Raw SQL conditions the chain carries (`where("a = ? AND b > ?")`), with the ORM's
    /// placeholders; table-qualified names are not required.
    pub raw_conditions: Vec<String>,
    /// Relations joined (`joins(:user)`, `select_related('author')`).
    pub joins: Vec<String>,
    /// Sort keys: field path and descending.
    pub order: Vec<(Vec<String>, bool)>,
    /// `ORDER BY primary key` (ActiveRecord `first`/`last`, GORM `First`).
    pub order_by_pk: Option<bool>,
    pub limit: Option<u64>,
    /// What the statement does.
    pub kind: QueryKind,
    /// Host byte range of the call chain: where a finding is reported.
    pub span: Range<usize>,
}

/// The kind of statement an ORM call issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Select,
    Count,
    Exists,
    Update,
    Delete,
}

/// What the ORM readers found in one file.
#[derive(Debug, Clone, Default)]
pub struct OrmFile {
    /// DDL text located at the model lines (parsed like a migration's statements).
    pub schema: Vec<Fragment>,
    pub models: Vec<Model>,
    pub queries: Vec<OrmQuery>,
    /// Which schema reader produced `schema` (for authority rules and `schema --sources`).
    pub schema_source: Option<SchemaSource>,
    /// The reader wrote the file's SQL strings (`execute`, `RunSQL`, `op.execute`) into
    /// `schema` in their place among the ORM operations, so the generic string extraction of
    /// this file is dropped (it would fold them a second time, out of order).
    pub owns_sql: bool,
    /// An Alembic revision: its id and the revisions it follows (`down_revision`), which
    /// order the fold instead of the path.
    pub revision: Option<(String, Vec<String>)>,
}

/// Which kind of ORM file a schema fragment came from, for [`order_schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaSource {
    pub orm: Orm,
    /// The reader's name: `schema.rb`, `db/migrate`, `models.py`, `django-migrations`, ...
    pub reader: &'static str,
    /// Within one ORM, a source of higher authority replaces lower ones entirely.
    pub authority: u8,
}

/// A reader of one ORM's files.
pub struct Reader {
    pub orm: Orm,
    /// Cheap test on the path and text before any lexing (a substring, a file name).
    pub claims: fn(path: &str, text: &str) -> bool,
    /// Read one file.
    pub read: fn(path: &str, text: &str, out: &mut OrmFile),
}

/// Every ORM reader, in a fixed order.
pub static READERS: &[Reader] = &[
    Reader {
        orm: Orm::Rails,
        claims: rails::claims,
        read: rails::read,
    },
    Reader {
        orm: Orm::Django,
        claims: django::claims,
        read: django::read,
    },
    Reader {
        orm: Orm::SqlAlchemy,
        claims: sqlalchemy::claims,
        read: sqlalchemy::read,
    },
    Reader {
        orm: Orm::Prisma,
        claims: prisma::claims,
        read: prisma::read,
    },
    Reader {
        orm: Orm::Drizzle,
        claims: drizzle::claims,
        read: drizzle::read,
    },
    Reader {
        orm: Orm::Gorm,
        claims: gorm::claims,
        read: gorm::read,
    },
    Reader {
        orm: Orm::Diesel,
        claims: diesel::claims,
        read: diesel::read,
    },
    Reader {
        orm: Orm::TypeOrm,
        claims: typeorm::claims,
        read: typeorm::read,
    },
];

/// Run every reader that claims `path` over `text`.
pub fn read_file(path: &str, text: &str) -> OrmFile {
    let mut out = OrmFile::default();
    for reader in READERS {
        if (reader.claims)(path, text) {
            (reader.read)(path, text, &mut out);
        }
    }
    out
}

/// Schema fragments of ORM files in the order and authority the ORMs give them: for each
/// ORM, only the sources of the highest authority present are kept; `groups` is in path
/// order. Returns the indexes of `groups` to fold, in fold order.
pub fn order_schema(groups: &[SchemaSource]) -> Vec<usize> {
    let mut best: HashMap<Orm, u8> = HashMap::new();
    for g in groups {
        let b = best.entry(g.orm).or_insert(g.authority);
        *b = (*b).max(g.authority);
    }
    (0..groups.len())
        .filter(|&i| best.get(&groups[i].orm) == Some(&groups[i].authority))
        .collect()
}

/// Is an ORM schema source superseded by SQL migrations? Its models were generated from
/// (or generate) the same tables: when the SQL already creates one of the tables the
/// source creates (`prisma/migrations/*/migration.sql`, diesel's `migrations/*/up.sql`,
/// drizzle-kit's `drizzle/*.sql`), the SQL is the database's history and the models are
/// not folded. `sql_tables` are the lower-cased names the SQL migrations create.
pub fn superseded_by_sql(
    source: &[crate::parse::Statement],
    sql_tables: &std::collections::HashSet<String>,
) -> bool {
    source
        .iter()
        .filter_map(created_table)
        .any(|t| sql_tables.contains(&t))
}

/// The lower-cased, unqualified name of the table a `CREATE TABLE` statement creates.
pub fn created_table(stmt: &crate::parse::Statement) -> Option<String> {
    match stmt.table_op.as_deref()? {
        crate::parse::TableOp::Create { written, .. } => Some(written.clone()),
        crate::parse::TableOp::Drop(_) => None,
    }
}

/// `kept` (indexes into the schema groups, in fold order) with the groups that are Alembic
/// revisions put in `down_revision` chain order, in the slots they occupied: a revision's
/// file name is a random hash, so path order says nothing.
pub fn order_revisions(kept: &[usize], revisions: &[Option<&(String, Vec<String>)>]) -> Vec<usize> {
    let items: Vec<(usize, String, Vec<String>)> = kept
        .iter()
        .filter_map(|&k| {
            let (id, down) = revisions.get(k).copied().flatten()?;
            Some((k, id.clone(), down.clone()))
        })
        .collect();
    let mut chained = sqlalchemy::chain_order(&items).into_iter();
    kept.iter()
        .map(|&k| {
            if revisions.get(k).copied().flatten().is_some() {
                chained.next().unwrap_or(k)
            } else {
                k
            }
        })
        .collect()
}

/// The SQL an ORM query stands for, in the database's names, as a fragment located at the
/// call chain; `None` when the model or a field cannot be resolved.
pub fn synthesize(q: &OrmQuery, index: &ModelIndex, dialect: Dialect) -> Option<Fragment> {
    let model = index.get(q.orm, &q.model)?;
    let quote = |s: &str| match dialect {
        Dialect::Mysql => format!("`{s}`"),
        _ => format!("\"{s}\""),
    };
    let mut joins = Vec::new();
    let mut aliases: HashMap<String, String> = HashMap::new();
    // Resolve a field path to `alias.column`, joining relations as needed.
    let mut column = |path: &[String], joins: &mut Vec<String>| -> Option<String> {
        let (last, hops) = path.split_last()?;
        let mut current = model;
        let mut alias = "t0".to_string();
        for hop in hops {
            let field = current.fields.iter().find(|f| &f.attr == hop)?;
            let target = index.get(q.orm, field.relation.as_deref()?)?;
            let key = format!("{alias}.{hop}");
            let next = match aliases.get(&key) {
                Some(a) => a.clone(),
                None => {
                    let a = format!("t{}", aliases.len() + 1);
                    let target_pk = target.primary_key.first().map_or("id", String::as_str);
                    joins.push(format!(
                        " JOIN {} {a} ON {a}.{} = {alias}.{}",
                        quote(&target.table),
                        quote(target_pk),
                        quote(&field.column)
                    ));
                    aliases.insert(key, a.clone());
                    a
                }
            };
            alias = next;
            current = target;
        }
        let col = current
            .fields
            .iter()
            .find(|f| &f.attr == last)
            .map_or(last.as_str(), |f| f.column.as_str());
        Some(format!("{alias}.{}", quote(col)))
    };
    let mut conds = Vec::new();
    for f in &q.filters {
        if f.path.len() == 1 && f.path[0] == PRIMARY_KEY {
            for pk in &model.primary_key {
                conds.push(condition(&format!("t0.{}", quote(pk)), &f.op));
            }
            continue;
        }
        conds.push(condition(&column(&f.path, &mut joins)?, &f.op));
    }
    if !q.any_of.is_empty() {
        let mut alts = Vec::new();
        for alt in &q.any_of {
            let mut parts = Vec::new();
            for f in alt {
                parts.push(condition(&column(&f.path, &mut joins)?, &f.op));
            }
            alts.push(format!("({})", parts.join(" AND ")));
        }
        conds.push(format!("({})", alts.join(" OR ")));
    }
    conds.extend(q.raw_conditions.iter().map(|c| format!("({c})")));
    for f in model
        .fields
        .iter()
        .filter(|f| f.attr == DEFAULT_SCOPE_IS_NULL)
    {
        conds.push(format!("t0.{} IS NULL", quote(&f.column)));
    }
    let mut order = Vec::new();
    for (path, desc) in &q.order {
        let c = column(path, &mut joins)?;
        order.push(if *desc { format!("{c} DESC") } else { c });
    }
    if order.is_empty() {
        if let Some(desc) = q.order_by_pk {
            for pk in &model.primary_key {
                let c = format!("t0.{}", quote(pk));
                order.push(if desc { format!("{c} DESC") } else { c });
            }
        }
    }
    for rel in &q.joins {
        column(&[rel.clone(), String::new()], &mut joins);
    }
    let table = quote(&model.table);
    let mut sql = match q.kind {
        QueryKind::Select | QueryKind::Exists => format!("SELECT t0.* FROM {table} t0"),
        QueryKind::Count => format!("SELECT count(*) FROM {table} t0"),
        QueryKind::Update => format!("UPDATE {table} t0 SET {} = ?", quote("x")),
        QueryKind::Delete => format!("DELETE FROM {table} t0"),
    };
    for j in &joins {
        sql.push_str(j);
    }
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    if !order.is_empty() && matches!(q.kind, QueryKind::Select) {
        sql.push_str(" ORDER BY ");
        sql.push_str(&order.join(", "));
    }
    let limit = if matches!(q.kind, QueryKind::Exists) {
        Some(1)
    } else {
        q.limit
    };
    if let (Some(n), QueryKind::Select | QueryKind::Exists) = (limit, q.kind) {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    if dialect == Dialect::Postgres {
        sql = numbered_parameters(&sql);
    }
    Some(synthetic_fragment(
        sql,
        q.span.clone(),
        FragmentKind::OrmQuery(q.orm),
    ))
}

/// `?` placeholders as PostgreSQL's `$1`, `$2`, ... (outside quoted text).
fn numbered_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quoted = None;
    for ch in sql.chars() {
        match (quoted, ch) {
            (None, '\'' | '"') => quoted = Some(ch),
            (Some(q), c) if c == q => quoted = None,
            (None, '?') => {
                n += 1;
                out.push_str(&format!("${n}"));
                continue;
            }
            _ => {}
        }
        out.push(ch);
    }
    out
}

/// The SQL of one condition on column `c`.
fn condition(c: &str, op: &Op) -> String {
    match op {
        Op::Eq => format!("{c} = ?"),
        Op::In => format!("{c} IN (?, ?)"),
        Op::Lt => format!("{c} < ?"),
        Op::Le => format!("{c} <= ?"),
        Op::Gt => format!("{c} > ?"),
        Op::Ge => format!("{c} >= ?"),
        Op::Ne => format!("{c} <> ?"),
        Op::IsNull => format!("{c} IS NULL"),
        Op::IsNotNull => format!("{c} IS NOT NULL"),
        Op::StartsWith => format!("{c} LIKE 'x%'"),
        Op::Contains => format!("{c} LIKE '%x%'"),
        Op::EndsWith => format!("{c} LIKE '%x'"),
        Op::IEq => format!("lower({c}) = lower(?)"),
        Op::ILike { prefix: true } => format!("{c} ILIKE 'x%'"),
        Op::ILike { prefix: false } => format!("{c} ILIKE '%x%'"),
    }
}

/// A fragment of synthesized SQL whose every byte maps to `span` in the host file.
pub fn synthetic_fragment(text: String, span: Range<usize>, kind: FragmentKind) -> Fragment {
    let mut map = OffsetMap::default();
    map.push_synthetic(0, text.len(), span.start, span.end - span.start);
    Fragment {
        text,
        map,
        kind,
        holes: Vec::new(),
    }
}

/// A new index on `table (cols)` written in the ORM's own form, for fixes on tables an ORM
/// model declared; `None` for an ORM without one. `cols`: column (or expression), descending.
pub fn fix_in_orm_form(orm: Orm, table: &str, cols: &[(String, bool)]) -> Option<String> {
    if cols.is_empty() {
        return None;
    }
    match orm {
        Orm::Rails => Some(rails::index_form(table, cols)),
        Orm::Django => Some(django::index_form(table, cols)),
        Orm::SqlAlchemy => Some(sqlalchemy::index_form(table, cols)),
        Orm::Prisma => Some(prisma::index_form(table, cols)),
        Orm::Drizzle => Some(drizzle::index_form(table, cols)),
        Orm::Gorm => Some(gorm::index_form(table, cols)),
        Orm::TypeOrm => Some(typeorm::index_form(table, cols)),
        // diesel declares indexes in SQL migrations only.
        _ => None,
    }
}

/// The host language ORM readers of `orm` read, for the comment syntax of fixes.
pub fn host_lang(orm: Orm) -> Option<HostLang> {
    Some(match orm {
        Orm::Rails => HostLang::Ruby,
        Orm::Django | Orm::SqlAlchemy => HostLang::Python,
        Orm::Drizzle | Orm::TypeOrm | Orm::Sequelize => HostLang::TypeScript,
        Orm::Gorm => HostLang::Go,
        Orm::Diesel => HostLang::Rust,
        Orm::Prisma => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(class: &str, table: &str, fields: &[(&str, &str, Option<&str>)]) -> Model {
        Model {
            orm: Orm::Django,
            class: class.into(),
            table: table.into(),
            fields: fields
                .iter()
                .map(|(a, c, r)| ModelField {
                    attr: (*a).into(),
                    column: (*c).into(),
                    relation: r.map(str::to_string),
                })
                .collect(),
            primary_key: vec!["id".into()],
        }
    }

    fn query(filters: Vec<Filter>, order: Vec<(Vec<String>, bool)>) -> OrmQuery {
        OrmQuery {
            orm: Orm::Django,
            model: "Book".into(),
            filters,
            any_of: Vec::new(),
            raw_conditions: Vec::new(),
            joins: Vec::new(),
            order,
            order_by_pk: None,
            limit: Some(10),
            kind: QueryKind::Select,
            span: 5..20,
        }
    }

    #[test]
    fn synthesizes_sql_in_database_names_with_joins() {
        let mut index = ModelIndex::default();
        index.insert(model(
            "Book",
            "shop_book",
            &[
                ("author", "author_id", Some("Author")),
                ("title", "title", None),
            ],
        ));
        index.insert(model("Author", "shop_author", &[("email", "email", None)]));
        let q = query(
            vec![
                Filter {
                    path: vec!["author".into(), "email".into()],
                    op: Op::Eq,
                },
                Filter {
                    path: vec!["title".into()],
                    op: Op::StartsWith,
                },
            ],
            vec![(vec!["title".into()], true)],
        );
        let frag = synthesize(&q, &index, Dialect::Postgres).expect("resolves");
        assert_eq!(
            frag.text,
            "SELECT t0.* FROM \"shop_book\" t0 JOIN \"shop_author\" t1 ON t1.\"id\" = \
             t0.\"author_id\" WHERE t1.\"email\" = $1 AND t0.\"title\" LIKE 'x%' ORDER BY \
             t0.\"title\" DESC LIMIT 10"
        );
        // Every byte of the SQL points at the call chain.
        assert_eq!(frag.map.range_to_host(0..frag.text.len()), 5..20);
    }

    #[test]
    fn primary_key_filter_expands_to_every_key_column() {
        let mut index = ModelIndex::default();
        let mut m = model("Follow", "follows", &[]);
        m.primary_key = vec!["a_id".into(), "b_id".into()];
        index.insert(m);
        let mut q = query(
            vec![Filter {
                path: vec![PRIMARY_KEY.into()],
                op: Op::Eq,
            }],
            Vec::new(),
        );
        q.model = "Follow".into();
        let frag = synthesize(&q, &index, Dialect::Postgres).expect("resolves");
        assert!(frag
            .text
            .contains("WHERE t0.\"a_id\" = $1 AND t0.\"b_id\" = $2"));
    }

    #[test]
    fn unknown_model_or_relation_gives_nothing() {
        let index = ModelIndex::default();
        let q = query(Vec::new(), Vec::new());
        assert!(synthesize(&q, &index, Dialect::Postgres).is_none());
    }

    #[test]
    fn highest_authority_source_of_each_orm_wins() {
        let src = |orm, reader, authority| SchemaSource {
            orm,
            reader,
            authority,
        };
        let groups = [
            src(Orm::Rails, "db/migrate", 1),
            src(Orm::Django, "models.py", 1),
            src(Orm::Rails, "schema.rb", 2),
            src(Orm::Rails, "db/migrate", 1),
        ];
        assert_eq!(order_schema(&groups), vec![1, 2]);
    }
}

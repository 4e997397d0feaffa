//! TypeORM: `@Entity` classes as DDL, and repository `find*` calls as queries.
//!
//! Schema: `@Entity('name')` (default: the snake_case class name, TypeORM's default naming
//! strategy), `@PrimaryGeneratedColumn`/`@PrimaryColumn`, `@Column`/`@CreateDateColumn`/
//! `@UpdateDateColumn`/`@DeleteDateColumn` (`name:` gives the column, else the property
//! name, camelCase kept), `unique: true`, `@Index()` on a property, `@Index([..])`,
//! `@Index('name', [..], { unique })` and `@Unique([..])` on the class, and `@ManyToOne`
//! with its `@JoinColumn({ name })` (default `<property>Id`): a foreign key and **no
//! index** (TypeORM creates none on PostgreSQL). The target of a relation declared in
//! another file is named by its class's default table name. `@DeleteDateColumn` makes the
//! entity soft-deleting: `find*` queries carry `"deletedAt" IS NULL`.
//!
//! Queries: `find`, `findOne`, `findBy`, `findOneBy`, `findAndCount`, `count`, `countBy`,
//! `exist(s)`, `delete`, `update` on a repository (`Repository<User>` fields,
//! `@InjectRepository(User)`, `getRepository(User)`), on an entity class (`User.find`) or
//! `manager.find(User, ..)`, with `where` (an object, or an array of objects = OR),
//! `order`, `take`; operators `In`, `Not`, `IsNull`, `MoreThan(OrEqual)`,
//! `LessThan(OrEqual)`, `Like`/`ILike` (the pattern literal decides prefix or contains),
//! `Between`, nested relation objects. `createQueryBuilder` chains are not read.

use super::clex::{Lang, Toks, K};
use super::ddl_text::{cols, q, snake, DdlText};
use super::{
    Filter, Model, ModelField, Op, Orm, OrmFile, OrmQuery, QueryKind, SchemaSource,
    DEFAULT_SCOPE_IS_NULL,
};
use std::collections::HashMap;
use std::ops::Range;

pub fn claims(path: &str, text: &str) -> bool {
    super::prisma::is_script(path) && text.contains("typeorm")
}

pub fn read(_path: &str, text: &str, out: &mut OrmFile) {
    let t = Toks::new(text, Lang::Js);
    read_entities(&t, out);
    read_queries(&t, out);
}

/// A decorator `@Name(args)` at token `at`.
struct Deco {
    name: String,
    args: Option<usize>,
    at: usize,
}

/// Decorators starting at `k`; returns them and the index after the last one.
fn decorators(t: &Toks, mut k: usize) -> (Vec<Deco>, usize) {
    let mut out = Vec::new();
    while t.is(k, "@") && t.ident(k + 1).is_some() {
        let args = t.is(k + 2, "(").then_some(k + 2);
        out.push(Deco {
            name: t.s(k + 1).to_string(),
            args,
            at: k,
        });
        k = args.map_or(k + 2, |a| t.skip(a));
    }
    (out, k)
}

/// The string items of an array literal at `k` (`['a', 'b']`).
fn strings(t: &Toks, k: usize) -> Vec<String> {
    if !t.is(k, "[") {
        return Vec::new();
    }
    t.items(k)
        .into_iter()
        .filter_map(|r| t.string(r.start).map(str::to_string))
        .collect()
}

/// `key: value` of the first object argument of a decorator.
fn option(t: &Toks, args: usize, key: &str) -> Option<Range<usize>> {
    t.items(args)
        .into_iter()
        .filter(|r| t.is(r.start, "{"))
        .find_map(|r| t.object(r.start).into_iter().find(|e| e.0 == key))
        .map(|e| e.2)
}

fn read_entities(t: &Toks, out: &mut OrmFile) {
    let mut ddl = DdlText::default();
    let mut later: Vec<(String, Range<usize>)> = Vec::new();
    // (table, column, target class, span): written once every entity's table is known.
    let mut fks: Vec<(String, String, String, Range<usize>)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !(t.is(i, "@") && t.s(i + 1) == "Entity") {
            i += 1;
            continue;
        }
        let (class_decos, mut k) = decorators(t, i);
        while matches!(t.s(k), "export" | "default" | "abstract") {
            k += 1;
        }
        if t.s(k) != "class" || t.ident(k + 1).is_none() {
            i = k.max(i + 1);
            continue;
        }
        let class = t.s(k + 1).to_string();
        let Some(open) = (k..t.len()).find(|&j| t.is(j, "{")) else {
            break;
        };
        let entity = class_decos.iter().find(|d| d.name == "Entity");
        let table = entity
            .and_then(|d| d.args)
            .and_then(|a| {
                t.string(a + 1).map(str::to_string).or_else(|| {
                    option(t, a, "name").and_then(|r| t.string(r.start).map(str::to_string))
                })
            })
            .unwrap_or_else(|| snake(&class));
        let decl = t.span(i, k + 1);
        // Members.
        let mut props: HashMap<String, String> = HashMap::new();
        let mut fields = Vec::new();
        let mut defs = Vec::new();
        let mut pk = Vec::new();
        let mut soft = None;
        let end = t.close(open);
        let mut j = open + 1;
        while j < end {
            let (decos, after) = decorators(t, j);
            if decos.is_empty() {
                j = t.skip(j);
                continue;
            }
            let mut p = after;
            while matches!(t.s(p), "public" | "private" | "protected" | "readonly") {
                p += 1;
            }
            let Some(prop) = t.ident(p).map(str::to_string) else {
                j = after.max(j + 1);
                continue;
            };
            let span = t.span(decos[0].at, p);
            let has = |n: &str| decos.iter().find(|d| d.name == n);
            let column_deco = decos.iter().find(|d| {
                matches!(
                    d.name.as_str(),
                    "Column"
                        | "PrimaryGeneratedColumn"
                        | "PrimaryColumn"
                        | "CreateDateColumn"
                        | "UpdateDateColumn"
                        | "DeleteDateColumn"
                        | "VersionColumn"
                )
            });
            let relation = decos
                .iter()
                .find(|d| matches!(d.name.as_str(), "ManyToOne" | "OneToOne"));
            let column = if let Some(d) = column_deco {
                let name = d
                    .args
                    .and_then(|a| option(t, a, "name"))
                    .and_then(|r| t.string(r.start).map(str::to_string))
                    .unwrap_or_else(|| prop.clone());
                if d.name.starts_with("Primary") {
                    pk.push(name.clone());
                }
                if d.name == "DeleteDateColumn" {
                    soft = Some(name.clone());
                }
                let unique = d
                    .args
                    .and_then(|a| option(t, a, "unique"))
                    .is_some_and(|r| t.s(r.start) == "true");
                if unique {
                    later.push((
                        format!(
                            "CREATE UNIQUE INDEX {} ON {} ({})",
                            q(&format!("UQ_{table}_{name}")),
                            q(&table),
                            q(&name)
                        ),
                        span.clone(),
                    ));
                }
                if !fields.iter().any(|f: &ModelField| f.column == name) {
                    defs.push(format!("{} text", q(&name)));
                }
                fields.push(ModelField {
                    attr: prop.clone(),
                    column: name.clone(),
                    relation: None,
                });
                Some(name)
            } else if let Some(rel) = relation {
                let join = has("JoinColumn")
                    .and_then(|d| d.args)
                    .and_then(|a| option(t, a, "name"))
                    .and_then(|r| t.string(r.start).map(str::to_string));
                // `() => User`
                let target = rel.args.and_then(|a| {
                    (a..t.close(a)).find_map(|x| {
                        (t.is(x, "=") && t.is(x + 1, ">"))
                            .then(|| t.ident(x + 2))
                            .flatten()
                    })
                });
                let owning = rel.name == "ManyToOne" || join.is_some();
                match (target, owning) {
                    (Some(target), true) => {
                        let name = join.unwrap_or_else(|| format!("{prop}Id"));
                        if !fields.iter().any(|f: &ModelField| f.column == name) {
                            defs.push(format!("{} integer", q(&name)));
                        }
                        fks.push((
                            table.clone(),
                            name.clone(),
                            target.to_string(),
                            span.clone(),
                        ));
                        fields.push(ModelField {
                            attr: prop.clone(),
                            column: name.clone(),
                            relation: Some(target.to_string()),
                        });
                        Some(name)
                    }
                    _ => None,
                }
            } else {
                None
            };
            if let Some(c) = &column {
                props.insert(prop.clone(), c.clone());
                if has("Index").is_some_and(|d| {
                    d.args.is_none_or(|a| {
                        t.items(a).is_empty() || t.string(a + 1).is_some() && t.items(a).len() == 1
                    })
                }) {
                    later.push((
                        format!(
                            "CREATE INDEX {} ON {} ({})",
                            q(&format!("IDX_{table}_{c}")),
                            q(&table),
                            q(c)
                        ),
                        span.clone(),
                    ));
                }
            }
            j = p + 1;
        }
        // Class-level indexes and unique constraints.
        for d in &class_decos {
            let (Some(a), true) = (d.args, matches!(d.name.as_str(), "Index" | "Unique")) else {
                continue;
            };
            let items = t.items(a);
            let mut name = None;
            let mut list = Vec::new();
            for r in &items {
                if let Some(s) = t.string(r.start).filter(|_| r.len() == 1) {
                    name = Some(s.to_string());
                } else if t.is(r.start, "[") {
                    list = strings(t, r.start);
                }
            }
            let unique = d.name == "Unique"
                || option(t, a, "unique").is_some_and(|r| t.s(r.start) == "true");
            let columns: Vec<(String, bool)> = list
                .iter()
                .map(|p| (props.get(p).cloned().unwrap_or_else(|| p.clone()), false))
                .collect();
            if columns.is_empty() {
                continue;
            }
            let name = name.unwrap_or_else(|| {
                let plain: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
                format!("IDX_{table}_{}", plain.join("_"))
            });
            later.push((
                format!(
                    "CREATE {}INDEX {} ON {} ({})",
                    if unique { "UNIQUE " } else { "" },
                    q(&name),
                    q(&table),
                    cols(&columns)
                ),
                t.span(d.at, d.args.map_or(d.at + 1, |a| t.close(a))),
            ));
        }
        if !pk.is_empty() {
            let pk_cols: Vec<(String, bool)> = pk.iter().map(|c| (c.clone(), false)).collect();
            defs.push(format!("PRIMARY KEY ({})", cols(&pk_cols)));
        }
        ddl.push(
            &format!("CREATE TABLE {} ({})", q(&table), defs.join(", ")),
            decl,
        );
        if let Some(c) = soft {
            fields.push(ModelField {
                attr: DEFAULT_SCOPE_IS_NULL.to_string(),
                column: c,
                relation: None,
            });
        }
        out.models.push(Model {
            orm: Orm::TypeOrm,
            class,
            table,
            fields,
            primary_key: pk,
        });
        i = end + 1;
    }
    for (table, column, target, span) in fks {
        let target_table = out
            .models
            .iter()
            .find(|m| m.orm == Orm::TypeOrm && m.class == target)
            .map_or_else(|| snake(&target), |m| m.table.clone());
        later.push((
            format!(
                "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})",
                q(&table),
                q(&column),
                q(&target_table),
                q("id")
            ),
            span,
        ));
    }
    for (stmt, span) in later {
        ddl.push(&stmt, span);
    }
    if let Some(f) = ddl.finish(Orm::TypeOrm) {
        out.schema.push(f);
        out.schema_source = Some(SchemaSource {
            orm: Orm::TypeOrm,
            reader: "typeorm-entities",
            authority: 1,
        });
    }
}

const METHODS: &[(&str, QueryKind, Option<u64>)] = &[
    ("find", QueryKind::Select, None),
    ("findBy", QueryKind::Select, None),
    ("findAndCount", QueryKind::Select, None),
    ("findOne", QueryKind::Select, Some(1)),
    ("findOneBy", QueryKind::Select, Some(1)),
    ("findOneOrFail", QueryKind::Select, Some(1)),
    ("findOneByOrFail", QueryKind::Select, Some(1)),
    ("exist", QueryKind::Exists, None),
    ("exists", QueryKind::Exists, None),
    ("existsBy", QueryKind::Exists, None),
    ("count", QueryKind::Count, None),
    ("countBy", QueryKind::Count, None),
    ("delete", QueryKind::Delete, None),
    ("update", QueryKind::Update, None),
];

/// The keys of TypeORM's find options (anything else is a condition).
const FIND_OPTIONS: &[&str] = &[
    "where",
    "order",
    "take",
    "skip",
    "relations",
    "select",
    "cache",
    "join",
    "withDeleted",
    "lock",
    "loadEagerRelations",
    "relationLoadStrategy",
    "transaction",
    "comment",
    "loadRelationIds",
];

/// Repository variables and the entity they serve: `userRepo: Repository<User>`,
/// `@InjectRepository(User) private repo`, `const repo = ds.getRepository(User)`.
fn repositories(t: &Toks) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for i in 0..t.len() {
        if i >= 1 && t.s(i) == "Repository" && t.is(i + 1, "<") && t.is(i - 1, ":") {
            if let (Some(var), Some(ent)) = (t.ident(i.saturating_sub(2)), t.ident(i + 2)) {
                out.insert(var.to_string(), ent.to_string());
            }
        }
        if t.s(i) == "InjectRepository" && t.is(i + 1, "(") {
            let after = t.close(i + 1) + 1;
            let mut p = after;
            while matches!(t.s(p), "public" | "private" | "protected" | "readonly") {
                p += 1;
            }
            if let (Some(var), Some(ent)) = (t.ident(p), t.ident(i + 2)) {
                out.insert(var.to_string(), ent.to_string());
            }
        }
        if t.s(i) == "getRepository" && t.is(i + 1, "(") && i >= 4 {
            // `const repo = x.getRepository(User)`
            let start = t.chain_start(i);
            if start >= 2 && t.is(start - 1, "=") {
                if let (Some(var), Some(ent)) = (t.ident(start - 2), t.ident(i + 2)) {
                    out.insert(var.to_string(), ent.to_string());
                }
            }
        }
    }
    out
}

fn read_queries(t: &Toks, out: &mut OrmFile) {
    let repos = repositories(t);
    for i in 1..t.len() {
        let Some(&(_, kind, limit)) = METHODS.iter().find(|m| Some(m.0) == t.ident(i)) else {
            continue;
        };
        if !(t.is(i - 1, ".") && t.is(i + 1, "(")) {
            continue;
        }
        let args = t.items(i + 1);
        let recv = i.checked_sub(2).and_then(|r| t.ident(r)).unwrap_or("");
        let recv_call = i >= 2 && t.is(i - 2, ")");
        let mut opts = args.first().map(|r| r.start);
        let entity = if recv_call {
            // `ds.getRepository(User).find(..)`
            let o = t.open(i - 2);
            (o >= 1 && t.s(o - 1) == "getRepository")
                .then(|| t.ident(o + 1))
                .flatten()
                .map(str::to_string)
        } else if let Some(e) = repos.get(recv) {
            Some(e.clone())
        } else if recv.ends_with("anager") || recv == "em" {
            // `manager.find(User, {..})`
            opts = args.get(1).map(|r| r.start);
            args.first()
                .and_then(|r| t.ident(r.start))
                .map(str::to_string)
        } else if recv.chars().next().is_some_and(char::is_uppercase) {
            Some(recv.to_string())
        } else {
            None
        };
        let Some(entity) = entity else { continue };
        let close = t.close(i + 1);
        let mut qy = OrmQuery {
            orm: Orm::TypeOrm,
            model: entity,
            filters: Vec::new(),
            any_of: Vec::new(),
            raw_conditions: Vec::new(),
            joins: Vec::new(),
            order: Vec::new(),
            order_by_pk: None,
            limit,
            kind,
            span: t.span(t.chain_start(i), close),
        };
        let by = t.s(i).ends_with("By") || matches!(t.s(i), "delete" | "update");
        // A `where` that is a variable, holds a spread or yields nothing readable leaves
        // the query out rather than analyzed without it.
        let mut unknown = by && !opts.is_some_and(|o| t.is(o, "{") || t.is(o, "["));
        // TypeORM 0.2 took the conditions themselves where 0.3 takes `{ where }`: an
        // object without any find option is the `where`.
        let legacy = opts.is_some_and(|o| {
            t.is(o, "{")
                && t.object(o)
                    .iter()
                    .all(|(k, ..)| !FIND_OPTIONS.contains(&k.as_str()))
        });
        if let Some(o) = opts.filter(|&o| t.is(o, "{") || t.is(o, "[")) {
            if by || legacy {
                unknown |= !read_where(t, o, &mut qy);
            } else {
                for (key, _, val) in t.object(o) {
                    match key.as_str() {
                        "where" => unknown |= !read_where(t, val.start, &mut qy),
                        "order" => order(t, val.start, &[], &mut qy.order, 0),
                        "take" => {
                            qy.limit = t
                                .get(val.start)
                                .filter(|x| x.k == K::Num)
                                .and_then(|x| x.text.parse().ok())
                        }
                        _ => {}
                    }
                }
            }
        }
        if !unknown {
            out.queries.push(qy);
        }
    }
}

/// [`where_value`]; false when it yields no condition or holds a spread.
fn read_where(t: &Toks, v: usize, qy: &mut OrmQuery) -> bool {
    if !(t.is(v, "{") || t.is(v, "[")) || t.has_spread(v) {
        return false;
    }
    where_value(t, v, qy);
    !(qy.filters.is_empty() && qy.any_of.is_empty())
}

fn where_value(t: &Toks, v: usize, qy: &mut OrmQuery) {
    if t.is(v, "[") {
        let mut alts = Vec::new();
        for item in t.items(v) {
            let mut alt = Vec::new();
            where_obj(t, item.start, &[], &mut alt, 0);
            if alt.is_empty() {
                return;
            }
            alts.push(alt);
        }
        qy.any_of.extend(alts);
    } else {
        where_obj(t, v, &[], &mut qy.filters, 0);
    }
}

fn where_obj(t: &Toks, open: usize, prefix: &[String], out: &mut Vec<Filter>, depth: usize) {
    if depth > 8 {
        return;
    }
    for (key, _, val) in t.object(open) {
        let mut path = prefix.to_vec();
        path.push(key);
        let v = val.start;
        if t.is(v, "{") {
            where_obj(t, v, &path, out, depth + 1);
            continue;
        }
        let f = t.ident(v).filter(|_| t.is(v + 1, "("));
        let ops: Vec<Op> = match f {
            Some("In") => vec![Op::In],
            Some("IsNull") => vec![Op::IsNull],
            Some("Not") if t.s(v + 2) == "IsNull" => vec![Op::IsNotNull],
            Some("Not") => vec![Op::Ne],
            Some("MoreThan") => vec![Op::Gt],
            Some("MoreThanOrEqual") => vec![Op::Ge],
            Some("LessThan") => vec![Op::Lt],
            Some("LessThanOrEqual") => vec![Op::Le],
            Some("Between") => vec![Op::Ge, Op::Le],
            Some(l @ ("Like" | "ILike")) => {
                let lead = t.string(v + 2).is_none_or(|p| p.starts_with('%'));
                vec![match (l, lead) {
                    ("Like", true) => Op::Contains,
                    ("Like", false) => Op::StartsWith,
                    (_, lead) => Op::ILike { prefix: !lead },
                }]
            }
            Some(_) => Vec::new(),
            None => vec![Op::Eq],
        };
        for op in ops {
            out.push(Filter {
                path: path.clone(),
                op,
            });
        }
    }
}

fn order(t: &Toks, v: usize, prefix: &[String], out: &mut Vec<(Vec<String>, bool)>, depth: usize) {
    if depth > 8 {
        return;
    }
    for (key, _, val) in t.object(v) {
        let mut path = prefix.to_vec();
        path.push(key);
        if let Some(d) = t.string(val.start) {
            out.push((path, d.eq_ignore_ascii_case("desc")));
        } else if t.is(val.start, "{") {
            let inner = t.object(val.start);
            match inner.iter().find(|e| e.0 == "direction") {
                Some(e) => out.push((
                    path,
                    t.string(e.2.start)
                        .is_some_and(|d| d.eq_ignore_ascii_case("desc")),
                )),
                None => order(t, val.start, &path, out, depth + 1),
            }
        }
    }
}

/// A new index in TypeORM's form, on the entity class of `table` (properties named from the
/// columns by the camelCase convention).
pub fn index_form(_table: &str, cols: &[(String, bool)]) -> String {
    let items: Vec<String> = cols
        .iter()
        .map(|(c, _)| format!("\"{}\"", super::ddl_text::camel(c)))
        .collect();
    format!("@Index([{}])", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_repository_calls() {
        let src = r#"
import { Entity, Column, Index, ManyToOne, JoinColumn, PrimaryGeneratedColumn, Repository, MoreThan } from "typeorm";
@Entity("tickets")
@Index(["ownerId", "openedAt"])
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: "owner_id" }) ownerId: number;
  @ManyToOne(() => Owner) @JoinColumn({ name: "owner_id" }) owner: Owner;
  @Index() @Column() openedAt: Date;
  @DeleteDateColumn() deletedAt?: Date;
}
class Svc {
  constructor(@InjectRepository(Ticket) private readonly tickets: Repository<Ticket>) {}
  list(o: number) {
    return this.tickets.find({ where: { ownerId: o, openedAt: MoreThan(d) }, order: { openedAt: "DESC" }, take: 5 });
  }
}
"#;
        let mut out = OrmFile::default();
        read("src/ticket.ts", src, &mut out);
        let text = &out.schema[0].text;
        assert!(text.contains("CREATE TABLE \"tickets\" (\"id\" text, \"owner_id\" text, \"openedAt\" text, \"deletedAt\" text, PRIMARY KEY (\"id\"))"), "{text}");
        assert!(text.contains("CREATE INDEX \"IDX_tickets_owner_id_openedAt\" ON \"tickets\" (\"owner_id\", \"openedAt\")"), "{text}");
        assert!(
            text.contains("CREATE INDEX \"IDX_tickets_openedAt\" ON \"tickets\" (\"openedAt\")"),
            "{text}"
        );
        assert!(
            text.contains("FOREIGN KEY (\"owner_id\") REFERENCES \"owner\" (\"id\")"),
            "{text}"
        );
        assert_eq!(out.queries.len(), 1, "{:?}", out.queries);
        let qy = &out.queries[0];
        assert_eq!(qy.model, "Ticket");
        assert_eq!(qy.filters.len(), 2);
        assert_eq!(qy.filters[1].op, Op::Gt);
        assert_eq!(qy.order, vec![(vec!["openedAt".to_string()], true)]);
        assert_eq!(qy.limit, Some(5));
    }
}

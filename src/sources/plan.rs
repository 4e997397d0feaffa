//! The plan: once every file is classified and parsed, decide what folds and in which
//! order.
//!
//! - One authoritative source per database: a [`Role::Dump`] whose tables the migrations
//!   all create (besides the runners' bookkeeping tables) is a [`Role::Snapshot`] of them
//!   (not folded);
//!   a dump the migrations do not rebuild at all is a [`Role::Base`] they build on, folded
//!   before them; a dump holding more tables than the migrations create, some of which
//!   they create too, is the current schema and the migrations are the upgrade history
//!   for older databases ([`Role::Data`]). Each table created by both is a [`Conflict`]
//!   listed under `-v` and by `schema --sources`.
//! - Rails: when `db/structure.sql` exists, the Ruby migrations are history ([`Role::Data`]).
//! - A setup set (`create_tables.sql`, ...) builds the current schema of a fresh database;
//!   the update scripts beside it (`updates/`, `upgrades/` in the same folder) bring older
//!   databases up to it, so they are history too ([`Role::Data`]): folding them again
//!   would apply renames and drops twice.
//! - An application file whose SQL strings are all DDL is read as schema.
//! - Order: bases, dumps and setup scripts, then migrations, then the DDL of application
//!   `.sql` files; within a phase by the readers' keys (natural order, Flyway versions,
//!   sqitch plan, Drizzle journal), ties by path.

use super::{Claim, Role};
use crate::discover::FileKind;
use crate::parse::{Statement, TableOp};
use crate::source::Location;
use std::collections::BTreeMap;

/// What the plan needs of one file.
pub struct Input<'a> {
    pub path: &'a str,
    pub kind: FileKind,
    pub claim: &'a Claim,
    pub statements: &'a [Statement],
    /// The file could not be read.
    pub unread: bool,
}

/// One file as `schema --sources` lists it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub role: Role,
    pub reader: &'static str,
    /// The dialect the path names, if any.
    pub dialect: Option<&'static str>,
    /// 1-based position among the folded files.
    pub order: Option<usize>,
    pub reason: String,
    pub folds: bool,
    pub queries: bool,
    /// `CREATE TABLE` statements in the file.
    pub creates: usize,
}

/// A table created twice: by a snapshot and by a migration, or by two folded files with
/// no `DROP TABLE` between them.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub table: String,
    pub first: Location,
    pub second: Location,
    /// What idxlint did about it.
    pub outcome: &'static str,
}

/// What folds, in which order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every file index, folded files in fold order first.
    pub order: Vec<usize>,
    /// Indexed like the inputs.
    pub entries: Vec<Entry>,
    pub conflicts: Vec<Conflict>,
    /// The dialect in effect and, when inferred, why.
    pub dialect: String,
    pub dialect_reason: Option<String>,
}

impl Entry {
    /// Whether the file's statements go to the whole-program stages: it folds, has its
    /// queries analyzed, or is an ORM schema (read by the ORM stage).
    pub fn takes_part(&self) -> bool {
        self.folds || self.queries || self.role == Role::OrmSchema
    }
}

impl Plan {
    /// Paths of application files with `CREATE TABLE` that is not read as schema.
    pub fn unread_ddl(&self) -> Vec<(&str, usize)> {
        self.entries
            .iter()
            .filter(|e| !e.folds && e.role == Role::Application && e.creates > 0)
            .map(|e| (e.path.as_str(), e.creates))
            .collect()
    }

    /// How many files are folded into the schema.
    pub fn folded(&self) -> usize {
        self.entries.iter().filter(|e| e.folds).count()
    }
}

/// The lower-cased, unqualified names of the tables a statement creates.
fn created_table(stmt: &Statement) -> Option<(String, Location)> {
    match stmt.table_op.as_deref()? {
        TableOp::Create { name, .. } => Some((name.clone(), stmt.location.clone())),
        TableOp::Drop(_) => None,
    }
}

fn creates(stmt: &Statement) -> bool {
    stmt.kind().starts_with("CREATE TABLE")
        || stmt.kind().starts_with("CREATE UNLOGGED TABLE")
        || created_table(stmt).is_some()
}

/// Tables that a folded file creates again after an earlier folded file created them (no
/// `DROP TABLE` between, no `IF NOT EXISTS`): the later definition replaces the earlier.
fn recreated(inputs: &[Input], entries: &[Entry], order: &[usize], out: &mut Vec<Conflict>) {
    let mut live: BTreeMap<String, Location> = BTreeMap::new();
    for &i in order.iter().filter(|&&i| entries[i].folds) {
        for stmt in inputs[i].statements {
            match stmt.table_op.as_deref() {
                Some(TableOp::Create {
                    name,
                    if_not_exists: false,
                    ..
                }) => {
                    let loc = stmt.location.clone();
                    if let Some(first) = live.insert(name.clone(), loc.clone()) {
                        out.push(Conflict {
                            table: name.clone(),
                            first,
                            second: loc,
                            outcome: "the later definition replaces the earlier one",
                        });
                    }
                }
                Some(TableOp::Drop(names)) => {
                    for n in names {
                        live.remove(n);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Tables the migration runners keep for themselves: a dump of a migrated database holds
/// them although no migration creates them.
const BOOKKEEPING: &[&str] = &[
    "schema_migrations",
    "goose_db_version",
    "__diesel_schema_migrations",
    "flyway_schema_history",
    "_prisma_migrations",
    "__drizzle_migrations",
    "ar_internal_metadata",
    "alembic_version",
    "knex_migrations",
    "knex_migrations_lock",
    "_sqlx_migrations",
    "django_migrations",
    "schema_version",
];

/// Whether a full schema is a snapshot of the migrations: they create every one of its
/// tables (besides the runners' bookkeeping tables).
fn is_snapshot<'a>(
    tables: impl Iterator<Item = &'a String>,
    by_migrations: &BTreeMap<String, Location>,
) -> bool {
    tables
        .filter(|t| !BOOKKEEPING.contains(&t.as_str()))
        .all(|t| by_migrations.contains_key(t))
}

/// Make the plan of `inputs`.
pub fn plan(inputs: &[Input]) -> Plan {
    let rails = inputs
        .iter()
        .any(|f| f.claim.reader == super::rails::READER.name);
    let setup_dirs: Vec<&str> = inputs
        .iter()
        .filter(|f| f.claim.reader == super::setup::READER.name)
        .map(|f| super::dir_of(f.path))
        .collect();
    let mut roles: Vec<(Role, String)> = inputs
        .iter()
        .map(|f| {
            let in_db_migrate = f.path.contains("db/migrate/");
            let beside_setup = setup_dirs.iter().find(|d| {
                ["updates/", "upgrades/"]
                    .iter()
                    .any(|u| f.path.starts_with(&format!("{d}{u}")))
            });
            if rails && in_db_migrate && f.claim.role == Role::Migration {
                (
                    Role::Data,
                    "Rails migration superseded by db/structure.sql (history)".to_string(),
                )
            } else if let (Some(dir), Role::Migration | Role::Dump) = (beside_setup, f.claim.role) {
                (
                    Role::Data,
                    format!(
                        "update script for existing databases: the setup set in {dir} builds \
                         the current schema (history)"
                    ),
                )
            } else {
                (f.claim.role, f.claim.reason.clone())
            }
        })
        .collect();

    // Tables the migrations create (first creation wins for the conflict location).
    let mut by_migrations: BTreeMap<String, Location> = BTreeMap::new();
    for (f, (role, _)) in inputs.iter().zip(&roles) {
        if *role == Role::Migration {
            for (t, loc) in f.statements.iter().filter_map(created_table) {
                by_migrations.entry(t).or_insert(loc);
            }
        }
    }
    let mut conflicts = Vec::new();
    // A dump holding tables no migration creates is the current schema that the migrations
    // upgrade older databases to: the migrations are history.
    let mut current: Option<String> = None;
    for (f, (role, reason)) in inputs.iter().zip(roles.iter_mut()) {
        if *role != Role::Dump {
            continue;
        }
        let mine: Vec<(String, Location)> = f.statements.iter().filter_map(created_table).collect();
        let overlap: Vec<&(String, Location)> = mine
            .iter()
            .filter(|(t, _)| by_migrations.contains_key(t))
            .collect();
        if overlap.is_empty() {
            *role = Role::Base;
            *reason = format!("{reason}; no migration creates its tables: a base, folded first");
            continue;
        }
        let snapshot = is_snapshot(mine.iter().map(|(t, _)| t), &by_migrations);
        for (t, loc) in &overlap {
            if let Some(m) = by_migrations.get(t) {
                conflicts.push(Conflict {
                    table: t.clone(),
                    first: loc.clone(),
                    second: m.clone(),
                    outcome: if snapshot {
                        "the snapshot is not folded; the migration's table is used"
                    } else {
                        "the dump is the current schema; the migration is history"
                    },
                });
            }
        }
        if snapshot {
            *role = Role::Snapshot;
            *reason = format!(
                "{reason}; migrations create {} of its {} tables (`{}`...): a snapshot of \
                 them, not folded",
                overlap.len(),
                mine.len(),
                overlap[0].0
            );
        } else {
            *role = Role::Base;
            *reason = format!(
                "{reason}; holds tables no migration creates (and {} they create): the current \
                 schema, folded; the migrations are upgrade history",
                overlap.len()
            );
            current.get_or_insert_with(|| format!("{} is the current schema", f.path));
        }
    }
    // Unclaimed `.sql` files that create tables (logto's `tables/*.sql`) are one full schema
    // together: when they hold tables no migration creates and some the migrations create
    // too, they are the current schema and the migrations are upgrade history.
    if current.is_none() {
        let group: Vec<&Input> = inputs
            .iter()
            .zip(&roles)
            .filter(|(f, (role, _))| {
                *role == Role::Application
                    && f.kind == FileKind::Sql
                    && f.statements.iter().any(|s| created_table(s).is_some())
            })
            .map(|(f, _)| f)
            .collect();
        let tables: std::collections::BTreeSet<String> = group
            .iter()
            .flat_map(|f| f.statements.iter().filter_map(created_table))
            .map(|(t, _)| t)
            .collect();
        let overlap = tables
            .iter()
            .filter(|t| by_migrations.contains_key(*t))
            .count();
        if overlap > 0 && !is_snapshot(tables.iter(), &by_migrations) {
            let dirs: std::collections::BTreeSet<&str> =
                group.iter().map(|f| super::dir_of(f.path)).collect();
            let dirs: Vec<&str> = dirs.into_iter().collect();
            current = Some(format!(
                "the SQL files in {} are the current schema",
                dirs.join(", ")
            ));
        }
    }
    if let Some(dump) = &current {
        for (role, reason) in roles.iter_mut() {
            if *role == Role::Migration {
                *role = Role::Data;
                *reason = format!("upgrade history: {dump} ({reason})");
            }
        }
    }

    let mut entries: Vec<Entry> = inputs
        .iter()
        .zip(roles)
        .map(|(f, (role, mut reason))| {
            let host = matches!(f.kind, FileKind::Host(_));
            let only_ddl = !f.statements.is_empty() && f.statements.iter().all(crate::is_ddl_text);
            let (folds, queries) = match role {
                Role::Application if host && only_ddl => {
                    reason = "application file holding only DDL strings: read as schema".into();
                    (true, false)
                }
                Role::Application if host => (false, true),
                r => (r.folds(), r.queries()),
            };
            let creates = f.statements.iter().filter(|s| creates(s)).count();
            if role == Role::Application && !host && creates > 0 {
                reason = "SQL file outside any migration layout that creates tables: folded \
                          before the migrations; its queries are analyzed"
                    .into();
            }
            Entry {
                path: f.path.to_string(),
                role,
                reader: f.claim.reader,
                dialect: f.claim.named_dialect,
                order: None,
                reason,
                folds: folds && !f.unread,
                queries: queries && !f.unread,
                creates,
            }
        })
        .collect();

    let mut order: Vec<usize> = (0..inputs.len()).collect();
    // An application `.sql` file that creates tables is a schema the migrations build on.
    let phase = |e: &Entry| match e.role {
        Role::Application if e.creates > 0 => 0,
        r => r.phase(),
    };
    order.sort_by(|&a, &b| {
        let (ea, eb) = (&entries[a], &entries[b]);
        (!ea.folds, phase(ea), &inputs[a].claim.key, inputs[a].path).cmp(&(
            !eb.folds,
            phase(eb),
            &inputs[b].claim.key,
            inputs[b].path,
        ))
    });
    let mut n = 0;
    for &i in &order {
        if entries[i].folds {
            n += 1;
            entries[i].order = Some(n);
        }
    }
    recreated(inputs, &entries, &order, &mut conflicts);
    Plan {
        order,
        entries,
        conflicts,
        dialect: String::new(),
        dialect_reason: None,
    }
}

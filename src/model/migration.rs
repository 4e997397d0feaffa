//! Migration steps: the DDL statements of migration files, in order, with what the
//! migration-safety rules need to know about each: which table it touches, whether that table
//! already existed before this migration file, and whether the statement runs inside a
//! transaction (an explicit `BEGIN`, or the migration runner wrapping the file).

use crate::model::expr::ident_name;
use crate::parse::Statement;
use crate::source::{Location, SourceDb};
use serde::Deserialize;
use sqlparser::ast::{
    AlterTableOperation, ObjectName, ObjectNamePart, Statement as Ast, TableConstraint,
};
use std::collections::HashSet;
use std::path::Path;

/// How the project's migration tool runs a file. Configured with `migration-runner`, else
/// detected per file from its name and text ([`Runner::detect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Runner {
    /// Statements run one by one in autocommit (psql -f): only explicit BEGIN opens a
    /// transaction.
    #[default]
    Plain,
    /// golang-migrate: the whole file is sent as one multi-statement query, which PostgreSQL
    /// runs as one implicit transaction when it holds more than one statement.
    GolangMigrate,
    /// gobuffalo/pop (and Ory's popx): each file in a transaction, except `*.autocommit.*`.
    Pop,
    /// Alembic (transactional DDL on PostgreSQL): each revision in a transaction, except
    /// what runs inside `with op.get_context().autocommit_block():`.
    Alembic,
    /// Rails: each migration in a transaction unless the class says
    /// `disable_ddl_transaction!`.
    Rails,
    /// Django: each migration in a transaction unless the class sets `atomic = False`.
    Django,
    /// Prisma sends `migration.sql` as one multi-statement script (like golang-migrate).
    Prisma,
    /// Drizzle's migrator runs pending migrations in one transaction, with no opt-out.
    Drizzle,
    /// Flyway: each migration in a transaction, unless its script configuration
    /// (`V2__x.sql.conf`, or a `-- flyway:executeInTransaction=false` line) says
    /// `executeInTransaction=false`, or every statement is one Flyway itself runs outside a
    /// transaction (`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`).
    Flyway,
    /// sqitch: scripts manage their own transactions (explicit BEGIN/COMMIT).
    Sqitch,
    /// diesel: each migration in a transaction unless its folder's `metadata.toml` says
    /// `run_in_transaction = false` (and then `up.sql` is still one multi-statement query:
    /// one statement per migration).
    Diesel,
    /// goose: each migration in a transaction unless it says `-- +goose NO TRANSACTION`.
    Goose,
    /// dbmate: each migration in a transaction unless it says
    /// `-- migrate:up transaction:false` (then its up section is one multi-statement query).
    Dbmate,
}

/// What a file tells about how its runner runs it.
#[derive(Debug, Clone, Copy)]
struct FileRun<'a> {
    runner: Runner,
    path: &'a str,
    text: &'a str,
    abs_path: &'a Path,
}

impl Runner {
    /// The runner a migration file belongs to, from its path and text; `None` when nothing
    /// tells (a plain `.sql` file).
    pub fn detect(path: &str, text: &str) -> Option<Runner> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let parent = path
            .rsplit('/')
            .nth(1)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let timestamped_dir = parent.chars().take_while(|c| c.is_ascii_digit()).count() >= 8
            || parent.starts_with("20")
            || parent
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .count()
                >= 8;
        let head: String = text.chars().take(4096).collect();
        if head.contains("-- +goose ") {
            return Some(Runner::Goose);
        }
        if head.contains("-- migrate:up") {
            return Some(Runner::Dbmate);
        }
        if path.ends_with(".rb") && path.contains("db/migrate/") {
            return Some(Runner::Rails);
        }
        if path.ends_with(".py") {
            if text.contains("down_revision") {
                return Some(Runner::Alembic);
            }
            if text.contains("migrations.Migration") {
                return Some(Runner::Django);
            }
            return None;
        }
        if !name.ends_with(".sql") {
            return None;
        }
        if name == "up.sql" && timestamped_dir {
            return Some(Runner::Diesel);
        }
        if name == "migration.sql" && timestamped_dir {
            return Some(Runner::Prisma);
        }
        if path.contains("/deploy/") || path.starts_with("deploy/") {
            return Some(Runner::Sqitch);
        }
        let flyway = name.starts_with('V')
            && name[1..].contains("__")
            && name[1..].split("__").next().is_some_and(|v| {
                !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
            });
        if flyway {
            return Some(Runner::Flyway);
        }
        if name.contains(".autocommit.")
            || [".postgres.", ".mysql.", ".sqlite3.", ".cockroach."]
                .iter()
                .any(|d| name.contains(d) && name.ends_with(".up.sql"))
        {
            return Some(Runner::Pop);
        }
        if name.ends_with(".up.sql") && name.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(Runner::GolangMigrate);
        }
        None
    }

    /// The name users know the runner by.
    pub fn name(self) -> &'static str {
        match self {
            Runner::Plain => "plain",
            Runner::GolangMigrate => "golang-migrate",
            Runner::Pop => "pop",
            Runner::Alembic => "Alembic",
            Runner::Rails => "Rails",
            Runner::Django => "Django",
            Runner::Prisma => "Prisma",
            Runner::Drizzle => "Drizzle",
            Runner::Flyway => "Flyway",
            Runner::Sqitch => "sqitch",
            Runner::Diesel => "diesel",
            Runner::Goose => "goose",
            Runner::Dbmate => "dbmate",
        }
    }

    /// How to run one statement outside a transaction with this runner, as help text.
    pub fn no_transaction_advice(self) -> &'static str {
        match self {
            Runner::Plain | Runner::Sqitch => "move it out of the BEGIN ... COMMIT block",
            Runner::GolangMigrate => {
                "put it alone in its own migration file (golang-migrate runs a file with \
                 several statements as one transaction)"
            }
            Runner::Prisma => {
                "put it alone in its own migration.sql (Prisma runs a script with several \
                 statements as one transaction)"
            }
            Runner::Pop => "put it in its own `.autocommit.` migration file",
            Runner::Alembic => "run it inside `with op.get_context().autocommit_block():`",
            Runner::Rails => {
                "add `disable_ddl_transaction!` to the migration class (with `add_index ..., \
                 algorithm: :concurrently`)"
            }
            Runner::Django => {
                "set `atomic = False` on the Migration class (with `AddIndexConcurrently`)"
            }
            Runner::Drizzle => {
                "run it outside Drizzle's migrator, which wraps every migration in a transaction"
            }
            Runner::Flyway => {
                "put it alone in its own migration, or give the migration a script configuration \
                 (`<file>.conf`) with `executeInTransaction=false`"
            }
            Runner::Diesel => {
                "put it alone in its own migration and add `run_in_transaction = false` to that \
                 migration's metadata.toml"
            }
            Runner::Goose => "add `-- +goose NO TRANSACTION` to the migration",
            Runner::Dbmate => {
                "put it alone in its own migration, marked `-- migrate:up transaction:false`"
            }
        }
    }

    /// Whether the runner wraps the statement at `offset` of the file in a transaction; the
    /// file holds `statements`, of which `concurrent` are CONCURRENTLY index operations.
    fn wraps(self, f: FileRun, offset: usize, statements: usize, concurrent: usize) -> bool {
        let path = f.path;
        match self {
            Runner::Plain | Runner::Sqitch => false,
            Runner::GolangMigrate | Runner::Prisma => statements > 1,
            Runner::Pop => !path.contains(".autocommit."),
            Runner::Alembic => !in_python_block(f.text, offset, "autocommit_block()"),
            Runner::Rails => !f.text.contains("disable_ddl_transaction!"),
            Runner::Django => !python_atomic_false(f.text),
            Runner::Drizzle => true,
            Runner::Flyway => {
                let conf = f.abs_path.file_name().map(|n| {
                    f.abs_path
                        .with_file_name(format!("{}.conf", n.to_string_lossy()))
                });
                let conf = conf
                    .and_then(|c| std::fs::read_to_string(c).ok())
                    .unwrap_or_default();
                let off = |t: &str| {
                    t.lines().any(|l| {
                        let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                        l.to_ascii_lowercase()
                            .ends_with("executeintransaction=false")
                    })
                };
                !(off(&conf) || off(f.text) || (statements > 0 && concurrent == statements))
            }
            Runner::Diesel => {
                let meta = std::fs::read_to_string(f.abs_path.with_file_name("metadata.toml"))
                    .unwrap_or_default();
                let opted_out = meta.lines().any(|l| {
                    let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                    l == "run_in_transaction=false"
                });
                // Without its transaction diesel still sends up.sql as one multi-statement
                // query: PostgreSQL runs several statements as one implicit transaction.
                !opted_out || statements > 1
            }
            Runner::Goose => !f.text.contains("-- +goose NO TRANSACTION"),
            Runner::Dbmate => {
                let opted_out = f
                    .text
                    .lines()
                    .any(|l| l.starts_with("-- migrate:up") && l.contains("transaction:false"));
                // dbmate sends the up section as one query: several statements are one
                // implicit transaction.
                !opted_out || statements > 1
            }
        }
    }
}

/// Whether `offset` lies inside a Python `with` block whose header line holds `marker`
/// (the block is the following lines indented deeper than the header).
fn in_python_block(text: &str, offset: usize, marker: &str) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut block: Option<usize> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end();
        if body.trim().is_empty() {
            continue;
        }
        if let Some(h) = block {
            if indent(body) <= h {
                block = None;
            }
        }
        if offset >= start && offset < pos {
            return block.is_some();
        }
        if block.is_none() && body.trim_start().starts_with("with ") && body.contains(marker) {
            block = Some(indent(body));
        }
    }
    false
}

/// `atomic = False` in a Django migration class.
fn python_atomic_false(text: &str) -> bool {
    text.lines().any(|l| {
        let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        l == "atomic=False"
    })
}

/// What a step does, as far as the safety rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    CreateIndex {
        concurrently: bool,
        if_not_exists: bool,
    },
    DropIndex {
        concurrently: bool,
    },
    Reindex {
        concurrently: bool,
    },
    /// `ALTER TABLE ... ADD [CONSTRAINT x] UNIQUE (...)` that builds its own index (not
    /// `USING INDEX`).
    AddUniqueConstraint,
    Other,
}

/// One DDL statement of a migration file.
#[derive(Debug, Clone)]
pub struct Step {
    pub location: Location,
    /// The statement's SQL text.
    pub sql: String,
    pub kind: StepKind,
    /// The table it touches, when known.
    pub table: Option<String>,
    /// The table was created earlier in the same migration file (so nobody else can be
    /// using it: no lock matters).
    pub table_is_new: bool,
    /// The statement runs inside a transaction.
    pub in_transaction: bool,
    /// Why it is in a transaction (for messages).
    pub transaction_reason: Option<String>,
    /// The runner that applies the file (configured, else detected, else plain).
    pub runner: Runner,
    /// The table is a TimescaleDB hypertable (`create_hypertable(...)` in a migration):
    /// its indexes cannot be built CONCURRENTLY.
    pub hypertable: bool,
}

impl Step {
    /// Help for running this statement outside a transaction, in the runner's own terms.
    pub fn no_transaction_advice(&self) -> &'static str {
        self.runner.no_transaction_advice()
    }
}

/// Dumps and scripts that build a fresh database: they describe the schema but are never
/// run against a live one, so the migration-safety rules do not judge them. Known by name
/// (`schema.sql`, `structure.sql`, `*dump*.sql`, `create_*.sql`, `init*.sql`,
/// `setup*.sql`, `bootstrap*.sql`) or by a pg_dump / mysqldump header.
pub fn is_snapshot(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let Some(stem) = name.strip_suffix(".sql") else {
        return false;
    };
    let by_name = matches!(stem, "schema" | "structure")
        || stem.contains("dump")
        || stem.ends_with("-schema")
        || stem.ends_with("_schema")
        || ["create_", "init", "setup", "bootstrap"]
            .iter()
            .any(|p| stem.starts_with(p));
    let head: String = text.chars().take(600).collect();
    by_name
        || head.contains("PostgreSQL database dump")
        || head.contains("-- MySQL dump")
        || head.contains("-- MariaDB dump")
}

/// Tables made TimescaleDB hypertables by `SELECT create_hypertable('name', ...)`.
fn hypertables(statements: &[Statement]) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in statements {
        let lower = s.text.to_ascii_lowercase();
        let Some(at) = lower.find("create_hypertable") else {
            continue;
        };
        let rest = lower[at + "create_hypertable".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('(') else {
            continue;
        };
        let arg = rest.trim_start().trim_start_matches(['\'', '"']);
        let name: String = arg
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        if let Some(base) = name.rsplit('.').next().filter(|b| !b.is_empty()) {
            out.insert(base.to_string());
        }
    }
    out
}

fn base_name(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(id) => Some(ident_name(id)),
        ObjectNamePart::Function(_) => None,
    }
}

/// Lower-case words of the statement's first 80 bytes, for keyword tests on statements
/// that sqlparser does not model (or rejects).
fn head_words(text: &str) -> Vec<String> {
    let mut end = text.len().min(200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end]
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        // Keyword tests look at the first eight words at most.
        .take(8)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The steps of `statements` (schema statements in migration order). `configured` is
/// `migration-runner` from the config; without it each file's runner is detected.
/// Dumps and setup scripts ([`is_snapshot`]) and ORM model files yield no steps.
pub fn steps(
    statements: &[Statement],
    sources: &SourceDb,
    configured: Option<Runner>,
) -> Vec<Step> {
    let shapes = statements
        .iter()
        .map(|s| shape(s, s.tree().as_deref()))
        .collect();
    steps_of(statements, shapes, sources, configured)
}

/// What a step needs of a statement's tree, read once (see [`shape`]).
pub struct Shape {
    words: Vec<String>,
    kind: StepKind,
    table: Option<String>,
    named: Named,
}

/// The [`Shape`] of `s`, whose tree is `ast` (`None` when it did not parse).
pub fn shape(s: &Statement, ast: Option<&Ast>) -> Shape {
    let words = head_words(&s.text);
    let (kind, table) = classify(ast, s, &words);
    Shape {
        words,
        kind,
        table,
        named: named(ast),
    }
}

/// [`steps`], given the [`Shape`] of every statement (`shapes[i]` is `statements[i]`'s).
pub fn steps_of(
    statements: &[Statement],
    shapes: Vec<Shape>,
    sources: &SourceDb,
    configured: Option<Runner>,
) -> Vec<Step> {
    let mut shapes = shapes.into_iter();
    let hyper = hypertables(statements);
    // pop keeps dialect-neutral `NNN_name.up.sql` files beside its `.postgres.`/`.autocommit.`
    // ones: in a folder that has pop files, every `.up.sql` is pop's.
    let folder = |p: &str| {
        p.rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string())
    };
    let pop_folders: HashSet<String> = sources
        .iter()
        .filter(|(_, f)| Runner::detect(&f.path, "") == Some(Runner::Pop))
        .map(|(_, f)| folder(&f.path))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < statements.len() {
        let file = statements[i].location.file;
        let end = statements[i..]
            .iter()
            .position(|s| s.location.file != file)
            .map_or(statements.len(), |n| i + n);
        let f = sources.get(file);
        // An ORM model declaration (`schema.rb`, `models.py`, `schema.prisma`) is the desired
        // state, not a script that runs: only ORM DDL in migration folders is a step.
        let orm_model = statements[i..end]
            .iter()
            .any(|s| matches!(s.fragment_kind, crate::extract::FragmentKind::OrmSchema(_)))
            && !(f.path.contains("migrat") || f.path.contains("/versions/"));
        if !orm_model && !is_snapshot(&f.path, &f.text) {
            let runner = configured
                .or_else(|| match Runner::detect(&f.path, &f.text) {
                    Some(Runner::GolangMigrate) if pop_folders.contains(&folder(&f.path)) => {
                        Some(Runner::Pop)
                    }
                    r => r,
                })
                .unwrap_or_default();
            let run = FileRun {
                runner,
                path: &f.path,
                text: &f.text,
                abs_path: &f.abs_path,
            };
            let file_shapes: Vec<Shape> = shapes.by_ref().take(end - i).collect();
            out.extend(file_steps(&statements[i..end], file_shapes, run, &hyper));
        } else {
            shapes.by_ref().take(end - i).for_each(drop);
        }
        i = end;
    }
    out
}

fn file_steps(
    stmts: &[Statement],
    shapes: Vec<Shape>,
    run: FileRun,
    hyper: &HashSet<String>,
) -> Vec<Step> {
    /// A statement's head words and what it does to which table.
    type Classified = (Vec<String>, (StepKind, Option<String>), Named);
    let classified: Vec<Classified> = shapes
        .into_iter()
        .map(|s| (s.words, (s.kind, s.table), s.named))
        .collect();
    let counted = classified
        .iter()
        .filter(|(w, _, _)| {
            !matches!(
                w.first().map(String::as_str),
                Some("begin" | "commit" | "start" | "end" | "rollback" | "abort")
            )
        })
        .count();
    let concurrent = classified
        .iter()
        .filter(|(_, (k, _), _)| {
            matches!(
                k,
                StepKind::CreateIndex {
                    concurrently: true,
                    ..
                } | StepKind::DropIndex { concurrently: true }
                    | StepKind::Reindex { concurrently: true }
            )
        })
        .count();
    let mut created: HashSet<String> = HashSet::new();
    let mut created_indexes: HashSet<String> = HashSet::new();
    let mut explicit_tx = false;
    let mut out = Vec::new();
    for (s, (words, (kind, table), named)) in stmts.iter().zip(classified) {
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        match (w(0), w(1)) {
            ("begin", _) | ("start", "transaction") => explicit_tx = true,
            ("commit", _) | ("rollback", _) | ("end", _) | ("abort", _) => explicit_tx = false,
            _ => {}
        }
        let wrapped = run
            .runner
            .wraps(run, s.location.range.start, counted, concurrent);
        let mut table_is_new = table.as_ref().is_some_and(|t| created.contains(t));
        match named {
            Named::Table(t) => {
                created.extend(t);
            }
            Named::Index(i) if table_is_new => {
                created_indexes.extend(i);
            }
            Named::Dropped(names) if matches!(kind, StepKind::DropIndex { .. }) => {
                table_is_new = names.iter().all(|n| created_indexes.contains(n));
            }
            _ => {}
        }
        let in_transaction = explicit_tx || wrapped;
        let transaction_reason = if explicit_tx {
            Some("inside BEGIN ... COMMIT".to_string())
        } else if wrapped {
            Some(match run.runner {
                Runner::GolangMigrate | Runner::Prisma | Runner::Diesel | Runner::Dbmate
                    if counted > 1 =>
                {
                    format!(
                        "{} sends this migration's {counted} statements as one query, which \
                         PostgreSQL runs as one transaction",
                        run.runner.name()
                    )
                }
                _ => format!(
                    "the {} runner wraps this migration in a transaction",
                    run.runner.name()
                ),
            })
        } else {
            None
        };
        let hypertable = table.as_ref().is_some_and(|t| hyper.contains(t));
        out.push(Step {
            location: s.location.clone(),
            sql: s.text.clone(),
            kind,
            table,
            table_is_new,
            in_transaction,
            transaction_reason,
            runner: run.runner,
            hypertable,
        });
    }
    out
}

/// The names a statement creates or drops, as the steps track them.
enum Named {
    Table(Option<String>),
    Index(Option<String>),
    Dropped(Vec<String>),
    Nothing,
}

fn named(ast: Option<&Ast>) -> Named {
    match ast {
        Some(Ast::CreateTable(ct)) => Named::Table(base_name(&ct.name)),
        Some(Ast::CreateIndex(ci)) => Named::Index(ci.name.as_ref().and_then(base_name)),
        Some(Ast::Drop { names, .. }) => {
            Named::Dropped(names.iter().filter_map(base_name).collect())
        }
        _ => Named::Nothing,
    }
}

fn classify(ast: Option<&Ast>, s: &Statement, words: &[String]) -> (StepKind, Option<String>) {
    let has = |w: &str| words.iter().take(8).any(|x| x == w);
    match ast {
        Some(Ast::CreateIndex(ci)) => (
            StepKind::CreateIndex {
                concurrently: ci.concurrently,
                if_not_exists: ci.if_not_exists,
            },
            base_name(&ci.table_name),
        ),
        Some(Ast::AlterTable(at)) => {
            // `ADD CONSTRAINT ... UNIQUE`, and `ADD COLUMN c ... UNIQUE`, which builds the
            // same index under the same lock.
            let unique = at.operations.iter().any(|op| match op {
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Unique(_),
                    ..
                } => true,
                AlterTableOperation::AddColumn { column_def, .. } => column_def
                    .options
                    .iter()
                    .any(|o| matches!(o.option, sqlparser::ast::ColumnOption::Unique(_))),
                _ => false,
            });
            let using_index = s.text.to_ascii_lowercase().contains("using index");
            let kind = if unique && !using_index {
                StepKind::AddUniqueConstraint
            } else {
                StepKind::Other
            };
            (kind, base_name(&at.name))
        }
        _ => {
            let first = words.first().map(String::as_str).unwrap_or("");
            let second = words.get(1).map(String::as_str).unwrap_or("");
            match (first, second) {
                ("drop", "index") => (
                    StepKind::DropIndex {
                        concurrently: has("concurrently"),
                    },
                    None,
                ),
                // `REINDEX SYSTEM` has no concurrent form: nothing to suggest.
                ("reindex", "system") => (StepKind::Other, None),
                ("reindex", _) => (
                    StepKind::Reindex {
                        concurrently: has("concurrently"),
                    },
                    None,
                ),
                _ => (StepKind::Other, None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_runners_from_names_and_text() {
        let d = Runner::detect;
        assert_eq!(
            d("migrations/2024-01-01-000000_users/up.sql", ""),
            Some(Runner::Diesel)
        );
        assert_eq!(
            d("prisma/migrations/20240101000000_init/migration.sql", ""),
            Some(Runner::Prisma)
        );
        assert_eq!(d("db/00002_x.sql", "-- +goose Up\n"), Some(Runner::Goose));
        assert_eq!(d("db/2024_x.sql", "-- migrate:up\n"), Some(Runner::Dbmate));
        assert_eq!(d("db/migration/V2__idx.sql", ""), Some(Runner::Flyway));
        assert_eq!(d("db/migration/V2_1__idx.sql", ""), Some(Runner::Flyway));
        assert_eq!(d("m/1_x.autocommit.up.sql", ""), Some(Runner::Pop));
        assert_eq!(d("m/1_x.postgres.up.sql", ""), Some(Runner::Pop));
        assert_eq!(d("m/000001_x.up.sql", ""), Some(Runner::GolangMigrate));
        assert_eq!(d("db/migrate/2024_x.rb", ""), Some(Runner::Rails));
        assert_eq!(
            d("alembic/versions/a_x.py", "down_revision = None"),
            Some(Runner::Alembic)
        );
        assert_eq!(
            d(
                "shop/migrations/0001_x.py",
                "class Migration(migrations.Migration):"
            ),
            Some(Runner::Django)
        );
        assert_eq!(d("sqitch/deploy/users.sql", ""), Some(Runner::Sqitch));
        assert_eq!(d("migrations/0001_init.sql", ""), None);
        assert_eq!(d("Vendor__notes.sql", ""), None);
    }

    #[test]
    fn alembic_autocommit_block_is_indentation() {
        let text = "def upgrade():\n    op.execute(\"A\")\n    with op.get_context().autocommit_block():\n        op.execute(\"B\")\n\n        op.execute(\"C\")\n    op.execute(\"D\")\n";
        let at = |s: &str| text.find(s).unwrap();
        assert!(!in_python_block(text, at("\"A\""), "autocommit_block()"));
        assert!(in_python_block(text, at("\"B\""), "autocommit_block()"));
        assert!(in_python_block(text, at("\"C\""), "autocommit_block()"));
        assert!(!in_python_block(text, at("\"D\""), "autocommit_block()"));
    }

    #[test]
    fn dumps_and_setup_scripts_are_snapshots() {
        assert!(is_snapshot("db/schema.sql", ""));
        assert!(is_snapshot("db/structure.sql", ""));
        assert!(is_snapshot("scripts/pg-dump-2020.sql", ""));
        assert!(is_snapshot("sql/create_indexes.sql", ""));
        assert!(is_snapshot(
            "x.sql",
            "--\n-- PostgreSQL database dump\n--\n"
        ));
        assert!(!is_snapshot(
            "migrations/0002_add_index.sql",
            "CREATE INDEX a ON t (x);"
        ));
        assert!(!is_snapshot("migrations/0001_init.py", ""));
    }

    #[test]
    fn finds_hypertables() {
        let stmt = |text: &str| Statement {
            location: Location {
                file: crate::source::FileId(0),
                range: 0..text.len(),
            },
            text: text.to_string(),
            fragment_kind: crate::extract::FragmentKind::SqlFile,
            ast: None,
            error: None,
            repaired: false,
            recognized: false,
            holes: Vec::new(),
            deferred: false,
            dialect: crate::parse::Dialect::Postgres,
            table_op: None,
        };
        let h = hypertables(&[
            stmt("SELECT create_hypertable('readings', 'taken_at')"),
            stmt("SELECT create_hypertable( 'metrics.samples', by_range('at'))"),
        ]);
        assert!(h.contains("readings") && h.contains("samples"), "{h:?}");
    }
}

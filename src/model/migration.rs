//! Migration steps: the DDL statements of migration files, in order, with what the
//! migration-safety rules need to know about each: which table it touches, whether that table
//! already existed before this migration file, and whether the statement runs inside a
//! transaction (an explicit `BEGIN`, or the migration runner wrapping the file).

use crate::model::expr::ident_name;
use crate::parse::Statement;
use crate::source::{FileId, Location, SourceDb};
use serde::Deserialize;
use sqlparser::ast::{
    AlterTableOperation, ObjectName, ObjectNamePart, Statement as Ast, TableConstraint,
};
use std::collections::HashSet;

/// How the project's migration tool runs a file.
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
    /// Alembic (transactional DDL on PostgreSQL), Rails, Django, Prisma, Drizzle, Flyway:
    /// each migration runs in a transaction.
    Alembic,
    Rails,
    Django,
    Prisma,
    Drizzle,
    Flyway,
    /// sqitch: scripts manage their own transactions (explicit BEGIN/COMMIT).
    Sqitch,
}

impl Runner {
    /// Whether the runner wraps `path` (holding `statements` statements) in a transaction.
    fn wraps(self, path: &str, statements: usize) -> bool {
        match self {
            Runner::Plain | Runner::Sqitch => false,
            Runner::GolangMigrate => statements > 1,
            Runner::Pop => !path.contains(".autocommit."),
            Runner::Alembic
            | Runner::Rails
            | Runner::Django
            | Runner::Prisma
            | Runner::Drizzle
            | Runner::Flyway => true,
        }
    }
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
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The steps of `statements` (schema statements in migration order).
pub fn steps(statements: &[Statement], sources: &SourceDb, runner: Runner) -> Vec<Step> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < statements.len() {
        let file = statements[i].location.file;
        let end = statements[i..]
            .iter()
            .position(|s| s.location.file != file)
            .map_or(statements.len(), |n| i + n);
        out.extend(file_steps(&statements[i..end], file, sources, runner));
        i = end;
    }
    out
}

fn file_steps(stmts: &[Statement], file: FileId, sources: &SourceDb, runner: Runner) -> Vec<Step> {
    let path = &sources.get(file).path;
    let wrapped = runner.wraps(path, stmts.len());
    let mut created: HashSet<String> = HashSet::new();
    let mut created_indexes: HashSet<String> = HashSet::new();
    let mut explicit_tx = false;
    let mut out = Vec::new();
    for s in stmts {
        let words = head_words(&s.text);
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        match (w(0), w(1)) {
            ("begin", _) | ("start", "transaction") => explicit_tx = true,
            ("commit", _) | ("rollback", _) | ("end", _) | ("abort", _) => explicit_tx = false,
            _ => {}
        }
        let (kind, table) = classify(s, &words);
        let mut table_is_new = table.as_ref().is_some_and(|t| created.contains(t));
        match &s.ast {
            Some(Ast::CreateTable(ct)) => {
                created.extend(base_name(&ct.name));
            }
            Some(Ast::CreateIndex(ci)) if table_is_new => {
                created_indexes.extend(ci.name.as_ref().and_then(base_name));
            }
            Some(Ast::Drop { names, .. }) if matches!(kind, StepKind::DropIndex { .. }) => {
                table_is_new = names
                    .iter()
                    .filter_map(base_name)
                    .all(|n| created_indexes.contains(&n));
            }
            _ => {}
        }
        let in_transaction = explicit_tx || wrapped;
        let transaction_reason = if explicit_tx {
            Some("inside BEGIN ... COMMIT".to_string())
        } else if wrapped {
            Some(format!(
                "the {runner:?} runner wraps this file in a transaction"
            ))
        } else {
            None
        };
        out.push(Step {
            location: s.location.clone(),
            sql: s.text.clone(),
            kind,
            table,
            table_is_new,
            in_transaction,
            transaction_reason,
        });
    }
    out
}

fn classify(s: &Statement, words: &[String]) -> (StepKind, Option<String>) {
    let has = |w: &str| words.iter().take(8).any(|x| x == w);
    match &s.ast {
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

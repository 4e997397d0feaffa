//! idxlint: a static index analyzer for SQL.
//!
//! The pipeline, one stage per module:
//!
//! 1. [`discover`]: walk the repository, classify files (SQL, host language, migration).
//! 2. [`extract`]: pull SQL text out of files, with an offset map back into the host file;
//!    [`orm`] readers turn ORM model declarations into DDL and ORM call chains into queries.
//! 3. [`parse`]: parse each statement with sqlparser; failures become diagnostics.
//! 4. [`model`]: fold DDL into the [`Schema`](model::schema::Schema); turn queries into
//!    access patterns; [`model::coverage`] decides whether an index serves a pattern.
//! 5. [`rules`]: each rule asks the model questions and pushes diagnostics.
//! 6. [`report`]: render diagnostics (human, JSON, SARIF, GitHub annotations); before that,
//!    [`changed`] and [`baseline`] may narrow what is reported.
//!
//! [`analyze`] runs stages 1 to 5 and returns an [`Analysis`]; the CLI renders it.

pub mod baseline;
pub mod changed;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod extract;
pub mod lsp;
pub mod model;
pub mod orm;
pub mod parse;
pub mod project;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;

use config::{Config, RuleSetting};
use diagnostic::Diagnostic;
use discover::{Candidate, FileKind, Skipped};
use extract::Fragment;
use model::schema::Schema;
use model::usage::Query;
use parse::{Dialect, Statement};
use source::{FileId, SourceDb, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use suppress::Suppressions;

/// Default largest file read: 2 MiB. Bigger files are generated or data, not code.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// Options of one run besides the config file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides the config's dialect.
    pub dialect: Option<Dialect>,
    /// Report parse errors in application strings too (they are quiet by default: a
    /// string that looks like SQL may be a template or another dialect).
    pub app_parse_errors: bool,
}

/// Counts of what a run read.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub files: usize,
    pub statements: usize,
    pub parsed: usize,
    /// Statements that parsed only after a targeted repair.
    pub repaired: usize,
    /// Statement kind -> how many did not parse.
    pub unparsed_by_kind: BTreeMap<String, usize>,
}

/// Everything a run found.
pub struct Analysis {
    pub root: PathBuf,
    pub dialect: Dialect,
    pub sources: SourceDb,
    pub schema: Schema,
    pub queries: Vec<Query>,
    /// Queries naming tables or columns the schema does not declare (no verdict).
    pub unresolved: Vec<Query>,
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    pub stats: Stats,
}

/// What the per-file stages (read, extract, parse) produce for one file.
pub(crate) struct FileOutput {
    pub(crate) source: SourceFile,
    pub(crate) statements: Vec<Statement>,
    pub(crate) suppressions: Suppressions,
    pub(crate) skipped: Option<String>,
    /// The file's DDL builds the schema.
    pub(crate) schema_source: bool,
    /// The file's queries are analyzed.
    pub(crate) query_source: bool,
    /// What the ORM readers found (models, ORM queries; their DDL is in `statements`).
    pub(crate) orm: orm::OrmFile,
}

/// Run stages 1 to 5 over `paths` (relative paths in the output are relative to `root`).
///
/// This is [`Project::load`](project::Project::load) (stages 1 to 3) followed by the
/// whole-program stages; the language server keeps the project instead and re-runs only
/// what an edit touches.
pub fn analyze(root: &Path, paths: &[PathBuf], config: &Config, options: &Options) -> Analysis {
    project::Project::load(root, paths, config, options).into_analysis()
}

/// The statements that [`whole_program`] borrowed from each file, handed back in the
/// files' own order so a [`Project`](project::Project) can keep them for the next run.
pub(crate) type Returned = Vec<Vec<Statement>>;

/// Stages 4 to 6 over the per-file outputs: the schema fold, usage, rules, suppressions
/// and a deterministic order. `outputs[i]` belongs to `FileId(i)`; `order` is the order in
/// which files are read (path order: migrations fold in that order).
pub(crate) fn whole_program(
    root: &Path,
    config: &Config,
    options: &Options,
    outputs: Vec<FileOutput>,
    order: &[usize],
    mut skipped: Vec<Skipped>,
) -> (Analysis, Returned) {
    let dialect = options.dialect.or(config.dialect).unwrap_or_default();
    let mut sources = SourceDb::default();
    let mut stats = Stats::default();
    let mut diagnostics = Vec::new();
    let mut schema_stmts = Vec::new();
    let mut query_stmts = Vec::new();
    let mut other_stmts = Vec::new();
    let mut suppressions = Vec::new();
    let mut per_file = Vec::with_capacity(outputs.len());
    let mut flags = Vec::with_capacity(outputs.len());
    let mut orm_files = Vec::with_capacity(outputs.len());
    for out in outputs {
        let id = sources.add(out.source);
        orm_files.push(out.orm);
        if let Some(reason) = out.skipped {
            skipped.push(Skipped {
                path: sources.get(id).path.clone(),
                reason,
            });
            suppressions.push(Suppressions::default());
            per_file.push(Vec::new());
            flags.push(None);
            continue;
        }
        suppressions.push(out.suppressions);
        per_file.push(out.statements);
        flags.push(Some((out.schema_source, out.query_source)));
    }
    let mut orm_schema = Vec::new();
    for &i in order {
        let Some((schema_source, query_source)) = flags.get(i).copied().flatten() else {
            continue;
        };
        stats.files += 1;
        for stmt in std::mem::take(&mut per_file[i]) {
            if matches!(stmt.fragment_kind, extract::FragmentKind::OrmSchema(_)) {
                orm_schema.push(stmt);
                continue;
            }
            stats.statements += 1;
            if stmt.understood() {
                stats.parsed += 1;
                stats.repaired += usize::from(stmt.repaired);
            } else {
                let kind = stmt.kind();
                let app = matches!(stmt.fragment_kind, extract::FragmentKind::HostString(_));
                if (!app || options.app_parse_errors) && !parse::skipped_kind(&kind) {
                    diagnostics.extend(rules::parse_error::diagnostic(&stmt));
                }
                *stats.unparsed_by_kind.entry(kind).or_default() += 1;
                // Migration-safety rules still read the text of what did not parse
                // (`DROP INDEX CONCURRENTLY IF EXISTS`, ...).
                if schema_source && is_ddl(&stmt) {
                    schema_stmts.push(stmt);
                } else {
                    other_stmts.push(stmt);
                }
                continue;
            }
            if is_ddl(&stmt) {
                if schema_source {
                    schema_stmts.push(stmt);
                } else {
                    other_stmts.push(stmt);
                }
            } else if query_source {
                query_stmts.push(stmt);
            } else if schema_source {
                // Inserts in migrations mark seeded lookup tables; queries in true
                // migrations are one-off data changes and are not analyzed.
                schema_stmts.push(stmt);
            } else {
                other_stmts.push(stmt);
            }
        }
    }

    // 2b. ORM readers: model DDL folds after the SQL migrations (each ORM's authority rules
    // decide which of its sources count); ORM calls become SQL in the database's names.
    let orm_queries = orm_stage(
        dialect,
        order,
        &orm_files,
        orm_schema,
        &mut schema_stmts,
        &mut stats,
    );
    query_stmts.extend(orm_queries);

    // 4. Model: the schema the migrations leave, then the access pattern of each query.
    let schema = model::fold::fold_with_path(
        dialect,
        &config.search_path,
        &schema_stmts,
        &mut diagnostics,
    );
    let (queries, unresolved) = model::usage::analyze_all(&schema, &query_stmts);

    // 5. Rules.
    let steps = model::migration::steps(
        &schema_stmts,
        &sources,
        config.migration_runner.unwrap_or_default(),
    );
    let ctx = rules::Context::new(&schema, &queries, &steps, config, dialect);
    for rule in rules::RULES {
        let RuleSetting::On(severity) = config.rule_setting(rule.name, rule.default_severity)
        else {
            continue;
        };
        if let Some(check) = rule.check {
            let start = diagnostics.len();
            check(&ctx, &mut diagnostics);
            for d in &mut diagnostics[start..] {
                d.severity = severity;
            }
        }
    }
    diagnostics.retain(|d| !matches!(config.rule_setting(d.rule, d.severity), RuleSetting::Off));

    // 6. Suppressions, then a deterministic order.
    suppress::apply(&sources, &suppressions, &mut diagnostics, config);
    sort_diagnostics(&sources, &mut diagnostics);
    skipped.sort();

    // Hand the statements back to their files, in the order they were read.
    let mut returned: Returned = per_file;
    for stmt in schema_stmts
        .into_iter()
        .chain(query_stmts)
        .chain(other_stmts)
    {
        // ORM queries are written anew from the files' `orm` output at each run.
        if matches!(stmt.fragment_kind, extract::FragmentKind::OrmQuery(_)) {
            continue;
        }
        if let Some(v) = returned.get_mut(stmt.location.file.0 as usize) {
            v.push(stmt);
        }
    }
    for v in &mut returned {
        v.sort_by_key(|s| (s.location.range.start, s.location.range.end));
    }

    let analysis = Analysis {
        root: root.to_path_buf(),
        dialect,
        sources,
        schema,
        queries,
        unresolved,
        diagnostics,
        skipped,
        stats,
    };
    (analysis, returned)
}

/// Stage 2b over the whole program: fold order of ORM schema statements, the model index,
/// and the SQL of every ORM query (parsed, in path order).
fn orm_stage(
    dialect: Dialect,
    order: &[usize],
    orm_files: &[orm::OrmFile],
    orm_schema: Vec<Statement>,
    schema_stmts: &mut Vec<Statement>,
    stats: &mut Stats,
) -> Vec<Statement> {
    if orm_files
        .iter()
        .all(|f| f.models.is_empty() && f.queries.is_empty() && f.schema_source.is_none())
    {
        return Vec::new();
    }
    // Schema: group the statements by file, keep what the authority rules keep.
    let mut by_file: BTreeMap<usize, Vec<Statement>> = BTreeMap::new();
    for stmt in orm_schema {
        by_file
            .entry(stmt.location.file.0 as usize)
            .or_default()
            .push(stmt);
    }
    let groups: Vec<(usize, orm::SchemaSource)> = order
        .iter()
        .filter_map(|&i| Some((i, orm_files.get(i)?.schema_source?)))
        .collect();
    let sources: Vec<orm::SchemaSource> = groups.iter().map(|(_, s)| *s).collect();
    for k in orm::order_schema(&sources) {
        if let Some(stmts) = by_file.remove(&groups[k].0) {
            stats.statements += stmts.len();
            stats.parsed += stmts.iter().filter(|s| s.understood()).count();
            schema_stmts.extend(stmts);
        }
    }
    // Queries: resolve models across files, then write and parse their SQL.
    let mut index = orm::ModelIndex::default();
    for &i in order {
        for m in orm_files.get(i).map_or(&[][..], |f| &f.models) {
            index.insert(m.clone());
        }
    }
    let mut out = Vec::new();
    for &i in order {
        let Some(file) = orm_files.get(i) else {
            continue;
        };
        for q in &file.queries {
            if let Some(frag) = orm::synthesize(q, &index, dialect) {
                out.extend(parse::parse_fragment(dialect, FileId(i as u32), &frag));
            }
        }
    }
    stats.statements += out.len();
    stats.parsed += out.iter().filter(|s| s.understood()).count();
    out
}

/// Sort by path, start, rule, message; drop exact repeats.
pub fn sort_diagnostics(sources: &SourceDb, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let pa = &sources.get(a.location.file).path;
        let pb = &sources.get(b.location.file).path;
        (
            pa,
            a.location.range.start,
            a.rule,
            &a.message,
            a.location.range.end,
        )
            .cmp(&(
                pb,
                b.location.range.start,
                b.rule,
                &b.message,
                b.location.range.end,
            ))
    });
    diagnostics.dedup();
}

/// Stages 2 and 3 for one file: read it, extract its SQL, parse its statements.
pub(crate) fn read_file(id: FileId, c: &Candidate, dialect: Dialect, max_size: u64) -> FileOutput {
    match read_text(&c.abs_path, max_size) {
        Ok(text) => process_text(id, c, text, dialect),
        Err(reason) => FileOutput {
            source: SourceFile::new(c.path.clone(), c.abs_path.clone(), String::new()),
            statements: Vec::new(),
            suppressions: Suppressions::default(),
            skipped: Some(reason),
            schema_source: false,
            query_source: false,
            orm: orm::OrmFile::default(),
        },
    }
}

/// Stages 2 and 3 for one file's text (read from disk, or an editor's unsaved buffer).
pub(crate) fn process_text(
    id: FileId,
    c: &Candidate,
    text: String,
    dialect: Dialect,
) -> FileOutput {
    let mut fragments: Vec<Fragment> = match c.kind {
        FileKind::Sql => vec![Fragment::sql_file(&text)],
        FileKind::Host(lang) => extract::extract_host(lang, &text),
        FileKind::Prisma => Vec::new(),
    };
    let mut orm_file = match c.kind {
        FileKind::Sql => orm::OrmFile::default(),
        FileKind::Host(_) | FileKind::Prisma => orm::read_file(&c.path, &text),
    };
    fragments.append(&mut orm_file.schema);
    let statements: Vec<Statement> = fragments
        .iter()
        .flat_map(|f| parse::parse_fragment(dialect, id, f))
        .collect();
    let (schema_source, query_source) = match c.kind {
        // Every .sql file may declare schema; its queries count unless it is a migration.
        FileKind::Sql => (true, !c.migration),
        FileKind::Host(_) => {
            let only_ddl = !statements.is_empty() && statements.iter().all(is_ddl_text);
            (c.migration || only_ddl, !(c.migration || only_ddl))
        }
        FileKind::Prisma => (false, false),
    };
    let suppressions = suppress::scan(&text);
    // Keep the text only where diagnostics can point.
    let text = if statements.is_empty() && suppressions.is_empty() && orm_file.queries.is_empty() {
        String::new()
    } else {
        text
    };
    FileOutput {
        source: SourceFile::new(c.path.clone(), c.abs_path.clone(), text),
        statements,
        suppressions,
        skipped: None,
        schema_source,
        query_source,
        orm: orm_file,
    }
}

/// Read a file as UTF-8 text, or say why not.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > max_size {
        return Err(format!(
            "too large ({} bytes, limit {max_size}; set max-file-size in idxlint.toml)",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file".to_string());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

fn is_ddl(stmt: &Statement) -> bool {
    use sqlparser::ast::Statement as S;
    match &stmt.ast {
        Some(S::Query(_) | S::Update(_) | S::Delete(_)) => false,
        Some(S::Insert(_)) => false,
        Some(_) => true,
        None => is_ddl_text(stmt),
    }
}

fn is_ddl_text(stmt: &Statement) -> bool {
    let kind = stmt.kind();
    [
        "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "SET", "BEGIN", "COMMIT", "DO",
        "RENAME", "REINDEX", "ROLLBACK", "START", "END",
    ]
    .iter()
    .any(|k| kind.starts_with(k))
}

//! idxlint: a static index analyzer for SQL.
//!
//! The pipeline, one stage per module:
//!
//! 1. [`discover`]: walk the repository, classify files (SQL, host language, migration).
//! 2. [`extract`]: pull SQL text out of files, with an offset map back into the host file.
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
pub mod model;
pub mod parse;
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
use rayon::prelude::*;
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

/// What the per-file stages produce for one file.
struct FileOutput {
    source: SourceFile,
    statements: Vec<Statement>,
    suppressions: Suppressions,
    skipped: Option<String>,
    /// The file's DDL builds the schema.
    schema_source: bool,
    /// The file's queries are analyzed.
    query_source: bool,
}

/// Run stages 1 to 5 over `paths` (relative paths in the output are relative to `root`).
pub fn analyze(root: &Path, paths: &[PathBuf], config: &Config, options: &Options) -> Analysis {
    let dialect = options.dialect.or(config.dialect).unwrap_or_default();
    let max_size = config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);

    // 1. Discover the files.
    let (candidates, mut skipped) = discover::discover(root, paths, config, dialect);

    // 2-3. Read, extract and parse every file, in parallel; results stay in path order.
    let outputs: Vec<FileOutput> = candidates
        .par_iter()
        .enumerate()
        .map(|(i, c)| read_file(FileId(i as u32), c, dialect, max_size))
        .collect();

    let mut sources = SourceDb::default();
    let mut stats = Stats::default();
    let mut diagnostics = Vec::new();
    let mut schema_stmts = Vec::new();
    let mut query_stmts = Vec::new();
    let mut suppressions = Vec::new();
    for out in outputs {
        let id = sources.add(out.source);
        if let Some(reason) = out.skipped {
            skipped.push(Skipped {
                path: sources.get(id).path.clone(),
                reason,
            });
            suppressions.push(Suppressions::default());
            continue;
        }
        stats.files += 1;
        suppressions.push(out.suppressions);
        for stmt in out.statements {
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
                // (`REINDEX`, `DROP INDEX CONCURRENTLY IF EXISTS`).
                if out.schema_source && is_ddl(&stmt) {
                    schema_stmts.push(stmt);
                }
                continue;
            }
            if is_ddl(&stmt) {
                if out.schema_source {
                    schema_stmts.push(stmt);
                }
            } else if out.query_source || out.schema_source {
                // Inserts in migrations mark seeded lookup tables; queries in true
                // migrations are one-off data changes and are not analyzed.
                if out.query_source {
                    query_stmts.push(stmt);
                } else {
                    schema_stmts.push(stmt);
                }
            }
        }
    }

    // 4. Model: the schema the migrations leave, then the access pattern of each query.
    let schema = model::fold::fold(dialect, &schema_stmts, &mut diagnostics);
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

    Analysis {
        root: root.to_path_buf(),
        dialect,
        sources,
        schema,
        queries,
        unresolved,
        diagnostics,
        skipped,
        stats,
    }
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
fn read_file(id: FileId, c: &Candidate, dialect: Dialect, max_size: u64) -> FileOutput {
    let skip = |reason: String| FileOutput {
        source: SourceFile::new(c.path.clone(), c.abs_path.clone(), String::new()),
        statements: Vec::new(),
        suppressions: Suppressions::default(),
        skipped: Some(reason),
        schema_source: false,
        query_source: false,
    };
    let text = match read_text(&c.abs_path, max_size) {
        Ok(t) => t,
        Err(reason) => return skip(reason),
    };
    let fragments: Vec<Fragment> = match c.kind {
        FileKind::Sql => vec![Fragment::sql_file(&text)],
        FileKind::Host(lang) => extract::extract_host(lang, &text),
    };
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
    };
    let suppressions = suppress::scan(&text);
    // Keep the text only where diagnostics can point.
    let text = if statements.is_empty() && suppressions.is_empty() {
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

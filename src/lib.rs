//! idxlint: a static index analyzer for SQL.
//!
//! The pipeline, one stage per module:
//!
//! 1. [`discover`]: walk the repository, classify files (SQL, host language); then
//!    [`sources`]: what each file is to the schema (migration, base, dump, setup, ...), its
//!    dialect and the order the project's migration runner applies it in.
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
pub mod history;
pub mod lsp;
pub mod model;
pub mod orm;
pub mod parse;
pub mod project;
pub mod report;
pub mod rules;
pub mod source;
pub mod sources;
pub mod suggest;
pub mod suggest_forms;
pub mod suppress;
pub mod timing;

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

/// Default largest application file read: 2 MiB. Bigger files are generated or data.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// Default largest schema source read (migrations, dumps, `structure.sql`, every `.sql`
/// file): 64 MiB. The schema cannot be right without them, and reading one costs memory
/// in proportion to its size only.
pub const DEFAULT_MAX_SCHEMA_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The end of the reason given for a schema source that was not read; the CLI prints such
/// files as warnings on stderr in every format.
pub const SCHEMA_LOST: &str = "the tables and indexes it declares are missing from the schema";

/// The size limit for one candidate: schema sources (`.sql` files and migrations) get
/// `max-schema-file-size`, application files `max-file-size`. (ORM schema files such as
/// `schema.prisma` are schema sources; ORM models in host files are read with their file.)
pub(crate) fn size_limit(c: &Candidate, config: &Config) -> u64 {
    if matches!(c.kind, FileKind::Sql | FileKind::Prisma) || c.migration {
        config
            .max_schema_file_size
            .unwrap_or(DEFAULT_MAX_SCHEMA_FILE_SIZE)
    } else {
        config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE)
    }
}

/// Options of one run besides the config file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides the config's dialect.
    pub dialect: Option<Dialect>,
    /// Report parse errors in application strings too (they are quiet by default: a
    /// string that looks like SQL may be a template or another dialect).
    pub app_parse_errors: bool,
    /// Keep every statement's syntax tree between runs (the language server, which folds
    /// the same migrations after every keystroke). Off, a one-shot run drops the trees of
    /// queries and of big files' DDL as they are parsed and parses them again one at a
    /// time when needed ([`parse::defer`]): memory follows the largest file.
    pub keep_trees: bool,
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
    /// What became of the queries of application code.
    pub queries: QueryCounts,
}

/// Queries of application code by outcome (`summary.queries` in JSON).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryCounts {
    /// Every query statement read as application code: the sum of the three below.
    pub total: usize,
    /// Analyzed against the schema: every table and column known, nothing built that
    /// could hide a condition.
    pub with_verdict: usize,
    /// Parsed, but naming something the schema does not declare, or built in code with
    /// an unknown clause where conditions go (listed under `--verbose` with the reason).
    pub no_verdict: usize,
    /// Did not parse.
    pub unparsed: usize,
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
    /// Tables the application code inserts into (read by [`model::stats`]).
    pub inserted: std::collections::BTreeSet<String>,
    /// The schema sources: every file's role and order, the dialect and why.
    pub plan: sources::Plan,
    /// Notes for `--verbose` from the steps after analysis (findings hidden on applied
    /// migrations, ...).
    pub notes: Vec<String>,
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
    let mut timer = timing::Timer::new();
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
        // Queries in test code run against fixtures, not production tables: no verdicts.
        let query_source =
            query_source && !sources::is_test_path(&sources.get(FileId(i as u32)).path);
        // ORM calls in migrations and tests are data changes and fixtures, as their SQL is.
        if !query_source {
            if let Some(f) = orm_files.get_mut(i) {
                f.queries.clear();
            }
        }
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
                let too_deep = stmt.error.as_ref().is_some_and(|e| e.too_deep);
                if too_deep || ((!app || options.app_parse_errors) && !parse::skipped_kind(&kind)) {
                    diagnostics.extend(rules::parse_error::diagnostic(&stmt));
                }
                if query_source && !is_ddl_text(&stmt) && is_query_text(&stmt) {
                    stats.queries.unparsed += 1;
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
    // Migration-safety rules read the SQL migrations, and the ORM migrations whose
    // statements a runner executes as the reader wrote them (Alembic revisions, Django and Rails
    // migrations: `op.execute`/`RunSQL`/`execute` strings verbatim, `op.create_index`,
    // `AddIndex`, `add_index` as
    // the SQL they emit); other ORM DDL restates a model or a dump.
    timer.mark("route");
    let sql_schema_len = schema_stmts.len();
    let (orm_queries, orm_unresolved) = orm_stage(
        dialect,
        order,
        &sources,
        &orm_files,
        orm_schema,
        &mut schema_stmts,
        &mut stats,
    );
    query_stmts.extend(orm_queries);
    let executed = |s: &Statement| {
        orm_files
            .get(s.location.file.0 as usize)
            .and_then(|f| f.schema_source)
            .is_some_and(|src| matches!(src.reader, "alembic" | "django-migrations" | "db/migrate"))
    };
    // Stable: Alembic's statements keep their order, and fold after the SQL migrations as
    // before; only other ORMs' model DDL moves after them.
    let (mut run, rest): (Vec<Statement>, Vec<Statement>) =
        schema_stmts.drain(sql_schema_len..).partition(executed);
    let safety_len = sql_schema_len + run.len();
    schema_stmts.append(&mut run);
    schema_stmts.extend(rest);

    // 4. Model: the schema the migrations leave, then the access pattern of each query.
    timer.mark("orm");
    // The migration steps read the trees the fold parses (once per deferred statement).
    let mut shapes = Vec::with_capacity(safety_len);
    let schema = model::fold::fold_visiting(
        dialect,
        &config.search_path,
        &schema_stmts,
        &mut diagnostics,
        &mut |i, ast| {
            if let Some(s) = schema_stmts.get(i).filter(|_| i < safety_len) {
                shapes.push(model::migration::shape(s, ast));
            }
        },
    );
    let mut schema = schema;
    schema.scoped_by = config
        .tables
        .scoped_by
        .iter()
        .map(|c| c.to_lowercase())
        .collect();
    timer.mark("fold");
    let (queries, mut unresolved) = model::usage::analyze_all(&schema, &query_stmts);
    timer.mark("usage");
    unresolved.extend(orm_unresolved);
    stats.queries.with_verdict = queries.len();
    stats.queries.no_verdict = unresolved.len();
    stats.queries.total =
        stats.queries.with_verdict + stats.queries.no_verdict + stats.queries.unparsed;

    // 5. Rules.
    let steps = model::migration::steps_of(
        &schema_stmts[..safety_len],
        shapes,
        &sources,
        config.migration_runner,
    );
    let inserted = model::stats::inserted_tables(&query_stmts);
    let ctx = rules::Context::new(&schema, &queries, &steps, config, dialect)
        .with_inserted(inserted.clone())
        .with_unresolved(&unresolved);
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
    // Dumps and setup scripts are never run against a live database: no safety findings.
    diagnostics.retain(|d| {
        let f = sources.get(d.location.file);
        !(rules::MIGRATION_SAFETY.contains(&d.rule)
            && model::migration::is_snapshot(&f.path, &f.text))
    });
    mark_built_queries(&queries, &mut diagnostics);
    timer.mark("rules");

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
    timer.mark("finish");

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
        inserted,
        plan: sources::Plan::default(),
        notes: Vec::new(),
    };
    (analysis, returned)
}

/// Findings on queries built in code: a partial query's findings say so (message and
/// `partial`), and no fix embeds a format placeholder or a hole (it is withheld, with a
/// note in the help).
fn mark_built_queries(queries: &[Query], diagnostics: &mut [Diagnostic]) {
    let partial: std::collections::HashSet<(FileId, usize, usize)> = queries
        .iter()
        .filter(|q| q.partial)
        .map(|q| {
            (
                q.location.file,
                q.location.range.start,
                q.location.range.end,
            )
        })
        .collect();
    for d in diagnostics {
        let key = (
            d.location.file,
            d.location.range.start,
            d.location.range.end,
        );
        if partial.contains(&key) {
            d.partial = true;
            d.message
                .push_str(" (query built in code; only its known parts were analyzed)");
        }
        if d.fix
            .as_ref()
            .is_some_and(|f| has_format_placeholder(&f.sql))
        {
            d.fix = None;
            let note = "no fix offered: the suggested index would embed a format placeholder; \
                        write it with the value the code fills in";
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h}\n{note}"),
                None => note.to_string(),
            });
        }
    }
}

/// Whether SQL text holds a format placeholder or a hole name (`%s`, `%(x)s`, `{x}`,
/// `${x}`, `#{x}`, `idxlint_hole_N`).
pub fn has_format_placeholder(sql: &str) -> bool {
    let b = sql.as_bytes();
    sql.contains("idxlint_hole_")
        || b.windows(2).enumerate().any(|(i, w)| {
            (w[0] == b'%' && matches!(w[1], b's' | b'd' | b'v' | b'('))
                && !b.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric())
                || (w[0] == b'{' && (w[1].is_ascii_alphabetic() || w[1] == b'}' || w[1] == b'_'))
        })
}

/// Stage 2b over the whole program: fold order of ORM schema statements, the model index,
/// and the SQL of every ORM query (parsed, in path order).
///
/// ORM queries whose model (or a relation on the way) is not known come back as queries
/// without a verdict, so `-v` lists them with the call chain they came from.
fn orm_stage(
    dialect: Dialect,
    order: &[usize],
    db: &SourceDb,
    orm_files: &[orm::OrmFile],
    orm_schema: Vec<Statement>,
    schema_stmts: &mut Vec<Statement>,
    stats: &mut Stats,
) -> (Vec<Statement>, Vec<Query>) {
    if orm_files
        .iter()
        .all(|f| f.models.is_empty() && f.queries.is_empty() && f.schema_source.is_none())
    {
        return (Vec::new(), Vec::new());
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
    let kept = orm::order_schema(&sources);
    let revisions: Vec<Option<&(String, Vec<String>)>> = groups
        .iter()
        .map(|(i, _)| orm_files.get(*i).and_then(|f| f.revision.as_ref()))
        .collect();
    // SQL migrations are authoritative over the models they came from (orm-b).
    let sql_tables: std::collections::HashSet<String> =
        schema_stmts.iter().filter_map(orm::created_table).collect();
    for k in orm::order_revisions(&kept, &revisions) {
        if by_file
            .get(&groups[k].0)
            .is_some_and(|stmts| orm::superseded_by_sql(stmts, &sql_tables))
        {
            by_file.remove(&groups[k].0);
            continue;
        }
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
    let mut unresolved = Vec::new();
    for &i in order {
        let Some(file) = orm_files.get(i) else {
            continue;
        };
        if sources::is_test_path(&db.get(FileId(i as u32)).path) {
            continue;
        }
        for q in &file.queries {
            if let Some(frag) = orm::synthesize(q, &index, dialect) {
                out.extend(parse::parse_fragment_with(
                    dialect,
                    FileId(i as u32),
                    &frag,
                    |s| parse::defer(s, true, false),
                ));
            } else {
                let location = source::Location {
                    file: FileId(i as u32),
                    range: q.span.clone(),
                };
                let text = db
                    .get(location.file)
                    .text
                    .get(q.span.clone())
                    .unwrap_or_default();
                unresolved.push(Query {
                    location,
                    kind: model::usage::QueryKind::Select,
                    accesses: Vec::new(),
                    sql: format!(
                        "{} (model {} of {} not found)",
                        text.split_whitespace().collect::<Vec<_>>().join(" "),
                        q.model,
                        q.orm.name()
                    ),
                    partial: false,
                    no_verdict: Some(format!("model {} of {} not found", q.model, q.orm.name())),
                    built: None,
                });
            }
        }
    }
    stats.statements += out.len();
    stats.parsed += out.iter().filter(|s| s.understood()).count();
    (out, unresolved)
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

/// The output of a file that could not be read, and why.
pub(crate) fn unreadable(c: &Candidate, reason: String) -> FileOutput {
    FileOutput {
        source: SourceFile::new(c.path.clone(), c.abs_path.clone(), String::new()),
        statements: Vec::new(),
        suppressions: Suppressions::default(),
        skipped: Some(reason),
        schema_source: false,
        query_source: false,
        orm: orm::OrmFile::default(),
    }
}

/// Read a candidate's text under its size limit ([`size_limit`]); a schema source too large
/// to read says what the schema loses.
pub(crate) fn read_source(c: &Candidate, config: &Config) -> Result<String, String> {
    let schema = matches!(c.kind, FileKind::Sql | FileKind::Prisma) || c.migration;
    if let FileKind::Host(extract::HostLang::JavaScript | extract::HostLang::TypeScript) = c.kind {
        if let Some(why) = bundled_name(&c.path) {
            return Err(why);
        }
    }
    let text = read_text(&c.abs_path, size_limit(c, config));
    if let (
        Ok(text),
        FileKind::Host(extract::HostLang::JavaScript | extract::HostLang::TypeScript),
    ) = (&text, c.kind)
    {
        if let Some(why) = minified(text) {
            return Err(why);
        }
    }
    text.map_err(|reason| {
        if schema && reason.starts_with("too large") {
            format!(
                "schema source {}: {SCHEMA_LOST}",
                reason.replace("max-file-size", "max-schema-file-size")
            )
        } else {
            reason
        }
    })
}

/// What the per-file stages need besides the file: the same for every file of a run.
#[derive(Clone, Copy)]
pub(crate) struct FileStage<'a> {
    pub(crate) dialect: Dialect,
    /// `[naming]` of the config (names code derives from schema objects).
    pub(crate) naming: &'a extract::naming::Naming,
    /// See [`Options::keep_trees`].
    pub(crate) keep_trees: bool,
}

/// Stages 2 and 3 for one file's text (read from disk, or an editor's unsaved buffer).
pub(crate) fn process_text(
    id: FileId,
    c: &Candidate,
    text: String,
    stage: FileStage,
) -> FileOutput {
    let FileStage {
        dialect,
        naming,
        keep_trees,
    } = stage;
    // Another dialect's file, a teardown script or a verification script is not parsed.
    let parse = !matches!(
        c.claim.role,
        sources::Role::Ignored | sources::Role::Teardown
    );
    let mut fragments: Vec<Fragment> = match c.kind {
        _ if !parse => Vec::new(),
        FileKind::Sql => vec![Fragment::sql_file(&text)],
        FileKind::Host(lang) => extract::extract_host_with(lang, &text, naming),
        FileKind::Prisma => Vec::new(),
    };
    let mut orm_file = match c.kind {
        FileKind::Sql => orm::OrmFile::default(),
        FileKind::Host(_) | FileKind::Prisma => orm::read_file(&c.path, &text),
    };
    if orm_file.owns_sql {
        // The ORM reader wrote this file's SQL strings in their place among its operations.
        fragments.retain(|f| !matches!(f.kind, extract::FragmentKind::HostString(_)));
    }
    if dialect == Dialect::Mysql {
        // ORM readers write identifiers double-quoted (standard SQL); MySQL reads `"x"` as a
        // string. Backticks have the same length, so the offset maps stay right.
        for f in &mut orm_file.schema {
            f.text = f.text.replace('"', "`");
        }
    }
    fragments.append(&mut orm_file.schema);
    // A migration's queries are never analyzed: trim each tree as it is parsed. Other
    // queries and all DDL keep no tree until the whole-program stages parse them again one
    // at a time: memory follows the largest file, not the repository. The language server
    // keeps trees between runs, for files up to `KEEP_TREES_UP_TO` bytes.
    let drop_trees = !keep_trees || text.len() > parse::KEEP_TREES_UP_TO;
    let trim = |s: &mut Statement| {
        if c.migration {
            parse::slim_migration_statement(s);
        }
        if drop_trees {
            parse::defer(s, !c.migration, true);
        }
    };
    let statements: Vec<Statement> = fragments
        .iter()
        .flat_map(|f| parse::parse_fragment_with(dialect, id, f, trim))
        // Pattern operator classes an ORM writes for PostgreSQL only (Django's `_like`).
        .filter(|s| {
            dialect == Dialect::Postgres
                || !(matches!(s.fragment_kind, extract::FragmentKind::OrmSchema(_))
                    && s.text.contains("_pattern_ops"))
        })
        // The down direction (`-- +goose Down`, `def downgrade`) is never applied.
        .filter(|s| {
            !c.claim
                .skip
                .iter()
                .any(|r| r.contains(&s.location.range.start))
        })
        .collect();
    // Refined by the plan once every file is parsed (`sources::plan`).
    let (schema_source, query_source) = (c.claim.role.folds(), c.claim.role.queries());
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

/// Longest line of hand-written JavaScript idxlint reads; a longer one means a minified or
/// generated file (a bundle, an inlined SVG), whose strings are not application queries
/// and whose lexing would cost memory in proportion to its size.
pub const MAX_SOURCE_LINE: usize = 10_000;

/// Why a JavaScript file is a bundle by its name (`*.min.js`, `*.bundle.js`), if it is.
fn bundled_name(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [".min.", ".bundle."]
        .iter()
        .find(|m| name.contains(*m))
        .map(|m| {
            format!(
                "minified or bundled JavaScript (`{}` in its name): not application source",
                m.trim_matches('.')
            )
        })
}

/// Why a JavaScript text is minified or generated (a line over [`MAX_SOURCE_LINE`]
/// bytes), if it is.
fn minified(text: &str) -> Option<String> {
    let longest = text.split('\n').map(str::len).max().unwrap_or(0);
    (longest > MAX_SOURCE_LINE).then(|| {
        format!(
            "minified or generated JavaScript (a line of {longest} bytes, over {MAX_SOURCE_LINE}): \
             not application source"
        )
    })
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
    match stmt.ast.as_deref() {
        Some(S::Query(_) | S::Update(_) | S::Delete(_)) => false,
        Some(S::Insert(_)) => false,
        Some(_) => true,
        None => is_ddl_text(stmt),
    }
}

/// Whether a statement that did not parse was meant as a query (`SELECT`, `WITH`,
/// `UPDATE`, `DELETE`; an `INSERT ... VALUES` is not a query, parsed or not).
fn is_query_text(stmt: &Statement) -> bool {
    let kind = stmt.kind();
    ["SELECT", "WITH", "UPDATE", "DELETE", "EXPLAIN"]
        .iter()
        .any(|k| kind.starts_with(k))
}

pub(crate) fn is_ddl_text(stmt: &Statement) -> bool {
    let kind = stmt.kind();
    [
        "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "SET", "BEGIN", "COMMIT", "DO",
        "RENAME", "REINDEX", "ROLLBACK", "START", "END",
    ]
    .iter()
    .any(|k| kind.starts_with(k))
}

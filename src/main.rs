//! The `idxlint` command: arguments -> [`idxlint::analyze`] -> a renderer -> exit code.
//! Exit codes: 0 clean, 1 findings at or above the failing severity, 2 the tool failed.

use clap::{Parser, Subcommand, ValueEnum};
use idxlint::config::Config;
use idxlint::parse::Dialect;
use idxlint::report::human::HumanOptions;
use std::io::{IsTerminal, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "idxlint", version, about = "Static index analyzer for SQL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Output of `idxlint schema`.
#[derive(Clone, Copy, ValueEnum)]
enum SchemaFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Postgres,
    Mysql,
    Sqlite,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::Mysql,
            DialectArg::Sqlite => Dialect::Sqlite,
        }
    }
}

/// Flags that narrow what `check` reports (see `idxlint::baseline` and `idxlint::changed`).
#[derive(clap::Args)]
struct CiArgs {
    /// Report only findings not listed in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding (after --changed-since, before --baseline) to this baseline file
    /// and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only findings on lines added or changed since this git revision.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Info,
    Warning,
    Error,
}

impl SeverityArg {
    fn as_str(self) -> &'static str {
        match self {
            SeverityArg::Info => "info",
            SeverityArg::Warning => "warning",
            SeverityArg::Error => "error",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a repository for index problems.
    Check {
        /// Files or folders to check (default: the current folder).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Use this config file instead of the nearest idxlint.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Also report statements that do not parse in application strings.
        #[arg(long)]
        app_parse_errors: bool,
        /// Show skipped files and queries without a verdict, and always the summary.
        #[arg(short, long, conflicts_with = "quiet")]
        verbose: bool,
        #[command(flatten)]
        ci: CiArgs,
        /// Print only the findings: no summary line, no notes on stderr.
        #[arg(short, long)]
        quiet: bool,
        /// Lowest severity that makes the exit code 1 (overrides `fail-on` in the config).
        #[arg(long, value_enum)]
        fail_on: Option<SeverityArg>,
        /// Only run these rules (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        select: Vec<String>,
        /// Do not run these rules (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        ignore: Vec<String>,
        /// Never use colours (colours are used only on a terminal without `NO_COLOR`).
        #[arg(long)]
        no_color: bool,
        /// Migration-safety rules judge every migration, not only those not yet on the
        /// default branch (see README, "Migration safety").
        #[arg(long)]
        all_migrations: bool,
    },
    /// List the rules.
    Rules,
    /// Run the Language Server over stdio (for editors; see README, "Editors").
    Lsp,
    /// Print a rule's documentation.
    Explain { rule: String },
    /// Print the schema as idxlint understood it.
    Schema {
        path: Option<PathBuf>,
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// List the files considered instead: role, reader, dialect, order and why.
        #[arg(long)]
        sources: bool,
        /// `text` (one object per line) or `json` (docs/schema-json.md).
        #[arg(long, value_enum, default_value = "text")]
        format: SchemaFormat,
    },
    /// Print one migration that adds every missing index, merged across queries.
    Suggest {
        path: Option<PathBuf>,
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the migration into the migrations folder (a new file, never overwriting).
        #[arg(long)]
        write: bool,
    },
    /// Show how the query at FILE:LINE touches each table and why each index does or does
    /// not serve it.
    Inspect {
        /// `path/to/file:LINE`
        location: String,
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            eprintln!("idxlint: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Why a command did not finish.
enum Failure {
    /// stdout was closed (`idxlint check | head`): stop quietly.
    BrokenPipe,
    Message(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Message(s)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(format!("cannot write the report: {e}"))
        }
    }
}

/// Run the analysis; a panic anywhere in it (a bug) becomes an error asking for a report.
fn analyze_guarded(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
    options: &idxlint::Options,
) -> Result<idxlint::Analysis, String> {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        let analysis = idxlint::analyze(root, paths, config, options);
        // A schema source that was not read changes every verdict: say so in any format.
        for s in &analysis.skipped {
            if s.reason.ends_with(idxlint::SCHEMA_LOST) {
                eprintln!("idxlint: warning: skipped {}: {}", s.path, s.reason);
            }
        }
        analysis
    }))
    .map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!(
            "internal error: idxlint crashed ({what}); this is a bug, please file an issue \
             with the command line and, if you can, the file that triggers it"
        )
    })
}

/// A rule name `--select`, `--ignore` and the config accept.
fn known_rule(name: &str) -> bool {
    // `unused-suppression` is produced by the suppression pass, not by a registry rule.
    idxlint::rules::find(name).is_some() || name == "unused-suppression"
}

/// Apply `--fail-on`, `--select` and `--ignore` to the loaded config.
fn apply_overrides(
    config: &mut Config,
    fail_on: Option<SeverityArg>,
    select: &[String],
    ignore: &[String],
) -> Result<(), String> {
    for name in select.iter().chain(ignore) {
        if !known_rule(name) {
            return Err(format!("unknown rule `{name}` (see `idxlint rules`)"));
        }
    }
    if let Some(f) = fail_on {
        config.fail_on = Some(f.as_str().to_string());
    }
    if !select.is_empty() {
        let all = idxlint::rules::RULES
            .iter()
            .map(|r| r.name)
            .chain(["unused-suppression"]);
        for name in all {
            if !select.iter().any(|s| s == name) {
                config.rules.insert(name.to_string(), "off".to_string());
            } else if let Some(rule) = idxlint::rules::find(name) {
                // Selecting a rule that is off by default turns it on.
                config
                    .rules
                    .entry(name.to_string())
                    .or_insert_with(|| rule.default_severity.as_str().to_string());
            }
        }
    }
    for name in ignore {
        config.rules.insert(name.clone(), "off".to_string());
    }
    Ok(())
}

/// Colours only on a terminal, without `--no-color` and without a non-empty `NO_COLOR`.
fn use_color(no_color: bool) -> bool {
    let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && !env_off && std::io::stdout().is_terminal()
}

/// Wrap width: `COLUMNS` on a terminal, else 100 (stable output in pipes and tests).
fn width() -> usize {
    if !std::io::stdout().is_terminal() {
        return 100;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .map_or(100, |c| c.clamp(40, 400))
}

fn load_config(start: &std::path::Path, explicit: Option<&PathBuf>) -> Result<Config, String> {
    match explicit {
        Some(p) => Config::load(p),
        None => Config::discover(start),
    }
}

/// The root that relative paths are reported against: the config file's folder, else the
/// single checked folder, else the current folder. Absolute, like the checked paths (see
/// [`absolute`]), so that every file's path can be made relative to it.
fn root_for(paths: &[PathBuf], config: &Config) -> PathBuf {
    let root = match (config.path.as_ref().and_then(|p| p.parent()), paths) {
        (Some(dir), _) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        (Some(_), _) => PathBuf::from("."),
        (None, [one]) if one.is_dir() => one.clone(),
        (None, _) => PathBuf::from("."),
    };
    root.canonicalize().unwrap_or(root)
}

/// The project a checked path belongs to: the folder of the config file, else the git top
/// level holding the path, else the path itself (its folder for a file). Canonical.
fn project_root_of(config: &Config, path: &Path) -> PathBuf {
    let root = match config.path.as_ref().and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => {
            let dir = if path.is_dir() {
                path.to_path_buf()
            } else {
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            };
            idxlint::changed::git_toplevel(&dir).unwrap_or(dir)
        }
    };
    root.canonicalize().unwrap_or(root)
}

/// The checked paths, canonical (they exist: [`check_paths`] ran first).
fn absolute(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    paths
        .into_iter()
        .map(|p| p.canonicalize().unwrap_or(p))
        .collect()
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Lsp => {
            // The server's writer thread needs stdout: release this thread's lock.
            drop(out);
            idxlint::lsp::run()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules => {
            writeln!(out, "{:<28} {:<8} SUMMARY", "RULE", "DEFAULT")?;
            for r in idxlint::rules::RULES {
                writeln!(
                    out,
                    "{:<28} {:<8} {}",
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let r = idxlint::rules::find(&rule)
                .ok_or_else(|| format!("unknown rule `{rule}` (see `idxlint rules`)"))?;
            write!(out, "{}", idxlint::rules::render_doc(r))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema {
            path,
            dialect,
            config,
            sources,
            format,
        } => {
            let (analysis, _) = analyze_one(path, dialect, config.as_ref())?;
            if sources {
                idxlint::report::sources::render(&analysis, &mut out)?;
            } else {
                match format {
                    SchemaFormat::Text => idxlint::report::schema::render(&analysis, &mut out)?,
                    SchemaFormat::Json => {
                        idxlint::report::schema_json::render(&analysis, &mut out)?
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Suggest {
            path,
            dialect,
            config,
            write,
        } => {
            let (analysis, config) = analyze_one(path, dialect, config.as_ref())?;
            let plan = idxlint::suggest::plan(&analysis, &config);
            let text = idxlint::suggest::migration_text(&analysis, &plan);
            if !write {
                write!(out, "{text}")?;
                return Ok(ExitCode::SUCCESS);
            }
            if plan.is_empty() {
                eprintln!("idxlint: no missing index; nothing written");
                return Ok(ExitCode::SUCCESS);
            }
            let dir = idxlint::suggest_forms::target_dir(&analysis, &config).ok_or_else(|| {
                "no migrations folder found; run without --write and save the output".to_string()
            })?;
            let now = idxlint::suggest::utc_timestamp();
            let runner = config
                .migration_runner
                .unwrap_or_else(|| idxlint::suggest_forms::detect_in(&dir));
            let stmts = idxlint::suggest_forms::statements(&plan, |p| {
                idxlint::rules::fix::suggestion_sql(analysis.dialect, &p.table, &p.suggestion)
            });
            let files = idxlint::suggest_forms::files(runner, &dir, &now, &stmts);
            if files.iter().any(|f| f.path.exists()) {
                return Err(format!(
                    "{} already exists; nothing written",
                    files
                        .iter()
                        .find(|f| f.path.exists())
                        .map(|f| f.path.display().to_string())
                        .unwrap_or_default()
                )
                .into());
            }
            for f in &files {
                if let Some(parent) = f.path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("{}: {e}", parent.display()))?;
                }
                idxlint::suggest::write_new_file(&f.path, &f.text)
                    .map_err(|e| format!("{}: {e}", f.path.display()))?;
                eprintln!(
                    "idxlint: wrote {} ({} form)",
                    f.path.display(),
                    runner.name()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect {
            location,
            dialect,
            config,
        } => {
            let (file, line) = location
                .rsplit_once(':')
                .and_then(|(f, l)| Some((PathBuf::from(f), l.parse::<usize>().ok()?)))
                .ok_or_else(|| format!("expected FILE:LINE, found `{location}`"))?;
            check_paths(std::slice::from_ref(&file))?;
            let file = file.canonicalize().unwrap_or(file);
            let config = load_config(&file, config.as_ref())?;
            let root = idxlint::changed::project_root(config.path.as_deref(), &file);
            let root = root.canonicalize().unwrap_or(root);
            let options = idxlint::Options {
                dialect: dialect.map(Into::into),
                ..Default::default()
            };
            let analysis = analyze_guarded(&root, std::slice::from_ref(&root), &config, &options)?;
            let rel = idxlint::discover::relative(&root, &file);
            let found = idxlint::report::inspect::render(&analysis, &config, &rel, line, &mut out)?;
            if found == 0 {
                return Err(format!("no query at {rel}:{line}").into());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            paths,
            format,
            dialect,
            config,
            app_parse_errors,
            verbose,
            ci,
            quiet,
            fail_on,
            select,
            ignore,
            no_color,
            all_migrations,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            check_paths(&paths)?;
            let paths = absolute(paths);
            let mut config = load_config(&paths[0], config.as_ref())?;
            apply_overrides(&mut config, fail_on, &select, &ignore)?;
            // Files or folders: read the whole project for the schema (the folder of
            // idxlint.toml, else the git top level, else the path), report only findings
            // under the given paths.
            let root = project_root_of(&config, &paths[0]);
            let only: Vec<String> = paths
                .iter()
                .map(|p| idxlint::discover::relative(&root, p))
                .collect();
            // A changed idxlint.toml changes what every file means: report the whole
            // project. Other files idxlint does not read (Cargo.toml) report nothing.
            let config_changed = paths.iter().any(|p| {
                p.file_name()
                    .is_some_and(|n| n == idxlint::config::CONFIG_FILE)
            });
            let report_only =
                (!config_changed && !only.iter().any(String::is_empty)).then_some(only);
            let paths = vec![root.clone()];
            let options = idxlint::Options {
                dialect: dialect.map(Into::into),
                app_parse_errors,
                keep_trees: false,
            };
            let mut analysis = analyze_guarded(&root, &paths, &config, &options)?;
            // Low-confidence findings (see `model::stats`) only with --verbose.
            if !verbose {
                analysis.diagnostics.retain(|d| d.confidence != Some("low"));
            }
            if !quiet {
                for w in idxlint::report::sources::warnings(&analysis) {
                    eprintln!("idxlint: warning: {w}");
                }
                if verbose {
                    eprintln!("idxlint: {}", idxlint::report::sources::summary(&analysis));
                    if let Some(why) = &analysis.plan.dialect_reason {
                        eprintln!("idxlint: dialect {} inferred: {why}", analysis.plan.dialect);
                    }
                    for c in &analysis.plan.conflicts {
                        let at = |l: &idxlint::source::Location| {
                            let (start, _) = idxlint::report::span(&analysis.sources, l);
                            format!("{}:{}", analysis.sources.get(l.file).path, start.line)
                        };
                        eprintln!(
                            "idxlint: schema conflict: table {} created at {} and at {}: {}",
                            c.table,
                            at(&c.first),
                            at(&c.second),
                            c.outcome
                        );
                    }
                }
            }
            if let Some(only) = &report_only {
                idxlint::changed::retain_paths(&analysis.sources, only, &mut analysis.diagnostics);
            }
            if !(all_migrations || config.all_migrations) {
                hide_applied(&root, report_only.as_deref(), &mut analysis);
            }
            if let Some(rev) = &ci.changed_since {
                idxlint::changed::changed_since(&root, rev)?
                    .filter(&analysis.sources, &mut analysis.diagnostics);
            }
            if let Some(file) = &ci.write_baseline {
                let b = idxlint::baseline::Baseline::from_diagnostics(
                    &analysis.sources,
                    &analysis.diagnostics,
                );
                b.save(file)?;
                eprintln!(
                    "idxlint: wrote {} findings to {}",
                    analysis.diagnostics.len(),
                    file.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(file) = &ci.baseline {
                idxlint::baseline::Baseline::load(file)?
                    .filter(&analysis.sources, &mut analysis.diagnostics);
            }
            match format {
                Format::Json => idxlint::report::json::render(&analysis, &mut out)?,
                Format::Sarif => idxlint::report::sarif::render(&analysis, &mut out)?,
                Format::Github => idxlint::report::github::render(&analysis, &mut out)?,
                Format::Human => {
                    let opts = HumanOptions {
                        verbose,
                        quiet,
                        color: use_color(no_color),
                        width: width(),
                    };
                    idxlint::report::human::render(&analysis, &opts, &mut out)?;
                    // A clean run prints nothing on stdout, but files that were not read
                    // are worth a note on stderr.
                    if analysis.diagnostics.is_empty()
                        && !analysis.skipped.is_empty()
                        && !verbose
                        && !quiet
                    {
                        eprintln!(
                            "idxlint: {}",
                            idxlint::report::human::summary_line(&analysis, false)
                        );
                    }
                }
            }
            out.flush()?;
            let fail_on = config.fail_on();
            let failed = analysis.diagnostics.iter().any(|d| d.severity >= fail_on);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Hide migration-safety findings on applied migrations (see `idxlint::history`); the count
/// goes to the `--verbose` notes.
fn hide_applied(root: &Path, given: Option<&[String]>, analysis: &mut idxlint::Analysis) {
    let Some(new) = idxlint::history::new_files(root) else {
        return;
    };
    let hidden = idxlint::history::hide_applied(
        &analysis.sources,
        &new,
        given.unwrap_or_default(),
        &mut analysis.diagnostics,
    );
    analysis.notes.extend(hidden.note());
}

/// Analyze one folder (default `.`) for the commands that take a single path.
fn analyze_one(
    path: Option<PathBuf>,
    dialect: Option<DialectArg>,
    config: Option<&PathBuf>,
) -> Result<(idxlint::Analysis, Config), Failure> {
    let paths = vec![path.unwrap_or_else(|| PathBuf::from("."))];
    check_paths(&paths)?;
    let paths = absolute(paths);
    let config = load_config(&paths[0], config)?;
    let root = root_for(&paths, &config);
    let options = idxlint::Options {
        dialect: dialect.map(Into::into),
        ..Default::default()
    };
    let analysis = analyze_guarded(&root, &paths, &config, &options)?;
    Ok((analysis, config))
}

fn check_paths(paths: &[PathBuf]) -> Result<(), String> {
    for p in paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        if p.is_dir() {
            if let Err(e) = std::fs::read_dir(p) {
                return Err(format!("{}: cannot read folder: {e}", p.display()));
            }
        } else if let Err(e) = std::fs::File::open(p) {
            return Err(format!("{}: cannot read file: {e}", p.display()));
        }
    }
    Ok(())
}

//! The `idxlint` command: arguments -> [`idxlint::analyze`] -> a renderer -> exit code.
//! Exit codes: 0 clean, 1 findings at or above the failing severity, 2 the tool failed.

use clap::{Parser, Subcommand, ValueEnum};
use idxlint::config::Config;
use idxlint::parse::Dialect;
use std::io::Write;
use std::path::PathBuf;
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
        /// Show skipped files and queries without a verdict.
        #[arg(short, long)]
        verbose: bool,
        #[command(flatten)]
        ci: CiArgs,
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("idxlint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn load_config(start: &std::path::Path, explicit: Option<&PathBuf>) -> Result<Config, String> {
    match explicit {
        Some(p) => Config::load(p),
        None => Config::discover(start),
    }
}

/// The root that relative paths are reported against: the config file's folder, else the
/// single checked folder, else the current folder.
fn root_for(paths: &[PathBuf], config: &Config) -> PathBuf {
    if let Some(dir) = config.path.as_ref().and_then(|p| p.parent()) {
        return dir.to_path_buf();
    }
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Lsp => {
            // The server's writer thread needs stdout: release this thread's lock.
            drop(out);
            idxlint::lsp::run()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules => {
            for r in idxlint::rules::RULES {
                writeln!(
                    out,
                    "{:<28} {:<8} {}",
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                )
                .map_err(|e| e.to_string())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let r = idxlint::rules::find(&rule)
                .ok_or_else(|| format!("unknown rule `{rule}` (see `idxlint rules`)"))?;
            write!(out, "{}", idxlint::rules::render_doc(r)).map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema {
            path,
            dialect,
            config,
        } => {
            let paths = vec![path.unwrap_or_else(|| PathBuf::from("."))];
            check_paths(&paths)?;
            let config = load_config(&paths[0], config.as_ref())?;
            let root = root_for(&paths, &config);
            let options = idxlint::Options {
                dialect: dialect.map(Into::into),
                ..Default::default()
            };
            let analysis = idxlint::analyze(&root, &paths, &config, &options);
            idxlint::report::schema::render(&analysis, &mut out).map_err(|e| e.to_string())?;
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
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            check_paths(&paths)?;
            let config = load_config(&paths[0], config.as_ref())?;
            // File names (as pre-commit passes them): read the whole project for the
            // schema, report only findings in those files.
            let (root, paths, report_only) = if paths.iter().all(|p| p.is_file()) {
                let root = idxlint::changed::project_root(config.path.as_deref(), &paths[0]);
                let root = root.canonicalize().unwrap_or(root);
                let only: Vec<String> = paths
                    .iter()
                    .map(|p| {
                        let abs = p.canonicalize().unwrap_or_else(|_| p.clone());
                        idxlint::discover::relative(&root, &abs)
                    })
                    .collect();
                (root.clone(), vec![root], Some(only))
            } else {
                (root_for(&paths, &config), paths, None)
            };
            let options = idxlint::Options {
                dialect: dialect.map(Into::into),
                app_parse_errors,
            };
            let mut analysis = idxlint::analyze(&root, &paths, &config, &options);
            if let Some(only) = &report_only {
                idxlint::changed::retain_paths(&analysis.sources, only, &mut analysis.diagnostics);
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
                Format::Json => idxlint::report::json::render(&analysis, &mut out),
                Format::Human => idxlint::report::human::render(&analysis, verbose, &mut out),
                Format::Sarif => idxlint::report::sarif::render(&analysis, &mut out),
                Format::Github => idxlint::report::github::render(&analysis, &mut out),
            }
            .map_err(|e| e.to_string())?;
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

fn check_paths(paths: &[PathBuf]) -> Result<(), String> {
    for p in paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        if p.is_dir() && std::fs::read_dir(p).is_err() {
            return Err(format!("{}: cannot read folder", p.display()));
        }
    }
    Ok(())
}

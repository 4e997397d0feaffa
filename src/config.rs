//! `idxlint.toml`: found by walking up from the checked path.
//!
//! ```toml
//! dialect = "postgres"            # postgres | mysql | sqlite
//! migrations = ["db/schema/**"]   # globs added to the default migration paths
//! include = []                    # when non-empty, only these globs are read
//! exclude = ["legacy/**"]         # never read
//! fail-on = "warning"             # lowest severity that makes the exit code 1
//! postgres-version = 16           # 18+: skip scans are noted in findings
//! migration-runner = "plain"      # plain | golang-migrate | pop | alembic | rails | django |
//!                                 # prisma | drizzle | flyway | sqitch | diesel | goose |
//!                                 # dbmate (default: detected from the files)
//! all-migrations = false          # true: migration-safety rules judge applied migrations too
//!
//! [schema-sources]                # glob -> role, overriding what idxlint recognizes
//! "db/schema.sql" = "base"        # migration | base | dump | setup | teardown | data |
//! "scripts/**" = "ignored"        # application | ignored
//! search-path = ["app", "public"] # PostgreSQL schemas unqualified names resolve through
//!                                 # (default ["public"])
//!
//! [rules]                         # per-rule severity, or "off"
//! redundant-index = "error"
//! missing-index = "off"
//!
//! [tables]
//! small = ["countries", "settings"]   # lookup tables where a scan is fine
//! large = ["events"]                  # tables where every scan hurts
//! rows = { orders = 5e7 }             # row estimates; override every other size hint
//!
//! [naming]                        # names code builds through a helper (default: none)
//! helpers = ["convertToIdentifiers"]  # fn(schemaObject) -> { table, fields }
//! columns = "snake_case"          # snake_case | as-is: `fields.userId` -> `user_id`
//! tables = "plural_snake_case"    # snake_case | plural_snake_case | as-is: `User` -> `users`
//! ```

use crate::diagnostic::Severity;
use crate::parse::Dialect;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "idxlint.toml";

/// Default globs of migration files: their DDL builds the schema and their other statements
/// (data changes) are not analyzed as queries. Every other `.sql` file declares schema too,
/// but its queries are checked (`queries/*.sql` for sqlc, say).
pub const DEFAULT_MIGRATIONS: &[&str] = &[
    "**/migrations/**",
    "**/migrate/**",
    "**/db/migrate/**",
    "**/alembic/versions/**",
    "**/schema.sql",
    "**/structure.sql",
];

/// Files that undo migrations: never schema.
pub const DEFAULT_DOWN: &[&str] = &["**/*.down.sql", "**/down.sql"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub dialect: Option<Dialect>,
    #[serde(default)]
    pub migrations: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub fail_on: Option<String>,
    /// Rule name -> "error" | "warning" | "info" | "off".
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub tables: TableHints,
    /// PostgreSQL major version (default 16): 18 adds B-tree skip scans.
    pub postgres_version: Option<u32>,
    /// How migrations are run (which files run inside a transaction).
    pub migration_runner: Option<crate::model::migration::Runner>,
    /// Migration-safety rules judge every migration, not only new ones (see
    /// [`crate::history`]).
    #[serde(default)]
    pub all_migrations: bool,
    /// Largest file read, in bytes (default 2 MiB).
    pub max_file_size: Option<u64>,
    /// Glob -> role (`migration`, `base`, `dump`, ...): overrides the role the schema-source
    /// readers give a file (see [`crate::sources`]). The first matching glob wins.
    #[serde(default)]
    pub schema_sources: BTreeMap<String, String>,
    /// Largest schema source read (`.sql` files, migrations), in bytes (default 64 MiB).
    pub max_schema_file_size: Option<u64>,
    /// PostgreSQL schemas an unqualified table name resolves through, in order (default
    /// `["public"]`); the first is where unqualified DDL creates objects.
    #[serde(default)]
    pub search_path: Vec<String>,
    /// Helpers that turn schema objects into SQL names, and how code names map to SQL
    /// names (see [`crate::extract::naming`]).
    #[serde(default)]
    pub naming: crate::extract::naming::Naming,
    /// Where the config was loaded from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableHints {
    #[serde(default)]
    pub small: Vec<String>,
    /// Tables known to be large (see `model::stats`).
    #[serde(default)]
    pub large: Vec<String>,
    /// Row estimates per table; they override every other size hint.
    #[serde(default)]
    pub rows: BTreeMap<String, f64>,
    /// Columns every query on a table that has them is filtered by with an equality the
    /// query text does not show: a row-level security policy (`USING (tenant_id =
    /// current_setting(...))`) or a tenant scope the data layer adds.
    #[serde(default, rename = "scoped-by")]
    pub scoped_by: Vec<String>,
}

/// A rule's configured state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    On(Severity),
}

impl Config {
    /// Load the nearest `idxlint.toml` at or above `start`; the default config when none.
    pub fn discover(start: &Path) -> Result<Config, String> {
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_file() {
            start.parent().map(Path::to_path_buf)
        } else {
            Some(start)
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("invalid {}: {e}", path.display()))?;
        config.path = Some(path.to_path_buf());
        config
            .validate()
            .map_err(|e| format!("invalid {}: {e}", path.display()))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        for (rule, value) in &self.rules {
            if crate::rules::find(rule).is_none() {
                return Err(format!("unknown rule `{rule}` in [rules]"));
            }
            if value != "off" && Severity::parse(value).is_none() {
                return Err(format!(
                    "rule `{rule}`: expected \"error\", \"warning\", \"info\" or \"off\", found {value:?}"
                ));
            }
        }
        if let Some(f) = &self.fail_on {
            if Severity::parse(f).is_none() {
                return Err(format!(
                    "fail-on: expected \"error\", \"warning\" or \"info\", found {f:?}"
                ));
            }
        }
        for (glob, role) in &self.schema_sources {
            globset::Glob::new(glob).map_err(|e| format!("invalid glob {glob:?}: {e}"))?;
            if crate::sources::Role::parse(role).is_none() {
                return Err(format!(
                    "schema-sources: unknown role {role:?} for {glob:?} (expected migration, \
                     base, dump, setup, teardown, data, application or ignored)"
                ));
            }
        }
        self.naming.validate()?;
        for g in self
            .migrations
            .iter()
            .chain(&self.include)
            .chain(&self.exclude)
        {
            globset::Glob::new(g).map_err(|e| format!("invalid glob {g:?}: {e}"))?;
        }
        Ok(())
    }

    /// The severity a rule runs at, or `Off`.
    pub fn rule_setting(&self, rule: &str, default: Severity) -> RuleSetting {
        match self.rules.get(rule).map(String::as_str) {
            Some("off") => RuleSetting::Off,
            Some(s) => RuleSetting::On(Severity::parse(s).unwrap_or(default)),
            None if crate::rules::OFF_BY_DEFAULT.contains(&rule) => RuleSetting::Off,
            None => RuleSetting::On(default),
        }
    }

    pub fn fail_on(&self) -> Severity {
        self.fail_on
            .as_deref()
            .and_then(Severity::parse)
            .unwrap_or(Severity::Warning)
    }

    pub fn is_large_table(&self, table: &str) -> bool {
        self.tables
            .large
            .iter()
            .any(|t| t.eq_ignore_ascii_case(table))
    }

    /// The configured row estimate of `table`, if any.
    pub fn table_rows(&self, table: &str) -> Option<f64> {
        self.tables
            .rows
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(table))
            .map(|(_, n)| *n)
    }

    pub fn is_small_table(&self, table: &str) -> bool {
        self.tables
            .small
            .iter()
            .any(|t| t.eq_ignore_ascii_case(table))
    }
}

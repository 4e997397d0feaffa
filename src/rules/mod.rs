//! The rules, as one static registry.
//!
//! A rule is one file: a [`Rule`] value with its name, default severity, documentation
//! (Markdown with fixed headings, from which `rules/<name>.md` is generated) and a check
//! that asks questions of the model and pushes [`Diagnostic`]s. Rules never fail; they
//! return early when the model cannot answer.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::coverage::{self, Gap};
use crate::model::migration::Step;
use crate::model::schema::{Schema, Table};
use crate::model::stats::{Size, Stats};
use crate::model::usage::{Query, QueryKind, TableAccess};
use crate::parse::Dialect;
use std::sync::OnceLock;

/// What every rule may look at.
pub struct Context<'a> {
    pub schema: &'a Schema,
    pub queries: &'a [Query],
    pub config: &'a Config,
    pub dialect: Dialect,
    /// The DDL statements of migration files, in order.
    pub steps: &'a [Step],
    /// Queries naming tables or columns the schema does not declare (no verdict); empty
    /// unless [`Context::with_unresolved`] gave them.
    pub unresolved: &'a [Query],
    /// Accesses no index serves, computed once for the rules that report them.
    gaps: OnceLock<Vec<GapSite<'a>>>,
    /// Tables the application code inserts into (for the statistics' append-only class).
    inserted: std::collections::BTreeSet<String>,
    stats: OnceLock<Stats>,
    /// Table key -> the queries touching it, in query order (built once: rules that look
    /// at one table's queries must not scan every query per table).
    by_table: OnceLock<std::collections::HashMap<&'a str, Vec<&'a Query>>>,
    /// Writes fix SQL; keeps suggested index names unique across the run.
    pub fixes: fix::FixWriter<'a>,
}

/// One access of one query that no index serves.
pub struct GapSite<'a> {
    pub query: &'a Query,
    pub access: &'a TableAccess,
    pub table: &'a Table,
    pub gap: Gap<'a>,
}

impl<'a> Context<'a> {
    pub fn new(
        schema: &'a Schema,
        queries: &'a [Query],
        steps: &'a [Step],
        config: &'a Config,
        dialect: Dialect,
    ) -> Self {
        Context {
            schema,
            queries,
            config,
            dialect,
            steps,
            unresolved: &[],
            gaps: OnceLock::new(),
            inserted: Default::default(),
            stats: OnceLock::new(),
            by_table: OnceLock::new(),
            fixes: fix::FixWriter::new(dialect, schema),
        }
    }

    /// The tables the application inserts into (`INSERT ... VALUES` outside migrations).
    pub fn with_inserted(mut self, inserted: std::collections::BTreeSet<String>) -> Self {
        self.inserted = inserted;
        self
    }

    /// The static statistics of this run (see [`crate::model::stats`]).
    pub fn stats(&self) -> &Stats {
        self.stats.get_or_init(|| {
            let changed = self
                .queries
                .iter()
                .filter(|q| matches!(q.kind, QueryKind::Update | QueryKind::Delete))
                .filter_map(|q| q.accesses.first().map(|a| a.table.clone()))
                .collect();
            Stats::new(self.config, &self.inserted, &changed)
        })
    }

    /// The queries with an access on the table `key`, in query order.
    pub fn queries_on(&self, key: &str) -> &[&'a Query] {
        let map = self.by_table.get_or_init(|| {
            let mut map: std::collections::HashMap<&'a str, Vec<&'a Query>> =
                std::collections::HashMap::new();
            for q in self.queries {
                let mut seen: Vec<&str> = Vec::new();
                for a in &q.accesses {
                    if !seen.contains(&a.table.as_str()) {
                        seen.push(a.table.as_str());
                        map.entry(a.table.as_str()).or_default().push(q);
                    }
                }
            }
            map
        });
        map.get(key).map_or(&[], Vec::as_slice)
    }

    /// The same context, knowing the queries without a verdict (a dropped column's users).
    pub fn with_unresolved(mut self, unresolved: &'a [Query]) -> Self {
        self.unresolved = unresolved;
        self
    }

    /// Every access of every query that no index serves, on tables that are not small,
    /// one per query and suggested index.
    pub fn gaps(&self) -> &[GapSite<'a>] {
        self.gaps.get_or_init(|| {
            let mut out: Vec<GapSite<'a>> = Vec::new();
            for query in self.queries {
                let first = out.len();
                for (i, access) in query.accesses.iter().enumerate() {
                    let Some(table) = self.schema.tables.get(&access.table) else {
                        continue;
                    };
                    let Some(gap) = coverage::gap(
                        self.schema,
                        self.stats(),
                        table,
                        &query.accesses,
                        i,
                        self.dialect,
                    ) else {
                        continue;
                    };
                    // A self-join may repeat the same need.
                    if out[first..]
                        .iter()
                        .any(|g| g.table.name == table.name && g.gap.suggestion == gap.suggestion)
                    {
                        continue;
                    }
                    out.push(GapSite {
                        query,
                        access,
                        table,
                        gap,
                    });
                }
            }
            out
        })
    }

    /// A table where a scan is fine: small by the statistics (listed under
    /// `[tables] small`, filled by the migrations themselves, a configuration table...).
    pub fn is_small(&self, table: &Table) -> bool {
        self.stats().table(self.schema, table).class == Size::Small
    }

    /// The fix creating `keys` on `table`, or `None` with a note appended to `help` when
    /// no correct SQL can be written (see [`fix::FixWriter`]).
    /// The fix creating a suggested index (partial when the suggestion has a predicate), or
    /// none with the reason added to `help`.
    pub fn suggestion_fix(
        &self,
        table: &str,
        suggestion: &crate::model::coverage::Suggestion,
        help: &mut Option<String>,
    ) -> Option<crate::diagnostic::Fix> {
        match self.fixes.suggestion(table, suggestion) {
            Ok(sql) => Some(crate::diagnostic::Fix { sql }),
            Err(note) => {
                let h = help.get_or_insert_with(String::new);
                if !h.is_empty() {
                    h.push_str("; ");
                }
                h.push_str(&note);
                None
            }
        }
    }

    pub fn create_index_fix(
        &self,
        table: &str,
        keys: &[crate::model::schema::IndexKey],
        method: &str,
        help: &mut Option<String>,
    ) -> Option<crate::diagnostic::Fix> {
        match self.fixes.create_index(table, keys, method) {
            Ok(sql) => Some(crate::diagnostic::Fix { sql }),
            Err(note) => {
                let h = help.get_or_insert_with(String::new);
                if !h.is_empty() {
                    h.push_str("; ");
                }
                h.push_str(&note);
                None
            }
        }
    }
}

/// A rule: metadata, documentation and check.
pub struct Rule {
    /// kebab-case, names the problem: used in config, suppressions, SARIF and docs.
    pub name: &'static str,
    /// One line, used by `idxlint rules` and as the doc page's summary.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// Markdown with the headings: What it does, Why is this bad?, Example, Use instead,
    /// Known limitations, Options, References.
    pub doc: &'static str,
    /// `None` for diagnostics produced by the pipeline itself (`parse-error`,
    /// `unused-suppression`).
    pub check: Option<fn(&Context, &mut Vec<Diagnostic>)>,
}

pub mod concurrent_index_in_transaction;
pub mod covering_index;
pub mod drop_index_in_use;
pub mod drop_index_not_concurrent;
pub mod duplicate_index;
pub mod fix;
pub mod index_not_concurrent;
pub mod leading_wildcard;
pub mod misordered_index;
pub mod missing_index;
pub mod non_sargable_predicate;
pub mod parse_error;
pub mod redundant_index;
pub mod reindex_not_concurrent;
pub mod unindexed_foreign_key;
pub mod unique_constraint_builds_index;
pub mod unused_suppression;
pub mod volatile_index_expression;
pub mod wide_index;

/// Every rule, in the order `idxlint rules` lists them.
pub static RULES: &[&Rule] = &[
    &missing_index::RULE,
    &misordered_index::RULE,
    &redundant_index::RULE,
    &duplicate_index::RULE,
    &unindexed_foreign_key::RULE,
    &non_sargable_predicate::RULE,
    &leading_wildcard::RULE,
    &volatile_index_expression::RULE,
    &wide_index::RULE,
    &covering_index::RULE,
    &index_not_concurrent::RULE,
    &concurrent_index_in_transaction::RULE,
    &drop_index_not_concurrent::RULE,
    &drop_index_in_use::RULE,
    &reindex_not_concurrent::RULE,
    &unique_constraint_builds_index::RULE,
    &parse_error::RULE,
    &unused_suppression::RULE,
];

/// Migration-safety rules: they judge what a migration does when it runs (locks, statements
/// PostgreSQL refuses, indexes it takes away), so they matter only for migrations that have
/// not run yet (see [`crate::history`]) and never for dumps or setup scripts.
/// `volatile-index-expression` is one: PostgreSQL refuses such an index at deploy time, so on
/// an applied migration it can only be a false alarm.
pub const MIGRATION_SAFETY: &[&str] = &[
    "index-not-concurrent",
    "concurrent-index-in-transaction",
    "drop-index-not-concurrent",
    "reindex-not-concurrent",
    "unique-constraint-builds-index",
    "volatile-index-expression",
    "drop-index-in-use",
];

/// Rules that run only when `idxlint.toml` or `--select` names them (hints, not problems).
pub const OFF_BY_DEFAULT: &[&str] = &["covering-index"];

/// The rule named `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// The Markdown page of a rule: title, summary, then its doc.
pub fn render_doc(rule: &Rule) -> String {
    format!(
        "# {}\n\n{}.\n\nDefault severity: {}.\n\n{}",
        rule.name,
        rule.summary,
        rule.default_severity.as_str(),
        rule.doc
    )
}

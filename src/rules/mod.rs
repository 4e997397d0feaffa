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
use crate::model::usage::{Query, TableAccess};
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
    /// Accesses no index serves, computed once for the rules that report them.
    gaps: OnceLock<Vec<GapSite<'a>>>,
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
            gaps: OnceLock::new(),
            fixes: fix::FixWriter::new(dialect, schema),
        }
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
                    if self.is_small(table) {
                        continue;
                    }
                    let Some(gap) =
                        coverage::gap(self.schema, table, &query.accesses, i, self.dialect)
                    else {
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

    /// A table where a scan is fine: listed under `[tables] small`, or filled by the
    /// migrations themselves (a lookup table).
    pub fn is_small(&self, table: &Table) -> bool {
        table.seeded || self.config.is_small_table(&table.name)
    }

    /// The fix creating `keys` on `table`, or `None` with a note appended to `help` when
    /// no correct SQL can be written (see [`fix::FixWriter`]).
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
    &reindex_not_concurrent::RULE,
    &unique_constraint_builds_index::RULE,
    &parse_error::RULE,
    &unused_suppression::RULE,
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

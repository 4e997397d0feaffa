//! The rules, as one static registry.
//!
//! A rule is one file: a [`Rule`] value with its name, default severity, documentation
//! (Markdown with fixed headings, from which `rules/<name>.md` is generated) and a check
//! that asks questions of the model and pushes [`Diagnostic`]s. Rules never fail; they
//! return early when the model cannot answer.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::schema::Schema;
use crate::model::usage::Query;
use crate::parse::Dialect;

/// What every rule may look at.
pub struct Context<'a> {
    pub schema: &'a Schema,
    pub queries: &'a [Query],
    pub config: &'a Config,
    pub dialect: Dialect,
}

impl Context<'_> {
    /// A table where a scan is fine: listed under `[tables] small`, or filled by the
    /// migrations themselves (a lookup table).
    pub fn is_small(&self, table: &crate::model::schema::Table) -> bool {
        table.seeded || self.config.is_small_table(&table.name)
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

pub mod duplicate_index;
pub mod fix;
pub mod misordered_index;
pub mod missing_index;
pub mod parse_error;
pub mod redundant_index;
pub mod unindexed_foreign_key;
pub mod unused_suppression;

/// Every rule, in the order `idxlint rules` lists them.
pub static RULES: &[&Rule] = &[
    &missing_index::RULE,
    &misordered_index::RULE,
    &redundant_index::RULE,
    &duplicate_index::RULE,
    &unindexed_foreign_key::RULE,
    &parse_error::RULE,
    &unused_suppression::RULE,
];

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

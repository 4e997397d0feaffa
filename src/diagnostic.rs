//! The one diagnostic type every rule produces and every renderer consumes.
//!
//! Locations are byte ranges in a [`SourceDb`](crate::source::SourceDb) file; renderers turn
//! them into lines and columns.

use crate::source::Location;
use serde::Serialize;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location with a short message ("index declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub message: String,
    pub location: Location,
}

/// A suggested change: SQL to run (a `CREATE INDEX`, a `DROP INDEX`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub sql: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's kebab-case name (`missing-index`).
    pub rule: &'static str,
    pub severity: Severity,
    /// One line naming the concrete objects.
    pub message: String,
    /// Where the problem is: the query text, or the index declaration.
    pub location: Location,
    /// Other places that explain the finding.
    pub related: Vec<Related>,
    /// Why this is a problem, in the planner's terms.
    pub reason: Option<String>,
    /// What to do, in the imperative.
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// The table the finding is about.
    pub table: Option<String>,
    /// Key columns of the suggested / redundant index, or of the foreign key.
    pub columns: Vec<String>,
    /// The index the finding is about, if any.
    pub index: Option<String>,
    /// For `missing-index`: how sure the finding is (`high`, `medium`, `low`), from the
    /// static statistics (see `model::stats`). Low-confidence findings are shown only
    /// with `--verbose`.
    pub confidence: Option<&'static str>,
    /// The finding is about a query built in code, part of which is not known.
    pub partial: bool,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        message: String,
        location: Location,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message,
            location,
            related: Vec::new(),
            reason: None,
            help: None,
            fix: None,
            table: None,
            columns: Vec::new(),
            index: None,
            confidence: None,
            partial: false,
        }
    }
}

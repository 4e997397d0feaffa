//! Fold DDL statements, in migration order, into the [`Schema`] they leave behind.

use crate::diagnostic::Diagnostic;
use crate::model::schema::Schema;
use crate::parse::{Dialect, Statement};

/// The schema after applying `statements` in order.
pub fn fold(
    dialect: Dialect,
    statements: &[Statement],
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    let _ = (dialect, statements, diagnostics);
    Schema::default()
}

//! Stage 6: render an [`Analysis`](crate::Analysis). One file per output format; each
//! renderer takes the analysis and writes to a `Write`. Line and column numbers are
//! computed here, never earlier.

pub mod github;
pub mod human;
pub mod inspect;
pub mod json;
pub mod sarif;
pub mod schema;
pub mod schema_json;

use crate::source::{LineCol, Location, SourceDb};

/// 1-based start and end line/column of a location.
pub fn span(sources: &SourceDb, loc: &Location) -> (LineCol, LineCol) {
    let f = sources.get(loc.file);
    (
        f.lines.line_col(&f.text, loc.range.start),
        f.lines.line_col(&f.text, loc.range.end),
    )
}

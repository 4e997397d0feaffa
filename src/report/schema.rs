//! `idxlint schema`: the schema as idxlint understood it, with where each object came from.

use crate::Analysis;
use std::io::{self, Write};

pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    for t in analysis.schema.tables.values() {
        writeln!(out, "table {}", t.name)?;
    }
    Ok(())
}

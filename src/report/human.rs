//! `--format human`: one block per finding and a summary line.

use crate::Analysis;
use std::io::{self, Write};

pub fn render(analysis: &Analysis, verbose: bool, out: &mut dyn Write) -> io::Result<()> {
    for d in &analysis.diagnostics {
        let (start, _) = super::span(&analysis.sources, &d.location);
        let path = &analysis.sources.get(d.location.file).path;
        writeln!(
            out,
            "{path}:{}:{}: {} [{}] {}",
            start.line,
            start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        )?;
    }
    if verbose {
        for s in &analysis.skipped {
            writeln!(out, "skipped {}: {}", s.path, s.reason)?;
        }
    }
    Ok(())
}

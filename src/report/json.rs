//! `--format json`: the stable machine-readable contract, documented in `docs/json.md`.
//!
//! One document on stdout: `{"version": 1, "findings": [...], "summary": {...}}`, findings
//! sorted by path, line, column, rule. Paths are relative to the checked root and
//! `/`-separated; lines and columns are 1-based, columns in characters.

use crate::diagnostic::Diagnostic;
use crate::source::{Location, SourceDb};
use crate::Analysis;
use serde_json::{json, Value};
use std::io::{self, Write};

fn location(sources: &SourceDb, loc: &Location) -> Value {
    let (start, end) = super::span(sources, loc);
    json!({
        "path": sources.get(loc.file).path,
        "start": {"line": start.line, "column": start.column},
        "end": {"line": end.line, "column": end.column},
    })
}

/// One finding as JSON.
pub fn finding(sources: &SourceDb, d: &Diagnostic) -> Value {
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "location": location(sources, &d.location),
        "related": d.related.iter().map(|r| json!({
            "message": r.message,
            "location": location(sources, &r.location),
        })).collect::<Vec<_>>(),
        "reason": d.reason,
        "help": d.help,
        "table": d.table,
        "columns": d.columns,
        "index": d.index,
        "fix": d.fix.as_ref().map(|f| json!({"sql": f.sql})),
    })
}

pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let doc = json!({
        "version": 1,
        "findings": analysis.diagnostics.iter()
            .map(|d| finding(&analysis.sources, d)).collect::<Vec<_>>(),
        "summary": {
            "files": analysis.stats.files,
            "statements": analysis.stats.statements,
            "parsed": analysis.stats.parsed,
            "skipped": analysis.skipped.len(),
            "findings": analysis.diagnostics.len(),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

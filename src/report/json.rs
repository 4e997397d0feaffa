//! `--format json`: the stable machine-readable contract, documented in `docs/json.md`.
//!
//! One document on stdout: `{"version": 1, "findings": [...], "summary": {...}}`, findings
//! sorted by path, line, column, rule. Paths are relative to the checked root and
//! `/`-separated; lines and columns are 1-based, columns in characters.

use crate::source::{Location, SourceDb};
use crate::Analysis;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub(super) struct Pos {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
pub(super) struct Loc<'a> {
    path: &'a str,
    start: Pos,
    end: Pos,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    message: &'a str,
    location: Loc<'a>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    sql: &'a str,
}

/// A finding, fields in the contract's order.
#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    location: Loc<'a>,
    related: Vec<RelatedOut<'a>>,
    reason: Option<&'a str>,
    help: Option<&'a str>,
    table: Option<&'a str>,
    columns: &'a [String],
    index: Option<&'a str>,
    fix: Option<FixOut<'a>>,
    /// `missing-index` only: `high`, `medium` or `low`.
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'a str>,
    /// Present (and true) only on findings about a query built in code, part of which is
    /// not known.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
}

#[derive(Serialize)]
struct SummaryOut {
    files: usize,
    statements: usize,
    parsed: usize,
    skipped: usize,
    findings: usize,
    schema: SchemaSummaryOut,
    queries: QueriesOut,
}

/// What the schema holds and how many files built it.
#[derive(Serialize)]
struct SchemaSummaryOut {
    tables: usize,
    indexes: usize,
    sources: usize,
}

#[derive(Serialize)]
struct QueriesOut {
    total: usize,
    with_verdict: usize,
    no_verdict: usize,
    unparsed: usize,
}

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    findings: Vec<FindingOut<'a>>,
    summary: SummaryOut,
}

/// A location as the JSON contracts write it (1-based lines and columns).
pub(super) fn loc<'a>(sources: &'a SourceDb, l: &Location) -> Loc<'a> {
    let (start, end) = super::span(sources, l);
    Loc {
        path: &sources.get(l.file).path,
        start: Pos {
            line: start.line,
            column: start.column,
        },
        end: Pos {
            line: end.line,
            column: end.column,
        },
    }
}

pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let sources = &analysis.sources;
    let doc = Doc {
        version: 1,
        findings: analysis
            .diagnostics
            .iter()
            .map(|d| FindingOut {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                location: loc(sources, &d.location),
                related: d
                    .related
                    .iter()
                    .map(|r| RelatedOut {
                        message: &r.message,
                        location: loc(sources, &r.location),
                    })
                    .collect(),
                reason: d.reason.as_deref(),
                help: d.help.as_deref(),
                table: d.table.as_deref(),
                columns: &d.columns,
                index: d.index.as_deref(),
                fix: d.fix.as_ref().map(|f| FixOut { sql: &f.sql }),
                confidence: d.confidence,
                partial: d.partial,
            })
            .collect(),
        summary: SummaryOut {
            files: analysis.stats.files,
            statements: analysis.stats.statements,
            parsed: analysis.stats.parsed,
            skipped: analysis.skipped.len(),
            findings: analysis.diagnostics.len(),
            schema: SchemaSummaryOut {
                tables: analysis.schema.tables.len(),
                indexes: analysis
                    .schema
                    .tables
                    .values()
                    .map(|t| t.indexes.len())
                    .sum(),
                sources: analysis.plan.folded(),
            },
            queries: QueriesOut {
                total: analysis.stats.queries.total,
                with_verdict: analysis.stats.queries.with_verdict,
                no_verdict: analysis.stats.queries.no_verdict,
                unparsed: analysis.stats.queries.unparsed,
            },
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and most CI dashboards read.
//!
//! Input: an [`Analysis`]. Output: one SARIF log with one run. `tool.driver.rules` lists every
//! rule of [`crate::rules::RULES`], then any other rule a finding names (the pipeline's own
//! `unused-suppression`), so every result's `ruleIndex` points into it.
//!
//! Invariants and choices:
//! - Paths are relative to the repository root (the git top level above the checked root,
//!   see [`super::repo_prefix`]), with `uriBaseId` `%SRCROOT%`, as code scanning resolves
//!   them; no absolute path is written, so the output is the same on every machine.
//! - Regions are 1-based; columns count UTF-16 code units, SARIF's default `columnKind`, and
//!   `endColumn` is the column after the last character (SARIF's exclusive end).
//! - `partialFingerprints["idxlintFingerprint/v1"]` is the [`baseline`](crate::baseline)
//!   fingerprint, which ignores line shifts, so code scanning tracks a finding across edits.
//! - The suggested SQL goes in `result.properties.suggestedSql`, not in `fixes`: a SARIF fix
//!   is a set of byte replacements in existing files, while idxlint's fix is a statement to
//!   add to a new migration.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Location, SourceDb};
use crate::Analysis;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// Base URL of the rule documentation pages; a rule's page is `<base><name>.md`.
pub const RULE_DOCS_BASE: &str = "https://github.com/idxlint/idxlint/blob/main/rules/";

/// The project's home page, `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://github.com/idxlint/idxlint";

/// The SARIF 2.1.0 schema.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of idxlint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "idxlintFingerprint/v1";

/// A SARIF level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The documentation page of a rule.
pub fn help_uri(rule: &str) -> String {
    format!("{RULE_DOCS_BASE}{rule}.md")
}

/// Ensure a SARIF message ends with a period (SARIF's guidance: messages are sentences).
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// SARIF's `name` of a rule: the id in PascalCase (`missing-index` -> `MissingIndex`).
fn friendly_name(rule: &str) -> String {
    rule.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(name: &str) -> Value {
    match crate::rules::find(name) {
        Some(r) => json!({
            "id": r.name,
            "name": friendly_name(r.name),
            "shortDescription": {"text": sentence(r.summary)},
            "fullDescription": {"text": sentence(r.summary)},
            "help": {"text": crate::rules::render_doc(r), "markdown": crate::rules::render_doc(r)},
            "helpUri": help_uri(r.name),
            "defaultConfiguration": {"level": level(r.default_severity)},
        }),
        // A diagnostic of the pipeline itself, with no registry entry.
        None => json!({
            "id": name,
            "name": friendly_name(name),
            "shortDescription": {"text": sentence(&format!("idxlint finding `{name}`"))},
            "fullDescription": {"text": sentence(&format!("idxlint finding `{name}`"))},
            "helpUri": help_uri(name),
            "defaultConfiguration": {"level": "warning"},
        }),
    }
}

fn physical_location(sources: &SourceDb, prefix: &str, loc: &Location) -> Value {
    let f = sources.get(loc.file);
    let (sl, sc) = f.lines.line_utf16(&f.text, loc.range.start);
    let (el, ec) = f
        .lines
        .line_utf16(&f.text, loc.range.end.max(loc.range.start));
    json!({
        "artifactLocation": {"uri": format!("{prefix}{}", f.path), "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": sl + 1,
            "startColumn": sc + 1,
            "endLine": el + 1,
            "endColumn": ec + 1,
        },
    })
}

fn message_text(d: &Diagnostic) -> String {
    let mut text = sentence(&d.message);
    if let Some(reason) = &d.reason {
        text.push(' ');
        text.push_str(&sentence(reason));
    }
    if let Some(help) = &d.help {
        text.push_str(" Help: ");
        text.push_str(&sentence(help));
    }
    text
}

fn result(sources: &SourceDb, prefix: &str, d: &Diagnostic, rule_index: usize) -> Value {
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": i + 1,
                "message": {"text": sentence(&r.message)},
                "physicalLocation": physical_location(sources, prefix, &r.location),
            })
        })
        .collect();
    let mut properties = Map::new();
    if let Some(fix) = &d.fix {
        properties.insert("suggestedSql".into(), json!(fix.sql));
    }
    if let Some(t) = &d.table {
        properties.insert("table".into(), json!(t));
    }
    if !d.columns.is_empty() {
        properties.insert("columns".into(), json!(d.columns));
    }
    if let Some(i) = &d.index {
        properties.insert("index".into(), json!(i));
    }
    if let Some(c) = d.confidence {
        properties.insert("confidence".into(), json!(c));
    }
    let mut r = json!({
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message_text(d)},
        "locations": [{"physicalLocation": physical_location(sources, prefix, &d.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: crate::baseline::fingerprint(sources, d)},
    });
    if let Some(obj) = r.as_object_mut() {
        if !related.is_empty() {
            obj.insert("relatedLocations".into(), Value::Array(related));
        }
        if !properties.is_empty() {
            obj.insert("properties".into(), Value::Object(properties));
        }
    }
    r
}

/// The SARIF log of an analysis.
pub fn log(analysis: &Analysis) -> Value {
    serde_json::to_value(Log::new(analysis)).unwrap_or(Value::Null)
}

/// The SARIF log, serialized as it is written: each result is built and dropped in turn,
/// so a run with many findings does not hold a JSON tree of all of them.
#[derive(serde::Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(serde::Serialize)]
struct Run<'a> {
    tool: Value,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Results<'a>,
}

struct Results<'a> {
    analysis: &'a Analysis,
    rule_ids: Vec<&'static str>,
    prefix: String,
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.analysis.diagnostics.iter().map(|d| {
            let index = self.rule_ids.iter().position(|r| *r == d.rule).unwrap_or(0);
            result(&self.analysis.sources, &self.prefix, d, index)
        }))
    }
}

impl<'a> Log<'a> {
    fn new(analysis: &'a Analysis) -> Log<'a> {
        let mut rule_ids: Vec<&'static str> = crate::rules::RULES.iter().map(|r| r.name).collect();
        let mut extra: Vec<&'static str> = analysis
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .filter(|r| !rule_ids.contains(r))
            .collect();
        extra.sort_unstable();
        extra.dedup();
        rule_ids.extend(extra);
        let tool = json!({"driver": {
            "name": "idxlint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": INFORMATION_URI,
            "rules": rule_ids.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
        }});
        Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool,
                column_kind: "utf16CodeUnits",
                results: Results {
                    analysis,
                    rule_ids,
                    prefix: super::repo_prefix(&analysis.root),
                },
            }],
        }
    }
}

/// Write the SARIF log as pretty JSON, one result at a time.
pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Log::new(analysis)).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_urls() {
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(level(Severity::Warning), "warning");
        assert_eq!(
            help_uri("missing-index"),
            "https://github.com/idxlint/idxlint/blob/main/rules/missing-index.md"
        );
    }

    #[test]
    fn friendly_names_are_pascal_case() {
        assert_eq!(
            friendly_name("unindexed-foreign-key"),
            "UnindexedForeignKey"
        );
    }

    #[test]
    fn messages_become_sentences() {
        assert_eq!(sentence("no index"), "no index.");
        assert_eq!(sentence("done."), "done.");
    }
}

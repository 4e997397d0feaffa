//! Inline suppressions.
//!
//! `idxlint: ignore[rule-a, rule-b]` in any comment silences those rules for a finding that
//! starts on the comment's line or the line below, or whose text spans the comment's line
//! (a `--` comment inside a multi-line query). `idxlint: ignore-file[rule]` silences a rule
//! in the whole file. `ignore` with no brackets, or `[*]`... is not accepted: a suppression
//! names its rules. A suppression that silences nothing is reported as `unused-suppression`.

use crate::config::{Config, RuleSetting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Location, SourceDb};
use regex::Regex;
use std::sync::OnceLock;

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// 0-based line of the comment.
    pub line: usize,
    pub rules: Vec<String>,
    pub file_level: bool,
    /// Byte range of the `idxlint: ...` text.
    pub range: std::ops::Range<usize>,
}

/// The suppressions of one file.
pub type Suppressions = Vec<Suppression>;

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"idxlint:\s*ignore(-file)?\[([^\]\n]*)\]").expect("valid regex"))
}

/// Find the suppression comments of a file.
pub fn scan(text: &str) -> Suppressions {
    if !text.contains("idxlint:") {
        return Vec::new();
    }
    let lines = crate::source::LineIndex::new(text);
    pattern()
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let rules = c
                .get(2)?
                .as_str()
                .split(',')
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            Some(Suppression {
                line: lines.line_of(whole.start()),
                rules,
                file_level: c.get(1).is_some(),
                range: whole.range(),
            })
        })
        .collect()
}

/// Drop suppressed diagnostics; report suppressions that silenced nothing.
/// `per_file[i]` are the suppressions of file `i`.
pub fn apply(
    sources: &SourceDb,
    per_file: &[Suppressions],
    diagnostics: &mut Vec<Diagnostic>,
    config: &Config,
) {
    let mut used: Vec<Vec<bool>> = per_file.iter().map(|s| vec![false; s.len()]).collect();
    diagnostics.retain(|d| {
        let file = d.location.file.0 as usize;
        let Some(sups) = per_file.get(file) else {
            return true;
        };
        let src = sources.get(d.location.file);
        let first = src.lines.line_of(d.location.range.start);
        let last = src
            .lines
            .line_of(d.location.range.end.max(d.location.range.start));
        let mut keep = true;
        for (i, s) in sups.iter().enumerate() {
            let applies = s.file_level || (s.line + 1 >= first && s.line <= last);
            if applies && s.rules.iter().any(|r| r == d.rule) {
                used[file][i] = true;
                keep = false;
            }
        }
        keep
    });
    let RuleSetting::On(severity) = config.rule_setting("unused-suppression", Severity::Warning)
    else {
        return;
    };
    for (file, sups) in per_file.iter().enumerate() {
        for (i, s) in sups.iter().enumerate() {
            if used[file][i] {
                continue;
            }
            let unknown: Vec<&String> = s
                .rules
                .iter()
                .filter(|r| crate::rules::find(r).is_none())
                .collect();
            let message = if !unknown.is_empty() {
                format!(
                    "suppression names unknown rule `{}`",
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join("`, `")
                )
            } else {
                format!(
                    "suppression of `{}` silences no finding",
                    s.rules.join("`, `")
                )
            };
            let mut d = Diagnostic::new(
                "unused-suppression",
                severity,
                message,
                Location {
                    file: crate::source::FileId(file as u32),
                    range: s.range.clone(),
                },
            );
            d.help = Some("remove the suppression comment".into());
            diagnostics.push(d);
        }
    }
}

//! Baselines: accept today's findings, report only new ones.
//!
//! Runs after the pipeline (on [`Analysis::diagnostics`](crate::Analysis)). `--write-baseline
//! FILE` stores every finding as `{rule, path, fingerprint, count}`; `--baseline FILE` drops
//! the findings the file lists, so the exit code reflects new findings only.
//!
//! The fingerprint must survive unrelated edits, so it leaves out line numbers and the
//! message (parser messages can quote positions). It hashes, with 64-bit FNV-1a (stable
//! across Rust versions and platforms, unlike `std`'s hasher):
//! the rule, the path, the source lines the finding covers with whitespace collapsed, and
//! the finding's table, columns and index. Two findings with the same fingerprint (the same
//! statement twice in a file) are told apart by counting: a baseline entry with `count: 2`
//! absorbs two such findings, a third is new.
//!
//! Invariants: writing is deterministic (entries sorted, one per fingerprint); reading a
//! malformed file is an error for the CLI to report, never a panic.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Version of the baseline file format.
pub const VERSION: u32 = 1;

/// One accepted finding (or several identical ones).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// How many findings share this fingerprint.
    pub count: usize,
    /// The message when the baseline was written, for people reading the file; not matched.
    #[serde(default)]
    pub message: String,
}

/// The baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The whole lines a finding's primary location covers, whitespace collapsed.
pub fn located_text(sources: &SourceDb, d: &Diagnostic) -> String {
    let f = sources.get(d.location.file);
    let text = &f.text;
    let start_line = f.lines.line_of(d.location.range.start.min(text.len()));
    let end_line = f.lines.line_of(d.location.range.end.min(text.len()));
    let start = f.lines.line_start(start_line).min(text.len());
    let end = f.lines.line_start(end_line + 1).min(text.len());
    let start = crate::source::clamp_to_char(text, start);
    let end = crate::source::clamp_to_char(text, end.max(start));
    text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fingerprint of a finding: 16 hex digits, independent of line numbers.
pub fn fingerprint(sources: &SourceDb, d: &Diagnostic) -> String {
    let path = &sources.get(d.location.file).path;
    // Fields are separated by a byte that cannot occur in them (NUL), so that
    // ("ab", "c") and ("a", "bc") hash differently.
    let parts = [
        d.rule,
        path.as_str(),
        &located_text(sources, d),
        d.table.as_deref().unwrap_or(""),
        &d.columns.join(","),
        d.index.as_deref().unwrap_or(""),
    ];
    format!("{:016x}", fnv1a(parts.join("\0").as_bytes()))
}

impl Baseline {
    /// The baseline that accepts exactly `diagnostics`.
    pub fn from_diagnostics(sources: &SourceDb, diagnostics: &[Diagnostic]) -> Baseline {
        let mut map: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
        for d in diagnostics {
            let key = (
                d.rule.to_string(),
                sources.get(d.location.file).path.clone(),
                fingerprint(sources, d),
            );
            map.entry(key.clone())
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    rule: key.0,
                    path: key.1,
                    fingerprint: key.2,
                    count: 1,
                    message: d.message.clone(),
                });
        }
        Baseline {
            version: VERSION,
            findings: map.into_values().collect(),
        }
    }

    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
        if b.version != VERSION {
            return Err(format!(
                "baseline {}: unsupported version {} (expected {VERSION})",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// Write the baseline as pretty JSON with a trailing newline.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
    }

    /// Drop from `diagnostics` the findings this baseline accepts; keep the rest in order.
    pub fn filter(&self, sources: &SourceDb, diagnostics: &mut Vec<Diagnostic>) {
        let mut remaining: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *remaining
                .entry((e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
                .or_default() += e.count;
        }
        diagnostics.retain(|d| {
            let key = (
                d.rule.to_string(),
                sources.get(d.location.file).path.clone(),
                fingerprint(sources, d),
            );
            match remaining.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::{Location, SourceFile};

    fn db(text: &str) -> (SourceDb, crate::source::FileId) {
        let mut db = SourceDb::default();
        let id = db.add(SourceFile::new("a.sql".into(), "a.sql".into(), text.into()));
        (db, id)
    }

    fn diag(file: crate::source::FileId, start: usize, end: usize) -> Diagnostic {
        Diagnostic::new(
            "parse-error",
            Severity::Warning,
            format!("at {start}"),
            Location {
                file,
                range: start..end,
            },
        )
    }

    #[test]
    fn fingerprint_ignores_line_shifts_and_whitespace() {
        let (a, fa) = db("SELEC  1;\n");
        let (b, fb) = db("-- new\n\n  SELEC 1;\n");
        assert_eq!(
            fingerprint(&a, &diag(fa, 0, 0)),
            fingerprint(&b, &diag(fb, 9, 9))
        );
    }

    #[test]
    fn fingerprint_depends_on_text_and_table() {
        let (a, fa) = db("SELEC 1;\nSELEC 2;\n");
        let one = diag(fa, 0, 0);
        let two = diag(fa, 9, 9);
        assert_ne!(fingerprint(&a, &one), fingerprint(&a, &two));
        let mut with_table = one.clone();
        with_table.table = Some("users".into());
        assert_ne!(fingerprint(&a, &one), fingerprint(&a, &with_table));
    }

    #[test]
    fn duplicates_are_counted() {
        let (a, fa) = db("SELEC 1;\nSELEC 1;\nSELEC 1;\n");
        let two = vec![diag(fa, 0, 0), diag(fa, 9, 9)];
        let b = Baseline::from_diagnostics(&a, &two);
        assert_eq!(b.findings.len(), 1);
        assert_eq!(b.findings[0].count, 2);
        let mut three = vec![diag(fa, 0, 0), diag(fa, 9, 9), diag(fa, 18, 18)];
        b.filter(&a, &mut three);
        assert_eq!(three.len(), 1);
    }
}

//! Renderer for the language server: [`Diagnostic`] to LSP diagnostics.
//!
//! Input: an [`Analysis`] and one of its diagnostics. Output: `lsp_types` values. Byte
//! offsets become 0-based lines and UTF-16 columns here and nowhere earlier (the LSP's
//! default position encoding). The rule is the `code`, its documentation page the
//! `codeDescription.href` (the base SARIF uses), other locations `relatedInformation`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::sarif::help_uri;
use crate::source::{Location, SourceDb};
use crate::Analysis;
use lsp_types as lsp;

/// The LSP range of a location.
pub fn range(sources: &SourceDb, loc: &Location) -> lsp::Range {
    let f = sources.get(loc.file);
    let (sl, sc) = f.lines.line_utf16(&f.text, loc.range.start);
    let (el, ec) = f
        .lines
        .line_utf16(&f.text, loc.range.end.max(loc.range.start));
    lsp::Range::new(lsp::Position::new(sl, sc), lsp::Position::new(el, ec))
}

/// The LSP position of a byte offset in a file.
pub fn position(sources: &SourceDb, loc: &Location, offset: usize) -> lsp::Position {
    let f = sources.get(loc.file);
    let (l, c) = f.lines.line_utf16(&f.text, offset);
    lsp::Position::new(l, c)
}

/// The severity the LSP shows.
pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The `file://` URI of a file of the analysis.
pub fn uri(analysis: &Analysis, loc: &Location) -> Option<lsp::Url> {
    lsp::Url::from_file_path(&analysis.sources.get(loc.file).abs_path).ok()
}

/// One diagnostic as the LSP publishes it. The message carries the help and the suggested
/// SQL on lines of their own, so an editor's diagnostic float shows them (and they can be
/// copied from there).
pub fn diagnostic(analysis: &Analysis, d: &Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(fix) = &d.fix {
        message.push_str("\nfix: ");
        message.push_str(&fix.sql);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(
                    uri(analysis, &r.location)?,
                    range(&analysis.sources, &r.location),
                ),
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(&analysis.sources, &d.location),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description: lsp::Url::parse(&help_uri(d.rule))
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("idxlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.rule == "unused-suppression").then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};

    #[test]
    fn ranges_count_utf16_units() {
        let mut db = SourceDb::default();
        let text = "-- é😀\nSELEC 1;\n".to_string();
        let id = db.add(SourceFile::new("a.sql".into(), "/a.sql".into(), text));
        assert_eq!(id, FileId(0));
        // From the end of the first line (byte 9: "-- " 3 + é 2 + 😀 4) to the "1".
        let loc = Location {
            file: id,
            range: 9..16,
        };
        let r = range(&db, &loc);
        // "-- é" is 4 UTF-16 units, the emoji 2 more.
        assert_eq!(r.start, lsp::Position::new(0, 6));
        assert_eq!(r.end, lsp::Position::new(1, 6));
    }
}

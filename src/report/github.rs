//! `--format github`: GitHub Actions workflow commands, one line per finding.
//!
//! Input: an [`Analysis`]. Output: lines of the form
//! `::error file=<path>,line=<l>,endLine=<l>,col=<c>,endColumn=<c>,title=idxlint (<rule>)::<body>`
//! which the Actions runner turns into annotations on the pull request's diff.
//!
//! Invariants: one line per finding, in the analysis' order; every value is escaped the way
//! the runner unescapes it (see [`escape_data`] and [`escape_property`]), so a message can
//! never end the command early or inject another one. Severities map to commands as
//! error -> `error`, warning -> `warning`, info -> `notice`. Paths are relative to the checked
//! root, which is the repository root when the action runs idxlint at the top level.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceDb;
use crate::Analysis;
use std::io::{self, Write};

/// Escape the message part of a workflow command (after `::`).
///
/// The runner decodes `%25`, `%0D` and `%0A` in the message; `%` must be escaped first so
/// that an escape is never produced twice.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`): as [`escape_data`], plus `:` and `,`, which
/// delimit properties and the command's end.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The annotation body: message, then reason, help and the suggested SQL on their own lines.
fn body(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(reason) = &d.reason {
        text.push_str("\n\n");
        text.push_str(reason);
    }
    if let Some(help) = &d.help {
        text.push_str("\n\nhelp: ");
        text.push_str(help);
    }
    if let Some(fix) = &d.fix {
        text.push_str("\n\nsuggested fix:\n");
        text.push_str(&fix.sql);
    }
    text
}

/// One finding as a workflow command, without the trailing newline; `prefix` is the checked
/// root's path in the repository ([`super::repo_prefix`]): GitHub resolves `file=` against
/// the repository root.
pub fn annotation(sources: &SourceDb, prefix: &str, d: &Diagnostic) -> String {
    let (start, end) = super::span(sources, &d.location);
    let path = format!("{prefix}{}", sources.get(d.location.file).path);
    format!(
        "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
        command(d.severity),
        escape_property(&path),
        start.line,
        end.line,
        start.column,
        end.column,
        escape_property(&format!("idxlint ({})", d.rule)),
        escape_data(&body(d)),
    )
}

/// Write one workflow command per finding.
pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let prefix = super::repo_prefix(&analysis.root);
    for d in &analysis.diagnostics {
        writeln!(out, "{}", annotation(&analysis.sources, &prefix, d))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        // An existing escape sequence in the text must survive a round trip.
        assert_eq!(escape_data("%0A"), "%250A");
        // `:` and `,` are fine in the message.
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(
            escape_property("idxlint (missing-index)"),
            "idxlint (missing-index)"
        );
    }

    #[test]
    fn severities_map_to_commands() {
        assert_eq!(command(Severity::Error), "error");
        assert_eq!(command(Severity::Warning), "warning");
        assert_eq!(command(Severity::Info), "notice");
    }
}

//! Stage 6, `--format human`: findings as code frames on the original files, for people.
//!
//! Input: an [`Analysis`]. Output: text on a `Write`. Each finding is drawn by miette's
//! [`GraphicalReportHandler`]: a header `warning[missing-index]: <message>`, a code frame with
//! the primary span labelled by the rule name, related locations in the same file as extra
//! labels on that frame and related locations in other files as frames of their own; then
//! `reason:`, `help:` and `fix:` lines. A summary line closes the report.
//!
//! Invariants and choices:
//! - A clean run writes nothing (like `rustfmt --check`); `--verbose` adds the summary line,
//!   the skipped files and the queries without a verdict. `--quiet` drops the summary line.
//! - Colours only when the caller says so ([`HumanOptions::color`]); the CLI decides from
//!   the terminal and `NO_COLOR`. Without colour the output is plain Unicode text and depends
//!   only on the analysis and [`HumanOptions::width`], so snapshots are stable.
//! - Frames never print huge text: a span over [`MAX_FRAME_LINES`] lines is cut to its first
//!   line, and a location on a line longer than [`MAX_LINE_BYTES`] bytes is shown as
//!   `--> path:line:col` without a frame (minified or generated files).
//! - Never panics on odd locations: ranges past the end of a file are clamped.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{clamp_to_char, LineIndex, Location, SourceDb, SourceFile};
use crate::Analysis;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};

/// A span covering more lines than this is drawn as its first line only.
pub const MAX_FRAME_LINES: usize = 12;
/// A location on a line longer than this (in bytes) is printed without a code frame.
pub const MAX_LINE_BYTES: usize = 400;

/// How to draw the report.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// List skipped files and queries without a verdict; print the summary even when clean.
    pub verbose: bool,
    /// Print only the findings, no summary line.
    pub quiet: bool,
    /// ANSI colours.
    pub color: bool,
    /// Wrap width in columns.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            verbose: false,
            quiet: false,
            color: false,
            width: 100,
        }
    }
}

/// Write the human report of `analysis` to `out`.
pub fn render(analysis: &Analysis, opts: &HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1);
    for d in &analysis.diagnostics {
        let mut text = String::new();
        let report = build(&analysis.sources, d);
        handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("cannot format a finding"))?;
        out.write_all(text.as_bytes())?;
        write_footer(d, out)?;
        writeln!(out)?;
    }
    if opts.verbose {
        write_verbose(analysis, out)?;
    }
    if !opts.quiet && (opts.verbose || !analysis.diagnostics.is_empty()) {
        writeln!(out, "{}", summary_line(analysis, opts.verbose))?;
    }
    Ok(())
}

/// The closing line, e.g. `3 findings (2 warnings, 1 error) in 41 files, 120 statements
/// (2 unparsed), 1 file skipped; use --verbose to see why`.
pub fn summary_line(analysis: &Analysis, verbose: bool) -> String {
    let ds = &analysis.diagnostics;
    let mut by_severity = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        let n = ds.iter().filter(|d| d.severity == sev).count();
        if n > 0 {
            by_severity.push(plural(n, one, many));
        }
    }
    let mut line = if ds.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{} ({})",
            plural(ds.len(), "finding", "findings"),
            by_severity.join(", ")
        )
    };
    let stats = &analysis.stats;
    line.push_str(&format!(
        " in {}, {}",
        plural(stats.files, "file", "files"),
        plural(stats.statements, "statement", "statements")
    ));
    let unparsed = stats.statements.saturating_sub(stats.parsed);
    if unparsed > 0 {
        line.push_str(&format!(" ({unparsed} unparsed)"));
    }
    let skipped = analysis.skipped.len();
    if skipped > 0 {
        line.push_str(&format!(", {} skipped", plural(skipped, "file", "files")));
        if !verbose {
            line.push_str("; use --verbose to see why");
        }
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `reason:`, `help:` and `fix:` after the frames, in that order.
fn write_footer(d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    if let Some(reason) = &d.reason {
        write_field(out, "reason", reason)?;
    }
    if let Some(help) = &d.help {
        write_field(out, "help", help)?;
    }
    if let Some(fix) = &d.fix {
        write_field(out, "fix", &fix.sql)?;
    }
    Ok(())
}

/// `  name: first line` then further lines indented under the first.
fn write_field(out: &mut dyn Write, name: &str, text: &str) -> io::Result<()> {
    let indent = " ".repeat(name.len() + 4);
    for (i, line) in text.trim_end().lines().enumerate() {
        if i == 0 {
            writeln!(out, "  {name}: {line}")?;
        } else {
            writeln!(out, "{indent}{line}")?;
        }
    }
    Ok(())
}

/// ` (table t exists as stats.t, off the search path: set search-path in idxlint.toml)`
/// when a word of `sql` names a table only a schema-qualified name reaches.
fn off_path_hint(schema: &crate::model::schema::Schema, sql: &str) -> String {
    let mut seen = std::collections::BTreeSet::new();
    for w in sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        let w = w.to_lowercase();
        if !seen.insert(w.clone()) {
            continue;
        }
        let keys = schema.off_path(&w);
        if !keys.is_empty() {
            return format!(
                " (table {w} exists as {}, off the search path: qualify it or set search-path in idxlint.toml)",
                keys.join(", ")
            );
        }
    }
    String::new()
}

fn write_verbose(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    for s in &analysis.skipped {
        writeln!(out, "skipped {}: {}", s.path, s.reason)?;
    }
    for q in &analysis.unresolved {
        writeln!(
            out,
            "no verdict {}: {}{}",
            position(&analysis.sources, &q.location),
            one_line(q.built.as_deref().unwrap_or(&q.sql), 120),
            off_path_hint(&analysis.schema, &q.sql)
        )?;
        if let Some(reason) = &q.no_verdict {
            writeln!(out, "  because {reason}")?;
        }
    }
    let c = &analysis.stats.queries;
    if c.total > 0 {
        writeln!(
            out,
            "queries: {} in application code: {} with a verdict, {} without (listed above), {} unparsed",
            c.total, c.with_verdict, c.no_verdict, c.unparsed
        )?;
    }
    for n in &analysis.notes {
        writeln!(out, "note: {n}")?;
    }
    if !analysis.skipped.is_empty()
        || !analysis.unresolved.is_empty()
        || !analysis.notes.is_empty()
        || c.total > 0
    {
        writeln!(out)?;
    }
    Ok(())
}

/// `path:line:column` of a location's start.
fn position(sources: &SourceDb, loc: &Location) -> String {
    let (start, _) = super::span(sources, loc);
    format!(
        "{}:{}:{}",
        sources.get(loc.file).path,
        start.line,
        start.column
    )
}

/// `text` on one line, cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// A file's text under its path, as miette reads it.
///
/// miette finds the lines around a span by scanning the text from its first byte, which
/// made the report quadratic in the findings of one big file. `read_span` hands miette only
/// a window of whole lines around the span, found through the file's [`LineIndex`], and
/// shifts the answer back: drawing a finding costs the size of its frame, not its offset.
#[derive(Debug)]
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).min(self.text.len());
        // Whole lines, with one spare line on each side of the context miette asks for.
        let first = self
            .lines
            .line_of(start)
            .saturating_sub(before.saturating_add(1));
        let last = self
            .lines
            .line_of(end)
            .saturating_add(after.saturating_add(2));
        let lo = self.lines.line_start(first).min(self.text.len());
        let hi = self.lines.line_start(last).min(self.text.len());
        let window = self.text.get(lo..hi).unwrap_or(self.text);
        let lo = if window.len() == self.text.len() {
            0
        } else {
            lo
        };
        let first = if lo == 0 { 0 } else { first };
        let local = SourceSpan::new((span.offset() - lo).into(), span.len());
        let inner = window.read_span(&local, before, after)?;
        let shifted = SourceSpan::new((inner.span().offset() + lo).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            shifted,
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One miette diagnostic: a header, an optional frame, and nested frames of other files.
#[derive(Debug)]
struct Frame<'a> {
    header: String,
    severity: miette::Severity,
    source: Option<Named<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Frame<'a>>,
}

impl fmt::Display for Frame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for Frame<'_> {}

impl miette::Diagnostic for Frame<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// The byte span to draw for `loc`, or `None` when the location cannot be drawn.
fn drawable(file: &SourceFile, loc: &Location) -> Option<SourceSpan> {
    let text = &file.text;
    if text.is_empty() {
        return None;
    }
    let start = clamp_to_char(text, loc.range.start);
    let mut end = clamp_to_char(text, loc.range.end.max(start));
    let first = file.lines.line_of(start);
    let mut last = file.lines.line_of(end);
    if last - first >= MAX_FRAME_LINES {
        end = line_end(file, first).max(start);
        last = first;
    }
    // Context lines around the span are drawn too.
    let lo = first.saturating_sub(1);
    let hi = (last + 1).min(file.lines.line_count() - 1);
    for line in lo..=hi {
        let len = line_end(file, line) - file.lines.line_start(line).min(text.len());
        if len > MAX_LINE_BYTES {
            return None;
        }
    }
    Some(SourceSpan::new(start.into(), end - start))
}

/// Byte offset of the end of 0-based `line`, before its newline.
fn line_end(file: &SourceFile, line: usize) -> usize {
    let start = file.lines.line_start(line).min(file.text.len());
    let next = file.lines.line_start(line + 1).min(file.text.len());
    let text = &file.text[start..next];
    let text = text.strip_suffix('\n').unwrap_or(text);
    start + text.strip_suffix('\r').unwrap_or(text).len()
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The frames of one finding.
fn build<'a>(sources: &'a SourceDb, d: &Diagnostic) -> Frame<'a> {
    let file = sources.get(d.location.file);
    let mut header = format!("{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
    let mut labels = Vec::new();
    let mut related = Vec::new();
    match drawable(file, &d.location) {
        Some(span) => labels.push(LabeledSpan::new_primary_with_span(
            Some(d.rule.to_string()),
            span,
        )),
        None => header.push_str(&format!("\n--> {}", position(sources, &d.location))),
    }
    for r in &d.related {
        let rfile = sources.get(r.location.file);
        let span = drawable(rfile, &r.location);
        match span {
            Some(span) if r.location.file == d.location.file && !labels.is_empty() => {
                // A related point on the primary span itself adds nothing to the frame.
                if labels.iter().all(|l| *l.inner() != span) {
                    labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), span));
                }
            }
            _ => {
                let mut rheader = r.message.clone();
                let mut rlabels = Vec::new();
                match span {
                    Some(span) => rlabels.push(LabeledSpan::new_with_span(None, span)),
                    None => rheader.push_str(&format!("\n--> {}", position(sources, &r.location))),
                }
                related.push(Frame {
                    header: rheader,
                    severity: miette::Severity::Advice,
                    source: Some(Named {
                        name: &rfile.path,
                        text: &rfile.text,
                        lines: &rfile.lines,
                    }),
                    labels: rlabels,
                    related: Vec::new(),
                });
            }
        }
    }
    Frame {
        header,
        severity: miette_severity(d.severity),
        source: Some(Named {
            name: &file.path,
            text: &file.text,
            lines: &file.lines,
        }),
        labels,
        related,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Related};
    use crate::source::{FileId, SourceFile};
    use std::path::PathBuf;

    fn db(files: &[(&str, &str)]) -> SourceDb {
        let mut db = SourceDb::default();
        for (path, text) in files {
            db.add(SourceFile::new(
                path.to_string(),
                PathBuf::from(path),
                text.to_string(),
            ));
        }
        db
    }

    fn render_one(sources: &SourceDb, d: &Diagnostic) -> String {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
        let mut text = String::new();
        handler
            .render_report(&mut text, &build(sources, d))
            .expect("render");
        let mut bytes = text.into_bytes();
        write_footer(d, &mut bytes).expect("footer");
        String::from_utf8(bytes).expect("utf8")
    }

    #[test]
    fn related_location_in_another_file_gets_its_own_frame() {
        let sources = db(&[
            ("app/q.py", "x = 1\nq = \"SELECT * FROM t WHERE a = 1\"\n"),
            (
                "db/1.sql",
                "CREATE TABLE t (a int);\nCREATE INDEX t_b ON t (b);\n",
            ),
        ]);
        let start = sources.get(FileId(0)).text.find("SELECT").expect("select");
        let mut d = Diagnostic::new(
            "missing-index",
            Severity::Warning,
            "no index serves the filter on `t.a`".into(),
            Location {
                file: FileId(0),
                range: start..start + 29,
            },
        );
        let idx = sources
            .get(FileId(1))
            .text
            .find("CREATE INDEX")
            .expect("idx");
        d.related.push(Related {
            message: "index `t_b` does not start with `a`".into(),
            location: Location {
                file: FileId(1),
                range: idx..idx + 26,
            },
        });
        d.reason = Some("the planner scans `t`".into());
        d.help = Some("add an index on `t (a)`".into());
        d.fix = Some(Fix {
            sql: "CREATE INDEX t_a ON t (a);".into(),
        });
        let text = render_one(&sources, &d);
        assert!(text.contains("warning[missing-index]: no index serves the filter on `t.a`"));
        assert!(text.contains("[app/q.py:2:6]"), "{text}");
        assert!(text.contains("[db/1.sql:2:1]"), "{text}");
        let reason = text.find("reason: the planner").expect("reason");
        let help = text.find("help: add an index").expect("help");
        let fix = text.find("fix: CREATE INDEX t_a").expect("fix");
        let related = text.find("db/1.sql").expect("related");
        assert!(related < reason && reason < help && help < fix, "{text}");
    }

    #[test]
    fn huge_lines_are_not_drawn() {
        let long = format!("SELEC {};\n", "x".repeat(10_000));
        let sources = db(&[("big.sql", &long)]);
        let d = Diagnostic::new(
            "parse-error",
            Severity::Warning,
            "cannot parse".into(),
            Location {
                file: FileId(0),
                range: 0..5,
            },
        );
        let text = render_one(&sources, &d);
        assert!(text.contains("--> big.sql:1:1"), "{text}");
        assert!(text.len() < 1000, "{}", text.len());
    }

    #[test]
    fn out_of_range_locations_do_not_panic() {
        let sources = db(&[("a.sql", "SELECT 1;\n"), ("empty.sql", "")]);
        for (file, range) in [(0, 5..500), (0, 900..901), (1, 0..3)] {
            let d = Diagnostic::new(
                "parse-error",
                Severity::Error,
                "m".into(),
                Location {
                    file: FileId(file),
                    range,
                },
            );
            let text = render_one(&sources, &d);
            assert!(text.contains("error[parse-error]: m"), "{text}");
        }
    }
}

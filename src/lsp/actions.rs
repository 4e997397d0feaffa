//! Code actions (quick fixes) for the findings under the editor's cursor.
//!
//! Input: the current [`Analysis`], the requested file and range. Output: LSP code actions,
//! each a `WorkspaceEdit`:
//! - suppress a finding: an `idxlint: ignore[rule]` comment on the line above, indented
//!   like that line, in the comment syntax of the file (`--` inside multi-line SQL strings,
//!   where a host comment would land inside the string);
//! - remove an unused suppression;
//! - rewrite a statement in place where the fix is that statement rewritten
//!   (`CONCURRENTLY`);
//! - create a new migration holding the suggested SQL (a `CREATE INDEX` for a missing
//!   index), named by [`next_migration_name`] in the migrations folder, when the client can
//!   create files; where it cannot (Neovim 0.7 declares no `create` resource operation), a
//!   command action, [`SHOW_SQL`], that shows the SQL in a message to copy into a new
//!   migration. Inserting it into the newest existing migration was rejected: that migration
//!   may already be applied, and a runner never applies an applied migration again.
//!
//! Invariant: actions are computed from the analysis the client's diagnostics came from,
//! never from the client's copy of them.

use super::convert;
use crate::diagnostic::Diagnostic;
use crate::discover::{file_kind, FileKind};
use crate::extract::HostLang;
use crate::source::{FileId, SourceFile};
use crate::suggest::next_migration_name;
use crate::Analysis;
use lsp_types as lsp;
use std::collections::HashMap;
use std::path::Path;

/// Rules whose fix is the flagged statement rewritten, so it replaces the statement.
const REWRITES: &[&str] = &["index-not-concurrent", "drop-index-not-concurrent"];

/// The command the server runs for the "show the SQL" fallback: its one argument is the SQL.
pub const SHOW_SQL: &str = "idxlint.showSuggestedSql";

/// What the actions need besides the analysis.
pub struct Context<'a> {
    pub analysis: &'a Analysis,
    pub file: FileId,
    pub uri: &'a lsp::Url,
    /// Where a new migration goes; `None` when the client cannot create files.
    pub migrations_dir: Option<&'a Path>,
    /// `YYYYMMDDHHMMSS` (UTC), for timestamped migration names.
    pub now: &'a str,
}

/// The code actions for the findings of `ctx.file` that touch `range`.
pub fn code_actions(ctx: &Context, range: lsp::Range) -> Vec<lsp::CodeActionOrCommand> {
    let a = ctx.analysis;
    let mut out = Vec::new();
    for d in a.diagnostics.iter().filter(|d| d.location.file == ctx.file) {
        let r = convert::range(&a.sources, &d.location);
        if r.start > range.end || range.start > r.end {
            continue;
        }
        let lsp_diag = convert::diagnostic(a, d);
        let src = a.sources.get(d.location.file);
        let edit = |title: String, edits: Vec<lsp::TextEdit>, preferred: bool| {
            lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title,
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diag.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(ctx.uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: preferred.then_some(true),
                ..Default::default()
            })
        };
        if d.rule == "unused-suppression" {
            out.push(edit(
                "Remove the unused suppression".into(),
                vec![remove_suppression(a, d, src)],
                true,
            ));
            continue;
        }
        if let Some(fix) = &d.fix {
            if REWRITES.contains(&d.rule) {
                out.push(edit(
                    format!("Replace with `{}`", one_line(&fix.sql)),
                    vec![rewrite(a, d, src, &fix.sql)],
                    true,
                ));
            } else if let Some(dir) = ctx.migrations_dir {
                out.extend(new_migration(dir, ctx.now, &fix.sql, lsp_diag.clone()));
            } else {
                out.push(show_sql(&fix.sql, lsp_diag.clone()));
            }
        }
        out.push(edit(
            format!("Suppress `{}` here (idxlint: ignore)", d.rule),
            vec![suppress(a, d, src)],
            false,
        ));
    }
    out
}

/// An `idxlint: ignore[rule]` comment on its own line above the finding.
fn suppress(a: &Analysis, d: &Diagnostic, src: &SourceFile) -> lsp::TextEdit {
    let line = src.lines.line_of(d.location.range.start);
    let text = line_text(src, line);
    let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
    let line_start = src.lines.line_start(line);
    // SQL that starts a line of a host file is inside a multi-line string: a host comment
    // there would change the string, an SQL comment is what the query already allows.
    let sql_starts_line = line_start + indent.len() == d.location.range.start;
    let prefix = match file_kind(&src.abs_path) {
        Some(FileKind::Host(_)) if sql_starts_line => "--",
        Some(FileKind::Host(HostLang::Python | HostLang::Ruby)) => "#",
        Some(FileKind::Host(_)) => "//",
        Some(FileKind::Prisma) => "//",
        Some(FileKind::Sql) | None => "--",
    };
    let at = convert::position(&a.sources, &d.location, line_start);
    lsp::TextEdit::new(
        lsp::Range::new(at, at),
        format!("{indent}{prefix} idxlint: ignore[{}]\n", d.rule),
    )
}

/// Delete an unused suppression: its whole line when the line holds nothing else.
fn remove_suppression(a: &Analysis, d: &Diagnostic, src: &SourceFile) -> lsp::TextEdit {
    let line = src.lines.line_of(d.location.range.start);
    let start = src.lines.line_start(line);
    let text = line_text(src, line);
    let rest = format!(
        "{}{}",
        &src.text[start..d.location.range.start],
        &src.text[d.location.range.end.min(start + text.len())..start + text.len()]
    );
    let only_comment = rest
        .trim()
        .trim_start_matches(['-', '#', '/', '*'])
        .trim_end_matches(['*', '/'])
        .trim()
        .is_empty();
    let range = if only_comment {
        let end = src.lines.line_start(line + 1).min(src.text.len());
        lsp::Range::new(
            convert::position(&a.sources, &d.location, start),
            convert::position(&a.sources, &d.location, end),
        )
    } else {
        convert::range(&a.sources, &d.location)
    };
    lsp::TextEdit::new(range, String::new())
}

/// Replace the flagged statement (and its `;`, which the fix carries) with the fix.
fn rewrite(a: &Analysis, d: &Diagnostic, src: &SourceFile, sql: &str) -> lsp::TextEdit {
    let mut end = d.location.range.end.min(src.text.len());
    let after = &src.text[end..];
    if after.trim_start().starts_with(';') && sql.trim_end().ends_with(';') {
        end += after.len() - after.trim_start().len() + 1;
    }
    lsp::TextEdit::new(
        lsp::Range::new(
            convert::position(&a.sources, &d.location, d.location.range.start),
            convert::position(&a.sources, &d.location, end),
        ),
        sql.to_string(),
    )
}

/// A new migration file holding `sql`.
fn new_migration(
    dir: &Path,
    now: &str,
    sql: &str,
    diag: lsp::Diagnostic,
) -> Option<lsp::CodeActionOrCommand> {
    let path = next_migration_name(dir, now);
    let uri = lsp::Url::from_file_path(&path).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let mut text = sql.trim_end().to_string();
    if !text.ends_with(';') {
        text.push(';');
    }
    text.push('\n');
    let zero = lsp::Range::default();
    let ops = vec![
        lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
            uri: uri.clone(),
            options: Some(lsp::CreateFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(false),
            }),
            annotation_id: None,
        })),
        lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(zero, text))],
        }),
    ];
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: format!("Create migration {name} with `{}`", one_line(sql)),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        edit: Some(lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(ops)),
            ..Default::default()
        }),
        is_preferred: Some(true),
        ..Default::default()
    }))
}

/// The fallback of [`new_migration`] for clients that cannot create files: a command the
/// server answers by showing the SQL.
fn show_sql(sql: &str, diag: lsp::Diagnostic) -> lsp::CodeActionOrCommand {
    let title = format!("Show the SQL for a new migration: `{}`", one_line(sql));
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        command: Some(lsp::Command {
            title,
            command: SHOW_SQL.to_string(),
            arguments: Some(vec![serde_json::Value::String(sql.to_string())]),
        }),
        is_preferred: Some(true),
        ..Default::default()
    })
}

/// The text of a 0-based line, without its line break.
fn line_text(src: &SourceFile, line: usize) -> &str {
    let start = src.lines.line_start(line).min(src.text.len());
    let end = src
        .lines
        .line_start(line + 1)
        .min(src.text.len())
        .max(start);
    src.text[start..end].trim_end_matches(['\n', '\r'])
}

/// SQL on one line, for a title.
fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

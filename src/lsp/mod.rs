//! `idxlint lsp`: a Language Server over stdio.
//!
//! Input: LSP messages from an editor (`lsp-server` does the JSON-RPC framing). Output:
//! `textDocument/publishDiagnostics` for every open file after each change, and code
//! actions on request. The server keeps a [`Project`]: opening, editing or saving a file
//! replaces that file's text (the unsaved buffer, never the file on disk) and re-runs only
//! its per-file stages; the whole-program stages then run again, so an edit to a migration
//! updates the diagnostics of every open file that depends on it.
//!
//! Invariants: the server never exits on bad input (unknown files, invalid parameters and
//! unknown methods get an error response or are ignored); notifications that arrive
//! together are applied together before one analysis; requests are answered from an
//! analysis of the latest texts.

mod actions;
pub mod convert;

use crate::config::Config;
use crate::project::Project;
use crate::{Analysis, Options};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Serve the LSP over stdin and stdout until the client says `exit`.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

/// Serve the LSP over a connection: initialize, then the main loop.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let init: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("invalid initialize: {e}"))?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "idxlint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection, &init);
    server.main_loop()
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                    lsp::SaveOptions {
                        include_text: Some(true),
                    },
                )),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![actions::SHOW_SQL.to_string()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An open document.
struct Doc {
    path: PathBuf,
    version: Option<i32>,
}

struct Server<'a> {
    conn: &'a Connection,
    project: Project,
    open: BTreeMap<lsp::Url, Doc>,
    analysis: Option<Analysis>,
    /// Texts changed since `analysis`.
    dirty: bool,
    /// The client applies `CreateFile` operations in workspace edits.
    create_files: bool,
}

enum Flow {
    Continue,
    Exit,
}

impl<'a> Server<'a> {
    fn new(conn: &'a Connection, init: &lsp::InitializeParams) -> Server<'a> {
        let start = workspace_root(init);
        let config = match Config::discover(&start) {
            Ok(c) => c,
            Err(message) => {
                show_message(
                    conn,
                    lsp::MessageType::ERROR,
                    &format!("idxlint: {message}"),
                );
                Config::default()
            }
        };
        // As the CLI: paths are relative to the config's folder, else the workspace.
        let root = config
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or(start);
        let project = Project::load(
            &root,
            std::slice::from_ref(&root),
            &config,
            // Kept between keystrokes: the fold reads the same trees after every change.
            &Options {
                keep_trees: true,
                ..Options::default()
            },
        );
        let create_files = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| {
                e.document_changes == Some(true)
                    && e.resource_operations
                        .as_ref()
                        .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create))
            });
        Server {
            conn,
            project,
            open: BTreeMap::new(),
            analysis: None,
            dirty: true,
            create_files,
        }
    }

    fn main_loop(&mut self) -> Result<(), String> {
        while let Ok(msg) = self.conn.receiver.recv() {
            if let Flow::Exit = self.handle(msg)? {
                return Ok(());
            }
            // Apply whatever else is queued (a burst of keystrokes) before analyzing.
            while let Ok(msg) = self.conn.receiver.try_recv() {
                if let Flow::Exit = self.handle(msg)? {
                    return Ok(());
                }
            }
            if self.dirty && !self.open.is_empty() {
                self.refresh()?;
            }
        }
        Ok(())
    }

    fn handle(&mut self, msg: Message) -> Result<Flow, String> {
        match msg {
            Message::Request(req) => {
                if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(Flow::Exit);
                }
                self.request(req)?;
            }
            Message::Notification(n) => {
                if n.method == lsp::notification::Exit::METHOD {
                    return Ok(Flow::Exit);
                }
                self.notification(n)?;
            }
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    fn notification(&mut self, n: Notification) -> Result<(), String> {
        use lsp::notification as N;
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidOpenTextDocumentParams>(n) else {
                    return Ok(());
                };
                let doc = p.text_document;
                if let Ok(path) = doc.uri.to_file_path() {
                    self.project.set_text(&path, doc.text);
                    let version = Some(doc.version);
                    self.open.insert(doc.uri, Doc { path, version });
                    self.dirty = true;
                }
            }
            N::DidChangeTextDocument::METHOD => {
                let Some(mut p) = params::<lsp::DidChangeTextDocumentParams>(n) else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.pop() else {
                    return Ok(());
                };
                if let Some(doc) = self.open.get_mut(&p.text_document.uri) {
                    doc.version = Some(p.text_document.version);
                    self.project.set_text(&doc.path, change.text);
                    self.dirty = true;
                }
            }
            N::DidSaveTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidSaveTextDocumentParams>(n) else {
                    return Ok(());
                };
                if let Some(doc) = self.open.get(&p.text_document.uri) {
                    match p.text {
                        Some(text) => self.project.set_text(&doc.path, text),
                        None => {
                            self.project.reload(&doc.path);
                            true
                        }
                    };
                    self.dirty = true;
                }
            }
            N::DidCloseTextDocument::METHOD => {
                let Some(p) = params::<lsp::DidCloseTextDocumentParams>(n) else {
                    return Ok(());
                };
                if let Some(doc) = self.open.remove(&p.text_document.uri) {
                    // The buffer is gone: the file on disk counts again.
                    self.project.reload(&doc.path);
                    self.dirty = true;
                    self.publish(p.text_document.uri, Vec::new(), None)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Result<(), String> {
        let response = match req.method.as_str() {
            lsp::request::CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp::CodeActionParams>(req.params) {
                    Ok(p) => {
                        if self.dirty {
                            self.refresh()?;
                        }
                        let actions = self.code_actions(&p);
                        Response::new_ok(req.id, actions)
                    }
                    Err(e) => Response::new_err(
                        req.id,
                        ErrorCode::InvalidParams as i32,
                        format!("invalid params: {e}"),
                    ),
                }
            }
            lsp::request::ExecuteCommand::METHOD => {
                match serde_json::from_value::<lsp::ExecuteCommandParams>(req.params) {
                    Ok(p) if p.command == actions::SHOW_SQL => {
                        let sql = p
                            .arguments
                            .first()
                            .and_then(|v| v.as_str())
                            .unwrap_or_default()
                            .to_string();
                        self.send(
                            Notification::new(
                                lsp::notification::ShowMessage::METHOD.to_string(),
                                lsp::ShowMessageParams {
                                    typ: lsp::MessageType::INFO,
                                    message: format!(
                                        "idxlint: add this to a new migration:\n{sql}"
                                    ),
                                },
                            )
                            .into(),
                        )?;
                        Response::new_ok(req.id, serde_json::Value::Null)
                    }
                    Ok(p) => Response::new_err(
                        req.id,
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command {}", p.command),
                    ),
                    Err(e) => Response::new_err(
                        req.id,
                        ErrorCode::InvalidParams as i32,
                        format!("invalid params: {e}"),
                    ),
                }
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported method {}", req.method),
            ),
        };
        self.send(response.into())
    }

    fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let (Some(analysis), Some(doc)) = (&self.analysis, self.open.get(&p.text_document.uri))
        else {
            return Vec::new();
        };
        let Some(file) = self.project.file_id(&doc.path) else {
            return Vec::new();
        };
        let dir = self
            .project
            .migrations_dir()
            .unwrap_or_else(|| self.project.root().join("migrations"));
        let now = crate::suggest::utc_timestamp();
        let ctx = actions::Context {
            analysis,
            file,
            uri: &p.text_document.uri,
            migrations_dir: self.create_files.then_some(dir.as_path()),
            now: &now,
        };
        actions::code_actions(&ctx, p.range)
    }

    /// Re-run the whole-program stages and publish the diagnostics of every open file.
    fn refresh(&mut self) -> Result<(), String> {
        let analysis = self.project.analyze();
        self.dirty = false;
        let mut batches = Vec::new();
        for (uri, doc) in &self.open {
            let diagnostics = match self.project.file_id(&doc.path) {
                Some(id) => analysis
                    .diagnostics
                    .iter()
                    .filter(|d| d.location.file == id)
                    .map(|d| convert::diagnostic(&analysis, d))
                    .collect(),
                None => Vec::new(),
            };
            batches.push((uri.clone(), diagnostics, doc.version));
        }
        // The previous analysis is dropped after publishing: freeing it is not on the path
        // from the change to the diagnostics.
        let previous = self.analysis.replace(analysis);
        for (uri, diagnostics, version) in batches {
            self.publish(uri, diagnostics, version)?;
        }
        drop(previous);
        Ok(())
    }

    fn publish(
        &self,
        uri: lsp::Url,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), String> {
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(
            Notification::new(
                lsp::notification::PublishDiagnostics::METHOD.to_string(),
                params,
            )
            .into(),
        )
    }

    fn send(&self, msg: Message) -> Result<(), String> {
        self.conn
            .sender
            .send(msg)
            .map_err(|e| format!("client went away: {e}"))
    }
}

/// A notification's parameters; `None` (the notification is ignored) when they are invalid.
fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
    serde_json::from_value(n.params).ok()
}

fn show_message(conn: &Connection, typ: lsp::MessageType, message: &str) {
    let params = lsp::ShowMessageParams {
        typ,
        message: message.to_string(),
    };
    // A client that is gone cannot be told anything; the main loop notices it.
    let _ = conn
        .sender
        .send(Notification::new(lsp::notification::ShowMessage::METHOD.to_string(), params).into());
}

/// The workspace folder the client opened: the first workspace folder, else `rootUri`,
/// else `rootPath`, else the current folder.
#[allow(deprecated)] // rootUri and rootPath are deprecated, and still all some clients send.
fn workspace_root(init: &lsp::InitializeParams) -> PathBuf {
    init.workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| f.uri.to_file_path().ok())
        .or_else(|| init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()))
        .or_else(|| init.root_path.as_ref().map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

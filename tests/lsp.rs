//! Protocol-level test of `idxlint lsp`: the real binary over stdio, driven by a minimal
//! JSON-RPC client, on a copy of `fixtures/lsp/project` (see its README for what each file
//! is there for).

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Generous: a debug build on a busy machine. Only a hang hits it.
const WAIT: Duration = Duration::from_secs(60);

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idxlint"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start idxlint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                r.read_exact(&mut body).unwrap();
                let msg: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let msg = self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none());
        assert!(msg.get("error").is_none(), "{method} failed: {msg}");
        msg["result"].clone()
    }

    /// The first message (kept back or new) matching `pred`; others are kept back.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        loop {
            let msg = self
                .incoming
                .recv_timeout(WAIT)
                .expect("the server answered in time");
            if pred(&msg) {
                return msg;
            }
            self.backlog.push(msg);
        }
    }

    /// The next diagnostics published for `uri`, skipping older ones kept back.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let msg = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Every message up to and including the first matching `pred`; nothing is kept back.
    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = std::mem::take(&mut self.backlog);
        if let Some(i) = seen.iter().position(&pred) {
            self.backlog = seen.split_off(i + 1);
            return seen;
        }
        loop {
            let msg = self
                .incoming
                .recv_timeout(WAIT)
                .expect("the server answered in time");
            let done = pred(&msg);
            seen.push(msg);
            if done {
                return seen;
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        let language = if path.extension().is_some_and(|e| e == "py") {
            "python"
        } else {
            "sql"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": language, "version": 1, "text": text}}),
        );
    }
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
}

fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("project");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lsp/project"),
        &root,
    );
    (dir, root)
}

#[test]
fn diagnostics_code_actions_and_cross_file_updates() {
    let (_dir, root) = project();
    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": {"workspace": {"workspaceEdit": {
                "documentChanges": true, "resourceOperations": ["create"]}}},
        }),
    );
    assert_eq!(init["serverInfo"]["name"], "idxlint");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 1);
    assert!(init["capabilities"]["codeActionProvider"].is_object());
    c.notify("initialized", json!({}));

    // A migration with a plain CREATE INDEX on a table an earlier file created.
    let m2 = root.join("migrations/002_users_email.sql");
    let m2_text = std::fs::read_to_string(&m2).unwrap();
    c.open(&m2, &m2_text);
    let diags = c.diagnostics(&uri(&m2));
    let d = with_code(&diags, "index-not-concurrent");
    assert_eq!(d["severity"], 2, "warning");
    assert_eq!(d["source"], "idxlint");
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/idxlint/idxlint/blob/main/rules/index-not-concurrent.md"
    );
    assert_eq!(
        d["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 45}})
    );
    assert!(d["message"]
        .as_str()
        .unwrap()
        .starts_with("CREATE INDEX on existing table users without CONCURRENTLY"));

    // Its quick fixes: the statement rewritten (the `;` included) and a suppression.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&m2)},
               "range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 3}},
               "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace with `CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);`",
            "Suppress `index-not-concurrent` here (idxlint: ignore)",
        ]
    );
    let replace = &actions[0]["edit"]["changes"][uri(&m2)][0];
    assert_eq!(replace["range"]["end"], json!({"line": 0, "character": 46}));
    let suppress = &actions[1]["edit"]["changes"][uri(&m2)][0];
    assert_eq!(
        suppress,
        &json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "newText": "-- idxlint: ignore[index-not-concurrent]\n"})
    );

    // The unsaved buffer is analyzed, not the clean file on disk.
    let report = root.join("queries/report.sql");
    c.open(&report, "-- draft\nSELEC 1;\n");
    let diags = c.diagnostics(&uri(&report));
    let d = with_code(&diags, "parse-error");
    assert_eq!(d["severity"], 2, "parse-error is a warning");
    assert_eq!(d["range"]["start"]["line"], 1);
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        json!(uri(&report))
    );

    // A suppression that silences nothing, and the action that removes its line.
    let stale = root.join("queries/stale.sql");
    c.open(&stale, &std::fs::read_to_string(&stale).unwrap());
    let diags = c.diagnostics(&uri(&stale));
    let d = with_code(&diags, "unused-suppression");
    assert_eq!(d["tags"], json!([1]), "unnecessary");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&stale)}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert_eq!(actions[0]["title"], "Remove the unused suppression");
    assert_eq!(
        actions[0]["edit"]["changes"][uri(&stale)][0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}})
    );

    // Application code that filters users on `name`.
    let app = root.join("app/users.py");
    c.open(&app, &std::fs::read_to_string(&app).unwrap());
    let before = c.diagnostics(&uri(&app));
    // Once the schema is folded from the migrations, `missing-index` fires on the query,
    // with an action that creates the next migration holding the CREATE INDEX.
    if codes(&before).contains(&"missing-index") {
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&app)}, "range": with_code(&before, "missing-index")["range"],
                   "context": {"diagnostics": []}}),
        );
        let create = &actions[0]["edit"]["documentChanges"];
        assert_eq!(create[0]["kind"], "create");
        assert_eq!(
            create[0]["uri"],
            json!(uri(&root.join("migrations/003_add_missing_indexes.sql")))
        );
        assert!(create[1]["edits"][0]["newText"]
            .as_str()
            .unwrap()
            .starts_with("CREATE INDEX"));
    }

    // Edit the first migration (unsaved): every open file is analyzed again and its
    // diagnostics are published.
    let m1 = root.join("migrations/001_create_users.sql");
    let m1_text = std::fs::read_to_string(&m1).unwrap();
    c.open(&m1, &m1_text);
    let edited = format!("{m1_text}CREATE INDEX users_name_idx ON users (name);\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&m1), "version": 2},
               "contentChanges": [{"text": edited}]}),
    );
    // One analysis publishes every open file in URI order: app/ comes before the edited
    // migration, the other migration and queries/ after it.
    let published = |m: &Value, path: &Path| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(path)
    };
    let batch = c.until(|m| published(m, &m1) && m["params"]["version"] == 2);
    let after = batch
        .iter()
        .rev()
        .find(|m| published(m, &app))
        .expect("the application file is published again")["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        codes(&c.diagnostics(&uri(&m2))),
        ["index-not-concurrent"],
        "the other migration is published again"
    );
    c.until(|m| published(m, &stale));
    // Once the schema is folded from the migrations, `missing-index` fires on the query;
    // the index added in the buffer of 001 must then clear it.
    if codes(&before).contains(&"missing-index") {
        assert!(!codes(&after).contains(&"missing-index"), "{after:#?}");
    }
    assert!(!codes(&after).contains(&"parse-error"), "{after:#?}");

    // Closing the buffer of report.sql brings the clean file on disk back.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&report)}}),
    );
    assert_eq!(c.diagnostics(&uri(&report)), Vec::<Value>::new());

    // Unknown requests get an error, and the server goes on.
    c.send(json!({"jsonrpc": "2.0", "id": 99, "method": "idxlint/unknown", "params": {}}));
    let err = c.wait_for(|m| m["id"] == 99);
    assert_eq!(err["error"]["code"], -32601);

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// A client that cannot create files (Neovim 0.7 declares no `create` resource operation)
/// gets, instead of "Create migration", an action running `idxlint.showSuggestedSql`, which
/// the server answers with a message holding the SQL to copy.
#[test]
fn without_file_creation_the_fix_is_shown_to_copy() {
    let (_dir, root) = project();
    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["idxlint.showSuggestedSql"])
    );
    c.notify("initialized", json!({}));
    let app = root.join("app/users.py");
    c.open(&app, &std::fs::read_to_string(&app).unwrap());
    let diags = c.diagnostics(&uri(&app));
    let d = with_code(&diags, "missing-index");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&app)}, "range": d["range"],
               "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    assert!(
        actions
            .iter()
            .all(|a| a["edit"]["documentChanges"].is_null()),
        "no file creation offered: {actions:#?}"
    );
    let show = actions
        .iter()
        .find(|a| a["command"]["command"] == "idxlint.showSuggestedSql")
        .expect("the show-SQL action");
    assert!(show["title"]
        .as_str()
        .unwrap()
        .starts_with("Show the SQL for a new migration: `CREATE INDEX"));
    let sql = show["command"]["arguments"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sql.starts_with("CREATE INDEX"), "{sql}");

    c.request(
        "workspace/executeCommand",
        json!({"command": "idxlint.showSuggestedSql", "arguments": [sql]}),
    );
    let shown = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 3, "info");
    assert!(shown["params"]["message"].as_str().unwrap().ends_with(&sql));

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}

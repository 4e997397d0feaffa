//! End-to-end test with a real editor as the client: Neovim, headless, runs
//! `tests/nvim/attach.lua`, which attaches `idxlint lsp` to a buffer of a copy of
//! `fixtures/lsp/project`, records the diagnostics Neovim receives, applies the
//! suppression quick fix and writes the buffer. This test asserts on that record and on
//! the file Neovim wrote.
//!
//! Needs `nvim` on PATH (`.ci/install-tools` installs it); fails without it unless
//! `IDXLINT_SKIP_EXTERNAL=1`.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Entries of a Lua list as JSON (an empty Lua table may be encoded as `{}`).
fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[test]
fn neovim_receives_diagnostics_and_applies_a_quick_fix() {
    if Command::new("nvim").arg("--version").output().is_err() {
        if std::env::var("IDXLINT_SKIP_EXTERNAL").as_deref() == Ok("1") {
            eprintln!("skipped: nvim is not installed (IDXLINT_SKIP_EXTERNAL=1)");
            return;
        }
        panic!("nvim is not installed: run .ci/install-tools, or set IDXLINT_SKIP_EXTERNAL=1");
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("project");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&manifest.join("fixtures/lsp/project"), &root);
    let out = dir.path().join("report.json");
    let file = "migrations/002_users_email.sql";

    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            manifest.join("tests/nvim/attach.lua").display()
        ))
        .env("IDXLINT_BIN", env!("CARGO_BIN_EXE_idxlint"))
        .env("IDXLINT_ROOT", &root)
        .env("IDXLINT_FILE", file)
        .env("IDXLINT_OUT", &out)
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .current_dir(&root)
        .status()
        .expect("run nvim");
    let report = std::fs::read_to_string(&out).expect("the Lua script wrote its report");
    let report: Value = serde_json::from_str(&report).unwrap();
    assert!(status.success(), "nvim failed: {report:#}");

    // What the server published, as Neovim received it.
    let first = &list(&report["published"])[0];
    assert!(first["uri"].as_str().unwrap().ends_with(file), "{first:#}");
    let d = &first["diagnostics"][0];
    assert_eq!(d["code"], "index-not-concurrent");
    assert_eq!(d["severity"], 2);
    assert_eq!(d["range"]["start"]["line"], 0);
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/rules/index-not-concurrent.md"));

    // What Neovim's diagnostic store made of it (severity 2 is WARN there too).
    let before = list(&report["before"]);
    assert_eq!(before.len(), 1, "{before:#?}");
    assert_eq!(before[0]["lnum"], 0);
    assert_eq!(before[0]["severity"], 2);
    assert!(before[0]["message"]
        .as_str()
        .unwrap()
        .contains("without CONCURRENTLY"));

    // The actions offered, and the suppression applied and written to disk.
    let actions = list(&report["actions"]);
    assert!(
        actions.iter().any(|a| a
            .as_str()
            .unwrap()
            .starts_with("Replace with `CREATE INDEX CONCURRENTLY")),
        "{actions:#?}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(file)).unwrap(),
        "-- idxlint: ignore[index-not-concurrent]\nCREATE INDEX users_email_idx ON users (email);\n"
    );
    // The edited buffer was analyzed again: the finding is suppressed.
    assert_eq!(list(&report["after"]), Vec::<Value>::new());
}

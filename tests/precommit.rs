//! pre-commit integration, with the real `pre-commit` tool (installed by
//! `.ci/install-tools` into `.tools/venv`). Without it the tests fail, unless
//! `IDXLINT_SKIP_EXTERNAL=1` is set.
//!
//! The hook under test is a `repo: local`, `language: system` hook whose entry is the
//! binary built for this test run, declared like the published hook in
//! `.pre-commit-hooks.yaml` (`pass_filenames`, `require_serial`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `IDXLINT_PRE_COMMIT`, else `.tools/venv/bin/pre-commit`, else PATH.
fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IDXLINT_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/pre-commit");
    if local.is_file() {
        return Some(local);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("pre-commit"))
        .find(|p| p.is_file())
}

fn require_pre_commit() -> Option<PathBuf> {
    match pre_commit() {
        Some(p) => Some(p),
        None if std::env::var("IDXLINT_SKIP_EXTERNAL").as_deref() == Ok("1") => {
            eprintln!("skipped: pre-commit not installed (IDXLINT_SKIP_EXTERNAL=1)");
            None
        }
        None => {
            panic!("pre-commit not found: run .ci/install-tools, or set IDXLINT_SKIP_EXTERNAL=1")
        }
    }
}

fn run(dir: &Path, home: &Path, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "idxlint")
        .env("GIT_AUTHOR_EMAIL", "idxlint@example.com")
        .env("GIT_COMMITTER_NAME", "idxlint")
        .env("GIT_COMMITTER_EMAIL", "idxlint@example.com")
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .expect("run command")
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "-c",
        "commit.gpgsign=false",
        "-c",
        "init.defaultBranch=main",
    ];
    all.extend_from_slice(args);
    run(dir, home, Path::new("git"), &all)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn commit_with_an_unindexed_query_is_refused_until_the_index_exists() {
    let Some(pre_commit) = require_pre_commit() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let (p, h) = (dir.path(), home.path());
    std::fs::write(p.join("idxlint.toml"), "dialect = \"postgres\"\n").expect("write");
    std::fs::create_dir_all(p.join("db/migrations")).expect("mkdir");
    std::fs::create_dir_all(p.join("app")).expect("mkdir");
    std::fs::write(
        p.join("db/migrations/001_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .expect("write");
    // A finding already in the repository, in a file the commits below do not touch.
    std::fs::write(p.join("app/legacy.sql"), "SELEC 0;\n").expect("write");
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: idxlint\n    name: idxlint\n    \
         entry: {} check\n    language: system\n    pass_filenames: true\n    \
         require_serial: true\n    types_or: [sql]\n",
        env!("CARGO_BIN_EXE_idxlint")
    );
    std::fs::write(p.join(".pre-commit-config.yaml"), config).expect("write");
    assert!(git(p, h, &["init", "-q"]).status.success());
    assert!(git(p, h, &["add", "-A"]).status.success());
    let out = git(p, h, &["commit", "-qm", "init", "--no-verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(p, h, &pre_commit, &["install"]);
    assert!(out.status.success(), "{}", text(&out));

    // A commit that adds a query no index serves is refused, with the finding shown.
    std::fs::write(
        p.join("app/queries.sql"),
        "SELECT id FROM users WHERE id = $1;\nSELECT id FROM users WHERE email = $1;\n",
    )
    .expect("write");
    assert!(git(p, h, &["add", "app/queries.sql"]).status.success());
    let out = git(p, h, &["commit", "-m", "add queries"]);
    let shown = text(&out);
    assert!(
        !out.status.success(),
        "the commit must be refused:\n{shown}"
    );
    assert!(shown.contains("missing-index"), "{shown}");
    assert!(shown.contains("app/queries.sql"), "{shown}");
    assert!(shown.contains("users (email)"), "the fix is shown: {shown}");
    // Only the committed file is reported, not the old finding elsewhere.
    assert!(!shown.contains("legacy.sql"), "{shown}");

    // With the index migration added, the same commit goes through, although
    // app/legacy.sql still has a finding.
    std::fs::write(
        p.join("db/migrations/002_users_email.sql"),
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
    )
    .expect("write");
    assert!(git(p, h, &["add", "-A"]).status.success());
    let out = git(p, h, &["commit", "-m", "add queries and their index"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("idxlint"),
        "the hook ran: {}",
        text(&out)
    );
}

#[test]
fn published_hook_manifest_is_valid() {
    let Some(pre_commit) = require_pre_commit() else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let out = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        home.path(),
        &pre_commit,
        &["validate-manifest", manifest.to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "{}", text(&out));
}

//! pre-commit integration, with the real `pre-commit` tool (installed by
//! `.ci/install-tools` into `.tools/venv`). Without it the tests fail, unless
//! `IDXLINT_SKIP_EXTERNAL=1` is set.
//!
//! Two hooks are tested: a `repo: local`, `language: system` hook whose entry is the binary
//! built for this test run (the quick check of what the hook does), and the published hook
//! itself: this repository's `.pre-commit-hooks.yaml` and root `pyproject.toml`, committed to
//! a scratch hook repository that pre-commit installs as a user's config names it, with the
//! `idxlint` wheel (tests/wheel.rs) as the only package index and no Rust on `PATH`.

mod common;

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
    command(dir, home, program, args)
        .output()
        .expect("run command")
}

/// `program args` in `dir`, with a private git identity and pre-commit home.
fn command(dir: &Path, home: &Path, program: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "idxlint")
        .env("GIT_AUTHOR_EMAIL", "idxlint@example.com")
        .env("GIT_COMMITTER_NAME", "idxlint")
        .env("GIT_COMMITTER_EMAIL", "idxlint@example.com")
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1");
    cmd
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
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: idxlint\n    name: idxlint\n    \
         entry: {} check\n    language: system\n    pass_filenames: true\n    \
         require_serial: true\n    types_or: [sql, toml]\n",
        env!("CARGO_BIN_EXE_idxlint")
    );
    refused_until_indexed(&pre_commit, &config, &[]);
}

#[test]
fn published_hook_installs_the_wheel_and_needs_no_rust() {
    let Some(pre_commit) = require_pre_commit() else {
        return;
    };
    let Some(wheel) = common::wheel::wheel() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The only "index": the idxlint wheel and the setuptools wheel the hook package builds
    // with (.ci/install-tools downloads it).
    let links = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&wheel, links.path().join(wheel.file_name().expect("name"))).expect("copy");
    let setuptools = std::fs::read_dir(root.join(".tools/wheels"))
        .ok()
        .and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().contains("setuptools-"))
        });
    let Some(setuptools) = setuptools else {
        if common::wheel::skip_external() {
            return;
        }
        panic!("no setuptools wheel in .tools/wheels: run .ci/install-tools");
    };
    std::fs::copy(
        &setuptools,
        links.path().join(setuptools.file_name().expect("name")),
    )
    .expect("copy");

    // The hook repository, as pre-commit clones it: the published manifest and package.
    let hooks = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    for f in [".pre-commit-hooks.yaml", "pyproject.toml"] {
        std::fs::copy(root.join(f), hooks.path().join(f)).expect("copy");
    }
    assert!(git(hooks.path(), home.path(), &["init", "-q"])
        .status
        .success());
    assert!(git(hooks.path(), home.path(), &["add", "-A"])
        .status
        .success());
    let out = git(hooks.path(), home.path(), &["commit", "-qm", "hooks"]);
    assert!(out.status.success(), "{}", text(&out));
    let rev = git(hooks.path(), home.path(), &["rev-parse", "HEAD"]);
    let rev = String::from_utf8_lossy(&rev.stdout).trim().to_string();

    let config = format!(
        "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: idxlint\n",
        hooks.path().display()
    );
    let env = [
        ("PIP_NO_INDEX", "1".to_string()),
        (
            "PIP_FIND_LINKS",
            links.path().to_string_lossy().into_owned(),
        ),
        ("PATH", common::wheel::PATH_WITHOUT_RUST.to_string()),
    ];
    refused_until_indexed(&pre_commit, &config, &env);
}

/// In a new repository with `config` as its pre-commit config: a commit adding a query no
/// index serves is refused with the finding; with the index's migration it goes through,
/// although an old finding elsewhere remains; a staged `idxlint.toml` checks everything.
fn refused_until_indexed(pre_commit: &Path, config: &str, env: &[(&str, String)]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let (p, h) = (dir.path(), home.path());
    let run = |dir: &Path, program: &Path, args: &[&str]| {
        let mut cmd = command(dir, h, program, args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run command")
    };
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
    std::fs::write(p.join(".pre-commit-config.yaml"), config).expect("write");
    assert!(git(p, h, &["init", "-q"]).status.success());
    assert!(git(p, h, &["add", "-A"]).status.success());
    let out = git(p, h, &["commit", "-qm", "init", "--no-verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(p, pre_commit, &["install"]);
    assert!(out.status.success(), "{}", text(&out));

    // A commit that adds a query no index serves is refused, with the finding shown.
    std::fs::write(
        p.join("app/queries.sql"),
        "SELECT id FROM users WHERE id = $1;\nSELECT id FROM users WHERE email = $1;\n",
    )
    .expect("write");
    assert!(git(p, h, &["add", "app/queries.sql"]).status.success());
    let out = run(p, Path::new("git"), &["commit", "-m", "add queries"]);
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
    let out = run(
        p,
        Path::new("git"),
        &["commit", "-m", "add queries and their index"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("idxlint"),
        "the hook ran: {}",
        text(&out)
    );

    // A config change alone re-checks the whole project: the old finding now counts.
    std::fs::write(
        p.join("idxlint.toml"),
        "dialect = \"postgres\"\n# stricter\n",
    )
    .expect("write");
    assert!(git(p, h, &["add", "idxlint.toml"]).status.success());
    let out = run(p, Path::new("git"), &["commit", "-m", "config"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("legacy.sql"), "{}", text(&out));
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

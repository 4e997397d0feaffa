//! `--baseline`/`--write-baseline` and `--changed-since`, on projects made in a tempdir.

use std::path::Path;
use std::process::{Command, Output};

fn idxlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run idxlint")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=idxlint",
            "-c",
            "user.email=idxlint@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reported findings as `path:line rule`, one per line.
fn findings(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            // `::warning file=a.sql,line=3,...,title=idxlint (rule)::message`
            let file = l.split("file=").nth(1)?.split(',').next()?;
            let line = l.split(",line=").nth(1)?.split(',').next()?;
            let rule = l.split("title=idxlint (").nth(1)?.split(')').next()?;
            Some(format!("{file}:{line} {rule}"))
        })
        .collect()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("idxlint.toml"), "dialect = \"postgres\"\n").expect("write");
    std::fs::create_dir_all(p.join("db/migrations")).expect("mkdir");
    std::fs::write(
        p.join("db/migrations/001_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .expect("write");
    std::fs::write(
        p.join("queries.sql"),
        "SELECT email FROM users WHERE id = 1;\nSELEC 1;\nSELEC 1;\n",
    )
    .expect("write");
    dir
}

#[test]
fn baseline_hides_old_findings_across_line_shifts() {
    let dir = project();
    let p = dir.path();
    let before = idxlint(p, &["--format", "github"]);
    assert_eq!(
        findings(&before),
        ["queries.sql:2 parse-error", "queries.sql:3 parse-error"]
    );

    let out = idxlint(p, &["--write-baseline", "idxlint-baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    let baseline = std::fs::read_to_string(p.join("idxlint-baseline.json")).expect("baseline");
    assert!(
        baseline.contains("\"count\": 2"),
        "duplicates are counted:\n{baseline}"
    );

    // Lines inserted above the findings: nothing new.
    std::fs::write(
        p.join("queries.sql"),
        "-- a comment\n\nSELECT email FROM users WHERE id = 1;\n\nSELEC 1;\nSELEC 1;\n",
    )
    .expect("write");
    let out = idxlint(
        p,
        &["--format", "github", "--baseline", "idxlint-baseline.json"],
    );
    assert_eq!(findings(&out), Vec::<String>::new());
    assert_eq!(
        out.status.code(),
        Some(0),
        "only new findings set the exit code"
    );

    // A third copy of the same bad statement and a new one: both are new.
    std::fs::write(
        p.join("queries.sql"),
        "-- a comment\n\nSELEC 1;\nSELEC 1;\nSELEC 1;\nSELEC 2;\n",
    )
    .expect("write");
    let out = idxlint(
        p,
        &["--format", "github", "--baseline", "idxlint-baseline.json"],
    );
    assert_eq!(
        findings(&out),
        ["queries.sql:5 parse-error", "queries.sql:6 parse-error"]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn changed_since_reports_only_added_lines() {
    let dir = project();
    let p = dir.path();
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "init"]);

    // No change: nothing reported, though the old findings are still there.
    let out = idxlint(p, &["--format", "github", "--changed-since", "HEAD"]);
    assert_eq!(findings(&out), Vec::<String>::new());
    assert_eq!(out.status.code(), Some(0));

    // Lines added at the top shift the old findings; only the added bad line is reported.
    std::fs::write(
        p.join("queries.sql"),
        "SELEC 3;\nSELECT email FROM users WHERE id = 1;\nSELEC 1;\nSELEC 1;\n",
    )
    .expect("write");
    // An untracked file counts as wholly added.
    std::fs::write(p.join("new.sql"), "SELECT 1;\nSELEC 4;\n").expect("write");
    let out = idxlint(p, &["--format", "github", "--changed-since", "HEAD"]);
    assert_eq!(
        findings(&out),
        ["new.sql:2 parse-error", "queries.sql:1 parse-error"]
    );
    assert_eq!(out.status.code(), Some(1));

    // An unknown revision is a tool failure, not an empty report.
    let out = idxlint(p, &["--changed-since", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn file_arguments_report_only_those_files_relative_to_the_git_top_level() {
    // No idxlint.toml: the root is the git top level of the named file's folder.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("db")).expect("mkdir");
    std::fs::create_dir_all(p.join("app")).expect("mkdir");
    std::fs::write(p.join("db/schema.sql"), "SELEC 0;\n").expect("write");
    std::fs::write(p.join("app/q.sql"), "SELECT 1;\nSELEC 1;\n").expect("write");
    git(p, &["init", "-q"]);
    let out = idxlint(&p.join("app"), &["--format", "github", "q.sql"]);
    assert_eq!(findings(&out), ["app/q.sql:2 parse-error"]);
    assert_eq!(out.status.code(), Some(1));
    // A folder argument: what is under it, annotated with paths relative to the repository
    // root, as GitHub resolves them.
    let out = idxlint(p, &["--format", "github", "db"]);
    assert_eq!(findings(&out), ["db/schema.sql:1 parse-error"]);
}

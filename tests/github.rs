//! `--format github`: the workflow commands for the fixture project, escaping included.

mod common;

use std::path::Path;
use std::process::Command;

/// A copy of the fixture project outside any git repository, so paths are relative to the
/// project itself (inside this repository they would carry its folder, see
/// `tests/ci_paths.rs`).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/integration/project"
        )),
        dir.path(),
    );
    dir
}

#[test]
fn github_annotations_for_the_fixture_project() {
    let project = project();
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "github"])
        .current_dir(project.path())
        .output()
        .expect("run idxlint");
    assert_eq!(out.status.code(), Some(1), "findings make the exit code 1");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one command per finding:\n{text}");
    assert!(lines
        .iter()
        .all(|l| l.starts_with("::warning file=app/queries.sql,")));
    // `%` in the parser's message is escaped; the help's line breaks become %0A.
    assert!(lines[1].ends_with("found: %25"), "{}", lines[1]);
    assert!(lines[2].contains("%0A%0Ahelp: "), "{}", lines[2]);
    insta::assert_snapshot!(text);
}

#[test]
fn github_annotation_of_a_rich_finding() {
    let mut out = Vec::new();
    idxlint::report::github::render(&common::rich_analysis(), &mut out).expect("render");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 1, "multi-line text stays on one line");
    assert!(
        text.starts_with("::notice file=orders.sql,line=4,"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

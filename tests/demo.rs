//! The bundled demo project (`fixtures/projects/demo`): its findings are the README's first
//! impression, so they are snapshot-tested as JSON (the machine contract) and checked for the
//! findings the demo's README promises.

use std::path::Path;
use std::process::Command;

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/demo")
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(args)
        .current_dir(demo())
        .env("NO_COLOR", "1")
        .output()
        .expect("run idxlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

#[test]
fn demo_findings_json() {
    let (code, json) = run(&["check", "--format", "json", "."]);
    assert_eq!(code, 1, "the demo has findings");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let rules: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (rule, path) in [
        ("missing-index", "app/repos/tasks.py"),
        ("misordered-index", "app/repos/tasks.py"),
        ("missing-index", "web/src/users.ts"),
        ("missing-index", "worker/comments.go"),
        ("redundant-index", "db/migrations/0002_projects.sql"),
        ("duplicate-index", "db/migrations/0004_comments.sql"),
        ("unindexed-foreign-key", "db/migrations/0003_tasks.sql"),
        ("missing-index", "app/repos/events.py"),
        ("leading-wildcard", "app/repos/events.py"),
        ("non-sargable-predicate", "web/src/users.ts"),
        (
            "index-not-concurrent",
            "db/migrations/0006_tasks_due_date.sql",
        ),
    ] {
        assert!(
            rules.contains(&(rule.to_string(), path.to_string())),
            "expected {rule} in {path}; got {rules:?}"
        );
    }
    // The partial index serves the live-events query: no finding on it (line 7).
    assert!(!doc["findings"].as_array().unwrap().iter().any(|f| {
        f["location"]["path"] == "app/repos/events.py" && f["location"]["start"]["line"] == 7
    }));
    // The query it does not serve says why.
    let all_events = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["location"]["path"] == "app/repos/events.py" && f["location"]["start"]["line"] == 16
        })
        .expect("all_events finding");
    assert!(all_events["related"]
        .to_string()
        .contains("only covers rows WHERE deleted_at is null"));
    insta::assert_snapshot!("demo_json", json);
}

#[test]
fn demo_json_is_deterministic_across_thread_counts() {
    let one = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "json", "."])
        .current_dir(demo())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap()
        .stdout;
    let two = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "json", "."])
        .current_dir(demo())
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap()
        .stdout;
    assert_eq!(one, two);
}

#[test]
fn demo_schema() {
    let (code, text) = run(&["schema", "."]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("demo_schema", text);
}

#[test]
fn demo_suggest() {
    let (code, text) = run(&["suggest", "."]);
    assert_eq!(code, 0);
    // The foreign key on tasks.assignee_id folds into the composite the query needs.
    assert!(text.contains("-- serves db/migrations/0003_tasks.sql:4 foreign key (assignee_id)"));
    assert_eq!(text.matches("ON tasks (assignee_id").count(), 1, "{text}");
    insta::assert_snapshot!("demo_suggest", text);
}

#[test]
fn demo_inspect() {
    let (code, text) = run(&["inspect", "app/repos/tasks.py:9"]);
    assert_eq!(code, 0);
    assert!(text.contains("verdict: missing-index"), "{text}");
    insta::assert_snapshot!("demo_inspect_missing", text);
    let (code, text) = run(&["inspect", "app/repos/tasks.py:19"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("tasks_project_id_idx tasks (project_id): serves"),
        "{text}"
    );
    insta::assert_snapshot!("demo_inspect_served", text);
}

#[test]
fn inspect_without_a_query_there_fails() {
    let (code, _) = run(&["inspect", "app/repos/tasks.py:1"]);
    assert_eq!(code, 2);
}

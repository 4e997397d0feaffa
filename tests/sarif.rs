//! `--format sarif`: the SARIF log of the fixture project, its structure, a snapshot, and the
//! verdict of Microsoft's validator (`sarif-multitool validate`, installed by
//! `.ci/install-tools`). Without the validator the test fails, unless
//! `IDXLINT_SKIP_EXTERNAL=1` is set.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
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

fn sarif_text() -> String {
    let project = project();
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "sarif"])
        .current_dir(project.path())
        .output()
        .expect("run idxlint");
    assert_eq!(out.status.code(), Some(1), "findings make the exit code 1");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// `IDXLINT_SARIF_MULTITOOL`, else `.tools/npm/node_modules/.bin/sarif-multitool`, else PATH.
fn multitool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IDXLINT_SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let local =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/npm/node_modules/.bin/sarif-multitool");
    if local.is_file() {
        return Some(local);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("sarif-multitool"))
        .find(|p| p.is_file())
}

#[test]
fn sarif_structure_and_snapshot() {
    let text = sarif_text();
    let log: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        assert_eq!(
            r["partialFingerprints"]["idxlintFingerprint/v1"]
                .as_str()
                .map(str::len),
            Some(16)
        );
    }
    // `/* 😀 */ SELEC`: the emoji is one character but two UTF-16 code units.
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 10);
    let parse_error = rules
        .iter()
        .find(|r| r["id"] == "parse-error")
        .expect("parse-error rule metadata");
    assert_eq!(
        parse_error["helpUri"],
        "https://github.com/idxlint/idxlint/blob/main/rules/parse-error.md"
    );
    insta::assert_snapshot!(text);
}

/// Run the validator on a SARIF text; the problems it reports at warning level or above.
/// `None` when it is missing and `IDXLINT_SKIP_EXTERNAL=1`; a panic when it is missing
/// otherwise.
fn validate(sarif: &str) -> Option<Vec<String>> {
    let Some(tool) = multitool() else {
        if std::env::var("IDXLINT_SKIP_EXTERNAL").as_deref() == Ok("1") {
            eprintln!("skipped: sarif-multitool not installed (IDXLINT_SKIP_EXTERNAL=1)");
            return None;
        }
        panic!("sarif-multitool not found: run .ci/install-tools, or set IDXLINT_SKIP_EXTERNAL=1");
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("idxlint.sarif");
    let report = dir.path().join("validation.sarif");
    std::fs::write(&input, sarif).expect("write");
    let out = Command::new(&tool)
        .args(["validate", "--level", "Error", "Warning", "Note", "-o"])
        .arg(&report)
        .arg(&input)
        .output()
        .expect("run sarif-multitool");
    let console = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "validator failed:\n{console}");
    // The validator exits 0 even on schema errors; its own SARIF report is the verdict.
    let verdict: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("validator report"))
            .expect("validator report is JSON");
    let results = verdict["runs"][0]["results"].as_array().expect("results");
    Some(
        results
            .iter()
            // A result without `level` is a warning (SARIF's default). Notes are style
            // advice (numeric rule ids, code snippets, reachable URIs) that we decline.
            .filter(|r| r["level"].as_str().unwrap_or("warning") != "note")
            .map(|r| format!("{} {}", r["ruleId"], r["message"]))
            .collect(),
    )
}

#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    if let Some(problems) = validate(&sarif_text()) {
        assert!(
            problems.is_empty(),
            "validator found:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // Guards the verdict parsing above: a log with a numeric ruleId must be reported.
    let broken = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m."},"ruleId":5}]}]}"#;
    if let Some(problems) = validate(broken) {
        assert!(
            problems.iter().any(|p| p.contains("JSON1001")),
            "{problems:?}"
        );
    }
}

#[test]
fn sarif_of_a_rich_finding() {
    let analysis = common::rich_analysis();
    let log = idxlint::report::sarif::log(&analysis);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["level"], "note");
    assert_eq!(
        result["properties"]["suggestedSql"],
        "CREATE INDEX orders_customer_id_created_at\n    ON orders (customer_id, created_at DESC);"
    );
    assert_eq!(result["relatedLocations"][0]["id"], 1);
    // Line 4 follows a line with an emoji; its own columns are ASCII.
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(28))
    );
    assert_eq!(region["endColumn"], 44);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let i = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[i]["id"], "missing-index");
    let mut out = Vec::new();
    idxlint::report::sarif::render(&analysis, &mut out).expect("render");
    let text = String::from_utf8(out).expect("utf-8");
    if let Some(problems) = validate(&text) {
        assert!(
            problems.is_empty(),
            "validator found:\n{}",
            problems.join("\n")
        );
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(result).expect("json"));
}

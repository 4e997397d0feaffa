//! Stack safety: statements whose syntax trees would be 10^4 to 10^5 levels deep never crash
//! idxlint, neither the `check` process nor the project the language server keeps.
//!
//! The inputs are generated at test time in a tempdir (each well under the default size
//! limits): 10^5-term chains of `+`, `AND`, `OR` and `||`, 10^4 nested `CASE`s, 10^4
//! `UNION ALL` branches and a 10^5-item `IN` list, in `.sql` files and inside Python and Go
//! strings. A chain too deep to analyze is a `parse-error` finding that says so (even in
//! application strings); the `IN` list is not deep and is analyzed as usual.

use idxlint::config::Config;
use idxlint::project::Project;
use idxlint::Options;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;

const N: usize = 100_000;

fn chain(term: &str, op: &str, n: usize) -> String {
    vec![term; n].join(op)
}

/// (relative path, text, whether a "nest too deep" finding is expected there).
fn deep_files() -> Vec<(&'static str, String, bool)> {
    let nested_case = format!(
        "SELECT id FROM t WHERE a = {}1{};\n",
        "CASE WHEN a = 1 THEN ".repeat(10_000),
        " END".repeat(10_000)
    );
    let union: Vec<String> = (0..10_000)
        .map(|i| format!("SELECT id FROM t WHERE a = {i}"))
        .collect();
    let in_list: Vec<String> = (0..N).map(|i| i.to_string()).collect();
    vec![
        (
            "q/plus.sql",
            format!("SELECT id FROM t WHERE a = {};\n", chain("1", "+", N)),
            true,
        ),
        (
            "q/and.sql",
            format!("SELECT id FROM t WHERE {};\n", chain("a = 1", " AND ", N)),
            true,
        ),
        (
            "q/or.sql",
            format!("SELECT id FROM t WHERE {};\n", chain("a = 1", " OR ", N)),
            true,
        ),
        (
            "q/concat.sql",
            format!("SELECT id FROM t WHERE b = {};\n", chain("'x'", " || ", N)),
            true,
        ),
        ("q/case.sql", nested_case, true),
        (
            "q/union.sql",
            format!("{};\n", union.join(" UNION ALL ")),
            true,
        ),
        (
            "q/in_list.sql",
            format!(
                "SELECT id FROM t WHERE a IN ({});\n",
                in_list.join(", ")
            ),
            false,
        ),
        // Just under the limit: parsed and analyzed (deep, but safe on a 2 MiB stack): a
        // query, an index expression the fold normalizes, an application string.
        (
            "migrations/002_expr_index.sql",
            format!(
                "CREATE INDEX CONCURRENTLY t_sum ON t (({}));\n",
                chain("a", " + ", idxlint::parse::depth::MAX_DEPTH - 10)
            ),
            false,
        ),
        (
            "q/long_or.sql",
            format!(
                "SELECT id FROM t WHERE {};\n",
                chain("a = 1", " OR ", idxlint::parse::depth::MAX_DEPTH / 2)
            ),
            false,
        ),
        (
            "app/long_and.py",
            format!(
                "def f(cur):\n    cur.execute(\"SELECT id FROM t WHERE {}\")\n",
                chain("a + 1 = 2", " AND ", idxlint::parse::depth::MAX_DEPTH / 3)
            ),
            false,
        ),
        (
            "app/deep.py",
            format!(
                "def f(cur):\n    cur.execute(\"SELECT id FROM t WHERE {}\")\n",
                chain("a = 1", " AND ", N)
            ),
            true,
        ),
        (
            "app/deep.go",
            format!(
                "package app\n\nfunc f(db *sql.DB) {{\n\tdb.Query(`SELECT id FROM t WHERE b = {}`)\n}}\n",
                chain("'x'", " || ", N)
            ),
            true,
        ),
    ]
}

fn write_project(root: &Path) -> Vec<(&'static str, bool)> {
    let m = root.join("migrations");
    fs::create_dir_all(&m).expect("mkdir");
    fs::write(
        m.join("001_t.sql"),
        "CREATE TABLE t (id int PRIMARY KEY, a int, b text);\n",
    )
    .expect("write");
    let mut expect = Vec::new();
    for (path, text, deep) in deep_files() {
        assert!(
            (text.len() as u64) < idxlint::DEFAULT_MAX_FILE_SIZE,
            "{path} is under the default size limit"
        );
        let p = root.join(path);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
        expect.push((path, deep));
    }
    expect
}

#[test]
fn check_reports_deep_statements_and_does_not_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expect = write_project(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run idxlint");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?} (a signal means a crash); stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let findings = doc["findings"].as_array().expect("findings");
    for (path, deep) in expect {
        let too_deep = findings.iter().any(|f| {
            f["location"]["path"] == path
                && f["rule"] == "parse-error"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("nest about") && m.contains("split the expression"))
        });
        assert_eq!(too_deep, deep, "{path}: {doc:#}");
    }
    // The IN list is read as a query: no parse error at all.
    assert!(!findings
        .iter()
        .any(|f| f["location"]["path"] == "q/in_list.sql" && f["rule"] == "parse-error"));
}

#[test]
fn the_language_server_project_survives_deep_buffers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let expect = write_project(&root);
    let config = Config::default();
    let options = Options::default();
    // Loading reads every deep file from disk, on this test's small (2 MiB) thread stack.
    let mut project = Project::load(&root, std::slice::from_ref(&root), &config, &options);
    let first = project.analyze();
    // An editor buffer with another deep chain replaces one file.
    let buffer = format!("SELECT id FROM t WHERE a = {};\n", chain("a", " - ", N));
    assert!(project.set_text(&root.join("q/plus.sql"), buffer));
    let edited = project.analyze();
    for analysis in [&first, &edited] {
        for (path, deep) in &expect {
            let found = analysis.diagnostics.iter().any(|d| {
                analysis.sources.get(d.location.file).path == *path
                    && d.rule == "parse-error"
                    && d.message.contains("nest about")
            });
            assert_eq!(found, *deep, "{path}");
        }
    }
}

//! Rule fixtures: `fixtures/rules/<rule>/<case>/` is a small project. A line holding
//! `expect: <rule>` (in any comment syntax) is where a finding of that rule must start;
//! a case without markers must stay clean. Each rule runs alone (the others are off), so
//! other rules never churn its results. The rendered findings of every case are also
//! snapshot-tested (`tests/snapshots/`, review with `cargo insta review`), so messages,
//! help and fix SQL are visible to reviewers.

use idxlint::config::Config;
use idxlint::rules::RULES;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn case_dirs(rule: &str) -> Vec<PathBuf> {
    let dir = fixtures().join(rule);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// `(path, line)` of every `expect: <rule>` marker in the case.
fn markers(root: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    let needle = format!("expect: {rule}");
    let mut out = BTreeSet::new();
    for entry in walk(root) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if line.contains(&needle) && !line.contains(&format!("{needle}-")) {
                out.insert((rel(root, &entry), i + 1));
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Run one rule alone over one case; returns the findings rendered for the snapshot and
/// their `(path, line)` starts.
fn run(rule: &str, case: &Path) -> (String, BTreeSet<(String, usize)>) {
    let mut config = match case.join("idxlint.toml") {
        p if p.exists() => Config::load(&p).unwrap(),
        _ => Config::default(),
    };
    // unused-suppression needs the rules its suppressions silence.
    for r in RULES {
        if r.name != rule && rule != "unused-suppression" {
            config.rules.insert(r.name.to_string(), "off".into());
        }
    }
    let analysis = idxlint::analyze(case, &[case.to_path_buf()], &config, &Default::default());
    let mut rendered = String::new();
    let mut found = BTreeSet::new();
    for d in analysis.diagnostics.iter().filter(|d| d.rule == rule) {
        let f = analysis.sources.get(d.location.file);
        let start = f.lines.line_col(&f.text, d.location.range.start);
        let end = f.lines.line_col(&f.text, d.location.range.end);
        found.insert((f.path.clone(), start.line));
        let _ = writeln!(
            rendered,
            "{}:{}:{}-{}:{} {} [{}] {}",
            f.path,
            start.line,
            start.column,
            end.line,
            end.column,
            d.severity.as_str(),
            d.rule,
            d.message
        );
        for r in &d.related {
            let rf = analysis.sources.get(r.location.file);
            let p = rf.lines.line_col(&rf.text, r.location.range.start);
            let _ = writeln!(
                rendered,
                "  related {}:{}:{} {}",
                rf.path, p.line, p.column, r.message
            );
        }
        if let Some(reason) = &d.reason {
            let _ = writeln!(rendered, "  reason: {reason}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(rendered, "  help: {help}");
        }
        if let Some(fix) = &d.fix {
            let _ = writeln!(rendered, "  fix: {}", fix.sql);
        }
        let _ = writeln!(
            rendered,
            "  table={:?} columns={:?} index={:?}",
            d.table, d.columns, d.index
        );
        if let Some(c) = d.confidence {
            let _ = writeln!(rendered, "  confidence={c}");
        }
    }
    if rendered.is_empty() {
        rendered.push_str("(clean)\n");
    }
    (rendered, found)
}

fn check_rule(rule: &str) {
    let cases = case_dirs(rule);
    assert!(
        cases.len() >= 2,
        "{rule}: needs fixtures that fire and that stay clean"
    );
    let mut fired = false;
    let mut clean = false;
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = markers(&case, rule);
        let (rendered, found) = run(rule, &case);
        assert_eq!(
            found, expected,
            "{rule}/{name}: findings (left) differ from `expect:` markers (right):\n{rendered}"
        );
        fired |= !expected.is_empty();
        clean |= expected.is_empty();
        insta::with_settings!({snapshot_suffix => format!("{rule}__{name}"), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("rule", rendered);
        });
    }
    assert!(fired, "{rule}: no fixture fires");
    assert!(clean, "{rule}: no fixture stays clean");
}

#[test]
fn missing_index() {
    check_rule("missing-index");
}

#[test]
fn misordered_index() {
    check_rule("misordered-index");
}

#[test]
fn redundant_index() {
    check_rule("redundant-index");
}

#[test]
fn duplicate_index() {
    check_rule("duplicate-index");
}

#[test]
fn unindexed_foreign_key() {
    check_rule("unindexed-foreign-key");
}

#[test]
fn non_sargable_predicate() {
    check_rule("non-sargable-predicate");
}

#[test]
fn leading_wildcard() {
    check_rule("leading-wildcard");
}

#[test]
fn volatile_index_expression() {
    check_rule("volatile-index-expression");
}

#[test]
fn wide_index() {
    check_rule("wide-index");
}

#[test]
fn index_not_concurrent() {
    check_rule("index-not-concurrent");
}

#[test]
fn concurrent_index_in_transaction() {
    check_rule("concurrent-index-in-transaction");
}

#[test]
fn drop_index_in_use() {
    check_rule("drop-index-in-use");
}

#[test]
fn drop_index_not_concurrent() {
    check_rule("drop-index-not-concurrent");
}

#[test]
fn reindex_not_concurrent() {
    check_rule("reindex-not-concurrent");
}

#[test]
fn unique_constraint_builds_index() {
    check_rule("unique-constraint-builds-index");
}

#[test]
fn covering_index() {
    check_rule("covering-index");
}

#[test]
fn parse_error() {
    check_rule("parse-error");
}

#[test]
fn unused_suppression() {
    check_rule("unused-suppression");
}

//! Queries built in code (issue 9): `fixtures/projects/built_truncations` holds every shape
//! of a built query the issue lists (concatenated names and clauses, format calls,
//! interpolated names, unknown operands), and queries grown statement by statement
//! (`grown.go`: a format call grown on some paths, a builder handed to `fmt.Fprintf`;
//! `grown.py`: a query assigned in both branches of an `if`, grown after them, is whole in
//! each). None may give a finding from its known prefix alone: the query rules must stay
//! quiet there, and every query is counted.

use idxlint::config::Config;
use std::path::Path;

#[test]
fn no_finding_from_a_truncated_query() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/built_truncations");
    let analysis = idxlint::analyze(
        &root,
        std::slice::from_ref(&root),
        &Config::default(),
        &Default::default(),
    );
    let query_rules = [
        "missing-index",
        "misordered-index",
        "covering-index",
        "non-sargable-predicate",
        "leading-wildcard",
    ];
    // Only queries whose unknown pieces cannot hold a condition give findings: a sort
    // direction (repo.py:5), a select list (repo.py:9), a `WITH` prefix (repo.py:19); each
    // says it is partial.
    let found: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| query_rules.contains(&d.rule))
        .map(|d| {
            let f = analysis.sources.get(d.location.file);
            let line = f.lines.line_col(&f.text, d.location.range.start).line;
            format!("{}:{line} {} partial={}", f.path, d.rule, d.partial)
        })
        .collect();
    assert_eq!(
        found,
        [
            "repo.py:5 missing-index partial=true",
            "repo.py:9 missing-index partial=true",
            "repo.py:19 missing-index partial=true",
        ],
        "findings on built queries"
    );
    let q = analysis.stats.queries;
    // Every query was read, and none reached a verdict on partial text.
    assert_eq!(q.total, q.with_verdict + q.no_verdict + q.unparsed);
    assert_eq!(q.total, 16, "{q:?}");
    assert_eq!(q.with_verdict, 6, "{q:?}");
    assert!(analysis
        .unresolved
        .iter()
        .all(|u| u.no_verdict.is_some() || u.built.is_some()));
}

#[test]
fn json_and_inspect_show_what_was_built() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/built_truncations");
    let config = Config::default();
    let analysis = idxlint::analyze(
        &root,
        std::slice::from_ref(&root),
        &config,
        &Default::default(),
    );
    let mut json = Vec::new();
    idxlint::report::json::render(&analysis, &mut json).expect("json");
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("valid json");
    let partial = doc["findings"]
        .as_array()
        .map(|f| f.iter().filter(|x| x["partial"] == true).count());
    assert_eq!(partial, Some(3));
    assert_eq!(doc["summary"]["queries"]["total"], 16);
    assert_eq!(doc["summary"]["queries"]["no_verdict"], 10);
    let mut out = Vec::new();
    idxlint::report::inspect::render(&analysis, &config, "notes.ts", 6, &mut out).expect("inspect");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains(
            "built:  SELECT * FROM items WHERE closed = 0 ⟨extra⟩ ORDER BY opened DESC LIMIT $1"
        ),
        "{text}"
    );
    assert!(
        text.contains("⟨extra⟩ could add conditions idxlint cannot see: no verdict"),
        "{text}"
    );
}

/// Names a naming helper gives (`[naming]` in the case's idxlint.toml) resolve only when
/// configured: without the config the same queries have no verdict and no finding.
#[test]
fn naming_helpers_resolve_only_when_configured() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/missing-index/naming_helpers");
    let configured = Config::load(&root.join("idxlint.toml")).expect("valid config");
    let run = |config: &Config| {
        let a = idxlint::analyze(
            &root,
            std::slice::from_ref(&root),
            config,
            &Default::default(),
        );
        let missing = a
            .diagnostics
            .iter()
            .filter(|d| d.rule == "missing-index")
            .count();
        let unresolved: Vec<String> = a
            .unresolved
            .iter()
            .map(|q| {
                format!(
                    "{} | {}",
                    q.built.clone().unwrap_or_default(),
                    q.no_verdict.clone().unwrap_or_default()
                )
            })
            .collect();
        (a.stats.queries, missing, unresolved)
    };
    let (q, missing, unresolved) = run(&configured);
    assert_eq!((q.total, q.with_verdict, q.no_verdict), (4, 3, 1), "{q:?}");
    assert_eq!(missing, 2);
    // The helper that is not configured leaves its names unknown, and says so.
    assert_eq!(
        unresolved,
        ["select ⟨f.id⟩ from ⟨t⟩ where ⟨f.plate⟩ = $1 | built in code: the name ⟨t⟩, ⟨f.plate⟩ is not known before run time"]
    );
    let (q, missing, _) = run(&Config::default());
    assert_eq!((q.total, q.with_verdict, q.no_verdict), (4, 0, 4), "{q:?}");
    assert_eq!(missing, 0);
}

//! Schema sources: `fixtures/sources/<convention>/<case>/` is a small repository laid out
//! as one migration runner or convention expects. For each case the snapshot holds what
//! `idxlint schema --sources` says of every file, the folded schema (`idxlint schema`) and
//! the findings. A line holding `expect: <rule>` is where a finding of that rule must
//! start; a case without markers must be clean. The migration-safety rules are off here
//! (they judge how migrations are written, not which files build the schema, and have
//! their own fixtures).

use idxlint::config::Config;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const SAFETY_RULES: &[&str] = &[
    "index-not-concurrent",
    "drop-index-not-concurrent",
    "reindex-not-concurrent",
    "concurrent-index-in-transaction",
    "unique-constraint-builds-index",
    "drop-index-in-use",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("fixture folder") {
        let p = e.expect("entry").path();
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
        .expect("under root")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `(path, line, rule)` of every `expect: <rule>` marker.
fn markers(root: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for f in walk(root) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if let Some((_, rest)) = line.split_once("expect: ") {
                let rule: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                    .collect();
                out.insert((rel(root, &f), i + 1, rule));
            }
        }
    }
    out
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for conv in walk_dirs(&fixtures()) {
        for case in walk_dirs(&conv) {
            out.push((rel(&fixtures(), &case), case));
        }
    }
    out
}

fn walk_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn check(case_name: &str, dir: &Path) {
    let mut config = match dir.join("idxlint.toml") {
        p if p.exists() => Config::load(&p).expect("fixture config"),
        _ => Config::default(),
    };
    for r in SAFETY_RULES {
        config.rules.insert((*r).to_string(), "off".into());
    }
    let a = idxlint::analyze(dir, &[dir.to_path_buf()], &config, &Default::default());
    let mut out = Vec::new();
    idxlint::report::sources::render(&a, &mut out).expect("render");
    let mut text = String::from_utf8(out).expect("utf-8");
    text.push_str("\n--- schema\n");
    let mut out = Vec::new();
    idxlint::report::schema::render(&a, &mut out).expect("render");
    text.push_str(&String::from_utf8(out).expect("utf-8"));
    text.push_str("\n--- findings\n");
    let mut found = BTreeSet::new();
    for d in &a.diagnostics {
        let f = a.sources.get(d.location.file);
        let start = f.lines.line_col(&f.text, d.location.range.start);
        found.insert((f.path.clone(), start.line, d.rule.to_string()));
        let _ = writeln!(
            text,
            "{}:{}:{} [{}] {}",
            f.path, start.line, start.column, d.rule, d.message
        );
    }
    for w in idxlint::report::sources::warnings(&a) {
        let _ = writeln!(text, "warning: {w}");
    }
    let expected = markers(dir);
    assert_eq!(
        found, expected,
        "{case_name}: findings (left) differ from `expect:` markers (right):\n{text}"
    );
    insta::with_settings!({snapshot_suffix => case_name.replace('/', "__"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sources", text);
    });
}

#[test]
fn every_convention_case() {
    let cases = cases();
    assert!(cases.len() >= 12, "fixtures/sources holds too few cases");
    let mut failures = Vec::new();
    for (name, dir) in &cases {
        if let Err(e) = std::panic::catch_unwind(|| check(name, dir)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_reader_has_a_fixture() {
    let convs: BTreeSet<String> = walk_dirs(&fixtures())
        .iter()
        .map(|p| rel(&fixtures(), p))
        .collect();
    for r in idxlint::sources::READERS {
        let folder = r.name.replace('-', "_");
        assert!(
            convs.contains(&folder),
            "reader `{}` has no fixtures/sources/{folder}/",
            r.name
        );
    }
}

fn idxlint() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_idxlint"))
}

/// `check DIR` on a subfolder reads the whole project (the folder of idxlint.toml) for the
/// schema and reports only findings under that folder; a file argument does the same.
#[test]
fn a_subfolder_is_checked_against_the_whole_project() {
    let root = fixtures().join("project/subfolder");
    let run = |arg: PathBuf| {
        let out = idxlint()
            .args(["check", "--format", "json"])
            .arg(arg)
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let paths: Vec<String> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["location"]["path"].as_str().unwrap_or("").to_string())
            .collect();
        (paths, doc["summary"]["schema"].clone())
    };
    let (paths, schema) = run(root.join("app"));
    assert_eq!(paths, ["app/boats.py"]);
    assert_eq!(schema["tables"], 1, "{schema}");
    assert_eq!(schema["sources"], 1, "{schema}");
    let (paths, _) = run(root.join("tools/owners.py"));
    assert_eq!(paths, ["tools/owners.py"]);
    let (paths, _) = run(root.clone());
    assert_eq!(paths, ["app/boats.py", "tools/owners.py"]);
}

/// DDL in a file that is not read as schema: a warning on stderr says so, by default.
#[test]
fn an_empty_schema_is_a_warning_with_the_likely_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("store.go"),
        "package store\n\nconst create = `CREATE TABLE gliders (id bigint, pilot text)`\n\n\
         const q = `SELECT id FROM gliders WHERE pilot = $1`\n",
    )
    .expect("write");
    let out = idxlint()
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the schema is empty")
            && stderr.contains("CREATE TABLE found in `store.go`"),
        "{stderr}"
    );
    let quiet = idxlint()
        .args(["check", "-q"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(quiet.stderr.is_empty());
    let sources = idxlint()
        .args(["schema", "--sources"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&sources.stdout);
    assert!(
        text.contains("application") && text.contains("store.go"),
        "{text}"
    );
}

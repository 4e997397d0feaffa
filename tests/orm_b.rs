//! ORM applications of the second reader group (Prisma, Drizzle, GORM, diesel):
//! `fixtures/projects/<orm>-app/` is a small invented application. Every rule runs; a line
//! holding `expect: <rule>` is where a finding of that rule must start, and no other
//! finding may appear. The folded schema (`idxlint schema`) and the rendered findings are
//! snapshot-tested so a reviewer sees the DDL each reader wrote and where it points.

mod common;

use idxlint::config::Config;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn project(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/projects")
        .join(name)
}

fn check(name: &str) {
    let root = project(name);
    let analysis = idxlint::analyze(
        &root,
        std::slice::from_ref(&root),
        &Config::default(),
        &Default::default(),
    );
    let mut rendered = String::new();
    let mut found = BTreeSet::new();
    for d in &analysis.diagnostics {
        let f = analysis.sources.get(d.location.file);
        let start = f.lines.line_col(&f.text, d.location.range.start);
        found.insert((f.path.clone(), start.line, d.rule.to_string()));
        let _ = writeln!(
            rendered,
            "{}:{}:{} [{}] {}",
            f.path, start.line, start.column, d.rule, d.message
        );
        if let Some(help) = &d.help {
            let _ = writeln!(rendered, "  help: {help}");
        }
        if let Some(fix) = &d.fix {
            let _ = writeln!(rendered, "  fix: {}", fix.sql);
        }
    }
    let expected = common::expect_markers(&root);
    assert_eq!(
        found, expected,
        "{name}: findings (left) differ from `expect:` markers (right):\n{rendered}"
    );
    let mut schema = Vec::new();
    idxlint::report::schema::render(&analysis, &mut schema).unwrap();
    let schema = String::from_utf8(schema).unwrap();
    insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("orm_b_schema", schema);
        let mut json = Vec::new();
        idxlint::report::schema_json::render(&analysis, &mut json).unwrap();
        insta::assert_snapshot!("orm_b_schema_json", String::from_utf8(json).unwrap());
        insta::assert_snapshot!("orm_b_findings", rendered);
    });
}

#[test]
fn prisma_app() {
    check("prisma-app");
}

#[test]
fn drizzle_app() {
    check("drizzle-app");
}

#[test]
fn gorm_app() {
    check("gorm-app");
}

#[test]
fn diesel_app() {
    check("diesel-app");
}

#[test]
fn typeorm_app() {
    check("typeorm-app");
}

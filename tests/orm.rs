//! ORM applications (`fixtures/projects/<orm>-app/`): small invented applications whose
//! schema lives in ORM files (`db/schema.rb`, `models.py`, Alembic revisions) and whose
//! queries are ORM call chains. Every rule runs (default configuration). A line holding
//! `expect: <rule>` is where a finding of that rule must start; every other line must stay
//! quiet. The folded schema (`idxlint schema`) and the rendered findings are snapshots, so
//! a reviewer sees the DDL each reader wrote and the fixes in the ORM's own form.

mod common;

use idxlint::config::Config;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn app(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/projects")
        .join(name)
}

fn check_app(name: &str) -> (String, String) {
    let root = app(name);
    let config = Config::default();
    let analysis = idxlint::analyze(
        &root,
        std::slice::from_ref(&root),
        &config,
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
    for q in &analysis.unresolved {
        let f = analysis.sources.get(q.location.file);
        let start = f.lines.line_col(&f.text, q.location.range.start);
        let _ = writeln!(rendered, "no verdict {}:{}: {}", f.path, start.line, q.sql);
    }
    let expected = common::expect_markers(&root);
    assert_eq!(
        found, expected,
        "{name}: findings (left) differ from `expect:` markers (right):\n{rendered}"
    );
    let mut json = Vec::new();
    idxlint::report::schema_json::render(&analysis, &mut json).unwrap();
    insta::assert_snapshot!(
        format!("{}_schema_json", name.replace('-', "_")),
        String::from_utf8(json).unwrap()
    );
    let mut schema = Vec::new();
    idxlint::report::schema::render(&analysis, &mut schema).unwrap();
    (rendered, String::from_utf8(schema).unwrap())
}

#[test]
fn rails_app() {
    let (findings, schema) = check_app("rails-app");
    assert!(
        findings.contains("add_index :shipments, :order_id"),
        "{findings}"
    );
    assert!(findings.contains("no verdict app/controllers/orders_controller.rb:8"));
    insta::assert_snapshot!("rails_app_findings", findings);
    insta::assert_snapshot!("rails_app_schema", schema);
}

#[test]
fn django_app() {
    let (findings, schema) = check_app("django-app");
    assert!(findings.contains("models.Index(fields=["), "{findings}");
    insta::assert_snapshot!("django_app_findings", findings);
    insta::assert_snapshot!("django_app_schema", schema);
}

#[test]
fn sqlalchemy_app() {
    let (findings, schema) = check_app("sqlalchemy-app");
    assert!(findings.contains("op.create_index("), "{findings}");
    insta::assert_snapshot!("sqlalchemy_app_findings", findings);
    insta::assert_snapshot!("sqlalchemy_app_schema", schema);
}

/// Under MySQL the ORM's DDL is read with MySQL's quoting: a Rails `schema.rb` of a MySQL
/// application builds its tables (the readers write `"name"`, which MySQL reads as a string).
#[test]
fn rails_schema_under_mysql() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("db")).unwrap();
    std::fs::create_dir_all(root.join("app/models")).unwrap();
    std::fs::write(
        root.join("db/schema.rb"),
        "ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do\n  \
         create_table \"parcels\", force: :cascade do |t|\n    t.string \"tracking_code\"\n    \
         t.string \"courier\"\n    t.index [\"courier\"], name: \"index_parcels_on_courier\"\n  \
         end\nend\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/models/parcel.rb"),
        "class Parcel < ApplicationRecord\n  def self.tracked(code)\n    \
         where(tracking_code: code).to_a\n  end\nend\n",
    )
    .unwrap();
    let config = Config {
        dialect: Some(idxlint::parse::Dialect::Mysql),
        ..Config::default()
    };
    let a = idxlint::analyze(root, &[root.to_path_buf()], &config, &Default::default());
    let parcels = a
        .schema
        .tables
        .get("parcels")
        .expect("schema.rb builds parcels");
    assert!(parcels
        .indexes
        .iter()
        .any(|i| i.name == "index_parcels_on_courier"));
    let rules: Vec<&str> = a.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["missing-index"], "{:#?}", a.diagnostics);
}

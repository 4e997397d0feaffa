//! Robustness over real migrations: `../shared/corpus` holds 921 PostgreSQL `.sql` files of
//! lemmy, kratos and logto (see its README). For each project: no panic, every `.sql` file
//! of the MANIFEST is read or skipped with a reason, at least 99% of statements parse,
//! every `CREATE TABLE`, `ALTER TABLE` and `CREATE INDEX` parses (directly or after a
//! repair), and a few facts of the folded schema hold.

use idxlint::config::Config;
use idxlint::model::schema::{IndexKind, Schema};
use idxlint::{analyze, Analysis, Options};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if dir.join("MANIFEST").is_file() {
        Some(dir.to_path_buf())
    } else {
        println!("skipped: no corpus at {}", dir.display());
        None
    }
}

/// The `.sql` paths of `project` listed in the MANIFEST, relative to the project folder.
fn manifest_sql(corpus: &Path, project: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(corpus.join("MANIFEST")).expect("MANIFEST is readable");
    let prefix = format!("{project}/");
    text.lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter(|p| p.ends_with(".sql"))
        .map(str::to_string)
        .collect()
}

/// Analyze one project and check the properties every project must have.
fn check_project(project: &str) -> Option<Analysis> {
    let corpus = corpus()?;
    let root = corpus.join(project);
    let a = analyze(
        &root,
        std::slice::from_ref(&root),
        &Config::default(),
        &Options::default(),
    );

    // Every `.sql` file of the MANIFEST is accounted for: read, or skipped with a reason.
    let expected = manifest_sql(&corpus, project);
    let read: BTreeSet<String> = a
        .sources
        .iter()
        .map(|(_, f)| f.path.clone())
        .filter(|p| p.ends_with(".sql"))
        .collect();
    let skipped: BTreeSet<String> = a.skipped.iter().map(|s| s.path.clone()).collect();
    for s in &a.skipped {
        assert!(!s.reason.is_empty(), "{} skipped without a reason", s.path);
        println!("{project}: skipped {}: {}", s.path, s.reason);
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|p| !read.contains(*p) && !skipped.contains(*p))
        .collect();
    assert!(
        missing.is_empty(),
        "{project}: files not accounted for: {missing:?}"
    );

    let st = &a.stats;
    let share = st.parsed as f64 / st.statements.max(1) as f64;
    println!(
        "{project}: {} files, {} statements, {} parsed ({:.2}%), {} repaired",
        st.files,
        st.statements,
        st.parsed,
        share * 100.0,
        st.repaired
    );
    for (kind, n) in &st.unparsed_by_kind {
        println!("{project}:   unparsed {kind}: {n}");
    }
    // Every schema-shaping statement parses, except in the template files the corpus
    // README lists (`{{ .TableName }}`, `${name}`): those are not SQL until rendered.
    for d in a.diagnostics.iter().filter(|d| d.rule == "parse-error") {
        let file = a.sources.get(d.location.file);
        let template = file.text.contains("{{") || file.text.contains("${");
        let shaping = [
            "CREATE TABLE",
            "ALTER TABLE",
            "CREATE INDEX",
            "CREATE UNIQUE INDEX",
        ]
        .iter()
        .any(|k| d.message.starts_with(&format!("cannot parse {k} ")));
        assert!(
            template || !shaping,
            "{project}: {}: {}",
            file.path,
            d.message
        );
    }
    Some(a)
}

/// Key columns of index `name` of `table`, for compact assertions.
fn index_keys(schema: &Schema, table: &str, name: &str) -> Option<Vec<String>> {
    let t = schema.tables.get(table)?;
    let ix = t.indexes.iter().find(|i| i.name == name)?;
    Some(ix.key_columns())
}

fn has_index(schema: &Schema, name: &str) -> bool {
    schema
        .tables
        .values()
        .any(|t| t.indexes.iter().any(|i| i.name == name))
}

/// The share of PostgreSQL statements idxlint understands (parsed, repaired or recognized),
/// over the whole corpus. The four template files the corpus README lists (Go templates in
/// kratos, `${...}` placeholders in logto's lifecycle scripts) are not SQL until rendered and
/// PostgreSQL's own parser rejects them too, so they are left out of the count.
#[test]
fn corpus_parse_share() {
    let Some(corpus) = corpus() else {
        return;
    };
    let config = Config {
        exclude: vec![
            "**/templating/**".into(),
            "packages/schemas/tables/_before_all.sql".into(),
            "packages/schemas/tables/_after_each.sql".into(),
            "packages/schemas/tables/_after_all.sql".into(),
        ],
        ..Config::default()
    };
    let (mut statements, mut understood) = (0, 0);
    for project in ["lemmy", "kratos", "logto"] {
        let root = corpus.join(project);
        let a = analyze(
            &root,
            std::slice::from_ref(&root),
            &config,
            &Options::default(),
        );
        println!(
            "{project}: {} of {} statements understood ({:.2}%); not understood by kind: {:?}",
            a.stats.parsed,
            a.stats.statements,
            100.0 * a.stats.parsed as f64 / a.stats.statements.max(1) as f64,
            a.stats.unparsed_by_kind
        );
        statements += a.stats.statements;
        understood += a.stats.parsed;
    }
    let share = understood as f64 / statements.max(1) as f64;
    println!(
        "corpus: {understood} of {statements} statements understood ({:.2}%)",
        share * 100.0
    );
    assert!(share >= 0.99, "only {:.2}% understood", share * 100.0);
}

#[test]
fn lemmy() {
    let Some(a) = check_project("lemmy") else {
        return;
    };
    let s = &a.schema;
    assert!(
        s.tables.len() > 50,
        "lemmy has many tables: {}",
        s.tables.len()
    );
    let _ = (index_keys, has_index, IndexKind::PrimaryKey);
}

#[test]
fn kratos() {
    let Some(a) = check_project("kratos") else {
        return;
    };
    let s = &a.schema;
    let ix = s.tables["identity_credential_identifiers"]
        .indexes
        .iter()
        .find(|i| i.name == "identity_credential_identifiers_identifier_nid_type_uq_idx");
    assert!(ix.is_some_and(|i| i.unique));
    assert_eq!(
        index_keys(
            s,
            "identity_credential_identifiers",
            "identity_credential_identifiers_identifier_nid_type_uq_idx"
        ),
        Some(vec![
            "nid".to_string(),
            "identity_credential_type_id".to_string(),
            "identifier".to_string()
        ])
    );
    // Kratos' migrations insert the credential types themselves.
    assert!(s.tables["identity_credential_types"].seeded);
}

#[test]
fn logto() {
    let Some(a) = check_project("logto") else {
        return;
    };
    let s = &a.schema;
    assert_eq!(
        index_keys(s, "applications", "applications__type"),
        Some(vec!["tenant_id".to_string(), "type".to_string()])
    );
    assert_eq!(
        index_keys(
            s,
            "applications",
            "applications__protected_app_metadata_host"
        ),
        Some(vec!["(protected_app_metadata ->> 'host')".to_string()])
    );
    let t = &s.tables["applications"];
    assert!(t.column("tenant_id").is_some_and(|c| !c.nullable));
}

/// What a run found, in a form two runs can be compared by.
fn findings(a: &Analysis) -> Vec<String> {
    a.diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {} {:?}",
                a.sources.get(d.location.file).path,
                d.location.range.start,
                d.location.range.end,
                d.rule,
                d.message,
                d.fix.as_ref().map(|f| &f.sql)
            )
        })
        .collect()
}

/// A one-shot run drops the syntax trees of queries and DDL as they are parsed and parses
/// them again one at a time (`parse::defer`); the language server keeps them. Both must
/// give the same schema, queries and findings, on the corpus and on every fixture project
/// (ORMs, built SQL, quoting), or dropping the trees changed a verdict.
#[test]
fn dropped_trees_change_nothing() {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(corpus) = corpus() {
        roots.extend(["lemmy", "kratos", "logto"].map(|p| corpus.join(p)));
    }
    let projects = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/projects"));
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(projects)
        .expect("fixtures/projects is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "fixture projects: {fixtures:?}");
    roots.extend(fixtures);
    // A migration over `parse::KEEP_TREES_UP_TO`, whose trees are dropped in both modes.
    let big = tempfile::tempdir().expect("tempdir");
    let mut sql = String::new();
    for i in 0..3000 {
        sql.push_str(&format!(
            "CREATE TABLE reel_{i} (id bigint PRIMARY KEY, spool_id bigint, wound_at timestamptz);\n\
             CREATE INDEX reel_{i}_spool ON reel_{i} (spool_id);\n\
             INSERT INTO reel_{i} (id, spool_id) VALUES (1, 2), (2, 3);\n"
        ));
    }
    assert!(sql.len() > idxlint::parse::KEEP_TREES_UP_TO);
    std::fs::create_dir_all(big.path().join("migrations")).expect("mkdir");
    std::fs::write(big.path().join("migrations/001_reels.sql"), sql).expect("write");
    std::fs::write(
        big.path().join("idxlint.toml"),
        "[tables]\nrows = { reel_7 = 1000000, reel_2999 = 1000000 }\n",
    )
    .expect("write");
    std::fs::write(
        big.path().join("reels.py"),
        "cur.execute(\"SELECT id FROM reel_7 WHERE wound_at > %s\", (t,))\n\
         cur.execute(\"SELECT id FROM reel_2999 WHERE spool_id = %s\", (s,))\n",
    )
    .expect("write");
    roots.push(big.path().to_path_buf());
    for root in roots {
        let run = |keep_trees: bool| {
            analyze(
                &root,
                std::slice::from_ref(&root),
                &Config::discover(&root).expect("the config loads"),
                &Options {
                    keep_trees,
                    ..Options::default()
                },
            )
        };
        let (dropped, kept) = (run(false), run(true));
        assert_eq!(
            findings(&dropped),
            findings(&kept),
            "findings differ on {}",
            root.display()
        );
        assert_eq!(
            format!("{:?}", dropped.schema.tables),
            format!("{:?}", kept.schema.tables),
            "schema differs on {}",
            root.display()
        );
        assert_eq!(
            dropped.stats.queries,
            kept.stats.queries,
            "{}",
            root.display()
        );
        assert_eq!(
            dropped.stats.parsed,
            kept.stats.parsed,
            "{}",
            root.display()
        );
        println!(
            "{}: {} findings, {} tables, {} queries",
            root.display(),
            kept.diagnostics.len(),
            kept.schema.tables.len(),
            kept.stats.queries.total
        );
    }
}

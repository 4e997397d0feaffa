//! `--format github`: the workflow commands for the fixture project, escaping included.

use std::path::Path;
use std::process::Command;

fn project() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/integration/project"
    ))
}

#[test]
fn github_annotations_for_the_fixture_project() {
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(["check", "--format", "github"])
        .current_dir(project())
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

/// An analysis with one finding of the kind the real rules produce: related location,
/// reason, multi-line help with `%`, `:` and `,`, a fix, table, columns and index. Built by
/// hand from `fixtures/integration/rich/orders.sql`, since today's rules do not produce it.
fn rich_analysis() -> idxlint::Analysis {
    use idxlint::diagnostic::{Diagnostic, Fix, Related, Severity};
    use idxlint::source::{Location, SourceDb, SourceFile};
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/integration/rich"
    ));
    let text = std::fs::read_to_string(root.join("orders.sql")).expect("fixture");
    let mut sources = SourceDb::default();
    let file = sources.add(SourceFile::new(
        "orders.sql".into(),
        root.join("orders.sql"),
        text.clone(),
    ));
    let at = |needle: &str| {
        let start = text.find(needle).expect("needle in fixture");
        Location {
            file,
            range: start..start + needle.len(),
        }
    };
    let mut d = Diagnostic::new(
        "missing-index",
        Severity::Info,
        "no index serves the filter on `orders.customer_id`".into(),
        at("customer_id = $1"),
    );
    d.related.push(Related {
        message: "`orders_created_at` covers only `created_at`".into(),
        location: at("CREATE INDEX orders_created_at ON orders (created_at)"),
    });
    d.reason = Some("every call scans 100% of `orders`".into());
    d.help = Some("add an index: (customer_id, created_at DESC),\nin a new migration".into());
    d.fix = Some(Fix {
        sql: "CREATE INDEX orders_customer_id_created_at\n    ON orders (customer_id, created_at DESC);"
            .into(),
    });
    d.table = Some("orders".into());
    d.columns = vec!["customer_id".into(), "created_at".into()];
    d.index = Some("orders_created_at".into());
    idxlint::Analysis {
        root: root.to_path_buf(),
        dialect: Default::default(),
        sources,
        schema: Default::default(),
        queries: Vec::new(),
        unresolved: Vec::new(),
        diagnostics: vec![d],
        skipped: Vec::new(),
        stats: Default::default(),
    }
}

#[test]
fn github_annotation_of_a_rich_finding() {
    let mut out = Vec::new();
    idxlint::report::github::render(&rich_analysis(), &mut out).expect("render");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 1, "multi-line text stays on one line");
    assert!(
        text.starts_with("::notice file=orders.sql,line=4,"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

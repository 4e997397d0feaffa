//! Schema folding on mini projects: each `fixtures/model/<case>/` holds migrations (and an
//! optional `idxlint.toml` naming the dialect) and `expected.txt`, the `idxlint schema`
//! rendering (`report::schema::render`) of the schema they leave. A case fails when the
//! rendering differs; set `IDXLINT_BLESS=1` to rewrite `expected.txt` after a reviewed change.

use idxlint::config::Config;
use idxlint::{analyze, Options};
use std::path::Path;

fn check_case(name: &str) {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/model")).join(name);
    let config = Config::discover(&dir).expect("fixture config loads");
    let analysis = analyze(
        &dir,
        std::slice::from_ref(&dir),
        &config,
        &Options::default(),
    );
    let parse_errors: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.rule == "parse-error")
        .map(|d| d.message.as_str())
        .collect();
    assert!(parse_errors.is_empty(), "{name}: {parse_errors:?}");

    let mut out = Vec::new();
    idxlint::report::schema::render(&analysis, &mut out).expect("render to memory");
    let actual = String::from_utf8(out).expect("UTF-8 output");
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("IDXLINT_BLESS").is_some() {
        std::fs::write(&expected_path, &actual).expect("write expected.txt");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        actual == expected,
        "{name}: schema differs from expected.txt\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn postgres_create() {
    check_case("postgres_create");
}

#[test]
fn postgres_alter() {
    check_case("postgres_alter");
}

#[test]
fn mysql_inline_keys() {
    check_case("mysql_inline_keys");
}

#[test]
fn sqlite_without_rowid() {
    check_case("sqlite_without_rowid");
}

#[test]
fn postgres_drops() {
    check_case("postgres_drops");
}

#[test]
fn mysql_names_engines() {
    check_case("mysql_names_engines");
}

/// The fold keeps what each statement took away, with the statement's location: the schema
/// just before a drop is the final one plus these (`drop-index-in-use`).
#[test]
fn removals_keep_what_each_statement_took_away() {
    use idxlint::model::schema::Removed;
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/model/postgres_drops"
    ));
    let config = Config::discover(dir).expect("fixture config loads");
    let analysis = analyze(dir, &[dir.to_path_buf()], &config, &Options::default());
    let lines: Vec<String> = analysis
        .schema
        .removals
        .iter()
        .map(|r| {
            let f = analysis.sources.get(r.at.file);
            let line = f.lines.line_col(&f.text, r.at.range.start).line;
            let what = match &r.what {
                Removed::Index(i) => format!("index {} ({})", i.name, i.key_columns().join(", ")),
                Removed::Column {
                    table,
                    column,
                    renamed_to,
                } => format!("column {table}.{column} -> {renamed_to:?}"),
            };
            format!("{}:{line} {what}", f.path)
        })
        .collect();
    insta::assert_snapshot!("postgres_drops_removals", lines.join("\n"));
}

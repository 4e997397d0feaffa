//! Names and DDL fidelity, both directions: what idxlint reads (`schema --format json` on
//! the demo and on the name and dump fixtures) and what it writes (the fixes and the
//! `suggest` migration of the quoting fixtures, whose SQL `tests/realdb.rs` runs against
//! real databases). Snapshots are reviewed with `cargo insta review`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Run idxlint in `dir` with `args` (the path `.` appended); (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(args)
        .arg(".")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run idxlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

fn schema_json(rel: &str) -> serde_json::Value {
    let (code, out, err) = run(&fixture(rel), &["schema", "--format", "json"]);
    assert_eq!(code, 0, "{rel}: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn table<'a>(doc: &'a serde_json::Value, schema: &str, name: &str) -> &'a serde_json::Value {
    doc["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["schema"] == schema && t["name"] == name)
        .unwrap_or_else(|| panic!("no table {schema}.{name}"))
}

#[test]
fn demo_schema_json() {
    insta::assert_snapshot!(
        "demo_schema_json",
        serde_json::to_string_pretty(&schema_json("projects/demo")).expect("JSON")
    );
}

#[test]
fn schemas_keep_tables_apart() {
    let doc = schema_json("model/postgres_schemas");
    let names = |t: &serde_json::Value| -> Vec<String> {
        t["indexes"]
            .as_array()
            .expect("indexes")
            .iter()
            .map(|i| i["name"].as_str().expect("name").to_string())
            .collect()
    };
    // public.users lost only its own users_email_idx; stats.users lost its own later.
    assert_eq!(
        names(table(&doc, "public", "users")),
        ["users_pkey", "users_lower_idx"]
    );
    assert_eq!(names(table(&doc, "stats", "users")), ["users_pkey"]);
    // `hits` was created in stats (search path) and its key references stats.users.
    let visits = table(&doc, "stats", "visits");
    assert_eq!(visits["foreign_keys"][0]["ref_table"], "stats.users");
    assert_eq!(names(visits), ["hits_user_id_idx"]);
    // The second file starts from `public` again: "Order" references public.users.
    let order = table(&doc, "public", "Order");
    assert_eq!(order["foreign_keys"][0]["ref_table"], "users");
    // LIKE ... INCLUDING ALL copies indexes under the new table's names; plain LIKE does not.
    assert_eq!(
        names(table(&doc, "public", "users_copy")),
        ["users_copy_pkey", "users_copy_lower_idx"]
    );
    // `SET SCHEMA` moved it.
    assert!(names(table(&doc, "archive", "users_shape")).is_empty());
    let snapshot: Vec<&str> = table(&doc, "public", "users_snapshot")["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(snapshot, ["id", "email", "name", "taken_at"]);
    insta::assert_snapshot!(
        "postgres_schemas_json",
        serde_json::to_string_pretty(&doc).expect("JSON")
    );
}

#[test]
fn pg_dump_reads_as_schema() {
    let dir = fixture("model/pg_dump");
    let (_, out, err) = run(&dir, &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let parse_errors: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "parse-error")
        .collect();
    assert!(parse_errors.is_empty(), "{parse_errors:#?}\n{err}");
    let doc = schema_json("model/pg_dump");
    let accounts = table(&doc, "app", "accounts");
    assert_eq!(accounts["indexes"].as_array().map(Vec::len), Some(2));
    assert_eq!(table(&doc, "app", "events")["kind"], "partitioned table");
    assert_eq!(table(&doc, "app", "events_2025")["partition_of"], "events");
    let daily = table(&doc, "app", "daily");
    assert_eq!(daily["kind"], "materialized view");
    assert_eq!(daily["indexes"][0]["keys"][0], "account_id");
    let emails = table(&doc, "app", "account_emails");
    assert_eq!(emails["columns"][1]["name"], "address");
    insta::assert_snapshot!(
        "pg_dump_schema_json",
        serde_json::to_string_pretty(&doc).expect("JSON")
    );
}

#[test]
fn a_broken_create_table_loses_that_table_only_and_says_so() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        tmp.path().join("schema.sql"),
        "CREATE TABLE a (id bigint PRIMARY KEY);\n\
         CREATE TABLE b (id bigint, x int,);\n\
         CREATE TABLE c (id bigint PRIMARY KEY);\n",
    )
    .expect("write");
    let (_, out, _) = run(tmp.path(), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "parse-error");
    assert_eq!(f["table"], "b");
    assert!(
        f["help"].as_str().is_some_and(|h| h.contains("table b")),
        "{f:#}"
    );
    let (_, out, _) = run(tmp.path(), &["schema"]);
    assert!(
        out.contains("table a ") && out.contains("table c "),
        "{out}"
    );
    assert!(!out.contains("table b "), "{out}");
}

#[test]
fn quoting_fixes() {
    let dir = fixture("projects/quoting");
    let (_, human, _) = run(&dir, &["check"]);
    let (_, suggest, _) = run(&dir, &["suggest"]);
    insta::assert_snapshot!("quoting_check", human);
    insta::assert_snapshot!("quoting_suggest", suggest);
    // The conventional name is taken by another index: the next one of PostgreSQL's scheme.
    assert!(suggest.contains("CREATE INDEX CONCURRENTLY users_email_idx1 ON users (email);"));
    assert!(suggest.contains("ON \"user\" (email)"));
    assert!(suggest.contains("ON stats.\"user\" (day)"));
    assert!(suggest.contains("ON ONLY events (session_id)"));
    assert!(suggest.contains("ATTACH PARTITION"));
}

#[test]
fn quoting_fixes_sqlite() {
    let dir = fixture("projects/quoting_sqlite");
    let (_, human, _) = run(&dir, &["check"]);
    let (_, suggest, _) = run(&dir, &["suggest"]);
    insta::assert_snapshot!("quoting_sqlite_check", human);
    insta::assert_snapshot!("quoting_sqlite_suggest", suggest);
    assert!(suggest.contains("\"Item_sku_idx1\""), "{suggest}");
}

#[test]
fn a_table_off_the_search_path_is_explained_under_verbose() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("migrations")).expect("mkdir");
    std::fs::write(
        dir.join("migrations/001.sql"),
        "CREATE SCHEMA app;\n\
         CREATE TABLE app.orders (id bigint PRIMARY KEY, customer_id bigint);\n\
         CREATE TABLE customers (id bigint PRIMARY KEY, name text);\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("q.sql"),
        "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.name = $1;\n",
    )
    .expect("write");
    let (_, out, err) = run(dir, &["check", "--verbose"]);
    let all = format!("{out}{err}");
    assert!(
        all.contains("table orders exists as app.orders, off the search path"),
        "{all}"
    );
    // With the schema on the search path the query gets its verdict.
    std::fs::write(
        dir.join("idxlint.toml"),
        "search-path = [\"public\", \"app\"]\n",
    )
    .expect("write");
    let (_, out, err) = run(dir, &["check", "--verbose"]);
    let all = format!("{out}{err}");
    assert!(!all.contains("no verdict"), "{all}");
    assert!(all.contains("missing-index"), "{all}");
}

//! Migration safety end to end: which migrations the safety rules judge (git history,
//! `--all-migrations`, dumps), and `suggest --write` in each runner's own form, checked by
//! running `idxlint check` again on the result.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn idxlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run idxlint")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `(rule, path)` of every finding of a JSON report.
fn findings(out: &Output) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(f: &[(String, String)], rule: &str, path: &str) -> bool {
    f.iter().any(|(r, p)| r == rule && p == path)
}

#[test]
fn safety_rules_judge_only_migrations_not_on_the_default_branch() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "idxlint.toml", "dialect = \"postgres\"\n");
    write(
        p,
        "db/migrations/0001_orders.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, status text, placed_at timestamptz);\n",
    );
    write(
        p,
        "db/migrations/0002_status_idx.sql",
        "CREATE INDEX orders_status_idx ON orders (status);\n",
    );
    // A dump is never judged, even with --all-migrations.
    write(
        p,
        "db/schema.sql",
        "CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\nALTER TABLE audit ADD COLUMN who text;\nCREATE INDEX audit_at_idx ON audit (at);\n",
    );
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "applied"]);
    git(p, &["checkout", "-qb", "feature"]);
    write(
        p,
        "db/migrations/0003_placed_idx.sql",
        "CREATE INDEX orders_placed_at_idx ON orders (placed_at);\n",
    );
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "new on the branch"]);
    write(
        p,
        "db/migrations/0004_uncommitted.sql",
        "CREATE INDEX orders_id_status_idx ON orders (id, status);\n",
    );

    let out = idxlint(p, &["check", "--format", "json", "."]);
    let f = findings(&out);
    let rule = "index-not-concurrent";
    assert!(!has(&f, rule, "db/migrations/0002_status_idx.sql"), "{f:?}");
    assert!(has(&f, rule, "db/migrations/0003_placed_idx.sql"), "{f:?}");
    assert!(has(&f, rule, "db/migrations/0004_uncommitted.sql"), "{f:?}");
    assert!(!f.iter().any(|(_, p)| p == "db/schema.sql"), "{f:?}");

    // -v says what was not shown.
    let out = idxlint(p, &["check", "-v", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "note: 1 migration-safety finding on 1 applied migration not shown; --all-migrations shows them"
        ),
        "{text}"
    );

    // A file named on the command line is judged (pre-commit passes the staged files).
    let out = idxlint(
        p,
        &[
            "check",
            "--format",
            "json",
            "db/migrations/0002_status_idx.sql",
        ],
    );
    assert!(has(
        &findings(&out),
        rule,
        "db/migrations/0002_status_idx.sql"
    ));

    // --all-migrations and the config setting judge every migration, never the dump.
    for args in [
        &["check", "--format", "json", "--all-migrations", "."][..],
        &["check", "--format", "json", "--config", "all.toml", "."][..],
    ] {
        write(
            p,
            "all.toml",
            "dialect = \"postgres\"\nall-migrations = true\n",
        );
        let f = findings(&idxlint(p, args));
        assert!(has(&f, rule, "db/migrations/0002_status_idx.sql"), "{f:?}");
        assert!(!f.iter().any(|(_, p)| p == "db/schema.sql"), "{f:?}");
    }

    // Without git history every migration is judged.
    std::fs::remove_dir_all(p.join(".git")).unwrap();
    let f = findings(&idxlint(p, &["check", "--format", "json", "."]));
    assert!(has(&f, rule, "db/migrations/0002_status_idx.sql"), "{f:?}");
}

#[test]
fn drop_index_in_use_is_caught_when_only_the_migration_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "idxlint.toml", "dialect = \"postgres\"\n");
    write(
        p,
        "db/migrations/0001_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email_idx ON users (email);\n",
    );
    write(p, "app/q.sql", "SELECT id FROM users WHERE email = $1;\n");
    git(p, &["init", "-q"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "init"]);
    write(
        p,
        "db/migrations/0002_drop.sql",
        "DROP INDEX CONCURRENTLY users_email_idx;\n",
    );
    // What a pre-commit hook runs: only the staged migration.
    let out = idxlint(
        p,
        &["check", "--format", "json", "db/migrations/0002_drop.sql"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "drop-index-in-use", "{doc}");
    assert_eq!(f["location"]["path"], "db/migrations/0002_drop.sql");
    assert!(f["related"].to_string().contains("app/q.sql"), "{doc}");
}

/// One project per runner: a table, a query no index serves, the runner's own first
/// migration; `suggest --write` must make the query's finding go away without any
/// transaction finding on what it wrote.
fn runner_project(runner: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let table = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL)";
    write(p, "idxlint.toml", "dialect = \"postgres\"\n");
    write(
        p,
        "app/queries.sql",
        "SELECT id FROM orders WHERE customer_id = $1;\nSELECT id FROM orders WHERE status = $1 ORDER BY id LIMIT 10;\n",
    );
    match runner {
        "plain" => write(p, "migrations/0001_orders.sql", &format!("{table};\n")),
        "golang-migrate" => {
            write(
                p,
                "db/migrations/000001_orders.up.sql",
                &format!("{table};\n"),
            );
            write(
                p,
                "db/migrations/000001_orders.down.sql",
                "DROP TABLE orders;\n",
            );
        }
        "goose" => write(
            p,
            "db/migrations/00001_orders.sql",
            &format!("-- +goose Up\n{table};\n"),
        ),
        "dbmate" => write(
            p,
            "db/migrations/20240101000000_orders.sql",
            &format!("-- migrate:up\n{table};\n\n-- migrate:down\n"),
        ),
        "diesel" => {
            write(
                p,
                "migrations/2024-01-01-000000_orders/up.sql",
                &format!("{table};\n"),
            );
            write(
                p,
                "migrations/2024-01-01-000000_orders/down.sql",
                "DROP TABLE orders;\n",
            );
        }
        "flyway" => {
            write(
                p,
                "idxlint.toml",
                "dialect = \"postgres\"\nmigrations = [\"db/migration/**\"]\n",
            );
            write(p, "db/migration/V1__orders.sql", &format!("{table};\n"));
        }
        "pop" => write(
            p,
            "migrations/20240101000000_orders.postgres.up.sql",
            &format!("{table};\n"),
        ),
        "rails" => write(
            p,
            "db/migrate/20240101000000_create_orders.rb",
            &format!(
                "class CreateOrders < ActiveRecord::Migration[7.0]\n  def up\n    execute <<~SQL\n      {table};\n    SQL\n  end\nend\n"
            ),
        ),
        "alembic" => write(
            p,
            "alembic/versions/20240101_a1b2c3_orders.py",
            &format!(
                "from alembic import op\n\nrevision = \"a1b2c3\"\ndown_revision = None\n\n\ndef upgrade():\n    op.execute(\"{table}\")\n"
            ),
        ),
        "django" => {
            write(p, "shop/migrations/__init__.py", "");
            write(
                p,
                "shop/migrations/0001_initial.py",
                &format!(
                    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL(\"{table}\"),\n    ]\n"
                ),
            );
        }
        other => panic!("no project for {other}"),
    }
    dir
}

const TRANSACTION_RULES: &[&str] = &["concurrent-index-in-transaction", "index-not-concurrent"];

fn suggest_write_passes_its_own_check(runner: &str) -> Vec<String> {
    let dir = runner_project(runner);
    let p = dir.path();
    let before = findings(&idxlint(p, &["check", "--format", "json", "."]));
    assert!(
        before.iter().any(|(r, _)| r == "missing-index"),
        "{runner}: the project must start with a missing index: {before:?}"
    );
    let out = idxlint(p, &["suggest", "--write", "."]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{runner}: {err}");
    assert!(err.contains("form)"), "{runner}: {err}");
    let after = findings(&idxlint(
        p,
        &["check", "--format", "json", "--all-migrations", "."],
    ));
    assert!(
        !after.iter().any(|(r, _)| r == "missing-index"),
        "{runner}: missing-index left after suggest --write: {after:?}\n{err}"
    );
    assert!(
        !after
            .iter()
            .any(|(r, _)| TRANSACTION_RULES.contains(&r.as_str())),
        "{runner}: the written migration fails its own check: {after:?}\n{err}"
    );
    err.lines()
        .filter_map(|l| l.strip_prefix("idxlint: wrote "))
        .map(|l| {
            let rel = l
                .strip_prefix(&p.canonicalize().unwrap().display().to_string())
                .unwrap_or(l);
            rel.trim_start_matches('/').to_string()
        })
        .collect()
}

#[test]
fn suggest_write_in_each_runners_form() {
    let cases: &[(&str, &[&str])] = &[
        ("plain", &["add_missing_indexes.sql (plain form)"]),
        (
            "golang-migrate",
            &[
                "000002_add_orders_customer_id_idx.up.sql (golang-migrate form)",
                "000002_add_orders_customer_id_idx.down.sql",
                "000003_add_orders_status_id_idx.up.sql",
            ],
        ),
        ("goose", &["00002_add_missing_indexes.sql (goose form)"]),
        ("dbmate", &["_add_orders_customer_id_idx.sql (dbmate form)"]),
        (
            "diesel",
            &["_add_orders_customer_id_idx/metadata.toml (diesel form)"],
        ),
        (
            "flyway",
            &[
                "V2__add_missing_indexes.sql (Flyway form)",
                "V2__add_missing_indexes.sql.conf",
            ],
        ),
        ("pop", &[".postgres.autocommit.up.sql (pop form)"]),
        ("rails", &[".rb (Rails form)"]),
        ("alembic", &["_add_missing_indexes.py (Alembic form)"]),
        (
            "django",
            &["shop/migrations/0002_add_missing_indexes.py (Django form)"],
        ),
    ];
    for (runner, expected) in cases {
        let wrote = suggest_write_passes_its_own_check(runner);
        for e in *expected {
            assert!(
                wrote.iter().any(|w| w.contains(e)),
                "{runner}: expected a file like {e}; wrote {wrote:?}"
            );
        }
    }
}

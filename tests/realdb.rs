//! Fixes that run, checked against the real databases.
//!
//! For each PostgreSQL fixture project, a throwaway cluster (PostgreSQL from Debian's
//! packages, installed by `.ci/install-tools`) is started on a private unix socket in a
//! temporary folder (no TCP). The project's migrations are loaded in order with `psql`,
//! then `idxlint suggest`'s output and every `fix:` line of `idxlint check` are applied: all
//! must succeed. Finally the suggestion is written as a new migration and `idxlint check`
//! must no longer report `missing-index` or `unindexed-foreign-key`. The same for the
//! SQLite project through the `sqlite3` CLI.
//!
//! Skipped (with the reason printed) when `IDXLINT_SKIP_EXTERNAL=1`, or when the database
//! is not installed; under `CI=true` a missing database fails the test instead. Running
//! as root, the cluster runs as the `postgres` user (`runuser`), as PostgreSQL refuses root.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_idxlint");

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether to skip: `IDXLINT_SKIP_EXTERNAL=1`, or `what` is missing outside CI.
fn skip(what: &str, found: bool) -> bool {
    if std::env::var("IDXLINT_SKIP_EXTERNAL").as_deref() == Ok("1") {
        eprintln!("skipped: IDXLINT_SKIP_EXTERNAL=1 (needs {what})");
        return true;
    }
    if found {
        return false;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what} not found: run .ci/install-tools (CI=true: not skipping)");
    }
    eprintln!("skipped: {what} not found (run .ci/install-tools)");
    true
}

/// The folder of `initdb`: on PATH, else the newest `/usr/lib/postgresql/<major>/bin`.
fn pg_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("initdb"))
            .find(|p| p.is_file())
    });
    if let Some(p) = on_path {
        let real = p.canonicalize().unwrap_or(p);
        return real.parent().map(Path::to_path_buf);
    }
    let mut majors: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    majors.sort_by_key(|p| {
        p.parent()
            .and_then(|m| m.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    majors.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A throwaway cluster; stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    fn start(bin: PathBuf) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = is_root();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["postgres"])
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "chown postgres {}", dir.path().display());
        }
        let c = Cluster {
            dir,
            bin,
            as_postgres,
        };
        let data = c.dir.path().join("data");
        let out = c.server_cmd(
            "initdb",
            &[
                "-D",
                data.to_str().expect("UTF-8 path"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(out.status.success(), "initdb: {}", text(&out));
        let sock = c.dir.path().to_str().expect("UTF-8 path").to_string();
        let log = c.dir.path().join("server.log");
        let opts = format!(
            "-k {sock} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        );
        let out = c.server_cmd(
            "pg_ctl",
            &[
                "-D",
                data.to_str().expect("UTF-8 path"),
                "-l",
                log.to_str().expect("UTF-8 path"),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            text(&out),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        c
    }

    /// A server program, as `postgres` when running as root.
    fn server_cmd(&self, program: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    }

    /// Run `sql` in database `db` with psql, stopping at the first error.
    fn psql(&self, db: &str, sql: &str) -> Result<(), String> {
        let file = self.dir.path().join("input.sql");
        std::fs::write(&file, sql).expect("write SQL");
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args(["-p", "5432", "-U", "postgres", "-d", db, "-f"])
            .arg(&file)
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(text(&out))
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        if let Some(d) = data.to_str() {
            let _ = self.server_cmd("pg_ctl", &["-D", d, "-m", "immediate", "-w", "stop"]);
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The project's migration files, in idxlint's fold order (path order).
fn migrations(project: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![project.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sql")
                && p.to_string_lossy().contains("/migrations/")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn idxlint(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg(dir)
        .output()
        .expect("run idxlint")
}

/// `fix.sql` of every finding of `idxlint check --format json` that changes indexes,
/// each once.
fn fix_lines(dir: &Path) -> Vec<(String, String)> {
    let out = idxlint(&["check", "--format", "json"], dir);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    let mut fixes: Vec<(String, String)> = Vec::new();
    for f in doc["findings"].as_array().expect("findings") {
        let rule = f["rule"].as_str().unwrap_or_default();
        // Fixes that rewrite a migration statement (`index-not-concurrent`, ...) are not
        // statements to run after the migrations.
        let applies_after = matches!(
            rule,
            "missing-index"
                | "misordered-index"
                | "non-sargable-predicate"
                | "leading-wildcard"
                | "unindexed-foreign-key"
                | "redundant-index"
                | "duplicate-index"
        );
        if let (true, Some(sql)) = (applies_after, f["fix"]["sql"].as_str()) {
            if !fixes.iter().any(|(_, s)| s == sql) {
                fixes.push((rule.to_string(), sql.to_string()));
            }
        }
    }
    fixes
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

/// The rules whose findings the suggestion must settle.
const SETTLED: &[&str] = &["missing-index", "unindexed-foreign-key"];

fn settled_findings(dir: &Path) -> Vec<String> {
    let out = idxlint(&["check", "--format", "json"], dir);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap_or_default();
            SETTLED.contains(&r) || r == "parse-error"
        })
        .map(|f| format!("{}: {}", f["rule"], f["message"]))
        .collect()
}

/// Write `suggestion` as the project's next migration (in a copy) and check again.
fn recheck_with(project: &Path, suggestion: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let copy = tmp.path().join("p");
    copy_tree(project, &copy);
    let dir = copy.join("db/migrations");
    let path = idxlint::suggest::next_migration_name(&dir, "99990101000000");
    std::fs::write(&path, suggestion).expect("write migration");
    settled_findings(&copy)
}

fn postgres_project(cluster: &Cluster, name: &str) {
    let project = manifest().join("fixtures/projects").join(name);
    let load = |db: &str| {
        cluster
            .psql("postgres", &format!("CREATE DATABASE {db};"))
            .unwrap_or_else(|e| panic!("{name}: create database: {e}"));
        for f in migrations(&project) {
            let sql = std::fs::read_to_string(&f).expect("read migration");
            cluster
                .psql(db, &sql)
                .unwrap_or_else(|e| panic!("{name}: migration {} fails: {e}", f.display()));
        }
    };

    // 1. `idxlint suggest` on the migrated database.
    let db = format!("{name}_suggest");
    load(&db);
    let out = idxlint(&["suggest"], &project);
    assert!(out.status.success(), "{name}: suggest: {}", text(&out));
    let suggestion = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        suggestion.contains("CREATE INDEX"),
        "{name}: nothing suggested:\n{suggestion}"
    );
    if let Err(e) = cluster.psql(&db, &suggestion) {
        panic!("{name}: suggest output fails in PostgreSQL: {e}\n{suggestion}");
    }

    // 2. Every `fix:` line, one after the other.
    let db = format!("{name}_fixes");
    load(&db);
    let fixes = fix_lines(&project);
    assert!(!fixes.is_empty(), "{name}: no fix lines");
    for (rule, sql) in &fixes {
        if let Err(e) = cluster.psql(&db, sql) {
            panic!("{name}: {rule} fix fails in PostgreSQL: {e}\n{sql}");
        }
    }

    // 3. With the suggestion as a migration, the findings it settles are gone.
    let left = recheck_with(&project, &suggestion);
    assert!(
        left.is_empty(),
        "{name}: after the suggested migration, still: {left:#?}\n{suggestion}"
    );
}

#[test]
fn postgres_accepts_every_fix() {
    let bin = pg_bin();
    if skip("PostgreSQL (initdb)", bin.is_some()) {
        return;
    }
    let Some(bin) = bin else { return };
    let cluster = Cluster::start(bin);
    for name in ["demo", "quoting"] {
        postgres_project(&cluster, name);
    }
}

fn sqlite3() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("sqlite3"))
        .find(|p| p.is_file())
}

fn sqlite_run(exe: &Path, db: &Path, sql: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut child = Command::new(exe)
        .args(["-bail", "-batch"])
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("sqlite3: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(sql.as_bytes())
            .map_err(|e| format!("sqlite3 stdin: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("sqlite3: {e}"))?;
    if out.status.success() && out.stderr.is_empty() {
        Ok(())
    } else {
        Err(text(&out))
    }
}

#[test]
fn sqlite_accepts_every_fix() {
    let exe = sqlite3();
    if skip("sqlite3", exe.is_some()) {
        return;
    }
    let Some(exe) = exe else { return };
    let name = "quoting_sqlite";
    let project = manifest().join("fixtures/projects").join(name);
    let tmp = tempfile::tempdir().expect("temp dir");
    let load = |file: &str| {
        let db = tmp.path().join(file);
        for f in migrations(&project) {
            let sql = std::fs::read_to_string(&f).expect("read migration");
            sqlite_run(&exe, &db, &sql)
                .unwrap_or_else(|e| panic!("{name}: migration {} fails: {e}", f.display()));
        }
        db
    };
    let db = load("suggest.db");
    let out = idxlint(&["suggest"], &project);
    assert!(out.status.success(), "{name}: suggest: {}", text(&out));
    let suggestion = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(suggestion.contains("CREATE INDEX"), "{suggestion}");
    if let Err(e) = sqlite_run(&exe, &db, &suggestion) {
        panic!("{name}: suggest output fails in SQLite: {e}\n{suggestion}");
    }
    let db = load("fixes.db");
    let fixes = fix_lines(&project);
    assert!(!fixes.is_empty(), "{name}: no fix lines");
    for (rule, sql) in &fixes {
        if let Err(e) = sqlite_run(&exe, &db, sql) {
            panic!("{name}: {rule} fix fails in SQLite: {e}\n{sql}");
        }
    }
    let left = recheck_with(&project, &suggestion);
    assert!(left.is_empty(), "{name}: still: {left:#?}\n{suggestion}");
}

//! The `idxlint` binary end to end: exit codes, robustness on bad input, config errors,
//! determinism of the JSON output, and a snapshot of the human report.
//!
//! Bad inputs (invalid UTF-8, binary, oversized, unreadable files, symlink loops) are made
//! in a tempdir at test time, never committed. Small projects live in `fixtures/cli/`.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cli")
        .join(name)
}

/// The binary, with an environment that makes output stable (no colour, no terminal).
fn idxlint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idxlint"));
    cmd.env_remove("COLUMNS")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run idxlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed by a signal")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

/// A tempdir project with every kind of bad input next to one unparsable statement.
struct BadProject {
    dir: tempfile::TempDir,
    /// False when running as root, where chmod 000 does not stop reading.
    unreadable_blocks: bool,
}

fn bad_project() -> BadProject {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::write(p.join("idxlint.toml"), "max-file-size = 4096\n").expect("write");
    fs::write(p.join("invalid_utf8.sql"), b"SELECT 1;\n-- caf\xe9\xff\n").expect("write");
    fs::write(
        p.join("binary.py"),
        b"\x7fELF\x02\x01\x01\0\0\0\0SELECT\0\x01",
    )
    .expect("write");
    // An application file over `max-file-size` (schema sources have their own limit).
    fs::write(p.join("big.py"), "x = 'SELECT 1'\n".repeat(1000)).expect("write");
    fs::write(p.join("empty.sql"), "").expect("write");
    fs::write(p.join("unparsable.sql"), "SELEC 1;\n").expect("write");
    // One line of about 3.6 kB that does not parse: the human report must not print it.
    let long = format!("SELECT {} FROM;\n", vec!["a"; 1200].join(", "));
    fs::write(p.join("long_line.sql"), long).expect("write");
    fs::create_dir(p.join("sub")).expect("mkdir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("..", p.join("sub/up")).expect("symlink");
        symlink("self.sql", p.join("self.sql")).expect("symlink");
    }
    fs::write(p.join("sub/ok.sql"), "CREATE TABLE t (id int);\n").expect("write");
    let unreadable = p.join("unreadable.sql");
    fs::write(&unreadable, "SELECT 1;\n").expect("write");
    #[cfg(unix)]
    let unreadable_blocks = {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&unreadable, fs::Permissions::from_mode(0o000)).expect("chmod");
        let blocks = fs::read(&unreadable).is_err();
        if !blocks {
            println!("note: running as root: chmod 000 does not block reads, unreadable-file case skipped");
        }
        blocks
    };
    #[cfg(not(unix))]
    let unreadable_blocks = false;
    BadProject {
        dir,
        unreadable_blocks,
    }
}

#[test]
fn bad_input_is_skipped_with_reasons_not_crashed_on() {
    let project = bad_project();
    let out = run(idxlint()
        .args(["check", "--verbose"])
        .arg(project.dir.path()));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "parse errors are warnings: exit 1\n{text}");
    // stderr holds only `-v` notes (what was read as schema, the dialect), no error.
    let err = stderr(&out);
    assert!(
        err.lines()
            .all(|l| l.starts_with("idxlint: ") && !l.contains("error")),
        "{err}"
    );
    assert!(
        text.contains("skipped invalid_utf8.sql: not valid UTF-8"),
        "{text}"
    );
    assert!(text.contains("skipped binary.py: binary file"), "{text}");
    assert!(text.contains("skipped big.py: too large"), "{text}");
    if project.unreadable_blocks {
        assert!(
            text.contains("skipped unreadable.sql: cannot read"),
            "{text}"
        );
    }
    // The unparsable statement is reported with a frame; the long line without one.
    assert!(
        text.contains("warning[parse-error]: cannot parse SELEC statement"),
        "{text}"
    );
    assert!(text.contains("[unparsable.sql:1:1]"), "{text}");
    assert!(text.contains("--> long_line.sql:1:"), "{text}");
    assert!(!text.contains("a, a, a, a, a, a, a, a"), "{text}");
    let skipped = if project.unreadable_blocks { 4 } else { 3 };
    assert!(
        text.contains(&format!("{skipped} files skipped")),
        "summary counts skipped files\n{text}"
    );
}

#[test]
fn bad_input_json_is_valid_and_lists_the_parse_error() {
    let project = bad_project();
    let out = run(idxlint()
        .args(["check", "--format", "json"])
        .arg(project.dir.path()));
    assert_eq!(code(&out), 1);
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().expect("findings");
    let unparsable: Vec<&Value> = findings
        .iter()
        .filter(|f| f["location"]["path"] == "unparsable.sql")
        .collect();
    assert_eq!(unparsable.len(), 1, "{doc:#}");
    assert_eq!(unparsable[0]["rule"], "parse-error");
    assert_eq!(unparsable[0]["location"]["start"]["line"], 1);
    let skipped = if project.unreadable_blocks { 4 } else { 3 };
    assert_eq!(doc["summary"]["skipped"], skipped);
    assert_eq!(doc["summary"]["findings"], findings.len());
}

#[test]
fn json_is_identical_with_one_and_two_threads() {
    let project = bad_project();
    let with = |threads: &str| {
        let out = run(idxlint()
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "--format", "json"])
            .arg(project.dir.path()));
        assert_eq!(code(&out), 1);
        out.stdout
    };
    let one = with("1");
    let two = with("2");
    assert!(!one.is_empty());
    assert!(one == two, "JSON differs between 1 and 2 threads");
}

#[test]
fn human_report_of_a_small_project() {
    let out = run(idxlint().arg("check").arg(fixture("basic")));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    insta::assert_snapshot!("basic_human", stdout(&out));
    // Paths in the report are relative to the project root however the path is given.
    let from_inside = run(idxlint().current_dir(fixture("basic")).args(["check", "."]));
    assert_eq!(stdout(&from_inside), stdout(&out));
    let relative = run(idxlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "fixtures/cli/basic"]));
    assert_eq!(stdout(&relative), stdout(&out));
}

#[test]
fn human_report_verbose_and_quiet() {
    let dir = one_bad_statement();
    let check = |flag: &str| run(idxlint().args(["check", flag]).arg(dir.path()));
    let summary = "1 finding (1 warning) in 1 file, 1 statement (1 unparsed)\n";
    let plain = check("--no-color");
    assert!(stdout(&plain).ends_with(summary), "{}", stdout(&plain));
    assert!(stdout(&plain).starts_with("  ⚠ warning[parse-error]: cannot parse SELEC"));
    let verbose = check("-v");
    assert_eq!(
        stdout(&verbose),
        stdout(&plain),
        "nothing skipped, nothing unresolved"
    );
    let quiet = check("-q");
    assert_eq!(code(&quiet), 1);
    assert_eq!(
        stdout(&quiet),
        stdout(&plain).replace(summary, ""),
        "--quiet drops only the summary"
    );
}

#[test]
fn clean_run_prints_nothing_and_exits_0() {
    let out = run(idxlint().arg("check").arg(fixture("clean")));
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    let verbose = run(idxlint().args(["check", "--verbose"]).arg(fixture("clean")));
    assert_eq!(code(&verbose), 0);
    assert_eq!(
        stdout(&verbose),
        "no findings in 1 file, 1 statement\n",
        "--verbose prints the summary even when clean"
    );
}

#[test]
fn a_schema_source_skipped_for_size_is_a_warning_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    // 4 KiB for application files and for schema sources here; 64 MiB by default.
    fs::write(
        p.join("idxlint.toml"),
        "max-file-size = 4096\nmax-schema-file-size = 4096\n",
    )
    .expect("write");
    fs::create_dir(p.join("migrations")).expect("mkdir");
    let big = "CREATE TABLE t (id int);\n".repeat(400);
    fs::write(p.join("migrations/001_big.sql"), big).expect("write");
    for format in ["human", "json", "sarif", "github"] {
        let out = run(idxlint().args(["check", "--format", format]).arg(p));
        assert_eq!(code(&out), 0, "{format}");
        let err = stderr(&out);
        assert!(
            err.contains(
                "idxlint: warning: skipped migrations/001_big.sql: schema source too large"
            ) && err.contains("set max-schema-file-size in idxlint.toml")
                && err.contains("the tables and indexes it declares are missing from the schema"),
            "{format}: {err}"
        );
    }
    // Under the default limits the same file is read.
    fs::remove_file(p.join("idxlint.toml")).expect("rm");
    let out = run(idxlint().args(["check"]).arg(p));
    assert!(!stderr(&out).contains("skipped"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("skipped"), "{}", stdout(&out));
}

#[test]
fn clean_run_with_skipped_files_notes_them_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("ok.sql"), "CREATE TABLE t (id int);\n").expect("write");
    fs::write(dir.path().join("bin.sql"), b"\0\0\0").expect("write");
    let out = run(idxlint().arg("check").arg(dir.path()));
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("1 file skipped; use --verbose to see why"),
        "{}",
        stderr(&out)
    );
}

fn one_bad_statement() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("bad.sql"), "SELEC 1;\n").expect("write");
    dir
}

#[test]
fn fail_on_select_and_ignore() {
    let dir = one_bad_statement();
    let check = |args: &[&str]| run(idxlint().arg("check").args(args).arg(dir.path()));

    assert_eq!(code(&check(&[])), 1);
    let out = check(&["--fail-on", "error"]);
    assert_eq!(
        code(&out),
        0,
        "a warning does not fail with --fail-on error"
    );
    assert!(stdout(&out).contains("warning[parse-error]"));

    let out = check(&["--ignore", "parse-error"]);
    assert_eq!((code(&out), stdout(&out)), (0, String::new()));
    let out = check(&["--select", "unused-suppression"]);
    assert_eq!((code(&out), stdout(&out)), (0, String::new()));
    let out = check(&["--select", "parse-error,unused-suppression"]);
    assert_eq!(code(&out), 1);

    for args in [
        &["--select", "no-such-rule"][..],
        &["--ignore", "parse-error,nope"],
    ] {
        let out = check(args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains("unknown rule `"), "{}", stderr(&out));
    }
    let out = check(&["--fail-on", "fatal"]);
    assert_eq!(code(&out), 2, "clap rejects a bad --fail-on");
}

#[test]
fn fail_on_in_config_is_overridden_by_the_flag() {
    let dir = one_bad_statement();
    fs::write(dir.path().join("idxlint.toml"), "fail-on = \"error\"\n").expect("write");
    let out = run(idxlint().arg("check").arg(dir.path()));
    assert_eq!(code(&out), 0);
    let out = run(idxlint()
        .args(["check", "--fail-on", "warning"])
        .arg(dir.path()));
    assert_eq!(code(&out), 1);
}

#[test]
fn bad_config_exits_2_naming_the_file_and_the_problem() {
    let cases = [
        ("colour = \"red\"\n", "unknown field `colour`"),
        (
            "[rules]\nno-such-rule = \"error\"\n",
            "unknown rule `no-such-rule`",
        ),
        ("[rules]\nparse-error = \"fatal\"\n", "found \"fatal\""),
        ("fail-on = \"sometimes\"\n", "fail-on"),
        ("dialect = 3\n", "dialect"),
        (
            "[naming]\ncolumns = \"plural_snake_case\"\n",
            "naming.columns",
        ),
        ("[naming]\ntables = \"camel\"\n", "unknown variant `camel`"),
        ("[naming]\nhelper = [\"h\"]\n", "unknown field `helper`"),
    ];
    for (toml, problem) in cases {
        let dir = one_bad_statement();
        fs::write(dir.path().join("idxlint.toml"), toml).expect("write");
        let out = run(idxlint().arg("check").arg(dir.path()));
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{toml}: {err}");
        assert!(
            err.contains("idxlint.toml"),
            "{toml}: names the file: {err}"
        );
        assert!(err.contains(problem), "{toml}: names the problem: {err}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn missing_path_or_config_exits_2() {
    let out = run(idxlint().args(["check", "/no/such/idxlint/path"]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("/no/such/idxlint/path: no such file or folder"));
    let dir = one_bad_statement();
    let out = run(idxlint()
        .args(["check", "--config", "/no/such/idxlint.toml"])
        .arg(dir.path()));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot read /no/such/idxlint.toml"));
}

#[test]
fn rules_and_explain() {
    let out = run(idxlint().arg("rules"));
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("RULE "), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("parse-error ")),
        "{text}"
    );

    let out = run(idxlint().args(["explain", "parse-error"]));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("# parse-error\n"));

    let out = run(idxlint().args(["explain", "no-such-rule"]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown rule `no-such-rule`"));
}

/// Minified and bundled JavaScript is skipped with its reason before it is lexed: its
/// strings are not application queries, and lexing a 2 MB one-line bundle cost more memory
/// than the rest of a repository. Hand-written files beside it are read.
#[test]
fn minified_javascript_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::write(p.join("idxlint.toml"), "dialect = \"postgres\"\n").expect("write");
    fs::create_dir_all(p.join("migrations")).expect("mkdir");
    fs::create_dir_all(p.join("web")).expect("mkdir");
    fs::write(
        p.join("migrations/001_kites.sql"),
        "CREATE TABLE kites (id bigint PRIMARY KEY, colour text, tail_cm int);\n",
    )
    .expect("write");
    let query = "db.query(\"SELECT id FROM kites WHERE colour = $1\", [c]);";
    fs::write(p.join("web/app.min.js"), format!("{query}\n")).expect("write");
    fs::write(p.join("web/vendor.bundle.js"), format!("{query}\n")).expect("write");
    let one_line = format!("var x=1;{}{query}\n", "a=a+1;".repeat(2000));
    fs::write(p.join("web/charts.js"), one_line).expect("write");
    fs::write(p.join("web/kites.js"), format!("{query}\n")).expect("write");
    let out = run(idxlint().args(["check", "--verbose"]).arg(p));
    let text = stdout(&out);
    for (file, why) in [
        ("web/app.min.js", "(`min` in its name)"),
        ("web/vendor.bundle.js", "(`bundle` in its name)"),
        ("web/charts.js", "(a line of 12"),
    ] {
        assert!(
            text.contains(&format!("skipped {file}: minified or")) && text.contains(why),
            "{file}:\n{text}"
        );
    }
    let j = json(&run(idxlint().args(["check", "--format", "json"]).arg(p)));
    let files: Vec<&str> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "missing-index")
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert_eq!(files, ["web/kites.js"], "{j}");
}

/// `[tables] scoped-by`: a multi-tenant schema whose row-level security policy adds
/// `tenant_id = ...` to every query (the policy is written by a template idxlint cannot
/// read). With the column listed, an index led by `tenant_id` serves the table's queries
/// (an index condition on the tenant), and a suggested index holds `tenant_id`; without it,
/// every query is a scan.
#[test]
fn scoped_by_columns_join_every_query() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    fs::create_dir_all(p.join("migrations")).expect("mkdir");
    fs::write(
        p.join("migrations/001_hives.sql"),
        "CREATE TABLE hives (id bigint PRIMARY KEY, tenant_id text NOT NULL, \
         apiary text NOT NULL, queen_seen_at timestamptz);\n\
         CREATE INDEX hives_tenant_apiary ON hives (tenant_id, apiary);\n\
         CREATE TABLE combs (id bigint PRIMARY KEY, tenant_id text NOT NULL, frame int);\n",
    )
    .expect("write");
    fs::write(
        p.join("hives.py"),
        "cur.execute(\"SELECT id FROM hives WHERE apiary = %s\", (a,))\n\
         cur.execute(\"SELECT id FROM hives WHERE queen_seen_at < %s\", (t,))\n\
         cur.execute(\"SELECT id FROM combs WHERE frame = %s\", (f,))\n",
    )
    .expect("write");
    let findings = |config: &str| {
        fs::write(
            p.join("idxlint.toml"),
            format!("dialect = \"postgres\"\n[tables]\nlarge = [\"hives\", \"combs\"]\n{config}"),
        )
        .expect("write");
        let j = json(&run(idxlint().args(["check", "--format", "json"]).arg(p)));
        j["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["location"]["path"] == "hives.py")
            .map(|f| {
                format!(
                    "{}:{} {}",
                    f["location"]["start"]["line"],
                    f["rule"].as_str().unwrap_or(""),
                    f["fix"]["sql"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
    };
    let plain = findings("");
    assert_eq!(plain.len(), 3, "{plain:?}");
    assert!(plain[2].ends_with("ON combs (frame);"), "{plain:?}");
    let scoped = findings("scoped-by = [\"tenant_id\"]\n");
    assert_eq!(scoped.len(), 1, "{scoped:?}");
    assert!(
        scoped[0].starts_with("3:missing-index")
            && scoped[0].contains("tenant_id")
            && scoped[0].contains("frame"),
        "{scoped:?}"
    );
}

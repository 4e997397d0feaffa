//! Paths for CI systems: SARIF `artifactLocation.uri` and GitHub annotation `file=` are
//! relative to the repository root, whatever folder idxlint runs in and wherever its config
//! lives (here: a service in a subfolder of a monorepo, with its own `idxlint.toml`).

use std::path::Path;
use std::process::Command;

fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = dir.path().join("services/api");
    std::fs::create_dir_all(api.join("db/migrations")).expect("mkdir");
    std::fs::create_dir_all(api.join("app")).expect("mkdir");
    std::fs::write(api.join("idxlint.toml"), "dialect = \"postgres\"\n").expect("write");
    std::fs::write(
        api.join("db/migrations/001_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .expect("write");
    std::fs::write(
        api.join("app/queries.sql"),
        "SELECT id FROM users WHERE email = $1;\n",
    )
    .expect("write");
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .output()
        .expect("git init");
    assert!(git.status.success());
    dir
}

fn check(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_idxlint"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run idxlint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root() {
    let repo = monorepo();
    let api = repo.path().join("services/api");
    for (cwd, target) in [(repo.path(), "services/api"), (api.as_path(), ".")] {
        let sarif: serde_json::Value =
            serde_json::from_str(&check(cwd, &["--format", "sarif", target])).expect("json");
        let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "services/api/app/queries.sql",
            "run in {}",
            cwd.display()
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        // Related locations (the table's declaration) too.
        let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"];
        assert_eq!(
            related["artifactLocation"]["uri"],
            "services/api/db/migrations/001_init.sql"
        );
    }
}

#[test]
fn annotation_paths_are_relative_to_the_repository_root() {
    let repo = monorepo();
    let api = repo.path().join("services/api");
    let from_api = check(&api, &["--format", "github"]);
    assert!(
        from_api.contains("file=services/api/app/queries.sql,"),
        "{from_api}"
    );
    let from_root = check(repo.path(), &["--format", "github", "services/api"]);
    assert_eq!(from_api, from_root);
}

//! The Python wheel (`python/pyproject.toml`, maturin `bindings = "bin"`): installed into a
//! fresh virtual environment, with no Rust toolchain on `PATH`, it runs and reports exactly
//! what the cargo-built binary reports on the demo project.
//!
//! `.ci/run` builds the wheel into `target/wheels` before the tests (dev profile, so it
//! reuses the test build). Run alone, the test builds it with `.tools/venv/bin/maturin` in
//! a target folder of its own. Without maturin or Python it fails, unless
//! `IDXLINT_SKIP_EXTERNAL=1` is set.

mod common;

use std::path::Path;
use std::process::Command;

use common::wheel::{venv_with_wheel, wheel, PATH_WITHOUT_RUST, ROOT};

#[test]
fn wheel_installs_without_rust_and_reports_like_the_binary() {
    let Some(wheel) = wheel() else {
        return;
    };
    let venv = venv_with_wheel(&wheel);
    let installed = venv.path().join("bin/idxlint");
    assert!(
        installed.is_file(),
        "the wheel puts idxlint on the venv's PATH"
    );

    let demo = Path::new(ROOT).join("fixtures/projects/demo");
    let run = |program: &Path| {
        Command::new(program)
            .args(["check", "--format", "json"])
            .arg(&demo)
            .env("PATH", PATH_WITHOUT_RUST)
            .env_remove("CARGO")
            .output()
            .expect("run idxlint")
    };
    let from_wheel = run(&installed);
    let from_cargo = run(Path::new(env!("CARGO_BIN_EXE_idxlint")));
    assert_eq!(
        from_wheel.status.code(),
        Some(1),
        "the demo has findings: {}",
        String::from_utf8_lossy(&from_wheel.stderr)
    );
    assert_eq!(from_wheel.status.code(), from_cargo.status.code());
    let json: serde_json::Value =
        serde_json::from_slice(&from_wheel.stdout).expect("the wheel's idxlint prints JSON");
    assert!(
        json["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "{json}"
    );
    assert_eq!(
        String::from_utf8_lossy(&from_wheel.stdout),
        String::from_utf8_lossy(&from_cargo.stdout),
        "the wheel's binary is this build"
    );

    let version = Command::new(&installed)
        .arg("--version")
        .env("PATH", PATH_WITHOUT_RUST)
        .output()
        .expect("run idxlint --version");
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

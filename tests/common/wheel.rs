//! The Python wheel of the binary, for the tests that install it (`mod common;`).

use std::path::{Path, PathBuf};
use std::process::Command;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A `PATH` with git and the system tools but without cargo or rustc.
pub const PATH_WITHOUT_RUST: &str = "/usr/local/bin:/usr/bin:/bin";

pub fn skip_external() -> bool {
    std::env::var("IDXLINT_SKIP_EXTERNAL").as_deref() == Ok("1")
}

/// The wheel of this version in `target/wheels`, built if absent.
pub fn wheel() -> Option<PathBuf> {
    let prefix = format!("idxlint-{}-", env!("CARGO_PKG_VERSION"));
    let find = |dir: &Path| -> Option<PathBuf> {
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl"))
            })
    };
    let dir = Path::new(ROOT).join("target/wheels");
    if let Some(w) = find(&dir) {
        return Some(w);
    }
    let maturin = Path::new(ROOT).join(".tools/venv/bin/maturin");
    if !maturin.is_file() {
        if skip_external() {
            eprintln!("skipped: maturin not installed (IDXLINT_SKIP_EXTERNAL=1)");
            return None;
        }
        panic!("maturin not found: run .ci/install-tools, or set IDXLINT_SKIP_EXTERNAL=1");
    }
    // A target folder of its own: the one running this test may be locked by cargo.
    let out = Command::new(&maturin)
        .args(["build", "--quiet", "--profile", "dev", "--out"])
        .arg(&dir)
        .current_dir(Path::new(ROOT).join("python"))
        .env(
            "CARGO_TARGET_DIR",
            Path::new(ROOT).join("target/wheel-build"),
        )
        .output()
        .expect("run maturin");
    assert!(
        out.status.success(),
        "maturin build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    find(&dir)
}

/// A fresh virtual environment with the wheel installed, without any index.
pub fn venv_with_wheel(wheel: &Path) -> tempfile::TempDir {
    let venv = tempfile::tempdir().expect("tempdir");
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv.path())
        .output()
        .expect("run python3 -m venv");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(venv.path().join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(wheel)
        .output()
        .expect("run pip");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    venv
}

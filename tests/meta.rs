//! Meta-tests: the registry, the rule docs, the fixtures and the generated pages stay in step.
//! Regenerate the pages with `UPDATE_DOCS=1 cargo test --test meta`.

use idxlint::rules::{render_doc, RULES};
use std::path::Path;

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Known limitations",
    "## Options",
    "## References",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rule_names_follow_the_convention() {
    for r in RULES {
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !r.name.starts_with('-')
                && !r.name.ends_with('-'),
            "{}: rule names are kebab-case",
            r.name
        );
        assert!(
            !r.name.starts_with("no-") && !r.name.starts_with("prefer-"),
            "{}: name the problem, no no-/prefer- prefix",
            r.name
        );
        let file = root()
            .join("src/rules")
            .join(format!("{}.rs", r.name.replace('-', "_")));
        assert!(
            file.exists(),
            "{}: expected its code in {}",
            r.name,
            file.display()
        );
        assert!(
            !r.summary.ends_with('.'),
            "{}: summary has no final period",
            r.name
        );
    }
    let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "duplicate rule names");
}

#[test]
fn every_rule_doc_has_the_headings_in_order() {
    for r in RULES {
        let mut at = 0;
        for h in HEADINGS {
            let pos = r.doc[at..]
                .find(h)
                .unwrap_or_else(|| panic!("{}: doc lacks `{h}` (or it is out of order)", r.name));
            at += pos + h.len();
        }
        for line in r.doc.lines().filter(|l| l.starts_with("## ")) {
            assert!(
                HEADINGS.contains(&line),
                "{}: unknown heading `{line}`",
                r.name
            );
        }
    }
}

#[test]
fn every_rule_has_fixtures() {
    for r in RULES {
        let dir = root().join("fixtures/rules").join(r.name);
        assert!(dir.is_dir(), "{}: no fixtures in {}", r.name, dir.display());
    }
    for entry in std::fs::read_dir(root().join("fixtures/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            RULES.iter().any(|r| r.name == name),
            "fixtures/rules/{name} belongs to no rule"
        );
    }
}

fn index_page() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rules' documentation (`src/rules/*.rs`); do not edit.\n\n| rule | default | summary |\n|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| [{0}]({0}.md) | {1} | {2} |\n",
            r.name,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    s
}

#[test]
fn rule_pages_are_fresh() {
    let dir = root().join("rules");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut pages = vec![("README.md".to_string(), index_page())];
    for r in RULES {
        pages.push((format!("{}.md", r.name), render_doc(r)));
    }
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for (file, want) in &pages {
        let path = dir.join(file);
        if update {
            std::fs::write(&path, want).unwrap();
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &have == want,
            "rules/{file} is stale: run `UPDATE_DOCS=1 cargo test --test meta`"
        );
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            pages.iter().any(|(f, _)| *f == name),
            "rules/{name} belongs to no rule"
        );
    }
}

/// The crate, the wheel (`python/pyproject.toml`) and the pre-commit hook's package (root
/// `pyproject.toml`, which pins the wheel) carry one version, so a release tag publishes a
/// wheel that the hook of the same tag installs.
#[test]
fn packaging_versions_agree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let version = env!("CARGO_PKG_VERSION");
    let wheel = std::fs::read_to_string(root.join("python/pyproject.toml")).expect("read");
    assert!(
        wheel.contains(&format!("\nversion = \"{version}\"\n")),
        "python/pyproject.toml is not at version {version}"
    );
    assert!(
        wheel.contains("bindings = \"bin\""),
        "the wheel carries the binary"
    );
    let hook = std::fs::read_to_string(root.join("pyproject.toml")).expect("read");
    assert!(
        hook.contains(&format!("\nversion = \"{version}\"\n")),
        "pyproject.toml is not at version {version}"
    );
    assert!(
        hook.contains(&format!("\"idxlint=={version}\"")),
        "the hook package must pin the wheel of its own version"
    );
    let manifest = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).expect("read");
    assert!(manifest.contains("language: python"), "{manifest}");
    assert!(
        manifest.contains("toml"),
        "idxlint.toml changes run the hook"
    );
}

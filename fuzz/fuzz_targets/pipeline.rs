//! Fuzz target: the whole pipeline, text to findings to rendered reports, never panics and
//! never overflows the stack.
//!
//! The input is cut at `\0` bytes into up to five texts: a migration, a query file, a Python
//! module, a Go file and a TypeScript file of one project held in memory (an empty folder on
//! disk plus editor buffers, as the language server sees it). Every finding must point
//! inside its file, and the human, JSON and SARIF renderers must accept the analysis.
#![no_main]
use idxlint::config::Config;
use idxlint::project::Project;
use idxlint::Options;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const FILES: [&str; 5] = [
    "migrations/001_init.sql",
    "queries/q.sql",
    "app/models.py",
    "app/store.go",
    "web/api.ts",
];

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("idxlint-fuzz-{}", std::process::id()));
        for f in FILES {
            let p = dir.join(f);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("create the fuzz folder");
            }
        }
        dir.canonicalize().expect("canonical fuzz folder")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = root();
    let config = Config::default();
    let options = Options::default();
    let mut project = Project::load(root, std::slice::from_ref(root), &config, &options);
    for (name, part) in FILES.iter().zip(text.split('\0')) {
        project.set_text(&root.join(name), part.to_string());
    }
    let analysis = project.analyze();
    for d in &analysis.diagnostics {
        let file = analysis.sources.get(d.location.file);
        assert!(d.location.range.start <= d.location.range.end.max(d.location.range.start));
        assert!(
            d.location.range.start <= file.text.len(),
            "{} points past the end of {}",
            d.rule,
            file.path
        );
    }
    let mut out = Vec::new();
    let opts = idxlint::report::human::HumanOptions {
        verbose: true,
        ..Default::default()
    };
    idxlint::report::human::render(&analysis, &opts, &mut out).expect("human report");
    idxlint::report::json::render(&analysis, &mut out).expect("json report");
    idxlint::report::sarif::render(&analysis, &mut out).expect("sarif report");
});

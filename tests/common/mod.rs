//! Helpers shared by integration tests (`mod common;`).

use std::path::Path;

#[allow(dead_code)]
pub mod wheel;

#[allow(dead_code)]
/// An analysis with one finding of the kind the real rules produce: related location,
/// reason, multi-line help with `%`, `:` and `,`, a fix, table, columns and index. Built by
/// hand from `fixtures/integration/rich/orders.sql`, so every field is set.
pub fn rich_analysis() -> idxlint::Analysis {
    use idxlint::diagnostic::{Diagnostic, Fix, Related, Severity};
    use idxlint::source::{Location, SourceDb, SourceFile};
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/integration/rich"
    ));
    let text = std::fs::read_to_string(root.join("orders.sql")).expect("fixture");
    let mut sources = SourceDb::default();
    let file = sources.add(SourceFile::new(
        "orders.sql".into(),
        root.join("orders.sql"),
        text.clone(),
    ));
    let at = |needle: &str| {
        let start = text.find(needle).expect("needle in fixture");
        Location {
            file,
            range: start..start + needle.len(),
        }
    };
    let mut d = Diagnostic::new(
        "missing-index",
        Severity::Info,
        "no index serves the filter on `orders.customer_id`".into(),
        at("customer_id = $1"),
    );
    d.related.push(Related {
        message: "`orders_created_at` covers only `created_at`".into(),
        location: at("CREATE INDEX orders_created_at ON orders (created_at)"),
    });
    d.reason = Some("every call scans 100% of `orders`".into());
    d.help = Some("add an index: (customer_id, created_at DESC),\nin a new migration".into());
    d.fix = Some(Fix {
        sql: "CREATE INDEX orders_customer_id_created_at\n    ON orders (customer_id, created_at DESC);"
            .into(),
    });
    d.table = Some("orders".into());
    d.columns = vec!["customer_id".into(), "created_at".into()];
    d.index = Some("orders_created_at".into());
    idxlint::Analysis {
        // Outside any git repository: paths stay as the sources name them.
        root: std::env::temp_dir(),
        dialect: Default::default(),
        sources,
        schema: Default::default(),
        queries: Vec::new(),
        unresolved: Vec::new(),
        diagnostics: vec![d],
        skipped: Vec::new(),
        stats: Default::default(),
        inserted: Default::default(),
        plan: Default::default(),
        notes: Vec::new(),
    }
}

/// Copy a fixture folder (recursively) into a temporary one.
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `(path, line, rule)` of every `expect: <rule>` marker in the files under `root`: where
/// a finding of that rule must start (`expect: rule-x` does not count for `rule`).
#[allow(dead_code)]
pub fn expect_markers(root: &Path) -> std::collections::BTreeSet<(String, usize, String)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut out = std::collections::BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let rel = f
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            for r in idxlint::rules::RULES {
                let needle = format!("expect: {}", r.name);
                if let Some(at) = line.find(&needle) {
                    if !line[at + needle.len()..].starts_with('-') {
                        out.insert((rel.clone(), i + 1, r.name.to_string()));
                    }
                }
            }
        }
    }
    out
}

//! Fuzz target: every host extractor on arbitrary text. Checks the OffsetMap invariant:
//! every mapped offset is at most the host length and on a char boundary, mapped
//! positions never go backwards, and statement ranges map to valid host ranges; with and
//! without naming helpers configured.
#![no_main]
use idxlint::extract::naming::{NameCase, Naming};
use idxlint::extract::{extract_host, extract_host_with, HostLang};
use libfuzzer_sys::fuzz_target;

const LANGS: [HostLang; 7] = [
    HostLang::Python,
    HostLang::JavaScript,
    HostLang::TypeScript,
    HostLang::Go,
    HostLang::Java,
    HostLang::Ruby,
    HostLang::Rust,
];

fuzz_target!(|data: &[u8]| {
    let Ok(host) = std::str::from_utf8(data) else {
        return;
    };
    // Naming helpers (`h(Obj)`) exercised too.
    let naming = Naming {
        columns: NameCase::SnakeCase,
        tables: NameCase::PluralSnakeCase,
        helpers: vec!["h".into(), "convertToIdentifiers".into()],
    };
    for lang in LANGS {
        let named = extract_host_with(lang, host, &naming);
        for f in extract_host(lang, host).into_iter().chain(named) {
            let mut last = 0;
            for o in f.text.char_indices().map(|(i, _)| i).chain([f.text.len()]) {
                let h = f.map.to_host(o);
                assert!(h <= host.len(), "{lang:?}: offset {o} maps past the end");
                assert!(
                    host.is_char_boundary(h),
                    "{lang:?}: offset {o} inside a char"
                );
                assert!(h >= last, "{lang:?}: offset {o} maps backwards");
                last = h;
            }
            for r in f.statements() {
                let h = f.map.range_to_host(r);
                assert!(h.start <= h.end && h.end <= host.len());
                assert!(host.is_char_boundary(h.start) && host.is_char_boundary(h.end));
            }
        }
    }
});

//! Fuzz target: every host extractor on arbitrary text. Checks the OffsetMap invariant:
//! every mapped offset is at most the host length and on a char boundary, mapped
//! positions never go backwards, and statement ranges map to valid host ranges.
#![no_main]
use idxlint::extract::{extract_host, HostLang};
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
    for lang in LANGS {
        for f in extract_host(lang, host) {
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

//! Fuzz target: `parse_fragment` on arbitrary text, in every dialect, never panics and
//! reports locations inside the text.
#![no_main]
use idxlint::extract::Fragment;
use idxlint::parse::{parse_fragment, Dialect};
use idxlint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let frag = Fragment::sql_file(sql);
    for d in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        for stmt in parse_fragment(d, FileId(0), &frag) {
            assert!(stmt.location.range.end <= sql.len());
            if let Some(e) = stmt.error {
                assert!(e.location.range.end <= sql.len());
            }
        }
    }
});

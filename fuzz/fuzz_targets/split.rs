//! Fuzz target: the statement splitter never panics and returns ordered, non-empty,
//! char-boundary ranges.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let mut last = 0;
    for r in idxlint::extract::split::split_statements(sql) {
        assert!(r.start < r.end && r.end <= sql.len());
        assert!(r.start >= last, "ranges overlap or go backwards");
        assert!(sql.is_char_boundary(r.start) && sql.is_char_boundary(r.end));
        last = r.end;
    }
});

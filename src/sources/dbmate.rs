//! dbmate migrations: `-- migrate:up` / `-- migrate:down` sections, files in timestamp
//! order. Only the `up` section is applied going up.

use super::{marker_sections, natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "dbmate",
    about: "dbmate files (-- migrate:up / migrate:down sections; up only)",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() || !f.text.to_ascii_lowercase().contains("-- migrate:up") {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "dbmate migration (up section only)".into(),
        skip: marker_sections(f.text, "-- migrate:up", "-- migrate:down"),
        ..Claim::default()
    })
}

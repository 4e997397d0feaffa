//! Rails `db/structure.sql`: the full schema Rails dumps after migrating and loads with
//! `db:schema:load`. It is authoritative: when it exists, the Ruby migrations under
//! `db/migrate/` are history (their SQL is data, see [`super::plan`]).

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "rails",
    about: "Rails db/structure.sql (authoritative over db/migrate/*.rb)",
    claim,
};

/// Whether the path is a Rails structure dump.
pub fn is_structure(lower: &str) -> bool {
    lower == "db/structure.sql" || lower.ends_with("/db/structure.sql")
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !is_structure(f.lower) {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Base,
        key: natural_key(f.lower),
        reason: "Rails structure.sql (loaded by db:schema:load)".into(),
        ..Claim::default()
    })
}

//! goose SQL migrations: `-- +goose Up` / `-- +goose Down` sections. Only the `Up`
//! sections are applied going up. (Go goose migrations are host-language migrations, see
//! [`super::host`].)

use super::{marker_sections, natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "goose",
    about: "goose SQL files (-- +goose Up / Down sections; Up only)",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() || !f.text.to_ascii_lowercase().contains("-- +goose up") {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "goose migration (Up sections only)".into(),
        skip: marker_sections(f.text, "-- +goose up", "-- +goose down"),
        ..Claim::default()
    })
}

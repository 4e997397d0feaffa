//! golang-migrate: `NNN_name.up.sql` (and `.down.sql`, never read) in version order.

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "golang-migrate",
    about: "golang-migrate NNN_name.up.sql in version order (down files never)",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    let name = f.name();
    if !f.is_sql() || !name.ends_with(".up.sql") || !name.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "golang-migrate up migration".into(),
        ..Claim::default()
    })
}

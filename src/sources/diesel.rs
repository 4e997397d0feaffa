//! diesel: `migrations/<timestamp>_name/up.sql` in timestamp order (`down.sql` never).

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "diesel",
    about: "diesel migrations/<timestamp>_name/up.sql (down.sql never)",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() || f.name() != "up.sql" {
        return None;
    }
    let dirs = f.dirs();
    let parent = dirs.last()?;
    if !parent.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "diesel migration (up.sql)".into(),
        ..Claim::default()
    })
}

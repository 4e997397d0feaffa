//! sqlx: `migrations/<timestamp>_name.sql` (or reversible `.up.sql`, taken by
//! golang-migrate's reader with the same order) next to a `Cargo.toml`.

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "sqlx",
    about: "sqlx migrations/<timestamp>_name.sql next to Cargo.toml",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    let name = f.name();
    if !f.is_sql()
        || !name.starts_with(|c: char| c.is_ascii_digit())
        || f.dirs().last() != Some(&"migrations")
    {
        return None;
    }
    let crate_root = f.abs.parent()?.parent()?;
    if !crate_root.join("Cargo.toml").is_file() {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "sqlx migration".into(),
        ..Claim::default()
    })
}

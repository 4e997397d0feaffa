//! gobuffalo/pop (and Ory's popx): `<timestamp>_name[.<dialect>].up.sql`, one file per
//! dialect side by side, `.autocommit.` outside a transaction. The dialect in the name is
//! honoured by [`super::dialect`]; `.fizz` files are not SQL and not read.

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "pop",
    about: "pop/popx <ts>_name.<dialect>.up.sql (only the configured dialect's files)",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    let name = f.name();
    if !f.is_sql() || !name.ends_with(".up.sql") {
        return None;
    }
    let parts: Vec<&str> = name.split('.').collect();
    // name, [dialect | autocommit ...], up, sql
    let pop_like = parts.len() > 3
        && parts[1..parts.len() - 2].iter().any(|p| {
            matches!(
                *p,
                "postgres" | "mysql" | "sqlite3" | "sqlite" | "cockroach" | "autocommit"
            )
        });
    if !pop_like {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "pop migration (per-dialect file)".into(),
        ..Claim::default()
    })
}

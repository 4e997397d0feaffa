//! Prisma Migrate: `prisma/migrations/<timestamp>_name/migration.sql` in folder order.
//! (`schema.prisma` is an ORM schema, read by the ORM stage.)

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "prisma",
    about: "Prisma migrations/<timestamp>_name/migration.sql in folder order",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() || f.name() != "migration.sql" || !f.in_dir("migrations") {
        return None;
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: "Prisma migration".into(),
        ..Claim::default()
    })
}

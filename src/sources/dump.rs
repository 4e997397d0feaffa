//! Full schema dumps: pg_dump / mysqldump output (recognized by their header), and files
//! named `schema.sql`, `*_schema.sql`, `*-schema-dump.sql`, `dump.sql`.
//!
//! Role [`Role::Dump`]: the plan makes it a base (folded first) when no migration creates
//! its tables, else a snapshot that is not folded (the migrations are authoritative).

use super::{natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "dump",
    about: "pg_dump/mysqldump output, schema.sql, *-schema-dump.sql: a base, or a snapshot when migrations build the same tables",
    claim,
};

/// `dump.sql`, `pg-dump.sql`, `dump_2020.sql`, `prod-schema-dump.sql`; not
/// `add-incremental-dump-table.sql`.
fn named_dump(stem: &str) -> bool {
    let words: Vec<&str> = stem
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    words.first() == Some(&"dump") || words.last() == Some(&"dump")
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() {
        return None;
    }
    let head = &f.text[..crate::source::clamp_to_char(f.text, f.text.len().min(4096))];
    let reason = if head.contains("PostgreSQL database dump") {
        "pg_dump output"
    } else if head.contains("MySQL dump") || head.contains("MariaDB dump") {
        "mysqldump output"
    } else {
        let name = f.name();
        let stem = name.strip_suffix(".sql").unwrap_or(name);
        if stem == "schema" || stem == "structure" {
            "named as a full schema"
        } else if stem.ends_with("schema") || named_dump(stem) {
            "named as a full schema or dump"
        } else {
            return None;
        }
    };
    Some(Claim {
        reader: READER.name,
        role: Role::Dump,
        key: natural_key(f.lower),
        reason: reason.into(),
        ..Claim::default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn dump_names() {
        for n in ["dump", "pg-dump", "dump_2020", "prod-schema-dump"] {
            assert!(super::named_dump(n), "{n}");
        }
        assert!(!super::named_dump("add-incremental-dump-table"));
    }
}

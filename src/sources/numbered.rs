//! Plain numbered or dated SQL migrations: any `.sql` file in a migration folder
//! (`migrations/`, `migrate/`, `alterations/`, `updates/`, `upgrades/`, `schema_changes/`,
//! `db/sql/`, ...) or named like one (`v12.sql`, `0003_x.sql`, `schema_version_4.sql`), in
//! natural order (`v2` before `v10`).

use super::{in_migration_dir, natural_key, Claim, FileInfo, Reader, Role};

pub const READER: Reader = Reader {
    name: "numbered",
    about:
        "SQL in migrations/, alterations/, updates/, ... or named vN/NNN_: natural order (v2 < v10)",
    claim,
};

/// Whether a file name looks like a numbered migration.
fn numbered_name(name: &str) -> bool {
    let stem = name.trim_end_matches(".sql");
    let rest = stem
        .strip_prefix("schema_version")
        .or_else(|| stem.strip_prefix("version"))
        .or_else(|| stem.strip_prefix('v'))
        .unwrap_or(stem)
        .trim_start_matches(['_', '-']);
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (rest.len() == digits || rest[digits..].starts_with(['_', '-', '.']))
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() {
        return None;
    }
    let reason = if in_migration_dir(f) {
        "SQL in a migration folder"
    } else if numbered_name(f.name()) {
        "numbered SQL file"
    } else {
        return None;
    };
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: reason.into(),
        ..Claim::default()
    })
}

#[cfg(test)]
mod tests {
    use super::numbered_name;

    #[test]
    fn numbered_names() {
        for n in [
            "v1.sql",
            "v12_add.sql",
            "0003_x.sql",
            "schema_version_4.sql",
            "12.sql",
        ] {
            assert!(numbered_name(n), "{n}");
        }
        for n in [
            "users.sql",
            "v.sql",
            "vx1.sql",
            "queries.sql",
            "s3_objects.sql",
        ] {
            assert!(!numbered_name(n), "{n}");
        }
    }
}

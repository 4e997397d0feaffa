//! Setup-script sets that build a fresh database (`create_tables.sql`,
//! `create_primary_keys.sql`, `create_indexes.sql`, `init.sql`, ...): folded before the
//! migrations in dependency order (extensions and schemas, types, tables, keys, foreign
//! keys, indexes, views, functions), whatever their alphabetical order. Teardown scripts
//! (`drop_*.sql`, `reset.sql`, `truncate*.sql`, `clean*.sql`) are never schema.

use super::{dir_of, natural_key, Claim, FileInfo, KeyPart, Reader, Role};

pub const READER: Reader = Reader {
    name: "setup",
    about: "create_*.sql / init.sql setup sets, in dependency order (types, tables, keys, indexes, views)",
    claim,
};

pub const TEARDOWN: Reader = Reader {
    name: "teardown",
    about: "drop_*.sql, reset.sql, truncate*.sql, clean*.sql: never schema",
    claim: teardown,
};

/// The dependency rank of a setup script's stem, if it is one.
pub fn rank(stem: &str) -> Option<u128> {
    let rest = stem
        .strip_prefix("create_")
        .or_else(|| stem.strip_prefix("create-"));
    let Some(rest) = rest else {
        return matches!(stem, "init" | "setup" | "bootstrap" | "init_db" | "initdb").then_some(2);
    };
    let has = |words: &[&str]| words.iter().any(|w| rest.contains(w));
    Some(if has(&["extension", "schema", "role", "database"]) {
        0
    } else if has(&["type", "enum", "domain", "sequence"]) {
        1
    } else if has(&["foreign"]) {
        4
    } else if has(&["primary", "constraint", "key"]) {
        3
    } else if has(&["index"]) {
        5
    } else if has(&["view"]) {
        6
    } else if has(&["function", "procedure", "trigger"]) {
        7
    } else {
        2
    })
}

fn stem<'a>(f: &'a FileInfo) -> Option<&'a str> {
    f.is_sql().then(|| f.name().trim_end_matches(".sql"))
}

fn claim(f: &FileInfo) -> Option<Claim> {
    let stem = stem(f)?;
    let rank = rank(stem)?;
    let mut key = natural_key(dir_of(f.lower));
    key.push(KeyPart::Num(rank));
    key.extend(natural_key(stem));
    Some(Claim {
        reader: READER.name,
        role: Role::Setup,
        key,
        reason: format!("setup script (dependency rank {rank})"),
        ..Claim::default()
    })
}

fn teardown(f: &FileInfo) -> Option<Claim> {
    let stem = stem(f)?;
    let hit = [
        "drop", "truncate", "clean", "teardown", "destroy", "purge", "reset",
    ]
    .iter()
    .any(|w| {
        stem == *w
            || stem
                .strip_prefix(w)
                .is_some_and(|r| r.starts_with(['_', '-', '.']) || r == "all")
    });
    if !hit {
        return None;
    }
    Some(Claim {
        reader: TEARDOWN.name,
        role: Role::Teardown,
        key: natural_key(f.lower),
        reason: "teardown script: never schema".into(),
        ..Claim::default()
    })
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn dependency_ranks() {
        assert!(rank("create_types") < rank("create_tables"));
        assert!(rank("create_tables") < rank("create_primary_keys"));
        assert!(rank("create_primary_keys") < rank("create_foreign_keys"));
        assert!(rank("create_foreign_keys") < rank("create_indexes"));
        assert!(rank("create_indexes") < rank("create_views"));
        assert_eq!(rank("users"), None);
    }
}

//! Flyway: versioned `V1__x.sql`, `V1.1__x.sql`, `V2_1__x.sql` in version order, then
//! repeatable `R__x.sql` (applied after every versioned migration, by description); undo
//! scripts `U1__x.sql` are teardown.

use super::{dir_of, natural_key, Claim, FileInfo, KeyPart, Reader, Role};

pub const READER: Reader = Reader {
    name: "flyway",
    about: "Flyway V<version>__name.sql in version order, then R__name.sql; U__ undo never",
    claim,
};

/// `(prefix, version parts, description)` of a Flyway file name.
fn split(name: &str) -> Option<(char, Vec<u128>, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let (head, desc) = stem.split_once("__")?;
    let mut chars = head.chars();
    let prefix = chars.next()?.to_ascii_uppercase();
    let version = chars.as_str();
    if prefix == 'R' && version.is_empty() {
        return Some(('R', Vec::new(), desc));
    }
    if !matches!(prefix, 'V' | 'U') || version.is_empty() {
        return None;
    }
    let parts: Option<Vec<u128>> = version
        .split(['.', '_'])
        .map(|p| p.parse::<u128>().ok())
        .collect();
    Some((prefix, parts?, desc))
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() {
        return None;
    }
    let (prefix, version, desc) = split(f.name())?;
    let mut key = natural_key(dir_of(f.lower));
    let (role, reason) = match prefix {
        'V' => {
            key.push(KeyPart::Num(0));
            // `1` < `1.1` < `1.2` < `2`: the parts as one text of fixed-width numbers.
            let v: Vec<String> = version.iter().map(|n| format!("{n:039}")).collect();
            key.push(KeyPart::Text(v.join(".")));
            (Role::Migration, "Flyway versioned migration")
        }
        'R' => {
            key.push(KeyPart::Num(1));
            (
                Role::Migration,
                "Flyway repeatable migration (after the versioned ones)",
            )
        }
        _ => (Role::Teardown, "Flyway undo script"),
    };
    key.push(KeyPart::Text(desc.to_string()));
    Some(Claim {
        reader: READER.name,
        role,
        key,
        reason: reason.into(),
        ..Claim::default()
    })
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn versions_are_numbers() {
        assert_eq!(split("v1.1__add.sql"), Some(('V', vec![1, 1], "add")));
        assert_eq!(split("v2_10__x.sql"), Some(('V', vec![2, 10], "x")));
        assert_eq!(split("r__views.sql"), Some(('R', vec![], "views")));
        assert_eq!(split("vx__a.sql"), None);
        assert_eq!(split("users.sql"), None);
    }
}

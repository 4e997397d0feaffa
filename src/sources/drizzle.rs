//! Drizzle Kit: `NNNN_name.sql` in a folder holding `meta/_journal.json`, in journal order
//! (files the journal does not list come after, in natural order).

use super::{dir_of, natural_key, Claim, FileInfo, KeyPart, Reader, Role};

pub const READER: Reader = Reader {
    name: "drizzle",
    about: "Drizzle NNNN_name.sql in meta/_journal.json order",
    claim,
};

/// The `tag`s of a journal's `entries`, in order.
pub fn journal_tags(text: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    v.get("entries")
        .and_then(|e| e.as_array())
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e.get("tag")?.as_str())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() {
        return None;
    }
    let journal = f.abs.parent()?.join("meta").join("_journal.json");
    let text = std::fs::read_to_string(journal).ok()?;
    let tag = f.name().trim_end_matches(".sql");
    let mut key = natural_key(dir_of(f.lower));
    match journal_tags(&text).iter().position(|t| t == tag) {
        Some(i) => key.push(KeyPart::Num(i as u128)),
        None => {
            key.push(KeyPart::Num(u128::MAX));
            key.extend(natural_key(tag));
        }
    }
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key,
        reason: "Drizzle migration (journal order)".into(),
        ..Claim::default()
    })
}

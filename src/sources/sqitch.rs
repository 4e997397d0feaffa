//! sqitch: `deploy/<change>.sql` in the order of `sqitch.plan` (the folder above
//! `deploy/`); `revert/` scripts are teardown and `verify/` scripts are not schema.

use super::{dir_of, natural_key, Claim, FileInfo, KeyPart, Reader, Role};
use std::path::Path;

pub const READER: Reader = Reader {
    name: "sqitch",
    about: "sqitch deploy/*.sql in sqitch.plan order (revert/, verify/ never)",
    claim,
};

/// The change names of a `sqitch.plan`, in order (pragmas, tags, comments skipped).
pub fn plan_changes(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['%', '#', '@']))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn claim(f: &FileInfo) -> Option<Claim> {
    if !f.is_sql() {
        return None;
    }
    // The project folder is the one above `deploy/`, `revert/` or `verify/`.
    let (dir_name, project_rel) = ["deploy/", "revert/", "verify/"].iter().find_map(|d| {
        let i = f.lower.rfind(d)?;
        (i == 0 || f.lower[..i].ends_with('/')).then(|| (*d, &f.lower[..i]))
    })?;
    let depth = f.lower[project_rel.len()..].matches('/').count();
    let mut project_abs: &Path = f.abs;
    for _ in 0..depth + 1 {
        project_abs = project_abs.parent()?;
    }
    let plan = std::fs::read_to_string(project_abs.join("sqitch.plan")).ok()?;
    let (role, reason) = match dir_name {
        "deploy/" => (Role::Migration, "sqitch deploy script"),
        "revert/" => (Role::Teardown, "sqitch revert script"),
        _ => (Role::Ignored, "sqitch verify script"),
    };
    let change = f.lower[project_rel.len() + dir_name.len()..].trim_end_matches(".sql");
    let mut key = natural_key(dir_of(project_rel));
    match plan_changes(&plan).iter().position(|c| c == change) {
        Some(i) => key.push(KeyPart::Num(i as u128)),
        None => {
            key.push(KeyPart::Num(u128::MAX));
            key.extend(natural_key(change));
        }
    }
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
    #[test]
    fn plan_lists_changes_in_order() {
        let plan = "%syntax-version=1.0.0\n%project=shop\n\nusers 2020-01-01T00:00:00Z A <a@b> # users\n@v1 2020-01-02T00:00:00Z A <a@b>\norders [users] 2020-01-03T00:00:00Z A <a@b>\n";
        assert_eq!(super::plan_changes(plan), ["users", "orders"]);
    }
}

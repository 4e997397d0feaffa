//! Host-language migrations: Go, Python, TypeScript/JavaScript, Ruby, Java or Rust files
//! whose SQL strings build the schema: files in a migration folder (`migrations/`,
//! `alembic/versions/`, `db/migrate/`, `alterations/`, ...), files named for migrations
//! (`migrations.go`, `migrate.py`) that create tables, and generated files embedding
//! migrations (`// Code generated ... DO NOT EDIT.` with `CREATE TABLE` inside).
//!
//! Only the `up` direction is applied: the bodies of `down`, `downgrade`, `revert` and
//! `backwards` functions or methods (and `Down:` fields) are skipped. Their DML is data
//! migration (no query findings).

use super::{in_migration_dir, natural_key, Claim, FileInfo, Reader, Role};
use crate::discover::FileKind;
use crate::extract::HostLang;
use std::ops::Range;

pub const READER: Reader = Reader {
    name: "host",
    about: "Go/Python/TS/Ruby migration files: up/upgrade/change bodies only, DML is data",
    claim,
};

fn claim(f: &FileInfo) -> Option<Claim> {
    let FileKind::Host(lang) = f.kind else {
        return None;
    };
    let lower_text = || f.text.to_ascii_lowercase();
    let reason = if in_migration_dir(f) || f.lower.contains("alembic/versions/") {
        "host-language file in a migration folder"
    } else {
        let head = &f.text[..crate::source::clamp_to_char(f.text, f.text.len().min(1024))];
        let generated = head.contains("Code generated") && head.contains("DO NOT EDIT");
        let stem = f.name().split('.').next().unwrap_or("");
        let named = stem.contains("migration") || stem.starts_with("migrate");
        if !(generated || named) || !lower_text().contains("create table") {
            return None;
        }
        if generated {
            "generated file embedding migrations (CREATE TABLE inside)"
        } else {
            "migration file (named so, creates tables)"
        }
    };
    Some(Claim {
        reader: READER.name,
        role: Role::Migration,
        key: natural_key(f.lower),
        reason: reason.into(),
        skip: down_ranges(lang, f.text),
        ..Claim::default()
    })
}

/// Whether an identifier names the reverse direction of a migration.
fn is_down_name(ident: &str) -> bool {
    let l = ident.to_ascii_lowercase();
    ["down", "downgrade", "revert", "backwards", "rollback"]
        .iter()
        .any(|w| l == *w || (l.starts_with(w) && !l[w.len()..].starts_with(char::is_lowercase)))
        || (ident.starts_with("down") && ident[4..].starts_with(char::is_uppercase))
}

/// Byte ranges of `text` holding the down direction.
pub fn down_ranges(lang: HostLang, text: &str) -> Vec<Range<usize>> {
    match lang {
        HostLang::Python => indented_blocks(text, &["def ", "async def "]),
        HostLang::Ruby => ruby_blocks(text),
        _ => braced_blocks(text),
    }
}

/// Python: `def down...(` blocks, up to the next line indented no deeper than the `def`.
fn indented_blocks(text: &str, openers: &[&str]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (start, indent)
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((start, ind)) = open {
            if !trimmed.trim().is_empty() && indent <= ind {
                out.push(start..pos);
                open = None;
            }
        }
        if open.is_none() {
            if let Some(rest) = openers.iter().find_map(|o| trimmed.strip_prefix(o)) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if is_down_name(&name) {
                    open = Some((pos, indent));
                }
            }
        }
        pos += line.len();
    }
    if let Some((start, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// Ruby: `def down` / `def self.down` up to the `end` at the same indentation.
fn ruby_blocks(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match open {
            Some((start, ind)) => {
                let word = trimmed.trim_end();
                if indent == ind && (word == "end" || word.starts_with("end ")) {
                    out.push(start..pos + line.len());
                    open = None;
                }
            }
            None => {
                if let Some(rest) = trimmed.strip_prefix("def ") {
                    let name = rest.trim_start_matches("self.");
                    let name: String = name
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if is_down_name(&name) {
                        open = Some((pos, indent));
                    }
                }
            }
        }
        pos += line.len();
    }
    if let Some((start, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// C-like languages: an identifier naming the down direction (`func Down(`, `down:`,
/// `async down(`, `Down: "..."`, `exports.down = ...`), then the body: the next balanced
/// `{...}`/`[...]`, or the string literal right after `:`/`=`.
fn braced_blocks(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(end) = skip_literal(b, i) {
            i = end;
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == b'_') || (i > 0 && is_ident(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if !is_down_name(&text[start..i]) {
            continue;
        }
        // Only a declaration or a field: followed by `(`, `:`, `=` or `=>` (after spaces);
        // `.down()` calls and words inside strings (skipped above) do not count.
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let decl = j < b.len() && matches!(b[j], b'(' | b':' | b'=');
        let keyword_before = text[..start]
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|w| matches!(w, "func" | "function" | "def" | "async" | "fn"))
            || text[..start].trim_end().ends_with(')'); // Go method receiver
        if !decl || (b[j] == b'(' && !keyword_before) {
            continue;
        }
        if let Some(end) = body_end(b, j) {
            out.push(start..end);
            i = end;
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// End of the body starting at or after `from`: a string literal right after `:`/`=`, or
/// the first balanced bracket group within 400 bytes.
fn body_end(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    if matches!(b.get(j), Some(b':' | b'=')) {
        j += 1;
        while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'>') {
            j += 1;
        }
        if let Some(end) = skip_literal(b, j) {
            return Some(end);
        }
    }
    let limit = (from + 400).min(b.len());
    while j < limit {
        if matches!(b[j], b'{' | b'[') {
            return balanced(b, j);
        }
        if let Some(end) = skip_literal(b, j) {
            j = end;
            continue;
        }
        j += 1;
    }
    None
}

/// The end of the bracket group opening at `open` (strings and comments skipped).
fn balanced(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if let Some(end) = skip_literal(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// When a string literal or comment starts at `i`, the offset just past it.
fn skip_literal(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        q @ (b'"' | b'\'' | b'`') => {
            let mut j = i + 1;
            while j < b.len() {
                if b[j] == b'\\' && q != b'`' {
                    j += 2;
                    continue;
                }
                if b[j] == q {
                    return Some(j + 1);
                }
                if b[j] == b'\n' && q != b'`' {
                    return Some(j);
                }
                j += 1;
            }
            Some(b.len())
        }
        b'/' if b.get(i + 1) == Some(&b'/') => {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p);
            Some(end)
        }
        b'/' if b.get(i + 1) == Some(&b'*') => {
            let end = b[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |p| i + 2 + p + 2);
            Some(end)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(lang: HostLang, text: &str) -> Vec<&str> {
        down_ranges(lang, text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn python_downgrade_body() {
        let t = "def upgrade():\n    op.execute('A')\n\ndef downgrade():\n    op.execute('B')\n\nx = 1\n";
        assert_eq!(
            skipped(HostLang::Python, t),
            ["def downgrade():\n    op.execute('B')\n\n"]
        );
    }

    #[test]
    fn typescript_down_method_and_go_down_field() {
        let t = "export const a = {\n  up: async (pool) => { await pool.query(`A`); },\n  down: async (pool) => { await pool.query(`B {x}`); },\n};\n";
        assert_eq!(
            skipped(HostLang::TypeScript, t),
            ["down: async (pool) => { await pool.query(`B {x}`); }"]
        );
        let g = "var m = []M{{Up: `A`, Down: `B`}}\nfunc downX(tx *sql.Tx) error {\n\treturn exec(tx, \"C\")\n}\nfunc f() { m.Down() }\n";
        assert_eq!(
            skipped(HostLang::Go, g),
            [
                "Down: `B`",
                "downX(tx *sql.Tx) error {\n\treturn exec(tx, \"C\")\n}"
            ]
        );
    }

    #[test]
    fn ruby_down_method() {
        let t = "class X < M\n  def up\n    execute 'A'\n  end\n  def down\n    execute 'B'\n  end\nend\n";
        assert_eq!(
            skipped(HostLang::Ruby, t),
            ["  def down\n    execute 'B'\n  end\n"]
        );
    }

    #[test]
    fn names() {
        assert!(is_down_name("down"));
        assert!(is_down_name("Down"));
        assert!(is_down_name("downX"));
        assert!(is_down_name("Down00012"));
        assert!(is_down_name("downgrade"));
        assert!(!is_down_name("download"));
        assert!(!is_down_name("downtime"));
    }
}

//! DDL text written by the ORM schema readers, each statement located at the model line
//! that declared it.
//!
//! Input: statements built by a reader and the host byte range of their declaration.
//! Output: one [`Fragment`] of kind [`FragmentKind::OrmSchema`] whose offset map sends every
//! statement (and its `;`) to that range, so that a finding on the folded table, index or
//! foreign key lands on the model line. Names are always double-quoted: ORM names are
//! case-sensitive as written (Prisma's `createdAt`), and a column called `order` or `type`
//! must not read as a keyword.

use super::Orm;
use crate::extract::{Fragment, FragmentKind, OffsetMap};
use std::ops::Range;

/// DDL statements being written for one file.
#[derive(Debug, Default)]
pub struct Ddl {
    text: String,
    map: OffsetMap,
}

impl Ddl {
    /// Append one statement (without its `;`) declared at `host`.
    pub fn push(&mut self, stmt: &str, host: Range<usize>) {
        let start = self.text.len();
        self.text.push_str(stmt);
        self.text.push(';');
        let len = self.text.len() - start;
        self.map
            .push_synthetic(start, len, host.start, host.end.saturating_sub(host.start));
        let nl = self.text.len();
        self.text.push('\n');
        self.map.push_synthetic(nl, 1, host.end, 0);
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The fragment, or nothing when no statement was written.
    pub fn finish(self, orm: Orm) -> Option<Fragment> {
        (!self.text.is_empty()).then_some(Fragment {
            text: self.text,
            map: self.map,
            kind: FragmentKind::OrmSchema(orm),
            holes: Vec::new(),
        })
    }
}

/// `"name"`, with embedded quotes doubled.
pub fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"a", "b" DESC`: index keys from (column or expression, descending) pairs; an
/// expression (anything with a parenthesis or a space) is written as is.
pub fn keys(cols: &[(String, bool)]) -> String {
    cols.iter()
        .map(|(c, desc)| {
            let k = if c.contains('(') || c.contains(' ') || c.contains(':') {
                c.clone()
            } else {
                q(c)
            };
            if *desc {
                format!("{k} DESC")
            } else {
                k
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An index definition shared by the readers.
#[derive(Debug, Clone, Default)]
pub struct IndexDef {
    pub name: String,
    pub table: String,
    /// Column (or expression) and descending.
    pub cols: Vec<(String, bool)>,
    pub unique: bool,
    /// Access method when not btree (`gin`, `gist`, `hash`).
    pub using: Option<String>,
    /// Partial index predicate (SQL).
    pub predicate: Option<String>,
    /// Operator class per column.
    pub opclasses: Vec<(String, String)>,
}

impl IndexDef {
    /// `CREATE [UNIQUE] INDEX "n" ON "t" [USING m] (keys) [WHERE p]`
    pub fn sql(&self) -> String {
        let keys = self
            .cols
            .iter()
            .map(|(c, desc)| {
                let mut k = keys(&[(c.clone(), false)]);
                if let Some((_, op)) = self.opclasses.iter().find(|(col, _)| col == c) {
                    k.push(' ');
                    k.push_str(op);
                }
                if *desc {
                    k.push_str(" DESC");
                }
                k
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut s = format!(
            "CREATE {}INDEX {} ON {}",
            if self.unique { "UNIQUE " } else { "" },
            q(&self.name),
            q(&self.table)
        );
        if let Some(m) = &self.using {
            s.push_str(&format!(" USING {m}"));
        }
        s.push_str(&format!(" ({keys})"));
        if let Some(p) = &self.predicate {
            s.push_str(&format!(" WHERE {p}"));
        }
        s
    }
}

/// `ALTER TABLE "t" ADD FOREIGN KEY ("c") REFERENCES "r" ("id")`
pub fn foreign_key(table: &str, cols: &[String], ref_table: &str, ref_cols: &[String]) -> String {
    let list = |v: &[String]| v.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    format!(
        "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} ({})",
        q(table),
        list(cols),
        q(ref_table),
        list(ref_cols)
    )
}

/// `snake_case` of a `CamelCase` class name.
pub fn snake(class: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = class.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// English plural as ActiveRecord's inflector and GORM write table names (the common
/// rules and irregulars; an uncommon word may differ, `self.table_name` overrides).
pub fn plural(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("person", "people"),
        ("man", "men"),
        ("woman", "women"),
        ("child", "children"),
        ("mouse", "mice"),
        ("status", "statuses"),
        ("news", "news"),
        ("data", "data"),
        ("information", "information"),
        ("equipment", "equipment"),
        ("series", "series"),
    ];
    let (head, last) = match word.rfind('_') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => ("", word),
    };
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == last) {
        return format!("{head}{p}");
    }
    let vowel = |c: char| "aeiou".contains(c);
    let p = if last.ends_with('y') && !last[..last.len() - 1].ends_with(vowel) {
        format!("{}ies", &last[..last.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| last.ends_with(e))
    {
        format!("{last}es")
    } else if let Some(stem) = last.strip_suffix("fe") {
        format!("{stem}ves")
    } else if last.ends_with('f') && !last.ends_with("ff") {
        format!("{}ves", &last[..last.len() - 1])
    } else {
        format!("{last}s")
    };
    format!("{head}{p}")
}

/// The singular of a table-like plural (inverse of [`plural`] for the regular cases).
pub fn singular(word: &str) -> String {
    if let Some(s) = word.strip_suffix("ies") {
        format!("{s}y")
    } else if let Some(s) = word.strip_suffix("sses") {
        format!("{s}ss")
    } else if let Some(stem) = word.strip_suffix("people") {
        format!("{stem}person")
    } else if let Some(s) = word
        .strip_suffix("ches")
        .map(|s| format!("{s}ch"))
        .or_else(|| word.strip_suffix("shes").map(|s| format!("{s}sh")))
        .or_else(|| word.strip_suffix("xes").map(|s| format!("{s}x")))
    {
        s
    } else if let Some(s) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        s.to_string()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections() {
        assert_eq!(snake("LineItem"), "line_item");
        assert_eq!(snake("HTTPRequest"), "http_request");
        assert_eq!(plural("line_item"), "line_items");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("person"), "people");
        assert_eq!(plural("day"), "days");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("users"), "user");
        assert_eq!(singular("addresses"), "address");
    }

    #[test]
    fn statements_map_to_their_declaration() {
        let mut d = Ddl::default();
        d.push("CREATE TABLE \"t\" (\"id\" bigint)", 10..20);
        d.push("CREATE INDEX \"i\" ON \"t\" (\"a\")", 30..35);
        let f = d.finish(Orm::Rails).expect("fragment");
        let ranges = f.statements();
        assert_eq!(ranges.len(), 2);
        assert_eq!(f.map.range_to_host(ranges[0].clone()), 10..20);
        assert_eq!(f.map.range_to_host(ranges[1].clone()), 30..35);
    }
}

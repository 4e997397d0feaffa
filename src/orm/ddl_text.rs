//! DDL text written by a schema reader, each statement located at the model line that
//! declared it.
//!
//! Input: statements (`CREATE TABLE ...`) and the host byte range of their declaration.
//! Output: one [`Fragment`] of kind `OrmSchema` whose offset map sends every byte of a
//! statement (and its `;`) to that range, so the fold's findings land on the model line.

/// The statements of one file and the quoting of names: the same writer the other ORM
/// readers use (`super::ddl`).
pub use super::ddl::{q, Ddl as DdlText};

/// A column list, quoted: `"a", "b" DESC`.
pub fn cols(columns: &[(String, bool)]) -> String {
    columns
        .iter()
        .map(|(c, desc)| {
            if *desc {
                format!("{} DESC", q(c))
            } else {
                q(c)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `snake_case` of `CamelCase` or `camelCase` (GORM's and TypeORM's naming): an
/// uppercase letter starts a new word unless it continues an acronym (`UserID` ->
/// `user_id`, `HTTPServer` -> `http_server`).
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None | Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `lowerCamelCase` of a `snake_case` column (`customer_id` -> `customerId`): the field name
/// the ORM's convention gives it, for fixes written in the ORM's form; a column without `_`
/// is returned as is.
pub fn camel(column: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in column.chars() {
        if c == '_' {
            up = !out.is_empty();
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// GORM's Go field name for a column (`kennel_id` -> `KennelID`).
pub fn go_field(column: &str) -> String {
    let c = camel(column);
    let mut chars = c.chars();
    let mut out: String = match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if out.ends_with("Id") {
        out.truncate(out.len() - 2);
        out.push_str("ID");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_keeps_acronyms_together() {
        assert_eq!(snake("UserID"), "user_id");
        assert_eq!(snake("OrderItem"), "order_item");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("createdAt"), "created_at");
        assert_eq!(snake("ID"), "id");
    }

    #[test]
    fn field_names_by_convention() {
        assert_eq!(camel("customer_id"), "customerId");
        assert_eq!(camel("createdAt"), "createdAt");
        assert_eq!(go_field("kennel_id"), "KennelID");
        assert_eq!(go_field("born_at"), "BornAt");
    }

    #[test]
    fn every_statement_maps_to_its_declaration() {
        let mut d = DdlText::default();
        d.push("CREATE TABLE a (x int)", 10..20);
        d.push("CREATE INDEX i ON a (x)", 30..35);
        let f = d.finish(crate::orm::Orm::Prisma).expect("fragment");
        let second = f.text.find("CREATE INDEX").expect("second");
        assert_eq!(f.map.range_to_host(0..5), 10..20);
        assert_eq!(f.map.range_to_host(second..second + 6), 30..35);
    }
}

//! Normalized text of SQL expressions, so that an index expression and a query expression
//! compare equal when they are the same expression written differently (case of keywords
//! and identifiers, whitespace, redundant parentheses).

use sqlparser::ast::{Expr, Ident};

/// An identifier's name: lower-cased unless quoted, as PostgreSQL folds identifiers.
pub fn ident_name(id: &Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    }
}

/// Normalized text of an expression: lower-cased outside quotes, whitespace collapsed,
/// redundant outer parentheses removed.
pub fn normalize_expr(expr: &Expr) -> String {
    let mut e = expr;
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    normalize_text(&e.to_string())
}

/// Normalize SQL text: lower-case outside quoted strings and identifiers, collapse runs of
/// whitespace to one space, drop spaces just inside parentheses.
pub fn normalize_text(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with('(') && c != ')' && c != ',' {
            out.push(' ');
        }
        pending_space = false;
        if c == '\'' || c == '"' || c == '`' {
            out.push(c);
            for d in chars.by_ref() {
                out.push(d);
                if d == c {
                    break;
                }
            }
            continue;
        }
        out.extend(c.to_lowercase());
    }
    while out.starts_with('(') && out.ends_with(')') && balanced_outer(&out) {
        out = out[1..out.len() - 1].to_string();
    }
    out
}

/// Whether the first `(` of `s` closes at its last character.
fn balanced_outer(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i != s.len() - 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_space_and_parens() {
        assert_eq!(normalize_text("(LOWER( Email ))"), "lower(email)");
        assert_eq!(normalize_text("(a) + (b)"), "(a) + (b)");
        assert_eq!(normalize_text("status = 'Active'"), "status = 'Active'");
    }
}

//! JavaScript and TypeScript string literals.
//!
//! Input: JS/TS source. Output: [`Tok`]s for [`super::literal::fragments`].
//!
//! Knows `//` and `/* */` comments, `'...'`, `"..."`, template literals with `${...}`
//! interpolations (nested braces, strings, templates and comments inside the expression are
//! skipped), tagged templates (`sql\`...\``, `Prisma.sql\`...\``: the tag is just an
//! expression before the template) and regular expression literals. A `/` starts a regex
//! when the previous significant token cannot end an expression (an operator, `(`, `,`,
//! `=`, a keyword like `return`), which is the usual heuristic; otherwise it is division.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

/// Keywords after which a `/` starts a regex.
const REGEX_AFTER: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// The literal tokens of a JS/TS file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    // Can the previous significant token end an expression? (then `/` is division)
    let mut expr_end = false;
    while let Some(ch) = c.peek() {
        if c.skip_c_comment(false) {
            continue;
        }
        match ch {
            '\'' | '"' => {
                toks.push(Tok::Str(quoted(&mut c, ch)));
                expr_end = true;
            }
            '`' => {
                toks.push(Tok::Str(template(&mut c)));
                expr_end = true;
            }
            '+' => {
                c.bump();
                // `++` is not concatenation.
                if c.peek() == Some('+') {
                    c.bump();
                    toks.push(Tok::Other);
                    expr_end = true;
                } else {
                    toks.push(Tok::Plus);
                    expr_end = false;
                }
            }
            '/' => {
                if expr_end {
                    c.bump();
                } else {
                    c.skip_regex();
                }
                toks.push(Tok::Other);
                expr_end = !expr_end;
            }
            _ if ch.is_alphanumeric() || ch == '_' || ch == '$' => {
                let start = c.pos;
                while let Some(x) = c.peek() {
                    if x.is_alphanumeric() || x == '_' || x == '$' {
                        c.bump();
                    } else {
                        break;
                    }
                }
                expr_end = !REGEX_AFTER.contains(&&src[start..c.pos]);
                toks.push(Tok::Word(start, c.pos));
            }
            _ if ch.is_whitespace() => {
                c.bump();
            }
            ')' | ']' | '}' => {
                let at = c.pos;
                c.bump();
                toks.push(Tok::Punct(ch, at));
                expr_end = true;
            }
            _ => {
                let at = c.pos;
                c.bump();
                toks.push(Tok::Punct(ch, at));
                expr_end = false;
            }
        }
    }
    toks
}

fn opts() -> EscapeOpts {
    EscapeOpts {
        octal: false,
        java: false,
    }
}

/// Decode a backslash sequence at the cursor (on the backslash) into `units`.
fn escape(c: &mut Cursor, units: &mut Vec<Unit>) {
    let at = c.pos;
    c.bump();
    // Line continuation: `\` + newline is nothing.
    if c.peek() == Some('\n') {
        c.bump();
        return;
    }
    if c.starts_with("\r\n") {
        c.pos += 2;
        return;
    }
    decode_escape(c, at, units, opts());
}

/// A `'...'` or `"..."` literal at the cursor.
fn quoted(c: &mut Cursor, q: char) -> Lit {
    c.bump();
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        if ch == q {
            c.bump();
            break;
        }
        if ch == '\n' {
            break;
        }
        if ch == '\\' {
            escape(c, &mut units);
            continue;
        }
        units.push(Unit::verbatim(ch, c.pos));
        c.bump();
    }
    Lit { units }
}

/// A template literal at the cursor (on the backtick).
fn template(c: &mut Cursor) -> Lit {
    c.bump();
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if ch == '`' {
            c.bump();
            break;
        }
        if ch == '\\' {
            escape(c, &mut units);
            continue;
        }
        if c.starts_with("${") {
            c.pos += 2;
            skip_expression(c);
            units.push(Unit::Interp {
                host: at,
                host_len: c.pos - at,
            });
            continue;
        }
        units.push(Unit::verbatim(ch, at));
        c.bump();
    }
    Lit { units }
}

/// Skip a `${...}` expression body (the cursor is after `${`), through its closing `}`.
fn skip_expression(c: &mut Cursor) {
    let mut depth = 0usize;
    while let Some(ch) = c.peek() {
        if c.skip_c_comment(false) {
            continue;
        }
        match ch {
            '{' => depth += 1,
            '}' => {
                c.bump();
                if depth == 0 {
                    return;
                }
                depth -= 1;
                continue;
            }
            '\'' | '"' => {
                quoted(c, ch);
                continue;
            }
            '`' => {
                template(c);
                continue;
            }
            _ => {}
        }
        c.bump();
    }
}

//! Rust string literals.
//!
//! Input: Rust source. Output: [`Tok`]s for [`super::literal::fragments`].
//!
//! Knows `//` and nested `/* */` comments, `"..."` with escapes (`\u{..}`, `\x..`, and
//! `\` + newline, which also skips the next line's leading whitespace), raw strings `r"..."`
//! and `r#"..."#` with any number of `#`, byte and C strings (`b"..."`, `br#"..."#`,
//! `c"..."`, skipped), char literals versus lifetimes (`'a'` and `'\n'` are chars, `'a` is
//! a lifetime). Rust does not `+` string literals, so literals are never joined.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

/// The literal tokens of a Rust file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    while let Some(ch) = c.peek() {
        if c.skip_c_comment(true) {
            continue;
        }
        match ch {
            '"' => toks.push(Tok::Str(quoted(&mut c))),
            '\'' => {
                skip_char_or_lifetime(&mut c);
                toks.push(Tok::Other);
            }
            _ if ch.is_alphanumeric() || ch == '_' => {
                let start = c.pos;
                c.skip_word();
                let word = &src[start..c.pos];
                let next = c.peek();
                match (word, next) {
                    ("r", Some('"' | '#')) => toks.push(raw(&mut c, true)),
                    ("br" | "cr", Some('"' | '#')) => {
                        raw(&mut c, false);
                        toks.push(Tok::Other);
                    }
                    ("b" | "c", Some('"')) => {
                        quoted(&mut c);
                        toks.push(Tok::Other);
                    }
                    ("b", Some('\'')) => {
                        skip_char_or_lifetime(&mut c);
                        toks.push(Tok::Other);
                    }
                    _ => toks.push(Tok::Word(start, c.pos)),
                }
            }
            _ if ch.is_whitespace() => {
                c.bump();
            }
            _ => {
                let at = c.pos;
                c.bump();
                toks.push(Tok::Punct(ch, at));
            }
        }
    }
    toks
}

fn quoted(c: &mut Cursor) -> Lit {
    c.bump();
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if ch == '"' {
            c.bump();
            break;
        }
        c.bump();
        if ch == '\\' {
            if matches!(c.peek(), Some('\n') | Some('\r')) {
                // Line continuation: skip the newline and the next line's indentation.
                while c.peek().is_some_and(char::is_whitespace) {
                    c.bump();
                }
                continue;
            }
            decode_escape(c, at, &mut units, EscapeOpts::default());
            continue;
        }
        units.push(Unit::verbatim(ch, at));
    }
    Lit { units }
}

/// A raw string at the cursor (on the `#`s or the quote after `r`).
fn raw(c: &mut Cursor, keep: bool) -> Tok {
    let mut hashes = 0;
    while c.peek() == Some('#') {
        hashes += 1;
        c.bump();
    }
    if c.peek() != Some('"') {
        return Tok::Other;
    }
    c.bump();
    let close: String = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        if c.starts_with(&close) {
            c.pos += close.len();
            break;
        }
        units.push(Unit::verbatim(ch, c.pos));
        c.bump();
    }
    if keep {
        Tok::Str(Lit { units })
    } else {
        Tok::Other
    }
}

/// `'x'`, `'\n'`, `'\u{1F600}'` are chars; `'a` (no closing quote after one char) is a
/// lifetime or label.
fn skip_char_or_lifetime(c: &mut Cursor) {
    c.bump();
    if c.peek() == Some('\\') {
        c.bump();
        c.bump();
        while let Some(x) = c.peek() {
            if x == '\'' {
                c.bump();
                return;
            }
            if x == '\n' {
                return;
            }
            c.bump();
        }
        return;
    }
    if c.peek_at(1) == Some('\'') {
        c.bump();
        c.bump();
    }
}

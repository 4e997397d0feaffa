//! Go string literals.
//!
//! Input: Go source. Output: [`Tok`]s for [`super::literal::fragments`].
//!
//! Knows `//` and `/* */` comments, interpreted strings `"..."` (escapes decoded), raw
//! strings in backticks (verbatim; a carriage return inside is kept, SQL treats it as
//! whitespace), rune literals `'"'` (skipped, so their quote does not open a string) and
//! `+` concatenation.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

/// The literal tokens of a Go file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    while let Some(ch) = c.peek() {
        if c.skip_c_comment(false) {
            continue;
        }
        match ch {
            '"' => toks.push(Tok::Str(interpreted(&mut c, '"'))),
            '\'' => {
                interpreted(&mut c, '\'');
                toks.push(Tok::Other);
            }
            '`' => {
                let start = c.pos;
                c.bump();
                let mut units = Vec::new();
                while let Some(x) = c.peek() {
                    if x == '`' {
                        c.bump();
                        break;
                    }
                    units.push(Unit::verbatim(x, c.pos));
                    c.bump();
                }
                let _ = start;
                toks.push(Tok::Str(Lit { units }));
            }
            '+' => {
                let at = c.pos;
                c.bump();
                if c.peek() == Some('=') {
                    // `+=`: reported so that a string grown by it is known to grow.
                    c.bump();
                    toks.push(Tok::Punct('+', at));
                    toks.push(Tok::Punct('=', at + 1));
                } else if c.peek() == Some('+') {
                    c.bump();
                    toks.push(Tok::Other);
                } else {
                    toks.push(Tok::Plus);
                }
            }
            _ if ch.is_alphanumeric() || ch == '_' => {
                let start = c.pos;
                c.skip_word();
                toks.push(Tok::Word(start, c.pos));
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

/// An interpreted string (or rune) literal at the cursor, decoded.
pub(crate) fn interpreted(c: &mut Cursor, q: char) -> Lit {
    c.bump();
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if ch == q {
            c.bump();
            break;
        }
        if ch == '\n' {
            break;
        }
        if ch == '\\' {
            c.bump();
            decode_escape(
                c,
                at,
                &mut units,
                EscapeOpts {
                    octal: true,
                    java: false,
                },
            );
            continue;
        }
        units.push(Unit::verbatim(ch, at));
        c.bump();
    }
    Lit { units }
}

//! Python string literals.
//!
//! Input: Python source. Output: [`Tok`]s for [`super::literal::fragments`]: text string
//! literals decoded, `+`, and everything else as a concatenation breaker.
//!
//! Knows `#` comments, `'...'`, `"..."`, triple-quoted strings, prefixes in any case and
//! order (`r`, `u`, `f`, `rb`, `Rf`...), raw strings (no escape decoding; `\'` keeps both
//! characters), f-strings (`{expr}` becomes an interpolation, `{{` and `}}` a brace),
//! backslash-newline line continuations. Bytes literals (`b''`) are skipped, not reported.
//! Adjacent literals join (also across lines inside brackets), as do `+`-joined ones.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

/// The literal tokens of a Python file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    let mut depth = 0usize;
    while let Some(ch) = c.peek() {
        match ch {
            '#' => c.skip_line(),
            '\n' => {
                c.bump();
                // A newline outside brackets ends the statement (no implicit joining).
                if depth == 0 {
                    toks.push(Tok::Other);
                }
            }
            '\\' if c.peek_at(1) == Some('\n') || c.starts_with("\\\r\n") => {
                c.bump();
                c.skip_line();
                c.bump();
            }
            '(' | '[' | '{' => {
                depth += 1;
                toks.push(Tok::Punct(ch, c.pos));
                c.bump();
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                toks.push(Tok::Punct(ch, c.pos));
                c.bump();
            }
            '+' => {
                c.bump();
                toks.push(Tok::Plus);
            }
            '\'' | '"' => toks.push(string(&mut c, "")),
            _ if ch.is_alphabetic() || ch == '_' => {
                let start = c.pos;
                c.skip_word();
                let word = &src[start..c.pos];
                let is_prefix = word.len() <= 2
                    && word.chars().all(|x| "rRbBuUfF".contains(x))
                    && matches!(c.peek(), Some('\'') | Some('"'));
                if is_prefix {
                    toks.push(string(&mut c, word));
                } else {
                    toks.push(Tok::Word(start, c.pos));
                }
            }
            _ if ch.is_whitespace() => {
                c.bump();
            }
            _ => {
                toks.push(Tok::Punct(ch, c.pos));
                c.bump();
            }
        }
    }
    toks
}

/// One string literal at the cursor (on its opening quote), with `prefix` already read.
fn string(c: &mut Cursor, prefix: &str) -> Tok {
    let lower = prefix.to_ascii_lowercase();
    let raw = lower.contains('r');
    let fmt = lower.contains('f');
    let bytes = lower.contains('b');
    let q = c.peek().unwrap_or('"');
    let triple = if q == '"' {
        c.starts_with("\"\"\"")
    } else {
        c.starts_with("'''")
    };
    c.pos += if triple { 3 } else { 1 };
    let mut units = Vec::new();
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if ch == q {
            if !triple {
                c.bump();
                break;
            }
            if c.rest()[1..].starts_with(q) && c.rest()[2..].starts_with(q) {
                c.pos += 3;
                break;
            }
        }
        if ch == '\n' && !triple {
            // Unterminated single-line string: stop at the line end.
            break;
        }
        if ch == '\\' {
            c.bump();
            if raw {
                // A raw string keeps the backslash and the character after it.
                units.push(Unit::verbatim('\\', at));
                if let Some(n) = c.bump() {
                    units.push(Unit::verbatim(n, at + 1));
                }
                continue;
            }
            if c.peek() == Some('\n') {
                c.bump();
                continue;
            }
            if c.starts_with("\r\n") {
                c.pos += 2;
                continue;
            }
            if c.peek() == Some('N') && c.peek_at(1) == Some('{') {
                // `\N{NAME}`: a named character we do not resolve; one synthetic unit.
                let end = c
                    .rest()
                    .find('}')
                    .map(|i| c.pos + i + 1)
                    .unwrap_or(c.src.len());
                c.pos = end;
                units.push(Unit::Char {
                    ch: '?',
                    host: at,
                    host_len: end - at,
                });
                continue;
            }
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
        if fmt && (ch == '{' || ch == '}') {
            if c.peek_at(1) == Some(ch) {
                c.pos += 2;
                units.push(Unit::Char {
                    ch,
                    host: at,
                    host_len: 2,
                });
                continue;
            }
            if ch == '{' {
                let end = interpolation_end(c.src, c.pos + 1);
                c.pos = end;
                units.push(Unit::Interp {
                    host: at,
                    host_len: end - at,
                });
                continue;
            }
        }
        c.bump();
        units.push(Unit::verbatim(ch, at));
    }
    if bytes {
        Tok::Other
    } else {
        Tok::Str(Lit { units })
    }
}

/// End (exclusive, after the `}`) of an f-string replacement field whose body starts at
/// `from`: brackets nest, quoted strings inside are skipped.
fn interpolation_end(src: &str, from: usize) -> usize {
    let mut c = Cursor::new(src);
    c.pos = from;
    let mut depth = 0usize;
    while let Some(ch) = c.bump() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '}' => {
                if depth == 0 {
                    return c.pos;
                }
                depth -= 1;
            }
            '\'' | '"' => {
                while let Some(x) = c.bump() {
                    if x == '\\' {
                        c.bump();
                    } else if x == ch || x == '\n' {
                        break;
                    }
                }
            }
            '\n' if depth == 0 => return c.pos - 1,
            _ => {}
        }
    }
    src.len()
}

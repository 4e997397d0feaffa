//! Java string literals.
//!
//! Input: Java source. Output: [`Tok`]s for [`super::literal::fragments`].
//!
//! Knows `//` and `/* */` comments, `"..."` strings with escapes (`\s`, octal, `\uXXXX`),
//! char literals (skipped), `+` concatenation and text blocks `"""`. A text block's value
//! follows JLS 3.10.6: the content starts on the line after the opening delimiter; the
//! incidental indentation (the smallest indentation of the non-blank lines and of the
//! closing delimiter's line, if it stands alone) is stripped, as is trailing whitespace of
//! each line; line terminators become `\n`; then escapes are decoded (`\<newline>` joins
//! lines). Every kept character still maps to its true host position.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

fn opts() -> EscapeOpts {
    EscapeOpts {
        octal: true,
        java: true,
    }
}

/// The literal tokens of a Java file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    while let Some(ch) = c.peek() {
        if c.skip_c_comment(false) {
            continue;
        }
        match ch {
            '"' if c.starts_with("\"\"\"") => toks.push(Tok::Str(text_block(&mut c))),
            '"' => toks.push(Tok::Str(quoted(&mut c, '"'))),
            '\'' => {
                quoted(&mut c, '\'');
                toks.push(Tok::Other);
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
            _ if ch.is_alphanumeric() || ch == '_' || ch == '$' => {
                let start = c.pos;
                c.skip_word();
                if c.peek() == Some('$') {
                    c.bump();
                }
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

fn quoted(c: &mut Cursor, q: char) -> Lit {
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
        c.bump();
        if ch == '\\' {
            decode_escape(c, at, &mut units, opts());
            continue;
        }
        units.push(Unit::verbatim(ch, at));
    }
    Lit { units }
}

/// A text block at the cursor (on the first of its three quotes).
fn text_block(c: &mut Cursor) -> Lit {
    c.pos += 3;
    // The opening delimiter is followed by optional blanks and a line terminator.
    match c.rest().find('\n') {
        Some(i) => c.pos += i + 1,
        None => {
            c.pos = c.src.len();
            return Lit::default();
        }
    }
    let body_start = c.pos;
    // Find the closing `"""` (not escaped).
    let mut end = c.src.len();
    let mut close = c.src.len();
    while let Some(ch) = c.peek() {
        if ch == '\\' {
            c.bump();
            c.bump();
            continue;
        }
        if c.starts_with("\"\"\"") {
            end = c.pos;
            close = c.pos + 3;
            break;
        }
        c.bump();
    }
    c.pos = close;
    let body = &c.src[body_start..end];
    // Lines with their host start; the last one is the closing delimiter's line.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut off = body_start;
    for l in body.split('\n') {
        lines.push((off, l));
        off += l.len() + 1;
    }
    let indent_of = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let last = lines.len() - 1;
    let min_indent = lines
        .iter()
        .enumerate()
        .filter(|(i, (_, l))| !l.trim().is_empty() || *i == last)
        .map(|(_, (_, l))| indent_of(l.trim_end_matches('\r')))
        .min()
        .unwrap_or(0);
    // Strip, then decode escapes over the stripped text, keeping host positions.
    let mut kept: Vec<(usize, char)> = Vec::new();
    for (i, (start, l)) in lines.iter().enumerate() {
        let l = l.trim_end_matches('\r');
        let content = if l.trim().is_empty() {
            ""
        } else {
            l[min_indent.min(l.len())..].trim_end_matches([' ', '\t'])
        };
        let cstart = start + (l.len() - l.trim_start_matches([' ', '\t']).len()).min(min_indent);
        for (j, ch) in content.char_indices() {
            kept.push((cstart + j, ch));
        }
        if i != last {
            // The line terminator (the `\n`, after any `\r`).
            kept.push((start + l.len() + (lines[i].1.len() - l.len()), '\n'));
        }
    }
    let mut units = Vec::new();
    let mut k = 0;
    while k < kept.len() {
        let (at, ch) = kept[k];
        if ch == '\\' && k + 1 < kept.len() {
            let (next_at, next) = kept[k + 1];
            if next == '\n' {
                k += 2;
                continue;
            }
            // Decode from the host text: the escape is contiguous there.
            let mut sub = Cursor::new(c.src);
            sub.pos = at + 1;
            let before = units.len();
            decode_escape(&mut sub, at, &mut units, opts());
            let consumed_end = sub.pos;
            let _ = next_at;
            while k < kept.len() && kept[k].0 < consumed_end {
                k += 1;
            }
            if units.len() == before {
                k += 1;
            }
            continue;
        }
        units.push(Unit::verbatim(ch, at));
        k += 1;
    }
    Lit { units }
}

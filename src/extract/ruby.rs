//! Ruby string literals.
//!
//! Input: Ruby source. Output: [`Tok`]s for [`super::literal::fragments`].
//!
//! Knows `#` comments and `=begin`/`=end` blocks, `'...'` (only `\'` and `\\` escape),
//! `"..."` with escapes and `#{...}` interpolations, `%q`, `%Q` and `%` literals with any
//! delimiter (bracket pairs nest), `%w %i %r %x %s` literals (skipped), heredocs `<<ID`,
//! `<<-ID`, `<<~ID` (quoted ids: `'ID'` is raw, `"ID"` interpolates). A squiggly heredoc
//! loses its common indentation (the least indentation of its non-blank lines), and every
//! kept character maps to its true host position. The heredoc body starts on the line after
//! its opener; the rest of the opener's line is lexed normally, and the body is skipped
//! when the lexer reaches it. Regex literals `/.../` are skipped with the JS heuristic.

use super::literal::{decode_escape, Cursor, EscapeOpts, Lit, Tok, Unit};

fn opts() -> EscapeOpts {
    EscapeOpts {
        octal: true,
        java: false,
    }
}

/// The literal tokens of a Ruby file.
pub fn lex(src: &str) -> Vec<Tok> {
    let mut c = Cursor::new(src);
    let mut toks = Vec::new();
    // Heredoc bodies still to skip: (start, end) host ranges, in order.
    let mut bodies: Vec<(usize, usize)> = Vec::new();
    let mut expr_end = false;
    let mut line_start = true;
    while let Some(ch) = c.peek() {
        if line_start && c.starts_with("=begin") {
            // Skip to a line starting with `=end`.
            match c.rest().find("\n=end") {
                Some(i) => {
                    c.pos += i + 1;
                    c.skip_line();
                }
                None => c.pos = c.src.len(),
            }
            continue;
        }
        line_start = false;
        match ch {
            '#' => c.skip_line(),
            '\n' => {
                c.bump();
                line_start = true;
                while let Some(&(s, e)) = bodies.first() {
                    if s > c.pos {
                        break;
                    }
                    c.pos = e.max(c.pos);
                    bodies.remove(0);
                }
                // A newline ends a statement unless a `+` or `\` continues it.
                expr_end = false;
                toks.push(Tok::Other);
            }
            '\\' if c.peek_at(1) == Some('\n') => {
                c.pos += 2;
            }
            '\'' => {
                toks.push(Tok::Str(single(&mut c, '\'', '\'')));
                expr_end = true;
            }
            '"' => {
                toks.push(Tok::Str(double(&mut c, '"', '"')));
                expr_end = true;
            }
            '`' => {
                double(&mut c, '`', '`');
                toks.push(Tok::Other);
                expr_end = true;
            }
            '%' if !expr_end => {
                toks.push(percent(&mut c));
                expr_end = true;
            }
            '<' if c.starts_with("<<") && heredoc_opener(&c).is_some() => {
                let (squiggly, dash, interp, id, open_end) = match heredoc_opener(&c) {
                    Some(h) => h,
                    None => break,
                };
                c.pos = open_end;
                // The body starts after the opener's line, or after the previous body.
                let body_start = match bodies.last() {
                    Some(&(_, e)) => e,
                    None => c
                        .rest()
                        .find('\n')
                        .map(|i| c.pos + i + 1)
                        .unwrap_or(c.src.len()),
                };
                let (lit, body_end) =
                    heredoc(c.src, body_start, &id, squiggly || dash, squiggly, interp);
                bodies.push((body_start, body_end));
                toks.push(Tok::Str(lit));
                // Only another heredoc joins after a heredoc: a `+ "x"` on the opener's line
                // stands before the body in the file, and fragments map forwards only.
                let line_rest = c.rest().split('\n').next().unwrap_or("");
                let heredoc_follows = line_rest
                    .trim_start()
                    .strip_prefix('+')
                    .and_then(|r| r.trim_start().strip_prefix("<<"))
                    .map(|r| r.strip_prefix(['~', '-']).unwrap_or(r))
                    .and_then(|r| r.chars().next())
                    .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '\'' | '"'));
                if !heredoc_follows {
                    toks.push(Tok::Other);
                }
                expr_end = true;
            }
            '+' => {
                c.bump();
                if c.peek() == Some('=') {
                    // `+=`: reported so that a string grown by it is followed.
                    c.bump();
                    toks.push(Tok::Punct('+', c.pos - 2));
                    toks.push(Tok::Punct('=', c.pos - 1));
                } else {
                    toks.push(Tok::Plus);
                }
                // `+` at a line end continues the expression: drop the newline's breaker.
                expr_end = false;
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
            '?' if !expr_end && c.peek_at(1).is_some_and(|x| !x.is_whitespace()) => {
                // `?x` character literal.
                c.bump();
                if c.peek() == Some('\\') {
                    c.bump();
                }
                c.bump();
                toks.push(Tok::Other);
                expr_end = true;
            }
            _ if ch.is_alphanumeric() || ch == '_' || ch == '@' || ch == '$' => {
                let start = c.pos;
                c.bump();
                c.skip_word();
                if matches!(c.peek(), Some('?') | Some('!')) && c.peek_at(1) != Some('=') {
                    c.bump();
                }
                toks.push(Tok::Word(start, c.pos));
                expr_end = true;
            }
            _ if ch.is_whitespace() => {
                c.bump();
            }
            ')' | ']' | '}' => {
                toks.push(Tok::Punct(ch, c.pos));
                c.bump();
                expr_end = true;
            }
            _ => {
                toks.push(Tok::Punct(ch, c.pos));
                c.bump();
                expr_end = false;
            }
        }
    }
    drop_continued_newlines(toks)
}

/// A `Plus` followed by newline breakers continues onto the next line.
fn drop_continued_newlines(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for t in toks {
        if matches!(t, Tok::Other) && matches!(out.last(), Some(Tok::Plus)) {
            continue;
        }
        out.push(t);
    }
    out
}

/// `<<ID`, `<<-ID`, `<<~ID`, `<<~'ID'`, `<<~"ID"` at the cursor: (squiggly, dash,
/// interpolates, id, end of the opener).
fn heredoc_opener(c: &Cursor) -> Option<(bool, bool, bool, String, usize)> {
    let r = c.rest().get(2..)?;
    let (squiggly, dash, r, skip) = match r.chars().next()? {
        '~' => (true, false, &r[1..], 3),
        '-' => (false, true, &r[1..], 3),
        _ => (false, false, r, 2),
    };
    let q = r.chars().next()?;
    if q == '\'' || q == '"' {
        let close = r[1..].find(q)?;
        let id = &r[1..1 + close];
        if id.is_empty() || id.contains('\n') {
            return None;
        }
        return Some((
            squiggly,
            dash,
            q == '"',
            id.to_string(),
            c.pos + skip + close + 2,
        ));
    }
    let len = r
        .find(|x: char| !(x.is_ascii_alphanumeric() || x == '_'))
        .unwrap_or(r.len());
    let id = &r[..len];
    // A bare id must look like a heredoc tag (`SQL`, `EOS`), not `x <<y` shifting.
    if !id.starts_with(|x: char| x.is_ascii_uppercase()) || (!squiggly && !dash && id.len() < 2) {
        return None;
    }
    Some((squiggly, dash, true, id.to_string(), c.pos + skip + len))
}

/// The body of a heredoc starting at `start`: its value and the end (exclusive) of the
/// terminator line.
fn heredoc(
    src: &str,
    start: usize,
    id: &str,
    indented_end: bool,
    squiggly: bool,
    interp: bool,
) -> (Lit, usize) {
    // Collect body lines up to the terminator.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut off = start;
    let mut end = src.len();
    while off < src.len() {
        let line_end = src[off..]
            .find('\n')
            .map(|i| off + i + 1)
            .unwrap_or(src.len());
        let line = &src[off..line_end];
        let bare = line.trim_end_matches(['\n', '\r']);
        let candidate = if indented_end {
            bare.trim_start()
        } else {
            bare
        };
        if candidate == id {
            end = line_end;
            break;
        }
        lines.push((off, line));
        off = line_end;
    }
    let indent_of = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let strip = if squiggly {
        lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| indent_of(l))
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let mut units = Vec::new();
    for (lstart, line) in lines {
        let cut = strip.min(indent_of(line));
        let from = lstart + cut;
        let to = lstart + line.len();
        if interp {
            let mut c = Cursor::new(&src[..to]);
            c.pos = from;
            body_units(&mut c, None, &mut units);
        } else {
            for (j, ch) in line[cut..].char_indices() {
                units.push(Unit::verbatim(ch, from + j));
            }
        }
    }
    (Lit { units }, end)
}

/// Decode a double-quoted body at the cursor up to `close` (or the end of the cursor's
/// text): escapes and `#{...}` interpolations. Bracket `open`/`close` pairs nest.
fn body_units(c: &mut Cursor, delims: Option<(char, char)>, units: &mut Vec<Unit>) {
    let mut depth = 0usize;
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if let Some((open, close)) = delims {
            if ch == close && depth == 0 {
                c.bump();
                return;
            }
            if open != close {
                if ch == open {
                    depth += 1;
                } else if ch == close {
                    depth -= 1;
                }
            }
        }
        if ch == '\\' {
            c.bump();
            if c.peek() == Some('\n') {
                c.bump();
                continue;
            }
            decode_escape(c, at, units, opts());
            continue;
        }
        if c.starts_with("#{") {
            c.pos += 2;
            skip_interpolation(c);
            units.push(Unit::Interp {
                host: at,
                host_len: c.pos - at,
            });
            continue;
        }
        units.push(Unit::verbatim(ch, at));
        c.bump();
    }
}

/// Skip the body of `#{...}` (cursor after `#{`), through the closing `}`.
fn skip_interpolation(c: &mut Cursor) {
    let mut depth = 0usize;
    while let Some(ch) = c.bump() {
        match ch {
            '{' => depth += 1,
            '}' => {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            // `double`/`single` expect the cursor on the quote: step back onto it.
            '"' => {
                c.pos -= 1;
                double(c, '"', '"');
            }
            '\'' => {
                c.pos -= 1;
                single(c, '\'', '\'');
            }
            _ => {}
        }
    }
}

/// A single-quoted body (cursor on the opening delimiter, or just after it when called
/// from an interpolation): only `\\` and `\<close>` escape.
fn single(c: &mut Cursor, open: char, close: char) -> Lit {
    if c.peek() == Some(open) {
        c.bump();
    }
    let mut units = Vec::new();
    let mut depth = 0usize;
    while let Some(ch) = c.peek() {
        let at = c.pos;
        if ch == close && depth == 0 {
            c.bump();
            break;
        }
        if open != close {
            if ch == open {
                depth += 1;
            } else if ch == close {
                depth -= 1;
            }
        }
        c.bump();
        if ch == '\\' && matches!(c.peek(), Some(x) if x == '\\' || x == close || x == open) {
            let x = c.peek().unwrap_or('\\');
            c.bump();
            units.push(Unit::Char {
                ch: x,
                host: at,
                host_len: 2,
            });
            continue;
        }
        units.push(Unit::verbatim(ch, at));
    }
    Lit { units }
}

/// A double-quoted body (cursor on the opening delimiter, or just after it).
fn double(c: &mut Cursor, open: char, close: char) -> Lit {
    if c.peek() == Some(open) {
        c.bump();
    }
    let mut units = Vec::new();
    body_units(c, Some((open, close)), &mut units);
    Lit { units }
}

/// A `%` literal at the cursor: `%q(..)`, `%Q(..)`, `%(..)` are strings; `%w %i %r %x %s
/// %W %I` are skipped; anything else (`a % b`) is the operator.
fn percent(c: &mut Cursor) -> Tok {
    let kind = c.peek_at(1);
    let (kind, delim_at) = match kind {
        Some(k @ ('q' | 'Q' | 'w' | 'W' | 'i' | 'I' | 'r' | 'x' | 's')) => (k, 2),
        Some(d) if !d.is_alphanumeric() && !d.is_whitespace() && d != '=' => ('Q', 1),
        _ => {
            c.bump();
            return Tok::Other;
        }
    };
    let Some(open) = c.peek_at(delim_at) else {
        c.bump();
        return Tok::Other;
    };
    if open.is_alphanumeric() || open.is_whitespace() {
        c.bump();
        return Tok::Other;
    }
    let close = match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        x => x,
    };
    c.pos += 1 + if delim_at == 2 { kind.len_utf8() } else { 0 };
    match kind {
        'q' => Tok::Str(single(c, open, close)),
        'Q' => Tok::Str(double(c, open, close)),
        _ => {
            single(c, open, close);
            Tok::Other
        }
    }
}

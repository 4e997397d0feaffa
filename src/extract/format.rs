//! What the host file says around a built query: operands, format arguments, constants.
//!
//! Input: the [`Tok`]s of one host file (lexers that report words and punctuation).
//! Output, for [`super::literal::fragments`]:
//! - [`operand_end`]: where a simple operand of a `+` chain ends (`name`, `a.b`, `f(x)`,
//!   `m[k]`, `(expr)`), bounded to [`MAX_OPERAND`] tokens.
//! - [`call_args`]: the arguments a format call gives to the string's placeholders:
//!   Python `sql % (a, b)` and `sql.format(a, name=b)`, Java `sql.formatted(a)` and
//!   `String.format(sql, a)`, Go `fmt.Sprintf(sql, a)`, Rust `format!(sql, a)`.
//! - [`constants`]: string constants the file declares once (`TABLE = "users"`, Go
//!   `const`, Java `static final String`, TS `const`, Ruby `TABLE = '...'`, Rust
//!   `const T: &str = "..."`). A name assigned twice is ambiguous and never resolves.
//!
//! Nothing here evaluates code: an operand that is not a plain name has no value, and a
//! hole it fills stays unknown.

use super::literal::{Tok, Unit};
use super::HostLang;
use std::collections::HashMap;
use std::ops::Range;

/// The longest operand (in tokens) taken as one piece of a `+` chain.
pub const MAX_OPERAND: usize = 200;

/// Arguments of the format call around a string: host ranges of their expressions.
#[derive(Debug, Clone, Default)]
pub struct FormatArgs {
    pub positional: Vec<Range<usize>>,
    pub named: Vec<(String, Range<usize>)>,
}

impl FormatArgs {
    pub fn is_empty(&self) -> bool {
        self.positional.is_empty() && self.named.is_empty()
    }
}

/// String constants of one file: name -> value, `None` when assigned more than once.
#[derive(Debug, Clone, Default)]
pub struct Constants {
    values: HashMap<String, Option<String>>,
}

impl Constants {
    /// The value of a name (`TABLE`), or of the last segment of a path (`self.TABLE`,
    /// `Users.TABLE`), when the file declares it exactly once.
    pub fn get(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        if let Some(Some(v)) = self.values.get(name) {
            return Some(v);
        }
        let last = name.rsplit(['.', ':']).next()?;
        if last != name && !last.is_empty() {
            if let Some(Some(v)) = self.values.get(last) {
                return Some(v);
            }
        }
        None
    }

    /// Record `name = value` (a second assignment makes the name ambiguous).
    pub fn insert(&mut self, name: &str, value: String) {
        self.values
            .entry(name.to_string())
            .and_modify(|v| {
                if v.as_deref() != Some(value.as_str()) {
                    *v = None;
                }
            })
            .or_insert(Some(value));
    }
}

pub(super) fn word<'a>(toks: &[Tok], i: usize, src: &'a str) -> Option<&'a str> {
    match toks.get(i) {
        Some(Tok::Word(s, e)) => src.get(*s..*e),
        _ => None,
    }
}

pub(super) fn punct(toks: &[Tok], i: usize) -> Option<char> {
    match toks.get(i) {
        Some(Tok::Punct(c, _)) => Some(*c),
        _ => None,
    }
}

/// Host start and end of token `i` (a string's first and last unit).
pub(super) fn tok_span(toks: &[Tok], i: usize) -> Option<(usize, usize)> {
    match toks.get(i)? {
        Tok::Word(s, e) => Some((*s, *e)),
        Tok::Punct(c, p) => Some((*p, p + c.len_utf8())),
        Tok::Str(lit) => {
            let host = |u: &Unit| match u {
                Unit::Char { host, host_len, .. } | Unit::Interp { host, host_len } => {
                    (*host, host + host_len)
                }
            };
            let a = lit.units.first().map(host)?;
            let b = lit.units.last().map(host)?;
            Some((a.0, b.1))
        }
        _ => None,
    }
}

/// Host `(start, len)` of tokens `i..e`.
pub fn span(toks: &[Tok], i: usize, e: usize) -> (usize, usize) {
    let start = (i..e).find_map(|k| tok_span(toks, k)).map(|s| s.0);
    let end = (i..e).rev().find_map(|k| tok_span(toks, k)).map(|s| s.1);
    match (start, end) {
        (Some(s), Some(e)) if e >= s => (s, e - s),
        (Some(s), _) => (s, 0),
        _ => (0, 0),
    }
}

/// An unknown continuation of a string at token `j` (a `+` followed by something idxlint
/// cannot take as an operand): a zero-width interpolation where that piece starts.
pub fn unknown_after(toks: &[Tok], j: usize) -> Unit {
    let at = (0..=j)
        .rev()
        .find_map(|k| tok_span(toks, k).map(|s| if k == j { s.0 } else { s.1 }))
        .unwrap_or(0);
    Unit::Interp {
        host: at,
        host_len: 0,
    }
}

/// An unknown continuation right after the last token of `toks[..end]`.
pub fn unknown_at_end(toks: &[Tok], end: usize) -> Unit {
    let at = (0..end)
        .rev()
        .find_map(|k| tok_span(toks, k).map(|s| s.1))
        .unwrap_or(0);
    Unit::Interp {
        host: at,
        host_len: 0,
    }
}

/// End (exclusive) of a balanced bracket group opening at `i`.
fn group_end(toks: &[Tok], i: usize, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = i;
    while k < toks.len() && k < limit {
        match &toks[k] {
            Tok::Punct('(' | '[' | '{', _) => depth += 1,
            Tok::Punct(')' | ']' | '}', _) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            Tok::Other => return None,
            _ => {}
        }
        k += 1;
    }
    None
}

/// End (exclusive) of a simple operand starting at `i`: a name or number followed by
/// `.name`, `(args)`, `[index]`, `!` (Rust macros); or a parenthesized expression.
pub fn operand_end(toks: &[Tok], i: usize) -> Option<usize> {
    let limit = i.saturating_add(MAX_OPERAND);
    let k = match toks.get(i)? {
        Tok::Word(..) => i + 1,
        Tok::Punct('(', _) => group_end(toks, i, limit)?,
        _ => return None,
    };
    operand_tail(toks, k, limit)
}

/// End (exclusive) of a string literal at `i` that a method is called on (`" AND
/// ".join(conds)`, `"{}".format(x)`): the call makes it an operand, not text.
pub fn method_on_literal_end(toks: &[Tok], i: usize) -> Option<usize> {
    let called = matches!(toks.get(i), Some(Tok::Str(_)))
        && matches!(toks.get(i + 1), Some(Tok::Punct('.', _)))
        && matches!(toks.get(i + 2), Some(Tok::Word(..)))
        && matches!(toks.get(i + 3), Some(Tok::Punct('(', _)));
    if !called {
        return None;
    }
    operand_tail(toks, i + 1, i.saturating_add(MAX_OPERAND))
}

/// The end of `.name`, `(args)`, `[index]` suffixes from `k`.
fn operand_tail(toks: &[Tok], mut k: usize, limit: usize) -> Option<usize> {
    loop {
        match toks.get(k) {
            Some(Tok::Punct('.', _)) if matches!(toks.get(k + 1), Some(Tok::Word(..))) => k += 2,
            Some(Tok::Punct('(' | '[', _)) => k = group_end(toks, k, limit)?,
            _ => break,
        }
        if k > limit {
            return None;
        }
    }
    Some(k)
}

/// Whether a `+` chain starts with the operand at `i` (`cols + " FROM t"`).
pub fn leading_operand(toks: &[Tok], i: usize) -> bool {
    if i > 0 && matches!(toks.get(i - 1), Some(Tok::Plus | Tok::Punct('.', _))) {
        return false;
    }
    match operand_end(toks, i) {
        Some(e) => {
            matches!(toks.get(e), Some(Tok::Plus)) && matches!(toks.get(e + 1), Some(Tok::Str(_)))
        }
        None => false,
    }
}

/// Split the group `(`...`)` opening at `open` into top-level comma-separated arguments.
fn args_in(toks: &[Tok], open: usize, src: &str, args: &mut FormatArgs) {
    let Some(end) = group_end(toks, open, open.saturating_add(10 * MAX_OPERAND)) else {
        return;
    };
    let mut depth = 0usize;
    let mut start = open + 1;
    let close = end - 1;
    let push = |a: usize, b: usize, args: &mut FormatArgs| {
        if a >= b {
            return;
        }
        // `name=expr` (Python keyword argument).
        if let (Some(name), Some('=')) = (word(toks, a, src), punct(toks, a + 1)) {
            if punct(toks, a + 2) != Some('=') && a + 2 < b {
                let (h, l) = span(toks, a + 2, b);
                args.named.push((name.to_string(), h..h + l));
                return;
            }
        }
        let (h, l) = span(toks, a, b);
        args.positional.push(h..h + l);
    };
    for (k, tok) in toks.iter().enumerate().take(close).skip(open + 1) {
        match tok {
            Tok::Punct('(' | '[' | '{', _) => depth += 1,
            Tok::Punct(')' | ']' | '}', _) => depth = depth.saturating_sub(1),
            Tok::Punct(',', _) if depth == 0 => {
                push(start, k, args);
                start = k + 1;
            }
            _ => {}
        }
    }
    push(start, close, args);
}

/// Functions whose first argument is a format string and the rest its arguments.
pub(super) const FORMAT_FUNCS: &[&str] = &["Sprintf", "Errorf", "format", "Sprint"];

/// The arguments of the format call around the string chain `toks[i..end]`.
pub fn call_args(toks: &[Tok], i: usize, end: usize, src: &str) -> FormatArgs {
    let mut args = FormatArgs::default();
    // `fmt.Sprintf(sql, a)`, `String.format(sql, a)`, `format!(sql, a)`.
    let mut k = i;
    if k > 0 && punct(toks, k - 1) == Some('(') {
        k -= 1;
        let bang = k > 0 && punct(toks, k - 1) == Some('!');
        let name_at = if bang {
            k.checked_sub(2)
        } else {
            k.checked_sub(1)
        };
        let named = name_at.and_then(|n| word(toks, n, src));
        if named.is_some_and(|w| FORMAT_FUNCS.contains(&w)) && punct(toks, end) == Some(',') {
            // Reuse the splitter: arguments after the string are the group minus its first.
            let mut all = FormatArgs::default();
            args_in(toks, k, src, &mut all);
            args.positional = all.positional.into_iter().skip(1).collect();
            args.named = all.named;
            return args;
        }
    }
    // `sql.SQL("...").format(...)`: the string is the only argument of a wrapper call.
    let mut end = end;
    if punct(toks, end) == Some(')')
        && punct(toks, end + 1) == Some('.')
        && matches!(word(toks, end + 2, src), Some("format" | "formatted"))
    {
        end += 1;
        return match punct(toks, end + 2) {
            Some('(') => {
                args_in(toks, end + 2, src, &mut args);
                args
            }
            _ => args,
        };
    }
    match (punct(toks, end), word(toks, end + 1, src)) {
        // `sql.format(a, name=b)`, `sql.formatted(a)`.
        (Some('.'), Some("format" | "formatted")) if punct(toks, end + 2) == Some('(') => {
            args_in(toks, end + 2, src, &mut args);
        }
        // `sql % (a, b)`, `sql % value`.
        (Some('%'), _) => {
            if punct(toks, end + 1) == Some('(') {
                args_in(toks, end + 1, src, &mut args);
            } else if let Some(e) = operand_end(toks, end + 1) {
                let (h, l) = span(toks, end + 1, e);
                args.positional.push(h..h + l);
            }
        }
        _ => {}
    }
    args
}

/// Words that may sit between a constant's name and its `=` as its type.
const STRING_TYPES: &[&str] = &["string", "str", "String"];

/// The string constants `toks` declares.
pub fn constants(lang: HostLang, toks: &[Tok], src: &str) -> Constants {
    let mut out = Constants::default();
    for k in 1..toks.len() {
        if punct(toks, k) != Some('=') {
            continue;
        }
        // Not `==`, `!=`, `<=`, `>=`, `:=`, `+=`, `=>`.
        if matches!(punct(toks, k - 1), Some('=' | '!' | '<' | '>' | ':' | '+'))
            || matches!(punct(toks, k + 1), Some('=' | '>'))
        {
            continue;
        }
        let Some(Tok::Str(lit)) = toks.get(k + 1) else {
            continue;
        };
        // A single literal, not the start of a chain or a call.
        if matches!(
            toks.get(k + 2),
            Some(Tok::Plus | Tok::Str(_) | Tok::Punct('.' | '%' | '(' | '[', _))
        ) {
            continue;
        }
        let mut n = k - 1;
        if word(toks, n, src).is_some_and(|w| STRING_TYPES.contains(&w)) {
            n = n.saturating_sub(1);
            if punct(toks, n) == Some('&') {
                n = n.saturating_sub(1);
            }
            if punct(toks, n) == Some(':') {
                n = n.saturating_sub(1);
            } else if lang != HostLang::Go {
                // Java's `String NAME = ...` was handled by taking the word before `=`.
                n = k - 1;
            }
        }
        let Some(name) = word(toks, n, src) else {
            continue;
        };
        if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        if lit.units.iter().any(|u| matches!(u, Unit::Interp { .. })) {
            continue;
        }
        let value: String = lit
            .units
            .iter()
            .filter_map(|u| match u {
                Unit::Char { ch, .. } => Some(*ch),
                Unit::Interp { .. } => None,
            })
            .collect();
        out.insert(name, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{go, python};

    #[test]
    fn python_constants_once_and_twice() {
        let src = "TABLE = \"users\"\nCOLS: str = 'id, name'\nX = 'a'\nX = 'b'\nY = 'c' + z\n";
        let c = constants(HostLang::Python, &python::lex(src), src);
        assert_eq!(c.get("TABLE"), Some("users"));
        assert_eq!(c.get("self.TABLE"), Some("users"));
        assert_eq!(c.get("COLS"), Some("id, name"));
        assert_eq!(c.get("X"), None);
        assert_eq!(c.get("Y"), None);
    }

    #[test]
    fn go_typed_const() {
        let src = "const (\n\tnoteTable string = \"notes\"\n\tcols = `id, body`\n)\n";
        let c = constants(HostLang::Go, &go::lex(src), src);
        assert_eq!(c.get("noteTable"), Some("notes"));
        assert_eq!(c.get("cols"), Some("id, body"));
    }

    #[test]
    fn python_format_arguments() {
        let src = "q = \"SELECT {c} FROM t WHERE a = %s\".format(c=COLS, d=f(x, y))";
        let toks = python::lex(src);
        let i = toks
            .iter()
            .position(|t| matches!(t, Tok::Str(_)))
            .unwrap_or(0);
        let args = call_args(&toks, i, i + 1, src);
        let named: Vec<(&str, &str)> = args
            .named
            .iter()
            .map(|(n, r)| (n.as_str(), &src[r.clone()]))
            .collect();
        assert_eq!(named, vec![("c", "COLS"), ("d", "f(x, y)")]);
    }
}

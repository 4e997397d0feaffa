//! Shared pieces of the host extractors: decoded string literals and their joining.
//!
//! Input: the literals a host lexer found, as [`Lit`]s: a sequence of [`Unit`]s, each one
//! character of the string's value (or one interpolation) with the host byte span it came
//! from. Output: [`Fragment`]s built by [`build_fragment`].
//!
//! Invariants: a unit copied verbatim has `host_len == ch.len_utf8()` and maps to exactly
//! its host bytes; a decoded escape (`\n`, `\u00e9`) or a rewritten placeholder is
//! synthetic and maps to the start of the host span it stands for. Host offsets are always
//! char boundaries of the host text because the lexers only cut between characters.

use super::hole::Hole;
use super::naming::{self, Naming};
use super::{format, grow, placeholder, sqlness, Fragment, FragmentKind, HostLang, OffsetMap};

/// One character of a literal's value, or one interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A character and the host bytes it came from (its own bytes, or an escape sequence).
    Char {
        ch: char,
        host: usize,
        host_len: usize,
    },
    /// An interpolation (`${x}`, `{x}`, `#{x}`) covering `host_len` bytes at `host`.
    Interp { host: usize, host_len: usize },
}

impl Unit {
    /// A character copied verbatim from `host`.
    pub fn verbatim(ch: char, host: usize) -> Unit {
        Unit::Char {
            ch,
            host,
            host_len: ch.len_utf8(),
        }
    }
}

/// A string literal of the host file, decoded.
#[derive(Debug, Clone, Default)]
pub struct Lit {
    pub units: Vec<Unit>,
}

/// What a host lexer reports, in source order; whitespace and comments are not reported.
#[derive(Debug, Clone)]
pub enum Tok {
    /// A text string literal (byte strings are reported as [`Tok::Other`]).
    Str(Lit),
    /// A `+` operator.
    Plus,
    /// An identifier, keyword or number: its host byte range (lexers that report words;
    /// the others report [`Tok::Other`]).
    Word(usize, usize),
    /// One punctuation character and its host offset (lexers that report punctuation).
    Punct(char, usize),
    /// A line continuation or anything else that is transparent for implicit
    /// concatenation (not used by every language).
    Other,
}

/// How a language joins adjacent literals.
#[derive(Debug, Clone, Copy)]
pub struct JoinRules {
    /// `"a" "b"` is one string (Python, Ruby).
    pub adjacent: bool,
    /// `"a" + "b"` is one string.
    pub plus: bool,
}

/// Join literal tokens into strings, keep those that look like SQL, and build fragments.
///
/// A `+` chain joins literals and simple operands (`name`, `a.b`, `f(x)`, `m[k]`, a
/// parenthesized expression): each operand is an interpolation, later classified as a
/// hole by its position. When a `+` is followed by something that is not an operand, the
/// string is marked as continuing with an unknown piece there, so a truncated query is
/// never analyzed as a whole one. Format calls around the string (Python `%` and
/// `.format(...)`, Java `.formatted(...)` and `String.format`, Go `fmt.Sprintf`, Rust
/// `format!`) give their arguments to the string's placeholders (see
/// [`super::format`]).
pub fn fragments(
    lang: HostLang,
    toks: Vec<Tok>,
    rules: JoinRules,
    src: &str,
    naming: &Naming,
) -> Vec<Fragment> {
    let consts = format::constants(lang, &toks, src);
    let names = naming::bindings(naming, &toks, src);
    let host = grow::Host {
        lang,
        toks: &toks,
        src,
        rules,
        lines: grow::Lines::new(src),
    };
    let mut out = Vec::new();
    // Tokens joined into an earlier query (`q += "..."`): not a query of their own.
    let mut consumed = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        let starts = match &toks[i] {
            _ if consumed[i] => false,
            Tok::Str(_) => true,
            Tok::Word(..) if rules.plus => format::leading_operand(&toks, i),
            _ => false,
        };
        if !starts {
            i += 1;
            continue;
        }
        let joined =
            grow::join_call(&toks, i, src, rules).or_else(|| grow::join_list(&toks, i, src, rules));
        let (mut units, end, start) = match joined {
            Some(joined) => joined,
            None => {
                let (units, end) = chain(&toks, i, rules);
                (units, end, i)
            }
        };
        // What code adds to the same variable later (`q += ...`, `sb.append(...)`).
        let base = units.len();
        let mut growth = grow::follow(&host, start, end, &mut units);
        if !grow::in_order(&units) {
            // Misread growth: keep the string as written, ending unknown.
            units.truncate(base);
            grow::end_unknown(&mut units);
            growth = grow::Growth::default();
        }
        let args = format::call_args(&toks, i, end, src);
        let cx = placeholder::Context {
            src,
            consts: &consts,
            args: &args,
            names: &names,
            optional: &growth.optional,
        };
        if let Some(f) = build_fragment_with(lang, &units, &cx) {
            for r in growth.consumed {
                for c in consumed.iter_mut().take(r.end).skip(r.start) {
                    *c = true;
                }
            }
            out.push(f);
        }
        i = end.max(i + 1);
    }
    out
}

/// The units of the string chain starting at `toks[i]`, and the index after it.
pub(super) fn chain(toks: &[Tok], i: usize, rules: JoinRules) -> (Vec<Unit>, usize) {
    let mut units: Vec<Unit> = Vec::new();
    let mut j = i;
    let mut after_plus = false;
    loop {
        match toks.get(j) {
            // `... + " AND ".join(conds)`: the literal is the receiver of a call, an operand.
            Some(Tok::Str(_))
                if j > i
                    && matches!(toks.get(j - 1), Some(Tok::Plus))
                    && format::method_on_literal_end(toks, j).is_some() =>
            {
                let e = format::method_on_literal_end(toks, j).unwrap_or(j + 1);
                let (h, l) = format::span(toks, j, e);
                units.push(Unit::Interp {
                    host: h,
                    host_len: l,
                });
                j = e;
            }
            Some(Tok::Str(lit)) => {
                units.extend(lit.units.iter().copied());
                j += 1;
            }
            Some(Tok::Word(..) | Tok::Punct('(', _)) if rules.plus => {
                match format::operand_end(toks, j) {
                    Some(e) => {
                        let (h, l) = format::span(toks, j, e);
                        units.push(Unit::Interp {
                            host: h,
                            host_len: l,
                        });
                        j = e;
                    }
                    None => {
                        units.push(format::unknown_after(toks, j));
                        break;
                    }
                }
            }
            _ => {
                if after_plus {
                    units.push(format::unknown_after(toks, j));
                }
                break;
            }
        }
        match toks.get(j) {
            Some(Tok::Str(_)) if rules.adjacent && matches!(toks.get(j - 1), Some(Tok::Str(_))) => {
                after_plus = false;
            }
            Some(Tok::Plus) if rules.plus => {
                j += 1;
                after_plus = true;
            }
            _ => break,
        }
    }
    (units, j)
}

/// The fragment of one joined string, if it looks like SQL (no file context: nothing
/// resolves, placeholders are classified by position only).
pub fn build_fragment(lang: HostLang, units: &[Unit]) -> Option<Fragment> {
    let consts = format::Constants::default();
    let args = format::FormatArgs::default();
    let names = naming::Bindings::default();
    let cx = placeholder::Context {
        src: "",
        consts: &consts,
        args: &args,
        names: &names,
        optional: &[],
    };
    build_fragment_with(lang, units, &cx)
}

/// The fragment of one joined string, if it looks like SQL, with the file's constants and
/// the format call's arguments for its holes.
pub fn build_fragment_with(
    lang: HostLang,
    units: &[Unit],
    cx: &placeholder::Context,
) -> Option<Fragment> {
    if !sqlness::looks_like_sql(&plain_text(units)) {
        return None;
    }
    let rw = placeholder::rewrite_with(units, cx);
    let mut text = String::new();
    let mut map = OffsetMap::default();
    let mut starts = Vec::with_capacity(rw.out.len() + 1);
    for u in rw.out {
        starts.push(text.len());
        match u {
            placeholder::Out::Char { ch, host, host_len } => {
                let frag = text.len();
                text.push(ch);
                if host_len == ch.len_utf8() {
                    map.push_verbatim(frag, host, host_len);
                } else {
                    map.push_synthetic(frag, ch.len_utf8(), host, host_len);
                }
            }
            placeholder::Out::Synth { ch, host, host_len } => {
                let frag = text.len();
                text.push(ch);
                map.push_synthetic(frag, ch.len_utf8(), host, host_len);
            }
            placeholder::Out::Param { n, host, host_len } => {
                let frag = text.len();
                text.push('$');
                text.push_str(&n.to_string());
                map.push_synthetic(frag, text.len() - frag, host, host_len);
            }
        }
    }
    starts.push(text.len());
    let holes = rw
        .holes
        .into_iter()
        .map(|h| {
            let at = |k: usize| starts.get(k).copied().unwrap_or(text.len());
            Hole {
                kind: h.kind,
                region: h.region,
                frag: at(h.out.start)..at(h.out.end),
                host: h.host,
                label: h.label,
                resolved: h.resolved,
            }
        })
        .collect();
    Some(Fragment {
        text,
        map,
        kind: FragmentKind::HostString(lang),
        holes,
    })
}

/// The text of a joined string for the SQL-likeness check: a leading hole (`{cte} SELECT`)
/// is dropped, and every other hole or `{name}` format placeholder reads as a name.
fn plain_text(units: &[Unit]) -> String {
    let mut plain = String::new();
    let mut brace = false;
    for u in units {
        match u {
            Unit::Interp { .. } if plain.trim().is_empty() => plain.clear(),
            Unit::Interp { .. } => plain.push_str("hole_name"),
            Unit::Char { ch: '{', .. } => {
                brace = true;
                plain.push_str("hole_name");
            }
            Unit::Char { ch: '}', .. } if brace => brace = false,
            Unit::Char { ch, .. } if brace && (ch.is_whitespace() || *ch == '\'') => {
                brace = false;
                plain.push(*ch);
            }
            Unit::Char { .. } if brace => {}
            Unit::Char { ch, .. } => plain.push(*ch),
        }
    }
    plain
}

/// A cursor over host text, shared by the lexers.
pub struct Cursor<'a> {
    pub src: &'a str,
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Cursor { src, pos: 0 }
    }
    pub fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }
    pub fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().nth(n))
    }
    pub fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }
    pub fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }
    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    pub fn eof(&self) -> bool {
        self.pos >= self.src.len()
    }
    /// Skip to the end of the line (not past the newline).
    pub fn skip_line(&mut self) {
        match self.rest().find('\n') {
            Some(i) => self.pos += i,
            None => self.pos = self.src.len(),
        }
    }
    /// Skip a `/regex/flags` literal at the cursor (on the `/`), knowing `\` escapes and
    /// `[...]` classes; stops at the end of the line.
    pub fn skip_regex(&mut self) {
        self.bump();
        let mut class = false;
        while let Some(ch) = self.peek() {
            match ch {
                '\n' => return,
                '\\' => {
                    self.bump();
                }
                '[' => class = true,
                ']' => class = false,
                '/' if !class => {
                    self.bump();
                    self.skip_word();
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Skip a `//` line comment or a `/* */` block comment (nested when `nested`, as in
    /// Rust) at the cursor; whether there was one.
    pub fn skip_c_comment(&mut self, nested: bool) -> bool {
        if self.starts_with("//") {
            self.skip_line();
            true
        } else if self.starts_with("/*") {
            self.skip_block_comment(nested);
            true
        } else {
            false
        }
    }
    /// Skip a `/* */` comment starting at the cursor, nested if `nested`.
    pub fn skip_block_comment(&mut self, nested: bool) {
        self.pos += 2;
        let mut depth = 1usize;
        while !self.eof() {
            if self.starts_with("*/") {
                self.pos += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if nested && self.starts_with("/*") {
                self.pos += 2;
                depth += 1;
            } else {
                self.bump();
            }
        }
    }
    /// Skip an identifier or number (ASCII word chars and any non-ASCII letters).
    pub fn skip_word(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                self.bump();
            } else {
                break;
            }
        }
    }
}

/// Decode a C-like escape after a backslash at `start` (the cursor is just after the
/// backslash). Pushes the decoded unit(s) to `out`. Handles `\n \t \r \0 \\ \' \" \b \f
/// \v \a \s`, `\xHH`, `\uHHHH`, `\u{H..}`, `\UHHHHHHHH` and octal `\ooo` per `opts`; an
/// unknown escape keeps both characters verbatim.
pub fn decode_escape(c: &mut Cursor, start: usize, out: &mut Vec<Unit>, opts: EscapeOpts) {
    let Some(e) = c.bump() else {
        out.push(Unit::verbatim('\\', start));
        return;
    };
    let simple = match e {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' => Some('\\'),
        '\'' => Some('\''),
        '"' => Some('"'),
        '`' => Some('`'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'v' => Some('\u{b}'),
        'a' => Some('\u{7}'),
        's' if opts.java => Some(' '),
        '0' if !opts.octal => Some('\0'),
        _ => None,
    };
    let push = |out: &mut Vec<Unit>, ch: char, end: usize| {
        out.push(Unit::Char {
            ch,
            host: start,
            host_len: end - start,
        })
    };
    if let Some(ch) = simple {
        push(out, ch, c.pos);
        return;
    }
    let hex = |c: &mut Cursor, n: usize| -> Option<u32> {
        let s = c.rest().get(..n)?;
        if !s.chars().all(|x| x.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(s, 16).ok()?;
        c.pos += n;
        Some(v)
    };
    let code = match e {
        'x' => hex(c, 2),
        'u' if c.peek() == Some('{') => {
            let close = c.rest().find('}');
            match close {
                Some(i) if i <= 8 => {
                    let v = u32::from_str_radix(&c.rest()[1..i], 16).ok();
                    if v.is_some() {
                        c.pos += i + 1;
                    }
                    v
                }
                _ => None,
            }
        }
        'u' => hex(c, 4),
        'U' => hex(c, 8),
        '0'..='7' if opts.octal => {
            let mut v = e as u32 - '0' as u32;
            for _ in 0..2 {
                match c.peek() {
                    Some(d @ '0'..='7') => {
                        v = v * 8 + (d as u32 - '0' as u32);
                        c.bump();
                    }
                    _ => break,
                }
            }
            Some(v)
        }
        _ => None,
    };
    match code {
        Some(v) => push(out, char::from_u32(v).unwrap_or('\u{fffd}'), c.pos),
        None => {
            out.push(Unit::verbatim('\\', start));
            out.push(Unit::verbatim(e, start + 1));
        }
    }
}

/// Escape dialect differences.
#[derive(Debug, Clone, Copy, Default)]
pub struct EscapeOpts {
    /// `\ooo` octal escapes (Python, Go, Java, Ruby).
    pub octal: bool,
    /// Java's `\s` (a space).
    pub java: bool,
}

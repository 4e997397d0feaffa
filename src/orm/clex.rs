//! Tokens of C-family host code (JavaScript/TypeScript, Go, Rust, Prisma schema) for the
//! ORM readers.
//!
//! Input: a source file. Output: [`Toks`], every identifier, literal and punctuation
//! character with its host byte span, and the matching closer of every `(`, `[`, `{`.
//! Comments and whitespace are dropped. The string lexers in `extract/` only report
//! literals; call chains and object literals need the tokens around them.
//!
//! Invariants: spans are char boundaries of the input; an unmatched opener's closer is the
//! end of the token list, a stray closer is ignored; the lexer never fails (unknown bytes
//! become punctuation) and runs in one pass.

use std::ops::Range;

/// Line number of each byte offset (1-based), by binary search over line starts.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(v)
    }

    pub fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

/// The host language, for its literal syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// JavaScript/TypeScript: `'..'`, `".."`, template literals, regex literals.
    Js,
    /// Go: `".."`, raw strings in backticks, runes.
    Go,
    /// Rust: `".."`, raw strings `r#".."#`, char literals, lifetimes.
    Rust,
    /// Prisma schema: `".."` and `//` comments.
    Prisma,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Ident,
    /// A string literal; `text` is its value (escapes reduced to the escaped character,
    /// template interpolations written as `?`).
    Str,
    Num,
    /// One punctuation character.
    Punct,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct T {
    pub k: K,
    pub span: Range<usize>,
    pub text: String,
}

/// The tokens of a file and their bracket structure.
#[derive(Debug, Default)]
pub struct Toks {
    pub t: Vec<T>,
    close: Vec<usize>,
    open: Vec<usize>,
}

impl Toks {
    /// Lex `src`.
    pub fn new(src: &str, lang: Lang) -> Toks {
        let t = lex(src, lang);
        let mut close: Vec<usize> = (0..t.len()).collect();
        let mut open: Vec<usize> = (0..t.len()).collect();
        let mut stack: Vec<(usize, char)> = Vec::new();
        for (i, tok) in t.iter().enumerate() {
            if tok.k != K::Punct {
                continue;
            }
            match tok.text.as_str() {
                "(" | "[" | "{" => {
                    close[i] = t.len();
                    stack.push((i, tok.text.chars().next().unwrap_or('(')));
                }
                ")" | "]" | "}" => {
                    let want = match tok.text.as_str() {
                        ")" => '(',
                        "]" => '[',
                        _ => '{',
                    };
                    if let Some(pos) = stack.iter().rposition(|&(_, c)| c == want) {
                        if let Some(&(j, _)) = stack.get(pos) {
                            open[i] = j;
                        }
                        for (j, _) in stack.drain(pos..) {
                            close[j] = i;
                        }
                    }
                }
                _ => {}
            }
        }
        // Openers left on the stack close at the end.
        Toks { t, close, open }
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// The token at `i`, if any.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.t.get(i)
    }

    /// The text of the token at `i` ("" past the end).
    pub fn s(&self, i: usize) -> &str {
        self.t.get(i).map_or("", |t| t.text.as_str())
    }

    /// Is token `i` the punctuation `p`?
    pub fn is(&self, i: usize, p: &str) -> bool {
        self.t
            .get(i)
            .is_some_and(|t| t.k == K::Punct && t.text == p)
    }

    /// Is token `i` an identifier?
    pub fn ident(&self, i: usize) -> Option<&str> {
        self.t
            .get(i)
            .filter(|t| t.k == K::Ident)
            .map(|t| t.text.as_str())
    }

    /// Is token `i` a string literal? Its value.
    pub fn string(&self, i: usize) -> Option<&str> {
        self.t
            .get(i)
            .filter(|t| t.k == K::Str)
            .map(|t| t.text.as_str())
    }

    /// The matching closer of the opener at `i` (the token count when unmatched; `i`
    /// itself when `i` is not an opener).
    pub fn close(&self, i: usize) -> usize {
        self.close.get(i).copied().unwrap_or(i)
    }

    /// The opener matching the closer at `i` (`i` itself when `i` is not a matched closer).
    pub fn open(&self, i: usize) -> usize {
        self.open.get(i).copied().unwrap_or(i)
    }

    /// Is token `i` a chain separator (`.`, `?.`, Rust's `::`)? Its width in tokens.
    fn sep(&self, i: usize) -> usize {
        if self.is(i, ".") {
            1
        } else if self.is(i, "?") && self.is(i + 1, ".") || self.is(i, ":") && self.is(i + 1, ":") {
            2
        } else {
            0
        }
    }

    /// The links of the method chain whose first name is at `start` (`db.where(..).first()`):
    /// each name's index and the index of its `(` when called. Stops where the chain ends.
    pub fn chain(&self, start: usize) -> Vec<(usize, Option<usize>)> {
        let mut out = Vec::new();
        let mut i = start;
        while self.ident(i).is_some() {
            let mut call = None;
            let mut next = i + 1;
            // Rust's turbofish and macros: `load::<T>(`, `table!(`.
            if self.is(next, "!") {
                next += 1;
            }
            if self.is(next, "(") {
                call = Some(next);
                next = self.skip(next);
            }
            out.push((i, call));
            let w = self.sep(next);
            if w == 0 {
                break;
            }
            i = next + w;
            if self.is(i, "<") {
                // `::<T>` turbofish: skip to the matching `>`.
                let mut depth = 0usize;
                while i < self.len() {
                    if self.is(i, "<") {
                        depth += 1;
                    } else if self.is(i, ">") {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    i += 1;
                }
                if self.is(i, "(") {
                    if let Some(last) = out.last_mut() {
                        last.1 = Some(i);
                    }
                    let w = self.sep(self.skip(i));
                    if w == 0 {
                        break;
                    }
                    i = self.skip(i) + w;
                }
            }
        }
        out
    }

    /// The first token of the chain whose link name is at `i`: walks back over `.name`,
    /// `.name(..)` and `::` links to the receiver.
    pub fn chain_start(&self, i: usize) -> usize {
        let mut s = i;
        loop {
            let before = if s >= 1 && self.is(s - 1, ".") {
                s.checked_sub(2)
            } else if s >= 2 && self.is(s - 1, ":") && self.is(s - 2, ":") {
                s.checked_sub(3)
            } else {
                return s;
            };
            let Some(b) = before else { return s };
            if self.ident(b).is_some() {
                s = b;
            } else if self.is(b, ")") {
                let o = self.open(b);
                match o.checked_sub(1) {
                    Some(n) if o != b && self.ident(n).is_some() => s = n,
                    _ => return s,
                }
            } else {
                return s;
            }
        }
    }

    /// The host span from token `a` to token `b` (inclusive), clamped.
    pub fn span(&self, a: usize, b: usize) -> Range<usize> {
        let start = self.t.get(a).map_or(0, |t| t.span.start);
        let last = b.min(self.t.len().saturating_sub(1));
        let end = self.t.get(last).map_or(start, |t| t.span.end);
        start..end.max(start)
    }

    /// The items of the bracket group opened at `open`, split at top-level commas, as
    /// token ranges (empty items dropped).
    pub fn items(&self, open: usize) -> Vec<Range<usize>> {
        let end = self.close(open);
        let mut out = Vec::new();
        let mut i = open + 1;
        let mut start = i;
        while i < end.min(self.t.len()) {
            if self.is(i, ",") {
                if start < i {
                    out.push(start..i);
                }
                start = i + 1;
                i += 1;
                continue;
            }
            i = self.skip(i);
        }
        if start < i.min(end) {
            out.push(start..i.min(end));
        }
        out
    }

    /// The index after token `i`, skipping a whole bracket group when `i` opens one.
    pub fn skip(&self, i: usize) -> usize {
        let c = self.close(i);
        if c > i {
            c + 1
        } else {
            i + 1
        }
    }

    /// Does the bracket group opened at `open` hold a spread (`...rest`)?
    pub fn has_spread(&self, open: usize) -> bool {
        self.items(open).iter().any(|r| self.is(r.start, "."))
    }

    /// The entries of an object literal opened at `open` (`{ a: x, 'b': y, c }`): the key,
    /// the key's token index and the value's token range (the key itself for shorthand).
    pub fn object(&self, open: usize) -> Vec<(String, usize, Range<usize>)> {
        let mut out = Vec::new();
        if !self.is(open, "{") {
            return out;
        }
        for item in self.items(open) {
            let k = item.start;
            let key = match self.t.get(k) {
                Some(t) if matches!(t.k, K::Ident | K::Str | K::Num) => t.text.clone(),
                _ => continue,
            };
            if self.is(k + 1, ":") && k + 2 <= item.end {
                out.push((key, k, k + 2..item.end));
            } else if item.len() == 1 {
                out.push((key, k, k..k + 1));
            }
        }
        out
    }
}

fn lex(src: &str, lang: Lang) -> Vec<T> {
    let b = src.as_bytes();
    let mut out: Vec<T> = Vec::new();
    let mut i = 0;
    let punct = |out: &mut Vec<T>, i: usize, ch: char| {
        out.push(T {
            k: K::Punct,
            span: i..i + ch.len_utf8(),
            text: ch.to_string(),
        })
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') && lang != Lang::Prisma {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                || (i < b.len() && b[i] >= 0x80)
            {
                i += 1;
            }
            let word = &src[start..i];
            // Rust raw and byte strings: r"..", r#".."#, b"..", br#".."#.
            if lang == Lang::Rust
                && matches!(word, "r" | "b" | "br")
                && matches!(b.get(i), Some(b'"') | Some(b'#'))
            {
                let (end, value) = rust_raw(src, i, word != "b");
                out.push(T {
                    k: K::Str,
                    span: start..end,
                    text: value,
                });
                i = end;
                continue;
            }
            out.push(T {
                k: K::Ident,
                span: start..i,
                text: word.to_string(),
            });
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                if b[i] == b'.' && !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    break;
                }
                i += 1;
            }
            out.push(T {
                k: K::Num,
                span: start..i,
                text: src[start..i].to_string(),
            });
            continue;
        }
        match (c, lang) {
            (b'"', _) | (b'\'', Lang::Js) => {
                let (end, value) = quoted(src, i, c);
                out.push(T {
                    k: K::Str,
                    span: i..end,
                    text: value,
                });
                i = end;
            }
            (b'`', Lang::Js) => {
                let (end, value) = template(src, i);
                out.push(T {
                    k: K::Str,
                    span: i..end,
                    text: value,
                });
                i = end;
            }
            (b'`', Lang::Go) => {
                let end = src[i + 1..].find('`').map_or(src.len(), |p| i + 1 + p + 1);
                out.push(T {
                    k: K::Str,
                    span: i..end,
                    text: src[i + 1..end.saturating_sub(1).max(i + 1)].to_string(),
                });
                i = end;
            }
            (b'\'', Lang::Go) => {
                let (end, _) = quoted(src, i, b'\'');
                i = end;
            }
            (b'\'', Lang::Rust) => {
                // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
                let rest = &src[i + 1..];
                let mut chars = rest.char_indices();
                let lit_end = match chars.next() {
                    Some((_, '\\')) => rest.find('\'').filter(|&p| p > 0).map(|p| i + 1 + p + 1),
                    Some((_, ch)) => {
                        let after = 1 + ch.len_utf8();
                        (rest.as_bytes().get(ch.len_utf8()) == Some(&b'\''))
                            .then_some(i + after + 1)
                    }
                    None => None,
                };
                match lit_end {
                    Some(end) => i = end,
                    None => i += 1,
                }
            }
            (b'/', Lang::Js) if regex_allowed(&out) => {
                i = skip_regex(b, i);
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                punct(&mut out, i, ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// Can a `/` here start a regex literal (the previous token cannot end an expression)?
fn regex_allowed(out: &[T]) -> bool {
    match out.last() {
        None => true,
        Some(t) => match t.k {
            K::Ident => matches!(
                t.text.as_str(),
                "return"
                    | "typeof"
                    | "case"
                    | "do"
                    | "else"
                    | "in"
                    | "of"
                    | "new"
                    | "yield"
                    | "await"
                    | "void"
                    | "throw"
                    | "delete"
                    | "instanceof"
            ),
            K::Str | K::Num => false,
            K::Punct => !matches!(t.text.as_str(), ")" | "]" | "}"),
        },
    }
}

fn skip_regex(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut class = false;
    while i < b.len() && b[i] != b'\n' {
        match b[i] {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    i.min(b.len())
}

/// A quoted literal starting at `start`: (end offset, value).
fn quoted(src: &str, start: usize, q: u8) -> (usize, String) {
    let mut value = String::new();
    let mut it = src[start + 1..].char_indices();
    while let Some((p, ch)) = it.next() {
        match ch {
            '\\' => {
                if let Some((_, e)) = it.next() {
                    value.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
            }
            '\n' => return (start + 1 + p, value),
            _ if ch as u32 == u32::from(q) => return (start + 1 + p + 1, value),
            _ => value.push(ch),
        }
    }
    (src.len(), value)
}

/// A template literal starting at `start`: (end offset, value with `?` for `${..}`).
fn template(src: &str, start: usize) -> (usize, String) {
    let b = src.as_bytes();
    let mut value = String::new();
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'`' => return (i + 1, value),
            b'\\' => {
                i += 1;
                if let Some(ch) = src.get(i..).and_then(|s| s.chars().next()) {
                    value.push(ch);
                    i += ch.len_utf8();
                }
                continue;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                // Skip the expression to its matching brace (strings inside are rare in
                // ORM code; a quote is skipped as a string to keep braces inside honest).
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\'' | b'"' => i = quoted(src, i, b[i]).0 - 1,
                        b'`' => i = template(src, i).0 - 1,
                        _ => {}
                    }
                    i += 1;
                }
                value.push('?');
                i += 1;
                continue;
            }
            _ => {}
        }
        let ch = src[i..].chars().next().unwrap_or(' ');
        value.push(ch);
        i += ch.len_utf8();
    }
    (src.len(), value)
}

/// A Rust raw (`raw == true`) or byte string whose quote or hashes start at `i`.
fn rust_raw(src: &str, i: usize, raw: bool) -> (usize, String) {
    let b = src.as_bytes();
    if !raw {
        return quoted(src, i, b'"');
    }
    let mut j = i;
    while j < b.len() && b[j] == b'#' {
        j += 1;
    }
    let hashes = j - i;
    if b.get(j) != Some(&b'"') {
        return (j.max(i + 1), String::new());
    }
    let closing = format!("\"{}", "#".repeat(hashes));
    match src[j + 1..].find(&closing) {
        Some(p) => (j + 1 + p + closing.len(), src[j + 1..j + 1 + p].to_string()),
        None => (src.len(), src[j + 1..].to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str, lang: Lang) -> Vec<String> {
        Toks::new(src, lang).t.into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn js_tokens_strings_templates_and_regex() {
        let src =
            "db.user.findMany({ where: { a: 'x\\'y' } }) // c\nconst r = /a\\/b/g; `t ${x} u`";
        assert_eq!(
            texts(src, Lang::Js),
            [
                "db", ".", "user", ".", "findMany", "(", "{", "where", ":", "{", "a", ":", "x'y",
                "}", "}", ")", "const", "r", "=", ";", "t ? u"
            ]
        );
    }

    #[test]
    fn brackets_match_and_items_split() {
        let t = Toks::new("f(a, [b, c], { d: e }, g(h))", Lang::Js);
        assert_eq!(t.close(1), t.len() - 1);
        let items = t.items(1);
        assert_eq!(items.len(), 4);
        let obj = t.object(items[2].start);
        assert_eq!(obj.len(), 1);
        assert_eq!(obj[0].0, "d");
        // Unbalanced input never panics and closes at the end.
        let u = Toks::new("f(a, {b", Lang::Js);
        assert_eq!(u.close(1), u.len());
        assert_eq!(u.items(1).len(), 2);
    }

    #[test]
    fn rust_raw_strings_chars_and_lifetimes() {
        let src = "fn f<'a>(x: &'a str) { let c = '\"'; r#\"a \"b\"\"#; }";
        let t = texts(src, Lang::Rust);
        assert!(t.contains(&"a \"b\"".to_string()));
        assert!(!t.iter().any(|s| s == "\""));
    }

    #[test]
    fn go_raw_strings_and_tags() {
        let t = texts("Name string `gorm:\"index\"`", Lang::Go);
        assert_eq!(t, ["Name", "string", "gorm:\"index\""]);
    }
}

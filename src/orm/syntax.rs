//! Host syntax for the ORM readers: tokens with byte spans and a small expression tree for
//! Python and Ruby.
//!
//! Input: a model or application file's text. Output: [`Tok`]s (identifiers, strings,
//! symbols, labels, numbers, operators, statement ends) and [`Node`]s (names, attribute
//! access, calls with keyword arguments and Ruby blocks, subscripts, lists, dicts/hashes,
//! binary and unary operators). This is all the ORM readers need: call chains, keyword
//! arguments and literal lists; it is not a full grammar, and what it does not know becomes
//! [`E::Other`] rather than an error.
//!
//! Invariants: never panics on any input; every loop consumes at least one token; nesting
//! deeper than [`MAX_DEPTH`] becomes [`E::Other`], so recursion is bounded.

use std::ops::Range;

/// Deepest nesting the parser follows.
pub const MAX_DEPTH: usize = 48;

/// A token kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tk {
    Ident,
    /// A string literal; `text` is its content (escapes mostly kept, interpolations kept).
    Str,
    /// A Ruby symbol `:name`; `text` is the name.
    Sym,
    /// A Ruby hash label `name:`; `text` is the name.
    Label,
    Num,
    Op,
    /// End of a logical line (outside brackets) or `;`.
    Nl,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub kind: Tk,
    pub text: String,
    pub span: Range<usize>,
    /// Whitespace precedes the token on its line.
    pub space_before: bool,
    /// Column of the first token of the token's line (Python indentation).
    pub indent: usize,
}

impl Tok {
    fn is_op(&self, op: &str) -> bool {
        self.kind == Tk::Op && self.text == op
    }
    fn is_word(&self, w: &str) -> bool {
        self.kind == Tk::Ident && self.text == w
    }
}

const OPS3: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "<=>", "===", "||=", "&&=",
];
const OPS2: &[&str] = &[
    "==", "!=", "<=", ">=", "->", "**", "//", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "<<", ">>", "=>", "&&", "||", "..", "::", "&.", "=~",
];

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
    toks: Vec<Tok>,
    line_indent: usize,
    space: bool,
    ruby: bool,
    /// Ruby heredocs opened on the current line: (terminator, squiggly/dash, token index).
    heredocs: Vec<(String, bool, usize)>,
}

impl<'a> Lexer<'a> {
    fn push(&mut self, kind: Tk, text: String, start: usize) {
        self.toks.push(Tok {
            kind,
            text,
            span: start..self.pos,
            space_before: self.space,
            indent: self.line_indent,
        });
        self.space = false;
    }

    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.pos + k).copied().unwrap_or(0)
    }

    fn newline(&mut self) {
        self.pos += 1;
        if self.ruby && !self.heredocs.is_empty() {
            self.read_heredocs();
        }
        if self.depth == 0 && self.toks.last().is_some_and(|t| t.kind != Tk::Nl) {
            let at = self.pos - 1;
            self.toks.push(Tok {
                kind: Tk::Nl,
                text: String::new(),
                span: at..at,
                space_before: false,
                indent: self.line_indent,
            });
        }
        let mut i = self.pos;
        let mut col = 0;
        while i < self.b.len() && (self.b[i] == b' ' || self.b[i] == b'\t') {
            i += 1;
            col += 1;
        }
        self.line_indent = col;
        self.space = false;
    }

    fn read_heredocs(&mut self) {
        for (id, squiggly, tok) in std::mem::take(&mut self.heredocs) {
            let body_start = self.pos;
            let mut end = self.b.len();
            let mut next = self.b.len();
            let mut i = self.pos;
            while i < self.b.len() {
                let line_end = self.src[i..].find('\n').map_or(self.b.len(), |n| i + n);
                let line = &self.src[i..line_end];
                let line = if squiggly { line.trim() } else { line };
                if line.trim_end() == id {
                    end = i;
                    next = (line_end + 1).min(self.b.len());
                    break;
                }
                i = line_end + 1;
            }
            if let Some(t) = self.toks.get_mut(tok) {
                t.text = self.src.get(body_start..end).unwrap_or("").to_string();
            }
            self.pos = next;
        }
    }

    fn ident_char(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.b.len() && Self::ident_char(self.b[self.pos]) {
            self.pos += 1;
        }
        while !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        self.src[start..self.pos].to_string()
    }

    /// A quoted string from the opening quote at `pos`; returns its content.
    fn quoted(&mut self, triple: bool) -> String {
        let q = self.b[self.pos];
        let n = if triple { 3 } else { 1 };
        self.pos += n;
        let start = self.pos;
        let mut braces = 0usize;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c == b'\\' {
                self.pos += 2;
                continue;
            }
            if self.ruby && q == b'"' && c == b'#' && self.peek(1) == b'{' {
                braces += 1;
                self.pos += 2;
                continue;
            }
            if braces > 0 {
                if c == b'}' {
                    braces -= 1;
                } else if c == b'{' {
                    braces += 1;
                }
                self.pos += 1;
                continue;
            }
            if c == q && (!triple || (self.peek(1) == q && self.peek(2) == q)) {
                let end = self.pos;
                self.pos += n;
                return self.text(start, end);
            }
            if c == b'\n' && !triple && !self.ruby {
                break;
            }
            self.pos += 1;
        }
        self.pos = self.pos.min(self.b.len());
        self.text(start, self.pos)
    }

    fn text(&self, start: usize, end: usize) -> String {
        let end = end.min(self.b.len());
        self.src.get(start..end).unwrap_or("").to_string()
    }

    /// Ruby `%w[...]`, `%i(...)`, `%q{...}`, `%(...)`: returns the content.
    fn percent(&mut self) -> String {
        let open = self.b[self.pos];
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            c => c,
        };
        self.pos += 1;
        let start = self.pos;
        let mut nest = 0usize;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c == b'\\' {
                self.pos += 2;
                continue;
            }
            if c == open && open != close {
                nest += 1;
            } else if c == close {
                if nest == 0 {
                    let end = self.pos;
                    self.pos += 1;
                    return self.text(start, end);
                }
                nest -= 1;
            }
            self.pos += 1;
        }
        self.pos = self.b.len();
        self.text(start, self.pos)
    }

    fn value_expected(&self) -> bool {
        match self.toks.last() {
            None => true,
            Some(t) => match t.kind {
                Tk::Nl | Tk::Label => true,
                Tk::Op => !matches!(t.text.as_str(), ")" | "]" | "}"),
                Tk::Ident => {
                    matches!(
                        t.text.as_str(),
                        "if" | "unless" | "and" | "or" | "not" | "return" | "when" | "in"
                    ) || self.space && self.peek(1) != b' '
                }
                _ => false,
            },
        }
    }

    fn run(mut self) -> Vec<Tok> {
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            let start = self.pos;
            match c {
                b'\n' => self.newline(),
                b' ' | b'\t' | b'\r' | b'\x0c' => {
                    self.pos += 1;
                    self.space = true;
                }
                b'#' => {
                    while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'\\' if self.peek(1) == b'\n' => {
                    self.pos += 2;
                    self.space = true;
                }
                b'=' if self.ruby
                    && self.src[self.pos..].starts_with("=begin")
                    && (start == 0 || self.b[start - 1] == b'\n') =>
                {
                    let end = self.src[self.pos..]
                        .find("\n=end")
                        .map_or(self.b.len(), |i| self.pos + i + 5);
                    self.pos = end;
                }
                b'\'' | b'"' => {
                    let triple = !self.ruby && self.peek(1) == c && self.peek(2) == c;
                    let s = self.quoted(triple);
                    if self.ruby && self.peek(0) == b':' && self.peek(1) != b':' {
                        self.pos += 1;
                        self.push(Tk::Label, s, start);
                    } else {
                        self.push(Tk::Str, s, start);
                    }
                }
                b':' if self.ruby && self.peek(1) == b'"' => {
                    self.pos += 1;
                    let s = self.quoted(false);
                    self.push(Tk::Sym, s, start);
                }
                b':' if self.ruby
                    && self.peek(1) != b':'
                    && (Self::ident_char(self.peek(1)) && !self.peek(1).is_ascii_digit())
                    && self.toks.last().is_none_or(|t| !t.is_op("::")) =>
                {
                    self.pos += 1;
                    let mut w = self.word();
                    if matches!(self.peek(0), b'?' | b'!' | b'=') && self.peek(1) != b'=' {
                        w.push(self.b[self.pos] as char);
                        self.pos += 1;
                    }
                    self.push(Tk::Sym, w, start);
                }
                b'%' if self.ruby
                    && self.value_expected()
                    && (matches!(self.peek(1), b'(' | b'[' | b'{' | b'<' | b'|')
                        || (matches!(self.peek(1), b'w' | b'W' | b'i' | b'I' | b'q' | b'Q')
                            && matches!(self.peek(2), b'(' | b'[' | b'{' | b'<' | b'|'))) =>
                {
                    let kind = if self.peek(1).is_ascii_alphabetic() {
                        self.pos += 2;
                        self.b[self.pos - 1]
                    } else {
                        self.pos += 1;
                        b'q'
                    };
                    let body = self.percent();
                    if matches!(kind, b'w' | b'W' | b'i' | b'I') {
                        // A word list: emitted as `[ "a" , "b" ]` tokens.
                        let item = if matches!(kind, b'i' | b'I') {
                            Tk::Sym
                        } else {
                            Tk::Str
                        };
                        self.push(Tk::Op, "[".into(), start);
                        for w in body.split_whitespace() {
                            self.push(item, w.to_string(), start);
                            self.push(Tk::Op, ",".into(), start);
                        }
                        self.push(Tk::Op, "]".into(), start);
                    } else {
                        self.push(Tk::Str, body, start);
                    }
                }
                b'<' if self.ruby
                    && self.peek(1) == b'<'
                    && matches!(self.peek(2), b'~' | b'-' | b'A'..=b'Z' | b'\'' | b'"')
                    && self.value_expected() =>
                {
                    self.pos += 2;
                    let squiggly = matches!(self.peek(0), b'~' | b'-');
                    if squiggly {
                        self.pos += 1;
                    }
                    if matches!(self.peek(0), b'\'' | b'"') {
                        self.pos += 1;
                    }
                    let id = self.word();
                    if matches!(self.peek(0), b'\'' | b'"') {
                        self.pos += 1;
                    }
                    if id.is_empty() {
                        self.push(Tk::Op, "<<".into(), start);
                    } else {
                        let idx = self.toks.len();
                        self.push(Tk::Str, String::new(), start);
                        self.heredocs.push((id, squiggly, idx));
                    }
                }
                b'/' if self.ruby && self.value_expected() => {
                    // A regular expression literal.
                    self.pos += 1;
                    while self.pos < self.b.len() && !matches!(self.b[self.pos], b'/' | b'\n') {
                        self.pos += if self.b[self.pos] == b'\\' { 2 } else { 1 };
                    }
                    self.pos = (self.pos + 1).min(self.b.len());
                    self.push(Tk::Str, String::new(), start);
                }
                b'@' | b'$'
                    if self.ruby && (Self::ident_char(self.peek(1)) || self.peek(1) == b'@') =>
                {
                    self.pos += 1;
                    if self.peek(0) == b'@' {
                        self.pos += 1;
                    }
                    let w = self.word();
                    let sigil = self.text(start, start + 1);
                    self.push(Tk::Ident, format!("{sigil}{w}"), start);
                }
                _ if c.is_ascii_digit() => {
                    while self.pos < self.b.len()
                        && (self.b[self.pos].is_ascii_alphanumeric()
                            || self.b[self.pos] == b'_'
                            || (self.b[self.pos] == b'.' && self.peek(1).is_ascii_digit()))
                    {
                        self.pos += 1;
                    }
                    let t = self.text(start, self.pos);
                    self.push(Tk::Num, t, start);
                }
                _ if Self::ident_char(c) => {
                    let w = self.word();
                    let q = self.peek(0);
                    if !self.ruby
                        && w.len() <= 2
                        && w.chars().all(|x| "rRbBuUfF".contains(x))
                        && (q == b'\'' || q == b'"')
                    {
                        let triple = self.peek(1) == q && self.peek(2) == q;
                        let s = self.quoted(triple);
                        self.push(Tk::Str, s, start);
                        continue;
                    }
                    let mut w = w;
                    if self.ruby && matches!(q, b'?' | b'!') && self.peek(1) != b'=' {
                        w.push(q as char);
                        self.pos += 1;
                    }
                    if self.ruby
                        && self.peek(0) == b':'
                        && self.peek(1) != b':'
                        && self.toks.last().is_none_or(|t| !t.is_op("?"))
                    {
                        self.pos += 1;
                        self.push(Tk::Label, w, start);
                    } else {
                        self.push(Tk::Ident, w, start);
                    }
                }
                _ => {
                    let rest = &self.src[self.pos..];
                    let op = OPS3
                        .iter()
                        .chain(OPS2)
                        .find(|o| rest.starts_with(**o))
                        .map(|o| o.to_string());
                    let op = match op {
                        Some(o) => o,
                        None => match rest.chars().next() {
                            Some(ch) => ch.to_string(),
                            None => break,
                        },
                    };
                    self.pos += op.len();
                    match op.as_str() {
                        "(" | "[" | "{" => self.depth += 1,
                        ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    if op == ";" {
                        self.push(Tk::Nl, String::new(), start);
                    } else {
                        self.push(Tk::Op, op, start);
                    }
                }
            }
        }
        self.toks
    }
}

/// The tokens of a Python file.
pub fn lex_python(src: &str) -> Vec<Tok> {
    lex(src, false)
}

/// The tokens of a Ruby file.
pub fn lex_ruby(src: &str) -> Vec<Tok> {
    lex(src, true)
}

fn lex(src: &str, ruby: bool) -> Vec<Tok> {
    Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        depth: 0,
        toks: Vec::new(),
        line_indent: 0,
        space: false,
        ruby,
        heredocs: Vec::new(),
    }
    .run()
}

/// An expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum E {
    Name(String),
    Str(String),
    Sym(String),
    Num(String),
    Attr(Box<Node>, String),
    Call {
        func: Box<Node>,
        args: Vec<Arg>,
        /// A Ruby block (`do |t| ... end`, `{ ... }`): its statements.
        block: Option<Vec<Node>>,
    },
    Index(Box<Node>, Vec<Node>),
    Slice(Option<Box<Node>>, Option<Box<Node>>),
    List(Vec<Node>),
    Dict(Vec<(Node, Node)>),
    Bin(String, Box<Node>, Box<Node>),
    Un(String, Box<Node>),
    /// A Ruby lambda `-> { ... }` (its statements).
    Lambda(Vec<Node>),
    /// A Ruby keyword construct (`class X < Y ... end`, `def`, `if`, `begin`): the keyword,
    /// the header expression and the body statements.
    Block(String, Box<Node>, Vec<Node>),
    Other,
}

/// An expression and its host byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub e: E,
    pub span: Range<usize>,
}

/// One argument: `key` for keyword arguments (`index=True`, `unique: true`, `:a => 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub key: Option<String>,
    pub value: Node,
}

impl Node {
    fn new(e: E, span: Range<usize>) -> Node {
        Node { e, span }
    }

    /// The text of a string or symbol literal (or a bare name).
    pub fn str(&self) -> Option<&str> {
        match &self.e {
            E::Str(s) | E::Sym(s) => Some(s),
            _ => None,
        }
    }

    /// The identifier of a bare name.
    pub fn name(&self) -> Option<&str> {
        match &self.e {
            E::Name(s) => Some(s),
            _ => None,
        }
    }

    /// `a.b.c` as "a.b.c" (names and attributes only).
    pub fn dotted(&self) -> Option<String> {
        match &self.e {
            E::Name(s) => Some(s.clone()),
            E::Attr(b, n) => Some(format!("{}.{n}", b.dotted()?)),
            _ => None,
        }
    }

    /// Items of a list or tuple; a single value is a list of one.
    pub fn items(&self) -> Vec<&Node> {
        match &self.e {
            E::List(v) => v.iter().collect(),
            _ => vec![self],
        }
    }

    /// Is this the literal `true`/`True`?
    pub fn is_true(&self) -> bool {
        matches!(&self.e, E::Name(n) if n == "True" || n == "true")
    }

    /// Every direct child expression (for walks).
    pub fn children(&self) -> Vec<&Node> {
        match &self.e {
            E::Attr(b, _) | E::Un(_, b) => vec![b],
            E::Call { func, args, block } => {
                let mut v: Vec<&Node> = vec![func];
                v.extend(args.iter().map(|a| &a.value));
                if let Some(b) = block {
                    v.extend(b.iter());
                }
                v
            }
            E::Index(b, ix) => {
                let mut v: Vec<&Node> = vec![b];
                v.extend(ix.iter());
                v
            }
            E::Slice(a, b) => a.iter().chain(b.iter()).map(|x| &**x).collect(),
            E::List(v) | E::Lambda(v) => v.iter().collect(),
            E::Dict(kv) => kv.iter().flat_map(|(k, v)| [k, v]).collect(),
            E::Bin(_, a, b) => vec![a, b],
            E::Block(_, h, body) => {
                let mut v: Vec<&Node> = vec![h];
                v.extend(body.iter());
                v
            }
            _ => Vec::new(),
        }
    }
}

/// Find `key` among keyword arguments.
pub fn kwarg<'a>(args: &'a [Arg], key: &str) -> Option<&'a Node> {
    args.iter()
        .find(|a| a.key.as_deref() == Some(key))
        .map(|a| &a.value)
}

/// Positional arguments.
pub fn positional(args: &[Arg]) -> Vec<&Node> {
    args.iter()
        .filter(|a| a.key.is_none())
        .map(|a| &a.value)
        .collect()
}

/// Binary operators and their precedence (higher binds tighter).
fn precedence(t: &Tok, ruby: bool) -> Option<u8> {
    let p = match (t.kind, t.text.as_str()) {
        (Tk::Op, "=" | "+=" | "-=" | "||=" | "&&=" | ":=" | "*=" | "|=") => 1,
        (Tk::Ident, "if" | "unless" | "else" | "for" | "rescue" | "while" | "until") => 2,
        (Tk::Ident, "as") if !ruby => 2,
        (Tk::Op, "?") if ruby => 2,
        (Tk::Op, ":") if ruby => 2,
        (Tk::Ident, "or") | (Tk::Op, "||") => 3,
        (Tk::Ident, "and") | (Tk::Op, "&&") => 4,
        (Tk::Op, ".." | "...") if ruby => 5,
        (Tk::Ident, "in" | "is" | "not") if !ruby => 6,
        (Tk::Op, "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "<=>" | "===") => 6,
        (Tk::Op, "|") => 7,
        (Tk::Op, "^") => 8,
        (Tk::Op, "&") => 9,
        (Tk::Op, "<<" | ">>") => 10,
        (Tk::Op, "+" | "-") => 11,
        (Tk::Op, "*" | "/" | "%" | "//" | "@") => 12,
        (Tk::Op, "**") => 14,
        _ => return None,
    };
    Some(p)
}

const RUBY_OPENERS: &[&str] = &[
    "if", "unless", "while", "until", "case", "begin", "def", "class", "module", "for",
];

/// The expression parser over a token slice.
pub struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    depth: usize,
    ruby: bool,
}

impl<'a> Parser<'a> {
    pub fn new(toks: &'a [Tok], ruby: bool) -> Self {
        Parser {
            toks,
            pos: 0,
            depth: 0,
            ruby,
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    fn tok(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    fn at_op(&self, op: &str) -> bool {
        self.tok().is_some_and(|t| t.is_op(op))
    }

    fn at_word(&self, w: &str) -> bool {
        self.tok().is_some_and(|t| t.is_word(w))
    }

    fn skip_nl(&mut self) {
        while self.tok().is_some_and(|t| t.kind == Tk::Nl) {
            self.pos += 1;
        }
    }

    fn last_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn here(&self) -> usize {
        self.tok().map_or_else(|| self.last_end(), |t| t.span.start)
    }

    /// Is the current token one that ends an expression (closers, separators)?
    fn at_terminator(&self) -> bool {
        match self.tok() {
            None => true,
            Some(t) => match t.kind {
                Tk::Nl => true,
                Tk::Op => {
                    matches!(t.text.as_str(), ")" | "]" | "}" | "," | "|")
                        || (!self.ruby && t.text == ":")
                        || (self.ruby && t.text == "=>")
                }
                Tk::Ident => {
                    self.ruby
                        && matches!(
                            t.text.as_str(),
                            "end" | "do" | "then" | "elsif" | "when" | "ensure"
                        )
                }
                _ => false,
            },
        }
    }

    /// Parse one statement: an expression (Ruby keyword constructs included), skipping
    /// Python statement keywords (`return`, `for`, `with`, ...).
    pub fn statement(&mut self) -> Node {
        self.skip_nl();
        let start = self.pos;
        let node = self.expr(0);
        if self.pos == start {
            self.pos += 1;
        }
        node
    }

    /// Parse statements until `end` (consumed) or the end of input.
    fn body(&mut self) -> Vec<Node> {
        let mut out = Vec::new();
        loop {
            self.skip_nl();
            let Some(t) = self.tok() else { break };
            if t.is_word("end") {
                self.pos += 1;
                break;
            }
            if t.kind == Tk::Ident
                && matches!(
                    t.text.as_str(),
                    "else" | "elsif" | "when" | "rescue" | "ensure" | "then" | "in" | "do"
                )
            {
                self.pos += 1;
                continue;
            }
            if t.is_op("}") || t.is_op(")") || t.is_op("]") {
                // Stray closer: stop, the caller owns it.
                break;
            }
            out.push(self.statement());
        }
        out
    }

    /// Parse statements of a brace block until `}` (consumed).
    fn brace_body(&mut self) -> Vec<Node> {
        let mut out = Vec::new();
        loop {
            self.skip_nl();
            let Some(t) = self.tok() else { break };
            if t.is_op("}") {
                self.pos += 1;
                break;
            }
            if t.is_op(")") || t.is_op("]") || t.is_word("end") {
                break;
            }
            let before = self.pos;
            out.push(self.expr(0));
            if self.pos == before {
                self.pos += 1;
            }
        }
        out
    }

    pub fn expr(&mut self, min: u8) -> Node {
        if self.depth > MAX_DEPTH {
            let start = self.here();
            self.skip_balanced();
            return Node::new(E::Other, start..self.last_end());
        }
        self.depth += 1;
        let mut lhs = self.unary();
        while let Some(t) = self.tok() {
            let Some(p) = precedence(t, self.ruby) else {
                break;
            };
            if p < min {
                break;
            }
            let op = t.text.clone();
            self.pos += 1;
            if op == "not" && self.at_word("in") {
                self.pos += 1;
            }
            if op == "is" && self.at_word("not") {
                self.pos += 1;
            }
            if self.ruby {
                self.skip_nl();
            }
            if self.at_terminator() {
                let span = lhs.span.clone();
                lhs = Node::new(E::Un(op, Box::new(lhs)), span);
                continue;
            }
            let rhs = self.expr(p + 1);
            let span = lhs.span.start..rhs.span.end.max(lhs.span.end);
            lhs = Node::new(E::Bin(op, Box::new(lhs), Box::new(rhs)), span);
        }
        self.depth -= 1;
        lhs
    }

    /// Skip to the end of the current bracketed region or line (deep input).
    fn skip_balanced(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.tok() {
            if t.kind == Tk::Op && matches!(t.text.as_str(), "(" | "[" | "{") {
                depth += 1;
            } else if t.kind == Tk::Op && matches!(t.text.as_str(), ")" | "]" | "}") {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            } else if depth == 0 && (t.kind == Tk::Nl || t.is_op(",")) {
                return;
            }
            self.pos += 1;
        }
    }

    fn unary(&mut self) -> Node {
        let Some(t) = self.tok() else {
            let at = self.last_end();
            return Node::new(E::Other, at..at);
        };
        let start = t.span.start;
        let prefix = match (t.kind, t.text.as_str()) {
            (Tk::Op, "-" | "+" | "~" | "!" | "*" | "**" | "&" | "@") => true,
            (Tk::Ident, "not" | "await" | "yield" | "return" | "del" | "assert" | "raise") => true,
            (Tk::Ident, "elif" | "with" | "async" | "defined?") => true,
            (Tk::Ident, "for" | "while" | "if") if !self.ruby => true,
            _ => false,
        };
        if prefix {
            let op = t.text.clone();
            self.pos += 1;
            if self.at_terminator() {
                return Node::new(E::Other, start..self.last_end());
            }
            let inner = self.unary_or_binary(&op);
            let span = start..inner.span.end;
            return Node::new(E::Un(op, Box::new(inner)), span);
        }
        let prim = self.primary();
        self.postfix(prim)
    }

    fn unary_or_binary(&mut self, op: &str) -> Node {
        // Statement keywords take a whole expression; operators bind tightly.
        if op.chars().all(|c| c.is_alphabetic()) {
            self.expr(0)
        } else if op == "-" || op == "+" || op == "~" {
            self.expr(13)
        } else {
            self.expr(6)
        }
    }

    fn primary(&mut self) -> Node {
        let Some(t) = self.tok() else {
            let at = self.last_end();
            return Node::new(E::Other, at..at);
        };
        let span = t.span.clone();
        match t.kind {
            Tk::Ident => {
                if self.ruby && RUBY_OPENERS.contains(&t.text.as_str()) {
                    return self.ruby_block_construct();
                }
                if !self.ruby && t.text == "lambda" {
                    // `lambda x: body`: skip the parameters.
                    while !self.at_end() && !self.at_op(":") {
                        self.pos += 1;
                    }
                    self.pos += 1;
                    let body = self.expr(2);
                    return Node::new(E::Other, span.start..body.span.end);
                }
                self.pos += 1;
                Node::new(E::Name(t.text.clone()), span)
            }
            Tk::Str => {
                self.pos += 1;
                let mut s = t.text.clone();
                let mut end = span.end;
                while let Some(n) = self.tok().filter(|n| n.kind == Tk::Str) {
                    s.push_str(&n.text);
                    end = n.span.end;
                    self.pos += 1;
                }
                Node::new(E::Str(s), span.start..end)
            }
            Tk::Sym => {
                self.pos += 1;
                Node::new(E::Sym(t.text.clone()), span)
            }
            Tk::Num => {
                self.pos += 1;
                Node::new(E::Num(t.text.clone()), span)
            }
            Tk::Label => {
                // A hash without braces in a position we do not model: read it as a dict.
                let entries = self.hash_entries(None);
                Node::new(E::Dict(entries), span.start..self.last_end())
            }
            Tk::Op => match t.text.as_str() {
                "(" => {
                    self.pos += 1;
                    let (items, comma) = self.seq(")");
                    let end = self.last_end();
                    if items.len() == 1 && !comma {
                        let mut n = items
                            .into_iter()
                            .next()
                            .map_or(Node::new(E::Other, span.start..end), |n| n);
                        n.span = span.start..end;
                        n
                    } else {
                        Node::new(E::List(items), span.start..end)
                    }
                }
                "[" => {
                    self.pos += 1;
                    let (items, _) = self.seq("]");
                    Node::new(E::List(items), span.start..self.last_end())
                }
                "{" => {
                    self.pos += 1;
                    let entries = self.hash_entries(Some("}"));
                    Node::new(E::Dict(entries), span.start..self.last_end())
                }
                "->" if self.ruby => {
                    self.pos += 1;
                    if self.at_op("(") {
                        self.pos += 1;
                        self.seq(")");
                    } else {
                        while self.tok().is_some_and(|t| t.kind == Tk::Ident) {
                            self.pos += 1;
                            if self.at_op(",") {
                                self.pos += 1;
                            }
                        }
                    }
                    let body = if self.at_op("{") {
                        self.pos += 1;
                        self.block_params();
                        self.brace_body()
                    } else if self.at_word("do") {
                        self.pos += 1;
                        self.block_params();
                        self.body()
                    } else {
                        Vec::new()
                    };
                    Node::new(E::Lambda(body), span.start..self.last_end())
                }
                _ => {
                    if !self.at_terminator() {
                        self.pos += 1;
                    }
                    Node::new(E::Other, span)
                }
            },
            Tk::Nl => Node::new(E::Other, span.start..span.start),
        }
    }

    /// `|a, b|` after a block opener.
    fn block_params(&mut self) {
        if self.at_op("|") {
            self.pos += 1;
            while let Some(t) = self.tok() {
                self.pos += 1;
                if t.is_op("|") || t.kind == Tk::Nl {
                    break;
                }
            }
        } else if self.at_op("||") {
            self.pos += 1;
        }
    }

    fn ruby_block_construct(&mut self) -> Node {
        let start = self.here();
        let kw = self.tok().map(|t| t.text.clone()).unwrap_or_default();
        self.pos += 1;
        let head = if matches!(kw.as_str(), "begin") {
            Node::new(E::Other, start..start)
        } else {
            self.expr(0)
        };
        let body = self.body();
        Node::new(E::Block(kw, Box::new(head), body), start..self.last_end())
    }

    /// Comma-separated items up to `close` (consumed); whether a comma was seen.
    fn seq(&mut self, close: &str) -> (Vec<Node>, bool) {
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            self.skip_nl();
            let Some(t) = self.tok() else { break };
            if t.is_op(close) {
                self.pos += 1;
                break;
            }
            if t.is_op(",") {
                comma = true;
                self.pos += 1;
                continue;
            }
            if t.kind == Tk::Op && matches!(t.text.as_str(), ")" | "]" | "}") {
                // Mismatched closer: stop without consuming.
                break;
            }
            let before = self.pos;
            let item = if t.kind == Tk::Label || self.hash_arrow_ahead() {
                let s = t.span.start;
                let entries = self.hash_entries(None);
                Node::new(E::Dict(entries), s..self.last_end())
            } else {
                let n = self.expr(0);
                if !self.ruby && self.at_op(":") {
                    // A slice `a:b` inside brackets.
                    self.pos += 1;
                    let hi = (!self.at_terminator()).then(|| Box::new(self.expr(0)));
                    let end = self.last_end();
                    Node::new(E::Slice(Some(Box::new(n.clone())), hi), n.span.start..end)
                } else {
                    n
                }
            };
            items.push(item);
            if self.pos == before {
                self.pos += 1;
            }
        }
        (items, comma)
    }

    /// Is `key =>` (a Ruby hash entry) at the cursor?
    fn hash_arrow_ahead(&self) -> bool {
        self.ruby
            && self.toks.get(self.pos + 1).is_some_and(|n| n.is_op("=>"))
            && self
                .tok()
                .is_some_and(|t| matches!(t.kind, Tk::Sym | Tk::Str | Tk::Ident))
    }

    /// Hash / dict entries: `a: 1`, `:a => 1`, `"a" => 1`, Python `"a": 1`. With `close`,
    /// read up to it (consumed); without, read a brace-less Ruby hash up to a closer.
    fn hash_entries(&mut self, close: Option<&str>) -> Vec<(Node, Node)> {
        let mut out = Vec::new();
        // A Ruby block `{ |x| ... }` or a brace body in value position.
        if close.is_some() && self.ruby && (self.at_op("|") || self.at_op("||")) {
            self.block_params();
            let body = self.brace_body();
            return body
                .into_iter()
                .map(|n| (Node::new(E::Other, n.span.clone()), n))
                .collect();
        }
        loop {
            if close.is_some() {
                self.skip_nl();
            }
            let Some(t) = self.tok() else { break };
            if let Some(c) = close {
                if t.is_op(c) {
                    self.pos += 1;
                    break;
                }
            }
            if t.is_op(",") {
                self.pos += 1;
                if close.is_none() {
                    self.skip_nl();
                }
                continue;
            }
            if t.kind == Tk::Op && matches!(t.text.as_str(), ")" | "]" | "}") {
                break;
            }
            if close.is_none() && (t.kind == Tk::Nl || t.is_word("do")) {
                break;
            }
            if close.is_none() && t.kind != Tk::Label && !self.hash_arrow_ahead() {
                break;
            }
            let before = self.pos;
            let key = if t.kind == Tk::Label {
                self.pos += 1;
                Node::new(E::Sym(t.text.clone()), t.span.clone())
            } else if t.is_op("**") {
                self.pos += 1;
                Node::new(E::Other, t.span.clone())
            } else {
                let k = self.expr(if self.ruby { 6 } else { 3 });
                if self.at_op(":") || self.at_op("=>") {
                    self.pos += 1;
                } else {
                    // A set item or a block statement: keep it as a value.
                    out.push((Node::new(E::Other, k.span.clone()), k));
                    if self.pos == before {
                        self.pos += 1;
                    }
                    continue;
                }
                k
            };
            self.skip_nl();
            let value = self.expr(if self.ruby { 2 } else { 0 });
            out.push((key, value));
            if self.pos == before {
                self.pos += 1;
            }
        }
        out
    }

    /// Arguments up to `)` (consumed).
    fn args(&mut self) -> Vec<Arg> {
        let mut out = Vec::new();
        loop {
            self.skip_nl();
            let Some(t) = self.tok() else { break };
            if t.is_op(")") {
                self.pos += 1;
                break;
            }
            if t.is_op(",") {
                self.pos += 1;
                continue;
            }
            if t.kind == Tk::Op && matches!(t.text.as_str(), "]" | "}") {
                break;
            }
            let before = self.pos;
            self.one_arg(&mut out);
            if self.pos == before {
                self.pos += 1;
            }
        }
        out
    }

    /// One argument (or, in Ruby, the brace-less hash entries that follow).
    fn one_arg(&mut self, out: &mut Vec<Arg>) {
        let Some(t) = self.tok() else { return };
        if !self.ruby
            && t.kind == Tk::Ident
            && self.toks.get(self.pos + 1).is_some_and(|n| n.is_op("="))
        {
            self.pos += 2;
            let v = self.expr(2);
            out.push(Arg {
                key: Some(t.text.clone()),
                value: v,
            });
            return;
        }
        if t.kind == Tk::Label || self.hash_arrow_ahead() {
            for (k, v) in self.hash_entries(None) {
                out.push(Arg {
                    key: k.str().map(str::to_string),
                    value: v,
                });
            }
            return;
        }
        let v = self.expr(if self.ruby { 2 } else { 1 });
        out.push(Arg {
            key: None,
            value: v,
        });
    }

    /// Ruby command arguments without parentheses, up to the end of the statement.
    fn command_args(&mut self) -> Vec<Arg> {
        let mut out = Vec::new();
        loop {
            let before = self.pos;
            self.one_arg(&mut out);
            if self.pos == before {
                break;
            }
            if self.at_op(",") {
                self.pos += 1;
                self.skip_nl();
                continue;
            }
            break;
        }
        out
    }

    /// Can the current token start a Ruby command argument (`t.string "name"`)?
    fn command_arg_start(&self) -> bool {
        let Some(t) = self.tok() else { return false };
        if !t.space_before {
            return false;
        }
        match t.kind {
            Tk::Str | Tk::Sym | Tk::Label | Tk::Num => true,
            Tk::Ident => !matches!(
                t.text.as_str(),
                "do" | "end"
                    | "if"
                    | "unless"
                    | "and"
                    | "or"
                    | "then"
                    | "while"
                    | "until"
                    | "rescue"
                    | "in"
            ),
            Tk::Op => {
                matches!(t.text.as_str(), "[" | "->" | "::")
                    || (t.text == "-"
                        && self
                            .toks
                            .get(self.pos + 1)
                            .is_some_and(|n| !n.space_before && n.kind == Tk::Num))
            }
            Tk::Nl => false,
        }
    }

    fn postfix(&mut self, mut node: Node) -> Node {
        while let Some(t) = self.tok() {
            let start = node.span.start;
            // A method chain continued on the next line: `Order\n  .where(...)`.
            if t.kind == Tk::Nl {
                let mut k = self.pos;
                while self.toks.get(k).is_some_and(|x| x.kind == Tk::Nl) {
                    k += 1;
                }
                if self.ruby
                    && self
                        .toks
                        .get(k)
                        .is_some_and(|x| x.is_op(".") || x.is_op("&."))
                {
                    self.pos = k;
                    continue;
                }
                break;
            }
            if t.is_op(".") || t.is_op("&.") || (self.ruby && t.is_op("::")) {
                self.pos += 1;
                self.skip_nl();
                match self.tok() {
                    Some(n) if matches!(n.kind, Tk::Ident | Tk::Label) => {
                        self.pos += 1;
                        let end = n.span.end;
                        if n.kind == Tk::Label {
                            // `t.index name: ...` never happens; `a.b:` is a label in a hash.
                            self.pos -= 1;
                            node = Node::new(E::Attr(Box::new(node), n.text.clone()), start..end);
                            break;
                        }
                        node = Node::new(E::Attr(Box::new(node), n.text.clone()), start..end);
                    }
                    _ => break,
                }
                continue;
            }
            if t.is_op("(") && (!self.ruby || !t.space_before) {
                self.pos += 1;
                let args = self.args();
                node = Node::new(
                    E::Call {
                        func: Box::new(node),
                        args,
                        block: None,
                    },
                    start..self.last_end(),
                );
                continue;
            }
            if t.is_op("[") && (!self.ruby || !t.space_before) {
                self.pos += 1;
                let (items, _) = self.seq("]");
                node = Node::new(E::Index(Box::new(node), items), start..self.last_end());
                continue;
            }
            if self.ruby && (t.is_word("do") || t.is_op("{")) && callable(&node) {
                let brace = t.is_op("{");
                self.pos += 1;
                self.block_params();
                let body = if brace {
                    self.brace_body()
                } else {
                    self.body()
                };
                let end = self.last_end();
                node = match node.e {
                    E::Call {
                        func,
                        args,
                        block: None,
                    } => Node::new(
                        E::Call {
                            func,
                            args,
                            block: Some(body),
                        },
                        start..end,
                    ),
                    e => Node::new(
                        E::Call {
                            func: Box::new(Node::new(e, node.span)),
                            args: Vec::new(),
                            block: Some(body),
                        },
                        start..end,
                    ),
                };
                continue;
            }
            let method_like = match &node.e {
                E::Name(n) => n.starts_with(|c: char| c.is_lowercase() || c == '_'),
                E::Attr(..) => true,
                _ => false,
            };
            if self.ruby && method_like && self.command_arg_start() {
                let args = self.command_args();
                node = Node::new(
                    E::Call {
                        func: Box::new(node),
                        args,
                        block: None,
                    },
                    start..self.last_end(),
                );
                continue;
            }
            break;
        }
        node
    }
}

fn callable(n: &Node) -> bool {
    match &n.e {
        E::Call { block, .. } => block.is_none(),
        E::Name(s) => s.starts_with(|c: char| c.is_lowercase() || c == '_'),
        E::Attr(..) => true,
        _ => false,
    }
}

/// Parse a whole Ruby file into statements.
pub fn parse_ruby(src: &str) -> Vec<Node> {
    let toks = lex_ruby(src);
    let mut p = Parser::new(&toks, true);
    let mut out = Vec::new();
    loop {
        p.skip_nl();
        if p.at_end() {
            break;
        }
        let before = p.pos;
        out.push(p.statement());
        if p.pos == before {
            p.pos += 1;
        }
    }
    out
}

/// One Python logical line: its indentation and its statement.
#[derive(Debug, Clone)]
pub struct PyLine {
    pub indent: usize,
    pub stmt: PyStmt,
    pub span: Range<usize>,
}

/// A Python statement, as much as the ORM readers need.
#[derive(Debug, Clone)]
pub enum PyStmt {
    /// `class Name(bases):`
    Class {
        name: String,
        bases: Vec<Node>,
    },
    /// `def name(...):`
    Def {
        name: String,
    },
    /// `target = value` / `target: T = value`.
    Assign {
        target: Node,
        value: Node,
    },
    /// `with expr as name:` (the name, when given).
    With {
        value: Node,
        name: Option<String>,
    },
    Expr(Node),
}

/// Parse a Python file into logical lines.
pub fn parse_python(src: &str) -> Vec<PyLine> {
    let toks = lex_python(src);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut j = i;
        while j < toks.len() && toks[j].kind != Tk::Nl {
            j += 1;
        }
        let line = &toks[i..j];
        // A compound statement's body may follow its colon on the same line.
        let mut start = 0;
        while start < line.len() {
            let rest = &line[start..];
            let (stmt, used) = py_stmt(rest);
            let used = used.clamp(1, rest.len());
            let span = rest[0].span.start..rest[used - 1].span.end;
            out.push(PyLine {
                indent: line[0].indent,
                stmt,
                span,
            });
            start += used;
        }
        i = j + 1;
    }
    out
}

/// One statement at the start of `line`; returns it and how many tokens it used.
fn py_stmt(line: &[Tok]) -> (PyStmt, usize) {
    let mut p = Parser::new(line, false);
    let first = &line[0];
    let tail = |p: &mut Parser| {
        // After a compound header's `:`, the rest of the line is another statement.
        if p.at_op(":") {
            p.pos += 1;
        }
        p.pos
    };
    if first.is_word("class") || first.is_word("def") {
        p.pos = 1;
        let name = p.tok().map(|t| t.text.clone()).unwrap_or_default();
        p.pos += 1;
        if first.is_word("def") {
            if p.at_op("(") {
                p.pos += 1;
                p.args();
            }
            while !p.at_end() && !p.at_op(":") {
                p.pos += 1;
            }
            let used = tail(&mut p);
            return (PyStmt::Def { name }, used);
        }
        let bases = if p.at_op("(") {
            p.pos += 1;
            p.args().into_iter().map(|a| a.value).collect()
        } else {
            Vec::new()
        };
        let used = tail(&mut p);
        return (PyStmt::Class { name, bases }, used);
    }
    if first.is_word("with")
        || first.is_word("async") && line.get(1).is_some_and(|t| t.is_word("with"))
    {
        p.pos = if first.is_word("async") { 2 } else { 1 };
        let value = p.expr(3);
        let name = if p.at_word("as") {
            p.pos += 1;
            let n = p.tok().map(|t| t.text.clone());
            p.pos += 1;
            n
        } else {
            None
        };
        while !p.at_end() && !p.at_op(":") {
            p.pos += 1;
        }
        let used = tail(&mut p);
        return (PyStmt::With { value, name }, used);
    }
    if first.kind == Tk::Ident
        && matches!(
            first.text.as_str(),
            "if" | "elif" | "while" | "for" | "try" | "except" | "finally" | "else"
        )
    {
        p.pos = 1;
        let e = if p.at_op(":") {
            Node::new(E::Other, first.span.clone())
        } else {
            p.expr(0)
        };
        while !p.at_end() && !p.at_op(":") {
            p.pos += 1;
        }
        let used = tail(&mut p);
        return (PyStmt::Expr(e), used);
    }
    if first.is_op("@") {
        return (
            PyStmt::Expr(Node::new(E::Other, first.span.clone())),
            line.len(),
        );
    }
    let target = p.expr(2);
    if p.at_op(":") {
        // An annotation: `name: Mapped[int] = mapped_column(...)`.
        p.pos += 1;
        p.expr(2);
    }
    if p.at_op("=") {
        p.pos += 1;
        let value = p.expr(1);
        return (PyStmt::Assign { target, value }, line.len());
    }
    if let E::Bin(op, t, v) = target.e.clone() {
        if op == "=" {
            return (
                PyStmt::Assign {
                    target: *t,
                    value: *v,
                },
                line.len(),
            );
        }
    }
    (PyStmt::Expr(target), line.len())
}

/// Every node of `roots` and their descendants, depth-first, pre-order.
pub fn walk<'a>(roots: &'a [Node], f: &mut dyn FnMut(&'a Node) -> bool) {
    let mut stack: Vec<&Node> = roots.iter().rev().collect();
    while let Some(n) = stack.pop() {
        if f(n) {
            let mut c = n.children();
            c.reverse();
            stack.extend(c);
        }
    }
}

/// A call chain flattened: the root expression and the steps applied to it.
#[derive(Debug)]
pub enum Step<'a> {
    Attr(&'a str, Range<usize>),
    Call(&'a [Arg], Option<&'a [Node]>),
    Index(&'a [Node]),
}

/// `Order.where(a: 1).order(:b)` as root `Order` and steps.
pub fn flatten(n: &Node) -> (&Node, Vec<Step<'_>>) {
    let mut steps = Vec::new();
    let mut cur = n;
    loop {
        match &cur.e {
            E::Attr(b, name) => {
                steps.push(Step::Attr(name, cur.span.clone()));
                cur = b;
            }
            E::Call { func, args, block } => {
                steps.push(Step::Call(args, block.as_deref()));
                cur = func;
            }
            E::Index(b, ix) => {
                steps.push(Step::Index(ix));
                cur = b;
            }
            _ => break,
        }
    }
    steps.reverse();
    (cur, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_schema_block_and_commands() {
        let src = "ActiveRecord::Schema[7.1].define(version: 2024_01_01) do\n  create_table \"orders\", force: :cascade do |t|\n    t.bigint \"user_id\", null: false\n    t.index [\"user_id\", \"created_at\"], name: \"ix\", order: { created_at: :desc }\n  end\nend\n";
        let stmts = parse_ruby(src);
        assert_eq!(stmts.len(), 1);
        let E::Call {
            block: Some(body), ..
        } = &stmts[0].e
        else {
            panic!("{:?}", stmts[0]);
        };
        let E::Call {
            func,
            args,
            block: Some(inner),
        } = &body[0].e
        else {
            panic!("{:?}", body[0]);
        };
        assert_eq!(func.name(), Some("create_table"));
        assert_eq!(args[0].value.str(), Some("orders"));
        assert_eq!(args[1].key.as_deref(), Some("force"));
        assert_eq!(inner.len(), 2);
        let E::Call { func, args, .. } = &inner[1].e else {
            panic!()
        };
        assert_eq!(func.dotted().as_deref(), Some("t.index"));
        assert_eq!(args.len(), 3);
        assert!(matches!(
            kwarg(args, "order").map(|n| &n.e),
            Some(E::Dict(_))
        ));
    }

    #[test]
    fn ruby_chains_scopes_and_symbols() {
        let src = "class Order < ApplicationRecord\n  belongs_to :user\n  scope :recent, -> { where(status: \"open\").order(created_at: :desc) }\n  def self.pending?\n    Order\n      .where(\"total > ?\", 5)\n      .exists?\n  end\nend\n";
        let stmts = parse_ruby(src);
        assert_eq!(stmts.len(), 1);
        let E::Block(kw, head, body) = &stmts[0].e else {
            panic!("{:?}", stmts[0])
        };
        assert_eq!(kw, "class");
        assert!(matches!(&head.e, E::Bin(op, _, _) if op == "<"));
        assert_eq!(body.len(), 3);
        let E::Call { args, .. } = &body[1].e else {
            panic!("{:?}", body[1])
        };
        assert!(matches!(&args[1].value.e, E::Lambda(b) if b.len() == 1));
        let mut chains = 0;
        walk(&stmts, &mut |n| {
            if let E::Attr(_, m) = &n.e {
                if m == "exists?" {
                    let (root, steps) = flatten(n);
                    assert_eq!(root.name(), Some("Order"));
                    assert_eq!(steps.len(), 3);
                    chains += 1;
                }
            }
            true
        });
        assert_eq!(chains, 1);
    }

    #[test]
    fn python_lines_classes_and_kwargs() {
        let src = "class Book(models.Model):\n    title = models.CharField(max_length=20, db_index=True)\n    class Meta:\n        indexes = [models.Index(fields=[\"-title\"], name=\"t\")]\n\nqs = Book.objects.filter(title__startswith=\"a\").order_by(\"-id\")[:10]\n";
        let lines = parse_python(src);
        assert!(matches!(&lines[0].stmt, PyStmt::Class { name, .. } if name == "Book"));
        let PyStmt::Assign { value, .. } = &lines[1].stmt else {
            panic!()
        };
        let E::Call { args, .. } = &value.e else {
            panic!()
        };
        assert!(kwarg(args, "db_index").is_some_and(Node::is_true));
        assert_eq!(lines[2].indent, 4);
        assert_eq!(lines[3].indent, 8);
        let PyStmt::Assign { value, .. } = &lines[4].stmt else {
            panic!()
        };
        let (root, steps) = flatten(value);
        assert_eq!(root.name(), Some("Book"));
        assert!(
            matches!(steps.last(), Some(Step::Index(ix)) if matches!(ix[0].e, E::Slice(None, Some(_)) | E::Slice(..)))
        );
    }

    #[test]
    fn never_panics_on_junk() {
        for src in [
            "((((",
            "}}}]]",
            "a.(",
            "\"unterminated",
            "<<~SQL\nx",
            "%w[",
            ":",
            "x = ->",
            "def",
            "class",
            "t.index",
            "a[:",
            "é.ü(",
            "%",
            "/",
            "?",
            "@",
            "$",
        ] {
            parse_ruby(src);
            parse_python(src);
        }
        let deep = "(".repeat(5000) + &")".repeat(5000);
        parse_ruby(&deep);
        parse_python(&deep);
    }
}

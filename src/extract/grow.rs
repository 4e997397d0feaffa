//! Queries that code grows statement by statement: `+=`, builders, `strings.Join`.
//!
//! Input: the [`Tok`]s of one host file and a string chain that starts a query. Output:
//! the units that code adds to the same variable afterwards, joined in source order
//! ([`follow`]), and Go's `strings.Join([]string{...}, sep)`, Python's
//! `sep.join([...])` and JS's `[...].join(sep)` with literal separators read as one string
//! ([`join_call`], [`join_list`]).
//!
//! What is followed, within one function (up to the next `func`/`def`/`function`/`fn`
//! declared at a lower indentation, the end of the block that declares the variable, or
//! [`WINDOW`] tokens):
//! - `q += piece` (Python, JS/TS, Go, Java, Ruby), `q = q + piece`, Ruby `q << piece`;
//! - builders: `sb.append(piece)` / `.append(a).append(b)` chains (Java `StringBuilder`,
//!   `StringBuffer`, `new StringBuilder("...")`), Go `sb.WriteString(piece)`.
//!
//! A piece added where the statement is reached on every path (the variable's level:
//! same block, same indentation, first statement of its line) is joined as it is. A piece
//! added inside an `if`, a loop, a one-line `if (x) q += ...`, or under a Ruby modifier
//! (`q << x if y`) is an optional clause hole at that place ([`Growth::optional`]); if its
//! text starts with `ORDER BY` or `LIMIT`, the hole is known to sit in that clause.
//!
//! Branches: when the block that assigned the variable ends (a dedent in Python and Ruby,
//! a closing brace elsewhere), the code goes on one level down, where later growth
//! applies to this value too (`if x: q = A` / `else: q = B` / `q += " LIMIT 1"` gives
//! `A LIMIT 1` and `B LIMIT 1`); the `else`/`elif`/`except`/`catch` branches after it are
//! other paths and are not read. A variable declared in its block (`q :=`, `let q`,
//! `String q`) ends with it. A variable assigned again at its level stops the search;
//! assigned again inside an `if`, the rest of that block holds another value and is not
//! read. Assigned from itself (`q = f"{q} AND ..."`, `q = q.strip()`), or handed to other
//! code that may append to it (Go's `&b`, a builder passed as an argument), the query
//! ends with an unknown piece there, so it is never analyzed truncated.
//!
//! Invariant: every joined unit keeps its host position; pieces come later in the file
//! than what they are appended to, so the fragment maps forwards. `strings.Join`'s
//! separator is synthetic text mapped (zero-width) to the comma between two elements.

use super::format::{self, punct, span, tok_span, word};
use super::hole::Region;
use super::literal::{chain, JoinRules, Tok, Unit};
use super::HostLang;
use std::ops::Range;

/// Words that start a new function: a variable's growth is looked for up to there.
const FUNCTION_WORDS: &[&str] = &["func", "def", "function", "fn"];

/// How far (in tokens) a variable's growth is looked for after its assignment.
pub const WINDOW: usize = 5000;

/// Words that open another branch of the statement a block belongs to.
const SIBLING_WORDS: &[&str] = &[
    "else", "elif", "elsif", "except", "catch", "finally", "rescue", "ensure", "when",
];

/// Methods that append to a string builder.
const APPEND_METHODS: &[&str] = &["append", "WriteString", "push_str"];

/// Builder classes whose constructor takes the first piece.
const BUILDER_TYPES: &[&str] = &["StringBuilder", "StringBuffer"];

/// What code adds to a query after its first string.
#[derive(Debug, Default)]
pub struct Growth {
    /// Host ranges of the interpolations that stand for optional pieces, and the clause
    /// the piece is known to start (from its own text).
    pub optional: Vec<(Range<usize>, Option<Region>)>,
    /// Token ranges joined into the query (not extracted again on their own).
    pub consumed: Vec<Range<usize>>,
}

/// Who receives the growth: the variable and how it was declared.
struct Target<'a> {
    name: &'a str,
    /// Token index of the name at its assignment (for its line's indentation).
    at: usize,
    /// Declared in its block (`:=`, `let`, `String q`), so it ends with the block.
    declared: bool,
    /// A builder (appended to, or constructed as one): code it is handed to may append.
    builder: bool,
}

/// Host start of token `k`, if it has one.
fn start_of(toks: &[Tok], k: usize) -> Option<usize> {
    tok_span(toks, k).map(|s| s.0)
}

/// One host file, as growth is followed in it.
pub struct Host<'a> {
    pub lang: HostLang,
    pub toks: &'a [Tok],
    pub src: &'a str,
    pub rules: JoinRules,
    pub lines: Lines,
}

/// Line starts of a host file, for indentation and line ends in `O(log n)` (a minified
/// file is one long line: nothing here scans a line).
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

/// The most leading whitespace counted as indentation.
const MAX_INDENT: usize = 256;

impl Lines {
    pub fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines {
            starts,
            len: src.len(),
        }
    }

    /// Start of the line holding `pos`.
    fn start(&self, pos: usize) -> usize {
        let i = self.starts.partition_point(|&s| s <= pos);
        self.starts.get(i.saturating_sub(1)).copied().unwrap_or(0)
    }

    /// End (the newline's offset, or the end of the file) of the line holding `pos`.
    fn end(&self, pos: usize) -> usize {
        let i = self.starts.partition_point(|&s| s <= pos);
        self.starts
            .get(i)
            .map_or(self.len, |next| next.saturating_sub(1))
    }

    /// Indentation (in characters, at most [`MAX_INDENT`]) of the line holding `pos`.
    fn indent(&self, src: &str, pos: usize) -> usize {
        src.get(self.start(pos)..)
            .unwrap_or("")
            .chars()
            .take(MAX_INDENT)
            .take_while(|c| *c == ' ' || *c == '\t')
            .count()
    }
}

/// Whether token `k` is the first on its line: the nearest earlier token with a host
/// position ends before the line starts.
fn first_on_line(toks: &[Tok], k: usize, lines: &Lines) -> bool {
    let Some(pos) = start_of(toks, k) else {
        return false;
    };
    let line_start = lines.start(pos);
    (k.saturating_sub(8)..k)
        .rev()
        .find_map(|j| tok_span(toks, j))
        .is_none_or(|(_, end)| end <= line_start)
}

/// The variable a chain starting at `start` is assigned to: `q = `, `q := `, `var q = `,
/// `String q = `, `StringBuilder sb = new StringBuilder(`, or the builder a first
/// `sb.append(` call is made on.
fn target<'a>(toks: &[Tok], start: usize, src: &'a str) -> Option<Target<'a>> {
    // `new StringBuilder("...")`: the assignment is before `new`.
    let mut s = start;
    let mut builder = false;
    if punct(toks, s.checked_sub(1)?) == Some('(')
        && word(toks, s.checked_sub(2)?, src).is_some_and(|w| BUILDER_TYPES.contains(&w))
        && word(toks, s.checked_sub(3)?, src) == Some("new")
    {
        s -= 3;
        builder = true;
    }
    // `q := fmt.Sprintf("...", a)`, `q = String.format("...", a)`.
    if punct(toks, s.checked_sub(1)?) == Some('(')
        && word(toks, s.checked_sub(2)?, src).is_some_and(|w| format::FORMAT_FUNCS.contains(&w))
    {
        s -= 2;
        if s >= 2 && punct(toks, s - 1) == Some('.') && word(toks, s - 2, src).is_some() {
            s -= 2;
        }
    }
    // `sb.append("...")`, `sb.WriteString("...")`.
    if punct(toks, s.checked_sub(1)?) == Some('(')
        && word(toks, s.checked_sub(2)?, src).is_some_and(|w| APPEND_METHODS.contains(&w))
        && punct(toks, s.checked_sub(3)?) == Some('.')
    {
        let at = s.checked_sub(4)?;
        let name = word(toks, at, src)?;
        if at > 0 && punct(toks, at - 1) == Some('.') {
            return None;
        }
        return Some(Target {
            name,
            at,
            declared: false,
            builder: true,
        });
    }
    // `q = ("SELECT ..." "FROM ...")`: the parenthesized string is assigned.
    if punct(toks, s.checked_sub(1)?) == Some('(') && punct(toks, s.checked_sub(2)?) == Some('=') {
        s -= 1;
    }
    if punct(toks, s.checked_sub(1)?) != Some('=') {
        return None;
    }
    let before = s.checked_sub(2)?;
    let (at, declared) = match punct(toks, before) {
        Some(':') => (before.checked_sub(1)?, true),
        Some(_) => return None,
        None => (before, false),
    };
    let name = word(toks, at, src)?;
    if at > 0 && punct(toks, at - 1) == Some('.') {
        return None;
    }
    // `let q`, `var q`, `String q`: a word before the name declares it.
    let declared = declared || (at > 0 && word(toks, at - 1, src).is_some());
    Some(Target {
        name,
        at,
        declared,
        builder,
    })
}

/// How a statement starting with the target's name at `k` grows it: the token index of
/// the piece and whether it is an append call (the piece ends at its `)`).
enum Op {
    Grow { piece: usize, call: bool },
    Reassign,
    Other,
}

fn op_at(toks: &[Tok], k: usize, name: &str, src: &str) -> Op {
    let plus = |j: usize| matches!(toks.get(j), Some(Tok::Plus | Tok::Punct('+', _)));
    if plus(k + 1) && punct(toks, k + 2) == Some('=') {
        return Op::Grow {
            piece: k + 3,
            call: false,
        };
    }
    if punct(toks, k + 1) == Some('<') && punct(toks, k + 2) == Some('<') {
        return Op::Grow {
            piece: k + 3,
            call: false,
        };
    }
    if punct(toks, k + 1) == Some('.')
        && word(toks, k + 2, src).is_some_and(|w| APPEND_METHODS.contains(&w))
        && punct(toks, k + 3) == Some('(')
    {
        return Op::Grow {
            piece: k + 4,
            call: true,
        };
    }
    let assign = punct(toks, k + 1) == Some('=') && punct(toks, k + 2) != Some('=')
        || punct(toks, k + 1) == Some(':') && punct(toks, k + 2) == Some('=');
    if assign {
        // `q = q + piece`.
        if punct(toks, k + 1) == Some('=') && word(toks, k + 2, src) == Some(name) && plus(k + 3) {
            return Op::Grow {
                piece: k + 4,
                call: false,
            };
        }
        return Op::Reassign;
    }
    Op::Other
}

/// Whether the assignment to `name` at token `k` reads `name` on its own line (as a word,
/// or inside an interpolation of a string).
fn self_referencing(toks: &[Tok], k: usize, name: &str, src: &str, lines: &Lines) -> bool {
    let Some(pos) = start_of(toks, k) else {
        return false;
    };
    let line_end = lines.end(pos);
    let is_name = |text: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == name)
    };
    for j in k + 1..toks.len().min(k + 200) {
        if start_of(toks, j).is_some_and(|p| p >= line_end) {
            break;
        }
        match toks.get(j) {
            Some(Tok::Word(..)) if word(toks, j, src) == Some(name) => return true,
            Some(Tok::Str(lit)) => {
                let interp = lit.units.iter().any(|u| match u {
                    Unit::Interp { host, host_len } => {
                        src.get(*host..host + host_len).is_some_and(is_name)
                    }
                    Unit::Char { .. } => false,
                });
                if interp {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The units of one piece at `p` and the token after it (after the `)` of an append call,
/// and after any `.append(...)` calls chained to it).
fn piece(toks: &[Tok], p: usize, call: bool, rules: JoinRules) -> (Vec<Unit>, usize) {
    let (mut units, mut e) = match toks.get(p) {
        Some(Tok::Str(_) | Tok::Word(..) | Tok::Punct('(', _)) => chain(toks, p, rules),
        _ => (Vec::new(), p),
    };
    if e <= p {
        // Nothing idxlint can read as a piece (`q += -x`, a Rust operand).
        units = vec![format::unknown_after(toks, p)];
        e = p;
    }
    if !call {
        return (units, e);
    }
    if punct(toks, e) != Some(')') {
        units.push(format::unknown_after(toks, e));
        return (units, e);
    }
    e += 1;
    (units, e)
}

/// Whether a builder statement goes on with `.append(` at `e`.
fn chained_append(toks: &[Tok], e: usize, src: &str) -> bool {
    punct(toks, e) == Some('.')
        && word(toks, e + 1, src).is_some_and(|w| APPEND_METHODS.contains(&w))
        && punct(toks, e + 2) == Some('(')
}

/// Ruby's statement modifiers (`q << x if y`) between tokens `from` and the line's end.
fn ruby_modifier(toks: &[Tok], from: usize, src: &str, lines: &Lines) -> bool {
    let Some(line_end) = (from.saturating_sub(1)..toks.len().min(from + 64))
        .find_map(|k| start_of(toks, k))
        .map(|p| lines.end(p))
    else {
        return false;
    };
    (from..toks.len().min(from + 64))
        .take_while(|&k| start_of(toks, k).is_none_or(|p| p < line_end))
        .any(|k| {
            matches!(
                word(toks, k, src),
                Some("if" | "unless" | "while" | "until")
            )
        })
}

/// Host range of the piece `toks[p..e]` as written, quotes included: from after the
/// operator (`+=`, `<<`, `append(`) to the end of its last token (before an append
/// call's `)`), without the statement's `;`.
fn piece_span(
    toks: &[Tok],
    p: usize,
    e: usize,
    call: bool,
    src: &str,
    lines: &Lines,
) -> Range<usize> {
    let op_end = p
        .checked_sub(1)
        .and_then(|o| tok_span(toks, o))
        .map(|o| o.1);
    let last = if call { e.saturating_sub(1) } else { e };
    if e <= p || (call && e <= p + 1) || !(p..last).any(|k| tok_span(toks, k).is_some()) {
        // Nothing with a host position (an empty string `""`): zero-width at the operator.
        let at = op_end.unwrap_or(0);
        return at..at;
    }
    let (h, l) = span(toks, p, if call { e.saturating_sub(1).max(p) } else { e });
    let from = p
        .checked_sub(1)
        .and_then(|o| tok_span(toks, o))
        .map_or(h, |o| o.1)
        .min(h);
    let last_line_end = lines.end(h + l);
    let to = if call {
        e.checked_sub(1)
            .and_then(|c| start_of(toks, c))
            .unwrap_or(h + l)
    } else {
        (e..toks.len().min(e + 4))
            .find_map(|k| start_of(toks, k))
            .unwrap_or(src.len())
            .min(last_line_end)
    }
    .max(h + l);
    let text = src.get(from..to).unwrap_or("");
    let lead = text.len() - text.trim_start().len();
    let kept = text.trim_end().trim_end_matches(';').trim_end();
    (from + lead).min(from + kept.len())..from + kept.len()
}

/// The clause an optional piece's own text starts (`ORDER BY ...`, `LIMIT ...`).
fn piece_region(units: &[Unit]) -> Option<Region> {
    let text: String = units
        .iter()
        .take(64)
        .map(|u| match u {
            Unit::Char { ch, .. } => *ch,
            Unit::Interp { .. } => ' ',
        })
        .collect();
    let first = text.split_whitespace().next()?.to_ascii_uppercase();
    match first.as_str() {
        "ORDER" => Some(Region::OrderBy),
        "LIMIT" | "OFFSET" | "FETCH" => Some(Region::Limit),
        _ => None,
    }
}

/// Join what code adds to the variable the chain `toks[start..end]` is assigned to (see
/// the module header). `units` holds the chain's units and receives the growth.
pub fn follow(host: &Host, start: usize, end: usize, units: &mut Vec<Unit>) -> Growth {
    let (lang, toks, src, rules, lines) = (host.lang, host.toks, host.src, host.rules, &host.lines);
    let mut g = Growth::default();
    let Some(t) = target(toks, start, src) else {
        return g;
    };
    let mut end = end;
    // `sb.append("...").append(x)`.
    if matches!(toks.get(end), Some(Tok::Punct(')', _))) && chained_append(toks, end + 1, src) {
        end += 1;
    }
    while chained_append(toks, end, src) {
        let (pu, e) = piece(toks, end + 3, true, rules);
        units.extend(pu);
        g.consumed.push(end..e);
        end = e.max(end + 1);
    }
    let Some(base_pos) = start_of(toks, t.at) else {
        return g;
    };
    let by_indent = matches!(lang, HostLang::Python | HostLang::Ruby);
    // Where the variable's value lives: the indentation (Python, Ruby) or brace depth of
    // the block that holds it. It goes down when that block ends and the code goes on.
    let base_indent = lines.indent(src, base_pos);
    let mut level_indent = base_indent;
    let mut level_depth: i64 = 0;
    let mut depth: i64 = 0;
    // Code on another path, or holding another value: not read until the code is back at
    // the level. (level, whether a sibling branch keeps it skipped)
    let mut skip: Option<(i64, bool)> = None;
    let limit = toks.len().min(end.saturating_add(WINDOW));
    let mut k = end;
    while k < limit {
        match toks.get(k) {
            Some(Tok::Punct('{', _)) => depth += 1,
            Some(Tok::Punct('}', _)) => {
                depth -= 1;
                if depth < level_depth && !by_indent {
                    if t.declared {
                        return g;
                    }
                    // Out of the block that assigned it: the code goes on one level
                    // down, and an `else`/`catch` after it is another path.
                    level_depth = depth;
                    if word(toks, k + 1, src).is_some_and(|w| SIBLING_WORDS.contains(&w)) {
                        skip = Some((depth, true));
                    }
                }
            }
            _ => {}
        }
        let w = word(toks, k, src);
        // A function declared at a lower indentation than the assignment (the next
        // top-level `func`, the next method's `def`) ends the search; a closure or a
        // nested function (`sort.Slice(x, func(...) {`, `def inner():` in the body) does
        // not: what it adds is on some paths only.
        if w.is_some_and(|w| FUNCTION_WORDS.contains(&w)) {
            let pos = start_of(toks, k).unwrap_or(0);
            let line_start = lines.start(pos);
            let declaration = (k.saturating_sub(8)..k)
                .rev()
                .take_while(|&j| tok_span(toks, j).is_none_or(|(s, _)| s >= line_start))
                .all(|j| word(toks, j, src).is_some() || tok_span(toks, j).is_none());
            if declaration && lines.indent(src, pos) < base_indent {
                break;
            }
        }
        let first = w.is_some() && first_on_line(toks, k, lines);
        let line_indent = start_of(toks, k).map(|p| lines.indent(src, p));
        if by_indent && first {
            let indent = line_indent.unwrap_or(0);
            if indent < level_indent {
                level_indent = indent;
                if w.is_some_and(|w| SIBLING_WORDS.contains(&w)) {
                    skip = Some((indent as i64, true));
                }
            }
        }
        if let Some((at, sibling_keeps)) = skip {
            let back = if by_indent {
                first && line_indent.is_some_and(|i| i as i64 <= at)
            } else {
                depth <= at && w.is_some()
            };
            let sibling = w.is_some_and(|w| SIBLING_WORDS.contains(&w));
            if back && !(sibling_keeps && sibling) {
                skip = None;
            } else {
                k += 1;
                continue;
            }
        }
        let Some(w) = w else {
            k += 1;
            continue;
        };
        if w != t.name || (k > 0 && punct(toks, k - 1) == Some('.')) {
            k += 1;
            continue;
        }
        // `fmt.Fprintf(&b, ...)`, `addFilters(sb)`: appended to where idxlint cannot see.
        let before = k.checked_sub(1).and_then(|b| punct(toks, b));
        let whole = matches!(punct(toks, k + 1), Some(')' | ','));
        let handed = whole
            && (before == Some('&') && k >= 2 && punct(toks, k - 2) != Some('&')
                || t.builder && matches!(before, Some('(' | ',')));
        if handed {
            end_unknown(units);
            return g;
        }
        let (p, call) = match op_at(toks, k, t.name, src) {
            Op::Grow { piece, call } => (piece, call),
            // `q = f"{q} AND b = 1"`, `q = q.replace(...)`: rebuilt from itself in a way
            // not followed.
            Op::Reassign if self_referencing(toks, k, t.name, src, lines) => {
                end_unknown(units);
                return g;
            }
            // Assigned again on some paths only (inside an `if`): the rest of that
            // block holds the new value; the query goes on after it.
            Op::Reassign
                if depth > level_depth
                    || line_indent.is_some_and(|i| i > level_indent)
                    || !(first || (k > 0 && punct(toks, k - 1) == Some(';'))) =>
            {
                skip = Some((
                    if by_indent {
                        level_indent as i64
                    } else {
                        level_depth
                    },
                    false,
                ));
                k += 1;
                continue;
            }
            Op::Reassign => break,
            _ => {
                k += 1;
                continue;
            }
        };
        let pos = start_of(toks, k).unwrap_or(base_pos);
        let after_semicolon = k > 0 && punct(toks, k - 1) == Some(';');
        let (mut pu, mut e) = piece(toks, p, call, rules);
        if e <= p {
            // A piece idxlint cannot read: the query goes on unknown from here.
            units.extend(pu);
            return g;
        }
        while call && chained_append(toks, e, src) {
            let (more, e2) = piece(toks, e + 3, true, rules);
            pu.extend(more);
            e = e2.max(e + 1);
        }
        let conditional = depth > level_depth
            || lines.indent(src, pos) > level_indent
            || !(first || after_semicolon)
            || (lang == HostLang::Ruby && ruby_modifier(toks, e, src, lines));
        if conditional {
            let r = piece_span(toks, p, e, call, src, lines);
            g.optional.push((r.clone(), piece_region(&pu)));
            units.push(Unit::Interp {
                host: r.start,
                host_len: r.len(),
            });
        } else {
            units.extend(pu);
            g.consumed.push(k..e);
        }
        k = e.max(k + 1);
    }
    g
}

/// End `units` with an unknown piece (a zero-width hole just after the last unit), unless
/// they already end with one.
pub fn end_unknown(units: &mut Vec<Unit>) {
    let at = match units.last() {
        Some(Unit::Interp { host_len: 0, .. }) => return,
        Some(Unit::Char { host, host_len, .. } | Unit::Interp { host, host_len }) => {
            host + host_len
        }
        None => 0,
    };
    units.push(Unit::Interp {
        host: at,
        host_len: 0,
    });
}

/// Whether the units map forwards: each starts at or after where the one before it
/// started plus the host bytes it covered (growth joins pieces in source order; this
/// guards the offset-map invariant against input idxlint misreads).
pub fn in_order(units: &[Unit]) -> bool {
    let mut next = 0usize;
    for u in units {
        let (host, len) = match u {
            Unit::Char { host, host_len, .. } | Unit::Interp { host, host_len } => {
                (*host, *host_len)
            }
        };
        if host < next {
            return false;
        }
        next = host + len;
    }
    true
}

/// List elements: each one's units and the host offset of the comma after it.
type Elements = Vec<(Vec<Unit>, usize)>;

/// The elements of a bracketed list whose first element is at `i`, up to the closing
/// `close`: each element's units and the host offset of the comma after it; the index of
/// the closing bracket.
fn list_elements(
    toks: &[Tok],
    i: usize,
    close: char,
    rules: JoinRules,
) -> Option<(Elements, usize)> {
    let mut elems: Elements = Vec::new();
    let mut k = i;
    loop {
        if punct(toks, k) == Some(close) {
            return Some((elems, k));
        }
        let (u, e) = chain(toks, k, rules);
        if e == k {
            return None;
        }
        let comma = start_of(toks, e)?;
        elems.push((u, comma));
        match punct(toks, e) {
            Some(',') => k = e + 1,
            Some(c) if c == close => return Some((elems, e)),
            _ => return None,
        }
        if elems.len() > format::MAX_OPERAND {
            return None;
        }
    }
}

/// The value of a literal separator token.
fn separator(t: Option<&Tok>) -> Option<String> {
    let Some(Tok::Str(sep)) = t else {
        return None;
    };
    sep.units
        .iter()
        .map(|u| match u {
            Unit::Char { ch, .. } => Some(*ch),
            Unit::Interp { .. } => None,
        })
        .collect()
}

/// Elements joined with the separator between them (synthetic, at each comma).
fn joined(elems: Elements, sep: &str) -> Vec<Unit> {
    let n = elems.len();
    let mut units = Vec::new();
    for (idx, (u, comma)) in elems.into_iter().enumerate() {
        units.extend(u);
        if idx + 1 < n {
            units.extend(sep.chars().map(|ch| Unit::Char {
                ch,
                host: comma,
                host_len: 0,
            }));
        }
    }
    units
}

/// Python's `" ".join(["SELECT ...", "FROM ..."])` whose separator is the string at `i`,
/// and JS's `["SELECT ...", "FROM ..."].join(" ")` whose first element is: the joined
/// units, the token after the call, and the expression's first token.
pub fn join_list(
    toks: &[Tok],
    i: usize,
    src: &str,
    rules: JoinRules,
) -> Option<(Vec<Unit>, usize, usize)> {
    // Python: `sep.join([` ... `])` or `sep.join((` ... `))`.
    if punct(toks, i + 1) == Some('.')
        && word(toks, i + 2, src) == Some("join")
        && punct(toks, i + 3) == Some('(')
    {
        let close = match punct(toks, i + 4)? {
            '[' => ']',
            '(' => ')',
            _ => return None,
        };
        let sep = separator(toks.get(i))?;
        let (elems, c) = list_elements(toks, i + 5, close, rules)?;
        if elems.is_empty() || punct(toks, c + 1) != Some(')') {
            return None;
        }
        return Some((joined(elems, &sep), c + 2, i));
    }
    // JS: `[` ... `].join(sep)`.
    let open = i.checked_sub(1)?;
    if punct(toks, open) != Some('[') {
        return None;
    }
    let (elems, c) = list_elements(toks, i, ']', rules)?;
    let call = punct(toks, c + 1) == Some('.')
        && word(toks, c + 2, src) == Some("join")
        && punct(toks, c + 3) == Some('(')
        && punct(toks, c + 5) == Some(')');
    if !call || elems.is_empty() {
        return None;
    }
    let sep = separator(toks.get(c + 4))?;
    Some((joined(elems, &sep), c + 6, open))
}

/// Go's `strings.Join([]string{"SELECT ...", "FROM ...", cond}, " ")` whose first element
/// is the string at `i`: the joined units (the literal separator between elements), the
/// token after the call, and the call's first token.
pub fn join_call(
    toks: &[Tok],
    i: usize,
    src: &str,
    rules: JoinRules,
) -> Option<(Vec<Unit>, usize, usize)> {
    let head = ["strings", ".", "Join", "(", "[", "]", "string", "{"];
    let first = i.checked_sub(head.len())?;
    for (n, want) in head.iter().enumerate() {
        let k = first + n;
        let ok = match want.chars().next() {
            Some(c) if !c.is_alphanumeric() => punct(toks, k) == Some(c),
            _ => word(toks, k, src) == Some(want),
        };
        if !ok {
            return None;
        }
    }
    // The elements, each a string chain or an operand.
    let mut elems: Vec<(Vec<Unit>, usize)> = Vec::new();
    let mut k = i;
    loop {
        if punct(toks, k) == Some('}') {
            break;
        }
        let (u, e) = chain(toks, k, rules);
        if e == k {
            return None;
        }
        // The separator's place: the comma after the element.
        let comma = start_of(toks, e)?;
        elems.push((u, comma));
        match punct(toks, e) {
            Some(',') => k = e + 1,
            Some('}') => {
                k = e;
                break;
            }
            _ => return None,
        }
        if elems.len() > format::MAX_OPERAND {
            return None;
        }
    }
    // `}, " ")`: a literal separator.
    if punct(toks, k + 1) != Some(',') {
        return None;
    }
    let Some(Tok::Str(sep)) = toks.get(k + 2) else {
        return None;
    };
    if punct(toks, k + 3) != Some(')') {
        return None;
    }
    let sep: Option<String> = sep
        .units
        .iter()
        .map(|u| match u {
            Unit::Char { ch, .. } => Some(*ch),
            Unit::Interp { .. } => None,
        })
        .collect();
    let sep = sep?;
    let n = elems.len();
    let mut units = Vec::new();
    for (idx, (u, comma)) in elems.into_iter().enumerate() {
        units.extend(u);
        if idx + 1 < n {
            units.extend(sep.chars().map(|ch| Unit::Char {
                ch,
                host: comma,
                host_len: 0,
            }));
        }
    }
    Some((units, k + 4, first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{go, java, python};

    fn text(units: &[Unit]) -> String {
        units
            .iter()
            .map(|u| match u {
                Unit::Char { ch, .. } => *ch,
                Unit::Interp { .. } => '§',
            })
            .collect()
    }

    const PLUS: JoinRules = JoinRules {
        adjacent: false,
        plus: true,
    };

    /// [`run`] over `src` lexed as `lang`.
    fn grown(lang: HostLang, src: &str) -> (String, Growth) {
        let toks = match lang {
            HostLang::Python => python::lex(src),
            HostLang::Go => go::lex(src),
            HostLang::Java => java::lex(src),
            HostLang::Ruby => crate::extract::ruby::lex(src),
            _ => crate::extract::javascript::lex(src),
        };
        run(lang, &toks, src)
    }

    fn run(lang: HostLang, toks: &[Tok], src: &str) -> (String, Growth) {
        let i = toks
            .iter()
            .position(|t| matches!(t, Tok::Str(_)))
            .unwrap_or(0);
        let (mut units, end) = chain(toks, i, PLUS);
        let host = Host {
            lang,
            toks,
            src,
            rules: PLUS,
            lines: Lines::new(src),
        };
        let g = follow(&host, i, end, &mut units);
        (text(&units), g)
    }

    #[test]
    fn straight_and_conditional_go() {
        let src = "func f() {\n\tq := \"SELECT a\"\n\tq += \" FROM t\"\n\tif x {\n\t\tq += \" AND b = 1\"\n\t}\n\tq += \" ORDER BY a\"\n}\n";
        let (t, g) = grown(HostLang::Go, src);
        assert_eq!(t, "SELECT a FROM t§ ORDER BY a");
        assert_eq!(g.optional.len(), 1);
        assert_eq!(&src[g.optional[0].0.clone()], "\" AND b = 1\"");
    }

    #[test]
    fn python_indentation_and_one_line_if() {
        let src = "def f(x):\n    q = \"SELECT a FROM t\"\n    if x: q += \" WHERE b = 1\"\n    q += \" LIMIT 5\"\n";
        let (t, g) = grown(HostLang::Python, src);
        assert_eq!(t, "SELECT a FROM t§ LIMIT 5");
        assert_eq!(g.optional.len(), 1);
    }

    #[test]
    fn java_builder_chain_and_statements() {
        let src = "void f() {\n  StringBuilder sb = new StringBuilder(\"SELECT a\");\n  sb.append(\" FROM t\").append(\" WHERE b = ?\");\n  for (String c : cs) sb.append(\" AND c = ?\");\n  sb.append(\" ORDER BY a\");\n}\n";
        let (t, g) = grown(HostLang::Java, src);
        assert_eq!(t, "SELECT a FROM t WHERE b = ?§ ORDER BY a");
        assert_eq!(g.optional.len(), 1);
    }

    #[test]
    fn a_builder_handed_to_other_code_ends_unknown() {
        let src = "func f() {\n\tvar b strings.Builder\n\tb.WriteString(\"SELECT a FROM t\")\n\tdb.Query(b.String())\n\tfmt.Fprintf(&b, \" WHERE %s\", c)\n}\n";
        let (t, _) = grown(HostLang::Go, src);
        assert_eq!(t, "SELECT a FROM t§");
        let src = "void f() {\n  StringBuilder sb = new StringBuilder(\"SELECT a FROM t\");\n  run(sb.toString());\n  addFilters(sb);\n}\n";
        let (t, _) = grown(HostLang::Java, src);
        assert_eq!(t, "SELECT a FROM t§");
    }

    #[test]
    fn a_query_rebuilt_from_itself_ends_unknown() {
        let src = "def f(x):\n    q = \"SELECT a FROM t WHERE b = 1\"\n    if x:\n        q = f\"{q} AND c = 2\"\n    run(q)\n";
        let (t, _) = grown(HostLang::Python, src);
        assert_eq!(t, "SELECT a FROM t WHERE b = 1§");
    }

    #[test]
    fn growth_after_a_conditional_reassignment_goes_on() {
        let src = "def f(x):\n    q = \"SELECT a FROM t WHERE b = 1\"\n    if x:\n        q = \"SELECT a FROM t WHERE c = 2\"\n        q += \" AND e = 4\"\n    else:\n        q += \" AND f = 5\"\n    q += \" AND d = 3\"\n";
        let (t, g) = grown(HostLang::Python, src);
        // The `if` branch holds another value; the `else` branch is this one's.
        assert_eq!(t, "SELECT a FROM t WHERE b = 1§ AND d = 3");
        assert_eq!(&src[g.optional[0].0.clone()], "\" AND f = 5\"");
    }

    #[test]
    fn a_parenthesized_assignment_is_followed() {
        let src =
            "def f(x):\n    q = (\"SELECT a \"\n         \"FROM t\")\n    q += \" WHERE b = 1\"\n";
        let frags = crate::extract::extract_host(HostLang::Python, src);
        let texts: Vec<&str> = frags.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["SELECT a FROM t WHERE b = 1"]);
    }

    #[test]
    fn growth_after_branches_joins_each_branch() {
        let src = "def f(x):\n    if x:\n        q = \"SELECT a FROM t WHERE b = 1\"\n    elif y:\n        q = \"SELECT a FROM u\"\n        q += \" WHERE c = 1\"\n    else:\n        q = \"SELECT a FROM t WHERE b IS NULL\"\n    q += \" LIMIT 1\"\n";
        let (t, g) = grown(HostLang::Python, src);
        assert_eq!(t, "SELECT a FROM t WHERE b = 1 LIMIT 1");
        assert!(g.optional.is_empty());
        let src = "String f() {\n  String q;\n  if (x) {\n    q = \"SELECT a FROM t WHERE b = 1\";\n  } else {\n    q = \"SELECT a FROM t\";\n    q += \" WHERE c = 2\";\n  }\n  q += \" LIMIT 1\";\n}\n";
        let (t, _) = grown(HostLang::Java, src);
        assert_eq!(t, "SELECT a FROM t WHERE b = 1 LIMIT 1");
    }

    #[test]
    fn a_closure_does_not_end_the_search() {
        let src = "func f() {\n\tq := \"SELECT a FROM t\"\n\tsort.Slice(xs, func(i, j int) bool { return i < j })\n\tq += \" WHERE b = 1\"\n\tdb.Query(q)\n}\n\nfunc g() {\n\tq += \" LIMIT 1\"\n}\n";
        let (t, _) = grown(HostLang::Go, src);
        assert_eq!(t, "SELECT a FROM t WHERE b = 1");
    }

    #[test]
    fn a_declared_local_ends_with_its_block() {
        let src = "func f() {\n\tif x {\n\t\tq := \"SELECT a FROM t\"\n\t\trun(q)\n\t}\n\tq += \" WHERE b = 1\"\n}\n";
        let (t, _) = grown(HostLang::Go, src);
        assert_eq!(t, "SELECT a FROM t");
    }

    #[test]
    fn a_reassignment_stops_and_another_function_is_not_followed() {
        let src = "func f() {\n\tq := \"SELECT a FROM t\"\n\tq = \"SELECT b FROM t\"\n\tq += \" LIMIT 1\"\n}\nfunc g() {\n\tq := \"\"\n\tq += \"x\"\n}\n";
        let (t, _) = grown(HostLang::Go, src);
        assert_eq!(t, "SELECT a FROM t");
    }

    #[test]
    fn python_and_js_list_joins() {
        let src = "q = \" \".join([\"SELECT a\", \"FROM t\", cond])";
        let toks = python::lex(src);
        let (units, end, first) = join_list(&toks, 2, src, PLUS).expect("a join");
        assert_eq!(text(&units), "SELECT a FROM t §");
        assert_eq!((end, first), (toks.len(), 2));
        let src = "const q = [\"SELECT a\", \"FROM t\"].join(\" \");";
        let toks = crate::extract::javascript::lex(src);
        let i = toks
            .iter()
            .position(|t| matches!(t, Tok::Str(_)))
            .unwrap_or(0);
        let (units, _, first) = join_list(&toks, i, src, PLUS).expect("a join");
        assert_eq!(text(&units), "SELECT a FROM t");
        assert_eq!(first, i - 1);
        // A separator that is not a literal: not joined.
        let src = "const q = [\"SELECT a\", \"FROM t\"].join(sep);";
        let toks = crate::extract::javascript::lex(src);
        assert!(join_list(&toks, i, src, PLUS).is_none());
    }

    #[test]
    fn go_strings_join() {
        let src = "q := strings.Join([]string{\"SELECT a\", \"FROM t\", cond}, \" \")";
        let toks = go::lex(src);
        let i = toks
            .iter()
            .position(|t| matches!(t, Tok::Str(_)))
            .unwrap_or(0);
        let (units, end, first) = join_call(&toks, i, src, PLUS).expect("a join");
        assert_eq!(text(&units), "SELECT a FROM t §");
        assert_eq!(end, toks.len());
        assert_eq!(word(&toks, first, src), Some("strings"));
    }
}

//! Placeholders and interpolations become numbered parameters, so the SQL parses.
//!
//! Input: the decoded units of one SQL string (see [`super::literal`]). Output: the same
//! characters with every interpolation (`${x}`, `{x}`, `#{x}`) and every driver placeholder
//! replaced by a `$N` parameter, which sqlparser's PostgreSQL, MySQL and SQLite dialects
//! all accept. Only host strings are rewritten; `.sql` files are left as they are.
//!
//! Recognised, outside SQL string literals, quoted identifiers and comments:
//! - `?` and `?NNN`, but only where a value is expected: after an operator, `(`, `,`, or a
//!   keyword such as `LIMIT`, `OFFSET`, `IN`, `VALUES`, `WHERE`, `AND`, `THEN`, or at the
//!   start. After an identifier, a literal or `)`, `?` is PostgreSQL's jsonb "key exists"
//!   operator (`data ? 'k'`), and `?|`, `?&` are always operators.
//! - `%s` and `%(name)s` (Python DB-API); `%%` is then left alone (sqlparser reads `%%`
//!   poorly either way, and the percent sign rarely matters to index analysis).
//! - `:name` (not `::type` casts, not `:=`, not `a[1:2]`), preceded by a non-word character.
//! - `@name` (not `@@system_var`, not the `@>` operator; emails sit in string literals).
//! - Existing `$1` parameters stay; new parameters are numbered after the largest one.
//!
//! - Holes (see [`super::hole`]): interpolations, and the format placeholders `%s`, `%d`,
//!   `%v`, `%(name)s`, `{}`, `{name}` outside quotes, are classified by their position: a
//!   value is a parameter, a list `($N)`, a name its constant or `idxlint_hole_N`, a
//!   clause is removed. A `%s` with no format call around it in a value position is the
//!   DB-API placeholder, a parameter.
//!
//! Invariant: every output unit maps to host bytes of its input units; a parameter maps to
//! the whole host span of the placeholder it replaces; text written for a hole is
//! synthetic and maps to the hole's host span.

use super::format::{Constants, FormatArgs};
use super::hole::{expr_of, label_of, HoleKind, Region};
use super::literal::Unit;
use super::naming::Bindings;
use std::ops::Range;

/// One unit of the rewritten string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    Char {
        ch: char,
        host: usize,
        host_len: usize,
    },
    /// A character written for a hole (a resolved constant, `TRUE`, `*`, a hole name):
    /// always synthetic, mapping to the hole's host span.
    Synth {
        ch: char,
        host: usize,
        host_len: usize,
    },
    Param {
        n: usize,
        host: usize,
        host_len: usize,
    },
}

/// A hole found while rewriting; `out` indexes the [`Out`] units written for it.
#[derive(Debug, Clone)]
pub struct HoleOut {
    pub kind: HoleKind,
    pub region: Region,
    pub out: Range<usize>,
    pub host: Range<usize>,
    pub label: String,
    pub resolved: Option<String>,
}

/// What the host file knows around one string.
pub struct Context<'a> {
    /// The host text (for the labels of holes); may be empty.
    pub src: &'a str,
    pub consts: &'a Constants,
    pub args: &'a FormatArgs,
    /// Names bound through the configured naming helpers ([`super::naming`]).
    pub names: &'a Bindings,
    /// Host ranges of interpolations that code adds only on some paths (a `+=` inside an
    /// `if` or a loop): always clause holes, never resolved.
    /// The clause the piece's own text starts, when it says (`ORDER BY ...`).
    pub optional: &'a [(Range<usize>, Option<Region>)],
}

/// The rewritten string and its holes.
pub struct Rewritten {
    pub out: Vec<Out>,
    pub holes: Vec<HoleOut>,
}

/// Keywords after which a `?` stands for a value.
const VALUE_KEYWORDS: &[&str] = &[
    "LIMIT", "OFFSET", "IN", "VALUES", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN",
    "SELECT", "SET", "LIKE", "ILIKE", "BETWEEN", "IS", "ON", "BY", "RETURN", "CASE", "ANY", "ALL",
    "SOME", "DISTINCT", "FETCH", "FIRST", "NEXT", "TOP", "INTERVAL", "ESCAPE",
];

/// Keywords after which a hole is a whole condition, unless a comparison follows.
const CONDITION_KEYWORDS: &[&str] = &["WHERE", "AND", "OR", "ON", "HAVING", "NOT", "WHEN"];

/// Keywords after which a hole names a table.
const TABLE_KEYWORDS: &[&str] = &["FROM", "JOIN", "UPDATE", "INTO", "TABLE", "USING"];

/// Words after a hole that make it the left side of a comparison.
const COMPARISON_WORDS: &[&str] = &["IN", "IS", "LIKE", "ILIKE", "BETWEEN", "NOT", "SIMILAR"];

fn ch(u: &Unit) -> Option<char> {
    match u {
        Unit::Char { ch, .. } => Some(*ch),
        Unit::Interp { .. } => None,
    }
}

fn span(units: &[Unit]) -> (usize, usize) {
    let first = units.first().map(host_of).unwrap_or(0);
    let end = units
        .last()
        .map(|u| match u {
            Unit::Char { host, host_len, .. } | Unit::Interp { host, host_len } => host + host_len,
        })
        .unwrap_or(first);
    (first, end.max(first) - first)
}

fn host_of(u: &Unit) -> usize {
    match u {
        Unit::Char { host, .. } | Unit::Interp { host, .. } => *host,
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn region_of(word: &str) -> Option<Region> {
    Some(match word {
        "SELECT" => Region::Select,
        "FROM" | "JOIN" | "UPDATE" | "INTO" | "DELETE" | "USING" => Region::From,
        "WHERE" | "ON" => Region::Where,
        "GROUP" => Region::GroupBy,
        "HAVING" => Region::Having,
        "ORDER" => Region::OrderBy,
        "LIMIT" | "OFFSET" | "FETCH" => Region::Limit,
        "SET" => Region::Set,
        "VALUES" => Region::Values,
        "RETURNING" => Region::Returning,
        _ => return None,
    })
}

/// Rewrite interpolations and driver placeholders in `units` as `$N` parameters, with no
/// file context (see [`rewrite_with`]).
pub fn rewrite(units: &[Unit]) -> Vec<Out> {
    let consts = Constants::default();
    let args = FormatArgs::default();
    let names = Bindings::default();
    rewrite_with(
        units,
        &Context {
            src: "",
            consts: &consts,
            args: &args,
            names: &names,
            optional: &[],
        },
    )
    .out
}

/// Rewrite interpolations and placeholders: values become `$N` parameters, and holes of
/// other kinds are written as [`super::hole`] describes.
pub fn rewrite_with(units: &[Unit], cx: &Context) -> Rewritten {
    let mut units: Vec<Unit> = units.to_vec();
    let mut chars: Vec<Option<char>> = units.iter().map(ch).collect();
    let mut next = max_dollar_param(&chars) + 1;
    let mut out: Vec<Out> = Vec::with_capacity(units.len());
    let mut holes: Vec<HoleOut> = Vec::new();
    // The last significant token before the cursor: a word, or a punctuation char.
    let mut prev_word = String::new();
    let mut prev_punct: Option<char> = None;
    // The clause each open parenthesis level is in.
    let mut regions: Vec<Region> = vec![Region::Prefix];
    // Format placeholders seen so far (`%s`, `{}`), for positional arguments.
    let mut positional = 0usize;
    // `INSERT INTO t (...)`: whether the last word named the table after `INTO`, and the
    // parenthesis level of the column list being read.
    let mut into_table = false;
    let mut column_list: Option<usize> = None;
    // A resolved constant being copied: (hole index, end unit index).
    let mut resolving: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < units.len() {
        if let Some((h, end)) = resolving {
            if i >= end {
                holes[h].out.end = out.len();
                resolving = None;
            }
        }
        let at = |i: usize| chars.get(i).copied().flatten();
        let c = at(i);
        // Quoted SQL: strings, identifiers, comments are copied as they are;
        // interpolations inside them are values (`'%${q}%'`).
        let quoted_end = match c {
            Some(q @ ('\'' | '"' | '`')) => Some(skip_quoted(&chars, i, q)),
            Some('-') if at(i + 1) == Some('-') => Some(skip_until(&chars, i, "\n")),
            Some('/') if at(i + 1) == Some('*') => Some(skip_until(&chars, i + 2, "*/")),
            Some('$') if at(i + 1).is_some_and(|d| d == '$' || d.is_alphabetic() || d == '_') => {
                Some(skip_dollar(&chars, i))
            }
            _ => None,
        };
        if let Some(end) = quoted_end {
            for u in &units[i..end] {
                match *u {
                    Unit::Char { ch, host, host_len } if resolving.is_some() => {
                        out.push(Out::Synth { ch, host, host_len })
                    }
                    Unit::Char { ch, host, host_len } => out.push(Out::Char { ch, host, host_len }),
                    Unit::Interp { host, host_len } => {
                        out.push(Out::Param {
                            n: next,
                            host,
                            host_len,
                        });
                        next += 1;
                    }
                }
            }
            if matches!(c, Some('\'' | '"' | '`' | '$')) {
                // `INTO "t"`, `INTO s."t"`: a quoted table name.
                into_table = matches!(c, Some('"' | '`'))
                    && (prev_word.eq_ignore_ascii_case("INTO")
                        || (prev_punct == Some('.') && into_table));
                prev_word = "'".to_string();
                prev_punct = None;
            }
            i = end;
            continue;
        }
        // `%%` is a percent sign; after a format call, `%%s` is the DB-API placeholder.
        if c == Some('%') && at(i + 1) == Some('%') {
            if !cx.args.is_empty() && at(i + 2) == Some('s') && !at(i + 3).is_some_and(is_word) {
                let (host, host_len) = span(&units[i..i + 3]);
                out.push(Out::Param {
                    n: next,
                    host,
                    host_len,
                });
                next += 1;
                prev_word.clear();
                prev_punct = Some('$');
                i += 3;
                continue;
            }
            for u in &units[i..i + 2] {
                if let Unit::Char { ch, host, host_len } = *u {
                    out.push(Out::Char { ch, host, host_len });
                }
            }
            prev_word.clear();
            prev_punct = Some('%');
            i += 2;
            continue;
        }
        // A hole: an interpolation, or a format placeholder (`%s`, `%d`, `{name}`).
        let hole_end = match c {
            None => Some((i + 1, None)),
            Some('%') => format_percent(&chars, i),
            Some('{') => format_brace(&chars, i),
            _ => None,
        };
        if let Some((end, name)) = hole_end {
            let (host, host_len) = span(&units[i..end]);
            let is_interp = c.is_none();
            // The label: the argument the format call gives, else the host expression.
            let arg = if is_interp {
                None
            } else {
                match &name {
                    Some(n) if n.chars().all(|d| d.is_ascii_digit()) => n
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| cx.args.positional.get(k).cloned()),
                    Some(n) => cx
                        .args
                        .named
                        .iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, r)| r.clone()),
                    None => {
                        positional += 1;
                        cx.args.positional.get(positional - 1).cloned()
                    }
                }
            };
            let label = match (&arg, &name) {
                (Some(r), _) => label_of(cx.src.get(r.clone()).unwrap_or("")),
                (None, Some(n)) if !is_interp && !n.chars().all(|d| d.is_ascii_digit()) => {
                    n.clone()
                }
                _ => label_of(cx.src.get(host..host + host_len).unwrap_or("")),
            };
            let percent_s = c == Some('%') && name.is_none();
            let known_args = !cx.args.is_empty();
            // Glued to a name (`user_{suffix}`, `{schema}.t`)?
            let before = i.checked_sub(1).and_then(at);
            let after = at(end);
            let glued = before.is_some_and(|b| is_word(b) || b == '.')
                || after.is_some_and(|a| is_word(a) || a == '.');
            let next_sig = next_significant(&chars, end);
            let region = regions.last().copied().unwrap_or(Region::Other);
            // A zero-width hole is the unknown rest of a string that code goes on building.
            let optional = if is_interp && host_len > 0 {
                cx.optional
                    .iter()
                    .find(|(r, _)| *r == (host..host + host_len))
            } else {
                None
            };
            // A name a naming helper binds is a name wherever it sits.
            let named = if resolving.is_none() && optional.is_none() && host_len > 0 {
                let expr = match &arg {
                    Some(r) => cx.src.get(r.clone()).unwrap_or(""),
                    None => cx.src.get(host..host + host_len).unwrap_or(""),
                };
                cx.names.resolve(&expr_of(expr), host)
            } else {
                None
            };
            let in_column_list = column_list == Some(regions.len())
                && matches!(prev_punct, Some('(' | ','))
                && prev_word.is_empty();
            let by_position = if in_column_list {
                HoleKind::Identifier
            } else {
                classify(&prev_word, prev_punct, &next_sig, region, glued)
            };
            let kind = if is_interp && host_len == 0 {
                HoleKind::Clause
            } else if optional.is_some() {
                // An optional piece is a clause, or more of a select list.
                if by_position == HoleKind::Columns {
                    HoleKind::Columns
                } else {
                    HoleKind::Clause
                }
            } else {
                match &named {
                    Some((HoleKind::Identifier, _)) if by_position == HoleKind::Columns => {
                        HoleKind::Columns
                    }
                    Some((k, _)) => *k,
                    None => by_position,
                }
            };
            let region = match optional {
                Some((_, Some(r))) => *r,
                _ => region,
            };
            // A driver placeholder (`%s` with no format call) in a value position is a
            // parameter, not a hole.
            let driver_value = percent_s && !known_args && kind == HoleKind::Value;
            let driver_value = driver_value
                || (c == Some('%') && name.is_some() && !known_args && kind == HoleKind::Value);
            if driver_value {
                out.push(Out::Param {
                    n: next,
                    host,
                    host_len,
                });
                next += 1;
                prev_word.clear();
                prev_punct = Some('$');
                i = end;
                continue;
            }
            let start = out.len();
            // A constant's own placeholders are not resolved again (`A = "{A}"` would
            // never end).
            let resolved = match kind {
                _ if resolving.is_some() || optional.is_some() => None,
                _ if named.is_some() => named.and_then(|(_, v)| v),
                HoleKind::Identifier | HoleKind::Columns | HoleKind::Clause => cx
                    .consts
                    .get(&label)
                    .map(str::to_string)
                    .or_else(|| literal_value(&label)),
                _ => None,
            };
            let synth = |out: &mut Vec<Out>, text: &str| {
                for ch in text.chars() {
                    out.push(Out::Synth { ch, host, host_len });
                }
            };
            holes.push(HoleOut {
                kind,
                region: if kind == HoleKind::Clause && prev_word.is_empty() && prev_punct.is_none()
                {
                    Region::Prefix
                } else {
                    region
                },
                out: start..start,
                host: host..host + host_len,
                label,
                resolved: resolved.clone(),
            });
            if let Some(value) = resolved {
                // Copy the constant in place of the hole and read it as SQL text.
                let units_in: Vec<Unit> = std::iter::once(' ')
                    .chain(value.chars())
                    .chain(std::iter::once(' '))
                    .map(|ch| Unit::Char { ch, host, host_len })
                    .collect();
                let n_in = units_in.len();
                units.splice(i..end, units_in);
                chars = units.iter().map(ch).collect();
                resolving = Some((holes.len() - 1, i + n_in));
                continue;
            }
            match kind {
                HoleKind::Value => {
                    out.push(Out::Param {
                        n: next,
                        host,
                        host_len,
                    });
                    next += 1;
                    prev_word.clear();
                    prev_punct = Some('$');
                }
                HoleKind::List => {
                    synth(&mut out, "(");
                    out.push(Out::Param {
                        n: next,
                        host,
                        host_len,
                    });
                    next += 1;
                    synth(&mut out, ")");
                    prev_word.clear();
                    prev_punct = Some(')');
                }
                HoleKind::Identifier => {
                    synth(&mut out, &format!("idxlint_hole_{}", holes.len()));
                    into_table = prev_word.eq_ignore_ascii_case("INTO");
                    prev_word = "idxlint_hole".to_string();
                    prev_punct = None;
                }
                HoleKind::Columns => {
                    synth(&mut out, "*");
                    prev_word.clear();
                    prev_punct = Some('*');
                }
                HoleKind::Clause => {
                    let up = prev_word.to_ascii_uppercase();
                    if CONDITION_KEYWORDS.contains(&up.as_str()) {
                        synth(&mut out, "TRUE");
                        prev_word = "TRUE".to_string();
                        prev_punct = None;
                    } else if region == Region::Set && (up == "SET" || prev_punct == Some(',')) {
                        // An assignment list (`SET ${assignments}`): one assignment to a
                        // column no schema declares, so the statement parses.
                        synth(&mut out, &format!("idxlint_hole_{} = NULL", holes.len()));
                        prev_word = "NULL".to_string();
                        prev_punct = None;
                    } else {
                        synth(&mut out, " ");
                    }
                }
            }
            if let Some(h) = holes.last_mut() {
                h.out.end = out.len();
            }
            i = end;
            continue;
        }
        let Some(c) = c else {
            i += 1;
            continue;
        };
        let copy1 = |out: &mut Vec<Out>, u: &Unit| {
            if let Unit::Char { ch, host, host_len } = *u {
                if resolving.is_some() {
                    out.push(Out::Synth { ch, host, host_len });
                } else {
                    out.push(Out::Char { ch, host, host_len });
                }
            }
        };
        if c.is_whitespace() {
            copy1(&mut out, &units[i]);
            i += 1;
            continue;
        }
        if is_word(c) {
            let mut j = i;
            while at(j).is_some_and(is_word) {
                j += 1;
            }
            for u in &units[i..j] {
                copy1(&mut out, u);
            }
            let w: String = chars[i..j].iter().flatten().collect();
            into_table = if prev_punct == Some('.') {
                into_table
            } else {
                prev_word.eq_ignore_ascii_case("INTO") && !w.eq_ignore_ascii_case("SELECT")
            };
            prev_word = w;
            prev_punct = None;
            if let Some(r) = region_of(&prev_word.to_ascii_uppercase()) {
                if let Some(top) = regions.last_mut() {
                    *top = r;
                }
            }
            i = j;
            continue;
        }
        // `IN :ids` (a driver expanding a tuple): written as a one-element list.
        let list = prev_word.eq_ignore_ascii_case("IN");
        let param_from = |out: &mut Vec<Out>, next: &mut usize, from: usize, to: usize| {
            let (host, host_len) = span(&units[from..to]);
            if list {
                out.push(Out::Synth {
                    ch: '(',
                    host,
                    host_len,
                });
            }
            out.push(Out::Param {
                n: *next,
                host,
                host_len,
            });
            if list {
                out.push(Out::Synth {
                    ch: ')',
                    host,
                    host_len,
                });
            }
            *next += 1;
        };
        match c {
            '?' => {
                let n1 = at(i + 1);
                let operator = matches!(n1, Some('|') | Some('&'));
                let value_pos = !operator && value_expected(&prev_word, prev_punct);
                if value_pos {
                    let mut j = i + 1;
                    while at(j).is_some_and(|d| d.is_ascii_digit()) {
                        j += 1;
                    }
                    param_from(&mut out, &mut next, i, j);
                    prev_word.clear();
                    prev_punct = Some('$');
                    i = j;
                    continue;
                }
            }
            ':' | '@' => {
                let before = i.checked_sub(1).and_then(at);
                let after = at(i + 1);
                let starts_name = after.is_some_and(|d| d.is_alphabetic() || d == '_');
                let clean_before = !before.is_some_and(|b| is_word(b) || b == ':' || b == '@');
                if starts_name && clean_before {
                    let mut j = i + 1;
                    while at(j).is_some_and(is_word) {
                        j += 1;
                    }
                    // `a[lo:hi]` is an array slice.
                    let slice = c == ':' && prev_punct != Some('[') && at(j) == Some(']');
                    if !slice {
                        param_from(&mut out, &mut next, i, j);
                        prev_word.clear();
                        prev_punct = Some('$');
                        i = j;
                        continue;
                    }
                }
            }
            '(' => {
                regions.push(Region::Other);
                if into_table {
                    column_list = Some(regions.len());
                }
            }
            ')' if regions.len() > 1 => {
                if column_list == Some(regions.len()) {
                    column_list = None;
                }
                regions.pop();
            }
            _ => {}
        }
        copy1(&mut out, &units[i]);
        prev_word.clear();
        prev_punct = Some(c);
        if c != '.' {
            into_table = false;
        }
        i += 1;
    }
    if let Some((h, _)) = resolving {
        holes[h].out.end = out.len();
    }
    Rewritten { out, holes }
}

/// The SQL text an argument expression spells out: a string literal (`"notes"`), psycopg's
/// `sql.Identifier("a", "b")` (`"a"."b"`) and `sql.SQL("text")`.
fn literal_value(expr: &str) -> Option<String> {
    let e = expr.trim();
    let unquote = |s: &str| -> Option<String> {
        let s = s.trim();
        let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = s.strip_prefix(q)?.strip_suffix(q)?;
        (!inner.contains(q) && !inner.contains('\\')).then(|| inner.to_string())
    };
    if let Some(v) = unquote(e) {
        return Some(v);
    }
    let (func, rest) = e.split_once('(')?;
    let args = rest.strip_suffix(')')?;
    let func = func.rsplit('.').next().unwrap_or(func);
    match func {
        "Identifier" => {
            let parts: Option<Vec<String>> = args.split(',').map(unquote).collect();
            let parts = parts?;
            (!parts.is_empty()).then(|| {
                parts
                    .iter()
                    .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(".")
            })
        }
        "SQL" => unquote(args),
        _ => None,
    }
}

/// The next significant token after `from`: a word (upper-cased) or a punctuation char.
fn next_significant(chars: &[Option<char>], from: usize) -> String {
    let mut j = from;
    while chars
        .get(j)
        .copied()
        .flatten()
        .is_some_and(char::is_whitespace)
    {
        j += 1;
    }
    let mut w = String::new();
    while let Some(c) = chars.get(j).copied().flatten() {
        if is_word(c) {
            w.push(c.to_ascii_uppercase());
            j += 1;
        } else {
            if w.is_empty() {
                w.push(c);
                // A comment opener is two characters (`--`, `/*`): keep both.
                let second = chars.get(j + 1).copied().flatten();
                if let ('-', Some('-')) | ('/', Some('*')) = (c, second) {
                    w.extend(second);
                }
            }
            break;
        }
    }
    w
}

/// The kind of a hole from the tokens around it.
fn classify(
    prev_word: &str,
    prev_punct: Option<char>,
    next: &str,
    region: Region,
    glued: bool,
) -> HoleKind {
    if glued {
        return HoleKind::Identifier;
    }
    let up = prev_word.to_ascii_uppercase();
    let up = up.as_str();
    if TABLE_KEYWORDS.contains(&up) {
        return HoleKind::Identifier;
    }
    // `DROP TABLE IF EXISTS ${name}` (not `WHERE EXISTS ${subquery}`).
    if up == "EXISTS" && !matches!(region, Region::Where | Region::Having) {
        return HoleKind::Identifier;
    }
    if (up == "IN" || up == "VALUES") && next != "(" {
        return HoleKind::List;
    }
    // `BY ${col}`, `AS ${alias}`.
    if up == "BY" || up == "AS" {
        return HoleKind::Identifier;
    }
    if CONDITION_KEYWORDS.contains(&up) {
        // Followed by an operator (`= 1`, `->> 'k'`, `@> x`, `::int`), it is an operand; a
        // comment (`-- ...`, `/* ... */`) is not an operator.
        let comment = next.starts_with("--") || next.starts_with("/*");
        let comparison = (!comment
            && next.starts_with([
                '=', '<', '>', '!', '-', '@', '?', '|', '&', '~', '+', '*', '/', '%', ':', '[',
                '^', '#',
            ]))
            || COMPARISON_WORDS.contains(&next);
        return if comparison {
            HoleKind::Identifier
        } else {
            HoleKind::Clause
        };
    }
    if region == Region::Select && (up == "SELECT" || up == "DISTINCT" || prev_punct == Some(',')) {
        return HoleKind::Columns;
    }
    if region == Region::Returning && (up == "RETURNING" || prev_punct == Some(',')) {
        return HoleKind::Columns;
    }
    // `SET ${col} = ...` names a column; `SET ${assignments}` is an assignment list.
    if region == Region::Set && (up == "SET" || prev_punct == Some(',')) {
        return if next.starts_with('=') {
            HoleKind::Identifier
        } else {
            HoleKind::Clause
        };
    }
    if prev_word.is_empty() && prev_punct.is_none() {
        return HoleKind::Clause;
    }
    if value_expected(prev_word, prev_punct) {
        return HoleKind::Value;
    }
    HoleKind::Clause
}

/// A `%s`-style format placeholder at `i`: its end and its name (`%(name)s`).
fn format_percent(chars: &[Option<char>], i: usize) -> Option<(usize, Option<String>)> {
    let at = |k: usize| chars.get(k).copied().flatten();
    match at(i + 1) {
        Some('s' | 'd' | 'v' | 'q' | 'i') if !at(i + 2).is_some_and(is_word) => Some((i + 2, None)),
        // Go's explicit argument index: `%[1]s` is the first argument.
        Some('[') => {
            let mut j = i + 2;
            while at(j).is_some_and(|d| d.is_ascii_digit()) {
                j += 1;
            }
            let n: String = chars[i + 2..j].iter().flatten().collect();
            let n: usize = n.parse().ok().filter(|n| *n > 0)?;
            (at(j) == Some(']') && matches!(at(j + 1), Some('s' | 'd' | 'v' | 'q')))
                .then(|| (j + 2, Some((n - 1).to_string())))
        }
        Some('(') => {
            let mut j = i + 2;
            while at(j).is_some_and(is_word) {
                j += 1;
            }
            if j > i + 2 && at(j) == Some(')') && matches!(at(j + 1), Some('s' | 'd')) {
                let name: String = chars[i + 2..j].iter().flatten().collect();
                Some((j + 2, Some(name)))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A `{}`, `{0}`, `{name}`, `{name!r}`, `{a.b}` format placeholder at `i`: its end and its
/// name (digits for an explicit position; `None` for `{}`).
fn format_brace(chars: &[Option<char>], i: usize) -> Option<(usize, Option<String>)> {
    let mut j = i + 1;
    while j < chars.len() && j < i + 64 {
        match chars[j] {
            Some('}') => {
                let inner: String = chars[i + 1..j].iter().flatten().collect();
                let name = inner.split(['!', ':']).next().unwrap_or("").to_string();
                return Some((j + 1, (!name.is_empty()).then_some(name)));
            }
            Some(c) if is_word(c) || matches!(c, '.' | '!' | ':' | '[' | ']') => j += 1,
            _ => return None,
        }
    }
    None
}

fn value_expected(prev_word: &str, prev_punct: Option<char>) -> bool {
    if !prev_word.is_empty() {
        let up = prev_word.to_ascii_uppercase();
        return VALUE_KEYWORDS.contains(&up.as_str());
    }
    match prev_punct {
        None => true,
        Some(p) => matches!(
            p,
            '=' | '<' | '>' | '!' | '(' | ',' | '+' | '-' | '*' | '/' | '%' | '|' | '[' | '&'
        ),
    }
}

/// End (exclusive) of a quoted run starting at `i` with quote `q` (doubling escapes it; a
/// backslash escapes the next char, which covers MySQL and `E''` strings well enough).
fn skip_quoted(chars: &[Option<char>], i: usize, q: char) -> usize {
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            Some('\\') if q == '\'' => j += 2,
            Some(c) if c == q => {
                if chars.get(j + 1).copied().flatten() == Some(q) {
                    j += 2;
                } else {
                    return j + 1;
                }
            }
            _ => j += 1,
        }
    }
    chars.len()
}

fn skip_until(chars: &[Option<char>], from: usize, end: &str) -> usize {
    let pat: Vec<Option<char>> = end.chars().map(Some).collect();
    let mut j = from;
    while j < chars.len() {
        if chars[j..].starts_with(&pat) {
            return j + pat.len();
        }
        j += 1;
    }
    chars.len()
}

/// `$tag$ ... $tag$`, or a `$1` parameter / `$name` (kept as it is).
fn skip_dollar(chars: &[Option<char>], i: usize) -> usize {
    let mut j = i + 1;
    while chars.get(j).copied().flatten().is_some_and(is_word) {
        j += 1;
    }
    if chars.get(j).copied().flatten() != Some('$') {
        return j;
    }
    let tag = &chars[i..=j];
    let mut k = j + 1;
    while k < chars.len() {
        if chars[k..].starts_with(tag) {
            return k + tag.len();
        }
        k += 1;
    }
    chars.len()
}

/// The largest `$N` in the text, or 0.
fn max_dollar_param(chars: &[Option<char>]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == Some('$') && !(i > 0 && chars[i - 1].is_some_and(is_word)) {
            let mut j = i + 1;
            let mut v: usize = 0;
            while let Some(d) = chars.get(j).copied().flatten().and_then(|d| d.to_digit(10)) {
                v = v.saturating_mul(10).saturating_add(d as usize);
                j += 1;
            }
            if j > i + 1 && v < 100_000 {
                max = max.max(v);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let units: Vec<Unit> = s
            .char_indices()
            .map(|(i, c)| {
                if c == '§' {
                    Unit::Interp {
                        host: i,
                        host_len: 2,
                    }
                } else {
                    Unit::verbatim(c, i)
                }
            })
            .collect();
        rewrite(&units)
            .into_iter()
            .map(|o| match o {
                Out::Char { ch, .. } | Out::Synth { ch, .. } => ch.to_string(),
                Out::Param { n, .. } => format!("${n}"),
            })
            .collect()
    }

    #[test]
    fn question_marks_only_in_value_position() {
        assert_eq!(run("a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
        assert_eq!(run("data ? 'k' AND x = ?"), "data ? 'k' AND x = $1");
        assert_eq!(run("d ?| array['a'] LIMIT ?"), "d ?| array['a'] LIMIT $1");
        assert_eq!(run("x = ?2"), "x = $1");
        assert_eq!(run("a IN ? AND b IN :ids"), "a IN ($1) AND b IN ($2)");
    }

    #[test]
    fn named_and_percent() {
        assert_eq!(
            run("a = :id AND b::int = 1 AND c := 2"),
            "a = $1 AND b::int = 1 AND c := 2"
        );
        assert_eq!(run("a = %s AND b = %(name)s"), "a = $1 AND b = $2");
        assert_eq!(
            run("a = @id AND tags @> '{x@y.z}' AND @@v"),
            "a = $1 AND tags @> '{x@y.z}' AND @@v"
        );
        assert_eq!(run("a = ':id' -- :x\n"), "a = ':id' -- :x\n");
        assert_eq!(run("arr[lo:hi]"), "arr[lo:hi]");
    }

    #[test]
    fn holes_by_position() {
        // § is an interpolation (a concatenated variable, `${x}`).
        assert_eq!(run("SELECT § FROM t"), "SELECT * FROM t");
        assert_eq!(
            run("SELECT a FROM § WHERE b = §"),
            "SELECT a FROM idxlint_hole_1 WHERE b = $1"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE § ORDER BY a"),
            "SELECT a FROM t WHERE TRUE ORDER BY a"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE § = 1"),
            "SELECT a FROM t WHERE idxlint_hole_1 = 1"
        );
        assert_eq!(
            run("DROP TABLE IF EXISTS §"),
            "DROP TABLE IF EXISTS idxlint_hole_1"
        );
        assert_eq!(
            run("SELECT a FROM t AS § JOIN u AS § ON u.id = t.id"),
            "SELECT a FROM t AS idxlint_hole_1 JOIN u AS idxlint_hole_2 ON u.id = t.id"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE §->>'k' = 1 AND § @> 'x'"),
            "SELECT a FROM t WHERE idxlint_hole_1->>'k' = 1 AND idxlint_hole_2 @> 'x'"
        );
        // A comment after a condition hole does not make it an operand; `- 1` does.
        assert_eq!(
            run("SELECT a FROM t WHERE § -- filters\n ORDER BY a"),
            "SELECT a FROM t WHERE TRUE -- filters\n ORDER BY a"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE § - 1 > 0"),
            "SELECT a FROM t WHERE idxlint_hole_1 - 1 > 0"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE b = 1 § ORDER BY a §"),
            "SELECT a FROM t WHERE b = 1   ORDER BY a  "
        );
        assert_eq!(
            run("SELECT a FROM t WHERE b IN §"),
            "SELECT a FROM t WHERE b IN ($1)"
        );
        assert_eq!(
            run("INSERT INTO t (a) VALUES §"),
            "INSERT INTO t (a) VALUES ($1)"
        );
        assert_eq!(
            run("UPDATE t SET a = 1 RETURNING §"),
            "UPDATE t SET a = 1 RETURNING *"
        );
        assert_eq!(
            run("INSERT INTO § (a, §) VALUES (§, §)"),
            "INSERT INTO idxlint_hole_1 (a, idxlint_hole_2) VALUES ($1, $2)"
        );
        assert_eq!(
            run("INSERT INTO \"t\" (§) VALUES (§)"),
            "INSERT INTO \"t\" (idxlint_hole_1) VALUES ($1)"
        );
        assert_eq!(
            run("INSERT INTO s.t (§) SELECT (§)"),
            "INSERT INTO s.t (idxlint_hole_1) SELECT ($1)"
        );
        assert_eq!(
            run("UPDATE t SET § = 1, § WHERE id = §"),
            "UPDATE t SET idxlint_hole_1 = 1, idxlint_hole_2 = NULL WHERE id = $1"
        );
        assert_eq!(
            run("SELECT a FROM t_§ LIMIT §"),
            "SELECT a FROM t_idxlint_hole_1 LIMIT $1"
        );
        // Format placeholders outside a value position are holes too.
        assert_eq!(
            run("SELECT a FROM %s WHERE b = %s"),
            "SELECT a FROM idxlint_hole_1 WHERE b = $1"
        );
        assert_eq!(
            run("SELECT {cols} FROM t WHERE {cond}"),
            "SELECT * FROM t WHERE TRUE"
        );
        assert_eq!(
            run("SELECT a FROM t WHERE b = 1 %%"),
            "SELECT a FROM t WHERE b = 1 %%"
        );
        assert_eq!(
            run("SELECT a FROM t ORDER BY t.%[1]s"),
            "SELECT a FROM t ORDER BY t.idxlint_hole_1"
        );
    }

    #[test]
    fn a_constant_is_resolved_once() {
        let src = "A = \"{A}\"\nq = \"SELECT x FROM {A}\"\n";
        let toks = crate::extract::python::lex(src);
        let consts = crate::extract::format::constants(super::super::HostLang::Python, &toks, src);
        assert_eq!(consts.get("A"), Some("{A}"));
        let units: Vec<Unit> = "SELECT x FROM {A}"
            .char_indices()
            .map(|(i, c)| Unit::verbatim(c, i))
            .collect();
        let args = FormatArgs::default();
        let rw = rewrite_with(
            &units,
            &Context {
                src,
                consts: &consts,
                args: &args,
                names: &Bindings::default(),
                optional: &[],
            },
        );
        assert_eq!(rw.holes.len(), 2);
        assert_eq!(rw.holes[0].resolved.as_deref(), Some("{A}"));
        assert_eq!(rw.holes[1].resolved, None);
    }

    #[test]
    fn identifier_literals() {
        assert_eq!(
            literal_value("sql.Identifier(\"a\", 'b')").as_deref(),
            Some("\"a\".\"b\"")
        );
        assert_eq!(literal_value("'notes'").as_deref(), Some("notes"));
        assert_eq!(literal_value("sql.SQL('x = 1')").as_deref(), Some("x = 1"));
        assert_eq!(literal_value("table_name"), None);
    }

    #[test]
    fn interpolations_numbered_after_existing() {
        assert_eq!(run("a = $2 AND b = §"), "a = $2 AND b = $3");
        assert_eq!(run("$$ ? $$ = §"), "$$ ? $$ = $1");
    }
}

//! Holes: the pieces of a query that application code builds at run time.
//!
//! Input: the decoded units of one joined host string, where [`Unit::Interp`] marks a
//! non-literal piece (an interpolation, a concatenated variable, a format placeholder
//! whose argument is an expression). Output: each hole classified by its syntactic
//! position ([`HoleKind`]) and remembered on the [`Fragment`](super::Fragment), so that
//! analysis can say how much of the query is known.
//!
//! How each kind is written into the SQL that is parsed:
//! - [`HoleKind::Value`]: a `$N` parameter (`= ${id}`, `LIMIT %d`).
//! - [`HoleKind::List`]: `($N)`, a one-element parameter list (`IN %s`, `VALUES %s`).
//! - [`HoleKind::Identifier`]: the constant it resolves to, else `idxlint_hole_N`, a name
//!   no schema declares, so the query gets no verdict instead of a guess.
//! - [`HoleKind::Columns`]: a select-list or `RETURNING` hole is `*` unless resolved (it
//!   never changes which index serves the query, only whether one covers it).
//! - [`HoleKind::Clause`]: removed (or `TRUE` where a condition must stand, or one
//!   assignment `idxlint_hole_N = NULL` where a `SET` list goes), and
//!   remembered with the [`Region`] it sits in. A clause in `FROM`, `WHERE`, `ON` or
//!   `HAVING` could add conditions idxlint cannot see ([`Hole::opens_conditions`]).
//!
//! Invariant: the text written for a hole is synthetic and maps to the whole host span of
//! the hole, like a parameter does.

use std::ops::Range;

/// What a hole stands for, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoleKind {
    /// A value: stays a parameter.
    Value,
    /// A list of values (`IN %s`, `VALUES %s`, `sql.join(...)`).
    List,
    /// A table, column or alias name.
    Identifier,
    /// Select-list columns.
    Columns,
    /// A clause or condition fragment (`+ cond +`, `{where_clause}`).
    Clause,
}

impl HoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HoleKind::Value => "value",
            HoleKind::List => "list",
            HoleKind::Identifier => "identifier",
            HoleKind::Columns => "columns",
            HoleKind::Clause => "clause",
        }
    }
}

/// The clause of the statement a hole sits in (outermost level of its parentheses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// Before the statement's first keyword (a `WITH` prefix, say).
    Prefix,
    Select,
    From,
    Where,
    GroupBy,
    Having,
    OrderBy,
    Limit,
    Set,
    Values,
    Returning,
    Other,
}

/// One hole of a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    pub kind: HoleKind,
    pub region: Region,
    /// Byte range in the fragment text of what was written for the hole (empty when a
    /// clause was removed).
    pub frag: Range<usize>,
    /// Byte range in the host file of the hole (`${cond}`, `+ extra +`'s operand, `%s`).
    pub host: Range<usize>,
    /// The host expression (`cond`, `order`, `where_clause`), or the placeholder.
    pub label: String,
    /// The constant the hole was replaced with, when the file declares it.
    pub resolved: Option<String>,
}

impl Hole {
    /// Whether an unknown clause here could supply conditions idxlint does not see.
    pub fn opens_conditions(&self) -> bool {
        self.kind == HoleKind::Clause
            && self.resolved.is_none()
            && matches!(
                self.region,
                Region::From | Region::Where | Region::Having | Region::Other
            )
    }

    /// The hole as `inspect` shows it: `⟨cond⟩`, `⟨table = users⟩`.
    pub fn marker(&self) -> String {
        match &self.resolved {
            Some(v) => format!("⟨{} = {}⟩", self.label, v.trim()),
            None => format!("⟨{}⟩", self.label),
        }
    }
}

/// The label of an interpolation's host text: `${a.b}` -> `a.b`, `#{x}` -> `x`,
/// `{name!r}` -> `name`, `%(n)s` -> `n`; other text is trimmed; at most 60 characters.
pub fn label_of(host_text: &str) -> String {
    let one = expr_of(host_text);
    if one.chars().count() > 60 {
        let cut: String = one.chars().take(60).collect();
        format!("{cut}…")
    } else {
        one
    }
}

/// The expression of an interpolation's host text, as [`label_of`] reads it, whole.
pub fn expr_of(host_text: &str) -> String {
    let t = host_text.trim();
    if t.is_empty() {
        // A zero-width hole: the string goes on in a way idxlint does not follow.
        return "…".to_string();
    }
    let inner = t
        .strip_prefix("${")
        .or_else(|| t.strip_prefix("#{"))
        .or_else(|| t.strip_prefix('{'))
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    let inner = inner
        .strip_prefix("%(")
        .and_then(|s| s.strip_suffix(")s"))
        .unwrap_or(inner);
    // `{name!r}`, `{name:>10}`: a format field's conversion and spec are not its name.
    let inner = if t.starts_with('{') {
        inner.split(['!', ':']).next().unwrap_or(inner)
    } else {
        inner
    };
    inner.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_of("${fields.userId}"), "fields.userId");
        assert_eq!(label_of("#{TABLE}"), "TABLE");
        assert_eq!(label_of("{name!r}"), "name");
        assert_eq!(label_of("%(cols)s"), "cols");
        assert_eq!(label_of(" extra "), "extra");
    }

    #[test]
    fn only_unknown_condition_clauses_open_conditions() {
        let h = |kind, region| Hole {
            kind,
            region,
            frag: 0..0,
            host: 0..0,
            label: "x".into(),
            resolved: None,
        };
        assert!(h(HoleKind::Clause, Region::Where).opens_conditions());
        assert!(!h(HoleKind::Clause, Region::OrderBy).opens_conditions());
        assert!(!h(HoleKind::Clause, Region::Limit).opens_conditions());
        assert!(!h(HoleKind::Value, Region::Where).opens_conditions());
    }
}

//! Naming helpers: code names that stand for SQL names (`[naming]` in `idxlint.toml`).
//!
//! Input: the [`Tok`]s of one host file and the configured [`Naming`]. Output:
//! [`Bindings`], which resolve the label of a hole (`table`, `fields.userId`,
//! `sql.join(Object.values(fields), sql`, `)`) to the SQL text it stands for.
//!
//! The case this serves: code that never writes a name, because one helper turns a schema
//! object into identifiers (`const { table, fields } = convertToIdentifiers(Users)`, then
//! ``sql`select ... from ${table} where ${fields.userId} = ${id}` ``). With the helper
//! listed in `helpers`:
//! - `table` (or `x.table` for `const x = helper(Users)`) is the schema object's table
//!   name: its `table: '...'` when the file declares the object (`const Users = { table:
//!   'users', fields: { userId: 'user_id' } }`, or `const Users = f('users', ...)`), else
//!   the object's code name through the `tables` mapping (`Users` -> `users`).
//! - `fields.userId` (or `x.fields.userId`) is the column: the object's `fields` entry when
//!   declared, else the key through the `columns` mapping (`userId` -> `user_id`). A
//!   helper called with a second argument `true` (a prefix flag) gives `users.user_id`.
//! - `sql.join(Object.values(fields), ...)` / `Object.values(fields).join(...)` is the
//!   column list when the object's fields are declared (else an unknown column list,
//!   written `*`).
//! - An object given to a helper anywhere in the file is a schema object: `Users.table` and
//!   `Users.fields.userId` name its table and column, and Slonik's
//!   `sql.identifier([Users.table, 'id'])` joins its resolved parts with dots.
//!
//! Decisions: without a `[naming]` helper nothing resolves (the holes stay unknown, and the
//! query has no verdict); a plain interpolated name (`${userId}` where a name goes) is a
//! run-time value and is never mapped by its code name; a binding holds in the block
//! (`{ ... }`) that makes it, from the helper call on (an inner or later binding of the
//! same name shadows it), the whole file at top level. Only the host file is read: a
//! schema object declared in another file resolves through its code name.

use super::format::{punct, word};
use super::hole::HoleKind;
use super::literal::{Tok, Unit};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;

/// How code names map to SQL names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum NameCase {
    /// The code name as written (PostgreSQL folds it to lower case).
    #[default]
    #[serde(rename = "as-is")]
    AsIs,
    /// `userId` -> `user_id`, `UserProfiles` -> `user_profiles`.
    #[serde(rename = "snake_case")]
    SnakeCase,
    /// `User` -> `users`, `Category` -> `categories` (a name ending in `s` is kept).
    #[serde(rename = "plural_snake_case")]
    PluralSnakeCase,
}

impl NameCase {
    /// The SQL name of a code name.
    pub fn apply(self, name: &str) -> String {
        match self {
            NameCase::AsIs => name.to_string(),
            NameCase::SnakeCase => snake_case(name),
            NameCase::PluralSnakeCase => plural(&snake_case(name)),
        }
    }
}

/// `[naming]` of `idxlint.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// Field names -> column names.
    #[serde(default)]
    pub columns: NameCase,
    /// Schema objects' code names -> table names (when the object is not declared in the
    /// file that uses it).
    #[serde(default)]
    pub tables: NameCase,
    /// Functions whose result is `{ table, fields }` for the schema object they are given.
    #[serde(default)]
    pub helpers: Vec<String>,
}

impl Naming {
    pub fn validate(&self) -> Result<(), String> {
        if self.columns == NameCase::PluralSnakeCase {
            return Err(
                "naming.columns: expected \"snake_case\" or \"as-is\" (plural is for tables)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// `userId` -> `user_id`, `HTTPServer` -> `http_server`, `user_id` stays.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_lowercase));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The English plural of a snake_case name's last word, as table naming conventions use.
fn plural(name: &str) -> String {
    let consonant_y = name.ends_with('y')
        && !name
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if name.ends_with("ss") || name.ends_with('x') || name.ends_with("ch") || name.ends_with("sh") {
        format!("{name}es")
    } else if name.ends_with('s') {
        name.to_string()
    } else if consonant_y {
        format!("{}ies", &name[..name.len() - 1])
    } else {
        format!("{name}s")
    }
}

/// Field code names and their columns, in declaration order.
type Fields = Vec<(String, String)>;

/// What a helper call bound: one schema object's table and fields.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Schema {
    table: String,
    /// Field code name -> column, in declaration order, when the object is declared.
    fields: Option<Fields>,
    /// Columns are written `table.column` (the helper's prefix flag).
    qualify: bool,
}

impl Schema {
    fn column(&self, key: &str, naming: &Naming) -> String {
        let col = self
            .fields
            .as_ref()
            .and_then(|f| f.iter().find(|(k, _)| k == key).map(|(_, c)| c.clone()))
            .unwrap_or_else(|| naming.columns.apply(key));
        if self.qualify {
            format!("{}.{col}", self.table)
        } else {
            col
        }
    }

    fn column_list(&self) -> Option<String> {
        let fields = self.fields.as_ref().filter(|f| !f.is_empty())?;
        let cols: Vec<String> = fields
            .iter()
            .map(|(_, c)| {
                if self.qualify {
                    format!("{}.{c}", self.table)
                } else {
                    c.clone()
                }
            })
            .collect();
        Some(cols.join(", "))
    }
}

/// One binding of a name to a schema object, valid in a host byte range (the block that
/// holds the helper call, from the call on).
#[derive(Debug, Clone)]
struct Scoped {
    scope: Range<usize>,
    schema: Schema,
}

/// The names one file binds through naming helpers, each in its block from the helper
/// call on: an inner binding shadows an outer one, a later one an earlier one.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    naming: Naming,
    /// `table` (destructured) -> schema.
    tables: HashMap<String, Vec<Scoped>>,
    /// `fields` (destructured) -> schema.
    fields: HashMap<String, Vec<Scoped>>,
    /// `x` in `const x = helper(Users)` -> schema.
    objects: HashMap<String, Vec<Scoped>>,
}

fn bind(map: &mut HashMap<String, Vec<Scoped>>, name: &str, s: &Schema, scope: &Range<usize>) {
    map.entry(name.to_string()).or_default().push(Scoped {
        scope: scope.clone(),
        schema: s.clone(),
    });
}

/// The longest object literal (in tokens) read for a schema object.
const MAX_OBJECT: usize = 4000;

/// The most helper calls read in one file.
const MAX_CALLS: usize = 1000;

impl Bindings {
    /// Whether nothing is bound (no helper configured, or none called in the file).
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.fields.is_empty() && self.objects.is_empty()
    }

    /// The schema `name` is bound to at host offset `at`: the latest binding before `at`
    /// in the innermost block that binds it and holds `at`.
    fn lookup<'a>(
        map: &'a HashMap<String, Vec<Scoped>>,
        name: &str,
        at: usize,
    ) -> Option<&'a Schema> {
        map.get(name)?
            .iter()
            .filter(|b| b.scope.contains(&at))
            .min_by_key(|b| (b.scope.end, usize::MAX - b.scope.start))
            .map(|b| &b.schema)
    }

    /// The schema a fields expression names: `fields` or `x.fields`.
    fn fields_of(&self, expr: &str, at: usize) -> Option<&Schema> {
        match expr.split_once('.') {
            Some((obj, "fields")) => Self::lookup(&self.objects, obj, at),
            None => Self::lookup(&self.fields, expr, at),
            _ => None,
        }
    }

    /// The kind of a hole labelled `label` at host offset `at` (a table or a column:
    /// identifier; a column list: columns) and the SQL text it stands for, when known (the
    /// column list of an object the file does not declare is not).
    pub fn resolve(&self, label: &str, at: usize) -> Option<(HoleKind, Option<String>)> {
        let (kind, text) = self.resolve_text(label, at)?;
        Some((kind, text))
    }

    fn resolve_text(&self, label: &str, at: usize) -> Option<(HoleKind, Option<String>)> {
        match self.resolve_name(label, at) {
            Some((k, v)) => Some((k, Some(v))),
            None => self.column_list(label, at),
        }
    }

    /// `sql.join(Object.values(fields), ...)`, `Object.values(fields).join(...)`.
    fn column_list(&self, label: &str, at: usize) -> Option<(HoleKind, Option<String>)> {
        let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        let inner = label
            .split_once("Object.values(")
            .map(|(_, rest)| rest)
            .and_then(|rest| rest.split_once(')'))
            .map(|(inner, _)| inner)?;
        let s = self.fields_of(inner, at)?;
        Some((HoleKind::Columns, s.column_list()))
    }

    /// A table or column name (see [`Self::resolve`]).
    fn resolve_name(&self, label: &str, at: usize) -> Option<(HoleKind, String)> {
        if self.is_empty() {
            return None;
        }
        let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        // Slonik's `sql.identifier(['a', b.table])`: each part resolved, joined with dots.
        if let Some(parts) = label
            .split_once("identifier([")
            .filter(|(head, _)| head.is_empty() || head.ends_with('.'))
            .and_then(|(_, rest)| rest.strip_suffix("])"))
        {
            let names: Option<Vec<String>> = parts
                .split(',')
                .map(|p| {
                    let quoted = p
                        .strip_prefix(['\'', '"'])
                        .and_then(|q| q.strip_suffix(['\'', '"']))
                        .filter(|q| !q.contains(['\'', '"', '\\']));
                    match quoted {
                        Some(q) => Some(q.to_string()),
                        None => match self.resolve_name(p, at)? {
                            (HoleKind::Identifier, v) => Some(v),
                            _ => None,
                        },
                    }
                })
                .collect();
            return Some((HoleKind::Identifier, names?.join(".")));
        }
        if let Some(s) = Self::lookup(&self.tables, &label, at) {
            return Some((HoleKind::Identifier, s.table.clone()));
        }
        // `x.table`, `fields.key`, `x.fields.key`.
        let parts: Vec<&str> = label.split('.').collect();
        let ident = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_');
        if parts.iter().all(|p| ident(p)) {
            return match parts.as_slice() {
                [obj, "table"] => {
                    let s = Self::lookup(&self.objects, obj, at)?;
                    Some((HoleKind::Identifier, s.table.clone()))
                }
                [f, key] => {
                    let s = Self::lookup(&self.fields, f, at)?;
                    Some((HoleKind::Identifier, s.column(key, &self.naming)))
                }
                [obj, "fields", key] => {
                    let s = Self::lookup(&self.objects, obj, at)?;
                    Some((HoleKind::Identifier, s.column(key, &self.naming)))
                }
                _ => None,
            };
        }
        None
    }
}

/// The host range a binding made at token `k` holds in: from `k` to the end of the
/// innermost `{ ... }` block around it (the whole rest of the file at top level).
fn scope_of(toks: &[Tok], k: usize) -> Range<usize> {
    let from = super::format::tok_span(toks, k).map_or(0, |s| s.0);
    let mut depth = 0usize;
    let mut open = None;
    for j in (0..k).rev() {
        match toks.get(j) {
            Some(Tok::Punct('}', _)) => depth += 1,
            Some(Tok::Punct('{', _)) => {
                if depth == 0 {
                    open = Some(j);
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    let end = open
        .and_then(|o| {
            let mut depth = 0usize;
            for (j, t) in toks.iter().enumerate().skip(o) {
                match t {
                    Tok::Punct('{', _) => depth += 1,
                    Tok::Punct('}', p) => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(p + 1);
                        }
                    }
                    _ => {}
                }
                let _ = j;
            }
            None
        })
        .unwrap_or(usize::MAX);
    from..end
}

/// The string value of a literal token without interpolations.
fn str_value(t: Option<&Tok>) -> Option<String> {
    let Some(Tok::Str(lit)) = t else {
        return None;
    };
    lit.units
        .iter()
        .map(|u| match u {
            Unit::Char { ch, .. } => Some(*ch),
            Unit::Interp { .. } => None,
        })
        .collect()
}

/// End (exclusive) of the bracket group opening at `open`, bounded.
fn group_end(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open).take(MAX_OBJECT) {
        match t {
            Tok::Punct('(' | '[' | '{', _) => depth += 1,
            Tok::Punct(')' | ']' | '}', _) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The top-level `key: value` entries of the object literal `{`...`}` at `open`: the key
/// and the token index of the value.
fn entries(toks: &[Tok], open: usize, src: &str) -> Vec<(String, usize)> {
    let Some(end) = group_end(toks, open) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut k = open + 1;
    let mut at_key = true;
    while k + 1 < end {
        match &toks[k] {
            Tok::Punct('(' | '[' | '{', _) => depth += 1,
            Tok::Punct(')' | ']' | '}', _) => depth = depth.saturating_sub(1),
            Tok::Punct(',', _) if depth == 0 => at_key = true,
            t if depth == 0 && at_key => {
                at_key = false;
                let key = match t {
                    Tok::Word(..) => word(toks, k, src).map(str::to_string),
                    Tok::Str(_) => str_value(Some(t)),
                    _ => None,
                };
                if let (Some(key), Some(':')) = (key, punct(toks, k + 1)) {
                    out.push((key, k + 2));
                    k += 2;
                    continue;
                }
            }
            _ => {}
        }
        k += 1;
    }
    out
}

/// The schema objects the file declares: `const Users = { table: 'users', fields: {...} }`
/// or `const Users = f('users', ...)`.
fn declared_objects(
    toks: &[Tok],
    src: &str,
    wanted: &[&str],
) -> HashMap<String, (String, Option<Fields>)> {
    let mut out = HashMap::new();
    for k in 1..toks.len() {
        if punct(toks, k) != Some('=') || matches!(punct(toks, k - 1), Some('=' | '!' | '<' | '>'))
        {
            continue;
        }
        // `Users =`, `Users: Schema =`.
        let name = match (word(toks, k - 1, src), punct(toks, k.wrapping_sub(2))) {
            (Some(_), Some(':')) => word(toks, k.wrapping_sub(3), src),
            (Some(w), _) => Some(w),
            _ => None,
        };
        let Some(name) = name.filter(|n| wanted.contains(n)) else {
            continue;
        };
        match punct(toks, k + 1) {
            Some('{') => {
                let mut table = None;
                let mut fields = None;
                for (key, v) in entries(toks, k + 1, src) {
                    match key.as_str() {
                        "table" | "tableName" => table = str_value(toks.get(v)),
                        "fields" if punct(toks, v) == Some('{') => {
                            fields = Some(
                                entries(toks, v, src)
                                    .into_iter()
                                    .map(|(f, fv)| {
                                        let col =
                                            str_value(toks.get(fv)).unwrap_or_else(|| f.clone());
                                        (f, col)
                                    })
                                    .collect::<Vec<_>>(),
                            );
                        }
                        _ => {}
                    }
                }
                if let Some(t) = table {
                    out.insert(name.to_string(), (t, fields));
                }
            }
            // `defineTable('users', ...)`.
            _ if word(toks, k + 1, src).is_some() => {
                let mut j = k + 1;
                while punct(toks, j + 1) == Some('.') && word(toks, j + 2, src).is_some() {
                    j += 2;
                }
                if punct(toks, j + 1) == Some('(') {
                    if let Some(t) = str_value(toks.get(j + 2)) {
                        out.insert(name.to_string(), (t, None));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The names `toks` binds through the configured helpers.
pub fn bindings(naming: &Naming, toks: &[Tok], src: &str) -> Bindings {
    let mut b = Bindings {
        naming: naming.clone(),
        ..Bindings::default()
    };
    if naming.helpers.is_empty() {
        return b;
    }
    // Bounded: each call looks for its block (linear in the file).
    let calls: Vec<usize> = (1..toks.len())
        .filter(|&k| {
            word(toks, k, src).is_some_and(|w| naming.helpers.iter().any(|h| h == w))
                && punct(toks, k + 1) == Some('(')
                && punct(toks, k - 1) != Some('.')
        })
        .take(MAX_CALLS)
        .collect();
    if calls.is_empty() {
        return b;
    }
    // The objects given to helpers (`helper(Users)`, `helper(schemas.Users)`).
    let arg = |k: usize| {
        let mut a = k + 2;
        while word(toks, a, src).is_some() && punct(toks, a + 1) == Some('.') {
            a += 2;
        }
        a
    };
    let wanted: Vec<&str> = calls
        .iter()
        .filter_map(|&k| word(toks, arg(k), src))
        .collect();
    let objects = declared_objects(toks, src, &wanted);
    for k in calls {
        // `helper(Users)`, `helper(Users, true)`, `helper(schemas.Users)`.
        let a = arg(k);
        let Some(obj) = word(toks, a, src) else {
            continue;
        };
        let qualify = punct(toks, a + 1) == Some(',') && word(toks, a + 2, src) == Some("true");
        // The object given to a helper is a schema object: `Users.table` and
        // `Users.fields.userId` name its table and columns anywhere in the file.
        let raw_schema = match objects.get(obj) {
            Some((table, fields)) => Schema {
                table: table.clone(),
                fields: fields.clone(),
                qualify: false,
            },
            None => Schema {
                table: naming.tables.apply(obj),
                fields: None,
                qualify: false,
            },
        };
        bind(&mut b.objects, obj, &raw_schema, &(0..usize::MAX));
        let schema = match objects.get(obj) {
            Some((table, fields)) => Schema {
                table: table.clone(),
                fields: fields.clone(),
                qualify,
            },
            None => Schema {
                table: naming.tables.apply(obj),
                fields: None,
                qualify,
            },
        };
        // What the result is assigned to: `{ table, fields } =` or `x =`.
        let Some(eq) = k.checked_sub(1).filter(|&e| punct(toks, e) == Some('=')) else {
            continue;
        };
        let scope = scope_of(toks, k);
        if punct(toks, eq.wrapping_sub(1)) == Some('}') {
            let Some(open) = (0..eq)
                .rev()
                .take(64)
                .find(|&j| punct(toks, j) == Some('{'))
            else {
                continue;
            };
            let mut j = open + 1;
            while j < eq - 1 {
                let Some(key) = word(toks, j, src) else {
                    j += 1;
                    continue;
                };
                let (alias, next) = match (punct(toks, j + 1), word(toks, j + 2, src)) {
                    (Some(':'), Some(a)) => (a, j + 3),
                    _ => (key, j + 1),
                };
                match key {
                    "table" => bind(&mut b.tables, alias, &schema, &scope),
                    "fields" => bind(&mut b.fields, alias, &schema, &scope),
                    _ => {}
                }
                j = next;
            }
        } else if let Some(name) = word(toks, eq.wrapping_sub(1), src) {
            bind(&mut b.objects, name, &schema, &scope);
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::javascript;

    fn naming(columns: NameCase, tables: NameCase) -> Naming {
        Naming {
            columns,
            tables,
            helpers: vec!["convertToIdentifiers".into()],
        }
    }

    #[test]
    fn cases() {
        assert_eq!(snake_case("userId"), "user_id");
        assert_eq!(snake_case("UserProfiles"), "user_profiles");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("user_id"), "user_id");
        assert_eq!(snake_case("address2Line"), "address2_line");
        assert_eq!(NameCase::PluralSnakeCase.apply("Category"), "categories");
        assert_eq!(NameCase::PluralSnakeCase.apply("UserKey"), "user_keys");
        assert_eq!(NameCase::PluralSnakeCase.apply("Users"), "users");
        assert_eq!(NameCase::PluralSnakeCase.apply("Box"), "boxes");
        assert_eq!(NameCase::AsIs.apply("Users"), "Users");
    }

    #[test]
    fn declared_object_and_code_name() {
        let src =
            "const Parcels = { table: 'parcels', fields: { id: 'id', depotId: 'depot_id' } };\n\
                   const { table, fields: f } = convertToIdentifiers(Parcels);\n\
                   const d = convertToIdentifiers(DepotStops, true);\n";
        let toks = javascript::lex(src);
        let b = bindings(
            &naming(NameCase::SnakeCase, NameCase::SnakeCase),
            &toks,
            src,
        );
        let end = src.len();
        let id = |s: &str| b.resolve(s, end).and_then(|(_, v)| v);
        assert_eq!(id("table").as_deref(), Some("parcels"));
        assert_eq!(id("f.depotId").as_deref(), Some("depot_id"));
        assert_eq!(id("f.notDeclared").as_deref(), Some("not_declared"));
        assert_eq!(id("d.table").as_deref(), Some("depot_stops"));
        assert_eq!(
            id("d.fields.stopId").as_deref(),
            Some("depot_stops.stop_id")
        );
        assert_eq!(
            b.resolve("sql.join(Object.values(f), sql`, `)", end),
            Some((HoleKind::Columns, Some("id, depot_id".into())))
        );
        // Fields of an object the file does not declare: a column list, not known.
        assert_eq!(
            b.resolve("sql.join(Object.values(d.fields), sql`, `)", end),
            Some((HoleKind::Columns, None))
        );
        assert_eq!(id("fields.id"), None);
        assert_eq!(id("Parcels.fields.depotId").as_deref(), Some("depot_id"));
        assert_eq!(
            id("sql.identifier([DepotStops.table, 'stop_id'])").as_deref(),
            Some("depot_stops.stop_id")
        );
        assert_eq!(id("sql.identifier([other.table])"), None);
        assert_eq!(id("userId"), None);
    }

    #[test]
    fn nothing_without_a_helper() {
        let src = "const { table, fields } = convertToIdentifiers(Parcels);\n";
        let toks = javascript::lex(src);
        let b = bindings(&Naming::default(), &toks, src);
        assert!(b.resolve("table", src.len()).is_none());
        assert!(b.resolve("fields.id", src.len()).is_none());
    }

    #[test]
    fn bindings_hold_in_their_block() {
        let src = "function a() { const { table } = convertToIdentifiers(Parcels); use(1); }\n\
                   function b() { const { table } = convertToIdentifiers(Depots); use(2); }\n\
                   function c() { const { table } = convertToIdentifiers(Vans);\n\
                   const { table } = convertToIdentifiers(Trucks); use(3); }\n\
                   use(4);\n";
        let toks = javascript::lex(src);
        let b = bindings(&naming(NameCase::AsIs, NameCase::SnakeCase), &toks, src);
        let at = |m: &str| src.find(m).unwrap_or(0);
        let table = |m: &str| b.resolve("table", at(m)).and_then(|(_, v)| v);
        assert_eq!(table("use(1)").as_deref(), Some("parcels"));
        assert_eq!(table("use(2)").as_deref(), Some("depots"));
        // Bound twice in one block: the later binding holds after it.
        assert_eq!(table("use(3)").as_deref(), Some("trucks"));
        // Outside every block that binds it.
        assert_eq!(table("use(4)"), None);
    }
}

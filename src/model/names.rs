//! Names as the database has them, in both directions: reading the search path a script
//! sets, and writing identifiers back into SQL so the database reads the same name.
//!
//! Input: statement text (for `SET search_path`) or stored names. Output: schema lists and
//! quoted SQL identifiers. Invariants: never panics; [`quote_ident`] quotes exactly when the
//! dialect needs it (PostgreSQL: as its own `quote_ident()` does, for any name that is not
//! a lower-case plain identifier or that is a keyword other than an unreserved one), so the
//! quoted text always names the stored identifier.

use crate::parse::Dialect;
use regex::Regex;
use std::sync::OnceLock;

/// The schemas a `SET search_path ...` or `SELECT set_config('search_path', '...', ...)`
/// statement selects, in order (`$user` is left out: no role is known). `None` when `sql`
/// sets nothing of the kind. `DEFAULT` and an empty list (pg_dump's
/// `set_config('search_path', '', false)`) return an empty list: the caller falls back to
/// the configured path.
pub fn search_path_setting(sql: &str) -> Option<Vec<String>> {
    static SET: OnceLock<Option<Regex>> = OnceLock::new();
    static CONFIG: OnceLock<Option<Regex>> = OnceLock::new();
    let set = SET
        .get_or_init(|| {
            Regex::new(
                r"(?is)^(?:\s|--[^\n]*\n)*SET\s+(?:SESSION\s+|LOCAL\s+)?search_path\s*(?:=|\bTO\b)\s*(.*?)\s*;?\s*$",
            )
            .ok()
        })
        .as_ref()?;
    let config = CONFIG
        .get_or_init(|| {
            Regex::new(
                r"(?is)^(?:\s|--[^\n]*\n)*SELECT\s+(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'search_path'\s*,\s*'((?:[^']|'')*)'",
            )
            .ok()
        })
        .as_ref()?;
    let list = if let Some(c) = set.captures(sql) {
        c.get(1)?.as_str().to_string()
    } else if let Some(c) = config.captures(sql) {
        c.get(1)?.as_str().replace("''", "'")
    } else {
        return None;
    };
    if list.trim().eq_ignore_ascii_case("default") {
        return Some(Vec::new());
    }
    Some(
        split_list(&list)
            .into_iter()
            .filter(|s| !s.is_empty() && s != "$user")
            .collect(),
    )
}

/// A possibly qualified, possibly quoted name (`stats."Events"`), as one regex group.
const QUALIFIED_NAME: &str =
    r#"((?:"(?:[^"]|"")*"|[A-Za-z0-9_$]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z0-9_$]+))*)"#;

/// `ALTER TABLE [IF EXISTS] [ONLY] parent ATTACH PARTITION child ...`: the two names, each
/// as its parts (`stats.events` -> `stats`, `events`). sqlparser does not read this
/// PostgreSQL form, so it is read from the text.
pub fn attach_partition(sql: &str) -> Option<(Vec<String>, Vec<String>)> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let name = QUALIFIED_NAME;
    let re = RE
        .get_or_init(|| {
            Regex::new(&format!(
                r"(?is)^(?:\s|--[^\n]*\n)*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{name}\s+ATTACH\s+PARTITION\s+{name}"
            ))
            .ok()
        })
        .as_ref()?;
    let c = re.captures(sql)?;
    Some((
        name_parts(c.get(1)?.as_str()),
        name_parts(c.get(2)?.as_str()),
    ))
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name SET SCHEMA s`: the table's parts and the new
/// schema (sqlparser does not read this form).
pub fn set_schema(sql: &str) -> Option<(Vec<String>, String)> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let name = QUALIFIED_NAME;
    let re = RE
        .get_or_init(|| {
            Regex::new(&format!(
                r"(?is)^(?:\s|--[^\n]*\n)*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{name}\s+SET\s+SCHEMA\s+{name}\s*;?\s*$"
            ))
            .ok()
        })
        .as_ref()?;
    let c = re.captures(sql)?;
    let schema = name_parts(c.get(2)?.as_str()).pop()?;
    Some((name_parts(c.get(1)?.as_str()), schema))
}

/// The table a `CREATE INDEX ... ON [ONLY] name` statement names, as its parts.
pub fn create_index_target(sql: &str) -> Option<Vec<String>> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let name = QUALIFIED_NAME;
    let re = RE
        .get_or_init(|| {
            Regex::new(&format!(
                r"(?is)^(?:\s|--[^\n]*\n)*CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+(?:ONLY\s+)?{name}"
            ))
            .ok()
        })
        .as_ref()?;
    Some(name_parts(re.captures(sql)?.get(1)?.as_str()))
}

/// `stats."Events"` -> `stats`, `Events`.
fn name_parts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quote = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quote {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quote = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_quote = true;
            quoted = true;
        } else if c == '.' {
            out.push(std::mem::take(&mut cur));
            quoted = false;
        } else if !c.is_whitespace() {
            cur.extend(if quoted {
                vec![c]
            } else {
                c.to_lowercase().collect()
            });
        }
    }
    out.push(cur);
    out
}

/// `a, "B", 'c'` -> `a`, `B`, `c` (unquoted names fold to lower case).
fn split_list(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut quote = None;
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                if chars.peek() == Some(&q) {
                    cur.push(q);
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                quoted = true;
            }
            None if c == ',' => {
                out.push(std::mem::take(&mut cur));
                quoted = false;
            }
            None if c.is_whitespace() => {}
            None => cur.extend(if quoted {
                vec![c]
            } else {
                c.to_lowercase().collect()
            }),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// PostgreSQL keywords that are not unreserved (reserved, type/function-name and
/// column-name keywords, PostgreSQL 17's `kwlist.h`): `quote_ident()` quotes them.
const PG_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// MySQL 8 and SQLite reserved words that PostgreSQL does not reserve (quoting any
/// keyword is always valid there, so the list errs on the side of quoting).
const OTHER_KEYWORDS: &[&str] = &[
    "abort",
    "add",
    "after",
    "alter",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "by",
    "cascade",
    "change",
    "commit",
    "conflict",
    "database",
    "databases",
    "delete",
    "detach",
    "div",
    "drop",
    "each",
    "escape",
    "exclusive",
    "explain",
    "fail",
    "glob",
    "if",
    "ignore",
    "immediate",
    "index",
    "indexed",
    "insert",
    "instead",
    "interval",
    "key",
    "keys",
    "kill",
    "lock",
    "match",
    "mod",
    "modify",
    "natural",
    "no",
    "notnull",
    "of",
    "partition",
    "plan",
    "pragma",
    "query",
    "raise",
    "range",
    "read",
    "recursive",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "rollback",
    "rowid",
    "rows",
    "savepoint",
    "schema",
    "set",
    "show",
    "status",
    "temp",
    "temporary",
    "transaction",
    "trigger",
    "update",
    "usage",
    "vacuum",
    "view",
    "virtual",
    "write",
    "xor",
];

/// `name` as an SQL identifier of `dialect`: bare when the database reads the bare word as
/// exactly this name, else quoted (`"Order"`, `"user"` for PostgreSQL and SQLite,
/// `` `order` `` for MySQL), embedded quote characters doubled.
pub fn quote_ident(dialect: Dialect, name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let keyword = PG_KEYWORDS.contains(&name)
        || (dialect != Dialect::Postgres && OTHER_KEYWORDS.contains(&name));
    if plain && !keyword {
        return name.to_string();
    }
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `schema.name` with each part quoted as needed; the schema is left out when `schema` is
/// empty or the default one (`default`), so the statement runs under the same search path.
pub fn qualified(dialect: Dialect, schema: &str, name: &str, default: &str) -> String {
    if schema.is_empty() || schema == default {
        quote_ident(dialect, name)
    } else {
        format!(
            "{}.{}",
            quote_ident(dialect, schema),
            quote_ident(dialect, name)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_the_dialect() {
        let pg = Dialect::Postgres;
        assert_eq!(quote_ident(pg, "users"), "users");
        assert_eq!(quote_ident(pg, "user"), "\"user\"");
        assert_eq!(quote_ident(pg, "Order"), "\"Order\"");
        assert_eq!(quote_ident(pg, "order"), "\"order\"");
        assert_eq!(quote_ident(pg, "a b"), "\"a b\"");
        assert_eq!(quote_ident(pg, "1st"), "\"1st\"");
        assert_eq!(quote_ident(pg, "we\"ird"), "\"we\"\"ird\"");
        // Unreserved keywords stay bare, as `quote_ident()` leaves them.
        assert_eq!(quote_ident(pg, "name"), "name");
        assert_eq!(quote_ident(pg, "key"), "key");
        assert_eq!(quote_ident(Dialect::Mysql, "key"), "`key`");
        assert_eq!(quote_ident(Dialect::Mysql, "Order"), "`Order`");
        assert_eq!(quote_ident(Dialect::Sqlite, "index"), "\"index\"");
        assert_eq!(qualified(pg, "stats", "user", "public"), "stats.\"user\"");
        assert_eq!(qualified(pg, "public", "users", "public"), "users");
    }

    #[test]
    fn attach_partition_names() {
        assert_eq!(
            attach_partition("ALTER TABLE ONLY public.events ATTACH PARTITION public.\"Ev_2024\" FOR VALUES FROM (1) TO (2)"),
            Some((
                vec!["public".to_string(), "events".to_string()],
                vec!["public".to_string(), "Ev_2024".to_string()]
            ))
        );
        assert_eq!(attach_partition("ALTER TABLE t ADD COLUMN x int"), None);
        assert_eq!(
            set_schema("ALTER TABLE IF EXISTS public.t SET SCHEMA \"Archive\";"),
            Some((
                vec!["public".to_string(), "t".to_string()],
                "Archive".to_string()
            ))
        );
        assert_eq!(
            create_index_target("CREATE INDEX CONCURRENTLY i ON ONLY stats.\"Ev\" (a)"),
            Some(vec!["stats".to_string(), "Ev".to_string()])
        );
    }

    #[test]
    fn search_path_settings() {
        assert_eq!(
            search_path_setting("SET search_path = stats, public;"),
            Some(vec!["stats".to_string(), "public".to_string()])
        );
        assert_eq!(
            search_path_setting("set search_path to \"App\", '$user'"),
            Some(vec!["App".to_string()])
        );
        assert_eq!(
            search_path_setting("SELECT pg_catalog.set_config('search_path', '', false);"),
            Some(vec![])
        );
        assert_eq!(
            search_path_setting("SELECT set_config('search_path', 'a, \"B\"', false)"),
            Some(vec!["a".to_string(), "B".to_string()])
        );
        assert_eq!(
            search_path_setting("SET search_path TO DEFAULT"),
            Some(vec![])
        );
        assert_eq!(search_path_setting("SET statement_timeout = 0"), None);
        assert_eq!(search_path_setting("SELECT 1"), None);
    }
}

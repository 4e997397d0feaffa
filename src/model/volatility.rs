//! Which functions may appear in an index: the one documented table of volatility.
//!
//! PostgreSQL accepts only IMMUTABLE functions in index expressions and predicates ("functions
//! in index expression must be marked IMMUTABLE"), and rejects the `CREATE INDEX` at deploy
//! time otherwise. This table lists the common built-ins that are not immutable, with the
//! reason; it is used by `volatile-index-expression`.

/// A function or construct that is not IMMUTABLE, and why.
pub struct NotImmutable {
    /// Lower-case name as it appears in normalized SQL text.
    pub name: &'static str,
    /// Whether it is written as a call (`now()`) or as a bare keyword (`current_date`).
    pub call: bool,
    pub why: &'static str,
}

/// Built-ins that are VOLATILE or STABLE (PostgreSQL 16 `pg_proc.provolatile`).
pub const NOT_IMMUTABLE: &[NotImmutable] = &[
    NotImmutable {
        name: "now",
        call: true,
        why: "STABLE: the transaction's start time",
    },
    NotImmutable {
        name: "current_timestamp",
        call: false,
        why: "STABLE: the transaction's start time",
    },
    NotImmutable {
        name: "current_date",
        call: false,
        why: "STABLE: depends on the time and the TimeZone setting",
    },
    NotImmutable {
        name: "current_time",
        call: false,
        why: "STABLE: depends on the time and the TimeZone setting",
    },
    NotImmutable {
        name: "localtimestamp",
        call: false,
        why: "STABLE: depends on the time and the TimeZone setting",
    },
    NotImmutable {
        name: "localtime",
        call: false,
        why: "STABLE: depends on the time and the TimeZone setting",
    },
    NotImmutable {
        name: "transaction_timestamp",
        call: true,
        why: "STABLE: the transaction's start time",
    },
    NotImmutable {
        name: "statement_timestamp",
        call: true,
        why: "STABLE: the statement's start time",
    },
    NotImmutable {
        name: "clock_timestamp",
        call: true,
        why: "VOLATILE: the wall clock",
    },
    NotImmutable {
        name: "timeofday",
        call: true,
        why: "VOLATILE: the wall clock",
    },
    NotImmutable {
        name: "random",
        call: true,
        why: "VOLATILE: a new value each call",
    },
    NotImmutable {
        name: "gen_random_uuid",
        call: true,
        why: "VOLATILE: a new value each call",
    },
    NotImmutable {
        name: "uuid_generate_v4",
        call: true,
        why: "VOLATILE: a new value each call",
    },
    NotImmutable {
        name: "nextval",
        call: true,
        why: "VOLATILE: advances a sequence",
    },
    NotImmutable {
        name: "to_char",
        call: true,
        why: "STABLE: depends on locale and TimeZone settings",
    },
    NotImmutable {
        name: "to_date",
        call: true,
        why: "STABLE: depends on the DateStyle setting",
    },
    NotImmutable {
        name: "to_timestamp",
        call: true,
        why: "STABLE (text form): depends on the TimeZone setting",
    },
    NotImmutable {
        name: "current_user",
        call: false,
        why: "STABLE: depends on the session",
    },
    NotImmutable {
        name: "session_user",
        call: false,
        why: "STABLE: depends on the session",
    },
    NotImmutable {
        name: "current_setting",
        call: true,
        why: "STABLE: depends on settings",
    },
];

/// Why normalized SQL text `expr` is not immutable, if it is not. `timestamptz_cols` lists
/// the table's `timestamptz` columns: `age(col)` with one argument, `date_trunc(..., col)`
/// and `col::date` on them depend on the TimeZone setting.
pub fn not_immutable(expr: &str, timestamptz_cols: &[&str]) -> Option<String> {
    for f in NOT_IMMUTABLE {
        let found = if f.call {
            calls(expr, f.name)
        } else {
            word(expr, f.name) && !calls(expr, f.name)
        };
        if found {
            return Some(format!("{} is {}", f.name, f.why));
        }
    }
    if let Some(args) = call_args(expr, "age") {
        if !args.contains(',') {
            return Some(
                "age() with one argument is STABLE: it measures from the current date".into(),
            );
        }
    }
    for col in timestamptz_cols {
        let on_col = |args: &str| args.split(',').any(|a| a.trim() == *col);
        if call_args(expr, "date_trunc").is_some_and(on_col)
            || call_args(expr, "date").is_some_and(on_col)
            || expr.contains(&format!("{col}::date"))
            || expr.contains(&format!("cast({col} as date)"))
        {
            return Some(format!(
                "converting the timestamptz column {col} to a date is STABLE: it depends on the TimeZone setting (use `({col} AT TIME ZONE 'UTC')::date`)"
            ));
        }
    }
    None
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `name` occurs in `s` as a whole word.
fn word(s: &str, name: &str) -> bool {
    s.match_indices(name).any(|(i, _)| {
        !s[..i].chars().last().is_some_and(is_word_char)
            && !s[i + name.len()..].chars().next().is_some_and(is_word_char)
    })
}

fn calls(s: &str, name: &str) -> bool {
    call_args(s, name).is_some()
}

/// The argument text of the first call `name(...)` in `s`.
fn call_args<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    s.match_indices(name).find_map(|(i, _)| {
        if s[..i]
            .chars()
            .last()
            .is_some_and(|c| is_word_char(c) || c == '.')
        {
            return None;
        }
        let rest = s[i + name.len()..].strip_prefix('(')?;
        let mut depth = 1;
        for (j, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&rest[..j]);
                    }
                }
                _ => {}
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::not_immutable;

    #[test]
    fn finds_volatile_and_stable_functions() {
        assert!(not_immutable("created_at > now() - interval '1 day'", &[]).is_some());
        assert!(not_immutable("expires_at > current_timestamp", &[]).is_some());
        assert!(not_immutable("age(born_on) > interval '18 years'", &[]).is_some());
        assert!(not_immutable("age(a, b)", &[]).is_none());
        assert!(not_immutable("date(created_at)", &["created_at"]).is_some());
        assert!(not_immutable("date(created_on)", &["created_at"]).is_none());
        assert!(not_immutable("lower(email)", &[]).is_none());
        assert!(not_immutable("snow(x)", &[]).is_none(), "whole names only");
        assert!(not_immutable("deleted_at is null", &[]).is_none());
    }
}

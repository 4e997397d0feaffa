//! Stage 2: extract SQL text from files.
//!
//! Input: the text of one discovered file. Output: [`Fragment`]s, each a piece of SQL text
//! with an [`OffsetMap`] back into the host file, and the statements found in it.
//!
//! - `.sql` files are one fragment whose map is the identity ([`sql_file`]).
//! - Application source yields one fragment per SQL string literal (adjacent and
//!   `+`-concatenated literals and operands joined; interpolations and driver placeholders
//!   replaced by parameters), see the per-language modules. What code builds at run time
//!   (a concatenated variable, an interpolated name, a format placeholder) is a
//!   [`hole::Hole`] of the fragment, classified by position and resolved when the file
//!   declares its value ([`format`]).
//!
//! Invariant: for every byte offset `o` in `fragment.text`, `fragment.map.to_host(o)` is a
//! byte offset in the host file at a char boundary; text copied verbatim from the host maps
//! to exactly where it came from, so a finding on the fourth line of a Python triple-quoted
//! string is reported on that line and column.

pub mod format;
pub mod go;
pub mod grow;
pub mod hole;
pub mod java;
pub mod javascript;
pub mod literal;
pub mod naming;
pub mod placeholder;
pub mod python;
pub mod ruby;
pub mod rust;
pub mod split;
pub mod sqlness;

use std::ops::Range;

/// The host languages idxlint reads SQL strings from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HostLang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Java,
    Ruby,
    Rust,
}

impl HostLang {
    /// The host language of a file, from its extension.
    pub fn from_extension(ext: &str) -> Option<HostLang> {
        Some(match ext {
            "py" | "pyi" => HostLang::Python,
            "js" | "mjs" | "cjs" | "jsx" => HostLang::JavaScript,
            "ts" | "mts" | "cts" | "tsx" => HostLang::TypeScript,
            "go" => HostLang::Go,
            "java" => HostLang::Java,
            "rb" => HostLang::Ruby,
            "rs" => HostLang::Rust,
            _ => return None,
        })
    }
}

/// One run of text copied from the host file: `len` bytes at `frag` in the fragment come
/// from `host` in the host file. Synthetic text (a parameter standing for `${x}`) is a
/// segment with `synthetic = true`, whose whole length maps to the start of the host span
/// it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub frag: usize,
    pub host: usize,
    pub len: usize,
    pub host_len: usize,
    pub synthetic: bool,
}

/// Maps byte offsets in a fragment's SQL text to byte offsets in the host file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    /// The map of a fragment that is a verbatim copy of `host[start..start + len]`.
    pub fn identity(start: usize, len: usize) -> Self {
        let mut m = OffsetMap::default();
        m.push_verbatim(0, start, len);
        m
    }

    /// Record that `len` bytes at fragment offset `frag` were copied from host offset `host`.
    pub fn push_verbatim(&mut self, frag: usize, host: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut() {
            if !last.synthetic && last.frag + last.len == frag && last.host + last.len == host {
                last.len += len;
                last.host_len += len;
                return;
            }
        }
        self.segments.push(Segment {
            frag,
            host,
            len,
            host_len: len,
            synthetic: false,
        });
    }

    /// Record that `len` bytes at fragment offset `frag` stand for `host_len` host bytes at
    /// `host` (an interpolation, an escape sequence, a placeholder rewritten).
    pub fn push_synthetic(&mut self, frag: usize, len: usize, host: usize, host_len: usize) {
        if len == 0 {
            return;
        }
        self.segments.push(Segment {
            frag,
            host,
            len,
            host_len,
            synthetic: true,
        });
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Host byte offset of fragment byte offset `offset`. Offsets at the very end of a
    /// segment map just past its host text (so ranges end where the host text ends).
    pub fn to_host(&self, offset: usize) -> usize {
        if self.segments.is_empty() {
            return 0;
        }
        let i = self.segments.partition_point(|s| s.frag + s.len <= offset);
        let Some(seg) = self.segments.get(i) else {
            let last = &self.segments[self.segments.len() - 1];
            return last.host + last.host_len;
        };
        if offset < seg.frag {
            return seg.host;
        }
        if seg.synthetic {
            seg.host
        } else {
            seg.host + (offset - seg.frag)
        }
    }

    /// Host byte range of a fragment byte range; the end maps past its last byte.
    pub fn range_to_host(&self, range: Range<usize>) -> Range<usize> {
        let start = self.to_host(range.start);
        if range.end <= range.start {
            return start..start;
        }
        let last = self.to_host(range.end - 1);
        let end = match self.segment_at(range.end - 1) {
            Some(seg) if seg.synthetic => seg.host + seg.host_len,
            _ => last + 1,
        };
        start..end.max(start)
    }

    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.frag + s.len <= offset);
        self.segments.get(i).filter(|s| s.frag <= offset)
    }
}

/// Where a fragment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentKind {
    /// A whole `.sql` file.
    SqlFile,
    /// A string literal (or a concatenation of them) in application source.
    HostString(HostLang),
    /// DDL an ORM schema reader wrote for a model declaration (see [`crate::orm`]).
    OrmSchema(crate::orm::Orm),
    /// SQL an ORM query reader wrote for a call chain (see [`crate::orm`]).
    OrmQuery(crate::orm::Orm),
}

/// A piece of SQL text and the way back to its host file.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub text: String,
    pub map: OffsetMap,
    pub kind: FragmentKind,
    /// The pieces code builds at run time, in order (none for `.sql` files and literals).
    pub holes: Vec<hole::Hole>,
}

impl Fragment {
    /// The fragment of a whole `.sql` file.
    pub fn sql_file(text: &str) -> Fragment {
        Fragment {
            text: text.to_string(),
            map: OffsetMap::identity(0, text.len()),
            kind: FragmentKind::SqlFile,
            holes: Vec::new(),
        }
    }

    /// The statements of this fragment, as byte ranges of `self.text`.
    pub fn statements(&self) -> Vec<Range<usize>> {
        split::split_statements(&self.text)
    }
}

/// SQL fragments of a file in a host language, in order of appearance (no naming
/// helpers configured).
pub fn extract_host(lang: HostLang, text: &str) -> Vec<Fragment> {
    extract_host_with(lang, text, &naming::Naming::default())
}

/// SQL fragments of a file in a host language, with the configured naming helpers
/// ([`naming`]).
pub fn extract_host_with(lang: HostLang, text: &str, naming: &naming::Naming) -> Vec<Fragment> {
    use literal::JoinRules;
    if !may_hold_sql(text) {
        return Vec::new();
    }
    let (toks, rules) = match lang {
        HostLang::Python => (
            python::lex(text),
            JoinRules {
                adjacent: true,
                plus: true,
            },
        ),
        HostLang::JavaScript | HostLang::TypeScript => (
            javascript::lex(text),
            JoinRules {
                adjacent: false,
                plus: true,
            },
        ),
        HostLang::Go => (
            go::lex(text),
            JoinRules {
                adjacent: false,
                plus: true,
            },
        ),
        HostLang::Java => (
            java::lex(text),
            JoinRules {
                adjacent: false,
                plus: true,
            },
        ),
        HostLang::Ruby => (
            ruby::lex(text),
            JoinRules {
                adjacent: true,
                plus: true,
            },
        ),
        HostLang::Rust => (
            rust::lex(text),
            JoinRules {
                adjacent: false,
                plus: false,
            },
        ),
    };
    literal::fragments(lang, toks, rules, text, naming)
}

/// The cheap test before any lexing: a host file can hold an SQL string only if some
/// statement keyword that [`sqlness`] requires at a string's start (`SELECT`, `INSERT`,
/// `UPDATE`, `DELETE`, `REPLACE`, `CREATE`, `ALTER`, `DROP`, `TRUNCATE`; `WITH` and
/// `EXPLAIN` are always followed by one of them) appears in it as a whole word followed by
/// whitespace, an escape (`SELECT\n`) or `*`, in any case. Method names (`update(`,
/// `.create(`) do not count; most files of a repository have none and are not lexed.
pub fn may_hold_sql(text: &str) -> bool {
    static KEYWORD: std::sync::LazyLock<Option<regex::bytes::Regex>> = std::sync::LazyLock::new(
        || {
            regex::bytes::Regex::new(
                r"(?i-u)\b(?:select|insert|update|delete|replace|create|alter|drop|truncate)[\s\\*]",
            )
            .ok()
        },
    );
    // Should the pattern ever fail to build, every file is lexed (slower, never wrong).
    KEYWORD
        .as_ref()
        .is_none_or(|re| re.is_match(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_passes_every_sql_start_and_rejects_plain_code() {
        for sql in [
            "q = \"SELECT id FROM t\"",
            "db.exec(`insert into t values (1)`)",
            "\"UPDATE\\n t SET a = 1\"",
            "\"SELECT*FROM t\"",
            "x = 'delete from t'",
            "s = \"WITH c AS (SELECT 1) SELECT * FROM c\"",
            "REPLACE INTO t VALUES (1)",
            "create index i on t (a)",
            "\"ALTER TABLE t ADD c int\"",
            "DROP TABLE t",
            "truncate t",
        ] {
            assert!(may_hold_sql(sql), "{sql}");
        }
        for code in [
            "def helper(x):\n    return x + 1\n",
            "const selected = items.filter(i => i.updated_at)",
            "store.update(item); api.create({ id }); cache.delete(key)",
            "fn dropped_frames() -> usize { 0 }",
            "",
        ] {
            assert!(!may_hold_sql(code), "{code}");
        }
    }

    #[test]
    fn identity_map() {
        let m = OffsetMap::identity(10, 5);
        assert_eq!(m.to_host(0), 10);
        assert_eq!(m.to_host(4), 14);
        assert_eq!(m.range_to_host(1..3), 11..13);
    }

    #[test]
    fn synthetic_segment_maps_to_its_host_span() {
        // host: SELECT ${id} x   fragment: SELECT $1 x
        let mut m = OffsetMap::default();
        m.push_verbatim(0, 0, 7);
        m.push_synthetic(7, 2, 7, 5);
        m.push_verbatim(9, 12, 2);
        assert_eq!(m.to_host(8), 7);
        assert_eq!(m.range_to_host(7..9), 7..12);
        assert_eq!(m.to_host(10), 13);
    }
}

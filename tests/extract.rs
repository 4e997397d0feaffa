//! Extraction fixtures: `fixtures/extract/<language>/<case>.<ext>`.
//!
//! Each case has a sibling `<case>.expected` listing every fragment extracted from it: its
//! SQL text, then each token of the text with the host `line:column` it maps to (1-based,
//! columns count characters), synthetic tokens (parameters, decoded escapes) marked with
//! `~` and followed by the host text they stand for. A case that must yield nothing has an
//! expected file saying `(no fragments)`.
//!
//! Fragments of queries built in code then list their holes: kind, clause, host position
//! and host text, the text written for it, and the constant it resolved to. A case with a
//! sibling `<case>.idxlint.toml` is extracted with that config's `[naming]` helpers.
//!
//! To review a change, run `IDXLINT_BLESS=1 cargo test --test extract`, then read
//! `git diff fixtures/extract`: each changed line names a token and its position.
//!
//! Cases named `parse_*` are also parsed end to end (PostgreSQL dialect): every statement
//! must parse, and its location must start at the host text of its first token.

use idxlint::extract::{extract_host, extract_host_with, Fragment, HostLang};
use idxlint::parse::{parse_fragment, Dialect};
use idxlint::source::{FileId, LineIndex};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn cases() -> Vec<(PathBuf, HostLang)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("fixtures/extract exists") {
        let dir = dir.expect("dir entry").path();
        for f in std::fs::read_dir(&dir).expect("language dir") {
            let p = f.expect("entry").path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if let Some(lang) = HostLang::from_extension(ext) {
                out.push((p, lang));
            }
        }
    }
    out.sort();
    out
}

fn render(host: &str, frags: &[Fragment]) -> String {
    if frags.is_empty() {
        return "(no fragments)\n".to_string();
    }
    let idx = LineIndex::new(host);
    let pos = |o: usize| {
        let lc = idx.line_col(host, o);
        format!("{}:{}", lc.line, lc.column)
    };
    let mut out = String::new();
    for (n, f) in frags.iter().enumerate() {
        let _ = writeln!(out, "== fragment {} at {}", n + 1, pos(f.map.to_host(0)));
        for line in f.text.lines() {
            let _ = writeln!(out, "| {}", line.trim_end_matches('\r'));
        }
        let _ = writeln!(out, "-- tokens");
        let mut line = String::new();
        for (start, tok) in tokens(&f.text) {
            let range = f.map.range_to_host(start..start + tok.len());
            let synthetic = f
                .map
                .segments()
                .iter()
                .any(|s| s.synthetic && s.frag <= start && start < s.frag + s.len);
            let item = if synthetic {
                format!("{tok}@{}~{:?}", pos(range.start), &host[range.clone()])
            } else {
                format!("{tok}@{}", pos(range.start))
            };
            if line.len() + item.len() > 90 && !line.is_empty() {
                let _ = writeln!(out, "  {}", line.trim_end());
                line.clear();
            }
            line.push_str(&item);
            line.push(' ');
        }
        if !line.is_empty() {
            let _ = writeln!(out, "  {}", line.trim_end());
        }
        if !f.holes.is_empty() {
            let _ = writeln!(out, "-- holes");
        }
        for h in &f.holes {
            let _ = writeln!(
                out,
                "  {} in {:?} at {} {:?}{} as {:?}{}",
                h.kind.as_str(),
                h.region,
                pos(h.host.start),
                &host[h.host.clone()],
                if h.label != hole_label(&host[h.host.clone()]) {
                    format!(" ({})", h.label)
                } else {
                    String::new()
                },
                &f.text[h.frag.clone()],
                match &h.resolved {
                    Some(v) => format!(" = {v:?}"),
                    None => String::new(),
                }
            );
        }
    }
    out
}

/// The label a hole has when nothing else names it.
fn hole_label(host_text: &str) -> String {
    idxlint::extract::hole::label_of(host_text)
}

/// Tokens of SQL text for the listing: words, `$N`, and single punctuation characters
/// other than the most common ones (kept short on purpose).
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            out.push((i, &text[i..end]));
        } else if !c.is_whitespace() && !matches!(c, '(' | ')' | ',' | '.' | ';' | '=' | '*') {
            out.push((i, &text[i..i + c.len_utf8()]));
        }
    }
    out
}

/// The OffsetMap invariant: every mapped offset is within the host and on a char
/// boundary, and host positions never go backwards for verbatim text.
fn check_invariants(path: &Path, host: &str, frags: &[Fragment]) {
    for f in frags {
        let mut last = 0;
        for (o, _) in f.text.char_indices().chain([(f.text.len(), ' ')]) {
            let h = f.map.to_host(o);
            assert!(
                h <= host.len(),
                "{}: offset {o} maps past the end",
                path.display()
            );
            assert!(
                host.is_char_boundary(h),
                "{}: offset {o} maps inside a char",
                path.display()
            );
            assert!(h >= last, "{}: offset {o} maps backwards", path.display());
            last = h;
        }
    }
}

#[test]
fn fixtures() {
    let bless = std::env::var_os("IDXLINT_BLESS").is_some();
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 6, "fixtures found");
    for (path, lang) in cases {
        let host = std::fs::read_to_string(&path).expect("fixture readable");
        // `<case>.idxlint.toml` beside a case configures its naming helpers.
        let config = path.with_extension("idxlint.toml");
        let frags = if config.exists() {
            let config = idxlint::config::Config::load(&config).expect("valid config");
            extract_host_with(lang, &host, &config.naming)
        } else {
            extract_host(lang, &host)
        };
        check_invariants(&path, &host, &frags);
        let got = render(&host, &frags);
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            if bless {
                std::fs::write(&expected_path, &got).expect("write expected");
            } else {
                failures.push(format!(
                    "{}:\n--- expected\n{expected}\n+++ got\n{got}",
                    path.display()
                ));
            }
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem.starts_with("parse_") {
            check_parses(&path, &host, &frags);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_parses(path: &Path, host: &str, frags: &[Fragment]) {
    assert!(!frags.is_empty(), "{}: no SQL found", path.display());
    for f in frags {
        for stmt in parse_fragment(Dialect::Postgres, FileId(0), f) {
            assert!(
                stmt.ast.is_some(),
                "{}: does not parse: {}\n{:?}",
                path.display(),
                stmt.text,
                stmt.error.map(|e| e.message)
            );
            let first: String = stmt
                .text
                .chars()
                .take_while(|c| c.is_alphabetic())
                .collect();
            let at = &host[stmt.location.range.clone()];
            assert!(
                at.starts_with(&first),
                "{}: statement location {:?} does not start at {first:?}",
                path.display(),
                stmt.location.range
            );
        }
    }
}

/// Every dialect idxlint supports accepts the `$N` parameters extraction produces.
#[test]
fn dollar_parameters_parse_in_every_dialect() {
    let frags = extract_host(
        HostLang::Python,
        "cur.execute('SELECT a FROM t WHERE b = %s AND c IN (%s, %s) LIMIT %s')",
    );
    assert_eq!(frags.len(), 1);
    assert_eq!(
        frags[0].text,
        "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4"
    );
    for d in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let stmts = parse_fragment(d, FileId(0), &frags[0]);
        assert!(stmts[0].ast.is_some(), "{d:?}: {:?}", stmts[0].error);
    }
}

/// Arbitrary junk never panics and keeps the map invariant.
#[test]
fn junk_never_panics() {
    let samples = [
        "\"SELECT a FROM t",
        "'''SELECT",
        "`SELECT ${",
        "r#\"SELECT",
        "<<~SQL\nSELECT a FROM t",
        "%q(SELECT a FROM t",
        "\"\"\"\nSELECT a FROM t",
        "f'{",
        "\"\\",
        "'\\u{zz",
        "é\"SELECT 1\"",
        "/",
        "\"SELECT a FROM t WHERE x = ?\" + ",
        "`${`${`",
        "<<'",
        "%",
        "=begin",
    ];
    let langs = [
        HostLang::Python,
        HostLang::JavaScript,
        HostLang::Go,
        HostLang::Java,
        HostLang::Ruby,
        HostLang::Rust,
    ];
    for s in samples {
        for lang in langs {
            let frags = extract_host(lang, s);
            check_invariants(Path::new(s), s, &frags);
        }
    }
    // Naming helpers and growth on broken input.
    let naming = idxlint::extract::naming::Naming {
        helpers: vec!["h".into()],
        ..Default::default()
    };
    let named = [
        "const { table, fields } = h(",
        "const { table: = h(X); sql`select ${fields.} from ${table}`",
        "const X = { table: 'x', fields: { a: } }; const { fields } = h(X, true); sql`select ${sql.join(Object.values(fields)} from t`",
        "sql`select ${sql.identifier([X.table, ])} from ${sql.identifier([])}`; h(X)",
        "q = 'SELECT a FROM t'\nq += \nq << ",
        "sb.append(\"SELECT a FROM t\").append(",
        "x := strings.Join([]string{\"SELECT a\", \"FROM t\"}, ",
        "x := strings.Join([]string{\"SELECT a\", }, \" \")",
        "q = \"SELECT a FROM t\"\n\tq += \"é\"\n  q += f\"{q}",
    ];
    for s in named {
        for lang in langs {
            let frags = extract_host_with(lang, s, &naming);
            check_invariants(Path::new(s), s, &frags);
        }
    }
}

/// Every fragment of `src` maps forwards into the host file.
fn assert_maps_forward(lang: idxlint::extract::HostLang, src: &str) {
    for f in idxlint::extract::extract_host(lang, src) {
        let mut last = 0;
        for o in 0..=f.text.len() {
            let h = f.map.to_host(o);
            assert!(h >= last, "fragment {:?} maps backwards at {o}", f.text);
            last = h;
        }
    }
}

/// Found by fuzzing: a string joined after a heredoc on the opener's line stands before the
/// heredoc's body, so joining them would map the fragment backwards.
#[test]
fn ruby_string_after_heredoc_is_not_joined() {
    let src = "a = <<~ONE + \"SELECT 2 FROM t\"\n  SELECT 1 FROM t\nONE\n";
    assert_maps_forward(idxlint::extract::HostLang::Ruby, src);
}

/// Found by fuzzing: `<<~ONE + <<~` followed by something that is not a heredoc tag.
#[test]
fn ruby_plus_after_heredoc_without_a_second_heredoc() {
    let src = "b = <<~ONE + <<~\u{4} 'SELECT 1 FROM t'\n  SELECT 2 FROM t\nONE\n";
    assert_maps_forward(idxlint::extract::HostLang::Ruby, src);
}

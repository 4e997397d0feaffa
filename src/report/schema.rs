//! `idxlint schema`: the schema as idxlint understood it, with where each object came from.
//!
//! Input: an [`Analysis`]. Output: plain text, one object per line, tables sorted by name,
//! objects inside a table in declaration order. Stable and diff-friendly: no alignment
//! padding that shifts when a longer name appears, no colors. Each line ends with
//! `@ path:line:col`, the place the object was declared.
//!
//! ```text
//! table users  @ migrations/001.sql:1:1
//!   column id bigint not null  @ migrations/001.sql:2:3
//!   primary key users_pkey btree (id)  @ migrations/001.sql:1:1
//!   index users_lower_idx unique btree ((lower(email)) DESC) include (id) where deleted_at IS NULL  @ ...
//!   foreign key posts_user_id_fkey (user_id) references users (id)  @ ...
//! ```

use crate::model::schema::{Index, IndexKey, IndexKind, Schema};
use crate::report::span;
use crate::source::{Location, SourceDb};
use crate::Analysis;
use std::io::{self, Write};

/// Write the schema of `analysis` to `out`.
pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    render_schema(&analysis.sources, &analysis.schema, out)
}

/// Write `schema` to `out`, locations resolved against `sources`.
pub fn render_schema(sources: &SourceDb, schema: &Schema, out: &mut dyn Write) -> io::Result<()> {
    let at = |loc: &Location| {
        let (start, _) = span(sources, loc);
        format!(
            "  @ {}:{}:{}",
            sources.get(loc.file).path,
            start.line,
            start.column
        )
    };
    for (i, t) in schema.tables.values().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let mut flags = String::new();
        if t.seeded {
            flags.push_str(" seeded");
        }
        if t.clustered {
            flags.push_str(" clustered");
        }
        if t.kind == crate::model::schema::RelationKind::MaterializedView {
            flags.push_str(" materialized-view");
        }
        if let Some(p) = &t.partition_by {
            flags.push_str(&format!(" partition-by {p}"));
        }
        if let Some(p) = &t.partition_of {
            flags.push_str(&format!(" partition-of {p}"));
        }
        writeln!(out, "table {}{flags}{}", t.name, at(&t.declared))?;
        for c in &t.columns {
            let ty = if c.data_type.is_empty() {
                "?"
            } else {
                &c.data_type
            };
            let nn = if c.nullable { "" } else { " not null" };
            writeln!(out, "  column {} {ty}{nn}{}", c.name, at(&c.declared))?;
        }
        for ix in &t.indexes {
            let invisible = if schema
                .invisible
                .contains(&(t.name.clone(), ix.name.clone()))
            {
                " invisible"
            } else {
                ""
            };
            writeln!(out, "  {}{invisible}{}", index_line(ix), at(&ix.declared))?;
        }
        for fk in &t.foreign_keys {
            writeln!(
                out,
                "  foreign key {} ({}) references {} ({}){}",
                fk.name.as_deref().unwrap_or("?"),
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", "),
                at(&fk.declared)
            )?;
        }
    }
    Ok(())
}

/// One index without its location: `index name [unique] method (keys) [include (..)] [where ..]`.
pub fn index_line(ix: &Index) -> String {
    let kind = match ix.kind {
        IndexKind::PrimaryKey => "primary key",
        IndexKind::UniqueConstraint => "unique constraint",
        IndexKind::Index if ix.unique => "index unique",
        IndexKind::Index => "index",
    };
    let keys: Vec<String> = ix.keys.iter().map(key_text).collect();
    let mut s = format!("{kind} {} {} ({})", ix.name, ix.method, keys.join(", "));
    if !ix.include.is_empty() {
        s.push_str(&format!(" include ({})", ix.include.join(", ")));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" where {p}"));
    }
    s
}

/// One key part: `expr[(prefix)] [collate c] [opclass] [DESC] [NULLS FIRST|LAST]`.
pub fn key_text(k: &IndexKey) -> String {
    let mut s = k.expr.display();
    if let Some(n) = k.prefix_len {
        s.push_str(&format!("({n})"));
    }
    if let Some(c) = &k.collation {
        s.push_str(&format!(" collate {c}"));
    }
    if let Some(o) = &k.opclass {
        s.push_str(&format!(" {o}"));
    }
    if k.desc {
        s.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

//! `idxlint schema --format json`: the folded schema as one JSON document, the contract
//! documented in `docs/schema-json.md`.
//!
//! Input: an [`Analysis`]. Output: `{"tables": [...]}`, tables in key order (the order of
//! `idxlint schema`), columns, indexes and foreign keys in declaration order. Index keys are
//! column names or the normalized text of an expression; locations are the same
//! `{path, start, end}` objects as in `docs/json.md`. Deterministic: the same tree gives
//! byte-identical output.

use super::json::{loc, Loc};
use crate::model::schema::{IndexKind, RelationKind, Schema};
use crate::source::SourceDb;
use crate::Analysis;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct ColumnOut<'a> {
    name: &'a str,
    /// The type as written, lower-cased; null when unknown (`CREATE TABLE ... AS`).
    #[serde(rename = "type")]
    data_type: Option<&'a str>,
    nullable: bool,
}

#[derive(Serialize)]
struct IndexOut<'a> {
    name: &'a str,
    unique: bool,
    primary: bool,
    method: &'a str,
    keys: Vec<String>,
    include: &'a [String],
    predicate: Option<&'a str>,
}

#[derive(Serialize)]
struct ForeignKeyOut<'a> {
    columns: &'a [String],
    ref_table: &'a str,
    ref_columns: &'a [String],
}

#[derive(Serialize)]
struct TableOut<'a> {
    name: &'a str,
    /// Null for MySQL and SQLite tables named without a database.
    schema: Option<&'a str>,
    /// `table`, `partitioned table`, `materialized view`.
    kind: &'static str,
    /// The parent of a partition (its key, as `ref_table`).
    partition_of: Option<&'a str>,
    columns: Vec<ColumnOut<'a>>,
    indexes: Vec<IndexOut<'a>>,
    foreign_keys: Vec<ForeignKeyOut<'a>>,
    location: Loc<'a>,
}

#[derive(Serialize)]
struct Doc<'a> {
    tables: Vec<TableOut<'a>>,
}

/// Write the schema of `analysis` as JSON to `out`.
pub fn render(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    render_schema(&analysis.sources, &analysis.schema, out)
}

/// Write `schema` as JSON to `out`, locations resolved against `sources`.
pub fn render_schema(sources: &SourceDb, schema: &Schema, out: &mut dyn Write) -> io::Result<()> {
    let tables = schema
        .tables
        .values()
        .map(|t| TableOut {
            name: &t.relname,
            schema: (!t.schema.is_empty()).then_some(t.schema.as_str()),
            kind: match (t.kind, &t.partition_by) {
                (RelationKind::MaterializedView, _) => "materialized view",
                (RelationKind::Table, Some(_)) => "partitioned table",
                (RelationKind::Table, None) => "table",
            },
            partition_of: t.partition_of.as_deref(),
            columns: t
                .columns
                .iter()
                .map(|c| ColumnOut {
                    name: &c.name,
                    data_type: (!c.data_type.is_empty()).then_some(c.data_type.as_str()),
                    nullable: c.nullable,
                })
                .collect(),
            indexes: t
                .indexes
                .iter()
                .map(|ix| IndexOut {
                    name: &ix.name,
                    unique: ix.unique,
                    primary: ix.kind == IndexKind::PrimaryKey,
                    method: &ix.method,
                    keys: ix
                        .keys
                        .iter()
                        .map(|k| match &k.expr {
                            crate::model::schema::KeyExpr::Column(c) => c.clone(),
                            crate::model::schema::KeyExpr::Expr(e) => e.clone(),
                        })
                        .collect(),
                    include: &ix.include,
                    predicate: ix.predicate.as_deref(),
                })
                .collect(),
            foreign_keys: t
                .foreign_keys
                .iter()
                .map(|fk| ForeignKeyOut {
                    columns: &fk.columns,
                    ref_table: &fk.ref_table,
                    ref_columns: &fk.ref_columns,
                })
                .collect(),
            location: loc(sources, &t.declared),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Doc { tables }).map_err(io::Error::other)?;
    writeln!(out)
}

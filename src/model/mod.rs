//! Stage 4: the model. `schema` is the database the migrations leave behind; `usage` is how
//! each query touches each table; `coverage` is the one place that decides whether an index
//! serves an access pattern.

pub mod coverage;
pub mod expr;
pub mod fold;
pub mod migration;
pub mod names;
pub mod schema;
pub mod stats;
pub mod usage;
pub mod volatility;

//! Whether an index serves an access pattern: the one place that decides it.

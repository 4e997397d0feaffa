//! Stage timings, for profiling: with `IDXLINT_TIMINGS=1` in the environment, each stage
//! prints how long it took on stderr (`idxlint: time parse 12.3 ms`). Off, a [`Timer`] costs
//! one environment lookup.

use std::time::Instant;

/// Measures the time between successive [`Timer::mark`] calls.
pub struct Timer {
    last: Instant,
    on: bool,
}

impl Timer {
    /// A timer that prints only when `IDXLINT_TIMINGS` is set (to anything but `0`).
    pub fn new() -> Timer {
        Timer {
            last: Instant::now(),
            on: std::env::var_os("IDXLINT_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    /// Print the time since the previous mark (or since creation) under `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "idxlint: time {stage} {:.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
        }
    }
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

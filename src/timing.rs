//! Stage timings for profiling: with `ERRDEX_TIMINGS` set (or `--verbose`), how long each stage
//! took goes to stderr (above the progress bar, when one shows). Any stage may call it; it
//! imports nothing else from the project.

use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

/// Turns the timings on for the rest of the run (`--verbose`).
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Prints `timing: <stage>: <seconds>` to stderr when timings are on.
pub fn timing(stage: &str, since: std::time::Instant) {
    if ON.load(Ordering::Relaxed) || std::env::var_os("ERRDEX_TIMINGS").is_some() {
        crate::progress::print_line(&format!(
            "timing: {stage}: {:.3} s",
            since.elapsed().as_secs_f64()
        ));
    }
}

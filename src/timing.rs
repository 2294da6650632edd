//! Stage timings for profiling: with `ERRDEX_TIMINGS` set, how long each stage took goes to
//! stderr. Any stage may call it; it imports nothing from the project.

/// Prints `timing: <stage>: <seconds>` to stderr when `ERRDEX_TIMINGS` is set.
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("ERRDEX_TIMINGS").is_some() {
        eprintln!("timing: {stage}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

//! The progress bar of the long commands (`build`, `check`, `sources`): on standard error, only
//! when it is a terminal ([`wanted`]: not with `--quiet`, in CI or with TERM=dumb), and only once
//! a run has lasted a second, so a short build prints nothing more. It is cleared when the run
//! ends, before the summary is printed.
//!
//! The stages report to a [`Progress`] without knowing whether anything shows: a hidden one does
//! nothing, and a counted step is one relaxed atomic addition, read by a drawing thread ten times a
//! second (rendering on every core never waits for the terminal). `serve` passes a hidden one: its
//! rebuilds are short, and its log is the interface.

use std::ffi::OsStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its bar shows: `ERRDEX_PROGRESS_DELAY_MS` replaces it (the tests
/// use 0, which shows the bar from the start).
const DELAY: Duration = Duration::from_secs(1);

/// How often a shown bar is brought up to date.
const TICK: Duration = Duration::from_millis(100);

/// Whether a run has a progress bar: standard error is a terminal, not `--quiet`, not in CI (the
/// `CI` variable set, as CI systems set it, to anything but empty, `0` or `false`), and the
/// terminal is not `TERM=dumb`.
pub fn wanted(
    stderr_is_terminal: bool,
    quiet: bool,
    ci: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
    let in_ci = ci.is_some_and(|v| !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")));
    stderr_is_terminal && !quiet && !in_ci && term.is_none_or(|t| t != "dumb")
}

/// Where the stages say how far they are. Cheap to clone (the clones share one bar); the
/// [`Default`] is hidden.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Shown>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.0.is_some() {
            "on standard error"
        } else {
            "hidden"
        };
        write!(f, "Progress({what})")
    }
}

struct Shown {
    bar: ProgressBar,
    /// The current stage's count, shared with the drawing thread.
    done: Arc<AtomicU64>,
    /// Held while a stage begins and while the drawing thread reads the count, so that a new
    /// stage is never drawn with the last one's count.
    turn: Arc<Mutex<()>>,
    /// Dropping the sender stops the drawing thread.
    ticker: Mutex<Option<(mpsc::Sender<()>, JoinHandle<()>)>>,
    finished: AtomicBool,
}

/// The bar shown now, for lines printed during a run ([`print_line`]).
static CURRENT: Mutex<Option<ProgressBar>> = Mutex::new(None);

impl Progress {
    /// Reports nothing.
    pub fn hidden() -> Progress {
        Progress(None)
    }

    /// A bar on standard error that shows once the run has lasted a second (the caller has
    /// asked [`wanted`]).
    pub fn on_stderr() -> Progress {
        let delay = std::env::var("ERRDEX_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(style(false));
        if delay.is_zero() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let done = Arc::new(AtomicU64::new(0));
        let turn = Arc::new(Mutex::new(()));
        let (stop, stopped) = mpsc::channel::<()>();
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn({
                let bar = bar.clone();
                let done = Arc::clone(&done);
                let turn = Arc::clone(&turn);
                move || {
                    if stopped.recv_timeout(delay) != Err(mpsc::RecvTimeoutError::Timeout) {
                        return; // finished within the delay: nothing was shown
                    }
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    loop {
                        if let Ok(_turn) = turn.lock() {
                            // Draws, with the spinner's next frame.
                            bar.set_position(done.load(Ordering::Relaxed));
                        }
                        if stopped.recv_timeout(TICK) != Err(mpsc::RecvTimeoutError::Timeout) {
                            return;
                        }
                    }
                }
            })
            .ok();
        if let Ok(mut current) = CURRENT.lock() {
            *current = Some(bar.clone());
        }
        Progress(Some(Arc::new(Shown {
            bar,
            done,
            turn,
            ticker: Mutex::new(ticker.map(|t| (stop, t))),
            finished: AtomicBool::new(false),
        })))
    }

    /// A new stage begins: its name, and how many steps it has when that is known.
    pub fn stage(&self, name: &'static str, total: Option<usize>) {
        let Some(shown) = &self.0 else { return };
        let _turn = shown.turn.lock();
        shown.bar.set_style(style(total.is_some()));
        shown.bar.set_message("");
        shown.bar.set_prefix(name);
        match total {
            Some(n) => shown.bar.set_length(n as u64),
            None => shown.bar.unset_length(),
        }
        shown.done.store(0, Ordering::Relaxed);
        shown.bar.set_position(0);
    }

    /// `n` more steps of the stage are done (from any thread).
    pub fn inc(&self, n: usize) {
        if let Some(shown) = &self.0 {
            shown.done.fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    /// What the stage works on now (shown after the count): a host, a file.
    pub fn detail(&self, text: &str) {
        if let Some(shown) = &self.0 {
            shown.bar.set_message(text.to_string());
        }
    }

    /// The run is over: the bar is cleared, if it was shown, and shows no more.
    pub fn finish(&self) {
        if let Some(shown) = &self.0 {
            shown.finish();
        }
    }
}

impl Shown {
    fn finish(&self) {
        if self.finished.swap(true, Ordering::Relaxed) {
            return;
        }
        let ticker = self.ticker.lock().ok().and_then(|mut t| t.take());
        if let Some((stop, thread)) = ticker {
            drop(stop);
            let _ = thread.join();
        }
        if let Ok(mut current) = CURRENT.lock() {
            *current = None;
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A counted stage: `reading entries [=====>     ] 4210/10000`; otherwise
/// `checking the site ⠙`. What the stage works on now follows.
fn style(counted: bool) -> ProgressStyle {
    let template = if counted {
        "{prefix} [{bar:30}] {pos}/{len} {wide_msg}"
    } else {
        "{prefix} {spinner} {wide_msg}"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Prints a line on standard error during a run without garbling the bar: above it, when one
/// shows.
pub fn print_line(line: &str) {
    let current = CURRENT.lock().ok().and_then(|c| c.clone());
    match current {
        Some(bar) => bar.suspend(|| eprintln!("{line}")),
        None => eprintln!("{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_on_a_terminal_without_quiet_ci_or_a_dumb_terminal() {
        let s = |v: &'static str| Some(OsStr::new(v));
        // (terminal, quiet, CI, TERM) → a bar
        let cases = [
            (true, false, None, s("xterm-256color"), true),
            (true, false, None, None, true),
            (true, false, s(""), s("xterm"), true),
            (true, false, s("0"), s("xterm"), true),
            (true, false, s("false"), s("xterm"), true),
            (true, false, s("FALSE"), s("xterm"), true),
            (false, false, None, s("xterm"), false),
            (true, true, None, s("xterm"), false),
            (true, false, s("true"), s("xterm"), false),
            (true, false, s("1"), s("xterm"), false),
            (true, false, s("woodpecker"), s("xterm"), false),
            (true, false, None, s("dumb"), false),
            (false, true, s("true"), s("dumb"), false),
        ];
        for (terminal, quiet, ci, term, expected) in cases {
            assert_eq!(
                wanted(terminal, quiet, ci, term),
                expected,
                "terminal {terminal}, quiet {quiet}, CI {ci:?}, TERM {term:?}"
            );
        }
    }

    #[test]
    fn a_hidden_progress_takes_every_call_and_does_nothing() {
        let p = Progress::hidden();
        p.stage("reading entries", Some(3));
        p.inc(2);
        p.detail("example.com");
        p.finish();
        assert_eq!(format!("{p:?}"), "Progress(hidden)");
    }
}

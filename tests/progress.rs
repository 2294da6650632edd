//! The progress bar (src/progress.rs): on a terminal only; never in a pipe, in CI, with --quiet
//! or TERM=dumb; cleared before the summary; not shown at all by a build shorter than a second.
//! `ERRDEX_PROGRESS_DELAY_MS=0` shows it from the start, so that whether it shows does not
//! depend on how long a build takes.

use crate::harness::{Run, SiteTest};

/// The names of the build's stages, as the bar shows them.
const STAGES: [&str; 6] = [
    "finding entries",
    "reading entries",
    "checking the site",
    "rendering",
    "building the search index",
    "replacing the output",
];

/// Anything of a bar in what a run printed: a terminal escape, or a stage's name.
fn bar_in(text: &str) -> Option<String> {
    if text.contains('\x1b') {
        return Some("an escape sequence".into());
    }
    STAGES
        .iter()
        .chain(&["checking sources"])
        .find(|s| text.contains(*s))
        .map(|s| format!("`{s}`"))
}

fn assert_no_bar(run: &Run, what: &str) {
    if let Some(found) = bar_in(&run.stderr) {
        panic!("{what}: {found} in stderr:\n{:?}", run.stderr);
    }
}

/// The seconds a build's summary line says it took.
fn build_seconds(text: &str) -> f64 {
    let after = text.split("Built ").nth(1).expect("a summary line");
    let seconds = after.split(" in ").nth(1).expect("in").split(' ').next();
    seconds.and_then(|s| s.parse().ok()).expect("seconds")
}

#[test]
fn no_bar_when_stderr_is_a_pipe_or_in_ci() {
    let site = SiteTest::fixture("basic");
    let commands: [&[&str]; 3] = [
        &["build"],
        &["check"],
        // Nothing fetched (--only matches no URL), but every stage runs.
        &["sources", "check", "--only", "nothing*"],
    ];
    for args in commands {
        for ci in [None, Some("true"), Some("1")] {
            let mut cmd = site.command(args);
            cmd.env("ERRDEX_PROGRESS_DELAY_MS", "0")
                .env("TERM", "xterm");
            match ci {
                Some(v) => cmd.env("CI", v),
                None => cmd.env_remove("CI"),
            };
            let run = site.run_command(cmd);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            assert_no_bar(&run, &format!("{args:?} with CI={ci:?}"));
        }
    }
}

#[test]
fn on_a_terminal_the_build_shows_its_stages_and_clears_them_before_the_summary() {
    let site = SiteTest::fixture("basic");
    let Some(run) = site.run_pty(&["build"], &[("ERRDEX_PROGRESS_DELAY_MS", "0")]) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = &run.stderr;
    for stage in ["finding entries", "reading entries ["] {
        assert!(shown.contains(stage), "{stage} not shown:\n{shown:?}");
    }
    // The bar's last line is cleared; the summary is alone on its line, as without a bar.
    let last = shown.rsplit("\x1b[2K").next().unwrap_or_default();
    assert!(last.starts_with("Built 22 pages in "), "{shown:?}");
    assert!(last.ends_with(" → public\r\n"), "{shown:?}");
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn on_a_terminal_no_bar_in_ci_with_quiet_or_with_a_dumb_terminal() {
    let site = SiteTest::fixture("basic");
    let now = ("ERRDEX_PROGRESS_DELAY_MS", "0");
    /// The command, its environment, what the case is.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 4] = [
        (&["build"], &[now, ("CI", "true")], "CI=true"),
        (&["build"], &[now, ("TERM", "dumb")], "TERM=dumb"),
        (&["build", "--quiet"], &[now], "--quiet"),
        (&["check", "--quiet"], &[now], "check --quiet"),
    ];
    for (args, env, what) in cases {
        let Some(run) = site.run_pty(args, env) else {
            return;
        };
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        assert_no_bar(&run, what);
        if args.contains(&"--quiet") {
            assert_eq!(run.stderr, "", "{what}");
        } else {
            assert!(run.stderr.starts_with("Built 22 pages in "), "{what}");
        }
    }
}

#[test]
fn on_a_terminal_a_build_shorter_than_a_second_prints_only_its_summary() {
    let site = SiteTest::fixture("basic");
    let Some(run) = site.run_pty(&["build"], &[]) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A build this small takes a tenth of a second; should it ever take a second, the bar may
    // show, and that is right.
    if build_seconds(&run.stderr) < 1.0 {
        assert_no_bar(&run, "a short build");
        assert!(
            run.stderr.starts_with("Built 22 pages in "),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
}

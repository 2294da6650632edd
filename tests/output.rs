//! The output folder under hostile conditions: what `--output` may be, builds killed at any
//! moment, and what killed builds leave beside the output.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use errdex::output::{MARKER, MARKER_TEXT};

use crate::harness::SiteTest;

/// The names of the folders builds leave beside `public`, but for the spare that every build
/// keeps (the previous output, for its folders).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".errdex-") && !n.ends_with(".errdex-spare"))
        .collect();
    names.sort();
    names
}

/// A PID that surely runs no process: one of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .arg("--version")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

/// A folder as errdex writes it: the marker and one page.
fn errdex_folder(path: &Path, page: &str) {
    std::fs::create_dir_all(path).expect("mkdir");
    std::fs::write(path.join(MARKER), MARKER_TEXT).expect("marker");
    std::fs::write(path.join("index.html"), page).expect("page");
}

#[test]
fn every_output_has_the_marker_with_its_fixed_contents() {
    let site = SiteTest::fixture("basic");
    // A static file of the marker's name must not make the output look like someone else's.
    site.write("static/.errdex-output", "from static/\n");
    site.build_ok();
    assert_eq!(site.read("public/.errdex-output"), MARKER_TEXT);
    site.build_ok();
    assert_eq!(site.read("public/.errdex-output"), MARKER_TEXT);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_not_a_folder_is_refused_and_left_as_it_is() {
    use std::os::unix::fs::FileTypeExt;
    let site = SiteTest::fixture("basic");
    let path = |name: &str| site.path(name);
    std::fs::write(path("file"), "keep me").expect("file");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .expect("mkfifo");
    let _socket = std::os::unix::net::UnixListener::bind(path("socket")).expect("socket");
    let mut cases = vec![
        ("file", "it is a file"),
        ("fifo", "it is a named pipe (FIFO)"),
        ("socket", "it is a socket"),
    ];
    // A device, where this user may make one (the same as /dev/null).
    if rustix::fs::mknodat(
        rustix::fs::CWD,
        path("device"),
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o666),
        rustix::fs::makedev(1, 3),
    )
    .is_ok()
    {
        cases.push(("device", "it is a character device"));
    }
    let kind = |p: &Path| std::fs::symlink_metadata(p).expect("lstat").file_type();
    let before: Vec<_> = cases.iter().map(|(name, _)| kind(&path(name))).collect();
    for (name, why) in &cases {
        let run = site.run(&["build", "--output", name]);
        assert_eq!(run.code, 2, "{name} was not refused: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("refusing to write the site into {name}: {why}")),
            "{name}: {}",
            run.stderr
        );
        assert!(leftovers(site.root()).is_empty(), "{name}");
    }
    let after: Vec<_> = cases.iter().map(|(name, _)| kind(&path(name))).collect();
    assert_eq!(before, after);
    assert_eq!(site.read("file"), "keep me");
    assert!(kind(&path("fifo")).is_fifo());
    // /dev/null itself, where a mistake cannot replace it (not as root).
    if !rustix::process::geteuid().is_root() {
        let run = site.run(&["build", "--output", "/dev/null"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("it is a character device"),
            "{}",
            run.stderr
        );
    }
    assert!(std::fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device()));
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symbolic_link_is_refused_and_left_as_it_is() {
    let site = SiteTest::fixture("basic");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    // To someone's folder, to an errdex output, to nothing.
    let theirs = elsewhere.path().join("theirs");
    std::fs::create_dir(&theirs).expect("mkdir");
    std::fs::write(theirs.join("notes.txt"), "keep me").expect("write");
    let output = elsewhere.path().join("output");
    errdex_folder(&output, "an output");
    for (name, to) in [
        ("to-theirs", theirs.clone()),
        ("to-output", output.clone()),
        ("to-nothing", elsewhere.path().join("nothing")),
    ] {
        std::os::unix::fs::symlink(&to, site.path(name)).expect("symlink");
        let run = site.run(&["build", "--output", name]);
        assert_eq!(run.code, 2, "{name} was not refused: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "refusing to write the site into {name}: it is a symbolic link (to {})",
                to.display()
            )),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read_link(site.path(name)).expect("link"), to);
    }
    assert_eq!(
        std::fs::read_to_string(theirs.join("notes.txt")).expect("read"),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(output.join("index.html")).expect("read"),
        "an output"
    );
    assert!(!elsewhere.path().join("nothing").exists());
    assert!(leftovers(site.root()).is_empty());
    assert!(leftovers(elsewhere.path()).is_empty());
}

#[test]
fn a_folder_whose_marker_errdex_did_not_write_is_refused() {
    let site = SiteTest::fixture("basic");
    site.write("mine/.errdex-output", "my own notes\n");
    site.write("mine/notes.txt", "keep me");
    let run = site.run(&["build", "--output", "mine"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".errdex-output was not written by errdex"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("mine/notes.txt"), "keep me");
    assert_eq!(site.read("mine/.errdex-output"), "my own notes\n");
}

#[test]
fn a_swap_killed_between_its_renames_is_rolled_back_even_by_a_failing_build() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = site.hash_dir("public");
    // The state a build killed between the swap's two renames leaves.
    let old = site.path(&format!(".public.errdex-old-{}", dead_pid()));
    std::fs::rename(site.path("public"), &old).expect("rename");
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(site.hash_dir("public"), before);
    assert!(leftovers(site.root()).is_empty());
}

#[test]
fn a_swap_killed_between_its_renames_is_finished_by_the_next_build() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    // The build that was killed: a new title, written whole into its staging folder.
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &yaml.replace("Fixture Errors", "Fixture Errors, new"),
    );
    assert_eq!(site.run(&["build", "--output", "new"]).code, 0);
    let new = site.hash_dir("new");
    let pid = dead_pid();
    std::fs::rename(
        site.path("new"),
        site.path(&format!(".public.errdex-staging-{pid}")),
    )
    .expect("rename");
    std::fs::rename(
        site.path("public"),
        site.path(&format!(".public.errdex-old-{pid}")),
    )
    .expect("rename");
    // Even a build that fails puts the finished output in place.
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    assert_eq!(site.run(&["build"]).code, 1);
    assert_eq!(site.hash_dir("public"), new);
    assert!(leftovers(site.root()).is_empty());
}

#[test]
fn leftovers_of_dead_builds_are_deleted_and_nothing_else() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let dead = dead_pid();
    // What killed builds leave: staging folders (unfinished, or the previous output after an
    // exchange) and old outputs.
    errdex_folder(&site.path(&format!(".public.errdex-staging-{dead}")), "x");
    errdex_folder(&site.path(&format!(".public.errdex-old-{dead}")), "x");
    std::fs::create_dir(site.path(&format!(".public.errdex-staging-{}", dead_pid())))
        .expect("mkdir");
    // Kept: a build that still runs (this test's process), folders without the marker, another
    // output's leftovers.
    let running = format!(".public.errdex-staging-{}", std::process::id());
    errdex_folder(&site.path(&running), "being written");
    let unmarked = format!(".public.errdex-old-{}", dead_pid());
    site.write(&format!("{unmarked}/notes.txt"), "keep me");
    let other = format!(".other.errdex-old-{dead}");
    errdex_folder(&site.path(&other), "x");
    site.build_ok();
    let mut kept = vec![running, unmarked.clone(), other];
    kept.sort();
    assert_eq!(leftovers(site.root()), kept);
    assert_eq!(site.read(&format!("{unmarked}/notes.txt")), "keep me");
    // A build that fails deletes them too.
    std::fs::create_dir(site.path(&format!(".public.errdex-staging-{dead}"))).expect("mkdir");
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    assert_eq!(site.run(&["build"]).code, 1);
    assert_eq!(leftovers(site.root()), kept);
}

/// A site of `n` generated entries on top of the basic fixture.
fn generated_site(n: usize) -> SiteTest {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/gen/_section.yaml",
        "title: Generated\ndescription: Generated entries.\ndefaults:\n  category: Generated\n",
    );
    for i in 0..n {
        site.write(
            &format!("content/gen/entry-{i}.md"),
            &format!(
                "---\ntitle: Generated entry {i}\nsummary: Entry number {i}, generated for the \
                 kill test.\nsignature: \"Error: generated failure {i}\"\nquick_fix: Retry \
                 {i}.\nupdated: 2026-11-01\ncauses:\n  - Cause {i}.\nquick_fixes:\n  - Fix \
                 {i}.\nsources:\n  - url: https://example.org/docs/{i}\n    title: Doc {i}\n    \
                 note: About {i}.\n---\n\n## What this error means\n\n{}\n",
                "Some words about this error. ".repeat(20 + i % 30)
            ),
        );
    }
    site
}

/// Deterministic jitter, seeded per run and printed.
struct Jitter(crate::harness::Rng);

impl Jitter {
    fn next(&mut self) -> f64 {
        self.0.unit()
    }
}

/// Polls `ready` until it holds (true) or the child has exited (false).
fn wait_until(child: &mut std::process::Child, ready: impl Fn() -> bool) -> bool {
    loop {
        if ready() {
            return true;
        }
        if !matches!(child.try_wait(), Ok(None)) {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_micros(500));
    }
}

#[cfg(unix)]
#[test]
fn builds_killed_at_any_moment_leave_the_old_or_the_new_output_whole() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::ExitStatusExt;
    const ENTRIES: usize = 400;
    // More with ERRDEX_KILLS=N, a given sequence of moments with ERRDEX_KILL_SEED.
    let kills: usize = std::env::var("ERRDEX_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let site = generated_site(ENTRIES);
    let yaml = site.read("site.yaml");
    let version = |v: &str| site.write("site.yaml", &yaml.replace("Fixture Errors", v));
    version("Version A");
    site.build_ok();
    let a = site.hash_dir("public");
    version("Version B");
    // How long a build that replaces an output takes, to spread the kills over it.
    let started = Instant::now();
    site.build_ok();
    let full = started.elapsed();
    let b = site.hash_dir("public");
    assert_ne!(a, b);

    let seed = std::env::var("ERRDEX_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let mut jitter = Jitter(crate::harness::Rng(seed));
    let public_ino = || std::fs::symlink_metadata(site.path("public")).map_or(0, |m| m.ino());
    let staging_begun = || {
        leftovers(site.root())
            .iter()
            .any(|n| n.starts_with(".public.errdex-staging-"))
    };
    let (mut killed, mut kept_old, mut got_new, mut finished, mut left) = (0, 0, 0, 0, 0);
    for k in 0..kills {
        let current = site.hash_dir("public");
        let (next_name, next) = if current == a {
            ("Version B", &b)
        } else {
            ("Version A", &a)
        };
        version(next_name);
        let ino = public_ino();
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
            .arg("build")
            .current_dir(site.root())
            .env("ERRDEX_TODAY", "2026-12-02")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Three kinds of moment, each jittered: anywhere in the build (loading, rendering,
        // writing); while pages are written; and just after the swap, as the previous
        // output is deleted.
        let when = match k % 3 {
            0 => full.mul_f64(1.2 * (k as f64 + jitter.next()) / kills as f64),
            1 => {
                wait_until(&mut child, staging_begun);
                full.mul_f64(0.3 * jitter.next())
            }
            _ => {
                wait_until(&mut child, || public_ino() != ino);
                std::time::Duration::from_micros((20_000.0 * jitter.next()) as u64)
            }
        };
        std::thread::sleep(when);
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if status.signal() == Some(9) {
            killed += 1;
        } else {
            assert!(status.success(), "build {k} failed: {status}");
            finished += 1;
        }
        assert!(
            site.path("public").is_dir(),
            "kill {k} left no output: {:?}",
            leftovers(site.root())
        );
        let now = site.hash_dir("public");
        assert!(
            now == current || now == *next,
            "kill {k}: the output is neither the old nor the new one"
        );
        if now == current {
            kept_old += 1;
        } else {
            got_new += 1;
        }
        left += leftovers(site.root()).len();
    }
    eprintln!(
        "kill test (seed {seed}, {ENTRIES} entries, a build {full:?}): {killed} killed, \
         {finished} finished first; output old {kept_old}, new {got_new}; {left} leftovers seen"
    );
    assert!(killed >= kills / 2, "too few builds were killed: {killed}");
    // The next build cleans what the killed ones left, and writes the site whole.
    let current = site.hash_dir("public");
    let (next_name, next) = if current == a {
        ("Version B", &b)
    } else {
        ("Version A", &a)
    };
    version(next_name);
    site.build_ok();
    assert!(
        leftovers(site.root()).is_empty(),
        "{:?}",
        leftovers(site.root())
    );
    assert_eq!(site.hash_dir("public"), *next);
}

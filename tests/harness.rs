//! `SiteTest`: copy a fixture site to a temp dir, write extra files, run the real binary, and
//! look at the pages it wrote the way a reader would (HTML parsed, selectors).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    for item in walkdir::WalkDir::new(from) {
        let item = item.expect("walk fixture");
        let rel = item.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(item.path(), &target).expect("copy");
        }
    }
}

impl SiteTest {
    /// An empty folder.
    pub fn empty() -> SiteTest {
        SiteTest {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> SiteTest {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&fixtures().join(name), dir.path());
        SiteTest { dir }
    }

    /// A copy of the repository's own site (site.yaml, content/, templates/, static/).
    pub fn repo_site() -> SiteTest {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(root.join("site.yaml"), dir.path().join("site.yaml")).expect("site.yaml");
        for part in ["content", "templates", "static"] {
            copy_dir(&root.join(part), &dir.path().join(part));
        }
        SiteTest { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes (or replaces) a file under the site.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Runs `errdex <args>` in the site's folder with a fixed "today".
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.run_command(cmd)
    }

    /// `errdex <args>` in the site's folder with a fixed "today", to adjust and run with
    /// [`SiteTest::run_command`].
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_errdex"));
        cmd.args(args)
            .current_dir(self.root())
            .env("ERRDEX_TODAY", "2026-12-02")
            .env("NO_COLOR", "1");
        cmd
    }

    pub fn run_command(&self, mut cmd: Command) -> Run {
        Run::from(cmd.output().expect("run errdex"))
    }

    /// Runs `errdex <args>` like [`SiteTest::run_env`], but on a terminal of its own (a pseudo-
    /// terminal made by util-linux's `script`), with TERM=xterm and without CI (which CI sets),
    /// unless `env` says otherwise. Both of its outputs go to the terminal: `stderr` holds all
    /// it showed, lines ending in `\r\n`; `stdout` is empty. `None` when `script` is missing.
    pub fn run_pty(&self, args: &[&str], env: &[(&str, &str)]) -> Option<Run> {
        fn quote(word: &str) -> String {
            format!("'{}'", word.replace('\'', "'\\''"))
        }
        let mut line = quote(env!("CARGO_BIN_EXE_errdex"));
        for arg in args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        let mut cmd = Command::new("script");
        cmd.args(["--quiet", "--return", "--command", &line, "/dev/null"])
            .current_dir(self.root())
            .env("ERRDEX_TODAY", "2026-12-02")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("CI")
            .stdin(std::process::Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = match cmd.output() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("note: no `script` (util-linux): the test on a terminal is skipped");
                return None;
            }
            result => result.expect("run script"),
        };
        Some(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::new(),
            stderr: String::from_utf8_lossy(&output.stdout).into_owned(),
        })
    }

    /// Runs `errdex <args>` like [`SiteTest::run`] with `stdin` as its standard input, and returns
    /// the run with the child's peak resident memory in KiB once it has read all but the last
    /// pipe buffer of that input: its `VmHWM`, read while it waits for more input (standard input
    /// is still open then, so it cannot have exited yet).
    pub fn run_stdin_peak(&self, args: &[&str], stdin: Vec<u8>) -> (Run, u64) {
        use std::io::{Read, Write};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(args)
            .current_dir(self.root())
            .env("ERRDEX_TODAY", "2026-12-02")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run errdex");
        let mut out_pipe = child.stdout.take().expect("stdout");
        let out = std::thread::spawn(move || {
            let mut o = Vec::new();
            out_pipe.read_to_end(&mut o).map(|_| o)
        });
        let mut err_pipe = child.stderr.take().expect("stderr");
        let err = std::thread::spawn(move || {
            let mut e = Vec::new();
            err_pipe.read_to_end(&mut e).map(|_| e)
        });
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(&stdin).expect("write the input");
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .expect("/proc/<pid>/status");
        let peak_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status");
        drop(input);
        let stdout = out.join().expect("stdout thread").expect("read stdout");
        let stderr = err.join().expect("stderr thread").expect("read stderr");
        let code = child.wait().expect("wait").code().unwrap_or(-1);
        let run = Run {
            code,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        };
        (run, peak_kib)
    }

    /// `errdex build`, which must succeed.
    pub fn build_ok(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// A page of the output, parsed.
    pub fn page(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(&format!("public/{rel}"))))
    }

    /// A hash of every file under `rel` (paths and bytes), to see that nothing changed.
    pub fn hash_dir(&self, rel: &str) -> String {
        let mut all = Vec::new();
        let base = self.path(rel);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .collect();
        files.sort();
        for f in files {
            all.extend_from_slice(
                f.strip_prefix(&base)
                    .expect("prefix")
                    .to_string_lossy()
                    .as_bytes(),
            );
            all.push(0);
            all.extend_from_slice(&std::fs::read(&f).expect("read"));
            all.push(0);
        }
        // FNV-1a is plenty to tell two trees apart in a test.
        let mut h: u64 = 0xcbf29ce484222325;
        for b in all {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        format!("{h:016x}")
    }
}

/// A parsed page with selector helpers.
pub struct Page(pub Html);

impl Page {
    /// The text of every match, whitespace collapsed; heading anchor links (`#`) left out.
    pub fn all(&self, selector: &str) -> Vec<String> {
        let sel = Selector::parse(selector).expect("selector");
        self.0
            .select(&sel)
            .map(|e| {
                e.descendants()
                    .filter_map(|n| n.value().as_text().map(|t| (n, t)))
                    .filter(|(n, _)| {
                        !n.ancestors().any(|a| {
                            a.value().as_element().is_some_and(|el| {
                                el.has_class("anchor", scraper::CaseSensitivity::CaseSensitive)
                            })
                        })
                    })
                    .map(|(_, t)| t.to_string())
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.all(selector).join(" ")
    }

    pub fn count(&self, selector: &str) -> usize {
        self.all(selector).len()
    }

    pub fn attr(&self, selector: &str, attr: &str) -> Vec<String> {
        let sel = Selector::parse(selector).expect("selector");
        self.0
            .select(&sel)
            .filter_map(|e| e.value().attr(attr).map(String::from))
            .collect()
    }

    /// The outer HTML of the first match.
    pub fn html(&self, selector: &str) -> String {
        let sel = Selector::parse(selector).expect("selector");
        self.0
            .select(&sel)
            .next()
            .map(|e| e.html())
            .unwrap_or_default()
    }
}

impl SiteTest {
    /// Writes raw bytes (for files that are not valid UTF-8).
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
        self
    }

    /// `errdex check --format json`, parsed.
    pub fn check_json(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        let json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!(
                "check printed no JSON ({e}):\n{}\n{}",
                run.stdout, run.stderr
            )
        });
        (run.code, json)
    }
}

/// A small deterministic generator (xorshift), so that a failing random sequence can be replayed
/// from its seed (never 0).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

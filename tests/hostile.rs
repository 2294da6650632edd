//! Hostile content: each case builds a site whose content (or site.yaml) tries to read or write
//! outside the site, hang the build, or break the pages, inside a sandbox folder full of
//! sentinel files. Every case checks the diagnostic `check` gives, that `build` ends in time, and
//! that no file outside the output folder changed (the whole sandbox is hashed before and after).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Run, copy_dir, fixtures};

/// A sandbox: `site/` (a copy of the basic fixture) among sentinel files and folders.
struct Sandbox {
    dir: tempfile::TempDir,
}

/// A valid entry outside the site: if errdex ever reads it, its sentence shows.
const SECRET: &str = "---\ntitle: Secret\nsummary: SECRET-SENTENCE-OUTSIDE\nsignature: 'Error: secret'\nquick_fix: q\nupdated: 2026-11-01\ncauses: [c]\nquick_fixes: [f]\nsources:\n  - url: https://example.org/\n    title: t\n    note: n\n---\nSECRET-SENTENCE-OUTSIDE\n";

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        copy_dir(&fixtures().join("basic"), &root.join("site"));
        for (rel, text) in [
            ("victim/index.html", "<p>the victim's page</p>"),
            ("srv/victim/index.html", "<p>another victim</p>"),
            ("secret.md", SECRET),
            ("outside-dir/entry.md", SECRET),
            ("outside-dir/_section.yaml", "title: Outside\n"),
            ("outside-templates/base.html", "SECRET-TEMPLATE"),
            ("site/../sibling.txt", "next to the site"),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write sentinel");
        }
        Sandbox { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn site(&self, rel: &str) -> PathBuf {
        self.root().join("site").join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.site(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Replaces `old` by `new` in a file of the site.
    fn edit(&self, rel: &str, old: &str, new: &str) -> &Self {
        let text = std::fs::read_to_string(self.site(rel)).expect("read");
        assert!(text.contains(old), "{rel} has no {old:?}");
        self.write(rel, &text.replacen(old, new, 1))
    }

    fn symlink(&self, target: &Path, rel: &str) {
        std::os::unix::fs::symlink(target, self.site(rel)).expect("symlink");
    }

    /// Every file and link of the sandbox but errdex's own output folder (and its staging and
    /// old folders beside it), with its bytes: what must never change.
    fn fingerprint(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut all = Vec::new();
        for item in walkdir::WalkDir::new(self.root()).sort_by_file_name() {
            let item = item.expect("walk");
            let rel = item.path().strip_prefix(self.root()).expect("prefix");
            let own = rel.starts_with("site/public")
                || rel.to_string_lossy().starts_with("site/.public.errdex-");
            if own {
                continue;
            }
            let ft = item.file_type();
            let bytes = if ft.is_symlink() {
                std::fs::read_link(item.path())
                    .expect("link")
                    .into_os_string()
                    .into_encoded_bytes()
            } else if ft.is_file() {
                std::fs::read(item.path()).expect("read")
            } else {
                b"(folder or special file)".to_vec()
            };
            all.push((rel.to_path_buf(), bytes));
        }
        all
    }

    /// Runs errdex in the site, killed (and failed) after 30 s: nothing may hang it.
    fn run(&self, args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(args)
            .current_dir(self.site(""))
            .env("ERRDEX_TODAY", "2026-12-02")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn errdex");
        let started = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("errdex {args:?} hung for 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("output");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `check` and `build` both fail with `code` in their output, and nothing outside the
    /// output folder changes (the output itself is not written either).
    fn refused(&self, code: &str) -> Run {
        let before = self.fingerprint();
        let check = self.run(&["check"]);
        assert_eq!(
            check.code, 1,
            "check should fail with {code}:\n{}",
            check.stderr
        );
        assert!(
            check.stderr.contains(code),
            "no {code} in:\n{}",
            check.stderr
        );
        let build = self.run(&["build"]);
        assert_eq!(
            build.code, 1,
            "build should fail with {code}:\n{}",
            build.stderr
        );
        assert!(
            !self.site("public").exists(),
            "a failed build wrote the output"
        );
        assert!(
            before == self.fingerprint(),
            "a file outside the output changed"
        );
        assert!(
            !check.stderr.contains("SECRET") && !build.stderr.contains("SECRET"),
            "a file outside the site was read:\n{}",
            check.stderr
        );
        check
    }

    /// `build` succeeds and nothing outside the output folder changes.
    fn builds(&self) -> Run {
        let before = self.fingerprint();
        let build = self.run(&["build"]);
        assert_eq!(build.code, 0, "build failed:\n{}", build.stderr);
        assert!(
            before == self.fingerprint(),
            "a file outside the output changed"
        );
        build
    }

    /// Every file of the output, with its path.
    fn output_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        walkdir::WalkDir::new(self.site("public"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect()
    }
}

const ENTRY: &str = "content/tool-a/minimal-entry.md";

fn with_alias(alias: &str) -> Sandbox {
    let s = Sandbox::new();
    s.edit(
        ENTRY,
        "updated: 2026-11-01",
        &format!("updated: 2026-11-01\naliases:\n  - '{alias}'"),
    );
    s
}

#[test]
fn alias_that_climbs_out_of_the_output_is_refused() {
    let s = Sandbox::new();
    // Enough `..` to reach `/`, then the sandbox's own victim folder, by its absolute path.
    let victim = s.root().join("victim");
    let alias = format!("/{}{}/", "../".repeat(24), victim.display());
    let s = {
        s.edit(
            ENTRY,
            "updated: 2026-11-01",
            &format!("updated: 2026-11-01\naliases:\n  - '{alias}'"),
        );
        s
    };
    let run = s.refused("E012");
    assert!(run.stderr.contains("a `..` segment"), "{}", run.stderr);
    for alias in ["/a/../../b/", "/./x/", "/.git/hooks/"] {
        with_alias(alias).refused("E012");
    }
}

#[test]
fn aliases_build_cannot_write_are_refused_by_check() {
    for alias in [
        format!("/{}/", "a".repeat(5000)),
        "/q?x=1/".to_string(),
        "/h#frag/".to_string(),
        "/caf%C3%A9/".to_string(),
        "/a\\b/".to_string(),
    ] {
        with_alias(&alias).refused("E012");
    }
    // A folder where the output has a file.
    let run = with_alias("/404.html/old/").refused("E028");
    assert!(
        run.stderr.contains("`404.html` is a file"),
        "{}",
        run.stderr
    );
    // And a good one still builds, in the output.
    let s = with_alias("/v1.2/old_page/");
    s.builds();
    assert!(s.site("public/v1.2/old_page/index.html").is_file());
}

#[test]
fn links_out_of_the_site_are_not_followed() {
    let s = Sandbox::new();
    s.symlink(&s.root().join("secret.md"), "content/tool-a/evil.md");
    let run = s.refused("E025");
    assert!(
        run.stderr.contains("content/tool-a/evil.md"),
        "{}",
        run.stderr
    );

    let s = Sandbox::new();
    s.symlink(&s.root().join("outside-dir"), "content/outside");
    s.refused("E025");

    let s = Sandbox::new();
    if s.site("templates").exists() {
        std::fs::remove_dir_all(s.site("templates")).expect("rm templates");
    }
    s.symlink(&s.root().join("outside-templates"), "templates");
    s.refused("E025");

    let s = Sandbox::new();
    std::fs::remove_file(s.site("site.yaml")).expect("rm site.yaml");
    s.symlink(&s.root().join("secret.md"), "site.yaml");
    let check = s.run(&["check"]);
    assert_ne!(check.code, 0);
    assert!(check.stderr.contains("E025") && !check.stderr.contains("SECRET"));

    // A link that stays inside the site is followed as before.
    let s = Sandbox::new();
    std::fs::rename(s.site(ENTRY), s.site("minimal.md.txt")).expect("move");
    s.symlink(&s.site("minimal.md.txt"), ENTRY);
    s.builds();
    assert!(s.site("public/tool-a/minimal-entry/index.html").is_file());
}

#[test]
fn fifos_do_not_hang_check_or_build() {
    let s = Sandbox::new();
    let made = Command::new("mkfifo")
        .arg(s.site("content/tool-a/pipe.md"))
        .status();
    if !made.is_ok_and(|st| st.success()) {
        eprintln!("mkfifo unavailable: skipped");
        return;
    }
    let run = s.refused("E026");
    assert!(
        run.stderr.contains("content/tool-a/pipe.md"),
        "{}",
        run.stderr
    );
    // A FIFO as site.yaml: refused at once, not read.
    let s = Sandbox::new();
    std::fs::remove_file(s.site("site.yaml")).expect("rm");
    Command::new("mkfifo")
        .arg(s.site("site.yaml"))
        .status()
        .expect("mkfifo");
    let check = s.run(&["check"]);
    assert_eq!(check.code, 2, "{}", check.stderr);
}

#[test]
fn site_yaml_urls_and_numbers_are_checked() {
    for (old, new, code) in [
        (
            "edit_url: https://example.org/edit/main/{path}",
            "edit_url: 'javascript:alert(1)//{path}'",
            "E012",
        ),
        (
            "base_url:",
            "report_url: 'javascript:alert(1)//'\nbase_url:",
            "E012",
        ),
        ("base_url:", "stale_after_days: -1\nbase_url:", "E003"),
        ("title: Fixture Errors", "title: \"Site \\x01\"", "E027"),
    ] {
        let s = Sandbox::new();
        s.edit("site.yaml", old, new);
        s.refused(code);
    }
    for base in [
        "https://",
        "https://e.org/x?a=1#f",
        "https://e.org/../x/",
        "ftp://e.org/",
    ] {
        let s = Sandbox::new();
        let text = std::fs::read_to_string(s.site("site.yaml")).expect("read");
        let text: String = text
            .lines()
            .map(|l| {
                if l.starts_with("base_url:") {
                    format!("base_url: '{base}'\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        s.write("site.yaml", &text);
        s.refused("E012");
    }
    let s = Sandbox::new();
    s.write("site.yaml", "# nothing yet\n");
    let run = s.refused("E001");
    assert!(
        run.stderr.contains("missing required field `title`"),
        "{}",
        run.stderr
    );
    let s = Sandbox::new();
    s.write("content/tool-a/_section.yaml", "");
    let run = s.refused("E001");
    assert!(!run.stderr.contains("YAML syntax"), "{}", run.stderr);
}

#[test]
fn control_characters_never_reach_the_output() {
    for field in [
        "title: A \u{85} raw next-line character",
        "title: \"A \\x01 title\"",
        "title: \"A \\0 title\"",
        "title: \"\\e[31mred\"",
    ] {
        let s = Sandbox::new();
        s.edit(ENTRY, "title: Tool A minimal entry", field);
        s.refused("E027");
    }
    // In the body they are left out: no output file holds a control character.
    let s = Sandbox::new();
    s.edit(
        ENTRY,
        "A minimal error.",
        "A minimal\0 error \u{1b}[31mred\u{1b}[0m.",
    );
    s.builds();
    for (path, bytes) in s.output_files() {
        let bad = bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f);
        assert!(!bad, "{} holds a control character", path.display());
    }
}

#[test]
fn a_title_cannot_break_out_of_the_json_ld() {
    let s = Sandbox::new();
    s.edit(
        ENTRY,
        "title: Tool A minimal entry",
        "title: 'Break <!-- <script> </script> & \u{2028} out'",
    );
    s.builds();
    let html =
        std::fs::read_to_string(s.site("public/tool-a/minimal-entry/index.html")).expect("page");
    let start = html.find("application/ld+json\">").expect("JSON-LD") + 21;
    let json = &html[start..start + html[start..].find("</script>").expect("end")];
    assert!(!json.contains(['<', '>', '&', '\u{2028}']), "{json}");
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON-LD parses");
    assert!(value.to_string().contains("Break <!-- <script>"));
    // The page's main content is all there after it.
    assert!(html.contains("A minimal error."));
}

#[test]
fn every_type_error_of_a_file_in_one_run() {
    let s = Sandbox::new();
    s.edit(
        ENTRY,
        "causes:\n  - Something went wrong.",
        "causes: x\ndraft: maybe",
    )
    .edit(ENTRY, "updated: 2026-11-01", "updated: 12345");
    let run = s.refused("E003");
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error["))
        .collect();
    assert!(lines.len() >= 3, "{lines:?}");
    assert!(run.stderr.contains("causes: x"), "{}", run.stderr);
    assert!(run.stderr.contains("draft: maybe"), "{}", run.stderr);
    assert!(run.stderr.contains("updated: 12345"), "{}", run.stderr);
    assert!(
        run.stderr.contains("not written as YYYY-MM-DD"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fence_inside_a_block_points_at_itself() {
    let s = Sandbox::new();
    s.edit(
        ENTRY,
        "summary: Only the required fields.",
        "summary: |\n  Only the\n---\n  required fields.",
    );
    let run = s.refused("E029");
    assert!(
        run.stderr.contains("closes the front matter"),
        "{}",
        run.stderr
    );
}

//! Distribution, checked offline: the archive names the release workflow makes are the ones
//! `cargo binstall` (Cargo.toml) and the GitHub Action download; the action and the workflows
//! take inputs only through `env`; the workflow `errdex init` writes uses the action; and the
//! action's install script picks the right release and refuses an archive whose SHA-256 is wrong
//! (run against a fake `gh` serving a fake release).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    serde_saphyr::from_str(&text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

/// The `key = "value"` lines of the TOML table `[table]` of Cargo.toml (a line-based read of our
/// own file; None when there is no such table).
fn cargo_toml_table(table: &str) -> Option<BTreeMap<String, String>> {
    let toml = format!("\n{}", text("Cargo.toml"));
    let body = toml.split(&format!("\n[{table}]\n")).nth(1)?;
    let body = body.split("\n[").next().unwrap_or(body);
    Some(
        body.lines()
            .filter_map(|l| l.split_once(" = \""))
            .filter_map(|(k, v)| Some((k.to_string(), v.strip_suffix('"')?.to_string())))
            .collect(),
    )
}

fn cargo_toml_value(table: &str, key: &str) -> String {
    cargo_toml_table(table)
        .and_then(|t| t.get(key).cloned())
        .unwrap_or_else(|| panic!("Cargo.toml's [{table}] has no {key}"))
}

/// cargo-binstall's `{ var }` templates, filled in.
fn binstall(template: &str, target: &str, version: &str) -> String {
    let windows = target.contains("windows");
    template
        .replace("{ repo }", &cargo_toml_value("package", "repository"))
        .replace("{ name }", "errdex")
        .replace("{ bin }", "errdex")
        .replace("{ version }", version)
        .replace("{ target }", target)
        .replace("{ binary-ext }", if windows { ".exe" } else { "" })
}

/// `${{ github.ref_name }}` and `${{ matrix.x }}` in a release.yml value, filled in.
fn expand(template: &str, tag: &str, entry: &Value) -> String {
    let mut out = template.replace("${{ github.ref_name }}", tag);
    for (key, value) in entry.as_object().expect("matrix entry") {
        let value = value.as_str().map_or(value.to_string(), str::to_string);
        out = out.replace(&format!("${{{{ matrix.{key} }}}}"), &value);
    }
    assert!(!out.contains("${{"), "{template}: unexpanded in {out}");
    out
}

/// The steps of a job.
fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("no steps in job {job}"))
}

/// The release's archives for tag `v1.2.3`: target → (archive file name, folder inside).
fn release_archives() -> Vec<(String, String, String)> {
    let release = yaml(".github/workflows/release.yml");
    let package = steps(&release, "build")
        .iter()
        .find(|s| s["name"] == "Package")
        .expect("a Package step");
    let mut out = Vec::new();
    for entry in release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix.include")
    {
        let target = str_of(&entry["target"], "target").to_string();
        let stem = expand(str_of(&package["env"]["STEM"], "STEM"), "v1.2.3", entry);
        let ext = expand(str_of(&package["env"]["EXT"], "EXT"), "v1.2.3", entry);
        out.push((target, format!("{stem}.{ext}"), stem));
    }
    out
}

#[test]
fn binstall_downloads_the_archives_the_release_workflow_makes() {
    assert_eq!(
        cargo_toml_value("package", "repository"),
        "https://github.com/errdex/errdex"
    );
    let archives = release_archives();
    let targets: BTreeSet<&str> = archives.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        BTreeSet::from([
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc",
        ])
    );
    let defaults = cargo_toml_table("package.metadata.binstall").expect("binstall metadata");
    for (target, archive, stem) in &archives {
        let overrides = cargo_toml_table(&format!("package.metadata.binstall.overrides.{target}"))
            .unwrap_or_default();
        let own = |key: &str| {
            overrides
                .get(key)
                .or_else(|| defaults.get(key))
                .unwrap_or_else(|| panic!("no binstall {key}"))
                .clone()
        };
        assert_eq!(
            binstall(&own("pkg-url"), target, "1.2.3"),
            format!("https://github.com/errdex/errdex/releases/download/v1.2.3/{archive}"),
            "{target}"
        );
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        assert_eq!(
            binstall(&own("bin-dir"), target, "1.2.3"),
            format!("{stem}/errdex{exe}")
        );
        let fmt = own("pkg-fmt");
        assert!(
            (fmt == "tgz" && archive.ends_with(".tar.gz"))
                || (fmt == "zip" && archive.ends_with(".zip")),
            "{target}: pkg-fmt {fmt} for {archive}"
        );
    }
    // The action's install script knows every target, and names archives alike.
    let install = text("action/install.sh");
    for (target, _, _) in &archives {
        assert!(
            install.contains(&format!("target={target} ")),
            "action/install.sh never picks {target}"
        );
    }
    assert!(install.contains(r#"stem="errdex-$tag-$target""#));
}

/// Every `run:` script of a workflow or action, with where it is.
fn run_scripts(doc: &Value, out: &mut Vec<(String, String)>, at: &str) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "run"
                    && let Some(script) = v.as_str()
                {
                    out.push((at.to_string(), script.to_string()));
                }
                run_scripts(v, out, &format!("{at}.{k}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                run_scripts(v, out, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

const WORKFLOWS: [&str; 4] = [
    "action.yml",
    ".github/workflows/release.yml",
    ".github/workflows/ci.yml",
    "src/init/starter/workflows/errdex.yml",
];

#[test]
fn the_action_has_its_inputs_and_no_expression_in_a_script() {
    let action = yaml("action.yml");
    for input in ["args", "version", "root"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "action.yml has no input {input}"
        );
    }
    assert_eq!(action["runs"]["using"], "composite");
    // The repository comes from the runner, not from a URL written in the action.
    assert!(text("action.yml").contains("${{ github.action_repository }}"));
    assert!(!text("action/install.sh").contains("github.com/errdex"));
    let mut scripts = Vec::new();
    for file in WORKFLOWS {
        run_scripts(&yaml(file), &mut scripts, file);
    }
    assert!(scripts.len() >= 8, "{scripts:?}");
    for (at, script) in scripts {
        assert!(
            !script.contains("${{"),
            "{at}: an expression inside a run: script (pass it through env:)"
        );
    }
}

#[test]
fn the_starter_workflow_uses_the_action_and_pins_the_others() {
    let starter = yaml("src/init/starter/workflows/errdex.yml");
    let raw = text("src/init/starter/workflows/errdex.yml");
    assert!(!raw.contains("<your errdex repo>"), "a placeholder is left");
    assert!(!raw.contains("cargo"), "the starter compiles errdex");
    let site = steps(&starter, "site");
    // The release line of the errdex that writes it: `v0` while errdex is 0.x.
    let line = format!("errdex/errdex@v{}", env!("CARGO_PKG_VERSION_MAJOR"));
    let args: Vec<&str> = site
        .iter()
        .filter(|s| s["uses"] == line.as_str())
        .map(|s| str_of(&s["with"]["args"], "args"))
        .collect();
    assert_eq!(args.len(), 2, "{args:?}");
    assert_eq!(args[0], "check --strict --format github");
    assert!(args[1].starts_with("build --base-url "), "{}", args[1]);
    // Every other action is pinned to a full commit SHA, with the version in a comment.
    for file in WORKFLOWS {
        for line in text(file).lines() {
            let Some(uses) = line
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses: ")
            else {
                continue;
            };
            if uses.starts_with("errdex/errdex@") {
                continue;
            }
            let (_, rest) = uses.split_once('@').expect("owner/name@ref");
            let (sha, comment) = rest.split_once(" # v").unwrap_or((rest, ""));
            assert!(
                sha.len() == 40
                    && sha.bytes().all(|b| b.is_ascii_hexdigit())
                    && !comment.is_empty(),
                "{file}: `{uses}` is not pinned to a commit SHA with a `# vX` comment"
            );
        }
    }
}

/// A fake release server: `gh` answering from folders `<root>/releases/<tag>/`.
struct FakeReleases {
    dir: tempfile::TempDir,
}

const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
echo "$*" >>"$FAKE_ROOT/gh.log"
case "$1 ${2:-}" in
  "release list") ls "$FAKE_ROOT/releases" ;;
  "release view") cat "$FAKE_ROOT/latest" ;;
  "release download")
    tag="$3"; shift 3; dir=.; patterns=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --pattern) patterns+=("$2"); shift 2 ;;
        *) shift ;;
      esac
    done
    for p in "${patterns[@]}"; do cp "$FAKE_ROOT/releases/$tag/$p" "$dir/"; done ;;
  "api "*) cat "$FAKE_ROOT/tag-at-commit" ;;
  *) echo "fake gh: $*" >&2; exit 2 ;;
esac
"#;

impl FakeReleases {
    fn new(latest: &str) -> FakeReleases {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::write(bin.join("gh"), FAKE_GH).expect("write gh");
        make_executable(&bin.join("gh"));
        std::fs::create_dir_all(dir.path().join("releases")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("temp")).expect("mkdir");
        std::fs::write(dir.path().join("latest"), format!("{latest}\n")).expect("write");
        std::fs::write(dir.path().join("tag-at-commit"), "").expect("write");
        FakeReleases { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A release whose Linux x64 archive holds an `errdex` that prints its version; with
    /// `tampered`, SHA256SUMS lists another archive's hash.
    fn release(&self, tag: &str, tampered: bool) {
        let stem = format!("errdex-{tag}-x86_64-unknown-linux-musl");
        let rel = self.root().join("releases").join(tag);
        let build = self.root().join("build").join(tag);
        std::fs::create_dir_all(build.join(&stem)).expect("mkdir");
        std::fs::create_dir_all(&rel).expect("mkdir");
        let exe = build.join(&stem).join("errdex");
        std::fs::write(&exe, format!("#!/bin/sh\necho errdex {tag} \"$@\"\n")).expect("write");
        make_executable(&exe);
        let archive = format!("{stem}.tar.gz");
        let ok = Command::new("tar")
            .arg("-czf")
            .arg(rel.join(&archive))
            .arg("-C")
            .arg(&build)
            .arg(&stem)
            .status()
            .expect("tar");
        assert!(ok.success());
        let hash = if tampered {
            "0".repeat(64)
        } else {
            sha256_hex(&rel.join(&archive))
        };
        std::fs::write(
            rel.join("SHA256SUMS"),
            format!(
                "{hash}  {archive}\n{}  errdex-{tag}-aarch64-apple-darwin.tar.gz\n",
                "1".repeat(64)
            ),
        )
        .expect("write");
    }

    /// Runs action/install.sh as the action would, on a Linux x64 runner.
    fn install(&self, version: &str, action_ref: &str) -> Install {
        let temp = self.root().join("temp");
        let github_path = self.root().join("github-path");
        let github_output = self.root().join("github-output");
        let _ = std::fs::remove_file(&github_path);
        let _ = std::fs::remove_file(&github_output);
        let path = format!(
            "{}:{}",
            self.root().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .arg(repo().join("action/install.sh"))
            .env_clear()
            .env("PATH", path)
            .env("FAKE_ROOT", self.root())
            .env("ERRDEX_VERSION", version)
            .env("ACTION_REPOSITORY", "errdex/errdex")
            .env("ACTION_REF", action_ref)
            .env("GH_TOKEN", "t")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &temp)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_OUTPUT", &github_output)
            .output()
            .expect("bash");
        Install {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            path: std::fs::read_to_string(&github_path).unwrap_or_default(),
            output: std::fs::read_to_string(&github_output).unwrap_or_default(),
        }
    }
}

struct Install {
    ok: bool,
    stdout: String,
    path: String,
    output: String,
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

/// SHA-256 in hex, by the system's tool (GNU sha256sum, or shasum on macOS).
fn sha256_hex(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(path)
                .output()
        })
        .expect("sha256sum or shasum");
    let text = String::from_utf8_lossy(&out.stdout);
    let hash = text.split_whitespace().next().unwrap_or_default();
    assert_eq!(hash.len(), 64, "{text}");
    hash.to_string()
}

#[cfg(unix)]
#[test]
fn the_action_installs_the_release_line_it_is_used_at_and_checks_the_hash() {
    let fake = FakeReleases::new("v2.0.0");
    for tag in ["v1.2.3", "v1.10.0", "v2.0.0", "v1.11.0-rc.1"] {
        fake.release(tag, false);
    }
    // @v1: the highest 1.x release, numerically, pre-releases left out.
    let run = fake.install("", "v1");
    assert!(run.ok, "{}", run.stdout);
    assert!(run.stdout.contains("errdex v1.10.0"), "{}", run.stdout);
    assert!(run.stdout.contains("matches SHA256SUMS"), "{}", run.stdout);
    assert!(run.output.contains("version=v1.10.0\n"), "{}", run.output);
    let dir = run.path.trim();
    assert!(
        dir.ends_with("errdex-action/v1.10.0/errdex-v1.10.0-x86_64-unknown-linux-musl"),
        "{dir}"
    );
    assert!(Path::new(dir).join("errdex").is_file());
    let log = std::fs::read_to_string(fake.root().join("gh.log")).expect("gh.log");
    assert!(log.contains("--repo errdex/errdex"), "{log}");
    // Used a second time in the job: nothing downloaded again.
    let before = log.lines().filter(|l| l.contains("download")).count();
    let run = fake.install("", "v1");
    assert!(run.ok, "{}", run.stdout);
    let log = std::fs::read_to_string(fake.root().join("gh.log")).expect("gh.log");
    assert_eq!(
        log.lines().filter(|l| l.contains("download")).count(),
        before
    );
    // The version input wins over the ref; an exact tag, `latest`, a bare number.
    for (version, want) in [
        ("v1.2.3", "v1.2.3"),
        ("1.2.3", "v1.2.3"),
        ("latest", "v2.0.0"),
        ("v2", "v2.0.0"),
        ("v1.11.0-rc.1", "v1.11.0-rc.1"),
    ] {
        let run = fake.install(version, "v1");
        assert!(run.ok, "{version}: {}", run.stdout);
        assert!(
            run.output.contains(&format!("version={want}\n")),
            "{version}: {}",
            run.output
        );
    }
    // Used at a branch, or pinned to a commit.
    let run = fake.install("", "main");
    assert!(run.output.contains("version=v2.0.0\n"), "{}", run.stdout);
    std::fs::write(fake.root().join("tag-at-commit"), "v1.2.3\n").expect("write");
    let run = fake.install("", &"ab".repeat(20));
    assert!(run.output.contains("version=v1.2.3\n"), "{}", run.stdout);
    // Nothing to use: a line with no release, a version that is none.
    for version in ["v3", "one"] {
        let run = fake.install(version, "v1");
        assert!(!run.ok, "{version}: {}", run.stdout);
        assert!(run.stdout.contains("::error"), "{}", run.stdout);
    }
}

#[cfg(unix)]
#[test]
fn the_action_refuses_an_archive_whose_hash_is_wrong() {
    let fake = FakeReleases::new("v1.0.0");
    fake.release("v1.0.0", true);
    let run = fake.install("v1.0.0", "v1");
    assert!(!run.ok, "{}", run.stdout);
    assert!(
        run.stdout.contains("::error") && run.stdout.contains("SHA256SUMS says"),
        "{}",
        run.stdout
    );
    assert!(run.path.is_empty(), "put on PATH anyway: {}", run.path);
    assert!(
        !fake
            .root()
            .join("temp/errdex-action/v1.0.0/errdex-v1.0.0-x86_64-unknown-linux-musl/errdex")
            .exists(),
        "unpacked anyway"
    );
}

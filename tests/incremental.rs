//! Incremental builds (`src/incremental.rs`): after any sequence of changes, a build over the
//! previous output is byte for byte the build of a clean folder; the cache is only ever a hint.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{Rng, SiteTest};

/// Every file under `dir` (not following links) and its bytes; a link shows as `-> target`.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for item in walkdir::WalkDir::new(dir).min_depth(1) {
        let item = item.expect("walk");
        let rel = item
            .path()
            .strip_prefix(dir)
            .expect("prefix")
            .to_string_lossy()
            .into_owned();
        let kind = item.file_type();
        if kind.is_symlink() {
            let to = std::fs::read_link(item.path()).expect("link");
            files.insert(rel, format!("-> {}", to.display()).into_bytes());
        } else if kind.is_file() {
            files.insert(rel, std::fs::read(item.path()).expect("read"));
        } else if kind.is_dir() {
            files.insert(format!("{rel}/"), Vec::new());
        }
    }
    files
}

/// Fails naming the first files that differ.
fn assert_same_tree(got: &Path, want: &Path, step: &str) {
    let (got, want) = (tree(got), tree(want));
    if got == want {
        return;
    }
    let names: std::collections::BTreeSet<&String> = got.keys().chain(want.keys()).collect();
    let differ: Vec<&&String> = names
        .iter()
        .filter(|n| got.get(**n) != want.get(**n))
        .take(5)
        .collect();
    let first = differ[0];
    panic!(
        "after {step}: the incremental output differs from a clean build at {differ:?}; \
         first: incremental {:?} vs clean {:?}",
        got.get(*first).map(|b| String::from_utf8_lossy(b)
            .chars()
            .take(3000)
            .collect::<String>()),
        want.get(*first).map(|b| String::from_utf8_lossy(b)
            .chars()
            .take(3000)
            .collect::<String>()),
    );
}

/// `(written, reused)` from a build's timings.
fn counts(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("timing: write: "))
        .unwrap_or_else(|| panic!("no write timing in {stderr}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |after: &str| {
        let at = words.iter().position(|w| *w == after).expect("word");
        words[at - 1].parse::<usize>().expect("number")
    };
    (number("files"), number("from"))
}

/// Builds into `out` (under the site) with `flags`; returns `(written, reused)`.
fn build(site: &SiteTest, out: &str, flags: &[&str]) -> (usize, usize) {
    let mut args = vec!["build", "--output", out];
    args.extend_from_slice(flags);
    let run = site.run_env(&args, &[("ERRDEX_TIMINGS", "1")]);
    assert_eq!(
        run.code, 0,
        "build {flags:?} failed: {}{}",
        run.stdout, run.stderr
    );
    counts(&run.stderr)
}

/// Builds over `public` and into a new folder, and compares them.
fn build_and_compare(site: &SiteTest, flags: &[&str], step: &str) -> (usize, usize) {
    let counts = build(site, "public", flags);
    let clean = site.path("clean");
    for dir in [&clean, &site.path(".clean.errdex-spare")] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).expect("rm clean");
        }
    }
    build(site, "clean", flags);
    assert_same_tree(&site.path("public"), &clean, step);
    counts
}

fn entry(title: &str, code: &str, kind: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: Summary of {title}.\nsignature: \"Error: {title}\"\n\
         code: \"{code}\"\nkind: {kind}\nquick_fix: Try again.\nupdated: 2026-11-0{}\n\
         causes:\n  - Something.\nquick_fixes:\n  - Try again.\nsources:\n  - url: https://example.org/docs\n    \
         title: Docs\n    note: Says so.\n---\n\n## What this error means\n\n{body}\n",
        1 + title.len() % 9
    )
}

/// Random changes of every kind, each followed by an incremental build compared with a clean
/// one, with random flags.
fn random_edits(seed: u64, steps: usize) {
    let site = SiteTest::fixture("basic");
    let mut rng = Rng(seed);
    let tools = ["tool-a", "tool-b"];
    site.write(
        "content/tool-b/_section.yaml",
        "title: Tool B\ndescription: Another tool.\ndefaults:\n  category: Other Tools\n",
    );
    let codes = ["401", "429", "500"];
    let kinds = ["auth", "network", "quota"];
    let mut live: Vec<String> = Vec::new();
    let mut next = 0;
    for _ in 0..6 {
        let id = format!("{}/gen-{next}", tools[next % 2]);
        site.write(
            &format!("content/{id}.md"),
            &entry(
                &format!("Generated {next}"),
                codes[next % 3],
                kinds[next % 3],
                "Body.",
            ),
        );
        live.push(id);
        next += 1;
    }
    let default_entry =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/entry.html"))
            .expect("entry.html");
    build_and_compare(&site, &[], "the first build");
    let mut log = Vec::new();
    for step in 0..steps {
        let what = match rng.below(13) {
            0 | 1 => {
                let id = &live[rng.below(live.len())];
                let path = site.path(&format!("content/{id}.md"));
                let text = std::fs::read_to_string(&path).expect("read entry");
                std::fs::write(&path, format!("{text}\nMore text {step}.\n")).expect("edit");
                format!("edit the body of {id}")
            }
            2 => {
                let id = live[rng.below(live.len())].clone();
                let n = rng.below(3);
                site.write(
                    &format!("content/{id}.md"),
                    &entry(&format!("Retitled {step}"), codes[n], kinds[n], "New body."),
                );
                format!("retitle {id} (code {})", codes[n])
            }
            3 => {
                let id = format!("{}/gen-{next}", tools[rng.below(2)]);
                let n = rng.below(3);
                site.write(
                    &format!("content/{id}.md"),
                    &entry(&format!("Added {next}"), codes[n], kinds[n], "Added."),
                );
                next += 1;
                live.push(id.clone());
                format!("add {id}")
            }
            4 if live.len() > 2 => {
                let id = live.remove(rng.below(live.len()));
                std::fs::remove_file(site.path(&format!("content/{id}.md"))).expect("rm");
                format!("delete {id}")
            }
            5 => {
                let at = rng.below(live.len());
                let old = live[at].clone();
                let new = format!("{}/gen-{next}", tools[rng.below(2)]);
                next += 1;
                std::fs::rename(
                    site.path(&format!("content/{old}.md")),
                    site.path(&format!("content/{new}.md")),
                )
                .expect("rename");
                live[at] = new.clone();
                format!("rename {old} to {new}")
            }
            6 => {
                if rng.below(3) == 0 {
                    let _ = std::fs::remove_file(site.path("templates/entry.html"));
                    "remove the entry template".to_string()
                } else {
                    site.write(
                        "templates/entry.html",
                        &default_entry.replacen(
                            "{% block content %}",
                            &format!("{{% block content %}}<!-- version {step} -->"),
                            1,
                        ),
                    );
                    "change the entry template".to_string()
                }
            }
            7 => {
                site.write(
                    "site.yaml",
                    &format!(
                        "title: Fixture Errors {step}\ndescription: A small site for tests.\n\
                         base_url: https://fixture.example.org/\n\
                         edit_url: https://example.org/edit/main/{{path}}\n"
                    ),
                );
                "change site.yaml".to_string()
            }
            8 => {
                if rng.below(2) == 0 {
                    site.write("static/notes.txt", &format!("notes {step}\n"));
                    "change a plain static file".to_string()
                } else {
                    site.write("static/extra.css", &format!("p {{ margin: {step}px }}\n"));
                    "change a fingerprinted static file".to_string()
                }
            }
            9 => {
                site.write(
                    "content/tool-b/_section.yaml",
                    &format!(
                        "title: Tool B {step}\ndescription: Another tool.\n\
                         defaults:\n  category: Other Tools\n"
                    ),
                );
                "change a _section.yaml".to_string()
            }
            10 => {
                let id = &live[rng.below(live.len())];
                let page = site.path(&format!("public/{id}/index.html"));
                if page.exists() {
                    std::fs::write(&page, "edited by hand").expect("edit output");
                }
                format!("edit {id}'s page in the output by hand")
            }
            11 => {
                tamper_with_the_spare(&site, &live[rng.below(live.len())]);
                "tamper with the spare".to_string()
            }
            _ => "nothing".to_string(),
        };
        let flags: &[&str] = match rng.below(5) {
            0 => &["--relative-urls"],
            1 => &["--base-url", "https://other.example.org/sub/"],
            2 => &["--full"],
            _ => &[],
        };
        log.push(format!("{what} {flags:?}"));
        let (written, reused) =
            build_and_compare(&site, flags, &format!("seed {seed}, steps {log:?}"));
        let outside = site.path("outside");
        if outside.exists() {
            assert_eq!(
                tree(&outside).len(),
                0,
                "nothing is written outside the output"
            );
        }
        if flags == ["--full"] {
            assert_eq!(reused, 0, "--full reuses nothing");
        }
        assert!(written + reused > 10, "{written} + {reused}");
    }
}

/// Plants in the spare (the output before last, whose folders the next build reuses) files,
/// links and folders where files go: none of it may reach the output or lead outside it.
fn tamper_with_the_spare(site: &SiteTest, id: &str) {
    let spare = site.path(".public.errdex-spare");
    if !spare.is_dir() {
        return;
    }
    let _ = std::fs::write(spare.join("planted.html"), "planted");
    let _ = std::fs::write(spare.join(format!("{id}/index.html")), "planted");
    let _ = std::fs::remove_file(spare.join("robots.txt"));
    let _ = std::fs::create_dir_all(spare.join("robots.txt/inside"));
    #[cfg(unix)]
    {
        let outside = site.path("outside");
        let _ = std::fs::create_dir_all(&outside);
        let folder = spare.join(id);
        let _ = std::fs::remove_dir_all(&folder);
        let _ = std::os::unix::fs::symlink(&outside, &folder);
        let _ = std::os::unix::fs::symlink(site.path("site.yaml"), spare.join("sitemap.xml"));
    }
}

#[test]
fn random_changes_build_what_a_clean_build_builds() {
    for seed in [0x9e37_79b9_7f4a_7c15, 0x2545_f491_4f6c_dd1d] {
        random_edits(seed, 18);
    }
}

#[test]
fn an_unchanged_site_writes_nothing_and_one_changed_entry_writes_a_few_files() {
    let site = SiteTest::fixture("basic");
    for n in 0..20 {
        site.write(
            &format!("content/tool-a/gen-{n}.md"),
            &entry(&format!("Generated {n}"), "500", "network", "Body."),
        );
    }
    let (written, reused) = build(&site, "public", &[]);
    assert_eq!(reused, 0);
    let (again, reused) = build(&site, "public", &[]);
    assert_eq!((again, reused), (0, written), "nothing changed");
    let path = site.path("content/tool-a/gen-3.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("Body.", "Another body.")).expect("edit");
    let (changed, _) = build_and_compare(&site, &[], "one body changed");
    // Its page and the search index's files that hold its text; nothing else.
    assert!((1..=6).contains(&changed), "{changed} files written");
}

#[test]
fn deleting_the_cache_makes_a_full_build() {
    let site = SiteTest::fixture("basic");
    let (written, _) = build(&site, "public", &[]);
    assert!(site.path("public/.errdex-cache").is_file());
    std::fs::remove_file(site.path("public/.errdex-cache")).expect("rm cache");
    assert_eq!(
        build_and_compare(&site, &[], "deleting the cache"),
        (written, 0)
    );
    // And the cache is back.
    assert_eq!(build(&site, "public", &[]), (0, written));
}

#[test]
fn a_corrupted_cache_is_ignored() {
    let site = SiteTest::fixture("basic");
    let (written, _) = build(&site, "public", &[]);
    let cache = site.path("public/.errdex-cache");
    let good = std::fs::read_to_string(&cache).expect("cache");
    let mut bad: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not json".to_vec(),
        good.as_bytes()[..good.len() / 2].to_vec(),
        good.replace("\"format\":1", "\"format\":99").into_bytes(),
        good.replace("\"format\":1", "\"format\":-1").into_bytes(),
        good.replacen(":[\"", ":[\"zz", 1).into_bytes(),
        good.replacen(":[\"", ":[\"1", 1).into_bytes(),
        good.replacen("],\"", "],\"../../escape\":[\"0\",\"\"],\"", 1)
            .into_bytes(),
        b"{\"format\":1,\"files\":{\"index.html\":[1,2]}}".to_vec(),
        vec![0xff; 100_000],
        "[".repeat(100_000).into_bytes(),
    ];
    // Every page's hash swapped for another's: nothing matches what is in the output.
    let files: serde_json::Value = serde_json::from_str(&good).expect("json");
    let hashes: Vec<String> = files["files"]
        .as_object()
        .expect("files")
        .values()
        .map(|v| v[0].as_str().expect("hash").to_string())
        .collect();
    let mut rotated = good.clone();
    for (i, h) in hashes.iter().enumerate() {
        rotated = rotated.replace(h, &format!("{:032x}", i + 1));
    }
    bad.push(rotated.into_bytes());
    for (i, bytes) in bad.iter().enumerate() {
        std::fs::write(&cache, bytes).expect("corrupt");
        let (w, reused) = build_and_compare(&site, &[], &format!("corrupted cache {i}"));
        assert_eq!((w, reused), (written, 0), "corrupted cache {i}");
    }
    #[cfg(unix)]
    {
        // A cache that is a link (to a good cache elsewhere) is not read.
        std::fs::write(site.path("elsewhere"), &good).expect("write");
        std::fs::remove_file(&cache).expect("rm");
        std::os::unix::fs::symlink(site.path("elsewhere"), &cache).expect("link");
        assert_eq!(
            build_and_compare(&site, &[], "a linked cache"),
            (written, 0)
        );
    }
}

#[test]
fn a_static_file_named_like_the_cache_does_not_replace_it() {
    let site = SiteTest::fixture("basic");
    site.write("static/.errdex-cache", "from static/\n");
    let (written, _) = build(&site, "public", &[]);
    assert_ne!(site.read("public/.errdex-cache"), "from static/\n");
    assert_eq!(build(&site, "public", &[]), (0, written));
}

#[cfg(unix)]
#[test]
fn links_planted_in_the_previous_output_are_never_carried_over() {
    let site = SiteTest::fixture("basic");
    build(&site, "public", &[]);
    // The same bytes, but through a link: to a file, and a folder of the output made a link.
    let page = site.path("public/tool-a/minimal-entry/index.html");
    std::fs::copy(&page, site.path("copy.html")).expect("copy");
    std::fs::remove_file(&page).expect("rm");
    std::os::unix::fs::symlink(site.path("copy.html"), &page).expect("link");
    let folder = site.path("public/tool-a/full-entry");
    std::fs::rename(&folder, site.path("moved")).expect("move");
    std::os::unix::fs::symlink(site.path("moved"), &folder).expect("link");
    build_and_compare(&site, &[], "planted links");
    for path in [&page, &folder.join("index.html")] {
        let meta = std::fs::symlink_metadata(path).expect("meta");
        assert!(meta.is_file(), "{} is a regular file", path.display());
    }
    assert!(
        !std::fs::symlink_metadata(&folder)
            .expect("meta")
            .is_symlink()
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = SiteTest::fixture("basic");
    build(&site, "public", &[]);
    let before = tree(&site.path("public"));
    // A changed page is rendered, an unchanged one linked, then the build fails.
    let path = site.path("content/tool-a/full-entry.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("The token", "The old token")).expect("edit");
    site.write(
        "content/tool-a/broken.md",
        "---\ntitle: no other field\n---\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(tree(&site.path("public")), before);
    // A template error fails after pages were linked into the staging folder.
    std::fs::remove_file(site.path("content/tool-a/broken.md")).expect("rm");
    site.write("templates/list.html", "{% if %}");
    let run = site.run(&["build"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(tree(&site.path("public")), before);
    let names: Vec<String> = std::fs::read_dir(site.root())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("errdex-"))
        .collect();
    assert!(names.is_empty(), "leftovers: {names:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // No file of the output is still shared with a staging folder.
        let meta = std::fs::metadata(site.path("public/index.html")).expect("meta");
        assert_eq!(meta.nlink(), 1);
    }
}

#[test]
fn the_spare_keeps_only_folders_and_never_leads_outside() {
    let site = SiteTest::fixture("basic");
    build(&site, "public", &[]);
    build(&site, "public", &[]);
    assert!(
        site.path(".public.errdex-spare").is_dir(),
        "the previous output is kept"
    );
    tamper_with_the_spare(&site, "tool-a/minimal-entry");
    build_and_compare(&site, &[], "a tampered spare");
    assert!(tree(&site.path("outside")).is_empty());
    // What is kept is errdex's: a spare without the marker is not used, nor deleted.
    let spare = site.path(".public.errdex-spare");
    std::fs::remove_file(spare.join(".errdex-output")).expect("rm marker");
    std::fs::write(spare.join("mine.txt"), "mine").expect("write");
    build_and_compare(&site, &[], "someone's spare");
    assert_eq!(site.read(".public.errdex-spare/mine.txt"), "mine");
}

//! `build --relative-urls`: a site that works opened from disk. Every link and file of every
//! HTML page is relative to the page and leads to a file of the output; absolute URLs stay
//! absolute; the search index is written as scripts that a page can load from `file://`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::SiteTest;

/// The basic fixture under a base path, with an alias, root-relative links in its body, an
/// image, and a static file whose name has no dot.
fn site() -> SiteTest {
    let site = SiteTest::fixture("basic");
    let text = site
        .read("content/tool-a/minimal-entry.md")
        .replace(
            "    note: Shows the minimal error.\n",
            "    note: Shows the minimal error.\naliases:\n  - /old/minimal/\n",
        )
        .replace(
            "A minimal error.",
            "A minimal error; see [the full entry](/tool-a/full-entry/#causes), \
             [its tool](/tool-a), [401](/code/401/), \
             [a hostile query](/tool-a/full-entry/?q=\"><script>alert(1)</script>) and \
             ![a diagram](/diagram.svg).",
        );
    site.write("content/tool-a/minimal-entry.md", &text);
    site.write("static/LICENSE", "MIT\n");
    site.write(
        "static/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site
}

fn build(site: &SiteTest, output: &str, relative: bool) {
    let mut args = vec![
        "build",
        "--output",
        output,
        "--base-url",
        "https://user.github.io/errors/",
    ];
    if relative {
        args.push("--relative-urls");
    }
    let run = site.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Every file under `dir`, as paths relative to it with `/`.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Every URL in an attribute of `html` (and a refresh's target), with where it was found.
fn urls_of(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let tag = el.value().name();
        for (name, value) in el.value().attrs() {
            let url = match name {
                "href" | "src" | "action" | "formaction" | "data-index" => value.to_string(),
                "content" if el.value().attr("http-equiv") == Some("refresh") => value
                    .split_once("url=")
                    .map(|(_, u)| u.to_string())
                    .unwrap_or_default(),
                _ => continue,
            };
            out.push((format!("<{tag} {name}>"), url));
        }
    }
    out
}

/// The file a relative URL leads to from the page at `page` (an output path), or `None` for an
/// absolute URL or a fragment of the page itself.
fn target(page: &str, url: &str) -> Option<String> {
    if url.starts_with('#') || url.contains("://") || url.starts_with("mailto:") {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "." => {}
            ".." => {
                assert!(
                    parts.pop().is_some(),
                    "{url} climbs out of the output from {page}"
                );
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Asserts that no URL in an attribute of an HTML page under `dir` is root-relative and that
/// every relative one leads to a file of the output; returns how many did.
fn assert_every_link_leads_to_a_file(site: &SiteTest, dir: &str) -> usize {
    let out = site.path(dir);
    let all = files(&out);
    let pages: Vec<&String> = all.iter().filter(|f| f.ends_with(".html")).collect();
    assert!(pages.len() > 10, "{pages:?}");
    let mut checked = 0;
    for page in &pages {
        let html = site.read(&format!("{dir}/{page}"));
        for (place, url) in urls_of(&html) {
            assert!(
                !url.starts_with('/'),
                "{page}: {place} is root-relative: {url}"
            );
            if let Some(file) = target(page, &url) {
                assert!(
                    out.join(&file).is_file(),
                    "{page}: {place} {url} leads to {file}, which is not a file of the output"
                );
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn every_link_and_file_of_every_page_is_relative_and_leads_to_a_file() {
    let site = site();
    build(&site, "public", true);
    let checked = assert_every_link_leads_to_a_file(&site, "public");
    assert!(checked > 100, "only {checked} links checked");

    // What each kind of page links to, written out.
    let entry = site.page("tool-a/minimal-entry/index.html");
    let body = entry.attr("main a", "href");
    for want in [
        "../../tool-a/full-entry/index.html#causes",
        "../../tool-a/index.html",
        "../../code/401/index.html",
    ] {
        assert!(body.contains(&want.to_string()), "{want} not in {body:?}");
    }
    // A hostile query stays data, not markup.
    let query = "../../tool-a/full-entry/index.html?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E";
    assert!(body.contains(&query.to_string()), "{body:?}");
    assert_eq!(entry.count("script:not([src]):not([type])"), 0);
    let html = site.read("public/tool-a/minimal-entry/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    let css = entry.attr("link[rel=stylesheet]", "href");
    assert!(css[0].starts_with("../../style."), "{css:?}");
    let (entry, canonical) = (
        "tool-a/minimal-entry/index.html",
        "https://user.github.io/errors/tool-a/minimal-entry/",
    );
    let redirect = "0; url=../../tool-a/minimal-entry/index.html";
    for (page, selector, attr, want) in [
        (entry, "main img", "src", "../../diagram.svg"),
        (entry, "a.site-title", "href", "../../index.html"),
        (entry, "link[rel=canonical]", "href", canonical),
        (entry, "meta[property='og:url']", "content", canonical),
        // The search script is told the way to the root, and that the index is scripts.
        (entry, "script[data-index]", "data-base", "../../"),
        (entry, "script[data-index]", "data-relative-urls", ""),
        ("index.html", "a.site-title", "href", "index.html"),
        (
            "index.html",
            "form.site-search",
            "action",
            "search/index.html",
        ),
        ("index.html", "script[data-index]", "data-base", "./"),
        (
            "old/minimal/index.html",
            "meta[http-equiv=refresh]",
            "content",
            redirect,
        ),
        (
            "old/minimal/index.html",
            "link[rel=canonical]",
            "href",
            canonical,
        ),
        ("404.html", "main a", "href", "index.html"),
    ] {
        assert_eq!(
            site.page(page).attr(selector, attr),
            [want],
            "{page}: {selector}"
        );
    }
}

/// The repository's own site: every page type, with real content.
#[test]
fn every_link_of_the_repo_site_leads_to_a_file() {
    let site = SiteTest::repo_site();
    let run = site.run(&["build", "--relative-urls"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let checked = assert_every_link_leads_to_a_file(&site, "public");
    assert!(checked > 5_000, "only {checked} links checked");
}

#[test]
fn absolute_files_and_the_rest_stay_as_a_normal_build_has_them() {
    let site = site();
    build(&site, "served", false);
    build(&site, "offline", true);
    // The sitemap, feed and robots.txt hold absolute URLs: the same in both.
    for file in ["sitemap.xml", "atom.xml", "robots.txt", "LICENSE"] {
        assert_eq!(
            site.read(&format!("served/{file}")),
            site.read(&format!("offline/{file}")),
            "{file}"
        );
    }
    // The same pages and static files; only the search index differs in form.
    let not_search = |d: &str| -> Vec<String> {
        files(&site.path(d))
            .into_iter()
            .filter(|f| !f.starts_with("search/") || f == "search/index.html")
            .collect()
    };
    assert_eq!(not_search("served"), not_search("offline"));
    // A normal build has no trace of the mode.
    let served = site.read("served/tool-a/minimal-entry/index.html");
    assert!(!served.contains("data-relative-urls"));
    assert!(
        !served.contains("index.html\""),
        "a served page links folders"
    );
    // And a relative build is the same byte for byte every time.
    let first = site.hash_dir("offline");
    build(&site, "offline", true);
    assert_eq!(first, site.hash_dir("offline"));
}

/// The search index of a relative build: scripts only, each handing `errdexSearchData` its own
/// path and the data a normal build has as JSON, with result URLs relative to the root.
#[test]
fn the_search_index_is_written_as_scripts_a_page_can_load() {
    let site = site();
    build(&site, "served", false);
    build(&site, "offline", true);
    let search = files(&site.path("offline/search"));
    assert!(
        search
            .iter()
            .all(|f| f.ends_with(".js") || f == "index.html"),
        "{search:?}"
    );
    assert!(search.contains(&"manifest.js".to_string()), "{search:?}");
    // Each file is `errdexSearchData("<its path>",<JSON>);`.
    let data = |rel: &str| -> serde_json::Value {
        let text = site.read(&format!("offline/{rel}"));
        let inner = text
            .strip_prefix("errdexSearchData(")
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{rel}: {text:.80}"));
        let (key, json) = inner.split_once(',').expect("two arguments");
        assert_eq!(key, format!("{rel:?}"), "{rel} names another path");
        serde_json::from_str(json).expect("JSON data")
    };
    let index_path = data("search/manifest.js")["index"]
        .as_str()
        .expect("the manifest names the index")
        .to_string();
    let index = data(&index_path);
    let json = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(&format!("served/{rel}"))).expect("JSON")
    };
    let served_manifest = json("search/manifest.json");
    let served_index = json(served_manifest["index"].as_str().expect("index"));
    // The same index, but for the names of its files.
    for key in [
        "norms",
        "lengths",
        "tools",
        "kinds",
        "params",
        "doc_shard_size",
    ] {
        assert_eq!(index[key], served_index[key], "{key}");
    }
    for family in ["terms", "postings", "words", "docs"] {
        let (offline, served) = (&index[family], &served_index[family]);
        assert_eq!(offline["count"], served["count"], "{family}");
        let count = offline["count"].as_u64().expect("a count");
        let path = |v: &serde_json::Value, i: u64| -> String {
            v["path"]
                .as_str()
                .expect("a path")
                .replace("{}", &i.to_string())
        };
        for i in 0..count {
            let (o, s) = (path(offline, i), path(served, i));
            assert!(o.ends_with(".js") && s.ends_with(".json"), "{o} {s}");
            let offline = data(&o);
            let mut served = json(&s);
            if family == "docs" {
                // Rows: id, title, URL... A result's URL is relative to the root.
                for row in served.as_array_mut().expect("rows") {
                    let url = row[2].as_str().expect("url").to_string();
                    row[2] = url.trim_start_matches("/errors/").into();
                    let page = format!("offline/{}index.html", row[2].as_str().expect("url"));
                    assert!(site.path(&page).is_file(), "{page}");
                }
            }
            assert_eq!(offline, served, "{o}");
        }
    }
}

/// The search script, under Node, loads a relative build's index as a page would (each file
/// run as a script that calls `errdexSearchData`) and finds an entry from a pasted line.
#[test]
fn search_js_ranks_a_relative_builds_index() {
    let site = site();
    build(&site, "offline", true);
    let script = r#"
        const fs = require('fs'), path = require('path'), vm = require('vm');
        const [js, out] = process.argv.slice(1);
        const s = require(js);
        const data = new Map();
        const load = (rel) => {
          vm.runInNewContext(fs.readFileSync(path.join(out, rel), 'utf8'),
            { errdexSearchData: (key, value) => data.set(key, value) });
          return data.get(rel);
        };
        const index = s.prepare(load(load('search/manifest.js').index));
        s.searchIndex(index, rel => Promise.resolve(load(rel)), 'Error: minimal', 3).then(({ hits, rows }) =>
          console.log(JSON.stringify(hits.map(h => rows.get(h.doc)[2]))));
    "#;
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/search.js");
    let output = Command::new("node")
        .args(["-e", script])
        .arg(&js)
        .arg(site.path("offline"))
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let urls: Vec<String> = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        urls.first().map(String::as_str),
        Some("tool-a/minimal-entry/")
    );
    let page: PathBuf = site.path("offline/tool-a/minimal-entry/index.html");
    assert!(page.is_file());
}

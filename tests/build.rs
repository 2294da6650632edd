//! `errdex build`: what a reader sees on the pages, and the guarantees about the output folder.

use crate::harness::SiteTest;

#[test]
fn entry_page_has_the_reference_sections_in_order() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let page = site.page("tool-a/full-entry/index.html");
    assert_eq!(page.count("h1"), 1);
    assert_eq!(page.text("h1"), "Tool A 401 full entry");
    // One tool: no tool layer in the trail (the repo's site, with several, has it).
    assert_eq!(page.all("nav[aria-label=Breadcrumb] li"), ["Test Tools"]);
    assert_eq!(
        page.all("#facts dt"),
        [
            "Category",
            "Error signature",
            "Quick fix",
            "Updated",
            "Code",
            "Kind",
            "Applies to"
        ]
    );
    assert_eq!(
        page.text("#facts code.signature"),
        r#"Error: 401 {"type":"authentication_error"}"#
    );
    assert_eq!(page.attr("#facts time", "datetime"), ["2026-11-20"]);
    let headings: Vec<String> = page
        .all("main article h2")
        .into_iter()
        .filter(|h| h != "On this page")
        .collect();
    assert_eq!(
        headings,
        [
            "What this error means",
            "Why this happens",
            "Common causes",
            "Quick fixes",
            "Platform/tool-specific checks",
            "Step-by-step troubleshooting",
            "How to prevent it",
            "Sources checked",
            "Related errors",
            "FAQ",
        ]
    );
    assert_eq!(
        page.all("section[aria-labelledby=related] li > a"),
        ["Tool A minimal entry"]
    );
    assert_eq!(page.text("section[aria-labelledby=causes] em"), "expired");
    assert!(
        page.text(".sources .note")
            .contains("Lists 401 as an authentication error.")
    );
    assert_eq!(
        page.attr("a[href^='https://example.org/edit']", "href"),
        ["https://example.org/edit/main/content/tool-a/full-entry.md"]
    );
    // Raw HTML in Markdown is shown as text, never run.
    assert_eq!(
        page.count(
            "script:not([src]):not([type='application/ld+json']):not([type='application/json'])"
        ),
        0
    );
    assert!(page.text(".body").contains("<script>alert(1)</script>"));
    // Relative .md links become page URLs.
    assert!(
        page.attr(".body a", "href")
            .contains(&"/tool-a/minimal-entry/".to_string())
    );
}

#[test]
fn a_signature_longer_than_three_phone_lines_gets_show_all() {
    let site = SiteTest::fixture("basic");
    let minimal = site.read("content/tool-a/minimal-entry.md");
    let show_all = "#facts .fact-signature dd > details.signature-more > summary";
    for (signature, folds) in [
        ("\"Error: minimal\"".to_string(), false),
        (format!("\"Error: {}\"", "m".repeat(73)), false),
        (format!("\"Error: {}\"", "m".repeat(74)), true),
        ("|-\n  Error: minimal\n    at one\n    at two".into(), false),
        (
            "|-\n  Error: minimal\n    at one\n    at two\n    at three".into(),
            true,
        ),
    ] {
        site.write(
            "content/tool-a/minimal-entry.md",
            &minimal.replace("\"Error: minimal\"", &signature),
        );
        site.build_ok();
        let page = site.page("tool-a/minimal-entry/index.html");
        let want = if folds { 1 } else { 0 };
        assert_eq!(page.count(show_all), want, "{signature}");
        if folds {
            assert_eq!(page.text(&format!("{show_all} .more")), "Show all");
            assert_eq!(page.text(&format!("{show_all} .less")), "Show less");
            // The control follows the signature it folds.
            let dd = page.html("#facts .fact-signature dd");
            assert!(
                dd.find("class=\"signature\"") < dd.find("signature-more"),
                "{dd}"
            );
        }
    }
}

#[test]
fn inline_commands_of_the_fix_sections_are_marked_for_copy_buttons() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let page = site.page("tool-a/full-entry/index.html");
    // site.js adds a copy button after each `code` inside these, and nowhere else.
    assert_eq!(
        page.all("[data-copy-code] code"),
        ["tool login", "tool login"],
        "{}",
        page.html("main")
    );
    assert_eq!(page.count("#facts .fact-fix dd[data-copy-code]"), 1);
    for section in ["quick-fixes", "checks", "steps"] {
        let selector = format!("section[aria-labelledby={section}][data-copy-code]");
        assert_eq!(page.count(&selector), 1, "{selector}");
    }
    assert_eq!(page.count("[data-copy-code]"), 4);
}

/// The tracker and the decoded query parameters of the page's "Report a problem" link, checking
/// that every value was percent-encoded (no raw space, newline, quote, `&` or `#`).
fn report_link(page: &crate::harness::Page) -> (String, Vec<(String, String)>) {
    let href = page.attr(".entry-footer .report a", "href");
    assert_eq!(href.len(), 1, "{href:?}");
    let (tracker, query) = href[0].split_once('?').expect("a query");
    let params = query
        .split('&')
        .map(|p| {
            let (name, value) = p.split_once('=').expect("name=value");
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"%-._~".contains(&b)),
                "{name} is not encoded: {value}"
            );
            let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
            (name.to_string(), decoded.into_owned())
        })
        .collect();
    (tracker.to_string(), params)
}

#[test]
fn report_link_opens_a_prefilled_issue_only_when_site_yaml_names_a_tracker() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let page = site.page("tool-a/full-entry/index.html");
    assert_eq!(page.count(".entry-footer .report"), 0);
    assert!(!page.text("main").contains("Report a problem"));

    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{yaml}report_url: https://git.example/team/errors/issues/new?labels=report\n"),
    );
    // A signature with backticks, longer than the body quotes.
    let minimal = site.read("content/tool-a/minimal-entry.md");
    let long = format!("Error: ```{}```", "x".repeat(1200));
    site.write(
        "content/tool-a/minimal-entry.md",
        &minimal.replace("\"Error: minimal\"", &format!("\"{long}\"")),
    );
    site.build_ok();
    let page = site.page("tool-a/full-entry/index.html");
    assert_eq!(
        page.text(".entry-footer .report"),
        "Did this fix it? Report a problem"
    );
    let (tracker, params) = report_link(&page);
    assert_eq!(tracker, "https://git.example/team/errors/issues/new");
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["labels", "title", "body"]);
    assert_eq!(params[1].1, "Report: Tool A 401 full entry");
    let body = &params[2].1;
    for line in [
        "Page: Tool A 401 full entry\n",
        "URL: https://fixture.example.org/tool-a/full-entry/\n",
        "\n```\nError: 401 {\"type\":\"authentication_error\"}\n```\n",
    ] {
        assert!(body.contains(line), "body lacks {line:?}:\n{body}");
    }

    let (_, params) = report_link(&site.page("tool-a/minimal-entry/index.html"));
    let quoted: String = long.chars().take(1000).collect();
    assert!(
        params[2]
            .1
            .contains(&format!("\n````\n{quoted}\n…\n````\n")),
        "{}",
        params[2].1
    );
}

#[test]
fn empty_optional_sections_are_left_out_and_defaults_apply() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let page = site.page("tool-a/minimal-entry/index.html");
    // `category` comes from the tool folder's defaults.
    // One tool: no tool layer in the trail (the repo's site, with several, has it).
    assert_eq!(page.all("nav[aria-label=Breadcrumb] li"), ["Test Tools"]);
    let headings = page.all("main article h2");
    for absent in [
        "Platform/tool-specific checks",
        "Step-by-step troubleshooting",
        "FAQ",
        "Related errors",
    ] {
        assert!(
            !headings.iter().any(|h| h == absent),
            "{absent} shown empty"
        );
    }
    assert!(headings.iter().any(|h| h == "Common causes"));
}

#[test]
fn home_tool_and_category_pages_list_the_entries() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let home = site.page("index.html");
    // A site with one tool lists no tools: a one-item list says nothing.
    assert_eq!(home.count(".cards"), 0);
    assert_eq!(home.count("nav[aria-label=Tools]"), 0);
    assert_eq!(home.count(".entry-list li"), 2);
    let tool = site.page("tool-a/index.html");
    assert_eq!(
        tool.all(".entry-list li > a"),
        ["Tool A 401 full entry", "Tool A minimal entry"]
    );
    let cat = site.page("category/test-tools/index.html");
    assert_eq!(cat.text("h1"), "Test Tools");
    assert_eq!(cat.count(".entry-list li"), 2);
    assert!(site.read("public/404.html").contains("Page not found"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example.org/tool-a/full-entry/</loc>"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://fixture.example.org/sitemap.xml")
    );
}

#[test]
fn base_url_with_a_path_prefixes_every_internal_link() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://user.github.io/errors/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.page("tool-a/full-entry/index.html");
    for href in page.attr("a[href^='/']", "href") {
        assert!(href.starts_with("/errors/"), "{href} lacks the base path");
    }
    let css = page.attr("link[rel=stylesheet]", "href");
    assert!(
        css[0].starts_with("/errors/style.") && css[0].ends_with(".css"),
        "{css:?}"
    );
    assert!(
        site.path(&format!("public/{}", &css[0]["/errors/".len()..]))
            .is_file()
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        ["https://user.github.io/errors/tool-a/full-entry/"]
    );
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://user.github.io/errors/tool-a/full-entry/</loc>")
    );
}

#[test]
fn a_site_template_overrides_one_default() {
    let site = SiteTest::fixture("basic");
    site.write(
        "templates/list.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">Custom {{ heading }}</h1>{% endblock %}",
    );
    site.build_ok();
    assert_eq!(
        site.page("tool-a/index.html").text("h1.custom"),
        "Custom Tool A"
    );
    // The other templates are still the defaults.
    assert_eq!(site.page("tool-a/full-entry/index.html").count("#facts"), 1);
}

#[test]
fn a_template_error_names_the_template_file_and_line() {
    let site = SiteTest::fixture("basic");
    site.write("templates/list.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ heading | nosuchfilter }}\n{% endblock %}\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/list.html:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("E021"), "{}", run.stderr);
}

#[test]
fn a_broken_entry_after_a_good_build_leaves_the_output_unchanged() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = site.hash_dir("public");
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/tool-a/minimal-entry.md:2:"),
        "{}",
        run.stderr
    );
    assert_eq!(site.hash_dir("public"), before);
    assert!(
        !site.path("public/.errdex-output").exists() || site.path("public/index.html").exists()
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = SiteTest::fixture("basic");
    let home = site.root().to_string_lossy().into_owned();
    for (out, env) in [
        ("/", vec![]),
        (".", vec![]),
        ("content", vec![]),
        ("templates", vec![]),
        ("static", vec![]),
        (home.as_str(), vec![("HOME", home.as_str())]),
    ] {
        let run = site.run_env(&["build", "--output", out], &env);
        assert_eq!(run.code, 2, "{out} was not refused: {}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    site.write("mine/notes.txt", "keep me");
    let run = site.run(&["build", "--output", "mine"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not written by errdex"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("mine/notes.txt"), "keep me");
    // An empty folder, or one errdex wrote, is fine.
    std::fs::create_dir_all(site.path("empty")).expect("mkdir");
    assert_eq!(site.run(&["build", "--output", "empty"]).code, 0);
    assert_eq!(site.run(&["build", "--output", "empty"]).code, 0);
}

#[test]
fn rebuilds_are_byte_identical_whatever_the_thread_count() {
    let site = SiteTest::repo_site();
    let one = site.run_env(
        &["build", "--output", "out1"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    let two = site.run_env(
        &["build", "--output", "out2"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    assert_eq!(two.code, 0, "{}", two.stderr);
    assert_eq!(site.hash_dir("out1"), site.hash_dir("out2"));
    let again = site.run_env(
        &["build", "--output", "out1"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    assert_eq!(again.code, 0);
    assert_eq!(site.hash_dir("out1"), site.hash_dir("out2"));
}

#[test]
fn the_repo_site_builds_with_no_warnings() {
    let site = SiteTest::repo_site();
    let run = site.build_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let page = site.page("claude-code/401-oauth-token-expired/index.html");
    assert!(
        page.text("#facts code.signature")
            .contains("OAuth token has expired")
    );
    assert!(page.count(".sources li") >= 1);
    // Its own `related` list comes first, in the order written.
    let related = page.attr("section[aria-labelledby=related] a", "href");
    assert_eq!(
        related
            .iter()
            .find(|href| !href.starts_with('#'))
            .map(String::as_str),
        Some("/claude-code/invalid-api-key-env-override/"),
        "{related:?}"
    );
}

#[test]
fn snapshot_of_the_401_page_main() {
    let site = SiteTest::repo_site();
    site.build_ok();
    let page = site.page("claude-code/401-oauth-token-expired/index.html");
    insta::assert_snapshot!(page.html("main"));
}

#[test]
fn bad_inputs_exit_1_and_name_the_file_line() {
    let good = std::fs::read_to_string(
        crate::harness::fixtures().join("basic/content/tool-a/minimal-entry.md"),
    )
    .expect("fixture");
    let cases: Vec<(&str, String, &str)> = vec![
        ("no front matter", "just text\n".into(), ":1:1"),
        ("unclosed fence", "---\ntitle: x\n".into(), ":1:1"),
        ("not a mapping", "---\n- a\n- b\n---\n".into(), ":2:1"),
        (
            "missing field",
            good.replace("summary: Only the required fields.\n", ""),
            ":2:1",
        ),
        (
            "wrong type",
            good.replace("causes:\n  - Something went wrong.", "causes: {a: 1}"),
            ":7:9",
        ),
        ("unknown key", good.replace("summary:", "sumary:"), ":3:1"),
        (
            "bad date",
            good.replace("2026-11-01", "2026-13-01"),
            ":6:10",
        ),
    ];
    for (what, text, at) in cases {
        let site = SiteTest::fixture("basic");
        site.write("content/tool-a/minimal-entry.md", &text);
        let run = site.run(&["build"]);
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        let expected = format!("content/tool-a/minimal-entry.md{at}");
        assert!(
            run.stderr.contains(&expected),
            "{what}: expected {expected} in\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{what}");
        assert!(!site.path("public").exists(), "{what}: output written");
    }
}

#[test]
fn metadata_taxonomies_related_and_feed() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/tool-a/third-entry.md",
        &std::fs::read_to_string(
            crate::harness::fixtures().join("basic/content/tool-a/minimal-entry.md"),
        )
        .expect("fixture")
        .replace("Error: minimal", "Error: third")
        .replace(
            "title: Tool A minimal entry",
            "title: Tool A third entry\ncode: \"401\"\nkind: auth",
        ),
    );
    site.build_ok();
    let page = site.page("tool-a/full-entry/index.html");
    // Metadata for search engines and link previews.
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        ["Every section of the page filled, to test the order."]
    );
    assert_eq!(
        page.attr("meta[property='og:type']", "content"),
        ["article"]
    );
    assert_eq!(
        page.attr("meta[property='og:url']", "content"),
        ["https://fixture.example.org/tool-a/full-entry/"]
    );
    assert_eq!(page.attr("html", "lang"), ["en"]);
    let ld: serde_json::Value =
        serde_json::from_str(&page.all("script[type='application/ld+json']")[0]).expect("JSON-LD");
    let types: Vec<&str> = ld["@graph"]
        .as_array()
        .expect("graph")
        .iter()
        .filter_map(|n| n["@type"].as_str())
        .collect();
    assert_eq!(types, ["TechArticle", "BreadcrumbList", "FAQPage"]);
    assert_eq!(ld["@graph"][0]["dateModified"], "2026-11-20");
    assert_eq!(
        ld["@graph"][0]["citation"][0]["url"],
        "https://example.org/docs/errors"
    );
    // Taxonomy pages, linked from the entry.
    assert_eq!(page.attr("#facts a[href='/code/401/']", "href").len(), 1);
    assert_eq!(page.attr("#facts a[href='/kind/auth/']", "href").len(), 1);
    // Tags `login` and `/login` share a slug: one link, one place on the tag's page.
    assert_eq!(page.attr(".tags a", "href"), ["/tag/login/"]);
    assert_eq!(
        site.page("code/401/index.html").all(".entry-list li > a"),
        ["Tool A 401 full entry", "Tool A third entry"]
    );
    assert_eq!(
        site.page("kind/auth/index.html").text("h1"),
        "Authentication"
    );
    assert_eq!(site.page("tag/login/index.html").count(".entry-list li"), 1);
    // Related: the explicit list first, then neighbours (same code), never the page itself.
    assert_eq!(
        page.all("section[aria-labelledby=related] li > a"),
        ["Tool A minimal entry", "Tool A third entry"]
    );
    // Every heading links to itself.
    assert!(
        page.attr("h2 a.anchor", "href")
            .contains(&"#why-this-happens".to_string())
    );
    // The feed: newest first, absolute links.
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("<id>https://fixture.example.org/tool-a/third-entry/</id>"));
    let newer = feed.find("full-entry").expect("full"); // updated 2026-11-20
    let older = feed.find("third-entry").expect("third"); // updated 2026-11-01
    assert!(newer < older, "newest first");
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://fixture.example.org/code/401/</loc>")
    );
}

#[test]
fn aliases_become_redirect_pages() {
    let site = SiteTest::fixture("basic");
    let text = site.read("content/tool-a/minimal-entry.md").replace(
        "    note: Shows the minimal error.\n",
        "    note: Shows the minimal error.\naliases:\n  - /old/minimal/\n",
    );
    site.write("content/tool-a/minimal-entry.md", &text);
    site.build_ok();
    let page = site.page("old/minimal/index.html");
    assert_eq!(
        page.attr("meta[http-equiv=refresh]", "content"),
        ["0; url=/tool-a/minimal-entry/"]
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        ["https://fixture.example.org/tool-a/minimal-entry/"]
    );
}

#[test]
fn an_entry_page_weighs_under_30_kb_gzipped_with_its_css_and_js() {
    use std::io::Write;
    let site = SiteTest::repo_site();
    site.build_ok();
    let rel = "claude-code/401-oauth-token-expired/index.html";
    let page = site.page(rel);
    let mut files = vec![format!("public/{rel}")];
    for url in page
        .attr("link[rel=stylesheet]", "href")
        .into_iter()
        .chain(page.attr("script[src]", "src"))
    {
        assert!(url.starts_with('/'), "{url} is on another origin");
        files.push(format!("public{url}"));
    }
    let mut total = 0;
    for f in &files {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(site.read(f).as_bytes()).expect("gzip");
        total += gz.finish().expect("gzip").len();
    }
    eprintln!(
        "entry page weight: {total} bytes gzipped ({} files)",
        files.len()
    );
    assert!(total <= 30 * 1024, "{total} bytes gzipped");
}

#[test]
fn computed_related_errors_have_their_section_anchor_and_taxonomy_links_check() {
    let site = SiteTest::fixture("basic");
    let m = site.read("content/tool-a/minimal-entry.md");
    // No `related` list of its own, but the same code as the full entry: a computed neighbour.
    let text = m
        .replace("title: Tool A minimal entry", "title: Tool A minimal entry\ncode: \"401\"")
        .replace("A minimal error.", "See [causes](#related), [code 401](/code/401/), [auth](/kind/auth/) and [login](/tag/login/).");
    site.write("content/tool-a/minimal-entry.md", &text);
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    site.build_ok();
    let page = site.page("tool-a/minimal-entry/index.html");
    assert_eq!(
        page.all("section[aria-labelledby=related] li > a"),
        ["Tool A 401 full entry"]
    );
    assert!(
        page.attr(".toc a", "href")
            .contains(&"#related".to_string())
    );
}

#[test]
fn build_output_has_no_live_reload_script() {
    let site = SiteTest::repo_site();
    site.build_ok();
    let names: Vec<String> = std::fs::read_dir(site.path("public"))
        .expect("public")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(!names.iter().any(|n| n.contains("livereload")), "{names:?}");
    assert!(!site.read("public/index.html").contains("__errdex"));
}

/// A site's own kinds (`kinds` in site.yaml): entries are checked against them, the pages use
/// their titles and descriptions, and `schema` lists them.
#[test]
fn a_site_declares_its_own_kinds() {
    let site = SiteTest::fixture("basic");
    let yaml = site.read("site.yaml")
        + "kinds:\n  - {id: merge, title: Conflits de fusion, description: Erreurs de fusion et de rebase.}\n  - {id: remote, title: Dépôts distants}\n";
    site.write("site.yaml", &yaml);
    let entry = "content/tool-a/full-entry.md";
    let text = site.read(entry);
    // `auth` is not one of this site's kinds.
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E003", "{json:#}");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("`auth` is not one of the site's kinds")
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap_or("")
            .contains("`merge`, `remote`"),
        "{json:#}"
    );
    site.write(entry, &text.replace("kind: auth", "kind: merg"));
    let (_, json) = site.check_json(&[]);
    assert_eq!(json["diagnostics"][0]["help"], "did you mean `merge`?");
    site.write(entry, &text.replace("kind: auth", "kind: merge"));
    site.build_ok();
    let page = site.page("kind/merge/index.html");
    assert_eq!(page.text("h1"), "Conflits de fusion");
    assert!(page.attr("meta[name=description]", "content")[0].contains("Erreurs de fusion"));
    let entry_page = site.page("tool-a/full-entry/index.html");
    assert!(entry_page.text(".facts").contains("Conflits de fusion"));
    let schema = site.run(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&schema.stdout).expect("schema");
    assert_eq!(
        schema["properties"]["kind"]["enum"],
        serde_json::json!(["merge", "remote"])
    );
    // Declarations that cannot work.
    for bad in [
        "kinds:\n  - {id: Merge, title: M}\n",
        "kinds:\n  - {id: merge, title: M}\n  - {id: merge, title: N}\n",
        "kinds:\n  - {id: merge, title: ''}\n",
        "kinds: []\n",
        "kinds:\n  - {id: merge, title: M, colour: red}\n",
    ] {
        site.write(
            "site.yaml",
            &(site
                .read("site.yaml")
                .split("kinds:")
                .next()
                .unwrap_or("")
                .to_string()
                + bad),
        );
        let (code, json) = site.check_json(&[]);
        assert_eq!(code, 1, "{bad}");
        assert_eq!(
            json["diagnostics"][0]["path"], "site.yaml",
            "{bad}: {json:#}"
        );
    }
}

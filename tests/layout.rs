//! Any domain: a site about one product (entries directly in `content/`, no tool layer), in
//! French through `labels`, with its own kinds; and the tool layer where a site has several
//! tools.

use crate::harness::SiteTest;

/// English words of the default labels that a French site must not show anywhere a reader sees.
const ENGLISH: [&str; 14] = [
    "Skip to content",
    "Quick fix",
    "Common causes",
    "Quick fixes",
    "Step-by-step troubleshooting",
    "Sources checked",
    "Related errors",
    "Updated",
    "Last updated",
    "Evidence note",
    "Search errors",
    "Find the fix",
    "Recently updated",
    "November",
];

fn visible_text(site: &SiteTest, page: &str) -> String {
    let p = site.page(page);
    [
        p.text("body"),
        p.attr("[placeholder]", "placeholder").join(" "),
    ]
    .join(" ")
}

#[test]
fn a_french_site_about_one_product_validates_builds_and_reads_in_french() {
    let site = SiteTest::fixture("single-fr");
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    site.build_ok();

    // Entries directly in content/: ids and URLs are the slugs (under base_url's path).
    let page = site.page("not-a-git-repository/index.html");
    assert_eq!(page.attr("html", "lang"), ["fr"]);
    assert_eq!(page.text("h1"), "fatal: not a git repository");
    // No tool layer: no tools navigation, the trail is the category alone.
    assert_eq!(page.count("nav[aria-label=Produits]"), 0);
    assert_eq!(page.all("nav.breadcrumbs li"), ["Dépôts"]);
    // The fixed words and the dates are the site's.
    assert_eq!(
        page.all("#facts dt"),
        [
            "Catégorie",
            "Message d'erreur",
            "Solution rapide",
            "Mis à jour",
            "Nature"
        ]
    );
    assert_eq!(page.text("#facts time"), "20 novembre 2026");
    assert_eq!(
        page.all("main article section h2"),
        [
            "Causes fréquentes",
            "Solutions rapides",
            "Étapes de dépannage",
            "Sources vérifiées",
            "Erreurs voisines"
        ]
    );
    // A related entry and a body link by slug.
    assert_eq!(page.attr(".related a", "href"), ["/erreurs/push-rejected/"]);
    assert!(
        page.attr(".body a", "href")
            .contains(&"/erreurs/push-rejected/".to_string())
    );
    // The custom kind: its title on the entry and on its page.
    assert_eq!(page.text("#facts a[href$='/kind/depot/']"), "Dépôt");
    let kind = site.page("kind/depot/index.html");
    assert_eq!(kind.text("h1"), "Dépôt");
    assert!(kind.text(".summary").contains("liées au dépôt"));
    // The scripts' words: the JSON block holds the site's.
    let block = page.text("#errdex-labels");
    let labels: serde_json::Value = serde_json::from_str(&block).expect("labels JSON");
    assert_eq!(labels["copy"], "Copier");
    assert_eq!(labels["result_other"], "{count} résultats");

    // No page a reader sees shows the English defaults.
    for p in [
        "index.html",
        "not-a-git-repository/index.html",
        "push-rejected/index.html",
        "search/index.html",
        "404.html",
        "kind/depot/index.html",
        "category/depots/index.html",
    ] {
        let text = visible_text(&site, p);
        for word in ENGLISH {
            assert!(!text.contains(word), "{p} shows `{word}`: {text}");
        }
    }

    // The home page: the paste box's example comes from the site's own entries, no tools list.
    let home = site.page("index.html");
    assert_eq!(home.count(".cards"), 0);
    assert_eq!(
        home.attr("#home-q", "placeholder"),
        ["p. ex. fatal: not a git repository (or any of the parent directories): .git"]
    );
    // The search page has no tool filter, and the kinds filter names the site's kinds.
    let search = site.page("search/index.html");
    assert_eq!(search.count("select[name=tool]"), 0);
    assert_eq!(
        search.all("select[name=kind] option"),
        ["Toutes les natures", "Dépôt", "Dépôt distant"]
    );
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://git.example.org/erreurs/push-rejected/</loc>")
    );

    // Search and match find the product's errors by their slugs.
    let found = site.run(&[
        "search",
        "--format",
        "json",
        "fatal: not a git repository (or any of the parent directories): .git",
    ]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    let json: serde_json::Value = serde_json::from_str(&found.stdout).expect("json");
    assert_eq!(json[0]["id"], "not-a-git-repository");
    assert_eq!(json[0]["confident"], true);
}

#[test]
fn new_writes_an_entry_directly_in_content_on_a_site_without_tool_folders() {
    let site = SiteTest::fixture("single-fr");
    let run = site.run(&["new", "detached-head"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.path("content/detached-head.md").is_file());
    // A tool id on this site, and a slug alone on a site with tool folders, say which to write.
    let run = site.run(&["new", "git/other"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`other`"), "{}", run.stderr);
    let tools = SiteTest::fixture("basic");
    let run = tools.run(&["new", "alone"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`<tool>/alone`"), "{}", run.stderr);
    // A name the site's own pages use.
    let run = site.run(&["new", "search"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/search/"), "{}", run.stderr);
}

#[test]
fn a_site_cannot_mix_tool_folders_and_entries_in_content() {
    let site = SiteTest::fixture("basic");
    let entry = site.read("content/tool-a/minimal-entry.md");
    site.write("content/stray.md", &entry);
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E019");
    assert_eq!(d["path"], "content/stray.md");
    // An entry directly in content/ cannot take the name of the site's own pages.
    let single = SiteTest::fixture("single-fr");
    single.write("content/search.md", &entry);
    let (code, json) = single.check_json(&[]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E013", "{json}");
    assert_eq!(d["path"], "content/search.md");
}

#[test]
fn bad_labels_are_reported_at_their_value() {
    let site = SiteTest::fixture("basic");
    let base = site.read("site.yaml");
    let cases: [(&str, &str, u64, &str); 4] = [
        ("labels:\n  quik_fix: x\n", "E002", 2, "quick_fix"),
        (
            "labels:\n  result_one: '{n} result'\n",
            "E003",
            2,
            "{count}",
        ),
        ("labels:\n  months: [a, b]\n", "E003", 2, "twelve"),
        ("labels:\n  causes: ''\n", "E009", 2, "causes"),
    ];
    let offset = base.lines().count() as u64;
    for (yaml, code, line, says) in cases {
        site.write("site.yaml", &format!("{base}{yaml}"));
        let (exit, json) = site.check_json(&[]);
        assert_eq!(exit, 1, "{yaml}: {json}");
        let d = &json["diagnostics"][0];
        assert_eq!(d["code"], code, "{yaml}: {json}");
        assert_eq!(d["path"], "site.yaml");
        assert_eq!(d["line"].as_u64(), Some(offset + line), "{yaml}: {json}");
        assert!(d.to_string().contains(says), "{yaml}: {json}");
    }
}

#[test]
fn a_site_with_several_tools_shows_the_tool_layer() {
    let site = SiteTest::repo_site();
    site.build_ok();
    let page = site.page("claude-code/529-overloaded/index.html");
    assert_eq!(
        page.all("nav.breadcrumbs li"),
        ["Claude Code", "AI Coding Tools"]
    );
    assert!(page.count("nav[aria-label=Tools] li") > 1);
    assert_eq!(page.attr("html", "lang"), ["en"]);
    let home = site.page("index.html");
    assert!(home.text(".cards").contains("Claude Code"));
    let search = site.page("search/index.html");
    assert_eq!(search.count("select[name=tool]"), 1);
}

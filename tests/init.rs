//! `errdex init`: a new site that checks, builds and serves at once, and a folder that is not
//! empty left alone.

use crate::harness::SiteTest;

const STARTER: [&str; 5] = [
    "site.yaml",
    ".gitignore",
    "content/http/_section.yaml",
    "content/http/404-not-found.md",
    ".github/workflows/errdex.yml",
];

#[test]
fn a_new_site_checks_builds_and_serves_at_once() {
    let site = SiteTest::empty();
    let run = site.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in STARTER {
        assert!(site.path(file).is_file(), "{file} missing");
        assert!(run.stdout.contains(file), "{}", run.stdout);
    }
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    site.build_ok();
    let page = site.page("http/404-not-found/index.html");
    assert_eq!(page.text("h1"), "HTTP 404 Not Found");
    assert_eq!(page.count(".sources blockquote.quote"), 2);
    assert!(
        site.read("content/http/404-not-found.md")
            .contains("updated: 2026-12-02")
    );
    let server = crate::serve::start(&site);
    assert!(crate::serve::text(server.port, "/").contains("HTTP 404 Not Found"));
    // A folder named on the command line is created.
    let run = site.run(&["init", "deeper/site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.path("deeper/site/site.yaml").is_file());
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_force_overwrites_nothing() {
    let site = SiteTest::empty();
    site.write(
        "site.yaml",
        "title: Mine\nbase_url: https://mine.example/\n",
    );
    let run = site.run(&["init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(
        !site.path("content").exists(),
        "wrote something when refusing"
    );
    let run = site.run(&["init", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site.read("site.yaml"),
        "title: Mine\nbase_url: https://mine.example/\n"
    );
    assert!(run.stderr.contains("kept ./site.yaml"), "{}", run.stderr);
    assert!(site.path("content/http/404-not-found.md").is_file());
    // A second run changes nothing.
    let before = site.read("content/http/404-not-found.md");
    site.write(
        "content/http/404-not-found.md",
        &before.replace("Errors", "Mine"),
    );
    assert_eq!(site.run(&["init", "--force"]).code, 0);
    assert_eq!(
        site.read("content/http/404-not-found.md"),
        before.replace("Errors", "Mine")
    );
    // A file where the folder should be.
    site.write("a-file", "x");
    assert_eq!(site.run(&["init", "a-file"]).code, 2);
}

#[test]
fn new_outside_a_site_says_how_to_start_one() {
    let site = SiteTest::empty();
    let run = site.run(&["new", "tool/some-error"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("errdex init"), "{}", run.stderr);
    assert!(
        !site.path("content").exists(),
        "new wrote into a folder that is not a site"
    );
}

/// With --force in a folder whose `content` is a link to elsewhere, nothing is written through
/// it.
#[cfg(unix)]
#[test]
fn init_never_writes_through_a_linked_folder() {
    let site = SiteTest::empty();
    let outside = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(outside.path(), site.path("content")).expect("symlink");
    let run = site.run(&["init", "--force"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).expect("read").count(), 0);
}

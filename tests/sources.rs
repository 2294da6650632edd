//! Sources that stay true (issue 17): `quote` in the front matter and on the page, `errdex
//! sources` against a local HTTP server that stands in for the web, the lock file, and the
//! warnings `check` gives from it.

use crate::harness::SiteTest;

/// The fixture site with `quote:` lines added to the minimal entry's source.
fn with_quote(quote_yaml: &str) -> SiteTest {
    let site = SiteTest::fixture("basic");
    let path = "content/tool-a/minimal-entry.md";
    let text = site.read(path).replace(
        "    note: Shows the minimal error.\n",
        &format!("    note: Shows the minimal error.\n{quote_yaml}"),
    );
    site.write(path, &text);
    site
}

#[test]
fn a_quote_is_shown_under_its_source() {
    let site = with_quote(
        "    quote:\n      - 'The   minimal error\n        happens.'\n      - '<b>Both</b> & more'\n",
    );
    site.build_ok();
    let page = site.page("tool-a/minimal-entry/index.html");
    assert_eq!(
        page.all(".sources blockquote.quote p"),
        ["The minimal error happens.", "<b>Both</b> & more"]
    );
    assert_eq!(
        page.attr(".sources blockquote.quote", "cite"),
        ["https://example.org/docs/minimal"; 2]
    );
    // One quote may be written as a plain text.
    let site = with_quote("    quote: A single passage.\n");
    site.build_ok();
    let page = site.page("tool-a/minimal-entry/index.html");
    assert_eq!(
        page.all(".sources blockquote.quote p"),
        ["A single passage."]
    );
}

#[test]
fn bad_quotes_are_reported_at_the_source() {
    for (yaml, message) in [
        ("    quote: ''\n", "a quote is empty"),
        (
            &format!("    quote: '{}'\n", "y".repeat(301)) as &str,
            "a quote is 301 characters long (at most 300)",
        ),
        ("    quote: []\n", "a source takes 1 to 5 quotes, not 0"),
        (
            "    quote: [a, b, c, d, e, f]\n",
            "a source takes 1 to 5 quotes, not 6",
        ),
        ("    quote: \"bell \\a\"\n", "control character U+0007"),
        ("    quote: {a: b}\n", ""),
    ] {
        let site = with_quote(yaml);
        let (code, json) = site.check_json(&[]);
        assert_eq!(code, 1, "{yaml}");
        let d = &json["diagnostics"][0];
        if message.is_empty() {
            assert_eq!(d["code"], "E003", "{json:#}");
        } else {
            assert_eq!(d["code"], "E031", "{json:#}");
            assert!(
                d["message"].as_str().unwrap_or("").contains(message),
                "{json:#}"
            );
        }
        assert_eq!(d["path"], "content/tool-a/minimal-entry.md");
        assert!(d["line"].as_u64().unwrap_or(0) >= 13, "{json:#}");
    }
}

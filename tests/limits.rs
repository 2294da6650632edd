//! Hostile or huge input gives a diagnostic (or a build), never a panic, a hang or a memory blow-up.
//! No timing assertions here (timings are noisy); `errdex check` on each of these finishes well
//! under a second in release builds; see the closing note of the authoring issue for figures.

use crate::harness::{SiteTest, fixtures};

const ENTRY: &str = "content/tool-a/minimal-entry.md";

fn minimal() -> String {
    std::fs::read_to_string(fixtures().join("basic").join(ENTRY)).expect("fixture")
}

fn codes_of(site: &SiteTest) -> (i32, Vec<String>) {
    let (code, json) = site.check_json(&[]);
    let codes = json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| d["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    (code, codes)
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let mut bomb = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        bomb.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    bomb.push_str("---\n");
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &bomb);
    let (code, codes) = codes_of(&site);
    assert_eq!(code, 1);
    assert!(codes.iter().any(|c| c == "E023"), "{codes:?}");
}

#[test]
fn ten_thousand_deep_nesting_is_refused() {
    let deep = format!(
        "---\ntitle: {}x{}\n---\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &deep);
    let (code, codes) = codes_of(&site);
    assert_eq!(code, 1);
    assert!(codes.iter().any(|c| c == "E023"), "{codes:?}");

    let block = {
        let mut s = String::from("---\ntitle:\n");
        for depth in 1..10_000 {
            s.push_str(&" ".repeat(depth));
            s.push_str("a:\n");
        }
        s.push_str("---\n");
        s
    };
    site.write(ENTRY, &block);
    let (code, codes) = codes_of(&site);
    assert_eq!(code, 1);
    assert!(!codes.is_empty());
}

#[test]
fn a_ten_megabyte_entry_builds() {
    let paragraph = "Line of prose with a [link](https://example.org/) and `code` in it, number ";
    let mut body = String::with_capacity(10_500_000);
    let mut n = 0;
    while body.len() < 10_000_000 {
        body.push_str(paragraph);
        body.push_str(&n.to_string());
        body.push_str(".\n\n");
        n += 1;
    }
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, &format!("{}{}", minimal(), body));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.read("public/tool-a/minimal-entry/index.html").len() > 10_000_000);
}

/// Checks `text` as the minimal entry: one error, reported at `at`, without echoing the long line.
fn assert_short_diagnostic(text: &str, at: &str) {
    let site = SiteTest::fixture("basic");
    site.write(ENTRY, text);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    let head = &run.stderr[..run.stderr.len().min(2000)];
    assert!(run.stderr.contains(at), "{head}");
    assert!(
        run.stderr.len() < 5_000,
        "{} bytes of output",
        run.stderr.len()
    );
}

#[test]
fn a_one_megabyte_line_gives_a_short_diagnostic() {
    let long = "x".repeat(1_000_000);
    let title = format!("title: {long}\nsumary: oops");
    assert_short_diagnostic(
        &minimal().replace("title: Tool A minimal entry", &title),
        "minimal-entry.md:3:1",
    );
    let body = format!("{long} [x](/tool-a/nope/)");
    assert_short_diagnostic(
        &minimal().replace("A minimal error.", &body),
        "minimal-entry.md:19:1000002",
    );
}

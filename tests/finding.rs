//! Finding the fix (issue 16): placeholders, several-line signatures and context lines in the
//! front matter; confidence, phrases and tool words in search; logs as they are in `match`;
//! what a reader sees of them on the pages. A small fixture site of its own, written here.

use crate::harness::SiteTest;

/// One entry's file: the given front-matter lines (signature, variants, context...) plus the
/// required rest.
fn entry(title: &str, fields: &str) -> String {
    format!(
        "---\ntitle: '{title}'\nsummary: A test entry.\n{fields}\nquick_fix: Run `fix-it` again.\n\
         updated: 2026-11-01\ncauses:\n  - Something broke.\nquick_fixes:\n  - Run `fix-it`.\n\
         sources:\n  - url: https://example.org/docs\n    title: Docs\n    note: Shows it.\n---\n\n\
         ## What this error means\n\nIt failed.\n"
    )
}

/// A site with two tools whose errors share words, so ranking, confidence and `match` have
/// neighbours to tell apart.
fn site() -> SiteTest {
    let site = SiteTest::fixture("basic");
    for (tool, title) in [("alpha", "Alpha CLI"), ("beta", "Beta Agent")] {
        site.write(
            &format!("content/{tool}/_section.yaml"),
            &format!("title: {title}\ndefaults:\n  category: Test Tools\n"),
        );
    }
    let entries = [
        (
            "alpha/mcp-connection-closed",
            "Alpha: MCP server connection closed",
            "signature: 'MCP server \"{{server}}\" failed: MCP error -32000: Connection closed'\nvariants:\n  - 'Reconnecting... {{attempt}}/{{max}}'\n  - Disconnected",
        ),
        (
            "alpha/upstream-missing",
            "Alpha: the branch has no upstream",
            "signature: |\n  fatal: The current branch {{branch}} has no upstream branch.\n  To push the current branch and set the remote as upstream, use\nvariants:\n  - Unpublished\ncontext:\n  - 'git push --set-upstream origin {{branch}}'",
        ),
        (
            "alpha/invalid-api-key",
            "Alpha: invalid API key",
            "signature: 'Invalid API key · Fix external API key'",
        ),
        (
            "alpha/oauth-expired",
            "Alpha: OAuth token expired",
            "signature: 'API Error: 401 OAuth token has expired · Please run /login'\ncode: '401'",
        ),
        (
            "beta/usage-limit",
            "Beta: usage limit reached",
            "signature: 'You have hit your usage limit for Beta. Upgrade to continue.'",
        ),
        (
            "alpha/usage-limit",
            "Alpha: usage limit reached",
            "signature: 'Alpha usage limit reached · resets at {{time}}'",
        ),
    ];
    for (id, title, fields) in entries {
        site.write(&format!("content/{id}.md"), &entry(title, fields));
    }
    site
}

fn search_json(site: &SiteTest, query: &str) -> (i32, Vec<serde_json::Value>) {
    let run = site.run(&["search", "--format", "json", "--limit", "5", query]);
    let results: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", run.stdout, run.stderr));
    (run.code, results.as_array().cloned().unwrap_or_default())
}

fn first(results: &[serde_json::Value]) -> (String, bool) {
    let r = results.first().expect("a result");
    (
        r["id"].as_str().unwrap_or("").to_string(),
        r["confident"]
            .as_bool()
            .expect("every result says `confident`"),
    )
}

#[test]
fn the_fixture_site_is_clean() {
    let run = site().run(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_placeholder_stands_for_any_value_in_search() {
    let site = site();
    let line =
        r#"MCP server "github-enterprise-tools" failed: MCP error -32000: Connection closed"#;
    let (code, results) = search_json(&site, line);
    assert_eq!(code, 0);
    assert_eq!(
        first(&results),
        ("alpha/mcp-connection-closed".to_string(), true)
    );
    for r in &results[1..] {
        assert_eq!(r["confident"], false, "only the first can be the answer");
    }
}

#[test]
fn an_error_no_page_covers_is_not_answered_confidently() {
    let site = site();
    let run = site.run(&[
        "search",
        "Segmentation fault (core dumped) in libfoo while loading",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (_, results) = search_json(&site, "bash: cannot execute binary file: Exec format error");
    assert!(
        results.iter().all(|r| r["confident"] == false),
        "{results:?}"
    );
    // Sharing a few words with a page is not enough either.
    let run = site.run(&[
        "search",
        "Connection refused while the usage meter was closed",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("No known error matches this confidently. The closest pages:"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_phrase_beats_the_same_words_scattered() {
    let site = site();
    // Every word of the invalid-key signature, most of them also on the OAuth page, in order.
    let (_, results) = search_json(&site, "Invalid API key · Fix external API key");
    assert_eq!(first(&results), ("alpha/invalid-api-key".to_string(), true));
    let (_, results) = search_json(
        &site,
        "API Error: 401 OAuth token has expired · Please run /login (invalid key?)",
    );
    assert_eq!(first(&results), ("alpha/oauth-expired".to_string(), true));
}

#[test]
fn a_tool_named_in_the_query_favours_its_pages() {
    let site = site();
    let (_, alpha) = search_json(&site, "usage limit reached alpha");
    assert_eq!(first(&alpha).0, "alpha/usage-limit");
    let (_, beta) = search_json(&site, "usage limit reached beta");
    assert_eq!(first(&beta).0, "beta/usage-limit");
    // Favoured, not required: the other tool's page is still listed.
    assert!(
        beta.iter().any(|r| r["id"] == "alpha/usage-limit"),
        "{beta:?}"
    );
}

#[test]
fn a_signature_block_is_matched_line_by_line_and_shown_whole() {
    let site = site();
    site.write(
        "push.log",
        "$ git push\nfatal: The current branch feature/login has no upstream branch.\n",
    );
    let run = site.run(&["match", "push.log", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("alpha/upstream-missing"),
        "{}",
        run.stdout
    );

    site.build_ok();
    let page = site.page("alpha/upstream-missing/index.html");
    let sig = page.html("code.signature");
    assert!(
        sig.contains("has no upstream branch.\nTo push the current branch"),
        "{sig}"
    );
    assert!(
        sig.contains(r#"<var class="placeholder">branch</var>"#),
        "{sig}"
    );
    let page = site.page("alpha/mcp-connection-closed/index.html");
    let variants = page.html("details.variants");
    assert!(
        variants.contains(r#"Reconnecting... <var class="placeholder">attempt</var>/<var class="placeholder">max</var>"#),
        "{variants}"
    );
}

fn matched_ids(site: &SiteTest, log: &str) -> Vec<String> {
    site.write_bytes("ci.log", log.as_bytes());
    let run = site.run(&["match", "ci.log", "--format", "json"]);
    let found: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    found
        .as_array()
        .expect("array")
        .iter()
        .map(|m| format!("{}@{}", m["id"].as_str().unwrap_or(""), m["line"]))
        .collect()
}

#[test]
fn match_reads_logs_as_they_are() {
    let site = site();
    // Wrapped over two lines by the terminal, with a CI prefix.
    let wrapped = "2026-12-01T10:00:00Z ##[error]MCP server \"docs\" failed: MCP error\n\
                   2026-12-01T10:00:00Z -32000: Connection closed\nnext step\n";
    assert_eq!(
        matched_ids(&site, wrapped),
        ["alpha/mcp-connection-closed@1"]
    );
    // JSON-escaped, inside a structured log line, with CRLF line ends.
    let json = "{\"level\":\"error\",\"msg\":\"MCP server \\\"x\\\" failed: MCP error -32000: Connection closed\"}\r\nok\r\n";
    assert_eq!(matched_ids(&site, json), ["alpha/mcp-connection-closed@1"]);
    // Coloured.
    let ansi = "\u{1b}[31mInvalid API key\u{1b}[0m · \u{1b}[1mFix external API key\u{1b}[0m\n";
    assert_eq!(matched_ids(&site, ansi), ["alpha/invalid-api-key@1"]);
    // A variant with its changing count.
    assert_eq!(
        matched_ids(&site, "Reconnecting... 4/5\n"),
        ["alpha/mcp-connection-closed@1"]
    );
}

#[test]
fn short_variants_and_context_lines_never_match_alone() {
    let site = site();
    // A one-word variant on its own line, and in ordinary prose.
    assert!(matched_ids(&site, "Disconnected\nthe VPN disconnected twice\n").is_empty());
    // The tool's own fix being run is not the error.
    let fix = "$ git push --set-upstream origin feature/login\nbranch set up to track\n";
    assert!(matched_ids(&site, fix).is_empty());
    // A short variant with a context line close by: the page is shown.
    let both = "Unpublished\nhint: git push --set-upstream origin main\n";
    assert_eq!(matched_ids(&site, both), ["alpha/upstream-missing@1"]);
    let run = site.run(&["match", "ci.log"]);
    assert_eq!(run.code, 0);
}

#[test]
fn a_bad_placeholder_is_reported_where_it_is_written() {
    let site = site();
    site.write(
        "content/alpha/bad.md",
        &entry(
            "Bad",
            "signature: 'Server {{ two words }} failed'\nvariants:\n  - '{{count}}/{{max}}'\ncontext:\n  - 'see {{'",
        ),
    );
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 1);
    let diags: Vec<(String, String, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "E030")
        .map(|d| {
            (
                d["message"].as_str().unwrap_or("").to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(diags.len(), 3, "{json:#}");
    assert!(
        diags[0].0.contains("`signature`") && diags[0].2 == 4,
        "{diags:?}"
    );
    assert!(diags[1].0.contains("only placeholders"), "{diags:?}");
    assert!(diags[2].0.contains("`context`"), "{diags:?}");
    assert!(diags.iter().all(|d| d.1 == "content/alpha/bad.md"));
}

#[test]
fn a_word_of_the_prose_finds_its_page() {
    let site = site();
    site.write(
        "content/beta/prose.md",
        &entry(
            "Beta: quota warning",
            "signature: 'Quota warning: 90% used'",
        )
        .replace("It failed.", "It failed during unattended overnight runs."),
    );
    // Another page names the word in a searched field, so it is in the vocabulary.
    site.write(
        "content/beta/batch.md",
        &entry(
            "Beta: batch stopped",
            "signature: 'Batch stopped'\ntags: [unattended]",
        ),
    );
    let (_, results) = search_json(&site, "unattended");
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.first(), Some(&"beta/batch"), "{ids:?}");
    assert!(ids.contains(&"beta/prose"), "{ids:?}");
}

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

/// A web of fixture pages on 127.0.0.1, one route per kind of answer `errdex sources` must
/// judge. Each connection gets one response and is closed.
struct Web {
    base: String,
}

const QUOTE: &str = "The API is temporarily overloaded.";

fn html(body: &str) -> Vec<u8> {
    format!("<!doctype html><html><head><title>Errors</title><script>var x = \"{QUOTE}\";</script></head><body><main><h1>Errors</h1>{body}</main></body></html>").into_bytes()
}

fn respond(
    stream: &mut std::net::TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) {
    use std::io::Write as _;
    let mut head = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

impl Web {
    fn start() -> Web {
        use std::collections::HashMap;
        use std::io::{BufRead, BufReader};
        use std::sync::{Arc, Mutex};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let hits = Arc::clone(&hits);
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                    let mut first = String::new();
                    if reader.read_line(&mut first).is_err() {
                        return;
                    }
                    let mut agent = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        if line.to_ascii_lowercase().starts_with("user-agent:") {
                            agent = line;
                        }
                    }
                    let target = first.split(' ').nth(1).unwrap_or("/");
                    let path = target.split('?').next().unwrap_or("/").to_string();
                    let n = {
                        let mut h = hits.lock().expect("lock");
                        let n = h.entry(target.to_string()).or_default();
                        *n += 1;
                        *n
                    };
                    let ok = html(&format!(
                        "<p>{}</p>",
                        QUOTE.replace("temporarily", "<b>temporarily</b>\n  ")
                    ));
                    let type_html = ("Content-Type", "text/html; charset=utf-8".to_string());
                    match path.as_str() {
                        "/ok" | "/target" => respond(&mut stream, "200 OK", &[type_html], &ok),
                        "/agent" => {
                            // Answers only a descriptive User-Agent.
                            if agent.contains("errdex/") {
                                respond(&mut stream, "200 OK", &[type_html], &ok)
                            } else {
                                respond(&mut stream, "403 Forbidden", &[], b"")
                            }
                        }
                        "/no-quote" => respond(
                            &mut stream,
                            "200 OK",
                            &[type_html],
                            &html("<p>Rewritten.</p>"),
                        ),
                        "/moved" => respond(
                            &mut stream,
                            "301 Moved Permanently",
                            &[("Location", "/target".into())],
                            b"",
                        ),
                        "/chain" => respond(
                            &mut stream,
                            "302 Found",
                            &[("Location", "/chain-2".into())],
                            b"",
                        ),
                        "/chain-2" => respond(
                            &mut stream,
                            "307 Temporary Redirect",
                            &[("Location", "/ok".into())],
                            b"",
                        ),
                        "/loop-a" => respond(
                            &mut stream,
                            "302 Found",
                            &[("Location", "/loop-b".into())],
                            b"",
                        ),
                        "/loop-b" => respond(
                            &mut stream,
                            "302 Found",
                            &[("Location", "/loop-a".into())],
                            b"",
                        ),
                        "/gone-404" => respond(&mut stream, "404 Not Found", &[], b"no"),
                        "/gone-410" => respond(&mut stream, "410 Gone", &[], b"no"),
                        "/busy" if n == 1 => respond(
                            &mut stream,
                            "429 Too Many Requests",
                            &[("Retry-After", "1".into())],
                            b"",
                        ),
                        "/down" if n == 1 => {
                            respond(&mut stream, "503 Service Unavailable", &[], b"")
                        }
                        "/busy" | "/down" => respond(&mut stream, "200 OK", &[type_html], &ok),
                        "/slow" => {
                            std::thread::sleep(std::time::Duration::from_secs(3));
                            respond(&mut stream, "200 OK", &[type_html], &ok)
                        }
                        "/huge" => {
                            let mut body = ok.clone();
                            body.extend(std::iter::repeat_n(b'x', 9 * 1024 * 1024));
                            respond(
                                &mut stream,
                                "200 OK",
                                &[("Content-Type", "text/plain".into())],
                                &body,
                            )
                        }
                        "/latin1" => respond(
                            &mut stream,
                            "200 OK",
                            &[("Content-Type", "text/html; charset=iso-8859-1".into())],
                            b"<html><body><p>Caf\xe9 cr\xe8me is served.</p></body></html>",
                        ),
                        "/plain.txt" => respond(
                            &mut stream,
                            "200 OK",
                            &[("Content-Type", "text/plain".into())],
                            QUOTE.as_bytes(),
                        ),
                        "/doc.md" => respond(
                            &mut stream,
                            "200 OK",
                            &[("Content-Type", "text/markdown".into())],
                            b"* 529 - `overloaded_error`: The API is **temporarily** overloaded.",
                        ),
                        "/gzip" => {
                            use std::io::Write as _;
                            let mut gz = flate2::write::GzEncoder::new(
                                Vec::new(),
                                flate2::Compression::default(),
                            );
                            let _ = gz.write_all(&ok);
                            let body = gz.finish().expect("gzip");
                            respond(
                                &mut stream,
                                "200 OK",
                                &[type_html, ("Content-Encoding", "gzip".into())],
                                &body,
                            )
                        }
                        _ => respond(&mut stream, "404 Not Found", &[], b""),
                    }
                });
            }
        });
        Web { base }
    }
}

/// The fixture site with one entry per route, each citing it with `quote`.
fn cited_site(web: &Web, routes: &[(&str, &str)]) -> SiteTest {
    let site = SiteTest::fixture("basic");
    // Only these entries: the fixture's own cite example.org, which no test may reach.
    for own in ["full-entry", "minimal-entry"] {
        std::fs::remove_file(site.path(&format!("content/tool-a/{own}.md"))).expect("remove");
    }
    for (i, (route, quote)) in routes.iter().enumerate() {
        let url = if route.starts_with("http") {
            route.to_string()
        } else {
            format!("{}{route}", web.base)
        };
        site.write(
            &format!("content/tool-a/source-{i}.md"),
            &format!(
                "---\ntitle: Source {i}\nsummary: Cites {route}.\nsignature: 'Error: source {i} test'\n\
                 quick_fix: Try again.\nupdated: 2026-11-01\ncauses:\n  - Something.\nquick_fixes:\n  - Again.\n\
                 sources:\n  - url: {url}\n    title: Page {i}\n    note: Shows it.\n    quote: '{quote}'\n---\n\n\
                 ## What this error means\n\nIt failed.\n"
            ),
        );
    }
    site
}

const ROUTES: [(&str, &str, &str); 17] = [
    ("/ok", QUOTE, "ok"),
    ("/agent", QUOTE, "ok"),
    ("/no-quote", QUOTE, "quote-missing"),
    ("/moved", QUOTE, "moved"),
    ("/chain", QUOTE, "ok"),
    ("/loop-a", QUOTE, "dead"),
    ("/gone-404", QUOTE, "dead"),
    ("/gone-410", QUOTE, "dead"),
    ("/busy", QUOTE, "ok"),
    ("/down", QUOTE, "ok"),
    ("/slow", QUOTE, "dead"),
    ("/huge", QUOTE, "ok"),
    ("/latin1", "café CRÈME is served", "ok"),
    ("/plain.txt", QUOTE, "ok"),
    (
        "/doc.md",
        "overloaded_error: The API is temporarily overloaded.",
        "ok",
    ),
    ("/gzip", QUOTE, "ok"),
    ("http://errdex-fixture.invalid/page", QUOTE, "dead"),
];

fn verdicts(run: &crate::harness::Run) -> std::collections::BTreeMap<String, (String, String)> {
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", run.stdout, run.stderr));
    json["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            let r = &s["record"];
            (
                s["url"].as_str().unwrap_or("").to_string(),
                (
                    r["verdict"].as_str().unwrap_or("").to_string(),
                    r["cause"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn every_kind_of_answer_gets_its_verdict_and_the_lock_file_is_stable() {
    let web = Web::start();
    let routes: Vec<(&str, &str)> = ROUTES.iter().map(|(r, q, _)| (*r, *q)).collect();
    let site = cited_site(&web, &routes);
    let args = ["sources", "--format", "json", "--timeout", "1s"];
    let run = site.run(&args);
    assert_eq!(run.code, 1, "dead sources fail the run: {}", run.stderr);
    let found = verdicts(&run);
    for (route, _, want) in ROUTES {
        let url = if route.starts_with("http") {
            route.to_string()
        } else {
            format!("{}{route}", web.base)
        };
        let (verdict, cause) = found
            .get(&url)
            .unwrap_or_else(|| panic!("{url} missing: {found:?}"));
        assert_eq!(verdict, want, "{route}: {cause}");
    }
    let cause = |route: &str| found[&format!("{}{route}", web.base)].1.clone();
    assert!(
        cause("/loop-a").contains("redirect loop"),
        "{}",
        cause("/loop-a")
    );
    assert!(cause("/gone-404").contains("HTTP 404"));
    assert!(cause("/gone-410").contains("HTTP 410"));
    assert!(cause("/slow").contains("timed out"), "{}", cause("/slow"));
    assert!(cause("/huge").contains("only its start was read"));
    let dns = &found["http://errdex-fixture.invalid/page"].1;
    assert!(
        dns.contains("DNS") || dns.contains("resolve") || dns.contains("lookup"),
        "{dns}"
    );

    let lock = site.read("sources.lock");
    let json: serde_json::Value = serde_json::from_str(&lock).expect("lock is JSON");
    let moved = &json["sources"][format!("{}/moved", web.base)];
    assert_eq!(moved["moved_to"], format!("{}/target", web.base));
    assert_eq!(moved["verified"], "2026-12-02");
    assert_eq!(
        json["sources"][format!("{}/no-quote", web.base)]["quotes"][QUOTE],
        false
    );

    // Again: the same answers give the same file, byte for byte.
    let again = site.run(&args);
    assert_eq!(again.code, 1);
    assert_eq!(site.read("sources.lock"), lock);
    // Within --max-age nothing is fetched, and nothing changes.
    let recent = site.run(&["sources", "--format", "json", "--max-age", "7d"]);
    let summary: serde_json::Value = serde_json::from_str(&recent.stdout).expect("json");
    assert_eq!(summary["summary"]["fetched"], 0, "{}", recent.stdout);
    assert_eq!(site.read("sources.lock"), lock);
}

#[test]
fn check_warns_at_the_source_and_the_page_says_verified() {
    let web = Web::start();
    let site = cited_site(
        &web,
        &[
            ("/ok", QUOTE),
            ("/no-quote", QUOTE),
            ("/gone-404", QUOTE),
            ("/moved", QUOTE),
        ],
    );
    let run = site.run(&["sources"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("wrote sources.lock"), "{}", run.stderr);
    let (code, json) = site.check_json(&[]);
    assert_eq!(code, 0, "warnings only: {json:#}");
    let found: Vec<(String, String, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Each at the line of its source's `url` (line 12 of these files).
    assert!(
        found.contains(&("W009".into(), "content/tool-a/source-1.md".into(), 12)),
        "{found:?}"
    );
    assert!(
        found.contains(&("W007".into(), "content/tool-a/source-2.md".into(), 12)),
        "{found:?}"
    );
    assert!(
        found.contains(&("W008".into(), "content/tool-a/source-3.md".into(), 12)),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(site.check_json(&["--strict"]).0, 1);
    let github = site.run(&["check", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("::warning file=content/tool-a/source-2.md,line=12,"),
        "{}",
        github.stdout
    );

    site.build_ok();
    let ok = site.page("tool-a/source-0/index.html");
    assert_eq!(ok.text(".sources .checked"), "Verified 2 December 2026");
    let missing = site.page("tool-a/source-1/index.html");
    assert_eq!(
        missing.count(".sources .checked"),
        0,
        "a page that lost its quote is not verified"
    );
}

#[test]
fn sources_check_writes_nothing_and_only_narrows_the_run() {
    let web = Web::start();
    let site = cited_site(&web, &[("/ok", QUOTE), ("/gone-404", QUOTE)]);
    let run = site.run(&["sources", "check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(
        !site.path("sources.lock").exists(),
        "`sources check` wrote the lock"
    );
    let only = format!("{}/ok*", web.base);
    let run = site.run(&["sources", "--only", &only, "--format", "json"]);
    assert_eq!(run.code, 0, "only the live page: {}", run.stdout);
    let lock = site.read("sources.lock");
    assert!(
        lock.contains("/ok\"") && !lock.contains("gone-404"),
        "{lock}"
    );
    // Usage errors: exit 2.
    assert_eq!(site.run(&["sources", "--max-age", "soon"]).code, 2);
    assert_eq!(site.run(&["sources", "--only", "[unclosed"]).code, 2);
}

#[test]
fn a_spent_time_budget_leaves_the_rest_unchecked() {
    let web = Web::start();
    let site = cited_site(
        &web,
        &[
            ("/slow", QUOTE),
            ("/slow?2", QUOTE),
            ("/slow?3", QUOTE),
            ("/slow?4", QUOTE),
            ("/slow?5", QUOTE),
        ],
    );
    let started = std::time::Instant::now();
    let run = site.run(&[
        "sources",
        "--format",
        "json",
        "--timeout",
        "5s",
        "--budget",
        "1s",
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    // The slow host takes two at a time: those answer within their timeout, the rest are left.
    assert_eq!(json["summary"]["fetched"], 2, "{json:#}");
    assert_eq!(json["summary"]["skipped"], 3, "{json:#}");
    assert_eq!(run.code, 0, "unchecked is not dead: {}", run.stdout);
}

#[cfg(unix)]
#[test]
fn the_lock_file_is_replaced_never_written_through_a_link() {
    let web = Web::start();
    let site = cited_site(&web, &[("/ok", QUOTE)]);
    let outside = tempfile::tempdir().expect("tempdir");
    let target = outside.path().join("victim.txt");
    std::fs::write(&target, "keep me").expect("write");
    std::os::unix::fs::symlink(&target, site.path("sources.lock")).expect("symlink");
    let run = site.run(&["sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me");
    let meta = std::fs::symlink_metadata(site.path("sources.lock")).expect("lock");
    assert!(
        meta.file_type().is_file(),
        "the link was replaced by the lock file"
    );
}

#[test]
fn on_a_terminal_the_bar_counts_the_urls_and_names_the_host() {
    let web = Web::start();
    let site = cited_site(&web, &[("/ok", QUOTE), ("/plain.txt", QUOTE)]);
    let Some(run) = site.run_pty(&["sources"], &[("ERRDEX_PROGRESS_DELAY_MS", "0")]) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = &run.stderr;
    assert!(shown.contains("checking sources ["), "{shown:?}");
    assert!(shown.contains("/2 127.0.0.1"), "{shown:?}");
    // Cleared before the list and the summary, which read as without a bar.
    let last = shown.rsplit("\x1b[2K").next().unwrap_or_default();
    assert!(last.starts_with("ok "), "{shown:?}");
    assert!(
        last.contains("\r\n2 sources (2 fetched, 0 skipped)"),
        "{shown:?}"
    );
}

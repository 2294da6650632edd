//! `errdex serve`: incremental rebuilds equal a full build byte for byte; the real server
//! reloads, shows problems, recovers, and serves only the site's own files.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use errdex::serve::rebuild::{Change, Rebuild};
use errdex::site::LoadOptions;

use crate::harness::SiteTest;

fn load() -> LoadOptions {
    LoadOptions {
        drafts: false,
        base_url: Some("http://localhost/".into()),
        today: "2026-12-02".parse().ok(),
        ..LoadOptions::default()
    }
}

/// Writes a file and tells the rebuild about it, as the watcher would.
fn edit(site: &SiteTest, rebuild: &mut Rebuild, rel: &str, text: Option<&str>) -> Change {
    let path = site.root().canonicalize().expect("root").join(rel);
    match text {
        Some(t) => site.write(rel, t),
        None => {
            std::fs::remove_file(&path).expect("remove");
            site
        }
    };
    let change = rebuild.update(&[path], &mut |_, _| {});
    rebuild.refresh_search();
    change
}

fn assert_same_as_full_build(site: &SiteTest, rebuild: &Rebuild, step: &str) {
    // A full check of the same files that keeps its pages (`errdex::check` only counts them).
    let project = errdex::config::Project::new(site.root().canonicalize().expect("root"));
    let (full, _) = errdex::check_cached(&project, &load(), &mut Default::default());
    assert!(!full.has_errors(), "{step}: {:?}", full.diagnostics);
    let incremental: Vec<(&String, &Vec<u8>)> =
        rebuild.pages.iter().map(|(k, v)| (k, &**v)).collect();
    let fresh: Vec<(&String, &Vec<u8>)> =
        full.pages.iter().map(|p| (&p.path, &p.content)).collect();
    let paths = |v: &[(&String, &Vec<u8>)]| v.iter().map(|(p, _)| (*p).clone()).collect::<Vec<_>>();
    assert_eq!(
        paths(&incremental),
        paths(&fresh),
        "{step}: different files"
    );
    for ((path, a), (_, b)) in incremental.iter().zip(&fresh) {
        assert!(a == b, "{step}: {path} differs from a full build");
    }
    assert_eq!(
        rebuild.diagnostics, full.diagnostics,
        "{step}: diagnostics differ"
    );
}

#[test]
fn incremental_rebuilds_equal_a_full_build_after_a_series_of_edits() {
    let site = SiteTest::fixture("basic");
    let mut rebuild = Rebuild::new(site.root(), load());
    assert!(!rebuild.failed(), "{:?}", rebuild.diagnostics);
    let minimal = site.read("content/tool-a/minimal-entry.md");

    // A quick fix: only that page (and the search index) is rendered again, and a warning
    // (a placeholder) appears as a full check would report it.
    let placeholder = minimal.replace(
        "quick_fix: Try again.",
        "quick_fix: 'TODO: the first thing to try'",
    );
    let change = edit(
        &site,
        &mut rebuild,
        "content/tool-a/minimal-entry.md",
        Some(&placeholder),
    );
    assert_eq!(
        change,
        Change::Pages(vec!["tool-a/minimal-entry/index.html".into()])
    );
    assert!(
        rebuild
            .diagnostics
            .iter()
            .any(|d| d.problem.code().0 == "W004")
    );
    assert_same_as_full_build(&site, &rebuild, "placeholder");
    let change = edit(
        &site,
        &mut rebuild,
        "content/tool-a/minimal-entry.md",
        Some(&minimal.replace("quick_fix: Try again.", "quick_fix: Try again, once.")),
    );
    assert_eq!(
        change,
        Change::Pages(vec!["tool-a/minimal-entry/index.html".into()])
    );
    assert_same_as_full_build(&site, &rebuild, "quick fix");

    // A title shows on other pages: those pages (its tool's and category's lists, the home page,
    // the entries that list it as related), not the whole site.
    let retitled = minimal.replace(
        "title: Tool A minimal entry",
        "title: Tool A minimal entry, renamed",
    );
    match edit(
        &site,
        &mut rebuild,
        "content/tool-a/minimal-entry.md",
        Some(&retitled),
    ) {
        Change::Pages(p) => {
            for page in [
                "tool-a/minimal-entry/index.html",
                "tool-a/full-entry/index.html",
                "tool-a/index.html",
                "index.html",
            ] {
                assert!(p.contains(&page.to_string()), "{page} not rendered: {p:?}");
            }
            assert!(!p.contains(&"kind/auth/index.html".to_string()), "{p:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_same_as_full_build(&site, &rebuild, "title");

    // A new code: its page appears, so the whole site; and back.
    let coded = retitled.replace(
        "quick_fix: Try again.",
        "code: \"418\"\nquick_fix: Try again.",
    );
    assert_eq!(
        edit(
            &site,
            &mut rebuild,
            "content/tool-a/minimal-entry.md",
            Some(&coded)
        ),
        Change::Site
    );
    assert_same_as_full_build(&site, &rebuild, "new code");
    assert_eq!(
        edit(
            &site,
            &mut rebuild,
            "content/tool-a/minimal-entry.md",
            Some(&retitled)
        ),
        Change::Site
    );
    assert_same_as_full_build(&site, &rebuild, "code removed");

    // A new entry, then a deleted one.
    let new = minimal
        .replace("Error: minimal", "Error: brand new")
        .replace("title: Tool A minimal entry", "title: Tool A new entry");
    assert_eq!(
        edit(
            &site,
            &mut rebuild,
            "content/tool-a/new-entry.md",
            Some(&new)
        ),
        Change::Site
    );
    assert_same_as_full_build(&site, &rebuild, "new entry");
    assert_eq!(
        edit(&site, &mut rebuild, "content/tool-a/new-entry.md", None),
        Change::Site
    );
    assert_same_as_full_build(&site, &rebuild, "deleted entry");

    // A template.
    let t = "{% extends \"base.html\" %}{% block content %}<h1>{{ heading }}!</h1>{% endblock %}";
    match edit(&site, &mut rebuild, "templates/list.html", Some(t)) {
        Change::Pages(p) => {
            assert!(p.contains(&"tool-a/index.html".to_string()), "{p:?}");
            assert!(
                !p.contains(&"tool-a/full-entry/index.html".to_string()),
                "{p:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_same_as_full_build(&site, &rebuild, "template");
    // A template error keeps the last good pages, then its fix renders again.
    let before = rebuild.pages.clone();
    let bad =
        "{% extends \"base.html\" %}{% block content %}{{ heading | nosuchfilter }}{% endblock %}";
    assert_eq!(
        edit(&site, &mut rebuild, "templates/list.html", Some(bad)),
        Change::Failed
    );
    assert_eq!(rebuild.pages, before);
    assert!(
        rebuild
            .diagnostics
            .iter()
            .any(|d| d.problem.code().0 == "E021")
    );
    edit(&site, &mut rebuild, "templates/list.html", Some(t));
    assert_same_as_full_build(&site, &rebuild, "template fixed");

    // A broken entry keeps the last good pages; fixing it brings the site back.
    let before = rebuild.pages.clone();
    assert_eq!(
        edit(
            &site,
            &mut rebuild,
            "content/tool-a/minimal-entry.md",
            Some("---\ntitle: [broken\n---\n")
        ),
        Change::Failed
    );
    assert!(rebuild.failed());
    assert_eq!(rebuild.pages, before);
    edit(
        &site,
        &mut rebuild,
        "content/tool-a/minimal-entry.md",
        Some(&retitled),
    );
    assert!(!rebuild.failed());
    assert_same_as_full_build(&site, &rebuild, "fixed");
}

/// A running `errdex serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(site: &SiteTest) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.root())
        .env("ERRDEX_TODAY", "2026-12-02")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start errdex serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut port_used = port;
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.strip_prefix("Serving on http://127.0.0.1:") {
            port_used = rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(port);
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        port: port_used,
    }
}

/// A raw HTTP/1.0 request: (status, headers, body).
fn get(port: u16, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    send(
        &mut s,
        &format!("{method} {path} HTTP/1.0\r\nHost: localhost\r\n\r\n"),
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        head,
        raw.get(split + 4..).unwrap_or_default().to_vec(),
    )
}

pub(crate) fn text(port: u16, path: &str) -> String {
    String::from_utf8_lossy(&get(port, "GET", path).2).into_owned()
}

/// Waits until `f` holds, or fails after `limit`.
fn eventually(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not happen within {limit:?}");
}

#[test]
fn the_server_reloads_shows_problems_and_recovers() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let page = "/tool-a/minimal-entry/";
    assert!(text(server.port, page).contains("Try again."));

    // Live reload: an event stream that says `reload` after a change.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    write!(
        events,
        "GET /__errdex/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .expect("send");
    events
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    while !line.starts_with(": connected") {
        line.clear();
        reader.read_line(&mut line).expect("stream");
    }
    let minimal = site.read("content/tool-a/minimal-entry.md");
    let saved = Instant::now();
    site.write(
        "content/tool-a/minimal-entry.md",
        &minimal.replace("quick_fix: Try again.", "quick_fix: Try once more."),
    );
    loop {
        line.clear();
        reader.read_line(&mut line).expect("an event within 10 s");
        if line.starts_with("event: reload") {
            break;
        }
    }
    assert!(
        saved.elapsed() < Duration::from_secs(5),
        "reload took {:?}",
        saved.elapsed()
    );
    assert!(text(server.port, page).contains("Try once more."));
    assert!(
        text(server.port, page).contains("/__errdex/events"),
        "the live-reload script is added"
    );

    // A broken file: the overlay names the file and line; the last good page keeps serving.
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    eventually(Duration::from_secs(10), "the problems overlay", || {
        text(server.port, page).contains("content/tool-a/minimal-entry.md:2:8")
    });
    assert!(text(server.port, page).contains("Try once more."));
    site.write("content/tool-a/minimal-entry.md", &minimal);
    eventually(Duration::from_secs(10), "recovery", || {
        let t = text(server.port, page);
        t.contains("Try again.") && t.contains("__errdexProblems = null")
    });
}

#[test]
fn the_server_serves_only_the_site_with_the_right_types_to_many_clients() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let port = server.port;
    for bad in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/content/tool-a/minimal-entry.md",
        "/site.yaml",
    ] {
        assert_eq!(get(port, "GET", bad).0, 404, "{bad}");
    }
    let (status, head, body) = get(port, "GET", "/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    let html = String::from_utf8_lossy(&body).into_owned();
    let css = html
        .split("href=\"/style.")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("stylesheet");
    let (_, head, _) = get(port, "GET", &format!("/style.{css}"));
    assert!(
        head.to_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    assert!(
        get(port, "GET", "/sitemap.xml")
            .1
            .to_lowercase()
            .contains("application/xml")
    );
    assert!(
        get(port, "GET", "/search/manifest.json")
            .1
            .to_lowercase()
            .contains("application/json")
    );
    let (status, _, body) = get(port, "HEAD", "/");
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(get(port, "GET", "/no/such/page/").0, 404);

    // Fifty clients at once, one of them holding the live-reload stream open.
    let _stream = TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
        write!(s, "GET /__errdex/events HTTP/1.1\r\nHost: x\r\n\r\n")?;
        Ok(s)
    });
    let started = Instant::now();
    let handles: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                get(
                    port,
                    "GET",
                    if i % 2 == 0 {
                        "/"
                    } else {
                        "/tool-a/full-entry/"
                    },
                )
                .0
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("client"), 200);
    }
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_site_broken_at_start_shows_its_problems_then_comes_up() {
    let site = SiteTest::fixture("basic");
    let good = site.read("content/tool-a/minimal-entry.md");
    site.write(
        "content/tool-a/minimal-entry.md",
        "---\ntitle: [broken\n---\n",
    );
    let server = start(&site);
    let (status, _, body) = get(server.port, "GET", "/");
    assert_eq!(status, 503);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("content/tool-a/minimal-entry.md:2:8"),
        "{body}"
    );
    assert!(body.contains("/__errdex/events"));
    site.write("content/tool-a/minimal-entry.md", &good);
    eventually(Duration::from_secs(10), "the site to come up", || {
        get(server.port, "GET", "/").0 == 200
    });
}

/// Reads one response from a kept-alive connection: (status, head, body). The body is as long
/// as `Content-Length` says (none for `HEAD`).
fn read_response(reader: &mut BufReader<TcpStream>, head_only: bool) -> (u16, String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("a response");
        assert!(
            n > 0,
            "the connection closed before a response; so far: {head}"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no Content-Length: {head}"));
    let mut body = vec![0; if head_only { 0 } else { length }];
    reader.read_exact(&mut body).expect("the body");
    (status, head, body)
}

/// Sends a request in one write (several small writes would wait on Nagle's algorithm).
fn send(s: &mut TcpStream, request: &str) {
    s.write_all(request.as_bytes()).expect("send");
}

fn connect(port: u16) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.set_nodelay(true).expect("nodelay");
    let reader = BufReader::new(s.try_clone().expect("clone"));
    (s, reader)
}

/// Whether the server has closed the connection (end of stream or reset) within `limit`.
fn closed_within(s: &mut TcpStream, limit: Duration) -> bool {
    s.set_read_timeout(Some(limit)).expect("timeout");
    let mut byte = [0u8; 1024];
    loop {
        match s.read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

/// The server's resident memory and thread count, from /proc (Linux only).
fn rss_and_threads(server: &Server) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("Threads:")?))
}

#[test]
fn requests_on_a_keep_alive_connection_are_fast_and_pipelining_works() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let (mut s, mut reader) = connect(server.port);
    // Warm up (the first page of a debug build is slower).
    send(&mut s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(read_response(&mut reader, false).0, 200);
    // Before: each request on a kept connection waited ~40 ms for a delayed ACK (head and
    // body written apart, Nagle on): 100 requests took over 4 s.
    let started = Instant::now();
    for i in 0..100 {
        let path = if i % 2 == 0 {
            "/"
        } else {
            "/tool-a/full-entry/"
        };
        send(&mut s, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"));
        let (status, head, body) = read_response(&mut reader, false);
        assert_eq!(status, 200, "{head}");
        assert!(!body.is_empty());
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "100 requests took {took:?}");

    // Pipelined: three requests in one write, three answers in order, on the same connection.
    send(
        &mut s,
        "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /no/such/ HTTP/1.1\r\nHost: x\r\n\r\nGET /sitemap.xml HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    let (status, head, _) = read_response(&mut reader, true);
    assert_eq!(status, 200, "{head}");
    assert_eq!(read_response(&mut reader, false).0, 404);
    let (status, _, body) = read_response(&mut reader, false);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<urlset"));
}

#[test]
fn http_1_0_keep_alive_is_answered_and_kept() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let (mut s, mut reader) = connect(server.port);
    // Before: the response never ended (no length, connection left open), so a client hung.
    for path in ["/", "/tool-a/minimal-entry/"] {
        send(
            &mut s,
            &format!("GET {path} HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"),
        );
        let (status, head, body) = read_response(&mut reader, false);
        assert_eq!(status, 200, "{head}");
        assert!(
            head.to_lowercase().contains("connection: keep-alive"),
            "{head}"
        );
        assert!(String::from_utf8_lossy(&body).contains("</html>"));
    }
    // Without keep-alive, HTTP/1.0 closes after the response, as does `Connection: close`.
    send(&mut s, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
    assert_eq!(read_response(&mut reader, false).0, 200);
    assert!(closed_within(&mut s, Duration::from_secs(2)));
    let (mut s, mut reader) = connect(server.port);
    send(
        &mut s,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(read_response(&mut reader, false).0, 200);
    assert!(closed_within(&mut s, Duration::from_secs(2)));
}

#[test]
fn request_heads_are_bounded() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let port = server.port;
    let before = rss_and_threads(&server);

    // A head of 64 KiB is refused with 431, and the connection closed.
    let (mut s, mut reader) = connect(port);
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let _ = s.write_all(big.as_bytes());
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    assert!(line.starts_with("HTTP/1.1 431 "), "{line:?}");
    assert!(closed_within(&mut s, Duration::from_secs(5)));
    // As are too many headers.
    let (mut s, mut reader) = connect(port);
    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    send(&mut s, &format!("GET / HTTP/1.1\r\n{many}\r\n"));
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    assert!(line.starts_with("HTTP/1.1 431 "), "{line:?}");

    // Before: 16 heads of 64 MB took 700 MB. Now 8 clients sending 16 MB of header each (as
    // fast as they can, until the server closes) leave the memory as it was.
    let senders: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
                    return;
                };
                let _ = s.set_write_timeout(Some(Duration::from_secs(10)));
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
                let chunk = vec![b'a'; 64 * 1024];
                for _ in 0..256 {
                    if s.write_all(&chunk).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    for h in senders {
        h.join().expect("sender");
    }
    if let (Some((rss_before, _)), Some((rss_after, _))) = (before, rss_and_threads(&server)) {
        assert!(
            rss_after < rss_before + 32 * 1024,
            "RSS grew from {rss_before} kB to {rss_after} kB"
        );
    }
    assert_eq!(get(port, "GET", "/").0, 200);
}

#[test]
fn idle_connections_are_bounded_and_closed() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let port = server.port;
    assert_eq!(get(port, "GET", "/").0, 200);
    let before = rss_and_threads(&server);

    // Before: a thread each, 5,000 of them took 1.3 GB. Now at most 128 are served at once;
    // 600 idle ones cost no more threads than that, and a page still loads among them.
    let mut idle: Vec<TcpStream> = (0..600)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    assert!(idle.len() > 500, "only {} connections opened", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    if let (Some((rss_before, threads_before)), Some((rss, threads))) =
        (before, rss_and_threads(&server))
    {
        assert!(
            threads < threads_before + 140,
            "{threads} threads (from {threads_before})"
        );
        assert!(
            rss < rss_before + 64 * 1024,
            "RSS grew from {rss_before} kB to {rss} kB"
        );
    }
    let started = Instant::now();
    assert_eq!(get(port, "GET", "/").0, 200);
    assert!(started.elapsed() < Duration::from_secs(2));

    // A client that sends its head one byte a second is cut off (head timeout, 10 s).
    let slow = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let started = Instant::now();
        for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if s.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1000));
        }
        started.elapsed()
    });

    // The newest idle connection is closed by the server after its idle timeout (5 s).
    let last = idle.last_mut().expect("a connection");
    let waited = Instant::now();
    assert!(closed_within(last, Duration::from_secs(15)));
    assert!(
        waited.elapsed() < Duration::from_secs(12),
        "{:?}",
        waited.elapsed()
    );
    let slow = slow.join().expect("slow client");
    assert!(
        slow > Duration::from_secs(8) && slow < Duration::from_secs(15),
        "slow client cut off after {slow:?}"
    );
}

#[test]
fn only_get_and_head_are_answered_and_post_opens_no_event_stream() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    for (method, path) in [
        ("POST", "/__errdex/events"),
        ("PUT", "/"),
        ("DELETE", "/index.html"),
        ("OPTIONS", "/__errdex/events"),
    ] {
        let started = Instant::now();
        let (status, head, _) = get(server.port, method, path);
        assert_eq!(status, 405, "{method} {path}: {head}");
        assert!(head.contains("Allow: GET, HEAD"), "{head}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{method} {path} took {:?}",
            started.elapsed()
        );
    }
    // A POST with a body is answered too (and the connection closed, the body unread).
    let (mut s, mut reader) = connect(server.port);
    send(
        &mut s,
        "POST /__errdex/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(read_response(&mut reader, false).0, 405);
    assert!(closed_within(&mut s, Duration::from_secs(2)));
    // HEAD of the event stream: its head, no stream.
    let started = Instant::now();
    let (status, head, body) = get(server.port, "HEAD", "/__errdex/events");
    assert_eq!((status, body.len()), (200, 0), "{head}");
    assert!(head.contains("text/event-stream"), "{head}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Ctrl-C ends the server with a word and status 0.
#[cfg(unix)]
#[test]
fn ctrl_c_says_goodbye() {
    let site = SiteTest::fixture("basic");
    let mut server = start(&site);
    assert!(text(server.port, "/").contains("<html"));
    let pid = rustix::process::Pid::from_child(&server.child);
    rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("SIGINT");
    let status = server.child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{status:?}");
}

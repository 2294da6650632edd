//! `errdex serve`: the site built in memory, served on loopback, rebuilt as files change.
//!
//! watch (notify, debounced) → [`Rebuild`] (only what a change touches) → HTTP
//! (`serve/http.rs`: std sockets and httparse, a thread per connection) + live reload over
//! Server-Sent Events. Pages get a small script, in serve only, that listens on
//! `/__errdex/events`: `reload` reloads keeping the scroll position; `problems` shows the
//! diagnostics (the terminal's text, file:line:col) as an overlay while the last good site
//! keeps serving; the next good build removes it.
//!
//! Only the site's own rendered files are served, from memory: a path is percent-decoded and
//! refused when it has `..`, a backslash or a NUL, so nothing on the disk is ever reachable.
//! Only `GET` and `HEAD` are answered (405 otherwise, the event stream included).
//!
//! What a client can make the server hold is bounded (`serve/http.rs` has the numbers): at
//! most 128 connections (a new one closes the one idle longest), a request head of at most
//! 32 KiB and 64 headers (431), 5 s to start a request and 10 s to send its head (408), 10 s
//! per blocked write. Responses go out in one write with `Content-Length` and `TCP_NODELAY`,
//! so keep-alive (HTTP/1.1, or HTTP/1.0 with `Connection: keep-alive`) costs no delayed-ACK
//! wait.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

pub mod rebuild;

use crate::diagnostic;
use crate::site::LoadOptions;
use rebuild::{Change, Rebuild};

mod http;

use http::{Reply, Response};

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "no free port from {first} to {last} on {bind} (is another server running? pass --port)"
    )]
    NoPort { bind: String, first: u16, last: u16 },
    #[error("cannot watch {path}: {detail}")]
    Watch { path: PathBuf, detail: String },
}

/// The served state: the last good pages, the current problems, and a version that every change
/// bumps (live-reload clients wait on it).
struct Shared {
    site: RwLock<Served>,
    version: Mutex<u64>,
    changed: Condvar,
}

struct Served {
    pages: std::collections::BTreeMap<String, Arc<Vec<u8>>>,
    /// The diagnostics as the terminal shows them, when the last change had errors.
    problems: Option<String>,
}

/// What the watch loop hears: file changes, or a search index built in the background.
enum Message {
    Files(notify_debouncer_mini::DebounceEventResult),
    Search(u64, Vec<crate::render::Page>),
}

/// The script added to pages in serve (never in build output).
const LIVE_RELOAD: &str = include_str!("livereload.js");

/// Ports tried after the requested one when it is taken.
const PORT_TRIES: u16 = 10;

/// Starts the server and blocks, rebuilding on changes, until the process is stopped.
pub fn serve(options: &ServeOptions, on_start: &dyn Fn(&str)) -> Result<(), ServeError> {
    let load = LoadOptions {
        drafts: options.drafts,
        // Links are root-relative; a site.yaml base_url with a path would not match the server.
        base_url: Some("http://localhost/".into()),
        today: None,
        // Rebuilds are short, and the log is the interface: no progress bar.
        progress: crate::progress::Progress::hidden(),
    };
    let watching = start_watching(&options.root)?;
    let started = Instant::now();
    let rebuild = Rebuild::new(&options.root, load);
    report(&rebuild, started.elapsed());
    let (listener, addr) = bind(options)?;
    let base_url = format!("http://{addr}/");
    let shared = Arc::new(Shared {
        site: RwLock::new(Served {
            pages: rebuild.pages.clone(),
            problems: problems_text(&rebuild),
        }),
        version: Mutex::new(0),
        changed: Condvar::new(),
    });
    {
        let shared = shared.clone();
        let handler: Arc<http::Handler> = Arc::new(move |target: &str| handle(target, &shared));
        std::thread::spawn(move || http::run(&listener, &handler));
    }
    on_start(&base_url);
    watch(watching, rebuild, &shared)
}

fn bind(options: &ServeOptions) -> Result<(TcpListener, SocketAddr), ServeError> {
    let last = options.port.saturating_add(PORT_TRIES);
    for port in options.port..=last {
        if let Ok(listener) = TcpListener::bind((options.bind.as_str(), port))
            && let Ok(addr) = listener.local_addr()
        {
            return Ok((listener, addr));
        }
    }
    Err(ServeError::NoPort {
        bind: options.bind.clone(),
        first: options.port,
        last,
    })
}

fn report(rebuild: &Rebuild, took: Duration) {
    if rebuild.failed() {
        eprintln!("{}", problems_text(rebuild).unwrap_or_default());
    } else {
        eprintln!(
            "Built {} files in {:.2} s",
            rebuild.pages.len(),
            took.as_secs_f64()
        );
    }
}

fn problems_text(rebuild: &Rebuild) -> Option<String> {
    if !rebuild.failed() {
        return None;
    }
    let mut text = String::new();
    for d in &rebuild.diagnostics {
        text.push_str(&diagnostic::render_human(d, false));
        text.push_str("\n\n");
    }
    let summary = diagnostic::Summary::of(&rebuild.diagnostics, 0);
    text.push_str(&format!(
        "{} errors, {} warnings",
        summary.errors, summary.warnings
    ));
    Some(text)
}

/// The file watcher and the channel the watch loop reads.
struct Watching {
    _debouncer: notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
    tx: std::sync::mpsc::Sender<Message>,
    rx: std::sync::mpsc::Receiver<Message>,
}

/// Starts watching before the first build, so that no save is missed.
fn start_watching(root: &Path) -> Result<Watching, ServeError> {
    let (tx, rx) = std::sync::mpsc::channel::<Message>();
    let fs_tx = tx.clone();
    // Short: an editor's save (write a temp file, rename it) comes within a few ms; a burst
    // split in two costs a second quick rebuild, not a wrong one.
    let mut debouncer = notify_debouncer_mini::new_debouncer(
        Duration::from_millis(10),
        move |result: notify_debouncer_mini::DebounceEventResult| {
            let _ = fs_tx.send(Message::Files(result));
        },
    )
    .map_err(|e| watch_error(root, &e))?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    debouncer
        .watcher()
        .watch(
            &root,
            notify_debouncer_mini::notify::RecursiveMode::Recursive,
        )
        .map_err(|e| watch_error(&root, &e))?;
    Ok(Watching {
        _debouncer: debouncer,
        tx,
        rx,
    })
}

/// Applies each debounced batch of changes.
fn watch(watching: Watching, mut rebuild: Rebuild, shared: &Arc<Shared>) -> Result<(), ServeError> {
    let Watching { tx, rx, .. } = &watching;
    loop {
        let batch = match rx.recv_timeout(Duration::from_millis(150)) {
            Ok(Message::Files(batch)) => batch,
            Ok(Message::Search(generation, files)) => {
                // Only if no change came while it was being built.
                if generation == rebuild.generation() {
                    rebuild.install_search(files);
                    let mut served = shared.site.write().unwrap_or_else(|e| e.into_inner());
                    served.pages = rebuild.pages.clone();
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                // Changes paused: rebuild the search index on another thread.
                if let Some((generation, site)) = rebuild.take_stale_search() {
                    let tx = tx.clone();
                    std::thread::spawn(move || {
                        // One thread: the other core stays free for the next save.
                        let files = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                            Ok(pool) => pool.install(|| crate::search_files(&site, false)),
                            Err(_) => crate::search_files(&site, false),
                        };
                        let _ = tx.send(Message::Search(generation, files));
                    });
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let Ok(events) = batch else { continue };
        let started = Instant::now();
        let mut paths: Vec<PathBuf> = events.into_iter().map(|e| e.path).collect();
        paths.sort();
        paths.dedup();
        // Publish as soon as the changed pages are ready (the search index may follow).
        let change = rebuild.update(&paths, &mut |change, pages| {
            if *change != Change::Failed {
                let mut served = shared.site.write().unwrap_or_else(|e| e.into_inner());
                served.problems = None;
                served.pages = pages.clone();
                drop(served);
                notify(shared);
            }
        });
        if change != Change::Nothing {
            // Now with the search index too; or, after a failed change, its problems.
            let mut served = shared.site.write().unwrap_or_else(|e| e.into_inner());
            served.problems = problems_text(&rebuild);
            if change != Change::Failed {
                served.pages = rebuild.pages.clone();
            }
            drop(served);
            if change == Change::Failed {
                notify(shared);
            }
            let what = match &change {
                Change::Pages(p) => format!("{} page(s)", p.len()),
                Change::Site => "the site".into(),
                Change::Failed => "nothing (errors; the last good site is served)".into(),
                Change::Nothing => String::new(),
            };
            eprintln!(
                "Rebuilt {what} in {:.0} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            if let Some(p) = problems_text(&rebuild) {
                eprintln!("{p}");
            }
        }
    }
    Ok(())
}

fn watch_error(path: &Path, e: &dyn std::fmt::Display) -> ServeError {
    ServeError::Watch {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn notify(shared: &Shared) {
    let mut v = shared.version.lock().unwrap_or_else(|e| e.into_inner());
    *v += 1;
    shared.changed.notify_all();
}

/// What the site answers to a `GET` or `HEAD` of `target` (the HTTP layer refuses the rest).
fn handle(target: &str, shared: &Arc<Shared>) -> Reply {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == "/__errdex/events" {
        let shared = shared.clone();
        return Reply::Stream {
            content_type: "text/event-stream",
            body: Box::new(move |writer| events(writer, &shared)),
        };
    }
    Reply::Full(page(shared, path))
}

/// The site path a request names, or `None` when it tries to leave the site.
pub fn site_path(url_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?
        .into_owned();
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// The Content-Type of a served file, by extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn page(shared: &Shared, url_path: &str) -> Response {
    let Some(path) = site_path(url_path) else {
        return not_found(shared);
    };
    let served = shared.site.read().unwrap_or_else(|e| e.into_inner());
    let found = served.pages.get(&path).cloned().or_else(|| {
        // `/x` for the folder `/x/`.
        served.pages.get(&format!("{path}/index.html")).cloned()
    });
    let problems = served.problems.clone();
    drop(served);
    match found {
        Some(bytes) => respond_file(&path, &bytes, 200, problems.as_deref()),
        None => not_found(shared),
    }
}

fn not_found(shared: &Shared) -> Response {
    let served = shared.site.read().unwrap_or_else(|e| e.into_inner());
    let problems = served.problems.clone();
    match served.pages.get("404.html").cloned() {
        Some(bytes) => {
            drop(served);
            respond_file("404.html", &bytes, 404, problems.as_deref())
        }
        // No good build yet: a blank page that shows the problems and reloads once they are fixed.
        None if problems.is_some() => {
            drop(served);
            let blank = b"<!doctype html><html lang=en><meta charset=utf-8><title>errdex: errors</title><body></body></html>";
            respond_file("index.html", blank, 503, problems.as_deref())
        }
        None => Response::plain(404, "not found"),
    }
}

fn respond_file(path: &str, bytes: &[u8], status: u16, problems: Option<&str>) -> Response {
    let ctype = content_type(path);
    let body = if ctype.starts_with("text/html") {
        with_live_reload(bytes, problems)
    } else {
        bytes.to_vec()
    };
    Response {
        status,
        headers: vec![("Content-Type", ctype), ("Cache-Control", "no-store")],
        body,
    }
}

/// The page with the live-reload script (and the problems overlay's text) before `</body>`.
fn with_live_reload(bytes: &[u8], problems: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(bytes);
    let data = problems
        .map(|p| crate::render::json_for_script(&serde_json::to_string(p).unwrap_or_default()));
    let script = format!(
        "<script>window.__errdexProblems = {};\n{LIVE_RELOAD}</script>",
        data.as_deref().unwrap_or("null")
    );
    match html.rfind("</body>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{html}{script}").into_bytes(),
    }
}

/// A Server-Sent Events stream: `reload` after every good rebuild, `problems` (JSON text)
/// after a failed one; a comment every 15 s keeps it open. Ends when the client goes.
fn events(writer: &mut dyn Write, shared: &Shared) {
    if writer
        .write_all(b": connected\n\n")
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    let mut seen = *shared.version.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let guard = shared.version.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, timeout) = shared
            .changed
            .wait_timeout_while(guard, Duration::from_secs(15), |v| *v == seen)
            .unwrap_or_else(|e| e.into_inner());
        let now = *guard;
        drop(guard);
        let message = if timeout.timed_out() {
            ": keep-alive\n\n".to_string()
        } else {
            seen = now;
            let served = shared.site.read().unwrap_or_else(|e| e.into_inner());
            match &served.problems {
                Some(p) => format!(
                    "event: problems\ndata: {}\n\n",
                    serde_json::to_string(p).unwrap_or_default()
                ),
                None => "event: reload\ndata: {}\n\n".to_string(),
            }
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(site_path("/"), Some("index.html".into()));
        assert_eq!(
            site_path("/claude-code/x/"),
            Some("claude-code/x/index.html".into())
        );
        assert_eq!(site_path("/style.css"), Some("style.css".into()));
        assert_eq!(site_path("/a%20b/"), Some("a b/index.html".into()));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/secret",
            "/a/%2E%2E/%2E%2E/x",
            "/..%5c..%5cwin.ini",
            "/%00",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}

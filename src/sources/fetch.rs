//! A polite HTTP fetcher: a few requests at a time overall and per host, a User-Agent that says
//! who asks and why, `Retry-After` and backoff on 429 and 503, a cap on body size, redirects
//! followed one by one (so a permanent move is seen, and a loop is caught), and a time budget
//! for the whole run.
//!
//! Built on ureq (sync, rustls with bundled roots, gzip): the work is a batch of a few hundred
//! GETs, which a handful of worker threads serve as well as an async runtime would, at a
//! fraction of the dependencies.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read as _;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::progress::Progress;

/// How the fetcher behaves; [`Politeness::default`] is what `errdex sources` uses.
#[derive(Debug, Clone)]
pub struct Politeness {
    pub user_agent: String,
    /// Requests in flight at once, overall and to one host.
    pub global: usize,
    pub per_host: usize,
    /// One attempt's time limit (connect, send, receive).
    pub timeout: Duration,
    /// The whole run's time limit: URLs not started by then are left unchecked.
    pub budget: Duration,
    /// Bytes of a body that are read; the rest is left unread.
    pub max_body: usize,
    pub max_redirects: usize,
    /// Attempts on 429 and 503, and the longest `Retry-After` honoured.
    pub attempts: usize,
    pub max_retry_wait: Duration,
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            user_agent: format!(
                "errdex/{} (checks that the pages a troubleshooting site cites still say what it cites them for)",
                env!("CARGO_PKG_VERSION")
            ),
            global: 8,
            per_host: 2,
            timeout: Duration::from_secs(20),
            budget: Duration::from_secs(600),
            max_body: 8 * 1024 * 1024,
            max_redirects: 10,
            attempts: 3,
            max_retry_wait: Duration::from_secs(60),
        }
    }
}

/// What came back for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// A 2xx answer, after any redirects.
    Page {
        final_url: String,
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
        /// The body was longer than the cap; `body` is its start.
        truncated: bool,
        /// The URL's first answer was a permanent redirect (301, 308): where it ends.
        moved_to: Option<String>,
    },
    /// No page: the cause, and the last HTTP status if there was one.
    Failed { cause: String, status: Option<u16> },
    /// Not tried: the time budget ran out first.
    Skipped,
}

/// Fetches every URL, at most [`Politeness::global`] at once and [`Politeness::per_host`] to one
/// host; `progress` counts the URLs done and names the host of the latest one started. Results in
/// the order of `urls`.
pub fn fetch_all(urls: &[String], polite: &Politeness, progress: &Progress) -> Vec<Fetched> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(polite.user_agent.as_str())
        .accept("text/html, text/markdown;q=0.9, text/plain;q=0.9, */*;q=0.5")
        .timeout_global(Some(polite.timeout))
        .build()
        .into();
    let started = Instant::now();
    let queue = Queue {
        hosts: urls.iter().map(|u| host_of(u)).collect(),
        state: Mutex::new(QueueState {
            pending: (0..urls.len()).collect(),
            busy: HashMap::new(),
        }),
        ready: Condvar::new(),
    };
    let results: Mutex<Vec<Option<Fetched>>> = Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..polite.global.max(1).min(urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(i) = queue.next(polite.per_host) {
                    progress.detail(&queue.hosts[i]);
                    let result = if started.elapsed() >= polite.budget {
                        Fetched::Skipped
                    } else {
                        fetch(&agent, &urls[i], polite, started)
                    };
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(result);
                    }
                    queue.finish(i);
                    progress.inc(1);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or(Fetched::Skipped))
        .collect()
}

/// The URLs still to fetch, and how many requests each host has in flight.
struct Queue {
    /// Each URL's host, found once.
    hosts: Vec<String>,
    state: Mutex<QueueState>,
    ready: Condvar,
}

struct QueueState {
    pending: VecDeque<usize>,
    busy: HashMap<String, usize>,
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

impl Queue {
    /// The next URL whose host has room, waiting while every pending one's host is busy; `None`
    /// when nothing is left.
    fn next(&self, per_host: usize) -> Option<usize> {
        let mut s = self.state.lock().ok()?;
        loop {
            if s.pending.is_empty() {
                return None;
            }
            let pick = s
                .pending
                .iter()
                .position(|&i| s.busy.get(&self.hosts[i]).copied().unwrap_or(0) < per_host);
            if let Some(at) = pick {
                let i = s.pending.remove(at)?;
                *s.busy.entry(self.hosts[i].clone()).or_default() += 1;
                return Some(i);
            }
            s = self.ready.wait(s).ok()?;
        }
    }

    fn finish(&self, i: usize) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if let Some(n) = s.busy.get_mut(&self.hosts[i]) {
            *n = n.saturating_sub(1);
        }
        self.ready.notify_all();
    }
}

/// One URL, redirects followed by hand.
fn fetch(agent: &ureq::Agent, url: &str, polite: &Politeness, started: Instant) -> Fetched {
    let mut current = url.to_string();
    let mut seen: HashSet<String> = HashSet::from([current.clone()]);
    let mut permanent_first = None;
    for hop in 0..=polite.max_redirects {
        let mut response = match get_with_retries(agent, &current, polite, started) {
            Ok(r) => r,
            Err(failed) => return failed,
        };
        let status = response.status().as_u16();
        if (300..400).contains(&status) && status != 304 {
            let Some(location) = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
            else {
                return Fetched::Failed {
                    cause: format!("HTTP {status} without a Location header"),
                    status: Some(status),
                };
            };
            let Some(next) = url::Url::parse(&current)
                .ok()
                .and_then(|base| base.join(location).ok())
                .map(String::from)
            else {
                return Fetched::Failed {
                    cause: format!("HTTP {status} to an invalid Location: {location}"),
                    status: Some(status),
                };
            };
            if hop == 0 {
                permanent_first = Some(matches!(status, 301 | 308));
            }
            if !seen.insert(next.clone()) {
                return Fetched::Failed {
                    cause: format!("redirect loop: {next} redirects back to itself"),
                    status: Some(status),
                };
            }
            current = next;
            continue;
        }
        if !(200..300).contains(&status) {
            return Fetched::Failed {
                cause: format!("HTTP {status}{}", reason(status)),
                status: Some(status),
            };
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        let read = response
            .body_mut()
            .as_reader()
            .take(polite.max_body as u64 + 1)
            .read_to_end(&mut body);
        if let Err(e) = read {
            return Fetched::Failed {
                cause: format!("reading the body: {}", describe_io(&e)),
                status: Some(status),
            };
        }
        let truncated = body.len() > polite.max_body;
        body.truncate(polite.max_body);
        let moved_to = (permanent_first == Some(true)).then(|| current.clone());
        return Fetched::Page {
            final_url: current,
            status,
            content_type,
            body,
            truncated,
            moved_to,
        };
    }
    Fetched::Failed {
        cause: format!("more than {} redirects", polite.max_redirects),
        status: None,
    }
}

/// A GET, tried again on 429 and 503 after `Retry-After` (or 1, 2, 4 seconds), within the
/// budget.
fn get_with_retries(
    agent: &ureq::Agent,
    url: &str,
    polite: &Politeness,
    started: Instant,
) -> Result<ureq::http::Response<ureq::Body>, Fetched> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let response = agent.get(url).call().map_err(|e| Fetched::Failed {
            cause: describe(&e),
            status: None,
        })?;
        let status = response.status().as_u16();
        if !matches!(status, 429 | 503) || attempt >= polite.attempts {
            if matches!(status, 429 | 503) {
                return Err(Fetched::Failed {
                    cause: format!("HTTP {status}{} after {attempt} tries", reason(status)),
                    status: Some(status),
                });
            }
            return Ok(response);
        }
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry_after)
            .unwrap_or(Duration::from_secs(1 << (attempt - 1)));
        if wait > polite.max_retry_wait || started.elapsed() + wait >= polite.budget {
            return Err(Fetched::Failed {
                cause: format!(
                    "HTTP {status}{}: asked to wait {} s, longer than allowed",
                    reason(status),
                    wait.as_secs()
                ),
                status: Some(status),
            });
        }
        std::thread::sleep(wait);
    }
}

/// A `Retry-After` value: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let secs = when.as_second().saturating_sub(now.as_second()).max(0);
    Some(Duration::from_secs(secs.unsigned_abs()))
}

fn reason(status: u16) -> &'static str {
    match status {
        404 => " Not Found",
        410 => " Gone",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        503 => " Service Unavailable",
        401 => " Unauthorized",
        403 => " Forbidden",
        _ => "",
    }
}

/// A failure in words: DNS, refused, timeout, TLS, or what ureq said.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::HostNotFound => "DNS: host not found".into(),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Io(io) => describe_io(io),
        ureq::Error::Tls(m) => format!("TLS: {m}"),
        ureq::Error::Rustls(r) => format!("TLS: {r}"),
        other => other.to_string(),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => "connection refused".into(),
        ConnectionReset => "connection reset".into(),
        TimedOut | WouldBlock => "timed out".into(),
        _ => {
            let text = e.to_string();
            if text.contains("failed to lookup address") || text.contains("Name or service") {
                format!("DNS: {text}")
            } else {
                text
            }
        }
    }
}

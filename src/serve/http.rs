//! The HTTP/1.1 layer of `errdex serve`: std's blocking sockets, a thread per connection, and
//! [`httparse`] for the request head; every resource a client can make it hold is bounded.
//!
//! - At most [`MAX_CONNECTIONS`] connections at once. When all are taken, a new one closes the
//!   connection that has waited longest for a request (an idle keep-alive, or a head arriving
//!   slowly); when every one is busy (live-reload streams), the new one gets `503` and is closed.
//!   So 5,000 idle sockets cost at most [`MAX_CONNECTIONS`] threads and buffers, and a page
//!   still loads while they are open.
//! - A request head (request line and headers) is at most [`MAX_HEAD`] bytes and
//!   [`MAX_HEADERS`] headers: past that the answer is `431` and the connection is closed.
//! - A connection waits [`IDLE_TIMEOUT`] for a request to start, and the whole head must come
//!   within [`HEAD_TIMEOUT`] of its first byte (`408` otherwise); a response must be taken
//!   within [`WRITE_TIMEOUT`].
//! - Requests have no body here: one that announces a body is answered, then the connection is
//!   closed rather than the body read.
//! - Only `GET` and `HEAD` are answered; any other method gets `405` with `Allow: GET, HEAD`.
//! - Keep-alive: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
//!   `Connection: keep-alive`, which the response repeats. Pipelined requests are answered in
//!   order. Every response is written in one piece, with `Content-Length`, on a socket with
//!   `TCP_NODELAY`, so keep-alive requests never wait on delayed ACKs.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 128;
/// Bytes in a request head (request line, headers and the blank line).
pub const MAX_HEAD: usize = 32 * 1024;
/// Headers in a request.
pub const MAX_HEADERS: usize = 64;
/// How long a connection may wait for a request to start.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request head may take from its first byte.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write may block on a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the site answers to a `GET` or `HEAD` of a request target (path and query).
pub enum Reply {
    /// A whole response, sent with its length; the body is left out for `HEAD`.
    Full(Response),
    /// A response of unknown length: the head, then `body` writes to the socket until it
    /// returns, and the connection closes. `HEAD` gets the head only.
    Stream {
        content_type: &'static str,
        body: StreamBody,
    },
}

/// Writes a streamed body until the stream ends or a write fails.
pub type StreamBody = Box<dyn FnOnce(&mut dyn Write) + Send>;

/// A response with a body of known length.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, &'static str)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn plain(status: u16, text: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8")],
            body: text.as_bytes().to_vec(),
        }
    }
}

/// The handler the server calls for each `GET` or `HEAD`.
pub type Handler = dyn Fn(&str) -> Reply + Send + Sync;

/// Accepts connections until the listener fails for good; each gets a thread (bounded).
pub fn run(listener: &TcpListener, handler: &Arc<Handler>) {
    let slots = Arc::new(Slots::default());
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            // Out of file descriptors, or a connection reset before accept: wait a little
            // rather than spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let Some(slot) = slots.admit(&stream) else {
            reject(stream);
            continue;
        };
        let handler = handler.clone();
        let _ = std::thread::Builder::new()
            .name("errdex-http".into())
            .spawn(move || serve_connection(stream, &slot, &*handler));
    }
}

/// The open connections, so that a new one can close the one idle longest.
#[derive(Default)]
struct Slots {
    inner: Mutex<SlotMap>,
}

#[derive(Default)]
struct SlotMap {
    next: u64,
    open: HashMap<u64, Open>,
}

struct Open {
    /// A handle on the socket, to shut it down from the accept thread.
    stream: TcpStream,
    /// Since when it has been waiting for a request; `None` while a request is being answered.
    waiting: Option<Instant>,
}

/// A connection's place among the open ones, given back when dropped.
struct Slot {
    slots: Arc<Slots>,
    id: u64,
}

impl Slots {
    fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Slot> {
        let handle = stream.try_clone().ok()?;
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if map.open.len() >= MAX_CONNECTIONS {
            let oldest = map
                .open
                .iter()
                .filter_map(|(id, o)| o.waiting.map(|since| (since, *id)))
                .min()?
                .1;
            if let Some(evicted) = map.open.remove(&oldest) {
                // Its thread sees the end of the stream and exits.
                let _ = evicted.stream.shutdown(Shutdown::Both);
            }
        }
        let id = map.next;
        map.next += 1;
        map.open.insert(
            id,
            Open {
                stream: handle,
                waiting: Some(Instant::now()),
            },
        );
        Some(Slot {
            slots: self.clone(),
            id,
        })
    }
}

impl Slot {
    fn waiting(&self, waiting: bool) {
        let mut map = self.slots.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = map.open.get_mut(&self.id) {
            open.waiting = waiting.then(Instant::now);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.slots.inner.lock().unwrap_or_else(|e| e.into_inner());
        map.open.remove(&self.id);
    }
}

/// Every connection is busy: say so and close.
fn reject(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let response = Response::plain(503, "too many connections");
    let _ = stream.write_all(&encode(
        &response,
        false,
        Keep::Close,
        &[("Retry-After", "1")],
    ));
}

/// Whether the connection stays open after a response, and what the response says about it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// HTTP/1.1: kept unless said otherwise.
    Implicit,
    /// HTTP/1.0 with `Connection: keep-alive`: kept, and the response says so.
    Explicit,
    Close,
}

/// What the server needs of a request head.
struct Head {
    method: Method,
    target: String,
    keep: Keep,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Head,
    Other,
}

/// Why no request head could be read.
enum NoHead {
    /// The client closed, or sent nothing in time, or its socket failed: close quietly.
    Gone,
    /// Part of a head, then nothing more in time.
    Timeout,
    TooLarge,
    Malformed,
}

fn serve_connection(mut stream: TcpStream, slot: &Slot, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut buf = Vec::with_capacity(4096);
    loop {
        slot.waiting(true);
        let head = match read_head(&mut stream, &mut buf) {
            Ok(head) => head,
            Err(NoHead::Gone) => return,
            Err(why) => {
                let (status, text) = match why {
                    NoHead::Timeout => (408, "request timeout"),
                    NoHead::TooLarge => (431, "request header fields too large"),
                    _ => (400, "bad request"),
                };
                let response = Response::plain(status, text);
                let _ = stream.write_all(&encode(&response, false, Keep::Close, &[]));
                close(stream);
                return;
            }
        };
        slot.waiting(false);
        let head_only = head.method == Method::Head;
        let reply = match head.method {
            Method::Get | Method::Head => handler(&head.target),
            Method::Other => Reply::Full(Response::plain(405, "method not allowed")),
        };
        let extra: &[(&str, &str)] = if head.method == Method::Other {
            &[("Allow", "GET, HEAD")]
        } else {
            &[]
        };
        match reply {
            Reply::Full(response) => {
                let keep = if head.method == Method::Other {
                    Keep::Close
                } else {
                    head.keep
                };
                if stream
                    .write_all(&encode(&response, head_only, keep, extra))
                    .is_err()
                {
                    return;
                }
                if keep == Keep::Close {
                    close(stream);
                    return;
                }
            }
            Reply::Stream { content_type, body } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).is_ok() && !head_only {
                    body(&mut stream);
                }
                close(stream);
                return;
            }
        }
    }
}

/// Reads one request head into `buf` (which may already hold pipelined bytes), and removes it
/// from there.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Head, NoHead> {
    let mut deadline = (!buf.is_empty()).then(|| Instant::now() + HEAD_TIMEOUT);
    let mut searched = 0;
    loop {
        // Parse only once the blank line that ends a head has come.
        let ended = memchr::memmem::find(&buf[searched..], b"\n\r\n")
            .or_else(|| memchr::memmem::find(&buf[searched..], b"\n\n"))
            .is_some();
        if ended {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let head = head_of(&request).ok_or(NoHead::Malformed)?;
                    buf.drain(..len);
                    return Ok(head);
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Err(NoHead::TooLarge),
                Err(_) => return Err(NoHead::Malformed),
            }
        }
        if buf.len() >= MAX_HEAD {
            return Err(NoHead::TooLarge);
        }
        searched = buf.len().saturating_sub(2);
        let timeout = match deadline {
            None => IDLE_TIMEOUT,
            Some(d) => d.saturating_duration_since(Instant::now()),
        };
        if timeout.is_zero() || stream.set_read_timeout(Some(timeout)).is_err() {
            return Err(NoHead::Timeout);
        }
        let start = buf.len();
        buf.resize((start + 4096).min(MAX_HEAD), 0);
        let read = stream.read(&mut buf[start..]);
        buf.truncate(start + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(0) => return Err(NoHead::Gone),
            Ok(_) => {
                deadline.get_or_insert_with(|| Instant::now() + HEAD_TIMEOUT);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(if deadline.is_some() {
                    NoHead::Timeout
                } else {
                    NoHead::Gone
                });
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(NoHead::Gone),
        }
    }
}

fn head_of(request: &httparse::Request) -> Option<Head> {
    let method = match request.method? {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    let target = request.path?.to_string();
    let mut close = false;
    let mut keep_alive = false;
    let mut body = false;
    for h in request.headers.iter() {
        if h.name.eq_ignore_ascii_case("connection") {
            for token in String::from_utf8_lossy(h.value).split(',') {
                close |= token.trim().eq_ignore_ascii_case("close");
                keep_alive |= token.trim().eq_ignore_ascii_case("keep-alive");
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            body = true;
        } else if h.name.eq_ignore_ascii_case("content-length") {
            body |= h.value.trim_ascii() != b"0";
        }
    }
    let keep = match request.version? {
        _ if close || body => Keep::Close,
        1 => Keep::Implicit,
        _ if keep_alive => Keep::Explicit,
        _ => Keep::Close,
    };
    Some(Head {
        method,
        target,
        keep,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The bytes of a response, head and body together (one write).
fn encode(response: &Response, head_only: bool, keep: Keep, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (name, value) in response.headers.iter().chain(extra) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match keep {
        Keep::Implicit => {}
        Keep::Explicit => head.push_str("Connection: keep-alive\r\n"),
        Keep::Close => head.push_str("Connection: close\r\n"),
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

/// Closes after a response: the write side first, then what the client still sends is read
/// and dropped for a moment, so that the response is not lost to a reset.
fn close(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let until = Instant::now() + Duration::from_millis(500);
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 256 * 1024 && Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Option<(Method, String, Keep)> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        request.parse(raw.as_bytes()).ok()?;
        head_of(&request).map(|h| (h.method, h.target, h.keep))
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        let keep = |raw: &str| parse(raw).map(|h| h.2);
        assert!(keep("GET / HTTP/1.1\r\n\r\n") == Some(Keep::Implicit));
        assert!(keep("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") == Some(Keep::Close));
        assert!(keep("GET / HTTP/1.0\r\n\r\n") == Some(Keep::Close));
        assert!(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") == Some(Keep::Explicit));
        assert!(keep("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\n") == Some(Keep::Close));
        assert!(keep("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n") == Some(Keep::Implicit));
        assert!(keep("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == Some(Keep::Close));
        assert!(parse("DELETE /x HTTP/1.1\r\n\r\n").is_some_and(|h| h.0 == Method::Other));
    }

    #[test]
    fn a_response_is_one_piece_with_its_length() {
        let r = Response::plain(404, "not found");
        let bytes = encode(&r, false, Keep::Explicit, &[]);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"));
        assert!(text.contains("Connection: keep-alive\r\n"));
        assert!(text.ends_with("\r\n\r\nnot found"));
        let head = encode(&r, true, Keep::Implicit, &[]);
        assert!(
            String::from_utf8_lossy(&head)
                .ends_with("Content-Length: 9\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        );
    }
}

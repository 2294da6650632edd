//! `errdex match`: the known errors in a log, line by line.
//!
//! What makes a match (docs/search.md says the same for authors):
//!
//! - Each line of a signature, each variant and each `context` line is a **pattern**; its
//!   `{{placeholders}}` match anything.
//! - A log line **holds** a pattern when it has at least [`MATCH_THRESHOLD`] of the pattern's
//!   words, weighted by rarity (idf). A message wrapped over two or three lines is matched on the
//!   lines joined. Before matching, a line loses ANSI colour codes and carriage returns, and
//!   JSON-escaped text (`\"`, `\n`, `\u001b`) is unescaped; timestamps, ids and paths are noise
//!   to the tokenizer, so log prefixes do not get in the way.
//! - A **full** pattern (a signature line or variant of three words or more, or one that holds a
//!   code such as `E0382`, `rate_limit_error` or `ECONNRESET`) makes a match on its own.
//! - A **weak** pattern (one or two ordinary words, such as `Overloaded`) and a **context** line
//!   (a hint the tool prints, or the fix it suggests, such as `git push --set-upstream origin`)
//!   never match alone: they only support. A page with no full match is reported when a weak
//!   pattern of it and another of its weak or context patterns are held within
//!   [`SUPPORT_LINES`] lines of each other.
//! - When a line holds patterns of several pages, the most specific wins (the most weight of
//!   words held); on a tie, the one that [`rank`] puts first.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::index::Index;
use super::rank::idf;
use super::{pattern_lines, rank, tokens};

/// A known error found in a log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogMatch {
    /// The first log line (1-based) where it appears.
    pub line: usize,
    /// Position in `Index::docs`.
    pub doc: usize,
    /// How many times it appears.
    pub count: usize,
}

/// Share of a pattern's weight (its words' idf) that a line must hold to match it...
pub const MATCH_THRESHOLD: f64 = 0.7;
/// ...except that a pattern of at most this many distinct words must be held whole: with one
/// word missing, `Request timed out` would match every `timed out`.
pub const ALL_WORDS_UP_TO: usize = 5;
/// A message may be wrapped over at most this many lines.
pub const WRAP_LINES: usize = 3;
/// Supporting patterns count together when they are at most this many lines apart.
pub const SUPPORT_LINES: usize = 5;

/// What a pattern may do on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strength {
    Full,
    Weak,
    Context,
}

#[derive(Debug)]
struct Pattern {
    doc: usize,
    /// Total idf of its distinct words.
    weight: f64,
    /// How many distinct words it has.
    words: usize,
    strength: Strength,
    /// For a weak pattern with a placeholder (`Reconnecting... {{n}}/{{max}}`): the pattern as a
    /// regular expression, its text literal and each placeholder a short run of anything. A
    /// line of that shape makes a match, as a full pattern does.
    shape: Option<Regex>,
}

/// Finds the log lines that hold a known error's patterns.
pub struct Matcher<'a> {
    index: &'a Index,
    patterns: Vec<Pattern>,
    /// word → (pattern, the word's idf) of every pattern that has it.
    postings: HashMap<String, Vec<(usize, f64)>>,
}

/// Whether a pattern line can make a match on its own.
fn strength(line: &str, words: &[String]) -> Strength {
    if words.len() >= 3 {
        return Strength::Full;
    }
    // A code: letters with digits (`E0382`), a compound (`rate_limit_error`), or a word written
    // in capitals (`ECONNRESET`).
    let code = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            letters > 0
                && (w.chars().any(|c| c.is_ascii_digit())
                    || w.contains('_')
                    || (letters >= 5 && w.chars().all(|c| !c.is_lowercase())))
        });
    if code { Strength::Full } else { Strength::Weak }
}

impl<'a> Matcher<'a> {
    pub fn new(index: &'a Index) -> Self {
        let n = index.docs.len() as f64;
        let mut m = Matcher {
            index,
            patterns: Vec::new(),
            postings: HashMap::new(),
        };
        for (d, doc) in index.docs.iter().enumerate() {
            let lines = doc
                .patterns
                .iter()
                .flat_map(|p| pattern_lines(p))
                .map(|l| (l, false))
                .chain(
                    doc.context
                        .iter()
                        .flat_map(|c| pattern_lines(c))
                        .map(|l| (l, true)),
                );
            for (line, context) in lines {
                let mut words = tokens(line);
                words.sort();
                words.dedup();
                if words.is_empty() {
                    continue;
                }
                let strength = if context {
                    Strength::Context
                } else {
                    strength(line, &words)
                };
                let id = m.patterns.len();
                let mut weight = 0.0;
                let count = words.len();
                for w in words {
                    let df = index.terms.get(&w).map_or(1, Vec::len) as f64;
                    let idf = idf(n, df);
                    weight += idf;
                    m.postings.entry(w).or_default().push((id, idf));
                }
                let shape = if strength == Strength::Weak {
                    shape(line)
                } else {
                    None
                };
                m.patterns.push(Pattern {
                    doc: d,
                    weight,
                    words: count,
                    strength,
                    shape,
                });
            }
        }
        m
    }

    /// The patterns a text holds, with the weight of their words it has: all the words of a
    /// pattern of up to [`ALL_WORDS_UP_TO`] words, else [`MATCH_THRESHOLD`] of their weight.
    fn held(&self, text: &str) -> Vec<(usize, f64)> {
        let mut words = tokens(text);
        words.sort_unstable();
        words.dedup();
        // Per pattern: the weight and the number of its words the text has.
        let mut covered: HashMap<usize, (f64, usize)> = HashMap::new();
        for w in &words {
            for &(p, idf) in self.postings.get(w).map_or(&[][..], Vec::as_slice) {
                let c = covered.entry(p).or_default();
                c.0 += idf;
                c.1 += 1;
            }
        }
        let mut held: Vec<(usize, f64)> = covered
            .into_iter()
            .filter(|&(p, (got, words))| {
                let pattern = &self.patterns[p];
                if pattern.words <= ALL_WORDS_UP_TO {
                    words == pattern.words
                } else {
                    got / pattern.weight >= MATCH_THRESHOLD
                }
            })
            .map(|(p, (got, _))| (p, got))
            .collect();
        held.sort_unstable_by_key(|&(p, _)| p);
        held
    }

    /// The page a text (one line, or a few joined) shows by a full pattern (or a weak one of
    /// its shape), if any. When patterns of several pages are held, the most specific wins: the
    /// one with the most weight of words held (`MCP error -32001: Request timed out` over
    /// `Request timed out`); on a tie, the page [`rank`] puts first.
    pub fn match_line(&self, text: &str) -> Option<usize> {
        self.best_match(text, &self.held(text)).map(|(doc, _)| doc)
    }

    /// [`Matcher::match_line`] from the patterns the text holds, with the weight of the words
    /// held.
    fn best_match(&self, text: &str, held: &[(usize, f64)]) -> Option<(usize, f64)> {
        let mut best: Vec<(usize, f64)> = Vec::new();
        for &(p, got) in held {
            let pattern = &self.patterns[p];
            let makes = pattern.strength == Strength::Full
                || pattern.shape.as_ref().is_some_and(|re| re.is_match(text));
            if !makes {
                continue;
            }
            match best.iter_mut().find(|(d, _)| *d == pattern.doc) {
                Some(b) => b.1 = b.1.max(got),
                None => best.push((pattern.doc, got)),
            }
        }
        let top = best.iter().map(|&(_, w)| w).fold(0.0, f64::max);
        let candidates: Vec<usize> = best
            .iter()
            .filter(|&&(_, w)| w >= top * (1.0 - 1e-9))
            .map(|&(d, _)| d)
            .collect();
        let doc = match candidates.len() {
            0 => None,
            1 => candidates.first().copied(),
            _ => rank(self.index, text, self.index.docs.len())
                .into_iter()
                .map(|h| h.doc)
                .find(|d| candidates.contains(d))
                .or(candidates.first().copied()),
        };
        doc.map(|d| (d, top))
    }

    /// Reads a log to its end, a line at a time, and returns each known error once, at its first
    /// line, in order of appearance. Any size and any bytes: a log that starts with a UTF-16 byte
    /// order mark is decoded as UTF-16 (PowerShell writes those), a UTF-8 one is skipped, invalid
    /// UTF-8 is replaced, and a line is matched on its first [`MAX_LINE_BYTES`] bytes (the rest is
    /// read and dropped), so memory stays bounded whatever the input.
    pub fn scan(&self, log: impl std::io::Read) -> std::io::Result<Vec<LogMatch>> {
        let mut log = std::io::BufReader::new(encoding_rs_io::DecodeReaderBytes::new(log));
        let mut scan = Scan::default();
        let mut buf = Vec::with_capacity(MAX_LINE_BYTES);
        let mut line_no = 0;
        while read_line_capped(&mut log, &mut buf, MAX_LINE_BYTES)? {
            line_no += 1;
            let text = String::from_utf8_lossy(&buf);
            for logical in clean_line(&text) {
                self.step(&mut scan, line_no, logical);
            }
        }
        Ok(scan.finish())
    }

    /// Matches the newest line, alone and joined to the one or two before it.
    fn step(&self, scan: &mut Scan, line_no: usize, text: String) {
        if scan.recent.len() == WRAP_LINES {
            scan.recent.remove(0);
        }
        scan.recent.push((line_no, text));
        let k = scan.recent.len();
        for size in 1..=k {
            let window = &scan.recent[k - size..];
            let start = window[0].0;
            let joined = window
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let held = self.held(&joined);
            if let Some((doc, weight)) = self.best_match(&joined, &held) {
                scan.add(Occurrence {
                    doc,
                    start,
                    end: line_no,
                    weight,
                });
            }
            if size == 1 {
                for &(p, _) in &held {
                    let pattern = &self.patterns[p];
                    if pattern.strength != Strength::Full {
                        scan.support(pattern.doc, p, line_no, pattern.strength);
                    }
                }
            }
        }
        scan.close_before(line_no);
    }
}

/// Where a page's full pattern was held: lines `start..=end`, with the weight of its words.
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    doc: usize,
    start: usize,
    end: usize,
    weight: f64,
}

impl Occurrence {
    fn overlaps(&self, other: &Occurrence) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Whether `other`, of another page, explains these lines better: more weight held (on a
    /// tie, the one that starts first, then the first page).
    fn beaten_by(&self, other: &Occurrence) -> bool {
        other.doc != self.doc
            && self.overlaps(other)
            && (other.weight > self.weight
                || (other.weight == self.weight
                    && (other.start, other.doc) < (self.start, self.doc)))
    }
}

/// The state of one scan, bounded whatever the log's length: occurrences are decided once no
/// later window can overlap them, and only the last few lines' are kept.
#[derive(Default)]
struct Scan {
    /// The last [`WRAP_LINES`] logical lines with their line numbers.
    recent: Vec<(usize, String)>,
    /// Occurrences that a later window may still overlap.
    open: Vec<Occurrence>,
    /// Decided occurrences of the last few lines (kept or not), which open ones are weighed
    /// against.
    closed: Vec<Occurrence>,
    found: Vec<LogMatch>,
    /// Supporting patterns held in the last [`SUPPORT_LINES`] lines: (page, pattern, line,
    /// strength).
    support: Vec<(usize, usize, usize, Strength)>,
    /// Pages that only supporting patterns show, at their first line.
    supported: Vec<LogMatch>,
}

impl Scan {
    /// A full pattern held; the same page on overlapping windows is one occurrence.
    fn add(&mut self, o: Occurrence) {
        let same = self
            .open
            .iter_mut()
            .find(|x| x.doc == o.doc && x.end >= o.start);
        match same {
            // A wider window that holds more of the message is where it is; one that holds
            // no more is the same occurrence, seen on fewer lines already.
            Some(x) if o.weight > x.weight => *x = o,
            Some(_) => {}
            None => self.open.push(o),
        }
    }

    /// Decides the occurrences that no window from line `line` on can overlap: each is kept
    /// unless an overlapping occurrence of another page explains the lines better.
    fn close_before(&mut self, line: usize) {
        let reach = line.saturating_sub(WRAP_LINES - 1);
        let (done, open): (Vec<Occurrence>, Vec<Occurrence>) =
            self.open.iter().partition(|o| o.end < reach);
        for o in &done {
            let beaten = open
                .iter()
                .chain(&done)
                .chain(&self.closed)
                .any(|p| o.beaten_by(p));
            if !beaten {
                match self.found.iter_mut().find(|m| m.doc == o.doc) {
                    Some(m) => m.count += 1,
                    None => self.found.push(LogMatch {
                        line: o.start,
                        doc: o.doc,
                        count: 1,
                    }),
                }
            }
        }
        self.open = open;
        self.closed.extend(done);
        self.closed.retain(|o| o.end + 2 * WRAP_LINES >= line);
    }

    /// A weak pattern or a context line held: with another of the same page's close by (one of
    /// them weak), the page is shown.
    fn support(&mut self, doc: usize, pattern: usize, line: usize, strength: Strength) {
        self.support.retain(|s| s.2 + SUPPORT_LINES >= line);
        let partner = self.support.iter().find(|&&(d, q, _, s)| {
            d == doc && q != pattern && (strength == Strength::Weak || s == Strength::Weak)
        });
        if let Some(&(_, _, first, _)) = partner
            && !self.supported.iter().any(|m| m.doc == doc)
        {
            self.supported.push(LogMatch {
                line: first,
                doc,
                count: 1,
            });
        }
        self.support.push((doc, pattern, line, strength));
    }

    /// The matches, with the pages that only supporting patterns show, in order of their first
    /// line.
    fn finish(mut self) -> Vec<LogMatch> {
        self.close_before(usize::MAX);
        for m in std::mem::take(&mut self.supported) {
            if !self.found.iter().any(|f| f.doc == m.doc) {
                self.found.push(m);
            }
        }
        self.found.sort_by_key(|m| m.line);
        self.found
    }
}

/// A weak pattern with a placeholder as a regular expression: its literal text (case ignored,
/// runs of spaces loose) with each placeholder standing for 1 to 40 characters.
fn shape(line: &str) -> Option<Regex> {
    let placeholders = super::PLACEHOLDER.as_ref()?;
    if !placeholders.is_match(line) {
        return None;
    }
    let literal = |s: &str| {
        let words: Vec<String> = s.split_whitespace().map(regex::escape).collect();
        format!(r"\s*{}\s*", words.join(r"\s+"))
    };
    let mut re = String::from("(?i)");
    let mut last = 0;
    for m in placeholders.find_iter(line) {
        re.push_str(&literal(&line[last..m.start()]));
        re.push_str(r"\S.{0,39}?");
        last = m.end();
    }
    re.push_str(&literal(&line[last..]));
    Regex::new(&re).ok()
}

/// ANSI escape sequences: CSI (colours, cursor), OSC (titles, links) and two-byte escapes.
static ANSI: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]").ok()
});

/// A log line as the matcher reads it: JSON escapes undone (an escaped `\n` splits it into
/// several logical lines), ANSI codes and carriage returns removed.
pub fn clean_line(line: &str) -> Vec<String> {
    let unescaped = if line.contains('\\') {
        unescape_json(line)
    } else {
        line.to_string()
    };
    let plain = match ANSI.as_ref() {
        Some(re) if unescaped.contains('\x1b') => re.replace_all(&unescaped, "").into_owned(),
        _ => unescaped,
    };
    plain
        .split(['\n', '\r'])
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Undoes JSON string escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`; a lone surrogate half becomes a
/// space); anything else is kept as written.
fn unescape_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('r') => {
                chars.next();
                out.push('\r');
            }
            Some('t') => {
                chars.next();
                out.push(' ');
            }
            Some(q @ ('"' | '\\' | '/')) => {
                chars.next();
                out.push(q);
            }
            Some('u') => {
                let hex: String = chars.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&hex, 16) {
                    Ok(code) if hex.len() == 4 => {
                        chars.nth(4);
                        out.push(char::from_u32(code).unwrap_or(' '));
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// How much of a log line [`Matcher::scan`] keeps and matches: 64 KiB. An error message is
/// found near the start of its line, and a longer line is minified output or binary; the same cut
/// as before lines were streamed, so results on ordinary logs are unchanged.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads the next line of `log` into `buf` (cleared first): its first `cap` bytes, newline
/// included if it is among them; the rest of the line is read and dropped. `buf` never grows past
/// `cap`. False at the end of the input.
fn read_line_capped(
    log: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<bool> {
    use std::io::{BufRead, Read};
    buf.clear();
    let n = log.take(cap as u64).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(false);
    }
    if n == cap && buf.last() != Some(&b'\n') {
        log.skip_until(b'\n')?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_is_kept_to_its_cap_and_the_rest_read_past() {
        use std::io::Read;
        // Lines shorter than, as long as, one byte over and far over the cap; a newline right
        // after the cap; a 10 MB line with no newline; a last line without one. A reader buffer
        // smaller than the cap so that lines cross its refills.
        let huge = std::io::repeat(b'y').take(10_000_000);
        let log = b"short\n12345678\n123456789\n".as_slice();
        let log = log
            .chain(b"abcdefgh\nwxyz\n".as_slice())
            .chain(huge)
            .chain(b"\nlast".as_slice());
        let mut log = std::io::BufReader::with_capacity(3, log);
        let cap = 8;
        let mut buf = Vec::with_capacity(cap);
        let mut lines = Vec::new();
        while read_line_capped(&mut log, &mut buf, cap).unwrap() {
            assert!(
                buf.len() <= cap && buf.capacity() <= cap,
                "{}",
                buf.capacity()
            );
            lines.push(String::from_utf8_lossy(&buf).into_owned());
        }
        assert_eq!(
            lines,
            [
                "short\n", "12345678", "12345678", "abcdefgh", "wxyz\n", "yyyyyyyy", "last"
            ]
        );
    }
}

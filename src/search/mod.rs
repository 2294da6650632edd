//! Finding the fix for a pasted error: one algorithm for `errdex search`, `errdex match` and the
//! index that `static/search.js` reads (which implements the same ranking, line for line).
//!
//! Why not the usual static-site search: Pagefind and elasticlunr intersect every query word, so
//! one word of noise in a pasted log line (a timestamp, a request id) empties the results. Here:
//!
//! - **Tokens** ([`tokens`]): lower-cased runs of letters, digits, `-`, `_`, `.`; a compound token
//!   (`rate_limit_error`, `api.anthropic.com`) is kept whole *and* split into its parts.
//! - **Noise** is dropped the same way from documents and queries: URL schemes, UUIDs, `0x…`,
//!   ISO dates and times, numbers of 4+ digits (but negative codes such as `-32001` stay), long hex or random-looking ids, the directories of
//!   file paths, a short stop list, and the `{{placeholders}}` of signatures ([`pattern_tokens`]).
//! - [`index`]: fields are weighted (signature and variants highest, then title and code, tags,
//!   summary, then causes, fixes and context lines, and the body lowest), summed into one weighted
//!   term frequency per page.
//! - [`rank`]: BM25 with OR semantics and a coverage boost, a boost for pages of a tool the query
//!   names, then the best candidates re-ranked by the longest run of their signature's words that
//!   the query holds as a phrase; each result says whether it is **confident**.
//! - [`log`]: `errdex match`, line by line over a whole log, with the same patterns.
//!
//! docs/search.md explains the rules for authors and readers; the constants carry the
//! measurements behind them.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

mod index;
pub mod log;
pub mod rank;

pub use index::{
    DOCS_PER_SHARD, DocMeta, Form, Index, IndexFile, MANIFEST, fingerprint, fnv1a64, index_files,
    shard_hash,
};
pub use log::{LogMatch, MAX_LINE_BYTES, Matcher};
pub use rank::{Evidence, Hit, rank, rank_among};

/// Field weights. Tuned on tests/search/queries.yaml and tests/search/real.tsv (docs/search.md).
pub const WEIGHTS: Weights = Weights {
    signature: 3.0,
    title: 2.0,
    code: 2.0,
    tags: 1.5,
    summary: 1.0,
    fixes: 0.5,
    body: 0.1,
};

/// BM25 parameters.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.5;
/// How much full coverage of the query's known words multiplies a score by (1 + COVERAGE).
pub const COVERAGE: f64 = 2.0;
/// Weight of a prefix or a one-edit (typo) match, relative to an exact one.
pub const PREFIX_WEIGHT: f64 = 0.8;
pub const TYPO_WEIGHT: f64 = 0.6;
/// Results scoring under this share of the best one are left out: with OR semantics every page
/// that shares one common word would otherwise be listed.
pub const MIN_RELATIVE_SCORE: f64 = 0.1;
/// At most this many words complete a prefix.
pub const MAX_EXPANSIONS: usize = 30;
/// The last word is completed as a prefix only in a query of at most this many words on one
/// line: a pasted line is not being typed, and its last word (`req` of a request id) would
/// otherwise pull in dozens of index shards.
pub const MAX_TYPED_WORDS: usize = 6;
/// How much a page whose tool the query names is favoured: its score × (1 + TOOL_BOOST).
pub const TOOL_BOOST: f64 = 0.3;
/// How many of the best pages are re-ranked by phrase.
pub const RERANK: usize = 10;
/// How much a query holding a whole signature (or variant) as a phrase multiplies a page's
/// score by (1 + PHRASE); a part of it, by its share.
pub const PHRASE: f64 = 1.0;
/// A placeholder in a pattern stands for at most this many query words.
pub const MAX_GAP: usize = 6;
/// Phrases are looked for in the first this many words of a query (a whole log may be pasted).
pub const MAX_PHRASE_WORDS: usize = 2000;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Weights {
    pub signature: f64,
    pub title: f64,
    pub code: f64,
    pub tags: f64,
    pub summary: f64,
    pub fixes: f64,
    pub body: f64,
}

/// Sorted, for `binary_search` (a test checks).
const STOP_WORDS: [&str; 32] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "i",
    "if", "in", "is", "it", "its", "my", "no", "not", "of", "on", "or", "so", "that", "the",
    "this", "to", "was", "with",
];

/// Placeholders, URL schemes, UUIDs, ISO dates and times, clock times, `0x…`: one pattern, leftmost match
/// first, the same in search.js. ASCII digits only, as JavaScript's `[0-9]`.
static NOISE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\{\{ *[a-z][a-z0-9_-]* *\}\}|",
        r"[a-z][a-z0-9+.-]*://",
        r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:z|[+-][0-9]{2}:?[0-9]{2})?)?",
        r"|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?",
        r"|0x[0-9a-f]+",
    ))
    .ok()
});

/// Lower-cases `text` and blanks out the noise that no page should be found by.
fn strip_noise(text: &str) -> String {
    let lower = text.to_lowercase();
    let Some(noise) = NOISE.as_ref() else {
        return lower;
    };
    let s = noise.replace_all(&lower, " ");
    if !s.contains('/') {
        return s.into_owned();
    }
    // A path's directories are noise; its file name is not. Keep a first segment that looks like
    // a host (`chatgpt.com/backend-api/...`).
    s.split_whitespace()
        .map(|chunk| {
            if !chunk.contains('/') {
                return chunk.to_string();
            }
            let segments: Vec<&str> = chunk.split('/').collect();
            let first = segments[0];
            let last = segments[segments.len() - 1];
            if segments.len() > 2 && first.contains('.') && !first.starts_with('.') {
                format!("{first} {last}")
            } else {
                last.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || c == '.'
}

fn is_noise_token(t: &str) -> bool {
    // One pass over the bytes: every rule below is a count compared with the length.
    let (mut chars, mut digits, mut letters, mut dots, mut hex) = (0, 0, 0, 0, 0);
    for b in t.bytes() {
        chars += usize::from(b & 0xC0 != 0x80); // not a UTF-8 continuation byte
        digits += usize::from(b.is_ascii_digit());
        letters += usize::from(b.is_ascii_alphabetic());
        dots += usize::from(b == b'.');
        hex += usize::from(b.is_ascii_hexdigit());
    }
    let len = t.len();
    if chars < 2 {
        return true;
    }
    if digits == len {
        return len >= 4;
    }
    if digits + dots == len {
        return true; // version numbers and IP addresses: their parts stay
    }
    if digits + letters == len && chars >= 16 && digits > 0 && letters > 0 {
        return true; // request ids, hashes
    }
    if chars >= 12 && hex == len {
        return true;
    }
    letters == len && len <= STOP_WORD_MAX_LEN && STOP_WORDS.binary_search(&t).is_ok()
}

/// The longest of [`STOP_WORDS`] (a test checks).
const STOP_WORD_MAX_LEN: usize = 4;

/// The search tokens of a text, in order, noise removed; compounds whole and split.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each of the [`tokens`] of `text`, without allocating one string per token.
fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let clean = strip_noise(text);
    for run in clean.split(|c: char| !is_word_char(c)) {
        let signed = run.trim_end_matches(['.', '-', '_']);
        if is_negative_code(signed) {
            f(signed);
            continue;
        }
        let word = run.trim_matches(|c| c == '.' || c == '-' || c == '_');
        if word.is_empty() {
            continue;
        }
        if !is_noise_token(word) {
            f(word);
        }
        if word.contains(['.', '-', '_']) {
            for part in word.split(['.', '-', '_']) {
                if !part.is_empty() && !is_noise_token(part) {
                    f(part);
                }
            }
        }
    }
}

/// A negative number of 4 to 6 digits, such as JSON-RPC's `-32001` (MCP's "Request timed out"):
/// an error code, kept whole with its sign, where other long numbers are noise.
fn is_negative_code(run: &str) -> bool {
    run.strip_prefix('-').is_some_and(|digits| {
        (4..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A placeholder of a signature, variant or context line: `{{name}}` (spaces inside the braces
/// allowed), the part of a message that changes between occurrences (a server name, a count, a
/// time). It matches any words; docs/authoring.md documents it and `check` validates it.
pub static PLACEHOLDER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{\{ *([A-Za-z][A-Za-z0-9_-]*) *\}\}").ok());

/// One token of a pattern: a word, or a placeholder standing for up to [`MAX_GAP`] words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Word(String),
    Gap,
}

/// The tokens of a signature, variant or context line, in order, with its placeholders as gaps.
pub fn pattern_tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut last = 0;
    if let Some(re) = PLACEHOLDER.as_ref() {
        for m in re.find_iter(text) {
            out.extend(tokens(&text[last..m.start()]).into_iter().map(Tok::Word));
            out.push(Tok::Gap);
            last = m.end();
        }
    }
    out.extend(tokens(&text[last..]).into_iter().map(Tok::Word));
    out
}

/// The lines of a signature or variant that are matched on their own: a signature may be a
/// block of several lines (an error and its hint lines), matched line by line.
pub fn pattern_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_codes_stay_other_long_numbers_go() {
        assert_eq!(
            tokens(r#"MCP error -32001: Request timed out {"code":-32600} pid 12345 -1 a-32001"#),
            [
                "mcp", "error", "-32001", "request", "timed", "out", "code", "-32600", "pid",
                "a-32001"
            ]
        );
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.is_sorted());
        assert_eq!(
            STOP_WORDS.iter().map(|w| w.len()).max(),
            Some(STOP_WORD_MAX_LEN)
        );
        assert!(
            STOP_WORDS
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        );
        assert!(is_noise_token("the") && is_noise_token("with") && !is_noise_token("token"));
    }

    #[test]
    fn tokens_keep_codes_and_compounds_and_drop_noise() {
        let t = tokens(
            "2026-03-14T09:12:44.123Z [ERROR] API Error: 401 rate_limit_error req_011CZoxfN7gfaRaHPMWyHxLq \
             at /home/alice/project/src/app.ts:42:7 ECONNRESET E0382 0xdeadbeef 550e8400-e29b-41d4-a716-446655440000 12345 https://api.anthropic.com/v1/messages",
        );
        for keep in [
            "error",
            "api",
            "401",
            "rate_limit_error",
            "rate",
            "limit",
            "req",
            "app.ts",
            "econnreset",
            "e0382",
            "api.anthropic.com",
            "anthropic",
            "messages",
        ] {
            assert!(t.contains(&keep.to_string()), "{keep} missing from {t:?}");
        }
        for drop in [
            "2026",
            "09",
            "011czoxfn7gfarahpmwyhxlq",
            "home",
            "alice",
            "src",
            "0xdeadbeef",
            "12345",
            "https",
            "at",
            "deadbeef",
        ] {
            assert!(!t.contains(&drop.to_string()), "{drop} kept in {t:?}");
        }
    }
}

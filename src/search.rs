//! Finding the fix for a pasted error: one algorithm for `errdex search`, `errdex match` and the
//! index that `static/search.js` reads (which implements the same ranking, line for line).
//!
//! Why not the usual static-site search: Pagefind and elasticlunr intersect every query word, so
//! one word of noise in a pasted log line (a timestamp, a request id) empties the results. Here:
//!
//! - **Tokens**: lower-cased runs of letters, digits, `-`, `_`, `.`; a compound token
//!   (`rate_limit_error`, `api.anthropic.com`) is kept whole *and* split into its parts.
//! - **Noise** is dropped the same way from documents and queries: URL schemes, UUIDs, `0x…`,
//!   ISO dates and times, numbers of 4+ digits, long hex or random-looking ids, the directories of
//!   file paths, and a short stop list.
//! - **Fields are weighted** (signature and variants highest, then title and code, tags, summary,
//!   then causes and fixes), summed into one weighted term frequency per page. The body is not
//!   indexed: on tests/search/queries.yaml it barely moved the ranking while doubling the
//!   index's size and time.
//! - **OR semantics** with BM25 scoring and a **coverage boost**: a page that matches more of the
//!   query's rare words ranks higher. Query words found in no page are ignored, never ANDed.
//! - The **last word** of a query that does not end in a space is also matched as a prefix (for
//!   typing), and a longer word found in no page is matched to words one edit away (typos).
//!
//! The index is integers (weighted term frequencies ×10, lengths ×10), so Rust and JavaScript
//! compute the same floating-point scores; final scores are rounded to 6 decimals and ties go to
//! the page that comes first by id.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::entry::Entry;
use crate::markdown;

/// Field weights. Tuned on tests/search/queries.yaml (see the closing note of the search issue).
pub const WEIGHTS: Weights = Weights {
    signature: 3.0,
    title: 2.0,
    code: 2.0,
    tags: 1.5,
    summary: 1.0,
    fixes: 0.5,
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

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Weights {
    pub signature: f64,
    pub title: f64,
    pub code: f64,
    pub tags: f64,
    pub summary: f64,
    pub fixes: f64,
}

/// Sorted, for `binary_search` (a test checks).
const STOP_WORDS: [&str; 32] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "i",
    "if", "in", "is", "it", "its", "my", "no", "not", "of", "on", "or", "so", "that", "the",
    "this", "to", "was", "with",
];

/// URL schemes, UUIDs, ISO dates and times, clock times, `0x…`: one pattern, leftmost match
/// first, the same in search.js. ASCII digits only, as JavaScript's `[0-9]`.
static NOISE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
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

/// What a search result shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocMeta {
    pub id: String,
    pub title: String,
    pub url: String,
    pub tool: String,
    pub code: String,
    pub signature: String,
    pub summary: String,
    /// Inline Markdown of the first thing to try.
    pub quick_fix: String,
}

/// The inverted index: integer weighted term frequencies, so every implementation scores alike.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub docs: Vec<DocMeta>,
    /// Weighted length of each document, ×10.
    pub lengths: Vec<u32>,
    /// term → postings (document, weighted term frequency ×10), by document.
    pub terms: BTreeMap<String, Vec<(u32, u32)>>,
}

/// One document's terms with their weighted frequencies ×10, its weighted length ×10, and what
/// its result shows.
/// What one core has indexed: every term it met, once, with its postings (document, weighted
/// term frequency so far), and its documents' weighted lengths and metadata.
#[derive(Default)]
struct Part {
    terms: FxHashMap<String, Vec<(u32, f64)>>,
    docs: Vec<(u32, f64, DocMeta)>,
}

impl Part {
    /// Counts the tokens of one field of document `doc`, which is the last one counted so far.
    fn add_field(&mut self, doc: u32, length: &mut f64, text: &str, weight: f64) {
        for_each_token(text, |t| {
            match self.terms.get_mut(t) {
                Some(postings) => match postings.last_mut() {
                    Some((d, tf)) if *d == doc => *tf += weight,
                    _ => postings.push((doc, weight)),
                },
                None => {
                    self.terms.insert(t.to_string(), vec![(doc, weight)]);
                }
            }
            *length += weight;
        });
    }

    /// Both parts' postings in one (document order is restored at the end).
    fn merge(self, other: Part) -> Part {
        let (mut big, small) = if self.terms.len() >= other.terms.len() {
            (self, other)
        } else {
            (other, self)
        };
        for (term, postings) in small.terms {
            big.terms.entry(term).or_default().extend(postings);
        }
        big.docs.extend(small.docs);
        big
    }
}

impl Index {
    /// Indexes the entries (sorted by id), with URLs under `base_path`.
    pub fn build(
        entries: &[std::sync::Arc<Entry>],
        tool_titles: &BTreeMap<String, String>,
        base_path: &str,
    ) -> Index {
        use rayon::prelude::*;
        let w = WEIGHTS;
        // Documents are counted on every core, each core keeping one copy of each term it
        // meets; the cores' postings are merged, then sorted by document.
        let part = entries
            .par_iter()
            .enumerate()
            .fold(Part::default, |mut part, (d, e)| {
                let doc = d as u32;
                let mut length = 0.0;
                part.add_field(doc, &mut length, &e.signature.value, w.signature);
                for v in &e.variants {
                    part.add_field(doc, &mut length, v, w.signature);
                }
                part.add_field(doc, &mut length, &e.title, w.title);
                if let Some(code) = &e.code {
                    part.add_field(doc, &mut length, code, w.code);
                }
                for t in e.tags.iter().chain(e.applies_to.iter()) {
                    part.add_field(doc, &mut length, t, w.tags);
                }
                part.add_field(doc, &mut length, &e.summary, w.summary);
                let fixes = e
                    .causes
                    .iter()
                    .chain(&e.quick_fixes)
                    .chain(std::iter::once(&e.quick_fix));
                for f in fixes {
                    part.add_field(doc, &mut length, &markdown::plain_text(f), w.fixes);
                }
                let meta = DocMeta {
                    id: e.id.clone(),
                    title: e.title.clone(),
                    url: format!("{base_path}{}/", e.id),
                    tool: tool_titles
                        .get(&e.tool)
                        .cloned()
                        .unwrap_or_else(|| e.tool.clone()),
                    code: e.code.clone().unwrap_or_default(),
                    signature: e.signature.value.clone(),
                    summary: e.summary.clone(),
                    quick_fix: e.quick_fix.clone(),
                };
                part.docs.push((doc, length, meta));
                part
            })
            .reduce(Part::default, Part::merge);
        let mut index = Index::default();
        let mut docs = part.docs;
        docs.sort_unstable_by_key(|(d, _, _)| *d);
        for (_, length, meta) in docs {
            index.lengths.push((length * 10.0).round() as u32);
            index.docs.push(meta);
        }
        index.terms = part
            .terms
            .into_iter()
            .map(|(term, mut postings)| {
                postings.sort_unstable_by_key(|(d, _)| *d);
                let postings = postings
                    .into_iter()
                    .map(|(d, tf)| (d, (tf * 10.0).round() as u32))
                    .collect();
                (term, postings)
            })
            .collect();
        index
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Position in `Index::docs`.
    pub doc: usize,
    pub score: f64,
    /// The index terms of the query that this page matched.
    pub matched: Vec<String>,
}

/// One query word and the index terms that may stand for it, with their weights.
struct Slot {
    alternatives: Vec<(String, f64)>,
}

/// True when `b` is one edit from `a`: one character changed, inserted or deleted, or two
/// neighbours swapped (the commonest typo), i.e. an optimal-string-alignment distance of 1.
fn within_one_edit(a: &str, b: &str) -> bool {
    // The length test first: most index terms are ruled out without a distance table.
    a.chars().count().abs_diff(b.chars().count()) <= 1 && strsim::osa_distance(a, b) == 1
}

/// The query's slots: each distinct known word; the last word also as a prefix while typing;
/// unknown longer words by their one-edit neighbours.
fn slots<'a>(
    query: &str,
    vocabulary: impl Fn() -> Box<dyn Iterator<Item = &'a String> + 'a>,
    has: impl Fn(&str) -> bool,
) -> Vec<Slot> {
    let words = tokens(query);
    let typing = !query.ends_with(char::is_whitespace);
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if seen.contains(&word.as_str()) {
            continue;
        }
        seen.push(word);
        let mut alternatives = Vec::new();
        if has(word) {
            alternatives.push((word.clone(), 1.0));
        }
        if typing && i == words.len() - 1 {
            alternatives.extend(
                vocabulary()
                    .filter(|t| *t != word && t.starts_with(word.as_str()))
                    .take(MAX_EXPANSIONS)
                    .map(|t| (t.clone(), PREFIX_WEIGHT)),
            );
        }
        if alternatives.is_empty() && word.chars().count() >= 5 {
            alternatives.extend(
                vocabulary()
                    .filter(|t| within_one_edit(word, t))
                    .map(|t| (t.clone(), TYPO_WEIGHT)),
            );
        }
        if !alternatives.is_empty() {
            out.push(Slot { alternatives });
        }
    }
    out
}

/// Ranks the pages for a query, best first.
pub fn rank(index: &Index, query: &str, limit: usize) -> Vec<Hit> {
    let n = index.docs.len() as f64;
    if index.docs.is_empty() {
        return Vec::new();
    }
    let total: f64 = index.lengths.iter().map(|&l| f64::from(l)).sum();
    let avg = total / n;
    let slots = slots(
        query,
        || Box::new(index.terms.keys()),
        |t| index.terms.contains_key(t),
    );
    let mut scores = vec![0.0f64; index.docs.len()];
    let mut covered = vec![0.0f64; index.docs.len()];
    let mut matched: Vec<Vec<String>> = vec![Vec::new(); index.docs.len()];
    let mut possible = 0.0;
    for slot in &slots {
        let mut best = vec![0.0f64; index.docs.len()];
        let mut best_idf = vec![0.0f64; index.docs.len()];
        let mut best_term: Vec<Option<&str>> = vec![None; index.docs.len()];
        let mut slot_max = 0.0f64;
        for (term, weight) in &slot.alternatives {
            let Some(postings) = index.terms.get(term) else {
                continue;
            };
            let df = postings.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            slot_max = slot_max.max(idf * weight);
            for &(doc, wtf) in postings {
                let d = doc as usize;
                let tf = f64::from(wtf) / 10.0;
                let len = f64::from(index.lengths[d]);
                let s = idf * weight * (tf * (K1 + 1.0)) / (tf + K1 * (1.0 - B + B * len / avg));
                if s > best[d] {
                    best[d] = s;
                    best_idf[d] = idf * weight;
                    best_term[d] = Some(term);
                }
            }
        }
        possible += slot_max;
        for d in 0..index.docs.len() {
            if let Some(term) = best_term[d] {
                scores[d] += best[d];
                covered[d] += best_idf[d];
                matched[d].push(term.to_string());
            }
        }
    }
    let mut hits: Vec<Hit> = (0..index.docs.len())
        .filter(|&d| scores[d] > 0.0)
        .map(|d| {
            let coverage = if possible > 0.0 {
                covered[d] / possible
            } else {
                0.0
            };
            let score = scores[d] * (1.0 + COVERAGE * coverage);
            Hit {
                doc: d,
                score: (score * 1e6).round() / 1e6,
                matched: std::mem::take(&mut matched[d]),
            }
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    let floor = hits.first().map_or(0.0, |h| h.score * MIN_RELATIVE_SCORE);
    hits.retain(|h| h.score >= floor);
    hits.truncate(limit);
    hits
}

/// A known error found in a log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogMatch {
    /// The first log line (1-based) where it appears.
    pub line: usize,
    /// Position in `Index::docs`.
    pub doc: usize,
    /// How many lines matched it.
    pub count: usize,
}

/// Share of a signature's weight (its words' idf) that a log line must contain to match it.
pub const MATCH_THRESHOLD: f64 = 0.7;

/// Finds the log lines that carry a known error's signature or one of its variants.
pub struct Matcher<'a> {
    index: &'a Index,
    /// term → (document, signature number) of every signature or variant that has it.
    postings: HashMap<String, Vec<(usize, usize)>>,
    /// (document, signature number) → total idf of its distinct words.
    weights: HashMap<(usize, usize), f64>,
    idf: HashMap<String, f64>,
}

impl<'a> Matcher<'a> {
    /// `signatures[d]` holds document `d`'s signature and variants.
    pub fn new(index: &'a Index, signatures: &[Vec<String>]) -> Self {
        let n = index.docs.len() as f64;
        let mut m = Matcher {
            index,
            postings: HashMap::new(),
            weights: HashMap::new(),
            idf: HashMap::new(),
        };
        for (d, sigs) in signatures.iter().enumerate() {
            for (k, sig) in sigs.iter().enumerate() {
                let mut words = tokens(sig);
                words.sort();
                words.dedup();
                let mut weight = 0.0;
                for w in words {
                    let df = index.terms.get(&w).map_or(1, Vec::len) as f64;
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    weight += idf;
                    m.idf.insert(w.clone(), idf);
                    m.postings.entry(w).or_default().push((d, k));
                }
                if weight > 0.0 {
                    m.weights.insert((d, k), weight);
                }
            }
        }
        m
    }

    /// The document a log line shows, if any: of the signatures the line covers enough of, the one
    /// that [`rank`] puts first for that line.
    pub fn match_line(&self, line: &str) -> Option<usize> {
        let mut words = tokens(line);
        words.sort();
        words.dedup();
        let mut covered: HashMap<(usize, usize), f64> = HashMap::new();
        for w in &words {
            if let (Some(list), Some(idf)) = (self.postings.get(w), self.idf.get(w)) {
                for key in list {
                    *covered.entry(*key).or_default() += idf;
                }
            }
        }
        let mut candidates: Vec<usize> = covered
            .iter()
            .filter(|(key, got)| {
                self.weights
                    .get(key)
                    .is_some_and(|w| **got / w >= MATCH_THRESHOLD)
            })
            .map(|((d, _), _)| *d)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.len() {
            0 => None,
            1 => candidates.first().copied(),
            _ => rank(self.index, line, self.index.docs.len())
                .into_iter()
                .map(|h| h.doc)
                .find(|d| candidates.contains(d))
                .or(candidates.first().copied()),
        }
    }

    /// Reads a log to its end, a line at a time, and returns each known error once, at its first
    /// line, in order of appearance. Any size and any bytes: a log that starts with a UTF-16 byte
    /// order mark is decoded as UTF-16 (PowerShell writes those), a UTF-8 one is skipped, invalid
    /// UTF-8 is replaced, and a line is matched on its first [`MAX_LINE_BYTES`] bytes (the rest is
    /// read and dropped), so memory stays bounded whatever the input.
    pub fn scan(&self, log: impl std::io::Read) -> std::io::Result<Vec<LogMatch>> {
        let mut log = std::io::BufReader::new(encoding_rs_io::DecodeReaderBytes::new(log));
        let mut found: Vec<LogMatch> = Vec::new();
        let mut buf = Vec::with_capacity(MAX_LINE_BYTES);
        let mut line_no = 0;
        while read_line_capped(&mut log, &mut buf, MAX_LINE_BYTES)? {
            line_no += 1;
            let text = String::from_utf8_lossy(&buf);
            if let Some(doc) = self.match_line(&text) {
                match found.iter_mut().find(|m| m.doc == doc) {
                    Some(m) => m.count += 1,
                    None => found.push(LogMatch {
                        line: line_no,
                        doc,
                        count: 1,
                    }),
                }
            }
        }
        Ok(found)
    }
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

/// FNV-1a, 32 bits, over UTF-8: which shard a term lives in (search.js computes the same).
pub fn shard_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Postings per term shard, and documents per document shard: small enough that a query on a
/// 10,000-page site fetches well under 250 KB gzipped.
const POSTINGS_PER_SHARD: usize = 3000;
pub const DOCS_PER_SHARD: usize = 400;

#[derive(Serialize)]
struct Params {
    k1: f64,
    b: f64,
    coverage: f64,
    prefix_weight: f64,
    typo_weight: f64,
    max_expansions: usize,
    min_relative_score: f64,
}

#[derive(Serialize)]
struct MainIndex<'a> {
    version: u32,
    params: Params,
    lengths: &'a [u32],
    terms: Vec<&'a str>,
    df: Vec<usize>,
    term_shards: Vec<String>,
    doc_shards: Vec<String>,
    doc_shard_size: usize,
}

/// A file of the search index: its path under the output folder and its text.
pub struct IndexFile {
    pub path: String,
    pub text: String,
}

/// `name.<fingerprint>.json`: the content's hash in the name, so it can be cached forever.
pub fn fingerprint(name: &str, ext: &str, content: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in content {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{name}.{:08x}.{ext}", h >> 32)
}

/// The index as the files `build` writes under `search/`: the manifest, the main index, then
/// the shards.
pub fn index_files(index: &Index) -> Vec<IndexFile> {
    let mut files = Vec::new();
    let term_names = term_shards(index, &mut files);
    let doc_names = doc_shards(index, &mut files);
    let main = MainIndex {
        version: 1,
        params: Params {
            k1: K1,
            b: B,
            coverage: COVERAGE,
            prefix_weight: PREFIX_WEIGHT,
            typo_weight: TYPO_WEIGHT,
            max_expansions: MAX_EXPANSIONS,
            min_relative_score: MIN_RELATIVE_SCORE,
        },
        lengths: &index.lengths,
        terms: index.terms.keys().map(String::as_str).collect(),
        df: index.terms.values().map(Vec::len).collect(),
        term_shards: term_names,
        doc_shards: doc_names,
        doc_shard_size: DOCS_PER_SHARD,
    };
    let text = serde_json::to_string(&main).unwrap_or_default();
    let path = format!("search/{}", fingerprint("index", "json", text.as_bytes()));
    // Pages point at this small, unfingerprinted manifest (as Pagefind's entry file), so a
    // change to the index does not change every page that has a search box.
    let manifest = serde_json::json!({ "index": path }).to_string();
    files.insert(0, IndexFile { path, text });
    files.insert(
        0,
        IndexFile {
            path: MANIFEST.into(),
            text: manifest,
        },
    );
    files
}

/// The postings, sharded by term hash, as files; returns their paths.
fn term_shards(index: &Index, files: &mut Vec<IndexFile>) -> Vec<String> {
    let postings: usize = index.terms.values().map(Vec::len).sum();
    let term_shards = postings.div_ceil(POSTINGS_PER_SHARD).max(1);
    let mut shards: Vec<BTreeMap<&str, Vec<u32>>> = vec![BTreeMap::new(); term_shards];
    for (term, list) in &index.terms {
        // Document numbers as gaps from the previous one: long lists of common words compress
        // to almost nothing.
        let mut previous = 0;
        let flat = list
            .iter()
            .flat_map(|&(d, w)| {
                let gap = d - previous;
                previous = d;
                [gap, w]
            })
            .collect();
        shards[shard_hash(term) as usize % term_shards].insert(term, flat);
    }
    let mut names = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let text = serde_json::to_string(shard).unwrap_or_default();
        let path = format!(
            "search/{}",
            fingerprint(&format!("terms-{i}"), "json", text.as_bytes())
        );
        names.push(path.clone());
        files.push(IndexFile { path, text });
    }
    names
}

/// The documents' display fields, in chunks of [`DOCS_PER_SHARD`], as files; returns their
/// paths.
fn doc_shards(index: &Index, files: &mut Vec<IndexFile>) -> Vec<String> {
    let mut names = Vec::new();
    for (i, chunk) in index.docs.chunks(DOCS_PER_SHARD).enumerate() {
        let rows: Vec<[&str; 7]> = chunk
            .iter()
            .map(|d| {
                [
                    &d.id,
                    &d.title,
                    &d.url,
                    &d.tool,
                    &d.code,
                    &d.signature,
                    &d.summary,
                ]
                .map(String::as_str)
            })
            .collect();
        let text = serde_json::to_string(&rows).unwrap_or_default();
        let path = format!(
            "search/{}",
            fingerprint(&format!("docs-{i}"), "json", text.as_bytes())
        );
        names.push(path.clone());
        files.push(IndexFile { path, text });
    }
    names
}

/// Where pages find the search index: it names the fingerprinted main index.
pub const MANIFEST: &str = "search/manifest.json";

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

    #[test]
    fn one_edit() {
        assert!(within_one_edit("overloaded", "overlaoded"));
        assert!(within_one_edit("overloaded", "overloded"));
        assert!(!within_one_edit("expired", "exprid"));
        assert!(!within_one_edit("token", "token"));
        assert!(within_one_edit("token", "tokens"));
        assert!(within_one_edit("token", "tiken"));
    }
}

//! The inverted index of a site's entries, and the files `build` writes for the browser.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{
    B, COVERAGE, K1, MAX_EXPANSIONS, MAX_GAP, MAX_PHRASE_WORDS, MAX_TYPED_WORDS,
    MIN_RELATIVE_SCORE, PHRASE, PREFIX_WEIGHT, RERANK, TOOL_BOOST, TYPO_WEIGHT, WEIGHTS,
    for_each_token, rank, tokens,
};
use crate::entry::Entry;
use crate::markdown;

/// What a search result shows, and the patterns it is re-ranked and matched by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocMeta {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The tool's display name.
    pub tool: String,
    pub code: String,
    /// The failure class (`auth`), or empty.
    pub kind: String,
    pub signature: String,
    /// Inline Markdown of the first thing to try.
    pub quick_fix: String,
    /// The signature, then the variants, as written (placeholders and line breaks included).
    pub patterns: Vec<String>,
    /// Lines that support a match in a log but never make one alone (`context`).
    pub context: Vec<String>,
}

/// A word of a page's prose (body, checks, steps, prevention, FAQ) is indexed only when the
/// searched fields of at most this share of the pages have it (and at least [`PROSE_MIN_DF`]
/// pages may): rare words find their pages; common ones would cost bytes on every query and
/// barely change a ranking.
pub const PROSE_MAX_DF: f64 = 0.02;
pub const PROSE_MIN_DF: f64 = 5.0;

/// A tool of the site, and the query words that name it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ToolNames {
    pub id: String,
    pub title: String,
    /// Words of the tool's folder name and title that name no other tool and are mostly found on
    /// its own pages (`claude`, `codex`, `ollama`; not `api` or `cli`).
    pub names: Vec<String>,
}

/// The inverted index: integer weighted term frequencies, so every implementation scores alike.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub docs: Vec<DocMeta>,
    /// Weighted length of each document, ×10, rounded to one of the lengths of
    /// [`length_level`]'s steps (so the browser gets one character per document).
    pub lengths: Vec<u32>,
    /// term → postings (document, weighted term frequency ×10), by document.
    pub terms: BTreeMap<String, Vec<(u32, u32)>>,
    pub tools: Vec<ToolNames>,
    /// Each document's position in `tools`.
    pub doc_tool: Vec<u32>,
}

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
        if weight <= 0.0 {
            return;
        }
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

    /// Counts one entry's fields.
    fn add_entry(&mut self, doc: u32, e: &Entry, meta: DocMeta) {
        let w = WEIGHTS;
        let mut length = 0.0;
        for p in &meta.patterns {
            self.add_field(doc, &mut length, p, w.signature);
        }
        self.add_field(doc, &mut length, &e.title, w.title);
        if let Some(code) = &e.code {
            self.add_field(doc, &mut length, code, w.code);
        }
        for t in e.tags.iter().chain(e.applies_to.iter()) {
            self.add_field(doc, &mut length, t, w.tags);
        }
        self.add_field(doc, &mut length, &e.summary, w.summary);
        let fixes = e
            .causes
            .iter()
            .chain(&e.quick_fixes)
            .chain(std::iter::once(&e.quick_fix));
        for f in fixes {
            self.add_field(doc, &mut length, &markdown::plain_text(f), w.fixes);
        }
        for c in &e.context {
            self.add_field(doc, &mut length, c, w.fixes);
        }
        // The rest of the page's prose is counted once every page's fields are (`add_prose`).
        self.docs.push((doc, length, meta));
    }
}

/// Counts the pages' prose (body, checks, steps, prevention, FAQ) at the lowest weight, and only
/// for the rarer words that some page's searched fields have: a word of the prose finds the
/// pages that say it, below those that name it in a field, without adding the prose's
/// vocabulary to the index every query downloads, or the long posting lists of common words to
/// its shards.
fn add_prose(
    entries: &[std::sync::Arc<Entry>],
    terms: &mut FxHashMap<String, Vec<(u32, f64)>>,
    docs: &mut [(u32, f64, DocMeta)],
) {
    use rayon::prelude::*;
    let weight = WEIGHTS.body;
    if weight <= 0.0 {
        return;
    }
    let rare_df = (entries.len() as f64 * PROSE_MAX_DF).max(PROSE_MIN_DF) as usize;
    let mut rare: Vec<&str> = terms
        .iter()
        .filter(|(_, postings)| postings.len() <= rare_df)
        .map(|(t, _)| t.as_str())
        .collect();
    rare.sort_unstable();
    let id_of: FxHashMap<&str, u32> = rare
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i as u32))
        .collect();
    let counted: Vec<Vec<(u32, f64)>> = entries
        .par_iter()
        .map(|e| {
            let mut tf: FxHashMap<u32, f64> = FxHashMap::default();
            let mut count = |text: &str| {
                super::for_each_token(text, |w| {
                    if let Some(&id) = id_of.get(w) {
                        *tf.entry(id).or_default() += weight;
                    }
                });
            };
            let body: String = markdown::html_words(&e.body_html)
                .collect::<Vec<_>>()
                .join(" ");
            count(&body);
            for item in e.checks.iter().chain(&e.steps).chain(&e.prevention) {
                count(&markdown::plain_text(item));
            }
            for f in &e.faq {
                count(&markdown::plain_text(&f.q));
                count(&markdown::plain_text(&f.a));
            }
            let mut tf: Vec<(u32, f64)> = tf.into_iter().collect();
            tf.sort_unstable_by_key(|&(id, _)| id);
            tf
        })
        .collect();
    let rare: Vec<String> = rare.into_iter().map(str::to_string).collect();
    drop(id_of);
    for (doc, tf) in counted.into_iter().enumerate() {
        for (id, f) in tf {
            if let Some(postings) = terms.get_mut(&rare[id as usize]) {
                postings.push((doc as u32, f));
                docs[doc].1 += f;
            }
        }
    }
}

impl Index {
    /// Indexes the entries (sorted by id), with URLs under `base_path`; `tool_titles` maps each
    /// tool folder to its display name.
    pub fn build(
        entries: &[std::sync::Arc<Entry>],
        tool_titles: &BTreeMap<String, String>,
        base_path: &str,
    ) -> Index {
        use rayon::prelude::*;
        // Documents are counted on every core, each core keeping one copy of each term it
        // meets; the cores' postings are merged, then sorted by document.
        let part = entries
            .par_iter()
            .enumerate()
            .fold(Part::default, |mut part, (d, e)| {
                let meta = DocMeta {
                    id: e.id.clone(),
                    title: e.title.clone(),
                    url: format!("{base_path}{}/", e.id),
                    tool: tool_titles
                        .get(&e.tool)
                        .cloned()
                        .unwrap_or_else(|| e.tool.clone()),
                    code: e.code.clone().unwrap_or_default(),
                    kind: e.kind.clone().unwrap_or_default(),
                    signature: e.signature.value.clone(),
                    quick_fix: e.quick_fix.clone(),
                    patterns: std::iter::once(&e.signature.value)
                        .chain(&e.variants)
                        .cloned()
                        .collect(),
                    context: e.context.clone(),
                };
                part.add_entry(d as u32, e, meta);
                part
            })
            .reduce(Part::default, Part::merge);
        let mut part = part;
        let mut docs = std::mem::take(&mut part.docs);
        docs.sort_unstable_by_key(|(d, _, _)| *d);
        add_prose(entries, &mut part.terms, &mut docs);
        let mut index = Index::default();
        for (_, length, meta) in docs {
            index
                .lengths
                .push(level_length(length_level((length * 10.0).round() as u32)));
            index.docs.push(meta);
        }
        index.terms = part
            .terms
            .into_iter()
            .map(|(term, mut postings)| {
                postings.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                // A page's fields and prose may both hold a term: one posting, their sum.
                let mut merged: Vec<(u32, f64)> = Vec::with_capacity(postings.len());
                for (d, tf) in postings {
                    match merged.last_mut() {
                        Some((last, sum)) if *last == d => *sum += tf,
                        _ => merged.push((d, tf)),
                    }
                }
                let postings = merged
                    .into_iter()
                    .map(|(d, tf)| (d, (tf * 10.0).round() as u32))
                    .collect();
                (term, postings)
            })
            .collect();
        index.name_tools(entries, tool_titles);
        index
    }

    /// Finds the words that name each tool: a word of its folder name or title that is in no
    /// other tool's, and that at least half of the pages holding it belong to the tool (so
    /// `code` of "Claude Code" names it only if the other tools' pages seldom say "code").
    fn name_tools(&mut self, entries: &[std::sync::Arc<Entry>], titles: &BTreeMap<String, String>) {
        let mut tools: Vec<ToolNames> = Vec::new();
        let mut position: BTreeMap<&str, u32> = BTreeMap::new();
        for e in entries {
            let at = *position.entry(e.tool.as_str()).or_insert_with(|| {
                tools.push(ToolNames {
                    id: e.tool.clone(),
                    title: titles
                        .get(&e.tool)
                        .cloned()
                        .unwrap_or_else(|| e.tool.clone()),
                    names: Vec::new(),
                });
                tools.len() as u32 - 1
            });
            self.doc_tool.push(at);
        }
        let words: Vec<Vec<String>> = tools
            .iter()
            .map(|t| {
                let mut w = tokens(&format!("{} {}", t.id, t.title));
                w.sort();
                w.dedup();
                w
            })
            .collect();
        for (i, tool) in tools.iter_mut().enumerate() {
            for word in &words[i] {
                let elsewhere = words
                    .iter()
                    .enumerate()
                    .any(|(j, w)| j != i && w.contains(word));
                let Some(postings) = self.terms.get(word) else {
                    continue;
                };
                let own = postings
                    .iter()
                    .filter(|(d, _)| self.doc_tool[*d as usize] == i as u32)
                    .count();
                if !elsewhere && own * 2 >= postings.len() {
                    tool.names.push(word.clone());
                }
            }
        }
        self.tools = tools;
    }
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

/// Terms per dictionary shard (`terms-<n>`): a query fetches one per distinct word, so they are
/// small; each holds its terms' postings when short, or the number of the file that holds them.
const TERMS_PER_SHARD: usize = 32;
/// A term with more postings than this has a file of its own (`postings-<n>`), fetched only when
/// a query holds the term.
const INLINE_POSTINGS: usize = 24;
/// Terms per shard of the word lists (`words-<n>`), which are read only to complete a typed
/// prefix or to find a typo's neighbours; each term is listed under three keys
/// ([`word_keys`]).
const WORDS_PER_SHARD: usize = 100;
/// Documents per document shard: a search page shows 20 results, each from some shard; small
/// shards waste few rows.
pub const DOCS_PER_SHARD: usize = 10;

/// Document lengths are kept to steps of 10% (as Lucene's one-byte norms): one character per
/// document in the main index, and BM25 barely notices (b = 0.5 halves a length's effect).
const LENGTH_STEP: f64 = 1.1;

/// The step of a length (×10).
pub fn length_level(length: u32) -> u32 {
    if length <= 1 {
        0
    } else {
        (f64::from(length).ln() / LENGTH_STEP.ln()).round() as u32
    }
}

/// The length (×10) that stands for a step.
pub fn level_length(level: u32) -> u32 {
    LENGTH_STEP.powi(level as i32).round() as u32
}

/// The keys a term is listed under in the word lists: its first two characters (prefixes of a
/// typed word), and its length with its first or its last character (a word one edit away from
/// another has the same first or the same last character, and a length one apart at most).
/// search.js computes the same keys.
pub fn word_keys(term: &str) -> [String; 3] {
    let chars: Vec<char> = term.chars().collect();
    let len = chars.len();
    let first = chars.first().copied().unwrap_or(' ');
    let last = chars.last().copied().unwrap_or(' ');
    [
        format!("p{}", chars.iter().take(2).collect::<String>()),
        format!("f{len}{first}"),
        format!("l{len}{last}"),
    ]
}

#[derive(Serialize)]
struct Params {
    k1: f64,
    b: f64,
    coverage: f64,
    prefix_weight: f64,
    typo_weight: f64,
    max_expansions: usize,
    min_relative_score: f64,
    max_typed_words: usize,
    tool_boost: f64,
    rerank: usize,
    phrase: f64,
    max_gap: usize,
    max_phrase_words: usize,
    confident: ConfidentParams,
}

/// The thresholds of [`super::rank::confident`].
#[derive(Serialize)]
struct ConfidentParams {
    margin: f64,
    phrase: f64,
    coverage: f64,
    whole_line: usize,
    explained: f64,
}

/// A tool in the main index: the words that name it and its documents as runs
/// `[first, count, first, count, ...]`.
#[derive(Serialize)]
struct ToolRow<'a> {
    id: &'a str,
    title: &'a str,
    names: &'a [String],
    docs: Vec<u32>,
}

/// A family of shards: how many, and the path of shard `n` as `path` with `{}` replaced by `n`.
#[derive(Serialize)]
struct Family {
    count: usize,
    path: String,
}

/// What every query needs, and nothing that grows with the vocabulary.
#[derive(Serialize)]
struct MainIndex<'a> {
    version: u32,
    params: Params,
    /// Each document's length as one character: its position in `lengths`, from `0`
    /// (skipping `\`).
    norms: String,
    lengths: Vec<u32>,
    tools: Vec<ToolRow<'a>>,
    /// Each document's kind as one letter of `kind_ids` (`-`: none), for the kind filter.
    kinds: String,
    kind_ids: Vec<&'a str>,
    terms: Family,
    words: Family,
    postings: Family,
    docs: Family,
    doc_shard_size: usize,
}

/// Runs of consecutive documents of each tool.
fn tool_rows(index: &Index) -> Vec<ToolRow<'_>> {
    let mut rows: Vec<ToolRow> = index
        .tools
        .iter()
        .map(|t| ToolRow {
            id: &t.id,
            title: &t.title,
            names: &t.names,
            docs: Vec::new(),
        })
        .collect();
    let mut d = 0;
    while d < index.doc_tool.len() {
        let tool = index.doc_tool[d];
        let start = d;
        while d < index.doc_tool.len() && index.doc_tool[d] == tool {
            d += 1;
        }
        rows[tool as usize]
            .docs
            .extend([start as u32, (d - start) as u32]);
    }
    rows
}

/// The kinds of the documents, one letter each.
fn kind_letters(index: &Index) -> (String, Vec<&str>) {
    let mut ids: Vec<&str> = index
        .docs
        .iter()
        .map(|d| d.kind.as_str())
        .filter(|k| !k.is_empty())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let letters = index
        .docs
        .iter()
        .map(|d| match ids.iter().position(|k| *k == d.kind) {
            Some(i) => char::from(b'a' + (i % 26) as u8),
            None => '-',
        })
        .collect();
    (letters, ids)
}

/// The documents' lengths as one character each, and the lengths the characters stand for.
fn norms(index: &Index) -> (String, Vec<u32>) {
    let mut lengths: Vec<u32> = index.lengths.clone();
    lengths.sort_unstable();
    lengths.dedup();
    let text = index
        .lengths
        .iter()
        .map(|l| {
            let at = lengths.binary_search(l).unwrap_or(0) as u32;
            // From `0`, skipping `\`, which JSON would escape.
            let code = 0x30 + at;
            char::from_u32(if code >= 0x5c { code + 1 } else { code }).unwrap_or('0')
        })
        .collect();
    (text, lengths)
}

/// A file of the search index: its path under the output folder and its text.
pub struct IndexFile {
    pub path: String,
    pub text: String,
}

/// FNV-1a, 64 bits: a fast, stable hash of some bytes (file fingerprints, page texts).
pub fn fnv1a64(content: &[u8]) -> u64 {
    fnv1a64_parts([content])
}

/// FNV-1a, 64 bits, over the parts one after the other.
fn fnv1a64_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `name.<fingerprint>.json`: the content's hash in the name, so it can be cached forever.
pub fn fingerprint(name: &str, ext: &str, content: &[u8]) -> String {
    format!("{name}.{:08x}.{ext}", fnv1a64(content) >> 32)
}

/// The index as the files `build` writes under `search/`, in `form`: the manifest, the main
/// index, then the shards.
pub fn index_files(index: &Index, form: Form) -> Vec<IndexFile> {
    let mut files = Vec::new();
    let (term_shards, lists) = term_shards(index);
    let terms = push_family(&mut files, form, "terms", &term_shards);
    let postings = push_family(&mut files, form, "postings", &lists);
    let words = push_family(&mut files, form, "words", &word_shards(index));
    let docs = push_family(&mut files, form, "docs", &doc_shards(index));
    let (kinds, kind_ids) = kind_letters(index);
    let (norms, lengths) = norms(index);
    let main = MainIndex {
        version: 3,
        params: Params {
            k1: K1,
            b: B,
            coverage: COVERAGE,
            prefix_weight: PREFIX_WEIGHT,
            typo_weight: TYPO_WEIGHT,
            max_expansions: MAX_EXPANSIONS,
            min_relative_score: MIN_RELATIVE_SCORE,
            max_typed_words: MAX_TYPED_WORDS,
            tool_boost: TOOL_BOOST,
            rerank: RERANK,
            phrase: PHRASE,
            max_gap: MAX_GAP,
            max_phrase_words: MAX_PHRASE_WORDS,
            confident: ConfidentParams {
                margin: rank::CONFIDENT_MARGIN,
                phrase: rank::CONFIDENT_PHRASE,
                coverage: rank::CONFIDENT_COVERAGE,
                whole_line: rank::CONFIDENT_WHOLE_LINE,
                explained: rank::CONFIDENT_EXPLAINED,
            },
        },
        norms,
        lengths,
        tools: tool_rows(index),
        kinds,
        kind_ids,
        terms,
        words,
        postings,
        docs,
        doc_shard_size: DOCS_PER_SHARD,
    };
    let text = serde_json::to_string(&main).unwrap_or_default();
    let index_file = form.file("index", text);
    // Pages point at this small, unfingerprinted manifest (as Pagefind's entry file), so a
    // change to the index does not change every page that has a search box.
    let manifest = serde_json::json!({ "index": index_file.path }).to_string();
    files.insert(0, index_file);
    files.insert(0, form.file_at(form.manifest().into(), manifest));
    files
}

/// Adds a family of shards as files `search/<name>-<n>.<fingerprint>.<ext>`, one fingerprint
/// for the family (so the main index names it once, however many shards it has).
fn push_family(
    files: &mut Vec<IndexFile>,
    form: Form,
    name: &str,
    shards: &[impl Serialize],
) -> Family {
    let texts: Vec<String> = shards
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
    let hash = fnv1a64_parts(texts.iter().map(String::as_bytes)) >> 32;
    let ext = form.ext();
    let path = format!("search/{name}-{{}}.{hash:08x}.{ext}");
    for (i, text) in texts.into_iter().enumerate() {
        files.push(form.file_at(path.replace("{}", &i.to_string()), text));
    }
    Family {
        count: shards.len(),
        path,
    }
}

/// A term of a dictionary shard: its postings (each document as the gap from the previous one,
/// then each one's weighted term frequency: `[gap, gap, ..., wtf, wtf, ...]`), the number of the `postings` file that holds them, or, for a
/// term too common to score ([`super::rank::too_common`]), only its document frequency.
#[derive(Serialize)]
#[serde(untagged)]
enum TermEntry {
    Postings(Vec<u32>),
    File { file: usize, df: usize },
    Common(usize),
}

/// The dictionary, sharded by term hash, and the long posting lists, each a file of its own.
fn term_shards(index: &Index) -> (Vec<BTreeMap<&str, TermEntry>>, Vec<Vec<u32>>) {
    let count = index.terms.len().div_ceil(TERMS_PER_SHARD).max(1);
    let mut shards: Vec<BTreeMap<&str, TermEntry>> = (0..count).map(|_| BTreeMap::new()).collect();
    let mut lists = Vec::new();
    let n = index.docs.len();
    for (term, list) in &index.terms {
        let entry = if rank::too_common(list.len(), n) {
            TermEntry::Common(list.len())
        } else {
            // Document numbers as gaps from the previous one, then the weights: two runs of
            // alike numbers, which compress better than pairs.
            let mut previous = 0;
            let mut flat: Vec<u32> = list
                .iter()
                .map(|&(d, _)| {
                    let gap = d - previous;
                    previous = d;
                    gap
                })
                .collect();
            flat.extend(list.iter().map(|&(_, w)| w));
            if list.len() > INLINE_POSTINGS {
                lists.push(flat);
                TermEntry::File {
                    file: lists.len() - 1,
                    df: list.len(),
                }
            } else {
                TermEntry::Postings(flat)
            }
        };
        shards[shard_hash(term) as usize % count].insert(term, entry);
    }
    (shards, lists)
}

/// The vocabulary for typing and typos: each shard a sorted list of the terms listed under the
/// keys ([`word_keys`]) that hash to it.
fn word_shards(index: &Index) -> Vec<Vec<&str>> {
    let count = (index.terms.len() * 3).div_ceil(WORDS_PER_SHARD).max(1);
    let mut shards: Vec<Vec<&str>> = vec![Vec::new(); count];
    for term in index.terms.keys() {
        let mut at: Vec<usize> = word_keys(term)
            .iter()
            .map(|k| shard_hash(k) as usize % count)
            .collect();
        at.sort_unstable();
        at.dedup();
        for i in at {
            // Terms come in order, so each shard stays sorted.
            shards[i].push(term);
        }
    }
    shards
}

/// The documents' display fields, in chunks of [`DOCS_PER_SHARD`].
fn doc_shards(index: &Index) -> Vec<Vec<Vec<serde_json::Value>>> {
    index
        .docs
        .chunks(DOCS_PER_SHARD)
        .map(|chunk| {
            // A row: id, title, URL, tool, code, kind, the quick fix as plain text, the weight
            // of each line of each pattern, then the signature and the variants (the patterns
            // that results are re-ranked by).
            chunk
                .iter()
                .map(|d| {
                    let weights: Vec<Vec<f64>> = d
                        .patterns
                        .iter()
                        .map(|p| rank::line_weights(index, p))
                        .collect();
                    let mut row: Vec<serde_json::Value> = [
                        &d.id,
                        &d.title,
                        &d.url,
                        &d.tool,
                        &d.code,
                        &d.kind,
                        &markdown::plain_text(&d.quick_fix),
                    ]
                    .into_iter()
                    .map(|s| serde_json::Value::from(s.as_str()))
                    .collect();
                    row.push(serde_json::json!(weights));
                    row.extend(
                        d.patterns
                            .iter()
                            .map(|p| serde_json::Value::from(p.as_str())),
                    );
                    row
                })
                .collect()
        })
        .collect()
}

/// Where pages find the search index: it names the fingerprinted main index.
pub const MANIFEST: &str = "search/manifest.json";

/// How the index's files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// JSON, which the search script fetches: for a site on a server.
    Json,
    /// Scripts, each `errdexSearchData("<its path>", <the JSON>);`, which the search script
    /// loads with `<script>` elements: for a site opened from disk, where browsers refuse
    /// `fetch()` (`build --relative-urls`).
    Script,
}

impl Form {
    /// The manifest's path under the output folder.
    pub fn manifest(self) -> &'static str {
        match self {
            Form::Json => MANIFEST,
            Form::Script => "search/manifest.js",
        }
    }

    /// The files' extension.
    fn ext(self) -> &'static str {
        match self {
            Form::Json => "json",
            Form::Script => "js",
        }
    }

    /// The file `search/<name>.<fingerprint of the JSON>.<json or js>` holding `json`.
    fn file(self, name: &str, json: String) -> IndexFile {
        let path = format!("search/{}", fingerprint(name, self.ext(), json.as_bytes()));
        self.file_at(path, json)
    }

    /// The file at `path` holding `json`.
    fn file_at(self, path: String, json: String) -> IndexFile {
        let text = match self {
            Form::Json => json,
            Form::Script => {
                let key = serde_json::Value::from(path.as_str());
                format!("errdexSearchData({key},{json});\n")
            }
        };
        IndexFile { path, text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_files_hand_the_json_files_data_to_the_page_under_their_own_path() {
        let json = index_files(&Index::default(), Form::Json);
        let script = index_files(&Index::default(), Form::Script);
        assert_eq!(json[0].path, MANIFEST);
        assert_eq!(script[0].path, "search/manifest.js");
        assert_eq!(
            script[0].text,
            format!(
                "errdexSearchData(\"search/manifest.js\",{{\"index\":\"{}\"}});\n",
                script[1].path
            )
        );
        assert_eq!(json.len(), script.len());
        for (j, s) in json.iter().zip(&script).skip(1) {
            // The same data, but for the names of the files it lists; a shard's fingerprint
            // is its data's.
            let data = j.text.replace(".json\"", ".js\"");
            assert_eq!(
                s.text,
                format!("errdexSearchData({:?},{data});\n", s.path),
                "{}",
                s.path
            );
            if !j.path.contains("/index.") {
                assert_eq!(s.path, j.path.replace(".json", ".js"));
            }
        }
    }
}

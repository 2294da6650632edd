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
    /// Weighted length of each document, ×10.
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
            index.lengths.push((length * 10.0).round() as u32);
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

/// Postings per term shard, and documents per document shard: small enough that a query on a
/// 10,000-page site fetches well under 250 KB gzipped.
const POSTINGS_PER_SHARD: usize = 3000;
pub const DOCS_PER_SHARD: usize = 50;

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

#[derive(Serialize)]
struct MainIndex<'a> {
    version: u32,
    params: Params,
    lengths: &'a [u32],
    terms: Vec<&'a str>,
    df: Vec<usize>,
    tools: Vec<ToolRow<'a>>,
    /// Each document's kind as one letter of `kind_ids` (`-`: none), for the kind filter.
    kinds: String,
    kind_ids: Vec<&'a str>,
    term_shards: Vec<String>,
    doc_shards: Vec<String>,
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

/// A file of the search index: its path under the output folder and its text.
pub struct IndexFile {
    pub path: String,
    pub text: String,
}

/// FNV-1a, 64 bits: a fast, stable hash of some bytes (file fingerprints, page texts).
pub fn fnv1a64(content: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in content {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
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
    let term_names = term_shards(index, form, &mut files);
    let doc_names = doc_shards(index, form, &mut files);
    let (kinds, kind_ids) = kind_letters(index);
    let main = MainIndex {
        version: 2,
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
        lengths: &index.lengths,
        terms: index.terms.keys().map(String::as_str).collect(),
        df: index.terms.values().map(Vec::len).collect(),
        tools: tool_rows(index),
        kinds,
        kind_ids,
        term_shards: term_names,
        doc_shards: doc_names,
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

/// The postings, sharded by term hash, as files; returns their paths.
fn term_shards(index: &Index, form: Form, files: &mut Vec<IndexFile>) -> Vec<String> {
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
    shards
        .iter()
        .enumerate()
        .map(|(i, shard)| push_shard(files, form, &format!("terms-{i}"), shard))
        .collect()
}

/// Adds one shard as a fingerprinted file under `search/`; returns its path.
fn push_shard(
    files: &mut Vec<IndexFile>,
    form: Form,
    name: &str,
    value: &impl Serialize,
) -> String {
    let file = form.file(name, serde_json::to_string(value).unwrap_or_default());
    let path = file.path.clone();
    files.push(file);
    path
}

/// The documents' display fields, in chunks of [`DOCS_PER_SHARD`], as files; returns their
/// paths.
fn doc_shards(index: &Index, form: Form, files: &mut Vec<IndexFile>) -> Vec<String> {
    let mut names = Vec::new();
    for (i, chunk) in index.docs.chunks(DOCS_PER_SHARD).enumerate() {
        // A row: id, title, URL, tool, code, kind, the quick fix as plain text, then the
        // signature and the variants (the patterns that results are re-ranked by).
        let rows: Vec<Vec<String>> = chunk
            .iter()
            .map(|d| {
                let mut row = vec![
                    d.id.clone(),
                    d.title.clone(),
                    d.url.clone(),
                    d.tool.clone(),
                    d.code.clone(),
                    d.kind.clone(),
                    markdown::plain_text(&d.quick_fix),
                ];
                row.extend(d.patterns.iter().cloned());
                row
            })
            .collect();
        names.push(push_shard(files, form, &format!("docs-{i}"), &rows));
    }
    names
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

    /// The file `search/<name>.<fingerprint of the JSON>.<json or js>` holding `json`.
    fn file(self, name: &str, json: String) -> IndexFile {
        let ext = match self {
            Form::Json => "json",
            Form::Script => "js",
        };
        let path = format!("search/{}", fingerprint(name, ext, json.as_bytes()));
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
            if j.path.contains("/terms-") {
                assert_eq!(s.path, j.path.replace(".json", ".js"));
            }
        }
    }
}

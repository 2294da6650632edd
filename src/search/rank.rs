//! Ranking the pages for a query, best first, and saying which results are confident.
//!
//! Two stages. The first scores every page that shares a word with the query: BM25 over the
//! weighted term frequencies, OR semantics (query words found in no page are ignored, never
//! ANDed), a coverage boost for pages that hold more of the query's rare words, and a boost for
//! pages of a tool the query names. The second re-ranks the best [`RERANK`] pages by the
//! longest run of a signature's or variant's words that the query holds in order (a phrase
//! counts more than the same words scattered), then decides for each result whether it is
//! confident (see [`confident`]).

use super::index::Index;
use super::{
    B, COVERAGE, K1, MAX_EXPANSIONS, MAX_GAP, MAX_PHRASE_WORDS, MAX_TYPED_WORDS,
    MIN_RELATIVE_SCORE, PHRASE, PREFIX_WEIGHT, RERANK, TOOL_BOOST, TYPO_WEIGHT, Tok, pattern_lines,
    pattern_tokens, tokens,
};
use serde::Serialize;

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Position in `Index::docs`.
    pub doc: usize,
    pub score: f64,
    /// The index terms of the query that this page matched.
    pub matched: Vec<String>,
    /// Whether the page explains the query well enough to be called its answer.
    pub confident: bool,
    /// What the confidence rests on.
    #[serde(skip)]
    pub evidence: Evidence,
}

/// The measurements behind a result's confidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// The longest run of one signature line's (or variant's) words found in order in the query,
    /// as a share of that line's words, and that line's word count.
    pub phrase: f64,
    pub run: usize,
    pub line_words: usize,
    /// The share of the query's distinct words, weighted by rarity (idf; a word in no page
    /// counts as the rarest), that the page's signature and variants hold.
    pub explained: f64,
    /// The share of the query's known words' weight that the page matched (any field).
    pub coverage: f64,
    /// The score's lead over the next result, as a share of the score.
    pub margin: f64,
}

/// One query word and the index terms that may stand for it, with their weights.
struct Slot {
    alternatives: Vec<(String, f64)>,
}

/// True when `b` is one edit from `a`: one character changed, inserted or deleted, or two
/// neighbours swapped (the commonest typo), i.e. an optimal-string-alignment distance of 1.
pub(super) fn within_one_edit(a: &str, b: &str) -> bool {
    // The length test first: most index terms are ruled out without a distance table.
    a.chars().count().abs_diff(b.chars().count()) <= 1 && strsim::osa_distance(a, b) == 1
}

/// The query's slots: each distinct known word; the last word also as a prefix while typing (a
/// short one-line query not ending in a space); unknown longer words by their one-edit
/// neighbours.
fn slots(index: &Index, query: &str, words: &[String]) -> Vec<Slot> {
    let typing = !query.ends_with(char::is_whitespace)
        && !query.contains('\n')
        && words.len() <= MAX_TYPED_WORDS;
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if seen.contains(&word.as_str()) {
            continue;
        }
        seen.push(word);
        let mut alternatives = Vec::new();
        if index.terms.contains_key(word) {
            alternatives.push((word.clone(), 1.0));
        }
        if typing && i == words.len() - 1 {
            alternatives.extend(
                index
                    .terms
                    .keys()
                    .filter(|t| *t != word && t.starts_with(word.as_str()))
                    .take(MAX_EXPANSIONS)
                    .map(|t| (t.clone(), PREFIX_WEIGHT)),
            );
        }
        if alternatives.is_empty() && word.chars().count() >= 5 {
            alternatives.extend(
                index
                    .terms
                    .keys()
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

/// A word found in more than [`COMMON_MIN_DF`] pages and in more than half of them is not scored:
/// it tells pages apart no better than a stop word (in BM25's original idf,
/// ln((n − df + 0.5)/(df + 0.5)), it weighs nothing or less), and its postings would be the
/// largest download of a query on a big site (`error`, `run`). Its rarity still weighs the
/// query's words for phrases and for confidence.
pub const COMMON_MIN_DF: usize = 1000;

/// Whether a term found in `df` of `n` documents is too common to score.
pub fn too_common(df: usize, n: usize) -> bool {
    df > COMMON_MIN_DF && df * 2 > n
}

/// The idf of a term found in `df` of `n` documents (BM25's, always positive).
pub(super) fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Ranks the pages for a query, best first.
pub fn rank(index: &Index, query: &str, limit: usize) -> Vec<Hit> {
    rank_among(index, query, limit, |_| true)
}

/// Ranks the pages that `keep` accepts (the browser's tool and kind filters).
pub fn rank_among(
    index: &Index,
    query: &str,
    limit: usize,
    keep: impl Fn(usize) -> bool,
) -> Vec<Hit> {
    let words = tokens(query);
    let mut hits = first_stage(index, query, &words, &keep);
    let patterns = |d: usize| index.docs[d].patterns.as_slice();
    rerank(index, &mut hits, &words, patterns);
    let floor = hits.first().map_or(0.0, |h| h.score * MIN_RELATIVE_SCORE);
    hits.retain(|h| h.score >= floor);
    hits.truncate(limit);
    hits
}

/// BM25 with the coverage and tool boosts, every page that shares a word, best first.
fn first_stage(
    index: &Index,
    query: &str,
    words: &[String],
    keep: &impl Fn(usize) -> bool,
) -> Vec<Hit> {
    let n_docs = index.docs.len();
    if n_docs == 0 {
        return Vec::new();
    }
    let n = n_docs as f64;
    let total: f64 = index.lengths.iter().map(|&l| f64::from(l)).sum();
    let avg = total / n;
    let slots = slots(index, query, words);
    let mut scores = vec![0.0f64; n_docs];
    let mut covered = vec![0.0f64; n_docs];
    let mut matched: Vec<Vec<String>> = vec![Vec::new(); n_docs];
    let mut possible = 0.0;
    for slot in &slots {
        let mut best = vec![0.0f64; n_docs];
        let mut best_idf = vec![0.0f64; n_docs];
        let mut best_term: Vec<Option<&str>> = vec![None; n_docs];
        let mut slot_max = 0.0f64;
        for (term, weight) in &slot.alternatives {
            let Some(postings) = index.terms.get(term) else {
                continue;
            };
            if too_common(postings.len(), n_docs) {
                continue;
            }
            let idf = idf(n, postings.len() as f64);
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
        for d in 0..n_docs {
            if let Some(term) = best_term[d] {
                scores[d] += best[d];
                covered[d] += best_idf[d];
                matched[d].push(term.to_string());
            }
        }
    }
    let named = named_tools(index, &slots);
    let mut hits: Vec<Hit> = (0..n_docs)
        .filter(|&d| scores[d] > 0.0 && keep(d))
        .map(|d| {
            let coverage = if possible > 0.0 {
                covered[d] / possible
            } else {
                0.0
            };
            let mut score = scores[d] * (1.0 + COVERAGE * coverage);
            if named.contains(&index.doc_tool[d]) {
                score *= 1.0 + TOOL_BOOST;
            }
            Hit {
                doc: d,
                score: round6(score),
                matched: std::mem::take(&mut matched[d]),
                confident: false,
                evidence: Evidence {
                    coverage,
                    ..Evidence::default()
                },
            }
        })
        .collect();
    sort(&mut hits);
    hits
}

/// The tools that a word of the query names (exact words only, not prefixes or typos).
fn named_tools(index: &Index, slots: &[Slot]) -> Vec<u32> {
    let mut out = Vec::new();
    for slot in slots {
        for (term, weight) in &slot.alternatives {
            if *weight != 1.0 {
                continue;
            }
            for (i, tool) in index.tools.iter().enumerate() {
                if tool.names.contains(term) && !out.contains(&(i as u32)) {
                    out.push(i as u32);
                }
            }
        }
    }
    out
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Best first; ties to the page that comes first by id.
fn sort(hits: &mut [Hit]) {
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
}

/// Re-ranks the best [`RERANK`] hits by phrase, then sets every hit's confidence.
pub(super) fn rerank<'a>(
    index: &Index,
    hits: &mut [Hit],
    words: &[String],
    patterns: impl Fn(usize) -> &'a [String],
) {
    let words = &words[..words.len().min(MAX_PHRASE_WORDS)];
    let weights = word_weights(index, words);
    let top = hits.len().min(RERANK);
    let n = index.docs.len() as f64;
    let weight = |w: &str| idf(n, index.terms.get(w).map_or(0, Vec::len) as f64);
    for h in &mut hits[..top] {
        let (phrase, run, line_words) = best_phrase(patterns(h.doc), words, &weight);
        h.evidence.phrase = phrase;
        h.evidence.run = run;
        h.evidence.line_words = line_words;
        h.evidence.explained = explained(patterns(h.doc), &weights);
        h.score = round6(h.score * (1.0 + PHRASE * phrase));
    }
    sort(&mut hits[..top]);
    for i in 0..top {
        let next = hits.get(i + 1).map_or(0.0, |h| h.score);
        let h = &mut hits[i];
        h.evidence.margin = if h.score > 0.0 {
            (h.score - next) / h.score
        } else {
            0.0
        };
        // Only the first result can be the answer; the others are the closest pages.
        h.confident = i == 0 && confident(&h.evidence);
    }
}

/// The query's distinct words with their idf (a word in no page gets the highest), sorted.
fn word_weights(index: &Index, words: &[String]) -> Vec<(String, f64)> {
    let n = index.docs.len() as f64;
    let mut distinct: Vec<&String> = words.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
        .into_iter()
        .map(|w| {
            let df = index.terms.get(w).map_or(0, Vec::len) as f64;
            (w.clone(), idf(n, df))
        })
        .collect()
}

/// The share of the query's word weight that a page's patterns hold.
fn explained(patterns: &[String], weights: &[(String, f64)]) -> f64 {
    let total: f64 = weights.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut words: Vec<String> = patterns.iter().flat_map(|p| tokens(p)).collect();
    words.sort_unstable();
    words.dedup();
    let found: f64 = weights
        .iter()
        .filter(|(w, _)| words.binary_search(w).is_ok())
        .map(|(_, x)| x)
        .sum();
    found / total
}

/// The weight (the sum of its words' idf) of each line of a pattern, in the order of
/// [`best_phrase`]: the docs shards carry them, since the browser knows the rarity of the
/// query's words only.
pub(super) fn line_weights(index: &Index, pattern: &str) -> Vec<f64> {
    let n = index.docs.len() as f64;
    pattern_lines(pattern)
        .map(|line| {
            let mut total = 0.0;
            for t in pattern_tokens(line) {
                if let Tok::Word(w) = t {
                    total += idf(n, index.terms.get(&w).map_or(0, Vec::len) as f64);
                }
            }
            total
        })
        .collect()
}

/// Of a page's pattern lines, the one the query holds best as a phrase: (share of the line's
/// word weight, words in the run, words in the line). Words weigh their idf, so a run of
/// boilerplate that many pages share (`Retrying in … seconds`) counts for less than the
/// words that tell the error apart.
fn best_phrase(
    patterns: &[String],
    words: &[String],
    weight: &impl Fn(&str) -> f64,
) -> (f64, usize, usize) {
    let mut best = (0.0, 0, 0);
    for p in patterns {
        for line in pattern_lines(p) {
            let toks = pattern_tokens(line);
            let (mut len, mut total) = (0, 0.0);
            for t in &toks {
                if let Tok::Word(w) = t {
                    len += 1;
                    total += weight(w);
                }
            }
            if len == 0 || total <= 0.0 {
                continue;
            }
            let (run_weight, run) = longest_run(&toks, words, weight);
            let share = if run >= len.min(2) {
                run_weight / total
            } else {
                0.0
            };
            if share > best.0 || (share == best.0 && run > best.1) {
                best = (share, run, len);
            }
        }
    }
    best
}

/// The heaviest run of the pattern's words that `words` holds in the same order and next to
/// each other, where a placeholder may stand for up to [`MAX_GAP`] words: (its weight, its
/// number of words).
pub(super) fn longest_run(
    pattern: &[Tok],
    words: &[String],
    weight: &impl Fn(&str) -> f64,
) -> (f64, usize) {
    let heavier = |a: (f64, usize), b: (f64, usize)| {
        if b.0 > a.0 || (b.0 == a.0 && b.1 > a.1) {
            b
        } else {
            a
        }
    };
    let mut prev: Option<Vec<(f64, usize)>> = None;
    let mut gap = false;
    let mut best = (0.0, 0);
    for tok in pattern {
        let Tok::Word(w) = tok else {
            gap = true;
            continue;
        };
        let here = weight(w);
        let mut cur = vec![(0.0, 0); words.len()];
        for (j, q) in words.iter().enumerate() {
            if q != w {
                continue;
            }
            let before = match &prev {
                None => (0.0, 0),
                Some(p) if gap => p[j.saturating_sub(MAX_GAP + 1)..j]
                    .iter()
                    .fold((0.0, 0), |a, &b| heavier(a, b)),
                Some(p) if j > 0 => p[j - 1],
                Some(_) => (0.0, 0),
            };
            cur[j] = (before.0 + here, before.1 + 1);
            best = heavier(best, cur[j]);
        }
        prev = Some(cur);
        gap = false;
    }
    best
}

/// A confident result leads the next one by at least this share of its score...
pub const CONFIDENT_MARGIN: f64 = 0.15;
/// ...and either holds a run of at least two words and this share of one of its signature
/// lines (or variants) in order...
pub const CONFIDENT_PHRASE: f64 = 0.2;
/// ...and this share of the query's known words, weighted by rarity...
pub const CONFIDENT_COVERAGE: f64 = 0.6;
/// ...or holds a whole signature line (or variant) of at least this many words in order...
pub const CONFIDENT_WHOLE_LINE: usize = 3;
/// ...and its signature and variants hold at least this share of the query's words, weighted by
/// rarity (a page found only by its prose is not the answer).
pub const CONFIDENT_EXPLAINED: f64 = 0.1;

/// Whether the first result is confident. Measured on tests/search/real.tsv and queries.yaml
/// (docs/search.md has the figures): the rule that keeps pastes of errors no page covers from
/// a confident answer while calling nearly every right first result confident.
pub(super) fn confident(e: &Evidence) -> bool {
    let phrase = e.run >= 2 && e.phrase >= CONFIDENT_PHRASE && e.coverage >= CONFIDENT_COVERAGE;
    let whole_line = e.run >= CONFIDENT_WHOLE_LINE && e.run == e.line_words;
    e.margin >= CONFIDENT_MARGIN && e.explained >= CONFIDENT_EXPLAINED && (phrase || whole_line)
}

#[cfg(test)]
mod tests {
    use super::*;

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

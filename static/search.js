/* errdex search: finds the page for a pasted error. Plain JavaScript, no framework, no network
 * but this site's own files. The ranking is src/search.rs, line for line (a test runs both over
 * the same index and requires the same results); keep the two in step.
 *
 * Progressive enhancement: without this script the header box and the home page's paste box are
 * ordinary forms that open /search/?q=..., which then says that search needs JavaScript and keeps
 * the tool and category lists.
 *
 * In a site built with --relative-urls (its script tag has data-relative-urls), opened from disk
 * where browsers refuse fetch(), the index files are scripts that hand their data to
 * errdexSearchData(path, data), and the result links lead from this page to each index.html. */
(function (root) {
  'use strict';

  var STOP = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has',
    'have', 'i', 'if', 'in', 'is', 'it', 'its', 'my', 'no', 'not', 'of', 'on', 'or', 'so', 'that',
    'the', 'this', 'to', 'was', 'with']);
  /* One pattern, leftmost match first, as NOISE in search/mod.rs. */
  var NOISE = new RegExp([
    '\\{\\{ *[a-z][a-z0-9_-]* *\\}\\}',
    '[a-z][a-z0-9+.-]*://',
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    '[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:z|[+-][0-9]{2}:?[0-9]{2})?)?',
    '[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?',
    '0x[0-9a-f]+'
  ].join('|'), 'g');
  var NON_WORD = /[^\p{L}\p{N}_.-]+/u;
  var EDGES = /^[._-]+|[._-]+$/g;

  function stripNoise(text) {
    var s = text.toLowerCase().replace(NOISE, ' ');
    return s.split(/\s+/).filter(Boolean).map(function (chunk) {
      if (chunk.indexOf('/') < 0) return chunk;
      var seg = chunk.split('/');
      var first = seg[0], last = seg[seg.length - 1];
      if (seg.length > 2 && first.indexOf('.') >= 0 && first.charAt(0) !== '.') return first + ' ' + last;
      return last;
    }).join(' ');
  }

  function isNoise(t) {
    var chars = Array.from(t).length;
    if (chars < 2) return true;
    if (/^[0-9]+$/.test(t)) return t.length >= 4;
    if (/^[0-9.]+$/.test(t)) return true;
    if (chars >= 16 && /^[a-z0-9]+$/.test(t) && /[0-9]/.test(t) && /[a-z]/.test(t)) return true;
    if (chars >= 12 && /^[0-9a-f]+$/.test(t)) return true;
    return STOP.has(t);
  }

  function tokens(text) {
    var out = [];
    stripNoise(text).split(NON_WORD).forEach(function (run) {
      var signed = run.replace(/[._-]+$/, '');
      if (/^-[0-9]{4,6}$/.test(signed)) { out.push(signed); return; }
      var word = run.replace(EDGES, '');
      if (!word) return;
      if (!isNoise(word)) out.push(word);
      if (/[._-]/.test(word)) {
        word.split(/[._-]/).forEach(function (part) {
          if (part && !isNoise(part)) out.push(part);
        });
      }
    });
    return out;
  }

  /* A signature's {{placeholders}}, as PLACEHOLDER in search/mod.rs. */
  var PLACEHOLDER = /\{\{ *([A-Za-z][A-Za-z0-9_-]*) *\}\}/g;
  var GAP = null;

  /* A pattern's tokens in order, a placeholder as GAP (search::pattern_tokens). */
  function patternTokens(text) {
    var out = [], last = 0, m;
    PLACEHOLDER.lastIndex = 0;
    while ((m = PLACEHOLDER.exec(text))) {
      Array.prototype.push.apply(out, tokens(text.slice(last, m.index)));
      out.push(GAP);
      last = m.index + m[0].length;
    }
    Array.prototype.push.apply(out, tokens(text.slice(last)));
    return out;
  }

  /* The lines of a signature or variant that are matched on their own (search::pattern_lines). */
  function patternLines(text) {
    return text.split('\n').map(function (l) { return l.trim(); }).filter(Boolean);
  }

  function withinOneEdit(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1 || a.join('') === b.join('')) return false;
    var i;
    if (a.length === b.length) {
      var diff = [];
      for (i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
      return diff.length === 1 || (diff.length === 2 && diff[1] === diff[0] + 1 &&
        a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]);
    }
    var j = 0, edits = 0;
    i = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      edits++;
      if (edits > 1) return false;
      if (a.length > b.length) i++; else j++;
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  /* Whether a query is being typed: its last word is then also a prefix. */
  function isTyping(query, words, p) {
    return !/\s$/.test(query) && query.indexOf('\n') < 0 && words.length <= p.max_typed_words;
  }

  /* The query's slots: [[term, weight], ...] per distinct word. `view` (gather) answers which
   * terms the index has, which complete a prefix and which are one edit away. */
  function slots(query, index, view, words) {
    var p = index.params;
    var typing = isTyping(query, words, p);
    var seen = new Set();
    var out = [];
    words.forEach(function (word, i) {
      if (seen.has(word)) return;
      seen.add(word);
      var alts = [];
      if (view.has(word)) alts.push([word, 1.0]);
      if (typing && i === words.length - 1) {
        view.prefixed(word).forEach(function (t) { alts.push([t, p.prefix_weight]); });
      }
      if (alts.length === 0 && Array.from(word).length >= 5) {
        view.near(word).forEach(function (t) { alts.push([t, p.typo_weight]); });
      }
      if (alts.length) out.push(alts);
    });
    return out;
  }

  function round6(x) { return Math.round(x * 1e6) / 1e6; }
  function byScore(a, b) { return b.score - a.score || a.doc - b.doc; }

  /* The first stage of search::rank: BM25 with the coverage and tool boosts, every page that
   * shares a word (and that `keep` accepts), best first. `view.postings(term)` gives
   * [doc, wtf, doc, wtf, ...] for a term of the index that is scored. */
  function firstStage(index, view, query, words, keep) {
    var lengths = index.docLengths, n = lengths.length;
    if (!n) return [];
    var total = 0;
    for (var i = 0; i < n; i++) total += lengths[i];
    var avg = total / n, p = index.params;
    var scores = new Float64Array(n), covered = new Float64Array(n), matched = [];
    for (i = 0; i < n; i++) matched.push([]);
    var possible = 0;
    var theSlots = slots(query, index, view, words);
    theSlots.forEach(function (alts) {
      var best = new Float64Array(n), bestIdf = new Float64Array(n), bestTerm = new Array(n);
      var slotMax = 0;
      alts.forEach(function (alt) {
        var term = alt[0], weight = alt[1], list = view.postings(term);
        if (!list) return;
        var df = list.length / 2;
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        slotMax = Math.max(slotMax, idf * weight);
        for (var k = 0; k < list.length; k += 2) {
          var d = list[k], tf = list[k + 1] / 10, len = lengths[d];
          var s = idf * weight * (tf * (p.k1 + 1)) / (tf + p.k1 * (1 - p.b + p.b * len / avg));
          if (s > best[d]) { best[d] = s; bestIdf[d] = idf * weight; bestTerm[d] = term; }
        }
      });
      possible += slotMax;
      for (var d = 0; d < n; d++) {
        if (bestTerm[d] !== undefined) {
          scores[d] += best[d]; covered[d] += bestIdf[d]; matched[d].push(bestTerm[d]);
        }
      }
    });
    var named = namedTools(index, theSlots);
    var hits = [];
    for (i = 0; i < n; i++) {
      if (scores[i] > 0 && (!keep || keep(i))) {
        var coverage = possible > 0 ? covered[i] / possible : 0;
        var score = scores[i] * (1 + p.coverage * coverage);
        if (named.has(index.docTool[i])) score *= 1 + p.tool_boost;
        hits.push({ doc: i, score: round6(score), matched: matched[i], confident: false,
          evidence: { phrase: 0, run: 0, line_words: 0, explained: 0, coverage: coverage, margin: 0 } });
      }
    }
    hits.sort(byScore);
    return hits;
  }

  /* The tools a word of the query names (exact words only). */
  function namedTools(index, theSlots) {
    var out = new Set();
    theSlots.forEach(function (alts) {
      alts.forEach(function (alt) {
        if (alt[1] !== 1.0) return;
        index.tools.forEach(function (tool, i) { if (tool.names.indexOf(alt[0]) >= 0) out.add(i); });
      });
    });
    return out;
  }

  /* The heaviest run of a pattern's words held in order by `words`: [weight, count]
   * (search::rank::longest_run). */
  function heavier(a, b) { return b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a; }
  function longestRun(pattern, words, maxGap, weight) {
    var prev = null, gap = false, best = [0, 0];
    pattern.forEach(function (tok) {
      if (tok === GAP) { gap = true; return; }
      var here = weight(tok), cur = new Array(words.length);
      for (var j = 0; j < words.length; j++) {
        cur[j] = [0, 0];
        if (words[j] !== tok) continue;
        var before = [0, 0];
        if (prev && gap) {
          for (var k = Math.max(0, j - maxGap - 1); k < j; k++) before = heavier(before, prev[k]);
        } else if (prev && j > 0) {
          before = prev[j - 1];
        }
        cur[j] = [before[0] + here, before[1] + 1];
        best = heavier(best, cur[j]);
      }
      prev = cur;
      gap = false;
    });
    return best;
  }

  /* Of a page's pattern lines, the one the query holds best as a phrase: [share, run, words].
   * `totals` holds each line's weight (search::rank::line_weights), from the docs shard. */
  function bestPhrase(patterns, totals, words, maxGap, weight) {
    var best = [0, 0, 0];
    patterns.forEach(function (p, i) {
      patternLines(p).forEach(function (line, j) {
        var toks = patternTokens(line), len = 0, total = totals[i][j];
        toks.forEach(function (t) { if (t !== GAP) len++; });
        if (!len || total <= 0) return;
        var run = longestRun(toks, words, maxGap, weight);
        var share = run[1] >= Math.min(len, 2) ? run[0] / total : 0;
        if (share > best[0] || (share === best[0] && run[1] > best[1])) best = [share, run[1], len];
      });
    });
    return best;
  }

  function confident(e, c) {
    var phrase = e.run >= 2 && e.phrase >= c.phrase && e.coverage >= c.coverage;
    var wholeLine = e.run >= c.whole_line && e.run === e.line_words;
    return e.margin >= c.margin && e.explained >= c.explained && (phrase || wholeLine);
  }

  /* The second stage: the best `rerank` hits re-ranked by phrase, every hit's confidence set;
   * `patternsOf(doc)` gives a page's signature and variants and their lines' weights
   * ({patterns, weights}, rowPatterns). Then the floor and the limit. */
  /* The query's distinct words with their idf (a word in no page gets the highest). */
  function wordWeights(index, view, words) {
    var n = index.docLengths.length, seen = new Set(), out = [];
    words.forEach(function (w) {
      if (seen.has(w)) return;
      seen.add(w);
      var df = view.df(w);
      out.push([w, Math.log(1 + (n - df + 0.5) / (df + 0.5))]);
    });
    out.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    return out;
  }

  /* The share of the query's word weight that a page's patterns hold. */
  function explained(patterns, weights) {
    var total = 0, found = 0, words = new Set();
    weights.forEach(function (w) { total += w[1]; });
    if (total <= 0) return 0;
    patterns.forEach(function (p) { tokens(p).forEach(function (t) { words.add(t); }); });
    weights.forEach(function (w) { if (words.has(w[0])) found += w[1]; });
    return found / total;
  }

  function finish(index, view, hits, words, patternsOf, limit) {
    var p = index.params;
    words = words.slice(0, p.max_phrase_words);
    var weights = wordWeights(index, view, words);
    var n = index.docLengths.length;
    var weight = function (w) {
      var df = view.df(w);
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    };
    var top = Math.min(hits.length, p.rerank);
    for (var i = 0; i < top; i++) {
      var h = hits[i], row = patternsOf(h.doc);
      var best = bestPhrase(row.patterns, row.weights, words, p.max_gap, weight);
      h.evidence.phrase = best[0]; h.evidence.run = best[1]; h.evidence.line_words = best[2];
      h.evidence.explained = explained(row.patterns, weights);
      h.score = round6(h.score * (1 + p.phrase * best[0]));
    }
    var head = hits.slice(0, top).sort(byScore);
    hits = head.concat(hits.slice(top));
    for (i = 0; i < top; i++) {
      var next = i + 1 < hits.length ? hits[i + 1].score : 0;
      hits[i].evidence.margin = hits[i].score > 0 ? (hits[i].score - next) / hits[i].score : 0;
      /* Only the first result can be the answer; the others are the closest pages. */
      hits[i].confident = i === 0 && confident(hits[i].evidence, p.confident);
    }
    var floor = hits.length ? hits[0].score * p.min_relative_score : 0;
    return hits.filter(function (h) { return h.score >= floor; }).slice(0, limit);
  }

  /* rank(index, view, patternsOf, query, limit, keep) -> [{doc, score, matched, confident}]:
   * the same as search::rank_among, once gather has loaded what the query needs and every
   * page's patterns are at hand. */
  function rank(index, view, patternsOf, query, limit, keep) {
    var words = tokens(query);
    return finish(index, view, firstStage(index, view, query, words, keep), words, patternsOf, limit);
  }

  /* FNV-1a 32 over UTF-8, as search::shard_hash. */
  function shardHash(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  /* A posting list as stored: each document as the gap from the previous one, then each one's
   * weight ([gap, gap, ..., wtf, wtf, ...]); as ranked: [doc, wtf, doc, wtf, ...] (decoded once
   * per list: loaded files are cached). */
  function decodeList(list) {
    if (!list.decoded) {
      var half = list.length / 2, out = new Array(list.length), doc = 0;
      for (var k = 0; k < half; k++) {
        doc += list[k];
        out[2 * k] = doc;
        out[2 * k + 1] = list[half + k];
      }
      list.decoded = out;
    }
    return list.decoded;
  }

  /* The path of shard `i` of a family of the main index ({count, path}). */
  function shardPath(family, i) { return family.path.replace('{}', String(i)); }

  /* Strings in code point order (UTF-8 byte order, as Rust sorts them). */
  function byCodePoint(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x - y;
      i += x > 0xffff ? 2 : 1; j += y > 0xffff ? 2 : 1;
    }
    return (a.length - i) - (b.length - j);
  }

  /* The keys of the word lists (search::index::word_keys): a prefix's first two characters; a
   * word one edit away has the same first or last character and a length one apart at most. */
  function prefixKey(word) { return 'p' + Array.from(word).slice(0, 2).join(''); }
  function typoKeys(word) {
    var chars = Array.from(word), len = chars.length, out = [];
    [len - 1, len, len + 1].forEach(function (l) {
      out.push('f' + l + chars[0], 'l' + l + chars[len - 1]);
    });
    return out;
  }

  /* Loads, through get(path) -> Promise of the file's data, what ranking `query` needs: the
   * dictionary shards of its words, the word lists for a typed prefix and for typos, then the
   * shards and posting files of every term that may stand for a word. Resolves to the view that
   * slots, firstStage and finish read. */
  function gather(index, get, query, words) {
    var p = index.params, entries = new Map(), lists = new Map(), vocab = new Map();
    function termShards(terms) {
      var ids = new Set();
      terms.forEach(function (t) { ids.add(shardHash(t) % index.terms.count); });
      return Promise.all(Array.from(ids).map(function (i) {
        return get(shardPath(index.terms, i)).then(function (shard) {
          Object.keys(shard).forEach(function (t) { entries.set(t, shard[t]); });
        });
      }));
    }
    function wordShards(keys) {
      var ids = new Set();
      keys.forEach(function (k) { ids.add(shardHash(k) % index.words.count); });
      return Promise.all(Array.from(ids).map(function (i) {
        return get(shardPath(index.words, i)).then(function (list) { vocab.set(i, list); });
      }));
    }
    function under(key) { return vocab.get(shardHash(key) % index.words.count) || []; }
    var view = {
      has: function (t) { return entries.has(t); },
      prefixed: function (w) {
        return under(prefixKey(w)).filter(function (t) { return t !== w && t.startsWith(w); })
          .slice(0, p.max_expansions);
      },
      near: function (w) {
        var found = new Set();
        typoKeys(w).forEach(function (k) {
          under(k).forEach(function (t) { if (withinOneEdit(w, t)) found.add(t); });
        });
        return Array.from(found).sort(byCodePoint);
      },
      df: function (t) {
        var e = entries.get(t);
        if (e === undefined) return 0;
        if (typeof e === 'number') return e;
        return Array.isArray(e) ? e.length / 2 : e.df;
      },
      /* Null for a term the index lacks, or too common to score (its entry is its df). */
      postings: function (t) {
        var e = entries.get(t);
        if (e === undefined || typeof e === 'number') return null;
        return Array.isArray(e) ? decodeList(e) : lists.get(e.file) || null;
      }
    };
    var distinct = Array.from(new Set(words)), last = words.length - 1;
    var prefixWord = isTyping(query, words, p) && last >= 0 && words.indexOf(words[last]) === last
      ? words[last] : null;
    return Promise.all([termShards(distinct), prefixWord ? wordShards([prefixKey(prefixWord)]) : null])
      .then(function () {
        var typos = distinct.filter(function (w) {
          return !entries.has(w) && Array.from(w).length >= 5 &&
            !(w === prefixWord && view.prefixed(w).length);
        });
        return wordShards([].concat.apply([], typos.map(typoKeys)));
      }).then(function () {
        var alts = [];
        slots(query, index, view, words).forEach(function (a) { a.forEach(function (x) { alts.push(x[0]); }); });
        return termShards(alts).then(function () { return alts; });
      }).then(function (alts) {
        var files = new Set();
        alts.forEach(function (t) {
          var e = entries.get(t);
          if (e && typeof e === 'object' && !Array.isArray(e)) files.add(e.file);
        });
        return Promise.all(Array.from(files).map(function (k) {
          return get(shardPath(index.postings, k)).then(function (list) { lists.set(k, decodeList(list)); });
        }));
      }).then(function () { return view; });
  }

  function prepare(index) {
    var norms = index.norms, n = norms.length, lengths = new Array(n);
    for (var i = 0; i < n; i++) {
      var c = norms.charCodeAt(i);
      if (c > 0x5c) c--;
      lengths[i] = index.lengths[c - 0x30];
    }
    index.docLengths = lengths;
    index.docTool = new Uint32Array(n);
    index.tools.forEach(function (tool, i) {
      for (var k = 0; k < tool.docs.length; k += 2) {
        index.docTool.fill(i, tool.docs[k], tool.docs[k] + tool.docs[k + 1]);
      }
    });
    return index;
  }

  /* The docs shards' rows of some documents: Promise of Map doc -> row. */
  function rowsOf(index, get, docs) {
    var size = index.doc_shard_size;
    var shards = new Set(docs.map(function (d) { return Math.floor(d / size); }));
    return Promise.all(Array.from(shards).map(function (i) {
      return get(shardPath(index.docs, i)).then(function (rows) { return [i, rows]; });
    })).then(function (loaded) {
      var byShard = new Map(loaded), out = new Map();
      docs.forEach(function (d) { out.set(d, byShard.get(Math.floor(d / size))[d % size]); });
      return out;
    });
  }

  /* Everything a search does but showing: loads what the query needs through get(path), ranks
   * (the first stage, then the phrase stage on the rows of the best pages). Resolves to
   * {hits, rows} (rows: Map doc -> docs shard row). */
  function searchIndex(index, get, query, limit, keep) {
    var words = tokens(query);
    return gather(index, get, query, words).then(function (view) {
      var first = firstStage(index, view, query, words, keep);
      var wanted = first.slice(0, Math.max(index.params.rerank, limit)).map(function (h) { return h.doc; });
      return rowsOf(index, get, wanted).then(function (rows) {
        var hits = finish(index, view, first, words, function (d) { return rowPatterns(rows.get(d)); }, limit);
        return { hits: hits, rows: rows };
      });
    });
  }

  /* A document row of a docs shard: id, title, URL, tool, code, kind, quick fix, the weights
   * of the patterns' lines, patterns... */
  var ROW_WEIGHTS = 7, ROW_PATTERNS = 8;
  /* What the phrase stage reads of a row. */
  function rowPatterns(row) { return { patterns: row.slice(ROW_PATTERNS), weights: row[ROW_WEIGHTS] }; }

  var api = { tokens: tokens, rank: rank, prepare: prepare, shardHash: shardHash,
    gather: gather, searchIndex: searchIndex, rowPatterns: rowPatterns, ROW_PATTERNS: ROW_PATTERNS };
  if (typeof module === 'object' && module.exports) { module.exports = api; return; }
  if (typeof document === 'undefined') return;

  /* ---- In the browser ---- */

  var script = document.currentScript;
  var indexUrl = script && script.getAttribute('data-index');
  var base = (script && script.getAttribute('data-base')) || '/';
  var showTool = !script || script.getAttribute('data-tool-layer') !== 'false';
  var labels = readLabels();

  /* The page's words (site.yaml's labels), from the JSON block base.html prints; English when a
   * template has none. */
  function readLabels() {
    var words = {
      quick_fix: 'Quick fix', not_confident: 'No known error matches this confidently. The closest pages:',
      no_match: 'No page matches. Try the error code or the most specific words of the message.',
      no_results: 'No results', result_one: '{count} result', result_other: '{count} results',
      none_confident: 'none matches confidently', search_unavailable: 'Search is unavailable:'
    };
    var block = document.getElementById('errdex-labels');
    try {
      var given = block ? JSON.parse(block.textContent) : {};
      Object.keys(words).forEach(function (k) { if (typeof given[k] === 'string') words[k] = given[k]; });
    } catch (e) { /* English */ }
    return words;
  }
  var relative = !!script && script.hasAttribute('data-relative-urls');
  var cache = new Map();

  function fetchJson(url) {
    if (!cache.has(url)) {
      cache.set(url, relative ? loadScript(url) : fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      }));
    }
    return cache.get(url);
  }

  /* A relative build's index file: a script that calls errdexSearchData with its path under the
   * site (the URL without the way up to the root, ../../) and its data. */
  var waiting = new Map();
  function loadScript(url) {
    var key = url.replace(/^(\.\.?\/)+/, '');
    return new Promise(function (resolve, reject) {
      waiting.set(key, resolve);
      var el = document.createElement('script');
      el.src = url;
      el.onload = function () {
        el.remove();
        if (waiting.get(key) === resolve) { waiting.delete(key); reject(new Error(url + ': no data')); }
      };
      el.onerror = function () { el.remove(); waiting.delete(key); reject(new Error(url + ': not found')); };
      document.head.appendChild(el);
    });
  }
  if (relative) {
    root.errdexSearchData = function (key, data) {
      var resolve = waiting.get(key);
      if (resolve) { waiting.delete(key); resolve(data); }
    };
  }
  /* A result's page: its root-relative URL, or in a relative build the way from this page to its
   * index.html (the index holds `tool/slug/`). */
  function pageUrl(url) {
    return relative ? base + url.replace(/\/$/, '/index.html') : url;
  }
  function asset(path) { return base + path; }
  var mainIndex = null;
  function loadIndex() {
    if (!mainIndex) {
      mainIndex = fetchJson(indexUrl)
        .then(function (manifest) { return fetchJson(asset(manifest.index)); })
        .then(prepare);
    }
    return mainIndex;
  }

  /* The filter of the search page: the documents of one tool and/or one kind. */
  function keepFor(index, filters) {
    var tool = filters && filters.tool ? index.tools.findIndex(function (t) { return t.id === filters.tool; }) : -1;
    var kind = filters && filters.kind ? index.kind_ids.indexOf(filters.kind) : -1;
    if ((filters && filters.tool && tool < 0) || (filters && filters.kind && kind < 0)) return function () { return false; };
    if (tool < 0 && kind < 0) return null;
    var letter = kind >= 0 ? String.fromCharCode(97 + kind) : null;
    return function (d) {
      return (tool < 0 || index.docTool[d] === tool) && (letter === null || index.kinds.charAt(d) === letter);
    };
  }

  /* Fetches the shards the query needs, ranks (the first stage, then the phrase stage on the
   * rows of the best pages), and returns the results with their details. */
  function search(query, limit, filters) {
    return loadIndex().then(function (index) {
      var get = function (path) { return fetchJson(asset(path)); };
      return searchIndex(index, get, query, limit, keepFor(index, filters));
    }).then(function (found) {
      return found.hits.map(function (h) {
        var row = found.rows.get(h.doc);
        return { id: row[0], title: row[1], url: pageUrl(row[2]), tool: row[3], code: row[4], kind: row[5],
          quickFix: row[6], signature: row[ROW_PATTERNS], score: h.score, matched: h.matched,
          confident: h.confident };
      });
    });
  }

  /* The signature with the words the query matched marked, built as DOM nodes (never as HTML). */
  function markedSignature(signature, matched) {
    var set = new Set(matched);
    var code = document.createElement('code');
    var re = /\{\{ *[A-Za-z][A-Za-z0-9_-]* *\}\}|[\p{L}\p{N}_.-]+/gu, last = 0, m;
    while ((m = re.exec(signature))) {
      if (m[0].charAt(0) === '{') {
        code.appendChild(document.createTextNode(signature.slice(last, m.index)));
        var v = document.createElement('var');
        v.className = 'placeholder';
        v.textContent = m[0].replace(/[{} ]/g, '');
        code.appendChild(v);
        last = m.index + m[0].length;
        continue;
      }
      var word = m[0].toLowerCase().replace(EDGES, '');
      var hit = set.has(word) || word.split(/[._-]/).some(function (p) { return set.has(p); });
      if (!hit) continue;
      code.appendChild(document.createTextNode(signature.slice(last, m.index)));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      code.appendChild(mark);
      last = m.index + m[0].length;
    }
    code.appendChild(document.createTextNode(signature.slice(last)));
    return code;
  }

  function renderResults(list, results, query) {
    list.textContent = '';
    if (!query.trim()) { list.hidden = true; return; }
    list.hidden = false;
    if (!results.length) {
      var none = document.createElement('li');
      none.className = 'search-empty';
      none.textContent = labels.no_match;
      list.appendChild(none);
      return;
    }
    if (!results.some(function (r) { return r.confident; })) {
      var notice = document.createElement('li');
      notice.className = 'search-unsure';
      notice.textContent = labels.not_confident;
      list.appendChild(notice);
    }
    results.forEach(function (r) {
      var li = document.createElement('li');
      if (r.confident) li.className = 'confident';
      var a = document.createElement('a');
      a.href = r.url;
      a.className = 'result-title';
      a.textContent = r.title;
      var meta = document.createElement('span');
      meta.className = 'result-meta';
      meta.textContent = [showTool ? r.tool : '', r.code || ''].filter(Boolean).join(' · ');
      var sig = document.createElement('div');
      sig.className = 'result-signature';
      sig.appendChild(markedSignature(r.signature, r.matched));
      li.appendChild(a); li.appendChild(meta); li.appendChild(sig);
      if (r.quickFix) {
        var fix = document.createElement('p');
        fix.className = 'result-fix';
        var label = document.createElement('strong');
        label.textContent = labels.quick_fix + ': ';
        fix.appendChild(label);
        fix.appendChild(document.createTextNode(r.quickFix));
        li.appendChild(fix);
      }
      list.appendChild(li);
    });
  }

  /* What the live region announces: the count, and whether any result is confident. */
  function statusText(results) {
    if (!results.length) return labels.no_results;
    var n = (results.length === 1 ? labels.result_one : labels.result_other).split('{count}').join(String(results.length));
    return results.some(function (r) { return r.confident; }) ? n : n + '; ' + labels.none_confident;
  }

  function debounce(fn, ms) {
    var t;
    return function () { var args = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  /* Wires an input to a result list: results as you type; Down moves into the results and the
   * arrows move between them (real focus on real links, so screen readers follow); Enter in the
   * box opens the first result; Escape goes back to the box. */
  function attach(input, list, options) {
    var seq = 0;
    var run = debounce(function () {
      var q = input.value, mine = ++seq;
      if (options.onQuery) options.onQuery(q);
      if (!q.trim()) {
        renderResults(list, [], q);
        if (options.status) options.status.textContent = '';
        return;
      }
      search(q, options.limit, options.filters ? options.filters() : null).then(function (results) {
        if (mine !== seq) return;
        renderResults(list, results, q);
        if (options.status) options.status.textContent = statusText(results);
      }).catch(function (e) {
        list.hidden = false;
        list.textContent = labels.search_unavailable + ' ' + e.message;
      });
    }, 120);
    input.addEventListener('input', run);
    (options.filterInputs || []).forEach(function (el) { el.addEventListener('change', run); });
    function links() { return Array.prototype.slice.call(list.querySelectorAll('a.result-title')); }
    input.addEventListener('keydown', function (e) {
      var items = links();
      if (e.key === 'ArrowDown' && items.length && !list.hidden) {
        e.preventDefault();
        items[0].focus();
      } else if (e.key === 'Enter' && !(input.tagName === 'TEXTAREA' && e.shiftKey)) {
        if (items.length && !list.hidden) { e.preventDefault(); window.location.href = items[0].href; }
      } else if (e.key === 'Escape') {
        list.hidden = true;
      }
    });
    list.addEventListener('keydown', function (e) {
      var items = links(), at = items.indexOf(document.activeElement);
      if (at < 0) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        var next = at + (e.key === 'ArrowDown' ? 1 : -1);
        if (next < 0) input.focus(); else items[Math.min(next, items.length - 1)].focus();
      } else if (e.key === 'Escape') {
        input.focus();
        list.hidden = true;
      }
    });
    if (input.value) run();
  }

  function init() {
    if (!indexUrl) return;
    document.documentElement.classList.add('js');
    document.querySelectorAll('[data-search]').forEach(function (form) {
      var input = form.querySelector('input, textarea');
      var list = document.getElementById(form.getAttribute('data-search'));
      if (!input || !list) return;
      var isPage = form.hasAttribute('data-search-page');
      var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-filter]'));
      if (isPage) {
        var params = new URLSearchParams(window.location.search);
        var q = params.get('q');
        if (q) input.value = q;
        selects.forEach(function (el) {
          var v = params.get(el.name);
          if (v) el.value = v;
        });
      }
      attach(input, list, {
        limit: isPage ? 20 : 8,
        status: document.getElementById(form.getAttribute('data-search') + '-status'),
        filterInputs: selects,
        filters: function () {
          var f = {};
          selects.forEach(function (el) { f[el.name] = el.value; });
          return f;
        },
        onQuery: isPage ? function (q) {
          var url = new URL(window.location.href);
          if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
          selects.forEach(function (el) {
            if (el.value) url.searchParams.set(el.name, el.value); else url.searchParams.delete(el.name);
          });
          history.replaceState(null, '', url);
        } : null
      });
    });
    document.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      var el = document.activeElement;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) return;
      var box = document.querySelector('.site-search input');
      if (box) { e.preventDefault(); box.focus(); }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})(this);

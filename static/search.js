/* errdex search: finds the page for a pasted error. Plain JavaScript, no framework, no network
 * but this site's own files. The ranking is src/search.rs, line for line (a test runs both over
 * the same index and requires the same results); keep the two in step.
 *
 * Progressive enhancement: without this script the header box and the home page's paste box are
 * ordinary forms that open /search/?q=..., which then says that search needs JavaScript and keeps
 * the tool and category lists. */
(function (root) {
  'use strict';

  var STOP = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has',
    'have', 'i', 'if', 'in', 'is', 'it', 'its', 'my', 'no', 'not', 'of', 'on', 'or', 'so', 'that',
    'the', 'this', 'to', 'was', 'with']);
  /* One pattern, leftmost match first, as NOISE in search.rs. */
  var NOISE = new RegExp([
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

  /* The query's slots: [[term, weight], ...] per distinct word. */
  function slots(query, index) {
    var words = tokens(query);
    var typing = !/\s$/.test(query);
    var seen = new Set();
    var out = [];
    var p = index.params;
    words.forEach(function (word, i) {
      if (seen.has(word)) return;
      seen.add(word);
      var alts = [];
      if (index.dfOf.has(word)) alts.push([word, 1.0]);
      if (typing && i === words.length - 1) {
        var n = 0;
        for (var k = 0; k < index.terms.length && n < p.max_expansions; k++) {
          var t = index.terms[k];
          if (t !== word && t.startsWith(word)) { alts.push([t, p.prefix_weight]); n++; }
        }
      }
      if (alts.length === 0 && Array.from(word).length >= 5) {
        index.terms.forEach(function (t) { if (withinOneEdit(word, t)) alts.push([t, p.typo_weight]); });
      }
      if (alts.length) out.push(alts);
    });
    return out;
  }

  /* rank(index, postings, query, limit) -> [{doc, score, matched}]: the same as search::rank.
   * `postings(term)` gives [doc, wtf, doc, wtf, ...] for a term of the index. */
  function rank(index, postings, query, limit) {
    var lengths = index.lengths, n = lengths.length;
    if (!n) return [];
    var total = 0;
    for (var i = 0; i < n; i++) total += lengths[i];
    var avg = total / n, p = index.params;
    var scores = new Float64Array(n), covered = new Float64Array(n), matched = [];
    for (i = 0; i < n; i++) matched.push([]);
    var possible = 0;
    slots(query, index).forEach(function (alts) {
      var best = new Float64Array(n), bestIdf = new Float64Array(n), bestTerm = new Array(n);
      var slotMax = 0;
      alts.forEach(function (alt) {
        var term = alt[0], weight = alt[1], list = postings(term);
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
    var hits = [];
    for (i = 0; i < n; i++) {
      if (scores[i] > 0) {
        var coverage = possible > 0 ? covered[i] / possible : 0;
        var score = scores[i] * (1 + p.coverage * coverage);
        hits.push({ doc: i, score: Math.round(score * 1e6) / 1e6, matched: matched[i] });
      }
    }
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var floor = hits.length ? hits[0].score * p.min_relative_score : 0;
    return hits.filter(function (h) { return h.score >= floor; }).slice(0, limit);
  }

  /* FNV-1a 32 over UTF-8, as search::shard_hash. */
  function shardHash(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  /* Shards store each posting's document as the gap from the previous one; turn them back into
   * document numbers (once per list). */
  function decodeGaps(postings) {
    Object.keys(postings).forEach(function (t) {
      var list = postings[t];
      if (list.decoded) return;
      for (var k = 2; k < list.length; k += 2) list[k] += list[k - 2];
      list.decoded = true;
    });
  }

  function prepare(index) {
    index.dfOf = new Map();
    index.terms.forEach(function (t, i) { index.dfOf.set(t, index.df[i]); });
    return index;
  }

  var api = { tokens: tokens, rank: rank, prepare: prepare, shardHash: shardHash, decodeGaps: decodeGaps };
  if (typeof module === 'object' && module.exports) { module.exports = api; return; }
  if (typeof document === 'undefined') return;

  /* ---- In the browser ---- */

  var script = document.currentScript;
  var indexUrl = script && script.getAttribute('data-index');
  var base = (script && script.getAttribute('data-base')) || '/';
  var cache = new Map();

  function fetchJson(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      }));
    }
    return cache.get(url);
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

  /* Fetches the shards the query needs, then ranks and loads the results' details. */
  function search(query, limit) {
    return loadIndex().then(function (index) {
      var terms = new Set();
      slots(query, index).forEach(function (alts) { alts.forEach(function (a) { terms.add(a[0]); }); });
      var shardIds = new Set();
      terms.forEach(function (t) { shardIds.add(shardHash(t) % index.term_shards.length); });
      return Promise.all(Array.from(shardIds).map(function (i) {
        return fetchJson(asset(index.term_shards[i]));
      })).then(function (shards) {
        var merged = {};
        shards.forEach(function (s) { Object.assign(merged, s); });
        decodeGaps(merged);
        var hits = rank(index, function (t) { return merged[t]; }, query, limit);
        var docShards = new Set(hits.map(function (h) { return Math.floor(h.doc / index.doc_shard_size); }));
        return Promise.all(Array.from(docShards).map(function (i) {
          return fetchJson(asset(index.doc_shards[i])).then(function (rows) { return [i, rows]; });
        })).then(function (loaded) {
          var rowsOf = new Map(loaded);
          return hits.map(function (h) {
            var row = rowsOf.get(Math.floor(h.doc / index.doc_shard_size))[h.doc % index.doc_shard_size];
            return { id: row[0], title: row[1], url: row[2], tool: row[3], code: row[4],
              signature: row[5], summary: row[6], score: h.score, matched: h.matched };
          });
        });
      });
    });
  }

  /* The signature with the words the query matched marked, built as DOM nodes (never as HTML). */
  function markedSignature(signature, matched) {
    var set = new Set(matched);
    var code = document.createElement('code');
    var re = /[\p{L}\p{N}_.-]+/gu, last = 0, m;
    while ((m = re.exec(signature))) {
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
      none.textContent = 'No page matches. Try the error code or the most specific words of the message.';
      list.appendChild(none);
      return;
    }
    results.forEach(function (r) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = r.url;
      a.className = 'result-title';
      a.textContent = r.title;
      var meta = document.createElement('span');
      meta.className = 'result-meta';
      meta.textContent = r.tool + (r.code ? ' · ' + r.code : '');
      var sig = document.createElement('div');
      sig.className = 'result-signature';
      sig.appendChild(markedSignature(r.signature, r.matched));
      li.appendChild(a); li.appendChild(meta); li.appendChild(sig);
      list.appendChild(li);
    });
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
      if (!q.trim()) { renderResults(list, [], q); return; }
      search(q, options.limit).then(function (results) {
        if (mine !== seq) return;
        renderResults(list, results, q);
        if (options.status) options.status.textContent = results.length + (results.length === 1 ? ' result' : ' results');
      }).catch(function (e) {
        list.hidden = false;
        list.textContent = 'Search is unavailable: ' + e.message;
      });
    }, 120);
    input.addEventListener('input', run);
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
      if (isPage) {
        var q = new URLSearchParams(window.location.search).get('q');
        if (q) input.value = q;
      }
      attach(input, list, {
        limit: isPage ? 20 : 8,
        status: document.getElementById(form.getAttribute('data-search') + '-status'),
        onQuery: isPage ? function (q) {
          var url = new URL(window.location.href);
          if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
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

#!/usr/bin/env node
// Bytes a reader's browser transfers for a search: serves a built errdex site on 127.0.0.1,
// opens its search page in Chromium with a cold cache for each query, and adds up the gzipped
// size of every search file fetched (search.js, the manifest, the main index, the shards; and,
// as first_query_index_gzip_bytes, the index files alone, without the page's own script); then
// types a second query in the same page and counts only what it adds.
//
// Usage: node benches/query-bytes.js <built site folder> [queries.json]
// Needs tests/browser's node modules (run tests/browser/run once, or npm ci there) and Chromium
// (CHROMIUM=<path>, default /usr/bin/chromium). Prints one JSON line per query.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require(path.join(__dirname, '../tests/browser/node_modules/playwright-core'));

const SITE = path.resolve(process.argv[2] || '');
const QUERIES = process.argv[3]
  ? JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))
  : [
      ['2026-03-14T09:12:44.123Z API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_011CZoxfN7gfaRaHPMWyHxLq"} · Please run /login', 'API Error: 529 Overloaded'],
    ];

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css' };
const gz = new Map();
function gzipSize(file) {
  if (!gz.has(file)) gz.set(file, zlib.gzipSync(fs.readFileSync(file)).length);
  return gz.get(file);
}

function serve() {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(SITE, p);
    if (!file.startsWith(SITE)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function isSearchFile(url) {
  const p = new URL(url).pathname;
  return p.startsWith('/search/') && p.endsWith('.json') || /\/search\.[0-9a-f]+\.js$/.test(p);
}

async function main() {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  for (const [first, second] of QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let files = new Set();
    page.on('request', (r) => { if (isSearchFile(r.url())) files.add(new URL(r.url()).pathname); });
    const settled = async () => {
      await page.waitForFunction(() => {
        const s = document.getElementById('page-results-status');
        return s && s.textContent.length > 0;
      }, null, { timeout: 30000 });
      await page.waitForLoadState('networkidle');
    };
    await page.goto(`${origin}/search/?q=${encodeURIComponent(first)}`);
    await settled();
    const sum = (set) => Array.from(set).reduce((n, f) => n + gzipSize(path.join(SITE, f)), 0);
    const firstFiles = files;
    const firstStatus = await page.textContent('#page-results-status');
    const top = await page.$$eval('#page-results a.result-title', (as) => as.slice(0, 1).map((a) => a.getAttribute('href')));
    files = new Set();
    await page.evaluate(() => { document.getElementById('page-results-status').textContent = ''; });
    await page.fill('#page-q', second);
    await settled();
    const index = (set) => new Set(Array.from(set).filter((f) => f.startsWith('/search/')));
    console.log(JSON.stringify({
      query: first.slice(0, 60),
      first_query_gzip_bytes: sum(firstFiles),
      first_query_index_gzip_bytes: sum(index(firstFiles)),
      first_query_requests: firstFiles.size,
      status: firstStatus,
      top: top[0],
      second_query: second.slice(0, 60),
      second_query_new_gzip_bytes: sum(new Set(Array.from(files).filter((f) => !firstFiles.has(f)))),
    }));
    await context.close();
  }
  await browser.close();
  server.close();
}

main().catch((e) => { console.error(e); process.exit(1); });

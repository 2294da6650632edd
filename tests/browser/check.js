#!/usr/bin/env node
// errdex browser check: serves a built site on 127.0.0.1 and checks every page type in
// Chromium (axe-core, console, requests, 375 px layout), the entry page on a phone (quick fix
// on the first screen, the folded signature's "Show all"), the copy buttons, header search,
// and the HTML of every page type with the Nu HTML Checker (vnu.jar, offline).
//
// Then, when given a second folder built with --relative-urls, that site opened from disk
// (file://): styled, its links lead to pages, and search finds and opens an entry.
//
// Then, when given them, a new site made by `errdex init` and built with --relative-urls, opened
// from disk, and the one-product French fixture (tests/fixtures/single-fr) served: its words.
//
// Usage: node tests/browser/check.js <built site folder> [<relative build folder>]
//        (or env ERRDEX_SITE and ERRDEX_OFFLINE_SITE; ERRDEX_STARTER_SITE, ERRDEX_FRENCH_SITE)
// Env:   ERRDEX_SCREENSHOTS=<dir>  also write entry-page screenshots there
//        CHROMIUM=<path>           browser binary (default /usr/bin/chromium)
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { chromium } = require('playwright-core');

const SITE = path.resolve(process.argv[2] || process.env.ERRDEX_SITE || '');
const OFFLINE_ARG = process.argv[3] || process.env.ERRDEX_OFFLINE_SITE || '';
const OFFLINE = OFFLINE_ARG ? path.resolve(OFFLINE_ARG) : '';
// A new user's site (`errdex init`) built with --relative-urls, and the one-product French fixture.
const STARTER = process.env.ERRDEX_STARTER_SITE ? path.resolve(process.env.ERRDEX_STARTER_SITE) : '';
const FRENCH = process.env.ERRDEX_FRENCH_SITE ? path.resolve(process.env.ERRDEX_FRENCH_SITE) : '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.ERRDEX_SCREENSHOTS || '';
const TEST_TIMEOUT_MS = 30000;

const ENTRY = '/claude-code/401-oauth-token-expired/';
const PAGES = [
  { name: 'home', url: '/', file: 'index.html' },
  { name: 'entry', url: ENTRY, file: 'claude-code/401-oauth-token-expired/index.html' },
  { name: 'tool', url: '/claude-code/', file: 'claude-code/index.html' },
  { name: 'category', url: '/category/ai-coding-tools/', file: 'category/ai-coding-tools/index.html' },
  { name: 'code', url: '/code/401/', file: 'code/401/index.html' },
  { name: 'kind', url: '/kind/auth/', file: 'kind/auth/index.html' },
  { name: 'search', url: '/search/?q=529', file: 'search/index.html' },
  { name: '404', url: '/no-such-page/', file: '404.html', status: 404 },
];
const PASTED_LINE = '2026-03-14T09:12:44.123Z API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_011CZoxfN7gfaRaHPMWyHxLq"} · Please run /login';

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---------------------------------------------------------------------------------------------
// Tiny test runner: every check is one named test; prints TAP-like lines and a summary.

let passed = 0;
let failed = 0;

function oneLine(s) {
  return String(s).replace(/\s+/g, ' ').trim();
}

async function test(name, fn) {
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
      }),
    ]);
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}: ${oneLine(err && err.message ? err.message : err)}`);
  } finally {
    clearTimeout(timer);
  }
}

function fail(msg) {
  throw new Error(msg);
}

// ---------------------------------------------------------------------------------------------
// Static server: files; directories -> index.html; unknown -> 404.html with status 404.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

function statOrNull(p) {
  try { return fs.statSync(p); } catch { return null; }
}

function serve(root) {
  const server = http.createServer((req, res) => {
    const send = (status, file, extra = {}) => {
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      const body = fs.readFileSync(file);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = () => {
      const page = path.join(root, '404.html');
      if (statOrNull(page)) return send(404, page);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 Not Found\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      return notFound();
    }
    const file = path.join(root, path.normalize(pathname));
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    const st = statOrNull(file);
    if (st && st.isFile()) return send(200, file);
    if (st && st.isDirectory()) {
      const index = path.join(file, 'index.html');
      if (!statOrNull(index)) return notFound();
      if (!pathname.endsWith('/')) {
        // Like most static hosts: /dir -> /dir/ so relative links resolve.
        const q = req.url.indexOf('?');
        res.writeHead(301, { Location: pathname + '/' + (q >= 0 ? req.url.slice(q) : '') });
        return res.end();
      }
      return send(200, index);
    }
    return notFound();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------------
// Nu HTML Checker, started early (it runs in parallel with the browser checks).

function runVnu(files) {
  const jar = String(require('vnu-jar'));
  return new Promise((resolve) => {
    if (files.length === 0) return resolve({ messages: [] });
    execFile('java', ['-jar', jar, '--format', 'json', '--exit-zero-always', ...files],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120000 },
      (error, stdout, stderr) => {
        const out = (stderr || '').trim() || (stdout || '').trim();
        try {
          resolve(JSON.parse(out));
        } catch {
          resolve({ error: oneLine((error && error.message) || out || 'no output').slice(0, 500) });
        }
      });
  });
}

// ---------------------------------------------------------------------------------------------
// Browser helpers.

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Opens a page in `context`, recording console errors and failed requests while it loads.
async function open(context, base, page) {
  const tab = await context.newPage();
  const url = base + page.url;
  const consoleErrors = [];
  const failedRequests = [];
  let mainStatus = null;
  tab.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location() || {};
    // Chromium logs the intended 404 document itself as a failed resource; that is not an error.
    if (page.status === 404 && /status of 404/.test(msg.text()) && loc.url === url) return;
    consoleErrors.push(`${msg.text()}${loc.url ? ` (${loc.url.replace(base, '')}:${loc.lineNumber})` : ''}`);
  });
  tab.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  tab.on('request', (req) => {
    // A page must load nothing from another origin (no CDN, no fonts, no trackers).
    if (!req.url().startsWith(base) && !req.url().startsWith('data:')) {
      failedRequests.push(`${req.url()} (another origin)`);
    }
  });
  tab.on('requestfailed', (req) => {
    failedRequests.push(`${req.url().replace(base, '')} (${(req.failure() || {}).errorText || 'failed'})`);
  });
  tab.on('response', (res) => {
    const req = res.request();
    const isMain = req.isNavigationRequest() && req.frame() === tab.mainFrame();
    if (isMain && res.url() === url) mainStatus = res.status();
    if (res.status() < 400) return;
    if (isMain && res.url() === url && page.status === 404 && res.status() === 404) return;
    failedRequests.push(`${res.url().replace(base, '')} (HTTP ${res.status()})`);
  });
  await tab.goto(url, { waitUntil: 'load', timeout: 15000 });
  // Let the page's own scripts (search index fetches and the like) finish.
  await tab.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  return { tab, consoleErrors, failedRequests, mainStatus: () => mainStatus };
}

function requirePageExists(page, status) {
  const want = page.status || 200;
  if (status !== want) fail(`${page.url} returned HTTP ${status} (want ${want}); the page is not built`);
}

async function newContext(browser, base, opts) {
  const context = await browser.newContext({ bypassCSP: true, ...opts });
  // Only this site's own origin is allowed; anything else fails fast (and is reported).
  await context.route((u) => !u.href.startsWith(base + '/') && u.protocol !== 'data:' && u.protocol !== 'blob:',
    (route) => route.abort('blockedbyclient'));
  return context;
}

// Runs `fn(tab)` on the entry page, opened in a new context with `opts` (viewport, scripts...).
async function onEntry(browser, base, opts, fn) {
  const context = await newContext(browser, base, opts);
  try {
    const tab = await context.newPage();
    const res = await tab.goto(base + ENTRY, { waitUntil: 'load' });
    requirePageExists({ url: ENTRY }, res && res.status());
    return await fn(tab, context);
  } finally {
    await context.close();
  }
}

// Clicks `selector` and returns what the clipboard then holds (after at most 3 s).
async function clipboardAfterClick(tab, selector) {
  const unwritten = '(clipboard not written)';
  await tab.evaluate((text) => navigator.clipboard.writeText(text), unwritten);
  await tab.click(selector);
  let got = '';
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    got = await tab.evaluate(() => navigator.clipboard.readText());
    if (got !== unwritten) break;
    await tab.waitForTimeout(100);
  }
  return got;
}

// ---------------------------------------------------------------------------------------------
// A site built with --relative-urls, opened from disk as a reader who unzipped it would.

const ENTRY_FILE = 'claude-code/401-oauth-token-expired/index.html';

function fileUrl(rel, root = OFFLINE) {
  return new URL(rel, `file://${root}/`).href;
}

// A tab of a new context in which nothing but files loads, with the errors and failed loads of
// what it opens recorded.
async function offlineTab(browser, viewport) {
  const context = await browser.newContext({ viewport });
  await context.route((u) => u.protocol !== 'file:' && u.protocol !== 'data:', (route) => route.abort('blockedbyclient'));
  const tab = await context.newPage();
  const problems = [];
  tab.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  tab.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  tab.on('requestfailed', (req) => problems.push(`${req.url()} (${(req.failure() || {}).errorText || 'failed'})`));
  tab.on('request', (req) => {
    if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) problems.push(`${req.url()} (not a file)`);
  });
  const check = () => { if (problems.length) fail(problems.join('; ')); };
  return { context, tab, check };
}

// Whether the page's stylesheet is applied: its sheet loaded, and its rules in effect.
async function requireStyled(tab) {
  const style = await tab.evaluate(() => {
    const link = document.querySelector('link[rel=stylesheet]');
    const hidden = document.querySelector('.visually-hidden');
    return {
      loaded: !!(link && link.sheet),
      hidden: hidden ? getComputedStyle(hidden).position : '(no .visually-hidden)',
    };
  });
  if (!style.loaded) fail(`the stylesheet of ${tab.url()} did not load`);
  if (style.hidden !== 'absolute') fail(`the stylesheet is not applied on ${tab.url()}: .visually-hidden is ${style.hidden}`);
}

// Clicks `locator` and waits for the page it opens.
async function follow(tab, locator) {
  if (!(await locator.count())) fail(`no ${locator} on ${tab.url()}`);
  await Promise.all([tab.waitForNavigation({ waitUntil: 'load', timeout: 10000 }), locator.first().click()]);
}

async function offlineChecks(browser) {
  const wide = { width: 1280, height: 900 };
  await test('from disk: index.html opened with file:// is styled, with no error or failed load', async () => {
    const { context, tab, check } = await offlineTab(browser, wide);
    try {
      await tab.goto(fileUrl('index.html'), { waitUntil: 'load' });
      await requireStyled(tab);
      const home = await tab.getAttribute('a.site-title', 'href');
      if (home !== 'index.html') fail(`the site title links to ${JSON.stringify(home)}, want index.html`);
      check();
    } finally {
      await context.close();
    }
  });

  await test('from disk: the tool link, then an entry link, open the entry page, styled', async () => {
    const { context, tab, check } = await offlineTab(browser, wide);
    try {
      await tab.goto(fileUrl('index.html'), { waitUntil: 'load' });
      await follow(tab, tab.locator('nav[aria-label=Tools] a', { hasText: 'Claude Code' }));
      if (tab.url() !== fileUrl('claude-code/index.html')) fail(`the tool link opened ${tab.url()}`);
      await follow(tab, tab.locator(`main a[href$="401-oauth-token-expired/index.html"]`));
      if (tab.url() !== fileUrl(ENTRY_FILE)) fail(`the entry link opened ${tab.url()}`);
      const h1 = oneLine(await tab.textContent('h1'));
      if (!/OAuth token has expired/.test(h1)) fail(`the entry page's heading reads ${JSON.stringify(h1)}`);
      await requireStyled(tab);
      check();
    } finally {
      await context.close();
    }
  });

  // From the root and from an entry page (two folders down), pasting the line lists the entry
  // first; from the root, its link opens it.
  for (const [from, box, list] of [['index.html', '#header-q', '#header-results'], [ENTRY_FILE, '#header-q', '#header-results'], ['index.html', '#home-q', '#home-results']]) {
    await test(`from disk: pasting a known error into ${box} of ${from} lists its page first${from === 'index.html' && box === '#header-q' ? ', and the link opens it' : ''}`, async () => {
      const { context, tab, check } = await offlineTab(browser, wide);
      try {
        await tab.goto(fileUrl(from), { waitUntil: 'load' });
        await tab.fill(box, PASTED_LINE);
        const first = tab.locator(`${list} li a.result-title`).first();
        try {
          await first.waitFor({ state: 'attached', timeout: 5000 });
        } catch {
          check();
          fail(`no results in ${list} after 5 s: ${oneLine(await tab.textContent(list))}`);
        }
        const href = await first.evaluate((a) => a.href);
        if (href !== fileUrl(ENTRY_FILE)) fail(`the first result links to ${href}, want ${fileUrl(ENTRY_FILE)}`);
        if (from === 'index.html' && box === '#header-q') {
          await follow(tab, first);
          if (tab.url() !== fileUrl(ENTRY_FILE)) fail(`the result opened ${tab.url()}`);
          await requireStyled(tab);
        }
        check();
      } finally {
        await context.close();
      }
    });
  }

  await test('from disk: the search page answers ?q= confidently and keeps the query in its address', async () => {
    const { context, tab, check } = await offlineTab(browser, wide);
    try {
      await tab.goto(`${fileUrl('search/index.html')}?${new URLSearchParams({ q: PASTED_LINE })}`, { waitUntil: 'load' });
      await tab.waitForFunction(() => document.getElementById('page-results-status').textContent.length > 0, null, { timeout: 5000 })
        .catch(() => { check(); fail('no status after 5 s'); });
      const first = tab.locator('#page-results li').first();
      if (!((await first.getAttribute('class')) || '').includes('confident')) fail('the first result is not marked confident');
      await tab.fill('#page-q', 'overloaded_error');
      await tab.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'overloaded_error', null, { timeout: 5000 })
        .catch(() => fail(`the address did not follow the query: ${tab.url()}`));
      check();
    } finally {
      await context.close();
    }
  });
}

// A new user's site: `errdex init`, then `build --relative-urls`, opened from disk.
async function starterChecks(browser) {
  const entry = 'http/404-not-found/index.html';
  await test('new site from disk: init, build --relative-urls; styled, and pasting its error opens its page', async () => {
    const { context, tab, check } = await offlineTab(browser, { width: 1280, height: 900 });
    try {
      await tab.goto(fileUrl('index.html', STARTER), { waitUntil: 'load' });
      await requireStyled(tab);
      await tab.fill('#home-q', 'HTTP/1.1 404 Not Found');
      const first = tab.locator('#home-results li a.result-title').first();
      await first.waitFor({ state: 'attached', timeout: 5000 }).catch(() => { check(); fail('no results after 5 s'); });
      await follow(tab, first);
      if (tab.url() !== fileUrl(entry, STARTER)) fail(`the result opened ${tab.url()}, want ${entry}`);
      const h1 = oneLine(await tab.textContent('h1'));
      if (h1 !== 'HTTP 404 Not Found') fail(`the entry's heading reads ${JSON.stringify(h1)}`);
      await requireStyled(tab);
      check();
    } finally {
      await context.close();
    }
  });
}

// The one-product French site, served: no tool layer, and the scripts speak its labels.
async function frenchChecks(browser) {
  const server = await serve(FRENCH);
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await test('French site: lang, no tool layer, French copy buttons and search messages, no axe violations', async () => {
      const context = await newContext(browser, base, { viewport: { width: 1280, height: 900 } });
      try {
        const tab = await context.newPage();
        const errors = [];
        tab.on('pageerror', (e) => errors.push(e.message));
        await tab.goto(base + '/not-a-git-repository/', { waitUntil: 'load' });
        if ((await tab.getAttribute('html', 'lang')) !== 'fr') fail('<html lang> is not fr');
        if (await tab.locator('nav[aria-label=Produits], nav[aria-label=Tools]').count()) fail('a tools navigation is shown');
        const copy = oneLine(await tab.textContent('#facts button.copy'));
        if (copy !== 'Copier') fail(`the signature's copy button reads ${JSON.stringify(copy)}`);
        const inline = await tab.getAttribute('.fact-fix button.copy-inline', 'aria-label');
        if (!/^Copier /.test(inline || '')) fail(`an inline copy button is named ${JSON.stringify(inline)}`);
        const theme = oneLine(await tab.textContent('button.theme-toggle'));
        if (!/^Mode (sombre|clair)$/.test(theme)) fail(`the theme button reads ${JSON.stringify(theme)}`);
        await tab.fill('#header-q', 'xyzzy plugh');
        await tab.waitForFunction(() => document.getElementById('header-results-status').textContent.length > 0, null, { timeout: 5000 })
          .catch(() => fail('no search status after 5 s'));
        const status = oneLine(await tab.textContent('#header-results-status'));
        if (!/^(Aucun résultat|\d+ résultats?)/.test(status)) fail(`the search status reads ${JSON.stringify(status)}`);
        await tab.fill('#header-q', 'fatal: not a git repository (or any of the parent directories): .git');
        const first = tab.locator('#header-results li a.result-title').first();
        await first.waitFor({ state: 'attached', timeout: 5000 }).catch(() => fail('no results after 5 s'));
        if (!(await first.getAttribute('href')).endsWith('/not-a-git-repository/')) fail('the first result is not the entry');
        const fix = oneLine(await tab.textContent('#header-results li .result-fix strong'));
        if (fix !== 'Solution rapide:') fail(`a result's quick fix label reads ${JSON.stringify(fix)}`);
        const meta = oneLine(await tab.textContent('#header-results li .result-meta'));
        if (meta) fail(`a result names its tool on a site without a tool layer: ${JSON.stringify(meta)}`);
        await tab.addScriptTag({ content: axeSource });
        const result = await tab.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        if (bad.length) fail(bad.map((v) => v.id).join(', '));
        if (errors.length) fail(errors.join('; '));
      } finally {
        await context.close();
      }
    });
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!SITE || !statOrNull(path.join(SITE, 'index.html'))) {
    console.error(`usage: node check.js <built site folder>  (no index.html in ${SITE || '(none given)'})`);
    process.exit(2);
  }

  const vnuFiles = PAGES.map((p) => path.join(SITE, p.file)).filter((f) => statOrNull(f));
  const vnuPromise = runVnu(vnuFiles);

  const server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });

  try {
    const desktop = await newContext(browser, base, { viewport: { width: 1280, height: 900 } });
    const mobile = await newContext(browser, base, { viewport: { width: 375, height: 812 }, isMobile: false });

    for (const page of PAGES) {
      let loaded = null;
      let loadError = null;
      try {
        loaded = await open(desktop, base, page);
      } catch (err) {
        loadError = err;
      }
      const need = () => {
        if (loadError) fail(`could not load ${page.url}: ${loadError.message}`);
        requirePageExists(page, loaded.mainStatus());
      };

      await test(`${page.name} ${page.url}: no serious or critical axe violations`, async () => {
        need();
        await loaded.tab.addScriptTag({ content: axeSource });
        const result = await loaded.tab.evaluate(() =>
          window.axe.run(document, { resultTypes: ['violations'] }));
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        if (bad.length) {
          fail(bad.map((v) => `${v.id} [${v.impact}] at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}` +
            `${v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : ''}`).join('; '));
        }
      });

      await test(`${page.name} ${page.url}: no console errors`, async () => {
        need();
        if (loaded.consoleErrors.length) fail(loaded.consoleErrors.join('; '));
      });

      await test(`${page.name} ${page.url}: no failed requests, none to another origin`, async () => {
        if (loadError) fail(`could not load ${page.url}: ${loadError.message}`);
        if (loaded.failedRequests.length) fail(loaded.failedRequests.join('; '));
      });

      if (loaded) await loaded.tab.close();

      await test(`${page.name} ${page.url}: no sideways scroll at 375 px`, async () => {
        const m = await open(mobile, base, page);
        try {
          requirePageExists(page, m.mainStatus());
          const { scrollWidth, clientWidth, culprits } = await m.tab.evaluate(() => {
            const de = document.documentElement;
            const cw = de.clientWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > cw + 0.5) {
                wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.classList.length ? '.' + [...el.classList].join('.') : '') + ` (right ${Math.round(r.right)})`);
              }
            }
            return { scrollWidth: de.scrollWidth, clientWidth: cw, culprits: wide.slice(0, 5) };
          });
          if (scrollWidth > clientWidth) {
            fail(`scrollWidth ${scrollWidth} > clientWidth ${clientWidth}; widest: ${culprits.join(', ')}`);
          }
        } finally {
          await m.tab.close();
        }
      });
    }

    await test('entry: copy button copies the signature', () =>
      onEntry(browser, base, { viewport: { width: 1280, height: 900 } }, async (tab, context) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
        const sig = tab.locator('#facts code.signature').first();
        if (!(await sig.count())) fail('no code.signature in #facts');
        const expected = await sig.textContent();
        // The first button.copy next to the signature: in its parent, else its grandparent.
        const found = await sig.evaluate((code) => {
          for (let el = code.parentElement, i = 0; el && i < 2; el = el.parentElement, i++) {
            const b = el.querySelector('button.copy');
            if (b) { b.setAttribute('data-browser-check', 'copy'); return true; }
          }
          return false;
        });
        if (!found) fail('no button.copy next to code.signature in #facts');
        const got = await clipboardAfterClick(tab, '[data-browser-check=copy]');
        if (got !== expected) {
          fail(`clipboard holds ${JSON.stringify(got.slice(0, 120))}, want ${JSON.stringify(expected.slice(0, 120))}`);
        }
      }));

    await test('entry: every inline command in quick fix, quick fixes, checks and steps has a copy button that copies it, on a phone', () =>
      onEntry(browser, base, { viewport: { width: 375, height: 812 } }, async (tab, context) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
        const parts = {
          'quick fix': '#facts .fact-fix dd',
          'quick fixes': 'section[aria-labelledby=quick-fixes]',
          checks: 'section[aria-labelledby=checks]',
          steps: 'section[aria-labelledby=steps]',
        };
        let checked = 0;
        for (const [part, selector] of Object.entries(parts)) {
          const commands = await tab.evaluate(([selector, part]) => {
            const root = document.querySelector(selector);
            if (!root) return null;
            const codes = [...root.querySelectorAll('code')].filter((c) => !c.closest('pre, a'));
            return codes.map((code, i) => {
              const glue = code.nextElementSibling;
              const button = glue && glue.querySelector('button.copy-inline');
              if (!button) return { text: code.textContent };
              const id = `${part} ${i}`;
              button.setAttribute('data-browser-check', id);
              const b = button.getBoundingClientRect();
              const lines = code.getClientRects();
              const end = lines[lines.length - 1];
              return {
                text: code.textContent,
                id,
                name: button.getAttribute('aria-label'),
                size: [Math.round(b.width), Math.round(b.height)],
                // The button sits on the line where its command ends.
                offLine: Math.abs((b.top + b.bottom) / 2 - (end.top + end.bottom) / 2) > 8,
              };
            });
          }, [selector, part]);
          if (!commands) fail(`no ${selector}`);
          if (!commands.length) fail(`no inline code in the ${part}`);
          for (const c of commands) {
            const what = `\`${c.text}\` in the ${part}`;
            if (!c.id) fail(`no button.copy-inline after ${what}`);
            if (c.name !== `Copy ${c.text}` && !(c.text.length > 80 && c.name.endsWith('…'))) {
              fail(`the button after ${what} is named ${JSON.stringify(c.name)}`);
            }
            if (c.size[0] < 24 || c.size[1] < 24) fail(`the button after ${what} is ${c.size.join('×')} px (under 24×24)`);
            if (c.offLine) fail(`the button after ${what} is not on the line where it ends`);
            const got = await clipboardAfterClick(tab, `[data-browser-check="${c.id}"]`);
            if (got !== c.text) fail(`the button after ${what} copied ${JSON.stringify(got.slice(0, 120))}`);
            checked++;
          }
        }
        console.log(`# inline copy buttons checked: ${checked}`);
      }));

    // On a phone the quick fix must be on the first screen, with and without scripts.
    for (const js of [true, false]) {
      const how = js ? 'scripts on' : 'scripts off';
      const phone = { viewport: { width: 375, height: 812 }, javaScriptEnabled: js };
      await test(`entry: at 375×812 the quick fix starts on the first screen (${how})`, () =>
        onEntry(browser, base, phone, async (tab) => {
          const top = await tab.evaluate(() => {
            const fix = document.querySelector('#facts .fact-fix');
            return fix ? fix.getBoundingClientRect().top + window.scrollY : null;
          });
          if (top === null) fail('no .fact-fix in #facts');
          console.log(`# quick fix top at 375×812, ${how}: ${Math.round(top)} px`);
          if (top >= 812) fail(`the quick fix starts at y=${Math.round(top)}, below the first 812 px`);
        }));

      await test(`entry: "Show all" unfolds the folded signature on a phone (${how})`, () =>
        onEntry(browser, base, phone, async (tab) => {
          const measure = () => tab.evaluate(() => {
            const sig = document.querySelector('#facts .signature');
            return sig && { shown: sig.clientHeight, whole: sig.scrollHeight, text: sig.textContent };
          });
          const before = await measure();
          if (!before) fail('no .signature in #facts');
          if (before.whole <= before.shown + 1) fail(`the signature is not folded (${before.shown} of ${before.whole} px shown)`);
          const control = tab.locator('#facts details.signature-more > summary');
          if (!(await control.isVisible())) fail('no visible "Show all" (details.signature-more > summary)');
          const label = oneLine(await control.innerText());
          if (!label.startsWith('Show all')) fail(`the control reads ${JSON.stringify(label)}, want "Show all…"`);
          await control.focus();
          await tab.keyboard.press('Enter');
          const after = await measure();
          if (after.shown + 1 < after.whole) fail(`after "Show all", ${after.shown} of ${after.whole} px shown`);
          if (after.shown <= before.shown) fail(`the signature did not grow (${before.shown} → ${after.shown} px)`);
          if (after.text !== before.text) fail('the signature text changed');
          const again = oneLine(await control.innerText());
          if (!again.startsWith('Show less')) fail(`the open control reads ${JSON.stringify(again)}, want "Show less…"`);
        }));
    }

    await test('entry: no "Show all" on a wide screen when the whole signature fits', () =>
      onEntry(browser, base, { viewport: { width: 1280, height: 900 } }, async (tab) => {
        const state = await tab.evaluate(() => {
          const sig = document.querySelector('#facts .signature');
          const more = document.querySelector('#facts details.signature-more');
          return { folded: sig.scrollHeight > sig.clientHeight + 1, shown: !!more && more.getClientRects().length > 0 };
        });
        if (state.folded) fail('the signature is folded on a 1280 px screen');
        if (state.shown) fail('"Show all" is shown though nothing is folded');
      }));

    await test('home: header search finds the 401 page from a pasted line', async () => {
      const context = await newContext(browser, base, { viewport: { width: 1280, height: 900 } });
      try {
        const tab = await context.newPage();
        const pageErrors = [];
        tab.on('pageerror', (e) => pageErrors.push(e.message));
        await tab.goto(base + '/', { waitUntil: 'load' });
        await tab.fill('#header-q', PASTED_LINE);
        const first = tab.locator('#header-results li a.result-title').first();
        try {
          await first.waitFor({ state: 'attached', timeout: 5000 });
        } catch {
          fail(`no results in #header-results after 5 s${pageErrors.length ? `; page errors: ${pageErrors.join('; ')}` : ''}`);
        }
        const href = await first.getAttribute('href');
        const abs = new URL(href, base + '/').pathname;
        if (!abs.endsWith(ENTRY)) fail(`first result is ${href}, want one ending with ${ENTRY}`);
      } finally {
        await context.close();
      }
    });

    /* The search page: a result list (or the page's status) after `query`, with the filters
     * given as URL parameters. */
    async function searchPage(params) {
      const context = await newContext(browser, base, { viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const pageErrors = [];
      tab.on('pageerror', (e) => pageErrors.push(e.message));
      await tab.goto(`${base}/search/?${new URLSearchParams(params)}`, { waitUntil: 'load' });
      try {
        await tab.waitForFunction(() => document.getElementById('page-results-status').textContent.length > 0, null, { timeout: 5000 });
      } catch {
        await context.close();
        fail(`no status after 5 s${pageErrors.length ? `; page errors: ${pageErrors.join('; ')}` : ''}`);
      }
      return { context, tab };
    }

    await test('search: a confident first result shows its quick fix, and the count is announced', async () => {
      const { context, tab } = await searchPage({ q: PASTED_LINE });
      try {
        const first = tab.locator('#page-results li').first();
        if (!(await first.getAttribute('class') || '').includes('confident')) fail('the first result is not marked confident');
        const fix = await first.locator('p.result-fix').textContent();
        if (!/^Quick fix: \S/.test(fix)) fail(`quick fix under the result reads ${JSON.stringify(fix)}`);
        if (await tab.locator('#page-results li.search-unsure').count()) fail('says "no known error" above a confident result');
        const status = await tab.textContent('#page-results-status');
        if (!/^\d+ results?$/.test(status)) fail(`status ${JSON.stringify(status)}`);
        if (await tab.getAttribute('#page-results-status', 'aria-live') !== 'polite') fail('status is not a polite live region');
      } finally {
        await context.close();
      }
    });

    await test('search: an error no page covers is answered with "No known error matches this confidently"', async () => {
      const { context, tab } = await searchPage({ q: 'bash: /usr/local/bin/foo: cannot execute binary file: Exec format error' });
      try {
        const first = await tab.textContent('#page-results li:first-child');
        if (!first.startsWith('No known error matches this confidently')) fail(`first item reads ${JSON.stringify(first)}`);
        const status = await tab.textContent('#page-results-status');
        if (!status.endsWith('none matches confidently')) fail(`status ${JSON.stringify(status)}`);
        if (await tab.locator('#page-results li.confident').count()) fail('a result is marked confident');
      } finally {
        await context.close();
      }
    });

    await test('search: the tool and kind filters narrow the results and stay in the URL', async () => {
      const { context, tab } = await searchPage({ q: 'rate limit', tool: 'anthropic-api', kind: 'quota' });
      try {
        if (await tab.inputValue('#page-tool') !== 'anthropic-api') fail('tool filter not taken from the URL');
        if (await tab.inputValue('#page-kind') !== 'quota') fail('kind filter not taken from the URL');
        const metas = await tab.$$eval('#page-results span.result-meta', (els) => els.map((e) => e.textContent));
        if (!metas.length) fail('no results');
        const other = metas.filter((m) => !m.startsWith('Anthropic API'));
        if (other.length) fail(`results of other tools: ${other.join(', ')}`);
        await tab.selectOption('#page-tool', '');
        await tab.waitForFunction(() => new URL(location.href).searchParams.get('tool') === null, null, { timeout: 5000 });
        await tab.waitForFunction(() => Array.from(document.querySelectorAll('#page-results span.result-meta'))
          .some((e) => !e.textContent.startsWith('Anthropic API')), null, { timeout: 5000 });
      } finally {
        await context.close();
      }
    });

    await test('home: the paste box finds the 401 page from a pasted line, on a phone', async () => {
      const context = await newContext(browser, base, { viewport: { width: 375, height: 800 } });
      try {
        const tab = await context.newPage();
        const pageErrors = [];
        tab.on('pageerror', (e) => pageErrors.push(e.message));
        await tab.goto(base + '/', { waitUntil: 'load' });
        await tab.fill('#home-q', PASTED_LINE);
        const first = tab.locator('#home-results li a.result-title').first();
        try {
          await first.waitFor({ state: 'attached', timeout: 5000 });
        } catch {
          fail(`no results in #home-results after 5 s${pageErrors.length ? `; page errors: ${pageErrors.join('; ')}` : ''}`);
        }
        const href = await first.getAttribute('href');
        const abs = new URL(href, base + '/').pathname;
        if (!abs.endsWith(ENTRY)) fail(`first result is ${href}, want one ending with ${ENTRY}`);
      } finally {
        await context.close();
      }
    });

    if (OFFLINE) await offlineChecks(browser);
    else console.log('# no relative build given: the checks from disk were skipped');
    if (STARTER) await starterChecks(browser);
    if (FRENCH) await frenchChecks(browser);

    if (SHOTS) {
      await test(`entry: screenshots written to ${SHOTS}`, async () => {
        fs.mkdirSync(SHOTS, { recursive: true });
        const written = [];
        for (const scheme of ['light', 'dark']) {
          for (const width of [375, 1280]) {
            const context = await newContext(browser, base, { viewport: { width, height: 900 }, colorScheme: scheme });
            try {
              const tab = await context.newPage();
              await tab.goto(base + ENTRY, { waitUntil: 'load' });
              const file = path.join(SHOTS, `entry-${width}-${scheme}.png`);
              await tab.screenshot({ path: file, fullPage: true });
              written.push(path.basename(file));
            } finally {
              await context.close();
            }
          }
        }
        console.log(`# screenshots: ${written.join(', ')}`);
      });
    }

    await desktop.close();
    await mobile.close();
  } finally {
    await browser.close();
    server.close();
  }

  // Nu HTML Checker results, one test per page type.
  const vnu = await vnuPromise;
  const byFile = new Map();
  for (const m of vnu.messages || []) {
    let file = m.url || '';
    try { file = decodeURIComponent(new URL(file).pathname); } catch { /* keep as is */ }
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(m);
  }
  for (const page of PAGES) {
    const file = path.join(SITE, page.file);
    await test(`${page.name} ${page.file}: valid HTML (Nu HTML Checker)`, async () => {
      if (!statOrNull(file)) fail(`${page.file} was not built`);
      if (vnu.error) fail(`vnu did not run: ${vnu.error}`);
      const msgs = byFile.get(file) || [];
      for (const w of msgs.filter((x) => x.type === 'info')) {
        console.log(`# vnu ${w.subType || 'info'}: ${page.file}:${w.lastLine || '?'}: ${oneLine(w.message)}`);
      }
      const errors = msgs.filter((x) => x.type === 'error' || x.type === 'non-document-error');
      if (errors.length) {
        fail(errors.map((e) => `${e.lastLine || '?'}:${e.firstColumn || e.lastColumn || '?'} ${oneLine(e.message)}`).join('; '));
      }
    });
  }

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.log(`not ok - harness: ${oneLine(err && err.stack ? err.stack : err)}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});

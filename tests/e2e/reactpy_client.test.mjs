// Base-protocol compatibility: the published npm package @reactpy/client
// (0.3.x, unmodified, from node_modules) drives the counter server through
// /_reactpy/stream. The page that hosts it is bundled here with esbuild and
// served from another origin (a node http server on another port), so the
// counter is started with --allow-origin for that origin (and without, its
// WebSocket is refused: docs/security.md).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { e2eDir } from './lib/paths.mjs';
import { startExample } from './lib/server.mjs';

const require = createRequire(join(e2eDir, 'package.json'));
const reactpyVersion = JSON.parse(await readFile(require.resolve('@reactpy/client/package.json'), 'utf8')).version;

// The page script: the package's own published API, nothing else.
const ENTRY = `
import { mount, SimpleReactPyClient } from '@reactpy/client';
const client = new SimpleReactPyClient({
  serverLocation: { url: window.REACTPY_SERVER, route: '/', query: '' },
});
mount(document.getElementById('app'), client);
`;

// A hung test fails with its name instead of stalling until CTest's timeout.
const TEST_MS = 30000;

let browser;
let outDir;
let bundle;
let pageServer;

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'reactc-reactpy-'));
  const outfile = join(outDir, 'page.js');
  [browser] = await Promise.all([
    launchBrowser(),
    build({
      stdin: { contents: ENTRY, resolveDir: e2eDir, sourcefile: 'page.js', loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2019',
      define: { 'process.env.NODE_ENV': '"production"' },
      outfile,
      logLevel: 'warning',
    }),
  ]);
  bundle = await readFile(outfile);
}, { timeout: TEST_MS });

after(async () => {
  await browser?.close();
  if (pageServer) {
    pageServer.closeAllConnections();
    await new Promise((r) => pageServer.close(r));
  }
  if (outDir) await rm(outDir, { recursive: true, force: true });
}, { timeout: TEST_MS });

/** Serves the host page and its bundle on 127.0.0.1 (its own port and
 * origin); the page connects to `reactcUrl()` (the server is started once
 * this page's origin is known). */
async function servePage(reactcUrl) {
  const html = () =>
    '<!doctype html><html><head><meta charset="utf-8"><title>@reactpy/client on reactc</title>' +
    '<link rel="icon" href="data:,"></head>' +
    `<body><div id="app"></div><script>window.REACTPY_SERVER = ${JSON.stringify(reactcUrl())};</script>` +
    '<script src="/page.js"></script></body></html>';
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(bundle);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html());
    } else {
      res.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 100;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

test(`@reactpy/client ${reactpyVersion}, unmodified, drives the counter`, { timeout: TEST_MS }, async (t) => {
  assert.match(reactpyVersion, /^0\.3\./);
  let counter = null;
  pageServer = await servePage(() => counter.url);
  const pageUrl = `http://127.0.0.1:${pageServer.address().port}/`;
  counter = await startExample('counter', { args: ['--allow-origin', new URL(pageUrl).origin] });
  t.after(() => counter.kill());
  try {
    assert.notEqual(new URL(pageUrl).origin, new URL(counter.url).origin);

    const { page, errors } = await newPage(browser.context);
    t.after(() => page.close().catch(() => {}));
    page.setDefaultTimeout(10000); // a page load and a round trip on a loaded 2-core machine
    const warnings = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    // The frames on the wire, to check the base protocol.
    const sent = [];
    const received = [];
    const sockets = [];
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framesent', (f) => sent.push(JSON.parse(f.payload)));
      ws.on('framereceived', (f) => received.push(JSON.parse(f.payload)));
    });

    await page.goto(pageUrl);
    await page.waitForSelector('#app button#increment');
    assert.equal(await page.$eval('#app span#count', (e) => e.textContent), '0');
    for (let i = 0; i < 3; i++) await page.click('button#increment');
    await page.waitForFunction(() => document.querySelector('span#count')?.textContent === '3');

    assert.deepEqual(sockets, [counter.url.replace(/^http/, 'ws') + '/_reactpy/stream']);
    // The client never speaks first and sends only plain layout-events.
    assert.equal(sent.length, 3);
    for (const m of sent) {
      assert.deepEqual(Object.keys(m).sort(), ['data', 'target', 'type']);
      assert.equal(m.type, 'layout-event');
    }
    // The server spoke first, with the whole tree at path "", and then only
    // layout-updates (anything else would be logged as unhandled).
    assert.equal(received[0].type, 'layout-update');
    assert.equal(received[0].path, '');
    assert.ok(received.every((m) => m.type === 'layout-update'), JSON.stringify(received));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    await counter.stop();
  } catch (e) {
    e.message += `\n--- counter stderr ---\n${counter.stderr()}`;
    throw e;
  }
});

test('without --allow-origin, the other origin\'s page cannot open the WebSocket', { timeout: TEST_MS }, async (t) => {
  let counter = null;
  const pages = await servePage(() => counter.url);
  t.after(() => {
    pages.closeAllConnections();
    return new Promise((r) => pages.close(r));
  });
  counter = await startExample('counter');
  t.after(() => counter.kill());
  const { page } = await newPage(browser.context);
  t.after(() => page.close().catch(() => {}));
  await page.goto(`http://127.0.0.1:${pages.address().port}/`);
  // The barrier: the server refusing this page's handshake (403, logged).
  const re = /refused a WebSocket from 127\.0\.0\.1: foreign Origin \(Host "127\.0\.0\.1:\d+", Origin "http:\/\/127\.0\.0\.1:\d+"\): 403/;
  await counter.waitStderr(re);
  assert.equal(await page.$('#app button#increment'), null);
  await counter.stop();
});

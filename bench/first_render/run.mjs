#!/usr/bin/env node
// bench/first_render/run.mjs: first render in Chromium, and applying one
// patch to a big page (docs/architecture.md, Targets), for bench/first_render/run.sh.
//
//   node run.mjs [--loads N] [--clicks N] [--patch NAME] NAME URL SELECTOR ...
//
// For each NAME URL SELECTOR: one warm-up load, then N loads of URL, each in
// a new page (fresh sessionStorage, hence a fresh session; the client
// bundle comes from the browser cache after the warm-up, as on any visit
// after the first). Measured in the page, from navigation start
// (performance.now()'s origin): `dom`, when an element matching SELECTOR is
// in the document (a MutationObserver, so right after the client's message
// handler built the tree), and `frame`, the next animation frame (the one
// that paints it). The handler of the first tree's message (JSON.parse +
// building the DOM) is timed too, by wrapping WebSocket's onmessage.
//
// --patch NAME: on one more page of NAME, clicks #bump --clicks times, one
// click at a time, and times the client's handler for each patch message
// (JSON.parse, applying the operations, keeping the token): the cost of one
// patch on a page of that many DOM nodes.
//
// Prints "RESULT key=value ..." lines (stdout); progress on stderr; "SKIP
// reason" if Chromium or playwright-core is missing. Bounded: --limit s
// (default 100) closes the browser and exits 3.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = { loads: 20, clicks: 50, patch: null, limit: 100 };
const apps = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--loads' || a === '--clicks' || a === '--limit') opt[a.slice(2)] = Number(args[++i]);
  else if (a === '--patch') opt.patch = args[++i];
  else {
    if (i + 2 >= args.length) {
      console.error(`run.mjs: NAME URL SELECTOR expected, got ${args.slice(i).join(' ')}`);
      process.exit(2);
    }
    apps.push({ name: a, url: args[++i], selector: args[++i] });
  }
}

const chromiumPath = process.env.REACTC_CHROMIUM || '/usr/bin/chromium';
const e2eBrowser = join(root, 'tests', 'e2e', 'lib', 'browser.mjs');
if (!existsSync(chromiumPath)) {
  console.log(`SKIP Chromium not found at ${chromiumPath}`);
  process.exit(0);
}
if (!existsSync(join(root, 'tests', 'e2e', 'node_modules', 'playwright-core'))) {
  console.log('SKIP playwright-core is not installed in tests/e2e/node_modules (npm ci there)');
  process.exit(0);
}
// The browser tests' launcher: Debian's Chromium, the flags that work here.
const { launchBrowser } = await import(pathToFileURL(e2eBrowser).href);

/* Runs in every new document before the page's scripts. */
function instrument(selector) {
  const rc = { dom: 0, frame: 0, open: 0, msgs: [], onmsg: null };
  window.__bench = rc;
  const seen = () => {
    if (rc.dom || !document.querySelector(selector)) return false;
    rc.dom = performance.now();
    requestAnimationFrame(() => { rc.frame = performance.now(); });
    return true;
  };
  new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); })
    .observe(document, { childList: true, subtree: true });
  // The client sets ws.onmessage: time each call of its handler.
  const d = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    enumerable: d.enumerable,
    get() { return d.get.call(this); },
    set(fn) {
      d.set.call(this, typeof fn !== 'function' ? fn : function (e) {
        const t0 = performance.now();
        try {
          return fn.call(this, e);
        } finally {
          const ms = performance.now() - t0;
          const text = typeof e.data === 'string' ? e.data : '';
          const m = /^\{"type":"([^"]+)"/.exec(text.slice(0, 40));
          rc.msgs.push({ at: t0, ms, bytes: text.length, type: m ? m[1] : '' });
          if (rc.onmsg) rc.onmsg();
        }
      });
    },
  });
  const o = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onopen');
  Object.defineProperty(WebSocket.prototype, 'onopen', {
    configurable: true,
    enumerable: o.enumerable,
    get() { return o.get.call(this); },
    set(fn) {
      o.set.call(this, typeof fn !== 'function' ? fn : function (e) {
        if (!rc.open) rc.open = performance.now();
        return fn.call(this, e);
      });
    },
  });
}

const pct = (v, q) => {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

let browser = null;
const deadline = setTimeout(async () => {
  console.error(`run.mjs: time limit (${opt.limit} s) reached`);
  if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(3);
}, opt.limit * 1000);

async function load(app) {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(instrument, app.selector);
    await page.goto(app.url, { waitUntil: 'commit', timeout: 15000 });
    // The paint entry comes with the frame's presentation, after its
    // animation frame callbacks: wait for it too.
    await page.waitForFunction(() => window.__bench && window.__bench.frame > 0 &&
      window.__bench.msgs.some((m) => m.type === 'layout-update') &&
      performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 15000 });
    return await page.evaluate(() => {
      const b = window.__bench;
      const tree = b.msgs.find((m) => m.type === 'layout-update');
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      const js = performance.getEntriesByType('resource').find((r) => /\/_reactc\/client\.js/.test(r.name));
      return {
        dom: b.dom, frame: b.frame, treeMs: tree ? tree.ms : NaN, treeBytes: tree ? tree.bytes : NaN,
        html: nav ? nav.responseEnd : NaN, script: js ? js.responseEnd : NaN, open: b.open || NaN,
        treeAt: tree ? tree.at : NaN, fcp: fcp ? fcp.startTime : NaN,
        ready: tree ? tree.at + tree.ms : NaN,
      };
    });
  } finally {
    await page.close().catch(() => {});
  }
}

async function patches(app, clicks) {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(instrument, app.selector);
    await page.goto(app.url, { waitUntil: 'commit', timeout: 15000 });
    await page.waitForFunction(() => window.__bench && window.__bench.frame > 0, null, { timeout: 15000 });
    return await page.evaluate(async (n) => {
      const b = window.__bench;
      const mount = document.querySelector('[data-reactc-mount]') || document.body;
      let nodes = 0;
      const walk = document.createTreeWalker(mount, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) nodes++;
      const btn = document.querySelector('#bump');
      if (!btn) return { error: 'no #bump button' };
      const start = b.msgs.length;
      for (let i = 0; i < n; i++) {
        const before = b.msgs.length;
        // One click at a time: the next after its patch arrived.
        const got = new Promise((res) => {
          b.onmsg = () => { if (b.msgs.slice(before).some((m) => m.type === 'patch')) res(true); };
          setTimeout(() => res(false), 5000);
        });
        btn.click();
        if (!(await got)) break;
      }
      b.onmsg = null;
      const p = b.msgs.slice(start).filter((m) => m.type === 'patch');
      return { nodes, ms: p.map((m) => m.ms), bytes: p.map((m) => m.bytes) };
    }, clicks);
  } finally {
    await page.close().catch(() => {});
  }
}

try {
  browser = await launchBrowser();
  console.log(`RESULT loads=${opt.loads} clicks=${opt.clicks}`);
  for (const app of apps) {
    console.error(`run.mjs: ${app.name}: 1 + ${opt.loads} loads of ${app.url}`);
    await load(app); // warm-up: caches the client bundle
    const dom = [], frame = [], tree = [], html = [], script = [], open = [], treeAt = [], fcp = [], ready = [];
    let treeBytes = NaN;
    for (let i = 0; i < opt.loads; i++) {
      const r = await load(app);
      dom.push(r.dom);
      frame.push(r.frame);
      tree.push(r.treeMs);
      html.push(r.html);
      script.push(r.script);
      open.push(r.open);
      treeAt.push(r.treeAt);
      fcp.push(r.fcp);
      ready.push(r.ready);
      treeBytes = r.treeBytes;
    }
    const k = app.name;
    console.log(`RESULT ${k}_dom_ms_p50=${f(pct(dom, 0.5))} ${k}_dom_ms_p90=${f(pct(dom, 0.9))} ` +
      `${k}_frame_ms_p50=${f(pct(frame, 0.5))} ${k}_frame_ms_p90=${f(pct(frame, 0.9))} ` +
      `${k}_frame_ms_max=${f(pct(frame, 1))} ${k}_tree_ms_p50=${f(pct(tree, 0.5))} ` +
      `${k}_tree_bytes=${treeBytes} ${k}_loads=${dom.length} ` +
      // Where the time goes, medians from navigation start: the page's HTML
      // received, the client script received (cached: ~0), the WebSocket
      // open, the first tree's message arriving.
      `${k}_html_ms_p50=${f(pct(html.filter(Number.isFinite), 0.5))} ` +
      `${k}_script_ms_p50=${f(pct(script.filter(Number.isFinite), 0.5))} ` +
      `${k}_open_ms_p50=${f(pct(open.filter(Number.isFinite), 0.5))} ` +
      `${k}_tree_at_ms_p50=${f(pct(treeAt.filter(Number.isFinite), 0.5))} ` +
      `${k}_fcp_ms_p50=${f(pct(fcp.filter(Number.isFinite), 0.5))} ` +
      `${k}_fcp_ms_p90=${f(pct(fcp.filter(Number.isFinite), 0.9))} ` +
      `${k}_ready_ms_p50=${f(pct(ready.filter(Number.isFinite), 0.5))}`);
  }
  const target = apps.find((a) => a.name === opt.patch);
  if (target) {
    console.error(`run.mjs: ${target.name}: ${opt.clicks} clicks on #bump`);
    const r = await patches(target, opt.clicks);
    if (r.error) {
      console.log(`SKIP patch: ${r.error}`);
    } else {
      const bytes = r.bytes.length ? r.bytes.reduce((a, b) => a + b, 0) / r.bytes.length : NaN;
      console.log(`RESULT patch_app=${target.name} patch_nodes=${r.nodes} patch_count=${r.ms.length} ` +
        `patch_ms_p50=${f(pct(r.ms, 0.5), 3)} patch_ms_p90=${f(pct(r.ms, 0.9), 3)} ` +
        `patch_ms_p99=${f(pct(r.ms, 0.99), 3)} patch_ms_max=${f(pct(r.ms, 1), 3)} patch_bytes=${f(bytes, 0)}`);
    }
  }
} catch (e) {
  console.error(`run.mjs: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  if (browser) await browser.close();
}

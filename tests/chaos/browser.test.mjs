// Chaos with real pages: the chaos.kill9 run (chaos.test.mjs) with the
// browser client in Chromium instead of the headless protocol client.
//
// 3 counter and 3 todo servers (one secret, each its own process on its own
// port) behind HAProxy (round robin, no stickiness); 4 Chromium pages, 2 on
// each app, in one browser, each in a window of its own. Each page follows a seeded script of real input
// (mouse clicks, keys pressed on a focused button, text typed key by key,
// forms submitted with Enter or the Add button, checkboxes clicked, rows
// deleted) for REACTC_CHAOS_BROWSER_SECONDS (20) while, every 2 s, a server
// holding at least one page's WebSocket (any server if none does) is
// SIGKILLed and started again on its port 200 to 800 ms later.
//
// Then the killing stops and every page must settle: connected, a whole
// tree on its current socket, every event it made acknowledged and held by
// its newest token. Its DOM must then be exactly what its own script makes
// (the counter: the number of clicks; the todo: the submitted texts in
// order, each open or done as toggled, deleted rows gone, the remaining
// count, and the draft typed last, unsubmitted, still in the field); a
// reload must show the same page again (the server's state, not only the
// DOM). The test prints
//
//   clients 4, events E, resumes R, reattaches A, kills K, lost 0, duplicated 0
//
// (lost and duplicated counted from the DOM against the scripts; resumes
// and re-attaches from the `start` of the whole trees the pages received
// before the verification reload) and fails on any lost or duplicated event,
// a checkbox that shows another state than its row, a page that never
// settles, an event sent for no scripted action or a scripted action that
// sent none, a refused resume or fresh session, a page error, a server
// crash, fewer kills than scheduled, or fewer resumes than half the kills
// (kills that reached no page prove nothing).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CHROMIUM, launchBrowser } from '../e2e/lib/browser.mjs';
import { gotoApp, MOUNT, realErrors, todoTexts } from '../e2e/lib/page.mjs';
import { HANDLED, onMessages } from '../e2e/lib/wire.mjs';
import { killLoop } from './lib/chaos.mjs';
import { HAPROXY, establishedOn, haproxyFleet, report } from './lib/fleet.mjs';
import { sleep } from './lib/procs.mjs';
import { checkTodo, rng } from './lib/users.mjs';

const SECONDS = Number(process.env.REACTC_CHAOS_BROWSER_SECONDS || 20);
const SEED = Number(process.env.REACTC_CHAOS_SEED || Math.floor(Math.random() * 2 ** 31));
const ARGS = (process.env.REACTC_CHAOS_SERVER_ARGS || '').split(/\s+/).filter(Boolean);
const ENV = { REACTC_SECRET: 'b64:' + randomBytes(32).toString('base64') };
const SETTLE_MS = 30000;

// A hard bound on the whole file, whatever hangs: the exit handler of
// lib/procs.mjs then kills every process started (Chromium goes with node).
setTimeout(() => {
  console.error('chaos.browser: over 150 s, giving up');
  process.exit(1);
}, 150000 + SECONDS * 1000).unref();

const skip = (!HAPROXY && 'haproxy not found') || (!existsSync(CHROMIUM) && `${CHROMIUM} not found`);

/** Init script: the client's resume-failed events, and what the user sees
 * (the markup of the mount element and the values of its fields). */
function WATCH() {
  window.__failed = [];
  document.addEventListener('reactc:resume-failed', (e) => window.__failed.push(e.detail));
  window.__snap = () => {
    const root = document.querySelector('#reactc-root');
    // Named by id, or by the row's text and the class.
    const name = (f) => f.id || `${f.closest('li')?.querySelector('.text')?.textContent} ${f.className}`;
    const fields = [...root.querySelectorAll('input')].map((f) => [name(f), f.value, f.checked]);
    return { html: root.innerHTML, fields };
  };
}

/** The reactc traffic of a page, across its sockets: the seqs of the events
 * it sent (alone or carried by a resume hello) and the highest, the `start`
 * of every whole tree, and per socket whether its tree came, its last ack
 * and token_seq. */
function watchWire(page) {
  const wire = { seqs: new Set(), maxSeq: 0, starts: [], sessions: [], refused: [], sockets: [] };
  const sent = (seq) => {
    wire.seqs.add(seq);
    wire.maxSeq = Math.max(wire.maxSeq, seq);
  };
  onMessages(page, (ws) => {
    const sock = { closed: false, tree: false, ack: 0, held: 0 };
    wire.sockets.push(sock);
    ws.on('close', () => { sock.closed = true; });
    return {
      sent(m) {
        if (m.type === 'hello') for (const e of m.resume?.events || []) sent(e.seq);
        else if (m.type === 'layout-event') sent(m.seq);
      },
      received(m) {
        if (m.type === 'resume-failed') wire.refused.push(m.reason);
        if (m.type === 'layout-update' && m.start) {
          sock.tree = true;
          wire.starts.push(m.start);
          wire.sessions.push(m.session);
        }
        if (typeof m.ack === 'number') sock.ack = m.ack;
        // As the client: events are held by the token up to token_seq.
        const held = typeof m.token_seq === 'number' ? m.token_seq : m.ack;
        if (typeof held === 'number') sock.held = held;
      },
    };
  });
  return wire;
}

/** The page's current socket is up, has its tree, and has acknowledged
 * every event made, all held by its newest token. */
function wireSettled(wire) {
  const s = wire.sockets.at(-1);
  return !!s && !s.closed && s.tree && s.ack >= wire.maxSeq && s.held >= wire.maxSeq;
}

/** In the page (HANDLED): connected, and every event it has sent answered
 * by an ack it has handled, so its DOM shows them all. The highest seq it
 * sent, counted as it sends, or -1 when not so. */
const pageSettled = (page) => page.evaluate(() => {
  const h = window.__handled;
  const connected = document.querySelector('#reactc-root').classList.contains('rc-connected');
  return connected && h.ack >= h.sent ? h.sent : -1;
});

/** Waits until the page is settled, and still is a moment later: its
 * current socket has its tree and every event's ack and token (the frames,
 * `wire`), and the page itself has handled those acks, having sent no event
 * that `wire` has not seen yet (the browser reports frames to the test
 * later than the page sends them, and the page handles a message later
 * than the browser reports it). */
async function settle(p, ms) {
  const end = Date.now() + ms;
  let since = 0;
  for (;;) {
    const now = Date.now();
    const sent = wireSettled(p.wire) ? await pageSettled(p.page) : -1;
    if (sent >= 0 && sent <= p.wire.maxSeq) {
      if (!since) since = now;
      else if (now - since >= 300) return;
    } else {
      since = 0;
    }
    if (now > end) {
      const s = p.wire.sockets.at(-1);
      throw new Error(`${p.name}: not settled after ${ms} ms (events ${p.wire.maxSeq}; current socket: ` +
        `${s ? `closed ${s.closed}, tree ${s.tree}, ack ${s.ack}, token_seq ${s.held}` : 'none'}; ` +
        `class ${await p.page.evaluate(() => document.querySelector('#reactc-root').className).catch((e) => e.message)}; ` +
        `in the page: ${await p.page.evaluate(() => { const h = window.__handled; return `sent ${h.sent}, ack ${h.ack}`; }).catch((e) => e.message)})`);
    }
    await sleep(50);
  }
}

/**
 * A page in a window of its own, which records uncaught errors and console
 * errors in `errors` (as newPage of tests/e2e/lib/browser.mjs). Not a tab:
 * Chromium runs no animation frames in a window's background tabs, so
 * Playwright's actionability checks before a click, which wait for two,
 * would take a second or more on three pages of four.
 */
async function newWindow(context, cdp) {
  const opened = context.waitForEvent('page');
  await cdp.send('Target.createTarget', { url: 'about:blank', newWindow: true });
  const page = await opened;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}

// ---- the scripts ----------------------------------------------------------------

/** Counter: clicks on +1, or Enter / Space pressed on the focused button. */
function counterScript(p, rand) {
  let clicks = 0;
  return {
    actions: () => clicks,
    async run(until) {
      while (Date.now() < until) {
        const r = rand();
        if (r < 0.6) await p.page.click('#increment');
        else await p.page.press('#increment', r < 0.8 ? 'Enter' : 'Space');
        clicks++;
        await sleep(rand.int(20, 200));
      }
    },
    async check() {
      const text = await p.page.textContent('#count');
      const n = Number(text);
      if (!/^\d+$/.test(text || '')) return { lost: clicks, duplicated: 0, problems: [`#count reads ${JSON.stringify(text)}`] };
      return {
        lost: Math.max(0, clicks - n),
        duplicated: Math.max(0, n - clicks),
        problems: n === clicks ? [] : [`#count is ${n} after ${clicks} clicks`],
      };
    },
  };
}

/** Todo: types texts key by key and submits them (Enter or Add), clicks
 * the checkboxes and delete buttons of rows it can see, and at the end
 * types a draft it does not submit. */
function todoScript(p, rand) {
  const { page } = p;
  const items = []; // {text, done}: what the list must show, in order
  const typed = []; // every text typed for a row
  let made = 0;
  let events = 0;
  let draft = '';
  const rowOf = (text) => page.locator('#todos li').filter({ has: page.getByText(text, { exact: true }) });
  const type = async (text) => {
    await page.click('#new-todo');
    await page.keyboard.type(text, { delay: rand.int(10, 40) });
    events += text.length;
  };
  return {
    actions: () => events,
    async run(until) {
      while (Date.now() < until) {
        // Only rows the user can see and has not deleted.
        const texts = await todoTexts(page);
        const shown = items.filter((i) => texts.includes(i.text));
        const r = rand();
        if (items.length < 2 || !shown.length || r < 0.45) {
          const text = `${p.name} item ${++made}`;
          typed.push(text);
          await type(text);
          if (rand() < 0.5) await page.keyboard.press('Enter');
          else await page.click('#add');
          events++;
          items.push({ text, done: false });
          // As a user would: the next text once the field is empty again
          // (the server clears it; during an outage that waits for the resume).
          await page.waitForFunction(() => document.querySelector('#new-todo').value === '', null, { timeout: SETTLE_MS });
        } else if (r < 0.85) {
          const item = rand.pick(shown);
          await rowOf(item.text).locator('input.toggle').click();
          events++;
          item.done = !item.done;
        } else {
          const item = rand.pick(shown);
          await rowOf(item.text).locator('button.delete').click();
          events++;
          items.splice(items.indexOf(item), 1);
          // As a user would: the next click once the row is gone. Rows
          // below it move up when it goes; a click aimed before that lands
          // on the next row (Playwright clicks at a point, as a hand does).
          await rowOf(item.text).waitFor({ state: 'detached', timeout: SETTLE_MS });
        }
        await sleep(rand.int(20, 200));
      }
      draft = `${p.name} draft ${made + 1}`;
      await type(draft);
    },
    async check() {
      // The row's class is the server's state, checked what its box shows.
      const rows = await page.$$eval('#todos li', (lis) => lis.map((li) => ({
        text: li.querySelector('span.text')?.textContent,
        cls: li.className,
        checked: li.querySelector('input.toggle')?.checked,
      })));
      const r = checkTodo({ items, rows, remaining: await page.textContent('#remaining'), typed });
      // The draft: keys lost or applied twice show in the field.
      const value = await page.$eval('#new-todo', (e) => e.value);
      if (value !== draft) {
        r.problems.push(`#new-todo holds ${JSON.stringify(value)}, want ${JSON.stringify(draft)}`);
        if (draft.startsWith(value)) r.lost += draft.length - value.length;
        else if (value.startsWith(draft)) r.duplicated += value.length - draft.length;
        else r.lost++;
      }
      return r;
    },
  };
}

// ---- the test -----------------------------------------------------------------

test('4 Chromium pages through HAProxy while servers are killed with SIGKILL every 2 s',
  { skip, timeout: 120000 + SECONDS * 1000 }, async (t) => {
    const rand = rng(SEED);
    // Round robin and no stickiness: a page's reconnection lands on any
    // server. No idle keep-alive connections to the servers: an established
    // connection to a server is then a page's WebSocket (see `victim`).
    const fleet = await haproxyFleet(t, { env: ENV, args: ARGS, balance: 'roundrobin', defaults: ['option http-server-close'] });
    const browser = await launchBrowser();
    t.after(() => browser.close());
    const bundle = process.env.REACTC_CLIENT_BUNDLE ? await readFile(process.env.REACTC_CLIENT_BUNDLE) : null;

    const pages = [];
    // The context's first tab only opens the windows.
    const cdp = await browser.context.newCDPSession(browser.context.pages()[0] || await browser.context.newPage());
    for (let i = 0; i < 4; i++) {
      const pool = fleet.pools[i % 2];
      const { page, errors } = await newWindow(browser.context, cdp);
      page.setDefaultTimeout(SETTLE_MS);
      await page.addInitScript(HANDLED);
      await page.addInitScript(WATCH);
      if (bundle) {
        // As in tests/e2e: another client bundle than the servers' own.
        await page.route('**/_reactc/client.js*', (r) =>
          r.fulfill({ status: 200, contentType: 'application/javascript', body: bundle }));
      }
      const p = { name: `${pool.name[0]}${i}`, kind: pool.name, page, errors, wire: watchWire(page), url: `http://127.0.0.1:${pool.port}/` };
      await gotoApp(page, p.url, p.kind === 'counter' ? '#count' : '#new-todo');
      const r = rng(rand.int(1, 2 ** 31));
      p.script = p.kind === 'counter' ? counterScript(p, r) : todoScript(p, r);
      pages.push(p);
    }

    // Every 2 s: SIGKILL a server that holds a page's connection (any
    // server when none does), start it again on its port a moment later.
    let hits = 0; // page connections the kills cut
    const killedAt = []; // s since the start, for a failure message
    const victim = (r) => {
      killedAt.push(((Date.now() - t0) / 1000).toFixed(1));
      const held = fleet.servers.map((s) => [s, establishedOn(s.port)]).filter(([, n]) => n > 0);
      if (!held.length) return r.pick(fleet.servers);
      const [s, n] = r.pick(held);
      hits += n;
      return s;
    };
    const t0 = Date.now();
    const until = t0 + SECONDS * 1000;
    const runs = await Promise.allSettled([
      killLoop(until, 2000, rand, (r) => fleet.killAndRestart(victim(r), r.int(200, 800))),
      ...pages.map((p) => p.script.run(until)),
    ]);
    const chaosMs = Date.now() - t0;
    const failures = [];
    const kills = runs[0].status === 'fulfilled' ? runs[0].value : 0;
    runs.forEach((r, i) => {
      if (r.status === 'rejected') failures.push(`${i ? pages[i - 1].name + ' script' : 'kill loop'}: ${r.reason?.message || r.reason}`);
    });

    // Every page settled: connected, every event acknowledged and in a token.
    const settled = await Promise.allSettled(pages.map((p) => settle(p, SETTLE_MS)));
    settled.forEach((r) => {
      if (r.status === 'rejected') failures.push(`stall: ${r.reason.message}`);
    });

    // The DOM against the script.
    let lost = 0;
    let duplicated = 0;
    for (const p of pages) {
      const r = await p.script.check();
      lost += r.lost;
      duplicated += r.duplicated;
      for (const pr of r.problems) failures.push(`${p.name}: ${pr} (starts: ${p.wire.starts.join(', ')})`);
      // Each scripted action made one event, numbered 1, 2, ... and sent.
      const made = p.script.actions();
      if (p.wire.seqs.size !== made || p.wire.maxSeq !== made) {
        failures.push(`${p.name}: ${p.wire.seqs.size} events sent (seq up to ${p.wire.maxSeq}) for ${made} scripted actions`);
      }
    }

    const count = (start) => pages.reduce((n, p) => n + p.wire.starts.filter((s) => s === start).length, 0);
    const summary = {
      clients: pages.length,
      events: pages.reduce((n, p) => n + p.wire.maxSeq, 0),
      resumes: count('resumed'),
      reattaches: count('reattached'),
      fresh: count('new') - pages.length,
    };

    for (const p of pages) {
      // Read before the reload, which starts the record again.
      const failed = await p.page.evaluate(() => window.__failed).catch((e) => [e.message]);
      if (failed.length) failures.push(`${p.name}: reactc:resume-failed ${JSON.stringify(failed)}`);
    }

    // A reload shows the same page: what the server holds is what the DOM
    // showed (a patch applied wrongly, or a state the server lost, shows here).
    const sessions = pages.map((p) => new Set(p.wire.sessions).size);
    const runTrees = pages.map((p) => p.wire.starts.length);
    for (const [i, p] of pages.entries()) {
      if (settled[i].status !== 'fulfilled') continue;
      try {
        const before = await p.page.evaluate(() => window.__snap());
        const trees = p.wire.starts.length;
        await p.page.reload();
        await p.page.waitForSelector(`${MOUNT}.rc-connected`, { state: 'attached' });
        await settle(p, 10000);
        if (p.wire.starts.length <= trees) failures.push(`${p.name}: no tree after the reload`);
        const after = await p.page.evaluate(() => window.__snap());
        const how = `${p.name}: after a reload (${p.wire.starts.at(-1)})`;
        if (after.html !== before.html) {
          let k = 0;
          while (k < after.html.length && after.html[k] === before.html[k]) k++;
          const at = Math.max(0, k - 150);
          failures.push(`${how}, the markup differs at character ${k}:\n` +
            `  before: ...${before.html.slice(at, k + 250)}\n  after:  ...${after.html.slice(at, k + 250)}`);
        }
        const fields = before.fields.map((f, n) => [n, f, after.fields[n]]).filter(([, f, g]) => JSON.stringify(f) !== JSON.stringify(g));
        if (fields.length || after.fields.length !== before.fields.length) {
          failures.push(`${how}, fields [name, value, checked] differ: ` +
            fields.slice(0, 5).map(([, f, g]) => `${JSON.stringify(f)} before, ${JSON.stringify(g)} after`).join('; ') +
            ` (${before.fields.length} fields before, ${after.fields.length} after)`);
        }
      } catch (e) {
        failures.push(`${p.name}: verification reload: ${e.message}`);
      }
    }

    for (const p of pages) {
      if (p.wire.refused.length) failures.push(`${p.name}: resume refused: ${p.wire.refused.join('; ')}`);
      for (const e of realErrors(p.errors).slice(0, 5)) failures.push(`${p.name}: page error: ${e}`);
    }

    const line = `clients ${summary.clients}, events ${summary.events}, resumes ${summary.resumes}, ` +
      `reattaches ${summary.reattaches}, kills ${kills}, lost ${lost}, duplicated ${duplicated}`;
    t.diagnostic(line);
    t.diagnostic(`(page connections cut by the kills ${hits}, fresh sessions ${summary.fresh}, ` +
      `session ids copied ${sessions.reduce((n, k) => n + k - 1, 0)}, ` +
      `kills at ${killedAt.join(' ')} s, chaos ${(chaosMs / 1000).toFixed(1)} s, seed ${SEED})`);
    t.diagnostic(`(per page: ${pages.map((p) => `${p.name} ${p.wire.maxSeq} events, trees ${p.wire.starts.slice(0, runTrees[pages.indexOf(p)]).join(' ')}, ` +
      `after the reload ${p.wire.starts.slice(runTrees[pages.indexOf(p)]).join(' ')}`).join('; ')})`);
    if (lost || duplicated) failures.unshift(`lost ${lost}, duplicated ${duplicated}`);
    if (summary.fresh > 0) failures.push(`${summary.fresh} session(s) started fresh instead of resuming`);
    if (kills < Math.floor(SECONDS / 2) - 1) failures.push(`only ${kills} kills in ${SECONDS} s, at ${killedAt.join(', ')} s`);
    // Every kill of a server holding a page cut that page: it came back by
    // a resume (or a re-attach, when it landed on a server it had used).
    if (summary.resumes + summary.reattaches < Math.ceil(kills / 2)) {
      failures.push(`only ${summary.resumes} resumes and ${summary.reattaches} re-attaches for ${kills} kills (${hits} page connections cut)`);
    }
    report([...fleet.crashes, ...failures], fleet.logs());
  });

// --max-memory (docs/embedded.md, "Memory"): a counter server whose budget
// is set a quarter above the RSS it starts with (read from /proc/PID/status
// of a first start) takes fresh sessions until its memory nears the budget, then
// refuses the next with close 4503 and a reason the user can read; the
// sessions it holds keep working, a tab that comes back (a resume hello)
// is still admitted while fresh ones are refused, and /metrics counts the
// refusals. Raw WebSocket clients (npm ws), one session at a time, every
// step waited for on the protocol. Then in Chromium: a page whose every
// WebSocket is refused says the server is busy and keeps trying.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { scrapeMetrics as scrape } from './lib/http.mjs';
import { MOUNT } from './lib/page.mjs';
import { useBrowser } from './lib/suite.mjs';
import { freePort, startExample } from './lib/server.mjs';
import { HELLO, connect, handlerTarget as target, wsUrl } from './lib/raw.mjs';

const browser = useBrowser();

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** A session's hello answered: its first tree, or its close if refused. */
async function open(server, hello = HELLO) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(hello);
  // Whichever comes first (no timer: a refused session closes at once).
  const first = await new Promise((resolve) => {
    c.closed.then(resolve);
    c.ws.on('message', () => {
      const m = c.messages.find((x) => x.type === 'layout-update');
      if (m) resolve(m);
    });
  });
  return { c, first: first.type === 'layout-update' ? first : null, closed: first.type ? null : first };
}

async function click(c, first, seq) {
  c.ws.send(JSON.stringify({ type: 'layout-event', target: target(first.model, 'increment'), data: [{}], seq }));
  return c.next((m) => m.type === 'patch' && m.ack === seq);
}

test('near --max-memory new sessions are refused with 4503; open ones and resumes go on', async (t) => {
  // The startup RSS of this binary on this machine (a build with
  // sanitizers starts several times bigger): the budget is a quarter, at
  // least 1 MiB, above it.
  const probe = await startExample('counter');
  const startKiB = rssKiB(probe.proc.pid);
  await probe.stop(2000);
  const budgetKiB = startKiB + Math.max(1024, Math.round(startKiB / 4));
  // A build without /metrics (REACTC_WITHOUT_METRICS, set by CMake) has
  // the guard all the same: only the count of refusals is not read then.
  const metrics = !process.env.REACTC_WITHOUT_METRICS;
  const mport = await freePort();
  const server = await startExample('counter', {
    args: ['--max-memory', `${budgetKiB}K`, ...(metrics ? ['--metrics', `127.0.0.1:${mport}`] : [])] });
  t.after(() => server.kill());
  const line = await server.waitStderr(/memory guard: \d+ KiB used of \d+ KiB; new sessions below \d+ KiB/);
  const freshKiB = Number(/new sessions below (\d+) KiB/.exec(line)[1]);
  assert.ok(freshKiB < budgetKiB);

  const held = [];
  let refused = null;
  for (let i = 0; i < 5000 && !refused; i++) {
    const s = await open(server);
    if (s.first) held.push(s);
    else refused = s.closed;
  }
  assert.ok(refused, `no refusal after ${held.length} sessions (budget ${budgetKiB} KiB)`);
  assert.ok(held.length >= 1, 'the budget above the startup RSS admits sessions first');
  assert.equal(refused.code, 4503);
  assert.match(refused.reason, /low on memory: try again later/);
  t.diagnostic(`${held.length} sessions admitted, budget ${budgetKiB} KiB, started at ${startKiB} KiB`);
  // It refused at the limit it announced, not below it (RSS as /proc says).
  const rss = rssKiB(server.proc.pid);
  assert.ok(rss >= freshKiB - 64 && rss <= budgetKiB + 1024, `RSS ${rss} KiB, fresh limit ${freshKiB}`);

  // The sessions it holds still work: the first and the last.
  for (const s of [held[0], held.at(-1)]) {
    const patch = await click(s.c, s.first, 1);
    assert.ok(patch.ops.length > 0);
  }

  // A tab whose connection dropped comes back (a resume hello with its
  // session, secret and token) while fresh sessions are refused.
  const back = held[0];
  const token = (back.c.messages.findLast((m) => typeof m.token === 'string') || back.first).token;
  back.c.ws.close();
  await back.c.closed;
  const resume = JSON.stringify({ ...JSON.parse(HELLO),
    resume: { session: back.first.session, secret: back.first.secret, token } });
  const again = await open(server, resume);
  assert.ok(again.first, `the resume was refused: ${JSON.stringify(again.closed)}`);
  assert.ok(['reattached', 'resumed'].includes(again.first.start), again.first.start);
  const after = await open(server);
  assert.equal(after.closed?.code, 4503, 'fresh sessions are still refused');

  if (metrics) {
    const m = await scrape(mport);
    assert.ok(m.get('reactc_edge_refusals_total{reason="memory"}') >= 2);
  }
  for (const s of [...held.slice(1), again]) s.c.ws.close();
  await server.stop(2000);
});

test('a page refused for memory shows "Server busy" and keeps trying', { timeout: 30000 }, async (t) => {
  // A budget of one byte: the page is served, every WebSocket refused.
  const server = await startExample('counter', { args: ['--max-memory', '1'] });
  t.after(() => server.kill());
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(8000);
  await page.goto(server.url);
  await page.waitForSelector(`${MOUNT}.rc-busy`, { state: 'attached' });
  const pill = await page.waitForSelector('.rc-indicator[data-state="busy"]:not([hidden])');
  assert.match(await pill.textContent(), /Server busy: trying again soon/);
  // It retries (with its backoff): the server refuses it again.
  await server.waitStderr(/(refusing a new connection[\s\S]*){2}/, 8000);
  await server.stop(2000);
});

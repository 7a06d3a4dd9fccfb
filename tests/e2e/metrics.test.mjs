// GET /metrics (--metrics ADDR:PORT; docs/deploy.md "Metrics"): the
// counter example's counters scraped before and after a session clicks
// twice (every change waited for on the protocol: the acks, the
// resume-failed message, the refusal's status), a refused resume counted
// under its reason, a refused Host counted at the edge, and the listener's
// own rules: only GET and HEAD of /metrics, a bounded request head. With
// --workers 2, one endpoint served by the supervisor: each worker's series
// labelled with its index, summing to what the test did, and a scrape that
// still answers when a worker is SIGKILLed or SIGSTOPped.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { httpRequest as request, scrapeMetrics as scrape } from './lib/http.mjs';
import { freePort, processTree, startExample } from './lib/server.mjs';
import { HELLO, connect, handlerTarget as target, wsUrl } from './lib/raw.mjs';

async function start(t, name = 'counter', extra = []) {
  const mport = await freePort();
  const server = await startExample(name, { args: ['--metrics', `127.0.0.1:${mport}`, ...extra] });
  t.after(() => server.kill());
  await server.waitStderr(new RegExp(`metrics on http://127\\.0\\.0\\.1:${mport}/metrics`));
  return { server, mport };
}

test('events, sessions, refused resumes and refused Hosts are counted', async (t) => {
  const { server, mport } = await start(t);
  const before = await scrape(mport);
  assert.equal(before.get('reactc_sessions_live'), 0);
  assert.equal(before.get('reactc_events_total'), 0);
  assert.ok(before.get('reactc_start_time_seconds') > 1.6e9);
  assert.ok([...before.keys()].some((k) => /^reactc_build_info\{build="[^"]+",app_id="counter"\}$/.test(k)));
  assert.ok(!before.has('reactc_redis_up'), 'no Redis gauges without --redis');
  assert.ok(![...before.keys()].some((k) => /worker/.test(k)), 'one process: no worker label');

  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  for (const seq of [1, 2])
    c.ws.send(JSON.stringify({ type: 'layout-event', target: target(tree.model, 'increment'), data: [{}], seq }));
  await c.next((m) => m.ack === 2);
  const after = await scrape(mport);
  assert.equal(after.get('reactc_events_total'), 2);
  assert.equal(after.get('reactc_sessions_live'), 1);
  assert.equal(after.get('reactc_sessions_detached'), 0);
  assert.ok(after.get('reactc_messages_in_total') >= 3);
  assert.ok(after.get('reactc_bytes_out_total') > before.get('reactc_bytes_out_total'));
  // The store metrics are there without stores and without Redis: zeros.
  assert.equal(after.get('reactc_store_batches_total{outcome="committed"}'), 0);
  assert.equal(after.get('reactc_store_batch_seconds_count'), 0);

  // A resume with a token that is not base64url: refused as malformed.
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO), resume: { session: 'AAAAAAAAAAAAAAAAAAAAAA', token: 'not a token!' } }));
  await d.next((m) => m.type === 'resume-failed');
  const refused = await scrape(mport);
  assert.equal(refused.get('reactc_resume_refusals_total{reason="malformed"}'), 1);
  assert.equal(refused.get('reactc_resumes_total{outcome="fresh"}'), 1);
  assert.equal(refused.get('reactc_resumes_total{outcome="resumed"}'), 0);
  assert.equal(refused.get('reactc_sessions_live'), 2);

  // A foreign Host on the app's port: 421, counted at the edge.
  const page = await request(server.port, '/', { headers: { Host: 'rebound.example' } });
  assert.equal(page.status, 421);
  const edge = await scrape(mport);
  assert.equal(edge.get('reactc_edge_refusals_total{reason="host"}'), 1);
  c.ws.close();
  d.ws.close();
  await Promise.all([c.closed, d.closed]);
  await server.stop(2000);
});

// The todo example with --shared keeps its list in a store (in memory, no
// Redis): adding an item is one committed batch of one write, timed in the
// histogram; typing the draft (component state) is none.
test('a store batch is counted as committed, with its write and its time', async (t) => {
  const { server, mport } = await start(t, 'todo', ['--shared']);
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update');
  const draft = target(first.model, 'new-todo', 'onChange');
  const submit = target(first.model, 'new-todo-form', 'onSubmit');
  const before = await scrape(mport);
  const committed = 'reactc_store_batches_total{outcome="committed"}';
  c.ws.send(JSON.stringify({ type: 'layout-event', target: draft, data: [{ value: 'milk' }], seq: 1 }));
  c.ws.send(JSON.stringify({ type: 'layout-event', target: submit, data: [{}], seq: 2 }));
  await c.next((m) => m.ack === 2);
  const after = await scrape(mport);
  assert.equal(after.get(committed) - before.get(committed), 1);
  assert.equal(after.get('reactc_store_batches_total{outcome="refused"}'), 0);
  assert.equal(after.get('reactc_store_writes_total') - before.get('reactc_store_writes_total'), 1);
  assert.equal(after.get('reactc_store_writes_replayed_total'), 0);
  assert.equal(after.get('reactc_store_batches_in_flight'), 0); // decided at once in memory
  assert.equal(after.get('reactc_store_batch_seconds_count'), after.get(committed));
  assert.equal(after.get('reactc_store_batch_seconds_bucket{le="+Inf"}'), after.get(committed));
  c.ws.close();
  await c.closed;
  await server.stop(2000);
});

test('only GET and HEAD of /metrics; a head over the bound is answered and closed', async (t) => {
  const { server, mport } = await start(t);
  assert.equal((await request(mport, '/other')).status, 404);
  assert.equal((await request(mport, '/')).status, 404);
  const post = await request(mport, '/metrics', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const head = await request(mport, '/metrics', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.ok(Number(head.headers['content-length']) > 0);

  // 64 KiB of header: answered 431 and closed, the server unharmed.
  const got = await new Promise((resolve, reject) => {
    const sock = net.connect(mport, '127.0.0.1', () =>
      sock.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n`));
    let text = '';
    sock.setEncoding('utf8');
    sock.on('data', (c) => { text += c; });
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
  assert.match(got, /^HTTP\/1\.1 431 /);
  assert.equal((await scrape(mport)).get('reactc_sessions_live'), 0);
  await server.stop(2000);
});

test('--metrics with a bad or busy address stops the start with a reason', async (t) => {
  const busy = net.createServer();
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  await assert.rejects(startExample('counter', { args: ['--metrics', `127.0.0.1:${busy.address().port}`] }),
    /cannot listen for metrics on 127\.0\.0\.1:\d+: Address already in use/);
  await assert.rejects(startExample('counter', { args: ['--metrics', 'nowhere:'] }),
    /bad metrics address "nowhere:"/);
  await assert.rejects(startExample('counter', { args: ['--metrics', `127.0.0.1:${busy.address().port}`,
    '--workers', '2'] }), /supervisor: cannot listen for metrics on 127\.0\.0\.1:\d+: Address already in use/);
});

/** The series of one worker, reactc_worker_up aside: 'name{worker="i",...}'
 * -> 'name{...}'. */
function ofWorker(samples, i) {
  const mine = new Map();
  for (const [k, v] of samples) {
    if (k.startsWith('reactc_worker_up{')) continue;
    const m = k.match(new RegExp(`^([^{]+)\\{worker="${i}",?(.*)\\}$`));
    if (m) mine.set(m[2] ? `${m[1]}{${m[2]}}` : m[1], v);
  }
  return mine;
}

async function startWorkers(t) {
  const server = await startExample('counter', { args: ['--workers', '2', '--metrics', '0'] });
  t.after(() => server.kill());
  const log = await server.waitStderr(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/);
  const mport = Number(log.match(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/)[1]);
  // Both workers answer once they run their loops: scraped until they do
  // (a worker forked a moment ago is reported down, not waited for).
  let s;
  for (const until = Date.now() + 10000; Date.now() < until;) {
    s = await scrape(mport);
    if (s.get('reactc_worker_up{worker="0"}') === 1 && s.get('reactc_worker_up{worker="1"}') === 1) break;
  }
  assert.equal(s.get('reactc_worker_up{worker="0"}'), 1);
  assert.equal(s.get('reactc_worker_up{worker="1"}'), 1);
  return { server, mport };
}

test('--workers 2: one endpoint, each worker\'s series under its label, summing to what was done', async (t) => {
  const { server, mport } = await startWorkers(t);
  const first = await scrape(mport);
  assert.ok(!first.has('reactc_sessions_live'), 'every sample carries a worker label');
  for (const i of [0, 1]) {
    assert.equal(ofWorker(first, i).get('reactc_sessions_live'), 0);
    assert.equal(ofWorker(first, i).get('reactc_events_total'), 0);
  }

  // Sessions until both workers hold one (the kernel spreads connections
  // over the SO_REUSEPORT listeners); each one's worker is the one whose
  // live count went up in the scrape after its tree arrived.
  const clients = [];
  const live = [0, 0];
  while ((live[0] === 0 || live[1] === 0) && clients.length < 64) {
    const c = connect(wsUrl(server));
    await c.opened;
    c.ws.send(HELLO);
    c.tree = await c.next((m) => m.type === 'layout-update');
    const s = await scrape(mport);
    const now = [0, 1].map((i) => ofWorker(s, i).get('reactc_sessions_live'));
    c.worker = now[0] > live[0] ? 0 : 1;
    assert.equal(now[c.worker], live[c.worker] + 1, `one new session: ${now} after ${live}`);
    live.splice(0, 2, ...now);
    clients.push(c);
  }
  assert.ok(live[0] > 0 && live[1] > 0, `both workers got a session in ${clients.length}: ${live}`);

  // Session k clicks k+1 times, each click acknowledged before the scrape.
  const events = [0, 0];
  for (const [k, c] of clients.entries()) {
    for (let seq = 1; seq <= k + 1; seq++)
      c.ws.send(JSON.stringify({ type: 'layout-event', target: target(c.tree.model, 'increment'), data: [{}], seq }));
    await c.next((m) => m.ack === k + 1);
    events[c.worker] += k + 1;
  }
  const s = await scrape(mport);
  for (const i of [0, 1]) {
    const w = ofWorker(s, i);
    assert.equal(w.get('reactc_sessions_live'), clients.filter((c) => c.worker === i).length, `worker ${i}`);
    assert.equal(w.get('reactc_events_total'), events[i], `worker ${i}`);
    assert.ok([...w.keys()].some((k) => /^reactc_build_info\{build="[^"]+",app_id="counter"\}$/.test(k)));
    assert.equal(w.get('reactc_resumes_total{outcome="fresh"}'), 0);
  }
  const sum = (name) => [0, 1].reduce((a, i) => a + ofWorker(s, i).get(name), 0);
  assert.equal(sum('reactc_sessions_live'), clients.length);
  assert.equal(sum('reactc_events_total'), clients.length * (clients.length + 1) / 2);

  // kill -9 of a worker: the scrape still answers; that worker is down, or
  // already restarted from zero.
  const victim = Number(processTree(server.proc.pid)[1]);
  process.kill(victim, 'SIGKILL');
  const log = await server.waitStderr(new RegExp(`worker (\\d) \\(pid ${victim}\\) killed by signal 9`));
  const dead = Number(log.match(new RegExp(`worker (\\d) \\(pid ${victim}\\) killed`))[1]);
  const after = await scrape(mport);
  const restarted = ofWorker(after, dead);
  if (after.get(`reactc_worker_up{worker="${dead}"}`) === 1) {
    assert.equal(restarted.get('reactc_events_total'), 0);
    assert.equal(restarted.get('reactc_sessions_live'), 0);
  } else {
    assert.equal(after.get(`reactc_worker_up{worker="${dead}"}`), 0);
    assert.equal(restarted.size, 0, 'no series of a worker that is down');
  }
  const alive = ofWorker(after, 1 - dead);
  assert.equal(alive.get('reactc_events_total'), events[1 - dead]);
  for (const c of clients) c.ws.close();
  await server.stop(5000);
});

test('--workers 2: a worker that cannot answer (SIGSTOP) is reported down within the wait', async (t) => {
  const { server, mport } = await startWorkers(t);
  const stopped = Number(processTree(server.proc.pid)[1]);
  process.kill(stopped, 'SIGSTOP');
  t.after(() => { try { process.kill(stopped, 'SIGCONT'); } catch { /* gone */ } });
  const began = Date.now();
  const s = await scrape(mport);
  const took = Date.now() - began;
  const up = [0, 1].map((i) => s.get(`reactc_worker_up{worker="${i}"}`));
  assert.deepEqual(up.slice().sort(), [0, 1], `one worker down: ${up}`);
  const down = up.indexOf(0);
  assert.equal(ofWorker(s, down).size, 0, 'its series are left out');
  assert.equal(ofWorker(s, 1 - down).get('reactc_sessions_live'), 0);
  assert.ok(took < 4000, `answered within the wait (${took} ms), not the scrape's 5 s deadline`);
  process.kill(stopped, 'SIGCONT');
  // Back: its next answer counts again (its late one was dropped).
  let again;
  for (const until = Date.now() + 10000; Date.now() < until;) {
    again = await scrape(mport);
    if (again.get(`reactc_worker_up{worker="${down}"}`) === 1) break;
  }
  assert.equal(again.get(`reactc_worker_up{worker="${down}"}`), 1);
  assert.equal(ofWorker(again, down).get('reactc_sessions_live'), 0);
  await server.stop(5000);
});

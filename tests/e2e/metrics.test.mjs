// GET /metrics (--metrics ADDR:PORT; docs/deploy.md "Metrics"): the
// counter example's counters scraped before and after a session clicks
// twice (every change waited for on the protocol: the acks, the
// resume-failed message, the refusal's status), a refused resume counted
// under its reason, a refused Host counted at the edge, and the listener's
// own rules: only GET and HEAD of /metrics, a bounded request head.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { httpRequest as request, scrapeMetrics as scrape } from './lib/http.mjs';
import { freePort, startExample } from './lib/server.mjs';
import { HELLO, connect, handlerTarget as target, wsUrl } from './lib/raw.mjs';

async function start(t) {
  const mport = await freePort();
  const server = await startExample('counter', { args: ['--metrics', `127.0.0.1:${mport}`] });
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

test('--metrics with a bad or busy address, or with --workers 2, stops the start with a reason', async (t) => {
  const busy = net.createServer();
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  await assert.rejects(startExample('counter', { args: ['--metrics', `127.0.0.1:${busy.address().port}`] }),
    /cannot listen for metrics on 127\.0\.0\.1:\d+: Address already in use/);
  await assert.rejects(startExample('counter', { args: ['--metrics', 'nowhere:'] }),
    /bad metrics address "nowhere:"/);
  await assert.rejects(startExample('counter', { args: ['--metrics', '0', '--workers', '2'] }),
    /--metrics serves one process's counters: not with --workers > 1/);
});

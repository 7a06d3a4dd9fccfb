// The deployment files of deploy/ (docs/deploy.md), checked for real:
// - deploy/haproxy.cfg passes `haproxy -c` and deploy/nginx.conf `nginx -t`
//   (their certificate paths pointed at a self-signed pair made here, in a
//   temp dir; no key is ever committed);
// - deploy/reactc-app.service passes `systemd-analyze verify`, where there is
//   one;
// - nginx run from deploy/nginx.conf (listen addresses, upstream servers,
//   certificates and log paths swapped for loopback and temp ones, nothing
//   else) in front of 2 counter servers: a protocol client works through
//   it, over ws:// and wss://, and resumes when the server it is on is
//   SIGKILLed;
// - HAProxy run from deploy/haproxy.cfg, the same way, over wss://;
// - the unit's ExecReload (SIGHUP to a --workers server): clients get a
//   drain, come back, and lose no event.
// - through each proxy, the network edge (docs/security.md): a page loaded
//   through it opens its WebSocket (same origin via the proxy, over http
//   and https: the servers trust the proxy's X-Forwarded-*), a foreign
//   Origin gets 403 and a rebound Host 421. Every protocol client here
//   sends the Origin a browser would (lib/client.mjs).
// Loopback only; every process started here is killed at the end.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { launchBrowser, newPage } from '../e2e/lib/browser.mjs';
import { ReactcClient } from './lib/client.mjs';
import { establishedOn } from './lib/fleet.mjs';
import { freePort, repoRoot, sleep, within, startExample, startProcess, waitPort, which } from './lib/procs.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const ENV = { REACTC_SECRET: SECRET };
const NGINX = which('nginx');
const HAPROXY = which('haproxy');
const OPENSSL = which('openssl');
const SYSTEMD_ANALYZE = which('systemd-analyze');
const DEPLOY = join(repoRoot, 'deploy');

setTimeout(() => {
  console.error('deploy: over 120 s, giving up');
  process.exit(1);
}, 120000).unref();

let dir;
let cert; // {cert, key, pem}
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reactc-deploy-'));
  if (OPENSSL) cert = await selfSigned(dir);
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a command to completion: {code, output}. */
async function run(cmd, args, opts = {}) {
  const p = startProcess(cmd, args, { label: cmd, ...opts });
  const r = await within(p.exited, 20000);
  if (!r) await p.killAll();
  return { code: r ? r.code : null, output: p.output() };
}

/** A throwaway self-signed certificate for 127.0.0.1, in `d`. */
async function selfSigned(d) {
  const c = { cert: join(d, 'cert.pem'), key: join(d, 'key.pem'), pem: join(d, 'haproxy.pem') };
  const r = await run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', c.key, '-out', c.cert, '-days', '1', '-subj', '/CN=127.0.0.1']);
  assert.equal(r.code, 0, `openssl failed:\n${r.output}`);
  await writeFile(c.pem, (await readFile(c.cert, 'utf8')) + (await readFile(c.key, 'utf8')));
  return c;
}

/** text.replace that insists on matching (`count` times when given): the
 * derived config must follow the committed one, not silently drift. */
function must(text, re, by, what, count) {
  const n = (text.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')) || []).length;
  assert.ok(n > 0 && (count === undefined || n === count), `deploy file changed? expected ${count ?? 'some'} match(es) for ${what} (${re}), found ${n}`);
  return text.replace(re, by);
}

const wsUrl = (scheme, port) => `${scheme}://127.0.0.1:${port}/_reactc/stream`;

/** Which of `servers` holds the client's WebSocket (the only long-lived connection). */
async function serverOf(servers) {
  for (let i = 0; i < 20; i++) {
    const on = servers.filter((s) => establishedOn(s.port) > 0);
    if (on.length === 1) return on[0];
    await sleep(100);
  }
  throw new Error(`cannot tell which server holds the connection: ${servers.map((s) => `${s.port}:${establishedOn(s.port)}`).join(' ')}`);
}

/** A client, its anomalies made failures, closed after the test. */
async function client(t, url, options = {}) {
  const c = new ReactcClient({ url, name: url, initialDelay: 50, maxDelay: 500, ...options });
  t.after(() => c.close());
  await c.ready();
  return c;
}

const noAnomalies = (...cs) => {
  for (const c of cs) assert.deepEqual(c.anomalies, [], `protocol anomalies of ${c.name}`);
};

/** Clicks n times, then waits for every ack; returns the count shown. */
async function click(c, n) {
  for (let i = 0; i < n; i++) c.fire('increment', 'onClick');
  await c.settled();
  return c.text('count');
}

/** The client's next whole tree after the connection drops. */
function nextTree(c) {
  const n = c.stats.starts.length;
  return c.waitFor('tree', () => c.stats.starts.length > n && c.connected, 10000, 'a tree after the server died');
}

// The servers behind a proxy on this machine: its X-Forwarded-* believed
// (docs/deploy.md), else a page on https would not be same-origin.
const BEHIND = { env: ENV, args: ['--trusted-proxy', '127.0.0.1'] };

/** A WebSocket handshake through `base` (http(s)://host:port) with extra
 * headers: resolves with the refusal's status, or 101 once open. */
function handshake(base, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/_reactc/stream`, { headers, rejectUnauthorized: false });
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      ws.terminate();
      resolve(res.statusCode);
    });
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('error', reject);
  });
}

/** GET `base`/ with extra headers: the status. */
function status(base, headers) {
  return new Promise((resolve, reject) => {
    const mod = base.startsWith('https') ? https : http;
    const req = mod.request(`${base}/`, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The network edge through a proxy at `base` (http(s)://127.0.0.1:port). */
async function edgeThrough(t, base, proxy) {
  const browser = await launchBrowser({ ignoreHTTPSErrors: true });
  t.after(() => browser.close());
  const { page, errors } = await newPage(browser.context);
  page.setDefaultTimeout(10000);
  await page.goto(`${base}/`);
  await page.waitForSelector('button#increment');
  await page.click('button#increment');
  await page.waitForFunction(() => document.querySelector('#count')?.textContent === '1');
  assert.deepEqual(errors, [], `page errors through ${base}`);
  await page.close();
  const log = () => (proxy ? `\n${proxy.label}:\n${proxy.output()}` : '');
  assert.equal(await handshake(base, { Origin: base }), 101, `same origin through ${base}${log()}`);
  assert.equal(await handshake(base, { Origin: 'http://evil.example' }), 403, `foreign Origin through ${base}${log()}`);
  const evil = `attacker.rebind.example:${new URL(base).port}`;
  assert.equal(await handshake(base, { Host: evil, Origin: `${new URL(base).protocol}//${evil}` }), 421, `rebound Host through ${base}${log()}`);
  assert.equal(await status(base, { Host: evil }), 421, `rebound page through ${base}${log()}`);
}

// ---- static checks -------------------------------------------------------------

test('deploy/haproxy.cfg passes haproxy -c', { skip: (!HAPROXY || !OPENSSL) && 'needs haproxy and openssl' }, async () => {
  let cfg = await readFile(join(DEPLOY, 'haproxy.cfg'), 'utf8');
  cfg = must(cfg, /crt \/etc\/haproxy\/certs\/reactc\.pem/, `crt ${cert.pem}`, 'the certificate', 1);
  const f = join(dir, 'check-haproxy.cfg');
  await writeFile(f, cfg);
  const r = await run(HAPROXY, ['-c', '-f', f]);
  assert.equal(r.code, 0, `haproxy -c:\n${r.output}`);
  assert.doesNotMatch(r.output, /\[(WARNING|ALERT)\]/, `haproxy -c warns:\n${r.output}`);
});

test('deploy/nginx.conf passes nginx -t', { skip: (!NGINX || !OPENSSL) && 'needs nginx and openssl' }, async () => {
  let cfg = await readFile(join(DEPLOY, 'nginx.conf'), 'utf8');
  cfg = must(cfg, /\/etc\/ssl\/reactc\/fullchain\.pem/, cert.cert, 'ssl_certificate', 1);
  cfg = must(cfg, /\/etc\/ssl\/reactc\/privkey\.pem/, cert.key, 'ssl_certificate_key', 1);
  cfg = must(cfg, /access_log [^;]+;/, `access_log ${join(dir, 'check-access.log')};`, 'access_log', 1);
  const f = join(dir, 'check-nginx.conf');
  await writeFile(f, cfg);
  const r = await run(NGINX, ['-t', '-c', f, '-p', dir, '-g', `pid ${join(dir, 'check.pid')}; error_log ${join(dir, 'check-error.log')};`]);
  assert.equal(r.code, 0, `nginx -t:\n${r.output}`);
  assert.match(r.output, /test is successful/);
  assert.doesNotMatch(r.output, /\[warn\]|\[emerg\]/, `nginx -t warns:\n${r.output}`);
});

test('deploy/reactc-app.service passes systemd-analyze verify', { skip: !SYSTEMD_ANALYZE && 'no systemd-analyze' }, async () => {
  let unit = await readFile(join(DEPLOY, 'reactc-app.service'), 'utf8');
  // The unit as written, with what only exists on a real server swapped:
  // the binary, the env file, the service user.
  unit = must(unit, /\/usr\/local\/bin\/reactc-app/, join(repoRoot, 'build', 'examples', 'counter'), 'ExecStart binary', 1);
  unit = must(unit, /EnvironmentFile=\/etc\/reactc\/app\.env/, `EnvironmentFile=${join(dir, 'app.env')}`, 'EnvironmentFile', 1);
  unit = must(unit, /^User=reactc$/m, 'User=daemon', 'User', 1);
  unit = must(unit, /^Group=reactc$/m, 'Group=daemon', 'Group', 1);
  for (const key of ['Restart=always', 'KillSignal=SIGTERM', 'KillMode=mixed', 'TimeoutStopSec=', 'ExecReload=/bin/kill -HUP $MAINPID', '--workers auto']) {
    assert.ok(unit.includes(key), `the unit lacks ${key}`);
  }
  await writeFile(join(dir, 'app.env'), `REACTC_SECRET=${SECRET}\n`);
  const udir = join(dir, 'unit');
  await mkdir(udir, { recursive: true });
  await writeFile(join(udir, 'reactc-app.service'), unit);
  const r = await run(SYSTEMD_ANALYZE, ['verify', join(udir, 'reactc-app.service')]);
  assert.equal(r.code, 0, `systemd-analyze verify:\n${r.output}`);
  assert.doesNotMatch(r.output, /Unknown (key|section|lvalue)|Failed to parse|Invalid|is not executable/, `systemd-analyze verify:\n${r.output}`);
});

test('deploy/systemd/reactc-device.service passes systemd-analyze verify', { skip: !SYSTEMD_ANALYZE && 'no systemd-analyze' }, async () => {
  let unit = await readFile(join(DEPLOY, 'systemd', 'reactc-device.service'), 'utf8');
  // As written, with the binaries and the service user of this machine.
  unit = must(unit, /\/usr\/bin\/reactc-app/, join(repoRoot, 'build', 'examples', 'dashboard'), 'ExecStart binary', 1);
  unit = must(unit, /\/usr\/bin\/reactc-secret/, join(repoRoot, 'build', 'reactc-secret'), 'ExecStartPre binary', 1);
  unit = must(unit, /^User=reactc$/m, 'User=daemon', 'User', 1);
  unit = must(unit, /^Group=reactc$/m, 'Group=daemon', 'Group', 1);
  // What docs/embedded.md promises of it: the budget and the cgroup's
  // limit above it, the secret kept in the state directory, restarts.
  for (const key of ['--max-memory 16M', 'MemoryMax=24M', 'StateDirectory=reactc', '--secret-file /var/lib/reactc/secret',
    'Restart=always', 'LimitNOFILE=1024', 'AmbientCapabilities=CAP_NET_BIND_SERVICE']) {
    assert.ok(unit.includes(key), `the unit lacks ${key}`);
  }
  const udir = join(dir, 'device-unit');
  await mkdir(udir, { recursive: true });
  await writeFile(join(udir, 'reactc-device.service'), unit);
  const r = await run(SYSTEMD_ANALYZE, ['verify', join(udir, 'reactc-device.service')]);
  assert.equal(r.code, 0, `systemd-analyze verify:\n${r.output}`);
  assert.doesNotMatch(r.output, /Unknown (key|section|lvalue)|Failed to parse|Invalid|is not executable/, `systemd-analyze verify:\n${r.output}`);
});

// ---- nginx from deploy/nginx.conf ----------------------------------------------

test('nginx from deploy/nginx.conf: a client works through it and resumes when its server is SIGKILLed',
  { skip: (!NGINX || !OPENSSL) && 'needs nginx and openssl', timeout: 60000 }, async (t) => {
    const servers = [];
    t.after(async () => { for (const s of servers) await s.killAll(); });
    for (let i = 0; i < 2; i++) servers.push(await startExample('counter', await freePort(), BEHIND));
    const [http, https] = [await freePort(), await freePort()];
    const nd = join(dir, 'nginx');
    await mkdir(nd, { recursive: true });
    let cfg = await readFile(join(DEPLOY, 'nginx.conf'), 'utf8');
    cfg = must(cfg, /^user .*;\n/m, '', 'user', 1); // a test runs as whoever it is
    let first = true;
    cfg = must(cfg, /^(\s*)server 192\.0\.2\.\d+:\d+( [^;]*)?;\n/gm, (line, indent, params = '') => {
      if (!first) return '';
      first = false;
      return servers.map((s) => `${indent}server 127.0.0.1:${s.port}${params};\n`).join('');
    }, 'upstream servers');
    cfg = must(cfg, /listen 80;/, `listen 127.0.0.1:${http};`, 'listen 80', 1);
    cfg = must(cfg, /listen 443 ssl( http2)?;/, `listen 127.0.0.1:${https} ssl$1;`, 'listen 443', 1);
    cfg = must(cfg, /\/etc\/ssl\/reactc\/fullchain\.pem/, cert.cert, 'ssl_certificate', 1);
    cfg = must(cfg, /\/etc\/ssl\/reactc\/privkey\.pem/, cert.key, 'ssl_certificate_key', 1);
    cfg = must(cfg, /access_log [^;]+;/, `access_log ${join(nd, 'access.log')};`, 'access_log', 1);
    cfg = must(cfg, /^http \{\n/m, 'http {\n' + ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((k) => `    ${k}_temp_path ${join(nd, k)};\n`).join(''), 'http block', 1);
    const f = join(nd, 'nginx.conf');
    await writeFile(f, cfg);
    const nginx = startProcess(NGINX, ['-c', f, '-p', nd, '-g',
      `daemon off; master_process on; pid ${join(nd, 'nginx.pid')}; error_log ${join(nd, 'error.log')} info;`],
    { label: 'nginx' });
    t.after(() => nginx.killAll());
    await waitPort(http, 5000, nginx);
    await waitPort(https, 5000, nginx);

    // Plain HTTP: the page, then the protocol.
    const page = await fetch(`http://127.0.0.1:${http}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Counter<\/title>/);
    const c = await client(t, wsUrl('ws', http));
    assert.equal(await click(c, 3), '3');

    // SIGKILL the server this client is on; events made meanwhile are kept.
    const victim = await serverOf(servers);
    const survivor = servers.find((s) => s !== victim);
    const tree = nextTree(c);
    victim.kill('SIGKILL');
    await victim.exited;
    c.fire('increment', 'onClick');
    c.fire('increment', 'onClick');
    await tree;
    await c.settled();
    assert.equal(c.stats.starts.at(-1).start, 'resumed', JSON.stringify(c.stats.starts));
    assert.equal(c.text('count'), '5');
    assert.equal(await serverOf([survivor]), survivor);
    assert.equal(await click(c, 1), '6');

    // TLS termination: wss:// to nginx, plain WebSocket behind it.
    const s = await client(t, wsUrl('wss', https), { wsOptions: { rejectUnauthorized: false } });
    assert.equal(await click(s, 2), '2');
    noAnomalies(c, s);
    await edgeThrough(t, `http://127.0.0.1:${http}`);
    await edgeThrough(t, `https://127.0.0.1:${https}`);
    assert.ok(nginx.alive(), `nginx died:\n${nginx.output()}`);
  });

// ---- HAProxy from deploy/haproxy.cfg ---------------------------------------------

test('HAProxy from deploy/haproxy.cfg: wss through it, resumes when its server is SIGKILLed',
  { skip: (!HAPROXY || !OPENSSL) && 'needs haproxy and openssl', timeout: 60000 }, async (t) => {
    const servers = [];
    t.after(async () => { for (const s of servers) await s.killAll(); });
    for (let i = 0; i < 2; i++) servers.push(await startExample('counter', await freePort(), BEHIND));
    const [http, https] = [await freePort(), await freePort()];
    let cfg = await readFile(join(DEPLOY, 'haproxy.cfg'), 'utf8');
    cfg = must(cfg, /^\s*(user|group) haproxy\n/gm, '', 'user/group', 2);
    // Its log to its stdout (kept by startProcess), so that a failure below
    // shows each request's termination state rather than only a status.
    cfg = must(cfg, /^(\s*)log \/dev\/log .*\n/m, '$1log stdout format raw local0\n', 'log', 1);
    // This machine's descriptor limit (20,000) is below what maxconn 20000 needs.
    cfg = must(cfg, /maxconn \d+/, 'maxconn 4000', 'maxconn', 1);
    cfg = must(cfg, /bind :80\n/, `bind 127.0.0.1:${http}\n`, 'bind :80', 1);
    cfg = must(cfg, /bind :443 ssl crt \S+/, `bind 127.0.0.1:${https} ssl crt ${cert.pem}`, 'bind :443', 1);
    let first = true;
    cfg = must(cfg, /^(\s*)server (\w+) 192\.0\.2\.\d+:\d+(.*)\n/gm, (line, indent, name, params) => {
      if (!first) return '';
      first = false;
      return servers.map((s, i) => `${indent}server app${i + 1} 127.0.0.1:${s.port}${params}\n`).join('');
    }, 'backend servers');
    const f = join(dir, 'haproxy.cfg');
    await writeFile(f, cfg);
    const haproxy = startProcess(HAPROXY, ['-f', f, '-db'], { label: 'haproxy' });
    t.after(() => haproxy.killAll());
    await waitPort(https, 5000, haproxy);

    const redirect = await fetch(`http://127.0.0.1:${http}/x`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.match(redirect.headers.get('location'), /^https:\/\//);

    const c = await client(t, wsUrl('wss', https), { wsOptions: { rejectUnauthorized: false } });
    assert.equal(await click(c, 3), '3');
    const victim = await serverOf(servers);
    const tree = nextTree(c);
    victim.kill('SIGKILL');
    await victim.exited;
    c.fire('increment', 'onClick');
    await tree;
    await c.settled();
    assert.equal(c.stats.starts.at(-1).start, 'resumed', JSON.stringify(c.stats.starts));
    assert.equal(c.text('count'), '4');
    noAnomalies(c);
    await edgeThrough(t, `https://127.0.0.1:${https}`, haproxy);
    assert.ok(haproxy.alive(), `haproxy died:\n${haproxy.output()}`);
  });

// ---- the unit's ExecReload: SIGHUP rolling restart ----------------------------------

test('SIGHUP to a --workers server (the unit\'s ExecReload): clients drain, resume, lose nothing',
  { timeout: 60000 }, async (t) => {
    const port = await freePort();
    const sup = await startExample('counter', port, { env: ENV, workers: 2 });
    t.after(() => sup.killAll());
    const clients = [];
    for (let i = 0; i < 6; i++) clients.push(await client(t, wsUrl('ws', port)));
    const clicks = clients.map(() => 0);
    let clicking = true;
    const loops = clients.map(async (c, i) => {
      while (clicking) {
        c.fire('increment', 'onClick');
        clicks[i]++;
        await sleep(20 + Math.random() * 60);
      }
    });
    await sleep(300);
    sup.kill('SIGHUP');
    await sup.waitOutput(/rolling restart done/, 20000);
    // Clicking on until everyone is back, not for a fixed 2.5 s (a drain
    // window plus a resume, which a loaded machine may stretch): every old
    // worker has drained its clients by now, so a client connected with a
    // tree after its first is on a new worker.
    await Promise.all(clients.map((c) => c.waitFor(['tree'], () => c.stats.starts.length > 1 && c.connected, 20000,
      'its resumed tree on a new worker')));
    clicking = false;
    await Promise.all(loops);
    for (const c of clients) await c.settled();
    clients.forEach((c, i) => assert.equal(c.text('count'), String(clicks[i]), `client ${i}`));
    const drains = clients.reduce((n, c) => n + c.stats.drains, 0);
    const back = clients.filter((c) => c.stats.starts.length > 1).length;
    assert.ok(drains >= 1, 'no client got a drain message');
    assert.equal(back, clients.length, 'every client reconnected (each worker was replaced)');
    noAnomalies(...clients);
    assert.ok(sup.alive());
    const r = await sup.stop(5000);
    assert.equal(r && r.code, 0, `supervisor exit on SIGTERM: ${JSON.stringify(r)}\n${sup.output()}`);
  });

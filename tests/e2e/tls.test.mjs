// TLS in process (--tls-cert, --tls-key, --redirect-http; docs/security.md
// "TLS"): Chromium over https/wss with a self-signed certificate this test
// makes with openssl, resume after kill -9, the origin check over wss, HSTS,
// ALPN http/1.1 only, the redirect port, a certificate renewed under SIGHUP
// while a session stays open, plain HTTP on the TLS port, --workers, and the
// refusals at start.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import WebSocket from 'ws';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { exampleCopy, startDev } from './lib/dev.mjs';
import { gotoApp, MOUNT, realErrors, text, waitText } from './lib/page.mjs';
import { exampleBinary, freePort, processTree, startExample } from './lib/server.mjs';
import { handledStart, handledToken, HANDLED, until } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const env = { REACTC_SECRET: SECRET };
const dir = mkdtempSync(join(tmpdir(), 'reactc-tls-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A fresh self-signed P-256 certificate for 127.0.0.1: {cert, key, serial}
 * (the key mode 0600, as the server demands). */
function makeCert(name) {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  chmodSync(key, 0o600);
  return { cert, key, serial: new X509Certificate(readFileSync(cert)).serialNumber };
}

const first = makeCert('first');
const tlsArgs = (c = first) => ['--tls-cert', c.cert, '--tls-key', c.key];

let browser;
before(async () => { browser = await launchBrowser({ ignoreHTTPSErrors: true }); });
after(async () => { await browser?.close(); });

async function openPage(t, url, ready = '#count') {
  const { page, errors } = await newPage(browser.context);
  t.after(() => page.close().catch(() => {}));
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  await gotoApp(page, url, ready);
  return { page, errors };
}

/** One HTTPS request offering h2 and http/1.1: {status, headers, body, alpn}. */
function httpsGet(port, path = '/') {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, agent: false, rejectUnauthorized: false,
      ALPNProtocols: ['h2', 'http/1.1'] }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, alpn: res.socket.alpnProtocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A plain HTTP request: {status, headers}, or rejects on a broken answer. */
function httpGet(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

/** A new TLS handshake: the server certificate's serial and the ALPN chosen. */
function peer(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const r = { serial: s.getPeerCertificate().serialNumber, alpn: s.alpnProtocol };
      s.end();
      resolve(r);
    });
    s.on('error', reject);
  });
}

/** A wss upgrade with `origin`: resolves with the HTTP status of a refusal,
 * or 101 once open. */
function wssUpgrade(t, port, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/_reactc/stream`, { headers: { Origin: origin }, rejectUnauthorized: false });
    t.after(() => ws.terminate());
    ws.on('unexpected-response', (req, res) => { ws.terminate(); resolve(res.statusCode); });
    ws.on('open', () => resolve(101));
    ws.on('error', reject);
  });
}

/** The server run with args until the test ends; failures carry its log. */
async function serve(t, args, options = {}) {
  const server = await startExample('counter', { env, args: [...tlsArgs(), ...args], ...options });
  t.after(() => server.kill());
  return server;
}

test('counter over https and wss in Chromium, http/1.1 only, HSTS; resumes after kill -9', { timeout: 60000 }, async (t) => {
  const server = await serve(t, []);
  assert.match(server.url, /^https:/);
  const { page, errors } = await openPage(t, server.url + '/');
  // The page and its WebSocket: https and wss, over HTTP/1.1 (never h2).
  assert.equal(await page.evaluate(() => location.protocol), 'https:');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol), 'http/1.1');
  for (let i = 0; i < 3; i++) await page.click('#increment');
  await waitText(page, '#count', '3');
  const r = await httpsGet(server.port);
  assert.equal(r.status, 200);
  assert.equal(r.alpn, 'http/1.1', 'offered h2 and http/1.1, the server picks http/1.1');
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  const js = await httpsGet(server.port, '/_reactc/client.js');
  assert.equal(js.headers['strict-transport-security'], 'max-age=31536000');

  // kill -9, then the same port and secret: the tab resumes its count.
  await handledToken(page, 3);
  await server.kill();
  await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
  const again = await serve(t, [], { port: server.port });
  // The resumed tree handled, not only `.rc-connected`, which comes when the
  // socket opens, before the tree: the 3 read below is the new process's.
  assert.equal(await handledStart(page, 2, 20000), 'resumed'); // after the backoff grown meanwhile
  await page.waitForSelector(`${MOUNT}.rc-connected`, { state: 'attached' });
  assert.equal(await text(page, '#count'), '3');
  await page.click('#increment');
  await waitText(page, '#count', '4');
  assert.deepEqual(realErrors(errors), []);
  await again.stop();
});

test('the origin check over wss: a foreign origin refused, the page\'s own https origin allowed', { timeout: 30000 }, async (t) => {
  const server = await serve(t, []);
  assert.equal(await wssUpgrade(t, server.port, 'https://evil.example'), 403);
  assert.equal(await wssUpgrade(t, server.port, `http://127.0.0.1:${server.port}`), 403, 'the http origin is another one');
  assert.equal(await wssUpgrade(t, server.port, `https://127.0.0.1:${server.port}`), 101);
  await server.waitStderr(/foreign Origin \(Host "127\.0\.0\.1:\d+", Origin "https:\/\/evil\.example"\): 403/);
});

test('--redirect-http: 308 to the https URL, no page and no WebSocket in clear', { timeout: 30000 }, async (t) => {
  const plain = await freePort();
  const server = await serve(t, ['--redirect-http', String(plain)]);
  await server.waitStderr(new RegExp(`redirecting http on port ${plain}`));
  const r = await httpGet(plain, '/some/path?a=1&b=x%20y');
  assert.equal(r.status, 308);
  assert.equal(r.headers.location, `https://127.0.0.1:${server.port}/some/path?a=1&b=x%20y`);
  // The Host header's name, the TLS port; whatever vhost name it says.
  assert.equal((await httpGet(plain, '/', { Host: `localhost:${plain}` })).headers.location, `https://localhost:${server.port}/`);
  const dflt = await httpGet(plain, '/', { Host: 'default' });
  assert.equal(dflt.status, 308, 'a Host naming the main vhost still gets the redirect, not the page');
  const up = await httpGet(plain, '/_reactc/stream', { Connection: 'Upgrade', Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', Origin: `http://127.0.0.1:${plain}` })
    .catch((e) => ({ status: e.message }));
  assert.notEqual(up.status, 101);
  // Chromium follows it to the app.
  const { page } = await openPage(t, `http://127.0.0.1:${plain}/`);
  assert.equal(page.url(), `https://127.0.0.1:${server.port}/`);
  await page.click('#increment');
  await waitText(page, '#count', '1');
});

test('SIGHUP: new handshakes get the renewed certificate, the open session goes on', { timeout: 30000 }, async (t) => {
  // The server reads these paths; the renewal overwrites them, as certbot's
  // deploy hook would.
  const live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
  copyFileSync(first.cert, live.cert);
  copyFileSync(first.key, live.key);
  chmodSync(live.key, 0o600);
  const server = await serve(t, ['--tls-cert', live.cert, '--tls-key', live.key]);
  assert.equal((await peer(server.port)).serial, first.serial);
  const sockets = [];
  const { page, errors } = await openPage(t, server.url + '/');
  page.on('websocket', (ws) => sockets.push(ws));
  await page.click('#increment');
  await waitText(page, '#count', '1');

  // A bad renewal (a key of another certificate) keeps the one in use.
  const second = makeCert('second');
  copyFileSync(second.cert, live.cert);
  server.proc.kill('SIGHUP');
  await server.waitStderr(/SIGHUP: TLS key .* does not match the certificate .*; the certificate in use stays/);
  assert.equal((await peer(server.port)).serial, first.serial);

  copyFileSync(second.key, live.key);
  server.proc.kill('SIGHUP');
  await server.waitStderr(/SIGHUP: TLS certificate .*live\.crt reloaded/);
  const now = await peer(server.port);
  assert.equal(now.serial, second.serial);
  assert.notEqual(now.serial, first.serial);
  // The tab's connection was never dropped: same socket, the count goes on.
  await page.click('#increment');
  await waitText(page, '#count', '2');
  assert.equal(sockets.length, 0, 'no new WebSocket after the reload');
  assert.ok((await httpsGet(server.port)).status === 200);
  assert.deepEqual(realErrors(errors), []);
  await server.stop();
});

test('plain HTTP, garbage and handshakes that never finish on the TLS port: closed, the server serves on', { timeout: 90000 }, async (t) => {
  const server = await serve(t, []);
  await assert.rejects(httpGet(server.port, '/'), 'no HTTP answer in clear');
  // Clients that open TCP and never start the handshake, or start it and
  // stop (a TLS record header promising 512 bytes, 4 of them sent): they
  // hold no one up, and lws closes them after its handshake timeout.
  const stalled = ['', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc])].map((bytes) => {
    const s = net.connect(server.port, '127.0.0.1', () => { if (bytes.length) s.write(bytes); });
    t.after(() => s.destroy());
    s.on('error', () => {});
    return { opened: new Promise((r) => s.on('connect', r)), closed: new Promise((r) => s.on('close', r)) };
  });
  await Promise.all(stalled.map((x) => x.opened));
  // Garbage that is not a TLS ClientHello.
  const junk = net.connect(server.port, '127.0.0.1', () => junk.write(randomBytes(2048)));
  const junkClosed = new Promise((r) => junk.on('close', r));
  junk.on('error', () => {});
  await junkClosed;
  const r = await httpsGet(server.port);
  assert.equal(r.status, 200);
  assert.equal((await peer(server.port)).alpn, 'http/1.1');
  const t0 = Date.now();
  await Promise.all(stalled.map((x) => x.closed));
  console.log(`# stalled handshakes closed by the server ${Date.now() - t0} ms after the checks`);
  assert.equal((await httpsGet(server.port)).status, 200);
  await server.stop();
});

test('--workers 2 with TLS: served by the workers; SIGHUP\'s rolling restart brings the renewed certificate', { timeout: 60000 }, async (t) => {
  const live = { cert: join(dir, 'workers.crt'), key: join(dir, 'workers.key') };
  copyFileSync(first.cert, live.cert);
  copyFileSync(first.key, live.key);
  chmodSync(live.key, 0o600);
  const server = await serve(t, ['--workers', '2', '--tls-cert', live.cert, '--tls-key', live.key]);
  await until(() => processTree(server.proc.pid).length >= 3, 'two workers');
  for (let i = 0; i < 4; i++) assert.equal((await httpsGet(server.port)).status, 200);
  const { page, errors } = await openPage(t, server.url + '/');
  await page.click('#increment');
  await waitText(page, '#count', '1');
  await handledToken(page, 1);
  // Each worker reads the files when it starts: the new ones, after SIGHUP.
  // A renewal half done (the certificate copied, not its key): the
  // supervisor checks first and keeps the workers in service.
  const renewed = makeCert('workers-renewed');
  copyFileSync(renewed.cert, live.cert);
  const workers = processTree(server.proc.pid).slice(1).sort();
  server.proc.kill('SIGHUP');
  await server.waitStderr(/does not match the certificate[^]*SIGHUP: the TLS files do not load \(above\): no rolling restart/);
  assert.deepEqual(processTree(server.proc.pid).slice(1).sort(), workers, 'the same workers');
  assert.equal((await peer(server.port)).serial, first.serial);
  copyFileSync(renewed.key, live.key);
  server.proc.kill('SIGHUP');
  await until(async () => (await peer(server.port)).serial === renewed.serial, 'a handshake with the renewed certificate', 20000);
  // The tab was handed to a new worker (its session resumed): it counts on.
  await page.click('#increment');
  await waitText(page, '#count', '2');
  assert.deepEqual(realErrors(errors), []);
  await server.stop(10000);
});

test('reactc-dev with TLS: every version serves https on the runner\'s socket, an edit keeps the tab', { timeout: 120000 }, async (t) => {
  const copy = await exampleCopy('counter');
  t.after(() => copy.remove());
  const dev = await startDev(copy, { appArgs: tlsArgs() });
  t.after(() => dev.kill());
  assert.match(dev.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  const { page, errors } = await openPage(t, dev.url);
  page.setDefaultTimeout(20000); // a rebuild with both cores busy
  await page.click('#increment');
  await waitText(page, '#count', '1');
  const mark = dev.log().length;
  const src = await copy.read();
  await copy.write(src.replace('rc_text(ctx, "+1");', 'rc_text(ctx, "add one");'));
  await page.waitForFunction(() => document.querySelector('#increment')?.textContent === 'add one');
  await dev.waitLog(/v2 serving/, mark);
  await page.click('#increment');
  await waitText(page, '#count', '2');
  assert.deepEqual(realErrors(errors), []);
});

/** Runs the counter with args; resolves with {code, stderr} once it exits. */
function refusedStart(args) {
  return new Promise((resolve) => {
    execFile(exampleBinary('counter'), ['--port', '0', ...args], { env: { ...process.env, ...env }, timeout: 10000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stderr }));
  });
}

test('refused at start, each with its reason', { timeout: 30000 }, async () => {
  const other = makeCert('other');
  const open = join(dir, 'open.key');
  copyFileSync(first.key, open);
  chmodSync(open, 0o644);
  const cases = [
    [['--tls-cert', first.cert], /--tls-cert without --tls-key/],
    [['--tls-key', first.key], /--tls-key without --tls-cert/],
    [['--tls-cert', first.cert, '--tls-key', other.key], /TLS key .*other\.key does not match the certificate .*first\.crt/],
    [['--tls-cert', first.cert, '--tls-key', open], /TLS key .*open\.key is open to group or others \(mode 0644\): chmod 600/],
    [['--tls-cert', join(dir, 'missing.crt'), '--tls-key', first.key], /cannot read the TLS certificate .*missing\.crt/],
    [['--tls-cert', first.key, '--tls-key', first.key], /is not a PEM certificate/],
    [['--redirect-http', '8080'], /--redirect-http needs TLS/],
  ];
  for (const [args, re] of cases) {
    const r = await refusedStart(args);
    assert.notEqual(r.code, 0, `${args.join(' ')}: refused`);
    assert.match(r.stderr, re, args.join(' '));
  }
});

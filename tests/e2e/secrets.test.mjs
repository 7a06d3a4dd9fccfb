// Secrets and the app id (issue 14; docs/resume.md, "Keys"): weak and
// mistyped secrets stop the start with a message saying how to make one; a
// secret file open to group or others is refused; the secret is in no
// process's /proc/<pid>/environ (the server, the supervisor and its
// workers, the dev runner and its app versions); a token of another app id
// is refused even when the title is the same; reactc-secret prints a secret
// the server takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleBinary, processTree, startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';
import { exampleCopy, startDev } from './lib/dev.mjs';
import { buildDir } from './lib/paths.mjs';

const fresh = () => 'b64:' + randomBytes(32).toString('base64');

/** Runs an example that must not start: resolves {code, stderr} at its exit. */
function refusedStart(name, args, env) {
  return new Promise((resolve, reject) => {
    const p = spawn(exampleBinary(name), ['--host', '127.0.0.1', '--port', '0', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
    });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`still running:\n${err}`)); }, 10000);
    p.once('close', (code) => { clearTimeout(timer); resolve({ code, stderr: err }); });
  });
}

function assertNotInEnviron(pids, secret) {
  const value = secret.slice(4);
  for (const pid of pids) {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    assert.ok(!env.includes(value), `the secret is in /proc/${pid}/environ`);
    assert.ok(!env.includes('REACTC_SECRET='), `REACTC_SECRET is in /proc/${pid}/environ`);
  }
}

test('weak, untyped and mistyped secrets stop the start, saying how to make one', async () => {
  for (const [secret, words] of [
    ['summer2024summer', 'no type prefix'],
    ['a'.repeat(16), 'no type prefix'],
    [randomBytes(32).toString('base64'), 'no type prefix'], // the README's old form
    ['b64:' + randomBytes(16).toString('base64'), 'exactly 32 bytes'],
    ['hex:' + randomBytes(31).toString('hex'), 'exactly 64 hex digits'],
    ['pass:', 'pass: is empty'],
  ]) {
    for (const args of [[], ['--workers', '2']]) {
      const r = await refusedStart('counter', args, { REACTC_SECRET: secret });
      assert.notEqual(r.code, 0, `${secret} ${args}: started`);
      assert.match(r.stderr, new RegExp(words), `${secret} ${args}`);
      assert.match(r.stderr, /reactc-secret/, `${secret} ${args}: says how to make one`);
      if (secret.length > 8) assert.ok(!r.stderr.includes(secret), 'the message quotes no secret');
    }
  }
});

test('a secret file readable by group or others is refused; 0600 is taken', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'secret');
  writeFileSync(file, fresh() + '\n');
  chmodSync(file, 0o644);
  const r = await refusedStart('counter', ['--secret-file', file], {});
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /open to group or others \(mode 0644\): chmod 600/);
  writeFileSync(file, 'a'.repeat(16) + '\n');
  chmodSync(file, 0o600);
  assert.match((await refusedStart('counter', ['--secret-file', file], {})).stderr, /no type prefix/);
  writeFileSync(file, fresh() + '\n');
  const server = await startExample('counter', { args: ['--secret-file', file] });
  t.after(() => server.kill());
  assert.doesNotMatch(server.stderr(), /no secret configured/);
  await server.stop(2000);
});

test('the secret is in no /proc/PID/environ: a server, a supervisor and its workers', async (t) => {
  const secret = fresh();
  const one = await startExample('counter', { env: { REACTC_SECRET: secret } });
  t.after(() => one.kill());
  assertNotInEnviron([one.proc.pid], secret);
  const many = await startExample('counter', { env: { REACTC_SECRET: secret }, args: ['--workers', '2'] });
  t.after(() => many.stop(5000).catch(() => many.kill())); // SIGTERM first: no orphaned workers
  await many.waitStderr(/starting 2 workers/);
  const pids = processTree(many.proc.pid);
  assert.ok(pids.length >= 2, `a supervisor and workers: ${pids}`);
  assertNotInEnviron(pids, secret);
  // Both opened the same keys: a token of the one resumes on the other.
  const c = connect(wsUrl(one));
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update' && m.token);
  c.ws.close();
  const d = connect(wsUrl(many));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO), resume: { session: first.session, token: first.token } }));
  assert.equal((await d.next((m) => m.type === 'layout-update')).start, 'resumed');
  d.ws.close();
  // SIGTERM: the supervisor stops its workers (SIGKILL would orphan them).
  await many.stop(5000);
});

test('a passphrase is stretched once, by the supervisor, with a warning', async (t) => {
  const server = await startExample('counter', {
    env: { REACTC_SECRET: 'pass:correct horse battery staple' }, args: ['--workers', '2'], readyMs: 20000,
  });
  t.after(() => server.stop(5000).catch(() => server.kill()));
  await server.waitStderr(/starting 2 workers/);
  const log = server.stderr();
  assert.equal(log.match(/passphrase \(pass:\), stretched with Argon2id/g).length, 1, log);
  assert.match(log, /supervisor: the secret is a passphrase/);
  await server.stop(5000);
});

test('a token of another app id is refused, even with the same title', async (t) => {
  const env = { REACTC_SECRET: fresh() };
  const counter = await startExample('counter', { env, args: ['--title', 'Counter'] });
  t.after(() => counter.kill());
  const c = connect(wsUrl(counter));
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update' && m.token);
  c.ws.close();
  const resume = JSON.stringify({ ...JSON.parse(HELLO), resume: { session: first.session, token: first.token } });
  // todo, told its title is Counter: another program, another app id.
  const todo = await startExample('todo', { env, args: ['--title', 'Counter'] });
  t.after(() => todo.kill());
  const d = connect(wsUrl(todo));
  await d.opened;
  d.ws.send(resume);
  const failed = await d.next((m) => m.type === 'resume-failed');
  assert.equal(failed.reason, 'token belongs to another app');
  assert.equal((await d.next((m) => m.type === 'layout-update')).start, 'new');
  d.ws.close();
  // --app-id names the app: the same program under another id refuses it,
  // under its default id (the program's name) takes it.
  const renamed = await startExample('counter', { env, args: ['--title', 'Counter', '--app-id', 'other'] });
  t.after(() => renamed.kill());
  const e = connect(wsUrl(renamed));
  await e.opened;
  e.ws.send(resume);
  assert.equal((await e.next((m) => m.type === 'resume-failed')).reason, 'token belongs to another app');
  e.ws.close();
  const same = await startExample('counter', { env, args: ['--app-id', 'counter'] });
  t.after(() => same.kill());
  const f = connect(wsUrl(same));
  await f.opened;
  f.ws.send(resume);
  assert.equal((await f.next((m) => m.type === 'layout-update')).start, 'resumed');
  f.ws.close();
});

test('reactc-secret prints a b64: secret of 32 bytes that a server takes', async (t) => {
  const out = execFileSync(join(buildDir, 'reactc-secret'), { encoding: 'utf8' });
  assert.match(out, /^b64:[A-Za-z0-9+/]{43}=\n$/);
  assert.equal(Buffer.from(out.trim().slice(4), 'base64').length, 32);
  assert.notEqual(execFileSync(join(buildDir, 'reactc-secret'), { encoding: 'utf8' }), out);
  assert.match(execFileSync(join(buildDir, 'reactc-secret'), ['--hex'], { encoding: 'utf8' }), /^hex:[0-9a-f]{64}\n$/);
  const server = await startExample('counter', { env: { REACTC_SECRET: out.trim() } });
  t.after(() => server.kill());
  assert.doesNotMatch(server.stderr(), /no secret configured/);
  await server.stop(2000);
});

test('under reactc-dev: the secret reaches the versions by a pipe, in no environ; nor does a Redis password', { timeout: 60000 }, async (t) => {
  const secret = fresh();
  const copy = await exampleCopy('counter');
  t.after(() => copy.remove());
  // Port 1: nothing answers there; the version retries in the background.
  const password = 'pw' + randomBytes(12).toString('hex');
  const dev = await startDev(copy, {
    env: { REACTC_SECRET: secret, REACTC_REDIS: `redis://:${password}@127.0.0.1:1` },
  });
  t.after(() => dev.kill());
  const pids = processTree(dev.pid);
  assert.ok(pids.length >= 2, `the runner and a version: ${pids}`);
  assertNotInEnviron(pids, secret);
  for (const pid of pids) {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    assert.ok(!env.includes(password), `the Redis password is in /proc/${pid}/environ`);
  }
  // The version did get the URL (it tries that Redis, password masked).
  await dev.waitLog(/redis: connecting to redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0/);
  // The version opened the keys of that secret: its token resumes on a
  // plain server of the same app id (the program's name, counter) and secret.
  const url = dev.url.replace(/^http/, 'ws') + '_reactc/stream';
  const c = connect(url);
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update' && m.token);
  c.ws.close();
  const server = await startExample('counter', { env: { REACTC_SECRET: secret } });
  t.after(() => server.kill());
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO), resume: { session: first.session, token: first.token } }));
  assert.equal((await d.next((m) => m.type === 'layout-update')).start, 'resumed');
  d.ws.close();
});

// deploy/redis.conf (docs/deploy.md "Many machines") cannot rot: Redis
// 7.0 is started with that very file, only what cannot be the same on this
// machine overridden on its command line (bind, port, dir, logfile, the
// password placeholder), so a directive Redis does not know stops it at
// start and fails this test. Then, over RESP on a plain socket: a client
// without the password is refused, AUTH and PING work, and the settings
// reactc's promises rest on read back as the file sets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { startRedis as startRedisAt } from './lib/redis.mjs';
import { freePort } from './lib/server.mjs';

const REDIS = spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim();
const CONF = join(repoRoot, 'deploy', 'redis.conf');

/** redis-server with deploy/redis.conf on 127.0.0.1:port, once it accepts
 * (bind, port, dir, logfile and password overridden on the command line). */
const startRedis = (port, dir, password) =>
  startRedisAt(port, { config: CONF, dir, password, extra: ['--logfile', ''] });

/** A RESP2 client: send(...args) resolves with the reply (errors as
 * {error}), enough for AUTH, PING and CONFIG GET. */
function resp(port) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  let waiting = [];
  // One whole reply at the front of buf: [value, rest], or null.
  const parse = (s) => {
    const eol = s.indexOf('\r\n');
    if (eol < 0) return null;
    const head = s.slice(1, eol), rest = s.slice(eol + 2);
    switch (s[0]) {
    case '+': return [head, rest];
    case '-': return [{ error: head }, rest];
    case ':': return [Number(head), rest];
    case '$': {
      const n = Number(head);
      if (n < 0) return [null, rest];
      return rest.length < n + 2 ? null : [rest.slice(0, n), rest.slice(n + 2)];
    }
    case '*': {
      const items = [];
      let r = rest;
      for (let i = 0; i < Number(head); i++) {
        const got = parse(r);
        if (!got) return null;
        items.push(got[0]);
        r = got[1];
      }
      return [items, r];
    }
    default: throw new Error(`not RESP: ${s}`);
    }
  };
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    buf += d;
    for (let got; waiting.length && (got = parse(buf));) {
      buf = got[1];
      waiting.shift()(got[0]);
    }
  });
  const ready = new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  return {
    async send(...args) {
      await ready;
      const reply = new Promise((resolve) => waiting.push(resolve));
      sock.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
      return reply;
    },
    close: () => sock.end(),
  };
}

test('deploy/redis.conf starts Redis 7.0 with a password, AOF fsynced always, no eviction', { skip: !REDIS && 'no redis-server (scripts/install-deps.sh)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-redis-conf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const redis = await startRedis(port, dir, 'test-password');
  t.after(async () => { redis.proc.kill('SIGKILL'); await redis.exited; });

  const c = resp(port);
  t.after(() => c.close());
  assert.match((await c.send('PING')).error, /^NOAUTH/, 'no command without the password');
  assert.match((await c.send('AUTH', 'wrong')).error, /^WRONGPASS/);
  assert.equal(await c.send('AUTH', 'test-password'), 'OK');
  assert.equal(await c.send('PING'), 'PONG');
  const config = async (name) => (await c.send('CONFIG', 'GET', name))[1];
  assert.equal(await config('appendonly'), 'yes');
  assert.equal(await config('appendfsync'), 'always');
  assert.equal(await config('no-appendfsync-on-rewrite'), 'no');
  assert.equal(await config('aof-use-rdb-preamble'), 'yes');
  assert.equal(await config('maxmemory-policy'), 'noeviction');
  assert.equal(await config('protected-mode'), 'yes');
  assert.equal(await config('timeout'), '0');
  assert.equal(await config('save'), '');
  assert.ok(Number(await config('maxmemory')) > 0, 'a memory bound');
  assert.ok(Number(await config('latency-monitor-threshold')) > 0);
  // What reactc's stores run is there, not renamed away: a Lua script and
  // PUBLISH.
  assert.equal(await c.send('EVAL', 'return redis.call("PUBLISH", KEYS[1], ARGV[1])', '1', 'reactc:conf-test', 'x'), 0);
});

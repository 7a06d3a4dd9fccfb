// A fleet for the chaos tests: example servers, each its own process on its
// own port with one secret, and HAProxy in front (one frontend port per
// app); servers are SIGKILLed and started again on their ports. Shared by
// chaos.test.mjs (headless clients) and browser.test.mjs (Chromium pages).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep, startExample, startProcess, waitPort, which } from './procs.mjs';

export const HAPROXY = which('haproxy');

/** HAProxy in front of `pools` ([{name, port, servers: [{port}]}]): one
 * frontend port per app. `balance`: leastconn (default) or roundrobin;
 * `defaults`: more lines for the defaults section. */
export function haproxyConfig(pools, { balance = 'leastconn', defaults = [] } = {}) {
  const lines = [
    'global',
    '    maxconn 4000',
    '    hard-stop-after 3s',
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    timeout tunnel 1h',
    '    timeout http-request 5s',
    '    # a refused connection (a server that just died) is retried on another',
    '    retries 3',
    '    option redispatch 1',
    '    default-server check inter 200ms fastinter 100ms downinter 200ms fall 1 rise 1',
    ...defaults.map((l) => `    ${l}`),
  ];
  for (const p of pools) {
    lines.push(
      `frontend ${p.name}_in`,
      `    bind 127.0.0.1:${p.port}`,
      `    default_backend ${p.name}`,
      `backend ${p.name}`,
      `    balance ${balance}`,
      '    option httpchk',
      '    http-check send meth GET uri /',
      '    http-check expect status 200',
      ...p.servers.map((s, i) => `    server ${p.name}${i + 1} 127.0.0.1:${s.port}`),
    );
  }
  return lines.join('\n') + '\n';
}

// Server log lines that explain a lost event or a fresh session.
const NOTABLE = /stale handler|resume refused|malformed|exceeds the|error/i;

/** Fails the test with the failures, the notable lines of every log, and
 * the tail of the main ones. logs: [[label, text, tail?]]. */
export function report(failures, logs) {
  if (!failures.length) return;
  const notable = logs.flatMap(([label, text]) => text.split('\n').filter((l) => NOTABLE.test(l)).map((l) => `${label}: ${l}`));
  const tails = logs.filter(([, , tail]) => tail !== false)
    .map(([label, text]) => `--- ${label} (last lines) ---\n${text.split('\n').slice(-15).join('\n')}`);
  assert.fail(`${failures.length} failure(s):\n${failures.slice(0, 40).join('\n')}\n` +
    `--- notable server log lines (${notable.length}) ---\n${notable.slice(0, 20).join('\n')}\n${tails.join('\n')}`);
}

/**
 * `perPool` servers of each app of `names`, each its own process on its own
 * port, with `env` and `args`, and HAProxy in front (see haproxyConfig for
 * `balance` and `defaults`); `bins` maps an app name to its binary (default
 * build/examples/NAME). Returns {pools, servers, haproxy, crashes,
 * killAndRestart(server, downMs), logs()}; every process is killed when
 * test `t` ends. crashes lists the processes that died unasked.
 */
export async function haproxyFleet(t, { names = ['counter', 'todo'], perPool = 3, env = {}, args = [], balance, defaults, bins = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'reactc-chaos-'));
  const procs = []; // every process that ever ran, for the logs and for cleanup
  const crashes = [];
  let ending = false;
  t.after(async () => {
    ending = true;
    for (const p of procs) await p.killAll();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (name, port) => {
    const p = await startExample(name, port, { env, args, ...(bins[name] ? { bin: bins[name] } : {}) });
    procs.push(p);
    p.exited.then(({ code, signal }) => {
      if (!p.killedByUs && !ending) crashes.push(`${p.label} exited by itself (code ${code}, signal ${signal})`);
    });
    return p;
  };
  const pools = [];
  for (const name of names) {
    const servers = [];
    for (let i = 0; i < perPool; i++) {
      const p = await start(name, await freePort());
      servers.push({ name, port: p.port, current: p });
    }
    pools.push({ name, port: await freePort(), servers });
  }
  const cfg = join(dir, 'haproxy.cfg');
  await writeFile(cfg, haproxyConfig(pools, { balance, defaults }));
  const check = startProcess(HAPROXY, ['-c', '-f', cfg], { label: 'haproxy -c' });
  const checked = await check.exited;
  assert.equal(checked.code, 0, `haproxy -c rejected the config:\n${check.output()}`);
  const haproxy = startProcess(HAPROXY, ['-f', cfg, '-db'], { label: 'haproxy' });
  procs.push(haproxy);
  for (const p of pools) await waitPort(p.port, 5000, haproxy);
  haproxy.exited.then(({ code, signal }) => {
    if (!ending) crashes.push(`haproxy exited (code ${code}, signal ${signal})`);
  });
  await sleep(300); // the first health checks
  return {
    pools,
    servers: pools.flatMap((p) => p.servers),
    haproxy,
    crashes,
    /** SIGKILL the server's process, wait `downMs`, start it again on its port. */
    async killAndRestart(server, downMs) {
      const victim = server.current;
      victim.killedByUs = true;
      victim.kill('SIGKILL');
      await victim.exited;
      await sleep(downMs); // down a moment: HAProxy sends its clients elsewhere
      server.current = await start(server.name, server.port);
    },
    logs: () => [['haproxy', haproxy.output()],
      ...procs.filter((p) => p !== haproxy).map((p, i, all) => [p.label, p.output(), i >= all.length - 3])],
  };
}

/** The number of established TCP connections whose local end is `port`
 * (a server's accepted connections), from /proc/net/tcp and tcp6 (a server
 * may listen on a dual-stack socket: 127.0.0.1 then shows as ::ffff:7f00:1). */
export function establishedOn(port) {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '01') continue; // 01: ESTABLISHED
      if (parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16) === port) n++;
    }
  }
  return n;
}

// Chaos with Redis (issue 16; tests/chaos/README.md, "chaos.redis"): 40
// scripted users click through HAProxy on 3 tally servers (apps/tally.c),
// each its own process with --redis to one redis-server (append-only file,
// fsync at every write), while a server is SIGKILLed every 2 s and started
// again on its port, and Redis itself is SIGKILLed once and started again
// on its port with its data.
//
// Each click does, in one handler: the tab's counter +1 (a state slot, in
// its token), the shared counter +1 (a store) and the event's item in the
// store "log" +1 (keyed "<session>:<seq>"), the two store writes one batch;
// a refused batch counts in the tab's "refused" slot (none may be: an
// event's batch waits for Redis while it is down). At the end, with Redis
// as the judge:
//   - per tab: #count == clicks (0 lost, 0 duplicated: runChaos' check);
//   - store: every log item is 1 (no store write applied twice), the shared
//     counter == the number of log items (the batch's two writes went
//     together), and per tab: confirmed (its log items, all of seqs it
//     made) + refused (#refused) == clicks (no store write lost unseen);
//   - every server's /audit page shows what Redis holds (they converged).
// The summary line: clients, events, resumes, kills, redis kills 1, lost 0,
// duplicated 0, shared S = confirmed C.
//
// REACTC_CHAOS_SECONDS (30) sets the duration, REACTC_CHAOS_SEED the
// choices, REACTC_CHAOS_SERVER_ARGS more server options.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { killLoop, runChaos } from './lib/chaos.mjs';
import { ReactcClient } from './lib/client.mjs';
import { HAPROXY, haproxyFleet, report } from './lib/fleet.mjs';
import * as M from './lib/model.mjs';
import { chaosAppBinary, freePort, sleep, startExample } from './lib/procs.mjs';
import { REDIS_CLI, REDIS_SERVER, redisCli, redisKeys, startRedis } from './lib/redis.mjs';
import { rng } from './lib/users.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
// TALLY_TRACE: each server logs every batch it decides (tally.c), so that
// a failure can say which process decided an event how.
const ENV = { REACTC_SECRET: SECRET, TALLY_TRACE: '1' };
const SECONDS = Number(process.env.REACTC_CHAOS_SECONDS || 30);
const CLIENTS = 40;
const ARGS = (process.env.REACTC_CHAOS_SERVER_ARGS || '').split(/\s+/).filter(Boolean);
const SEED = Number(process.env.REACTC_CHAOS_SEED || Math.floor(Math.random() * 2 ** 31));
const TALLY = chaosAppBinary('tally');
const APP_ID = 'chaos-tally';

setTimeout(() => {
  console.error('chaos.redis: over 240 s, giving up');
  process.exit(1);
}, 240000).unref();

const wsUrl = (port) => `ws://127.0.0.1:${port}/_reactc/stream`;

const skipWhy = !existsSync(TALLY) ? `${TALLY} not built (RC_WITH_STORES off?)`
  : !REDIS_SERVER || !REDIS_CLI ? 'redis-server / redis-cli not found (scripts/install-deps.sh)'
    : !HAPROXY ? 'haproxy not found' : false;
// The run with Redis needs stores shared through Redis in the library
// (src/redis/stores.c); tally --probe says whether it was built with them.
const redisSkipWhy = skipWhy || (/redis-stores yes/.test(execFileSync(TALLY, ['--probe'], { encoding: 'utf8' })) ? false
  : 'this build has no Redis store backend (src/redis/stores.c): stores are per process, so the run with Redis has nothing to judge');

/** What a server's /audit page shows of the log and the shared counter. */
function readAudit(c) {
  const num = (id) => Number(c.text(id));
  const sessions = new Map();
  const ul = c.byId('audit-sessions');
  for (const li of ul ? M.childElements(ul, (e) => e.tag === 'li') : []) {
    const [id, n] = M.textOf(li).split(' ');
    if (id) sessions.set(id, Number(n));
  }
  return { items: num('audit-items'), sum: num('audit-sum'), odd: num('audit-odd-count'), total: num('audit-total'), sessions };
}

/** Opens /audit on 127.0.0.1:port and waits until it shows `want` (the
 * counts Redis holds), up to `ms`; resolves with {ok, audit, ms}. */
async function auditUntil(port, want, ms) {
  const c = new ReactcClient({ url: wsUrl(port), pathname: '/audit', name: `audit:${port}`, heartbeat: 0 });
  const t0 = Date.now();
  try {
    await c.ready(ms);
    const same = () => {
      const a = readAudit(c);
      return a.items === want.items && a.sum === want.sum && a.total === want.total;
    };
    try {
      await c.waitFor(['message', 'tree'], same, Math.max(1, ms - (Date.now() - t0)), `/audit on ${port} to show ${JSON.stringify(want)}`);
      return { ok: true, audit: readAudit(c), ms: Date.now() - t0 };
    } catch {
      return { ok: false, audit: readAudit(c), ms: Date.now() - t0 };
    }
  } finally {
    await c.close();
  }
}

/**
 * The store as the judge sees it: {total, log: Map(key -> value)}, from
 * `source` (Redis, or an /audit page when there is none).
 */
function storeChecks({ total, log }, scripts, logs = [], t0 = 0) {
  // "tally: KEY status S at MS" lines of every server, by key.
  const traces = new Map();
  for (const [label, text] of logs) {
    for (const m of text.matchAll(/^tally: (\S+) status (-?\d+) at (\d+)$/gm)) {
      if (!traces.has(m[1])) traces.set(m[1], []);
      traces.get(m[1]).push(`${label} ${m[2] === '0' ? 'committed' : 'refused'} at +${Number(m[3]) - t0} ms`);
    }
  }
  const why = (session, seqs) => seqs.slice(0, 4).map((q) => `\n      seq ${q}: ${(traces.get(`${session}:${q}`) || ['no trace']).join('; ')}`).join('');
  const failures = [];
  let odd = 0; // items that are not 1
  let extra = 0; // writes applied more than once, over all items
  for (const [k, v] of log) {
    if (v !== 1) {
      odd++;
      if (Number.isInteger(v) && v > 1) extra += v - 1;
      if (odd <= 10) failures.push(`log item ${k} is ${JSON.stringify(v)}: a store write applied ${v} times`);
    }
  }
  const confirmed = [...log.values()].reduce((a, b) => a + b, 0);
  if (total !== log.size) failures.push(`the shared counter is ${total}, the log holds ${log.size} events (${confirmed} writes)`);
  const bySession = new Map();
  for (const k of log.keys()) {
    const i = k.lastIndexOf(':');
    const s = k.slice(0, i);
    if (!bySession.has(s)) bySession.set(s, []);
    bySession.get(s).push(Number(k.slice(i + 1)));
  }
  let lost = 0;
  let duplicated = extra;
  let refused = 0;
  const known = new Set();
  for (const s of scripts) {
    const c = s.client;
    known.add(c.session);
    const seqs = bySession.get(c.session) || [];
    const bad = seqs.filter((q) => !(Number.isInteger(q) && q >= 1 && q <= c.seq));
    if (bad.length) failures.push(`${c.name}: log items of seqs it never made: ${bad.slice(0, 5).join(', ')}`);
    const r = Number(c.text('refused'));
    if (!Number.isInteger(r)) failures.push(`${c.name}: #refused reads ${JSON.stringify(c.text('refused'))}`);
    refused += r || 0;
    const diff = s.clicks - (r || 0) - seqs.length;
    if (diff > 0) lost += diff;
    if (diff < 0) duplicated -= diff;
    if (diff) {
      // Name the events: the page lists the seqs it saw refused (the last
      // ones, if many), the log those Redis committed.
      const listed = (c.text('refused-seqs') || '').trim().split(/\s+/).filter(Boolean).map(Number);
      const committed = new Set(seqs);
      const both = listed.filter((q) => committed.has(q));
      const refusedSet = new Set(listed);
      const neither = listed.length === r
        ? Array.from({ length: s.clicks }, (_, i) => i + 1).filter((q) => !committed.has(q) && !refusedSet.has(q)) : null;
      failures.push(`${c.name} (session ${c.session}): ${s.clicks} clicks, ${seqs.length} confirmed in the store, ${r} refused` +
        (both.length ? `; refused and yet committed: seq ${both.join(', ')}` : '') +
        (neither && neither.length ? `; neither refused nor committed: seq ${neither.slice(0, 10).join(', ')}` : '') +
        (neither ? '' : ' (not every refused seq is listed)') +
        why(c.session, [...both, ...(neither || [])]));
    }
  }
  const strangers = [...bySession.keys()].filter((s) => !known.has(s));
  if (strangers.length) failures.push(`log items of sessions no client has: ${strangers.slice(0, 5).join(', ')}`);
  return { failures, confirmed, refused, lost, duplicated, odd };
}

test('tally, one process, no Redis: the harness\'s own check (store writes as the page and /audit show them)',
  { skip: skipWhy, timeout: 60000 }, async (t) => {
    const port = await freePort();
    const server = await startExample('tally', port, { env: ENV, args: ARGS, bin: TALLY });
    t.after(() => server.killAll());
    let scripts = [];
    const result = await runChaos({
      users: Array.from({ length: 10 }, () => ({ kind: 'counter', url: wsUrl(port), pathname: '/' })),
      seconds: 3, seed: SEED, log: (l) => t.diagnostic(l),
      onClients: (_, s) => { scripts = s; },
      chaos: async (until) => { await sleep(until - Date.now()); return 0; },
    });
    const failures = [...result.failures];
    const clicks = scripts.reduce((n, s) => n + s.clicks, 0);
    // The audit page is the whole log: it must show every click once.
    const want = { items: clicks, sum: clicks, total: clicks };
    const a = await auditUntil(port, want, 10000);
    if (a.audit.odd) failures.push(`/audit shows ${a.audit.odd} log items that are not 1`);
    if (!a.ok) failures.push(`/audit shows ${JSON.stringify({ ...a.audit, sessions: undefined })}, want ${JSON.stringify(want)}`);
    const c = new ReactcClient({ url: wsUrl(port), pathname: '/audit', name: 'audit', heartbeat: 0 });
    await c.ready();
    const log = new Map();
    // Rebuild the per-session view for storeChecks from the audit's lists.
    for (const s of scripts) for (let q = 1; q <= (a.audit.sessions.get(s.client.session) || 0); q++) log.set(`${s.client.session}:${q}`, 1);
    await c.close();
    const r = storeChecks({ total: a.audit.total, log }, scripts);
    failures.push(...r.failures);
    t.diagnostic(`clients ${scripts.length}, clicks ${clicks}, shared ${a.audit.total} = confirmed ${r.confirmed}, refused ${r.refused}`);
    if (r.refused) failures.push(`${r.refused} refused without Redis`);
    report(failures, [['tally', server.output()]]);
  });

/**
 * What Redis holds of the tally (the keys of src/redis/stores_script.h:
 * "reactc:<app id>:s:<store>" a hash, "v" a value store's value and
 * "i:<key>" an item, each "<version> <order> <json>"): {total, log}.
 */
async function readRedisTally(port) {
  const prefix = `reactc:${APP_ID}:s:`;
  const json = (rec, what) => {
    const m = /^(\d+) (\d+) (.*)$/s.exec(rec);
    if (!m) throw new Error(`${what}: not a store record: ${JSON.stringify(rec.slice(0, 100))}`);
    return JSON.parse(m[3]);
  };
  const raw = (await redisCli(port, 'HGET', `${prefix}total`, 'v')).replace(/\n$/, '');
  const total = raw === '' ? 0 : json(raw, 'total');
  const lines = (await redisCli(port, 'HGETALL', `${prefix}log`)).split('\n');
  const log = new Map();
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!lines[i].startsWith('i:')) continue; // "#": the store's version counter
    log.set(lines[i].slice(2), json(lines[i + 1], lines[i]));
  }
  return { total, log };
}

test(`${CLIENTS} clients through HAProxy, 3 tally servers with --redis SIGKILLed every 2 s, Redis SIGKILLed once`,
  { skip: redisSkipWhy, timeout: 200000 }, async (t) => {
    const rand = rng(SEED);
    const redisRand = rng(SEED ^ 0x7ed15);
    const dir = await mkdtemp(join(tmpdir(), 'reactc-chaos-redis-'));
    const rport = await freePort();
    let redis = await startRedis(rport, dir);
    const redisProcs = [redis];
    t.after(async () => {
      for (const r of redisProcs) await r.killAll();
      await rm(dir, { recursive: true, force: true });
    });
    const fleet = await haproxyFleet(t, {
      names: ['tally'], perPool: 3, env: ENV, bins: { tally: TALLY },
      args: ['--redis', `redis://127.0.0.1:${rport}`, '--app-id', APP_ID, ...ARGS],
    });
    for (const s of fleet.servers) await s.current.waitOutput(/redis: up/, 10000);
    const pool = fleet.pools[0];
    let scripts = [];
    const outage = { killed: 0, back: 0 };
    const kills = []; // "port at +ms", for the failures' story
    let extraKills = 0; // the kill just after Redis is back
    // One kill at a time per server: two restarts on one port would collide.
    const busy = new Set();
    const killOne = async (r, note = '') => {
      const free = fleet.servers.filter((s) => !busy.has(s));
      if (!free.length) return false;
      const victim = r.pick(free);
      busy.add(victim);
      kills.push(`${victim.port} at +${Date.now() - runStart} ms${note}`);
      try {
        await fleet.killAndRestart(victim, r.int(200, 800));
      } finally {
        busy.delete(victim);
      }
      return true;
    };
    let runStart = 0;
    const result = await runChaos({
      users: Array.from({ length: CLIENTS }, () => ({ kind: 'counter', url: wsUrl(pool.port), pathname: '/' })),
      seconds: SECONDS, seed: SEED, log: (l) => t.diagnostic(l),
      onClients: (_, s) => { scripts = s; },
      chaos: async (until) => {
        const t0 = Date.now();
        runStart = t0;
        const [n] = await Promise.all([
          killLoop(until, 2000, rand, (r) => killOne(r)),
          (async () => {
            // Once, 30-50 % into the run: SIGKILL, down 1-2 s, back on its
            // port with its directory (the append-only file).
            await sleep(t0 + (until - t0) * (0.3 + 0.2 * redisRand()) - Date.now());
            await redis.killAll();
            outage.killed = Date.now();
            await sleep(redisRand.int(1000, 2000));
            redis = await startRedis(rport, dir);
            redisProcs.push(redis);
            outage.back = Date.now();
            // The hardest moment: a server SIGKILLed just after Redis is
            // back, while the servers reconnect, read in full and send the
            // batches kept during the outage.
            await sleep(redisRand.int(50, 400));
            if (await killOne(redisRand, ' (after Redis)')) extraKills++;
          })(),
        ]);
        return n + extraKills;
      },
    });
    const failures = [...fleet.crashes, ...result.failures];
    if (result.summary.kills < Math.floor(SECONDS / 2) - 1) failures.push(`only ${result.summary.kills} kills`);
    if (!outage.back) failures.push('Redis was not killed and restarted');

    // The judge: what Redis holds, after every tab settled.
    const store = await readRedisTally(rport);
    const r = storeChecks(store, scripts, fleet.logs().map(([l, text], i) => [`${l}#${i}`, text]), runStart);
    failures.push(...r.failures);
    // A click is an event: its batch waits for Redis rather than being
    // refused (docs/guide/shared-state.md, "Across processes (Redis)"), so
    // none is refused, and the outage shows in the servers' logs instead.
    if (r.refused) failures.push(`${r.refused} click(s) refused: an event's batch must wait for Redis, not be refused`);
    if (!fleet.logs().some(([, text]) => /redis: down/.test(text))) failures.push('no server saw Redis down: the outage was not seen');
    if (!store.total) failures.push('the shared counter is 0');

    // Every server, asked directly, shows what Redis holds.
    const want = { items: store.log.size, sum: r.confirmed, total: store.total };
    const audits = await Promise.all(fleet.servers.map((s) => auditUntil(s.port, want, 5000)));
    audits.forEach((a, i) => {
      if (!a.ok) failures.push(`server ${fleet.servers[i].port}: /audit shows ${JSON.stringify({ ...a.audit, sessions: undefined })}, Redis ${JSON.stringify(want)}`);
    });

    const s = result.summary;
    t.diagnostic(`clients ${s.clients}, events ${s.events}, resumes ${s.resumes}, reattaches ${s.reattaches}, kills ${s.kills}, ` +
      `redis kills 1, lost ${s.lost}, duplicated ${s.duplicated}, shared ${store.total} = confirmed ${r.confirmed} ` +
      `(refused ${r.refused}; store writes lost ${r.lost}, duplicated ${r.duplicated})`);
    if (failures.length) {
      failures.push(`(the story: Redis SIGKILLed at +${outage.killed - runStart} ms, back at +${outage.back - runStart} ms; ` +
        `servers SIGKILLed: ${kills.join(', ')})`);
    }
    t.diagnostic(`(Redis down ${outage.back - outage.killed} ms; clicks ${scripts.reduce((n, x) => n + x.clicks, 0)}; ` +
      `every server's /audit agreed with Redis within ${Math.max(...audits.map((a) => a.ms))} ms of asking; seed ${SEED})`);
    report(failures, [...fleet.logs(), ...redisProcs.map((p, i) => [`redis #${i + 1}`, p.output(), i === redisProcs.length - 1])]);
  });

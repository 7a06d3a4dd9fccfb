// The chaos run shared by the tests: many scripted users at once while
// something kills server processes, then every user settles (all events
// acknowledged), its page is compared with its script, and it reconnects
// once more to check that a fresh whole tree equals the page it patched.
import { ReactcClient } from './client.mjs';
import * as M from './model.mjs';
import { sleep } from './procs.mjs';
import { counterUser, rng, todoUser } from './users.mjs';

/**
 * users: [{kind: 'counter'|'todo', url, pathname}], one per client.
 * chaos(until): the killing, resolves with the number of kills once done.
 * onClients(clients, scripts): called once they exist (scripts: the users'
 * scripts, for a test's own checks: e.g. counterUser's `clicks`).
 * Returns {summary, line, details, failures[]}; log(text) gets the line and
 * the details as soon as they are known.
 */
export async function runChaos({ users, seconds, chaos, seed, clientOptions = {}, onClients = () => {}, log = () => {} }) {
  const rand = rng(seed);
  const clients = [];
  const scripts = users.map((u, i) => {
    const name = `${u.kind[0]}${i}`;
    const c = new ReactcClient({ url: u.url, pathname: u.pathname, name, initialDelay: 50, maxDelay: 1000, openTimeout: 3000, ...clientOptions });
    clients.push(c);
    const r = rng(rand.int(1, 2 ** 31));
    return u.kind === 'counter' ? counterUser(c, r) : todoUser(c, r, name);
  });
  onClients(clients, scripts);
  const failures = [];
  try {
    await Promise.all(clients.map((c) => c.ready(10000)));
    const t0 = Date.now();
    const until = t0 + seconds * 1000;
    const [kills] = await Promise.all([chaos(until), ...scripts.map((s) => s.run(until))]);
    const chaosMs = Date.now() - t0;

    // Every event acknowledged, on a live connection.
    const settle = await Promise.allSettled(clients.map((c) => c.settled(30000)));
    settle.forEach((r, i) => {
      if (r.status === 'rejected') failures.push(`stall: ${r.reason.message}`);
    });

    let lost = 0;
    let duplicated = 0;
    for (const s of scripts) {
      const r = s.check();
      lost += r.lost;
      duplicated += r.duplicated;
      for (const p of r.problems) failures.push(`${s.client.name}: ${p} (trees ${JSON.stringify(s.client.stats.trees)})`);
    }

    // The counts of the run itself, before the verification reconnect.
    const sum = (f) => clients.reduce((n, c) => n + f(c), 0);
    const counts = {
      events: sum((c) => c.stats.events),
      resumes: sum((c) => c.stats.trees.resumed),
      reattaches: sum((c) => c.stats.trees.reattached),
      fresh: sum((c) => c.stats.trees.new) - clients.length,
      resent: sum((c) => c.stats.resent),
      held: sum((c) => c.stats.held),
      connects: sum((c) => c.stats.connects),
      failedConnects: sum((c) => c.stats.failedConnects),
    };

    // A fresh whole tree (a resume, as every server is up again) must equal
    // the page built from patches: a patch applied wrongly shows here. First
    // the tokens catch up (they may lag events by the server's token
    // interval), so that the tree needs no replayed event to be current.
    const caughtUp = await Promise.allSettled(clients.map((c) => c.tokenHoldsAll(10000)));
    caughtUp.forEach((r) => {
      if (r.status === 'rejected') failures.push(`stall: ${r.reason.message}`);
    });
    const before = clients.map((c) => JSON.stringify(M.snapshot(c.root)));
    const seen = clients.map((c) => c.stats.starts.length);
    clients.forEach((c) => c.reconnectNow());
    const again = await Promise.allSettled(clients.map((c, i) =>
      c.waitFor('tree', () => c.stats.starts.length > seen[i] && c.connected, 15000, 'the verification tree')));
    clients.forEach((c, i) => {
      if (again[i].status === 'rejected') failures.push(`stall: ${again[i].reason.message}`);
      else {
        const now = JSON.stringify(M.snapshot(c.root));
        if (now !== before[i]) {
          let k = 0;
          while (k < now.length && now[k] === before[i][k]) k++;
          const at = Math.max(0, k - 200);
          const start = c.stats.starts.at(-1);
          failures.push(`${c.name}: the whole tree after a reconnect (${start.start}, ack ${start.ack}) differs from the patched page ` +
            `at character ${k}:\n  patched: ...${before[i].slice(at, k + 300)}\n  tree:    ...${now.slice(at, k + 300)}`);
        }
      }
    });

    const anomalies = clients.flatMap((c) => c.anomalies);
    for (const a of anomalies.slice(0, 20)) failures.push(`protocol: ${a.client}: ${a.message}${a.msg ? ' in ' + a.msg : ''}`);
    if (anomalies.length > 20) failures.push(`... ${anomalies.length - 20} more protocol anomalies`);
    const componentErrors = clients.flatMap((c) => c.stats.componentErrors);
    if (componentErrors.length) failures.push(`component errors: ${componentErrors.slice(0, 5).join('; ')}`);

    const summary = {
      clients: clients.length,
      ...counts,
      kills,
      lost,
      duplicated,
      verification: {
        resumed: sum((c) => c.stats.trees.resumed) - counts.resumes,
        reattached: sum((c) => c.stats.trees.reattached) - counts.reattaches,
      },
      anomalies: anomalies.length,
      chaosMs,
    };
    const line = `clients ${summary.clients}, events ${summary.events}, resumes ${summary.resumes}, ` +
      `reattaches ${summary.reattaches}, kills ${summary.kills}, lost ${lost}, duplicated ${duplicated}`;
    const details = `(events held while disconnected ${summary.held}, resent ${summary.resent}, connections ${summary.connects}, failed connection attempts ${summary.failedConnects}, ` +
      `fresh sessions ${summary.fresh}, protocol anomalies ${summary.anomalies}, chaos ${(chaosMs / 1000).toFixed(1)} s, ` +
      `verification reconnects: ${summary.verification.resumed} resumed, ${summary.verification.reattached} re-attached; seed ${seed})`;
    log(line);
    log(details);
    if (lost || duplicated) failures.unshift(`lost ${lost}, duplicated ${duplicated}`);
    if (sum((c) => c.stats.trees.new) > clients.length) failures.push(`${sum((c) => c.stats.trees.new) - clients.length} session(s) started fresh instead of resuming`);
    return { summary, line, details, failures };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Kills with SIGKILL every `every` ms until `until`: kill(rand) does one
 * and returns a promise for whatever follows (a restart), false if it found
 * nothing to kill. Returns the number of kills. The kills keep to their
 * schedule (every `every` ms from the start): a busy event loop makes one
 * late, not the next ones, nor one fewer. */
export async function killLoop(until, every, rand, kill) {
  const pending = [];
  const start = Date.now();
  for (let k = 1; ; k++) {
    const at = start + k * every;
    if (at >= until) break;
    await sleep(Math.max(0, at - Date.now()));
    pending.push(kill(rand));
  }
  return (await Promise.all(pending)).filter((r) => r !== false).length;
}

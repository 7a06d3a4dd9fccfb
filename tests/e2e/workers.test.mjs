// --workers: a supervisor killed outright (kill -9, the OOM killer) takes
// its workers with it. Before, they served on orphaned, holding the port
// against the supervisor's restart and leaking a process per crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { processTree, startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

/** Running: present in /proc and not a zombie waiting for its reaper. */
function running(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves once none of pids runs; rejects after ms (the workers' drain
 * ends at once without clients, so this bounds a hang, not a speed). */
async function allExit(pids, ms) {
  const until = Date.now() + ms;
  while (pids.some(running)) {
    if (Date.now() > until) throw new Error(`still running: ${pids.filter(running)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('kill -9 of the supervisor: its workers exit, and a new one gets the port', async (t) => {
  const env = { REACTC_SECRET: 'b64:' + randomBytes(32).toString('base64') };
  const sup = await startExample('counter', { env, args: ['--workers', '2'] });
  t.after(() => sup.kill());
  await sup.waitStderr(/starting 2 workers/);
  // Workers are serving once a session works through the port.
  const c = connect(wsUrl(sup));
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  c.ws.close();
  let workers = [];
  for (const until = Date.now() + 10000; workers.length < 2 && Date.now() < until;) {
    workers = processTree(sup.proc.pid).slice(1);
    if (workers.length < 2) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(workers.length, 2, `two workers under the supervisor: ${workers}`);
  sup.proc.kill('SIGKILL');
  await allExit(workers, 15000);
  // The port is free again: a restarted supervisor binds it and serves.
  const again = await startExample('counter', { env, port: sup.port, args: ['--workers', '2'] });
  t.after(() => again.stop(5000).catch(() => again.kill()));
  const d = connect(wsUrl(again));
  await d.opened;
  d.ws.send(HELLO);
  await d.next((m) => m.type === 'layout-update');
  d.ws.close();
});

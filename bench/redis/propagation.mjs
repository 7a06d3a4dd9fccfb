// bench/redis/propagation.mjs: cross-process propagation of a store change
// through Redis (docs/guide/shared-state.md, "Across processes (Redis)").
// Two dashboard processes and one redis-server on loopback, a raw
// WebSocket client on each; the client of process 1 toggles the fan 200
// times, GAP ms apart (default 20), and the time from sending the event to
// the patch arriving on process 2's client is measured.
//
//   REACTC_BUILD_DIR=build RI=0 node bench/redis/propagation.mjs
//
// RI: --render-interval (default 16). Prints "RESULT redis_propagation_p50_ms=..."
// lines. Not part of `make bench` yet.
import { randomBytes } from 'node:crypto';
import { startRedis } from '../../tests/e2e/lib/redis.mjs';
import { freePort, startExample } from '../../tests/e2e/lib/server.mjs';
import { HELLO, connect, handlerTarget, wsUrl } from '../../tests/e2e/lib/raw.mjs';
const SECRET = 'b64:' + randomBytes(32).toString('base64');
const port = await freePort();
const redis = await startRedis(port);
const args = ['--redis', `redis://127.0.0.1:${port}`, '--render-interval', process.env.RI || '16'];
const s1 = await startExample('dashboard', { args, env: { REACTC_SECRET: SECRET } });
const s2 = await startExample('dashboard', { args, env: { REACTC_SECRET: SECRET } });
async function open(s) {
  const c = connect(wsUrl(s)); await c.opened; c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  c.target = handlerTarget(tree.model, 'fan'); return c;
}
const a = await open(s1), b = await open(s2);
let sent = 0n, resolveB;
const times = [];
b.ws.on('message', (d) => { if (d.toString().includes('Turn fan') && resolveB) { times.push(Number(process.hrtime.bigint() - sent) / 1e6); resolveB(); } });
for (let i = 0; i < 200; i++) {
  await new Promise((r) => setTimeout(r, Number(process.env.GAP || 20)));
  const p = new Promise((r) => { resolveB = r; });
  sent = process.hrtime.bigint();
  a.ws.send(JSON.stringify({ type: 'layout-event', target: a.target, data: [{}], seq: i + 1 }));
  await p; resolveB = null;
}
times.sort((x, y) => x - y);
console.log(`RESULT redis_propagation_p50_ms=${times[100].toFixed(2)}`);
console.log(`RESULT redis_propagation_p99_ms=${times[198].toFixed(2)}`);
console.log(`RESULT redis_propagation_max_ms=${times[199].toFixed(2)}`);
await s1.kill(); await s2.kill(); await redis.kill(); process.exit(0);

// Boot: find the mount element, connect, and route server messages.

import { connect } from './connection';
import { listen } from './events';
import { watchIdle } from './idle';
import { ack, reset, settle } from './inputs';
import { notice } from './notice';
import { devHead, devRestyle, devStatus } from './dev';
import { Hydration, hydrate } from './hydrate';
import { applyOps, update } from './patch';
import { status } from './status';
import { route } from './router';
import { openStore } from './store';
import { watchUploads } from './upload';

function streamUrl(mount: Element): string {
  const given = mount.getAttribute('data-reactc-url');
  if (!given) return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/_reactc/stream';
  // Relative and http(s) URLs are accepted too.
  const u = new URL(given, location.href);
  u.protocol = u.protocol.replace(/^http/, 'ws');
  return u.href;
}

/** The numbers of a comma-separated attribute, each falling back to its
 * default when missing or not a number >= 0. Capped so that no duration
 * overflows setTimeout (which fires at once past 2^31 ms). */
function numbers(mount: Element, name: string, defaults: number[]): number[] {
  const given = (mount.getAttribute('data-reactc-' + name) || '').split(',');
  return defaults.map((d, i) => {
    const n = parseFloat(given[i]);
    return n >= 0 ? Math.min(n, 2e6) : d;
  });
}

function handle(mount: Element, hyd: Hydration, msg: any): void {
  if (typeof msg.ack === 'number') ack(msg.ack);
  try {
    if (msg.type === 'patch') applyOps(mount, msg.ops || []);
    else if (msg.type === 'layout-update') {
      if (msg.path) update(mount, msg.path, msg.model);
      else hyd.first(() => update(mount, '', msg.model));
    }
    else if (msg.type === 'resume-failed') resumeFailed(mount, String(msg.reason));
    else if (msg.type === 'error') console.error('reactc: server error:', msg.message);
    else if (msg.type === 'dev-restyle') devRestyle();
    else if (msg.type === 'dev') {
      devHead(msg.head, msg.head_hash);
      devStatus(msg.error || null);
    }
    else if (msg.type !== 'token') console.warn('reactc: unknown message', msg.type); // a token alone: connection.ts kept it
  } catch (e) {
    // The DOM no longer matches the server's view; report, keep running.
    console.error(e);
  } finally {
    settle();
  }
}

/** The server could not restore the session and started a fresh one. The
 * page may cancel the event to show its own message instead of ours. */
function resumeFailed(mount: Element, reason: string): void {
  const ev = new CustomEvent('reactc:resume-failed', { bubbles: true, cancelable: true, detail: { reason } });
  if (mount.dispatchEvent(ev)) notice(mount, 'Your session could not be restored (' + reason + '); it started fresh.');
}

function boot(): void {
  const mount = document.querySelector('[data-reactc-mount]') || document.getElementById('reactc-root');
  if (!mount) {
    console.error('reactc: no mount element ([data-reactc-mount] or #reactc-root)');
    return;
  }
  const hyd = hydrate(mount); // the server-rendered first paint, if any
  const hello = () => ({
    type: 'hello',
    version: 1,
    extensions: ['patch', 'seq', 'compact'],
    location: { pathname: location.pathname, search: location.search },
  });
  // Durations: the backoff in ms, the others in seconds.
  const [initial, factor, cap] = numbers(mount, 'backoff', [250, 2, 10000]);
  const [beat, wait] = numbers(mount, 'heartbeat', [15, -1]);
  const options = {
    backoff: [initial, Math.max(1, factor), Math.max(initial, cap)],
    connectTimeout: (numbers(mount, 'connect-timeout', [10])[0] || 10) * 1000,
    heartbeat: beat * 1000,
    pingWait: (wait > 0 ? wait : beat) * 1000, // by default as long again
  };
  const store = openStore(mount);
  const conn = connect(streamUrl(mount), store, hyd.status(status(mount)), options, {
    hello,
    message: (msg) => (handle(mount, hyd, msg), routed(msg)),
    fresh: reset,
  });
  const routed = route(mount, conn, store.load());
  listen(mount, conn.send);
  watchIdle(conn, numbers(mount, 'idle', [240])[0] * 1000);
  watchUploads(mount);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();

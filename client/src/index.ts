// Boot: find the mount element, connect, and route server messages.

import { connect } from './connection';
import { listen } from './events';
import { ack, reset, settle } from './inputs';
import { notice } from './notice';
import { applyOps, update } from './patch';
import { openStore } from './store';

function streamUrl(mount: Element): string {
  const given = mount.getAttribute('data-reactc-url');
  if (!given) return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/_reactc/stream';
  // Relative and http(s) URLs are accepted too.
  const u = new URL(given, location.href);
  u.protocol = u.protocol.replace(/^http/, 'ws');
  return u.href;
}

function handle(mount: Element, msg: any): void {
  if (typeof msg.ack === 'number') ack(msg.ack);
  try {
    if (msg.type === 'patch') applyOps(mount, msg.ops || []);
    else if (msg.type === 'layout-update') update(mount, msg.path || '', msg.model);
    else if (msg.type === 'resume-failed') resumeFailed(mount, String(msg.reason));
    else if (msg.type === 'error') console.error('reactc: server error:', msg.message);
    else console.warn('reactc: unknown message', msg.type);
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
  const hello = () => ({
    type: 'hello',
    version: 1,
    extensions: ['patch', 'seq'],
    location: { pathname: location.pathname, search: location.search },
  });
  const conn = connect(streamUrl(mount), mount, openStore(mount), {
    hello,
    message: (msg) => handle(mount, msg),
    fresh: reset,
  });
  listen(mount, conn.send);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();

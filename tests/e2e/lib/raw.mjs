// A raw WebSocket client (npm ws) for protocol-level tests: messages parsed
// and kept, next(pred) waits for one, closed resolves with the close code.
import WebSocket from 'ws';

export const HELLO = JSON.stringify({ type: 'hello', version: 1, extensions: ['patch', 'seq'],
                                      location: { pathname: '/', search: '' } });

/** The stream URL of a started example (lib/server.mjs). */
export function wsUrl(server, path = '/_reactc/stream') {
  return server.url.replace(/^http/, 'ws').replace(/\/$/, '') + path;
}

/** Opens a socket and collects its messages and close. */
export function connect(url, options) {
  const ws = new WebSocket(url, options);
  const messages = [];
  let waiters = [];
  const closed = new Promise((resolve) => ws.on('close', (code, reason) =>
    resolve({ code, reason: reason.toString() })));
  ws.on('message', (d) => {
    messages.push(JSON.parse(d.toString()));
    waiters = waiters.filter((w) => !w());
  });
  ws.on('error', () => {});
  const opened = new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  /** Resolves with the first message matching pred (waits up to `ms`: a
   * server's answer, which a loaded 2-core machine may delay by seconds; a
   * message that never comes still fails, later). */
  function next(pred, ms = 10000) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const m = messages.find(pred);
        if (m) { clearTimeout(timer); resolve(m); return true; }
        return false;
      };
      if (check()) return;
      waiters.push(check);
      // Cleared once answered: a long wait must not keep the test process
      // alive after its test is done.
      timer = setTimeout(() => reject(new Error(`no such message within ${ms} ms`)), ms);
    });
  }
  return { ws, messages, closed, opened, next };
}

/** The handler id of the element with attribute id `id` in a model. */
export function handlerTarget(model, id, event = 'onClick') {
  if (model.attributes && model.attributes.id === id) return model.eventHandlers[event].target;
  for (const c of model.children || []) {
    if (typeof c === 'object') {
      const t = handlerTarget(c, id, event);
      if (t) return t;
    }
  }
  return null;
}

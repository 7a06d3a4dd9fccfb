// A page's reactc traffic, as parsed messages, and polling: what the
// browser tests (and tests/chaos/browser.test.mjs) share.

const parse = (payload) => {
  try {
    return JSON.parse(payload);
  } catch {
    return null; // not JSON: not ours
  }
};

/**
 * For each WebSocket the page opens, `perSocket(ws)` returns its handlers:
 * `sent(msg)` and `received(msg)` are called with every JSON message of
 * that socket (other frames are skipped). Either may be left out.
 */
export function onMessages(page, perSocket) {
  page.on('websocket', (ws) => {
    const h = perSocket(ws);
    ws.on('framesent', (f) => {
      const m = parse(f.payload);
      if (m) h.sent?.(m);
    });
    ws.on('framereceived', (f) => {
      const m = parse(f.payload);
      if (m) h.received?.(m);
    });
  });
}

/** Polls `cond` (in node; it may be async) every 5 ms until it holds;
 * after `ms`, throws naming `what`. */
export async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

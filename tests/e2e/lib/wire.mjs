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

/**
 * Init script: what the client has handled, read in the page. After the
 * client's own handler ran for a server message, window.__handled.ack and
 * .tokenSeq are that message's `ack` and `token_seq` (when it has them):
 * the page then shows that message's effects. A barrier for checks that
 * (`.at` is when the last one was handled.) A barrier for checks that
 * something did NOT happen: wait for the server's answer to a later event
 * (its ack) or for the token that holds every event (its token_seq), after
 * which the server has nothing more to say about them.
 */
export function HANDLED() {
  const handled = (window.__handled = { ack: -1, tokenSeq: -1, messages: 0, at: 0 });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    set onmessage(f) {
      super.onmessage = f && ((e) => {
        f.call(this, e);
        handled.messages++;
        handled.at = Date.now();
        let m = null;
        try {
          m = JSON.parse(e.data);
        } catch {
          return;
        }
        if (typeof m?.ack === 'number') handled.ack = m.ack;
        if (typeof m?.token_seq === 'number') handled.tokenSeq = m.token_seq;
      });
    }
    get onmessage() {
      return super.onmessage;
    }
  };
}

/** Waits until the page (with HANDLED) has handled a server message that
 * acknowledges event `seq`. */
export const handledAck = (page, seq, timeout) =>
  page.waitForFunction((s) => window.__handled.ack >= s, seq, timeout ? { timeout } : {});

/** Waits until the page (with HANDLED) has handled a token holding every
 * event up to `seq`. */
export const handledToken = (page, seq, timeout) =>
  page.waitForFunction((s) => window.__handled.tokenSeq >= s, seq, timeout ? { timeout } : {});

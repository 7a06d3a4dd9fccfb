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
 * .tokenSeq are that message's `ack` and `token_seq` (when it has them),
 * and a whole tree's `start` is appended to .starts: the page then shows
 * that message's effects (`.at` is when the last one was handled).
 * .renderAt and .tokenAt number the last message that changed the page and
 * the last that brought a token (.messages counts them all).
 * .sent is the highest event seq the page has put on a socket (alone or in
 * a resume hello), recorded as it sends: the client sends from the input
 * event's own handler, so once a click or a keystroke has returned, .sent
 * counts it, which the test's record of the frames (onMessages, reported
 * by the browser later) may not yet. A barrier for checks that something
 * did NOT happen: wait for the server's answer to a later event (its ack)
 * or for the token that holds every event (its token_seq), after which the
 * server has nothing more to say about them.
 */
export function HANDLED() {
  const handled = (window.__handled = { ack: -1, tokenSeq: -1, messages: 0, at: 0, sent: 0, starts: [], renderAt: 0, tokenAt: 0 });
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
        if (m?.type === 'layout-update' && typeof m.start === 'string') handled.starts.push(m.start);
        // Which message last changed the page and which last brought a token.
        if (m?.type === 'layout-update' || m?.ops?.length) handled.renderAt = handled.messages;
        if (typeof m?.token === 'string') handled.tokenAt = handled.messages;
      });
    }
    get onmessage() {
      return super.onmessage;
    }
    send(data) {
      try {
        const m = JSON.parse(data);
        for (const e of m?.type === 'hello' ? m.resume?.events || [] : [m]) {
          if (e?.type === 'layout-event' && typeof e.seq === 'number') handled.sent = Math.max(handled.sent, e.seq);
        }
      } catch {
        // not JSON: not an event
      }
      return super.send(data);
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

/** Waits until the page (with HANDLED) holds a token sealed with or after
 * the last change it shows: every state on the page is in the token, also
 * what an effect changed in a render after the event's (handledToken waits
 * for a token holding the events up to a seq, which may be sealed with the
 * event's own patch, before that effect's). The server seals a token after
 * every change of restorable state (paced); a change of server-only state
 * alone brings none, so not for pages whose last change is one. */
export const handledTokenOfPage = (page, timeout) =>
  page.waitForFunction(() => window.__handled.tokenAt > 0 && window.__handled.tokenAt >= window.__handled.renderAt,
    null, timeout ? { timeout } : {});

/** Waits until the page (with HANDLED) has handled the ack of every event
 * it has sent so far (read in the page, so it counts the input that has
 * just returned). Not across a refused resume: the fresh session numbers
 * its events from 1 again. */
export const handledAll = (page, timeout) =>
  page.waitForFunction(() => window.__handled.ack >= window.__handled.sent, null, timeout ? { timeout } : {});

/** The number of whole trees with a `start` the page (with HANDLED) has
 * handled since it loaded. */
export const handledStarts = (page) => page.evaluate(() => window.__handled.starts.length);

/** Waits until the page (with HANDLED) has handled its `n`-th whole tree
 * with a `start` since it loaded (a connection's first tree: its effects,
 * a resume's state and the events it replayed, are on the page); resolves
 * with that tree's `start`. */
export async function handledStart(page, n, timeout) {
  await page.waitForFunction((k) => window.__handled.starts.length >= k, n, timeout ? { timeout } : {});
  return page.evaluate((k) => window.__handled.starts[k - 1], n);
}

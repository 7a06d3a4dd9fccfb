// The client's timers, seen from inside the page: what it chose, not what a
// loaded machine made of it. A timing check on a wall clock measures the
// client plus the browser's timer lateness and the machine's load; the
// delays the client passes to setTimeout are what its code guarantees.

/**
 * Init script (before the client boots): wraps setTimeout/clearTimeout and
 * WebSocket. window.__timers holds
 *   pending   Map id -> {delay, at}: timers set and neither fired nor cleared
 *   current   the timer whose callback is running (null outside one)
 *   opens     every socket the page opened: {at, timer}, `timer` being
 *             {delay, at, fired} of the timer whose callback opened it (the
 *             client's chosen wait before that attempt), or null when
 *             something else did (boot, an online or visibilitychange event)
 *   sockets   the same sockets (WebSocket objects)
 * Times are Date.now() in the page (the same clock as the test's).
 */
export function TIMERS() {
  const set = window.setTimeout;
  const clear = window.clearTimeout;
  const t = (window.__timers = { pending: new Map(), current: null, opens: [], sockets: [] });
  window.setTimeout = function (fn, delay, ...args) {
    const rec = { delay: Number(delay) || 0, at: Date.now(), fired: 0 };
    const id = set.call(window, function () {
      t.pending.delete(id);
      rec.fired = Date.now();
      const outer = t.current;
      t.current = rec;
      try {
        if (typeof fn === 'function') fn.apply(this, args);
      } finally {
        t.current = outer;
      }
    }, delay);
    t.pending.set(id, rec);
    return id;
  };
  window.clearTimeout = function (id) {
    t.pending.delete(id);
    return clear.call(window, id);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      t.opens.push({ at: Date.now(), timer: t.current });
      t.sockets.push(this);
    }
  };
}

/** setTimeout runs a callback no earlier than its delay (truncated to whole
 * ms); two Date.now() readings add a millisecond each. */
export const TIMER_EARLY_MS = 2;

/**
 * Waits until no timer shorter than `below` ms is pending in the page (with
 * TIMERS): everything the client planned to do soon has been done (or
 * called off). A barrier for "X did not happen" when X would come from a
 * client timer (an indicator shown late, a retry): by then it would have.
 */
export async function shortTimersDone(page, below, timeout = 10000) {
  try {
    await page.waitForFunction((b) => ![...window.__timers.pending.values()].some((r) => r.delay < b), below, { timeout });
  } catch (e) {
    const left = await page.evaluate((b) => [...window.__timers.pending.values()].filter((r) => r.delay < b), below).catch(() => '?');
    e.message = `timers shorter than ${below} ms still pending after ${timeout} ms: ${JSON.stringify(left)}\n${e.message}`;
    throw e;
  }
}

/** The page's sockets (with TIMERS) from the `from`-th on. */
export const opens = (page, from = 0) => page.evaluate((f) => window.__timers.opens.slice(f), from);

/**
 * Waits for a moment when the page (with TIMERS) has no socket opening or
 * open and no timer due within `ms`: the client is waiting out a backoff
 * that will not end soon, so what the test does next (within `ms`) meets a
 * client with no attempt in flight.
 */
export const betweenAttempts = (page, ms = 1000, timeout = 15000) =>
  page.waitForFunction((m) => {
    const t = window.__timers;
    const s = t.sockets.at(-1);
    const now = Date.now();
    return (!s || s.readyState === WebSocket.CLOSED) && [...t.pending.values()].every((r) => r.at + r.delay - now >= m);
  }, ms, { timeout });

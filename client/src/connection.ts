// The WebSocket: hello on open (asking to resume once a session is known),
// events numbered and kept until the server acknowledges them, and the
// connection kept alive by every means a browser has: reconnection forever
// with backoff and full jitter, a connect timeout, a heartbeat for
// connections that die without a FIN, the server's drain window, and sleep
// when the user is idle (docs/protocol.md).

import { State, Status } from './status';
import { Store } from './store';

// Messages are plain JSON, checked where they are used.
type Listener = (msg: any) => void;

/** Timings, from the mount element's data attributes (see index.ts). */
export interface Options {
  backoff: number[]; // [first delay cap ms, factor, largest cap ms]
  connectTimeout: number; // ms for a socket to open and say something
  heartbeat: number; // ms of silence before a ping; 0: none
  pingWait: number; // ms an answer to the ping may take
}

export interface Connection {
  /** Sends (or queues) a layout-event; returns its seq. */
  send(target: string, data: unknown[]): number;
  /** Idle: tells the server and closes. False when the state could not be
   * restored afterwards (no token), so the page stays connected. */
  sleep(): boolean;
  readonly asleep: boolean;
  /** Activity after sleep: reconnect and resume. */
  wake(): void;
}

export interface Handlers {
  /** The hello message; `resume` is added here. */
  hello(): Record<string, unknown>;
  /** Every server message, after the session bookkeeping. */
  message: Listener;
  /** A resume was refused: the server started a fresh session and the
   * event numbering starts again at 1. */
  fresh(): void;
}

export function connect(url: string, store: Store, status: Status, opt: Options, on: Handlers): Connection {
  let ws: WebSocket | null = null;
  // The session as the server last described it (restored after a reload),
  // and the events it has not acknowledged, in seq order.
  // The secret came with the session id and goes with it: the server
  // re-attaches a session it holds only for its secret (docs/security.md).
  let { session, secret, token, seq, events: unacked } = store.load();
  // After a hello with resume, events wait for the server's answer: if it
  // starts a fresh session they belong to no session and are dropped.
  let holding = false;
  // The highest seq the last resume hello carried: the server replays
  // those before its first tree, so only later ones are sent after it.
  let inHello = 0;
  // With a socket: its connect timeout or heartbeat; without: the wait
  // before the next attempt. Never both, so one timer.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0; // failed attempts since the server last answered
  let drain = -1; // the window of a drain announced on the current socket (-1: none)
  let draining = false; // waiting out a drain delay: no shortcuts
  let asleep = false;
  let shown = false; // has any tree arrived yet
  let down = false; // the page lost its live connection and has no new tree yet
  let lostAt = 0;

  const save = () => {
    // With the URL the page shows, which a boot compares (router.ts).
    const where = location.pathname + location.search;
    if (session) store.save({ session, secret, token, seq, events: unacked, location: where });
  };

  // The last socket was refused for want of room (close 1013: the session
  // limit; 4503: the server's memory budget): the page says the server is
  // busy until one answers, and the backoff keeps growing meanwhile.
  let busy = false;

  // Not connected, and not by choice: what is the page waiting for.
  const waiting = (): State =>
    !navigator.onLine ? 'offline' : busy ? 'busy' : shown ? 'reconnecting' : 'connecting';

  function sendEvents(s: WebSocket, above = 0): void {
    for (const [q, m] of unacked) if (q > above) s.send(m);
    // With no session nothing can be resumed: sent is as good as done.
    if (!session) unacked = [];
  }

  /** The page is no longer live (it keeps showing its last tree). */
  function outage(reason: string): void {
    if (down || !shown) return;
    down = true;
    lostAt = Date.now();
    status.fire('reconnecting', { reason });
  }

  function open(): void {
    clearTimeout(timer);
    if (ws || asleep) return;
    draining = false;
    status.set(waiting());
    const s = (ws = new WebSocket(url));
    let heard = false; // has this socket received anything
    let first = true; // no tree yet on this socket
    let lastRx = 0;
    let pinged = 0; // when our unanswered ping went out
    // A socket into a black hole can stay pending for minutes: give up on
    // one that has not opened and answered the hello in time.
    timer = setTimeout(() => lost(s, 'timeout'), opt.connectTimeout);

    // Silence for `heartbeat` ms: ping; nothing back within `pingWait`:
    // the connection is dead even though no FIN arrived (a laptop lid
    // closed, a NAT that forgot us). Rescheduled from the last message, so
    // a busy connection never pings.
    const beat = () => {
      const now = Date.now();
      if (pinged) {
        if (now - pinged >= opt.pingWait) return lost(s, 'heartbeat');
        timer = setTimeout(beat, pinged + opt.pingWait - now);
      } else if (now - lastRx >= opt.heartbeat) {
        if (s.readyState === WebSocket.OPEN) s.send('{"type":"ping"}');
        pinged = now;
        timer = setTimeout(beat, opt.pingWait);
      } else {
        timer = setTimeout(beat, lastRx + opt.heartbeat - now);
      }
    };

    s.onopen = () => {
      const hello = on.hello();
      holding = !!session;
      inHello = 0;
      if (session) {
        // The kept events ride in the hello (at most 4,096): the server
        // replays them before its first tree, which so never shows the
        // token's older state.
        const r: Record<string, unknown> = { session };
        if (secret) r.secret = secret;
        if (token) r.token = token;
        const ev = unacked.slice(0, 4096);
        if (ev.length) {
          r.events = ev.map(([, m]) => JSON.parse(m));
          inHello = ev[ev.length - 1][0];
        }
        hello.resume = r;
      }
      s.send(JSON.stringify(hello));
      if (!holding) sendEvents(s);
      status.set('connected');
    };
    s.onmessage = (e) => {
      lastRx = Date.now();
      pinged = 0;
      if (!heard) {
        // The server answers: the connect timeout gives way to the heartbeat,
        // and the backoff starts again from its shortest wait.
        heard = true;
        attempt = 0;
        busy = false;
        clearTimeout(timer);
        if (opt.heartbeat) timer = setTimeout(beat, opt.heartbeat);
      }
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        return console.error('reactc: bad message', e.data);
      }
      if (msg.type === 'pong') return;
      if (msg.type === 'drain') {
        // The server is going away: come back after a random part of its
        // window, so its clients do not all arrive at the next one at once.
        // A window of 0 (the dev runner's new version is already up): now.
        drain = Math.max(0, Math.min(Number(msg.window_ms) || 0, 600000));
        return;
      }
      // The first tree of a connection says which session this is and how
      // it started (docs/protocol.md, Resume).
      const tree = first && msg.type === 'layout-update' && !msg.path;
      if (tree) {
        first = false;
        if (holding && msg.start !== 'resumed' && msg.start !== 'reattached') {
          // Refused: the kept events were made on the old session's page and
          // must not act on the fresh one, which numbers events from 1.
          seq = 0;
          unacked = [];
          on.fresh();
        }
        session = msg.session;
        // Every first tree carries the secret of the session it starts:
        // after a resume or a fresh start a new one, so the old one (which
        // the server no longer knows) is never kept.
        secret = typeof msg.secret === 'string' ? msg.secret : undefined;
        token = msg.token;
      } else if (typeof msg.token === 'string') {
        token = msg.token;
      }
      // Events are kept until the newest token holds them (token_seq), not
      // just until applied (ack): a resume from that token replays the rest.
      const held = typeof msg.token_seq === 'number' ? msg.token_seq : msg.ack;
      if (typeof held === 'number') unacked = unacked.filter((p) => p[0] > held);
      // A session resumed from another tab's token may be numbered further on.
      if (typeof msg.ack === 'number' && msg.ack > seq) seq = msg.ack;
      on.message(msg);
      if (tree) {
        // Made while the hello was on its way (after a refusal: nothing).
        if (holding) sendEvents(s, inHello);
        holding = false;
        shown = true;
        if (down) {
          down = false;
          status.fire('reconnected', { start: msg.start || 'new', outageMs: Date.now() - lostAt });
        }
      }
      if (tree || msg.token || msg.ack !== undefined || msg.token_seq !== undefined) save();
    };
    s.onclose = (e) => {
      busy = e.code === 1013 || e.code === 4503;
      lost(s, drain >= 0 ? 'drain' : busy ? 'busy' : 'close');
    };
  }

  /** Socket `s` is over (closed, timed out or silent): abandon it and plan
   * the next attempt. */
  function lost(s: WebSocket, reason: string): void {
    if (ws !== s) return;
    ws = null;
    clearTimeout(timer);
    s.onopen = s.onmessage = s.onclose = null;
    s.close(); // a pending or silent socket would linger
    retry();
    outage(reason); // after the class changed: listeners see the new state
  }

  function retry(): void {
    if (ws || asleep) return;
    const [initial, factor, cap] = opt.backoff;
    let wait: number;
    if (drain >= 0) {
      wait = Math.random() * drain;
      drain = -1;
      draining = true;
    } else if (!navigator.onLine) {
      // No network: no storm of attempts bound to fail. The 'online' event
      // brings us back at once; a slow probe in case the browser is wrong.
      wait = cap;
    } else {
      // Full jitter: anywhere below an exponentially growing cap, so
      // clients that lost the same server do not come back in step.
      wait = Math.random() * Math.min(cap, initial * Math.pow(factor, attempt++));
    }
    status.set(waiting());
    timer = setTimeout(open, wait);
  }

  // Back online or visible again: try now rather than after the backoff
  // (but a drain delay is the server's request, and asleep stays asleep).
  function now(): void {
    if (!ws && !asleep && !draining && document.visibilityState !== 'hidden') {
      attempt = 0;
      open();
    }
  }
  window.addEventListener('online', now);
  document.addEventListener('visibilitychange', now);
  window.addEventListener('offline', () => {
    if (!ws && !asleep && !draining) {
      clearTimeout(timer);
      retry();
    }
  });
  open();

  return {
    send(target, data) {
      const m = JSON.stringify({ type: 'layout-event', target, data, seq: ++seq });
      const live = !!ws && ws.readyState === WebSocket.OPEN && !holding;
      if (live) (ws as WebSocket).send(m);
      // Kept until acknowledged, to be sent again on the next connection.
      if (session || !live) unacked.push([seq, m]);
      save();
      return seq;
    },
    sleep() {
      // Without a token the server could not restore the page: stay.
      if (asleep || !token) return asleep;
      asleep = true;
      clearTimeout(timer);
      const s = ws;
      ws = null;
      if (s) {
        s.onopen = s.onmessage = s.onclose = null;
        // The server frees the session at once: its state is in our token.
        if (s.readyState === WebSocket.OPEN) s.send('{"type":"sleep"}');
        s.close();
      }
      status.set('asleep');
      return true;
    },
    get asleep() {
      return asleep;
    },
    wake() {
      if (!asleep) return;
      asleep = false;
      attempt = 0;
      open();
      // Not live until the new tree arrives: to the page, an outage.
      outage('wake');
    },
  };
}

// The WebSocket: hello on open (asking to resume once a session is known),
// events numbered and kept until the server acknowledges them, reconnection
// forever with backoff, state as classes on the mount element.

import { Store } from './store';

// Messages are plain JSON, checked where they are used.
type Listener = (msg: any) => void;

const INITIAL_DELAY = 250;
const MAX_DELAY = 10000;
const STATES = ['rc-connecting', 'rc-connected', 'rc-reconnecting'];

export interface Connection {
  /** Sends (or queues) a layout-event; returns its seq. */
  send(target: string, data: unknown[]): number;
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

export function connect(url: string, mount: Element, store: Store, on: Handlers): Connection {
  let ws: WebSocket | null = null;
  // The session as the server last described it (restored after a reload),
  // and the events it has not acknowledged, in seq order.
  let { session, token, seq, events: unacked } = store.load();
  // After a hello with resume, events wait for the server's answer: if it
  // starts a fresh session they belong to no session and are dropped.
  let holding = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let opened = false; // has any connection opened yet
  let shown = false; // has any tree arrived yet
  let lostAt = 0; // when the last live connection dropped

  const save = () => {
    if (session) store.save({ session, token, seq, events: unacked });
  };

  function state(name: string): void {
    mount.classList.remove(...STATES);
    mount.classList.add('rc-' + name);
  }

  function fire(name: string, detail?: object): void {
    mount.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  function sendEvents(s: WebSocket): void {
    for (const [, m] of unacked) s.send(m);
    // With no session nothing can be resumed: sent is as good as done.
    if (!session) unacked = [];
  }

  function open(): void {
    clearTimeout(timer);
    state(opened ? 'reconnecting' : 'connecting');
    const s = (ws = new WebSocket(url));
    let up = false;
    let first = true; // no tree yet on this socket
    s.onopen = () => {
      up = true;
      attempt = 0;
      const hello = on.hello();
      holding = !!session;
      if (session) hello.resume = token ? { session, token } : { session };
      s.send(JSON.stringify(hello));
      if (!holding) sendEvents(s);
      state('connected');
      if (opened) fire('reconnected');
      opened = true;
    };
    s.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        return console.error('reactc: bad message', e.data);
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
        token = msg.token;
      } else if (typeof msg.token === 'string') {
        token = msg.token;
      }
      if (typeof msg.ack === 'number') {
        unacked = unacked.filter((p) => p[0] > msg.ack);
        // A session resumed from another tab's token may be numbered further on.
        if (msg.ack > seq) seq = msg.ack;
      }
      on.message(msg);
      if (tree) {
        if (holding) sendEvents(s); // what the server has not applied, in order
        holding = false;
        if (shown) fire('reactc:reconnected', { start: msg.start || 'new', outageMs: Date.now() - lostAt });
        shown = true;
      }
      if (tree || msg.token || msg.ack !== undefined) save();
    };
    s.onclose = () => {
      if (ws !== s) return;
      ws = null;
      state(opened ? 'reconnecting' : 'connecting');
      if (up) {
        lostAt = Date.now();
        fire('reconnecting');
      }
      // Full jitter: anywhere up to the doubled cap, so a restarted server
      // is not hit by every client at once.
      const cap = Math.min(MAX_DELAY, INITIAL_DELAY * Math.pow(2, attempt));
      if (attempt < 16) attempt++;
      timer = setTimeout(open, Math.random() * cap);
    };
  }

  // Back online or visible again: try now rather than after the backoff.
  function wake(): void {
    if (!ws && document.visibilityState !== 'hidden') open();
  }
  window.addEventListener('online', wake);
  document.addEventListener('visibilitychange', wake);
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
  };
}

// The WebSocket: hello on open, events numbered and queued while closed,
// reconnection forever with backoff, state as classes on the mount element.

// Messages are plain JSON, checked where they are used.
type Listener = (msg: any) => void;

const INITIAL_DELAY = 250;
const MAX_DELAY = 10000;
const STATES = ['rc-connecting', 'rc-connected', 'rc-reconnecting'];

export interface Connection {
  /** Sends (or queues) a layout-event; returns its seq. */
  send(target: string, data: unknown[]): number;
}

export function connect(url: string, mount: Element, hello: () => object, onMessage: Listener): Connection {
  let ws: WebSocket | null = null;
  let seq = 0;
  let queue: string[] = []; // events made while closed, in seq order
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let opened = false; // has any connection opened yet

  function state(name: string): void {
    mount.classList.remove(...STATES);
    mount.classList.add('rc-' + name);
  }

  function open(): void {
    clearTimeout(timer);
    state(opened ? 'reconnecting' : 'connecting');
    const s = (ws = new WebSocket(url));
    let up = false;
    s.onopen = () => {
      up = true;
      attempt = 0;
      s.send(JSON.stringify(hello()));
      for (const m of queue) s.send(m);
      queue = [];
      state('connected');
      if (opened) mount.dispatchEvent(new CustomEvent('reconnected', { bubbles: true }));
      opened = true;
    };
    s.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        return console.error('reactc: bad message', e.data);
      }
      onMessage(msg);
    };
    s.onclose = () => {
      if (ws !== s) return;
      ws = null;
      state(opened ? 'reconnecting' : 'connecting');
      if (up) mount.dispatchEvent(new CustomEvent('reconnecting', { bubbles: true }));
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
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(m);
      else queue.push(m);
      return seq;
    },
  };
}

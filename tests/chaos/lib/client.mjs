// A headless reactc client for node: the protocol of docs/protocol.md as the
// browser client speaks it, with a plain JS tree (lib/model.mjs) instead of
// a DOM, so that tests can run many "users" at once and read what each one
// would see.
//
//   const c = new ReactcClient({ url: 'ws://127.0.0.1:8000/_reactc/stream' });
//   await c.ready();                       // the first whole tree
//   c.fire('increment', 'onClick');        // an event, numbered and kept
//   await c.settled();                     // every event acknowledged
//   c.text('count');                       // '1'
//
// What it does, like the browser client:
// - hello first on every connection, with `resume: {session, secret, token}`
//   once it knows a session; keeps the latest session id, its secret (from
//   each first tree: re-attach needs it) and token;
// - numbers events with `seq` and keeps each one until the newest token
//   holds it (`token_seq`; `ack` from a server that sends no token_seq);
//   after a hello with resume it waits for the first message, then resends
//   the kept events above that message's `ack`, in order, with their
//   original seq (a fresh start instead drops them and numbers from 1);
// - takes tokens from trees, patches and `token` messages;
// - reconnects forever with exponential backoff and full jitter, gives up
//   on a connection that brings no tree in time, pings (`{"type":"ping"}`)
//   a server silent for a heartbeat and drops it after another, and after
//   a `drain` waits a random delay within the server's window;
// - applies `layout-update` (the whole tree) and `patch` ops to its tree.
//
// What it adds, as a test instrument: every protocol anomaly (unknown
// message or op, a path that does not resolve, an ack of an event never
// made, a patch before the tree, an `error` message, a refused resume, a
// session that comes back without events the client already forgot) is
// recorded in `anomalies` and emitted as 'anomaly'; `stats` counts
// connections, how each one started (new, resumed, reattached), events,
// events held while disconnected and resends.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import * as M from './model.mjs';

export { ProtocolError } from './model.mjs';


export class ReactcClient extends EventEmitter {
  /**
   * options:
   *   url            ws://host:port/_reactc/stream (required)
   *   pathname, search   the location sent in hello (default '/', '')
   *   name           for messages (default the url)
   *   initialDelay   first backoff cap in ms (default 100), doubling per
   *   maxDelay       failed attempt up to this cap (default 2000)
   *   openTimeout    ms from connect to the first tree before giving up on
   *                  a connection and trying again (default 5000)
   *   autoConnect    connect in the constructor (default true)
   *   wsOptions      passed to the ws package (TLS: {rejectUnauthorized: false})
   *   origin         the Origin header sent, as a browser would: by default the
   *                  page origin of the url (ws→http, wss→https); null: none
   *   heartbeat      ms of server silence before a ping, and as long again
   *                  before giving the connection up (default 15000; 0: off)
   */
  constructor(options) {
    super();
    this.url = options.url;
    this.name = options.name || options.url;
    this.location = { pathname: options.pathname || '/', search: options.search || '' };
    this.initialDelay = options.initialDelay ?? 100;
    this.maxDelay = options.maxDelay ?? 2000;
    this.openTimeout = options.openTimeout ?? 5000;
    this.wsOptions = options.wsOptions || {}; // for ws: e.g. {rejectUnauthorized: false}
    // Browser-like by default: the server refuses a foreign Origin, so the
    // chaos runs go through the same check real pages do. Derived from the
    // url at each connect (tests move a client by changing its url).
    this.origin = options.origin;
    this.heartbeat = options.heartbeat ?? 15000;

    this.root = M.mountRoot();
    this.session = null;
    this.secret = null;
    this.token = null;
    this.seq = 0; // last seq used
    this.acked = 0; // the last ack on the current connection
    this.maxAck = 0; // the highest ack ever seen for this session
    this.kept = []; // [{seq, text, sent}] in seq order: what no token holds yet
    this.forgotten = 0; // the highest seq dropped from `kept` (a token held it)
    this.holding = false; // after a hello with resume, until the first tree
    this.shown = false; // a tree has arrived at least once

    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.drainWindow = 0;
    this.closed = false;
    this.anomalies = [];
    this.stats = {
      connects: 0, // sockets that opened
      failedConnects: 0, // sockets that closed before a tree
      trees: { new: 0, resumed: 0, reattached: 0 },
      resumeFailed: [], // reasons
      events: 0, // distinct events made (seqs)
      resent: 0, // events sent again on a later connection
      heartbeatDrops: 0, // connections given up after an unanswered ping
      held: 0, // events made while closed or waiting for the tree, sent later
      acks: 0,
      drains: 0,
      componentErrors: [],
      starts: [], // {start, ack, at} of every whole tree
    };
    if (options.autoConnect !== false) this.open();
  }

  // ---- the connection --------------------------------------------------------

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || this.ws) return;
    const u = new URL(this.url);
    const origin = this.origin === undefined ? `${u.protocol === 'wss:' ? 'https' : 'http'}://${u.host}` : this.origin;
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: this.openTimeout,
      ...(origin ? { origin } : {}), ...this.wsOptions });
    this.ws = ws;
    let first = true; // no tree yet on this socket
    let opened = false;
    const giveUp = setTimeout(() => {
      if (first && this.ws === ws) ws.terminate(); // no tree in time: try again
    }, this.openTimeout);
    // Heartbeat: after `heartbeat` ms without a message, a ping; after as
    // long again, the connection is given up (and the session resumed).
    let beat = null;
    let pinged = false;
    const listen = () => {
      clearTimeout(beat);
      pinged = false;
      if (!this.heartbeat) return;
      beat = setTimeout(function silent() {
        if (this.ws !== ws) return;
        if (pinged) {
          this.stats.heartbeatDrops++;
          ws.terminate();
          return;
        }
        pinged = true;
        ws.send(JSON.stringify({ type: 'ping' }));
        beat = setTimeout(silent.bind(this), this.heartbeat);
      }.bind(this), this.heartbeat);
    };

    ws.on('open', () => {
      opened = true;
      this.stats.connects++;
      const hello = { type: 'hello', version: 1, extensions: ['patch', 'seq'], location: this.location };
      this.holding = !!this.session;
      if (this.session) {
        hello.resume = { session: this.session };
        if (this.secret) hello.resume.secret = this.secret;
        if (this.token) hello.resume.token = this.token;
      }
      ws.send(JSON.stringify(hello));
      if (!this.holding) this.flushKept(ws, 0);
      listen();
    });

    ws.on('message', (data, isBinary) => {
      if (this.ws !== ws) return;
      listen();
      if (isBinary) return this.anomaly('binary frame from the server');
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return this.anomaly(`message is not JSON: ${String(data).slice(0, 200)}`);
      }
      try {
        const wasFirst = first;
        this.handle(ws, msg, first);
        if (wasFirst && msg.type === 'layout-update') {
          first = false;
          clearTimeout(giveUp);
          this.attempt = 0;
        }
      } catch (e) {
        if (!(e instanceof M.ProtocolError)) throw e;
        this.anomaly(e.message, msg);
        // The page can no longer be trusted: start over on a new connection
        // (the session resumes, and the whole tree replaces this one).
        ws.terminate();
      }
    });

    ws.on('error', () => {}); // 'close' follows and handles it

    ws.on('close', (code, reason) => {
      clearTimeout(giveUp);
      clearTimeout(beat);
      if (this.ws !== ws) return;
      this.ws = null;
      this.holding = false;
      if (!opened || first) this.stats.failedConnects++;
      // 1008/1009: the server closed us for a protocol error of ours.
      if (code === 1008 || code === 1009) this.anomaly(`server closed with ${code}: ${String(reason)}`);
      this.emit('disconnected', { code, reason: String(reason) });
      if (this.closed) return;
      let delay;
      if (this.immediate) {
        this.immediate = false;
        delay = 0;
      } else if (this.drainWindow) {
        delay = Math.random() * this.drainWindow;
        this.drainWindow = 0;
      } else {
        // Full jitter: anywhere up to the doubled cap.
        delay = Math.random() * Math.min(this.maxDelay, this.initialDelay * 2 ** this.attempt);
        if (this.attempt < 16) this.attempt++;
      }
      this.timer = setTimeout(() => this.open(), delay);
    });
  }

  /** Sends the kept events above `applied` (the server's ack), in order. */
  flushKept(ws, applied) {
    for (const e of this.kept) {
      if (e.seq <= applied) continue;
      if (e.sent) this.stats.resent++;
      e.sent = true;
      ws.send(e.text);
    }
    // With no session nothing can be resumed: sent is as good as done.
    if (!this.session) this.kept = [];
  }

  handle(ws, msg, first) {
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') {
      throw new M.ProtocolError(`message without a type: ${JSON.stringify(msg).slice(0, 200)}`);
    }
    const tree = msg.type === 'layout-update' && msg.path === '';
    if (first && !['layout-update', 'resume-failed', 'error', 'drain', 'pong'].includes(msg.type)) {
      throw new M.ProtocolError(`${msg.type} before the first tree of the connection`);
    }
    switch (msg.type) {
      case 'layout-update':
        if (first && !tree) throw new M.ProtocolError(`first message is a layout-update at ${JSON.stringify(msg.path)}, not the whole tree`);
        if (tree) this.onTree(ws, msg, first);
        else {
          M.applyLayoutUpdate(this.root, msg.path, msg.model, this.stats);
          this.onAck(msg);
        }
        break;
      case 'patch':
        M.applyOps(this.root, msg.ops, this.stats);
        this.onAck(msg);
        break;
      case 'token':
        if (typeof msg.token !== 'string' || !msg.token) throw new M.ProtocolError('a token message without a token');
        this.onAck(msg);
        break;
      case 'pong':
        break;
      case 'resume-failed':
        this.stats.resumeFailed.push(String(msg.reason));
        this.anomaly(`resume refused: ${msg.reason}`);
        break;
      case 'drain':
        this.stats.drains++;
        this.drainWindow = Number.isFinite(msg.window_ms) && msg.window_ms > 0 ? Math.min(msg.window_ms, 60000) : 0;
        break;
      case 'error':
        this.anomaly(`server error message: ${msg.message}`);
        break;
      default:
        throw new M.ProtocolError(`unknown message type ${JSON.stringify(msg.type)}`);
    }
    this.emit('message', msg);
  }

  onTree(ws, msg, first) {
    if (!first) throw new M.ProtocolError('a second whole tree on one connection');
    const start = msg.start;
    if (!['new', 'resumed', 'reattached'].includes(start)) throw new M.ProtocolError(`bad start ${JSON.stringify(start)}`);
    if (typeof msg.session !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(msg.session)) {
      throw new M.ProtocolError(`bad session id ${JSON.stringify(msg.session)}`);
    }
    if (!Number.isInteger(msg.ack) || msg.ack < 0) throw new M.ProtocolError(`bad ack ${JSON.stringify(msg.ack)} in the tree`);
    if (start !== 'new' && msg.ack > this.seq) {
      throw new M.ProtocolError(`tree acknowledges seq ${msg.ack}, but only ${this.seq} were made`);
    }
    const root = M.mountRoot();
    root.children = M.buildNodes([msg.model], 'tree', [], this.stats);
    this.stats.trees[start]++;
    this.stats.starts.push({ start, ack: msg.ack, at: Date.now() });
    if (start !== 'new' && msg.ack < this.forgotten) {
      // The session came back without events that a token held, so the
      // client forgot them and cannot resend them: they are lost. (A
      // process that re-attaches an older copy of a session that moved on
      // elsewhere meanwhile does that.)
      this.anomaly(`${start} at ack ${msg.ack}, but events up to ${this.forgotten} were held by a token ` +
        `and forgotten: ${this.forgotten - msg.ack} lost (highest ack seen ${this.maxAck})`);
    }
    if (this.holding) {
      if (start === 'new') {
        // Refused: the kept events belong to the old session's page.
        this.seq = 0;
        this.kept = [];
        this.acked = 0;
        this.maxAck = 0;
        this.forgotten = 0;
        this.emit('fresh');
      } else if (msg.session !== this.session) {
        // Resumed under a new id: only when a live connection holds the
        // session, which never happens for one client.
        this.anomaly(`resumed into another session id (${this.session} -> ${msg.session})`);
      }
    } else if (start !== 'new' || msg.ack !== 0) {
      throw new M.ProtocolError(`a hello without resume got start ${start}, ack ${msg.ack}`);
    }
    this.root = root;
    this.session = msg.session;
    this.secret = typeof msg.secret === 'string' ? msg.secret : null;
    if (typeof msg.token !== 'string') this.token = null; // too big: re-attach only
    this.acked = 0;
    const resend = this.holding;
    this.holding = false;
    this.onAck(msg);
    if (resend) this.flushKept(ws, msg.ack); // what the server has not applied, in order
    this.shown = true;
    this.emit('tree', msg);
  }

  /** The session fields any message may carry: ack, token, token_seq. */
  onAck(msg) {
    if (typeof msg.token === 'string') this.token = msg.token;
    if (msg.ack !== undefined) {
      if (!Number.isInteger(msg.ack) || msg.ack < 0) throw new M.ProtocolError(`bad ack ${JSON.stringify(msg.ack)}`);
      if (msg.ack > this.seq) throw new M.ProtocolError(`ack ${msg.ack} of an event never made (last seq ${this.seq})`);
      if (msg.ack < this.acked) throw new M.ProtocolError(`ack went back from ${this.acked} to ${msg.ack} on one connection`);
      this.acked = msg.ack;
      this.maxAck = Math.max(this.maxAck, msg.ack);
      this.stats.acks++;
    }
    if (msg.token_seq !== undefined) {
      if (!Number.isInteger(msg.token_seq) || msg.token_seq < 0) throw new M.ProtocolError(`bad token_seq ${JSON.stringify(msg.token_seq)}`);
      if (msg.token_seq > this.seq) throw new M.ProtocolError(`token_seq ${msg.token_seq} holds an event never made (last seq ${this.seq})`);
    }
    // Events are kept until the newest token holds them; a server that
    // sends no token_seq says so with ack.
    const held = msg.token_seq !== undefined ? msg.token_seq : msg.ack;
    if (held !== undefined) {
      while (this.kept.length && this.kept[0].seq <= held) this.forgotten = Math.max(this.forgotten, this.kept.shift().seq);
    }
    if (this.acked >= this.seq) this.emit('settled');
  }

  anomaly(message, msg) {
    const a = { client: this.name, message, at: Date.now() };
    if (msg !== undefined) a.msg = JSON.stringify(msg).slice(0, 300);
    this.anomalies.push(a);
    this.emit('anomaly', a);
  }

  // ---- what a test does --------------------------------------------------------

  get connected() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN && !this.holding && this.shown;
  }

  /** Resolves with the tree once one has arrived (rejects after `ms`). */
  ready(ms = 10000) {
    if (this.shown) return Promise.resolve();
    return this.waitFor('tree', () => this.shown, ms, 'the first tree');
  }

  /** Resolves once every event is acknowledged on a live connection. */
  settled(ms = 20000) {
    const done = () => this.acked >= this.seq && this.connected;
    return this.waitFor(['settled', 'tree', 'message'], done, ms, 'every event to be acknowledged');
  }

  /** Resolves once a token holds every event (nothing kept to replay). */
  tokenHoldsAll(ms = 10000) {
    const done = () => this.kept.length === 0 && this.connected;
    return this.waitFor(['message', 'tree'], done, ms, 'a token that holds every event');
  }

  waitFor(events, pred, ms, what) {
    if (pred()) return Promise.resolve();
    const names = [].concat(events);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: timed out after ${ms} ms waiting for ${what} ` +
          `(seq ${this.seq}, acked ${this.acked}, ${this.kept.length} kept, connected ${this.connected})`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        for (const n of names) this.off(n, check);
      };
      for (const n of names) this.on(n, check);
    });
  }

  /** Sends (or keeps, while closed or holding) a layout-event; returns its seq. */
  send(target, data) {
    const seq = ++this.seq;
    const text = JSON.stringify({ type: 'layout-event', target, data, seq });
    const live = !!this.ws && this.ws.readyState === WebSocket.OPEN && !this.holding && this.shown;
    const e = { seq, text, sent: live };
    if (live) this.ws.send(text);
    else this.stats.held++;
    // Kept until acknowledged, to be sent again on the next connection.
    if (this.session || !live) this.kept.push(e);
    this.stats.events++;
    return seq;
  }

  /** The handler id of `event` on an element (an element node or its id). */
  handlerId(el, event) {
    const node = typeof el === 'string' ? this.byId(el) : el;
    if (!node) throw new Error(`${this.name}: no element #${el}`);
    const h = node.handlers[event];
    if (!h) throw new Error(`${this.name}: <${node.tag}${node.attrs.id ? '#' + node.attrs.id : ''}> has no ${event} handler`);
    return h.id;
  }

  /** Fires `event` (React name: onClick, onChange, onSubmit) on an element
   * with the serialised DOM event `data`; returns the seq. */
  fire(el, event, data = {}) {
    const type = { onClick: 'click', onChange: 'change', onSubmit: 'submit', onInput: 'input' }[event] || event;
    return this.send(this.handlerId(el, event), [{ type, ...data }]);
  }

  byId(id) {
    return M.byId(this.root, id);
  }

  /** The text of the element with this id (null if there is none). */
  text(id) {
    return M.textOf(this.byId(id));
  }

  /** Drops the connection as a network cut would; the client reconnects. */
  cut() {
    if (this.ws) this.ws.terminate();
  }

  /** Reconnects now (after a cut, without waiting for the backoff). */
  reconnectNow() {
    this.attempt = 0;
    if (this.ws) {
      this.immediate = true; // the close handler reconnects at once
      this.ws.terminate();
    } else {
      this.open();
    }
  }

  /** Closes for good. */
  async close() {
    this.closed = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    if (!ws) return;
    if (ws.readyState === WebSocket.CLOSED) return;
    const gone = new Promise((r) => ws.once('close', r));
    ws.close(1000);
    let timer;
    await Promise.race([gone, new Promise((r) => { timer = setTimeout(r, 1000); })]);
    clearTimeout(timer);
    ws.terminate();
  }
}

export * as model from './model.mjs';

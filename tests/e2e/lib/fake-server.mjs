// A tiny stand-in for a reactc server, for testing the client alone: an
// HTTP server on 127.0.0.1 (port 0) serving a page with the mount element
// and the client bundle, and a WebSocket endpoint at /_reactc/stream where
// the test plays the server's part message by message.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { compactMessage } from './compact.mjs';
import { clientBundle } from './paths.mjs';

export const DEFAULT_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>reactc test</title></head>' +
  '<body><div id="reactc-root"></div><script src="/reactc.js"></script></body></html>';

/** Resolves with the promise's value, or rejects after `ms` with `what`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One client connection, seen from the server's side. Messages arrive as
 * parsed JSON; `hello` is the first one. Emits 'message' and 'close'. */
export class Peer extends EventEmitter {
  constructor(ws, hello) {
    super();
    this.ws = ws;
    this.hello = hello;
    this.inbox = [];
    this.waiters = [];
    this.closed = false;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      this.emit('message', msg);
      const w = this.waiters.shift();
      if (w) w(msg);
      else this.inbox.push(msg);
    });
    ws.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
  }

  /** The next message from the client. */
  next(ms = 5000) {
    if (this.inbox.length) return Promise.resolve(this.inbox.shift());
    return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), ms, 'a client message');
  }

  /** Sends a message; its models may be written as VDOM JSON: they go in
   * the compact form when the client's hello asked for it (reactc's does). */
  send(msg) {
    if (typeof msg !== 'string' && this.hello?.extensions?.includes('compact')) msg = compactMessage(msg);
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Sends the whole tree: a root layout-update. */
  sendRoot(children) {
    this.send({ type: 'layout-update', path: '', model: { tagName: '', children } });
  }

  sendPatch(ops, ack) {
    this.send(ack === undefined ? { type: 'patch', ops } : { type: 'patch', ack, ops });
  }

  close(code = 1000, reason = '') {
    this.ws.close(code, reason);
  }
}

/**
 * Starts the fake server.
 * options.pages: {pathname: html} served instead of DEFAULT_PAGE;
 * options.wsPaths: WebSocket paths accepted (default ['/_reactc/stream']).
 * Returns {url, connection(pathname), refuse, refused, close()}; set
 * `refuse = true` to turn WebSocket upgrades away (a server that is down);
 * `refused` counts the upgrades turned away.
 */
export async function startFakeServer(options = {}) {
  const pages = options.pages || {};
  const wsPaths = options.wsPaths || ['/_reactc/stream'];
  const bundle = await readFile(clientBundle);
  const waiters = []; // {pathname, resolve}
  const unclaimed = []; // peers nobody waited for yet
  const sockets = new Set();

  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    if (pathname === '/reactc.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(bundle);
    } else if (pathname === '/favicon.ico') {
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pages[pathname] || DEFAULT_PAGE);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true });
  const fake = {
    url: '',
    refuse: false,
    refused: 0,
    /** The next connection whose hello names `pathname` (or any, if omitted). */
    connection(pathname, ms = 10000) {
      const i = unclaimed.findIndex((p) => !pathname || p.hello?.location?.pathname === pathname);
      if (i >= 0) return Promise.resolve(unclaimed.splice(i, 1)[0]);
      return withTimeout(new Promise((resolve) => waiters.push({ pathname, resolve })), ms,
        `a connection from ${pathname || 'any page'}`);
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };

  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url, 'http://x');
    if (fake.refuse || !wsPaths.includes(pathname)) {
      fake.refused++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // The reactc client speaks first: wait for its hello to know the page.
      ws.once('message', (data) => {
        const peer = new Peer(ws, JSON.parse(String(data)));
        const pn = peer.hello?.location?.pathname;
        const w = waiters.findIndex((x) => !x.pathname || x.pathname === pn);
        if (w >= 0) waiters.splice(w, 1)[0].resolve(peer);
        else unclaimed.push(peer);
      });
    });
  });

  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  return fake;
}

// A fault-injecting TCP proxy between the browser and a server, to make
// network trouble on demand: startProxy(targetPort) listens on 127.0.0.1
// and a free port and forwards every connection to the target.
//
//   cut()            drops every open connection (both sides see it close)
//   refuse(on)       turns new connections away (connection refused) until refuse(false)
//   down(ms)         the network is gone for `ms`: refuse + cut, then back; resolves when back
//   target(port)     sends new connections elsewhere
//   mute()           loses the server's replies on the open connections (they stay up)
//   latency(up, down)  delays every chunk by `up` ms towards the server and
//                    `down` ms towards the client (order kept), from now on
//   stall()          the open connections stop forwarding without closing
//                    (no FIN: a laptop lid closed, a NAT that forgot them);
//                    new connections are not affected
//   attempts         every connection attempt: {at (Date.now()), refused, request}
//                    where `request` is the first line the client sent (e.g.
//                    "GET /_reactc/stream HTTP/1.1"), once it arrived
import net from 'node:net';

export async function startProxy(targetPort) {
  let target = targetPort;
  let refusing = false;
  let dropped = 0;
  const delay = { up: 0, down: 0 };
  const attempts = [];
  const pairs = new Set(); // {client, upstream, up, down}
  const sockets = new Set(); // every socket, so close() never waits on one

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const attempt = { at: Date.now(), refused: refusing, request: null };
    attempts.push(attempt);
    if (refusing) {
      client.resetAndDestroy(); // what a closed port does: connection refused
      return;
    }
    client.once('data', (d) => {
      attempt.request = String(d).split('\r\n')[0];
    });
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const pair = { client, upstream };
    pair.up = channel(client, upstream, 'up');
    pair.down = channel(upstream, client, 'down');
    pairs.add(pair);
    // A failure on either side (a dead server: ECONNREFUSED) ends both.
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', () => pairs.delete(pair));
    upstream.on('close', () => pairs.delete(pair));
  });

  /** One direction of a connection: chunks are written in order, each no
   * earlier than its arrival plus the latency of that direction; held
   * while stalled; thrown away (and counted) while muted. An end of input
   * is passed on after the data before it. */
  function channel(from, to, dir) {
    const queue = []; // [due, chunk or null for the end]
    let timer = null;
    const ch = { stalled: false, muted: false };
    const pump = () => {
      timer = null;
      if (ch.stalled) return;
      const now = Date.now();
      while (queue.length && queue[0][0] <= now) {
        const [, chunk] = queue.shift();
        if (chunk === null) to.end();
        else if (!to.destroyed) to.write(chunk);
      }
      if (queue.length) timer = setTimeout(pump, queue[0][0] - now);
    };
    const push = (chunk) => {
      const last = queue.length ? queue[queue.length - 1][0] : 0;
      queue.push([Math.max(Date.now() + delay[dir], last), chunk]);
      if (!timer) pump();
    };
    from.on('data', (d) => {
      if (ch.muted) dropped += d.length;
      else push(d);
    });
    from.on('end', () => push(null));
    // Closed without an end (destroyed, reset): the other side goes too.
    from.on('close', () => {
      if (!from.readableEnded) to.destroy();
    });
    ch.release = () => {
      ch.stalled = false;
      if (!timer) pump();
    };
    return ch;
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    attempts,
    cut() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    /** From now on the server's replies on the open connections are read
     * and thrown away, as if lost on the way; `dropped` counts their bytes.
     * The connections stay up. */
    mute() {
      for (const p of pairs) p.down.muted = true;
    },
    get dropped() {
      return dropped;
    },
    refuse(on = true) {
      refusing = on;
    },
    /** No network for `ms`: open connections are cut and new ones refused. */
    async down(ms) {
      refusing = true;
      this.cut();
      await new Promise((r) => setTimeout(r, ms));
      refusing = false;
    },
    target(p) {
      target = p;
    },
    latency(up, down = up) {
      delay.up = up;
      delay.down = down;
    },
    /** The open connections stop forwarding in both directions and say
     * nothing; returns a function that lets them go on. */
    stall() {
      const held = [...pairs];
      for (const p of held) p.up.stalled = p.down.stalled = true;
      return () => {
        for (const p of held) {
          p.up.release();
          p.down.release();
        }
      };
    },
    /** The number of open connections. */
    get open() {
      return pairs.size;
    },
    async close() {
      refusing = true;
      this.cut();
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

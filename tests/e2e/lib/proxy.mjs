// A TCP proxy between the browser and a server, to make network trouble on
// demand: startProxy(targetPort) listens on 127.0.0.1 and a free port and
// forwards every connection to the target. cut() drops every open
// connection (both sides see it close), refuse(true) turns new connections
// away until refuse(false), target(port) sends new connections elsewhere,
// mute() loses the server's replies on the open connections.
import net from 'node:net';

export async function startProxy(targetPort) {
  let target = targetPort;
  let refusing = false;
  let dropped = 0;
  const pairs = new Set(); // [client, upstream]
  const sockets = new Set(); // every socket, so close() never waits on one

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (refusing) {
      client.resetAndDestroy(); // what a closed port does: connection refused
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    const pair = [client, upstream];
    pairs.add(pair);
    // Either side closing or failing (a dead server: ECONNREFUSED) ends both.
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) s.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cut() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    /** From now on the server's replies on the open connections are read
     * and thrown away, as if lost on the way; `dropped` counts their bytes.
     * The connections stay up. */
    mute() {
      for (const [client, upstream] of pairs) {
        upstream.unpipe(client);
        upstream.on('data', (d) => { dropped += d.length; });
        upstream.resume(); // unpipe paused it
      }
    },
    get dropped() {
      return dropped;
    },
    refuse(on = true) {
      refusing = on;
    },
    target(p) {
      target = p;
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

// Plain HTTP from the tests: one request, and a /metrics scrape parsed into
// its samples (docs/deploy.md, "Metrics").
import assert from 'node:assert/strict';
import http from 'node:http';

/** One request to 127.0.0.1:port, no keep-alive: {status, headers, body}. */
export function httpRequest(port, path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every sample of a GET /metrics on port: 'name{labels}' -> number. */
export async function scrapeMetrics(port) {
  const r = await httpRequest(port, '/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map();
  for (const line of r.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

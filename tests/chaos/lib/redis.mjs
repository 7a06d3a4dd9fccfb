// redis-server for the chaos tests and bench/redis: in the foreground, on a
// loopback port, in its own process group (lib/procs.mjs kills the group
// when node exits), with its data in a directory of the caller's, so that
// it can be SIGKILLed and started again on the same port with that data.
import { execFile } from 'node:child_process';
import { startProcess, which } from './procs.mjs';

export const REDIS_SERVER = which('redis-server');
export const REDIS_CLI = which('redis-cli');

/**
 * Starts redis-server on 127.0.0.1:port with its files in `dir`: append-only
 * file fsynced at every write (`--appendfsync always`: a write Redis
 * confirmed survives its kill -9), no RDB snapshots. Resolves once it
 * accepts connections (it has loaded its data then). `persist` false: no
 * append-only file (a bench that never restarts it).
 */
export async function startRedis(port, dir, { persist = true, label = `redis:${port}` } = {}) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'notice'];
  if (persist) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  const p = startProcess(REDIS_SERVER, args, { label });
  await p.waitOutput(/Ready to accept connections/i, 10000);
  p.port = port;
  return p;
}

/** redis-cli -p port --raw ARGS...: resolves with stdout (rejects on an error). */
export function redisCli(port, ...args) {
  return new Promise((resolve, reject) => {
    execFile(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), '--raw', ...args.map(String)],
      { maxBuffer: 64 << 20, timeout: 10000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${err.message}\n${stderr}`));
        else if (/^(ERR|WRONGTYPE)/.test(stdout)) reject(new Error(`redis-cli ${args.join(' ')}: ${stdout.trim()}`));
        else resolve(stdout);
      });
  });
}

/** Every key of the database (SCAN), sorted. */
export async function redisKeys(port, pattern = '*') {
  const out = await redisCli(port, '--scan', '--pattern', pattern);
  return out.split('\n').filter(Boolean).sort();
}

// A redis-server for a test, in the foreground on 127.0.0.1:port:
// startRedis(port, {dir, extra}) resolves once it accepts connections with
// {proc, exited, kill()} (kill: SIGKILL, the kill -9 of an outage). With
// `dir` it persists there with an append-only file fsynced on every write
// (the zero-loss configuration of deploy/redis.conf); without, nothing is
// saved.
import { spawn } from 'node:child_process';

export function startRedis(port, { dir, extra = [] } = {}) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no'];
  if (dir) args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  args.push(...extra);
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`redis-server not ready:\n${out}`)); }, 10000);
    proc.once('error', (e) => { clearTimeout(timer); reject(e); });
    const onData = (d) => {
      out += d;
      if (/ready to accept connections/i.test(out)) {
        clearTimeout(timer);
        resolve({
          proc, exited, log: () => out,
          kill: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); await exited; },
        });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}):\n${out}`)); });
  });
}

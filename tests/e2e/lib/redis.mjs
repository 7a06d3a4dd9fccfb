// A redis-server for a test, in the foreground on 127.0.0.1:port:
// startRedis(port, {dir, password, config, extra}) resolves once it
// accepts connections with {proc, port, exited, log(), cli(...args),
// kill()} (kill: SIGKILL, the kill -9 of an outage; cli: redis-cli's
// answer, trimmed). With `dir` it persists there with an append-only file
// fsynced on every write (the zero-loss configuration of
// deploy/redis.conf); without, nothing is saved. `config`: a file read
// first (deploy/redis.conf), which the options given here override.
import { execFileSync, spawn } from 'node:child_process';

export function startRedis(port, { dir, password, config, extra = [] } = {}) {
  const args = config ? [config] : [];
  args.push('--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no');
  if (!config) args.push('--save', '');
  if (dir) args.push('--dir', dir);
  if (dir && !config) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  else if (!config) args.push('--appendonly', 'no');
  if (password) args.push('--requirepass', password);
  args.push(...extra);
  const auth = password ? ['-a', password, '--no-auth-warning'] : [];
  const cli = (...a) =>
    execFileSync('redis-cli', ['-p', String(port), ...auth, ...a], { encoding: 'utf8' }).trim();
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
          proc, port, exited, cli, log: () => out,
          kill: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); await exited; },
        });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}):\n${out}`)); });
  });
}

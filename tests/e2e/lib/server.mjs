// Runs an example server (build/examples/NAME) on a free loopback port for a
// test: startExample('counter') resolves once the server says it serves, with
// {url, port, proc, stderr(), stop(ms), kill()}. stop() is the clean path
// (SIGTERM, then asserts exit code 0 within `ms`); kill() is the cleanup that
// always runs (SIGKILL if still alive). Every started process is also killed
// when node exits, so a failing test never leaves a server behind.
// REACTC_EMULATOR names a program to run the servers through (qemu-user).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDir } from './paths.mjs';

const live = new Set();
const stateDirs = [];
process.on('exit', () => {
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A process and its descendants, parents first (from
 * /proc/PID/task/PID/children; a process gone has none). */
export function processTree(pid) {
  let kids = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch { /* gone */ }
  return [pid, ...kids.flatMap((k) => processTree(Number(k)))];
}

/** A port that was free a moment ago: bind 127.0.0.1:0, read it, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Path of an example binary in the build directory. */
export function exampleBinary(name) {
  return join(buildDir, 'examples', name);
}

/** Path of a test app (tests/e2e/apps/NAME.c) in the build directory. */
export function testAppBinary(name) {
  return join(buildDir, 'tests', 'e2e', 'apps', name);
}

/** Resolves when `proc` exits: {code, signal, at}. */
function exitOf(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode, at: Date.now() });
  }
  return new Promise((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
}

async function startOnce(bin, name, args, readyMs, fixedPort, env) {
  const port = fixedPort || await freePort();
  const argv = ['--host', '127.0.0.1', '--port', String(port), ...args];
  // REACTC_EMULATOR runs the binary through a program, e.g.
  // qemu-aarch64-static for a build-arm64/ server (make test-arm64): the
  // process is the emulator's, and a signal to it is one to the server.
  const emulator = process.env.REACTC_EMULATOR;
  const proc = spawn(emulator || bin, emulator ? [bin, ...argv] : argv, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: env ? { ...process.env, ...env } : process.env,
  });
  live.add(proc);
  const exited = exitOf(proc);
  exited.then(() => live.delete(proc));
  let err = '';
  proc.stderr.setEncoding('utf8');

  let onLine = () => {};
  let scheme = 'http';
  let stderrWaiters = [];
  // One reader for the whole life of the process (a full pipe would block
  // the server); capped, it is for diagnostics only.
  proc.stderr.on('data', (chunk) => {
    if (err.length < 1 << 20) err += chunk;
    onLine();
    stderrWaiters = stderrWaiters.filter((w) => !w());
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `${name} did not report serving within ${readyMs} ms; stderr:\n${err}`)), readyMs);
    onLine = () => {
      // https with --tls-cert (the URL below follows).
      const m = err.match(new RegExp(`on (https?)://127\\.0\\.0\\.1:${port}/`));
      if (m) {
        scheme = m[1];
        clearTimeout(timer);
        onLine = () => {};
        resolve();
      }
    };
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(
        `${name} exited (code ${code}, signal ${signal}) before serving; stderr:\n${err}`), { early: true }));
    });
  });

  try {
    await ready;
  } catch (e) {
    proc.kill('SIGKILL');
    await exited;
    throw Object.assign(e, { portInUse: /cannot listen|in use/.test(err) });
  }

  const server = {
    name,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    proc,
    /** Everything the server wrote to stderr so far. */
    stderr: () => err,
    /**
     * Resolves with the stderr so far once it matches `re` (every line
     * written before the matching one is there too: one writer, one pipe);
     * rejects after `ms` with the log.
     */
    waitStderr(re, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stderr never matched ${re} in ${ms} ms:\n${err}`)), ms);
        const check = () => {
          if (!re.test(err)) return false;
          clearTimeout(timer);
          resolve(err);
          return true;
        };
        if (!check()) stderrWaiters.push(check);
      });
    },
    /** Resolves with {code, signal, at} when the process exits. */
    exited,
    /**
     * SIGTERM, then waits up to `ms` for the exit; throws unless the
     * process exited by itself with code 0 in time (it is SIGKILLed then).
     * Returns {code, signal, ms} (ms: from the signal to the exit).
     */
    async stop(ms = 2000) {
      const t0 = Date.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer;
      const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
      const r = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (!r) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`${name} did not exit within ${ms} ms of SIGTERM; stderr:\n${err}`);
      }
      const took = r.at - t0;
      if (r.code !== 0) {
        throw new Error(`${name} exited with code ${r.code} (signal ${r.signal}) after SIGTERM; stderr:\n${err}`);
      }
      return { code: r.code, signal: r.signal, ms: took };
    },
    /** Cleanup: SIGKILL if still running; never throws. */
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}

/** A fresh empty directory, removed when node exits: the dashboard's
 * --state (its persisted stores). */
export function stateDir() {
  const d = mkdtempSync(join(tmpdir(), 'reactc-state-'));
  stateDirs.push(d);
  return d;
}

/**
 * Starts build/examples/NAME on 127.0.0.1 and a free port. Extra command
 * line arguments go in `options.args`. Retries when the port picked was
 * taken by someone else between the probe and the server's bind.
 * `options.port` asks for that port (no retry: a restarted server must get
 * its predecessor's port); `options.env` adds environment variables;
 * `options.bin` runs that binary instead (e.g. testAppBinary(name)).
 */
export async function startExample(name, options = {}) {
  const bin = options.bin || exampleBinary(name);
  if (!existsSync(bin)) throw new Error(`${bin} not found: build the examples first (cmake --build build)`);
  let args = options.args || [];
  // The dashboard persists its fan and settings (examples/dashboard.c): a
  // server started without a --state of its test's gets a fresh directory,
  // so tests never see each other's device. A test that restarts "the same
  // device" passes its own (stateDir()) in args.
  if (name === 'dashboard' && !options.bin && !args.includes('--state')) args = [...args, '--state', stateDir()];
  const readyMs = options.readyMs || 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, name, args, readyMs, options.port, options.env);
    } catch (e) {
      if (!e.portInUse || options.port || attempt >= 3) throw e;
    }
  }
}

/**
 * Runs `fn(server)` against a fresh example server (startExample's
 * options), killed when the test ends whatever happens; a failure carries
 * the server's stderr.
 */
export async function withExample(t, name, options, fn) {
  const server = await startExample(name, options);
  t.after(() => server.kill());
  try {
    await fn(server);
  } catch (e) {
    e.message += `\n--- ${name} stderr ---\n${server.stderr()}`;
    throw e;
  }
}

// Processes for the chaos tests: example servers, haproxy, nginx. Every
// process is started in its own process group (so a supervisor's workers or
// nginx's workers go with it) and the whole group is SIGKILLed when node
// exits, whatever the reason: a failing test never leaves a process behind.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const chaosDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(chaosDir, '..', '..');
/** CMake's build directory (CTest sets REACTC_BUILD_DIR); `build/` by default. */
export const buildDir = process.env.REACTC_BUILD_DIR || join(repoRoot, 'build');

const live = new Set(); // process group ids

function killGroup(pgid, signal = 'SIGKILL') {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const pgid of live) killGroup(pgid);
});
// A signal to node would skip 'exit' handlers: turn it into an exit.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => process.exit(130));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The promise's value, or `fallback` after `ms` (the timer never outlives it). */
export function within(promise, ms, fallback = null) {
  let timer;
  const late = new Promise((r) => { timer = setTimeout(() => r(fallback), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A port that was free a moment ago: bind 127.0.0.1:0, read it, close. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port
 * (rejects at once if `proc`, the process meant to listen, exits). */
export async function waitPort(port, ms = 5000, proc = null) {
  const until = Date.now() + ms;
  for (;;) {
    if (proc && !proc.alive()) throw new Error(`${proc.label} exited before listening on ${port}:\n${proc.output()}`);
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms${proc ? `; ${proc.label}:\n${proc.output()}` : ''}`);
    await sleep(50);
  }
}

/**
 * Starts a program in its own process group, stdout and stderr captured
 * (capped) for diagnostics. Returns {proc, pid, output(), exited, kill(sig),
 * killGroup(), stop(ms)}.
 */
export function startProcess(cmd, args, { env, cwd, label } = {}) {
  const proc = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ? { ...process.env, ...env } : process.env,
    cwd,
    detached: true, // its own process group
  });
  const pgid = proc.pid;
  if (pgid) live.add(pgid);
  let out = '';
  const listeners = new Set();
  for (const s of [proc.stdout, proc.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (chunk) => {
      if (out.length < 4 << 20) out += chunk;
      for (const l of listeners) l(out);
    });
  }
  const exited = new Promise((r) => {
    proc.once('exit', (code, signal) => r({ code, signal, at: Date.now() }));
    proc.once('error', (error) => r({ code: null, signal: null, error, at: Date.now() }));
  });
  const p = {
    label: label || cmd,
    proc,
    pid: proc.pid,
    exited,
    output: () => out,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    /** Resolves when the output matches `re` (rejects on exit or after ms). */
    waitOutput(re, ms = 5000) {
      return new Promise((resolveOut, reject) => {
        const check = (text) => {
          if (!re.test(text)) return false;
          done();
          resolveOut();
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${p.label}: no ${re} within ${ms} ms; output:\n${out}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        if (check(out)) return;
        listeners.add(check);
        exited.then(({ code, signal, error }) => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`${p.label} exited (code ${code}, signal ${signal}${error ? ', ' + error.message : ''}) ` +
            `before ${re}; output:\n${out}`));
        });
      });
    },
    kill(signal = 'SIGKILL') {
      try {
        proc.kill(signal);
      } catch {
        // gone
      }
    },
    /** SIGKILL to the whole group (workers included); resolves on exit. */
    async killAll() {
      killGroup(pgid);
      await exited;
      live.delete(pgid);
    },
    /** SIGTERM, up to `ms` for the exit, then SIGKILL to the group. */
    async stop(ms = 3000) {
      if (p.alive()) p.kill('SIGTERM');
      const r = await within(exited, ms);
      killGroup(pgid);
      await exited;
      live.delete(pgid);
      return r;
    },
  };
  return p;
}

/** Path of an example binary in the build directory. */
export function exampleBinary(name) {
  return join(buildDir, 'examples', name);
}

/** Path of a chaos test app (tests/chaos/apps/NAME.c) in the build directory. */
export function chaosAppBinary(name) {
  return join(buildDir, 'tests', 'chaos', 'apps', name);
}

/**
 * Starts build/examples/NAME (or `bin`) on 127.0.0.1:port. With `workers` >
 * 1 it waits until every worker says it serves. Retries a bind failure (the
 * port of a killed predecessor) a few times.
 */
export async function startExample(name, port, { args = [], env = {}, workers = 1, readyMs = 5000, bin = exampleBinary(name) } = {}) {
  if (!existsSync(bin)) throw new Error(`${bin} not found: build the examples first (cmake --build build)`);
  const all = ['--host', '127.0.0.1', '--port', String(port), ...args];
  if (workers > 1) all.push('--workers', String(workers));
  let lastErr;
  for (let attempt = 0; attempt < 5; attempt++) {
    const p = startProcess(bin, all, { env, label: `${name}:${port}` });
    const serving = new RegExp(`(on http://127\\.0\\.0\\.1:${port}/[\\s\\S]*){${workers}}`);
    try {
      await p.waitOutput(serving, readyMs);
      p.port = port;
      p.name = name;
      return p;
    } catch (e) {
      lastErr = e;
      await p.killAll();
      if (!/cannot listen|in use/.test(p.output())) break;
      await sleep(100);
    }
  }
  throw lastErr;
}

/** Child pids of `pid` (a supervisor's workers), zombies left out. */
export function childrenOf(pid) {
  return allChildrenOf(pid).filter((k) => {
    try {
      const stat = readFileSync(`/proc/${k}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false; // gone
    }
  });
}

function allChildrenOf(pid) {
  const kids = new Set();
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      for (const k of text.split(/\s+/)) if (k) kids.add(Number(k));
    }
    return [...kids];
  } catch {
    // no /proc/PID/task/*/children (CONFIG_PROC_CHILDREN off): scan /proc
  }
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.add(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return [...kids];
}

/** Whether a command is on the PATH (or an absolute path that exists). */
export function which(cmd) {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : null;
  for (const d of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

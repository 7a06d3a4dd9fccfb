// The dev runner (build/reactc-dev) on a copy of an example in a temp dir:
// shared by the hot reload test and bench/hotreload.
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDir, repoRoot } from './paths.mjs';

/**
 * Copies examples/NAME.c and example.h into a fresh temp dir; the build
 * command compiles the copy against the build tree's shared libreactc (the
 * way an app outside this repository builds: one cc line).
 */
export async function exampleCopy(name) {
  const dir = await mkdtemp(join(tmpdir(), 'reactc-dev-test-'));
  await copyFile(join(repoRoot, 'examples', `${name}.c`), join(dir, `${name}.c`));
  await copyFile(join(repoRoot, 'examples', 'example.h'), join(dir, 'example.h'));
  const source = join(dir, `${name}.c`);
  const bin = join(dir, name);
  const build = `cc -std=c11 -O0 -pipe -I'${join(repoRoot, 'include')}' -o '${bin}' '${source}' ` +
    `-L'${buildDir}' -lreactc -Wl,-rpath,'${buildDir}'`;
  return {
    dir, source, bin, build,
    read: () => readFile(source, 'utf8'),
    write: (text) => writeFile(source, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A copy of the project's sources (CMakeLists.txt, cmake/, include/, src/,
 * examples/) configured and built (library and examples only) with CMake
 * and Ninja in a temp dir: reactc-dev's default build of examples/NAME, as
 * `make dev` runs it, without touching this checkout. Slow (a full build).
 */
export async function cmakeCopy(name) {
  const dir = await mkdtemp(join(tmpdir(), 'reactc-dev-cmake-'));
  for (const part of ['CMakeLists.txt', 'cmake', 'include', 'src', 'examples']) {
    await cp(join(repoRoot, part), join(dir, part), { recursive: true });
  }
  const build = join(dir, 'build');
  const run = (cmd, args) => new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
  await run('cmake', ['-S', dir, '-B', build, '-G', 'Ninja', '-DRC_BUILD_TESTS=OFF', '-DRC_BUILD_BENCH=OFF']);
  await run('cmake', ['--build', build, '--target', `example_${name}`]);
  const source = join(dir, 'examples', `${name}.c`);
  return {
    dir, source, bin: join(build, 'examples', name), build: null,
    read: () => readFile(source, 'utf8'),
    write: (text) => writeFile(source, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The runner makes up its own secret unless one is set: none here, unless
 * `extra` (the test's own variables) sets one. */
function withoutSecret(extra = {}) {
  const env = { ...process.env };
  delete env.REACTC_SECRET;
  return { ...env, ...extra };
}

/**
 * Starts reactc-dev on a free port for `copy` (from exampleCopy; `appArgs`
 * go to the app, `runnerArgs` to the runner before them). Resolves once the log matches `ready` (by default: the
 * first version serves): {url, pid, log(), waitLog(re, from), kill()}. `env`:
 * variables for the runner's environment.
 */
export async function startDev(copy, {
  readyMs = 20000, appArgs = [], runnerArgs = [], ready = /v1 serving/, env = {},
} = {}) {
  const runner = join(buildDir, 'reactc-dev');
  if (!existsSync(runner)) throw new Error(`${runner} not found: build first (cmake --build build)`);
  // No build command: reactc-dev's defaults (the CMake tree above the binary).
  const opts = copy.build ? ['--build', copy.build, '--watch', copy.dir] : [];
  const proc = spawn(runner, ['--port', '0', ...opts, ...runnerArgs, '--', copy.bin, ...appArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: withoutSecret(env),
    detached: true, // its own process group: the app versions go with it
  });
  let log = '';
  const waiters = new Set();
  proc.stderr.on('data', (d) => {
    log += d;
    for (const w of waiters) w();
  });
  const exited = new Promise((r) => proc.once('exit', r));
  // It ended and its stderr is read to the end: a line still awaited will
  // not come ('close', not 'exit': the last lines may still be in transit).
  let gone = false;
  proc.once('close', () => {
    gone = true;
    for (const w of waiters) w();
  });
  const kill = async () => {
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
    await exited;
    clearTimeout(t);
  };
  process.once('exit', () => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } });

  /** Resolves with the match of `re` in the log after offset `from`. A
   * rebuild gets as long as the first build (readyMs): both run the
   * compiler, on a CI machine whose two cores other tests keep busy. */
  const waitLog = (re, from = 0, ms = readyMs) => new Promise((resolve, reject) => {
    const check = () => {
      const m = log.slice(from).match(re);
      if (m || gone) {
        waiters.delete(check);
        clearTimeout(timer);
        if (m) resolve(m);
        else reject(new Error(`reactc-dev: exited before ${re}; log:\n${log}`));
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`reactc-dev: no ${re} within ${ms} ms; log:\n${log}`));
    }, ms);
    waiters.add(check);
    check();
  });
  let url;
  try {
    url = (await waitLog(/reactc-dev: (https?:\/\/[0-9.]+:\d+\/) - watching/, 0, readyMs))[1];
    await waitLog(ready, 0, readyMs);
  } catch (e) {
    await kill();
    throw e;
  }
  return { url, pid: proc.pid, log: () => log, waitLog, kill };
}

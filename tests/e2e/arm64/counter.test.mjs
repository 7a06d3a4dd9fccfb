// The counter example built for arm64 (make cross-arm64: build-arm64/), run
// under qemu-user on a loopback port and driven by the host's Chromium:
// clicks, kill -9, a restart with the same secret, the page resumes with
// its count and goes on. `make test-arm64` runs it with
//   REACTC_BUILD_DIR=build-arm64 REACTC_EMULATOR=qemu-aarch64-static
// Not one of CTest's e2e tests (not in tests/e2e/ itself): it needs the
// cross build, which `make test` does not make.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
import { test } from 'node:test';
import { useBrowser } from '../lib/suite.mjs';
import { gotoApp, MOUNT, realErrors, text, waitText } from '../lib/page.mjs';
import { exampleBinary, startExample } from '../lib/server.mjs';
import { handledToken, HANDLED } from '../lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
// qemu runs the server several times slower than native, on a loaded
// machine: generous bounds, which only a hang reaches.
const WAIT_MS = 30000;
const EM_AARCH64 = 183; // the ELF header's e_machine for arm64 (elf.h)

const browser = useBrowser();

/** e_machine of the ELF file at `path` (little-endian, at byte 18). */
function elfMachine(path) {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(20);
  try {
    readSync(fd, head, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  assert.equal(head.toString('latin1', 0, 4), '\x7fELF', `${path} is not an ELF file`);
  return head.readUInt16LE(18);
}

test('counter on arm64 under qemu: clicks, kill -9, restart, the page resumes its count', { timeout: 180000 }, async (t) => {
  // What runs is the arm64 build, through the emulator: otherwise this
  // test would pass on a native build and prove nothing about arm64.
  assert.ok(process.env.REACTC_EMULATOR, 'REACTC_EMULATOR names qemu (make test-arm64 sets it)');
  assert.equal(elfMachine(exampleBinary('counter')), EM_AARCH64, 'the counter is an arm64 program');

  const options = { env: { REACTC_SECRET: SECRET }, readyMs: WAIT_MS };
  const servers = [await startExample('counter', options)];
  t.after(async () => {
    for (const s of servers) await s.kill();
  });
  const log = () => servers.map((s, i) => `--- counter #${i + 1} stderr ---\n${s.stderr()}`).join('\n');

  try {
    const { page, errors } = await browser.openPage(t);
    page.setDefaultTimeout(WAIT_MS);
    await page.addInitScript(HANDLED);
    await gotoApp(page, servers[0].url + '/', '#count');
    assert.equal(await text(page, '#count'), '0');

    for (let i = 0; i < 3; i++) await page.click('#increment');
    await waitText(page, '#count', '3');
    // The page holds a sealed token with all three clicks: from here the
    // session lives on in the browser alone.
    await handledToken(page, 3);

    await servers[0].kill(); // SIGKILL (to qemu, which is the server's process)
    assert.equal((await servers[0].exited).signal, 'SIGKILL');
    await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });

    servers.push(await startExample('counter', { ...options, port: servers[0].port }));
    await page.waitForSelector(`${MOUNT}.rc-connected #count`, { state: 'attached' });
    await waitText(page, '#count', '3');
    await servers[1].waitStderr(/resumed from its token/, WAIT_MS);

    await page.click('#increment');
    await waitText(page, '#count', '4');
    assert.deepEqual(realErrors(errors), []);
  } catch (e) {
    e.message += '\n' + log();
    throw e;
  }
});

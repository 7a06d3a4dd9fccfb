// Where things are, for browser tests run from tests/e2e (by CTest or by hand).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(e2eDir, '..', '..');
/** CMake's build directory (CTest sets REACTC_BUILD_DIR); `build/` by default. */
export const buildDir = process.env.REACTC_BUILD_DIR || join(repoRoot, 'build');
/** The committed client bundle, unless REACTC_CLIENT_BUNDLE names another. */
export const clientBundle = process.env.REACTC_CLIENT_BUNDLE || join(repoRoot, 'client', 'dist', 'reactc.js');

#!/usr/bin/env node
// Entry point of the `dynview` command. The published package runs the compiled JavaScript in
// dist/ (built by `npm run build`, which `prepare` runs on `npm ci`, `npm install` and `npm pack`):
// nothing is compiled at run time.
//
// In a source checkout (src/ next to bin/), dist/ can be older than the sources someone just
// edited. There the compiled code runs only when every .ts file under src/, proofs/ and bench/
// (and every .wasm kernel) is older than the build stamp; otherwise the sources run through tsx (a
// dev dependency), so the command never runs stale code. Checking ~200 modification times costs
// about a millisecond.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const stamp = join(root, 'dist', '.build-stamp');

/** Newest modification time (ms) of the .ts and .wasm files under dir, 0 when dir is absent. */
function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|wasm)$/.test(entry.name)) continue;
    const t = statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(join(root, 'src'))) return true; // installed package: dist/ is all there is
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return ['src', 'proofs', 'bench'].every((d) => newestSource(join(root, d)) <= built);
}

if (compiledIsCurrent()) {
  await import(pathToFileURL(compiled).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'dynview: error: dist/ is missing or older than the sources and tsx is not installed; run `npm run build`\n',
    );
    process.exit(2);
  }
  register();
  await import('../src/cli/main.ts');
}

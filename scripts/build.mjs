#!/usr/bin/env node
// Build of the published package (`npm run build`; `prepare` runs it on npm ci / install / pack):
//   1. a clean dist/ (files of deleted sources must not linger in the package),
//   2. tsc -p tsconfig.build.json: src/, proofs/, bench/ → dist/ with the same layout, .js + .d.ts,
//   3. the non-TypeScript files modules load next to themselves through import.meta.url
//      (WebAssembly kernels, the numpy reference of the benchmark) copied to the same relative paths,
//   4. dist/.build-stamp, which bin/dynview.js compares with the sources' modification times.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const ASSET = /\.(wasm|py)$/;

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
// tsc emits even when it finds type errors. `npm pack` / `npm publish` / `npm run build` fail on
// them; `npm install` and `npm ci` (which run prepare) only warn, so that installing a package in a
// working tree with unfinished edits still works (`npm test` type-checks anyway).
if (r.status !== 0) {
  // DYNVIEW_BUILD_ALLOW_TYPE_ERRORS=1 does the same for a build of a tree with edits in progress.
  const installing =
    ['install', 'ci', 'i'].includes(process.env.npm_command ?? '') ||
    process.env.DYNVIEW_BUILD_ALLOW_TYPE_ERRORS === '1';
  if (!installing || !existsSync(join(dist, 'src', 'cli', 'main.js'))) process.exit(r.status ?? 1);
  process.stderr.write('dynview build: type errors above (dist/ written anyway)\n');
}

let assets = 0;
for (const dir of ['src', 'proofs', 'bench']) {
  const base = join(root, dir);
  if (!existsSync(base)) continue;
  for (const e of readdirSync(base, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !ASSET.test(e.name)) continue;
    const from = join(e.parentPath ?? e.path, e.name);
    const to = join(dist, relative(root, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    assets++;
  }
}
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stderr.write(
  `dynview build: dist/ written (${assets} asset file${assets === 1 ? '' : 's'} copied)\n`,
);

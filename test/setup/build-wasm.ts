/**
 * vitest globalSetup: build the WebAssembly kernels (npm run build:wasm) when the .wasm is missing,
 * so a fresh checkout's test run does not depend on `npm run build` having been run.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const wasm = fileURLToPath(new URL('../../src/kernels/kernels.wasm', import.meta.url));
  if (existsSync(wasm)) return;
  execFileSync('npm', ['run', 'build:wasm'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  });
}

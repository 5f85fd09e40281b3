/** Shared helpers of the symbolic tests: fixtures and numeric comparison of coefficient strings. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { numericallyEqual } from '../../src/symbolic/cas.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

export function fixture(name: string): MethodSpec {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url)), 'utf8'),
  ) as MethodSpec;
}

/** Equal as functions of t and the params (random points, mathjs), not as strings. */
export function sameCoef(a: string | undefined, b: string | undefined): boolean {
  return numericallyEqual(a ?? '0', b ?? '0');
}

/** Every key of either side equal numerically (missing = 0). */
export function sameTerms(a: Record<string, string>, b: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!sameCoef(a[k], b[k])) bad.push(`${k}: ${a[k] ?? '0'} vs ${b[k] ?? '0'}`);
  }
  return bad;
}

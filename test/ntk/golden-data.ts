/** Helpers shared by the NTK golden tests: the JSON cases of test/golden/ and a Dataset from raw rows. */
import { readFileSync } from 'node:fs';
import type { Dataset } from '../../src/data/types.ts';

/** The `cases` of test/golden/<file> (written by scripts/golden/*.py). */
export function goldenCases<C>(file: string): C[] {
  return (JSON.parse(readFileSync(new URL(`../golden/${file}`, import.meta.url), 'utf8')) as { cases: C[] })
    .cases;
}

/** A Dataset of the n row-major rows X (d columns each), zero targets. */
export function dataset(n: number, d: number, X: number[]): Dataset {
  return {
    source: 'test',
    n,
    d,
    X: Float64Array.from(X),
    y: new Float64Array(n),
    unitNorm: false,
    notes: [],
  };
}

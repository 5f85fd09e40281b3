import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runDirectOnNetwork } from '../../src/train/engine-direct.ts';
import type { Network } from '../../src/train/types.ts';
import type { Dataset } from '../../src/data/types.ts';

interface Case {
  method: string;
  params: Record<string, number>;
  W: number[][];
  loss: number[];
}
const g = JSON.parse(readFileSync(new URL('../golden/first_steps.json', import.meta.url), 'utf8')) as {
  X: number[];
  y: number[];
  W0: number[];
  a: number[];
  n: number;
  d: number;
  m: number;
  cases: Case[];
};
const data: Dataset = {
  source: 'tiny',
  n: g.n,
  d: g.d,
  X: Float64Array.from(g.X),
  y: Float64Array.from(g.y),
  unitNorm: false,
  notes: [],
};
const net: Network = { m: g.m, d: g.d, W0: Float64Array.from(g.W0), a: Float64Array.from(g.a), scale: 1 };

function run(c: Case, steps: number) {
  return runDirectOnNetwork(
    { data, width: g.m, method: c.method, params: c.params, steps, seed: 0, probeEvery: 1 },
    net,
  );
}

describe('first three steps of every built-in against numpy by hand (scripts/golden/first_steps.py)', () => {
  for (const c of g.cases) {
    it(`${c.method} ${JSON.stringify(c.params)}`, () => {
      for (let k = 1; k <= 3; k++) {
        const t = run(c, k);
        const W = t.finalW!;
        for (let p = 0; p < W.length; p++) expect(Math.abs(W[p] - c.W[k][p])).toBeLessThan(1e-14);
        for (let j = 0; j <= k; j++)
          expect(Math.abs(t.loss[j] - c.loss[j])).toBeLessThan(1e-14 * Math.max(1, c.loss[j]));
      }
    });
  }
  it('false twin: nag-c with the momentum index shifted by one ((k)/(k+r)) does not reproduce nag-c', () => {
    const c = g.cases.find((x) => x.method === 'nag-c')!;
    const shifted = {
      name: 'nag-c-shifted',
      params: ['s', 'r'],
      defaults: { r: 3 },
      step: 's',
      time: 'k*sqrt(s)',
      update: ['y[k] = x[k] + k/(k+r)*(x[k]-x[k-1])', 'x[k+1] = y[k] - s*grad(y[k])'],
    };
    const t = runDirectOnNetwork(
      { data, width: g.m, method: shifted, params: c.params, steps: 3, seed: 0, probeEvery: 0 },
      net,
    );
    const worst = Math.max(...Array.from(t.finalW!, (v, p) => Math.abs(v - c.W[3][p])));
    expect(worst).toBeGreaterThan(1e-6);
  });
});

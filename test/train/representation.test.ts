import { describe, expect, it } from 'vitest';
import { runDirect } from '../../src/train/engine-direct.ts';
import { chooseRepresentation, representationCosts } from '../../src/train/representation.ts';
import { loadData } from '../../src/data/load.ts';
import type { Trajectory } from '../../src/train/types.ts';

const wide = loadData('sphere:n=12,d=40,seed=4'); // d > n: the span representation

function worstRel(a: Trajectory, b: Trajectory): number {
  let w = 0;
  for (let k = 0; k <= a.steps; k++) w = Math.max(w, Math.abs(a.loss[k] - b.loss[k]) / a.loss[k]);
  return w;
}

describe('direct engine: weights and span of the data rows give the same run', () => {
  const METHODS = [
    ['gd', { eta: 0.5 }],
    ['hb', { eta: 0.3, beta: 0.5 }],
    ['nag-c', { s: 0.3 }],
    ['nag-sc', { s: 0.3, mu: 0.1 }],
    ['hm', { eta: 0.3, beta1: 0.2, beta2: 0.1 }],
  ] as const;
  for (const [method, params] of METHODS) {
    it(`${method}: losses to 1e-10, probes and final weights to 1e-12`, () => {
      const cfg = { data: wide, width: 300, method, params, steps: 30, seed: 2, probeEvery: 10 };
      const w = runDirect({ ...cfg, representation: 'weights' });
      const s = runDirect({ ...cfg, representation: 'span' });
      expect(w.representation).toBe('weights');
      expect(s.representation).toBe('span');
      expect(worstRel(w, s)).toBeLessThan(1e-10);
      w.probes.forEach((p, q) => {
        expect(Math.abs(p.lambdaMin - s.probes[q].lambdaMin)).toBeLessThan(1e-12 * p.lambdaMax);
        expect(p.flipFraction).toBe(s.probes[q].flipFraction);
        expect(Math.abs(p.weightDrift - s.probes[q].weightDrift)).toBeLessThan(1e-12 * (1 + p.weightDrift));
      });
      let dw = 0;
      for (let p = 0; p < w.finalW!.length; p++) dw = Math.max(dw, Math.abs(w.finalW![p] - s.finalW![p]));
      expect(dw).toBeLessThan(1e-12);
    });
  }

  it('false twin: a step changed by one part in 10⁶ is told apart at the same tolerance', () => {
    const cfg = { data: wide, width: 300, method: 'gd', steps: 30, seed: 2, probeEvery: 0 };
    const w = runDirect({ ...cfg, params: { eta: 0.5 }, representation: 'weights' });
    const s = runDirect({ ...cfg, params: { eta: 0.5 * (1 + 1e-6) }, representation: 'span' });
    expect(worstRel(w, s)).toBeGreaterThan(1e-10);
  });

  it("'auto' picks by cost: weights when d ≪ n, the span when d > n", () => {
    expect(chooseRepresentation('auto', 10_000, loadData('sphere:n=100,d=10,seed=1'))).toBe('weights');
    expect(chooseRepresentation('auto', 3000, wide)).toBe('span');
    expect(chooseRepresentation('weights', 3000, wide)).toBe('weights');
    const c = representationCosts(3000, 200, 784, 200 * 784, false);
    expect(c.span).toBeLessThan(c.weights / 8);
  });
});

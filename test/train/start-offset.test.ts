import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/load.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { GD } from '../../src/spec/builtins.ts';

describe('a spec whose first k is not 0', () => {
  it('records the same loss curve as the same rule started at k = 0', () => {
    const data = loadData('sphere:n=6,d=3,seed=2');
    const base = {
      data,
      width: 50,
      params: { eta: 0.3 },
      steps: 12,
      seed: 4,
      probeEvery: 0,
      engine: 'direct' as const,
    };
    const a = runDirect({ ...base, method: GD });
    const b = runDirect({ ...base, method: { ...GD, name: 'gd-from-5', start: 5 } });
    expect(b.loss[0]).toBeGreaterThan(0);
    expect([...b.loss]).toEqual([...a.loss]);
  });
});

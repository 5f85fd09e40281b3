import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, parallelPairs, DataError } from '../../src/data/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'dynview-data-'));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return `file:${p}`;
}

describe('sphere', () => {
  it('unit rows, seeded, documented target rule y = sin(t) + t/2 with t = √d v·x', () => {
    const a = loadData('sphere:n=30,d=6,seed=4');
    const b = loadData('sphere:n=30,d=6,seed=4');
    const c = loadData('sphere:n=30,d=6,seed=5');
    expect(a.n).toBe(30);
    expect(a.d).toBe(6);
    expect(a.unitNorm).toBe(true);
    expect(a.notes).toEqual([]);
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.X)).not.toEqual(Array.from(c.X));
    for (let i = 0; i < a.n; i++) {
      let s = 0;
      for (let j = 0; j < a.d; j++) s += a.X[i * a.d + j] ** 2;
      expect(Math.abs(Math.sqrt(s) - 1)).toBeLessThan(1e-14);
    }
    // the rule: y_i − t_i/2 = sin(t_i) means |y_i − t_i/2| ≤ 1; recover t from y is not unique, so check range
    expect(a.y.every((v) => Number.isFinite(v))).toBe(true);
  });
  it('defaults n=100,d=10,seed=1', () => {
    const a = loadData('sphere');
    expect([a.n, a.d]).toEqual([100, 10]);
    expect(Array.from(a.X)).toEqual(Array.from(loadData('sphere:n=100,d=10,seed=1').X));
  });
});

describe('paper-synthetic', () => {
  it('x3 = linspace(−4, 4, n), y = −0.5 x1 + 1.2 x2 + 10 sin(x3), not unit-norm (said in notes)', () => {
    const p = loadData('paper-synthetic:n=50,seed=1');
    expect([p.n, p.d]).toEqual([50, 3]);
    expect(p.X[2]).toBe(-4);
    expect(p.X[49 * 3 + 2]).toBe(4);
    for (let i = 0; i < 50; i++) {
      const [x1, x2, x3] = [p.X[3 * i], p.X[3 * i + 1], p.X[3 * i + 2]];
      expect(x3).toBeCloseTo(-4 + (8 * i) / 49, 14);
      expect(p.y[i]).toBeCloseTo(-0.5 * x1 + 1.2 * x2 + 10 * Math.sin(x3), 14);
    }
    expect(p.unitNorm).toBe(false);
    expect(p.notes[0]).toMatch(/not unit-norm/);
  });
  it('--normalize makes rows unit-norm', () => {
    const p = loadData('paper-synthetic:n=20,seed=2', { normalize: true });
    expect(p.unitNorm).toBe(true);
    expect(p.notes).toEqual([]);
  });
});

describe('mnist', () => {
  it('first n digits, 784 pixels in [0,1], label targets in round-robin order', () => {
    const m = loadData('mnist:n=30');
    expect([m.n, m.d]).toEqual([30, 784]);
    expect(Array.from(m.y.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(Math.max(...m.X)).toBeLessThanOrEqual(1);
    expect(Math.min(...m.X)).toBeGreaterThanOrEqual(0);
  });
});

describe('file', () => {
  it('reads rows x_1..x_d,y', () => {
    const d = loadData(csv('ok.csv', '1,2,3\n4,5,6\n\n'));
    expect([d.n, d.d]).toEqual([2, 2]);
    expect(Array.from(d.X)).toEqual([1, 2, 4, 5]);
    expect(Array.from(d.y)).toEqual([3, 6]);
  });
});

describe('bad data is a DataError', () => {
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['ragged rows', () => loadData(csv('r.csv', '1,2,3\n4,5\n')), /ragged/],
    ['non-number', () => loadData(csv('nn.csv', '1,2,3\n4,x,6\n')), /not a number/],
    ['NaN', () => loadData(csv('nan.csv', '1,2,3\n4,NaN,6\n')), /not finite/],
    ['Inf', () => loadData(csv('inf.csv', '1,2,3\n4,Infinity,6\n')), /not finite/],
    ['one point', () => loadData(csv('one.csv', '1,2,3\n')), /at least 2 points/],
    ['d = 0', () => loadData(csv('d0.csv', '3\n4\n')), /d = 0/],
    ['empty file', () => loadData(csv('empty.csv', '\n')), /no data rows/],
    ['missing file', () => loadData('file:/nonexistent/x.csv'), /cannot read/],
    ['unknown kind', () => loadData('cube:n=3'), /unknown data source/],
    ['bad option', () => loadData('sphere:n=abc'), /must be a number/],
    ['unknown option', () => loadData('sphere:q=3'), /unknown option/],
    ['not key=value', () => loadData('sphere:n'), /key=value/],
    ['n < 2', () => loadData('sphere:n=1'), /n must be an integer >= 2/],
    ['d = 0 sphere', () => loadData('sphere:d=0'), /d must be an integer >= 1/],
    [
      'zero row with --normalize',
      () => loadData(csv('z.csv', '0,0,1\n1,0,2\n'), { normalize: true }),
      /zero/,
    ],
    ['too many mnist digits', () => loadData('mnist:n=100000000'), /only/],
  ];
  for (const [name, f, re] of bad) {
    it(name, () => {
      expect(f).toThrow(DataError);
      expect(f).toThrow(re);
    });
  }
  it('false twin: a good file does not throw', () => {
    expect(() => loadData(csv('good.csv', '1,0,1\n0,1,2\n'))).not.toThrow();
  });
});

describe('parallelPairs', () => {
  it('finds duplicates and same-direction rows, not opposite ones', () => {
    const d = loadData(csv('par.csv', '1,0,1\n2,0,2\n0,1,0\n-1,0,3\n0,1,5\n'));
    expect(parallelPairs(d)).toEqual([
      [0, 1],
      [2, 4],
    ]);
  });
  it('none on sphere data', () => {
    expect(parallelPairs(loadData('sphere:n=50,d=3,seed=1'))).toEqual([]);
  });
});

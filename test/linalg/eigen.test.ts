import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  symmetricEigen,
  symmetricEigenvalues,
  extremeEigenvalues,
  spectralNormSymmetric,
} from '../../src/linalg/eigen.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomSymmetric, symmetrize } from './random-matrix.ts';

interface Case {
  name: string;
  n: number;
  A: number[];
  eigenvalues: number[];
}
const golden = JSON.parse(readFileSync(new URL('../golden/eigen.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('symmetricEigenvalues against numpy eigvalsh (scripts/golden/eigen.py)', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const ev = symmetricEigenvalues(Float64Array.from(c.A), c.n);
      const scale = Math.max(...c.eigenvalues.map(Math.abs));
      for (let i = 0; i < c.n; i++) {
        // 1e-10 relative to the spectral norm (backward-stable solvers agree to ~n·ε‖A‖).
        expect(Math.abs(ev[i] - c.eigenvalues[i])).toBeLessThanOrEqual(1e-10 * scale);
      }
    });
  }
  it('well-posed small eigenvalues are exact to 1e-10 relative (H∞ case)', () => {
    const c = golden.cases.find((x) => x.name.startsWith('h-infinity'))!;
    const ev = symmetricEigenvalues(Float64Array.from(c.A), c.n);
    expect(Math.abs(ev[0] - c.eigenvalues[0]) / c.eigenvalues[0]).toBeLessThan(1e-10);
  });
  it('false twin: a perturbed matrix does not match the golden values', () => {
    const c = golden.cases.find((x) => x.name === 'gaussian-12')!;
    const A = Float64Array.from(c.A);
    A[0] += 1e-6;
    const ev = symmetricEigenvalues(A, c.n);
    const worst = Math.max(...c.eigenvalues.map((v, i) => Math.abs(v - ev[i])));
    expect(worst).toBeGreaterThan(1e-10);
  });
});

describe('eigen helpers', () => {
  it('does not modify its input and returns ascending values', () => {
    const A = Float64Array.of(2, 1, 1, 2);
    const ev = symmetricEigenvalues(A, 2);
    expect(Array.from(A)).toEqual([2, 1, 1, 2]);
    expect(ev[0]).toBeCloseTo(1, 14);
    expect(ev[1]).toBeCloseTo(3, 14);
  });
  it('extremes and spectral norm', () => {
    const A = Float64Array.of(-5, 0, 0, 0, 1, 0, 0, 0, 3);
    expect(extremeEigenvalues(A, 3)).toEqual({ min: -5, max: 3 });
    expect(spectralNormSymmetric(A, 3)).toBe(5);
  });
  it('trace and Frobenius norm are preserved on a random 150×150 matrix', () => {
    const n = 150;
    const A = randomSymmetric(n, 3);
    const ev = symmetricEigenvalues(A, n);
    let tr = 0;
    let fro = 0;
    for (let i = 0; i < n; i++) tr += A[i * n + i];
    for (const v of A) fro += v * v;
    expect(ev.reduce((s, v) => s + v, 0)).toBeCloseTo(tr, 9);
    expect(ev.reduce((s, v) => s + v * v, 0) / fro).toBeCloseTo(1, 12);
  });
  it('rejects non-finite entries', () => {
    expect(() => symmetricEigenvalues(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/non-finite/);
  });
});

describe('property: the eigenvalues of Q·diag(λ)·Qᵀ are λ (Q a product of Householder reflections)', () => {
  it('holds for random spectra and rotations (n ≤ 12)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
              fc.array(
                fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
                { minLength: 1, maxLength: 3 },
              ),
            ),
          ),
        ([n, lambda, vs]) => {
          // A = diag(λ), then A ← (I − 2vvᵀ) A (I − 2vvᵀ) for each unit v
          let A = new Float64Array(n * n);
          lambda.forEach((l, i) => {
            A[i * n + i] = l;
          });
          for (const raw of vs) {
            const norm = Math.hypot(...raw);
            if (norm < 1e-3) continue;
            const v = raw.map((x) => x / norm);
            const P = new Float64Array(n * n);
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) P[i * n + j] = (i === j ? 1 : 0) - 2 * v[i] * v[j];
            const T = new Float64Array(n * n);
            const B = new Float64Array(n * n);
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let k = 0; k < n; k++) s += P[i * n + k] * A[k * n + j];
                T[i * n + j] = s;
              }
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let k = 0; k < n; k++) s += T[i * n + k] * P[k * n + j];
                B[i * n + j] = s;
              }
            symmetrize(B, n);
            A = B;
          }
          const ev = symmetricEigenvalues(A, n);
          const want = [...lambda].sort((a, b) => a - b);
          const scale = Math.max(1, ...want.map(Math.abs));
          return want.every((w, i) => Math.abs(ev[i] - w) <= 1e-12 * scale);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});

describe('Householder steps that skip a reflection (zero rows left of the diagonal)', () => {
  it('block-diagonal matrices: the spectrum is the union of the blocks’ spectra', () => {
    const rng = new Rng(21);
    const sizes = [1, 5, 1, 1, 7, 3, 1];
    const n = sizes.reduce((a, b) => a + b, 0);
    const A = new Float64Array(n * n);
    const want: number[] = [];
    let o = 0;
    for (const m of sizes) {
      const B = randomSymmetric(m, rng);
      want.push(...symmetricEigenvalues(B, m));
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) A[(o + i) * n + o + j] = B[i * m + j];
      o += m;
    }
    want.sort((a, b) => a - b);
    const got = symmetricEigenvalues(A, n);
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12);
      expect(Math.abs(values[i] - want[i])).toBeLessThan(1e-12);
    }
    // A v = λ v for every returned pair.
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * vectors[k * n + j];
        expect(Math.abs(s - values[j] * vectors[i * n + j])).toBeLessThan(1e-12);
      }
  });
});

/**
 * High-order companion matrices (a delayed gradient x[k+1] = x[k] − η·∇(x[k−D])): the certified
 * Schur–Cohn path expanded its Hurwitz minors by plain cofactor expansion (n! products of
 * polynomials), so delay 10 ran for minutes. The minors are now memoised (the same numbers), the
 * certified path stops at a stated order and work limit, and beyond it a diverging method is still
 * refuted by an isolated root (Rouché in interval arithmetic) — never proved. Every test runs under
 * vitest's default timeout.
 */
import { describe, expect, it } from 'vitest';
import { checkCertificate } from '../../src/certify/check.ts';
import { iv } from '../../src/certify/interval.ts';
import {
  CertifiedLimitError,
  MAX_CERTIFIED_ORDER,
  detRing,
  isolateRoot,
  schurConditionsPoly,
} from '../../src/certify/poly.ts';
import { mpolyRing, type MPoly } from '../../src/certify/mpoly.ts';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { runClaim } from '../../src/claims/runner.ts';

const delayed = (delay: number, params?: Record<string, unknown>) => ({
  id: `delay${delay}`,
  method: {
    name: 'delayed-gd',
    params: ['eta'],
    step: 'eta',
    time: 'k*eta',
    update: [`x[k+1] = x[k] - eta*grad(x[k-${delay}])`],
  },
  regime: 'discrete',
  assert: { kind: 'linear', rate: '0.01*lambda0' },
  instances: { runs: 1 },
  ...(params ? { params } : {}),
});

async function run(raw: Record<string, unknown>) {
  const r = await runClaim(parseClaim(raw), { seed: 1 });
  const reason = r.counterexample?.reason ?? r.evidence.instances[0]?.reason ?? '';
  return { r, reason };
}

describe('delayed gradient: high-order companion matrices', () => {
  it('delay 10 (order 11, the audit repro) is refuted by the certified path within seconds', async () => {
    const { r, reason } = await run(delayed(10));
    expect(r.verdict, reason).toBe('refuted');
    expect(reason).toMatch(/diverging mode λ = .*grows by a factor/);
    for (const c of r.certificates ?? []) expect(checkCertificate(c).problems.join('; ')).toBe('');
  });

  it('delay 40 (order 41) is beyond the certified limit and still refuted, soundly and deterministically', async () => {
    const a = await run(delayed(40));
    expect(a.r.verdict, a.reason).toBe('refuted');
    expect(a.reason).toMatch(/diverging mode/);
    expect(a.reason).toMatch(new RegExp(`order 41; .*handles order ≤ ${MAX_CERTIFIED_ORDER}`));
    expect(a.reason).toMatch(/Rouché/);
    const b = await run(delayed(40));
    expect(b.reason).toBe(a.reason);
  });

  it('a converging order-41 method is inconclusive, naming the limit — never proved', async () => {
    const { r, reason } = await run(delayed(40, { eta: 0.001 }));
    expect(r.verdict, reason).toBe('inconclusive');
    expect(reason).toMatch(/the model has order 41; the certified analysis .* handles order ≤ 12/);
  });

  it('the same step size at delay 10 (order 11) is still proved by the certified path', async () => {
    const { r, reason } = await run(delayed(10, { eta: 0.001 }));
    expect(r.verdict, reason).toBe('proved');
    for (const c of r.certificates ?? []) expect(checkCertificate(c).problems.join('; ')).toBe('');
  });
});

describe('limits and the pieces of the fallback', () => {
  it('the Schur conditions refuse a matrix beyond the order limit (also in the checker)', () => {
    const n = MAX_CERTIFIED_ORDER + 1;
    const m = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (j === i + 1 ? '1' : i === n - 1 && j === 0 ? '-lambda/2' : '0')),
    );
    expect(() => schurConditionsPoly(m, [], ['lambda'], [iv(1, 2)], iv(0.01), {})).toThrow(
      CertifiedLimitError,
    );
  });

  it('memoised cofactor expansion equals the determinant', () => {
    const R = mpolyRing(1);
    const c = (x: number): MPoly => R.constant(iv(x));
    const m = [
      [c(2), c(-1), c(0), c(3)],
      [c(1), c(4), c(2), c(0)],
      [c(0), c(1), c(5), c(-2)],
      [c(3), c(0), c(1), c(1)],
    ];
    const d = detRing(m, R);
    // the plain recursion on the same integers (exact in floats)
    const A = [
      [2, -1, 0, 3],
      [1, 4, 2, 0],
      [0, 1, 5, -2],
      [3, 0, 1, 1],
    ];
    const det = (M: number[][]): number =>
      M.length === 1
        ? M[0][0]
        : M[0].reduce(
            (s, a, j) =>
              s + (j % 2 ? -1 : 1) * a * det(M.slice(1).map((row) => row.filter((_, k) => k !== j))),
            0,
          );
    expect([...d.values()][0]).toEqual(iv(det(A)));
  });

  it('Rouché isolates a simple root and refuses a point that is not one', () => {
    const p = [iv(1), iv(0), iv(1)]; // z² + 1: roots ±i
    expect(isolateRoot(p, 0, 1, [1e-12, 1e-8])).toBe(1e-12);
    expect(isolateRoot(p, 0.5, 0.5, [1e-12, 1e-8, 1e-4])).toBeNull();
  });
});

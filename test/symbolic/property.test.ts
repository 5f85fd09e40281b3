import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveOde } from '../../src/symbolic/derive.ts';
import { numericallyEqual } from '../../src/symbolic/cas.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

/**
 * Properties over specs the built-ins do not cover: numbers written into the update rule.
 * A fixed-coefficient multistep rule x[k+1] = x[k] + b1(x[k] − x[k−1]) + b2(x[k−1] − x[k−2]) − η∇f
 * (t = kη) must give X' + ∇f/(1 − b1 − b2) = 0; with b1 = 1 − c√η, b2 = 0 and t = k√η it must give
 * X'' + cX' + ∇f = 0. (Each derivation costs ~0.1–1 s, so few runs.)
 */
const coef = fc.integer({ min: -40, max: 40 }).map((n) => n / 100);

describe('derivation properties over random specs', () => {
  it('fixed two-momentum rules give the rescaled gradient flow', () => {
    fc.assert(
      fc.property(coef, coef, (b1, b2) => {
        const spec: MethodSpec = {
          name: 'random-hm',
          params: ['eta'],
          step: 'eta',
          time: 'k*eta',
          update: [`x[k+1] = x[k] + ${b1}*(x[k]-x[k-1]) + ${b2}*(x[k-1]-x[k-2]) - eta*grad(x[k])`],
        };
        const d = deriveOde(spec);
        expect(d.order).toBe(1);
        expect(numericallyEqual(d.terms.grad, String(1 / (1 - b1 - b2)))).toBe(true);
        expect(numericallyEqual(d.terms.grad, String(1 / (1 - b1)))).toBe(b2 === 0);
      }),
      { numRuns: 5, seed: 20260127 },
    );
  });

  it('a scaling law 1 − c√η gives damping c', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }).map((n) => n / 10),
        (c) => {
          const spec: MethodSpec = {
            name: 'random-hb',
            params: ['eta'],
            step: 'eta',
            time: 'k*sqrt(eta)',
            update: [`x[k+1] = x[k] - eta*grad(x[k]) + (1 - ${c}*sqrt(eta))*(x[k] - x[k-1])`],
          };
          const d = deriveOde(spec);
          expect(d.order).toBe(2);
          expect(numericallyEqual(d.terms["X'"], String(c))).toBe(true);
          expect(numericallyEqual(d.terms["X'"], String(c / 2))).toBe(false);
        },
      ),
      { numRuns: 4, seed: 7 },
    );
  });
});

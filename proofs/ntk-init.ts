/**
 * Claim 1 (Du, Zhai, Póczos & Singh 2019, Lemma 3.1 and Theorem 3.1).
 *
 * Statement. For unit inputs with no two parallel, the infinite-width Gram matrix
 *   H∞_ij = x_iᵀx_j (π − arccos x_iᵀx_j) / (2π)
 * is positive definite (λ0 = λ_min(H∞) > 0), and the Gram matrix of a random network of width m
 * concentrates on it: ‖H(W0) − H∞‖₂ = O(1/√m).
 *
 * Guarantee: asymptotic (a rate in m). Checked on sampled data sets (sphere, n, d, seed): λ0 > 0, and
 * the slope of ln ‖H(W0) − H∞‖₂ against ln m over m ∈ {256, …, 16384} is −1/2 ± 0.2.
 * False twin: "the error shrinks like 1/m" (slope −1) must be refuted.
 */
import fc from 'fast-check';
import { loadData, parallelPairs } from '../src/data/load.ts';
import { extremeEigenEnclosure } from '../src/linalg/enclosure.ts';
import { gramInfinity } from '../src/ntk/gram.ts';
import { integerIn, seedArbitrary } from '../src/claims/arbitraries.ts';
import { checkProperty, type Proof } from '../src/claims/proof.ts';
import { widthLawProperty } from '../src/claims/width.ts';

const WIDTHS = [256, 1024, 4096, 16384];

export const proof: Proof = {
  id: 'ntk-init',
  title: 'H(W0) → H∞ at rate 1/√m, and λ0 > 0',
  statement: 'For unit inputs with no two parallel, λ0 = λ_min(H∞) > 0 and ‖H(W0) − H∞‖₂ = O(1/√m).',
  latex: String.raw`\lambda_0 = \lambda_{\min}(H^\infty) > 0, \qquad \|H(W_0) - H^\infty\|_2 = O(m^{-1/2})`,
  method: 'gd',
  guarantee: 'asymptotic',
  reference: 'Du, Zhai, Póczos & Singh, ICLR 2019 (arXiv:1810.02054), Theorem 3.1 and Lemma 3.1',
  hypotheses: ['‖x_i‖ = 1', 'no two inputs parallel', 'w_r(0) ~ N(0, I), a_r ~ unif{±1}'],
  defaultRuns: 6,
  properties: [
    {
      name: 'λ0 > 0 when no two inputs are parallel',
      check: ({ runs, seed }) =>
        checkProperty(
          'λ0 > 0 when no two inputs are parallel',
          fc.record({ n: integerIn([3, 24]), d: integerIn([2, 10]), seed: seedArbitrary }),
          async ({ n, d, seed: s }) => {
            const data = loadData(`sphere:n=${n},d=${d},seed=${s}`, { normalize: true });
            if (parallelPairs(data, 1).length > 0)
              return { status: 'inconclusive', detail: 'two inputs are parallel: the hypothesis fails' };
            // Proved enclosure λ0 ∈ [lo, hi] (src/linalg/enclosure.ts): pass only when lo > 0.
            const { lo, hi, value } = extremeEigenEnclosure(gramInfinity(data), n, {
              which: 'min',
            }).lambdaMin;
            const status = lo > 0 ? 'pass' : hi <= 0 ? 'fail' : 'inconclusive';
            return {
              status,
              computed: value,
              theory: 0,
              detail: `λ0 ∈ [${lo.toExponential(6)}, ${hi.toExponential(6)}] (theory: > 0)`,
            };
          },
          { runs: runs * 4, seed },
        ),
    },
    widthLawProperty({
      name: '‖H(W0) − H∞‖₂ ∝ m^(−1/2)',
      kind: 'init-kernel',
      claimedExponent: -0.5,
      widths: WIDTHS,
      n: [4, 16],
      d: [3, 10],
    }),
  ],
  twins: [
    widthLawProperty({
      name: 'FALSE TWIN: ‖H(W0) − H∞‖₂ ∝ 1/m',
      kind: 'init-kernel',
      claimedExponent: -1,
      widths: WIDTHS,
      n: [4, 16],
      d: [3, 10],
    }),
  ],
};

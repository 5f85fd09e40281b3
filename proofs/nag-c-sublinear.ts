/**
 * Claim 4 (Su, Boyd & Candès 2016; Bu, Xu & Chen 2021, §5).
 *
 * Statement. NAG-C, momentum (k−1)/(k+r−1) with t = k√s, has the ODE limit Ẅ + (r/t)Ẇ + ∇L = 0; in
 * output space ë + (r/t)ė + He = 0, solved per mode by e(t) = e(0)Γ(ν+1)(2/(√λt))^ν J_ν(√λt),
 * ν = (r−1)/2, whose envelope decays like t^(−r/2): the loss decays polynomially with exponent r,
 * so NAG-C is not linear in the ODE regime (any claimed linear rate is refuted there). With a fixed
 * step s the discrete run turns linear, ∝ (1 − sλ0)^k for the loss, after a crossover step that the
 * rate fit reports.
 */
import { checkOdeTerms } from '../src/claims/symbolic.ts';
import type { Proof } from '../src/claims/proof.ts';
import type { ClaimJson } from '../src/claims/claim-schema.ts';
import { lossPlot } from '../src/claims/plots.ts';

const SMALL: ClaimJson['instances'] = { data: 'sphere', n: [4, 12], d: [3, 8] };

export const proof: Proof = {
  id: 'nag-c-sublinear',
  title:
    'NAG-C: Ẅ + (r/t)Ẇ + ∇L = 0, loss ~ t^(−r) in the ODE regime, linear after a crossover when discrete',
  statement:
    'NAG-C converges sublinearly in its ODE limit (loss exponent r) and is not linear there; with a fixed step it turns linear, ∝ (1 − sλ0)^k, after a crossover step.',
  latex: String.raw`\ddot W + \tfrac{r}{t}\dot W + \nabla L = 0,\quad e_\lambda(t) = e_\lambda(0)\,\Gamma(\nu+1)\Big(\tfrac{2}{\sqrt{\lambda} t}\Big)^{\nu} J_\nu(\sqrt{\lambda} t),\ \nu = \tfrac{r-1}{2},\quad L(t) \sim t^{-r}`,
  method: 'nag-c',
  guarantee: 'asymptotic',
  reference: 'Su, Boyd & Candès, JMLR 2016; Bu, Xu & Chen, AISTATS 2021, §5',
  hypotheses: ['λ0 > 0', 't = k√s, s → 0 (ODE regime)', 'NTK regime (frozen kernel)'],
  defaultRuns: 10,
  symbolic: () => [
    ...checkOdeTerms('nag-c', { "X''": '1', "X'": 'r/t', grad: '1' }, 'low', 'weight').obligations,
    ...checkOdeTerms('nag-c', { "X''": '1', "X'": 'r/t', grad: '1' }, 'low', 'output').obligations,
  ],
  claims: [
    {
      id: 'nag-c-exponent-r',
      statement: 'loss ~ t^(−r), r ∈ [3, 6]',
      method: 'nag-c',
      params: { r: [3, 6] },
      regime: 'ode',
      assert: { kind: 'sublinear', exponent: 'r' },
      instances: SMALL,
    },
    {
      id: 'nag-c-exponent-2',
      statement: "r = 3: loss decays at least like t^(−2) (Su et al.'s bound)",
      method: 'nag-c',
      params: { r: 3 },
      regime: 'ode',
      assert: { kind: 'sublinear', exponent: '2' },
      instances: SMALL,
    },
    {
      id: 'nag-c-discrete-linear',
      statement: 'fixed s: loss ∝ (1 − sλ0)^k after the crossover (rate −ln(1 − sλ0)/√s per unit t)',
      method: 'nag-c',
      params: { r: 3 },
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-log(1-s*lambda0)/sqrt(s)' },
      instances: SMALL,
    },
  ],
  twins: [
    {
      id: 'nag-c-is-linear',
      statement: 'FALSE: NAG-C converges linearly in the ODE limit',
      method: 'nag-c',
      params: { r: 3 },
      regime: 'ode',
      assert: { kind: 'linear', rate: '0.5*lambda0' },
      instances: SMALL,
    },
    {
      id: 'nag-c-exponent-4',
      statement: 'FALSE: r = 3 gives loss ~ t^(−4)',
      method: 'nag-c',
      params: { r: 3 },
      regime: 'ode',
      assert: { kind: 'sublinear', exponent: '4' },
      instances: SMALL,
    },
    {
      id: 'nag-c-discrete-too-fast',
      statement: 'FALSE: fixed s, loss rate −2 ln(1 − sλ0)/√s',
      method: 'nag-c',
      params: { r: 3 },
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-2*log(1-s*lambda0)/sqrt(s)' },
      instances: SMALL,
    },
  ],
  plots: (runs) => [
    ...lossPlot(runs, 'nag-c-exponent-2', 'NAG-C, r = 3 (ODE regime): loss against t, log–log', 'log'),
    ...lossPlot(runs, 'nag-c-discrete-linear', 'NAG-C, fixed s (discrete regime): loss against t', 'linear'),
  ],
};

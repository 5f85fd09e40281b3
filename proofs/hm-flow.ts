/**
 * Claim 6 (Bu, Xu & Chen 2021, §6: the two-momentum method).
 *
 * Statement. x[k+1] − x[k] = β1(x[k] − x[k−1]) + β2(x[k−1] − x[k−2]) − η∇L(x[k]) with fixed β1, β2
 * and t = kη has the ODE limit Ẋ = −∇L/(1 − β1 − β2) (a rescaled gradient flow), so in output
 * space ė = −He/(1 − β1 − β2) and the loss decays linearly at rate 2λ0/(1 − β1 − β2).
 * False twins: a wrong rate constant 2λ0/(1 − β1 − 2β2); a second-order ODE.
 */
import type { Proof } from '../src/claims/proof.ts';
import type { ClaimJson } from '../src/claims/claim-schema.ts';
import { checkOdeTerms } from '../src/claims/symbolic.ts';

const SMALL: ClaimJson['instances'] = { data: 'sphere', n: [4, 12], d: [3, 8] };
const BETAS: ClaimJson['params'] = { beta1: [0.1, 0.3], beta2: [0.15, 0.3] };

export const proof: Proof = {
  id: 'hm-flow',
  title: 'Two-momentum method: ODE limit Ẋ = −∇L/(1 − β1 − β2), linear rate 2λ0/(1 − β1 − β2)',
  statement:
    'The two-momentum method with fixed β1, β2 is, as η → 0 with t = kη, the rescaled gradient flow Ẋ = −∇L/(1 − β1 − β2), linear at loss rate 2λ0/(1 − β1 − β2).',
  latex: String.raw`\dot X = -\frac{\nabla L(X)}{1 - \beta_1 - \beta_2}, \qquad L(t) \le C\,e^{-2\lambda_0 t/(1-\beta_1-\beta_2)}`,
  method: 'hm',
  guarantee: 'asymptotic',
  reference: 'Bu, Xu & Chen, AISTATS 2021, §6; Kovachki & Stuart, JMLR 2021 (fixed momentum → rescaled flow)',
  hypotheses: ['β1 + β2 < 1', 'fixed β1, β2 with η → 0, t = kη', 'λ0 > 0'],
  defaultRuns: 10,
  symbolic: () => checkOdeTerms('hm', { "X'": '1', grad: '1/(1-beta1-beta2)' }, 'low', 'weight').obligations,
  claims: [
    {
      id: 'hm-ode-rate',
      statement: 'loss rate 2λ0/(1 − β1 − β2) in the ODE limit',
      method: 'hm',
      params: BETAS,
      regime: 'ode',
      assert: { kind: 'linear', rate: '2*lambda0/(1-beta1-beta2)' },
      instances: SMALL,
    },
    {
      id: 'hm-discrete-small-eta',
      statement: 'discrete at small η: rate 2λ0/(1 − β1 − β2) within 10%',
      method: 'hm',
      params: BETAS,
      regime: 'discrete',
      assert: { kind: 'linear', rate: '2*lambda0/(1-beta1-beta2)', tolerance: 0.1 },
      instances: { ...SMALL, eta: [0.02, 0.05] },
    },
  ],
  twins: [
    {
      id: 'hm-rate-wrong-constant',
      statement: 'FALSE: rate 2λ0/(1 − β1 − 2β2)',
      method: 'hm',
      params: BETAS,
      regime: 'ode',
      assert: { kind: 'linear', rate: '2*lambda0/(1-beta1-2*beta2)' },
      instances: SMALL,
    },
    {
      id: 'hm-second-order',
      statement: 'FALSE: the limit is second order Ẍ + Ẋ + ∇L = 0',
      method: 'hm',
      assert: { kind: 'ode', terms: { "X''": '1', "X'": '1', grad: '1' } },
    },
  ],
};

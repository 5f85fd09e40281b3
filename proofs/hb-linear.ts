/**
 * Claim 3 (Bu, Xu & Chen 2021, §4; Polyak 1964).
 *
 * Statement. Heavy ball x[k+1] = x[k] − η∇L(x[k]) + β(x[k] − x[k−1]) with β = 1 − γ√η and t = k√η
 * has the ODE limit Ẅ + γẆ + ∇L = 0; in output space ë + γė + He ≈ 0 (neglecting J̇Ẇ and the kernel
 * drift). Each mode decays like exp(−ρ(γ, λ)t) with ρ = γ/2 − Re√(γ²/4 − λ); the best damping
 * γ = 2√λ0 gives the loss rate 2√λ0 (critical damping of the slowest mode). The discrete iteration's
 * exact rate is the spectral radius of its companion matrix; with γ = 2√λ0 heavy ball beats GD per
 * step, as Polyak's theory says. With a fixed β and small η the limit is instead the rescaled
 * gradient flow Ẋ = −∇L/(1 − β) (method hb-fixed).
 */
import type { Proof } from '../src/claims/proof.ts';
import type { ClaimJson } from '../src/claims/claim-schema.ts';
import { checkOdeTerms } from '../src/claims/symbolic.ts';
import { lossPlot } from '../src/claims/plots.ts';
import { neglectedTermsProperty } from '../src/claims/network-checks.ts';

const SMALL: ClaimJson['instances'] = { data: 'sphere', n: [4, 12], d: [3, 8] };

export const proof: Proof = {
  id: 'hb-linear',
  title: 'Heavy ball: Ẅ + γẆ + ∇L = 0, linear rate ρ(γ, λ0), γ = 2√λ0 beats GD',
  statement:
    'HB with β = 1 − γ√η has the ODE Ẅ + γẆ + ∇L = 0 (output space ë + γė + He ≈ 0) and converges linearly; γ = 2√λ0 gives loss rate 2√λ0 and beats GD per step.',
  latex: String.raw`\ddot W + \gamma \dot W + \nabla L(W) = 0,\quad \ddot e + \gamma \dot e + H e \approx 0,\quad \rho(\gamma,\lambda) = \tfrac{\gamma}{2} - \operatorname{Re}\sqrt{\tfrac{\gamma^2}{4} - \lambda}`,
  method: 'hb',
  guarantee: 'upper bound',
  reference: 'Bu, Xu & Chen, AISTATS 2021, §4; Polyak 1964; Wang, Lin & Abernethy, ICML 2021',
  hypotheses: ['λ0 > 0', 'β = 1 − γ√η, t = k√η (second-order scaling)', 'NTK regime (frozen kernel)'],
  defaultRuns: 10,
  symbolic: () => [
    ...checkOdeTerms('hb', { "X''": '1', "X'": 'gamma', grad: '1' }, 'low', 'weight').obligations,
    ...checkOdeTerms('hb', { "X''": '1', "X'": 'gamma', grad: '1' }, 'low', 'output').obligations,
    // fixed β with small η: the limit is the rescaled gradient flow, not the second-order ODE
    ...checkOdeTerms('hb-fixed', { "X'": '1', grad: '1/(1-beta)' }, 'low', 'weight').obligations,
  ],
  claims: [
    {
      id: 'hb-ode-rate',
      statement: 'γ = 2√λ0: loss ≤ C·exp(−2√λ0 t)',
      method: 'hb',
      params: { gamma: '2*sqrt(lambda0)' },
      regime: 'ode',
      assert: { kind: 'linear', rate: '2*sqrt(lambda0)' },
      instances: SMALL,
    },
    {
      id: 'hb-ode-overdamped',
      statement: 'γ = 4√λ0 (overdamped): loss rate 2(γ/2 − √(γ²/4 − λ0))',
      method: 'hb',
      params: { gamma: '4*sqrt(lambda0)' },
      regime: 'ode',
      assert: { kind: 'linear', rate: '2*(gamma/2 - sqrt(gamma^2/4 - lambda0))' },
      instances: SMALL,
    },
    {
      id: 'hb-beats-gd',
      statement:
        'discrete, η = 1/(8λmax), γ = 2√λ0: HB loses at least 1.5× GD’s per-step loss rate −2 ln(1 − ηλ0) (per unit t = k√η: −3 ln(1 − ηλ0)/√η)',
      method: 'hb',
      params: { gamma: '2*sqrt(lambda0)', eta: '1/(8*lambdaMax)' },
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-3*log(1-eta*lambda0)/sqrt(eta)' },
      instances: SMALL,
    },
  ],
  properties: [
    neglectedTermsProperty(
      'output-space ODE: neglected terms ‖(H(t) − H(0))e‖/‖H(0)e‖ ≤ 1/4 on a real HB run (m = 8000)',
      0.25,
    ),
  ],
  twins: [
    {
      id: 'hb-ode-wrong-damping',
      statement: 'FALSE: HB ODE damping 2γ',
      method: 'hb',
      assert: { kind: 'ode', terms: { "X''": '1', "X'": '2*gamma', grad: '1' } },
    },
    {
      id: 'hb-ode-rate-too-fast',
      statement: 'FALSE: γ = 2√λ0 gives loss rate 4√λ0',
      method: 'hb',
      params: { gamma: '2*sqrt(lambda0)' },
      regime: 'ode',
      assert: { kind: 'linear', rate: '4*sqrt(lambda0)' },
      instances: SMALL,
    },
    {
      id: 'hb-beats-gd-1000x',
      statement: 'FALSE: discrete HB beats GD per step by a factor 1000',
      method: 'hb',
      params: { gamma: '2*sqrt(lambda0)', eta: '1/(8*lambdaMax)' },
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-2000*log(1-eta*lambda0)/sqrt(eta)' },
      instances: SMALL,
    },
    neglectedTermsProperty('FALSE TWIN: the neglected terms vanish (≤ 1e-4) at m = 8000', 1e-4),
  ],
  plots: (runs) =>
    lossPlot(runs, 'hb-ode-rate', 'Heavy ball, γ = 2√λ0 (ODE regime): loss against t', 'linear'),
};

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
import fc from 'fast-check';
import { worstDiscreteRate } from '../src/dynamics/discrete.ts';
import { integerIn, seedArbitrary } from '../src/claims/arbitraries.ts';
import { buildInstance } from '../src/claims/instance.ts';
import { defaultEta, discreteRegime } from '../src/claims/regimes.ts';
import { checkProperty, type NumericProperty, type Proof } from '../src/claims/proof.ts';
import { checkOdeTerms } from '../src/claims/symbolic.ts';
import { lossPlot } from '../src/claims/plots.ts';
import { neglectedTermsProperty } from '../src/claims/network-checks.ts';
import { exactDiscreteRateProperty } from '../src/claims/discrete-checks.ts';

const SMALL = { data: 'sphere', n: [4, 12], d: [3, 8] };

/** HB (γ = 2√λ0) against GD at the same η: per-step loss rates of the linearised iteration. */
function hbBeatsGd(factor: number, name: string): NumericProperty {
  return {
    name,
    check: ({ runs, seed }) =>
      checkProperty(
        name,
        fc.record({ n: integerIn([4, 12]), d: integerIn([3, 8]), seed: seedArbitrary }),
        async ({ n, d, seed: s }) => {
          const inst = buildInstance({ data: 'sphere', n, d, seed: s, width: 1000, eta: null, params: {} });
          const eta = defaultEta(inst.lambdaMax) / 4;
          const gamma = 2 * Math.sqrt(inst.lambda0);
          const hb = discreteRegime('hb', { gamma }, inst, eta, { steps: 4000 });
          const gd = discreteRegime('gd', {}, inst, eta, { steps: 4000 });
          const perStep = (loss: Float64Array) => {
            const k = Math.min(loss.length - 1, 3000);
            return -Math.log(loss[k] / loss[0]) / k;
          };
          const rHb = perStep(hb.loss);
          const rGd = perStep(gd.loss);
          // theory: exact spectral radii of the companion matrices (loss rate per step = −2 ln ρ)
          const beta = 1 - gamma * Math.sqrt(eta);
          const thHb =
            -2 * Math.log(worstDiscreteRate('hb-fixed', { eta, beta }, inst.lambda0, inst.lambdaMax).rate);
          const thGd = -2 * Math.log(worstDiscreteRate('gd', { eta }, inst.lambda0, inst.lambdaMax).rate);
          const ok = rHb >= factor * rGd;
          return {
            status: ok ? 'pass' : 'fail',
            computed: rHb / rGd,
            theory: thHb / thGd,
            detail: `per-step loss rate HB ${rHb.toPrecision(3)} vs GD ${rGd.toPrecision(3)} (ratio ${(rHb / rGd).toPrecision(3)}, claimed ≥ ${factor}; exact companion-matrix ratio ${(thHb / thGd).toPrecision(3)})`,
          };
        },
        { runs, seed },
      ),
  };
}

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
  ],
  properties: [
    hbBeatsGd(1.5, 'HB with γ = 2√λ0 beats GD per step (rate ratio ≥ 1.5)'),
    exactDiscreteRateProperty(
      'discrete HB (γ = 2√λ0, η = 1/(8λmax)): measured per-step rate = exact −2 ln ρ(T) within 5%',
      'hb',
      (l0) => ({ gamma: 2 * Math.sqrt(l0) }),
      0.25,
    ),
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
    hbBeatsGd(1e3, 'FALSE TWIN: HB beats GD per step by a factor 1000'),
    exactDiscreteRateProperty(
      'FALSE TWIN: discrete HB per-step rate = −3 ln ρ(T)',
      'hb',
      (l0) => ({ gamma: 2 * Math.sqrt(l0) }),
      0.25,
      1.5,
    ),
    neglectedTermsProperty('FALSE TWIN: the neglected terms vanish (≤ 1e-4) at m = 8000', 1e-4),
  ],
  plots: (runs) =>
    lossPlot(runs, 'hb-ode-rate', 'Heavy ball, γ = 2√λ0 (ODE regime): loss against t', 'linear'),
};

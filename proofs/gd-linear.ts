/**
 * Claim 2 (Du et al. 2019; Bu, Xu & Chen 2021, §3).
 *
 * Statement. Gradient descent x[k+1] = x[k] − η∇L(x[k]) has the ODE limit Ẇ = −∇L (t = kη); in the
 * NTK regime the prediction error follows ė = −He, and
 *   ‖e(t)‖² ≤ exp(−λ0 t)‖e(0)‖²   (Du et al.; on H∞ exactly the loss rate 2λ0 asymptotically).
 * At a finite step the linearised iteration contracts each mode by (1 − ηλ); the slowest mode gives
 * the loss rate −2 ln(1 − ηλ0)/η per unit t = kη.
 *
 * Obligations: symbolic — the derived weight-space and output-space ODEs; numeric — the loss rate
 * 2λ0 in the ODE regime, the exact discrete rate −2 ln(1 − ηλ0)/η, the rate λ0 of real training at
 * width m (with the NTK drift hypothesis checked on every run).
 * False twins: "GD decays ‖e‖² at rate 3λ0"; a discrete rate 1.5× too fast; "GD is sublinear".
 */
import type { ClaimRun } from '../src/claims/runner.ts';
import { checkOdeTerms } from '../src/claims/symbolic.ts';
import type { PlotSpec, Proof } from '../src/claims/proof.ts';
import type { ClaimJson } from '../src/claims/claim-schema.ts';
import { lossPlot } from '../src/claims/plots.ts';
import { gdDiscreteRateProperty } from '../src/claims/network-checks.ts';

const SMALL: ClaimJson['instances'] = { data: 'sphere', n: [4, 12], d: [3, 8] };

export const proof: Proof = {
  id: 'gd-linear',
  title: 'GD: ė = −He and linear convergence at rate λ0 (2λ0 on H∞)',
  statement:
    'Gradient descent on a wide two-layer ReLU net: ė = −He, ‖e(t)‖² ≤ exp(−λ0 t)‖e(0)‖²; the discrete rate is ln(1 − ηλ_min).',
  latex: String.raw`\dot e = -H e, \qquad \|e(t)\|^2 \le e^{-\lambda_0 t}\,\|e(0)\|^2, \qquad \rho_{\text{disc}} = 1 - \eta\lambda_0`,
  method: 'gd',
  guarantee: 'upper bound',
  reference: 'Du, Zhai, Póczos & Singh, ICLR 2019, Theorem 3.2 and 4.1; Bu, Xu & Chen, AISTATS 2021, §3',
  hypotheses: [
    'λ0 > 0',
    'width large enough that ‖H(t) − H(0)‖₂ stays ≤ λ0/4 (checked per run)',
    'η < 2/λmax (discrete)',
  ],
  defaultRuns: 10,
  symbolic: () => [
    ...checkOdeTerms('gd', { "X'": '1', grad: '1' }, 'low', 'weight').obligations,
    ...checkOdeTerms('gd', { "X'": '1', grad: '1' }, 'low', 'output').obligations,
  ],
  claims: [
    {
      id: 'gd-ode-rate',
      statement: 'loss ≤ C·exp(−2λ0 t) for ė = −H∞e',
      method: 'gd',
      regime: 'ode',
      assert: { kind: 'linear', rate: '2*lambda0' },
      instances: SMALL,
    },
    {
      id: 'gd-discrete-rate',
      statement: 'linearised GD: loss rate −2 ln(1 − ηλ0)/η per unit t = kη',
      method: 'gd',
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-2*log(1-eta*lambda0)/eta' },
      instances: SMALL,
    },
    {
      id: 'gd-network-rate',
      statement: 'real training: loss ≤ C·exp(−λ0 t) at width m',
      method: 'gd',
      regime: 'network',
      assert: { kind: 'linear', rate: 'lambda0' },
      instances: { data: 'sphere', n: [4, 6], d: [5, 8], width: [12000, 20000], runs: 2 },
    },
  ],
  properties: [
    gdDiscreteRateProperty('real net (m = 8000): per-step loss rate = −2 ln(1 − ηλ_min(H(t))) within 5%'),
  ],
  twins: [
    gdDiscreteRateProperty('FALSE TWIN: real net per-step loss rate = −3 ln(1 − ηλ_min(H(t)))', 1.5),
    {
      id: 'gd-rate-3lambda0',
      statement: 'FALSE: GD decays ‖e‖² at rate 3λ0',
      method: 'gd',
      regime: 'ode',
      assert: { kind: 'linear', rate: '3*lambda0' },
      instances: SMALL,
    },
    {
      id: 'gd-discrete-rate-too-fast',
      statement: 'FALSE: discrete loss rate −3 ln(1 − ηλ0)/η',
      method: 'gd',
      regime: 'discrete',
      assert: { kind: 'linear', rate: '-3*log(1-eta*lambda0)/eta' },
      instances: SMALL,
    },
    {
      id: 'gd-is-sublinear',
      statement: 'FALSE: GD decays polynomially',
      method: 'gd',
      regime: 'discrete',
      assert: { kind: 'sublinear', exponent: '1' },
      instances: SMALL,
    },
  ],
  plots: (runs: ClaimRun[]): PlotSpec[] =>
    lossPlot(runs, 'gd-ode-rate', 'GD (ODE regime): loss against t', 'linear'),
};

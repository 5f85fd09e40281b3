/**
 * The hyperparameters the theory calls optimal on a spectrum [μ, L] = [λ0, λmax], and the rates they
 * reach. The closed forms are the literature's; the rates returned are recomputed from the method
 * specs (spectral radius of the linearised step map, worst mode), so a wrong formula shows up as a
 * mismatch in the tests rather than being copied through.
 *
 * - Gradient descent, η = 2/(μ + L): ρ = (κ − 1)/(κ + 1).
 * - Polyak's heavy ball, α = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²: ρ = (√κ − 1)/(√κ + 1).
 * - Nesterov (nag-sc), s = 1/L, momentum (√κ − 1)/(√κ + 1): ρ = 1 − 1/√κ (double root at λ = μ).
 * - ODE limits: heavy ball ë + γė + λe = 0 is fastest at γ* = 2√λ0 with rate √λ0 (gradient flow: λ0);
 *   nag-sc's ë + 2√μ ė + λe = 0 likewise at μ = λ0.
 */
import type { ParamValues } from '../spec/compile.ts';
import { worstDiscreteRate } from './discrete.ts';
import { gradientFlowRate, hbOptimalDamping } from './modes.ts';

export interface OptimalSetting {
  /** Discrete optimum: parameters of the method as run, and its worst-mode spectral radius per step. */
  discrete: { name: string; params: ParamValues; rate: number; formula: number } | null;
  /** ODE optimum: parameters of the ODE limit and its rate per unit ODE time. */
  ode: { params: ParamValues; odeRate: number } | null;
}

export function polyakHeavyBall(mu: number, L: number): { eta: number; beta: number; rate: number } {
  const sk = Math.sqrt(L / mu);
  return {
    eta: 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2,
    beta: ((sk - 1) / (sk + 1)) ** 2,
    rate: (sk - 1) / (sk + 1),
  };
}

export function gdOptimalStep(mu: number, L: number): { eta: number; rate: number } {
  const k = L / mu;
  return { eta: 2 / (mu + L), rate: (k - 1) / (k + 1) };
}

export function nesterovConstantMomentum(mu: number, L: number): { s: number; beta: number; rate: number } {
  const sk = Math.sqrt(L / mu);
  return { s: 1 / L, beta: (sk - 1) / (sk + 1), rate: 1 - 1 / sk };
}

/** The optimum for a built-in method (null for methods the theory gives none: nag-c, hm, specs). */
export function optimalHyperparameters(
  builtin: string | null,
  _params: ParamValues,
  spectrum: { lambda0: number; lambdaMax: number },
): OptimalSetting | null {
  const { lambda0: mu, lambdaMax: L } = spectrum;
  switch (builtin) {
    case 'gd': {
      const o = gdOptimalStep(mu, L);
      const p = { eta: o.eta };
      return {
        discrete: {
          name: 'η=2/(μ+L)',
          params: p,
          rate: worstDiscreteRate('gd', p, mu, L).rate,
          formula: o.rate,
        },
        ode: { params: {}, odeRate: gradientFlowRate(mu) },
      };
    }
    case 'hb':
    case 'hb-fixed': {
      const o = polyakHeavyBall(mu, L);
      const p = { eta: o.eta, beta: o.beta };
      const ode = builtin === 'hb' ? hbOptimalDamping(mu) : null;
      return {
        discrete: {
          name: 'Polyak',
          params: p,
          rate: worstDiscreteRate(builtin, p, mu, L).rate,
          formula: o.rate,
        },
        ode: ode ? { params: { gamma: ode.gamma }, odeRate: ode.odeRate } : null,
      };
    }
    case 'nag-sc': {
      const o = nesterovConstantMomentum(mu, L);
      const p = { s: o.s, beta: o.beta };
      const ode = hbOptimalDamping(mu);
      return {
        discrete: {
          name: 'Nesterov',
          params: p,
          rate: worstDiscreteRate('nag-sc', p, mu, L).rate,
          formula: o.rate,
        },
        ode: { params: { mu }, odeRate: ode.odeRate },
      };
    }
    default:
      return null;
  }
}

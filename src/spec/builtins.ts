/**
 * The built-in methods as spec objects: the same data `dynview derive` reads and the trainer runs.
 * Each is what the literature writes, in the spec format of src/spec/types.ts.
 */
import type { MethodSpec } from './types.ts';

export const GD: MethodSpec = {
  name: 'gd',
  description: 'Gradient descent: x[k+1] = x[k] − η∇f(x[k]).',
  params: ['eta'],
  step: 'eta',
  time: 'k*eta',
  update: ['x[k+1] = x[k] - eta*grad(x[k])'],
};

export const HB: MethodSpec = {
  name: 'hb',
  description:
    'Heavy ball (Polyak) with the second-order scaling law β = 1 − γ√η, t = k√η. ' +
    'Setting beta directly (e.g. --beta 0.5) overrides the scaling law (fixed momentum).',
  params: ['eta', 'gamma'],
  step: 'eta',
  time: 'k*sqrt(eta)',
  let: { beta: '1 - gamma*sqrt(eta)' },
  update: ['x[k+1] = x[k] - eta*grad(x[k]) + beta*(x[k] - x[k-1])'],
};

export const HB_FIXED: MethodSpec = {
  name: 'hb-fixed',
  description:
    "Heavy ball with a fixed momentum β and time k·η, as the paper's experiments run it; " +
    'its limit is the rescaled gradient flow Ẋ = −∇f(X)/(1 − β).',
  params: ['eta', 'beta'],
  step: 'eta',
  time: 'k*eta',
  update: ['x[k+1] = x[k] - eta*grad(x[k]) + beta*(x[k] - x[k-1])'],
};

export const NAG_C: MethodSpec = {
  name: 'nag-c',
  description: 'Nesterov for convex functions (Su, Boyd & Candès): momentum (k−1)/(k+r−1), t = k√s.',
  params: ['s', 'r'],
  defaults: { r: 3 },
  step: 's',
  time: 'k*sqrt(s)',
  update: ['y[k] = x[k] + (k-1)/(k+r-1)*(x[k]-x[k-1])', 'x[k+1] = y[k] - s*grad(y[k])'],
};

export const NAG_SC: MethodSpec = {
  name: 'nag-sc',
  description:
    'Nesterov for strongly convex functions (Shi, Du, Jordan & Su form): ' +
    'z[k] = x[k] − s∇f(x[k]), x[k+1] = z[k] + β(z[k] − z[k−1]), β = (1 − √(μs))/(1 + √(μs)). ' +
    'Setting beta directly overrides the law (constant momentum).',
  params: ['s', 'mu'],
  step: 's',
  time: 'k*sqrt(s)',
  let: { beta: '(1 - sqrt(mu*s))/(1 + sqrt(mu*s))' },
  update: ['z[k] = x[k] - s*grad(x[k])', 'x[k+1] = z[k] + beta*(z[k] - z[k-1])'],
};

export const HM: MethodSpec = {
  name: 'hm',
  description:
    'The paper\'s two-momentum ("higher-order") method: ' +
    'x[k+1] − x[k] = β1(x[k] − x[k−1]) + β2(x[k−1] − x[k−2]) − η∇f(x[k]), fixed β1, β2, t = k·η.',
  params: ['eta', 'beta1', 'beta2'],
  step: 'eta',
  time: 'k*eta',
  update: ['x[k+1] = x[k] + beta1*(x[k]-x[k-1]) + beta2*(x[k-1]-x[k-2]) - eta*grad(x[k])'],
};

export const BUILTIN_METHODS: Record<string, MethodSpec> = {
  gd: GD,
  hb: HB,
  'hb-fixed': HB_FIXED,
  'nag-c': NAG_C,
  'nag-sc': NAG_SC,
  hm: HM,
};

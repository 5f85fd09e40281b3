/**
 * The optimizers of Bu, Xu & Chen's notebook as method specs (src/spec/types.ts): the ONE definition
 * each; the standard-MLP runs, the NTK runs and the linearised mode iteration all compile these
 * through src/spec/compile.ts.
 *
 * - torch-momentum (examples/methods/torch-momentum.json): torch.optim.SGD(momentum=β): v[k] = β v[k−1] + ∇L(x[k]); x[k+1] = x[k] − η v[k].
 *   The Stepper's convention (an auxiliary's own earlier value before the start is 0) gives
 *   v[0] = ∇L(x[0]), PyTorch's buffer initialisation. It equals heavy ball x[k+1] = x[k] − η∇L +
 *   β(x[k] − x[k−1]) exactly (hb-fixed), which the tests check.
 * - pytorch-nesterov: torch.optim.SGD(momentum=μ, nesterov=True): v[k] = μ v[k−1] + ∇L(x[k]);
 *   x[k+1] = x[k] − η(∇L(x[k]) + μ v[k]), with the notebook's schedule μ = (e−1)/(e+d−1) set at
 *   epoch e. Epochs are counted from e = 1, so the first epoch has μ = 0 (a plain gradient step;
 *   counting from 0 would give a negative first momentum −1/(d−1)). The spec's iteration index is
 *   k = e − 1 (start 0, like every other method, so trainers that index losses by k need no
 *   offset), hence μ_k = k/(k+d). The paper's d is the spec's parameter `d` (Su, Boyd & Candès' r).
 * - hm: the paper's two-momentum method, the built-in `hm` (x[k+1] − x[k] = β1(x[k] − x[k−1]) +
 *   β2(x[k−1] − x[k−2]) − η∇L).
 * - gd: the built-in `gd`.
 */
import type { MethodSpec } from '../spec/types.ts';
import { GD, HM } from '../spec/builtins.ts';
import torchMomentum from '../../examples/methods/torch-momentum.json' with { type: 'json' };

/** The user-facing example spec is the definition (examples/methods/torch-momentum.json). */
export const PYTORCH_MOMENTUM: MethodSpec = torchMomentum;

export const PYTORCH_NESTEROV: MethodSpec = {
  name: 'pytorch-nesterov',
  description:
    'torch.optim.SGD(nesterov=True) with the momentum (k−1)/(k+d−1) set at epoch e = k+1 (μ_k = k/(k+d)).',
  params: ['eta', 'd'],
  step: 'eta',
  time: 'k*eta',
  update: ['v[k] = k/(k+d)*v[k-1] + grad(x[k])', 'x[k+1] = x[k] - eta*(grad(x[k]) + k/(k+d)*v[k])'],
};

export const BU2021_METHODS = {
  gd: GD,
  hb: PYTORCH_MOMENTUM,
  nag: PYTORCH_NESTEROV,
  hm: HM,
} as const;

export type Bu2021Method = keyof typeof BU2021_METHODS;

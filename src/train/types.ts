/**
 * Shared types of the trainer (src/train). Engines (direct, fast) produce the same Trajectory;
 * the fast engine must follow the direct one to 1e-10 relative with exact probes.
 */
import type { Dataset } from '../data/types.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { ParamValues } from '../spec/compile.ts';

/** The two-layer net f(x) = (1/√m) Σ_r a_r relu(w_r·x); only W is trained. */
export interface Network {
  m: number;
  d: number;
  /** Initial first layer, m*d row-major, w_r ~ N(0, scale² I). */
  W0: Float64Array;
  /** Second layer, fixed, a_r ∈ {+1, −1}. */
  a: Float64Array;
  /** Init scale of W0 (1 = N(0, I)). */
  scale: number;
}

/** Measurements taken every probeEvery steps (and at step 0 and the last step). */
export interface Probe {
  step: number;
  /** λ_min and λ_max of the empirical NTK H(W(t)). */
  lambdaMin: number;
  lambdaMax: number;
  /** ‖H(t) − H(0)‖₂. */
  kernelDrift: number;
  /** max_r ‖w_r(t) − w_r(0)‖. */
  weightDrift: number;
  /** Fraction of activation patterns 1{w_r·x_i ≥ 0} that differ from t = 0. */
  flipFraction: number;
  /** ‖(H(t) − H(0)) e(t)‖ / ‖H(0) e(t)‖: how far the output dynamics is from the frozen-kernel one. */
  relativeKernelAction?: number;
  /**
   * Pairs (r, i) whose activation 1{w_r·x_i ≥ 0} changed between two consecutive iterates since the
   * previous probe (the model loop only: train both, bias, ggn).
   */
  kinkCrossings?: number;
  /**
   * First-order shift of λ_min(H(t)) that those pairs can cause: Σ |vᵀΔH v| over them, ΔH the change
   * of H when the pair's activation toggles, v the eigenvector of λ_min. A pair pinned at the ReLU
   * kink (z_ri → 0, crossing back and forth) makes the dynamics a sliding mode whose effective kernel
   * lies between the two sides, so λ_min of the kernel the dynamics sees is known from the probe only
   * to within about this much.
   */
  kinkShift?: number;
  /**
   * The linearisation remainder of the step into this probe: ‖e_k − e_{k−1} − J_{k−1}(θ_k − θ_{k−1})‖
   * / ‖e_k − e_{k−1}‖ (0 for a linear model; the model loop only).
   */
  stepResidual?: number;
}

export type Engine = 'direct' | 'fast' | 'auto';

export interface TrainConfig {
  data: Dataset;
  width: number;
  /** Built-in method name, or a spec object (a user's spec trains the same way). */
  method: string | MethodSpec;
  /** Parameter values by spec symbol (the step symbol set from --eta). */
  params: ParamValues;
  steps: number;
  seed: number;
  /** Probe every this many steps (0 = only first and last). */
  probeEvery: number;
  /** Scale of W0 (default 1). */
  initScale?: number;
  engine?: Engine;
  /**
   * Where the direct engine keeps its vectors: the weights, the span of the data rows (d > n), or
   * the cheaper of the two ('auto', the default). See src/train/representation.ts.
   */
  representation?: 'auto' | 'weights' | 'span';
  /**
   * Trained layers: 'first' (W only, a frozen: the paper's setting, the default) or 'both' (W and
   * a; the NTK adds the degree-1 arc-cosine kernel). Options other than the default run in the
   * direct loop of src/train/both-layers.ts; the fast engine refuses them.
   */
  train?: 'first' | 'both';
  /** A trained hidden bias relu(w_r·x + b_r) (= a constant input coordinate 1). Default false. */
  bias?: boolean;
  /** Called now and then with the number of steps done. */
  onProgress?: (done: number, total: number) => void;
}

export interface Trajectory {
  status: 'ok' | 'diverged';
  /** Steps actually run. */
  steps: number;
  /** Step at which divergence was detected (null when ok). */
  divergedAt: number | null;
  /** Loss ½‖u − y‖² at steps 0..steps (length steps+1). */
  loss: Float64Array;
  /** ‖u − y‖ at steps 0..steps. */
  errNorm: Float64Array;
  probes: Probe[];
  /** λ0 and λ_max of H∞ of the data. */
  lambda0: number;
  lambdaMax: number;
  /** Fitted slope of ln(loss) per step over the window [from, to] (last half by default). */
  rate: { perStep: number; window: [number, number] } | null;
  seconds: number;
  engine: 'direct' | 'fast';
  /** Representation of the direct engine's vectors (src/train/representation.ts). */
  representation?: 'weights' | 'span';
  method: string;
  params: ParamValues;
  width: number;
  seed: number;
  /** The model options the run used (absent = first layer only, no bias). */
  train?: 'first' | 'both';
  bias?: boolean;
  /** Final weights W(steps) (m*d), for callers that need them (not serialised). */
  finalW?: Float64Array;
}

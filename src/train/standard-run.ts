/**
 * Training runs of the authors' standard-parameterisation model (src/train/mlp-standard.ts; the
 * bu2021 experiments use it beside the NTK trainer of trainer.ts) with a method spec compiled through
 * src/spec/compile.ts — the same Stepper and divergence rule as every other run — and its empirical
 * tangent kernel.
 *
 * Loss curve: L(x[k]) for k = 0..epochs (the mean squared error the notebook prints). Every method
 * of the paper evaluates exactly one gradient per epoch, at x[k], so L(x[k]) is read off the
 * gradient call; the last value takes one extra forward pass. Divergence (a non-finite loss or a
 * loss above 10⁶ × L(x[0]), the one rule of src/util/divergence.ts) stops the run with status
 * 'diverged'; its curve ends there.
 */
import { compileMethod, type ParamValues } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { Dataset } from '../data/types.ts';
import { StandardMlp, initStandardMlp, type BiasInit } from './mlp-standard.ts';
import { spectralNormSymmetric } from '../linalg/eigen.ts';
import { isDiverged } from '../util/divergence.ts';

export interface StandardRunConfig {
  data: Dataset;
  width: number;
  method: MethodSpec;
  params: ParamValues;
  epochs: number;
  seed: number;
  biasInit?: BiasInit;
  /** Also compute the empirical tangent kernel at the start and the end (cost n²·m each). */
  kernel?: boolean;
  onEpoch?: (done: number) => void;
}

export interface StandardRun {
  status: 'ok' | 'diverged';
  /** Loss at x[0..epochs] (shorter when diverged). */
  loss: Float64Array;
  divergedAt: number | null;
  seconds: number;
  /** ‖K(T) − K(0)‖₂ / ‖K(0)‖₂ of the empirical tangent kernel (when kernel: true). */
  relativeKernelDrift?: number;
  /** K(0) (n×n) and u(0), for the linearised prediction (when kernel: true). */
  kernel0?: Float64Array;
  u0?: Float64Array;
}

export function runStandard(cfg: StandardRunConfig): StandardRun {
  const t0 = performance.now();
  const { data, width: m, epochs } = cfg;
  const mlp = new StandardMlp(data, m);
  const theta0 = initStandardMlp(data.d, m, cfg.seed, { biasInit: cfg.biasInit });
  const stepper = compileMethod(cfg.method, cfg.params).stepper(theta0);
  let kernel0: Float64Array | undefined;
  let u0: Float64Array | undefined;
  if (cfg.kernel) {
    kernel0 = standardTangentKernel(mlp, theta0);
    u0 = Float64Array.from(mlp.outputs(theta0));
  }
  const loss = new Float64Array(epochs + 1);
  let status: 'ok' | 'diverged' = 'ok';
  let divergedAt: number | null = null;
  let last = epochs;
  for (let k = 0; k < epochs; k++) {
    const before = stepper.gradEvals;
    stepper.step(mlp.gradient);
    if (stepper.gradEvals !== before + 1)
      throw new Error(
        `method '${cfg.method.name}' evaluated ${stepper.gradEvals - before} gradients in one epoch; the loss read-off assumes one, at x[k]`,
      );
    loss[k] = mlp.lastLoss;
    if (isDiverged(loss[k], loss[0])) {
      status = 'diverged';
      divergedAt = k;
      last = k;
      break;
    }
    cfg.onEpoch?.(k + 1);
  }
  if (status === 'ok') {
    loss[epochs] = mlp.loss(stepper.x);
    if (isDiverged(loss[epochs], loss[0])) {
      status = 'diverged';
      divergedAt = epochs;
    }
  }
  const out: StandardRun = { status, loss: loss.slice(0, last + 1), divergedAt, seconds: 0, kernel0, u0 };
  if (cfg.kernel && kernel0 && status === 'ok') {
    const K1 = standardTangentKernel(mlp, stepper.x);
    const diff = new Float64Array(K1.length);
    for (let p = 0; p < diff.length; p++) diff[p] = K1[p] - kernel0[p];
    out.relativeKernelDrift = spectralNormSymmetric(diff, data.n) / spectralNormSymmetric(kernel0, data.n);
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

/**
 * The empirical tangent kernel K = J Jᵀ (n×n) of the standard MLP at θ, J = ∂u/∂θ:
 *   K_ik = Σ_r [ a_r² 1{z_ir > 0} 1{z_kr > 0} (x_i·x_k + 1) + relu(z_ir) relu(z_kr) ].
 * Under gradient flow on the mean squared error, du/dt = −(2/n) K (u − y).
 */
export function standardTangentKernel(mlp: StandardMlp, theta: Float64Array): Float64Array {
  const { n, m } = mlp;
  mlp.outputs(theta);
  const Z = mlp.Z;
  const a = theta.subarray(mlp.layout.a, mlp.layout.a + m);
  const a2 = new Float64Array(m);
  for (let r = 0; r < m; r++) a2[r] = a[r] * a[r];
  // Data Gram from CSR rows.
  const { rowPtr, col, val, d } = mlp.X;
  const dense = new Float64Array(d);
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    dense.fill(0);
    for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) dense[col[q]] = val[q];
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let q = rowPtr[k]; q < rowPtr[k + 1]; q++) s += dense[col[q]] * val[q];
      G[i * n + k] = s;
      G[k * n + i] = s;
    }
  }
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const zi = i * m;
    for (let k = i; k < n; k++) {
      const zk = k * m;
      let s1 = 0;
      let s2 = 0;
      for (let r = 0; r < m; r++) {
        const p = Z[zi + r];
        const q = Z[zk + r];
        if (p > 0 && q > 0) {
          s1 += a2[r];
          s2 += p * q;
        }
      }
      const v = s1 * (G[i * n + k] + 1) + s2;
      K[i * n + k] = v;
      K[k * n + i] = v;
    }
  }
  return K;
}

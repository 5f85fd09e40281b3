/**
 * The direct training loop for the model options beyond the paper's analysis: BOTH layers trained
 * (`train: 'both'`), a trained hidden bias (`bias: true`) and methods that call the Gram–Gauss–Newton
 * primitive ggn(z, ε) (src/train/ggn.ts). The plain case (first layer, no bias, grad only) runs in
 * engine-direct / engine-fast; this loop gives the same trajectory for it (tested) and is the one
 * engine for the options above — the fast engine refuses them (src/train/trainer.ts).
 *
 * Model: f(x) = (1/√m) Σ_r a_r relu(w_r·x̃), x̃ = (x, 1) with a bias (its weight w_r,d+1 = b_r is
 * the hidden bias, drawn N(0, scale²) with w_r), x̃ = x without. Parameters θ = (W) for 'first',
 * θ = (W, a) for 'both' (W row-major m×d̃, then the m entries of a). Gradients:
 *   ∂L/∂w_r = (a_r/√m) Σ_i e_i 1{w_r·x̃_i ≥ 0} x̃_i,   ∂L/∂a_r = (1/√m) Σ_i e_i relu(w_r·x̃_i).
 * ggn(θ, ε) = Jᵀ(JJᵀ + εI)⁻¹ e: the same Jᵀ· product with e replaced by α = (H(θ) + εI)⁻¹e, H(θ) = JJᵀ
 * the empirical NTK of the model (src/ntk/both-layers.ts, 1/m convention).
 *
 * Probes: λ_min/λ_max of H(θ(t)), ‖H(t) − H(0)‖₂, max_r ‖w_r(t) − w_r(0)‖ (first layer), the fraction
 * of flipped activations and the relative kernel action. Deterministic: same config, same bits.
 */
import { compileMethod } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import type { Dataset } from '../data/types.ts';
import type { Probe, TrainConfig, Trajectory } from './types.ts';
import { initNetwork } from './network.ts';
import { assembleTrajectory } from './trajectory.ts';
import { isDiverged } from '../util/divergence.ts';
import { gradientAtIterate, isProbeStep } from './engine-direct.ts';
import { gramSolve, NotPositiveDefinite } from './ggn.ts';
import { modelData, ntkSpectrumModel, type ModelOptions, type TrainedLayers } from '../ntk/both-layers.ts';
import { dataGram } from '../ntk/gram.ts';
import { coActivationCounts } from '../ntk/activations.ts';
import { spectralNormSymmetric, symmetricEigen, symmetricEigenvalues } from '../linalg/eigen.ts';

/** The model options of a training config (defaults: first layer only, no bias). */
export function modelOf(config: Pick<TrainConfig, 'train' | 'bias'>): ModelOptions {
  return { train: config.train ?? 'first', bias: config.bias ?? false };
}

/**
 * The network state of the loop: pre-activations Z (m×n, Z[r·n + i] = w_r·x̃_i) at the point last
 * evaluated, outputs u and error e there.
 */
export class ModelNet {
  readonly m: number;
  readonly n: number;
  readonly d: number;
  readonly G: Float64Array;
  readonly Z: Float64Array;
  readonly u: Float64Array;
  readonly e: Float64Array;
  readonly alpha: Float64Array;
  readonly K: Float64Array;
  readonly work: Float64Array;

  constructor(
    readonly data: Dataset,
    m: number,
    readonly train: TrainedLayers,
    /** The frozen second layer (used when train = 'first'). */
    readonly aFixed: Float64Array,
  ) {
    this.m = m;
    this.n = data.n;
    this.d = data.d;
    this.G = dataGram(data);
    this.Z = new Float64Array(m * data.n);
    this.u = new Float64Array(data.n);
    this.e = new Float64Array(data.n);
    this.alpha = new Float64Array(data.n);
    this.K = new Float64Array(data.n * data.n);
    this.work = new Float64Array(data.n * data.n);
    this.unitSecondLayer = aFixed.every((v) => v * v === 1);
  }

  /** The frozen second layer is ±1 (the kernel then comes from activation bitsets). */
  private readonly unitSecondLayer: boolean;

  /** The second layer inside θ ('both') or the frozen one. */
  secondLayer(theta: Float64Array): Float64Array {
    return this.train === 'both' ? theta.subarray(this.m * this.d, this.m * this.d + this.m) : this.aFixed;
  }

  /** Forward pass at θ: Z, u, e = u − y; returns the loss ½‖e‖². */
  evaluate(theta: Float64Array): number {
    const { m, n, d, Z, u, e } = this;
    const X = this.data.X;
    const a = this.secondLayer(theta);
    u.fill(0);
    for (let r = 0; r < m; r++) {
      const wo = r * d;
      const ar = a[r];
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        let z = 0;
        for (let k = 0; k < d; k++) z += theta[wo + k] * X[xo + k];
        Z[r * n + i] = z;
        if (z >= 0) u[i] += ar * z;
      }
    }
    const s = 1 / Math.sqrt(m);
    let L = 0;
    for (let i = 0; i < n; i++) {
      u[i] *= s;
      const v = u[i] - this.data.y[i];
      e[i] = v;
      L += v * v;
    }
    return 0.5 * L;
  }

  /** out = Jᵀv at the point last evaluated (v = e gives the gradient of ½‖e‖²). */
  jacobianTranspose(theta: Float64Array, v: Float64Array, out: Float64Array): void {
    const { m, n, d, Z } = this;
    const X = this.data.X;
    const a = this.secondLayer(theta);
    const s = 1 / Math.sqrt(m);
    out.fill(0);
    const both = this.train === 'both';
    const ao = m * d;
    for (let r = 0; r < m; r++) {
      const go = r * d;
      const c = a[r] * s;
      let ga = 0;
      for (let i = 0; i < n; i++) {
        const z = Z[r * n + i];
        if (z < 0) continue;
        const ce = c * v[i];
        const xo = i * d;
        for (let k = 0; k < d; k++) out[go + k] += ce * X[xo + k];
        ga += v[i] * z;
      }
      if (both) out[ao + r] = ga * s;
    }
  }

  /** The empirical NTK H = JJᵀ (1/m convention) at the point last evaluated, into K. */
  kernel(theta: Float64Array, K: Float64Array = this.K): Float64Array {
    const { m, n, Z, G } = this;
    const a = this.secondLayer(theta);
    const both = this.train === 'both';
    if (!both && this.unitSecondLayer) {
      // a_r² = 1: H = (x_i·x_j)·#{r active on both}/m from activation bitsets, O(n²m/32).
      const words = (m + 31) >>> 5;
      const bits = new Int32Array(n * words);
      for (let r = 0; r < m; r++) {
        const word = r >>> 5;
        const bit = 1 << (r & 31);
        const zo = r * n;
        for (let i = 0; i < n; i++) if (Z[zo + i] >= 0) bits[i * words + word] |= bit;
      }
      coActivationCounts({ n, m, words, bits }, K);
      const inv = 1 / m;
      for (let p = 0; p < n * n; p++) K[p] *= G[p] * inv;
      return K;
    }
    K.fill(0);
    for (let r = 0; r < m; r++) {
      const a2 = a[r] * a[r];
      const zo = r * n;
      for (let i = 0; i < n; i++) {
        const zi = Z[zo + i];
        if (zi < 0) continue;
        for (let j = i; j < n; j++) {
          const zj = Z[zo + j];
          if (zj < 0) continue;
          K[i * n + j] += both ? a2 * G[i * n + j] + zi * zj : a2 * G[i * n + j];
        }
      }
    }
    const inv = 1 / m;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = K[i * n + j] * inv;
        K[i * n + j] = v;
        K[j * n + i] = v;
      }
    }
    return K;
  }

  /** out = Jᵀ(H + εI)⁻¹e at the point last evaluated. */
  ggn(theta: Float64Array, eps: number, out: Float64Array): void {
    this.kernel(theta);
    try {
      gramSolve(this.K, this.n, eps, this.e, this.alpha, this.work);
    } catch (err) {
      if (err instanceof NotPositiveDefinite)
        throw new SpecError(
          `ggn: the empirical NTK Gram matrix${eps > 0 ? ` + ${eps}·I` : ''} is singular to working precision (${err.message}); use a damping ε > 0, e.g. ggn(x[k], eps)`,
        );
      throw err;
    }
    this.jacobianTranspose(theta, this.alpha, out);
  }
}

/** Train the model of `config` (train/bias options, grad and ggn calls) with the direct loop. */
export function runModelDirect(config: TrainConfig): Trajectory {
  const t0 = performance.now();
  const { width: m, steps, seed } = config;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`width must be an integer >= 1, got ${m}`);
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`steps must be an integer >= 0, got ${steps}`);
  const model = modelOf(config);
  const data = modelData(config.data, model);
  const { n, d } = data;
  const net = initNetwork(d, m, seed, config.initScale ?? 1);
  const P = m * d + (model.train === 'both' ? m : 0);
  const theta0 = new Float64Array(P);
  theta0.set(net.W0);
  if (model.train === 'both') theta0.set(net.a, m * d);

  const compiled = compileMethod(config.method, config.params);
  const stepper = compiled.stepper(theta0);
  const reuse = gradientAtIterate(compiled.parsed);
  const spectrum = ntkSpectrumModel(config.data, model);
  const mn = new ModelNet(data, m, model.train, net.a);

  const loss = new Float64Array(steps + 1);
  const errNorm = new Float64Array(steps + 1);
  const probes: Probe[] = [];
  let freshAt = -1;
  // Pairs (r, i) whose activation changed between consecutive iterates since the last probe.
  const prevSign = new Uint8Array(m * n);
  const crossed = new Uint8Array(m * n);
  let crossings = 0;
  let signsKnown = false;
  const trackSigns = (): void => {
    const Z = mn.Z;
    if (!signsKnown) {
      for (let p = 0; p < m * n; p++) prevSign[p] = Z[p] >= 0 ? 1 : 0;
      signsKnown = true;
      return;
    }
    for (let p = 0; p < m * n; p++) {
      const sg = Z[p] >= 0 ? 1 : 0;
      if (sg !== prevSign[p]) {
        prevSign[p] = sg;
        if (crossed[p] === 0) {
          crossed[p] = 1;
          crossings++;
        }
      }
    }
  };
  const record = (k: number, L: number): void => {
    loss[k] = L;
    let s = 0;
    for (let i = 0; i < n; i++) s += mn.e[i] * mn.e[i];
    errNorm[k] = Math.sqrt(s);
    trackSigns();
  };
  const start = compiled.parsed.start;
  const at = (z: Float64Array): void => {
    const atIterate = z === stepper.x;
    const step = stepper.k - start;
    if (!(atIterate && freshAt === step)) {
      const L = mn.evaluate(z);
      if (atIterate) {
        record(step, L);
        freshAt = step;
      } else freshAt = -1;
    }
  };
  const grad = (z: Float64Array, out: Float64Array): void => {
    at(z);
    mn.jacobianTranspose(z, mn.e, out);
  };
  const ggn = (z: Float64Array, eps: number, out: Float64Array): void => {
    at(z);
    mn.ggn(z, eps, out);
  };

  // Probe state at t = 0.
  mn.evaluate(theta0);
  const H0 = Float64Array.from(mn.kernel(theta0));
  const sign0 = new Uint8Array(m * n);
  for (let p = 0; p < m * n; p++) sign0[p] = mn.Z[p] >= 0 ? 1 : 0;
  const Ht = new Float64Array(n * n);
  const D = new Float64Array(n * n);
  const takeProbe = (k: number, theta: Float64Array): Probe => {
    mn.kernel(theta, Ht);
    const ev = symmetricEigenvalues(Ht, n);
    for (let p = 0; p < n * n; p++) D[p] = Ht[p] - H0[p];
    let wd = 0;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let j = r * d; j < r * d + d; j++) s += (theta[j] - theta0[j]) ** 2;
      if (s > wd) wd = s;
    }
    let flips = 0;
    for (let p = 0; p < m * n; p++) if ((mn.Z[p] >= 0 ? 1 : 0) !== sign0[p]) flips++;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      let y = 0;
      for (let j = 0; j < n; j++) {
        x += D[i * n + j] * mn.e[j];
        y += H0[i * n + j] * mn.e[j];
      }
      num += x * x;
      den += y * y;
    }
    const kink = kinkShift(theta);
    return {
      step: k,
      lambdaMin: ev[0],
      lambdaMax: ev[n - 1],
      kernelDrift: spectralNormSymmetric(D, n),
      weightDrift: Math.sqrt(wd),
      flipFraction: flips / (m * n),
      relativeKernelAction: den > 0 ? Math.sqrt(num / den) : 0,
      kinkCrossings: kink.crossings,
      kinkShift: kink.shift,
      ...(k >= 1 && snap.step === k - 1 ? { stepResidual: stepResidual(theta) } : {}),
    };
  };

  // First-order shift of λ_min(H) from the pairs that crossed since the last probe: toggling the
  // activation of pair (r, i) changes row and column i of neuron r's term in H by
  // ΔH_ij = (a_r² x̃_i·x̃_j s_rj + |z_ri| relu(z_rj))/m (j ≠ i; both layers add the z term) and
  // ΔH_ii = (a_r² ‖x̃_i‖² + z_ri²)/m, so λ_min moves by vᵀΔHv to first order (v its eigenvector).
  // The sum of |vᵀΔHv| over the crossed pairs is how far any choice of their activations moves it.
  // Resets the crossed set.
  const kinkShift = (theta: Float64Array): { crossings: number; shift: number } => {
    const count = crossings;
    if (count === 0) return { crossings: 0, shift: 0 };
    const { vectors } = symmetricEigen(Float64Array.from(Ht), n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = vectors[i * n];
    const a = mn.secondLayer(theta);
    const both = model.train === 'both';
    const G = mn.G;
    const Z = mn.Z;
    let shift = 0;
    for (let r = 0; r < m; r++) {
      const o = r * n;
      const a2 = a[r] * a[r];
      for (let i = 0; i < n; i++) {
        if (crossed[o + i] === 0) continue;
        const zi = Math.abs(Z[o + i]);
        let off = 0;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const zj = Z[o + j];
          if (zj < 0) continue;
          off += (a2 * G[i * n + j] + (both ? zi * zj : 0)) * v[j];
        }
        shift += Math.abs(2 * v[i] * off + (a2 * G[i * n + i] + (both ? zi * zi : 0)) * v[i] * v[i]);
      }
    }
    crossed.fill(0);
    crossings = 0;
    return { crossings: count, shift: shift / m };
  };

  // The step into a probe: θ, e and Z at the iterate before it, for the linearisation remainder.
  const snap = {
    step: -1,
    theta: new Float64Array(P),
    e: new Float64Array(n),
    Z: new Float64Array(0),
  };
  const snapshot = (k: number): void => {
    if (freshAt !== k) {
      record(k, mn.evaluate(stepper.x));
      freshAt = k;
    }
    if (snap.Z.length === 0) snap.Z = new Float64Array(m * n);
    snap.step = k;
    snap.theta.set(stepper.x);
    snap.e.set(mn.e);
    snap.Z.set(mn.Z);
  };
  const stepResidual = (theta: Float64Array): number => {
    // J_{k−1}Δθ with the activations and second layer of the iterate before the step.
    const X = data.X;
    const s = 1 / Math.sqrt(m);
    const both = model.train === 'both';
    const aPrev = both ? snap.theta.subarray(m * d, m * d + m) : net.a;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      let jv = 0;
      for (let r = 0; r < m; r++) {
        const z = snap.Z[r * n + i];
        if (z < 0) continue;
        let dz = 0;
        for (let q = 0; q < d; q++) dz += (theta[r * d + q] - snap.theta[r * d + q]) * X[i * d + q];
        jv += aPrev[r] * dz + (both ? z * (theta[m * d + r] - snap.theta[m * d + r]) : 0);
      }
      const de = mn.e[i] - snap.e[i];
      const rem = de - s * jv;
      num += rem * rem;
      den += de * de;
    }
    return den > 0 ? Math.sqrt(num / den) : 0;
  };

  const every = Math.max(1, Math.floor(steps / 200));
  let status: 'ok' | 'diverged' = 'ok';
  let divergedAt: number | null = null;
  let done = steps;
  for (let k = 0; k <= steps; k++) {
    const wantProbe = isProbeStep(k, steps, config.probeEvery);
    if (k === steps || !reuse || wantProbe) {
      record(k, mn.evaluate(stepper.x));
      freshAt = k;
      if (isDiverged(loss[k], loss[0])) {
        status = 'diverged';
        divergedAt = k;
        done = k;
        break;
      }
      if (wantProbe) probes.push(takeProbe(k, stepper.x));
    }
    if (k === steps) break;
    if (config.probeEvery > 0 && isProbeStep(k + 1, steps, config.probeEvery)) snapshot(k);
    try {
      stepper.step(grad, ggn);
    } catch (err) {
      // The empirical Gram matrix turned singular after the start: an unstable ggn step (η ≳ 2) has
      // collapsed the activations — the run broke down, reported as divergence at this step. At
      // step 0 (duplicate inputs with ε = 0) it stays the input error it is.
      if (k > 0 && err instanceof SpecError && /^ggn: the empirical NTK Gram matrix/.test(err.message)) {
        status = 'diverged';
        divergedAt = k;
        done = k;
        break;
      }
      throw err;
    }
    freshAt = -1;
    if (reuse && isDiverged(loss[k], loss[0])) {
      status = 'diverged';
      divergedAt = k;
      done = k;
      break;
    }
    if (config.onProgress && (k + 1) % every === 0) config.onProgress(k + 1, steps);
  }
  config.onProgress?.(done, steps);
  const traj = assembleTrajectory({
    status,
    steps: done,
    divergedAt,
    loss,
    errNorm,
    probes,
    lambda0: spectrum.lambda0,
    lambdaMax: spectrum.lambdaMax,
    seconds: (performance.now() - t0) / 1000,
    engine: 'direct',
    method: compiled.parsed.spec.name,
    params: compiled.params,
    width: m,
    seed,
    finalW: Float64Array.from(stepper.x.subarray(0, m * d)),
  });
  return { ...traj, train: model.train, bias: model.bias };
}

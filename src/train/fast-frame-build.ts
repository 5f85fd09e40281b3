/**
 * Building a dual frame of the fast engine (the frame itself: src/train/fast-frame.ts). Given the
 * base point Q (an iterate, materialised) and the other vectors the method's stepper holds, the
 * build goes in five steps, one function each:
 *
 *   1. baseActivations  — pre-activations at Q (WebAssembly kernel): masks M_r, margins
 *                         μ_r = min_i |w_r(Q)·x_i|/‖x_i‖, Σ_r a_r relu(w_r(Q)·x_i), row scale;
 *   2. chooseNear       — rows with μ_r below the policy's threshold stay explicit ("near"); with
 *                         most rows near, all of them (an all-near frame is a direct step);
 *   3. residuals        — ρ_0 = W(Q); ρ_j = W_j − λ_j W(Q) (λ_j = κ_j/κ_Q) for the other held
 *                         vectors, on far rows, and R_j = max_far ‖ρ_{j,r}‖ (the flip bound's terms);
 *   4. outputParts      — P_j = (1/√m) Σ_far a_r M_r ∘ (X ρ_{j,r}), so u(z) = Σ_j c_j P_j + H_far s + u_near;
 *   5. farKernel        — H_far = (1/m) Σ_far (M_r M_rᵀ) ∘ (X Xᵀ), updated from the previous frame
 *                         for the rows whose mask or near/far status changed (recomputed every 32).
 *
 * Finally `encode` gives each held vector's coordinates in the new frame: the base is e_0, held
 * vector j is λ_j e_0 + e_j, and near rows carry their explicit weights.
 */
import { TrainingKernels } from '../kernels/training.ts';
import type { FastProblem } from './fast-problem.ts';
import { DualFrame, type FramePolicy } from './fast-frame.ts';
import type { NearRows } from './fast-near.ts';

/** A held vector, materialised, with its affine weight (c_0 in the old frame). */
export interface HeldWeights {
  W: Float64Array;
  kappa: number;
}

interface BaseActivations {
  mask: Uint8Array;
  margin: Float64Array;
  /** Σ over all rows of a_r relu(w_r(Q)·x_i), in row order. */
  outputSum: Float64Array;
  /** Largest ‖w_r(Q)‖. */
  rowScale: number;
}

/** Step 1: masks, margins and the unscaled outputs at Q. */
function baseActivations(p: FastProblem, WQ: Float64Array): BaseActivations {
  const { n, d, m, a, invXNorm } = p;
  const rows = p.dense ? null : { start: p.csr.xp, col: p.csr.xc, val: p.csr.xv };
  const k = new TrainingKernels(p.X, n, d, rows, a, p.invSqrtM);
  let Z: Float64Array;
  let mask: Uint8Array;
  try {
    Z = k.preactivations(WQ);
    mask = Uint8Array.from(k.mask);
  } finally {
    k.dispose();
  }
  const margin = new Float64Array(m);
  const outputSum = new Float64Array(n);
  let rowScale = 0;
  for (let r = 0; r < m; r++) {
    let nrm = 0;
    for (let t = r * d, end = t + d; t < end; t++) nrm += WQ[t] * WQ[t];
    if (nrm > rowScale) rowScale = nrm;
    let mu = Infinity;
    for (let i = 0; i < n; i++) {
      const b = Z[r * n + i];
      if (b >= 0) outputSum[i] += a[r] * b;
      const ix = invXNorm[i];
      if (ix > 0) {
        const v = Math.abs(b) * ix;
        if (v < mu) mu = v;
      }
    }
    margin[r] = mu;
  }
  return { mask, margin, outputSum, rowScale: Math.sqrt(rowScale) };
}

/** Step 2: the near set (ascending row numbers) and each row's position in it (−1: far). */
function chooseNear(
  margin: Float64Array,
  policy: FramePolicy,
): { near: Int32Array; nearIndex: Int32Array; allNear: boolean } {
  const m = margin.length;
  let nearCount = 0;
  for (let r = 0; r < m; r++) if (!(margin[r] >= policy.nearTau)) nearCount++;
  // With most rows near, the dual part does not pay for itself: keep every row explicit.
  const allNear = policy.allNear || nearCount > 0.6 * m;
  const nearList: number[] = [];
  for (let r = 0; r < m; r++) if (allNear || !(margin[r] >= policy.nearTau)) nearList.push(r);
  if (process.env.DYNVIEW_FAST_DEBUG) {
    const sorted = Float64Array.from(margin).sort();
    const q = (f: number): string => sorted[Math.min(m - 1, Math.floor(f * m))].toExponential(2);
    console.error(
      `frame: nearTau ${policy.nearTau.toExponential(2)} near ${nearList.length}/${m}${allNear ? ' (all near)' : ''}; margins q10% ${q(0.1)} q50% ${q(0.5)} q90% ${q(0.9)}`,
    );
  }
  const near = Int32Array.from(nearList);
  const nearIndex = new Int32Array(m).fill(-1);
  near.forEach((r, q) => {
    nearIndex[r] = q;
  });
  return { near, nearIndex, allNear };
}

/** Step 3: residual directions ρ_j on far rows, their bounds R_j and the affine ratios λ_j. */
function residuals(
  p: FastProblem,
  base: HeldWeights,
  others: HeldWeights[],
  nearIndex: Int32Array,
): { rho: Float64Array[]; rhoBound: Float64Array; lambdas: number[] } {
  const { m, d } = p;
  const WQ = base.W;
  const rho: Float64Array[] = [WQ];
  const lambdas: number[] = [];
  for (const o of others) {
    const lam = Math.abs(base.kappa) > 1e-300 ? o.kappa / base.kappa : 0;
    lambdas.push(lam);
    const R = new Float64Array(m * d);
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      for (let t = r * d, end = t + d; t < end; t++) R[t] = o.W[t] - lam * WQ[t];
    }
    rho.push(R);
  }
  const rhoBound = new Float64Array(rho.length);
  rho.forEach((R, j) => {
    let best = 0;
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      let s = 0;
      for (let t = r * d, end = t + d; t < end; t++) s += R[t] * R[t];
      if (s > best) best = s;
    }
    rhoBound[j] = Math.sqrt(best) * (1 + 1e-12);
  });
  return { rho, rhoBound, lambdas };
}

/** Step 4: the far rows' output parts P_j. */
function outputParts(
  p: FastProblem,
  base: BaseActivations,
  rho: Float64Array[],
  rhoBound: Float64Array,
  near: Int32Array,
  nearIndex: Int32Array,
): Float64Array[] {
  const { n, d, m, a, invSqrtM } = p;
  const { xp, xc, xv } = p.csr;
  const { mask } = base;
  const WQ = rho[0];
  // P_0: all rows' outputs at Q minus the near rows'.
  const P0 = Float64Array.from(base.outputSum);
  for (const r of near) {
    const wo = r * d;
    for (let i = 0; i < n; i++) {
      if (mask[r * n + i] === 0) continue;
      let b = 0;
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += WQ[wo + xc[h]] * xv[h];
      P0[i] -= a[r] * b;
    }
  }
  for (let i = 0; i < n; i++) P0[i] *= invSqrtM;
  const P: Float64Array[] = [P0];
  for (let j = 1; j < rho.length; j++) {
    const Pj = new Float64Array(n);
    P.push(Pj);
    if (rhoBound[j] === 0) continue;
    const R = rho[j];
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      const ro = r * d;
      const mo = r * n;
      for (let i = 0; i < n; i++) {
        if (mask[mo + i] === 0) continue;
        let b = 0;
        for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += R[ro + xc[h]] * xv[h];
        Pj[i] += a[r] * b;
      }
    }
    for (let i = 0; i < n; i++) Pj[i] *= invSqrtM;
  }
  return P;
}

/** Step 5: H_far, incrementally from the previous frame when there is one (recomputed every 32 frames). */
function farKernel(
  p: FastProblem,
  mask: Uint8Array,
  nearIndex: Int32Array,
  prev: DualFrame | null,
): { hFar: Float64Array; generation: number } {
  const { n, m, gram } = p;
  const invM = 1 / m;
  const active = new Int32Array(n);
  /** H += sign/m · (M_r M_rᵀ) ∘ G over the active points of row r. */
  const addRow = (H: Float64Array, M: Uint8Array, r: number, sign: number): void => {
    let cnt = 0;
    const mo = r * n;
    for (let i = 0; i < n; i++) if (M[mo + i] !== 0) active[cnt++] = i;
    const c = sign * invM;
    for (let u = 0; u < cnt; u++) {
      const ho = active[u] * n;
      for (let v = 0; v < cnt; v++) H[ho + active[v]] += c * gram[ho + active[v]];
    }
  };
  if (prev && prev.generation < 32) {
    const hFar = Float64Array.from(prev.hFar);
    for (let r = 0; r < m; r++) {
      const wasFar = prev.nearIndex[r] < 0;
      const isFar = nearIndex[r] < 0;
      if (wasFar && isFar) {
        let same = true;
        const mo = r * n;
        for (let i = 0; i < n; i++)
          if (prev.mask[mo + i] !== mask[mo + i]) {
            same = false;
            break;
          }
        if (same) continue;
      }
      if (wasFar) addRow(hFar, prev.mask, r, -1);
      if (isFar) addRow(hFar, mask, r, 1);
    }
    return { hFar, generation: prev.generation + 1 };
  }
  const hFar = new Float64Array(n * n);
  for (let r = 0; r < m; r++) if (nearIndex[r] < 0) addRow(hFar, mask, r, 1);
  return { hFar, generation: 0 };
}

/**
 * Build a frame at base W_Q (materialised, affine weight κ_Q) with the other held vectors as
 * residual directions. `prev` (if any) lets H_far be updated only for rows that changed. The
 * policy may depend on the outputs at the base (the first frame's drift estimate does).
 * Returns the frame and an encoder from a held vector's index (0 = base) to its coordinates.
 */
export function buildFrame(
  p: FastProblem,
  base: HeldWeights,
  others: HeldWeights[],
  policyOf: FramePolicy | ((uBase: Float64Array) => FramePolicy),
  prev: DualFrame | null,
  nearRows: NearRows,
): { frame: DualFrame; encode: (index: number) => Float64Array } {
  const { d, invSqrtM } = p;
  const WQ = base.W;
  const act = baseActivations(p, WQ);
  const policy = typeof policyOf === 'function' ? policyOf(act.outputSum.map((v) => v * invSqrtM)) : policyOf;
  const { near, nearIndex, allNear } = chooseNear(act.margin, policy);
  const { rho, rhoBound, lambdas } = residuals(p, base, others, nearIndex);
  const P = outputParts(p, act, rho, rhoBound, near, nearIndex);
  const { hFar, generation } = farKernel(p, act.mask, nearIndex, prev);
  const frame = new DualFrame({
    p,
    rho,
    rhoBound,
    P,
    mask: act.mask,
    margin: act.margin,
    nearIndex,
    near,
    hFar,
    allNear,
    rowScale: act.rowScale,
    generation,
    nearRows,
  });
  const encode = (index: number): Float64Array => {
    const z = new Float64Array(frame.dim);
    const W = index === 0 ? WQ : others[index - 1].W;
    if (index === 0) z[0] = 1;
    else {
      z[0] = lambdas[index - 1];
      z[index] = 1;
    }
    for (let q = 0; q < near.length; q++)
      z.set(W.subarray(near[q] * d, near[q] * d + d), frame.offNear + q * d);
    return z;
  };
  return { frame, encode };
}

/**
 * A dual frame of the fast engine: exact coordinates in which one gradient evaluation of the wide
 * two-layer ReLU net costs O(n²) plus O(n·d) per row near an activation flip.
 *
 * Only W is trained and a is fixed. Take a base point Q (an iterate) and its activation masks
 * M_r = 1{w_r(Q)·x_i ≥ 0}. A vector of the frame is z = [c (S) | s (n) | near rows (|N|·d)] and
 * stands for the weight matrix
 *   far row r:  w_r(z) = Σ_j c_j ρ_{j,r} + (a_r/√m) Xᵀ(M_r ∘ s)
 *   near row r: w_r(z) = its explicit block.
 * ρ_0 = W(Q) and ρ_j (j ≥ 1) are the other vectors the stepper held when the frame was built
 * (minus their affine weight times W(Q)), so c_0 is the affine weight of z (1 for iterates, 0 for
 * gradients) and the c_j stay small. The map z ↦ W(z) is linear, so the update rules of any method
 * act on z unchanged. At a point z where every far row keeps its mask M_r:
 *   u(z) = Σ_j c_j P_j + H_far s + u_near(z),  P_j = (1/√m) Σ_far a_r M_r ∘ (X ρ_{j,r}),
 *   H_far = (1/m) Σ_far (M_r M_rᵀ) ∘ (X Xᵀ),
 * and the gradient of a far row is (a_r/√m) Xᵀ(M_r ∘ e), i.e. the vector [0 | e | explicit near
 * gradients]. That the far masks hold is certified, not assumed: ‖w_r(z) − w_r(Q)‖ ≤
 * |c_0 − 1| R_0 + Σ_{j≥1} |c_j| R_j + ‖X‖₂ ‖s‖/√m =: bound(z) (R_j = max over far rows of ‖ρ_{j,r}‖),
 * and a far row with margin min_i |w_r(Q)·x_i|/‖x_i‖ > bound(z) cannot flip. Near rows are the rows
 * with the smallest margins; they are computed exactly with their own masks.
 */
import type { FastProblem } from './fast-problem.ts';

/** What the engine tells the frame builder to choose the near set. */
export interface FramePolicy {
  /** Rows with a margin below this at the base are kept explicit. */
  nearTau: number;
  /** Keep every row explicit (a direct step in frame coordinates). */
  allNear: boolean;
}

/** Relative safety of certified margins against rounding (margins are stored lowered by it). */
export const MARGIN_SAFETY_REL = 1e-9;

export class DualFrame {
  readonly p: FastProblem;
  /** Number of c coordinates. */
  readonly slots: number;
  /** ρ_j, each m*d (rows of near rows unused). rho[0] is W(Q). */
  readonly rho: Float64Array[];
  /** R_j = max over far rows ‖ρ_{j,r}‖. */
  readonly rhoBound: Float64Array;
  /** P_j (n each). */
  readonly P: Float64Array[];
  /** Masks at Q, m*n. */
  readonly mask: Uint8Array;
  /** Margins min_i |w_r(Q)·x_i|/‖x_i‖ at Q. */
  readonly margin: Float64Array;

  /** Position of a row in the near block, −1 for far rows. */
  readonly nearIndex: Int32Array;
  /** Near rows in block order. */
  near: Int32Array;
  /** H_far, n*n. */
  readonly hFar: Float64Array;
  /** Every row is near (no far rows: nothing to certify). */
  readonly allNear: boolean;
  dim: number;
  readonly offS: number;
  readonly offNear: number;
  /** Largest ‖w_r(Q)‖ (scale of the rounding safety). */
  readonly rowScale: number;
  /** Masks of near rows at the last evaluated point (|N|*n). */
  nearMask: Uint8Array;
  private readonly dsScratch: Float64Array;
  /** Number of frames built before this one with incremental H_far updates. */
  readonly generation: number;

  constructor(fields: {
    p: FastProblem;
    rho: Float64Array[];
    rhoBound: Float64Array;
    P: Float64Array[];
    mask: Uint8Array;
    margin: Float64Array;
    nearIndex: Int32Array;
    near: Int32Array;
    hFar: Float64Array;
    allNear: boolean;
    rowScale: number;
    generation: number;
  }) {
    this.p = fields.p;
    this.rho = fields.rho;
    this.slots = fields.rho.length;
    this.rhoBound = fields.rhoBound;
    this.P = fields.P;
    this.mask = fields.mask;
    this.margin = fields.margin;

    this.nearIndex = fields.nearIndex;
    this.near = fields.near;
    this.hFar = fields.hFar;
    this.allNear = fields.allNear;
    this.rowScale = fields.rowScale;
    this.generation = fields.generation;
    this.offS = this.slots;
    this.offNear = this.slots + this.p.n;
    this.dim = this.offNear + this.near.length * this.p.d;
    this.nearMask = new Uint8Array(this.near.length * this.p.n);
    this.dsScratch = new Float64Array(this.p.n);
  }

  /**
   * bound(z − ref): how far any far row can be between the points z and ref (only the first
   * slots + n coordinates of ref are read).
   */
  boundBetween(z: Float64Array, ref: Float64Array): number {
    const { n, invSqrtM, xSpectralBound, gram, invXNorm } = this.p;
    let b = 0;
    for (let j = 0; j < this.slots; j++) b += Math.abs(z[j] - ref[j]) * this.rhoBound[j];
    const o = this.offS;
    const ds = this.dsScratch;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(z[o + i] - ref[o + i]);
      ds[i] = v;
      ss += v * v;
    }
    // The s-part moves w_r·x_i by (a_r/√m) Σ_j M_rj Δs_j x_i·x_j: at most Σ_j |G_ij||Δs_j|/√m, and
    // ‖w_r‖-wise at most ‖X‖₂‖Δs‖/√m; per unit ‖x_i‖, the smaller of the two.
    let perPoint = 0;
    for (let i = 0; i < n; i++) {
      const ix = invXNorm[i];
      if (ix === 0) continue;
      const go = i * n;
      let acc = 0;
      for (let j = 0; j < n; j++) acc += Math.abs(gram[go + j]) * ds[j];
      if (acc * ix > perPoint) perPoint = acc * ix;
    }
    const sPart = Math.min(xSpectralBound * Math.sqrt(ss), perPoint) * invSqrtM;
    return (b + sPart) * (1 + 1e-12);
  }

  /** A margin as stored in the ledger: lowered by the rounding safety. */
  safeMargin(mu: number): number {
    return mu * (1 - MARGIN_SAFETY_REL) - 1e-13 * this.rowScale;
  }

  /**
   * Exact margin min_i |w_r(z)·x_i|/‖x_i‖ of far row r at z, or −1 when its mask at z is not M_r.
   * wBuf: d scratch values.
   */
  exactMargin(z: Float64Array, r: number, wBuf: Float64Array): number {
    const { n, invXNorm } = this.p;
    const { xp, xc, xv } = this.p.csr;
    this.rowOf(z, r, wBuf, 0);
    let mu = Infinity;
    const mo = r * n;
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += wBuf[xc[h]] * xv[h];
      if ((b >= 0 ? 1 : 0) !== this.mask[mo + i]) return -1;
      const ix = invXNorm[i];
      if (ix > 0) {
        const v = Math.abs(b) * ix;
        if (v < mu) mu = v;
      }
    }
    return mu;
  }

  /**
   * Make far rows near: returns each held vector's new coordinates (the rows' explicit values
   * appended to the near block), then takes the rows out of H_far and P.
   */
  makeNear(rows: number[], held: Float64Array[]): Map<Float64Array, Float64Array> {
    const { n, d, a, invSqrtM, gram } = this.p;
    const { xp, xc, xv } = this.p.csr;
    const oldDim = this.dim;
    const newDim = oldDim + rows.length * d;
    const out = new Map<Float64Array, Float64Array>();
    for (const v of held) {
      const w = new Float64Array(newDim);
      w.set(v);
      rows.forEach((r, q) => this.rowOf(v, r, w, oldDim + q * d));
      out.set(v, w);
    }
    const active = new Int32Array(n);
    const invM = 1 / this.p.m;
    for (const r of rows) {
      const mo = r * n;
      let cnt = 0;
      for (let i = 0; i < n; i++) if (this.mask[mo + i] !== 0) active[cnt++] = i;
      for (let u = 0; u < cnt; u++) {
        const ho = active[u] * n;
        for (let v = 0; v < cnt; v++) this.hFar[ho + active[v]] -= invM * gram[ho + active[v]];
      }
      const ca = a[r] * invSqrtM;
      const ro = r * d;
      for (let j = 0; j < this.slots; j++) {
        const R = this.rho[j];
        const Pj = this.P[j];
        for (let u = 0; u < cnt; u++) {
          const i = active[u];
          let b = 0;
          for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += R[ro + xc[h]] * xv[h];
          Pj[i] -= ca * b;
        }
      }
    }
    const near = new Int32Array(this.near.length + rows.length);
    near.set(this.near);
    rows.forEach((r, q) => {
      near[this.near.length + q] = r;
      this.nearIndex[r] = this.near.length + q;
    });
    this.near = near;
    this.dim = newDim;
    this.nearMask = new Uint8Array(near.length * n);
    return out;
  }

  /**
   * Outputs u(z) (valid when certifies(z)); the masks of the near rows at z are kept in nearMask
   * for the gradient.
   */
  outputs(z: Float64Array, u: Float64Array): void {
    const { n } = this.p;
    const H = this.hFar;
    const o = this.offS;
    for (let i = 0; i < n; i++) {
      const ho = i * n;
      let acc = 0;
      for (let j = 0; j < n; j++) acc += H[ho + j] * z[o + j];
      u[i] = acc;
    }
    for (let j = 0; j < this.slots; j++) {
      const c = z[j];
      if (c === 0) continue;
      const Pj = this.P[j];
      for (let i = 0; i < n; i++) u[i] += c * Pj[i];
    }
    if (this.p.dense) nearForwardDense(this.p, z, this.offNear, this.near, u, this.nearMask);
    else nearForwardSparse(this.p, z, this.offNear, this.near, u, this.nearMask);
  }

  /** Gradient in frame coordinates at a point with error e = u − y and near-row masks nm (from outputs()). */
  gradient(e: Float64Array, out: Float64Array, nm: Uint8Array): void {
    const { n } = this.p;
    for (let j = 0; j < this.slots; j++) out[j] = 0;
    const o = this.offS;
    for (let i = 0; i < n; i++) out[o + i] = e[i];
    if (this.p.dense) nearBackwardDense(this.p, e, out, this.offNear, this.near, nm);
    else nearBackwardSparse(this.p, e, out, this.offNear, this.near, nm);
  }

  /** Row r of W(z) into out (offset oo). Exact for any z (the map is linear; no mask is assumed). */
  rowOf(z: Float64Array, r: number, out: Float64Array, oo: number): void {
    const { n, d, a, invSqrtM } = this.p;
    const { xp, xc, xv } = this.p.csr;
    const q = this.nearIndex[r];
    if (q >= 0) {
      const wo = this.offNear + q * d;
      for (let t = 0; t < d; t++) out[oo + t] = z[wo + t];
      return;
    }
    const ro = r * d;
    for (let t = 0; t < d; t++) out[oo + t] = 0;
    for (let j = 0; j < this.slots; j++) {
      const c = z[j];
      if (c === 0) continue;
      const rj = this.rho[j];
      for (let t = 0; t < d; t++) out[oo + t] += c * rj[ro + t];
    }
    const ca = a[r] * invSqrtM;
    const mo = r * n;
    const so = this.offS;
    for (let i = 0; i < n; i++) {
      if (this.mask[mo + i] === 0) continue;
      const si = z[so + i];
      if (si === 0) continue;
      const cs = ca * si;
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) out[oo + xc[h]] += cs * xv[h];
    }
  }

  /** Largest ‖w_r(z) − w_r(z')‖ over near rows (their explicit blocks). */
  maxNearMove(z: Float64Array, z2: Float64Array): number {
    let best = 0;
    const d = this.p.d;
    for (let q = 0; q < this.near.length; q++) {
      const o = this.offNear + q * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = z[o + t] - z2[o + t];
        s += v * v;
      }
      if (s > best) best = s;
    }
    return Math.sqrt(best);
  }

  /** W(z), m*d. */
  materialise(z: Float64Array, W: Float64Array = new Float64Array(this.p.m * this.p.d)): Float64Array {
    const { m, d } = this.p;
    for (let r = 0; r < m; r++) this.rowOf(z, r, W, r * d);
    return W;
  }
}

/** Near rows' outputs: u_i += (a_r/√m) relu(w_r·x_i), masks into nm (dense X). */
function nearForwardDense(
  p: FastProblem,
  z: Float64Array,
  offNear: number,
  near: Int32Array,
  u: Float64Array,
  nm: Uint8Array,
): void {
  const { n, d, a, invSqrtM, X } = p;
  for (let q = 0; q < near.length; q++) {
    const wo = offNear + q * d;
    const ca = a[near[q]] * invSqrtM;
    const mo = q * n;
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      // One accumulator, left to right (the direct loop's sum, bit for bit), unrolled by 4.
      let b = 0;
      let t = 0;
      for (; t + 3 < d; t += 4) {
        b += z[wo + t] * X[xo + t];
        b += z[wo + t + 1] * X[xo + t + 1];
        b += z[wo + t + 2] * X[xo + t + 2];
        b += z[wo + t + 3] * X[xo + t + 3];
      }
      for (; t < d; t++) b += z[wo + t] * X[xo + t];
      if (b >= 0) {
        u[i] += ca * b;
        nm[mo + i] = 1;
      } else nm[mo + i] = 0;
    }
  }
}

/** As nearForwardDense over the non-zeros of X (same sums: the skipped terms are ±0). */
function nearForwardSparse(
  p: FastProblem,
  z: Float64Array,
  offNear: number,
  near: Int32Array,
  u: Float64Array,
  nm: Uint8Array,
): void {
  const { n, d, a, invSqrtM } = p;
  const { xp, xc, xv } = p.csr;
  for (let q = 0; q < near.length; q++) {
    const wo = offNear + q * d;
    const ca = a[near[q]] * invSqrtM;
    const mo = q * n;
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += z[wo + xc[h]] * xv[h];
      if (b >= 0) {
        u[i] += ca * b;
        nm[mo + i] = 1;
      } else nm[mo + i] = 0;
    }
  }
}

/** Near rows' gradients g_r = (a_r/√m) Σ_i e_i nm_ri x_i into their blocks of out (dense X). */
function nearBackwardDense(
  p: FastProblem,
  e: Float64Array,
  out: Float64Array,
  offNear: number,
  near: Int32Array,
  nm: Uint8Array,
): void {
  const { n, d, a, invSqrtM, X } = p;
  for (let q = 0; q < near.length; q++) {
    const go = offNear + q * d;
    for (let t = 0; t < d; t++) out[go + t] = 0;
    const ca = a[near[q]] * invSqrtM;
    const mo = q * n;
    for (let i = 0; i < n; i++) {
      if (nm[mo + i] === 0) continue;
      const ce = ca * e[i];
      const xo = i * d;
      for (let t = 0; t < d; t++) out[go + t] += ce * X[xo + t];
    }
  }
}

function nearBackwardSparse(
  p: FastProblem,
  e: Float64Array,
  out: Float64Array,
  offNear: number,
  near: Int32Array,
  nm: Uint8Array,
): void {
  const { n, d, a, invSqrtM } = p;
  const { xp, xc, xv } = p.csr;
  for (let q = 0; q < near.length; q++) {
    const go = offNear + q * d;
    for (let t = 0; t < d; t++) out[go + t] = 0;
    const ca = a[near[q]] * invSqrtM;
    const mo = q * n;
    for (let i = 0; i < n; i++) {
      if (nm[mo + i] === 0) continue;
      const ce = ca * e[i];
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) out[go + xc[h]] += ce * xv[h];
    }
  }
}

/** A held vector, materialised, with its affine weight (c_0 in the old frame). */
export interface HeldWeights {
  W: Float64Array;
  kappa: number;
}

/**
 * Build a frame at base W_Q (materialised, affine weight kappaQ) with the other held vectors as
 * residual directions. `prev` (if any) lets H_far be updated only for rows that changed.
 * Returns the frame and an encoder from the held vectors' materialised weights to coordinates.
 */
export function buildFrame(
  p: FastProblem,
  base: HeldWeights,
  others: HeldWeights[],
  policyOf: FramePolicy | ((uBase: Float64Array) => FramePolicy),
  prev: DualFrame | null,
): { frame: DualFrame; encode: (index: number) => Float64Array } {
  const { n, d, m, a, invSqrtM, invXNorm, gram } = p;
  const { xp, xc, xv } = p.csr;
  const WQ = base.W;
  // Pre-activations at Q, masks and margins.
  const mask = new Uint8Array(m * n);
  const margin = new Float64Array(m);
  // Σ over all rows of a_r relu(w_r(Q)·x_i); near rows are taken out once the near set is known.
  const P0all = new Float64Array(n);
  let rowScale = 0;
  for (let r = 0; r < m; r++) {
    const wo = r * d;
    let mu = Infinity;
    let nrm = 0;
    for (let t = 0; t < d; t++) nrm += WQ[wo + t] * WQ[wo + t];
    if (nrm > rowScale) rowScale = nrm;
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += WQ[wo + xc[h]] * xv[h];
      if (b >= 0) {
        mask[r * n + i] = 1;
        P0all[i] += a[r] * b;
      }
      const ix = invXNorm[i];
      if (ix > 0) {
        const v = Math.abs(b) * ix;
        if (v < mu) mu = v;
      }
    }
    margin[r] = mu;
  }
  rowScale = Math.sqrt(rowScale);

  // Near set: rows with a margin below policy.nearTau (all rows for an all-near frame). The
  // policy may depend on the outputs at the base (the first frame's drift estimate does).
  const policy = typeof policyOf === 'function' ? policyOf(P0all.map((v) => v * invSqrtM)) : policyOf;
  const slots = 1 + others.length;
  let nearCount = 0;
  for (let r = 0; r < m; r++) if (!(margin[r] >= policy.nearTau)) nearCount++;
  // With most rows near, the dual part does not pay for itself: keep every row explicit.
  const allNear = policy.allNear || nearCount > 0.6 * m;
  const nearIndex = new Int32Array(m).fill(-1);
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
  near.forEach((r, q) => {
    nearIndex[r] = q;
  });

  // Residual directions ρ_j = W_j − λ_j W_Q on far rows, λ_j = κ_j/κ_Q.
  const rho: Float64Array[] = [WQ];
  const lambdas: number[] = [];
  const rhoBound = new Float64Array(slots);
  for (const o of others) {
    const lam = Math.abs(base.kappa) > 1e-300 ? o.kappa / base.kappa : 0;
    lambdas.push(lam);
    const R = new Float64Array(m * d);
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      const ro = r * d;
      for (let t = 0; t < d; t++) R[ro + t] = o.W[ro + t] - lam * WQ[ro + t];
    }
    rho.push(R);
  }
  for (let j = 0; j < slots; j++) {
    let best = 0;
    const R = rho[j];
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      const ro = r * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += R[ro + t] * R[ro + t];
      if (s > best) best = s;
    }
    rhoBound[j] = Math.sqrt(best) * (1 + 1e-12);
  }

  // P_j = (1/√m) Σ_far a_r M_r ∘ (X ρ_{j,r}).
  const P: Float64Array[] = [];
  {
    const P0 = Float64Array.from(P0all);
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
    P.push(P0);
  }
  for (let j = 1; j < slots; j++) {
    const Pj = new Float64Array(n);
    P.push(Pj);
    if (rhoBound[j] === 0) continue;
    const R = rho[j];
    for (let r = 0; r < m; r++) {
      if (nearIndex[r] >= 0) continue;
      const ro = r * d;
      const mo = r * n;
      const ca = a[r];
      for (let i = 0; i < n; i++) {
        if (mask[mo + i] === 0) continue;
        let b = 0;
        for (let h = xp[i], he = xp[i + 1]; h < he; h++) b += R[ro + xc[h]] * xv[h];
        Pj[i] += ca * b;
      }
    }
    for (let i = 0; i < n; i++) Pj[i] *= invSqrtM;
  }

  // H_far, incrementally from the previous frame when there is one (recomputed every 32 frames).
  const invM = 1 / m;
  const active = new Int32Array(n);
  const addRow = (H: Float64Array, M: Uint8Array, r: number, sign: number): void => {
    let cnt = 0;
    const mo = r * n;
    for (let i = 0; i < n; i++) if (M[mo + i] !== 0) active[cnt++] = i;
    const c = sign * invM;
    for (let u = 0; u < cnt; u++) {
      const i = active[u];
      const ho = i * n;
      for (let v = 0; v < cnt; v++) {
        const jj = active[v];
        H[ho + jj] += c * gram[ho + jj];
      }
    }
  };
  let hFar: Float64Array;
  let generation = 0;
  if (prev && prev.generation < 32) {
    generation = prev.generation + 1;
    hFar = Float64Array.from(prev.hFar);
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
  } else {
    hFar = new Float64Array(n * n);
    for (let r = 0; r < m; r++) if (nearIndex[r] < 0) addRow(hFar, mask, r, 1);
  }

  const frame = new DualFrame({
    p,
    rho,
    rhoBound,
    P,
    mask,
    margin,
    nearIndex,
    near,
    hFar,
    allNear,
    rowScale,
    generation,
  });

  // Coordinates of the held vectors: base → e_0; other j → λ_j e_0 + e_j; near blocks explicit.
  const encode = (index: number): Float64Array => {
    const z = new Float64Array(frame.dim);
    const W = index === 0 ? WQ : others[index - 1].W;
    if (index === 0) z[0] = 1;
    else {
      z[0] = lambdas[index - 1];
      z[index] = 1;
    }
    for (let q = 0; q < near.length; q++) {
      const ro = near[q] * d;
      const zo = frame.offNear + q * d;
      for (let t = 0; t < d; t++) z[zo + t] = W[ro + t];
    }
    return z;
  };
  return { frame, encode };
}

/**
 * A dual frame of the fast engine: exact coordinates in which one gradient evaluation of the wide
 * two-layer ReLU net f(x) = (1/√m) Σ_r a_r relu(w_r·x) costs O(n²) for all rows that cannot flip,
 * plus a direct forward/backward pass for the few rows that might.
 *
 * WHY IT WORKS. Only W is trained; a is fixed. While row r keeps its activation mask M_r (M_ri =
 * 1{w_r·x_i ≥ 0}), every gradient it receives is (a_r/√m) Xᵀ(M_r ∘ e): the same n numbers e for
 * every such row, spread through the row's own mask. So all these rows move together by one shared
 * n-vector s, and their outputs move by H_far·s with one n×n matrix.
 *
 * THE COORDINATES. Take a base point Q (an iterate) and its masks. A frame vector is
 *
 *     z = [ c_0 … c_{S−1} | s_1 … s_n | w_{near[0]} (d numbers) | w_{near[1]} | … ]
 *           slots (S)       offS = S     offNear = S + n, one explicit block per near row
 *
 * and stands for the weights (the map z ↦ W(z) is linear, so every method's update rules, which
 * only form linear combinations, act on z unchanged):
 *
 *     far row r:   w_r(z) = Σ_j c_j ρ_{j,r} + (a_r/√m) Xᵀ(M_r ∘ s)
 *     near row r:  w_r(z) = its explicit block.
 *
 * ρ_0 = W(Q) and ρ_j (j ≥ 1) are the other vectors the stepper held when the frame was built, minus
 * their affine weight times W(Q); so c_0 is the affine weight of z (1 for iterates, 0 for gradients)
 * and the other c_j stay small.
 *
 * OUTPUTS AND GRADIENT (valid while every far row keeps its mask):
 *
 *     u(z) = Σ_j c_j P_j + H_far s + u_near(z),   P_j = (1/√m) Σ_far a_r M_r ∘ (X ρ_{j,r}),
 *                                                 H_far = (1/m) Σ_far (M_r M_rᵀ) ∘ (X Xᵀ);
 *     gradient(z) = [ 0 | e | the near rows' gradients ]      (e = u − y)
 *
 * THE CERTIFICATE. That the far masks hold is proved, not assumed: between two frame points,
 *
 *     ‖w_r(z) − w_r(z′)‖ ≤ Σ_j |c_j − c′_j| R_j + ‖X‖₂ ‖s − s′‖/√m =: bound(z − z′)
 *
 * (R_j = max over far rows of ‖ρ_{j,r}‖; per point the s-part is also at most Σ_j |G_ij||Δs_j|/√m
 * and the smaller is used), and a far row whose margin μ_r = min_i |w_r·x_i|/‖x_i‖ at z′ exceeds
 * bound(z − z′) cannot have flipped at z. The margins live in src/train/fast-margins.ts.
 *
 * WHERE THE REST IS. Building a frame (masks, near set, ρ_j, P_j, H_far): fast-frame-build.ts. The
 * near rows' forward and backward passes (WebAssembly kernels): fast-near.ts. The loop that
 * certifies every evaluation, refreshes rows, undoes and redoes uncertified steps and rebuilds
 * frames: fast-loop.ts. Data-side constants (Gram matrix, ‖X‖₂ bound, CSR rows): fast-problem.ts.
 */
import type { FastProblem } from './fast-problem.ts';
import type { NearRows } from './fast-near.ts';

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
  /** Forward passes and gradients of the near rows (WebAssembly kernels, shared by a run's frames). */
  private readonly nearRows: NearRows;

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
    nearRows: NearRows;
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
    this.nearRows = fields.nearRows;
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
    this.nearRows.forward(z, this.offNear, this.near, u, this.nearMask);
  }

  /** Gradient in frame coordinates at a point with error e = u − y and near-row masks nm (from outputs()). */
  gradient(e: Float64Array, out: Float64Array, nm: Uint8Array): void {
    const { n } = this.p;
    for (let j = 0; j < this.slots; j++) out[j] = 0;
    const o = this.offS;
    for (let i = 0; i < n; i++) out[o + i] = e[i];
    this.nearRows.backward(e, out, this.offNear, this.near, nm);
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

/**
 * Right-looking blocked Cholesky (row-major lower triangle, in place) whose two O(n³)-and-O(n²·nb)
 * phases run on several threads. For each block column K = [k0, k1) (width NB):
 *   1. the diagonal block is factored on the main thread (the only place a pivot can fail);
 *   2. panel: rows i ≥ k1, columns K: l_ij = (a_ij − Σ_{k0≤k<j} l_ik l_jk) / l_jj   (rows split over threads);
 *   3. trailing update: rows i ≥ k1, columns k1 ≤ j ≤ i: a_ij −= Σ_{k∈K} l_ik l_jk  (rows split by work).
 * Every entry is computed by the same sequence of operations whichever thread does it and however
 * the rows are split (one accumulator per entry, k ascending), so the factor is bit-identical for
 * any thread count; it differs in rounding from the unblocked Crout loop of cholesky.ts, which is
 * why the choice between the two depends on n only. The error bound of cholesky.ts (Higham Thm 10.3,
 * any order of the inner products) holds unchanged.
 *
 * The kernels below are self-contained (no imports or closures): workers receive their source text.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Block width. */
const NB = 64;

/** Rows r0..r1−1 of the panel of block column [k0, k1). */
export function cholPanelRows(
  a: Float64Array,
  n: number,
  k0: number,
  k1: number,
  r0: number,
  r1: number,
): void {
  for (let i = r0; i < r1; i++) {
    const ri = i * n;
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = k0; k < j; k++) s += a[ri + k] * a[rj + k];
      a[ri + j] = (a[ri + j] - s) / a[rj + j];
    }
  }
}

/** Rows r0..r1−1 of the trailing update by block column [k0, k1): a_ij −= Σ_k l_ik l_jk, k1 ≤ j ≤ i. */
export function cholTrailingRows(
  a: Float64Array,
  n: number,
  k0: number,
  k1: number,
  r0: number,
  r1: number,
): void {
  let i = r0;
  for (; i + 3 < r1; i += 4) {
    const p0 = i * n;
    const p1 = p0 + n;
    const p2 = p1 + n;
    const p3 = p2 + n;
    let j = k1;
    // Column pairs (j, j+1) with j + 1 ≤ i: inside the triangle for all four rows.
    for (; j + 1 <= i; j += 2) {
      const q0 = j * n;
      const q1 = q0 + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let k = k0; k < k1; k++) {
        const y0 = a[q0 + k];
        const y1 = a[q1 + k];
        let x = a[p0 + k];
        s00 += x * y0;
        s01 += x * y1;
        x = a[p1 + k];
        s10 += x * y0;
        s11 += x * y1;
        x = a[p2 + k];
        s20 += x * y0;
        s21 += x * y1;
        x = a[p3 + k];
        s30 += x * y0;
        s31 += x * y1;
      }
      a[p0 + j] -= s00;
      a[p0 + j + 1] -= s01;
      a[p1 + j] -= s10;
      a[p1 + j + 1] -= s11;
      a[p2 + j] -= s20;
      a[p2 + j + 1] -= s21;
      a[p3 + j] -= s30;
      a[p3 + j + 1] -= s31;
    }
    // The rest of the four rows' triangles, one entry at a time.
    for (let r = i; r < i + 4; r++) {
      const pr = r * n;
      for (let c = j; c <= r; c++) {
        const qc = c * n;
        let s = 0;
        for (let k = k0; k < k1; k++) s += a[pr + k] * a[qc + k];
        a[pr + c] -= s;
      }
    }
  }
  for (; i < r1; i++) {
    const pi = i * n;
    for (let c = k1; c <= i; c++) {
      const qc = c * n;
      let s = 0;
      for (let k = k0; k < k1; k++) s += a[pi + k] * a[qc + k];
      a[pi + c] -= s;
    }
  }
}

/**
 * Diagonal block [k0, k1) on the main thread; returns the failing row or −1. Row r's columns
 * k0..r−1 are the panel formula with the block column cut at r (cholPanelRows on [k0, r), row r
 * only), then its pivot.
 */
function cholDiagonalBlock(a: Float64Array, n: number, k0: number, k1: number, tiny: number): number {
  for (let r = k0; r < k1; r++) {
    const rr = r * n;
    cholPanelRows(a, n, k0, r, r, r + 1);
    let s = 0;
    for (let k = k0; k < r; k++) s += a[rr + k] * a[rr + k];
    const v = a[rr + r] - s;
    if (!(v > 0)) return r;
    a[rr + r] = Math.sqrt(v);
    if (!(a[rr + r] > tiny)) return r;
  }
  return -1;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { buf, ctrlBuf, slot, base, n } = workerData;
const a = new Float64Array(buf);
const c = new Int32Array(ctrlBuf);
const panel = PANEL;
const trailing = TRAILING;
(() => {
  if (Atomics.compareExchange(c, base + 1, 0, 1) !== 0) return;
  Atomics.notify(c, base + 1);
  let gen = 0;
  for (;;) {
    Atomics.wait(c, 0, gen);
    gen = Atomics.load(c, 0);
    if (Atomics.load(c, 1) === 1) return;
    const phase = c[base + 2], k0 = c[base + 3], k1 = c[base + 4], r0 = c[base + 5], r1 = c[base + 6];
    if (r0 < r1) (phase === 0 ? panel : trailing)(a, n, k0, k1, r0, r1);
    Atomics.store(c, base, gen);
    Atomics.notify(c, base);
  }
})();
`;

/** Per worker: [done gen, state (0 new, 1 running, 2 abandoned), phase, k0, k1, r0, r1]. */
const SLOT = 7;

/** Threads for the factorisation: DYNVIEW_THREADS, else the cores, at most 4. */
function threadCount(): number {
  const env = process.env.DYNVIEW_THREADS;
  if (env !== undefined && env.trim() !== '') {
    const t = Number(env);
    if (Number.isInteger(t) && t >= 1) return Math.min(t, 4);
  }
  return Math.min(availableParallelism(), 4);
}

/**
 * Blocked Cholesky of the row-major n×n buffer (lower triangle), in place. Returns −1 on success or
 * the row of the first pivot that is not positive (or below `tiny`). Worker threads are used when
 * `a` lives on a SharedArrayBuffer and more than one thread is available; results do not depend on it.
 */
export function choleskyBlocked(a: Float64Array, n: number, tiny: number, threads = threadCount()): number {
  const shared = a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && threads > 1;
  const nw = shared ? threads - 1 : 0;
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (2 + SLOT * Math.max(nw, 1))));
  const workers: Worker[] = [];
  const alive: boolean[] = [];
  const source = WORKER_SOURCE.replace('PANEL', cholPanelRows.toString()).replace(
    'TRAILING',
    cholTrailingRows.toString(),
  );
  for (let w = 0; w < nw; w++) {
    const worker = new Worker(source, {
      eval: true,
      workerData: { buf: a.buffer, ctrlBuf: ctrl.buffer, slot: w, base: 2 + SLOT * w, n },
    });
    worker.unref();
    workers.push(worker);
    alive.push(true);
  }
  let gen = 0;
  const isRunning = (w: number): boolean => {
    const at = 2 + SLOT * w + 1;
    if (Atomics.load(ctrl, at) === 1) return true;
    Atomics.wait(ctrl, at, 0, 2000);
    return Atomics.compareExchange(ctrl, at, 0, 2) === 1 || Atomics.load(ctrl, at) === 1;
  };
  /** Run `phase` on rows split at `cuts` (cuts[0] = first row, cuts[T] = n); the main thread takes part 0. */
  const runPhase = (phase: 0 | 1, k0: number, k1: number, cuts: number[]): void => {
    gen++;
    for (let w = 0; w < nw; w++) {
      const base = 2 + SLOT * w;
      ctrl[base + 2] = phase;
      ctrl[base + 3] = k0;
      ctrl[base + 4] = k1;
      ctrl[base + 5] = cuts[w + 1];
      ctrl[base + 6] = cuts[w + 2];
      Atomics.store(ctrl, base, gen - 1);
    }
    Atomics.store(ctrl, 0, gen);
    Atomics.notify(ctrl, 0);
    (phase === 0 ? cholPanelRows : cholTrailingRows)(a, n, k0, k1, cuts[0], cuts[1]);
    for (let w = 0; w < nw; w++) {
      if (alive[w] && !isRunning(w)) alive[w] = false;
      if (!alive[w]) {
        (phase === 0 ? cholPanelRows : cholTrailingRows)(a, n, k0, k1, cuts[w + 1], cuts[w + 2]);
        continue;
      }
      while (Atomics.load(ctrl, 2 + SLOT * w) !== gen) Atomics.wait(ctrl, 2 + SLOT * w, gen - 1, 100);
    }
  };
  const parts = nw + 1;
  try {
    for (let k0 = 0; k0 < n; k0 += NB) {
      const k1 = Math.min(n, k0 + NB);
      const fail = cholDiagonalBlock(a, n, k0, k1, tiny);
      if (fail >= 0) return fail;
      if (k1 >= n) break;
      const m = n - k1;
      // Panel rows cost the same each: equal counts. Trailing row i costs ∝ i − k1 + 1: equal areas.
      const even = Array.from({ length: parts + 1 }, (_, t) => k1 + Math.round((m * t) / parts));
      const area = Array.from({ length: parts + 1 }, (_, t) => k1 + Math.round(m * Math.sqrt(t / parts)));
      runPhase(0, k0, k1, even);
      runPhase(1, k0, k1, area);
    }
    return -1;
  } finally {
    Atomics.store(ctrl, 1, 1);
    Atomics.store(ctrl, 0, ++gen);
    Atomics.notify(ctrl, 0);
    for (const w of workers) void w.terminate();
  }
}

/**
 * Measure eigenvalue solvers: dynview's Householder + implicit QL (src/linalg/eigen.ts), ml-matrix's
 * EVD, and Lanczos with full reorthogonalisation for the two extreme eigenvalues (written here only to
 * measure it), on a random Gaussian symmetric matrix and on H∞ of sphere data.
 * Usage: node --import tsx scripts/bench-eigen.ts 200 1000 2000   (SKIP_ML=1 skips ml-matrix)
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symmetricEigenvalues, tridiagonalEigenvalues } from '../src/linalg/eigen.ts';
import { gramInfinity } from '../src/ntk/gram.ts';
import { loadData } from '../src/data/load.ts';
import { Rng } from '../src/util/rng.ts';

/** Lanczos with full reorthogonalisation; stops when both extremes move < tol (relative) over 10 steps. */
function lanczosExtremes(
  A: Float64Array,
  n: number,
  tol = 1e-14,
): { min: number; max: number; iterations: number } {
  const rng = new Rng(1);
  const Q: Float64Array[] = [];
  let q = new Float64Array(n);
  rng.fillNormal(q);
  let nq = Math.hypot(...q);
  for (let i = 0; i < n; i++) q[i] /= nq;
  const alpha: number[] = [];
  const beta: number[] = [];
  let prev = { min: NaN, max: NaN };
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    Q.push(q);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const ro = i * n;
      for (let k = 0; k < n; k++) s += A[ro + k] * q[k];
      w[i] = s;
    }
    let a = 0;
    for (let i = 0; i < n; i++) a += q[i] * w[i];
    alpha.push(a);
    for (let pass = 0; pass < 2; pass++) {
      for (const v of Q) {
        let c = 0;
        for (let i = 0; i < n; i++) c += v[i] * w[i];
        for (let i = 0; i < n; i++) w[i] -= c * v[i];
      }
    }
    nq = 0;
    for (let i = 0; i < n; i++) nq += w[i] * w[i];
    nq = Math.sqrt(nq);
    if ((j + 1) % 10 === 0 || nq === 0 || j === n - 1) {
      const ev = tridiagonalEigenvalues(Float64Array.from(alpha), Float64Array.from(beta));
      const cur = { min: ev[0], max: ev[ev.length - 1] };
      const scale = Math.max(Math.abs(cur.min), Math.abs(cur.max));
      if (Math.abs(cur.min - prev.min) <= tol * scale && Math.abs(cur.max - prev.max) <= tol * scale)
        return { ...cur, iterations: j + 1 };
      prev = cur;
      if (nq === 0 || j === n - 1) return { ...cur, iterations: j + 1 };
    }
    beta.push(nq);
    q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = w[i] / nq;
  }
  return { ...prev, iterations: n };
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [200, 1000]) {
  const rng = new Rng(n);
  const gauss = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      gauss[i * n + j] = v;
      gauss[j * n + i] = v;
    }
  const hinf = gramInfinity(loadData(`sphere:n=${n},d=10,seed=1`));
  for (const [name, A] of [
    ['gaussian', gauss],
    ['H∞ sphere d=10', hinf],
  ] as const) {
    let t = performance.now();
    const ours = symmetricEigenvalues(A, n);
    const tOurs = (performance.now() - t) / 1000;
    t = performance.now();
    const lz = lanczosExtremes(A, n);
    const tLz = (performance.now() - t) / 1000;
    const relMin = Math.abs(lz.min - ours[0]) / Math.abs(ours[0]);
    const relMax = Math.abs(lz.max - ours[n - 1]) / Math.abs(ours[n - 1]);
    let ml = '';
    if (!process.env.SKIP_ML && name === 'gaussian') {
      const M = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]);
      t = performance.now();
      const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
      const tMl = (performance.now() - t) / 1000;
      const mv = Float64Array.from(evd.realEigenvalues).sort();
      let diff = 0;
      for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(mv[i] - ours[i]));
      ml = `  ml-matrix EVD ${tMl.toFixed(3)} s (max|Δλ| ${diff.toExponential(1)})`;
    }
    console.log(
      `n=${n} ${name}: householder+QL ${tOurs.toFixed(3)} s; lanczos extremes ${tLz.toFixed(3)} s in ${lz.iterations} its (rel err min ${relMin.toExponential(1)}, max ${relMax.toExponential(1)}); κ=${(ours[n - 1] / ours[0]).toExponential(2)}${ml}`,
    );
  }
}

/**
 * Measure eigenvalue solvers on random symmetric n×n matrices: dynview's Householder + implicit QL
 * (src/linalg/eigen.ts) against ml-matrix's EVD. Usage: node --import tsx scripts/bench-eigen.ts 200 1000 2000
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symmetricEigenvalues } from '../src/linalg/eigen.ts';
import { Rng } from '../src/util/rng.ts';

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [200, 1000]) {
  const rng = new Rng(n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = rng.normal(); A[i * n + j] = v; A[j * n + i] = v; }
  let t = performance.now();
  const ours = symmetricEigenvalues(A, n);
  const tOurs = (performance.now() - t) / 1000;
  let tMl = NaN;
  let diff = NaN;
  if (n <= 2000 && !process.env.SKIP_ML) {
    const M = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]);
    t = performance.now();
    const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
    tMl = (performance.now() - t) / 1000;
    const ml = Float64Array.from(evd.realEigenvalues).sort();
    diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(ml[i] - ours[i]));
  }
  console.log(`n=${n}  householder+QL ${tOurs.toFixed(3)} s   ml-matrix EVD ${tMl.toFixed(3)} s   max|Δλ| ${diff.toExponential(2)}`);
}

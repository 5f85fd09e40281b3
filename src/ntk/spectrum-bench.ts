/**
 * The spectra case of `dynview bench`: λ0 = λ_min(H∞) and λ_max of H∞ for unit-norm
 * Gaussian rows (sphere:n=…,d=…,seed=…), timed in dynview and handed to numpy for comparison.
 *
 *   const { result, referenceJob } = benchHinfExtremes({ n: 2000 });
 *   // spawn `python3 bench/eigen_reference.py` with JSON.stringify(referenceJob) on stdin: it builds
 *   // H∞ of the same rows and times np.linalg.eigvalsh (best of `repeat`), printing
 *   // {eigvalshSeconds, eigvalshCpuSeconds, buildSeconds, lambdaMin, lambdaMax, numpy, threads}.
 *
 * dynview's time is `extremesSeconds` (fastExtremes: Lanczos, shift-and-invert for a slow end);
 * `enclosureSeconds` adds the proof (one Cholesky per side) when `certify` is set.
 */
import { loadData } from '../data/load.ts';
import { extremeEigenEnclosure, type EigenEnclosure } from '../linalg/enclosure.ts';
import { fastExtremes } from '../linalg/extremes.ts';
import { symmetricEigenvalues } from '../linalg/eigen.ts';
import { gramInfinity } from './gram.ts';

export interface HinfExtremesBench {
  n: number;
  d: number;
  seed: number;
  /** Building H∞ (Gram kernel + angles). */
  buildSeconds: number;
  /** λ_min and λ_max (values): wall-clock, and CPU time of this process (a load-independent proxy). */
  extremesSeconds: number;
  extremesCpuSeconds: number;
  iterations: number;
  methods: { min: string; max: string };
  lambdaMin: number;
  lambdaMax: number;
  /** With certify: the proved enclosure and its extra time (reusing the extremes above). */
  enclosureSeconds?: number;
  enclosure?: EigenEnclosure;
  /** With dense: all eigenvalues by Householder + QL (for comparison with eigvalsh's work). */
  denseSeconds?: number;
}

export interface EigenReferenceJob {
  n: number;
  d: number;
  /** The rows, row-major. */
  X: number[];
  repeat: number;
}

export function benchHinfExtremes(opts: {
  n: number;
  d?: number;
  seed?: number;
  certify?: boolean;
  dense?: boolean;
  repeat?: number;
}): { result: HinfExtremesBench; referenceJob: EigenReferenceJob } {
  const d = opts.d ?? 10;
  const seed = opts.seed ?? 1;
  const data = loadData(`sphere:n=${opts.n},d=${d},seed=${seed}`, { normalize: true });
  const n = data.n;
  let t = performance.now();
  const H = gramInfinity(data);
  const buildSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const ext = fastExtremes(H, n, {}, () => symmetricEigenvalues(H, n));
  const extremesSeconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const extremesCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result: HinfExtremesBench = {
    n,
    d,
    seed,
    buildSeconds,
    extremesSeconds,
    extremesCpuSeconds,
    iterations: ext.iterations,
    methods: { min: ext.min.method, max: ext.max.method },
    lambdaMin: ext.min.value,
    lambdaMax: ext.max.value,
  };
  if (opts.certify) {
    t = performance.now();
    result.enclosure = extremeEigenEnclosure(H, n, { extremes: ext });
    result.enclosureSeconds = (performance.now() - t) / 1000;
  }
  if (opts.dense) {
    t = performance.now();
    symmetricEigenvalues(H, n);
    result.denseSeconds = (performance.now() - t) / 1000;
  }
  return { result, referenceJob: { n, d, X: Array.from(data.X), repeat: opts.repeat ?? 1 } };
}

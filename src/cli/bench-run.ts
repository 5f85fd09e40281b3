/**
 * `dynview bench`: dynview's trainer beside the naive numpy loop of the same training
 * (bench/reference.py: Z = W Xᵀ every step, float64, numpy's multithreaded BLAS), one after the other
 * in one run, case by case, with the machine's load average next to every figure; plus the spectra
 * case (λ0 and λ_max of H∞ at n = 2000 against numpy's eigvalsh, bench/eigen_reference.py).
 *
 * What is timed, on both sides, inside the process (interpreter start-up excluded on both):
 * - numpy: the whole training run, the weights' initialisation included;
 * - dynview: the whole `train()` call with --probe-every 0 (initialisation, H∞'s λ0/λ_max, the
 *   probes at the first and last step, every step, the final weights), default engine.
 * Imports and one-time initialisation are not timed on either side (numpy is imported before its
 * clock starts; dynview first trains two tiny nets to load mathjs, the kernels and their threads).
 * The ratio is numpy's seconds over dynview's (> 1: dynview is faster).
 *
 * numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (they are
 * set on some machines of this workplace for old OpenBLAS builds and slow a current one down).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadData } from '../data/load.ts';
import type { Dataset } from '../data/types.ts';
import type { ParamValues } from '../spec/compile.ts';
import { train } from '../train/trainer.ts';
import { Rng } from '../util/rng.ts';
import { benchHinfExtremes } from '../ntk/spectrum-bench.ts';

export interface BenchCase {
  id: string;
  title: string;
  /** A --data source, or `gaussian:n=…,d=…,seed=…` (rows and targets i.i.d. N(0, 1), made here). */
  data: string;
  width: number;
  method: string;
  params: ParamValues;
  steps: number;
  quickSteps: number;
}

/** The benchmark cases of docs/performance.md and the README's own. */
export const BENCH_CASES: BenchCase[] = [
  {
    id: 'sphere-hb',
    title: 'sphere n=100 d=10, m=10⁴, hb β=0.5 η=0.5',
    data: 'sphere:n=100,d=10,seed=1',
    width: 10_000,
    method: 'hb',
    params: { eta: 0.5, beta: 0.5 },
    steps: 200,
    quickSteps: 20,
  },
  {
    id: 'gauss-gd',
    title: 'Gaussian rows n=200 d=784, m=3000, gd η=1e-4',
    data: 'gaussian:n=200,d=784,seed=1',
    width: 3000,
    method: 'gd',
    params: { eta: 1e-4 },
    steps: 30,
    quickSteps: 5,
  },
  {
    id: 'sphere-wide-gd',
    title: 'sphere n=100 d=10, m=10⁵, gd η=0.4',
    data: 'sphere:n=100,d=10,seed=1',
    width: 100_000,
    method: 'gd',
    params: { eta: 0.4 },
    steps: 50,
    quickSteps: 5,
  },
  {
    id: 'mnist-hb',
    title: 'MNIST n=600 d=784, m=3000, hb-fixed η=1e-4 β=0.5',
    data: 'mnist:n=600',
    width: 3000,
    method: 'hb-fixed',
    params: { eta: 1e-4, beta: 0.5 },
    steps: 60,
    quickSteps: 6,
  },
  {
    id: 'readme-hb',
    title: 'sphere n=100 d=10, m=10⁴, hb η=0.1 γ=1 (README)',
    data: 'sphere:n=100,d=10,seed=1',
    width: 10_000,
    method: 'hb',
    params: { eta: 0.1, gamma: 1 },
    steps: 400,
    quickSteps: 40,
  },
];

/** The spectra case: λ0 and λ_max of H∞ of unit-norm Gaussian rows (d = 10). */
export const SPECTRA_CASE = { id: 'hinf-2000', title: 'λ0, λmax of H∞, n=2000 d=10', n: 2000 } as const;

export const CASE_IDS = [...BENCH_CASES.map((c) => c.id), SPECTRA_CASE.id];

export interface BenchRow {
  id: string;
  title: string;
  steps: number;
  numpySeconds: number;
  dynviewSeconds: number;
  /** numpy seconds / dynview seconds. */
  ratio: number;
  dynviewStepsPerSecond: number;
  numpyStepsPerSecond: number;
  /** Where dynview's direct engine kept its vectors. */
  representation: string;
  numpyFinalLoss: number;
  dynviewFinalLoss: number;
  /** 1-minute load average before the numpy run and after the dynview run. */
  loadBefore: number;
  loadAfter: number;
}

export interface SpectraRow {
  id: string;
  title: string;
  n: number;
  numpySeconds: number;
  dynviewSeconds: number;
  ratio: number;
  lambdaMin: { dynview: number; numpy: number };
  lambdaMax: { dynview: number; numpy: number };
  loadBefore: number;
  loadAfter: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  numpy: string | null;
  /** Threads the kernels used (DYNVIEW_THREADS or the cores). */
  threads: number;
  /** 1-, 5- and 15-minute load averages at the start. */
  loadAverage: number[];
}

export interface BenchReport {
  machine: MachineInfo;
  quick: boolean;
  rows: BenchRow[];
  spectra: SpectraRow | null;
}

export class BenchError extends Error {
  override name = 'BenchError';
}

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: fall back to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** bench/<name> of the package (a source checkout or the installed package: dist/src/cli → ../../..). */
export function benchScript(name: string): string {
  for (const up of ['../../bench/', '../../../bench/']) {
    const p = fileURLToPath(new URL(up + name, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new BenchError(`bench/${name} not found next to the package`);
}

/** Load a case's data set (the Gaussian rows are made here, seeded). */
export function benchData(source: string): Dataset {
  const g = /^gaussian:n=(\d+),d=(\d+),seed=(\d+)$/.exec(source);
  if (!g) return loadData(source);
  const [n, d, seed] = [Number(g[1]), Number(g[2]), Number(g[3])];
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  rng.fillNormal(X, 1);
  const y = new Float64Array(n);
  rng.fillNormal(y, 1);
  return { source, n, d, X, y, unitNorm: false, notes: [] };
}

/** The environment numpy is timed in: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed together. */
export function numpyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function runPython(python: string, script: string, payload: unknown): string {
  const res = spawnSync(python, [script], {
    input: JSON.stringify(payload),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: numpyEnv(),
  });
  if (res.error) throw new BenchError(`cannot run ${python}: ${res.error.message}`);
  if (res.status !== 0)
    throw new BenchError(
      `${script.split('/').slice(-2).join('/')} failed: ${(res.stderr || '').trim().split('\n').pop()}`,
    );
  return res.stdout;
}

export interface NumpyJob {
  c: BenchCase;
  steps: number;
  /** Feed dynview's initial weights (the losses then match dynview's). */
  W0?: Float64Array;
  a?: Float64Array;
}

export interface NumpyResult {
  stepsPerSecond: number;
  seconds: number;
  finalLoss: number;
  /** Loss at every step (the loss at the iterate the step starts from). */
  losses: number[];
  numpy: string;
}

/** Run the numpy reference on jobs over one data set, in one python process. */
export function runNumpyJobs(data: Dataset, jobs: NumpyJob[], python = 'python3'): NumpyResult[] {
  const X: number[][] = [];
  for (let i = 0; i < data.n; i++) X.push(Array.from(data.X.subarray(i * data.d, (i + 1) * data.d)));
  const payload = {
    jobs: jobs.map((j) => ({
      X,
      y: Array.from(data.y),
      width: j.c.width,
      method: j.c.method,
      params: j.c.params,
      steps: j.steps,
      seed: 1,
      ...(j.W0 && j.a ? { W0: Array.from(j.W0), a: Array.from(j.a) } : {}),
    })),
  };
  return JSON.parse(runPython(python, benchScript('reference.py'), payload)) as NumpyResult[];
}

/** dynview's whole train() call (default engine, probes only at the first and last step). */
export function runDynview(
  data: Dataset,
  c: BenchCase,
  steps: number,
): { seconds: number; finalLoss: number; representation: string } {
  const t0 = performance.now();
  const r = train({
    data,
    width: c.width,
    method: c.method,
    params: c.params,
    steps,
    seed: 1,
    probeEvery: 0,
  });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, finalLoss: r.loss[r.steps], representation: r.representation ?? r.engine };
}

/** Tiny training runs (both representations): load the method compiler, the kernels and their threads. */
export function warmUp(): void {
  const runs: Array<[string, ParamValues, number]> = [
    ['gd', { eta: 1e-3 }, 3],
    ['hb-fixed', { eta: 1e-3, beta: 0.5 }, 40],
  ];
  for (const [method, params, d] of runs) {
    const data = benchData(`gaussian:n=4,d=${d},seed=1`);
    train({ data, width: 64, method, params, steps: 2, seed: 1, probeEvery: 0 });
  }
}

export interface BenchOptions {
  quick: boolean;
  cases?: string[];
  python?: string;
  onCase?: (msg: string) => void;
}

export function runBench(opts: BenchOptions): BenchReport {
  const chosen = opts.cases ? BENCH_CASES.filter((c) => opts.cases!.includes(c.id)) : BENCH_CASES;
  const python = opts.python ?? 'python3';
  const machine: MachineInfo = {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    numpy: null,
    threads: Number(process.env.DYNVIEW_THREADS) || cpus().length,
    loadAverage: loadavg(),
  };
  const rows: BenchRow[] = [];
  // Imports and one-time initialisation (mathjs for the method compiler, the WebAssembly module
  // and its worker threads) happen once, before any timing, as numpy's import does on its side.
  warmUp();
  for (const c of chosen) {
    const steps = opts.quick ? c.quickSteps : c.steps;
    const data = benchData(c.data);
    const loadBefore = loadavg()[0];
    opts.onCase?.(`${c.id}: numpy, ${steps} steps (load ${loadBefore.toFixed(2)})`);
    const np = runNumpyJobs(data, [{ c, steps }], python)[0];
    machine.numpy = np.numpy;
    opts.onCase?.(`${c.id}: dynview, ${steps} steps`);
    const dv = runDynview(data, c, steps);
    rows.push({
      id: c.id,
      title: c.title,
      steps,
      numpySeconds: np.seconds,
      dynviewSeconds: dv.seconds,
      ratio: np.seconds / dv.seconds,
      dynviewStepsPerSecond: steps / dv.seconds,
      numpyStepsPerSecond: steps / np.seconds,
      representation: dv.representation,
      numpyFinalLoss: np.finalLoss,
      dynviewFinalLoss: dv.finalLoss,
      loadBefore,
      loadAfter: loadavg()[0],
    });
  }
  let spectra: SpectraRow | null = null;
  if (!opts.cases || opts.cases.includes(SPECTRA_CASE.id)) {
    const n = opts.quick ? 500 : SPECTRA_CASE.n;
    const loadBefore = loadavg()[0];
    opts.onCase?.(`${SPECTRA_CASE.id}: numpy eigvalsh and dynview extremes, n=${n}`);
    const { result, referenceJob } = benchHinfExtremes({ n });
    const ref = JSON.parse(runPython(python, benchScript('eigen_reference.py'), referenceJob)) as {
      eigvalshSeconds: number;
      lambdaMin: number;
      lambdaMax: number;
      numpy: string;
    };
    machine.numpy = ref.numpy;
    spectra = {
      id: SPECTRA_CASE.id,
      title: opts.quick ? `λ0, λmax of H∞, n=${n} d=10` : SPECTRA_CASE.title,
      n,
      numpySeconds: ref.eigvalshSeconds,
      dynviewSeconds: result.extremesSeconds,
      ratio: ref.eigvalshSeconds / result.extremesSeconds,
      lambdaMin: { dynview: result.lambdaMin, numpy: ref.lambdaMin },
      lambdaMax: { dynview: result.lambdaMax, numpy: ref.lambdaMax },
      loadBefore,
      loadAfter: loadavg()[0],
    };
  }
  return { machine, quick: opts.quick, rows, spectra };
}

const f3 = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2));

/** The human table: one line per case, each with its ratio and the load around it. */
export function formatBench(r: BenchReport): string {
  const head = ['case', 'steps', 'numpy s', 'dynview s', 'ratio', 'dynview steps/s', 'repr.', 'load'];
  const body = r.rows.map((x) => [
    x.title,
    String(x.steps),
    f3(x.numpySeconds),
    f3(x.dynviewSeconds),
    `${x.ratio.toFixed(2)}×`,
    f3(x.dynviewStepsPerSecond),
    x.representation,
    `${x.loadBefore.toFixed(1)}→${x.loadAfter.toFixed(1)}`,
  ]);
  if (r.spectra) {
    const s = r.spectra;
    body.push([
      s.title,
      '—',
      f3(s.numpySeconds),
      f3(s.dynviewSeconds),
      `${s.ratio.toFixed(2)}×`,
      '—',
      'Lanczos',
      `${s.loadBefore.toFixed(1)}→${s.loadAfter.toFixed(1)}`,
    ]);
  }
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const m = r.machine;
  out.push('');
  out.push(
    `ratio = numpy seconds / dynview seconds (> 1: dynview faster); load = 1-minute load average before numpy → after dynview`,
  );
  out.push(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.threads} kernel threads, node ${m.node}, numpy ${m.numpy ?? '?'}, load average ${m.loadAverage.map((v) => v.toFixed(2)).join(' ')} at start${r.quick ? ' (--quick)' : ''}`,
  );
  if (r.spectra) {
    const s = r.spectra;
    out.push(
      `${s.id}: λ0 ${s.lambdaMin.dynview.toPrecision(10)} (numpy ${s.lambdaMin.numpy.toPrecision(10)}), λmax ${s.lambdaMax.dynview.toPrecision(10)} (numpy ${s.lambdaMax.numpy.toPrecision(10)})`,
    );
  }
  return out.join('\n');
}

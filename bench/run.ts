/**
 * `dynview bench`: steps per second of dynview's trainer beside a naive numpy loop of the same
 * training (bench/reference.py), measured one after the other in the same run, as a ratio.
 *
 * - numpy: Z = W Xᵀ every step (BLAS), one warm-up step excluded.
 * - dynview fast: the whole run of the fast engine's loop (setup, frames, every step), no probes.
 * - dynview direct: the direct engine's steps between its first and last progress callbacks (its
 *   probes at step 0 and at the end fall outside that window).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadData } from '../src/data/load.ts';
import type { Dataset } from '../src/data/types.ts';
import type { ParamValues } from '../src/spec/compile.ts';
import { runFastLoop, type FastLoopStats } from '../src/train/fast-loop.ts';
import { runDirect } from '../src/train/engine-direct.ts';

export interface BenchCase {
  id: string;
  title: string;
  data: string;
  width: number;
  method: string;
  params: ParamValues;
  steps: number;
  quickSteps: number;
  /** Steps timed for the direct engine (it is slow by design). */
  directSteps: number;
  quickDirectSteps: number;
}

export const BENCH_CASES: BenchCase[] = [
  {
    id: 'sphere-hb',
    title: 'sphere n=100 d=10, m=10⁴, hb',
    data: 'sphere:n=100,d=10,seed=1',
    width: 10_000,
    method: 'hb',
    params: { eta: 0.1, gamma: 1 },
    steps: 400,
    quickSteps: 100,
    directSteps: 20,
    quickDirectSteps: 6,
  },
  {
    id: 'mnist-hb',
    title: 'MNIST n=600 d=784, m=3000, hb-fixed β=0.5',
    data: 'mnist:n=600',
    width: 3000,
    method: 'hb-fixed',
    params: { eta: 1e-4, beta: 0.5 },
    steps: 60,
    quickSteps: 15,
    directSteps: 4,
    quickDirectSteps: 3,
  },
];

export interface BenchRow {
  id: string;
  title: string;
  steps: number;
  numpyStepsPerSecond: number;
  dynviewStepsPerSecond: number;
  ratio: number;
  engine: 'fast';
  directStepsPerSecond: number | null;
  directSteps: number;
  numpyFinalLoss: number;
  dynviewFinalLoss: number;
  fast: FastLoopStats;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  numpy: string | null;
  /** 1-minute load average at the start (the machine may be shared). */
  loadAverage: number;
}

export interface BenchReport {
  machine: MachineInfo;
  quick: boolean;
  rows: BenchRow[];
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

const REFERENCE = fileURLToPath(new URL('./reference.py', import.meta.url));

export class BenchError extends Error {
  override name = 'BenchError';
}

export interface NumpyJob {
  c: BenchCase;
  steps: number;
  /** Feed dynview's initial weights (the losses then match dynview's). */
  W0?: Float64Array;
  a?: Float64Array;
  warmup?: number;
}

export interface NumpyResult {
  stepsPerSecond: number;
  finalLoss: number;
  /** Loss at every timed step (the loss at the iterate the step starts from). */
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
      warmup: j.warmup ?? 1,
      ...(j.W0 && j.a ? { W0: Array.from(j.W0), a: Array.from(j.a) } : {}),
    })),
  };
  const res = spawnSync(python, [REFERENCE], {
    input: JSON.stringify(payload),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (res.error) throw new BenchError(`cannot run ${python}: ${res.error.message}`);
  if (res.status !== 0)
    throw new BenchError(`bench/reference.py failed: ${(res.stderr || '').trim().split('\n').pop()}`);
  return JSON.parse(res.stdout) as NumpyResult[];
}

/** Run the numpy reference on a data set (one warm-up step, then `steps` timed). */
export function runNumpy(data: Dataset, c: BenchCase, steps: number, python = 'python3'): NumpyResult {
  return runNumpyJobs(data, [{ c, steps }], python)[0];
}

/** Time the fast engine's loop over the whole run (setup included, no probes). */
export function runDynviewFast(
  data: Dataset,
  c: BenchCase,
  steps: number,
): { stepsPerSecond: number; finalLoss: number; stats: FastLoopStats } {
  const t0 = performance.now();
  const r = runFastLoop({ data, width: c.width, method: c.method, params: c.params, steps, seed: 1 });
  const sec = (performance.now() - t0) / 1000;
  return { stepsPerSecond: r.steps / sec, finalLoss: r.loss[r.steps], stats: r.stats };
}

/** Time the direct engine's steps between its first and last progress callbacks. */
export function runDynviewDirect(data: Dataset, c: BenchCase, steps: number): number | null {
  if (steps < 2) return null;
  const marks: Array<[number, number]> = [];
  runDirect({
    data,
    width: c.width,
    method: c.method,
    params: c.params,
    steps,
    seed: 1,
    probeEvery: 0,
    engine: 'direct',
    onProgress: (done) => marks.push([done, performance.now()]),
  });
  const inner = marks.filter(([k]) => k < steps || marks.length <= 2);
  if (inner.length < 2) return null;
  const [k0, t0] = inner[0];
  const [k1, t1] = inner[inner.length - 1];
  return k1 > k0 ? (k1 - k0) / ((t1 - t0) / 1000) : null;
}

export interface BenchOptions {
  quick: boolean;
  cases?: string[];
  python?: string;
  /** Skip the direct engine (it takes seconds per step on MNIST). */
  direct?: boolean;
  onCase?: (msg: string) => void;
}

export function runBench(opts: BenchOptions): BenchReport {
  const chosen = opts.cases ? BENCH_CASES.filter((c) => opts.cases!.includes(c.id)) : BENCH_CASES;
  const machine: MachineInfo = {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    numpy: null,
    loadAverage: loadavg()[0],
  };
  const rows: BenchRow[] = [];
  for (const c of chosen) {
    const steps = opts.quick ? c.quickSteps : c.steps;
    const data = loadData(c.data);
    opts.onCase?.(`${c.id}: numpy, ${steps} steps`);
    const np = runNumpy(data, c, steps, opts.python);
    machine.numpy = np.numpy;
    opts.onCase?.(`${c.id}: dynview fast, ${steps} steps`);
    const fast = runDynviewFast(data, c, steps);
    const directSteps = opts.quick ? c.quickDirectSteps : c.directSteps;
    let direct: number | null = null;
    if (opts.direct !== false) {
      opts.onCase?.(`${c.id}: dynview direct, ${directSteps} steps`);
      direct = runDynviewDirect(data, c, directSteps);
    }
    rows.push({
      id: c.id,
      title: c.title,
      steps,
      numpyStepsPerSecond: np.stepsPerSecond,
      dynviewStepsPerSecond: fast.stepsPerSecond,
      ratio: fast.stepsPerSecond / np.stepsPerSecond,
      engine: 'fast',
      directStepsPerSecond: direct,
      directSteps,
      numpyFinalLoss: np.finalLoss,
      dynviewFinalLoss: fast.finalLoss,
      fast: fast.stats,
    });
  }
  return { machine, quick: opts.quick, rows };
}

const f3 = (v: number | null): string =>
  v === null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2);

/** The human table. */
export function formatBench(r: BenchReport): string {
  const head = ['case', 'steps', 'numpy steps/s', 'dynview steps/s', 'ratio', 'engine', 'direct steps/s'];
  const body = r.rows.map((x) => [
    x.title,
    String(x.steps),
    f3(x.numpyStepsPerSecond),
    f3(x.dynviewStepsPerSecond),
    `${x.ratio.toFixed(2)}×`,
    x.engine,
    f3(x.directStepsPerSecond),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const m = r.machine;
  out.push('');
  out.push(
    `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, numpy ${m.numpy ?? '?'}, load average ${m.loadAverage.toFixed(2)} at start${r.quick ? ' (--quick)' : ''}`,
  );
  for (const x of r.rows) {
    const s = x.fast;
    out.push(
      `${x.id}: fast engine ${s.frames} frames, mean ${s.meanNearRows.toFixed(0)} near rows, ${s.allNearSteps}/${x.steps} all-near steps, ${s.redoneSteps} redone, ${s.refreshedRows} rows refreshed`,
    );
  }
  return out.join('\n');
}

/**
 * `train()`: train the wide two-layer ReLU net (first layer only) with a method, as `dynview train`
 * does; returns the object `dynview train --json -` prints.
 */
import { loadData } from '../data/load.ts';
import type { Dataset } from '../data/types.ts';
import { lambda0Statement } from '../ntk/degenerate.ts';
import { ntkSpectrumModel } from '../ntk/both-layers.ts';
import { compileMethod, resolveMethod, stepSymbol } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import type { MethodSpec } from '../spec/types.ts';
import { train as runEngine } from '../train/trainer.ts';
import type { Engine, Probe, Trajectory } from '../train/types.ts';
import { plainJson } from './json.ts';
import { methodParams } from './params.ts';

export interface TrainOptions {
  /** Data source: 'sphere:n=20,d=5,seed=0', 'paper-synthetic:n=50,seed=1', 'mnist:n=100', 'file:my.csv'. */
  data: string;
  /** Scale every data row to unit norm. */
  normalize?: boolean;
  /** Hidden width m. */
  width: number;
  /** A built-in method name (gd, hb, hb-fixed, nag-c, nag-sc, hm) or a method spec object. */
  method: string | MethodSpec;
  /** Step size: sets the spec's step symbol (eta, or s for Nesterov). May instead be given in `params`. */
  eta?: number;
  /** Values of any symbol the spec declares, e.g. { beta: 0.9 } or { alpha: 0.3 }. */
  params?: Record<string, number>;
  steps: number;
  /** Seed of W(0) and a (default 0): same seed, same bits. */
  seed?: number;
  /** w_r(0) ~ N(0, c² I) (default 1). */
  initScale?: number;
  /** Probe the empirical NTK every p steps (0 = first and last only; default steps/20). */
  probeEvery?: number;
  engine?: Engine;
  /** Trained layers: 'first' (default, a frozen) or 'both' (W and a; the NTK adds the arc-cosine kernel). */
  train?: 'first' | 'both';
  /** A trained hidden bias (= a constant input coordinate 1). */
  bias?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What `dynview train --json -` prints. Non-finite numbers are null. */
export interface TrainResult {
  status: 'ok' | 'diverged';
  steps: number;
  divergedAt: number | null;
  /** Loss ½‖u − y‖² at steps 0..steps. */
  loss: Array<number | null>;
  /** ‖u − y‖ at steps 0..steps. */
  errNorm: Array<number | null>;
  /** λ0 and λ_max of H∞. */
  lambda0: number;
  lambdaMax: number;
  probes: Probe[];
  /** Slope of ln(loss) per step over the window (null: no usable window, see rateNote). */
  rate: { perStep: number; window: [number, number] } | null;
  rateNote?: string;
  seconds: number;
  method: string;
  params: Record<string, number>;
  width: number;
  seed: number;
  engine: 'direct' | 'fast';
  /** Trained layers and hidden bias of the model (λ0, λ_max and κ are those of its H∞). */
  train: 'first' | 'both';
  bias: boolean;
  data: string;
  n: number;
  d: number;
  unitNorm: boolean;
  notes: string[];
  kappa: number | null;
}

/** The run with everything the command line prints (trajectory, data, the λ0 warning). */
export interface TrainRun {
  trajectory: Trajectory;
  data: Dataset;
  /** Warning when λ0 of H∞ is zero or tiny (parallel or duplicate inputs), else null. */
  degenerate: string | null;
  result: TrainResult;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(what);
}

/** Train and keep the trajectory (the command line uses this; `train` returns only the JSON). */
export function trainRun(opts: TrainOptions): TrainRun {
  check(Number.isInteger(opts.width) && opts.width >= 1, `width must be an integer >= 1, got ${opts.width}`);
  check(Number.isInteger(opts.steps) && opts.steps >= 1, `steps must be an integer >= 1, got ${opts.steps}`);
  const seed = opts.seed ?? 0;
  check(Number.isInteger(seed) && seed >= 0, `seed must be an integer >= 0, got ${seed}`);
  const probeEvery = opts.probeEvery ?? Math.max(1, Math.round(opts.steps / 20));
  check(Number.isInteger(probeEvery) && probeEvery >= 0, `probeEvery must be an integer >= 0`);
  if (opts.eta !== undefined && !(Number.isFinite(opts.eta) && opts.eta > 0))
    throw new SpecError(`--eta must be a positive finite number, got ${opts.eta}`);

  // Data first: a bad data source fails before the method machinery (mathjs) is used.
  const data = loadData(opts.data, { normalize: opts.normalize === true });
  const parsed = resolveMethod(opts.method);
  const params = methodParams(parsed, opts.params ?? {}, { eta: opts.eta });
  const step = stepSymbol(parsed.spec);
  if (step !== null && !(step in params))
    throw new SpecError(`method '${parsed.spec.name}' needs a step size: give --eta (or --param ${step}=…)`);
  compileMethod(parsed, params); // validates the parameters before any work

  const trajectory = runEngine({
    data,
    width: opts.width,
    method: opts.method,
    params,
    steps: opts.steps,
    seed,
    probeEvery,
    initScale: opts.initScale ?? 1,
    // 'auto' is resolved by the trainer: both layers, a bias or ggn need the direct model loop.
    engine: opts.engine ?? 'auto',
    train: opts.train ?? 'first',
    bias: opts.bias === true,
    onProgress: opts.onProgress,
  });
  const spectrum = ntkSpectrumModel(data, { train: opts.train ?? 'first', bias: opts.bias === true });
  const degenerate = lambda0Statement(data, spectrum);
  const result = plainJson<TrainResult>({
    status: trajectory.status,
    steps: trajectory.steps,
    divergedAt: trajectory.divergedAt,
    loss: trajectory.loss,
    errNorm: trajectory.errNorm,
    lambda0: trajectory.lambda0,
    lambdaMax: trajectory.lambdaMax,
    probes: trajectory.probes,
    rate: trajectory.rate,
    seconds: trajectory.seconds,
    method: trajectory.method,
    params: trajectory.params,
    width: trajectory.width,
    seed: trajectory.seed,
    engine: trajectory.engine,
    train: opts.train ?? 'first',
    bias: opts.bias === true,
    data: data.source,
    n: data.n,
    d: data.d,
    unitNorm: data.unitNorm,
    notes: [...data.notes, ...(degenerate ? [degenerate] : [])],
    kappa: spectrum.kappa,
    ...(trajectory.rate === null ? { rateNote: rateReason(trajectory) } : {}),
  });
  return { trajectory, data, degenerate, result };
}

/** Train the net; returns the object `dynview train --json -` prints. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  return trainRun(opts).result;
}

/** Why a trajectory has no fitted rate. */
export function rateReason(t: Trajectory): string {
  const l = t.loss;
  for (let k = 0; k < l.length; k++)
    if (Number.isFinite(l[k]) && !(l[k] > 1e-300))
      return `the loss reached ${l[k] === 0 ? '0' : 'underflow'} at step ${k}`;
  if (t.status === 'diverged') return 'diverged';
  return 'too few steps';
}

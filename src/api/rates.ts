/**
 * `rates()`: the convergence-rate table of a paper — per method × setting on one or more data sets,
 * the ODE-limit rate, the exact discrete rate, optionally the rate measured on a trained network,
 * and the theory's optimal hyperparameters. Returns the object `dynview rates --format json` prints.
 */
import { loadData } from '../data/load.ts';
import type { Dataset } from '../data/types.ts';
import { extremeEigenvalues } from '../linalg/eigen.ts';
import { gramInfinityModel } from '../ntk/both-layers.ts';
import {
  computeRateRow,
  expandSettings,
  fitMeasuredRate,
  parseGrid,
  usableWindow,
  withMeasured,
  type OutputSpaceDeriver,
  type RateRow,
  type RateSetting,
  type Spectrum,
} from '../dynamics/rates.ts';
import { ratesJson } from '../report/table-rates.ts';
import { resolveMethod } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import type { MethodSpec } from '../spec/types.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import { train as runEngine } from '../train/trainer.ts';
import { plainJson } from './json.ts';
import { declaredSymbols } from './params.ts';
import { checkCount } from '../util/limits.ts';

export const DEFAULT_RATE_METHODS = ['gd', 'hb', 'nag-c', 'nag-sc', 'hm'];
export const DEFAULT_RATE_DATA = 'sphere:n=100,d=10,seed=1';

export interface RatesOptions {
  /** Built-in names or spec objects (default gd, hb, nag-c, nag-sc, hm). */
  methods?: Array<string | MethodSpec>;
  /** One or more data sources (default sphere:n=100,d=10,seed=1). */
  data?: string | string[];
  normalize?: boolean;
  /** Parameter grid: {beta: [0.2, 0.5]} or the CLI's text 'beta=0.2,0.5;hb.gamma=1,2'. */
  grid?: Record<string, number[]> | string;
  /** Fixed values of symbols the methods declare (the CLI's --param): a one-value grid entry each. */
  params?: Record<string, number>;
  /** Step size of every method (default 1/λmax of H∞). */
  eta?: number;
  resolution?: 'low' | 'high';
  /** Also train a network per row and fit its rate. */
  measure?: { width?: number; steps?: number; seed?: number } | boolean;
  /** Trained layers of the model ('both': H∞ adds the arc-cosine kernel; measured runs train W and a). */
  train?: 'first' | 'both';
  /** A trained hidden bias (= a constant input coordinate 1). */
  bias?: boolean;
  /** Measuring: called per row as training proceeds. */
  onProgress?: (row: { index: number; count: number; method: string }, done: number, total: number) => void;
}

/** One data set's header in the JSON. */
export interface RatesData {
  source: string;
  lambda0: number;
  lambdaMax: number;
  kappa: number;
}

/**
 * One row of `dynview rates --format json`: the RateRow of src/dynamics/rates.ts (null where a
 * column does not apply) with the data set it belongs to and the measured rate ρ per step pulled up
 * from `measured`.
 */
export type RatesRow = { data: string } & RateRow & { measuredRate: number | null };

export interface RatesResult {
  /** One data set: an object; several: an array in the order given. */
  data: RatesData | RatesData[];
  /** What each rate column means. */
  units: Record<string, string>;
  rows: RatesRow[];
}

/** One data set's rows with what the renderers need. */
export interface RatesBlock {
  rows: RateRow[];
  spectrum: Spectrum;
  label: string;
  settings: RateSetting[];
  data: Dataset;
}

/** The derivation and output-space mapping for the ODE columns; null rows say n/a. */
export const outputSpaceDeriver: OutputSpaceDeriver = (method, resolution) => {
  try {
    return toOutputSpace(deriveOde(method, { resolution }));
  } catch {
    return null;
  }
};

/** Grid text or object, with --param values added as one-value entries (a key in both is an error). */
export function ratesGrid(
  grid: RatesOptions['grid'],
  params: Record<string, number> = {},
): Record<string, number[]> {
  const g = typeof grid === 'string' || grid === undefined ? parseGrid(grid ?? '') : { ...grid };
  for (const [k, v] of Object.entries(params)) {
    if (k in g) throw new RangeError(`parameter '${k}' is given by --param and --grid`);
    g[k] = [v];
  }
  return g;
}

/** Compute the tables (the command line renders them as md/csv/latex/json and plots them). */
export function ratesRun(opts: RatesOptions): { blocks: RatesBlock[]; grid: Record<string, number[]> } {
  const resolution = opts.resolution ?? 'low';
  if (resolution !== 'low' && resolution !== 'high')
    throw new RangeError(`resolution must be low or high, got '${String(resolution)}'`);
  if (opts.eta !== undefined && !(Number.isFinite(opts.eta) && opts.eta > 0))
    throw new RangeError(`eta must be a positive finite number, got ${opts.eta}`);
  const grid = ratesGrid(opts.grid, opts.params);
  const list = opts.methods ?? DEFAULT_RATE_METHODS;
  if (list.length === 0) throw new RangeError('no method given');
  // Rows = methods × grid combinations × data sets, bounded before any is computed (LimitError).
  const rows = Object.values(grid).reduce((p, v) => p * Math.max(1, v.length), list.length);
  const dataSets = Array.isArray(opts.data) ? opts.data.length : 1;
  checkCount('rows', 'rates: rows (methods × grid values × data sets)', rows * dataSets);
  const methods = list.map((m) => ({
    name: typeof m === 'string' ? m : resolveMethod(m).spec.name,
    spec: typeof m === 'string' ? m : resolveMethod(m).spec,
  }));
  const declared = methods.map((m) => ({
    name: m.name,
    symbols: declaredSymbols(resolveMethod(m.spec).spec),
  }));
  for (const k of Object.keys(opts.params ?? {}))
    if (!declared.some((m) => m.symbols.includes(k) || k === 'eta'))
      throw new SpecError(
        `no selected method has a parameter '${k}' (${declared.map((m) => `${m.name}: ${m.symbols.join(', ')}`).join('; ')})`,
      );
  const measure =
    opts.measure === true ? {} : opts.measure === false || opts.measure === undefined ? null : opts.measure;
  const sources = opts.data === undefined ? [DEFAULT_RATE_DATA] : [opts.data].flat();
  const blocks: RatesBlock[] = [];
  for (const source of sources) {
    const data = loadData(source, { normalize: opts.normalize === true });
    const model = { train: opts.train ?? 'first', bias: opts.bias === true } as const;
    const ext = extremeEigenvalues(gramInfinityModel(data, model), data.n);
    if (!(ext.min > ext.max * 1e-12))
      throw new RangeError(
        `H∞ of ${source} is singular (λ0 = ${ext.min.toExponential(3)}): parallel or duplicate inputs; rates need λ0 > 0`,
      );
    const spectrum = { lambda0: ext.min, lambdaMax: ext.max, kappa: ext.max / ext.min };
    const label =
      data.source +
      (opts.normalize ? ' (normalized)' : '') +
      (model.train === 'both' ? ', both layers trained' : '') +
      (model.bias ? ', hidden bias' : '');
    const settings = expandSettings(methods, grid, spectrum, opts.eta);
    let rows = settings.map((s) => computeRateRow(s, spectrum, outputSpaceDeriver, resolution));
    if (measure) rows = measureRows(rows, settings, data, { ...measure, ...model }, opts.onProgress);
    blocks.push({ rows, spectrum, label, settings, data });
  }
  return { blocks, grid };
}

/** Train one network per row and add its measured rate. */
function measureRows(
  rows: RateRow[],
  settings: RateSetting[],
  data: Dataset,
  o: { width?: number; steps?: number; seed?: number; train?: 'first' | 'both'; bias?: boolean },
  onProgress: RatesOptions['onProgress'],
): RateRow[] {
  const width = o.width ?? 2000;
  const steps = o.steps ?? 400;
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`width must be an integer >= 1`);
  if (!(Number.isInteger(steps) && steps >= 10)) throw new RangeError(`steps must be an integer >= 10`);
  return rows.map((row, i) => {
    const s = settings[i];
    const info = { index: i, count: rows.length, method: s.method };
    const traj = runEngine({
      data,
      width,
      method: s.spec,
      params: s.params,
      steps,
      seed,
      probeEvery: 0,
      train: o.train,
      bias: o.bias,
      onProgress: onProgress ? (done, total) => onProgress(info, done, total) : undefined,
    });
    const window = usableWindow(traj.errNorm, traj.rate?.window ?? [Math.floor(traj.steps / 2), traj.steps]);
    const fit = traj.status === 'ok' ? fitMeasuredRate(traj.errNorm, window) : null;
    if (fit === null)
      return {
        ...row,
        notes: [
          ...row.notes,
          traj.status === 'diverged'
            ? `training diverged at step ${traj.divergedAt}`
            : 'measured rate: too few usable points',
        ],
      };
    return withMeasured(row, {
      rate: fit.rate,
      r2: fit.r2,
      window,
      status: traj.status,
      width,
      steps: traj.steps,
    });
  });
}

/** The JSON document of one or several blocks (what `dynview rates --format json` prints). */
export function ratesResult(blocks: RatesBlock[]): RatesResult {
  const docs = blocks.map((b) => ratesJson(b.rows, b.spectrum, b.label) as RatesResult);
  if (docs.length === 1) return plainJson<RatesResult>(docs[0]);
  return plainJson<RatesResult>({
    data: docs.map((d) => d.data as RatesData),
    units: docs[0].units,
    rows: docs.flatMap((d) => d.rows),
  });
}

/** Rate table of methods × settings × data sets; the object `dynview rates --format json` prints. */
export async function rates(opts: RatesOptions = {}): Promise<RatesResult> {
  return ratesResult(ratesRun(opts).blocks);
}

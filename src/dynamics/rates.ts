/**
 * The convergence rates of `dynview rates` (and of the public rates()), computed: per method ×
 * setting on one data spectrum, the ODE-limit rate of the output-space dynamics, the exact discrete
 * rate of the linearised iteration, the theory's optimal hyperparameters, and the rate measured on a
 * trained network's ‖e_k‖. src/report/table-rates.ts only formats these rows (Markdown, CSV, LaTeX,
 * JSON).
 *
 * Units (fixed, also in the JSON): odeRate = c in ‖e(t)‖ ~ exp(−c t) per unit of the method's ODE
 * time; odeRatePerStep = exp(−c h) with h the ODE time per step; odeExponent = p in ‖e(t)‖ ~ t^(−p);
 * discreteRate = ρ per step (‖e_k‖ ~ ρ^k); measuredRate = ρ per step fitted on ‖e_k‖ of a trained net.
 */
import { resolveParams, stepSymbol, type ParamValues } from '../spec/compile.ts';
import type { MethodSpec, ParsedSpec } from '../spec/types.ts';
import type { OutputSpaceOde } from '../symbolic/types.ts';
import { ggnModeMap } from '../symbolic/ggn.ts';
import { formatNumber, formatRate } from '../util/format.ts';
import { fitLine } from '../util/fit.ts';
import { odeRate } from './modes.ts';
import { crossoverStep, isStepDependent, timeStep, toParsed, worstDiscreteRate } from './discrete.ts';
import { optimalHyperparameters, type OptimalSetting } from './optimal.ts';

export interface Spectrum {
  lambda0: number;
  lambdaMax: number;
  kappa: number;
}

/** One method × setting to tabulate. */
export interface RateSetting {
  /** The method as the user named it (built-in name or file). */
  method: string;
  /** What is run: a built-in name or a spec object. */
  spec: string | MethodSpec;
  /** The user-facing parameter values of this setting (step symbol included). */
  params: ParamValues;
  /** The method whose ODE describes this setting (hb with a fixed β → hb-fixed) and its params. */
  odeMethod: string | MethodSpec;
  odeParams: ParamValues;
  notes: string[];
}

export interface MeasuredRate {
  /** ρ per step = exp(slope of ln‖e_k‖) over the fit window. */
  rate: number;
  window: [number, number];
  /** R² of the straight-line fit of ln‖e_k‖ over the window. */
  r2: number;
  status: 'ok' | 'diverged';
  width: number;
  steps: number;
}

export interface RateRow {
  method: string;
  params: ParamValues;
  /** ODE time per step (h). */
  h: number | null;
  odeKind: 'linear' | 'sublinear' | 'undetermined' | 'unavailable';
  odeRate: number | null;
  odeRatePerStep: number | null;
  odeExponent: number | null;
  odeWorstLambda: number | null;
  discreteRate: number | null;
  /** 'exact' = spectral radius of the step map; 'asymptotic' = its k → ∞ limit (k-dependent methods). */
  discreteKind: 'exact' | 'asymptotic' | null;
  discreteWorstLambda: number | null;
  measured: MeasuredRate | null;
  /** Relative gaps of ln ρ: (ln ρ_measured − ln ρ_pred)/ln ρ_pred. */
  gapOde: number | null;
  gapDiscrete: number | null;
  optimal: OptimalSetting | null;
  /** Sublinear limits: where the discrete run of the slowest mode leaves the ODE envelope (steps). */
  crossover: { measured: number | null; predicted: number } | null;
  notes: string[];
}

function sublinearCrossover(
  setting: RateSetting,
  p: number,
  lambda0: number,
): { measured: number | null; predicted: number } | null {
  try {
    const c = crossoverStep(setting.spec, setting.params, lambda0, p, { maxSteps: 200_000 });
    return Number.isFinite(c.predicted) ? { measured: c.measured, predicted: c.predicted } : null;
  } catch {
    return null;
  }
}

/** Derives the output-space ODE of a method (null when no derivation is available). */
export type OutputSpaceDeriver = (
  method: string | MethodSpec,
  resolution: 'low' | 'high',
) => OutputSpaceOde | null;

export class GridError extends Error {
  override name = 'GridError';
}

/** 'beta=0.2,0.5;r=2,3' → {beta: [0.2, 0.5], r: [2, 3]}. Throws GridError on malformed input. */
export function parseGrid(raw: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (raw.trim() === '') return out;
  for (const part of raw.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new GridError(`--grid: expected name=v1,v2,… in '${part.trim()}'`);
    const key = part.slice(0, eq).trim();
    if (!/^([A-Za-z0-9_-]+\.)?[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new GridError(`--grid: bad parameter name '${key}'`);
    if (key in out) throw new GridError(`--grid: '${key}' given twice`);
    const vals = part
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim());
    if (vals.length === 0 || vals.some((s) => s === ''))
      throw new GridError(`--grid: empty value for '${key}'`);
    out[key] = vals.map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v))
        throw new GridError(`--grid: '${s}' is not a finite number (parameter ${key})`);
      return v;
    });
  }
  return out;
}

function cartesian(keys: string[], grid: Record<string, number[]>): Array<Record<string, number>> {
  let acc: Array<Record<string, number>> = [{}];
  for (const k of keys) acc = acc.flatMap((a) => grid[k].map((v) => ({ ...a, [k]: v })));
  return acc;
}

/**
 * Settings per method from a grid, the data spectrum and an optional step size. Grid keys apply to
 * the methods that have them (as a parameter or a `let` symbol; "eta" also names any method's step
 * symbol; "hb.beta" applies to hb only). Defaults: step 1/λmax; hb γ = 2√λ0; nag-sc μ = λ0; hm β1 = β2 = 0.2; hb-fixed β = 0.5.
 * Throws GridError for a grid key that no listed method has.
 */
export function expandSettings(
  methods: Array<{ name: string; spec: string | MethodSpec }>,
  grid: Record<string, number[]>,
  spectrum: Spectrum,
  eta?: number,
): RateSetting[] {
  const used = new Set<string>();
  const out: RateSetting[] = [];
  for (const m of methods) {
    const parsed = toParsed(m.spec);
    const spec = parsed.spec;
    const stepSym = stepSymbol(spec);
    const names = new Set([...spec.params, ...Object.keys(spec.let ?? {})]);
    // Unqualified keys apply to every method that has the parameter; 'hb.beta' only to hb.
    const local: Record<string, number[]> = {};
    for (const [k, vals] of Object.entries(grid)) {
      const dot = k.lastIndexOf('.');
      const owner = dot < 0 ? null : k.slice(0, dot);
      const base = dot < 0 ? k : k.slice(dot + 1);
      if (owner !== null && owner !== m.name) continue;
      if (!(names.has(base) || (base === 'eta' && stepSym !== null))) continue;
      if (base in local && owner === null) continue; // a qualified key wins over an unqualified one
      local[base] = vals;
      used.add(k);
    }
    const keys = Object.keys(local);
    for (const g of cartesian(keys, local)) {
      const params: ParamValues = {};
      const step = g.eta ?? g[stepSym ?? ''] ?? eta ?? 1 / spectrum.lambdaMax;
      if (stepSym) params[stepSym] = step;
      for (const [k, v] of Object.entries(g)) if (k !== 'eta' || stepSym === 'eta') params[k] = v;
      for (const [k, v] of Object.entries(spec.defaults ?? {})) if (!(k in params)) params[k] = v;
      const notes: string[] = [];
      let odeMethod: string | MethodSpec = m.spec;
      let odeParams: ParamValues = params;
      const builtin = typeof m.spec === 'string' ? m.spec : null;
      if (builtin === 'hb') {
        if ('beta' in params) {
          odeMethod = 'hb-fixed';
          odeParams = { eta: params.eta, beta: params.beta };
          notes.push('fixed β: ODE limit is the rescaled gradient flow (hb-fixed, t = kη)');
        } else if (!('gamma' in params)) params.gamma = 2 * Math.sqrt(spectrum.lambda0);
      } else if (builtin === 'nag-sc') {
        if ('beta' in params) {
          const mu = ((1 - params.beta) / (1 + params.beta)) ** 2 / params.s;
          odeParams = { s: params.s, mu };
          notes.push(`fixed β read through the law β = (1 − √(μs))/(1 + √(μs)): μ = ${formatNumber(mu)}`);
        } else if (!('mu' in params)) params.mu = spectrum.lambda0;
      } else if (builtin === 'hm') {
        if (!('beta1' in params)) params.beta1 = 0.2;
        if (!('beta2' in params)) params.beta2 = 0.2;
      } else if (builtin === 'hb-fixed') {
        if (!('beta' in params)) params.beta = 0.5;
      }
      out.push({ method: m.name, spec: m.spec, params, odeMethod, odeParams, notes });
    }
  }
  for (const k of Object.keys(grid)) {
    if (!used.has(k)) throw new GridError(`--grid: no selected method has a parameter '${k}'`);
  }
  return out;
}

function logGap(measured: number, predicted: number | null): number | null {
  if (predicted === null || !(predicted > 0 && predicted < 1) || !(measured > 0)) return null;
  const g = (Math.log(measured) - Math.log(predicted)) / Math.log(predicted);
  return Number.isFinite(g) ? g : null;
}

/** The theory columns of one row (ODE limit, exact discrete rate, optimum). */
export interface RowOptions {
  /** Log-spaced points of the worst-mode scan (default 401). */
  scan?: number;
  /** Skip the extras (crossover runs, optima): for dense theory curves. */
  light?: boolean;
}

export function computeRateRow(
  setting: RateSetting,
  spectrum: Spectrum,
  derive: OutputSpaceDeriver | null,
  resolution: 'low' | 'high' = 'low',
  opts: RowOptions = {},
): RateRow {
  const notes = [...setting.notes];
  const parsed: ParsedSpec = toParsed(setting.spec);
  const row: RateRow = {
    method: setting.method,
    params: setting.params,
    h: null,
    odeKind: 'unavailable',
    odeRate: null,
    odeRatePerStep: null,
    odeExponent: null,
    odeWorstLambda: null,
    discreteRate: null,
    discreteKind: null,
    discreteWorstLambda: null,
    measured: null,
    gapOde: null,
    gapDiscrete: null,
    optimal: null,
    crossover: null,
    notes,
  };
  const scope = resolveParams(parsed, setting.params); // throws SpecError for missing/unknown parameters
  const { lambda0, lambdaMax } = spectrum;
  // A ggn method: mode λ of H sees λ/(λ + ε) (1 at ε = 0), so the ODE is read on that range.
  const ggnMap = ggnModeMap(parsed, scope);
  if (ggnMap)
    notes.push(
      `ggn: each mode λ sees λ/(λ + ε) ∈ [${formatNumber(ggnMap(lambda0))}, ` +
        `${formatNumber(ggnMap(lambdaMax))}]: rate independent of κ at ε = 0; cost per step: n×n ` +
        `empirical NTK Gram matrix O(mn²) + Cholesky O(n³) + one Jᵀα product (≈ one gradient)`,
    );
  // ODE limit.
  const out = derive ? derive(setting.odeMethod, resolution) : null;
  if (out === null) notes.push('no derived ODE available');
  else {
    try {
      const r = ggnMap
        ? odeRate(out, setting.odeParams, ggnMap(lambda0), ggnMap(lambdaMax))
        : odeRate(out, setting.odeParams, lambda0, lambdaMax);
      const h = timeStep(setting.odeMethod, setting.odeParams);
      row.h = h;
      row.odeKind = r.kind;
      if (r.kind === 'linear') {
        row.odeRate = r.odeRate;
        row.odeRatePerStep = Math.exp(-r.odeRate * h);
        row.odeWorstLambda = r.worstLambda;
        if (r.asymptotic) notes.push('ODE rate is the t → ∞ limit of t-dependent coefficients');
        if (!(r.odeRate > 0)) notes.push('some mode of the ODE does not decay');
      } else if (r.kind === 'sublinear') {
        row.odeExponent = r.odeExponent;
        row.crossover = opts.light ? null : sublinearCrossover(setting, r.odeExponent, lambda0);
        if (row.crossover) {
          notes.push(
            `slowest mode λ0: the discrete run leaves the ODE envelope t^(−${formatNumber(r.odeExponent)}) ` +
              `at step ${row.crossover.measured ?? 'n/a'} and turns linear (slope crossover k* ≈ ${Math.round(row.crossover.predicted)})`,
          );
        }
      } else notes.push(`ODE: ${r.reason}`);
    } catch (e) {
      row.odeKind = 'undetermined';
      notes.push(`ODE: ${(e as Error).message}`);
    }
  }
  // Exact discrete rate of the linearised iteration.
  const stepDep = isStepDependent(setting.spec, setting.params);
  const w = worstDiscreteRate(setting.spec, setting.params, lambda0, lambdaMax, opts.scan);
  row.discreteRate = w.rate;
  row.discreteWorstLambda = w.lambda;
  row.discreteKind = stepDep ? 'asymptotic' : 'exact';
  if (w.rate >= 1)
    notes.push(
      `the linearised iteration does not converge (ρ = ${formatRate(w.rate)} at λ = ${formatNumber(w.lambda)})`,
    );
  if (!opts.light)
    row.optimal = optimalHyperparameters(
      typeof setting.spec === 'string' ? setting.spec : null,
      setting.params,
      spectrum,
    );
  return row;
}

const NUMERIC_COLUMNS = [
  'h',
  'odeRate',
  'odeRatePerStep',
  'odeExponent',
  'odeWorstLambda',
  'discreteRate',
  'discreteWorstLambda',
  'gapOde',
  'gapDiscrete',
] as const;

/** Non-finite numbers become null with a note naming the column (JSON would turn them to null silently). */
export function finiteOrNoted(row: RateRow): RateRow {
  const bad = NUMERIC_COLUMNS.filter((k) => row[k] !== null && !Number.isFinite(row[k]));
  if (bad.length === 0) return row;
  const out = { ...row, notes: [...row.notes, `non-finite value in ${bad.join(', ')} (reported as null)`] };
  for (const k of bad) (out as Record<string, unknown>)[k] = null;
  return out;
}

/** Attach a measured rate and its gaps to the predictions. */
export function withMeasured(row: RateRow, m: MeasuredRate): RateRow {
  const perStepOde = row.odeRatePerStep;
  return {
    ...row,
    measured: m,
    gapOde: logGap(m.rate, perStepOde),
    gapDiscrete: logGap(m.rate, row.discreteRate),
  };
}

/**
 * The fit window actually used: [from, to] cut where ‖e_k‖ reaches the float64 floor
 * (floor·‖e_0‖); when less than `minPoints` remain, the second half of the usable range.
 */
export function usableWindow(
  errNorm: ArrayLike<number>,
  window: [number, number],
  floor = 1e-10,
  minPoints = 20,
): [number, number] {
  const limit = floor * errNorm[0];
  let last = 0;
  while (
    last + 1 < errNorm.length &&
    last + 1 <= window[1] &&
    errNorm[last + 1] > limit &&
    Number.isFinite(errNorm[last + 1])
  )
    last++;
  if (last - window[0] + 1 >= minPoints) return [window[0], last];
  return [Math.floor(last / 2), last];
}

/** Straight-line fit of ln‖e_k‖ over [from, to]: ρ = exp(slope), and R². */
export function fitMeasuredRate(
  errNorm: ArrayLike<number>,
  window: [number, number],
): { rate: number; r2: number } | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = window[0]; k <= window[1] && k < errNorm.length; k++) {
    const v = errNorm[k];
    if (v > 0 && Number.isFinite(v)) {
      xs.push(k);
      ys.push(Math.log(v));
    }
  }
  if (xs.length < 3) return null;
  const fit = fitLine(xs, ys);
  return { rate: Math.exp(fit.slope), r2: fit.r2 };
}

/**
 * Theory along one parameter: rows at `points` evenly spaced values between the smallest and largest
 * grid value, the other parameters as in `base` (for the --plot curves).
 */
export function theoryCurve(
  base: RateSetting,
  key: string,
  lo: number,
  hi: number,
  spectrum: Spectrum,
  derive: OutputSpaceDeriver | null,
  resolution: 'low' | 'high',
  points = 41,
): RateRow[] {
  const out: RateRow[] = [];
  for (let i = 0; i < points; i++) {
    const v = lo + ((hi - lo) * i) / (points - 1);
    const params = { ...base.params, [key]: v };
    let odeParams = base.odeParams === base.params ? params : { ...base.odeParams };
    if (base.odeParams !== base.params && key in base.odeParams) odeParams = { ...base.odeParams, [key]: v };
    if (base.odeMethod === 'hb-fixed' && key === 'beta') odeParams = { eta: params.eta, beta: v };
    if (base.method === 'nag-sc' && key === 'beta' && 's' in params)
      odeParams = { s: params.s, mu: ((1 - v) / (1 + v)) ** 2 / params.s };
    try {
      out.push(
        computeRateRow({ ...base, params, odeParams, notes: [] }, spectrum, derive, resolution, {
          scan: 121,
          light: true,
        }),
      );
    } catch {
      // a parameter value the method rejects: leave a gap in the curve
    }
  }
  return out;
}

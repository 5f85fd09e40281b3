/**
 * Reading the bu2021 curves: decay kind and rates per curve (classifyDecay), the frozen-kernel
 * prediction beside each, the time-rescaling ratio against GD, and the regime.
 */
import { classifyDecay, type DecayClassification } from '../claims/rate-fit.ts';
import { isDiverged } from '../util/divergence.ts';
import { fitSlope } from '../util/fit.ts';
import type { JobResult } from './bu2021-runs.ts';
import { linearisedLoss } from './linearised.ts';
import { methodSpec, methodParams } from './bu2021-runs.ts';

/** Epochs 0..n−1 as times. */
export function epochsOf(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) t[k] = k;
  return t;
}

/** First (fractional, log-interpolated) epoch at which the curve is ≤ level, or null. */
export function timeToLevel(loss: ArrayLike<number>, level: number): number | null {
  if (loss[0] <= level) return 0;
  for (let k = 1; k < loss.length; k++) {
    if (loss[k] <= level) {
      const a = Math.log(loss[k - 1]);
      const b = Math.log(loss[k]);
      const f = b === a ? 1 : (a - Math.log(level)) / (a - b);
      return k - 1 + f;
    }
  }
  return null;
}

export interface TimeRatio {
  /** Median over loss levels of (epochs GD needs) / (epochs the method needs). */
  median: number;
  min: number;
  max: number;
  levels: number;
}

/**
 * The time-rescaling ratio of a method against a reference (GD): for loss levels on a geometric grid
 * over the later half (in ln L) of the range both curves reach, the ratio of the epochs each needs.
 * Under the rescaled gradient flow Ẋ = −∇L/(1 − β) it is 1/(1 − β).
 */
export function timeRatio(reference: ArrayLike<number>, curve: ArrayLike<number>): TimeRatio | null {
  const lo = Math.max(minOf(reference), minOf(curve)) * 1.001;
  const hi = Math.min(reference[0], curve[0]);
  if (!(lo > 0 && hi > lo)) return null;
  const a = Math.log(hi);
  const b = Math.log(lo);
  const ratios: number[] = [];
  const N = 24;
  for (let i = 0; i <= N; i++) {
    const level = Math.exp(a + (b - a) * (0.5 + (0.5 * i) / N));
    const tr = timeToLevel(reference, level);
    const tc = timeToLevel(curve, level);
    if (tr !== null && tc !== null && tc > 0.5) ratios.push(tr / tc);
  }
  if (ratios.length < 3) return null;
  ratios.sort((p, q) => p - q);
  return {
    median: ratios[Math.floor(ratios.length / 2)],
    min: ratios[0],
    max: ratios[ratios.length - 1],
    levels: ratios.length,
  };
}

function minOf(x: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] < m) m = x[i];
  return m;
}

export interface CurveReading {
  label: string;
  result: JobResult;
  fit: DecayClassification;
  /** −(slope of ln L per epoch) on the fit window, measured. */
  measuredRate: number;
  /** The same for the linearised (frozen-kernel) curve on the same window. */
  linearisedRate: number;
  linearisedFit: DecayClassification;
  /** Loss rate of the slowest mode λ0 alone on the same window (the λ0 theory's tail rate). */
  lambda0Rate: number;
  /** Final loss measured / linearised. */
  finalOverLinearised: number;
  /**
   * Measured / linearised loss at the bulk of training: the first epoch where the linearised curve
   * is ≤ 1% of L(0) (the last epoch if it never is). NaN when the linearised curve diverges.
   */
  bulkOverLinearised: number;
  /** The frozen-kernel prediction blows up (some mode above the method's linear stability edge). */
  linearisedDiverges: boolean;
  ratio?: TimeRatio | null;
  predictedRatio?: number;
  /**
   * Heavy ball only: share of ‖e(0)‖² in kernel modes with η·λ > (1 − √β)², where the mode's two
   * characteristic roots are complex (underdamped, second-order behaviour). The rescaled gradient
   * flow Ẋ = −∇L/(1 − β) describes the overdamped modes (η·λ ≪ (1 − √β)²).
   */
  underdampedWeight?: number;
}

/** Share of ‖e(0)‖² in the modes where heavy ball with momentum β and step η is underdamped. */
export function underdampedWeight(
  modes: { lambda: Float64Array; coef: Float64Array },
  eta: number,
  beta: number,
): number {
  const edge = (1 - Math.sqrt(beta)) ** 2;
  let all = 0;
  let under = 0;
  for (let i = 0; i < modes.lambda.length; i++) {
    const w = modes.coef[i] ** 2;
    all += w;
    if (eta * modes.lambda[i] > edge) under += w;
  }
  return all > 0 ? under / all : 0;
}

/** Slope rate −d ln L/dk on [from, to] of a curve. */
export function windowRate(loss: ArrayLike<number>, from: number, to: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = Math.max(0, Math.ceil(from)); k <= Math.min(loss.length - 1, Math.floor(to)); k++) {
    if (loss[k] > 0 && Number.isFinite(loss[k])) {
      xs.push(k);
      ys.push(Math.log(loss[k]));
    }
  }
  if (xs.length < 2) return Number.NaN;
  return -fitSlope(xs, ys);
}

export function readCurve(
  label: string,
  r: JobResult,
  predictedRatio?: number,
  reference?: JobResult,
): CurveReading {
  const t = epochsOf(r.loss.length);
  const fit = classifyDecay(t, r.loss);
  const linearisedFit = classifyDecay(epochsOf(r.linearised.length), r.linearised);
  const [from, to] = fit.window;
  const j = r.job;
  const slow = linearisedLoss(
    methodSpec(j.method),
    methodParams(j),
    { lambda: Float64Array.of(r.modes.lambda[0]), coef: Float64Array.of(1), lossScale: 1 },
    j.epochs,
  );
  const last = r.loss.length - 1;
  const reading: CurveReading = {
    label,
    result: r,
    fit,
    linearisedFit,
    measuredRate: windowRate(r.loss, from, to),
    linearisedRate: windowRate(r.linearised, from, to),
    lambda0Rate: windowRate(slow, from, to),
    finalOverLinearised: r.loss[last] / r.linearised[last],
    ...bulkRatio(r),
  };
  if (j.method === 'hb' && j.momentum.beta !== undefined)
    reading.underdampedWeight = underdampedWeight(r.modes, j.eta, j.momentum.beta);
  if (reference && reference !== r) {
    reading.ratio = timeRatio(reference.loss, r.loss);
    reading.predictedRatio = predictedRatio;
  }
  return reading;
}

function bulkRatio(r: JobResult): { bulkOverLinearised: number; linearisedDiverges: boolean } {
  const lin = r.linearised;
  if (lin.some((v) => isDiverged(v, lin[0])))
    return { bulkOverLinearised: Number.NaN, linearisedDiverges: true };
  const last = Math.min(r.loss.length, lin.length) - 1;
  let k = 0;
  while (k < last && lin[k] > 0.01 * lin[0]) k++;
  return { bulkOverLinearised: r.loss[k] / lin[k], linearisedDiverges: false };
}

export interface Regime {
  kernel: boolean;
  text: string;
}

/**
 * Kernel (lazy) regime when the tangent kernel moved < 10% and every final loss is within a factor
 * 2 of its frozen-kernel prediction; otherwise beyond it, with the numbers.
 */
export function regimeOf(readings: CurveReading[]): Regime {
  const ok = readings.filter((r) => r.result.status === 'ok');
  if (ok.length === 0) return { kernel: false, text: 'every run diverged' };
  const drift = Math.max(...ok.map((r) => r.result.relativeKernelDrift).filter(Number.isFinite));
  const blown = ok.filter((r) => r.linearisedDiverges);
  const ratios = ok
    .filter((r) => !r.linearisedDiverges)
    .map((r) => r.bulkOverLinearised)
    .filter(Number.isFinite);
  const worst = ratios.length ? Math.max(...ratios.map((q) => Math.max(q, 1 / q))) : Number.NaN;
  const m0 = ok[0].result.modes;
  const etaLmax = ok[0].result.job.eta * m0.lambda[m0.lambda.length - 1];
  const kernel = drift < 0.1 && blown.length === 0 && !(worst >= 2);
  if (kernel) {
    return {
      kernel,
      text:
        `kernel (lazy) regime: the tangent kernel moved at most ${pct(drift)} and each loss, where its ` +
        `frozen-kernel prediction reaches 1% of L(0), is within ×${worst.toFixed(2)} of it`,
    };
  }
  const parts = [`beyond the kernel regime: the tangent kernel moved up to ${pct(drift)}`];
  if (blown.length > 0) {
    parts.push(
      `the frozen-kernel prediction diverges for ${blown.map((r) => r.label).join(', ')} (η·λmax = ` +
        `${etaLmax.toPrecision(3)} at initialisation, above the linear stability edge — 2 for GD) ` +
        `while training does not: the kernel itself changes to let training proceed (catapult / ` +
        `edge-of-stability behaviour)`,
    );
  }
  if (ratios.length)
    parts.push(
      `where the frozen-kernel prediction reaches 1% of L(0) the measured loss differs from it by up to ×${worst.toPrecision(3)}`,
    );
  return { kernel, text: parts.join('; ') };
}

export function pct(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const v = 100 * x;
  return `${v >= 10 ? v.toFixed(0) : v.toPrecision(2)}%`;
}

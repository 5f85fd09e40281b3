/**
 * Helpers every training engine shares: the fitted loss rate and the assembly of a Trajectory, so
 * the direct and the fast engine report the same things the same way. The divergence rule they stop
 * on is src/util/divergence.ts.
 */
import type { ParamValues } from '../spec/compile.ts';
import { fitSlope } from '../util/fit.ts';
import type { Probe, Trajectory } from './types.ts';

/** Loss below which ln(loss) is no longer meaningful (underflow territory). */
export const LOSS_FLOOR = 1e-300;

/** Default rate window: the last half of the steps run, [floor(steps/2), steps]. */
export function defaultRateWindow(steps: number): [number, number] {
  return [Math.floor(steps / 2), steps];
}

/**
 * Least-squares slope of ln(loss[k]) against k over k ∈ [from, to] (inclusive): the measured rate
 * per step (negative when the loss falls). null when the window has fewer than 2 points or any loss
 * in it is ≤ 1e-300, zero or non-finite (a loss that reached 0 or underflowed has no log-rate; the
 * caller says so).
 */
export function fitLossRate(loss: Float64Array, from?: number, to?: number): number | null {
  const last = loss.length - 1;
  const [df, dt] = defaultRateWindow(last);
  const a = from ?? df;
  const b = Math.min(to ?? dt, last);
  if (a < 0 || b - a < 1) return null;
  const ks: number[] = [];
  const lnLoss: number[] = [];
  for (let k = a; k <= b; k++) {
    const v = loss[k];
    if (!(v > LOSS_FLOOR) || !Number.isFinite(v)) return null;
    ks.push(k);
    lnLoss.push(Math.log(v));
  }
  return fitSlope(ks, lnLoss);
}

/** Why fitLossRate returned null, in words (or null when it did not). */
export function rateUnavailableReason(loss: Float64Array, from: number, to: number): string | null {
  if (to - from < 1) return 'too few steps to fit a rate';
  for (let k = from; k <= to && k < loss.length; k++) {
    if (!Number.isFinite(loss[k])) return `the loss is not finite at step ${k}`;
    if (!(loss[k] > LOSS_FLOOR))
      return `the loss reached ${loss[k] === 0 ? '0' : 'the underflow floor'} at step ${k}, so ln(loss) has no slope there`;
  }
  return null;
}

export interface TrajectoryParts {
  status: 'ok' | 'diverged';
  /** Steps run (index of the last loss value). */
  steps: number;
  divergedAt: number | null;
  /** Buffers of at least steps+1 entries (trimmed here). */
  loss: Float64Array;
  errNorm: Float64Array;
  probes: Probe[];
  lambda0: number;
  lambdaMax: number;
  seconds: number;
  engine: 'direct' | 'fast';
  method: string;
  params: ParamValues;
  width: number;
  seed: number;
  finalW?: Float64Array;
  representation?: 'weights' | 'span';
}

/**
 * Assemble a Trajectory: trims the buffers and fits the rate over the last half of the steps run
 * (for a diverged run, over the last half of the steps before divergence).
 */
export function assembleTrajectory(p: TrajectoryParts): Trajectory {
  const loss = p.loss.length === p.steps + 1 ? p.loss : p.loss.slice(0, p.steps + 1);
  const errNorm = p.errNorm.length === p.steps + 1 ? p.errNorm : p.errNorm.slice(0, p.steps + 1);
  const lastGood = p.status === 'diverged' ? Math.max(0, p.steps - 1) : p.steps;
  const window = defaultRateWindow(lastGood);
  const perStep = fitLossRate(loss, window[0], window[1]);
  return {
    status: p.status,
    steps: p.steps,
    divergedAt: p.divergedAt,
    loss,
    errNorm,
    probes: p.probes,
    lambda0: p.lambda0,
    lambdaMax: p.lambdaMax,
    rate: perStep === null ? null : { perStep, window },
    seconds: p.seconds,
    engine: p.engine,
    method: p.method,
    params: p.params,
    width: p.width,
    seed: p.seed,
    finalW: p.finalW,
    ...(p.representation ? { representation: p.representation } : {}),
  };
}

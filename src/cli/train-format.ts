/**
 * Output helpers shared by `dynview train` and `dynview ntk`: JSON without non-finite numbers, the
 * trajectory's CSV form (its JSON form is built by src/api/train.ts), and library errors → UsageError. Numbers for humans (never "NaN"):
 * formatHuman in src/util/format.ts.
 */
import type { Trajectory } from '../train/types.ts';
import { UsageError, InputError } from './errors.ts';

/** JSON.stringify that turns typed arrays into arrays and non-finite numbers into null. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    },
    indent,
  );
}

const PROBE_COLUMNS = [
  'lambdaMin',
  'lambdaMax',
  'kernelDrift',
  'weightDrift',
  'flipFraction',
  'relativeKernelAction',
  'stepResidual',
  'kinkCrossings',
  'kinkShift',
] as const;

/** One CSV row per step: step,loss,errNorm and the probe columns where a probe was taken (else empty). */
export function trajectoryCsv(t: Trajectory): string {
  const byStep = new Map(t.probes.map((p) => [p.step, p]));
  const cell = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : String(v));
  const lines = [['step', 'loss', 'errNorm', ...PROBE_COLUMNS].join(',')];
  for (let k = 0; k <= t.steps; k++) {
    const p = byStep.get(k);
    lines.push(
      [String(k), cell(t.loss[k]), cell(t.errNorm[k]), ...PROBE_COLUMNS.map((c) => cell(p?.[c]))].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Convert library errors about the user's input (DataError, SpecError, RangeError from validation) to InputError. */
export function asInputError(err: unknown): unknown {
  if (err instanceof UsageError) return err;
  if (err instanceof Error && (err.name === 'DataError' || err.name === 'SpecError'))
    return new InputError(err.message);
  return err;
}

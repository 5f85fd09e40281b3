/** Parsers for command-line option values: each throws a UsageError naming the flag. */
import { UsageError } from './errors.ts';

export function parseNumber(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`${flag} must be a finite number, got '${raw}'`);
  return v;
}

export function parsePositive(flag: string, raw: string): number {
  const v = parseNumber(flag, raw);
  if (!(v > 0)) throw new UsageError(`${flag} must be positive, got '${raw}'`);
  return v;
}

export function parseInteger(flag: string, raw: string, min = 0): number {
  const v = parseNumber(flag, raw);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

/** β-like values: in [0, 1). */
export function parseMomentum(flag: string, raw: string): number {
  const v = parseNumber(flag, raw);
  if (!(v >= 0 && v < 1)) throw new UsageError(`${flag} must be in [0, 1), got '${raw}'`);
  return v;
}

/** 'a=1,b=2' → {a: '1', b: '2'} (values left as strings). */
export function parseKeyValues(what: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw.trim() === '') return out;
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what}: expected key=value, got '${part}'`);
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key in out) throw new UsageError(`${what}: '${key}' given twice`);
    out[key] = val;
  }
  return out;
}

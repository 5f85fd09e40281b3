/** Parsers for command-line option values: each throws a UsageError naming the flag. */
import { existsSync } from 'node:fs';
import { BUILTIN_METHODS } from '../spec/builtins.ts';
import { readSpecFile } from '../spec/read.ts';
import { parseDecimal } from '../util/decimal.ts';
import { quote } from '../util/quote.ts';
import type { MethodSpec } from '../spec/types.ts';
import { InputError, UsageError } from './errors.ts';

/** A finite number in plain decimal notation (`0x10`, `0b11`, `Infinity`, '' are refused). */
export function parseNumber(flag: string, raw: string): number {
  const v = parseDecimal(raw);
  if (v === null) throw new UsageError(`${flag} must be a finite decimal number, got ${quote(raw, 40)}`);
  return v;
}

export function parsePositive(flag: string, raw: string): number {
  const v = parseNumber(flag, raw);
  if (!(v > 0)) throw new UsageError(`${flag} must be positive, got '${raw}'`);
  return v;
}

export function parseInteger(flag: string, raw: string, min = 0): number {
  const v = parseNumber(flag, raw);
  if (!Number.isSafeInteger(v) || v < min)
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
    if (eq <= 0) throw new UsageError(`${what}: expected key=value, got ${quote(part, 40)}`);
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (Object.hasOwn(out, key)) throw new UsageError(`${what}: ${quote(key, 40)} given twice`);
    out[key] = val;
  }
  return out;
}

/** Commander collector for a repeatable option (`--param a=1 --param b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--param name=value` values (repeatable) → {name: value}. The name must look like a symbol; the
 * value is a finite number. Whether the method declares the symbol is checked later, against the
 * spec (src/api/params.ts), so that the message can list the symbols it does declare.
 */
export function parseParamFlags(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of values ?? []) {
    const eq = raw.indexOf('=');
    const name = eq < 0 ? '' : raw.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--param: expected name=value with a symbol name, got ${quote(raw, 40)}`);
    if (Object.hasOwn(out, name)) throw new UsageError(`--param: '${name}' given twice`);
    out[name] = parseNumber(`--param ${name}`, raw.slice(eq + 1));
  }
  return out;
}

/**
 * The one way the command line reads a method (`--method`, `--methods`, a claim's spec): a built-in
 * name (gd, hb, hb-fixed, nag-c, nag-sc, hm) stays a name; anything else is the path of a method
 * spec JSON file, read and JSON-parsed here (validated later by the spec parser). Errors: one line,
 * exit 2.
 */
export function readMethodOption(flag: string, raw: string): string | MethodSpec {
  const name = raw.trim();
  if (name === '') throw new UsageError(`${flag}: no method given`);
  if (Object.hasOwn(BUILTIN_METHODS, name)) return name;
  if (!name.endsWith('.json') && !name.includes('/') && !existsSync(name))
    throw new UsageError(
      `${flag}: unknown method ${quote(name, 40)} (built-ins: ${Object.keys(BUILTIN_METHODS).join(', ')}; or a method spec .json file)`,
    );
  // Bounded read (DYNVIEW_MAX_INPUT_MB), JSON, then the spec schema (src/spec/read.ts).
  try {
    return readSpecFile(name);
  } catch (err) {
    throw new InputError(`${flag}: ${(err as Error).message}`);
  }
}

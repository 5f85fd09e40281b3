/**
 * Resource limits, decided before anything is allocated (docs/security.md). Each limit has a
 * documented default and an environment variable that raises (or lowers) it; a request beyond a
 * limit is a LimitError — one line naming the limit and how to raise it, exit code 2 — never an
 * allocation that takes the machine down or a loop that runs for days.
 */
import { totalmem } from 'node:os';

/** A request beyond a documented limit (the CLI reports it as bad input, exit 2). */
export class LimitError extends Error {
  override name = 'LimitError';
}

export interface LimitDef {
  /** Environment variable that overrides the default. */
  env: string;
  /** What is limited, for messages. */
  what: string;
  /** Unit of the value (for messages), e.g. 'MB'. */
  unit: string;
  default: () => number;
}

const MB = 1024 * 1024;

export const LIMITS = {
  memoryMB: {
    env: 'DYNVIEW_MAX_MEMORY_MB',
    what: 'memory limit',
    unit: 'MB',
    // Half of the machine's memory, at most 8 GB: room for the process, the OS and the others.
    default: () => Math.min(8192, Math.floor(totalmem() / MB / 2)),
  },
  inputMB: {
    env: 'DYNVIEW_MAX_INPUT_MB',
    what: 'input file size limit',
    unit: 'MB',
    default: () => 64,
  },
  n: { env: 'DYNVIEW_MAX_N', what: 'limit on data points n', unit: '', default: () => 20_000 },
  steps: { env: 'DYNVIEW_MAX_STEPS', what: 'limit on steps', unit: '', default: () => 10_000_000 },
  runs: { env: 'DYNVIEW_MAX_RUNS', what: 'limit on runs', unit: '', default: () => 100_000 },
  rows: { env: 'DYNVIEW_MAX_ROWS', what: 'limit on table rows', unit: '', default: () => 10_000 },
  expressionChars: {
    env: 'DYNVIEW_MAX_EXPRESSION_CHARS',
    what: 'expression length limit',
    unit: 'characters',
    default: () => 4000,
  },
} satisfies Record<string, LimitDef>;

export type LimitName = keyof typeof LIMITS;

/** The value of a limit: its environment variable if set to a positive number, else the default. */
export function limit(name: LimitName): number {
  const def: LimitDef = LIMITS[name];
  const raw = process.env[def.env];
  if (raw !== undefined && raw.trim() !== '') {
    const v = Number(raw);
    if (/^\d+(\.\d+)?$/.test(raw.trim()) && Number.isFinite(v) && v > 0) return v;
    throw new LimitError(`${def.env} must be a positive number, got '${raw.slice(0, 40)}'`);
  }
  return def.default();
}

function raiseHint(name: LimitName): string {
  const def: LimitDef = LIMITS[name];
  return `${def.what} ${fmtCount(limit(name))}${def.unit ? ` ${def.unit}` : ''}; set ${def.env} to raise it`;
}

function fmtCount(v: number): string {
  return v >= 1e6 && Number.isInteger(Math.log10(v)) ? `1e${Math.log10(v)}` : String(v);
}

function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unbounded amount of memory';
  if (bytes >= 1e12) return `about ${(bytes / 1e12).toPrecision(3)} TB`;
  if (bytes >= 1e9) return `about ${(bytes / 1e9).toPrecision(3)} GB`;
  return `about ${Math.ceil(bytes / 1e6)} MB`;
}

/** Throws unless `count` ≤ the limit `name` (and is a safe integer). `what` names the request. */
export function checkCount(name: 'n' | 'steps' | 'runs' | 'rows', what: string, count: number): void {
  const cap = limit(name);
  if (!Number.isSafeInteger(count) || count > cap)
    throw new LimitError(`${what} = ${count} is above the ${raiseHint(name)}`);
}

/** Throws unless `bytes` (an estimate, computed before allocating) fits the memory limit. */
export function checkMemory(what: string, bytes: number): void {
  const cap = limit('memoryMB') * MB;
  if (!(bytes <= cap))
    throw new LimitError(`${what} needs ${fmtBytes(bytes)}, above the ${raiseHint('memoryMB')}`);
}

/** Throws unless a file of `bytes` may be read as input. */
export function checkInputSize(what: string, bytes: number): void {
  const cap = limit('inputMB') * MB;
  if (!(bytes <= cap)) throw new LimitError(`${what} is larger than the ${raiseHint('inputMB')}`);
}

/** Largest byte count a bounded read of an input file accepts. */
export function inputByteLimit(): number {
  return Math.floor(limit('inputMB') * MB);
}

/** Throws unless an expression of `chars` characters may be parsed. */
export function checkExpressionLength(what: string, chars: number): void {
  const cap = limit('expressionChars');
  if (chars > cap)
    throw new LimitError(`${what} has ${chars} characters, above the ${raiseHint('expressionChars')}`);
}

/** Fixed structural limits of one expression (not configurable: no real formula comes near them). */
export const EXPRESSION_LIMITS = {
  /** Nodes of the parsed tree. */
  nodes: 400,
  /** Nesting of brackets and depth of the parsed tree. */
  depth: 40,
  /** |constant exponent| in a^b and pow(a, b). */
  exponent: 64,
} as const;

// ---------------------------------------------------------------------------------------------
// Memory estimates (bytes), deliberately generous: every buffer the engines hold, in Float64.

/** A data set of n rows in R^d (values, targets, norms) and its n×n Gram matrix with workspace. */
export function dataBytes(n: number, d: number): number {
  return 8 * (n * d + 4 * n) + gramBytes(n);
}

/** An n×n symmetric matrix and an eigensolver's workspace (about four copies). */
export function gramBytes(n: number): number {
  return 8 * 4 * n * n;
}

/**
 * A training run of width m on n points in R^d over `steps` steps: weights, their initial copy,
 * the method's history and gradient buffers (≈ 12 copies of m×d), pre-activations and patterns
 * (≈ 4 copies of m×n), probes (n×n) and per-step records.
 */
export function trainingBytes(n: number, d: number, width: number, steps: number): number {
  return 8 * (12 * width * d + 4 * width * n + 8 * width + 16 * steps) + gramBytes(n);
}

/** Checks a data size request before the rows are generated or read. */
export function checkDataSize(what: string, n: number, d: number): void {
  checkCount('n', `${what}: n`, n);
  checkMemory(`${what} (n = ${n}, d = ${d})`, dataBytes(n, d));
}

/** Checks a training request (width × n × d, steps) before anything is allocated. */
export function checkTraining(n: number, d: number, width: number, steps: number): void {
  checkCount('steps', 'steps', steps);
  if (!Number.isSafeInteger(width)) throw new LimitError(`width ${width} is not a safe integer`);
  checkMemory(`training at width ${width} on n = ${n}, d = ${d}`, trainingBytes(n, d, width, steps));
}

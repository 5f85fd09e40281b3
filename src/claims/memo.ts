/**
 * Reuse of deterministic computations across the obligations of one verify process. A proof's
 * false twin often measures the very run its property measured (same sample, same seed, a
 * different claimed value): training is deterministic (same config → same bits), so the second
 * obligation reads the first one's trajectory instead of training again. Keys hold every input
 * that the result depends on, the data set's numbers included; the cache is small and bounded.
 */
import type { Dataset } from '../data/types.ts';
import { train } from '../train/trainer.ts';
import type { TrainConfig, Trajectory } from '../train/types.ts';

const MAX_ENTRIES = 16;
const cache = new Map<string, unknown>();

/** A key for a data set: its numbers (exact: JSON writes float64 round-trip). */
export function dataKey(data: Dataset): string {
  return JSON.stringify([data.n, data.d, data.unitNorm, Array.from(data.X), Array.from(data.y)]);
}

/** `compute()` once per key (bounded cache, oldest entry dropped first). Callers must not mutate the result. */
export function memo<T>(key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

/** `train(config)`, reused when the same config was trained before in this process (read-only result). */
export function trainOnce(config: TrainConfig): Trajectory {
  if (config.onProgress) return train(config);
  const { data, onProgress: _unused, ...rest } = config;
  return memo(`train:${dataKey(data)}:${JSON.stringify(rest)}`, () => train(config));
}

/**
 * The JSON the public API returns: exactly what the CLI's `--json` prints, as plain data (typed
 * arrays become arrays, non-finite numbers become null, as JSON.stringify would print them).
 */
export function plainJson<T>(value: unknown): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    }),
  ) as T;
}

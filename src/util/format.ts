/**
 * Number formatting, one home for every module that prints numbers for people (tables, verdict
 * texts, CLI summaries, reports). Three styles:
 *
 * - `sig(v, d)`: v rounded to d significant figures in JavaScript's shortest form (0.1235,
 *   1.235e-7, 12350); non-finite values print as NaN / Infinity so a reason text shows them.
 * - `formatHuman(v, d)`: d significant figures, plain between 1e-3 and 1e6 and exponent form
 *   (trailing zeros trimmed) outside; 'n/a' for null or non-finite (never "NaN" on a console).
 * - `formatNumber(v, d)` / `formatRate(v, d)`: fixed digits for table columns (trailing zeros kept
 *   so a column lines up); null for null or non-finite (the table prints its own "n/a").
 */

/** v to `digits` significant figures, shortest form; non-finite → 'NaN' / 'Infinity' / '-Infinity'. */
export function sig(v: number, digits = 4): string {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);
}

/** A number for a human: `digits` significant figures; null, undefined or non-finite → 'n/a'. */
export function formatHuman(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(digits)));
  return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** A table cell with `sig` significant figures (plain or exponent form); null for null/non-finite. */
export function formatNumber(v: number | null | undefined, sig = 4): string | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) {
    const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(a)));
    return v.toFixed(Math.min(digits, 15));
  }
  return v.toExponential(sig - 1);
}

/**
 * A per-step factor ρ close to 1: enough digits that 1 − ρ keeps `sig` significant figures
 * (0.99995 stays 0.99995, not 1.000); null for null/non-finite.
 */
export function formatRate(v: number | null | undefined, sig = 3): string | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const gap = Math.abs(1 - v);
  if (v > 0 && v < 2 && gap > 0 && gap < 0.1) {
    const digits = Math.min(15, sig - 1 - Math.floor(Math.log10(gap)));
    return v.toFixed(Math.max(digits, sig));
  }
  return formatNumber(v, Math.max(sig, 4));
}

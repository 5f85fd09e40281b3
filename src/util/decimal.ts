/**
 * Numbers typed by a user (command-line flags, CSV cells, `key=value` lists): plain decimal
 * notation only. `Number()` also reads `0x10`, `0b11`, `0o7`, `Infinity` and the empty string; none
 * of those is a number a user means here.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite number written in plain decimal notation (surrounding spaces allowed), else null. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** True when `text` is written in decimal notation, whatever its magnitude (1e999 included). */
export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text.trim());
}

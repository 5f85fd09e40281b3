import { describe, expect, it } from 'vitest';
import { formatHuman, sig } from '../../src/util/format.ts';

describe('number formatting', () => {
  it('sig: significant figures in the shortest form; non-finite values are shown, not hidden', () => {
    expect(sig(0.123456)).toBe('0.1235');
    expect(sig(123456)).toBe('123500');
    expect(sig(1.5e-9, 3)).toBe('1.5e-9');
    expect(sig(2.718281828, 6)).toBe('2.71828');
    expect(sig(NaN)).toBe('NaN');
    expect(sig(-Infinity)).toBe('-Infinity');
  });
  it('formatHuman: plain in [1e-3, 1e6), trimmed exponent outside, n/a for missing or non-finite', () => {
    expect(formatHuman(0.5, 3)).toBe('0.5');
    expect(formatHuman(999999)).toBe('1000000');
    expect(formatHuman(1.2e6)).toBe('1.2e+6');
    expect(formatHuman(3.2e-7)).toBe('3.2e-7');
    expect(formatHuman(0)).toBe('0');
    expect(formatHuman(null)).toBe('n/a');
    expect(formatHuman(NaN)).toBe('n/a');
    // false twin: never the string NaN on a console
    expect(formatHuman(NaN)).not.toBe('NaN');
  });
});

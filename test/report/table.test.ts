import { describe, expect, it } from 'vitest';
import {
  latexEscape,
  latexText,
  renderCsv,
  renderLatex,
  renderMarkdown,
  type Table,
} from '../../src/report/table.ts';
import { formatNumber, formatRate } from '../../src/util/format.ts';

const T: Table = {
  columns: [
    { key: 'm', header: 'method', align: 'left' },
    { key: 'r', header: 'rate, per step', latex: '$\\rho$' },
  ],
  rows: [
    { m: 'hb_fixed', r: '0.9821' },
    { m: 'a|b "q"', r: null },
  ],
  caption: 'Rates & more',
  notes: ['units: per step'],
};

describe('table rendering', () => {
  it('markdown: aligned pipes, escaped |, n/a for null', () => {
    const md = renderMarkdown(T);
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('Rates & more');
    const tableLines = lines.filter((l) => l.startsWith('|'));
    expect(tableLines).toHaveLength(4);
    expect(new Set(tableLines.map((l) => l.length)).size).toBe(1);
    expect(md).toContain('a\\|b');
    expect(md).toContain('n/a');
    expect(md).not.toContain('NaN');
  });

  it('csv: RFC 4180 quoting, empty field for null, keys as header', () => {
    const csv = renderCsv(T);
    expect(csv.split('\n')[0]).toBe('m,r');
    expect(csv).toContain('"a|b ""q""",');
    expect(csv.trim().split('\n')[2].endsWith(',')).toBe(true);
  });

  it('latex: booktabs rules, escaped text, math passes through, en dash for n/a', () => {
    const tex = renderLatex(T);
    for (const rule of ['\\toprule', '\\midrule', '\\bottomrule']) expect(tex).toContain(rule);
    expect(tex).toContain('hb\\_fixed');
    expect(tex).toContain('$\\rho$');
    expect(tex).toContain('\\caption{Rates \\& more}');
    expect(tex).toMatch(/ & -- \\\\/);
    expect(latexEscape('50% #1 {x}')).toBe('50\\% \\#1 \\{x\\}');
    // pdfLaTeX-safe: Greek letters and symbols become inline math; nothing above ASCII survives
    const t = latexText('λ0 = 0.1, ρ → 1, ‖e‖ ~ t^(−1.5)');
    expect(t).toBe('$\\lambda$0 = 0.1, $\\rho$ $\\to$ 1, $\\|$e$\\|$ \\textasciitilde{} t$^{-1.5}$');
    // eslint-disable-next-line no-control-regex -- the check is for characters outside ASCII
    expect(/[^\x00-\x7f]/.test(renderLatex({ ...T, caption: 'κ = 3 (H∞)', notes: ['β → 1'] }))).toBe(false);
  });

  it('significant figures: rates near 1 keep 1 − ρ (false twin: 0.99995 is not printed as 1.000)', () => {
    expect(formatRate(0.99995)).toBe('0.9999500');
    expect(formatRate(0.99995)).not.toBe('1.000');
    expect(formatRate(0.8816)).toBe('0.8816');
    expect(formatRate(0.5)).toBe('0.5000');
    expect(formatNumber(0.057493900556684054)).toBe('0.05749');
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(3.2e-7)).toBe('3.200e-7');
    expect(formatNumber(NaN)).toBeNull();
    expect(formatRate(Infinity)).toBeNull();
  });
});

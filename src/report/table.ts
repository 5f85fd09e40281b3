/**
 * Plain tables rendered as Markdown, CSV or LaTeX (booktabs). Cells are strings already formatted
 * by the caller (see formatNumber / formatRate in src/util/format.ts); null cells print as "n/a" (never "NaN").
 */

export interface TableColumn {
  key: string;
  /** Header text (Markdown/CSV). */
  header: string;
  /** Header for LaTeX (math allowed); defaults to the escaped header. */
  latex?: string;
  align?: 'left' | 'right';
}

export interface Table {
  columns: TableColumn[];
  rows: Array<Record<string, string | null>>;
  /** Lines printed above the table (Markdown) / as the caption (LaTeX). */
  caption?: string;
  /** Lines printed below the table (Markdown) / as table notes (LaTeX). */
  notes?: string[];
}

export const NA = 'n/a';

function cell(v: string | null | undefined): string {
  return v === null || v === undefined ? NA : v;
}

export function renderMarkdown(t: Table): string {
  const head = t.columns.map((c) => c.header);
  const rows = t.rows.map((r) => t.columns.map((c) => cell(r[c.key]).replace(/\|/g, '\\|')));
  const widths = head.map((h, j) => Math.max(h.length, 3, ...rows.map((r) => r[j].length)));
  const pad = (s: string, j: number) =>
    t.columns[j].align === 'left' ? s.padEnd(widths[j]) : s.padStart(widths[j]);
  const lines: string[] = [];
  if (t.caption) lines.push(t.caption, '');
  lines.push(`| ${head.map(pad).join(' | ')} |`);
  lines.push(
    `| ${widths.map((w, j) => (t.columns[j].align === 'left' ? ':' + '-'.repeat(w - 1) : '-'.repeat(w - 1) + ':')).join(' | ')} |`,
  );
  for (const r of rows) lines.push(`| ${r.map(pad).join(' | ')} |`);
  if (t.notes && t.notes.length > 0) lines.push('', ...t.notes);
  return lines.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV; null cells are empty fields. */
export function renderCsv(t: Table): string {
  const lines = [t.columns.map((c) => csvField(c.key)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvField(r[c.key] ?? '')).join(','));
  return lines.join('\n') + '\n';
}

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

export function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) => LATEX_SPECIAL[ch]);
}

const UNICODE_TEX: Record<string, string> = {
  λ: '\\lambda',
  κ: '\\kappa',
  ρ: '\\rho',
  β: '\\beta',
  γ: '\\gamma',
  μ: '\\mu',
  η: '\\eta',
  ν: '\\nu',
  Γ: '\\Gamma',
  '→': '\\to',
  '∞': '\\infty',
  '‖': '\\|',
  '≈': '\\approx',
  '−': '-',
  '·': '\\cdot',
  '√': '\\surd',
  '∇': '\\nabla',
  '≥': '\\ge',
  '≤': '\\le',
  '²': '^2',
  ρ̂: '\\hat\\rho',
};

/**
 * Text with the Greek letters and symbols dynview's messages use, made safe for pdfLaTeX: specials
 * escaped, each symbol as inline math, "x^(…)" as a superscript.
 */
export function latexText(s: string): string {
  let out = '';
  for (const part of s.split(/(\^\([^)]*\))/)) {
    if (/^\^\(/.test(part)) {
      out += `$^{${[...part.slice(2, -1)].map((ch) => UNICODE_TEX[ch] ?? (/[A-Za-z0-9.+\-/ ]/.test(ch) ? ch : '')).join('')}}$`;
      continue;
    }
    for (const ch of latexEscape(part)) {
      const m = UNICODE_TEX[ch];
      if (m !== undefined) out += ch === '−' ? '-' : `$${m}$`;
      else if (ch.charCodeAt(0) > 127) out += '?';
      else out += ch;
    }
  }
  return out.replace(/\$\$/g, ' ');
}

/**
 * A booktabs table for pdfLaTeX. Cell text is escaped (Greek letters and symbols become inline
 * math, see latexText) unless it is wrapped in $…$ (math passes through); n/a cells print as "--".
 */
export function renderLatex(t: Table): string {
  const spec = t.columns.map((c) => (c.align === 'left' ? 'l' : 'r')).join('');
  const tex = (v: string | null | undefined) =>
    v === null || v === undefined ? '--' : /^\$.*\$$/.test(v) ? v : latexText(v);
  const lines: string[] = ['\\begin{table}[t]', '\\centering'];
  if (t.caption) lines.push(`\\caption{${latexText(t.caption)}}`);
  lines.push(`\\begin{tabular}{${spec}}`, '\\toprule');
  lines.push(t.columns.map((c) => c.latex ?? latexEscape(c.header)).join(' & ') + ' \\\\');
  lines.push('\\midrule');
  for (const r of t.rows) lines.push(t.columns.map((c) => tex(r[c.key])).join(' & ') + ' \\\\');
  lines.push('\\bottomrule', '\\end{tabular}');
  if (t.notes && t.notes.length > 0) {
    lines.push('\\par\\smallskip{\\footnotesize');
    for (const n of t.notes) lines.push(latexText(n) + '\\\\');
    lines.push('}');
  }
  lines.push('\\end{table}');
  return lines.join('\n') + '\n';
}

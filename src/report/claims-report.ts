/**
 * Reports of `dynview verify`: the final table (text), and a Markdown or HTML report with each
 * proof's statement, obligations (computed value next to the theory value), false twins and SVG
 * plots rendered by lineChartSvg (vega-lite, headless). Works on serialised results too, so the
 * JSON of several shards can be merged into one report.
 */
import type { PlotSpec } from '../claims/proof.ts';
import type { SerializedProof, VerifyJson } from '../claims/verify-json.ts';
import { mathCss, renderMath } from './math.ts';
import { lineChartSvg } from './plot.ts';

export type { SerializedProof, VerifyJson };

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function keyNumbers(r: SerializedProof): string {
  const parts: string[] = [];
  const sym = r.obligations.filter((o) => o.kind === 'symbolic');
  if (sym.length) parts.push(`${sym.filter((o) => o.status === 'pass').length}/${sym.length} symbolic`);
  const num = r.obligations.filter((o) => o.kind === 'numeric');
  if (num.length) parts.push(`${num.filter((o) => o.status === 'pass').length}/${num.length} numeric`);
  const runs = r.claims.reduce((s, c) => s + c.runs, 0);
  if (runs) parts.push(`${runs} instances`);
  const withNumbers = r.obligations.filter(
    (o) => o.kind === 'numeric' && o.computed !== undefined && o.theory !== undefined,
  );
  const ex = withNumbers.find((o) => o.theory !== 0 && o.theory !== '0') ?? withNumbers[0];
  if (ex) parts.push(`${String(ex.computed)} vs theory ${String(ex.theory)}`);
  return parts.join(', ');
}

/** The final table: proof × verdict × twins × key numbers. */
export function verifyTable(results: SerializedProof[]): string {
  const rows = results.map((r) => [
    r.id,
    r.verdict,
    `${r.twins.filter((t) => t.verdict === 'refuted').length}/${r.twins.length} refuted`,
    // Shards written without --timings carry no seconds (same seed, same bytes).
    typeof r.seconds === 'number' ? `${r.seconds.toFixed(1)} s` : '—',
    keyNumbers(r),
  ]);
  const head = ['claim', 'verdict', 'false twins', 'time', 'key numbers'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(Math.min(w, 40)))), ...rows.map(line)].join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown inline → HTML: escaped text, **bold**, `code`. */
function inline(s: string): string {
  return esc(s)
    .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

function mdCell(s: unknown): string {
  const text =
    s === null || s === undefined
      ? ''
      : typeof s === 'string'
        ? s
        : typeof s === 'number' || typeof s === 'boolean'
          ? String(s)
          : JSON.stringify(s);
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

async function renderPlot(p: PlotSpec): Promise<string> {
  return lineChartSvg({ title: p.title, subtitle: p.subtitle, x: p.x, y: p.y, series: p.series });
}

/** Markdown (SVG inline as HTML blocks, which GitHub and most viewers render) or HTML. */
export async function verifyReport(
  results: SerializedProof[],
  format: 'md' | 'html',
  meta: { seed: number; runs: number | null; seconds?: number },
): Promise<string> {
  const md: string[] = [];
  md.push('# dynview verify report', '');
  md.push(
    `Seed ${meta.seed}; runs per numeric obligation: ${meta.runs ?? "each proof's default"}${meta.seconds !== undefined ? `; total ${meta.seconds.toFixed(1)} s` : ''}.`,
    '',
  );
  md.push('| claim | verdict | false twins | key numbers |', '|---|---|---|---|');
  for (const r of results)
    md.push(
      `| ${mdCell(r.id)} | **${r.verdict}** | ${r.twins.filter((t) => t.verdict === 'refuted').length}/${r.twins.length} refuted | ${mdCell(keyNumbers(r))} |`,
    );
  md.push('');
  for (const r of results) {
    md.push(`## ${r.id}: ${r.title}`, '');
    md.push(`**Verdict: ${r.verdict}.** Guarantee: ${r.guarantee}. Reference: ${r.reference}.`, '');
    md.push(r.statement, '');
    md.push('$$', r.latex, '$$', '');
    md.push(`Hypotheses: ${r.hypotheses.join('; ')}.`, '');
    md.push('| obligation | kind | status | computed | theory | detail |', '|---|---|---|---|---|---|');
    for (const o of r.obligations)
      md.push(
        `| ${mdCell(o.name)} | ${o.kind} | ${o.status} | ${mdCell(o.computed)} | ${mdCell(o.theory)} | ${mdCell(o.detail)} |`,
      );
    md.push('');
    for (const c of r.claims) {
      if (c.evidence.measured)
        md.push(
          `- ${c.id}: ${c.verdict}, measured ${c.evidence.measured.min.toPrecision(4)}…${c.evidence.measured.max.toPrecision(4)} over ${c.runs} instances`,
        );
    }
    if (r.claims.length) md.push('');
    if (r.twins.length) {
      md.push('False twins (each must be refuted):', '');
      for (const t of r.twins)
        md.push(
          `- ${t.id}: **${t.verdict}** — ${mdCell(t.detail)}${t.replay ? ` (replay: \`${t.replay}\`)` : ''}`,
        );
      md.push('');
    }
    for (const p of r.plots) {
      md.push(await renderPlot(p), '');
    }
  }
  const text = md.join('\n');
  if (format === 'md') return text;
  // HTML: the same content, tables and headings converted minimally, the $$ … $$ blocks typeset
  // by KaTeX on the server (its CSS and fonts inlined: the file opens offline), plots scaled to the
  // page width when the page is narrower than they are (they keep their viewBox; CSS sets
  // max-width 100%, height auto).
  const html: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>dynview verify report</title>',
    `<style>${mathCss()}</style>`,
    `<style>${REPORT_CSS}</style></head><body>`,
  ];
  let inTable = false;
  let inList = false;
  let tex: string[] | null = null;
  for (const line of text.split('\n')) {
    if (tex !== null) {
      if (line === '$$') {
        html.push(`<div class="math">${renderMath(tex.join('\n'), true)}</div>`);
        tex = null;
      } else tex.push(line);
      continue;
    }
    if (line.startsWith('|')) {
      if (/^\|(-+\|)+$/.test(line.replace(/---/g, '-'))) continue;
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => inline(c.trim().replace(/\\\|/g, '|')));
      if (!inTable) {
        html.push('<div class="table"><table>');
        inTable = true;
        html.push(`<tr>${cells.map((c) => `<th>${c}</th>`).join('')}</tr>`);
        continue;
      }
      html.push(`<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
      continue;
    }
    if (inTable) {
      html.push('</table></div>');
      inTable = false;
    }
    if (inList && !line.startsWith('- ')) {
      html.push('</ul>');
      inList = false;
    }
    if (line === '$$') tex = [];
    else if (line.startsWith('<svg')) html.push(`<figure class="plot">${line}</figure>`);
    else if (line.startsWith('# ')) html.push(`<h1>${esc(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) html.push(`<h2>${esc(line.slice(3))}</h2>`);
    else if (line.startsWith('- ')) {
      if (!inList) html.push('<ul>');
      inList = true;
      html.push(`<li>${inline(line.slice(2))}</li>`);
    } else if (line.trim() !== '') html.push(`<p>${inline(line)}</p>`);
  }
  if (inTable) html.push('</table></div>');
  if (inList) html.push('</ul>');
  html.push('</body></html>');
  return html.join('\n');
}

/** Page style: a readable column; wide tables scroll inside their box; plots never exceed the page. */
const REPORT_CSS = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.45;max-width:60rem;margin:2em auto;padding:0 1em;color:#222}',
  'h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}',
  '.table{overflow-x:auto;margin:1em 0}',
  'table{border-collapse:collapse;font-size:13px}',
  'td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;overflow-wrap:break-word}',
  'th{background:#f4f4f4;white-space:nowrap}',
  '.math{overflow-x:auto;overflow-y:hidden;margin:1em 0}',
  'figure.plot{margin:1em 0}',
  'figure.plot svg{display:block;max-width:100%;height:auto}',
  'li{margin:.2em 0}',
  'code{font-size:90%;background:#f4f4f4;padding:0 .2em;border-radius:3px}',
].join('\n');

/**
 * The HTML verify report reads like a paper: LaTeX typeset by KaTeX on the server (no raw $$ left,
 * no network needed to view it: no http(s) URL other than XML namespaces, fonts inlined), plots
 * scaled to the page, and a long plot subtitle wrapped instead of widening the chart.
 */
import { describe, expect, it } from 'vitest';
import { verifyReport, type SerializedProof } from '../../src/report/claims-report.ts';
import { lineChartSvg } from '../../src/report/plot.ts';

const LONG =
  "ode regime: the limiting output-space ODE e''(t) + gamma*e'(t) + H e(t) = 0 on H∞ of the sampled data, solved per eigenmode (closed-form) on t ∈ [0, 2000] (horizon extended to reach the slowest mode's asymptotics)";

const result: SerializedProof = {
  id: 'gd-linear',
  title: 'GD: linear convergence',
  statement: 'The error follows ė = −He.',
  latex: String.raw`\dot e = -H e, \qquad \|e(t)\|^2 \le e^{-\lambda_0 t}\,\|e(0)\|^2`,
  guarantee: 'upper bound',
  reference: 'Du et al. 2019',
  hypotheses: ['λ0 > 0'],
  verdict: 'supported',
  obligations: [
    { name: 'rate', kind: 'numeric', status: 'pass', detail: 'ok | fine', computed: 0.5, theory: 0.5 },
  ],
  claims: [],
  twins: [{ id: 'too-fast', verdict: 'refuted', detail: 'measured 0.1 < 0.3' }],
  twinsRefuted: true,
  plots: [
    {
      title: 'loss against t',
      subtitle: LONG,
      x: { label: 't', scale: 'linear' },
      y: { label: 'loss', scale: 'log' },
      series: [
        {
          name: 'n=4 d=3 seed=1',
          points: [
            [0, 1],
            [1, 0.5],
            [2, 0.25],
          ],
        },
      ],
    },
  ],
  seconds: 1.5,
  seed: 1,
} as unknown as SerializedProof;

describe('verify report (HTML)', () => {
  it('typesets the LaTeX with KaTeX and needs no network', async () => {
    const html = await verifyReport([result], 'html', { seed: 1, runs: null });
    expect(html).toContain('class="katex-display"');
    expect(html).toContain('<annotation encoding="application/x-tex">'); // MathML kept for readers
    expect(html).not.toContain('$$');
    // no raw TeX left outside the MathML annotation (which screen readers and copy-paste use)
    expect(html.replace(/<annotation[^>]*>[^<]*<\/annotation>/g, '')).not.toMatch(/\\dot e|\\lambda/);
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(urls.every((u) => /w3\.org\/(1998\/Math\/MathML|2000\/svg|1999\/xlink)/.test(u))).toBe(true);
    expect(html).not.toMatch(/url\(fonts\//);
    expect(html).toMatch(/url\(data:font\/woff2;base64,/);
    expect(html).toContain('<td>ok | fine</td>'); // a | inside a cell stays in its cell
  });

  it('plots sit in figures scaled to the page; a long subtitle is wrapped, not widening the chart', async () => {
    const html = await verifyReport([result], 'html', { seed: 1, runs: null });
    expect(html).toMatch(/<figure class="plot"><svg/);
    expect(html).toMatch(/figure\.plot svg\{[^}]*max-width:100%[^}]*height:auto/);
    const svg = await lineChartSvg({ ...result.plots[0], series: result.plots[0].series });
    const width = Number(/<svg[^>]*width="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBeGreaterThan(400);
    expect(width).toBeLessThan(700); // it was 2064 px with the subtitle on one line
    expect(svg).toContain('slowest');
  });

  it('Markdown keeps the $$ blocks (GitHub renders them)', async () => {
    const md = await verifyReport([result], 'md', { seed: 1, runs: null });
    expect(md).toContain('$$\n\\dot e = -H e');
  });
});

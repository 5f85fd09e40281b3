/**
 * `dynview rates --plot`: rate against one hyperparameter (the first grid parameter with several
 * values), per method: the exact discrete ρ and the ODE-limit ρ per step as lines, measured ρ as
 * points. Drawn through the project's vega-lite plotting (src/report/plot.ts).
 */
import { lineChartSvg, type Series } from './plot.ts';
import type { RateRow } from '../dynamics/rates.ts';

export async function ratesPlotSvg(
  rows: RateRow[],
  grid: Record<string, number[]>,
  curves: Map<string, RateRow[]> = new Map(),
): Promise<{ svg: string | null; reason: string }> {
  const gridKey = Object.keys(grid).find((k) => grid[k].length > 1);
  if (!gridKey)
    return {
      svg: null,
      reason: 'no grid parameter with more than one value (use --grid, e.g. beta=0.2,0.5,0.8)',
    };
  const key = gridKey.slice(gridKey.lastIndexOf('.') + 1); // 'hb.beta' → 'beta'
  const series: Series[] = [];
  const byMethod = new Map<string, RateRow[]>();
  for (const r of rows) {
    if (!(key in r.params)) continue;
    const list = byMethod.get(r.method) ?? [];
    list.push(r);
    byMethod.set(r.method, list);
  }
  for (const [m, list] of byMethod) {
    list.sort((a, b) => a.params[key] - b.params[key]);
    const pts = (f: (r: RateRow) => number | null) =>
      list
        .map((r) => [r.params[key], f(r)] as [number, number | null])
        .filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
    // Theory as smooth curves when given (else through the grid points), measured as markers.
    const curve = curves.get(m);
    const theory = curve && curve.length > 1 ? curve : list;
    const tpts = (f: (r: RateRow) => number | null) =>
      theory
        .map((r) => [r.params[key], f(r)] as [number, number | null])
        .filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
    const disc = tpts((r) => r.discreteRate);
    if (disc.length > 0) series.push({ name: `${m}: discrete ρ`, points: disc });
    const ode = tpts((r) => r.odeRatePerStep);
    if (ode.length > 0) series.push({ name: `${m}: ODE ρ per step`, points: ode, dashed: true });
    const meas = pts((r) => r.measured?.rate ?? null);
    if (meas.length > 0) series.push({ name: `${m}: measured ρ`, points: meas, markers: true });
  }
  if (series.length === 0) return { svg: null, reason: `no row has parameter '${key}'` };
  const svg = await lineChartSvg({
    title: `Per-step rate against ${key}`,
    subtitle: 'ρ per step (‖e_k‖ ~ ρ^k); lower is faster',
    x: { label: key },
    y: { label: 'ρ per step' },
    series,
  });
  return { svg, reason: '' };
}

/**
 * GGN against GD as the conditioning κ = λmax/λ0 of H∞ grows (issue 13, docs/ggn.md).
 *
 * For sphere data sets whose κ spans 10 … 10⁴ (fewer dimensions and more points give closer angles,
 * hence a smaller λ0), it trains the two-layer ReLU net at width m with
 *   - GGN (examples/methods/ggn.json, η = 0.5, ε = 0): measured per-step ‖e‖ factor
 *     (‖e_10‖/‖e_1‖)^(1/9) (and, beside it, over steps 10..15, where ‖e‖/‖e_0‖ ~ 10⁻³–10⁻⁵ and the
 *     linearisation remainder of the finite-width net starts to show), theory 1 − η whatever κ;
 *   - GD (η = 1/λmax): measured per-step factor (least squares of ln‖e_k‖ over the last half of the
 *     run), theory 1 − ηλ0 = 1 − 1/κ,
 * and the wall-clock seconds per step of each (JSON only). Writes docs/img/ggn-kappa.svg and prints a Markdown
 * table and the JSON of the numbers.
 *
 *   npx tsx scripts/ggn-kappa.ts            # m = 2·10⁴, GD 2000 steps (minutes on 2 cores)
 *   npx tsx scripts/ggn-kappa.ts --width 20000
 *   npx tsx scripts/ggn-kappa.ts --quick    # m = 2000, GD 300 steps
 *   npx tsx scripts/ggn-kappa.ts --sources 'sphere:n=100,d=3,seed=2' > more.txt   # some data sets
 *   npx tsx scripts/ggn-kappa.ts --from-json 'run.txt;more.txt'   # plot + table of saved runs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadData } from '../src/data/load.ts';
import { ntkSpectrum } from '../src/ntk/gram.ts';
import { train } from '../src/train/trainer.ts';
import { lineChartSvg } from '../src/report/plot.ts';
import { fitLine } from '../src/util/fit.ts';
import type { MethodSpec } from '../src/spec/types.ts';

const quick = process.argv.includes('--quick');
const wArg = process.argv.indexOf('--width');
const width = wArg > 0 ? Number(process.argv[wArg + 1]) : quick ? 2000 : 20_000;
const gdSteps = quick ? 300 : 2000;
/** GGN: the factor over steps 1..GGN_WINDOW (‖e‖ falls ~2^9), and over the next steps up to ggnSteps. */
const GGN_WINDOW = 10;
const ggnSteps = 15;
const eta = 0.5;
const root = new URL('..', import.meta.url);
const ggn = JSON.parse(readFileSync(new URL('examples/methods/ggn.json', root), 'utf8')) as MethodSpec;

const sources = [
  'sphere:n=20,d=8,seed=1',
  'sphere:n=20,d=5,seed=0',
  'sphere:n=100,d=10,seed=1',
  'sphere:n=100,d=5,seed=1',
  'sphere:n=200,d=5,seed=1',
  'sphere:n=30,d=3,seed=1',
  'sphere:n=100,d=3,seed=1',
  'sphere:n=200,d=3,seed=1',
];

interface Row {
  data: string;
  n: number;
  kappa: number;
  lambda0: number;
  ggn: number;
  ggnTheory: number;
  ggnDeviation: number;
  /** Factor over steps GGN_WINDOW..ggnSteps. */
  ggnLate: number;
  ggnSecondsPerStep: number;
  gd: number;
  gdTheory: number;
  gdSecondsPerStep: number;
}

const srcArg = process.argv.indexOf('--sources');
const chosen = srcArg > 0 ? process.argv[srcArg + 1].split(';') : sources;
const fromArg = process.argv.indexOf('--from-json');
const rows: Row[] = [];
// --from-json a.json;b.json: plot and tabulate rows of earlier runs (their printed JSON) instead of training.
if (fromArg > 0)
  for (const file of process.argv[fromArg + 1].split(';')) {
    const text = readFileSync(file, 'utf8');
    rows.push(...(JSON.parse(text.slice(text.indexOf('{'))) as { rows: Row[] }).rows);
  }
for (const source of fromArg > 0 ? [] : chosen) {
  const data = loadData(source);
  const sp = ntkSpectrum(data);
  const g = train({
    data,
    width,
    method: ggn,
    params: { eta },
    steps: ggnSteps,
    seed: 1,
    probeEvery: 0,
    engine: 'direct',
  });
  const ggnFactor = (g.errNorm[GGN_WINDOW] / g.errNorm[1]) ** (1 / (GGN_WINDOW - 1));
  const ggnLate = (g.errNorm[ggnSteps] / g.errNorm[GGN_WINDOW]) ** (1 / (ggnSteps - GGN_WINDOW));
  const gdEta = 1 / sp.lambdaMax;
  const d = train({
    data,
    width,
    method: 'gd',
    params: { eta: gdEta },
    steps: gdSteps,
    seed: 1,
    probeEvery: 0,
  });
  // Last half of the steps above the float64 floor (‖e_k‖ > 1e-11‖e_0‖).
  let last = gdSteps;
  while (last > 2 && !(d.errNorm[last] > 1e-11 * d.errNorm[0])) last--;
  const ks: number[] = [];
  const ls: number[] = [];
  for (let k = Math.floor(last / 2); k <= last; k++) {
    ks.push(k);
    ls.push(Math.log(d.errNorm[k]));
  }
  const gdFactor = Math.exp(fitLine(ks, ls).slope);
  const row: Row = {
    data: source,
    n: data.n,
    kappa: sp.kappa,
    lambda0: sp.lambda0,
    ggn: ggnFactor,
    ggnTheory: 1 - eta,
    ggnDeviation: ggnFactor / (1 - eta) - 1,
    ggnLate,
    ggnSecondsPerStep: g.seconds / ggnSteps,
    gd: gdFactor,
    gdTheory: 1 - gdEta * sp.lambda0,
    gdSecondsPerStep: d.seconds / gdSteps,
  };
  rows.push(row);
  process.stderr.write(
    `${source}: κ = ${sp.kappa.toPrecision(4)}, GGN ${ggnFactor.toFixed(5)}, GD ${gdFactor.toFixed(6)}\n`,
  );
}
rows.sort((a, b) => a.kappa - b.kappa);

const svg = await lineChartSvg({
  title: 'Per-step error factor ‖e_{k+1}‖/‖e_k‖ against κ = λmax/λ0 (sphere data)',
  subtitle: `two-layer ReLU net, width ${width}; GGN η = ${eta} (ε = 0), GD η = 1/λmax; lower is faster`,
  x: { label: 'κ = λmax/λ0 of H∞', scale: 'log' },
  y: { label: '1 − (per-step factor)', scale: 'log' },
  series: [
    { name: 'GGN measured', points: rows.map((r) => [r.kappa, 1 - r.ggn]), markers: true },
    { name: 'GGN theory 1 − η', points: rows.map((r) => [r.kappa, 1 - r.ggnTheory]), dashed: true },
    { name: `GD measured (${gdSteps} steps)`, points: rows.map((r) => [r.kappa, 1 - r.gd]), markers: true },
    { name: 'GD theory ηλ0 = 1/κ', points: rows.map((r) => [r.kappa, 1 - r.gdTheory]), dashed: true },
  ],
});
writeFileSync(new URL(`docs/img/ggn-kappa${quick ? '-quick' : ''}.svg`, root), svg);

const f = (x: number, p = 4) => x.toPrecision(p);
const lines = [
  `| data | κ | GGN factor, steps 1–${GGN_WINDOW} (theory ${1 - eta}) | deviation | GGN, steps ${GGN_WINDOW}–${ggnSteps} | GD factor | GD theory 1 − 1/κ |`,
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.data} | ${f(r.kappa)} | ${r.ggn.toFixed(5)} | ${(100 * r.ggnDeviation).toFixed(2)}% | ${r.ggnLate.toFixed(4)} | ${r.gd.toFixed(6)} | ${r.gdTheory.toFixed(6)} |`,
  ),
];
process.stdout.write(
  `${lines.join('\n')}\n\n${JSON.stringify({ width, gdSteps, ggnSteps, eta, rows }, null, 1)}\n`,
);

/**
 * GGN against GD as the conditioning κ = λmax/λ0 of H∞ grows (issue 13, docs/ggn.md).
 *
 * For sphere data sets whose κ spans 10 … 10⁴ (fewer dimensions and more points give closer angles,
 * hence a smaller λ0), it trains the two-layer ReLU net at width m with
 *   - GGN (examples/methods/ggn.json, η = 0.5, ε = 0), twice: with the targets y as given and with
 *     targetScale·y (--target-scale, default 0.1; then ‖e_0‖ is mostly the initial output u0). Per
 *     run: the measured per-step ‖e‖ factor (‖e_10‖/‖e_1‖)^(1/9) (and, beside it, over steps 10..15,
 *     where ‖e‖/‖e_0‖ ~ 10⁻³–10⁻⁵), theory 1 − η whatever κ; and the largest linearisation remainder
 *     Probe.stepResidual of the steps 1..10 (probes at every step). A run whose remainders are all at
 *     most RESIDUAL_BOUND (derived from η below) is in the linearised regime: each of its steps is
 *     then within 5% of 1 − η, proven from the measured remainder, not assumed;
 *   - GD (η = 1/λmax, targets y): measured per-step factor (least squares of ln‖e_k‖ over the last
 *     half of the run), theory 1 − ηλ0 = 1 − 1/κ,
 * and, per data set, the quadratic forms behind the size of the first GGN step (‖Δθ‖ = η√(e0ᵀH(0)⁻¹e0),
 * H(0) the empirical NTK at the runs' initial weights): yᵀ(H∞)⁻¹y, yᵀH(0)⁻¹y, u0ᵀH(0)⁻¹u0 and
 * e0ᵀH(0)⁻¹e0 for both target choices, beside ‖y‖²/λ0 (their bound), the largest per-neuron move
 * after step 1 and the fraction of activation patterns flipped by step 10; the wall-clock seconds
 * per step of each run (JSON only). Writes docs/img/ggn-kappa.svg and prints two Markdown tables and
 * the JSON of the numbers.
 *
 *   npx tsx scripts/ggn-kappa.ts            # m = 2·10⁴, GD 2000 steps (minutes on 2 cores)
 *   npx tsx scripts/ggn-kappa.ts --width 20000
 *   npx tsx scripts/ggn-kappa.ts --quick    # m = 2000, GD 300 steps
 *   npx tsx scripts/ggn-kappa.ts --target-scale 0.2   # the second GGN run with 0.2·y
 *   npx tsx scripts/ggn-kappa.ts --sources 'sphere:n=100,d=3,seed=2' > more.txt   # some data sets
 *   npx tsx scripts/ggn-kappa.ts --from-json 'run.txt;more.txt'   # plot + table of saved runs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadData } from '../src/data/load.ts';
import type { Dataset } from '../src/data/types.ts';
import { bitsFromMask, coActivationCounts } from '../src/ntk/activations.ts';
import { dataGram, gramInfinity, kernelSpectrum } from '../src/ntk/gram.ts';
import { forward, initNetwork } from '../src/train/network.ts';
import { gramSolve } from '../src/train/ggn.ts';
import { train } from '../src/train/trainer.ts';
import { lineChartSvg, type Series } from '../src/report/plot.ts';
import { fitLine } from '../src/util/fit.ts';
import type { MethodSpec } from '../src/spec/types.ts';

const quick = process.argv.includes('--quick');
const wArg = process.argv.indexOf('--width');
const width = wArg > 0 ? Number(process.argv[wArg + 1]) : quick ? 2000 : 20_000;
const gdSteps = quick ? 300 : 2000;
const tArg = process.argv.indexOf('--target-scale');
/** GGN runs a second time with the targets y scaled by this (default 0.1). */
const targetScale = tArg > 0 ? Number(process.argv[tArg + 1]) : 0.1;
if (!(Number.isFinite(targetScale) && targetScale !== 0))
  throw new Error('--target-scale: a non-zero number');
/** GGN: the factor over steps 1..GGN_WINDOW (‖e‖ falls ~2^9), and over the next steps up to ggnSteps. */
const GGN_WINDOW = 10;
const ggnSteps = 15;
const eta = 0.5;
/**
 * With ε = 0 the GGN step is Δθ = −ηJᵀ(JJᵀ)⁻¹e, so J_{k−1}Δθ = −ηe_{k−1} and e_k = (1 − η)e_{k−1} + R
 * with ‖R‖ ≤ s‖e_k − e_{k−1}‖, s = Probe.stepResidual. Then ‖e_k − e_{k−1}‖ ≤ η‖e_{k−1}‖/(1 − s) and
 * |‖e_k‖/‖e_{k−1}‖ − (1 − η)| ≤ ηs/(1 − s). That is at most TOLERANCE·(1 − η) (the issue's 5%) iff
 * s ≤ RESIDUAL_BOUND below: a run whose max residual over the window is within it is in the
 * linearised regime, and its per-step factor is within 5% of 1 − η at every step of the window.
 */
const TOLERANCE = 0.05;
const RESIDUAL_BOUND = (TOLERANCE * (1 - eta)) / (eta + TOLERANCE * (1 - eta));
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

/** One GGN run on one data set (targets as given, or scaled by --target-scale). */
interface GgnRun {
  /** Per-step ‖e‖ factor (‖e_GGN_WINDOW‖/‖e_1‖)^(1/(GGN_WINDOW − 1)). */
  factor: number;
  /** factor/(1 − η) − 1. */
  deviation: number;
  /** Factor over steps GGN_WINDOW..ggnSteps. */
  late: number;
  /** max of Probe.stepResidual over the steps 1..GGN_WINDOW (the linearisation remainder of each step). */
  residual: number;
  /** max of Probe.stepResidual over the steps GGN_WINDOW + 1..ggnSteps. */
  residualLate: number;
  /** residual ≤ RESIDUAL_BOUND: every step 1..GGN_WINDOW provably within 5% of 1 − η. */
  inRegime: boolean;
  /** max_r ‖w_r(1) − w_r(0)‖ after the first step (Probe.weightDrift at step 1). */
  move1: number;
  /** Fraction of activation patterns flipped by step GGN_WINDOW (Probe.flipFraction). */
  flips: number;
  /** ‖e_0‖. */
  e0: number;
  secondsPerStep: number;
}

interface Row {
  data: string;
  n: number;
  kappa: number;
  lambda0: number;
  /** yᵀ(H∞)⁻¹y, y the targets as given. */
  yHinfY: number;
  /** ‖y‖². */
  yNorm2: number;
  /**
   * Quadratic forms in H(0)⁻¹, H(0) the empirical NTK at the initial weights of the runs (seed 1,
   * first layer): the first GGN step moves the weights by ‖Δθ‖ = η√(e0ᵀH(0)⁻¹e0), e0 = u0 − y.
   */
  yH0Y: number;
  u0H0U0: number;
  e0H0E0: number;
  /** The same with the targets scaled: e0 = u0 − targetScale·y. */
  e0H0E0Scaled: number;
  /** GGN, targets as given. */
  ggn: GgnRun;
  /** GGN, targets scaled by targetScale. */
  ggnScaled: GgnRun;
  targetScale: number;
  ggnTheory: number;
  gd: number;
  gdTheory: number;
  gdSecondsPerStep: number;
}

const srcArg = process.argv.indexOf('--sources');
const chosen = srcArg > 0 ? process.argv[srcArg + 1].split(';') : sources;
const fromArg = process.argv.indexOf('--from-json');
const rows: Row[] = [];
/** The width of the rows (of the saved runs with --from-json). */
let plotWidth = width;
// --from-json a.json;b.json: plot and tabulate rows of earlier runs (their printed JSON) instead of training.
if (fromArg > 0)
  for (const file of process.argv[fromArg + 1].split(';')) {
    const text = readFileSync(file, 'utf8');
    const saved = JSON.parse(text.slice(text.indexOf('{'))) as { width: number; rows: Row[] };
    for (const r of saved.rows)
      if (typeof r.ggn !== 'object' || typeof r.ggnScaled !== 'object')
        throw new Error(`${file}: rows of the older shape (no GGN runs with scaled targets); re-run them`);
    plotWidth = saved.width;
    rows.push(...saved.rows);
  }

/** vᵀK⁻¹v (Cholesky of K). */
function quadForm(K: Float64Array, n: number, v: Float64Array): number {
  const alpha = new Float64Array(n);
  gramSolve(K, n, 0, v, alpha);
  let q = 0;
  for (let i = 0; i < n; i++) q += v[i] * alpha[i];
  return q;
}

/**
 * u0 and the empirical NTK H(0)_ij = (x_i·x_j)·#{r: w_r·x_i ≥ 0, w_r·x_j ≥ 0}/m at the initial
 * weights the runs start from (initNetwork(d, width, seed 1), as train draws them).
 */
function initialKernel(data: Dataset): { u0: Float64Array; H0: Float64Array } {
  const { n, d } = data;
  const net = initNetwork(d, width, 1);
  const u0 = new Float64Array(n);
  const mask = new Uint8Array(width * n);
  forward(net, net.W0, data, u0, mask);
  const H0 = coActivationCounts(bitsFromMask(mask, width, n));
  const G = dataGram(data);
  for (let p = 0; p < n * n; p++) H0[p] *= G[p] / width;
  return { u0, H0 };
}

/** GGN with probes at every step (Probe.stepResidual needs the snapshot of the step before). */
function runGgn(data: Dataset): GgnRun {
  const g = train({
    data,
    width,
    method: ggn,
    params: { eta },
    steps: ggnSteps,
    seed: 1,
    probeEvery: 1,
    engine: 'direct',
  });
  if (g.status !== 'ok') throw new Error(`${data.source}: GGN diverged at step ${g.divergedAt}`);
  const factor = (g.errNorm[GGN_WINDOW] / g.errNorm[1]) ** (1 / (GGN_WINDOW - 1));
  const late = (g.errNorm[ggnSteps] / g.errNorm[GGN_WINDOW]) ** (1 / (ggnSteps - GGN_WINDOW));
  const maxResidual = (from: number, to: number): number => {
    let s = 0;
    let seen = 0;
    for (const p of g.probes)
      if (p.step >= from && p.step <= to && p.stepResidual !== undefined) {
        s = Math.max(s, p.stepResidual);
        seen++;
      }
    if (seen !== to - from + 1) throw new Error(`stepResidual at ${seen} of the steps ${from}..${to}`);
    return s;
  };
  const residual = maxResidual(1, GGN_WINDOW);
  const at = (k: number) => {
    const p = g.probes.find((q) => q.step === k);
    if (!p) throw new Error(`no probe at step ${k}`);
    return p;
  };
  return {
    factor,
    deviation: factor / (1 - eta) - 1,
    late,
    residual,
    residualLate: maxResidual(GGN_WINDOW + 1, ggnSteps),
    inRegime: residual <= RESIDUAL_BOUND,
    move1: at(1).weightDrift,
    flips: at(GGN_WINDOW).flipFraction,
    e0: g.errNorm[0],
    secondsPerStep: g.seconds / ggnSteps,
  };
}

for (const source of fromArg > 0 ? [] : chosen) {
  const data = loadData(source);
  const Hinf = gramInfinity(data);
  const sp = kernelSpectrum(Hinf, data.n);
  const { u0, H0 } = initialKernel(data);
  const yScaled = data.y.map((v) => targetScale * v);
  const e0 = u0.map((u, i) => u - data.y[i]);
  const e0Scaled = u0.map((u, i) => u - yScaled[i]);
  const g = runGgn(data);
  const gs = runGgn({ ...data, y: yScaled });
  // The same initial weights as the runs: ‖u0 − y‖ must be the runs' ‖e_0‖.
  const norm = (v: Float64Array) => Math.hypot(...v);
  if (Math.abs(norm(e0) - g.e0) > 1e-9 * g.e0 || Math.abs(norm(e0Scaled) - gs.e0) > 1e-9 * gs.e0)
    throw new Error(`${source}: u0 differs from the runs' initial outputs`);
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
    yHinfY: quadForm(Hinf, data.n, data.y),
    yNorm2: data.y.reduce((t, v) => t + v * v, 0),
    yH0Y: quadForm(H0, data.n, data.y),
    u0H0U0: quadForm(H0, data.n, u0),
    e0H0E0: quadForm(H0, data.n, e0),
    e0H0E0Scaled: quadForm(H0, data.n, e0Scaled),
    ggn: g,
    ggnScaled: gs,
    targetScale,
    ggnTheory: 1 - eta,
    gd: gdFactor,
    gdTheory: 1 - gdEta * sp.lambda0,
    gdSecondsPerStep: d.seconds / gdSteps,
  };
  rows.push(row);
  process.stderr.write(
    `${source}: κ = ${sp.kappa.toPrecision(4)}, GGN ${g.factor.toFixed(5)} (residual ${g.residual.toPrecision(2)}), ` +
      `GGN ${targetScale}·y ${gs.factor.toFixed(5)} (residual ${gs.residual.toPrecision(2)}), GD ${gdFactor.toFixed(6)}\n`,
  );
}
rows.sort((a, b) => a.kappa - b.kappa);

const scales = [...new Set(rows.map((r) => r.targetScale))].join('/');
/** Markers for the GGN runs of one target choice, split at the residual bound. */
const ggnSeries = (label: string, pick: (r: Row) => GgnRun): Series[] => [
  {
    name: `GGN ${label}`,
    points: rows.filter((r) => pick(r).inRegime).map((r) => [r.kappa, 1 - pick(r).factor]),
    markers: true,
  },
  {
    name: `GGN ${label}, out`,
    points: rows.filter((r) => !pick(r).inRegime).map((r) => [r.kappa, 1 - pick(r).factor]),
    markers: true,
  },
];
const svg = await lineChartSvg({
  title: 'Per-step error factor ‖e_{k+1}‖/‖e_k‖ against κ = λmax/λ0 (sphere data)',
  subtitle:
    `two-layer ReLU net, width ${plotWidth}, seed 1. GGN η = ${eta} (ε = 0), factor over steps 1–${GGN_WINDOW}, ` +
    `with the targets y and with ${scales}·y; "out": outside the linearised regime, some step 1–${GGN_WINDOW} ` +
    `has linearisation remainder > ${RESIDUAL_BOUND.toPrecision(3)} (at most that guarantees 5% of 1 − η). ` +
    `GD η = 1/λmax, targets y. Lower is faster.`,
  x: { label: 'κ = λmax/λ0 of H∞', scale: 'log' },
  y: { label: '1 − (per-step factor)', scale: 'log' },
  series: [
    ...ggnSeries('y', (r) => r.ggn),
    ...ggnSeries(`${scales}·y`, (r) => r.ggnScaled),
    { name: 'GGN theory 1 − η', points: rows.map((r) => [r.kappa, 1 - r.ggnTheory]), dashed: true },
    { name: `GD (${gdSteps} steps)`, points: rows.map((r) => [r.kappa, 1 - r.gd]), markers: true },
    { name: 'GD theory ηλ0 = 1/κ', points: rows.map((r) => [r.kappa, 1 - r.gdTheory]), dashed: true },
  ],
});
writeFileSync(new URL(`docs/img/ggn-kappa${quick ? '-quick' : ''}.svg`, root), svg);

const f = (x: number, p = 4) => x.toPrecision(p);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const run = (g: GgnRun) =>
  `${g.factor.toFixed(5)} | ${pct(g.deviation)} | ${g.late.toFixed(4)} | ${f(g.residual, 2)} | ${g.inRegime ? 'yes' : 'no'}`;
const runHead = (what: string) =>
  `GGN ${what}: factor, steps 1–${GGN_WINDOW} | deviation | factor, steps ${GGN_WINDOW}–${ggnSteps} | max residual, steps 1–${GGN_WINDOW} | linearised (≤ ${RESIDUAL_BOUND.toPrecision(3)})`;
const lines = [
  `| data | κ | ${runHead('y')} | ${runHead(`${scales}·y`)} | GD factor | GD theory 1 − 1/κ |`,
  `|---|---:|${'---:|'.repeat(10)}---:|---:|`,
  ...rows.map(
    (r) =>
      `| ${r.data} | ${f(r.kappa)} | ${run(r.ggn)} | ${run(r.ggnScaled)} | ${r.gd.toFixed(6)} | ${r.gdTheory.toFixed(6)} |`,
  ),
  '',
  `| data | n | κ | ‖y‖²/λ0 | yᵀ(H∞)⁻¹y | yᵀH(0)⁻¹y | u0ᵀH(0)⁻¹u0 | e0ᵀH(0)⁻¹e0, y | e0ᵀH(0)⁻¹e0, ${scales}·y | max neuron move after step 1, y | same, ${scales}·y | flips at step ${GGN_WINDOW}, y | same, ${scales}·y |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.data} | ${r.n} | ${f(r.kappa)} | ${f(r.yNorm2 / r.lambda0)} | ${f(r.yHinfY)} | ${f(r.yH0Y)} | ${f(r.u0H0U0)} | ${f(r.e0H0E0)} | ${f(r.e0H0E0Scaled)} | ${f(r.ggn.move1, 3)} | ${f(r.ggnScaled.move1, 3)} | ${pct(r.ggn.flips)} | ${pct(r.ggnScaled.flips)} |`,
  ),
];
process.stdout.write(
  `${lines.join('\n')}\n\n${JSON.stringify({ width: plotWidth, gdSteps, ggnSteps, eta, residualBound: RESIDUAL_BOUND, rows }, null, 1)}\n`,
);

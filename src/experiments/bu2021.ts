/**
 * `dynview reproduce bu2021`: Bu, Xu & Chen's figures regenerated offline, as the authors ran them
 * (their standard-parameterised MLP, both layers trained, PyTorch optimizers) and in the theory's NTK
 * parameterisation, side by side; each with fitted rates, the frozen-kernel prediction, a verdict and
 * the regime it is really in.
 */
import { loadData } from '../data/load.ts';
import { DEFAULT_SIZES, FIGURE_NAMES, type Bu2021Sizes, type FigureName } from './bu2021-sizes.ts';
import {
  jobCost,
  jobKey,
  ntkGramOf,
  runJob,
  type Job,
  type JobResult,
  type Model,
  type RunContext,
} from './bu2021-runs.ts';
import { readCurve, regimeOf, pct, type CurveReading, type Regime } from './bu2021-analysis.ts';
import { ntkSpectrum } from '../ntk/gram.ts';
import { classifyDecay } from '../claims/rate-fit.ts';
import { isDiverged } from '../util/divergence.ts';
import { fitSlope } from '../util/fit.ts';
import { toCsr } from '../train/mlp-standard.ts';
import type { Bu2021Method } from './specs.ts';
import { linearisedLoss } from './linearised.ts';
import { methodSpec, methodParams } from './bu2021-runs.ts';
import { paperEdge, stabilityEdge, type PaperEdge } from './paper-edge.ts';
import { PAPER_SIZES } from './bu2021-sizes.ts';

export interface CurveDef {
  label: string;
  method: Bu2021Method;
  momentum: Record<string, number>;
  /** 1/(1 − β) (or 1/(1 − β1 − β2)) where the rescaled gradient flow predicts a time ratio. */
  predictedRatio?: number;
}

const GD_CURVE: CurveDef = { label: 'GD', method: 'gd', momentum: {} };
const hb = (beta: number): CurveDef => ({
  label: `HB β=${beta}`,
  method: 'hb',
  momentum: { beta },
  predictedRatio: 1 / (1 - beta),
});
const nag = (d: number): CurveDef => ({ label: `NAG d=${d}`, method: 'nag', momentum: { d } });
const hm = (b1: number, b2: number): CurveDef => ({
  label: `HM (β1,β2)=(${b1},${b2})`,
  method: 'hm',
  momentum: { beta1: b1, beta2: b2 },
  predictedRatio: 1 / (1 - b1 - b2),
});

export const FIGURE_CURVES: Record<FigureName, CurveDef[]> = {
  'hb-epoch': [GD_CURVE, hb(0.2), hb(0.5), hb(0.8)],
  'nag-epoch': [GD_CURVE, nag(2), nag(3), nag(6), nag(8)],
  hm: [GD_CURVE, hb(0.2), hm(0.2, 0.2), hm(0.2, 0.5)],
  'hb-width': [hb(0), hb(0.6), hb(0.9)].map((c, i) => (i === 0 ? { ...c, label: 'HB β=0 (GD)' } : c)),
  'nag-width': [nag(2), nag(4), nag(10)],
};

export const FIGURE_TITLES: Record<FigureName, string> = {
  'hb-epoch': 'Heavy ball vs gradient descent (loss against epoch)',
  'nag-epoch': 'Nesterov with momentum (k−1)/(k+d−1) (log–log)',
  hm: 'The two-momentum method vs GD and HB β = 0.2',
  'hb-width': 'Heavy ball: loss at a fixed epoch against width',
  'nag-width': 'Nesterov: loss at a fixed epoch against width',
};

export const PAPER_CLAIMS: Record<FigureName, string> = {
  'hb-epoch': 'HB converges linearly, like GD, and faster for larger β.',
  'nag-epoch':
    'NAG with momentum (k−1)/(k+d−1) may converge only sublinearly (the paper plots it on log–log axes).',
  hm: 'The two-momentum method converges linearly and faster than HB with the same β1.',
  'hb-width': 'Wider nets train faster (loss at epoch 200 falls with width) until a best width.',
  'nag-width': 'Wider nets train faster under NAG too, until a best width.',
};

export function isWidthFigure(f: FigureName): boolean {
  return f === 'hb-width' || f === 'nag-width';
}

export interface Bu2021Options {
  figures: FigureName[];
  sizes: Bu2021Sizes;
  /** Overrides the seeds of the width sweeps (both models). */
  seeds?: number;
  /** Also check the frozen-kernel stability at the paper's sizes (default true; off for tiny sizes). */
  paperEdge?: boolean;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface EpochPanel {
  kind: 'epoch';
  model: Model;
  sizeLine: string;
  readings: CurveReading[];
  regime: Regime;
  /** λ0 of the loss modes (effective: (2/n)λmin(K) or λmin(H∞)), and λmax. */
  lambda0: number;
  lambdaMax: number;
  eta: number;
}

export interface WidthRow {
  label: string;
  width: number;
  lossMean: number;
  lossStd: number;
  linearisedMean: number;
  driftMean: number;
  /** η·λmax of the loss modes at this width (mean over seeds). */
  etaLambdaMax: number;
  /** The frozen-kernel top mode grows over the epochs read (unstable step at this width). */
  topModeUnstable: boolean;
  diverged: number;
  seeds: number;
}

export interface WidthPanel {
  kind: 'width';
  model: Model;
  sizeLine: string;
  rows: WidthRow[];
  /** Slope of ln(drift) against ln(width), per curve (theory: −1/2 in the NTK regime). */
  driftSlopes: Array<{ label: string; slope: number }>;
  epoch: number;
}

export interface FigureReport {
  name: FigureName;
  title: string;
  claim: string;
  panels: Array<EpochPanel | WidthPanel>;
  verdict: string[];
}

/** Frozen-kernel stability at the paper's own sizes (no training): one row per curve. */
export interface PaperEdgeRow {
  figure: FigureName;
  label: string;
  /** The method's linear stability edge for η·λ. */
  edge: number;
  /** Epoch figures: η·λmax at width 3000, lr 1e-4. */
  etaLambdaMax?: number;
  /** Width figures: the width at which η·λmax (∝ m) reaches the edge at lr 5e-5. */
  crossingWidth?: number;
}

export interface Bu2021Result {
  sizes: Bu2021Sizes;
  paperEdge?: { kernel: PaperEdge; rows: PaperEdgeRow[] };
  figures: FigureReport[];
  lambda0: { standardData: string; ntkData: string; ntkLambda0: number; ntkLambdaMax: number };
  seconds: number;
  runs: number;
}

interface Planned {
  figure: FigureName;
  model: Model;
  curve: CurveDef;
  job: Job;
}

/** The jobs of the selected figures (deduplicated by jobKey at run time). */
export function planJobs(opts: Bu2021Options, ntkLambdaMax: number): Planned[] {
  const { standard: S, ntk: N } = opts.sizes;
  const ntkEta = N.etaTimesLambdaMax / ntkLambdaMax;
  const out: Planned[] = [];
  for (const figure of opts.figures) {
    for (const curve of FIGURE_CURVES[figure]) {
      if (!isWidthFigure(figure)) {
        out.push({
          figure,
          model: 'standard',
          curve,
          job: {
            model: 'standard',
            method: curve.method,
            momentum: curve.momentum,
            eta: S.lr,
            width: S.width,
            seed: 1,
            epochs: S.epochs,
          },
        });
        out.push({
          figure,
          model: 'ntk',
          curve,
          job: {
            model: 'ntk',
            method: curve.method,
            momentum: curve.momentum,
            eta: ntkEta,
            width: N.width,
            seed: 1,
            epochs: N.steps,
          },
        });
      } else {
        const widths = figure === 'hb-width' ? S.hbWidths : S.nagWidths;
        const seedsS = opts.seeds ?? S.seeds;
        const seedsN = opts.seeds ?? N.seeds;
        for (const width of widths)
          for (let seed = 1; seed <= seedsS; seed++) {
            out.push({
              figure,
              model: 'standard',
              curve,
              job: {
                model: 'standard',
                method: curve.method,
                momentum: curve.momentum,
                eta: S.widthLr,
                width,
                seed,
                epochs: S.widthEpochs,
              },
            });
          }
        for (const width of N.widths)
          for (let seed = 1; seed <= seedsN; seed++) {
            out.push({
              figure,
              model: 'ntk',
              curve,
              job: {
                model: 'ntk',
                method: curve.method,
                momentum: curve.momentum,
                eta: ntkEta,
                width,
                seed,
                epochs: N.widthSteps,
              },
            });
          }
      }
    }
  }
  return out;
}

export function reproduceBu2021(
  opts: Bu2021Options = { figures: [...FIGURE_NAMES], sizes: DEFAULT_SIZES },
): Bu2021Result {
  const t0 = performance.now();
  const { standard: S, ntk: N } = opts.sizes;
  const standardData = loadData(`mnist:n=${S.digits}`);
  const ntkData = loadData(N.data, { normalize: true });
  const spectrum = ntkSpectrum(ntkData);
  const ctx: RunContext = {
    standardData,
    standardNnz: toCsr(standardData.X, standardData.n, standardData.d).val.length,
    ntkData,
    ntkGram: ntkGramOf(ntkData),
  };
  const planned = planJobs(opts, spectrum.lambdaMax);
  const unique = new Map<string, Job>();
  for (const p of planned) unique.set(jobKey(p.job), p.job);
  const total = [...unique.values()].reduce((s, j) => s + jobCost(j, ctx), 0);
  let done = 0;
  const results = new Map<string, JobResult>();
  for (const [key, job] of unique) {
    const cost = jobCost(job, ctx);
    const what = `${job.model} ${job.method} ${JSON.stringify(job.momentum)} m=${job.width} seed=${job.seed}`;
    const r = runJob(job, ctx, (epochs) =>
      opts.onProgress?.(done + (cost * epochs) / job.epochs, total, what),
    );
    done += cost;
    opts.onProgress?.(done, total, what);
    results.set(key, r);
  }

  const figures: FigureReport[] = opts.figures.map((figure) => {
    const mine = planned.filter((p) => p.figure === figure);
    const panels: Array<EpochPanel | WidthPanel> = [];
    for (const model of ['standard', 'ntk'] as Model[]) {
      const ps = mine.filter((p) => p.model === model);
      const sizeLine =
        model === 'standard' ? standardLine(opts.sizes, figure) : ntkLine(opts.sizes, figure, opts.seeds);
      panels.push(
        isWidthFigure(figure)
          ? widthPanel(model, sizeLine, ps, results)
          : epochPanel(model, sizeLine, ps, results),
      );
    }
    return {
      name: figure,
      title: FIGURE_TITLES[figure],
      claim: PAPER_CLAIMS[figure],
      panels,
      verdict: verdictOf(figure, panels),
    };
  });
  let paper: Bu2021Result['paperEdge'];
  if (opts.paperEdge !== false && opts.sizes.label !== 'tiny') {
    const P = PAPER_SIZES.standard;
    const kernel = paperEdge(P.digits, P.width, P.lr, P.widthLr, 1);
    const rows: PaperEdgeRow[] = [];
    for (const figure of opts.figures) {
      for (const c of FIGURE_CURVES[figure]) {
        const wide = isWidthFigure(figure);
        const edge = stabilityEdge(methodSpec(c.method), c.momentum, wide ? P.widthEpochs : 1000);
        rows.push(
          wide
            ? {
                figure,
                label: c.label,
                edge,
                crossingWidth: Math.round((P.width * edge) / kernel.etaLambdaMaxWidth),
              }
            : { figure, label: c.label, edge, etaLambdaMax: kernel.etaLambdaMaxEpoch },
        );
      }
    }
    paper = { kernel, rows };
  }
  return {
    sizes: opts.sizes,
    paperEdge: paper,
    figures,
    lambda0: {
      standardData: standardData.source,
      ntkData: ntkData.source,
      ntkLambda0: spectrum.lambda0,
      ntkLambdaMax: spectrum.lambdaMax,
    },
    seconds: (performance.now() - t0) / 1000,
    runs: unique.size,
  };
}

function standardLine(s: Bu2021Sizes, f: FigureName): string {
  const S = s.standard;
  return isWidthFigure(f)
    ? `authors' model: ${S.digits} MNIST digits, lr ${S.widthLr}, loss at epoch ${S.widthEpochs}, ` +
        `widths ${(f === 'hb-width' ? S.hbWidths : S.nagWidths).join('/')}, ${S.seeds} seed(s) [${s.label}]`
    : `authors' model: ${S.digits} MNIST digits, width ${S.width}, lr ${S.lr}, ${S.epochs} epochs [${s.label}]`;
}

function ntkLine(s: Bu2021Sizes, f: FigureName, seeds?: number): string {
  const N = s.ntk;
  return isWidthFigure(f)
    ? `NTK parameterisation: ${N.data} unit rows, η = ${N.etaTimesLambdaMax}/λmax(H∞), loss at step ` +
        `${N.widthSteps}, widths ${N.widths.join('/')}, ${seeds ?? N.seeds} seed(s) [${s.label}]`
    : `NTK parameterisation: ${N.data} unit rows, width ${N.width}, η = ${N.etaTimesLambdaMax}/λmax(H∞), ${N.steps} steps [${s.label}]`;
}

function epochPanel(
  model: Model,
  sizeLine: string,
  ps: Planned[],
  results: Map<string, JobResult>,
): EpochPanel {
  const gd = ps.find((p) => p.curve.method === 'gd');
  const reference = gd ? results.get(jobKey(gd.job)) : undefined;
  const readings = ps.map((p) =>
    readCurve(p.curve.label, results.get(jobKey(p.job))!, p.curve.predictedRatio, reference),
  );
  const modes = readings[0].result.modes;
  return {
    kind: 'epoch',
    model,
    sizeLine,
    readings,
    regime: regimeOf(readings),
    lambda0: modes.lambda[0],
    lambdaMax: modes.lambda[modes.lambda.length - 1],
    eta: ps[0].job.eta,
  };
}

function widthPanel(
  model: Model,
  sizeLine: string,
  ps: Planned[],
  results: Map<string, JobResult>,
): WidthPanel {
  const rows: WidthRow[] = [];
  const labels = [...new Set(ps.map((p) => p.curve.label))];
  for (const label of labels) {
    const widths = [...new Set(ps.filter((p) => p.curve.label === label).map((p) => p.job.width))].sort(
      (a, b) => a - b,
    );
    for (const width of widths) {
      const rs = ps
        .filter((p) => p.curve.label === label && p.job.width === width)
        .map((p) => results.get(jobKey(p.job))!);
      const ok = rs.filter((r) => r.status === 'ok');
      const finals = ok.map((r) => r.loss[r.loss.length - 1]);
      const mean = finals.length ? finals.reduce((s, v) => s + v, 0) / finals.length : Number.NaN;
      const std =
        finals.length > 1
          ? Math.sqrt(finals.reduce((s, v) => s + (v - mean) ** 2, 0) / (finals.length - 1))
          : 0;
      const lin = rs.map((r) => r.linearised[r.linearised.length - 1]);
      const drifts = ok.map((r) => r.relativeKernelDrift).filter(Number.isFinite);
      const etaLmax = rs.map((r) => r.job.eta * r.modes.lambda[r.modes.lambda.length - 1]);
      const topUnstable = rs.some((r) => {
        const top = r.modes.lambda[r.modes.lambda.length - 1];
        const curve = linearisedLoss(
          methodSpec(r.job.method),
          methodParams(r.job),
          { lambda: Float64Array.of(top), coef: Float64Array.of(1), lossScale: 1 },
          r.job.epochs,
        );
        return !(curve[curve.length - 1] < 1);
      });
      rows.push({
        label,
        width,
        lossMean: mean,
        lossStd: std,
        linearisedMean: lin.reduce((s, v) => s + v, 0) / lin.length,
        driftMean: drifts.length ? drifts.reduce((s, v) => s + v, 0) / drifts.length : Number.NaN,
        etaLambdaMax: etaLmax.reduce((s, v) => s + v, 0) / etaLmax.length,
        topModeUnstable: topUnstable,
        diverged: rs.length - ok.length,
        seeds: rs.length,
      });
    }
  }
  const driftSlopes = labels.map((label) => {
    const pts = rows.filter((r) => r.label === label && r.driftMean > 0);
    if (pts.length < 2) return { label, slope: Number.NaN };
    const slope = fitSlope(
      pts.map((r) => Math.log(r.width)),
      pts.map((r) => Math.log(r.driftMean)),
    );
    return { label, slope };
  });
  return { kind: 'width', model, sizeLine, rows, driftSlopes, epoch: ps[0]?.job.epochs ?? 0 };
}

/**
 * The frozen-kernel prediction of a run continued to 20× its horizon (modes only, no training: cheap),
 * classified: where NAG's linear phase shows. Null when the prediction diverges.
 */
function longHorizon(
  r: JobResult,
): { epochs: number; fit: ReturnType<typeof classifyDecay>; etaLambda0: number } | null {
  const epochs = Math.min(20 * r.job.epochs, 20000);
  const L = linearisedLoss(methodSpec(r.job.method), methodParams(r.job), r.modes, epochs);
  if (L.some((v) => isDiverged(v, L[0]))) return null;
  const t = Float64Array.from({ length: L.length }, (_, k) => k);
  return {
    epochs,
    fit: classifyDecay(t, L, { windowStart: 0.5 }),
    etaLambda0: r.job.eta * r.modes.lambda[0],
  };
}

const MODEL_NAME: Record<Model, string> = { standard: "authors' model", ntk: 'NTK parameterisation' };

function verdictOf(figure: FigureName, panels: Array<EpochPanel | WidthPanel>): string[] {
  const out: string[] = [];
  for (const panel of panels) {
    const who = MODEL_NAME[panel.model];
    if (panel.kind === 'epoch') {
      const kinds = panel.readings.map((r) => `${r.label}: ${r.fit.kind}`).join(', ');
      out.push(`${who}: ${kinds}. Regime: ${panel.regime.text}.`);
      if (figure === 'hb-epoch' || figure === 'hm') timeRescalingVerdict(who, panel, out);
      if (figure === 'nag-epoch') nagCrossoverVerdict(who, panel, out);
    } else widthVerdicts(who, panel, out);
  }
  return out;
}

/** Momentum against GD: is the curve GD's with time × 1/(1 − β) (the rescaled gradient flow)? */
function timeRescalingVerdict(who: string, panel: EpochPanel, out: string[]): void {
  const parts: string[] = [];
  let allMatch = true;
  let any = false;
  for (const r of panel.readings) {
    if (r.predictedRatio === undefined) continue;
    if (!r.ratio) {
      parts.push(`${r.label}: ratio not measurable`);
      allMatch = false;
      continue;
    }
    any = true;
    const rel = r.ratio.median / r.predictedRatio - 1;
    if (Math.abs(rel) > 0.15) allMatch = false;
    const under =
      r.underdampedWeight !== undefined
        ? ` (${pct(r.underdampedWeight)} of ‖e(0)‖² in underdamped modes η·λ > (1 − √β)²)`
        : '';
    parts.push(
      `${r.label}: GD needs ×${r.ratio.median.toFixed(2)} the epochs (range ` +
        `${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)}), rescaled flow predicts ×${r.predictedRatio.toFixed(2)}${under}`,
    );
  }
  out.push(
    `${who}, time-rescaling check: ${parts.join('; ')}. ` +
      (any && allMatch
        ? "Every ratio is within 15% of 1/(1 − β): the momentum curves are GD's curve with time × 1/(1 − " +
          'β), i.e. the rescaled gradient flow Ẋ = −∇L/(1 − β), not the second-order ODE (which needs 1 ' +
          '− β ∝ √η).'
        : 'Not every ratio is within 15% of 1/(1 − β): the rescaled flow is the small-lr limit (every ' +
          'mode overdamped, η·λ ≪ (1 − √β)²); modes beyond that edge behave as a damped second-order ' +
          'system, and leaving the kernel regime changes the curve itself.'),
  );
}

/** NAG at a fixed lr: the polynomial phase, the crossover, and the frozen kernel's long horizon. */
function nagCrossoverVerdict(who: string, panel: EpochPanel, out: string[]): void {
  const parts = panel.readings
    .filter((r) => r.result.job.method === 'nag')
    .map((r) => {
      const c = r.fit.crossover;
      let text =
        `${r.label}: measured ${r.fit.kind}` +
        (c !== undefined ? ` (crossover estimate epoch ${Math.round(c)})` : '');
      const long = longHorizon(r.result);
      if (long)
        text +=
          `; frozen kernel continued to epoch ${long.epochs}: ${long.fit.kind}` +
          (long.fit.kind === 'linear' && long.fit.rate !== undefined
            ? ` at rate ${long.fit.rate.toPrecision(3)} per epoch (η·λ0 = ${long.etaLambda0.toPrecision(3)}, ` +
              `GD's 2η·λ0 = ${(2 * long.etaLambda0).toPrecision(3)})`
            : '') +
          (long.fit.crossover !== undefined
            ? `, crossover near epoch ${Math.round(long.fit.crossover)}`
            : '');
      else text += '; frozen-kernel prediction diverges (above the linear stability edge)';
      return text;
    });
  out.push(
    `${who}: ${parts.join('; ')}. At a fixed lr the momentum (k−1)/(k+d−1) → 1 and each kernel ` +
      `mode λ then contracts like (1 − ηλ)^(k/2) in |e| (loss rate ≈ ηλ per epoch, half of GD's 2ηλ) ` +
      `after a polynomial phase: NAG turns linear after a crossover, while a log–log plot over a ` +
      `finite horizon shows the polynomial phase.`,
  );
}

/** Width figures: where the loss is lowest and why; the kernel drift's law in the width. */
function widthVerdicts(who: string, panel: WidthPanel, out: string[]): void {
  const labels = [...new Set(panel.rows.map((r) => r.label))];
  for (const label of labels) {
    const rows = panel.rows.filter((r) => r.label === label);
    const finite = rows.filter((r) => Number.isFinite(r.lossMean));
    if (finite.length === 0) {
      out.push(`${who}, ${label}: every width diverged.`);
      continue;
    }
    const best = finite.reduce((a, b) => (b.lossMean < a.lossMean ? b : a));
    const beyond = rows.filter((r) => r.width > best.width);
    let why = '';
    if (beyond.length > 0) {
      const unstable = beyond.filter((r) => r.topModeUnstable || r.diverged > 0);
      const ratioAt = (r: WidthRow): number => r.lossMean / r.linearisedMean;
      const linBest = rows.reduce((a, b) => (b.linearisedMean < a.linearisedMean ? b : a));
      const grow = Math.max(...beyond.map(ratioAt).filter(Number.isFinite)) / ratioAt(best);
      if (unstable.length > 0) {
        why =
          ` Beyond it η·λmax reaches ${Math.max(...beyond.map((r) => r.etaLambdaMax)).toFixed(2)} and ` +
          `the frozen-kernel top mode is unstable at width(s) ${unstable.map((r) => r.width).join(', ')} ` +
          `(at a fixed lr the kernel grows with width): the minimum is the edge of stability, not a ` +
          `property of the optimizer.`;
      } else if (grow > 1.5) {
        why =
          ` Beyond it the measured loss rises ×${grow.toPrecision(3)} relative to the frozen-kernel ` +
          `prediction (η·λmax up to ${Math.max(...beyond.map((r) => r.etaLambdaMax)).toFixed(2)}): the ` +
          `minimum comes from leaving the kernel regime, not from the linear theory.`;
      } else if (linBest.width === best.width) {
        why =
          ' The frozen-kernel prediction (same initialisations) has its minimum at the same width: the ' +
          'minimum is already in the linearised dynamics (the kernel and the initial error e(0) at each ' +
          'width), within the seed-to-seed spread.';
      } else {
        why =
          ` The frozen-kernel prediction is lowest at width ${linBest.width} instead and every ` +
          `measured/frozen ratio stays within ×1.5: the minimum is within seed-to-seed noise at ` +
          `${rows[0].seeds} seed(s), not a systematic effect.`;
      }
    } else {
      why = ' The loss keeps falling up to the largest width run: no interior minimum at these sizes.';
    }
    out.push(
      `${who}, ${label}: the loss at step ${panel.epoch} is lowest at width ${best.width} (${best.lossMean.toPrecision(3)}).${why}`,
    );
  }
  const slopes = panel.driftSlopes.filter((s) => Number.isFinite(s.slope));
  if (slopes.length) {
    const widest = Math.max(...panel.rows.map((q) => q.width));
    const widestDrift = Math.max(...panel.rows.filter((r) => r.width === widest).map((r) => r.driftMean));
    out.push(
      `${who}: kernel drift ‖K(T) − K(0)‖/‖K(0)‖ against width has log–log slope ` +
        `${slopes.map((s) => `${s.slope.toFixed(2)} (${s.label})`).join(', ')} (the NTK regime ` +
        `predicts −0.5); drift at the largest width ${pct(widestDrift)}.`,
    );
  }
}

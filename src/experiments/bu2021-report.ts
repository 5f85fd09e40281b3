/**
 * Output of `dynview reproduce bu2021`: one SVG per figure and model (through the shared plotting
 * module src/report/plot.ts), the raw curves as CSV, and summary.md with the tables and verdicts.
 */
import { join } from 'node:path';
import { lineChartSvg, type Series } from '../report/plot.ts';
import type { Bu2021Result, EpochPanel, FigureReport, WidthPanel } from './bu2021.ts';
import { pct } from './bu2021-analysis.ts';
import { formatHuman } from '../util/format.ts';
import { makeOutputDir, writeOutput } from '../util/io.ts';

const MODEL_TITLE = { standard: 'as the authors ran it', ntk: 'NTK parameterisation' } as const;

/** Every k-th point so that a curve has at most ~max points (the last kept). */
function thin(loss: ArrayLike<number>, max = 600): Array<[number, number]> {
  const n = loss.length;
  const step = Math.max(1, Math.ceil(n / max));
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < n; k += step) pts.push([k, loss[k]]);
  if ((n - 1) % step !== 0) pts.push([n - 1, loss[n - 1]]);
  return pts;
}

export async function epochSvg(fig: FigureReport, panel: EpochPanel): Promise<string> {
  const logX = fig.name === 'nag-epoch';
  const series: Series[] = [];
  for (const r of panel.readings) {
    const shift = logX ? 1 : 0; // log x axis: epoch e = k + 1
    series.push({ name: r.label, points: thin(r.result.loss).map(([k, v]) => [k + shift, v]) });
  }
  // A diverging frozen-kernel prediction is drawn only until it leaves 10× the measured range.
  let cap = 0;
  for (const r of panel.readings)
    for (let k = 0; k < r.result.loss.length; k++)
      if (Number.isFinite(r.result.loss[k])) cap = Math.max(cap, 10 * r.result.loss[k]);
  let cut = false;
  for (const r of panel.readings) {
    const pts = thin(r.result.linearised).map(([k, v]) => [k + (logX ? 1 : 0), v] as [number, number]);
    const end = pts.findIndex(([, v]) => !(v <= cap));
    if (end >= 0) cut = true;
    series.push({
      name: `${r.label} (frozen kernel)`,
      dashed: true,
      points: end >= 0 ? pts.slice(0, end) : pts,
    });
  }
  return lineChartSvg({
    title: `${fig.title} — ${MODEL_TITLE[panel.model]}`,
    subtitle: `${panel.sizeLine}; dashed: frozen-kernel prediction${cut ? ' (cut where it diverges)' : ''}`,
    x: { label: logX ? 'epoch (k + 1)' : 'epoch', scale: logX ? 'log' : 'linear' },
    y: { label: panel.model === 'standard' ? 'MSE loss (mean)' : 'loss ½‖u − y‖²', scale: 'log' },
    series,
  });
}

export async function widthSvg(
  fig: FigureReport,
  panel: WidthPanel,
  what: 'loss' | 'drift',
): Promise<string> {
  const labels = [...new Set(panel.rows.map((r) => r.label))];
  const series: Series[] = labels.map((label) => ({
    name: label,
    markers: false,
    points: panel.rows
      .filter((r) => r.label === label)
      .map((r) => [r.width, what === 'loss' ? r.lossMean : r.driftMean] as [number, number]),
  }));
  let cut = false;
  if (what === 'loss') {
    // Frozen-kernel predictions that blow up (above the stability edge) are left out of the plot.
    const cap = 10 * Math.max(...panel.rows.map((r) => r.lossMean).filter(Number.isFinite));
    for (const label of labels) {
      const pts = panel.rows
        .filter((r) => r.label === label)
        .map((r) => [r.width, r.linearisedMean] as [number, number]);
      const kept = pts.filter(([, v]) => v <= cap);
      if (kept.length < pts.length) cut = true;
      series.push({ name: `${label} (frozen kernel)`, dashed: true, points: kept });
    }
  }
  return lineChartSvg({
    title:
      what === 'loss'
        ? `${fig.title} — ${MODEL_TITLE[panel.model]}`
        : `Kernel drift against width — ${MODEL_TITLE[panel.model]}`,
    subtitle:
      what === 'loss'
        ? `${panel.sizeLine}; dashed: frozen-kernel prediction${cut ? ' (left out where it diverges)' : ''}`
        : `${panel.sizeLine}; ‖K(T) − K(0)‖₂/‖K(0)‖₂ at step ${panel.epoch}`,
    x: { label: 'width m', scale: 'log' },
    y: { label: what === 'loss' ? `loss at step ${panel.epoch}` : 'relative kernel drift', scale: 'log' },
    series,
  });
}

function epochTable(panel: EpochPanel): string[] {
  const lines = [
    `η = ${formatHuman(panel.eta, 3)}; loss modes: λ0 = ${formatHuman(panel.lambda0, 3)}, λmax = ` +
      `${formatHuman(panel.lambdaMax, 3)} (η·λ0 = ${formatHuman(panel.eta * panel.lambda0, 3)}, ` +
      `η·λmax = ${formatHuman(panel.eta * panel.lambdaMax, 3)})`,
    '',
    '| curve | status | kind (measured) | window (epochs) | rate −dlnL/dk | log–log slope | ' +
      'crossover | frozen-kernel kind | frozen-kernel rate | λ0-mode rate | measured / frozen at 1% ' +
      '| time ratio vs GD (pred.) | underdamped ‖e(0)‖² share | kernel drift |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of panel.readings) {
    const q = r.fit.quality;
    const ratio = r.ratio
      ? `${formatHuman(r.ratio.median, 3)} ` +
        `[${formatHuman(r.ratio.min, 3)}–${formatHuman(r.ratio.max, 3)}] (${formatHuman(r.predictedRatio ?? Number.NaN, 3)})`
      : r.predictedRatio !== undefined
        ? `n/a (${formatHuman(r.predictedRatio, 3)})`
        : '—';
    lines.push(
      `| ${r.label} | ` +
        `${r.result.status === 'diverged' ? `diverged at ${r.result.loss.length - 1}` : 'ok'} | ` +
        `${r.fit.kind} | ${Math.round(r.fit.window[0])}–${Math.round(r.fit.window[1])} | ` +
        `${formatHuman(r.measuredRate, 3)} | ${q ? formatHuman(q.windowLogSlope, 3) : 'n/a'} | ` +
        `${r.fit.crossover !== undefined ? formatHuman(r.fit.crossover, 3) : '—'} | ` +
        `${r.linearisedFit.kind} | ${formatHuman(r.linearisedRate, 3)} | ` +
        `${formatHuman(r.lambda0Rate, 3)} | ` +
        `${r.linearisedDiverges ? 'frozen diverges' : formatHuman(r.bulkOverLinearised, 3)} | ${ratio} ` +
        `| ${r.underdampedWeight !== undefined ? pct(r.underdampedWeight) : '—'} | ` +
        `${pct(r.result.relativeKernelDrift)} |`,
    );
  }
  return lines;
}

function widthTable(panel: WidthPanel): string[] {
  const lines = [
    `| curve | width | loss at step ${panel.epoch} (mean ± sd) | frozen-kernel prediction | η·λmax ` +
      `| top mode unstable | kernel drift | diverged/seeds |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of panel.rows) {
    lines.push(
      `| ${r.label} | ${r.width} | ${formatHuman(r.lossMean, 3)} ± ${formatHuman(r.lossStd, 2)} | ` +
        `${formatHuman(r.linearisedMean, 3)} | ${formatHuman(r.etaLambdaMax, 3)} | ` +
        `${r.topModeUnstable ? 'yes' : 'no'} | ${pct(r.driftMean)} | ${r.diverged}/${r.seeds} |`,
    );
  }
  return lines;
}

/** A CSV cell: empty for a non-finite value (a diverged run or an overflowing frozen-kernel prediction). */
const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');

function csvOf(fig: FigureReport): string {
  const lines = ['model,curve,width,seed,epoch,loss,frozen_kernel_loss'];
  const seen = new Set<string>();
  for (const panel of fig.panels) {
    const results =
      panel.kind === 'epoch' ? panel.readings.map((r) => ({ label: r.label, res: r.result })) : [];
    for (const { label, res } of results) {
      const key = `${panel.model}|${label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (let k = 0; k < res.linearised.length; k++) {
        const L = k < res.loss.length ? res.loss[k] : Number.NaN;
        lines.push(
          `${panel.model},"${label}",${res.job.width},${res.job.seed},${k},${cell(L)},${cell(res.linearised[k])}`,
        );
      }
    }
    if (panel.kind === 'width') {
      for (const r of panel.rows) {
        lines.push(
          `${panel.model},"${r.label}",${r.width},mean,${panel.epoch},${cell(r.lossMean)},${cell(r.linearisedMean)}`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Write SVGs, CSVs and summary.md into outDir; returns the files written. */
export async function writeBu2021(result: Bu2021Result, outDir: string, command: string): Promise<string[]> {
  makeOutputDir('--out', outDir);
  const files: string[] = [];
  const md: string[] = [
    '# Bu, Xu & Chen (AISTATS 2021): the figures, regenerated by dynview',
    '',
    `Command: \`${command}\` — sizes: **${result.sizes.label}**; ${result.runs} runs in ${result.seconds.toFixed(1)} s.`,
    '',
    `- Authors' model: ${result.sizes.standard.digits} MNIST digits ` +
      `(${result.lambda0.standardData}), labels as targets, MSE (mean), both layers trained, hidden ` +
      `bias, W0 ~ N(0, 1/m²), b0 ~ U(±1/√784) (PyTorch default), a ~ U(−1, 1), PyTorch SGD momentum ` +
      `/ Nesterov.`,
    `- NTK parameterisation: ${result.lambda0.ntkData}, rows scaled to unit norm; f = (1/√m) Σ a_r ` +
      `relu(w_r·x), a_r = ±1 fixed, first layer trained, loss ½‖u − y‖²; λ0(H∞) = ` +
      `${formatHuman(result.lambda0.ntkLambda0, 3)}, λmax(H∞) = ${formatHuman(result.lambda0.ntkLambdaMax, 3)}.`,
    '- Rates are per epoch (per step) of ln L; "frozen kernel" is the linearised prediction from ' +
      'the tangent kernel at initialisation (each kernel mode run through the same method spec); ' +
      '"λ0-mode rate" is the rate of the slowest mode alone over the same window; time ratio = ' +
      'epochs GD needs / epochs the method needs to reach the same loss (median over levels).',
    '',
  ];
  if (result.paperEdge) {
    const { kernel, rows } = result.paperEdge;
    md.push(
      "## At the paper's own sizes: where the linear theory stops (no training needed)",
      '',
      `The tangent kernel of the authors' model at initialisation, ${kernel.digits} digits, width ` +
        `${kernel.width} (seed ${kernel.seed}): loss modes (2/n)·λ(K) from λ0 = ` +
        `${formatHuman(kernel.lambda0, 3)} to λmax = ${formatHuman(kernel.lambdaMax, 3)}. ` +
        `At the epoch figures' lr ${kernel.lrEpoch}: η·λmax = ` +
        `${formatHuman(kernel.etaLambdaMaxEpoch, 3)}, η·λ0 = ` +
        `${formatHuman(kernel.lrEpoch * kernel.lambda0, 3)} (so the slowest mode's GD loss rate 2ηλ0 ≈ ` +
        `${formatHuman(2 * kernel.lrEpoch * kernel.lambda0, 3)} per epoch: over 5000 epochs it falls ` +
        `by only e^${formatHuman(-2 * kernel.lrEpoch * kernel.lambda0 * 5000, 2)}). ` +
        `At the width figures' lr ${kernel.lrWidth}: η·λmax = ` +
        `${formatHuman(kernel.etaLambdaMaxWidth, 3)} at width ${kernel.width}, growing ∝ m (the kernel ` +
        `is a sum over neurons). Edge = the method's linear stability edge for η·λ (bisection on the ` +
        `same spec's frozen-kernel iteration). ${formatHuman(kernel.seconds, 3)} s.`,
      '',
      "| figure | curve | stability edge η·λ | η·λmax at the paper's sizes | above the edge? | width where η·λmax reaches the edge |",
      '|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.figure} | ${r.label} | ${formatHuman(r.edge, 3)} | ` +
          `${r.etaLambdaMax !== undefined ? formatHuman(r.etaLambdaMax, 3) : '—'} | ` +
          `${r.etaLambdaMax !== undefined ? (r.etaLambdaMax > r.edge ? '**yes**' : 'no') : '—'} | ` +
          `${r.crossingWidth !== undefined ? `≈ ${r.crossingWidth}` : '—'} |`,
      ),
      '',
    );
  }
  for (const fig of result.figures) {
    md.push(`## ${fig.name}: ${fig.title}`, '', `Paper's claim: ${fig.claim}`, '');
    for (const panel of fig.panels) {
      const base = `${fig.name}-${panel.model}`;
      if (panel.kind === 'epoch') {
        writeOutput('--out', join(outDir, `${base}.svg`), await epochSvg(fig, panel));
        files.push(`${base}.svg`);
        md.push(
          `### ${MODEL_TITLE[panel.model]}`,
          '',
          `![${fig.name} ${panel.model}](${base}.svg)`,
          '',
          `Sizes: ${panel.sizeLine}`,
          '',
          ...epochTable(panel),
          '',
        );
      } else {
        writeOutput('--out', join(outDir, `${base}.svg`), await widthSvg(fig, panel, 'loss'));
        writeOutput('--out', join(outDir, `${base}-drift.svg`), await widthSvg(fig, panel, 'drift'));
        files.push(`${base}.svg`, `${base}-drift.svg`);
        md.push(
          `### ${MODEL_TITLE[panel.model]}`,
          '',
          `![${fig.name} ${panel.model}](${base}.svg) ![${fig.name} ${panel.model} drift](${base}-drift.svg)`,
          '',
          `Sizes: ${panel.sizeLine}`,
          '',
          ...widthTable(panel),
          '',
        );
      }
    }
    md.push('### Verdict and regime', '', ...fig.verdict.map((v) => `- ${v}`), '');
    writeOutput('--out', join(outDir, `${fig.name}.csv`), csvOf(fig));
    files.push(`${fig.name}.csv`);
  }
  writeOutput('--out', join(outDir, 'summary.md'), md.join('\n'));
  files.push('summary.md');
  return files;
}

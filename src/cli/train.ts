/**
 * `dynview train`: train the wide two-layer ReLU net with a method (built-in name or spec .json file)
 * and report the loss, its measured rate, the NTK spectrum along the run and the drift.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import {
  collect,
  parseInteger,
  parseMomentum,
  parseNumber,
  parseParamFlags,
  parsePositive,
  readMethodOption,
} from './options.ts';
import { asInputError, toJson, trajectoryCsv } from './train-format.ts';
import { formatHuman } from '../util/format.ts';
import { rateReason, trainRun } from '../api/train.ts';
import type { Trajectory } from '../train/types.ts';
import { dataInputPath } from '../data/load.ts';
import { methodInputPath } from '../spec/read.ts';
import { planOutputs, withoutTimings, writeOutput } from '../util/io.ts';

interface TrainOpts {
  data: string;
  width: string;
  method: string;
  eta?: string;
  param?: string[];
  steps: string;
  beta?: string;
  gamma?: string;
  r?: string;
  mu?: string;
  beta1?: string;
  beta2?: string;
  seed: string;
  initScale: string;
  probeEvery?: string;
  normalize?: boolean;
  engine: string;
  train: string;
  bias?: boolean;
  json?: string;
  csv?: string;
  timings?: boolean;
}

export function registerTrain(program: Command): Command {
  return program
    .command('train')
    .description(
      'train a wide two-layer ReLU net (first layer only) and report loss, rate, NTK spectrum and drift',
    )
    .requiredOption(
      '--data <source>',
      'sphere:n=..,d=..,seed=.. | paper-synthetic:n=..,seed=.. | mnist:n=.. | file:PATH.csv',
    )
    .requiredOption('--width <m>', 'hidden width m')
    .requiredOption('--method <name|file.json>', 'gd, hb, hb-fixed, nag-c, nag-sc, hm, or a method spec file')
    .option('--eta <eta>', "step size (sets the spec's step symbol: eta, or s for Nesterov)")
    .requiredOption('--steps <k>', 'number of steps')
    .option(
      '--param <name=value>',
      'value of any symbol the method spec declares (repeatable); --eta, --beta, … are shorthands',
      collect,
    )
    .option('--beta <beta>', 'momentum β in [0, 1) (hb, hb-fixed, nag-sc)')
    .option('--gamma <gamma>', "friction γ of hb's law β = 1 − γ√η")
    .option('--r <r>', 'nag-c momentum (k−1)/(k+r−1) (default 3)')
    .option('--mu <mu>', 'nag-sc strong convexity μ (β = (1 − √(μs))/(1 + √(μs)))')
    .option('--beta1 <b1>', 'hm first momentum')
    .option('--beta2 <b2>', 'hm second momentum')
    .option('--seed <s>', 'seed of W0 and a', '0')
    .option('--init-scale <c>', 'w_r(0) ~ N(0, c² I)', '1')
    .option('--probe-every <p>', 'probe the NTK every p steps (0 = first and last only; default steps/20)')
    .option('--normalize', 'scale data rows to unit norm')
    .option('--engine <e>', 'auto | direct | fast', 'auto')
    .option(
      '--train <layers>',
      'first (a frozen, the default) | both (W and a trained; direct engine)',
      'first',
    )
    .option('--bias', 'a trained hidden bias relu(w·x + b) (= a constant input 1; direct engine)')
    .option('--json <file|->', 'write the trajectory as JSON (- = stdout, replacing the summary)')
    .option('--csv <file>', 'write one CSV row per step')
    .option('--timings', 'include wall-clock seconds in --json (off: same seed, same bytes)')
    .action(async (opts: TrainOpts) => {
      await runTrainCommand(opts);
    });
}

async function runTrainCommand(opts: TrainOpts): Promise<void> {
  const width = parseInteger('--width', opts.width, 1);
  const eta = opts.eta === undefined ? undefined : parsePositive('--eta', opts.eta);
  const steps = parseInteger('--steps', opts.steps, 1);
  const seed = parseInteger('--seed', opts.seed, 0);
  const initScale = parsePositive('--init-scale', opts.initScale);
  const probeEvery =
    opts.probeEvery === undefined
      ? Math.max(1, Math.round(steps / 20))
      : parseInteger('--probe-every', opts.probeEvery, 0);
  if (!['auto', 'direct', 'fast'].includes(opts.engine))
    throw new UsageError(`--engine must be auto, direct or fast, got '${opts.engine}'`);
  if (opts.train !== 'first' && opts.train !== 'both')
    throw new UsageError(`--train must be first or both, got '${opts.train}'`);
  const flags: Record<string, number> = {};
  if (opts.beta !== undefined) flags.beta = parseMomentum('--beta', opts.beta);
  if (opts.beta1 !== undefined) flags.beta1 = parseMomentum('--beta1', opts.beta1);
  if (opts.beta2 !== undefined) flags.beta2 = parseMomentum('--beta2', opts.beta2);
  if (opts.gamma !== undefined) {
    flags.gamma = parseNumber('--gamma', opts.gamma);
    if (flags.gamma < 0) throw new UsageError(`--gamma must be >= 0, got '${opts.gamma}'`);
  }
  if (opts.r !== undefined) flags.r = parsePositive('--r', opts.r);
  if (opts.mu !== undefined) flags.mu = parsePositive('--mu', opts.mu);
  const named = parseParamFlags(opts.param);
  for (const k of Object.keys(named))
    if (k in flags || (k === 'eta' && eta !== undefined))
      throw new UsageError(`parameter '${k}' given twice (--${k} and --param ${k})`);
  const method = readMethodOption('--method', opts.method);
  // Every output checked before the run: writable, not an input (src/util/io.ts).
  planOutputs(
    [
      { flag: '--json', path: opts.json ?? '-' },
      { flag: '--csv', path: opts.csv ?? '-' },
    ],
    [methodInputPath(opts.method) ?? '', dataInputPath(opts.data) ?? ''],
  );
  let bar: { start(total: number, v: number): void; update(v: number): void; stop(): void } | null = null;
  if (process.stderr.isTTY) {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'train [{bar}] {value}/{total} steps  {eta_formatted} left',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(steps, 0);
  }
  let run;
  try {
    run = trainRun({
      data: opts.data,
      normalize: opts.normalize === true,
      width,
      method,
      eta,
      params: { ...flags, ...named },
      steps,
      seed,
      probeEvery,
      initScale,
      engine: opts.engine as 'auto' | 'direct' | 'fast',
      train: opts.train,
      bias: opts.bias === true,
      onProgress: bar ? (done) => bar.update(done) : undefined,
    });
  } catch (err) {
    throw asInputError(err);
  } finally {
    bar?.stop();
  }
  const { trajectory: traj, data, degenerate } = run;
  if (opts.json !== undefined) {
    const text = `${toJson(opts.timings ? run.result : withoutTimings(run.result))}\n`;
    writeOutput('--json', opts.json, text);
  }
  if (opts.csv !== undefined) writeOutput('--csv', opts.csv, trajectoryCsv(traj));
  if (opts.json !== '-') process.stdout.write(summary(traj, data, degenerate));
}

function summary(
  t: Trajectory,
  data: { source: string; n: number; d: number; notes: string[] },
  degenerate: string | null,
): string {
  const out: string[] = [];
  const eta = t.params.eta; // used for gd only, whose step symbol is eta
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k} = ${formatHuman(v, 6)}`)
    .join(', ');
  out.push(
    `dynview train: ${t.method} (${params}) on ${data.source} (n = ${data.n}, d = ${data.d}), width ${t.width}, seed ${t.seed}, ${t.engine} engine${t.train === 'both' ? ', both layers trained' : ''}${t.bias ? ', hidden bias' : ''}`,
  );
  if (t.status === 'diverged') {
    out.push(
      `status:        diverged at step ${t.divergedAt} (loss ${formatHuman(t.loss[t.steps])} ${Number.isFinite(t.loss[t.steps]) ? '> 1e6 × initial' : 'not finite'}) after ${formatHuman(t.seconds, 3)} s`,
    );
  } else {
    out.push(`status:        ok, ${t.steps} steps in ${formatHuman(t.seconds, 3)} s`);
  }
  const lastFinite = t.status === 'diverged' ? Math.max(0, t.steps - 1) : t.steps;
  out.push(
    `loss:          ${formatHuman(t.loss[0])} at step 0 → ${formatHuman(t.loss[lastFinite])} at step ${lastFinite}`,
  );
  if (t.rate) {
    const [a, b] = t.rate.window;
    const verb = t.rate.perStep <= 0 ? 'falls' : 'grows';
    out.push(
      `rate:          ln(loss) ${verb} ${formatHuman(Math.abs(t.rate.perStep))} per step over steps ${a}–${b} (slope ${formatHuman(t.rate.perStep)}; loss × ${formatHuman(Math.exp(t.rate.perStep), 6)} per step)`,
    );
  } else {
    out.push(`rate:          n/a (${rateReason(t)})`);
  }
  out.push(`H∞:            λ0 = ${formatHuman(t.lambda0)}, λ_max = ${formatHuman(t.lambdaMax)}`);
  const window = t.rate?.window ?? [0, t.steps];
  if (t.probes.length > 0) {
    const mins = t.probes.map((p) => p.lambdaMin);
    out.push(
      `H(t):          λ_min from ${formatHuman(Math.min(...mins))} to ${formatHuman(Math.max(...mins))} over ${t.probes.length} probes (steps ${t.probes[0].step}–${t.probes[t.probes.length - 1].step}); at t = 0 ${formatHuman(t.probes[0].lambdaMin)}`,
    );
    const inWin = t.probes.filter((p) => p.step >= window[0] && p.step <= window[1]);
    if (t.method === 'gd' && t.rate && inWin.length > 0) {
      const lm = inWin.reduce((s, p) => s + p.lambdaMin, 0) / inWin.length;
      const lM = inWin.reduce((s, p) => s + p.lambdaMax, 0) / inWin.length;
      const rel = (predicted: number): number => Math.abs(t.rate!.perStep - predicted) / Math.abs(predicted);
      if (eta * lM < 2) {
        const predicted = 2 * Math.log(Math.abs(1 - eta * lm));
        out.push(
          `gd theory:     2·ln(1 − η·λ_min(H)) = ${formatHuman(predicted)} per step with λ_min(H) = ${formatHuman(lm)} (mean over the rate window); measured ${formatHuman(t.rate.perStep)}, ${formatHuman(100 * rel(predicted), 3)}% apart`,
        );
        if (rel(predicted) > 0.05 && t.rate.perStep < predicted) {
          out.push(
            '               (the loss falls faster than the slowest mode allows: that mode does not dominate the error yet; run more steps)',
          );
        }
      } else {
        // Beyond the linear stability edge the largest mode decides: |1 − ηλ_max| > 1 grows.
        const predicted = 2 * Math.log(Math.abs(1 - eta * lM));
        out.push(
          `gd theory:     η·λ_max(H) = ${formatHuman(eta * lM)} ≥ 2: the linearised step is unstable; 2·ln|1 − η·λ_max(H)| = ${formatHuman(predicted)} per step with λ_max(H) = ${formatHuman(lM)}; measured ${formatHuman(t.rate.perStep)}, ${formatHuman(100 * rel(predicted), 3)}% apart`,
        );
      }
    }
    const last = t.probes[t.probes.length - 1];
    const maxDrift = Math.max(...t.probes.map((p) => p.kernelDrift));
    out.push(
      `kernel drift:  ‖H(t) − H(0)‖₂ = ${formatHuman(last.kernelDrift)} at step ${last.step} (max ${formatHuman(maxDrift)}); ‖(H(t) − H(0))e‖/‖H(0)e‖ = ${formatHuman(last.relativeKernelAction)}`,
    );
    out.push(`weight drift:  max_r ‖w_r(t) − w_r(0)‖ = ${formatHuman(last.weightDrift)}`);
    out.push(
      `flips:         ${formatHuman(100 * last.flipFraction, 3)}% of activation patterns 1{w_r·x_i ≥ 0} changed since t = 0`,
    );
    // The model loop (both layers, bias, ggn) also measures how linear the steps were and the pairs
    // that crossed the ReLU kink between probes.
    const residuals = t.probes.map((p) => p.stepResidual).filter((v): v is number => v !== undefined);
    if (residuals.length > 0)
      out.push(
        `linearity:     the step into a probe leaves a remainder of max ${formatHuman(100 * Math.max(...residuals), 3)}% of its output change (‖Δe − JΔθ‖/‖Δe‖ over ${residuals.length} probes)`,
      );
    if (last.kinkCrossings !== undefined && last.kinkShift !== undefined)
      out.push(
        `ReLU kink:     ${last.kinkCrossings} activation pairs crossed between the last two probes; first-order shift of λ_min(H) they allow ${formatHuman(last.kinkShift)}${last.kinkShift > 0.05 * last.lambdaMin ? ' (pinned at the kink: the dynamics sees an effective kernel the probes do not show)' : ''}`,
      );
    if (t.status === 'diverged')
      out.push(
        `probes:        the last probe is at step ${last.step}; the run diverged at step ${t.divergedAt} before the next one`,
      );
  }
  for (const note of data.notes) out.push(`note:          ${note}`);
  if (degenerate) out.push(`warning:       ${degenerate}`);
  return `${out.join('\n')}\n`;
}

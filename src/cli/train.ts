/**
 * `dynview train`: train the wide two-layer ReLU net with a method (built-in name or spec .json file)
 * and report the loss, its measured rate, the NTK spectrum along the run and the drift.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import { parseInteger, parseMomentum, parseNumber, parsePositive } from './options.ts';
import { asInputError, fmt, toJson, trajectoryCsv, trajectoryJson } from './train-format.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { Trajectory } from '../train/types.ts';

interface TrainOpts {
  data: string;
  width: string;
  method: string;
  eta: string;
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
  json?: string;
  csv?: string;
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
    .requiredOption('--eta <eta>', "step size (sets the spec's step symbol: eta, or s for Nesterov)")
    .requiredOption('--steps <k>', 'number of steps')
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
    .option('--json <file|->', 'write the trajectory as JSON (- = stdout, replacing the summary)')
    .option('--csv <file>', 'write one CSV row per step')
    .action(async (opts: TrainOpts) => {
      await runTrainCommand(opts);
    });
}

function readMethod(raw: string): string | MethodSpec {
  if (!raw.endsWith('.json') && !raw.includes('/')) return raw;
  let text: string;
  try {
    text = readFileSync(raw, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read method spec '${raw}' (${(err as { code?: string }).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as MethodSpec;
  } catch (err) {
    throw new UsageError(`method spec '${raw}' is not valid JSON: ${(err as Error).message}`);
  }
}

async function runTrainCommand(opts: TrainOpts): Promise<void> {
  const width = parseInteger('--width', opts.width, 1);
  const eta = parsePositive('--eta', opts.eta);
  const steps = parseInteger('--steps', opts.steps, 1);
  const seed = parseInteger('--seed', opts.seed, 0);
  const initScale = parsePositive('--init-scale', opts.initScale);
  const probeEvery =
    opts.probeEvery === undefined
      ? Math.max(1, Math.round(steps / 20))
      : parseInteger('--probe-every', opts.probeEvery, 0);
  if (!['auto', 'direct', 'fast'].includes(opts.engine))
    throw new UsageError(`--engine must be auto, direct or fast, got '${opts.engine}'`);
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
  const method = readMethod(opts.method);

  // Data first: a bad data source fails before the method machinery (mathjs) is loaded.
  const { loadData } = await import('../data/load.ts');
  let data;
  try {
    data = loadData(opts.data, { normalize: opts.normalize === true });
  } catch (err) {
    throw asInputError(err);
  }
  const { train, trainingParams, resolveEngine } = await import('../train/trainer.ts');
  const { compileMethod } = await import('../spec/compile.ts');
  const { ntkSpectrum } = await import('../ntk/gram.ts');
  const { lambda0Statement } = await import('../ntk/degenerate.ts');
  const { FAST_ENGINE_AVAILABLE } = await import('../train/engine-fast.ts');

  let params;
  try {
    params = trainingParams(method, eta, flags);
    compileMethod(method, params); // validates parameters before any work
  } catch (err) {
    throw asInputError(err);
  }
  if (opts.engine === 'fast' && !FAST_ENGINE_AVAILABLE)
    throw new UsageError('--engine fast: the fast engine is not built yet; use --engine direct or auto');
  const engine = resolveEngine(opts.engine as 'auto' | 'direct' | 'fast');

  let bar: { start(total: number, v: number): void; update(v: number): void; stop(): void } | null = null;
  if (process.stderr.isTTY) {
    const { default: cliProgress } = await import('cli-progress');
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
  let traj: Trajectory;
  try {
    traj = train({
      data,
      width,
      method,
      params,
      steps,
      seed,
      probeEvery,
      initScale,
      engine,
      onProgress: bar ? (done) => bar!.update(done) : undefined,
    });
  } catch (err) {
    throw asInputError(err);
  } finally {
    bar?.stop();
  }

  const spectrum = ntkSpectrum(data);
  const degenerate = lambda0Statement(data, spectrum);
  const extra = {
    data: data.source,
    n: data.n,
    d: data.d,
    unitNorm: data.unitNorm,
    notes: [...data.notes, ...(degenerate ? [degenerate] : [])],
    kappa: spectrum.kappa,
    ...(traj.rate === null ? { rateNote: rateReason(traj) } : {}),
  };
  if (opts.json !== undefined) {
    const text = `${toJson(trajectoryJson(traj, extra))}\n`;
    if (opts.json === '-') process.stdout.write(text);
    else writeOut(opts.json, text);
  }
  if (opts.csv !== undefined) writeOut(opts.csv, trajectoryCsv(traj));
  if (opts.json !== '-') process.stdout.write(summary(traj, data, eta, degenerate));
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write '${path}' (${(err as { code?: string }).code ?? 'error'})`);
  }
}

function summary(
  t: Trajectory,
  data: { source: string; n: number; d: number; notes: string[] },
  eta: number,
  degenerate: string | null,
): string {
  const out: string[] = [];
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k} = ${fmt(v, 6)}`)
    .join(', ');
  out.push(
    `dynview train: ${t.method} (${params}) on ${data.source} (n = ${data.n}, d = ${data.d}), width ${t.width}, seed ${t.seed}, ${t.engine} engine`,
  );
  if (t.status === 'diverged') {
    out.push(
      `status:        diverged at step ${t.divergedAt} (loss ${fmt(t.loss[t.steps])} ${Number.isFinite(t.loss[t.steps]) ? '> 1e6 × initial' : 'not finite'}) after ${fmt(t.seconds, 3)} s`,
    );
  } else {
    out.push(`status:        ok, ${t.steps} steps in ${fmt(t.seconds, 3)} s`);
  }
  const lastFinite = t.status === 'diverged' ? Math.max(0, t.steps - 1) : t.steps;
  out.push(`loss:          ${fmt(t.loss[0])} at step 0 → ${fmt(t.loss[lastFinite])} at step ${lastFinite}`);
  if (t.rate) {
    const [a, b] = t.rate.window;
    const verb = t.rate.perStep <= 0 ? 'falls' : 'grows';
    out.push(
      `rate:          ln(loss) ${verb} ${fmt(Math.abs(t.rate.perStep))} per step over steps ${a}–${b} (slope ${fmt(t.rate.perStep)}; loss × ${fmt(Math.exp(t.rate.perStep), 6)} per step)`,
    );
  } else {
    out.push(`rate:          n/a (${rateReason(t)})`);
  }
  out.push(`H∞:            λ0 = ${fmt(t.lambda0)}, λ_max = ${fmt(t.lambdaMax)}`);
  const window = t.rate?.window ?? [0, t.steps];
  if (t.probes.length > 0) {
    const mins = t.probes.map((p) => p.lambdaMin);
    out.push(
      `H(t):          λ_min from ${fmt(Math.min(...mins))} to ${fmt(Math.max(...mins))} over ${t.probes.length} probes (steps ${t.probes[0].step}–${t.probes[t.probes.length - 1].step}); at t = 0 ${fmt(t.probes[0].lambdaMin)}`,
    );
    const inWin = t.probes.filter((p) => p.step >= window[0] && p.step <= window[1]);
    if (t.method === 'gd' && t.rate && inWin.length > 0) {
      const lm = inWin.reduce((s, p) => s + p.lambdaMin, 0) / inWin.length;
      const lM = inWin.reduce((s, p) => s + p.lambdaMax, 0) / inWin.length;
      const rel = (predicted: number): number => Math.abs(t.rate!.perStep - predicted) / Math.abs(predicted);
      if (eta * lM < 2) {
        const predicted = 2 * Math.log(Math.abs(1 - eta * lm));
        out.push(
          `gd theory:     2·ln(1 − η·λ_min(H)) = ${fmt(predicted)} per step with λ_min(H) = ${fmt(lm)} (mean over the rate window); measured ${fmt(t.rate.perStep)}, ${fmt(100 * rel(predicted), 3)}% apart`,
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
          `gd theory:     η·λ_max(H) = ${fmt(eta * lM)} ≥ 2: the linearised step is unstable; 2·ln|1 − η·λ_max(H)| = ${fmt(predicted)} per step with λ_max(H) = ${fmt(lM)}; measured ${fmt(t.rate.perStep)}, ${fmt(100 * rel(predicted), 3)}% apart`,
        );
      }
    }
    const last = t.probes[t.probes.length - 1];
    const maxDrift = Math.max(...t.probes.map((p) => p.kernelDrift));
    out.push(
      `kernel drift:  ‖H(t) − H(0)‖₂ = ${fmt(last.kernelDrift)} at step ${last.step} (max ${fmt(maxDrift)}); ‖(H(t) − H(0))e‖/‖H(0)e‖ = ${fmt(last.relativeKernelAction)}`,
    );
    out.push(`weight drift:  max_r ‖w_r(t) − w_r(0)‖ = ${fmt(last.weightDrift)}`);
    out.push(
      `flips:         ${fmt(100 * last.flipFraction, 3)}% of activation patterns 1{w_r·x_i ≥ 0} changed since t = 0`,
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

function rateReason(t: Trajectory): string {
  const l = t.loss;
  for (let k = 0; k < l.length; k++)
    if (Number.isFinite(l[k]) && !(l[k] > 1e-300))
      return `the loss reached ${l[k] === 0 ? '0' : 'underflow'} at step ${k}`;
  if (t.status === 'diverged') return 'diverged';
  return 'too few steps';
}

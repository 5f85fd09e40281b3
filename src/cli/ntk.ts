/**
 * `dynview ntk`: the spectrum of the infinite-width NTK H∞ of a data set (λ0, λ_max, κ) and, with a
 * width, of the empirical H(W0) at initialisation and its distance ‖H(W0) − H∞‖₂.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import { parseInteger, parsePositive } from './options.ts';
import { asInputError, toJson } from './train-format.ts';
import { formatHuman } from '../util/format.ts';
import { ntkRun } from '../api/ntk.ts';

interface NtkOpts {
  data: string;
  normalize?: boolean;
  width?: string;
  seed: string;
  initScale: string;
  train: string;
  bias?: boolean;
  json?: boolean;
}

export function registerNtk(program: Command): Command {
  return program
    .command('ntk')
    .description(
      'λ0, λ_max and κ of the infinite-width NTK H∞ of a data set; with --width also H(W0) and ‖H(W0) − H∞‖₂',
    )
    .requiredOption(
      '--data <source>',
      'sphere:n=..,d=..,seed=.. | paper-synthetic:n=..,seed=.. | mnist:n=.. | file:PATH.csv',
    )
    .option('--normalize', 'scale data rows to unit norm')
    .option('--width <m>', 'also draw W0 at this width and compare H(W0) with H∞')
    .option('--seed <s>', 'seed of W0', '0')
    .option('--init-scale <c>', 'w_r(0) ~ N(0, c² I)', '1')
    .option('--train <layers>', 'first (a frozen, the default) | both (adds the arc-cosine kernel)', 'first')
    .option('--bias', 'a trained hidden bias (kernels of the inputs with a constant coordinate 1)')
    .option('--json', 'print JSON instead of the summary')
    .action(async (opts: NtkOpts) => {
      await runNtkCommand(opts);
    });
}

async function runNtkCommand(opts: NtkOpts): Promise<void> {
  const width = opts.width === undefined ? null : parseInteger('--width', opts.width, 1);
  const seed = parseInteger('--seed', opts.seed, 0);
  const initScale = parsePositive('--init-scale', opts.initScale);
  if (opts.train !== 'first' && opts.train !== 'both')
    throw new UsageError(`--train must be first or both, got '${opts.train}'`);
  let run;
  try {
    run = ntkRun({
      data: opts.data,
      normalize: opts.normalize === true,
      width: width ?? undefined,
      seed,
      initScale,
      train: opts.train,
      bias: opts.bias === true,
    });
  } catch (err) {
    throw err instanceof RangeError ? new UsageError(err.message) : asInputError(err);
  }
  const { data, degenerate, result } = run;
  const { n, d, empirical } = result;
  const spectrum = { lambda0: result.lambda0, lambdaMax: result.lambdaMax, kappa: result.kappa ?? Infinity };
  if (opts.json) {
    process.stdout.write(`${toJson(result)}\n`);
    return;
  }
  const lines: string[] = [];
  lines.push(
    `dynview ntk: ${data.source} (n = ${n}, d = ${d})${result.train === 'both' ? ', both layers trained (H∞ + arc-cosine kernel)' : ''}${result.bias ? ', hidden bias' : ''}`,
  );
  lines.push(
    `H∞:          λ0 = ${formatHuman(spectrum.lambda0)}, λ_max = ${formatHuman(spectrum.lambdaMax)}, κ = ${formatHuman(spectrum.kappa)}`,
  );
  if (empirical) {
    lines.push(
      `H(W0):       width ${empirical.width}, seed ${seed}: λ_min = ${formatHuman(empirical.lambdaMin)}, λ_max = ${formatHuman(empirical.lambdaMax)}`,
    );
    lines.push(
      `distance:    ‖H(W0) − H∞‖₂ = ${formatHuman(empirical.distance)} (${formatHuman(100 * empirical.relativeDistance, 3)}% of λ_max; shrinks like 1/√m); relative Frobenius ${formatHuman(empirical.relativeFrobenius, 3)}`,
    );
  }
  for (const note of data.notes) lines.push(`note:        ${note}`);
  if (degenerate) lines.push(`warning:     ${degenerate}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

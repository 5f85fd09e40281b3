/**
 * `dynview rates`: the convergence-rate table of a paper — per method × setting on one data set, the
 * ODE-limit rate, the exact discrete rate, optionally the rate measured on a trained network, and
 * the theory's optimal hyperparameters. Wiring only: the computation is src/api/rates.ts (the
 * public `rates()`), the mathematics src/dynamics and src/report/table-rates.ts.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  DEFAULT_RATE_DATA,
  DEFAULT_RATE_METHODS,
  outputSpaceDeriver,
  ratesRun,
  type RatesBlock,
} from '../api/rates.ts';
import { theoryCurve, type RateRow } from '../dynamics/rates.ts';
import { renderRates, renderRatesMany } from '../report/table-rates.ts';
import { ratesPlotSvg } from '../report/table-rates-plot.ts';
import { resolveMethod } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import { InputError, UsageError } from './errors.ts';
import { collect, parseInteger, parseParamFlags, parsePositive, readMethodOption } from './options.ts';
import { dataInputPath } from '../data/load.ts';
import { methodInputPath } from '../spec/read.ts';
import { planOutputs, writeOutput } from '../util/io.ts';

interface RatesOpts {
  methods: string;
  data: string[];
  normalize?: boolean;
  grid?: string;
  param?: string[];
  eta?: string;
  width: string;
  steps: string;
  seed: string;
  measure?: boolean;
  format: string;
  plot?: string;
  resolution: string;
  train: string;
  bias?: boolean;
}

export function registerRates(program: Command): Command {
  return program
    .command('rates')
    .description(
      'Convergence-rate table: ODE-limit, exact discrete and (with --measure) measured rates per method and setting',
    )
    .option(
      '--methods <list>',
      'comma-separated built-in names or spec .json files',
      DEFAULT_RATE_METHODS.join(','),
    )
    .option(
      '--data <source>',
      `data source (sphere:n=..,d=..,seed=.., paper-synthetic:.., mnist:n=.., file:PATH.csv); repeat for several (default ${DEFAULT_RATE_DATA})`,
      collect,
      [] as string[],
    )
    .option('--normalize', 'scale data rows to unit norm')
    .option(
      '--grid <spec>',
      "parameter grid, e.g. 'beta=0.2,0.5,0.8;r=2,3,6,8' (hb with beta runs at fixed momentum)",
    )
    .option(
      '--param <name=value>',
      'fixed value of a symbol the methods declare (repeatable; a one-value --grid entry)',
      collect,
    )
    .option('--eta <E>', 'step size for every method (default 1/λmax of H∞)')
    .option('--resolution <res>', 'ODE resolution: low or high', 'low')
    .option('--measure', 'also train a network per row and fit its rate')
    .option(
      '--train <layers>',
      'first (a frozen, the default) | both: λ0, λmax of H∞ + arc-cosine kernel',
      'first',
    )
    .option('--bias', 'a trained hidden bias (kernels of the inputs with a constant coordinate 1)')
    .option('--width <M>', 'network width for --measure', '2000')
    .option('--steps <K>', 'training steps for --measure', '400')
    .option('--seed <S>', 'seed for --measure', '1')
    .option('--format <fmt>', 'md, csv, latex or json', 'md')
    .option('--plot <file.svg>', 'plot rate against the first grid parameter with several values')
    .action(async (opts: RatesOpts) => {
      await runRates(opts);
    });
}

/** Errors of the computation about the user's input → one line, exit 2. */
function asUsage(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof UsageError) return err;
  if (err.name === 'DataError') return new InputError(`--data: ${err.message}`);
  if (['SpecError', 'GridError', 'RangeError'].includes(err.name)) return new UsageError(err.message);
  return err;
}

async function runRates(opts: RatesOpts): Promise<void> {
  const format = opts.format;
  if (format !== 'md' && format !== 'csv' && format !== 'latex' && format !== 'json')
    throw new UsageError(`--format must be md, csv, latex or json, got '${format}'`);
  const resolution = opts.resolution;
  if (resolution !== 'low' && resolution !== 'high')
    throw new UsageError(`--resolution must be low or high, got '${resolution}'`);
  const eta = opts.eta === undefined ? undefined : parsePositive('--eta', opts.eta);
  const width = parseInteger('--width', opts.width, 1);
  const steps = parseInteger('--steps', opts.steps, 10);
  const seed = parseInteger('--seed', opts.seed, 0);
  const params = parseParamFlags(opts.param);
  if (opts.train !== 'first' && opts.train !== 'both')
    throw new UsageError(`--train must be first or both, got '${opts.train}'`);
  const names = opts.methods
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--methods: no method given');
  const methods = names.map((name) => {
    const m = readMethodOption('--methods', name);
    try {
      resolveMethod(m);
    } catch (err) {
      if (err instanceof SpecError) throw new InputError(`${name}: ${err.message}`);
      throw err;
    }
    return m;
  });
  // --plot checked before any work: writable, not one of the spec or data files.
  const dataSources = opts.data.length > 0 ? opts.data : [DEFAULT_RATE_DATA];
  planOutputs(
    [{ flag: '--plot', path: opts.plot ?? '-' }],
    [...names.map((n) => methodInputPath(n) ?? ''), ...dataSources.map((d) => dataInputPath(d) ?? '')],
  );

  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'training {row} [{bar}] {value}/{total} steps',
          stream: process.stderr,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let current = -1;
  let run: ReturnType<typeof ratesRun>;
  try {
    run = ratesRun({
      methods,
      data: opts.data.length > 0 ? opts.data : [DEFAULT_RATE_DATA],
      normalize: Boolean(opts.normalize),
      grid: opts.grid ?? '',
      params,
      eta,
      resolution,
      measure: opts.measure ? { width, steps, seed } : false,
      train: opts.train,
      bias: opts.bias === true,
      onProgress: bar
        ? (row, done, total) => {
            if (row.index !== current) {
              if (current >= 0) bar.stop();
              current = row.index;
              bar.start(total, 0, { row: `${row.index + 1}/${row.count} ${row.method}` });
            }
            bar.update(done);
          }
        : undefined,
    });
  } catch (err) {
    throw asUsage(err);
  } finally {
    if (current >= 0) bar?.stop();
  }
  const { blocks, grid } = run;

  const measured = Boolean(opts.measure);
  if (blocks.length === 1)
    process.stdout.write(renderRates(blocks[0].rows, blocks[0].spectrum, blocks[0].label, format, measured));
  else process.stdout.write(renderRatesMany(blocks, format, measured));

  if (opts.plot) await writePlot(opts.plot, blocks, grid, resolution);
}

/** Rate against the first grid parameter with several values, with dense theory curves per method. */
async function writePlot(
  file: string,
  blocks: RatesBlock[],
  grid: Record<string, number[]>,
  resolution: 'low' | 'high',
): Promise<void> {
  const { rows, spectrum, settings, label } = blocks[0];
  if (blocks.length > 1) process.stderr.write(`dynview: the plot shows the first data set (${label})\n`);
  const curves = new Map<string, RateRow[]>();
  const gridKey = Object.keys(grid).find((k) => grid[k].length > 1);
  if (gridKey) {
    const key = gridKey.slice(gridKey.lastIndexOf('.') + 1);
    const lo = Math.min(...grid[gridKey]);
    const hi = Math.max(...grid[gridKey]);
    for (const s of settings) {
      if (!(key in s.params) || curves.has(s.method)) continue;
      curves.set(s.method, theoryCurve(s, key, lo, hi, spectrum, outputSpaceDeriver, resolution));
    }
  }
  const res = await ratesPlotSvg(rows, grid, curves);
  if (res.svg === null) process.stderr.write(`dynview: no plot: ${res.reason}\n`);
  else {
    writeOutput('--plot', file, res.svg);
    process.stderr.write(`dynview: wrote ${file}\n`);
  }
}

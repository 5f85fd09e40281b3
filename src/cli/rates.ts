/**
 * `dynview rates`: the convergence-rate table of a paper — per method × setting on one data set, the
 * ODE-limit rate, the exact discrete rate, optionally the rate measured on a trained network, and
 * the theory's optimal hyperparameters. Wiring only; the mathematics lives in src/dynamics and
 * src/report/table-rates.ts.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError, UsageError } from './errors.ts';
import { parseInteger, parsePositive } from './options.ts';

export const DEFAULT_RATE_METHODS = 'gd,hb,nag-c,nag-sc,hm';
export const DEFAULT_RATE_DATA = 'sphere:n=100,d=10,seed=1';

interface RatesOpts {
  methods: string;
  data: string[];
  normalize?: boolean;
  grid?: string;
  eta?: string;
  width: string;
  steps: string;
  seed: string;
  measure?: boolean;
  format: string;
  plot?: string;
  resolution: string;
}

export function registerRates(program: Command): Command {
  return program
    .command('rates')
    .description(
      'Convergence-rate table: ODE-limit, exact discrete and (with --measure) measured rates per method and setting',
    )
    .option('--methods <list>', 'comma-separated built-in names or spec .json files', DEFAULT_RATE_METHODS)
    .option(
      '--data <source>',
      `data source (sphere:n=..,d=..,seed=.., paper-synthetic:.., mnist:n=.., file:PATH.csv); repeat for several (default ${DEFAULT_RATE_DATA})`,
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--normalize', 'scale data rows to unit norm')
    .option(
      '--grid <spec>',
      "parameter grid, e.g. 'beta=0.2,0.5,0.8;r=2,3,6,8' (hb with beta runs at fixed momentum)",
    )
    .option('--eta <E>', 'step size for every method (default 1/λmax of H∞)')
    .option('--resolution <res>', 'ODE resolution: low or high', 'low')
    .option('--measure', 'also train a network per row and fit its rate')
    .option('--width <M>', 'network width for --measure', '2000')
    .option('--steps <K>', 'training steps for --measure', '400')
    .option('--seed <S>', 'seed for --measure', '1')
    .option('--format <fmt>', 'md, csv, latex or json', 'md')
    .option('--plot <file.svg>', 'plot rate against the first grid parameter with several values')
    .action(async (opts: RatesOpts) => {
      await runRates(opts);
    });
}

async function runRates(opts: RatesOpts): Promise<void> {
  const format = opts.format;
  if (!['md', 'csv', 'latex', 'json'].includes(format))
    throw new UsageError(`--format must be md, csv, latex or json, got '${format}'`);
  const resolution = opts.resolution;
  if (resolution !== 'low' && resolution !== 'high')
    throw new UsageError(`--resolution must be low or high, got '${resolution}'`);
  const eta = opts.eta === undefined ? undefined : parsePositive('--eta', opts.eta);
  const width = parseInteger('--width', opts.width, 1);
  const steps = parseInteger('--steps', opts.steps, 10);
  const seed = parseInteger('--seed', opts.seed, 0);

  const table = await import('../report/table-rates.ts');
  const { SpecError, parseSpec } = await import('../spec/parse.ts');
  const { BUILTIN_METHODS } = await import('../spec/builtins.ts');
  let grid: Record<string, number[]>;
  try {
    grid = table.parseGrid(opts.grid ?? '');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  // Methods: built-in names or spec files.
  const names = opts.methods
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--methods: no method given');
  const methods = names.map((name) => {
    if (name in BUILTIN_METHODS)
      return { name, spec: name as string | import('../spec/types.ts').MethodSpec };
    if (name.endsWith('.json')) {
      let text: string;
      try {
        text = readFileSync(name, 'utf8');
      } catch {
        throw new InputError(`--methods: cannot read spec file '${name}'`);
      }
      try {
        const parsed = parseSpec(JSON.parse(text));
        return { name: parsed.spec.name, spec: parsed.spec };
      } catch (e) {
        throw new InputError(`${name}: ${(e as Error).message}`);
      }
    }
    throw new UsageError(
      `unknown method '${name}' (built-ins: ${Object.keys(BUILTIN_METHODS).join(', ')}; or a spec .json file)`,
    );
  });

  const derive = await loadDeriver();
  const sources = opts.data.length > 0 ? opts.data : [DEFAULT_RATE_DATA];
  const blocks: Array<{
    rows: import('../report/table-rates.ts').RateRow[];
    spectrum: import('../report/table-rates.ts').Spectrum;
    label: string;
    settings: import('../report/table-rates.ts').RateSetting[];
  }> = [];
  for (const source of sources) {
    // Data and the spectrum of H∞.
    const { loadData } = await import('../data/load.ts');
    let data;
    try {
      data = loadData(source, { normalize: Boolean(opts.normalize) });
    } catch (e) {
      throw new InputError(`--data: ${(e as Error).message}`);
    }
    const { gramInfinity } = await import('../ntk/gram.ts');
    const { extremeEigenvalues } = await import('../linalg/eigen.ts');
    const ext = extremeEigenvalues(gramInfinity(data), data.n);
    if (!(ext.min > ext.max * 1e-12)) {
      throw new InputError(
        `H∞ of ${source} is singular (λ0 = ${ext.min.toExponential(3)}): parallel or duplicate inputs; rates need λ0 > 0`,
      );
    }
    const spectrum = { lambda0: ext.min, lambdaMax: ext.max, kappa: ext.max / ext.min };
    const label = data.source + (opts.normalize ? ' (normalized)' : '');
    let settings;
    try {
      settings = table.expandSettings(methods, grid, spectrum, eta);
    } catch (e) {
      if (e instanceof table.GridError || e instanceof SpecError) throw new UsageError((e as Error).message);
      throw e;
    }
    let rows;
    try {
      rows = settings.map((s) => table.computeRateRow(s, spectrum, derive, resolution));
    } catch (e) {
      if (e instanceof SpecError) throw new UsageError((e as Error).message);
      throw e;
    }
    if (opts.measure) rows = await measureRows(rows, settings, data, { width, steps, seed });
    blocks.push({ rows, spectrum, label, settings });
  }

  const fmt = format as 'md' | 'csv' | 'latex' | 'json';
  if (blocks.length === 1)
    process.stdout.write(
      table.renderRates(blocks[0].rows, blocks[0].spectrum, blocks[0].label, fmt, Boolean(opts.measure)),
    );
  else process.stdout.write(table.renderRatesMany(blocks, fmt, Boolean(opts.measure)));

  if (opts.plot) {
    const { rows, spectrum, settings } = blocks[0];
    if (blocks.length > 1)
      process.stderr.write(`dynview: the plot shows the first data set (${blocks[0].label})\n`);
    const { ratesPlotSvg } = await import('../report/table-rates-plot.ts');
    // Theory curves along the plotted parameter (dense), one per method that has it.
    const curves = new Map<string, import('../report/table-rates.ts').RateRow[]>();
    const gridKey = Object.keys(grid).find((k) => grid[k].length > 1);
    if (gridKey) {
      const key = gridKey.slice(gridKey.lastIndexOf('.') + 1);
      const lo = Math.min(...grid[gridKey]);
      const hi = Math.max(...grid[gridKey]);
      for (const s of settings) {
        if (!(key in s.params) || curves.has(s.method)) continue;
        curves.set(s.method, table.theoryCurve(s, key, lo, hi, spectrum, derive, resolution));
      }
    }
    const res = await ratesPlotSvg(rows, grid, curves);
    if (res.svg === null) process.stderr.write(`dynview: no plot: ${res.reason}\n`);
    else {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(opts.plot, res.svg);
      process.stderr.write(`dynview: wrote ${opts.plot}\n`);
    }
  }
}

/** H3's derivation and output-space mapping, loaded lazily; null when unavailable (columns say n/a). */
async function loadDeriver(): Promise<import('../report/table-rates.ts').OutputSpaceDeriver | null> {
  try {
    const { deriveOde } = await import('../symbolic/derive.ts');
    const { toOutputSpace } = await import('../symbolic/output-space.ts');
    return (method, resolution) => {
      try {
        return toOutputSpace(deriveOde(method, { resolution }));
      } catch {
        return null;
      }
    };
  } catch {
    return null;
  }
}

async function measureRows(
  rows: import('../report/table-rates.ts').RateRow[],
  settings: import('../report/table-rates.ts').RateSetting[],
  data: import('../data/types.ts').Dataset,
  o: { width: number; steps: number; seed: number },
): Promise<import('../report/table-rates.ts').RateRow[]> {
  const { train } = await import('../train/trainer.ts');
  const { fitMeasuredRate, usableWindow, withMeasured } = await import('../report/table-rates.ts');
  const tty = Boolean(process.stderr.isTTY);
  let bar: {
    start: (t: number, v: number, p?: object) => void;
    update: (v: number, p?: object) => void;
    stop: () => void;
  } | null = null;
  if (tty) {
    const cp = await import('cli-progress');
    const Bar = (cp.default ?? cp).SingleBar;
    bar = new Bar(
      {
        format: 'training {row} [{bar}] {value}/{total} steps',
        stream: process.stderr,
        clearOnComplete: true,
      },
      (cp.default ?? cp).Presets.shades_classic,
    );
  }
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    const s = settings[i];
    bar?.start(o.steps, 0, { row: `${i + 1}/${rows.length} ${s.method}` });
    const traj = train({
      data,
      width: o.width,
      method: s.spec,
      params: s.params,
      steps: o.steps,
      seed: o.seed,
      probeEvery: 0,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    const window = usableWindow(traj.errNorm, traj.rate?.window ?? [Math.floor(traj.steps / 2), traj.steps]);
    const fit = traj.status === 'ok' ? fitMeasuredRate(traj.errNorm, window) : null;
    if (fit === null) {
      out.push({
        ...rows[i],
        notes: [
          ...rows[i].notes,
          traj.status === 'diverged'
            ? `training diverged at step ${traj.divergedAt}`
            : 'measured rate: too few usable points',
        ],
      });
      continue;
    }
    out.push(
      withMeasured(rows[i], {
        rate: fit.rate,
        r2: fit.r2,
        window,
        status: traj.status,
        width: o.width,
        steps: traj.steps,
      }),
    );
  }
  return out;
}

/**
 * `dynview reproduce bu2021 [--figure NAME[,NAME…]] [--full] [--out DIR] [--seeds N]`
 *
 * Regenerates Bu, Xu & Chen's figures (src/experiments/bu2021.ts) as the authors ran them and in the
 * theory's NTK parameterisation, with verdicts; writes SVGs, CSVs and summary.md into --out.
 * Hidden overrides for tests and quick looks: --tiny (seconds-sized run), --epochs N (epoch figures,
 * both models), --widths a,b,c (width figures, both models).
 */
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { UsageError } from './errors.ts';
import { parseInteger } from './options.ts';
import { planOutputs } from '../util/io.ts';
import { checkCount, checkMemory, trainingBytes } from '../util/limits.ts';
import { reproduceBu2021 } from '../experiments/bu2021.ts';
import { writeBu2021 } from '../experiments/bu2021-report.ts';
import {
  DEFAULT_SIZES,
  FIGURE_NAMES,
  PAPER_SIZES,
  TINY_SIZES,
  isFigureName,
  type FigureName,
} from '../experiments/bu2021-sizes.ts';

const PAPERS = ['bu2021'];

interface ReproduceOpts {
  figure?: string;
  full?: boolean;
  tiny?: boolean;
  out?: string;
  seeds?: string;
  epochs?: string;
  widths?: string;
}

export function registerReproduce(program: Command): Command {
  return program
    .command('reproduce')
    .description(
      "regenerate a paper's figures offline (as the authors ran them and in the theory's NTK parameterisation), with verdicts",
    )
    .argument('<paper>', `paper to reproduce (${PAPERS.join(', ')})`)
    .option(
      '--figure <names>',
      'comma-separated figures: hb-epoch, nag-epoch, hm, hb-width, nag-width (default: all)',
    )
    .option(
      '--full',
      "the paper's sizes (600 digits, width 3000, 5000 epochs, …): hours; shows a progress bar and the remaining time",
    )
    .option('--out <dir>', 'output directory', 'dynview-out/bu2021')
    .option('--seeds <n>', 'seeds averaged in the width figures')
    .addOption(new Option('--tiny', 'seconds-sized run (tests)').hideHelp())
    .addOption(new Option('--epochs <n>', 'override the epochs of the epoch figures').hideHelp())
    .addOption(new Option('--widths <list>', 'override the widths of the width figures').hideHelp())
    .action(async (paper: string, opts: ReproduceOpts) => {
      if (!PAPERS.includes(paper))
        throw new UsageError(`unknown paper '${paper}' (known: ${PAPERS.join(', ')})`);
      const figures =
        opts.figure === undefined ? [...FIGURE_NAMES] : opts.figure.split(',').map((s) => s.trim());
      for (const f of figures) {
        if (!isFigureName(f))
          throw new UsageError(`unknown figure '${f}' (figures: ${FIGURE_NAMES.join(', ')})`);
      }
      if (opts.full && opts.tiny) throw new UsageError('--full and --tiny exclude each other');
      const base = opts.full ? PAPER_SIZES : opts.tiny ? TINY_SIZES : DEFAULT_SIZES;
      const sizes = structuredClone(base);
      const seeds = opts.seeds === undefined ? undefined : parseInteger('--seeds', opts.seeds, 1);
      if (opts.epochs !== undefined) {
        const e = parseInteger('--epochs', opts.epochs, 10);
        checkCount('steps', '--epochs', e);
        sizes.standard.epochs = e;
        sizes.ntk.steps = e;
      }
      if (opts.widths !== undefined) {
        const ws = opts.widths.split(',').map((w) => parseInteger('--widths', w.trim(), 1));
        // The largest data set of the figures: 600 MNIST digits (784 pixels).
        for (const w of ws) checkMemory(`--widths ${w} on 600 digits`, trainingBytes(600, 784, w, 0));
        sizes.standard.hbWidths = ws;
        sizes.standard.nagWidths = ws;
        sizes.ntk.widths = ws;
      }
      if (seeds !== undefined) {
        sizes.standard.seeds = seeds;
        sizes.ntk.seeds = seeds;
      }

      // --out checked before hours of work: a directory (or creatable), writable (src/util/io.ts).
      planOutputs([{ flag: '--out', path: opts.out ?? 'dynview-out/bu2021', kind: 'dir' }], []);
      let bar: {
        start(total: number, v: number, payload?: object): void;
        update(v: number, payload?: object): void;
        stop(): void;
      } | null = null;
      let lastLine = Date.now(); // first estimate after a minute of work, not from the start-up
      const t0 = Date.now();
      const showBar = process.stderr.isTTY && !opts.tiny;
      if (showBar) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'bu2021 [{bar}] {percentage}%  {eta_formatted} left  {what}',
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, 0, { what: '' });
      }
      const onProgress = (done: number, total: number, what: string): void => {
        if (bar) bar.update(Math.round((1000 * done) / total), { what });
        else if (opts.full && Date.now() - lastLine > 60_000) {
          lastLine = Date.now();
          const frac = done / total;
          const left = frac > 0 ? ((Date.now() - t0) / 1000) * (1 / frac - 1) : NaN;
          process.stderr.write(
            `bu2021: ${(100 * frac).toFixed(1)}% done, about ${Number.isFinite(left) ? Math.round(left / 60) : '?'} min left (${what})\n`,
          );
        }
      };
      let result;
      try {
        result = reproduceBu2021({ figures: figures as FigureName[], sizes, seeds, onProgress });
      } finally {
        bar?.stop();
      }
      const command = `dynview reproduce bu2021${opts.figure ? ` --figure ${opts.figure}` : ''}${opts.full ? ' --full' : ''}${opts.tiny ? ' --tiny' : ''}${opts.epochs ? ` --epochs ${opts.epochs}` : ''}${opts.widths ? ` --widths ${opts.widths}` : ''}${seeds ? ` --seeds ${seeds}` : ''}`;
      const outDir = opts.out ?? 'dynview-out/bu2021';
      const files = await writeBu2021(result, outDir, command);
      process.stdout.write(
        `bu2021 (${sizes.label} sizes): ${result.runs} runs in ${result.seconds.toFixed(1)} s → ${outDir}/ (${files.length} files)\n`,
      );
      if (result.paperEdge) {
        const k = result.paperEdge.kernel;
        process.stdout.write(
          `\nAt the paper's sizes (${k.digits} digits, width ${k.width}, lr ${k.lrEpoch}): η·λmax of the tangent kernel at initialisation = ${k.etaLambdaMaxEpoch.toPrecision(3)} (GD is linearly stable below 2); at lr ${k.lrWidth} it reaches 2 near width ${Math.round((k.width * 2) / k.etaLambdaMaxWidth)}.\n`,
        );
      }
      for (const fig of result.figures) {
        process.stdout.write(`\n${fig.name}: ${fig.title}\n`);
        for (const v of fig.verdict) process.stdout.write(`  - ${v}\n`);
      }
    });
}

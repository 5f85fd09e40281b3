/**
 * `dynview bench [--quick] [--case ID,...] [--json FILE|-] [--no-direct] [--python PATH]`:
 * dynview's steps/s beside the naive numpy loop of the same training (bench/reference.py), measured
 * in one run, as a ratio; plus the direct engine's speed and the machine it ran on.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import { planOutputs, writeOutput } from '../util/io.ts';

interface BenchOpts {
  quick?: boolean;
  case?: string;
  json?: string;
  direct: boolean;
  python: string;
}

export function registerBench(program: Command): Command {
  return program
    .command('bench')
    .description(
      'steps/s of the trainer beside a numpy reference loop (sphere n=100 d=10 m=10⁴ hb; MNIST 600 digits m=3000)',
    )
    .option('--quick', 'fewer steps per case')
    .option('--case <ids>', 'comma-separated case ids (sphere-hb, mnist-hb)')
    .option('--json <file>', 'also write the results as JSON (- for stdout instead of the table)')
    .option('--no-direct', 'skip timing the direct engine')
    .option('--python <path>', 'python with numpy for the reference', 'python3')
    .action(async (opts: BenchOpts) => {
      const { runBench, formatBench, BENCH_CASES, BenchError } = await import('../../bench/run.ts');
      const ids = BENCH_CASES.map((c) => c.id);
      const cases = opts.case
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      for (const c of cases ?? [])
        if (!ids.includes(c)) throw new UsageError(`unknown bench case '${c}' (cases: ${ids.join(', ')})`);
      planOutputs([{ flag: '--json', path: opts.json ?? '-' }], []);
      let report;
      try {
        report = runBench({
          quick: opts.quick === true,
          cases,
          python: opts.python,
          direct: opts.direct,
          onCase: (msg) => {
            if (process.stderr.isTTY) process.stderr.write(`bench: ${msg}\n`);
          },
        });
      } catch (err) {
        if (err instanceof BenchError) throw new UsageError(err.message);
        throw err;
      }
      const json = JSON.stringify(report, null, 2);
      if (opts.json === '-') process.stdout.write(`${json}\n`);
      else {
        process.stdout.write(`${formatBench(report)}\n`);
        if (opts.json) writeOutput('--json', opts.json, `${json}\n`);
      }
    });
}

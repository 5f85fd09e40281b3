/**
 * `dynview bench [--quick] [--case ID,...] [--json FILE|-] [--python PATH]`: dynview's trainer
 * beside the naive numpy loop of the same training (bench/reference.py), and λ0/λ_max of H∞ beside
 * numpy's eigvalsh (bench/eigen_reference.py), measured in one run, each with its ratio and the
 * machine's load average. The driver is src/cli/bench-run.ts.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import { runBench, formatBench, CASE_IDS, BenchError } from './bench-run.ts';

interface BenchOpts {
  quick?: boolean;
  case?: string;
  json?: string;
  python: string;
}

export function registerBench(program: Command): Command {
  return program
    .command('bench')
    .description(
      'seconds of the trainer beside a numpy reference loop (the cases of docs/performance.md and the README), and λ0/λmax of H∞ beside numpy eigvalsh',
    )
    .option('--quick', 'fewer steps per case (and n=500 for the spectra)')
    .option(
      '--case <ids>',
      'comma-separated case ids (sphere-hb, gauss-gd, sphere-wide-gd, mnist-hb, readme-hb, hinf-2000)',
    )
    .option('--json <file>', 'also write the results as JSON (- for stdout instead of the table)')
    .option('--python <path>', 'python with numpy for the reference', 'python3')
    .action(async (opts: BenchOpts) => {
      const cases = opts.case
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      for (const c of cases ?? [])
        if (!CASE_IDS.includes(c))
          throw new UsageError(`unknown bench case '${c}' (cases: ${CASE_IDS.join(', ')})`);
      let report;
      try {
        report = runBench({
          quick: opts.quick === true,
          cases,
          python: opts.python,
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
        if (opts.json) writeFileSync(opts.json, `${json}\n`);
      }
    });
}

/**
 * `dynview check CLAIM.json [--json] [--runs N] [--seed S] [--path P]`: check one claim given as data.
 * Exit code 0 proved/supported, 1 refuted, 3 inconclusive, 2 bad input (one line, no stack trace).
 */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import { collect, parseInteger, parseParamFlags } from './options.ts';
import { checkRun, type ClaimJson } from '../api/check.ts';
import { ClaimError, parseClaimText } from '../claims/claim-file.ts';
import { claimResultJson, formatClaimResult } from '../claims/format.ts';
import { verdictExitCode } from '../claims/verdict.ts';
import { planOutputs, readInputText, withoutTimings, writeOutput } from '../util/io.ts';
import { checkCount } from '../util/limits.ts';
import { shorten } from '../util/quote.ts';
import { isQuadraticClaim } from '../claims/quadratic-claim.ts';

/** Whether the claim file asks for the quadratic kind (unparsable text: no, the claim parser reports it). */
function isQuadraticText(text: string): boolean {
  try {
    return isQuadraticClaim(JSON.parse(text));
  } catch {
    return false;
  }
}

export function registerCheck(program: Command): Command {
  return program
    .command('check')
    .description(
      'check one claim given as JSON (exit 0 proved/supported, 1 refuted, 3 inconclusive, 2 bad input)',
    )
    .argument('<claim>', 'claim file (JSON; see docs/claims.md)')
    .option('--json', 'print one JSON object instead of the human report')
    .option('--certificate <file>', 'write the certificates of a proved/refuted ode/discrete claim (JSON)')
    .option('--timings', 'include wall-clock seconds in --json (off: same seed, same bytes)')
    .option('--runs <n>', "sampled instances (default: the claim's instances.runs)")
    .option('--seed <s>', 'fast-check seed (default 1)')
    .option('--path <p>', 'fast-check path of a counterexample to replay (printed with it)')
    .option(
      '--param <name=value>',
      "fixed value of a symbol the claim's method declares, replacing the claim's (repeatable)",
      collect,
    )
    .action(
      async (
        file: string,
        opts: {
          json?: boolean;
          timings?: boolean;
          runs?: string;
          seed?: string;
          path?: string;
          param?: string[];
          certificate?: string;
        },
      ) => {
        const runs = opts.runs === undefined ? undefined : parseInteger('--runs', opts.runs, 1);
        if (runs !== undefined) checkCount('runs', '--runs', runs);
        const seed = opts.seed === undefined ? 1 : parseInteger('--seed', opts.seed, 0);
        if (opts.path !== undefined && !/^\d+(:\d+)*$/.test(opts.path))
          throw new UsageError(`--path must look like 0:1:2, got '${opts.path}'`);
        const params = parseParamFlags(opts.param);
        if (opts.certificate !== undefined)
          planOutputs([{ flag: '--certificate', path: opts.certificate }], [file]);
        const text = readInputText(file, 'claim file'); // bounded (DYNVIEW_MAX_INPUT_MB)
        let result;
        try {
          // the file's own problems first, named by the file (a quadratic claim: src/claims/quadratic-claim.ts)
          if (!isQuadraticText(text)) parseClaimText(text, file);
          result = await checkRun(JSON.parse(text) as ClaimJson, {
            runs,
            seed,
            path: opts.path,
            params,
            replayCommand: `dynview check ${[file, ...(opts.param ?? []).map((p) => `--param ${p}`)].join(' ')}`,
          });
        } catch (err) {
          if (err instanceof ClaimError) throw new UsageError(`${shorten(file, 200)}: ${err.message}`);
          throw err;
        }
        if (opts.certificate !== undefined) {
          const certificates = result.certificates ?? [];
          if (certificates.length === 0)
            process.stderr.write(
              `dynview: no certificate (the claim is not decided exactly: ${result.verdict})\n`,
            );
          writeOutput(
            '--certificate',
            opts.certificate,
            `${JSON.stringify({ dynview: 'certificates', claim: result.id, verdict: result.verdict, certificates })}\n`,
          );
        }
        if (opts.json) {
          const json = claimResultJson(result);
          process.stdout.write(`${JSON.stringify(opts.timings ? json : withoutTimings(json))}\n`);
        } else process.stdout.write(`${formatClaimResult(result)}\n`);
        process.exitCode = verdictExitCode(result.verdict);
      },
    );
}

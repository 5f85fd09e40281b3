/**
 * `dynview verify [PROOF_OR_CLAIM...] [--runs N] [--seed S] [--json FILE] [--report FILE.md|FILE.html]
 *  [--shard i/N] [--merge A.json B.json ...]`: run proofs (default: every built-in proof), print a
 * progress bar per claim on a TTY and a final table; exit 1 if a claim is refuted or a false twin is
 * not, 3 if something is inconclusive, 0 otherwise.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import * as vr from '../claims/verify-run.ts';
import { BUILTIN_PROOFS } from '../../proofs/index.ts';
import { runProof } from '../claims/proof.ts';
import { verifyReport, verifyTable, type VerifyJson } from '../report/claims-report.ts';
import { UsageError } from './errors.ts';
import { ensureTypeScriptLoader } from './ts-loader.ts';
import { parseInteger } from './options.ts';
import { planOutputs, withoutTimings, writeOutput } from '../util/io.ts';
import { checkCount } from '../util/limits.ts';

interface VerifyOpts {
  runs?: string;
  seed?: string;
  json?: string;
  timings?: boolean;
  report?: string;
  shard?: string;
  merge?: boolean;
  claim?: string;
  path?: string;
}

export function registerVerify(program: Command): Command {
  return program
    .command('verify')
    .description(
      'run the built-in proofs (or given proof files / claim JSON files) and print a verdict table',
    )
    .argument(
      '[targets...]',
      'built-in proof ids, proof .ts files (code: they run with your rights) or claim .json files (data) (default: every built-in proof); with --merge: shard JSON files',
    )
    .option('--runs <n>', "sampled instances per numeric obligation (default: each proof's own)")
    .option('--seed <s>', 'fast-check seed (default 1)')
    .option('--json <file>', 'write the results as JSON (mergeable across shards)')
    .option('--timings', 'include wall-clock seconds in --json (off: same seed, same bytes)')
    .option('--report <file>', 'write a report with plots (.md or .html)')
    .option('--shard <i/N>', 'run only shard i of N (targets j with j mod N = i − 1)')
    .option('--claim <id>', 'run only this claim or twin of the proof(s) (to replay a counterexample)')
    .option('--path <p>', 'fast-check path to replay (with --claim and the printed --seed)')
    .option('--merge', 'merge the JSON files given as targets into one table/report (no runs)')
    .action(async (targets: string[], opts: VerifyOpts) => {
      const runs = opts.runs === undefined ? undefined : parseInteger('--runs', opts.runs, 1);
      if (runs !== undefined) checkCount('runs', '--runs', runs);
      const seed = opts.seed === undefined ? 1 : parseInteger('--seed', opts.seed, 0);
      if (opts.path !== undefined && !/^\d+(:\d+)*$/.test(opts.path))
        throw new UsageError(`--path must look like 0:1:2, got '${opts.path}'`);
      if (opts.path !== undefined && opts.claim === undefined)
        throw new UsageError('--path needs --claim (a path replays one claim)');
      const format =
        opts.report === undefined
          ? null
          : opts.report.endsWith('.html')
            ? 'html'
            : opts.report.endsWith('.md')
              ? 'md'
              : null;
      if (opts.report !== undefined && format === null)
        throw new UsageError(`--report must end in .md or .html, got '${opts.report}'`);
      // Outputs checked before any proof runs: writable, not one of the targets (claim, proof or
      // shard files), not the same file twice. A failure here or at the write is exit 2, never 1.
      planOutputs(
        [
          { flag: '--json', path: opts.json ?? '-' },
          { flag: '--report', path: opts.report ?? '-' },
        ],
        targets,
      );
      const wrap = async <T>(f: () => Promise<T> | T): Promise<T> => {
        try {
          return await f();
        } catch (err) {
          if (err instanceof vr.VerifyInputError) throw new UsageError(err.message);
          throw err;
        }
      };
      const started = performance.now();
      let json: VerifyJson;
      if (opts.merge) {
        if (targets.length === 0) throw new UsageError('--merge needs the shard JSON files');
        json = await wrap(() => vr.mergeVerifyJson(targets));
      } else {
        const shard = opts.shard === undefined ? null : await wrap(() => vr.parseShard(opts.shard!));
        await ensureTypeScriptLoader(targets);
        const proofs = vr.shardTargets(await wrap(() => vr.resolveTargets(targets, BUILTIN_PROOFS)), shard);
        if (opts.claim !== undefined) {
          // An id that names nothing would run nothing and report "inconclusive": say so instead.
          const ids = proofs.flatMap((p) => [
            ...(p.claims ?? []).map((c) => String(c.id)),
            ...(p.properties ?? []).map((q) => q.name),
            ...(p.twins ?? []).map((t) =>
              'name' in t && typeof t.name === 'string' ? t.name : String((t as { id?: unknown }).id),
            ),
          ]);
          if (!ids.includes(opts.claim))
            throw new UsageError(
              `--claim ${opts.claim}: no claim, property or twin of ${proofs.map((p) => p.id).join(', ') || 'the selected proofs'} has this id (claims and twins: ${ids.filter((i) => !i.includes(' ')).join(', ') || 'none'})`,
            );
        }
        const results = [];
        const tty = process.stderr.isTTY === true;
        const { SingleBar, Presets } = cliProgress;
        for (const p of proofs) {
          const bar = tty
            ? new SingleBar(
                {
                  format: `${p.id.padEnd(16)} [{bar}] {value}/{total} {label}`,
                  hideCursor: true,
                  clearOnComplete: false,
                },
                Presets.shades_classic,
              )
            : null;
          let started = false;
          const r = await runProof(p, {
            runs,
            seed,
            only: opts.claim,
            path: opts.path,
            onProgress: (done, total, label) => {
              if (!bar) return;
              if (!started) {
                bar.start(total, 0, { label: '' });
                started = true;
              }
              bar.update(done, { label });
            },
          });
          if (bar && started) bar.stop();
          if (!tty) process.stderr.write(`${p.id}: ${r.verdict} (${r.seconds.toFixed(1)} s)\n`);
          results.push(vr.serializeProof(r));
        }
        json = { dynview: 'verify', seed, runs: runs ?? null, shard: opts.shard ?? null, results };
      }
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${verifyTable(json.results)}\n`);
      // A replay (--claim): the replayed claim or twin itself, with its counterexample.
      if (opts.claim !== undefined)
        for (const r of json.results) {
          for (const c of r.claims)
            process.stdout.write(
              `${c.id}: ${c.verdict}${c.counterexample ? ` — counterexample ${JSON.stringify(c.counterexample)}` : ` — ${c.evidence.summary}`}\n`,
            );
          for (const t of r.twins) process.stdout.write(`${t.id}: ${t.verdict} — ${t.detail}\n`);
          for (const o of r.obligations) process.stdout.write(`${o.name}: ${o.status} — ${o.detail}\n`);
        }
      const twinsBad = json.results.flatMap((r) =>
        r.twins.filter((t) => t.verdict !== 'refuted').map((t) => `${r.id}/${t.id}`),
      );
      if (twinsBad.length) process.stdout.write(`false twins NOT refuted: ${twinsBad.join(', ')}\n`);
      if (!opts.merge) process.stdout.write(`total ${seconds.toFixed(1)} s\n`);
      if (opts.json)
        writeOutput(
          '--json',
          opts.json,
          `${JSON.stringify(opts.timings ? json : withoutTimings(json), null, 1)}\n`,
        );
      if (opts.report && format)
        writeOutput(
          '--report',
          opts.report,
          await verifyReport(json.results, format, {
            seed: json.seed,
            runs: json.runs,
            seconds: opts.merge ? undefined : seconds,
          }),
        );
      process.exitCode = vr.verifyExitCode(json.results);
    });
}

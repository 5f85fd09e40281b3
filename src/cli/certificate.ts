/**
 * `dynview certificate check FILE [--claim CLAIM.json] [--json]`: re-check certificates written by
 * `dynview check --certificate FILE` (or taken from `dynview verify --json`) with the independent
 * checker of src/certify/check.ts. Exit 0 every certificate accepted, 1 one rejected, 2 bad input.
 */
import type { Command } from 'commander';
import { checkCertificate, type CheckReport } from '../certify/check.ts';
import { UsageError } from './errors.ts';
import { readInputText } from '../util/io.ts';

/**
 * The certificates of a file: one certificate, a {certificates: [...]} wrapper (check --certificate),
 * an array, or a `dynview verify --json` file (every claim's and every twin's certificates).
 */
export function certificatesOf(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (o.dynview === 'certificate') return [o];
    if (Array.isArray(o.certificates)) return o.certificates;
    if (o.dynview === 'verify' && Array.isArray(o.results)) {
      const out: unknown[] = [];
      for (const r of o.results as Array<Record<string, unknown>>)
        for (const c of [...((r.claims as unknown[]) ?? []), ...((r.twins as unknown[]) ?? [])]) {
          const certs = (c as { certificates?: unknown[] }).certificates;
          if (Array.isArray(certs)) out.push(...certs);
        }
      return out;
    }
  }
  return [];
}

export function registerCertificate(program: Command): Command {
  const cmd = program
    .command('certificate')
    .description('re-check proof certificates with the independent checker (exit 0 accepted, 1 rejected)');
  cmd
    .command('check')
    .description('re-derive every sign of a certificate file and accept or reject it')
    .argument('<file>', 'certificate JSON (dynview check --certificate FILE)')
    .option('--claim <claim.json>', 'require the certificates to be about exactly this claim')
    .option('--json', 'print one JSON object per certificate')
    .option('--trust-model', 'do not re-derive the per-mode model from the method (faster)')
    .action((file: string, opts: { claim?: string; json?: boolean; trustModel?: boolean }) => {
      const parse = (path: string, what: string): unknown => {
        const text = readInputText(path, what);
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          throw new UsageError(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
        }
      };
      const certs = certificatesOf(parse(file, 'certificate file'));
      if (certs.length === 0) throw new UsageError(`${file}: no dynview certificate in it`);
      const claim = opts.claim === undefined ? undefined : parse(opts.claim, 'claim file');
      const reports: CheckReport[] = certs.map((c) =>
        checkCertificate(c, claim, { model: !opts.trustModel }),
      );
      reports.forEach((r, i) => {
        if (opts.json) process.stdout.write(`${JSON.stringify({ index: i, ...r })}\n`);
        else
          process.stdout.write(
            `certificate ${i + 1}/${reports.length}: ${r.ok ? 'ACCEPTED' : 'REJECTED'} — ${r.ok ? r.summary : r.problems.join('; ')}\n`,
          );
      });
      process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
    });
  return program;
}

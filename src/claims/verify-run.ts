/**
 * What `dynview verify` runs: targets (built-in proofs by id, proof files exporting `proof`, claim
 * JSON files), deterministic sharding, serialisation of results, and merging shard JSON files.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SerializedProof, VerifyJson } from './verify-json.ts';
import { ClaimError, parseClaimText } from './claim-file.ts';
import type { ClaimJson } from './claim-schema.ts';
import type { Proof, ProofResult } from './proof.ts';
import { toJsonSafe } from './format.ts';
import { verifyShardSchema } from './shard-schema.ts';
import { schemaMessage } from '../spec/schema.ts';
import { readInputText } from '../util/io.ts';
import { quote } from '../util/quote.ts';

export class VerifyInputError extends Error {
  override name = 'VerifyInputError';
}

/** A claim JSON file wrapped as a one-claim proof. */
export function proofFromClaimFile(file: string): Proof {
  let text: string;
  try {
    text = readInputText(file, 'claim file'); // bounded (DYNVIEW_MAX_INPUT_MB)
  } catch (err) {
    throw new VerifyInputError(
      `cannot read '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let claim;
  try {
    claim = parseClaimText(text, file);
  } catch (err) {
    if (err instanceof ClaimError) throw new VerifyInputError(`${file}: ${err.message}`);
    throw err;
  }
  const raw = JSON.parse(text) as ClaimJson; // validated by parseClaimText above
  return {
    id: claim.id,
    title: claim.statement,
    statement: claim.statement,
    latex: claim.latex ?? '',
    method: typeof claim.method === 'string' ? claim.method : claim.method.name,
    guarantee:
      claim.assert.kind === 'linear' ? 'upper bound' : claim.assert.kind === 'ode' ? 'exact' : 'asymptotic',
    reference: claim.reference ?? '—',
    hypotheses: [`regime ${claim.regime}`],
    claims: [raw],
    defaultRuns: claim.instances.runs,
  };
}

/**
 * Resolve the command-line targets (none = every built-in proof). The built-in proofs are passed
 * in by the caller (the CLI loads proofs/; src/ never imports it).
 */
export async function resolveTargets(args: string[], BUILTIN_PROOFS: Proof[]): Promise<Proof[]> {
  if (args.length === 0) return BUILTIN_PROOFS;
  const out: Proof[] = [];
  for (const a of args) {
    const builtin = BUILTIN_PROOFS.find((p) => p.id === a);
    if (builtin) out.push(builtin);
    else if (a.endsWith('.json')) out.push(proofFromClaimFile(a));
    else if (a.endsWith('.ts') || a.endsWith('.js') || a.endsWith('.mjs')) {
      let mod: { proof?: Proof };
      try {
        mod = (await import(pathToFileURL(resolve(a)).href)) as { proof?: Proof };
      } catch (err) {
        throw new VerifyInputError(`cannot load proof file '${a}': ${(err as Error).message.split('\n')[0]}`);
      }
      if (!mod.proof || typeof mod.proof.id !== 'string')
        throw new VerifyInputError(`proof file '${a}' does not export 'proof'`);
      out.push(mod.proof);
    } else {
      throw new VerifyInputError(
        `unknown proof or claim '${a}' (built-in proofs: ${BUILTIN_PROOFS.map((p) => p.id).join(', ')}; or a .ts proof file or a .json claim)`,
      );
    }
  }
  return out;
}

/** Shard i/N (1-based): targets j with j mod N = i − 1, in command-line order. */
export function shardTargets<T>(targets: T[], shard: { index: number; count: number } | null): T[] {
  if (!shard) return targets;
  return targets.filter((_, j) => j % shard.count === shard.index - 1);
}

export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) throw new VerifyInputError(`--shard must look like i/N, got '${raw}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count))
    throw new VerifyInputError(`--shard ${raw}: need 1 ≤ i ≤ N`);
  return { index, count };
}

/** A proof result without trajectories, JSON-safe. */
export function serializeProof(r: ProofResult): SerializedProof {
  return toJsonSafe({
    ...r,
    claims: r.claims.map((c) => ({
      id: c.id,
      verdict: c.verdict,
      runs: c.runs,
      evidence: { summary: c.evidence.summary, measured: c.evidence.measured },
      counterexample: c.counterexample,
      certificates: c.certificates,
    })),
  }) as SerializedProof;
}

/** Merge shard JSON files into one (later files win on a repeated proof id; order by first appearance). */
export function mergeVerifyJson(files: string[]): VerifyJson {
  const merged: VerifyJson = { dynview: 'verify', seed: 0, runs: null, shard: null, results: [] };
  const seen = new Map<string, number>();
  files.forEach((f, i) => {
    // Bounded read, JSON, then the shard schema (shard-schema.ts): one line, exit 2.
    const text = readInputText(f, 'shard'); // InputFileError / LimitError: exit 2
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch (err) {
      throw new VerifyInputError(`shard ${quote(f, 60)} is not JSON: ${quote((err as Error).message, 100)}`);
    }
    const shape = verifyShardSchema.safeParse(raw);
    if (!shape.success)
      throw new VerifyInputError(
        `${quote(f, 60)} is not a dynview verify JSON file: ${schemaMessage(shape.error)}`,
      );
    const j = shape.data as unknown as VerifyJson;
    if (i === 0) {
      merged.seed = j.seed;
      merged.runs = j.runs;
    }
    for (const r of j.results) {
      const at = seen.get(r.id);
      if (at === undefined) {
        seen.set(r.id, merged.results.length);
        merged.results.push(r);
      } else merged.results[at] = r;
    }
  });
  return merged;
}

/** Exit code of verify: 1 if a claim is refuted or a false twin is not, 3 if inconclusive, else 0. */
export function verifyExitCode(results: Array<Pick<SerializedProof, 'verdict' | 'twinsRefuted'>>): number {
  if (results.some((r) => r.verdict === 'refuted' || !r.twinsRefuted)) return 1;
  if (results.some((r) => r.verdict === 'inconclusive')) return 3;
  return 0;
}

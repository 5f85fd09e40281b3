/**
 * Human and JSON forms of a claim result (`dynview check`, `dynview verify`). JSON never carries a
 * NaN or an infinity: non-finite numbers become null with the reason kept in the text fields.
 */
import type { ClaimResult } from './types.ts';
import { sig } from '../util/format.ts';

/** A JSON-safe copy: non-finite numbers → null, typed arrays dropped. */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v)) return undefined;
      return v;
    }),
  );
}

/** The object `dynview check --json` prints. */
export function claimResultJson(r: ClaimResult): unknown {
  const {
    id,
    statement,
    verdict,
    regime,
    runs,
    seed,
    counterexample,
    inconclusive,
    obligations,
    evidence,
    seconds,
  } = r;
  return toJsonSafe({
    id,
    statement,
    verdict,
    regime,
    runs,
    seed,
    counterexample,
    inconclusive,
    obligations,
    evidence: {
      ...evidence,
      instances: evidence.instances.map((o) => ({
        status: o.status,
        reason: o.reason,
        instance: o.instance,
        lambda0: o.lambda0,
        lambdaMax: o.lambdaMax,
        claimed: o.claimed,
        measured: o.measured,
        regime: o.regimeNote,
        numbers: o.numbers,
        decay: o.decay
          ? {
              kind: o.decay.kind,
              rate: o.decay.rate,
              exponent: o.decay.exponent,
              window: o.decay.window,
              crossover: o.decay.crossover,
              quality: o.decay.quality,
            }
          : undefined,
      })),
    },
    seconds,
  });
}

/** A human report of one claim result. */
export function formatClaimResult(r: ClaimResult): string {
  const lines: string[] = [];
  lines.push(`${r.id}: ${r.verdict.toUpperCase()}`);
  lines.push(`  statement: ${r.statement}`);
  lines.push(
    `  regime: ${r.regime}${r.evidence.instances[0] ? ` — ${r.evidence.instances[0].regimeNote}` : ''}`,
  );
  if (r.evidence.claimed) lines.push(`  claimed: ${r.evidence.claimed}`);
  if (r.evidence.measured)
    lines.push(
      `  measured: min ${sig(r.evidence.measured.min)}, median ${sig(r.evidence.measured.median)}, max ${sig(r.evidence.measured.max)}`,
    );
  const first = r.evidence.instances.find((o) => o.decay);
  if (first?.decay) {
    const d = first.decay;
    lines.push(
      `  decay (first instance): ${d.kind}${d.rate !== undefined ? `, rate ${sig(d.rate)}` : ''}${d.exponent !== undefined ? `, exponent ${sig(d.exponent)}` : ''} on t ∈ [${sig(d.window[0])}, ${sig(d.window[1])}]${d.crossover !== undefined && d.crossover <= d.window[1] ? `, crossover t* ≈ ${sig(d.crossover)}` : ''} — ${d.reason}`,
    );
  }
  for (const o of r.obligations) lines.push(`  [${o.status}] (${o.kind}) ${o.name}: ${o.detail}`);
  const firstProved = r.evidence.instances[0];
  if (r.obligations.some((o) => o.kind === 'certified') && firstProved && r.verdict === 'proved')
    lines.push(`  first instance: ${firstProved.reason}`);
  if (r.certificates && r.certificates.length > 0)
    lines.push(
      `  certificates: ${r.certificates.length} (write them with --certificate FILE; re-check with dynview certificate check FILE)`,
    );
  if (r.runs > 0) lines.push(`  instances: ${r.runs} (seed ${r.seed})`);
  if (r.inconclusive.count > 0)
    lines.push(`  inconclusive: ${r.inconclusive.count} — ${r.inconclusive.reasons.join('; ')}`);
  if (r.counterexample) {
    const c = r.counterexample;
    lines.push(`  counterexample: ${c.instance ? JSON.stringify(c.instance) : '(symbolic)'}`);
    lines.push(`    ${c.reason}`);
    lines.push(`    replay: ${c.replay}`);
  }
  lines.push(`  time: ${r.seconds.toFixed(2)} s`);
  return lines.join('\n');
}

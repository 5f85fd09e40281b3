/**
 * The structure of a `dynview verify --json` file (a shard), as one zod definition: `verify
 * --merge` validates every file against it before merging (a malformed shard is one line, exit 2)
 * and `npm run schemas` writes it as schemas/verify-shard.schema.json. Unknown keys are rejected at
 * the top level and in each proof result; the report content inside (obligations, evidence, plots)
 * is checked for the fields the table and the report read.
 *
 * A new field of ProofResult goes here too (the type and its schema change together).
 */
import { z } from 'zod';
import type { ObligationResult, Verdict } from './types.ts';

/** Kept equal to the TypeScript types by the compile-time checks below (tsc fails when they drift). */
const VERDICTS = ['proved', 'supported', 'refuted', 'inconclusive'] as const;
const OBLIGATION_KINDS = ['symbolic', 'certified', 'numeric'] as const;
const OBLIGATION_STATUSES = ['pass', 'fail', 'inconclusive'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<(typeof VERDICTS)[number], Verdict>,
  Same<(typeof OBLIGATION_KINDS)[number], ObligationResult['kind']>,
  Same<(typeof OBLIGATION_STATUSES)[number], ObligationResult['status']>,
] = [true, true, true];
void typesAgree;

const verdict = z.enum(VERDICTS);
const text = z.string().max(1_000_000);

const obligation = z.looseObject({
  name: text,
  kind: z.enum(OBLIGATION_KINDS),
  status: z.enum(OBLIGATION_STATUSES),
  detail: text,
});

const claimRun = z.looseObject({
  id: text,
  verdict,
  runs: z.int().min(0),
  evidence: z.looseObject({ summary: text }),
});

const twin = z.looseObject({ id: text, verdict, detail: text });

const plot = z.looseObject({
  title: text,
  series: z.array(z.looseObject({})),
});

export const proofResultSchema = z.strictObject({
  id: text,
  title: text,
  statement: text,
  latex: text,
  guarantee: text,
  reference: text,
  hypotheses: z.array(text),
  verdict,
  obligations: z.array(obligation),
  claims: z.array(claimRun),
  twins: z.array(twin),
  twinsRefuted: z.boolean(),
  plots: z.array(plot),
  seconds: z.number().optional(),
  seed: z.int(),
});

export const verifyShardSchema = z
  .strictObject({
    $schema: z.string().optional(),
    dynview: z.literal('verify'),
    seed: z.int(),
    runs: z.int().min(1).nullable(),
    shard: z.string().max(100).nullable(),
    results: z.array(proofResultSchema),
  })
  .describe('The results of `dynview verify --json` (one shard), mergeable with --merge');

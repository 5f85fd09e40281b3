/**
 * The structure of a `dynview verify --json` file (a shard), as one zod definition: `verify
 * --merge` validates every file against it before merging (a malformed shard is one line, exit 2)
 * and `npm run schemas` writes it as schemas/verify-shard.schema.json. Unknown keys are rejected at
 * the top level and in each proof result; the report content inside (obligations, evidence, plots)
 * is checked for the fields the table and the report read.
 *
 * H2 owns the verify results: a new field of ProofResult goes here too.
 */
import { z } from 'zod';

const verdict = z.enum(['proved', 'supported', 'refuted', 'inconclusive']);
const text = z.string().max(1_000_000);

const obligation = z.looseObject({
  name: text,
  kind: z.enum(['symbolic', 'numeric']),
  status: z.enum(['pass', 'fail', 'inconclusive']),
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

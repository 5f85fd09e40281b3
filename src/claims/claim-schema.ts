/**
 * The structure of a claim file (docs/claims.md) as one zod definition: parseClaim (claim-file.ts)
 * validates against it first, and `npm run schemas` writes it as JSON Schema
 * (schemas/claim.schema.json) for editors. Unknown keys are rejected at every level; `$schema` is
 * allowed at the top. Meaning (known parameters, symbols of expressions, ranges inside domains,
 * sizes inside the resource limits) is checked by parseClaim afterwards.
 *
 * A new claim field goes here and in claim-file.ts together.
 */
import { z } from 'zod';
import { expression, identifier, methodSpecSchema } from '../spec/schema.ts';

const finite = z.number().refine(Number.isFinite, 'must be finite');
/** A number or a range [lo, hi]. */
const range = z.union([finite, z.tuple([finite, finite])], {
  error: 'must be a number or a range [lo, hi]',
});
/** An expression string or a number. */
const exprOrNumber = z.union([expression, finite], {
  error: 'must be an expression string or a number',
});
const tolerance = z.number().min(0).lt(1).optional().describe('relative tolerance in [0, 1), default 0.05');
const form = z
  .enum(['asymptotic', 'bound'])
  .optional()
  .describe("'asymptotic' (default): the rate of the slowest decay; 'bound': an upper bound at every t");

export const CLAIM_DATA_KINDS = ['sphere', 'paper-synthetic'] as const;
export const CLAIM_REGIMES = ['ode', 'discrete', 'network'] as const;

const assertion = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('linear'),
      rate: exprOrNumber.describe(
        'claimed LOSS rate ρ: L(t) = ½‖e(t)‖² ≤ C·exp(−ρ t) in the method time t (twice the rate of ‖e‖), in lambda0, lambdaMax, n, d, eta, params',
      ),
      tolerance,
      form,
    }),
    z.strictObject({
      kind: z.literal('sublinear'),
      exponent: exprOrNumber.describe('claimed exponent p: ‖e(t)‖ ≈ C·t^(−p)'),
      tolerance,
      form,
    }),
    z.strictObject({
      kind: z.literal('ode'),
      terms: z
        .record(
          z.string().regex(/^(X'+|grad|hess\*X')$/, "unknown term (X', X'', …, grad, hess*X')"),
          exprOrNumber,
        )
        .refine((t) => Object.keys(t).length > 0, 'must be a non-empty object of term → coefficient'),
      resolution: z.enum(['low', 'high']).optional(),
      space: z.enum(['weight', 'output']).optional(),
    }),
  ],
  { error: () => "assert.kind must be 'linear', 'sublinear' or 'ode'" },
);

/** The model fields (rate and quadratic claims): which layers train, and a hidden bias. */
const trainField = z
  .enum(['first', 'both'])
  .optional()
  .describe("'first' (default): W trains, a frozen, H∞ = H∞_W; 'both': a trains too, H∞ = H∞_W + K1");
const biasField = z
  .boolean()
  .optional()
  .describe('a trained hidden bias (default false): the kernels of the inputs (x, 1)');

/** The fields every claim kind starts with: identity, prose and the method. */
const claimHeader = {
  $schema: z.string().optional().describe('JSON Schema of this file (ignored by dynview)'),
  id: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'must be a non-empty identifier (letters, digits, - _ . :)'),
  statement: z.string().max(10_000).optional(),
  latex: z.string().max(10_000).optional(),
  reference: z.string().max(10_000).optional(),
  method: z
    .union([z.string().min(1).max(200), methodSpecSchema])
    .describe('a built-in method name or an inline method spec'),
};

export const claimSchema = z
  .strictObject({
    ...claimHeader,
    params: z
      .record(identifier, z.union([range, expression]))
      .optional()
      .describe('parameter values, ranges [lo, hi] or expressions in lambda0, lambdaMax, n, d, eta'),
    regime: z.enum(CLAIM_REGIMES).optional(),
    assert: assertion,
    instances: z
      .strictObject({
        data: z.enum(CLAIM_DATA_KINDS).optional(),
        n: range.optional(),
        d: range.optional(),
        width: range.optional(),
        eta: range.optional(),
        runs: z.int().min(1).optional(),
        horizon: z
          .union([
            z.strictObject({ t: z.number().positive().refine(Number.isFinite, 'must be finite') }),
            z.strictObject({ steps: z.int().positive() }),
          ])
          .optional(),
      })
      .optional(),
    driftBound: z.number().positive().optional(),
    lambda0Min: z.number().positive().optional(),
    train: trainField,
    bias: biasField,
  })
  .describe('A dynview rate claim (docs/claims.md)');

const intRange = (lo: number, hi: number) =>
  z.union([z.int().min(lo).max(hi), z.tuple([z.int().min(lo).max(hi), z.int().min(lo).max(hi)])], {
    error: `must be an integer or a range [lo, hi] of integers in [${lo}, ${hi}]`,
  });

/**
 * A quadratic-convergence claim (‖e_{k+1}‖ ≤ C‖e_k‖² on real training; src/claims/quadratic-claim.ts
 * checks its meaning). Its own top-level fields (`train`, `bias`, `instances.steps`) differ from a
 * rate claim's, so it is a schema of its own.
 */
export const quadraticClaimSchema = z
  .strictObject({
    ...claimHeader,
    params: z.record(identifier, z.union([finite, expression])).optional(),
    regime: z.literal('network').optional(),
    train: trainField,
    bias: biasField,
    assert: z.strictObject({
      kind: z.literal('quadratic'),
      C: z
        .union([z.number().positive().refine(Number.isFinite, 'must be finite'), expression])
        .describe('‖e_{k+1}‖ ≤ C‖e_k‖²: a number or an expression in lambda0, lambdaMax, n, d, m'),
      floor: z.number().min(0).lt(1).optional(),
    }),
    instances: z
      .strictObject({
        data: z.literal('sphere').optional(),
        n: intRange(2, 200).optional(),
        d: intRange(2, 64).optional(),
        width: z.int().min(1).max(200_000).optional(),
        runs: z.int().min(1).max(100).optional(),
        steps: z.int().min(1).max(20_000).optional(),
      })
      .optional(),
  })
  .describe('A dynview quadratic-convergence claim (docs/claims.md)');

/** Every claim file: a rate claim or a quadratic claim (the schema editors get). */
export const anyClaimSchema = z
  .union([claimSchema, quadraticClaimSchema])
  .describe('A dynview claim (docs/claims.md)');

/** The JSON form of a claim as a user writes it (for typed proofs and the public API). */
export type ClaimJson = z.input<typeof claimSchema>;

/**
 * The structure of a method spec as one zod definition: it validates specs at run time and
 * `npm run schemas` writes it as JSON Schema (schemas/method-spec.schema.json) for editors. Unknown
 * keys are rejected everywhere; `$schema` is allowed at the top so files can point at the schema.
 * The meaning of the expressions is checked afterwards by the expression validator (expr.ts) and
 * the spec parser (parse.ts).
 */
import { z } from 'zod';
import { SpecError } from './errors.ts';
import { isReservedName } from './expr.ts';
import type { MethodSpec } from './types.ts';
import { shorten } from '../util/quote.ts';

/** Identifiers of parameters, `let` symbols and sequences. */
export const identifier = z
  .string()
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)')
  .refine((s) => !isReservedName(s), { message: 'is a reserved name' });

/** An expression string; its content is checked by the expression validator. */
export const expression = z.string().trim().min(1, 'must be a non-empty expression').max(100_000);

export const methodSpecSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file (ignored by dynview)'),
    name: z.string().trim().min(1).max(200).describe('Method name, used in tables and reports'),
    description: z.string().max(10_000).optional(),
    params: z.array(identifier).max(64).describe('Symbols the user may set (e.g. ["eta", "beta"])'),
    defaults: z
      .record(identifier, z.number().refine(Number.isFinite, 'must be finite'))
      .optional()
      .describe('Default values of some params'),
    step: expression.describe('Step-size expression (e.g. "eta")'),
    time: expression.describe('ODE time of iterate k (e.g. "k*sqrt(eta)")'),
    let: z
      .record(identifier, expression)
      .optional()
      .describe('Scaling laws substituted before expansion, e.g. {"beta": "1 - gamma*sqrt(eta)"}'),
    update: z
      .array(expression)
      .min(1)
      .max(32)
      .describe('Update equations in order; the last defines x[k+1] (e.g. "x[k+1] = x[k] - eta*grad(x[k])")'),
    start: z.int().min(0).max(1_000_000).optional().describe('First value of k (default 0)'),
  })
  .describe('A dynview method spec: an optimizer update rule as data (docs/methods.md)');

type Issue = z.core.$ZodIssue;

/**
 * The most telling issue: inside a union, the branch that got furthest (an inline spec's own
 * problem rather than "not a string"); inside a record key, the key's own problem.
 */
function deepest(issue: Issue, base: PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.filter((b) => b.length > 0);
    const best = branches.find((b) => b[0].code !== 'invalid_type' || b[0].path.length > 0);
    if (best) return deepest(best[0], path);
  }
  return { issue, path };
}

/** One line for the first problem zod found: where (a JSON path) and what. */
export function schemaMessage(error: z.ZodError): string {
  const { issue, path } = deepest(error.issues[0], []);
  const dotted = path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  const where = dotted === '' ? '' : `'${shorten(dotted, 60)}' `;
  if (issue.code === 'unrecognized_keys')
    return `${dotted === '' ? '' : `in '${shorten(dotted, 60)}': `}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${shorten(k, 40)}'`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message) && dotted !== '')
    return `missing field ${where.trim()}`;
  if (issue.code === 'invalid_type' && dotted === '') return `must be a JSON object`;
  if (issue.code === 'invalid_key' && issue.issues.length > 0)
    return `field ${where}${issue.issues[0].message}`;
  return `field ${where}${issue.message.replace(/^Invalid input: /, '')}`;
}

/** Validate the structure of a spec object; throws SpecError with one line. */
export function validateSpecShape(raw: unknown): MethodSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SpecError('method spec must be a JSON object');
  const r = methodSpecSchema.safeParse(raw);
  if (!r.success) {
    const name = (raw as { name?: unknown }).name;
    const label = typeof name === 'string' && name.trim() !== '' ? ` '${shorten(name, 40)}'` : '';
    throw new SpecError(`method spec${label}: ${schemaMessage(r.error)}`);
  }
  const { $schema: _schema, ...spec } = r.data;
  return spec;
}

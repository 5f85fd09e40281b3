/**
 * The JSON Schema files dynview ships (schemas/*.json), generated from the zod definitions that
 * validate at run time — one definition each. Written by `npm run schemas` (scripts/schemas.ts).
 */
import { z } from 'zod';
import { methodSpecSchema } from '../spec/schema.ts';
import { anyClaimSchema } from './claim-schema.ts';
import { verifyShardSchema } from './shard-schema.ts';

function jsonSchema(schema: z.ZodType, title: string): string {
  const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const out = { title, ...js };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** File name → contents. */
export function schemaFiles(): Record<string, string> {
  return {
    'method-spec.schema.json': jsonSchema(methodSpecSchema, 'dynview method spec'),
    'claim.schema.json': jsonSchema(anyClaimSchema, 'dynview claim'),
    'verify-shard.schema.json': jsonSchema(verifyShardSchema, 'dynview verify results'),
  };
}

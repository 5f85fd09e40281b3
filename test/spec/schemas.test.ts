/**
 * JSON Schemas: generated from the zod definitions (schemas/*.json up to date), every example
 * carries `$schema` and validates against the same definition at run time, and a malformed file
 * is one line with exit code 2 (spawned CLI).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../src/claims/schema-files.ts';
import { anyClaimSchema, CLAIM_DATA_KINDS, CLAIM_REGIMES } from '../../src/claims/claim-schema.ts';
import { isQuadraticClaim, parseQuadraticClaim } from '../../src/claims/quadratic-claim.ts';
import { DATA_KINDS, REGIMES, parseClaim } from '../../src/claims/claim-file.ts';
import { methodSpecSchema } from '../../src/spec/schema.ts';
import { parseSpec } from '../../src/spec/parse.ts';

const root = join(import.meta.dirname, '..', '..');

function examples(dir: string): string[] {
  return readdirSync(join(root, 'examples', dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(root, 'examples', dir, f));
}

describe('schemas', () => {
  it('schemas/*.json are generated from the zod definitions (npm run schemas)', () => {
    for (const [name, text] of Object.entries(schemaFiles())) {
      expect(readFileSync(join(root, 'schemas', name), 'utf8'), `schemas/${name}: run npm run schemas`).toBe(
        text,
      );
    }
  });

  it('the claim schema and the claim parser agree on data kinds and regimes', () => {
    expect([...CLAIM_DATA_KINDS]).toEqual([...DATA_KINDS]);
    expect([...CLAIM_REGIMES]).toEqual([...REGIMES]);
  });

  it('every example method spec has $schema, matches the schema and parses (bad-* are rejected)', () => {
    for (const f of examples('methods')) {
      const raw = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      expect(raw.$schema, f).toBe('../../schemas/method-spec.schema.json');
      expect(methodSpecSchema.safeParse(raw).success, f).toBe(true);
      if (f.includes('/bad-')) expect(() => parseSpec(raw), f).toThrow();
      else expect(() => parseSpec(raw), f).not.toThrow();
    }
  });

  it('every example claim has $schema, matches the schema and parses (bad-* are rejected)', () => {
    for (const f of examples('claims')) {
      const raw = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
      expect(raw.$schema, f).toBe('../../schemas/claim.schema.json');
      expect(anyClaimSchema.safeParse(raw).success, f).toBe(true);
      const parse = () => (isQuadraticClaim(raw) ? parseQuadraticClaim(raw) : parseClaim(raw));
      if (f.includes('/bad-')) expect(parse, f).toThrow();
      else expect(parse, f).not.toThrow();
    }
  });

  it('a malformed spec and a malformed claim: one line on stderr, exit 2 (spawned CLI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynview-schema-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'm', params: 'eta', step: 'eta', time: 'k', update: [] }));
    const claim = join(dir, 'claim.json');
    writeFileSync(
      claim,
      JSON.stringify({ id: 'c', method: 'gd', assert: { kind: 'linear', rate: 1 }, x: 1 }),
    );
    const runs: Array<[string[], RegExp]> = [
      [['derive', '--method', spec], /field 'params'/],
      [['check', claim], /unknown field 'x'/],
    ];
    for (const [args, msg] of runs) {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'dynview.js'), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

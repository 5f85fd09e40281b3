/**
 * `npm run schemas`: write the JSON Schemas of method specs, claims and verify shard files from
 * their one zod definition (src/spec/schema.ts, src/claims/claim-schema.ts,
 * src/claims/shard-schema.ts) into schemas/. The files are committed and shipped; a test
 * (test/spec/schemas.test.ts) fails when they are out of date. `--check` only compares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaFiles } from '../src/claims/schema-files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [name, text] of Object.entries(schemaFiles())) {
  const path = join(root, 'schemas', name);
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = '';
  }
  if (old === text) continue;
  if (check) {
    process.stderr.write(`schemas/${name} is out of date: run npm run schemas\n`);
    stale++;
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote schemas/${name}\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;

/**
 * The layer rule (.dependency-cruiser.cjs) can fail: run on a fixture with deliberate violations it
 * reports each of them and stays silent on the allowed directions. (`npm run deps` runs the same rule
 * on the real tree.)
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as {
  forbidden: IFlattenedRuleSet['forbidden'];
  options: { knownViolations: unknown[] };
};

async function violations(baseDir: string, dirs: string[]) {
  const out = await cruise(dirs, {
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  });
  const summary = (out.output as ICruiseResult).summary;
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layer rule', () => {
  it('fires on an upward import, a wrong-way sibling import, the cycle it makes and src → proofs (fixture)', async () => {
    const found = await violations(join(root, 'test/architecture/fixtures'), ['src', 'proofs']);
    expect(found).toContain('layer-spec-imports-up: src/spec/parse.ts → src/cli/main.ts');
    expect(found).toContain('layer-ntk-imports-sibling: src/ntk/gram.ts → src/train/types.ts');
    expect(found.some((v) => v.startsWith('no-circular: '))).toBe(true);
    expect(found).toContain('src-imports-proofs-or-bench: src/claims/run.ts → proofs/p.ts');
    // allowed directions stay silent: cli → util, cli → proofs, train → ntk
    expect(found.filter((v) => v.includes('src/cli/main.ts →'))).toEqual([]);
    expect(found).not.toContain('layer-train-imports-sibling: src/train/types.ts → src/ntk/gram.ts');
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerVerify } from '../../src/cli/verify.ts';
import { runCommand } from './run-inprocess.ts';

describe('dynview verify', () => {
  it('runs shards deterministically, merges them, and writes a report with plots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynview-verify-'));
    const targets = [
      'examples/claims/hb-ode.json',
      'ntk-init',
      'examples/claims/hb-ode-wrong-damping.json',
      'examples/claims/gd-flow-rate.json',
    ];
    const a = await runCommand(registerVerify, [
      'verify',
      ...targets,
      '--runs',
      '2',
      '--shard',
      '1/2',
      '--json',
      join(dir, 'a.json'),
    ]);
    const b = await runCommand(registerVerify, [
      'verify',
      ...targets,
      '--runs',
      '2',
      '--shard',
      '2/2',
      '--json',
      join(dir, 'b.json'),
    ]);
    expect(a.code, a.out).toBe(1); // shard 1 holds the false twin hb-ode-wrong-damping: refuted → exit 1
    expect(b.code, b.out).toBe(0);
    const ja = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    const jb = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
    expect(ja.results.map((r: { id: string }) => r.id)).toEqual(['hb-ode', 'hb-ode-wrong-damping']);
    expect(jb.results.map((r: { id: string }) => r.id)).toEqual(['ntk-init', 'gd-flow-rate']);
    const m = await runCommand(registerVerify, [
      'verify',
      '--merge',
      join(dir, 'a.json'),
      join(dir, 'b.json'),
      '--report',
      join(dir, 'r.html'),
    ]);
    expect(m.code).toBe(1);
    expect(m.out).toMatch(/ntk-init\s+supported\s+1\/1 refuted/);
    expect(m.out).toMatch(/hb-ode\s+proved/);
    expect(m.out).toMatch(/hb-ode-wrong-damping\s+refuted/);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html).toContain('<svg'); // the ‖H(W0) − H∞‖ against width plot
    const md = await runCommand(registerVerify, [
      'verify',
      '--merge',
      join(dir, 'b.json'),
      '--report',
      join(dir, 'r.md'),
    ]);
    expect(md.code).toBe(0);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/init-kernel against width/);
  });

  it('bad input is a usage error (exit 2)', async () => {
    expect((await runCommand(registerVerify, ['verify', 'no-such-proof'])).code).toBe(2);
    expect((await runCommand(registerVerify, ['verify', '--shard', '3/2'])).code).toBe(2);
    expect((await runCommand(registerVerify, ['verify', '--report', 'x.pdf'])).code).toBe(2);
    expect((await runCommand(registerVerify, ['verify', '--merge'])).code).toBe(2);
  });
});

describe('dynview verify --claim (replay)', () => {
  it('prints the replayed twin with its counterexample; an unknown id is exit 2 naming the ids', async () => {
    const r = await runCommand(registerVerify, [
      'verify',
      'gd-linear',
      '--claim',
      'gd-rate-3lambda0',
      '--path',
      '0',
    ]);
    expect(r.out).toMatch(/gd-rate-3lambda0: refuted — mode λ = λ0/);
    const bad = await runCommand(registerVerify, ['verify', 'gd-linear', '--claim', 'nonexistent']);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toMatch(
      /no claim, property or twin of gd-linear has this id .*gd-rate-3lambda0/,
    );
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { registerCheck } from '../../src/cli/check.ts';
import { runCommand } from './run-inprocess.ts';

describe('dynview check', () => {
  it('refutes the nag-c-is-linear example (exit 1) with a replayable counterexample in JSON', async () => {
    const r = await runCommand(registerCheck, [
      'check',
      'examples/claims/nag-c-is-linear.json',
      '--json',
      '--runs',
      '3',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ id: 'nag-c-is-linear', verdict: 'refuted' });
    expect(j.runs).toBeGreaterThan(0);
    expect(j.counterexample.instance).toBeTruthy();
    expect(j.counterexample.replay).toMatch(/--seed \d+ --path [\d:]+/);
    expect(j.evidence).toBeTruthy();
    // the printed seed and path replay the same shrunk instance
    const again = await runCommand(registerCheck, [
      'check',
      'examples/claims/nag-c-is-linear.json',
      '--json',
      '--seed',
      String(j.counterexample.seed),
      '--path',
      j.counterexample.path,
    ]);
    expect(JSON.parse(again.out).counterexample.instance).toEqual(j.counterexample.instance);
  });

  it('proves a true ode claim (certified, exit 0) and a symbolic one, reports a false twin (exit 1)', async () => {
    const s = await runCommand(registerCheck, [
      'check',
      'examples/claims/nag-c-exponent-3.json',
      '--runs',
      '3',
    ]);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/PROVED/); // an ode-regime rate claim is decided exactly (certified)
    const p = await runCommand(registerCheck, ['check', 'examples/claims/hb-ode.json']);
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/PROVED/);
    const t = await runCommand(registerCheck, [
      'check',
      'examples/claims/nag-c-exponent-4.json',
      '--runs',
      '3',
    ]);
    expect(t.code).toBe(1);
  });

  it('bad input is a usage error (exit 2)', async () => {
    for (const args of [
      ['examples/claims/bad-empty-range.json'],
      ['no-such-file.json'],
      ['examples/claims/hb-ode.json', '--runs', '0'],
      ['examples/claims/hb-ode.json', '--path', 'x'],
    ]) {
      const r = await runCommand(registerCheck, ['check', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('end to end: bad input prints one line and exits 2', () => {
    const r = spawnSync('node', ['bin/dynview.js', 'check', 'examples/claims/bad-empty-range.json'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'dynview: error: examples/claims/bad-empty-range.json: instances.n: empty range [20, 4]',
    ]);
  });
});

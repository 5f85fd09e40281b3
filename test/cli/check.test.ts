import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(args: string[]) {
  const r = spawnSync('node', ['bin/dynview.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('dynview check', () => {
  it('refutes the issue\'s nag-c-is-linear example (exit 1) with a replayable counterexample in JSON', () => {
    const r = run(['check', 'examples/claims/nag-c-is-linear.json', '--json', '--runs', '3']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ id: 'nag-c-is-linear', verdict: 'refuted' });
    expect(j.runs).toBeGreaterThan(0);
    expect(j.counterexample.instance).toBeTruthy();
    expect(j.counterexample.replay).toMatch(/--seed \d+ --path [\d:]+/);
    expect(j.evidence).toBeTruthy();
  });

  it('proves a symbolic claim (exit 0)', () => {
    const p = run(['check', 'examples/claims/hb-ode.json']);
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/PROVED/);
  });

  it('bad input: one line, exit 2', () => {
    const r = run(['check', 'examples/claims/bad-empty-range.json']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/empty range/);
    expect(run(['check', 'examples/claims/gd-flow-rate.json', '--runs', '0']).code).toBe(2);
  });
});

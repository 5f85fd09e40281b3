import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function run(args: string[]) {
  const r = spawnSync('node', ['bin/dynview.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('dynview verify', () => {
  it('runs shards deterministically, merges them, and writes a report with plots', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynview-verify-'));
    const targets = ['examples/claims/hb-ode.json', 'examples/claims/gd-flow-rate.json', 'examples/claims/hb-ode-wrong-damping.json'];
    const a = run(['verify', ...targets, '--runs', '2', '--shard', '1/2', '--json', join(dir, 'a.json')]);
    const b = run(['verify', ...targets, '--runs', '2', '--shard', '2/2', '--json', join(dir, 'b.json')]);
    expect(a.code).toBe(1); // shard 1 holds the false twin: refuted → exit 1
    expect(b.code).toBe(0);
    const ja = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    const jb = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
    expect(ja.results.map((r: { id: string }) => r.id)).toEqual(['hb-ode', 'hb-ode-wrong-damping']);
    expect(jb.results.map((r: { id: string }) => r.id)).toEqual(['gd-flow-rate']);
    const m = run(['verify', '--merge', join(dir, 'a.json'), join(dir, 'b.json'), '--report', join(dir, 'r.html')]);
    expect(m.code).toBe(1);
    expect(m.out).toMatch(/gd-flow-rate\s+supported/);
    expect(m.out).toMatch(/hb-ode\s+proved/);
    expect(m.out).toMatch(/hb-ode-wrong-damping\s+refuted/);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<table>');
  });

  it('bad input exits 2 with one line', () => {
    const r = run(['verify', 'no-such-proof']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/dynview.js', import.meta.url).pathname;
const dynview = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('dynview reproduce bu2021', () => {
  it('runs a tiny configuration end to end: SVGs, CSV, summary with verdicts', () => {
    const out = mkdtempSync(join(tmpdir(), 'dynview-bu2021-'));
    try {
      const r = dynview('reproduce', 'bu2021', '--tiny', '--figure', 'hb-epoch,hb-width', '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/bu2021 \(tiny sizes\)/);
      for (const f of [
        'hb-epoch-standard.svg',
        'hb-epoch-ntk.svg',
        'hb-width-standard.svg',
        'hb-width-ntk-drift.svg',
        'hb-epoch.csv',
        'hb-width.csv',
        'summary.md',
      ]) {
        expect(existsSync(join(out, f)), f).toBe(true);
      }
      expect(readFileSync(join(out, 'hb-epoch-standard.svg'), 'utf8')).toMatch(/^<svg/);
      const summary = readFileSync(join(out, 'summary.md'), 'utf8');
      expect(summary).toMatch(/time-rescaling check/);
      expect(summary).toMatch(/Regime: /);
      expect(summary).toMatch(/sizes: \*\*tiny\*\*/);
      expect(summary).not.toMatch(/NaN/);
      const csv = readFileSync(join(out, 'hb-epoch.csv'), 'utf8').split('\n');
      expect(csv[0]).toBe('model,curve,width,seed,epoch,loss,frozen_kernel_loss');
      expect(csv.join('\n')).not.toMatch(/NaN|Infinity/);
      expect(csv.length).toBeGreaterThan(8 * 40);
      expect(existsSync(join(out, 'nag-epoch.csv'))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('an unknown figure name is one line, exit 2', () => {
    const r = dynview('reproduce', 'bu2021', '--figure', 'hb-epochs', '--tiny');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown figure 'hb-epochs'/);
  });

  it('an unknown paper and a bad --seeds are one line, exit 2', () => {
    const a = dynview('reproduce', 'du2019');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown paper 'du2019'/);
    const b = dynview('reproduce', 'bu2021', '--seeds', '0', '--tiny');
    expect(b.status).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });
});

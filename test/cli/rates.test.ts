import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerRates } from '../../src/cli/rates.ts';
import { UsageError } from '../../src/cli/errors.ts';

const BIN = fileURLToPath(new URL('../../bin/dynview.js', import.meta.url));
const SMALL = ['--data', 'sphere:n=12,d=4,seed=2'];

/** The command in-process (the machine is shared: one process per case would cost seconds each). */
async function runIn(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerRates(program).exitOverride();
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['rates', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return out;
}

describe('dynview rates (end to end, real process)', () => {
  it('`dynview rates --format md` prints a complete table for the built-ins; a bad grid is one line, exit 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'rates', '--format', 'md'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    for (const m of ['gd', 'hb', 'nag-c', 'nag-sc', 'hm'])
      expect(r.stdout).toMatch(new RegExp(`^\\| ${m} `, 'm'));
    expect(r.stdout).toMatch(/λ0 = [0-9.]+, λmax = [0-9.]+, κ = [0-9.]+/);
    expect(r.stdout).not.toMatch(/NaN/);
    const bad = spawnSync(process.execPath, [BIN, 'rates', '--grid', 'beta=0.2,x'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      "dynview: error: --grid: 'x' is not a finite number (parameter beta)",
    ]);
    expect(bad.stdout).toBe('');
  });
});

describe('dynview rates (in process)', () => {
  beforeEach(() => {
    delete process.env.FORCE_TTY;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('json with a grid and --measure: documented keys, measured rate near the discrete prediction; --plot writes an SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynview-rates-'));
    const svg = join(dir, 'rates.svg');
    const out = await runIn([
      '--methods',
      'gd,hb',
      '--grid',
      'hb.beta=0.2,0.5',
      ...SMALL,
      '--measure',
      '--width',
      '400',
      '--steps',
      '150',
      '--format',
      'json',
      '--plot',
      svg,
    ]);
    const doc = JSON.parse(out) as {
      data: { lambda0: number; lambdaMax: number; kappa: number };
      rows: Array<Record<string, unknown>>;
    };
    expect(doc.data.kappa).toBeCloseTo(doc.data.lambdaMax / doc.data.lambda0, 10);
    expect(doc.rows.map((x) => x.method)).toEqual(['gd', 'hb', 'hb']);
    for (const row of doc.rows) {
      expect(row.odeExponent).toBeNull();
      expect(typeof row.odeRate).toBe('number');
      const measured = row.measuredRate as number;
      const discrete = row.discreteRate as number;
      expect(measured).toBeGreaterThan(0);
      expect(measured).toBeLessThan(1);
      // the trained net decays at least about as fast as the worst linearised mode, and not wildly faster
      expect(Math.log(measured) / Math.log(discrete)).toBeGreaterThan(0.8);
      expect(Math.log(measured) / Math.log(discrete)).toBeLessThan(3);
    }
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  });

  it("the measured rate is the trainer's: exp(perStep/2) of its ln(loss) slope", async () => {
    const { loadData } = await import('../../src/data/load.ts');
    const { train } = await import('../../src/train/trainer.ts');
    const { fitMeasuredRate } = await import('../../src/dynamics/rates.ts');
    const data = loadData('sphere:n=12,d=4,seed=2');
    const traj = train({
      data,
      width: 300,
      method: 'gd',
      params: { eta: 0.3 },
      steps: 120,
      seed: 1,
      probeEvery: 0,
    });
    expect(traj.rate).not.toBeNull();
    const fit = fitMeasuredRate(traj.errNorm, traj.rate!.window)!;
    expect(fit.rate).toBeCloseTo(Math.exp(traj.rate!.perStep / 2), 8);
  });

  it('several --data sets: one CSV with a data column, JSON with a data array and rows naming their set', async () => {
    const two = [
      '--data',
      'sphere:n=12,d=4,seed=2',
      '--data',
      'sphere:n=10,d=4,seed=5',
      '--methods',
      'gd,nag-c',
    ];
    const csv = (await runIn([...two, '--format', 'csv'])).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(new Set(csv.slice(1).map((l) => l.split(',')[0])).size).toBe(2);
    const doc = JSON.parse(await runIn([...two, '--format', 'json'])) as {
      data: Array<{ source: string }>;
      rows: Array<{ data: string; odeExponent: number | null }>;
    };
    expect(doc.data.map((d) => d.source)).toEqual(['sphere:n=12,d=4,seed=2', 'sphere:n=10,d=4,seed=5']);
    expect(doc.rows.map((r) => r.data)).toEqual([
      'sphere:n=12,d=4,seed=2',
      'sphere:n=12,d=4,seed=2',
      'sphere:n=10,d=4,seed=5',
      'sphere:n=10,d=4,seed=5',
    ]);
    expect(doc.rows[1].odeExponent).toBe(1.5);
  });

  it('latex and csv forms', async () => {
    const tex = await runIn(['--methods', 'nag-c', '--grid', 'r=2,8', '--format', 'latex', ...SMALL]);
    expect(tex).toContain('\\begin{tabular}');
    expect(tex).toContain('\\bottomrule');
    expect(tex).toMatch(/1\.000 &/); // r = 2 → p = 1
    expect(tex).toMatch(/4\.000 &/); // r = 8 → p = 4
    const csv = await runIn(['--methods', 'gd', '--format', 'csv', ...SMALL]);
    expect(csv.split('\n')[0]).toMatch(/^data,lambda0,lambdaMax,kappa,method,params,odeRate/);
  });

  it('bad input is a UsageError with one line (exit 2 at the CLI boundary)', async () => {
    for (const args of [
      ['--methods', 'nope'],
      ['--grid', 'zeta=1'],
      ['--format', 'xml'],
      ['--eta', '-1'],
      ['--methods', 'gd', '--data', 'bogus:n=3'],
    ]) {
      const err = await runIn([...args, ...(args.includes('--data') ? [] : SMALL)]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });
});

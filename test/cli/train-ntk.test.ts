import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerTrain } from '../../src/cli/train.ts';
import { registerNtk } from '../../src/cli/ntk.ts';
import { UsageError } from '../../src/cli/errors.ts';

const bin = new URL('../../bin/dynview.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dynview-cli-'));

function dynview(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const base = [
  'train',
  '--data',
  'sphere:n=8,d=3,seed=1',
  '--width',
  '50',
  '--method',
  'gd',
  '--eta',
  '0.5',
  '--steps',
  '20',
];

describe('dynview train end to end', () => {
  it('prints a summary and writes JSON with the fixed names and CSV rows', () => {
    const json = join(dir, 't.json');
    const csv = join(dir, 't.csv');
    const r = dynview(...base, '--probe-every', '5', '--json', json, '--csv', csv);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    expect(r.stdout).toMatch(/status: +ok, 20 steps/);
    expect(r.stdout).toMatch(/λ0 = /);
    expect(r.stdout).toMatch(/kernel drift/);
    expect(r.stdout).not.toMatch(/NaN/);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    for (const key of ['status', 'steps', 'loss', 'lambda0', 'lambdaMax', 'probes', 'rate'])
      expect(j).toHaveProperty(key);
    expect(j).not.toHaveProperty('seconds'); // wall-clock time only with --timings (same seed, same bytes)
    expect(j.status).toBe('ok');
    expect(j.loss.length).toBe(21);
    expect(j.probes.map((p: { step: number }) => p.step)).toEqual([0, 5, 10, 15, 20]);
    for (const key of ['step', 'lambdaMin', 'lambdaMax', 'kernelDrift', 'weightDrift', 'flipFraction'])
      expect(j.probes[1]).toHaveProperty(key);
    expect(j.rate.window).toEqual([10, 20]);
    expect(j.rate.perStep).toBeLessThan(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'step,loss,errNorm,lambdaMin,lambdaMax,kernelDrift,weightDrift,flipFraction,relativeKernelAction,stepResidual,kinkCrossings,kinkShift',
    );
    expect(lines.length).toBe(22);
    expect(
      lines[2]
        .split(',')
        .slice(3)
        .every((c) => c === ''),
    ).toBe(true); // step 1: no probe
    expect(Number(lines[1].split(',')[1])).toBe(j.loss[0]);
  });
  it('a user spec file trains like the built-in (bit-identical loss)', () => {
    const spec = join(dir, 'gd.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'my-gd',
        params: ['eta'],
        step: 'eta',
        time: 'k*eta',
        update: ['x[k+1] = x[k] - eta*grad(x[k])'],
      }),
    );
    const a = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    const b = JSON.parse(dynview(...base, '--method', spec, '--probe-every', '5', '--json', '-').stdout);
    expect(b.loss).toEqual(a.loss);
    expect(b.method).toBe('my-gd');
  });
  it('divergence: exit 0, status diverged, no NaN printed', () => {
    const json = join(dir, 'div.json');
    const r = dynview(...base, '--eta', '80', '--steps', '200', '--json', json);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/diverged at step \d+/);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    // Beyond the stability edge the summary compares with the unstable largest mode, not λ_min.
    expect(r.stdout).toMatch(/≥ 2: the linearised step is unstable/);
    expect(r.stdout).not.toMatch(/2·ln\(1 − η·λ_min\(H\)\)/);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.status).toBe('diverged');
    expect(typeof j.divergedAt).toBe('number');
  });
  it('non-unit rows are noted; duplicate rows warn that λ0 ≈ 0', () => {
    const f = join(dir, 'dup.csv');
    writeFileSync(f, '1,0,1\n2,0,2\n0,1,0\n0.5,0.5,1\n');
    const r = dynview(
      'train',
      '--data',
      `file:${f}`,
      '--width',
      '20',
      '--method',
      'gd',
      '--eta',
      '0.1',
      '--steps',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not unit-norm/);
    expect(r.stdout).toMatch(/warning: +λ0 ≈ 0 .*rows 1 and 2/);
  });
});

describe('dynview ntk end to end', () => {
  it('H∞ spectrum, and H(W0) with --width', () => {
    const r = dynview('ntk', '--data', 'sphere:n=20,d=5,seed=0', '--width', '2000', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n).toBe(20);
    expect(j.d).toBe(5);
    expect(j.lambda0).toBeGreaterThan(0);
    expect(j.kappa).toBeCloseTo(j.lambdaMax / j.lambda0, 10);
    expect(j.empirical.width).toBe(2000);
    expect(j.empirical.distance).toBeGreaterThan(0);
    const human = dynview('ntk', '--data', 'sphere:n=20,d=5,seed=0', '--width', '2000');
    expect(human.stdout).toMatch(/‖H\(W0\) − H∞‖₂ = /);
    expect(human.stdout).toMatch(new RegExp(`λ0 = ${Number(j.lambda0.toPrecision(4))}`));
  });
  it('states λ0 ≈ 0 and names a parallel pair', () => {
    const f = join(dir, 'par.csv');
    writeFileSync(f, '0,1,1\n3,1,0\n0,2,5\n');
    const r = dynview('ntk', '--data', `file:${f}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/λ0 ≈ 0.*rows 1 and 3/);
  });
});

describe('bad input: exit 2, one line on stderr, no stack trace', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  const ragged = join(dir, 'ragged.csv');
  writeFileSync(ragged, '1,2,3\n4,5\n');
  const cases: Array<[string, string[], RegExp]> = [
    ['η = 0', ['--eta', '0'], /--eta must be positive/],
    ['η < 0', ['--eta', '-0.1'], /--eta must be positive/],
    ['width 0', ['--width', '0'], /--width must be an integer >= 1/],
    ['width not a number', ['--width', 'many'], /--width must be a finite (decimal )?number/],
    ['β = 1', ['--method', 'hb', '--beta', '1'], /--beta must be in \[0, 1\)/],
    ['β < 0', ['--method', 'hb', '--beta', '-0.1'], /--beta must be in \[0, 1\)/],
    ['unknown method', ['--method', 'adam'], /unknown method 'adam'/],
    ['flag the method lacks', ['--beta', '0.5'], /no parameter 'beta'/],
    ['hb without β or γ', ['--method', 'hb'], /needs a value for beta/],
    ['unreadable spec file', ['--method', join(dir, 'missing.json')], /cannot read method spec/],
    ['spec file not JSON', ['--method', bad], /not valid JSON/],
    ['unknown data source', ['--data', 'cube:n=3'], /unknown data source/],
    ['ragged data', ['--data', `file:${ragged}`], /ragged/],
    ['bad engine', ['--engine', 'warp'], /--engine must be/],
  ];
  const withOverride = (override: string[]): string[] => {
    const args = [...base];
    for (let i = 0; i < override.length; i += 2) {
      const at = args.indexOf(override[i]);
      if (at >= 0) args[at + 1] = override[i + 1];
      else args.push(override[i], override[i + 1]);
    }
    return args;
  };
  // Every case in-process (fast): the action must throw a UsageError, which main() reports as one
  // line with exit code 2; a sample of them also end to end through bin/dynview.js.
  for (const [name, override, re] of cases) {
    it(`train: ${name} (in-process: UsageError)`, async () => {
      const program = new Command().exitOverride();
      registerTrain(program)
        .exitOverride()
        .configureOutput({ writeErr: () => {} });
      const err = await program.parseAsync(withOverride(override), { from: 'user' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toMatch(/\n/);
    });
  }
  for (const [name, override, re] of cases.filter((_, i) => [0, 4, 12].includes(i))) {
    it(`train: ${name} (end to end: exit 2, one line)`, () => {
      const r = dynview(...withOverride(override));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^dynview: error: /);
    });
  }
  it('ntk: bad width (in-process: UsageError)', async () => {
    const program = new Command().exitOverride();
    registerNtk(program)
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    const err = await program.parseAsync(['ntk', '--data', 'sphere', '--width', '0'], { from: 'user' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
  });
  it('train: unknown flag', () => {
    const r = dynview(...base, '--momentum', '0.9');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--momentum'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('train: missing required flag', () => {
    const r = dynview('train', '--data', 'sphere', '--width', '10', '--method', 'gd', '--steps', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--eta/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('ntk: bad data', () => {
    const d = dynview('ntk', '--data', 'file:/nonexistent.csv');
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/cannot read data file/);
  });
});

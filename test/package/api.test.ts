/**
 * The public API (src/index.ts, what `import … from 'dynview'` gives) returns the same objects the
 * commands print with `--json` (and `--timings`: the API keeps wall-clock seconds; they are the one
 * field that differs between two runs, so they are removed before comparing).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, derive, ntk, rates, train, verify, type ClaimJson } from '../../src/index.ts';
import { registerCheck } from '../../src/cli/check.ts';
import { registerDerive } from '../../src/cli/derive.ts';
import { registerNtk } from '../../src/cli/ntk.ts';
import { registerRates } from '../../src/cli/rates.ts';
import { registerTrain } from '../../src/cli/train.ts';
import { registerVerify } from '../../src/cli/verify.ts';
import { withoutTimings } from '../../src/util/io.ts';
import { runCommand } from '../cli/run-inprocess.ts';
import { proof as tinyProof } from './fixtures/tiny-proof.ts';

const DATA = 'sphere:n=6,d=3,seed=0';
const cli = async (register: Parameters<typeof runCommand>[0], args: string[]): Promise<unknown> => {
  const r = await runCommand(register, args);
  expect(r.error, args.join(' ')).toBeNull();
  return withoutTimings(JSON.parse(r.out) as unknown);
};

describe('public API = the --json outputs', () => {
  it('train', async () => {
    const api = await train({
      data: DATA,
      width: 100,
      method: 'hb',
      eta: 0.2,
      params: { beta: 0.5 },
      steps: 12,
    });
    expect(api.loss).toHaveLength(13);
    expect(typeof api.seconds).toBe('number');
    const args = [
      'train',
      '--data',
      DATA,
      '--width',
      '100',
      '--method',
      'hb',
      '--eta',
      '0.2',
      '--beta',
      '0.5',
    ];
    expect(withoutTimings(api)).toEqual(await cli(registerTrain, [...args, '--steps', '12', '--json', '-']));
  });

  it('ntk', async () => {
    const api = await ntk({ data: DATA, width: 50 });
    expect(api.lambda0).toBeGreaterThan(0);
    expect(api).toEqual(await cli(registerNtk, ['ntk', '--data', DATA, '--width', '50', '--json']));
  });

  it('derive', async () => {
    const api = await derive({ method: 'nag-c' });
    expect(api.outputSpace?.ode).toMatch(/r\/t/);
    expect(api).toEqual(
      await cli(registerDerive, ['derive', '--method', 'nag-c', '--json', '--output-space']),
    );
  });

  it('rates', async () => {
    const api = await rates({ methods: ['gd', 'hb'], data: 'sphere:n=8,d=3,seed=0', params: { gamma: 1 } });
    expect(api.rows.map((r) => r.method)).toEqual(['gd', 'hb']);
    const args = ['rates', '--methods', 'gd,hb', '--data', 'sphere:n=8,d=3,seed=0', '--param', 'gamma=1'];
    expect(api).toEqual(await cli(registerRates, [...args, '--format', 'json']));
  });

  it('check', async () => {
    const file = 'examples/claims/hb-ode.json';
    const api = await check(JSON.parse(readFileSync(file, 'utf8')) as ClaimJson, {
      replayCommand: `dynview check ${file}`,
    });
    expect(api.verdict).toBe('proved');
    expect(withoutTimings(api)).toEqual(await cli(registerCheck, ['check', file, '--json']));
  });

  it('verify', async () => {
    const api = await verify([tinyProof]);
    expect(api.results[0].verdict).toBe('proved');
    expect(api.results[0].twinsRefuted).toBe(true);
    const r = await runCommand(registerVerify, [
      'verify',
      'test/package/fixtures/tiny-proof.ts',
      '--json',
      '-',
    ]);
    expect(r.code).toBe(0);
    expect(withoutTimings(api)).toEqual(withoutTimings(JSON.parse(r.out.slice(r.out.indexOf('{')))));
  });

  it('bad input throws errors named like the ones the CLI reports as exit 2', async () => {
    await expect(
      train({ data: DATA, width: 10, method: 'gd', eta: 0.1, params: { alpha: 1 }, steps: 2 }),
    ).rejects.toMatchObject({ name: 'SpecError' });
    await expect(ntk({ data: 'sphere:n=-1' })).rejects.toMatchObject({ name: 'DataError' });
    await expect(
      check(
        { id: 'x', method: 'gd', assert: { kind: 'linear', rate: '2*lambda0' } },
        { params: { beta: 1 } },
      ),
    ).rejects.toMatchObject({ name: 'ClaimError' });
  });
});

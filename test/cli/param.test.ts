/**
 * `--param name=value` on train, derive, rates and check: a user spec with its own parameter
 * (examples/methods/momentum-alpha.json, symbol `alpha`) derives, trains, gets a rate row and is
 * checked with no code change; undeclared symbols and symbols given twice are bad input (exit 2).
 * Expected values are independent of the code under test: momentum-alpha with alpha = 0.3 is the
 * same update rule as the built-in hb-fixed with beta = 0.3 (bit-identical training), and its ODE
 * limit X' = −∇f/(1 − α) has the rate λ/(1 − α) per mode.
 */
import { describe, expect, it } from 'vitest';
import { registerCheck } from '../../src/cli/check.ts';
import { registerDerive } from '../../src/cli/derive.ts';
import { registerRates } from '../../src/cli/rates.ts';
import { registerTrain } from '../../src/cli/train.ts';
import { runCommand } from './run-inprocess.ts';

const SPEC = 'examples/methods/momentum-alpha.json';
const CLAIM = 'examples/claims/momentum-alpha-rate.json';
const TWIN = 'examples/claims/momentum-alpha-wrong-rate.json';
const DATA = 'sphere:n=10,d=4,seed=0';

describe('--param name=value', () => {
  it('derive: a numeric rate with alpha (λ0/(1 − α))', async () => {
    const r = await runCommand(registerDerive, [
      'derive',
      '--method',
      SPEC,
      '--param',
      'alpha=0.3',
      '--param',
      'eta=0.01',
      '--lambda0',
      '0.2',
    ]);
    expect(r.error).toBeNull();
    expect(r.out).toMatch(/X'\(t\) \+ \(1\/\(1 - alpha\)\)\*grad f\(X\(t\)\) = 0/);
    const rate = Number(/exp\(−([\d.]+) t\)/.exec(r.out)?.[1]);
    expect(rate).toBeCloseTo(0.2 / 0.7, 5);
  });

  it('train: alpha = 0.3 trains bit-identically to hb-fixed with beta = 0.3', async () => {
    const common = ['--data', DATA, '--width', '300', '--eta', '0.5', '--steps', '40', '--json', '-'];
    const mine = await runCommand(registerTrain, [
      'train',
      '--method',
      SPEC,
      '--param',
      'alpha=0.3',
      ...common,
    ]);
    const ref = await runCommand(registerTrain, [
      'train',
      '--method',
      'hb-fixed',
      '--beta',
      '0.3',
      ...common,
    ]);
    expect(mine.error).toBeNull();
    const a = JSON.parse(mine.out);
    const b = JSON.parse(ref.out);
    expect(a.params).toEqual({ eta: 0.5, alpha: 0.3 });
    expect(a.loss).toEqual(b.loss);
    // the named flag is a shorthand for --param: --param beta=0.3 gives the same run as --beta 0.3
    const viaParam = await runCommand(registerTrain, [
      'train',
      '--method',
      'hb-fixed',
      '--param',
      'beta=0.3',
      ...common,
    ]);
    expect(JSON.parse(viaParam.out).loss).toEqual(b.loss);
  });

  it('rates: a row for the user spec with alpha fixed', async () => {
    const r = await runCommand(registerRates, [
      'rates',
      '--methods',
      SPEC,
      '--param',
      'alpha=0.3',
      '--data',
      'sphere:n=20,d=5,seed=1',
      '--format',
      'json',
    ]);
    expect(r.error).toBeNull();
    const j = JSON.parse(r.out);
    expect(j.rows).toHaveLength(1);
    expect(j.rows[0].params.alpha).toBe(0.3);
    expect(j.rows[0].odeKind).toBe('linear');
    expect(j.rows[0].odeRate).toBeCloseTo(j.data.lambda0 / 0.7, 6);
  });

  it('check: the claim holds at alpha = 0.3, its false twin is refuted, the replay line keeps --param', async () => {
    const ok = await runCommand(registerCheck, [
      'check',
      CLAIM,
      '--param',
      'alpha=0.3',
      '--runs',
      '3',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const first = JSON.parse(ok.out).evidence.instances[0];
    // alpha = 0.3 replaced the range [0.1, 0.6]: the ODE limit's loss rate is 2λ0/(1 − 0.3)
    expect(first.measured).toBeCloseTo((2 * first.lambda0) / 0.7, 6);
    const twin = await runCommand(registerCheck, [
      'check',
      TWIN,
      '--param',
      'alpha=0.3',
      '--runs',
      '3',
      '--json',
    ]);
    expect(twin.code).toBe(1);
    const j = JSON.parse(twin.out);
    expect(j.verdict).toBe('refuted');
    expect(j.counterexample.replay).toMatch(/--param alpha=0\.3 --seed \d+ --path [\d:]+/);
  });

  /** A `train` command line on DATA at width 50 with this method and the rest of the flags. */
  const trainArgs = (method: string, ...rest: string[]): string[] => [
    'train',
    '--data',
    DATA,
    '--width',
    '50',
    '--method',
    method,
    ...rest,
  ];

  it('an undeclared symbol, a malformed pair or a symbol given twice is bad input (exit 2)', async () => {
    const cases: Array<[typeof registerTrain, string[], RegExp]> = [
      [
        registerTrain,
        trainArgs(SPEC, '--eta', '0.1', '--steps', '5', '--param', 'alfa=1'),
        /no parameter 'alfa'.*alpha/,
      ],
      [
        registerTrain,
        trainArgs('hb-fixed', '--eta', '0.1', '--steps', '5', '--beta', '0.3', '--param', 'beta=0.4'),
        /given twice/,
      ],
      [registerTrain, trainArgs(SPEC, '--steps', '5', '--param', 'alpha=0.3'), /step size/],
      [registerDerive, ['derive', '--method', SPEC, '--param', 'zeta=1'], /no parameter 'zeta'/],
      [registerDerive, ['derive', '--method', SPEC, '--param', 'alpha'], /name=value/],
      [
        registerRates,
        ['rates', '--methods', 'gd', '--param', 'alpha=0.3'],
        /no selected method has a parameter 'alpha'/,
      ],
      [
        registerRates,
        ['rates', '--methods', SPEC, '--param', 'alpha=0.3', '--grid', 'alpha=0.1,0.2'],
        /--param and --grid/,
      ],
      [registerCheck, ['check', CLAIM, '--param', 'beta=0.3'], /no parameter 'beta'/],
      [registerCheck, ['check', CLAIM, '--param', 'alpha=x'], /finite/],
    ];
    for (const [register, args, re] of cases) {
      const r = await runCommand(register, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.error?.message).toMatch(re);
    }
  });
});

/**
 * Hostile and careless input: every case ends with its documented exit code within
 * seconds, one line on stderr, no stack trace, and every input file unchanged. Most cases run
 * in-process through the same code path as src/cli/main.ts (test/cli/harness.ts); a few are
 * spawned to check the real process (exit status, stderr).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './harness.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dynview-hostile-'));
const p = (name: string): string => join(dir, name);

const GD = {
  name: 'g',
  params: ['eta'],
  step: 'eta',
  time: 'k*eta',
  update: ['x[k+1] = x[k] - eta*grad(x[k])'],
};
const spec = (update: string, extra: Record<string, unknown> = {}) => ({ ...GD, update: [update], ...extra });
const claim = (extra: Record<string, unknown>) => ({
  id: 'c',
  method: 'gd',
  assert: { kind: 'linear', rate: 'lambda0' },
  instances: { n: 4, d: 3, runs: 2 },
  ...extra,
});
const json = (name: string, value: unknown): string => {
  writeFileSync(p(name), JSON.stringify(value));
  return p(name);
};

const hashes = new Map<string, string>();
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(() => {
  json('s.json', GD);
  writeFileSync(p('d.csv'), '1,0,0.5\n0,1,-0.5\n0.6,0.8,0.1\n');
  copyFileSync(join(root, 'examples', 'claims', 'gd-flow-rate.json'), p('c.json'));
  symlinkSync(p('s.json'), p('s-link.json'));
  json('escape-eval.json', spec('x[k+1] = x[k+evaluate("0")] - eta*grad(x[k])'));
  json('escape-zeros.json', spec('x[k+1] = x[k+0*sum(zeros(100000,100000))] - eta*grad(x[k])'));
  json('pow.json', spec('x[k+1] = x[k] - eta^1e20*grad(x[k])'));
  json('proto.json', { ...GD, params: ['eta', '__proto__'] });
  json('let-string.json', { ...GD, let: { c: '"abc"' }, update: ['x[k+1] = x[k] - c*eta*grad(x[k])'] });
  json('big.json', spec(`x[k+1] = x[k] - (${'eta+'.repeat(2_500_000)}eta)*grad(x[k])`));
  json('claim-escape.json', claim({ method: spec('x[k+1] = x[k+evaluate("0")] - eta*grad(x[k])') }));
  json(
    'claim-zeros.json',
    claim({ method: spec('x[k+1] = x[k+0*sum(zeros(100000,100000))] - eta*grad(x[k])') }),
  );
  json('claim-n.json', claim({ instances: { n: [1e9, 1e9] } }));
  json('claim-beta.json', claim({ method: 'hb-fixed', params: { beta: -0.9, eta: 0.1 } }));
  json('claim-00.json', claim({ assert: { kind: 'linear', rate: '0/0' } }));
  json('claim-10.json', claim({ assert: { kind: 'linear', rate: '1/0' } }));
  json('claim-str.json', claim({ assert: { kind: 'linear', rate: '"abc"' } }));
  writeFileSync(p('hex.csv'), '0x10,1,2\n1,0,1\n');
  writeFileSync(p('bin.csv'), '1,0b11,2\n1,0,1\n');
  writeFileSync(p('huge.csv'), '1e308,1,2\n1,0,1\n');
  writeFileSync(p('ctrl.csv'), '1,2,3\n4,\u001b[31mred\u0007,6\n');
  // Six malformed shards.
  writeFileSync(p('shard1.json'), '[]');
  writeFileSync(p('shard2.json'), '{}');
  writeFileSync(p('shard3.json'), '{"dynview":"verify"}');
  writeFileSync(p('shard4.json'), '{"dynview":"verify","seed":1,"runs":null,"shard":null,"results":[1]}');
  writeFileSync(p('shard5.json'), 'not json');
  writeFileSync(
    p('shard6.json'),
    '{"dynview":"verify","seed":1,"runs":null,"shard":null,"results":[{"id":"x"}]}',
  );
  for (const f of [
    's.json',
    'd.csv',
    'c.json',
    'escape-eval.json',
    'claim-beta.json',
    'shard1.json',
    'shard6.json',
    'ctrl.csv',
  ])
    hashes.set(p(f), hash(p(f)));
});

afterAll(() => {
  for (const [f, h] of hashes) expect(hash(f), `${f} changed`).toBe(h);
});

function expectBadInput(r: CliResult, msg?: RegExp): void {
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trimEnd().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^dynview: error: /);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(lines[0].length).toBeLessThan(500);
  if (msg) expect(lines[0]).toMatch(msg);
}

const TRAIN = [
  'train',
  '--data',
  'sphere:n=5,d=3',
  '--method',
  'gd',
  '--eta',
  '0.1',
  '--width',
  '20',
  '--steps',
  '5',
];

describe('hostile input: exit 2, one line, no stack trace, inputs unchanged', () => {
  const cases: Array<[string, () => string[], RegExp?]> = [
    // Whitelist escape through the index of x[...]
    ['derive: x[k+evaluate("0")]', () => ['derive', '--method', p('escape-eval.json')], /k plus an integer/],
    [
      'derive: x[k+0*sum(zeros(1e5,1e5))]',
      () => ['derive', '--method', p('escape-zeros.json')],
      /k plus an integer/,
    ],
    ['train: x[k+evaluate("0")]', () => [...TRAIN, '--method', p('escape-eval.json')], /k plus an integer/],
    [
      'check: inline spec with x[k+evaluate("0")]',
      () => ['check', p('claim-escape.json')],
      /k plus an integer/,
    ],
    ['check: inline spec with zeros(1e5,1e5)', () => ['check', p('claim-zeros.json')], /k plus an integer/],
    [
      'verify: inline spec with x[k+evaluate("0")]',
      () => ['verify', p('claim-escape.json')],
      /k plus an integer/,
    ],
    // Inputs never overwritten
    [
      'train --csv onto the data file',
      () => [...TRAIN, '--data', `file:${p('d.csv')}`, '--csv', p('d.csv')],
      /input/,
    ],
    ['train --json onto the spec', () => [...TRAIN, '--method', p('s.json'), '--json', p('s.json')], /input/],
    [
      'train --json onto a symlink of the spec',
      () => [...TRAIN, '--method', p('s.json'), '--json', p('s-link.json')],
      /input/,
    ],
    [
      'train --json and --csv the same file',
      () => [...TRAIN, '--json', p('o.json'), '--csv', p('o.json')],
      /same file/,
    ],
    ['verify --json onto the claim', () => ['verify', p('c.json'), '--json', p('c.json')], /input/],
    ['verify --json onto ./the claim', () => ['verify', p('c.json'), '--json', `${dir}/./c.json`], /input/],
    ['rates --plot onto the spec', () => ['rates', '--methods', p('s.json'), '--plot', p('s.json')], /input/],
    // Hangs and unbounded memory
    ['derive: eta^1e20', () => ['derive', '--method', p('pow.json')], /exponent/],
    ['train --width 1e9', () => [...TRAIN, '--width', '1000000000'], /DYNVIEW_MAX_MEMORY_MB/],
    ['ntk --data sphere:n=1e9', () => ['ntk', '--data', 'sphere:n=1000000000'], /DYNVIEW_MAX_N/],
    ['check: n = [1e9, 1e9]', () => ['check', p('claim-n.json')], /DYNVIEW_MAX_N/],
    ['train --data file:/dev/zero', () => [...TRAIN, '--data', 'file:/dev/zero'], /DYNVIEW_MAX_INPUT_MB/],
    ['train --method /dev/zero', () => [...TRAIN, '--method', '/dev/zero'], /DYNVIEW_MAX_INPUT_MB/],
    ['check /dev/zero', () => ['check', '/dev/zero'], /DYNVIEW_MAX_INPUT_MB/],
    ['derive: a 10 MB expression', () => ['derive', '--method', p('big.json')], /update\[0\]/],
    // Exit 2, not an internal error
    ['train --steps 1e15', () => [...TRAIN, '--steps', '1000000000000000'], /DYNVIEW_MAX_STEPS/],
    ['train --width 1e12', () => [...TRAIN, '--width', '1000000000000'], /DYNVIEW_MAX_MEMORY_MB/],
    ['ntk --width 1e12', () => ['ntk', '--data', 'sphere:n=5,d=3', '--width', '1000000000000'], /memory/],
    ['CSV cell 1e308', () => ['ntk', '--data', `file:${p('huge.csv')}`], /1e\+100/],
    ['params with __proto__', () => ['derive', '--method', p('proto.json')], /reserved/],
    ...[1, 2, 3, 4, 5, 6].map((i): [string, () => string[], RegExp] => [
      `verify --merge malformed shard ${i}`,
      () => ['verify', '--merge', p(`shard${i}.json`)],
      /shard|verify JSON/,
    ]),
    // Bad values
    ['rates --grid beta=1.5', () => ['rates', '--methods', 'hb', '--grid', 'beta=0.2,1.5'], /\[0, 1\)/],
    ['rates --grid beta=-0.2', () => ['rates', '--methods', 'hb', '--grid', 'beta=-0.2'], /\[0, 1\)/],
    [
      'derive --params beta=-0.2',
      () => ['derive', '--method', 'hb-fixed', '--params', 'beta=-0.2,eta=0.1', '--lambda0', '1'],
      /\[0, 1\)/,
    ],
    ['claim beta = -0.9', () => ['check', p('claim-beta.json')], /\[0, 1\)/],
    ['train --eta 0x10', () => [...TRAIN, '--eta', '0x10'], /decimal/],
    ['train --eta 0b11', () => [...TRAIN, '--eta', '0b11'], /decimal/],
    ['CSV cell 0x10', () => ['ntk', '--data', `file:${p('hex.csv')}`], /not a number/],
    ['CSV cell 0b11', () => ['ntk', '--data', `file:${p('bin.csv')}`], /not a number/],
    [
      '--data sphere:...,constructor=1',
      () => ['ntk', '--data', 'sphere:n=5,d=3,constructor=1'],
      /unknown option/,
    ],
    ['derive --params zeta=1', () => ['derive', '--method', 'hb', '--params', 'zeta=1'], /zeta/],
    ['a string in a let', () => ['derive', '--method', p('let-string.json')], /not a number/],
    ['claim rate "0/0"', () => ['check', p('claim-00.json')], /finite/],
    ['claim rate "1/0"', () => ['check', p('claim-10.json')], /finite/],
    ['claim rate "\\"abc\\""', () => ['check', p('claim-str.json')], /not a number/],
    // Unusable output paths, found before the run
    [
      'verify --json into a missing directory',
      () => ['verify', p('c.json'), '--json', p('nodir/v.json')],
      /does not exist/,
    ],
    [
      'verify --report into a missing directory',
      () => ['verify', p('c.json'), '--report', p('nodir/r.html')],
      /does not exist/,
    ],
    [
      'verify --json into a file path under a file',
      () => ['verify', p('c.json'), '--json', `${p('d.csv')}/v.json`],
      /not a directory/,
    ],
    [
      'rates --plot nodir/p.svg',
      () => ['rates', '--methods', 'gd', '--plot', p('nodir/p.svg')],
      /does not exist/,
    ],
    [
      'reproduce --out /dev/full',
      () => ['reproduce', 'bu2021', '--tiny', '--out', '/dev/full'],
      /not a directory/,
    ],
    ['train --json /dev/full', () => [...TRAIN, '--json', '/dev/full'], /not a regular file/],
  ];
  for (const [name, args, msg] of cases) {
    it(name, async () => {
      const t0 = performance.now();
      const r = await runCli(args());
      expectBadInput(r, msg);
      expect(performance.now() - t0).toBeLessThan(20_000);
    });
  }

  it('terminal control characters from a CSV cell are escaped in the error line', async () => {
    const r = await runCli(['ntk', '--data', `file:${p('ctrl.csv')}`]);
    expectBadInput(r, /not a number/);
    // eslint-disable-next-line no-control-regex -- the test looks for raw control characters
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.err).toContain('\\x1b');
  });

  it('a parse error of a long expression is shortened', async () => {
    json('long.json', spec(`x[k+1] = x[k] - (${'eta*'.repeat(700)}*grad(x[k])`));
    const r = await runCli(['derive', '--method', p('long.json')]);
    expectBadInput(r);
    expect(r.err.length).toBeLessThan(500);
  });

  it('no output file is created when the run is refused', () => {
    expect(existsSync(p('o.json'))).toBe(false);
    expect(existsSync(p('nodir'))).toBe(false);
  });
});

describe('outputs: atomic and deterministic', () => {
  it('train --json: the same seed gives the same bytes (no wall-clock field unless --timings)', async () => {
    const a = await runCli([...TRAIN, '--json', '-']);
    const b = await runCli([...TRAIN, '--json', '-']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toContain('"seconds"');
    const t = await runCli([...TRAIN, '--json', '-', '--timings']);
    expect(t.out).toContain('"seconds"');
  });

  it('check --json: the same seed gives the same bytes', async () => {
    const args = ['check', join(root, 'examples', 'claims', 'gd-flow-rate.json'), '--json', '--runs', '3'];
    const a = await runCli(args);
    const b = await runCli(args);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toContain('"seconds"');
  });

  it('train writes --json and --csv into a new directory entry atomically (no temporary file left)', async () => {
    mkdirSync(p('out'));
    const r = await runCli([...TRAIN, '--json', p('out/t.json'), '--csv', p('out/t.csv')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(p('out/t.json'), 'utf8')).steps).toBe(5);
    expect(readFileSync(p('out/t.csv'), 'utf8').split('\n')[0]).toMatch(/^step,loss/);
    expect(readdirSync(p('out')).sort()).toEqual(['t.csv', 't.json']);
  });
});

describe('the real process (spawned)', () => {
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'bin', 'dynview.js'), ...args], {
        env: { ...process.env, DYNVIEW_DEBUG: '' },
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });
  it('exit 2 with one line and no stack trace: /dev/zero, a malformed shard', async () => {
    const results = await Promise.all([
      run(['check', '/dev/zero']),
      run(['verify', '--merge', p('shard6.json')]),
    ]);
    for (const r of results) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});

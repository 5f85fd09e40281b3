/**
 * Fuzz suite: fast-check generates hostile method specs, claims, data rows and flag
 * values. Property: every input ends within a time bound, either with a result or with one of the
 * bad-input errors the CLI reports as exit 2 — never a hang, a crash, an internal error or a
 * changed input file. In-process (no process start per case); the whole file runs in well under a
 * minute. Seeds are fixed (DYNVIEW_FUZZ_SEED overrides; DYNVIEW_FUZZ_RUNS scales the runs).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInputError } from '../../src/cli/errors.ts';
import {
  parseInteger,
  parseKeyValues,
  parseMomentum,
  parseNumber,
  parseParamFlags,
} from '../../src/cli/options.ts';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { loadData } from '../../src/data/load.ts';
import { compileMethod, resolveParams } from '../../src/spec/compile.ts';
import { parseSpec } from '../../src/spec/parse.ts';
import { deriveOde } from '../../src/symbolic/derive.ts';
import { runCli } from '../cli/harness.ts';

const SEED = Number(process.env.DYNVIEW_FUZZ_SEED ?? 20261202);
const SCALE = Number(process.env.DYNVIEW_FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED });
const dir = mkdtempSync(join(tmpdir(), 'dynview-fuzz-'));
/** Bound for one parse/compile (generous: CI machines are shared; a hang is minutes, not seconds). */
const PARSE_MS = 5000;

/** Runs f; passes when it returns or throws a bad-input error, within `ms`. Returns the result or null. */
function bounded<T>(what: string, ms: number, f: () => T): T | null {
  const t0 = performance.now();
  let out: T | null = null;
  try {
    out = f();
  } catch (err) {
    if (!isInputError(err)) throw new Error(`${what}: not a bad-input error: ${(err as Error).stack}`);
  }
  const took = performance.now() - t0;
  if (took > ms) throw new Error(`${what}: took ${took.toFixed(0)} ms (bound ${ms} ms)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expressions: a small grammar with hostile leaves and operators.

const hostileAtom = fc.constantFrom(
  'eta',
  'k',
  'beta',
  'gamma',
  '1',
  '0',
  '2.5',
  '1e20',
  '1e308',
  '1e999',
  '0x10',
  '0b11',
  '"abc"',
  'NaN',
  'Infinity',
  'pi',
  'e',
  '__proto__',
  'constructor',
  'evaluate("1")',
  'import("fs")',
  'zeros(100000,100000)',
  'sum(zeros(1000,1000))',
  'x[k]',
  'x[k-1]',
  'x[k+1]',
  'x[2*k]',
  'x[k+evaluate("0")]',
  'x[k+0*sum(zeros(100000,100000))]',
  'grad(x[k])',
  'grad(grad(x[k]))',
  'y[k]',
  '[1,2]',
  '{a:1}',
  'f(x)=x',
  'a=1',
  '1:3',
  '3!',
  "x'",
  'a ? b : c',
  '\u001b[31m',
  'λ',
);
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileAtom,
    fc
      .tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '^', ' ', '==', '&', '.*'), tie('e'))
      .map(([a, op, b]) => `${a}${op}${b}`),
    tie('e').map((a) => `(${a})`),
    fc
      .tuple(fc.constantFrom('sqrt', 'exp', 'log', 'pow', 'min', 'max', 'sin', 'eval', 'parse'), tie('e'))
      .map(([f, a]) => `${f}(${a})`),
    tie('e').map((a) => `x[k] - ${a}*grad(x[k])`),
  ),
})).e;
const deep = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('(', '-', 'sqrt(', 'eta^', 'eta+'))
  .map(([n, s]) => `x[k] - ${s.repeat(n)}eta${s.endsWith('(') ? ')'.repeat(n) : ''}*grad(x[k])`);

/** Well-formed coefficients (so that accepted specs reach compile, stepping and derive). */
const coef: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('eta', 'beta', 'k', '1', '2', '0.5', '1e20', '1e-300', 'pi'),
    fc.tuple(tie('c'), fc.constantFrom('+', '-', '*', '/'), tie('c')).map(([a, op, b]) => `(${a}${op}${b})`),
    fc
      .tuple(tie('c'), fc.constantFrom('2', '3', '-1', '0.5', '64', '65', '1e20', 'k', 'eta'))
      .map(([a, p]) => `(${a})^${p}`),
    fc
      .tuple(fc.constantFrom('sqrt', 'exp', 'log', 'abs', 'cbrt', 'tanh'), tie('c'))
      .map(([f, a]) => `${f}(${a})`),
  ),
})).c;
const wellFormed = fc
  .tuple(coef, coef, fc.constantFrom('x[k]', 'x[k-1]', 'x[k-2]', 'x[k] + x[k-1]'))
  .map(([a, b, z]) => `x[k] - ${a}*grad(${z}) + ${b}*(x[k] - x[k-1])`);

/** Sums of distinct terms: mathjs' simplify is exponential in their length (a past hang). */
const wideSum = fc
  .integer({ min: 4, max: 120 })
  .map((n) => `(${Array.from({ length: n }, (_, i) => `eta^${(i % 7) + 1}*beta^${i % 3}`).join('+')})`);

const identifier = fc.oneof(
  fc.constantFrom(
    'eta',
    'beta',
    'gamma',
    'k',
    'x',
    'grad',
    '__proto__',
    'constructor',
    'toString',
    'pi',
    'sqrt',
    '1a',
    '',
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
);

const hostileSpec = fc.record(
  {
    name: fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 30 }), fc.integer()),
    params: fc.oneof(
      fc.array(identifier, { maxLength: 4 }),
      fc.constant(['eta', 'beta']),
      fc.constant(['eta', 'beta']),
      fc.constant('eta'),
    ),
    step: fc.oneof(fc.constant('eta'), fc.constant('eta'), expr, wideSum),
    time: fc.oneof(
      fc.constant('k*eta'),
      fc.constant('k*sqrt(eta)'),
      expr,
      wideSum.map((w) => `k*${w}`),
    ),
    let: fc.oneof(
      fc.constant(undefined),
      fc.constant(undefined),
      fc.dictionary(identifier, fc.oneof(expr, coef), { maxKeys: 2 }),
    ),
    update: fc.oneof(
      fc.array(
        fc.oneof(
          expr.map((e) => `x[k+1] = ${e}`),
          wellFormed.map((e) => `x[k+1] = ${e}`),
          wellFormed.map((e) => `x[k+1] = ${e}`),
          deep.map((e) => `x[k+1] = ${e}`),
          wideSum.map((w) => `x[k+1] = x[k] - ${w}*grad(x[k]) + ${w}*(x[k] - x[k-1])`),
          expr.map((e) => `y[k] = ${e}`),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constant(['x[k+1] = x[k] - eta*grad(x[k])']),
    ),
    defaults: fc.oneof(fc.constant(undefined), fc.dictionary(identifier, fc.double(), { maxKeys: 2 })),
    start: fc.oneof(fc.constant(undefined), fc.integer({ min: -3, max: 5 })),
    extra: fc.constant(1),
  },
  { requiredKeys: ['name', 'params', 'step', 'time', 'update'] },
);

/** Specs that are well-formed except, sometimes, for their coefficients (reach compile and derive). */
const wellFormedSpec = fc.record({
  name: fc.constant('fuzz'),
  params: fc.constant(['eta', 'beta']),
  step: fc.constantFrom('eta', 'sqrt(eta)', 'eta^2'),
  time: fc.oneof(
    fc.constantFrom('k*eta', 'k*sqrt(eta)', 'k*eta^2'),
    wideSum.map((w) => `k*${w}`),
  ),
  update: fc.oneof(
    wellFormed.map((e) => [`x[k+1] = ${e}`]),
    wideSum.map((w) => [`x[k+1] = x[k] - ${w}*grad(x[k])`]),
  ),
});
const specArb = fc.oneof({ arbitrary: wellFormedSpec, weight: 2 }, { arbitrary: hostileSpec, weight: 3 });

describe('fuzz: hostile method specs', () => {
  it('parse, compile and step: a result or a bad-input error, each within the bound', () => {
    fc.assert(
      fc.property(specArb, (raw) => {
        const parsed = bounded('parseSpec', PARSE_MS, () => parseSpec(raw));
        if (parsed === null) return;
        const values: Record<string, number> = {};
        for (const s of parsed.scalarSymbols)
          if (s !== 'k' && parsed.spec.params.includes(s)) values[s] = 0.1;
        bounded('compile + 20 steps', PARSE_MS, () => {
          const m = compileMethod(parsed, resolveParams(parsed, values));
          const st = m.stepper(Float64Array.from([1, -1]));
          for (let i = 0; i < 20; i++) st.step((z, out) => out.set(z));
          return st.x;
        });
      }),
      runs(200),
    );
  }, 60_000);

  it('derive on accepted specs ends within 20 s each', () => {
    let accepted = 0;
    fc.assert(
      fc.property(specArb, (raw) => {
        const parsed = bounded('parseSpec', PARSE_MS, () => parseSpec(raw));
        if (parsed === null) return;
        accepted++;
        bounded('deriveOde', 20_000, () => deriveOde(parsed.spec, { resolution: 'low' }));
      }),
      runs(80),
    );
    expect(accepted).toBeGreaterThan(5); // the generator reaches the derivation, not only the parser
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

const base = { id: 'c', method: 'gd', assert: { kind: 'linear', rate: 'lambda0' } };
const hostileValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    '',
    '0/0',
    '1/0',
    '"abc"',
    'lambda0^1e20',
    'evaluate("1")',
    '__proto__',
    1e308,
    -0.9,
    1.5,
    1e9,
    [1e9, 1e9],
    [5, 2],
    [-1, 1],
    { t: -1 },
    { steps: 1e15 },
    [],
    {},
  ),
  expr,
  fc.double(),
  fc.integer(),
);
const claimArb = fc.oneof(
  fc.record({
    path: fc.constantFrom(
      'id',
      'method',
      'params.beta',
      'params.eta',
      'params.gamma',
      'params.__proto__',
      'regime',
      'assert.rate',
      'assert.kind',
      'assert.tolerance',
      'instances.n',
      'instances.d',
      'instances.width',
      'instances.eta',
      'instances.runs',
      'instances.horizon',
      'instances.data',
      'driftBound',
      'lambda0Min',
      'constructor',
      'x',
    ),
    value: hostileValue,
    method: fc.constantFrom('gd', 'hb', 'hb-fixed', 'nag-c', 'hm'),
  }),
);

describe('fuzz: hostile claims', () => {
  it('parseClaim: a claim or a bad-input error, each within the bound', () => {
    fc.assert(
      fc.property(claimArb, ({ path, value, method }) => {
        const raw = structuredClone({ ...base, method }) as Record<string, unknown>;
        const keys = path.split('.');
        let o = raw;
        for (const k of keys.slice(0, -1)) {
          if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
          o = o[k] as Record<string, unknown>;
        }
        Object.defineProperty(o, keys[keys.length - 1], { value, enumerable: true, writable: true });
        bounded('parseClaim', PARSE_MS, () => parseClaim(JSON.parse(JSON.stringify(raw))));
      }),
      runs(250),
    );
  });

  it('inline hostile specs in claims', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        bounded('parseClaim (inline spec)', PARSE_MS, () => parseClaim({ ...base, method: spec }));
      }),
      runs(80),
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

const cell = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-2.5',
    '1e308',
    '-1e308',
    '1e100',
    '1e101',
    '0x10',
    '0b11',
    '0o7',
    'NaN',
    'inf',
    '',
    ' ',
    '"1"',
    '\u001b[2J',
    '1,',
    '١',
  ),
  fc.double().map(String),
  fc.string({ maxLength: 6 }),
);
const csvArb = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
    fc.boolean(),
  )
  .map(([w, rows, crlf]) => rows.map((r) => r.slice(0, w).join(',')).join(crlf ? '\r\n' : '\n'));

describe('fuzz: hostile data', () => {
  it('CSV files: a data set of finite values or a bad-input error; the file is unchanged', () => {
    const file = join(dir, 'd.csv');
    fc.assert(
      fc.property(csvArb, fc.boolean(), (text, normalize) => {
        writeFileSync(file, text);
        const h = createHash('sha256').update(readFileSync(file)).digest('hex');
        const data = bounded('loadData', 2000, () => loadData(`file:${file}`, { normalize }));
        if (data) {
          expect(data.X.every(Number.isFinite) && data.y.every(Number.isFinite)).toBe(true);
          expect(data.n).toBeGreaterThanOrEqual(2);
        }
        expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(h);
      }),
      runs(300),
    );
  });

  it('data source strings', () => {
    const source = fc
      .tuple(
        fc.constantFrom('sphere', 'paper-synthetic', 'mnist', 'file', 'cube', ''),
        fc.array(
          fc.tuple(
            fc.constantFrom('n', 'd', 'seed', 'constructor', '__proto__', 'toString', 'x', ''),
            fc.constantFrom('2', '3', '1e9', '0x10', '-1', '1.5', '', 'abc', '1e999', '20'),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([k, kv]) => `${k}:${kv.map(([a, b]) => `${a}=${b}`).join(',')}`);
    fc.assert(
      fc.property(source, (s) => {
        const data = bounded('loadData', 3000, () => loadData(s));
        if (data) expect(data.X.every(Number.isFinite)).toBe(true);
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------

const flagValue = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '0.5',
    '1e15',
    '1e308',
    '1e999',
    '0x10',
    '0b11',
    '0o7',
    'Infinity',
    'NaN',
    '',
    ' ',
    '1_000',
    '٣',
    '1e9',
    '2',
  ),
  fc.string({ maxLength: 8 }),
  fc.double().map(String),
);

describe('fuzz: hostile flag values', () => {
  it('number parsers: a finite decimal or a bad-input error', () => {
    fc.assert(
      fc.property(flagValue, (v) => {
        for (const f of [
          () => parseNumber('--x', v),
          () => parseInteger('--x', v, 1),
          () => parseMomentum('--x', v),
        ]) {
          const r = bounded('parse', 100, f);
          if (r !== null) expect(Number.isFinite(r)).toBe(true);
        }
        if (/^\s*0[xXbBoO]/.test(v)) expect(() => parseNumber('--x', v)).toThrow();
        bounded('parseKeyValues', 100, () => parseKeyValues('--params', `${v}=${v},a=${v}`));
        bounded('parseParamFlags', 100, () => parseParamFlags([`${v}=${v}`, `__proto__=${v}`]));
      }),
      runs(500),
    );
  });

  it('train, ntk and derive with hostile flags: exit 0 or 2 within the bound', async () => {
    const size = fc.oneof(
      fc.constantFrom('1', '2', '5', '0', '-3', '1e9', '1e12', '1e15', '0x10', 'abc', '1.5', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('gd', 'hb-fixed', 'hm', 'nag-c', 'zeta', '/dev/zero', 'x.json'),
        size,
        size,
        flagValue,
        fc.constantFrom('beta', 'beta2', 'eta', 'zeta', '__proto__', 'r'),
        async (method, width, steps, value, param) => {
          const t0 = performance.now();
          const runs = [
            await runCli([
              'train',
              '--data',
              'sphere:n=4,d=3',
              '--method',
              method,
              '--eta',
              value,
              '--width',
              width,
              '--steps',
              steps,
            ]),
            await runCli(['ntk', '--data', `sphere:n=${steps},d=3`, '--width', width]),
            await runCli(['derive', '--method', method, '--params', `${param}=${value}`, '--lambda0', '1']),
          ];
          for (const r of runs) {
            expect([0, 2], r.err).toContain(r.code);
            if (r.code === 2) expect(r.err.trimEnd().split('\n')).toHaveLength(1);
          }
          expect(performance.now() - t0).toBeLessThan(20_000);
        },
      ),
      runs(40),
    );
  }, 60_000);
});

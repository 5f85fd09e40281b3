import { describe, expect, it } from 'vitest';
import { parseSpec, SpecError } from '../../src/spec/parse.ts';
import { BUILTIN_METHODS } from '../../src/spec/builtins.ts';

const base = { name: 't', params: ['eta'], step: 'eta', time: 'k*eta' };

describe('parseSpec', () => {
  it('parses every built-in', () => {
    for (const spec of Object.values(BUILTIN_METHODS)) {
      const p = parseSpec(spec);
      expect(p.equations.at(-1)!.target).toBe('x');
      expect(p.equations.at(-1)!.shift).toBe(1);
    }
  });

  it('writes nag-c as linear forms with k-dependent coefficients', () => {
    const p = parseSpec(BUILTIN_METHODS['nag-c']);
    expect(p.auxiliaries).toEqual(['y']);
    expect(p.maxLag).toEqual({ x: 1, y: 0 });
    expect(p.scalarSymbols).toEqual(['k', 'r', 's']);
    const y = p.equations[0];
    expect(y.terms.map((t) => t.ref)).toEqual([
      { kind: 'seq', seq: { name: 'x', lag: 0 } },
      { kind: 'seq', seq: { name: 'x', lag: 1 } },
    ]);
    const x = p.equations[1];
    expect(x.grads[0].pure).toEqual({ name: 'y', lag: 0 });
  });

  it('accepts auxiliaries at earlier indices (nag-sc uses z[k-1])', () => {
    const p = parseSpec(BUILTIN_METHODS['nag-sc']);
    expect(p.maxLag.z).toBe(1);
  });

  const bad: Array<[string[], RegExp]> = [
    [['x[k+1] = x[k] - eta*grad(q[k])'], /unknown sequence 'q'/],
    [['y[k] = x[k+1]', 'x[k+1] = y[k]'], /beyond what is defined/],
    [['y[k] = x[k]'], /last equation must define x\[k\+1\]/],
    [['x[k+1] = x[k]*x[k]'], /linear/],
    [['x[k+1] = x[k] + 1'], /linear/],
    [['x[k+1] = x[k] - (eta*grad(x[k])'], /cannot parse/],
    [['x[k+1] = x[k] - foo(eta)*grad(x[k])'], /function 'foo' is not allowed/],
    [['x[k+1] = x[k] - zeta*grad(x[k])'], /unknown symbol 'zeta'/],
    [['x[k+1] = x[k] - eta*grad(grad(x[k]))'], /nested grad/],
    [['x[k+1] = x - eta*grad(x[k])'], /needs an index/],
    [['x[k+1] = x[2*k] - eta*grad(x[k])'], /must be k plus an integer/],
  ];
  for (const [update, msg] of bad) {
    it(`rejects ${JSON.stringify(update)} naming the equation`, () => {
      expect(() => parseSpec({ ...base, update })).toThrow(SpecError);
      expect(() => parseSpec({ ...base, update })).toThrow(msg);
      try {
        parseSpec({ ...base, update });
      } catch (e) {
        expect((e as Error).message).toContain('equation');
        expect((e as Error).message.split('\n')).toHaveLength(1);
      }
    });
  }

  it('rejects a time that does not increase', () => {
    expect(() => parseSpec({ ...base, time: '-k*eta', update: ['x[k+1] = x[k] - eta*grad(x[k])'] })).toThrow(
      /must increase/,
    );
  });

  it('rejects malformed shapes', () => {
    expect(() => parseSpec({ ...base })).toThrow(/update/);
    expect(() => parseSpec({ ...base, update: ['x[k+1]=x[k]'], evil: 1 })).toThrow(/unknown field 'evil'/);
    expect(() => parseSpec('nope')).toThrow(/JSON object/);
  });

  it('cannot run code: mathjs functions outside the whitelist are rejected', () => {
    for (const expr of ['import(eta)', 'evaluate(eta)', 'createUnit(eta)']) {
      expect(() => parseSpec({ ...base, update: [`x[k+1] = x[k] - ${expr}*grad(x[k])`] })).toThrow(
        /not allowed/,
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSpec, SpecError } from '../../src/spec/parse.ts';
import { compileMethod, usesGgn } from '../../src/spec/compile.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

const spec = (f: string): MethodSpec =>
  JSON.parse(readFileSync(new URL(`../../examples/methods/${f}`, import.meta.url), 'utf8')) as MethodSpec;
const base = { name: 't', params: ['eta', 'eps'], step: 'eta', time: 'k*eta' };

describe('ggn(z, ε) in the method-spec language', () => {
  it('parses ggn(x[k]) and ggn(x[k], eps) as calls with op ggn and their damping', () => {
    const p = parseSpec(spec('ggn.json'));
    expect(p.equations[0].grads[0]).toMatchObject({ op: 'ggn', damping: '0', pure: { name: 'x', lag: 0 } });
    const d = parseSpec(spec('ggn-damped.json'));
    expect(d.equations[0].grads[0]).toMatchObject({ op: 'ggn', damping: 'eps' });
    expect(d.scalarSymbols).toContain('eps');
    expect(usesGgn(p)).toBe(true);
    expect(usesGgn(parseSpec({ ...base, update: ['x[k+1] = x[k] - eta*grad(x[k])'] }))).toBe(false);
    expect(parseSpec(spec('ggn-momentum.json')).maxLag.x).toBe(1);
  });
  it('rejects ggn with a vector or k in ε, three arguments, nesting, or ggn as a name', () => {
    const bad = [
      'x[k+1] = x[k] - eta*ggn(x[k], x[k])',
      'x[k+1] = x[k] - eta*ggn(x[k], k)',
      'x[k+1] = x[k] - eta*ggn(x[k], eps, eps)',
      'x[k+1] = x[k] - eta*ggn(grad(x[k]))',
      'x[k+1] = x[k] - eta*ggn()',
    ];
    for (const u of bad) expect(() => parseSpec({ ...base, update: [u] }), u).toThrow(SpecError);
    expect(() => parseSpec({ ...base, params: ['ggn'], update: ['x[k+1] = x[k] - grad(x[k])'] })).toThrow(
      SpecError,
    );
  });
  it('the stepper calls the ggn oracle with ε, caches it apart from grad, and refuses without one', () => {
    const c = compileMethod(
      { ...base, update: ['x[k+1] = x[k] - eta*ggn(x[k], 2*eps) - grad(x[k])'] },
      { eta: 0.5, eps: 0.1 },
    );
    const st = c.stepper(Float64Array.from([1, 2]));
    const seen: number[] = [];
    st.step(
      (z, out) => out.set(z.map((v) => 10 * v)),
      (z, eps, out) => {
        seen.push(eps);
        out.set(z);
      },
    );
    expect(seen).toEqual([0.2]);
    // x1 = x0 − 0.5·x0 − 10·x0
    expect([...st.x]).toEqual([1 - 0.5 - 10, 2 - 1 - 20]);
    expect(() => st.step((z, out) => out.set(z))).toThrow(/ggn/);
    const neg = compileMethod(
      { ...base, update: ['x[k+1] = x[k] - eta*ggn(x[k], eps)'] },
      { eta: 1, eps: -1 },
    );
    expect(() =>
      neg.stepper(new Float64Array(1)).step(
        () => {},
        () => {},
      ),
    ).toThrow(/negative/);
  });
});

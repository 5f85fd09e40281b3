import { describe, expect, it } from 'vitest';
import { compileMethod, resolveParams, resolveMethod } from '../../src/spec/compile.ts';
import { SpecError } from '../../src/spec/parse.ts';

/** Run a method on f(x) = ½λx² (scalar) for a few steps. */
function run(method: string, params: Record<string, number>, steps: number, lambda = 0.5): number[] {
  const st = compileMethod(method, params).stepper(Float64Array.of(1));
  const g = (z: Float64Array, o: Float64Array) => {
    o[0] = lambda * z[0];
  };
  const xs = [st.x[0]];
  for (let i = 0; i < steps; i++) {
    st.step(g);
    xs.push(st.x[0]);
  }
  return xs;
}

describe('compiled stepper: first steps by hand on f = ½·0.5·x², x0 = 1', () => {
  it('gd', () => {
    expect(run('gd', { eta: 0.1 }, 2)).toEqual([1, 0.95, 0.9025]);
  });
  it('hb with a fixed beta (the law is overridden)', () => {
    const xs = run('hb', { eta: 0.1, beta: 0.5 }, 2);
    expect(xs[1]).toBeCloseTo(0.95, 15);
    expect(xs[2]).toBeCloseTo(0.95 - 0.1 * 0.5 * 0.95 + 0.5 * (0.95 - 1), 15);
  });
  it('hb with the scaling law beta = 1 - gamma*sqrt(eta)', () => {
    const beta = 1 - 1 * Math.sqrt(0.01);
    const xs = run('hb', { eta: 0.01, gamma: 1 }, 2);
    expect(xs[2]).toBeCloseTo(xs[1] - 0.01 * 0.5 * xs[1] + beta * (xs[1] - 1), 15);
  });
  it('nag-c: momentum (k-1)/(k+r-1), k = 0 at the first step', () => {
    const xs = run('nag-c', { s: 0.1 }, 3);
    // x1 = 0.95; y1 = x1 (momentum 0 at k=1); x2 = 0.9025; y2 = x2 + (1/4)(x2 - x1); x3 = 0.95 y2
    expect(xs[2]).toBeCloseTo(0.9025, 15);
    expect(xs[3]).toBeCloseTo(0.95 * (0.9025 + 0.25 * (0.9025 - 0.95)), 15);
  });
  it('nag-sc: z[k] = x[k] - s grad, x[k+1] = z[k] + beta (z[k] - z[k-1])', () => {
    const xs = run('nag-sc', { s: 0.1, beta: 0.5 }, 2);
    expect(xs[1]).toBeCloseTo(0.95, 15);
    expect(xs[2]).toBeCloseTo(0.9025 + 0.5 * (0.9025 - 0.95), 15);
  });
  it('hm: two momenta', () => {
    const xs = run('hm', { eta: 0.1, beta1: 0.2, beta2: 0.5 }, 3);
    expect(xs[2]).toBeCloseTo(xs[1] + 0.2 * (xs[1] - 1) - 0.05 * xs[1], 15);
    expect(xs[3]).toBeCloseTo(xs[2] + 0.2 * (xs[2] - xs[1]) + 0.5 * (xs[1] - 1) - 0.05 * xs[2], 15);
  });
  it('a wrong hand value is refuted (false twin)', () => {
    expect(run('gd', { eta: 0.1 }, 1)[1]).not.toBeCloseTo(0.9, 6);
  });
});

describe('stepper mechanics', () => {
  it('caches gradients: one gradient evaluation per step for every built-in', () => {
    for (const [m, p] of [
      ['gd', { eta: 0.1 }],
      ['hb', { eta: 0.1, beta: 0.3 }],
      ['nag-c', { s: 0.1 }],
      ['nag-sc', { s: 0.1, beta: 0.3 }],
      ['hm', { eta: 0.1, beta1: 0.2, beta2: 0.2 }],
    ] as const) {
      const st = compileMethod(m, p).stepper(Float64Array.of(1, 2));
      for (let i = 0; i < 10; i++)
        st.step((z, o) => {
          o.set(z);
        });
      expect(st.gradEvals, m).toBe(10);
    }
  });
  it('a self-referencing auxiliary starts from zero (PyTorch momentum buffer)', () => {
    const spec = {
      name: 'torch-momentum',
      params: ['eta', 'beta'],
      step: 'eta',
      time: 'k*eta',
      update: ['v[k] = beta*v[k-1] + grad(x[k])', 'x[k+1] = x[k] - eta*v[k]'],
    };
    const st = compileMethod(spec, { eta: 0.1, beta: 0.9 }).stepper(Float64Array.of(1));
    const g = (z: Float64Array, o: Float64Array) => {
      o[0] = z[0];
    };
    st.step(g); // v0 = 1, x1 = 0.9
    expect(st.x[0]).toBeCloseTo(0.9, 15);
    st.step(g); // v1 = 0.9 + 0.9 = 1.8, x2 = 0.9 - 0.18
    expect(st.x[0]).toBeCloseTo(0.72, 15);
  });
  it('works on vectors and with a general grad argument', () => {
    const spec = {
      name: 'extra',
      params: ['eta'],
      step: 'eta',
      time: 'k*eta',
      update: ['x[k+1] = x[k] - eta*grad(x[k] - eta*grad0(x[k]))'],
    };
    expect(() => compileMethod(spec, { eta: 0.1 })).toThrow(/not allowed/);
    const spec2 = { ...spec, update: ['x[k+1] = x[k] - eta*grad(2*x[k] - x[k-1])'] };
    const st = compileMethod(spec2, { eta: 0.1 }).stepper(Float64Array.of(1, -1));
    st.step((z, o) => {
      o.set(z);
    });
    expect([...st.x]).toEqual([0.9, -0.9]);
  });
});

describe('parameters', () => {
  it('reports unknown and missing parameters', () => {
    const p = resolveMethod('hb');
    expect(() => resolveParams(p, { eta: 0.1, delta: 1 })).toThrow(/no parameter 'delta'/);
    expect(() => resolveParams(p, { eta: 0.1 })).toThrow(SpecError);
    expect(() => resolveParams(p, { eta: 0.1 })).toThrow(/beta/);
    expect(resolveParams(resolveMethod('nag-c'), { s: 0.1 }).r).toBe(3);
  });
  it('unknown method is a SpecError', () => {
    expect(() => resolveMethod('adam')).toThrow(/unknown method 'adam'/);
  });
  it('a coefficient that is infinite at the start is a clear error', () => {
    const st = compileMethod('nag-c', { s: 0.1, r: 1 }).stepper(Float64Array.of(1, 0));
    expect(() =>
      st.step((z, o) => {
        o.set(z);
      }),
    ).toThrow(/not finite at k = 0 \(set "start"/);
    const later = compileMethod({ ...resolveMethod('nag-c').spec, start: 1 }, { s: 0.1, r: 1 }).stepper(
      Float64Array.of(1, 0),
    );
    later.step((z, o) => {
      o.set(z);
    });
    expect(later.k).toBe(2);
  });
});

describe('setValue', () => {
  it('overwrites a history value and drops the gradient cached there', () => {
    const st = compileMethod('hb', { eta: 0.1, beta: 0.5 }).stepper(Float64Array.of(1));
    let calls = 0;
    const g = (z: Float64Array, o: Float64Array) => {
      calls++;
      o[0] = z[0];
    };
    st.step(g);
    st.setValue('x', 1, [2]);
    st.setValue('x', 0, [3]);
    st.step(g); // x2 = 2 - 0.1*2 + 0.5*(2 - 3)
    expect(st.x[0]).toBeCloseTo(1.3, 15);
    expect(calls).toBe(2);
    expect(() => st.setValue('x', 5, [1])).toThrow(/not in the kept history/);
    expect(() => st.setValue('x', 2, [1, 2])).toThrow(/expected 1 values/);
  });
});

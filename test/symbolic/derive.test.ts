import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveOde, deriveOdeWithTrace } from '../../src/symbolic/derive.ts';
import { SpecError } from '../../src/spec/parse.ts';
import { BUILTIN_METHODS, NAG_C, HB } from '../../src/spec/builtins.ts';
import type { MethodSpec } from '../../src/spec/types.ts';
import { fixture, sameCoef, sameTerms } from './helpers.ts';
import { numericallyEqual } from '../../src/symbolic/cas.ts';

interface GoldenCase {
  method: string;
  time: string;
  resolution: 'low' | 'high';
  lead: number;
  terms: Record<string, string>;
}
const golden = JSON.parse(
  readFileSync(fileURLToPath(new URL('../golden/derive.json', import.meta.url)), 'utf8'),
) as { cases: GoldenCase[] };

function methodFor(name: string): string | MethodSpec {
  if (name in BUILTIN_METHODS) return name;
  return fixture(name);
}

describe('deriveOde against the independent SymPy derivation (test/golden/derive.json)', () => {
  it('covers every built-in and both fixtures at both resolutions', () => {
    const names = new Set(golden.cases.map((c) => c.method));
    for (const b of Object.keys(BUILTIN_METHODS)) expect(names.has(b)).toBe(true);
    expect(golden.cases.length).toBe(20);
  });
  for (const c of golden.cases) {
    it(`${c.method} (${c.time}, ${c.resolution})`, () => {
      const d = deriveOdeWithTrace(methodFor(c.method), { resolution: c.resolution });
      expect(d.time).toBe(c.time);
      expect(d.trace.lead).toBe(c.lead);
      expect(sameTerms(d.terms, c.terms)).toEqual([]);
      // Every coefficient parses and is finite at a generic point (checked inside sameTerms too).
      for (const v of Object.values(d.terms)) expect(typeof v).toBe('string');
    });
  }
});

describe('the ODEs of the literature come out of the specs', () => {
  it("gd → gradient flow X' + ∇f = 0; high resolution X' + (η/2)X'' + ∇f = 0", () => {
    const low = deriveOde('gd');
    expect(low.order).toBe(1);
    expect(low.terms).toEqual({ "X'": '1', "hess*X'": '0', grad: '1' });
    expect(low.ode).toBe("X'(t) + grad f(X(t)) = 0");
    const high = deriveOde('gd', { resolution: 'high' });
    expect(high.terms["X'"]).toBe('1');
    expect(sameCoef(high.terms["X''"], 'eta/2')).toBe(true);
    expect(sameCoef(high.terms["X''"], 'eta')).toBe(false); // false twin
  });

  it("hb → X'' + γX' + ∇f = 0 (not γ/2, not 2γ)", () => {
    const d = deriveOde('hb');
    expect(d.order).toBe(2);
    expect(d.terms["X''"]).toBe('1');
    expect(sameCoef(d.terms["X'"], 'gamma')).toBe(true);
    expect(sameCoef(d.terms["X'"], 'gamma/2')).toBe(false);
    expect(sameCoef(d.terms["X'"], '2*gamma')).toBe(false);
    expect(d.ode).toBe("X''(t) + gamma*X'(t) + grad f(X(t)) = 0");
  });

  it("nag-c → X'' + (r/t)X' + ∇f = 0; r = 3 is Su, Boyd & Candès (not 2r/t, not (r−1)/t)", () => {
    const d = deriveOde('nag-c');
    expect(d.ode).toBe("X''(t) + (r/t)*X'(t) + grad f(X(t)) = 0");
    expect(sameCoef(d.terms["X'"], 'r/t')).toBe(true);
    expect(sameCoef(d.terms["X'"], '2*r/t')).toBe(false);
    expect(sameCoef(d.terms["X'"], '(r-1)/t')).toBe(false);
    const su = deriveOde({
      ...NAG_C,
      name: 'su-boyd-candes',
      params: ['s'],
      update: ['y[k] = x[k] + (k-1)/(k+2)*(x[k]-x[k-1])', 'x[k+1] = y[k] - s*grad(y[k])'],
    });
    expect(sameCoef(su.terms["X'"], '3/t')).toBe(true);
  });

  it("nag-sc → low X'' + 2√μX' + ∇f = 0, high adds √s∇²f(X)X' and (1 + √(μs))∇f", () => {
    const low = deriveOde('nag-sc');
    expect(sameTerms(low.terms, { "X''": '1', "X'": '2*sqrt(mu)', grad: '1' })).toEqual([]);
    const high = deriveOde('nag-sc', { resolution: 'high' });
    expect(
      sameTerms(high.terms, { "X''": '1', "X'": '2*sqrt(mu)', "hess*X'": 'sqrt(s)', grad: '1 + sqrt(mu*s)' }),
    ).toEqual([]);
    expect(sameCoef(high.terms["hess*X'"], '0')).toBe(false);
    expect(sameCoef(high.terms.grad, '1')).toBe(false);
  });

  it("heavy ball with Shi et al.'s α → high X'' + 2√μX' + (1 + √(μs))∇f = 0: no Hessian damping (what separates it from nag-sc)", () => {
    const high = deriveOde(fixture('hb-shi'), { resolution: 'high' });
    expect(sameTerms(high.terms, { "X''": '1', "X'": '2*sqrt(mu)', grad: '1 + sqrt(mu*s)' })).toEqual([]);
    expect(high.terms["hess*X'"]).toBe('0');
    const low = deriveOde(fixture('hb-shi'));
    expect(sameTerms(low.terms, deriveOde('nag-sc').terms)).toEqual([]); // same low-resolution ODE
  });

  it("hb-fixed (fixed β, t = kη) finds the first-order limit by itself: X' + ∇f/(1 − β) = 0 (Kovachki & Stuart)", () => {
    const d = deriveOde('hb-fixed');
    expect(d.order).toBe(1);
    expect(sameTerms(d.terms, { "X'": '1', grad: '1/(1-beta)' })).toEqual([]);
    expect(sameCoef(d.terms.grad, '1')).toBe(false); // not plain gradient flow
    expect(sameCoef(d.terms.grad, '1/(1+beta)')).toBe(false);
    expect(d.terms["X''"]).toBeUndefined();
  });

  it("hm (fixed β1, β2, t = kη) → X' + ∇f/(1 − β1 − β2) = 0", () => {
    const d = deriveOde('hm');
    expect(d.order).toBe(1);
    expect(sameTerms(d.terms, { "X'": '1', grad: '1/(1-beta1-beta2)' })).toEqual([]);
    expect(sameCoef(d.terms.grad, '1/(1-beta1)')).toBe(false);
    expect(sameCoef(d.terms.grad, '1/(1-beta1+beta2)')).toBe(false);
  });

  it('the time origin is part of the answer: nag-c high resolution with k√s vs (k + ½)√s', () => {
    const k = deriveOde('nag-c', { resolution: 'high' });
    const half = deriveOde(fixture('nag-c-half'), { resolution: 'high' });
    // (k−1)/(k+r−1), t = k√s: X' coefficient r/t + r(2 − r)√s/(2t²); r = 3 gives 3/t − 3√s/(2t²).
    expect(sameCoef(k.terms["X'"], 'r/t + r*(2-r)*sqrt(s)/(2*t^2)')).toBe(true);
    // t = (k + ½)√s: r/t + r(3 − r)√s/(2t²); exactly 3/t at r = 3.
    expect(sameCoef(half.terms["X'"], 'r/t + r*(3-r)*sqrt(s)/(2*t^2)')).toBe(true);
    const at3 = (e: string): string => `(${e}) + 0*r`.replace(/\br\b/g, '3');
    expect(numericallyEqual(at3(k.terms["X'"]), '3/t - 3*sqrt(s)/(2*t^2)')).toBe(true);
    expect(numericallyEqual(at3(half.terms["X'"]), '3/t')).toBe(true);
    expect(numericallyEqual(at3(k.terms["X'"]), '3/t')).toBe(false); // the origin matters
    for (const d of [k, half]) {
      expect(sameCoef(d.terms["hess*X'"], 'sqrt(s)')).toBe(true);
      expect(sameCoef(d.terms.grad, '1 + r*sqrt(s)/(2*t)')).toBe(true);
    }
  });

  it('a user spec with two auxiliaries derives without code changes (Nesterov in velocity form)', () => {
    const spec: MethodSpec = {
      name: 'nesterov-velocity',
      params: ['eta', 'gamma'],
      step: 'eta',
      time: 'k*sqrt(eta)',
      let: { beta: '1 - gamma*sqrt(eta)' },
      update: ['v[k] = x[k] - x[k-1]', 'y[k] = x[k] + beta*v[k]', 'x[k+1] = y[k] - eta*grad(y[k])'],
    };
    expect(sameTerms(deriveOde(spec).terms, deriveOde('hb').terms)).toEqual([]);
    const high = deriveOde(spec, { resolution: 'high' });
    expect(sameCoef(high.terms["hess*X'"], 'sqrt(eta)')).toBe(true);
    expect(sameCoef(deriveOde(HB, { resolution: 'high' }).terms["hess*X'"], '0')).toBe(true);
  });

  it("PyTorch's momentum buffer (a self-recursive auxiliary) is eliminated through x[k+1]: same limit as hb-fixed", () => {
    const torch = deriveOde(fixture('sgd-momentum'));
    expect(sameTerms(torch.terms, deriveOde('hb-fixed').terms)).toEqual([]);
    expect(
      sameTerms(
        deriveOde(fixture('sgd-momentum'), { resolution: 'high' }).terms,
        deriveOde('hb-fixed', { resolution: 'high' }).terms,
      ),
    ).toEqual([]);
    // PyTorch's Nesterov has the Hessian damping that its heavy ball lacks.
    expect(
      sameCoef(deriveOde(fixture('torch-nesterov'), { resolution: 'high' }).terms["hess*X'"], 'sqrt(eta)'),
    ).toBe(true);
  });

  it('a let law that uses k is expanded at each shift of k (same ODE as the inline momentum)', () => {
    const viaLet = deriveOde(
      {
        ...NAG_C,
        name: 'nag-c-let',
        let: { m: '(k-1)/(k+r-1)' },
        update: ['y[k] = x[k] + m*(x[k]-x[k-1])', 'x[k+1] = y[k] - s*grad(y[k])'],
      },
      { resolution: 'high' },
    );
    expect(sameTerms(viaLet.terms, deriveOde('nag-c', { resolution: 'high' }).terms)).toEqual([]);
    // Momentum on the gradient-step sequence z (the shifted definition z[k−1] uses k − 1 in the law).
    const zForm = deriveOde(
      {
        name: 'nag-z',
        params: ['s'],
        step: 's',
        time: 'k*sqrt(s)',
        let: { m: '(k-1)/(k+2)' },
        update: ['z[k] = x[k] - s*grad(x[k])', 'x[k+1] = z[k] + m*(z[k] - z[k-1])'],
      },
      { resolution: 'high' },
    );
    expect(
      sameTerms(zForm.terms, {
        "X''": '1',
        "X'": '3/t - 3*sqrt(s)/(2*t^2)',
        "hess*X'": 'sqrt(s)',
        grad: '1 + 3*sqrt(s)/(2*t)',
      }),
    ).toEqual([]);
  });

  it('writes LaTeX without units (t and s are symbols)', () => {
    const d = deriveOde('nag-c');
    expect(d.latex).toContain('\\ddot{X}(t)');
    expect(d.latex).toContain('\\nabla f(X(t))');
    expect(d.latex).not.toContain('mathrm');
  });
});

describe('malformed and non-derivable specs: one line naming the problem', () => {
  const gd = BUILTIN_METHODS.gd;
  const cases: Array<[string, MethodSpec, RegExp]> = [
    ['time not linear in k', { ...gd, name: 'q', time: 'k^2*eta' }, /time 'k\^2\*eta' must be linear in k/],
    ['no small parameter', { ...gd, name: 'q', time: 'k' }, /does not depend on a parameter/],
    [
      'trivial limit (time increments too large)',
      { ...gd, name: 'q', time: 'k*sqrt(eta)' },
      /equation 1 'x\[k\+1\] = x\[k\] - eta\*grad\(x\[k\]\)'.*X does not move on this time scale.*too large/,
    ],
    [
      'inconsistent update',
      { ...gd, name: 'q', update: ['x[k+1] = 2*x[k] - eta*grad(x[k])'] },
      /equation 1 .*not consistent/,
    ],
    [
      'grad at a point that does not tend to X',
      { ...gd, name: 'q', update: ['x[k+1] = x[k] - eta*grad(2*x[k])'] },
      /equation 1 .*grad\(2 \* x\[k\]\).*does not tend to X/,
    ],
    [
      'self-recursive auxiliary that x[k+1] does not use once',
      {
        ...gd,
        name: 'q',
        update: ['v[k] = 0.9*v[k-1] + grad(x[k])', 'x[k+1] = x[k] - eta*v[k] - eta*v[k-1]'],
      },
      /equation 1 'v\[k\] = 0.9\*v\[k-1\] \+ grad\(x\[k\]\)'.*own earlier values.*cannot be solved for/,
    ],
    [
      'two self-recursive auxiliaries',
      {
        ...gd,
        name: 'q',
        update: ['v[k] = 0.9*v[k-1] + grad(x[k])', 'w[k] = 0.5*w[k-1] + v[k]', 'x[k+1] = x[k] - eta*w[k]'],
      },
      /equation 1 .*so does 'w'/,
    ],
    [
      'unknown sequence (from the spec parser)',
      { ...gd, name: 'q', update: ['x[k+1] = w[k] - eta*grad(x[k])'] },
      /equation 1 .*unknown sequence 'w'/,
    ],
    [
      'non-expandable coefficient',
      { ...gd, name: 'q', update: ['x[k+1] = x[k] - floor(eta)*grad(x[k])'] },
      /floor\(eta\).*cannot be expanded/,
    ],
  ];
  for (const [what, spec, re] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        deriveOde(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpecError);
      const msg = (err as Error).message;
      expect(msg).toMatch(re);
      expect(msg.includes('\n')).toBe(false);
    });
  }
});

describe('spec-file problems the CLI reports (in process: readMethodArg + deriveOde)', () => {
  it('names the equation for x[k+1] missing, an index beyond what is defined, an unparsable expression', async () => {
    const { readMethodOption } = await import('../../src/cli/options.ts');
    const readMethodArg = (raw: string) => readMethodOption('--method', raw);
    const base = { params: ['eta'], step: 'eta', time: 'k*eta' };
    const cases: Array<[string[], RegExp]> = [
      [['y[k] = x[k] - eta*grad(x[k])'], /equation 1 'y\[k\] = .*must define x\[k\+1\]/],
      [['x[k+1] = x[k+1] - eta*grad(x[k])'], /equation 1 .*beyond what is defined/],
      [['x[k+1] = x[k] - eta*grad(x[k]'], /equation 1 .*cannot parse/],
    ];
    for (const [update, re] of cases) expect(() => deriveOde({ name: 'q', ...base, update })).toThrow(re);
    expect(readMethodArg('nag-c')).toBe('nag-c');
    expect(() => readMethodArg('/nonexistent/dir/m.json')).toThrow(/cannot read method spec/);
  });
});

describe('time scale too coarse for the update', () => {
  it('fixed β with t = k√η: the error suggests a higher power of the step than the one given', () => {
    const spec: MethodSpec = {
      name: 'fixed-beta',
      params: ['eta', 'beta'],
      step: 'sqrt(eta)',
      time: 'k*sqrt(eta)',
      update: ['x[k+1] = x[k] - eta*grad(x[k]) + beta*(x[k] - x[k-1])'],
    };
    expect(() => deriveOde(spec)).toThrow(/too large for this update \(try .*e\.g\. k\*eta\)/);
    // with the suggested time the rescaled gradient flow comes out
    expect(() => deriveOde({ ...spec, step: 'eta', time: 'k*eta' })).not.toThrow();
  });
});

describe('an update with a non-finite coefficient', () => {
  it('is the spec’s error (SpecError, exit 2), not an internal one', () => {
    const spec: MethodSpec = {
      name: 'div0',
      params: ['eta'],
      step: 'eta',
      time: 'k*eta',
      update: ['x[k+1] = x[k] - eta*grad(x[k])/0'],
    };
    expect(() => deriveOde(spec)).toThrow(SpecError);
    expect(() => deriveOde(spec)).toThrow(/not a finite number.*division by zero/);
  });
});

/**
 * The rate table: rows computed by src/dynamics/rates.ts (settings, ODE and discrete rates, measured
 * fits) and their formatting by src/report/table-rates.ts (Markdown, CSV, LaTeX, JSON).
 */
import { describe, expect, it } from 'vitest';
import type { OutputSpaceOde } from '../../src/symbolic/types.ts';
import {
  computeRateRow,
  expandSettings,
  fitMeasuredRate,
  GridError,
  parseGrid,
  theoryCurve,
  finiteOrNoted,
  usableWindow,
  withMeasured,
  type OutputSpaceDeriver,
} from '../../src/dynamics/rates.ts';
import { ratesCsv, ratesJson, renderRates } from '../../src/report/table-rates.ts';

const spectrum = { lambda0: 0.1, lambdaMax: 10, kappa: 100 };

// The literature's low-resolution output-space ODEs, by hand (src/symbolic derives the same).
const TERMS: Record<string, Record<string, string>> = {
  gd: { "X'": '1', grad: '1', "hess*X'": '0' },
  hb: { "X''": '1', "X'": 'gamma', grad: '1', "hess*X'": '0' },
  'hb-fixed': { "X'": '1', grad: '1 / (1 - beta)', "hess*X'": '0' },
  'nag-c': { "X''": '1', "X'": 'r / t', grad: '1', "hess*X'": '0' },
  'nag-sc': { "X''": '1', "X'": '2 * sqrt(mu)', grad: '1', "hess*X'": '0' },
  hm: { "X'": '1', grad: '1 / (1 - (beta1 + beta2))', "hess*X'": '0' },
};
const derive: OutputSpaceDeriver = (m, resolution) => {
  const name = typeof m === 'string' ? m : m.name;
  const terms = TERMS[name];
  return terms
    ? ({ method: name, resolution, terms, ode: '', latex: '', neglected: [] } satisfies OutputSpaceOde)
    : null;
};
const METHODS = ['gd', 'hb', 'nag-c', 'nag-sc', 'hm'].map((name) => ({ name, spec: name }));

describe('grids and settings', () => {
  it('parses grids and rejects malformed ones with a GridError', () => {
    expect(parseGrid('beta=0.2,0.5,0.8;r=2,3,6,8')).toEqual({ beta: [0.2, 0.5, 0.8], r: [2, 3, 6, 8] });
    expect(parseGrid('hb.beta=0.5')).toEqual({ 'hb.beta': [0.5] });
    for (const bad of ['beta', 'beta=', 'beta=0.2,,0.5', 'beta=x', 'beta=1;beta=2', '2x=1'])
      expect(() => parseGrid(bad)).toThrow(GridError);
  });

  it('expands per method with defaults; hb with a fixed β reads its ODE from hb-fixed', () => {
    const s = expandSettings(METHODS, parseGrid('beta=0.2,0.8;r=2,3'), spectrum);
    const hb = s.filter((x) => x.method === 'hb');
    expect(hb.map((x) => x.params.beta)).toEqual([0.2, 0.8]);
    expect(hb[0].odeMethod).toBe('hb-fixed');
    expect(hb[0].params.eta).toBeCloseTo(0.1, 15); // default step 1/λmax
    expect(s.filter((x) => x.method === 'nag-c').map((x) => x.params.r)).toEqual([2, 3]);
    const nagsc = s.filter((x) => x.method === 'nag-sc');
    expect(nagsc).toHaveLength(2); // beta is nag-sc's let symbol too
    expect(nagsc[0].odeParams.mu).toBeCloseTo(((1 - 0.2) / 1.2) ** 2 / 0.1, 12);
    const plain = expandSettings(METHODS, {}, spectrum, 0.05);
    expect(plain.find((x) => x.method === 'hb')!.params).toEqual({ eta: 0.05, gamma: 2 * Math.sqrt(0.1) });
    expect(plain.find((x) => x.method === 'nag-sc')!.params.mu).toBe(0.1);
    expect(plain.find((x) => x.method === 'nag-c')!.params.r).toBe(3);
  });

  it('qualified keys apply to one method; a key no method has is an error', () => {
    const s = expandSettings(METHODS, parseGrid('hb.beta=0.5'), spectrum);
    expect(s.filter((x) => x.method === 'nag-sc')[0].params.beta).toBeUndefined();
    expect(() => expandSettings(METHODS, parseGrid('zeta=1'), spectrum)).toThrow(GridError);
    expect(() => expandSettings(METHODS, parseGrid('gd.beta=1'), spectrum)).toThrow(GridError);
  });
});

describe('rows', () => {
  const rows = expandSettings(METHODS, {}, spectrum).map((s) => computeRateRow(s, spectrum, derive));
  const by = (m: string) => rows.find((r) => r.method === m)!;

  it('gd: ODE rate λ0 per unit t, ρ per step exp(−λ0 η), discrete max|1 − ηλ|', () => {
    const gd = by('gd');
    expect(gd.odeRate).toBeCloseTo(0.1, 12);
    expect(gd.odeRatePerStep).toBeCloseTo(Math.exp(-0.1 * 0.1), 12);
    expect(gd.discreteRate).toBeCloseTo(0.99, 12);
    expect(gd.discreteKind).toBe('exact');
    expect(gd.odeExponent).toBeNull();
  });

  it('hb at γ = 2√λ0: ODE rate √λ0 (false twin: not λ0), per step with h = √η', () => {
    const hb = by('hb');
    expect(hb.odeRate!).toBeCloseTo(Math.sqrt(0.1), 6);
    expect(Math.abs(hb.odeRate! - 0.1)).toBeGreaterThan(0.1);
    expect(hb.h).toBeCloseTo(Math.sqrt(0.1), 14);
    expect(hb.optimal!.discrete!.rate).toBeCloseTo((10 - 1) / (10 + 1), 6);
  });

  it('nag-c: sublinear exponent r/2, no ODE rate, asymptotic discrete factor √(1 − sλ0)', () => {
    const nc = by('nag-c');
    expect(nc.odeKind).toBe('sublinear');
    expect(nc.odeRate).toBeNull();
    expect(nc.odeExponent).toBeCloseTo(1.5, 12);
    expect(nc.discreteKind).toBe('asymptotic');
    expect(nc.discreteRate!).toBeCloseTo(Math.sqrt(1 - 0.1 * 0.1), 9);
    expect(nc.optimal).toBeNull();
  });

  it('without a derivation the ODE columns are n/a with a note, never NaN', () => {
    const r = computeRateRow(expandSettings([{ name: 'hb', spec: 'hb' }], {}, spectrum)[0], spectrum, null);
    expect(r.odeKind).toBe('unavailable');
    expect(r.odeRate).toBeNull();
    expect(r.notes.join(' ')).toMatch(/no derived ODE/);
    const md = renderRates([r], spectrum, 'test', 'md', false);
    expect(md).toContain('n/a');
    expect(md).not.toMatch(/NaN/);
  });

  it('json has the documented shape with nulls; csv has the same columns', () => {
    const doc = ratesJson(rows, spectrum, 'test') as {
      data: Record<string, unknown>;
      rows: Array<Record<string, unknown>>;
    };
    expect(doc.data).toMatchObject({ lambda0: 0.1, lambdaMax: 10, kappa: 100 });
    for (const r of doc.rows) {
      for (const k of [
        'method',
        'params',
        'odeRate',
        'odeExponent',
        'discreteRate',
        'measuredRate',
        'optimal',
      ])
        expect(k in r).toBe(true);
      expect(r.measuredRate).toBeNull();
    }
    expect(JSON.stringify(doc)).not.toMatch(/NaN|Infinity/);
    const csv = ratesCsv(rows, spectrum, 'test').trim().split('\n');
    expect(csv).toHaveLength(rows.length + 1);
    for (const k of ['method', 'odeRate', 'odeExponent', 'discreteRate', 'measuredRate', 'optimal'])
      expect(csv[0].split(',')).toContain(k);
    const tex = renderRates(rows, spectrum, 'test', 'latex', false);
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('(per step)');
    expect(tex).toContain('(per $t$)');
  });

  it('a non-finite number is never passed on silently: null plus a note naming the column', () => {
    const r = finiteOrNoted({ ...by('gd'), odeRatePerStep: Infinity, gapOde: NaN });
    expect(r.odeRatePerStep).toBeNull();
    expect(r.gapOde).toBeNull();
    expect(r.notes.at(-1)).toMatch(/odeRatePerStep, gapOde/);
    expect(finiteOrNoted(by('gd'))).toBe(by('gd'));
  });

  it('theory curves along a grid parameter agree with the rows at the grid values', () => {
    const s = expandSettings([{ name: 'hb', spec: 'hb' }], parseGrid('beta=0.2,0.8'), spectrum);
    const curve = theoryCurve(s[0], 'beta', 0.2, 0.8, spectrum, derive, 'low', 7);
    curve.forEach((r, i) => expect(r.params.beta).toBeCloseTo(0.2 + 0.1 * i, 14));
    const last = computeRateRow(s[1], spectrum, derive);
    expect(curve[6].discreteRate).toBeCloseTo(last.discreteRate!, 8);
    expect(curve[6].odeRate).toBeCloseTo(last.odeRate!, 12); // the hb-fixed limit follows β along the curve
    expect(curve[0].odeRate).toBeCloseTo(0.1 / 0.8, 12);
  });

  it('the fit window stops at the float64 floor (false twin: fitting the floor gives ρ ≈ 1)', () => {
    const e = Array.from({ length: 401 }, (_, k) => Math.max(0.8 ** k, 1e-14 * (1 + 0.5 * Math.sin(k))));
    const w = usableWindow(e, [200, 400]);
    expect(w[1]).toBeLessThan(110);
    expect(fitMeasuredRate(e, w)!.rate).toBeCloseTo(0.8, 10);
    expect(Math.abs(fitMeasuredRate(e, [200, 400])!.rate - 0.8)).toBeGreaterThan(0.1);
    expect(
      usableWindow(
        Array.from({ length: 101 }, (_, k) => 0.99 ** k),
        [50, 100],
      ),
    ).toEqual([50, 100]);
  });

  it('measured rates: exp(slope of ln‖e‖) with R², and log gaps to the predictions', () => {
    const e = Array.from({ length: 101 }, (_, k) => 3 * 0.97 ** k);
    const fit = fitMeasuredRate(e, [50, 100])!;
    expect(fit.rate).toBeCloseTo(0.97, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    const gd = withMeasured(by('gd'), {
      rate: 0.99,
      r2: 1,
      window: [50, 100],
      status: 'ok',
      width: 100,
      steps: 100,
    });
    expect(gd.gapDiscrete!).toBeCloseTo(0, 10);
    expect(Math.abs(gd.gapOde!)).toBeLessThan(0.01);
    const off = withMeasured(by('gd'), {
      rate: 0.98,
      r2: 1,
      window: [50, 100],
      status: 'ok',
      width: 100,
      steps: 100,
    });
    expect(off.gapDiscrete!).toBeGreaterThan(0.9); // ln 0.98 / ln 0.99 − 1 ≈ 1.01: the false twin is visible
  });
});

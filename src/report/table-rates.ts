/**
 * The convergence-rate table of `dynview rates`, formatted: the rows computed by src/dynamics/rates.ts
 * as Markdown, CSV, LaTeX or JSON, with the units and notes a reader needs.
 *
 * Units (fixed, also in the JSON): odeRate = c in ‖e(t)‖ ~ exp(−c t) per unit of the method's ODE
 * time; odeRatePerStep = exp(−c h) with h the ODE time per step; odeExponent = p in ‖e(t)‖ ~ t^(−p);
 * discreteRate = ρ per step (‖e_k‖ ~ ρ^k); measuredRate = ρ per step fitted on ‖e_k‖ of a trained net.
 */
import type { ParamValues } from '../spec/compile.ts';
import type { OptimalSetting } from '../dynamics/optimal.ts';
import { finiteOrNoted, type RateRow, type Spectrum } from '../dynamics/rates.ts';
import { renderCsv, renderLatex, renderMarkdown, type Table } from './table.ts';
import { formatNumber, formatRate } from '../util/format.ts';

function paramsText(p: ParamValues): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${formatNumber(v, 4)}`)
    .join(' ');
}

function optimalText(o: OptimalSetting | null): string | null {
  if (!o) return null;
  const parts: string[] = [];
  if (o.discrete)
    parts.push(`${o.discrete.name} ${paramsText(o.discrete.params)} → ρ=${formatRate(o.discrete.rate)}`);
  if (o.ode)
    parts.push(
      `ODE ${paramsText(o.ode.params)} → c=${formatNumber(o.ode.odeRate)}`.replace('ODE  →', 'ODE →'),
    );
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The rows as a generic table (md/csv/latex). */
export function ratesTable(rows: RateRow[], spectrum: Spectrum, dataLabel: string, measured: boolean): Table {
  const cols: Table['columns'] = [
    { key: 'method', header: 'method', align: 'left' },
    { key: 'params', header: 'params', align: 'left' },
    { key: 'odeRate', header: 'ODE rate c (per unit t)', latex: '$c$ (per $t$)' },
    { key: 'odeRatePerStep', header: 'ODE ρ per step', latex: '$e^{-ch}$ (per step)' },
    { key: 'odeExponent', header: 'ODE exponent p', latex: '$p$ in $t^{-p}$' },
    { key: 'discreteRate', header: 'discrete ρ per step', latex: '$\\rho$ (per step)' },
  ];
  if (measured) {
    cols.push(
      { key: 'measuredRate', header: 'measured ρ per step', latex: '$\\hat\\rho$ (per step)' },
      { key: 'fitWindow', header: 'fit window', latex: 'window' },
      { key: 'fitR2', header: 'fit R²', latex: '$R^2$' },
      { key: 'gapOde', header: 'gap vs ODE', latex: 'gap ODE' },
      { key: 'gapDiscrete', header: 'gap vs discrete', latex: 'gap disc.' },
    );
  }
  cols.push({ key: 'optimal', header: 'optimal (theory)', align: 'left', latex: 'optimal (theory)' });
  const table: Table = {
    columns: cols,
    rows: rows.map((r) => ({
      method: r.method,
      params: paramsText(r.params),
      odeRate: formatNumber(r.odeRate),
      odeRatePerStep: formatRate(r.odeRatePerStep),
      odeExponent: formatNumber(r.odeExponent),
      discreteRate:
        r.discreteRate === null
          ? null
          : formatRate(r.discreteRate) + (r.discreteKind === 'asymptotic' ? ' (k→∞)' : ''),
      measuredRate: r.measured
        ? formatRate(r.measured.rate) + (r.measured.status === 'diverged' ? ' (diverged)' : '')
        : null,
      fitWindow: r.measured ? `${r.measured.window[0]}–${r.measured.window[1]}` : null,
      fitR2: r.measured ? formatNumber(r.measured.r2, 4) : null,
      gapOde: r.gapOde === null ? null : `${(100 * r.gapOde).toFixed(1)}%`,
      gapDiscrete: r.gapDiscrete === null ? null : `${(100 * r.gapDiscrete).toFixed(1)}%`,
      optimal: optimalText(r.optimal),
    })),
    caption:
      `Convergence rates of ‖e‖ = ‖u − y‖ on ${dataLabel}: λ0 = ${formatNumber(spectrum.lambda0)}, ` +
      `λmax = ${formatNumber(spectrum.lambdaMax)}, κ = ${formatNumber(spectrum.kappa)} (H∞).`,
    notes: [
      "c: ‖e(t)‖ ~ exp(−c t) per unit of the method's ODE time (worst mode over [λ0, λmax]); ODE ρ per step = exp(−c h).",
      'p: ‖e(t)‖ ~ t^(−p) where the ODE limit is sublinear. discrete ρ: spectral radius of the ' +
        'linearised step map (worst mode); (k→∞) = its limit for k-dependent momentum.',
      ...(measured
        ? [
            'measured ρ: exp(slope of ln‖e_k‖) of a trained network over the fit window; gap = (ln ρ̂ − ln ρ)/ln ρ.',
          ]
        : []),
      ...rows.flatMap((r) => r.notes.map((n) => `${r.method} ${paramsText(r.params)}: ${n}`)),
    ],
  };
  return table;
}

export type RatesFormat = 'md' | 'csv' | 'latex' | 'json';

/** The JSON document of `dynview rates --format json` (null where a column does not apply). */
export function ratesJson(rows: RateRow[], spectrum: Spectrum, dataLabel: string): unknown {
  rows = rows.map(finiteOrNoted);
  return {
    data: {
      source: dataLabel,
      lambda0: spectrum.lambda0,
      lambdaMax: spectrum.lambdaMax,
      kappa: spectrum.kappa,
    },
    units: {
      odeRate: 'c in ||e(t)|| ~ exp(-c t), per unit of the method ODE time',
      odeRatePerStep: 'exp(-c h), per step',
      odeExponent: 'p in ||e(t)|| ~ t^(-p)',
      discreteRate: 'spectral radius rho per step, ||e_k|| ~ rho^k',
      measuredRate: 'rho per step, exp(slope of ln||e_k||) of a trained network',
    },
    rows: rows.map((r) => ({
      data: dataLabel,
      method: r.method,
      params: r.params,
      h: r.h,
      odeKind: r.odeKind,
      odeRate: r.odeRate,
      odeRatePerStep: r.odeRatePerStep,
      odeExponent: r.odeExponent,
      odeWorstLambda: r.odeWorstLambda,
      discreteRate: r.discreteRate,
      discreteKind: r.discreteKind,
      discreteWorstLambda: r.discreteWorstLambda,
      measuredRate: r.measured ? r.measured.rate : null,
      measured: r.measured,
      gapOde: r.gapOde,
      gapDiscrete: r.gapDiscrete,
      optimal: r.optimal,
      crossover: r.crossover,
      notes: r.notes,
    })),
  };
}

/** CSV with the JSON's columns (one row per setting; params as k=v pairs). */
export function ratesCsv(rows: RateRow[], spectrum: Spectrum, dataLabel: string): string {
  const num = (v: number | null | undefined) =>
    v === null || v === undefined || !Number.isFinite(v) ? null : String(v);
  return renderCsv({
    columns: [
      'data',
      'lambda0',
      'lambdaMax',
      'kappa',
      'method',
      'params',
      'odeRate',
      'odeRatePerStep',
      'odeExponent',
      'discreteRate',
      'discreteKind',
      'measuredRate',
      'fitFrom',
      'fitTo',
      'fitR2',
      'gapOde',
      'gapDiscrete',
      'optimal',
    ].map((k) => ({ key: k, header: k })),
    rows: rows.map((r) => ({
      data: dataLabel,
      lambda0: num(spectrum.lambda0),
      lambdaMax: num(spectrum.lambdaMax),
      kappa: num(spectrum.kappa),
      method: r.method,
      params: paramsText(r.params),
      odeRate: num(r.odeRate),
      odeRatePerStep: num(r.odeRatePerStep),
      odeExponent: num(r.odeExponent),
      discreteRate: num(r.discreteRate),
      discreteKind: r.discreteKind,
      measuredRate: num(r.measured?.rate),
      fitFrom: num(r.measured?.window[0]),
      fitTo: num(r.measured?.window[1]),
      fitR2: num(r.measured?.r2),
      gapOde: num(r.gapOde),
      gapDiscrete: num(r.gapDiscrete),
      optimal: optimalText(r.optimal),
    })),
  });
}

export function renderRates(
  rows: RateRow[],
  spectrum: Spectrum,
  dataLabel: string,
  format: RatesFormat,
  measured: boolean,
): string {
  rows = rows.map(finiteOrNoted);
  if (format === 'json') return JSON.stringify(ratesJson(rows, spectrum, dataLabel), null, 2) + '\n';
  if (format === 'csv') return ratesCsv(rows, spectrum, dataLabel);
  const t = ratesTable(rows, spectrum, dataLabel, measured);
  return format === 'latex' ? renderLatex(t) : renderMarkdown(t);
}

/**
 * Several data sets: Markdown/LaTeX tables one after another, one CSV (the data column tells them
 * apart), JSON with "data" as an array and each row naming its data set.
 */
export function renderRatesMany(
  blocks: Array<{ rows: RateRow[]; spectrum: Spectrum; label: string }>,
  format: RatesFormat,
  measured: boolean,
): string {
  if (format === 'json') {
    const docs = blocks.map(
      (b) => ratesJson(b.rows, b.spectrum, b.label) as { data: unknown; units: unknown; rows: unknown[] },
    );
    return (
      JSON.stringify(
        { data: docs.map((d) => d.data), units: docs[0].units, rows: docs.flatMap((d) => d.rows) },
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'csv') {
    return blocks
      .map((b, i) => {
        const text = ratesCsv(b.rows.map(finiteOrNoted), b.spectrum, b.label);
        return i === 0 ? text : text.slice(text.indexOf('\n') + 1);
      })
      .join('');
  }
  return blocks.map((b) => renderRates(b.rows, b.spectrum, b.label, format, measured)).join('\n');
}

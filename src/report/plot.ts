/**
 * Line charts as SVG through vega-lite (compiled to a vega spec) rendered headless by vega:
 * `new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG()`. No browser, no canvas.
 *
 * Values that cannot be drawn are dropped, never passed on: non-finite values always, and
 * non-positive values on a log axis; the subtitle says how many were dropped.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import type { AxisScale, Series } from '../claims/plot-spec.ts';

export type { AxisScale, Series };

export interface AxisOptions {
  label: string;
  scale?: AxisScale;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  x: AxisOptions;
  y: AxisOptions;
  series: Series[];
  width?: number;
  height?: number;
}

interface Row {
  x: number;
  y: number;
  series: string;
  order: number;
}

/** Split the points into drawable rows and a count of dropped points. */
export function drawablePoints(opts: LineChartOptions): {
  rows: Row[];
  markerRows: Row[];
  dashedRows: Row[];
  dropped: number;
  droppedNonPositive: number;
} {
  const rows: Row[] = [];
  const markerRows: Row[] = [];
  const dashedRows: Row[] = [];
  let dropped = 0;
  let droppedNonPositive = 0;
  const xLog = opts.x.scale === 'log';
  const yLog = opts.y.scale === 'log';
  for (const s of opts.series) {
    s.points.forEach(([x, y], order) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        dropped++;
        return;
      }
      if ((xLog && x <= 0) || (yLog && y <= 0)) {
        dropped++;
        droppedNonPositive++;
        return;
      }
      const row = { x, y, series: s.name, order };
      if (s.markers) markerRows.push(row);
      else if (s.dashed) dashedRows.push(row);
      else rows.push(row);
    });
  }
  return { rows, markerRows, dashedRows, dropped, droppedNonPositive };
}

/**
 * Text broken at spaces into lines of at most `chars` characters (a longer word stays whole). Vega
 * widens a chart to fit its title, so long subtitles are wrapped rather than let the plot grow
 * past the page.
 */
export function wrapText(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Subtitle lines: the caller's subtitle wrapped to the plot width, then the note on dropped points. */
function subtitleWithDrops(opts: LineChartOptions, dropped: number, nonPositive: number): string[] {
  const chars = Math.max(40, Math.floor((opts.width ?? 480) / 8));
  const lines = opts.subtitle ? wrapText(opts.subtitle, chars) : [];
  if (dropped > 0) {
    const nonFinite = dropped - nonPositive;
    const what: string[] = [];
    if (nonPositive > 0) what.push(`${nonPositive} non-positive on a log axis`);
    if (nonFinite > 0) what.push(`${nonFinite} non-finite`);
    lines.push(`(${dropped} point${dropped === 1 ? '' : 's'} dropped: ${what.join(', ')})`);
  }
  return lines;
}

/** The vega-lite spec of a chart (exported for tests and for users who want the JSON). */
export function lineChartSpec(opts: LineChartOptions): TopLevelSpec {
  const { rows, markerRows, dashedRows, dropped, droppedNonPositive } = drawablePoints(opts);
  const subtitle = subtitleWithDrops(opts, dropped, droppedNonPositive);
  const names = opts.series.map((s) => s.name);
  const xScale =
    opts.x.scale === 'log'
      ? ({ type: 'log' } as const)
      : ({ type: 'linear', zero: false, nice: true } as const);
  const yScale =
    opts.y.scale === 'log'
      ? ({ type: 'log' } as const)
      : ({ type: 'linear', zero: false, nice: true } as const);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names } } as const;
  const enc = {
    x: { field: 'x', type: 'quantitative', title: opts.x.label, scale: xScale, axis: { format: '~g' } },
    y: {
      field: 'y',
      type: 'quantitative',
      title: opts.y.label,
      scale: yScale,
      axis: { format: opts.y.scale === 'log' ? '~e' : '~g' },
    },
    color,
    order: { field: 'order', type: 'quantitative' },
  } as const;
  const layers: unknown[] = [];
  if (rows.length > 0)
    layers.push({ data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: enc });
  if (dashedRows.length > 0)
    layers.push({
      data: { values: dashedRows },
      mark: { type: 'line', strokeWidth: 1.5, strokeDash: [6, 4] },
      encoding: enc,
    });
  if (markerRows.length > 0)
    layers.push({
      data: { values: markerRows },
      mark: { type: 'point', filled: true, size: 40 },
      encoding: { x: enc.x, y: enc.y, color },
    });
  if (layers.length === 0) {
    // Nothing drawable: an empty frame that still carries the title and the drop note.
    const fixed = (axis: AxisOptions, e: typeof enc.x | typeof enc.y) => ({
      ...e,
      scale: { ...e.scale, domain: axis.scale === 'log' ? [1, 10] : [0, 1] },
    });
    layers.push({
      data: { values: [] },
      mark: 'line',
      encoding: { x: fixed(opts.x, enc.x), y: fixed(opts.y, enc.y) },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: wrapText(opts.title, Math.max(30, Math.floor((opts.width ?? 480) / 7.5))),
      ...(subtitle.length > 0 ? { subtitle } : {}),
    },
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    background: 'white',
    layer: layers,
  } as TopLevelSpec;
}

/** Render a line chart (series may be dashed or drawn as markers) to an SVG string. */
export async function lineChartSvg(opts: LineChartOptions): Promise<string> {
  const vl = lineChartSpec(opts);
  const vgSpec = compile(vl).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Scatter points with a fitted (or theory) line: e.g. drift against width with the 1/√m law. */
export async function scatterWithLineSvg(
  opts: Omit<LineChartOptions, 'series'> & { points: Series; lines: Series[] },
): Promise<string> {
  return lineChartSvg({ ...opts, series: [{ ...opts.points, markers: true }, ...opts.lines] });
}

import { describe, expect, it } from 'vitest';
import { lineChartSvg, scatterWithLineSvg, drawablePoints } from '../../src/report/plot.ts';

function wellFormed(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trim().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN/);
  // every element closes in order (a minimal XML well-formedness check)
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe('lineChartSvg', () => {
  it('renders an SVG with the title and every series name', async () => {
    const t = Array.from({ length: 50 }, (_, i) => i);
    const svg = await lineChartSvg({
      title: 'loss against t',
      x: { label: 't' },
      y: { label: 'loss', scale: 'log' },
      series: [
        { name: 'gd', points: t.map((x) => [x, Math.exp(-0.1 * x)]) },
        { name: 'theory exp(-λ0 t)', points: t.map((x) => [x, Math.exp(-0.05 * x)]), dashed: true },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('loss against t');
    expect(svg).toContain('gd');
    expect(svg).toContain('theory exp(-λ0 t)');
    expect(svg).toMatch(/<path/);
  });

  it('drops non-positive values on log axes and says so, never NaN', async () => {
    const svg = await lineChartSvg({
      title: 'log-log',
      x: { label: 't', scale: 'log' },
      y: { label: 'loss', scale: 'log' },
      series: [
        {
          name: 'nag',
          points: [
            [0, 1],
            [1, 0.5],
            [2, 0],
            [3, NaN],
            [4, 0.1],
          ],
        },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('3 points dropped');
    const d = drawablePoints({
      title: '',
      x: { label: '', scale: 'log' },
      y: { label: '', scale: 'log' },
      series: [
        {
          name: 'a',
          points: [
            [0, 1],
            [1, -1],
            [2, 2],
          ],
        },
      ],
    });
    expect(d.rows.length).toBe(1);
    expect(d.droppedNonPositive).toBe(2);
  });

  it('a linear-axis chart keeps zeros and negatives', () => {
    const d = drawablePoints({
      title: '',
      x: { label: '' },
      y: { label: '' },
      series: [
        {
          name: 'a',
          points: [
            [0, 0],
            [1, -1],
          ],
        },
      ],
    });
    expect(d.rows.length).toBe(2);
    expect(d.dropped).toBe(0);
  });

  it('renders a scatter with a line, and an empty chart', async () => {
    const svg = await scatterWithLineSvg({
      title: 'drift against width',
      x: { label: 'm', scale: 'log' },
      y: { label: 'drift', scale: 'log' },
      points: {
        name: 'measured',
        points: [
          [100, 0.3],
          [400, 0.15],
          [1600, 0.08],
        ],
      },
      lines: [
        {
          name: 'C/√m',
          points: [
            [100, 0.3],
            [1600, 0.075],
          ],
          dashed: true,
        },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('measured');
    expect(svg).toContain('C/√m');
    const empty = await lineChartSvg({
      title: 'nothing',
      x: { label: 'x' },
      y: { label: 'y', scale: 'log' },
      series: [{ name: 'z', points: [[1, 0]] }],
    });
    wellFormed(empty);
    expect(empty).toContain('1 point dropped');
  });
});

/** Plot specs built from claim runs (rendered by src/report/plot.ts). */
import type { PlotSpec } from './proof.ts';
import type { ClaimRun } from './runner.ts';

/** Loss against t (log y; log x when asked) for the kept trajectories of one claim run. */
export function lossPlot(runs: ClaimRun[], id: string, title: string, xScale: 'linear' | 'log'): PlotSpec[] {
  const run = runs.find((r) => r.id === id);
  if (!run?.trajectories?.length) return [];
  return [
    {
      title,
      subtitle: run.evidence.instances[0]?.regimeNote.split(';')[0],
      x: { label: "t (the method's ODE time)", scale: xScale },
      y: { label: 'loss ½‖e‖²', scale: 'log' },
      series: run.trajectories.map((tr) => {
        const pts: Array<[number, number]> = [];
        const step = Math.max(1, Math.floor(tr.t.length / 400));
        for (let i = 0; i < tr.t.length; i += step) pts.push([tr.t[i], tr.loss[i]]);
        return { name: `n=${tr.instance.n} d=${tr.instance.d} seed=${tr.instance.seed}`, points: pts };
      }),
    },
  ];
}

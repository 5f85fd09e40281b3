/**
 * λ_min and λ_max of H∞ side by side with numpy eigvalsh on the same rows (src/ntk/spectrum-bench.ts
 * and bench/eigen_reference.py), one case after the other so both see the same machine load.
 * Usage: node --import tsx scripts/bench-eigen.ts [--certify] [--dense] [--d 10] 1000 2000 10000
 * Prints one line per n: dynview's build/extremes(/enclosure/dense) times, numpy's build/eigvalsh
 * times, the ratio extremes/eigvalsh, the load average and the values' agreement.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { benchHinfExtremes } from '../src/ntk/spectrum-bench.ts';

const args = process.argv.slice(2);
const certify = args.includes('--certify');
const dense = args.includes('--dense');
const dIdx = args.indexOf('--d');
const d = dIdx >= 0 ? Number(args[dIdx + 1]) : 10;
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--d').map(Number);
for (const n of sizes.length ? sizes : [1000, 2000]) {
  const load0 = loadavg()[0];
  const { result: r, referenceJob } = benchHinfExtremes({ n, d, certify, dense });
  const py = spawnSync('python3', ['bench/eigen_reference.py'], {
    input: JSON.stringify(referenceJob),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ref = py.status === 0 ? (JSON.parse(py.stdout) as Record<string, number>) : null;
  const parts = [
    `n=${n} d=${d} load=${load0.toFixed(1)}`,
    `dynview: H∞ ${r.buildSeconds.toFixed(2)} s, extremes ${r.extremesSeconds.toFixed(2)} s (cpu ${r.extremesCpuSeconds.toFixed(2)} s, ${r.iterations} its, ${r.methods.min}/${r.methods.max})`,
  ];
  if (r.enclosureSeconds !== undefined) parts.push(`+ proof ${r.enclosureSeconds.toFixed(2)} s`);
  if (r.denseSeconds !== undefined) parts.push(`all eigenvalues ${r.denseSeconds.toFixed(2)} s`);
  if (ref) {
    parts.push(
      `numpy: H∞ ${ref.buildSeconds.toFixed(2)} s, eigvalsh ${ref.eigvalshSeconds.toFixed(2)} s (cpu ${ref.eigvalshCpuSeconds.toFixed(2)} s)`,
    );
    parts.push(`ratio extremes/eigvalsh ${(r.extremesSeconds / ref.eigvalshSeconds).toFixed(2)}`);
    const rel = (a: number, b: number): string => (Math.abs(a - b) / Math.abs(b)).toExponential(1);
    parts.push(
      `|Δλmin|/λmin ${rel(r.lambdaMin, ref.lambdaMin)}, |Δλmax|/λmax ${rel(r.lambdaMax, ref.lambdaMax)}`,
    );
  } else
    parts.push(`numpy reference failed: ${py.stderr.split('\n').filter(Boolean).pop() ?? py.error?.message}`);
  console.log(parts.join(' | '));
}

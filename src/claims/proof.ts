/**
 * A proof file (proofs/*.ts) exports a `Proof`: the claim as the paper states it (text, LaTeX,
 * guarantee kind, reference, hypotheses), its symbolic obligations (checked exactly with the
 * derivation engine), its numeric obligations (claims over instance generators, or custom fast-check
 * properties) and its false twins (claims the checker must refute). `runProof` returns the verdict
 * with the evidence: each computed value next to the value the theory gives (after PEPit).
 */
import fc from 'fast-check';
import type { Series } from './plot-spec.ts';
import { parseClaim } from './claim-file.ts';
import type { ClaimJson } from './claim-schema.ts';
import type { Certificate } from '../certify/types.ts';
import { runClaim, type ClaimRun } from './runner.ts';
import type { Claim, ObligationResult, Verdict } from './types.ts';
import { combineVerdict } from './verdict.ts';
import { sig } from '../util/format.ts';

export type GuaranteeKind = 'exact' | 'upper bound' | 'asymptotic' | 'conjecture';

export interface ProofRunOptions {
  runs?: number;
  seed?: number;
  /** Run only the claim (or twin) with this id, e.g. to replay a counterexample with `path`. */
  only?: string;
  /** fast-check path to replay (with `only`). */
  path?: string;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface PlotSpec {
  title: string;
  subtitle?: string;
  x: { label: string; scale?: 'linear' | 'log' };
  y: { label: string; scale?: 'linear' | 'log' };
  series: Series[];
}

/** A custom numeric property (fast-check over generators) with its evidence and optional plot. */
export interface NumericProperty {
  name: string;
  /** Runs the property; `runs` and `seed` come from the caller (fast-check numRuns and seed). */
  check(opts: { runs: number; seed: number }): Promise<ObligationResult & { plot?: PlotSpec }>;
}

export interface Proof {
  id: string;
  title: string;
  statement: string;
  latex: string;
  method: string;
  guarantee: GuaranteeKind;
  reference: string;
  hypotheses: string[];
  /** Symbolic obligations (exact). */
  symbolic?: () => ObligationResult[];
  /** Obligations given as claims (JSON form, validated by parseClaim). */
  claims?: ClaimJson[];
  /** Custom numeric properties. */
  properties?: NumericProperty[];
  /** False twins: claims (JSON form) or properties the checker must refute. */
  twins?: Array<ClaimJson | NumericProperty>;
  /** Default number of sampled instances per numeric obligation (kept small: verify runs all). */
  defaultRuns?: number;
  /** Build plots from the claim runs (trajectories of the first instances). */
  plots?: (runs: ClaimRun[]) => PlotSpec[];
}

export interface ProofResult {
  id: string;
  title: string;
  statement: string;
  latex: string;
  guarantee: GuaranteeKind;
  reference: string;
  hypotheses: string[];
  verdict: Verdict;
  obligations: ObligationResult[];
  claims: ClaimRun[];
  /** Twins: id → verdict (each must be 'refuted'). */
  twins: Array<{
    id: string;
    verdict: Verdict;
    detail: string;
    replay?: string;
    /** A certified refutation's certificate (the counterexample's). */
    certificates?: Certificate[];
  }>;
  twinsRefuted: boolean;
  plots: PlotSpec[];
  seconds: number;
  seed: number;
}

function isProperty(x: unknown): x is NumericProperty {
  return typeof x === 'object' && x !== null && typeof (x as NumericProperty).check === 'function';
}

/** Run every obligation and twin of a proof. */
export async function runProof(proof: Proof, opts: ProofRunOptions = {}): Promise<ProofResult> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const runs = opts.runs ?? proof.defaultRuns ?? 8;
  const obligations: ObligationResult[] = [];
  const plots: PlotSpec[] = [];
  const claimRuns: ClaimRun[] = [];
  const keep = (id: string) => opts.only === undefined || opts.only === id;
  const claims: Claim[] = (proof.claims ?? []).map((c) => parseClaim(c)).filter((c) => keep(c.id));
  // A claim that sets its own instances.runs (a costly network-regime claim asks for fewer) keeps
  // that count inside the proof; --runs overrides it like every other default.
  const ownRuns = new Map((proof.claims ?? []).map((c) => [c.id, c.instances?.runs]));
  const twins = (proof.twins ?? []).filter((t) => keep(isProperty(t) ? t.name : parseClaim(t).id));
  const properties = (proof.properties ?? []).filter((p) => keep(p.name));
  const symbolic = opts.only === undefined ? proof.symbolic : undefined;
  const total = (symbolic ? 1 : 0) + claims.length + properties.length + twins.length;
  let done = 0;
  const tick = (label: string) => opts.onProgress?.(++done, total, label);
  if (symbolic) {
    obligations.push(...symbolic());
    tick('symbolic');
  }
  for (const claim of claims) {
    const r = await runClaim(claim, {
      runs: opts.runs ?? ownRuns.get(claim.id) ?? runs,
      seed,
      path: opts.path,
      keepTrajectories: 3,
      replayCommand: `dynview verify ${proof.id} --claim ${claim.id}`,
    });
    claimRuns.push(r);
    for (const o of r.obligations) obligations.push({ ...o, name: `${claim.id}: ${o.name}` });
    tick(claim.id);
  }
  for (const p of properties) {
    const r = await p.check({ runs, seed });
    const { plot, ...ob } = r;
    obligations.push(ob);
    if (plot) plots.push(plot);
    tick(p.name);
  }
  const twinResults: ProofResult['twins'] = [];
  for (const t of twins) {
    if (isProperty(t)) {
      const r = await t.check({ runs, seed });
      twinResults.push({
        id: t.name,
        verdict: r.status === 'fail' ? 'refuted' : r.status === 'pass' ? 'supported' : 'inconclusive',
        detail: r.detail,
      });
      tick(t.name);
    } else {
      const claim = parseClaim(t);
      const r = await runClaim(claim, {
        runs,
        seed,
        path: opts.path,
        replayCommand: `dynview verify ${proof.id} --claim ${claim.id}`,
      });
      twinResults.push({
        id: claim.id,
        verdict: r.verdict,
        detail: r.counterexample?.reason ?? r.evidence.summary,
        replay: r.counterexample?.replay,
        certificates: r.certificates?.slice(0, 1),
      });
      tick(claim.id);
    }
  }
  if (proof.plots) plots.push(...proof.plots(claimRuns));
  return {
    id: proof.id,
    title: proof.title,
    statement: proof.statement,
    latex: proof.latex,
    guarantee: proof.guarantee,
    reference: proof.reference,
    hypotheses: proof.hypotheses,
    verdict: combineVerdict(obligations),
    obligations,
    claims: claimRuns,
    twins: twinResults,
    twinsRefuted: twinResults.every((t) => t.verdict === 'refuted'),
    plots,
    seconds: (performance.now() - started) / 1000,
    seed,
  };
}

/**
 * A NumericProperty that checks `predicate` with checkProperty on values drawn from `arb`; the
 * caller's run count goes through `runsOf` (e.g. a third of the runs for real-network training).
 */
export function sampledProperty<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  runsOf: (runs: number) => number,
  predicate: Parameters<typeof checkProperty<T>>[2],
): NumericProperty {
  return {
    name,
    check: ({ runs, seed }) => checkProperty(name, arb, predicate, { runs: runsOf(runs), seed }),
  };
}

/**
 * A custom numeric property as a fast-check check: `predicate` returns pass/fail/inconclusive with
 * the computed and theory values; the first failure is shrunk and reported with seed and path.
 */
export async function checkProperty<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<{
    status: 'pass' | 'fail' | 'inconclusive';
    detail: string;
    computed?: number;
    theory?: number;
  }>,
  opts: { runs: number; seed: number },
): Promise<ObligationResult & { values: Array<{ value: T; computed?: number; theory?: number }> }> {
  const values: Array<{ value: T; computed?: number; theory?: number }> = [];
  const inconclusive: string[] = [];
  let firstFail: Awaited<ReturnType<typeof predicate>> | null = null;
  let lastPassed: { computed?: number; theory?: number } | undefined;
  let main = true;
  // An unexpected error is an inconclusive sample (reported), never a counterexample.
  const safe = async (v: T): ReturnType<typeof predicate> => {
    try {
      return await predicate(v);
    } catch (err) {
      return { status: 'inconclusive', detail: `error: ${(err as Error).message.split('\n')[0]}` };
    }
  };
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      const r = await safe(v);
      if (main) {
        values.push({ value: v, computed: r.computed, theory: r.theory });
        if (r.status === 'inconclusive') inconclusive.push(r.detail);
        if (r.status === 'pass') lastPassed = { computed: r.computed, theory: r.theory };
      }
      if (r.status === 'fail') {
        if (main) firstFail = r;
        main = false;
        return false;
      }
      return true;
    }),
    // No shrinking: every sample of a numeric property is a full computation (often a real training
    // run), and shrinking a refuted twin re-ran it dozens of times. The first counterexample is
    // reported as found; seed and path replay it.
    { seed: opts.seed, numRuns: opts.runs, endOnFailure: true },
  );
  const fmt = (x?: number) => (x === undefined || !Number.isFinite(x) ? undefined : Number(x.toPrecision(4)));
  const last = values[values.length - 1];
  if (details.failed && details.counterexample) {
    const failed: Awaited<ReturnType<typeof predicate>> =
      firstFail ?? (await safe(details.counterexample[0]));
    return {
      name,
      kind: 'numeric',
      status: 'fail',
      values,
      detail: `counterexample ${JSON.stringify(details.counterexample[0])}: ${failed.detail}; replay with seed ${details.seed}, path ${details.counterexamplePath}`,
      computed: fmt(failed.computed),
      theory: fmt(failed.theory),
    };
  }
  // A sample whose run breaks the property's hypothesis (or cannot resolve it) is no evidence either
  // way, like a failed precondition: the property passes on the conclusive samples when they are at
  // least half of all and none failed; with fewer it is inconclusive. The count is always reported.
  const passed = values.length - inconclusive.length;
  if (inconclusive.length > 0 && !(passed >= 1 && 2 * passed >= values.length)) {
    return {
      name,
      kind: 'numeric',
      status: 'inconclusive',
      values,
      detail: `${inconclusive.length} of ${values.length} samples inconclusive: ${inconclusive[0]}`,
    };
  }
  const skipped =
    inconclusive.length > 0
      ? ` (${inconclusive.length} more inconclusive, no evidence either way: ${inconclusive[0]})`
      : '';
  const lastPass = lastPassed ?? last;
  return {
    name,
    kind: 'numeric',
    status: 'pass',
    values,
    detail: `${passed} samples, 0 counterexamples${skipped}; last: ${lastPass ? predicateDetail(lastPass) : ''}`,
    computed: fmt(lastPass?.computed),
    theory: fmt(lastPass?.theory),
  };
}

function predicateDetail(v: { computed?: number; theory?: number }): string {
  const f = (x?: number) => (x === undefined ? '—' : sig(x));
  return `computed ${f(v.computed)} vs theory ${f(v.theory)}`;
}

/** Run options for proofs under vitest: fixed seed and few runs, raisable by DYNVIEW_RUNS / DYNVIEW_SEED. */
export function proofRunOptionsFromEnv(defaultRuns: number): ProofRunOptions {
  const runs = Number(process.env.DYNVIEW_RUNS ?? defaultRuns);
  const seed = Number(process.env.DYNVIEW_SEED ?? 1);
  return {
    runs: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    seed: Number.isInteger(seed) ? seed : 1,
  };
}

/** One line per failing obligation or unrefuted twin (assertion messages in tests). */
export function proofFailures(r: ProofResult): string {
  const bad = r.obligations
    .filter((o) => o.status !== 'pass')
    .map((o) => `${o.name}: ${o.status}: ${o.detail}`);
  const twins = r.twins
    .filter((t) => t.verdict !== 'refuted')
    .map((t) => `twin ${t.id}: ${t.verdict}: ${t.detail}`);
  return [...bad, ...twins].join('\n');
}

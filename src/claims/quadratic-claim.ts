/**
 * A claim file of kind `quadratic` (docs/ggn.md): order of convergence 2 on real training,
 *
 *   { "id": "ggn-quadratic", "method": <name or inline spec>, "params": { "eta": 1 },
 *     "regime": "network", "train": "first" | "both", "bias": false,
 *     "assert": { "kind": "quadratic", "C": "n^1.5/(lambda0^2*sqrt(m))", "floor": 1e-10 },
 *     "instances": { "data": "sphere", "n": [4, 12], "d": [3, 8], "width": 8000, "runs": 3, "steps": 12 } }
 *
 * Each sampled instance (unit-norm sphere data, n and d from their ranges, a seed) is one real
 * training run at the width, judged by src/claims/quadratic.ts: ‖e_{k+1}‖ ≤ C‖e_k‖² at every step with
 * C‖e_k‖ ≤ 1/2 above the floor. One violating instance refutes (fast-check shrinks it and prints the
 * replay line); all passing supports; none deciding is inconclusive. Params are numbers or
 * expressions in lambda0, lambdaMax (of the model's H∞), n, d; C is a number or an expression in the
 * same symbols and the width m (a fixed C is a claim about every instance, and the remainder of a
 * step grows like 1/λ0², so the instance's constant is usually what is meant).
 *
 * Parsed here, strictly (unknown fields are errors), and run by src/api/check.ts before the
 * rate-claim pipeline (claim-file.ts / runner.ts), which does not know this kind.
 */
import fc from 'fast-check';
import { loadData } from '../data/load.ts';
import { ntkSpectrumModel } from '../ntk/both-layers.ts';
import { resolveMethod } from '../spec/compile.ts';
import { checkExpression } from '../spec/expr.ts';
import type { MethodSpec } from '../spec/types.ts';
import { integerIn, seedArbitrary } from './arbitraries.ts';
import { ClaimError } from './claim-file.ts';
import { quadraticClaimSchema } from './claim-schema.ts';
import { checkParamValue } from '../spec/domains.ts';
import { schemaMessage } from '../spec/schema.ts';
import type { ClaimRun } from './runner.ts';
import { runQuadraticCheck, QUADRATIC_FLOOR } from './quadratic.ts';

export interface QuadraticClaim {
  id: string;
  statement: string;
  method: string | MethodSpec;
  params: Record<string, number | string>;
  train: 'first' | 'both';
  bias: boolean;
  /** A number, or an expression in lambda0, lambdaMax, n, d and the width m (the instance's constant). */
  C: number | string;
  floor: number;
  n: [number, number];
  d: [number, number];
  width: number;
  runs: number;
  steps: number;
}

/** True when the raw claim JSON asks for the quadratic kind. */
export function isQuadraticClaim(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const a = (raw as { assert?: unknown }).assert;
  return typeof a === 'object' && a !== null && (a as { kind?: unknown }).kind === 'quadratic';
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function only(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k))
      throw new ClaimError(`${where}: unknown field '${k}' (allowed: ${keys.join(', ')})`);
}

function intRange(
  v: unknown,
  where: string,
  lo: number,
  hi: number,
  dflt: [number, number],
): [number, number] {
  if (v === undefined) return dflt;
  const r = typeof v === 'number' ? [v, v] : v;
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi) ||
    r[0] > r[1]
  )
    throw new ClaimError(`${where} must be an integer or a range [lo, hi] of integers in [${lo}, ${hi}]`);
  return [r[0], r[1]];
}

function positiveInt(v: unknown, where: string, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > hi)
    throw new ClaimError(`${where} must be an integer in [1, ${hi}]`);
  return v;
}

const PARAM_SYMBOLS = new Set(['lambda0', 'lambdaMax', 'n', 'd']);
/** C may also depend on the width m (the remainder of a step shrinks like 1/√m). */
const C_SYMBOLS = new Set([...PARAM_SYMBOLS, 'm']);

/** Validate a quadratic claim (throws ClaimError with one clear line). */
export function parseQuadraticClaim(raw: unknown): QuadraticClaim {
  if (!isObj(raw)) throw new ClaimError('a claim must be a JSON object');
  // Structure first (claim-schema.ts), then meaning below.
  const shape = quadraticClaimSchema.safeParse(raw);
  if (!shape.success) throw new ClaimError(schemaMessage(shape.error));
  only(
    raw,
    [
      '$schema',
      'id',
      'statement',
      'reference',
      'latex',
      'method',
      'params',
      'regime',
      'train',
      'bias',
      'assert',
      'instances',
    ],
    'quadratic claim',
  );
  const id = raw.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_.:-]{1,200}$/.test(id))
    throw new ClaimError(`'id' must be a non-empty identifier (letters, digits, - _ . :)`);
  if (raw.regime !== undefined && raw.regime !== 'network')
    throw new ClaimError(`a quadratic claim is checked on real training: 'regime' must be 'network'`);
  const method = raw.method;
  if (typeof method !== 'string' && !isObj(method))
    throw new ClaimError(`'method' must be a built-in name or an inline method spec`);
  const parsed = resolveMethod(method as string | MethodSpec); // SpecError: exit 2 as well
  const declared = new Set([...parsed.spec.params, ...Object.keys(parsed.spec.let ?? {})]);
  for (const k of declared)
    if (C_SYMBOLS.has(k))
      throw new ClaimError(
        `method parameter '${k}' has the name of a claim symbol (${[...C_SYMBOLS].join(', ')} are the instance's values): rename it in the method spec`,
      );
  const params: Record<string, number | string> = {};
  if (raw.params !== undefined) {
    if (!isObj(raw.params)) throw new ClaimError(`'params' must be an object`);
    for (const [k, v] of Object.entries(raw.params)) {
      if (!declared.has(k))
        throw new ClaimError(`params: method '${parsed.spec.name}' has no parameter '${k}'`);
      if (typeof v === 'number') {
        try {
          checkParamValue(k, v, `params.${k}`); // finite, inside its domain (beta in [0, 1), …)
        } catch (err) {
          throw new ClaimError((err as Error).message);
        }
        params[k] = v;
      } else if (typeof v === 'string') {
        checkExpression(v, `params.${k}`, { symbols: PARAM_SYMBOLS });
        params[k] = v;
      } else
        throw new ClaimError(`params.${k} must be a number or an expression in lambda0, lambdaMax, n, d`);
    }
  }
  const train = raw.train ?? 'first';
  if (train !== 'first' && train !== 'both') throw new ClaimError(`'train' must be 'first' or 'both'`);
  const bias = raw.bias ?? false;
  if (typeof bias !== 'boolean') throw new ClaimError(`'bias' must be true or false`);
  const a = raw.assert;
  if (!isObj(a)) throw new ClaimError(`'assert' must be an object`);
  only(a, ['kind', 'C', 'floor'], 'assert');
  if (typeof a.C === 'string') {
    const node = checkExpression(a.C, 'assert.C', { symbols: C_SYMBOLS }).node;
    // A constant expression is decided here: it must be a positive finite number like a literal C.
    if (
      node.filter((x) => x.type === 'SymbolNode' && C_SYMBOLS.has((x as { name?: string }).name ?? ''))
        .length === 0
    ) {
      const v: unknown = node.compile().evaluate({});
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
        throw new ClaimError(`assert.C = ${a.C} is ${String(v)}: C must be positive and finite`);
    }
  } else if (typeof a.C !== 'number' || !(a.C > 0) || !Number.isFinite(a.C))
    throw new ClaimError(
      `assert.C must be a positive finite number or an expression in lambda0, lambdaMax, n, d, m (‖e_{k+1}‖ ≤ C‖e_k‖²)`,
    );
  const floor = a.floor ?? QUADRATIC_FLOOR;
  if (typeof floor !== 'number' || !(floor >= 0 && floor < 1))
    throw new ClaimError(`assert.floor must be in [0, 1)`);
  const inst = raw.instances ?? {};
  if (!isObj(inst)) throw new ClaimError(`'instances' must be an object`);
  only(inst, ['data', 'n', 'd', 'width', 'runs', 'steps'], 'instances');
  if (inst.data !== undefined && inst.data !== 'sphere')
    throw new ClaimError(`instances.data: a quadratic claim samples 'sphere' data`);
  const n = intRange(inst.n, 'instances.n', 2, 200, [4, 12]);
  const d = intRange(inst.d, 'instances.d', 2, 64, [3, 8]);
  const width = positiveInt(inst.width, 'instances.width', 200_000, 8000);
  if (width * n[1] * d[1] > 2e8) throw new ClaimError('instances: width × n × d is beyond the limit 2e8');
  return {
    id,
    statement: typeof raw.statement === 'string' ? raw.statement : id,
    method: method as string | MethodSpec,
    params,
    train,
    bias,
    C: a.C,
    floor,
    n,
    d,
    width,
    runs: positiveInt(inst.runs, 'instances.runs', 100, 3),
    steps: positiveInt(inst.steps, 'instances.steps', 20_000, 12),
  };
}

interface Sample {
  n: number;
  d: number;
  seed: number;
}

/** Run a quadratic claim: sampled real-training instances, fast-check shrinking on a failure. */
export async function runQuadraticClaim(
  claim: QuadraticClaim,
  opts: { runs?: number; seed?: number; path?: string; replayCommand?: string } = {},
): Promise<ClaimRun> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const runs = opts.runs ?? claim.runs;
  const arb = fc.record({ n: integerIn(claim.n), d: integerIn(claim.d), seed: seedArbitrary });
  const describe = (s: Sample) => `sphere n=${s.n} d=${s.d} seed=${s.seed} m=${claim.width}`;
  const evaluate = (s: Sample) => {
    const data = loadData(`sphere:n=${s.n},d=${s.d},seed=${s.seed}`, { normalize: true });
    const sp = ntkSpectrumModel(data, { train: claim.train, bias: claim.bias });
    const scope = { lambda0: sp.lambda0, lambdaMax: sp.lambdaMax, n: s.n, d: s.d };
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(claim.params))
      params[k] =
        typeof v === 'number'
          ? v
          : (checkExpression(v, `params.${k}`, { symbols: PARAM_SYMBOLS })
              .node.compile()
              .evaluate(scope) as number);
    const C =
      typeof claim.C === 'number'
        ? claim.C
        : (checkExpression(claim.C, 'assert.C', { symbols: C_SYMBOLS })
            .node.compile()
            .evaluate({ ...scope, m: claim.width }) as number);
    if (typeof C !== 'number' || !(C > 0) || !Number.isFinite(C))
      throw new Error(
        `assert.C = ${claim.C} evaluates to ${String(C)} on this instance (not a positive number)`,
      );
    const r = runQuadraticCheck({
      data,
      width: claim.width,
      method: claim.method,
      params,
      steps: claim.steps,
      seed: s.seed + 1,
      C,
      floor: claim.floor,
      train: claim.train,
      bias: claim.bias,
    });
    return { ...r, params };
  };
  const outcomes: Array<{ sample: Sample; status: string; detail: string; computed?: number }> = [];
  let main = true;
  const details = fc.check(
    fc.property(arb, (s) => {
      let r;
      try {
        r = evaluate(s);
      } catch (err) {
        if (main)
          outcomes.push({ sample: s, status: 'inconclusive', detail: (err as Error).message.split('\n')[0] });
        return true;
      }
      if (main) outcomes.push({ sample: s, status: r.status, detail: r.detail, computed: r.computed });
      if (r.status === 'fail') {
        main = false;
        return false;
      }
      return true;
    }),
    { seed, numRuns: runs, ...(opts.path ? { path: opts.path, endOnFailure: true } : {}) },
  );
  const passed = outcomes.filter((o) => o.status === 'pass').length;
  const inconclusive = outcomes.filter((o) => o.status === 'inconclusive');
  let counterexample: ClaimRun['counterexample'] = null;
  if (details.failed && details.counterexample) {
    const s = details.counterexample[0];
    const shrunk = evaluate(s);
    counterexample = {
      instance: {
        data: 'sphere',
        n: s.n,
        d: s.d,
        seed: s.seed,
        width: claim.width,
        eta: null,
        params: shrunk.params,
      },
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      reason: `${describe(s)}: ${shrunk.detail}`,
      replay: `${opts.replayCommand ?? 'dynview check CLAIM.json'} --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`,
    };
  }
  const verdict: ClaimRun['verdict'] = counterexample ? 'refuted' : passed > 0 ? 'supported' : 'inconclusive';
  const worst = Math.max(0, ...outcomes.map((o) => o.computed ?? 0));
  return {
    id: claim.id,
    statement: claim.statement,
    verdict,
    regime: 'network',
    runs: outcomes.length,
    seed,
    counterexample,
    inconclusive: {
      count: inconclusive.length,
      reasons: inconclusive.map((o) => `${describe(o.sample)}: ${o.detail}`),
    },
    obligations: [
      {
        name: `quadratic convergence ‖e_{k+1}‖ ≤ ${claim.C}‖e_k‖² near the solution (${claim.train === 'both' ? 'both layers' : 'first layer'}${claim.bias ? ', bias' : ''}, width ${claim.width})`,
        kind: 'numeric',
        status: counterexample ? 'fail' : passed > 0 ? 'pass' : 'inconclusive',
        detail: counterexample
          ? counterexample.reason
          : `${passed} of ${outcomes.length} instances decided, 0 counterexamples; max ‖e_{k+1}‖/‖e_k‖² = ${worst.toExponential(3)}`,
        computed: worst,
        ...(typeof claim.C === 'number' ? { theory: claim.C } : {}),
      },
    ],
    evidence: {
      summary: `${outcomes.length} real training runs; ${passed} supported, ${inconclusive.length} inconclusive`,
      claimed: `‖e_{k+1}‖ ≤ ${claim.C}‖e_k‖²`,
      measured: null,
      instances: [],
    },
    seconds: (performance.now() - started) / 1000,
  };
}

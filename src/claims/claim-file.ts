/**
 * Parse and validate a claim (the JSON form `dynview check CLAIM.json` reads; docs/claims.md).
 * Every problem is one ClaimError with a one-line message (the CLI turns it into exit code 2).
 * Rate and exponent expressions are parsed by mathjs (never eval) and may use only lambda0,
 * lambdaMax, n, d, eta, the method's parameters and whitelisted functions.
 */
import { fixedLetsMessage, resolveMethod, withFixedLets } from '../spec/compile.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { SpecError, validateSpecShape } from '../spec/parse.ts';
import { checkExpression } from '../spec/expr.ts';
import { checkParamRange } from '../spec/domains.ts';
import { schemaMessage } from '../spec/schema.ts';
import { checkCount, checkDataSize, checkTraining } from '../util/limits.ts';
import { claimSchema } from './claim-schema.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { ModelOptions } from '../ntk/both-layers.ts';
import type { Assertion, Claim, Horizon, InstanceRanges, Range, Regime } from './types.ts';

export class ClaimError extends Error {
  override name = 'ClaimError';
}

export const DATA_KINDS = ['sphere', 'paper-synthetic'] as const;
export const REGIMES: Regime[] = ['ode', 'discrete', 'network'];
const CLAIM_FIELDS = new Set([
  '$schema',
  'id',
  'statement',
  'latex',
  'reference',
  'method',
  'params',
  'regime',
  'assert',
  'instances',
  'driftBound',
  'lambda0Min',
  'train',
  'bias',
]);
const INSTANCE_FIELDS = new Set(['data', 'n', 'd', 'width', 'eta', 'runs', 'horizon']);

export const DEFAULT_INSTANCES: InstanceRanges = {
  data: 'sphere',
  n: [4, 12],
  d: [3, 8],
  width: [2000, 8000],
  eta: null,
  runs: 20,
  horizon: null,
};

export const DEFAULT_TOLERANCE = 0.05;

/** Symbols a parameter expression may use (evaluated per instance). */
export const PARAM_EXPRESSION_SYMBOLS = ['lambda0', 'lambdaMax', 'n', 'd', 'eta'];
/** Names a method parameter may not take: the instance's values in claimed rates and params (eta is the step). */
const CLAIM_SCOPE_SYMBOLS = ['lambda0', 'lambdaMax', 'n', 'd', 'm'];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRange(
  where: string,
  v: unknown,
  opts: { integer?: boolean; min?: number; positive?: boolean } = {},
): Range {
  let r: Range;
  if (typeof v === 'number') r = [v, v];
  else if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) r = [v[0], v[1]];
  else throw new ClaimError(`${where} must be a number or a range [lo, hi]`);
  if (!r.every(Number.isFinite)) throw new ClaimError(`${where} must be finite`);
  if (r[0] > r[1]) throw new ClaimError(`${where}: empty range [${r[0]}, ${r[1]}]`);
  if (opts.integer && !r.every(Number.isInteger)) throw new ClaimError(`${where} must be integers`);
  if (opts.integer && Math.ceil(r[0]) > Math.floor(r[1]))
    throw new ClaimError(`${where}: empty range [${r[0]}, ${r[1]}]`);
  if (opts.min !== undefined && r[0] < opts.min) throw new ClaimError(`${where} must be ≥ ${opts.min}`);
  if (opts.positive && !(r[0] > 0)) throw new ClaimError(`${where} must be positive`);
  return r;
}

/**
 * Free symbols of an expression (function names excluded), through the one expression validator
 * (src/spec/expr.ts: whitelist, size, depth and exponent limits, finite constants); throws
 * ClaimError with one line.
 */
export function expressionSymbols(where: string, text: string): string[] {
  try {
    return [...checkExpression(text, where).symbols];
  } catch (err) {
    if (err instanceof SpecError) throw new ClaimError(err.message);
    throw err;
  }
}

function parseAssert(raw: unknown, allowedSymbols: Set<string>): Assertion {
  if (!isObject(raw)) throw new ClaimError(`'assert' must be an object with a 'kind'`);
  const kind = raw.kind;
  const tolerance = raw.tolerance === undefined ? DEFAULT_TOLERANCE : raw.tolerance;
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance < 1))
    throw new ClaimError(`assert.tolerance must be a number in [0, 1)`);
  const checkExpr = (field: string, v: unknown): string => {
    const text = typeof v === 'number' ? String(v) : v;
    if (typeof text !== 'string' || text.trim() === '')
      throw new ClaimError(`assert.${field} must be an expression string or a number`);
    for (const s of expressionSymbols(`assert.${field}`, text)) {
      if (!allowedSymbols.has(s))
        throw new ClaimError(
          `assert.${field}: unknown symbol '${s}' in '${text}' (allowed: ${[...allowedSymbols].join(', ')})`,
        );
    }
    return text;
  };
  const only = (fields: string[]) => {
    for (const k of Object.keys(raw))
      if (!fields.includes(k))
        throw new ClaimError(`assert: unknown field '${k}' for kind '${String(kind)}'`);
  };
  const form = raw.form ?? 'asymptotic';
  if (form !== 'asymptotic' && form !== 'bound')
    throw new ClaimError(`assert.form must be 'asymptotic' or 'bound', got ${JSON.stringify(form)}`);
  if (kind === 'linear') {
    only(['kind', 'rate', 'tolerance', 'form']);
    return { kind, rate: checkExpr('rate', raw.rate), tolerance, form };
  }
  if (kind === 'sublinear') {
    only(['kind', 'exponent', 'tolerance', 'form']);
    return { kind, exponent: checkExpr('exponent', raw.exponent), tolerance, form };
  }
  if (kind === 'ode') {
    only(['kind', 'terms', 'resolution', 'space']);
    if (!isObject(raw.terms) || Object.keys(raw.terms).length === 0)
      throw new ClaimError(`assert.terms must be a non-empty object of term → coefficient`);
    const terms: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.terms)) {
      if (!/^(X'+|grad|hess\*X')$/.test(k))
        throw new ClaimError(`assert.terms: unknown term '${k}' (X', X'', …, grad, hess*X')`);
      const text = typeof v === 'number' ? String(v) : v;
      if (typeof text !== 'string') throw new ClaimError(`assert.terms['${k}'] must be an expression string`);
      expressionSymbols(`assert.terms['${k}']`, text);
      terms[k] = text;
    }
    const resolution = raw.resolution ?? 'low';
    if (resolution !== 'low' && resolution !== 'high')
      throw new ClaimError(`assert.resolution must be 'low' or 'high'`);
    const space = raw.space ?? 'weight';
    if (space !== 'weight' && space !== 'output')
      throw new ClaimError(`assert.space must be 'weight' or 'output'`);
    return { kind, terms, resolution, space };
  }
  throw new ClaimError(`assert.kind must be 'linear', 'sublinear' or 'ode', got '${String(kind)}'`);
}

function parseHorizon(raw: unknown): Horizon {
  if (!isObject(raw)) throw new ClaimError(`instances.horizon must be {"t": T} or {"steps": K}`);
  const keys = Object.keys(raw);
  if (keys.length !== 1 || !(keys[0] === 't' || keys[0] === 'steps'))
    throw new ClaimError(`instances.horizon must be {"t": T} or {"steps": K}`);
  const v = raw[keys[0]];
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ClaimError(`instances.horizon.${keys[0]} must be a positive number`);
  if (keys[0] === 'steps') {
    if (!Number.isInteger(v)) throw new ClaimError(`instances.horizon.steps must be an integer`);
    return { steps: v };
  }
  return { t: v };
}

function parseInstances(raw: unknown): InstanceRanges {
  if (raw === undefined) return { ...DEFAULT_INSTANCES };
  if (!isObject(raw)) throw new ClaimError(`'instances' must be an object`);
  for (const k of Object.keys(raw))
    if (!INSTANCE_FIELDS.has(k))
      throw new ClaimError(`instances: unknown field '${k}' (fields: ${[...INSTANCE_FIELDS].join(', ')})`);
  const out: InstanceRanges = { ...DEFAULT_INSTANCES };
  if (raw.data !== undefined) {
    if (typeof raw.data !== 'string' || !(DATA_KINDS as readonly string[]).includes(raw.data)) {
      throw new ClaimError(
        `instances.data must be one of ${DATA_KINDS.join(', ')}, got ${JSON.stringify(raw.data)}`,
      );
    }
    out.data = raw.data;
  }
  if (raw.n !== undefined) out.n = parseRange('instances.n', raw.n, { integer: true, min: 2 });
  if (raw.d !== undefined) out.d = parseRange('instances.d', raw.d, { integer: true, min: 2 });
  if (raw.width !== undefined)
    out.width = parseRange('instances.width', raw.width, { integer: true, min: 1 });
  if (raw.eta !== undefined) out.eta = parseRange('instances.eta', raw.eta, { positive: true });
  if (raw.runs !== undefined) {
    if (typeof raw.runs !== 'number' || !Number.isInteger(raw.runs) || raw.runs < 1)
      throw new ClaimError(`instances.runs must be an integer ≥ 1`);
    out.runs = raw.runs;
  }
  if (raw.horizon !== undefined) out.horizon = parseHorizon(raw.horizon);
  return out;
}

/**
 * The model fields: `train` ('first' (default): the first layer W trains, a is frozen; 'both': a
 * trains too, H∞ = H∞_W + K1) and `bias` (a trained hidden bias = a constant input coordinate 1).
 */
function parseModel(raw: Json): ModelOptions {
  const train = raw.train ?? 'first';
  if (train !== 'first' && train !== 'both')
    throw new ClaimError(`'train' must be 'first' or 'both', got ${JSON.stringify(train)}`);
  const bias = raw.bias ?? false;
  if (typeof bias !== 'boolean') throw new ClaimError(`'bias' must be true or false`);
  return { train, bias };
}

/** Validate a claim object (already JSON-parsed). */
export function parseClaim(raw: unknown): Claim {
  if (!isObject(raw)) throw new ClaimError('a claim must be a JSON object');
  // Structure first (claim-schema.ts: unknown keys, types), then meaning below.
  const shape = claimSchema.safeParse(raw);
  if (!shape.success) throw new ClaimError(schemaMessage(shape.error));
  for (const k of Object.keys(raw))
    if (!CLAIM_FIELDS.has(k))
      throw new ClaimError(`unknown field '${k}' (fields: ${[...CLAIM_FIELDS].join(', ')})`);
  if (typeof raw.id !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(raw.id))
    throw new ClaimError(`'id' must be a non-empty identifier (letters, digits, - _ . :)`);
  const id = raw.id;
  const statement = raw.statement === undefined ? id : raw.statement;
  if (typeof statement !== 'string') throw new ClaimError(`'statement' must be a string`);
  for (const f of ['latex', 'reference'] as const) {
    if (raw[f] !== undefined && typeof raw[f] !== 'string') throw new ClaimError(`'${f}' must be a string`);
  }
  // method
  let method: string | MethodSpec;
  let paramNames: string[];
  try {
    if (typeof raw.method === 'string') method = raw.method;
    else if (isObject(raw.method)) method = validateSpecShape(raw.method);
    else throw new ClaimError(`'method' must be a built-in name or an inline method spec`);
    const parsed = resolveMethod(method);
    paramNames = [...parsed.spec.params, ...Object.keys(parsed.spec.let ?? {})];
  } catch (err) {
    if (err instanceof SpecError) throw new ClaimError(err.message);
    throw err;
  }
  // A method parameter named like a claim symbol would silently take the place of the instance's
  // value in the claimed rate (a parameter 'lambda0' = 3 instead of the spectrum's λ0).
  for (const k of paramNames)
    if (CLAIM_SCOPE_SYMBOLS.includes(k))
      throw new ClaimError(
        `method parameter '${k}' has the name of a claim symbol (${CLAIM_SCOPE_SYMBOLS.join(', ')} are the instance's values in rates and params): rename it in the method spec`,
      );
  // params
  const params: Record<string, number | Range | string> = {};
  if (raw.params !== undefined) {
    if (!isObject(raw.params)) throw new ClaimError(`'params' must be an object`);
    for (const [k, v] of Object.entries(raw.params)) {
      if (!paramNames.includes(k))
        throw new ClaimError(`params: method has no parameter '${k}' (parameters: ${paramNames.join(', ')})`);
      if (typeof v === 'string') {
        for (const sym of expressionSymbols(`params.${k}`, v)) {
          if (!PARAM_EXPRESSION_SYMBOLS.includes(sym))
            throw new ClaimError(
              `params.${k}: unknown symbol '${sym}' in '${v}' (allowed: ${PARAM_EXPRESSION_SYMBOLS.join(', ')})`,
            );
        }
        params[k] = v;
        continue;
      }
      const r = parseRange(`params.${k}`, v);
      try {
        checkParamRange(k, r, `params.${k}`); // e.g. beta in [0, 1)
      } catch (err) {
        if (err instanceof SpecError) throw new ClaimError(err.message);
        throw err;
      }
      params[k] = r[0] === r[1] ? r[0] : r;
    }
  }
  // regime
  const regime = raw.regime ?? 'ode';
  if (typeof regime !== 'string' || !(REGIMES as string[]).includes(regime))
    throw new ClaimError(`'regime' must be one of ${REGIMES.join(', ')}, got ${JSON.stringify(regime)}`);
  const allowed = new Set(['lambda0', 'lambdaMax', 'n', 'd', 'eta', 'm', ...paramNames]);
  const assert = parseAssert(raw.assert, allowed);
  const instances = parseInstances(raw.instances);
  // Resource limits before any instance is drawn (LimitError: exit 2, names the limit).
  checkCount('runs', 'instances.runs', instances.runs);
  checkDataSize('instances', instances.n[1], instances.d[1]);
  if (regime === 'network' || regime === 'discrete') {
    const steps = instances.horizon && 'steps' in instances.horizon ? instances.horizon.steps : 0;
    checkTraining(instances.n[1], instances.d[1], regime === 'network' ? instances.width[1] : 1, steps);
  }
  // Every field is used or rejected (docs/claims.md, "Claims mean one thing").
  const rawInstances = isObject(raw.instances) ? raw.instances : {};
  if (assert.kind === 'ode') {
    if (raw.regime !== undefined && raw.regime !== 'ode')
      throw new ClaimError(
        `an 'ode' (terms) claim is about the derived ODE: 'regime' must be 'ode' or absent`,
      );
    if (raw.instances !== undefined)
      throw new ClaimError(`an 'ode' (terms) claim is symbolic: 'instances' is not used (remove it)`);
    for (const f of ['train', 'bias'] as const)
      if (raw[f] !== undefined)
        throw new ClaimError(
          `an 'ode' (terms) claim is symbolic (the derived ODE is the same for every kernel): '${f}' is not used (remove it)`,
        );
  } else if (regime !== 'network') {
    if (rawInstances.horizon !== undefined)
      throw new ClaimError(
        `instances.horizon: a ${regime}-regime claim is decided exactly for all time (an asymptotic statement); a finite horizon is only meaningful in the network regime`,
      );
    if (rawInstances.width !== undefined)
      throw new ClaimError(`instances.width is only used in the network regime (this claim is '${regime}')`);
  }
  if (raw.driftBound !== undefined && regime !== 'network')
    throw new ClaimError(`'driftBound' is only used in the network regime (this claim is '${regime}')`);
  {
    const spec = resolveMethod(method).spec;
    const stepName = spec.step;
    if (stepName in params && rawInstances.eta !== undefined)
      throw new ClaimError(`the step '${stepName}' is set twice: in params and in instances.eta (keep one)`);
  }
  // A value for a `let` symbol (hb's beta, nag-sc's beta) overrides its law. The numeric paths honour
  // that through the parameters; the ODE limit is derived from the spec, so in the ode regime (and
  // for ode-terms claims) the method becomes the spec with that symbol fixed — whose limit may not
  // exist on the method's time scale (hb with a fixed β moves X by O(η) per step of time √η).
  if (regime === 'ode' || assert.kind === 'ode') {
    const spec = resolveMethod(method).spec;
    const fixed = Object.keys(params).filter((k) => Object.hasOwn(spec.let ?? {}, k));
    if (fixed.length > 0) {
      const fixedSpec = withFixedLets(spec, fixed);
      try {
        deriveOde(fixedSpec, { resolution: 'low' });
      } catch (err) {
        if (err instanceof SpecError) throw new ClaimError(fixedLetsMessage(spec, fixed, err));
        throw err;
      }
      method = fixedSpec;
    }
  }
  const model = parseModel(raw);
  const num = (f: 'driftBound' | 'lambda0Min', dflt: number): number => {
    const v = raw[f];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !(v > 0)) throw new ClaimError(`'${f}' must be a positive number`);
    return v;
  };
  return {
    id,
    statement,
    latex: raw.latex as string | undefined,
    reference: raw.reference as string | undefined,
    method,
    params,
    regime: regime as Regime,
    assert,
    instances,
    driftBound: num('driftBound', 0.25),
    lambda0Min: num('lambda0Min', 1e-6),
    model,
    raw: raw,
  };
}

/** Parse claim JSON text (file contents). */
export function parseClaimText(text: string, where = 'claim'): Claim {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ClaimError(`${where}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parseClaim(raw);
}

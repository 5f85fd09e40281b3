/** The built-in proofs, in the paper's order (what `dynview verify` runs with no argument). */
import type { Proof } from '../src/claims/proof.ts';
import { proof as ntkInit } from './ntk-init.ts';
import { proof as gdLinear } from './gd-linear.ts';
import { proof as hbLinear } from './hb-linear.ts';
import { proof as nagCSublinear } from './nag-c-sublinear.ts';
import { proof as widthDrift } from './width-drift.ts';
import { proof as hmFlow } from './hm-flow.ts';
import { proof as nagSc } from './nag-sc.ts';
import { proof as bothLayers } from './both-layers.ts';
import { proof as ggnLinear } from './ggn-linear.ts';
import { proof as ggnQuadratic } from './ggn-quadratic.ts';

export const BUILTIN_PROOFS: Proof[] = [
  ntkInit,
  gdLinear,
  hbLinear,
  nagCSublinear,
  widthDrift,
  hmFlow,
  nagSc,
  bothLayers,
  ggnLinear,
  ggnQuadratic,
];

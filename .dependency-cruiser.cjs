/**
 * The layer rule (npm run deps). Imports under src/ point DOWN only:
 *
 *   util, linalg, data, kernels  →  spec  →  symbolic, ntk, train  →  dynamics  →  certify  →  claims
 *   →  report  →  experiments  →  api  →  cli and the public entry points (src/index.ts, proof.ts, vitest.ts)
 *
 * A module may import its own layer and any layer to its left. Inside the middle layer only
 * train → ntk is allowed (a network is trained with NTK primitives; the kernel code takes plain
 * arrays and must not know the trainer; symbolic is pure algebra and knows neither). Nothing in
 * src/ but the command line (src/cli) imports proofs/ or bench/ (they import src/; the CLI hands the
 * built-in proofs to the verify pipeline). No import cycles anywhere.
 * Type-only imports count: a type in the wrong layer is a dependency in the wrong direction.
 *
 * test/architecture/layers.test.ts runs this configuration on a fixture with a deliberate upward
 * import and checks that the rule fires.
 */

/** Layers, bottom first. Directories (under src/) of the same entry share a layer. */
const LAYERS = [
  ['util', 'linalg', 'data', 'kernels'],
  ['spec'],
  ['symbolic', 'ntk', 'train'],
  ['dynamics'],
  ['certify'],
  ['claims'],
  ['report'],
  ['experiments'],
  ['api'],
  ['cli', 'index.ts', 'proof.ts', 'vitest.ts'],
];

/** Inside a shared layer, the only allowed imports between different directories. */
const SIBLING_ALLOWED = {
  util: ['linalg', 'data', 'kernels'],
  linalg: ['util', 'data', 'kernels'],
  data: ['util', 'linalg', 'kernels'],
  kernels: ['util', 'linalg', 'data'],
  train: ['ntk'],
  ntk: [],
  symbolic: [],
};

const alt = (names) => `(${names.map((n) => n.replace('.', '\\.')).join('|')})`;
const dirPath = (names) => `^src/${alt(names)}(/|$)`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  if (above.length === 0) return [];
  return [
    {
      name: `layer-${layer.join('-').replace('.ts', '')}-imports-up`,
      comment: `src/{${layer.join(',')}} may not import a higher layer (${above.join(', ')}).`,
      severity: 'error',
      from: { path: dirPath(layer) },
      to: { path: dirPath(above) },
    },
  ];
});

const siblingRules = Object.entries(SIBLING_ALLOWED).flatMap(([dir, allowed]) => {
  const layer = LAYERS.find((l) => l.includes(dir));
  const forbidden = layer.filter((d) => d !== dir && !allowed.includes(d));
  if (forbidden.length === 0) return [];
  return [
    {
      name: `layer-${dir}-imports-sibling`,
      comment: `src/${dir} may not import ${forbidden.join(', ')} (same layer; only the listed direction is allowed).`,
      severity: 'error',
      from: { path: dirPath([dir]) },
      to: { path: dirPath(forbidden) },
    },
  ];
});

module.exports = {
  forbidden: [
    ...layerRules,
    ...siblingRules,
    {
      name: 'src-imports-proofs-or-bench',
      comment:
        'proofs/ and bench/ sit on top of src/ (they import it); only the command line loads them (src/cli passes the built-in proofs to the verify pipeline).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^(proofs|bench)/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make the load order and the layering impossible to read.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test/golden)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    // Edges allowed to break the rule while they are being fixed, as { type: 'dependency', from, to,
    // rule: { severity, name } } with a comment saying what fix they wait for. Empty: every rule holds.
    knownViolations: [],
  },
};

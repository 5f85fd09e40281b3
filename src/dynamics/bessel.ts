/**
 * Bessel functions of the first kind J_ν(x) for real order ν ≥ 0 and x ≥ 0, and the closed-form
 * mode solution of the nag-c output-space ODE ë + (r/t)ė + λe = 0.
 *
 * Three regimes, each accurate to ~1e-13 relative (1e-15 absolute near zeros) against
 * scipy.special.jv (test/golden/dynamics.json):
 * - x ≤ 2: the power series Σ (−1)^k (x/2)^{2k+ν} / (k! Γ(k+ν+1)) (no cancellation there);
 * - x ≥ max(25, 2ν²): Hankel's asymptotic expansion (it terminates, hence is exact, for
 *   half-integer ν);
 * - otherwise: Miller's backward recurrence J_{μ−1} = (2μ/x)J_μ − J_{μ+1}, normalised with
 *   (x/2)^ν / Γ(ν+1) = J_ν + Σ_{k≥1} (ν+2k) (ν+1)_{k−1}/k! · J_{ν+2k}.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Γ(z) for z > 0: exact products for integers and half-integers, Lanczos (g = 7) otherwise. */
export function gamma(z: number): number {
  if (!(z > 0)) throw new RangeError(`gamma: z must be positive, got ${z}`);
  const twice = 2 * z;
  if (Number.isInteger(twice) && z <= 170) {
    // Integer or half-integer: Γ(1) = 1, Γ(1/2) = √π, Γ(z+1) = zΓ(z).
    let v = Number.isInteger(z) ? 1 : Math.sqrt(Math.PI);
    for (let a = Number.isInteger(z) ? 1 : 0.5; a < z; a += 1) v *= a;
    return v;
  }
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  const zz = z - 1;
  let a = LANCZOS[0];
  const t = zz + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (zz + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, zz + 0.5) * Math.exp(-t) * a;
}

/**
 * Σ_k (−1)^k (x/2)^{2k} / (k! (ν+1)_k) = Γ(ν+1) (2/x)^ν J_ν(x): the normalised series, finite at x = 0.
 */
function scaledSeries(nu: number, x: number): number {
  const q = -(x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * (nu + k));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

function hankel(nu: number, x: number): number {
  const mu = 4 * nu * nu;
  // P ~ Σ (−1)^k a_{2k}/x^{2k}, Q ~ Σ (−1)^k a_{2k+1}/x^{2k+1}, a_k = Π_{j≤k}(μ − (2j−1)²)/(k! 8^k).
  let p = 0;
  let q = 0;
  let term = 1; // a_k / x^k with sign handled below
  let prev = Infinity;
  for (let k = 0; k < 200; k++) {
    if (k > 0) {
      term *= (mu - (2 * k - 1) * (2 * k - 1)) / (k * 8 * x);
    }
    const mag = Math.abs(term);
    if (k > 0 && mag > prev) break; // the asymptotic series starts to diverge
    const sign = (k >> 1) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) p += sign * term;
    else q += sign * term;
    if (term === 0 || mag < 1e-17 * Math.abs(p)) break;
    prev = mag;
  }
  // χ = x − (ν/2 + 1/4)π; cos χ and sin χ through the addition formulas keep x's phase exact.
  const phi = (nu / 2 + 0.25) * Math.PI;
  const cx = Math.cos(x);
  const sx = Math.sin(x);
  const cphi = Math.cos(phi);
  const sphi = Math.sin(phi);
  const cosChi = cx * cphi + sx * sphi;
  const sinChi = sx * cphi - cx * sphi;
  return Math.sqrt(2 / (Math.PI * x)) * (p * cosChi - q * sinChi);
}

function miller(nu: number, x: number): number {
  // Recur J_{ν+n} from n = N down to 0; the start is far beyond x so the error dies out.
  let N = Math.ceil(Math.max(x, nu)) + 60;
  if (N % 2 === 1) N += 1;
  let jNext = 0; // J_{ν+n+1}
  let j = 1e-300; // J_{ν+n}
  let norm = 0; // Σ weights · J_{ν+2k} accumulated for even n
  // weight for n = 2k (k ≥ 1): (ν+2k)(ν+1)_{k−1}/k!; computed by running products from k = 1.
  const weights: number[] = new Array(N / 2 + 1).fill(0);
  let w = 1; // (ν+1)_{k−1}/k! at k = 1 is 1
  for (let k = 1; k <= N / 2; k++) {
    if (k > 1) w *= (nu + k - 1) / k;
    weights[k] = (nu + 2 * k) * w;
  }
  for (let n = N; n >= 1; n--) {
    if (n % 2 === 0) norm += weights[n / 2] * j;
    const jPrev = ((2 * (nu + n)) / x) * j - jNext;
    jNext = j;
    j = jPrev;
    if (Math.abs(j) > 1e250) {
      j *= 1e-250;
      jNext *= 1e-250;
      norm *= 1e-250;
    }
  }
  norm += j; // n = 0, weight 1
  const target = Math.pow(x / 2, nu) / gamma(nu + 1);
  return j * (target / norm);
}

/** J_ν(x) for ν ≥ 0, x ≥ 0. */
export function besselJ(nu: number, x: number): number {
  if (!(nu >= 0) || !Number.isFinite(nu)) throw new RangeError(`besselJ: order must be >= 0, got ${nu}`);
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`besselJ: x must be finite and >= 0, got ${x}`);
  if (x === 0) return nu === 0 ? 1 : 0;
  if (x <= 2) return (Math.pow(x / 2, nu) / gamma(nu + 1)) * scaledSeries(nu, x);
  if (x >= Math.max(25, 2 * nu * nu)) return hankel(nu, x);
  return miller(nu, x);
}

/**
 * Γ(ν+1)(2/x)^ν J_ν(x): equal to 1 at x = 0; the nag-c mode solution's shape.
 */
export function besselJScaled(nu: number, x: number): number {
  if (x <= 2) return scaledSeries(nu, x);
  return gamma(nu + 1) * Math.pow(2 / x, nu) * besselJ(nu, x);
}

/**
 * e(t)/e(0) for the nag-c output-space mode ë + (r/t)ė + λe = 0, e(0) = e0, ė(0) = 0:
 *   Γ(ν+1) (2/(√λ t))^ν J_ν(√λ t),  ν = (r − 1)/2  (Su, Boyd & Candès; r = 3 gives 2J₁(√λt)/(√λt)).
 * Its envelope decays like t^(−r/2) (so the loss like t^(−r)).
 */
export function nagCModeSolution(r: number, lambda: number, t: number): number {
  if (!(r >= 1)) throw new RangeError(`nagCModeSolution: r must be >= 1, got ${r}`);
  if (!(lambda > 0)) throw new RangeError(`nagCModeSolution: lambda must be positive, got ${lambda}`);
  if (!(t >= 0)) throw new RangeError(`nagCModeSolution: t must be >= 0, got ${t}`);
  return besselJScaled((r - 1) / 2, Math.sqrt(lambda) * t);
}

/** Its derivative in t (for initial conditions at t0 > 0): d/dt of nagCModeSolution. */
export function nagCModeDerivative(r: number, lambda: number, t: number): number {
  // d/dz [z^{−ν} J_ν(z)] = −z^{−ν} J_{ν+1}(z); with the scaling Γ(ν+1)2^ν: −Γ(ν+1)(2/z)^ν J_{ν+1}(z) · √λ.
  const nu = (r - 1) / 2;
  const sl = Math.sqrt(lambda);
  const z = sl * t;
  if (z === 0) return 0;
  if (z <= 2) {
    // Scaled series derivative: Σ_{k≥1} (−1)^k 2k (z/2)^{2k−1}/(2 k! (ν+1)_k) — use the identity instead.
    const scaledNext = scaledSeries(nu + 1, z); // Γ(ν+2)(2/z)^{ν+1} J_{ν+1}(z)
    return -sl * (z / (2 * (nu + 1))) * scaledNext;
  }
  return -sl * gamma(nu + 1) * Math.pow(2 / z, nu) * besselJ(nu + 1, z);
}

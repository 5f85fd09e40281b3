/**
 * WebAssembly SIMD (128-bit) kernels of the training loop, compiled by AssemblyScript
 * (`npm run build:wasm` → src/train/wasm/kernels.wasm). The JavaScript side (src/train/wasm/runtime.ts)
 * owns the shared memory, hands out buffers and splits each call into fixed ranges of work units
 * (rows or chunks of rows) over worker threads; every kernel here works on one range [lo, hi) and
 * writes only outputs that belong to that range, so the result never depends on the thread count.
 *
 * Layouts (all f64 little endian, row-major unless said):
 *   W   m×d weights;  Wt  d×mp (mp = m rounded up to 8, padding zero): W transposed
 *   X   n×d inputs;   Xt  d×n: X transposed;  CSR rows of X: xp (n+1, i32), xc (i32), xv (f64)
 *   mask m×n bytes 1{w_r·x_i ≥ 0};  bits m×g bytes, bit k of byte (r, q) = mask[r, 8q + k]
 *   upart (chunks×n): partial output sums Σ_{r in chunk} a_r relu(z_ri), chunk = CH consecutive rows
 *
 * Summation orders: every pre-activation z_ri = Σ_j w_rj x_ij is summed left to right over j (over
 * the non-zeros in column order for CSR rows), and every gradient entry Σ_i c_r e_i x_ij over i in
 * order, exactly as the plain loops do: Z, masks and gradients are bit-identical to them. Outputs
 * are summed per chunk, then over chunks in order (not the plain loop's single running sum).
 * Masks are branch-free (bitselect on the comparison), the masked terms add an exact +0.
 */

// ---------------------------------------------------------------------------------------------
// Dense rows: pre-activations, masks and partial outputs.

/** Rows [lo·CH, min(hi·CH, m)) of Z = W Xᵀ: masks into mask, Σ a_r relu(z) into upart[chunk]. */
export function forwardDense(
  W: usize,
  Xt: usize,
  a: usize,
  mask: usize,
  upart: usize,
  Z: usize,
  m: i32,
  n: i32,
  d: i32,
  CH: i32,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  for (let c = lo; c < hi; c++) {
    const up = upart + <usize>(c * n) * 8;
    for (let i = 0; i < n; i++) store<f64>(up + <usize>i * 8, 0);
    const r1 = min(m, (c + 1) * CH);
    const r0 = c * CH;
    // For long rows, two neurons at a time share the loads of Xᵀ (for short ones the single-row
    // loop is as fast); each point's output takes row r, then r + 1, as in the single-row loop.
    // Blocks of eight points outermost: their d×8 slice of Xᵀ stays in cache while the chunk's
    // rows stream past (every point still takes the rows in increasing order: same sums).
    const rPairs = d >= 32 ? r0 + ((r1 - r0) & ~1) : r0;
    const n8 = n & ~7;
    for (let i = 0; i < n8; i += 8) {
      for (let r = r0; r < rPairs; r += 2) {
        const wa = W + <usize>(r * d) * 8;
        const wb = wa + <usize>d * 8;
        const ara = f64x2.splat(load<f64>(a + <usize>r * 8));
        const arb = f64x2.splat(load<f64>(a + <usize>(r + 1) * 8));
        let z0 = zero,
          z1 = zero,
          z2 = zero,
          z3 = zero,
          y0 = zero,
          y1 = zero,
          y2 = zero,
          y3 = zero;
        let xo = Xt + <usize>i * 8;
        for (let j = 0; j < d; j++) {
          const w = f64x2.splat(load<f64>(wa + <usize>j * 8));
          const v = f64x2.splat(load<f64>(wb + <usize>j * 8));
          const x0 = v128.load(xo);
          const x1 = v128.load(xo, 16);
          const x2 = v128.load(xo, 32);
          const x3 = v128.load(xo, 48);
          z0 = f64x2.add(z0, f64x2.mul(w, x0));
          z1 = f64x2.add(z1, f64x2.mul(w, x1));
          z2 = f64x2.add(z2, f64x2.mul(w, x2));
          z3 = f64x2.add(z3, f64x2.mul(w, x3));
          y0 = f64x2.add(y0, f64x2.mul(v, x0));
          y1 = f64x2.add(y1, f64x2.mul(v, x1));
          y2 = f64x2.add(y2, f64x2.mul(v, x2));
          y3 = f64x2.add(y3, f64x2.mul(v, x3));
          xo += <usize>n * 8;
        }
        const u = up + <usize>i * 8;
        finish8(z0, z1, z2, z3, ara, u, Z != 0 ? Z + <usize>(r * n + i) * 8 : 0, mask + <usize>(r * n + i));
        finish8(
          y0,
          y1,
          y2,
          y3,
          arb,
          u,
          Z != 0 ? Z + <usize>((r + 1) * n + i) * 8 : 0,
          mask + <usize>((r + 1) * n + i),
        );
      }
    }
    for (let r = r0; r < rPairs; r += 2) {
      const wa = W + <usize>(r * d) * 8;
      for (let i = n8; i < n; i++) {
        for (let k = 0; k < 2; k++) {
          const wo = wa + <usize>(k * d) * 8;
          let z: f64 = 0;
          for (let j = 0; j < d; j++)
            z += load<f64>(wo + <usize>j * 8) * load<f64>(Xt + <usize>(j * n + i) * 8);
          const on = z >= 0;
          if (Z != 0) store<f64>(Z + <usize>((r + k) * n + i) * 8, z);
          store<u8>(mask + <usize>((r + k) * n + i), <u8>on);
          const u = up + <usize>i * 8;
          const ak = load<f64>(a + <usize>(r + k) * 8);
          store<f64>(u, load<f64>(u) + select<f64>(ak * z, 0, on));
        }
      }
    }
    for (let r = rPairs; r < r1; r++) {
      const wo = W + <usize>(r * d) * 8;
      const mo = mask + <usize>(r * n);
      const ar = f64x2.splat(load<f64>(a + <usize>r * 8));
      let i = 0;
      for (; i + 7 < n; i += 8) {
        let z0 = zero,
          z1 = zero,
          z2 = zero,
          z3 = zero;
        let xo = Xt + <usize>i * 8;
        for (let j = 0; j < d; j++) {
          const w = f64x2.splat(load<f64>(wo + <usize>j * 8));
          z0 = f64x2.add(z0, f64x2.mul(w, v128.load(xo)));
          z1 = f64x2.add(z1, f64x2.mul(w, v128.load(xo, 16)));
          z2 = f64x2.add(z2, f64x2.mul(w, v128.load(xo, 32)));
          z3 = f64x2.add(z3, f64x2.mul(w, v128.load(xo, 48)));
          xo += <usize>n * 8;
        }
        const u = up + <usize>i * 8;
        const m0 = f64x2.ge(z0, zero),
          m1 = f64x2.ge(z1, zero),
          m2 = f64x2.ge(z2, zero),
          m3 = f64x2.ge(z3, zero);
        v128.store(u, f64x2.add(v128.load(u), v128.bitselect(f64x2.mul(ar, z0), zero, m0)));
        v128.store(u, f64x2.add(v128.load(u, 16), v128.bitselect(f64x2.mul(ar, z1), zero, m1)), 16);
        v128.store(u, f64x2.add(v128.load(u, 32), v128.bitselect(f64x2.mul(ar, z2), zero, m2)), 32);
        v128.store(u, f64x2.add(v128.load(u, 48), v128.bitselect(f64x2.mul(ar, z3), zero, m3)), 48);
        if (Z != 0) {
          const zp = Z + <usize>(r * n + i) * 8;
          v128.store(zp, z0);
          v128.store(zp, z1, 16);
          v128.store(zp, z2, 32);
          v128.store(zp, z3, 48);
        }
        storeMask8(mo + <usize>i, m0, m1, m2, m3);
      }
      for (; i < n; i++) {
        let z: f64 = 0;
        for (let j = 0; j < d; j++)
          z += load<f64>(wo + <usize>j * 8) * load<f64>(Xt + <usize>(j * n + i) * 8);
        const on = z >= 0;
        if (Z != 0) store<f64>(Z + <usize>(r * n + i) * 8, z);
        store<u8>(mo + <usize>i, <u8>on);
        const u = up + <usize>i * 8;
        store<f64>(u, load<f64>(u) + select<f64>(f64x2.extract_lane(ar, 0) * z, 0, on));
      }
    }
  }
}

/** Masks, partial outputs (u += a_r relu(z)) and optionally Z for eight points of one neuron. */
function finish8(z0: v128, z1: v128, z2: v128, z3: v128, ar: v128, u: usize, zp: usize, mp: usize): void {
  const zero = f64x2.splat(0);
  const m0 = f64x2.ge(z0, zero),
    m1 = f64x2.ge(z1, zero),
    m2 = f64x2.ge(z2, zero),
    m3 = f64x2.ge(z3, zero);
  v128.store(u, f64x2.add(v128.load(u), v128.bitselect(f64x2.mul(ar, z0), zero, m0)));
  v128.store(u, f64x2.add(v128.load(u, 16), v128.bitselect(f64x2.mul(ar, z1), zero, m1)), 16);
  v128.store(u, f64x2.add(v128.load(u, 32), v128.bitselect(f64x2.mul(ar, z2), zero, m2)), 32);
  v128.store(u, f64x2.add(v128.load(u, 48), v128.bitselect(f64x2.mul(ar, z3), zero, m3)), 48);
  if (zp != 0) {
    v128.store(zp, z0);
    v128.store(zp, z1, 16);
    v128.store(zp, z2, 32);
    v128.store(zp, z3, 48);
  }
  storeMask8(mp, m0, m1, m2, m3);
}

/** Eight mask bytes from four f64x2 comparison masks (all-ones lanes → 1). */
function storeMask8(p: usize, m0: v128, m1: v128, m2: v128, m3: v128): void {
  // Each lane is 0 or −1 as i64; narrow to bytes and keep the low bit.
  const a = i32x4.shuffle(m0, m1, 0, 2, 4, 6); // lanes as i32: 0/−1
  const b = i32x4.shuffle(m2, m3, 0, 2, 4, 6);
  const h = i16x8.narrow_i32x4_s(a, b);
  const bytes = i8x16.narrow_i16x8_s(h, h);
  const one = v128.and(bytes, i8x16.splat(1));
  store<u64>(p, i64x2.extract_lane(one, 0));
}

/** Masks and partial outputs from stored pre-activations Z (m×n), chunk by chunk. */
export function forwardFromZ(
  Z: usize,
  a: usize,
  mask: usize,
  upart: usize,
  m: i32,
  n: i32,
  CH: i32,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  for (let c = lo; c < hi; c++) {
    const up = upart + <usize>(c * n) * 8;
    for (let i = 0; i < n; i++) store<f64>(up + <usize>i * 8, 0);
    const r1 = min(m, (c + 1) * CH);
    for (let r = c * CH; r < r1; r++) {
      const zo = Z + <usize>(r * n) * 8;
      const mo = mask + <usize>(r * n);
      const ars = load<f64>(a + <usize>r * 8);
      const ar = f64x2.splat(ars);
      let i = 0;
      for (; i + 7 < n; i += 8) {
        const p = zo + <usize>i * 8;
        const z0 = v128.load(p),
          z1 = v128.load(p, 16),
          z2 = v128.load(p, 32),
          z3 = v128.load(p, 48);
        const u = up + <usize>i * 8;
        const m0 = f64x2.ge(z0, zero),
          m1 = f64x2.ge(z1, zero),
          m2 = f64x2.ge(z2, zero),
          m3 = f64x2.ge(z3, zero);
        v128.store(u, f64x2.add(v128.load(u), v128.bitselect(f64x2.mul(ar, z0), zero, m0)));
        v128.store(u, f64x2.add(v128.load(u, 16), v128.bitselect(f64x2.mul(ar, z1), zero, m1)), 16);
        v128.store(u, f64x2.add(v128.load(u, 32), v128.bitselect(f64x2.mul(ar, z2), zero, m2)), 32);
        v128.store(u, f64x2.add(v128.load(u, 48), v128.bitselect(f64x2.mul(ar, z3), zero, m3)), 48);
        storeMask8(mo + <usize>i, m0, m1, m2, m3);
      }
      for (; i < n; i++) {
        const z = load<f64>(zo + <usize>i * 8);
        const on = z >= 0;
        store<u8>(mo + <usize>i, <u8>on);
        const u = up + <usize>i * 8;
        store<f64>(u, load<f64>(u) + select<f64>(ars * z, 0, on));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CSR rows: pre-activations from Wt, eight neurons at a time.

/** As forwardDense for X in compressed rows; W given transposed (Wt, d×mp). CH is a multiple of 8. */
export function forwardCsr(
  Wt: usize,
  xp: usize,
  xc: usize,
  xv: usize,
  a: usize,
  mask: usize,
  upart: usize,
  Z: usize,
  m: i32,
  mp: i32,
  n: i32,
  CH: i32,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  for (let c = lo; c < hi; c++) {
    const up = upart + <usize>(c * n) * 8;
    for (let i = 0; i < n; i++) store<f64>(up + <usize>i * 8, 0);
    const r1 = min(m, (c + 1) * CH);
    for (let r = c * CH; r < r1; r += 8) {
      const a0 = v128.load(a + <usize>r * 8),
        a1 = v128.load(a + <usize>r * 8, 16);
      const a2 = v128.load(a + <usize>r * 8, 32),
        a3 = v128.load(a + <usize>r * 8, 48);
      const full = r + 8 <= r1;
      for (let i = 0; i < n; i++) {
        let z0 = zero,
          z1 = zero,
          z2 = zero,
          z3 = zero;
        const q1 = load<i32>(xp + <usize>(i + 1) * 4);
        for (let q = load<i32>(xp + <usize>i * 4); q < q1; q++) {
          const v = f64x2.splat(load<f64>(xv + <usize>q * 8));
          const p = Wt + (<usize>load<i32>(xc + <usize>q * 4) * <usize>mp + <usize>r) * 8;
          z0 = f64x2.add(z0, f64x2.mul(v128.load(p), v));
          z1 = f64x2.add(z1, f64x2.mul(v128.load(p, 16), v));
          z2 = f64x2.add(z2, f64x2.mul(v128.load(p, 32), v));
          z3 = f64x2.add(z3, f64x2.mul(v128.load(p, 48), v));
        }
        const m0 = f64x2.ge(z0, zero),
          m1 = f64x2.ge(z1, zero),
          m2 = f64x2.ge(z2, zero),
          m3 = f64x2.ge(z3, zero);
        // Σ over the eight neurons in order r, r+1, …, r+7 (the plain loop's order within the chunk).
        const t0 = v128.bitselect(f64x2.mul(a0, z0), zero, m0);
        const t1 = v128.bitselect(f64x2.mul(a1, z1), zero, m1);
        const t2 = v128.bitselect(f64x2.mul(a2, z2), zero, m2);
        const t3 = v128.bitselect(f64x2.mul(a3, z3), zero, m3);
        const u = up + <usize>i * 8;
        let s = load<f64>(u);
        const lim = full ? 8 : r1 - r;
        const mo = mask + <usize>(r * n + i);
        for (let k = 0; k < lim; k++) {
          const pair = k >> 1;
          const t = pair == 0 ? t0 : pair == 1 ? t1 : pair == 2 ? t2 : t3;
          const mm = pair == 0 ? m0 : pair == 1 ? m1 : pair == 2 ? m2 : m3;
          const tv = (k & 1) == 0 ? f64x2.extract_lane(t, 0) : f64x2.extract_lane(t, 1);
          const mv = (k & 1) == 0 ? i64x2.extract_lane(mm, 0) : i64x2.extract_lane(mm, 1);
          if (Z != 0) {
            const zz = pair == 0 ? z0 : pair == 1 ? z1 : pair == 2 ? z2 : z3;
            store<f64>(
              Z + <usize>((r + k) * n + i) * 8,
              (k & 1) == 0 ? f64x2.extract_lane(zz, 0) : f64x2.extract_lane(zz, 1),
            );
          }
          s += tv;
          store<u8>(mo + <usize>(k * n), <u8>(mv & 1));
        }
        store<f64>(u, s);
      }
    }
  }
}

/** Rows [lo, hi) of the transpose: Wt[j·mp + r] = W[r·d + j]. */
export function transposeRows(W: usize, Wt: usize, d: i32, mp: i32, lo: i32, hi: i32): void {
  for (let r = lo; r < hi; r++) {
    const wo = W + <usize>(r * d) * 8;
    for (let j = 0; j < d; j++) store<f64>(Wt + <usize>(j * mp + r) * 8, load<f64>(wo + <usize>j * 8));
  }
}

/** Columns [lo, hi) (neurons) of Gt (d×mp) back into rows of G (m×d). */
export function untransposeRows(Gt: usize, G: usize, d: i32, mp: i32, lo: i32, hi: i32): void {
  for (let r = lo; r < hi; r++) {
    const go = G + <usize>(r * d) * 8;
    for (let j = 0; j < d; j++) store<f64>(go + <usize>j * 8, load<f64>(Gt + <usize>(j * mp + r) * 8));
  }
}

// ---------------------------------------------------------------------------------------------
// Gradients g_r = (a_r/√m) Σ_i 1{z_ri ≥ 0} e_i x_i.

/**
 * Rows [lo, hi) of the gradient for dense X (n×d). coef[r] = a_r/√m. Four rows at a time share the
 * loads of x_i (four independent running sums per column, each in the plain order over i).
 */
export function gradientDense(
  X: usize,
  e: usize,
  coef: usize,
  mask: usize,
  G: usize,
  n: i32,
  d: i32,
  lo: i32,
  hi: i32,
): void {
  let r = lo;
  for (; r + 3 < hi; r += 4) {
    const g0 = G + <usize>(r * d) * 8;
    const rowBytes = <usize>d * 8;
    memory.fill(g0, 0, rowBytes * 4);
    const c0 = load<f64>(coef + <usize>r * 8);
    const c1 = load<f64>(coef + <usize>r * 8, 8);
    const c2 = load<f64>(coef + <usize>r * 8, 16);
    const c3 = load<f64>(coef + <usize>r * 8, 24);
    const mo = mask + <usize>(r * n);
    let i = 0;
    // Two points per pass: each entry is updated as (g + t_i) + t_{i+1}, the plain loop's order.
    for (; i + 1 < n; i += 2) {
      const ea = load<f64>(e + <usize>i * 8);
      const eb = load<f64>(e + <usize>i * 8, 8);
      const a0 = f64x2.splat(select<f64>(c0 * ea, 0, load<u8>(mo + <usize>i) != 0));
      const a1 = f64x2.splat(select<f64>(c1 * ea, 0, load<u8>(mo + <usize>(n + i)) != 0));
      const a2 = f64x2.splat(select<f64>(c2 * ea, 0, load<u8>(mo + <usize>(2 * n + i)) != 0));
      const a3 = f64x2.splat(select<f64>(c3 * ea, 0, load<u8>(mo + <usize>(3 * n + i)) != 0));
      const b0 = f64x2.splat(select<f64>(c0 * eb, 0, load<u8>(mo + <usize>(i + 1)) != 0));
      const b1 = f64x2.splat(select<f64>(c1 * eb, 0, load<u8>(mo + <usize>(n + i + 1)) != 0));
      const b2 = f64x2.splat(select<f64>(c2 * eb, 0, load<u8>(mo + <usize>(2 * n + i + 1)) != 0));
      const b3 = f64x2.splat(select<f64>(c3 * eb, 0, load<u8>(mo + <usize>(3 * n + i + 1)) != 0));
      const xa = X + <usize>(i * d) * 8;
      const xb = xa + <usize>d * 8;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        const x = v128.load(xa + <usize>j * 8);
        const y = v128.load(xb + <usize>j * 8);
        const p = g0 + <usize>j * 8;
        v128.store(p, f64x2.add(f64x2.add(v128.load(p), f64x2.mul(a0, x)), f64x2.mul(b0, y)));
        const p1 = p + rowBytes;
        v128.store(p1, f64x2.add(f64x2.add(v128.load(p1), f64x2.mul(a1, x)), f64x2.mul(b1, y)));
        const p2 = p1 + rowBytes;
        v128.store(p2, f64x2.add(f64x2.add(v128.load(p2), f64x2.mul(a2, x)), f64x2.mul(b2, y)));
        const p3 = p2 + rowBytes;
        v128.store(p3, f64x2.add(f64x2.add(v128.load(p3), f64x2.mul(a3, x)), f64x2.mul(b3, y)));
      }
      if (j < d) {
        const x = load<f64>(xa + <usize>j * 8);
        const y = load<f64>(xb + <usize>j * 8);
        const p = g0 + <usize>j * 8;
        store<f64>(p, load<f64>(p) + f64x2.extract_lane(a0, 0) * x + f64x2.extract_lane(b0, 0) * y);
        const p1 = p + rowBytes;
        store<f64>(p1, load<f64>(p1) + f64x2.extract_lane(a1, 0) * x + f64x2.extract_lane(b1, 0) * y);
        const p2 = p1 + rowBytes;
        store<f64>(p2, load<f64>(p2) + f64x2.extract_lane(a2, 0) * x + f64x2.extract_lane(b2, 0) * y);
        const p3 = p2 + rowBytes;
        store<f64>(p3, load<f64>(p3) + f64x2.extract_lane(a3, 0) * x + f64x2.extract_lane(b3, 0) * y);
      }
    }
    for (; i < n; i++) {
      const ei = load<f64>(e + <usize>i * 8);
      const s0 = select<f64>(c0 * ei, 0, load<u8>(mo + <usize>i) != 0);
      const s1 = select<f64>(c1 * ei, 0, load<u8>(mo + <usize>(n + i)) != 0);
      const s2 = select<f64>(c2 * ei, 0, load<u8>(mo + <usize>(2 * n + i)) != 0);
      const s3 = select<f64>(c3 * ei, 0, load<u8>(mo + <usize>(3 * n + i)) != 0);
      const v0 = f64x2.splat(s0);
      const v1 = f64x2.splat(s1);
      const v2 = f64x2.splat(s2);
      const v3 = f64x2.splat(s3);
      const xo = X + <usize>(i * d) * 8;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        const x = v128.load(xo + <usize>j * 8);
        const p = g0 + <usize>j * 8;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(v0, x)));
        const p1 = p + rowBytes;
        v128.store(p1, f64x2.add(v128.load(p1), f64x2.mul(v1, x)));
        const p2 = p1 + rowBytes;
        v128.store(p2, f64x2.add(v128.load(p2), f64x2.mul(v2, x)));
        const p3 = p2 + rowBytes;
        v128.store(p3, f64x2.add(v128.load(p3), f64x2.mul(v3, x)));
      }
      if (j < d) {
        const x = load<f64>(xo + <usize>j * 8);
        const p = g0 + <usize>j * 8;
        store<f64>(p, load<f64>(p) + s0 * x);
        store<f64>(p + rowBytes, load<f64>(p + rowBytes) + s1 * x);
        store<f64>(p + 2 * rowBytes, load<f64>(p + 2 * rowBytes) + s2 * x);
        store<f64>(p + 3 * rowBytes, load<f64>(p + 3 * rowBytes) + s3 * x);
      }
    }
  }
  for (; r < hi; r++) {
    const go = G + <usize>(r * d) * 8;
    for (let j = 0; j < d; j++) store<f64>(go + <usize>j * 8, 0);
    const c = load<f64>(coef + <usize>r * 8);
    const mo = mask + <usize>(r * n);
    for (let i = 0; i < n; i++) {
      const on = load<u8>(mo + <usize>i) != 0;
      const ces = select<f64>(c * load<f64>(e + <usize>i * 8), 0, on);
      const ce = f64x2.splat(ces);
      const xo = X + <usize>(i * d) * 8;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        const p = go + <usize>j * 8;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(ce, v128.load(xo + <usize>j * 8))));
      }
      if (j < d) {
        const p = go + <usize>j * 8;
        store<f64>(p, load<f64>(p) + ces * load<f64>(xo + <usize>j * 8));
      }
    }
  }
}

/**
 * Neurons [lo·8, min(hi·8, m)) of the transposed gradient Gt (d×mp) for CSR X, eight at a time.
 * Gt must be zero on those columns.
 */
export function gradientCsr(
  xp: usize,
  xc: usize,
  xv: usize,
  e: usize,
  coef: usize,
  mask: usize,
  Gt: usize,
  m: i32,
  mp: i32,
  n: i32,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  for (let b = lo; b < hi; b++) {
    const r = b * 8;
    const c0 = v128.load(coef + <usize>r * 8),
      c1 = v128.load(coef + <usize>r * 8, 16);
    const c2 = v128.load(coef + <usize>r * 8, 32),
      c3 = v128.load(coef + <usize>r * 8, 48);
    const lim = min(8, m - r);
    for (let i = 0; i < n; i++) {
      const ei = f64x2.splat(load<f64>(e + <usize>i * 8));
      // Mask bytes of the eight neurons for point i, widened to lane masks (missing neurons: 0).
      let mb: u64 = 0;
      for (let k = 0; k < lim; k++) mb |= (<u64>load<u8>(mask + <usize>((r + k) * n + i))) << (<u64>k * 8);
      const bytes = i64x2.splat(<i64>mb);
      const nz = i8x16.ne(bytes, i8x16.splat(0));
      const w16 = i16x8.extend_low_i8x16_s(nz);
      const w32a = i32x4.extend_low_i16x8_s(w16);
      const w32b = i32x4.extend_high_i16x8_s(w16);
      const k0 = i64x2.extend_low_i32x4_s(w32a),
        k1 = i64x2.extend_high_i32x4_s(w32a);
      const k2 = i64x2.extend_low_i32x4_s(w32b),
        k3 = i64x2.extend_high_i32x4_s(w32b);
      const ce0 = v128.bitselect(f64x2.mul(c0, ei), zero, k0);
      const ce1 = v128.bitselect(f64x2.mul(c1, ei), zero, k1);
      const ce2 = v128.bitselect(f64x2.mul(c2, ei), zero, k2);
      const ce3 = v128.bitselect(f64x2.mul(c3, ei), zero, k3);
      const q1 = load<i32>(xp + <usize>(i + 1) * 4);
      for (let q = load<i32>(xp + <usize>i * 4); q < q1; q++) {
        const v = f64x2.splat(load<f64>(xv + <usize>q * 8));
        const p = Gt + (<usize>load<i32>(xc + <usize>q * 4) * <usize>mp + <usize>r) * 8;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(ce0, v)));
        v128.store(p, f64x2.add(v128.load(p, 16), f64x2.mul(ce1, v)), 16);
        v128.store(p, f64x2.add(v128.load(p, 32), f64x2.mul(ce2, v)), 32);
        v128.store(p, f64x2.add(v128.load(p, 48), f64x2.mul(ce3, v)), 48);
      }
    }
  }
}

/** Zero [p + lo·8, p + hi·8) bytes (f64 index range). */
export function zeroRange(p: usize, lo: i32, hi: i32): void {
  memory.fill(p + <usize>lo * 8, 0, <usize>(hi - lo) * 8);
}

// ---------------------------------------------------------------------------------------------
// The span of the data rows (d > n): pre-activations updated with the n×n Gram matrix.

/** Rows [lo, hi): bits[r·g + q] = Σ_k mask[r, 8q + k] << k (points past n: 0). */
export function packMaskBits(mask: usize, bits: usize, n: i32, g: i32, lo: i32, hi: i32): void {
  for (let r = lo; r < hi; r++) {
    const mo = mask + <usize>(r * n);
    const bo = bits + <usize>(r * g);
    for (let q = 0; q < g; q++) {
      let b: u32 = 0;
      const i0 = q * 8;
      const lim = min(8, n - i0);
      for (let k = 0; k < lim; k++) b |= (<u32>load<u8>(mo + <usize>(i0 + k))) << k;
      store<u8>(bo + <usize>q, <u8>b);
    }
  }
}

/**
 * Column blocks [lo, hi) (8 columns each) of out = diag(coef) · M · Y, M the m×n 0/1 mask given as
 * packed bits (g bytes per row), Y given padded to n8×n8 (n8 = 8g, zero padding). Method of the Four
 * Russians: per block, a table of all 256 subset sums of each group of 8 rows of Y (built with one
 * add per entry), then each output row is g table look-ups, summed over the groups in order. The
 * groups are taken QC at a time (tables of QC·16 KiB stay in cache; the running sums wait in this
 * thread's scratch, stored and reloaded exactly, so the sums are the same whatever QC).
 * out is m×n (row stride n). Scratch of this thread at T0 + tid·tStride: QC·256·64 bytes of tables,
 * then m·64 bytes of running sums.
 */
export function maskedGramProduct(
  bits: usize,
  Y: usize,
  coef: usize,
  out: usize,
  T0: usize,
  tStride: i32,
  m: i32,
  n: i32,
  g: i32,
  QC: i32,
  lo: i32,
  hi: i32,
  tid: i32,
): void {
  const T = T0 + <usize>tid * <usize>tStride;
  const S = T + <usize>(QC * 256) * 64;
  const n8 = g * 8;
  const zero = f64x2.splat(0);
  for (let blk = lo; blk < hi; blk++) {
    const col = blk * 8;
    const width = min(8, n - col);
    for (let q0 = 0; q0 < g; q0 += QC) {
      const q1 = min(g, q0 + QC);
      // Tables: T[q − q0][p] (8 doubles) = Σ_{k ∈ p} Y[8q + k, col .. col + 8].
      for (let q = q0; q < q1; q++) {
        const tq = T + <usize>((q - q0) * 256) * 64;
        v128.store(tq, zero);
        v128.store(tq, zero, 16);
        v128.store(tq, zero, 32);
        v128.store(tq, zero, 48);
        for (let p = 1; p < 256; p++) {
          const low = p & (p - 1);
          const k = ctz(p);
          const src = tq + <usize>low * 64;
          const y = Y + <usize>((q * 8 + k) * n8 + col) * 8;
          const dst = tq + <usize>p * 64;
          v128.store(dst, f64x2.add(v128.load(src), v128.load(y)));
          v128.store(dst, f64x2.add(v128.load(src, 16), v128.load(y, 16)), 16);
          v128.store(dst, f64x2.add(v128.load(src, 32), v128.load(y, 32)), 32);
          v128.store(dst, f64x2.add(v128.load(src, 48), v128.load(y, 48)), 48);
        }
      }
      const last = q1 == g;
      for (let r = 0; r < m; r++) {
        const bo = bits + <usize>(r * g);
        const sp = S + <usize>r * 64;
        let s0 = zero,
          s1 = zero,
          s2 = zero,
          s3 = zero;
        if (q0 > 0) {
          s0 = v128.load(sp);
          s1 = v128.load(sp, 16);
          s2 = v128.load(sp, 32);
          s3 = v128.load(sp, 48);
        }
        for (let q = q0; q < q1; q++) {
          const t = T + (<usize>((q - q0) * 256) + <usize>load<u8>(bo + <usize>q)) * 64;
          s0 = f64x2.add(s0, v128.load(t));
          s1 = f64x2.add(s1, v128.load(t, 16));
          s2 = f64x2.add(s2, v128.load(t, 32));
          s3 = f64x2.add(s3, v128.load(t, 48));
        }
        if (!last) {
          v128.store(sp, s0);
          v128.store(sp, s1, 16);
          v128.store(sp, s2, 32);
          v128.store(sp, s3, 48);
          continue;
        }
        const c = f64x2.splat(load<f64>(coef + <usize>r * 8));
        const o = out + <usize>(r * n + col) * 8;
        if (width == 8) {
          v128.store(o, f64x2.mul(c, s0));
          v128.store(o, f64x2.mul(c, s1), 16);
          v128.store(o, f64x2.mul(c, s2), 32);
          v128.store(o, f64x2.mul(c, s3), 48);
        } else {
          const cs = f64x2.extract_lane(c, 0);
          for (let k = 0; k < width; k++) {
            const pair = k >> 1;
            const v = pair == 0 ? s0 : pair == 1 ? s1 : pair == 2 ? s2 : s3;
            store<f64>(
              o + <usize>k * 8,
              cs * ((k & 1) == 0 ? f64x2.extract_lane(v, 0) : f64x2.extract_lane(v, 1)),
            );
          }
        }
      }
    }
  }
}

/** Rows [lo, hi) of C (m×n): C[r, i] = coef[r]·e[i] where mask[r, i], else +0 (two points at a time). */
export function maskedCoefficients(
  e: usize,
  coef: usize,
  mask: usize,
  C: usize,
  n: i32,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  for (let r = lo; r < hi; r++) {
    const cs = load<f64>(coef + <usize>r * 8);
    const c = f64x2.splat(cs);
    const mo = mask + <usize>(r * n);
    const co = C + <usize>(r * n) * 8;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      // Two mask bytes (0/1) widened to lane masks of all ones or all zeros.
      const b = <u32>load<u16>(mo + <usize>i);
      const lanes = i64x2.replace_lane(i64x2.splat(-(<i64>(b & 1))), 1, -(<i64>((b >> 8) & 1)));
      const v = f64x2.mul(c, v128.load(e + <usize>i * 8));
      v128.store(co + <usize>i * 8, v128.bitselect(v, zero, lanes));
    }
    if (i < n)
      store<f64>(
        co + <usize>i * 8,
        select<f64>(cs * load<f64>(e + <usize>i * 8), 0, load<u8>(mo + <usize>i) != 0),
      );
  }
}

/** Rows [lo, hi) of out (m×d) = A (m×n) · B (n×d), summed over i in order (materialises W = A X). */
export function matmulRows(A: usize, B: usize, out: usize, n: i32, d: i32, lo: i32, hi: i32): void {
  for (let r = lo; r < hi; r++) {
    const oo = out + <usize>(r * d) * 8;
    for (let j = 0; j < d; j++) store<f64>(oo + <usize>j * 8, 0);
    const ao = A + <usize>(r * n) * 8;
    for (let i = 0; i < n; i++) {
      const cs = load<f64>(ao + <usize>i * 8);
      // An exact zero adds ±0 to every entry: skipping it leaves the sums' bits unchanged.
      if (cs == 0) continue;
      const c = f64x2.splat(cs);
      const bo = B + <usize>(i * d) * 8;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        const p = oo + <usize>j * 8;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(c, v128.load(bo + <usize>j * 8))));
      }
      if (j < d)
        store<f64>(oo + <usize>j * 8, load<f64>(oo + <usize>j * 8) + cs * load<f64>(bo + <usize>j * 8));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Empirical NTK: co-activation counts from activation bitsets.

/**
 * Rows [lo, hi) of counts (n×n, upper triangle j ≥ i and its mirror): counts[i, j] = popcount of
 * bits_i & bits_j over `words` 64-bit words per row.
 */
export function coActivation(bits: usize, counts: usize, n: i32, words: i32, lo: i32, hi: i32): void {
  for (let i = lo; i < hi; i++) {
    const oi = bits + <usize>(i * words) * 8;
    for (let j = i; j < n; j++) {
      const oj = bits + <usize>(j * words) * 8;
      let c: i64 = 0;
      for (let w = 0; w < words; w++)
        c += popcnt<i64>(load<i64>(oi + <usize>w * 8) & load<i64>(oj + <usize>w * 8));
      const v = <f64>c;
      store<f64>(counts + <usize>(i * n + j) * 8, v);
      store<f64>(counts + <usize>(j * n + i) * 8, v);
    }
  }
}

/** Rows [lo, hi) of out (m×d) = A (m×n) · X for X in compressed rows (Σ over i in order, then its non-zeros). */
export function matmulCsrRows(
  A: usize,
  xp: usize,
  xc: usize,
  xv: usize,
  out: usize,
  n: i32,
  d: i32,
  lo: i32,
  hi: i32,
): void {
  for (let r = lo; r < hi; r++) {
    const oo = out + <usize>(r * d) * 8;
    memory.fill(oo, 0, <usize>d * 8);
    const ao = A + <usize>(r * n) * 8;
    for (let i = 0; i < n; i++) {
      const c = load<f64>(ao + <usize>i * 8);
      const q1 = load<i32>(xp + <usize>(i + 1) * 4);
      for (let q = load<i32>(xp + <usize>i * 4); q < q1; q++) {
        const p = oo + <usize>load<i32>(xc + <usize>q * 4) * 8;
        store<f64>(p, load<f64>(p) + c * load<f64>(xv + <usize>q * 8));
      }
    }
  }
}

/**
 * Blocks [lo, hi) of eight rows of out (m×d) = A (m×n) · X for X in compressed rows: the eight rows
 * are accumulated column-interleaved in this thread's scratch (d×8 doubles at S + tid·8·d·8), each
 * entry summed over i in order, then over the row's non-zeros (matmulCsrRows's order, in SIMD).
 */
export function matmulCsrBlocks(
  A: usize,
  xp: usize,
  xc: usize,
  xv: usize,
  out: usize,
  S0: usize,
  m: i32,
  n: i32,
  d: i32,
  lo: i32,
  hi: i32,
  tid: i32,
): void {
  const S = S0 + <usize>tid * <usize>(d * 64);
  for (let b = lo; b < hi; b++) {
    const r = b * 8;
    const lim = min(8, m - r);
    memory.fill(S, 0, <usize>d * 64);
    for (let i = 0; i < n; i++) {
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let a3 = f64x2.splat(0);
      for (let k = 0; k < lim; k++) {
        const v = load<f64>(A + <usize>((r + k) * n + i) * 8);
        if (k == 0) a0 = f64x2.replace_lane(a0, 0, v);
        else if (k == 1) a0 = f64x2.replace_lane(a0, 1, v);
        else if (k == 2) a1 = f64x2.replace_lane(a1, 0, v);
        else if (k == 3) a1 = f64x2.replace_lane(a1, 1, v);
        else if (k == 4) a2 = f64x2.replace_lane(a2, 0, v);
        else if (k == 5) a2 = f64x2.replace_lane(a2, 1, v);
        else if (k == 6) a3 = f64x2.replace_lane(a3, 0, v);
        else a3 = f64x2.replace_lane(a3, 1, v);
      }
      const q1 = load<i32>(xp + <usize>(i + 1) * 4);
      for (let q = load<i32>(xp + <usize>i * 4); q < q1; q++) {
        const x = f64x2.splat(load<f64>(xv + <usize>q * 8));
        const p = S + <usize>load<i32>(xc + <usize>q * 4) * 64;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(a0, x)));
        v128.store(p, f64x2.add(v128.load(p, 16), f64x2.mul(a1, x)), 16);
        v128.store(p, f64x2.add(v128.load(p, 32), f64x2.mul(a2, x)), 32);
        v128.store(p, f64x2.add(v128.load(p, 48), f64x2.mul(a3, x)), 48);
      }
    }
    for (let k = 0; k < lim; k++) {
      const oo = out + <usize>((r + k) * d) * 8;
      for (let j = 0; j < d; j++) store<f64>(oo + <usize>j * 8, load<f64>(S + <usize>(j * 64 + k * 8)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The method's vector arithmetic on vectors held in kernel memory.

/**
 * Elements [lo·2, min(hi·2, len)) of out = (((0 + a·v) + b·w) + c·x) + f·y over the first `terms`
 * terms (the Stepper's combination, term by term in order, the same sums as its JavaScript loop).
 */
export function combine(
  out: usize,
  len: i32,
  terms: i32,
  a: f64,
  v: usize,
  b: f64,
  w: usize,
  c: f64,
  x: usize,
  f: f64,
  y: usize,
  lo: i32,
  hi: i32,
): void {
  const zero = f64x2.splat(0);
  const A = f64x2.splat(a);
  const B = f64x2.splat(b);
  const C = f64x2.splat(c);
  const F = f64x2.splat(f);
  const end = min(hi * 2, len);
  let i = lo * 2;
  for (; i + 1 < end; i += 2) {
    const o = <usize>i * 8;
    let s = f64x2.add(zero, f64x2.mul(A, v128.load(v + o)));
    if (terms > 1) s = f64x2.add(s, f64x2.mul(B, v128.load(w + o)));
    if (terms > 2) s = f64x2.add(s, f64x2.mul(C, v128.load(x + o)));
    if (terms > 3) s = f64x2.add(s, f64x2.mul(F, v128.load(y + o)));
    v128.store(out + o, s);
  }
  for (; i < end; i++) {
    const o = <usize>i * 8;
    let s: f64 = 0 + a * load<f64>(v + o);
    if (terms > 1) s += b * load<f64>(w + o);
    if (terms > 2) s += c * load<f64>(x + o);
    if (terms > 3) s += f * load<f64>(y + o);
    store<f64>(out + o, s);
  }
}

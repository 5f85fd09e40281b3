/**
 * Certified margins of the far rows of a dual frame, kept lazily in groups.
 *
 * A group holds rows whose margins were computed exactly at one reference point z_ref (the frame's
 * base, or a later iterate where the rows were refreshed), sorted ascending. At any point z every row
 * of the group keeps its mask while its margin exceeds bound(z − z_ref) (the frame's uniform flip
 * bound), so one comparison per group certifies all its rows. Rows whose margin the bound is about
 * to reach are taken out, refreshed exactly at the current iterate (a new group) or made near.
 * Old groups are merged into newer ones with the triangle inequality (margins lowered by the bound
 * between the two reference points), so the number of groups stays small.
 */
import type { DualFrame } from './fast-frame.ts';

interface MarginGroup {
  /** Reference point: the first slots + n coordinates of a frame vector. */
  ref: Float64Array;
  rows: Int32Array;
  margins: Float64Array;
  /** First row still in the group (rows before it were taken out). */
  head: number;
}

const MAX_GROUPS = 12;

export class MarginLedger {
  private groups: MarginGroup[] = [];
  private readonly frame: DualFrame;

  constructor(frame: DualFrame) {
    this.frame = frame;
  }

  /** Rows still certified through the ledger. */
  get size(): number {
    let s = 0;
    for (const g of this.groups) s += g.rows.length - g.head;
    return s;
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /** Add rows with exact margins at reference point z (copied). */
  add(z: Float64Array, rows: ArrayLike<number>, margins: ArrayLike<number>): void {
    if (rows.length === 0) return;
    const idx = Array.from({ length: rows.length }, (_, i) => i).sort(
      (a, b) => margins[a] - margins[b] || rows[a] - rows[b],
    );
    const g: MarginGroup = {
      ref: Float64Array.from(z.subarray(0, this.frame.offNear)),
      rows: Int32Array.from(idx, (i) => rows[i]),
      margins: Float64Array.from(idx, (i) => margins[i]),
      head: 0,
    };
    this.groups.push(g);
    if (this.groups.length > MAX_GROUPS) this.mergeOldest();
  }

  /**
   * Smallest (certified margin − bound from the reference) over groups: positive means every far
   * row keeps its mask at z (the frame adds the rounding safety).
   */
  slack(z: Float64Array): number {
    let best = Infinity;
    for (const g of this.groups) {
      if (g.head >= g.rows.length) continue;
      const s = g.margins[g.head] - this.frame.boundBetween(z, g.ref);
      if (s < best) best = s;
    }
    return best;
  }

  /** Take out (and return) every row whose margin is ≤ bound(z − ref) + extra. */
  takeDue(z: Float64Array, extra: number): number[] {
    const out: number[] = [];
    for (const g of this.groups) {
      if (g.head >= g.rows.length) continue;
      const limit = this.frame.boundBetween(z, g.ref) + extra;
      while (g.head < g.rows.length && g.margins[g.head] <= limit) out.push(g.rows[g.head++]);
    }
    this.groups = this.groups.filter((g) => g.head < g.rows.length);
    return out;
  }

  /**
   * Merge the adjacent pair of groups with the fewest rows into one at the newer reference point
   * (the older margins lowered by the bound between the references; both lists stay sorted, so
   * the merge is linear).
   */
  private mergeOldest(): void {
    let at = 0;
    let best = Infinity;
    for (let i = 0; i + 1 < this.groups.length; i++) {
      const s =
        this.groups[i].rows.length -
        this.groups[i].head +
        this.groups[i + 1].rows.length -
        this.groups[i + 1].head;
      if (s < best) {
        best = s;
        at = i;
      }
    }
    const a = this.groups[at];
    const b = this.groups[at + 1];
    const shift = this.frame.boundBetween(a.ref, b.ref);
    const total = a.rows.length - a.head + b.rows.length - b.head;
    const rows = new Int32Array(total);
    const margins = new Float64Array(total);
    let i = a.head;
    let j = b.head;
    for (let o = 0; o < total; o++) {
      const takeA = j >= b.rows.length || (i < a.rows.length && a.margins[i] - shift <= b.margins[j]);
      if (takeA) {
        rows[o] = a.rows[i];
        margins[o] = a.margins[i] - shift;
        i++;
      } else {
        rows[o] = b.rows[j];
        margins[o] = b.margins[j];
        j++;
      }
    }
    this.groups.splice(at, 2, { ref: b.ref, rows, margins, head: 0 });
  }
}

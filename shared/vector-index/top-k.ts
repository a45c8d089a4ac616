/**
 * The k best (score, row) pairs seen so far, kept sorted best first. A scan compares each
 * score with `worst` (a plain field, so the hot loop reads no array) and calls `insert`
 * only for the few that beat it; k is small, so insertion by shifting beats a heap.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly rows: Int32Array;
  count = 0;
  /** The score to beat: -Infinity until k pairs are held. */
  worst = Number.NEGATIVE_INFINITY;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.rows = new Int32Array(k);
  }

  insert(score: number, row: number): void {
    const { scores, rows, k } = this;
    let i = this.count < k ? this.count++ : k - 1;
    // ties keep the earlier row first, so results are deterministic
    while (i > 0 && (scores[i - 1] as number) < score) {
      scores[i] = scores[i - 1] as number;
      rows[i] = rows[i - 1] as number;
      i--;
    }
    scores[i] = score;
    rows[i] = row;
    if (this.count === k) this.worst = scores[k - 1] as number;
  }
}

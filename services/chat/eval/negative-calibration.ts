import type { LabelledExample, TextClassifier } from '../classify/index.ts';
import { sentimentOf } from '../dialog/dialog.service.ts';
import { negativeConfidences, negativeThreshold } from '../models/negative-threshold.ts';
import { sentimentLabel } from '../models/sentiment-label.ts';

/** Shares at the dialog's least threshold alone and at the calibrated one. */
export interface ShareAtThresholds {
  at_floor: number;
  calibrated: number;
}

export interface NegativeCalibrationReport {
  /** Support messages: half calibrate each fold's threshold, the other half check it. */
  reference_texts: number;
  rate: number;
  floor: number;
  /** Each fold's calibrated threshold, and their mean. */
  thresholds: number[];
  mean_threshold: number;
  /** Held-out negative texts the dialog counts as negative. */
  negative_recall: ShareAtThresholds;
  /** Held-out positive texts it counts as negative. */
  positives_as_negative: ShareAtThresholds;
  /** Support messages of the checking half it counts as negative. */
  support_as_negative: ShareAtThresholds;
}

/**
 * What calibrating the negative threshold on ordinary support messages (as sentiment training
 * does) costs and gains, measured on the folds of a sentiment evaluation: each fold's model is
 * calibrated on one half of the support messages; the other half, and the fold's held-out
 * texts, are then counted as the dialog counts them (`sentimentOf`), at the least threshold
 * alone and with the calibrated one.
 */
export class NegativeCalibrationCheck {
  private readonly calibrate: string[];
  private readonly check: string[];
  private readonly thresholds: number[] = [];
  private readonly counts = { neg: 0, pos: 0, negFloor: 0, negCal: 0, posFloor: 0, posCal: 0, supFloor: 0, supCal: 0, sup: 0 };

  constructor(
    reference: readonly string[],
    private readonly rate: number,
    private readonly floor: number,
  ) {
    this.calibrate = reference.filter((_, i) => i % 2 === 0);
    this.check = reference.filter((_, i) => i % 2 === 1);
  }

  /** Counts one fold: `clf` trained without `test`. */
  async addFold(clf: TextClassifier, test: readonly LabelledExample[]): Promise<void> {
    const calibration = await negativeConfidences(clf, this.calibrate);
    if (!calibration) return;
    const threshold = negativeThreshold(calibration, this.rate);
    this.thresholds.push(threshold);
    // counted as the dialog counts them, at the least threshold alone and with the calibrated one
    const judge = async (texts: readonly string[]) =>
      (await clf.predict(texts, { threshold: 0, topK: 1 })).map((p) => ({
        atFloor: sentimentOf(p, this.floor).label === 'negative',
        calibrated: sentimentOf(p, this.floor, threshold).label === 'negative',
      }));
    const held = await judge(test.map((e) => e.text));
    test.forEach((e, i) => {
      const label = sentimentLabel(e.label);
      const j = held[i]!;
      if (label === 'negative') {
        this.counts.neg++;
        this.counts.negFloor += Number(j.atFloor);
        this.counts.negCal += Number(j.calibrated);
      } else if (label === 'positive') {
        this.counts.pos++;
        this.counts.posFloor += Number(j.atFloor);
        this.counts.posCal += Number(j.calibrated);
      }
    });
    for (const j of await judge(this.check)) {
      this.counts.sup++;
      this.counts.supFloor += Number(j.atFloor);
      this.counts.supCal += Number(j.calibrated);
    }
  }

  report(): NegativeCalibrationReport | undefined {
    const c = this.counts;
    if (this.thresholds.length === 0) return undefined;
    const r = (x: number) => Math.round(x * 10_000) / 10_000;
    const share = (n: number, d: number) => (d ? r(n / d) : 0);
    return {
      reference_texts: this.calibrate.length + this.check.length,
      rate: this.rate,
      floor: this.floor,
      thresholds: this.thresholds.map(r),
      mean_threshold: r(this.thresholds.reduce((a, b) => a + b, 0) / this.thresholds.length),
      negative_recall: { at_floor: share(c.negFloor, c.neg), calibrated: share(c.negCal, c.neg) },
      positives_as_negative: { at_floor: share(c.posFloor, c.pos), calibrated: share(c.posCal, c.pos) },
      support_as_negative: { at_floor: share(c.supFloor, c.sup), calibrated: share(c.supCal, c.sup) },
    };
  }
}

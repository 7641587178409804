// Confidences that mean what they say: the offline analyser's rules and word models give raw
// scores, and these maps turn each into the share of answers with that score that were right on
// calls the rules were not written from (fitted by relay/eval/calibrate.ts, `npm run calibrate`).
// A name at 0.9 is then right about nine times in ten, so the CRMs' 0.8 threshold for writing a
// caller's name does what an admin expects.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const Measure = z.enum(['name', 'intent', 'disposition']);
export type Measure = z.infer<typeof Measure>;

/** Raw score and the probability it stands for, in increasing order of raw score. */
const Points = z.array(z.tuple([z.number(), z.number().min(0).max(1)])).min(1);
export const CalibrationFile = z.object({ fittedOn: z.record(Measure, z.string()), maps: z.record(Measure, Points) });
export type CalibrationFile = z.infer<typeof CalibrationFile>;

export const CALIBRATION_FILE = new URL('./calibration.json', import.meta.url);

let maps: CalibrationFile['maps'] | undefined;

/**
 * The probability a raw score stands for: linear between fitted points, flat above the last,
 * and falling to 0 below the first (a score lower than any fitted stands on less evidence than
 * any answer the map was fitted on, such as a call in which nobody spoke).
 */
export function calibrated(measure: Measure, raw: number): number {
  maps ??= CalibrationFile.parse(JSON.parse(readFileSync(CALIBRATION_FILE, 'utf8'))).maps;
  const points = maps[measure];
  const first = points[0]!;
  const last = points.at(-1)!;
  let p: number;
  if (raw <= first[0]) p = first[0] > 0 ? (first[1] * Math.max(0, raw)) / first[0] : first[1];
  else if (raw >= last[0]) p = last[1];
  else {
    const i = points.findIndex(([x]) => x >= raw);
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    p = y0 + ((y1 - y0) * (raw - x0)) / (x1 - x0);
  }
  return Math.round(p * 100) / 100;
}

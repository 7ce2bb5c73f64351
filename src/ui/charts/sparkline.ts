import { seg, type Segment, type Tone } from '../text.js';

/** Eight levels, lowest first: block elements, or ASCII where the terminal has no Unicode. */
const UNICODE_BARS = '▁▂▃▄▅▆▇█';
const ASCII_BARS = '._-=+*#@';

export function bars(unicode: boolean): string {
  return unicode ? UNICODE_BARS : ASCII_BARS;
}

/** The level that marks a threshold in a sparkline's legend (`▄` or `=`). */
export function thresholdBar(unicode: boolean): string {
  return bars(unicode)[3]!;
}

export interface SparklineScale {
  /** With a threshold: it sits at the top of the fourth level; over it, levels five to eight. */
  readonly threshold?: number;
  /** Without one: the value that fills the top level. */
  readonly top?: number;
  readonly unicode: boolean;
}

/**
 * One character per value, newest on the right, missing values blank. With a threshold a
 * value at or below it never rises above the fourth level and a value above it is drawn in
 * the `bad` tone; without, values are scaled to `top`.
 */
export function sparkline(values: readonly (number | null)[], width: number, scale: SparklineScale): Segment[] {
  if (width <= 0) return [];
  const levels = bars(scale.unicode);
  const shown = values.slice(-width);
  const cells: { ch: string; tone: Tone }[] = [];
  for (let i = shown.length; i < width; i++) cells.push({ ch: ' ', tone: 'plain' });
  for (const v of shown) {
    if (v === null) cells.push({ ch: ' ', tone: 'plain' });
    else if (scale.threshold !== undefined) {
      const t = scale.threshold > 0 ? scale.threshold : 1;
      if (v <= t) cells.push({ ch: levels[Math.max(0, Math.min(3, Math.ceil((v / t) * 4) - 1))]!, tone: 'good' });
      else cells.push({ ch: levels[4 + Math.min(3, Math.floor(((v - t) / t) * 4))]!, tone: 'bad' });
    } else {
      const top = scale.top !== undefined && scale.top > 0 ? scale.top : 1;
      cells.push({ ch: v <= 0 ? ' ' : levels[Math.max(0, Math.min(7, Math.ceil((v / top) * 8) - 1))]!, tone: 'accent' });
    }
  }
  const out: Segment[] = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last && last.tone === c.tone) out[out.length - 1] = seg(last.text + c.ch, c.tone);
    else out.push(seg(c.ch, c.tone));
  }
  return out;
}

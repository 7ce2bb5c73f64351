import type { LineChart } from './charts/model.js';

/**
 * What a panel draws: lines of styled segments. View models produce these (pure, width-aware);
 * the blessed adapter turns them into tagged strings; tests read them as plain text.
 */

export type Tone = 'plain' | 'bold' | 'dim' | 'good' | 'warn' | 'bad' | 'accent' | 'selected' | 'badge';

export interface Segment {
  readonly text: string;
  readonly tone: Tone;
}

export type Line = readonly Segment[];

export const seg = (text: string, tone: Tone = 'plain'): Segment => ({ text, tone });
export const line = (...parts: readonly (Segment | string)[]): Line => parts.map((p) => (typeof p === 'string' ? seg(p) : p));

export function plainText(l: Line): string {
  return l.map((s) => s.text).join('');
}

export function lineWidth(l: Line): number {
  return l.reduce((n, s) => n + s.text.length, 0);
}

/** Cut a line to `width` characters, marking the cut with `…`. */
export function fitLine(l: Line, width: number): Line {
  if (width <= 0) return [];
  if (lineWidth(l) <= width) return l;
  const out: Segment[] = [];
  let left = width - 1;
  for (const s of l) {
    if (left <= 0) break;
    const text = s.text.slice(0, left);
    out.push(seg(text, s.tone));
    left -= text.length;
  }
  const last = out[out.length - 1];
  out.push(seg('…', last?.tone ?? 'plain'));
  return out;
}

/** Pad (or cut) a line to exactly `width` characters; the padding takes the tone of `padTone`. */
export function padLine(l: Line, width: number, padTone: Tone = 'plain'): Line {
  const fitted = fitLine(l, width);
  const gap = width - lineWidth(fitted);
  return gap > 0 ? [...fitted, seg(' '.repeat(gap), padTone)] : fitted;
}

/** Word-wrap plain text to `width`, indenting continuation lines by `indent` spaces. */
export function wrapText(text: string, width: number, indent = 0): string[] {
  if (width <= indent + 1) return [text.slice(0, Math.max(0, width))];
  const out: string[] = [];
  let current = '';
  const pad = ' '.repeat(indent);
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const limit = out.length === 0 ? width : width - indent;
    if (current.length === 0) current = word;
    else if (current.length + 1 + word.length <= limit) current += ` ${word}`;
    else {
      out.push(out.length === 0 ? current : pad + current);
      current = word;
    }
    // A word longer than a whole line is cut into pieces.
    while (current.length > (out.length === 0 ? width : width - indent)) {
      const room = out.length === 0 ? width : width - indent;
      out.push((out.length === 0 ? '' : pad) + current.slice(0, room));
      current = current.slice(room);
    }
  }
  if (current.length > 0 || out.length === 0) out.push(out.length === 0 ? current : pad + current);
  return out;
}

/** A panel's title and its lines, fitted to the panel's inner size. */
export interface PanelModel {
  readonly title: string;
  readonly titleTone?: Tone;
  readonly lines: readonly Line[];
  /** A chart the surface draws instead of `lines` where it can (the lines are its text rendering). */
  readonly chart?: LineChart;
}

/** The inner size of a panel (inside its border). */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Keep at most `height` lines, each cut to `width`. */
export function fitPanel(lines: readonly Line[], size: Size): Line[] {
  return lines.slice(0, Math.max(0, size.height)).map((l) => fitLine(l, size.width));
}

export function panelText(p: PanelModel): string {
  return p.lines.map(plainText).join('\n');
}

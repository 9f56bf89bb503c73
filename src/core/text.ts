import { Position, Range, TextEdit } from './model';

/** Line-start offsets of a text, so positions and offsets convert in O(log n). */
export class LineIndex {
  private readonly starts: number[];
  /** `starts`: line-start offsets already computed by someone else (same line-break rules). */
  constructor(readonly text: string, starts?: number[]) {
    if (starts && starts[0] === 0) {
      this.starts = starts;
      return;
    }
    this.starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  get lineCount(): number { return this.starts.length; }
  /** Offset of a 0-based position, clamped to the text. */
  offsetAt(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, p.line)];
    const end = p.line + 1 < this.starts.length ? this.starts[p.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, p.character), end);
  }
  /** 0-based position of an offset. */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }
  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }
  /** Text of a 0-based line without its line break. */
  lineText(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    const start = this.starts[line];
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > start && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return this.text.slice(start, end);
  }
}

/** The line break a text uses (CRLF when its first break is CRLF). */
export function eolOf(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Applies non-overlapping edits to a text. Edits are applied from last to first, so their ranges
 * all refer to the original text. Throws on overlapping edits (a bug in the fix that made them).
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  const withOffsets = edits
    .map((e, i) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  for (let i = 1; i < withOffsets.length; i++) {
    if (withOffsets[i].start < withOffsets[i - 1].end) throw new Error('overlapping edits');
  }
  let out = '';
  let last = 0;
  for (const e of withOffsets) {
    out += text.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + text.slice(last);
}

/**
 * The one replacement that turns `before` into `after`: the differing middle between their common
 * prefix and suffix, as offsets into `before`. An editor edit made of it leaves the rest of the
 * document (and its undo history) alone.
 */
export function minimalReplacement(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Never split a CRLF or a surrogate pair.
  while (start > 0 && (before[start - 1] === '\r' || /[\uD800-\uDBFF]/.test(before[start - 1]))) start--;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  while (tail > 0 && (before[before.length - tail] === '\n' && before[before.length - tail - 1] === '\r' || /[\uDC00-\uDFFF]/.test(before[before.length - tail]))) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

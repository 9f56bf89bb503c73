/**
 * Minimal, layout-preserving edits of YAML text, computed from the parsed nodes' source offsets.
 *
 * Nothing here re-stringifies a document: every function returns the few text edits that make a
 * change, so comments, key order, quoting, flow style, indentation width, sequence indentation
 * and CRLF line breaks all survive. When a change cannot be made safely (an alias where a
 * mapping is needed, a scalar where a mapping must go, nested `- - x` items) the functions return
 * undefined and the caller offers no fix.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq, isMap, isScalar, isSeq } from 'yaml';
import { Fix, Range, TextEdit } from '../model';
import { Text, TitleLike } from '../l10n/text';

/** What an edit needs to know about the text being edited. */
export interface EditContext {
  text: string;
  eol: '\n' | '\r\n';
  /** Spaces per nesting level for keys this module creates. */
  indentUnit: number;
  rangeOf(start: number, end: number): Range;
}

/** Makes sure a sequence holds an item: adds it, or repairs a near miss (e.g. `all` → `ALL`). */
export interface SeqEnsure {
  ensure: string;
  /** True for an item that already satisfies the requirement. */
  present(value: unknown): boolean;
  /** True for an item to rewrite into `ensure` instead of appending another one. */
  repairable?(value: unknown): boolean;
}

/** A leaf is the YAML text of a scalar (already quoted as needed). */
export type PatchValue = string | SeqEnsure | MapPatch;
/** Desired keys of a mapping; nested patches are merged into existing mappings. */
export interface MapPatch { [key: string]: PatchValue }

type Offsets = [number, number, number];

function isSeqEnsure(v: PatchValue): v is SeqEnsure {
  return typeof v === 'object' && typeof (v as SeqEnsure).ensure === 'string';
}

/** Column (0-based) of an offset. */
function column(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10 && text.charCodeAt(i - 1) !== 13) i--;
  return offset - i;
}

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10 && text.charCodeAt(i - 1) !== 13) i--;
  return i;
}

/** Offset of the end of the line (before its line break). */
function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

/** Offset just after the line break that ends the line (or the end of the text). */
function lineEndWithBreak(text: string, offset: number): number {
  let i = lineEnd(text, offset);
  if (text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) === 10) i++;
  return i;
}

/** Moves an end offset back over trailing blanks and line breaks (collection ranges end on the next line). */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13) e--;
    else break;
  }
  return e;
}

function onlyBlanksBefore(text: string, offset: number): boolean {
  for (let i = lineStart(text, offset); i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function rangeOfNode(node: unknown): Offsets | undefined {
  const r = (node as { range?: Offsets | null } | null)?.range;
  return r ?? undefined;
}

/**
 * Whether a collection is written in flow style (`{…}` / `[…]`): its source starts with the
 * bracket, before its first item. Read from the text so parsing needs no CST tokens.
 */
function isFlow(ctx: EditContext, node: YAMLMap | YAMLSeq): boolean {
  const r = rangeOfNode(node);
  if (!r) return false;
  const open = ctx.text.charCodeAt(r[0]);
  if (open !== (isMap(node) ? 0x7b : 0x5b)) return false;
  const first = node.items[0] as unknown;
  const firstStart = isMap(node) ? rangeOfNode((first as Pair | undefined)?.key)?.[0] : rangeOfNode(first)?.[0];
  return firstStart === undefined || firstStart > r[0];
}

/** Block style: a parsed collection that is not flow style. */
function isBlock(ctx: EditContext, node: YAMLMap | YAMLSeq): boolean {
  return !!rangeOfNode(node) && !isFlow(ctx, node);
}

function edit(ctx: EditContext, start: number, end: number, newText: string): TextEdit {
  return { range: ctx.rangeOf(start, end), newText };
}

function keyStart(pair: Pair): number {
  return rangeOfNode(pair.key)?.[0] ?? 0;
}

/** End of a pair's content: its value's end, or its key's when the value is empty. */
function pairEnd(ctx: EditContext, pair: Pair): number {
  const k = rangeOfNode(pair.key);
  const v = rangeOfNode(pair.value);
  const start = k?.[0] ?? 0;
  let end = k?.[1] ?? start;
  if (v && v[1] > end) end = v[1];
  return trimEnd(ctx.text, start, end);
}

/** Offset just after the `:` that follows a pair's key (blanks may separate them). */
function colonEnd(ctx: EditContext, pair: Pair): number | undefined {
  const k = rangeOfNode(pair.key);
  if (!k) return undefined;
  let i = k[1];
  while (i < ctx.text.length && (ctx.text.charCodeAt(i) === 32 || ctx.text.charCodeAt(i) === 9)) i++;
  return ctx.text.charCodeAt(i) === 0x3a ? i + 1 : undefined;
}

/** Offsets just inside the brackets of a flow collection. */
function flowBounds(ctx: EditContext, node: YAMLMap | YAMLSeq): { open: number; close: number } | undefined {
  const r = rangeOfNode(node);
  if (!r || !isFlow(ctx, node)) return undefined;
  const close = r[1] - 1;
  if (ctx.text.charCodeAt(close) !== (isMap(node) ? 0x7d : 0x5d)) return undefined;
  return { open: r[0] + 1, close };
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  // Indexed, value first: called for every key of every fix a finding offers.
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const k = items[i].key as Scalar | null;
    if (k !== null && typeof k === 'object' && k.value === key && k instanceof Scalar) return items[i];
  }
  return undefined;
}

/** Renders a patch as flow YAML: `{a: b, c: [d]}`. */
function renderFlow(value: PatchValue): string {
  if (typeof value === 'string') return value;
  if (isSeqEnsure(value)) return `[${value.ensure}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${renderFlow(v)}`).join(', ')}}`;
}

/** Renders `key: value` lines of a block mapping at an indentation. */
function renderBlockLines(entries: Array<[string, PatchValue]>, indent: number, unit: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [k, v] of entries) {
    if (typeof v === 'string' || isSeqEnsure(v)) lines.push(`${pad}${k}: ${renderFlow(v)}`);
    else {
      lines.push(`${pad}${k}:`);
      lines.push(...renderBlockLines(Object.entries(v), indent + unit, unit));
    }
  }
  return lines;
}

/** Text of a scalar in the quoting style of an existing scalar. */
function inStyleOf(existing: Scalar, plain: string): string {
  if (existing.type === Scalar.QUOTE_DOUBLE) return `"${plain}"`;
  if (existing.type === Scalar.QUOTE_SINGLE) return `'${plain}'`;
  return plain;
}

/** The unquoted text of a leaf (`"ALL"` → `ALL`), for comparing with parsed values. */
function leafValue(leaf: string): string {
  return /^(["']).*\1$/.test(leaf) ? leaf.slice(1, -1) : leaf;
}

/**
 * Edits that make a mapping hold the keys of a patch, merging into existing nested mappings.
 * Keys already holding the wanted value are left alone (so the result is idempotent).
 * Returns undefined when the change cannot be made safely.
 */
export function patchMap(ctx: EditContext, map: YAMLMap, patch: MapPatch): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const missing: Array<[string, PatchValue]> = [];
  for (const [key, want] of Object.entries(patch)) {
    const pair = findPair(map, key);
    if (!pair) {
      missing.push([key, want]);
      continue;
    }
    const sub = patchPairValue(ctx, map, pair, want);
    if (!sub) return undefined;
    edits.push(...sub);
  }
  if (missing.length > 0) {
    const ins = insertPairs(ctx, map, missing);
    if (!ins) return undefined;
    edits.push(ins);
  }
  return edits;
}

/**
 * Whether patchMap can make the change, without computing it: the same structural checks
 * (mappings where mappings are needed, a colon after an empty key, a plain block sequence to
 * append to). Lets callers offer a fix and compute its edits only when it is used.
 */
export function canPatchMap(ctx: EditContext, map: YAMLMap, patch: MapPatch): boolean {
  if (!isFlow(ctx, map) && (!isBlock(ctx, map) || map.items.length === 0)) return false;
  for (const key in patch) {
    const pair = findPair(map, key);
    if (!pair) continue;
    const want = patch[key];
    const value = pair.value;
    if (isNullScalar(value)) {
      if (colonEnd(ctx, pair) === undefined) return false;
    } else if (typeof want === 'string') {
      if (!isScalar(value)) return false;
    } else if (isSeqEnsure(want)) {
      if (!isSeq(value) || !canEnsureInSeq(ctx, value, want)) return false;
    } else if (!isMap(value) || !canPatchMap(ctx, value, want)) {
      return false;
    }
  }
  return true;
}

function canEnsureInSeq(ctx: EditContext, seq: YAMLSeq, want: SeqEnsure): boolean {
  const items = seq.items;
  if (items.some((it) => isScalar(it) && (want.present(it.value) || want.repairable?.(it.value)))) return true;
  if (isFlow(ctx, seq)) return flowBounds(ctx, seq) !== undefined;
  if (items.length === 0) return false;
  const dash = dashOffset(ctx, seq, items.length - 1);
  return dash !== undefined && onlyBlanksBefore(ctx.text, dash);
}

function isNullScalar(node: unknown): node is Scalar {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** Edits that give an existing pair the wanted value. */
function patchPairValue(ctx: EditContext, parent: YAMLMap, pair: Pair, want: PatchValue): TextEdit[] | undefined {
  const value = pair.value;
  if (isNullScalar(value)) return fillEmptyValue(ctx, parent, pair, want);
  if (typeof want === 'string') {
    if (!isScalar(value)) return undefined;
    if (String(value.value) === leafValue(want)) return [];
    const r = rangeOfNode(value);
    if (!r) return undefined;
    return [edit(ctx, r[0], r[1], want)];
  }
  if (isSeqEnsure(want)) {
    if (!isSeq(value)) return undefined;
    return ensureInSeq(ctx, value, want);
  }
  if (!isMap(value)) return undefined;
  return patchMap(ctx, value, want);
}

/** Gives a key with an empty (null) value the wanted value: `securityContext:` → nested keys. */
function fillEmptyValue(ctx: EditContext, parent: YAMLMap, pair: Pair, want: PatchValue): TextEdit[] | undefined {
  const colon = colonEnd(ctx, pair);
  if (colon === undefined) return undefined;
  const value = pair.value as Scalar | null;
  const r = rangeOfNode(value);
  // An explicit `~`/`null` is replaced; an empty value gets the text right after the colon.
  const end = r && value && value.source ? r[1] : colon;
  if (end < colon) return undefined;
  if (isBlock(ctx, parent) && typeof want === 'object' && !isSeqEnsure(want)) {
    const indent = column(ctx.text, keyStart(pair)) + ctx.indentUnit;
    const lines = renderBlockLines(Object.entries(want), indent, ctx.indentUnit);
    return [edit(ctx, colon, end, ctx.eol + lines.join(ctx.eol))];
  }
  return [edit(ctx, colon, end, ' ' + renderFlow(want))];
}

/** One edit inserting new pairs after the last pair of a mapping, at the siblings' indentation. */
function insertPairs(ctx: EditContext, map: YAMLMap, entries: Array<[string, PatchValue]>): TextEdit | undefined {
  if (isFlow(ctx, map)) {
    const bounds = flowBounds(ctx, map);
    if (!bounds) return undefined;
    const text = entries.map(([k, v]) => `${k}: ${renderFlow(v)}`).join(', ');
    if (map.items.length === 0) return edit(ctx, bounds.open, bounds.open, text);
    const at = pairEnd(ctx, map.items[map.items.length - 1]);
    return edit(ctx, at, at, ', ' + text);
  }
  if (!isBlock(ctx, map) || map.items.length === 0) return undefined;
  const indent = column(ctx.text, keyStart(map.items[0]));
  const at = lineEnd(ctx.text, pairEnd(ctx, map.items[map.items.length - 1]));
  const lines = renderBlockLines(entries, indent, ctx.indentUnit);
  return edit(ctx, at, at, ctx.eol + lines.join(ctx.eol));
}

/** Offset of the `-` indicator of a block sequence item (undefined for anything unusual). */
function dashOffset(ctx: EditContext, seq: YAMLSeq, index: number): number | undefined {
  const r = rangeOfNode(seq.items[index]);
  if (!r) return undefined;
  let i = r[0] - 1;
  while (i >= 0 && (ctx.text.charCodeAt(i) === 32 || ctx.text.charCodeAt(i) === 9)) i--;
  return i >= 0 && ctx.text.charCodeAt(i) === 0x2d ? i : undefined;
}

/** Edits that make a sequence contain an item (see SeqEnsure). */
export function ensureInSeq(ctx: EditContext, seq: YAMLSeq, want: SeqEnsure): TextEdit[] | undefined {
  const items = seq.items;
  if (items.some((it) => isScalar(it) && want.present(it.value))) return [];
  const near = items.find((it) => isScalar(it) && want.repairable?.(it.value)) as Scalar | undefined;
  if (near) {
    const r = rangeOfNode(near);
    if (!r) return undefined;
    return [edit(ctx, r[0], r[1], inStyleOf(near, leafValue(want.ensure)))];
  }
  if (isFlow(ctx, seq)) {
    const bounds = flowBounds(ctx, seq);
    if (!bounds) return undefined;
    if (items.length === 0) return [edit(ctx, bounds.open, bounds.open, want.ensure)];
    const last = rangeOfNode(items[items.length - 1]);
    if (!last) return undefined;
    return [edit(ctx, last[1], last[1], ', ' + want.ensure)];
  }
  if (!isBlock(ctx, seq) || items.length === 0) return undefined;
  const dash = dashOffset(ctx, seq, items.length - 1);
  const last = rangeOfNode(items[items.length - 1]);
  if (dash === undefined || !last || !onlyBlanksBefore(ctx.text, dash)) return undefined;
  const at = lineEnd(ctx.text, trimEnd(ctx.text, dash, Math.max(last[1], dash + 1)));
  return [edit(ctx, at, at, `${ctx.eol}${' '.repeat(column(ctx.text, dash))}- ${want.ensure}`)];
}

/** Edits setting one key of a mapping to a scalar text (replacing its value, or adding the key). */
export function setKey(ctx: EditContext, map: YAMLMap, key: string, valueText: string): TextEdit[] | undefined {
  return patchMap(ctx, map, { [key]: valueText });
}

/** Edits replacing a scalar node with a new scalar text. */
export function replaceScalar(ctx: EditContext, node: Scalar, newText: string): TextEdit[] | undefined {
  const r = rangeOfNode(node);
  if (!r) return undefined;
  return [edit(ctx, r[0], r[1], newText)];
}

/**
 * Edits removing one pair from a mapping. A block pair takes its whole line(s) with it (an
 * emptied mapping leaves its parent key with an empty value); the only pair of a `- key: v`
 * item or of a flow mapping leaves `{}`. The removed span always contains the point where
 * another fix would insert into the same mapping, so "fix all" sees the two as overlapping
 * instead of combining them into broken YAML.
 */
export function removePair(ctx: EditContext, map: YAMLMap, pair: Pair): TextEdit[] | undefined {
  const index = map.items.indexOf(pair);
  if (index < 0) return undefined;
  const start = keyStart(pair);
  const end = pairEnd(ctx, pair);
  const next = map.items[index + 1];
  if (isFlow(ctx, map)) {
    const bounds = flowBounds(ctx, map);
    if (!bounds) return undefined;
    if (map.items.length === 1) return [edit(ctx, bounds.open - 1, bounds.close + 1, '{}')];
    if (next) return [edit(ctx, start, keyStart(next), '')];
    return [edit(ctx, pairEnd(ctx, map.items[index - 1]), end, '')];
  }
  if (!isBlock(ctx, map)) return undefined;
  if (onlyBlanksBefore(ctx.text, start)) {
    return [edit(ctx, lineStart(ctx.text, start), lineEndWithBreak(ctx.text, end), '')];
  }
  const lineBreak = ctx.text.slice(lineEnd(ctx.text, end), lineEndWithBreak(ctx.text, end));
  if (map.items.length === 1) return [edit(ctx, start, lineEndWithBreak(ctx.text, end), '{}' + lineBreak)];
  // The first pair of a `- key: value` item: pull the next key up behind the dash.
  if (!next) return undefined;
  return [edit(ctx, start, keyStart(next), '')];
}

/**
 * Edits removing some items of a sequence. Removing every item removes the key that holds the
 * sequence when it is given (`owner`: `add: [SYS_ADMIN]` goes, not `add: []`); else an emptied
 * sequence becomes `[]`.
 */
export function removeSeqItems(ctx: EditContext, seq: YAMLSeq, indices: readonly number[], owner?: { map: YAMLMap; pair: Pair }): TextEdit[] | undefined {
  const drop = new Set(indices);
  if (drop.size === 0) return [];
  const kept = seq.items.filter((_, i) => !drop.has(i));
  if (kept.length === 0 && owner && owner.pair.value === seq) return removePair(ctx, owner.map, owner.pair);
  if (isFlow(ctx, seq)) {
    const bounds = flowBounds(ctx, seq);
    if (!bounds) return undefined;
    const parts: string[] = [];
    for (const it of kept) {
      const r = rangeOfNode(it);
      if (!r) return undefined;
      parts.push(ctx.text.slice(r[0], r[1]));
    }
    return [edit(ctx, bounds.open, bounds.close, parts.join(', '))];
  }
  if (!isBlock(ctx, seq)) return undefined;
  if (kept.length === 0) {
    const r = rangeOfNode(seq);
    if (!r) return undefined;
    return [edit(ctx, r[0], trimEnd(ctx.text, r[0], r[1]), '[]')];
  }
  const edits: TextEdit[] = [];
  for (const i of [...drop].sort((a, b) => a - b)) {
    const dash = dashOffset(ctx, seq, i);
    const r = rangeOfNode(seq.items[i]);
    if (dash === undefined || !r || !onlyBlanksBefore(ctx.text, dash)) return undefined;
    const end = trimEnd(ctx.text, dash, Math.max(r[1], dash + 1));
    edits.push(edit(ctx, lineStart(ctx.text, dash), lineEndWithBreak(ctx.text, end), ''));
  }
  return edits;
}

/** Offset where a new line can be inserted after the last pair of a block mapping (for snippets). */
export function endOfMapping(ctx: EditContext, map: YAMLMap): { offset: number; indent: number } | undefined {
  if (!isBlock(ctx, map) || map.items.length === 0) return undefined;
  return {
    offset: lineEnd(ctx.text, pairEnd(ctx, map.items[map.items.length - 1])),
    indent: column(ctx.text, keyStart(map.items[0])),
  };
}

/**
 * A fix merging `patch` into `map`, its edits computed when first read: most findings' fixes are
 * never applied, and a large manifest has thousands of findings (a class: no closure per fix).
 * The caller decides first that the patch can be made (`canPatchMap`).
 */
export class LazyPatchFix implements Fix {
  private computed: TextEdit[] | undefined;
  readonly title: string;
  readonly l10n?: Text;
  constructor(
    title: TitleLike,
    readonly kind: Fix['kind'],
    readonly safe: boolean,
    readonly preferred: boolean,
    private readonly ctx: EditContext,
    private readonly map: YAMLMap,
    private readonly patch: MapPatch,
  ) {
    if (typeof title === 'string') this.title = title;
    else {
      this.title = title.title;
      this.l10n = title.l10n;
    }
  }
  get edits(): TextEdit[] {
    return (this.computed ??= patchMap(this.ctx, this.map, this.patch) ?? []);
  }
  toJSON(): object {
    return { title: this.title, ...(this.l10n ? { l10n: this.l10n } : {}), kind: this.kind, safe: this.safe, preferred: this.preferred, edits: this.edits };
  }
}

/**
 * A fix of rendered output carried to the values file the output comes from: the fix is applied
 * to the rendered text, the rendered document before and after is compared (keys added or scalars
 * changed in existing mappings, nothing else), and the same keys are written in the values
 * mapping that renders those mappings (`securityContext: {{ toYaml .Values.securityContext | nindent 12 }}`
 * → `securityContext:` of values.yaml gets `readOnlyRootFilesystem: true`). Edits are minimal and
 * layout-preserving (kubernetes/yamlEdit.ts); a change that cannot be expressed that way is not
 * offered. Pure.
 */
import { Document, isMap, isScalar, isSeq, LineCounter, Node, Pair, parseDocument, Scalar, visit, YAMLMap } from 'yaml';
import { Fix, Range, TextEdit } from '../model';
import { eolOf } from '../text';
import { EditContext, MapPatch, patchMap, PatchValue, replaceScalar } from '../kubernetes/yamlEdit';
import { detectIndentUnit } from '../kubernetes/model';
import { PathStep } from './template';
import { fixTitle, Title } from '../l10n/text';

/** A fix whose edits are in another file than the finding it fixes (a values file of the chart). */
export interface FileFix { file: string; fix: Fix }

/** The title of a rendered fix carried to a values file: the fix's own title (in the same locale) and the file's name. */
export function valuesFixTitle(fix: Fix, fileName: string): Title {
  return fixTitle('render.values-fix.title', '{fix} in {file}', { fix: fix.l10n ?? fix.title, file: fileName });
}

/** One rendered change: `key` of the mapping at `parent` is added, or its scalar value changed, to `after`. */
export interface RenderedChange { parent: PathStep[]; key: string; after: Node; existed: boolean }

const PLAIN_KEY = /^[A-Za-z0-9_][\w.\/-]*$/;

function keyOf(p: Pair): string | undefined {
  return isScalar(p.key) && p.key.value !== null ? String(p.key.value) : undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => keyOf(p) === key);
}

function nameOf(n: unknown): string | undefined {
  if (!isMap(n)) return undefined;
  const v = n.get('name', true);
  return isScalar(v) && v.value !== null ? String(v.value) : undefined;
}

/**
 * The changes from `before` to `after` (two parses of one rendered document) as keys added or
 * scalars changed in mappings that exist in both; undefined when anything else changed (a key
 * removed, a sequence grown or shrunk, a mapping turned into a scalar).
 */
export function renderedChanges(before: Node | null, after: Node | null, path: PathStep[] = [], out: RenderedChange[] = [], depth = 0): RenderedChange[] | undefined {
  if (depth > 64) return undefined;
  if (isMap(before) && isMap(after)) {
    for (const p of after.items as Pair[]) {
      const k = keyOf(p);
      if (k === undefined) return undefined;
      const bp = pairOf(before, k);
      const av = (p.value as Node | null) ?? null;
      if (!bp) {
        if (!av) return undefined;
        out.push({ parent: path, key: k, after: av, existed: false });
        continue;
      }
      const bv = (bp.value as Node | null) ?? null;
      if (isMap(bv) && isMap(av)) { if (!renderedChanges(bv, av, [...path, { key: k }], out, depth + 1)) return undefined; continue; }
      if (isSeq(bv) && isSeq(av)) {
        if (bv.items.length !== av.items.length) return undefined;
        for (let i = 0; i < av.items.length; i++) {
          const b = bv.items[i] as Node | null, a = av.items[i] as Node | null;
          if (isScalar(b) && isScalar(a)) { if (b.value !== a.value) return undefined; continue; }
          if (!renderedChanges(b, a, [...path, { key: k }, { index: i, name: nameOf(b) }], out, depth + 1)) return undefined;
        }
        continue;
      }
      if (isScalar(bv) && isScalar(av) && bv.value === av.value) continue;
      if (!av || (!isScalar(av) && !(bv === null || (isScalar(bv) && bv.value === null)))) return undefined;
      out.push({ parent: path, key: k, after: av, existed: true });
    }
    for (const p of before.items as Pair[]) {
      const k = keyOf(p);
      if (k === undefined || !pairOf(after, k)) return undefined;
    }
    return out;
  }
  if (isScalar(before) && isScalar(after) && before.value === after.value) return out;
  return undefined;
}

/** A rendered node as a patch value: a scalar's source text, a mapping's keys; undefined for what a patch cannot write. */
export function patchValueOf(node: Node, text: string, depth = 0): PatchValue | undefined {
  if (depth > 32) return undefined;
  if (isScalar(node)) {
    if (!node.range) return undefined;
    const t = text.slice(node.range[0], node.range[1]);
    // Block scalars and multi-line plain scalars do not fit on a `key: value` line.
    return /[\r\n]/.test(t) ? undefined : t;
  }
  if (isMap(node)) {
    const out: MapPatch = {};
    for (const p of node.items as Pair[]) {
      const k = keyOf(p);
      const v = p.value as Node | null;
      if (k === undefined || !PLAIN_KEY.test(k) || !v) return undefined;
      const pv = patchValueOf(v, text, depth + 1);
      if (pv === undefined) return undefined;
      out[k] = pv;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (isSeq(node) && node.range) {
    // A one-line flow sequence is written as it is (`drop: ["ALL"]`).
    const t = text.slice(node.range[0], node.range[1]).trim();
    return t.startsWith('[') && !/[\r\n]/.test(t) ? t : undefined;
  }
  return undefined;
}

function contextOf(text: string, root: unknown): EditContext {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines.addNewLine(i + 1);
  const rangeOf = (a: number, b: number): Range => {
    const s = lines.linePos(a), e = lines.linePos(b);
    return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
  };
  return { text, eol: eolOf(text), indentUnit: detectIndentUnit(root, text) ?? 2, rangeOf };
}

/**
 * Edits of a values file that write `patch` into the mapping at `target` (a values path), or,
 * for a scalar target, replace it with `scalar`. Missing mappings on the way are created under
 * the deepest one that exists. Undefined when the file does not parse cleanly, uses anchors or
 * merge keys (an edit would change every place that shares the node), or the change cannot be
 * made (a scalar where a mapping is needed).
 */
export function valuesEdits(valuesText: string, target: readonly PathStep[], change: { patch: MapPatch } | { scalar: string }): TextEdit[] | undefined {
  let doc;
  try { doc = parseDocument(valuesText, { prettyErrors: false, uniqueKeys: false }); } catch { return undefined; }
  if (doc.errors.length || sharesNodes(doc)) return undefined;
  const root = doc.contents as Node | null;
  const ctx = contextOf(valuesText, root);
  // Walk the path; remember the deepest mapping reached and the steps left.
  let node: Node | null = root;
  let parent: YAMLMap | undefined;
  let i = 0;
  for (; i < target.length; i++) {
    const step = target[i];
    if ('key' in step) {
      if (!isMap(node)) break;
      const p = pairOf(node, step.key);
      if (!p) break;
      parent = node;
      node = (p.value as Node | null) ?? null;
    } else {
      if (!isSeq(node)) return undefined;
      const items = node.items as Node[];
      const pick = (step.name !== undefined ? items.find((n) => nameOf(n) === step.name) : undefined) ?? items[step.index];
      if (!isMap(pick)) return undefined;
      parent = undefined;
      node = pick;
    }
  }
  if ('scalar' in change) {
    if (i < target.length || !isScalar(node) || !node.range) return undefined;
    return replaceScalar(ctx, node as Scalar, change.scalar);
  }
  const rest = target.slice(i);
  if (!rest.every((s) => 'key' in s && PLAIN_KEY.test(s.key))) return undefined;
  // `key:` with nothing (or null) under it: the key is replaced by a mapping, written from its parent.
  const empty = i === target.length && (node === null || (isScalar(node) && node.value === null));
  let patch: MapPatch = change.patch;
  for (const s of [...rest].reverse()) patch = { [(s as { key: string }).key]: patch };
  if (empty) {
    if (!parent || target.length === 0) return undefined;
    return patchMap(ctx, parent, { [(target[target.length - 1] as { key: string }).key]: patch });
  }
  if (!isMap(node)) return undefined;
  if (rest.length === 0 && node.items.length === 0 && !isFlowText(valuesText, node)) return undefined;
  return patchMap(ctx, node, patch);
}

/** Whether a document has anchors, aliases or merge keys: an edit to a shared node changes every place that names it. */
function sharesNodes(doc: Document): boolean {
  let shared = false;
  visit(doc, {
    Alias() { shared = true; return visit.BREAK; },
    Pair(_, p) { if (isScalar(p.key) && p.key.value === '<<') { shared = true; return visit.BREAK; } return undefined; },
    Node(_, n) { if ((n as { anchor?: string }).anchor) { shared = true; return visit.BREAK; } return undefined; },
  });
  return shared;
}

function isFlowText(text: string, node: YAMLMap): boolean {
  return node.range ? text.charCodeAt(node.range[0]) === 0x7b : false;
}

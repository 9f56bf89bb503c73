/**
 * Reading a Helm template as YAML: every `{{ … }}` action is blanked out with spaces of the same
 * length (newlines kept), so the `yaml` parser sees the keys the template writes at the offsets
 * they have in the file; the actions are kept aside to follow `include`, `toYaml .Values…`,
 * `with` and `range`.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Node, Pair } from 'yaml';

/** One template action: offsets in the file, the inner text without delimiters and trim markers. */
export interface Action { start: number; end: number; body: string }

/** A template (or any chart file) read once: masked text, actions, parsed documents. */
export interface MaskedTemplate {
  text: string;
  masked: string;
  actions: Action[];
  lines: LineCounter;
}

/** Blanks every `{{ … }}` (comments too) with spaces, keeping line breaks; an unclosed action runs to the end. */
export function maskTemplate(text: string): MaskedTemplate {
  const out: string[] = [];
  const actions: Action[] = [];
  let i = 0;
  let last = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let close = text.indexOf('}}', open + 2);
    // A comment may hold `}}`: it ends at `*/}}` (or `*/ -}}`).
    if (text.startsWith('/*', open + 2) || text.startsWith('- /*', open + 2)) {
      const endComment = text.indexOf('*/', open + 2);
      if (endComment >= 0) close = text.indexOf('}}', endComment + 2);
    }
    const end = close < 0 ? text.length : close + 2;
    out.push(text.slice(last, open));
    out.push(text.slice(open, end).replace(/[^\r\n]/g, ' '));
    let body = text.slice(open + 2, close < 0 ? text.length : close);
    if (body.startsWith('-')) body = body.slice(1);
    if (body.endsWith('-')) body = body.slice(0, -1);
    actions.push({ start: open, end, body: body.trim() });
    last = end;
    i = end;
  }
  out.push(text.slice(last));
  const lines = new LineCounter();
  lines.addNewLine(0);
  const masked = out.join('');
  for (let p = 0; p < masked.length; p++) if (masked.charCodeAt(p) === 10) lines.addNewLine(p + 1);
  return { text, masked, actions, lines };
}

/** The documents of `masked.slice(from, to)`, parsed leniently (duplicate keys of if/else branches kept). */
export function parseFragment(t: MaskedTemplate, from = 0, to = t.masked.length): Array<{ contents: Node | null; offset: number }> {
  const docs = parseAllDocuments(t.masked.slice(from, to), { uniqueKeys: false, strict: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  return list.map((d) => ({ contents: (d.contents as Node | null) ?? null, offset: from }));
}

/** A path step: a mapping key, or a sequence index with the item's `name` when it has one. */
export type PathStep = { key: string } | { index: number; name?: string };

/** The path of the node at `offset` in a parsed tree, and whether the offset is on a key. */
export function pathAt(root: Node | null, offset: number): { path: PathStep[]; onKey: boolean } | undefined {
  const path: PathStep[] = [];
  let node: Node | null = root;
  let onKey = false;
  for (let depth = 0; node && depth < 200; depth++) {
    if (isMap(node)) {
      let next: Node | null = null;
      for (const item of node.items) {
        const p = item as Pair<Node, Node>;
        const k = p.key;
        if (!isScalar(k) || !k.range) continue;
        const v = p.value as Node | null;
        const vEnd = v?.range ? v.range[1] : k.range[1];
        // End-exclusive: a block mapping's value ends where the next key starts.
        if (offset < k.range[0] || offset >= Math.max(vEnd, k.range[1])) continue;
        path.push({ key: String(k.value) });
        if (offset <= k.range[1] || !v || !v.range || offset < v.range[0]) { onKey = true; next = null; }
        else next = v;
        break;
      }
      if (!next) break;
      node = next;
    } else if (isSeq(node)) {
      let next: Node | null = null;
      node.items.forEach((item, index) => {
        const n = item as Node;
        if (next || !n?.range || offset < n.range[0] || offset >= n.range[1]) return;
        path.push({ index, name: itemName(n) });
        next = n;
      });
      if (!next) break;
      node = next;
    } else break;
  }
  return { path, onKey };
}

function itemName(n: Node): string | undefined {
  if (!isMap(n)) return undefined;
  const v = n.get('name', true);
  return isScalar(v) && v.value !== null && v.value !== '' ? String(v.value) : undefined;
}

/** A node the template writes for a path: the key (with its pair) reached, and how much of the path. */
export interface Located {
  /** The deepest pair matched (undefined: only the document root). */
  pair?: Pair<Node, Node>;
  /** The value node reached (map, seq or scalar). */
  node: Node | null;
  /** Steps of the path matched. */
  matched: number;
  /** Offset added to node ranges (a fragment parsed from the middle of a file). */
  offset: number;
}

/**
 * Walks `path` down a masked tree as far as it goes. A sequence step picks the item whose `name`
 * is the rendered one, else one whose name is templated (a `range`), else the same index.
 */
export function walk(root: Node | null, path: readonly PathStep[], offset: number): Located {
  let at: Located = { node: root, matched: 0, offset };
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const node = at.node;
    if ('key' in step) {
      if (!isMap(node)) break;
      let found: Pair<Node, Node> | undefined;
      for (const item of node.items) {
        const k = (item as Pair<Node, Node>).key;
        if (isScalar(k) && String(k.value) === step.key) { found = item as Pair<Node, Node>; }
        // if/else branches write the same key twice; the first one that goes deeper wins below.
        if (found) break;
      }
      if (!found) break;
      at = { pair: found, node: (found.value as Node | null) ?? null, matched: i + 1, offset };
    } else {
      if (!isSeq(node) || node.items.length === 0) break;
      const items = node.items as Node[];
      let pick = step.name !== undefined ? items.find((n) => itemName(n) === step.name) : undefined;
      if (!pick && step.name !== undefined) pick = items.find((n) => isMap(n) && n.has('name') && itemName(n) === undefined);
      if (!pick) pick = items[step.index] ?? (items.length === 1 ? items[0] : undefined);
      if (!pick) break;
      // The item itself stands for its `- name:` (or first) key: the nearest key the template writes.
      const first = isMap(pick) ? ((pick.items as Array<Pair<Node, Node>>).find((p) => isScalar(p.key) && p.key.value === 'name') ?? (pick.items[0] as Pair<Node, Node> | undefined)) : undefined;
      at = { pair: first ?? at.pair, node: pick, matched: i + 1, offset };
    }
  }
  return at;
}

/** Whether `x` is a Pair (re-exported for the mapper). */
export { isPair, isMap, isScalar, isSeq };

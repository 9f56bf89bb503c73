/**
 * Findings on `helm template` output mapped back to the chart: `# Source:` names the template,
 * the finding's YAML path in the rendered document is walked down the template (actions blanked,
 * see template.ts), through `include`/`template` of a `define` in any file of the chart, and a
 * value written by `toYaml .Values…` (directly or through `with`) is attached as related
 * information on its values.yaml key. Pure: the caller reads the files.
 */
import { isMap, isScalar, LineCounter, Node, Pair, parseAllDocuments } from 'yaml';
import { Finding, Fix, Range, RelatedInfo, TextEdit } from '../model';
import { Action, Located, maskTemplate, MaskedTemplate, parseFragment, PathStep, pathAt, walk } from './template';
import { FileFix, patchValueOf, renderedChanges, valuesEdits, valuesFixTitle } from './valuesFix';
import type { MapPatch } from '../kubernetes/yamlEdit';
import { msg } from '../l10n/text';

/** A file of the chart, named as helm names it in `# Source:` (`web/templates/deployment.yaml`, `web/charts/db/values.yaml`). */
export interface ChartSourceFile { path: string; text: string }

export interface HelmMapInput {
  rendered: string;
  findings: readonly Finding[];
  /** Templates, helpers (`.tpl`), values.yaml and crds of the chart and its subcharts, keyed by their `# Source:` name. */
  files: ReadonlyMap<string, ChartSourceFile>;
  /** Where a finding is reported when its template cannot be found (the chart's Chart.yaml). */
  chartFile: string;
  /** Values files given for the (root) chart, in helm's order: a later one wins, so it is searched first. */
  userValues?: readonly ChartSourceFile[];
  /** `--set` keys of the render: a values fix under (or above) one of them would be overridden, so none is offered. */
  setKeys?: readonly string[];
}

/** A finding placed in a file of the chart; `fileFixes` edit another file (the values file the finding's value comes from). */
export interface MappedFinding { file: string; finding: Finding; fileFixes?: FileFix[] }

const MAX_INCLUDE_DEPTH = 6;
const MAX_INCLUDES_PER_FINDING = 64;

/** The actions that overlap [from, to): actions are sorted and disjoint, so a binary search finds the first. */
function actionsIn(actions: readonly Action[], from: number, to: number): Action[] {
  let lo = 0, hi = actions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (actions[mid].end <= from) lo = mid + 1; else hi = mid;
  }
  const out: Action[] = [];
  for (let i = lo; i < actions.length && actions[i].start < to; i++) out.push(actions[i]);
  return out;
}
const CONTROL = /^(if|else|end|with|range|define|block|\/\*|\$[\w]*\s*:?=)/;

/** `# Source: x` comments of the rendered output: [offset, name], in order. */
function sources(rendered: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const re = /^# Source: (.+?)\s*$/gm;
  for (let m = re.exec(rendered); m; m = re.exec(rendered)) out.push([m.index, m[1]]);
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function rangeIn(lines: LineCounter, from: number, to: number): Range {
  const a = lines.linePos(from);
  const b = lines.linePos(to);
  return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
}

/** The part of a `# Source:` name that names its chart: everything before `/templates/` or `/crds/`. */
export function chartPrefix(source: string): string {
  const i = source.lastIndexOf('/templates/');
  if (i >= 0) return source.slice(0, i);
  const c = source.lastIndexOf('/crds/');
  return c >= 0 ? source.slice(0, c) : source.split('/')[0];
}

interface Resolved {
  name: string;
  mt: MaskedTemplate;
  at: Located;
  /** Steps matched, counted from the start of the rendered path. */
  depth: number;
  values?: RelatedInfo;
  /** Where in a values file the matched node comes from: the values path of the node at `depth` (`direct`: a scalar written by `{{ .Values.x }}`). */
  valuesTarget?: ValuesTarget;
}

interface ValuesTarget { file: ChartSourceFile; path: PathStep[]; direct: boolean; valuesPath: string[] }

class HelmMapper {
  private readonly masked = new Map<string, MaskedTemplate>();
  private readonly defines = new Map<string, { name: string; from: number; to: number }>();
  private definesRead = false;
  private readonly regions = new Map<MaskedTemplate, Map<number, number>>();
  private readonly fragments = new Map<string, Array<{ contents: Node | null; offset: number }>>();
  /** Findings on the same rendered path of the same template resolve once. */
  readonly resolved = new Map<string, Resolved | undefined>();

  /** A parsed fragment of a file, parsed once. */
  fragment(name: string, mt: MaskedTemplate, from = 0, to = mt.masked.length): Array<{ contents: Node | null; offset: number }> {
    const key = `${name}\0${from}\0${to}`;
    let f = this.fragments.get(key);
    if (!f) this.fragments.set(key, (f = parseFragment(mt, from, to)));
    return f;
  }
  /** Includes a finding may still follow: a define that includes itself (or many others) cannot blow up. */
  budget = MAX_INCLUDES_PER_FINDING;

  constructor(private readonly files: ReadonlyMap<string, ChartSourceFile>, private readonly userValues: readonly ChartSourceFile[] = []) {}

  template(name: string): MaskedTemplate | undefined {
    let mt = this.masked.get(name);
    if (!mt) {
      const f = this.files.get(name);
      if (!f) return undefined;
      mt = maskTemplate(f.text);
      this.masked.set(name, mt);
    }
    return mt;
  }

  /** `{{ define "x" }} … {{ end }}` bodies of every file of the chart (helm's defines are global). */
  define(id: string): { name: string; from: number; to: number } | undefined {
    if (!this.definesRead) {
      this.definesRead = true;
      for (const name of this.files.keys()) {
        if (name.endsWith('values.yaml')) continue;
        const mt = this.template(name)!;
        const stack: Array<{ id?: string; end: number }> = [];
        for (const a of mt.actions) {
          const d = /^define\s+"([^"]+)"/.exec(a.body);
          if (d) stack.push({ id: d[1], end: a.end });
          else if (/^(if|with|range|block)\b/.test(a.body)) stack.push({ end: a.end });
          else if (/^end\b/.test(a.body)) {
            const open = stack.pop();
            if (open?.id && !this.defines.has(open.id)) this.defines.set(open.id, { name, from: open.end, to: a.start });
          }
        }
      }
    }
    return this.defines.get(id);
  }

  /** Where the region of a pair ends: the first line after its key at or left of the key's column that writes something. */
  private regionEnd(mt: MaskedTemplate, keyStart: number, limit: number): number {
    let cache = this.regions.get(mt);
    if (!cache) this.regions.set(mt, (cache = new Map()));
    // The limit only clips: cache the unclipped end.
    let end = cache.get(keyStart);
    if (end === undefined) cache.set(keyStart, (end = this.scanRegionEnd(mt, keyStart, mt.masked.length)));
    return Math.min(end, limit);
  }

  private scanRegionEnd(mt: MaskedTemplate, keyStart: number, limit: number): number {
    const col = keyStart - (mt.masked.lastIndexOf('\n', keyStart - 1) + 1);
    let p = mt.masked.indexOf('\n', keyStart);
    while (p >= 0 && p + 1 < limit) {
      const lineStart = p + 1;
      let lineEnd = mt.masked.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = mt.masked.length;
      const raw = mt.text.slice(lineStart, lineEnd);
      const indent = raw.length - raw.trimStart().length;
      if (raw.trim() !== '' && indent <= col) {
        const masked = mt.masked.slice(lineStart, lineEnd);
        if (masked.trim() !== '') return lineStart;
        // A line of actions only: control flow (if/end/with…) does not close the block; output does.
        // An output that indents itself deeper than the key (`{{ toYaml .Values.x | indent 12 }}` at column 0) is the key's.
        const here = actionsIn(mt.actions, lineStart, lineEnd);
        if (here.some((a) => !CONTROL.test(a.body) && !(Number(/\bn?indent\s+(\d+)/.exec(a.body)?.[1] ?? -1) > col))) return lineStart;
      }
      p = lineEnd < mt.masked.length ? lineEnd : -1;
    }
    return limit;
  }

  /** Actions written directly in the block of `at` (not inside one of its child keys' blocks). */
  private directActions(mt: MaskedTemplate, at: Located, from: number, to: number): Action[] {
    const start = at.pair?.key?.range ? at.pair.key.range[0] + at.offset : from;
    const end = at.pair?.key?.range ? this.regionEnd(mt, start, to) : to;
    const children: Array<[number, number]> = [];
    if (isMap(at.node)) {
      for (const item of at.node.items) {
        const k = (item as Pair<Node, Node>).key;
        if (k?.range) {
          const s = k.range[0] + at.offset;
          children.push([s, this.regionEnd(mt, s, end)]);
        }
      }
    }
    // Both lists are in text order: one sweep (a mapping of thousands of keys stays linear).
    children.sort((a, b) => a[0] - b[0]);
    const out: Action[] = [];
    let c = 0;
    for (const a of actionsIn(mt.actions, start, end)) {
      if (a.start < start) continue;
      while (c < children.length && children[c][1] <= a.start) c++;
      if (c < children.length && children[c][0] <= a.start && a.start < children[c][1]) continue;
      out.push(a);
    }
    return out;
  }

  /** The `.Values` path a `toYaml` action renders (through an enclosing `with`/`range` for `.`). */
  private valuesPath(mt: MaskedTemplate, action: Action): string[] | undefined {
    const m = /\btoYaml\s+\(?\s*(\$?\.Values(?:\.[\w-]+)*|\.)(?=[\s|)]|$)/.exec(action.body)
      ?? /^\(?\s*(\$?\.Values(?:\.[\w-]+)*|\.)\s*\)?\s*(?:\|\s*default\s+\S+\s*)?\|\s*toYaml\b/.exec(action.body);
    if (!m) return undefined;
    let expr = m[1];
    if (expr === '.') {
      const stack: string[] = [];
      for (const a of mt.actions) {
        if (a.start >= action.start) break;
        if (/^(if|with|range|define|block)\b/.test(a.body)) stack.push(a.body);
        else if (/^end\b/.test(a.body)) stack.pop();
      }
      const scope = [...stack].reverse().find((b) => /^(with|range|define)\b/.test(b));
      const w = scope && /^(?:with|range)\s+(?:\$\w+\s*:?=\s*)?\(?\s*(\$?\.Values(?:\.[\w-]+)*)/.exec(scope);
      if (!w) return undefined;
      expr = w[1];
    }
    return expr.replace(/^\$/, '').split('.').slice(2);
  }

  /** A values.yaml location for `valuesPath` + the rest of the rendered path: its deepest key. */
  private valuesRelated(templateName: string, valuesPath: string[], rest: readonly PathStep[]): { rel: RelatedInfo; target: ValuesTarget } | undefined {
    const prefix = chartPrefix(templateName);
    const name = `${prefix}/values.yaml`;
    const path: PathStep[] = [...valuesPath.map((key) => ({ key })), ...rest];
    // The user's values files of the root chart first (the last given wins), then the chart's own.
    const candidates: Array<[string, ChartSourceFile]> = prefix.includes('/') ? [] : [...this.userValues].reverse().map((f, i) => [`\0user${i}`, f]);
    const own = this.files.get(name);
    if (own) candidates.push([name, own]);
    for (const [key, f] of candidates) {
      let mt = this.masked.get(key);
      if (!mt) { mt = maskTemplate(''); mt = { ...mt, text: f.text }; for (let i = 0; i < f.text.length; i++) if (f.text.charCodeAt(i) === 10) mt.lines.addNewLine(i + 1); this.masked.set(key, mt); }
      const rel = this.valuesAt(f, mt, path, valuesPath);
      if (rel) return { rel, target: { file: f, path, direct: false, valuesPath } };
    }
    return undefined;
  }

  private valuesAt(f: ChartSourceFile, mt: MaskedTemplate, path: PathStep[], valuesPath: string[]): RelatedInfo | undefined {
    const docs = parseAllDocuments(f.text, { uniqueKeys: false, prettyErrors: false });
    const root = Array.isArray(docs) && docs[0] ? (docs[0].contents as Node | null) : null;
    const at = walk(root, path, 0);
    if (!at.pair?.key?.range || at.matched < valuesPath.length) return undefined;
    const k = at.pair.key.range;
    return {
      file: f.path,
      range: rangeIn(mt.lines, k[0], k[1]),
      ...(at.matched === path.length
        ? msg('render.helm.value-set-here', 'the value is set here (.Values.{path})', { path: pathText(path) })
        : msg('render.helm.rendered-from', 'rendered from .Values.{path}', { path: pathText(path.slice(0, at.matched)) })),
    };
  }

  /** The template location of a rendered path of a document from template `source`, resolved once. */
  resolvePath(source: string, mt: MaskedTemplate, path: readonly PathStep[]): Resolved | undefined {
    const memo = `${source}\0${JSON.stringify(path)}`;
    if (this.resolved.has(memo)) return this.resolved.get(memo);
    this.budget = MAX_INCLUDES_PER_FINDING;
    const res = this.resolve(source, mt, this.fragment(source, mt), path, 0, [0, mt.masked.length]);
    this.resolved.set(memo, res);
    return res;
  }

  /** Walks `path[from…]` down the fragments `roots` of template `name`, following includes. */
  resolve(name: string, mt: MaskedTemplate, roots: Array<{ contents: Node | null; offset: number }>, path: readonly PathStep[], from: number, limit: [number, number], depth = 0): Resolved | undefined {
    let best: Resolved | undefined;
    for (const r of roots) {
      const at = walk(r.contents, path.slice(from), r.offset);
      if (!best || at.matched + from > best.depth) best = { name, mt, at, depth: at.matched + from };
    }
    if (!best) return undefined;
    const actions = this.directActions(mt, best.at, limit[0], limit[1]);
    if (best.depth < path.length && depth < MAX_INCLUDE_DEPTH) {
      for (const a of actions) {
        const inc = /^(?:include|template)\s+"([^"]+)"/.exec(a.body.replace(/^\$\w+\s*:?=\s*/, ''));
        const def = inc && this.define(inc[1]);
        if (!def || this.budget <= 0) continue;
        this.budget--;
        const dmt = this.template(def.name)!;
        const sub = this.resolve(def.name, dmt, this.fragment(def.name, dmt, def.from, def.to), path, best.depth, [def.from, def.to], depth + 1);
        // The include must write the next key at least: else the key stays where it was found.
        if (sub && sub.depth > best.depth && sub.at.pair) best = sub;
      }
      if (best.name !== name || best.mt !== mt) return best;
    }
    // `key: {{ .Values.a.b }}`: the value is the values file's.
    const pv = best.at.pair?.value as Node | null | undefined;
    const keyRange = best.at.pair?.key?.range;
    if (best.depth === path.length && keyRange) {
      const lineEnd = mt.text.indexOf('\n', keyRange[1] + best.at.offset);
      const own = mt.actions.filter((a) => a.start >= keyRange[1] + best.at.offset && (lineEnd < 0 || a.start < lineEnd));
      const direct = own.map((a) => /^\(?\s*\$?\.Values((?:\.[\w-]+)+)\s*\)?\s*(?:\|\s*(?:quote|default\b.*|toString|int|int64)\s*)*$/.exec(a.body)).find(Boolean);
      if (direct && (!pv || isScalar(pv))) {
        const vp = direct[1].slice(1).split('.');
        const rel = this.valuesRelated(name, vp, []);
        if (rel) { best.values = rel.rel; best.valuesTarget = { ...rel.target, direct: true }; return best; }
      }
    }
    for (const a of actions) {
      const vp = this.valuesPath(mt, a);
      if (!vp) continue;
      const rel = this.valuesRelated(name, vp, path.slice(best.depth));
      if (rel) { best.values = rel.rel; best.valuesTarget = rel.target; break; }
    }
    return best;
  }
}

/** `a.b[0].c` for a path. */
function pathText(path: readonly PathStep[]): string {
  return path.map((s) => ('key' in s ? `.${s.key}` : `[${s.index}]`)).join('').slice(1);
}

/** The offset of a 0-based position in a text with the given line starts. */
function offsetOf(starts: number[], line: number, character: number): number {
  return (starts[Math.min(line, starts.length - 1)] ?? 0) + character;
}

/**
 * Maps each finding on `helm template` output to the template line that writes it (see the file
 * comment); findings on the same template location by the same rule are reported once (a
 * `range` loop, several releases of a subchart). Fixes are kept only where every edit falls in a
 * scalar the template writes verbatim; others are not offered.
 */
export function mapHelmFindings(input: HelmMapInput): MappedFinding[] {
  const { rendered, files, chartFile } = input;
  const srcs = sources(rendered);
  const starts = lineStarts(rendered);
  const docs = parseAllDocuments(rendered, { uniqueKeys: false, prettyErrors: false });
  const docList = Array.isArray(docs) ? docs : [];
  const mapper = new HelmMapper(files, input.userValues);
  const valuesFixes = new ValuesFixer(rendered, starts, mapper, files, input.setKeys ?? []);
  const out: MappedFinding[] = [];
  const seen = new Set<string>();
  for (const f of input.findings) {
    const offset = offsetOf(starts, f.range.start.line, f.range.start.character);
    const doc = docList.find((d) => d.range[0] <= offset && offset <= d.range[2]) ?? docList.find((d) => offset < d.range[2]);
    const contentsStart = (doc?.contents as Node | null)?.range?.[0] ?? offset;
    let source: string | undefined;
    for (const [at, name] of srcs) if (at <= Math.max(contentsStart, offset)) source = name;
    const mt = source ? mapper.template(source) : undefined;
    const where = doc ? pathAt(doc.contents as Node | null, offset) : undefined;
    let mapped: MappedFinding;
    if (!source || !mt || !where) {
      mapped = { file: chartFile, finding: { ...f, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, related: undefined, fixes: undefined, ...notInChart(f, source) } };
    } else {
      const res = mapper.resolvePath(source, mt, where.path);
      const file = files.get(res?.name ?? source)!;
      const k = res?.at.pair?.key?.range;
      let range: Range;
      if (res && k) {
        const v = res.at.pair!.value as Node | null;
        const full = res.depth === where.path.length;
        const onValue = full && !where.onKey && isScalar(v) && v.range && res.mt.masked.slice(v.range[0] + res.at.offset, v.range[1] + res.at.offset).trim() !== '';
        range = onValue ? rangeIn(res.mt.lines, v!.range![0] + res.at.offset, v!.range![1] + res.at.offset) : rangeIn(res.mt.lines, k[0] + res.at.offset, k[1] + res.at.offset);
      } else range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const related = [...(f.related ?? []).filter((r) => r.file !== undefined), ...(res?.values ? [res.values] : [])];
      const fixes = res ? translateFixes(f.fixes, rendered, starts, doc!.contents as Node | null, where.path, res) : undefined;
      const finding: Finding = { ...f, range, related: related.length ? related : undefined, fixes };
      if (!finding.related) delete finding.related;
      if (!finding.fixes) delete finding.fixes;
      mapped = { file: file.path, finding };
    }
    const key = `${mapped.finding.ruleId}\0${mapped.file}\0${mapped.finding.range.start.line}:${mapped.finding.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (doc && source && mt && f.fixes?.some((x) => x.edits.length)) {
      const fileFixes: FileFix[] = [];
      for (const fix of f.fixes) {
        const ff = valuesFixes.of(fix, doc, source, mt);
        if (ff && !fileFixes.some((x) => x.fix.title === ff.fix.title)) fileFixes.push(ff);
      }
      if (fileFixes.length) mapped.fileFixes = fileFixes;
    }
    out.push(mapped);
  }
  return out;
}

/** A finding's message when its place in the chart's files is not found (the rendered source named, or the whole render). */
function notInChart(f: Finding, source: string | undefined) {
  const message = f.l10n ?? f.message;
  return source !== undefined
    ? msg('render.helm.not-in-chart', "{message} (in {source}, not found in the chart's files)", { message, source })
    : msg('render.helm.not-in-chart-rendered', "{message} (in the rendered chart, not found in the chart's files)", { message });
}

/** A rendered document's offsets (yaml's Document.range). */
interface RenderedDoc { range: [number, number, number] }

/**
 * Values fixes of one mapping run: a rendered fix is applied to its document alone (re-parsed,
 * so the cost is one small parse per distinct fix), the document's changes are located in the
 * values files through the template (see valuesFix.ts), and the edits are made there.
 */
class ValuesFixer {
  private readonly memo = new Map<string, FileFix | undefined>();
  private usage?: Map<string, number>;

  constructor(private readonly rendered: string, private readonly starts: number[], private readonly mapper: HelmMapper, private readonly files: ReadonlyMap<string, ChartSourceFile>, private readonly setKeys: readonly string[]) {}

  of(fix: Fix, doc: RenderedDoc, source: string, mt: MaskedTemplate): FileFix | undefined {
    if (!fix.edits.length || fix.snippet) return undefined;
    const key = `${doc.range[0]}\0${JSON.stringify(fix.edits)}`;
    if (this.memo.has(key)) return this.memo.get(key);
    let out: FileFix | undefined;
    try { out = this.compute(fix, doc, source, mt); } catch { out = undefined; }
    this.memo.set(key, out);
    return out;
  }

  /** How many actions of the chart name `.Values.<path>` (a values key several templates render is not fixed "safely"). */
  private uses(valuesPath: readonly string[]): number {
    if (!this.usage) {
      this.usage = new Map();
      for (const name of this.files.keys()) {
        if (name.endsWith('values.yaml')) continue;
        const t = this.mapper.template(name);
        for (const a of t?.actions ?? []) {
          for (const m of a.body.matchAll(/\.Values((?:\.[\w-]+)+)/g)) {
            const parts = m[1].slice(1).split('.');
            for (let i = 1; i <= parts.length; i++) {
              const k = parts.slice(0, i).join('.');
              this.usage.set(k, (this.usage.get(k) ?? 0) + 1);
            }
          }
        }
      }
    }
    return this.usage.get(valuesPath.join('.')) ?? 0;
  }

  private compute(fix: Fix, doc: RenderedDoc, source: string, mt: MaskedTemplate): FileFix | undefined {
    const from = doc.range[0], to = doc.range[2];
    const slice = this.rendered.slice(from, to);
    const local: Array<{ s: number; e: number; t: string }> = [];
    for (const e of fix.edits) {
      const s = offsetOf(this.starts, e.range.start.line, e.range.start.character) - from;
      const t = offsetOf(this.starts, e.range.end.line, e.range.end.character) - from;
      if (s < 0 || t > slice.length || t < s) return undefined;
      local.push({ s, e: t, t: e.newText });
    }
    local.sort((a, b) => b.s - a.s);
    let after = slice;
    for (const e of local) after = after.slice(0, e.s) + e.t + after.slice(e.e);
    const opts = { uniqueKeys: false, prettyErrors: false } as const;
    const beforeDocs = parseAllDocuments(slice, opts);
    const afterDocs = parseAllDocuments(after, opts);
    if (!Array.isArray(beforeDocs) || !Array.isArray(afterDocs) || beforeDocs.length !== 1 || afterDocs.length !== 1 || afterDocs[0].errors.length) return undefined;
    const changes = renderedChanges(beforeDocs[0].contents as Node | null, afterDocs[0].contents as Node | null);
    if (!changes?.length) return undefined;
    // Changes grouped by the values mapping (or scalar) they are written at.
    const groups = new Map<string, { target: ValuesTarget; patch?: MapPatch; scalar?: string }>();
    let file: ChartSourceFile | undefined;
    let safe = fix.safe;
    for (const c of changes) {
      let target: ValuesTarget | undefined;
      let group: { target: ValuesTarget; patch?: MapPatch; scalar?: string } | undefined;
      if (c.existed && isScalar(c.after)) {
        const full = [...c.parent, { key: c.key }];
        const res = this.mapper.resolvePath(source, mt, full);
        if (res?.valuesTarget?.direct && res.depth === full.length) {
          target = res.valuesTarget;
          const text = patchValueOf(c.after, after);
          if (typeof text !== 'string') return undefined;
          group = { target, scalar: text };
          groups.set(`${target.file.path}\0${JSON.stringify(target.path)}\0s`, group);
        }
      }
      if (!group) {
        const res = this.mapper.resolvePath(source, mt, c.parent);
        target = res?.valuesTarget;
        if (!res || !target || target.direct) return undefined;
        const k = `${target.file.path}\0${JSON.stringify(target.path)}`;
        group = groups.get(k);
        if (!group) groups.set(k, (group = { target, patch: {} }));
        const v = patchValueOf(c.after, after);
        if (v === undefined || !group.patch) return undefined;
        group.patch[c.key] = v;
      }
      if (file && file !== target!.file) return undefined;
      file = target!.file;
      const dotted = target!.path.map((s) => ('key' in s ? s.key : String(s.index))).join('.');
      if (this.setKeys.some((k) => k === dotted || k.startsWith(`${dotted}.`) || dotted.startsWith(`${k}.`))) return undefined;
      if (this.uses(target!.valuesPath) !== 1) safe = false;
    }
    if (!file) return undefined;
    const edits: TextEdit[] = [];
    for (const g of groups.values()) {
      const e = g.scalar !== undefined ? valuesEdits(file.text, g.target.path, { scalar: g.scalar }) : valuesEdits(file.text, g.target.path, { patch: g.patch! });
      if (!e?.length) return undefined;
      edits.push(...e);
    }
    const name = file.path.split(/[\\/]/).pop();
    return { file: file.path, fix: { kind: 'quickfix', safe, edits, ...valuesFixTitle(fix, name ?? file.path) } };
  }
}

/**
 * A rendered fix carried to the template when each of its edits lies inside the scalar the
 * finding is on and the template writes that scalar with the same text (no action in it).
 */
function translateFixes(fixes: readonly Fix[] | undefined, rendered: string, starts: number[], root: Node | null, path: readonly PathStep[], res: Resolved): Fix[] | undefined {
  if (!fixes?.length || res.depth !== path.length || res.values) return undefined;
  const tv = res.at.pair?.value as Node | null;
  const rv = walk(root, path, 0).pair?.value as Node | null;
  if (!isScalar(tv) || !tv.range || !isScalar(rv) || !rv.range) return undefined;
  const tStart = tv.range[0] + res.at.offset;
  const tText = res.mt.text.slice(tStart, tv.range[1] + res.at.offset);
  const rText = rendered.slice(rv.range[0], rv.range[1]);
  if (tText !== rText || res.mt.masked.slice(tStart, tStart + tText.length) !== tText) return undefined;
  const out: Fix[] = [];
  for (const fix of fixes) {
    const edits = [];
    for (const e of fix.edits) {
      const s = offsetOf(starts, e.range.start.line, e.range.start.character);
      const t = offsetOf(starts, e.range.end.line, e.range.end.character);
      if (s < rv.range[0] || t > rv.range[1]) { edits.length = 0; break; }
      edits.push({ range: rangeIn(res.mt.lines, tStart + (s - rv.range[0]), tStart + (t - rv.range[0])), newText: e.newText });
    }
    if (edits.length === fix.edits.length) out.push({ ...fix, edits });
  }
  return out.length ? out : undefined;
}

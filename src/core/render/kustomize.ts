/**
 * Findings on `kubectl kustomize` / `kustomize build` output mapped to the file where the field is
 * written: a strategic-merge patch of the same kind and name that writes the field (the last one,
 * as kustomize applies them in order), else the resource the object comes from (kustomize's
 * `config.kubernetes.io/origin` annotation, else our own match by kind and name). The annotations
 * are requested by the caller through a wrapper kustomization, never by editing the user's files.
 * Pure: the caller reads the files.
 */
import { isMap, isScalar, LineCounter, Node, parseAllDocuments } from 'yaml';
import { Finding, Range } from '../model';
import { maskTemplate, pathAt, PathStep, walk } from './template';
import { MappedFinding } from './helm';
import { frag, msg } from '../l10n/text';

export interface KustomizeFile { path: string; text: string }

export interface KustomizeMapInput {
  rendered: string;
  findings: readonly Finding[];
  /** Resource files of the overlay and its bases, keyed by a '/'-separated absolute path. */
  resources: ReadonlyMap<string, KustomizeFile>;
  /** Strategic-merge patch files, in the order kustomize applies them, keyed the same way. */
  patches: ReadonlyMap<string, KustomizeFile>;
  /** The directory origin paths are relative to ('/'-separated, absolute). */
  originBase: string;
  /** Where a finding goes when no file writes its object (the overlay's kustomization). */
  kustomizationFile: string;
}

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/** Joins and normalises '/'-separated paths (`a/b/../c` → `a/c`). */
export function joinPosix(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  const drive = /^[A-Za-z]:$/.test(out[0] ?? '');
  return drive ? out.join('/') : `/${out.join('/')}`;
}

interface Doc { root: Node | null; kind?: string; name?: string }
interface ParsedFile { file: KustomizeFile; docs: Doc[]; lines: LineCounter }

function str(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null ? String(n.value) : undefined;
}

function parse(file: KustomizeFile): ParsedFile {
  const lines = maskTemplate('').lines;
  for (let i = 0; i < file.text.length; i++) if (file.text.charCodeAt(i) === 10) lines.addNewLine(i + 1);
  const all = parseAllDocuments(file.text, { uniqueKeys: false, prettyErrors: false });
  const docs = (Array.isArray(all) ? all : []).map((d) => {
    const root = (d.contents as Node | null) ?? null;
    const meta = isMap(root) ? root.get('metadata', true) : undefined;
    return { root, kind: isMap(root) ? str(root.get('kind', true)) : undefined, name: isMap(meta) ? str(meta.get('name', true)) : undefined };
  });
  return { file, docs, lines };
}

function rangeOf(lines: LineCounter, a: number, b: number): Range {
  const s = lines.linePos(a);
  const e = lines.linePos(b);
  return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
}

/** Whether a document written with `name` can be the rendered object `rendered` (namePrefix/nameSuffix kept in mind). */
function sameObject(d: Doc, kind: string | undefined, name: string | undefined): boolean {
  if (d.kind !== kind) return false;
  return d.name === name || (d.name !== undefined && name !== undefined && name.includes(d.name));
}

export function mapKustomizeFindings(input: KustomizeMapInput): MappedFinding[] {
  const { rendered } = input;
  const starts = [0];
  for (let i = 0; i < rendered.length; i++) if (rendered.charCodeAt(i) === 10) starts.push(i + 1);
  const all = parseAllDocuments(rendered, { uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(all) ? all : [];
  const cache = new Map<string, ParsedFile>();
  const parsed = (key: string, f: KustomizeFile): ParsedFile => {
    let p = cache.get(key);
    if (!p) { p = parse(f); cache.set(key, p); }
    return p;
  };
  const out: MappedFinding[] = [];
  const seen = new Set<string>();
  for (const f of input.findings) {
    const offset = (starts[Math.min(f.range.start.line, starts.length - 1)] ?? 0) + f.range.start.character;
    const doc = docs.find((d) => d.range[0] <= offset && offset <= d.range[2]);
    const root = (doc?.contents as Node | null) ?? null;
    const where = pathAt(root, offset);
    const meta = isMap(root) ? root.get('metadata', true) : undefined;
    const kind = isMap(root) ? str(root.get('kind', true)) : undefined;
    const name = isMap(meta) ? str(meta.get('name', true)) : undefined;
    const annotations = isMap(meta) ? meta.get('annotations', true) : undefined;
    const originText = isMap(annotations) ? str(annotations.get(ORIGIN_ANNOTATION, true)) : undefined;
    const originPath = originText ? /^path:\s*(\S+)/m.exec(originText)?.[1] : undefined;
    const originKey = originPath ? joinPosix(input.originBase, originPath) : undefined;

    let best: { file: ParsedFile; depth: number; range: Range } | undefined;
    const consider = (pf: ParsedFile, isPatch: boolean, path: readonly PathStep[]) => {
      for (const d of pf.docs) {
        if (!sameObject(d, kind, name)) continue;
        const at = walk(d.root, path, 0);
        const k = at.pair?.key?.range;
        if (!k) continue;
        // Deeper wins; at equal depth the resource writes the key and a patch only merges into it, except for the last patch that writes the whole path.
        const better = !best || at.matched > best.depth || (isPatch && at.matched === best.depth && at.matched === path.length);
        if (better) best = { file: pf, depth: at.matched, range: rangeOf(pf.lines, k[0], k[1]) };
      }
    };
    if (where) {
      const resourceKeys = originKey && input.resources.has(originKey) ? [originKey] : [...input.resources.keys()];
      for (const key of resourceKeys) consider(parsed(key, input.resources.get(key)!), false, where.path);
      for (const [key, file] of input.patches) consider(parsed(key, file), true, where.path);
    }
    const chosen = best as { file: ParsedFile; depth: number; range: Range } | undefined;
    const mapped: MappedFinding = chosen
      ? { file: chosen.file.file.path, finding: { ...f, range: chosen.range } }
      : { file: input.kustomizationFile, finding: { ...f, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ...msg('render.kustomize.not-in-files', '{message} (in {object} built by kustomize, not found in its files)', {
        message: f.l10n ?? f.message,
        object: kind !== undefined ? `${kind} ${name ?? ''}`.trimEnd() : name !== undefined ? frag('render.kustomize.an-object-named', 'an object {name}', { name }) : frag('render.kustomize.an-object', 'an object'),
      }) } };
    // Positions in the built output mean nothing in the source file: related locations and fixes go.
    delete mapped.finding.related;
    delete mapped.finding.fixes;
    const key = `${mapped.finding.ruleId}\0${mapped.file}\0${mapped.finding.range.start.line}:${mapped.finding.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(mapped);
  }
  return out;
}

/**
 * The parsed model of a Docker Compose file, built once and shared by every rule: the services
 * of the file with what they inherit through `extends`, and the comments (for suppression
 * directives). Parsed with `yaml` (node ranges), as the Compose specification reads the file:
 * one YAML document, a top-level `services` mapping of service name → mapping.
 */
import { CST, LineCounter, Scalar, YAMLMap, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { ComposedDocument, composeDocuments } from '../yamlCompose';
import { Fix, Range } from '../model';
import { Text, frag } from '../l10n/text';
import { Skip } from '../engine';
import { SourceComment } from '../suppress';
import type { MapPatch } from '../kubernetes/yamlEdit';
import { eolOf } from '../text';
export { mayBeCompose } from './detect';
import { KeyPair, MAX_FLOW_DEPTH, ParsedYamlText, detectIndentUnit, getMap, getPair, getString, nestsTooDeep, resolveAliases } from '../kubernetes/model';

export type { KeyPair } from '../kubernetes/model';

/** One service of the file. */
export interface ComposeService {
  name: string;
  /** The `name:` pair under `services` (findings about the service as a whole point at its key). */
  pair: KeyPair;
  node: YAMLMap;
  /**
   * The services it extends, nearest first (`extends: base` or `extends: {service: base}` in
   * this file, or in a local file the caller supplied). Read for inherited values only: their
   * nodes may belong to another text, so no range of theirs is ever reported.
   */
  bases: YAMLMap[];
  /** An `extends` whose service could not be read (another file not supplied, a missing name). */
  unresolvedBase: boolean;
  /**
   * A fragment completed by another file (an override adds ports to `web`): no `image`, no
   * `build`, no `extends`. What it does not say is said elsewhere, so "missing field" rules skip it.
   */
  partial: boolean;
  /**
   * Some of its values are YAML aliases or merge keys (`<<: *defaults`), or it holds an anchor
   * that other places name: an edit could change those places too, so no fix is offered.
   */
  shared: boolean;
  /** Values several rules need, computed on first use. */
  memo: { label?: string; labelText?: Text; keyRange?: Range; fixes?: Map<string, Fix | undefined>; harden?: MapPatch };
}

/** A YAML problem of the file, with the parser's message. */
/** A YAML problem: the parser's message, or for a key written twice (which yaml accepts here) that key. */
export interface ComposeProblem { start: number; end: number; message: string; duplicateKey?: string }

/** What every Compose rule reads. */
export interface ComposeModel {
  text: string;
  eol: '\n' | '\r\n';
  /** Indentation step of the file (spaces), used when fixes insert nested keys. */
  indentUnit: number;
  lineCounter: LineCounter;
  /** The top-level mapping. */
  root?: YAMLMap;
  services: ComposeService[];
  /** YAML errors (the file is then not analysed further). */
  problems: ComposeProblem[];
  /** Texts of local files the caller supplied (`extends.file`, `env_file`), by the path as written. */
  related?: RelatedTexts;
  /** Comments of the file (for suppression directives), computed on first read. */
  readonly comments: SourceComment[];
  rangeOf(start: number, end: number): Range;
}

/** Texts of local files a Compose file refers to, by the path as written in it (`extends.file`). */
export type RelatedTexts = ReadonlyMap<string, string>;

/** How deep `extends` chains are followed (Compose itself rejects cycles). */
const MAX_EXTENDS_DEPTH = 8;

/** Top-level keys of the Compose specification; a Kubernetes object has none of them but `version`. */
const COMPOSE_TOP_KEYS = new Set(['version', 'name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'include', 'models']);

/** Go's strconv.ParseBool, which Compose uses for a boolean written as a string. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A boolean as Compose reads it: a YAML boolean, or a string Go's ParseBool accepts. */
export function composeBool(node: unknown): boolean | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'boolean') return node.value;
  if (typeof node.value === 'string') {
    if (GO_TRUE.has(node.value)) return true;
    if (GO_FALSE.has(node.value)) return false;
  }
  if (node.value === 1) return true;
  if (node.value === 0) return false;
  return undefined;
}

/** A scalar's value as text (numbers included: `user: 0`), or undefined. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Whether a value uses Compose interpolation (`${VAR}`, `$VAR`): its final value is unknown here. */
export function interpolated(value: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(value);
}

/** The pair of a key in a service, else in the nearest base that sets it. */
export function inheritedPair(s: ComposeService, key: string): KeyPair | undefined {
  const own = getPair(s.node, key);
  if (own) return own;
  for (const b of s.bases) {
    const p = getPair(b, key);
    if (p) return p;
  }
  return undefined;
}

/** Every map (own first, then the bases) of a service, for fields Compose merges (sequences). */
export function serviceMaps(s: ComposeService): YAMLMap[] {
  return s.bases.length === 0 ? [s.node] : [s.node, ...s.bases];
}

/** How a service is called in messages. */
/** `serviceLabel` as a fragment of a message, for other locales. */
export function serviceText(s: ComposeService): Text {
  return (s.memo.labelText ??= frag('compose.service', 'service "{name}"', { name: s.name }));
}

export function serviceLabel(s: ComposeService): string {
  return (s.memo.label ??= `service "${s.name}"`);
}

/** Where a finding about a service as a whole points: its name key under `services`. */
export function serviceRange(model: ComposeModel, s: ComposeService): Range {
  if (s.memo.keyRange) return s.memo.keyRange;
  const r = s.pair.key.range ?? [0, 0, 0];
  return (s.memo.keyRange = model.rangeOf(r[0], r[1]));
}

/** Whether a subtree holds an alias, a merge key or an anchor (one pass, bounded depth). */
function sharesNodes(node: unknown, depth = 0): boolean {
  if (depth > 64 || !node || typeof node !== 'object') return false;
  if (isAlias(node)) return true;
  if ((node as { anchor?: string }).anchor) return true;
  if (isMap(node)) {
    for (const p of node.items) {
      if (isScalar(p.key) && p.key.value === '<<') return true;
      if (sharesNodes(p.value, depth + 1)) return true;
    }
  } else if (isSeq(node)) {
    for (const it of node.items) if (sharesNodes(it, depth + 1)) return true;
  }
  return false;
}

/** The first YAML document of a text, with the line starts and the CST tokens if asked. */
function parseOne(text: string, keepTokens: boolean): { doc: ComposedDocument | undefined; lineCounter: LineCounter; tokens?: CST.Token[] } {
  // yaml's own duplicate-key check compares each key with all earlier ones: findDuplicateKeys is linear.
  const parsed = composeDocuments(text, keepTokens);
  return { doc: parsed.docs[0], lineCounter: parsed.lineCounter, tokens: parsed.tokens };
}

/** Whether a top-level mapping has the shape of a Compose file (not a Kubernetes object, not another tool's YAML). */
function composeShaped(root: YAMLMap): boolean {
  if (getPair(root, 'apiVersion') || getPair(root, 'kind')) return false;
  const services = getPair(root, 'services');
  if (!services) return false;
  const v = services.value;
  if (!isMap(v)) return false;
  for (const item of v.items) {
    if (!isScalar(item.key)) return false;
    if (!(isMap(item.value) || item.value === null || (isScalar(item.value) && item.value.value === null))) return false;
  }
  for (const p of root.items) {
    const k = isScalar(p.key) ? p.key.value : undefined;
    if (typeof k !== 'string' || (!COMPOSE_TOP_KEYS.has(k) && !k.startsWith('x-'))) return false;
  }
  return true;
}

/** The services mapping of a parsed Compose text (another file's, for `extends.file`). */
function servicesOf(root: unknown): YAMLMap | undefined {
  return isMap(root) ? getMap(root, 'services') : undefined;
}

/**
 * Parses a Compose file. `named`: the file's name says it is a Compose file (then any mapping is
 * read as one); otherwise the text must have the Compose shape (a `services` mapping of
 * mappings, only Compose's top-level keys). Undefined when it is not a Compose file. Never throws.
 */
export function parseComposeModel(text: string, named: boolean, related?: RelatedTexts): ComposeModel | undefined | Skip {
  // Thousands of nested brackets make the composer recurse deep enough to abort the process.
  if (nestsTooDeep(text)) return named ? new Skip('limit', frag('engine.skip.nesting', 'brackets nest deeper than {depth} levels', { depth: MAX_FLOW_DEPTH })) : undefined;
  let parsed: ReturnType<typeof parseOne>;
  try {
    parsed = parseOne(text, text.includes('shipshape-ignore'));
  } catch {
    return undefined;
  }
  const { doc, lineCounter, tokens } = parsed;
  const problems: ComposeProblem[] = [];
  let root: YAMLMap | undefined;
  if (doc) {
    if (doc.errors.length > 0) {
      if (!named) return undefined;
      for (const e of doc.errors) problems.push({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]), message: e.message });
    } else if (findDuplicateKeys(doc, problems)) {
      // Compose refuses a file with a key written twice.
      if (!named) return undefined;
    } else if (isMap(doc.contents)) {
      root = doc.contents;
    }
  }
  if (!named && (!root || !composeShaped(root))) return undefined;
  if (named && !root && problems.length === 0 && doc && doc.contents !== null) return undefined;
  const services: ComposeService[] = [];
  let indentUnit: number | undefined;
  if (root && doc) {
    const servicesMap = getMap(root, 'services');
    // Which services share nodes must be read before aliases are spelled out.
    const shared = new Set<unknown>();
    const mayAlias = (text.includes('&') && text.includes('*')) || text.includes('<<');
    if (servicesMap && mayAlias) for (const item of servicesMap.items) if (sharesNodes(item.value)) shared.add(item);
    if (mayAlias) {
      try {
        resolveAliases(doc);
      } catch {
        // Absurd nesting: read what is there.
      }
    }
    const map = getMap(root, 'services');
    if (map) {
      for (const item of map.items) {
        if (!isScalar(item.key) || !isMap(item.value)) continue;
        const name = String(item.key.value);
        const node = item.value;
        services.push({
          name, pair: item as KeyPair, node, bases: [], unresolvedBase: false,
          partial: !getPair(node, 'image') && !getPair(node, 'build') && !getPair(node, 'extends'),
          shared: shared.has(item) || shared.has(item.value),
          memo: {},
        });
      }
      resolveExtends(services, map, related);
    }
    indentUnit = detectIndentUnit(root, text);
  }
  return new ComposeFile({ text, eol: eolOf(text), indentUnit: indentUnit ?? 2, lineCounter, root, services, problems, related }, tokens);
}

/** What a parse finds; the model adds its comments and ranges. */
type ComposeFields = Omit<ComposeModel, 'comments' | 'rangeOf'>;

/** A parsed Compose file (its comments and ranges: ParsedYamlText). */
interface ComposeFile extends ComposeFields {}
class ComposeFile extends ParsedYamlText implements ComposeModel {
  constructor(fields: ComposeFields, tokens: CST.Token[] | undefined) {
    super(fields, tokens);
  }
}

/** Records every key a mapping holds twice (one pass over the document, a Set per large mapping). */
function findDuplicateKeys(doc: ComposedDocument, problems: ComposeProblem[]): boolean {
  let found = false;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const p of node.items) {
        const k = isScalar(p.key) ? p.key.value : undefined;
        if (k !== undefined && k !== null && k !== '<<') {
          if (seen.has(k)) {
            found = true;
            const r = (p.key as Scalar).range ?? [0, 0, 0];
            problems.push({ start: r[0], end: r[1], message: `Map keys must be unique: "${String(k)}" is written twice`, duplicateKey: String(k) });
          } else seen.add(k);
        }
        if (p.value && typeof p.value === 'object' && !isScalar(p.value)) stack.push(p.value);
      }
    } else if (isSeq(node)) {
      for (const it of node.items) if (it && typeof it === 'object' && !isScalar(it)) stack.push(it);
    }
  }
  return found;
}

/** What `extends` names: a service, and the file it is in when not this one. */
function extendsTarget(node: YAMLMap): { service: string; file?: string } | undefined {
  const v = getPair(node, 'extends')?.value;
  if (isScalar(v) && typeof v.value === 'string') return { service: v.value };
  if (!isMap(v)) return undefined;
  const service = getString(v, 'service');
  if (!service) return undefined;
  const file = getString(v, 'file');
  return { service, file };
}

/**
 * Fills each service's `bases` by following `extends`: in this file, or in a local file whose
 * text the caller supplied (`related`, keyed by the path as written). A base in another file may
 * extend further within that file.
 */
function resolveExtends(services: ComposeService[], map: YAMLMap, related: RelatedTexts | undefined): void {
  const parsedRelated = new Map<string, YAMLMap | undefined>();
  const relatedServices = (file: string): YAMLMap | undefined => {
    if (parsedRelated.has(file)) return parsedRelated.get(file);
    let result: YAMLMap | undefined;
    const text = related?.get(file);
    if (text !== undefined) {
      try {
        const { doc } = parseOne(text, false);
        if (doc && doc.errors.length === 0) {
          resolveAliases(doc);
          result = servicesOf(doc.contents);
        }
      } catch {
        result = undefined;
      }
    }
    parsedRelated.set(file, result);
    return result;
  };
  for (const s of services) {
    let node: YAMLMap = s.node;
    let scope: YAMLMap | undefined = map;
    const seen = new Set<YAMLMap>([node]);
    for (let depth = 0; depth < MAX_EXTENDS_DEPTH; depth++) {
      const target = extendsTarget(node);
      if (!target) break;
      if (target.file !== undefined) scope = relatedServices(target.file);
      const base = scope ? getMap(scope, target.service) : undefined;
      if (!base || seen.has(base)) {
        if (!base) s.unresolvedBase = true;
        break;
      }
      seen.add(base);
      s.bases.push(base);
      node = base;
    }
  }
}

/** The `env_file` entries of a service: one path, a list of paths, or `{path, required}` items. */
export function envFiles(s: ComposeService): Array<{ path: string; node: { range?: [number, number, number] | null } }> {
  const v = getPair(s.node, 'env_file')?.value;
  const out: Array<{ path: string; node: { range?: [number, number, number] | null } }> = [];
  const add = (node: unknown): void => {
    if (isScalar(node) && typeof node.value === 'string') out.push({ path: node.value, node });
    else if (isMap(node)) {
      const p = getPair(node, 'path');
      if (p && isScalar(p.value) && typeof p.value.value === 'string') out.push({ path: p.value.value, node: p.value });
    }
  };
  if (isSeq(v)) for (const it of v.items) add(it);
  else add(v);
  return out;
}

/** A path a caller may read for a Compose file: relative, not a URL, not interpolated. */
function localPath(file: string | undefined): file is string {
  return !!file && !/^[a-z][a-z0-9+.-]*:\/\//i.test(file) && !interpolated(file);
}

/** Local files a Compose text refers to (`extends.file`, `env_file`), so a caller can supply their texts. */
export function composeReferences(text: string): string[] {
  const model = parseComposeModel(text, true);
  if (!model || model instanceof Skip) return [];
  const files = new Set<string>();
  for (const s of model.services) {
    const v = getPair(s.node, 'extends')?.value;
    const file = isMap(v) ? getString(v, 'file') : undefined;
    if (localPath(file)) files.add(file);
    for (const e of envFiles(s)) if (localPath(e.path)) files.add(e.path);
  }
  return [...files];
}

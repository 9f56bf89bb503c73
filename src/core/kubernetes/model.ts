/**
 * The parsed model of a Kubernetes manifest file, built once and shared by every rule:
 * the Kubernetes objects of each YAML document, every pod spec with its containers and their
 * effective securityContext, and the comments (for suppression directives).
 */
import { Composer, Document, LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isScalar, isSeq, CST } from 'yaml';
import { Fix, Position, Range } from '../model';
import { SourceComment } from '../suppress';
import { eolOf } from '../text';

export type ContainerListKind = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A `key: value` pair whose key is a plain string; what the rules read and point at. */
export type KeyPair = Pair<Scalar, unknown>;

/** One Kubernetes object (a mapping with string `apiVersion` and `kind`). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  name?: string;
  /** The object's mapping. */
  node: YAMLMap;
  /** The `kind` pair, where object-level findings point. */
  kindPair: KeyPair;
}

/** securityContext fields a container inherits from the pod unless it sets them itself. */
export const INHERITABLE_FIELDS = [
  'runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'windowsOptions',
] as const;
export type InheritableField = (typeof INHERITABLE_FIELDS)[number];

/** An effective securityContext value and where it was written. */
export interface SourcedValue {
  pair: KeyPair;
  from: 'container' | 'pod';
}

/** The container securityContext fields the rules read, found in one pass over the mapping. */
export interface ContainerSecurityFields {
  allowPrivilegeEscalation?: KeyPair;
  privileged?: KeyPair;
  readOnlyRootFilesystem?: KeyPair;
  capabilities?: KeyPair;
  procMount?: KeyPair;
  runAsUser?: KeyPair;
  runAsGroup?: KeyPair;
  seccompProfile?: KeyPair;
}

/** One container of a pod spec. */
export interface ContainerInfo {
  pod: PodSpecInfo;
  listKind: ContainerListKind;
  index: number;
  node: YAMLMap;
  name?: string;
  /** The `name` pair of the container (or its first pair): where "missing field" findings point. */
  anchor: KeyPair | undefined;
  /** The container's own `securityContext` pair, if any. */
  securityContextPair?: KeyPair;
  /** The container's own securityContext mapping (undefined when absent or not a mapping). */
  securityContext?: YAMLMap;
  /** Inheritable fields after pod → container inheritance. */
  effective: Partial<Record<InheritableField, SourcedValue>>;
  /** The container's own securityContext fields (read once, shared by the rules). */
  sc: ContainerSecurityFields;
  /** `resources` mapping, `image` pair and `ports` sequence of the container, when present. */
  resources?: YAMLMap;
  image?: KeyPair;
  ports?: YAMLSeq;
  /** Values several rules need, computed on first use. */
  memo: { anchorRange?: Range; label?: string; securityContextKeyRange?: Range; fixes?: Map<string, Fix | undefined>; harden?: { patch: object; fix: Fix | undefined } };
}

/** A pod spec, wherever it sits in its object (§1.1 of RULES.md). */
export interface PodSpecInfo {
  object: KubeObject;
  /** The `spec` pair that holds the pod spec (pod-level findings point at its key). */
  specPair: KeyPair;
  spec: YAMLMap;
  /** The pod template metadata (`metadata` of the Pod or of the template). */
  metadata?: YAMLMap;
  securityContextPair?: KeyPair;
  securityContext?: YAMLMap;
  /** `spec.os.name: windows`: exempt from restricted privilege escalation, capabilities, seccomp. */
  windows: boolean;
  containers: ContainerInfo[];
  /**
   * Fixes computed once and shared by the findings that offer them. They live on the model's
   * objects rather than in module-level WeakMaps, whose entries V8 keeps alive through
   * young-generation collections (see DockerfileModel.memo).
   */
  memo: { fixes?: Map<string, Fix | undefined> };
}

/** What every Kubernetes rule reads. */
export interface KubeModel {
  text: string;
  eol: '\n' | '\r\n';
  /** Indentation step of the file (spaces), used when fixes insert nested keys. */
  indentUnit: number;
  lineCounter: LineCounter;
  objects: KubeObject[];
  pods: PodSpecInfo[];
  /** Comments of the file (for suppression directives), computed on first read. */
  readonly comments: SourceComment[];
  /** 0-based range of two offsets. */
  rangeOf(start: number, end: number): Range;
  /**
   * Some values were read through YAML aliases: a node may then stand in several places, so an
   * edit to it would change all of them, and no fix is offered for the file.
   */
  aliased: boolean;
}

/** Kinds whose pod spec is at `.spec.template.spec`. */
const TEMPLATE_KINDS = new Set([
  'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig',
]);
const CONTAINER_LISTS: readonly ContainerListKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Lists nest (a List of Lists is legal but odd); deeper nesting is not followed. */
const MAX_LIST_DEPTH = 4;

/** The pair of a mapping whose plain key equals `key`. */
export function getPair(map: YAMLMap | undefined | null, key: string): KeyPair | undefined {
  if (!map) return undefined;
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const k = items[i].key as Scalar | null;
    if (k !== null && typeof k === 'object' && (k as Scalar).value === key && isScalar(k)) return items[i] as KeyPair;
  }
  return undefined;
}

/**
 * Replaces every alias (`*name`) of a document by the node its anchor names, and spells out merge
 * keys (`<<: *defaults`, `<<: [*a, *b]`: the mapping's own keys win, then the merged mappings in
 * order), so the rules read anchors as Kubernetes does. Walks the document once in order and never
 * descends into a replacement (an alias bomb stays linear); an alias inside its own anchor is left
 * alone. Returns whether anything was replaced or merged.
 */
function resolveAliases(doc: Document): boolean {
  const anchors = new Map<string, unknown>();
  let replaced = false;
  const resolve = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const target = anchors.get(node.source) as { range?: [number, number, number] } | undefined;
    const at = node.range?.[0] ?? -1;
    // An alias inside the node its anchor names would make a cycle.
    if (!target || (target.range && at >= target.range[0] && at < target.range[2])) return node;
    replaced = true;
    return target;
  };
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_ALIAS_WALK_DEPTH || !node || typeof node !== 'object') return;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    if (isMap(node)) {
      let merges = false;
      for (const pair of node.items) {
        walk(pair.key, depth + 1);
        if (isAlias(pair.value)) pair.value = resolve(pair.value) as never;
        else walk(pair.value, depth + 1);
        if (isScalar(pair.key) && pair.key.value === '<<') merges = true;
      }
      if (merges) {
        mergeKeys(node);
        replaced = true;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        if (isAlias(node.items[i])) node.items[i] = resolve(node.items[i]) as never;
        else walk(node.items[i], depth + 1);
      }
    }
  };
  walk(doc.contents, 0);
  return replaced;
}

/** Spells out the `<<` pairs of a mapping: its own keys, then those of the merged mappings not already present. */
function mergeKeys(map: YAMLMap): void {
  const own = map.items.filter((p) => !(isScalar(p.key) && p.key.value === '<<'));
  const seen = new Set(own.map((p) => (isScalar(p.key) ? p.key.value : p.key)));
  const merged: typeof own = [];
  for (const pair of map.items) {
    if (!(isScalar(pair.key) && pair.key.value === '<<')) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      if (!isMap(source) || source === map) continue;
      for (const p of source.items) {
        const key = isScalar(p.key) ? p.key.value : p.key;
        if (seen.has(key)) continue;
        seen.add(key);
        merged.push(p);
      }
    }
  }
  map.items = [...own, ...merged];
}

/** Deeper YAML than this is not followed when resolving aliases (the composer's own limit is lower in practice). */
const MAX_ALIAS_WALK_DEPTH = 1000;

/** The mapping value of a key, or undefined when absent or not a mapping. */
export function getMap(map: YAMLMap | undefined | null, key: string): YAMLMap | undefined {
  const v = getPair(map, key)?.value;
  return isMap(v) ? v : undefined;
}

/** The sequence value of a key, or undefined when absent or not a sequence. */
export function getSeq(map: YAMLMap | undefined | null, key: string): YAMLSeq | undefined {
  const v = getPair(map, key)?.value;
  return isSeq(v) ? v : undefined;
}

/** The scalar value of a key (string, number, boolean, null), or undefined. */
export function getScalarValue(map: YAMLMap | undefined | null, key: string): unknown {
  const v = getPair(map, key)?.value;
  return isScalar(v) ? v.value : undefined;
}

/** The string value of a key, or undefined. */
export function getString(map: YAMLMap | undefined | null, key: string): string | undefined {
  const v = getScalarValue(map, key);
  return typeof v === 'string' ? v : undefined;
}

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/**
 * A boolean as Kubernetes reads it: YAML 1.2 `true`/`false` plus the YAML 1.1 spellings
 * (`yes`, `on`…) that kubectl's YAML decoder still accepts for plain scalars.
 */
export function boolOf(node: unknown): boolean | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'boolean') return node.value;
  if (typeof node.value === 'string' && node.type === Scalar.PLAIN) {
    if (YAML11_TRUE.has(node.value)) return true;
    if (YAML11_FALSE.has(node.value)) return false;
  }
  return undefined;
}

/** The boolean value of a key (see boolOf). */
export function getBool(map: YAMLMap | undefined | null, key: string): boolean | undefined {
  return boolOf(getPair(map, key)?.value);
}

/** Source range of a pair: from its key to the end of its value. */
export function pairOffsets(pair: KeyPair): [number, number] {
  const start = pair.key.range?.[0] ?? 0;
  const v = pair.value as { range?: [number, number, number] } | null;
  const end = v && v.range && v.range[1] > start ? v.range[1] : pair.key.range?.[1] ?? start;
  return [start, end];
}

/** Range of a pair (key to end of value) in a model. */
export function pairRange(model: KubeModel, pair: KeyPair): Range {
  const [s, e] = pairOffsets(pair);
  return model.rangeOf(s, e);
}

/** Range of a node's value in a model. */
export function nodeRange(model: KubeModel, node: { range?: [number, number, number] | null }): Range {
  const r = node.range ?? [0, 0, 0];
  return model.rangeOf(r[0], r[1]);
}

/** Range of a pair's key only (pod-level findings point at the `spec` key, not its whole body). */
export function keyRange(model: KubeModel, pair: KeyPair): Range {
  const r = pair.key.range ?? [0, 0, 0];
  return model.rangeOf(r[0], r[1]);
}

/** Where a finding about a container as a whole points: its `name` pair, or its first pair. */
export function containerRange(model: KubeModel, c: ContainerInfo): Range {
  // Several findings of a container point here: compute the range once.
  return (c.memo.anchorRange ??= c.anchor ? pairRange(model, c.anchor) : nodeRange(model, c.node));
}

/** How a container is called in messages. */
export function containerLabel(c: ContainerInfo): string {
  if (c.memo.label !== undefined) return c.memo.label;
  const what = c.listKind === 'containers' ? 'container' : c.listKind === 'initContainers' ? 'init container' : 'ephemeral container';
  return (c.memo.label = c.name ? `${what} "${c.name}"` : `${what} #${c.index + 1}`);
}

/** Text looks like a Helm (Go) template: such files are not valid Kubernetes YAML until rendered. */
export function looksLikeHelmTemplate(text: string): boolean {
  return text.includes('{{');
}

/** Records the comment tokens of a flat token list (`start`, `sep`, `end`, `props`). */
function commentsIn(tokens: readonly CST.Token[] | undefined, sink: (t: CST.SourceToken) => void): void {
  if (!tokens) return;
  for (let i = 0; i < tokens.length; i++) if (tokens[i].type === 'comment') sink(tokens[i] as CST.SourceToken);
}

/**
 * Visits the comment tokens of one CST token. Recursion follows the YAML nesting, which is
 * shallow in real manifests; pathological nesting overflows the stack and is caught by the caller.
 */
function visitComments(tok: CST.Token | null | undefined, sink: (t: CST.SourceToken) => void): void {
  if (!tok) return;
  switch (tok.type) {
    case 'comment':
      sink(tok);
      return;
    case 'document':
      commentsIn(tok.start, sink);
      visitComments(tok.value, sink);
      commentsIn(tok.end, sink);
      return;
    case 'doc-end':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'alias':
      commentsIn(tok.end, sink);
      return;
    case 'block-scalar':
      commentsIn(tok.props, sink);
      return;
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      for (const item of tok.items as CST.CollectionItem[]) {
        commentsIn(item.start, sink);
        visitComments(item.key, sink);
        commentsIn(item.sep, sink);
        visitComments(item.value, sink);
      }
      if (tok.type === 'flow-collection') commentsIn(tok.end, sink);
      return;
    default:
      return;
  }
}

/**
 * Comments of a file from its top-level CST tokens. Only tokens whose text holds a `#` are
 * walked, so comment-free documents cost nothing.
 */
function collectComments(tokens: readonly CST.Token[], text: string, lc: LineCounter): SourceComment[] {
  const out: SourceComment[] = [];
  const sink = (t: CST.SourceToken): void => {
    const pos = lc.linePos(t.offset);
    const lineStart = t.offset - (pos.col - 1);
    let trailing = false;
    for (let i = lineStart; i < t.offset; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 0xfeff) { trailing = true; break; }
    }
    out.push({ line: pos.line - 1, text: t.source.slice(1), trailing });
  };
  let hash = text.indexOf('#');
  for (let i = 0; i < tokens.length && hash >= 0; i++) {
    const end = i + 1 < tokens.length ? tokens[i + 1].offset : text.length;
    if (hash >= end) continue;
    try {
      visitComments(tokens[i], sink);
    } catch {
      // Stack overflow on absurd nesting: the comments found so far are kept.
    }
    hash = text.indexOf('#', end);
  }
  return out;
}

function objectOf(node: unknown): KubeObject | undefined {
  if (!isMap(node)) return undefined;
  const apiVersion = getString(node, 'apiVersion');
  const kindPair = getPair(node, 'kind');
  const kind = kindPair && isScalar(kindPair.value) ? kindPair.value.value : undefined;
  if (apiVersion === undefined || typeof kind !== 'string' || !kindPair) return undefined;
  return { apiVersion, kind, name: getString(getMap(node, 'metadata'), 'name'), node, kindPair };
}

/** Finds the pod spec of an object by kind (RULES.md §1.1). */
function podSpecOf(obj: KubeObject): { specPair: KeyPair; metadata?: YAMLMap } | undefined {
  const root = obj.node;
  let holder: YAMLMap | undefined;
  if (obj.kind === 'Pod') holder = root;
  else if (TEMPLATE_KINDS.has(obj.kind)) holder = getMap(getMap(root, 'spec'), 'template');
  else if (obj.kind === 'PodTemplate') holder = getMap(root, 'template');
  else if (obj.kind === 'CronJob') holder = getMap(getMap(getMap(getMap(root, 'spec'), 'jobTemplate'), 'spec'), 'template');
  if (!holder) return undefined;
  const specPair = getPair(holder, 'spec');
  if (!specPair || !isMap(specPair.value)) return undefined;
  return { specPair, metadata: getMap(holder, 'metadata') };
}

const INHERITABLE = new Set<string>(INHERITABLE_FIELDS);

/** Adds the inheritable fields of a securityContext (one pass over its pairs). */
function collectInheritable(sc: YAMLMap, from: SourcedValue['from'], into: Partial<Record<InheritableField, SourcedValue>>): void {
  for (const item of sc.items) {
    const k = item.key;
    if (!isScalar(k) || typeof k.value !== 'string' || !INHERITABLE.has(k.value)) continue;
    const f = k.value as InheritableField;
    // With duplicate keys YAML keeps the first; so do we.
    if (into[f]?.from !== from) into[f] = { pair: item as KeyPair, from };
  }
}

/** The securityContext fields rules read, in one pass (a fixed-shape object). */
function securityFields(sc: YAMLMap | undefined): ContainerSecurityFields {
  const f: ContainerSecurityFields = {
    allowPrivilegeEscalation: undefined, privileged: undefined, readOnlyRootFilesystem: undefined, capabilities: undefined,
    procMount: undefined, runAsUser: undefined, runAsGroup: undefined, seccompProfile: undefined,
  };
  if (!sc) return f;
  for (const p of sc.items as KeyPair[]) {
    const k = p.key as Scalar | null;
    if (!isScalar(k) || typeof k.value !== 'string') continue;
    switch (k.value) {
      case 'allowPrivilegeEscalation': case 'privileged': case 'readOnlyRootFilesystem': case 'capabilities':
      case 'procMount': case 'runAsUser': case 'runAsGroup': case 'seccompProfile':
        f[k.value] ??= p;
        break;
      default: break;
    }
  }
  return f;
}

function buildPod(obj: KubeObject, specPair: KeyPair, metadata: YAMLMap | undefined): PodSpecInfo {
  const spec = specPair.value as YAMLMap;
  const scPair = getPair(spec, 'securityContext');
  const pod: PodSpecInfo = {
    object: obj,
    specPair,
    spec,
    metadata,
    securityContextPair: scPair,
    securityContext: scPair && isMap(scPair.value) ? scPair.value : undefined,
    windows: getString(getMap(spec, 'os'), 'name') === 'windows',
    containers: [],
    memo: {},
  };
  const podEffective: Partial<Record<InheritableField, SourcedValue>> = {};
  if (pod.securityContext) collectInheritable(pod.securityContext, 'pod', podEffective);
  for (const listKind of CONTAINER_LISTS) {
    const seq = getSeq(spec, listKind);
    if (!seq) continue;
    seq.items.forEach((item, index) => {
      if (!isMap(item)) return;
      let cPair: KeyPair | undefined, namePair: KeyPair | undefined, resources: YAMLMap | undefined, image: KeyPair | undefined, ports: YAMLSeq | undefined;
      // One pass over the container's keys; with duplicate keys (a parse error) the document is skipped anyway.
      for (const p of item.items as KeyPair[]) {
        const k = p.key as Scalar | null;
        if (!isScalar(k)) continue;
        switch (k.value) {
          case 'securityContext': cPair = p; break;
          case 'name': namePair = p; break;
          case 'resources': if (isMap(p.value)) resources = p.value; break;
          case 'image': image = p; break;
          case 'ports': if (isSeq(p.value)) ports = p.value; break;
          default: break;
        }
      }
      const sc = cPair && isMap(cPair.value) ? cPair.value : undefined;
      const effective: Partial<Record<InheritableField, SourcedValue>> = { ...podEffective };
      const fields = securityFields(sc);
      if (sc) collectInheritable(sc, 'container', effective);
      pod.containers.push({
        pod,
        listKind,
        index,
        node: item,
        name: namePair && isScalar(namePair.value) && typeof namePair.value.value === 'string' ? namePair.value.value : undefined,
        anchor: namePair ?? (item.items[0] as KeyPair | undefined),
        securityContextPair: cPair,
        securityContext: sc,
        effective,
        sc: fields,
        resources,
        image,
        ports,
        memo: { anchorRange: undefined, label: undefined, securityContextKeyRange: undefined, fixes: undefined, harden: undefined },
      });
    });
  }
  return pod;
}

/** Indentation step: the column of the first nested block mapping's key under the root mapping. */
function detectIndentUnit(doc: Document, text: string): number | undefined {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const rootStart = root.range?.[0] ?? 0;
  const rootCol = columnAt(text, rootStart);
  for (const p of root.items) {
    const v = p.value;
    if (isMap(v) && v.range && v.items.length > 0 && (v.items[0].key as Scalar | null)?.range?.[0] === v.range[0]) {
      const d = columnAt(text, v.range[0]) - rootCol;
      if (d > 0 && d <= 8) return d;
    }
  }
  return undefined;
}

/** Column (0-based) of an offset. */
export function columnAt(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10 && text.charCodeAt(i - 1) !== 13) i--;
  return offset - i;
}

/**
 * Deepest flow nesting (`[`/`{`) the parser is given. Real manifests nest a handful of levels;
 * thousands of levels make the YAML composer recurse so deep that V8 can abort the whole
 * process (not a catchable error), so such texts are not parsed at all.
 */
export const MAX_FLOW_DEPTH = 256;

/** True when brackets nest deeper than MAX_FLOW_DEPTH (brackets in strings count too: over-approximate). */
function nestsTooDeep(text: string): boolean {
  // Hop from bracket to bracket with indexOf (native) instead of visiting every character.
  const next = [text.indexOf('['), text.indexOf('{'), text.indexOf(']'), text.indexOf('}')];
  const chars = ['[', '{', ']', '}'];
  let depth = 0;
  for (;;) {
    let which = -1;
    for (let k = 0; k < 4; k++) if (next[k] >= 0 && (which < 0 || next[k] < next[which])) which = k;
    if (which < 0) return false;
    if (which < 2) {
      if (++depth > MAX_FLOW_DEPTH) return true;
    } else if (depth > 0) depth--;
    next[which] = text.indexOf(chars[which], next[which] + 1);
  }
}

/** The top-level CST tokens of a text (a parse without composing documents). */
function cstTokens(text: string): CST.Token[] {
  const out: CST.Token[] = [];
  try {
    for (const token of new Parser().parse(text)) out.push(token);
  } catch {
    // Keep what was parsed.
  }
  return out;
}

/** 0-based position of an offset, from the line starts the parser recorded. */
function positionAt(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (lineStarts[lo] ?? 0) };
}

/**
 * Parses a manifest file. Returns undefined for texts that are not Kubernetes manifests (no
 * document is a Kubernetes object) and for Helm templates. Never throws: a document with
 * parse errors is skipped, and a parser failure keeps the documents composed before it.
 */
export function parseKubeModel(text: string): KubeModel | undefined {
  if (looksLikeHelmTemplate(text) || nestsTooDeep(text)) return undefined;
  const lineCounter = new LineCounter();
  // Comments are read only for suppression directives; keeping the CST costs garbage-collection
  // time on every file, so it is kept only when a directive is present (else re-parsed on demand).
  const tokens: CST.Token[] | undefined = text.includes('shipshape-ignore') ? [] : undefined;
  const docs: Document[] = [];
  try {
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer();
    for (const token of parser.parse(text)) {
      tokens?.push(token);
      for (const doc of composer.next(token)) docs.push(doc as unknown as Document);
    }
    for (const doc of composer.end()) docs.push(doc as unknown as Document);
  } catch {
    // Pathological input (e.g. thousands of nested flow collections) can exhaust the composer's
    // recursion: analyse what was composed so far.
  }
  const objects: KubeObject[] = [];
  const pods: PodSpecInfo[] = [];
  let indentUnit: number | undefined;
  const addObject = (node: unknown, depth: number): void => {
    const obj = objectOf(node);
    if (!obj) return;
    objects.push(obj);
    if (/List$/.test(obj.kind)) {
      if (depth >= MAX_LIST_DEPTH) return;
      const items = getSeq(obj.node, 'items');
      if (items) for (const item of items.items) addObject(item, depth + 1);
      return;
    }
    const found = podSpecOf(obj);
    if (found) pods.push(buildPod(obj, found.specPair, found.metadata));
  };
  // Anchors need `&` and aliases `*`, merges `<<`: most files have none and skip the walk.
  const mayAlias = (text.includes('&') && text.includes('*')) || text.includes('<<');
  let aliased = false;
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    if (mayAlias && resolveAliases(doc)) aliased = true;
    const before = objects.length;
    addObject(doc.contents, 0);
    if (objects.length > before && indentUnit === undefined) indentUnit = detectIndentUnit(doc, text);
  }
  if (objects.length === 0) return undefined;
  let comments: SourceComment[] | undefined;
  return {
    text,
    aliased,
    eol: eolOf(text),
    indentUnit: indentUnit ?? 2,
    lineCounter,
    objects,
    pods,
    // Read only when the text has a suppression directive (the engine checks): computed on demand.
    get comments(): SourceComment[] {
      return (comments ??= collectComments(tokens ?? cstTokens(text), text, lineCounter));
    },
    rangeOf(start: number, end: number): Range {
      return { start: positionAt(lineCounter.lineStarts, start), end: positionAt(lineCounter.lineStarts, end) };
    },
  };
}

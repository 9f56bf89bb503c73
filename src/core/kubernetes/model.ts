/**
 * The parsed model of a Kubernetes manifest file, built once and shared by every rule:
 * the Kubernetes objects of each YAML document, every pod spec with its containers and their
 * effective securityContext, and the comments (for suppression directives).
 */
import { Composer, Document, LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq, isMap, isScalar, isSeq, CST } from 'yaml';
import { Range } from '../model';
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
  comments: SourceComment[];
  /** 0-based range of two offsets. */
  rangeOf(start: number, end: number): Range;
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
  if (c.anchor) return pairRange(model, c.anchor);
  return nodeRange(model, c.node);
}

/** How a container is called in messages. */
export function containerLabel(c: ContainerInfo): string {
  const what = c.listKind === 'containers' ? 'container' : c.listKind === 'initContainers' ? 'init container' : 'ephemeral container';
  return c.name ? `${what} "${c.name}"` : `${what} #${c.index + 1}`;
}

/** Text looks like a Helm (Go) template: such files are not valid Kubernetes YAML until rendered. */
export function looksLikeHelmTemplate(text: string): boolean {
  return text.includes('{{');
}

/** Collects comment tokens of one CST token without recursion (deep flow nesting must not blow the stack). */
function collectComments(root: CST.Token, text: string, out: SourceComment[], lc: LineCounter): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const t = stack.pop() as Record<string, unknown> | undefined;
    if (!t || typeof t !== 'object') continue;
    if (Array.isArray(t)) {
      for (let i = t.length - 1; i >= 0; i--) stack.push(t[i]);
      continue;
    }
    if (t.type === 'comment') {
      const offset = t.offset as number;
      const pos = lc.linePos(offset);
      const lineStart = offset - (pos.col - 1);
      let trailing = false;
      for (let i = lineStart; i < offset; i++) {
        const c = text.charCodeAt(i);
        if (c !== 32 && c !== 9 && c !== 0xfeff) { trailing = true; break; }
      }
      out.push({ line: pos.line - 1, text: (t.source as string).slice(1), trailing });
      continue;
    }
    // Only the fields of CST tokens that hold other tokens.
    if (t.start !== undefined) stack.push(t.start);
    if (t.key) stack.push(t.key);
    if (t.sep) stack.push(t.sep);
    if (t.value) stack.push(t.value);
    if (t.items) stack.push(t.items);
    if (t.props) stack.push(t.props);
    if (t.end) stack.push(t.end);
  }
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
  };
  const podEffective: Partial<Record<InheritableField, SourcedValue>> = {};
  if (pod.securityContext) {
    for (const f of INHERITABLE_FIELDS) {
      const p = getPair(pod.securityContext, f);
      if (p) podEffective[f] = { pair: p, from: 'pod' };
    }
  }
  for (const listKind of CONTAINER_LISTS) {
    const seq = getSeq(spec, listKind);
    if (!seq) continue;
    seq.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const cPair = getPair(item, 'securityContext');
      const sc = cPair && isMap(cPair.value) ? cPair.value : undefined;
      const effective: Partial<Record<InheritableField, SourcedValue>> = { ...podEffective };
      if (sc) {
        for (const f of INHERITABLE_FIELDS) {
          const p = getPair(sc, f);
          if (p) effective[f] = { pair: p, from: 'container' };
        }
      }
      const namePair = getPair(item, 'name');
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
    if (isMap(v) && v.srcToken?.type === 'block-map' && v.range) {
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
 * Parses a manifest file. Returns undefined for texts that are not Kubernetes manifests (no
 * document is a Kubernetes object) and for Helm templates. Never throws: a document with
 * parse errors is skipped, and a parser failure keeps the documents composed before it.
 */
export function parseKubeModel(text: string): KubeModel | undefined {
  if (looksLikeHelmTemplate(text)) return undefined;
  const lineCounter = new LineCounter();
  const comments: SourceComment[] = [];
  const docs: Document[] = [];
  try {
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer({ keepSourceTokens: true });
    for (const token of parser.parse(text)) {
      collectComments(token, text, comments, lineCounter);
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
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    const before = objects.length;
    addObject(doc.contents, 0);
    if (objects.length > before && indentUnit === undefined) indentUnit = detectIndentUnit(doc, text);
  }
  if (objects.length === 0) return undefined;
  return {
    text,
    eol: eolOf(text),
    indentUnit: indentUnit ?? 2,
    lineCounter,
    objects,
    pods,
    comments,
    rangeOf(start: number, end: number): Range {
      const s = lineCounter.linePos(start);
      const e = end === start ? s : lineCounter.linePos(end);
      return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
    },
  };
}

/**
 * The parsed model of a Kubernetes manifest file, built once and shared by every rule:
 * the Kubernetes objects of each YAML document, every pod spec with its containers and their
 * effective securityContext, and the comments (for suppression directives).
 */
import { LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isScalar, isSeq, CST } from 'yaml';
import { ComposedDocument, ComposedText, composeDocuments } from '../yamlCompose';
import { Fix, Position, Range, Report } from '../model';
import { Args, Text, frag } from '../l10n/text';
import { AnalyzeOptions, Skip } from '../engine';
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
  /** `metadata.namespace`, when written. */
  namespace?: string;
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

/** The pod spec fields rules read. */
export interface PodFields {
  hostNetwork?: KeyPair;
  hostPID?: KeyPair;
  hostIPC?: KeyPair;
  hostUsers?: KeyPair;
  automountServiceAccountToken?: KeyPair;
  serviceAccountName?: KeyPair;
  serviceAccount?: KeyPair;
  volumes?: YAMLSeq;
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
  /** The probe mappings and the `lifecycle` mapping, when present (the handlers a probe-host rule reads). */
  probes: readonly YAMLMap[];
  lifecycle?: YAMLMap;
  /** Values several rules need, computed on first use. */
  memo: { anchorRange?: Range; label?: string; labelText?: Text; containerArgs?: Args; securityContextKeyRange?: Range; resourcesRange?: Range; noResources?: Report; noResourcesAll?: boolean; fixes?: Map<string, Fix | undefined>; harden?: { patch: object; fix: Fix | undefined } };
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
  /** Pod spec fields the rules read, found in one pass over the spec (the first of duplicates never stays). */
  fields: PodFields;
  containers: ContainerInfo[];
  /**
   * Fixes computed once and shared by the findings that offer them. They live on the model's
   * objects rather than in module-level WeakMaps, whose entries V8 keeps alive through
   * young-generation collections (see DockerfileModel.memo).
   */
  memo: { fixes?: Map<string, Fix | undefined>; specKeyRange?: Range };
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
  /** Every container of every pod spec, in order (pods, then containers, init and ephemeral containers). */
  containers: ContainerInfo[];
  /** The containers that run with the pod (containers and init containers, not ephemeral ones), in the same order. */
  runContainers: ContainerInfo[];
  /** Comments of the file (for suppression directives), computed on first read. */
  readonly comments: SourceComment[];
  /** 0-based range of two offsets. */
  rangeOf(start: number, end: number): Range;
  /**
   * Some values were read through YAML aliases: a node may then stand in several places, so an
   * edit to it would change all of them, and no fix is offered for the file.
   */
  aliased: boolean;
  /**
   * Some mapping has a key twice. Kubernetes rejects that (kubectl validates strictly); where it
   * is accepted the last value wins, which is what the model holds. No fix is offered for the file,
   * since an edit of the pair the model kept would leave the other one in force.
   */
  duplicateKeys: boolean;
  /** Documents that do not parse (reported, not analysed) and duplicate keys (reported, analysed). */
  problems: SyntaxProblem[];
  /** Only safe fixes are wanted (AnalyzeOptions.fixes): the fix builders skip the others. */
  onlySafeFixes: boolean;
  /**
   * Values the rules of one family compute once per file (the RBAC rules' PolicyRules, rules/rbac.ts),
   * and the `trustedRegistries` setting the file is checked against (set by the analyser).
   */
  memo: { rbac?: unknown; trustedRegistries?: readonly string[] };
}

/** A YAML problem of a document, with the parser's message (or ours, for a duplicate key). */
export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  /** The parser's error code (e.g. `BAD_INDENT`), or `DUPLICATE_KEY`. */
  code: string;
  /** True when the document was still analysed (a duplicate key, read as Kubernetes reads it). */
  analysed: boolean;
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
export function resolveAliases(doc: { contents: unknown }): boolean {
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

/** `containerLabel` as a fragment of a message, for other locales. */
export function containerText(c: ContainerInfo): Text {
  if (c.memo.labelText !== undefined) return c.memo.labelText;
  const named = c.name !== undefined && c.name !== '';
  const args: Args = named ? { name: c.name! } : { index: c.index + 1 };
  const t = c.listKind === 'containers'
    ? named ? frag('k8s.container', 'container "{name}"', args) : frag('k8s.container-index', 'container #{index}', args)
    : c.listKind === 'initContainers'
      ? named ? frag('k8s.init-container', 'init container "{name}"', args) : frag('k8s.init-container-index', 'init container #{index}', args)
      : named ? frag('k8s.ephemeral-container', 'ephemeral container "{name}"', args) : frag('k8s.ephemeral-container-index', 'ephemeral container #{index}', args);
  return (c.memo.labelText = t);
}

/** `{ container: containerText(c) }`, the arguments of most messages about a container: made once per container. */
export function containerArgs(c: ContainerInfo): Args {
  return (c.memo.containerArgs ??= { container: containerText(c) });
}

export function containerLabel(c: ContainerInfo): string {
  if (c.memo.label !== undefined) return c.memo.label;
  const what = c.listKind === 'containers' ? 'container' : c.listKind === 'initContainers' ? 'init container' : 'ephemeral container';
  return (c.memo.label = c.name ? `${what} "${c.name}"` : `${what} #${c.index + 1}`);
}

/** A node that Kubernetes reads as an unset field: no value, `~` or `null`. */
export function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/**
 * Offset of the first Go template action (`{{ … }}`) that stands where YAML structure is: a
 * flow collection opened by `{{` (`name: {{ .Release.Name }}`, a `{{- if … }}` line, `{{ toYaml
 * … | nindent 4 }}`). Braces inside quoted or block scalars, plain scalars and comments are text,
 * not template actions in the YAML's structure (a Grafana dashboard, a Prometheus alert
 * description, a `sed` command). Undefined when there is none.
 */
export function templateActionOffset(tokens: readonly CST.Token[], text: string): number | undefined {
  let found: number | undefined;
  const visit = (tok: CST.Token | null | undefined): void => {
    if (!tok || found !== undefined) return;
    switch (tok.type) {
      case 'document':
        visit(tok.value);
        return;
      case 'block-map':
      case 'block-seq':
        for (const item of tok.items as CST.CollectionItem[]) {
          visit(item.key);
          visit(item.value);
          if (found !== undefined) return;
        }
        return;
      case 'flow-collection':
        if (text.charCodeAt(tok.start.offset) === 0x7b && text.charCodeAt(tok.start.offset + 1) === 0x7b) {
          found = tok.start.offset;
          return;
        }
        for (const item of tok.items as CST.CollectionItem[]) {
          visit(item.key);
          visit(item.value);
          if (found !== undefined) return;
        }
        return;
      default:
        return;
    }
  };
  for (const tok of tokens) {
    try {
      visit(tok);
    } catch {
      // Absurd nesting: what was found so far stands.
    }
    if (found !== undefined) return found;
  }
  return undefined;
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
export function collectComments(tokens: readonly CST.Token[], text: string, lc: LineCounter): SourceComment[] {
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
  const metadata = getMap(node, 'metadata');
  return { apiVersion, kind, name: getString(metadata, 'name'), namespace: getString(metadata, 'namespace'), node, kindPair };
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
    // A null value is an unset field (a nil pointer to Kubernetes): the pod's value still applies.
    if (isNullNode(item.value)) continue;
    into[f] = { pair: item as KeyPair, from };
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

const NO_PROBES: readonly YAMLMap[] = [];

function buildPod(obj: KubeObject, specPair: KeyPair, metadata: YAMLMap | undefined): PodSpecInfo {
  const spec = specPair.value as YAMLMap;
  // One pass over the pod spec's keys (duplicates were dropped before: one pair per key).
  const fields: PodFields = {
    hostNetwork: undefined, hostPID: undefined, hostIPC: undefined, hostUsers: undefined, automountServiceAccountToken: undefined,
    serviceAccountName: undefined, serviceAccount: undefined, volumes: undefined,
  };
  let scPair: KeyPair | undefined, os: YAMLMap | undefined;
  const lists: Array<YAMLSeq | undefined> = [undefined, undefined, undefined];
  for (const p of spec.items as KeyPair[]) {
    const k = p.key as Scalar | null;
    if (!(k instanceof Scalar)) continue;
    switch (k.value) {
      case 'securityContext': scPair = p; break;
      case 'os': if (isMap(p.value)) os = p.value; break;
      case 'containers': if (isSeq(p.value)) lists[0] = p.value; break;
      case 'initContainers': if (isSeq(p.value)) lists[1] = p.value; break;
      case 'ephemeralContainers': if (isSeq(p.value)) lists[2] = p.value; break;
      case 'volumes': if (isSeq(p.value)) fields.volumes = p.value; break;
      case 'hostNetwork': case 'hostPID': case 'hostIPC': case 'hostUsers': case 'automountServiceAccountToken':
      case 'serviceAccountName': case 'serviceAccount':
        fields[k.value] = p;
        break;
      default: break;
    }
  }
  const pod: PodSpecInfo = {
    object: obj,
    specPair,
    spec,
    metadata,
    securityContextPair: scPair,
    securityContext: scPair && isMap(scPair.value) ? scPair.value : undefined,
    windows: getString(os, 'name') === 'windows',
    fields,
    containers: [],
    memo: { fixes: undefined, specKeyRange: undefined },
  };
  const podEffective: Partial<Record<InheritableField, SourcedValue>> = {};
  if (pod.securityContext) collectInheritable(pod.securityContext, 'pod', podEffective);
  for (let l = 0; l < CONTAINER_LISTS.length; l++) {
    const listKind = CONTAINER_LISTS[l];
    const seq = lists[l];
    if (!seq) continue;
    seq.items.forEach((item, index) => {
      if (!isMap(item)) return;
      let cPair: KeyPair | undefined, namePair: KeyPair | undefined, resources: YAMLMap | undefined, image: KeyPair | undefined, ports: YAMLSeq | undefined;
      let probes: YAMLMap[] | undefined, lifecycle: YAMLMap | undefined;
      // One pass over the container's keys (duplicates were dropped before: one pair per key).
      for (const p of item.items as KeyPair[]) {
        const k = p.key as Scalar | null;
        if (!(k instanceof Scalar)) continue;
        switch (k.value) {
          case 'securityContext': cPair = p; break;
          case 'name': namePair = p; break;
          case 'resources': if (isMap(p.value)) resources = p.value; break;
          case 'image': image = p; break;
          case 'ports': if (isSeq(p.value)) ports = p.value; break;
          case 'livenessProbe': case 'readinessProbe': case 'startupProbe': if (isMap(p.value)) (probes ??= []).push(p.value); break;
          case 'lifecycle': if (isMap(p.value)) lifecycle = p.value; break;
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
        probes: probes ?? NO_PROBES,
        lifecycle,
        memo: { anchorRange: undefined, label: undefined, labelText: undefined, containerArgs: undefined, securityContextKeyRange: undefined, resourcesRange: undefined, noResources: undefined, noResourcesAll: undefined, fixes: undefined, harden: undefined },
      });
    });
  }
  return pod;
}

/** Indentation step: the column of the first nested block mapping's key under the root mapping. */
export function detectIndentUnit(root: unknown, text: string): number | undefined {
  if (!isMap(root)) return undefined;
  const rootCol = columnAt(text, root.range?.[0] ?? 0);
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
export function nestsTooDeep(text: string): boolean {
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
 * Finds the keys a mapping holds twice, in one pass over every mapping of a document (a Set per
 * large mapping, so a lockfile-sized mapping stays linear; yaml's own check compares each key
 * with all earlier ones). Each duplicate is recorded and the earlier pairs are dropped, so the
 * model reads the last value, as Kubernetes does where it accepts the document.
 */
function dropDuplicateKeys(doc: ComposedDocument, problems: SyntaxProblem[]): boolean {
  const root = doc.contents as { items?: unknown } | null;
  return root !== null && typeof root === 'object' && root.items !== undefined && dropDuplicatesIn(root as YAMLMap | YAMLSeq, problems);
}

/**
 * Walks a collection (the composer built it, so its depth is one the stack holds) and keeps the
 * last pair of each key of every mapping. Collections have items; scalars and aliases do not.
 */
function dropDuplicatesIn(node: YAMLMap | YAMLSeq, problems: SyntaxProblem[]): boolean {
  let found = false;
  if (node instanceof YAMLMap) {
    let items = node.items as Pair[];
    if (items.length > 1 && hasDuplicateKey(items)) {
      found = true;
      items = node.items = keepLast(items, problems);
    }
    for (let i = 0; i < items.length; i++) {
      const v = items[i].value as { items?: unknown } | null;
      if (v !== null && typeof v === 'object' && v.items !== undefined && dropDuplicatesIn(v as YAMLMap | YAMLSeq, problems)) found = true;
      const k = items[i].key as { items?: unknown } | null;
      if (k !== null && typeof k === 'object' && k.items !== undefined && dropDuplicatesIn(k as YAMLMap | YAMLSeq, problems)) found = true;
    }
  } else {
    const items = node.items as unknown[];
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as { items?: unknown } | null;
      if (it !== null && typeof it === 'object' && it.items !== undefined && dropDuplicatesIn(it as YAMLMap | YAMLSeq, problems)) found = true;
    }
  }
  return found;
}

/** The plain value of a scalar key (merge keys `<<` never count as duplicates). */
function keyValue(pair: Pair): unknown {
  const k = pair.key;
  if (!(k instanceof Scalar)) return undefined;
  return k.value === '<<' ? undefined : k.value;
}

/** Small mappings compare pairwise (no allocation); larger ones through a Set. */
function hasDuplicateKey(items: readonly Pair[]): boolean {
  if (items.length <= 8) {
    // Only a scalar key has a value: collections have items, aliases a source.
    for (let i = 1; i < items.length; i++) {
      const v = (items[i].key as Scalar | null)?.value;
      if (v === undefined || v === null || v === '<<') continue;
      for (let j = 0; j < i; j++) if ((items[j].key as Scalar | null)?.value === v) return true;
    }
    return false;
  }
  const seen = new Set<unknown>();
  for (const p of items) {
    const v = keyValue(p);
    if (v === undefined || v === null) continue;
    if (seen.has(v)) return true;
    seen.add(v);
  }
  return false;
}

function keepLast(items: Pair[], problems: SyntaxProblem[]): Pair[] {
  const last = new Map<unknown, number>();
  items.forEach((p, i) => {
    const v = keyValue(p);
    if (v !== undefined && v !== null) last.set(v, i);
  });
  const kept: Pair[] = [];
  items.forEach((p, i) => {
    const v = keyValue(p);
    if (v === undefined || v === null || last.get(v) === i) {
      kept.push(p);
      return;
    }
    const later = items[last.get(v)!].key as Scalar;
    const r = later.range ?? [0, 0, 0];
    problems.push({ start: r[0], end: r[1], code: 'DUPLICATE_KEY', analysed: true, message: `Duplicate key "${String(v)}"` });
  });
  return kept;
}

/**
 * Parses a manifest file. Returns undefined for texts that are not Kubernetes manifests (no
 * document is a Kubernetes object) and for texts that are not analysed (see parseKubeModelOrSkip).
 */
export function parseKubeModel(text: string, options?: AnalyzeOptions): KubeModel | undefined {
  const model = parseKubeModelOrSkip(text, options);
  return model instanceof Skip ? undefined : model;
}

/**
 * Parses a manifest file, or says why it is not analysed: a Helm template (in a chart's
 * `templates/`, or with template actions where YAML structure is) or nesting beyond the limit.
 * Undefined for texts that are not Kubernetes manifests. Never throws: a document that does not
 * parse is recorded in `problems` (and not analysed) when the file holds Kubernetes objects.
 */
export function parseKubeModelOrSkip(text: string, options?: AnalyzeOptions): KubeModel | Skip | undefined {
  if (options?.chartTemplate) return new Skip('template', frag('k8s.skip.chart-template', "Helm template (in a chart's templates/ directory): render it with helm template and check the output"));
  if (nestsTooDeep(text)) return new Skip('limit', frag('engine.skip.nesting', 'brackets nest deeper than {depth} levels', { depth: MAX_FLOW_DEPTH }));
  const mayTemplate = text.includes('{{');
  // Comments are read only for suppression directives; keeping the CST costs garbage-collection
  // time on every file, so it is kept only when a directive (or a template action) may be present.
  let parsed: ComposedText;
  try {
    // Duplicate keys are found by dropDuplicateKeys, in linear time.
    parsed = composeDocuments(text, mayTemplate || text.includes('shipshape-ignore'));
  } catch {
    // Pathological input can exhaust the composer's recursion: nothing after it would be read.
    return new Skip('limit', frag('engine.skip.yaml-depth', 'the YAML nests deeper than the parser can follow'));
  }
  const { docs, lineCounter, tokens } = parsed;
  if (mayTemplate) {
    const at = templateActionOffset(tokens!, text);
    if (at !== undefined) {
      return new Skip('template', frag('k8s.skip.template-action', 'Helm template (template action at line {line}): render it with helm template and check the output', { line: lineCounter.linePos(at).line }));
    }
  }
  const objects: KubeObject[] = [];
  const pods: PodSpecInfo[] = [];
  const problems: SyntaxProblem[] = [];
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
  let duplicateKeys = false;
  // Broken documents count as Kubernetes when they look like an object (apiVersion and kind read).
  let brokenObjects = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      if (objectOf(doc.contents)) brokenObjects++;
      for (const e of doc.errors) problems.push({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]), message: e.message, code: e.code, analysed: false });
      continue;
    }
    if (dropDuplicateKeys(doc, problems)) duplicateKeys = true;
    if (mayAlias && resolveAliases(doc)) aliased = true;
    const before = objects.length;
    addObject(doc.contents, 0);
    if (objects.length > before && indentUnit === undefined) indentUnit = detectIndentUnit(doc.contents, text);
  }
  if (objects.length === 0 && brokenObjects === 0) return undefined;
  // The lists the rules walk, built once: each rule visits every container of a file.
  const containers: ContainerInfo[] = [];
  const runContainers: ContainerInfo[] = [];
  for (let p = 0; p < pods.length; p++) {
    const list = pods[p].containers;
    for (let i = 0; i < list.length; i++) {
      containers.push(list[i]);
      if (list[i].listKind !== 'ephemeralContainers') runContainers.push(list[i]);
    }
  }
  return new ManifestModel({
    text,
    aliased,
    duplicateKeys,
    problems,
    onlySafeFixes: options?.fixes === 'safe',
    eol: eolOf(text),
    indentUnit: indentUnit ?? 2,
    lineCounter,
    objects,
    pods,
    containers,
    runContainers,
  }, tokens);
}

/** What a parse finds; the model adds its comments and ranges. */
type ManifestFields = Omit<KubeModel, 'comments' | 'rangeOf' | 'memo'>;

/**
 * What both YAML models (manifests and Compose files) add to their parse: the comments, read on
 * demand (only a text with a suppression directive needs them) from the CST tokens the parse kept
 * or from a new parse, and ranges from offsets. A class, not an object literal with a getter: V8
 * (Node 20) allocates an object literal that has an accessor directly in the old generation. That
 * one old object then kept the file's whole tree alive through every young-generation collection
 * until a full one, which made each scavenge cost three times what it costs the bare parse.
 * test/unit/core-literal-accessors.test.ts keeps accessors out of the object literals of
 * src/core and src/server. A subclass declares the parse's fields by an interface merged with it.
 */
export abstract class ParsedYamlText {
  declare text: string;
  declare lineCounter: LineCounter;
  private commentList: SourceComment[] | undefined;

  constructor(fields: { text: string; lineCounter: LineCounter }, private readonly tokens: CST.Token[] | undefined) {
    Object.assign(this, fields);
  }

  get comments(): SourceComment[] {
    return (this.commentList ??= collectComments(this.tokens ?? cstTokens(this.text), this.text, this.lineCounter));
  }

  rangeOf(start: number, end: number): Range {
    return { start: positionAt(this.lineCounter.lineStarts, start), end: positionAt(this.lineCounter.lineStarts, end) };
  }
}

/** A parsed manifest file. */
interface ManifestModel extends ManifestFields {}
class ManifestModel extends ParsedYamlText implements KubeModel {
  readonly memo: KubeModel['memo'] = {};

  constructor(fields: ManifestFields, tokens: CST.Token[] | undefined) {
    super(fields, tokens);
  }
}

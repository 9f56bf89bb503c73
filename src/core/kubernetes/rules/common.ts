/** Small helpers shared by the Kubernetes rules. */
import { isMap } from 'yaml';
import { Fix, Range, RelatedInfo, Rule } from '../../model';
import {
  ContainerInfo, ContainerListKind, KubeModel, KeyPair, PodSpecInfo, containerRange, getPair, keyRange, pairRange,
} from '../model';
import { msg } from '../../l10n/text';

export type KubeRule = Rule<KubeModel>;

/** PSS references use the pod-security-admission check id: `PSS-<level>:<check>` (no spaces, so they work in suppression comments). */
export function pss(level: 'baseline' | 'restricted', check: string): string {
  return `PSS-${level}:${check}`;
}

/** Every container list PSS checks. */
export const ALL_LISTS: readonly ContainerListKind[] = ['containers', 'initContainers', 'ephemeralContainers'];
/** Lists for rules outside PSS: ephemeral (debug) containers take no resources or probes. */
export const RUN_LISTS: readonly ContainerListKind[] = ['containers', 'initContainers'];

/** Calls `fn` for every container of the listed kinds in every pod spec. */
export function forEachContainer(model: KubeModel, lists: readonly ContainerListKind[], fn: (c: ContainerInfo) => void): void {
  // The two common selections are lists of the model, built once per file.
  const list = lists === ALL_LISTS ? model.containers : lists === RUN_LISTS ? model.runContainers : undefined;
  if (list) {
    for (let i = 0; i < list.length; i++) fn(list[i]);
    return;
  }
  const every = lists.length === ALL_LISTS.length;
  const pods = model.pods;
  for (let p = 0; p < pods.length; p++) {
    const containers = pods[p].containers;
    for (let i = 0; i < containers.length; i++) {
      const c = containers[i];
      if (every || lists.includes(c.listKind)) fn(c);
    }
  }
}

/**
 * Where a finding about a missing field points: the key of the deepest existing mapping along
 * the path (e.g. `securityContext:`), else the container's `name` pair.
 */
export function missingRange(model: KubeModel, c: ContainerInfo, path: readonly string[]): Range {
  // The most common case (a field missing from an existing securityContext) is shared by several rules.
  if (path.length === 1 && path[0] === 'securityContext') {
    if (!c.securityContextPair || !c.securityContext) return containerRange(model, c);
    return (c.memo.securityContextKeyRange ??= keyRange(model, c.securityContextPair));
  }
  let map = c.node;
  let deepest: KeyPair | undefined;
  for (const key of path) {
    const p = getPair(map, key);
    if (!p || !isMap(p.value)) break;
    deepest = p;
    map = p.value;
  }
  return deepest ? keyRange(model, deepest) : containerRange(model, c);
}

/** Where a pod-level finding about a missing field points: the `spec` key of the pod spec. */
export function podRange(model: KubeModel, pod: PodSpecInfo): Range {
  return (pod.memo.specKeyRange ??= keyRange(model, pod.specPair));
}

/** `spec.hostUsers: false` (user namespaces) relaxes the root-user controls (PSS ≥ 1.35). */
export function usesUserNamespace(pod: PodSpecInfo): boolean {
  const v = pod.fields.hostUsers?.value as { value?: unknown } | undefined;
  return v?.value === false;
}

/** Range of a pair for a finding: the whole pair for scalars, only the key when the value spans lines. */
export function findingRange(model: KubeModel, pair: KeyPair): Range {
  const v = pair.value as { range?: [number, number, number] } | null;
  if (v && typeof v === 'object' && 'items' in v) return keyRange(model, pair);
  return pairRange(model, pair);
}

/** Related information pointing at the pod-level value a container inherits. */
export function inheritedFrom(model: KubeModel, pair: KeyPair): RelatedInfo[] {
  return [{ range: pairRange(model, pair), ...msg('k8s.common.inherited-from-the-pod', 'inherited from the pod-level securityContext') }];
}

/** Fixes of a finding, without the ones that could not be computed. */
export function fixesOf(a?: Fix, b?: Fix): Fix[] | undefined {
  if (a && b) return [a, b];
  if (a) return [a];
  return b ? [b] : undefined;
}

/** The sentence-initial form of a label ("container "web"" → "Container "web""). */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

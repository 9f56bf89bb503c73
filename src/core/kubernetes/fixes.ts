/**
 * Fixes of the Kubernetes rules, built on yamlEdit: each returns a Fix (minimal text edits
 * against the analysed text) or undefined when the change cannot be made safely.
 */
import { isMap, isScalar, Pair, YAMLMap } from 'yaml';
import { Fix, TextEdit } from '../model';
import { TitleLike, fixTitle, titleOf } from '../l10n/text';
import {
  ContainerInfo, KubeModel, PodSpecInfo, boolOf, getBool, getMap, getPair, getSeq, getString,
} from './model';
import { LazyPatchFix, MapPatch, SeqEnsure, canPatchMap, patchMap, removePair, removeSeqItems, replaceScalar } from './yamlEdit';

/** Seccomp profile types the restricted profile accepts. */
export const GOOD_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

/** `capabilities.drop` must contain exactly "ALL"; a lower-case `all` is repaired in place. */
export const DROP_ALL: SeqEnsure = {
  ensure: '"ALL"',
  present: (v) => v === 'ALL',
  repairable: (v) => typeof v === 'string' && v.toUpperCase() === 'ALL',
};

/** The titles of the fixes without arguments, made once (a large manifest has thousands of findings). */
const TITLES = {
  noEscalationPrivileged: fixTitle('k8s.fixes.no-escalation-privileged', 'Set allowPrivilegeEscalation: false and privileged: false'),
  noEscalation: fixTitle('k8s.fixes.no-escalation', 'Set allowPrivilegeEscalation: false'),
  readOnlyRoot: fixTitle('k8s.fixes.set-readonlyrootfilesystem-true-may', 'Set readOnlyRootFilesystem: true (may break apps that write to disk)'),
  runAsNonRoot: fixTitle('k8s.fixes.run-as-non-root', 'Set runAsNonRoot: true (may break images that need root)'),
  dropAllUpperCase: fixTitle('k8s.fixes.drop-all-upper-case', 'Write "ALL" in upper case'),
  dropAll: fixTitle('k8s.fixes.drop-all', 'Drop all capabilities (drop: ["ALL"])'),
  seccomp: fixTitle('k8s.fixes.seccomp-runtime-default', 'Set seccompProfile.type: RuntimeDefault'),
  podSeccomp: fixTitle('k8s.fixes.set-seccompprofile-type-runtimedefault', 'Set seccompProfile.type: RuntimeDefault for the pod'),
  noToken: fixTitle('k8s.fixes.set-automountserviceaccounttoken-false-may', 'Set automountServiceAccountToken: false (may break apps that call the Kubernetes API)'),
  harden: fixTitle('k8s.fixes.harden-this-container-may', 'Harden this container (may break apps that need root or write to disk)'),
  resources: fixTitle('k8s.fixes.add-resources', 'Add resource requests and limits'),
};

/** A fix computed once per container or pod and shared by the findings that offer it. */
function memo(owner: { memo: { fixes?: Map<string, Fix | undefined> } }, key: string, compute: () => Fix | undefined): Fix | undefined {
  const byKey = (owner.memo.fixes ??= new Map());
  if (byKey.has(key)) return byKey.get(key);
  const result = compute();
  byKey.set(key, result);
  return result;
}

function fix(title: TitleLike, edits: TextEdit[] | undefined, safe: boolean, preferred = true): Fix | undefined {
  if (!edits || edits.length === 0) return undefined;
  return { kind: 'quickfix', safe, preferred, edits, ...titleOf(title) };
}

/** Capability names without the optional `CAP_` prefix, upper-case. */
export function capabilityName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const u = v.toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

/** Whether a container adds SYS_ADMIN (Kubernetes then rejects allowPrivilegeEscalation: false). */
export function addsSysAdmin(c: ContainerInfo): boolean {
  const add = getSeq(getMap(c.securityContext, 'capabilities'), 'add');
  return !!add && add.items.some((it) => isScalar(it) && capabilityName(it.value) === 'SYS_ADMIN');
}

/**
 * The securityContext keys that turn off privilege escalation. Kubernetes rejects
 * `allowPrivilegeEscalation: false` next to `privileged: true`, so that is turned off too;
 * next to an added SYS_ADMIN nothing is offered (undefined).
 */
function noEscalationPatch(c: ContainerInfo): MapPatch | undefined {
  if (addsSysAdmin(c)) return undefined;
  const patch: MapPatch = { allowPrivilegeEscalation: 'false' };
  if (getBool(c.securityContext, 'privileged') === true) patch.privileged = 'false';
  return patch;
}

/**
 * A fix merging a patch into a mapping. Whether it can be made is decided now; its edits are
 * computed when first read (most findings' fixes are never applied, and a large manifest has
 * thousands of findings).
 */
export function patchFix(model: KubeModel, map: YAMLMap, patch: MapPatch, title: TitleLike, safe: boolean, preferred = true, kind: Fix['kind'] = 'quickfix'): Fix | undefined {
  if (!safe && model.onlySafeFixes) return undefined;
  if (!canPatchMap(model, map, patch)) return undefined;
  return new LazyPatchFix(title, kind, safe, preferred, model, map, patch);
}

/** Fix merging keys into a container's securityContext (creating it when missing). */
function containerSecurityFix(model: KubeModel, c: ContainerInfo, sc: MapPatch, title: TitleLike, safe: boolean): Fix | undefined {
  return patchFix(model, c.node, { securityContext: sc }, title, safe);
}

/** Fix merging keys into the pod-level securityContext (creating it when missing). */
function podSecurityFix(model: KubeModel, pod: PodSpecInfo, sc: MapPatch, title: TitleLike, safe: boolean): Fix | undefined {
  return patchFix(model, pod.spec, { securityContext: sc }, title, safe);
}

/** Fix: `allowPrivilegeEscalation: false` on a container. */
export function noEscalationFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  const patch = noEscalationPatch(c);
  if (!patch) return undefined;
  const alsoPrivileged = patch.privileged !== undefined;
  return containerSecurityFix(model, c, patch,
    alsoPrivileged ? TITLES.noEscalationPrivileged : TITLES.noEscalation,
    !alsoPrivileged);
}

/** Fix: `readOnlyRootFilesystem: true` on a container. */
export function readOnlyRootFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  // `shipshape check` shows only whether a finding has a safe fix: the others are not built.
  if (model.onlySafeFixes) return undefined;
  return containerSecurityFix(model, c, { readOnlyRootFilesystem: 'true' }, TITLES.readOnlyRoot, false);
}

/** Fix: `runAsNonRoot: true` where the effective value comes from (container, else pod, else the container). */
export function runAsNonRootFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  const src = c.effective.runAsNonRoot;
  const title = TITLES.runAsNonRoot;
  if (src && src.from === 'pod') return memo(c.pod, 'runAsNonRoot', () => podSecurityFix(model, c.pod, { runAsNonRoot: 'true' }, title, false));
  return containerSecurityFix(model, c, { runAsNonRoot: 'true' }, title, false);
}

/** Fix: `capabilities.drop: ["ALL"]` (or `all` → `ALL`) on a container. */
export function dropAllFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  const drop = getSeq(getMap(c.securityContext, 'capabilities'), 'drop');
  const repair = !!drop && drop.items.some((it) => isScalar(it) && DROP_ALL.repairable!(it.value));
  return containerSecurityFix(model, c, { capabilities: { drop: DROP_ALL } },
    repair ? TITLES.dropAllUpperCase : TITLES.dropAll, repair);
}

/**
 * Fix: seccomp `RuntimeDefault`, where the effective profile is written (container or pod);
 * when it is written nowhere, at pod level so every container inherits it.
 */
export function seccompFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  const src = c.effective.seccompProfile;
  const patch: MapPatch = { seccompProfile: { type: 'RuntimeDefault' } };
  const wasSet = !!src && isMap(src.pair.value) && getString(src.pair.value, 'type') !== undefined;
  const title = TITLES.seccomp;
  if (src?.from === 'container') return containerSecurityFix(model, c, patch, title, !wasSet);
  return memo(c.pod, 'seccomp', () => podSecurityFix(model, c.pod, patch, src ? title : TITLES.podSeccomp, !wasSet));
}

/** Fix: a pod-level seccomp profile `RuntimeDefault`. */
export function podSeccompFix(model: KubeModel, pod: PodSpecInfo): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  return podSecurityFix(model, pod, { seccompProfile: { type: 'RuntimeDefault' } }, TITLES.podSeccomp, false);
}

/** Fix: a boolean pair set to false (`privileged`, `hostNetwork`…). */
export function setFalseFix(model: KubeModel, pair: Pair, title: TitleLike, safe = false): Fix | undefined {
  if (!safe && model.onlySafeFixes) return undefined;
  if (!isScalar(pair.value)) return undefined;
  return fix(title, replaceScalar(model, pair.value, 'false'), safe);
}

/** Fix: a scalar pair given another value. */
export function replaceValueFix(model: KubeModel, pair: Pair, text: string, title: TitleLike, safe = false): Fix | undefined {
  if (!safe && model.onlySafeFixes) return undefined;
  if (!isScalar(pair.value)) return undefined;
  return fix(title, replaceScalar(model, pair.value, text), safe);
}

/** Fix: remove a pair from its mapping. */
export function removePairFix(model: KubeModel, map: YAMLMap, pair: Pair, title: TitleLike, safe = false): Fix | undefined {
  if (!safe && model.onlySafeFixes) return undefined;
  return fix(title, removePair(model, map, pair), safe);
}

/** Fix: remove the `capabilities.add` entries a predicate rejects. */
export function removeAddedCapsFix(model: KubeModel, c: ContainerInfo, reject: (v: unknown) => boolean, title: TitleLike): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  const caps = getMap(c.securityContext, 'capabilities');
  const addPair = getPair(caps, 'add');
  const add = getSeq(caps, 'add');
  if (!caps || !addPair || !add) return undefined;
  const indices: number[] = [];
  add.items.forEach((it, i) => { if (isScalar(it) && reject(it.value)) indices.push(i); });
  return fix(title, removeSeqItems(model, add, indices, { map: caps, pair: addPair }), false);
}

/** Fix: `automountServiceAccountToken: false` on the pod spec. */
export function noTokenFix(model: KubeModel, pod: PodSpecInfo): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  return memo(pod, 'token', () => patchFix(model, pod.spec, { automountServiceAccountToken: 'false' },
    TITLES.noToken, false));
}

/** The securityContext keys "Harden this container" still has to set (empty when hardened). */
export function hardenPatch(c: ContainerInfo): MapPatch {
  const sc = c.securityContext;
  const patch: MapPatch = {};
  if (getBool(sc, 'privileged') === true) patch.privileged = 'false';
  if (getBool(sc, 'allowPrivilegeEscalation') !== false && !addsSysAdmin(c)) patch.allowPrivilegeEscalation = 'false';
  if (getBool(sc, 'readOnlyRootFilesystem') !== true) patch.readOnlyRootFilesystem = 'true';
  if (boolOf(c.effective.runAsNonRoot?.pair.value) !== true) patch.runAsNonRoot = 'true';
  const drop = getSeq(getMap(sc, 'capabilities'), 'drop');
  if (!drop || !drop.items.some((it) => isScalar(it) && it.value === 'ALL')) patch.capabilities = { drop: DROP_ALL };
  const seccomp = c.effective.seccompProfile?.pair.value;
  const type = isMap(seccomp) ? getString(seccomp, 'type') : undefined;
  if (!type || !GOOD_SECCOMP.has(type)) patch.seccompProfile = { type: 'RuntimeDefault' };
  return patch;
}

/** The securityContext keys "Harden this container" can change. */
export type HardenedField = 'allowPrivilegeEscalation' | 'readOnlyRootFilesystem' | 'runAsNonRoot' | 'capabilities' | 'seccompProfile' | 'privileged';

/**
 * "Harden this container": privilege escalation off, read-only root filesystem, non-root,
 * all capabilities dropped, seccomp RuntimeDefault, merged with what the container has.
 * Computed once per container and shared by its findings; offered on a finding only when it
 * changes the field that finding is about (`covers`).
 */
export function hardenContainerFix(model: KubeModel, c: ContainerInfo, covers: HardenedField): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  let entry = c.memo.harden as { patch: MapPatch; fix: Fix | undefined } | undefined;
  if (!entry) {
    const patch = hardenPatch(c);
    // Turning privileged off next to an added SYS_ADMIN would leave escalation on, which the
    // privileged finding hid: no one-step hardening exists for such a container.
    const result = Object.keys(patch).length > 0 && !(patch.privileged !== undefined && addsSysAdmin(c))
      ? patchFix(model, c.node, { securityContext: patch }, TITLES.harden, false, false)
      : undefined;
    entry = { patch, fix: result };
    c.memo.harden = entry;
  }
  return entry.patch[covers] !== undefined ? entry.fix : undefined;
}

const RESOURCE_DEFAULTS: Record<'requests' | 'limits', Record<'cpu' | 'memory', string>> = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

/**
 * Snippet fix adding the missing resource requests/limits with placeholders (editor only).
 * Offered when the missing keys can be added with a single edit.
 */
export function resourcesSnippetFix(model: KubeModel, c: ContainerInfo): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  return memo(c, 'resources', () => computeResourcesSnippet(model, c));
}

function computeResourcesSnippet(model: KubeModel, c: ContainerInfo): Fix | undefined {
  const resources = getMap(c.node, 'resources');
  let stop = 1;
  const patch: MapPatch = {};
  for (const section of ['requests', 'limits'] as const) {
    const existing = getMap(resources, section);
    const sub: MapPatch = {};
    for (const key of ['cpu', 'memory'] as const) {
      if (!getPair(existing, key)) sub[key] = `\${${stop++}:${RESOURCE_DEFAULTS[section][key]}}`;
    }
    if (Object.keys(sub).length > 0) patch[section] = sub;
  }
  if (Object.keys(patch).length === 0) return undefined;
  const title = TITLES.resources;
  // A snippet must be one edit: a new `resources` key is; filling a partial one is checked.
  if (!resources) {
    const lazy = patchFix(model, c.node, { resources: patch }, title, false);
    return lazy && Object.assign(lazy, { snippet: true });
  }
  const edits = patchMap(model, c.node, { resources: patch });
  if (!edits || edits.length !== 1) return undefined;
  return { kind: 'quickfix', safe: false, snippet: true, edits, ...title };
}

/** Fix: `pod-security.kubernetes.io/enforce: restricted` on a Namespace. */
export function namespaceLabelFix(model: KubeModel, ns: YAMLMap, level: 'baseline' | 'restricted'): Fix | undefined {
  if (model.onlySafeFixes) return undefined;
  const label: MapPatch = { 'pod-security.kubernetes.io/enforce': level };
  return patchFix(model, ns, { metadata: { labels: label } }, fixTitle('k8s.fixes.enforce-the-pod-security', 'Enforce the {level} Pod Security Standard on this namespace', { level }), false);
}

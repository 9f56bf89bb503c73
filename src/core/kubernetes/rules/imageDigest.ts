/**
 * Images not pinned by digest where a signature policy of the run requires one: a Kyverno
 * `ClusterPolicy`/`Policy` with `verifyImages` (verifyDigest defaults to true), or a Sigstore
 * policy-controller `ClusterImagePolicy`, in the same file or in another file checked together.
 *
 * Each policy is a fact (`image-policy:<json>`: its patterns, scope and what admission does);
 * each container image without a digest is a held finding whose `settle` matches the image
 * against the run's policies as each controller matches it:
 * - Kyverno: `imageReferences` wildcards (`*` any run of characters, `/` included; `?` one
 *   character) against the image as Kyverno spells it: the registry (docker.io when none is
 *   written, never rewritten to index.docker.io), the repository as written (`nginx`, not
 *   `library/nginx`) and the tag (`latest` when none); `skipImageReferences` excepted; the rule's
 *   `match` kinds (a Pod rule covers the controllers Kyverno generates rules for) and namespaces,
 *   `exclude` blocks that name namespaces (and kinds);
 *   a namespaced `Policy` only in its namespace. With failure action Enforce, `mutateDigest`
 *   (default true) makes the mutating webhook write the digest in, else the Pod is rejected;
 *   Audit admits it and records a policy report failure.
 * - policy-controller: `images[].glob` (`*` any run without `/`, `**` anything) against the
 *   normalised name (`index.docker.io/library/nginx:latest`), then against the image as written;
 *   a bare `*` means `index.docker.io/library/*` and `*\/*` means `index.docker.io/*\/*`. It only
 *   acts in namespaces labelled `policy.sigstore.dev/include: "true"` (a Namespace of the run),
 *   where its mutating webhook resolves the tag to a digest and its validating webhook rejects an
 *   image that is still not a digest.
 */
import { isMap, isScalar, isSeq, YAMLMap } from 'yaml';
import { parseImageRef } from '../../imageRef';
import { RunFacts } from '../../model';
import { boolOf, containerText, getMap, getPair, getSeq, getString, KubeModel, KubeObject, nodeRange } from '../model';
import { ALL_LISTS, forEachContainer, KubeRule } from './common';
import { Text, frag, msg } from '../../l10n/text';
import { IMAGE_POLICY_FACT } from '../imagePolicyText';

const POLICY_FACT = IMAGE_POLICY_FACT;
const SIGSTORE_INCLUDE = 'sigstore-include:';

/** What admission does with a matching image that has no digest. */
type Effect = 'mutate' | 'reject' | 'audit';

/** A signature policy as a fact carries it (short keys: facts of many files are kept by the language server). */
interface PolicyFact {
  /** kyverno | sigstore */
  t: 'k' | 's';
  kind: string;
  name: string;
  /** A Kyverno `Policy`'s namespace ('' when unset); absent for cluster-wide policies. */
  ns?: string;
  /** Image patterns. */
  p: string[];
  /** Kyverno skipImageReferences. */
  skip?: string[];
  /** Kyverno match kinds (without group/version); absent = any. */
  kinds?: string[];
  /** Kyverno match namespaces (wildcards); absent = any. */
  nss?: string[];
  /** Kyverno exclude blocks that name namespaces (and maybe kinds): a workload they describe is excluded. */
  ex?: Array<{ nss: string[]; kinds?: string[] }>;
  e: Effect;
}

/** The controllers Kyverno generates a Pod rule's variants for (autogen). */
const AUTOGEN_KINDS = new Set(['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

function strings(node: unknown): string[] {
  if (!isSeq(node)) return [];
  const out: string[] = [];
  for (const item of node.items) if (isScalar(item) && typeof item.value === 'string' && item.value) out.push(item.value);
  return out;
}

/** The kinds and namespaces a Kyverno rule's `match` names (resources, any[], all[]); undefined where it names none. */
/** The `resources` blocks of a match or exclude (`resources`, `any[].resources`, `all[].resources`). */
function resourceBlocks(match: YAMLMap | undefined): YAMLMap[] {
  const blocks: YAMLMap[] = [];
  if (!match) return blocks;
  const direct = getMap(match, 'resources');
  if (direct) blocks.push(direct);
  for (const key of ['any', 'all']) {
    for (const item of getSeq(match, key)?.items ?? []) {
      const res = isMap(item) ? getMap(item, 'resources') : undefined;
      if (res) blocks.push(res);
    }
  }
  return blocks;
}

const kindName = (k: string): string => k.slice(k.lastIndexOf('/') + 1);

/** Exclude blocks that say which namespaces (and kinds) they exclude; blocks with other criteria (names, selectors) are not read. */
function kyvernoExcludes(rule: YAMLMap): Array<{ nss: string[]; kinds?: string[] }> {
  const out: Array<{ nss: string[]; kinds?: string[] }> = [];
  for (const b of resourceBlocks(getMap(rule, 'exclude'))) {
    const keys = b.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
    if (keys.some((k) => k !== 'namespaces' && k !== 'kinds')) continue;
    const nss = strings(getPair(b, 'namespaces')?.value);
    if (!nss.length) continue;
    const kinds = strings(getPair(b, 'kinds')?.value).map(kindName);
    out.push(kinds.length ? { nss, kinds } : { nss });
  }
  return out;
}

function kyvernoScope(rule: YAMLMap): { kinds?: string[]; nss?: string[] } {
  const match = getMap(rule, 'match');
  if (!match) return {};
  const blocks = resourceBlocks(match);
  const kinds = new Set<string>();
  const nss = new Set<string>();
  let anyNamespace = false;
  for (const b of blocks) {
    for (const k of strings(getPair(b, 'kinds')?.value)) kinds.add(kindName(k));
    const listed = strings(getPair(b, 'namespaces')?.value);
    if (listed.length) for (const n of listed) nss.add(n);
    else anyNamespace = true;
  }
  return { kinds: kinds.size && !kinds.has('*') ? [...kinds] : undefined, nss: nss.size && !anyNamespace ? [...nss] : undefined };
}

function kyvernoFacts(o: KubeObject, out: PolicyFact[]): void {
  const spec = getMap(o.node, 'spec');
  const specAction = getString(spec, 'validationFailureAction');
  for (const rule of getSeq(spec, 'rules')?.items ?? []) {
    if (!isMap(rule)) continue;
    const verify = getSeq(rule, 'verifyImages');
    if (!verify) continue;
    const scope = kyvernoScope(rule);
    const excludes = kyvernoExcludes(rule);
    for (const entry of verify.items) {
      if (!isMap(entry)) continue;
      if (boolOf(getPair(entry, 'verifyDigest')?.value) === false) continue;
      const patterns = strings(getPair(entry, 'imageReferences')?.value);
      const single = getString(entry, 'image');
      if (single) patterns.push(single);
      if (!patterns.length) continue;
      // Kyverno 1.13 moved the failure action into each entry; the spec-level field is the older place (default Audit).
      const action = (getString(entry, 'failureAction') ?? specAction ?? 'Audit').toLowerCase();
      const mutate = boolOf(getPair(entry, 'mutateDigest')?.value) !== false;
      const fact: PolicyFact = { t: 'k', kind: o.kind, name: o.name ?? '?', p: patterns, e: action === 'enforce' ? (mutate ? 'mutate' : 'reject') : 'audit' };
      if (o.kind === 'Policy') fact.ns = o.namespace ?? '';
      const skip = strings(getPair(entry, 'skipImageReferences')?.value);
      if (skip.length) fact.skip = skip;
      if (scope.kinds) fact.kinds = scope.kinds;
      if (scope.nss) fact.nss = scope.nss;
      if (excludes.length) fact.ex = excludes;
      out.push(fact);
    }
  }
}

function sigstoreFacts(o: KubeObject, out: PolicyFact[]): void {
  const spec = getMap(o.node, 'spec');
  const globs: string[] = [];
  for (const item of getSeq(spec, 'images')?.items ?? []) {
    const glob = isMap(item) ? getString(item, 'glob') : undefined;
    if (glob) globs.push(glob);
  }
  if (globs.length) out.push({ t: 's', kind: o.kind, name: o.name ?? '?', p: globs, e: 'mutate' });
}

/** The policies of a file, parsed from its objects (once per model). */
function policiesOf(model: KubeModel): PolicyFact[] {
  const memo = model.memo as { imagePolicies?: PolicyFact[] };
  if (memo.imagePolicies) return memo.imagePolicies;
  const out: PolicyFact[] = [];
  for (const o of model.objects) {
    if ((o.kind === 'ClusterPolicy' || o.kind === 'Policy') && o.apiVersion.startsWith('kyverno.io/')) kyvernoFacts(o, out);
    else if (o.kind === 'ClusterImagePolicy' && o.apiVersion.startsWith('policy.sigstore.dev/')) sigstoreFacts(o, out);
  }
  return (memo.imagePolicies = out);
}

/** Facts of a file: its signature policies, and the namespaces that opt in to policy-controller. */
export function imagePolicyFacts(model: KubeModel): string[] {
  const out = policiesOf(model).map((p) => POLICY_FACT + JSON.stringify(p));
  for (const o of model.objects) {
    if (o.kind !== 'Namespace' || !o.name) continue;
    const label = getPair(getMap(getMap(o.node, 'metadata'), 'labels'), 'policy.sigstore.dev/include')?.value;
    if (isScalar(label) && String(label.value) === 'true') out.push(SIGSTORE_INCLUDE + o.name);
  }
  return out;
}

/** Kyverno's wildcard match: `*` any run of characters, `?` one character, the whole string. */
export function kyvernoWildcard(pattern: string, value: string): boolean {
  // Iterative matcher with backtracking to the last `*` (linear in practice, no regular expression).
  let p = 0, v = 0, star = -1, mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) { p++; v++; }
    else if (p < pattern.length && pattern[p] === '*') { star = p++; mark = v; }
    else if (star >= 0) { p = star + 1; v = ++mark; }
    else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A policy-controller glob as a regular expression, or undefined when policy-controller refuses it. */
export function sigstoreGlob(glob: string): RegExp | undefined {
  let g = glob === '*/*' ? 'index.docker.io/*/*' : glob === '*' ? 'index.docker.io/library/*' : glob;
  if (!/^[a-zA-Z0-9\-_:/*.]+$/.test(g)) return undefined;
  g = g.replace(/\./g, '\\.').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${g}$`);
}

/** The image as Kyverno compares it (`docker.io/nginx:latest`). */
function kyvernoName(raw: string): string | undefined {
  const ref = parseImageRef(raw);
  if (!ref) return undefined;
  return `${ref.registry ?? 'docker.io'}/${ref.repository}:${ref.tag ?? 'latest'}`;
}

/** The image as go-containerregistry names it (`index.docker.io/library/nginx:latest`). */
function sigstoreName(raw: string): string | undefined {
  const ref = parseImageRef(raw);
  if (!ref) return undefined;
  const hub = !ref.registry || ref.registry === 'docker.io' || ref.registry === 'index.docker.io';
  const repo = hub && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${hub ? 'index.docker.io' : ref.registry}/${repo}:${ref.tag ?? 'latest'}`;
}

/** Whether a policy covers an image of a workload (kind, namespace) as its controller decides. */
function covers(policy: PolicyFact, raw: string, kind: string, namespace: string | undefined, facts: RunFacts): boolean {
  if (policy.t === 'k') {
    if (policy.ns !== undefined && policy.ns !== (namespace ?? '')) return false;
    const ofKind = (kinds: string[] | undefined) => !kinds || kinds.some((k) => k === kind || (k === 'Pod' && AUTOGEN_KINDS.has(kind)));
    if (!ofKind(policy.kinds)) return false;
    if (policy.nss && (namespace === undefined || !policy.nss.some((n) => kyvernoWildcard(n, namespace)))) return false;
    if (namespace !== undefined && policy.ex?.some((x) => ofKind(x.kinds) && x.nss.some((n) => kyvernoWildcard(n, namespace)))) return false;
    const name = kyvernoName(raw);
    if (!name) return false;
    if (policy.skip?.some((s) => kyvernoWildcard(s, name))) return false;
    return policy.p.some((pattern) => kyvernoWildcard(pattern, name));
  }
  // policy-controller acts only in namespaces that opt in.
  if (namespace === undefined || !facts.has(SIGSTORE_INCLUDE + namespace)) return false;
  const name = sigstoreName(raw);
  if (!name) return false;
  return policy.p.some((glob) => {
    const re = sigstoreGlob(glob);
    return !!re && (re.test(name) || (name !== raw && re.test(raw)));
  });
}

function consequence(p: PolicyFact, workload: string, namespace: string | undefined): Text {
  if (p.t === 's') return frag('k8s.imageDigest.sigstore', 'policy-controller (namespace {namespace} opts in) will resolve the tag to a digest at admission, and reject {workload} if it cannot', { namespace: String(namespace), workload });
  if (p.e === 'mutate') return frag('k8s.imageDigest.kyverno-mutate', 'Kyverno\'s admission webhook will rewrite the image to the digest it verifies (what runs is no longer what the manifest says)');
  if (p.e === 'reject') return frag('k8s.imageDigest.kyverno-reject', 'Kyverno\'s admission webhook will reject {workload} (mutateDigest is false, so the digest must be written)', { workload });
  return frag('k8s.imageDigest.kyverno-audit', 'Kyverno (failure action Audit) admits it but records a policy report failure');
}

function policyLabel(p: PolicyFact): Text {
  return p.kind === 'Policy' && p.ns ? frag('k8s.imageDigest.policy-in-namespace', 'Policy "{name}" (namespace {namespace})', { name: p.name, namespace: p.ns }) : frag('k8s.imageDigest.policy', '{kind} "{name}"', { kind: p.kind, name: p.name });
}

export const imageDigestRequired: KubeRule = {
  id: 'k8s-image-digest-required',
  title: 'Image not pinned by digest where a signature policy requires one',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: [],
  settlesOn: POLICY_FACT,
  description: 'A signature policy verifies an image by its digest: a tag can be moved to other content after the signature was checked. Kyverno verifyImages rules (verifyDigest is on by default) and Sigstore policy-controller ClusterImagePolicies therefore rewrite a tag to a digest at admission, or reject the Pod, so what runs differs from what the manifest says, or does not run. Read over the files checked together: the policy may be in another file than the workload. Kyverno patterns are matched as Kyverno matches them (docker.io/ and :latest added to a short name, the repository as written), policy-controller globs against the normalised name (index.docker.io/library/…), and only in namespaces labelled policy.sigstore.dev/include: "true".',
  remediation: 'Pin the image by digest (image: registry/name:tag@sha256:…, the digest you signed and verified), e.g. from `docker buildx imagetools inspect` or `crane digest`; keep the tag for readers.',
  check(model, report) {
    // The closures below keep only strings: a run holds them until every file was read, not the parse trees.
    const mine = policiesOf(model);
    const own = mine.length ? new Set(mine.map((p) => POLICY_FACT + JSON.stringify(p))) : undefined;
    forEachContainer(model, ALL_LISTS, (c) => {
      const pair = c.image;
      const value = pair?.value;
      const raw = isScalar(value) && typeof value.value === 'string' ? value.value.trim() : undefined;
      if (!pair || !raw) return;
      const ref = parseImageRef(raw);
      // Pinned, or not a reference (a placeholder): nothing a policy could match.
      if (!ref || ref.digest) return;
      const { kind, namespace, name } = c.pod.object;
      const workload = `${kind} "${name ?? '?'}"`;
      const label = containerText(c);
      report({
        range: nodeRange(model, value as { range?: [number, number, number] }),
        settle(facts) {
          for (const { fact, source } of facts.withPrefix(POLICY_FACT)) {
            let policy: PolicyFact;
            try { policy = JSON.parse(fact.slice(POLICY_FACT.length)) as PolicyFact; } catch { continue; }
            if (!policy || !Array.isArray(policy.p) || !covers(policy, raw, kind, namespace, facts)) continue;
            const where = own?.has(fact) ? frag('k8s.imageDigest.in-this-file', 'in this file') : source ? frag('k8s.imageDigest.in-file', 'in {file}', { file: source }) : frag('k8s.imageDigest.in-another-file', 'in another file checked with it');
            return msg('k8s.imageDigest.policy-verifies', 'The image of {container} ({image}) is not pinned by digest, and {policy} {where} verifies it: {consequence}. Pin it with @sha256:….', { container: label, image: raw, policy: policyLabel(policy), where, consequence: consequence(policy, workload, namespace) });
          }
          return undefined;
        },
        l10n: frag('k8s.imageDigest.not-pinned', 'The image of {container} is not pinned by digest.', { container: label }),
      });
    });
  },
};

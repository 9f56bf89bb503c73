/**
 * Default-deny networking per namespace, over the files of a run: every file states which
 * namespaces it has workloads in, which it defines, and which have a NetworkPolicy that selects
 * all their pods (`podSelector: {}`) and denies a direction by default; a namespace with
 * workloads and no such policy for both Ingress and Egress is reported on its Namespace object,
 * or, where a run of several files has none, once on the first workload that puts pods in it
 * (a file checked alone, as in the editor, is not told about namespaces it does not define).
 */
import { YAMLMap, isMap, isScalar, isSeq } from 'yaml';
import { Fix } from '../../model';
import { KubeModel, KubeObject, getMap, getPair, pairRange } from '../model';
import { KubeRule } from './common';
import { AnalysisRun } from '../../engine';
import { fixTitle, frag } from '../../l10n/text';

const fact = {
  workloads: (ns: string) => `workloads:${ns}`,
  namespace: (ns: string) => `namespace-object:${ns}`,
  deny: (ns: string, direction: 'ingress' | 'egress') => `netpol-deny:${ns}:${direction}`,
};

/** Whether a list of NetworkPolicy rules lets everything through (an empty rule `{}` allows all). */
function allowsAll(rules: unknown): boolean {
  if (!isSeq(rules)) return false;
  return rules.items.some((r) => r === null || (isMap(r) && r.items.length === 0) || (isScalar(r) && r.value === null));
}

/** The directions a NetworkPolicy denies by default for every pod of its namespace. */
function deniedDirections(policy: KubeObject): Array<'ingress' | 'egress'> {
  const spec = getMap(policy.node, 'spec');
  const selector = getPair(spec, 'podSelector')?.value;
  // `podSelector: {}` selects every pod; a missing selector is invalid, a non-empty one selects some.
  if (!isMap(selector) || (selector as YAMLMap).items.length > 0) return [];
  const types = getPair(spec, 'policyTypes')?.value;
  const named = isSeq(types) ? types.items.filter(isScalar).map((t) => String(t.value)) : undefined;
  // Without policyTypes, Kubernetes takes Ingress, plus Egress when the policy has egress rules.
  const ingress = named ? named.includes('Ingress') : true;
  const egress = named ? named.includes('Egress') : !!getPair(spec, 'egress');
  const out: Array<'ingress' | 'egress'> = [];
  if (ingress && !allowsAll(getPair(spec, 'ingress')?.value)) out.push('ingress');
  if (egress && !allowsAll(getPair(spec, 'egress')?.value)) out.push('egress');
  return out;
}

/** Facts of a file for the default-deny rule: workloads per namespace, Namespace objects, default-deny policies. */
export function networkPolicyFacts(model: KubeModel): string[] {
  const out = new Set<string>();
  for (const pod of model.pods) if (pod.object.namespace) out.add(fact.workloads(pod.object.namespace));
  for (const o of model.objects) {
    if (o.kind === 'Namespace' && o.name) out.add(fact.namespace(o.name));
    else if (o.kind === 'NetworkPolicy' && o.namespace && o.apiVersion.startsWith('networking.k8s.io/')) {
      for (const d of deniedDirections(o)) out.add(fact.deny(o.namespace, d));
    }
  }
  return [...out];
}

/** The default-deny policy as a new YAML document appended to the file (in the file's line breaks). */
function addPolicyFix(model: KubeModel, ns: string): Fix {
  const eol = model.eol;
  const text = model.text;
  const end = text.length;
  const lines = [
    '---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: default-deny', `  namespace: ${ns}`,
    'spec:', '  podSelector: {}', '  policyTypes: [Ingress, Egress]',
  ];
  const lead = end === 0 || text.endsWith('\n') || text.endsWith('\r') ? '' : eol;
  const at = model.rangeOf(end, end);
  return {
    kind: 'quickfix',
    safe: false,
    edits: [{ range: at, newText: lead + lines.join(eol) + eol }],
    ...fixTitle('k8s.networkPolicy.add-a-default-deny', 'Add a default-deny NetworkPolicy for namespace {ns} (blocks all traffic its policies do not allow)', { ns }),
  };
}

export const namespaceDefaultDeny: KubeRule = {
  id: 'k8s-namespace-default-deny',
  title: 'Namespace has workloads but no default-deny NetworkPolicy',
  severity: 'low',
  appliesTo: 'kubernetes',
  references: ['CIS-5.3.2'],
  description: 'Without a NetworkPolicy that selects every pod of the namespace (podSelector: {}) for Ingress and Egress, its pods accept connections from anywhere in the cluster and reach anything: one compromised pod can talk to every database and to the cloud metadata endpoint. Read over the files checked together (a Namespace in one file, workloads and policies in others); a file checked alone is judged on what it holds.',
  remediation: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the namespace, then policies that allow the traffic each workload needs (DNS included).',
  check(model, report, run) {
    const denyAll = (ns: string): string[] => [fact.deny(ns, 'ingress'), fact.deny(ns, 'egress')];
    for (const o of model.objects) {
      if (o.kind !== 'Namespace' || !o.name) continue;
      if (run && !run.mayStand(fact.workloads(o.name))) continue;
      const name = getPair(getMap(o.node, 'metadata'), 'name');
      report({
        range: name ? pairRange(model, name) : pairRange(model, o.kindPair),
        fixes: [addPolicyFix(model, o.name)],
        requires: fact.workloads(o.name),
        waivedByAll: denyAll(o.name),
        l10n: frag('k8s.networkPolicy.namespace-has-workloads-but', 'Namespace "{name}" has workloads but no NetworkPolicy that denies Ingress and Egress for all its pods: add a default-deny policy, then allow what each workload needs.', { name: o.name }),
      });
    }
    // Only a run of several files can place these (a file checked alone, as in the editor, would
    // say it of every workload file): built only where they can stand.
    if (run && !run.mayStand(AnalysisRun.CHECKED_TOGETHER)) return;
    const seen = new Set<string>();
    for (const pod of model.pods) {
      const ns = pod.object.namespace;
      if (!ns || seen.has(ns)) continue;
      seen.add(ns);
      report({
        range: pairRange(model, pod.object.kindPair),
        fixes: [addPolicyFix(model, ns)],
        waivedBy: fact.namespace(ns),
        waivedByAll: denyAll(ns),
        // Only a run of several files can tell that no file has the Namespace or the policies;
        // a file checked alone (the editor) would say it of every workload file.
        requires: AnalysisRun.CHECKED_TOGETHER,
        once: `default-deny:${ns}`,
        l10n: frag('k8s.networkPolicy.namespace-has-no-networkpolicy', 'Namespace "{ns}" has no NetworkPolicy that denies Ingress and Egress for all its pods (and no Namespace object among the files checked to report it on): add a default-deny policy.', { ns }),
      });
    }
  },
};

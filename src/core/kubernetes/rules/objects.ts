/** Rules about non-workload objects: Secrets, ConfigMaps, Namespaces. */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { KeyPair, KubeObject, getMap, getPair, keyRange, pairRange } from '../model';
import { namespaceLabelFix } from '../fixes';
import { KubeRule, fixesOf } from './common';

/** Values filled in at deploy time (envsubst, kustomize vars, Go templates) are not secrets in source. */
function isTemplated(value: string): boolean {
  return value.includes('${') || value.includes('$(') || value.includes('{{');
}

function hasValue(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const v = (node as Scalar).value;
  if (v === null || v === undefined) return false;
  const s = String(v).trim();
  return s.length > 0 && !isTemplated(s);
}

function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export const secretInManifest: KubeRule = {
  id: 'k8s-secret-in-manifest',
  title: 'Secret values in the manifest',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: [],
  description: 'A Secret manifest with data or stringData puts the secret values in source control; base64 is an encoding, not encryption.',
  remediation: 'Keep the values out of the repository: encrypt them with sealed-secrets (SealedSecret) or SOPS, or let external-secrets (ExternalSecret) fetch them from a secret manager.',
  check(model, report) {
    for (const obj of objectsOfKind(model.objects, 'Secret')) {
      for (const key of ['data', 'stringData']) {
        const pair = getPair(obj.node, key);
        if (!pair || !isMap(pair.value)) continue;
        const count = (pair.value as YAMLMap).items.filter((p) => hasValue(p.value)).length;
        if (count === 0) continue;
        report({
          message: `Secret "${obj.name ?? '?'}" stores ${count} value${count === 1 ? '' : 's'} in ${key}: use sealed-secrets or external-secrets instead of committing secret values.`,
          range: keyRange(model, pair),
        });
      }
    }
  },
};

const SECRET_NAME = /(password|pass|pword|passphrase|passwrd|passwd|secret|secretkey|appsecret|clientsecret|aws_access_key_id|pswrd|token|pwd)/i;
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[=:]\s*(.*?)\s*$/;

/** A `name=value` / `name: value` line of an embedded config file that assigns a secret-looking name. */
function secretAssignment(value: string): string | undefined {
  for (const line of value.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line);
    if (!m || !SECRET_NAME.test(m[1])) continue;
    const v = m[2].replace(/^["']|["']$/g, '');
    if (v.length > 0 && !isTemplated(v)) return m[1];
  }
  return undefined;
}

export const configMapSecrets: KubeRule = {
  id: 'k8s-configmap-secrets',
  title: 'ConfigMap holds secret-looking values',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0109', 'KSV-01010'],
  description: 'ConfigMaps are not meant for secrets: they are readable by anyone who can read the namespace\'s config and are often printed in logs and dashboards. Keys like password or token with a literal value (not a ${…} or {{…}} placeholder) look like secrets.',
  remediation: 'Move the value to a Secret (managed with sealed-secrets or external-secrets) and reference it with secretKeyRef.',
  check(model, report) {
    for (const obj of objectsOfKind(model.objects, 'ConfigMap')) {
      const data = getMap(obj.node, 'data');
      if (!data) continue;
      for (const p of data.items as KeyPair[]) {
        const key = isScalar(p.key) ? String(p.key.value) : '';
        if (!hasValue(p.value)) continue;
        if (SECRET_NAME.test(key)) {
          report({ message: `ConfigMap "${obj.name ?? '?'}" key "${key}" looks like a secret: store it in a Secret.`, range: pairRange(model, p) });
          continue;
        }
        const inner = secretAssignment(String((p.value as Scalar).value));
        if (inner) report({ message: `ConfigMap "${obj.name ?? '?'}" key "${key}" sets "${inner}", which looks like a secret: store it in a Secret.`, range: keyRange(model, p) });
      }
    }
  },
};

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

export const namespacePssLabel: KubeRule = {
  id: 'k8s-namespace-pss-label',
  title: 'Namespace does not enforce a Pod Security Standard',
  severity: 'info',
  appliesTo: 'kubernetes',
  references: ['CIS-5.2.1'],
  description: 'Pod Security admission enforces a profile on a namespace only when it carries the pod-security.kubernetes.io/enforce label; without it the cluster default applies (usually privileged).',
  remediation: 'Add the label pod-security.kubernetes.io/enforce: restricted (or baseline) to the Namespace.',
  check(model, report) {
    for (const obj of objectsOfKind(model.objects, 'Namespace')) {
      const labels = getMap(getMap(obj.node, 'metadata'), 'labels');
      if (getPair(labels, ENFORCE_LABEL)) continue;
      const namePair = getPair(getMap(obj.node, 'metadata'), 'name');
      report({
        message: `Namespace "${obj.name ?? '?'}" has no ${ENFORCE_LABEL} label: add one (restricted or baseline).`,
        range: namePair ? pairRange(model, namePair) : pairRange(model, obj.kindPair),
        fixes: fixesOf(namespaceLabelFix(model, obj.node, 'restricted')),
      });
    }
  },
};

/** Rules about non-workload objects: Namespaces (the Secret and ConfigMap rules are in secrets.ts). */
import { KubeObject, getMap, getPair, pairRange } from '../model';
import { namespaceLabelFix } from '../fixes';
import { KubeRule, fixesOf } from './common';
import { frag } from '../../l10n/text';

function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

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
        range: namePair ? pairRange(model, namePair) : pairRange(model, obj.kindPair),
        fixes: fixesOf(namespaceLabelFix(model, obj.node, 'restricted')),
        l10n: frag('k8s.objects.namespace-has-no-enforce', 'Namespace "{name}" has no pod-security.kubernetes.io/enforce label: add one (restricted or baseline).', { name: obj.name ?? '?' }),
      });
    }
  },
};

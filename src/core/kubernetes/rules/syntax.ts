/** YAML problems of a manifest file: documents that do not parse, keys written twice. */
import { KubeRule } from './common';
import { frag, msg } from '../../l10n/text';

export const yamlSyntax: KubeRule = {
  id: 'k8s-yaml-syntax',
  title: 'Manifest YAML does not parse',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: [],
  description:
    'A document of the file is not valid YAML, so kubectl rejects it and Shipshape cannot check it: nothing in it is analysed (the other documents are). A key written twice in one mapping is reported here too: kubectl rejects it (strict field validation, the default since Kubernetes 1.25); where it is accepted anyway (--validate=false, older clients) the last value wins silently, and that is the value the other rules check.',
  remediation: 'Fix the YAML at the reported position (for a duplicate key, keep one of the two).',
  check(model, report) {
    for (const p of model.problems) {
      const ours = p.code === 'DUPLICATE_KEY' ? /^Duplicate key "([^]*)"$/.exec(p.message) : null;
      const problem = ours ? frag('k8s.syntax.duplicate-key', 'Duplicate key "{key}"', { key: ours[1] }) : p.message;
      const message = p.code === 'DUPLICATE_KEY'
        ? msg('k8s.syntax.duplicate', '{problem}: Kubernetes rejects the object; where it is accepted the last value wins (the value checked here).', { problem })
        : msg('k8s.syntax.yaml-error', 'YAML error: {problem} (this document is not analysed).', { problem });
      report({ range: model.rangeOf(p.start, p.end), ...message });
    }
  },
};

/** The Kubernetes manifest analyser: one parse per file, shared by all rules. */
import { Analyzer } from '../engine';
import { KubeModel, parseKubeModel, parseKubeModelOrSkip } from './model';
import { KUBERNETES_RULES } from './rules';
import { serviceAccountFacts } from './rules/podSpec';
import { deriveAdmission, namespaceAdmissionFacts } from './rules/admission';
import { Rule } from '../model';

/**
 * A rule that offers no fix in a file read through YAML aliases (an aliased node stands in
 * several places, and editing it would change all of them) or with duplicate keys (an edit of
 * the pair the model kept would leave the other one in the text).
 */
function withoutFixesWhenShared(rule: Rule<KubeModel>): Rule<KubeModel> {
  return {
    ...rule,
    check(model, report) {
      rule.check(model, model.aliased || model.duplicateKeys ? (r) => report({ ...r, fixes: undefined }) : report);
    },
  };
}

export const kubernetesAnalyzer: Analyzer<KubeModel> = {
  kind: 'kubernetes',
  parse: (text) => parseKubeModel(text),
  parseOrSkip: (text, _config, options) => parseKubeModelOrSkip(text, options),
  comments: (model) => model.comments,
  rules: KUBERNETES_RULES.map(withoutFixesWhenShared),
  facts: (model) => [...serviceAccountFacts(model), ...namespaceAdmissionFacts(model)],
  derive: deriveAdmission,
};

export type { KubeModel } from './model';
export { parseKubeModel, getPair } from './model';

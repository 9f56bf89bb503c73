/** The Kubernetes manifest analyser: one parse per file, shared by all rules. */
import { Analyzer } from '../engine';
import { KubeModel, parseKubeModel } from './model';
import { KUBERNETES_RULES } from './rules';
import { Rule } from '../model';

/**
 * A rule that offers no fix in a file read through YAML aliases: an aliased node stands in
 * several places, and editing it would change all of them.
 */
function withoutFixesWhenAliased(rule: Rule<KubeModel>): Rule<KubeModel> {
  return {
    ...rule,
    check(model, report) {
      rule.check(model, model.aliased ? (r) => report({ ...r, fixes: undefined }) : report);
    },
  };
}

export const kubernetesAnalyzer: Analyzer<KubeModel> = {
  kind: 'kubernetes',
  parse: (text) => parseKubeModel(text),
  comments: (model) => model.comments,
  rules: KUBERNETES_RULES.map(withoutFixesWhenAliased),
};

export type { KubeModel } from './model';
export { parseKubeModel, getPair } from './model';

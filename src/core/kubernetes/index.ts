/** The Kubernetes manifest analyser: one parse per file, shared by all rules. */
import { Analyzer, Skip } from '../engine';
import { ShipshapeConfig } from '../config';
import { KubeModel, parseKubeModel, parseKubeModelOrSkip } from './model';
import { KUBERNETES_RULES } from './rules';
import { serviceAccountFacts } from './rules/podSpec';
import { deriveAdmission, namespaceAdmissionFacts } from './rules/admission';
import { networkPolicyFacts } from './rules/networkPolicy';
import { imagePolicyFacts } from './rules/imageDigest';
import { Rule } from '../model';

/**
 * A rule that offers no fix in a file read through YAML aliases (an aliased node stands in
 * several places, and editing it would change all of them) or with duplicate keys (an edit of
 * the pair the model kept would leave the other one in the text).
 */
function withoutFixesWhenShared(rule: Rule<KubeModel>): Rule<KubeModel> {
  return {
    ...rule,
    check(model, report, run) {
      rule.check(model, model.aliased || model.duplicateKeys ? (r) => report({ ...r, fixes: undefined }) : report, run);
    },
  };
}

/** A parsed model with the settings its rules read (the trusted registries, KSV-0125). */
function withConfig<T extends KubeModel | Skip | undefined>(model: T, config: ShipshapeConfig): T {
  if (model && !(model instanceof Skip) && config.trustedRegistries.length > 0) model.memo.trustedRegistries = config.trustedRegistries;
  return model;
}

export const kubernetesAnalyzer: Analyzer<KubeModel> = {
  kind: 'kubernetes',
  parse: (text, config) => withConfig(parseKubeModel(text), config),
  parseOrSkip: (text, config, options) => withConfig(parseKubeModelOrSkip(text, options), config),
  comments: (model) => model.comments,
  rules: KUBERNETES_RULES.map(withoutFixesWhenShared),
  facts: (model) => [...serviceAccountFacts(model), ...namespaceAdmissionFacts(model), ...networkPolicyFacts(model), ...imagePolicyFacts(model)],
  derive: deriveAdmission,
};

export type { KubeModel } from './model';
export { parseKubeModel, getPair } from './model';

/** The Kubernetes manifest analyser: one parse per file, shared by all rules. */
import { Analyzer } from '../engine';
import { KubeModel, parseKubeModel } from './model';
import { KUBERNETES_RULES } from './rules';

export const kubernetesAnalyzer: Analyzer<KubeModel> = {
  kind: 'kubernetes',
  parse: (text) => parseKubeModel(text),
  comments: (model) => model.comments,
  rules: KUBERNETES_RULES,
};

export type { KubeModel } from './model';
export { parseKubeModel, getPair } from './model';

import { Analyzer } from '../engine';

// Placeholder until the Kubernetes analyser lands: parses nothing, reports nothing.
export const kubernetesAnalyzer: Analyzer<unknown> = {
  kind: 'kubernetes',
  parse: () => undefined,
  comments: () => [],
  rules: [],
};

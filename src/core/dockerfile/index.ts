import { Analyzer } from '../engine';

// Placeholder until the Dockerfile analyser lands: parses nothing, reports nothing.
export const dockerfileAnalyzer: Analyzer<unknown> = {
  kind: 'dockerfile',
  parse: () => undefined,
  comments: () => [],
  rules: [],
};

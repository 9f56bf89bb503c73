/** The pure engine's entry points: analyse a text of a known kind, list the rules. */
import { ShipshapeConfig, DEFAULT_CONFIG } from './config';
import { AnalysisResult, AnalyzeOptions, Analyzer, runAnalyzer } from './engine';
import { FileKind, RuleMeta } from './model';
import { mayBeKubernetes } from './limits';
import { mayBeCompose } from './compose/detect';

// Analysers (and their parsers) are loaded on first use: opening a Dockerfile never pays for
// the YAML parser, and an editor's activation pays for neither.
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Record<FileKind, () => Analyzer<any>> = {
  dockerfile: () => (require('./dockerfile') as typeof import('./dockerfile')).dockerfileAnalyzer,
  kubernetes: () => (require('./kubernetes') as typeof import('./kubernetes')).kubernetesAnalyzer,
  compose: () => (require('./compose') as typeof import('./compose')).composeAnalyzer,
  'github-workflow': () => (require('./github') as typeof import('./github')).githubWorkflowAnalyzer,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded: Partial<Record<FileKind, Analyzer<any>>> = {};

/** The analyser of a file kind. */
export function analyzerFor(kind: FileKind): Analyzer<any> {
  return (loaded[kind] ??= LOADERS[kind]());
}

/**
 * Analyses a text as the given kind of file. `kubernetes` stands for any YAML whose name does
 * not say what it is: a text that is not Kubernetes but has a top-level `services:` is tried as
 * Compose (the Compose parse then requires the Compose shape). Never throws.
 */
export function analyze(text: string, kind: FileKind, config: ShipshapeConfig = DEFAULT_CONFIG, options?: AnalyzeOptions): AnalysisResult {
  if (kind !== 'kubernetes' || options?.chartTemplate) return runAnalyzer(analyzerFor(kind), text, config, options);
  // Two substring tests: a manifest pays nothing more, a Compose file is not parsed as Kubernetes.
  const kube = mayBeKubernetes(text);
  if (!kube && mayBeCompose(text)) return analyzeAsCompose(text, config, options);
  const result = runAnalyzer(analyzerFor('kubernetes'), text, config, options);
  if (result.notApplicable && kube && mayBeCompose(text)) return analyzeAsCompose(text, config, options);
  return result;
}

function analyzeAsCompose(text: string, config: ShipshapeConfig, options: AnalyzeOptions | undefined): AnalysisResult {
  return runAnalyzer(analyzerFor('compose'), text, config, { ...options, composeByContent: true });
}

/** Every rule's metadata, Dockerfile rules first, then Kubernetes, Compose and GitHub workflows, in a stable order. */
export function allRules(): RuleMeta[] {
  return [...analyzerFor('dockerfile').rules, ...analyzerFor('kubernetes').rules, ...analyzerFor('compose').rules, ...analyzerFor('github-workflow').rules];
}

/** A rule's metadata by our id. */
export function findRule(id: string): RuleMeta | undefined {
  return allRules().find((r) => r.id === id);
}

export * from './model';
export * from './config';
export { detectFileKind } from './fileKind';
export type { AnalysisResult, AnalyzeOptions, SkipKind } from './engine';
export { AnalysisRun, skipFails } from './engine';

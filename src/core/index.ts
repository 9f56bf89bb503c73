/** The pure engine's entry points: analyse a text of a known kind, list the rules. */
import { ShipshapeConfig, DEFAULT_CONFIG } from './config';
import { AnalysisResult, AnalyzeOptions, Analyzer, runAnalyzer } from './engine';
import { FileKind, RuleMeta } from './model';

// Analysers (and their parsers) are loaded on first use: opening a Dockerfile never pays for
// the YAML parser, and an editor's activation pays for neither.
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Record<FileKind, () => Analyzer<any>> = {
  dockerfile: () => (require('./dockerfile') as typeof import('./dockerfile')).dockerfileAnalyzer,
  kubernetes: () => (require('./kubernetes') as typeof import('./kubernetes')).kubernetesAnalyzer,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded: Partial<Record<FileKind, Analyzer<any>>> = {};

/** The analyser of a file kind. */
export function analyzerFor(kind: FileKind): Analyzer<any> {
  return (loaded[kind] ??= LOADERS[kind]());
}

/** Analyses a text as the given kind of file. Never throws. */
export function analyze(text: string, kind: FileKind, config: ShipshapeConfig = DEFAULT_CONFIG, options?: AnalyzeOptions): AnalysisResult {
  return runAnalyzer(analyzerFor(kind), text, config, options);
}

/** Every rule's metadata, Dockerfile rules first, in a stable order. */
export function allRules(): RuleMeta[] {
  return [...analyzerFor('dockerfile').rules, ...analyzerFor('kubernetes').rules];
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

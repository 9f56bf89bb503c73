/** The pure engine's entry points: analyse a text of a known kind, list the rules. */
import { ShipshapeConfig, DEFAULT_CONFIG } from './config';
import { AnalysisResult, Analyzer, runAnalyzer } from './engine';
import { FileKind, RuleMeta } from './model';
import { dockerfileAnalyzer } from './dockerfile';
import { kubernetesAnalyzer } from './kubernetes';

const ANALYZERS: Record<FileKind, Analyzer<any>> = {
  dockerfile: dockerfileAnalyzer,
  kubernetes: kubernetesAnalyzer,
};

/** Analyses a text as the given kind of file. Never throws. */
export function analyze(text: string, kind: FileKind, config: ShipshapeConfig = DEFAULT_CONFIG): AnalysisResult {
  return runAnalyzer(ANALYZERS[kind], text, config);
}

/** Every rule's metadata, Dockerfile rules first, in a stable order. */
export function allRules(): RuleMeta[] {
  return [...dockerfileAnalyzer.rules, ...kubernetesAnalyzer.rules];
}

/** A rule's metadata by our id. */
export function findRule(id: string): RuleMeta | undefined {
  return allRules().find((r) => r.id === id);
}

export * from './model';
export * from './config';
export { detectFileKind } from './fileKind';
export type { AnalysisResult } from './engine';

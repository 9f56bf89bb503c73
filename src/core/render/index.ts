export { chartPrefix, ChartSourceFile, HelmMapInput, mapHelmFindings, MappedFinding } from './helm';
export { joinPosix, KustomizeFile, KustomizeMapInput, mapKustomizeFindings, ORIGIN_ANNOTATION } from './kustomize';
export { maskTemplate } from './template';

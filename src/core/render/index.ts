export { chartPrefix, ChartSourceFile, HelmMapInput, mapHelmFindings, MappedFinding } from './helm';
export { joinPosix, KustomizeFile, KustomizeMapInput, mapKustomizeFindings, ORIGIN_ANNOTATION } from './kustomize';
export { maskTemplate } from './template';
export { dropSuppressed, neutraliseDirectives, templateSuppressions } from './suppress';
export { FileFix, renderedChanges, valuesEdits } from './valuesFix';
/** Rule ids of the findings about a render itself (a chart that does not render or renders nothing), reported on Chart.yaml / the kustomization: no rule page. */
export const RENDER_PROBLEM_IDS: ReadonlySet<string> = new Set(['helm-render-failed', 'helm-render-empty', 'kustomize-build-failed', 'kustomize-build-empty']);

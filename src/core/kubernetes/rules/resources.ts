/**
 * Resource requests and limits (not PSS; Trivy KSV-0011/0015/0016/0018). A container with none of
 * the four is one problem with one fix: `k8s-resources-missing` reports it and `combines` the four
 * single rules' findings there (each keeps its own on/off, severity and suppression); the single
 * rules are `partOf` it, so its id turns off or ignores all four.
 */
import { Range, Report } from '../../model';
import { ContainerInfo, KubeModel, containerArgs, containerText, getMap, getPair } from '../model';
import { resourcesSnippetFix } from '../fixes';
import { KubeRule, RUN_LISTS, fixesOf, forEachContainer, missingRange } from './common';
import { frag } from '../../l10n/text';

const RESOURCES_MISSING = 'k8s-resources-missing';

/** Whether none of requests/limits × cpu/memory is set (no `resources`, `resources: {}`, empty sections). */
function noResourceSet(c: ContainerInfo): boolean {
  // Read by the five rules for every container: decided once.
  return (c.memo.noResourcesAll ??= noneOfTheFour(c));
}

function noneOfTheFour(c: ContainerInfo): boolean {
  const requests = getMap(c.resources, 'requests');
  const limits = getMap(c.resources, 'limits');
  return !getPair(requests, 'cpu') && !getPair(requests, 'memory') && !getPair(limits, 'cpu') && !getPair(limits, 'memory');
}

/** Where the finding about a container without any resource setting points: its `resources` key, else the container. */
function noResourcesRange(model: KubeModel, c: ContainerInfo): Range {
  // The combined finding and each single rule's point here: computed once per container.
  return (c.memo.resourcesRange ??= missingRange(model, c, RESOURCES_PATH));
}

const RESOURCES_PATH = ['resources'] as const;

/**
 * The report about a container without any resource setting, built once per container: the
 * combined rule reports it, and each single rule reports it too, to be folded into the combined
 * finding (which takes only their ids, references and severity), so the four build nothing.
 */
function noResourcesReport(model: KubeModel, c: ContainerInfo): Report {
  return (c.memo.noResources ??= {
    range: noResourcesRange(model, c),
    fixes: fixesOf(resourcesSnippetFix(model, c)),
    l10n: frag('k8s.resources.no-resource-requests-or', 'No resource requests or limits for {container}.', containerArgs(c)),
  });
}

function resourceRule(id: string, ksv: string, section: 'requests' | 'limits', resource: 'cpu' | 'memory'): KubeRule {
  const field = `resources.${section}.${resource}`;
  const why = section === 'limits'
    ? `Without a ${resource} limit one container can starve the others on its node${resource === 'memory' ? ' and the node itself' : ''}.`
    : `Without a ${resource} request the scheduler cannot place the pod sensibly and the container is the first to be evicted.`;
  return {
    id,
    title: `${resource === 'cpu' ? 'CPU' : 'Memory'} ${section === 'limits' ? 'limit' : 'request'} not set`,
    severity: 'low',
    appliesTo: 'kubernetes',
    references: [ksv],
    description: `${why} A container with no resource request or limit at all gets one finding, ${RESOURCES_MISSING}, instead of one per missing setting.`,
    remediation: `Set ${field} on every container (a LimitRange can provide defaults per namespace).`,
    partOf: RESOURCES_MISSING,
    check(model, report) {
      forEachContainer(model, RUN_LISTS, (c) => {
        const section_ = getMap(c.resources, section);
        if (getPair(section_, resource)) return;
        // Where none is set this finding folds into k8s-resources-missing's, at the same place.
        if (noResourceSet(c)) report(noResourcesReport(model, c));
        else report({ range: missingRange(model, c, ['resources', section]), fixes: fixesOf(resourcesSnippetFix(model, c)), l10n: frag('k8s.resources.set-for', 'Set {field} for {container}.', { field, container: containerText(c) }) });
      });
    },
  };
}

export const cpuLimit = resourceRule('k8s-cpu-limit', 'KSV-0011', 'limits', 'cpu');
export const cpuRequest = resourceRule('k8s-cpu-request', 'KSV-0015', 'requests', 'cpu');
export const memoryRequest = resourceRule('k8s-memory-request', 'KSV-0016', 'requests', 'memory');
export const memoryLimit = resourceRule('k8s-memory-limit', 'KSV-0018', 'limits', 'memory');

/**
 * One finding for a container with no resource request or limit at all. It stands only where a
 * single rule reports too (turning off KSV-0011 leaves the other three in it) and carries their
 * references and highest severity (the engine's foldCombined).
 */
export const resourcesMissing: KubeRule = {
  id: RESOURCES_MISSING,
  title: 'No resource requests or limits',
  severity: 'low',
  appliesTo: 'kubernetes',
  references: ['KSV-0011', 'KSV-0015', 'KSV-0016', 'KSV-0018'],
  combines: ['k8s-cpu-limit', 'k8s-cpu-request', 'k8s-memory-request', 'k8s-memory-limit'],
  description:
    'The container sets no CPU or memory request and no CPU or memory limit. Without requests the scheduler cannot place the pod sensibly and the container is the first to be evicted; without limits one container can starve the others on its node, and the node itself. This one finding stands for the four rules k8s-cpu-request, k8s-memory-request, k8s-cpu-limit and k8s-memory-limit (each still reports alone when only some settings are missing). Its public IDs are those of the four rules, and they keep their meaning: turning off or ignoring one of them (by its id or its KSV id) leaves this finding for the others, naming only theirs; turning off or ignoring k8s-resources-missing turns off or ignores all four.',
  remediation: 'Add resources.requests and resources.limits (cpu and memory) to the container, sized from what it uses (a LimitRange can provide defaults per namespace).',
  check(model, report) {
    forEachContainer(model, RUN_LISTS, (c) => {
      if (noResourceSet(c)) report(noResourcesReport(model, c));
    });
  },
};

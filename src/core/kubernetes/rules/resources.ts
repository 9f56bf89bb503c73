/** Resource requests and limits (not PSS; Trivy KSV-0011/0015/0016/0018). */
import { containerLabel, getMap, getPair } from '../model';
import { resourcesSnippetFix } from '../fixes';
import { KubeRule, RUN_LISTS, fixesOf, forEachContainer, missingRange } from './common';

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
    description: why,
    remediation: `Set ${field} on every container (a LimitRange can provide defaults per namespace).`,
    check(model, report) {
      forEachContainer(model, RUN_LISTS, (c) => {
        if (getPair(getMap(c.resources, section), resource)) return;
        report({ message: `Set ${field} for ${containerLabel(c)}.`, range: missingRange(model, c, ['resources', section]), fixes: fixesOf(resourcesSnippetFix(model, c)) });
      });
    },
  };
}

export const cpuLimit = resourceRule('k8s-cpu-limit', 'KSV-0011', 'limits', 'cpu');
export const cpuRequest = resourceRule('k8s-cpu-request', 'KSV-0015', 'requests', 'cpu');
export const memoryRequest = resourceRule('k8s-memory-request', 'KSV-0016', 'requests', 'memory');
export const memoryLimit = resourceRule('k8s-memory-limit', 'KSV-0018', 'limits', 'memory');

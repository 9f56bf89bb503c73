/** Probe and lifecycle handler rules: no `host` for the kubelet to connect to (PSS baseline, policy 1.34+). */
import { YAMLMap, isScalar } from 'yaml';
import {containerText, getMap, getPair, pairRange } from '../model';
import { removePairFix } from '../fixes';
import { ALL_LISTS, KubeRule, fixesOf, forEachContainer, pss } from './common';
import { fixTitle, frag } from '../../l10n/text';

const HOOKS = ['postStart', 'preStop'] as const;
const HANDLERS = ['httpGet', 'tcpSocket'] as const;

export const hostProbes: KubeRule = {
  id: 'k8s-probe-host',
  title: 'Probe or lifecycle hook connects to another host',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: [pss('baseline', 'hostProbesAndHostLifecycle')],
  pss: 'baseline',
  description:
    'The kubelet runs httpGet and tcpSocket probes and lifecycle hooks from the node, so a host field makes it connect wherever the manifest says: another pod, a node-local service or a cloud metadata endpoint, with the node\'s network position. The baseline Pod Security Standard (policy 1.34+) forbids a host in the liveness, readiness and startup probes and in the postStart and preStop hooks of every container, init container and ephemeral container; only an empty host (the pod\'s own IP) is allowed, loopback addresses included in the ban.',
  remediation: 'Remove the host field so the kubelet probes the pod itself; check a dependency from inside the container (an exec probe) instead.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      if (c.probes.length === 0 && !c.lifecycle) return;
      const owners: Array<YAMLMap | undefined> = [...c.probes];
      if (c.lifecycle) for (const hook of HOOKS) owners.push(getMap(c.lifecycle, hook));
      for (const owner of owners) {
        if (!owner) continue;
        for (const handler of HANDLERS) {
          const map = getMap(owner, handler);
          const pair = getPair(map, 'host');
          if (!map || !pair || !isScalar(pair.value)) continue;
          const host = pair.value.value;
          if (host === null || host === undefined || host === '') continue;
          report({
            range: pairRange(model, pair),
            fixes: fixesOf(removePairFix(model, map, pair, fixTitle('k8s.probes.remove-host-connect-to', 'Remove host (connect to the pod itself)'))),
            l10n: frag('k8s.probes.has-a-handler-with', '{^container} has a {handler} handler with host {host}: remove host so the kubelet connects to the pod itself.', { container: containerText(c), handler, host: String(host) }),
          });
        }
      }
    });
  },
};

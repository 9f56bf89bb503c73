/** Container securityContext rules: privilege escalation, privileged, root filesystem, root user, procMount. */
import { isScalar, isSeq } from 'yaml';
import { ContainerInfo, boolOf, containerArgs, containerRange, containerText, getPair, isNullNode, pairRange } from '../model';
import {
  hardenContainerFix, noEscalationFix, readOnlyRootFix, removePairFix, replaceValueFix, runAsNonRootFix, setFalseFix,
} from '../fixes';
import {
  ALL_LISTS, KubeRule, RUN_LISTS, fixesOf, forEachContainer, inheritedFrom, missingRange, pss, usesUserNamespace,
} from './common';
import { fixTitle, frag } from '../../l10n/text';

const SET_PRIVILEGED_FALSE = fixTitle('k8s.securityContext.set-privileged-false', 'Set privileged: false');

export const allowPrivilegeEscalation: KubeRule = {
  id: 'k8s-allow-privilege-escalation',
  title: 'Container allows privilege escalation',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0001', pss('restricted', 'allowPrivilegeEscalation'), 'CIS-5.2.6'],
  pss: 'restricted',
  description: 'Unless allowPrivilegeEscalation is false, a process in the container can gain more privileges than its parent (setuid binaries, file capabilities). The restricted Pod Security Standard requires it to be false in every container, init container and ephemeral container; leaving it out counts as true. Windows pods are exempt (policy 1.25+). A privileged container is reported by k8s-privileged alone: Kubernetes rejects allowPrivilegeEscalation: false next to privileged: true (and next to an added SYS_ADMIN, where no fix is offered).',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container (Windows pods are exempt).',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      // Kubernetes rejects allowPrivilegeEscalation: false next to privileged: true: the
      // privileged finding stands alone instead of advice the API would refuse.
      if (c.pod.windows || isPrivileged(c)) return;
      const pair = c.sc.allowPrivilegeEscalation;
      if (pair && boolOf(pair.value) === false) return;
      const fixes = fixesOf(noEscalationFix(model, c), hardenContainerFix(model, c, 'allowPrivilegeEscalation'));
      if (pair) {
        report({ range: pairRange(model, pair), fixes, l10n: frag('k8s.securityContext.set-allowprivilegeescalation-to-false', 'Set allowPrivilegeEscalation to false in {container}.', containerArgs(c)) });
      } else {
        report({ range: missingRange(model, c, ['securityContext']), fixes, l10n: frag('k8s.securityContext.add-allowprivilegeescalation-false-to', 'Add allowPrivilegeEscalation: false to the securityContext of {container}: when it is missing, privilege escalation is allowed.', containerArgs(c)) });
      }
    });
  },
};

export const privileged: KubeRule = {
  id: 'k8s-privileged',
  title: 'Privileged container',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0017', pss('baseline', 'privileged'), 'CIS-5.2.2'],
  pss: 'baseline',
  description: 'A privileged container has all capabilities and access to the host devices: escaping to the node is trivial. Checked in every container, init container and ephemeral container; its finding stands alone (no drop-ALL or allowPrivilegeEscalation advice, which has no effect on, or is rejected next to, privileged: true).',
  remediation: 'Remove privileged: true (or set it to false) and grant only the specific capabilities the workload needs.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      const pair = c.sc.privileged;
      if (!pair || boolOf(pair.value) !== true) return;
      report({
        range: pairRange(model, pair),
        fixes: fixesOf(setFalseFix(model, pair, SET_PRIVILEGED_FALSE), hardenContainerFix(model, c, 'privileged')),
        l10n: frag('k8s.securityContext.runs-privileged-set-privileged', '{^container} runs privileged: set privileged to false.', containerArgs(c)),
      });
    });
  },
};

export const readOnlyRootFilesystem: KubeRule = {
  id: 'k8s-readonly-rootfs',
  title: 'Root filesystem is writable',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0014'],
  description: 'A writable root filesystem lets an attacker drop tools or change binaries inside the container. Not part of the Pod Security Standards, but Trivy, kube-linter and Polaris all flag it.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the application must write (e.g. /tmp).',
  check(model, report) {
    forEachContainer(model, RUN_LISTS, (c) => {
      const pair = c.sc.readOnlyRootFilesystem;
      if (pair && boolOf(pair.value) === true) return;
      const fixes = fixesOf(readOnlyRootFix(model, c), hardenContainerFix(model, c, 'readOnlyRootFilesystem'));
      report({
        range: pair ? pairRange(model, pair) : missingRange(model, c, ['securityContext']),
        fixes,
        l10n: frag('k8s.securityContext.set-readonlyrootfilesystem-true-in', 'Set readOnlyRootFilesystem: true in {container} (mount an emptyDir where it must write).', containerArgs(c)),
      });
    });
  },
};

export const runAsNonRoot: KubeRule = {
  id: 'k8s-run-as-non-root',
  title: 'Container may run as root',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0012', pss('restricted', 'runAsNonRoot'), 'CIS-5.2.7'],
  pss: 'restricted',
  description: 'Without runAsNonRoot: true the kubelet starts the container even when its image runs as root. A container inherits the pod-level value unless it sets its own; an explicit false anywhere (pod or any container kind) fails the restricted profile. Pods with hostUsers: false (user namespaces) are exempt (policy 1.35+).',
  remediation: 'Set runAsNonRoot: true in the pod-level securityContext (or on every container) and make sure the image has a non-root USER.',
  check(model, report) {
    for (const pod of model.pods) {
      if (usesUserNamespace(pod)) continue;
      let everyContainerOverrides = pod.containers.length > 0;
      for (const c of pod.containers) {
        const src = c.effective.runAsNonRoot;
        if (src?.from !== 'container') everyContainerOverrides = false;
        if (src && boolOf(src.pair.value) === true) continue;
        const fixes = fixesOf(runAsNonRootFix(model, c), hardenContainerFix(model, c, 'runAsNonRoot'));
        if (!src) {
          report({ range: missingRange(model, c, ['securityContext']), fixes, l10n: frag('k8s.securityContext.set-runasnonroot-true-for', 'Set runAsNonRoot: true for {container} (in its securityContext or the pod\'s).', containerArgs(c)) });
        } else if (src.from === 'container') {
          report({ range: pairRange(model, src.pair), fixes, l10n: frag('k8s.securityContext.sets-runasnonroot-to-something', '{^container} sets runAsNonRoot to something other than true: set it to true.', containerArgs(c)) });
        } else {
          report({ range: containerRange(model, c), related: inheritedFrom(model, src.pair), fixes, l10n: frag('k8s.securityContext.inherits-runasnonroot-false-from', '{^container} inherits runAsNonRoot: false from the pod: set it to true.', containerArgs(c)) });
        }
      }
      // A pod-level false is a violation even when every container overrides it.
      const podPair = getPair(pod.securityContext, 'runAsNonRoot');
      if (podPair && everyContainerOverrides && boolOf(podPair.value) === false) {
        report({ range: pairRange(model, podPair), fixes: fixesOf(replaceValueFix(model, podPair, 'true', fixTitle('k8s.securityContext.set-runasnonroot-true', 'Set runAsNonRoot: true'))), l10n: frag('k8s.securityContext.the-pod-sets-runasnonroot', 'The pod sets runAsNonRoot: false: set it to true.') });
      }
    }
  },
};

export const runAsUid0: KubeRule = {
  id: 'k8s-run-as-uid-0',
  title: 'Runs as user id 0',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0105', pss('restricted', 'runAsUser')],
  pss: 'restricted',
  description: 'runAsUser: 0 runs the container as root, whatever the image says. The restricted profile forbids it at pod level and in every container kind (except with hostUsers: false, policy 1.35+).',
  remediation: 'Remove runAsUser: 0 or set a non-zero user id (e.g. 10001) that the image supports.',
  check(model, report) {
    for (const pod of model.pods) {
      if (usesUserNamespace(pod)) continue;
      const podPair = getPair(pod.securityContext, 'runAsUser');
      if (podPair && isZero(podPair.value) && pod.securityContext) {
        report({ range: pairRange(model, podPair), fixes: fixesOf(removePairFix(model, pod.securityContext, podPair, fixTitle('k8s.securityContext.remove-runasuser-0', 'Remove runAsUser: 0'))), l10n: frag('k8s.securityContext.the-pod-runs-as', 'The pod runs as user id 0 (root): use a non-zero runAsUser.') });
      }
      for (const c of pod.containers) {
        const pair = c.sc.runAsUser;
        if (!pair || !isZero(pair.value) || !c.securityContext) continue;
        report({ range: pairRange(model, pair), fixes: fixesOf(removePairFix(model, c.securityContext, pair, fixTitle('k8s.securityContext.remove-runasuser-0', 'Remove runAsUser: 0'))), l10n: frag('k8s.securityContext.runs-as-user-id', '{^container} runs as user id 0 (root): use a non-zero runAsUser.', containerArgs(c)) });
      }
    }
  },
};

export const rootGroup: KubeRule = {
  id: 'k8s-root-group',
  title: 'Runs with the root group',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0029', 'KSV-0116'],
  description: 'Group id 0 (root) as primary, supplementary or filesystem group gives access to files owned by the root group. The Pod Security Standards list it as optional (not enforced).',
  remediation: 'Use non-zero runAsGroup, fsGroup and supplementalGroups.',
  check(model, report) {
    for (const pod of model.pods) {
      const sc = pod.securityContext;
      for (const key of ['runAsGroup', 'fsGroup'] as const) {
        const pair = getPair(sc, key);
        if (pair && isZero(pair.value)) report({ range: pairRange(model, pair), l10n: frag('k8s.securityContext.the-pod-sets-0', 'The pod sets {key}: 0 (root group): use a non-zero group id.', { key }) });
      }
      const groups = getPair(sc, 'supplementalGroups')?.value;
      if (isSeq(groups)) {
        for (const item of groups.items) {
          if (isZero(item)) report({ range: model.rangeOf(item.range![0], item.range![1]), l10n: frag('k8s.securityContext.supplementalgroups-contains-0-root', 'supplementalGroups contains 0 (root group): remove it.') });
        }
      }
      for (const c of pod.containers) {
        const pair = c.sc.runAsGroup;
        if (pair && isZero(pair.value)) report({ range: pairRange(model, pair), l10n: frag('k8s.securityContext.sets-runasgroup-0-root', '{^container} sets runAsGroup: 0 (root group): use a non-zero group id.', containerArgs(c)) });
      }
    }
  },
};

/** A procMount other than Default; null (unset) is allowed, as PSA reads a nil pointer. */
function badProcMount(c: ContainerInfo): boolean {
  const pair = c.sc.procMount;
  return !!pair && !isNullNode(pair.value) && !(isScalar(pair.value) && pair.value.value === 'Default');
}

function reportProcMount(model: Parameters<KubeRule['check']>[0], c: ContainerInfo, report: Parameters<KubeRule['check']>[1]): void {
  const pair = c.sc.procMount!;
  const value = isScalar(pair.value) ? String(pair.value.value) : 'a non-scalar value';
  report({ range: pairRange(model, pair), fixes: fixesOf(replaceValueFix(model, pair, 'Default', fixTitle('k8s.securityContext.set-procmount-default', 'Set procMount: Default'))), l10n: frag('k8s.securityContext.sets-procmount-to-remove', '{^container} sets procMount to {value}: remove it or use Default.', { container: containerText(c), value }) });
}

export const procMount: KubeRule = {
  id: 'k8s-proc-mount',
  title: 'Unmasked /proc mount',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0027', pss('baseline', 'procMount')],
  pss: 'baseline',
  description: 'procMount: Unmasked exposes the host\'s /proc paths that the container runtime normally masks. The baseline Pod Security Standard allows only Default (or no value) in every container kind, except in pods with hostUsers: false (user namespaces, policy 1.35+), where the masked paths belong to the pod\'s own user namespace; the restricted standard still forbids it there (k8s-proc-mount-restricted). Trivy flags any value; we follow PSS.',
  remediation: 'Remove procMount or set it to Default.',
  check(model, report) {
    for (const pod of model.pods) {
      if (usesUserNamespace(pod)) continue;
      for (const c of pod.containers) if (badProcMount(c)) reportProcMount(model, c, report);
    }
  },
};

export const procMountRestricted: KubeRule = {
  id: 'k8s-proc-mount-restricted',
  title: 'Unmasked /proc mount (restricted)',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: [pss('restricted', 'procMount_restricted')],
  pss: 'restricted',
  coveredBy: ['k8s-proc-mount'],
  description: 'The restricted Pod Security Standard (policy 1.35+) allows only the Default procMount in every container kind, also in pods with hostUsers: false, which the baseline standard relaxes. Where k8s-proc-mount reports the same container, the two are one finding.',
  remediation: 'Remove procMount or set it to Default.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      if (badProcMount(c)) reportProcMount(model, c, report);
    });
  },
};

/** `privileged: true`: the privileged finding covers what else the container's context says about escalation. */
export function isPrivileged(c: ContainerInfo): boolean {
  return boolOf(c.sc.privileged?.value) === true;
}

function isZero(node: unknown): node is { value: number; range: [number, number, number] } {
  return isScalar(node) && node.value === 0;
}

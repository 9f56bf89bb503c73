/** Seccomp rules: a RuntimeDefault/Localhost profile (restricted), never Unconfined (baseline). */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { KeyPair, containerLabel, containerRange, getPair, pairRange } from '../model';
import { GOOD_SECCOMP, hardenContainerFix, replaceValueFix, seccompFix } from '../fixes';
import { ALL_LISTS, KubeRule, cap, fixesOf, forEachContainer, inheritedFrom, missingRange, pss } from './common';

function typePair(profilePair: KeyPair | undefined): KeyPair | undefined {
  return profilePair && isMap(profilePair.value) ? getPair(profilePair.value as YAMLMap, 'type') : undefined;
}

function typeOf(profilePair: KeyPair | undefined): string | undefined {
  const v = typePair(profilePair)?.value;
  return isScalar(v) && typeof (v as Scalar).value === 'string' ? (v as Scalar<string>).value : undefined;
}

export const seccomp: KubeRule = {
  id: 'k8s-seccomp',
  title: 'No RuntimeDefault or Localhost seccomp profile',
  severity: 'low',
  appliesTo: 'kubernetes',
  references: ['KSV-0030', pss('restricted', 'seccompProfile_restricted'), 'CIS-5.7.2'],
  pss: 'restricted',
  description: 'Without a seccomp profile a container can use every system call, which widens the kernel attack surface. The restricted profile requires seccompProfile.type RuntimeDefault or Localhost at pod level or on every container (Windows pods are exempt).',
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault in the pod spec; containers inherit it.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      if (c.pod.windows) return;
      const src = c.effective.seccompProfile;
      const type = typeOf(src?.pair);
      if (type && GOOD_SECCOMP.has(type)) return;
      const fixes = fixesOf(seccompFix(model, c), hardenContainerFix(model, c, 'seccompProfile'));
      if (!src) {
        report({ message: `Set seccompProfile.type: RuntimeDefault for ${containerLabel(c)} (in the pod's securityContext, so every container inherits it).`, range: missingRange(model, c, ['securityContext']), fixes });
      } else if (src.from === 'container') {
        report({ message: `${cap(containerLabel(c))} uses seccomp profile ${type ?? '(no type)'}: use RuntimeDefault or Localhost.`, range: pairRange(model, typePair(src.pair) ?? src.pair), fixes });
      } else {
        report({ message: `${cap(containerLabel(c))} inherits seccomp profile ${type ?? '(no type)'} from the pod: use RuntimeDefault or Localhost.`, range: containerRange(model, c), related: inheritedFrom(model, src.pair), fixes });
      }
    });
  },
};

export const seccompUnconfined: KubeRule = {
  id: 'k8s-seccomp-unconfined',
  title: 'Seccomp profile Unconfined',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0104', pss('baseline', 'seccompProfile_baseline')],
  pss: 'baseline',
  description: 'seccompProfile.type: Unconfined turns seccomp filtering off. The baseline profile forbids it at pod and container level (a missing profile is allowed by baseline; k8s-seccomp covers restricted).',
  remediation: 'Use seccompProfile.type: RuntimeDefault (or a Localhost profile).',
  check(model, report) {
    for (const pod of model.pods) {
      const podProfile = getPair(pod.securityContext, 'seccompProfile');
      const podType = typePair(podProfile);
      if (podType && typeOf(podProfile)?.toLowerCase() === 'unconfined') {
        report({ message: 'The pod disables seccomp (Unconfined): use RuntimeDefault.', range: pairRange(model, podType), fixes: fixesOf(replaceValueFix(model, podType, 'RuntimeDefault', 'Set seccompProfile.type: RuntimeDefault')) });
      }
      for (const c of pod.containers) {
        const profile = c.sc.seccompProfile;
        const t = typePair(profile);
        if (!t || typeOf(profile)?.toLowerCase() !== 'unconfined') continue;
        report({ message: `${cap(containerLabel(c))} disables seccomp (Unconfined): use RuntimeDefault.`, range: pairRange(model, t), fixes: fixesOf(replaceValueFix(model, t, 'RuntimeDefault', 'Set seccompProfile.type: RuntimeDefault'), hardenContainerFix(model, c, 'seccompProfile')) });
      }
    }
  },
};

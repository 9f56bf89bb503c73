/** Seccomp rules: a RuntimeDefault/Localhost profile (restricted), never Unconfined (baseline). */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { KeyPair, containerArgs, containerRange, containerText, getPair, isNullNode, pairRange } from '../model';
import { GOOD_SECCOMP, hardenContainerFix, replaceValueFix, seccompFix } from '../fixes';
import { KubeRule, fixesOf, inheritedFrom, missingRange, pss } from './common';
import { Text, fixTitle, frag } from '../../l10n/text';

function typePair(profilePair: KeyPair | undefined): KeyPair | undefined {
  return profilePair && isMap(profilePair.value) ? getPair(profilePair.value as YAMLMap, 'type') : undefined;
}

function typeOf(profilePair: KeyPair | undefined): string | undefined {
  const v = typePair(profilePair)?.value;
  return isScalar(v) && typeof (v as Scalar).value === 'string' ? (v as Scalar<string>).value : undefined;
}

/**
 * Where a set seccomp profile is wrong, as Pod Security admission reads it: a profile that is
 * set (not null) with a type other than RuntimeDefault or Localhost (Unconfined, or none at
 * all). Points at the type pair, else at the profile's key. Undefined when the profile is fine or unset.
 */
function badProfileAt(profilePair: KeyPair | undefined): KeyPair | undefined {
  if (!profilePair || isNullNode(profilePair.value)) return undefined;
  const type = typeOf(profilePair);
  if (type && GOOD_SECCOMP.has(type)) return undefined;
  return typePair(profilePair) ?? profilePair;
}

export const seccomp: KubeRule = {
  id: 'k8s-seccomp',
  title: 'No RuntimeDefault or Localhost seccomp profile',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0030', pss('restricted', 'seccompProfile_restricted'), 'CIS-5.7.2'],
  pss: 'restricted',
  coveredBy: ['k8s-seccomp-unconfined'],
  description: 'Without a seccomp profile a container can use every system call, which widens the kernel attack surface. The restricted profile requires seccompProfile.type RuntimeDefault or Localhost at pod level or on every container, init container and ephemeral container, and a wrong pod-level profile fails even when every container sets its own, which k8s-seccomp-unconfined (baseline) reports (Windows pods are exempt, policy 1.25+). A profile k8s-seccomp-unconfined already reports, set on the container or inherited from the pod, is one finding with it.',
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault in the pod spec; containers inherit it.',
  check(model, report) {
    for (const pod of model.pods) {
      if (pod.windows) continue;
      for (const c of pod.containers) {
        const src = c.effective.seccompProfile;
        const type = typeOf(src?.pair);
        if (type && GOOD_SECCOMP.has(type)) continue;
        const fixes = fixesOf(seccompFix(model, c), hardenContainerFix(model, c, 'seccompProfile'));
        if (!src) {
          report({ range: missingRange(model, c, ['securityContext']), fixes, l10n: frag('k8s.seccomp.set-seccompprofile-type-runtimedefault', 'Set seccompProfile.type: RuntimeDefault for {container} (in the pod\'s securityContext, so every container inherits it).', containerArgs(c)) });
          continue;
        }
        const at = typePair(src.pair) ?? src.pair;
        if (src.from === 'container') {
          report({ range: pairRange(model, at), about: pairRange(model, at), fixes, l10n: frag('k8s.seccomp.uses-seccomp-profile-use', '{^container} uses seccomp profile {type}: use RuntimeDefault or Localhost.', { container: containerText(c), type: type ?? NO_TYPE }) });
        } else {
          report({ range: containerRange(model, c), about: pairRange(model, at), related: inheritedFrom(model, src.pair), fixes, l10n: frag('k8s.seccomp.inherits-seccomp-profile-from', '{^container} inherits seccomp profile {type} from the pod: use RuntimeDefault or Localhost.', { container: containerText(c), type: type ?? NO_TYPE }) });
        }
      }
    }
  },
};

export const seccompUnconfined: KubeRule = {
  id: 'k8s-seccomp-unconfined',
  title: 'Seccomp profile Unconfined',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0104', pss('baseline', 'seccompProfile_baseline')],
  pss: 'baseline',
  description: 'seccompProfile.type: Unconfined turns seccomp filtering off. The baseline profile forbids a set profile of any type other than RuntimeDefault or Localhost, at pod level and in every container kind (a missing profile is allowed by baseline; k8s-seccomp covers restricted).',
  remediation: 'Use seccompProfile.type: RuntimeDefault (or a Localhost profile).',
  check(model, report) {
    for (const pod of model.pods) {
      const podProfile = getPair(pod.securityContext, 'seccompProfile');
      const podBad = badProfileAt(podProfile);
      if (podBad) {
        report({ range: pairRange(model, podBad), fixes: fixesOf(podBad !== podProfile ? replaceValueFix(model, podBad, 'RuntimeDefault', fixTitle('k8s.seccomp.set-seccompprofile-type-runtimedefault-2', 'Set seccompProfile.type: RuntimeDefault')) : undefined), l10n: frag('k8s.seccomp.the-pod-use-runtimedefault', 'The pod {value}: use RuntimeDefault.', { value: describe(podProfile!) }) });
      }
      for (const c of pod.containers) {
        const profile = c.sc.seccompProfile;
        const bad = badProfileAt(profile);
        if (!bad) continue;
        report({ range: pairRange(model, bad), fixes: fixesOf(bad !== profile ? replaceValueFix(model, bad, 'RuntimeDefault', fixTitle('k8s.seccomp.set-seccompprofile-type-runtimedefault-2', 'Set seccompProfile.type: RuntimeDefault')) : undefined, hardenContainerFix(model, c, 'seccompProfile')), l10n: frag('k8s.seccomp.use-runtimedefault', '{^container} {value}: use RuntimeDefault.', { container: containerText(c), value: describe(profile!) }) });
      }
    }
  },
};

const NO_TYPE = frag('k8s.seccomp.no-type', '(no type)');

function describe(profilePair: KeyPair): Text {
  const type = typeOf(profilePair);
  if (type === 'Unconfined') return frag('k8s.seccomp.unconfined', 'disables seccomp (Unconfined)');
  return type ? frag('k8s.seccomp.other-type', 'sets the seccomp profile type "{type}", which is not RuntimeDefault or Localhost', { type }) : frag('k8s.seccomp.without-type', 'sets a seccomp profile without a type');
}

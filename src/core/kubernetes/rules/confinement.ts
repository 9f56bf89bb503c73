/**
 * Confinement rules of the baseline Pod Security Standard that are set at pod or container
 * level alike: SELinux options, AppArmor profiles (field and the older annotations) and Windows
 * HostProcess containers.
 */
import { YAMLMap, isScalar } from 'yaml';
import { KeyPair, PodSpecInfo, boolOf, containerText, getMap, getPair, isNullNode, keyRange, pairRange } from '../model';
import { removePairFix, replaceValueFix } from '../fixes';
import { KubeRule, fixesOf, pss } from './common';
import { Text, fixTitle, frag, msg } from '../../l10n/text';

/** The pod's securityContext, then each container's (all three lists), with who it belongs to. */
const THE_POD = frag('k8s.the-pod', 'the pod');

function forEachSecurityContext(pod: PodSpecInfo, fn: (sc: YAMLMap, owner: Text) => void): void {
  if (pod.securityContext) fn(pod.securityContext, THE_POD);
  for (const c of pod.containers) if (c.securityContext) fn(c.securityContext, containerText(c));
}

/** A scalar pair's value as text ('' when empty or null); undefined when it is not a scalar. */
function scalarText(pair: KeyPair): string | undefined {
  if (!isScalar(pair.value)) return undefined;
  const v = pair.value.value;
  return v === null || v === undefined ? '' : String(v);
}

/** SELinux types the baseline standard allows (container_engine_t since Kubernetes 1.31). */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export const seLinuxCustom: KubeRule = {
  id: 'k8s-selinux-custom',
  title: 'Custom SELinux options',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0025', pss('baseline', 'seLinuxOptions')],
  pss: 'baseline',
  description:
    'A custom SELinux type, user or role can give the container a label with more access to the host than the container types allow. The baseline Pod Security Standard allows only the container types (container_t, container_init_t, container_kvm_t, container_engine_t) and no user or role. (Trivy also flags container_engine_t; we follow the standard.)',
  remediation: 'Remove seLinuxOptions.user and .role, and use one of the container types (or no type at all).',
  check(model, report) {
    for (const pod of model.pods) {
      forEachSecurityContext(pod, (sc, owner) => {
        const options = getMap(sc, 'seLinuxOptions');
        if (!options) return;
        const type = getPair(options, 'type');
        const typeText = type && scalarText(type);
        if (type && typeText !== undefined && !SELINUX_TYPES.has(typeText)) {
          report({
            range: pairRange(model, type),
            fixes: fixesOf(replaceValueFix(model, type, 'container_t', fixTitle('k8s.confinement.set-selinuxoptions-type-container', 'Set seLinuxOptions.type: container_t'))),
            l10n: frag('k8s.confinement.sets-the-selinux-type', '{^owner} sets the SELinux type "{typeText}": use container_t or remove the type.', { owner, typeText }),
          });
        }
        for (const key of ['user', 'role'] as const) {
          const pair = getPair(options, key);
          if (!pair || scalarText(pair) === '') continue;
          report({
            range: pairRange(model, pair),
            fixes: fixesOf(removePairFix(model, options, pair, fixTitle('k8s.confinement.remove-selinuxoptions', 'Remove seLinuxOptions.{key}', { key }))),
            l10n: frag('k8s.confinement.sets-a-custom-selinux', '{^owner} sets a custom SELinux {key}: remove seLinuxOptions.{key}.', { owner, key }),
          });
        }
      });
    }
  },
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

export const appArmorNotDefault: KubeRule = {
  id: 'k8s-apparmor-not-default',
  title: 'AppArmor profile turned off',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0002', pss('baseline', 'appArmorProfile')],
  pss: 'baseline',
  description:
    'An Unconfined AppArmor profile removes the confinement the container runtime applies by default. The baseline Pod Security Standard allows only the runtime default or a profile loaded on the node (Localhost), in the appArmorProfile field (pod and every container kind; a profile without a type is rejected too) or the older container.apparmor.security.beta.kubernetes.io annotations (empty, runtime/default or localhost/…), which Pod Security admission still reads. (Trivy also flags localhost profiles; we follow the standard.)',
  remediation: 'Set appArmorProfile.type to RuntimeDefault (or Localhost with a profile), or the annotation to runtime/default.',
  check(model, report) {
    for (const pod of model.pods) {
      forEachSecurityContext(pod, (sc, owner) => {
        // A set profile (not null) must say RuntimeDefault or Localhost; one without a type is rejected too.
        const profile = getPair(sc, 'appArmorProfile');
        if (!profile || isNullNode(profile.value)) return;
        const type = getPair(getMap(sc, 'appArmorProfile'), 'type');
        const value = type && scalarText(type);
        if (value === 'RuntimeDefault' || value === 'Localhost') return;
        report({
          range: type ? pairRange(model, type) : keyRange(model, profile),
          fixes: type ? fixesOf(replaceValueFix(model, type, 'RuntimeDefault', fixTitle('k8s.confinement.set-apparmorprofile-type-runtimedefault', 'Set appArmorProfile.type: RuntimeDefault'))) : undefined,
          ...(type && value ? msg('k8s.confinement.uses-the-apparmor-profile', '{^owner} uses the AppArmor profile type "{value}": use RuntimeDefault.', { owner, value }) : msg('k8s.confinement.sets-an-apparmor-profile', '{^owner} sets an AppArmor profile without a type: use RuntimeDefault.', { owner })),
        });
      });
      const annotations = getMap(pod.metadata, 'annotations');
      for (const item of annotations?.items ?? []) {
        const pair = item as KeyPair;
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.value.startsWith(APPARMOR_ANNOTATION)) continue;
        const value = scalarText(pair);
        if (value === undefined || value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
        const container = pair.key.value.slice(APPARMOR_ANNOTATION.length);
        report({
          range: pairRange(model, pair),
          fixes: fixesOf(replaceValueFix(model, pair, 'runtime/default', fixTitle('k8s.confinement.set-the-apparmor-annotation', 'Set the AppArmor annotation to runtime/default'))),
          l10n: frag('k8s.confinement.the-apparmor-annotation-of', 'The AppArmor annotation of container "{container}" is "{value}": use runtime/default.', { container, value }),
        });
      }
    }
  },
};

export const windowsHostProcess: KubeRule = {
  id: 'k8s-windows-host-process',
  title: 'Windows HostProcess container',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0103', pss('baseline', 'windowsHostProcess')],
  pss: 'baseline',
  description:
    'A Windows HostProcess container runs directly on the node with the privileges of a host process: it has the access of a privileged Linux container. The baseline Pod Security Standard forbids it.',
  remediation: 'Remove windowsOptions.hostProcess (or set it to false); run node administration as a separately reviewed privileged workload.',
  check(model, report) {
    for (const pod of model.pods) {
      forEachSecurityContext(pod, (sc, owner) => {
        const options = getMap(sc, 'windowsOptions');
        const pair = getPair(options, 'hostProcess');
        if (!options || !pair || boolOf(pair.value) !== true) return;
        report({
          range: pairRange(model, pair),
          fixes: fixesOf(removePairFix(model, options, pair, fixTitle('k8s.confinement.remove-hostprocess-true', 'Remove hostProcess: true'))),
          l10n: frag('k8s.confinement.runs-as-a-windows', '{^owner} runs as a Windows HostProcess container: remove hostProcess: true.', { owner }),
        });
      });
    }
  },
};

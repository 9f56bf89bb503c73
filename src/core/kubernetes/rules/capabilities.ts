/** Linux capability rules: drop ALL, no dangerous or non-baseline adds. */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { ContainerInfo, KubeModel, containerArgs, containerText, getPair, getSeq, keyRange, nodeRange } from '../model';
import { DROP_ALL, capabilityName, dropAllFix, hardenContainerFix, removeAddedCapsFix } from '../fixes';
import { ALL_LISTS, KubeRule, fixesOf, forEachContainer, missingRange, pss } from './common';
import { isPrivileged } from './securityContext';
import { Text, TitleLike, fixTitle, frag } from '../../l10n/text';

/** Capabilities the baseline profile lets a container add. */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesOf(c: ContainerInfo): YAMLMap | undefined {
  const v = c.sc.capabilities?.value;
  return isMap(v) ? v : undefined;
}

function addedCaps(c: ContainerInfo): Scalar[] {
  const add = getSeq(capabilitiesOf(c), 'add');
  return add ? (add.items.filter((it) => isScalar(it)) as Scalar[]) : [];
}

/** A finding's message about one added capability of a container. */
type AddMessage = (c: ContainerInfo, name: string) => Text;

function reportAdds(model: KubeModel, c: ContainerInfo, reject: (v: unknown) => boolean, message: AddMessage, title: TitleLike, report: Parameters<KubeRule['check']>[1]): void {
  // Most containers add nothing: nothing is built for them.
  if (!c.sc.capabilities) return;
  const offending = addedCaps(c).filter((it) => reject(it.value));
  if (offending.length === 0) return;
  const fixes = fixesOf(removeAddedCapsFix(model, c, reject, title));
  for (const it of offending) report({ range: nodeRange(model, it), fixes, l10n: message(c, String(it.value)) });
}

export const dropAll: KubeRule = {
  id: 'k8s-caps-drop-all',
  title: 'Capabilities are not all dropped',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0003', 'KSV-0106', pss('restricted', 'capabilities_restricted')],
  pss: 'restricted',
  description: 'Containers start with a default set of Linux capabilities (e.g. NET_RAW, CHOWN). The restricted profile requires capabilities.drop to contain exactly "ALL" in every container, init container and ephemeral container (upper case: a lower-case "all" is rejected by Pod Security admission although runtimes accept it); Windows pods are exempt (policy 1.25+). Trivy\'s KSV-0106 includes this drop requirement. A privileged container has every capability whatever it drops: k8s-privileged reports it alone.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] and add back only NET_BIND_SERVICE if needed.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      if (c.pod.windows || isPrivileged(c)) return;
      const caps = capabilitiesOf(c);
      const dropPair = getPair(caps, 'drop');
      const drop = getSeq(caps, 'drop');
      const items = drop ? drop.items.filter((it) => isScalar(it)) as Scalar[] : [];
      if (items.some((it) => DROP_ALL.present(it.value))) return;
      const fixes = fixesOf(dropAllFix(model, c), hardenContainerFix(model, c, 'capabilities'));
      const nearMiss = items.find((it) => DROP_ALL.repairable!(it.value));
      if (nearMiss) {
        report({ range: nodeRange(model, nearMiss), fixes, l10n: frag('k8s.capabilities.use-upper-case-all', 'Use upper-case "ALL" in capabilities.drop of {container}: Pod Security admission only accepts the exact string.', containerArgs(c)) });
      } else if (dropPair) {
        report({ range: keyRange(model, dropPair), fixes, l10n: frag('k8s.capabilities.add-all-to-capabilities', 'Add "ALL" to capabilities.drop of {container}.', containerArgs(c)) });
      } else {
        report({ range: missingRange(model, c, ['securityContext', 'capabilities']), fixes, l10n: frag('k8s.capabilities.drop-all-capabilities-in', 'Drop all capabilities in {container}: set securityContext.capabilities.drop: ["ALL"].', containerArgs(c)) });
      }
    });
  },
};

const notNetBindService = (v: unknown): boolean => v !== 'NET_BIND_SERVICE';
const addsRestricted: AddMessage = (c, name) => frag('k8s.capabilities.adds-restricted', '{^container} adds capability {name}: the restricted profile allows only NET_BIND_SERVICE.', { container: containerText(c), name });
const REMOVE_RESTRICTED = fixTitle('k8s.capabilities.remove-restricted', 'Remove added capabilities other than NET_BIND_SERVICE');

export const capsRestricted: KubeRule = {
  id: 'k8s-caps-restricted',
  title: 'Adds a capability other than NET_BIND_SERVICE',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0106', pss('restricted', 'capabilities_restricted')],
  pss: 'restricted',
  coveredBy: ['k8s-cap-sys-admin', 'k8s-caps-added'],
  description: 'The restricted profile lets a container (every kind; Windows pods are exempt) add back only NET_BIND_SERVICE after dropping ALL. (The drop part of KSV-0106 is reported by k8s-caps-drop-all.) A capability k8s-caps-added or k8s-cap-sys-admin already reports is one finding with theirs.',
  remediation: 'Remove every capabilities.add entry except NET_BIND_SERVICE.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      if (c.pod.windows) return;
      reportAdds(model, c, notNetBindService, addsRestricted, REMOVE_RESTRICTED, report);
    });
  },
};

const notBaseline = (v: unknown): boolean => typeof v !== 'string' || !BASELINE_CAPABILITIES.has(v);
const addsBaseline: AddMessage = (c, name) => frag('k8s.capabilities.adds-baseline', '{^container} adds capability {name}, which the baseline profile forbids: remove it.', { container: containerText(c), name });
const REMOVE_BASELINE = fixTitle('k8s.capabilities.remove-baseline', 'Remove capabilities outside the baseline set');

export const capsAdded: KubeRule = {
  id: 'k8s-caps-added',
  title: 'Adds a capability outside the baseline set',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0022', pss('baseline', 'capabilities_baseline'), 'CIS-5.2.9'],
  pss: 'baseline',
  coveredBy: ['k8s-cap-sys-admin'],
  description: 'The baseline profile allows adding only capabilities that are in the default container set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT), spelled exactly so, in every container kind. Trivy flags any add; we follow PSS. SYS_ADMIN is one finding with k8s-cap-sys-admin.',
  remediation: 'Remove the capability from capabilities.add, or justify it and suppress the finding.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      reportAdds(model, c, notBaseline, addsBaseline, REMOVE_BASELINE, report);
    });
  },
};

const isSysAdmin = (v: unknown): boolean => capabilityName(v) === 'SYS_ADMIN';
const addsSysAdmin: AddMessage = (c) => frag('k8s.capabilities.adds-sys-admin', '{^container} adds SYS_ADMIN: remove it.', containerArgs(c));
const REMOVE_SYS_ADMIN = fixTitle('k8s.capabilities.remove-sys-admin', 'Remove SYS_ADMIN');

export const capSysAdmin: KubeRule = {
  id: 'k8s-cap-sys-admin',
  title: 'Adds CAP_SYS_ADMIN',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0005'],
  description: 'SYS_ADMIN is close to root on the host: it allows mounts, namespace changes and many container escapes.',
  remediation: 'Remove SYS_ADMIN from capabilities.add.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      reportAdds(model, c, isSysAdmin, addsSysAdmin, REMOVE_SYS_ADMIN, report);
    });
  },
};

/** Pod-level rules: host namespaces, host paths and ports, volume types, sysctls, token automount. */
import { YAMLMap, isMap, isScalar } from 'yaml';
import { KeyPair, KubeModel, PodSpecInfo, boolOf, containerArgs, getPair, getSeq, getString, isNullNode, keyRange, pairRange } from '../model';
import { noTokenFix, removePairFix, setFalseFix } from '../fixes';
import { removePair, removeSeqItems } from '../yamlEdit';
import { Fix } from '../../model';
import { ALL_LISTS, KubeRule, findingRange, fixesOf, forEachContainer, podRange, pss } from './common';
import { Text, fixTitle, frag } from '../../l10n/text';

function hostNamespaceRule(key: 'hostIPC' | 'hostNetwork' | 'hostPID', id: string, ksv: string, cis: string, what: string, whatText: Text): KubeRule {
  return {
    id,
    title: `Pod shares the host's ${what}`,
    severity: 'critical',
    appliesTo: 'kubernetes',
    references: [ksv, pss('baseline', 'hostNamespaces'), cis],
    pss: 'baseline',
    description: `${key}: true puts the pod in the host's ${what} namespace, so it can see and interfere with host processes and traffic.${key === 'hostNetwork' ? ' In such a pod every container port is a port of the node, so its hostPort fields are part of this finding (k8s-host-port does not repeat them).' : ''}`,
    remediation: `Remove ${key} or set it to false.`,
    check(model, report) {
      for (const pod of model.pods) {
        const pair = pod.fields[key];
        if (!pair || boolOf(pair.value) !== true) continue;
        const hostPorts = key === 'hostNetwork' ? hostPortPairs(pod) : [];
        if (hostPorts.length === 0) {
          report({ range: pairRange(model, pair), fixes: fixesOf(setFalseFix(model, pair, fixTitle('k8s.podSpec.set-false', 'Set {key}: false', { key }))), l10n: frag('k8s.podSpec.the-pod-uses-the', 'The pod uses the host\'s {what} namespace: remove {key}: true.', { what: whatText, key }) });
          continue;
        }
        report({
          range: pairRange(model, pair),
          fixes: fixesOf(noHostNetworkFix(model, pair, hostPorts)),
          l10n: frag('k8s.podSpec.the-pod-uses-the-2', 'The pod uses the host\'s {what} namespace, so its container ports (hostPort included) are ports of the node: remove {key}: true and the hostPort fields.', { what: whatText, key }),
        });
      }
    },
  };
}

export const hostIPC = hostNamespaceRule('hostIPC', 'k8s-host-ipc', 'KSV-0008', 'CIS-5.2.4', 'IPC', frag('k8s.podSpec.ns-ipc', 'IPC'));
export const hostNetwork = hostNamespaceRule('hostNetwork', 'k8s-host-network', 'KSV-0009', 'CIS-5.2.5', 'network', frag('k8s.podSpec.ns-network', 'network'));
export const hostPID = hostNamespaceRule('hostPID', 'k8s-host-pid', 'KSV-0010', 'CIS-5.2.3', 'process ID', frag('k8s.podSpec.ns-pid', 'process ID'));

/** A hostPort that binds a node port: set, not null and not 0. */
function bindsHostPort(pair: KeyPair | undefined): pair is KeyPair {
  return !!pair && !isNullNode(pair.value) && !(isScalar(pair.value) && pair.value.value === 0);
}

/** The hostPort pairs (with their port mappings) of the pod's containers, every kind. */
function hostPortPairs(pod: PodSpecInfo): Array<[YAMLMap, KeyPair]> {
  const out: Array<[YAMLMap, KeyPair]> = [];
  for (const c of pod.containers) {
    for (const port of c.ports?.items ?? []) {
      if (!isMap(port)) continue;
      const pair = getPair(port, 'hostPort');
      if (bindsHostPort(pair)) out.push([port, pair]);
    }
  }
  return out;
}

/** `hostNetwork: false` and the hostPort fields gone (they are part of the host-network finding). */
function noHostNetworkFix(model: KubeModel, pair: KeyPair, hostPorts: Array<[YAMLMap, KeyPair]>): Fix | undefined {
  const edits = setFalseFix(model, pair, '')?.edits.slice();
  if (!edits) return undefined;
  for (const [port, p] of hostPorts) {
    const removal = removePair(model, port, p);
    if (!removal) return undefined;
    edits.push(...removal);
  }
  return { kind: 'quickfix', safe: false, preferred: true, edits, ...fixTitle('k8s.podSpec.set-hostnetwork-false-and', 'Set hostNetwork: false and remove hostPort') };
}

function forEachVolume(pod: PodSpecInfo, fn: (volume: YAMLMap) => void): void {
  const volumes = pod.fields.volumes;
  if (volumes) for (const v of volumes.items) if (isMap(v)) fn(v);
}

export const hostPath: KubeRule = {
  id: 'k8s-host-path',
  title: 'hostPath volume',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0023', pss('baseline', 'hostPathVolumes'), 'CIS-5.2.12'],
  pss: 'baseline',
  description: 'A hostPath volume mounts a file or directory of the node into the pod: writes reach the host and reads can expose other workloads\' data.',
  remediation: 'Use an emptyDir, configMap, secret or persistentVolumeClaim instead of hostPath.',
  check(model, report) {
    for (const pod of model.pods) {
      forEachVolume(pod, (v) => {
        const pair = getPair(v, 'hostPath');
        if (pair && !isNullNode(pair.value)) report({ range: keyRange(model, pair), l10n: frag('k8s.podSpec.volume-mounts-a-host', 'Volume "{volume}" mounts a host path: use another volume type.', { volume: getString(v, 'name') ?? '?' }) });
      });
    }
  },
};

const DOCKER_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock', '/var/run/docker.sock/', '/run/docker.sock/']);

export const dockerSock: KubeRule = {
  id: 'k8s-docker-sock',
  title: 'Mounts the Docker socket',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0006'],
  description: 'Access to the Docker socket is root on the node: the container can start privileged containers.',
  remediation: 'Remove the hostPath volume for docker.sock (and its volumeMount); use a rootless builder for image builds.',
  check(model, report) {
    for (const pod of model.pods) {
      forEachVolume(pod, (v) => {
        const hp = getPair(v, 'hostPath')?.value;
        const pathPair = isMap(hp) ? getPair(hp, 'path') : undefined;
        const path = pathPair && isScalar(pathPair.value) ? pathPair.value.value : undefined;
        if (pathPair && typeof path === 'string' && DOCKER_SOCKETS.has(path)) {
          report({ range: pairRange(model, pathPair), l10n: frag('k8s.podSpec.the-pod-mounts-the', 'The pod mounts the Docker socket, which gives root on the node: remove the volume.') });
        }
      });
    }
  },
};

/** Volume sources the restricted profile allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

export const volumeTypes: KubeRule = {
  id: 'k8s-volume-types',
  title: 'Volume type not allowed by the restricted profile',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0028', pss('restricted', 'restrictedVolumes')],
  pss: 'restricted',
  coveredBy: ['k8s-host-path'],
  description: 'The restricted profile allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes (cephfs and photonPersistentDisk included in the forbidden set, unlike Trivy). A hostPath volume is one finding with k8s-host-path.',
  remediation: 'Use a persistentVolumeClaim (or one of the allowed types) instead of the in-line volume source.',
  check(model, report) {
    for (const pod of model.pods) {
      forEachVolume(pod, (v) => {
        for (const p of v.items) {
          const key = isScalar(p.key) ? p.key.value : undefined;
          if (typeof key !== 'string' || key === 'name' || RESTRICTED_VOLUMES.has(key) || isNullNode(p.value)) continue;
          report({ range: keyRange(model, p as never), l10n: frag('k8s.podSpec.volume-uses-which-the', 'Volume "{volume}" uses {key}, which the restricted profile forbids: use a persistentVolumeClaim or another allowed type.', { volume: getString(v, 'name') ?? '?', key }) });
        }
      });
    }
  },
};

export const hostPort: KubeRule = {
  id: 'k8s-host-port',
  title: 'Container uses a host port',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0024', pss('baseline', 'hostPorts'), 'CIS-5.2.13'],
  pss: 'baseline',
  description: 'A hostPort binds the container to a port of the node, bypassing network policies and limiting scheduling. Checked in every container kind; hostPort: 0 means "none" and is allowed (as in PSS; Trivy flags it). In a hostNetwork: true pod every port is a node port already: k8s-host-network reports it.',
  remediation: 'Remove hostPort and expose the container through a Service.',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      const ports = c.ports;
      if (!ports || boolOf(c.pod.fields.hostNetwork?.value) === true) return;
      for (const port of ports.items) {
        if (!isMap(port)) continue;
        const pair = getPair(port, 'hostPort');
        if (!bindsHostPort(pair)) continue;
        report({ range: pairRange(model, pair), fixes: fixesOf(removePairFix(model, port, pair, fixTitle('k8s.podSpec.remove-hostport', 'Remove hostPort'))), l10n: frag('k8s.podSpec.binds-a-host-port', '{^container} binds a host port: remove hostPort and use a Service.', containerArgs(c)) });
      }
    });
  },
};

/** Sysctls the baseline profile allows (pod-security-admission, newest policy version). */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem', 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
]);

export const unsafeSysctl: KubeRule = {
  id: 'k8s-unsafe-sysctl',
  title: 'Unsafe sysctl',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0026', pss('baseline', 'sysctls')],
  pss: 'baseline',
  description: 'Sysctls outside the namespaced safe set change kernel settings for the whole node.',
  remediation: 'Remove the sysctl, or set it on the node (and allow it explicitly in the kubelet) if it is truly needed.',
  check(model, report) {
    for (const pod of model.pods) {
      const sysctlsPair = getPair(pod.securityContext, 'sysctls');
      const sysctls = getSeq(pod.securityContext, 'sysctls');
      if (!sysctls || !sysctlsPair || !pod.securityContext) continue;
      const owner = { map: pod.securityContext, pair: sysctlsPair };
      sysctls.items.forEach((item, index) => {
        if (!isMap(item)) return;
        const namePair = getPair(item, 'name');
        const name = namePair && isScalar(namePair.value) ? namePair.value.value : undefined;
        if (!namePair || typeof name !== 'string' || SAFE_SYSCTLS.has(name)) return;
        const edits = removeSeqItems(model, sysctls, [index], owner);
        report({ range: pairRange(model, namePair), fixes: edits ? [{ kind: 'quickfix', safe: false, edits, ...fixTitle('k8s.podSpec.remove-sysctl', 'Remove sysctl {name}', { name }) }] : undefined, l10n: frag('k8s.podSpec.sysctl-is-not-in', 'Sysctl {name} is not in the safe set: remove it.', { name }) });
      });
    }
  },
};

function stringOf(pair: KeyPair | undefined): string | undefined {
  const v = pair?.value;
  return isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
}

/** The fact a ServiceAccount states when it turns the token off for its pods. */
function tokenOffFact(namespace: string | undefined, name: string): string {
  return `ServiceAccount ${namespace ?? ''}/${name}: automountServiceAccountToken false`;
}

/** Facts of a file for the other files of its run: ServiceAccounts with automountServiceAccountToken: false. */
export function serviceAccountFacts(model: KubeModel): string[] {
  const out: string[] = [];
  for (const obj of model.objects) {
    if (obj.kind !== 'ServiceAccount' || !obj.name) continue;
    if (boolOf(getPair(obj.node, 'automountServiceAccountToken')?.value) === false) out.push(tokenOffFact(obj.namespace, obj.name));
  }
  return out;
}

export const serviceAccountToken: KubeRule = {
  id: 'k8s-sa-token-automount',
  title: 'Service account token is mounted automatically',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0036', 'CIS-5.1.6'],
  description: 'Unless automountServiceAccountToken is false, every container gets a Kubernetes API token; most applications never call the API, and a stolen token is a foothold in the cluster. A pod that leaves the field out takes its ServiceAccount\'s setting: a ServiceAccount with automountServiceAccountToken: false in the same file, or in the files checked together, satisfies its pods (same name and namespace). An explicit true on the pod is a decision (the pod calls the API) and is not reported.',
  remediation: 'Set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount) unless the pod calls the Kubernetes API.',
  check(model, report) {
    for (const pod of model.pods) {
      const pair = pod.fields.automountServiceAccountToken;
      if (pair && boolOf(pair.value) !== undefined) continue;
      const account = stringOf(pod.fields.serviceAccountName) ?? stringOf(pod.fields.serviceAccount) ?? 'default';
      report({
        range: pair ? findingRange(model, pair) : podRange(model, pod),
        fixes: fixesOf(noTokenFix(model, pod)),
        waivedBy: tokenOffFact(pod.object.namespace, account),
        l10n: frag('k8s.podSpec.set-automountserviceaccounttoken-false-in', 'Set automountServiceAccountToken: false (in the pod spec or on ServiceAccount "{account}") unless the pod calls the Kubernetes API.', { account }),
      });
    }
  },
};

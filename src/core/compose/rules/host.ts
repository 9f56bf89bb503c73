/** Host rules: host namespaces, the Docker socket and sensitive host directories, host devices. */
import { YAMLMap, isMap, isScalar, isSeq } from 'yaml';
import { getPair, getString } from '../../kubernetes/model';
import { ComposeService, interpolated, scalarText, serviceText } from '../model';
import { removeServicePairFix } from '../fixes';
import { ComposeRule, findingRange, forEachService, nodeRange } from './common';
import { Range } from '../../model';
import { Text, fixTitle, frag, msg } from '../../l10n/text';

/** The namespaces of hostNamespaceRule, for the messages in other locales. */
const NAMESPACE_TEXT: Readonly<Record<string, Text>> = {
  'network namespace': frag('compose.host.ns-network', 'network namespace'),
  'process namespace': frag('compose.host.ns-pid', 'process namespace'),
  'IPC namespace': frag('compose.host.ns-ipc', 'IPC namespace'),
  'user namespace': frag('compose.host.ns-user', 'user namespace'),
  'UTS namespace': frag('compose.host.ns-uts', 'UTS namespace'),
};

/** A rule about a `key: host` namespace setting. */
function hostNamespaceRule(id: string, key: string, what: string, ref: string, severity: ComposeRule['severity'], description: string): ComposeRule {
  return {
    id,
    title: `Service shares the host's ${what}`,
    severity,
    appliesTo: 'compose',
    references: [ref],
    description,
    remediation: `Remove ${key}: host; let the service use its own ${what} (publish ports or share a volume instead).`,
    check(model, report) {
      forEachService(model, (s) => {
        const pair = getPair(s.node, key);
        const v = scalarText(pair?.value);
        if (!pair || v === undefined || v.trim() !== 'host') return;
        report({
          range: findingRange(model, pair),
          fixes: (() => {
            const f = removeServicePairFix(model, s, s.node, pair, fixTitle('compose.host.remove-host-may-break', 'Remove {key}: host (may break the service)', { key }));
            return f ? [f] : undefined;
          })(),
          ...msg('compose.host.shares-the-host-s', '{^service} shares the host\'s {what} ({key}: host).', { service: serviceText(s), what: NAMESPACE_TEXT[what] ?? what, key }),
        });
      });
    },
  };
}

export const hostNetwork = hostNamespaceRule('compose-host-network', 'network_mode', 'network namespace', 'CIS-5.10', 'critical',
  'With network_mode: host the container sees every host interface, can bind any host port and reach services listening on localhost, and bypasses Docker\'s network isolation.');
export const hostPid = hostNamespaceRule('compose-host-pid', 'pid', 'process namespace', 'CIS-5.16', 'critical',
  'With pid: host the container sees every process of the host and, as root, can signal or trace them.');
export const hostIpc = hostNamespaceRule('compose-host-ipc', 'ipc', 'IPC namespace', 'CIS-5.17', 'critical',
  'With ipc: host the container shares the host\'s shared memory and semaphores, and can read or corrupt what other processes keep there.');
export const hostUserns = hostNamespaceRule('compose-host-userns', 'userns_mode', 'user namespace', 'CIS-5.31', 'medium',
  'userns_mode: host turns off user-namespace remapping for the service where the daemon uses it: root in the container is root on the host again.');
export const hostUts = hostNamespaceRule('compose-host-uts', 'uts', 'UTS namespace', 'CIS-5.21', 'medium',
  'With uts: host the container shares the host\'s hostname and domain name and can change them for the host.');

/** One mount of a service, from the short (`src:dst[:mode]`) or the long (`type: bind`) syntax. */
export interface BindMount { source: string; target?: string; readOnly: boolean; node: { range?: [number, number, number] | null } }

/** The bind mounts of a service (named volumes and interpolated sources are left out). */
export function bindMounts(s: ComposeService): BindMount[] {
  const seq = getPair(s.node, 'volumes')?.value;
  if (!isSeq(seq)) return [];
  const out: BindMount[] = [];
  for (const it of seq.items) {
    if (isScalar(it) && typeof it.value === 'string') {
      const parts = splitShortVolume(it.value.trim());
      if (!parts || !isHostPath(parts.source)) continue;
      out.push({ source: parts.source, target: parts.target, readOnly: /(^|,)ro(,|$)/.test(parts.mode ?? ''), node: it });
    } else if (isMap(it)) {
      const type = getString(it, 'type');
      const source = getString(it, 'source');
      if (type !== 'bind' || !source) continue;
      out.push({ source: source.trim(), target: getString(it, 'target'), readOnly: isReadOnly(it), node: it });
    }
  }
  return out;
}

function isReadOnly(m: YAMLMap): boolean {
  const v = getPair(m, 'read_only')?.value;
  return isScalar(v) && (v.value === true || v.value === 'true');
}

/** `SRC:DST[:MODE]` (a Windows drive letter in SRC is not a separator). */
function splitShortVolume(v: string): { source: string; target?: string; mode?: string } | undefined {
  const drive = /^[A-Za-z]:[\\/]/.test(v) ? 2 : 0;
  const i = v.indexOf(':', drive);
  if (i < 0) return undefined;
  const source = v.slice(0, i);
  const rest = v.slice(i + 1);
  const j = rest.indexOf(':');
  return j < 0 ? { source, target: rest } : { source, target: rest.slice(0, j), mode: rest.slice(j + 1) };
}

/** A bind source (a path), not a named volume. */
function isHostPath(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source);
}

/** The path with trailing slashes and `/./` removed, for comparisons. */
function normalisePath(p: string): string {
  let n = p.replace(/\/+\.?(?=\/|$)/g, '/').replace(/\/+/g, '/');
  while (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

const SOCKET_NAME = /(^|\/)(docker|podman|containerd|cri-dockerd)\.sock$/;
/** Directories that hold the Docker socket: mounting them mounts it. */
const SOCKET_DIRS = new Set(['/var/run', '/run', '/var/run/docker', '/run/docker', '/run/containerd', '/var/run/containerd']);

export const dockerSocket: ComposeRule = {
  id: 'compose-docker-socket',
  title: 'Service mounts the Docker socket',
  severity: 'critical',
  appliesTo: 'compose',
  references: ['CIS-5.32'],
  description: 'Whoever can talk to the Docker socket can start a privileged container with the host\'s root filesystem mounted: root on the host. Mounting it read-only (:ro) does not help, since the API is spoken over the socket, not written to a file.',
  remediation: 'Remove the mount. A service that must talk to Docker should go through a proxy that allows only the API calls it needs (e.g. a socket proxy with read-only endpoints), or use rootless Docker.',
  check(model, report) {
    forEachService(model, (s) => {
      for (const m of bindMounts(s)) {
        if (interpolated(m.source)) continue;
        const p = normalisePath(m.source);
        const socket = SOCKET_NAME.test(p);
        if (!socket && !SOCKET_DIRS.has(p)) continue;
        const ro = m.readOnly ? frag('compose.host.socket-read-only', ' Read-only (:ro) does not make it safe: the API works the same.') : '';
        const what = socket ? frag('compose.host.engine-socket', 'the container engine\'s socket ({path})', { path: p }) : frag('compose.host.socket-dir', '{path}, which holds the Docker socket', { path: p });
        report({ range: nodeRange(model, m.node), ...msg('compose.host.mounts-it-can-control', '{^service} mounts {what}: it can control Docker, and so the host.{ro}', { service: serviceText(s), what, ro }) });
      }
    });
  },
};

/** CIS 5.6's sensitive host directories (and the host's root). */
const SENSITIVE_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker', '/root']);

export const sensitiveMount: ComposeRule = {
  id: 'compose-host-sensitive-mount',
  title: 'Service mounts the host\'s root or a sensitive host directory',
  severity: 'critical',
  appliesTo: 'compose',
  references: ['CIS-5.6'],
  description: 'Mounting the host\'s / or a system directory (/etc, /proc, /sys, /dev, /boot, /usr, /lib, /root, /var/lib/docker) lets the container read host secrets and, when writable, change the host\'s configuration, binaries or kernel settings.',
  remediation: 'Mount only the files or subdirectories the service needs, read-only where it only reads them.',
  check(model, report) {
    forEachService(model, (s) => {
      for (const m of bindMounts(s)) {
        if (interpolated(m.source)) continue;
        const p = normalisePath(m.source);
        if (!SENSITIVE_DIRS.has(p)) continue;
        const what = p === '/' ? frag('compose.host.root-filesystem', 'the host\'s root filesystem') : frag('compose.host.directory', 'the host directory {path}', { path: p });
        const args = { service: serviceText(s), what };
        report({
          range: nodeRange(model, m.node),
          ...(m.readOnly ? msg('compose.host.mounts-read-only', '{^service} mounts {what} (read-only).', args) : msg('compose.host.mounts-writable', '{^service} mounts {what}, writable.', args)),
        });
      }
    });
  },
};

export const devices: ComposeRule = {
  id: 'compose-devices',
  title: 'Service has host devices',
  severity: 'high',
  appliesTo: 'compose',
  references: ['CIS-5.18'],
  description: 'devices: gives the container direct access to host devices (disks, GPUs, /dev/kmsg…); a writable block device is the host\'s data and a path to its kernel.',
  remediation: 'Remove the devices the service does not need, and give the others read-only or read-write-only permissions (`/dev/x:/dev/x:r`).',
  check(model, report) {
    forEachService(model, (s) => {
      const pair = getPair(s.node, 'devices');
      if (!pair || !isSeq(pair.value) || pair.value.items.length === 0) return;
      const names: string[] = [];
      for (const it of pair.value.items) {
        const t = scalarText(it) ?? (isMap(it) ? getString(it, 'source') : undefined);
        if (t) names.push(t.split(':')[0]);
      }
      const range: Range = findingRange(model, pair);
      report({ range, ...msg('compose.host.has-host-devices-give', '{^service} has host devices ({devices}): give it only those it needs.', { service: serviceText(s), devices: names.join(', ') || 'devices:' }) });
    });
  },
};

/** Runtime rules: user, read-only root filesystem, resource limits, image tags, published ports. */
import { Scalar, YAMLMap, isMap, isScalar, isSeq } from 'yaml';
import { getMap, getPair } from '../../kubernetes/model';
import { isLatest, parseImageRef } from '../../imageRef';
import { ComposeModel, ComposeService, composeBool, inheritedPair, interpolated, scalarText, serviceText, serviceMaps, serviceRange } from '../model';
import { hardenServiceFix, insertIntoScalarFix, isRootUser, nonRootUserFix, mapPatchFix, readOnlyFix, replaceScalarFix, servicePatchFix, NON_ROOT_USER } from '../fixes';
import { ComposeRule, findingRange, forEachService, nodeRange } from './common';
import { Fix } from '../../model';
import { Arg, Text, fixTitle, frag, msg } from '../../l10n/text';

const MEMORY = frag('compose.runtime.memory', 'memory');
const CPU = frag('compose.runtime.cpu', 'CPU');
const PIDS = frag('compose.runtime.pids', 'process (pids)');

/** "a, b, c" in the locale of the message. */
function listOf(items: readonly Text[]): Arg {
  let out: Arg = items[0];
  for (let i = 1; i < items.length; i++) out = frag('compose.runtime.list', '{a}, {b}', { a: out, b: items[i] });
  return out;
}

function fixes(...list: Array<Fix | undefined>): Fix[] | undefined {
  const out = list.filter((f): f is Fix => f !== undefined);
  return out.length ? out : undefined;
}

export const rootUser: ComposeRule = {
  id: 'compose-root-user',
  title: 'Service runs as root',
  severity: 'high',
  appliesTo: 'compose',
  references: ['CIS-4.1'],
  description: 'user: root (or 0) runs the service as root whatever the image says: a compromise of the service is root in the container, one kernel bug away from root on the host.',
  remediation: 'Set user to an unprivileged uid:gid the image can run as (e.g. "10001:10001"), and give that user the files it writes.',
  check(model, report) {
    forEachService(model, (s) => {
      const pair = getPair(s.node, 'user');
      const user = scalarText(pair?.value);
      if (!pair || user === undefined || !isRootUser(user)) return;
      report({
        range: findingRange(model, pair),
        fixes: fixes(
          isScalar(pair.value) ? replaceScalarFix(model, s, pair.value, NON_ROOT_USER, fixTitle('compose.runtime.run-as-user-10001', 'Run as user 10001:10001 (may break images that need root or own their files)')) : undefined,
          hardenServiceFix(model, s, 'user'),
        ),
        ...msg('compose.runtime.runs-as-root-user', '{^service} runs as root (user: {user}): run it as an unprivileged user.', { service: serviceText(s), user: user.trim() }),
      });
    });
  },
};

export const userUnset: ComposeRule = {
  id: 'compose-user-unset',
  title: 'Service user left to the image',
  severity: 'info',
  appliesTo: 'compose',
  references: ['CIS-4.1'],
  description: 'Without user:, the service runs as the image\'s USER, which for most public images is root. For an image built here, the Dockerfile check reports its USER; for a pulled image Shipshape cannot see it.',
  remediation: 'Check the image\'s user (docker inspect --format "{{.Config.User}}" IMAGE); if it is root or empty, set user: to an unprivileged uid:gid.',
  check(model, report) {
    forEachService(model, (s) => {
      if (s.partial || s.unresolvedBase || inheritedPair(s, 'user') || serviceMaps(s).some((m) => getPair(m, 'build'))) return;
      const image = scalarText(inheritedPair(s, 'image')?.value);
      report({
        range: serviceRange(model, s),
        fixes: fixes(nonRootUserFix(model, s)),
        ...msg('compose.runtime.runs-as-the-user', '{^service} runs as the user of {image}, which Shipshape cannot see (root for most public images): set user: if it is root.', { service: serviceText(s), image: image ? frag('compose.runtime.the-image', 'the image {image}', { image: image.trim() }) : frag('compose.runtime.its-image', 'its image') }),
      });
    });
  },
};

export const readOnly: ComposeRule = {
  id: 'compose-read-only',
  title: 'Service root filesystem is writable',
  severity: 'medium',
  appliesTo: 'compose',
  references: ['CIS-5.13'],
  description: 'A writable root filesystem lets an attacker in the container drop tools, change binaries or persist between requests; read_only: true makes the image immutable at run time, with volumes and tmpfs for what must be written.',
  remediation: 'Set read_only: true and give the service tmpfs (e.g. tmpfs: [/tmp]) or volumes for the paths it writes.',
  check(model, report) {
    forEachService(model, (s) => {
      if (s.partial || s.unresolvedBase) return;
      const pair = inheritedPair(s, 'read_only');
      if (composeBool(pair?.value) === true) return;
      if (pair && scalarText(pair.value) !== undefined && interpolated(scalarText(pair.value)!)) return;
      const own = getPair(s.node, 'read_only');
      report({
        range: own ? findingRange(model, own) : serviceRange(model, s),
        fixes: fixes(readOnlyFix(model, s), hardenServiceFix(model, s, 'read_only')),
        ...msg('compose.runtime.has-a-writable-root', '{^service} has a writable root filesystem: set read_only: true (with tmpfs for scratch space).', { service: serviceText(s) }),
      });
    });
  },
};

/** The limit keys of a service, top-level and under `deploy.resources.limits`. */
function limitsOf(maps: YAMLMap[]): { memory: boolean; cpu: boolean; pids: boolean } {
  const has = { memory: false, cpu: false, pids: false };
  for (const m of maps) {
    const limits = getMap(getMap(getMap(m, 'deploy'), 'resources'), 'limits');
    if (getPair(m, 'mem_limit') || getPair(limits, 'memory')) has.memory = true;
    if (getPair(m, 'cpus') || getPair(m, 'cpu_quota') || getPair(m, 'cpu_shares') || getPair(m, 'cpu_percent') || getPair(m, 'cpu_count') || getPair(limits, 'cpus')) has.cpu = true;
    if (getPair(m, 'pids_limit') || getPair(limits, 'pids')) has.pids = true;
  }
  return has;
}

export const resourceLimits: ComposeRule = {
  id: 'compose-resource-limits',
  title: 'Service has no memory, CPU or process limits',
  severity: 'low',
  appliesTo: 'compose',
  references: ['CIS-5.11', 'CIS-5.12', 'CIS-5.29'],
  description: 'Without limits one service can take all of the host\'s memory, CPU or process slots (a leak, a fork bomb, a traffic spike) and starve the others, the host\'s own processes included.',
  remediation: 'Set mem_limit, cpus and pids_limit (or deploy.resources.limits memory, cpus and pids) to what the service needs with some headroom.',
  check(model, report) {
    forEachService(model, (s) => {
      if (s.partial || s.unresolvedBase) return;
      const has = limitsOf(serviceMaps(s));
      const missing: Text[] = [];
      if (!has.memory) missing.push(MEMORY);
      if (!has.cpu) missing.push(CPU);
      if (!has.pids) missing.push(PIDS);
      if (missing.length === 0) return;
      report({
        range: serviceRange(model, s),
        fixes: fixes(limitsSnippetFix(s, has, model)),
        ...(missing.length > 1
          ? msg('compose.runtime.no-limits', '{^service} has no {missing} limits.', { service: serviceText(s), missing: listOf(missing) })
          : msg('compose.runtime.no-limit', '{^service} has no {missing} limit.', { service: serviceText(s), missing: missing[0] })),
      });
    });
  },
};

/** Snippet fix adding the missing limits with placeholders (editor only), where the service keeps its limits. */
function limitsSnippetFix(s: ComposeService, has: { memory: boolean; cpu: boolean; pids: boolean }, model: ComposeModel): Fix | undefined {
  const deployLimits = getMap(getMap(getMap(s.node, 'deploy'), 'resources'), 'limits');
  let stop = 1;
  const add: Record<string, string> = {};
  if (deployLimits) {
    if (!has.memory) add.memory = `\${${stop++}:512M}`;
    if (!has.cpu) add.cpus = `"\${${stop++}:1.0}"`;
    if (!has.pids) add.pids = `\${${stop++}:200}`;
  } else {
    if (!has.memory) add.mem_limit = `\${${stop++}:512m}`;
    if (!has.cpu) add.cpus = `\${${stop++}:1.0}`;
    if (!has.pids) add.pids_limit = `\${${stop++}:200}`;
  }
  const patch = deployLimits ? { deploy: { resources: { limits: add } } } : add;
  const fix = servicePatchFix(model, s, 'limits', patch, fixTitle('compose.runtime.add-memory-cpu-and', 'Add memory, CPU and process limits'));
  if (!fix) return undefined;
  // A snippet must be one edit.
  return fix.edits.length === 1 ? Object.assign(fix, { snippet: true }) : undefined;
}

export const imageLatest: ComposeRule = {
  id: 'compose-image-latest',
  title: 'Service image uses the latest tag',
  severity: 'medium',
  appliesTo: 'compose',
  references: [],
  description: 'An image without a tag or with :latest changes under you: the next docker compose pull runs different code, and a rollback cannot go back.',
  remediation: 'Pin the image to a version tag, or better to a digest (image@sha256:…).',
  check(model, report) {
    forEachService(model, (s) => {
      // With build:, image: names what is built here, not what is pulled.
      if (serviceMaps(s).some((m) => getPair(m, 'build'))) return;
      const pair = getPair(s.node, 'image');
      const raw = scalarText(pair?.value);
      if (!pair || raw === undefined || interpolated(raw)) return;
      const ref = parseImageRef(raw.trim());
      if (!ref || !isLatest(ref)) return;
      report({
        range: findingRange(model, pair),
        ...(ref.tag
          ? msg('compose.runtime.latest-tag', 'The image of {service} uses the latest tag: pin a version tag or a digest.', { service: serviceText(s) })
          : msg('compose.runtime.no-tag', 'The image of {service} has no tag (so it means latest): pin a version tag or a digest.', { service: serviceText(s) })),
      });
    });
  },
};

/** Container ports of databases and administration interfaces, with what usually listens there. */
const SENSITIVE_PORTS = new Map<number, string>([
  [22, 'SSH'], [2375, 'the Docker API'], [2376, 'the Docker API'], [3306, 'MySQL/MariaDB'], [5432, 'PostgreSQL'],
  [27017, 'MongoDB'], [27018, 'MongoDB'], [6379, 'Redis'], [1433, 'SQL Server'], [1521, 'Oracle'], [9042, 'Cassandra'],
  [5984, 'CouchDB'], [9200, 'Elasticsearch'], [9300, 'Elasticsearch'], [11211, 'Memcached'], [8086, 'InfluxDB'],
  [7687, 'Neo4j'], [26257, 'CockroachDB'], [2379, 'etcd'], [5672, 'RabbitMQ'], [15672, 'the RabbitMQ management UI'],
  [8500, 'Consul'], [3389, 'RDP'], [5900, 'VNC'], [9092, 'Kafka'], [2181, 'ZooKeeper'],
]);

/** A published port: container port, whether a host address is given, and the node. */
interface Published { target: number; hostIp?: string; node: Scalar | YAMLMap }

/** Reads a short port spec: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]` (ranges give their first port). */
function shortPort(spec: string): { target: number; hostIp?: string } | undefined {
  let s = spec.trim().replace(/\/(tcp|udp|sctp)$/i, '');
  let hostIp: string | undefined;
  const v6 = /^\[([^\]]*)\]:/.exec(s);
  if (v6) {
    hostIp = v6[1];
    s = s.slice(v6[0].length);
  }
  const parts = s.split(':');
  if (!hostIp && parts.length === 3) hostIp = parts[0];
  if (parts.length > 3) return undefined;
  const target = parseInt(parts[parts.length - 1].split('-')[0], 10);
  return Number.isFinite(target) ? { target, hostIp } : undefined;
}

function publishedPorts(s: ComposeService): Published[] {
  const seq = getPair(s.node, 'ports')?.value;
  if (!isSeq(seq)) return [];
  const out: Published[] = [];
  for (const it of seq.items) {
    if (isScalar(it)) {
      const text = scalarText(it);
      if (text === undefined || interpolated(text)) continue;
      const p = shortPort(text);
      if (p) out.push({ ...p, node: it });
    } else if (isMap(it)) {
      const target = Number(scalarText(getPair(it, 'target')?.value));
      if (!Number.isFinite(target)) continue;
      out.push({ target, hostIp: scalarText(getPair(it, 'host_ip')?.value), node: it });
    }
  }
  return out;
}

const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '*']);

export const exposedPort: ComposeRule = {
  id: 'compose-exposed-port',
  title: 'Database or admin port published on all interfaces',
  severity: 'info',
  appliesTo: 'compose',
  references: ['CIS-5.14'],
  description: 'A port published without a host address listens on every interface of the host, and Docker\'s own firewall rules go before the host\'s (ufw, firewalld): a database or admin port is then reachable from the network, not just from this machine.',
  remediation: 'Publish it on 127.0.0.1 only ("127.0.0.1:5432:5432"), or not at all: services of one project reach each other on the project network without ports:.',
  check(model, report) {
    forEachService(model, (s) => {
      for (const p of publishedPorts(s)) {
        const what = SENSITIVE_PORTS.get(p.target);
        if (!what || (p.hostIp !== undefined && !ALL_INTERFACES.has(p.hostIp.trim()))) continue;
        let fix: Fix | undefined;
        if (isScalar(p.node) && p.hostIp === undefined) {
          const text = scalarText(p.node)!.trim();
          const onlyTarget = !text.includes(':');
          fix = onlyTarget
            ? replaceScalarFix(model, s, p.node, `"127.0.0.1::${text}"`, fixTitle('compose.runtime.publish-on-127-0', 'Publish on 127.0.0.1 only'))
            : insertIntoScalarFix(model, s, p.node, '127.0.0.1:', fixTitle('compose.runtime.publish-on-127-0', 'Publish on 127.0.0.1 only'));
        } else if (isMap(p.node) && p.hostIp === undefined) {
          fix = servicePatchPort(model, s, p.node);
        }
        report({
          range: nodeRange(model, p.node),
          fixes: fixes(fix),
          ...msg('compose.runtime.publishes-port-on-all', '{^service} publishes port {target} ({what}) on all host interfaces: bind it to 127.0.0.1 unless other machines must reach it.', { service: serviceText(s), target: p.target, what }),
        });
      }
    });
  },
};

/** Fix for a long-syntax port: `host_ip: 127.0.0.1`. */
function servicePatchPort(model: ComposeModel, s: ComposeService, port: YAMLMap): Fix | undefined {
  return s.shared ? undefined : mapPatchFix(model, port, { host_ip: '127.0.0.1' }, fixTitle('compose.runtime.publish-on-127-0', 'Publish on 127.0.0.1 only'));
}

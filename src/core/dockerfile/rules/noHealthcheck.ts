import { Fix, Rule } from '../../model';
import { DockerfileModel, expandWord, finalStage, instructionArgs, Stage, stageLineage } from '../model';
import { isInstallAction, packageInvocations } from '../commands';
import { insertRuntimeLines } from '../edits';
import { Instruction } from 'dockerfile-ast';
import { fixTitle, frag, msg } from '../../l10n/text';

/** Programs that run as a long-lived network service (basenames as started by CMD/ENTRYPOINT). */
const SERVER_PROGRAMS = new Set([
  'nginx', 'httpd', 'apache2', 'apache2-foreground', 'apachectl', 'lighttpd', 'caddy', 'traefik', 'haproxy', 'envoy', 'squid',
  'php-fpm', 'gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress-serve', 'uwsgi', 'puma', 'unicorn', 'thin',
  'postgres', 'postmaster', 'mysqld', 'mysqld_safe', 'mariadbd', 'mongod', 'mongos', 'redis-server', 'memcached',
  'rabbitmq-server', 'elasticsearch', 'kibana', 'grafana-server', 'prometheus', 'alertmanager', 'consul', 'vault', 'etcd',
  'nats-server', 'influxd', 'influxdb', 'rethinkdb', 'couchdb', 'minio', 'cassandra', 'jenkins.sh', 'catalina.sh',
  'sshd', 'vsftpd', 'named', 'dnsmasq', 'murmurd', 'znc', 'dockerd', 'buildkitd', 'registry',
]);
/** Program + subcommand pairs that start a server (`manage.py runserver`, `flask run`, `rails server`). */
const SERVER_SUBCOMMANDS: Record<string, readonly string[]> = {
  'manage.py': ['runserver'],
  flask: ['run'],
  rails: ['server', 's'],
  server: ['run', 'start'],
  'http.server': [],
};
/** Official images whose own CMD runs a service (their EXPOSE and CMD are inherited). */
const SERVER_IMAGES = /(^|\/)(nginx|httpd|tomcat|jetty|postgres|mysql|mariadb|mongo|redis|memcached|rabbitmq|elasticsearch|kibana|grafana|prometheus|traefik|caddy|haproxy|jenkins|wordpress|ghost|drupal|nextcloud|sonarqube|rethinkdb|cassandra|couchdb|influxdb|open-liberty|websphere-liberty|registry)$/;
/** Stage names of development, test and debugging images: not run as a service. */
const NOT_A_SERVICE_STAGE = /(^|[-_.])(dev|devel|develop|development|dev-?envs?|test|tests|testing|debug|ci|lint|tools?)([-_.]|$)/i;
/** Commands that keep a container alive or open a prompt without serving anything. */
const IDLE_PROGRAMS = new Set(['echo', 'true', 'sleep', 'cat', 'printf', 'tail', 'wc', 'sh', 'bash', 'ash', 'dash', 'zsh']);
/** Interpreters that open a prompt when started without a script. */
const REPLS = new Set(['python', 'python2', 'python3', 'node', 'irb', 'ruby', 'perl', 'php', 'ghci', 'jshell', 'iex', 'erl', 'julia', 'R', 'lua']);
/** Process supervisors that start the program after their options (`tini --`, `dumb-init`). */
const INIT_PROGRAMS = new Set(['tini', 'dumb-init', 'docker-init', 'catatonit', 'gosu', 'su-exec', 'exec', 'env']);
/** Known health probes an image may carry, and the arguments they take. */
const PROBES: Record<string, (port: string) => string> = {
  grpc_health_probe: (port) => `"-addr=:${port}"`,
};

const NO_SHELL = new Set(['scratch', 'distroless']);

interface Runtime {
  /** The words CMD and ENTRYPOINT start the container with (ENTRYPOINT first). */
  argv: string[];
  exposes: string[];
  /** The final image starts from an official server image and keeps its command. */
  serverImage: boolean;
}

/** What the final image runs and exposes, through the stages it is built on. */
function runtimeOf(model: DockerfileModel, stage: Stage): Runtime {
  let cmd: string[] | undefined;
  let entrypoint: string[] | undefined;
  let entrypointShell = false;
  const exposes: string[] = [];
  const lineage = stageLineage(stage);
  for (let k = lineage.length - 1; k >= 0; k--) {
    const s = lineage[k];
    for (let n = 0; n < s.instructions.length; n++) {
      const keyword = s.keywords[n];
      if (keyword !== 'CMD' && keyword !== 'ENTRYPOINT' && keyword !== 'EXPOSE') continue;
      const { json, words } = instructionArgs(model, s.instructions[n]);
      const values = words.map((w) => expandWord(model, w, s.table, json).value);
      if (keyword === 'EXPOSE') exposes.push(...values);
      else if (keyword === 'CMD') cmd = values;
      else {
        entrypoint = values;
        entrypointShell = !json;
        // A new ENTRYPOINT drops the CMD inherited so far.
        cmd = undefined;
      }
    }
  }
  const root = lineage[lineage.length - 1];
  const serverImage = !!root.ref && SERVER_IMAGES.test(root.ref.repository) && !cmd && !entrypoint;
  // A shell-form ENTRYPOINT ignores CMD.
  const argv = [...(entrypoint ?? []), ...(entrypointShell ? [] : cmd ?? [])];
  return { argv, exposes, serverImage };
}

/**
 * Whether the container only idles or opens a prompt (`CMD ["bash"]`, `CMD ["python3"]`,
 * `CMD echo x | wc -`, `sleep infinity`): what base images and tool images start.
 */
function idles(argv: readonly string[]): boolean {
  let i = 0;
  while (i < argv.length) {
    const name = argv[i].slice(argv[i].lastIndexOf('/') + 1);
    if (!INIT_PROGRAMS.has(name) && !argv[i].startsWith('-')) break;
    i++;
  }
  if (i >= argv.length) return true;
  const name = argv[i].slice(argv[i].lastIndexOf('/') + 1).split(/\s/)[0];
  if (REPLS.has(name)) return argv.length === i + 1;
  // `sh -c 'script'` runs the script: only a bare shell idles.
  if (name === 'sh' || name === 'bash' || name === 'ash' || name === 'dash' || name === 'zsh') return argv.length === i + 1;
  return IDLE_PROGRAMS.has(name);
}

/** Whether the words CMD/ENTRYPOINT run start a known server. */
function startsServer(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    // Shell-form and `sh -c` scripts are whole strings: look at their words too.
    for (const word of argv[i].split(/\s+/)) {
      const name = word.slice(word.lastIndexOf('/') + 1);
      if (SERVER_PROGRAMS.has(name) || /^php-fpm[\d.]*$/.test(name)) return true;
      const sub = SERVER_SUBCOMMANDS[name];
      if (sub && (sub.length === 0 || sub.includes(argv[i + 1] ?? '') || argv[i].split(/\s+/).some((w) => sub.includes(w)))) return true;
    }
  }
  return false;
}

/** DS-0026 / DL3057 / CIS-4.6: an image run as a service has no HEALTHCHECK. */
export const noHealthcheck: Rule<DockerfileModel> = {
  id: 'docker-no-healthcheck',
  title: 'No HEALTHCHECK',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0026', 'DL3057', 'CIS-4.6'],
  description:
    'Without a HEALTHCHECK the engine only knows whether the process exists, not whether it still serves: a hung service keeps receiving traffic and is never restarted. Reported for images run as a long-lived service (the final image exposes a port, starts a known server, or keeps the command of an official server image), not for base images, tools, or development and test stages. (Kubernetes ignores HEALTHCHECK and uses probes instead.)',
  remediation: 'Add `HEALTHCHECK CMD <command that fails when the service is unhealthy>` to the final stage, or `HEALTHCHECK NONE` to state that none applies.',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    const lineage = stageLineage(stage);
    // Only the final image matters: it inherits HEALTHCHECK from the stages it is built on.
    if (lineage.some((s) => s.keywords.includes('HEALTHCHECK'))) return;
    if (lineage.some((s) => s.alias && NOT_A_SERVICE_STAGE.test(s.alias))) return;
    const runtime = runtimeOf(model, stage);
    // A service: it keeps an official server image's command, or starts a known server, or
    // exposes a port and runs something other than a prompt (an image that sets no command
    // at all is a base for other images).
    const why = runtime.serverImage
      ? frag('docker.noHealthcheck.keeps-server-command', 'keeps the command of the server image "{image}"', { image: lineage[lineage.length - 1].resolvedImage })
      : startsServer(runtime.argv)
        ? frag('docker.noHealthcheck.starts-server', 'starts a server ({command})', { command: runtime.argv.join(' ').slice(0, 60) })
        : runtime.exposes.length > 0 && runtime.argv.length > 0 && !idles(runtime.argv)
          ? frag('docker.noHealthcheck.exposes', 'exposes {ports}', { ports: runtime.exposes.join(', ') })
          : undefined;
    if (!why) return;
    const probe = probeIn(model, lineage);
    // Without a shell or a probe (scratch, distroless) no HEALTHCHECK command can run in the
    // image: the orchestrator's probes are the way to check it.
    if (!probe && NO_SHELL.has(stage.family)) return;
    const fix = healthcheckFix(model, stage, runtime, probe);
    report({
      range: stage.fromRange,
      fixes: fix ? [fix] : [],
      ...msg('docker.noHealthcheck.the-final-image-runs', 'The final image runs a service (it {why}) without a HEALTHCHECK: add one so the engine can tell when the service stops responding.', { why }),
    });
  },
};

/** The path of a known probe the final image copies or downloads, with its name. */
function probeIn(model: DockerfileModel, lineage: readonly Stage[]): { path: string; name: string } | undefined {
  for (const s of lineage) {
    const copies: Instruction[] = [];
    for (let n = 0; n < s.instructions.length; n++) if (s.keywords[n] === 'COPY' || s.keywords[n] === 'ADD') copies.push(s.instructions[n]);
    for (const ins of copies) {
      const { words } = instructionArgs(model, ins);
      if (words.length < 2) continue;
      const dest = words[words.length - 1].value;
      for (let n = 0; n < words.length - 1; n++) {
        const name = words[n].value.slice(words[n].value.lastIndexOf('/') + 1);
        if (!PROBES[name]) continue;
        const path = dest.endsWith('/') ? dest + name : dest;
        if (path.startsWith('/') && !path.includes('$')) return { path, name };
      }
    }
    for (const run of s.runs) {
      for (const inv of run.invocations) {
        for (const w of inv.words) {
          const name = w.text.slice(w.text.lastIndexOf('/') + 1);
          if (PROBES[name] && w.text.startsWith('/') && !w.text.includes('$')) return { path: w.text, name };
        }
      }
    }
  }
  return undefined;
}

/**
 * A HEALTHCHECK snippet whose command the user edits: a known probe the image carries, else a
 * request to the exposed port with a tool the image has (BusyBox wget on Alpine, curl
 * elsewhere). None for images without a shell (scratch, distroless, Windows) and no probe.
 */
function healthcheckFix(model: DockerfileModel, stage: Stage, runtime: Runtime, probe: { path: string; name: string } | undefined): Fix | undefined {
  const lineage = stageLineage(stage);
  const port = runtime.exposes.map((p) => p.split('/')[0]).find((p) => /^\d+$/.test(p)) ?? '8080';
  let command: string;
  if (probe) command = `CMD ["${probe.path}", ${PROBES[probe.name]('${1:' + port + '}')}]`;
  else if (stage.family === 'windows') return undefined;
  else {
    const installed = new Set<string>();
    for (const p of packageInvocations(model, lineage)) if (isInstallAction(p.program, p.action?.text)) for (const o of p.operands) installed.add(o.text);
    const wget = stage.family === 'alpine' || (installed.has('wget') && !installed.has('curl'));
    command = wget ? `CMD \${1:wget -q --spider http://localhost:${port}/ || exit 1}` : `CMD \${1:curl -fsS http://localhost:${port}/ || exit 1}`;
  }
  const edit = insertRuntimeLines(model, stage, [`HEALTHCHECK --interval=30s --timeout=5s --retries=3 ${command}`]);
  return { kind: 'quickfix', safe: false, snippet: true, edits: [edit], ...fixTitle('docker.noHealthcheck.add-a-healthcheck-edit', 'Add a HEALTHCHECK (edit its command)') };
}

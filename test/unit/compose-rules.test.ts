import * as assert from 'assert';
import { analyze, detectFileKind } from '../../src/core';
import { composeAnalyzer } from '../../src/core/compose';
import { assertAllFixesQuality, assertFixQuality, findings, fixture, r, ruleFindings, service, yaml } from './compose-helpers';

const ids = (text: string): string[] => findings(text).map((f) => f.ruleId);

describe('Compose rules: metadata', () => {
  it('every rule has a compose- id, a title, description, remediation and CIS Docker references in the CIS-x.y form', () => {
    const seen = new Set<string>();
    for (const rule of composeAnalyzer.rules) {
      assert.match(rule.id, /^compose-[a-z0-9-]+$/);
      assert.ok(!seen.has(rule.id), rule.id);
      seen.add(rule.id);
      assert.strictEqual(rule.appliesTo, 'compose');
      assert.ok(rule.title && rule.description && rule.remediation, rule.id);
      for (const ref of rule.references) assert.match(ref, /^CIS-[45]\.\d{1,2}$/, `${rule.id}: ${ref}`);
    }
  });
  it('names the CIS Docker Benchmark v1.6.0 items: privileged 5.5, capabilities 5.4, socket 5.32, no-new-privileges 5.26, seccomp 5.22', () => {
    const refs = (id: string): string[] => composeAnalyzer.rules.find((x) => x.id === id)!.references;
    assert.deepStrictEqual(refs('compose-privileged'), ['CIS-5.5']);
    assert.deepStrictEqual(refs('compose-cap-add'), ['CIS-5.4']);
    assert.deepStrictEqual(refs('compose-docker-socket'), ['CIS-5.32']);
    assert.deepStrictEqual(refs('compose-no-new-privileges'), ['CIS-5.26']);
    assert.deepStrictEqual(refs('compose-seccomp-unconfined'), ['CIS-5.22']);
    assert.deepStrictEqual(refs('compose-host-network'), ['CIS-5.10']);
    assert.deepStrictEqual(refs('compose-resource-limits'), ['CIS-5.11', 'CIS-5.12', 'CIS-5.29']);
  });
});

describe('Compose: file kind and detection', () => {
  it('Compose names are Compose, whatever the languageId', () => {
    for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'docker-compose.override.yml', 'docker-compose-dev.yml', 'compose.prod.yaml', 'dir/Compose.Override.YML']) {
      assert.strictEqual(detectFileKind(name), 'compose', name);
      assert.strictEqual(detectFileKind(name, 'yaml'), 'compose', name);
      assert.strictEqual(detectFileKind(name, 'dockercompose'), 'compose', name);
    }
    for (const name of ['composer.yaml', 'my-compose.yml', 'compose.json', 'deploy.yaml']) assert.notStrictEqual(detectFileKind(name), 'compose', name);
  });
  it('a YAML of another name with a top-level services map of Compose shape is analysed as Compose', () => {
    const text = yaml('services:', '  web:', '    image: nginx', '    privileged: true');
    const result = analyze(text, 'kubernetes');
    assert.ok(result.findings.some((f) => f.ruleId === 'compose-privileged'));
  });
  it('a Compose-shaped text that also mentions apiVersion and kind in values is still Compose', () => {
    const text = yaml('services:', '  web:', '    image: kindest/node:v1.30.0', '    privileged: true', '    environment:', '      apiVersion: v1');
    assert.ok(analyze(text, 'kubernetes').findings.some((f) => f.ruleId === 'compose-privileged'));
  });
  it('Kubernetes objects, GitLab CI (services: a list) and other YAML with a services key are not Compose', () => {
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'services:', '  web: {}', 'spec:', '  containers: [{name: a, image: a:1}]');
    assert.ok(!analyze(pod, 'kubernetes').findings.some((f) => f.ruleId.startsWith('compose-')));
    assert.ok(analyze(yaml('image: ruby:3', 'services:', '  - postgres:16'), 'kubernetes').notApplicable);
    assert.ok(analyze(yaml('replicaCount: 2', 'services:', '  web:', '    port: 80'), 'kubernetes').notApplicable);
    assert.ok(analyze(yaml('services: 3'), 'kubernetes').notApplicable);
  });
  it('a Compose-named file that is not a mapping is not analysed; an empty one has no findings', () => {
    assert.ok(analyze('- a\n- b\n', 'compose').notApplicable);
    assert.deepStrictEqual(analyze('', 'compose').findings, []);
    assert.deepStrictEqual(analyze('# nothing yet\n', 'compose').findings, []);
  });
  it('hostile input: deep nesting is skipped with a reason, a huge mapping with a repeated key is read in linear time', () => {
    const deep = 'services: ' + '['.repeat(100000) + ']'.repeat(100000) + '\n';
    const skipped = analyze(deep, 'compose');
    assert.strictEqual(skipped.skipKind, 'limit');
    assert.ok(analyze(deep, 'kubernetes').notApplicable || analyze(deep, 'kubernetes').skipped, 'by content: not parsed as Compose either');
    const keys = ['services:', '  web:', '    image: a:1', '    environment:'];
    for (let i = 0; i < 100000; i++) keys.push(`      V${i}: "x"`);
    keys.push('      V7: again');
    const started = Date.now();
    const f = analyze(keys.join('\n') + '\n', 'compose').findings;
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    assert.deepStrictEqual(f.filter((x) => x.ruleId === 'compose-yaml-syntax').map((x) => x.message), ['YAML error: Map keys must be unique: "V7" is written twice (the services are not checked).']);
  });
  it('YAML errors in a Compose-named file are reported (compose-yaml-syntax), never thrown', () => {
    const f = ruleFindings(yaml('services:', '  web:', '    image: a', '    image: b'), 'compose-yaml-syntax');
    assert.strictEqual(f.length, 1);
    assert.match(f[0].message, /YAML error/);
    assert.deepStrictEqual(ruleFindings('services: [\n', 'compose-yaml-syntax').length > 0, true);
  });
});

describe('Compose: a hardened service', () => {
  it('has no findings', () => {
    assert.deepStrictEqual(ids(fixture('hardened.yaml')), []);
  });
  it('the insecure fixture has the findings a reviewer would raise', () => {
    const found = new Set(ids(fixture('insecure.yml')));
    for (const id of ['compose-privileged', 'compose-host-network', 'compose-docker-socket', 'compose-host-sensitive-mount', 'compose-env-secret', 'compose-root-user', 'compose-image-latest', 'compose-exposed-port']) assert.ok(found.has(id), id);
  });
});

describe('compose-privileged', () => {
  it('flags privileged: true at the pair, also as a string Go reads as true', () => {
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'privileged: true'), 'compose-privileged').map((f) => f.range), [r(3, 4, 3, 20)]);
    assert.strictEqual(ruleFindings(service('image: a:1', 'privileged: "true"'), 'compose-privileged').length, 1);
  });
  it('does not flag false, a yes that Compose rejects, or interpolation', () => {
    for (const v of ['false', '"false"', '${PRIV:-false}']) assert.strictEqual(ruleFindings(service('image: a:1', `privileged: ${v}`), 'compose-privileged').length, 0, v);
  });
  it('offers to remove the pair (not safe), and the result re-checks clean', () => {
    const text = service('image: a:1', 'privileged: true  # needed?', 'restart: always');
    const f = ruleFindings(text, 'compose-privileged')[0];
    const remove = f.fixes!.find((x) => x.title.startsWith('Remove privileged'))!;
    assert.strictEqual(remove.safe, false);
    assert.strictEqual(assertFixQuality(text, f, remove), service('image: a:1', 'restart: always'));
  });
  it('a privileged service gets no cap_drop or no-new-privileges findings (privileged overrides them)', () => {
    const found = ids(service('image: a:1', 'privileged: true'));
    assert.ok(!found.includes('compose-cap-drop-all') && !found.includes('compose-no-new-privileges'));
  });
});

describe('compose-cap-add', () => {
  it('flags capabilities outside Docker\'s default set, at the item(s)', () => {
    const f = ruleFindings(service('image: a:1', 'cap_add:', '  - NET_ADMIN', '  - CHOWN', '  - cap_sys_module'), 'compose-cap-add');
    assert.strictEqual(f.length, 1);
    assert.match(f[0].message, /NET_ADMIN, SYS_MODULE/);
    assert.deepStrictEqual(f[0].range, r(4, 8, 6, 22));
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'cap_add: [SYS_PTRACE]'), 'compose-cap-add')[0].range, r(3, 14, 3, 24));
  });
  it('does not flag default capabilities (CHOWN, NET_BIND_SERVICE, CAP_SETUID)', () => {
    assert.strictEqual(ruleFindings(service('image: a:1', 'cap_add: [CHOWN, NET_BIND_SERVICE, CAP_SETUID]'), 'compose-cap-add').length, 0);
  });
  it('the fix removes only the non-default ones; removing all removes the key', () => {
    const text = service('image: a:1', 'cap_add:', '  - NET_ADMIN', '  - CHOWN');
    const f = ruleFindings(text, 'compose-cap-add')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'cap_add:', '  - CHOWN'));
    const only = service('image: a:1', 'cap_add: [ALL]', 'restart: always');
    const g = ruleFindings(only, 'compose-cap-add')[0];
    assert.strictEqual(assertFixQuality(only, g, g.fixes![0]), service('image: a:1', 'restart: always'));
  });
});

describe('compose-cap-drop-all', () => {
  it('flags a service without cap_drop ALL at its name', () => {
    assert.deepStrictEqual(ruleFindings(service('image: a:1'), 'compose-cap-drop-all').map((f) => f.range), [r(1, 2, 1, 5)]);
    assert.strictEqual(ruleFindings(service('image: a:1', 'cap_drop: [NET_RAW]'), 'compose-cap-drop-all').length, 1);
  });
  it('accepts ALL in any case and CAP_ALL, and what extends gives', () => {
    for (const v of ['[ALL]', '[all]', '["CAP_ALL"]']) assert.strictEqual(ruleFindings(service('image: a:1', `cap_drop: ${v}`), 'compose-cap-drop-all').length, 0, v);
    const ext = yaml('services:', '  base:', '    image: a:1', '    cap_drop: [ALL]', '  app:', '    extends: base');
    assert.deepStrictEqual(ruleFindings(ext, 'compose-cap-drop-all'), []);
  });
  it('skips a partial service (an override fragment without image or build)', () => {
    assert.strictEqual(ruleFindings(yaml('services:', '  app:', '    ports: ["8080:80"]'), 'compose-cap-drop-all').length, 0);
  });
  it('fixes: adds cap_drop: [ALL], or appends ALL to an existing list (block and flow)', () => {
    const add = service('image: a:1');
    const f = ruleFindings(add, 'compose-cap-drop-all')[0];
    assert.strictEqual(assertFixQuality(add, f, f.fixes![0]), service('image: a:1', 'cap_drop: [ALL]'));
    const block = service('image: a:1', 'cap_drop:', '  - NET_RAW');
    const g = ruleFindings(block, 'compose-cap-drop-all')[0];
    assert.strictEqual(assertFixQuality(block, g, g.fixes![0]), service('image: a:1', 'cap_drop:', '  - NET_RAW', '  - ALL'));
    const flow = service('image: a:1', 'cap_drop: [NET_RAW]');
    const h = ruleFindings(flow, 'compose-cap-drop-all')[0];
    assert.strictEqual(assertFixQuality(flow, h, h.fixes![0]), service('image: a:1', 'cap_drop: [NET_RAW, ALL]'));
  });
});

describe('compose-no-new-privileges', () => {
  it('flags a missing option at the service name, and an explicit false at the item', () => {
    assert.deepStrictEqual(ruleFindings(service('image: a:1'), 'compose-no-new-privileges').map((f) => f.range), [r(1, 2, 1, 5)]);
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'security_opt:', '  - no-new-privileges:false'), 'compose-no-new-privileges').map((f) => f.range), [r(4, 8, 4, 31)]);
  });
  it('accepts the three spellings Docker reads', () => {
    for (const v of ['no-new-privileges', 'no-new-privileges:true', 'no-new-privileges=true']) {
      assert.strictEqual(ruleFindings(service('image: a:1', `security_opt: [${v}]`), 'compose-no-new-privileges').length, 0, v);
    }
  });
  it('fixes: adds the option, or turns an explicit false into true', () => {
    const text = service('image: a:1', 'security_opt:', '  - label:type:svirt_apache_t');
    const f = ruleFindings(text, 'compose-no-new-privileges')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'security_opt:', '  - label:type:svirt_apache_t', '  - no-new-privileges:true'));
    const off = service('image: a:1', 'security_opt: ["no-new-privileges:false"]');
    const g = ruleFindings(off, 'compose-no-new-privileges')[0];
    assert.strictEqual(assertFixQuality(off, g, g.fixes![0]), service('image: a:1', 'security_opt: ["no-new-privileges:true"]'));
  });
});

describe('compose-seccomp-unconfined and compose-apparmor-unconfined', () => {
  it('flag the item, in both separators', () => {
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'security_opt: [seccomp:unconfined, no-new-privileges:true]'), 'compose-seccomp-unconfined').map((f) => f.range), [r(3, 19, 3, 37)]);
    const text = service('image: a:1', 'security_opt:', '  - seccomp=unconfined', '  - apparmor:unconfined');
    assert.deepStrictEqual(ruleFindings(text, 'compose-seccomp-unconfined').map((f) => f.range), [r(4, 8, 4, 26)]);
    assert.deepStrictEqual(ruleFindings(text, 'compose-apparmor-unconfined').map((f) => f.range), [r(5, 8, 5, 27)]);
  });
  it('do not flag a named profile', () => {
    const text = service('image: a:1', 'security_opt: [seccomp:./profile.json, apparmor:docker-default]');
    assert.strictEqual(ruleFindings(text, 'compose-seccomp-unconfined').length + ruleFindings(text, 'compose-apparmor-unconfined').length, 0);
  });
  it('the fix removes the item', () => {
    const text = service('image: a:1', 'security_opt:', '  - seccomp=unconfined', '  - no-new-privileges:true');
    const f = ruleFindings(text, 'compose-seccomp-unconfined')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'security_opt:', '  - no-new-privileges:true'));
  });
});

describe('host namespaces', () => {
  it('flag network_mode, pid, ipc, userns_mode and uts set to host, at the pair', () => {
    const text = service('image: a:1', 'network_mode: host', 'pid: host', 'ipc: "host"', 'userns_mode: host', 'uts: host');
    const got = findings(text).filter((f) => f.ruleId.startsWith('compose-host-')).map((f) => [f.ruleId, f.range]);
    assert.deepStrictEqual(got, [
      ['compose-host-network', r(3, 4, 3, 22)], ['compose-host-pid', r(4, 4, 4, 13)], ['compose-host-ipc', r(5, 4, 5, 15)],
      ['compose-host-userns', r(6, 4, 6, 21)], ['compose-host-uts', r(7, 4, 7, 13)],
    ]);
  });
  it('do not flag other modes', () => {
    const text = service('image: a:1', 'network_mode: "service:vpn"', 'pid: "container:x"', 'ipc: shareable');
    assert.deepStrictEqual(findings(text).filter((f) => f.ruleId.startsWith('compose-host-')), []);
  });
  it('the fix removes the pair', () => {
    const text = service('image: a:1', 'network_mode: host');
    const f = ruleFindings(text, 'compose-host-network')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1'));
  });
});

describe('compose-docker-socket', () => {
  it('flags the socket in short and long syntax, read-only included, at the item', () => {
    const text = service('image: a:1', 'volumes:', '  - /var/run/docker.sock:/var/run/docker.sock:ro', '  - type: bind', '    source: /run/docker.sock', '    target: /var/run/docker.sock');
    const f = ruleFindings(text, 'compose-docker-socket');
    assert.deepStrictEqual(f.map((x) => x.range), [r(4, 8, 4, 52), r(5, 8, 7, 36)]);
    assert.match(f[0].message, /Read-only \(:ro\) does not make it safe/);
  });
  it('flags /var/run and a rootless or podman socket; not a named volume or another path', () => {
    assert.strictEqual(ruleFindings(service('image: a:1', 'volumes: [/var/run:/host/run, /run/user/1000/podman/podman.sock:/s]'), 'compose-docker-socket').length, 2);
    assert.strictEqual(ruleFindings(service('image: a:1', 'volumes: ["docker.sock:/x", ./data:/data, /var/run/app:/run/app]'), 'compose-docker-socket').length, 0);
  });
  it('offers no fix (removing it breaks what the service is for)', () => {
    assert.strictEqual(ruleFindings(service('image: a:1', 'volumes: [/var/run/docker.sock:/var/run/docker.sock]'), 'compose-docker-socket')[0].fixes, undefined);
  });
});

describe('compose-host-sensitive-mount', () => {
  it('flags the host root and CIS 5.6 directories, not their files or other paths', () => {
    const text = service('image: a:1', 'volumes:', '  - /:/host:ro', '  - /etc/:/host-etc', '  - /etc/localtime:/etc/localtime:ro', '  - ./conf:/etc/app', '  - type: bind', '    source: /proc', '    target: /host/proc');
    const f = ruleFindings(text, 'compose-host-sensitive-mount');
    assert.deepStrictEqual(f.map((x) => x.range.start.line), [4, 5, 8]);
    assert.match(f[0].message, /root filesystem \(read-only\)/);
    assert.match(f[1].message, /\/etc, writable/);
  });
});

describe('compose-devices', () => {
  it('flags devices at the key and names them', () => {
    const f = ruleFindings(service('image: a:1', 'devices:', '  - /dev/sda:/dev/xvda:rwm'), 'compose-devices');
    assert.deepStrictEqual(f.map((x) => x.range), [r(3, 4, 3, 11)]);
    assert.match(f[0].message, /\/dev\/sda/);
    assert.strictEqual(ruleFindings(service('image: a:1', 'devices: []'), 'compose-devices').length, 0);
  });
});

describe('compose-root-user and compose-user-unset', () => {
  it('flags root, 0 and 0:0 at the pair', () => {
    for (const v of ['root', '0', '"0:0"', 'root:root']) assert.strictEqual(ruleFindings(service('image: a:1', `user: ${v}`), 'compose-root-user').length, 1, v);
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'user: root'), 'compose-root-user')[0].range, r(3, 4, 3, 14));
  });
  it('does not flag an unprivileged user', () => {
    for (const v of ['node', '"1000:1000"', '10001']) assert.strictEqual(ruleFindings(service('image: a:1', `user: ${v}`), 'compose-root-user').length, 0, v);
  });
  it('reports an unset user as info only for a pulled image (a built one is the Dockerfile check\'s)', () => {
    const f = ruleFindings(service('image: redis:7'), 'compose-user-unset');
    assert.strictEqual(f.length, 1);
    assert.strictEqual(f[0].severity, 'info');
    assert.strictEqual(ruleFindings(service('build: .'), 'compose-user-unset').length, 0);
    assert.strictEqual(ruleFindings(service('image: redis:7', 'user: redis'), 'compose-user-unset').length, 0);
  });
  it('fix: user "10001:10001" replaces root, keeping the rest', () => {
    const text = service('image: a:1', 'user: root # for now');
    const f = ruleFindings(text, 'compose-root-user')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'user: "10001:10001" # for now'));
  });
});

describe('compose-read-only', () => {
  it('flags a missing read_only at the name and false at the pair', () => {
    assert.deepStrictEqual(ruleFindings(service('image: a:1'), 'compose-read-only').map((f) => f.range), [r(1, 2, 1, 5)]);
    assert.deepStrictEqual(ruleFindings(service('image: a:1', 'read_only: false'), 'compose-read-only').map((f) => f.range), [r(3, 4, 3, 20)]);
    assert.strictEqual(ruleFindings(service('image: a:1', 'read_only: true'), 'compose-read-only').length, 0);
  });
  it('the fix is may-break with a tmpfs hint, and flips false to true', () => {
    const text = service('image: a:1', 'read_only: false');
    const f = ruleFindings(text, 'compose-read-only')[0];
    assert.strictEqual(f.fixes![0].safe, false);
    assert.match(f.fixes![0].title, /tmpfs/);
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'read_only: true'));
  });
});

describe('compose-resource-limits', () => {
  it('lists what is missing, at the service name', () => {
    const f = ruleFindings(service('image: a:1', 'mem_limit: 1g'), 'compose-resource-limits');
    assert.deepStrictEqual(f.map((x) => x.range), [r(1, 2, 1, 5)]);
    assert.match(f[0].message, /no CPU, process \(pids\) limits/);
  });
  it('accepts deploy.resources.limits', () => {
    const text = service('image: a:1', 'deploy:', '  resources:', '    limits: {memory: 1G, cpus: "0.5", pids: 100}');
    assert.strictEqual(ruleFindings(text, 'compose-resource-limits').length, 0);
  });
  it('the snippet fix adds the missing keys (top level, or under deploy.resources.limits)', () => {
    const text = service('image: a:1', 'mem_limit: 1g');
    const f = ruleFindings(text, 'compose-resource-limits')[0];
    assert.ok(f.fixes![0].snippet);
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'mem_limit: 1g', 'cpus: 1.0', 'pids_limit: 200'));
    const deploy = service('image: a:1', 'deploy:', '  resources:', '    limits:', '      memory: 1G');
    const g = ruleFindings(deploy, 'compose-resource-limits')[0];
    assert.strictEqual(assertFixQuality(deploy, g, g.fixes![0]), service('image: a:1', 'deploy:', '  resources:', '    limits:', '      memory: 1G', '      cpus: "1.0"', '      pids: 200'));
  });
});

describe('compose-image-latest', () => {
  it('flags :latest and untagged pulled images at the pair', () => {
    assert.deepStrictEqual(ruleFindings(service('image: nginx'), 'compose-image-latest').map((f) => f.range), [r(2, 4, 2, 16)]);
    assert.strictEqual(ruleFindings(service('image: ghcr.io/x/y:latest'), 'compose-image-latest').length, 1);
  });
  it('does not flag a tag, a digest, interpolation, or the name of an image built here', () => {
    for (const v of ['nginx:1.27', 'nginx@sha256:' + 'a'.repeat(64), '${IMAGE}', 'registry:5000/app:${TAG:-1}']) assert.strictEqual(ruleFindings(service(`image: ${v}`), 'compose-image-latest').length, 0, v);
    assert.strictEqual(ruleFindings(service('image: myapp', 'build: .'), 'compose-image-latest').length, 0);
  });
});

describe('compose-env-secret (shared secret detector)', () => {
  it('flags literal credentials in map and list form, at the pair or item, without printing the value', () => {
    const text = service('image: a:1', 'environment:', '  DB_PASSWORD: s3cr3t-Pa55', '  GITHUB_TOKEN: ghp_' + 'a1B2'.repeat(9), '  LIST: x');
    const f = ruleFindings(text, 'compose-env-secret');
    assert.deepStrictEqual(f.map((x) => x.range), [r(4, 6, 4, 30), r(5, 6, 5, 60)]);
    for (const x of f) assert.ok(!x.message.includes('s3cr3t') && !x.message.includes('ghp_a1'), x.message);
    const list = service('image: a:1', 'environment:', '  - MYSQL_ROOT_PASSWORD=example-root-pw');
    assert.deepStrictEqual(ruleFindings(list, 'compose-env-secret').map((x) => x.range), [r(4, 8, 4, 43)]);
  });
  it('does not flag references, values from the shell, _FILE paths or non-secret names', () => {
    const text = service('image: a:1', 'environment:', '  - DB_PASSWORD=${DB_PASSWORD}', '  - API_TOKEN', '  - DB_PASSWORD_FILE=/run/secrets/db', '  - PGUSER=app', '  - TOKEN=$TOKEN');
    assert.deepStrictEqual(ruleFindings(text, 'compose-env-secret').map((x) => x.message), []);
  });
  it('reads a local env_file the caller supplies and reports at the entry that names it, pointing into the file', () => {
    const text = service('image: a:1', 'env_file:', '  - ./db.env', '  - path: ./missing.env', '    required: false');
    const env = '# database\nPOSTGRES_USER=app\nPOSTGRES_PASSWORD=Zq9-literal-pw\nPOSTGRES_DB=${DB:-app}\n';
    const f = ruleFindings(text, 'compose-env-secret', { related: new Map([['./db.env', env]]) });
    assert.deepStrictEqual(f.map((x) => x.range), [r(4, 8, 4, 16)]);
    assert.match(f[0].message, /reads POSTGRES_PASSWORD from \.\/db\.env \(line 3\)/);
    assert.ok(!f[0].message.includes('Zq9'), 'the value is not printed');
    assert.deepStrictEqual(f[0].related?.map(({ l10n: _, ...rel }) => rel), [{ file: './db.env', range: r(2, 0, 2, 32), message: 'POSTGRES_PASSWORD is set here' }]);
    assert.deepStrictEqual(ruleFindings(text, 'compose-env-secret'), [], 'an env_file not supplied is not guessed at');
  });
  it('reads $$ as a literal dollar, not a reference', () => {
    assert.strictEqual(ruleFindings(service('image: a:1', 'environment:', '  DB_PASSWORD: pa$$word-Zq9x'), 'compose-env-secret').length, 1);
  });
});

describe('compose-exposed-port', () => {
  it('flags database and admin ports published on all interfaces, short and long syntax', () => {
    const text = service('image: a:1', 'ports:', '  - "5432:5432"', '  - 6379', '  - "0.0.0.0:3306:3306"', '  - target: 27017', '    published: 27017', '  - "127.0.0.1:9200:9200"', '  - "8080:80"');
    const f = ruleFindings(text, 'compose-exposed-port');
    assert.deepStrictEqual(f.map((x) => x.range.start.line), [4, 5, 6, 7]);
    assert.strictEqual(f[0].severity, 'info');
  });
  it('fixes bind to 127.0.0.1 in each syntax', () => {
    const cases: Array<[string, string]> = [
      ['  - "5432:5432"', '  - "127.0.0.1:5432:5432"'],
      ['  - 5432:5432', '  - 127.0.0.1:5432:5432'],
      ['  - 6379', '  - "127.0.0.1::6379"'],
    ];
    for (const [before, after] of cases) {
      const text = service('image: a:1', 'ports:', before);
      const f = ruleFindings(text, 'compose-exposed-port')[0];
      assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), service('image: a:1', 'ports:', after), before);
    }
    const long = service('image: a:1', 'ports:', '  - target: 5432', '    published: 5432');
    const g = ruleFindings(long, 'compose-exposed-port')[0];
    assert.strictEqual(assertFixQuality(long, g, g.fixes![0]), service('image: a:1', 'ports:', '  - target: 5432', '    published: 5432', '    host_ip: 127.0.0.1'));
  });
});

describe('Harden this service', () => {
  it('sets cap_drop, no-new-privileges, read_only and a non-root user in one edit, and turns privileged off', () => {
    const text = service('image: a:1', 'privileged: true', 'user: root');
    const f = ruleFindings(text, 'compose-privileged')[0];
    const harden = f.fixes!.find((x) => x.title.startsWith('Harden this service'))!;
    assert.strictEqual(harden.safe, false);
    const after = assertFixQuality(text, f, harden);
    assert.strictEqual(after, service('image: a:1', 'privileged: false', 'user: "10001:10001"', 'cap_drop: [ALL]', 'security_opt: [no-new-privileges:true]', 'read_only: true'));
    for (const id of ['compose-privileged', 'compose-cap-drop-all', 'compose-no-new-privileges', 'compose-read-only', 'compose-root-user']) assert.ok(!ids(after).includes(id), id);
  });
  it('is offered on each finding it addresses and not when only one field is missing', () => {
    const text = service('image: a:1');
    for (const id of ['compose-cap-drop-all', 'compose-no-new-privileges', 'compose-read-only']) {
      assert.ok(ruleFindings(text, id)[0].fixes!.some((x) => x.title.startsWith('Harden')), id);
    }
    assert.ok(!ruleFindings(service('image: a:1', 'cap_drop: [ALL]', 'security_opt: [no-new-privileges]'), 'compose-read-only')[0].fixes!.some((x) => x.title.startsWith('Harden')));
  });
});

describe('Compose fixes: layout', () => {
  it('every fix of the insecure fixture meets the quality bar', () => {
    assert.ok(assertAllFixesQuality(fixture('insecure.yml')) >= 8);
  });
  it('4-space indentation and CRLF survive', () => {
    const text = 'services:\r\n    app:\r\n        image: a:1\r\n        restart: always\r\n';
    const f = ruleFindings(text, 'compose-read-only')[0];
    assert.strictEqual(assertFixQuality(text, f, f.fixes![0]), 'services:\r\n    app:\r\n        image: a:1\r\n        restart: always\r\n        read_only: true\r\n');
  });
  it('no fix for a service that shares nodes through anchors; findings still come', () => {
    const text = yaml('x-common: &common', '  restart: always', 'services:', '  app:', '    <<: *common', '    image: a:1', '    privileged: true');
    const f = ruleFindings(text, 'compose-privileged');
    assert.strictEqual(f.length, 1);
    assert.strictEqual(f[0].fixes, undefined);
    assert.strictEqual(ruleFindings(text, 'compose-read-only')[0].fixes, undefined);
  });
  it('values merged from an anchor count (a read_only: true from x-defaults)', () => {
    const text = yaml('x-defaults: &defaults', '  read_only: true', '  cap_drop: [ALL]', 'services:', '  app:', '    <<: *defaults', '    image: a:1');
    assert.strictEqual(ruleFindings(text, 'compose-read-only').length, 0);
    assert.strictEqual(ruleFindings(text, 'compose-cap-drop-all').length, 0);
  });
});

describe('Compose extends', () => {
  it('reads a base service in this file and in a local file the caller supplies', () => {
    const text = yaml('services:', '  app:', '    extends:', '      file: common.yml', '      service: hardened', '    image: a:1');
    const common = yaml('services:', '  hardened:', '    read_only: true', '    cap_drop: [ALL]');
    assert.strictEqual(ruleFindings(text, 'compose-read-only', { related: new Map([['common.yml', common]]) }).length, 0);
  });
  it('does not report missing fields when the base cannot be read (the file was not supplied)', () => {
    const text = yaml('services:', '  app:', '    extends: {file: common.yml, service: hardened}', '    image: a:1');
    assert.strictEqual(ruleFindings(text, 'compose-read-only').length, 0);
    assert.strictEqual(ruleFindings(text, 'compose-cap-drop-all').length, 0);
  });
  it('survives a cycle', () => {
    const text = yaml('services:', '  a:', '    extends: b', '    image: x:1', '  b:', '    extends: a', '    image: x:1');
    assert.strictEqual(ruleFindings(text, 'compose-read-only').length, 2);
  });
});

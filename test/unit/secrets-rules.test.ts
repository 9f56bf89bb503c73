/**
 * The rules that report secrets, through the shared detector: docker-secret-in-build,
 * k8s-env-literal-secret (with its secretKeyRef fix), k8s-secret-in-manifest and
 * k8s-configmap-secrets; and no message, in any output format, shows a secret value.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { range as r } from '../../src/core/model';
import { findings as dockerFindings, rangeText } from './dockerfile-support';
import { applyFix, assertFixQuality, findings as kubeFindings, pod, ruleFindings, yaml } from './kubernetes-helpers';
import { FAKE } from './secrets-support';

const DS = 'docker-secret-in-build';
const ENV_RULE = 'k8s-env-literal-secret';
const docker = (text: string) => dockerFindings(text, DS);

describe('docker-secret-in-build: ARG and ENV', () => {
  it('does not flag a GPG key fingerprint, and flags a literal password under a compound name, at the name', () => {
    const t = 'FROM python:3.13\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\nENV NAGIOSADMIN_USER nagiosadmin\nENV NAGIOSADMIN_PASS nagios\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => f.range), [r(3, 4, 3, 20)]);
    assert.match(fs[0].message, /the name NAGIOSADMIN_PASS and a literal value; value "n…" \(6 characters\)/);
    assert.ok(!fs[0].message.includes('nagios"') && !/\bnagios\b/.test(fs[0].message));
  });
  it('does not flag a variable that names a credentials file, a path or a reference', () => {
    const t = 'FROM a:1\nENV GOOGLE_APPLICATION_CREDENTIALS=/path/key.json\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV DB_PASSWORD=${DB_PASSWORD}\nENV API_TOKEN=""\n';
    assert.deepStrictEqual(docker(t), []);
  });
  it('flags a credentials variable that points into copied files (as Trivy DS-0031 does)', () => {
    const t = 'FROM a:1\nCOPY /src /app/\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/google-storage-service.json\n';
    const [f] = docker(t);
    assert.deepStrictEqual(f.range, r(2, 4, 2, 34));
    assert.deepStrictEqual(f.related?.map((x) => x.range.start.line), [1]);
    assert.deepStrictEqual(docker('FROM a:1\nCOPY /src /src\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/key.json\n'), []);
  });
  it('flags a value in a credential format whatever the name', () => {
    const t = `FROM a:1\nENV REMOTE=${FAKE.github}\n`;
    const [f] = docker(t);
    assert.strictEqual(rangeText(t, f), 'REMOTE');
    assert.match(f.message, /value matches the GitHub token format; value "ghp_…" \(40 characters\)/);
  });
  it('flags a secret-named ARG without a default in the final image, pointing to secret mounts, not in a builder stage', () => {
    const t = 'FROM a:1 AS build\nARG NPM_TOKEN\nFROM a:1\nARG GITHUB_TOKEN\nARG APP_VERSION\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), ['GITHUB_TOKEN']);
    assert.match(fs[0].message, /no default, but a value passed with --build-arg is recorded.*RUN --mount=type=secret/);
  });
  it('flags a secret-named ARG whatever its default, and a global one in any casing (DL3064)', () => {
    const t = 'ARG openai_api_key\nFROM a:1\nARG GITHUB_TOKEN=placeholder\nARG DB_PASSWORD=""\n';
    assert.deepStrictEqual(docker(t).map((f) => rangeText(t, f)), ['openai_api_key', 'GITHUB_TOKEN', 'DB_PASSWORD']);
  });
  it('flags an ENV that copies a secret-named ARG into the environment', () => {
    const t = 'FROM a:1\nARG GH_TOKEN\nENV AUTH=$GH_TOKEN VERSION=1\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), ['GH_TOKEN', 'AUTH']);
    assert.match(fs[1].message, /copies the build argument GH_TOKEN/);
  });
});

describe('docker-secret-in-build: COPY and ADD', () => {
  it('does not flag a public key, a key put into a keyring, certificates or an .env template', () => {
    const t = 'FROM a:1\nCOPY jenkins.io-2026.key /war/jenkins-key.pub\nCOPY repo.key /usr/share/keyrings/repo.asc\nCOPY ca.pem fullchain.pem /etc/ssl/\nCOPY .env.example ./\n';
    assert.deepStrictEqual(docker(t), []);
  });
  it('flags private keys and credential files at the source, with the reason', () => {
    const t = 'FROM a:1\nCOPY id_rsa /root/.ssh/\nCOPY certs/server.key tls-key.pem /etc/ssl/private/\nCOPY .npmrc .docker/config.json ./\nADD deploy_key /root/.ssh/id_ed25519\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), ['id_rsa', 'certs/server.key', 'tls-key.pem', '.npmrc', '.docker/config.json', 'deploy_key']);
    assert.match(fs[0].message, /"id_rsa" is an SSH private key/);
    assert.match(fs[5].message, /it is copied to \/root\/.ssh\/id_ed25519, an SSH private key/);
  });
  it('flags a COPY into a credentials-file variable, at the destination', () => {
    const t = 'FROM a:1\nCOPY key.json $GOOGLE_APPLICATION_CREDENTIALS\n';
    const [f] = docker(t);
    assert.strictEqual(rangeText(t, f), '$GOOGLE_APPLICATION_CREDENTIALS');
  });
  it('does not flag key files copied into a builder stage only', () => {
    assert.deepStrictEqual(docker('FROM a:1 AS build\nCOPY id_rsa /root/.ssh/id_rsa\nFROM a:1\nCOPY --from=build /out /out\n'), []);
  });
});

describe('docker-secret-in-build: RUN command lines', () => {
  it('flags literal passwords in options, URLs and assignments, at the word', () => {
    const t = [
      'FROM a:1',
      'RUN mysql -uroot -pS3cretPw -e "select 1"',
      `RUN git clone https://x-access-token:${FAKE.github}@github.com/o/r.git`,
      'RUN curl -u admin:Adm1nPass https://nexus/repo',
      'RUN ./configure --admin-password=hunter22 && DB_PASSWORD=topsecret ./migrate',
      `RUN echo "//registry.npmjs.org/:_authToken=${FAKE.npm}" > .npmrc`,
      'RUN app-cli login --token s3cr3t-t0ken-value',
    ].join('\n') + '\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), [
      '-pS3cretPw', `https://x-access-token:${FAKE.github}@github.com/o/r.git`, 'admin:Adm1nPass', '--admin-password=hunter22', 'DB_PASSWORD=topsecret',
      `"//registry.npmjs.org/:_authToken=${FAKE.npm}"`, 's3cr3t-t0ken-value',
    ]);
    for (const f of fs) assert.match(f.message, /recorded in the image history and in the Dockerfile/);
  });
  it('does not flag references, stdin passwords, password files or OpenPGP key ids', () => {
    const t = [
      'FROM a:1',
      'RUN echo "$PW" | docker login -u me --password-stdin registry.example.com',
      'RUN npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      'RUN app --password-file /run/secrets/pw --token "$(cat /run/secrets/token)"',
      "RUN key='B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'; gpg --batch --keyserver keyserver.ubuntu.com --recv-keys \"$key\"",
      'RUN gpg --batch --recv-keys 7937DFD2AB06298B2293C3187D33FF9D0246406D',
      'RUN curl -fsSL -u "$USER:$PASS" https://x',
    ].join('\n') + '\n';
    assert.deepStrictEqual(docker(t), []);
  });
  it('flags credential commands without a secret mount, also after `then` (Trivy DS-0031)', () => {
    const t = 'FROM a:1\nRUN if [ -n "$X" ]; then gcloud auth activate-service-account --key-file=${GOOGLE_APPLICATION_CREDENTIALS}; fi\nRUN --mount=type=secret,id=aws aws configure set aws_access_key_id $(cat /run/secrets/aws)\n';
    assert.deepStrictEqual(docker(t).map((f) => rangeText(t, f)), ['gcloud auth activate-service-account']);
  });
});

describe('docker-secret-in-build: heredocs', () => {
  it('flags a credential written by a COPY or RUN heredoc, at the line, not the commands of a RUN <<EOF script twice', () => {
    const t = [
      'FROM a:1',
      'COPY <<EOF /root/.npmrc',
      '//registry.npmjs.org/:_authToken=abc123secret',
      'EOF',
      'RUN cat <<EOF > /app/app.env',
      `API_KEY=${FAKE.stripe}`,
      'LOG_LEVEL=debug',
      'EOF',
      'RUN <<EOF',
      'export DB_PASSWORD=hunter2',
      'EOF',
      'COPY <<EOF /etc/app/key.pem',
      FAKE.pem,
      'EOF',
    ].join('\n') + '\n';
    const fs = docker(t);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f).slice(0, 24)]), [
      [2, '_authToken=abc123secret'], [5, `API_KEY=${FAKE.stripe}`.slice(0, 24)], [9, 'DB_PASSWORD=hunter2'], [12, FAKE.pem.slice(0, 24)],
    ]);
    assert.match(fs[0].message, /^A COPY heredoc writes a credential into the image \(the name _authToken and a literal value; value "abc…" \(12 characters\)\)/);
    assert.match(fs[3].message, /value matches the PEM private key format/);
  });
  it('does not flag heredocs without credentials or with references', () => {
    const t = 'FROM a:1\nCOPY <<EOF /app/app.env\nLOG_LEVEL=debug\nDB_PASSWORD=${DB_PASSWORD}\nEOF\nRUN cat <<EOF > /etc/motd\nhello\nEOF\n';
    assert.deepStrictEqual(docker(t), []);
  });
});

describe('k8s-env-literal-secret', () => {
  const podWith = (...env: string[]): string => pod(
    '  initContainers:', '    - name: init', '      image: i:1', '      env:', '        - name: DB_PASSWORD', '          value: hunter2',
    '  containers:', '    - name: app', '      image: app:1', '      env:', ...env,
    '  ephemeralContainers:', '    - name: debug', '      image: d:1', '      env:', '        - {name: API_TOKEN, value: tok-3f9a8b7c6d5e}',
  );
  it('flags literal credentials in every container kind, at the value pair', () => {
    const text = podWith('        - name: MINIO_SECRET_KEY', '          value: minio123', '        - name: GF_SECURITY_ADMIN_PASSWORD', '          value: "admin"');
    const fs = ruleFindings(text, ENV_RULE);
    assert.deepStrictEqual(fs.map((f) => f.range), [r(10, 10, 10, 24), r(16, 10, 16, 25), r(18, 10, 18, 24), r(23, 28, 23, 51)]);
    assert.match(fs[1].message, /^Container "app" sets MINIO_SECRET_KEY to a literal credential \(the name MINIO_SECRET_KEY and a literal value; value "mi…" \(8 characters\)\)/);
    assert.match(fs[0].message, /^Init container "init"/);
    assert.match(fs[3].message, /^Ephemeral container "debug"/);
    assert.strictEqual(fs[0].severity, 'high');
  });
  it('does not flag valueFrom, references, descriptive names, paths and non-credential names', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      env:',
      '        - name: DB_PASSWORD', '          valueFrom: {secretKeyRef: {name: db, key: password}}',
      '        - name: API_TOKEN', '          value: $(TOKEN_FROM_ENV)',
      '        - name: DB_PASSWORD_FILE', '          value: /run/secrets/db',
      '        - name: GOOGLE_APPLICATION_CREDENTIALS', '          value: /var/secrets/google/key.json',
      '        - name: LOG_LEVEL', '          value: debug',
      '        - name: TOKEN_TTL', '          value: "3600"');
    assert.deepStrictEqual(ruleFindings(text, ENV_RULE), []);
  });
  it('offers a secretKeyRef snippet that replaces the value (not safe), in block style', () => {
    const text = podWith('        - name: MINIO_SECRET_KEY', '          value: minio123 # dev only', '        - name: LOG_LEVEL', '          value: debug');
    const f = ruleFindings(text, ENV_RULE).find((x) => x.message.includes('MINIO_SECRET_KEY'))!;
    const [fix] = f.fixes!;
    assert.strictEqual(fix.safe, false);
    assert.strictEqual(fix.snippet, true);
    assert.strictEqual(fix.edits[0].newText, 'valueFrom:\n            secretKeyRef:\n              name: ${1:p-secrets}\n              key: ${2:minio-secret-key}');
    const fixed = assertFixQuality(text, f, fix);
    assert.ok(fixed.includes('              key: minio-secret-key # dev only\n        - name: LOG_LEVEL'), fixed);
    const doc = parseDocument(fixed);
    assert.deepStrictEqual(doc.errors, []);
    const env = doc.getIn(['spec', 'containers', 0, 'env']) as YAMLSeq;
    const entry = (env.items[0] as YAMLMap).toJSON();
    assert.deepStrictEqual(entry, { name: 'MINIO_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'p-secrets', key: 'minio-secret-key' } } });
    assert.strictEqual(ruleFindings(fixed, ENV_RULE).some((x) => x.message.includes('MINIO_SECRET_KEY')), false);
  });
  it('offers the fix in flow style and keeps CRLF', () => {
    const text = podWith('        - name: X', '          value: y').replace(/\n/g, '\r\n');
    const f = ruleFindings(text, ENV_RULE).find((x) => x.message.includes('API_TOKEN'))!;
    assert.strictEqual(f.fixes![0].edits[0].newText, 'valueFrom: {secretKeyRef: {name: ${1:p-secrets}, key: ${2:api-token}}}');
    const fixed = applyFix(text, f.fixes![0]);
    assert.ok(fixed.includes('- {name: API_TOKEN, valueFrom: {secretKeyRef: {name: p-secrets, key: api-token}}}\r\n'), fixed);
    const block = ruleFindings(text, ENV_RULE).find((x) => x.message.includes('DB_PASSWORD'))!;
    const fixedBlock = applyFix(text, block.fixes![0]);
    assert.ok(!/[^\r]\n/.test(fixedBlock), 'CRLF kept');
    assert.deepStrictEqual(parseDocument(fixedBlock).errors, []);
    assert.strictEqual(ruleFindings(fixedBlock, ENV_RULE).some((x) => x.message.includes('DB_PASSWORD')), false);
  });
  it('replaces a block scalar value without eating the next entry', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      env:', '        - name: DB_PASSWORD', '          value: |', '            hunter2', '        - name: B', '          value: c');
    const f = ruleFindings(text, ENV_RULE)[0];
    const fixed = applyFix(text, f.fixes![0]);
    assert.ok(fixed.includes('key: db-password\n        - name: B\n'), fixed);
    assert.deepStrictEqual(parseDocument(fixed).errors, []);
  });
});

describe('k8s-secret-in-manifest', () => {
  it('judges each value: decoded data, user names and certificates are not secrets, private keys are', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const text = yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: s}', 'type: kubernetes.io/tls', 'data:',
      `  username: ${b64('admin')}`, `  password: ${b64('hunter2')}`, `  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}`,
      `  tls.key: ${b64(`${FAKE.pem}\n-----END OPENSSH PRIVATE KEY-----\n`)}`, '  empty: ""');
    const fs = ruleFindings(text, 'k8s-secret-in-manifest');
    assert.deepStrictEqual(fs.map((f) => f.range.start.line), [6, 8]);
    assert.match(fs[0].message, /key "password" holds a secret value in data \(the name password and a literal value; value "h…" \(7 characters\)\)/);
    assert.match(fs[1].message, /value matches the PEM private key format/);
  });
  it('reads a base64 docker config.json and finds its auth entry', () => {
    const b64 = (x: string): string => Buffer.from(x).toString('base64');
    const config = JSON.stringify({ auths: { 'registry.example.com': { auth: b64('robot:s3cretpw') } } });
    const text = yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: pull}', 'type: kubernetes.io/dockerconfigjson', 'data:', `  .dockerconfigjson: ${b64(config)}`);
    const fs = ruleFindings(text, 'k8s-secret-in-manifest');
    assert.deepStrictEqual(fs.map((f) => f.range), [r(5, 2, 5, 19)]);
    assert.match(fs[0].message, /sets "auth" to a secret \(the name auth and a base64 user:password/);
  });
  it('reads embedded config files in stringData entry by entry, with ranges in the document', () => {
    const text = yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: grafana-config}', 'stringData:', '  grafana.ini: |', '    [date_formats]', '    default_timezone = UTC', '    [security]', '    admin_password = s3cr3tpw');
    const fs = ruleFindings(text, 'k8s-secret-in-manifest');
    assert.deepStrictEqual(fs.map((f) => f.range), [r(8, 4, 8, 29)]);
    assert.deepStrictEqual(ruleFindings(yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: g}', 'stringData:', '  grafana.ini: |', '    [date_formats]', '    default_timezone = UTC'), 'k8s-secret-in-manifest'), []);
  });
});

describe('k8s-configmap-secrets', () => {
  it('does not flag an empty secrets list or a token file, and flags password: x inside config.yaml at its line', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: kiali}', 'data:', '  config.yaml: |', '    auth:', '      strategy: anonymous',
      '    custom_secrets: []', '    bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token', '    db:', '      password: hunter2');
    const fs = ruleFindings(text, 'k8s-configmap-secrets');
    assert.deepStrictEqual(fs.map((f) => f.range), [r(10, 6, 10, 23)]);
    assert.match(fs[0].message, /key "config.yaml" sets "password" to a secret \(the name password and a literal value; value "h…" \(7 characters\)\)/);
  });
  it('maps ranges in CRLF files and in JSON and properties values', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  app.properties: |', '    url=http://x', '    spring.datasource.password=Sup3rS3cret',
      `  app.json: '{"db": {"token": "${FAKE.github}"}}'`, '  DB_PASSWORD: hunter2', '  LOG_LEVEL: debug').replace(/\n/g, '\r\n');
    const fs = ruleFindings(text, 'k8s-configmap-secrets');
    assert.deepStrictEqual(fs.map((f) => f.range), [r(6, 4, 6, 42), r(7, 21, 7, 72), r(8, 2, 8, 22)]);
  });
  it('reports a key when its value cannot be mapped character for character (a folded block)', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  app.env: >', '    TOKEN=abc123def', '    X=1');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-configmap-secrets').map((f) => f.range), [r(4, 2, 4, 9)]);
  });
  it('reads a one-line NAME=value or NAME:value under any key by the name it assigns', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  config: REDIS_PASSWORD=abcd1234', '  other: DB_PASSWORD:supersecret',
      '  image: nginx:1.25', '  url: http://example.com/x', '  mode: LOG_LEVEL=debug');
    const fs = ruleFindings(text, 'k8s-configmap-secrets');
    assert.deepStrictEqual(fs.map((f) => f.range), [r(4, 10, 4, 33), r(5, 9, 5, 32)]);
    assert.match(fs[0].message, /sets "REDIS_PASSWORD" to a secret/);
    assert.ok(!fs.some((f) => f.message.includes('abcd1234') || f.message.includes('supersecret')), 'values are masked');
  });
  it('still judges the key itself when a one-line assignment names nothing secret', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  password: user:Sup3rS3cret');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-configmap-secrets').map((f) => f.range), [r(4, 2, 4, 28)]);
  });
});

describe('secret values never reach an output', () => {
  const SECRETS = ['hunter2', 'minio123', 'Sup3rS3cret', FAKE.github, FAKE.npm, 'S3cretPw', 'Adm1nPass'];
  const files: Record<string, string> = {
    Dockerfile: `FROM a:1\nENV DB_PASSWORD=hunter2\nENV REMOTE=${FAKE.github}\nRUN mysql -pS3cretPw && curl -u admin:Adm1nPass https://x\nRUN echo "_authToken=${FAKE.npm}" > .npmrc\nUSER 1000\nHEALTHCHECK CMD true\n`,
    'pod.yaml': pod('  containers:', '    - name: app', '      image: app:1', '      env:', '        - name: MINIO_SECRET_KEY', '          value: minio123'),
    'cm.yaml': yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  app.properties: |', '    password=Sup3rS3cret'),
  };
  it('not in the findings of the engine', () => {
    const all = [...docker(files.Dockerfile), ...kubeFindings(files['pod.yaml']), ...kubeFindings(files['cm.yaml'])];
    assert.ok(all.filter((f) => /secret/.test(f.ruleId)).length >= 7);
    for (const f of all) for (const s of SECRETS) assert.ok(!f.message.includes(s), `${f.ruleId}: ${f.message}`);
  });
  for (const format of ['text', 'json', 'sarif']) {
    it(`not in the CLI's ${format} output`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-secrets-'));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      let out = '';
      const io: CliIO = { stdout: (t) => { out += t; }, stderr: (t) => { out += t; }, isTTY: false, env: {}, cwd: dir };
      await main(['check', '.', '--format', format], io);
      assert.ok(out.includes('docker-secret-in-build') && out.includes(ENV_RULE) && out.includes('k8s-configmap-secrets'), out);
      for (const s of SECRETS) assert.ok(!out.includes(s), `${s} in ${format} output`);
    });
  }
});

/**
 * The secret detector (core/secrets): names, values, credential formats, files, embedded config
 * files, and a labelled table of name/value pairs run through the detector, the Dockerfile rule
 * and the Kubernetes env rule, with precision and recall.
 */
import * as assert from 'assert';
import { analyze } from '../../src/core';
import { DEFAULT_CONFIG } from '../../src/core/config';
import {
  CREDENTIAL_FORMATS, classifyName, classifyValue, findCredentialFormat, judgeSecret, judgeSecretFile, maskSecret, nameWords,
} from '../../src/core/secrets';
import { embeddedEntries } from '../../src/core/secrets/embedded';
import { FAKE, rep } from './secrets-support';

describe('secrets: names', () => {
  it('splits snake, kebab, dotted and camel case into words', () => {
    assert.deepStrictEqual(nameWords('DB_PASSWORD'), ['db', 'password']);
    assert.deepStrictEqual(nameWords('secretAccessKey'), ['secret', 'access', 'key']);
    assert.deepStrictEqual(nameWords('HTTPServerToken'), ['http', 'server', 'token']);
    assert.deepStrictEqual(nameWords('spring.datasource.password'), ['spring', 'datasource', 'password']);
    assert.deepStrictEqual(nameWords('x-auth-token'), ['x', 'auth', 'token']);
  });
  it('matches credential words as words, not substrings', () => {
    for (const n of ['KEYBOARD', 'MONKEY_PATCH', 'PASSENGER_APP_ENV', 'BYPASS_PROXY', 'COMPASS_MODE', 'TOKENIZER']) assert.strictEqual(classifyName(n).kind, 'neutral', n);
    for (const n of ['DB_PASSWORD', 'dbPassword', 'NAGIOSADMIN_PASS', 'MINIO_SECRET_KEY', 'API_KEY', 'pgpassword', 'clientSecret', 'ARTIFACTORY_PSW', 'azurestorageaccountkey', 'sshkey']) assert.strictEqual(classifyName(n).kind, 'secret', n);
    for (const n of ['hotkey', 'whiskey', 'turkey_count']) assert.strictEqual(classifyName(n).kind, 'neutral', n);
  });
  it('treats names that describe a secret as descriptive', () => {
    for (const n of ['PASSWORD_FILE', 'TOKEN_PATH', 'SECRETS_DIR', 'TOKEN_URL', 'AUTH_ENDPOINT', 'SECRET_NAME', 'GPG_KEY_ID', 'TOKEN_TTL',
      'PASSWORD_LENGTH', 'AUTH_MODE', 'KEY_ALIAS', 'API_KEY_HEADER', 'GPG_KEY', 'GPG_KEYS', 'PUBLIC_KEY', 'SSH_AUTH_SOCK',
      'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_CONFIG_FILE', 'public_token', 'KEY_FINGERPRINT']) {
      assert.strictEqual(classifyName(n).kind, 'descriptive', n);
    }
  });
  it('knows the credential names Trivy lists, through client prefixes', () => {
    const c = classifyName('VITE_AWS_ACCESS_KEY_ID');
    assert.ok(c.kind === 'secret' && c.known);
  });
});

describe('secrets: values', () => {
  it('classifies empty values, references, paths, numbers, booleans and URLs', () => {
    const kinds = (vs: string[]): string[] => vs.map((v) => classifyValue(v).kind);
    assert.deepStrictEqual(kinds(['', 'null', '[]', '{}']), ['empty', 'empty', 'empty', 'empty']);
    assert.deepStrictEqual(kinds(['$X', '${X}', '$(cat /run/secrets/x)', '{{ .Values.pw }}', 'pre${X}post']), ['reference', 'reference', 'reference', 'reference', 'reference']);
    assert.deepStrictEqual(kinds(['/run/secrets/db', './app/key.json', 'conf/app.json', 'key.json', 'C:\\keys\\a.pem']), ['path', 'path', 'path', 'path', 'path']);
    assert.deepStrictEqual(kinds(['3600', '1.5', '30s', '10Mi', 'true', 'off']), ['number', 'number', 'number', 'number', 'boolean', 'boolean']);
    assert.deepStrictEqual(kinds(['https://auth.example.com/token', 'hunter2', FAKE.awsSecret]), ['url', 'literal', 'literal']);
  });
  it('reads only $(VAR), ${VAR} and a lone $VAR as references where Kubernetes expands values', () => {
    assert.strictEqual(classifyValue('pa$sword', { bareDollar: false }).kind, 'literal');
    assert.strictEqual(classifyValue('$(DB_PASSWORD)', { bareDollar: false }).kind, 'reference');
    assert.strictEqual(classifyValue('$DB_PASSWORD', { bareDollar: false }).kind, 'reference');
    assert.strictEqual(classifyValue('pa$sword').kind, 'reference');
  });
});

describe('secrets: credential formats', () => {
  const cases: Array<[string, string]> = [
    ['github-token', FAKE.github], ['github-token', FAKE.githubOauth], ['github-fine-grained-token', FAKE.githubFine],
    ['gitlab-token', FAKE.gitlab], ['slack-token', FAKE.slack], ['slack-webhook', FAKE.slackWebhook], ['stripe-secret-key', FAKE.stripe],
    ['google-api-key', FAKE.google], ['npm-token', FAKE.npm], ['openai-api-key', FAKE.openai], ['aws-access-key-id', FAKE.aws],
    ['jwt', FAKE.jwt], ['private-key', FAKE.pem], ['sendgrid-api-key', FAKE.sendgrid], ['huggingface-token', FAKE.hf],
    ['docker-hub-token', FAKE.docker], ['vault-token', FAKE.vault],
    ['url-password', 'postgres://app:s3cretpw@db:5432/app'], ['url-password', 'redis://:p4ss@redis:6379'],
    ['connection-string-password', 'Server=db;Database=app;User Id=sa;Password=Str0ng!Pass;'],
    ['private-key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9Qx\n-----END RSA PRIVATE KEY-----'],
  ];
  for (const [id, value] of cases) {
    it(`recognises ${id} (${value.slice(0, 12)}…) inside text`, () => {
      assert.strictEqual(findCredentialFormat(`prefix ${value} suffix`)?.format.id, id);
    });
  }
  it('does not match near misses: short tokens, AWS example keys, references in URLs, digests', () => {
    for (const v of ['ghp_short', 'sk-learn', 'AKIAIOSFODNN7EXAMPLE', 'npm_install', 'postgres://app:${PW}@db/app', 'https://user:$(cat /pw)@x',
      'docker://alpine:3.20@sha256:0123abcd', 'http://db:5432/app', 'password=x', '-----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A',
      '-----BEGIN CERTIFICATE-----', 'xoxb-', 'https://user:<password>@host', 'Server=db;Password=${DB_PASSWORD};']) {
      assert.strictEqual(findCredentialFormat(v), undefined, v);
    }
  });
  it('cites a source for every format it lists', () => {
    assert.ok(CREDENTIAL_FORMATS.length >= 20);
    for (const f of CREDENTIAL_FORMATS) assert.ok(f.title && f.hint && (f.pattern || f.find), f.id);
  });
  it('scans adversarial text (a prefix repeated 100,000 times) in linear time', () => {
    const pieces = ['http://a+', 'a://b:', 'ey-', '.eyJ', 'eyJhbGciOiJIUzI1NiJ9.', 'sk-', 'sk-proj-T3BlbkFJ', 'xoxb-', 'ghp_', 'glpat-', 'AKIA', 'password=', 'Password=x;', '-----BEGIN PRIVATE KEY-----', '://u:p@', 'hooks.slack.com/services/'];
    for (const piece of pieces) {
      const text = piece.repeat(100000);
      const t0 = Date.now();
      findCredentialFormat(text);
      judgeSecret({ name: 'DB_PASSWORD', value: text });
      assert.ok(Date.now() - t0 < 1500, `${piece}: ${Date.now() - t0} ms`);
    }
  });
});

describe('secrets: judgeSecret and maskSecret', () => {
  it('says why: a format, a name and a literal, a descriptive name, a reference', () => {
    assert.deepStrictEqual(pick(judgeSecret({ value: FAKE.github })), [true, 'github-token', 'value matches the GitHub token format']);
    assert.deepStrictEqual(pick(judgeSecret({ name: 'DB_PASSWORD', value: 'hunter2' })), [true, 'named-literal', 'the name DB_PASSWORD and a literal value']);
    assert.deepStrictEqual(pick(judgeSecret({ name: 'GPG_KEY', value: 'A035C8C19219BA821ECEA86B64E628F8D684696D' })), [false, 'descriptive-name', 'the name GPG_KEY names a public key or key id, not a secret']);
    assert.deepStrictEqual(pick(judgeSecret({ name: 'DB_PASSWORD', value: '${DB_PASSWORD}' })), [false, 'reference', 'the value refers to a variable or template filled in elsewhere']);
    assert.deepStrictEqual(pick(judgeSecret({ name: 'GITHUB_TOKEN' })), [true, 'named', 'the name GITHUB_TOKEN names a credential']);
    assert.deepStrictEqual(pick(judgeSecret({ name: 'AWS_SECRET_ACCESS_KEY', value: FAKE.awsSecret })), [true, 'aws-secret-access-key', 'the name AWS_SECRET_ACCESS_KEY and a value in the AWS secret access key format']);
  });
  it('lets a format win over a descriptive or neutral name', () => {
    assert.strictEqual(judgeSecret({ name: 'SLACK_WEBHOOK_URL', value: FAKE.slackWebhook }).secret, true);
    assert.strictEqual(judgeSecret({ name: 'GPG_KEY', value: FAKE.pem }).secret, true);
  });
  it('asks more of a weak name: a generated-looking value', () => {
    assert.strictEqual(judgeSecret({ name: 'KEY', value: 'abc' }).secret, false);
    assert.strictEqual(judgeSecret({ name: 'KEY', value: 'f3Bz9Qx2Lm7Rt4Kp8Vw1Yc6Hn0Jd5Sa' }).secret, true);
  });
  it('presumes values of a Secret are secret unless the key names a user, host, URL or certificate', () => {
    assert.strictEqual(judgeSecret({ name: 'value', value: 'IwBTJx9LjU9W4tS5', context: 'secret-store' }).secret, true);
    for (const name of ['username', 'azurestorageaccountname', 'host', 'port', 'tls.crt', 'ca.crt', 'node.session.auth.username_in']) {
      assert.strictEqual(judgeSecret({ name, value: 'x1y2z3', context: 'secret-store' }).secret, false, name);
    }
  });
  it('does not count placeholders to fill in', () => {
    for (const [name, value] of [['GOOGLE_API_KEY', 'GOOGLE_API_KEY_VAL'], ['API_KEY', '<your-api-key>'], ['ETCD_DISCOVERY_TOKEN', 'INSERT_ETCD_DISCOVERY_TOKEN'], ['TOKEN', 'xxxxxxxx']]) {
      assert.strictEqual(judgeSecret({ name, value }).kind, 'placeholder', value);
    }
  });
  it('masks a value to its first characters and length, never more than a quarter', () => {
    assert.strictEqual(maskSecret(FAKE.github), '"ghp_…" (40 characters)');
    assert.strictEqual(maskSecret('admin'), '"a…" (5 characters)');
    assert.strictEqual(maskSecret('abc'), '3 characters');
    assert.strictEqual(maskSecret('x'), '1 character');
  });
});

function pick(j: { secret: boolean; kind: string; reason: string }): [boolean, string, string] {
  return [j.secret, j.kind, j.reason];
}

describe('secrets: files', () => {
  const secret = (src: string, dest?: string): boolean => judgeSecretFile(src, dest).secret;
  it('flags private keys, .env files and credential files', () => {
    for (const f of ['id_rsa', 'keys/id_ed25519', 'server.key', 'tls-key.pem', 'privkey.pem', '.env', '.env.production', '.npmrc', '.pypirc',
      '.docker/config.json', '.aws/credentials', 'credentials', 'kubeconfig', '.kube/config', 'keystore.p12', '.ssh']) {
      assert.ok(secret(f, '/app/'), f);
    }
  });
  it('does not flag public keys, certificates, keyrings, templates and trust stores', () => {
    assert.strictEqual(secret('jenkins.io-2026.key', '/war/jenkins-key.pub'), false);
    assert.strictEqual(secret('repo.key', '/usr/share/keyrings/repo.asc'), false);
    assert.strictEqual(secret('nodesource.gpg.key', '/tmp/'), false);
    for (const f of ['ca.pem', 'fullchain.pem', 'cert.pem', 'id_rsa.pub', 'server.crt', '.env.example', 'truststore.jks', 'config.json']) assert.strictEqual(secret(f, '/app/'), false, f);
  });
  it('judges the destination too: a key copied to ~/.ssh/id_rsa', () => {
    assert.strictEqual(secret('deploy_key', '/root/.ssh/id_rsa'), true);
    assert.strictEqual(secret('auth.json', '/root/.docker/config.json'), true);
  });
});

describe('secrets: embedded config files', () => {
  it('reads YAML entries with their offsets, nested and in lists', () => {
    const text = 'server:\n  port: 8080\n  password: hunter2\nusers:\n  - token: abc\ncustom_secrets: []\n';
    const e = embeddedEntries(text, 'config.yaml');
    assert.deepStrictEqual(e.map((x) => [x.name, x.value, text.slice(x.start, x.end)]), [
      ['port', '8080', 'port: 8080'], ['password', 'hunter2', 'password: hunter2'], ['token', 'abc', 'token: abc'],
    ]);
  });
  it('reads JSON through the YAML parser and properties/INI/.env files line by line', () => {
    assert.deepStrictEqual(embeddedEntries('{"db": {"password": "x"}}', 'app.json').map((x) => [x.name, x.value]), [['password', 'x']]);
    const props = '# comment\n[db]\nspring.datasource.password=secret\nexport TOKEN="abc"\nurl = http://x\n';
    const e = embeddedEntries(props, 'application.properties');
    assert.deepStrictEqual(e.map((x) => [x.name, x.value, props.slice(x.start, x.end)]), [
      ['spring.datasource.password', 'secret', 'spring.datasource.password=secret'], ['TOKEN', 'abc', 'TOKEN="abc"'], ['url', 'http://x', 'url = http://x'],
    ]);
  });
  it('reads registry-scoped .npmrc settings, and skips // comments', () => {
    const text = '// npm settings\n//registry.npmjs.org/:_authToken=abc\n';
    assert.deepStrictEqual(embeddedEntries(text, '.npmrc').map((x) => [x.name, x.value, text.slice(x.start, x.end)]), [['_authToken', 'abc', '_authToken=abc']]);
  });
  it('returns nothing for text without assignments, and survives broken YAML', () => {
    assert.deepStrictEqual(embeddedEntries('just some text', 'notes.txt'), []);
    // Not YAML: read line by line instead.
    assert.deepStrictEqual(embeddedEntries('a: [1\npassword=x', 'x.yaml').map((x) => x.name), ['a', 'password']);
  });
});

/**
 * The labelled table: name, value, and whether it is a credential. Half are secrets (including
 * the real-world misses of issue #12), half look-alikes (including its false positives).
 */
export const LABELLED: ReadonlyArray<[string, string, boolean]> = [
  ['DB_PASSWORD', 'hunter2', true], ['POSTGRES_PASSWORD', 'postgres', true], ['MYSQL_ROOT_PASSWORD', 'root', true],
  ['NAGIOSADMIN_PASS', 'nagios', true], ['MINIO_SECRET_KEY', 'minio123', true], ['GF_SECURITY_ADMIN_PASSWORD', 'admin', true],
  ['ACCESS_KEY', '8312341g-5678-abcd-4a2b2c-33bcsd655', true], ['REDIS_PASSWORD', 's3cr3t!', true],
  ['API_KEY', '4f9c2b7e1d8a6f3c5e0b9d2a7c4e1f8b', true], ['SECRET_KEY_BASE', '9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa9988', true],
  ['JWT_SECRET', 'supersecretjwt', true], ['dbPassword', 'Pa55w0rd', true], ['clientSecret', 'oauth-client-secret-value', true],
  ['RABBITMQ_DEFAULT_PASS', 'guest', true], ['AUTH_TOKEN', 'abcdef123456', true], ['SLACK_TOKEN', FAKE.slack, true],
  ['GITHUB_TOKEN', FAKE.github, true], ['GIT_REMOTE_CONFIG', FAKE.githubOauth, true], ['NPM_CONFIG', FAKE.npm, true],
  ['STRIPE_KEY', FAKE.stripe, true], ['PAYMENTS', FAKE.stripe, true], ['MAPS_SETTING', FAKE.google, true],
  ['LLM_SETTING', FAKE.openai, true], ['AWS_ACCESS_KEY_ID', FAKE.aws, true], ['AWS_SECRET_ACCESS_KEY', FAKE.awsSecret, true],
  ['BACKUP_ID', FAKE.aws, true], ['DATABASE_URL', 'postgres://app:s3cretpw@db:5432/app', true],
  ['REDIS_URL', 'redis://:p4ssw0rd@redis:6379/0', true], ['AMQP_URL', 'amqp://guest:guest@rabbitmq:5672/', true],
  ['CONNECTION_STRING', 'Server=db;Database=app;User Id=sa;Password=Str0ng!Pass;', true],
  ['AZURE_STORAGE_CONNECTION_STRING', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${rep('Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq', 88)};EndpointSuffix=core.windows.net`, true],
  ['SSH_SETUP', FAKE.pem, true], ['SESSION', FAKE.jwt, true], ['MAILER', FAKE.sendgrid, true], ['HF_TOKEN', FAKE.hf, true],
  ['GITLAB', FAKE.gitlab, true], ['SLACK_WEBHOOK_URL', FAKE.slackWebhook, true], ['DOCKER_AUTH', FAKE.docker, true],
  ['VAULT_TOKEN', FAKE.vault, true], ['ADMIN_PASSWORD', 'changeme', true],
  ['KEYCLOAK_ADMIN_PASSWORD', 'correct horse battery staple', true], ['SMTP_PASS', 'mailpass', true],
  ['LDAP_BIND_PASSWORD', 'ldap-secret', true], ['PGPASSWORD', 'postgres', true],
  ['ENCRYPTION_KEY', 'Zk8pQ2mX7vR4tL9wC3nB6yH1jF5dS0aG', true], ['SIGNING_KEY', 'sign-me-0f9e8d7c', true],
  ['DJANGO_SECRET_KEY', 'django-insecure-4k#b2!x9@q', true], ['MONGO_INITDB_ROOT_PASSWORD', 'example', true],
  ['KEY', 'f3Bz9Qx2Lm7Rt4Kp8Vw1Yc6Hn0Jd5Sa', true], ['WEBHOOK_SECRET', 'whsec_1a2b3c4d5e6f', true],
  ['password', 'test', true], ['SECRET_PASSPHRASE', 'test', true], ['ARTIFACTORY_PSW', 'Art1factory!', true],
  ['ELASTIC_PASSWORD', 'changeme', true], ['TOKEN', '0123456789abcdef0123456789abcdef', true],
  ['GITHUB_TOKEN', 'placeholder', true],

  ['GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D', false],
  ['GPG_KEYS', 'B9AE9905FFD7803F25714661B63B535A4C206CA9 C4F0DFFF4E8C1A8236409D08E73BC641CC11F4C8', false],
  ['PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', false],
  ['GOOGLE_APPLICATION_CREDENTIALS', '/var/secrets/google/key.json', false], ['AWS_CONFIG_FILE', '/root/.aws/config', false],
  ['PASSWORD_FILE', '/run/secrets/db_password', false], ['POSTGRES_PASSWORD_FILE', '/run/secrets/postgres-passwd', false],
  ['TOKEN_URL', 'https://auth.example.com/oauth/token', false], ['API_KEY_HEADER', 'X-Api-Key', false],
  ['SECRET_NAME', 'app-secrets', false], ['TOKEN_TTL', '3600', false], ['PASSWORD_MIN_LENGTH', '12', false],
  ['AUTH_TYPE', 'basic', false], ['AUTH_ENABLED', 'true', false], ['KEYBOARD', 'us', false], ['MONKEY_PATCH', '1', false],
  ['PASSENGER_APP_ENV', 'production', false], ['BYPASS_PROXY', 'localhost', false], ['DB_PASSWORD', '', false],
  ['DB_PASSWORD', '${DB_PASSWORD}', false], ['DB_PASSWORD', '$(DB_PASSWORD_FROM_SECRET)', false],
  ['API_TOKEN', '{{ .Values.token }}', false], ['SSH_AUTH_SOCK', '/run/host-services/ssh-auth.sock', false],
  ['KEY_ALIAS', 'mykey', false], ['SIGNING_KEY_ID', '0x1234ABCD', false],
  ['KMS_KEY_ID', 'arn:aws:kms:us-east-1:123456789012:key/abcd-1234', false], ['GITHUB_TOKEN_PATH', '/etc/gh/token', false],
  ['TOKEN_ENDPOINT', 'https://login.example.com/token', false], ['VAULT_ADDR', 'https://vault:8200', false],
  ['DATABASE_URL', 'postgres://db:5432/app', false], ['DATABASE_URL', 'postgres://app:${DB_PASS}@db/app', false],
  ['PASSWORD_HASH_ALGORITHM', 'bcrypt', false], ['AUTH_PROVIDER', 'oidc', false], ['SECRET_KEY_LENGTH', '50', false],
  ['JWT_EXPIRATION', '15m', false], ['REDIS_PASSWORD_REQUIRED', 'false', false], ['CREDENTIALS_DIR', '/etc/creds', false],
  ['TLS_CERT_FILE', '/etc/tls/tls.crt', false], ['STRIPE_PUBLISHABLE_KEY', 'pk_live_51H7abcdefghijklmnop', false],
  ['NEXT_PUBLIC_API_KEY', 'pub-3f9a8b7c6d5e', false], ['public_token', 'abc123', false], ['TOKEN_COUNT', '5', false],
  ['PWD', '/app', false], ['OLDPWD', '/', false], ['KEY_SIZE', '4096', false], ['SECRETS_MOUNT_PATH', '/mnt/secrets', false],
  ['ENCRYPTION_ENABLED', 'yes', false], ['AUTH_HEADER', 'Authorization', false], ['PASSWORD_POLICY', 'strict', false],
  ['TOKEN_COOKIE_NAME', 'access_token', false], ['GITHUB_TOKEN', 'YOUR_GITHUB_TOKEN', false], ['API_KEY', '<your-api-key>', false],
  ['DB_PASSWORD', '5432', false], ['DOCKER_CONFIG', '/root/.docker', false], ['KUBECONFIG', '/root/.kube/config', false],
  ['SECRET_KEY_REF', 'my-secret', false], ['PRIVATE_KEY_PATH', '/keys/id_rsa', false], ['ML_LIBRARY', 'sk-learn', false],
  ['TOKENIZER', 'bert-base-uncased', false], ['COMPASS_MODE', 'on', false], ['custom_secrets', '[]', false],
  ['bearer_token_file', '/var/run/secrets/kubernetes.io/serviceaccount/token', false],
  ['GOOGLE_API_KEY', 'GOOGLE_API_KEY_VAL', false], ['ETCD_DISCOVERY_TOKEN', 'INSERT_ETCD_DISCOVERY_TOKEN', false],
];

interface Score { tp: number; fp: number; fn: number; tn: number; wrong: string[] }

function score(judge: (name: string, value: string) => boolean): Score {
  const s: Score = { tp: 0, fp: 0, fn: 0, tn: 0, wrong: [] };
  for (const [name, value, expected] of LABELLED) {
    const got = judge(name, value);
    if (got && expected) s.tp++;
    else if (got) { s.fp++; s.wrong.push(`false positive ${name}=${value.slice(0, 20)}`); }
    else if (expected) { s.fn++; s.wrong.push(`miss ${name}=${value.slice(0, 20)}`); }
    else s.tn++;
  }
  return s;
}

function report(label: string, s: Score): { precision: number; recall: number } {
  const precision = s.tp / (s.tp + s.fp);
  const recall = s.tp / (s.tp + s.fn);
  // Printed so the figures can be quoted; the assertions below are the contract.
  console.log(`      ${label}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn}, tn ${s.tn})${s.wrong.length ? `; ${s.wrong.join('; ')}` : ''}`);
  return { precision, recall };
}

describe('secrets: the labelled table (precision and recall)', () => {
  it('holds at least 100 pairs, about half of them secrets', () => {
    assert.ok(LABELLED.length >= 100, `${LABELLED.length}`);
    const secrets = LABELLED.filter((x) => x[2]).length;
    assert.ok(secrets >= 45 && LABELLED.length - secrets >= 45, `${secrets} secrets`);
  });
  it('the detector', () => {
    const r = report('detector', score((name, value) => judgeSecret({ name, value }).secret));
    assert.ok(r.precision >= 0.98 && r.recall >= 0.98);
  });
  it('the Dockerfile rule, on ENV NAME="value" in the final stage', () => {
    const r = report('docker-secret-in-build', score((name, value) => {
      const text = `FROM alpine:3.20\nENV ${name}="${value}"\n`;
      const res = analyze(text, 'dockerfile', DEFAULT_CONFIG);
      assert.deepStrictEqual(res.errors, []);
      return res.findings.some((f) => f.ruleId === 'docker-secret-in-build' && f.range.start.line === 1);
    }));
    assert.ok(r.precision >= 0.98 && r.recall >= 0.98);
  });
  it('the Kubernetes env rule, on a container env entry', () => {
    const r = report('k8s-env-literal-secret', score((name, value) => {
      const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: app:1\n      env:\n        - name: ${name}\n          value: ${JSON.stringify(value)}\n`;
      const res = analyze(text, 'kubernetes', DEFAULT_CONFIG);
      assert.deepStrictEqual(res.errors, []);
      return res.findings.some((f) => f.ruleId === 'k8s-env-literal-secret');
    }));
    assert.ok(r.precision >= 0.98 && r.recall >= 0.98);
  });
  it('the ConfigMap rule, on a data key', () => {
    const r = report('k8s-configmap-secrets', score((name, value) => {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  ${name}: ${JSON.stringify(value)}\n`;
      const res = analyze(text, 'kubernetes', DEFAULT_CONFIG);
      assert.deepStrictEqual(res.errors, []);
      return res.findings.some((f) => f.ruleId === 'k8s-configmap-secrets');
    }));
    assert.ok(r.precision >= 0.98 && r.recall >= 0.98);
  });
});

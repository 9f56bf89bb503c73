import * as assert from 'assert';
import { parse, parseAllDocuments } from 'yaml';
import { analyze } from '../../src/core';
import { SigningInputError, extractPublicKeyPem, kyvernoPolicy, policyControllerPolicy, policyNameFor, validateImagePattern } from '../../src/core/signing';

const PEM = [
  '-----BEGIN PUBLIC KEY-----',
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEheVfGYrVn2mIUQ4cxMJ6x09oXf82',
  'zFEMG++p4q8Mf+y2gp7Ae4oUaXk6Q9V7aVjjltRVN6SQcoSASxf2H2EpgA==',
  '-----END PUBLIC KEY-----',
].join('\n');

const KEYLESS = {
  kind: 'keyless' as const,
  subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};

describe('admission policies', () => {
  describe('Kyverno ClusterPolicy', () => {
    it('verifies images with the public key as a PEM block', () => {
      const text = kyvernoPolicy({ images: ['ghcr.io/acme/*'], authority: { kind: 'key', publicKeyPem: `${PEM}\n` } });
      const doc = parse(text);
      assert.strictEqual(doc.apiVersion, 'kyverno.io/v1');
      assert.strictEqual(doc.kind, 'ClusterPolicy');
      assert.strictEqual(doc.metadata.name, 'verify-ghcr-io-acme');
      assert.strictEqual(doc.spec.validationFailureAction, 'Enforce');
      const rule = doc.spec.rules[0];
      assert.deepStrictEqual(rule.match, { any: [{ resources: { kinds: ['Pod'] } }] });
      const verify = rule.verifyImages[0];
      assert.strictEqual(verify.failureAction, 'Enforce');
      assert.deepStrictEqual(verify.imageReferences, ['ghcr.io/acme/*']);
      assert.strictEqual(verify.required, true);
      assert.strictEqual(verify.attestors[0].entries[0].keys.publicKeys, PEM);
      assert.strictEqual(verify.attestors[0].entries[0].keys.rekor, undefined);
      // A literal block keeps the key readable.
      assert.match(text, /publicKeys: \|-\n\s+-----BEGIN PUBLIC KEY-----\n/);
    });

    it('checks keyless signatures by subject and issuer against the public Rekor', () => {
      const doc = parse(kyvernoPolicy({ images: ['ghcr.io/acme/app:*'], authority: KEYLESS, name: 'acme-signed' }));
      assert.strictEqual(doc.metadata.name, 'acme-signed');
      const entry = doc.spec.rules[0].verifyImages[0].attestors[0].entries[0];
      assert.deepStrictEqual(entry, { keyless: { subject: KEYLESS.subject, issuer: KEYLESS.issuer, rekor: { url: 'https://rekor.sigstore.dev' } } });
    });

    it('uses regexp fields for patterns', () => {
      const doc = parse(kyvernoPolicy({ images: ['*'], authority: { kind: 'keyless', subjectRegExp: '^https://github\\.com/acme/.*$', issuer: KEYLESS.issuer } }));
      const keyless = doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless;
      assert.strictEqual(keyless.subjectRegExp, '^https://github\\.com/acme/.*$');
      assert.strictEqual(keyless.subject, undefined);
    });

    it('audits instead of enforcing when asked', () => {
      const doc = parse(kyvernoPolicy({ images: ['ghcr.io/acme/*'], authority: KEYLESS, failureAction: 'Audit' }));
      assert.strictEqual(doc.spec.validationFailureAction, 'Audit');
      assert.strictEqual(doc.spec.rules[0].verifyImages[0].failureAction, 'Audit');
    });

    it('writes the failure action only where the Kyverno version reads it', () => {
      const legacy = parse(kyvernoPolicy({ images: ['a/*'], authority: KEYLESS, failureActionField: 'spec' }));
      assert.strictEqual(legacy.spec.validationFailureAction, 'Enforce');
      assert.strictEqual(legacy.spec.rules[0].verifyImages[0].failureAction, undefined);
      const current = parse(kyvernoPolicy({ images: ['a/*'], authority: KEYLESS, failureActionField: 'rule' }));
      assert.strictEqual(current.spec.validationFailureAction, undefined);
      assert.strictEqual(current.spec.rules[0].verifyImages[0].failureAction, 'Enforce');
    });

    it('skips the transparency log for keys used with --tlog-upload=false', () => {
      const doc = parse(kyvernoPolicy({ images: ['registry.internal/*'], authority: { kind: 'key', publicKeyPem: PEM }, ignoreTlog: true }));
      assert.strictEqual(doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.rekor.ignoreTlog, true);
    });
  });

  describe('Sigstore policy-controller ClusterImagePolicy', () => {
    it('verifies with the public key as data', () => {
      const doc = parse(policyControllerPolicy({ images: ['ghcr.io/acme/**'], authority: { kind: 'key', publicKeyPem: PEM } }));
      assert.strictEqual(doc.apiVersion, 'policy.sigstore.dev/v1beta1');
      assert.strictEqual(doc.kind, 'ClusterImagePolicy');
      assert.deepStrictEqual(doc.spec.images, [{ glob: 'ghcr.io/acme/**' }]);
      assert.strictEqual(doc.spec.authorities[0].key.data, PEM);
      assert.strictEqual(doc.spec.authorities[0].key.hashAlgorithm, 'sha256');
      assert.deepStrictEqual(doc.spec.authorities[0].ctlog, { url: 'https://rekor.sigstore.dev' });
      assert.strictEqual(doc.spec.mode, undefined);
    });

    it('lists keyless identities with issuer and subject', () => {
      const doc = parse(policyControllerPolicy({ images: ['ghcr.io/acme/**', 'docker.io/acme/*'], authority: KEYLESS }));
      assert.deepStrictEqual(doc.spec.images, [{ glob: 'ghcr.io/acme/**' }, { glob: 'docker.io/acme/*' }]);
      assert.deepStrictEqual(doc.spec.authorities[0].keyless, {
        url: 'https://fulcio.sigstore.dev',
        identities: [{ issuer: KEYLESS.issuer, subject: KEYLESS.subject }],
      });
    });

    it('warns instead of rejecting in warn mode, and leaves out the log for private keys', () => {
      const doc = parse(policyControllerPolicy({ images: ['r/*'], authority: { kind: 'key', publicKeyPem: PEM }, mode: 'warn', ignoreTlog: true }));
      assert.strictEqual(doc.spec.mode, 'warn');
      assert.strictEqual(doc.spec.authorities[0].ctlog, undefined);
    });
  });

  describe('passes Shipshape\'s own Kubernetes checks', () => {
    const policies: Array<[string, string]> = [
      ['Kyverno, key', kyvernoPolicy({ images: ['ghcr.io/acme/*'], authority: { kind: 'key', publicKeyPem: PEM } })],
      ['Kyverno, keyless', kyvernoPolicy({ images: ['ghcr.io/acme/*'], authority: KEYLESS })],
      ['policy-controller, key', policyControllerPolicy({ images: ['ghcr.io/acme/**'], authority: { kind: 'key', publicKeyPem: PEM } })],
      ['policy-controller, keyless', policyControllerPolicy({ images: ['ghcr.io/acme/**'], authority: KEYLESS })],
    ];
    it('is a meaningful check: the same analysis flags an insecure Pod', () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext:\n        privileged: true\n';
      assert.ok(analyze(pod, 'kubernetes').findings.length > 0);
    });
    for (const [name, text] of policies) {
      it(`${name}: one valid YAML document and no findings`, () => {
        const docs = parseAllDocuments(text);
        assert.strictEqual(docs.length, 1);
        assert.deepStrictEqual(docs[0].errors, []);
        const result = analyze(text, 'kubernetes');
        assert.deepStrictEqual(result.findings, []);
        assert.deepStrictEqual(result.errors, []);
        assert.strictEqual(result.skipped, undefined);
      });
    }
  });

  describe('input validation', () => {
    for (const bad of ['', '-x', 'a b', 'img;rm', '$(id)', 'a\nb', "it's", '{{ .Values.image }}']) {
      it(`refuses the image pattern ${JSON.stringify(bad)}`, () => {
        assert.ok(validateImagePattern(bad));
        assert.throws(() => kyvernoPolicy({ images: [bad], authority: KEYLESS }), SigningInputError);
        assert.throws(() => policyControllerPolicy({ images: [bad], authority: KEYLESS }), SigningInputError);
      });
    }
    for (const good of ['*', '**', 'ghcr.io/acme/*', 'registry.local:5000/team/app:v?', 'ghcr.io/acme/app@sha256:*']) {
      it(`accepts the image pattern ${good}`, () => assert.strictEqual(validateImagePattern(good), undefined));
    }

    it('refuses a file without a public key, and a private key', () => {
      assert.throws(() => extractPublicKeyPem('hello'), /no PEM public key/);
      const priv = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
      assert.throws(() => kyvernoPolicy({ images: ['a/*'], authority: { kind: 'key', publicKeyPem: priv } }), SigningInputError);
    });

    it('normalises CRLF key files', () => {
      assert.strictEqual(extractPublicKeyPem(PEM.replace(/\n/g, '\r\n') + '\r\n'), PEM);
    });

    it('needs exactly one subject form and one issuer form for keyless', () => {
      assert.throws(() => kyvernoPolicy({ images: ['a/*'], authority: { kind: 'keyless', issuer: KEYLESS.issuer } }), /subject/);
      assert.throws(() => policyControllerPolicy({ images: ['a/*'], authority: { kind: 'keyless', subject: 'x', subjectRegExp: 'y', issuer: 'z' } }), /subject/);
      assert.throws(() => policyControllerPolicy({ images: ['a/*'], authority: { kind: 'keyless', subject: 'x' } }), /issuer/);
    });

    it('refuses a name that is not a Kubernetes name, and no pattern at all', () => {
      assert.throws(() => kyvernoPolicy({ images: ['a/*'], authority: KEYLESS, name: 'Not_A_Name' }), /Kubernetes name/);
      assert.throws(() => kyvernoPolicy({ images: [], authority: KEYLESS }), /at least one/);
    });

    it('derives a name from the pattern', () => {
      assert.strictEqual(policyNameFor('ghcr.io/acme/*'), 'verify-ghcr-io-acme');
      assert.strictEqual(policyNameFor('*'), 'verify-image-signatures');
    });
  });
});

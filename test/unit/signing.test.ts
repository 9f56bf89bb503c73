import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  REDACTED,
  SigningInputError,
  describeVerifyResult,
  generateKeyPairArgs,
  isDigestPinned,
  isPrivateKeyText,
  keyPairFileNames,
  parseAnnotation,
  parseGenerateKeyPairOutput,
  parseImagetoolsDigest,
  parseRepoDigests,
  parseSignOutput,
  parseSignaturePayload,
  parseVerifyFailure,
  parseVerifyOutput,
  pinnedReference,
  redact,
  resolveFromInspect,
  signArgs,
  validateKeyPath,
  validateKmsUri,
  verifyArgs,
  withDigest,
  dockerInspectArgs,
  imagetoolsInspectArgs,
} from '../../src/core/signing';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/cosign');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const DIGEST = 'sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6';
const PINNED = `localhost:5000/tcpconnect@${DIGEST}`;

describe('cosign argv builders', () => {
  describe('sign', () => {
    const cases: Array<{ name: string; opts: Parameters<typeof signArgs>[0]; expected: string[] }> = [
      {
        name: 'key file',
        opts: { reference: PINNED, key: { kind: 'file', path: 'cosign.key' } },
        expected: ['sign', '--key', 'cosign.key', '--yes', PINNED],
      },
      {
        name: 'KMS key',
        opts: { reference: PINNED, key: { kind: 'kms', uri: 'awskms:///arn:aws:kms:eu-west-1:123:key/abc' } },
        expected: ['sign', '--key', 'awskms:///arn:aws:kms:eu-west-1:123:key/abc', '--yes', PINNED],
      },
      {
        name: 'keyless',
        opts: { reference: PINNED, key: { kind: 'keyless' } },
        expected: ['sign', '--yes', PINNED],
      },
      {
        name: 'keyless keeps --yes even when asked not to (no terminal to confirm on)',
        opts: { reference: PINNED, key: { kind: 'keyless' }, yes: false },
        expected: ['sign', '--yes', PINNED],
      },
      {
        name: 'key file without --yes',
        opts: { reference: PINNED, key: { kind: 'file', path: 'cosign.key' }, yes: false },
        expected: ['sign', '--key', 'cosign.key', PINNED],
      },
      {
        name: 'annotations, one -a per pair',
        opts: { reference: PINNED, key: { kind: 'file', path: 'keys/cosign.key' }, annotations: { 'org.example/scan': 'passed', build: '42' } },
        expected: ['sign', '--key', 'keys/cosign.key', '-a', 'org.example/scan=passed', '-a', 'build=42', '--yes', PINNED],
      },
      {
        name: 'no transparency log upload',
        opts: { reference: PINNED, key: { kind: 'file', path: 'cosign.key' }, tlogUpload: false },
        expected: ['sign', '--key', 'cosign.key', '--tlog-upload=false', '--yes', PINNED],
      },
      {
        name: 'a tag when explicitly allowed',
        opts: { reference: 'localhost:5000/tcpconnect:test', key: { kind: 'file', path: 'cosign.key' }, allowTag: true },
        expected: ['sign', '--key', 'cosign.key', '--yes', 'localhost:5000/tcpconnect:test'],
      },
    ];
    for (const c of cases) {
      it(`builds argv for ${c.name}`, () => assert.deepStrictEqual(signArgs(c.opts), c.expected));
    }

    it('refuses to sign a tag unless allowed', () => {
      assert.throws(() => signArgs({ reference: 'localhost:5000/tcpconnect:test', key: { kind: 'keyless' } }), /tag, not a digest/);
    });

    it('refuses a KMS URI with an unknown scheme', () => {
      assert.throws(() => signArgs({ reference: PINNED, key: { kind: 'kms', uri: 'file:///etc/passwd' } }), SigningInputError);
    });

    it('refuses a key path that looks like an option', () => {
      assert.throws(() => signArgs({ reference: PINNED, key: { kind: 'file', path: '--key=/etc/passwd' } }), /cannot start with "-"/);
    });

    it('refuses a key path with an unsupported scheme', () => {
      assert.throws(() => signArgs({ reference: PINNED, key: { kind: 'file', path: 'https://evil.example/key' } }), /not a KMS URI/);
    });

    for (const [k, v] of [['-x', 'y'], ['a b', 'c'], ['', 'v'], ['k', 'line\nbreak'], ['k=', 'v']]) {
      it(`refuses the annotation ${JSON.stringify(`${k}=${v}`)}`, () => {
        assert.throws(() => signArgs({ reference: PINNED, key: { kind: 'keyless' }, annotations: { [k]: v } }), SigningInputError);
      });
    }

    it('never puts a password in argv (there is no option for one)', () => {
      const args = signArgs({ reference: PINNED, key: { kind: 'file', path: 'cosign.key' } });
      assert.ok(!args.some((a) => /password/i.test(a)));
    });
  });

  describe('verify', () => {
    it('verifies with a public key file and asks for JSON', () => {
      assert.deepStrictEqual(verifyArgs({ reference: 'localhost:5000/tcpconnect:test', key: { kind: 'file', path: 'cosign.pub' } }), [
        'verify', '--key', 'cosign.pub', '--output', 'json', 'localhost:5000/tcpconnect:test',
      ]);
    });

    it('verifies with a KMS key', () => {
      assert.deepStrictEqual(verifyArgs({ reference: 'gcr.io/user-vmtest2/demo', key: { kind: 'kms', uri: 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k' } }), [
        'verify', '--key', 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k', '--output', 'json', 'gcr.io/user-vmtest2/demo',
      ]);
    });

    it('verifies keyless with an exact identity and issuer', () => {
      const args = verifyArgs({
        reference: 'ghcr.io/stefanprodan/modules/podinfo:latest',
        key: { kind: 'keyless', identity: { identity: 'me@example.com', issuer: 'https://accounts.google.com' } },
      });
      assert.deepStrictEqual(args, [
        'verify', '--certificate-identity', 'me@example.com', '--certificate-oidc-issuer', 'https://accounts.google.com',
        '--output', 'json', 'ghcr.io/stefanprodan/modules/podinfo:latest',
      ]);
    });

    it('verifies keyless with regexp variants', () => {
      const args = verifyArgs({
        reference: 'ghcr.io/stefanprodan/modules/podinfo:latest',
        key: { kind: 'keyless', identity: { identityRegexp: '^https://github.com/stefanprodan/podinfo.*$', issuerRegexp: '^https://token\\.actions\\..*' } },
      });
      assert.deepStrictEqual(args.slice(0, 5), [
        'verify', '--certificate-identity-regexp', '^https://github.com/stefanprodan/podinfo.*$', '--certificate-oidc-issuer-regexp', '^https://token\\.actions\\..*',
      ]);
    });

    it('adds --insecure-ignore-tlog=true when asked', () => {
      const args = verifyArgs({ reference: PINNED, key: { kind: 'file', path: 'cosign.pub' }, insecureIgnoreTlog: true });
      assert.ok(args.includes('--insecure-ignore-tlog=true'));
      assert.strictEqual(args[args.length - 1], PINNED);
    });

    it('refuses keyless verification without an issuer', () => {
      assert.throws(() => verifyArgs({ reference: PINNED, key: { kind: 'keyless', identity: { identity: 'me@example.com' } } }), /issuer/);
    });

    it('refuses both an identity and an identity regexp', () => {
      assert.throws(
        () => verifyArgs({ reference: PINNED, key: { kind: 'keyless', identity: { identity: 'a', identityRegexp: 'b', issuer: 'https://x' } } }),
        /exactly one/,
      );
    });

    it('refuses an identity that looks like an option', () => {
      assert.throws(
        () => verifyArgs({ reference: PINNED, key: { kind: 'keyless', identity: { identity: '--help', issuer: 'https://x' } } }),
        /cannot start with "-"/,
      );
    });
  });

  describe('generate-key-pair', () => {
    it('generates into the working directory by default', () => {
      assert.deepStrictEqual(generateKeyPairArgs(), ['generate-key-pair']);
      assert.deepStrictEqual(keyPairFileNames(), { privateKey: 'cosign.key', publicKey: 'cosign.pub' });
    });
    it('passes an output key prefix', () => {
      assert.deepStrictEqual(generateKeyPairArgs({ outputKeyPrefix: 'release' }), ['generate-key-pair', '--output-key-prefix', 'release']);
      assert.deepStrictEqual(keyPairFileNames({ outputKeyPrefix: 'release' }), { privateKey: 'release.key', publicKey: 'release.pub' });
    });
    it('generates inside a KMS, writing only the public key', () => {
      assert.deepStrictEqual(generateKeyPairArgs({ kms: 'hashivault://cosign' }), ['generate-key-pair', '--kms', 'hashivault://cosign']);
      assert.deepStrictEqual(keyPairFileNames({ kms: 'hashivault://cosign' }), { publicKey: 'cosign.pub' });
    });
    it('refuses a prefix that is a path or an option', () => {
      assert.throws(() => generateKeyPairArgs({ outputKeyPrefix: '../x' }), SigningInputError);
      assert.throws(() => generateKeyPairArgs({ outputKeyPrefix: '-x' }), SigningInputError);
    });
  });
});

describe('image reference validation before argv', () => {
  const refused: Array<[string, string]> = [
    ['--key=/etc/passwd', 'option injection'],
    ['-v', 'leading dash'],
    ['a b', 'whitespace'],
    ['$(id)', 'command substitution'],
    ['img;rm -rf /', 'shell separator'],
    ['img;rm', 'shell separator without spaces'],
    ['img\nrm', 'newline'],
    ['img\u0000', 'NUL'],
    ['`id`', 'backticks'],
    ['img|cat', 'pipe'],
    ['', 'empty'],
    ['Alpine', 'upper-case repository'],
  ];
  for (const [ref, why] of refused) {
    it(`refuses ${JSON.stringify(ref)} (${why}) in sign and verify`, () => {
      assert.throws(() => signArgs({ reference: ref, key: { kind: 'keyless' }, allowTag: true }), SigningInputError);
      assert.throws(() => verifyArgs({ reference: ref, key: { kind: 'file', path: 'cosign.pub' } }), SigningInputError);
      assert.throws(() => dockerInspectArgs(ref), SigningInputError);
    });
  }
  const accepted = ['alpine', 'alpine:3.20', 'localhost:5000/tcpconnect:test', PINNED, 'ghcr.io/acme/app:1.2@' + DIGEST, '[::1]:5000/app:v1'];
  for (const ref of accepted) {
    it(`accepts ${ref}`, () => {
      assert.strictEqual(verifyArgs({ reference: ref, key: { kind: 'file', path: 'cosign.pub' } }).pop(), ref);
    });
  }
});

describe('private key files', () => {
  it('recognises cosign, PKCS#8, EC and RSA private keys, and nothing else', () => {
    for (const header of ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']) {
      assert.strictEqual(isPrivateKeyText(`-----BEGIN ${header}-----\nabc\n-----END ${header}-----\n`), true, header);
    }
    assert.strictEqual(isPrivateKeyText('-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n'), false);
    assert.strictEqual(isPrivateKeyText('FROM alpine\n'), false);
    assert.strictEqual(isPrivateKeyText('my PRIVATE KEY notes'), false);
  });
});

describe('KMS URIs and key paths', () => {
  for (const uri of ['awskms:///arn:aws:kms:us-east-1:1:key/x', 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', 'azurekms://vault.vault.azure.net/key', 'hashivault://transit-key', 'k8s://ns/secret']) {
    it(`accepts ${uri}`, () => assert.strictEqual(validateKmsUri(uri), undefined));
  }
  for (const uri of ['https://example.com/k', 'file:///etc/passwd', 'awskms://', 'gcpkms://a b', 'cosign.key']) {
    it(`refuses ${JSON.stringify(uri)} as a KMS URI`, () => assert.ok(validateKmsUri(uri)));
  }
  it('accepts ordinary key paths, relative and absolute', () => {
    assert.strictEqual(validateKeyPath('cosign.key'), undefined);
    assert.strictEqual(validateKeyPath('/home/me/keys/cosign.key'), undefined);
    assert.strictEqual(validateKeyPath('C:\\keys\\cosign.key'), undefined);
  });
});

describe('annotations from the command line', () => {
  it('splits at the first "="', () => assert.deepStrictEqual(parseAnnotation('note=a=b'), ['note', 'a=b']));
  it('refuses text without a key', () => assert.throws(() => parseAnnotation('=v'), /key=value/));
  it('refuses text without "="', () => assert.throws(() => parseAnnotation('novalue'), /key=value/));
});

describe('digest pinning', () => {
  it('says whether a reference is pinned by digest', () => {
    assert.strictEqual(isDigestPinned(PINNED), true);
    assert.strictEqual(isDigestPinned('localhost:5000/tcpconnect:test'), false);
    assert.strictEqual(isDigestPinned('alpine'), false);
    assert.strictEqual(isDigestPinned('not a ref'), false);
  });

  it('builds repo@digest from a RepoDigests entry of the same repository', () => {
    assert.strictEqual(pinnedReference('localhost:5000/tcpconnect:test', `localhost:5000/tcpconnect@${DIGEST}`), PINNED);
  });

  it('matches Docker Hub short and long spellings', () => {
    assert.strictEqual(pinnedReference('alpine:3.20', `docker.io/library/alpine@${DIGEST}`), `alpine@${DIGEST}`);
    assert.strictEqual(pinnedReference('docker.io/library/alpine:3.20', `alpine@${DIGEST}`), `docker.io/library/alpine@${DIGEST}`);
  });

  it('does not pin to a digest of another repository', () => {
    assert.strictEqual(pinnedReference('ghcr.io/acme/app:1', `ghcr.io/acme/other@${DIGEST}`), undefined);
    assert.strictEqual(pinnedReference('ghcr.io/acme/app:1', 'ghcr.io/acme/app:2'), undefined);
  });

  const inspect = JSON.stringify([
    { Id: 'sha256:abc', RepoTags: ['localhost:5000/tcpconnect:test', 'tcpconnect:test'], RepoDigests: [`ghcr.io/other/tcpconnect@sha256:${'1'.repeat(64)}`, `localhost:5000/tcpconnect@${DIGEST}`] },
  ]);

  it('reads RepoDigests from docker image inspect JSON', () => {
    assert.deepStrictEqual(parseRepoDigests(inspect).length, 2);
    assert.deepStrictEqual(parseRepoDigests(`["alpine@${DIGEST}"]`), [`alpine@${DIGEST}`]);
    assert.deepStrictEqual(parseRepoDigests('not json'), []);
  });

  it('resolves a tag to the digest of its own repository', () => {
    assert.deepStrictEqual(resolveFromInspect('localhost:5000/tcpconnect:test', inspect), { ok: true, pinned: PINNED, digest: DIGEST });
  });

  it('explains that a never-pushed image has no digest', () => {
    const r = resolveFromInspect('tcpconnect:test', JSON.stringify([{ RepoDigests: [] }]));
    assert.strictEqual(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /never pushed/);
  });

  it('keeps a reference that is already pinned', () => {
    assert.deepStrictEqual(resolveFromInspect(PINNED, '[]'), { ok: true, pinned: PINNED, digest: DIGEST });
  });

  it('reads the manifest digest printed by buildx imagetools', () => {
    const manifest = JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', digest: DIGEST, size: 1609 });
    assert.strictEqual(parseImagetoolsDigest(manifest), DIGEST);
    assert.strictEqual(parseImagetoolsDigest('{"digest":"sha256:zz"}'), undefined);
    assert.strictEqual(parseImagetoolsDigest(''), undefined);
    assert.strictEqual(withDigest('localhost:5000/tcpconnect:test', DIGEST), PINNED);
    assert.deepStrictEqual(imagetoolsInspectArgs('alpine:3.20'), ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', 'alpine:3.20']);
  });
});

describe('parsing real cosign output', () => {
  it('parses a key-based verify (optional: null)', () => {
    const result = parseVerifyOutput('localhost:5000/tcpconnect:test', fixture('verify-key.stdout.json'));
    assert.strictEqual(result.verified, true);
    assert.strictEqual(result.digest, DIGEST);
    assert.deepStrictEqual(result.signatures, [{ dockerReference: 'localhost:5000/tcpconnect', digest: DIGEST }]);
  });

  it('parses the key-based verify transcript, header lines included', () => {
    const result = parseVerifyOutput('localhost:5000/tcpconnect:test', fixture('verify-key.transcript.txt'));
    assert.strictEqual(result.verified, true);
    assert.strictEqual(result.signatures[0].dockerReference, 'localhost:5000/tcpconnect');
  });

  it('parses the KMS verify transcript', () => {
    const result = parseVerifyOutput('gcr.io/user-vmtest2/demo', fixture('verify-kms.transcript.txt'));
    assert.strictEqual(result.digest, 'sha256:410a07f17151ffffb513f942a01748dfdb921de915ea6427d61d60b0357c1dcd');
  });

  it('parses a keyless verify: identity, issuer and transparency log entry', () => {
    const result = parseVerifyOutput('ghcr.io/stefanprodan/modules/podinfo:latest', fixture('verify-keyless.stdout.json'));
    assert.strictEqual(result.verified, true);
    const [sig] = result.signatures;
    assert.strictEqual(sig.identity, 'https://github.com/stefanprodan/podinfo/.github/workflows/release.yml@refs/tags/6.5.4');
    assert.strictEqual(sig.subject, sig.identity);
    assert.strictEqual(sig.issuer, 'https://token.actions.githubusercontent.com');
    assert.strictEqual(sig.digest, 'sha256:1dba385f9d56f9a79e5b87344bbec1502bd11f056df51834e18d3e054de39365');
    assert.strictEqual(sig.tlogIndex, 57409478);
    assert.strictEqual(sig.integratedTime, 1702824434);
    // Fulcio OIDs, the bundle and the GitHub workflow claims are not user annotations.
    assert.strictEqual(sig.annotations, undefined);
    assert.deepStrictEqual(parseVerifyOutput('x', fixture('verify-keyless.transcript.txt')).signatures, result.signatures);
  });

  it('reads user annotations from optional', () => {
    const sig = parseSignaturePayload({
      critical: { identity: { 'docker-reference': 'r' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature' },
      optional: { scan: 'passed', Bundle: { Payload: { logIndex: 3 } } },
    });
    assert.deepStrictEqual(sig.annotations, { scan: 'passed' });
    assert.strictEqual(sig.tlogIndex, 3);
  });

  it('reads the capitalised keys and bare digest of cosign before 1.0', () => {
    const sig = parseSignaturePayload({ Critical: { Identity: { 'docker-reference': 'r' }, Image: { 'Docker-manifest-digest': 'a'.repeat(64) } }, Optional: null });
    assert.deepStrictEqual(sig, { dockerReference: 'r', digest: `sha256:${'a'.repeat(64)}` });
  });

  it('falls back to the Fulcio issuer OID when Issuer is absent', () => {
    const sig = parseSignaturePayload({ critical: {}, optional: { '1.3.6.1.4.1.57264.1.1': 'https://accounts.google.com', Subject: 'me@example.com' } });
    assert.strictEqual(sig.issuer, 'https://accounts.google.com');
    assert.strictEqual(sig.identity, 'me@example.com');
  });

  it('does not claim verification when no payload could be read', () => {
    for (const stdout of ['', 'garbage', '[]', '{"critical":{}}']) {
      const r = parseVerifyOutput('alpine', stdout);
      assert.strictEqual(r.verified, false, stdout);
      assert.ok(r.reason);
    }
  });

  it('parses the sign transcripts', () => {
    assert.deepStrictEqual(parseSignOutput(fixture('sign-key.transcript.txt')), { pushedTo: 'localhost:5000/tcpconnect' });
    assert.deepStrictEqual(parseSignOutput(fixture('sign-keyless.transcript.txt')), { pushedTo: '$IMAGE', tlogIndex: 12086900 });
  });

  it('parses the generate-key-pair transcript', () => {
    assert.deepStrictEqual(parseGenerateKeyPairOutput(fixture('generate-key-pair.transcript.txt')), { privateKey: 'cosign.key', publicKey: 'cosign.pub' });
  });

  it('describes who signed, for people', () => {
    const keyless = describeVerifyResult(parseVerifyOutput('ghcr.io/stefanprodan/modules/podinfo:latest', fixture('verify-keyless.stdout.json')));
    assert.match(keyless, /^✓ ghcr\.io\/stefanprodan\/modules\/podinfo:latest is signed \(sha256:1dba/);
    assert.match(keyless, /by https:\/\/github\.com\/stefanprodan\/podinfo\/\.github\/workflows\/release\.yml@refs\/tags\/6\.5\.4 \(issuer https:\/\/token\.actions\.githubusercontent\.com\)/);
    const key = describeVerifyResult(parseVerifyOutput('localhost:5000/tcpconnect:test', fixture('verify-key.stdout.json')));
    assert.match(key, /signed with the given key for localhost:5000\/tcpconnect/);
  });
});

describe('parsing cosign verify failures', () => {
  // cosign's error shape: "Error: <msg>" then "main.go:NN: error during command execution: <msg>".
  const shape = (msg: string): string => `Error: ${msg}\nmain.go:74: error during command execution: ${msg}\n`;

  it('reports an image without any signature', () => {
    const r = parseVerifyFailure('ghcr.io/acme/app:1', 10, shape('no signatures found'));
    assert.strictEqual(r.verified, false);
    assert.strictEqual(r.failure, 'no-signatures');
    assert.strictEqual(r.reason, 'ghcr.io/acme/app:1 has no signature');
  });

  it('reports signatures that do not match, with cosign\'s detail', () => {
    const r = parseVerifyFailure('ghcr.io/acme/app:1', 12, shape('no matching signatures: none of the expected identities matched what was in the certificate, got subjects [x] with issuer y'));
    assert.strictEqual(r.failure, 'no-match');
    assert.match(r.reason!, /no signature of ghcr\.io\/acme\/app:1 matches the given key or identity: none of the expected identities matched/);
  });

  it('reports the empty-detail form of no matching signatures', () => {
    const r = parseVerifyFailure('alpine', 12, shape('no matching signatures: '));
    assert.strictEqual(r.failure, 'no-match');
    assert.strictEqual(r.reason, 'no signature of alpine matches the given key or identity');
  });

  it('recognises the message even when the exit code is generic (older cosign exits 1)', () => {
    assert.strictEqual(parseVerifyFailure('alpine', 1, shape('no matching signatures: ')).failure, 'no-match');
    assert.strictEqual(parseVerifyFailure('alpine', 1, shape('no signatures found')).failure, 'no-signatures');
  });

  it('reports a missing image', () => {
    const r = parseVerifyFailure('ghcr.io/acme/app:nope', 11, shape('image tag not found: GET https://ghcr.io/v2/acme/app/manifests/nope: MANIFEST_UNKNOWN: manifest unknown'));
    assert.strictEqual(r.failure, 'not-found');
  });

  it('reports any other error with its first line', () => {
    const r = parseVerifyFailure('alpine', 1, shape('--certificate-identity or --certificate-identity-regexp is required for verification in keyless mode'));
    assert.strictEqual(r.failure, 'error');
    assert.strictEqual(r.reason, 'cosign failed: --certificate-identity or --certificate-identity-regexp is required for verification in keyless mode');
  });
});

describe('redact', () => {
  it('removes every occurrence of the password', () => {
    assert.strictEqual(redact('pw=hunter2, again hunter2', ['hunter2']), `pw=${REDACTED}, again ${REDACTED}`);
  });
  it('removes a secret with regular-expression characters literally', () => {
    assert.strictEqual(redact('x a.b*c(d) y', ['a.b*c(d)']), `x ${REDACTED} y`);
    assert.strictEqual(redact('aXbXc', ['a.b']), 'aXbXc');
  });
  it('removes the longer of two overlapping secrets whole', () => {
    assert.strictEqual(redact('token abcdef', ['abc', 'abcdef']), `token ${REDACTED}`);
  });
  it('removes JSON-escaped and URL-encoded echoes', () => {
    assert.strictEqual(redact('{"p":"a\\"b"}', ['a"b']), `{"p":"${REDACTED}"}`);
    assert.strictEqual(redact('url?p=a%20b', ['a b']), `url?p=${REDACTED}`);
  });
  it('removes a COSIGN_PASSWORD assignment even for an unknown value', () => {
    assert.strictEqual(redact('env: COSIGN_PASSWORD=s3cret other', []), `env: COSIGN_PASSWORD=${REDACTED} other`);
  });
  it('ignores empty and missing secrets and leaves clean text alone', () => {
    assert.strictEqual(redact('nothing to hide', ['', undefined]), 'nothing to hide');
  });
});

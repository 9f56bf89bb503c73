import * as assert from 'assert';
import { grypeArgv, InvalidImageRefError, SCANNERS, scoutArgv, snykArgv, trivyArgv } from '../../src/core/scan';

describe('scanner argv', () => {
  it('builds trivy image --format json --quiet with severity and ignore-unfixed', () => {
    assert.deepStrictEqual(trivyArgv('alpine:3.19'), ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', 'alpine:3.19']);
    assert.deepStrictEqual(trivyArgv('alpine:3.19', { severities: ['high', 'critical'], ignoreUnfixed: true }),
      ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', '--severity', 'HIGH,CRITICAL', '--ignore-unfixed', 'alpine:3.19']);
  });

  it('leaves negligible out of Trivy\'s severity list (it has none) instead of passing an empty list', () => {
    assert.deepStrictEqual(trivyArgv('alpine', { severities: ['negligible'] }), ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', 'alpine']);
  });

  it('builds grype REF -o json, with --only-fixed for ignore-unfixed', () => {
    assert.deepStrictEqual(grypeArgv('ghcr.io/org/app:v1'), ['ghcr.io/org/app:v1', '-o', 'json']);
    assert.deepStrictEqual(grypeArgv('ghcr.io/org/app:v1', { ignoreUnfixed: true, severities: ['critical'] }), ['ghcr.io/org/app:v1', '-o', 'json', '--only-fixed']);
  });

  it('refuses references grype would read as a source scheme (dir:, file:, registry:…)', () => {
    for (const ref of ['dir:etc', 'file:passwd', 'registry:latest', 'docker-archive:x', 'sbom:x']) {
      assert.throws(() => grypeArgv(ref), (e: unknown) => e instanceof InvalidImageRefError && /grype as a|local archive or directory/.test((e as Error).message), ref);
    }
    // A name that merely starts like a scheme, or has a registry, is an image.
    assert.deepStrictEqual(grypeArgv('docker.io/library/dir:1')[0], 'docker.io/library/dir:1');
    assert.deepStrictEqual(grypeArgv('dirt:1')[0], 'dirt:1');
  });

  it('builds docker scout cves --format sarif with severities and only-fixed', () => {
    assert.deepStrictEqual(scoutArgv('alpine'), ['scout', 'cves', '--format', 'sarif', 'alpine']);
    assert.deepStrictEqual(scoutArgv('alpine', { severities: ['critical', 'unknown'], ignoreUnfixed: true }),
      ['scout', 'cves', '--format', 'sarif', '--only-severity', 'critical,unspecified', '--only-fixed', 'alpine']);
    assert.strictEqual(SCANNERS.scout.executable, 'docker');
  });

  it('builds snyk container test REF --json with the least severe requested level as threshold', () => {
    assert.deepStrictEqual(snykArgv('alpine:3.12'), ['container', 'test', 'alpine:3.12', '--json']);
    assert.deepStrictEqual(snykArgv('alpine:3.12', { severities: ['critical', 'high'] }), ['container', 'test', 'alpine:3.12', '--json', '--severity-threshold=high']);
    assert.deepStrictEqual(snykArgv('alpine:3.12', { severities: ['negligible'] }), ['container', 'test', 'alpine:3.12', '--json']);
  });

  it('treats Snyk exit code 1 (vulnerabilities found) as a finished scan', () => {
    assert.deepStrictEqual(SCANNERS.snyk.successExitCodes, [0, 1]);
    assert.deepStrictEqual(SCANNERS.trivy.successExitCodes, [0]);
  });
});

describe('image references are validated before they reach any argv', () => {
  const refused: Array<[string, RegExp]> = [
    ['--output=/etc/x', /cannot start with "-"/],
    ['-v', /cannot start with "-"/],
    ['a b', /whitespace or control/],
    ['alpine\n--help', /whitespace or control/],
    ['alpine\t', /whitespace or control/],
    ['alpine\u0000', /whitespace or control/],
    ['$(id)', /not a valid image reference/],
    ['`id`', /not a valid image reference/],
    [';rm -rf /', /whitespace or control|not a valid/],
    ['alpine;rm', /not a valid image reference/],
    ['alpine|cat', /not a valid image reference/],
    ['alpine&&id', /not a valid image reference/],
    ['../../etc/passwd', /not a valid image reference/],
    ['Alpine', /not a valid image reference/],
    ['', /empty/],
  ];
  for (const [ref, why] of refused) {
    it(`refuses ${JSON.stringify(ref)} for every scanner`, () => {
      for (const adapter of Object.values(SCANNERS)) {
        assert.throws(() => adapter.argv(ref), (e: unknown) => e instanceof InvalidImageRefError && /^Refusing to scan: /.test((e as Error).message) && why.test((e as Error).message), `${adapter.id}: ${ref}`);
      }
    });
  }

  const accepted = ['alpine', 'alpine:3.19', 'ghcr.io/org/app:v1.2', 'localhost:5000/team/api:1.4.2', `app@sha256:${'a'.repeat(64)}`, '4dd97cefde62'];
  for (const ref of accepted) {
    it(`passes ${ref} as the last argument, unchanged`, () => {
      for (const adapter of Object.values(SCANNERS)) {
        const args = adapter.argv(ref);
        assert.ok(args.includes(ref), adapter.id);
        assert.strictEqual(args.filter((a) => a === ref).length, 1);
      }
    });
  }
});

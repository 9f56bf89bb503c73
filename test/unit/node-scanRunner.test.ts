import * as assert from 'assert';
import * as path from 'path';
import { listLocalImages, ScanError, scanImage, missingScannerMessage } from '../../src/node/scanRunner';
import { FAKE_BIN, fakeWorld, FakeWorld, callsWithoutOurConfig, splitOurConfig } from './node-fakes';

async function scanError(p: Promise<unknown>): Promise<ScanError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ScanError, `expected a ScanError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the scan to fail');
}

describe('scanImage with fake scanners', function () {
  this.timeout(15000);
  let world: FakeWorld | undefined;
  afterEach(() => { world?.dispose(); world = undefined; });

  it('auto picks trivy first and runs it with the exact argv', async () => {
    world = fakeWorld(['trivy', 'grype', 'docker', 'snyk']);
    const commands: string[][] = [];
    const [report] = await scanImage('alpine:3.10', { env: world.env, onCommand: (exe, args) => commands.push([path.basename(exe), ...args]) });
    assert.deepStrictEqual(callsWithoutOurConfig(world), [{ tool: 'trivy', argv: ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', 'alpine:3.10'] }]);
    assert.deepStrictEqual(commands.map((c) => splitOurConfig(c).argv), [['trivy', 'image', '--format', 'json', '--quiet', '--scanners', 'vuln', 'alpine:3.10']]);
    assert.strictEqual(report.scanner, 'trivy');
    assert.strictEqual(report.image.reference, 'alpine:3.10');
    assert.strictEqual(report.vulns.length, 4);
  });

  it('falls back to grype when trivy is not installed, and filters severities after parsing', async () => {
    world = fakeWorld(['grype', 'snyk']);
    const [report] = await scanImage('ghcr.io/org/app:1', { env: world.env, severities: ['critical'] });
    assert.deepStrictEqual(callsWithoutOurConfig(world), [{ tool: 'grype', argv: ['ghcr.io/org/app:1', '-o', 'json'] }]);
    assert.strictEqual(report.scanner, 'grype');
    assert.deepStrictEqual(report.vulns.map((v) => v.id), ['CVE-1999-0002']);
  });

  it('uses docker scout when only docker with the Scout plugin is installed', async () => {
    world = fakeWorld(['docker']);
    const [report] = await scanImage('alpine:3.18', { env: world.env, ignoreUnfixed: true });
    assert.deepStrictEqual(world.calls(), [
      { tool: 'docker', argv: ['scout', 'version'] },
      { tool: 'docker', argv: ['scout', 'cves', '--format', 'sarif', '--only-fixed', 'alpine:3.18'] },
    ]);
    assert.strictEqual(report.scanner, 'scout');
    // The unfixed busybox CVE is dropped by the shared filter even if the tool kept it.
    assert.deepStrictEqual(report.vulns.map((v) => v.id), ['CVE-2023-5363', 'GHSA-m425-mq94-257g']);
  });

  it('skips docker without the Scout plugin and takes snyk, whose exit code 1 means "found vulnerabilities"', async () => {
    world = fakeWorld(['docker', 'snyk'], { FAKE_DOCKER_NO_SCOUT: '1' });
    const [report] = await scanImage('alpine:3.12', { env: world.env });
    assert.deepStrictEqual(world.calls().map((c) => c.tool), ['docker', 'snyk']);
    assert.deepStrictEqual(world.calls()[1].argv, ['container', 'test', 'alpine:3.12', '--json']);
    assert.strictEqual(report.scanner, 'snyk');
    assert.strictEqual(report.image.reference, 'alpine:3.12');
    assert.strictEqual(report.vulns.length, 8);
  });

  it('says the Scout plugin is missing when scout is asked for explicitly', async () => {
    world = fakeWorld(['docker'], { FAKE_DOCKER_NO_SCOUT: '1' });
    const e = await scanError(scanImage('alpine', { env: world.env, scanner: 'scout' }));
    assert.strictEqual(e.code, 'TOOL_MISSING');
    assert.match(e.message, /Scout plugin is not.*https:\/\/docs\.docker\.com\/scout\//s);
  });

  it('names every scanner and where to get it when none is installed', async () => {
    world = fakeWorld([]);
    const e = await scanError(scanImage('alpine', { env: world.env }));
    assert.strictEqual(e.code, 'TOOL_MISSING');
    for (const text of ['Trivy: https://trivy.dev', 'Grype: https://github.com/anchore/grype', 'Docker Scout: https://docs.docker.com/scout/', 'Snyk: https://docs.snyk.io/cli']) {
      assert.ok(e.message.includes(text), `${text} in ${e.message}`);
    }
    assert.strictEqual(e.message, missingScannerMessage());
    const one = await scanError(scanImage('alpine', { env: world.env, scanner: 'grype' }));
    assert.match(one.message, /^Grype was not found/);
  });

  it('uses a configured tool path that is not on PATH, and rejects a bad one', async () => {
    world = fakeWorld([]);
    const [report] = await scanImage('alpine:3.10', { env: world.env, toolPaths: { trivy: path.join(FAKE_BIN, 'trivy') } });
    assert.strictEqual(report.scanner, 'trivy');
    const e = await scanError(scanImage('alpine:3.10', { env: world.env, toolPaths: { trivy: path.join(world.dir, 'nope') } }));
    assert.strictEqual(e.code, 'BAD_TOOL_PATH');
    assert.match(e.message, /nope does not exist/);
  });

  it('puts the tool\'s stderr in the message when it exits non-zero', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'fail' });
    const e = await scanError(scanImage('alpine:3.10', { env: world.env }));
    assert.strictEqual(e.code, 'TOOL_FAILED');
    assert.match(e.message, /^trivy exited with code 2:\n.*FATAL\ttrivy: unable to find the specified image "alpine:3\.10"/);
  });

  it('reports non-JSON output as a clear error naming the tool', async () => {
    world = fakeWorld(['grype'], { FAKE_TOOL_MODE: 'garbage' });
    const e = await scanError(scanImage('alpine:3.10', { env: world.env }));
    assert.strictEqual(e.code, 'BAD_OUTPUT');
    assert.match(e.message, /^grype did not print JSON; output starts with: <html>/);
  });

  it('refuses an invalid reference before anything is spawned', async () => {
    world = fakeWorld(['trivy']);
    for (const ref of ['--output=/etc/x', '$(id)', 'a b', 'alpine\n-v']) {
      const e = await scanError(scanImage(ref, { env: world.env }));
      assert.strictEqual(e.code, 'INVALID_REFERENCE', ref);
    }
    assert.deepStrictEqual(world.calls(), []);
  });

  it('times out a hung scanner', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'sleep' });
    const e = await scanError(scanImage('alpine:3.10', { env: world.env, timeoutMs: 500 }));
    assert.strictEqual(e.code, 'TIMEOUT');
    assert.match(e.message, /^trivy timed out/);
  });

  it('reports cancellation as CANCELLED', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'sleep' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const e = await scanError(scanImage('alpine:3.10', { env: world.env, signal: controller.signal }));
    assert.strictEqual(e.code, 'CANCELLED');
  });
});

describe('listLocalImages with fake docker/podman', function () {
  this.timeout(15000);
  let world: FakeWorld | undefined;
  afterEach(() => { world?.dispose(); world = undefined; });

  it('lists docker images when docker is installed', async () => {
    world = fakeWorld(['docker', 'podman']);
    const list = await listLocalImages({ env: world.env });
    assert.strictEqual(list.source, 'docker');
    assert.deepStrictEqual(world.calls(), [{ tool: 'docker', argv: ['image', 'ls', '--format', '{{json .}}'] }]);
    assert.deepStrictEqual(list.images.map((i) => i.reference), ['ubuntu:latest', 'alpine:latest', 'a1b2c3d4e5f6',
      'ghcr.io/acme/web@sha256:4c2bf2a5a5e6f0c1d2b3a4958677a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5', 'localhost:5000/team/api:1.4.2']);
  });

  it('uses podman when docker is absent', async () => {
    world = fakeWorld(['podman']);
    const list = await listLocalImages({ env: world.env });
    assert.strictEqual(list.source, 'podman');
    assert.deepStrictEqual(world.calls(), [{ tool: 'podman', argv: ['images', '--format', 'json'] }]);
    assert.strictEqual(list.images.length, 4);
  });

  it('explains a failing docker, and the absence of both', async () => {
    world = fakeWorld(['docker'], { FAKE_TOOL_MODE: 'fail' });
    const failed = await scanError(listLocalImages({ env: world.env }));
    assert.strictEqual(failed.code, 'TOOL_FAILED');
    assert.match(failed.message, /^docker exited with code 2/);
    world.dispose();
    world = fakeWorld([]);
    const missing = await scanError(listLocalImages({ env: world.env }));
    assert.strictEqual(missing.code, 'TOOL_MISSING');
    assert.match(missing.message, /Neither docker nor podman/);
  });
});

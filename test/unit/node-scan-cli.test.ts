import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { FAKE_BIN, fakeWorld, FakeWorld, SCANNER_FIXTURES, callsWithoutOurConfig } from './node-fakes';

interface Run { code: number; stdout: string; stderr: string }

async function shipshape(args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('shipshape scan (in-process, fake scanners on PATH)', function () {
  this.timeout(15000);
  let world: FakeWorld | undefined;
  afterEach(() => { world?.dispose(); world = undefined; });

  it('prints the documented JSON shape and exits 0 when nothing reaches --fail-on high', async () => {
    world = fakeWorld(['trivy']);
    const r = await shipshape(['scan', 'alpine:3.10', '--format', 'json'], world.env);
    assert.strictEqual(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.strictEqual(doc.version, 1);
    assert.strictEqual(doc.reports.length, 1);
    const [report] = doc.reports;
    assert.deepStrictEqual(report.image.reference, 'alpine:3.10');
    assert.strictEqual(report.scanner, 'trivy');
    assert.strictEqual(report.vulns.length, 4);
    for (const v of report.vulns) {
      assert.deepStrictEqual(Object.keys(v).filter((k) => ['id', 'severity', 'pkg', 'installed', 'fixedIn'].includes(k)).sort(), ['fixedIn', 'id', 'installed', 'pkg', 'severity']);
      assert.ok(['critical', 'high', 'medium', 'low', 'negligible', 'unknown'].includes(v.severity));
    }
  });

  it('exits 1 when a vulnerability is at or above --fail-on, 0 with --fail-on none', async () => {
    world = fakeWorld(['trivy']);
    assert.strictEqual((await shipshape(['scan', 'debian:10'], world.env)).code, 1, 'critical ≥ high');
    assert.strictEqual((await shipshape(['scan', 'debian:10', '--fail-on', 'none'], world.env)).code, 0);
    assert.strictEqual((await shipshape(['scan', 'alpine:3.10', '--fail-on', 'medium'], world.env)).code, 1);
    assert.strictEqual((await shipshape(['scan', 'alpine:3.10', '--fail-on', 'critical'], world.env)).code, 0);
  });

  it('passes --severity and --ignore-unfixed to the scanner and applies them to the result and the exit code', async () => {
    world = fakeWorld(['trivy']);
    const r = await shipshape(['scan', 'debian:10', '--severity', 'low', '--ignore-unfixed', '--format', 'json'], world.env);
    assert.deepStrictEqual(callsWithoutOurConfig(world)[0].argv, ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', '--severity', 'LOW', '--ignore-unfixed', 'debian:10']);
    // The fake ignores the flags and prints both vulns: the critical one is not low, the low one has no fix.
    assert.deepStrictEqual(JSON.parse(r.stdout).reports[0].vulns, []);
    assert.strictEqual(r.code, 0);
  });

  it('chooses the scanner with --scanner and prints SARIF 2.1.0', async () => {
    world = fakeWorld(['trivy', 'grype']);
    const r = await shipshape(['scan', 'ghcr.io/org/app:1', '--scanner', 'grype', '--format', 'sarif'], world.env);
    assert.deepStrictEqual(callsWithoutOurConfig(world), [{ tool: 'grype', argv: ['ghcr.io/org/app:1', '-o', 'json'] }]);
    assert.strictEqual(r.code, 1, 'grype reports a Critical');
    const log = JSON.parse(r.stdout);
    assert.strictEqual(log.version, '2.1.0');
    assert.ok(log.$schema);
    assert.strictEqual(log.runs[0].tool.driver.name, 'Shipshape');
    assert.deepStrictEqual(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id), ['CVE-1999-0001', 'CVE-1999-0002']);
    assert.strictEqual(log.runs[0].results.length, 2);
  });

  it('prints a readable table by default, most severe first', async () => {
    world = fakeWorld(['trivy']);
    const r = await shipshape(['scan', 'debian:10'], world.env);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^debian:10 \(trivy dev, 2021-08-25T12:20:30\.000000005Z\)$/);
    assert.match(lines[1], /^ {2}CRITICAL +CVE-2019-18224 +libidn2-0 2\.0\.5-1 +→ 2\.0\.5-1\+deb10u1 +libidn2: heap-based/);
    assert.match(lines[2], /^ {2}LOW +CVE-2019-18276 +bash 5\.0-4 +\(no fix\)/);
    assert.strictEqual(lines[3], '2 vulnerabilities (1 critical, 1 low)');
  });

  it('takes the scanner path from SHIPSHAPE_TRIVY_PATH', async () => {
    world = fakeWorld([]);
    const r = await shipshape(['scan', 'alpine:3.10', '--scanner', 'trivy'], { ...world.env, SHIPSHAPE_TRIVY_PATH: path.join(FAKE_BIN, 'trivy') });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(world.calls().map((c) => c.tool), ['trivy']);
  });

  it('exits 2 naming the scanners and their install pages when none is installed', async () => {
    world = fakeWorld([]);
    const r = await shipshape(['scan', 'alpine:3.10'], world.env);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stdout, '');
    assert.match(r.stderr, /^shipshape scan: No vulnerability scanner was found/);
    assert.match(r.stderr, /https:\/\/trivy\.dev/);
    assert.match(r.stderr, /https:\/\/docs\.snyk\.io\/cli/);
  });

  it('exits 2 with the tool\'s stderr when it fails, and with a clear message on non-JSON output', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'fail' });
    const failed = await shipshape(['scan', 'alpine:3.10'], world.env);
    assert.strictEqual(failed.code, 2);
    assert.match(failed.stderr, /trivy exited with code 2:\n.*unable to find the specified image/);
    world.dispose();
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'garbage' });
    const garbage = await shipshape(['scan', 'alpine:3.10'], world.env);
    assert.strictEqual(garbage.code, 2);
    assert.match(garbage.stderr, /trivy did not print JSON/);
  });

  it('exits 2 on a timeout', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'sleep' });
    const r = await shipshape(['scan', 'alpine:3.10', '--timeout', '0.5'], world.env);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /trivy timed out/);
  });

  it('refuses option-like and shell-like references with exit 2, spawning nothing', async () => {
    world = fakeWorld(['trivy']);
    for (const ref of ['--output=/etc/x', '$(id)', 'a b', ';rm -rf /', 'alpine\nid']) {
      const r = await shipshape(['scan', '--', ref], world.env);
      assert.strictEqual(r.code, 2, ref);
      assert.match(r.stderr, /Refusing to scan/, ref);
    }
    assert.deepStrictEqual(world.calls(), []);
  });

  it('exits 2 on usage errors', async () => {
    world = fakeWorld(['trivy']);
    const cases: Array<[string[], RegExp]> = [
      [['scan'], /no image REF given/],
      [['scan', 'a', 'b'], /one image at a time/],
      [['scan', 'alpine', '--format', 'xml'], /--format must be/],
      [['scan', 'alpine', '--severity', 'severe'], /--severity takes/],
      [['scan', 'alpine', '--fail-on', 'bad'], /--fail-on must be/],
      [['scan', 'alpine', '--scanner', 'clair'], /--scanner must be/],
      [['scan', 'alpine', '--timeout=-1'], /--timeout takes/],
      [['scan', 'alpine', '--timeout', '0'], /--timeout takes/],
      [['scan', 'alpine', '--bogus'], /Unknown option/],
    ];
    for (const [args, why] of cases) {
      const r = await shipshape(args, world.env);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, why, args.join(' '));
    }
    assert.deepStrictEqual(world.calls(), []);
  });

  it('normalises an existing report with --report, no tool needed', async () => {
    world = fakeWorld([]);
    const snyk = path.join(SCANNER_FIXTURES, 'snyk/container-app-vulns.resultJsonDataNonGrouped.json');
    const r = await shipshape(['scan', '--report', snyk, '--format', 'json'], world.env);
    assert.strictEqual(r.code, 1, 'Snyk found high vulnerabilities');
    const doc = JSON.parse(r.stdout);
    assert.strictEqual(doc.reports[0].scanner, 'snyk');
    assert.strictEqual(doc.reports[0].vulns.length, 8);
    const both = await shipshape(['scan', '--report', 'trivy/alpine-310.sarif.golden', '--report', 'grype/json-TestEmptyJsonPresenter.golden', '--format', 'json'], world.env, SCANNER_FIXTURES);
    assert.strictEqual(both.code, 0, both.stderr);
    assert.deepStrictEqual(JSON.parse(both.stdout).reports.map((x: { scanner: string; vulns: unknown[] }) => [x.scanner, x.vulns.length]), [['trivy', 4], ['grype', 0]]);
  });

  it('exits 2 for an unreadable or unrecognised report file', async () => {
    world = fakeWorld([]);
    const missing = await shipshape(['scan', '--report', path.join(world.dir, 'nope.json')], world.env);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: no such file/);
    const notReport = path.join(world.dir, 'pod.json');
    fs.writeFileSync(notReport, '{"kind":"Pod"}');
    const unknown = await shipshape(['scan', '--report', notReport], world.env);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /unrecognised report format/);
    const both = await shipshape(['scan', 'alpine', '--report', notReport], world.env);
    assert.strictEqual(both.code, 2);
    assert.match(both.stderr, /either an image REF or --report/);
  });

  it('is listed in shipshape --help', async () => {
    const r = await shipshape(['--help'], {});
    assert.match(r.stdout, /scan +scan an image for vulnerabilities/);
  });
});

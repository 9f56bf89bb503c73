import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  detectReportFormat, importReport, NotAReportError, parsePurl, parseSarif, parseTrivy, ScanParseError, ScanReport, toJson, toSarif,
} from '../../src/core/scan';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');
const read = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

describe('SARIF import', () => {
  it('reads Trivy SARIF like Trivy JSON: same ids, packages, versions, severities', () => {
    const [fromSarif] = parseSarif(read('trivy/alpine-310.sarif.golden'));
    const [fromJson] = parseTrivy(read('trivy/alpine-310.json.golden'));
    assert.strictEqual(fromSarif.scanner, 'trivy');
    assert.strictEqual(fromSarif.scannerVersion, 'dev');
    assert.strictEqual(fromSarif.image.reference, 'ghcr.io/aquasecurity/trivy-test-images:alpine-310');
    assert.strictEqual(fromSarif.image.id, 'sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4');
    const key = (r: ScanReport) => r.vulns.map((v) => [v.id, v.pkg, v.installed, v.fixedIn, v.severity].join(' ')).sort();
    assert.deepStrictEqual(key(fromSarif), key(fromJson));
    const v = fromSarif.vulns[0];
    assert.strictEqual(v.title, 'openssl: information disclosure in fork()');
    assert.strictEqual(v.cvss?.score, 5.3);
    assert.strictEqual(v.urls[0], 'https://avd.aquasec.com/nvd/cve-2019-1549');
  });

  it('reads Grype SARIF: the CVE id out of "<CVE>-<package>" rule ids, the severity word, comma-joined fixes', () => {
    const [r] = parseSarif(read('grype/sarif-TestSarifPresenter_image.golden'));
    assert.strictEqual(r.scanner, 'grype');
    assert.strictEqual(r.image.reference, 'user-input');
    assert.deepStrictEqual(r.vulns.map((v) => [v.id, v.pkg, v.installed, v.fixedIn, v.severity]), [
      ['CVE-1999-0001', 'package-1', '1.1.1', '1.2.1, 2.1.3, 3.4.0', 'low'],
      ['CVE-1999-0002', 'package-2', '2.2.2', undefined, 'critical'],
    ]);
  });

  it('reads Snyk SARIF: severity from the rule text, package from the logical location, CVE alias', () => {
    const [r] = parseSarif(read('snyk/sarif-container-result.json'));
    assert.strictEqual(r.scanner, 'snyk');
    assert.strictEqual(r.scannerVersion, '1.0.0-monorepo');
    assert.strictEqual(r.image.reference, 'snyk/kubernetes-monitor');
    assert.strictEqual(r.vulns.length, 1);
    const v = r.vulns[0];
    assert.deepStrictEqual([v.id, v.pkg, v.installed, v.severity], ['SNYK-LINUX-BZIP2-106947', 'bzip2', '1.0.6-8.1', 'low']);
    assert.deepStrictEqual(v.aliases, ['CVE-2016-3189']);
    assert.strictEqual(v.title, 'Denial of Service (DoS) vulnerability in bzip2');
    assert.strictEqual(v.target, 'alpine/kubernetes-monitor');
    const [withFile] = parseSarif(read('snyk/sarif-with-file-container-result.json'));
    assert.strictEqual(withFile.vulns[0].target, 'Dockerfile');
  });

  it('falls back to the score, then to the level, for an unknown tool', () => {
    const log = {
      version: '2.1.0',
      runs: [{
        tool: { driver: { name: 'Acme Scanner', rules: [{ id: 'ACME-1', properties: { 'security-severity': '9.1' } }, { id: 'ACME-2' }] } },
        results: [
          { ruleId: 'ACME-1', level: 'error', message: { text: 'bad' } },
          { ruleId: 'ACME-2', level: 'warning', message: { text: 'less bad' } },
        ],
      }],
    };
    const [r] = parseSarif(JSON.stringify(log), { reference: 'app:1' });
    assert.strictEqual(r.scanner, 'acme scanner');
    assert.deepStrictEqual(r.vulns.map((v) => v.severity), ['critical', 'medium']);
  });

  it('reads package URLs with namespaces and escapes', () => {
    assert.deepStrictEqual(parsePurl('pkg:deb/debian/glibc@2.36-9%2Bdeb12u9?os_distro=bookworm'), { type: 'deb', name: 'glibc', version: '2.36-9+deb12u9' });
    assert.deepStrictEqual(parsePurl('pkg:golang/google.golang.org/grpc@1.56.2'), { type: 'golang', name: 'grpc', version: '1.56.2' });
    assert.strictEqual(parsePurl('not a purl'), undefined);
  });
});

describe('report import (Open Scan Report…)', () => {
  const table: Array<[string, string, string, number]> = [
    ['trivy/alpine-310.json.golden', 'trivy', 'trivy', 4],
    ['trivy/spring4shell-jre11.json.golden', 'trivy', 'trivy', 1],
    ['grype/json-TestJsonImgsPresenter.golden', 'grype', 'grype', 2],
    ['grype/json-TestEmptyJsonPresenter.golden', 'grype', 'grype', 0],
    ['snyk/container-app-vulns.resultJsonDataNonGrouped.json', 'snyk', 'snyk', 8],
    ['trivy/alpine-310.sarif.golden', 'sarif', 'trivy', 4],
    ['grype/sarif-TestSarifPresenter_image.golden', 'sarif', 'grype', 2],
    ['snyk/sarif-container-result.json', 'sarif', 'snyk', 1],
    ['scout/synthetic-cves.sarif.json', 'sarif', 'scout', 3],
  ];
  for (const [file, format, scanner, count] of table) {
    it(`detects ${file} as ${format} and reads ${count} vulnerabilities`, () => {
      const result = importReport(read(file));
      assert.strictEqual(result.format, format);
      assert.strictEqual(result.reports.length, 1);
      assert.strictEqual(result.reports[0].scanner, scanner);
      assert.strictEqual(result.reports[0].vulns.length, count);
    });
  }

  it('refuses a JSON file that is no scan report, naming the formats it knows', () => {
    assert.throws(() => importReport('{"apiVersion":"v1","kind":"Pod"}'), (e: unknown) => e instanceof ScanParseError && /unrecognised report format.*Trivy JSON, Grype JSON, Snyk JSON or SARIF/.test((e as Error).message));
    assert.throws(() => importReport('FROM alpine\n'), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'not-json' && e.shape.start === 'FROM alpine');
    assert.throws(() => importReport('{"apiVersion":"v1","kind":"Pod"}'), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'object' && e.shape.keys.join() === 'apiVersion,kind');
    assert.throws(() => importReport(' \n'), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'empty');
    assert.throws(() => importReport('[1,2]'), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'array' && e.shape.length === 2);
    assert.throws(() => importReport('null'), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'value' && e.shape.type === 'null');
    assert.throws(() => importReport(`{"${'k'.repeat(100)}":1}`), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'object' && e.shape.keys[0].length === 100);
    assert.throws(() => importReport(`{"${'k'.repeat(1000)}":1}`), (e: unknown) => e instanceof NotAReportError && e.shape.kind === 'object' && e.shape.keys[0].length === 200);
    assert.strictEqual(detectReportFormat([]), undefined);
  });

  it('reads its own JSON export back', () => {
    const reports = importReport(read('trivy/debian-buster.json.golden')).reports;
    const again = importReport(toJson(reports));
    assert.strictEqual(again.format, 'shipshape');
    assert.deepStrictEqual(JSON.parse(JSON.stringify(again.reports)), JSON.parse(JSON.stringify(reports)));
  });
});

describe('SARIF and JSON export', () => {
  const reports = [
    ...parseTrivy(read('trivy/debian-buster.json.golden'), { reference: 'debian:10' }),
    ...importReport(read('grype/json-TestJsonImgsPresenter.golden')).reports,
  ];

  it('writes a valid SARIF 2.1.0 log: version, $schema, one run per report with tool, rules and results', () => {
    const log = JSON.parse(JSON.stringify(toSarif(reports, '9.9.9')));
    assert.strictEqual(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.strictEqual(log.runs.length, 2);
    for (const [i, run] of log.runs.entries()) {
      assert.strictEqual(run.tool.driver.name, 'Shipshape');
      assert.strictEqual(run.tool.driver.version, '9.9.9');
      const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
      assert.strictEqual(new Set(ruleIds).size, ruleIds.length, 'rule ids are unique');
      assert.strictEqual(run.results.length, reports[i].vulns.length);
      for (const res of run.results) {
        assert.ok(ruleIds.includes(res.ruleId));
        assert.strictEqual(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
        assert.ok(['error', 'warning', 'note'].includes(res.level));
        assert.ok(res.message.text.length > 0);
        assert.ok(res.locations[0].physicalLocation.artifactLocation.uri);
      }
      for (const rule of run.tool.driver.rules) {
        assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
        assert.ok(rule.shortDescription.text);
      }
    }
    const critical = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'CVE-2019-18224');
    assert.strictEqual(critical.level, 'error');
    assert.strictEqual(log.runs[0].tool.driver.rules[critical.ruleIndex].properties['security-severity'], '9.8');
    // An image reference is not a URI scheme: the colon is escaped.
    assert.strictEqual(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'debian%3A10');
  });

  it('gives a severity-band score when the CVSS score disagrees with the tool\'s severity', () => {
    const log = toSarif(reports) as any;
    // Grype calls CVE-1999-0001 Low although its CVSS is 8.2: GitHub must show it as low.
    const rule = log.runs[1].tool.driver.rules.find((r: { id: string }) => r.id === 'CVE-1999-0001');
    assert.strictEqual(rule.properties['security-severity'], '2.0');
  });

  it('round-trips through SARIF import without losing the main fields', () => {
    const back = parseSarif(JSON.stringify(toSarif(reports)));
    assert.deepStrictEqual(back.map((r) => r.image), reports.map((r) => r.image));
    assert.deepStrictEqual(back.map((r) => r.scanner), ['trivy', 'grype']);
    const fields = (rs: ScanReport[]) => rs.map((r) => r.vulns.map((v) => [v.id, v.severity, v.pkg, v.installed, v.fixedIn, v.status]));
    assert.deepStrictEqual(fields(back), fields(reports));
  });

  it('writes the CLI JSON shape: version 1, reports with image, scanner and vulns carrying fixedIn (null when none)', () => {
    const doc = JSON.parse(toJson(reports));
    assert.strictEqual(doc.version, 1);
    assert.strictEqual(doc.reports.length, 2);
    assert.deepStrictEqual(doc.reports[0].image, { reference: 'debian:10', id: 'sha256:c2c03a296d2329a4f3ab72a7bf38b78a8a80108204d326b0139d6af700e152d1' });
    assert.strictEqual(doc.reports[0].scanner, 'trivy');
    assert.deepStrictEqual(doc.reports[0].counts, { critical: 1, high: 0, medium: 0, low: 1, negligible: 0, unknown: 0 });
    const bash = doc.reports[0].vulns.find((v: { id: string }) => v.id === 'CVE-2019-18276');
    assert.deepStrictEqual([bash.severity, bash.pkg, bash.installed, bash.fixedIn], ['low', 'bash', '5.0-4', null]);
  });
});

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  countBySeverity, normalizeFixedIn, normalizeSeverity, parseGrype, parseScout, parseSnyk, parseTrivy, ScanParseError,
  ScanReport, Vulnerability,
} from '../../src/core/scan';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');
const read = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

function only(reports: ScanReport[]): ScanReport {
  assert.strictEqual(reports.length, 1);
  return reports[0];
}
function find(r: ScanReport, id: string, pkg?: string): Vulnerability {
  const v = r.vulns.find((x) => x.id === id && (pkg === undefined || x.pkg === pkg));
  assert.ok(v, `${id} ${pkg ?? ''} not found in ${r.vulns.map((x) => `${x.id}/${x.pkg}`).join(', ')}`);
  return v;
}

describe('scan adapters: Trivy JSON', () => {
  it('reads the alpine 3.10 image report: 4 MEDIUM vulnerabilities, all fixed', () => {
    const r = only(parseTrivy(read('trivy/alpine-310.json.golden')));
    assert.strictEqual(r.scanner, 'trivy');
    assert.strictEqual(r.scannerVersion, 'dev');
    assert.strictEqual(r.scannedAt, '2021-08-25T12:20:30.000000005Z');
    assert.strictEqual(r.image.reference, 'ghcr.io/aquasecurity/trivy-test-images:alpine-310');
    assert.strictEqual(r.image.id, 'sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4');
    assert.deepStrictEqual(r.vulns.map((v) => `${v.id} ${v.pkg} ${v.installed}→${v.fixedIn}`), [
      'CVE-2019-1549 libcrypto1.1 1.1.1c-r0→1.1.1d-r0',
      'CVE-2019-1551 libcrypto1.1 1.1.1c-r0→1.1.1d-r2',
      'CVE-2019-1549 libssl1.1 1.1.1c-r0→1.1.1d-r0',
      'CVE-2019-1551 libssl1.1 1.1.1c-r0→1.1.1d-r2',
    ]);
    assert.ok(r.vulns.every((v) => v.severity === 'medium' && v.status === 'fixed' && v.pkgType === 'alpine'));
    const v = find(r, 'CVE-2019-1549', 'libcrypto1.1');
    assert.strictEqual(v.title, 'openssl: information disclosure in fork()');
    assert.deepStrictEqual(v.cvss, { score: 5.3, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', source: 'nvd' });
    assert.strictEqual(v.urls[0], 'https://avd.aquasec.com/nvd/cve-2019-1549');
    assert.strictEqual(v.layer, 'sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0');
    assert.strictEqual(v.target, 'testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)');
  });

  it('keeps a vulnerability without FixedVersion as affected and unfixed (debian buster)', () => {
    const r = only(parseTrivy(read('trivy/debian-buster.json.golden')));
    assert.deepStrictEqual(countBySeverity(r.vulns), { critical: 1, high: 0, medium: 0, low: 1, negligible: 0, unknown: 0 });
    const bash = find(r, 'CVE-2019-18276', 'bash');
    assert.strictEqual(bash.fixedIn, undefined);
    assert.strictEqual(bash.status, 'affected');
    assert.strictEqual(bash.severity, 'low');
    // The CVSS shown is from the severity's own source (debian has none), then NVD.
    assert.strictEqual(bash.cvss?.source, 'nvd');
    const idn = find(r, 'CVE-2019-18224', 'libidn2-0');
    assert.strictEqual(idn.severity, 'critical');
    assert.strictEqual(idn.fixedIn, '2.0.5-1+deb10u1');
    assert.deepStrictEqual(idn.aliases, ['DSA-4613-1']);
  });

  it('reads will_not_fix and epoch versions (centos 7)', () => {
    const r = only(parseTrivy(read('trivy/centos-7.json.golden')));
    assert.strictEqual(r.vulns.length, 3);
    const bash = find(r, 'CVE-2019-18276', 'bash');
    assert.strictEqual(bash.status, 'will_not_fix');
    assert.strictEqual(bash.fixedIn, undefined);
    assert.strictEqual(bash.cvss?.source, 'redhat');
    const ssl = find(r, 'CVE-2019-1559', 'openssl-libs');
    assert.strictEqual(ssl.installed, '1:1.0.2k-16.el7');
    assert.strictEqual(ssl.fixedIn, '1:1.0.2k-19.el7');
    assert.strictEqual(ssl.severity, 'medium');
  });

  it('skips results without Vulnerabilities and keeps the language-package target (spring4shell)', () => {
    const r = only(parseTrivy(read('trivy/spring4shell-jre11.json.golden')));
    assert.strictEqual(r.vulns.length, 1);
    const v = r.vulns[0];
    assert.strictEqual(v.id, 'CVE-2022-22965');
    assert.strictEqual(v.pkg, 'org.springframework:spring-beans');
    assert.strictEqual(v.severity, 'critical');
    assert.strictEqual(v.pkgType, 'jar');
    assert.strictEqual(v.target, 'Java');
    assert.strictEqual(v.path, 'usr/local/tomcat/webapps/helloworld.war/WEB-INF/lib/spring-beans-5.3.15.jar');
  });

  it('reads a report with no vulnerability results as an empty report, not an error', () => {
    const r = only(parseTrivy(read('trivy/dockerfile.json.golden')));
    assert.strictEqual(r.vulns.length, 0);
  });

  it('prefers the reference the user asked for over the tar path Trivy echoes', () => {
    const r = only(parseTrivy(read('trivy/alpine-310.json.golden'), { reference: 'alpine:3.10' }));
    assert.strictEqual(r.image.reference, 'alpine:3.10');
  });

  it('collects vulnerabilities from several results and splits comma-separated fixed versions', () => {
    const doc = {
      SchemaVersion: 2, ArtifactName: 'app:1', ArtifactType: 'container_image',
      Results: [
        { Target: 'app:1 (alpine 3.18)', Class: 'os-pkgs', Type: 'alpine', Vulnerabilities: [
          { VulnerabilityID: 'CVE-2023-0001', PkgName: 'zlib', InstalledVersion: '1.2.13-r0', FixedVersion: '1.2.13-r1', Severity: 'HIGH' },
        ] },
        { Target: 'usr/lib/app/package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [
          { VulnerabilityID: 'GHSA-xxxx-yyyy-zzzz', PkgName: 'semver', InstalledVersion: '5.7.1', FixedVersion: '7.5.2, 6.3.1, 5.7.2', Severity: 'UNKNOWN' },
        ] },
      ],
    };
    const r = only(parseTrivy(JSON.stringify(doc)));
    assert.strictEqual(r.vulns.length, 2);
    const semver = find(r, 'GHSA-xxxx-yyyy-zzzz');
    assert.strictEqual(semver.fixedIn, '7.5.2, 6.3.1, 5.7.2');
    assert.strictEqual(semver.severity, 'unknown');
    assert.strictEqual(semver.target, 'usr/lib/app/package-lock.json');
    // No Status in older reports: derived from the fixed version.
    assert.strictEqual(semver.status, 'fixed');
    assert.strictEqual(r.image.reference, 'app:1');
  });

  it('throws a ScanParseError naming trivy for non-JSON output', () => {
    assert.throws(() => parseTrivy('2024-01-01 FATAL image not found'), (e: unknown) => e instanceof ScanParseError && /trivy did not print JSON/.test((e as Error).message));
    assert.throws(() => parseTrivy(''), /trivy printed no output/);
    assert.throws(() => parseTrivy('{"matches":[]}'), /not a Trivy JSON report/);
  });
});

describe('scan adapters: Grype JSON', () => {
  it('reads matches with Title-case severities, fix.versions[] and fix.state', () => {
    const r = only(parseGrype(read('grype/json-TestJsonImgsPresenter.golden')));
    assert.strictEqual(r.scanner, 'grype');
    assert.strictEqual(r.scannerVersion, undefined, '"[not provided]" is not a version');
    assert.strictEqual(r.image.reference, 'user-input');
    assert.strictEqual(r.image.digest, 'sha256:ca738abb87a8d58f112d3400ebb079b61ceae7dc290beb34bda735be4b1941d5');
    assert.strictEqual(r.image.id, 'sha256:ab5608d634db2716a297adbfa6a5dd5d8f8f5a7d0cab73649ea7fbb8c8da544f');
    assert.strictEqual(r.vulns.length, 2);
    const one = find(r, 'CVE-1999-0001');
    assert.strictEqual(one.severity, 'low');
    assert.strictEqual(one.pkg, 'package-1');
    assert.strictEqual(one.installed, '1.1.1');
    assert.strictEqual(one.pkgType, 'rpm');
    assert.strictEqual(one.fixedIn, '1.2.1, 2.1.3, 3.4.0');
    assert.strictEqual(one.status, 'fixed');
    assert.deepStrictEqual(one.cvss, { score: 8.2, vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:H', source: 'nvd' });
    assert.strictEqual(one.path, '/foo/bar/somefile-1.txt');
    const two = find(r, 'CVE-1999-0002');
    assert.strictEqual(two.severity, 'critical');
    assert.strictEqual(two.fixedIn, undefined);
    assert.strictEqual(two.status, 'unknown');
  });

  it('maps Negligible and the not-fixed / wont-fix states', () => {
    const doc = JSON.parse(read('grype/json-TestJsonImgsPresenter.golden'));
    doc.matches[0].vulnerability.severity = 'Negligible';
    doc.matches[0].vulnerability.fix = { versions: [], state: 'not-fixed' };
    doc.matches[1].vulnerability.fix = { versions: [], state: 'wont-fix' };
    const r = only(parseGrype(JSON.stringify(doc)));
    assert.strictEqual(r.vulns[0].severity, 'negligible');
    assert.strictEqual(r.vulns[0].status, 'affected');
    assert.strictEqual(r.vulns[1].status, 'will_not_fix');
  });

  it('uses the directory as the reference for a directory source', () => {
    const r = only(parseGrype(read('grype/json-TestJsonDirsPresenter.golden')));
    assert.strictEqual(r.image.reference, '/some/path');
    assert.strictEqual(r.vulns.length, 2);
  });

  it('reads an empty match list as an empty report', () => {
    const r = only(parseGrype(read('grype/json-TestEmptyJsonPresenter.golden'), { reference: 'alpine:3.19' }));
    assert.strictEqual(r.vulns.length, 0);
    assert.strictEqual(r.image.reference, 'alpine:3.19');
  });

  it('refuses a Trivy document', () => {
    assert.throws(() => parseGrype(read('trivy/alpine-310.json.golden')), /grype output is not a Grype JSON document/);
  });
});

describe('scan adapters: Snyk JSON', () => {
  const r = only(parseSnyk(read('snyk/container-app-vulns.resultJsonDataNonGrouped.json')));

  it('dedupes the repeats per dependency path: 1 OS + 7 application vulnerabilities, as Snyk\'s uniqueCount says', () => {
    assert.strictEqual(r.vulns.length, 8);
    assert.strictEqual(new Set(r.vulns.map((v) => `${v.id}|${v.pkg}|${v.installed}`)).size, 8);
    assert.deepStrictEqual(countBySeverity(r.vulns), { critical: 0, high: 3, medium: 4, low: 1, negligible: 0, unknown: 0 });
  });

  it('reads the OS vulnerability with its CVE alias and nearest fixed version', () => {
    const v = find(r, 'SNYK-ALPINE312-BUSYBOX-1089799');
    assert.strictEqual(v.pkg, 'busybox');
    assert.strictEqual(v.installed, '1.31.1-r21');
    assert.strictEqual(v.fixedIn, '1.32.1-r4');
    assert.strictEqual(v.severity, 'high');
    assert.deepStrictEqual(v.aliases, ['CVE-2021-28831']);
    assert.strictEqual(v.pkgType, 'apk');
    assert.deepStrictEqual(v.cvss, { score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', source: 'snyk' });
    assert.strictEqual(v.urls[0], 'https://security.snyk.io/vuln/SNYK-ALPINE312-BUSYBOX-1089799');
  });

  it('reads application vulnerabilities with several fixed versions and no CVE', () => {
    const qs = find(r, 'npm:qs:20170213');
    assert.strictEqual(qs.fixedIn, '6.0.4, 6.1.2, 6.2.3, 6.3.2');
    assert.strictEqual(qs.pkgType, 'npm');
    assert.strictEqual(qs.target, '/package.json');
    const connect = find(r, 'npm:connect:20120107');
    assert.deepStrictEqual(connect.aliases, ['SNYK-JS-CONNECT-10382']);
    assert.strictEqual(connect.severity, 'medium');
  });

  it('names the image from the project name', () => {
    assert.strictEqual(r.image.reference, 'cli-grouping');
    assert.strictEqual(r.scanner, 'snyk');
  });

  it('reads an array of projects as one report each, and an error object as a clear error', () => {
    const one = JSON.parse(read('snyk/container-app-vulns.resultJsonDataNonGrouped.json'));
    const reports = parseSnyk(JSON.stringify([one, { ...one, projectName: 'docker-image|other', vulnerabilities: [], applications: [] }]), { reference: 'ignored:1' });
    assert.deepStrictEqual(reports.map((x) => [x.image.reference, x.vulns.length]), [['cli-grouping', 8], ['other', 0]]);
    assert.throws(() => parseSnyk('{"ok":false,"error":"Authentication failed. Please check the API token","path":"alpine"}'), /snyk reported an error: Authentication failed/);
  });
});

describe('scan adapters: Docker Scout SARIF', () => {
  const r = only(parseScout(read('scout/synthetic-cves.sarif.json'), { reference: 'alpine:3.18' }));

  it('reads packages from purls and Scout\'s fixed_version, with "not fixed" as no fix', () => {
    assert.strictEqual(r.scanner, 'scout');
    assert.strictEqual(r.image.reference, 'alpine:3.18');
    assert.strictEqual(r.vulns.length, 3);
    const ssl = find(r, 'CVE-2023-5363');
    assert.deepStrictEqual([ssl.pkg, ssl.installed, ssl.fixedIn, ssl.severity, ssl.pkgType], ['openssl', '3.1.3-r0', '3.1.4-r0', 'high', 'apk']);
    const bb = find(r, 'CVE-2023-42363');
    assert.deepStrictEqual([bb.pkg, bb.installed, bb.fixedIn, bb.status, bb.severity], ['busybox', '1.36.1-r5', undefined, 'affected', 'medium']);
  });

  it('keeps Scout\'s UNSPECIFIED severity as unknown rather than guessing from the score', () => {
    const grpc = find(r, 'GHSA-m425-mq94-257g');
    assert.strictEqual(grpc.severity, 'unknown');
    assert.strictEqual(grpc.pkg, 'grpc');
    assert.strictEqual(grpc.installed, '1.56.2');
    assert.strictEqual(grpc.urls[0], 'https://scout.docker.com/v/GHSA-m425-mq94-257g');
  });
});

describe('scan model helpers', () => {
  it('normalises every tool\'s severity spelling', () => {
    const table: Array<[unknown, string]> = [
      ['CRITICAL', 'critical'], ['Critical', 'critical'], ['high', 'high'], ['MEDIUM', 'medium'], ['Low', 'low'],
      ['Negligible', 'negligible'], ['UNKNOWN', 'unknown'], ['UNSPECIFIED', 'unknown'], ['moderate', 'medium'], [undefined, 'unknown'], [3, 'unknown'],
    ];
    for (const [input, want] of table) assert.strictEqual(normalizeSeverity(input), want, String(input));
  });

  it('normalises fixed versions from strings, lists, and "not fixed"', () => {
    assert.strictEqual(normalizeFixedIn('1.2.3, 1.3.0'), '1.2.3, 1.3.0');
    assert.strictEqual(normalizeFixedIn(' 1.2.3 ,1.2.3,1.3.0 '), '1.2.3, 1.3.0');
    assert.strictEqual(normalizeFixedIn(['1.0', '2.0']), '1.0, 2.0');
    assert.strictEqual(normalizeFixedIn('not fixed'), undefined);
    assert.strictEqual(normalizeFixedIn(''), undefined);
    assert.strictEqual(normalizeFixedIn([]), undefined);
    assert.strictEqual(normalizeFixedIn(undefined), undefined);
  });
});

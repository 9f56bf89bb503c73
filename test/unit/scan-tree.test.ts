import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  buildScanTree, countBySeverity, filterVulns, groupByPackage, groupBySeverity, maxSeverity, parseSnyk, parseTrivy, sortVulns,
  summarizeCounts, vulnLabel, Vulnerability,
} from '../../src/core/scan';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');
const read = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
const snyk = parseSnyk(read('snyk/container-app-vulns.resultJsonDataNonGrouped.json'))[0];
const debian = parseTrivy(read('trivy/debian-buster.json.golden'))[0];

describe('scan tree model: filters', () => {
  it('filters by minimum severity', () => {
    const ids = filterVulns(snyk.vulns, { minSeverity: 'high' }).map((v) => v.id);
    assert.deepStrictEqual(ids.sort(), ['SNYK-ALPINE312-BUSYBOX-1089799', 'npm:qs:20140806', 'npm:qs:20170213']);
    assert.strictEqual(filterVulns(snyk.vulns, { minSeverity: 'critical' }).length, 0);
    assert.strictEqual(filterVulns(snyk.vulns, { minSeverity: 'unknown' }).length, 8);
  });

  it('keeps only fixable vulnerabilities when asked', () => {
    assert.deepStrictEqual(filterVulns(debian.vulns, { fixableOnly: true }).map((v) => v.id), ['CVE-2019-18224']);
    assert.strictEqual(filterVulns(debian.vulns, { fixableOnly: false }).length, 2);
  });

  it('keeps an explicit list of severities, and everything for an empty list', () => {
    assert.deepStrictEqual(filterVulns(snyk.vulns, { severities: ['low'] }).map((v) => v.id), ['npm:mime:20170907']);
    assert.strictEqual(filterVulns(snyk.vulns, { severities: [] }).length, 8);
  });
});

describe('scan tree model: grouping and counts', () => {
  it('counts every severity, zero included', () => {
    assert.deepStrictEqual(countBySeverity(snyk.vulns), { critical: 0, high: 3, medium: 4, low: 1, negligible: 0, unknown: 0 });
    assert.strictEqual(summarizeCounts(countBySeverity(snyk.vulns)), '3 high, 4 medium, 1 low');
    assert.strictEqual(summarizeCounts(countBySeverity([])), 'no vulnerabilities');
  });

  it('groups by severity, most severe first, without empty groups', () => {
    const groups = groupBySeverity(snyk.vulns);
    assert.deepStrictEqual(groups.map((g) => [g.severity, g.vulns.length]), [['high', 3], ['medium', 4], ['low', 1]]);
    // Within a group the highest CVSS comes first.
    const scores = groups[1].vulns.map((v) => v.cvss?.score);
    assert.deepStrictEqual(scores, [...scores].sort((a, b) => (b ?? 0) - (a ?? 0)));
  });

  it('groups by package and version, worst package first', () => {
    const groups = groupByPackage(snyk.vulns);
    assert.deepStrictEqual(groups.map((g) => [g.pkg, g.installed, g.maxSeverity, g.vulns.length]), [
      ['qs', '0.4.2', 'high', 3],
      ['busybox', '1.31.1-r21', 'high', 1],
      ['connect', '1.9.2', 'medium', 2],
      ['express', '2.5.11', 'medium', 1],
      ['mime', '1.2.4', 'low', 1],
    ]);
  });

  it('sorts by severity, then score, then id', () => {
    const sorted = sortVulns(debian.vulns);
    assert.deepStrictEqual(sorted.map((v) => v.id), ['CVE-2019-18224', 'CVE-2019-18276']);
    assert.strictEqual(maxSeverity(debian.vulns), 'critical');
    assert.strictEqual(maxSeverity([]), undefined);
  });

  it('builds image → severity → vulnerability with counts in labels, honouring filters', () => {
    const [image] = buildScanTree([debian], 'severity', { fixableOnly: true });
    assert.strictEqual(image.total, 1);
    assert.deepStrictEqual(image.groups.map((g) => g.label), ['critical (1)']);
    assert.strictEqual(vulnLabel(image.groups[0].vulns[0]), 'CVE-2019-18224 libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1');
    const [byPkg] = buildScanTree([debian], 'package');
    assert.deepStrictEqual(byPkg.groups.map((g) => g.label), ['libidn2-0 2.0.5-1 (1)', 'bash 5.0-4 (1)']);
    const unfixed: Vulnerability = debian.vulns.find((v) => v.pkg === 'bash')!;
    assert.strictEqual(vulnLabel(unfixed), 'CVE-2019-18276 bash 5.0-4');
  });
});

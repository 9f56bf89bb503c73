import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseTrivy, ScanReport, Vulnerability } from '../../src/core/scan';
import { advisoryUrl, escapeHtml, escapeMarkdown, htmlLang, safeHttpUrl, vulnerabilityDetailsHtml } from '../../src/extension/scan/detailsHtml';
import { DEFAULT_VIEW_OPTIONS, mergeReports, restoreState, stateForStorage } from '../../src/extension/scan/persistence';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');
const debian = parseTrivy(fs.readFileSync(path.join(FIXTURES, 'trivy/debian-buster.json.golden'), 'utf8'), { reference: 'debian:10' })[0];

function report(reference: string, scannedAt: string, vulns: Vulnerability[], scanner = 'trivy'): ScanReport {
  return { image: { reference }, scanner, scannedAt, vulns };
}

function vuln(id: string, extra: Partial<Vulnerability> = {}): Vulnerability {
  return { id, aliases: [], severity: 'high', pkg: 'openssl', installed: '1.0', title: id, urls: [], ...extra };
}

const LABELS = {
  severity: 'Severity', package: 'Package', installed: 'Installed', fixedIn: 'Fixed in', noFix: 'none', status: 'Status', cvss: 'CVSS',
  aliases: 'Aliases', image: 'Image', scanner: 'Scanner', layer: 'Layer', target: 'Target', links: 'Links', noDescription: 'No description', lang: 'en',
};

describe('scan editor: stored results', () => {
  it('restores what it stored: reports and view options', () => {
    const view = { grouping: 'package' as const, severities: ['critical' as const], fixableOnly: true };
    const { state, withoutDescriptions, droppedReports } = stateForStorage([debian], view);
    assert.strictEqual(withoutDescriptions, false);
    assert.strictEqual(droppedReports, 0);
    const back = restoreState(JSON.parse(JSON.stringify(state)));
    assert.deepStrictEqual(back.view, view);
    assert.strictEqual(back.reports.length, 1);
    assert.strictEqual(back.reports[0].image.reference, 'debian:10');
    assert.deepStrictEqual(back.reports[0].vulns.map((v) => [v.id, v.severity, v.fixedIn]), debian.vulns.map((v) => [v.id, v.severity, v.fixedIn]));
    assert.strictEqual(back.reports[0].vulns[0].description, debian.vulns[0].description);
  });

  it('drops descriptions first, then the oldest reports, to stay under the size limit', () => {
    const long = 'x'.repeat(5000);
    const old = report('old:1', '2024-01-01T00:00:00Z', [vuln('CVE-1', { description: long })]);
    const recent = report('new:1', '2024-06-01T00:00:00Z', [vuln('CVE-2', { description: long })]);
    const lean = stateForStorage([old, recent], DEFAULT_VIEW_OPTIONS, 4000);
    assert.strictEqual(lean.withoutDescriptions, true);
    assert.strictEqual(lean.droppedReports, 0);
    assert.ok(JSON.stringify(lean.state).length <= 4000);
    assert.strictEqual(restoreState(lean.state).reports[0].vulns[0].description, undefined);

    const many = (n: number) => Array.from({ length: n }, (_, i) => vuln(`CVE-2024-${1000 + i}`));
    const cut = stateForStorage([report('old:1', '2024-01-01T00:00:00Z', many(20)), report('new:1', '2024-06-01T00:00:00Z', many(20))], DEFAULT_VIEW_OPTIONS, 4500);
    assert.strictEqual(cut.droppedReports, 1);
    assert.deepStrictEqual(restoreState(cut.state).reports.map((r) => r.image.reference), ['new:1'], 'the newest report is kept');
  });

  it('starts empty on missing, foreign or corrupt state instead of failing', () => {
    for (const raw of [undefined, null, 42, 'text', { version: 2 }, { version: 1, results: { reports: 'nope' } }]) {
      const back = restoreState(raw);
      assert.deepStrictEqual(back.reports, []);
      assert.deepStrictEqual(back.view, DEFAULT_VIEW_OPTIONS);
    }
    const odd = restoreState({ version: 1, results: { version: 1, reports: [] }, view: { grouping: 'sideways', severities: ['critical', 'bogus', 3], fixableOnly: 'yes' } });
    assert.deepStrictEqual(odd.view, { grouping: 'severity', severities: ['critical'], fixableOnly: false });
  });

  it('replaces a rescanned image\'s report in place and appends new images', () => {
    const a1 = report('a:1', '2024-01-01T00:00:00Z', [vuln('CVE-1')]);
    const b1 = report('b:1', '2024-01-01T00:00:00Z', [vuln('CVE-2')]);
    const a2 = report('a:1', '2024-02-01T00:00:00Z', []);
    const aGrype = report('a:1', '2024-02-01T00:00:00Z', [vuln('CVE-3')], 'grype');
    const merged = mergeReports([a1, b1], [a2, aGrype]);
    assert.deepStrictEqual(merged.map((r) => [r.image.reference, r.scanner, r.vulns.length]), [['a:1', 'trivy', 0], ['b:1', 'trivy', 1], ['a:1', 'grype', 1]]);
  });
});

describe('scan editor: details page and tooltips', () => {
  it('escapes everything that comes from a report', () => {
    const evil = vuln('CVE-2024-0001', {
      title: '<img src=x onerror=alert(1)>',
      description: '</p><script>alert("x")</script>',
      pkg: '"><iframe>',
      urls: ['javascript:alert(1)', 'https://example.com/a?b=<c>&d="e"', 'command:workbench.action.terminal.new', 'file:///etc/passwd'],
    });
    const html = vulnerabilityDetailsHtml(evil, report('img:1', '2024-01-01T00:00:00Z', [evil]), LABELS, 'abc123');
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<iframe/i);
    assert.doesNotMatch(html, /javascript:|command:|file:/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /href="https:\/\/example\.com\/a\?b=%3Cc%3E&amp;d=%22e%22"/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-abc123';"/);
  });

  it('shows the fixed version, CVSS, status and links of a real Trivy finding', () => {
    const v = debian.vulns.find((x) => x.id === 'CVE-2019-18224')!;
    const html = vulnerabilityDetailsHtml(v, debian, LABELS, 'n0nce');
    assert.match(html, /<h1>CVE-2019-18224<\/h1>/);
    assert.match(html, /<th>Fixed in<\/th><td>2\.0\.5-1\+deb10u1<\/td>/);
    assert.match(html, /<th>CVSS<\/th><td>9\.8/);
    assert.match(html, /<a href="https:\/\/avd\.aquasec\.com\/nvd\/cve-2019-18224">/);
    const unfixed = debian.vulns.find((x) => x.id === 'CVE-2019-18276')!;
    assert.match(vulnerabilityDetailsHtml(unfixed, debian, LABELS, 'n'), /<th>Fixed in<\/th><td>none<\/td>/);
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(vulnerabilityDetailsHtml(v, debian, { ...LABELS, lang: 'zh-CN', severity: '严重性' }, 'n'), /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  });

  it('a page\'s lang follows the language of our words: zh-CN where VS Code shows Simplified Chinese, else en', () => {
    for (const [language, lang] of [['zh-cn', 'zh-CN'], ['zh-CN', 'zh-CN'], ['en', 'en'], ['zh-tw', 'en'], ['fr', 'en'], [undefined, 'en']] as const) assert.strictEqual(htmlLang(language), lang, String(language));
  });

  it('opens only http(s) advisories', () => {
    assert.strictEqual(advisoryUrl({ urls: ['javascript:alert(1)', 'ftp://x', 'https://nvd.nist.gov/vuln/detail/CVE-1'] }), 'https://nvd.nist.gov/vuln/detail/CVE-1');
    assert.strictEqual(advisoryUrl({ urls: ['command:evil', 'not a url'] }), undefined);
    assert.strictEqual(safeHttpUrl('http://example.com'), 'http://example.com/');
  });

  it('escapes markdown so a title cannot link, embed or run a command', () => {
    const md = escapeMarkdown('[click](command:evil) <b>x</b> ![i](http://x/i.png) `code`');
    assert.doesNotMatch(md, /(^|[^\\])\[/);
    assert.doesNotMatch(md, /(^|[^\\])</);
    assert.doesNotMatch(md, /(^|[^\\])`/);
    assert.strictEqual(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

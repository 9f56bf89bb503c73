import * as assert from 'assert';
import { parse } from 'yaml';
import { addToGrypeConfig, addToTrivyIgnore, ignoreEntryFor } from '../../src/core/scan';

describe('.trivyignore writer', () => {
  it('creates the file content with a comment and the id', () => {
    assert.strictEqual(addToTrivyIgnore('', 'CVE-2019-1549', 'libcrypto1.1: accepted until 2025-01'), '# libcrypto1.1: accepted until 2025-01\nCVE-2019-1549\n');
  });

  it('appends after existing content, adding the missing final newline', () => {
    assert.strictEqual(addToTrivyIgnore('# team list\nCVE-2020-0001', 'CVE-2019-1549'), '# team list\nCVE-2020-0001\nCVE-2019-1549\n');
  });

  it('leaves the file alone when the id is already listed (even with a trailing comment)', () => {
    const text = 'CVE-2019-1549 # known\nCVE-2020-0001\n';
    assert.strictEqual(addToTrivyIgnore(text, 'CVE-2019-1549'), text);
  });

  it('does not mistake a commented-out id for a listed one', () => {
    assert.strictEqual(addToTrivyIgnore('# CVE-2019-1549\n', 'CVE-2019-1549'), '# CVE-2019-1549\nCVE-2019-1549\n');
  });

  it('keeps CRLF line endings and flattens a multi-line comment', () => {
    assert.strictEqual(addToTrivyIgnore('CVE-1\r\n', 'CVE-2', 'a\nb'), 'CVE-1\r\n# a b\r\nCVE-2\r\n');
  });

  it('refuses ids that would inject lines or comments', () => {
    for (const bad of ['CVE-1\nCVE-2', 'CVE-1 # x', '', '#CVE']) {
      assert.throws(() => addToTrivyIgnore('', bad), /not a vulnerability id/, JSON.stringify(bad));
    }
  });
});

describe('grype config ignore writer', () => {
  it('creates an ignore list in an empty file', () => {
    const out = addToGrypeConfig('', 'CVE-2019-1549');
    assert.deepStrictEqual(parse(out), { ignore: [{ vulnerability: 'CVE-2019-1549' }] });
  });

  it('adds to an existing list, keeping other keys and comments', () => {
    const text = '# Grype settings for this repo\noutput: table\nignore:\n  # vendor says not exploitable\n  - vulnerability: CVE-2020-0001\nfail-on-severity: high\n';
    const out = addToGrypeConfig(text, 'CVE-2019-1549', { comment: 'accepted risk', package: { name: 'libssl1.1', version: '1.1.1c-r0' } });
    assert.deepStrictEqual(parse(out), {
      output: 'table',
      ignore: [{ vulnerability: 'CVE-2020-0001' }, { vulnerability: 'CVE-2019-1549', package: { name: 'libssl1.1', version: '1.1.1c-r0' } }],
      'fail-on-severity': 'high',
    });
    assert.ok(out.startsWith('# Grype settings for this repo\n'));
    assert.ok(out.includes('# vendor says not exploitable'));
    assert.ok(out.includes('# accepted risk'));
  });

  it('adds the ignore key when the file has other settings only', () => {
    const out = addToGrypeConfig('only-fixed: true\n', 'CVE-2019-1549');
    assert.deepStrictEqual(parse(out), { 'only-fixed': true, ignore: [{ vulnerability: 'CVE-2019-1549' }] });
  });

  it('is unchanged when the same rule exists, but adds a package-specific rule next to a general one', () => {
    const text = 'ignore:\n  - vulnerability: CVE-2019-1549\n';
    assert.strictEqual(addToGrypeConfig(text, 'CVE-2019-1549'), text);
    const out = addToGrypeConfig(text, 'CVE-2019-1549', { package: { name: 'libssl1.1' } });
    assert.strictEqual(parse(out).ignore.length, 2);
  });

  it('refuses a config whose ignore is not a list, or that is not YAML', () => {
    assert.throws(() => addToGrypeConfig('ignore: CVE-1\n', 'CVE-2'), /not a list/);
    assert.throws(() => addToGrypeConfig('ignore: [\n', 'CVE-2'), /not valid YAML/);
    assert.throws(() => addToGrypeConfig('- a\n- b\n', 'CVE-2'), /not a YAML mapping/);
  });
});

describe('ignore entry per scanner', () => {
  it('writes a package-scoped rule to .trivyignore.yaml for trivy, by package URL', () => {
    const r = ignoreEntryFor('trivy', { id: 'CVE-2019-1549', pkg: 'libssl1.1', installed: '1.1.1c-r0', purl: 'pkg:apk/alpine/libssl1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2' });
    assert.ok('entry' in r);
    assert.strictEqual(r.entry.fileName, '.trivyignore.yaml');
    assert.strictEqual(r.entry.scope, 'pkg:apk/alpine/libssl1.1');
    assert.deepStrictEqual(parse(r.entry.add('')), { vulnerabilities: [{ id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'] }] });
    assert.strictEqual(r.entry.remove(r.entry.add('')).includes('CVE-2019-1549'), false);
  });

  it('says when a Trivy finding names no package, and offers the id-wide rule separately', () => {
    const r = ignoreEntryFor('trivy', { id: 'CVE-2019-1549', pkg: 'libssl1.1', installed: '1.1.1c-r0' });
    assert.ok('unsupported' in r && r.unsupported === 'package');
    assert.deepStrictEqual(parse(r.everyPackage.add('')), { vulnerabilities: [{ id: 'CVE-2019-1549' }] });
  });

  it('writes a package-scoped rule to .grype.yaml for grype, and takes it back', () => {
    const r = ignoreEntryFor('grype', { id: 'CVE-1999-0001', pkg: 'package-1', installed: '1.1.1' });
    assert.ok('entry' in r);
    assert.strictEqual(r.entry.fileName, '.grype.yaml');
    const text = '# mine\nignore:\n  - vulnerability: CVE-1\n';
    const added = r.entry.add(text);
    assert.deepStrictEqual(parse(added), { ignore: [{ vulnerability: 'CVE-1' }, { vulnerability: 'CVE-1999-0001', package: { name: 'package-1', version: '1.1.1' } }] });
    assert.strictEqual(r.entry.remove(added), text);
  });

  it('has no ignore file for scanners that keep ignores elsewhere', () => {
    assert.deepStrictEqual(ignoreEntryFor('snyk', { id: 'SNYK-1' }), { unsupported: 'scanner' });
    assert.deepStrictEqual(ignoreEntryFor('scout', { id: 'CVE-1' }), { unsupported: 'scanner' });
  });
});

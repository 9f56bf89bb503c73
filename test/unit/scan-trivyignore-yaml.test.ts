// "Ignore vulnerability" for Trivy: the .trivyignore.yaml rule for one package, written with the
// yaml Document API so the rest of the file survives, taken back exactly, and the ignore file a
// scan reads when the workspace has one.
import * as assert from 'assert';
import { parse } from 'yaml';
import {
  addToTrivyIgnoreYaml, minimalReplacement, packagePurl, parseTrivy, removeFromTrivyIgnoreYaml, trivyIgnoreForScan, trivyRuleFor,
} from '../../src/core/scan';
import * as fs from 'fs';
import * as path from 'path';
import { scanImage } from '../../src/node/scanRunner';
import { fakeWorld, FakeWorld } from './node-fakes';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'scanners', 'trivy');

describe('package URL of a rule', () => {
  it('drops the version and the qualifiers, keeps namespace, name and subpath', () => {
    assert.strictEqual(packagePurl('pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2'), 'pkg:apk/alpine/musl');
    assert.strictEqual(packagePurl('pkg:deb/debian/libidn2-0@2.0.5-1?arch=amd64&distro=debian-10.1'), 'pkg:deb/debian/libidn2-0');
    assert.strictEqual(packagePurl('pkg:npm/%40babel/core@7.0.0'), 'pkg:npm/%40babel/core');
    assert.strictEqual(packagePurl('pkg:maven/org.springframework/spring-beans@5.3.15'), 'pkg:maven/org.springframework/spring-beans');
    assert.strictEqual(packagePurl('pkg:golang/github.com/a/b@v1.2.3#sub/dir'), 'pkg:golang/github.com/a/b#sub/dir');
    assert.strictEqual(packagePurl('pkg:pypi/requests'), 'pkg:pypi/requests');
  });

  it('refuses what is not a package URL', () => {
    for (const bad of ['', 'musl', 'pkg:', 'pkg:apk', 'pkg:apk/', 'pkg:apk/@1.0', 'pkg:apk/a b', 'pkg:apk/x\nCVE-1', `pkg:apk/${'a'.repeat(2000)}`]) {
      assert.strictEqual(packagePurl(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('.trivyignore.yaml rule for one vulnerability', () => {
  it('scopes by the report\'s package URL, else by the package path, else not at all', () => {
    assert.deepStrictEqual(trivyRuleFor({ id: 'CVE-1', purl: 'pkg:apk/alpine/musl@1?arch=x' }), { id: 'CVE-1', purls: ['pkg:apk/alpine/musl'] });
    assert.deepStrictEqual(trivyRuleFor({ id: 'CVE-1', path: '/usr/app/lib/spring-beans-5.3.15.jar' }), { id: 'CVE-1', paths: ['usr/app/lib/spring-beans-5.3.15.jar'] });
    assert.strictEqual(trivyRuleFor({ id: 'CVE-1', path: 'lib/*.jar' }), undefined, 'a path Trivy would read as a glob');
    assert.strictEqual(trivyRuleFor({ id: 'CVE-1' }), undefined);
    assert.throws(() => trivyRuleFor({ id: 'CVE-1\n- id: CVE-2' }), /not a vulnerability id/);
  });

  it('reads the package URL from a real Trivy report', () => {
    const [report] = parseTrivy(fs.readFileSync(path.join(FIXTURES, 'alpine-310.json.golden'), 'utf8'));
    const v = report.vulns.find((x) => x.id === 'CVE-2019-1549' && x.pkg === 'libssl1.1')!;
    assert.strictEqual(v.purl, 'pkg:apk/alpine/libssl1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2');
    assert.deepStrictEqual(trivyRuleFor(v), { id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'] });
    const [jar] = parseTrivy(fs.readFileSync(path.join(FIXTURES, 'spring4shell-jre11.json.golden'), 'utf8'));
    assert.ok(jar.vulns[0].purl?.startsWith('pkg:maven/'), jar.vulns[0].purl);
  });
});

describe('.trivyignore.yaml writer', () => {
  const rule = { id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'] };

  it('creates the file: a comment on how Trivy reads it, the rule under the package comment', () => {
    const out = addToTrivyIgnoreYaml('', rule, 'libssl1.1 1.1.1c-r0');
    assert.strictEqual(out, [
      "# Trivy reads this file with --ignorefile .trivyignore.yaml (Shipshape's scans pass it).",
      '',
      'vulnerabilities:',
      '  # libssl1.1 1.1.1c-r0',
      '  - id: CVE-2019-1549',
      '    purls:',
      '      - pkg:apk/alpine/libssl1.1',
      '',
    ].join('\n'));
  });

  it('keeps the comments, other entries and other sections of an existing file', () => {
    const text = [
      '# team ignores, reviewed monthly',
      'vulnerabilities:',
      '  - id: CVE-2020-0001 # vendor: not exploitable',
      '    statement: not reachable',
      '    expired_at: 2030-01-01',
      'misconfigurations:',
      '  - id: AVD-DS-0002',
      '',
    ].join('\n');
    const out = addToTrivyIgnoreYaml(text, rule);
    assert.deepStrictEqual(parse(out), {
      vulnerabilities: [
        { id: 'CVE-2020-0001', statement: 'not reachable', expired_at: '2030-01-01' },
        { id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'] },
      ],
      misconfigurations: [{ id: 'AVD-DS-0002' }],
    });
    assert.ok(out.startsWith('# team ignores, reviewed monthly\nvulnerabilities:\n  - id: CVE-2020-0001 # vendor: not exploitable\n'), out);
    assert.strictEqual(removeFromTrivyIgnoreYaml(out, rule), text, 'Undo gives back the file as it was');
  });

  it('keeps CRLF line endings', () => {
    const out = addToTrivyIgnoreYaml('vulnerabilities:\r\n  - id: CVE-1\r\n', rule);
    assert.ok(!/[^\r]\n/.test(out), JSON.stringify(out));
    assert.strictEqual(parse(out).vulnerabilities.length, 2);
  });

  it('is unchanged when a rule covers it: the same package, or the id in every package', () => {
    const same = 'vulnerabilities:\n  - id: CVE-2019-1549\n    purls: [pkg:apk/alpine/libssl1.1, pkg:apk/alpine/libcrypto1.1]\n';
    assert.strictEqual(addToTrivyIgnoreYaml(same, rule), same);
    const everywhere = 'vulnerabilities:\n  - id: CVE-2019-1549\n';
    assert.strictEqual(addToTrivyIgnoreYaml(everywhere, rule), everywhere);
  });

  it('adds a rule beside one for another package or a path-scoped one', () => {
    const other = 'vulnerabilities:\n  - id: CVE-2019-1549\n    purls: [pkg:apk/alpine/libcrypto1.1]\n  - id: CVE-2019-1549\n    paths: [usr/lib/x]\n';
    assert.strictEqual(parse(addToTrivyIgnoreYaml(other, rule)).vulnerabilities.length, 3);
  });

  it('fills a key left empty, and grows an empty flow list as a block', () => {
    assert.deepStrictEqual(parse(addToTrivyIgnoreYaml('vulnerabilities:\nsecrets: []\n', rule)).vulnerabilities, [rule]);
    const out = addToTrivyIgnoreYaml('vulnerabilities: []\n', rule);
    assert.match(out, /^vulnerabilities:\n {2}- id: CVE-2019-1549\n/);
  });

  it('refuses a file that is not YAML, not a mapping, or whose vulnerabilities is not a list', () => {
    assert.throws(() => addToTrivyIgnoreYaml('vulnerabilities: [\n', rule), /not valid YAML/);
    assert.throws(() => addToTrivyIgnoreYaml('- id: CVE-1\n', rule), /not a YAML mapping/);
    assert.throws(() => addToTrivyIgnoreYaml('vulnerabilities: CVE-1\n', rule), /not a list/);
  });

  it('Undo removes only the rule it wrote, also after other edits, and nothing that merely looks like it', () => {
    const text = 'vulnerabilities:\n  - id: CVE-2019-1549\n    purls: [pkg:apk/alpine/libssl1.1]\n    statement: the team wrote this one\n';
    const out = addToTrivyIgnoreYaml(text, { id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libcrypto1.1'] });
    const edited = out.replace('the team wrote this one', 'reviewed');
    const undone = removeFromTrivyIgnoreYaml(edited, { id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libcrypto1.1'] });
    assert.deepStrictEqual(parse(undone), { vulnerabilities: [{ id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'], statement: 'reviewed' }] });
    assert.strictEqual(removeFromTrivyIgnoreYaml(undone, rule), undone, 'a rule with a statement is the user\'s, not ours');
    assert.strictEqual(removeFromTrivyIgnoreYaml('', rule), '');
  });
});

describe('the ignore file a Trivy scan reads', () => {
  it('keeps the YAML rules\' documented keys and adds the ids of a plain .trivyignore', () => {
    const yamlText = 'vulnerabilities:\n  - id: CVE-1\n    purls: [pkg:apk/alpine/musl]\n    statement: ok\n    expired_at: 2030-01-02\n    unknown: x\nsecrets:\n  - id: aws-access-key-id\n';
    const out = trivyIgnoreForScan(yamlText, '# comment\nCVE-2 exp:2031-02-03\nCVE-3\n\n  CVE-4 # as Trivy reads it: the first word\n');
    assert.deepStrictEqual(parse(out), {
      vulnerabilities: [
        { id: 'CVE-1', purls: ['pkg:apk/alpine/musl'], expired_at: '2030-01-02', statement: 'ok' },
        { id: 'CVE-2', expired_at: '2031-02-03' },
        { id: 'CVE-3' },
        { id: 'CVE-4' },
      ],
    });
    assert.match(out, /expired_at: 2030-01-02\n/, 'a plain date, which Trivy reads as a time');
  });

  it('leaves out a rule whose scope or expiry it cannot read instead of widening it', () => {
    const yamlText = 'vulnerabilities:\n  - id: CVE-1\n    purls: [1]\n  - id: CVE-2\n    paths: usr/lib\n  - id: CVE-3\n    expired_at: soon\n  - id: CVE-4\n    expired_at: !!timestamp 2030-01-01\n  - purls: [pkg:apk/alpine/musl]\n';
    assert.deepStrictEqual(parse(trivyIgnoreForScan(yamlText)), { vulnerabilities: [{ id: 'CVE-4', expired_at: '2030-01-01' }] });
  });

  it('never throws: broken YAML, an alias bomb and nothing at all give no rules', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n')}\nvulnerabilities: *i\n`;
    for (const text of ['vulnerabilities: [\n', bomb, '', undefined]) {
      assert.deepStrictEqual(parse(trivyIgnoreForScan(text)), { vulnerabilities: [] });
    }
  });
});

describe('a Trivy scan in a workspace with .trivyignore.yaml', function () {
  this.timeout(20000);
  let world: FakeWorld;
  let repo: string;
  beforeEach(() => {
    world = fakeWorld(['trivy']);
    repo = path.join(world.dir, 'repo');
    fs.mkdirSync(repo);
  });
  afterEach(() => world.dispose());

  it('gives trivy --ignorefile with a copy of ours holding both files\' rules', async () => {
    fs.writeFileSync(path.join(repo, '.trivyignore.yaml'), 'vulnerabilities:\n  - id: CVE-2019-1549\n    purls: [pkg:apk/alpine/libssl1.1]\n');
    fs.writeFileSync(path.join(repo, '.trivyignore'), 'CVE-2019-1563\n');
    await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env, cwd: repo });
    const [call] = world.entries();
    const i = call.argv.indexOf('--ignorefile');
    assert.ok(i > 0, call.argv.join(' '));
    assert.ok(!call.argv[i + 1].startsWith(repo) && call.argv[i + 1].endsWith('.yaml'), 'a .yaml file of ours, which Trivy reads as YAML');
    assert.deepStrictEqual(parse(call.ignoreText ?? ''), {
      vulnerabilities: [{ id: 'CVE-2019-1549', purls: ['pkg:apk/alpine/libssl1.1'] }, { id: 'CVE-2019-1563' }],
    });
    assert.ok(!fs.existsSync(call.argv[i + 1]), 'removed after the run');
  });

  (process.platform === 'win32' ? it.skip : it)('reads no rules through a .trivyignore.yaml that is a link', async () => {
    const outside = path.join(world.dir, 'outside.yaml');
    fs.writeFileSync(outside, 'vulnerabilities:\n  - id: CVE-2019-1549\n');
    fs.symlinkSync(outside, path.join(repo, '.trivyignore.yaml'));
    await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env, cwd: repo });
    const [call] = world.entries();
    assert.ok(call.argv.includes('--ignorefile'));
    assert.deepStrictEqual(parse(call.ignoreText ?? ''), { vulnerabilities: [] });
  });

  it('leaves a plain .trivyignore alone to trivy when there is no YAML file', async () => {
    fs.writeFileSync(path.join(repo, '.trivyignore'), 'CVE-2019-1563\n');
    await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env, cwd: repo });
    assert.ok(!world.entries()[0].argv.includes('--ignorefile'));
  });
});

describe('minimal replacement', () => {
  const apply = (before: string, r: { start: number; end: number; text: string }) => before.slice(0, r.start) + r.text + before.slice(r.end);
  it('replaces only the middle that differs, and applying it gives the new text', () => {
    const cases: Array<[string, string]> = [
      ['a\nb\n', 'a\nx\nb\n'], ['', 'new\n'], ['same', 'same'], ['abc', ''], ['x\r\ny\r\n', 'x\r\nz\r\ny\r\n'], ['aa', 'aaa'], ['😀a', '😁a'],
    ];
    for (const [before, after] of cases) {
      const r = minimalReplacement(before, after);
      assert.strictEqual(apply(before, r), after, JSON.stringify([before, after]));
      assert.ok(!/^\n/.test(before.slice(r.start)) || before[r.start - 1] !== '\r', 'no CRLF split');
    }
    assert.deepStrictEqual(minimalReplacement('a\nb\n', 'a\nx\nb\n'), { start: 2, end: 2, text: 'x\n' });
    assert.deepStrictEqual(minimalReplacement('same', 'same'), { start: 4, end: 4, text: '' });
  });
});

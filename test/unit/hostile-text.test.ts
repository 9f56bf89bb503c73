// Items 1 (text for notifications), 2 (bounded parsing), 5 (large reports), 6 (terminal escapes)
// and 12 (the .shipshape.yaml alias bomb) of the hostile-input issue, in plain Node: crafted
// reports, manifests and config files of our own.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { escapeJsonControls, forTerminal, forTerminalLines, hasControlCharacters } from '../../src/cli/sanitize';
import { formatText } from '../../src/cli/formats';
import { writeScanText } from '../../src/cli/commands/scan';
import { analyze, parseConfigText } from '../../src/core';
import { fixAll } from '../../src/core/fix';
import { findImageReferences } from '../../src/core/imageReferences';
import { mayBeKubernetes, MAX_TEXT_LENGTH, textLimitProblem } from '../../src/core/limits';
import { streamJson, toSarif } from '../../src/core/scan';
import { hasNotificationLink, plainValue } from '../../src/extension/notificationText';

interface Run { code: number; stdout: string; stderr: string; writes: number; largestWrite: number }

async function shipshape(args: string[], cwd: string, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let writes = 0;
  let largestWrite = 0;
  const io: CliIO = {
    stdout: (t) => { stdout += t; writes++; largestWrite = Math.max(largestWrite, t.length); },
    stderr: (t) => { stderr += t; },
    isTTY,
    env: {},
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr, writes, largestWrite };
}

// Title change, clear screen, OSC 52 clipboard write, OSC 8 hyperlink, a C1 CSI, a bidi override.
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\u009b31m\u202e';

function trivyReport(vulns: number, hostile = false): string {
  const v = (i: number) => ({
    VulnerabilityID: hostile && i === 0 ? `CVE-2024-0001${HOSTILE}` : `CVE-2024-${String(i).padStart(5, '0')}`,
    PkgName: hostile ? `openssl${HOSTILE}` : `pkg${i}`,
    InstalledVersion: hostile ? `1.0${HOSTILE}` : '1.0',
    FixedVersion: hostile ? `1.1${HOSTILE}` : undefined,
    Severity: i % 2 ? 'HIGH' : 'LOW',
    Title: hostile ? `bad [x](command:workbench.action.terminal.new) ${HOSTILE}` : `t${i}`,
  });
  const list = [];
  for (let i = 0; i < vulns; i++) list.push(v(i));
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: hostile ? `evil/image${HOSTILE}` : 'big/image:1',
    Metadata: {},
    Results: [{ Target: 'x', Type: 'debian', Vulnerabilities: list }],
  });
}

describe('hostile input: no terminal escapes from input reach the terminal (item 6)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-text-'));
    fs.writeFileSync(path.join(dir, 'hostile.json'), trivyReport(2, true));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('strips C0 (but LF/TAB where lines are kept), DEL, C1 and bidi controls', () => {
    assert.strictEqual(forTerminal(`a${HOSTILE}b\nc\td`), 'a]0;pwned[2J]52;c;ZWNobyBwd25lZA==]8;;http://evil.example\\link]8;;\\31mbcd');
    assert.strictEqual(forTerminalLines('line 1\r\nline\t2\x1b[2J\n'), 'line 1\nline\t2[2J\n');
    assert.strictEqual(hasControlCharacters(forTerminal(HOSTILE)), false);
    assert.strictEqual(escapeJsonControls('"\u009b\u202e\u2028x"'), '"\\u009b\\u202e\\u2028x"');
  });

  it('shipshape scan --report prints text without any control character from the report, colours or not', async () => {
    for (const tty of [false, true]) {
      const r = await shipshape(['scan', '--report', 'hostile.json', '--fail-on', 'none'], dir, tty);
      assert.strictEqual(r.code, 0, r.stderr);
      // Our own colours are the only escapes left: remove exactly those, then nothing may remain.
      const withoutOurColours = r.stdout.replace(/\x1b\[(?:1;31|31|33|36|2|1|0)m/g, '');
      assert.strictEqual(hasControlCharacters(withoutOurColours.replace(/\n/g, '')), false, JSON.stringify(withoutOurColours));
      assert.match(r.stdout, /openssl\]0;pwned/);
    }
  });

  it('shipshape scan --format json/sarif escapes C1 and bidi controls (JSON.stringify leaves them raw)', async () => {
    for (const format of ['json', 'sarif']) {
      const r = await shipshape(['scan', '--report', 'hostile.json', '--format', format, '--fail-on', 'none'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      const doc = JSON.parse(r.stdout);
      const text = JSON.stringify(doc);
      assert.ok(text.includes('\\u001b]0;pwned'), 'the values themselves are kept, escaped');
    }
  });

  it('an error quoting the report prints no control characters', async () => {
    fs.writeFileSync(path.join(dir, 'not-json.txt'), `\x1b]0;pwned\x07\x1b[2Jnot a report`);
    const r = await shipshape(['scan', '--report', 'not-json.txt'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /is not JSON .*; it starts with: \]0;pwned\[2Jnot a report/);
    assert.strictEqual(hasControlCharacters(r.stderr.replace(/\n/g, '')), false);
  });

  it('shipshape check text output strips controls from file names and messages', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM evil/image\u009b2J:latest\nFROM alpine:latest\n`);
    const text = formatText([{ file: `Dockerfile${HOSTILE}`, findings: analyze(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'dockerfile').findings }], true);
    assert.strictEqual(hasControlCharacters(text.replace(/\x1b\[(?:1;31|31|33|36|2|1|0)m/g, '').replace(/\n/g, '')), false);
  });
});

describe('hostile input: very large reports (item 5)', function () {
  this.timeout(120000);
  let dir: string;
  // 200 000 vulnerabilities: a spread of that many arguments overflows the stack.
  const COUNT = 200_000;
  // SARIF repeats each vulnerability as a rule and a result: 20 000 already make 35 MB of it.
  const SARIF_COUNT = 20_000;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-big-'));
    fs.writeFileSync(path.join(dir, 'big.json'), trivyReport(COUNT));
    fs.writeFileSync(path.join(dir, 'sarif.json'), trivyReport(SARIF_COUNT));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`prints a report of ${COUNT} vulnerabilities as text (no spread over the list: no stack overflow)`, async () => {
    const r = await shipshape(['scan', '--report', 'big.json', '--fail-on', 'none'], dir);
    assert.strictEqual(r.code, 0, r.stderr.slice(0, 500));
    assert.match(r.stdout, new RegExp(`${COUNT} vulnerabilities`));
    assert.ok(r.writes > 10 && r.largestWrite < 1 << 17, `written in pieces (${r.writes} writes, largest ${r.largestWrite})`);
  });

  it('streams SARIF in pieces of about 1 MiB, the same text JSON.stringify would give', async () => {
    const r = await shipshape(['scan', '--report', 'sarif.json', '--format', 'sarif', '--fail-on', 'none'], dir);
    assert.strictEqual(r.code, 0, r.stderr.slice(0, 500));
    assert.ok(r.writes > 20 && r.largestWrite < 2 * (1 << 20) + 1, `written in pieces (${r.writes} writes, largest ${r.largestWrite})`);
    const sarif = JSON.parse(r.stdout);
    assert.strictEqual(sarif.runs[0].results.length, SARIF_COUNT);
  });

  it('streamJson writes exactly what JSON.stringify(value, null, 2) writes', () => {
    const values: unknown[] = [
      { a: 1, b: [1, 'x', null, true, { c: undefined, d: [] }], e: {}, f: undefined, g: () => 1, h: [undefined, () => 1], i: 'é\u2028"\\', j: NaN, k: new Date(0) },
      [], {}, 'str', 42, null, [[[]]], toSarif([]),
    ];
    for (const v of values) {
      let out = '';
      streamJson(v, (t) => { out += t; }, 2, 7);
      assert.strictEqual(out, JSON.stringify(v, null, 2));
      let shallow = '';
      streamJson(v, (t) => { shallow += t; }, 2, 7, 1);
      assert.strictEqual(shallow, JSON.stringify(v, null, 2), 'serialised whole below depth 1');
      let flat = '';
      streamJson(v, (t) => { flat += t; }, 0);
      assert.strictEqual(flat, JSON.stringify(v));
    }
  });

  it('the text writer keeps its pieces small whatever the report', () => {
    const pieces: string[] = [];
    writeScanText([{ image: { reference: 'x' }, scanner: 'trivy', scannedAt: 'now', vulns: [] }], false, (t) => pieces.push(t));
    assert.deepStrictEqual(pieces, ['x (trivy, now)\n0 vulnerabilities\n\n']);
  });
});

describe('hostile input: every parse of user text is bounded (item 2)', function () {
  this.timeout(60000);

  /** A lockfile-style YAML of about `mb` MB: no apiVersion, no kind. */
  function lockfile(mb: number): string {
    const parts: string[] = ['lockfileVersion: 6.0\npackages:\n'];
    let size = parts[0].length;
    for (let i = 0; size < mb * 1024 * 1024; i++) {
      const entry = `  /pkg-${i}@1.${i}.0:\n    resolution: {integrity: sha512-${'A'.repeat(40)}${i}}\n    dependencies:\n      dep-${i}: 1.0.${i}\n    dev: false\n`;
      parts.push(entry);
      size += entry.length;
    }
    return parts.join('');
  }

  it('a 7.5 MB lockfile-style YAML is not composed: image references and analysis return at once', () => {
    const text = lockfile(7.5);
    assert.ok(text.length < MAX_TEXT_LENGTH);
    assert.strictEqual(mayBeKubernetes(text), false);
    let started = Date.now();
    assert.deepStrictEqual(findImageReferences(text, 'kubernetes'), []);
    const refsMs = Date.now() - started;
    started = Date.now();
    const result = analyze(text, 'kubernetes');
    const analyzeMs = Date.now() - started;
    assert.strictEqual(result.notApplicable, true);
    // Composing it takes seconds (8 s measured on the shared test machine); a string search takes milliseconds.
    assert.ok(refsMs < 1000 && analyzeMs < 1000, `image references ${refsMs} ms, analysis ${analyzeMs} ms`);
  });

  it('a manifest over the size limit, or binary, is not parsed for image references either', () => {
    const big = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: alpine\n#${'x'.repeat(MAX_TEXT_LENGTH)}\n`;
    assert.strictEqual(textLimitProblem(big), 'tooLarge');
    const started = Date.now();
    assert.deepStrictEqual(findImageReferences(big, 'kubernetes'), []);
    assert.deepStrictEqual(findImageReferences('FROM alpine\n\u0000', 'dockerfile'), []);
    // Other YAML kinds are never composed by the Kubernetes reader.
    assert.deepStrictEqual(findImageReferences('services:\n  web:\n    image: nginx\napiVersion: x\nkind: y\n', 'compose'), []);
    assert.ok(Date.now() - started < 1000);
  });

  it('the pre-check lets through every spelling a Kubernetes parser accepts (quoted, flow, escaped keys)', () => {
    for (const t of ['apiVersion: v1\nkind: Pod\n', '{"apiVersion": "v1", "kind": "Pod"}', '"api\\x56ersion": v1\n"\\x6bind": Pod\n', '- apiVersion: v1\n  kind: Pod\n']) {
      assert.strictEqual(mayBeKubernetes(t), true, t);
    }
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: alpine:3.19\n';
    assert.deepStrictEqual(findImageReferences(manifest, 'kubernetes').map((r) => r.reference), ['alpine:3.19']);
  });
});

describe('hostile input: fix-all stops when asked (item 2: cancellation and time budget)', () => {
  it('asks before every pass after the first and keeps what earlier passes applied', () => {
    const text = 'FROM alpine:3.19\nRUN sudo apt-get install curl\nADD app.tar /app\n';
    let asked = 0;
    const stopped = fixAll(text, 'dockerfile', undefined, { shouldStop: () => { asked++; return true; } });
    assert.strictEqual(asked, 1, 'asked once, before the second pass');
    assert.ok(stopped.applied.length > 0 && stopped.text !== text, 'the first pass was applied');
    const full = fixAll(text, 'dockerfile');
    assert.ok(full.applied.length >= stopped.applied.length);
  });
});

describe('hostile input: .shipshape.yaml never escapes the config reader (item 12)', () => {
  const BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nrules: {x: *e}\n';

  it('an alias bomb becomes a problem with a range, not an exception, and the defaults apply', () => {
    const started = Date.now();
    const r = parseConfigText(BOMB);
    assert.ok(Date.now() - started < 1000);
    assert.strictEqual(r.unreadable, true);
    assert.match(r.problems[0], /cannot be read: .*alias/i);
    assert.deepStrictEqual(r.issues?.[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.deepStrictEqual(r.config.rules, {});
  });

  it('a syntax error has its position; a bad value points at its key', () => {
    const syntax = parseConfigText('profile: restricted\nrules: [unclosed\n');
    assert.strictEqual(syntax.unreadable, true);
    assert.ok(syntax.issues!.length > 0 && syntax.issues![0].range.start.line >= 1, JSON.stringify(syntax.issues));
    const bad = parseConfigText('exclude: [a]\nprofile: strict\n');
    assert.strictEqual(bad.unreadable, undefined);
    assert.deepStrictEqual(bad.issues, [{
      message: 'profile: expected baseline, restricted or all', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } },
      l10n: { id: 'config.profile', en: 'profile: expected baseline, restricted or all' },
    }]);
  });

  it('deep nesting does not throw either', () => {
    assert.doesNotThrow(() => parseConfigText(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
  });
});

describe('hostile input: text for notifications (item 1)', () => {
  it('plainValue makes link syntax impossible and drops controls', () => {
    const v = plainValue('[Open](command:workbench.action.terminal.new?%5B%5D) \x1b[2J\nnext');
    assert.strictEqual(hasNotificationLink(v), false);
    assert.doesNotMatch(v, /[[\]()\u0000-\u001f]/);
    assert.strictEqual(hasNotificationLink('[Open](command:x)'), true);
    assert.strictEqual(plainValue('x'.repeat(500)).length, 200);
  });
});

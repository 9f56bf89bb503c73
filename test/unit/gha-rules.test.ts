import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, detectFileKind, Finding } from '../../src/core';
import { applyEdits } from '../../src/core/text';
import { generatePipeline } from '../../src/core/ci/pipeline';
import { PINS } from '../../src/core/ci/pins';
import { untrustedContext, unpinnedReason } from '../../src/core/github';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'github');
const read = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function check(text: string): Finding[] {
  const r = analyze(text, 'github-workflow');
  assert.deepStrictEqual(r.errors, []);
  return r.findings;
}
/** `[rule, line, startChar, endChar]` of every finding (single-line ranges), sorted by position. */
function spots(findings: Finding[]): Array<[string, number, number, number]> {
  return findings
    .map((f): [string, number, number, number] => {
      assert.strictEqual(f.range.start.line, f.range.end.line, `${f.ruleId} spans lines`);
      return [f.ruleId, f.range.start.line, f.range.start.character, f.range.end.character];
    })
    .sort((a, b) => a[1] - b[1] || a[2] - b[2] || a[0].localeCompare(b[0]));
}
function textAt(text: string, f: Finding): string {
  return text.split(/\r?\n/)[f.range.start.line].slice(f.range.start.character, f.range.end.character);
}

describe('GitHub workflow rules', () => {
  it('detects workflows by their path only', () => {
    assert.strictEqual(detectFileKind('.github/workflows/ci.yml'), 'github-workflow');
    assert.strictEqual(detectFileKind('/repo/.github/workflows/release.yaml', 'yaml'), 'github-workflow');
    assert.strictEqual(detectFileKind('C:\\repo\\.github\\workflows\\ci.yml'), 'github-workflow');
    assert.strictEqual(detectFileKind('.github/workflows/nested/ci.yml'), 'kubernetes');
    assert.strictEqual(detectFileKind('.github/dependabot.yml'), 'kubernetes');
    assert.strictEqual(detectFileKind('ci.yml', 'yaml'), 'kubernetes');
  });

  it('reports each problem of an insecure workflow at the exact text', () => {
    const text = read('insecure.yml');
    const findings = check(text);
    assert.deepStrictEqual(spots(findings), [
      ['gha-permissions-missing', 5, 2, 6],
      ['gha-unpinned-action', 8, 14, 33],
      ['gha-pr-target-checkout', 10, 15, 56],
      ['gha-script-injection', 13, 27, 65],
      ['gha-docker-login-password', 14, 30, 49],
      ['gha-sign-by-tag', 16, 44, 63],
      ['gha-permissions-write-all', 18, 17, 26],
      ['gha-unpinned-action', 21, 14, 36],
      ['gha-script-injection', 24, 31, 63],
    ]);
    const by = (id: string, n = 0): Finding => findings.filter((f) => f.ruleId === id)[n];
    assert.strictEqual(textAt(text, by('gha-unpinned-action')), 'actions/checkout@v4');
    assert.strictEqual(textAt(text, by('gha-script-injection')), '${{ github.event.pull_request.title }}');
    assert.strictEqual(textAt(text, by('gha-script-injection', 1)), '${{ github.event.comment.body }}');
    assert.strictEqual(textAt(text, by('gha-docker-login-password')), '--password "$TOKEN"');
    assert.strictEqual(textAt(text, by('gha-sign-by-tag')), 'ghcr.io/acme/app:pr');
    assert.strictEqual(textAt(text, by('gha-pr-target-checkout')), '${{ github.event.pull_request.head.sha }}');
    assert.strictEqual(by('gha-permissions-missing').message, 'Job "test" has no permissions and the workflow sets none: the token gets the repository\'s default scopes.');
  });

  it('reports nothing for a hardened workflow: pins, local and digest actions, env-passed input, --password-stdin, signing by digest', () => {
    assert.deepStrictEqual(check(read('hardened.yml')), []);
  });

  it('keeps exact ranges with CRLF line breaks and in |-, >, quoted and plain scripts', () => {
    const lf = read('insecure.yml');
    assert.deepStrictEqual(spots(check(lf.replace(/\n/g, '\r\n'))), spots(check(lf)));
    const text = [
      'permissions: {}',
      'jobs:',
      '  a:',
      '    permissions: {}',
      '    steps:',
      '      - run: >-',
      '            echo',
      '            "${{ github.head_ref }}"',
      '      - run: "echo ${{ github.event.issue.body }}"',
      "      - run: echo '${{ github.event.commits[0].message }}' && docker login -p x",
      '      - run: |2',
      '          cosign sign a.io/b:c',
      '',
    ].join('\n');
    assert.deepStrictEqual(spots(check(text)), [
      ['gha-script-injection', 7, 13, 35],
      ['gha-script-injection', 8, 19, 49],
      ['gha-script-injection', 9, 19, 57],
      ['gha-docker-login-password', 9, 75, 79],
      ['gha-sign-by-tag', 11, 22, 30],
    ]);
  });

  it('follows env: a ${{ env.NAME }} holding untrusted input is an injection too; "$NAME" is not', () => {
    const text = [
      'permissions: {}',
      'env:',
      '  TITLE: ${{ github.event.issue.title }}',
      '  SHA: ${{ github.sha }}',
      'jobs:',
      '  a:',
      '    env:',
      '      BRANCH: ${{ github.head_ref }}',
      '    steps:',
      '      - run: echo "${{ env.TITLE }} $TITLE ${{ env.SHA }} ${{ env.BRANCH }}"',
      '      - env:',
      '          BRANCH: main',
      '        run: echo "${{ env.BRANCH }}"',
      '',
    ].join('\n');
    const findings = check(text);
    assert.deepStrictEqual(spots(findings), [['gha-script-injection', 9, 19, 35], ['gha-script-injection', 9, 58, 75]]);
    assert.strictEqual(findings[0].message, 'env.TITLE holds github.event.issue.title, and ${{ env.TITLE }} is expanded into the script: use "$TITLE" instead.');
    assert.match(findings[1].message, /^env\.BRANCH holds github\.head_ref/);
  });

  it('never throws and keeps ranges inside the text, whatever prefix of a workflow it reads', () => {
    for (const name of ['insecure.yml', 'hardened.yml']) {
      const full = read(name);
      for (let end = 0; end <= full.length; end += 7) {
        const text = full.slice(0, end);
        const r = analyze(text, 'github-workflow');
        assert.deepStrictEqual(r.errors, [], `${name} cut at ${end}`);
        const lines = text.split('\n');
        for (const f of r.findings) {
          assert.ok(f.range.end.line < lines.length && f.range.end.character <= lines[f.range.end.line].length, `${name} cut at ${end}: ${f.ruleId}`);
        }
      }
    }
  });

  it('reads only attacker-controlled contexts as untrusted', () => {
    for (const bad of ['github.event.issue.title', 'github.event.pull_request.head.ref', 'github.head_ref', "github['head_ref']", 'github.event.commits[0].author.email',
      'github.event.head_commit.message', 'toJSON(github.event)', 'github.event.review.body', 'github.event.pages[*].page_name', 'github.event.workflow_run.head_branch',
      'format(\'{0}\', github.event.discussion.title)', 'github.event.pull_request']) {
      assert.ok(untrustedContext(bad), bad);
    }
    for (const ok of ['github.sha', 'github.event.pull_request.head.sha', 'github.event.number', 'github.repository', 'github.event.repository.name', 'github.event.inputs.name',
      'secrets.TOKEN', 'steps.meta.outputs.tags', 'github.event_name', 'github.event.pull_request.number']) {
      assert.strictEqual(untrustedContext(ok), undefined, ok);
    }
  });

  it('knows what a pin is', () => {
    assert.strictEqual(unpinnedReason('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'), undefined);
    assert.strictEqual(unpinnedReason('./.github/actions/x'), undefined);
    assert.strictEqual(unpinnedReason('docker://alpine@sha256:' + 'a'.repeat(64)), undefined);
    assert.ok(unpinnedReason('actions/checkout@11bd719'));
    assert.ok(unpinnedReason('actions/checkout@main'));
    assert.ok(unpinnedReason('actions/checkout'));
    assert.ok(unpinnedReason('docker://alpine:3'));
    assert.ok(unpinnedReason('octo/repo/.github/workflows/ci.yml@v1'));
  });

  it('checks reusable workflow calls and job-level permissions', () => {
    const text = 'on: push\njobs:\n  call:\n    uses: octo/repo/.github/workflows/ci.yml@main\n  own:\n    permissions:\n      contents: read\n    runs-on: x\n    steps: []\n';
    assert.deepStrictEqual(spots(check(text)), [['gha-permissions-missing', 2, 2, 6], ['gha-unpinned-action', 3, 10, 49]]);
  });

  it('only flags a head checkout on privileged triggers', () => {
    const text = (on: string): string => `on: ${on}\npermissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          ref: \${{ github.event.pull_request.head.ref }}\n`;
    assert.deepStrictEqual(spots(check(text('[pull_request_target]'))), [['gha-pr-target-checkout', 7, 15, 56]]);
    assert.deepStrictEqual(spots(check(text('workflow_run'))), [['gha-pr-target-checkout', 7, 15, 56]]);
    assert.deepStrictEqual(check(text('pull_request')), []);
  });

  it('also flags a head checkout done by hand in a privileged workflow\'s script', () => {
    const script = (on: string): string => [
      `on: ${on}`,
      'permissions: {}',
      'jobs:',
      '  a:',
      '    steps:',
      '      - run: |',
      '          gh pr checkout "$PR"',
      '          git fetch origin "refs/pull/${PR_NUMBER}/merge"',
      '          git checkout ${{ github.event.pull_request.head.sha }}',
      '          git checkout ${{ github.sha }} && git fetch origin main',
      '',
    ].join('\n');
    const text = script('pull_request_target');
    const findings = check(text);
    assert.deepStrictEqual(spots(findings), [['gha-pr-target-checkout', 6, 10, 24], ['gha-pr-target-checkout', 7, 28, 56], ['gha-pr-target-checkout', 8, 23, 64]]);
    assert.deepStrictEqual(findings.map((f) => textAt(text, f)), ['gh pr checkout', 'refs/pull/${PR_NUMBER}/merge', '${{ github.event.pull_request.head.sha }}']);
    assert.deepStrictEqual(check(script('push')), []);
  });

  it('pins a known action (not a safe fix) and the result re-checks clean of that finding', () => {
    const text = read('insecure.yml');
    const f = check(text).find((x) => x.ruleId === 'gha-unpinned-action')!;
    const fix = f.fixes![0];
    assert.strictEqual(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`      - uses: actions/checkout@${PINS.checkout.sha} # ${PINS.checkout.version}\n`));
    assert.deepStrictEqual(check(fixed).filter((x) => x.ruleId === 'gha-unpinned-action').map((x) => textAt(fixed, x)), ['docker/login-action@v3']);
    // No fix where the major version differs from the pinned release, or for an unknown action.
    assert.strictEqual(check('permissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v3\n      - uses: octo/x@v1\n').every((x) => !x.fixes), true);
  });

  it('offers permission fixes that re-check clean (not safe: a job may need more)', () => {
    const text = read('insecure.yml').replace(/\n/g, '\r\n');
    const missing = check(text).find((x) => x.ruleId === 'gha-permissions-missing')!;
    const withTop = applyEdits(text, missing.fixes![0].edits);
    assert.ok(withTop.includes('permissions: { contents: read }\r\njobs:\r\n'));
    assert.ok(!check(withTop).some((x) => x.ruleId === 'gha-permissions-missing'));
    const writeAll = check(withTop).find((x) => x.ruleId === 'gha-permissions-write-all')!;
    assert.strictEqual(writeAll.fixes![0].safe, false);
    const fixed = applyEdits(withTop, writeAll.fixes![0].edits);
    assert.ok(fixed.includes('    permissions: { contents: read }\r\n'));
    assert.ok(!check(fixed).some((x) => x.ruleId === 'gha-permissions-write-all'));
  });

  it('honours suppression comments', () => {
    const text = 'permissions: {}\njobs:\n  a:\n    steps:\n      # shipshape-ignore gha-unpinned-action vendored fork\n      - uses: octo/x@v1\n';
    assert.deepStrictEqual(check(text), []);
  });

  it('is not applicable to YAML that is not a workflow, and survives broken input', () => {
    assert.strictEqual(analyze('name: x\non: push\n', 'github-workflow').notApplicable, true);
    assert.strictEqual(analyze('- a\n- b\n', 'github-workflow').notApplicable, true);
    for (const bad of ['jobs: [', 'jobs:\n  a: { steps: [ { run: "${{ github.event.issue.title" } ] }', 'jobs: 3', '\u0000', 'jobs:\n  a:\n    steps:\n      - run: |\n']) {
      const r = analyze(bad, 'github-workflow');
      assert.deepStrictEqual(r.errors, [], bad);
    }
  });

  it('reports a workflow that does not parse, at the error, and checks nothing else in it', () => {
    const text = 'on: push\njobs:\n  a:\n    steps:\n      - uses: octo/x@v1\n      - run: a: b\n';
    const findings = check(text);
    assert.deepStrictEqual(spots(findings), [['gha-yaml-syntax', 5, 13, 14]]);
    assert.strictEqual(findings[0].message, 'YAML error: Nested mappings are not allowed in compact mappings (the workflow is not checked further).');
    const dup = check('on: push\non: pull_request\njobs: {}\n');
    assert.deepStrictEqual(dup.map((f) => [f.ruleId, f.range.start.line]), [['gha-yaml-syntax', 1]]);
  });

  describe('the pipelines shipshape generates pass these rules', () => {
    for (const scanner of ['trivy', 'grype'] as const) {
      for (const sign of ['keyless', 'key'] as const) {
        for (const image of [undefined, 'ghcr.io/acme/app', 'docker.io/acme/app']) {
          it(`${scanner}, ${sign}, ${image ?? 'default image'}`, () => {
            const actionSha = image === 'docker.io/acme/app' ? '0123456789abcdef0123456789abcdef01234567' : undefined;
            const { pipeline } = generatePipeline({ provider: 'github', scanner, sign, image, ignoreUnfixed: true, actionSha }, '0.1.0');
            const r = analyze(pipeline.text, detectFileKind(pipeline.path)!);
            assert.strictEqual(r.notApplicable, undefined);
            assert.deepStrictEqual(r.findings.map((f) => f.ruleId), []);
          });
        }
      }
    }
  });
});

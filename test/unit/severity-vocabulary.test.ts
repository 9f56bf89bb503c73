/**
 * One severity vocabulary (docs/SEVERITY.md) for `.shipshape.yaml` and the `shipshape.rules`
 * setting, and one mapping onto the editor's diagnostic severities.
 */
import * as assert from 'assert';
import { normalizeConfig, parseConfigText, parseRuleSetting, RULE_SETTING_WORDS } from '../../src/core/config';
import { effectiveSeverity } from '../../src/core/engine';
import { DEFAULT_CONFIG, ShipshapeConfig } from '../../src/core/config';
import { allRules, findRule } from '../../src/core';
import { Finding, SEVERITIES } from '../../src/core/model';

const config = (rules: ShipshapeConfig['rules']): ShipshapeConfig => ({ ...DEFAULT_CONFIG, rules });

describe('Severity vocabulary: .shipshape.yaml and shipshape.rules take the same words', () => {
  it('reads off, on and every severity in both, in any case and around spaces', () => {
    assert.deepStrictEqual(RULE_SETTING_WORDS, ['off', 'on', 'critical', 'high', 'medium', 'low', 'info']);
    for (const word of RULE_SETTING_WORDS) {
      assert.strictEqual(parseRuleSetting(word), word);
      assert.strictEqual(parseRuleSetting(` ${word.toUpperCase()} `, true), word);
    }
    assert.strictEqual(parseRuleSetting(true), 'on');
    assert.strictEqual(parseRuleSetting(false, true), 'off');
  });

  it('reads the setting\'s older editor words as the severities that show the same way', () => {
    assert.strictEqual(parseRuleSetting('error', true), 'high');
    assert.strictEqual(parseRuleSetting('Warning', true), 'medium');
    assert.strictEqual(parseRuleSetting('information', true), 'low');
    assert.strictEqual(parseRuleSetting('hint', true), 'info');
  });

  it('refuses the editor words in .shipshape.yaml, naming the severity they meant, and unknown words in both', () => {
    for (const word of ['error', 'warning', 'information', 'hint']) assert.strictEqual(parseRuleSetting(word), undefined, word);
    for (const bad of ['severe', '', 'errors', 3, null, {}]) {
      assert.strictEqual(parseRuleSetting(bad), undefined, String(bad));
      assert.strictEqual(parseRuleSetting(bad, true), undefined, String(bad));
    }
    const read = parseConfigText('rules:\n  DS-0002: error\n  DS-0001: LOW\n  DS-0026: severe\n');
    assert.deepStrictEqual(read.config.rules, { 'DS-0001': 'low' });
    assert.deepStrictEqual(read.problems, [
      'rules.DS-0002: expected one of off, on, critical, high, medium, low, info (error is high)',
      'rules.DS-0026: expected one of off, on, critical, high, medium, low, info',
    ]);
    assert.deepStrictEqual(read.issues!.map((i) => i.range.start.line), [0, 0], 'each problem points at the rules key');
  });

  it('an override by any vocabulary gives the engine the same severity', () => {
    const rule = findRule('docker-root-user')!;
    assert.strictEqual(effectiveSeverity(rule, config({ 'docker-root-user': parseRuleSetting('warning', true)! })), 'medium');
    assert.strictEqual(effectiveSeverity(rule, config({ 'DS-0002': parseRuleSetting('medium')! })), 'medium');
    assert.strictEqual(effectiveSeverity(rule, normalizeConfig({ rules: { DL3002: 'info' } }).config), 'info');
    assert.strictEqual(effectiveSeverity(rule, normalizeConfig({ rules: { DL3002: 'off' } }).config), undefined);
    assert.strictEqual(effectiveSeverity(rule, DEFAULT_CONFIG), 'high');
  });
});

describe('Severity rubric (docs/SEVERITY.md) applied to the rules', () => {
  const sev = (id: string): string => findRule(id)!.severity;
  it('host compromise is critical', () => {
    for (const id of ['k8s-privileged', 'k8s-host-pid', 'k8s-host-ipc', 'k8s-host-network', 'k8s-docker-sock', 'k8s-cap-sys-admin', 'k8s-windows-host-process',
      'compose-privileged', 'compose-host-pid', 'compose-host-ipc', 'compose-host-network', 'compose-docker-socket', 'compose-host-sensitive-mount']) assert.strictEqual(sev(id), 'critical', id);
  });
  it('root and escape aids are high; missing defences in depth medium; hygiene low', () => {
    for (const id of ['docker-root-user', 'k8s-run-as-uid-0', 'compose-root-user', 'k8s-caps-added', 'k8s-host-path', 'docker-secret-in-build', 'k8s-seccomp-unconfined']) assert.strictEqual(sev(id), 'high', id);
    for (const id of ['k8s-run-as-non-root', 'k8s-allow-privilege-escalation', 'k8s-caps-drop-all', 'k8s-seccomp', 'k8s-readonly-rootfs', 'compose-read-only']) assert.strictEqual(sev(id), 'medium', id);
    for (const id of ['docker-apk-no-cache', 'docker-apt-get-yes', 'docker-apt-no-install-recommends', 'docker-run-cd', 'docker-no-healthcheck', 'k8s-resources-missing']) assert.strictEqual(sev(id), 'low', id);
  });
  it('every rule has one of the five severities, and the docs page of the rubric names each', () => {
    const rubric = require('fs').readFileSync(require('path').resolve(__dirname, '../../../docs/SEVERITY.md'), 'utf8') as string;
    for (const s of SEVERITIES) assert.ok(rubric.includes(`| \`${s}\` |`), s);
    for (const r of allRules()) assert.ok((SEVERITIES as readonly string[]).includes(r.severity), r.id);
  });
});

describe('Editor mapping: critical/high → Error, medium → Warning, low → Information, info → Hint', () => {
  // Every editor's diagnostics (VS Code's included) are the language server's.
  it('converts each severity to its diagnostic severity', () => {
    const { toDiagnostic } = require('../../src/server/convert') as typeof import('../../src/server/convert');
    const finding = (severity: Finding['severity']): Finding => ({ ruleId: 'docker-root-user', severity, message: 'm', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, references: [] });
    const shown = SEVERITIES.map((s) => toDiagnostic(finding(s), 'file:///Dockerfile').severity);
    // LSP DiagnosticSeverity: Error 1, Warning 2, Information 3, Hint 4.
    assert.deepStrictEqual(shown, [1, 1, 2, 3, 4]);
  });
});

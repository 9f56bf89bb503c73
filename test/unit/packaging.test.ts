import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../src/core';
import { generatedFiles } from '../../scripts/gen-docs';
import { bundleText, extractMessages } from '../../scripts/l10n';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('packaging', () => {
  it('has a package.nls.json entry for every %key% of package.json', () => {
    const keys = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 10);
    const missing = keys.filter((k) => !(k in nls));
    assert.deepStrictEqual(missing, []);
  });

  it('ships an up-to-date l10n bundle with every vscode.l10n.t message', () => {
    const { messages, problems } = extractMessages(sourceFiles(path.join(ROOT, 'src')));
    assert.deepStrictEqual(problems, []);
    const bundle = fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8');
    assert.strictEqual(bundle, bundleText(messages), 'run: npm run l10n');
  });

  it('ships an up-to-date documentation page for every rule (npm run docs)', () => {
    const stale = [...generatedFiles()].filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text).map(([f]) => path.relative(ROOT, f));
    assert.deepStrictEqual(stale, [], 'run: npm run docs');
  });

  it('gives every rule a unique id, a title, why, how and public references', () => {
    const rules = allRules();
    assert.ok(rules.length >= 45, `only ${rules.length} rules`);
    const ids = rules.map((r) => r.id);
    assert.strictEqual(new Set(ids).size, ids.length);
    for (const r of rules) {
      assert.match(r.id, /^(docker|k8s|compose|gha)-[a-z0-9-]+$/, r.id);
      assert.ok(r.title && r.description.length > 20 && r.remediation.length > 10, r.id);
      assert.strictEqual(r.appliesTo, r.id.startsWith('docker-') ? 'dockerfile' : r.id.startsWith('compose-') ? 'compose' : r.id.startsWith('gha-') ? 'github-workflow' : 'kubernetes', r.id);
    }
  });

  it('declares every executable path setting as restricted and machine-scoped', () => {
    const props = pkg.contributes.configuration.properties;
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    const pathSettings = Object.keys(props).filter((k) => /path$/i.test(k));
    assert.ok(pathSettings.length > 0);
    assert.deepStrictEqual(pathSettings.filter((k) => !restricted.includes(k)), []);
    for (const k of restricted) assert.strictEqual(props[k]?.scope, 'machine', k);
  });

  it('activates on Dockerfile and YAML languages, not on startup', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:dockerfile'));
    assert.ok(pkg.activationEvents.includes('onLanguage:yaml'));
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
  });

  it('keeps engines.vscode no newer than @types/vscode and the test host (1.139)', () => {
    const engine = pkg.engines.vscode.replace(/^\^/, '');
    const types = pkg.devDependencies['@types/vscode'];
    const [em, en] = engine.split('.').map(Number);
    const [tm, tn] = types.split('.').map(Number);
    assert.ok(em < tm || (em === tm && en >= tn), `engines ${engine} vs @types ${types}`);
    assert.ok(em === 1 && en <= 139);
  });
});

/**
 * The core's message catalogue: every template a rule, a fix or the engine writes
 * (`msg`/`fixTitle`/`frag` from `src/core/l10n/text.ts`, id and English as literals) has an entry
 * in each locale's bundle (`l10n/core.<locale>.json`), no bundle keeps ids nothing uses, one id
 * always has the same English, and a translation keeps the template's placeholders and code.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { fill, frag, LocalizedError, msg, renderText } from '../../src/core/l10n/text';
import { ToolError } from '../../src/node/process';
import { UsageError } from '../../src/cli/io';
import { SigningInputError } from '../../src/core/signing/args';
import { catalogueOf, findingMessage, localeFromEnv, localizeFinding, normalizeLocale } from '../../src/core/l10n';
import { analyze } from '../../src/core';
import { FileKind, Finding } from '../../src/core/model';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCALES = ['zh-cn'] as const;
const TEMPLATE_CALLS = new Set(['msg', 'fixTitle', 'frag']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export interface CoreTemplate { id: string; en: string; where: string }

/** Every template call in `src/` whose id and English are literals; `problems` lists the calls that are not. */
export function extractTemplates(files: readonly string[]): { templates: CoreTemplate[]; problems: string[] } {
  const templates: CoreTemplate[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (file.endsWith(path.join('core', 'l10n', 'text.ts'))) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (!/\b(msg|fixTitle|frag)\(/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && TEMPLATE_CALLS.has(node.expression.text)) {
        const [id, en] = node.arguments;
        const where = `${path.relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
        if (id && en && ts.isStringLiteralLike(id) && ts.isStringLiteralLike(en)) templates.push({ id: id.text, en: en.text, where });
        else problems.push(where);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { templates, problems };
}

/** The placeholders of a template (`{name}`, `{^name}` counts as `name`), sorted, with repeats. */
function placeholders(template: string): string[] {
  return (template.match(/\{\^?[A-Za-z][A-Za-z0-9]*\}/g) ?? []).map((p) => p.replace('^', '')).sort();
}

/** What a translation keeps verbatim: code spans and quoted values. */
function codeSpans(template: string): string[] {
  return (template.match(/`[^`]+`/g) ?? []).sort();
}

const CJK = /[\u4e00-\u9fff]/;

describe('core message catalogue', () => {
  const { templates, problems } = extractTemplates(sourceFiles(path.join(ROOT, 'src')));
  const byId = new Map<string, CoreTemplate[]>();
  for (const t of templates) byId.set(t.id, [...(byId.get(t.id) ?? []), t]);

  it('reads every template call with a literal id and English text', () => {
    assert.deepStrictEqual(problems, []);
    assert.ok(byId.size > 300, `${byId.size} templates`);
  });

  it('gives one id one English text', () => {
    const clashes = [...byId.values()].filter((ts) => new Set(ts.map((t) => t.en)).size > 1).map((ts) => ts.map((t) => `${t.id} @ ${t.where}: ${t.en}`).join('\n'));
    assert.deepStrictEqual(clashes, []);
  });

  for (const locale of LOCALES) {
    const file = `l10n/core.${locale}.json`;
    const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;

    it(`${locale}: has every template id used in code, and nothing else`, () => {
      const missing = [...byId.keys()].filter((id) => !(id in bundle)).sort();
      const unused = Object.keys(bundle).filter((id) => !byId.has(id)).sort();
      assert.deepStrictEqual(missing, [], `${file}: ids without a translation`);
      assert.deepStrictEqual(unused, [], `${file}: ids nothing uses any more`);
    });

    it(`${locale}: keeps each template's placeholders and code spans, and is translated`, () => {
      const wrong: string[] = [];
      for (const [id, [t]] of byId) {
        const tr = bundle[id];
        if (typeof tr !== 'string') continue;
        if (placeholders(tr).join() !== placeholders(t.en).join()) wrong.push(`${id}: placeholders ${placeholders(tr)} ≠ ${placeholders(t.en)}`);
        if (codeSpans(tr).join() !== codeSpans(t.en).join()) wrong.push(`${id}: code spans differ`);
        const words = t.en.replace(/\{\^?\w+\}|`[^`]*`|"[^"]*"|\([^)]*\)/g, '').match(/[a-z]{3,}/g);
        if (words && words.length > 1 && !CJK.test(tr)) wrong.push(`${id}: not translated`);
      }
      assert.deepStrictEqual(wrong, []);
    });
  }
});

describe('core message templates', () => {
  it('fills named placeholders, capitalises {^name}, and leaves other braces alone', () => {
    assert.strictEqual(fill('{^who} sets {key}: { a: b } ${{ env.X }} "${key}"', { who: 'container "a"', key: 'K' }, undefined), 'Container "a" sets K: { a: b } ${{ env.X }} "$K"');
    assert.strictEqual(fill('{missing} stays', { other: 'x' }, undefined), '{missing} stays');
    assert.strictEqual(fill('{n} items', { n: 3 }, undefined), '3 items');
    assert.strictEqual(fill('no args {x}', undefined, undefined), 'no args {x}');
  });

  it('renders nested fragments in the locale of the message, English where the catalogue has no entry', () => {
    const inner = frag('t.inner', 'the pod');
    const m = msg('t.outer', '{^who} runs as root', { who: inner });
    assert.strictEqual(m.message, 'The pod runs as root');
    assert.strictEqual(renderText(m.l10n, { 't.outer': '{who}以 root 运行', 't.inner': 'Pod' }), 'Pod以 root 运行');
    assert.strictEqual(renderText(m.l10n, { 't.outer': '{who}以 root 运行' }), 'the pod以 root 运行');
  });

  it('renders a nested fragment\'s English once for all the messages that name it, and every locale still from the catalogue', () => {
    let reads = 0;
    const label = frag('t.container', 'container "{name}"', { name: 'app' });
    const counted = new Proxy(label, { get: (t, k) => { if (k === 'en') reads++; return t[k as keyof typeof t]; } });
    const a = msg('t.a', '{^c} runs privileged', { c: counted });
    const b = msg('t.b', 'Set readOnlyRootFilesystem in {c}', { c: counted });
    assert.strictEqual(a.message, 'Container "app" runs privileged');
    assert.strictEqual(b.message, 'Set readOnlyRootFilesystem in container "app"');
    assert.strictEqual(reads, 1);
    const zh = { 't.a': '{c}以特权模式运行', 't.container': '容器 "{name}"' };
    assert.strictEqual(renderText(a.l10n, zh), '容器 "app"以特权模式运行');
    assert.strictEqual(renderText(a.l10n, { 't.a': '{c}以特权模式运行' }), 'container "app"以特权模式运行');
  });

  it('reads locales as users and tools spell them', () => {
    for (const v of ['zh-cn', 'zh-CN', 'zh_CN.UTF-8', 'zh_CN.utf8@pinyin', 'zh', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) assert.strictEqual(normalizeLocale(v), 'zh-cn', v);
    for (const v of ['en', 'en_US.UTF-8', 'C', 'POSIX', 'fr_FR', 'zh-TW', 'zh_HK.UTF-8', '', undefined]) assert.strictEqual(normalizeLocale(v), 'en', String(v));
    assert.strictEqual(localeFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.strictEqual(localeFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
    assert.strictEqual(localeFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.strictEqual(localeFromEnv({ LC_ALL: '', LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.strictEqual(localeFromEnv({ LANG: 'C.UTF-8' }), 'en');
    assert.strictEqual(localeFromEnv({}), 'en');
  });
});

describe('findings in Chinese', () => {
  const zh = (text: string, kind: FileKind): Finding[] => analyze(text, kind).findings.map((f) => localizeFinding(f, 'zh-cn'));

  it('renders a Dockerfile finding, its related information and its fix titles in zh-cn; English stays as the rule wrote it', () => {
    const text = 'FROM node:20 AS base\nUSER root\nFROM base\nRUN apk add curl\n';
    const en = analyze(text, 'dockerfile').findings;
    const root = en.find((f) => f.ruleId === 'docker-root-user')!;
    assert.strictEqual(root.message, 'The final stage inherits a root USER from the stage it is built on: add a USER with an unprivileged user.');
    assert.ok(root.l10n);
    const zhRoot = localizeFinding(root, 'zh-cn');
    assert.match(zhRoot.message, /[\u4e00-\u9fff]/);
    assert.notStrictEqual(zhRoot.message, root.message);
    assert.strictEqual(localizeFinding(root, 'en'), root);
    const apk = zh(text, 'dockerfile').find((f) => f.ruleId === 'docker-apk-no-cache')!;
    assert.match(apk.message, /[\u4e00-\u9fff]/);
    assert.match(apk.message, /`--no-cache`/);
    assert.match(apk.fixes![0].title, /[\u4e00-\u9fff]/);
    // The localised fix keeps the edits of the original.
    const orig = en.find((f) => f.ruleId === 'docker-apk-no-cache')!;
    assert.deepStrictEqual(apk.fixes![0].edits, orig.fixes![0].edits);
  });

  it('renders every finding of the Kubernetes and Compose examples in Chinese, with fragments translated', () => {
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      securityContext:\n        runAsNonRoot: false\n      containers:\n        - name: app\n          image: nginx\n          securityContext:\n            privileged: true\n';
    const found = zh(deployment, 'kubernetes');
    assert.ok(found.length > 5);
    for (const f of found) {
      assert.match(f.message, /[\u4e00-\u9fff]/, `${f.ruleId}: ${f.message}`);
      assert.doesNotMatch(f.message, /\bcontainer "app"|\binherited from\b/, `${f.ruleId}: ${f.message}`);
      for (const r of f.related ?? []) assert.match(r.message, /[\u4e00-\u9fff]/, `${f.ruleId} related: ${r.message}`);
      for (const x of f.fixes ?? []) assert.match(x.title, /[\u4e00-\u9fff]/, `${f.ruleId} fix: ${x.title}`);
    }
    const compose = 'services:\n  db:\n    image: postgres\n    privileged: true\n    ports:\n      - "5432:5432"\n';
    for (const f of zh(compose, 'compose')) assert.match(f.message, /[\u4e00-\u9fff]/, `${f.ruleId}: ${f.message}`);
  });

  it('leaves a finding without a template as it is', () => {
    const f: Finding = { ruleId: 'x', severity: 'low', message: 'plain', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, references: [] };
    assert.strictEqual(findingMessage(f, 'zh-cn'), 'plain');
    assert.ok(catalogueOf('zh-cn'));
    assert.strictEqual(catalogueOf('en'), undefined);
  });
});

describe('LocalizedError: an error whose message may be a template', () => {
  it('keeps the English as its message and the template as l10n; a plain string has no template; subclasses keep their names and codes', () => {
    const t = frag('cli.no-path', 'no PATH given in {dir}', { dir: '/w' });
    const e = new LocalizedError(t);
    assert.strictEqual(e.message, 'no PATH given in /w');
    assert.strictEqual(e.l10n, t);
    assert.strictEqual(e.name, 'Error');
    const plain = new LocalizedError('cosign said: no');
    assert.strictEqual(plain.message, 'cosign said: no');
    assert.strictEqual(plain.l10n, undefined);
    const tool = new ToolError('TIMEOUT', t, 'stderr text');
    assert.ok(tool instanceof LocalizedError && tool instanceof Error);
    assert.deepStrictEqual([tool.name, tool.code, tool.message, tool.l10n, tool.stderr], ['ToolError', 'TIMEOUT', 'no PATH given in /w', t, 'stderr text']);
    const usage = new UsageError(t);
    assert.deepStrictEqual([usage.name, usage.message, usage.l10n], ['Error', 'no PATH given in /w', t]);
    assert.strictEqual(new SigningInputError('x').name, 'SigningInputError');
  });
});

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../src/core';
import type { RuleMeta } from '../../src/core';
import { describeReference } from '../../src/core/report/docs';
import { hasRuleText, ruleDocsUrlFor, ruleText, ruleTextIds } from '../../src/core/l10n/rules';
import { excludedByVscodeignore } from './readme-images.test';
import { englishFingerprint, generatedFiles, obsoletePages, renderChinesePage, renderEnglishPage, untranslated } from '../../scripts/gen-docs';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DATA_FILE = path.join(ROOT, 'l10n', 'rules.zh-cn.json');
const FIELDS = ['title', 'description', 'remediation'] as const;
type Field = (typeof FIELDS)[number];
interface Entry { title?: string; description?: string; remediation?: string; en?: Partial<Record<Field, string>> }

const data: Record<string, Entry> = JSON.parse(fs.readFileSync(DATA_FILE, 'utf8'));
const rules = allRules();
const CJK = /[\u4e00-\u9fff]/;

/** The `code` spans of a Markdown text, as a sorted set. */
function codeSpans(text: string): string[] {
  return [...new Set([...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]))].sort();
}

/** Our rule ids and public ids (DS-0002, KSV-0106, DL3008, CIS-4.1, CICD-SEC-4) a text names. */
function ids(text: string): string[] {
  const known = new Set(rules.map((r) => r.id));
  const ours = [...text.matchAll(/\b(?:docker|k8s|compose|gha)-[a-z0-9-]*[a-z0-9]/g)].map((m) => m[0]).filter((id) => known.has(id));
  const pub = [...text.matchAll(/\b(?:DS|KSV|KCV)-\d{4}\b|\bDL\d{4}\b|\bCIS-\d+(?:\.\d+)*\b|\bCICD-SEC-\d+\b/g)].map((m) => m[0]);
  return [...new Set([...ours, ...pub])].sort();
}

function fake(id: string): RuleMeta {
  return { id, title: 'A title', severity: 'low', appliesTo: 'dockerfile', references: [], description: 'Why it matters, in English.', remediation: 'How to fix it.' };
}

describe('Simplified Chinese rule texts (l10n/rules.zh-cn.json)', () => {
  it('has an entry with a title, description and remediation for every rule', () => {
    const missing = rules.filter((r) => !data[r.id] || FIELDS.some((f) => typeof data[r.id][f] !== 'string' || !data[r.id][f]!.trim())).map((r) => r.id);
    assert.deepStrictEqual(missing, [], 'add these rules to l10n/rules.zh-cn.json');
  });

  it('has no entry for an id that is not a rule', () => {
    const known = new Set(rules.map((r) => r.id));
    assert.deepStrictEqual(Object.keys(data).filter((id) => !known.has(id)), []);
    assert.deepStrictEqual(ruleTextIds('zh-cn').sort(), Object.keys(data).sort());
  });

  it('has only the translated fields and the English fingerprints in an entry', () => {
    const odd = Object.entries(data).flatMap(([id, e]) => Object.keys(e).filter((k) => !(FIELDS as readonly string[]).includes(k) && k !== 'en').map((k) => `${id}.${k}`));
    assert.deepStrictEqual(odd, []);
  });

  it('translates every field: none keeps the English verbatim, each is written in Chinese', () => {
    const verbatim: string[] = [];
    const notChinese: string[] = [];
    for (const r of rules) {
      const e = data[r.id];
      if (!e) continue;
      for (const f of FIELDS) {
        const zh = e[f] ?? '';
        if (zh.trim() === r[f].trim()) verbatim.push(`${r.id}.${f}`);
        if (!CJK.test(zh)) notChinese.push(`${r.id}.${f}`);
      }
    }
    assert.deepStrictEqual(verbatim, []);
    assert.deepStrictEqual(notChinese, []);
  });

  it('keeps the same `code` spans as the English, and balanced backticks', () => {
    const differ: string[] = [];
    for (const r of rules) {
      const e = data[r.id];
      if (!e) continue;
      for (const f of FIELDS) {
        const zh = e[f] ?? '';
        if ((zh.match(/`/g)?.length ?? 0) % 2 !== 0) differ.push(`${r.id}.${f}: unbalanced backticks`);
        const en = codeSpans(r[f]), cn = codeSpans(zh);
        if (JSON.stringify(en) !== JSON.stringify(cn)) differ.push(`${r.id}.${f}: English ${JSON.stringify(en)}, Chinese ${JSON.stringify(cn)}`);
      }
    }
    assert.deepStrictEqual(differ, []);
  });

  it('keeps every rule id and public id the English names', () => {
    const lost: string[] = [];
    for (const r of rules) {
      const e = data[r.id];
      if (!e) continue;
      for (const f of FIELDS) {
        const cn = new Set(ids(e[f] ?? ''));
        const missing = ids(r[f]).filter((id) => !cn.has(id));
        if (missing.length) lost.push(`${r.id}.${f}: ${missing.join(', ')}`);
      }
    }
    assert.deepStrictEqual(lost, []);
  });

  it('was translated from the current English (fingerprints in "en")', () => {
    const stale: string[] = [];
    for (const r of rules) {
      const e = data[r.id];
      if (!e) continue;
      for (const f of FIELDS) {
        const now = englishFingerprint(r[f]);
        if (e.en?.[f] !== now) stale.push(`${r.id}.${f}: the English changed (en.${f} ${e.en?.[f] ?? 'missing'}, now ${now}); update the Chinese, then set en.${f} to "${now}"`);
      }
    }
    assert.deepStrictEqual(stale, []);
    assert.deepStrictEqual(untranslated(), [], 'npm run docs lists the same');
  });
});

describe('ruleText', () => {
  const rule = rules.find((r) => r.id === 'docker-root-user')!;

  it('gives the Chinese texts for the zh-cn locale, in any case', () => {
    for (const locale of ['zh-cn', 'zh-CN']) {
      const t = ruleText(rule, locale);
      assert.strictEqual(t.title, data['docker-root-user'].title, locale);
      assert.strictEqual(t.description, data['docker-root-user'].description, locale);
      assert.strictEqual(t.remediation, data['docker-root-user'].remediation, locale);
    }
  });

  it('gives the English texts for other locales, spellings normalizeLocale has not read, and none', () => {
    for (const locale of [undefined, '', 'en', 'en-US', 'fr', 'zh-TW', 'zh_CN.UTF-8 (not normalized)']) {
      assert.deepStrictEqual(ruleText(rule, locale), { title: rule.title, description: rule.description, remediation: rule.remediation }, String(locale));
    }
  });

  it('falls back to English for a rule the data file does not have', () => {
    const r = fake('docker-not-a-rule');
    assert.deepStrictEqual(ruleText(r, 'zh-cn'), { title: r.title, description: r.description, remediation: r.remediation });
    assert.strictEqual(hasRuleText('docker-not-a-rule', 'zh-cn'), false);
    assert.strictEqual(hasRuleText('toString', 'zh-cn'), false);
    assert.strictEqual(hasRuleText('docker-root-user', 'zh-cn'), true);
    assert.strictEqual(hasRuleText('docker-not-a-rule', 'en'), true);
  });
});

describe('ruleDocsUrlFor', () => {
  it('links the Chinese page for a zh-cn client and the English page otherwise', () => {
    const base = 'https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/';
    assert.strictEqual(ruleDocsUrlFor('docker-root-user', 'zh-cn'), `${base}zh-cn/docker-root-user.md`);
    assert.strictEqual(ruleDocsUrlFor('docker-root-user', 'zh-CN'), `${base}zh-cn/docker-root-user.md`);
    assert.strictEqual(ruleDocsUrlFor('docker-root-user', 'en'), `${base}docker-root-user.md`);
    assert.strictEqual(ruleDocsUrlFor('docker-root-user'), `${base}docker-root-user.md`);
    assert.strictEqual(ruleDocsUrlFor('docker-not-a-rule', 'zh-cn'), `${base}docker-not-a-rule.md`, 'no Chinese page: the English URL');
    const files = generatedFiles();
    for (const r of rules) assert.ok(files.has(path.join(ROOT, 'docs', 'rules', 'zh-cn', `${r.id}.md`)), r.id);
  });
});

describe('Chinese rule documentation (docs/rules/zh-cn/)', () => {
  const files = generatedFiles();

  it('generates a Chinese page and the index for every rule, linked both ways', () => {
    for (const r of rules) {
      const en = files.get(path.join(ROOT, 'docs', 'rules', `${r.id}.md`));
      const zh = files.get(path.join(ROOT, 'docs', 'rules', 'zh-cn', `${r.id}.md`));
      assert.ok(en && zh, r.id);
      assert.ok(en.includes(`[简体中文](zh-cn/${r.id}.md)`), r.id);
      assert.ok(zh.includes(`[English](../${r.id}.md)`), r.id);
    }
    const index = files.get(path.join(ROOT, 'docs', 'rules', 'zh-cn', 'README.md'));
    assert.ok(index);
    for (const r of rules) assert.ok(index.includes(`[\`${r.id}\`](${r.id}.md) | ${ruleText(r, 'zh-cn').title.replace(/\|/g, '\\|')} |`), r.id);
  });

  it('gives a Chinese page the English page\'s structure, with the Chinese texts', () => {
    const r = rules.find((x) => x.id === 'k8s-allow-privilege-escalation')!;
    const en = renderEnglishPage(r);
    const zh = renderChinesePage(r);
    const headings = (page: string) => page.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.match(/^#+/)![0]);
    assert.deepStrictEqual(headings(zh), headings(en));
    assert.ok(zh.startsWith(`# k8s-allow-privilege-escalation: ${data[r.id].title}\n`), zh);
    assert.ok(zh.includes(`\n## 为什么重要\n\n${data[r.id].description}\n`));
    assert.ok(zh.includes(`\n## 如何修复\n\n${data[r.id].remediation}\n`));
    assert.ok(zh.includes('| Pod 安全性标准 | restricted |'));
    for (const ref of r.references) assert.ok(zh.includes(`- ${ref.startsWith('PSS') ? `Pod 安全性标准 ${ref.replace(/^PSS[-:]?/, '')}` : describeReference(ref)}\n`), ref);
    assert.ok(zh.includes('# shipshape-ignore k8s-allow-privilege-escalation <原因>'));
    assert.ok(zh.includes('`rules: { k8s-allow-privilege-escalation: off }`'));
    assert.ok(!zh.includes('Why it matters'));
  });

  it('ships the Chinese pages in the .vsix (.vscodeignore keeps docs/rules/zh-cn/)', () => {
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    // One page of each kind (picomatch per file is slow): an English page, a Chinese page, the Chinese index.
    const id = rules[rules.length - 1].id;
    const pages = [`docs/rules/${id}.md`, `docs/rules/zh-cn/${id}.md`, 'docs/rules/zh-cn/README.md'];
    for (const p of pages) assert.ok(files.has(path.join(ROOT, ...p.split('/'))), p);
    assert.deepStrictEqual(pages.filter((p) => excludedByVscodeignore(ignore, p)), []);
  });

  it('leaves no page of a rule that no longer exists', () => {
    assert.deepStrictEqual(obsoletePages().map((f) => path.relative(ROOT, f)), [], 'run: npm run docs');
  });
});

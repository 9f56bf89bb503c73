/**
 * Generates docs/rules/<id>.md for every rule, its Simplified Chinese page docs/rules/zh-cn/<id>.md
 * (from l10n/rules.zh-cn.json through `ruleText`), the Chinese index docs/rules/zh-cn/README.md,
 * and the rules table in README.md (between the `<!-- rules:start -->` / `<!-- rules:end -->`
 * markers) from the rule registry. Each English page links to its Chinese page and back.
 * `--check` exits 1 when any generated file is out of date, or a page of a rule that no longer
 * exists is left (a unit test runs the same check).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../src/core';
import { describeReference, renderRuleDoc } from '../src/core/report/docs';
import { ruleText } from '../src/core/l10n/rules';
import type { RuleMeta, Severity } from '../src/core';

const ROOT = path.resolve(__dirname, '..', '..');
const RULES_DIR = path.join(ROOT, 'docs', 'rules');
const ZH_DIR = path.join(RULES_DIR, 'zh-cn');
/** The Chinese index page (not a rule's page). */
const ZH_INDEX = 'README.md';

/** The Markdown rules table of the README. */
export function rulesTable(rules: RuleMeta[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${cell(r.title)} | ${r.severity} | ${r.pss ?? ''} | ${r.references.join(', ')} |`);
  return ['| Rule | Title | Severity | PSS | Public IDs |', '|---|---|---|---|---|', ...rows].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * A short fingerprint of an English text. l10n/rules.zh-cn.json keeps, for each field, the
 * fingerprint of the English it was translated from (`en`), so a test can tell when the English
 * changed and the Chinese did not follow.
 */
export function englishFingerprint(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

/** The English page with the link to its Chinese page under the title. */
export function renderEnglishPage(rule: RuleMeta): string {
  const page = renderRuleDoc(rule);
  const eol = page.indexOf('\n');
  return `${page.slice(0, eol)}\n\nEnglish · [简体中文](zh-cn/${rule.id}.md)${page.slice(eol)}`;
}

const ZH_FILE_KINDS: Record<string, string> = { dockerfile: 'Dockerfile', kubernetes: 'Kubernetes 清单', compose: 'Docker Compose 文件', 'github-workflow': 'GitHub Actions 工作流' };
const ZH_SEVERITIES: Record<Severity, string> = { critical: '严重', high: '高', medium: '中', low: '低', info: '信息' };

function zhSeverity(severity: Severity): string {
  return `${ZH_SEVERITIES[severity] ?? severity}（${severity}）`;
}

function zhReference(ref: string): string {
  return /^PSS/.test(ref) ? `Pod 安全性标准 ${ref.replace(/^PSS[-:]?/, '')}` : describeReference(ref);
}

/** The Simplified Chinese page of a rule: the English page's structure, texts from l10n/rules.zh-cn.json. */
export function renderChinesePage(rule: RuleMeta): string {
  const text = ruleText(rule, 'zh-cn');
  const refs = rule.references.map((r) => `- ${zhReference(r)}`).join('\n');
  return [
    `# ${rule.id}: ${text.title}`,
    '',
    `[English](../${rule.id}.md) · 简体中文`,
    '',
    '| | |',
    '|---|---|',
    `| 文件类型 | ${ZH_FILE_KINDS[rule.appliesTo] ?? rule.appliesTo} |`,
    `| 默认严重性 | ${zhSeverity(rule.severity)} |`,
    ...(rule.pss ? [`| Pod 安全性标准 | ${rule.pss} |`] : []),
    `| 默认启用 | ${rule.defaultEnabled === false ? '否' : '是'} |`,
    '',
    '## 为什么重要',
    '',
    text.description,
    '',
    '## 如何修复',
    '',
    text.remediation,
    '',
    '## 公共 ID',
    '',
    refs || '- 无',
    '',
    '## 如何抑制',
    '',
    '写在问题所在行的上一行（在 YAML 中也可以写在该行末尾）：',
    '',
    '```',
    `# shipshape-ignore ${rule.id} <原因>`,
    '```',
    '',
    '对整个文件：',
    '',
    '```',
    `# shipshape-ignore-file ${rule.id} <原因>`,
    '```',
    '',
    `或者在 \`.shipshape.yaml\` 中：\`rules: { ${rule.id}: off }\`。`,
    '',
  ].join('\n');
}

/** docs/rules/zh-cn/README.md: every rule with its Chinese title, as the README's table lists them. */
export function renderChineseIndex(rules: RuleMeta[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${cell(ruleText(r, 'zh-cn').title)} | ${zhSeverity(r.severity)} | ${r.pss ?? ''} | ${r.references.join(', ')} |`);
  return [
    '# Shipshape 规则（简体中文）',
    '',
    '[English](../../../README.md#rules) · 简体中文',
    '',
    '本页由规则注册表生成（`npm run docs`），每条规则链接到其中文文档页。各严重性级别的含义及其在编辑器中的显示方式见 [docs/SEVERITY.md](../../SEVERITY.md)（英文）。',
    '',
    '在 `.shipshape.yaml`、`shipshape.rules` 设置和抑制注释中，请使用规则 ID 和英文的严重性名称（如 `high`）。',
    '',
    '| 规则 | 标题 | 严重性 | PSS | 公共 ID |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Every generated file with its expected content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const rules = allRules();
  for (const rule of rules) {
    files.set(path.join(RULES_DIR, `${rule.id}.md`), renderEnglishPage(rule));
    files.set(path.join(ZH_DIR, `${rule.id}.md`), renderChinesePage(rule));
  }
  files.set(path.join(ZH_DIR, ZH_INDEX), renderChineseIndex(rules));
  const readmePath = path.join(ROOT, 'README.md');
  if (fs.existsSync(readmePath)) {
    const readme = fs.readFileSync(readmePath, 'utf8');
    const start = '<!-- rules:start -->';
    const end = '<!-- rules:end -->';
    const i = readme.indexOf(start), j = readme.indexOf(end);
    if (i >= 0 && j > i) files.set(readmePath, `${readme.slice(0, i + start.length)}\n${rulesTable(rules)}\n${readme.slice(j)}`);
  }
  return files;
}

/** Pages under docs/rules/ and docs/rules/zh-cn/ of rules that no longer exist. */
export function obsoletePages(): string[] {
  const expected = generatedFiles();
  return [RULES_DIR, ZH_DIR].flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(dir, f))
    .filter((f) => !expected.has(f)));
}

/**
 * Rules whose Chinese is missing or was translated from other English than the rule has now
 * (`npm run docs` names them; test/unit/rules-zh-cn.test.ts fails on them).
 */
export function untranslated(): string[] {
  const file = path.join(ROOT, 'l10n', 'rules.zh-cn.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { en?: Record<string, string> } | undefined>;
  const out: string[] = [];
  for (const rule of allRules()) {
    const entry = data[rule.id];
    if (!entry) { out.push(`${rule.id}: no entry`); continue; }
    for (const f of ['title', 'description', 'remediation'] as const) {
      if (entry.en?.[f] !== englishFingerprint(rule[f])) out.push(`${rule.id}.${f}: the English changed (now en.${f} "${englishFingerprint(rule[f])}")`);
    }
  }
  return out;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of generatedFiles()) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    stale++;
    if (check) console.error(`out of date: ${path.relative(ROOT, file)}`);
    else { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); }
  }
  const obsolete = obsoletePages();
  if (!check) {
    for (const f of obsolete) fs.unlinkSync(f);
    console.log(`${stale} file(s) updated${obsolete.length ? `, ${obsolete.length} page(s) of removed rules deleted` : ''}`);
    const todo = untranslated();
    if (todo.length) console.warn(`l10n/rules.zh-cn.json needs a translation (the Chinese pages show English until then):\n  ${todo.join('\n  ')}`);
  } else {
    for (const f of obsolete) console.error(`page of a removed rule: ${path.relative(ROOT, f)}`);
    if (stale || obsolete.length) {
      console.error('run: npm run docs');
      process.exit(1);
    }
  }
}

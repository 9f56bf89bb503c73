/**
 * Generates docs/rules/<id>.md for every rule and the rules table in README.md (between the
 * `<!-- rules:start -->` / `<!-- rules:end -->` markers) from the rule registry.
 * `--check` exits 1 when any generated file is out of date (a unit test runs the same check).
 */
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../src/core';
import { renderRuleDoc } from '../src/core/report/docs';
import type { RuleMeta } from '../src/core';

const ROOT = path.resolve(__dirname, '..', '..');

/** The Markdown rules table of the README. */
export function rulesTable(rules: RuleMeta[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.title.replace(/\|/g, '\\|')} | ${r.severity} | ${r.pss ?? ''} | ${r.references.join(', ')} |`);
  return ['| Rule | Title | Severity | PSS | Public IDs |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Every generated file with its expected content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const rules = allRules();
  for (const rule of rules) files.set(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), renderRuleDoc(rule));
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
  if (!check) {
    // Pages of rules that no longer exist.
    const dir = path.join(ROOT, 'docs', 'rules');
    const known = new Set(allRules().map((r) => `${r.id}.md`));
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.endsWith('.md') && !known.has(f)) fs.unlinkSync(path.join(dir, f));
    console.log(`${stale} file(s) updated`);
  } else if (stale) {
    console.error('run: npm run docs');
    process.exit(1);
  }
}

/**
 * Translations of the extension's own strings: every message code passes to `vscode.l10n.t`
 * and every `%key%` package.json uses has an entry in each bundle, no bundle keeps keys nothing
 * uses, and a translation keeps what the code and VS Code fill in or link to (`{0}`
 * placeholders, `$(icon)`s, command links, `#setting#` references, code spans).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { extractMessages } from '../../scripts/l10n';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCALES = ['zh-cn'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const readJson = (rel: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));

/** Every `%key%` string anywhere in package.json. */
function nlsReferences(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = /^%([^%\s]+)%$/.exec(value);
    if (m) into.add(m[1]);
  } else if (Array.isArray(value)) value.forEach((v) => nlsReferences(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => nlsReferences(v, into));
  return into;
}

/** What a translation must keep verbatim, in any order. */
function invariants(text: string): string[] {
  const found = [
    ...text.match(/\{\d+\}/g) ?? [],
    ...text.match(/\$\([a-z-]+\)/g) ?? [],
    ...(text.match(/\]\(([^)]+)\)/g) ?? []).map((l) => l.slice(1)),
    ...text.match(/#[a-z]+(\.[a-zA-Z]+)+#/g) ?? [],
    ...text.match(/`[^`]+`/g) ?? [],
  ];
  return found.sort();
}

/** Strings that read the same in every language: product names (strings without words need no check). */
const SAME_EVERYWHERE = new Set(['Shipshape', 'CVSS', 'Kyverno ClusterPolicy', 'Sigstore policy-controller ClusterImagePolicy']);
const CJK = /[\u4e00-\u9fff]/;

function checkTranslations(english: Record<string, unknown>, translated: Record<string, unknown>, label: string): void {
  const missing = Object.keys(english).filter((k) => !(k in translated));
  const extra = Object.keys(translated).filter((k) => !(k in english));
  assert.deepStrictEqual(missing, [], `${label}: keys without a translation`);
  assert.deepStrictEqual(extra, [], `${label}: keys nothing uses any more`);
  for (const [key, en] of Object.entries(english)) {
    const value = translated[key];
    assert.strictEqual(typeof value, 'string', `${label}: ${key}`);
    assert.deepStrictEqual(invariants(value as string), invariants(en as string), `${label}: "${key}" keeps its placeholders, icons, links and code`);
    const words = (en as string).replace(/\{\d+\}|\$\([a-z-]+\)|\([^)]*\)|`[^`]*`/g, '').match(/[A-Za-z]{2,}/g);
    if (words && !SAME_EVERYWHERE.has(en as string)) assert.match(value as string, CJK, `${label}: "${key}" is translated`);
  }
}

describe('localisation', () => {
  const { messages, problems } = extractMessages(sourceFiles(path.join(ROOT, 'src')));

  it('reads every vscode.l10n.t message as a literal', () => {
    assert.deepStrictEqual(problems, []);
    assert.ok(messages.length > 50, `${messages.length} messages`);
  });

  it('has the English bundle keyed by exactly the messages in code', () => {
    assert.deepStrictEqual(Object.keys(readJson('l10n/bundle.l10n.json')).sort(), [...messages].sort());
  });

  it('uses exactly the package.nls.json keys that package.json references', () => {
    const refs = [...nlsReferences(readJson('package.json'))].sort();
    assert.deepStrictEqual(Object.keys(readJson('package.nls.json')).sort(), refs);
  });

  for (const locale of LOCALES) {
    it(`${locale}: translates every message used in code, and nothing else`, () => {
      const english = Object.fromEntries(messages.map((m) => [m, m]));
      checkTranslations(english, readJson(`l10n/bundle.l10n.${locale}.json`), `l10n/bundle.l10n.${locale}.json`);
    });

    it(`${locale}: translates every package.nls.json key, and nothing else`, () => {
      checkTranslations(readJson('package.nls.json'), readJson(`package.nls.${locale}.json`), `package.nls.${locale}.json`);
    });

    it(`${locale}: has every walkthrough page, with the same code samples`, () => {
      const pkg = readJson('package.json') as { contributes: { walkthroughs: Array<{ steps: Array<{ media: { markdown?: string } }> }> } };
      for (const step of pkg.contributes.walkthroughs.flatMap((w) => w.steps)) {
        const page = step.media.markdown;
        if (!page) continue;
        const localized = page.replace(/\.md$/, `.nls.${locale}.md`);
        assert.ok(fs.existsSync(path.join(ROOT, localized)), localized);
        const blocks = (text: string) => (text.match(/```[\s\S]*?```/g) ?? []).map((b) => b.split('\n')[0]);
        const en = fs.readFileSync(path.join(ROOT, page), 'utf8');
        const tr = fs.readFileSync(path.join(ROOT, localized), 'utf8');
        assert.deepStrictEqual(blocks(tr), blocks(en), `${localized}: the same code blocks`);
        assert.match(tr, CJK, localized);
      }
    });
  }
});

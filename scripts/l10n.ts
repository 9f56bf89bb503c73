/**
 * Extracts every `vscode.l10n.t('literal', …)` message from src/ with the TypeScript parser and
 * writes l10n/bundle.l10n.json (the English bundle translators start from).
 * `node out/scripts/l10n.js --check` exits 1 when the bundle is out of date.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Messages passed as literals to `l10n.t(...)` in the given files. Non-literal first arguments are reported. */
export function extractMessages(files: string[]): { messages: string[]; problems: string[] } {
  const messages = new Set<string>();
  const problems: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes('l10n.t(')) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't'
        && node.expression.expression.getText(sf).endsWith('l10n')) {
        const arg = node.arguments[0];
        if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) messages.add(arg.text);
        else {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          problems.push(`${path.relative(ROOT, file)}:${line + 1}: l10n.t needs a string literal`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages: [...messages].sort(), problems };
}

export function bundleText(messages: string[]): string {
  const bundle: Record<string, string> = {};
  for (const m of messages) bundle[m] = m;
  return JSON.stringify(bundle, null, 2) + '\n';
}

if (require.main === module) {
  const { messages, problems } = extractMessages(sourceFiles(path.join(ROOT, 'src')));
  problems.forEach((p) => console.error(p));
  const target = path.join(ROOT, 'l10n', 'bundle.l10n.json');
  const text = bundleText(messages);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== text) { console.error('l10n/bundle.l10n.json is out of date: run npm run l10n'); process.exit(1); }
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`${messages.length} messages written to l10n/bundle.l10n.json`);
  }
  if (problems.length) process.exit(1);
}

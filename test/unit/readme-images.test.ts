// The README is the extension's Marketplace page and its details page in VS Code: every image it
// shows must exist and be packaged in the .vsix (a pattern of .vscodeignore that drops one leaves
// a broken image, as media/screenshot.png once was).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The image sources of a Markdown text: `![alt](src "title")`, `![alt](<src>)` and `<img src="…">`. */
export function readmeImages(markdown: string): string[] {
  // Code blocks show Markdown, they do not render it.
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/!\[[^\]]*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1].replace(/^<|>$/g, ''));
  for (const m of text.matchAll(/<img\b[^>]*\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) out.push(m[1] ?? m[2]);
  return out;
}

/**
 * Whether `vsce package` leaves `file` (relative to the extension root, `/`-separated) out, by
 * its reading of .vscodeignore: every non-comment line is a minimatch pattern with `dot`, a
 * pattern without a wildcard in its last segment also excludes what is under it (`dir` →
 * `dir/**`), and a `!pattern` line brings a file back.
 */
export function excludedByVscodeignore(ignoreText: string, file: string): boolean {
  const lines = ignoreText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const expanded = [...lines, ...lines.filter((l) => !/(^|\/)[^/]*\*[^/]*$/.test(l)).map((l) => (l.endsWith('/') ? `${l}**` : `${l}/**`))];
  const ignores = expanded.filter((l) => !l.startsWith('!'));
  const negations = expanded.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const matches = (patterns: string[]) => patterns.some((p) => picomatch(p, { dot: true })(file));
  return matches(ignores) && !matches(negations);
}

describe('README images in the .vsix', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');

  it('reads image links of every form and skips code blocks', () => {
    const md = '![a](media/a.png)\n![b](<media/b c.png> "t")\n<img alt="x" src="media/c.png">\n```md\n![d](media/d.png)\n```\n[link](media/e.png)\n';
    assert.deepStrictEqual(readmeImages(md), ['media/a.png', 'media/b c.png', 'media/c.png']);
  });

  it('reads .vscodeignore as vsce does', () => {
    const text = '# comment\nsrc/**\nmedia/screenshot.png\ndocs/*.md\ntest\n!test/keep.png\n';
    assert.strictEqual(excludedByVscodeignore(text, 'media/screenshot.png'), true);
    assert.strictEqual(excludedByVscodeignore(text, 'media/screenshots/hover.en.png'), false);
    assert.strictEqual(excludedByVscodeignore(text, 'docs/ARCHITECTURE.md'), true);
    assert.strictEqual(excludedByVscodeignore(text, 'docs/rules/x.md'), false);
    assert.strictEqual(excludedByVscodeignore(text, 'test/a/b.png'), true, 'a folder name excludes what is under it');
    assert.strictEqual(excludedByVscodeignore(text, 'test/keep.png'), false, 'a negation brings a file back');
    assert.strictEqual(excludedByVscodeignore('**/*.png\n', 'media/.hidden/x.png'), true, 'dot files match');
  });

  it('shows images, each a file of the repository that the package includes', () => {
    const images = readmeImages(readme);
    assert.ok(images.length >= 3, `the README shows screenshots (found ${images.length})`);
    const problems: string[] = [];
    for (const src of images) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(src)) {
        if (!src.startsWith('https://')) problems.push(`${src}: the Marketplace shows only https images`);
        continue;
      }
      const rel = path.posix.normalize(decodeURI(src.split(/[?#]/)[0]).replace(/^\.\//, ''));
      if (rel.startsWith('..') || path.isAbsolute(rel)) problems.push(`${src}: outside the extension`);
      else if (!fs.existsSync(path.join(ROOT, rel))) problems.push(`${src}: no such file`);
      else if (excludedByVscodeignore(ignore, rel)) problems.push(`${src}: excluded by .vscodeignore`);
      if (/\.svg$/i.test(rel)) problems.push(`${src}: vsce refuses SVG images in the README`);
    }
    assert.deepStrictEqual(problems, []);
  });

  it('keeps the two quick-start commands, and the test command is the one CI runs', () => {
    assert.match(readme, /^npm ci && npm run demo\b/m);
    assert.match(readme, /^npm test\b/m);
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm test\b/m, '.ci/run runs the README\'s test command');
  });
});

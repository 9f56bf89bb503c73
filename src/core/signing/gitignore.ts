/**
 * Whether git would ignore a file, read from `.gitignore` texts, for the "your new private key is
 * not ignored" warning when `git check-ignore` cannot answer (git missing, folder not a
 * repository). It covers what people write for key files: globs, `**`, anchoring, directory-only
 * patterns and negation; not `.git/info/exclude` or `core.excludesFile`. Free of `vscode`.
 */
import picomatch from 'picomatch';

/** One `.gitignore`: the folder it sits in, relative to the workspace folder (`''` for the root), and its text. */
export interface GitignoreFile {
  directory: string;
  text: string;
}

interface IgnorePattern {
  negated: boolean;
  directoryOnly: boolean;
  /** Matches against the path relative to the .gitignore's folder. */
  anchored: boolean;
  matcher: (path: string) => boolean;
}

/** Reads the patterns of one `.gitignore` text. */
export function parseGitignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let directoryOnly = false;
    if (line.endsWith('/')) {
      directoryOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    // A slash anywhere but the end ties the pattern to the .gitignore's folder.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    let matcher: (path: string) => boolean;
    try {
      matcher = picomatch(line, { dot: true });
    } catch {
      continue;
    }
    patterns.push({ negated, directoryOnly, anchored, matcher });
  }
  return patterns;
}

function isInside(directory: string, path: string): boolean {
  return directory === '' || path === directory || path.startsWith(`${directory}/`);
}

function relativeTo(directory: string, path: string): string {
  return directory === '' ? path : path.slice(directory.length + 1);
}

/**
 * Whether a file (a `/`-separated path relative to the workspace folder) is ignored by the given
 * `.gitignore` files. Like git, a deeper file overrides a shallower one, the last matching line
 * wins, and nothing below an ignored directory can be re-included.
 */
export function isIgnoredByGitignore(files: readonly GitignoreFile[], relativePath: string): boolean {
  const path = relativePath.replace(/\\/g, '/').replace(/^\/+/, '');
  const parsed = [...files]
    .map((f) => ({ directory: f.directory.replace(/\\/g, '/').replace(/^\/+|\/+$/g, ''), patterns: parseGitignore(f.text) }))
    .sort((a, b) => (a.directory === '' ? 0 : a.directory.split('/').length) - (b.directory === '' ? 0 : b.directory.split('/').length));
  const segments = path.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    const isDirectory = i < segments.length;
    let ignored = false;
    for (const file of parsed) {
      if (!isInside(file.directory, prefix) || prefix === file.directory) continue;
      const relative = relativeTo(file.directory, prefix);
      const basename = segments[i - 1];
      for (const p of file.patterns) {
        if (p.directoryOnly && !isDirectory) continue;
        if (p.anchored ? p.matcher(relative) : p.matcher(basename)) ignored = !p.negated;
      }
    }
    if (ignored) return true;
    if (!isDirectory) return false;
  }
  return false;
}

/** A `.gitignore` line that ignores exactly this file (anchored to the folder, glob characters escaped). */
export function gitignoreEntryFor(relativePath: string): string {
  const path = relativePath.replace(/\\/g, '/').replace(/^\/+/, '');
  return `/${path.replace(/[[\]*?\\]/g, (c) => `\\${c}`)}`;
}

/** The `.gitignore` text with the entry appended under a comment, in the file's own line ending. */
export function appendGitignoreEntry(text: string, entry: string, comment = 'cosign private key (added by Shipshape)'): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (text.split(/\r?\n/).some((l) => l.trim() === entry)) return text;
  const block = `# ${comment}${eol}${entry}${eol}`;
  if (text === '') return block;
  const terminated = text.endsWith('\n') ? text : text + eol;
  // A blank line keeps the added entry apart from whatever group the file ended with.
  return terminated.endsWith(eol + eol) ? terminated + block : terminated + eol + block;
}

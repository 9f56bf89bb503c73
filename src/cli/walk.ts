import { promises as fs } from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { detectFileKind, FileKind } from '../core';
import { frag } from '../core/l10n/text';
import { Locale, say } from './l10n';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface FileToCheck { path: string; kind: FileKind }

/**
 * Expands CLI paths into files to analyse: files are taken as given (when their kind is
 * known), directories are walked for Dockerfile name patterns and YAML, skipping VCS folders,
 * node_modules and the `exclude` globs (matched against the path relative to `cwd`).
 */
export async function collectFiles(inputs: string[], cwd: string, exclude: string[], locale: Locale = 'en'): Promise<{ files: FileToCheck[]; errors: string[] }> {
  const isExcluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const files: FileToCheck[] = [];
  const errors: string[] = [];
  const rel = (p: string) => path.relative(cwd, path.resolve(cwd, p)).split(path.sep).join('/');

  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(path.resolve(cwd, dir), { withFileTypes: true });
    } catch (e) {
      errors.push(say(locale, frag('files.problem', '{file}: {reason}', { file: dir, reason: String((e as NodeJS.ErrnoException).code ?? (e as Error).message) })));
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (isExcluded(rel(p))) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(p);
      } else if (entry.isFile()) {
        // The whole path: `.github/workflows/*.yml` are workflows, other YAML is read by content.
        const kind = detectFileKind(p);
        if (kind) files.push({ path: p, kind });
      }
    }
  }

  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(path.resolve(cwd, input));
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? frag('cli.walk.not-found', 'no such file or directory') : (e as Error).message;
      errors.push(say(locale, frag('files.problem', '{file}: {reason}', { file: input, reason })));
      continue;
    }
    if (stat.isDirectory()) await walk(input);
    else {
      const kind = detectFileKind(input);
      if (kind) files.push({ path: input, kind });
      else errors.push(say(locale, frag('cli.walk.not-checked', '{file}: not a Dockerfile or YAML file (expected Dockerfile, Containerfile, *.Dockerfile, *.Containerfile, Dockerfile.*, Dockerfile-*, Containerfile.*, Containerfile-*, *.yaml, *.yml)', { file: input })));
    }
  }
  return { files, errors };
}

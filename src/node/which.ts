/** Finding a tool: a configured path as is, else a PATH search (no shell, no `which`). */
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { english, frag, Text } from '../core/l10n/text';

/** A configured tool path that cannot be used. */
export class ExecutablePathError extends Error {
  /** The message as a template, for the user's locale. */
  readonly l10n: Text;
  constructor(readonly configuredPath: string, reason: string | Text) {
    const l10n = frag('which.configured-path', 'The configured path {path} {reason}', { path: configuredPath, reason });
    super(english(l10n));
    this.name = 'ExecutablePathError';
    this.l10n = l10n;
  }
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Candidate file names for `name` on this platform (PATHEXT on Windows). */
function candidates(dir: string, name: string, env: NodeJS.ProcessEnv): string[] {
  const base = path.join(dir, name);
  if (process.platform !== 'win32' || path.extname(name)) return [base];
  const exts = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  return [base, ...exts.map((e) => base + e.toLowerCase()), ...exts.map((e) => base + e)];
}

/**
 * Absolute path of the executable `name`. A configured path is used as is and must be an
 * executable file (else ExecutablePathError); otherwise PATH (from `env`, default
 * `process.env`) is searched. Resolves undefined when it is not on PATH.
 */
export async function findExecutable(name: string, configuredPath?: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (configuredPath !== undefined && configuredPath.trim() !== '') {
    const p = configuredPath.trim();
    if (!path.isAbsolute(p)) throw new ExecutablePathError(p, frag('which.not-absolute', 'must be an absolute path'));
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      throw new ExecutablePathError(p, frag('which.missing', 'does not exist'));
    }
    if (!st.isFile()) throw new ExecutablePathError(p, frag('which.not-file', 'is not a file'));
    if (!(await isExecutableFile(p))) throw new ExecutablePathError(p, frag('which.not-executable', 'is not executable (chmod +x?)'));
    return p;
  }
  // A name with a separator is a path, not something to look up.
  if (name.includes('/') || name.includes('\\')) return (await isExecutableFile(name)) ? path.resolve(name) : undefined;
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(path.delimiter)) {
    // An empty PATH entry means the current directory; never pick up a tool from the workspace that way.
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const file of candidates(dir, name, env)) {
      if (await isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

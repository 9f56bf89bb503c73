/**
 * Asking git about a workspace folder without letting the repository run anything: a cloned
 * repository's `.git/config` can name a `core.fsmonitor` hook, which git runs for commands that
 * look at the work tree (`git check-ignore` among them). It is turned off on the command line,
 * and git gets only the git allow-list of our environment (no GIT_DIR, GIT_CONFIG_*).
 */
import { runTool } from './process';
import { findExecutable } from './which';

/** The argv of `git check-ignore` for one path, with the repository's fsmonitor hook off. */
export function checkIgnoreArgs(relativePath: string): string[] {
  return ['-c', 'core.fsmonitor=', 'check-ignore', '--quiet', '--', relativePath];
}

/**
 * Whether git ignores a path of a folder: true / false when git answered, undefined when it
 * could not (git missing, not a repository, an error).
 */
export async function gitIgnores(folder: string, relativePath: string, options: { git?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<boolean | undefined> {
  const git = options.git ?? (await findExecutable('git', undefined, options.env ?? process.env).catch(() => undefined));
  if (!git) return undefined;
  try {
    const result = await runTool(git, {
      args: checkIgnoreArgs(relativePath),
      cwd: folder,
      timeoutMs: options.timeoutMs ?? 10_000,
      baseEnv: options.env,
      envProfile: 'git',
    });
    if (result.exitCode === 0) return true;
    if (result.exitCode === 1) return false;
    // 128: not a repository (or git refused).
    return undefined;
  } catch {
    return undefined;
  }
}

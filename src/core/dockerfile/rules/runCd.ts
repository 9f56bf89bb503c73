import { Rule } from '../../model';
import { Invocation } from '../commands';
import { DockerfileModel, wordRange } from '../model';
import { IN_BRANCH, IN_LOOP, IN_SUBSHELL, ShellWord, basename, programWords } from '../shell';
import { msg } from '../../l10n/text';

/** DS-0013 / DL3003: `cd` in RUN instead of WORKDIR. */
export const runCd: Rule<DockerfileModel> = {
  id: 'docker-run-cd',
  title: 'cd used in RUN instead of WORKDIR',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0013', 'DL3003'],
  description:
    'A `cd` inside RUN only lasts for that step, so later steps silently run somewhere else; WORKDIR makes the directory explicit for every following instruction and creates it if needed. Not reported where WORKDIR cannot take its place: in a subshell or a `sh -c` script, into a directory that changes with each pass of a loop (or on some passes only), for a temporary directory (under /tmp, made by `mktemp`, or removed by the same RUN), or for `cd /`, `cd -` and `cd ..`.',
  remediation: 'Use `WORKDIR /path` before the RUN instead of `cd /path &&`.',
  check(model, report) {
    for (const run of model.runs) {
      // A heredoc script is a real script where changing directory is ordinary.
      if (run.form === 'heredoc' || !run.script.text.includes('cd')) continue;
      let removed: Removal[] | undefined;
      let cwd = '';
      const invs = run.invocations;
      for (let k = 0; k < invs.length; k++) {
        const inv = invs[k];
        if (inv.program !== 'cd') continue;
        const target = cdTarget(inv.words);
        const before = cwd;
        if (!inv.command.parent && !(inv.command.context & IN_SUBSHELL)) cwd = target === undefined ? '' : resolvePath(cwd, target);
        if (inv.command.parent || inv.command.context & IN_SUBSHELL) continue;
        if (target === undefined || target === '-' || target === '~' || /^\/+$/.test(target) || /^\.\.(\/\.\.)*\/?$/.test(target)) continue;
        // A different directory on each pass of a loop, or only on some passes: no WORKDIR can say that.
        if (target.includes('mktemp') || (inv.command.context & IN_LOOP && (target.includes('$') || inv.command.context & IN_BRANCH))) continue;
        const dir = resolvePath(before, target);
        // A temporary directory: WORKDIR there would be odd.
        if (/^(\/tmp|\/var\/tmp|\$\{?TMPDIR\}?)(\/|$)/.test(dir)) continue;
        removed ??= run.script.text.includes('rm') ? removedPaths(invs) : NO_REMOVALS;
        if (removedLater(removed, k, dir)) continue;
        report({ range: wordRange(model, inv.words[0]), ...msg('docker.runCd.use-workdir-instead-of', 'Use WORKDIR instead of `cd` in RUN to change directories.') });
      }
    }
  },
};

/** The directory `cd` goes to (its first operand); undefined for a bare `cd` (home). */
function cdTarget(words: readonly ShellWord[]): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const t = words[i].text;
    if (t === '--') return words[i + 1]?.text;
    if (t === '-' || !/^-[LPe@]+$/.test(t)) return t;
  }
  return undefined;
}

/**
 * `cwd` joined with `path`, `.` and `..` folded. Paths stay textual: `"$tempDir"/src` and a later
 * `rm -rf "$tempDir"` compare as written (the splitter has already removed the quotes).
 */
function resolvePath(cwd: string, path: string): string {
  // A variable (`$tempDir`) or `~` holds a path of its own, usually absolute.
  const joined = path.startsWith('/') || path.startsWith('$') || path.startsWith('~') || !cwd ? path : `${cwd}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (joined.startsWith('/') ? '/' : '') + parts.join('/');
}

const NO_REMOVALS: Removal[] = [];

/** A path `rm -r` removes, and the index of its invocation in the RUN. */
interface Removal {
  path: string;
  at: number;
}

/** Whether `dir` (or a directory above it) is removed after the invocation `k`. A trailing `/*` counts for the directory itself. */
function removedLater(removed: readonly Removal[], k: number, dir: string): boolean {
  for (const r of removed) {
    if (r.at <= k) continue;
    const base = r.path.endsWith('/') ? r.path.slice(0, -1) : r.path;
    if (dir === base || dir.startsWith(base + '/')) return true;
  }
  return false;
}

/**
 * What `rm -r` removes in the RUN, resolved against the directory the RUN is in at that point
 * (as far as its `cd`s tell). A trailing `/*` removes the directory's contents.
 */
function removedPaths(invs: readonly Invocation[]): Removal[] {
  const out: Removal[] = [];
  let cwd = '';
  for (let k = 0; k < invs.length; k++) {
    const inv = invs[k];
    if (inv.program === 'cd') {
      if (!inv.command.parent && !(inv.command.context & IN_SUBSHELL)) {
        const target = cdTarget(inv.words);
        cwd = target === undefined ? '' : resolvePath(cwd, target);
      }
      continue;
    }
    if (inv.program !== 'rm') continue;
    const words = programWords(inv.command);
    if (!words.some((w) => /^-[a-zA-Z]*[rR]/.test(w.text) || w.text === '--recursive')) continue;
    for (let i = 1; i < words.length; i++) {
      const t = words[i].text;
      if (t.startsWith('-')) continue;
      const resolved = resolvePath(cwd, t.replace(/\/\*$/, ''));
      if (resolved && resolved !== '/' && basename(resolved) !== '*') out.push({ path: resolved, at: k });
    }
  }
  return out;
}

import { Rule } from '../../model';
import { DockerfileModel, RunCommand } from '../model';
import { insertLinesBefore } from '../edits';
import { IN_SUBSHELL, ShellCommand, basename, programWords } from '../shell';
import { fixTitle, msg } from '../../l10n/text';

const NON_POSIX = /^(pwsh|powershell|cmd)(\.exe)?$/i;

/** DL4006: a pipe in RUN without `-o pipefail`. */
export const pipefail: Rule<DockerfileModel> = {
  id: 'docker-pipefail',
  title: 'Pipe in RUN without pipefail',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DL4006'],
  description:
    'A shell pipeline succeeds when its last command succeeds: `curl … | tar x` builds a broken image when the download fails. `-o pipefail` makes any failing command fail the step. Pipelines that cannot hide a failure are not reported: literals printed or package lists queried into a command (`echo \"$SHA  f\" | sha256sum -c -`, `apt-mark showmanual | xargs apt-mark auto`), or anything piped into a check that fails on missing input (`sha256sum -c`, `gpg --verify`, a matching `grep`).',
  remediation: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `/bin/sh` on Alpine) before the RUN, or start the RUN with `set -o pipefail &&`.',
  check(model, report) {
    for (const run of model.runs) {
      // Exec form runs no shell unless its argv is one (`["sh", "-c", "a | b"]`, run.execShell);
      // Windows images default to cmd, which has no pipefail.
      if (run.form === 'exec' ? !run.execShell : run.stage.family === 'windows' && !run.shellCommand) continue;
      if (!run.shell.operators.some((o) => o.op === '|' || o.op === '|&')) continue;
      // An exec-form shell is the argv's own (`bash -o pipefail -c …`): SHELL does not apply to it.
      const shellSetsIt = run.execShell ? optionsSetPipefail(run.execShell) : shellHasPipefail(run);
      const cmds = run.shell.commands;
      for (let k = 1; k < cmds.length; k++) {
        const last = cmds[k];
        if (!isPipe(last.after) || last.parent !== cmds[k - 1].parent) continue;
        // Judge each pipeline once, by its last command.
        if (k + 1 < cmds.length && isPipe(cmds[k + 1].after) && cmds[k + 1].parent === last.parent) continue;
        let first = k - 1;
        while (first > 0 && isPipe(cmds[first].after) && cmds[first - 1].parent === last.parent) first--;
        if ((!last.parent && shellSetsIt) || setEarlier(cmds, first, last.parent)) continue;
        const hiding = commandThatCanHide(cmds, first, k);
        if (hiding < 0) continue;
        // The pipe right after the first command whose failure the pipeline would hide.
        const pipe = pipeBefore(run, cmds[hiding], cmds[hiding + 1]);
        if (!pipe) continue;
        const shellPath = run.stage.family === 'alpine' ? '/bin/sh' : run.stage.family === 'debian' || run.stage.family === 'rhel' ? '/bin/bash' : undefined;
        const line = `SHELL ["${shellPath}", "-o", "pipefail", "-c"]`;
        // A SHELL line does not reach a script run with `sh -c '…'`: that one needs its own `set -o pipefail`.
        report({
          range: model.lines.rangeOf(pipe.start, pipe.end),
          // An ONBUILD RUN runs under the child build's SHELL: a SHELL line here does not reach it.
          // Nor one run by an exec-form argv (and its script is a JSON string: no edit of it is offered).
          fixes: shellPath && !last.parent && !run.onbuild && !run.execShell
            ? [{ kind: 'quickfix', safe: false, preferred: true, edits: [insertLinesBefore(model, run.instruction, [line])], ...fixTitle('docker.pipefail.insert', 'Insert {line}', { line }) }]
            : [],
          ...(last.parent || run.execShell ? msg('docker.pipefail.start-this-sh-c', 'Start this `sh -c` script with `set -o pipefail`, otherwise a failing command before `|` does not fail the build.') : msg('docker.pipefail.set-o-pipefail-before', 'Set `-o pipefail` before this pipe, otherwise a failing command before `|` does not fail the build.')),
        });
        break;
      }
    }
  },
};

function isPipe(op: string | undefined): boolean {
  return op === '|' || op === '|&';
}

/**
 * Programs that cannot fail in a way a pipeline hides: builtins printing their arguments, and
 * read-only queries of the package database or the file system and text filters, as used to
 * compute package lists (`apt-mark showmanual | xargs apt-mark auto`). They fail only on a
 * system the build has already broken.
 */
const CANNOT_FAIL = new Set([
  'echo', 'printf', 'true', ':', 'yes',
  'apt-mark', 'dpkg-query', 'find', 'ls', 'scanelf', 'ldd', 'locale', 'sort', 'uniq', 'cut', 'tr', 'awk', 'sed', 'grep', 'head', 'tail', 'wc',
]);
const CHECKSUMS = new Set(['sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'md5sum', 'b2sum', 'shasum']);

/**
 * The first command of the pipeline `cmds[first..last]` whose failure it would hide, or -1 when
 * it cannot succeed after an earlier command failed: the commands before the last only print
 * or query (`echo "$SHA  f" | sha256sum -c -`), or the last one fails on missing input anyway (a
 * checksum check, `gpg --verify`, a matching `grep`). Pipefail adds nothing there (and
 * `yes | …`, `… | grep -q` would fail on SIGPIPE with it).
 */
function commandThatCanHide(cmds: readonly ShellCommand[], first: number, last: number): number {
  let hiding = -1;
  for (let i = first; i < last && hiding < 0; i++) {
    const w = programWords(cmds[i]);
    const program = w.length ? basename(w[0].text) : '';
    const quiet = CANNOT_FAIL.has(program) || (program === 'dpkg' && /^(-l|-L|-S|--list|--listfiles|--search|--get-selections|--print-architecture)$/.test(w[1]?.text ?? ''));
    if (!quiet) hiding = i;
  }
  if (hiding < 0 || failsOnMissingInput(cmds[last])) return -1;
  return hiding;
}

/** A checksum check, a signature check or a matching `grep`: fails when what it reads is missing. */
function failsOnMissingInput(command: ShellCommand): boolean {
  const w = programWords(command);
  if (!w.length) return false;
  const program = basename(w[0].text);
  const opts = w.slice(1).filter((x) => x.text.length > 1 && x.text[0] === '-').map((x) => x.text);
  const short = (letter: string): boolean => opts.some((o) => /^-[a-zA-Z]+$/.test(o) && o.includes(letter));
  if (CHECKSUMS.has(program)) return short('c') || opts.includes('--check');
  if (program === 'gpg' || program === 'gpg2') return opts.includes('--verify');
  if (program === 'gpgv') return true;
  if (program === 'grep' || program === 'egrep' || program === 'fgrep') {
    return !short('v') && !short('c') && !short('L') && !opts.some((o) => o === '--invert-match' || o === '--count' || o === '--files-without-match');
  }
  return false;
}

/** A `set -o pipefail` (`set -euo pipefail`…) before the pipeline, in the same script. */
function setEarlier(cmds: readonly ShellCommand[], before: number, parent: ShellCommand | undefined): boolean {
  if (parent && optionsSetPipefail(parent.words.map((w) => w.text))) return true;
  for (let i = 0; i < before; i++) {
    if (cmds[i].parent !== parent || cmds[i].context & IN_SUBSHELL) continue;
    const words = programWords(cmds[i]);
    if (words[0]?.text === 'set' && optionsSetPipefail(words.map((w) => w.text))) return true;
  }
  return false;
}

/** `-o pipefail`, `-eo pipefail`, `-euxo pipefail` among the words. */
function optionsSetPipefail(words: readonly string[]): boolean {
  for (let i = 0; i + 1 < words.length; i++) if (/^-[a-zA-Z]*o$/.test(words[i]) && words[i + 1] === 'pipefail') return true;
  return false;
}

/** The `|` operator between two commands of a pipeline. */
function pipeBefore(run: RunCommand, left: ShellCommand, right: ShellCommand): { start: number; end: number } | undefined {
  const from = left.words[left.words.length - 1].end;
  const to = right.words[0].start;
  for (const o of run.shell.operators) if ((o.op === '|' || o.op === '|&') && o.start >= from && o.end <= to) return o;
  return undefined;
}

/** The stage's SHELL sets pipefail, or is not a POSIX shell. */
function shellHasPipefail(run: RunCommand): boolean {
  const shell = run.shellCommand;
  if (!shell?.length) return false;
  if (NON_POSIX.test(basename(shell[0]))) return true;
  return optionsSetPipefail(shell);
}

import { Rule } from '../../model';
import { DockerfileModel, RunCommand } from '../model';
import { insertLinesBefore } from '../edits';
import { basename, programWords } from '../shell';

const NON_POSIX = /^(pwsh|powershell|cmd)(\.exe)?$/i;

/** DL4006: a pipe in RUN without `-o pipefail`. */
export const pipefail: Rule<DockerfileModel> = {
  id: 'docker-pipefail',
  title: 'Pipe in RUN without pipefail',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DL4006'],
  description:
    'A shell pipeline succeeds when its last command succeeds: `curl … | tar x` builds a broken image when the download fails. `-o pipefail` makes any failing command fail the step.',
  remediation: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `/bin/sh` on Alpine) before the RUN, or start the RUN with `set -o pipefail &&`.',
  check(model, report) {
    for (const run of model.runs) {
      // Exec form runs no shell; Windows images default to cmd, which has no pipefail.
      if (run.form === 'exec' || (run.stage.family === 'windows' && !run.shellCommand)) continue;
      const pipe = run.shell.operators.find((o) => o.op === '|' || o.op === '|&');
      if (!pipe || hasPipefail(run)) continue;
      const shellPath = run.stage.family === 'alpine' ? '/bin/sh' : run.stage.family === 'debian' || run.stage.family === 'rhel' ? '/bin/bash' : undefined;
      const line = `SHELL ["${shellPath}", "-o", "pipefail", "-c"]`;
      report({
        message: 'Set `-o pipefail` before this pipe, otherwise a failing command before `|` does not fail the build.',
        range: model.lines.rangeOf(pipe.start, pipe.end),
        fixes: shellPath
          ? [{ title: `Insert ${line}`, kind: 'quickfix', safe: false, preferred: true, edits: [insertLinesBefore(model, run.instruction, [line])] }]
          : [],
      });
    }
  },
};

function hasPipefail(run: RunCommand): boolean {
  const shell = run.shellCommand;
  if (shell?.length) {
    if (NON_POSIX.test(basename(shell[0]))) return true;
    for (let i = 0; i < shell.length; i++) {
      if (shell[i] === '-o' && shell[i + 1] === 'pipefail') return true;
      if (/^-[a-z]*o$/.test(shell[i]) && shell[i + 1] === 'pipefail') return true;
    }
  }
  // `set -o pipefail` / `set -euo pipefail` as the first command of the script.
  const first = run.shell.commands[0];
  if (!first) return false;
  const words = programWords(first).map((w) => w.text);
  if (words[0] !== 'set') return false;
  for (let i = 1; i < words.length; i++) if (/^-[a-z]*o$/.test(words[i]) && words[i + 1] === 'pipefail') return true;
  return false;
}

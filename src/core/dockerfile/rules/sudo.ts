import { Rule } from '../../model';
import { DockerfileModel, isRootUser, wordRange } from '../model';
import { basename, programWords } from '../shell';
import { replaceSpan } from '../edits';
import { fixTitle, msg } from '../../l10n/text';

/** DS-0010 / DL3004: sudo in RUN. */
export const sudo: Rule<DockerfileModel> = {
  id: 'docker-sudo',
  title: 'sudo used in RUN',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0010', 'DL3004'],
  description:
    'sudo in a build step means the image ships sudo and a sudoers setup, a privilege-escalation path for anyone who gets code execution in the container; it also behaves unpredictably without a TTY.',
  remediation: 'Drop sudo: RUN already executes as the current USER. Switch with `USER root` before the step that needs it and back to the unprivileged user afterwards.',
  check(model, report) {
    for (const run of model.runs) {
      // One scan of the script text instead of a look at every word of every command.
      if (!run.script.text.includes('sudo')) continue;
      for (const command of run.shell.commands) {
        // Look at the words before the program so `VAR=1 sudo cmd` and `env sudo cmd` are found.
        const all = command.words;
        let mentionsSudo = false;
        for (const w of all) if (w.text.endsWith('sudo')) mentionsSudo = true;
        if (!mentionsSudo) continue;
        const program = programWords(command, { skipSudo: false });
        const sudoWord = program[0] && basename(program[0].text) === 'sudo' ? program[0] : undefined;
        if (!sudoWord) continue;
        const next = program[1];
        // Removing `sudo ` is only safe when sudo has no options (`-u user` changes who runs it)
        // and the step already runs as root.
        const runsAsRoot = !run.user || (!run.user.unresolved && isRootUser(run.user.value));
        const sameLine = next && model.lines.positionAt(next.start).line === model.lines.positionAt(sudoWord.start).line;
        // Only blanks between sudo and the command (inside `bash -c "sudo \"x\""` an escape follows).
        const blanksOnly = next && /^[ \t]+$/.test(model.text.slice(sudoWord.end, next.start));
        const fixable = run.form !== 'exec' && next && !next.text.startsWith('-') && runsAsRoot && sameLine && blanksOnly && all.length > 1;
        report({
          range: wordRange(model, sudoWord),
          fixes: fixable
            ? [{ kind: 'quickfix', safe: true, preferred: true, edits: [replaceSpan(model, sudoWord.start, next!.start, '')], ...fixTitle('docker.sudo.remove-sudo', 'Remove sudo') }]
            : [],
          ...msg('docker.sudo.remove-sudo-from-run', 'Remove sudo from RUN: build steps already run as the current USER; use `USER root` around the steps that need root.'),
        });
      }
    }
  },
};

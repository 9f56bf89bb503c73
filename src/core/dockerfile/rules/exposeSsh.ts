import { Rule } from '../../model';
import { DockerfileModel, expandWord, instructionArgs, InstructionWord, Stage } from '../model';
import { Instruction } from 'dockerfile-ast';
import { Fix, Reporter } from '../../model';
import { fixTitle, msg } from '../../l10n/text';

/** Removes the port; when it is the only one, the whole EXPOSE line. */
function removePortFix(model: DockerfileModel, ins: Instruction, arg: InstructionWord, wholeLine: boolean): Fix {
  const title = fixTitle('docker.exposeSsh.remove-port', 'Remove port 22 from EXPOSE');
  if (wholeLine) {
    const r = ins.getRange();
    const start = model.lines.offsetAt({ line: r.start.line, character: 0 });
    const end = model.lines.offsetAt({ line: r.end.line + 1, character: 0 });
    return { kind: 'quickfix', safe: false, edits: [{ range: model.lines.rangeOf(start, end), newText: '' }], ...title };
  }
  let start = arg.start;
  const end = arg.end;
  while (start > 0 && (model.text[start - 1] === ' ' || model.text[start - 1] === '\t')) start--;
  return { kind: 'quickfix', safe: false, edits: [{ range: model.lines.rangeOf(start, end), newText: '' }], ...title };
}

/** DS-0004: EXPOSE 22. */
export const exposeSsh: Rule<DockerfileModel> = {
  id: 'docker-expose-ssh',
  title: 'SSH port exposed',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DS-0004'],
  description:
    'Exposing port 22 means an SSH daemon runs in the container: one more service to patch and attack, and a way around the audit trail of `docker exec` / `kubectl exec`.',
  remediation: 'Remove port 22 from EXPOSE and the SSH server from the image; use `docker exec` or `kubectl exec` to get a shell.',
  check(model, report) {
    for (const stage of model.stages) {
      for (let n = 0; n < stage.instructions.length; n++) if (stage.keywords[n] === 'EXPOSE') checkExpose(model, stage, stage.instructions[n], report);
      // ONBUILD EXPOSE 22 exposes it in every child image (removing the line removes the ONBUILD).
      for (const t of stage.onbuild) if (t.keyword === 'EXPOSE') checkExpose(model, stage, t.trigger, report);
    }
  },
};

function checkExpose(model: DockerfileModel, stage: Stage, ins: Instruction, report: Reporter): void {
  const { json, words } = instructionArgs(model, ins);
  let ssh = 0;
  for (const w of words) if (isSshPort(model, stage, w, json)) ssh++;
  if (!ssh) return;
  for (const arg of words) {
    if (!isSshPort(model, stage, arg, json)) continue;
    report({
      range: model.lines.rangeOf(arg.start, arg.end),
      fixes: [removePortFix(model, ins, arg, ssh === words.length)],
      ...msg('docker.exposeSsh.do-not-expose-the', 'Do not expose the SSH port 22: remove it and use `docker exec` / `kubectl exec` for shell access.'),
    });
  }
}

function isSshPort(model: DockerfileModel, stage: Stage, w: InstructionWord, json: boolean): boolean {
  return /^22(\/(tcp|udp))?$/i.test(expandWord(model, w, stage.table, json).value);
}

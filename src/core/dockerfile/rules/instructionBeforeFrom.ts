import { Rule } from '../../model';
import { DockerfileModel, keywordRange } from '../model';
import { msg } from '../../l10n/text';

/** DL3061: an instruction other than ARG before the first FROM; BuildKit refuses the file. */
export const instructionBeforeFrom: Rule<DockerfileModel> = {
  id: 'docker-instruction-before-from',
  title: 'Instruction before the first FROM',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DL3061'],
  description:
    'Only ARG instructions, comments and parser directives may come before the first FROM. Any other instruction there has no build stage to run in: the build stops with "no build stage in current context", so nothing this file describes is ever built.',
  remediation: 'Move the instruction after the FROM of the stage it belongs to, or make it an ARG if it only declares a value that FROM uses.',
  check(model, report) {
    const first = model.stages[0];
    for (const ins of model.preamble) {
      const keyword = ins.getKeyword();
      report({
        range: keywordRange(ins),
        ...(first ? msg('docker.instructionBeforeFrom.comes-before-the-first', '{keyword} comes before the first FROM, where only ARG may: the build fails with "no build stage in current context". Move it after a FROM.', { keyword }) : msg('docker.instructionBeforeFrom.has-no-from-before', '{keyword} has no FROM before it, and the file has none: the build fails with "no build stage in current context". Start the file with a FROM.', { keyword })),
      });
    }
  },
};

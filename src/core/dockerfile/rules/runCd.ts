import { Rule } from '../../model';
import { invocations } from '../commands';
import { DockerfileModel, wordRange } from '../model';

/** DS-0013 / DL3003: `cd` in RUN instead of WORKDIR. */
export const runCd: Rule<DockerfileModel> = {
  id: 'docker-run-cd',
  title: 'cd used in RUN instead of WORKDIR',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DS-0013', 'DL3003'],
  description:
    'A `cd` inside RUN only lasts for that step, so later steps silently run somewhere else; WORKDIR makes the directory explicit for every following instruction and creates it if needed.',
  remediation: 'Use `WORKDIR /path` before the RUN instead of `cd /path &&`.',
  check(model, report) {
    for (const inv of invocations(model)) {
      // A heredoc script is a real script where changing directory is ordinary.
      if (inv.program !== 'cd' || inv.run.form === 'heredoc') continue;
      report({ message: 'Use WORKDIR instead of `cd` in RUN to change directories.', range: wordRange(model, inv.words[0]) });
    }
  },
};

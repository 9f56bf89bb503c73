import { Rule } from '../../model';
import { hasFlag, packageInvocations } from '../commands';
import { DockerfileModel } from '../model';
import { insertAt } from '../edits';

/** DS-0021 / DL3014: `apt-get install` without `-y`. */
export const aptGetYes: Rule<DockerfileModel> = {
  id: 'docker-apt-get-yes',
  title: 'apt-get install without -y',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0021', 'DL3014'],
  description: 'Without `-y` apt-get waits for a confirmation that never comes in a build, so the step fails or hangs.',
  remediation: 'Add `-y` (or `--yes`) to `apt-get install`.',
  check(model, report) {
    for (const p of packageInvocations(model)) {
      if (p.program !== 'apt-get' || p.action?.text !== 'install') continue;
      if (hasFlag(p, 'y', ['--yes', '--assume-yes', '--force-yes'])) continue;
      if (p.options.some((o) => /^-(q=?2|qq)$/.test(o.text))) continue;
      const exec = p.run.form === 'exec';
      report({
        message: 'Add `-y` to `apt-get install` so the build does not wait for a confirmation.',
        range: model.lines.rangeOf(p.words[0].start, p.action.end),
        fixes: exec ? [] : [{ title: 'Add -y to apt-get install', kind: 'quickfix', safe: true, preferred: true, edits: [insertAt(model, p.action.end, ' -y')] }],
      });
    }
  },
};

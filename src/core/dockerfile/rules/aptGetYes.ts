import { Rule } from '../../model';
import { PackageInvocation, hasFlag, isSimulation, packageInvocations } from '../commands';
import { DockerfileModel } from '../model';
import { insertAt } from '../edits';
import { fixTitle, msg } from '../../l10n/text';

/** DS-0021 / DL3014: `apt-get install` without `-y`. */
export const aptGetYes: Rule<DockerfileModel> = {
  id: 'docker-apt-get-yes',
  title: 'apt-get install without -y',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0021', 'DL3014'],
  description: 'Without `-y` apt-get waits for a confirmation that never comes in a build, so the step fails or hangs.',
  remediation: 'Add `-y` (or `--yes`) to `apt-get install`. Quiet level 2 (`-qq`, `-q=2`) implies `-y`.',
  check(model, report) {
    for (const p of packageInvocations(model)) {
      if (p.program !== 'apt-get' || p.action?.text !== 'install' || isSimulation(p)) continue;
      if (hasFlag(p, 'y', ['--yes', '--assume-yes', '--force-yes'])) continue;
      if (quietLevel(p) >= 2 || p.words.some((w) => /^APT::Get::Assume-Yes=("|')?(true|yes|1)/i.test(w.text))) continue;
      const exec = p.run.form === 'exec';
      report({
        range: model.lines.rangeOf(p.words[0].start, p.action.end),
        fixes: exec ? [] : [{ kind: 'quickfix', safe: true, preferred: true, edits: [insertAt(model, p.action.end, ' -y')], ...fixTitle('docker.aptGetYes.add-y-to-apt-2', 'Add -y to apt-get install') }],
        ...msg('docker.aptGetYes.add-y-to-apt', 'Add `-y` to `apt-get install` so the build does not wait for a confirmation.'),
      });
    }
  },
};

/**
 * apt-get's quiet level: each `-q` (also inside `-qy`) and `--quiet` adds one, `-q=N` and
 * `--quiet=N` set it. Level 2 implies `-y` (apt-get(8)).
 */
export function quietLevel(p: PackageInvocation): number {
  let level = 0;
  for (const o of p.options) {
    const t = o.text;
    const set = /^(?:-q|--quiet)=(\d+)$/.exec(t);
    if (set) level = Number(set[1]);
    else if (t === '--quiet') level++;
    else if (/^-[A-Za-z]+$/.test(t)) for (let i = 1; i < t.length; i++) if (t[i] === 'q') level++;
  }
  return level;
}

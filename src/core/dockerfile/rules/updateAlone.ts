import { Rule } from '../../model';
import { packageInvocations } from '../commands';
import { DockerfileModel } from '../model';

const INSTALL_ACTIONS = new Set(['install', 'upgrade', 'source-install', 'reinstall', 'groupinstall', 'localinstall', 'add', 'in', 'dist-upgrade', 'full-upgrade']);

/** DS-0017 / CIS-4.7: a package-index update without an install in the same RUN. */
export const updateAlone: Rule<DockerfileModel> = {
  id: 'docker-update-alone',
  title: 'Package update without install in the same RUN',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0017', 'CIS-4.7'],
  description:
    'The layer cache keeps an `update`-only RUN forever: later installs reuse the stale package index and pull outdated, possibly vulnerable versions, or fail when the mirror has moved on.',
  remediation: 'Update and install in the same RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg`.',
  check(model, report) {
    const byRun = new Map<unknown, ReturnType<typeof packageInvocations>>();
    for (const p of packageInvocations(model)) {
      const list = byRun.get(p.run);
      if (list) list.push(p);
      else byRun.set(p.run, [p]);
    }
    for (const pkgs of byRun.values()) {
      pkgs.forEach((p, i) => {
        const action = p.action?.text;
        if (action !== 'update' && action !== 'up' && !(p.program === 'zypper' && (action === 'refresh' || action === 'ref'))) return;
        if (p.program === 'yum' || p.program === 'dnf' || p.program === 'microdnf') {
          // `yum update pkg` upgrades packages; only a bare update counts as an index refresh.
          if (p.operands.length) return;
        }
        const installedLater = pkgs.slice(i + 1).some((q) => q.action && INSTALL_ACTIONS.has(q.action.text));
        if (installedLater) return;
        report({
          message: `Run "${p.program} ${action}" in the same RUN as the install that needs it, or remove it.`,
          range: model.lines.rangeOf(p.words[0].start, p.action!.end),
        });
      });
    }
  },
};

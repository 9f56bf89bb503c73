import { Rule } from '../../model';
import { isSimulation, packageInvocations } from '../commands';
import { DockerfileModel } from '../model';
import { stageShips } from '../reach';
import { insertAt } from '../edits';
import { fixTitle, msg } from '../../l10n/text';

/** DS-0029 / DL3015: `apt-get install` without `--no-install-recommends`. */
export const aptNoInstallRecommends: Rule<DockerfileModel> = {
  id: 'docker-apt-no-install-recommends',
  title: 'apt-get install without --no-install-recommends',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0029', 'DL3015'],
  description:
    'By default apt-get also installs "recommended" packages: a bigger image with more software that needs patching and more attack surface, none of which you asked for. Only stages whose layers reach an image are checked (not a builder stage used through `COPY --from`).',
  remediation: 'Add `--no-install-recommends` to `apt-get install` and list the packages you need explicitly.',
  check(model, report) {
    for (const p of packageInvocations(model)) {
      if (p.program !== 'apt-get' || p.action?.text !== 'install' || isSimulation(p)) continue;
      if (p.options.some((o) => o.text === '--no-install-recommends' || /^APT::Install-Recommends=("|')?(false|0)/i.test(o.text))) continue;
      if (p.words.some((w) => /^APT::Install-Recommends=("|')?(false|0)/i.test(w.text))) continue;
      if (!stageShips(model, p.run.stage)) continue;
      const exec = p.run.form === 'exec';
      report({
        range: model.lines.rangeOf(p.words[0].start, p.action.end),
        fixes: exec
          ? []
          : [{ kind: 'quickfix', safe: true, preferred: true, edits: [insertAt(model, p.action.end, ' --no-install-recommends')], ...fixTitle('docker.aptNoInstallRecommends.add-no-install-recommends-2', 'Add --no-install-recommends') }],
        ...msg('docker.aptNoInstallRecommends.add-no-install-recommends', 'Add `--no-install-recommends` to `apt-get install` to avoid installing packages you did not ask for.'),
      });
    }
  },
};

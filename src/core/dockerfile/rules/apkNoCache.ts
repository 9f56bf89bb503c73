import { Rule } from '../../model';
import { PackageInvocation, mountsOutsideLayer, packageInvocations } from '../commands';
import { DockerfileModel } from '../model';
import { stageShips } from '../reach';
import { insertAt } from '../edits';
import { fixTitle, msg } from '../../l10n/text';

/** DS-0025 / DL3019: `apk add` without `--no-cache`. */
export const apkNoCache: Rule<DockerfileModel> = {
  id: 'docker-apk-no-cache',
  title: 'apk add without --no-cache',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0025', 'DL3019'],
  description:
    'Without `--no-cache` apk keeps its package index in the layer: a larger image carrying stale metadata. Only stages whose layers reach an image are checked (not a builder stage used through `COPY --from`).',
  remediation: 'Use `apk add --no-cache …` (or a BuildKit cache or tmpfs mount on /var/cache/apk, or `rm -rf /var/cache/apk/*` at the end of the same RUN).',
  check(model, report) {
    for (const p of packageInvocations(model)) {
      if (p.program !== 'apk' || p.action?.text !== 'add') continue;
      // `--no-network` installs from what is already there: no index is fetched.
      if (p.options.some((o) => o.text === '--no-cache' || o.text === '--no-network')) continue;
      if (mountsOutsideLayer(p.run, '/var/cache/apk') || removesApkCacheLater(p)) continue;
      if (!stageShips(model, p.run.stage)) continue;
      const exec = p.run.form === 'exec';
      report({
        range: model.lines.rangeOf(p.words[0].start, p.action.end),
        fixes: exec ? [] : [{ kind: 'quickfix', safe: true, preferred: true, edits: [insertAt(model, p.action.end, ' --no-cache')], ...fixTitle('docker.apkNoCache.add-no-cache-to-2', 'Add --no-cache to apk add') }],
        ...msg('docker.apkNoCache.add-no-cache-to', 'Add `--no-cache` to `apk add` so the package index is not kept in the image.'),
      });
    }
  },
};

/** `rm -rf /var/cache/apk/*` (or the directory) after the install, in the same RUN: the index does not stay in the layer. */
function removesApkCacheLater(p: PackageInvocation): boolean {
  const invs = p.run.invocations;
  let after = false;
  for (const inv of invs) {
    if (inv.command === p.command) after = true;
    else if (after && inv.program === 'rm' && inv.words.some((w) => /^\/var\/cache\/apk(\/\*?)?$/.test(w.text))) return true;
  }
  return false;
}

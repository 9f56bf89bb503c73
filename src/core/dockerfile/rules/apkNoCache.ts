import { Rule } from '../../model';
import { packageInvocations } from '../commands';
import { DockerfileModel } from '../model';
import { insertAt } from '../edits';

/** DS-0025 / DL3019: `apk add` without `--no-cache`. */
export const apkNoCache: Rule<DockerfileModel> = {
  id: 'docker-apk-no-cache',
  title: 'apk add without --no-cache',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0025', 'DL3019'],
  description: 'Without `--no-cache` apk keeps its package index in the layer: a larger image carrying stale metadata.',
  remediation: 'Use `apk add --no-cache …` (or a BuildKit cache mount on /var/cache/apk).',
  check(model, report) {
    for (const p of packageInvocations(model)) {
      if (p.program !== 'apk' || p.action?.text !== 'add') continue;
      if (p.options.some((o) => o.text === '--no-cache')) continue;
      if (p.run.cacheTargets.some((t) => t.replace(/\/+$/, '') === '/var/cache/apk')) continue;
      const exec = p.run.form === 'exec';
      report({
        message: 'Add `--no-cache` to `apk add` so the package index is not kept in the image.',
        range: model.lines.rangeOf(p.words[0].start, p.action.end),
        fixes: exec ? [] : [{ title: 'Add --no-cache to apk add', kind: 'quickfix', safe: true, preferred: true, edits: [insertAt(model, p.action.end, ' --no-cache')] }],
      });
    }
  },
};

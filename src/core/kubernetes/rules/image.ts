/** Image tag rule (KSV-0013). */
import { isScalar } from 'yaml';
import { isLatest, parseImageRef } from '../../imageRef';
import { containerArgs, pairRange } from '../model';
import { KubeRule, RUN_LISTS, forEachContainer } from './common';
import { msg } from '../../l10n/text';

export const imageLatest: KubeRule = {
  id: 'k8s-image-latest',
  title: 'Image uses the latest tag',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0013'],
  description: 'An image without a tag or with :latest changes under you: two nodes can run different code, and a rollback cannot go back. It also defaults imagePullPolicy to Always.',
  remediation: 'Pin the image to a version tag, or better to a digest (image@sha256:…).',
  check(model, report) {
    forEachContainer(model, RUN_LISTS, (c) => {
      const pair = c.image;
      const raw = pair && isScalar(pair.value) ? pair.value.value : undefined;
      if (!pair || typeof raw !== 'string') return;
      const ref = parseImageRef(raw.trim());
      // Not a valid reference (e.g. an envsubst placeholder): nothing to say about its tag.
      if (!ref || !isLatest(ref)) return;
      const args = containerArgs(c);
      report({
        range: pairRange(model, pair),
        ...(ref.tag
          ? msg('k8s.image.latest-tag', 'The image of {container} uses the latest tag: pin a version tag or a digest.', args)
          : msg('k8s.image.no-tag', 'The image of {container} has no tag (so it means latest): pin a version tag or a digest.', args)),
      });
    });
  },
};

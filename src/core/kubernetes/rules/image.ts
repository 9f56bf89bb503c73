/** Image tag rule (KSV-0013). */
import { isScalar } from 'yaml';
import { isLatest, parseImageRef } from '../../imageRef';
import { containerLabel, pairRange } from '../model';
import { KubeRule, RUN_LISTS, forEachContainer } from './common';

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
      const how = ref.tag ? 'uses the latest tag' : 'has no tag (so it means latest)';
      report({ message: `The image of ${containerLabel(c)} ${how}: pin a version tag or a digest.`, range: pairRange(model, pair) });
    });
  },
};

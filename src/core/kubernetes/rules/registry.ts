/** Images from registries outside the `trustedRegistries` allow-list (KSV-0125), the Dockerfile rule's setting. */
import { isScalar } from 'yaml';
import { parseImageRef, registryAllowed, registryOf } from '../../imageRef';
import {containerText, pairRange } from '../model';
import { KubeRule, RUN_LISTS, forEachContainer } from './common';
import { frag } from '../../l10n/text';

export const untrustedRegistry: KubeRule = {
  id: 'k8s-untrusted-registry',
  title: 'Image from an untrusted registry',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: ['KSV-0125'],
  description: 'Images from registries your organisation does not control or vet can be replaced, typo-squatted or unscanned. The same allow-list as for Dockerfiles (`trustedRegistries`) says which registries pods may pull from; the check is silent until it is set. Entries are registry hosts; `*` allows every registry, `*.example.com` its subdomains, `prefix*` hosts that start with the prefix; an image without a registry is from docker.io.',
  remediation: 'Pull the image from a trusted registry (a mirror you control), or add the registry to `trustedRegistries` after review.',
  check(model, report) {
    const allow = model.memo.trustedRegistries;
    if (!allow?.length) return;
    forEachContainer(model, RUN_LISTS, (c) => {
      const pair = c.image;
      const raw = pair && isScalar(pair.value) ? pair.value.value : undefined;
      if (!pair || typeof raw !== 'string') return;
      const ref = parseImageRef(raw.trim());
      if (!ref) return;
      const registry = registryOf(ref);
      if (registryAllowed(registry, allow)) return;
      report({ range: pairRange(model, pair), l10n: frag('k8s.registry.the-image-of-comes', 'The image of {container} comes from "{registry}", which is not in trustedRegistries ({allowed}).', { container: containerText(c), registry, allowed: allow.join(', ') }) });
    });
  },
};

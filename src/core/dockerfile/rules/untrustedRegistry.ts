import { Rule } from '../../model';
import { parseImageRef, registryAllowed, registryOf } from '../../imageRef';
import { DockerfileModel, toRange } from '../model';

/** DL3026 / CIS-4.2: base image from a registry outside the configured allow-list. */
export const untrustedRegistry: Rule<DockerfileModel> = {
  id: 'docker-untrusted-registry',
  title: 'Base image from an untrusted registry',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DL3026', 'CIS-4.2'],
  description:
    'Images from registries your organisation does not control or vet can be replaced, typo-squatted or unscanned. The allow-list (`trustedRegistries`) states which registries builds may pull from; the check is silent until it is set.',
  remediation: 'Pull the base image from a trusted registry (a mirror you control) or add the registry to `trustedRegistries` after review.',
  check(model, report) {
    const allow = model.config.trustedRegistries;
    if (!allow?.length) return;
    for (const stage of model.stages) {
      if (stage.baseKind === 'image' && stage.ref) {
        const registry = registryOf(stage.ref);
        if (!registryAllowed(registry, allow)) {
          report({ message: `Use a base image from a trusted registry: "${registry}" is not in trustedRegistries (${allow.join(', ')}).`, range: stage.imageRange });
        }
      }
      for (let n = 0; n < stage.instructions.length; n++) {
        const ins = stage.instructions[n];
        if (stage.keywords[n] !== 'COPY') continue;
        const from = (ins as unknown as { getFromFlag(): { getValue(): string | null; getValueRange(): unknown } | null }).getFromFlag();
        const value = from?.getValue();
        if (!from || !value || /^\d+$/.test(value) || value.includes('$')) continue;
        if (model.stages.some((s) => s.index < stage.index + 1 && s.alias?.toLowerCase() === value.toLowerCase())) continue;
        const ref = parseImageRef(value);
        if (!ref) continue;
        const registry = registryOf(ref);
        if (registryAllowed(registry, allow)) continue;
        report({ message: `Copy only from images in trusted registries: "${registry}" is not in trustedRegistries.`, range: toRange(from.getValueRange() as never) });
      }
    }
  },
};

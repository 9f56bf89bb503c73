import { Range, Rule } from '../../model';
import { parseImageRef, registryAllowed, registryOf } from '../../imageRef';
import { DockerfileModel, toRange } from '../model';
import { processWord } from '../variables';
import { msg } from '../../l10n/text';

/** An image another instruction pulls: `COPY --from=IMAGE`, `RUN --mount=…,from=IMAGE`. */
interface PulledImage {
  value: string;
  range: Range;
  what: 'copy' | 'mount';
}

/**
 * Whether `--from` / `from=` names a stage (an alias, compared case-insensitively, or a stage
 * index) rather than an image. BuildKit looks the name up among all the file's stages.
 */
function namesStage(model: DockerfileModel, value: string): boolean {
  if (/^\d+$/.test(value)) return true;
  return model.memo.aliases.has(value.toLowerCase());
}

function pulledImages(model: DockerfileModel): PulledImage[] {
  const out: PulledImage[] = [];
  for (const stage of model.stages) {
    const copies = [];
    for (let n = 0; n < stage.instructions.length; n++) if (stage.keywords[n] === 'COPY') copies.push(stage.instructions[n]);
    for (const t of stage.onbuild) if (t.keyword === 'COPY') copies.push(t.trigger);
    for (const ins of copies) {
      // Among all the flags: with a second flag (`--link`, `--chown`), getFromFlag() finds none.
      const from = (ins as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null; getValueRange(): unknown }> })
        .getFlags().find((f) => f.getName().toLowerCase() === 'from');
      const raw = from?.getValue();
      if (!from || !raw) continue;
      const exp = processWord(raw, stage.table, model.escapeChar);
      if (exp.unresolved || !exp.value) continue;
      out.push({ value: exp.value, range: toRange(from.getValueRange() as never), what: 'copy' });
    }
    for (const run of stage.runs) {
      for (const flag of run.flags) {
        if (flag.getName().toLowerCase() !== 'mount') continue;
        const value = flag.getValue();
        const valueRange = flag.getValueRange();
        if (!value || !valueRange) continue;
        const base = model.lines.offsetAt(valueRange.start);
        let at = 0;
        for (const field of value.split(',')) {
          const eq = field.indexOf('=');
          if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from') {
            const exp = processWord(field.slice(eq + 1), stage.table, model.escapeChar);
            if (!exp.unresolved && exp.value) out.push({ value: exp.value, range: model.lines.rangeOf(base + at + eq + 1, base + at + field.length), what: 'mount' });
          }
          at += field.length + 1;
        }
      }
    }
  }
  return out;
}

/** DL3026 / CIS-4.2: base image from a registry outside the configured allow-list. */
export const untrustedRegistry: Rule<DockerfileModel> = {
  id: 'docker-untrusted-registry',
  title: 'Base image from an untrusted registry',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DL3026', 'CIS-4.2'],
  description:
    'Images from registries your organisation does not control or vet can be replaced, typo-squatted or unscanned. The allow-list (`trustedRegistries`) states which registries builds may pull from: base images, `COPY --from` images and images mounted with `RUN --mount=…,from=`. The check is silent until it is set. Entries are registry hosts; `*` allows every registry, `*.example.com` its subdomains, `prefix*` hosts that start with the prefix.',
  remediation: 'Pull the base image from a trusted registry (a mirror you control) or add the registry to `trustedRegistries` after review.',
  check(model, report) {
    const allow = model.config.trustedRegistries;
    if (!allow?.length) return;
    for (const stage of model.stages) {
      if (stage.baseKind === 'image' && stage.ref) {
        const registry = registryOf(stage.ref);
        if (!registryAllowed(registry, allow)) {
          report({ range: stage.imageRange, ...msg('docker.untrustedRegistry.use-a-base-image', 'Use a base image from a trusted registry: "{registry}" is not in trustedRegistries ({allowed}).', { registry, allowed: allow.join(', ') }) });
        }
      }
    }
    for (const pulled of pulledImages(model)) {
      if (namesStage(model, pulled.value) || pulled.value.toLowerCase() === 'scratch') continue;
      const ref = parseImageRef(pulled.value);
      if (!ref) continue;
      const registry = registryOf(ref);
      if (registryAllowed(registry, allow)) continue;
      report({
        range: pulled.range,
        ...(pulled.what === 'copy' ? msg('docker.untrustedRegistry.copy-only-from-images', 'Copy only from images in trusted registries: "{registry}" is not in trustedRegistries.', { registry }) : msg('docker.untrustedRegistry.mount-only-images-from', 'Mount only images from trusted registries: "{registry}" is not in trustedRegistries.', { registry })),
      });
    }
  },
};

import { Rule, TextEdit } from '../../model';
import { DockerfileModel } from '../model';
import { fixTitle, frag, msg } from '../../l10n/text';

/** DS-0001 / DL3006 / DL3007: a base image without a pinned tag or digest. */
export const latestTag: Rule<DockerfileModel> = {
  id: 'docker-latest-tag',
  title: 'Base image uses the latest tag',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DS-0001', 'DL3006', 'DL3007'],
  description:
    'An untagged or `:latest` base image changes under you: rebuilding the same Dockerfile can pull a different operating system, new vulnerabilities or breaking changes, and the build cannot be reproduced or audited.',
  remediation: 'Pin the base image to a specific version tag (for example `alpine:3.20`) or, better, to a digest (`alpine@sha256:…`).',
  check(model, report) {
    for (const stage of model.stages) {
      if (!stage.latest) continue;
      const written = stage.imageText;
      const edit = pinTagEdit(model, stage.imageRange, written);
      const args = { image: written, resolved: stage.resolvedImage };
      const what = stage.ref
        ? stage.resolvedImage === written
          ? frag('docker.latestTag.image', '"{image}"', args)
          : frag('docker.latestTag.image-resolves', '"{image}" (which resolves to "{resolved}": an undeclared variable is empty)', args)
        : frag('docker.latestTag.image-variables', '"{image}" (its variables cannot supply a tag or digest)', args);
      const tagged = stage.ref ? !!stage.ref.tag : /:latest$/.test(written);
      report({
        range: stage.imageRange,
        fixes: edit ? [{ kind: 'quickfix', safe: false, snippet: true, preferred: true, edits: [edit], ...fixTitle('docker.latestTag.pin-the-base-image-2', 'Pin the base image to a tag') }] : [],
        ...(tagged
          ? msg('docker.latestTag.pin-latest', 'Pin the base image {what} to a specific version tag or digest instead of ":latest".', { what })
          : msg('docker.latestTag.pin-implicit-latest', 'Pin the base image {what} to a specific version tag or digest instead of the implicit ":latest".', { what })),
      });
    }
  },
};

/**
 * Snippet edit that asks for a tag; only where the last path component is literal (variables
 * before it, as in `${REGISTRY}/ubuntu`, cannot hold the tag).
 */
function pinTagEdit(model: DockerfileModel, imageRange: TextEdit['range'], written: string): TextEdit | undefined {
  const lastSlash = written.lastIndexOf('/');
  if (/[$"'\\`}]/.test(written.slice(lastSlash + 1))) return undefined;
  const start = model.lines.offsetAt(imageRange.start);
  const colon = written.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    // Replace the literal `latest`.
    return { range: model.lines.rangeOf(start + colon + 1, start + written.length), newText: '${1:tag}' };
  }
  const end = model.lines.positionAt(start + written.length);
  return { range: { start: end, end }, newText: ':${1:tag}' };
}

import { Rule, TextEdit } from '../../model';
import { isLatest } from '../../imageRef';
import { DockerfileModel } from '../model';

/** DS-0001 / DL3006 / DL3007: a base image without a pinned tag or digest. */
export const latestTag: Rule<DockerfileModel> = {
  id: 'docker-latest-tag',
  title: 'Base image uses the latest tag',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DS-0001', 'DL3006', 'DL3007', 'CIS-4.2'],
  description:
    'An untagged or `:latest` base image changes under you: rebuilding the same Dockerfile can pull a different operating system, new vulnerabilities or breaking changes, and the build cannot be reproduced or audited.',
  remediation: 'Pin the base image to a specific version tag (for example `alpine:3.20`) or, better, to a digest (`alpine@sha256:…`).',
  check(model, report) {
    for (const stage of model.stages) {
      if (stage.baseKind !== 'image' || !stage.ref || !isLatest(stage.ref)) continue;
      const written = stage.imageText;
      const edit = pinTagEdit(model, stage.imageRange, written);
      report({
        message: `Pin the base image "${stage.resolvedImage}" to a specific version tag or digest instead of ${stage.ref.tag ? '":latest"' : 'the implicit ":latest"'}.`,
        range: stage.imageRange,
        fixes: edit ? [{ title: 'Pin the base image to a tag', kind: 'quickfix', safe: false, snippet: true, preferred: true, edits: [edit] }] : [],
      });
    }
  },
};

/** Snippet edit that asks for a tag; only for literal references (no variables to chase). */
function pinTagEdit(model: DockerfileModel, imageRange: TextEdit['range'], written: string): TextEdit | undefined {
  if (written.includes('$')) return undefined;
  const start = model.lines.offsetAt(imageRange.start);
  const lastSlash = written.lastIndexOf('/');
  const colon = written.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    // Replace the literal `latest`.
    return { range: model.lines.rangeOf(start + colon + 1, start + written.length), newText: '${1:tag}' };
  }
  const end = model.lines.positionAt(start + written.length);
  return { range: { start: end, end }, newText: ':${1:tag}' };
}

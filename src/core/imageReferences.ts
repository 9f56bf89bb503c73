/**
 * Image references written in a Dockerfile (`FROM`) or a Kubernetes manifest (container
 * `image:`), with where they are written, for "Scan image" CodeLenses and scan diagnostics.
 */
import { DEFAULT_CONFIG } from './config';
import { mayBeOfKind, textLimitProblem } from './limits';
import { FileKind, Range } from './model';

/** Most references returned for one text: a CodeLens per line of a generated file helps no one. */
export const MAX_IMAGE_REFERENCES = 1000;

/** One image named in a file: the reference to scan and the range of its text. */
export interface ImageReference {
  /** As a scanner should receive it: ARGs resolved for a Dockerfile, the plain value for a manifest. */
  reference: string;
  range: Range;
  /** A Dockerfile `FROM` or a manifest container `image:`. */
  kind: 'from' | 'image';
  /** For a `FROM`: whether it starts the final stage (the image the Dockerfile builds on). */
  finalStage?: boolean;
}

/**
 * Every scannable image reference of a text: a Dockerfile's `FROM` images (global ARG defaults
 * resolved; `scratch`, stage names and unresolved variables skipped) or every container `image:`
 * of every pod spec of every document of a manifest. Texts over the engine's limits (size,
 * binary) and YAML that cannot be Kubernetes are not parsed; at most MAX_IMAGE_REFERENCES are
 * returned. Never throws.
 */
export function findImageReferences(text: string, kind: FileKind): ImageReference[] {
  // Only Dockerfiles and manifests name images this way; no other kind is parsed as one.
  if ((kind !== 'dockerfile' && kind !== 'kubernetes') || textLimitProblem(text) || !mayBeOfKind(text, kind)) return [];
  try {
    const refs = kind === 'dockerfile' ? dockerfileReferences(text) : manifestReferences(text);
    return refs.length > MAX_IMAGE_REFERENCES ? refs.slice(0, MAX_IMAGE_REFERENCES) : refs;
  } catch {
    return [];
  }
}

/* eslint-disable @typescript-eslint/no-require-imports */
// The parsers are loaded on first use, like the analysers: an editor shows CodeLenses long after activation.
function dockerfileReferences(text: string): ImageReference[] {
  const { dockerfileAnalyzer } = require('./dockerfile') as typeof import('./dockerfile');
  const model = dockerfileAnalyzer.parse(text, DEFAULT_CONFIG);
  if (!model) return [];
  const last = model.stages[model.stages.length - 1];
  return model.stages
    .filter((s) => s.baseKind === 'image')
    .map((s) => ({ reference: s.resolvedImage, range: s.imageRange, kind: 'from' as const, finalStage: s === last }));
}

function manifestReferences(text: string): ImageReference[] {
  const { getPair, parseKubeModel } = require('./kubernetes') as typeof import('./kubernetes');
  const { isScalar } = require('yaml') as typeof import('yaml');
  const model = parseKubeModel(text);
  if (!model) return [];
  const out: ImageReference[] = [];
  for (const pod of model.pods) {
    if (out.length >= MAX_IMAGE_REFERENCES) break;
    for (const c of pod.containers) {
      const value = getPair(c.node, 'image')?.value;
      if (!isScalar(value) || typeof value.value !== 'string' || !value.range) continue;
      const reference = value.value.trim();
      if (!reference) continue;
      out.push({ reference, range: model.rangeOf(value.range[0], value.range[1]), kind: 'image' });
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** One spelling per image (moved to imageRef.ts, which an editor may load without the parsers). */
export { imageKey } from './imageRef';

/**
 * What the signing commands make of what people type, kept free of `vscode` so it is unit-tested
 * in plain Node. cosign semantics (argv, validation of each value) stay in src/core/signing.
 */
import { parseImageRef } from '../../core/imageRef';
import { canonicalRepository, parseAnnotation } from '../../core/signing';

/**
 * Parses the annotations typed into one input box: `key=value` pairs separated by commas or
 * spaces. A value cannot itself contain a comma or a space this way; the CLI's repeated
 * `--annotation` takes those. Throws a SigningInputError naming the first bad pair.
 */
export function parseAnnotationList(text: string): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const [key, value] = parseAnnotation(item);
    annotations[key] = value;
  }
  return annotations;
}

/** Annotations given to a command as `k=v` strings or as a record, as a record (validated later by the argv builder). */
export function annotationsFromArgument(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseAnnotationList(value);
  if (Array.isArray(value)) return parseAnnotationList(value.filter((v): v is string => typeof v === 'string').join(','));
  if (typeof value === 'object') {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  return undefined;
}

/**
 * A command line for the log, each argument quoted when it would otherwise read ambiguously.
 * Only for people: cosign always gets the argument array itself.
 */
export function displayCommand(executable: string, args: readonly string[]): string {
  const quote = (a: string) => (a === '' || /[\s"'\\$`]/.test(a) ? JSON.stringify(a) : a);
  return [executable, ...args].map(quote).join(' ');
}

/**
 * The key under which a verification result is remembered, so that `nginx`, `nginx:latest`,
 * `docker.io/library/nginx:latest` and `index.docker.io/nginx:latest` share one status. An
 * unparsable reference keys as itself.
 */
export function signatureStatusKey(reference: string): string {
  const ref = parseImageRef(reference);
  if (!ref) return reference;
  // Docker reads a bare name as `:latest`, so both spellings name the same image.
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  return `${canonicalRepository(ref)}${tag ? `:${tag}` : ''}${ref.digest ? `@${ref.digest.toLowerCase()}` : ''}`;
}

/**
 * The image reference in a command argument: a string, `{ reference }`, `{ image: string }`, or
 * a findings-tree image node (`{ image: { report: { image: { reference } } } }`, or
 * `{ image: { reference } }`), so palette, CodeLens and tree menus share one command.
 */
export function referenceFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { reference?: unknown; image?: unknown };
  if (typeof a.reference === 'string') return a.reference;
  if (typeof a.image === 'string') return a.image;
  if (a.image && typeof a.image === 'object') {
    const image = a.image as { reference?: unknown; report?: { image?: { reference?: unknown } } };
    if (typeof image.reference === 'string') return image.reference;
    const nested = image.report?.image?.reference;
    if (typeof nested === 'string') return nested;
  }
  return undefined;
}

/**
 * Turning a tag into the digest it currently names, from what Docker prints. A signature binds a
 * digest; signing `app:1.2` signs whatever `app:1.2` points to at that moment, which may not be
 * the image that was built and scanned.
 */
import { ImageRef, parseImageRef, validateImageRef, validateImageRefText } from '../imageRef';
import { frag } from '../l10n/text';
import { SigningInputError } from './args';

/** `docker image inspect REF` argv (prints a JSON array with RepoDigests). */
export function dockerInspectArgs(reference: string): string[] {
  const why = validateImageRefText(reference);
  if (why) throw new SigningInputError(why);
  return ['image', 'inspect', reference];
}

/** `docker buildx imagetools inspect --format '{{json .Manifest}}' REF` argv (asks the registry). */
export function imagetoolsInspectArgs(reference: string): string[] {
  const why = validateImageRefText(reference);
  if (why) throw new SigningInputError(why);
  return ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', reference];
}

/** Registry and repository in one canonical spelling (`docker.io/library/alpine`), for comparing names. */
export function canonicalRepository(ref: ImageRef): string {
  let registry = ref.registry?.toLowerCase() ?? 'docker.io';
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const repository = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repository}`;
}

/** The reference's repository as the user wrote it (registry kept), without tag or digest. */
function repositoryAsWritten(ref: ImageRef): string {
  return ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
}

/**
 * Builds `repo@digest` for a reference from one RepoDigests entry (`repo@sha256:…`). The
 * repository is kept as the user wrote it. Undefined when the entry is not a digest reference or
 * names another repository.
 */
export function pinnedReference(reference: string, repoDigest: string): string | undefined {
  const ref = parseImageRef(reference);
  const entry = parseImageRef(repoDigest);
  if (!ref || !entry?.digest) return undefined;
  if (canonicalRepository(ref) !== canonicalRepository(entry)) return undefined;
  return `${repositoryAsWritten(ref)}@${entry.digest}`;
}

/** Reads RepoDigests from `docker image inspect` JSON (an array of image objects, or one object). */
export function parseRepoDigests(inspectJson: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(inspectJson);
  } catch {
    return [];
  }
  const images = Array.isArray(data) ? data : [data];
  const digests: string[] = [];
  for (const image of images) {
    if (typeof image === 'string') {
      digests.push(image); // `--format '{{json .RepoDigests}}'` prints the list itself
      continue;
    }
    const list = image && typeof image === 'object' ? (image as { RepoDigests?: unknown }).RepoDigests : undefined;
    if (Array.isArray(list)) for (const d of list) if (typeof d === 'string') digests.push(d);
  }
  return digests;
}

/** The outcome of resolving a reference to a digest. */
export type DigestResolution =
  | { ok: true; pinned: string; digest: string }
  | { ok: false; reason: string };

/**
 * Picks the digest-pinned form of a reference from `docker image inspect` output. An image built
 * locally and never pushed has no RepoDigests: it cannot be signed by digest until it is pushed.
 */
export function resolveFromInspect(reference: string, inspectJson: string): DigestResolution {
  const ref = parseImageRef(reference);
  if (!ref) return { ok: false, reason: validateImageRef(reference) ?? `"${reference}" is not a valid image reference` };
  if (ref.digest) return { ok: true, pinned: reference, digest: ref.digest };
  const digests = parseRepoDigests(inspectJson);
  for (const entry of digests) {
    const pinned = pinnedReference(reference, entry);
    if (pinned) return { ok: true, pinned, digest: pinned.slice(pinned.indexOf('@') + 1) };
  }
  if (digests.length === 0) {
    return { ok: false, reason: `${reference} has no repository digest: it was never pushed to or pulled from a registry; push it first` };
  }
  return { ok: false, reason: `none of the repository digests of ${reference} (${digests.join(', ')}) belongs to its repository` };
}

/** Reads the manifest digest from `docker buildx imagetools inspect --format '{{json .Manifest}}'`. */
export function parseImagetoolsDigest(manifestJson: string): string | undefined {
  try {
    const data = JSON.parse(manifestJson) as { digest?: unknown };
    const digest = data && typeof data === 'object' ? data.digest : undefined;
    return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** `repo@digest` from a reference and a digest printed by imagetools; throws on a bad digest. */
export function withDigest(reference: string, digest: string): string {
  const ref = parseImageRef(reference);
  if (!ref) throw new SigningInputError(validateImageRefText(reference) ?? frag('signing.invalid-reference', 'invalid image reference'));
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new SigningInputError(frag('signing.not-sha256', '"{digest}" is not a sha256 digest', { digest }));
  return `${repositoryAsWritten(ref)}@${digest}`;
}

/**
 * Container image references (the distribution reference grammar), shared by the Dockerfile
 * and Kubernetes rules, the scanners and cosign. Parsing is strict: a string that is not a valid
 * reference is rejected, which is also what keeps option-like strings (`--output=/x`) out of argv.
 */
import { english, frag, Text } from './l10n/text';

export interface ImageRef {
  /** The text as given. */
  raw: string;
  /** Registry host[:port] as written, or undefined (Docker Hub implied). */
  registry?: string;
  /** Repository path without registry, e.g. `library/alpine` is written `alpine`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`. */
  digest?: string;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/** Longest reference accepted (the grammar's name limit is 255; tag and digest add to it). */
const MAX_LENGTH = 512;

/**
 * Parses an image reference. Returns undefined when it is not a valid reference (including any
 * leading `-`, whitespace or control character).
 */
export function parseImageRef(raw: string): ImageRef | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  const m = REFERENCE.exec(raw);
  if (!m) return undefined;
  let registry: string | undefined = m[1];
  let repository = m[2];
  const tag: string | undefined = m[3];
  const digest: string | undefined = m[4];
  // `host/name` where host has no '.', ':' and isn't localhost is a path component, not a registry.
  if (registry && !/[.:]/.test(registry) && registry !== 'localhost' && !registry.startsWith('[') && registry === registry.toLowerCase()) {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  if (repository.length > 255) return undefined;
  return { raw, registry, repository, tag, digest };
}

/** Why a reference is refused, or undefined when it may be passed to a tool. */
export function validateImageRef(raw: string): string | undefined {
  const why = validateImageRefText(raw);
  return why && english(why);
}

/** validateImageRef as a template, for a message in the user's locale. */
export function validateImageRefText(raw: string): Text | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return frag('imageRef.empty', 'the image reference is empty');
  if (raw.startsWith('-')) return frag('imageRef.dash', 'an image reference cannot start with "-"');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return frag('imageRef.whitespace', 'an image reference cannot contain whitespace or control characters');
  if (!parseImageRef(raw)) return frag('imageRef.invalid', '"{reference}" is not a valid image reference', { reference: raw });
  return undefined;
}

/** Registry host a reference pulls from; Docker Hub is `docker.io`. */
export function registryOf(ref: ImageRef): string {
  return ref.registry ?? 'docker.io';
}

/** True when the reference names no tag and no digest, or the tag `latest`. */
export function isLatest(ref: ImageRef): boolean {
  if (ref.digest) return false;
  return ref.tag === undefined || ref.tag === 'latest';
}

/**
 * Whether a registry host matches an allow-list entry: the exact host, `*` (any registry),
 * `*.suffix` / `.suffix` (subdomains), `*suffix` or `prefix*` (as hadolint's allowedRegistries).
 */
export function registryAllowed(registry: string, allowList: readonly string[]): boolean {
  const host = registry.toLowerCase();
  return allowList.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/\/+$/, '');
    if (!e) return false;
    if (e === '*') return true;
    if (e.startsWith('*')) return host.endsWith(e.slice(1));
    if (e.endsWith('*')) return host.startsWith(e.slice(0, -1));
    if (e.startsWith('.')) return host.endsWith(e);
    return host === e || (e === 'docker.io' && (host === 'index.docker.io' || host === 'registry-1.docker.io'));
  });
}

/**
 * One spelling per image, to match a reference written in a file with the reference a scan was
 * run on: `alpine`, `alpine:latest`, `docker.io/library/alpine:latest` are the same image.
 */
export function imageKey(reference: string): string {
  const ref = parseImageRef(reference.trim());
  if (!ref) return reference.trim();
  const registry = (ref.registry ?? 'docker.io').toLowerCase().replace(/^(index|registry-1)\.docker\.io$/, 'docker.io');
  const repository = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  return `${registry}/${repository}${tag ? `:${tag}` : ''}${ref.digest ? `@${ref.digest.toLowerCase()}` : ''}`;
}

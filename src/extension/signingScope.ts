/**
 * Which images get the "Sign image | Verify signature" CodeLens. Signing is for the images you
 * build and push, not for someone else's base image: with `shipshape.signing.registries` set,
 * only images under those registries / repository prefixes; without it, the images a manifest or
 * Compose file runs (`image:`) that are not well-known public images, and never a Dockerfile
 * `FROM` (what a Dockerfile builds on is somebody else's image; you sign what you build from it).
 * Pure (no `vscode`), unit-tested in plain Node.
 */
import { parseImageRef } from '../core/imageRef';
import type { FileKind } from '../core/model';

/**
 * Registries (and repository prefixes) whose images a user pulls but does not publish: vendor
 * and project registries. Docker Hub's official images (`node`, `mysql`, `library/…`) are
 * recognised by having no namespace.
 */
export const PUBLIC_IMAGE_PREFIXES: readonly string[] = [
  'docker.io/library/',
  'mcr.microsoft.com/',
  'registry.k8s.io/',
  'k8s.gcr.io/',
  'gcr.io/distroless/',
  'gcr.io/google-containers/',
  'gcr.io/google_containers/',
  'cgr.dev/chainguard/',
  'public.ecr.aws/docker/library/',
  'public.ecr.aws/amazonlinux/',
  'public.ecr.aws/lambda/',
  'quay.io/prometheus/',
  'quay.io/coreos/',
  'quay.io/jetstack/',
  'registry.access.redhat.com/',
  'registry.redhat.io/',
  'docker.elastic.co/',
  'nvcr.io/nvidia/',
];

/** `registry/repository` of a reference, Docker Hub spelled `docker.io` with `library/` for official images. */
export function imageName(reference: string): string | undefined {
  const ref = parseImageRef(reference.trim());
  if (!ref) return undefined;
  const registry = (ref.registry ?? 'docker.io').toLowerCase().replace(/^(index|registry-1)\.docker\.io$/, 'docker.io');
  const repository = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repository}`;
}

/** Whether an image name matches one `shipshape.signing.registries` entry. */
export function matchesRegistryEntry(name: string, entry: string): boolean {
  const e = entry.trim().toLowerCase().replace(/\/+$/, '');
  if (!e) return false;
  if (!/[*?[\]{}]/.test(e)) return name === e || name.startsWith(`${e}/`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const picomatch = require('picomatch') as typeof import('picomatch');
    // A pattern names a registry or a repository prefix: `*.azurecr.io` covers every image under it.
    return picomatch(e, { dot: true })(name) || picomatch(`${e}/**`, { dot: true })(name);
  } catch {
    return false;
  }
}

/** Whether an image is a well-known public image (an official Docker Hub image, a vendor registry). */
export function isPublicImage(name: string): boolean {
  return PUBLIC_IMAGE_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Whether the Sign / Verify CodeLens belongs on an image reference written in a file of the
 * given kind, under the user's `shipshape.signing.registries`.
 */
export function offersSigning(reference: string, kind: FileKind, registries: readonly unknown[]): boolean {
  const name = imageName(reference);
  if (!name) return false;
  const entries = registries.filter((r): r is string => typeof r === 'string' && r.trim() !== '');
  if (entries.length > 0) return entries.some((e) => matchesRegistryEntry(name, e));
  return kind !== 'dockerfile' && !isPublicImage(name);
}

/** What a base image is likely built on, read from its name alone (no registry access). */
import { ImageRef } from '../imageRef';

/**
 * The userland family of an image: decides which commands a fix may use
 * (`adduser -S` on BusyBox, `useradd` on Debian and RHEL, none on distroless or scratch).
 */
export type ImageFamily = 'alpine' | 'debian' | 'rhel' | 'rhel-minimal' | 'distroless' | 'scratch' | 'windows' | 'unknown';

const ALPINE_REPOS = /(^|\/)(alpine|busybox)$/;
const DEBIAN_REPOS = /(^|\/)(debian|ubuntu|buildpack-deps)$/;
const RHEL_REPOS = /(^|\/)(fedora|centos|rockylinux|almalinux|oraclelinux|amazonlinux|ubi\d*|ubi\d*-init|rhel\d*|stream\d*)$/;
const RHEL_MINIMAL_REPOS = /(^|\/)(ubi\d*-(minimal|micro)|ubi-(minimal|micro))$/;
/** Official language images whose default variant is Debian-based. */
const DEBIAN_DEFAULT_REPOS = /(^|\/)(node|python|golang|ruby|perl|php|rust|openjdk|eclipse-temurin|maven|gradle|elixir|erlang|haskell|julia|r-base|swift|clojure|nginx|httpd|postgres|mysql|redis|dotnet\/sdk|dotnet\/aspnet|dotnet\/runtime)$/;
const DEBIAN_TAGS = /(bookworm|bullseye|buster|trixie|stretch|jammy|focal|noble|bionic|slim)/;

/** Guesses the image family from repository and tag. */
export function imageFamily(ref: ImageRef | undefined, scratch = false): ImageFamily {
  if (scratch) return 'scratch';
  if (!ref) return 'unknown';
  const repo = ref.repository.toLowerCase();
  const tag = (ref.tag ?? '').toLowerCase();
  const host = (ref.registry ?? '').toLowerCase();
  if (/(^|\/)(windows|nanoserver|servercore)(\/|$)/.test(repo) || /(nanoserver|servercore|windowsservercore|ltsc20)/.test(tag)) return 'windows';
  if (repo.includes('distroless') || (host === 'cgr.dev' && !tag.includes('dev'))) return 'distroless';
  if (ALPINE_REPOS.test(repo) || tag.includes('alpine')) return 'alpine';
  if (RHEL_MINIMAL_REPOS.test(repo)) return 'rhel-minimal';
  if (RHEL_REPOS.test(repo) || /(ubi|rhel|centos|fedora)/.test(tag)) return 'rhel';
  if (DEBIAN_REPOS.test(repo) || DEBIAN_TAGS.test(tag)) return 'debian';
  if (DEBIAN_DEFAULT_REPOS.test(repo) && !/(windows|nanoserver|servercore)/.test(tag)) return 'debian';
  return 'unknown';
}

/** Images published to run as a non-root user by default (repository, on any registry). */
const NON_ROOT_REPOS = /(^|\/)(nginxinc\/nginx-unprivileged|jenkins\/jenkins|jenkins\/agent|jenkins\/inbound-agent|grafana\/grafana|bitnami\/[^/]+)$/;

/** Whether an image is known to run as a non-root user by default (conservative: few names). */
export function isKnownNonRootImage(ref: ImageRef | undefined): boolean {
  if (!ref) return false;
  const tag = (ref.tag ?? '').toLowerCase();
  const repo = ref.repository.toLowerCase();
  // Distroless publishes `:nonroot` / `:debug-nonroot` variants whose default user is 65532.
  if (repo.includes('distroless') && tag.includes('nonroot')) return true;
  // Chainguard images run as `nonroot` (65532); wolfi-base is the root-user base to build on.
  if ((ref.registry ?? '').toLowerCase() === 'cgr.dev' && repo.startsWith('chainguard/') && !repo.endsWith('/wolfi-base')) return true;
  return NON_ROOT_REPOS.test(repo);
}

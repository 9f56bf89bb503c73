/**
 * Base images that are too big to ship an application on, and the smaller choices of the same
 * ecosystem: one table, each entry with the source of its recommendation. Offline: names only,
 * no registry access. A tag swap (`python:3.12` → `python:3.12-slim`) is offered only where the
 * image's own publisher names that variant for the same version and OS family; other advice
 * (distroless, scratch, another repository) needs a multi-stage build and is named, not applied.
 */
import { ImageRef } from '../imageRef';

/** Why the image is big: a compiler toolchain, or a full operating system. */
export type BaseWeight = 'toolchain' | 'full-os';

export interface BaseAdvice {
  weight: BaseWeight;
  /** What the image is, for the message: "a Go toolchain image". */
  what: string;
  /** The smaller choices, most fitting first (references or short phrases). */
  smaller: string[];
  /** The same repository with only the tag changed, when the publisher has that variant. */
  swapTag?: string;
  /** Where the recommendation comes from. */
  source: string;
}

interface Entry {
  /** Repository on Docker Hub (library images), or a full `registry/repository`. */
  repos: readonly string[];
  weight: BaseWeight;
  what: string;
  /** Variants (tags) that are already small: not reported. */
  small?: RegExp;
  advise(tag: string): { smaller: string[]; swapTag?: string };
  source: string;
}

const DEBIAN_SUITES = '(?:trixie|bookworm|bullseye|buster)';
/** Node.js LTS majors with a distroless image (gcr.io/distroless/nodejsNN-debian12). */
const DISTROLESS_NODE = new Set(['18', '20', '22', '24']);
/** Temurin LTS majors (JRE images are published for LTS releases). */
const JAVA_LTS = new Set(['8', '11', '17', '21', '25']);

const ENTRIES: readonly Entry[] = [
  {
    repos: ['golang'],
    weight: 'toolchain',
    what: 'a Go toolchain image (compiler, git and a full OS)',
    advise: () => ({ smaller: ['scratch or gcr.io/distroless/static-debian12 for a static binary (CGO_ENABLED=0)', 'gcr.io/distroless/base-debian12 when it needs libc'] }),
    source: 'https://github.com/GoogleContainerTools/distroless#examples (Go); https://hub.docker.com/_/golang ("Start a Go instance in your app": multi-stage builds)',
  },
  {
    repos: ['node'],
    weight: 'toolchain',
    what: 'the full Node.js image (a complete Debian with compilers and build tools)',
    small: /(^|-)(slim|alpine)/,
    advise: (tag) => {
      const swapTag = nodeSlimTag(tag);
      const major = /^(\d+)/.exec(tag)?.[1];
      const smaller = swapTag ? [`node:${swapTag}`] : ['a node:<version>-slim tag'];
      if (major && DISTROLESS_NODE.has(major)) smaller.push(`gcr.io/distroless/nodejs${major}-debian12`);
      return { smaller, swapTag };
    },
    source: 'https://hub.docker.com/_/node ("Image Variants": node:<version>-slim); https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md',
  },
  {
    repos: ['python'],
    weight: 'toolchain',
    what: 'the full Python image (a complete Debian with compilers and build tools)',
    small: /(^|-)(slim|alpine)/,
    advise: (tag) => {
      const swapTag = pythonSlimTag(tag);
      return { smaller: [swapTag ? `python:${swapTag}` : 'a python:<version>-slim tag'], swapTag };
    },
    source: 'https://hub.docker.com/_/python ("Image Variants": python:<version>-slim)',
  },
  {
    repos: ['eclipse-temurin'],
    weight: 'toolchain',
    what: 'a JDK image (compiler and build tools)',
    small: /(^|-)jre(-|$)/,
    advise: (tag) => {
      const swapTag = temurinJreTag(tag);
      const major = /^(\d+)/.exec(tag)?.[1];
      const smaller = [swapTag ? `eclipse-temurin:${swapTag}` : 'an eclipse-temurin:<version>-jre tag'];
      if (major === '17' || major === '21') smaller.push(`gcr.io/distroless/java${major}-debian12`);
      return { smaller, swapTag };
    },
    source: 'https://hub.docker.com/_/eclipse-temurin (JRE images); https://github.com/GoogleContainerTools/distroless/blob/main/java/README.md',
  },
  {
    repos: ['openjdk', 'amazoncorretto', 'maven', 'gradle'],
    weight: 'toolchain',
    what: 'a JDK or build-tool image',
    small: /(^|-)jre(-|$)/,
    advise: (tag) => {
      const major = /^(?:\d+\.\d+\.\d+-[a-z]+-)?(\d+)/.exec(tag)?.[1];
      const lts = major && JAVA_LTS.has(major) ? major : '<LTS version>';
      return { smaller: [`eclipse-temurin:${lts}-jre`, 'gcr.io/distroless/java21-debian12 (Java 21)'] };
    },
    source: 'https://hub.docker.com/_/openjdk (deprecated, points to eclipse-temurin and others); https://hub.docker.com/_/maven ("multi-stage builds")',
  },
  {
    repos: ['rust'],
    weight: 'toolchain',
    what: 'a Rust toolchain image (compiler, cargo and a full OS)',
    advise: () => ({ smaller: ['gcr.io/distroless/cc-debian12', 'debian:bookworm-slim', 'scratch for a static musl binary'] }),
    source: 'https://hub.docker.com/_/rust ("Start a Rust instance in your app": multi-stage builds); https://github.com/GoogleContainerTools/distroless#examples',
  },
  {
    repos: ['mcr.microsoft.com/dotnet/sdk', 'mcr.microsoft.com/dotnet/core/sdk'],
    weight: 'toolchain',
    what: 'the .NET SDK image',
    advise: (tag) => ({ smaller: [`mcr.microsoft.com/dotnet/aspnet:${tag || '<version>'} or mcr.microsoft.com/dotnet/runtime:${tag || '<version>'}`, 'the -chiseled variants of those'] }),
    source: 'https://learn.microsoft.com/dotnet/core/docker/build-container (SDK to build, runtime image to run)',
  },
  {
    repos: ['gcc', 'buildpack-deps'],
    weight: 'toolchain',
    what: 'a compiler image (gcc, make, headers and a full Debian)',
    advise: () => ({ smaller: ['debian:bookworm-slim', 'gcr.io/distroless/cc-debian12'] }),
    source: 'https://hub.docker.com/_/gcc ("the resulting image will be large": copy the program into a smaller image)',
  },
  {
    repos: ['debian'],
    weight: 'full-os',
    what: 'the full Debian image',
    small: /slim/,
    advise: (tag) => {
      const swapTag = debianSlimTag(tag);
      return { smaller: [swapTag ? `debian:${swapTag}` : 'debian:<suite>-slim', 'gcr.io/distroless/base-debian12'], swapTag };
    },
    source: 'https://hub.docker.com/_/debian ("debian:<suite>-slim": without extra files such as man pages and documentation)',
  },
  {
    repos: ['ubuntu'],
    weight: 'full-os',
    what: 'a full Ubuntu image',
    advise: () => ({ smaller: ['a chiselled Ubuntu image (ubuntu/chiselled-*) built for the application', 'gcr.io/distroless/base-debian12'] }),
    source: 'https://ubuntu.com/containers/chiselled',
  },
  {
    repos: ['centos', 'fedora'],
    weight: 'full-os',
    what: 'a full RPM-based OS image',
    advise: () => ({ smaller: ['registry.access.redhat.com/ubi9/ubi-minimal or ubi9/ubi-micro', 'registry.fedoraproject.org/fedora-minimal'] }),
    source: 'https://catalog.redhat.com/software/base-images (UBI minimal and micro)',
  },
  {
    repos: ['almalinux', 'oraclelinux'],
    weight: 'full-os',
    what: 'a full RPM-based OS image',
    small: /(minimal|slim|micro)/,
    advise: () => ({ smaller: ['the -minimal (AlmaLinux) or -slim (Oracle Linux) tag of the same version'] }),
    source: 'https://hub.docker.com/_/almalinux (minimal and micro images); https://hub.docker.com/_/oraclelinux (slim images)',
  },
];

const BY_REPO = new Map<string, Entry>();
for (const e of ENTRIES) for (const r of e.repos) BY_REPO.set(r, e);

/** The repository as the table names it: `golang` for `docker.io/library/golang`, else `registry/repository`. */
function catalogueKey(ref: ImageRef): string {
  const host = (ref.registry ?? 'docker.io').toLowerCase();
  const repo = ref.repository.toLowerCase();
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return repo.replace(/^library\//, '');
  return `${host}/${repo}`;
}

/** The advice for a base image, or undefined when it is not a big image of the catalogue. */
export function baseAdvice(ref: ImageRef): BaseAdvice | undefined {
  const entry = BY_REPO.get(catalogueKey(ref));
  if (!entry) return undefined;
  const tag = (ref.tag ?? 'latest').toLowerCase();
  if (entry.small?.test(tag)) return undefined;
  const { smaller, swapTag } = entry.advise(tag);
  // A digest pins the image: changing the tag alone would not change what is pulled.
  return { weight: entry.weight, what: entry.what, smaller, swapTag: ref.digest ? undefined : swapTag, source: entry.source };
}

/** Every source the catalogue cites (for docs and tests). */
export function catalogueSources(): string[] {
  return ENTRIES.map((e) => e.source);
}

/** `20` → `20-slim`, `20.11-bookworm` → `20.11-bookworm-slim`, `lts` → `lts-slim`; `latest`/`current` → `slim`/`current-slim`. */
function nodeSlimTag(tag: string): string | undefined {
  if (tag === 'latest') return 'slim';
  const m = new RegExp(`^(\\d+(?:\\.\\d+){0,2}|lts|current|[a-z]+)(-${DEBIAN_SUITES})?$`).exec(tag);
  if (!m || (m[1] !== 'lts' && m[1] !== 'current' && !/^\d/.test(m[1]) && !/^(argon|boron|carbon|dubnium|erbium|fermium|gallium|hydrogen|iron|jod|krypton)$/.test(m[1]))) return undefined;
  return `${m[1]}${m[2] ?? ''}-slim`;
}

/** `3.12` → `3.12-slim`, `3.12-bookworm` → `3.12-slim-bookworm` (Python's order). */
function pythonSlimTag(tag: string): string | undefined {
  if (tag === 'latest') return 'slim';
  const m = new RegExp(`^(\\d+(?:\\.\\d+){0,2}(?:[a-z]+\\d*)?)(?:-(${DEBIAN_SUITES}))?$`).exec(tag);
  if (!m) return undefined;
  return m[2] ? `${m[1]}-slim-${m[2]}` : `${m[1]}-slim`;
}

/** `21-jdk` → `21-jre`, `21-jdk-jammy` → `21-jre-jammy`, `21` → `21-jre`: LTS majors only. */
function temurinJreTag(tag: string): string | undefined {
  const major = /^(\d+)/.exec(tag)?.[1];
  if (!major || !JAVA_LTS.has(major)) return undefined;
  if (/-jdk(-|$)/.test(tag)) return tag.replace(/-jdk(-|$)/, '-jre$1');
  if (/^\d+(\.\d+)*(_\d+)?$/.test(tag)) return `${tag}-jre`;
  const m = /^(\d+(?:\.\d+)*(?:_\d+)?)-([a-z]+)$/.exec(tag);
  if (m && m[2] !== 'alpine') return `${m[1]}-jre-${m[2]}`;
  return undefined;
}

/** `12` → `12-slim`, `bookworm` → `bookworm-slim`, `bookworm-20240311` → `bookworm-20240311-slim`. */
function debianSlimTag(tag: string): string | undefined {
  if (/^(\d+(\.\d+)?|[a-z]+)(-\d{8})?$/.test(tag) && tag !== 'latest' && !/^(sid|unstable|testing|experimental|rc-buggy|oldstable|stable)$/.test(tag)) return `${tag}-slim`;
  if (tag === 'stable' || tag === 'oldstable') return `${tag}-slim`;
  return undefined;
}

/**
 * Base images that are too big to ship an application on, and the smaller choices of the same
 * ecosystem: one table, each entry with the source of its recommendation. Offline: names only,
 * no registry access. A tag swap (`python:3.12` → `python:3.12-slim`) is offered only where the
 * image's own publisher names that variant for the same version and OS family; other advice
 * (distroless, scratch, another repository) needs a multi-stage build and is named, not applied.
 */
import { ImageRef } from '../imageRef';
import { Arg, Text, english, frag } from '../l10n/text';

/** Why the image is big: a compiler toolchain, or a full operating system. */
export type BaseWeight = 'toolchain' | 'full-os';

export interface BaseAdvice {
  weight: BaseWeight;
  /** What the image is, for the message: "a Go toolchain image". */
  what: string;
  /** `what` as a template, for other locales. */
  whatText: Text;
  /** The smaller choices, most fitting first (references or short phrases). */
  smaller: string[];
  /** `smaller` with its phrases as templates, for other locales. */
  smallerText: Arg[];
  /** The same repository with only the tag changed, when the publisher has that variant. */
  swapTag?: string;
  /** Where the recommendation comes from. */
  source: string;
}

interface Entry {
  /** Repository on Docker Hub (library images), or a full `registry/repository`. */
  repos: readonly string[];
  weight: BaseWeight;
  what: Text;
  /** Variants (tags) that are already small: not reported. */
  small?: RegExp;
  advise(tag: string): { smaller: Arg[]; swapTag?: string };
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
    what: frag('docker.base.a-go-toolchain-image-compiler', 'a Go toolchain image (compiler, git and a full OS)'),
    // An Alpine (musl) build stays on Alpine or scratch: a glibc runtime is another OS family.
    advise: (tag) => /alpine/.test(tag)
      ? { smaller: [frag('docker.base.smaller.scratch-static', 'scratch for a static binary (CGO_ENABLED=0)'), frag('docker.base.smaller.needs-musl', '{image} when it needs musl', { image: alpineOfTag(tag) ?? 'alpine' })] }
      : { smaller: [frag('docker.base.smaller.scratch-or-static', 'scratch or {image} for a static binary (CGO_ENABLED=0)', { image: 'gcr.io/distroless/static-debian12' }), frag('docker.base.smaller.needs-libc', '{image} when it needs libc', { image: 'gcr.io/distroless/base-debian12' })] },
    source: 'https://github.com/GoogleContainerTools/distroless#examples (Go); https://hub.docker.com/_/golang ("Start a Go instance in your app": multi-stage builds)',
  },
  {
    repos: ['node'],
    weight: 'toolchain',
    what: frag('docker.base.the-full-node-js-image', 'the full Node.js image (a complete Debian with compilers and build tools)'),
    small: /(^|-)(slim|alpine)/,
    advise: (tag) => {
      const swapTag = nodeSlimTag(tag);
      const major = /^(\d+)/.exec(tag)?.[1];
      const smaller: Arg[] = swapTag ? [`node:${swapTag}`] : [frag('docker.base.smaller.slim-tag', 'a {repo}:<version>-slim tag', { repo: 'node' })];
      if (major && DISTROLESS_NODE.has(major)) smaller.push(`gcr.io/distroless/nodejs${major}-debian12`);
      return { smaller, swapTag };
    },
    source: 'https://hub.docker.com/_/node ("Image Variants": node:<version>-slim); https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md',
  },
  {
    repos: ['python'],
    weight: 'toolchain',
    what: frag('docker.base.the-full-python-image-a', 'the full Python image (a complete Debian with compilers and build tools)'),
    small: /(^|-)(slim|alpine)/,
    advise: (tag) => {
      const swapTag = pythonSlimTag(tag);
      return { smaller: [swapTag ? `python:${swapTag}` : frag('docker.base.smaller.slim-tag', 'a {repo}:<version>-slim tag', { repo: 'python' })], swapTag };
    },
    source: 'https://hub.docker.com/_/python ("Image Variants": python:<version>-slim)',
  },
  {
    repos: ['eclipse-temurin'],
    weight: 'toolchain',
    what: frag('docker.base.a-jdk-image-compiler-and', 'a JDK image (compiler and build tools)'),
    small: /(^|-)jre(-|$)/,
    advise: (tag) => {
      const swapTag = temurinJreTag(tag);
      const major = /^(\d+)/.exec(tag)?.[1];
      // Temurin images are Ubuntu, Alpine or UBI: a Debian distroless image would be another OS family.
      const smaller: Arg[] = [swapTag ? `eclipse-temurin:${swapTag}` : major && JAVA_LTS.has(major) ? frag('docker.base.smaller.jre-tag', 'an eclipse-temurin:<version>-jre tag') : frag('docker.base.smaller.lts-jre', 'the JRE image of an LTS release')];
      return { smaller, swapTag };
    },
    source: 'https://hub.docker.com/_/eclipse-temurin (JRE images); https://github.com/GoogleContainerTools/distroless/blob/main/java/README.md',
  },
  {
    repos: ['openjdk', 'amazoncorretto', 'maven', 'gradle'],
    weight: 'toolchain',
    what: frag('docker.base.a-jdk-or-build-tool', 'a JDK or build-tool image'),
    small: /(^|-)jre(-|$)/,
    advise: (tag) => {
      const major = /^(?:\d+\.\d+\.\d+-[a-z]+-)?(\d+)/.exec(tag)?.[1];
      const smaller: Arg[] = [major && JAVA_LTS.has(major) ? `eclipse-temurin:${major}-jre` : frag('docker.base.smaller.temurin-lts-jre', 'eclipse-temurin:<LTS version>-jre'), 'gcr.io/distroless/java21-debian12 (Java 21)'];
      return { smaller };
    },
    source: 'https://hub.docker.com/_/openjdk (deprecated, points to eclipse-temurin and others); https://hub.docker.com/_/maven ("multi-stage builds")',
  },
  {
    repos: ['rust'],
    weight: 'toolchain',
    what: frag('docker.base.a-rust-toolchain-image-compiler', 'a Rust toolchain image (compiler, cargo and a full OS)'),
    advise: (tag) => /alpine/.test(tag)
      ? { smaller: [frag('docker.base.smaller.scratch-musl', 'scratch for a static musl binary'), alpineOfTag(tag) ?? frag('docker.base.smaller.alpine-same-release', 'alpine of the same release')] }
      : { smaller: ['gcr.io/distroless/cc-debian12', 'debian:bookworm-slim', frag('docker.base.smaller.scratch-musl', 'scratch for a static musl binary')] },
    source: 'https://hub.docker.com/_/rust ("Start a Rust instance in your app": multi-stage builds); https://github.com/GoogleContainerTools/distroless#examples',
  },
  {
    repos: ['mcr.microsoft.com/dotnet/sdk', 'mcr.microsoft.com/dotnet/core/sdk'],
    weight: 'toolchain',
    what: frag('docker.base.the-net-sdk-image', 'the .NET SDK image'),
    advise: (tag) => ({ smaller: [frag('docker.base.smaller.either', '{a} or {b}', { a: `mcr.microsoft.com/dotnet/aspnet:${tag || '<version>'}`, b: `mcr.microsoft.com/dotnet/runtime:${tag || '<version>'}` }), frag('docker.base.smaller.chiseled-variants', 'the -chiseled variants of those')] }),
    source: 'https://learn.microsoft.com/dotnet/core/docker/build-container (SDK to build, runtime image to run)',
  },
  {
    repos: ['gcc', 'buildpack-deps'],
    weight: 'toolchain',
    what: frag('docker.base.a-compiler-image-gcc-make', 'a compiler image (gcc, make, headers and a full Debian)'),
    advise: () => ({ smaller: ['debian:bookworm-slim', 'gcr.io/distroless/cc-debian12'] }),
    source: 'https://hub.docker.com/_/gcc ("the resulting image will be large": copy the program into a smaller image)',
  },
  {
    repos: ['debian'],
    weight: 'full-os',
    what: frag('docker.base.the-full-debian-image', 'the full Debian image'),
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
    what: frag('docker.base.a-full-ubuntu-image', 'a full Ubuntu image'),
    advise: () => ({ smaller: [frag('docker.base.smaller.chiselled-ubuntu', 'a chiselled Ubuntu image built for the application (same release)')] }),
    source: 'https://ubuntu.com/containers/chiselled',
  },
  {
    repos: ['centos', 'fedora'],
    weight: 'full-os',
    what: frag('docker.base.a-full-rpm-based-os', 'a full RPM-based OS image'),
    advise: () => ({ smaller: [frag('docker.base.smaller.either', '{a} or {b}', { a: 'registry.access.redhat.com/ubi9/ubi-minimal', b: 'ubi9/ubi-micro' }), 'registry.fedoraproject.org/fedora-minimal'] }),
    source: 'https://catalog.redhat.com/software/base-images (UBI minimal and micro)',
  },
  {
    repos: ['almalinux', 'oraclelinux'],
    weight: 'full-os',
    what: frag('docker.base.a-full-rpm-based-os', 'a full RPM-based OS image'),
    small: /(minimal|slim|micro)/,
    advise: () => ({ smaller: [frag('docker.base.smaller.minimal-or-slim', 'the -minimal (AlmaLinux) or -slim (Oracle Linux) tag of the same version')] }),
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
  const words = smaller.map((a) => (typeof a === 'object' ? english(a) : String(a)));
  return { weight: entry.weight, what: english(entry.what), whatText: entry.what, smaller: words, smallerText: smaller, swapTag: ref.digest ? undefined : swapTag, source: entry.source };
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

/* ------------------------------------------------------------------------------------------------
 * Recommendations for the hover on FROM and "Compare Base Images": concrete references only, of
 * the same ecosystem, the same version (major, and LTS track where the ecosystem has one) and the
 * same OS family as the current base. Users reject advice that moves them to a non-LTS release or
 * to another distribution, so a candidate that would is left out rather than qualified.
 * ---------------------------------------------------------------------------------------------- */

/** The userland an image is built on. `none`: scratch and static images (no libc, no packages). */
export type OsFamily = 'debian' | 'ubuntu' | 'alpine' | 'rhel' | 'fedora' | 'none';

/** One smaller or hardened equivalent of a base image. */
export interface BaseCandidate {
  reference: string;
  family: OsFamily;
  /** Why it fits, one short phrase ("the same Node.js 20 without compilers and build tools"). */
  note: string;
  /** `note` as a template, for other locales. */
  noteText: Text;
  /** Only the tag of the same repository changes. */
  sameRepository: boolean;
  /** A runtime without the toolchain or package manager: the build moves to a stage of its own first. */
  needsMultiStage: boolean;
  /** Where the recommendation comes from. */
  source: string;
}

/** What the catalogue says about one base image. */
export interface BaseRecommendation {
  /** What the current image is, for a heading ("Node.js 20, the full Debian image"). */
  what: string;
  /** `what` as a template (or a name, which every locale writes the same), for other locales. */
  whatText: Arg;
  family: OsFamily;
  /** Already a small variant (slim, alpine, JRE, minimal, distroless, scratch). */
  small: boolean;
  candidates: BaseCandidate[];
  /** Facts worth stating beside the candidates (LTS or not, why nothing is offered). */
  notes: string[];
  /** `notes` as templates, for other locales. */
  notesText: Text[];
}

/** A recommendation with its texts in English and as templates. */
function rec(what: Arg, family: OsFamily, small: boolean, candidates: BaseCandidate[], notes: Text[]): BaseRecommendation {
  return { what: typeof what === 'object' ? english(what) : String(what), whatText: what, family, small, candidates, notes: notes.map(english), notesText: notes };
}

const SRC = {
  node: 'https://hub.docker.com/_/node',
  distrolessNode: 'https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md',
  python: 'https://hub.docker.com/_/python',
  distrolessPython: 'https://github.com/GoogleContainerTools/distroless/blob/main/python3/README.md',
  distrolessBase: 'https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md',
  distrolessCc: 'https://github.com/GoogleContainerTools/distroless/blob/main/cc/README.md',
  scratch: 'https://docs.docker.com/build/building/base-images/',
  temurin: 'https://hub.docker.com/_/eclipse-temurin',
  debian: 'https://hub.docker.com/_/debian',
  alpine: 'https://hub.docker.com/_/alpine',
  ubuntu: 'https://ubuntu.com/containers/chiselled',
  ubi: 'https://catalog.redhat.com/software/base-images',
  fedora: 'https://fedoraproject.org/wiki/Container:Fedora-minimal',
  dotnet: 'https://learn.microsoft.com/dotnet/core/docker/container-images',
  almalinux: 'https://hub.docker.com/_/almalinux',
  oraclelinux: 'https://hub.docker.com/_/oraclelinux',
} as const;

/** Debian suites and their release numbers. */
const DEBIAN_RELEASES: Record<string, string> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };
/** Debian releases distroless publishes static, base and cc images for. */
const DISTROLESS_DEBIAN = new Set(['12', '13']);
/** Node.js LTS majors with a distroless image (nodejsNN-debian12). */
const DISTROLESS_NODE_MAJORS = new Set(['20', '22', '24']);
const NODE_CODENAMES: Record<string, string> = { argon: '4', boron: '6', carbon: '8', dubnium: '10', erbium: '12', fermium: '14', gallium: '16', hydrogen: '18', iron: '20', jod: '22', krypton: '24' };
const UBUNTU_SUITES: Record<string, string> = { xenial: '16.04', bionic: '18.04', focal: '20.04', jammy: '22.04', noble: '24.04', mantic: '23.10', lunar: '23.04', oracular: '24.10', plucky: '25.04', questing: '25.10' };
const SUITE = '(bookworm|bullseye|buster|trixie)';

function candidate(reference: string, family: OsFamily, note: Text, source: string, opts: { sameRepository?: boolean; needsMultiStage?: boolean } = {}): BaseCandidate {
  return { reference, family, note: english(note), noteText: note, source, sameRepository: opts.sameRepository ?? false, needsMultiStage: opts.needsMultiStage ?? false };
}

/** The Debian release a suite or number names (`bookworm` → `12`), or undefined. */
function debianRelease(suite: string | undefined): string | undefined {
  if (!suite) return undefined;
  return DEBIAN_RELEASES[suite] ?? (/^\d+$/.test(suite) ? suite : undefined);
}

/** Distroless `static` / `base` / `cc` for a Debian release, when distroless publishes that release. */
function distrolessDebian(flavour: 'static' | 'base' | 'cc', release: string | undefined, note: Text): BaseCandidate | undefined {
  if (!release || !DISTROLESS_DEBIAN.has(release)) return undefined;
  return candidate(`gcr.io/distroless/${flavour}-debian${release}`, flavour === 'static' ? 'none' : 'debian', note, flavour === 'cc' ? SRC.distrolessCc : SRC.distrolessBase, { needsMultiStage: true });
}

/** `alpine3.19` in a tag → `alpine:3.19`. */
function alpineOfTag(tag: string): string | undefined {
  const m = /alpine(\d+\.\d+)/.exec(tag);
  return m ? `alpine:${m[1]}` : undefined;
}

function present<T>(xs: Array<T | undefined>): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

function recommendNode(tag: string): BaseRecommendation {
  const m = new RegExp(`^(\\d+(?:\\.\\d+){0,2}|lts|current|latest|[a-z]+)(?:-(.+))?$`).exec(tag);
  const version = m?.[1] ?? tag;
  const variant = m?.[2] ?? '';
  const major = /^\d+/.exec(version)?.[0] ?? NODE_CODENAMES[version];
  const lts = version === 'lts' || (!!major && Number(major) % 2 === 0 && Number(major) >= 4);
  const named = major ? `Node.js ${major}` : `Node.js ${version}`;
  const family: OsFamily = /alpine/.test(variant) ? 'alpine' : 'debian';
  const small = /(^|-)(slim|alpine)/.test(variant) || version === 'slim' || version === 'alpine';
  const notes: Text[] = [];
  if (major) notes.push(lts ? frag('docker.base.note.lts', '{name} is an LTS release.', { name: named }) : frag('docker.base.note.node-not-lts', '{name} is not an LTS release: only images of the same release are offered.', { name: named }));
  else if (version === 'lts') notes.push(frag('docker.base.note.node-lts-tag', '`lts` follows the newest LTS release.'));
  const candidates: BaseCandidate[] = [];
  if (!small) {
    const swap = nodeSlimTag(tag);
    if (swap) candidates.push(candidate(`node:${swap}`, 'debian', frag('docker.base.cand.same-without-compilers', 'the same {name} without compilers and build tools', { name: named }), SRC.node, { sameRepository: true }));
  }
  const suite = /^(bookworm)(?:-slim)?$/.exec(variant)?.[1];
  if (family === 'debian' && major && lts && DISTROLESS_NODE_MAJORS.has(major) && (variant === '' || variant === 'slim' || suite)) {
    candidates.push(candidate(`gcr.io/distroless/nodejs${major}-debian12`, 'debian', frag('docker.base.cand.node-distroless', '{name} on Debian 12 without a shell or package manager', { name: named }), SRC.distrolessNode, { needsMultiStage: true }));
  } else if (family === 'alpine') notes.push(frag('docker.base.note.node-alpine', 'Distroless Node.js images are Debian-based: not offered for an Alpine image.'));
  return rec(small ? named : frag('docker.base.what.full-debian', '{name}, the full Debian image', { name: named }), family, small, candidates, notes);
}

function recommendPython(tag: string): BaseRecommendation {
  const m = new RegExp(`^(\\d+(?:\\.\\d+){0,2}(?:[a-z]+\\d*)?|latest)(?:-(.+))?$`).exec(tag);
  const version = m?.[1] ?? tag;
  const variant = m?.[2] ?? '';
  const family: OsFamily = /alpine/.test(variant) || version === 'alpine' ? 'alpine' : 'debian';
  const small = /(^|-)(slim|alpine)/.test(variant) || version === 'slim' || version === 'alpine';
  const named = /^\d/.test(version) ? `Python ${version}` : 'Python';
  const candidates: BaseCandidate[] = [];
  if (!small) {
    const swap = pythonSlimTag(tag);
    if (swap) candidates.push(candidate(`python:${swap}`, 'debian', frag('docker.base.cand.same-without-compilers', 'the same {name} without compilers and build tools', { name: named }), SRC.python, { sameRepository: true }));
  }
  // Distroless python3-debian12 is Debian 12's own Python, 3.11: only for that version.
  if (family === 'debian' && /^3\.11(\.|$)/.test(version) && /^(|slim|bookworm|slim-bookworm)$/.test(variant)) {
    candidates.push(candidate('gcr.io/distroless/python3-debian12', 'debian', frag('docker.base.cand.python-distroless', "Debian 12's Python 3.11 without a shell or pip"), SRC.distrolessPython, { needsMultiStage: true }));
  }
  return rec(small ? named : frag('docker.base.what.full-debian', '{name}, the full Debian image', { name: named }), family, small, candidates, []);
}

function recommendGo(tag: string): BaseRecommendation {
  const family: OsFamily = /alpine/.test(tag) ? 'alpine' : 'debian';
  const release = debianRelease(new RegExp(`-${SUITE}$`).exec(tag)?.[1]);
  const candidates: BaseCandidate[] = [candidate('scratch', 'none', frag('docker.base.cand.scratch-static', 'nothing but the files you copy, for a static binary (CGO_ENABLED=0)'), SRC.scratch, { needsMultiStage: true })];
  const notes: Text[] = [];
  if (family === 'alpine') {
    const alpine = alpineOfTag(tag);
    if (alpine) candidates.push(candidate(alpine, 'alpine', frag('docker.base.cand.alpine-no-go', 'the same Alpine release without the Go toolchain'), SRC.alpine, { needsMultiStage: true }));
  } else {
    // A static binary runs on any release; a cgo binary needs the glibc it was built against.
    candidates.push(...present([
      distrolessDebian('static', release ?? '12', frag('docker.base.cand.distroless-static', 'CA certificates, tzdata and a nonroot user for a static binary')),
      distrolessDebian('base', release, frag('docker.base.cand.distroless-base-cgo', 'glibc for a cgo binary, built on the same Debian release')),
    ]));
    if (!release) notes.push(frag('docker.base.note.name-suite-glibc', 'Name the Debian suite (for example `-bookworm`) to be offered a glibc runtime of the same release.'));
  }
  return rec(frag('docker.base.what.go', 'a Go toolchain image'), family, false, candidates, notes);
}

function temurinFamily(tag: string): OsFamily | undefined {
  if (/alpine/.test(tag)) return 'alpine';
  if (/ubi\d/.test(tag)) return 'rhel';
  if (/(windowsservercore|nanoserver)/.test(tag)) return undefined;
  return 'ubuntu';
}

function recommendTemurin(tag: string): BaseRecommendation | undefined {
  const major = /^(\d+)/.exec(tag)?.[1];
  const family = temurinFamily(tag);
  if (!family) return undefined;
  const small = /(^|-)jre(-|$)/.test(tag);
  const named = major ? `Java ${major}` : 'Java';
  const notes: Text[] = [];
  const candidates: BaseCandidate[] = [];
  if (major && !JAVA_LTS.has(major)) notes.push(frag('docker.base.note.java-not-lts', '{name} is not an LTS release: JRE images are recommended for LTS releases only.', { name: named }));
  else if (major) notes.push(frag('docker.base.note.lts', '{name} is an LTS release.', { name: named }));
  if (!small && major && JAVA_LTS.has(major)) {
    const swap = temurinRuntimeTag(tag);
    if (swap) candidates.push(candidate(`eclipse-temurin:${swap}`, family, frag('docker.base.cand.temurin-jre', 'the same {name} runtime without the compiler and JDK tools', { name: named }), SRC.temurin, { sameRepository: true }));
  }
  return rec(small ? frag('docker.base.what.jre', '{name}, a JRE image', { name: named }) : frag('docker.base.what.jdk', '{name}, a JDK image', { name: named }), family, small, candidates, notes);
}

/** `21-jdk` → `21-jre`, `21` → `21-jre`, `21-jammy` → `21-jre-jammy`, `21-alpine` → `21-jre-alpine`. */
function temurinRuntimeTag(tag: string): string | undefined {
  if (/-jdk(-|$)/.test(tag)) return tag.replace(/-jdk(-|$)/, '-jre$1');
  if (/^\d+(\.\d+)*(_\d+)?$/.test(tag)) return `${tag}-jre`;
  const m = /^(\d+(?:\.\d+)*(?:_\d+)?)-([a-z][a-z0-9.-]*)$/.exec(tag);
  return m ? `${m[1]}-jre-${m[2]}` : undefined;
}

/** maven:3.9-eclipse-temurin-21[-alpine] and gradle:8-jdk21[-alpine]: the Temurin JRE of the same Java. */
function recommendBuildTool(repo: string, tag: string): BaseRecommendation | undefined {
  const major = (repo === 'maven' ? /eclipse-temurin-(\d+)/ : /jdk(\d+)/).exec(tag)?.[1];
  if (!major) return undefined;
  const os = /-(alpine|jammy|noble|focal)$/.exec(tag)?.[1];
  if (!os && /-(?!alpine|jammy|noble|focal)[a-z]+\d*$/.test(tag.replace(/(eclipse-temurin-|jdk)\d+$/, ''))) return undefined;
  const family: OsFamily = os === 'alpine' ? 'alpine' : 'ubuntu';
  const named = `Java ${major}`;
  const lts = JAVA_LTS.has(major);
  const candidates = lts
    ? [candidate(`eclipse-temurin:${major}-jre${os ? `-${os}` : ''}`, family, frag('docker.base.cand.build-tool-jre', 'the {name} runtime the {tool} image is built on, without {tool} and the JDK', { name: named, tool: repo }), SRC.temurin, { needsMultiStage: true })]
    : [];
  const notes = [lts ? frag('docker.base.note.lts', '{name} is an LTS release.', { name: named }) : frag('docker.base.note.java-not-lts', '{name} is not an LTS release: JRE images are recommended for LTS releases only.', { name: named })];
  return rec(frag('docker.base.what.build-image', 'a {tool} build image ({name})', { tool: repo === 'maven' ? 'Maven' : 'Gradle', name: named }), family, false, candidates, notes);
}

function recommendRust(tag: string): BaseRecommendation {
  const family: OsFamily = /alpine/.test(tag) ? 'alpine' : 'debian';
  const suite = new RegExp(`-${SUITE}$`).exec(tag)?.[1];
  const candidates: BaseCandidate[] = [];
  const notes: Text[] = [];
  if (family === 'alpine') {
    candidates.push(candidate('scratch', 'none', frag('docker.base.cand.scratch-musl', 'nothing but the files you copy, for a static musl binary'), SRC.scratch, { needsMultiStage: true }));
    const alpine = alpineOfTag(tag);
    if (alpine) candidates.push(candidate(alpine, 'alpine', frag('docker.base.cand.alpine-no-rust', 'the same Alpine release without the Rust toolchain'), SRC.alpine, { needsMultiStage: true }));
  } else if (suite) {
    const release = debianRelease(suite);
    candidates.push(...present([
      distrolessDebian('cc', release, frag('docker.base.cand.distroless-cc', 'glibc and libgcc on the same Debian release, without a shell')),
      candidate(`debian:${suite}-slim`, 'debian', frag('docker.base.cand.debian-no-rust', 'the same Debian release without the Rust toolchain'), SRC.debian, { needsMultiStage: true }),
    ]));
  } else notes.push(frag('docker.base.note.name-suite-runtime', 'Name the Debian suite (for example `-bookworm`) to be offered a runtime of the same release: a binary needs the glibc it was built against.'));
  return rec(frag('docker.base.what.rust', 'a Rust toolchain image'), family, false, candidates, notes);
}

function recommendDotnet(tag: string): BaseRecommendation | undefined {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(?:-(.+))?$/.exec(tag);
  if (!m) return undefined;
  const version = `${m[1]}.${m[2]}`;
  const variant = m[3];
  const family: OsFamily | undefined = !variant || /^(bookworm|trixie)-slim$/.test(variant) ? 'debian'
    : /^(jammy|noble)$/.test(variant) ? 'ubuntu' : /^alpine/.test(variant) ? 'alpine' : undefined;
  if (!family) return undefined;
  const suffix = variant ? `-${variant}` : '';
  const named = `.NET ${version}`;
  const candidates = [
    candidate(`mcr.microsoft.com/dotnet/aspnet:${version}${suffix}`, family, frag('docker.base.cand.dotnet-aspnet', 'the {name} ASP.NET Core runtime without the SDK', { name: named }), SRC.dotnet, { needsMultiStage: true }),
    candidate(`mcr.microsoft.com/dotnet/runtime:${version}${suffix}`, family, frag('docker.base.cand.dotnet-runtime', 'the {name} runtime without the SDK, for console apps', { name: named }), SRC.dotnet, { needsMultiStage: true }),
  ];
  if (family === 'ubuntu') candidates.push(candidate(`mcr.microsoft.com/dotnet/aspnet:${version}-${variant}-chiseled`, 'ubuntu', frag('docker.base.cand.dotnet-chiseled', 'the {name} runtime on chiselled Ubuntu: no shell, no package manager, non-root', { name: named }), SRC.dotnet, { needsMultiStage: true }));
  const lts = Number(m[1]) % 2 === 0;
  return rec(frag('docker.base.what.dotnet-sdk', 'the {name} SDK image', { name: named }), family, false, candidates, [lts ? frag('docker.base.note.lts', '{name} is an LTS release.', { name: named }) : frag('docker.base.note.sts', '{name} is an STS (not LTS) release.', { name: named })]);
}

function recommendCompilerImage(repo: string, tag: string): BaseRecommendation | undefined {
  const ubuntu = /^(jammy|noble|focal)(-|$)/.exec(tag)?.[1];
  if (repo === 'buildpack-deps' && ubuntu) {
    return rec(frag('docker.base.what.compiler', 'a compiler image ({repo})', { repo: 'buildpack-deps' }), 'ubuntu', false, [candidate(`ubuntu:${ubuntu}`, 'ubuntu', frag('docker.base.cand.ubuntu-no-compilers', 'the same Ubuntu release without compilers and headers'), 'https://hub.docker.com/_/ubuntu', { needsMultiStage: true })], []);
  }
  const suite = (repo === 'buildpack-deps' ? new RegExp(`^${SUITE}(-|$)`) : new RegExp(`-${SUITE}$`)).exec(tag)?.[1];
  if (!suite) {
    return rec(frag('docker.base.what.compiler', 'a compiler image ({repo})', { repo }), 'debian', false, [], [frag('docker.base.note.name-suite-runtime', 'Name the Debian suite (for example `-bookworm`) to be offered a runtime of the same release: a binary needs the glibc it was built against.')]);
  }
  return rec(frag('docker.base.what.compiler', 'a compiler image ({repo})', { repo }), 'debian', false, present([
    candidate(`debian:${suite}-slim`, 'debian', frag('docker.base.cand.debian-no-compilers', 'the same Debian release without compilers and headers'), SRC.debian, { needsMultiStage: true }),
    distrolessDebian('cc', debianRelease(suite), frag('docker.base.cand.distroless-cc', 'glibc and libgcc on the same Debian release, without a shell')),
  ]), []);
}

function recommendDebian(tag: string): BaseRecommendation {
  const small = /slim/.test(tag);
  const release = debianRelease(/^([a-z]+|\d+)/.exec(tag)?.[1]);
  const named = release ? `Debian ${release}` : 'Debian';
  const candidates: BaseCandidate[] = [];
  if (!small) {
    const swap = debianSlimTag(tag);
    if (swap) candidates.push(candidate(`debian:${swap}`, 'debian', frag('docker.base.cand.debian-slim', 'the same {name} without documentation, man pages and locales', { name: named }), SRC.debian, { sameRepository: true }));
  }
  const distroless = distrolessDebian('base', release, frag('docker.base.cand.distroless-base', 'glibc, CA certificates and a nonroot user on {name}, without a shell or apt', { name: named }));
  if (distroless) candidates.push(distroless);
  const notes = /^(sid|unstable|testing|experimental|rc-buggy)/.test(tag) ? [frag('docker.base.note.unstable', '`{tag}` is not a stable release: nothing is offered for it.', { tag })] : [];
  return rec(small ? frag('docker.base.what.slim', '{name}, the slim image', { name: named }) : frag('docker.base.what.full', '{name}, the full image', { name: named }), 'debian', small, notes.length ? [] : candidates, notes);
}

function recommendUbuntu(tag: string): BaseRecommendation {
  const version = /^\d+\.\d+$/.test(tag) ? tag : UBUNTU_SUITES[tag.replace(/-\d{8}.*$/, '')];
  const notes: Text[] = [];
  if (version) {
    const [yy, mm] = version.split('.').map(Number);
    const lts = mm === 4 && yy % 2 === 0;
    notes.push(lts ? frag('docker.base.note.lts', '{name} is an LTS release.', { name: `Ubuntu ${version}` }) : frag('docker.base.note.ubuntu-interim', '{name} is not an LTS release (about nine months of support).', { name: `Ubuntu ${version}` }));
  }
  notes.push(frag('docker.base.note.ubuntu-chiselled', 'No smaller general-purpose Ubuntu base is published: chiselled Ubuntu images are built per application.'));
  return rec(version ? `Ubuntu ${version}` : 'Ubuntu', 'ubuntu', false, [], notes);
}

function recommendRhel(repo: string, tag: string): BaseRecommendation | undefined {
  if (repo === 'fedora') {
    if (!/^\d+$/.test(tag)) return rec('Fedora', 'fedora', false, [], [frag('docker.base.note.name-fedora', 'Name the Fedora release (for example `fedora:40`) to be offered its minimal image.')]);
    return rec(`Fedora ${tag}`, 'fedora', false, [candidate(`registry.fedoraproject.org/fedora-minimal:${tag}`, 'fedora', frag('docker.base.cand.microdnf', 'the same {name} with microdnf instead of dnf', { name: `Fedora ${tag}` }), SRC.fedora)], []);
  }
  // centos:7, centos:8, quay.io/centos/centos:stream9 → the UBI of the same RHEL major.
  const major = /^(?:stream)?(\d+)/.exec(tag)?.[1];
  if (!major || !['7', '8', '9', '10'].includes(major)) return rec('CentOS', 'rhel', false, [], []);
  return rec(`CentOS ${major}`, 'rhel', false,
    [candidate(`registry.access.redhat.com/ubi${major}/ubi-minimal`, 'rhel', frag('docker.base.cand.ubi-for-centos', "Red Hat's freely redistributable RHEL {major} base with microdnf instead of yum/dnf", { major }), SRC.ubi)],
    major === '7' || major === '8' ? [frag('docker.base.note.centos-eol', '{name} no longer receives updates.', { name: `CentOS ${major}` })] : []);
}

function recommendUbi(major: string, flavour: string, tag: string | undefined): BaseRecommendation {
  const t = tag ? `:${tag}` : '';
  const small = flavour !== 'ubi';
  const candidates = small ? [] : [
    candidate(`registry.access.redhat.com/ubi${major}/ubi-minimal${t}`, 'rhel', frag('docker.base.cand.microdnf', 'the same {name} with microdnf instead of dnf', { name: `RHEL ${major}` }), SRC.ubi, { sameRepository: false }),
    candidate(`registry.access.redhat.com/ubi${major}/ubi-micro${t}`, 'rhel', frag('docker.base.cand.no-package-manager', 'the same {name} without a package manager', { name: `RHEL ${major}` }), SRC.ubi, { needsMultiStage: true }),
  ];
  return rec(`UBI ${major}${small ? ` (${flavour})` : ''}`, 'rhel', small, candidates, []);
}

/**
 * The catalogue's smaller or hardened equivalents of a base image (same ecosystem, version, LTS
 * track and OS family), or undefined when the catalogue does not know the image.
 */
export function recommendBase(ref: ImageRef): BaseRecommendation | undefined {
  const key = catalogueKey(ref);
  const tag = (ref.tag ?? 'latest').toLowerCase();
  if (key.includes('distroless') || key.startsWith('cgr.dev/')) return rec(frag('docker.base.what.distroless', 'a distroless image'), 'none', true, [], []);
  const ubi = /^registry\.access\.redhat\.com\/ubi(\d+)\/(ubi|ubi-minimal|ubi-micro)$/.exec(key);
  if (ubi) return recommendUbi(ubi[1], ubi[2], ref.tag);
  switch (key) {
    case 'node': return recommendNode(tag);
    case 'python': return recommendPython(tag);
    case 'golang': return recommendGo(tag);
    case 'eclipse-temurin': return recommendTemurin(tag);
    case 'maven': case 'gradle': return recommendBuildTool(key, tag);
    case 'rust': return recommendRust(tag);
    case 'mcr.microsoft.com/dotnet/sdk': return recommendDotnet(tag);
    case 'gcc': case 'buildpack-deps': return recommendCompilerImage(key, tag);
    case 'debian': return recommendDebian(tag);
    case 'ubuntu': return recommendUbuntu(tag);
    case 'centos': case 'quay.io/centos/centos': case 'fedora': return recommendRhel(key === 'fedora' ? 'fedora' : 'centos', tag);
    case 'almalinux': case 'oraclelinux': {
      const small = /(minimal|slim|micro)/.test(tag);
      const major = /^(\d+)(\.\d+)?$/.exec(tag)?.[0];
      const variant = key === 'almalinux' ? 'minimal' : 'slim';
      const name = key === 'almalinux' ? 'AlmaLinux' : 'Oracle Linux';
      return rec(`${name}${major ? ` ${major}` : ''}`, 'rhel', small,
        !small && major ? [candidate(`${key}:${major}-${variant}`, 'rhel', frag('docker.base.cand.microdnf', 'the same {name} with microdnf instead of dnf', { name: `${name} ${major}` }), key === 'almalinux' ? SRC.almalinux : SRC.oraclelinux, { sameRepository: true })] : [], []);
    }
    case 'alpine': case 'busybox': return rec(key === 'alpine' ? 'Alpine Linux' : 'BusyBox', 'alpine', true, [], []);
    default: return undefined;
  }
}

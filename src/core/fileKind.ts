import { FileKind } from './model';

/**
 * Which analyser a file name calls for. Compose file names are Compose; other YAML files are
 * candidates for Kubernetes: the Kubernetes analyser itself decides (apiVersion + kind) and stays
 * silent otherwise, and `analyze` then tries Compose (a top-level `services:` mapping).
 */
export function detectFileKind(fileName: string, languageId?: string): FileKind | undefined {
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
  const lower = base.toLowerCase();
  if (languageId === 'dockerfile') return 'dockerfile';
  // GitHub Actions workflows: only the files GitHub runs (`.github/workflows/*.yml|yaml`, not nested).
  if (/(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(fileName.replace(/\\/g, '/'))) return 'github-workflow';
  // Compose names first: `compose.yaml`, `compose.override.yml`, `docker-compose.prod.yml`, `docker-compose-dev.yaml`.
  if (/^(docker-compose[^/]*|compose(\.[^/]+)?)\.ya?ml$/.test(lower)) return 'compose';
  // Other YAML: core/index.ts `analyze` tries Compose when the text is not Kubernetes but has a top-level `services:`.
  if (languageId === 'yaml' || languageId === 'dockercompose') return 'kubernetes';
  // `Dockerfile.dockerignore`: the ignore file BuildKit reads next to a Dockerfile.
  if (lower.endsWith('.dockerignore')) return undefined;
  if (lower === 'dockerfile' || lower === 'containerfile') return 'dockerfile';
  if (lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) return 'dockerfile';
  // `Dockerfile.dev`, `Dockerfile-chroot`, `Containerfile.webhook`: the names `docker build -f` users give.
  if (/^(docker|container)file[.-]./.test(lower)) return 'dockerfile';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'kubernetes';
  return undefined;
}

/**
 * The names `detectFileKind` reads as Dockerfiles, as one glob brace group (the editor's document
 * selector and workspace check); `test/unit/file-kind-glob.test.ts` keeps the two in step.
 */
export const DOCKERFILE_NAME_GROUP = '{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Dockerfile-*,Containerfile.*,Containerfile-*}';

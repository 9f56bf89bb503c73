/**
 * The environment each external program gets: an allow-list per tool, never everything we have.
 * `COSIGN_PASSWORD` is cosign's, not Trivy's; `SNYK_TOKEN` is Snyk's, not Grype's; git gets
 * nothing that could point it elsewhere (`GIT_DIR`, `GIT_CONFIG_*`).
 */

/** Which allow-list a child gets. */
export type ToolEnvProfile = 'trivy' | 'grype' | 'snyk' | 'docker' | 'podman' | 'cosign' | 'git' | 'render' | 'generic';

/** Names (or `PREFIX*` patterns) every child may see: where to find programs, home, temp, locale, proxies, CAs. */
const BASE = [
  'PATH', 'PATHEXT', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'NO_COLOR',
  'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  // Windows: a process without these cannot even start its runtime.
  'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH', 'APPDATA', 'LOCALAPPDATA', 'SYSTEMROOT', 'WINDIR', 'SYSTEMDRIVE', 'PROGRAMDATA',
  'PROGRAMFILES', 'PROGRAMFILES(X86)', 'COMSPEC', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE', 'OS',
];

/** Reaching a container engine and a registry: the daemon socket, registry credentials and their helpers' cloud logins. */
const CONTAINER = [
  'DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_CONTEXT', 'DOCKER_API_VERSION',
  'CONTAINER_HOST', 'CONTAINER_SSHKEY', 'CONTAINER_CONNECTION', 'CONTAINERS_*', 'REGISTRY_AUTH_FILE', 'CONTAINERD_ADDRESS', 'CONTAINERD_NAMESPACE',
  'AWS_*', 'GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_*', 'AZURE_*',
];

const PROFILES: Readonly<Record<ToolEnvProfile, readonly string[]>> = {
  generic: BASE,
  git: BASE,
  // helm template / kubectl kustomize: where helm keeps its repositories and plugins; no cluster credentials (nothing is applied).
  render: [
    ...BASE, 'HELM_CACHE_HOME', 'HELM_CONFIG_HOME', 'HELM_DATA_HOME', 'HELM_PLUGINS', 'HELM_REGISTRY_CONFIG', 'HELM_REPOSITORY_CACHE',
    'HELM_REPOSITORY_CONFIG', 'KUSTOMIZE_PLUGIN_HOME',
  ],
  trivy: [...BASE, ...CONTAINER, 'TRIVY_*'],
  grype: [...BASE, ...CONTAINER, 'GRYPE_*', 'SYFT_*'],
  snyk: [...BASE, ...CONTAINER, 'SNYK_*', 'NODE_EXTRA_CA_CERTS'],
  docker: [...BASE, ...CONTAINER, 'DOCKER_*', 'BUILDX_*', 'BUILDKIT_*'],
  podman: [...BASE, ...CONTAINER, 'PODMAN_*'],
  cosign: [
    ...BASE, ...CONTAINER, 'COSIGN_*', 'SIGSTORE_*', 'TUF_ROOT', 'VAULT_*', 'KUBECONFIG', 'GITHUB_TOKEN', 'GITLAB_TOKEN',
    'GITLAB_HOST', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  ],
};

/**
 * Extra names the user lets through to every tool: `SHIPSHAPE_PASS_ENV=NAME,OTHER,PREFIX_*`
 * (their own environment, never a workspace setting).
 */
export const PASS_ENV_VARIABLE = 'SHIPSHAPE_PASS_ENV';

/** The allow-list of a profile, as written (for docs and tests). */
export function allowedNames(profile: ToolEnvProfile): readonly string[] {
  return PROFILES[profile];
}

function matcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    const upper = p.trim().toUpperCase();
    if (!upper) continue;
    if (upper.endsWith('*')) {
      // A bare `*` would let everything through, which is what this module exists to prevent.
      if (upper.length > 1) prefixes.push(upper.slice(0, -1));
    } else exact.add(upper);
  }
  return (name) => {
    const upper = name.toUpperCase();
    return exact.has(upper) || prefixes.some((p) => upper.startsWith(p));
  };
}

/**
 * The environment a child of `profile` gets from `base` (default: ours): only allowed names,
 * plus those named by SHIPSHAPE_PASS_ENV, then `extra` (what the caller sets on purpose, such as
 * COSIGN_PASSWORD for cosign) on top. Names compare case-insensitively (Windows spells `Path`).
 */
export function childEnvironment(profile: ToolEnvProfile, base: NodeJS.ProcessEnv = process.env, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const passEnv = Object.entries(base).find(([k]) => k.toUpperCase() === PASS_ENV_VARIABLE)?.[1] ?? '';
  const allowed = matcher([...PROFILES[profile], ...passEnv.split(',')]);
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && allowed(name)) out[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

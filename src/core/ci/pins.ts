/**
 * The one table of third-party GitHub Actions Shipshape writes into workflows (the generated
 * pipeline and `action.yml`): each pinned by full commit SHA, with the release it is and where
 * the SHA ↔ version pair was checked. A tag can be moved to other code; a commit cannot.
 *
 * To update a pin: resolve the release tag to its commit (`git ls-remote <repo> refs/tags/vX`,
 * peeled `^{}` for annotated tags), change `sha` and `version` together, and say where you checked.
 */

/** A third-party action pinned to a commit. */
export interface ActionPin {
  /** `owner/repo` or `owner/repo/path` as written before `@`. */
  action: string;
  /** Full 40-hex commit SHA. */
  sha: string;
  /** The release tag the commit is, written as the line's comment. */
  version: string;
}

/** Every pinned action, by a short name of ours. */
export const PINS = {
  // Public workflows pinning `actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2`
  // (many, e.g. SHA-pinning guides and renovate-maintained workflows found by code search).
  checkout: { action: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  // Public workflows: `actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0`
  // (e.g. a pin table listing "actions/setup-node v4.4.0 49933ea…" and workflows using it).
  setupNode: { action: 'actions/setup-node', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  // Public workflows: `actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3`
  // (several workflows and a pin-to-version map `… version=v4.2.3`).
  cache: { action: 'actions/cache', sha: '5a3ec84eff668545956fd18022155c47e93e2684', version: 'v4.2.3' },
  // Public workflows: `github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9`
  // (pinact's README example and workflows uploading Grype SARIF; a pin table "v4.31.9 5d4e8d1…").
  uploadSarif: { action: 'github/codeql-action/upload-sarif', sha: '5d4e8d1aca955e8d8589aabd499c5cae939e33c7', version: 'v4.31.9' },
  // Public workflows: `docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435 # v3.11.1`
  // (many workflows; a tag → SHA list "v3.11.1 → e468171…").
  setupBuildx: { action: 'docker/setup-buildx-action', sha: 'e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  // Public workflows: `docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0` (many).
  login: { action: 'docker/login-action', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772', version: 'v3.4.0' },
  // Public workflows: `docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0` (many).
  buildPush: { action: 'docker/build-push-action', sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  // Public workflows: `sigstore/cosign-installer@398d4b0eeef1380460a10c8013a76f728fb906ac` with
  // comment `# v3` in many and `# v3.9.1` in a pin table (the exact patch release seen once only).
  cosignInstaller: { action: 'sigstore/cosign-installer', sha: '398d4b0eeef1380460a10c8013a76f728fb906ac', version: 'v3.9.1' },
  // Public workflows: `aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0`
  // (many; one notes it as the peeled commit of the v0.36.0 tag, confirmed through the GitHub API).
  // Pinning by commit is what protected workflows when trivy-action's tags were rewritten in 2026.
  trivy: { action: 'aquasecurity/trivy-action', sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
  // Public workflows: `anchore/scan-action@e1165082ffb1fe366ebaf02d8526e7c4989ea9d2 # v7.4.0`
  // (a workflow scanning an SBOM with it and a pin table "anchore/scan-action v7.4.0 e116508…").
  grype: { action: 'anchore/scan-action', sha: 'e1165082ffb1fe366ebaf02d8526e7c4989ea9d2', version: 'v7.4.0' },
} as const satisfies Record<string, ActionPin>;

export type PinName = keyof typeof PINS;

/**
 * Shipshape's own action (`action.yml` of this repository, package.json `repository`). Its commit
 * is the user's to choose (`shipshape ci init --action-sha`): a release of ours is not in this table.
 */
export const SHIPSHAPE_ACTION = 'shipshape-dev/shipshape';

/** The `uses:` value of a pin: `owner/repo@sha`. */
export function usesOf(pin: ActionPin): string {
  return `${pin.action}@${pin.sha}`;
}

/**
 * Container images the GitLab pipeline runs, by tag (GitLab CI has no commit pin for them; a
 * digest would pin one architecture's manifest list and go stale without notice).
 */
export const GITLAB_IMAGES = {
  node: 'node:20-alpine',
  docker: 'docker:27',
  dind: 'docker:27-dind',
  alpine: 'alpine:3.20',
  // The release pinned by public CI after the 2026 Trivy supply-chain incident (avoid `latest`).
  trivy: 'aquasec/trivy:0.69.3',
  grype: 'anchore/grype:v0.110.0',
} as const;

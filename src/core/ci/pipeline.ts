/**
 * The container security pipeline `shipshape ci init` and "Generate CI Pipeline…" write: check
 * the Dockerfiles and manifests (SARIF to code scanning), build the image, scan it and block on
 * the chosen severities, push it, and sign it with cosign by the digest the build reported, never
 * by a tag. Pure: options in, YAML text out (built as a `yaml` Document, so every value the user
 * gave is quoted by the library, never pasted into a string).
 */
import type { Document, Scalar } from 'yaml';
import { parseImageRef, validateImageRefText } from '../imageRef';
import { english, frag, LocalizedError, Text } from '../l10n/text';
import { kyvernoPolicy, policyControllerPolicy, PolicyAuthority } from '../signing/policy';
import { ActionPin, GITLAB_IMAGES, PINS, SHIPSHAPE_ACTION, usesOf } from './pins';
// The package-scoped rules "Ignore vulnerability" writes; Trivy reads them only when named with --ignorefile.
import { TRIVY_IGNORE_YAML } from '../scan/ignoreFiles';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlLib = (): typeof import('yaml') => require('yaml');

export type CiProvider = 'github' | 'gitlab';
export type CiScanner = 'trivy' | 'grype';
export type CiSigning = 'keyless' | 'key';
export type CiPolicy = 'kyverno' | 'policy-controller';

/** Scanner severities, most severe first (Trivy's names; Grype takes the least severe as its cutoff). */
export const SCAN_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type ScanSeverity = (typeof SCAN_SEVERITIES)[number];

export interface PipelineOptions {
  provider: CiProvider;
  /**
   * Repository to push to, without tag or digest (`ghcr.io/acme/app`). Absent: GitHub pushes to
   * `ghcr.io/<owner>/<repo>` (lower-cased at run time), GitLab to `$CI_REGISTRY_IMAGE`.
   */
  image?: string;
  scanner?: CiScanner;
  sign?: CiSigning;
  /** Report only vulnerabilities that have a fix. */
  ignoreUnfixed?: boolean;
  /** Severities that fail the scan (default CRITICAL, HIGH). */
  severity?: readonly string[];
  /** `shipshape check --fail-on` (default high). */
  failOn?: string;
  /** Also generate an admission policy that admits only the signed image. */
  policy?: CiPolicy;
  /** `owner/repo` (GitHub) or `group/project` (GitLab) the keyless signature identity names; derived from the image when absent. */
  repository?: string;
  /** Branch whose pipeline signs (keyless identity in the policy). Default main. */
  branch?: string;
  /** PEM public key for a key-signing policy (cosign.pub). */
  publicKeyPem?: string;
  /**
   * Commit of Shipshape's own action for the GitHub check job (it builds the CLI from that
   * commit). Absent: the job runs the npm package `shipshape` at the generating version.
   */
  actionSha?: string;
}

export interface GeneratedFile {
  /** Path relative to the workspace root. */
  path: string;
  text: string;
}

export interface GeneratedPipeline {
  pipeline: GeneratedFile;
  /** The admission policy, when asked for. */
  policy?: GeneratedFile;
}

/** A usage problem with the options (bad image reference, severity…), for the user. */
export class PipelineOptionsError extends LocalizedError {}

/** Where each provider's pipeline lives. */
export const PIPELINE_PATHS: Record<CiProvider, string> = {
  github: '.github/workflows/container-security.yml',
  gitlab: '.gitlab-ci.yml',
};

/** Where the admission policy is written next to the pipeline. */
export const POLICY_PATH = 'deploy/shipshape-admission-policy.yaml';

const SHIPSHAPE_NPM = 'shipshape';
const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'];

interface Resolved {
  provider: CiProvider;
  image?: string;
  scanner: CiScanner;
  sign: CiSigning;
  ignoreUnfixed: boolean;
  severity: ScanSeverity[];
  failOn: string;
  registry?: string;
  cliVersion: string;
  actionSha?: string;
}

/** Why an image given for a pipeline is refused, or undefined when it may be written. */
export function validatePipelineImage(image: string): string | undefined {
  const why = pipelineImageProblem(image);
  return why && english(why);
}

function pipelineImageProblem(image: string): Text | undefined {
  const why = validateImageRefText(image);
  if (why) return why;
  const ref = parseImageRef(image)!;
  if (ref.digest) return frag('ci.image.digest', 'give the repository without a digest: the pipeline signs the digest its build produces');
  if (ref.tag) return frag('ci.image.tag', 'give the repository without a tag: the pipeline tags the image with the commit SHA');
  return undefined;
}

/** The scan severities of a list like `critical,high`, most severe first; throws on an unknown one. */
export function parseScanSeverities(list: readonly string[] | undefined): ScanSeverity[] {
  if (!list || list.length === 0) return ['CRITICAL', 'HIGH'];
  const out = new Set<ScanSeverity>();
  for (const item of list.flatMap((s) => s.split(','))) {
    const s = item.trim().toUpperCase();
    if (!s) continue;
    if (!(SCAN_SEVERITIES as readonly string[]).includes(s)) {
      throw new PipelineOptionsError(frag('ci.unknown-severity', "unknown severity '{value}': use {allowed}", { value: item.trim(), allowed: SCAN_SEVERITIES.join(', ') }));
    }
    out.add(s as ScanSeverity);
  }
  if (out.size === 0) throw new PipelineOptionsError(frag('ci.no-severity', 'no severity given'));
  return SCAN_SEVERITIES.filter((s) => out.has(s));
}

function resolve(opts: PipelineOptions, cliVersion: string): Resolved {
  if (opts.provider !== 'github' && opts.provider !== 'gitlab') throw new PipelineOptionsError(frag('ci.unknown-provider', "unknown provider '{value}': use github or gitlab", { value: String(opts.provider) }));
  const scanner = opts.scanner ?? 'trivy';
  if (scanner !== 'trivy' && scanner !== 'grype') throw new PipelineOptionsError(frag('ci.unknown-scanner', "unknown scanner '{value}': use trivy or grype", { value: String(scanner) }));
  const sign = opts.sign ?? 'keyless';
  if (sign !== 'keyless' && sign !== 'key') throw new PipelineOptionsError(frag('ci.unknown-signing', "unknown signing '{value}': use keyless or key", { value: String(sign) }));
  const failOn = (opts.failOn ?? 'high').toLowerCase();
  if (!FAIL_ON.includes(failOn)) throw new PipelineOptionsError(frag('ci.fail-on', '--fail-on must be one of {allowed}', { allowed: FAIL_ON.join(', ') }));
  if (!/^\d+\.\d+\.\d+$/.test(cliVersion)) throw new PipelineOptionsError(frag('ci.not-release', 'not a release version: {version}', { version: cliVersion }));
  if (opts.actionSha !== undefined && !/^[0-9a-f]{40}$/.test(opts.actionSha)) {
    throw new PipelineOptionsError(frag('ci.action-sha', "--action-sha must be a full 40-character commit SHA of {action} (got '{value}')", { action: SHIPSHAPE_ACTION, value: String(opts.actionSha) }));
  }
  let registry: string | undefined;
  if (opts.image !== undefined) {
    const why = pipelineImageProblem(opts.image);
    if (why) throw new PipelineOptionsError(why);
    registry = parseImageRef(opts.image)!.registry ?? 'docker.io';
  }
  return {
    provider: opts.provider,
    image: opts.image,
    scanner,
    sign,
    ignoreUnfixed: opts.ignoreUnfixed ?? false,
    severity: parseScanSeverities(opts.severity),
    failOn,
    registry,
    cliVersion,
    actionSha: opts.actionSha,
  };
}

/** The scalar `owner/repo@sha` with the release as its trailing comment. */
function uses(pin: ActionPin): Scalar {
  const { Scalar: ScalarNode } = yamlLib();
  const s = new ScalarNode(usesOf(pin));
  s.comment = ` ${pin.version}`;
  return s;
}

/** A multi-line shell script as a literal block (`run: |`), readable and diff-friendly. */
function script(lines: string[]): Scalar | string {
  if (lines.length === 1) return lines[0];
  const { Scalar: ScalarNode } = yamlLib();
  const s = new ScalarNode(`${lines.join('\n')}\n`);
  s.type = ScalarNode.BLOCK_LITERAL;
  return s;
}

function render(doc: Document, header: string): string {
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

/**
 * The check command the pipeline runs: the released CLI at the exact version that generated it,
 * so a new release never changes a pipeline without a reviewed edit.
 */
function checkCommandLine(r: Resolved): string {
  return `npx --yes ${SHIPSHAPE_NPM}@${r.cliVersion} check . --format sarif --fail-on ${r.failOn} > shipshape.sarif`;
}

const NOT_PR = "github.event_name != 'pull_request'";
/** A token may write security events: not on a pull request from a fork (its token is read-only). */
const MAY_UPLOAD = "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository";

function githubLoginStep(r: Resolved): Record<string, unknown> {
  if (!r.registry || r.registry === 'ghcr.io') {
    return { name: 'Log in to ghcr.io', if: NOT_PR, uses: uses(PINS.login), with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' } };
  }
  // docker/login-action's default registry is Docker Hub.
  const registry = r.registry === 'docker.io' ? {} : { registry: r.registry };
  return { name: `Log in to ${r.registry}`, if: NOT_PR, uses: uses(PINS.login), with: { ...registry, username: '${{ secrets.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' } };
}

/**
 * Decides at run time which ignore file the Trivy step is given: the workspace's
 * `.trivyignore.yaml` when it is a regular file (a link could make trivy-action print another
 * file to the log), else none (Trivy then reads a plain `.trivyignore` itself). Trivy reads one
 * ignore file, so with both present the plain ids would be dropped: say so in the log.
 */
const GITHUB_TRIVY_IGNORE_SCRIPT = [
  `if [ -f ${TRIVY_IGNORE_YAML} ] && [ ! -L ${TRIVY_IGNORE_YAML} ]; then`,
  `  echo "file=${TRIVY_IGNORE_YAML}" >> "$GITHUB_OUTPUT"`,
  `  if [ -e .trivyignore ]; then echo "::warning file=.trivyignore::Trivy reads one ignore file: with ${TRIVY_IGNORE_YAML} given, the ids in .trivyignore are not applied. Move them into ${TRIVY_IGNORE_YAML}."; fi`,
  'fi',
];

function githubTrivyIgnoreStep(): Record<string, unknown> {
  return { name: `Trivy ignore file (${TRIVY_IGNORE_YAML} when present)`, id: 'trivyignore', run: script(GITHUB_TRIVY_IGNORE_SCRIPT) };
}

function githubScanStep(r: Resolved, ref: string): Record<string, unknown> {
  if (r.scanner === 'trivy') {
    const withs: Record<string, unknown> = { 'image-ref': ref, format: 'table', 'exit-code': '1', severity: r.severity.join(',') };
    // Empty when the workspace has no .trivyignore.yaml: trivy-action then passes no ignore file.
    withs.trivyignores = '${{ steps.trivyignore.outputs.file }}';
    if (r.ignoreUnfixed) withs['ignore-unfixed'] = true;
    return { name: `Scan the image (Trivy, blocks on ${r.severity.join(', ')})`, uses: uses(PINS.trivy), with: withs };
  }
  // Grype fails at or above one cutoff: the least severe chosen (UNKNOWN is Grype's "negligible"-or-worse, so low).
  const cutoff = r.severity[r.severity.length - 1];
  const withs: Record<string, unknown> = { image: ref, 'fail-build': true, 'severity-cutoff': grypeCutoff(cutoff), 'output-format': 'table' };
  if (r.ignoreUnfixed) withs['only-fixed'] = true;
  return { name: `Scan the image (Grype, blocks at ${grypeCutoff(cutoff)} and above)`, uses: uses(PINS.grype), with: withs };
}

function grypeCutoff(s: ScanSeverity): string {
  return s === 'UNKNOWN' ? 'negligible' : s.toLowerCase();
}

function githubPipeline(r: Resolved): string {
  const { Document: Doc } = yamlLib();
  const ghcr = !r.registry || r.registry === 'ghcr.io';
  const ref = '${{ steps.image.outputs.name }}:${{ github.sha }}';
  const imageStep = r.image === undefined
    ? { name: 'Image name', id: 'image', run: 'echo "name=ghcr.io/${GITHUB_REPOSITORY,,}" >> "$GITHUB_OUTPUT"' }
    : { name: 'Image name', id: 'image', env: { IMAGE: r.image }, run: 'echo "name=${IMAGE}" >> "$GITHUB_OUTPUT"' };

  const buildPermissions: Record<string, string> = { contents: 'read' };
  if (ghcr) buildPermissions.packages = 'write';
  const signPermissions: Record<string, string> = {};
  if (r.sign === 'keyless') signPermissions['id-token'] = 'write';
  if (ghcr) signPermissions.packages = 'write';

  const signEnv: Record<string, string> = {
    IMAGE: '${{ needs.build.outputs.image }}',
    DIGEST: '${{ needs.build.outputs.digest }}',
  };
  if (r.sign === 'key') {
    signEnv.COSIGN_PRIVATE_KEY = '${{ secrets.COSIGN_PRIVATE_KEY }}';
    signEnv.COSIGN_PASSWORD = '${{ secrets.COSIGN_PASSWORD }}';
  }
  const signCommand = r.sign === 'key'
    ? 'cosign sign --yes --key env://COSIGN_PRIVATE_KEY "${IMAGE}@${DIGEST}"'
    : 'cosign sign --yes "${IMAGE}@${DIGEST}"';

  const workflow = {
    name: 'Container security',
    on: { push: { branches: ['main'] }, pull_request: { branches: ['main'] } },
    permissions: {},
    jobs: {
      check: {
        name: 'Shipshape check',
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read', 'security-events': 'write' },
        steps: r.actionSha
          ? [
            { uses: uses(PINS.checkout), with: { 'persist-credentials': false } },
            // The action uploads the SARIF (also when findings fail the job), then fails per fail-on.
            { name: 'Check Dockerfiles and manifests', uses: uses({ action: SHIPSHAPE_ACTION, sha: r.actionSha, version: `v${r.cliVersion}` }), with: { paths: '.', 'fail-on': r.failOn, sarif: 'shipshape.sarif', 'upload-sarif': `\${{ ${MAY_UPLOAD} }}` } },
          ]
          : [
            { uses: uses(PINS.checkout), with: { 'persist-credentials': false } },
            { uses: uses(PINS.setupNode), with: { 'node-version': 20 } },
            { name: 'Check Dockerfiles and manifests', run: checkCommandLine(r) },
            {
              name: 'Upload SARIF to code scanning',
              if: `always() && hashFiles('shipshape.sarif') != '' && (${MAY_UPLOAD})`,
              uses: uses(PINS.uploadSarif),
              with: { sarif_file: 'shipshape.sarif', category: 'shipshape' },
            },
          ],
      },
      build: {
        name: 'Build, scan, push',
        needs: 'check',
        'runs-on': 'ubuntu-latest',
        permissions: buildPermissions,
        outputs: { image: '${{ steps.image.outputs.name }}', digest: '${{ steps.push.outputs.digest }}' },
        steps: [
          { uses: uses(PINS.checkout), with: { 'persist-credentials': false } },
          imageStep,
          { uses: uses(PINS.setupBuildx) },
          { name: 'Build', uses: uses(PINS.buildPush), with: { context: '.', load: true, push: false, tags: ref } },
          ...(r.scanner === 'trivy' ? [githubTrivyIgnoreStep()] : []),
          githubScanStep(r, ref),
          githubLoginStep(r),
          { name: 'Push', id: 'push', if: NOT_PR, uses: uses(PINS.buildPush), with: { context: '.', push: true, tags: ref } },
        ],
      },
      sign: {
        name: 'Sign by digest',
        needs: 'build',
        if: NOT_PR,
        'runs-on': 'ubuntu-latest',
        permissions: signPermissions,
        steps: [
          { uses: uses(PINS.cosignInstaller) },
          { ...githubLoginStep(r), if: undefined },
          {
            name: `Sign ${r.sign === 'key' ? 'with the key from secrets.COSIGN_PRIVATE_KEY' : 'keyless (GitHub OIDC)'}`,
            env: signEnv,
            run: script([
              // A digest or nothing: signing a tag would sign whatever the tag points at by then.
              'case "$DIGEST" in sha256:*) ;; *) echo "no image digest from the build job" >&2; exit 1 ;; esac',
              signCommand,
            ]),
          },
        ],
      },
    },
  };
  // Keys set to undefined are left out by the writer (the sign job's login has no `if`: the job has one).
  const doc = new Doc(workflow, { aliasDuplicateObjects: false });
  if (!r.actionSha) {
    const step = doc.getIn(['jobs', 'check', 'steps', 2], true) as { commentBefore?: string } | undefined;
    if (step) {
      step.commentBefore = ` The npm package "${SHIPSHAPE_NPM}" at exactly ${r.cliVersion}. To build the CLI from the source of\n`
        + ` the action at a commit you reviewed instead: shipshape ci init --action-sha <commit of ${SHIPSHAPE_ACTION}>`;
    }
  }
  return render(doc, [
    ' Generated by Shipshape (shipshape ci init): check, build, scan, push, sign by digest.',
    ' Every third-party action is pinned by commit SHA (the release in the comment); each job',
    ' gets only the permissions it needs.',
  ].join('\n'));
}

function gitlabScanScript(r: Resolved): string[] {
  const target = '"$IMAGE@$DIGEST"';
  if (r.scanner === 'trivy') {
    const flags = ['image', '--exit-code 1', `--severity ${r.severity.join(',')}`, ...(r.ignoreUnfixed ? ['--ignore-unfixed'] : []), '--no-progress'];
    // Trivy runs in a container of the dind service, which cannot see the job's checkout: the
    // workspace's ignore file (.trivyignore.yaml, else .trivyignore; regular files only) is copied
    // into the created container before it starts. Trivy reads one ignore file.
    // -e NAME passes the variable from the job's environment: the password is never on a command line.
    return [
      `if [ -f ${TRIVY_IGNORE_YAML} ] && [ ! -L ${TRIVY_IGNORE_YAML} ]; then IGNORE=${TRIVY_IGNORE_YAML}; elif [ -f .trivyignore ] && [ ! -L .trivyignore ]; then IGNORE=.trivyignore; else IGNORE=; fi`,
      `if [ "$IGNORE" = ${TRIVY_IGNORE_YAML} ] && [ -e .trivyignore ]; then echo "warning: Trivy reads one ignore file: with ${TRIVY_IGNORE_YAML} given, the ids in .trivyignore are not applied. Move them into ${TRIVY_IGNORE_YAML}." >&2; fi`,
      `docker create --name shipshape-trivy -e TRIVY_USERNAME -e TRIVY_PASSWORD ${GITLAB_IMAGES.trivy} ${flags.join(' ')} \${IGNORE:+--ignorefile=/$IGNORE} ${target}`,
      'if [ -n "$IGNORE" ]; then docker cp "$IGNORE" "shipshape-trivy:/$IGNORE"; fi',
      // Exits with Trivy's exit code.
      'docker start --attach shipshape-trivy',
    ];
  }
  const cutoff = grypeCutoff(r.severity[r.severity.length - 1]);
  const flags = [`--fail-on ${cutoff}`, ...(r.ignoreUnfixed ? ['--only-fixed'] : [])];
  return [`docker run --rm -e GRYPE_REGISTRY_AUTH_AUTHORITY -e GRYPE_REGISTRY_AUTH_USERNAME -e GRYPE_REGISTRY_AUTH_PASSWORD ${GITLAB_IMAGES.grype} "registry:$IMAGE@$DIGEST" ${flags.join(' ')}`];
}

/** The GitLab check built from Shipshape's source at a reviewed commit (nothing published is run). */
function gitlabCheckFromSource(r: Resolved, sha: string): string[] {
  const dir = '/tmp/shipshape';
  return [
    'apk add --no-cache git',
    `git clone --filter=blob:none --no-checkout https://github.com/${SHIPSHAPE_ACTION}.git ${dir}`,
    `git -C ${dir} checkout --detach ${sha}`,
    `(cd ${dir} && npm ci --no-audit --no-fund && npm run build)`,
    `node ${dir}/dist/cli.js check . --format sarif --fail-on ${r.failOn} > shipshape.sarif`,
  ];
}

function gitlabPipeline(r: Resolved): string {
  const { Document: Doc } = yamlLib();
  const onDefaultBranch = [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }];
  const dind = { services: [GITLAB_IMAGES.dind], variables: { DOCKER_TLS_CERTDIR: '/certs' } };
  const scanAuth: Record<string, string> = r.scanner === 'trivy'
    ? { TRIVY_USERNAME: '$CI_REGISTRY_USER', TRIVY_PASSWORD: '$CI_REGISTRY_PASSWORD' }
    : { GRYPE_REGISTRY_AUTH_AUTHORITY: '$CI_REGISTRY', GRYPE_REGISTRY_AUTH_USERNAME: '$CI_REGISTRY_USER', GRYPE_REGISTRY_AUTH_PASSWORD: '$CI_REGISTRY_PASSWORD' };
  const sign: Record<string, unknown> = {
    stage: 'sign',
    image: GITLAB_IMAGES.alpine,
    needs: ['build', 'scan'],
    rules: onDefaultBranch,
  };
  if (r.sign === 'keyless') sign.id_tokens = { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } };
  sign.script = [
    'apk add --no-cache cosign',
    // cosign reads registry credentials from the Docker config; no password on any command line.
    'mkdir -p ~/.docker && printf \'{"auths":{"%s":{"auth":"%s"}}}\' "$CI_REGISTRY" "$(printf \'%s:%s\' "$CI_REGISTRY_USER" "$CI_REGISTRY_PASSWORD" | base64 | tr -d \'\\n\')" > ~/.docker/config.json',
    'case "$DIGEST" in sha256:*) ;; *) echo "no image digest from the build job" >&2; exit 1 ;; esac',
    r.sign === 'key'
      ? 'cosign sign --yes --key env://COSIGN_PRIVATE_KEY "$IMAGE@$DIGEST"'
      : 'cosign sign --yes "$IMAGE@$DIGEST"',
  ];

  const pipeline = {
    stages: ['check', 'build', 'scan', 'sign'],
    variables: { IMAGE: r.image ?? '$CI_REGISTRY_IMAGE' },
    shipshape: {
      stage: 'check',
      image: GITLAB_IMAGES.node,
      script: r.actionSha ? gitlabCheckFromSource(r, r.actionSha) : [checkCommandLine(r)],
      artifacts: { when: 'always', paths: ['shipshape.sarif'], expire_in: '1 week' },
    },
    build: {
      stage: 'build',
      image: GITLAB_IMAGES.docker,
      ...dind,
      rules: onDefaultBranch,
      script: [
        'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
        'docker buildx build --push --tag "$IMAGE:$CI_COMMIT_SHA" --metadata-file build-metadata.json .',
        // The digest the registry stored, from BuildKit's metadata: what the next jobs scan and sign.
        'DIGEST=$(sed -n \'s/.*"containerimage.digest": *"\\(sha256:[0-9a-f]\\{64\\}\\)".*/\\1/p\' build-metadata.json)',
        'test -n "$DIGEST"',
        'echo "DIGEST=$DIGEST" > build.env',
      ],
      artifacts: { reports: { dotenv: 'build.env' } },
    },
    scan: {
      stage: 'scan',
      image: GITLAB_IMAGES.docker,
      services: dind.services,
      variables: { ...dind.variables, ...scanAuth },
      needs: ['build'],
      rules: onDefaultBranch,
      script: gitlabScanScript(r),
    },
    sign,
  };
  const doc = new Doc(pipeline, { aliasDuplicateObjects: false });
  const header = [
    ' Generated by Shipshape (shipshape ci init): check, build and push, scan, sign by digest.',
    ' The image is pushed under its commit tag, scanned in the registry, and signed (by the digest',
    ' the build reported) only when the scan passes: an admission policy admits only signed images.',
  ];
  if (r.sign === 'key') header.push(' Set COSIGN_PRIVATE_KEY and COSIGN_PASSWORD as masked, protected CI/CD variables.');
  return render(doc, header.join('\n'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `owner/repo` from `ghcr.io/owner/repo` or `group/project` from `registry.gitlab.com/group/project`. */
function repositoryFromImage(provider: CiProvider, image: string | undefined): string | undefined {
  if (!image) return undefined;
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  if (provider === 'github' && ref.registry === 'ghcr.io') return ref.repository.split('/').slice(0, 2).join('/');
  if (provider === 'gitlab' && ref.registry === 'registry.gitlab.com') return ref.repository;
  return undefined;
}

function admissionPolicy(r: Resolved, opts: PipelineOptions, kind: CiPolicy): string {
  if (!r.image) throw new PipelineOptionsError(frag('ci.policy.image', 'an admission policy needs the image (--image): it admits that repository only when signed'));
  let authority: PolicyAuthority;
  if (r.sign === 'key') {
    if (!opts.publicKeyPem) throw new PipelineOptionsError(frag('ci.policy.public-key', 'a key-signing policy needs the public key (--public-key cosign.pub)'));
    authority = { kind: 'key', publicKeyPem: opts.publicKeyPem };
  } else {
    const repo = opts.repository ?? repositoryFromImage(r.provider, r.image);
    if (!repo) throw new PipelineOptionsError(r.provider === 'github'
      ? frag('ci.policy.github-repository', 'a keyless policy needs the GitHub repository (--repository OWNER/REPO) whose pipeline signs')
      : frag('ci.policy.gitlab-project', 'a keyless policy needs the GitLab project (--repository GROUP/PROJECT) whose pipeline signs'));
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(repo) || (r.provider === 'github' && repo.split('/').length !== 2)) {
      throw new PipelineOptionsError(r.provider === 'github'
        ? frag('ci.policy.not-github-repo', "'{repo}' is not a GitHub OWNER/REPO", { repo })
        : frag('ci.policy.not-gitlab-project', "'{repo}' is not a GitLab GROUP/PROJECT", { repo }));
    }
    const branch = opts.branch ?? 'main';
    if (!/^[A-Za-z0-9_./-]+$/.test(branch)) throw new PipelineOptionsError(frag('ci.policy.branch', "'{branch}' is not a branch name", { branch }));
    authority = r.provider === 'github'
      ? {
        kind: 'keyless',
        issuer: 'https://token.actions.githubusercontent.com',
        subjectRegExp: `^https://github\\.com/${escapeRegExp(repo)}/\\.github/workflows/container-security\\.yml@refs/heads/${escapeRegExp(branch)}$`,
      }
      : {
        kind: 'keyless',
        issuer: 'https://gitlab.com',
        subjectRegExp: `^https://gitlab\\.com/${escapeRegExp(repo)}//\\.gitlab-ci\\.yml@refs/heads/${escapeRegExp(branch)}$`,
      };
  }
  const images = [`${r.image}*`];
  return kind === 'kyverno' ? kyvernoPolicy({ images, authority }) : policyControllerPolicy({ images, authority });
}

/**
 * Generates the pipeline (and, with `policy`, the admission policy) for the options. Throws a
 * PipelineOptionsError for options that cannot be written (an invalid image, an unknown
 * severity, a policy without what it needs). `cliVersion` is the Shipshape release the
 * pipeline's check job runs.
 */
export function generatePipeline(opts: PipelineOptions, cliVersion: string): GeneratedPipeline {
  const r = resolve(opts, cliVersion);
  const text = r.provider === 'github' ? githubPipeline(r) : gitlabPipeline(r);
  const out: GeneratedPipeline = { pipeline: { path: PIPELINE_PATHS[r.provider], text } };
  if (opts.policy !== undefined) {
    if (opts.policy !== 'kyverno' && opts.policy !== 'policy-controller') throw new PipelineOptionsError(frag('ci.unknown-policy', "unknown policy '{value}': use kyverno or policy-controller", { value: String(opts.policy) }));
    out.policy = { path: POLICY_PATH, text: admissionPolicy(r, opts, opts.policy) };
  }
  return out;
}

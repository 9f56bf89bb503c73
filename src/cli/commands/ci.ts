import { promises as fs } from 'fs';
import * as path from 'path';
import { CiPolicy, CiProvider, CiScanner, CiSigning, generatePipeline, GeneratedFile, PipelineOptionsError } from '../../core/ci/pipeline';
import { SigningInputError } from '../../core/signing';
import { CliCommand, CliIO, EXIT, errorWords, UsageError, fileProblemText, parseCommandLine, readInputFile, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { say } from '../l10n';
import { VERSION } from '../version';

const USAGE_TEXT = frag('cli.usage.ci', `Usage: shipshape ci init [options]

Writes a container security pipeline: shipshape check (SARIF to code scanning), build, an image
scan that blocks on the chosen severities, push, and cosign signing by the built digest.
GitHub: .github/workflows/container-security.yml; GitLab: .gitlab-ci.yml. An existing file is
never overwritten unless --force is given.

Options:
  --provider github|gitlab        (default: github)
  --image REPOSITORY              where to push, without tag (default: ghcr.io/<owner>/<repo>
                                  on GitHub, $CI_REGISTRY_IMAGE on GitLab)
  --scanner trivy|grype           (default: trivy)
  --sign keyless|key              keyless (OIDC) or a key from the COSIGN_PRIVATE_KEY secret (default: keyless)
  --severity LIST                 scan severities that fail the pipeline (default: CRITICAL,HIGH)
  --ignore-unfixed                only vulnerabilities that have a fix fail the scan
  --fail-on SEVERITY              shipshape check threshold (default: high)
  --policy kyverno|policy-controller
                                  also write an admission policy admitting only the signed image
                                  (deploy/shipshape-admission-policy.yaml)
  --repository OWNER/REPO         keyless policy: the repository whose pipeline signs (default: from a
                                  ghcr.io / registry.gitlab.com image)
  --public-key FILE               key policy: the public key (cosign.pub)
  --action-sha SHA                run the check from Shipshape's source at this commit (GitHub: its
                                  action; GitLab: a clone) instead of the npm package at this version
  --stdout                        print instead of writing
  --force                         overwrite existing files`);
const USAGE = english(USAGE_TEXT);

/** Writes a file, creating its directory; refuses an existing one unless forced (exclusive create). */
async function writeNew(io: CliIO, file: GeneratedFile, force: boolean): Promise<void> {
  const target = path.resolve(io.cwd, file.path);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, file.text, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
}

async function exists(io: CliIO, rel: string): Promise<boolean> {
  try {
    await fs.lstat(path.resolve(io.cwd, rel));
    return true;
  } catch {
    return false;
  }
}

export const ciCommand: CliCommand = {
  name: 'ci',
  summary: 'generate a CI pipeline: check, build, scan, push, sign by digest',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandLine(args, {
      provider: { type: 'string', default: 'github' },
      image: { type: 'string' },
      scanner: { type: 'string', default: 'trivy' },
      sign: { type: 'string', default: 'keyless' },
      severity: { type: 'string', multiple: true },
      'ignore-unfixed': { type: 'boolean' },
      'fail-on': { type: 'string' },
      policy: { type: 'string' },
      repository: { type: 'string' },
      'public-key': { type: 'string' },
      'action-sha': { type: 'string' },
      stdout: { type: 'boolean' },
      force: { type: 'boolean' },
    }, USAGE_TEXT);
    if (positionals.length !== 1 || positionals[0] !== 'init') throw new UsageError(withUsage(frag('cli.ci.only-init', "the only subcommand is 'init'"), USAGE_TEXT));

    let publicKeyPem: string | undefined;
    if (values['public-key'] !== undefined) {
      try {
        publicKeyPem = await readInputFile(io, values['public-key'], 64 * 1024);
      } catch (e) {
        throw new UsageError(frag('cli.ci.cannot-read-key', 'cannot read the public key: {problem}', { problem: fileProblemText(values['public-key'], e) }));
      }
    }
    let files: GeneratedFile[];
    try {
      const generated = generatePipeline({
        provider: values.provider as CiProvider,
        image: values.image,
        scanner: values.scanner as CiScanner,
        sign: values.sign as CiSigning,
        severity: values.severity,
        ignoreUnfixed: values['ignore-unfixed'],
        failOn: values['fail-on'],
        policy: values.policy as CiPolicy | undefined,
        repository: values.repository,
        publicKeyPem,
        actionSha: values['action-sha'],
      }, VERSION);
      files = [generated.pipeline, ...(generated.policy ? [generated.policy] : [])];
    } catch (e) {
      if (e instanceof PipelineOptionsError || e instanceof SigningInputError) throw new UsageError(errorWords(e));
      throw e;
    }

    if (values.stdout) {
      io.stdout(files.map((f) => `# ${f.path}\n${f.text}`).join('---\n'));
      return EXIT.ok;
    }
    if (!values.force) {
      const present: string[] = [];
      for (const f of files) if (await exists(io, f.path)) present.push(f.path);
      if (present.length > 0) {
        throw new UsageError(present.length === 1
          ? frag('cli.ci.exists', '{file} already exists: not overwritten (review with --stdout, or replace with --force)', { file: present[0] })
          : frag('cli.ci.exist', '{files} already exist: not overwritten (review with --stdout, or replace with --force)', { files: present.join(', ') }));
      }
    }
    for (const f of files) {
      try {
        await writeNew(io, f, Boolean(values.force));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(frag('cli.ci.exists-force', '{file} already exists: not overwritten (use --force to replace it)', { file: f.path }));
        throw new UsageError(frag('cli.cannot-write', 'cannot write {file}: {reason}', { file: f.path, reason: String((e as NodeJS.ErrnoException).code ?? (e as Error).message) }));
      }
      io.stderr(`shipshape: ${say(io.locale ?? 'en', frag('cli.wrote', 'wrote {file}', { file: f.path }))}\n`);
    }
    return EXIT.ok;
  },
};

import { promises as fs } from 'fs';
import * as path from 'path';
import { CiPolicy, CiProvider, CiScanner, CiSigning, generatePipeline, GeneratedFile, PipelineOptionsError } from '../../core/ci/pipeline';
import { SigningInputError } from '../../core/signing';
import { CliCommand, CliIO, EXIT, UsageError, fileProblem, parseCommandLine, readInputFile } from '../io';
import { VERSION } from '../version';

const USAGE = `Usage: shipshape ci init [options]

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
                                  (${'deploy/shipshape-admission-policy.yaml'})
  --repository OWNER/REPO         keyless policy: the repository whose pipeline signs (default: from a
                                  ghcr.io / registry.gitlab.com image)
  --public-key FILE               key policy: the public key (cosign.pub)
  --action-sha SHA                run the check from Shipshape's source at this commit (GitHub: its
                                  action; GitLab: a clone) instead of the npm package at this version
  --stdout                        print instead of writing
  --force                         overwrite existing files`;

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
    }, USAGE);
    if (positionals.length !== 1 || positionals[0] !== 'init') throw new UsageError(`the only subcommand is 'init'\n\n${USAGE}`);

    let publicKeyPem: string | undefined;
    if (values['public-key'] !== undefined) {
      try {
        publicKeyPem = await readInputFile(io, values['public-key'], 64 * 1024);
      } catch (e) {
        throw new UsageError(`cannot read the public key: ${fileProblem(values['public-key'], e)}`);
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
      if (e instanceof PipelineOptionsError || e instanceof SigningInputError) throw new UsageError(e.message);
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
        throw new UsageError(`${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}: not overwritten (review with --stdout, or replace with --force)`);
      }
    }
    for (const f of files) {
      try {
        await writeNew(io, f, Boolean(values.force));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${f.path} already exists: not overwritten (use --force to replace it)`);
        throw new UsageError(`cannot write ${f.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      io.stderr(`shipshape: wrote ${f.path}\n`);
    }
    return EXIT.ok;
  },
};

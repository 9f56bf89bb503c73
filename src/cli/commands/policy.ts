import { promises as fs } from 'fs';
import * as path from 'path';
import { PolicyAuthority, SigningInputError, kyvernoPolicy, policyControllerPolicy } from '../../core/signing';
import { CliCommand, CliIO, EXIT, errorWords, UsageError, fileProblemText, parseCommandLine, readInputFile, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { say } from '../l10n';

const MAX_KEY_BYTES = 64 * 1024;

const USAGE_TEXT = frag('cli.usage.policy', `Usage: shipshape policy kyverno|policy-controller --image PATTERN (--key KEY.pub | --identity ID --issuer URL) [options]

Prints an admission policy that lets only signed images run: a Kyverno ClusterPolicy
(verifyImages) or a Sigstore policy-controller ClusterImagePolicy.

Options:
  --image PATTERN         image pattern, e.g. ghcr.io/acme/* (repeatable)
  --key FILE              public key file (cosign.pub)
  --identity ID           keyless: the signer's identity (--identity-regexp RE for a pattern)
  --issuer URL            keyless: the OIDC issuer (--issuer-regexp RE for a pattern)
  --name NAME             metadata.name (default: derived from the first pattern)
  --audit                 report (Kyverno Audit, policy-controller warn) instead of blocking
  --ignore-tlog           signatures were made with --tlog-upload=false
  --output FILE           write the YAML to FILE instead of stdout`);
const USAGE = english(USAGE_TEXT);

const KINDS = ['kyverno', 'policy-controller'] as const;

export const policyCommand: CliCommand = {
  name: 'policy',
  summary: 'generate an admission policy that admits only signed images',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      image: { type: 'string', multiple: true },
      key: { type: 'string' },
      identity: { type: 'string' },
      'identity-regexp': { type: 'string' },
      issuer: { type: 'string' },
      'issuer-regexp': { type: 'string' },
      name: { type: 'string' },
      audit: { type: 'boolean' },
      'ignore-tlog': { type: 'boolean' },
      output: { type: 'string' },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    const kind = positionals[0] as (typeof KINDS)[number] | undefined;
    if (positionals.length !== 1 || !kind || !KINDS.includes(kind)) throw new UsageError(withUsage(frag('cli.policy.kind', 'choose kyverno or policy-controller'), USAGE_TEXT));
    if (!values.image || values.image.length === 0) throw new UsageError(withUsage(frag('cli.policy.image', 'give at least one --image pattern'), USAGE_TEXT));
    const keyless = [values.identity, values['identity-regexp'], values.issuer, values['issuer-regexp']].some((v) => v !== undefined);
    if ((values.key !== undefined) === keyless) throw new UsageError(withUsage(frag('cli.policy.key-or-identity', 'give either --key or --identity/--issuer'), USAGE_TEXT));

    let authority: PolicyAuthority;
    if (values.key !== undefined) {
      let pem: string;
      try {
        // A public key is a few hundred bytes: a regular file of at most 64 KiB (never a FIFO or a device).
        pem = await readInputFile(io, values.key, MAX_KEY_BYTES);
      } catch (e) {
        throw new UsageError(frag('cli.cannot-read', 'cannot read {problem}', { problem: fileProblemText(values.key, e) }));
      }
      authority = { kind: 'key', publicKeyPem: pem };
    } else {
      authority = {
        kind: 'keyless',
        subject: values.identity,
        subjectRegExp: values['identity-regexp'],
        issuer: values.issuer,
        issuerRegExp: values['issuer-regexp'],
      };
    }

    let yamlText: string;
    try {
      const common = { images: values.image, authority, name: values.name, ignoreTlog: values['ignore-tlog'] };
      yamlText = kind === 'kyverno'
        ? kyvernoPolicy({ ...common, failureAction: values.audit ? 'Audit' : 'Enforce' })
        : policyControllerPolicy({ ...common, mode: values.audit ? 'warn' : 'enforce' });
    } catch (e) {
      if (e instanceof SigningInputError) throw new UsageError(errorWords(e));
      throw e;
    }
    if (values.output) {
      await fs.writeFile(path.resolve(io.cwd, values.output), yamlText, 'utf8');
      io.stderr(`shipshape: ${say(io.locale ?? 'en', frag('cli.wrote', 'wrote {file}', { file: values.output }))}\n`);
    } else {
      io.stdout(yamlText);
    }
    return EXIT.ok;
  },
};

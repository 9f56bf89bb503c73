import { validateImageRefText } from '../../core/imageRef';
import { SigningInputError, VerificationKey, describeVerifyResultText, validateKmsUri } from '../../core/signing';
import { CosignError } from '../../node/cosign';
import { CliCommand, CliIO, EXIT, errorWords, UsageError, parseCommandLine, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { say, sayWords } from '../l10n';
import { escapeJsonControls, forTerminalLines } from '../sanitize';
import { cliCosignRunner } from './sign';

const USAGE_TEXT = frag('cli.usage.verify', `Usage: shipshape verify REF (--key KEY.pub | keyless options) [options]

Verifies an image's cosign signature. Exit code 0 when verified, 1 when not, 2 on errors.

Options:
  --key FILE|URI                          public key file (cosign.pub) or KMS URI
  --certificate-identity ID               keyless: the signer's identity (e-mail, workflow URL)
  --certificate-identity-regexp RE        keyless: the identity as a regular expression
  --certificate-oidc-issuer URL           keyless: the OIDC issuer
  --certificate-oidc-issuer-regexp RE     keyless: the issuer as a regular expression
  --insecure-ignore-tlog                  accept signatures not in the transparency log
  --format text|json                      output format (default: text)

cosign is found through SHIPSHAPE_COSIGN_PATH or PATH.`);
const USAGE = english(USAGE_TEXT);

function verificationKey(values: Record<string, string | boolean | undefined>): VerificationKey {
  const key = values.key as string | undefined;
  const identity = values['certificate-identity'] as string | undefined;
  const identityRegexp = values['certificate-identity-regexp'] as string | undefined;
  const issuer = values['certificate-oidc-issuer'] as string | undefined;
  const issuerRegexp = values['certificate-oidc-issuer-regexp'] as string | undefined;
  const keyless = [identity, identityRegexp, issuer, issuerRegexp].some((v) => v !== undefined);
  if (key !== undefined && keyless) throw new UsageError(withUsage(frag('cli.verify.key-or-keyless', 'use either --key or the --certificate-* options, not both'), USAGE_TEXT));
  if (key !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key) && !validateKmsUri(key)) return { kind: 'kms', uri: key };
    return { kind: 'file', path: key };
  }
  if (!keyless) throw new UsageError(withUsage(frag('cli.verify.need-key', 'give --key, or --certificate-identity and --certificate-oidc-issuer'), USAGE_TEXT));
  return { kind: 'keyless', identity: { identity, identityRegexp, issuer, issuerRegexp } };
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: "verify an image's cosign signature",
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      key: { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-identity-regexp': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      'certificate-oidc-issuer-regexp': { type: 'string' },
      'insecure-ignore-tlog': { type: 'boolean' },
      format: { type: 'string', default: 'text' },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(withUsage(frag('cli.one-reference', 'give exactly one image reference'), USAGE_TEXT));
    const format = values.format!;
    if (format !== 'text' && format !== 'json') throw new UsageError(frag('cli.format.text-json', "--format must be text or json (got '{value}')", { value: format }));
    const reference = positionals[0];
    const refProblem = validateImageRefText(reference);
    if (refProblem) throw new UsageError(refProblem);
    const key = verificationKey(values);

    let result;
    try {
      result = await cliCosignRunner(io).verify({ reference, key, insecureIgnoreTlog: values['insecure-ignore-tlog'] });
    } catch (e) {
      if (e instanceof SigningInputError) throw new UsageError(errorWords(e));
      if (e instanceof CosignError) {
        io.stderr(`shipshape verify: ${forTerminalLines(sayWords(io.locale ?? 'en', errorWords(e)))}\n`);
        return EXIT.usage;
      }
      throw e;
    }
    // Signer identities, annotations and reasons come from the signature and cosign: no terminal controls.
    if (format === 'json') io.stdout(`${escapeJsonControls(JSON.stringify(result, null, 2))}\n`);
    else if (result.verified) io.stdout(`${forTerminalLines(say(io.locale ?? 'en', describeVerifyResultText(result)))}\n`);
    else io.stderr(`${forTerminalLines(say(io.locale ?? 'en', describeVerifyResultText(result)))}\n`);
    if (result.verified) return EXIT.ok;
    // Signatures missing or not matching is a verdict; anything else means we could not check.
    return result.failure === 'no-signatures' || result.failure === 'no-match' ? EXIT.findings : EXIT.usage;
  },
};

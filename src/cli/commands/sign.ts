import { validateImageRefText } from '../../core/imageRef';
import { SigningInputError, SigningKey, isDigestPinned, parseAnnotation, validateKmsUri } from '../../core/signing';
import { CosignError, CosignRunner } from '../../node/cosign';
import { CliCommand, CliIO, EXIT, errorWords, UsageError, parseCommandLine, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { say, sayWords } from '../l10n';
import { forTerminal, forTerminalLines } from '../sanitize';

const USAGE_TEXT = frag('cli.usage.sign', `Usage: shipshape sign REF (--key KEY | --kms URI | --keyless) [options]

Signs an image with cosign, by digest. A tag is resolved to its digest with docker first.

Options:
  --key FILE|URI          private key file (cosign.key) or KMS URI
  --kms URI               KMS key: awskms://, gcpkms://, azurekms://, hashivault://, k8s://
  --keyless               keyless signing with an OIDC login (opens a browser)
  --annotation k=v        signed annotation (repeatable)
  --no-tlog-upload        do not upload to the transparency log (private infrastructure)
  --allow-tag             sign the tag itself when it cannot be resolved to a digest

The key password is read from COSIGN_PASSWORD, or asked for on a terminal.
cosign is found through SHIPSHAPE_COSIGN_PATH or PATH; docker through SHIPSHAPE_DOCKER_PATH or PATH.`);
const USAGE = english(USAGE_TEXT);

/** Reads a secret from the terminal without echoing it. Replaceable in tests. */
export const terminalPrompt = {
  isAvailable(): boolean {
    return Boolean(process.stdin.isTTY);
  },
  readSecret(prompt: string, io: CliIO): Promise<string> {
    const stdin = process.stdin;
    io.stderr(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = (): void => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.removeListener('data', onData);
        io.stderr('\n');
      };
      const onData = (text: string): void => {
        for (const ch of text) {
          if (ch === '\r' || ch === '\n') {
            finish();
            resolve(value);
            return;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            finish();
            reject(new UsageError(frag('cli.cancelled', 'cancelled')));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  },
};

/** The key password: COSIGN_PASSWORD (even empty), else a no-echo prompt, else a usage error. */
export async function readKeyPassword(io: CliIO): Promise<string> {
  const fromEnv = io.env.COSIGN_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (io.isTTY && terminalPrompt.isAvailable()) return terminalPrompt.readSecret(`${say(io.locale ?? 'en', frag('cli.sign.password-prompt', 'Enter password for private key:'))} `, io);
  throw new UsageError(frag('cli.sign.password-needed', 'the private key needs its password: set COSIGN_PASSWORD (it is passed to cosign in its environment, never on its command line), or run in a terminal to be asked'));
}

/** A runner configured from the CLI environment. */
export function cliCosignRunner(io: CliIO, onStderr?: (text: string) => void): CosignRunner {
  return new CosignRunner({
    cosignPath: io.env.SHIPSHAPE_COSIGN_PATH || undefined,
    dockerPath: io.env.SHIPSHAPE_DOCKER_PATH || undefined,
    env: io.env,
    cwd: io.cwd,
    onStderr,
  });
}

function signingKey(values: { key?: string; kms?: string; keyless?: boolean }): SigningKey {
  const chosen = [values.key !== undefined, values.kms !== undefined, values.keyless === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError(withUsage(frag('cli.sign.one-key', 'choose exactly one of --key, --kms or --keyless'), USAGE_TEXT));
  if (values.keyless) return { kind: 'keyless' };
  if (values.kms !== undefined) return { kind: 'kms', uri: values.kms };
  const key = values.key!;
  // `--key gcpkms://…` is how cosign itself spells a KMS key.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key) && !validateKmsUri(key)) return { kind: 'kms', uri: key };
  return { kind: 'file', path: key };
}

export const signCommand: CliCommand = {
  name: 'sign',
  summary: 'sign an image by digest with cosign',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      key: { type: 'string' },
      kms: { type: 'string' },
      keyless: { type: 'boolean' },
      annotation: { type: 'string', multiple: true, short: 'a' },
      'no-tlog-upload': { type: 'boolean' },
      'allow-tag': { type: 'boolean' },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(withUsage(frag('cli.one-reference', 'give exactly one image reference'), USAGE_TEXT));
    const locale = io.locale ?? 'en';
    const reference = positionals[0];
    const refProblem = validateImageRefText(reference);
    if (refProblem) throw new UsageError(refProblem);
    const key = signingKey(values);
    const annotations: Record<string, string> = {};
    try {
      for (const a of values.annotation ?? []) {
        const [k, v] = parseAnnotation(a);
        annotations[k] = v;
      }
    } catch (e) {
      throw new UsageError(errorWords(e));
    }

    // cosign's stderr may quote a registry's or a key server's words: no escape sequence reaches the terminal.
    const runner = cliCosignRunner(io, (text) => io.stderr(forTerminalLines(text)));
    let target = reference;
    let allowTag = false;
    if (!isDigestPinned(reference)) {
      const resolution = await runner.resolveDigest(reference).catch((e: unknown) => ({ ok: false as const, reason: (e as Error).message }));
      if (resolution.ok) {
        target = resolution.pinned;
        io.stderr(`shipshape: ${say(locale, frag('cli.sign.resolved', '{reference} resolves to {digest}; signing the digest', { reference: forTerminal(reference), digest: forTerminal(target) }))}\n`);
      } else if (values['allow-tag']) {
        allowTag = true;
        io.stderr(`shipshape: ${say(locale, frag('cli.sign.signing-tag', 'warning: signing the tag {reference}, not a digest ({reason}); the tag may name a different image later', { reference: forTerminal(reference), reason: forTerminalLines(resolution.reason) }))}\n`);
      } else {
        io.stderr(`shipshape sign: ${say(locale, frag('cli.sign.unresolved', '{reference} is a tag and could not be resolved to a digest: {reason}', { reference: forTerminal(reference), reason: forTerminalLines(resolution.reason) }))}\n`);
        io.stderr(`${say(locale, frag('cli.sign.unresolved-advice', 'Give the image as repo@sha256:…, push it first, or pass --allow-tag to sign the tag anyway.'))}\n`);
        return EXIT.usage;
      }
    }

    const password = key.kind === 'file' ? await readKeyPassword(io) : undefined;
    try {
      const result = await runner.sign({
        reference: target,
        key,
        annotations,
        tlogUpload: values['no-tlog-upload'] ? false : undefined,
        allowTag,
        password,
      });
      const signed = result.pushedTo
        ? frag('cli.sign.signed-pushed', 'Signed {reference}; signature pushed to {target}', { reference: forTerminal(result.reference), target: forTerminal(result.pushedTo) })
        : frag('cli.sign.signed', 'Signed {reference}', { reference: forTerminal(result.reference) });
      const tlog = result.tlogIndex !== undefined ? say(locale, frag('cli.sign.tlog', ' (tlog index {index})', { index: forTerminal(String(result.tlogIndex)) })) : '';
      io.stdout(`${say(locale, signed)}${tlog}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof SigningInputError) throw new UsageError(errorWords(e));
      if (e instanceof CosignError) {
        io.stderr(`shipshape sign: ${forTerminalLines(sayWords(locale, errorWords(e)))}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  },
};

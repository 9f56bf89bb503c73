/**
 * "Verify Image Signature…": check an image against a public key or a keyless identity, tell the
 * user who signed it, and remember the result for the findings tree (SignatureStatusStore).
 */
import * as vscode from 'vscode';
import { plainValue } from '../notificationText';
import { validateImageRef } from '../../core/imageRef';
import { CertificateIdentity, SigningInputError, VerificationKey, VerifyResult, describeVerifyResult, verifyArgs } from '../../core/signing';
import { Command } from '../commands';
import { CommandFailure, createRunner, ensureTrusted, locateCosign, reportFailure, showFailure, withCancellableProgress } from './cosignTool';
import { displayCommand, referenceFromArgument } from './inputs';
import { inputKeylessIdentity, inputKmsUri, pickImageReference, pickKeyFile, pickTlogChoice } from './prompts';
import { SignatureStatusStore } from './statusStore';

/** What `shipshape.verifyImage` accepts to skip its prompts. */
export interface VerifyImageArguments extends Partial<CertificateIdentity> {
  reference?: string;
  /** Public key file (cosign.pub); or kmsUri; or identity/issuer (exact or regexp) for keyless. */
  keyPath?: string;
  kmsUri?: string;
  /** For signatures made with `--tlog-upload=false`. */
  insecureIgnoreTlog?: boolean;
}

/** A command that ran cosign: `result.verified` says whether the signature holds. */
export type VerifyImageOutcome = { ok: true; result: VerifyResult } | CommandFailure;

const CANCELLED: CommandFailure = { ok: false, refusal: 'cancelled' };

export class VerifyImageCommand implements Command {
  static readonly id = 'shipshape.verifyImage';
  readonly id = VerifyImageCommand.id;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly statuses: SignatureStatusStore,
  ) {}

  async execute(arg?: unknown): Promise<VerifyImageOutcome> {
    const args = verifyArguments(arg);
    const what = vscode.l10n.t('Verification');
    if (!ensureTrusted(this.log, 'Verify Image Signature')) return { ok: false, refusal: 'untrusted' };
    try {
      return await this.verify(args);
    } catch (e) {
      return reportFailure(this.log, what, e);
    }
  }

  private async verify(args: VerifyImageArguments): Promise<VerifyImageOutcome> {
    const title = vscode.l10n.t('Verify Image Signature');
    // cosign is located before any question: a user without it is told so at once.
    if (!(await locateCosign(this.log))) return { ok: false, refusal: 'cosign-missing' };
    const reference = args.reference ?? (await pickImageReference(this.log, title));
    if (!reference) return CANCELLED;
    const refProblem = validateImageRef(reference);
    if (refProblem) throw new SigningInputError(refProblem);
    const givenKey = keyFromArguments(args);
    const key = givenKey ?? (await pickVerificationKey(title));
    if (!key) return CANCELLED;
    let insecureIgnoreTlog = args.insecureIgnoreTlog;
    // Keyless certificates are short-lived: their signatures are only checkable through the log.
    if (!givenKey && key.kind !== 'keyless') {
      insecureIgnoreTlog = await pickTlogChoice(title);
      if (insecureIgnoreTlog === undefined) return CANCELLED;
    }

    const options = { reference, key, insecureIgnoreTlog };
    this.log.info(`Running ${displayCommand('cosign', verifyArgs(options))}`);
    const result = await withCancellableProgress(vscode.l10n.t('Verifying the signature of {0}', reference), (signal) =>
      createRunner({ log: this.log, signal }).verify(options),
    );
    this.statuses.record(result);
    for (const line of describeVerifyResult(result).split('\n')) (result.verified ? this.log.info : this.log.warn).call(this.log, line);
    if (result.verified) void vscode.window.showInformationMessage(verifiedMessage(result));
    // The reason quotes cosign (and the registry): in the log above, not in the notification.
    else showFailure(vscode.l10n.t('The signature of {0} was not verified. The output says why.', plainValue(result.reference)), this.log);
    return { ok: true, result };
  }
}

/** One sentence for the notification: who signed, which digest, which issuer. */
function verifiedMessage(result: VerifyResult): string {
  const first = result.signatures[0];
  const digest = result.digest ?? first?.digest ?? '';
  const more = result.signatures.length > 1 ? ' ' + vscode.l10n.t('({0} signatures)', String(result.signatures.length)) : '';
  // Identity and issuer come from the signing certificate: plain values only.
  const [ref, identity, issuer, dig] = [result.reference, first?.identity ?? '', first?.issuer ?? '', digest].map((v) => plainValue(v));
  if (first?.identity) {
    return first.issuer
      ? vscode.l10n.t('✓ {0} is signed by {1} (issuer {2}), digest {3}.', ref, identity, issuer, dig) + more
      : vscode.l10n.t('✓ {0} is signed by {1}, digest {2}.', ref, identity, dig) + more;
  }
  return vscode.l10n.t('✓ {0} is signed with the given key, digest {1}.', ref, dig) + more;
}

function verifyArguments(arg: unknown): VerifyImageArguments {
  const reference = referenceFromArgument(arg);
  const args = arg && typeof arg === 'object' ? (arg as VerifyImageArguments) : {};
  return { ...args, reference };
}

function keyFromArguments(args: VerifyImageArguments): VerificationKey | undefined {
  if (args.keyPath !== undefined) return { kind: 'file', path: args.keyPath };
  if (args.kmsUri !== undefined) return { kind: 'kms', uri: args.kmsUri };
  const identity: CertificateIdentity = {};
  if (args.identity !== undefined) identity.identity = args.identity;
  if (args.identityRegexp !== undefined) identity.identityRegexp = args.identityRegexp;
  if (args.issuer !== undefined) identity.issuer = args.issuer;
  if (args.issuerRegexp !== undefined) identity.issuerRegexp = args.issuerRegexp;
  return Object.keys(identity).length > 0 ? { kind: 'keyless', identity } : undefined;
}

interface VerifierItem extends vscode.QuickPickItem {
  mode: 'file' | 'kms' | 'keyless' | 'keylessRegexp';
}

async function pickVerificationKey(title: string): Promise<VerificationKey | undefined> {
  const items: VerifierItem[] = [
    { mode: 'file', label: `$(key) ${vscode.l10n.t('Public key file')}`, detail: vscode.l10n.t('The cosign.pub of the key the image was signed with') },
    { mode: 'kms', label: `$(cloud) ${vscode.l10n.t('KMS key')}`, detail: vscode.l10n.t('awskms://, gcpkms://, azurekms://, hashivault:// or k8s://') },
    { mode: 'keyless', label: `$(globe) ${vscode.l10n.t('Keyless: identity and issuer')}`, detail: vscode.l10n.t('The exact signer identity (e-mail or workflow URL) and OIDC issuer') },
    { mode: 'keylessRegexp', label: `$(regex) ${vscode.l10n.t('Keyless: identity and issuer patterns')}`, detail: vscode.l10n.t('Regular expressions the identity and issuer must match') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Verify against…'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.mode === 'file') {
    const keyPath = await pickKeyFile(vscode.l10n.t('Choose the public key (cosign.pub)'), 'public');
    return keyPath ? { kind: 'file', path: keyPath } : undefined;
  }
  if (picked.mode === 'kms') {
    const uri = await inputKmsUri(title);
    return uri ? { kind: 'kms', uri } : undefined;
  }
  const identity = await inputKeylessIdentity(title, picked.mode === 'keylessRegexp');
  return identity ? { kind: 'keyless', identity } : undefined;
}

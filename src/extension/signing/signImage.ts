/**
 * "Sign Image…": pick an image, pin it to its digest, pick a key, sign. Keyless signing runs in
 * an integrated terminal because cosign opens a browser (or prints a device code) for the OIDC
 * login. Every argument array comes from the builders in src/core/signing.
 */
import * as vscode from 'vscode';
import { plainValue } from '../notificationText';
import { DigestResolution, SigningInputError, SigningKey, isDigestPinned, isPrivateKeyText, signArgs } from '../../core/signing';
import { readRegularFile } from '../../node/files';
import { validateImageRef } from '../../core/imageRef';
import { CosignError, CosignRunner } from '../../node/cosign';
import { Command } from '../commands';
import { CommandFailure, createRunner, ensureTrusted, FailureWithAction, locateCosign, reportFailure, withCancellableProgress } from './cosignTool';
import { annotationsFromArgument, displayCommand, parseAnnotationList, referenceFromArgument } from './inputs';
import { KeyPasswordStore } from './keyPasswords';
import { inputKmsUri, pickImageReference, pickKeyFile } from './prompts';

/** What `shipshape.signImage` accepts to skip its prompts (tests, the findings tree, CodeLens). */
export interface SignImageArguments {
  reference?: string;
  /** Private key file (cosign.key); or one of kmsUri / keyless. */
  keyPath?: string;
  kmsUri?: string;
  keyless?: boolean;
  /** The key password; asked for (or read from SecretStorage) when absent. */
  password?: string;
  /** Save the password in SecretStorage for this key file after a successful signature. */
  rememberPassword?: boolean;
  /** `k=v` strings, one `k=v, k2=v2` string, or a record. */
  annotations?: Record<string, string> | string[] | string;
  /** false adds `--tlog-upload=false`. */
  tlogUpload?: boolean;
  /** Sign the tag when it cannot be pinned to a digest, without the warning. */
  allowTag?: boolean;
}

export type SignImageOutcome =
  | { ok: true; reference: string; pinnedToDigest: boolean; pushedTo?: string; tlogIndex?: number; inTerminal?: boolean }
  | CommandFailure;

const CANCELLED: CommandFailure = { ok: false, refusal: 'cancelled' };

export class SignImageCommand implements Command {
  static readonly id = 'shipshape.signImage';
  readonly id = SignImageCommand.id;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly passwords: KeyPasswordStore,
  ) {}

  async execute(arg?: unknown): Promise<SignImageOutcome> {
    const args = signArguments(arg);
    const what = vscode.l10n.t('Signing');
    if (!ensureTrusted(this.log, 'Sign Image')) return { ok: false, refusal: 'untrusted' };
    try {
      return await this.sign(args);
    } catch (e) {
      return reportFailure(this.log, what, e);
    }
  }

  private async sign(args: SignImageArguments): Promise<SignImageOutcome> {
    const title = vscode.l10n.t('Sign Image');
    // cosign is located before any question: a user without it is told so at once.
    if (!(await locateCosign(this.log))) return { ok: false, refusal: 'cosign-missing' };
    const reference = args.reference ?? (await pickImageReference(this.log, title));
    if (!reference) return CANCELLED;
    // Checked before anything runs: a reference is the one value that reaches every command line.
    const refProblem = validateImageRef(reference);
    if (refProblem) throw new SigningInputError(refProblem);

    const pinned = await this.pinToDigest(reference, args.allowTag === true);
    if (!pinned) return CANCELLED;

    const interactiveKey = args.keyPath === undefined && args.kmsUri === undefined && args.keyless !== true;
    const key = interactiveKey ? await pickSigningKey(title) : keyFromArguments(args);
    if (!key) return CANCELLED;

    let annotations = annotationsFromArgument(args.annotations);
    let tlogUpload = args.tlogUpload;
    if (interactiveKey) {
      const options = await pickSignOptions(title);
      if (!options) return CANCELLED;
      annotations = options.annotations;
      tlogUpload = options.tlogUpload;
    }
    const signOptions = { reference: pinned.reference, key, annotations, tlogUpload, allowTag: !pinned.byDigest };

    if (key.kind === 'keyless') return this.signKeylessInTerminal(signOptions);

    if (key.kind === 'file') await ensurePrivateKeyFile(key.path);

    let password: string | undefined;
    let passwordTyped = false;
    let passwordSaved = false;
    if (key.kind === 'file') {
      password = args.password;
      if (password === undefined) {
        password = await this.passwords.get(key.path);
        passwordSaved = password !== undefined;
      }
      if (password === undefined) {
        password = await vscode.window.showInputBox({
          title,
          prompt: vscode.l10n.t('Password of the private key {0}', key.path),
          password: true,
          ignoreFocusOut: true,
        });
        if (password === undefined) return CANCELLED;
        passwordTyped = true;
      }
    }

    // Logged before running, from the same builder the runner uses; the password is never in argv.
    this.log.info(`Running ${displayCommand('cosign', signArgs(signOptions))}${password !== undefined ? ' (password in COSIGN_PASSWORD)' : ''}`);
    const keyFile = key.kind === 'file' ? key.path : undefined;
    const result = await withCancellableProgress(vscode.l10n.t('Signing {0}', pinned.reference), (signal) =>
      createRunner({ log: this.log, signal }).sign({ ...signOptions, password }),
    ).then(undefined, (e: unknown) => {
      // A saved password that no longer opens the key would fail every time: offer to drop it.
      if (passwordSaved && keyFile && e instanceof CosignError && e.code === 'FAILED') {
        throw new FailureWithAction(e, vscode.l10n.t('Forget Saved Password'), () => this.passwords.forget(keyFile));
      }
      throw e;
    });
    this.log.info(`Signed ${result.reference}${result.pushedTo ? `; signature pushed to ${result.pushedTo}` : ''}${result.tlogIndex !== undefined ? `; tlog index ${result.tlogIndex}` : ''}`);

    if (key.kind === 'file' && password !== undefined && args.rememberPassword) await this.passwords.save(key.path, password);
    // The index is read from cosign's output: plain values only in a notification.
    const message = result.tlogIndex !== undefined
      ? vscode.l10n.t('Signed {0} (transparency log index {1}).', plainValue(result.reference), plainValue(String(result.tlogIndex)))
      : vscode.l10n.t('Signed {0}.', plainValue(result.reference));
    if (key.kind === 'file' && passwordTyped && password !== undefined && !args.rememberPassword) {
      const keyPath = key.path;
      const typed = password;
      const remember = vscode.l10n.t('Remember Key Password');
      void vscode.window.showInformationMessage(message, remember).then((choice) => {
        if (choice === remember) void this.passwords.save(keyPath, typed);
      });
    } else {
      void vscode.window.showInformationMessage(message);
    }
    return { ok: true, reference: result.reference, pinnedToDigest: pinned.byDigest, pushedTo: result.pushedTo, tlogIndex: result.tlogIndex };
  }

  /**
   * The reference to sign: pinned to its digest when docker (locally, else from the registry)
   * can tell it. When only the tag is known, a modal warning lets the user sign it anyway.
   */
  private async pinToDigest(reference: string, allowTag: boolean): Promise<{ reference: string; byDigest: boolean } | undefined> {
    if (isDigestPinned(reference)) return { reference, byDigest: true };
    const resolution = await withCancellableProgress(vscode.l10n.t('Resolving the digest of {0}', reference), async (signal) => {
      const runner = createRunner({ log: this.log, signal });
      const local = await resolveQuietly(runner, reference, 'local');
      if (local.ok) return local;
      const remote = await resolveQuietly(runner, reference, 'remote');
      return remote.ok ? remote : { ok: false as const, reason: `${local.reason}; ${remote.reason}` };
    });
    if (resolution.ok) {
      this.log.info(`${reference} resolved to ${resolution.pinned}`);
      return { reference: resolution.pinned, byDigest: true };
    }
    this.log.warn(`${reference} could not be pinned to a digest: ${resolution.reason}`);
    if (allowTag) return { reference, byDigest: false };
    const signTag = vscode.l10n.t('Sign the Tag Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Only the tag of {0} is known, not its digest.', reference),
      {
        modal: true,
        detail: vscode.l10n.t('Signing a tag signs whatever image the tag points to when cosign runs, which can be a different image than the one you built and scanned. Push the image (or pull it) so it has a repository digest, or sign repo@sha256:… directly.\n\n{0}', plainValue(resolution.reason, 500)),
      },
      signTag,
    );
    return choice === signTag ? { reference, byDigest: false } : undefined;
  }

  private async signKeylessInTerminal(signOptions: { reference: string; key: SigningKey; annotations?: Record<string, string>; tlogUpload?: boolean; allowTag: boolean }): Promise<SignImageOutcome> {
    const argv = signArgs(signOptions);
    const cosign = await locateCosign(this.log);
    if (!cosign) return { ok: false, refusal: 'cosign-missing' };
    this.log.info(`Running in a terminal: ${displayCommand(cosign, argv)}`);
    // shellPath + shellArgs start cosign itself (no shell parses the reference), and the
    // terminal gives it the browser / device-code login it needs.
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('cosign sign (keyless)'),
      shellPath: cosign,
      shellArgs: argv,
      isTransient: true,
    });
    terminal.show();
    return { ok: true, reference: signOptions.reference, pinnedToDigest: isDigestPinned(signOptions.reference), inTerminal: true };
  }
}

/** Digest resolution that reports a missing docker as a reason instead of an error. */
/** Refuses a key file that is not a private key, before its password is asked for. */
async function ensurePrivateKeyFile(file: string): Promise<void> {
  let text: string;
  try {
    text = await readRegularFile(file, PRIVATE_KEY_MAX_BYTES);
  } catch {
    throw new SigningInputError(vscode.l10n.t('The chosen key file cannot be read as a private key (a regular file of at most 64 KiB). Choose the cosign.key that Generate Key Pair wrote.'));
  }
  if (!isPrivateKeyText(text)) {
    throw new SigningInputError(vscode.l10n.t('The chosen file is not a private key (no "PRIVATE KEY" block). Choose the cosign.key that Generate Key Pair wrote, not cosign.pub.'));
  }
}

const PRIVATE_KEY_MAX_BYTES = 64 * 1024;

async function resolveQuietly(runner: CosignRunner, reference: string, where: 'local' | 'remote'): Promise<DigestResolution> {
  try {
    return where === 'local' ? await runner.resolveDigest(reference) : await runner.resolveDigestRemote(reference);
  } catch (e) {
    if (e instanceof CosignError && e.code !== 'CANCELLED') return { ok: false, reason: e.message };
    throw e;
  }
}

function signArguments(arg: unknown): SignImageArguments {
  const reference = referenceFromArgument(arg);
  const args = arg && typeof arg === 'object' ? (arg as SignImageArguments) : {};
  return { ...args, reference };
}

function keyFromArguments(args: SignImageArguments): SigningKey | undefined {
  if (args.keyPath !== undefined) return { kind: 'file', path: args.keyPath };
  if (args.kmsUri !== undefined) return { kind: 'kms', uri: args.kmsUri };
  if (args.keyless) return { kind: 'keyless' };
  return undefined;
}

interface KeyModeItem extends vscode.QuickPickItem {
  mode: 'file' | 'kms' | 'keyless';
}

async function pickSigningKey(title: string): Promise<SigningKey | undefined> {
  const items: KeyModeItem[] = [
    { mode: 'file', label: `$(key) ${vscode.l10n.t('Key file')}`, detail: vscode.l10n.t('A cosign.key written by Generate Key Pair; asks for its password') },
    { mode: 'kms', label: `$(cloud) ${vscode.l10n.t('KMS key')}`, detail: vscode.l10n.t('awskms://, gcpkms://, azurekms://, hashivault:// or k8s://') },
    { mode: 'keyless', label: `$(globe) ${vscode.l10n.t('Keyless (OIDC)')}`, detail: vscode.l10n.t('Sign with your identity: runs cosign in a terminal, which opens a browser to log in') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('How do you sign?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.mode === 'keyless') return { kind: 'keyless' };
  if (picked.mode === 'kms') {
    const uri = await inputKmsUri(title);
    return uri ? { kind: 'kms', uri } : undefined;
  }
  const keyPath = await pickKeyFile(vscode.l10n.t('Choose the private key (cosign.key)'), 'private');
  return keyPath ? { kind: 'file', path: keyPath } : undefined;
}

interface OptionItem extends vscode.QuickPickItem {
  option: 'annotations' | 'noTlog';
}

async function pickSignOptions(title: string): Promise<{ annotations?: Record<string, string>; tlogUpload: boolean } | undefined> {
  const items: OptionItem[] = [
    { option: 'annotations', label: vscode.l10n.t('Add annotations'), description: '-a key=value', detail: vscode.l10n.t('Signed key=value pairs, e.g. the commit or pipeline run') },
    { option: 'noTlog', label: vscode.l10n.t('Do not upload to the transparency log'), description: '--tlog-upload=false', detail: vscode.l10n.t('For private infrastructure: the signature is not recorded in the public Rekor log') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true, placeHolder: vscode.l10n.t('Options (none needed: press Enter)'), ignoreFocusOut: true });
  if (!picked) return undefined;
  let annotations: Record<string, string> | undefined;
  if (picked.some((p) => p.option === 'annotations')) {
    const text = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('Annotations as key=value, separated by commas or spaces'),
      placeHolder: 'commit=3f2a9c1, pipeline=release',
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          parseAnnotationList(value);
          return undefined;
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      },
    });
    if (text === undefined) return undefined;
    annotations = parseAnnotationList(text);
  }
  return { annotations, tlogUpload: !picked.some((p) => p.option === 'noTlog') };
}

/**
 * cosign in the editor: sign, verify, generate keys and admission policies. This module wires
 * the commands; each command lives in its own file and cosign itself is driven by
 * src/node/cosign.ts with argv built in src/core/signing.
 */
import * as vscode from 'vscode';
import { CommandManager } from '../commands';
import { GenerateAdmissionPolicyCommand } from './generateAdmissionPolicy';
import { GenerateKeyPairCommand } from './generateKeyPair';
import { KeyPasswordStore } from './keyPasswords';
import { SignImageCommand } from './signImage';
import { SignatureStatusStore } from './statusStore';
import { VerifyImageCommand } from './verifyImage';

export { SignatureStatusStore } from './statusStore';
export type { SignatureStatus } from './statusStore';
export type { SignImageArguments, SignImageOutcome } from './signImage';
export type { VerifyImageArguments, VerifyImageOutcome } from './verifyImage';
export type { GenerateKeyPairArguments, GenerateKeyPairOutcome } from './generateKeyPair';
export type { GenerateAdmissionPolicyArguments, GenerateAdmissionPolicyOutcome } from './generateAdmissionPolicy';

/** Command ids, for menus, tree items and CodeLens. */
export const SIGNING_COMMANDS = {
  signImage: SignImageCommand.id,
  verifyImage: VerifyImageCommand.id,
  generateKeyPair: GenerateKeyPairCommand.id,
  generateAdmissionPolicy: GenerateAdmissionPolicyCommand.id,
  forgetKeyPasswords: 'shipshape.forgetKeyPasswords',
} as const;

/** The signing feature once registered: dispose it to unregister its commands. */
export interface SigningSupport extends vscode.Disposable {
  /** The last verification per image, with an `onDidVerify` event, for the findings tree and CodeLens. */
  readonly statuses: SignatureStatusStore;
  /** Where the extension's output channel writes its log file (`context.logUri`), for tests that read what was logged. */
  readonly logUri: vscode.Uri;
}

export interface SigningSupportOptions {
  log: vscode.LogOutputChannel;
  /** Share a store created by the caller (e.g. already handed to the findings tree). */
  statuses?: SignatureStatusStore;
}

/** Registers the signing commands. */
export function registerSigningSupport(context: vscode.ExtensionContext, options: SigningSupportOptions): SigningSupport {
  const { log } = options;
  const ownsStore = !options.statuses;
  const statuses = options.statuses ?? new SignatureStatusStore();
  const passwords = new KeyPasswordStore(context.secrets, context.globalState);
  const commands = new CommandManager();
  commands.register(new SignImageCommand(log, passwords));
  commands.register(new VerifyImageCommand(log, statuses));
  commands.register(new GenerateKeyPairCommand(log));
  commands.register(new GenerateAdmissionPolicyCommand(log));
  commands.register({
    id: SIGNING_COMMANDS.forgetKeyPasswords,
    execute: async (): Promise<number> => {
      const count = await passwords.forgetAll();
      log.info(`Forgot ${count} saved key password(s)`);
      void vscode.window.showInformationMessage(
        count === 0 ? vscode.l10n.t('No key passwords were saved.') : vscode.l10n.t('Forgot {0} saved key password(s).', String(count)),
      );
      return count;
    },
  });
  return {
    statuses,
    logUri: context.logUri,
    dispose: () => {
      commands.dispose();
      if (ownsStore) statuses.dispose();
    },
  };
}

/**
 * The "Sign image" and "Verify signature" CodeLens commands for an image reference (a Dockerfile
 * `FROM` or a manifest `image:`), for the CodeLens provider that the scan feature registers. With
 * a store, the verify lens shows the last verification (✓ / ✗).
 */
export function signingCodeLensCommands(reference: string, statuses?: SignatureStatusStore): vscode.Command[] {
  const status = statuses?.get(reference);
  const verifyTitle = !status
    ? vscode.l10n.t('Verify signature')
    : status.result.verified
      ? vscode.l10n.t('$(pass) Signature verified')
      : vscode.l10n.t('$(error) Signature not verified');
  return [
    { title: vscode.l10n.t('Sign image'), command: SIGNING_COMMANDS.signImage, arguments: [{ reference }], tooltip: vscode.l10n.t('Sign {0} with cosign', reference) },
    { title: verifyTitle, command: SIGNING_COMMANDS.verifyImage, arguments: [{ reference }], tooltip: status?.result.reason ?? vscode.l10n.t('Verify the cosign signature of {0}', reference) },
  ];
}

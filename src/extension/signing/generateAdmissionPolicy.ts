/**
 * "Generate Admission Policy…": a Kyverno ClusterPolicy or a Sigstore policy-controller
 * ClusterImagePolicy that admits only signed images, opened as a new untitled YAML document.
 * Nothing is spawned, so it works in Restricted Mode too.
 */
import * as vscode from 'vscode';
import { readRegularFile } from '../../node/files';
import { PolicyAuthority, kyvernoPolicy, policyControllerPolicy, validateImagePattern } from '../../core/signing';
import { Command } from '../commands';
import { CommandFailure, reportFailure } from './cosignTool';
import { inputKeylessIdentity, pickKeyFile, pickTlogChoice } from './prompts';

export type AdmissionController = 'kyverno' | 'policy-controller';

/** What `shipshape.generateAdmissionPolicy` accepts to skip its prompts. */
export interface GenerateAdmissionPolicyArguments {
  engine?: AdmissionController;
  /** Public key file (cosign.pub); or identity/issuer (exact or regexp) for keyless signatures. */
  publicKeyPath?: string;
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
  /** Image pattern, e.g. `ghcr.io/acme/*`. */
  imagePattern?: string;
  /** For signatures made with `--tlog-upload=false`. */
  ignoreTlog?: boolean;
}

export type GenerateAdmissionPolicyOutcome = { ok: true; document: vscode.TextDocument } | CommandFailure;

const CANCELLED: CommandFailure = { ok: false, refusal: 'cancelled' };

export class GenerateAdmissionPolicyCommand implements Command {
  static readonly id = 'shipshape.generateAdmissionPolicy';
  readonly id = GenerateAdmissionPolicyCommand.id;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async execute(arg?: unknown): Promise<GenerateAdmissionPolicyOutcome> {
    const args: GenerateAdmissionPolicyArguments = arg && typeof arg === 'object' ? (arg as GenerateAdmissionPolicyArguments) : {};
    try {
      return await this.generate(args);
    } catch (e) {
      return reportFailure(this.log, vscode.l10n.t('Admission policy'), e);
    }
  }

  private async generate(args: GenerateAdmissionPolicyArguments): Promise<GenerateAdmissionPolicyOutcome> {
    const title = vscode.l10n.t('Generate Admission Policy');
    const engine = args.engine ?? (await pickController(title));
    if (!engine) return CANCELLED;
    const givenAuthority = await authorityFromArguments(args);
    const authority = givenAuthority ?? (await pickAuthority(title));
    if (!authority) return CANCELLED;
    let ignoreTlog = args.ignoreTlog;
    if (!givenAuthority && authority.kind === 'key') {
      ignoreTlog = await pickTlogChoice(title);
      if (ignoreTlog === undefined) return CANCELLED;
    }
    const imagePattern = args.imagePattern ?? (await vscode.window.showInputBox({
      title,
      prompt: engine === 'kyverno'
        ? vscode.l10n.t('Images the policy applies to; * and ? are wildcards (e.g. ghcr.io/acme/*)')
        : vscode.l10n.t('Images the policy applies to, as a glob (e.g. ghcr.io/acme/**)'),
      value: engine === 'kyverno' ? 'ghcr.io/acme/*' : 'ghcr.io/acme/**',
      ignoreFocusOut: true,
      validateInput: (text) => validateImagePattern(text.trim()),
    }))?.trim();
    if (!imagePattern) return CANCELLED;

    const options = { images: [imagePattern], authority, ignoreTlog };
    const content = engine === 'kyverno' ? kyvernoPolicy(options) : policyControllerPolicy(options);
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(document, { preview: false });
    this.log.info(`Generated a ${engine === 'kyverno' ? 'Kyverno ClusterPolicy' : 'policy-controller ClusterImagePolicy'} for ${imagePattern}`);
    return { ok: true, document };
  }
}

async function authorityFromArguments(args: GenerateAdmissionPolicyArguments): Promise<PolicyAuthority | undefined> {
  if (args.publicKeyPath !== undefined) return { kind: 'key', publicKeyPem: await readText(args.publicKeyPath) };
  if ([args.identity, args.identityRegexp, args.issuer, args.issuerRegexp].some((v) => v !== undefined)) {
    return { kind: 'keyless', subject: args.identity, subjectRegExp: args.identityRegexp, issuer: args.issuer, issuerRegExp: args.issuerRegexp };
  }
  return undefined;
}

/** A public key file: a regular file of at most 64 KiB (a FIFO must not hang the extension host). */
async function readText(file: string): Promise<string> {
  return readRegularFile(file, 64 * 1024);
}

interface ControllerItem extends vscode.QuickPickItem {
  engine: AdmissionController;
}

async function pickController(title: string): Promise<AdmissionController | undefined> {
  const items: ControllerItem[] = [
    { engine: 'kyverno', label: vscode.l10n.t('Kyverno ClusterPolicy'), description: 'kyverno.io/v1', detail: vscode.l10n.t('A verifyImages rule that blocks Pods whose images are not signed (Enforce)') },
    { engine: 'policy-controller', label: vscode.l10n.t('Sigstore policy-controller ClusterImagePolicy'), description: 'policy.sigstore.dev/v1beta1', detail: vscode.l10n.t('Enforced in namespaces labelled policy.sigstore.dev/include=true') },
  ];
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which admission controller runs in your cluster?'), ignoreFocusOut: true }))?.engine;
}

interface AuthorityItem extends vscode.QuickPickItem {
  mode: 'key' | 'keyless' | 'keylessRegexp';
}

async function pickAuthority(title: string): Promise<PolicyAuthority | undefined> {
  const items: AuthorityItem[] = [
    { mode: 'key', label: `$(key) ${vscode.l10n.t('Public key file')}`, detail: vscode.l10n.t('Images signed with the private key of this cosign.pub') },
    { mode: 'keyless', label: `$(globe) ${vscode.l10n.t('Keyless: identity and issuer')}`, detail: vscode.l10n.t('Images signed keylessly by this exact identity') },
    { mode: 'keylessRegexp', label: `$(regex) ${vscode.l10n.t('Keyless: identity and issuer patterns')}`, detail: vscode.l10n.t('Images signed keylessly by identities matching a regular expression') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Who must have signed the images?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.mode === 'key') {
    const keyPath = await pickKeyFile(vscode.l10n.t('Choose the public key (cosign.pub)'), 'public');
    return keyPath ? { kind: 'key', publicKeyPem: await readText(keyPath) } : undefined;
  }
  const id = await inputKeylessIdentity(title, picked.mode === 'keylessRegexp');
  if (!id) return undefined;
  return { kind: 'keyless', subject: id.identity, subjectRegExp: id.identityRegexp, issuer: id.issuer, issuerRegExp: id.issuerRegexp };
}

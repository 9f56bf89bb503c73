/** The pickers and input boxes the signing commands share. Each resolves undefined when the user backs out. */
import * as vscode from 'vscode';
import { validateImageRef } from '../../core/imageRef';
import { CertificateIdentity, validateKmsUri } from '../../core/signing';
import { loadScanRunner } from '../scan/lazy';
import { machineToolPath } from './cosignTool';

interface ImageItem extends vscode.QuickPickItem {
  reference?: string;
}

/**
 * An image reference: picked from the local images (docker, else podman) or typed. Only call it
 * in a trusted workspace: listing the images runs docker.
 */
export async function pickImageReference(log: vscode.LogOutputChannel, title: string): Promise<string | undefined> {
  const typeItem: ImageItem = { label: `$(edit) ${vscode.l10n.t('Type an image reference…')}`, alwaysShow: true };
  const items = loadScanRunner().listLocalImages({ toolPaths: { docker: machineToolPath('scan.dockerPath'), podman: machineToolPath('scan.podmanPath') } })
    .then((list) => {
      const images: ImageItem[] = list.images
        .filter((image) => image.repository) // an untagged image has nothing to sign it under
        .map((image) => ({
          label: image.reference,
          description: [image.id, image.sizeText].filter(Boolean).join(' · '),
          detail: image.digest ? image.digest : vscode.l10n.t('no repository digest (never pushed or pulled)'),
          reference: image.reference,
        }));
      return [typeItem, ...images];
    })
    .catch((e: unknown) => {
      log.info(`Could not list local images: ${e instanceof Error ? e.message : String(e)}`);
      return [typeItem];
    });
  const resolved = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing local images…') }, () => items);
  if (resolved.length === 1) return inputImageReference(title);
  const picked = await vscode.window.showQuickPick(resolved, {
    title,
    placeHolder: vscode.l10n.t('Pick a local image or type a reference'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  return picked.reference ?? inputImageReference(title);
}

/** An image reference typed into an input box, validated as it is typed. */
export function inputImageReference(title: string, value?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    value,
    prompt: vscode.l10n.t('Image reference, e.g. ghcr.io/acme/app@sha256:… or ghcr.io/acme/app:1.2'),
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? vscode.l10n.t('Enter an image reference') : validateImageRef(text.trim())),
  }).then((text) => text?.trim());
}

/** A KMS key URI typed into an input box. */
export function inputKmsUri(title: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('KMS key URI: awskms://, gcpkms://, azurekms://, hashivault:// or k8s://'),
    placeHolder: 'gcpkms://projects/PROJECT/locations/global/keyRings/RING/cryptoKeys/KEY',
    ignoreFocusOut: true,
    validateInput: (text) => validateKmsUri(text.trim()),
  }).then((text) => text?.trim());
}

/** A key file chosen in a file dialog, starting in the first workspace folder. */
export async function pickKeyFile(title: string, kind: 'private' | 'public'): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: kind === 'private' ? vscode.l10n.t('Use This Private Key') : vscode.l10n.t('Use This Public Key'),
    filters: kind === 'private'
      ? { [vscode.l10n.t('cosign private key')]: ['key'], [vscode.l10n.t('All files')]: ['*'] }
      : { [vscode.l10n.t('Public key')]: ['pub', 'pem'], [vscode.l10n.t('All files')]: ['*'] },
  });
  return picked?.[0]?.fsPath;
}

/**
 * The certificate identity and OIDC issuer a keyless signature must carry, as exact values or
 * Go regular expressions.
 */
export async function inputKeylessIdentity(title: string, regexp: boolean): Promise<CertificateIdentity | undefined> {
  const nonEmpty = (text: string) => (text.trim() === '' ? vscode.l10n.t('This value is required') : text.startsWith('-') ? vscode.l10n.t('The value cannot start with "-"') : undefined);
  const identity = await vscode.window.showInputBox({
    title,
    prompt: regexp
      ? vscode.l10n.t('Regular expression the certificate identity must match (e.g. ^https://github.com/acme/.*$)')
      : vscode.l10n.t('Certificate identity: the signer\'s e-mail or workflow URL (e.g. https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main)'),
    ignoreFocusOut: true,
    validateInput: nonEmpty,
  });
  if (identity === undefined) return undefined;
  const issuer = await vscode.window.showInputBox({
    title,
    prompt: regexp
      ? vscode.l10n.t('Regular expression the OIDC issuer must match')
      : vscode.l10n.t('OIDC issuer (e.g. https://token.actions.githubusercontent.com or https://accounts.google.com)'),
    value: regexp ? undefined : 'https://token.actions.githubusercontent.com',
    ignoreFocusOut: true,
    validateInput: nonEmpty,
  });
  if (issuer === undefined) return undefined;
  return regexp ? { identityRegexp: identity.trim(), issuerRegexp: issuer.trim() } : { identity: identity.trim(), issuer: issuer.trim() };
}

/**
 * Asked after a key was picked: whether the signature was made with `--tlog-upload=false`, so
 * the check must not look for it in the transparency log. Undefined when the user backs out.
 */
export async function pickTlogChoice(title: string): Promise<boolean | undefined> {
  const items: Array<vscode.QuickPickItem & { ignoreTlog: boolean }> = [
    { ignoreTlog: false, label: vscode.l10n.t('Signature is in the transparency log'), detail: vscode.l10n.t('The default: cosign signed with Rekor upload') },
    { ignoreTlog: true, label: vscode.l10n.t('Signature is not in the transparency log'), description: '--tlog-upload=false', detail: vscode.l10n.t('Private infrastructure: do not look the signature up in Rekor') },
  ];
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Was the image signed with a transparency log entry?'), ignoreFocusOut: true }))?.ignoreTlog;
}

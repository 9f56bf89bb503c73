/** "Scan image" (and the signing feature's lenses) above every Dockerfile `FROM` image and manifest `image:`. */
import * as vscode from 'vscode';
import { imageReferencesOf } from './imageReferenceIndex';
import { toRange } from '../convert';
import { documentKind } from '../documents';
import { signingCodeLensCommands, SignatureStatusStore } from '../signing';
import { SCAN_COMMANDS } from './commands';
import { offersSigning } from '../signingScope';

export class ImageCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly signatures?: SignatureStatusStore) {
    if (signatures) this.disposables.push(signatures.onDidVerify(() => this.emitter.fire()));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('shipshape.signing.registries')) this.emitter.fire(); }));
  }

  async provideCodeLenses(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const kind = documentKind(doc);
    if (!kind || token?.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    const signingRegistries = vscode.workspace.getConfiguration('shipshape', doc.uri).get<unknown[]>('signing.registries', []) ?? [];
    // From the language server, once per version, shared with the scan diagnostics.
    const refs = await imageReferencesOf(doc, token);
    if (token?.isCancellationRequested) return [];
    for (const ref of refs) {
      const range = toRange(ref.range);
      lenses.push(new vscode.CodeLens(range, {
        title: vscode.l10n.t('Scan image'),
        tooltip: vscode.l10n.t('Scan {0} for known vulnerabilities', ref.reference),
        command: SCAN_COMMANDS.scanImage,
        arguments: [{ reference: ref.reference }],
      }));
      // Sign / Verify only on images the user publishes (shipshape.signing.registries), not on base images.
      if (!offersSigning(ref.reference, kind, Array.isArray(signingRegistries) ? signingRegistries : [])) continue;
      for (const command of signingCodeLensCommands(ref.reference, this.signatures)) lenses.push(new vscode.CodeLens(range, command));
    }
    return lenses;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

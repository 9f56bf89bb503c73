/**
 * The last signature verification of each image, in memory for the session, so the findings
 * tree and the CodeLens can show ✓ / ✗ next to an image without running cosign again.
 */
import * as vscode from 'vscode';
import { VerifyResult } from '../../core/signing';
import { signatureStatusKey } from './inputs';

/** A remembered verification: cosign's result and when it was obtained. */
export interface SignatureStatus {
  result: VerifyResult;
  verifiedAt: Date;
}

export class SignatureStatusStore implements vscode.Disposable {
  private readonly statuses = new Map<string, SignatureStatus>();
  private readonly emitter = new vscode.EventEmitter<VerifyResult>();
  /** Fires after each verification with its result (verified or not). */
  readonly onDidVerify = this.emitter.event;

  /** Remembers a verification result under its reference (spelling-insensitive, see signatureStatusKey). */
  record(result: VerifyResult): void {
    this.statuses.set(signatureStatusKey(result.reference), { result, verifiedAt: new Date() });
    this.emitter.fire(result);
  }

  /** The last verification of an image reference, if any this session. */
  get(reference: string): SignatureStatus | undefined {
    return this.statuses.get(signatureStatusKey(reference));
  }

  /** Every remembered verification. */
  all(): SignatureStatus[] {
    return [...this.statuses.values()];
  }

  clear(): void {
    this.statuses.clear();
  }

  dispose(): void {
    this.emitter.dispose();
    this.statuses.clear();
  }
}
